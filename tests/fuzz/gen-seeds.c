/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gen-seeds.c - writes the image fuzzer's seed corpus: valid images that
 * bind to the maps fuzz-image.c creates (fuzz-setup.h) and cover every
 * instruction format, engines, calls, loops and packet adjustment.
 *
 *   ninja -C build tests/fuzz/gen-seeds
 *   build/tests/fuzz/gen-seeds tests/fuzz/corpus/image
 *
 * run-fuzz.sh does not regenerate them: the seeds are committed.
 */
#include <stdio.h>
#include "fuzz-setup.h"
#include "../bench/bench-progs.h"

static void save(const char *dir, const char *name, struct mct_image *im)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);
	g_autoptr(GError) err = NULL;
	struct nfpe_caps caps;
	struct nfpe_verr verr;
	struct nfpe_prog *prog;
	uint32_t ids[FUZZ_N_MAPS];
	struct nfpe_maps *maps = fuzz_maps_create(&mct_alloc, ids);
	size_t len;
	uint8_t *img = mct_image_build(im, &len);

	nfpe_caps_default(&caps);
	if (nfpe_prog_load(&mct_alloc, &caps, maps, img, len, &prog, &verr))
		g_error("seed %s invalid: %s", name, verr.msg);
	nfpe_prog_free(prog);
	nfpe_maps_destroy(maps);
	if (!g_file_set_contents(path, (const char *)img, len, &err))
		g_error("%s", err->message);
	g_free(img);
	mct_image_free(im);
}

static struct mct_image *all_formats(void)
{
	struct mct_image *im = mct_image_new(NFPE_PROG_TC);
	unsigned op;

	for (op = 0; op < 256; op++) {
		const struct nfpe_opinfo *oi = &nfpe_opinfo[op];
		uint64_t w;

		if (!oi->mnemonic)
			continue;
		switch (oi->fmt) {
		case NFPE_FMT_MOV: w = MCT_ENC_R(op, 1, 2, 0, 0); break;
		case NFPE_FMT_IMM: w = MCT_ENC_R(op, 1, 0, 0, 64); break;
		case NFPE_FMT_RR: w = MCT_ENC_R(op, 4, 2, 6, 0); break;
		case NFPE_FMT_RI: w = MCT_ENC_R(op, 4, 2, 0, 7); break;
		case NFPE_FMT_DSH_R: w = MCT_ENC_R(op, 1, 2, 3, 4); break;
		case NFPE_FMT_DSH_I: w = MCT_ENC_R(op, 1, 2, 3, 9); break;
		case NFPE_FMT_BR_R:
			w = MCT_ENC_B(op, 1, mct_pc(im) + 1, 2);
			break;
		case NFPE_FMT_BR_I:
			w = MCT_ENC_B(op, 1, mct_pc(im) + 1, 5);
			break;
		case NFPE_FMT_LD: w = MCT_ENC_R(op, 8, RZ, 0, 16); break;
		case NFPE_FMT_ST: w = MCT_ENC_R(op, 0, RZ, 8, 24); break;
		case NFPE_FMT_CSRRD:
			w = MCT_ENC_R(op, 1, 0, 0, NFPE_CSR_PKT_DATA);
			break;
		case NFPE_FMT_CSRWR:
			w = MCT_ENC_R(op, 0, 1, 0, NFPE_CSR_MARK);
			break;
		default:
			continue;	/* control flow and engines below */
		}
		mct_emit(im, w);
	}
	mct_eng(im, 10, 0, NFPE_ENG_RANDOM, 0);
	mct_eng(im, 10, 0, NFPE_ENG_KTIME, 0);
	mct_emit(im, MCT_R(EXIT, 0, 10, 0, 0));
	return im;
}

static struct mct_image *engines(const uint32_t *ids)
{
	struct mct_image *im = mct_image_new(NFPE_PROG_XDP);
	uint32_t sub;

	mct_map(im, ids[0], fuzz_maps[0].type, 8, 16, 64);
	mct_map(im, ids[1], fuzz_maps[1].type, 4, 8, 4);
	mct_map(im, ids[2], fuzz_maps[2].type, 4, 4, 8);
	mct_emit(im, MCT_R(IMMED, 0, 0, 0, (uint32_t)-8));
	mct_eng(im, 10, 0, NFPE_ENG_ADJ_META, 0);
	mct_emit(im, MCT_R(IMMED, 0, 0, 0, (uint32_t)-20));
	mct_eng(im, 10, 0, NFPE_ENG_ADJ_HEAD, 0);
	mct_emit(im, MCT_R(IMMED, 0, 0, 0, 30));
	mct_eng(im, 10, 0, NFPE_ENG_ADJ_TAIL, 0);
	mct_emit(im, MCT_R(ST_LM64, 0, RZ, RZ, 0));
	mct_immed_map(im, 0, 0);
	mct_emit(im, MCT_R(IMMED, 2, 0, 0, 0));
	mct_emit(im, MCT_R(IMMED, 4, 0, 0, 8));
	mct_emit(im, MCT_R(IMMED, 6, 0, 0, 0));
	mct_eng(im, 10, 0, NFPE_ENG_MAP_UPDATE, 0);
	mct_eng(im, 12, 0, NFPE_ENG_MAP_LOOKUP, 0);
	sub = mct_pc(im) + 4;
	mct_emit(im, MCT_B(BEQ, 12, sub - 1, RZ));
	mct_emit(im, MCT_R(AADD_MAP32, 0, 12, 4, 0));
	mct_emit(im, MCT_B(CALL, 0, sub, 0));
	mct_emit(im, MCT_R(EXIT, 0, 10, 0, 0));			/* sub - 1 */
	mct_immed_map(im, 0, 2);				/* sub */
	mct_eng(im, 10, 0, NFPE_ENG_MAP_DELETE, 0);
	mct_emit(im, MCT_R(RET, 0, 0, 0, 0));
	mct_entry(im, 0, NFPE_ENTRY_MAIN);
	mct_entry(im, sub, NFPE_ENTRY_SUBPROG);
	return im;
}

int main(int argc, char **argv)
{
	struct nfpe_maps *maps;
	uint32_t ids[FUZZ_N_MAPS];
	const char *dir = argc > 1 ? argv[1] : ".";

	maps = fuzz_maps_create(&mct_alloc, ids);
	g_assert_nonnull(maps);
	nfpe_maps_destroy(maps);
	save(dir, "drop.img", bench_prog_drop());
	save(dir, "count.img", bench_prog_count(ids[1]));
	save(dir, "macswap.img", bench_prog_macswap());
	save(dir, "csum.img", bench_prog_csum());
	save(dir, "all-formats.img", all_formats());
	save(dir, "engines.img", engines(ids));
	return 0;
}
