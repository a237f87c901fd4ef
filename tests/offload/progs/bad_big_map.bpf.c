// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Refusal test: an ARRAY map with more entries than the device's
 * MAX_ENTRIES capability: the driver refuses the map (E2BIG), libbpf
 * reports it when it creates the map.
 */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 100000000);
	__type(key, __u32);
	__type(value, __u64);
} big SEC(".maps");

SEC("xdp")
int bad_big_map(struct xdp_md *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&big, &k);

	if (v)
		*v += 1;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
