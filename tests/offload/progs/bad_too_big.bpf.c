// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Refused: more microcode than the code store (8192 instructions) holds.
 * A hash over packet-dependent values, unrolled: nothing folds.
 */
#include "common.h"

SEC("xdp")
int bad_too_big(struct xdp_md *ctx)
{
	__u64 h = ctx->data_end - ctx->data;
	int i;

#pragma clang loop unroll(full)
	for (i = 0; i < 1500; i++) {
		h ^= h << 7;
		h += (__u64)i * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 11;
	}
	return h & 1 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
