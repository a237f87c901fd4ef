// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The demo's program: count packets per IP protocol in an ARRAY map,
 * drop UDP to the discard port (9), pass everything else.  Written for
 * offload: only ARRAY/HASH maps and helpers the device runs.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} proto_count SEC(".maps");

SEC("xdp")
int xdp_demo(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;
	__u32 key;
	__u64 *cnt;

	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	key = ip->protocol;
	cnt = bpf_map_lookup_elem(&proto_count, &key);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	if (ip->protocol != IPPROTO_UDP || ip->ihl != 5)
		return XDP_PASS;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return XDP_PASS;
	if (udp->dest == bpf_htons(9))
		return XDP_DROP;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
