// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Differential test program: 32- and 64-bit ALU operations on packet
 * fields.  From a frame of at least 32 bytes it loads a u64, a u32, a u16
 * and a u8 at odd and even offsets, combines them with add, sub, mul, div,
 * mod (divisors from the packet: zero happens, and BPF defines x/0 = 0 and
 * x%0 = x), and, or, xor, shifts by packet-controlled amounts, arithmetic
 * shifts, negation and byte swaps, writes results back into the frame and
 * adds them to the ARRAY map acc.  The verdict is a result modulo 3
 * (drop, pass, tx).  Built twice: -mcpu=v1 (64-bit ops with masking) and
 * -mcpu=v3 (ALU32 and JMP32 instructions).
 */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} acc SEC(".maps");

static __always_inline void acc_add(__u32 k, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&acc, &k);

	if (v)
		__sync_fetch_and_add(v, n);
}

static __always_inline void acc_set(__u32 k, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&acc, &k);

	if (v)
		*v = n;
}

SEC("xdp")
int diff_alu(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u64 len = end - data;
	__u64 a, r64, q, m;
	__u32 b, x, y;
	__s64 s;
	__s32 s32;
	__u16 c;
	__u8 d;

	if (data + 32 > end) {
		/* short frames: arithmetic on the length only */
		r64 = len * 0x9e3779b97f4a7c15ULL;
		acc_add(0, r64 >> 3);
		acc_set(1, (__u32)len * 2654435761u);
		return XDP_PASS;
	}
	a = *(__u64 *)(data + 14);
	b = *(__u32 *)(data + 23);
	c = *(__u16 *)(data + 27);
	d = *(__u8 *)(data + 29);

	/* 64 bits */
	r64 = a + b;
	r64 *= (__u64)c | 1;
	r64 ^= a >> (d & 63);
	s = (__s64)a >> (c & 63);
	r64 -= (__u64)s;
	q = a / b;			/* b may be 0: q = 0 */
	m = a % c;			/* c may be 0: m = a */
	r64 += q ^ m;
	r64 = (r64 << (d & 7)) | (r64 >> (64 - (d & 7) - 1) >> 1);
	r64 += bpf_be64_to_cpu(a) & 0xffff0000ffffULL;

	/* 32 bits */
	x = (__u32)a * b;
	x += c - d;
	y = d ? x / d : x;
	y ^= c ? x % c : 0xdead;
	y |= b / ((__u32)c + 1);
	x <<= d & 31;
	s32 = (__s32)b >> (c & 31);
	x += (__u32)s32;
	x = -x;
	x ^= bpf_ntohl(b);
	y -= x & 0x0ff0ff0f;

	*(__u64 *)(data + 14) = r64;
	*(__u32 *)(data + 22) = x;
	*(__u16 *)(data + 26) = (__u16)(y ^ (y >> 16));
	*(__u8 *)(data + 31) = (__u8)(r64 >> 56) + d;

	acc_add(2, r64);
	acc_add(3, x);
	acc_add(4, y);
	acc_set(5, q);
	acc_set(6, m);
	acc_set(7, (__u64)s);
	switch ((x ^ (__u32)r64) % 3) {
	case 0:
		return XDP_DROP;
	case 1:
		return XDP_PASS;
	default:
		return XDP_TX;
	}
}

char _license[] SEC("license") = "GPL";
