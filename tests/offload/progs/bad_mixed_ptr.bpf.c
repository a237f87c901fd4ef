// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Refused: one load reads the packet on one path and the stack on the
 * other.  The device has one address space per instruction.  Written in
 * BPF assembly so that clang cannot duplicate the load into each path.
 */
#include "common.h"

SEC("xdp")
int bad_mixed_ptr(struct xdp_md *ctx)
{
	__u64 r;

	asm volatile("r2 = *(u32 *)(%[ctx] + 0)\n"
		     "r3 = *(u32 *)(%[ctx] + 4)\n"
		     "r4 = r2\n"
		     "r4 += 8\n"
		     "r5 = 0\n"
		     "*(u64 *)(r10 - 8) = r5\n"
		     "if r4 <= r3 goto +2\n"
		     "r2 = r10\n"
		     "r2 += -8\n"
		     "%[r] = *(u8 *)(r2 + 0)\n"
		     : [r] "=r"(r)
		     : [ctx] "r"(ctx)
		     : "r2", "r3", "r4", "r5", "memory");
	return r ? XDP_PASS : XDP_DROP;
}

char _license[] SEC("license") = "GPL";
