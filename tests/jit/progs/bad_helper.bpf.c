// SPDX-License-Identifier: GPL-2.0-or-later
/* Refused: bpf_redirect runs on the host only. */
#include "common.h"

SEC("xdp")
int bad_helper(struct xdp_md *ctx)
{
	return bpf_redirect(3, 0);
}

char _license[] SEC("license") = "GPL";
