// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfp_ebpf: KUnit tests for the fact collection of the verifier's
 * insn_hook (facts.c): synthetic register states, one or more visits of
 * an instruction, the facts recorded or the refusal.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/bpf.h>
#include <linux/bpf_verifier.h>
#include <linux/filter.h>

#include "facts.h"
#include "nfpe_jit.h"

static struct bpf_reg_state *regs_new(struct kunit *test)
{
	struct bpf_reg_state *r;
	int i;

	r = kunit_kcalloc(test, MAX_BPF_REG, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	for (i = 0; i < MAX_BPF_REG; i++)
		r[i].type = NOT_INIT;
	r[BPF_REG_1].type = PTR_TO_CTX;
	r[BPF_REG_10].type = PTR_TO_STACK;
	return r;
}

static void scalar(struct bpf_reg_state *r, u64 umax)
{
	r->type = SCALAR_VALUE;
	r->umax_value = umax;
}

static int visit(struct nfpe_bpf_meta *m, struct bpf_insn insn,
		 const struct bpf_reg_state *regs,
		 struct nfpe_facts_refusal *why)
{
	return nfpe_facts_record(m, &insn, regs, why);
}

/* the base of each kind of memory access: src for LDX, dst otherwise */
static void nfpe_facts_test_mem_kinds(struct kunit *test)
{
	struct bpf_reg_state *regs = regs_new(test);
	struct nfpe_facts_refusal why = {};
	struct nfpe_bpf_meta m = {};

	KUNIT_EXPECT_EQ(test, visit(&m, BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 0),
				    regs, &why), NFPE_FACTS_OK);
	KUNIT_EXPECT_EQ(test, m.ptr, NFPE_PTR_CTX);
	KUNIT_EXPECT_EQ(test, m.seen, 1);

	memset(&m, 0, sizeof(m));
	KUNIT_EXPECT_EQ(test, visit(&m, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
				    regs, &why), NFPE_FACTS_OK);
	KUNIT_EXPECT_EQ(test, m.ptr, NFPE_PTR_STACK);

	memset(&m, 0, sizeof(m));
	regs[BPF_REG_2].type = PTR_TO_PACKET_META;
	KUNIT_EXPECT_EQ(test, visit(&m, BPF_ST_MEM(BPF_W, BPF_REG_2, 0, 7),
				    regs, &why), NFPE_FACTS_OK);
	KUNIT_EXPECT_EQ(test, m.ptr, NFPE_PTR_PKT);

	/* the _OR_NULL flag does not hide the base type */
	memset(&m, 0, sizeof(m));
	regs[BPF_REG_3].type = PTR_TO_MAP_VALUE | PTR_MAYBE_NULL;
	KUNIT_EXPECT_EQ(test, visit(&m, BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_3,
						      BPF_REG_0, 0),
				    regs, &why), NFPE_FACTS_OK);
	KUNIT_EXPECT_EQ(test, m.ptr, NFPE_PTR_MAP_VALUE);

	/* not a memory access: no kind */
	memset(&m, 0, sizeof(m));
	KUNIT_EXPECT_EQ(test, visit(&m, BPF_MOV64_REG(BPF_REG_0, BPF_REG_10),
				    regs, &why), NFPE_FACTS_OK);
	KUNIT_EXPECT_EQ(test, m.ptr, NFPE_PTR_NONE);
	KUNIT_EXPECT_EQ(test, m.seen, 1);
}

static void nfpe_facts_test_bad_pointer(struct kunit *test)
{
	struct bpf_reg_state *regs = regs_new(test);
	struct nfpe_facts_refusal why = {};
	struct nfpe_bpf_meta m = {};

	regs[BPF_REG_4].type = PTR_TO_SOCKET;
	KUNIT_EXPECT_EQ(test, visit(&m, BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_4, 4),
				    regs, &why), NFPE_FACTS_BAD_PTR);
	KUNIT_EXPECT_EQ(test, why.reg, BPF_REG_4);
	KUNIT_EXPECT_STREQ(test, nfpe_reg_type_name(&regs[why.reg]), "socket");
	KUNIT_EXPECT_EQ(test, m.seen, 0);

	/* a scalar used as an address (never verified, but not guessed) */
	scalar(&regs[BPF_REG_5], 100);
	KUNIT_EXPECT_EQ(test, visit(&m, BPF_STX_MEM(BPF_W, BPF_REG_5, BPF_REG_0, 0),
				    regs, &why), NFPE_FACTS_BAD_PTR);
	KUNIT_EXPECT_EQ(test, why.reg, BPF_REG_5);
	KUNIT_EXPECT_STREQ(test, nfpe_reg_type_name(&regs[why.reg]), "scalar");
}

/* one instruction, two states: the kinds must agree */
static void nfpe_facts_test_mixed_kinds(struct kunit *test)
{
	struct bpf_reg_state *regs = regs_new(test);
	struct bpf_insn ld = BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_2, 0);
	struct nfpe_facts_refusal why = {};
	struct nfpe_bpf_meta m = {};

	regs[BPF_REG_2].type = PTR_TO_STACK;
	KUNIT_EXPECT_EQ(test, visit(&m, ld, regs, &why), NFPE_FACTS_OK);
	KUNIT_EXPECT_EQ(test, visit(&m, ld, regs, &why), NFPE_FACTS_OK);
	KUNIT_EXPECT_EQ(test, m.ptr, NFPE_PTR_STACK);

	regs[BPF_REG_2].type = PTR_TO_PACKET;
	KUNIT_EXPECT_EQ(test, visit(&m, ld, regs, &why), NFPE_FACTS_MIXED);
	KUNIT_EXPECT_EQ(test, why.old_kind, NFPE_PTR_STACK);
	KUNIT_EXPECT_EQ(test, why.kind, NFPE_PTR_PKT);
	KUNIT_EXPECT_STREQ(test, why.what, "the memory operand");
	KUNIT_EXPECT_STREQ(test, nfpe_ptr_name(why.old_kind), "stack");
	KUNIT_EXPECT_STREQ(test, nfpe_ptr_name(why.kind), "packet");
	/* the first kind stays */
	KUNIT_EXPECT_EQ(test, m.ptr, NFPE_PTR_STACK);
}

/* helper calls: kinds of r2 and r3; a scalar argument records nothing */
static void nfpe_facts_test_helper_args(struct kunit *test)
{
	struct bpf_reg_state *regs = regs_new(test);
	struct bpf_insn call = BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0,
					    BPF_FUNC_map_update_elem);
	struct nfpe_facts_refusal why = {};
	struct nfpe_bpf_meta m = {};

	regs[BPF_REG_1].type = CONST_PTR_TO_MAP;
	regs[BPF_REG_2].type = PTR_TO_STACK;
	regs[BPF_REG_3].type = PTR_TO_MAP_VALUE;
	KUNIT_EXPECT_EQ(test, visit(&m, call, regs, &why), NFPE_FACTS_OK);
	KUNIT_EXPECT_EQ(test, m.arg_ptr[0], NFPE_PTR_STACK);
	KUNIT_EXPECT_EQ(test, m.arg_ptr[1], NFPE_PTR_MAP_VALUE);
	KUNIT_EXPECT_EQ(test, m.ptr, NFPE_PTR_NONE);

	scalar(&regs[BPF_REG_3], 0);
	KUNIT_EXPECT_EQ(test, visit(&m, call, regs, &why), NFPE_FACTS_OK);
	KUNIT_EXPECT_EQ(test, m.arg_ptr[1], NFPE_PTR_MAP_VALUE);

	regs[BPF_REG_2].type = PTR_TO_PACKET;
	KUNIT_EXPECT_EQ(test, visit(&m, call, regs, &why), NFPE_FACTS_MIXED);
	KUNIT_EXPECT_STREQ(test, why.what, "the helper's second argument (r2)");

	/* a bpf-to-bpf call (src_reg 1) is not a helper */
	memset(&m, 0, sizeof(m));
	call.src_reg = BPF_PSEUDO_CALL;
	KUNIT_EXPECT_EQ(test, visit(&m, call, regs, &why), NFPE_FACTS_OK);
	KUNIT_EXPECT_EQ(test, m.arg_ptr[0], NFPE_PTR_NONE);
}

/* 32-bit facts: scalar operands below 2^32, in every visit */
static void nfpe_facts_test_k32(struct kunit *test)
{
	struct bpf_reg_state *regs = regs_new(test);
	struct bpf_insn add = BPF_ALU64_REG(BPF_ADD, BPF_REG_6, BPF_REG_7);
	struct bpf_insn jgt = BPF_JMP_IMM(BPF_JGT, BPF_REG_6, 5, 1);
	struct nfpe_facts_refusal why = {};
	struct nfpe_bpf_meta m = {};

	scalar(&regs[BPF_REG_6], 1500);
	scalar(&regs[BPF_REG_7], U32_MAX);
	KUNIT_EXPECT_EQ(test, visit(&m, add, regs, &why), NFPE_FACTS_OK);
	KUNIT_EXPECT_EQ(test, m.k32, NFPE_FACT_DST32 | NFPE_FACT_SRC32);

	/* another state where src may be wider: SRC32 goes, for good */
	scalar(&regs[BPF_REG_7], (u64)U32_MAX + 1);
	KUNIT_EXPECT_EQ(test, visit(&m, add, regs, &why), NFPE_FACTS_OK);
	KUNIT_EXPECT_EQ(test, m.k32, NFPE_FACT_DST32);
	scalar(&regs[BPF_REG_7], 1);
	KUNIT_EXPECT_EQ(test, visit(&m, add, regs, &why), NFPE_FACTS_OK);
	KUNIT_EXPECT_EQ(test, m.k32, NFPE_FACT_DST32);

	/* device pointers are 32-bit addresses, a socket pointer is not */
	memset(&m, 0, sizeof(m));
	regs[BPF_REG_6].type = PTR_TO_PACKET;
	regs[BPF_REG_7].type = PTR_TO_PACKET_END;
	KUNIT_EXPECT_EQ(test, visit(&m, add, regs, &why), NFPE_FACTS_OK);
	KUNIT_EXPECT_EQ(test, m.k32, NFPE_FACT_DST32 | NFPE_FACT_SRC32);
	regs[BPF_REG_6].type = PTR_TO_MAP_VALUE | PTR_MAYBE_NULL;
	regs[BPF_REG_7].type = PTR_TO_SOCKET;
	KUNIT_EXPECT_EQ(test, visit(&m, add, regs, &why), NFPE_FACTS_OK);
	KUNIT_EXPECT_EQ(test, m.k32, NFPE_FACT_DST32);
	memset(&m, 0, sizeof(m));
	regs[BPF_REG_6].type = PTR_TO_BTF_ID;
	regs[BPF_REG_7].type = PTR_TO_STACK;
	KUNIT_EXPECT_EQ(test, visit(&m, add, regs, &why), NFPE_FACTS_OK);
	KUNIT_EXPECT_EQ(test, m.k32, NFPE_FACT_SRC32);

	/* an immediate source sets no SRC32; JMP records dst */
	memset(&m, 0, sizeof(m));
	scalar(&regs[BPF_REG_6], 0xffff);
	KUNIT_EXPECT_EQ(test, visit(&m, jgt, regs, &why), NFPE_FACTS_OK);
	KUNIT_EXPECT_EQ(test, m.k32, NFPE_FACT_DST32);

	/* loads record no 32-bit facts */
	memset(&m, 0, sizeof(m));
	KUNIT_EXPECT_EQ(test, visit(&m, BPF_LDX_MEM(BPF_W, BPF_REG_6, BPF_REG_10, -4),
				    regs, &why), NFPE_FACTS_OK);
	KUNIT_EXPECT_EQ(test, m.k32, 0);
}

static struct kunit_case nfpe_facts_cases[] = {
	KUNIT_CASE(nfpe_facts_test_mem_kinds),
	KUNIT_CASE(nfpe_facts_test_bad_pointer),
	KUNIT_CASE(nfpe_facts_test_mixed_kinds),
	KUNIT_CASE(nfpe_facts_test_helper_args),
	KUNIT_CASE(nfpe_facts_test_k32),
	{}
};

static struct kunit_suite nfpe_facts_suite = {
	.name = "nfp_ebpf_facts",
	.test_cases = nfpe_facts_cases,
};

kunit_test_suite(nfpe_facts_suite);
