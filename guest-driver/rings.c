// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfp_ebpf: TX and RX rings, DMA mapping, NAPI.
 *
 * Each queue has one TX ring and one RX ring (free list and completion in
 * one, as on the NFP) served by one MSI-X vector and one NAPI context.
 * Indices are free-running u32 counters; slot = index & (size - 1).
 *
 * RX buffers are whole (possibly compound) pages mapped DMA_BIDIRECTIONAL
 * so XDP_TX can send them back unchanged.  The device writes
 * [metadata][frame] at page + NFPE_RX_HEADROOM (XDP_PACKET_HEADROOM).
 *
 * Refill never drops a packet: when no page can be allocated the ring
 * simply runs with fewer buffers (the device then leaves packets queued
 * in the backend) and the poll retries at the next tick (refill_timer),
 * the service work every second as a fallback.
 */
#include <linux/kernel.h>
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/skbuff.h>
#include <linux/filter.h>
#include <linux/bpf_trace.h>
#include <net/xdp.h>

#include "nfpe.h"
#include "meta.h"

static unsigned int rx_ring_size = 512;
module_param(rx_ring_size, uint, 0444);
MODULE_PARM_DESC(rx_ring_size, "RX ring entries (power of two, 8..4096)");

static unsigned int tx_ring_size = 512;
module_param(tx_ring_size, uint, 0444);
MODULE_PARM_DESC(tx_ring_size, "TX ring entries (power of two, 8..4096)");

#define NFPE_TX_WAKE_THRESH	8

static u32 nfpe_ring_size(unsigned int want)
{
	want = clamp_t(unsigned int, want, NFPE_RING_MIN, NFPE_RING_MAX);
	return rounddown_pow_of_two(want);
}

u32 nfpe_rx_ring_entries(void)
{
	return nfpe_ring_size(rx_ring_size);
}

u32 nfpe_tx_ring_entries(void)
{
	return nfpe_ring_size(tx_ring_size);
}

static unsigned int nfpe_rx_tailroom(void)
{
	return SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
}

/* Smallest page order whose buffer holds metadata and an MTU-sized frame. */
u32 nfpe_rx_buf_order(unsigned int mtu)
{
	unsigned int need = NFPE_RX_HEADROOM + NFPE_META_MAX_BYTES +
			    mtu + NFPE_MAX_FRAME_EXTRA + nfpe_rx_tailroom();

	return get_order(need);
}

static u32 nfpe_tx_free(struct nfpe_tx_ring *tx)
{
	return tx->size - (READ_ONCE(tx->wr) - READ_ONCE(tx->rd));
}

/* ---- RX buffers ------------------------------------------------------ */

static int nfpe_rx_buf_alloc(struct nfpe_port *port, struct nfpe_rx_ring *rx,
			     struct nfpe_rx_buf *buf, gfp_t gfp)
{
	struct device *dev = nfpe_dma_dev(port);
	struct page *page;
	dma_addr_t dma;

	if (nfpe_fail_rx_alloc(port->nn))
		return -ENOMEM;
	page = alloc_pages(gfp | __GFP_NOWARN | __GFP_COMP, rx->order);
	if (!page)
		return -ENOMEM;
	dma = dma_map_page_attrs(dev, page, 0, PAGE_SIZE << rx->order,
				 DMA_BIDIRECTIONAL, DMA_ATTR_SKIP_CPU_SYNC);
	if (dma_mapping_error(dev, dma)) {
		__free_pages(page, rx->order);
		return -ENOMEM;
	}
	buf->page = page;
	buf->dma = dma;
	return 0;
}

static void nfpe_rx_buf_unmap(struct nfpe_port *port, struct nfpe_rx_ring *rx,
			      struct nfpe_rx_buf *buf)
{
	dma_unmap_page_attrs(nfpe_dma_dev(port), buf->dma,
			     PAGE_SIZE << rx->order, DMA_BIDIRECTIONAL,
			     DMA_ATTR_SKIP_CPU_SYNC);
}

static void nfpe_rx_buf_free(struct nfpe_port *port, struct nfpe_rx_ring *rx,
			     struct nfpe_rx_buf *buf)
{
	if (!buf->page)
		return;
	nfpe_rx_buf_unmap(port, rx, buf);
	__free_pages(buf->page, rx->order);
	buf->page = NULL;
}

/* Keep a still-mapped page for the next refill. */
static void nfpe_rx_recycle(struct nfpe_port *port, struct nfpe_rx_ring *rx,
			    struct nfpe_rx_buf *buf)
{
	if (rx->cache_cnt < rx->size)
		rx->cache[rx->cache_cnt++] = *buf;
	else
		nfpe_rx_buf_free(port, rx, buf);
	buf->page = NULL;
}

static void nfpe_rx_post(struct nfpe_port *port, struct nfpe_rx_ring *rx,
			 struct nfpe_rx_buf *buf)
{
	u32 slot = rx->wr & (rx->size - 1);
	struct nfpe_rx_desc *d = &rx->desc[slot];

	dma_sync_single_range_for_device(nfpe_dma_dev(port), buf->dma,
					 NFPE_RX_HEADROOM, rx->buf_len,
					 DMA_BIDIRECTIONAL);
	rx->bufs[slot] = *buf;
	d->addr = cpu_to_le64(buf->dma + NFPE_RX_HEADROOM);
	d->buf_len = cpu_to_le16(rx->buf_len);
	d->data_len = 0;
	d->meta_len = 0;
	d->reserved = 0;
	WRITE_ONCE(d->flags, 0);
	rx->wr++;
}

/*
 * Post buffers until the ring is full.  Returns true if anything was
 * posted.  On allocation failure the ring stays short: no packet is lost,
 * the device keeps them queued, and the service work tries again.
 */
static bool nfpe_rx_refill(struct nfpe_r_vec *r_vec, gfp_t gfp, bool kick)
{
	struct nfpe_rx_ring *rx = &r_vec->rx;
	struct nfpe_port *port = r_vec->port;
	struct nfpe_rx_buf buf;
	u32 start = rx->wr;

	while (rx->wr - rx->rd < rx->size) {
		if (rx->cache_cnt) {
			buf = rx->cache[--rx->cache_cnt];
		} else if (nfpe_rx_buf_alloc(port, rx, &buf, gfp)) {
			u64_stats_update_begin(&rx->stats.syncp);
			rx->stats.alloc_fail++;
			u64_stats_update_end(&rx->stats.syncp);
			rx->starved = true;
			break;
		}
		nfpe_rx_post(port, rx, &buf);
	}
	if (rx->wr - rx->rd == rx->size)
		rx->starved = false;
	if (rx->wr == start)
		return false;
	/* writel orders the descriptor writes before the tail */
	if (kick)
		writel(rx->wr, r_vec->qregs + NFPE_Q_RX_TAIL);
	return true;
}

/* ---- TX ---------------------------------------------------------------- */

static void nfpe_tx_desc_fill(struct nfpe_tx_ring *tx, dma_addr_t addr, u32 len)
{
	struct nfpe_tx_desc *d = &tx->desc[tx->wr & (tx->size - 1)];

	d->addr = cpu_to_le64(addr);
	d->len = cpu_to_le16(len);
	d->flags = 0;
	d->reserved = 0;
	/* the completion path must not see a stale DONE in this slot */
	smp_wmb();
	WRITE_ONCE(tx->wr, tx->wr + 1);
}

void nfpe_tx_kick(struct nfpe_r_vec *r_vec)
{
	writel(r_vec->tx.wr, r_vec->qregs + NFPE_Q_TX_TAIL);
}

static bool nfpe_tx_len_ok(struct nfpe_port *port, u32 len)
{
	return len >= ETH_HLEN &&
	       len <= port->netdev->mtu + NFPE_MAX_FRAME_EXTRA;
}

netdev_tx_t nfpe_start_xmit(struct sk_buff *skb, struct net_device *netdev)
{
	struct nfpe_port *port = netdev_priv(netdev);
	u16 qidx = skb_get_queue_mapping(skb);
	struct nfpe_r_vec *r_vec;
	struct netdev_queue *nq;
	struct nfpe_tx_ring *tx;
	struct nfpe_tx_buf *buf;
	dma_addr_t dma;
	u32 len;

	if (unlikely(qidx >= port->num_queues))
		qidx = 0;
	r_vec = &port->r_vecs[qidx];
	tx = &r_vec->tx;
	nq = netdev_get_tx_queue(netdev, qidx);

	if (unlikely(!nfpe_tx_free(tx))) {
		netif_tx_stop_queue(nq);
		u64_stats_update_begin(&tx->stats.syncp);
		tx->stats.busy++;
		u64_stats_update_end(&tx->stats.syncp);
		return NETDEV_TX_BUSY;
	}

	/* one descriptor per frame: no SG, so linearize what we are given */
	if (unlikely(skb_linearize(skb)))
		goto drop;
	len = skb->len;
	if (unlikely(!nfpe_tx_len_ok(port, len)))
		goto drop;

	dma = dma_map_single(nfpe_dma_dev(port), skb->data, len, DMA_TO_DEVICE);
	if (unlikely(dma_mapping_error(nfpe_dma_dev(port), dma)))
		goto drop;

	buf = &tx->bufs[tx->wr & (tx->size - 1)];
	buf->skb = skb;
	buf->dma = dma;
	buf->map_len = len;
	buf->len = len;
	buf->kind = NFPE_TX_SKB;
	skb_tx_timestamp(skb);
	netdev_tx_sent_queue(nq, len);
	nfpe_tx_desc_fill(tx, dma, len);

	if (unlikely(!nfpe_tx_free(tx))) {
		netif_tx_stop_queue(nq);
		u64_stats_update_begin(&tx->stats.syncp);
		tx->stats.busy++;
		u64_stats_update_end(&tx->stats.syncp);
		/* pairs with the barrier in nfpe_tx_complete() */
		smp_mb();
		if (nfpe_tx_free(tx) >= NFPE_TX_WAKE_THRESH)
			netif_tx_start_queue(nq);
	}
	if (!netdev_xmit_more() || netif_xmit_stopped(nq))
		nfpe_tx_kick(r_vec);
	return NETDEV_TX_OK;

drop:
	u64_stats_update_begin(&tx->stats.syncp);
	tx->stats.dropped++;
	u64_stats_update_end(&tx->stats.syncp);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/*
 * XDP_TX: send an RX page back out.  Called from NAPI with the queue's TX
 * lock held (the ring is shared with the stack).  The page keeps its RX
 * mapping; the completion unmaps and frees it.
 */
bool nfpe_tx_enqueue_xdp(struct nfpe_r_vec *r_vec, struct page *page,
			 dma_addr_t page_dma, u32 map_len, u32 offset, u32 len)
{
	struct nfpe_tx_ring *tx = &r_vec->tx;
	struct nfpe_tx_buf *buf;

	if (!nfpe_tx_free(tx) || !nfpe_tx_len_ok(r_vec->port, len))
		return false;
	dma_sync_single_range_for_device(nfpe_dma_dev(r_vec->port), page_dma,
					 offset, len, DMA_BIDIRECTIONAL);
	buf = &tx->bufs[tx->wr & (tx->size - 1)];
	buf->page = page;
	buf->dma = page_dma;
	buf->map_len = map_len;
	buf->len = len;
	buf->kind = NFPE_TX_XDP_TX;
	nfpe_tx_desc_fill(tx, page_dma + offset, len);
	tx->xdp_pending = true;
	return true;
}

/* ndo_xdp_xmit: a frame redirected to this port.  TX lock held. */
bool nfpe_tx_enqueue_frame(struct nfpe_r_vec *r_vec, struct xdp_frame *xdpf)
{
	struct device *dev = nfpe_dma_dev(r_vec->port);
	struct nfpe_tx_ring *tx = &r_vec->tx;
	struct nfpe_tx_buf *buf;
	dma_addr_t dma;

	if (!nfpe_tx_free(tx) || !nfpe_tx_len_ok(r_vec->port, xdpf->len))
		return false;
	dma = dma_map_single(dev, xdpf->data, xdpf->len, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, dma))
		return false;
	buf = &tx->bufs[tx->wr & (tx->size - 1)];
	buf->xdpf = xdpf;
	buf->dma = dma;
	buf->map_len = xdpf->len;
	buf->len = xdpf->len;
	buf->kind = NFPE_TX_XDP_FRAME;
	nfpe_tx_desc_fill(tx, dma, xdpf->len);
	return true;
}

static void nfpe_tx_buf_release(struct nfpe_port *port, struct nfpe_tx_buf *buf,
				bool napi)
{
	struct device *dev = nfpe_dma_dev(port);

	switch (buf->kind) {
	case NFPE_TX_SKB:
		dma_unmap_single(dev, buf->dma, buf->map_len, DMA_TO_DEVICE);
		napi_consume_skb(buf->skb, napi);
		break;
	case NFPE_TX_XDP_TX:
		dma_unmap_page_attrs(dev, buf->dma, buf->map_len,
				     DMA_BIDIRECTIONAL, DMA_ATTR_SKIP_CPU_SYNC);
		__free_pages(buf->page, get_order(buf->map_len));
		break;
	case NFPE_TX_XDP_FRAME:
		dma_unmap_single(dev, buf->dma, buf->map_len, DMA_TO_DEVICE);
		xdp_return_frame(buf->xdpf);
		break;
	}
	buf->kind = NFPE_TX_NONE;
	buf->skb = NULL;
}

static void nfpe_tx_complete(struct nfpe_r_vec *r_vec, int budget)
{
	struct nfpe_port *port = r_vec->port;
	struct nfpe_tx_ring *tx = &r_vec->tx;
	u32 pkts = 0, bytes = 0, all_bytes = 0, all = 0, errs = 0, wr;
	struct netdev_queue *nq;

	wr = READ_ONCE(tx->wr);
	/* see the descriptors written before wr moved */
	smp_rmb();
	while (tx->rd != wr) {
		struct nfpe_tx_desc *d = &tx->desc[tx->rd & (tx->size - 1)];
		struct nfpe_tx_buf *buf = &tx->bufs[tx->rd & (tx->size - 1)];
		u16 flags = le16_to_cpu(READ_ONCE(d->flags));

		if (!(flags & NFPE_TXD_DONE))
			break;
		dma_rmb();
		if (unlikely(flags & NFPE_TXD_ERR))
			errs++;
		if (buf->kind == NFPE_TX_SKB) {
			pkts++;
			bytes += buf->len;
		}
		if (!(flags & NFPE_TXD_ERR))
			all_bytes += buf->len;
		all++;
		nfpe_tx_buf_release(port, buf, budget);
		WRITE_ONCE(tx->rd, tx->rd + 1);
	}
	if (!all)
		return;

	u64_stats_update_begin(&tx->cstats.syncp);
	tx->cstats.packets += all - errs;
	tx->cstats.bytes += all_bytes;
	tx->cstats.errors += errs;
	u64_stats_update_end(&tx->cstats.syncp);

	nq = netdev_get_tx_queue(port->netdev, r_vec->idx);
	netdev_tx_completed_queue(nq, pkts, bytes);
	/* pairs with the barrier in nfpe_start_xmit() */
	smp_mb();
	if (unlikely(netif_tx_queue_stopped(nq)) &&
	    nfpe_tx_free(tx) >= NFPE_TX_WAKE_THRESH && READ_ONCE(port->dp_up))
		netif_tx_wake_queue(nq);
}

/* ---- RX ---------------------------------------------------------------- */

static void nfpe_rx_count_drop(struct nfpe_rx_ring *rx, u64 *counter)
{
	u64_stats_update_begin(&rx->stats.syncp);
	(*counter)++;
	rx->stats.dropped++;
	u64_stats_update_end(&rx->stats.syncp);
}

static void nfpe_skb_set_meta(struct sk_buff *skb, const struct nfpe_meta *m)
{
	if ((m->present & BIT(NFPE_META_HASH)) &&
	    (skb->dev->features & NETIF_F_RXHASH)) {
		switch (m->hash_type) {
		case NFPE_HASH_TYPE_L3:
			skb_set_hash(skb, m->hash, PKT_HASH_TYPE_L3);
			break;
		case NFPE_HASH_TYPE_L4:
			skb_set_hash(skb, m->hash, PKT_HASH_TYPE_L4);
			break;
		}
	}
	if (m->present & BIT(NFPE_META_MARK))
		skb->mark = m->mark;
}

/* Returns true if the packet was handed on (stack, XDP_TX, redirect). */
static bool nfpe_rx_one(struct nfpe_r_vec *r_vec, struct nfpe_rx_desc *d,
			struct nfpe_rx_buf *buf, bool *redirected)
{
	struct nfpe_port *port = r_vec->port;
	struct nfpe_rx_ring *rx = &r_vec->rx;
	struct net_device *netdev = port->netdev;
	unsigned int truesize = PAGE_SIZE << rx->order;
	u32 data_len = le16_to_cpu(d->data_len);
	u32 meta_len = d->meta_len;
	struct bpf_prog *prog;
	struct nfpe_meta meta;
	struct sk_buff *skb;
	u8 *va, *pkt;
	u32 pkt_len, xdp_meta;

	if (unlikely((d->flags & NFPE_RXD_ERR) || data_len > rx->buf_len ||
		     meta_len > data_len || data_len - meta_len < ETH_HLEN)) {
		nfpe_rx_count_drop(rx, &rx->stats.errors);
		return false;
	}
	dma_sync_single_range_for_cpu(nfpe_dma_dev(port), buf->dma,
				      NFPE_RX_HEADROOM, data_len,
				      DMA_BIDIRECTIONAL);
	va = page_address(buf->page);
	if (unlikely(nfpe_meta_parse(va + NFPE_RX_HEADROOM, meta_len,
				     port->nn->num_ports, &meta))) {
		nfpe_rx_count_drop(rx, &rx->stats.meta_errors);
		return false;
	}
	/* a frame of another port on our ring: metadata is not trusted */
	if (unlikely((meta.present & BIT(NFPE_META_PORT)) &&
		     meta.port != port->idx)) {
		nfpe_rx_count_drop(rx, &rx->stats.meta_errors);
		return false;
	}
	pkt = va + NFPE_RX_HEADROOM + meta_len;
	pkt_len = data_len - meta_len;
	xdp_meta = meta.xdp_len;

	prog = READ_ONCE(port->xdp_prog);
	if (prog) {
		struct xdp_buff xdp;
		u32 act;

		xdp_init_buff(&xdp, truesize, &rx->xdp_rxq);
		xdp_prepare_buff(&xdp, va, pkt - va, pkt_len, true);
		xdp.data_meta = pkt - xdp_meta;
		act = nfpe_xdp_run(r_vec, prog, &xdp, buf, redirected);
		if (act != XDP_PASS)
			return act == XDP_TX || act == XDP_REDIRECT;
		pkt = xdp.data;
		pkt_len = xdp.data_end - xdp.data;
		xdp_meta = xdp.data - xdp.data_meta;
	}

	skb = build_skb(va, truesize);
	if (unlikely(!skb)) {
		nfpe_rx_count_drop(rx, &rx->stats.alloc_fail);
		return false;
	}
	nfpe_rx_buf_unmap(port, rx, buf);
	buf->page = NULL;

	skb_reserve(skb, pkt - va);
	skb_put(skb, pkt_len);
	if (xdp_meta)
		skb_metadata_set(skb, xdp_meta);
	skb_record_rx_queue(skb, r_vec->idx);
	skb->protocol = eth_type_trans(skb, netdev);
	nfpe_skb_set_meta(skb, &meta);

	u64_stats_update_begin(&rx->stats.syncp);
	rx->stats.packets++;
	rx->stats.bytes += pkt_len;
	u64_stats_update_end(&rx->stats.syncp);

	napi_gro_receive(&r_vec->napi, skb);
	return true;
}

static int nfpe_rx_poll(struct nfpe_r_vec *r_vec, int budget)
{
	struct nfpe_rx_ring *rx = &r_vec->rx;
	bool redirected = false;
	int done = 0;

	while (done < budget && rx->rd != rx->wr) {
		u32 slot = rx->rd & (rx->size - 1);
		struct nfpe_rx_desc *d = &rx->desc[slot];
		struct nfpe_rx_buf buf;

		if (!(READ_ONCE(d->flags) & NFPE_RXD_DONE))
			break;
		/* read the rest of the descriptor after DONE */
		dma_rmb();
		buf = rx->bufs[slot];
		rx->bufs[slot].page = NULL;
		rx->rd++;
		done++;
		if (!nfpe_rx_one(r_vec, d, &buf, &redirected) && buf.page)
			nfpe_rx_recycle(r_vec->port, rx, &buf);
	}

	if (redirected)
		xdp_do_flush();
	if (r_vec->tx.xdp_pending) {
		struct netdev_queue *nq;

		nq = netdev_get_tx_queue(r_vec->port->netdev, r_vec->idx);
		__netif_tx_lock(nq, smp_processor_id());
		nfpe_tx_kick(r_vec);
		r_vec->tx.xdp_pending = false;
		__netif_tx_unlock(nq);
	}
	if (done || rx->starved)
		nfpe_rx_refill(r_vec, GFP_ATOMIC, true);
	/*
	 * Still short: a ring with no buffer left raises no interrupt, and
	 * the service work's once a second would let the device hold frames
	 * that long.  Retry at the next tick (not a NAPI spin: allocations
	 * may keep failing for a while).
	 */
	if (rx->starved)
		mod_timer(&r_vec->refill_timer, jiffies + 1);
	return done;
}

void nfpe_rx_refill_retry(struct timer_list *t)
{
	struct nfpe_r_vec *r_vec = from_timer(r_vec, t, refill_timer);

	napi_schedule(&r_vec->napi);
}

/* Work the device finished that this vector has not processed yet. */
bool nfpe_r_vec_has_work(struct nfpe_r_vec *r_vec)
{
	struct nfpe_rx_ring *rx = &r_vec->rx;
	struct nfpe_tx_ring *tx = &r_vec->tx;

	if (rx->rd != rx->wr &&
	    (READ_ONCE(rx->desc[rx->rd & (rx->size - 1)].flags) & NFPE_RXD_DONE))
		return true;
	if (READ_ONCE(tx->rd) != READ_ONCE(tx->wr) &&
	    (le16_to_cpu(READ_ONCE(tx->desc[tx->rd & (tx->size - 1)].flags)) &
	     NFPE_TXD_DONE))
		return true;
	return false;
}

void nfpe_r_vec_arm(struct nfpe_r_vec *r_vec)
{
	nfpe_wr(r_vec->port->nn, NFPE_REG_VEC_ARM(r_vec->vec), 1);
}

int nfpe_poll(struct napi_struct *napi, int budget)
{
	struct nfpe_r_vec *r_vec = container_of(napi, struct nfpe_r_vec, napi);
	int done;

	nfpe_tx_complete(r_vec, budget);
	done = nfpe_rx_poll(r_vec, budget);
	if (done < budget && napi_complete_done(napi, done)) {
		nfpe_r_vec_arm(r_vec);
		/* work that landed before the re-arm raises no interrupt */
		if (nfpe_r_vec_has_work(r_vec))
			napi_schedule(napi);
	}
	return done;
}

irqreturn_t nfpe_ring_irq(int irq, void *data)
{
	struct nfpe_r_vec *r_vec = data;
	struct nfpe_dev *nn = r_vec->port->nn;

	if (unlikely(test_bit(NFPE_S_SELFTEST, &nn->state))) {
		if (READ_ONCE(nn->irq_test_vec) == r_vec->vec)
			complete(&nn->irq_test);
		return IRQ_HANDLED;
	}
	napi_schedule_irqoff(&r_vec->napi);
	return IRQ_HANDLED;
}

/* ---- Ring allocation and device programming ----------------------------- */

static void nfpe_r_vec_rings_free(struct nfpe_r_vec *r_vec)
{
	struct nfpe_port *port = r_vec->port;
	struct device *dev = nfpe_dma_dev(port);
	struct nfpe_rx_ring *rx = &r_vec->rx;
	struct nfpe_tx_ring *tx = &r_vec->tx;
	u32 i;

	if (tx->bufs) {
		struct netdev_queue *nq;

		for (i = 0; i < tx->size; i++)
			if (tx->bufs[i].kind != NFPE_TX_NONE)
				nfpe_tx_buf_release(port, &tx->bufs[i], false);
		nq = netdev_get_tx_queue(port->netdev, r_vec->idx);
		netdev_tx_reset_queue(nq);
	}
	kvfree(tx->bufs);
	tx->bufs = NULL;
	if (tx->desc)
		dma_free_coherent(dev, tx->size * sizeof(*tx->desc), tx->desc,
				  tx->desc_dma);
	tx->desc = NULL;

	if (rx->bufs)
		for (i = 0; i < rx->size; i++)
			nfpe_rx_buf_free(port, rx, &rx->bufs[i]);
	while (rx->cache && rx->cache_cnt)
		nfpe_rx_buf_free(port, rx, &rx->cache[--rx->cache_cnt]);
	kvfree(rx->bufs);
	kvfree(rx->cache);
	rx->bufs = NULL;
	rx->cache = NULL;
	if (rx->desc)
		dma_free_coherent(dev, rx->size * sizeof(*rx->desc), rx->desc,
				  rx->desc_dma);
	rx->desc = NULL;
	if (xdp_rxq_info_is_reg(&rx->xdp_rxq))
		xdp_rxq_info_unreg(&rx->xdp_rxq);
}

static int nfpe_r_vec_rings_alloc(struct nfpe_r_vec *r_vec)
{
	struct nfpe_port *port = r_vec->port;
	struct device *dev = nfpe_dma_dev(port);
	struct nfpe_rx_ring *rx = &r_vec->rx;
	struct nfpe_tx_ring *tx = &r_vec->tx;
	unsigned int room;
	int err;

	tx->size = nfpe_tx_ring_entries();
	tx->wr = 0;
	tx->rd = 0;
	tx->xdp_pending = false;
	tx->desc = dma_alloc_coherent(dev, tx->size * sizeof(*tx->desc),
				      &tx->desc_dma, GFP_KERNEL);
	tx->bufs = kvcalloc(tx->size, sizeof(*tx->bufs), GFP_KERNEL);
	if (!tx->desc || !tx->bufs)
		goto err_nomem;

	rx->size = nfpe_rx_ring_entries();
	rx->wr = 0;
	rx->rd = 0;
	rx->cache_cnt = 0;
	rx->starved = false;
	rx->order = nfpe_rx_buf_order(port->netdev->mtu);
	room = (PAGE_SIZE << rx->order) - NFPE_RX_HEADROOM - nfpe_rx_tailroom();
	rx->buf_len = min_t(unsigned int, room, 0xffff);
	rx->desc = dma_alloc_coherent(dev, rx->size * sizeof(*rx->desc),
				      &rx->desc_dma, GFP_KERNEL);
	rx->bufs = kvcalloc(rx->size, sizeof(*rx->bufs), GFP_KERNEL);
	rx->cache = kvcalloc(rx->size, sizeof(*rx->cache), GFP_KERNEL);
	if (!rx->desc || !rx->bufs || !rx->cache)
		goto err_nomem;

	err = xdp_rxq_info_reg(&rx->xdp_rxq, port->netdev, r_vec->idx,
			       r_vec->napi.napi_id);
	if (err)
		goto err;
	err = xdp_rxq_info_reg_mem_model(&rx->xdp_rxq, MEM_TYPE_PAGE_ORDER0,
					 NULL);
	if (err)
		goto err;
	return 0;

err_nomem:
	err = -ENOMEM;
err:
	nfpe_r_vec_rings_free(r_vec);
	return err;
}

int nfpe_rings_alloc(struct nfpe_port *port)
{
	u32 q;
	int err;

	for (q = 0; q < port->num_queues; q++) {
		err = nfpe_r_vec_rings_alloc(&port->r_vecs[q]);
		if (err)
			goto err;
	}
	return 0;
err:
	while (q--)
		nfpe_r_vec_rings_free(&port->r_vecs[q]);
	return err;
}

void nfpe_rings_free(struct nfpe_port *port)
{
	u32 q;

	for (q = 0; q < port->num_queues; q++)
		nfpe_r_vec_rings_free(&port->r_vecs[q]);
}

static void nfpe_queue_hw_write(struct nfpe_r_vec *r_vec, bool on)
{
	void __iomem *q = r_vec->qregs;

	writel(on ? lower_32_bits(r_vec->tx.desc_dma) : 0, q + NFPE_Q_TX_BASE_LO);
	writel(on ? upper_32_bits(r_vec->tx.desc_dma) : 0, q + NFPE_Q_TX_BASE_HI);
	writel(on ? r_vec->tx.size : 0, q + NFPE_Q_TX_SIZE);
	writel(r_vec->vec, q + NFPE_Q_TX_VECTOR);
	writel(on ? lower_32_bits(r_vec->rx.desc_dma) : 0, q + NFPE_Q_RX_BASE_LO);
	writel(on ? upper_32_bits(r_vec->rx.desc_dma) : 0, q + NFPE_Q_RX_BASE_HI);
	writel(on ? r_vec->rx.size : 0, q + NFPE_Q_RX_SIZE);
	writel(r_vec->vec, q + NFPE_Q_RX_VECTOR);
	writel(on ? r_vec->port->coal_usecs : 0, q + NFPE_Q_IRQ_MOD_USECS);
	writel(on ? r_vec->port->coal_frames : 0, q + NFPE_Q_IRQ_MOD_PKTS);
}

/*
 * ethtool -C while the rings are live: the moderation registers are not
 * locked while the port runs and take effect from the next completion.
 * Down, the values are written when the rings are (nfpe_queue_hw_write).
 */
void nfpe_rings_write_coalesce(struct nfpe_port *port)
{
	u32 q;

	if (!port->dp_up)
		return;
	for (q = 0; q < port->num_queues; q++) {
		void __iomem *qr = port->r_vecs[q].qregs;

		writel(port->coal_usecs, qr + NFPE_Q_IRQ_MOD_USECS);
		writel(port->coal_frames, qr + NFPE_Q_IRQ_MOD_PKTS);
	}
}

/*
 * Program the rings and enable the port.  Enabling starts every ring at
 * index 0 (hw.h); the RX buffers, already written to the descriptors, are
 * then posted with RX_TAIL.
 */
void nfpe_rings_hw_enable(struct nfpe_port *port)
{
	/* the receive mode from the start: frames that waited while the port
	 * was down arrive as soon as RX_TAIL is written, before
	 * nfpe_port_write_rx_mode() could set PROMISC
	 */
	u32 ctrl = nfpe_port_rx_ctrl(port);
	u32 q;

	for (q = 0; q < port->num_queues; q++) {
		nfpe_queue_hw_write(&port->r_vecs[q], true);
		nfpe_rx_refill(&port->r_vecs[q], GFP_KERNEL, false);
	}
	nfpe_port_wr(port, NFPE_PORT_NUM_QUEUES, port->num_queues);
	nfpe_port_wr(port, NFPE_PORT_MTU, port->netdev->mtu);
	nfpe_port_wr(port, NFPE_PORT_IFINDEX, port->netdev->ifindex);
	nfpe_port_wr(port, NFPE_PORT_CTRL, ctrl);
	for (q = 0; q < port->num_queues; q++)
		writel(port->r_vecs[q].rx.wr,
		       port->r_vecs[q].qregs + NFPE_Q_RX_TAIL);
}

void nfpe_rings_hw_disable(struct nfpe_port *port)
{
	u32 q;

	nfpe_port_wr(port, NFPE_PORT_CTRL, 0);
	for (q = 0; q < port->num_queues; q++)
		nfpe_queue_hw_write(&port->r_vecs[q], false);
}
