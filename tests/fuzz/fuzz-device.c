/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-device.c - libFuzzer target: the QOM-free device core
 * (qemu-dev/nfpe_*.c) on the fake host of tests/device (dev-test-util.c),
 * driven by a byte stream of guest and backend operations.
 *
 * Each input starts from a device (2 ports x 2 queues, fault injection
 * capability on) just reset by CTRL_RESET - the same device across inputs,
 * for speed (a fresh fake host costs 8 MiB of guest memory and ~3 ms);
 * NFPE_FUZZ_DEVICE_FRESH=1 creates and frees a fresh one per input (use
 * it to reproduce a finding that needs no history).  Port 0 is brought up
 * with posted RX buffers, then the target runs
 * up to MAX_OPS operations decoded from the bytes (reads past the end
 * give 0):
 *   MMIO write / read  register offsets biased toward real registers
 *                      (global, MSI-X arm, port, queue) with raw values
 *   DMA memory         bytes written into guest memory (the first 128 KiB,
 *                      where the command buffer, rings and buffers are)
 *   ring set-up        base/size/tail of a queue, raw descriptors
 *   RX frame           a frame from the backend on port 0..2
 *   TX                 a descriptor on port 0's TX ring + doorbell
 *   timer tick         the clock advances, nfpe_core_timer()
 *   link               link up/down on port 0..2
 *   command            any opcode, header and payload, in the buffer
 *   LOAD_IMAGE         a valid image with byte mutations, any length
 *   map op             MAP_ALLOC/UPDATE/LOOKUP/DELETE/GETNEXT/DUMP with
 *                      small ids, keys and values; ATTACH/UNLOAD
 * Addresses come from a selector: guest memory, its last bytes, 0, or
 * raw 64-bit values (outside guest memory: the fake's DMA fails).
 *
 * After the stream the device is reset with CTRL_RESET and must pass a
 * self-check (g_assert aborts: a finding): READY, no latched error, the
 * ECHO command returns inverted bytes, a frame is received into a posted
 * RX buffer.  Then everything is freed; LeakSanitizer checks the rest.
 */
#include "dev-test-util.h"
#include <stdlib.h>

#define MAX_OPS		256
#define HOT_SIZE	(128u * 1024)	/* guest memory the stream aims at */

struct in {
	const uint8_t *d;
	size_t n, pos;
};

static uint8_t u8(struct in *in)
{
	return in->pos < in->n ? in->d[in->pos++] : 0;
}

static uint16_t u16(struct in *in)
{
	return u8(in) | (uint16_t)u8(in) << 8;
}

static uint32_t u32(struct in *in)
{
	return u16(in) | (uint32_t)u16(in) << 16;
}

static uint64_t u64(struct in *in)
{
	return u32(in) | (uint64_t)u32(in) << 32;
}

static const uint8_t port0_mac[6] = { 0x52, 0x54, 0x00, 0xf0, 0x00, 0x00 };

static uint64_t addr(struct in *in)
{
	uint8_t sel = u8(in);

	switch (sel & 7) {
	case 0: return 0;
	case 1: return u64(in);
	case 2: return GUEST_BASE + GUEST_SIZE - (u8(in) & 63);
	case 3: return 0xfffffffffffff000ull + (u16(in) & 4095);
	default:
		return GUEST_BASE + (u32(in) % HOT_SIZE);
	}
}

static uint32_t val(struct in *in)
{
	uint8_t sel = u8(in);

	switch (sel & 7) {
	case 0: return 0;
	case 1: return 1;
	case 2: return 0xffffffffu;
	case 3: return 1u << (u8(in) & 31);
	case 4: return u16(in) % 4097;
	default: return u32(in);
	}
}

static uint64_t reg(struct in *in)
{
	uint8_t sel = u8(in);
	unsigned p = (sel >> 3) % (NFPE_MAX_PORTS + 1);
	unsigned q = (sel >> 6) % (NFPE_MAX_QUEUES + 1);

	switch (sel & 7) {
	case 0:
	case 1: return u8(in) % 0x50 & ~3u;
	case 2: return NFPE_REG_VEC_ARM(u8(in) % 70);
	case 3: return NFPE_PORT_BASE(p) + (u8(in) % 0x20 & ~3u);
	case 4:
	case 5: return NFPE_QUEUE_BASE(p, q) + (u8(in) % 0x40 & ~3u);
	default: return u32(in) % 0x10400;
	}
}

/* Write a command (header + payload from the stream) and ring it. */
static void raw_cmd(struct fake *f, struct in *in, uint16_t op,
		    const uint8_t *fixed, uint32_t fixed_len)
{
	uint8_t *b = gptr(f, f->cmd_buf);
	uint8_t flags = u8(in);
	uint32_t len = u16(in) % 600, i;
	uint64_t buf = f->cmd_buf;

	if (flags & 1)
		buf = addr(in);
	for (i = 0; i < len && 32 + i < CMD_BUF_LEN; i++)
		b[32 + i] = u8(in);
	if (fixed_len)
		memcpy(b + 32, fixed, fixed_len);
	len = MAX(len, fixed_len);
	memset(b, 0, 32);
	nfpe_st16(b, op);
	nfpe_st32(b + 4, (flags & 2) ? u32(in) : 32 + len);
	nfpe_st32(b + 8, ++f->seq);
	if (flags & 4)
		nfpe_st16(b + 2, u16(in));
	wr(f, NFPE_REG_CMD_ADDR_LO, (uint32_t)buf);
	wr(f, NFPE_REG_CMD_ADDR_HI, (uint32_t)(buf >> 32));
	wr(f, NFPE_REG_CMD_BUF_LEN, (flags & 8) ? val(in) : CMD_BUF_LEN);
	wr(f, NFPE_REG_CMD_DOORBELL, (flags & 16) ? u32(in) : f->seq);
}

static void op_load(struct fake *f, struct in *in, const GByteArray *good)
{
	uint64_t a = GUEST_BASE + 0x18000;
	uint8_t *img = gptr(f, a), req[16];
	unsigned nmut = u8(in) & 7, i;
	uint32_t len = good->len;

	memcpy(img, good->data, good->len);
	for (i = 0; i < nmut; i++) {
		uint16_t off = u16(in) % good->len;

		img[off] = u8(in);
	}
	if (u8(in) & 1)
		len = val(in);
	nfpe_st64(req, a);
	nfpe_st32(req + 8, len);
	nfpe_st32(req + 12, 0);
	raw_cmd(f, in, NFPE_CMD_LOAD_IMAGE, req, sizeof(req));
}

static void op_map(struct fake *f, struct in *in)
{
	static const uint16_t ops[] = {
		NFPE_CMD_MAP_ALLOC, NFPE_CMD_MAP_UPDATE, NFPE_CMD_MAP_LOOKUP,
		NFPE_CMD_MAP_DELETE, NFPE_CMD_MAP_GETNEXT, NFPE_CMD_MAP_DUMP,
		NFPE_CMD_MAP_FREE, NFPE_CMD_ATTACH, NFPE_CMD_UNLOAD,
		NFPE_CMD_PROG_STATS, NFPE_CMD_STATS, NFPE_CMD_ECHO,
	};
	uint16_t op = ops[u8(in) % G_N_ELEMENTS(ops)];
	uint8_t req[64];
	unsigned i;

	memset(req, 0, sizeof(req));
	switch (op) {
	case NFPE_CMD_MAP_ALLOC:
		nfpe_st32(req, u8(in) % 12);		/* type */
		nfpe_st32(req + 4, u8(in) % 80);	/* key */
		nfpe_st32(req + 8, u8(in) % 80);	/* value */
		nfpe_st32(req + 12, u16(in) % 300);	/* entries */
		nfpe_st32(req + 16, (u8(in) & 1) ? u32(in) : 0);
		raw_cmd(f, in, op, req, 24);
		return;
	case NFPE_CMD_ATTACH:
		nfpe_st32(req, u8(in) % 3);
		nfpe_st32(req + 4, u8(in) % 3);
		nfpe_st32(req + 8, u8(in) % 5);
		raw_cmd(f, in, op, req, 16);
		return;
	default:
		nfpe_st32(req, u8(in) % 6);		/* map/prog id */
		nfpe_st32(req + 4, (u8(in) & 1) ? u32(in) : u8(in) % 4);
		nfpe_st32(req + 8, u8(in) % 20);	/* dump count */
		for (i = 16; i < sizeof(req); i++)	/* key, value */
			req[i] = (i < 24) ? u8(in) : (uint8_t)i;
		raw_cmd(f, in, op, req, 16 + (u8(in) % 48));
		return;
	}
}

static void op_ring(struct fake *f, struct in *in)
{
	uint8_t sel = u8(in);
	unsigned p = sel & 1, q = (sel >> 1) & 1;
	bool rxr = sel & 4;
	uint64_t base = addr(in);
	uint32_t size = (sel & 8) ? val(in) : 8u << (u8(in) % 10);
	uint32_t nq, ctrl, tail;

	if (!(sel & 16))
		base &= ~15ull;
	ring_point(f, p, q, rxr, base, size);
	if (base >= GUEST_BASE && base < GUEST_BASE + GUEST_SIZE - 256) {
		uint8_t *d = gptr(f, base);
		unsigned i, n = u8(in) & 15;

		for (i = 0; i < n; i++) {
			nfpe_st64(d + 16 * i, addr(in));
			nfpe_st16(d + 16 * i + 8, u16(in) % 2100);
			nfpe_st16(d + 16 * i + 10, u16(in));
		}
	}
	/* inputs are consumed in this order: the corpus depends on it */
	nq = u8(in) % 4;
	ctrl = val(in);
	tail = (sel & 32) ? val(in) : u8(in) % 40;
	ring_restart(f, p, q, rxr, nq, ctrl, tail);
}

static void op_rx(struct fake *f, struct in *in)
{
	uint8_t frame[2048], sel = u8(in);
	uint32_t len = (sel & 1) ? u16(in) % sizeof(frame) : u8(in);
	unsigned p = (sel >> 1) % 3, i;

	for (i = 0; i < len; i++)
		frame[i] = (sel & 8) ? u8(in) : (uint8_t)(i * 7);
	if (len >= 15 && (sel & 16)) {
		memcpy(frame, port0_mac, 6);
		frame[12] = 0x08;
		frame[13] = 0;
		frame[14] = 0x45;
	}
	if (nfpe_core_can_receive(&f->core, p % 2) || (sel & 32))
		nfpe_core_receive(&f->core, p, frame, len);
}

static void op_tx(struct fake *f, struct in *in)
{
	typeof(f->q[0][0]) *s = &f->q[0][0];
	uint32_t slot = s->tx_tail & (s->tx_size - 1);
	uint8_t *d = gptr(f, s->tx_ring + 16 * slot);
	uint16_t len = u16(in) % 2100;
	uint64_t buf = (u8(in) & 1) ? addr(in) : s->tx_buf + 2048ull * slot;

	memset(d, 0, 16);
	nfpe_st64(d, buf);
	nfpe_st16(d + 8, len);
	nfpe_st16(d + 10, u8(in) & 1 ? u16(in) : 0);
	s->tx_tail++;
	qwr(f, 0, 0, NFPE_Q_TX_TAIL, s->tx_tail);
}

static void self_check(struct fake *f)
{
	uint8_t frame[256], echo[16] = { 1, 2, 3 }, out[16];
	size_t len = mk_udp4(frame, port0_mac, 1, 2, 3, 4, 30);
	uint32_t head;

	nfpe_core_set_link(&f->core, 0, true);
	nfpe_core_set_link(&f->core, 1, true);
	wr(f, NFPE_REG_CTRL, NFPE_CTRL_RESET);
	g_assert_cmphex(rd(f, NFPE_REG_STATUS), ==, NFPE_STATUS_READY);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, 0);
	memset(f->mem, 0, HOT_SIZE + 4096);	/* a driver starts clean */
	f->brk = f->cmd_buf + CMD_BUF_LEN;
	port_up(f, 0, 1, 16, 2048, NFPE_PORT_CTRL_RX_META);
	g_assert_cmpint(cmd(f, NFPE_CMD_ECHO, echo, 16, out, 16, NULL), ==, 0);
	g_assert_cmpuint(out[0], ==, 0xfe);
	g_assert_cmpuint(out[2], ==, 0xfc);
	head = qrd(f, 0, 0, NFPE_Q_RX_HEAD);
	g_assert_cmpint(nfpe_core_receive(&f->core, 0, frame, len), ==,
			(ssize_t)len);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_HEAD), ==, head + 1);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static GByteArray *good;
	static struct fake *f;
	static int fresh = -1;
	struct in in = { data, size, 0 };
	struct nfpe_props pr;
	unsigned i;

	if (fresh < 0)
		fresh = getenv("NFPE_FUZZ_DEVICE_FRESH") != NULL;

	if (!good) {
		uint64_t prog[] = { I_IMMED(0, 2), I_IMMED(2, (uint32_t)-4),
				    I_ENG(4, 2, NFPE_ENG_ADJ_META, 0),
				    I_EXIT(0) };
		struct img_reloc rel = { 2, NFPE_RELOC_ENGINE,
					 NFPE_ENG_ADJ_META };

		good = img_build(NFPE_PROG_XDP, prog, 4, NULL, 0, &rel, 1);
	}
	if (!f || fresh) {
		nfpe_props_default(&pr);
		pr.ports = 2;
		pr.queues = 2;
		pr.fault_inject = true;
		pr.insn_budget = 2000;
		pr.map_memory = 1 << 20;
		f = fake_new(&pr);
	} else {
		/* the previous input ended with a reset + self-check */
		for (i = 0; i < NFPE_MAX_PORTS; i++)
			g_ptr_array_set_size(f->sent[i], 0);
		wr(f, NFPE_REG_CTRL, NFPE_CTRL_RESET);
		memset(f->mem, 0, HOT_SIZE + 4096);
		f->brk = f->cmd_buf + CMD_BUF_LEN;
		f->now = 0;
		f->timer = UINT64_MAX;
	}
	wr(f, NFPE_REG_CTRL, NFPE_CTRL_ENABLE);
	port_up(f, 0, 1, 16, 2048, NFPE_PORT_CTRL_RX_META);

	for (i = 0; i < MAX_OPS && in.pos < in.n; i++) {
		switch (u8(&in) % 16) {
		case 0:
		case 1: {
			uint64_t r = reg(&in);

			wr(f, r, val(&in));
			break;
		}
		case 2: {
			uint64_t r = reg(&in);

			nfpe_core_mmio_read(&f->core, r, u8(&in) % 9);
			break;
		}
		case 3: {
			uint32_t off = u32(&in) % HOT_SIZE;
			unsigned n = u8(&in), k;

			for (k = 0; k < n && off + k < GUEST_SIZE; k++)
				f->mem[off + k] = u8(&in);
			break;
		}
		case 4:
			op_ring(f, &in);
			break;
		case 5:
		case 6:
			op_rx(f, &in);
			break;
		case 7:
			op_tx(f, &in);
			break;
		case 8:
			f->now += (u8(&in) & 1) ? u32(&in) : u16(&in);
			nfpe_core_timer(&f->core);
			break;
		case 9:
			nfpe_core_set_link(&f->core, u8(&in) % 3,
					   u8(&in) & 1);
			break;
		case 10:
			raw_cmd(f, &in, u8(&in) % 16, NULL, 0);
			break;
		case 11:
			op_load(f, &in, good);
			break;
		case 12:
		case 13:
			op_map(f, &in);
			break;
		case 14:
			wr(f, NFPE_REG_FAULT_INJECT, val(&in));
			break;
		default:
			wr(f, NFPE_REG_CTRL, val(&in));
			break;
		}
	}
	self_check(f);
	if (fresh) {
		fake_free(f);
		f = NULL;
	}
	return 0;
}
