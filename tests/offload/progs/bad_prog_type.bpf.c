// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Refusal test: a socket filter.  Only XDP and cls_bpf programs can be
 * loaded for a device: the kernel refuses the others (EINVAL) before the
 * driver sees them.
 */
#include "common.h"

SEC("socket")
int bad_prog_type(struct __sk_buff *skb)
{
	return skb->len;
}

char _license[] SEC("license") = "GPL";
