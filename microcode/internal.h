/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * internal.h - private structures of the microcode library: the validated
 * view of an image, the pre-decoded program and the glue between the
 * validator (image.c), the loader (prog.c) and the interpreter (interp.c).
 * Not part of the API: nothing outside microcode/ includes this file.
 */
#ifndef NFPE_MC_INTERNAL_H
#define NFPE_MC_INTERNAL_H

#include "nfpe_mc.h"

#define NFPE_LIKELY(x)		__builtin_expect(!!(x), 1)
#define NFPE_UNLIKELY(x)	__builtin_expect(!!(x), 0)

/* Register-file index of rz in struct nfpe_thread.gpr[] (always 0). */
#define NFPE_RZ_IDX		NFPE_NUM_GPRS

/*
 * The device reserves the first bytes of PKT space as the kernel reserves
 * sizeof(struct xdp_frame) at data_hard_start: adjust_head / adjust_meta
 * may not move data or meta below it.
 */
#define NFPE_PKT_RESERVED	40
#define NFPE_ETH_HLEN		14
#define NFPE_XDP_META_MAX	32

/* The first bytes of MAP space are reserved: address 0 means "no value". */
#define NFPE_MAP_RESERVED	64

/* Little-endian loads from an image that may sit at any alignment. */
static inline uint32_t nfpe__ld32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t nfpe__ld64(const uint8_t *p)
{
	return (uint64_t)nfpe__ld32(p) | (uint64_t)nfpe__ld32(p + 4) << 32;
}

/* A validated image: section offsets are known to be in bounds. */
struct nfpe_img_view {
	const uint8_t *base;
	uint32_t prog_type, stack_size;
	uint32_t n_insns, code_off;
	uint32_t n_entries, entry_off;
	uint32_t n_maps, map_off;
	uint32_t n_relocs, reloc_off;
};

static inline uint64_t nfpe__img_insn(const struct nfpe_img_view *v,
				      uint32_t i)
{
	return nfpe__ld64(v->base + v->code_off + 8 * (size_t)i);
}

/* Effective LM / PKT sizes: caps clamped to the thread's arrays. */
static inline uint32_t nfpe__lm_size(const struct nfpe_caps *c)
{
	return c->stack_size < NFPE_LM_SIZE ? c->stack_size : NFPE_LM_SIZE;
}

static inline uint32_t nfpe__pkt_size(const struct nfpe_caps *c)
{
	return c->pkt_size < NFPE_PKT_SIZE ? c->pkt_size : NFPE_PKT_SIZE;
}

/* image.c: check every rule; fills *v on success. */
int nfpe__validate(const struct nfpe_alloc *a, const struct nfpe_caps *caps,
		   const void *image, size_t len, struct nfpe_img_view *v,
		   struct nfpe_verr *err);
/* Fill err (code, insn, formatted message); returns -NFPE_EINVAL. */
int nfpe__verr(struct nfpe_verr *err, uint32_t code, uint32_t insn,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * A pre-decoded instruction (32 bytes, two per cache line).
 *
 * Register operands are register-file indexes with rz mapped to
 * NFPE_RZ_IDX.  The cycle accounting is per straight-line run: a run
 * starts at any instruction and ends at the next control transfer
 * (branch, br, call, ret, exit).  run_* hold the totals from this
 * instruction to the end of its run; the interpreter adds them whenever
 * control arrives at an instruction by a transfer (or at the start), so
 * straight-line code pays no per-instruction accounting, and subtracts
 * the unexecuted tail of the run when an instruction faults.
 */
struct nfpe_dinsn {
	const void *h;		/* handler (label address) */
	uint8_t d, a, b, c;	/* c: DSH_R amount reg, .64 store hi reg */
	uint32_t imm;
	uint32_t tgt;		/* branch target index / engine number */
	uint32_t run_n;		/* instructions to the end of the run */
	uint32_t run_cost;	/* issue cycles to the end of the run */
	uint32_t run_stall;	/* static stall cycles to the end of the run */
};
NFPE_STATIC_ASSERT(sizeof(struct nfpe_dinsn) == 32, "dinsn size");

struct nfpe_prog_map {
	uint32_t map_id, type, key_size, value_size;
	/* engine latency of lookup / update / delete on this map */
	uint32_t lat_lookup, lat_update, lat_delete;
};

struct nfpe_prog {
	struct nfpe_alloc alloc;
	struct nfpe_maps *maps;		/* NULL: validated only, no maps */
	uint8_t *mapmem;		/* nfpe_maps_mem(maps): fixed for */
	uint32_t mapsz;			/* the maps' lifetime, cached here */
	struct nfpe_caps caps;		/* caps the image was validated for */
	uint32_t type, n_insns, stack_size, entry;
	uint32_t n_maps, n_held;
	struct nfpe_prog_map *map;	/* [n_maps] slot -> bound map */
	struct nfpe_dinsn *code;	/* [n_insns] */
	struct nfpe_prog_counters ctr;	/* single writer, untorn stores */
	/* x86-64 translation (x86jit.c), set up by nfpe__x86jit_hook */
	void *x86;			/* translated code or NULL */
	void (*x86_run)(struct nfpe_prog *p, const struct nfpe_env *env,
			struct nfpe_thread *t, struct nfpe_run_result *res);
	void (*x86_free)(struct nfpe_prog *p);
	uint32_t use_x86;		/* nfpe_prog_set_exec() */
	char x86_why[96];		/* why not translated */
};

/*
 * Set by nfpe_x86jit_enable(): called by nfpe_prog_load after the run
 * totals, while code[].h still hold opcodes.  A pointer, so the library
 * links without x86jit.c (the QEMU device lists its own sources).
 */
extern void (*nfpe__x86jit_hook)(struct nfpe_prog *p);
/* interp.c: the packet-length engines, for the translator's helpers. */
int64_t nfpe__eng_adj(struct nfpe_thread *t, uint32_t pktsz, uint32_t eng,
		      int32_t delta);

/*
 * interp.c: replace each dinsn.h, which holds the opcode after decoding,
 * by the address of its specialised handler.
 */
void nfpe__interp_prepare(struct nfpe_prog *p);
/*
 * Nonzero: programs loaded from now on use no superinstructions (only
 * the plain handlers).  For the differential test of the fused handlers
 * (tests/microcode/test-fused.c); the device never sets it.
 */
extern int nfpe__interp_no_fuse;

/* cost.c: latency of one engine command, with the bytes it moves. */
uint32_t nfpe__eng_latency(uint32_t engine, uint32_t key_size,
			   uint32_t value_size);

#endif /* NFPE_MC_INTERNAL_H */
