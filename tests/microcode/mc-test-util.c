/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mc-test-util.c - shared helpers of the microcode tests (see the header).
 */
#include <string.h>
#include "mc-test-util.h"

static void *galloc(void *opaque, size_t size)
{
	return g_malloc0(size ? size : 1);
}

static void gfree(void *opaque, void *ptr)
{
	g_free(ptr);
}

const struct nfpe_alloc mct_alloc = { galloc, gfree, NULL };

static void *failing_alloc(void *opaque, size_t size)
{
	int *budget = opaque;

	if (*budget <= 0)
		return NULL;
	(*budget)--;
	return g_malloc0(size ? size : 1);
}

struct nfpe_alloc mct_alloc_failing(int *budget)
{
	struct nfpe_alloc a = { failing_alloc, gfree, budget };

	return a;
}

/* ---- image builder ------------------------------------------------ */

struct mct_image {
	uint32_t prog_type, stack;
	char name[NFPE_IMAGE_NAME_LEN];
	gboolean auto_relocs;
	GArray *code;		/* uint64_t */
	GArray *entries;	/* struct nfpe_image_entry */
	GArray *maps;		/* struct nfpe_image_map */
	GArray *relocs;		/* struct nfpe_image_reloc */
};

struct mct_image *mct_image_new(uint32_t prog_type)
{
	struct mct_image *im = g_new0(struct mct_image, 1);

	im->prog_type = prog_type;
	im->stack = NFPE_LM_SIZE;
	g_strlcpy(im->name, "test", sizeof(im->name));
	im->auto_relocs = TRUE;
	im->code = g_array_new(FALSE, TRUE, sizeof(uint64_t));
	im->entries = g_array_new(FALSE, TRUE, sizeof(struct nfpe_image_entry));
	im->maps = g_array_new(FALSE, TRUE, sizeof(struct nfpe_image_map));
	im->relocs = g_array_new(FALSE, TRUE, sizeof(struct nfpe_image_reloc));
	return im;
}

void mct_image_free(struct mct_image *im)
{
	if (!im)
		return;
	g_array_free(im->code, TRUE);
	g_array_free(im->entries, TRUE);
	g_array_free(im->maps, TRUE);
	g_array_free(im->relocs, TRUE);
	g_free(im);
}

void mct_image_set_stack(struct mct_image *im, uint32_t bytes)
{
	im->stack = bytes;
}

void mct_image_set_name(struct mct_image *im, const char *name)
{
	size_t n = strlen(name);

	memset(im->name, 0, sizeof(im->name));
	memcpy(im->name, name, MIN(n, sizeof(im->name)));
}

void mct_image_set_auto_relocs(struct mct_image *im, gboolean on)
{
	im->auto_relocs = on;
}

uint32_t mct_pc(const struct mct_image *im)
{
	return im->code->len;
}

uint32_t mct_emit(struct mct_image *im, uint64_t word)
{
	g_array_append_val(im->code, word);
	return im->code->len - 1;
}

uint32_t mct_emit_words(struct mct_image *im, const uint64_t *w, size_t n)
{
	uint32_t first = im->code->len;

	g_array_append_vals(im->code, w, n);
	return first;
}

void mct_patch(struct mct_image *im, uint32_t insn, uint64_t word)
{
	g_assert_cmpuint(insn, <, im->code->len);
	g_array_index(im->code, uint64_t, insn) = word;
}

uint32_t mct_entry(struct mct_image *im, uint32_t insn, uint32_t kind)
{
	struct nfpe_image_entry e = { insn, kind };

	g_array_append_val(im->entries, e);
	return im->entries->len - 1;
}

uint32_t mct_map(struct mct_image *im, uint32_t map_id, uint32_t type,
		 uint32_t key_size, uint32_t value_size, uint32_t max_entries)
{
	struct nfpe_image_map m = { map_id, type, key_size, value_size,
				    max_entries, 0 };

	g_array_append_val(im->maps, m);
	return im->maps->len - 1;
}

void mct_reloc(struct mct_image *im, uint32_t insn, uint32_t kind,
	       uint32_t value)
{
	struct nfpe_image_reloc r = { insn, kind, value };

	g_array_append_val(im->relocs, r);
}

uint32_t mct_immed_map(struct mct_image *im, uint8_t d, uint32_t slot)
{
	uint32_t pc = mct_emit(im, MCT_R(IMMED, d, 0, 0, slot));

	mct_reloc(im, pc, NFPE_RELOC_MAP_SLOT, slot);
	return pc;
}

uint32_t mct_eng(struct mct_image *im, uint8_t d, uint8_t a,
		 uint32_t engine, uint8_t flags)
{
	uint32_t pc = mct_emit(im, MCT_R(ENG, d, a, flags, engine));

	mct_reloc(im, pc, NFPE_RELOC_ENGINE, engine);
	return pc;
}

void mct_put32(uint8_t *img, size_t off, uint32_t v)
{
	img[off] = (uint8_t)v;
	img[off + 1] = (uint8_t)(v >> 8);
	img[off + 2] = (uint8_t)(v >> 16);
	img[off + 3] = (uint8_t)(v >> 24);
}

uint32_t mct_get32(const uint8_t *img, size_t off)
{
	return (uint32_t)img[off] | (uint32_t)img[off + 1] << 8 |
	       (uint32_t)img[off + 2] << 16 | (uint32_t)img[off + 3] << 24;
}

static void put16(uint8_t *img, size_t off, uint16_t v)
{
	img[off] = (uint8_t)v;
	img[off + 1] = (uint8_t)(v >> 8);
}

static gboolean has_reloc(const struct mct_image *im, uint32_t insn)
{
	guint i;

	for (i = 0; i < im->relocs->len; i++)
		if (g_array_index(im->relocs, struct nfpe_image_reloc,
				  i).insn == insn)
			return TRUE;
	return FALSE;
}

uint8_t *mct_image_build(const struct mct_image *im, size_t *len)
{
	GArray *relocs = g_array_copy(im->relocs);
	struct nfpe_image_entry main_entry = { 0, NFPE_ENTRY_MAIN };
	const struct nfpe_image_entry *ent;
	uint32_t n_ent, code_off, ent_off, map_off, rel_off, total, i;
	uint8_t *img;
	size_t off;

	if (im->auto_relocs) {
		for (i = 0; i < im->code->len; i++) {
			uint64_t w = g_array_index(im->code, uint64_t, i);
			struct nfpe_image_reloc r = {
				i, NFPE_RELOC_ENGINE, NFPE_INSN_IMM(w) };

			if (NFPE_INSN_OP(w) == NFPE_OP_ENG &&
			    !has_reloc(im, i))
				g_array_append_val(relocs, r);
		}
	}
	if (im->entries->len) {
		ent = (const void *)im->entries->data;
		n_ent = im->entries->len;
	} else {
		ent = &main_entry;
		n_ent = 1;
	}
	code_off = sizeof(struct nfpe_image_hdr);
	ent_off = code_off + 8 * im->code->len;
	map_off = ent_off + 8 * n_ent;
	rel_off = map_off + 24 * im->maps->len;
	total = rel_off + 12 * relocs->len;

	img = g_malloc0(total);
	mct_put32(img, MCT_HDR(magic), NFPE_IMAGE_MAGIC);
	put16(img, MCT_HDR(abi_major), NFPE_IMAGE_ABI_MAJOR);
	put16(img, MCT_HDR(abi_minor), NFPE_IMAGE_ABI_MINOR);
	mct_put32(img, MCT_HDR(hdr_len), sizeof(struct nfpe_image_hdr));
	mct_put32(img, MCT_HDR(total_len), total);
	mct_put32(img, MCT_HDR(prog_type), im->prog_type);
	mct_put32(img, MCT_HDR(stack_size), im->stack);
	mct_put32(img, MCT_HDR(n_insns), im->code->len);
	mct_put32(img, MCT_HDR(code_off), code_off);
	mct_put32(img, MCT_HDR(n_entries), n_ent);
	mct_put32(img, MCT_HDR(entry_off), ent_off);
	mct_put32(img, MCT_HDR(n_maps), im->maps->len);
	mct_put32(img, MCT_HDR(map_off), map_off);
	mct_put32(img, MCT_HDR(n_relocs), relocs->len);
	mct_put32(img, MCT_HDR(reloc_off), rel_off);
	memcpy(img + MCT_HDR(name), im->name, NFPE_IMAGE_NAME_LEN);

	for (i = 0, off = code_off; i < im->code->len; i++, off += 8) {
		uint64_t w = g_array_index(im->code, uint64_t, i);

		mct_put32(img, off, (uint32_t)w);
		mct_put32(img, off + 4, (uint32_t)(w >> 32));
	}
	for (i = 0, off = ent_off; i < n_ent; i++, off += 8) {
		mct_put32(img, off, ent[i].insn);
		mct_put32(img, off + 4, ent[i].kind);
	}
	for (i = 0, off = map_off; i < im->maps->len; i++, off += 24) {
		const struct nfpe_image_map *m =
			&g_array_index(im->maps, struct nfpe_image_map, i);

		mct_put32(img, off, m->map_id);
		mct_put32(img, off + 4, m->type);
		mct_put32(img, off + 8, m->key_size);
		mct_put32(img, off + 12, m->value_size);
		mct_put32(img, off + 16, m->max_entries);
		mct_put32(img, off + 20, m->flags);
	}
	for (i = 0, off = rel_off; i < relocs->len; i++, off += 12) {
		const struct nfpe_image_reloc *r =
			&g_array_index(relocs, struct nfpe_image_reloc, i);

		mct_put32(img, off, r->insn);
		mct_put32(img, off + 4, r->kind);
		mct_put32(img, off + 8, r->value);
	}
	g_array_free(relocs, TRUE);
	*len = total;
	return img;
}

uint8_t *mct_image_from_words(const uint64_t *w, size_t n, size_t *len)
{
	struct mct_image *im = mct_image_new(NFPE_PROG_XDP);
	uint8_t *img;

	mct_emit_words(im, w, n);
	img = mct_image_build(im, len);
	mct_image_free(im);
	return img;
}

/* ---- VM ----------------------------------------------------------- */

static uint32_t vm_random(void *opaque)
{
	struct mct_vm *vm = opaque;

	return vm->random_next++;
}

static uint64_t vm_ktime(void *opaque)
{
	struct mct_vm *vm = opaque;

	return vm->now_ns;
}

void mct_vm_init(struct mct_vm *vm, uint32_t map_mem)
{
	memset(vm, 0, sizeof(*vm));
	nfpe_caps_default(&vm->caps);
	if (map_mem) {
		vm->maps = nfpe_maps_create(&mct_alloc, map_mem,
					    vm->caps.max_maps, vm->caps.cores);
		g_assert_nonnull(vm->maps);
	}
	vm->random_next = 0x12345678;
	vm->now_ns = 1000000000ull;
	vm->ops.random = vm_random;
	vm->ops.ktime_ns = vm_ktime;
	vm->ops.opaque = vm;
	vm->env.maps = vm->maps;
	vm->env.ops = &vm->ops;
	vm->env.caps = &vm->caps;
	vm->t = g_new0(struct nfpe_thread, 1);
	nfpe_thread_init(vm->t, 0, 0);
}

void mct_vm_fini(struct mct_vm *vm)
{
	if (vm->maps)
		nfpe_maps_destroy(vm->maps);
	g_free(vm->t);
	memset(vm, 0, sizeof(*vm));
}

uint32_t mct_vm_map(struct mct_vm *vm, uint32_t type, uint32_t key_size,
		    uint32_t value_size, uint32_t max_entries)
{
	struct nfpe_map_decl d = { type, key_size, value_size, max_entries, 0 };
	uint32_t id = 0;
	int ret;

	g_assert_nonnull(vm->maps);
	ret = nfpe_map_create(vm->maps, &d, &id);
	g_assert_cmpint(ret, ==, 0);
	return id;
}

struct nfpe_prog *mct_vm_load(struct mct_vm *vm, const uint8_t *img,
			      size_t len)
{
	struct nfpe_prog *prog = NULL;
	struct nfpe_verr err;
	int ret;

	memset(&err, 0, sizeof(err));
	ret = nfpe_prog_load(&mct_alloc, &vm->caps, vm->maps, img, len, &prog,
			     &err);
	if (ret)
		g_test_message("load failed: %d: %s (%s)", ret, err.msg,
			       nfpe_image_err_str(err.code));
	g_assert_cmpint(ret, ==, 0);
	g_assert_nonnull(prog);
	return prog;
}

void mct_vm_run_pkt(struct mct_vm *vm, struct nfpe_prog *prog,
		    const void *frame, uint32_t len,
		    struct nfpe_run_result *res)
{
	static const uint8_t zeros[64];
	int ret;

	ret = nfpe_pkt_setup(vm->t, &vm->caps, frame ? frame : zeros,
			     frame ? len : MIN(len, sizeof(zeros)), 0);
	g_assert_cmpint(ret, ==, 0);
	mct_vm_run(vm, prog, res);
}

void mct_vm_run(struct mct_vm *vm, struct nfpe_prog *prog,
		struct nfpe_run_result *res)
{
	memset(res, 0, sizeof(*res));
	nfpe_run(prog, &vm->env, vm->t, res);
}
