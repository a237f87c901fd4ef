/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dev-test-util.c - fake host and mini driver for the device-core tests.
 */
#include "dev-test-util.h"
#include <stdio.h>

static bool in_guest(uint64_t addr, size_t len)
{
	return addr >= GUEST_BASE && len <= GUEST_SIZE &&
	       addr - GUEST_BASE <= GUEST_SIZE - len;
}

static bool f_dma_read(void *opaque, uint64_t addr, void *buf, size_t len)
{
	struct fake *f = opaque;

	if (!in_guest(addr, len))
		return false;
	f->dma_reads++;
	memcpy(buf, f->mem + (addr - GUEST_BASE), len);
	return true;
}

static bool f_dma_write(void *opaque, uint64_t addr, const void *buf,
			size_t len)
{
	struct fake *f = opaque;

	if (!in_guest(addr, len))
		return false;
	f->dma_writes++;
	memcpy(f->mem + (addr - GUEST_BASE), buf, len);
	return true;
}

static void f_msix(void *opaque, unsigned vector)
{
	struct fake *f = opaque;

	g_assert_cmpuint(vector, <, NFPE_MSIX_VECTORS);
	f->irqs[vector]++;
}

static void f_send(void *opaque, unsigned port, const uint8_t *buf,
		   size_t len)
{
	struct fake *f = opaque;
	GByteArray *b = g_byte_array_sized_new(len);

	g_assert_cmpuint(port, <, NFPE_MAX_PORTS);
	g_byte_array_append(b, buf, len);
	g_ptr_array_add(f->sent[port], b);
}

static void f_flush(void *opaque, unsigned port)
{
	struct fake *f = opaque;

	f->flushes[port]++;
}

static uint64_t f_clock(void *opaque)
{
	return ((struct fake *)opaque)->now;
}

static void f_timer(void *opaque, uint64_t deadline)
{
	((struct fake *)opaque)->timer = deadline;
}

static void f_log(void *opaque, const char *fmt, va_list ap)
{
	struct fake *f = opaque;

	f->logs++;
	if (g_getenv("NFPE_TEST_LOG"))
		vfprintf(stderr, fmt, ap);
}

const struct nfpe_core_ops fake_ops = {
	.dma_read = f_dma_read,
	.dma_write = f_dma_write,
	.msix_notify = f_msix,
	.net_send = f_send,
	.net_flush = f_flush,
	.clock_ns = f_clock,
	.timer_mod = f_timer,
	.log_guest_error = f_log,
};

struct fake *fake_new(const struct nfpe_props *props)
{
	struct fake *f = g_new0(struct fake, 1);
	struct nfpe_props def;
	char *err = NULL;
	unsigned i;

	if (!props) {
		nfpe_props_default(&def);
		props = &def;
	}
#ifdef NFPE_TEST_ENGINE_X86
	/* the -x86 builds: every device runs its programs translated */
	if (props != &def) {
		def = *props;
		props = &def;
	}
	def.exec = NFPE_EXEC_X86;
#endif
	f->mem = g_malloc0(GUEST_SIZE);
	f->brk = GUEST_BASE + 4096;
	f->timer = UINT64_MAX;
	for (i = 0; i < NFPE_MAX_PORTS; i++)
		f->sent[i] = g_ptr_array_new_with_free_func(
			(GDestroyNotify)g_byte_array_unref);
	if (!nfpe_core_init(&f->core, props, &fake_ops, f, &err))
		g_error("nfpe_core_init: %s", err);
	for (i = 0; i < props->ports; i++)
		nfpe_core_set_link(&f->core, i, true);
	f->cmd_buf = galloc(f, CMD_BUF_LEN, 64);
	return f;
}

void fake_free(struct fake *f)
{
	unsigned i;

	nfpe_core_fini(&f->core);
	for (i = 0; i < NFPE_MAX_PORTS; i++)
		g_ptr_array_unref(f->sent[i]);
	g_free(f->mem);
	g_free(f);
}

uint64_t galloc(struct fake *f, uint32_t size, uint32_t align)
{
	uint64_t a = (f->brk + align - 1) & ~(uint64_t)(align - 1);

	g_assert(a + size <= GUEST_BASE + GUEST_SIZE);
	f->brk = a + size;
	memset(gptr(f, a), 0, size);
	return a;
}

uint8_t *gptr(struct fake *f, uint64_t addr)
{
	g_assert(in_guest(addr, 1));
	return f->mem + (addr - GUEST_BASE);
}

uint32_t rd(struct fake *f, uint64_t addr)
{
	return (uint32_t)nfpe_core_mmio_read(&f->core, addr, 4);
}

void wr(struct fake *f, uint64_t addr, uint32_t val)
{
	nfpe_core_mmio_write(&f->core, addr, val, 4);
}

uint32_t qrd(struct fake *f, unsigned p, unsigned q, uint32_t off)
{
	return rd(f, NFPE_QUEUE_BASE(p, q) + off);
}

void qwr(struct fake *f, unsigned p, unsigned q, uint32_t off, uint32_t val)
{
	wr(f, NFPE_QUEUE_BASE(p, q) + off, val);
}

void ring_point(struct fake *f, unsigned p, unsigned q, bool rx,
		uint64_t base, uint32_t size)
{
	wr(f, NFPE_PORT_BASE(p) + NFPE_PORT_CTRL, 0);
	qwr(f, p, q, rx ? NFPE_Q_RX_BASE_LO : NFPE_Q_TX_BASE_LO,
	    (uint32_t)base);
	qwr(f, p, q, rx ? NFPE_Q_RX_BASE_HI : NFPE_Q_TX_BASE_HI,
	    (uint32_t)(base >> 32));
	qwr(f, p, q, rx ? NFPE_Q_RX_SIZE : NFPE_Q_TX_SIZE, size);
}

void ring_restart(struct fake *f, unsigned p, unsigned q, bool rx,
		  uint32_t nq, uint32_t ctrl, uint32_t tail)
{
	wr(f, NFPE_PORT_BASE(p) + NFPE_PORT_NUM_QUEUES, nq);
	wr(f, NFPE_PORT_BASE(p) + NFPE_PORT_CTRL, ctrl | NFPE_PORT_CTRL_ENABLE);
	qwr(f, p, q, rx ? NFPE_Q_RX_TAIL : NFPE_Q_TX_TAIL, tail);
}

unsigned tx_vec(unsigned p, unsigned q)
{
	return 1 + 2 * (p * NFPE_MAX_QUEUES + q);
}

unsigned rx_vec(unsigned p, unsigned q)
{
	return 2 + 2 * (p * NFPE_MAX_QUEUES + q);
}

static void post_rx(struct fake *f, unsigned p, unsigned q, uint32_t idx)
{
	uint32_t slot = idx & (f->q[p][q].rx_size - 1);
	uint8_t *d = gptr(f, f->q[p][q].rx_ring + 16 * slot);

	memset(d, 0, 16);
	nfpe_st64(d, f->q[p][q].rx_buf + (uint64_t)slot * f->q[p][q].buf_len);
	nfpe_st16(d + 8, f->q[p][q].buf_len);
}

void port_up(struct fake *f, unsigned p, unsigned nq, uint32_t ring,
	     uint32_t buf_len, uint32_t extra_ctrl)
{
	unsigned q;
	uint32_t i;

	wr(f, NFPE_REG_CTRL, NFPE_CTRL_ENABLE);
	wr(f, NFPE_PORT_BASE(p) + NFPE_PORT_NUM_QUEUES, nq);
	for (q = 0; q < nq; q++) {
		typeof(f->q[0][0]) *s = &f->q[p][q];

		s->tx_size = s->rx_size = ring;
		s->buf_len = buf_len;
		s->tx_ring = galloc(f, 16 * ring, 16);
		s->rx_ring = galloc(f, 16 * ring, 16);
		s->tx_buf = galloc(f, ring * 2048, 64);
		s->rx_buf = galloc(f, ring * buf_len, 64);
		qwr(f, p, q, NFPE_Q_TX_BASE_LO, (uint32_t)s->tx_ring);
		qwr(f, p, q, NFPE_Q_TX_BASE_HI, (uint32_t)(s->tx_ring >> 32));
		qwr(f, p, q, NFPE_Q_TX_SIZE, ring);
		qwr(f, p, q, NFPE_Q_RX_BASE_LO, (uint32_t)s->rx_ring);
		qwr(f, p, q, NFPE_Q_RX_BASE_HI, (uint32_t)(s->rx_ring >> 32));
		qwr(f, p, q, NFPE_Q_RX_SIZE, ring);
		qwr(f, p, q, NFPE_Q_TX_VECTOR, tx_vec(p, q));
		qwr(f, p, q, NFPE_Q_RX_VECTOR, rx_vec(p, q));
		for (i = 0; i < ring; i++)
			post_rx(f, p, q, i);
		s->rx_tail = ring;
		s->tx_tail = 0;
		qwr(f, p, q, NFPE_Q_RX_TAIL, ring);
	}
	wr(f, NFPE_PORT_BASE(p) + NFPE_PORT_CTRL,
	   NFPE_PORT_CTRL_ENABLE | extra_ctrl);
	g_assert_cmphex(rd(f, NFPE_PORT_BASE(p) + NFPE_PORT_CTRL) &
			NFPE_PORT_CTRL_ENABLE, ==, NFPE_PORT_CTRL_ENABLE);
}

void rx_refill(struct fake *f, unsigned p, unsigned q)
{
	uint32_t head = qrd(f, p, q, NFPE_Q_RX_HEAD);
	typeof(f->q[0][0]) *s = &f->q[p][q];

	while (s->rx_tail - head < s->rx_size) {
		post_rx(f, p, q, s->rx_tail);
		s->rx_tail++;
	}
	qwr(f, p, q, NFPE_Q_RX_TAIL, s->rx_tail);
}

void rx_desc(struct fake *f, unsigned p, unsigned q, uint32_t idx,
	     uint16_t *data_len, uint8_t *meta_len, uint8_t *flags,
	     uint8_t **buf)
{
	typeof(f->q[0][0]) *s = &f->q[p][q];
	uint8_t *d = gptr(f, s->rx_ring + 16 * (idx & (s->rx_size - 1)));

	*data_len = nfpe_ld16(d + 10);
	*meta_len = d[12];
	*flags = d[13];
	if (buf)
		*buf = gptr(f, nfpe_ld64(d));
}

void tx_frame(struct fake *f, unsigned p, unsigned q, const void *frame,
	      uint16_t len)
{
	typeof(f->q[0][0]) *s = &f->q[p][q];
	uint32_t slot = s->tx_tail & (s->tx_size - 1);
	uint8_t *d = gptr(f, s->tx_ring + 16 * slot);
	uint64_t buf = s->tx_buf + 2048ull * slot;

	memcpy(gptr(f, buf), frame, MIN(len, 2048));
	memset(d, 0, 16);
	nfpe_st64(d, buf);
	nfpe_st16(d + 8, len);
	s->tx_tail++;
	qwr(f, p, q, NFPE_Q_TX_TAIL, s->tx_tail);
}

uint16_t tx_flags(struct fake *f, unsigned p, unsigned q, uint32_t idx)
{
	typeof(f->q[0][0]) *s = &f->q[p][q];

	return nfpe_ld16(gptr(f, s->tx_ring + 16 * (idx & (s->tx_size - 1)) +
			      10));
}

int cmd(struct fake *f, uint16_t op, const void *req, uint32_t req_len,
	void *rsp, uint32_t rsp_cap, uint32_t *rsp_len)
{
	uint8_t *b = gptr(f, f->cmd_buf);
	uint32_t seq = ++f->seq, rl;

	g_assert_cmpuint(req_len + 32, <=, CMD_BUF_LEN);
	memset(b, 0xa5, CMD_BUF_LEN);
	memset(b, 0, 32);
	nfpe_st16(b, op);
	nfpe_st32(b + 4, 32 + req_len);
	nfpe_st32(b + 8, seq);
	if (req_len)
		memcpy(b + 32, req, req_len);
	wr(f, NFPE_REG_CMD_ADDR_LO, (uint32_t)f->cmd_buf);
	wr(f, NFPE_REG_CMD_ADDR_HI, (uint32_t)(f->cmd_buf >> 32));
	wr(f, NFPE_REG_CMD_BUF_LEN, CMD_BUF_LEN);
	wr(f, NFPE_REG_CMD_DOORBELL, seq);
	g_assert_cmpuint(rd(f, NFPE_REG_CMD_DONE), ==, seq);
	rl = nfpe_ld32(b + 16);
	g_assert_cmpuint(rl, <=, CMD_BUF_LEN - 32);
	if (rsp_len)
		*rsp_len = rl;
	if (rsp)
		memcpy(rsp, b + 32, MIN(rl, rsp_cap));
	return (int32_t)nfpe_ld32(b + 12);
}

uint64_t stat_port(struct fake *f, unsigned p, unsigned counter)
{
	static uint8_t r[CMD_BUF_LEN];
	uint32_t len, nd, np;

	g_assert_cmpint(cmd(f, NFPE_CMD_STATS, NULL, 0, r, sizeof(r), &len),
			==, 0);
	np = nfpe_ld32(r + 4);
	nd = nfpe_ld32(r + 8);
	g_assert_cmpuint(np, ==, NFPE_PC_NUM);
	g_assert_cmpuint(nd, ==, NFPE_DC_NUM);
	return nfpe_ld64(r + 16 + 8 * (nd + p * np + counter));
}

uint64_t stat_dev(struct fake *f, unsigned counter)
{
	static uint8_t r[CMD_BUF_LEN];
	uint32_t len;

	g_assert_cmpint(cmd(f, NFPE_CMD_STATS, NULL, 0, r, sizeof(r), &len),
			==, 0);
	return nfpe_ld64(r + 16 + 8 * counter);
}

GByteArray *img_build(uint32_t prog_type, const uint64_t *code, uint32_t n,
		      const struct img_map *maps, uint32_t n_maps,
		      const struct img_reloc *relocs, uint32_t n_relocs)
{
	uint32_t code_off = 80, entry_off = code_off + 8 * n;
	uint32_t map_off = entry_off + 8, reloc_off = map_off + 24 * n_maps;
	uint32_t total = reloc_off + 12 * n_relocs, i;
	GByteArray *g = g_byte_array_sized_new(total);
	uint8_t *b;

	g_byte_array_set_size(g, total);
	b = g->data;
	memset(b, 0, total);
	nfpe_st32(b, NFPE_IMAGE_MAGIC);
	nfpe_st16(b + 4, NFPE_IMAGE_ABI_MAJOR);
	nfpe_st16(b + 6, NFPE_IMAGE_ABI_MINOR);
	nfpe_st32(b + 8, 80);
	nfpe_st32(b + 12, total);
	nfpe_st32(b + 16, prog_type);
	nfpe_st32(b + 24, 0);		/* stack */
	nfpe_st32(b + 28, n);
	nfpe_st32(b + 32, code_off);
	nfpe_st32(b + 36, 1);
	nfpe_st32(b + 40, entry_off);
	nfpe_st32(b + 44, n_maps);
	nfpe_st32(b + 48, map_off);
	nfpe_st32(b + 52, n_relocs);
	nfpe_st32(b + 56, reloc_off);
	memcpy(b + 64, "devtest", 7);
	for (i = 0; i < n; i++)
		nfpe_st64(b + code_off + 8 * i, code[i]);
	nfpe_st32(b + entry_off, 0);
	nfpe_st32(b + entry_off + 4, NFPE_ENTRY_MAIN);
	for (i = 0; i < n_maps; i++) {
		uint8_t *m = b + map_off + 24 * i;

		nfpe_st32(m, maps[i].map_id);
		nfpe_st32(m + 4, maps[i].type);
		nfpe_st32(m + 8, maps[i].key_size);
		nfpe_st32(m + 12, maps[i].value_size);
		nfpe_st32(m + 16, maps[i].max_entries);
		nfpe_st32(m + 20, maps[i].flags);
	}
	for (i = 0; i < n_relocs; i++) {
		uint8_t *r = b + reloc_off + 12 * i;

		nfpe_st32(r, relocs[i].insn);
		nfpe_st32(r + 4, relocs[i].kind);
		nfpe_st32(r + 8, relocs[i].value);
	}
	return g;
}

int img_load(struct fake *f, GByteArray *img, uint32_t *prog_id,
	     uint32_t *err_reason)
{
	uint64_t a = galloc(f, img->len, 8);
	uint8_t req[16], rsp[16];
	uint32_t rl;
	int r;

	memcpy(gptr(f, a), img->data, img->len);
	nfpe_st64(req, a);
	nfpe_st32(req + 8, img->len);
	nfpe_st32(req + 12, 0);
	r = cmd(f, NFPE_CMD_LOAD_IMAGE, req, sizeof(req), rsp, sizeof(rsp),
		&rl);
	g_assert_cmpuint(rl, ==, 16);
	if (prog_id)
		*prog_id = nfpe_ld32(rsp);
	if (err_reason)
		*err_reason = nfpe_ld32(rsp + 12);
	return r;
}

int attach(struct fake *f, unsigned p, unsigned hook, uint32_t prog_id)
{
	uint8_t req[16];

	nfpe_st32(req, p);
	nfpe_st32(req + 4, hook);
	nfpe_st32(req + 8, prog_id);
	nfpe_st32(req + 12, 0);
	return cmd(f, NFPE_CMD_ATTACH, req, sizeof(req), NULL, 0, NULL);
}

uint32_t simple_prog(struct fake *f, unsigned p, unsigned hook,
		     uint32_t verdict)
{
	uint64_t code[] = { I_IMMED(0, verdict), I_EXIT(0) };
	GByteArray *g = img_build(hook == NFPE_HOOK_XDP ? NFPE_PROG_XDP :
				  NFPE_PROG_TC, code, 2, NULL, 0, NULL, 0);
	uint32_t id = 0;

	g_assert_cmpint(img_load(f, g, &id, NULL), ==, 0);
	g_assert_cmpuint(id, !=, 0);
	g_assert_cmpint(attach(f, p, hook, id), ==, 0);
	g_byte_array_unref(g);
	return id;
}

size_t mk_udp4(uint8_t *b, const uint8_t *dst_mac, uint32_t saddr,
	       uint32_t daddr, uint16_t sport, uint16_t dport, size_t payload)
{
	static const uint8_t src_mac[6] = { 0x02, 0, 0, 0, 0, 0x99 };
	size_t ip_len = 20 + 8 + payload, i;

	memcpy(b, dst_mac, 6);
	memcpy(b + 6, src_mac, 6);
	b[12] = 0x08;
	b[13] = 0x00;
	memset(b + 14, 0, 20);
	b[14] = 0x45;
	b[16] = ip_len >> 8;
	b[17] = ip_len;
	b[22] = 64;
	b[23] = 17;
	b[26] = saddr >> 24; b[27] = saddr >> 16; b[28] = saddr >> 8;
	b[29] = saddr;
	b[30] = daddr >> 24; b[31] = daddr >> 16; b[32] = daddr >> 8;
	b[33] = daddr;
	b[34] = sport >> 8; b[35] = sport;
	b[36] = dport >> 8; b[37] = dport;
	b[38] = (8 + payload) >> 8; b[39] = 8 + payload;
	b[40] = b[41] = 0;
	for (i = 0; i < payload; i++)
		b[42 + i] = (uint8_t)i;
	return 42 + payload;
}
