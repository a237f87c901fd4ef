// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Two 256-byte stack frames (the verifier allows 512 bytes summed over the
 * call chain), each read at a variable offset: the front end must bound a
 * frame by the least offset the program can reach, not assume a whole
 * 512-byte frame for a variable-offset access.
 */
#include "common.h"

static __attribute__((noinline)) int pick(int seed, int idx)
{
	volatile unsigned char buf[256];
	int i;

	for (i = 0; i < 256; i += 8)
		buf[i] = seed + i;
	return buf[idx & 0xf8];
}

SEC("xdp")
int xdp_stack_frames(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	unsigned char *data_end = (void *)(long)ctx->data_end;
	volatile unsigned char buf[256];
	int i, a, b;

	if (data + 16 > data_end)
		return XDP_PASS;
	a = data[14];
	b = data[15];
	for (i = 0; i < 256; i += 8)
		buf[i] = a ^ i;
	return (pick(b, a) + buf[b & 0xf8]) & 3;
}

char _license[] SEC("license") = "GPL";
