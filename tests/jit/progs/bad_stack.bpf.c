// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Refused: 256 + 256 bytes of eBPF stack is within the verifier's 512, but
 * the subprogram keeps a value in a callee-saved register across a helper
 * call, and the device saves those registers in the caller's local memory
 * too: the frames need more than the device's 512 bytes.
 */
#include "common.h"

static __attribute__((noinline)) int pick(int seed, int idx)
{
	volatile unsigned char buf[256];
	int i, r;

	for (i = 0; i < 256; i += 8)
		buf[i] = seed + i;
	r = bpf_get_prandom_u32();
	return buf[idx & 0xf8] ^ (r & 1) ^ seed;
}

SEC("xdp")
int bad_stack(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	unsigned char *data_end = (void *)(long)ctx->data_end;
	volatile unsigned char buf[256];
	int i, a;

	if (data + 16 > data_end)
		return XDP_PASS;
	a = data[14];
	for (i = 0; i < 256; i += 8)
		buf[i] = a ^ i;
	return (pick(data[15], a) + buf[a & 0xf8]) & 3;
}

char _license[] SEC("license") = "GPL";
