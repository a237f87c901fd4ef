/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mc-test-util.h - helpers shared by the microcode unit tests, the fuzz
 * seed generator and the benchmarks: a GLib-backed struct nfpe_alloc, an
 * image builder (words + entries + maps + relocations -> image bytes) and
 * a small "VM" bundling caps, maps, engine ops and one thread.
 */
#ifndef MC_TEST_UTIL_H
#define MC_TEST_UTIL_H

#include <glib.h>
#include <stddef.h>
#include "nfpe_mc.h"

/* Allocator over g_malloc0/g_free (never fails: GLib aborts). */
extern const struct nfpe_alloc mct_alloc;
/* An allocator that fails after `budget` successful allocations. */
struct nfpe_alloc mct_alloc_failing(int *budget);

#define RZ NFPE_REG_ZERO
/*
 * Instruction words as constant expressions (usable in static tables):
 * MCT_R(ADD, 1, 2, 3, 0), MCT_B(BEQI, 1, 7, 42); the same encoding as
 * nfpe_enc_r() / nfpe_enc_b() in nfpe/isa.h.
 */
#define MCT_ENC_R(op, d, a, b, imm)					\
	((uint64_t)(uint8_t)(op) | (uint64_t)(uint8_t)(d) << 8 |	\
	 (uint64_t)(uint8_t)(a) << 16 | (uint64_t)(uint8_t)(b) << 24 |	\
	 (uint64_t)(uint32_t)(imm) << 32)
#define MCT_ENC_B(op, a, tgt, imm)					\
	((uint64_t)(uint8_t)(op) | (uint64_t)(uint8_t)(a) << 8 |	\
	 (uint64_t)(uint16_t)(tgt) << 16 | (uint64_t)(uint32_t)(imm) << 32)
#define MCT_R(op, d, a, b, imm) MCT_ENC_R(NFPE_OP_##op, d, a, b, imm)
#define MCT_B(op, a, tgt, imm)  MCT_ENC_B(NFPE_OP_##op, a, tgt, imm)

/* ---- image builder ------------------------------------------------ */

struct mct_image;

/* Defaults: stack_size NFPE_LM_SIZE, name "test", automatic ENGINE
 * relocations for ENG words that have none, entry 0 = MAIN at insn 0
 * when no entry was declared. */
struct mct_image *mct_image_new(uint32_t prog_type);
void mct_image_free(struct mct_image *im);
void mct_image_set_stack(struct mct_image *im, uint32_t bytes);
void mct_image_set_name(struct mct_image *im, const char *name);
void mct_image_set_auto_relocs(struct mct_image *im, gboolean on);

uint32_t mct_pc(const struct mct_image *im);	/* next insn index */
uint32_t mct_emit(struct mct_image *im, uint64_t word);
uint32_t mct_emit_words(struct mct_image *im, const uint64_t *w, size_t n);
void mct_patch(struct mct_image *im, uint32_t insn, uint64_t word);

uint32_t mct_entry(struct mct_image *im, uint32_t insn, uint32_t kind);
uint32_t mct_map(struct mct_image *im, uint32_t map_id, uint32_t type,
		 uint32_t key_size, uint32_t value_size, uint32_t max_entries);
void mct_reloc(struct mct_image *im, uint32_t insn, uint32_t kind,
	       uint32_t value);
/* immed d, slot  + its MAP_SLOT relocation */
uint32_t mct_immed_map(struct mct_image *im, uint8_t d, uint32_t slot);
/* eng d, a, engine, flags  + its ENGINE relocation */
uint32_t mct_eng(struct mct_image *im, uint8_t d, uint8_t a,
		 uint32_t engine, uint8_t flags);

/* Header, code, entries, maps, relocations, in that order. g_free it. */
uint8_t *mct_image_build(const struct mct_image *im, size_t *len);

/* One-shot: XDP program, main at 0, stack 512, automatic relocations. */
uint8_t *mct_image_from_words(const uint64_t *w, size_t n, size_t *len);

/* Poke little-endian fields of a built image (header offsets below). */
void mct_put32(uint8_t *img, size_t off, uint32_t v);
uint32_t mct_get32(const uint8_t *img, size_t off);
#define MCT_HDR(field) offsetof(struct nfpe_image_hdr, field)

/* ---- a device-in-a-box for running programs ----------------------- */

struct mct_vm {
	struct nfpe_caps caps;
	struct nfpe_maps *maps;		/* NULL when map_mem was 0 */
	struct nfpe_engine_ops ops;
	struct nfpe_env env;
	struct nfpe_thread *t;
	uint32_t random_next;		/* RANDOM returns this, then +1 */
	uint64_t now_ns;		/* KTIME returns this */
};

void mct_vm_init(struct mct_vm *vm, uint32_t map_mem);
void mct_vm_fini(struct mct_vm *vm);
/* Create a device map; asserts success. */
uint32_t mct_vm_map(struct mct_vm *vm, uint32_t type, uint32_t key_size,
		    uint32_t value_size, uint32_t max_entries);
/* Load; asserts success (printing the validator's message otherwise). */
struct nfpe_prog *mct_vm_load(struct mct_vm *vm, const uint8_t *img,
			      size_t len);
/* Set up a packet (frame may be NULL: len zero bytes) and run. */
void mct_vm_run_pkt(struct mct_vm *vm, struct nfpe_prog *prog,
		    const void *frame, uint32_t len,
		    struct nfpe_run_result *res);
/* Run with the thread as it is (no packet set-up). */
void mct_vm_run(struct mct_vm *vm, struct nfpe_prog *prog,
		struct nfpe_run_result *res);

#endif /* MC_TEST_UTIL_H */
