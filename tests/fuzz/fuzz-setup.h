/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-setup.h - the fixed device the image fuzzer loads programs into;
 * shared with gen-seeds.c so the seed images name the same map ids.
 */
#ifndef FUZZ_SETUP_H
#define FUZZ_SETUP_H

#include "nfpe_mc.h"

#define FUZZ_MAP_MEM		(1u << 20)
#define FUZZ_INSN_BUDGET	4096

/* Map declarations created, in this order, in a fresh maps instance. */
static const struct nfpe_map_decl fuzz_maps[] = {
	{ NFPE_BPF_MAP_HASH, 8, 16, 64, 0 },
	{ NFPE_BPF_MAP_ARRAY, 4, 8, 4, 0 },
	{ NFPE_BPF_MAP_LRU_HASH, 4, 4, 8, 0 },
};
#define FUZZ_N_MAPS (sizeof(fuzz_maps) / sizeof(fuzz_maps[0]))

static inline struct nfpe_maps *fuzz_maps_create(const struct nfpe_alloc *a,
						 uint32_t *ids)
{
	struct nfpe_caps caps;
	struct nfpe_maps *m;
	unsigned i;

	nfpe_caps_default(&caps);
	m = nfpe_maps_create(a, FUZZ_MAP_MEM, caps.max_maps, caps.cores);
	if (!m)
		return NULL;
	for (i = 0; i < FUZZ_N_MAPS; i++)
		if (nfpe_map_create(m, &fuzz_maps[i], &ids[i]))
			return NULL;
	return m;
}

#endif /* FUZZ_SETUP_H */
