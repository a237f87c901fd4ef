// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Differential test program: what the others leave out.
 *   - a bpf-to-bpf call (a subprogram that is not inlined) running a
 *     bounded loop: 16-bit one's complement sum over up to 64 bytes after
 *     the Ethernet header, each byte bounds-checked
 *   - signed comparisons (64- and 32-bit) of packet-derived values
 *   - map helper error codes: BPF_EXIST on a missing key (-ENOENT),
 *     BPF_NOEXIST on a present one (-EEXIST), delete of a missing key
 *     (-ENOENT), delete on an ARRAY (-EINVAL), update past an ARRAY's end
 *     (-E2BIG), lookup past its end (NULL)
 *   - a HASH map with a 6-byte key (source MAC) and a 12-byte value, and
 *     a 32-bit atomic add
 * Verdict: from the signed comparisons (drop, pass or tx).
 */
#include "common.h"

struct macstat {
	__u32 frames;
	__u32 bytes;
	__u16 last_len;
	__u16 sum;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__uint(key_size, 6);
	__uint(value_size, sizeof(struct macstat));
} bymac SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __s64);
} codes SEC(".maps");

/*
 * Only the low 32 bits of a map helper's result are compared: Linux 6.1's
 * map ops return int, and with the BPF JIT the verifier calls them
 * directly, so the high half of r0 is whatever the x86 code left (zero in
 * practice: 0x00000000fffffffe for -ENOENT).  Newer kernels return long
 * (the 6.18 host kernel gives 0xfffffffffffffffe), as the device does.
 */
static __always_inline void code(__u32 k, long r)
{
	__s64 *v = bpf_map_lookup_elem(&codes, &k);

	if (v)
		*v = (__s32)r;
}

static __noinline __u32 csum_payload(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 sum = 0;
	__u8 *p;
	int i;

	for (i = 0; i < 64; i++) {
		p = data + 14 + i;
		if ((void *)(p + 1) > end)
			break;
		sum += i & 1 ? *p : (__u32)*p << 8;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

SEC("xdp")
int diff_misc(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 len = end - data, sum, k;
	struct macstat ms = {}, *m;
	__u8 mac[6];
	__s64 a, b;
	__s32 c;
	__s64 one = 1;

	if (data + 14 > end)
		return XDP_ABORTED;
	sum = csum_payload(ctx);
	__builtin_memcpy(mac, data + 6, 6);
	m = bpf_map_lookup_elem(&bymac, mac);
	if (m) {
		__sync_fetch_and_add(&m->frames, 1);
		m->bytes += len;
		m->last_len = (__u16)len;
		m->sum = (__u16)sum;
		code(0, bpf_map_update_elem(&bymac, mac, m, BPF_NOEXIST));
	} else {
		code(1, bpf_map_update_elem(&bymac, mac, &ms, BPF_EXIST));
		ms.frames = 1;
		ms.bytes = len;
		ms.last_len = (__u16)len;
		ms.sum = (__u16)sum;
		code(2, bpf_map_update_elem(&bymac, mac, &ms, BPF_NOEXIST));
	}
	k = 0;
	code(3, bpf_map_delete_elem(&codes, &k));
	k = 8 + (len & 3);
	code(4, bpf_map_update_elem(&codes, &k, &one, BPF_ANY));
	code(5, bpf_map_lookup_elem(&codes, &k) != NULL);
	mac[0] ^= 0xff;
	code(6, bpf_map_delete_elem(&bymac, mac));

	/* signed: the checksum and the length as two's complement values */
	a = (__s64)(__s16)sum;
	b = 700 - (__s64)len;
	c = (__s32)(sum << 16) >> 16;
	code(7, a * b);
	if (a < b && c > -20000)
		return XDP_PASS;
	if ((__s32)len - 1000 < c)
		return XDP_TX;
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
