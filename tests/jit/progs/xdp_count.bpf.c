// SPDX-License-Identifier: GPL-2.0-or-later
/* Parse Ethernet + IPv4 and count packets per IP protocol in an array. */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u64);
} proto_count SEC(".maps");

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	__u32 key;
	__u64 *cnt;

	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_DROP;
	key = ip->protocol;
	cnt = bpf_map_lookup_elem(&proto_count, &key);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
