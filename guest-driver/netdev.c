// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfp_ebpf: one netdev per device port.
 *
 * ndo_open/ndo_stop bring the port's datapath up and down
 * (nfpe_dp_start()/nfpe_dp_stop(), also used by MTU changes and by device
 * recovery), link state comes from PORT_STATUS on NFPE_IRQ_LINK.
 */
#include <linux/kernel.h>
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/interrupt.h>
#include <linux/rtnetlink.h>

#include "nfpe.h"

void nfpe_port_link_update(struct nfpe_port *port)
{
	struct net_device *netdev = port->netdev;
	bool up;

	if (!READ_ONCE(port->dp_up)) {
		if (netif_carrier_ok(netdev))
			netif_carrier_off(netdev);
		return;
	}
	up = nfpe_port_rd(port, NFPE_PORT_STATUS) & NFPE_PORT_STATUS_LINK;
	if (up == netif_carrier_ok(netdev))
		return;
	port->nn->drv.link_changes++;
	if (up) {
		netif_carrier_on(netdev);
		netdev_info(netdev, "link up\n");
	} else {
		netif_carrier_off(netdev);
		netdev_info(netdev, "link down\n");
	}
}

/*
 * Bring the datapath up: rings, buffers, device registers, NAPI, queues.
 * Called with rtnl held (ndo_open, MTU change, recovery).
 */
int nfpe_dp_start(struct nfpe_port *port)
{
	struct net_device *netdev = port->netdev;
	u32 q;
	int err;

	err = nfpe_rings_alloc(port);
	if (err) {
		netdev_err(netdev, "cannot allocate rings: %d\n", err);
		return err;
	}
	nfpe_rings_hw_enable(port);
	WRITE_ONCE(port->dp_up, true);
	nfpe_port_write_rx_mode(port);
	local_bh_disable();
	for (q = 0; q < port->num_queues; q++) {
		napi_enable(&port->r_vecs[q].napi);
		/* the vector may have fired (and masked) while NAPI was off */
		nfpe_r_vec_arm(&port->r_vecs[q]);
		napi_schedule(&port->r_vecs[q].napi);
	}
	local_bh_enable();
	netif_tx_start_all_queues(netdev);
	nfpe_port_link_update(port);
	return 0;
}

/*
 * Take the datapath down: no more xmit, XDP redirects or polls, then the
 * device stops touching our memory, then the rings go.
 */
void nfpe_dp_stop(struct nfpe_port *port)
{
	struct net_device *netdev = port->netdev;
	u32 q;

	if (!port->dp_up)
		return;	/* never started, or a failed restart */
	netif_carrier_off(netdev);
	netif_tx_disable(netdev);
	WRITE_ONCE(port->dp_up, false);
	/* ndo_xdp_xmit callers run under RCU */
	synchronize_net();
	for (q = 0; q < port->num_queues; q++) {
		napi_disable(&port->r_vecs[q].napi);
		/* armed only by the poll, which cannot run any more */
		del_timer_sync(&port->r_vecs[q].refill_timer);
	}
	nfpe_rings_hw_disable(port);
	for (q = 0; q < port->num_queues; q++)
		if (port->r_vecs[q].irq_requested)
			synchronize_irq(port->r_vecs[q].irq);
	nfpe_rings_free(port);
}

static int nfpe_open(struct net_device *netdev)
{
	return nfpe_dp_start(netdev_priv(netdev));
}

static int nfpe_stop(struct net_device *netdev)
{
	nfpe_dp_stop(netdev_priv(netdev));
	return 0;
}

static int nfpe_change_mtu(struct net_device *netdev, int new_mtu)
{
	struct nfpe_port *port = netdev_priv(netdev);
	int old_mtu = netdev->mtu;
	int err;

	if (!netif_running(netdev)) {
		netdev->mtu = new_mtu;
		nfpe_port_wr(port, NFPE_PORT_MTU, new_mtu);
		return 0;
	}
	/* buffers are sized for the MTU: rebuild the rings */
	nfpe_dp_stop(port);
	netdev->mtu = new_mtu;
	err = nfpe_dp_start(port);
	if (!err)
		return 0;
	netdev_err(netdev, "MTU %d failed (%d), restoring %d\n", new_mtu, err,
		   old_mtu);
	netdev->mtu = old_mtu;
	if (nfpe_dp_start(port))
		netdev_err(netdev, "cannot restart the datapath\n");
	return err;
}

/*
 * The device accepts broadcast, multicast and its own MAC; other unicast
 * (a random MAC, secondary unicast addresses, promiscuous mode) needs
 * PROMISC.
 */
u32 nfpe_port_rx_ctrl(struct nfpe_port *port)
{
	struct net_device *netdev = port->netdev;
	u32 ctrl = NFPE_PORT_CTRL_ENABLE | NFPE_PORT_CTRL_RX_META;

	if (port->random_mac || (netdev->flags & IFF_PROMISC) ||
	    !netdev_uc_empty(netdev))
		ctrl |= NFPE_PORT_CTRL_PROMISC;
	return ctrl;
}

void nfpe_port_write_rx_mode(struct nfpe_port *port)
{
	if (!READ_ONCE(port->dp_up))
		return;
	nfpe_port_wr(port, NFPE_PORT_CTRL, nfpe_port_rx_ctrl(port));
}

static void nfpe_set_rx_mode(struct net_device *netdev)
{
	nfpe_port_write_rx_mode(netdev_priv(netdev));
}

static void nfpe_get_stats64(struct net_device *netdev,
			     struct rtnl_link_stats64 *s)
{
	struct nfpe_port *port = netdev_priv(netdev);
	unsigned int start;
	u32 q;

	for (q = 0; q < port->num_queues; q++) {
		struct nfpe_r_vec *r_vec = &port->r_vecs[q];
		struct nfpe_rx_stats *rs = &r_vec->rx.stats;
		struct nfpe_tx_stats *ts = &r_vec->tx.stats;
		struct nfpe_tx_stats *cs = &r_vec->tx.cstats;
		u64 a, b, c, d;

		do {
			start = u64_stats_fetch_begin(&rs->syncp);
			a = rs->packets;
			b = rs->bytes;
			c = rs->dropped;
			d = rs->errors + rs->meta_errors;
		} while (u64_stats_fetch_retry(&rs->syncp, start));
		s->rx_packets += a;
		s->rx_bytes += b;
		s->rx_dropped += c;
		s->rx_errors += d;

		do {
			start = u64_stats_fetch_begin(&cs->syncp);
			a = cs->packets;
			b = cs->bytes;
			c = cs->errors;
		} while (u64_stats_fetch_retry(&cs->syncp, start));
		s->tx_packets += a;
		s->tx_bytes += b;
		s->tx_errors += c;

		do {
			start = u64_stats_fetch_begin(&ts->syncp);
			a = ts->dropped;
		} while (u64_stats_fetch_retry(&ts->syncp, start));
		s->tx_dropped += a;
	}
}

static void nfpe_tx_timeout(struct net_device *netdev, unsigned int txq)
{
	struct nfpe_port *port = netdev_priv(netdev);

	port->tx_timeouts++;
	netdev_warn(netdev, "TX queue %u timed out: resetting the device\n",
		    txq);
	nfpe_schedule_reset(port->nn, "TX timeout");
}

static const struct net_device_ops nfpe_netdev_ops = {
	.ndo_open		= nfpe_open,
	.ndo_stop		= nfpe_stop,
	.ndo_start_xmit		= nfpe_start_xmit,
	.ndo_get_stats64	= nfpe_get_stats64,
	.ndo_change_mtu		= nfpe_change_mtu,
	.ndo_set_rx_mode	= nfpe_set_rx_mode,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_tx_timeout		= nfpe_tx_timeout,
	.ndo_bpf		= nfpe_ndo_bpf,
	.ndo_setup_tc		= nfpe_setup_tc,
	.ndo_xdp_xmit		= nfpe_xdp_xmit,
};

static void nfpe_port_read_mac(struct nfpe_port *port)
{
	struct net_device *netdev = port->netdev;
	u32 lo = nfpe_port_rd(port, NFPE_PORT_MAC_LO);
	u32 hi = nfpe_port_rd(port, NFPE_PORT_MAC_HI);
	u8 mac[ETH_ALEN];

	mac[0] = lo & 0xff;
	mac[1] = (lo >> 8) & 0xff;
	mac[2] = (lo >> 16) & 0xff;
	mac[3] = (lo >> 24) & 0xff;
	mac[4] = hi & 0xff;
	mac[5] = (hi >> 8) & 0xff;
	if (is_valid_ether_addr(mac)) {
		eth_hw_addr_set(netdev, mac);
		return;
	}
	eth_hw_addr_random(netdev);
	port->random_mac = true;
	dev_warn(&port->nn->pdev->dev,
		 "port %u: invalid MAC %pM from the device, using random %pM (promiscuous)\n",
		 port->idx, mac, netdev->dev_addr);
}

static void nfpe_port_free_irqs(struct nfpe_port *port)
{
	u32 q;

	for (q = 0; q < port->num_queues; q++) {
		struct nfpe_r_vec *r_vec = &port->r_vecs[q];

		if (r_vec->irq_requested)
			free_irq(r_vec->irq, r_vec);
		r_vec->irq_requested = false;
	}
}

/* Allocate the netdev, its NAPI contexts and ring vectors; not registered. */
struct nfpe_port *nfpe_port_alloc(struct nfpe_dev *nn, u32 idx)
{
	struct pci_dev *pdev = nn->pdev;
	struct net_device *netdev;
	struct nfpe_port *port;
	u32 q, max_mtu;
	int err;

	netdev = alloc_etherdev_mqs(sizeof(*port), nn->queues_per_port,
				    nn->queues_per_port);
	if (!netdev)
		return ERR_PTR(-ENOMEM);
	SET_NETDEV_DEV(netdev, &pdev->dev);
	port = netdev_priv(netdev);
	port->nn = nn;
	port->netdev = netdev;
	port->idx = idx;
	port->regs = nn->bar + NFPE_PORT_BASE(idx);
	port->num_queues = nn->queues_per_port;
	nfpe_coalesce_init(port);

	netdev->netdev_ops = &nfpe_netdev_ops;
	netdev->ethtool_ops = &nfpe_ethtool_ops;
	netdev->watchdog_timeo = 5 * HZ;
	netdev->hw_features = NETIF_F_RXHASH | NETIF_F_HW_TC;
	netdev->features = NETIF_F_RXHASH | NETIF_F_HW_TC;
	netdev->dev_port = idx;
	netdev->min_mtu = ETH_MIN_MTU;
	max_mtu = NFPE_RX_FRAME_MAX - NFPE_MAX_FRAME_EXTRA;
	if (nn->caps.mtu_max)
		max_mtu = min(max_mtu, nn->caps.mtu_max);
	netdev->max_mtu = max_mtu;
	netdev->mtu = min_t(u32, ETH_DATA_LEN, max_mtu);
	nfpe_port_read_mac(port);

	for (q = 0; q < port->num_queues; q++) {
		struct nfpe_r_vec *r_vec = &port->r_vecs[q];

		r_vec->port = port;
		r_vec->idx = q;
		r_vec->qregs = nn->bar + NFPE_QUEUE_BASE(idx, q);
		r_vec->vec = 1 + idx * nn->queues_per_port + q;
		r_vec->irq = pci_irq_vector(pdev, r_vec->vec);
		u64_stats_init(&r_vec->rx.stats.syncp);
		u64_stats_init(&r_vec->tx.stats.syncp);
		u64_stats_init(&r_vec->tx.cstats.syncp);
		netif_napi_add(netdev, &r_vec->napi, nfpe_poll);
		timer_setup(&r_vec->refill_timer, nfpe_rx_refill_retry, 0);
		snprintf(r_vec->irq_name, sizeof(r_vec->irq_name), "%s-p%uq%u",
			 NFPE_DRV_NAME, idx, q);
		err = request_irq(r_vec->irq, nfpe_ring_irq, 0, r_vec->irq_name,
				  r_vec);
		if (err) {
			dev_err(&pdev->dev, "port %u queue %u: cannot request IRQ %d: %d\n",
				idx, q, r_vec->irq, err);
			goto err;
		}
		r_vec->irq_requested = true;
	}
	return port;

err:
	nfpe_port_free(port);
	return ERR_PTR(err);
}

void nfpe_port_free(struct nfpe_port *port)
{
	u32 q;

	nfpe_port_free_irqs(port);
	for (q = 0; q < port->num_queues; q++)
		if (port->r_vecs[q].port)
			netif_napi_del(&port->r_vecs[q].napi);
	if (port->xdp_prog)
		bpf_prog_put(port->xdp_prog);
	free_netdev(port->netdev);
}

int nfpe_port_register(struct nfpe_port *port)
{
	int err;

	netif_carrier_off(port->netdev);
	err = register_netdev(port->netdev);
	if (err) {
		dev_err(&port->nn->pdev->dev, "port %u: register_netdev: %d\n",
			port->idx, err);
		return err;
	}
	err = nfpe_offload_port_register(port);
	if (err) {
		dev_err(&port->nn->pdev->dev, "port %u: BPF offload registration: %d\n",
			port->idx, err);
		unregister_netdev(port->netdev);
	}
	return err;
}

void nfpe_port_unregister(struct nfpe_port *port)
{
	rtnl_lock();
	/* the stack detaches XDP and tc programs here, the device unloads */
	unregister_netdevice(port->netdev);
	nfpe_offload_port_unregister(port);
	rtnl_unlock();
}
