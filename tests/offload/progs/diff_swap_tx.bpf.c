// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Differential test program: reflect IPv4/UDP frames (swap MACs, IPv4
 * addresses and UDP ports, XDP_TX), drop IPv4/TCP, abort on an IPv4 frame
 * too short for its header, pass the rest.  No maps: the verdict and the
 * rewritten bytes are the whole result.
 */
#include "common.h"
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>

SEC("xdp")
int diff_swap_tx(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct udphdr *udp;
	struct iphdr *ip;
	__u8 mac[ETH_ALEN];
	__u32 addr;
	__u16 port;

	if ((void *)(eth + 1) > end)
		return XDP_ABORTED;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end)
		return XDP_ABORTED;
	if (ip->protocol == IPPROTO_TCP)
		return XDP_DROP;
	if (ip->protocol != IPPROTO_UDP || ip->ihl != 5)
		return XDP_PASS;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end)
		return XDP_PASS;
	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
	addr = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = addr;
	port = udp->source;
	udp->source = udp->dest;
	udp->dest = port;
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
