// SPDX-License-Identifier: GPL-2.0-or-later
/* Offload test: pass frames of at least 14 bytes, abort shorter ones. */
#include "common.h"

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (data + ETH_HLEN > data_end)
		return XDP_ABORTED;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
