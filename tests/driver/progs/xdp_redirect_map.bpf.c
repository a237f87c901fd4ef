// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Native XDP scenario (driver-xdp-native): redirect every frame to the
 * device in slot 0 of the DEVMAP tx_port (set with bpftool map update);
 * an empty slot makes the redirect fail (the frame is dropped).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} tx_port SEC(".maps");

SEC("xdp")
int xdp_redirect_map(struct xdp_md *ctx)
{
	return bpf_redirect_map(&tx_port, 0, 0);
}

char _license[] SEC("license") = "GPL";
