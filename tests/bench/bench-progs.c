/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-progs.c - programs of bench-progs.h, assembled with the
 * mc-test-util image builder (the word-by-word form of docs/isa.md).
 */
#include <string.h>
#include "bench-progs.h"

#define FLAGS_LM NFPE_ENG_FLAGS(NFPE_SPACE_LM, NFPE_SPACE_LM)

struct mct_image *bench_prog_drop(void)
{
	struct mct_image *im = mct_image_new(NFPE_PROG_XDP);

	mct_image_set_name(im, "drop");
	mct_emit(im, MCT_R(IMMED, 0, 0, 0, XDP_DROP));
	mct_emit(im, MCT_R(EXIT, 0, 0, 0, 0));
	return im;
}

struct mct_image *bench_prog_count(uint32_t array_map_id)
{
	struct mct_image *im = mct_image_new(NFPE_PROG_XDP);
	const uint32_t pass = 23;

	mct_image_set_name(im, "count");
	mct_image_set_stack(im, 8);
	mct_map(im, array_map_id, NFPE_BPF_MAP_ARRAY, 4, 8, 4);
	mct_emit(im, MCT_R(CSRRD, 1, 0, 0, NFPE_CSR_PKT_DATA));	/* 0 */
	mct_emit(im, MCT_R(CSRRD, 2, 0, 0, NFPE_CSR_PKT_END));
	mct_emit(im, MCT_R(ADDI, 3, 1, 0, 42));
	mct_emit(im, MCT_B(BGT, 3, pass, 2));
	mct_emit(im, MCT_R(LD_PKT16, 4, 1, 0, 12));
	mct_emit(im, MCT_B(BNEI, 4, pass, 0x0008));		/* 5 */
	mct_emit(im, MCT_R(LD_PKT8, 5, 1, 0, 14));
	mct_emit(im, MCT_B(BNEI, 5, pass, 0x45));
	mct_emit(im, MCT_R(LD_PKT8, 5, 1, 0, 23));
	mct_emit(im, MCT_B(BNEI, 5, pass, 17));
	mct_emit(im, MCT_R(LD_PKT16, 6, 1, 0, 36));		/* 10 */
	mct_emit(im, MCT_R(BSWAP16, 6, 6, 0, 0));
	mct_emit(im, MCT_R(ANDI, 6, 6, 0, 3));
	mct_emit(im, MCT_R(ST_LM32, 0, RZ, 6, 0));
	mct_immed_map(im, 0, 0);
	mct_emit(im, MCT_R(IMMED, 2, 0, 0, 0));			/* 15 */
	mct_eng(im, 8, 0, NFPE_ENG_MAP_LOOKUP, FLAGS_LM);
	mct_emit(im, MCT_B(BEQ, 8, pass, RZ));
	mct_emit(im, MCT_R(IMMED, 10, 0, 0, 1));
	mct_emit(im, MCT_R(IMMED, 11, 0, 0, 0));
	mct_emit(im, MCT_R(AADD_MAP64, 0, 8, 10, 0));		/* 20 */
	mct_emit(im, MCT_R(IMMED, 0, 0, 0, XDP_DROP));
	mct_emit(im, MCT_R(EXIT, 0, 0, 0, 0));
	g_assert_cmpuint(mct_pc(im), ==, pass);
	mct_emit(im, MCT_R(IMMED, 0, 0, 0, XDP_PASS));		/* 23 */
	mct_emit(im, MCT_R(EXIT, 0, 0, 0, 0));
	return im;
}

struct mct_image *bench_prog_macswap(void)
{
	struct mct_image *im = mct_image_new(NFPE_PROG_XDP);
	const uint32_t pass = 14;

	mct_image_set_name(im, "macswap");
	mct_image_set_stack(im, 0);
	mct_emit(im, MCT_R(CSRRD, 1, 0, 0, NFPE_CSR_PKT_DATA));
	mct_emit(im, MCT_R(CSRRD, 2, 0, 0, NFPE_CSR_PKT_END));
	mct_emit(im, MCT_R(ADDI, 3, 1, 0, 14));
	mct_emit(im, MCT_B(BGT, 3, pass, 2));
	mct_emit(im, MCT_R(LD_PKT32, 4, 1, 0, 0));
	mct_emit(im, MCT_R(LD_PKT16, 5, 1, 0, 4));
	mct_emit(im, MCT_R(LD_PKT32, 6, 1, 0, 6));
	mct_emit(im, MCT_R(LD_PKT16, 7, 1, 0, 10));
	mct_emit(im, MCT_R(ST_PKT32, 0, 1, 6, 0));
	mct_emit(im, MCT_R(ST_PKT16, 0, 1, 7, 4));
	mct_emit(im, MCT_R(ST_PKT32, 0, 1, 4, 6));
	mct_emit(im, MCT_R(ST_PKT16, 0, 1, 5, 10));
	mct_emit(im, MCT_R(IMMED, 0, 0, 0, XDP_TX));
	mct_emit(im, MCT_R(EXIT, 0, 0, 0, 0));
	g_assert_cmpuint(mct_pc(im), ==, pass);
	mct_emit(im, MCT_R(IMMED, 0, 0, 0, XDP_PASS));
	mct_emit(im, MCT_R(EXIT, 0, 0, 0, 0));
	return im;
}

struct mct_image *bench_prog_csum(void)
{
	struct mct_image *im = mct_image_new(NFPE_PROG_XDP);

	mct_image_set_name(im, "csum");
	mct_image_set_stack(im, 0);
	mct_emit(im, MCT_R(CSRRD, 1, 0, 0, NFPE_CSR_PKT_DATA));	/* 0 */
	mct_emit(im, MCT_R(CSRRD, 2, 0, 0, NFPE_CSR_PKT_END));
	mct_emit(im, MCT_R(IMMED, 3, 0, 0, 0));
	mct_emit(im, MCT_R(ADDI, 4, 1, 0, 2));			/* 3: loop */
	mct_emit(im, MCT_B(BGT, 4, 9, 2));
	mct_emit(im, MCT_R(LD_PKT16, 5, 1, 0, 0));
	mct_emit(im, MCT_R(ADD, 3, 3, 5, 0));
	mct_emit(im, MCT_R(MOV, 1, 4, 0, 0));
	mct_emit(im, MCT_B(BR, 0, 3, 0));
	mct_emit(im, MCT_R(SHRI, 6, 3, 0, 16));			/* 9: fold */
	mct_emit(im, MCT_R(ANDI, 3, 3, 0, 0xffff));
	mct_emit(im, MCT_R(ADD, 3, 3, 6, 0));
	mct_emit(im, MCT_R(SHRI, 6, 3, 0, 16));
	mct_emit(im, MCT_R(ADD, 3, 3, 6, 0));
	mct_emit(im, MCT_R(XORI, 3, 3, 0, 0xffff));
	mct_emit(im, MCT_R(ANDI, 3, 3, 0, 0xffff));
	mct_emit(im, MCT_R(CSRWR, 0, 3, 0, NFPE_CSR_MARK));
	mct_emit(im, MCT_R(IMMED, 0, 0, 0, XDP_PASS));
	mct_emit(im, MCT_R(EXIT, 0, 0, 0, 0));
	return im;
}

struct mct_image *bench_prog_firewall(uint32_t hash_map_id)
{
	struct mct_image *im = mct_image_new(NFPE_PROG_XDP);
	const uint32_t pass = 24;

	mct_image_set_name(im, "firewall");
	mct_image_set_stack(im, 16);
	mct_map(im, hash_map_id, NFPE_BPF_MAP_HASH, 16, 8, 1024);
	mct_emit(im, MCT_R(CSRRD, 1, 0, 0, NFPE_CSR_PKT_DATA));	/* 0 */
	mct_emit(im, MCT_R(CSRRD, 2, 0, 0, NFPE_CSR_PKT_END));
	mct_emit(im, MCT_R(ADDI, 3, 1, 0, 42));
	mct_emit(im, MCT_B(BGT, 3, pass, 2));
	mct_emit(im, MCT_R(LD_PKT16, 4, 1, 0, 12));
	mct_emit(im, MCT_B(BNEI, 4, pass, 0x0008));		/* 5 */
	mct_emit(im, MCT_R(LD_PKT8, 5, 1, 0, 14));
	mct_emit(im, MCT_B(BNEI, 5, pass, 0x45));
	/* key: saddr, daddr, sport:dport, proto (zero-padded) */
	mct_emit(im, MCT_R(LD_PKT64, 6, 1, 0, 26));
	mct_emit(im, MCT_R(ST_LM64, 0, RZ, 6, 0));
	mct_emit(im, MCT_R(LD_PKT32, 6, 1, 0, 34));		/* 10 */
	mct_emit(im, MCT_R(ST_LM32, 0, RZ, 6, 8));
	mct_emit(im, MCT_R(LD_PKT8, 6, 1, 0, 23));
	mct_emit(im, MCT_R(ST_LM32, 0, RZ, 6, 12));
	mct_emit(im, MCT_B(BEQI, 6, 17, 17));
	mct_emit(im, MCT_B(BEQI, 6, 17, 6));			/* 15 */
	mct_emit(im, MCT_B(BR, 0, pass, 0));
	mct_immed_map(im, 0, 0);				/* 17 */
	mct_emit(im, MCT_R(IMMED, 2, 0, 0, 0));
	mct_eng(im, 8, 0, NFPE_ENG_MAP_LOOKUP, FLAGS_LM);
	mct_emit(im, MCT_B(BEQ, 8, pass, RZ));			/* 20 */
	mct_emit(im, MCT_R(IMMED, 0, 0, 0, XDP_DROP));
	mct_emit(im, MCT_R(EXIT, 0, 0, 0, 0));
	mct_emit(im, MCT_R(NOP, 0, 0, 0, 0));
	g_assert_cmpuint(mct_pc(im), ==, pass);
	mct_emit(im, MCT_R(IMMED, 0, 0, 0, XDP_PASS));		/* 24 */
	mct_emit(im, MCT_R(EXIT, 0, 0, 0, 0));
	return im;
}

void bench_udp_frame(uint8_t *f, uint32_t len, uint16_t dport)
{
	static const uint8_t hdr[42] = {
		0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00,
		0x45, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11,
		0x00, 0x00, 10, 0, 0, 1, 10, 0, 0, 2,
		0x30, 0x39, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	uint32_t i;

	g_assert_cmpuint(len, >=, sizeof(hdr));
	memcpy(f, hdr, sizeof(hdr));
	f[16] = (uint8_t)((len - 14) >> 8);
	f[17] = (uint8_t)(len - 14);
	f[36] = (uint8_t)(dport >> 8);
	f[37] = (uint8_t)dport;
	f[38] = (uint8_t)((len - 34) >> 8);
	f[39] = (uint8_t)(len - 34);
	for (i = sizeof(hdr); i < len; i++)
		f[i] = (uint8_t)i;
}
