/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpe_rings.c - TX and RX descriptor rings, DMA, interrupt moderation.
 *
 * Every index, size and address coming from the guest is checked here
 * before it is used; a DMA failure is counted, latched in ERR_CODE and
 * stops the port until the device is reset (docs/device.md "Errors").
 *
 * ERR_INFO for ring errors: port << 16 | ring, where ring is 2 * queue
 * for the TX ring and 2 * queue + 1 for the RX ring.
 */
#include "nfpe_core.h"

#define NFPE_DESC_SIZE	16u

static inline uint32_t nfpe_ring_id(unsigned q, bool rx)
{
	return 2 * q + (rx ? 1 : 0);
}

bool nfpe_port_running(struct nfpe_core *core, unsigned p)
{
	const struct nfpe_port *port = &core->port[p];

	return (core->ctrl & NFPE_CTRL_ENABLE) &&
	       (port->ctrl & NFPE_PORT_CTRL_ENABLE) && !port->broken;
}

void nfpe_rings_reset_port(struct nfpe_core *core, unsigned p)
{
	struct nfpe_port *port = &core->port[p];
	unsigned q;

	memset(port->q, 0, sizeof(port->q));
	for (q = 0; q < NFPE_MAX_QUEUES; q++) {
		port->q[q].tx.irq_deadline = UINT64_MAX;
		port->q[q].rx.irq_deadline = UINT64_MAX;
	}
}

/* Stop a port after an unrecoverable ring error (until device reset). */
static void nfpe_port_stop(struct nfpe_core *core, unsigned p)
{
	if (!core->port[p].broken)
		trace_nfpe_port_stopped(p);
	core->port[p].broken = true;
}

static bool nfpe_ring_size_ok(uint32_t size)
{
	return size >= NFPE_RING_MIN && size <= NFPE_RING_MAX &&
	       (size & (size - 1)) == 0;
}

static bool nfpe_ring_check(struct nfpe_core *core, unsigned p, unsigned q,
			    bool rx)
{
	struct nfpe_ring *r = rx ? &core->port[p].q[q].rx :
				   &core->port[p].q[q].tx;
	uint32_t info = p << 16 | nfpe_ring_id(q, rx);

	if (r->size == 0)
		return true;		/* ring off */
	if (!nfpe_ring_size_ok(r->size) || (r->base & (NFPE_DESC_SIZE - 1)) ||
	    r->base + (uint64_t)r->size * NFPE_DESC_SIZE < r->base) {
		core->dcnt[NFPE_DC_BAD_RING]++;
		nfpe_core_error(core, NFPE_ERR_RING_CFG, info,
				"port %u %s ring %u: bad size %u or base 0x%"
				PRIx64, p, rx ? "rx" : "tx", q, r->size,
				r->base);
		return false;
	}
	if (r->tail - r->head > r->size) {
		core->dcnt[NFPE_DC_BAD_RING]++;
		nfpe_core_error(core, NFPE_ERR_RING_INDEX, info,
				"port %u %s ring %u: tail %u head %u size %u",
				p, rx ? "rx" : "tx", q, r->tail, r->head,
				r->size);
		nfpe_port_stop(core, p);
		return false;
	}
	return true;
}

bool nfpe_rings_validate(struct nfpe_core *core, unsigned p)
{
	unsigned q;

	for (q = 0; q < core->port[p].num_queues; q++) {
		if (!nfpe_ring_check(core, p, q, false) ||
		    !nfpe_ring_check(core, p, q, true))
			return false;
	}
	return true;
}

void nfpe_rings_tail_written(struct nfpe_core *core, unsigned p, unsigned q,
			     bool rx)
{
	struct nfpe_port *port = &core->port[p];
	struct nfpe_ring *r = rx ? &port->q[q].rx : &port->q[q].tx;

	trace_nfpe_ring_tail(p, q, rx, r->tail, r->head);
	/* While the port is off the geometry may still be unchecked: the
	 * tail is checked at enable. */
	if (!(port->ctrl & NFPE_PORT_CTRL_ENABLE) || q >= port->num_queues)
		return;
	if (r->size && r->tail - r->head > r->size) {
		core->dcnt[NFPE_DC_BAD_RING]++;
		nfpe_core_error(core, NFPE_ERR_RING_INDEX,
				p << 16 | nfpe_ring_id(q, rx),
				"port %u %s ring %u: tail %u runs %u ahead of "
				"head %u (size %u)", p, rx ? "rx" : "tx", q,
				r->tail, r->tail - r->head, r->head, r->size);
		nfpe_port_stop(core, p);
		return;
	}
	if (!nfpe_port_running(core, p))
		return;
	if (rx) {
		if (core->ops->net_flush)
			core->ops->net_flush(core->opaque, p);
	} else {
		nfpe_rings_tx_kick(core, p, q);
	}
}

/* ---- Interrupt moderation ----------------------------------------- */

static void nfpe_ring_fire(struct nfpe_core *core, struct nfpe_ring *r)
{
	r->irq_pending = 0;
	r->irq_deadline = UINT64_MAX;
	if (r->vector)
		nfpe_core_vector_fire(core, r->vector);
}

static void nfpe_timer_want(struct nfpe_core *core, uint64_t deadline)
{
	if (!core->ops->timer_mod || deadline >= core->timer_deadline)
		return;
	core->timer_deadline = deadline;
	core->ops->timer_mod(core->opaque, deadline);
}

/*
 * A ring completed one descriptor.  With no moderation the vector fires
 * at once; otherwise after mod_pkts completions or mod_usecs after the
 * first unsignalled completion, whichever comes first.
 */
void nfpe_rings_ring_done(struct nfpe_core *core, unsigned p, unsigned q,
			  struct nfpe_ring *r)
{
	struct nfpe_queue *qu = &core->port[p].q[q];

	if (!r->vector)
		return;
	r->irq_pending++;
	if (qu->mod_pkts == 0 && qu->mod_usecs == 0) {
		nfpe_ring_fire(core, r);
		return;
	}
	if (qu->mod_pkts && r->irq_pending >= qu->mod_pkts) {
		nfpe_ring_fire(core, r);
		return;
	}
	if (qu->mod_usecs && r->irq_deadline == UINT64_MAX) {
		r->irq_deadline = core->ops->clock_ns(core->opaque) +
				  (uint64_t)qu->mod_usecs * 1000;
		nfpe_timer_want(core, r->irq_deadline);
	}
}

void nfpe_rings_check_timers(struct nfpe_core *core)
{
	uint64_t now = 0, next = UINT64_MAX;
	bool have_now = false;
	unsigned p, q, k;

	for (p = 0; p < core->props.ports; p++) {
		for (q = 0; q < core->props.queues; q++) {
			for (k = 0; k < 2; k++) {
				struct nfpe_ring *r = k ? &core->port[p].q[q].rx
						      : &core->port[p].q[q].tx;

				if (r->irq_deadline == UINT64_MAX)
					continue;
				if (!have_now) {
					now = core->ops->clock_ns(core->opaque);
					have_now = true;
				}
				if (r->irq_deadline <= now)
					nfpe_ring_fire(core, r);
				else
					next = MIN(next, r->irq_deadline);
			}
		}
	}
	if (next != UINT64_MAX && core->ops->timer_mod) {
		core->timer_deadline = next;
		core->ops->timer_mod(core->opaque, next);
	}
}

/* ---- TX ----------------------------------------------------------- */

static bool nfpe_desc_addr(const struct nfpe_ring *r, uint32_t idx,
			   uint64_t *addr)
{
	*addr = r->base + (uint64_t)(idx & (r->size - 1)) * NFPE_DESC_SIZE;
	return true;
}

void nfpe_rings_tx_kick(struct nfpe_core *core, unsigned p, unsigned q)
{
	struct nfpe_port *port = &core->port[p];
	struct nfpe_ring *r = &port->q[q].tx;
	uint32_t budget = r->size;
	uint32_t info = p << 16 | nfpe_ring_id(q, false);

	if (!nfpe_port_running(core, p) || r->size == 0 ||
	    q >= port->num_queues)
		return;

	while (r->head != r->tail && budget--) {
		uint8_t d[NFPE_DESC_SIZE];
		uint64_t daddr, faddr;
		uint32_t len, max = port->mtu + 18;
		uint16_t flags = NFPE_TXD_DONE;
		bool stop = false;

		if (r->tail - r->head > r->size) {
			/* cannot happen: checked when the tail was written */
			nfpe_port_stop(core, p);
			return;
		}
		nfpe_desc_addr(r, r->head, &daddr);
		if (!core->ops->dma_read(core->opaque, daddr, d, sizeof(d))) {
			core->dcnt[NFPE_DC_BAD_DMA]++;
			port->cnt[NFPE_PC_TX_ERRORS]++;
			nfpe_core_error(core, NFPE_ERR_DMA_READ, info,
					"port %u tx ring %u: descriptor read "
					"at 0x%" PRIx64 " failed", p, q, daddr);
			nfpe_port_stop(core, p);
			return;
		}
		faddr = nfpe_ld64(d);
		len = nfpe_ld16(d + 8);
		if (len < 14 || len > max || len > core->frame_buf_len) {
			port->cnt[NFPE_PC_TX_ERRORS]++;
			nfpe_core_error(core, NFPE_ERR_TX_DESC, info,
					"port %u tx ring %u: frame length %u "
					"outside 14..%u", p, q, len, max);
			flags |= NFPE_TXD_ERR;
		} else if (!core->ops->dma_read(core->opaque, faddr,
						core->frame_buf, len)) {
			core->dcnt[NFPE_DC_BAD_DMA]++;
			port->cnt[NFPE_PC_TX_ERRORS]++;
			nfpe_core_error(core, NFPE_ERR_DMA_READ, info,
					"port %u tx ring %u: frame read at 0x%"
					PRIx64 " len %u failed", p, q, faddr,
					len);
			flags |= NFPE_TXD_ERR;
			stop = true;
		} else if (!port->link_up) {
			port->cnt[NFPE_PC_TX_ERRORS]++;
			flags |= NFPE_TXD_ERR;
		} else {
			trace_nfpe_tx(p, q, r->head, len);
			core->ops->net_send(core->opaque, p, core->frame_buf,
					    len);
			port->cnt[NFPE_PC_TX_PACKETS]++;
			port->cnt[NFPE_PC_TX_BYTES] += len;
		}
		nfpe_st16(d + 10, flags);
		if (!core->ops->dma_write(core->opaque, daddr + 10, d + 10, 2)) {
			core->dcnt[NFPE_DC_BAD_DMA]++;
			nfpe_core_error(core, NFPE_ERR_DMA_WRITE, info,
					"port %u tx ring %u: descriptor write "
					"at 0x%" PRIx64 " failed", p, q, daddr);
			nfpe_port_stop(core, p);
			return;
		}
		r->head++;
		nfpe_rings_ring_done(core, p, q, r);
		if (stop) {
			/* a bad frame address stops the port, after the
			 * descriptor was completed so the driver sees it */
			nfpe_port_stop(core, p);
			return;
		}
	}
}

/* ---- RX ----------------------------------------------------------- */

bool nfpe_rings_rx_avail(struct nfpe_core *core, unsigned p, unsigned q)
{
	const struct nfpe_ring *r = &core->port[p].q[q].rx;
	uint32_t n = r->tail - r->head;

	return r->size && n >= 1 && n <= r->size;
}

bool nfpe_rings_rx_deliver(struct nfpe_core *core, unsigned p, unsigned q,
			   const uint8_t *meta, uint32_t meta_len,
			   const uint8_t *frame, uint32_t frame_len)
{
	struct nfpe_port *port = &core->port[p];
	struct nfpe_ring *r = &port->q[q].rx;
	uint32_t info = p << 16 | nfpe_ring_id(q, true);
	uint8_t d[NFPE_DESC_SIZE];
	uint64_t daddr, baddr;
	uint32_t buf_len, total = meta_len + frame_len;
	bool ok;

	if (!nfpe_rings_rx_avail(core, p, q)) {
		port->cnt[NFPE_PC_RX_NO_BUF]++;
		return false;
	}
	nfpe_desc_addr(r, r->head, &daddr);
	if (!core->ops->dma_read(core->opaque, daddr, d, sizeof(d))) {
		core->dcnt[NFPE_DC_BAD_DMA]++;
		port->cnt[NFPE_PC_RX_DMA_ERR]++;
		nfpe_core_error(core, NFPE_ERR_DMA_READ, info,
				"port %u rx ring %u: descriptor read at 0x%"
				PRIx64 " failed", p, q, daddr);
		nfpe_port_stop(core, p);
		return false;
	}
	baddr = nfpe_ld64(d);
	buf_len = nfpe_ld16(d + 8);
	if (total > buf_len) {
		/* the buffer stays posted for the next packet */
		port->cnt[NFPE_PC_RX_TOO_LONG]++;
		trace_nfpe_rx_too_long(p, q, total, buf_len);
		return false;
	}
	ok = baddr + total >= baddr;
	if (ok && meta_len)
		ok = core->ops->dma_write(core->opaque, baddr, meta, meta_len);
	if (ok)
		ok = core->ops->dma_write(core->opaque, baddr + meta_len, frame,
					  frame_len);
	if (ok) {
		nfpe_st16(d + 10, total);
		d[12] = meta_len;
		d[13] = NFPE_RXD_DONE;
	} else {
		core->dcnt[NFPE_DC_BAD_DMA]++;
		port->cnt[NFPE_PC_RX_DMA_ERR]++;
		nfpe_core_error(core, NFPE_ERR_DMA_WRITE, info,
				"port %u rx ring %u: buffer write at 0x%" PRIx64
				" len %u failed", p, q, baddr, total);
		nfpe_st16(d + 10, 0);
		d[12] = 0;
		d[13] = NFPE_RXD_DONE | NFPE_RXD_ERR;
	}
	if (!core->ops->dma_write(core->opaque, daddr + 10, d + 10, 4)) {
		core->dcnt[NFPE_DC_BAD_DMA]++;
		if (ok)
			port->cnt[NFPE_PC_RX_DMA_ERR]++;
		nfpe_core_error(core, NFPE_ERR_DMA_WRITE, info,
				"port %u rx ring %u: descriptor write at 0x%"
				PRIx64 " failed", p, q, daddr);
		nfpe_port_stop(core, p);
		return false;
	}
	r->head++;
	nfpe_rings_ring_done(core, p, q, r);
	if (!ok) {
		nfpe_port_stop(core, p);
		return false;
	}
	trace_nfpe_rx(p, q, r->head - 1, meta_len, frame_len);
	port->cnt[NFPE_PC_RX_PACKETS]++;
	port->cnt[NFPE_PC_RX_BYTES] += frame_len;
	return true;
}
