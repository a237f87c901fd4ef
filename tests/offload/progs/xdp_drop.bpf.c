// SPDX-License-Identifier: GPL-2.0-or-later
/* Offload test: drop every frame. */
#include "common.h"

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
