// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfp_ebpf: KUnit tests of the JIT core as built into the module.
 *
 * The userspace suites (tests/jit) cover the JIT in depth; these check
 * that the same core works in the kernel: allocator, message formatter,
 * image layout and refusals.  Suite nfp_ebpf_jit, run when the module
 * loads on a kernel with CONFIG_KUNIT.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/filter.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "nfpe_jit.h"

static void *kt_alloc(void *opaque, size_t size)
{
	return kvzalloc(size, GFP_KERNEL);
}

static void kt_free(void *opaque, void *ptr)
{
	kvfree(ptr);
}

static const struct nfpe_jit_alloc kt_jit_alloc = {
	.alloc = kt_alloc,
	.free = kt_free,
};

static int kt_compile(const struct bpf_insn *insns, u32 n,
		      const struct nfpe_jit_insn_facts *facts,
		      const struct nfpe_jit_map *maps, u32 n_maps,
		      struct nfpe_jit_result *res)
{
	struct nfpe_jit_caps caps;
	struct nfpe_jit_prog p = {
		.insns = (const struct nfpe_bpf_insn *)insns,
		.n_insns = n,
		.facts = facts,
		.prog_type = NFPE_PROG_XDP,
		.maps = maps,
		.n_maps = n_maps,
		.name = "kunit",
		.opts = NFPE_JIT_OPT_ALL,
	};

	nfpe_jit_caps_default(&caps);
	memset(res, 0, sizeof(*res));
	return nfpe_jit_compile(&kt_jit_alloc, &caps, &p, res);
}

static void nfpe_jit_test_pass(struct kunit *test)
{
	static const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(BPF_REG_0, 2),	/* XDP_PASS */
		BPF_EXIT_INSN(),
	};
	struct nfpe_jit_result res;
	const struct nfpe_image_hdr *hdr;

	KUNIT_ASSERT_EQ(test, kt_compile(insns, ARRAY_SIZE(insns), NULL, NULL,
					 0, &res), 0);
	KUNIT_ASSERT_NOT_NULL(test, res.image);
	KUNIT_ASSERT_GE(test, res.image_len, sizeof(*hdr));
	hdr = (const struct nfpe_image_hdr *)res.image;
	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr->magic), NFPE_IMAGE_MAGIC);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr->prog_type), (u32)NFPE_PROG_XDP);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr->total_len), (u32)res.image_len);
	KUNIT_EXPECT_GT(test, le32_to_cpu(hdr->n_insns), 0u);
	KUNIT_EXPECT_EQ(test, res.stats.bpf_insns, 2u);
	nfpe_jit_result_free(&kt_jit_alloc, &res);
}

static void nfpe_jit_test_helper_refused(struct kunit *test)
{
	static const struct bpf_insn insns[] = {
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0, 8), /* smp_processor_id */
		BPF_EXIT_INSN(),
	};
	struct nfpe_jit_result res;

	KUNIT_EXPECT_EQ(test, kt_compile(insns, ARRAY_SIZE(insns), NULL, NULL,
					 0, &res), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, res.err_insn, 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(res.msg, "bpf_get_smp_processor_id"));
	KUNIT_EXPECT_NULL(test, res.image);
}

static void nfpe_jit_test_unknown_pointer(struct kunit *test)
{
	static const struct bpf_insn insns[] = {
		BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_1, 0),
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_2, 0),
		BPF_EXIT_INSN(),
	};
	struct nfpe_jit_result res;
	int rc;

	/* no facts: the core must refuse, never guess an address space */
	rc = kt_compile(insns, ARRAY_SIZE(insns), NULL, NULL, 0, &res);
	KUNIT_EXPECT_LT(test, rc, 0);
	KUNIT_EXPECT_GT(test, strlen(res.msg), 0u);
	nfpe_jit_result_free(&kt_jit_alloc, &res);
}

static void nfpe_jit_test_map_lookup(struct kunit *test)
{
	static const struct bpf_insn insns[] = {
		BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0),
		BPF_LD_MAP_FD(BPF_REG_1, 0),
		BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, 0, 0,
			     BPF_FUNC_map_lookup_elem),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 2),
		BPF_EXIT_INSN(),
	};
	static const struct nfpe_jit_map map = {
		.type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8,
		.max_entries = 4,
	};
	struct nfpe_jit_insn_facts facts[ARRAY_SIZE(insns)] = {};
	const struct nfpe_image_hdr *hdr;
	struct nfpe_jit_result res;

	facts[0].ptr = NFPE_PTR_STACK;
	facts[1].map_slot = 0;
	facts[5].arg_ptr[0] = NFPE_PTR_STACK;
	facts[7].ptr = NFPE_PTR_MAP_VALUE;
	KUNIT_ASSERT_EQ(test, kt_compile(insns, ARRAY_SIZE(insns), facts, &map,
					 1, &res), 0);
	hdr = (const struct nfpe_image_hdr *)res.image;
	KUNIT_EXPECT_EQ(test, le32_to_cpu(hdr->n_maps), 1u);
	KUNIT_EXPECT_EQ(test, res.stats.maps, 1u);
	nfpe_jit_result_free(&kt_jit_alloc, &res);
}

static void nfpe_jit_test_fmt(struct kunit *test)
{
	char buf[32];

	KUNIT_EXPECT_EQ(test, nfpe_jit_fmt(buf, sizeof(buf), "insn %d: %s %x",
					   -3, "ab", 255u), (size_t)14);
	KUNIT_EXPECT_STREQ(test, buf, "insn -3: ab ff");
	/* truncated, terminated, the length needed returned */
	KUNIT_EXPECT_EQ(test, nfpe_jit_fmt(buf, 4, "%u", 123456u), (size_t)6);
	KUNIT_EXPECT_STREQ(test, buf, "123");
}

static struct kunit_case nfpe_jit_cases[] = {
	KUNIT_CASE(nfpe_jit_test_pass),
	KUNIT_CASE(nfpe_jit_test_helper_refused),
	KUNIT_CASE(nfpe_jit_test_unknown_pointer),
	KUNIT_CASE(nfpe_jit_test_map_lookup),
	KUNIT_CASE(nfpe_jit_test_fmt),
	{}
};

static struct kunit_suite nfpe_jit_suite = {
	.name = "nfp_ebpf_jit",
	.test_cases = nfpe_jit_cases,
};

kunit_test_suite(nfpe_jit_suite);
