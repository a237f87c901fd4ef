// SPDX-License-Identifier: GPL-2.0-or-later
/* Offload test (cls_bpf, direct action): mark every frame 0x2a. */
#include "common.h"

SEC("tc")
int tc_mark(struct __sk_buff *skb)
{
	skb->mark = 0x2a;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
