/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jit-internal.h - state shared by the passes of the JIT core.
 */
#ifndef NFPE_JIT_INTERNAL_H
#define NFPE_JIT_INTERNAL_H

#include "nfpe_jit.h"

#define JIT_MAX_SUBPROGS	NFPE_IMAGE_MAX_ENTRIES
#define JIT_NREGS		11

/* Per eBPF instruction flags (struct jit_insn.flags). */
#define JI_REACH	NFPE_BIT(0)	/* reachable from an entry */
#define JI_TARGET	NFPE_BIT(1)	/* a branch lands here */
#define JI_SECOND	NFPE_BIT(2)	/* second half of LD_IMM64 */
#define JI_DEAD		NFPE_BIT(3)	/* result never used: not emitted */
#define JI_K32S		NFPE_BIT(4)	/* source high half known 0 */
#define JI_K32D		NFPE_BIT(5)	/* destination high half known 0 */
#define JI_SRCK		NFPE_BIT(6)	/* source is an immediate (kval) */
#define JI_FOLD		NFPE_BIT(7)	/* result known: rval */
#define JI_PKTLD	NFPE_BIT(8)	/* head of a combined packet access */
#define JI_MERGED	NFPE_BIT(9)	/* part of a combined access: skip */
#define JI_SIDE		NFPE_BIT(10)	/* has side effects */
#define JI_NARROW	NFPE_BIT(11)	/* 64-bit shift done in 32 bits */

/* Abstract register value for the forward analysis. */
#define RV_K32		NFPE_BIT(0)
#define RV_CONST	NFPE_BIT(1)

struct jit_rv {
	uint32_t known;
	uint32_t bits;		/* bit length bound, 64: unknown */
	uint64_t val;
};

/*
 * A combined packet access (JI_PKTLD head, the rest of [head, last]
 * JI_MERGED): a load of size bytes at [base + off] into reg, a copy of
 * size bytes from [base + off] to [base + off2], or a store of the
 * constant val at [base + off].
 */
#define COMB_LOAD	0
#define COMB_COPY	1
#define COMB_CONST	2

struct jit_comb {
	uint8_t kind, size, reg, base;
	int16_t off, off2;
	uint32_t last;		/* last eBPF insn of the group */
	uint32_t defs;		/* register halves the group writes */
	uint64_t val;
};

struct jit_insn {
	uint32_t flags;
	uint16_t sub;		/* subprogram index */
	uint64_t kval;		/* source operand as a 64-bit value */
	uint64_t dval;		/* destination value before (if const) */
	uint64_t rval;		/* folded result */
	uint32_t live_out;	/* halves: bit 2n lo of rn, 2n+1 hi */
	uint32_t live_in;
	bool dconst;
	bool visited;
	struct jit_comb comb;	/* JI_PKTLD: what the head does */
	struct jit_rv in[JIT_NREGS];
};

struct jit_sub {
	uint32_t start, end;	/* [start, end) eBPF insns */
	uint32_t depth;		/* eBPF stack bytes, rounded to 8 */
	uint32_t saved;		/* bit n: r(6+n) saved by this callee */
	uint32_t frame;		/* depth + 8 * saved registers */
	uint32_t max_total;	/* deepest stack from here */
	uint32_t entry_ir;	/* IR index of the prologue */
};

/* One microcode instruction before layout. */
#define IR_PLAIN	0
#define IR_BR_BPF	1	/* target is an eBPF insn index */
#define IR_BR_IR	2	/* target is an IR index */
#define IR_DELETED	3
#define IR_BR_SUB	4	/* target is a subprogram index */

struct jit_ir {
	uint64_t word;
	uint32_t kind;
	uint32_t target;
	uint32_t reloc;		/* enum nfpe_reloc_kind or 0 */
	uint32_t reloc_val;
};

struct jit {
	const struct nfpe_jit_alloc *a;
	const struct nfpe_jit_caps *caps;
	const struct nfpe_jit_prog *p;
	struct nfpe_jit_result *res;
	const struct nfpe_bpf_insn *insn;
	uint32_t n;
	uint32_t opts;
	struct jit_insn *ii;
	struct jit_sub sub[JIT_MAX_SUBPROGS];
	uint32_t nsub;
	uint32_t stack_size;
	struct jit_ir *ir;
	uint32_t nir, ir_cap;
	uint32_t *bpf2ir;
	int err;
};

int jit_error(struct jit *j, int err, int32_t insn, const char *fmt, ...)
	nfpe_printf(4, 5);

/* analysis.c */
int jit_analyse(struct jit *j);
uint32_t jit_insn_uses(struct jit *j, uint32_t i, uint32_t live_out);
uint32_t jit_insn_defs(struct jit *j, uint32_t i);

/* codegen.c */
int jit_codegen(struct jit *j);

/* Helpers shared by the passes. */
static inline bool jit_is_ldimm64(const struct nfpe_bpf_insn *in)
{
	return in->code == (NFPE_BPF_LD | NFPE_BPF_IMM | NFPE_BPF_DW);
}

static inline bool jit_is_pseudo_call(const struct nfpe_bpf_insn *in)
{
	return in->code == (NFPE_BPF_JMP | NFPE_BPF_CALL) &&
	       in->src_reg == NFPE_BPF_PSEUDO_CALL;
}

static inline bool jit_is_helper_call(const struct nfpe_bpf_insn *in)
{
	return in->code == (NFPE_BPF_JMP | NFPE_BPF_CALL) &&
	       in->src_reg == 0;
}

static inline uint32_t jit_size_bytes(uint8_t code)
{
	switch (NFPE_BPF_SIZE(code)) {
	case NFPE_BPF_B:
		return 1;
	case NFPE_BPF_H:
		return 2;
	case NFPE_BPF_W:
		return 4;
	default:
		return 8;
	}
}

#define HB_LO(n)	(1u << (2 * (n)))
#define HB_HI(n)	(1u << (2 * (n) + 1))
#define HB_BOTH(n)	(HB_LO(n) | HB_HI(n))
#define HB_ALL		0x3fffffu

#endif /* NFPE_JIT_INTERNAL_H */
