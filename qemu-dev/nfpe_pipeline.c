/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpe_pipeline.c - the receive pipeline of a port:
 *
 *   frame from the backend
 *     -> length and MAC filter checks
 *     -> next hardware thread (round robin over cores x threads)
 *     -> XDP program:   DROP | PASS | TX (out of the same port) | ABORTED
 *     -> cls_bpf direct-action program: SHOT drops, OK/UNSPEC pass, ...
 *     -> RSS hash (Toeplitz) selects the RX queue
 *     -> metadata (chained type nibbles) + frame DMA'd to the host
 *
 * docs/device.md "Receive pipeline" has the verdict table.
 */
#include "nfpe_core.h"

/* XDP actions and TC actions (Linux uapi numbering). */
enum {
	NFPE_XDP_ABORTED = 0,
	NFPE_XDP_DROP = 1,
	NFPE_XDP_PASS = 2,
	NFPE_XDP_TX = 3,
	NFPE_XDP_REDIRECT = 4,
};

#define NFPE_TC_ACT_UNSPEC	0xffffffffu	/* -1 */
#define NFPE_TC_ACT_OK		0
#define NFPE_TC_ACT_RECLASSIFY	1
#define NFPE_TC_ACT_SHOT	2
#define NFPE_TC_ACT_PIPE	3
#define NFPE_TC_ACT_STOLEN	4
#define NFPE_TC_ACT_QUEUED	5
#define NFPE_TC_ACT_REPEAT	6
#define NFPE_TC_ACT_REDIRECT	7
#define NFPE_TC_ACT_TRAP	8

/* Linux PACKET_* values for the PKT_TYPE CSR. */
#define NFPE_PACKET_HOST	0
#define NFPE_PACKET_BROADCAST	1
#define NFPE_PACKET_MULTICAST	2
#define NFPE_PACKET_OTHERHOST	3

/* ---- RSS ---------------------------------------------------------- */

/* The well-known default Toeplitz key (Microsoft RSS specification). */
const uint8_t nfpe_rss_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

uint32_t nfpe_toeplitz(const uint8_t *key, size_t key_len,
		       const uint8_t *data, size_t len)
{
	uint32_t hash = 0, win;
	size_t i, kbit = 32;
	int b;

	if (key_len < 4)
		return 0;
	win = (uint32_t)key[0] << 24 | key[1] << 16 | key[2] << 8 | key[3];
	for (i = 0; i < len; i++) {
		for (b = 7; b >= 0; b--) {
			uint32_t next = 0;

			if (data[i] & (1u << b))
				hash ^= win;
			if (kbit / 8 < key_len)
				next = (key[kbit / 8] >> (7 - kbit % 8)) & 1;
			kbit++;
			win = win << 1 | next;
		}
	}
	return hash;
}

/*
 * Table-driven Toeplitz for the fixed key: entry [i][v] is the hash
 * contribution of byte value v at input position i (36 bytes cover the
 * longest input, IPv6 addresses + ports).  Built once; equal to
 * nfpe_toeplitz() bit for bit (tested).
 */
#define NFPE_RSS_MAX_IN	36
static uint32_t nfpe_rss_tab[NFPE_RSS_MAX_IN][256];

static uint32_t nfpe_key_window(const uint8_t *key, size_t key_len,
				size_t bit)
{
	uint32_t w = 0;
	unsigned j;

	for (j = 0; j < 32; j++) {
		size_t k = bit + j;
		uint32_t b = k / 8 < key_len ? (key[k / 8] >> (7 - k % 8)) & 1
					     : 0;

		w = w << 1 | b;
	}
	return w;
}

static void nfpe_rss_tab_init(void)
{
	static gsize done;

	if (g_once_init_enter(&done)) {
		unsigned i, v, b;

		for (i = 0; i < NFPE_RSS_MAX_IN; i++) {
			uint32_t win[8];

			for (b = 0; b < 8; b++)
				win[b] = nfpe_key_window(nfpe_rss_key,
							 sizeof(nfpe_rss_key),
							 8 * i + b);
			for (v = 0; v < 256; v++) {
				uint32_t h = 0;

				for (b = 0; b < 8; b++) {
					if (v & (0x80u >> b))
						h ^= win[b];
				}
				nfpe_rss_tab[i][v] = h;
			}
		}
		g_once_init_leave(&done, 1);
	}
}

static uint32_t nfpe_rss_fast(const uint8_t *in, size_t n)
{
	uint32_t h = 0;
	size_t i;

	for (i = 0; i < n; i++)
		h ^= nfpe_rss_tab[i][in[i]];
	return h;
}

/*
 * Hash over src/dst address and, for unfragmented TCP/UDP, src/dst
 * port, in that order (the Toeplitz input the RSS specification uses).
 */
uint32_t nfpe_rss_hash(const uint8_t *f, size_t len, uint32_t *type)
{
	uint8_t in[36];
	size_t n = 0, l4 = 0;
	uint16_t et;
	uint8_t proto = 0;
	size_t off = 14;

	*type = NFPE_HASH_TYPE_NONE;
	if (len < 14)
		return 0;
	et = (uint16_t)(f[12] << 8 | f[13]);
	if (et == 0x8100 && len >= 18) {	/* one VLAN tag */
		et = (uint16_t)(f[16] << 8 | f[17]);
		off = 18;
	}
	if (et == 0x0800) {
		size_t ihl;

		if (len < off + 20 || (f[off] >> 4) != 4)
			return 0;
		ihl = (size_t)(f[off] & 0xf) * 4;
		if (ihl < 20 || len < off + ihl)
			return 0;
		memcpy(in, f + off + 12, 8);
		n = 8;
		proto = f[off + 9];
		/* fragments: addresses only */
		if ((f[off + 6] & 0x3f) || f[off + 7])
			proto = 0;
		l4 = off + ihl;
	} else if (et == 0x86dd) {
		if (len < off + 40 || (f[off] >> 4) != 6)
			return 0;
		memcpy(in, f + off + 8, 32);
		n = 32;
		proto = f[off + 6];
		l4 = off + 40;
	} else {
		return 0;
	}
	*type = NFPE_HASH_TYPE_L3;
	if ((proto == 6 || proto == 17) && len >= l4 + 4) {
		memcpy(in + n, f + l4, 4);
		n += 4;
		*type = NFPE_HASH_TYPE_L4;
	}
	nfpe_rss_tab_init();
	return nfpe_rss_fast(in, n);
}

/* ---- Metadata ----------------------------------------------------- */

uint32_t nfpe_meta_build(uint8_t *out, bool have_hash, uint32_t hash,
			 uint32_t hash_type, bool have_mark, uint32_t mark,
			 uint32_t port, const uint8_t *xdp_meta,
			 uint32_t xdp_meta_len)
{
	uint32_t types = 0, shift = 0, off = 4;

	if (have_hash) {
		types |= NFPE_META_HASH << shift;
		shift += NFPE_META_TYPE_BITS;
		nfpe_st32(out + off, hash);
		nfpe_st32(out + off + 4, hash_type);
		off += 8;
	}
	if (have_mark) {
		types |= NFPE_META_MARK << shift;
		shift += NFPE_META_TYPE_BITS;
		nfpe_st32(out + off, mark);
		off += 4;
	}
	types |= NFPE_META_PORT << shift;
	shift += NFPE_META_TYPE_BITS;
	nfpe_st32(out + off, port);
	off += 4;
	if (xdp_meta_len) {
		types |= NFPE_META_XDP << shift;
		nfpe_st32(out + off, xdp_meta_len);
		off += 4;
		memcpy(out + off, xdp_meta, xdp_meta_len);
		off += xdp_meta_len;
	}
	nfpe_st32(out, types);
	return off;
}

/* ---- Running programs --------------------------------------------- */

static struct nfpe_core_thread *nfpe_next_thread(struct nfpe_core *core)
{
	struct nfpe_core_thread *ct = &core->threads[core->next_thread];

	core->next_thread++;
	if (core->next_thread >= core->n_threads)
		core->next_thread = 0;
	ct->packets++;
	return ct;
}

/* Packet bounds after a program: sane, or the program faulted. */
static bool nfpe_pkt_bounds(const struct nfpe_thread *t, uint32_t *data,
			    uint32_t *end, uint32_t *meta)
{
	*data = t->csr[NFPE_CSR_PKT_DATA];
	*end = t->csr[NFPE_CSR_PKT_END];
	*meta = t->csr[NFPE_CSR_PKT_META];
	return *meta <= *data && *data <= *end && *end <= NFPE_PKT_SIZE &&
	       *data - *meta <= NFPE_META_XDP_MAX && *end - *data >= 14;
}

/* Returns false if the program faulted (counted). */
static bool nfpe_run_hook(struct nfpe_core *core, unsigned p,
			  struct nfpe_loaded_prog *lp, struct nfpe_thread *t,
			  uint32_t *ret)
{
	struct nfpe_port *port = &core->port[p];
	struct nfpe_run_result res;

	memset(&res, 0, sizeof(res));
	t->csr[NFPE_CSR_CYCLES] = 0;
	nfpe_run(lp->prog, &core->env, t, &res);
	port->cnt[NFPE_PC_PROG_INSNS] += res.insns;
	port->cnt[NFPE_PC_PROG_CYCLES] += res.cycles;
	trace_nfpe_prog_run(p, lp->id, res.status, res.ret, res.insns,
			    res.cycles);
	if (res.status != NFPE_RUN_OK) {
		port->cnt[NFPE_PC_PROG_ERRORS]++;
		nfpe_core_log(core, "nfp-ebpf: port %u program %u %s at insn "
			      "%u (addr 0x%x)\n", p, lp->id,
			      res.status == NFPE_RUN_BUDGET ?
			      "ran out of its instruction budget" : "faulted",
			      res.fault_pc, res.fault_addr);
		return false;
	}
	*ret = res.ret;
	return true;
}

static uint32_t nfpe_pkt_type(const struct nfpe_core *core, unsigned p,
			      const uint8_t *f)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (!memcmp(f, bcast, 6))
		return NFPE_PACKET_BROADCAST;
	if (f[0] & 1)
		return NFPE_PACKET_MULTICAST;
	if (!memcmp(f, core->props.mac[p], 6))
		return NFPE_PACKET_HOST;
	return NFPE_PACKET_OTHERHOST;
}

static void nfpe_xdp_tx(struct nfpe_core *core, unsigned p,
			const uint8_t *frame, uint32_t len)
{
	struct nfpe_port *port = &core->port[p];

	if (!port->link_up || len > port->mtu + 18u) {
		port->cnt[NFPE_PC_TX_ERRORS]++;
		return;
	}
	trace_nfpe_xdp_tx(p, len);
	core->ops->net_send(core->opaque, p, frame, len);
	port->cnt[NFPE_PC_TX_PACKETS]++;
	port->cnt[NFPE_PC_TX_BYTES] += len;
}

ssize_t nfpe_pipeline_receive(struct nfpe_core *core, unsigned p,
			      const uint8_t *buf, size_t len)
{
	struct nfpe_port *port;
	struct nfpe_loaded_prog *xdp, *tc;
	struct nfpe_thread *t = NULL;
	const uint8_t *frame = buf, *xmeta = NULL;
	uint32_t flen = (uint32_t)len, xmeta_len = 0;
	uint32_t hash = 0, htype = NFPE_HASH_TYPE_NONE, queue = 0;
	uint32_t mark = 0, meta_len = 0, ret;
	uint8_t meta[NFPE_META_BUF];
	unsigned q;

	if (p >= core->props.ports)
		return -1;
	port = &core->port[p];
	if (!nfpe_port_running(core, p))
		return 0;

	if (len < 14 || len > port->mtu + 18u || len > core->frame_buf_len) {
		port->cnt[NFPE_PC_RX_TOO_LONG]++;
		trace_nfpe_rx_drop(p, "length", (uint32_t)len);
		return len;
	}
	if (!(port->ctrl & NFPE_PORT_CTRL_PROMISC) &&
	    nfpe_pkt_type(core, p, buf) == NFPE_PACKET_OTHERHOST) {
		trace_nfpe_rx_drop(p, "mac filter", (uint32_t)len);
		return len;
	}
	/* Take the packet only when every active queue has a buffer, so a
	 * packet the programs have seen is never put back. */
	for (q = 0; q < port->num_queues; q++) {
		if (!nfpe_rings_rx_avail(core, p, q)) {
			trace_nfpe_rx_no_buf(p, q);
			return 0;
		}
	}

	xdp = __atomic_load_n(&port->hook[NFPE_HOOK_XDP], __ATOMIC_ACQUIRE);
	tc = __atomic_load_n(&port->hook[NFPE_HOOK_TC], __ATOMIC_ACQUIRE);

	if (xdp || tc) {
		struct nfpe_core_thread *ct = nfpe_next_thread(core);
		uint32_t pre_type;
		uint32_t pre = nfpe_rss_hash(buf, len, &pre_type);

		t = &ct->t;
		if (nfpe_pkt_setup(t, &core->caps, buf, flen, p) != 0) {
			port->cnt[NFPE_PC_RX_TOO_LONG]++;
			return len;
		}
		t->csr[NFPE_CSR_QUEUE] = pre % port->num_queues;
		t->csr[NFPE_CSR_IFINDEX] = port->ifindex;
		t->csr[NFPE_CSR_HASH] = pre;
		t->csr[NFPE_CSR_MARK] = 0;
		t->csr[NFPE_CSR_PRIORITY] = 0;
		t->csr[NFPE_CSR_TC_INDEX] = 0;
		t->csr[NFPE_CSR_PKT_TYPE] = nfpe_pkt_type(core, p, buf);
		t->csr[NFPE_CSR_THREAD] = t->core << 8 | t->thread;
	}

	if (xdp) {
		uint32_t d, e, m;

		if (!nfpe_run_hook(core, p, xdp, t, &ret) ||
		    !nfpe_pkt_bounds(t, &d, &e, &m)) {
			port->cnt[NFPE_PC_XDP_ABORTED]++;
			return len;
		}
		switch (ret) {
		case NFPE_XDP_DROP:
			port->cnt[NFPE_PC_XDP_DROP]++;
			return len;
		case NFPE_XDP_PASS:
			port->cnt[NFPE_PC_XDP_PASS]++;
			break;
		case NFPE_XDP_TX:
			port->cnt[NFPE_PC_XDP_TX]++;
			nfpe_xdp_tx(core, p, t->pkt + d, e - d);
			return len;
		default:	/* ABORTED, REDIRECT (not offloadable), junk */
			port->cnt[NFPE_PC_XDP_ABORTED]++;
			return len;
		}
		frame = t->pkt + d;
		flen = e - d;
		xmeta = t->pkt + m;
		xmeta_len = d - m;
	}

	if (tc) {
		uint32_t d, e, m;

		t->csr[NFPE_CSR_PKT_LEN] =
			t->csr[NFPE_CSR_PKT_END] - t->csr[NFPE_CSR_PKT_DATA];
		if (!nfpe_run_hook(core, p, tc, t, &ret) ||
		    !nfpe_pkt_bounds(t, &d, &e, &m)) {
			port->cnt[NFPE_PC_TC_OTHER]++;
			return len;
		}
		switch (ret) {
		case NFPE_TC_ACT_OK:
		case NFPE_TC_ACT_UNSPEC:
			port->cnt[NFPE_PC_TC_OK]++;
			break;
		case NFPE_TC_ACT_SHOT:
			port->cnt[NFPE_PC_TC_SHOT]++;
			return len;
		case NFPE_TC_ACT_STOLEN:
		case NFPE_TC_ACT_QUEUED:
		case NFPE_TC_ACT_TRAP:
		case NFPE_TC_ACT_REDIRECT:
		case NFPE_TC_ACT_REPEAT:
			/* consumed (or not offloadable): dropped */
			port->cnt[NFPE_PC_TC_OTHER]++;
			return len;
		default:
			/* RECLASSIFY, PIPE, unknown: the kernel's ingress
			 * hook lets them through; so do we */
			port->cnt[NFPE_PC_TC_OTHER]++;
			break;
		}
		frame = t->pkt + d;
		flen = e - d;
		xmeta = t->pkt + m;
		xmeta_len = d - m;
		mark = t->csr[NFPE_CSR_MARK];
	}

	hash = nfpe_rss_hash(frame, flen, &htype);
	if (htype != NFPE_HASH_TYPE_NONE)
		queue = hash % port->num_queues;

	if (port->ctrl & NFPE_PORT_CTRL_RX_META) {
		meta_len = nfpe_meta_build(meta, htype != NFPE_HASH_TYPE_NONE,
					   hash, htype, mark != 0, mark, p,
					   xmeta, xmeta_len);
		if (core->fault & NFPE_FAULT_BAD_META) {
			/* an unknown type in the first nibble */
			core->fault &= ~NFPE_FAULT_BAD_META;
			meta[0] = (meta[0] & 0xf0) | 0xf;
			trace_nfpe_fault("bad_meta", p);
		}
	}
	nfpe_rings_rx_deliver(core, p, queue, meta, meta_len, frame, flen);
	return len;
}

/* ---- Glue entry points -------------------------------------------- */

bool nfpe_core_can_receive(struct nfpe_core *core, unsigned p)
{
	unsigned q;

	if (p >= core->props.ports || !nfpe_port_running(core, p))
		return false;
	for (q = 0; q < core->port[p].num_queues; q++) {
		if (!nfpe_rings_rx_avail(core, p, q))
			return false;
	}
	return true;
}

ssize_t nfpe_core_receive(struct nfpe_core *core, unsigned p,
			  const uint8_t *buf, size_t len)
{
	ssize_t r = nfpe_pipeline_receive(core, p, buf, len);

	if (!core->ops->timer_mod)
		nfpe_rings_check_timers(core);
	return r;
}
