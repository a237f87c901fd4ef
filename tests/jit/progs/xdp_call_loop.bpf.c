// SPDX-License-Identifier: GPL-2.0-or-later
/* A bpf-to-bpf call and a bounded loop: sum of the first 16 bytes. */
#include "common.h"

static __attribute__((noinline)) __u32 fold(__u32 sum, __u32 extra)
{
	sum = (sum & 0xffff) + (sum >> 16);
	return sum ^ extra;
}

SEC("xdp")
int xdp_call_loop(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	unsigned char *data_end = (void *)(long)ctx->data_end;
	__u32 sum = 0;
	int i;

	if (data + 16 > data_end)
		return XDP_PASS;
	for (i = 0; i < 16; i++) {
		if (data + i + 1 > data_end)
			break;
		sum += data[i] << ((i & 1) ? 0 : 8);
	}
	return fold(sum, ctx->rx_queue_index) & 3;
}

char _license[] SEC("license") = "GPL";
