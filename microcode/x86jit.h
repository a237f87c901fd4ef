/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86jit.h - what the translated code (x86jit.c) and its C runtime
 * (x86jit-rt.c) share: the per-program context the code addresses off
 * rdi, and the helpers the code calls.  Private to microcode/.
 */
#ifndef NFPE_X86JIT_H
#define NFPE_X86JIT_H

#include "internal.h"

/* How the code left: the kind the C runtime finishes (not K_OK). */
enum { K_OK, K_BUDGET, K_FAULT, K_FAULT_MID };

/*
 * One per translated program, in a read+write page mapped right before
 * the code.
 * Runs of one program are serialised by the caller (as for the
 * interpreter's counters), so the per-run part can live here too.
 *
 * key/key_maps: the caps bytes 0..15 (stack and packet geometry; the
 * entry compares stack_size and pkt_size) and env->maps the derived
 * fields (lmsz, pktsz, lim, mapmem, mapsz, maps) were computed for.  The code's entry compares them with the run's env and
 * calls nfpe__x86_refresh() only when they differ.
 */
struct xctx {
	uint32_t key[4];
	const struct nfpe_maps *key_maps;
	uint8_t *mapmem;
	uint64_t lmsz, pktsz, mapsz;
	int64_t lim[3][4];		/* [space][log2 n]: size - n */
	struct nfpe_maps *maps;		/* NULL: map commands fault */
	/* per run */
	uint64_t issue, stall;		/* spilled from r10, r11 */
	uint32_t left, budget;		/* r9d; caps->insn_budget */
	uint32_t kind, pc, fault_addr;
	uint32_t sp;
	uint32_t rstack[NFPE_CALL_DEPTH];
	struct nfpe_thread *t;		/* spilled from rdx */
	struct nfpe_run_result *res;	/* spilled from rcx */
	const struct nfpe_env *env;	/* set only if random/ktime are used */
	/* per program */
	const struct nfpe_dinsn *code;
	void *const *addr;		/* host address of each instruction */
	struct nfpe_prog *p;
	const uint16_t *op;		/* opcode, ENG: 0x100 | engine */
};

/*
 * Nonzero: programs translated from now on do not use BMI2 (shifts by
 * a register go through cl), as on a CPU without it.  For
 * tests/microcode/test-x86jit.c; nothing else sets it.
 */
extern int nfpe__x86jit_no_bmi2;

/* x86jit-rt.c, called from the translated code (rdi = the context) */
uint32_t nfpe__x86_refresh(struct xctx *c, const struct nfpe_env *env);
uint32_t nfpe__x86_slow_op(struct xctx *c, uint32_t i);
void nfpe__x86_finish(struct xctx *c);

#endif /* NFPE_X86JIT_H */
