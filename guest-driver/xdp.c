// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfp_ebpf: native XDP on the host CPU.
 *
 * RX buffers always have XDP_PACKET_HEADROOM in front and are always
 * mapped DMA_BIDIRECTIONAL, so attaching or detaching a program swaps a
 * pointer and nothing else.  XDP_TX shares the queue's TX ring with the
 * stack (under the netdev TX queue lock); ndo_xdp_xmit makes the port a
 * redirect target.  Offload (XDP_SETUP_PROG_HW, BPF_OFFLOAD_MAP_*) is
 * passed on to offload.c.
 */
#include <linux/kernel.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/bpf_trace.h>
#include <linux/netdevice.h>
#include <net/xdp.h>

#include "nfpe.h"

static int nfpe_xdp_setup(struct nfpe_port *port, struct netdev_bpf *bpf)
{
	struct bpf_prog *old;

	old = xchg(&port->xdp_prog, bpf->prog);
	if (old)
		bpf_prog_put(old);
	return 0;
}

int nfpe_ndo_bpf(struct net_device *netdev, struct netdev_bpf *bpf)
{
	struct nfpe_port *port = netdev_priv(netdev);

	switch (bpf->command) {
	case XDP_SETUP_PROG:
		return nfpe_xdp_setup(port, bpf);
	default:
		/* XDP_SETUP_PROG_HW and map offload: offload.c */
		return nfpe_offload_ndo_bpf(port, bpf);
	}
}

static void nfpe_xdp_count(struct nfpe_rx_ring *rx, u64 *counter, bool drop)
{
	u64_stats_update_begin(&rx->stats.syncp);
	(*counter)++;
	if (drop)
		rx->stats.dropped++;
	u64_stats_update_end(&rx->stats.syncp);
}

static bool nfpe_xdp_tx(struct nfpe_r_vec *r_vec, struct xdp_buff *xdp,
			struct nfpe_rx_buf *buf)
{
	struct netdev_queue *nq;
	u32 map_len = PAGE_SIZE << r_vec->rx.order;
	u32 offset = (u8 *)xdp->data - (u8 *)page_address(buf->page);
	bool ok;

	nq = netdev_get_tx_queue(r_vec->port->netdev, r_vec->idx);
	__netif_tx_lock(nq, smp_processor_id());
	ok = nfpe_tx_enqueue_xdp(r_vec, buf->page, buf->dma, map_len, offset,
				 xdp->data_end - xdp->data);
	__netif_tx_unlock(nq);
	if (ok)
		buf->page = NULL;
	return ok;
}

/**
 * nfpe_xdp_run() - run the native XDP program on one received frame
 * @r_vec: the queue
 * @prog: the program
 * @xdp: the frame, prepared by the caller
 * @buf: the RX buffer holding it
 * @redirected: set when xdp_do_flush() is needed at the end of the poll
 *
 * Return: the action taken.  XDP_TX and XDP_REDIRECT mean the buffer was
 * handed on (@buf->page is NULL); when they fail the frame is dropped and
 * XDP_DROP is returned.  On XDP_PASS @xdp holds the (maybe moved) frame.
 * For XDP_DROP the caller recycles @buf->page unless it is NULL.
 */
u32 nfpe_xdp_run(struct nfpe_r_vec *r_vec, struct bpf_prog *prog,
		 struct xdp_buff *xdp, struct nfpe_rx_buf *buf, bool *redirected)
{
	struct nfpe_rx_ring *rx = &r_vec->rx;
	struct net_device *netdev = r_vec->port->netdev;
	u32 act;

	act = bpf_prog_run_xdp(prog, xdp);
	switch (act) {
	case XDP_PASS:
		nfpe_xdp_count(rx, &rx->stats.xdp_pass, false);
		return XDP_PASS;
	case XDP_TX:
		if (likely(nfpe_xdp_tx(r_vec, xdp, buf))) {
			nfpe_xdp_count(rx, &rx->stats.xdp_tx, false);
			return XDP_TX;
		}
		nfpe_xdp_count(rx, &rx->stats.xdp_tx_fail, true);
		trace_xdp_exception(netdev, prog, act);
		return XDP_DROP;
	case XDP_REDIRECT:
		/* the page leaves the driver: drop our mapping first */
		dma_unmap_page_attrs(nfpe_dma_dev(r_vec->port), buf->dma,
				     PAGE_SIZE << rx->order, DMA_BIDIRECTIONAL,
				     DMA_ATTR_SKIP_CPU_SYNC);
		if (likely(!xdp_do_redirect(netdev, xdp, prog))) {
			buf->page = NULL;
			*redirected = true;
			nfpe_xdp_count(rx, &rx->stats.xdp_redirect, false);
			return XDP_REDIRECT;
		}
		__free_pages(buf->page, rx->order);
		buf->page = NULL;
		nfpe_xdp_count(rx, &rx->stats.xdp_tx_fail, true);
		trace_xdp_exception(netdev, prog, act);
		return XDP_DROP;
	default:
		bpf_warn_invalid_xdp_action(netdev, prog, act);
		fallthrough;
	case XDP_ABORTED:
		trace_xdp_exception(netdev, prog, act);
		nfpe_xdp_count(rx, &rx->stats.xdp_aborted, true);
		return XDP_ABORTED;
	case XDP_DROP:
		nfpe_xdp_count(rx, &rx->stats.xdp_drop, true);
		return XDP_DROP;
	}
}

/* ndo_xdp_xmit: frames other devices redirect to this port. */
int nfpe_xdp_xmit(struct net_device *netdev, int n, struct xdp_frame **frames,
		  u32 flags)
{
	struct nfpe_port *port = netdev_priv(netdev);
	struct nfpe_r_vec *r_vec;
	struct netdev_queue *nq;
	int i, sent = 0;

	if (unlikely(flags & ~XDP_XMIT_FLAGS_MASK))
		return -EINVAL;
	if (unlikely(!READ_ONCE(port->dp_up)))
		return -ENETDOWN;

	r_vec = &port->r_vecs[smp_processor_id() % port->num_queues];
	nq = netdev_get_tx_queue(netdev, r_vec->idx);
	__netif_tx_lock(nq, smp_processor_id());
	for (i = 0; i < n; i++) {
		if (!nfpe_tx_enqueue_frame(r_vec, frames[i]))
			break;
		sent++;
	}
	if (sent && (flags & XDP_XMIT_FLUSH))
		nfpe_tx_kick(r_vec);
	u64_stats_update_begin(&r_vec->tx.stats.syncp);
	r_vec->tx.stats.xdp_xmit += sent;
	r_vec->tx.stats.dropped += n - sent;
	u64_stats_update_end(&r_vec->tx.stats.syncp);
	__netif_tx_unlock(nq);
	return sent;
}
