// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfp_ebpf: RX metadata parsing.
 *
 * Layout: a u32 of type nibbles (nibble 0 first, 0 ends the chain), the
 * words of each field in nibble order, then the XDP metadata area, which
 * must end exactly at meta_len (where the frame starts).  Everything is
 * checked: the device's bytes are never trusted.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/unaligned.h>

#include <nfpe/hw.h>

#include "meta.h"

static unsigned int nfpe_meta_words(u32 type)
{
	switch (type) {
	case NFPE_META_HASH:
		return 2;
	case NFPE_META_MARK:
	case NFPE_META_PORT:
	case NFPE_META_XDP:
		return 1;
	default:
		return 0;
	}
}

/**
 * nfpe_meta_parse() - parse RX metadata the device prepended to a frame
 * @buf: start of the metadata
 * @meta_len: metadata bytes, from the RX descriptor
 * @num_ports: ports of the device (bound for NFPE_META_PORT)
 * @meta: filled with the fields found
 *
 * Return: NFPE_META_OK, or an enum nfpe_meta_err naming the first problem.
 */
int nfpe_meta_parse(const void *buf, unsigned int meta_len,
		    unsigned int num_ports, struct nfpe_meta *meta)
{
	const u8 *p = buf;
	unsigned int off = 4, nwords, i;
	u32 types, type, val;

	memset(meta, 0, sizeof(*meta));
	if (!meta_len)
		return NFPE_META_OK;
	if (meta_len < 4 || meta_len % 4)
		return NFPE_META_E_LEN;

	types = get_unaligned_le32(p);
	for (i = 0; i < 32 / NFPE_META_TYPE_BITS; i++) {
		type = types & 0xf;
		types >>= NFPE_META_TYPE_BITS;
		if (!type)
			break;
		nwords = nfpe_meta_words(type);
		if (!nwords)
			return NFPE_META_E_UNKNOWN;
		if (meta->present & BIT(type))
			return NFPE_META_E_REPEAT;
		if (off + 4 * nwords > meta_len)
			return NFPE_META_E_TRUNC;
		meta->present |= BIT(type);
		val = get_unaligned_le32(p + off);
		switch (type) {
		case NFPE_META_HASH:
			meta->hash = val;
			meta->hash_type = get_unaligned_le32(p + off + 4);
			if (meta->hash_type > NFPE_HASH_TYPE_L4)
				return NFPE_META_E_HASH_TYPE;
			break;
		case NFPE_META_MARK:
			meta->mark = val;
			break;
		case NFPE_META_PORT:
			if (val >= num_ports)
				return NFPE_META_E_PORT;
			meta->port = val;
			break;
		case NFPE_META_XDP:
			if (val > NFPE_META_XDP_MAX || val % 4)
				return NFPE_META_E_XDP_LEN;
			meta->xdp_len = val;
			break;
		}
		off += 4 * nwords;
	}
	/* nothing may follow the terminating zero nibble */
	if (types)
		return NFPE_META_E_TRAILER;

	if (off + meta->xdp_len > meta_len)
		return meta->present & BIT(NFPE_META_XDP) ?
			NFPE_META_E_XDP_LEN : NFPE_META_E_TRUNC;
	if (off + meta->xdp_len != meta_len)
		return NFPE_META_E_SLACK;
	return NFPE_META_OK;
}
