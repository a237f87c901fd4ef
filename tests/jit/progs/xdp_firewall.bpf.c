// SPDX-License-Identifier: GPL-2.0-or-later
/* 5-tuple firewall: drop flows listed in a hash map, count hits. */
#include "common.h"

struct flow {
	__u32 saddr, daddr;
	__u16 sport, dport;
	__u32 proto;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct flow);
	__type(value, __u64);
} blocked SEC(".maps");

SEC("xdp")
int xdp_firewall(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	struct flow f = {};
	__u64 *hits;

	if ((void *)(udp + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5)
		return XDP_PASS;
	if (ip->protocol != IPPROTO_UDP && ip->protocol != IPPROTO_TCP)
		return XDP_PASS;
	f.saddr = ip->saddr;
	f.daddr = ip->daddr;
	f.sport = udp->source;
	f.dport = udp->dest;
	f.proto = ip->protocol;
	hits = bpf_map_lookup_elem(&blocked, &f);
	if (!hits)
		return XDP_PASS;
	__sync_fetch_and_add(hits, 1);
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
