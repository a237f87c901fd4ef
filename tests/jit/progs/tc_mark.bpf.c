// SPDX-License-Identifier: GPL-2.0-or-later
/* cls_bpf direct-action: mark IPv4 packets, priority from the length. */
#include "common.h"
#include <linux/pkt_cls.h>

SEC("tc")
int tc_mark(struct __sk_buff *skb)
{
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	skb->mark = 0x2a;
	skb->priority = skb->len > 1000 ? 1 : 0;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
