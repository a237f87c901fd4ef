// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Differential test program, cls_bpf direct action: reads the IP protocol
 * with an absolute load (ld_abs: out of bounds ends the program with 0,
 * TC_ACT_OK, as the kernel defines), then through direct packet access:
 *   IPv4/UDP to port 9: TC_ACT_SHOT
 *   IPv4 with TTL > 1: decrement the TTL, update the header checksum
 *     incrementally (RFC 1624), set mark 0x2a on TCP; ICMP returns
 *     TC_ACT_PIPE (3: the ingress hook passes it), the rest TC_ACT_OK
 *   IPv4 with TTL <= 1: TC_ACT_SHOT
 *   anything else: TC_ACT_UNSPEC (-1: pass)
 * ARRAY map seen counts frames per IP protocol byte modulo 8 and bytes
 * (skb->len) in key 8.
 */
#include "common.h"
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>

unsigned long long load_byte(void *skb, unsigned long long off)
	asm("llvm.bpf.load.byte");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 9);
	__type(key, __u32);
	__type(value, __u64);
} seen SEC(".maps");

static __always_inline void seen_add(__u32 k, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&seen, &k);

	if (v)
		__sync_fetch_and_add(v, n);
}

SEC("tc")
int diff_tc(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct udphdr *udp;
	struct iphdr *ip;
	__u32 proto, sum;

	proto = load_byte(skb, ETH_HLEN + offsetof(struct iphdr, protocol));
	seen_add(proto & 7, 1);
	seen_add(8, skb->len);
	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_UNSPEC;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || ip->ihl < 5)
		return TC_ACT_UNSPEC;
	if (ip->protocol == IPPROTO_UDP) {
		udp = (void *)ip + ip->ihl * 4;
		if ((void *)(udp + 1) <= end && udp->dest == bpf_htons(9))
			return TC_ACT_SHOT;
	}
	if (ip->ttl <= 1)
		return TC_ACT_SHOT;
	/* TTL is the high byte of its 16-bit word: the sum gains 0x0100 */
	ip->ttl--;
	sum = (__u32)(__u16)~bpf_ntohs(ip->check) + 0xfeff;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	ip->check = bpf_htons((__u16)~sum);
	if (ip->protocol == IPPROTO_TCP)
		skb->mark = 0x2a;
	return ip->protocol == IPPROTO_ICMP ? TC_ACT_PIPE : TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
