// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Host-side (skip_hw) cls_bpf: counts the frames that reach the guest's
 * stack with mark 0x2a (key 0) and with another mark (key 1).
 */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} marks SEC(".maps");

SEC("tc")
int tc_count_mark(struct __sk_buff *skb)
{
	__u32 k = skb->mark == 0x2a ? 0 : 1;
	__u64 *v = bpf_map_lookup_elem(&marks, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
