// SPDX-License-Identifier: GPL-2.0-or-later
/* Two trivial programs in one object: chosen by section or name. */
#include "common.h"

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
