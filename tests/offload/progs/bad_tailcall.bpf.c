// SPDX-License-Identifier: GPL-2.0-or-later
/* Refused: tail calls (and their PROG_ARRAY) cannot be offloaded. */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} jt SEC(".maps");

SEC("xdp")
int bad_tailcall(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jt, 0);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
