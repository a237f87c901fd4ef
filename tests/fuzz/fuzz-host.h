/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-host.h - what the fuzz targets give the microcode library as its
 * host: allocation, a fixed clock, a fixed "random" value (so an input
 * replays the same run), and the UDP frame every target runs programs on.
 */
#ifndef FUZZ_HOST_H
#define FUZZ_HOST_H

#include <stdlib.h>
#include "nfpe_mc.h"

static inline void *fuzz_alloc(void *opaque, size_t size)
{
	return calloc(1, size ? size : 1);
}

static inline void fuzz_free(void *opaque, void *ptr)
{
	free(ptr);
}

static inline uint32_t fuzz_random(void *opaque)
{
	return 0x9e3779b9u;
}

static inline uint64_t fuzz_ktime(void *opaque)
{
	return 1000000000ull;
}

static const struct nfpe_alloc fuzz_host_alloc = {
	fuzz_alloc, fuzz_free, NULL
};
static const struct nfpe_engine_ops fuzz_host_ops = {
	fuzz_random, fuzz_ktime, NULL
};

/* Ethernet + IPv4 + UDP (port 12345 -> 53), 8 bytes of payload. */
static const uint8_t fuzz_packet[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x08, 0x00,
	0x45, 0x00, 0x00, 0x24, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0x30, 0x39, 0x00, 0x35, 0x00, 0x10, 0x00, 0x00,
	'n', 'f', 'p', 'e', '-', 'f', 'u', 'z',
};

#endif /* FUZZ_HOST_H */
