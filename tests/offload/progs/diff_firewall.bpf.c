// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Differential test program: a small stateful firewall.  Parses Ethernet,
 * one optional 802.1Q tag, IPv4 (with options: variable header length) or
 * IPv6, then TCP/UDP ports, with a bounds check before every access.
 *   - IPv4 fragments, bad versions and header lengths: drop
 *   - TCP to port 23: drop
 *   - a TCP SYN to port 22 puts the source address in the HASH map
 *     blocked; a TCP RST from it deletes it again; other frames from a
 *     blocked address: drop
 *   - every TCP/UDP flow (protocol, source address, destination port) is
 *     counted in the HASH map flows (8 entries: later flows fail to insert,
 *     counted); a flow's 4th and later frames: drop
 *   - the rest: pass
 * ARRAY map stats: [0] frames, [1] not IP, [2] truncated, [3] insert
 * failures, [4] drops, [5] passes, [6] bytes of passed frames.
 */
#include "common.h"
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>

struct flow {
	__u32 addr;
	__u16 port;
	__u8 proto;
	__u8 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, struct flow);
	__type(value, __u64);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} blocked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 7);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static __always_inline void stat_add(__u32 k, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &k);

	if (v)
		__sync_fetch_and_add(v, n);
}

static __always_inline int verdict(int act, __u64 len)
{
	if (act == XDP_DROP) {
		stat_add(4, 1);
	} else {
		stat_add(5, 1);
		stat_add(6, len);
	}
	return act;
}

SEC("xdp")
int diff_firewall(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u64 len = end - data;
	struct ethhdr *eth = data;
	struct flow f = {};
	struct ipv6hdr *ip6;
	struct tcphdr *tcp;
	struct iphdr *ip;
	__u16 proto;
	__u64 *cnt, one = 1;
	__u32 val = 1;
	void *l3, *l4;

	stat_add(0, 1);
	if ((void *)(eth + 1) > end) {
		stat_add(2, 1);
		return verdict(XDP_DROP, len);
	}
	proto = eth->h_proto;
	l3 = eth + 1;
	if (proto == bpf_htons(ETH_P_8021Q)) {
		if (l3 + 4 > end) {
			stat_add(2, 1);
			return verdict(XDP_DROP, len);
		}
		proto = *(__u16 *)(l3 + 2);
		l3 += 4;
	}
	if (proto == bpf_htons(ETH_P_IP)) {
		ip = l3;
		if ((void *)(ip + 1) > end) {
			stat_add(2, 1);
			return verdict(XDP_DROP, len);
		}
		if (ip->version != 4 || ip->ihl < 5)
			return verdict(XDP_DROP, len);
		if (ip->frag_off & bpf_htons(0x3fff))
			return verdict(XDP_DROP, len);
		f.addr = ip->saddr;
		f.proto = ip->protocol;
		l4 = l3 + ip->ihl * 4;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		ip6 = l3;
		if ((void *)(ip6 + 1) > end) {
			stat_add(2, 1);
			return verdict(XDP_DROP, len);
		}
		/* fold the 128-bit source address into 32 bits */
		f.addr = ip6->saddr.in6_u.u6_addr32[0] ^ ip6->saddr.in6_u.u6_addr32[1] ^
			 ip6->saddr.in6_u.u6_addr32[2] ^ ip6->saddr.in6_u.u6_addr32[3];
		f.proto = ip6->nexthdr;
		l4 = ip6 + 1;
	} else {
		stat_add(1, 1);
		return verdict(XDP_PASS, len);
	}
	if (f.proto != IPPROTO_TCP && f.proto != IPPROTO_UDP)
		return verdict(XDP_PASS, len);
	if (l4 + sizeof(struct udphdr) > end) {
		stat_add(2, 1);
		return verdict(XDP_DROP, len);
	}
	f.port = bpf_ntohs(((struct udphdr *)l4)->dest);
	if (f.proto == IPPROTO_TCP) {
		tcp = l4;
		if ((void *)(tcp + 1) > end) {
			stat_add(2, 1);
			return verdict(XDP_DROP, len);
		}
		if (f.port == 23)
			return verdict(XDP_DROP, len);
		if (tcp->syn && f.port == 22) {
			bpf_map_update_elem(&blocked, &f.addr, &val, BPF_ANY);
			return verdict(XDP_PASS, len);
		}
		if (tcp->rst) {
			bpf_map_delete_elem(&blocked, &f.addr);
			return verdict(XDP_PASS, len);
		}
	}
	if (bpf_map_lookup_elem(&blocked, &f.addr))
		return verdict(XDP_DROP, len);
	cnt = bpf_map_lookup_elem(&flows, &f);
	if (cnt) {
		__sync_fetch_and_add(cnt, 1);
		if (*cnt > 3)
			return verdict(XDP_DROP, len);
	} else if (bpf_map_update_elem(&flows, &f, &one, BPF_NOEXIST)) {
		stat_add(3, 1);
	}
	return verdict(XDP_PASS, len);
}

char _license[] SEC("license") = "GPL";
