/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpe_caps.c - the capability TLV list the driver reads at
 * NFPE_REG_CAP_OFF, and the struct nfpe_caps the validator checks images
 * against.  Both come from the device properties, so they always agree.
 */
#include "nfpe_core.h"

static uint32_t nfpe_cap_put(uint8_t *area, uint32_t off, uint16_t type,
			     const void *val, uint16_t len)
{
	uint32_t padded = (len + 3u) & ~3u;

	/* The list is built from constants: it always fits (asserted). */
	g_assert(off + 4 + padded + 4 <= NFPE_CAP_AREA_SIZE);
	area[off + 0] = type;
	area[off + 1] = type >> 8;
	area[off + 2] = len;
	area[off + 3] = len >> 8;
	if (len)
		memcpy(area + off + 4, val, len);
	return off + 4 + padded;
}

static uint32_t nfpe_cap_u32(uint8_t *area, uint32_t off, uint16_t type,
			     uint32_t v)
{
	uint8_t b[4];

	nfpe_st32(b, v);
	return nfpe_cap_put(area, off, type, b, 4);
}

void nfpe_caps_from_props(struct nfpe_core *core)
{
	const struct nfpe_props *pr = &core->props;
	struct nfpe_caps *c = &core->caps;
	uint8_t *a = core->cap_area;
	uint32_t off = 0;
	uint8_t b8[8];

	nfpe_caps_default(c);
	c->code_store = pr->code_store;
	c->insn_budget = pr->insn_budget;
	c->cores = pr->cores;
	c->threads = pr->threads;
	c->clock_mhz = pr->clock_mhz;
	if (c->max_maps == 0 || c->max_maps > NFPE_IMAGE_MAX_MAPS * 4)
		c->max_maps = NFPE_IMAGE_MAX_MAPS;

	memset(a, 0, NFPE_CAP_AREA_SIZE);
	off = nfpe_cap_u32(a, off, NFPE_CAP_ABI, nfpe_props_abi(pr));
	off = nfpe_cap_u32(a, off, NFPE_CAP_CODE_STORE, c->code_store);
	off = nfpe_cap_u32(a, off, NFPE_CAP_STACK_SIZE, c->stack_size);
	off = nfpe_cap_u32(a, off, NFPE_CAP_PKT_HEADROOM, c->pkt_headroom);
	off = nfpe_cap_u32(a, off, NFPE_CAP_MTU_MAX, pr->mtu_max);
	off = nfpe_cap_u32(a, off, NFPE_CAP_ENGINES, c->engines);
	off = nfpe_cap_u32(a, off, NFPE_CAP_MAP_TYPES, c->map_types);
	off = nfpe_cap_u32(a, off, NFPE_CAP_MAX_MAPS, c->max_maps);
	off = nfpe_cap_u32(a, off, NFPE_CAP_MAX_KEY, c->max_key);
	off = nfpe_cap_u32(a, off, NFPE_CAP_MAX_VALUE, c->max_value);
	off = nfpe_cap_u32(a, off, NFPE_CAP_MAX_ENTRIES, c->max_entries);
	nfpe_st64(b8, pr->map_memory);
	off = nfpe_cap_put(a, off, NFPE_CAP_MAP_MEMORY, b8, 8);
	off = nfpe_cap_u32(a, off, NFPE_CAP_CORES, pr->cores);
	off = nfpe_cap_u32(a, off, NFPE_CAP_THREADS, pr->threads);
	off = nfpe_cap_u32(a, off, NFPE_CAP_CLOCK_MHZ, pr->clock_mhz);
	off = nfpe_cap_u32(a, off, NFPE_CAP_PORTS, pr->ports);
	off = nfpe_cap_u32(a, off, NFPE_CAP_QUEUES, pr->queues);
	off = nfpe_cap_u32(a, off, NFPE_CAP_META_TYPES,
			   1u << NFPE_META_HASH | 1u << NFPE_META_MARK |
			   1u << NFPE_META_PORT | 1u << NFPE_META_XDP);
	off = nfpe_cap_u32(a, off, NFPE_CAP_INSN_BUDGET, pr->insn_budget);
	off = nfpe_cap_u32(a, off, NFPE_CAP_CMD_BUF_MAX, NFPE_CMD_BUF_MAX);
	off = nfpe_cap_u32(a, off, NFPE_CAP_MAX_PROGS, pr->max_progs);
	if (pr->fault_inject)
		off = nfpe_cap_u32(a, off, NFPE_CAP_FAULT_INJECT,
				   NFPE_FAULT_CMD_TIMEOUT |
				   NFPE_FAULT_CMD_ERROR |
				   NFPE_FAULT_BAD_META |
				   NFPE_FAULT_LOST_IRQ);
	off = nfpe_cap_put(a, off, NFPE_CAP_END, NULL, 0);
	core->cap_len = off;
}
