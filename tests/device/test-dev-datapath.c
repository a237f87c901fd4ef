/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-dev-datapath.c - rings, TX, RX, programs on the receive path and
 * their verdicts, RX metadata, RSS and multi-queue, interrupt moderation,
 * atomic replace, and a packets-per-second figure.
 */
#include "dev-test-util.h"

static const uint8_t port0_mac[6] = { 0x52, 0x54, 0x00, 0xf0, 0x00, 0x00 };

static ssize_t rx(struct fake *f, unsigned p, const uint8_t *b, size_t len)
{
	return nfpe_core_receive(&f->core, p, b, len);
}

/* Parse RX metadata the way a driver must; returns false if malformed. */
struct meta {
	bool hash, mark, port, xdp;
	uint32_t hash_v, hash_t, mark_v, port_v, xdp_len;
	const uint8_t *xdp_data;
};

static bool parse_meta(const uint8_t *b, uint32_t len, struct meta *m)
{
	uint32_t types, off = 4, seen = 0;

	memset(m, 0, sizeof(*m));
	if (len < 4)
		return false;
	types = nfpe_ld32(b);
	for (; types; types >>= 4) {
		uint32_t t = types & 0xf;

		if (t == 0 || t > NFPE_META_XDP || (seen & (1u << t)))
			return false;
		seen |= 1u << t;
		switch (t) {
		case NFPE_META_HASH:
			if (off + 8 > len)
				return false;
			m->hash = true;
			m->hash_v = nfpe_ld32(b + off);
			m->hash_t = nfpe_ld32(b + off + 4);
			off += 8;
			break;
		case NFPE_META_MARK:
			if (off + 4 > len)
				return false;
			m->mark = true;
			m->mark_v = nfpe_ld32(b + off);
			off += 4;
			break;
		case NFPE_META_PORT:
			if (off + 4 > len)
				return false;
			m->port = true;
			m->port_v = nfpe_ld32(b + off);
			off += 4;
			break;
		case NFPE_META_XDP:
			if (off + 4 > len)
				return false;
			m->xdp = true;
			m->xdp_len = nfpe_ld32(b + off);
			off += 4;
			break;
		}
	}
	if (m->xdp) {
		if (m->xdp_len > NFPE_META_XDP_MAX || off + m->xdp_len != len)
			return false;
		m->xdp_data = b + off;
		return true;
	}
	return off == len;
}

static void test_rx_plain(void)
{
	struct fake *f = fake_new(NULL);
	uint8_t frame[256], *buf;
	size_t len = mk_udp4(frame, port0_mac, 0x0a000001, 0x0a000002, 1000,
			     2000, 100);
	uint16_t dl;
	uint8_t ml, fl;
	struct meta m;
	uint32_t ht, h = nfpe_rss_hash(frame, len, &ht);

	port_up(f, 0, 1, 8, 2048, NFPE_PORT_CTRL_RX_META);
	g_assert_true(nfpe_core_can_receive(&f->core, 0));
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_HEAD), ==, 1);
	rx_desc(f, 0, 0, 0, &dl, &ml, &fl, &buf);
	g_assert_cmphex(fl, ==, NFPE_RXD_DONE);
	g_assert_cmpuint(ml, ==, 4 + 8 + 4);
	g_assert_cmpuint(dl, ==, ml + len);
	g_assert_cmphex(nfpe_ld32(buf), ==,
			NFPE_META_HASH | NFPE_META_PORT << 4);
	g_assert_true(parse_meta(buf, ml, &m));
	g_assert_true(m.hash && m.port && !m.mark && !m.xdp);
	g_assert_cmpuint(ht, ==, NFPE_HASH_TYPE_L4);
	g_assert_cmphex(m.hash_v, ==, h);
	g_assert_cmpuint(m.hash_t, ==, NFPE_HASH_TYPE_L4);
	g_assert_cmpuint(m.port_v, ==, 0);
	g_assert_cmpmem(buf + ml, len, frame, len);
	/* one interrupt, then auto-masked until re-armed */
	g_assert_cmpuint(f->irqs[rx_vec(0, 0)], ==, 1);
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	g_assert_cmpuint(f->irqs[rx_vec(0, 0)], ==, 1);
	wr(f, NFPE_REG_VEC_ARM(rx_vec(0, 0)), 1);
	g_assert_cmpuint(f->irqs[rx_vec(0, 0)], ==, 2);
	wr(f, NFPE_REG_VEC_ARM(rx_vec(0, 0)), 1);
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	g_assert_cmpuint(f->irqs[rx_vec(0, 0)], ==, 3);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_RX_PACKETS), ==, 3);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_RX_BYTES), ==, 3 * len);
	/* non-IP frame: no hash field */
	frame[12] = 0x88;
	frame[13] = 0xb5;
	g_assert_cmpint(rx(f, 0, frame, 60), ==, 60);
	rx_desc(f, 0, 0, 3, &dl, &ml, &fl, &buf);
	g_assert_cmpuint(ml, ==, 8);
	g_assert_cmphex(nfpe_ld32(buf), ==, NFPE_META_PORT);
	g_assert_cmpuint(f->core.err_count, ==, 0);
	fake_free(f);
}

static void test_rx_no_meta_and_buffers(void)
{
	struct fake *f = fake_new(NULL);
	uint8_t frame[256], *buf;
	size_t len = mk_udp4(frame, port0_mac, 1, 2, 3, 4, 50);
	uint16_t dl;
	uint8_t ml, fl;
	unsigned i, fl0;

	port_up(f, 0, 1, 8, 2048, 0);
	for (i = 0; i < 8; i++)
		g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	rx_desc(f, 0, 0, 5, &dl, &ml, &fl, &buf);
	g_assert_cmpuint(ml, ==, 0);
	g_assert_cmpuint(dl, ==, len);
	g_assert_cmpmem(buf, len, frame, len);
	/* ring full: the backend must queue */
	g_assert_false(nfpe_core_can_receive(&f->core, 0));
	g_assert_cmpint(rx(f, 0, frame, len), ==, 0);
	fl0 = f->flushes[0];
	rx_refill(f, 0, 0);
	g_assert_cmpuint(f->flushes[0], ==, fl0 + 1);
	g_assert_true(nfpe_core_can_receive(&f->core, 0));
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_HEAD), ==, 9);
	/* frame longer than MTU + 18, and runts: dropped */
	g_assert_cmpint(rx(f, 0, frame, 1519), ==, 1519);
	g_assert_cmpint(rx(f, 0, frame, 10), ==, 10);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_RX_TOO_LONG), ==, 2);
	/* MAC filter: other unicast dropped, broadcast/multicast pass */
	frame[0] = 0x02;
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_HEAD), ==, 9);
	memset(frame, 0xff, 6);
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	frame[0] = 0x01;
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_HEAD), ==, 11);
	wr(f, NFPE_PORT_BASE(0) + NFPE_PORT_CTRL,
	   NFPE_PORT_CTRL_ENABLE | NFPE_PORT_CTRL_PROMISC);
	frame[0] = 0x02;
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_HEAD), ==, 12);
	/* port disabled: not taking packets */
	wr(f, NFPE_PORT_BASE(0) + NFPE_PORT_CTRL, 0);
	g_assert_false(nfpe_core_can_receive(&f->core, 0));
	g_assert_cmpint(rx(f, 0, frame, len), ==, 0);
	fake_free(f);
}

static void test_rx_small_buffer(void)
{
	struct fake *f = fake_new(NULL);
	uint8_t frame[256];
	size_t len = mk_udp4(frame, port0_mac, 1, 2, 3, 4, 100);

	port_up(f, 0, 1, 8, 128, NFPE_PORT_CTRL_RX_META);
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_HEAD), ==, 0);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_RX_TOO_LONG), ==, 1);
	len = mk_udp4(frame, port0_mac, 1, 2, 3, 4, 10);
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_HEAD), ==, 1);
	fake_free(f);
}

static void test_rx_dma_error(void)
{
	struct fake *f = fake_new(NULL);
	uint8_t frame[256];
	size_t len = mk_udp4(frame, port0_mac, 1, 2, 3, 4, 10);
	uint8_t *d;

	port_up(f, 0, 1, 8, 2048, 0);
	d = gptr(f, f->q[0][0].rx_ring);
	nfpe_st64(d, 0x1000);	/* not guest memory */
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, NFPE_ERR_DMA_WRITE);
	g_assert_cmphex(rd(f, NFPE_REG_ERR_INFO), ==, 1);
	g_assert_cmphex(d[13], ==, NFPE_RXD_DONE | NFPE_RXD_ERR);
	g_assert_false(nfpe_core_can_receive(&f->core, 0));
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_RX_DMA_ERR), ==, 1);
	g_assert_cmpuint(stat_dev(f, NFPE_DC_BAD_DMA), ==, 1);
	/* reset recovers */
	wr(f, NFPE_REG_CTRL, NFPE_CTRL_RESET);
	port_up(f, 0, 1, 8, 2048, 0);
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_HEAD), ==, 1);
	fake_free(f);
}

static void test_tx(void)
{
	struct fake *f = fake_new(NULL);
	uint8_t frame[2048] = { 0 };
	size_t len = mk_udp4(frame, port0_mac, 1, 2, 3, 4, 64);
	GByteArray *s;
	uint8_t *d;

	port_up(f, 0, 1, 8, 2048, 0);
	tx_frame(f, 0, 0, frame, len);
	g_assert_cmpuint(f->sent[0]->len, ==, 1);
	s = g_ptr_array_index(f->sent[0], 0);
	g_assert_cmpmem(s->data, s->len, frame, len);
	g_assert_cmphex(tx_flags(f, 0, 0, 0), ==, NFPE_TXD_DONE);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_TX_HEAD), ==, 1);
	g_assert_cmpuint(f->irqs[tx_vec(0, 0)], ==, 1);
	/* bad lengths: ERR, not sent, latched, ring goes on */
	tx_frame(f, 0, 0, frame, 10);
	tx_frame(f, 0, 0, frame, 1519);
	g_assert_cmpuint(f->sent[0]->len, ==, 1);
	g_assert_cmphex(tx_flags(f, 0, 0, 1), ==,
			NFPE_TXD_DONE | NFPE_TXD_ERR);
	g_assert_cmphex(tx_flags(f, 0, 0, 2), ==,
			NFPE_TXD_DONE | NFPE_TXD_ERR);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, NFPE_ERR_TX_DESC);
	tx_frame(f, 0, 0, frame, 1518);
	g_assert_cmpuint(f->sent[0]->len, ==, 2);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_TX_PACKETS), ==, 2);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_TX_BYTES), ==, len + 1518);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_TX_ERRORS), ==, 2);
	/* wrap around the ring several times */
	for (int i = 0; i < 20; i++)
		tx_frame(f, 0, 0, frame, len);
	g_assert_cmpuint(f->sent[0]->len, ==, 22);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_TX_HEAD), ==, 24);
	/* bad frame address: ERR, and the port stops */
	wr(f, NFPE_REG_ERR_ACK, 1);
	d = gptr(f, f->q[0][0].tx_ring + 16 * (24 & 7));
	nfpe_st64(d, 0xfff0);
	nfpe_st16(d + 8, 64);
	f->q[0][0].tx_tail++;
	qwr(f, 0, 0, NFPE_Q_TX_TAIL, f->q[0][0].tx_tail);
	g_assert_cmphex(nfpe_ld16(d + 10), ==, NFPE_TXD_DONE | NFPE_TXD_ERR);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, NFPE_ERR_DMA_READ);
	tx_frame(f, 0, 0, frame, len);
	g_assert_cmpuint(f->sent[0]->len, ==, 22);
	/* TX posted before enable is sent at enable */
	wr(f, NFPE_REG_CTRL, NFPE_CTRL_RESET);
	port_up(f, 0, 1, 8, 2048, 0);
	wr(f, NFPE_PORT_BASE(0) + NFPE_PORT_CTRL, 0);
	tx_frame(f, 0, 0, frame, len);
	g_assert_cmpuint(f->sent[0]->len, ==, 22);
	wr(f, NFPE_PORT_BASE(0) + NFPE_PORT_CTRL, NFPE_PORT_CTRL_ENABLE);
	g_assert_cmpuint(f->sent[0]->len, ==, 23);
	/* tail too far ahead */
	qwr(f, 0, 0, NFPE_Q_TX_TAIL, 100);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, NFPE_ERR_RING_INDEX);
	g_assert_cmphex(rd(f, NFPE_REG_ERR_INFO), ==, 0);
	fake_free(f);
}

static void test_xdp_verdicts(void)
{
	struct fake *f = fake_new(NULL);
	uint8_t frame[256];
	size_t len = mk_udp4(frame, port0_mac, 1, 2, 3, 4, 64);
	uint32_t id;
	struct nfpe_cmd_prog_stats ps;
	uint8_t req[8] = { 0 };

	port_up(f, 0, 1, 64, 2048, 0);
	id = simple_prog(f, 0, NFPE_HOOK_XDP, 1);	/* DROP */
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_HEAD), ==, 0);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_XDP_DROP), ==, 1);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_PROG_INSNS), ==, 2);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_PROG_CYCLES), >=, 2);
	nfpe_st32(req, id);
	g_assert_cmpint(cmd(f, NFPE_CMD_PROG_STATS, req, 8, &ps, sizeof(ps),
			    NULL), ==, 0);
	g_assert_cmpuint(ps.runs, ==, 1);
	g_assert_cmpuint(ps.insns, ==, 2);
	g_assert_cmpuint(ps.errors, ==, 0);

	simple_prog(f, 0, NFPE_HOOK_XDP, 2);	/* PASS, replaces */
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_HEAD), ==, 1);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_XDP_PASS), ==, 1);
	/* the replaced program is no longer attached: unloadable */
	g_assert_cmpint(cmd(f, NFPE_CMD_UNLOAD, req, 8, NULL, 0, NULL), ==, 0);

	simple_prog(f, 0, NFPE_HOOK_XDP, 3);	/* TX */
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	g_assert_cmpuint(f->sent[0]->len, ==, 1);
	g_assert_cmpmem(((GByteArray *)g_ptr_array_index(f->sent[0], 0))->data,
			len, frame, len);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_XDP_TX), ==, 1);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_TX_PACKETS), ==, 1);

	simple_prog(f, 0, NFPE_HOOK_XDP, 0);	/* ABORTED */
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	simple_prog(f, 0, NFPE_HOOK_XDP, 4);	/* REDIRECT: aborted */
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_XDP_ABORTED), ==, 2);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_HEAD), ==, 1);

	/* detach: plain receive again */
	g_assert_cmpint(attach(f, 0, NFPE_HOOK_XDP, 0), ==, 0);
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_HEAD), ==, 2);
	fake_free(f);
}

static void test_prog_faults(void)
{
	struct nfpe_props pr;
	struct fake *f;
	uint8_t frame[256];
	size_t len;
	uint64_t loop[] = { I_BR(0) };
	uint64_t oob[] = {
		I_IMMED(1, 0x7ffffff0),
		nfpe_enc_r(NFPE_OP_LD_PKT32, 2, 1, 0, 0),
		I_IMMED(0, 2), I_EXIT(0),
	};
	GByteArray *g;
	uint32_t id;

	nfpe_props_default(&pr);
	pr.insn_budget = 1000;
	f = fake_new(&pr);
	len = mk_udp4(frame, port0_mac, 1, 2, 3, 4, 64);
	port_up(f, 0, 1, 8, 2048, 0);
	g = img_build(NFPE_PROG_XDP, loop, 1, NULL, 0, NULL, 0);
	g_assert_cmpint(img_load(f, g, &id, NULL), ==, 0);
	g_byte_array_unref(g);
	g_assert_cmpint(attach(f, 0, NFPE_HOOK_XDP, id), ==, 0);
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_PROG_ERRORS), ==, 1);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_XDP_ABORTED), ==, 1);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_PROG_INSNS), <=, 1000);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_HEAD), ==, 0);

	g = img_build(NFPE_PROG_XDP, oob, 4, NULL, 0, NULL, 0);
	g_assert_cmpint(img_load(f, g, &id, NULL), ==, 0);
	g_byte_array_unref(g);
	g_assert_cmpint(attach(f, 0, NFPE_HOOK_XDP, id), ==, 0);
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_PROG_ERRORS), ==, 2);
	/* a TC program faulting drops too */
	g = img_build(NFPE_PROG_TC, oob, 4, NULL, 0, NULL, 0);
	g_assert_cmpint(img_load(f, g, &id, NULL), ==, 0);
	g_byte_array_unref(g);
	g_assert_cmpint(attach(f, 0, NFPE_HOOK_XDP, 0), ==, 0);
	g_assert_cmpint(attach(f, 0, NFPE_HOOK_TC, id), ==, 0);
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_PROG_ERRORS), ==, 3);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_HEAD), ==, 0);
	/* the device itself is fine */
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, 0);
	fake_free(f);
}

static void test_tc(void)
{
	struct fake *f = fake_new(NULL);
	uint8_t frame[256], *buf;
	size_t len = mk_udp4(frame, port0_mac, 1, 2, 3, 4, 64);
	uint64_t mark[] = {
		I_IMMED(1, 0xcafe),
		I_CSRWR(NFPE_CSR_MARK, 1),
		I_IMMED(0, 0),
		I_EXIT(0),
	};
	GByteArray *g = img_build(NFPE_PROG_TC, mark, 4, NULL, 0, NULL, 0);
	uint32_t id, i;
	uint16_t dl;
	uint8_t ml, fl;
	struct meta m;
	static const struct { uint32_t ret; bool pass; } acts[] = {
		{ 0xffffffffu, true }, { 1, true }, { 2, false }, { 3, true },
		{ 4, false }, { 5, false }, { 6, false }, { 7, false },
		{ 8, false }, { 99, true },
	};

	port_up(f, 0, 1, 64, 2048, NFPE_PORT_CTRL_RX_META);
	g_assert_cmpint(img_load(f, g, &id, NULL), ==, 0);
	g_byte_array_unref(g);
	/* type checked at attach */
	g_assert_cmpint(attach(f, 0, NFPE_HOOK_XDP, id), ==, -NFPE_EINVAL);
	g_assert_cmpint(attach(f, 0, NFPE_HOOK_TC, id), ==, 0);
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	rx_desc(f, 0, 0, 0, &dl, &ml, &fl, &buf);
	g_assert_true(parse_meta(buf, ml, &m));
	g_assert_true(m.mark && m.hash && m.port);
	g_assert_cmphex(m.mark_v, ==, 0xcafe);
	g_assert_cmphex(nfpe_ld32(buf), ==, NFPE_META_HASH |
			NFPE_META_MARK << 4 | NFPE_META_PORT << 8);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_TC_OK), ==, 1);
	for (i = 0; i < G_N_ELEMENTS(acts); i++) {
		uint32_t head = qrd(f, 0, 0, NFPE_Q_RX_HEAD);

		simple_prog(f, 0, NFPE_HOOK_TC, acts[i].ret);
		g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
		g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_HEAD), ==,
				 head + acts[i].pass);
	}
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_TC_OK), ==, 2);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_TC_SHOT), ==, 1);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_TC_OTHER), ==, 8);
	/* XDP PASS then TC: both run */
	simple_prog(f, 0, NFPE_HOOK_XDP, 2);
	simple_prog(f, 0, NFPE_HOOK_TC, 2);
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_XDP_PASS), ==, 1);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_TC_SHOT), ==, 2);
	fake_free(f);
}

static void test_xdp_meta_and_head(void)
{
	struct fake *f = fake_new(NULL);
	uint8_t frame[256], *buf;
	size_t len = mk_udp4(frame, port0_mac, 1, 2, 3, 4, 64);
	/* adjust_meta(-8), write two words there, adjust_head(+4)... back
	 * (-4) to exercise both, set the first frame byte, PASS */
	uint64_t code[] = {
		I_IMMED(2, (uint32_t)-8),
		I_ENG(4, 2, NFPE_ENG_ADJ_META, 0),
		I_CSRRD(6, NFPE_CSR_PKT_META),
		I_IMMED(7, 0xabcd1234),
		nfpe_enc_r(NFPE_OP_ST_PKT32, 0, 6, 7, 0),
		I_IMMED(7, 0x55667788),
		nfpe_enc_r(NFPE_OP_ST_PKT32, 0, 6, 7, 4),
		I_IMMED(2, 4),
		I_ENG(4, 2, NFPE_ENG_ADJ_TAIL, 0),
		I_CSRRD(6, NFPE_CSR_PKT_DATA),
		I_IMMED(7, 0x01),
		nfpe_enc_r(NFPE_OP_ST_PKT8, 0, 6, 7, 0),
		I_IMMED(0, 2),
		I_EXIT(0),
	};
	struct img_reloc rel[] = {
		{ 1, NFPE_RELOC_ENGINE, NFPE_ENG_ADJ_META },
		{ 8, NFPE_RELOC_ENGINE, NFPE_ENG_ADJ_TAIL },
	};
	GByteArray *g = img_build(NFPE_PROG_XDP, code, G_N_ELEMENTS(code),
				  NULL, 0, rel, 2);
	uint32_t id, reason = 0;
	uint16_t dl;
	uint8_t ml, fl;
	struct meta m;

	port_up(f, 0, 1, 8, 2048, NFPE_PORT_CTRL_RX_META);
	g_assert_cmpint(img_load(f, g, &id, &reason), ==, 0);
	g_byte_array_unref(g);
	g_assert_cmpint(attach(f, 0, NFPE_HOOK_XDP, id), ==, 0);
	g_assert_cmpint(rx(f, 0, frame, len), ==, (ssize_t)len);
	rx_desc(f, 0, 0, 0, &dl, &ml, &fl, &buf);
	g_assert_cmphex(fl, ==, NFPE_RXD_DONE);
	g_assert_true(parse_meta(buf, ml, &m));
	g_assert_true(m.xdp && m.hash && m.port);
	g_assert_cmpuint(m.xdp_len, ==, 8);
	g_assert_cmphex(nfpe_ld32(m.xdp_data), ==, 0xabcd1234);
	g_assert_cmphex(nfpe_ld32(m.xdp_data + 4), ==, 0x55667788);
	g_assert_cmpuint(dl - ml, ==, len + 4);	/* tail grew by 4 */
	g_assert_cmpuint(buf[ml], ==, 0x01);	/* rewritten first byte */
	g_assert_cmpmem(buf + ml + 1, len - 1, frame + 1, len - 1);
	g_assert_cmphex(nfpe_ld32(buf + ml + len), ==, 0);
	fake_free(f);
}

static void test_bad_meta_fault(void)
{
	struct nfpe_props pr;
	struct fake *f;
	uint8_t frame[256], *buf;
	size_t len;
	uint16_t dl;
	uint8_t ml, fl;
	struct meta m;

	nfpe_props_default(&pr);
	pr.fault_inject = true;
	f = fake_new(&pr);
	len = mk_udp4(frame, port0_mac, 1, 2, 3, 4, 64);
	port_up(f, 0, 1, 8, 2048, NFPE_PORT_CTRL_RX_META);
	wr(f, NFPE_REG_FAULT_INJECT, NFPE_FAULT_BAD_META);
	rx(f, 0, frame, len);
	rx(f, 0, frame, len);
	rx_desc(f, 0, 0, 0, &dl, &ml, &fl, &buf);
	g_assert_false(parse_meta(buf, ml, &m));
	rx_desc(f, 0, 0, 1, &dl, &ml, &fl, &buf);
	g_assert_true(parse_meta(buf, ml, &m));
	fake_free(f);
}

static void test_toeplitz(void)
{
	/* Microsoft RSS verification suite, IPv4 */
	static const struct {
		uint8_t src[4], dst[4];
		uint16_t sport, dport;
		uint32_t l3, l4;
	} v[] = {
		{ { 66, 9, 149, 187 }, { 161, 142, 100, 80 }, 2794, 1766,
		  0x323e8fc2, 0x51ccc178 },
		{ { 199, 92, 111, 2 }, { 65, 69, 140, 83 }, 14230, 4739,
		  0xd718262a, 0xc626b0ea },
		{ { 24, 19, 198, 95 }, { 12, 22, 207, 184 }, 12898, 38024,
		  0xd2d0a5de, 0x5c2b394a },
	};
	unsigned i;

	for (i = 0; i < G_N_ELEMENTS(v); i++) {
		uint8_t in[12];

		memcpy(in, v[i].src, 4);
		memcpy(in + 4, v[i].dst, 4);
		in[8] = v[i].sport >> 8;
		in[9] = v[i].sport;
		in[10] = v[i].dport >> 8;
		in[11] = v[i].dport;
		g_assert_cmphex(nfpe_toeplitz(nfpe_rss_key, 40, in, 8), ==,
				v[i].l3);
		g_assert_cmphex(nfpe_toeplitz(nfpe_rss_key, 40, in, 12), ==,
				v[i].l4);
	}
	/* through the frame parser */
	{
		uint8_t fr[128];
		uint32_t t;
		size_t len = mk_udp4(fr, port0_mac, 0x420995bb, 0xa18e6450,
				     2794, 1766, 0);

		g_assert_cmphex(nfpe_rss_hash(fr, len, &t), ==, 0x51ccc178);
		g_assert_cmpuint(t, ==, NFPE_HASH_TYPE_L4);
		fr[20] = 0x20;	/* MF: a fragment, addresses only */
		g_assert_cmphex(nfpe_rss_hash(fr, len, &t), ==, 0x323e8fc2);
		g_assert_cmpuint(t, ==, NFPE_HASH_TYPE_L3);
		g_assert_cmphex(nfpe_rss_hash(fr, 30, &t), ==, 0);
		g_assert_cmpuint(t, ==, NFPE_HASH_TYPE_NONE);
	}
	/* IPv6 + TCP (same suite): src 3ffe:2501:200:1fff::7 port 2794,
	 * dst 3ffe:2501:200:3::1 port 1766 */
	{
		static const uint8_t src6[16] = { 0x3f, 0xfe, 0x25, 0x01, 0x02,
			0x00, 0x1f, 0xff, 0, 0, 0, 0, 0, 0, 0, 7 };
		static const uint8_t dst6[16] = { 0x3f, 0xfe, 0x25, 0x01, 0x02,
			0x00, 0x00, 0x03, 0, 0, 0, 0, 0, 0, 0, 1 };
		uint8_t fr[14 + 40 + 20] = { 0 };
		uint32_t t;

		fr[12] = 0x86;
		fr[13] = 0xdd;
		fr[14] = 0x60;
		fr[20] = 6;	/* TCP */
		memcpy(fr + 22, src6, 16);
		memcpy(fr + 38, dst6, 16);
		fr[54] = 2794 >> 8;
		fr[55] = 2794 & 0xff;
		fr[56] = 1766 >> 8;
		fr[57] = 1766 & 0xff;
		g_assert_cmphex(nfpe_rss_hash(fr, sizeof(fr), &t), ==,
				0x40207d3d);
		g_assert_cmpuint(t, ==, NFPE_HASH_TYPE_L4);
		g_assert_cmphex(nfpe_toeplitz(nfpe_rss_key, 40, fr + 22, 36),
				==, 0x40207d3d);
		fr[20] = 58;	/* ICMPv6: addresses only */
		g_assert_cmphex(nfpe_rss_hash(fr, sizeof(fr), &t), ==,
				0x2cc18cd5);
		g_assert_cmpuint(t, ==, NFPE_HASH_TYPE_L3);
	}
}

static void test_multiqueue(void)
{
	struct nfpe_props pr;
	struct fake *f;
	uint8_t frame[256];
	unsigned i, q, per_q[4] = { 0 };

	nfpe_props_default(&pr);
	pr.queues = 4;
	pr.ports = 2;
	f = fake_new(&pr);
	port_up(f, 1, 4, 256, 256, NFPE_PORT_CTRL_RX_META);
	for (i = 0; i < 400; i++) {
		static const uint8_t mac1[6] = { 0x52, 0x54, 0, 0xf0, 0, 1 };
		size_t len = mk_udp4(frame, mac1, 0x0a000000 + i, 0x0a0000ff,
				     1000 + i, 80, 10);
		uint32_t t, h = nfpe_rss_hash(frame, len, &t);

		per_q[h % 4]++;
		g_assert_cmpint(nfpe_core_receive(&f->core, 1, frame, len), ==,
				(ssize_t)len);
	}
	for (q = 0; q < 4; q++) {
		g_assert_cmpuint(per_q[q], >, 50);
		g_assert_cmpuint(qrd(f, 1, q, NFPE_Q_RX_HEAD), ==, per_q[q]);
		g_assert_cmpuint(f->irqs[rx_vec(1, q)], ==, 1);
	}
	/* metadata names the port */
	{
		uint16_t dl;
		uint8_t ml, fl, *buf;
		struct meta m;

		rx_desc(f, 1, 2, 0, &dl, &ml, &fl, &buf);
		g_assert_true(parse_meta(buf, ml, &m));
		g_assert_cmpuint(m.port_v, ==, 1);
		g_assert_cmpuint(m.hash_v % 4, ==, 2);
	}
	/* one empty queue stops the port taking packets */
	g_assert_true(nfpe_core_can_receive(&f->core, 1));
	for (i = 0; i < 4; i++)
		g_assert_cmpuint(qrd(f, 1, i, NFPE_Q_RX_TAIL), ==, 256);
	g_assert_cmpuint(stat_port(f, 1, NFPE_PC_RX_PACKETS), ==, 400);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_RX_PACKETS), ==, 0);
	/* TX on any queue */
	for (q = 0; q < 4; q++)
		tx_frame(f, 1, q, frame, 60);
	g_assert_cmpuint(f->sent[1]->len, ==, 4);
	fake_free(f);
}

static void test_moderation(void)
{
	struct fake *f = fake_new(NULL);
	uint8_t frame[256];
	size_t len = mk_udp4(frame, port0_mac, 1, 2, 3, 4, 10);
	unsigned v = rx_vec(0, 0), i;

	port_up(f, 0, 1, 64, 2048, 0);
	qwr(f, 0, 0, NFPE_Q_IRQ_MOD_PKTS, 4);
	for (i = 0; i < 3; i++)
		rx(f, 0, frame, len);
	g_assert_cmpuint(f->irqs[v], ==, 0);
	rx(f, 0, frame, len);
	g_assert_cmpuint(f->irqs[v], ==, 1);
	/* time-based: first completion arms the timer */
	wr(f, NFPE_REG_VEC_ARM(v), 1);
	qwr(f, 0, 0, NFPE_Q_IRQ_MOD_PKTS, 0);
	qwr(f, 0, 0, NFPE_Q_IRQ_MOD_USECS, 50);
	f->now = 1000000;
	rx(f, 0, frame, len);
	g_assert_cmpuint(f->irqs[v], ==, 1);
	g_assert_cmpuint(f->timer, ==, 1000000 + 50000);
	f->now += 20000;
	rx(f, 0, frame, len);
	nfpe_core_timer(&f->core);	/* early: nothing */
	g_assert_cmpuint(f->irqs[v], ==, 1);
	f->now += 30000;
	nfpe_core_timer(&f->core);
	g_assert_cmpuint(f->irqs[v], ==, 2);
	/* both: whichever first */
	wr(f, NFPE_REG_VEC_ARM(v), 1);
	qwr(f, 0, 0, NFPE_Q_IRQ_MOD_PKTS, 2);
	rx(f, 0, frame, len);
	rx(f, 0, frame, len);
	g_assert_cmpuint(f->irqs[v], ==, 3);
	/* no vector: no interrupt */
	wr(f, NFPE_REG_VEC_ARM(v), 1);
	fake_free(f);
}

static void test_map_prog(void)
{
	struct fake *f = fake_new(NULL);
	uint8_t frame[256];
	size_t len = mk_udp4(frame, port0_mac, 1, 2, 3, 4, 10);
	uint8_t req[24], rsp[64];
	uint32_t map_id, id, i, rl;
	GByteArray *g;

	port_up(f, 0, 1, 64, 2048, 0);
	memset(req, 0, sizeof(req));
	nfpe_st32(req, NFPE_BPF_MAP_ARRAY);
	nfpe_st32(req + 4, 4);
	nfpe_st32(req + 8, 8);
	nfpe_st32(req + 12, 4);
	g_assert_cmpint(cmd(f, NFPE_CMD_MAP_ALLOC, req, 24, rsp, 64, &rl), ==,
			0);
	g_assert_cmpuint(rl, ==, 8);
	map_id = nfpe_ld32(rsp);
	{
		/* counts packets in slot 0 of the array, drops them */
		uint64_t code[] = {
			I_IMMED(10, 0),
			nfpe_enc_r(NFPE_OP_ST_LM32, 0, 10, 10, 0),
			I_IMMED(2, 0),		/* map slot 0 */
			I_IMMED(4, 0),		/* key at LM 0 */
			I_ENG(12, 2, NFPE_ENG_MAP_LOOKUP,
			      NFPE_ENG_FLAGS(NFPE_SPACE_LM, 0)),
			nfpe_enc_b(NFPE_OP_BEQI, 12, 8, 0),
			I_IMMED(14, 1),
			nfpe_enc_r(NFPE_OP_AADD_MAP32, 0, 12, 14, 0),
			I_IMMED(0, 1),
			I_EXIT(0),
		};
		struct img_map mp = { map_id, NFPE_BPF_MAP_ARRAY, 4, 8, 4, 0 };
		struct img_reloc rel[] = {
			{ 2, NFPE_RELOC_MAP_SLOT, 0 },
			{ 4, NFPE_RELOC_ENGINE, NFPE_ENG_MAP_LOOKUP },
		};
		uint32_t reason = 99;

		g = img_build(NFPE_PROG_XDP, code, G_N_ELEMENTS(code), &mp, 1,
			      rel, 2);
		g_assert_cmpint(img_load(f, g, &id, &reason), ==, 0);
		g_byte_array_unref(g);
	}
	/* the map is pinned by the program */
	nfpe_st32(req, map_id);
	nfpe_st32(req + 4, 0);
	g_assert_cmpint(cmd(f, NFPE_CMD_MAP_FREE, req, 8, NULL, 0, NULL), ==,
			-NFPE_EBUSY);
	g_assert_cmpint(attach(f, 0, NFPE_HOOK_XDP, id), ==, 0);
	for (i = 0; i < 10; i++)
		rx(f, 0, frame, len);
	memset(req, 0, sizeof(req));
	nfpe_st32(req, map_id);
	g_assert_cmpint(cmd(f, NFPE_CMD_MAP_LOOKUP, req, 20, rsp, 64, &rl), ==,
			0);
	g_assert_cmpuint(rl, ==, 8);
	g_assert_cmpuint(nfpe_ld64(rsp), ==, 10);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_XDP_DROP), ==, 10);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_PROG_ERRORS), ==, 0);
	/* unload order: detach, unload, then the map can go */
	nfpe_st32(req, id);
	g_assert_cmpint(cmd(f, NFPE_CMD_UNLOAD, req, 8, NULL, 0, NULL), ==,
			-NFPE_EBUSY);
	g_assert_cmpint(attach(f, 0, NFPE_HOOK_XDP, 0), ==, 0);
	g_assert_cmpint(cmd(f, NFPE_CMD_UNLOAD, req, 8, NULL, 0, NULL), ==, 0);
	g_assert_cmpint(cmd(f, NFPE_CMD_UNLOAD, req, 8, NULL, 0, NULL), ==,
			-NFPE_ENOENT);
	nfpe_st32(req, map_id);
	g_assert_cmpint(cmd(f, NFPE_CMD_MAP_FREE, req, 8, NULL, 0, NULL), ==,
			0);
	fake_free(f);
}

static void test_threads_round_robin(void)
{
	struct nfpe_props pr;
	struct fake *f;
	uint8_t frame[256];
	size_t len;
	unsigned i;

	nfpe_props_default(&pr);
	pr.cores = 3;
	pr.threads = 2;
	f = fake_new(&pr);
	len = mk_udp4(frame, port0_mac, 1, 2, 3, 4, 10);
	port_up(f, 0, 1, 64, 2048, 0);
	simple_prog(f, 0, NFPE_HOOK_XDP, 1);
	for (i = 0; i < 60; i++)
		rx(f, 0, frame, len);
	g_assert_cmpuint(f->core.n_threads, ==, 6);
	for (i = 0; i < 6; i++) {
		g_assert_cmpuint(f->core.threads[i].packets, ==, 10);
		g_assert_cmpuint(f->core.threads[i].t.core, ==, i / 2);
		g_assert_cmpuint(f->core.threads[i].t.thread, ==, i % 2);
	}
	fake_free(f);
}

static void test_perf_drop(void)
{
	struct fake *f = fake_new(NULL);
	uint8_t frame[256];
	size_t len = mk_udp4(frame, port0_mac, 1, 2, 3, 4, 22);	/* 64 B */
	unsigned n = g_test_perf() ? 2000000 : 200000, i;
	gint64 t0, t1;
	double pps;

	port_up(f, 0, 1, 64, 2048, 0);
	simple_prog(f, 0, NFPE_HOOK_XDP, 1);
	t0 = g_get_monotonic_time();
	for (i = 0; i < n; i++)
		nfpe_core_receive(&f->core, 0, frame, len);
	t1 = g_get_monotonic_time();
	pps = n / ((t1 - t0) / 1e6);
	g_test_message("XDP_DROP through the device core: %u packets of %zu "
		       "bytes in %.1f ms = %.2f Mpps", n, len,
		       (t1 - t0) / 1e3, pps / 1e6);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_XDP_DROP), ==, n);
	/* and with no program, DMA'd to the host (refilling) */
	g_assert_cmpint(attach(f, 0, NFPE_HOOK_XDP, 0), ==, 0);
	t0 = g_get_monotonic_time();
	for (i = 0; i < n / 4; i++) {
		if (nfpe_core_receive(&f->core, 0, frame, len) == 0) {
			rx_refill(f, 0, 0);
			i--;
		}
	}
	t1 = g_get_monotonic_time();
	pps = (n / 4) / ((t1 - t0) / 1e6);
	g_test_message("no program, DMA to host ring: %u packets in %.1f ms = "
		       "%.2f Mpps", n / 4, (t1 - t0) / 1e3, pps / 1e6);
	fake_free(f);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/device/datapath/rx-plain", test_rx_plain);
	g_test_add_func("/device/datapath/rx-buffers",
			test_rx_no_meta_and_buffers);
	g_test_add_func("/device/datapath/rx-small-buffer",
			test_rx_small_buffer);
	g_test_add_func("/device/datapath/rx-dma-error", test_rx_dma_error);
	g_test_add_func("/device/datapath/tx", test_tx);
	g_test_add_func("/device/datapath/xdp-verdicts", test_xdp_verdicts);
	g_test_add_func("/device/datapath/prog-faults", test_prog_faults);
	g_test_add_func("/device/datapath/tc", test_tc);
	g_test_add_func("/device/datapath/xdp-meta", test_xdp_meta_and_head);
	g_test_add_func("/device/datapath/bad-meta-fault",
			test_bad_meta_fault);
	g_test_add_func("/device/datapath/toeplitz", test_toeplitz);
	g_test_add_func("/device/datapath/multiqueue", test_multiqueue);
	g_test_add_func("/device/datapath/moderation", test_moderation);
	g_test_add_func("/device/datapath/map-prog", test_map_prog);
	g_test_add_func("/device/datapath/threads", test_threads_round_robin);
	g_test_add_func("/device/datapath/perf-drop", test_perf_drop);
	return g_test_run();
}
