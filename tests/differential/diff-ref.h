/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * diff-ref.h - the differential suite's own eBPF reference interpreter
 * and random program generator (docs/testing-differential.md).
 *
 * The reference interpreter is written from the kernel's documented
 * semantics (Documentation/bpf/instruction-set.rst, Linux 6.1, and the
 * verifier's div/mod fix-up): it shares no code with the JIT's constant
 * folder (nfpe_jit_eval_alu) nor with DPDK.  Modes reproduce the places
 * where DPDK 22.11's engines differ from the kernel, so that every engine
 * is compared with a model of itself rather than excused.
 */
#ifndef DIFF_REF_H
#define DIFF_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "nfpe_jit.h"

/* Reference interpreter modes. */
enum dref_mode {
	DREF_KERNEL = 0,	/* Linux: x/0 = 0, x%0 = x (32-bit: (u32)x) */
	DREF_DPDK_JIT,		/* div/mod by a zero register: return 0 */
	DREF_DPDK_INTERP,	/* same, and to_le16/32 do not truncate */
};

#define DREF_STACK	512
#define DREF_MAX_INSNS	1024

struct dref_result {
	uint64_t r0;
	bool ok;		/* false: the model hit something invalid */
	bool div0;		/* a division/modulo by zero executed */
	uint64_t insns;		/* instructions executed */
	char err[128];
};

/*
 * Run insns (r1 = pkt, r10 = top of a 512-byte stack per frame) in the
 * given mode; pkt is modified in place.  Memory accesses outside the
 * packet or the current frame, uninitialised-stack reads excepted, make
 * the result not ok (a generator bug, never an engine's).
 */
void dref_run(const struct nfpe_bpf_insn *insns, uint32_t n, uint8_t *pkt,
	      uint32_t pkt_len, enum dref_mode mode, struct dref_result *res);

/*
 * Helper calls (BPF_CALL with src_reg 0), for the engine benchmark's
 * instruction counts: when set, calls go here and memory accesses are
 * not range-checked (the program runs on host pointers).
 */
extern uint64_t (*dref_helper)(int32_t id, uint64_t r1, uint64_t r2,
			       uint64_t r3, uint64_t r4, uint64_t r5);

/* ---- the generator ------------------------------------------------ */

/* Profiles: what the generated program may contain. */
#define DGEN_JMP32	(1u << 0)	/* JMP32 (DPDK 22.11 refuses it) */
#define DGEN_CALLS	(1u << 1)	/* bpf-to-bpf calls (DPDK refuses) */
#define DGEN_ARSH32	(1u << 2)	/* ALU32 arsh (DPDK refuses) */
#define DGEN_DIV0	(1u << 3)	/* divisors may be zero at run time */
#define DGEN_DPDK	0
#define DGEN_FULL	(DGEN_JMP32 | DGEN_CALLS | DGEN_ARSH32)

struct dgen_prog {
	struct nfpe_bpf_insn insns[DREF_MAX_INSNS];
	uint32_t n;
	uint32_t end;		/* index of the main program's `mov r0, r0` */
	uint32_t body;		/* first instruction after the set-up */
	uint32_t pkt_len;
	uint8_t pkt[256];
};

/*
 * Generate program number `idx` of the run seeded `seed` (reproducible:
 * the pair names the program).  The program's first instruction is
 * `r9 = r1` (mov64); dgen_for_jit() turns it into `r9 = ctx->data`.
 * insns[end] is `mov64 r0, r0`; dgen_hi() makes it `r0 >>= 32`.
 */
void dgen_generate(uint64_t seed, uint64_t idx, uint32_t profile,
		   struct dgen_prog *p);

/* Same program, XDP flavour: insn 0 becomes `r9 = *(u32 *)(r1 + 0)`. */
void dgen_for_jit(struct nfpe_bpf_insn *insns);
/* Same program returning the high word of r0 in the low word. */
void dgen_hi(struct nfpe_bpf_insn *insns, uint32_t end);

/* One line per instruction, for failure reports. */
void dgen_dump(const struct nfpe_bpf_insn *insns, uint32_t n, char *buf,
	       size_t size);

#endif /* DIFF_REF_H */
