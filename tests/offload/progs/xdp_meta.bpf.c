// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Offload test: the offloaded XDP program puts 4 bytes of metadata in
 * front of the frame (bpf_xdp_adjust_meta) and passes it; the host's tc
 * program tc_read_meta reads them through data_meta.
 */
#include "common.h"

#define META_MAGIC 0x600df00d

SEC("xdp")
int xdp_meta(struct xdp_md *ctx)
{
	void *data, *meta;

	if (bpf_xdp_adjust_meta(ctx, -4))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	meta = (void *)(long)ctx->data_meta;
	if (meta + 4 > data)
		return XDP_ABORTED;
	*(__u32 *)meta = META_MAGIC;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
