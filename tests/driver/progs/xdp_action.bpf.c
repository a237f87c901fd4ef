// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Native XDP scenario (driver-xdp-native): one program per action, built
 * from this file with -DPROG_NAME=xdp_drop -DXDP_ACT=XDP_DROP and so on.
 * XDP_TX sends the frame back unchanged, so the host can compare it
 * byte for byte with what it sent.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int PROG_NAME(struct xdp_md *ctx)
{
	return XDP_ACT;
}

char _license[] SEC("license") = "GPL";
