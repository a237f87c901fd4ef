// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfp_ebpf: cls_bpf offload through tc flow blocks.
 *
 * The ingress block of a port gets one callback; cls_bpf calls it with
 * TC_SETUP_CLSBPF for each filter that may be offloaded.  The device runs
 * one direct-action program per port, after the XDP program, on chain 0;
 * the program must have been loaded for this device (skip_sw, which makes
 * tc load it with prog_ifindex).  Legacy actions are refused: with direct
 * action the program's verdict is the result and the actions never run.
 */
#include <linux/kernel.h>
#include <linux/netdevice.h>
#include <linux/if_ether.h>
#include <net/pkt_cls.h>
#include <net/flow_offload.h>

#include "nfpe.h"

static LIST_HEAD(nfpe_block_cb_list);

static int nfpe_cls_bpf_replace(struct nfpe_port *port,
				struct tc_cls_bpf_offload *cls)
{
	struct netlink_ext_ack *extack = cls->common.extack;
	struct bpf_prog *cur = port->offload.prog[NFPE_HOOK_TC];

	if (cls->prog &&
	    (!cls->exts_integrated || tcf_exts_has_actions(cls->exts))) {
		NL_SET_ERR_MSG_MOD(extack, "only direct action with no legacy actions supported");
		return -EOPNOTSUPP;
	}
	if (cls->common.protocol != htons(ETH_P_ALL)) {
		NL_SET_ERR_MSG_MOD(extack, "only ETH_P_ALL supported as filter protocol");
		return -EOPNOTSUPP;
	}
	/* one program per port: only the filter that owns it may change it */
	if (cls->oldprog != cur) {
		if (!cls->prog)
			return 0;	/* a filter that never made it here */
		NL_SET_ERR_MSG_MOD(extack, "only one cls_bpf program per port can be offloaded");
		return -EBUSY;
	}
	if (cls->prog && !bpf_prog_is_dev_bound(cls->prog->aux)) {
		NL_SET_ERR_MSG_MOD(extack, "program not loaded for this device: use skip_sw");
		return -EOPNOTSUPP;
	}
	if (cls->prog && !bpf_offload_dev_match(cls->prog, port->netdev)) {
		NL_SET_ERR_MSG_MOD(extack, "program was loaded for another device");
		return -EINVAL;
	}
	return nfpe_offload_attach(port, NFPE_HOOK_TC, cls->prog, extack);
}

/*
 * tc asks on every dump of the filter.  cls_bpf keeps counts only in a
 * filter's actions (tcf_exts_hw_stats_update()), and an offloaded filter
 * has none: refused above, since with direct action they never run.  So
 * there is nothing to update and `tc -s filter show` prints no counts; the
 * device's counts of the program are in ethtool -S (tc_prog_*).
 */
static int nfpe_cls_bpf_stats(struct nfpe_port *port,
			      struct tc_cls_bpf_offload *cls)
{
	if (!cls->prog || cls->prog != port->offload.prog[NFPE_HOOK_TC])
		return -EOPNOTSUPP;
	return 0;
}

static int nfpe_setup_tc_block_cb(enum tc_setup_type type, void *type_data,
				  void *cb_priv)
{
	struct tc_cls_bpf_offload *cls = type_data;
	struct nfpe_port *port = cb_priv;

	if (type != TC_SETUP_CLSBPF)
		return -EOPNOTSUPP;
	if (!tc_cls_can_offload_and_chain0(port->netdev, &cls->common))
		return -EOPNOTSUPP;

	switch (cls->command) {
	case TC_CLSBPF_OFFLOAD:
		return nfpe_cls_bpf_replace(port, cls);
	case TC_CLSBPF_STATS:
		return nfpe_cls_bpf_stats(port, cls);
	default:
		return -EOPNOTSUPP;
	}
}

int nfpe_setup_tc(struct net_device *netdev, enum tc_setup_type type,
		  void *type_data)
{
	struct nfpe_port *port = netdev_priv(netdev);

	switch (type) {
	case TC_SETUP_BLOCK:
		return flow_block_cb_setup_simple(type_data,
						  &nfpe_block_cb_list,
						  nfpe_setup_tc_block_cb,
						  port, port, true);
	default:
		return -EOPNOTSUPP;
	}
}
