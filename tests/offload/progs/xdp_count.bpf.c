// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Offload test: count frames and bytes in an offloaded ARRAY map, then
 * drop.  Key 0: frames, key 1: bytes; keys 2..7 are the host's (the
 * test writes them while the device counts).
 */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	__u64 len = ctx->data_end - ctx->data;
	__u32 k = 0;
	__u64 *v;

	v = bpf_map_lookup_elem(&counts, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	k = 1;
	v = bpf_map_lookup_elem(&counts, &k);
	if (v)
		__sync_fetch_and_add(v, len);
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
