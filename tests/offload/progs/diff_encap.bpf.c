// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Differential test program: bpf_xdp_adjust_head and bpf_xdp_adjust_tail.
 *   VLAN-tagged frame: pop the tag (move the MACs, adjust_head +4), XDP_PASS
 *   IPv4/UDP: push an 802.1Q tag with VID = UDP dport & 0xfff, XDP_TX
 *   IPv4/ICMP: grow the tail by 6 (the kernel zeroes grown bytes), set the
 *     TOS byte, XDP_TX
 *   IPv4/TCP: frames over 1000 bytes are cut to 100, others lose 4 bytes,
 *     XDP_PASS
 *   IPv4/GRE: move the head 217 bytes up (past the headroom: must fail),
 *     216 (must work), and back, XDP_PASS
 *   anything shorter than 20 bytes: try to cut 8 (below the Ethernet
 *     header: must fail), XDP_PASS
 * Every helper's return value goes into the ARRAY map rets (key: which
 * call), so both sides' error codes are compared too.
 */
#include "common.h"
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __s64);
} rets SEC(".maps");

static __always_inline void put_ret(__u32 k, long r)
{
	__s64 *v = bpf_map_lookup_elem(&rets, &k);

	if (v)
		*v = r;
}

SEC("xdp")
int diff_encap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 len = end - data;
	struct ethhdr *eth = data;
	struct udphdr *udp;
	struct iphdr *ip;
	__u16 *w;
	__u8 *p;
	__u16 vid;
	long r;
	int i;

	if (len < 20) {
		put_ret(0, bpf_xdp_adjust_tail(ctx, -8));
		return XDP_PASS;
	}
	if ((void *)(eth + 1) > end)
		return XDP_ABORTED;
	if (eth->h_proto == bpf_htons(ETH_P_8021Q)) {
		w = data;
		if ((void *)(w + 8) > end)
			return XDP_DROP;
		/* overlapping move by 4 bytes: from the top down */
		for (i = 5; i >= 0; i--)
			w[i + 2] = w[i];
		r = bpf_xdp_adjust_head(ctx, 4);
		put_ret(1, r);
		return r ? XDP_ABORTED : XDP_PASS;
	}
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end)
		return XDP_DROP;
	if (ip->protocol == IPPROTO_UDP) {
		udp = (void *)ip + ip->ihl * 4;
		if (ip->ihl < 5 || (void *)(udp + 1) > end)
			return XDP_DROP;
		vid = bpf_ntohs(udp->dest) & 0xfff;
		r = bpf_xdp_adjust_head(ctx, -4);
		put_ret(2, r);
		if (r)
			return XDP_ABORTED;
		data = (void *)(long)ctx->data;
		end = (void *)(long)ctx->data_end;
		w = data;
		if ((void *)(w + 9) > end)
			return XDP_ABORTED;
		for (i = 0; i < 6; i++)
			w[i] = w[i + 2];
		w[6] = bpf_htons(ETH_P_8021Q);
		w[7] = bpf_htons(vid);
		return XDP_TX;
	}
	if (ip->protocol == IPPROTO_ICMP) {
		r = bpf_xdp_adjust_tail(ctx, 6);
		put_ret(3, r);
		if (r)
			return XDP_ABORTED;
		data = (void *)(long)ctx->data;
		end = (void *)(long)ctx->data_end;
		/* the IPv4 TOS byte: the grown tail stays as the helper left it */
		p = data + 15;
		if ((void *)(p + 1) > end)
			return XDP_ABORTED;
		*p = 0x5a;
		return XDP_TX;
	}
	if (ip->protocol == IPPROTO_GRE) {
		/* the headroom's edge: 216 bytes (256 less the 40 reserved) */
		put_ret(5, bpf_xdp_adjust_head(ctx, -217));
		r = bpf_xdp_adjust_head(ctx, -216);
		put_ret(6, r);
		if (!r)
			put_ret(7, bpf_xdp_adjust_head(ctx, 216));
		return XDP_PASS;
	}
	if (ip->protocol == IPPROTO_TCP) {
		r = bpf_xdp_adjust_tail(ctx, len > 1000 ? 100 - (int)len : -4);
		put_ret(4, r);
		return XDP_PASS;
	}
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
