// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfp_ebpf: KUnit tests for RX metadata parsing (meta.c).
 *
 * Built into the module when the kernel has CONFIG_KUNIT; the suite runs
 * when the module loads (results in /sys/kernel/debug/kunit/nfp_ebpf_meta).
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <asm/unaligned.h>

#include <nfpe/hw.h>

#include "meta.h"

#define NPORTS 2

struct nfpe_meta_buf {
	u8 b[96];
	unsigned int len;
};

static void put_word(struct nfpe_meta_buf *mb, u32 v)
{
	put_unaligned_le32(v, mb->b + mb->len);
	mb->len += 4;
}

static int parse(struct nfpe_meta_buf *mb, struct nfpe_meta *m)
{
	return nfpe_meta_parse(mb->b, mb->len, NPORTS, m);
}

static void nfpe_meta_test_empty(struct kunit *test)
{
	struct nfpe_meta_buf mb = {};
	struct nfpe_meta m;

	KUNIT_EXPECT_EQ(test, parse(&mb, &m), NFPE_META_OK);
	KUNIT_EXPECT_EQ(test, m.present, 0u);
	put_word(&mb, 0);
	KUNIT_EXPECT_EQ(test, parse(&mb, &m), NFPE_META_OK);
	KUNIT_EXPECT_EQ(test, m.present, 0u);
}

/* The example of docs/hw-interface.md: hash, mark, 8 bytes of XDP meta. */
static void nfpe_meta_test_doc_example(struct kunit *test)
{
	struct nfpe_meta_buf mb = {};
	struct nfpe_meta m;

	put_word(&mb, 0x421);
	put_word(&mb, 0x9a3c51e7);
	put_word(&mb, NFPE_HASH_TYPE_L4);
	put_word(&mb, 7);
	put_word(&mb, 8);
	put_word(&mb, 0x11111111);
	put_word(&mb, 0x22222222);
	KUNIT_ASSERT_EQ(test, parse(&mb, &m), NFPE_META_OK);
	KUNIT_EXPECT_EQ(test, m.present,
			(u32)(BIT(NFPE_META_HASH) | BIT(NFPE_META_MARK) |
			      BIT(NFPE_META_XDP)));
	KUNIT_EXPECT_EQ(test, m.hash, 0x9a3c51e7u);
	KUNIT_EXPECT_EQ(test, m.hash_type, (u32)NFPE_HASH_TYPE_L4);
	KUNIT_EXPECT_EQ(test, m.mark, 7u);
	KUNIT_EXPECT_EQ(test, m.xdp_len, 8u);
}

static void nfpe_meta_test_all_fields(struct kunit *test)
{
	struct nfpe_meta_buf mb = {};
	struct nfpe_meta m;

	/* XDP length word first in the chain, its area still last */
	put_word(&mb, 0x1234);
	put_word(&mb, 4);		/* XDP */
	put_word(&mb, 1);		/* PORT */
	put_word(&mb, 0xdeadbeef);	/* MARK */
	put_word(&mb, 0xcafe);		/* HASH */
	put_word(&mb, NFPE_HASH_TYPE_L3);
	put_word(&mb, 0xabcdabcd);	/* XDP area */
	KUNIT_ASSERT_EQ(test, parse(&mb, &m), NFPE_META_OK);
	KUNIT_EXPECT_EQ(test, m.port, 1u);
	KUNIT_EXPECT_EQ(test, m.mark, 0xdeadbeefu);
	KUNIT_EXPECT_EQ(test, m.hash, 0xcafeu);
	KUNIT_EXPECT_EQ(test, m.hash_type, (u32)NFPE_HASH_TYPE_L3);
	KUNIT_EXPECT_EQ(test, m.xdp_len, 4u);
}

static void nfpe_meta_test_max_xdp(struct kunit *test)
{
	struct nfpe_meta_buf mb = {};
	struct nfpe_meta m;
	int i;

	put_word(&mb, NFPE_META_XDP);
	put_word(&mb, NFPE_META_XDP_MAX);
	for (i = 0; i < NFPE_META_XDP_MAX / 4; i++)
		put_word(&mb, i);
	KUNIT_EXPECT_EQ(test, parse(&mb, &m), NFPE_META_OK);
	KUNIT_EXPECT_EQ(test, m.xdp_len, (u32)NFPE_META_XDP_MAX);
}

static void nfpe_meta_test_bad_len(struct kunit *test)
{
	struct nfpe_meta_buf mb = {};
	struct nfpe_meta m;

	mb.len = 2;
	KUNIT_EXPECT_EQ(test, parse(&mb, &m), NFPE_META_E_LEN);
	mb.len = 6;
	KUNIT_EXPECT_EQ(test, parse(&mb, &m), NFPE_META_E_LEN);
}

static void nfpe_meta_test_truncated(struct kunit *test)
{
	struct nfpe_meta_buf mb = {};
	struct nfpe_meta m;

	put_word(&mb, NFPE_META_HASH);
	put_word(&mb, 0x1234);		/* hash type missing */
	KUNIT_EXPECT_EQ(test, parse(&mb, &m), NFPE_META_E_TRUNC);

	mb.len = 0;
	put_word(&mb, NFPE_META_MARK);	/* no value at all */
	KUNIT_EXPECT_EQ(test, parse(&mb, &m), NFPE_META_E_TRUNC);
}

static void nfpe_meta_test_unknown(struct kunit *test)
{
	struct nfpe_meta_buf mb = {};
	struct nfpe_meta m;

	put_word(&mb, 0x5);
	put_word(&mb, 0);
	KUNIT_EXPECT_EQ(test, parse(&mb, &m), NFPE_META_E_UNKNOWN);
	mb.len = 0;
	put_word(&mb, 0xf2);
	put_word(&mb, 0);
	put_word(&mb, 0);
	KUNIT_EXPECT_EQ(test, parse(&mb, &m), NFPE_META_E_UNKNOWN);
}

static void nfpe_meta_test_repeat(struct kunit *test)
{
	struct nfpe_meta_buf mb = {};
	struct nfpe_meta m;

	put_word(&mb, 0x22);
	put_word(&mb, 1);
	put_word(&mb, 2);
	KUNIT_EXPECT_EQ(test, parse(&mb, &m), NFPE_META_E_REPEAT);
}

static void nfpe_meta_test_trailer(struct kunit *test)
{
	struct nfpe_meta_buf mb = {};
	struct nfpe_meta m;

	/* MARK, end, then a stray PORT nibble */
	put_word(&mb, 0x302);
	put_word(&mb, 1);
	KUNIT_EXPECT_EQ(test, parse(&mb, &m), NFPE_META_E_TRAILER);
}

static void nfpe_meta_test_slack(struct kunit *test)
{
	struct nfpe_meta_buf mb = {};
	struct nfpe_meta m;

	put_word(&mb, NFPE_META_MARK);
	put_word(&mb, 1);
	put_word(&mb, 0);		/* extra word nobody named */
	KUNIT_EXPECT_EQ(test, parse(&mb, &m), NFPE_META_E_SLACK);
}

static void nfpe_meta_test_hash_type(struct kunit *test)
{
	struct nfpe_meta_buf mb = {};
	struct nfpe_meta m;

	put_word(&mb, NFPE_META_HASH);
	put_word(&mb, 0x1234);
	put_word(&mb, 3);
	KUNIT_EXPECT_EQ(test, parse(&mb, &m), NFPE_META_E_HASH_TYPE);
}

static void nfpe_meta_test_port(struct kunit *test)
{
	struct nfpe_meta_buf mb = {};
	struct nfpe_meta m;

	put_word(&mb, NFPE_META_PORT);
	put_word(&mb, NPORTS);
	KUNIT_EXPECT_EQ(test, parse(&mb, &m), NFPE_META_E_PORT);
	mb.len = 0;
	put_word(&mb, NFPE_META_PORT);
	put_word(&mb, NPORTS - 1);
	KUNIT_EXPECT_EQ(test, parse(&mb, &m), NFPE_META_OK);
	KUNIT_EXPECT_EQ(test, m.port, (u32)(NPORTS - 1));
}

static void nfpe_meta_test_xdp_len(struct kunit *test)
{
	struct nfpe_meta_buf mb = {};
	struct nfpe_meta m;

	put_word(&mb, NFPE_META_XDP);
	put_word(&mb, 6);		/* not a multiple of 4 */
	put_word(&mb, 0);
	put_word(&mb, 0);
	KUNIT_EXPECT_EQ(test, parse(&mb, &m), NFPE_META_E_XDP_LEN);

	mb.len = 0;
	put_word(&mb, NFPE_META_XDP);
	put_word(&mb, NFPE_META_XDP_MAX + 4);	/* too long */
	mb.len += NFPE_META_XDP_MAX + 4;
	KUNIT_EXPECT_EQ(test, parse(&mb, &m), NFPE_META_E_XDP_LEN);

	mb.len = 0;
	put_word(&mb, NFPE_META_XDP);
	put_word(&mb, 8);		/* area runs past meta_len */
	put_word(&mb, 0);
	KUNIT_EXPECT_EQ(test, parse(&mb, &m), NFPE_META_E_XDP_LEN);

	mb.len = 0;
	put_word(&mb, NFPE_META_XDP);
	put_word(&mb, 4);		/* area ends before the frame */
	put_word(&mb, 0);
	put_word(&mb, 0);
	KUNIT_EXPECT_EQ(test, parse(&mb, &m), NFPE_META_E_SLACK);
}

/* Every meta_len of random bytes: no crash, no read past meta_len. */
static void nfpe_meta_test_garbage(struct kunit *test)
{
	struct nfpe_meta m;
	unsigned int len, i;
	u8 *buf;

	for (len = 0; len <= 64; len += 4) {
		for (i = 0; i < 200; i++) {
			/* exact-size allocation: KASAN catches overreads */
			buf = kunit_kmalloc(test, len ?: 1, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, buf);
			get_random_bytes(buf, len);
			nfpe_meta_parse(buf, len, NPORTS, &m);
			KUNIT_EXPECT_LE(test, m.xdp_len, (u32)NFPE_META_XDP_MAX);
			kunit_kfree(test, buf);
		}
	}
}

static struct kunit_case nfpe_meta_cases[] = {
	KUNIT_CASE(nfpe_meta_test_empty),
	KUNIT_CASE(nfpe_meta_test_doc_example),
	KUNIT_CASE(nfpe_meta_test_all_fields),
	KUNIT_CASE(nfpe_meta_test_max_xdp),
	KUNIT_CASE(nfpe_meta_test_bad_len),
	KUNIT_CASE(nfpe_meta_test_truncated),
	KUNIT_CASE(nfpe_meta_test_unknown),
	KUNIT_CASE(nfpe_meta_test_repeat),
	KUNIT_CASE(nfpe_meta_test_trailer),
	KUNIT_CASE(nfpe_meta_test_slack),
	KUNIT_CASE(nfpe_meta_test_hash_type),
	KUNIT_CASE(nfpe_meta_test_port),
	KUNIT_CASE(nfpe_meta_test_xdp_len),
	KUNIT_CASE(nfpe_meta_test_garbage),
	{}
};

static struct kunit_suite nfpe_meta_suite = {
	.name = "nfp_ebpf_meta",
	.test_cases = nfpe_meta_cases,
};

kunit_test_suite(nfpe_meta_suite);
