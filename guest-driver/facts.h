/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfp_ebpf: the per-instruction facts the verifier's insn_hook collects
 * for the JIT (facts.c), apart from the hook so that KUnit can feed them
 * register states (kunit-facts.c).
 */
#ifndef NFPE_FACTS_H
#define NFPE_FACTS_H

#include <linux/types.h>

struct bpf_insn;
struct bpf_reg_state;

/* Per-instruction facts (one per instruction of the driver's copy). */
struct nfpe_bpf_meta {
	u8 ptr;			/* enum nfpe_ptr_kind of a memory access */
	u8 arg_ptr[2];		/* helper call: kinds of r2 and r3 */
	u8 seen;		/* the verifier visited the instruction */
	u8 k32;			/* NFPE_FACT_SRC32 | DST32 in every state */
};

enum nfpe_facts_verdict {
	NFPE_FACTS_OK = 0,
	NFPE_FACTS_BAD_PTR,	/* memory through a pointer the device lacks */
	NFPE_FACTS_MIXED,	/* two pointer kinds at one operand */
};

/* Why nfpe_facts_record() refused, for the verifier log. */
struct nfpe_facts_refusal {
	int reg;		/* BAD_PTR: the base register */
	u8 old_kind, kind;	/* MIXED: kind seen before, kind now */
	const char *what;	/* MIXED: which operand */
};

int nfpe_facts_record(struct nfpe_bpf_meta *m, const struct bpf_insn *insn,
		      const struct bpf_reg_state *regs,
		      struct nfpe_facts_refusal *why);
u8 nfpe_ptr_kind(const struct bpf_reg_state *reg);
const char *nfpe_ptr_name(u8 kind);
const char *nfpe_reg_type_name(const struct bpf_reg_state *reg);

#endif /* NFPE_FACTS_H */
