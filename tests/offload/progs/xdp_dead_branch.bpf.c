// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Accepted: a branch the verifier proves is never taken holds a memory
 * access the verifier never looked at (and that would not even be safe).
 * The driver must not ask the JIT about that dead path: the verifier
 * removes it after finalize.  Returns XDP_PASS.
 */
#include "common.h"

SEC("xdp")
int xdp_dead_branch(struct xdp_md *ctx)
{
	__u64 r;

	asm volatile("r2 = *(u32 *)(%[ctx] + 0)\n"
		     "r4 = 5\n"
		     "%[r] = 2\n"
		     "if r4 > 3 goto +1\n"
		     "%[r] = *(u8 *)(r2 + 0)\n"
		     : [r] "=r"(r)
		     : [ctx] "r"(ctx)
		     : "r2", "r4", "memory");
	return r;
}

char _license[] SEC("license") = "GPL";
