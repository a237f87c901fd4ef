/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpe_jit.h - eBPF to nfp-ebpf microcode: the portable JIT core.
 *
 * Built into the Linux module (the facts come from the verifier's
 * offload hooks) and into the userspace tools (the facts come from the
 * front end's own abstract interpreter, jit/user/analyze.c).  The core
 * calls no libc and no kernel function: memory comes from the caller's
 * allocator, messages are formatted by jit/core/fmt.c.
 *
 * docs/jit.md describes the passes, the register mapping, the calling
 * convention and how each eBPF instruction class is lowered.
 */
#ifndef NFPE_JIT_H
#define NFPE_JIT_H

#include "compat.h"
#include "nfpe/isa.h"
#include "nfpe/image.h"
#include "nfpe/hw.h"

/* Same layout as the kernel's struct bpf_insn. */
struct nfpe_bpf_insn {
	uint8_t code;
	uint8_t dst_reg:4;
	uint8_t src_reg:4;
	int16_t off;
	int32_t imm;
};

/* eBPF opcode fields (Linux numbering, include/uapi/linux/bpf.h). */
#define NFPE_BPF_CLASS(c)	((c) & 0x07)
#define NFPE_BPF_LD		0x00
#define NFPE_BPF_LDX		0x01
#define NFPE_BPF_ST		0x02
#define NFPE_BPF_STX		0x03
#define NFPE_BPF_ALU		0x04
#define NFPE_BPF_JMP		0x05
#define NFPE_BPF_JMP32		0x06
#define NFPE_BPF_ALU64		0x07

#define NFPE_BPF_SIZE(c)	((c) & 0x18)
#define NFPE_BPF_W		0x00
#define NFPE_BPF_H		0x08
#define NFPE_BPF_B		0x10
#define NFPE_BPF_DW		0x18
#define NFPE_BPF_MODE(c)	((c) & 0xe0)
#define NFPE_BPF_IMM		0x00
#define NFPE_BPF_ABS		0x20
#define NFPE_BPF_IND		0x40
#define NFPE_BPF_MEM		0x60
#define NFPE_BPF_ATOMIC		0xc0

#define NFPE_BPF_OP(c)		((c) & 0xf0)
#define NFPE_BPF_SRC(c)		((c) & 0x08)
#define NFPE_BPF_K		0x00
#define NFPE_BPF_X		0x08

#define NFPE_BPF_ADD		0x00
#define NFPE_BPF_SUB		0x10
#define NFPE_BPF_MUL		0x20
#define NFPE_BPF_DIV		0x30
#define NFPE_BPF_OR		0x40
#define NFPE_BPF_AND		0x50
#define NFPE_BPF_LSH		0x60
#define NFPE_BPF_RSH		0x70
#define NFPE_BPF_NEG		0x80
#define NFPE_BPF_MOD		0x90
#define NFPE_BPF_XOR		0xa0
#define NFPE_BPF_MOV		0xb0
#define NFPE_BPF_ARSH		0xc0
#define NFPE_BPF_END		0xd0
#define NFPE_BPF_TO_LE		0x00
#define NFPE_BPF_TO_BE		0x08

#define NFPE_BPF_JA		0x00
#define NFPE_BPF_JEQ		0x10
#define NFPE_BPF_JGT		0x20
#define NFPE_BPF_JGE		0x30
#define NFPE_BPF_JSET		0x40
#define NFPE_BPF_JNE		0x50
#define NFPE_BPF_JSGT		0x60
#define NFPE_BPF_JSGE		0x70
#define NFPE_BPF_CALL		0x80
#define NFPE_BPF_EXIT		0x90
#define NFPE_BPF_JLT		0xa0
#define NFPE_BPF_JLE		0xb0
#define NFPE_BPF_JSLT		0xc0
#define NFPE_BPF_JSLE		0xd0

#define NFPE_BPF_FETCH		0x01
#define NFPE_BPF_PSEUDO_MAP_FD		1
#define NFPE_BPF_PSEUDO_MAP_VALUE	2
#define NFPE_BPF_PSEUDO_BTF_ID		3
#define NFPE_BPF_PSEUDO_FUNC		4
#define NFPE_BPF_PSEUDO_MAP_IDX		5
#define NFPE_BPF_PSEUDO_MAP_IDX_VALUE	6
#define NFPE_BPF_PSEUDO_CALL		1
#define NFPE_BPF_PSEUDO_KFUNC_CALL	2

/* Linux program and map type numbers the JIT needs to name. */
#define NFPE_BPF_PROG_TYPE_SCHED_CLS	3
#define NFPE_BPF_PROG_TYPE_XDP		6
#define NFPE_BPF_MAP_TYPE_MAX		40

/* Helper ids (Linux 6.1 numbering). */
#define NFPE_BPF_FUNC_map_lookup_elem	1
#define NFPE_BPF_FUNC_map_update_elem	2
#define NFPE_BPF_FUNC_map_delete_elem	3
#define NFPE_BPF_FUNC_ktime_get_ns	5
#define NFPE_BPF_FUNC_get_prandom_u32	7
#define NFPE_BPF_FUNC_tail_call		12
#define NFPE_BPF_FUNC_perf_event_output	25
#define NFPE_BPF_FUNC_xdp_adjust_head	44
#define NFPE_BPF_FUNC_xdp_adjust_meta	54
#define NFPE_BPF_FUNC_xdp_adjust_tail	65

#define NFPE_BPF_MAP_TYPE_HASH		1
#define NFPE_BPF_MAP_TYPE_ARRAY		2
#define NFPE_BPF_MAP_TYPE_PERF_EVENT_ARRAY	4

/* Register mapping: eBPF rN is the pair r(2N), r(2N+1). */
#define NFPE_JIT_LO(n)		((uint8_t)(2 * (n)))
#define NFPE_JIT_HI(n)		((uint8_t)(2 * (n) + 1))
#define NFPE_JIT_TMP(n)		((uint8_t)(22 + (n)))	/* r22..r31 */

/* Kinds of pointers a memory instruction or a helper argument uses. */
enum nfpe_ptr_kind {
	NFPE_PTR_NONE = 0,	/* not a memory access / not known */
	NFPE_PTR_STACK,		/* LM address */
	NFPE_PTR_PKT,		/* PKT-space offset */
	NFPE_PTR_MAP_VALUE,	/* MAP-space address */
	NFPE_PTR_CTX,		/* context: becomes CSR accesses */
	NFPE_PTR_NUM,
};

/* struct nfpe_jit_insn_facts.flags */
#define NFPE_FACT_SEEN		NFPE_BIT(0) /* reachable (verifier saw it) */
#define NFPE_FACT_SRC32		NFPE_BIT(1) /* src value's high half is 0 */
#define NFPE_FACT_DST32		NFPE_BIT(2) /* dst value's high half is 0 */
#define NFPE_FACT_JMP_TARGET	NFPE_BIT(3) /* some branch lands here */
#define NFPE_FACT_LIVE		NFPE_BIT(4) /* .live is valid */

/*
 * What the verifier (kernel) or the front end's analysis (userspace)
 * proved about one instruction.  Facts are claims the core trusts: the
 * pointer kind of a memory access decides the address space of the
 * microcode access.  Everything else (32-bit values, liveness) the core
 * also derives itself; facts can only add knowledge.
 */
struct nfpe_jit_insn_facts {
	uint8_t ptr;		/* memory insn: enum nfpe_ptr_kind of base */
	uint8_t arg_ptr[2];	/* helper call: kinds of r2 and r3 */
	uint8_t flags;		/* NFPE_FACT_* */
	uint16_t map_slot;	/* LD_IMM64 of a map: slot in the map table */
	uint16_t live;		/* bit N: eBPF rN live after the insn */
};

/* One entry of the program's map table; the slot is the index. */
struct nfpe_jit_map {
	uint32_t type;		/* BPF_MAP_TYPE_* */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t flags;
};

/*
 * Device capabilities the JIT checks against: filled from the device's
 * capability TLVs (kernel) or nfpe_caps_default() (tools).
 */
struct nfpe_jit_caps {
	uint32_t code_store;	/* max microcode instructions */
	uint32_t stack_size;	/* LM bytes per thread */
	uint32_t engines;	/* 1 << enum nfpe_engine */
	uint32_t map_types;	/* 1 << BPF_MAP_TYPE_* */
	uint32_t max_maps;
	uint32_t max_key;
	uint32_t max_value;
	uint32_t max_entries;
};

/* Same members as struct nfpe_alloc of the microcode library. */
struct nfpe_jit_alloc {
	void *(*alloc)(void *opaque, size_t size);	/* zeroed, or NULL */
	void (*free)(void *opaque, void *ptr);
	void *opaque;
};

/* Optimisations: each can be switched off for differential testing. */
#define NFPE_JIT_OPT_ZEXT	NFPE_BIT(0) /* drop high halves (32-bit) */
#define NFPE_JIT_OPT_CONST	NFPE_BIT(1) /* constant folding */
#define NFPE_JIT_OPT_DCE	NFPE_BIT(2) /* dead/unreachable code */
#define NFPE_JIT_OPT_PKTLD	NFPE_BIT(3) /* combined packet loads */
#define NFPE_JIT_OPT_PEEP	NFPE_BIT(4) /* peepholes, jump threading */
#define NFPE_JIT_OPT_PKTST	NFPE_BIT(5) /* combined packet stores */
#define NFPE_JIT_OPT_ALL	0x3f

struct nfpe_jit_prog {
	const struct nfpe_bpf_insn *insns;
	uint32_t n_insns;
	/* n_insns entries, or NULL (then no memory access can be lowered) */
	const struct nfpe_jit_insn_facts *facts;
	uint32_t prog_type;		/* enum nfpe_prog_type */
	const struct nfpe_jit_map *maps;
	uint32_t n_maps;
	/*
	 * eBPF stack depth of each subprogram in order of their first
	 * instruction (the verifier's subprog_info[].stack_depth), or
	 * NULL: the core derives it from r10-relative accesses.
	 */
	const uint16_t *stack_depth;
	uint32_t n_stack_depth;
	const char *name;		/* image name, may be NULL */
	uint32_t opts;			/* NFPE_JIT_OPT_* */
};

struct nfpe_jit_stats {
	uint32_t bpf_insns;		/* eBPF instructions in */
	uint32_t mc_insns;		/* microcode instructions out */
	uint32_t subprogs;
	uint32_t stack_size;		/* LM bytes incl. call frames */
	uint32_t maps;
	uint32_t hi_dropped;		/* high-half instructions saved */
	uint32_t folded;		/* operands/results folded */
	uint32_t dead;			/* eBPF insns removed as dead */
	uint32_t unreachable;		/* eBPF insns never reached */
	uint32_t pkt_combined;		/* packet loads merged */
	uint32_t pkt_st_combined;	/* packet stores/copies merged */
	uint32_t peep;			/* microcode insns removed */
};

struct nfpe_jit_result {
	uint8_t *image;			/* allocated with the allocator */
	size_t image_len;
	struct nfpe_jit_stats stats;
	int32_t err_insn;		/* offending eBPF insn or -1 */
	char msg[192];			/* reason: reaches users via extack */
};

/*
 * Compile one program.  Returns 0 with res->image set, or a negative
 * NFPE_E* errno with res->msg set: -NFPE_EOPNOTSUPP for programs the
 * device cannot run, -NFPE_EINVAL for malformed input, -NFPE_E2BIG for
 * limits, -NFPE_ENOMEM.
 */
int nfpe_jit_compile(const struct nfpe_jit_alloc *a,
		     const struct nfpe_jit_caps *caps,
		     const struct nfpe_jit_prog *prog,
		     struct nfpe_jit_result *res);
void nfpe_jit_result_free(const struct nfpe_jit_alloc *a,
			  struct nfpe_jit_result *res);

/* Capabilities of the default device geometry (NFPE_DEF_* values). */
void nfpe_jit_caps_default(struct nfpe_jit_caps *caps);

/* Names for messages: "bpf_redirect", "PERCPU_ARRAY". */
const char *nfpe_jit_helper_name(int32_t id);
const char *nfpe_jit_map_type_name(uint32_t type);

/* The core's message formatter: %s %d %u %x %%, returns length needed. */
size_t nfpe_jit_fmt(char *buf, size_t size, const char *fmt, ...)
	nfpe_printf(3, 4);
size_t nfpe_jit_vfmt(char *buf, size_t size, const char *fmt,
		     nfpe_va_list ap);

/* eBPF ALU semantics (shared by constant folding and the tests). */
uint64_t nfpe_jit_eval_alu(uint8_t code, uint64_t dst, uint64_t src,
			   int32_t imm);
bool nfpe_jit_eval_jmp(uint8_t code, uint64_t dst, uint64_t src);

#endif /* NFPE_JIT_H */
