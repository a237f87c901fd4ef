// SPDX-License-Identifier: GPL-2.0-or-later
/* Refused: a helper the device does not run. */
#include "common.h"

SEC("xdp")
int bad_helper(struct xdp_md *ctx)
{
	return bpf_get_smp_processor_id() ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";
