/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-dev-cmd.c - the command interface: every op, malformed requests,
 * map semantics and errnos, batched dump, stats layout, image refusal.
 */
#include "dev-test-util.h"

static struct fake *up(void)
{
	struct fake *f = fake_new(NULL);

	wr(f, NFPE_REG_CTRL, NFPE_CTRL_ENABLE);
	return f;
}

static void test_echo(void)
{
	struct fake *f = up();
	uint8_t in[100], out[100];
	uint32_t rl, i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = i * 7;
	g_assert_cmpint(cmd(f, NFPE_CMD_ECHO, in, 100, out, 100, &rl), ==, 0);
	g_assert_cmpuint(rl, ==, 100);
	for (i = 0; i < sizeof(in); i++)
		g_assert_cmpuint(out[i], ==, (uint8_t)~in[i]);
	g_assert_cmpint(cmd(f, NFPE_CMD_ECHO, NULL, 0, NULL, 0, &rl), ==, 0);
	g_assert_cmpuint(rl, ==, 0);
	/* completion: CMD_DONE cause on vector 0 */
	g_assert_true(rd(f, NFPE_REG_IRQ_CAUSE) & NFPE_IRQ_CMD_DONE);
	g_assert_cmpuint(f->irqs[0], ==, 1);
	g_assert_cmpuint(stat_dev(f, NFPE_DC_CMDS), ==, 3);
	fake_free(f);
}

static void test_malformed(void)
{
	struct fake *f = up();
	uint8_t *b = gptr(f, f->cmd_buf);
	uint32_t before;

	/* unknown op */
	g_assert_cmpint(cmd(f, 200, NULL, 0, NULL, 0, NULL), ==,
			-NFPE_EOPNOTSUPP);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, NFPE_ERR_CMD);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_INFO), ==, 200);
	wr(f, NFPE_REG_ERR_ACK, 1);
	/* short payloads */
	g_assert_cmpint(cmd(f, NFPE_CMD_LOAD_IMAGE, "x", 1, NULL, 0, NULL), ==,
			-NFPE_EINVAL);
	g_assert_cmpint(cmd(f, NFPE_CMD_ATTACH, "x", 1, NULL, 0, NULL), ==,
			-NFPE_EINVAL);
	g_assert_cmpint(cmd(f, NFPE_CMD_MAP_ALLOC, "x", 1, NULL, 0, NULL), ==,
			-NFPE_EINVAL);
	g_assert_cmpint(cmd(f, NFPE_CMD_MAP_LOOKUP, "x", 1, NULL, 0, NULL), ==,
			-NFPE_EINVAL);
	g_assert_cmpint(cmd(f, NFPE_CMD_UNLOAD, "x", 1, NULL, 0, NULL), ==,
			-NFPE_EINVAL);
	g_assert_cmpint(cmd(f, NFPE_CMD_PROG_STATS, "x", 1, NULL, 0, NULL), ==,
			-NFPE_EINVAL);
	g_assert_cmpuint(stat_dev(f, NFPE_DC_BAD_CMD), ==, 7);
	/* reserved set in a payload */
	{
		uint8_t r[8] = { 1, 0, 0, 0, 1, 0, 0, 0 };

		g_assert_cmpint(cmd(f, NFPE_CMD_UNLOAD, r, 8, NULL, 0, NULL),
				==, -NFPE_EINVAL);
	}
	/* header: flags, reserved, len beyond the buffer, len < header */
	before = stat_dev(f, NFPE_DC_BAD_CMD);
	memset(b, 0, 32);
	nfpe_st16(b, NFPE_CMD_ECHO);
	nfpe_st16(b + 2, 1);
	nfpe_st32(b + 4, 32);
	wr(f, NFPE_REG_CMD_DOORBELL, 77);
	g_assert_cmpuint(rd(f, NFPE_REG_CMD_DONE), ==, 77);
	g_assert_cmpint((int32_t)nfpe_ld32(b + 12), ==, -NFPE_EINVAL);
	nfpe_st16(b + 2, 0);
	nfpe_st32(b + 4, CMD_BUF_LEN + 1);
	wr(f, NFPE_REG_CMD_DOORBELL, 78);
	g_assert_cmpint((int32_t)nfpe_ld32(b + 12), ==, -NFPE_EINVAL);
	nfpe_st32(b + 4, 31);
	wr(f, NFPE_REG_CMD_DOORBELL, 79);
	g_assert_cmpint((int32_t)nfpe_ld32(b + 12), ==, -NFPE_EINVAL);
	nfpe_st32(b + 4, 32);
	nfpe_st32(b + 24, 1);
	wr(f, NFPE_REG_CMD_DOORBELL, 80);
	g_assert_cmpint((int32_t)nfpe_ld32(b + 12), ==, -NFPE_EINVAL);
	g_assert_cmpuint(stat_dev(f, NFPE_DC_BAD_CMD), ==, before + 4);
	/* buffer itself bad: too small, too big, outside memory */
	wr(f, NFPE_REG_CMD_BUF_LEN, 16);
	wr(f, NFPE_REG_CMD_DOORBELL, 81);
	g_assert_cmpuint(rd(f, NFPE_REG_CMD_DONE), ==, 81);
	wr(f, NFPE_REG_CMD_BUF_LEN, 1u << 20);
	wr(f, NFPE_REG_CMD_DOORBELL, 82);
	g_assert_cmpuint(rd(f, NFPE_REG_CMD_DONE), ==, 82);
	wr(f, NFPE_REG_CMD_BUF_LEN, 4096);
	wr(f, NFPE_REG_CMD_ADDR_LO, 0x100);
	wr(f, NFPE_REG_CMD_ADDR_HI, 0);
	wr(f, NFPE_REG_CMD_DOORBELL, 83);
	g_assert_cmpuint(rd(f, NFPE_REG_CMD_DONE), ==, 83);
	g_assert_cmpuint(stat_dev(f, NFPE_DC_BAD_DMA), ==, 1);
	wr(f, NFPE_REG_CMD_ADDR_LO, 0xfffff000u);
	wr(f, NFPE_REG_CMD_ADDR_HI, 0xffffffffu);
	wr(f, NFPE_REG_CMD_DOORBELL, 84);
	g_assert_cmpuint(rd(f, NFPE_REG_CMD_DONE), ==, 84);
	/* commands need CTRL_ENABLE */
	wr(f, NFPE_REG_CTRL, 0);
	g_assert_cmpint(cmd(f, NFPE_CMD_ECHO, NULL, 0, NULL, 0, NULL), ==,
			-NFPE_EIO);
	wr(f, NFPE_REG_CTRL, NFPE_CTRL_ENABLE);
	g_assert_cmpint(cmd(f, NFPE_CMD_ECHO, NULL, 0, NULL, 0, NULL), ==, 0);
	fake_free(f);
}

static void test_load_refused(void)
{
	struct fake *f = up();
	uint64_t bad[] = { nfpe_enc_r(0xee, 0, 0, 0, 0), I_EXIT(0) };
	uint64_t falls[] = { I_IMMED(0, 1) };
	GByteArray *g;
	uint32_t id = 5, reason = 0;
	uint8_t req[16], rsp[16];

	g = img_build(NFPE_PROG_XDP, bad, 2, NULL, 0, NULL, 0);
	g_assert_cmpint(img_load(f, g, &id, &reason), ==, -NFPE_EINVAL);
	g_assert_cmpuint(reason, ==, NFPE_IMG_E_BAD_OPCODE);
	g_byte_array_unref(g);
	g = img_build(NFPE_PROG_XDP, falls, 1, NULL, 0, NULL, 0);
	g_assert_cmpint(img_load(f, g, &id, &reason), ==, -NFPE_EINVAL);
	g_assert_cmpuint(reason, ==, NFPE_IMG_E_FALLS_OFF_END);
	g->data[0] ^= 1;	/* magic */
	g_assert_cmpint(img_load(f, g, &id, &reason), ==, -NFPE_EINVAL);
	g_assert_cmpuint(reason, ==, NFPE_IMG_E_BAD_MAGIC);
	g_byte_array_unref(g);
	/* length checks before any DMA */
	nfpe_st64(req, GUEST_BASE);
	nfpe_st32(req + 8, 10);
	nfpe_st32(req + 12, 0);
	g_assert_cmpint(cmd(f, NFPE_CMD_LOAD_IMAGE, req, 16, rsp, 16, NULL),
			==, -NFPE_EINVAL);
	g_assert_cmpuint(nfpe_ld32(rsp + 12), ==, NFPE_IMG_E_TRUNCATED);
	nfpe_st32(req + 8, NFPE_IMAGE_MAX_BYTES + 1);
	g_assert_cmpint(cmd(f, NFPE_CMD_LOAD_IMAGE, req, 16, rsp, 16, NULL),
			==, -NFPE_EINVAL);
	g_assert_cmpuint(nfpe_ld32(rsp + 12), ==, NFPE_IMG_E_TOO_BIG);
	/* bad DMA address */
	nfpe_st64(req, 0x2000);
	nfpe_st32(req + 8, 200);
	g_assert_cmpint(cmd(f, NFPE_CMD_LOAD_IMAGE, req, 16, rsp, 16, NULL),
			==, -NFPE_EFAULT);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, NFPE_ERR_DMA_READ);
	fake_free(f);
}

static void test_prog_limits(void)
{
	struct nfpe_props pr;
	struct fake *f;
	uint32_t i, id;
	uint8_t req[16];

	nfpe_props_default(&pr);
	pr.max_progs = 3;
	f = fake_new(&pr);
	wr(f, NFPE_REG_CTRL, NFPE_CTRL_ENABLE);
	for (i = 0; i < 3; i++)
		simple_prog(f, 0, NFPE_HOOK_TC, 0);
	{
		uint64_t code[] = { I_IMMED(0, 1), I_EXIT(0) };
		GByteArray *g = img_build(NFPE_PROG_XDP, code, 2, NULL, 0,
					  NULL, 0);

		g_assert_cmpint(img_load(f, g, &id, NULL), ==, -NFPE_ENOSPC);
		g_byte_array_unref(g);
	}
	/* attach errors */
	g_assert_cmpint(attach(f, 1, NFPE_HOOK_XDP, 0), ==, -NFPE_EINVAL);
	g_assert_cmpint(attach(f, 0, 2, 0), ==, -NFPE_EINVAL);
	g_assert_cmpint(attach(f, 0, NFPE_HOOK_TC, 999), ==, -NFPE_ENOENT);
	/* prog stats of an unknown program */
	memset(req, 0, sizeof(req));
	nfpe_st32(req, 999);
	g_assert_cmpint(cmd(f, NFPE_CMD_PROG_STATS, req, 8, NULL, 0, NULL), ==,
			-NFPE_ENOENT);
	/* ids are nonzero and not reused while loaded */
	g_assert_nonnull(nfpe_cmd_find_prog(&f->core, 1));
	g_assert_nonnull(nfpe_cmd_find_prog(&f->core, 3));
	fake_free(f);
}

static uint32_t map_alloc(struct fake *f, uint32_t type, uint32_t ks,
			  uint32_t vs, uint32_t n, int *res)
{
	uint8_t req[24] = { 0 }, rsp[8];

	nfpe_st32(req, type);
	nfpe_st32(req + 4, ks);
	nfpe_st32(req + 8, vs);
	nfpe_st32(req + 12, n);
	*res = cmd(f, NFPE_CMD_MAP_ALLOC, req, 24, rsp, 8, NULL);
	return nfpe_ld32(rsp);
}

static int map_op(struct fake *f, uint16_t op, uint32_t id, uint32_t flags,
		  uint32_t count, const void *key, uint32_t ks,
		  const void *val, uint32_t vs, void *rsp, uint32_t *rl)
{
	uint8_t req[512];

	memset(req, 0, 16);
	nfpe_st32(req, id);
	nfpe_st32(req + 4, flags);
	nfpe_st32(req + 8, count);
	if (ks)
		memcpy(req + 16, key, ks);
	if (vs)
		memcpy(req + 16 + ks, val, vs);
	return cmd(f, op, req, 16 + ks + vs, rsp, CMD_BUF_LEN, rl);
}

static void test_maps(void)
{
	struct fake *f = up();
	static uint8_t rsp[CMD_BUF_LEN];
	uint32_t id, k, v, rl, i;
	uint64_t bytes0;
	int r;

	bytes0 = stat_dev(f, NFPE_DC_MAP_BYTES);
	id = map_alloc(f, NFPE_BPF_MAP_HASH, 4, 4, 100, &r);
	g_assert_cmpint(r, ==, 0);
	g_assert_cmpuint(id, !=, 0);
	g_assert_cmpuint(stat_dev(f, NFPE_DC_MAP_BYTES), >, bytes0);
	k = 1;
	v = 11;
	g_assert_cmpint(map_op(f, NFPE_CMD_MAP_LOOKUP, id, 0, 0, &k, 4, NULL,
			       0, rsp, &rl), ==, -NFPE_ENOENT);
	g_assert_cmpint(map_op(f, NFPE_CMD_MAP_UPDATE, id, NFPE_MAP_EXIST, 0,
			       &k, 4, &v, 4, rsp, &rl), ==, -NFPE_ENOENT);
	g_assert_cmpint(map_op(f, NFPE_CMD_MAP_UPDATE, id, NFPE_MAP_NOEXIST, 0,
			       &k, 4, &v, 4, rsp, &rl), ==, 0);
	g_assert_cmpint(map_op(f, NFPE_CMD_MAP_UPDATE, id, NFPE_MAP_NOEXIST, 0,
			       &k, 4, &v, 4, rsp, &rl), ==, -NFPE_EEXIST);
	g_assert_cmpint(map_op(f, NFPE_CMD_MAP_UPDATE, id, 3, 0,
			       &k, 4, &v, 4, rsp, &rl), ==, -NFPE_EINVAL);
	g_assert_cmpint(map_op(f, NFPE_CMD_MAP_LOOKUP, id, 0, 0, &k, 4, NULL,
			       0, rsp, &rl), ==, 0);
	g_assert_cmpuint(rl, ==, 4);
	g_assert_cmpuint(nfpe_ld32(rsp), ==, 11);
	/* key/value must be inside the request */
	g_assert_cmpint(map_op(f, NFPE_CMD_MAP_LOOKUP, id, 0, 0, &k, 2, NULL,
			       0, rsp, &rl), ==, -NFPE_EINVAL);
	g_assert_cmpint(map_op(f, NFPE_CMD_MAP_UPDATE, id, 0, 0, &k, 4, &v, 2,
			       rsp, &rl), ==, -NFPE_EINVAL);
	g_assert_cmpint(map_op(f, NFPE_CMD_MAP_LOOKUP, 9999, 0, 0, &k, 4, NULL,
			       0, rsp, &rl), ==, -NFPE_ENOENT);
	g_assert_cmpint(map_op(f, NFPE_CMD_MAP_LOOKUP, id, 1, 0, &k, 4, NULL,
			       0, rsp, &rl), ==, -NFPE_EINVAL);
	/* fill 50 entries, walk with GETNEXT, dump in batches */
	for (i = 2; i <= 50; i++) {
		k = i;
		v = i * 100;
		g_assert_cmpint(map_op(f, NFPE_CMD_MAP_UPDATE, id, 0, 0, &k, 4,
				       &v, 4, rsp, &rl), ==, 0);
	}
	{
		uint32_t cur = 0, seen = 0, sum = 0;
		bool first = true;

		for (;;) {
			r = map_op(f, NFPE_CMD_MAP_GETNEXT, id,
				   first ? NFPE_MAP_FIRST : 0, 0, &cur,
				   first ? 0 : 4, NULL, 0, rsp, &rl);
			if (r == -NFPE_ENOENT)
				break;
			g_assert_cmpint(r, ==, 0);
			g_assert_cmpuint(rl, ==, 4);
			cur = nfpe_ld32(rsp);
			sum += cur;
			seen++;
			first = false;
			g_assert_cmpuint(seen, <=, 50);
		}
		g_assert_cmpuint(seen, ==, 50);
		g_assert_cmpuint(sum, ==, 50 * 51 / 2);
	}
	{
		uint32_t cur = 0, seen = 0, batches = 0, more = 1, sum = 0;
		bool first = true;

		while (more) {
			uint32_t n;

			r = map_op(f, NFPE_CMD_MAP_DUMP, id,
				   first ? NFPE_MAP_FIRST : 0, 7, &cur,
				   first ? 0 : 4, NULL, 0, rsp, &rl);
			g_assert_cmpint(r, ==, 0);
			n = nfpe_ld32(rsp);
			more = nfpe_ld32(rsp + 4);
			g_assert_cmpuint(n, <=, 7);
			g_assert_cmpuint(rl, ==, 8 + 8 * n);
			for (i = 0; i < n; i++) {
				uint32_t kk = nfpe_ld32(rsp + 8 + 8 * i);
				uint32_t vv = nfpe_ld32(rsp + 12 + 8 * i);

				g_assert_cmpuint(vv, ==, kk == 1 ? 11 : kk * 100);
				sum += kk;
				cur = kk;
			}
			seen += n;
			batches++;
			first = false;
			g_assert_cmpuint(batches, <=, 20);
		}
		g_assert_cmpuint(seen, ==, 50);
		g_assert_cmpuint(sum, ==, 50 * 51 / 2);
		g_assert_cmpuint(batches, ==, 8);
	}
	/* a dump limited by the buffer: CMD_BUF_LEN holds < 2048 pairs */
	k = 5;
	g_assert_cmpint(map_op(f, NFPE_CMD_MAP_DELETE, id, 0, 0, &k, 4, NULL,
			       0, rsp, &rl), ==, 0);
	g_assert_cmpint(map_op(f, NFPE_CMD_MAP_DELETE, id, 0, 0, &k, 4, NULL,
			       0, rsp, &rl), ==, -NFPE_ENOENT);
	r = map_op(f, NFPE_CMD_MAP_DUMP, id, NFPE_MAP_FIRST, 0, NULL, 0, NULL,
		   0, rsp, &rl);
	g_assert_cmpint(r, ==, 0);
	g_assert_cmpuint(nfpe_ld32(rsp), ==, 49);
	g_assert_cmpuint(nfpe_ld32(rsp + 4), ==, 0);
	/* free */
	{
		uint8_t req[8] = { 0 };

		nfpe_st32(req, id);
		g_assert_cmpint(cmd(f, NFPE_CMD_MAP_FREE, req, 8, NULL, 0,
				    NULL), ==, 0);
		g_assert_cmpint(cmd(f, NFPE_CMD_MAP_FREE, req, 8, NULL, 0,
				    NULL), ==, -NFPE_ENOENT);
	}
	/* array semantics: all keys exist, NOEXIST fails, delete EINVAL */
	id = map_alloc(f, NFPE_BPF_MAP_ARRAY, 4, 8, 4, &r);
	g_assert_cmpint(r, ==, 0);
	k = 3;
	g_assert_cmpint(map_op(f, NFPE_CMD_MAP_LOOKUP, id, 0, 0, &k, 4, NULL,
			       0, rsp, &rl), ==, 0);
	g_assert_cmpuint(rl, ==, 8);
	g_assert_cmpuint(nfpe_ld64(rsp), ==, 0);
	g_assert_cmpint(map_op(f, NFPE_CMD_MAP_UPDATE, id, NFPE_MAP_NOEXIST, 0,
			       &k, 4, rsp, 8, rsp, &rl), ==, -NFPE_EEXIST);
	g_assert_cmpint(map_op(f, NFPE_CMD_MAP_DELETE, id, 0, 0, &k, 4, NULL,
			       0, rsp, &rl), ==, -NFPE_EINVAL);
	k = 4;
	g_assert_cmpint(map_op(f, NFPE_CMD_MAP_LOOKUP, id, 0, 0, &k, 4, NULL,
			       0, rsp, &rl), ==, -NFPE_ENOENT);
	/* bad allocations */
	map_alloc(f, 77, 4, 4, 4, &r);
	g_assert_cmpint(r, <, 0);
	map_alloc(f, NFPE_BPF_MAP_HASH, 0, 4, 4, &r);
	g_assert_cmpint(r, ==, -NFPE_EINVAL);
	map_alloc(f, NFPE_BPF_MAP_HASH, 4, 4, 100000000, &r);
	g_assert_cmpint(r, <, 0);
	/* per-CPU: the host sees one 8-byte slot per core */
	id = map_alloc(f, NFPE_BPF_MAP_PERCPU_ARRAY, 4, 4, 2, &r);
	g_assert_cmpint(r, ==, 0);
	k = 0;
	g_assert_cmpint(map_op(f, NFPE_CMD_MAP_LOOKUP, id, 0, 0, &k, 4, NULL,
			       0, rsp, &rl), ==, 0);
	g_assert_cmpuint(rl, ==, 8 * f->core.props.cores);
	fake_free(f);
}

static void test_stats_layout(void)
{
	struct fake *f = fake_new(NULL);
	static uint8_t rsp[CMD_BUF_LEN];
	uint32_t rl;

	wr(f, NFPE_REG_CTRL, NFPE_CTRL_ENABLE);
	g_assert_cmpint(cmd(f, NFPE_CMD_STATS, NULL, 0, rsp, sizeof(rsp), &rl),
			==, 0);
	g_assert_cmpuint(nfpe_ld32(rsp), ==, 1);
	g_assert_cmpuint(nfpe_ld32(rsp + 4), ==, NFPE_PC_NUM);
	g_assert_cmpuint(nfpe_ld32(rsp + 8), ==, NFPE_DC_NUM);
	g_assert_cmpuint(rl, ==, 16 + 8 * (NFPE_DC_NUM + NFPE_PC_NUM));
	g_assert_cmpuint(nfpe_ld64(rsp + 16 + 8 * NFPE_DC_CMDS), ==, 1);
	/* buffer too small for the response */
	wr(f, NFPE_REG_CMD_BUF_LEN, 64);
	memset(gptr(f, f->cmd_buf), 0xa5, 256);
	memset(gptr(f, f->cmd_buf), 0, 32);
	nfpe_st16(gptr(f, f->cmd_buf), NFPE_CMD_STATS);
	nfpe_st32(gptr(f, f->cmd_buf) + 4, 32);
	wr(f, NFPE_REG_CMD_DOORBELL, 9);
	g_assert_cmpint((int32_t)nfpe_ld32(gptr(f, f->cmd_buf) + 12), ==,
			-NFPE_ENOSPC);
	g_assert_cmpuint(nfpe_ld32(gptr(f, f->cmd_buf) + 16), ==, 0);
	/* nothing written past the 64-byte buffer */
	g_assert_cmpuint(gptr(f, f->cmd_buf)[64], ==, 0xa5);
	fake_free(f);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/device/cmd/echo", test_echo);
	g_test_add_func("/device/cmd/malformed", test_malformed);
	g_test_add_func("/device/cmd/load-refused", test_load_refused);
	g_test_add_func("/device/cmd/prog-limits", test_prog_limits);
	g_test_add_func("/device/cmd/maps", test_maps);
	g_test_add_func("/device/cmd/stats", test_stats_layout);
	return g_test_run();
}
