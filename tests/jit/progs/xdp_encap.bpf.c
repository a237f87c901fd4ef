// SPDX-License-Identifier: GPL-2.0-or-later
/* Push an outer Ethernet header in front of the frame (adjust_head). */
#include "common.h"

SEC("xdp")
int xdp_encap(struct xdp_md *ctx)
{
	void *data, *data_end;
	struct ethhdr *outer, *inner;

	if (bpf_xdp_adjust_head(ctx, -(int)sizeof(struct ethhdr)))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	outer = data;
	inner = data + sizeof(*outer);
	if ((void *)(inner + 1) > data_end)
		return XDP_ABORTED;
	__builtin_memcpy(outer->h_dest, inner->h_source, ETH_ALEN);
	__builtin_memcpy(outer->h_source, inner->h_dest, ETH_ALEN);
	outer->h_proto = bpf_htons(0x88b5);	/* local experimental */
	return XDP_TX;
}

char _license[] SEC("license") = "GPL";
