/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * caps.c - the default device capabilities (docs/isa.md "Machine model").
 * The QEMU device starts from these and applies its properties; the
 * offline tools use them as they are.
 */
#include "nfpe_mc.h"

/*
 * Largest map value: 4 KiB.  Values are moved by the map engine in one
 * command and a program reaches them through the MAP space, so the limit
 * is about engine transfer size, not addressing; 4 KiB covers the usual
 * per-flow state and counter arrays (the NFP's own firmware caps values
 * far lower) while keeping one value inside a small fraction of map
 * memory.  Keys are limited to 64 bytes (an IPv6 5-tuple is 37).
 */
#define NFPE_DEF_MAX_VALUE	4096
#define NFPE_DEF_MAX_KEY	64

void nfpe_caps_default(struct nfpe_caps *caps)
{
	uint32_t engines = 0;

#define NFPE_X_ENG(e, v, m) engines |= NFPE_BIT(v);
	NFPE_ENGINES(NFPE_X_ENG)
#undef NFPE_X_ENG

	caps->code_store = NFPE_DEF_CODE_STORE;
	caps->stack_size = NFPE_LM_SIZE;
	caps->pkt_headroom = NFPE_PKT_HEADROOM;
	caps->pkt_size = NFPE_PKT_SIZE;
	caps->engines = engines;
	caps->map_types = NFPE_BIT(NFPE_BPF_MAP_HASH) |
			  NFPE_BIT(NFPE_BPF_MAP_ARRAY) |
			  NFPE_BIT(NFPE_BPF_MAP_PERCPU_HASH) |
			  NFPE_BIT(NFPE_BPF_MAP_PERCPU_ARRAY) |
			  NFPE_BIT(NFPE_BPF_MAP_LRU_HASH);
	caps->max_maps = NFPE_IMAGE_MAX_MAPS;
	caps->max_key = NFPE_DEF_MAX_KEY;
	caps->max_value = NFPE_DEF_MAX_VALUE;
	caps->max_entries = 1u << 20;
	caps->insn_budget = NFPE_DEF_INSN_BUDGET;
	caps->cores = 4;
	caps->threads = 8;
	caps->clock_mhz = 800;
}
