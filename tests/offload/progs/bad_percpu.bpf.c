// SPDX-License-Identifier: GPL-2.0-or-later
/* Refused: per-CPU maps cannot be offloaded in Linux 6.1. */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} pcpu SEC(".maps");

SEC("xdp")
int bad_percpu(struct xdp_md *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&pcpu, &k);

	if (v)
		*v += 1;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
