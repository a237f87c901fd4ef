// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Soak test program: count frames per key in an offloaded ARRAY map, then
 * drop.  Key = UDP source port - 4000 for ports 4000..4006, key 7 for
 * anything else (must stay 0: the host sends only those ports).  Keys
 * 8..15 belong to the guest's map-update churn; the program never touches
 * them.
 *
 * Built twice: -DSOAK_B gives an equivalent program with other instructions
 * (the port read byte by byte), so that replacing one with the other is a
 * real program change sharing the same map.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define SOAK_PORT0	4000
#define SOAK_OTHER	7

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline __u32 soak_key(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct udphdr *udp = data + sizeof(*eth) + sizeof(*ip);
	__u32 port;

	if ((void *)(udp + 1) > end)
		return SOAK_OTHER;
	if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 ||
	    ip->protocol != IPPROTO_UDP)
		return SOAK_OTHER;
#ifdef SOAK_B
	port = ((__u8 *)&udp->source)[0] << 8 | ((__u8 *)&udp->source)[1];
#else
	port = bpf_ntohs(udp->source);
#endif
	if (port < SOAK_PORT0 || port >= SOAK_PORT0 + SOAK_OTHER)
		return SOAK_OTHER;
	return port - SOAK_PORT0;
}

SEC("xdp")
int xdp_soak(struct xdp_md *ctx)
{
	__u32 k = soak_key(ctx);
	__u64 *v;

	v = bpf_map_lookup_elem(&counts, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
