/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfp_ebpf: RX metadata parsing (chained type nibbles, docs/hw-interface.md).
 *
 * A pure function of the bytes the device wrote: no device, skb or netdev
 * state, so KUnit tests it directly.
 */
#ifndef NFPE_META_H
#define NFPE_META_H

#include <linux/types.h>

struct nfpe_meta {
	u32 present;		/* bit (1 << enum nfpe_meta_type) per field */
	u32 hash;
	u32 hash_type;		/* enum nfpe_hash_type */
	u32 mark;
	u32 port;
	u32 xdp_len;		/* XDP metadata bytes ending at the frame */
};

enum nfpe_meta_err {
	NFPE_META_OK = 0,
	NFPE_META_E_LEN,	/* meta_len not a multiple of 4, or too short */
	NFPE_META_E_TRUNC,	/* a field runs past meta_len */
	NFPE_META_E_UNKNOWN,	/* a type this driver does not know */
	NFPE_META_E_REPEAT,	/* a type named twice */
	NFPE_META_E_TRAILER,	/* nibbles after the terminator */
	NFPE_META_E_HASH_TYPE,	/* hash type out of range */
	NFPE_META_E_PORT,	/* ingress port out of range */
	NFPE_META_E_XDP_LEN,	/* XDP area: bad length or position */
	NFPE_META_E_SLACK,	/* bytes left between the fields and the end */
};

int nfpe_meta_parse(const void *buf, unsigned int meta_len,
		    unsigned int num_ports, struct nfpe_meta *meta);

#endif /* NFPE_META_H */
