// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Offload test, host side (skip_hw): count the frames whose XDP metadata
 * (data_meta .. data) is the 4 bytes xdp_meta wrote (key 0), and the
 * others (key 1).
 */
#include "common.h"

#define META_MAGIC 0x600df00d

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} metas SEC(".maps");

SEC("tc")
int tc_read_meta(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *meta = (void *)(long)skb->data_meta;
	__u32 k = 1;
	__u64 *v;

	if (meta + 4 <= data && *(__u32 *)meta == META_MAGIC)
		k = 0;
	v = bpf_map_lookup_elem(&metas, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
