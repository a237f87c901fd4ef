// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-engines-lb.bpf.c - a load-balancer-style XDP program for the
 * engine benchmark (bench-engines.c): parse Ethernet/IPv4/UDP-or-TCP,
 * look the 5-tuple up in a connection table (HASH); on a miss pick a
 * backend by a hash of the tuple (straight-line mixing, no loops: DPDK's
 * validator refuses loops); fetch the backend (ARRAY: IPv4 address and
 * MAC), rewrite destination MAC and IPv4 address, fix the IPv4 checksum
 * incrementally, swap the source MAC, count per backend, XDP_TX.
 */
#include "../jit/progs/common.h"
#include <linux/tcp.h>

struct flow {
	__u32 saddr, daddr;
	__u16 sport, dport;
	__u32 proto;
};

struct backend {
	__u32 addr;
	__u8 mac[6];
	__u16 pad;
	__u64 packets;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct flow);
	__type(value, __u32);
} conntrack SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct backend);
} backends SEC(".maps");

static __always_inline __u32 mix(__u32 a, __u32 b, __u32 c)
{
	a -= c; a ^= (c << 4) | (c >> 28); c += b;
	b -= a; b ^= (a << 6) | (a >> 26); a += c;
	c -= b; c ^= (b << 8) | (b >> 24); b += a;
	a -= c; a ^= (c << 16) | (c >> 16); c += b;
	return c ^ a ^ b;
}

static __always_inline __u16 csum_replace4(__u16 check, __u32 from, __u32 to)
{
	__u32 sum = (__u16)~check;

	sum += (__u16)~from + (__u16)~(from >> 16);
	sum += (__u16)to + (__u16)(to >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

SEC("xdp")
int xdp_lb(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *l4 = (void *)(ip + 1);
	struct flow f = {};
	struct backend *be;
	__u32 *slot, idx, old;

	if ((void *)(l4 + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5)
		return XDP_PASS;
	if (ip->protocol != IPPROTO_UDP && ip->protocol != IPPROTO_TCP)
		return XDP_PASS;
	if (ip->frag_off & bpf_htons(0x3fff))
		return XDP_PASS;
	f.saddr = ip->saddr;
	f.daddr = ip->daddr;
	f.sport = l4->source;
	f.dport = l4->dest;
	f.proto = ip->protocol;
	slot = bpf_map_lookup_elem(&conntrack, &f);
	if (slot)
		idx = *slot & 15;
	else
		idx = mix(f.saddr, f.daddr,
			  ((__u32)f.sport << 16 | f.dport) ^ f.proto) & 15;
	be = bpf_map_lookup_elem(&backends, &idx);
	if (!be)
		return XDP_ABORTED;
	old = ip->daddr;
	ip->daddr = be->addr;
	ip->check = csum_replace4(ip->check, old, be->addr);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, be->mac, ETH_ALEN);
	__sync_fetch_and_add(&be->packets, 1);
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
