/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-dev-hostile.c - a hostile guest: random register writes (biased to
 * real registers), random commands and payloads, random ring geometry and
 * DMA addresses, mutated program images, random frames from the backend.
 * Bounded iterations with a fixed seed (set NFPE_HOSTILE_SEED to vary),
 * then the device must work normally after a reset.  Run it under
 * -Db_sanitize=address,undefined as well.
 */
#include "dev-test-util.h"
#include <stdlib.h>

static const uint8_t port0_mac[6] = { 0x52, 0x54, 0x00, 0xf0, 0x00, 0x00 };

static uint64_t rnd_addr(GRand *r, struct fake *f)
{
	switch (g_rand_int_range(r, 0, 6)) {
	case 0: return 0;
	case 1: return g_rand_int(r);
	case 2: return GUEST_BASE + GUEST_SIZE - g_rand_int_range(r, 0, 64);
	case 3: return 0xfffffffffffff000ull + g_rand_int_range(r, 0, 4096);
	default:
		return GUEST_BASE + g_rand_int_range(r, 0, GUEST_SIZE);
	}
}

static uint32_t rnd_val(GRand *r)
{
	switch (g_rand_int_range(r, 0, 8)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return 0xffffffffu;
	case 3: return 1u << g_rand_int_range(r, 0, 32);
	case 4: return g_rand_int_range(r, 0, 4097);
	default: return g_rand_int(r);
	}
}

static uint64_t rnd_reg(GRand *r, struct fake *f)
{
	unsigned p = g_rand_int_range(r, 0, NFPE_MAX_PORTS + 1);
	unsigned q = g_rand_int_range(r, 0, NFPE_MAX_QUEUES + 1);

	switch (g_rand_int_range(r, 0, 6)) {
	case 0: return g_rand_int_range(r, 0, 0x50) & ~3u;
	case 1: return NFPE_REG_VEC_ARM(g_rand_int_range(r, 0, 70));
	case 2: return NFPE_PORT_BASE(p) + (g_rand_int_range(r, 0, 0x20) & ~3u);
	case 3:
	case 4:
		return NFPE_QUEUE_BASE(p, q) +
		       (g_rand_int_range(r, 0, 0x40) & ~3u);
	default: return g_rand_int_range(r, 0, 0x10400) & ~1u;
	}
}

static void hostile_cmd(GRand *r, struct fake *f, GByteArray *good)
{
	uint8_t *b;
	uint32_t len = g_rand_int_range(r, 0, 600), i;
	uint64_t buf = f->cmd_buf;

	if (g_rand_int_range(r, 0, 10) == 0)
		buf = rnd_addr(r, f) & ~7ull;
	wr(f, NFPE_REG_CMD_ADDR_LO, (uint32_t)buf);
	wr(f, NFPE_REG_CMD_ADDR_HI, (uint32_t)(buf >> 32));
	wr(f, NFPE_REG_CMD_BUF_LEN, g_rand_int_range(r, 0, 8) ?
	   CMD_BUF_LEN : rnd_val(r));
	b = gptr(f, f->cmd_buf);
	for (i = 0; i < 32 + len; i++)
		b[i] = g_rand_int(r);
	nfpe_st16(b, g_rand_int_range(r, 0, 15));
	if (g_rand_boolean(r)) {
		nfpe_st16(b + 2, 0);
		memset(b + 20, 0, 12);
		nfpe_st32(b + 4, 32 + len);
	}
	/* plausible map ids / program ids / ports */
	if (g_rand_boolean(r))
		nfpe_st32(b + 32, g_rand_int_range(r, 0, 6));
	if (g_rand_boolean(r))
		nfpe_st32(b + 36, g_rand_int_range(r, 0, 3));
	if (g_rand_boolean(r))
		nfpe_st32(b + 44, 0);
	if (nfpe_ld16(b) == NFPE_CMD_LOAD_IMAGE && g_rand_boolean(r)) {
		/* a mutated valid image */
		uint64_t a = GUEST_BASE + GUEST_SIZE - 8192;
		uint8_t *img = gptr(f, a);
		uint32_t n = g_rand_int_range(r, 0, 4);

		memcpy(img, good->data, good->len);
		for (i = 0; i < n; i++)
			img[g_rand_int_range(r, 0, good->len)] = g_rand_int(r);
		nfpe_st64(b + 32, a);
		nfpe_st32(b + 40, g_rand_int_range(r, 0, 8) ? good->len :
			  rnd_val(r));
		nfpe_st32(b + 44, 0);
	}
	if (nfpe_ld16(b) == NFPE_CMD_MAP_ALLOC && g_rand_boolean(r)) {
		nfpe_st32(b + 32, g_rand_int_range(r, 0, 10));
		nfpe_st32(b + 36, g_rand_int_range(r, 0, 80));
		nfpe_st32(b + 40, g_rand_int_range(r, 0, 80));
		nfpe_st32(b + 44, g_rand_int_range(r, 0, 300));
		nfpe_st32(b + 48, 0);
		nfpe_st32(b + 52, 0);
	}
	wr(f, NFPE_REG_CMD_DOORBELL, g_rand_int(r));
}

static void hostile_ring(GRand *r, struct fake *f)
{
	unsigned p = g_rand_int_range(r, 0, 2), q = g_rand_int_range(r, 0, 2);
	uint64_t base = g_rand_int_range(r, 0, 4) ? rnd_addr(r, f) & ~15ull :
			rnd_addr(r, f);
	uint32_t size = g_rand_int_range(r, 0, 3) ?
			8u << g_rand_int_range(r, 0, 10) : rnd_val(r);
	bool rxr = g_rand_boolean(r);
	uint32_t nq, ctrl, tail;

	ring_point(f, p, q, rxr, base, size);
	/* random descriptors where they land in guest memory */
	if (base >= GUEST_BASE && base < GUEST_BASE + GUEST_SIZE - 256) {
		uint8_t *d = gptr(f, base);
		unsigned i;

		for (i = 0; i < 256; i++)
			d[i] = g_rand_int(r);
		for (i = 0; i < 16; i++) {
			if (g_rand_boolean(r))
				nfpe_st64(d + 16 * i, rnd_addr(r, f));
			if (g_rand_boolean(r))
				nfpe_st16(d + 16 * i + 8,
					  g_rand_int_range(r, 0, 2000));
		}
	}
	/* drawn in this order so a seed replays the same run */
	nq = g_rand_int_range(r, 0, 4);
	ctrl = rnd_val(r);
	tail = g_rand_int_range(r, 0, 3) ?
	       (uint32_t)g_rand_int_range(r, 0, 40) : rnd_val(r);
	ring_restart(f, p, q, rxr, nq, ctrl, tail);
}

static void hostile_rx(GRand *r, struct fake *f)
{
	uint8_t frame[2048];
	uint32_t len = g_rand_int_range(r, 0, 4) ?
		       g_rand_int_range(r, 0, 200) :
		       g_rand_int_range(r, 0, sizeof(frame));
	unsigned p = g_rand_int_range(r, 0, 3), i;

	for (i = 0; i < len; i++)
		frame[i] = g_rand_int(r);
	if (len >= 14 && g_rand_boolean(r)) {
		memcpy(frame, port0_mac, 6);
		frame[12] = 0x08;
		frame[13] = 0;
		if (len > 14)
			frame[14] = 0x45;
	}
	if (nfpe_core_can_receive(&f->core, p % 2) || g_rand_boolean(r))
		nfpe_core_receive(&f->core, p, frame, len);
}

static void check_works(struct fake *f)
{
	uint8_t frame[256], echo[16] = { 1 }, out[16];
	size_t len = mk_udp4(frame, port0_mac, 1, 2, 3, 4, 30);
	uint32_t head;

	wr(f, NFPE_REG_CTRL, NFPE_CTRL_RESET);
	g_assert_cmphex(rd(f, NFPE_REG_STATUS), ==, NFPE_STATUS_READY);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, 0);
	f->brk = f->cmd_buf + CMD_BUF_LEN;
	port_up(f, 0, 1, 16, 2048, NFPE_PORT_CTRL_RX_META);
	g_assert_cmpint(cmd(f, NFPE_CMD_ECHO, echo, 16, out, 16, NULL), ==, 0);
	g_assert_cmpuint(out[0], ==, 0xfe);
	head = qrd(f, 0, 0, NFPE_Q_RX_HEAD);
	g_assert_cmpint(nfpe_core_receive(&f->core, 0, frame, len), ==,
			(ssize_t)len);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_HEAD), ==, head + 1);
	simple_prog(f, 0, NFPE_HOOK_XDP, 1);
	g_assert_cmpint(nfpe_core_receive(&f->core, 0, frame, len), ==,
			(ssize_t)len);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_HEAD), ==, head + 1);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_XDP_DROP), ==, 1);
	tx_frame(f, 0, 0, frame, len);
	g_assert_cmphex(tx_flags(f, 0, 0, 0), ==, NFPE_TXD_DONE);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, 0);
}

static void test_hostile(gconstpointer data)
{
	unsigned iters = GPOINTER_TO_UINT(data);
	const char *s = g_getenv("NFPE_HOSTILE_SEED");
	guint32 seed = s ? (guint32)strtoul(s, NULL, 0) : 0x5eed;
	GRand *r = g_rand_new_with_seed(seed);
	struct nfpe_props pr;
	struct fake *f;
	GByteArray *good;
	unsigned i, round;
	uint64_t prog[] = { I_IMMED(0, 2), I_IMMED(2, (uint32_t)-4),
			    I_ENG(4, 2, NFPE_ENG_ADJ_META, 0), I_EXIT(0) };
	struct img_reloc rel = { 2, NFPE_RELOC_ENGINE, NFPE_ENG_ADJ_META };

	g_test_message("seed 0x%x, %u iterations", seed, iters);
	nfpe_props_default(&pr);
	pr.ports = 2;
	pr.queues = 2;
	pr.fault_inject = true;
	pr.insn_budget = 2000;
	pr.map_memory = 1 << 20;
	f = fake_new(&pr);
	good = img_build(NFPE_PROG_XDP, prog, 4, NULL, 0, &rel, 1);
	for (round = 0; round < 4; round++) {
		wr(f, NFPE_REG_CTRL, NFPE_CTRL_ENABLE);
		port_up(f, 0, 1, 16, 2048, NFPE_PORT_CTRL_RX_META);
		for (i = 0; i < iters; i++) {
			switch (g_rand_int_range(r, 0, 10)) {
			case 0:
			case 1:
				wr(f, rnd_reg(r, f), rnd_val(r));
				break;
			case 2:
				nfpe_core_mmio_read(&f->core, rnd_reg(r, f),
						    g_rand_int_range(r, 0, 9));
				break;
			case 3:
			case 4:
				hostile_cmd(r, f, good);
				break;
			case 5:
				hostile_ring(r, f);
				break;
			case 6:
				nfpe_core_set_link(&f->core,
						   g_rand_int_range(r, 0, 3),
						   g_rand_boolean(r));
				break;
			case 7:
				f->now += g_rand_int_range(r, 0, 100000);
				nfpe_core_timer(&f->core);
				break;
			default:
				hostile_rx(r, f);
				break;
			}
		}
		nfpe_core_set_link(&f->core, 0, true);
		nfpe_core_set_link(&f->core, 1, true);
		check_works(f);
		g_ptr_array_set_size(f->sent[0], 0);
		g_ptr_array_set_size(f->sent[1], 0);
	}
	g_test_message("%" G_GUINT64_FORMAT " guest errors logged, %"
		       G_GUINT64_FORMAT " DMA reads, %" G_GUINT64_FORMAT
		       " DMA writes", (guint64)f->logs, f->dma_reads,
		       f->dma_writes);
	g_byte_array_unref(good);
	fake_free(f);
	g_rand_free(r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_data_func("/device/hostile/short", GUINT_TO_POINTER(2000),
			     test_hostile);
	g_test_add_data_func("/device/hostile/long",
			     GUINT_TO_POINTER(g_test_slow() ? 200000 : 20000),
			     test_hostile);
	return g_test_run();
}
