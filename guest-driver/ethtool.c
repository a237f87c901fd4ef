// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfp_ebpf: ethtool -i, -S, -g, -l, -c/-C.
 *
 * ethtool -S prints, in this order: the device-wide counters and this
 * port's counters from the device's STATS command (names from hw.h), the
 * driver's device-level counters (drv_*), the device's counters of the
 * offloaded XDP and tc programs (PROG_STATS: xdp_prog_*, tc_prog_*; since
 * the program was attached), then per-queue driver counters (rxqN_*,
 * txqN_*).  If STATS or PROG_STATS fails those counters read 0.
 */
#include <linux/kernel.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <asm/unaligned.h>

#include "nfpe.h"

#define NFPE_X_NAME(e, s) s,
static const char * const nfpe_dev_counter_names[] = {
	NFPE_DEV_COUNTERS(NFPE_X_NAME)
};

static const char * const nfpe_port_counter_names[] = {
	NFPE_PORT_COUNTERS(NFPE_X_NAME)
};

#undef NFPE_X_NAME

static const char * const nfpe_drv_names[] = {
	"drv_cmd_timeouts",
	"drv_cmd_errors",
	"drv_dev_errors",
	"drv_resets",
	"drv_lost_irqs",
	"drv_link_changes",
	"drv_tx_timeouts",
	"drv_last_err_code",
	"drv_last_err_info",
};

/* per hook (XDP, tc), in struct nfpe_prog_stats order */
static const char * const nfpe_prog_names[] = {
	"xdp_prog_runs", "xdp_prog_insns", "xdp_prog_cycles", "xdp_prog_errors",
	"tc_prog_runs", "tc_prog_insns", "tc_prog_cycles", "tc_prog_errors",
};

static const char * const nfpe_rxq_names[] = {
	"packets", "bytes", "errors", "meta_errors", "alloc_fail", "dropped",
	"xdp_drop", "xdp_pass", "xdp_tx", "xdp_redirect", "xdp_aborted",
	"xdp_tx_fail",
};

static const char * const nfpe_txq_names[] = {
	"packets", "bytes", "errors", "busy", "dropped", "xdp_xmit",
};

static_assert(ARRAY_SIZE(nfpe_prog_names) == 4 * NFPE_HOOK_NUM);

#define NFPE_N_DEV	ARRAY_SIZE(nfpe_dev_counter_names)
#define NFPE_N_PORT	ARRAY_SIZE(nfpe_port_counter_names)
#define NFPE_N_DRV	ARRAY_SIZE(nfpe_drv_names)
#define NFPE_N_PROG	ARRAY_SIZE(nfpe_prog_names)
#define NFPE_N_RXQ	ARRAY_SIZE(nfpe_rxq_names)
#define NFPE_N_TXQ	ARRAY_SIZE(nfpe_txq_names)

static void nfpe_get_drvinfo(struct net_device *netdev,
			     struct ethtool_drvinfo *info)
{
	struct nfpe_port *port = netdev_priv(netdev);
	struct nfpe_dev *nn = port->nn;

	strscpy(info->driver, NFPE_DRV_NAME, sizeof(info->driver));
	snprintf(info->fw_version, sizeof(info->fw_version), "abi %u.%u",
		 nn->abi >> 16, nn->abi & 0xffff);
	strscpy(info->bus_info, pci_name(nn->pdev), sizeof(info->bus_info));
}

static int nfpe_get_sset_count(struct net_device *netdev, int sset)
{
	struct nfpe_port *port = netdev_priv(netdev);

	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return NFPE_N_DEV + NFPE_N_PORT + NFPE_N_DRV + NFPE_N_PROG +
	       port->num_queues * (NFPE_N_RXQ + NFPE_N_TXQ);
}

static void nfpe_get_strings(struct net_device *netdev, u32 sset, u8 *data)
{
	struct nfpe_port *port = netdev_priv(netdev);
	u32 i, q;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < NFPE_N_DEV; i++)
		ethtool_sprintf(&data, "%s", nfpe_dev_counter_names[i]);
	for (i = 0; i < NFPE_N_PORT; i++)
		ethtool_sprintf(&data, "%s", nfpe_port_counter_names[i]);
	for (i = 0; i < NFPE_N_DRV; i++)
		ethtool_sprintf(&data, "%s", nfpe_drv_names[i]);
	for (i = 0; i < NFPE_N_PROG; i++)
		ethtool_sprintf(&data, "%s", nfpe_prog_names[i]);
	for (q = 0; q < port->num_queues; q++) {
		for (i = 0; i < NFPE_N_RXQ; i++)
			ethtool_sprintf(&data, "rxq%u_%s", q, nfpe_rxq_names[i]);
		for (i = 0; i < NFPE_N_TXQ; i++)
			ethtool_sprintf(&data, "txq%u_%s", q, nfpe_txq_names[i]);
	}
}

/*
 * Device counters: STATS answers n_ports, n_port_counters, n_dev_counters
 * and the values; use the counts the device gives, bounded by what it
 * actually sent.
 */
static void nfpe_fill_hw_stats(struct nfpe_port *port, u64 *data)
{
	struct nfpe_dev *nn = port->nn;
	u32 n_ports, n_pc, n_dc, len, i;
	const u8 *p;
	void *buf;
	u64 need;
	int ret;

	memset(data, 0, (NFPE_N_DEV + NFPE_N_PORT) * sizeof(u64));
	len = nn->cmd_buf_len;
	buf = kzalloc(len, GFP_KERNEL);
	if (!buf)
		return;
	ret = nfpe_cmd_exec(nn, NFPE_CMD_STATS, NULL, 0, buf, len, 0);
	if (ret < (int)sizeof(struct nfpe_cmd_stats_rsp)) {
		netdev_dbg(port->netdev, "STATS failed: %d\n", ret);
		goto out;
	}
	p = buf;
	n_ports = get_unaligned_le32(p);
	n_pc = get_unaligned_le32(p + 4);
	n_dc = get_unaligned_le32(p + 8);
	need = sizeof(struct nfpe_cmd_stats_rsp) +
	       8ULL * (n_dc + (u64)n_ports * n_pc);
	if (need > (u32)ret) {
		netdev_warn_once(port->netdev,
				 "STATS: response of %d bytes, counts need %llu\n",
				 ret, need);
		goto out;
	}
	p += sizeof(struct nfpe_cmd_stats_rsp);
	for (i = 0; i < min_t(u32, n_dc, NFPE_N_DEV); i++)
		data[i] = get_unaligned_le64(p + 8 * i);
	if (port->idx < n_ports) {
		p += 8 * n_dc + 8ULL * port->idx * n_pc;
		for (i = 0; i < min_t(u32, n_pc, NFPE_N_PORT); i++)
			data[NFPE_N_DEV + i] = get_unaligned_le64(p + 8 * i);
	}
out:
	kfree(buf);
}

static void nfpe_get_ethtool_stats(struct net_device *netdev,
				   struct ethtool_stats *stats, u64 *data)
{
	struct nfpe_port *port = netdev_priv(netdev);
	struct nfpe_dev *nn = port->nn;
	unsigned int start;
	u32 q, h;

	nfpe_fill_hw_stats(port, data);
	data += NFPE_N_DEV + NFPE_N_PORT;

	*data++ = READ_ONCE(nn->drv.cmd_timeouts);
	*data++ = READ_ONCE(nn->drv.cmd_errors);
	*data++ = READ_ONCE(nn->drv.dev_errors);
	*data++ = READ_ONCE(nn->drv.resets);
	*data++ = READ_ONCE(nn->drv.lost_irqs);
	*data++ = READ_ONCE(nn->drv.link_changes);
	*data++ = READ_ONCE(port->tx_timeouts);
	*data++ = READ_ONCE(nn->last_err_code);
	*data++ = READ_ONCE(nn->last_err_info);

	for (h = 0; h < NFPE_HOOK_NUM; h++) {
		struct nfpe_prog_stats ps;

		/* zeros when nothing is attached or the command failed */
		nfpe_offload_prog_stats(port, h, &ps);
		*data++ = ps.runs;
		*data++ = ps.insns;
		*data++ = ps.cycles;
		*data++ = ps.errors;
	}

	for (q = 0; q < port->num_queues; q++) {
		struct nfpe_rx_stats *rs = &port->r_vecs[q].rx.stats;
		struct nfpe_tx_stats *ts = &port->r_vecs[q].tx.stats;
		struct nfpe_tx_stats *cs = &port->r_vecs[q].tx.cstats;
		u64 v[NFPE_N_RXQ], w[NFPE_N_TXQ];

		do {
			start = u64_stats_fetch_begin(&rs->syncp);
			v[0] = rs->packets;
			v[1] = rs->bytes;
			v[2] = rs->errors;
			v[3] = rs->meta_errors;
			v[4] = rs->alloc_fail;
			v[5] = rs->dropped;
			v[6] = rs->xdp_drop;
			v[7] = rs->xdp_pass;
			v[8] = rs->xdp_tx;
			v[9] = rs->xdp_redirect;
			v[10] = rs->xdp_aborted;
			v[11] = rs->xdp_tx_fail;
		} while (u64_stats_fetch_retry(&rs->syncp, start));
		do {
			start = u64_stats_fetch_begin(&cs->syncp);
			w[0] = cs->packets;
			w[1] = cs->bytes;
			w[2] = cs->errors;
		} while (u64_stats_fetch_retry(&cs->syncp, start));
		do {
			start = u64_stats_fetch_begin(&ts->syncp);
			w[3] = ts->busy;
			w[4] = ts->dropped;
			w[5] = ts->xdp_xmit;
		} while (u64_stats_fetch_retry(&ts->syncp, start));
		memcpy(data, v, sizeof(v));
		data += NFPE_N_RXQ;
		memcpy(data, w, sizeof(w));
		data += NFPE_N_TXQ;
	}
}

static void nfpe_get_ringparam(struct net_device *netdev,
			       struct ethtool_ringparam *ring,
			       struct kernel_ethtool_ringparam *kring,
			       struct netlink_ext_ack *extack)
{
	ring->rx_max_pending = NFPE_RING_MAX;
	ring->tx_max_pending = NFPE_RING_MAX;
	/* read-only: the rx_ring_size / tx_ring_size module parameters */
	ring->rx_pending = nfpe_rx_ring_entries();
	ring->tx_pending = nfpe_tx_ring_entries();
}

static void nfpe_get_channels(struct net_device *netdev,
			      struct ethtool_channels *ch)
{
	struct nfpe_port *port = netdev_priv(netdev);

	ch->max_combined = port->num_queues;
	ch->combined_count = port->num_queues;
}

/*
 * Interrupt moderation.  The device has one pair of thresholds per queue,
 * IRQ_MOD_USECS and IRQ_MOD_PKTS, and applies it to the queue's TX ring and
 * RX ring alike (one vector serves both): the vector fires after that many
 * completions, or that long after the first unsignalled one.  So rx-* and
 * tx-* are one setting; every queue of the port gets the same.
 */
#define NFPE_COAL_USECS_DEF	50
#define NFPE_COAL_FRAMES_DEF	64
/* what the device accepts (docs/device.md) */
#define NFPE_COAL_USECS_MAX	1000000
#define NFPE_COAL_FRAMES_MAX	65535

void nfpe_coalesce_init(struct nfpe_port *port)
{
	port->coal_usecs = NFPE_COAL_USECS_DEF;
	port->coal_frames = NFPE_COAL_FRAMES_DEF;
}

static int nfpe_get_coalesce(struct net_device *netdev,
			     struct ethtool_coalesce *ec,
			     struct kernel_ethtool_coalesce *kec,
			     struct netlink_ext_ack *extack)
{
	struct nfpe_port *port = netdev_priv(netdev);

	ec->rx_coalesce_usecs = port->coal_usecs;
	ec->rx_max_coalesced_frames = port->coal_frames;
	ec->tx_coalesce_usecs = port->coal_usecs;
	ec->tx_max_coalesced_frames = port->coal_frames;
	return 0;
}

/*
 * The new value of a setting the device shares between rx-* and tx-*:
 * whichever of the two the request changed; both changed must agree.
 */
static int nfpe_coal_pick(u32 cur, u32 rx, u32 tx, u32 *val)
{
	if (rx != cur && tx != cur && rx != tx)
		return -EINVAL;
	*val = rx != cur ? rx : tx;
	return 0;
}

static int nfpe_set_coalesce(struct net_device *netdev,
			     struct ethtool_coalesce *ec,
			     struct kernel_ethtool_coalesce *kec,
			     struct netlink_ext_ack *extack)
{
	struct nfpe_port *port = netdev_priv(netdev);
	u32 usecs, frames;

	if (nfpe_coal_pick(port->coal_usecs, ec->rx_coalesce_usecs,
			   ec->tx_coalesce_usecs, &usecs) ||
	    nfpe_coal_pick(port->coal_frames, ec->rx_max_coalesced_frames,
			   ec->tx_max_coalesced_frames, &frames)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the device moderates a queue's TX and RX together: rx and tx values must be equal");
		return -EINVAL;
	}
	if (usecs > NFPE_COAL_USECS_MAX) {
		NL_SET_ERR_MSG_MOD(extack,
				   "usecs above the device's limit of 1000000");
		return -EINVAL;
	}
	if (frames > NFPE_COAL_FRAMES_MAX) {
		NL_SET_ERR_MSG_MOD(extack,
				   "frames above the device's limit of 65535");
		return -EINVAL;
	}
	/* a frame count alone would hold the end of a burst indefinitely */
	if (frames > 1 && !usecs) {
		NL_SET_ERR_MSG_MOD(extack,
				   "frames above 1 need usecs: the device has no other limit on how long the last frames of a burst wait");
		return -EINVAL;
	}
	port->coal_usecs = usecs;
	port->coal_frames = frames;
	nfpe_rings_write_coalesce(port);
	return 0;
}

const struct ethtool_ops nfpe_ethtool_ops = {
	.supported_coalesce_params = ETHTOOL_COALESCE_USECS |
				     ETHTOOL_COALESCE_MAX_FRAMES,
	.get_drvinfo		= nfpe_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= nfpe_get_sset_count,
	.get_strings		= nfpe_get_strings,
	.get_ethtool_stats	= nfpe_get_ethtool_stats,
	.get_ringparam		= nfpe_get_ringparam,
	.get_channels		= nfpe_get_channels,
	.get_coalesce		= nfpe_get_coalesce,
	.set_coalesce		= nfpe_set_coalesce,
};
