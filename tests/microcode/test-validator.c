/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-validator.c - the image validator and the loader's map binding:
 * a negative test for every rule (every NFPE_IMAGE_ERRORS code but OK is
 * produced, with its code, instruction and a message naming the value),
 * positive tests, truncation sweeps and allocation failures.
 */
#include <string.h>
#include "mc-test-util.h"

#define N(a) G_N_ELEMENTS(a)

static gboolean seen[NFPE_IMG_E_NUM];
static gboolean filtered;	/* -p / -s given: not every test runs */

/* Validate (no maps) with caps; returns the verdict. */
static int validate_caps(const struct nfpe_caps *caps, const uint8_t *img,
			 size_t len, struct nfpe_verr *err)
{
	struct nfpe_prog *prog = NULL;
	int ret;

	memset(err, 0xa5, sizeof(*err));
	ret = nfpe_prog_load(&mct_alloc, caps, NULL, img, len, &prog, err);
	if (ret) {
		g_assert_null(prog);
		g_assert_cmpuint(strnlen(err->msg, sizeof(err->msg)), <,
				 sizeof(err->msg));
	} else {
		g_assert_nonnull(prog);
		g_assert_cmpuint(err->code, ==, NFPE_IMG_E_OK);
		nfpe_prog_free(prog);
	}
	return ret;
}

/*
 * Expect refusal with `code`; `insn` (or UINT32_MAX) and every
 * '|'-separated piece of `needles` must appear in the message.
 */
static void expect_caps(const struct nfpe_caps *caps, const uint8_t *img,
			size_t len, uint32_t code, uint32_t insn,
			const char *needles)
{
	struct nfpe_verr err;
	g_auto(GStrv) parts = g_strsplit(needles, "|", -1);
	int ret = validate_caps(caps, img, len, &err), i;

	if (ret != -NFPE_EINVAL || err.code != code)
		g_error("expected %s, got %d code %u (%s): %s",
			nfpe_image_err_str(code), ret, err.code,
			nfpe_image_err_str(err.code), err.msg);
	g_assert_cmpuint(err.insn, ==, insn);
	for (i = 0; parts[i]; i++)
		if (!strstr(err.msg, parts[i]))
			g_error("message \"%s\" lacks \"%s\"", err.msg,
				parts[i]);
	g_test_message("%s: %s", nfpe_image_err_str(code), err.msg);
	seen[code] = TRUE;
}

static void expect(const uint8_t *img, size_t len, uint32_t code,
		   uint32_t insn, const char *needles)
{
	struct nfpe_caps caps;

	nfpe_caps_default(&caps);
	expect_caps(&caps, img, len, code, insn, needles);
}

static void expect_ok(const uint8_t *img, size_t len)
{
	struct nfpe_caps caps;
	struct nfpe_verr err;

	nfpe_caps_default(&caps);
	if (validate_caps(&caps, img, len, &err))
		g_error("valid image refused: %s", err.msg);
}

/* Image from words (XDP, main at 0, auto ENGINE relocs); expect. */
static void expect_words(const uint64_t *w, size_t n, uint32_t code,
			 uint32_t insn, const char *needles)
{
	size_t len;
	uint8_t *img = mct_image_from_words(w, n, &len);

	expect(img, len, code, insn, needles);
	g_free(img);
}

static void expect_im(struct mct_image *im, uint32_t code, uint32_t insn,
		      const char *needles)
{
	size_t len;
	uint8_t *img = mct_image_build(im, &len);

	expect(img, len, code, insn, needles);
	g_free(img);
	mct_image_free(im);
}

#define EXIT0 MCT_R(EXIT, 0, RZ, 0, 0)
#define E(x) NFPE_IMG_E_##x
#define NOI UINT32_MAX

/* A valid image using maps, a subprogram, engines and memory. */
static struct mct_image *good_image(void)
{
	struct mct_image *im = mct_image_new(NFPE_PROG_XDP);

	mct_map(im, 1, NFPE_BPF_MAP_HASH, 8, 16, 64);
	mct_map(im, 2, NFPE_BPF_MAP_ARRAY, 4, 8, 4);
	mct_emit(im, MCT_R(ST_LM64, 0, RZ, RZ, 0));		/* 0 */
	mct_immed_map(im, 0, 1);				/* 1 */
	mct_emit(im, MCT_R(IMMED, 2, 0, 0, 0));			/* 2 */
	mct_eng(im, 4, 0, NFPE_ENG_MAP_LOOKUP, 0);		/* 3 */
	mct_emit(im, MCT_B(CALL, 0, 7, 0));			/* 4 */
	mct_emit(im, nfpe_enc_b(NFPE_OP_BEQI, 4, 8, 0));	/* 5 */
	mct_emit(im, MCT_R(EXIT, 0, 4, 0, 0));			/* 6 */
	mct_emit(im, MCT_R(RET, 0, 0, 0, 0));			/* 7: sub */
	mct_emit(im, MCT_R(CSRRD, 9, 0, 0, NFPE_CSR_PKT_DATA));	/* 8 */
	mct_emit(im, MCT_R(LD_PKT32, 10, 9, 0, 0));		/* 9 */
	mct_emit(im, MCT_B(BR, 0, 6, 0));			/* 10 */
	mct_entry(im, 0, NFPE_ENTRY_MAIN);
	mct_entry(im, 7, NFPE_ENTRY_SUBPROG);
	return im;
}

static uint8_t *good_bytes(size_t *len)
{
	struct mct_image *im = good_image();
	uint8_t *img = mct_image_build(im, len);

	mct_image_free(im);
	return img;
}

/* ---- positive ---- */

static void test_valid(void)
{
	size_t len;
	uint8_t *img = good_bytes(&len), *buf;

	expect_ok(img, len);
	/* any alignment of the buffer */
	buf = g_malloc(len + 3);
	memcpy(buf + 3, img, len);
	expect_ok(buf + 3, len);
	g_free(buf);
	g_free(img);
}

/* Every defined opcode with canonical fields validates. */
static void test_every_opcode_valid(void)
{
	unsigned op;

	for (op = 0; op < 256; op++) {
		const struct nfpe_opinfo *oi = &nfpe_opinfo[op];
		struct mct_image *im;
		uint64_t w = 0;
		size_t len;
		uint8_t *img;

		if (!oi->mnemonic)
			continue;
		switch (oi->fmt) {
		case NFPE_FMT_NONE: w = MCT_ENC_R(op, 0, 0, 0, 0); break;
		case NFPE_FMT_MOV: w = MCT_ENC_R(op, 1, 2, 0, 0); break;
		case NFPE_FMT_IMM: w = MCT_ENC_R(op, 1, 0, 0, 0xffffffff); break;
		case NFPE_FMT_RR: w = MCT_ENC_R(op, 4, 2, 6, 0); break;
		case NFPE_FMT_RI: w = MCT_ENC_R(op, 4, 2, 0, 31); break;
		case NFPE_FMT_DSH_R: w = MCT_ENC_R(op, 1, 2, 3, 4); break;
		case NFPE_FMT_DSH_I: w = MCT_ENC_R(op, 1, 2, 3, 31); break;
		case NFPE_FMT_BR_R: w = MCT_ENC_B(op, 1, 1, RZ); break;
		case NFPE_FMT_BR_I: w = MCT_ENC_B(op, RZ, 1, 0xffffffff); break;
		case NFPE_FMT_JUMP: w = MCT_ENC_B(op, 0, 2, 0); break;
		case NFPE_FMT_EXIT: w = MCT_ENC_R(op, 0, RZ, 0, 0); break;
		case NFPE_FMT_LD: w = MCT_ENC_R(op, 30, 1, 0, 0xfffffff0); break;
		case NFPE_FMT_ST: w = MCT_ENC_R(op, 0, 1, 30, 7); break;
		case NFPE_FMT_CSRRD:
			w = MCT_ENC_R(op, 1, 0, 0, NFPE_CSR_CYCLES);
			break;
		case NFPE_FMT_CSRWR:
			w = MCT_ENC_R(op, 0, RZ, 0, NFPE_CSR_MARK);
			break;
		case NFPE_FMT_ENG:
			w = MCT_ENC_R(op, 30, 25, 0, NFPE_ENG_KTIME);
			break;
		default:
			g_assert_not_reached();
		}
		im = mct_image_new(NFPE_PROG_TC);
		mct_emit(im, w);
		mct_emit(im, EXIT0);
		mct_emit(im, MCT_R(RET, 0, 0, 0, 0));	/* 2: subprog */
		mct_entry(im, 0, NFPE_ENTRY_MAIN);
		mct_entry(im, 2, NFPE_ENTRY_SUBPROG);
		img = mct_image_build(im, &len);
		mct_image_free(im);
		expect_ok(img, len);
		g_free(img);
	}
}

/* ---- header ---- */

static void test_header(void)
{
	size_t len;
	uint8_t *img = good_bytes(&len), *big;

#define WITH(field, val, code, needles)					\
	do {								\
		uint32_t old_ = mct_get32(img, MCT_HDR(field));		\
		mct_put32(img, MCT_HDR(field), (val));			\
		expect(img, len, E(code), NOI, needles);		\
		mct_put32(img, MCT_HDR(field), old_);			\
	} while (0)

	expect(img, 79, E(TRUNCATED), NOI, "79 bytes|80-byte header");
	expect(NULL, 0, E(TRUNCATED), NOI, "0 bytes");
	expect(img, len - 1, E(TRUNCATED), NOI, "total_len");
	WITH(magic, 0x12345678, BAD_MAGIC, "0x12345678");
	WITH(abi_major, 2 | NFPE_IMAGE_ABI_MINOR << 16, BAD_ABI, "2.0");
	WITH(abi_major, 1 | 1 << 16, BAD_ABI, "1.1");
	WITH(hdr_len, 84, BAD_HDR_LEN, "hdr_len 84");
	WITH(total_len, (uint32_t)len - 8, BAD_TOTAL_LEN, "does not match");
	WITH(total_len, (uint32_t)len + 8, TRUNCATED, "total_len");
	WITH(prog_type, 3, BAD_PROG_TYPE, "prog_type 3");
	WITH(prog_type, 0, BAD_PROG_TYPE, "prog_type 0");
	WITH(flags, 0x100, RESERVED, "flags is 0x100");
	WITH(reserved, 1, RESERVED, "reserved word is 0x1");
	WITH(stack_size, 513, STACK_TOO_BIG, "stack_size 513|512");
	WITH(n_insns, 0, NO_CODE, "no instructions");
	WITH(n_insns, 8193, CODE_TOO_BIG, "n_insns 8193|8192");
	WITH(n_entries, 0, NO_ENTRY, "n_entries 0");
	WITH(n_entries, 257, TOO_MANY_ENTRIES, "n_entries 257|256");
	WITH(n_maps, 65, TOO_MANY_MAPS, "n_maps 65|64");

	/* TOO_BIG: a (zero-padded) image beyond the limit */
	big = g_malloc0(NFPE_IMAGE_MAX_BYTES + 8);
	memcpy(big, img, len);
	mct_put32(big, MCT_HDR(total_len), NFPE_IMAGE_MAX_BYTES + 8);
	expect(big, NFPE_IMAGE_MAX_BYTES + 8, E(TOO_BIG), NOI, "4194312");
	g_free(big);
	g_free(img);
}

static void test_caps_limits(void)
{
	struct nfpe_caps caps;
	size_t len;
	uint8_t *img = good_bytes(&len);

	nfpe_caps_default(&caps);
	caps.code_store = 10;
	expect_caps(&caps, img, len, E(CODE_TOO_BIG), NOI, "n_insns 11|10");
	nfpe_caps_default(&caps);
	caps.max_maps = 1;
	expect_caps(&caps, img, len, E(TOO_MANY_MAPS), NOI, "n_maps 2");
	nfpe_caps_default(&caps);
	caps.stack_size = 256;
	expect_caps(&caps, img, len, E(STACK_TOO_BIG), NOI, "512|256");
	nfpe_caps_default(&caps);
	caps.map_types &= ~NFPE_BIT(NFPE_BPF_MAP_ARRAY);
	expect_caps(&caps, img, len, E(MAP_UNSUPPORTED), NOI, "map 1|type 2");
	nfpe_caps_default(&caps);
	caps.engines &= ~NFPE_BIT(NFPE_ENG_MAP_LOOKUP);
	expect_caps(&caps, img, len, E(ENGINE_UNSUPPORTED), 3,
		    "insn 3|engine command 1");
	nfpe_caps_default(&caps);
	caps.max_key = 4;
	expect_caps(&caps, img, len, E(BAD_MAP), NOI, "map 0|key_size 8");
	g_free(img);
}

static void test_sections(void)
{
	size_t len;
	uint8_t *img = good_bytes(&len);
	uint32_t code = mct_get32(img, MCT_HDR(code_off));
	uint32_t ent = mct_get32(img, MCT_HDR(entry_off));
	uint32_t map = mct_get32(img, MCT_HDR(map_off));
	uint32_t rel = mct_get32(img, MCT_HDR(reloc_off));

	WITH(code_off, (uint32_t)len - 8, SECTION_BOUNDS,
	     "code section|total_len");
	WITH(code_off, 0xfffffff8, SECTION_BOUNDS, "code section");
	WITH(n_insns, 0x20000000, CODE_TOO_BIG, "n_insns");
	WITH(reloc_off, rel + 4, SECTION_BOUNDS, "relocation section");
	WITH(n_relocs, 0x40000000, SECTION_BOUNDS, "relocation section");
	WITH(map_off, 0xffffffff, SECTION_BOUNDS, "map section");
	WITH(code_off, code + 4, SECTION_ALIGN, "code section offset 84|8");
	WITH(entry_off, ent + 2, SECTION_ALIGN, "entry section offset");
	WITH(map_off, map + 1, SECTION_ALIGN, "map section offset");
	WITH(code_off, 0, SECTION_OVERLAP, "80-byte header");
	WITH(entry_off, 72, SECTION_OVERLAP, "entry section|header");
	WITH(entry_off, code, SECTION_OVERLAP, "code section|entry section");
	WITH(reloc_off, map + 12, SECTION_OVERLAP, "map section");
	/* empty sections may sit anywhere */
	{
		struct mct_image *im = mct_image_new(NFPE_PROG_XDP);
		uint8_t *img2;
		size_t len2;

		mct_emit(im, EXIT0);
		img2 = mct_image_build(im, &len2);
		mct_image_free(im);
		mct_put32(img2, MCT_HDR(map_off), 0xffffffff);
		mct_put32(img2, MCT_HDR(reloc_off), 3);
		expect_ok(img2, len2);
		g_free(img2);
	}
	g_free(img);
}

/* ---- instructions ---- */

static void test_bad_opcode(void)
{
	const uint64_t w[] = { MCT_R(NOP, 0, 0, 0, 0), 0x03, EXIT0 };
	const uint64_t w2[] = { 0xff, EXIT0 };

	expect_words(w, N(w), E(BAD_OPCODE), 1, "insn 1|opcode 0x03");
	expect_words(w2, N(w2), E(BAD_OPCODE), 0, "insn 0|opcode 0xff");
}

static void test_bad_reg(void)
{
	const uint64_t a[] = { MCT_R(ADD, 1, 40, 2, 0), EXIT0 };
	const uint64_t b[] = { MCT_R(ADD, 1, 2, 32, 0), EXIT0 };
	const uint64_t e[] = { MCT_R(EXIT, 0, 0xfe, 0, 0) };
	const uint64_t br[] = { MCT_B(BEQ, 1, 1, 0x40), EXIT0 };
	const uint64_t bra[] = { MCT_B(BEQI, 33, 1, 0), EXIT0 };
	const uint64_t dsh[] = { MCT_R(DSHL, 1, 2, 3, 0x20), EXIT0 };
	const uint64_t div[] = { MCT_R(DIVU64, 2, 31, 4, 0), EXIT0 };
	const uint64_t divz[] = { MCT_R(MODU64, 2, 4, RZ, 0), EXIT0 };
	const uint64_t st64[] = { MCT_R(ST_LM64, 0, RZ, 31, 0), EXIT0 };
	const uint64_t eng[] = { MCT_R(ENG, 2, 26, 0, NFPE_ENG_RANDOM), EXIT0 };
	const uint64_t engz[] = { MCT_R(ENG, 2, RZ, 0, NFPE_ENG_RANDOM),
				  EXIT0 };
	const uint64_t csr[] = { MCT_R(CSRWR, 0, 99, 0, NFPE_CSR_MARK),
				 EXIT0 };

	expect_words(a, N(a), E(BAD_REG), 0, "insn 0|add|a is 40");
	expect_words(b, N(b), E(BAD_REG), 0, "insn 0|b is 32");
	expect_words(e, N(e), E(BAD_REG), 0, "exit|a is 254");
	expect_words(br, N(br), E(BAD_REG), 0, "beq|imm[7:0]) is 64");
	expect_words(bra, N(bra), E(BAD_REG), 0, "beq|a is 33");
	expect_words(dsh, N(dsh), E(BAD_REG), 0, "dshl|is 32");
	expect_words(div, N(div), E(BAD_REG), 0, "divu64|pair a is 31");
	expect_words(divz, N(divz), E(BAD_REG), 0, "modu64|pair b is 255");
	expect_words(st64, N(st64), E(BAD_REG), 0, "st.lm.64|pair b is 31");
	expect_words(eng, N(eng), E(BAD_REG), 0, "eng|a is 26");
	expect_words(engz, N(engz), E(BAD_REG), 0, "eng|a is 255");
	expect_words(csr, N(csr), E(BAD_REG), 0, "csrwr|a is 99");
}

static void test_bad_dest(void)
{
	const uint64_t rz[] = { MCT_R(MOV, RZ, 1, 0, 0), EXIT0 };
	const uint64_t past[] = { MCT_R(IMMED, 32, 0, 0, 0), EXIT0 };
	const uint64_t ld64[] = { MCT_R(LD_PKT64, 31, 1, 0, 0), EXIT0 };
	const uint64_t div[] = { MCT_R(DIVU64I, 31, 2, 0, 3), EXIT0 };
	const uint64_t eng[] = { MCT_R(ENG, 31, 0, 0, NFPE_ENG_KTIME), EXIT0 };
	const uint64_t csr[] = { MCT_R(CSRRD, RZ, 0, 0, 0), EXIT0 };

	expect_words(rz, N(rz), E(BAD_DEST), 0, "insn 0|mov|is rz");
	expect_words(past, N(past), E(BAD_DEST), 0, "immed|d is 32");
	expect_words(ld64, N(ld64), E(BAD_DEST), 0, "ld.pkt.64|r31:r32");
	expect_words(div, N(div), E(BAD_DEST), 0, "divu64|r31");
	expect_words(eng, N(eng), E(BAD_DEST), 0, "eng|r31");
	expect_words(csr, N(csr), E(BAD_DEST), 0, "csrrd|rz");
}

static void test_unused_field(void)
{
	static const struct {
		uint64_t w;
		const char *needles;
	} cases[] = {
		{ MCT_R(NOP, 1, 0, 0, 0), "nop|field d is 0x1" },
		{ MCT_R(NOP, 0, 0, 0, 5), "nop|field imm is 0x5" },
		{ MCT_R(MOV, 1, 2, 3, 0), "mov|field b is 0x3" },
		{ MCT_R(MOV, 1, 2, 0, 1), "mov|field imm" },
		{ MCT_R(IMMED, 1, 2, 0, 1), "immed|field a is 0x2" },
		{ MCT_R(ADD, 1, 2, 3, 4), "add|field imm is 0x4" },
		{ MCT_R(ADDI, 1, 2, 3, 4), "add|field b is 0x3" },
		{ MCT_R(DSHL, 1, 2, 3, 0x104), "dshl|imm[31:8] is 0x1" },
		{ MCT_B(BNE, 1, 1, 0x302), "bne|imm[31:8] is 0x3" },
		{ MCT_B(BR, 3, 1, 0), "br|field a is 0x3" },
		{ MCT_B(BR, 0, 1, 9), "br|field imm is 0x9" },
		{ MCT_R(EXIT, 1, 2, 0, 0), "exit|field d" },
		{ MCT_R(EXIT, 0, 2, 0, 7), "exit|field imm" },
		{ MCT_R(LD_LM32, 1, 2, 3, 0), "ld.lm.32|field b" },
		{ MCT_R(ST_MAP32, 1, 2, 3, 0), "st.map.32|field d" },
		{ MCT_R(AADD_MAP64, 1, 2, 4, 0), "aadd.map.64|field d" },
		{ MCT_R(CSRRD, 1, 2, 0, 0), "csrrd|field a" },
		{ MCT_R(CSRWR, 1, 2, 0, NFPE_CSR_MARK), "csrwr|field d" },
		{ MCT_R(RET, 0, 0, 1, 0), "ret|field b" },
	};
	size_t i;

	for (i = 0; i < N(cases); i++) {
		uint64_t w[] = { cases[i].w, EXIT0 };

		expect_words(w, N(w), E(UNUSED_FIELD), 0, cases[i].needles);
	}
}

static void test_targets(void)
{
	const uint64_t br[] = { MCT_B(BR, 0, 900, 0), EXIT0 };
	const uint64_t beq[] = { MCT_B(BEQI, 1, 2, 0), EXIT0 };
	const uint64_t call[] = { MCT_B(CALL, 0, 2, 0), EXIT0,
				  MCT_R(RET, 0, 0, 0, 0) };
	const uint64_t call0[] = { MCT_B(CALL, 0, 0, 0), EXIT0 };

	expect_words(br, N(br), E(BAD_TARGET), 0,
		     "insn 0|branch target 900 outside code (n_insns 2)");
	expect_words(beq, N(beq), E(BAD_TARGET), 0, "beq|target 2");
	expect_words(call, N(call), E(BAD_CALL), 0,
		     "insn 0|target 2 is not a subprogram entry");
	/* MAIN is not a subprogram */
	expect_words(call0, N(call0), E(BAD_CALL), 0, "target 0");
}

static void test_falls_off_end(void)
{
	const uint64_t add[] = { MCT_R(ADD, 1, 1, 1, 0) };
	const uint64_t beq[] = { EXIT0, MCT_B(BEQI, 1, 0, 0) };
	const uint64_t call[] = { EXIT0, MCT_R(RET, 0, 0, 0, 0),
				  MCT_B(CALL, 0, 1, 0) };
	const uint64_t br[] = { MCT_B(BR, 0, 0, 0) };
	const uint64_t ret[] = { MCT_R(RET, 0, 0, 0, 0) };
	struct mct_image *im;

	expect_words(add, N(add), E(FALLS_OFF_END), 0, "insn 0|add");
	expect_words(beq, N(beq), E(FALLS_OFF_END), 1, "insn 1|beq");
	im = mct_image_new(NFPE_PROG_XDP);
	mct_emit_words(im, call, N(call));
	mct_entry(im, 0, NFPE_ENTRY_MAIN);
	mct_entry(im, 1, NFPE_ENTRY_SUBPROG);
	expect_im(im, E(FALLS_OFF_END), 2, "insn 2|call");
	{
		size_t len;
		uint8_t *img = mct_image_from_words(br, N(br), &len);

		expect_ok(img, len);
		g_free(img);
		img = mct_image_from_words(ret, N(ret), &len);
		expect_ok(img, len);
		g_free(img);
	}
}

static void test_shift(void)
{
	const uint64_t shl[] = { MCT_R(SHLI, 1, 1, 0, 32), EXIT0 };
	const uint64_t shr[] = { MCT_R(SHRI, 1, 1, 0, 0xffffffff), EXIT0 };
	const uint64_t asr[] = { MCT_R(ASRI, 1, 1, 0, 33), EXIT0 };
	const uint64_t dsh[] = { MCT_R(DSHLI, 1, 2, 3, 32), EXIT0 };
	const uint64_t dshr[] = { MCT_R(DSHRI, 1, 2, 3, 0x100), EXIT0 };

	expect_words(shl, N(shl), E(BAD_SHIFT), 0, "insn 0|shl|amount 32");
	expect_words(shr, N(shr), E(BAD_SHIFT), 0, "shr|4294967295");
	expect_words(asr, N(asr), E(BAD_SHIFT), 0, "asr|33");
	expect_words(dsh, N(dsh), E(BAD_SHIFT), 0, "dshl|32");
	expect_words(dshr, N(dshr), E(BAD_SHIFT), 0, "dshr|256");
}

static void test_csr(void)
{
	const uint64_t rd[] = { MCT_R(CSRRD, 1, 0, 0, NFPE_CSR_NUM), EXIT0 };
	const uint64_t wr[] = { MCT_R(CSRWR, 0, 1, 0, 0x1000), EXIT0 };
	const uint64_t ro[] = { MCT_R(CSRWR, 0, 1, 0, NFPE_CSR_PKT_DATA),
				EXIT0 };
	const uint64_t ro2[] = { MCT_R(CSRWR, 0, 1, 0, NFPE_CSR_CYCLES),
				 EXIT0 };

	expect_words(rd, N(rd), E(BAD_CSR), 0, "csrrd|unknown CSR 15");
	expect_words(wr, N(wr), E(BAD_CSR), 0, "csrwr|CSR 4096");
	expect_words(ro, N(ro), E(CSR_READ_ONLY), 0, "CSR 0 (pkt_data)");
	expect_words(ro2, N(ro2), E(CSR_READ_ONLY), 0, "cycles");
}

static void test_engine(void)
{
	const uint64_t e0[] = { MCT_R(ENG, 2, 0, 0, 0), EXIT0 };
	const uint64_t e9[] = { MCT_R(ENG, 2, 0, 0, NFPE_ENG_NUM), EXIT0 };
	const uint64_t big[] = { MCT_R(ENG, 2, 0, 0, 0x80000001), EXIT0 };
	const uint64_t f3[] = { MCT_R(ENG, 2, 0, 3, NFPE_ENG_MAP_LOOKUP),
				EXIT0 };
	const uint64_t fv[] = { MCT_R(ENG, 2, 0, 0x4, NFPE_ENG_MAP_DELETE),
				EXIT0 };
	const uint64_t fu[] = { MCT_R(ENG, 2, 0, 0xc, NFPE_ENG_MAP_UPDATE),
				EXIT0 };
	const uint64_t fh[] = { MCT_R(ENG, 2, 0, 0x10, NFPE_ENG_MAP_UPDATE),
				EXIT0 };
	const uint64_t fr[] = { MCT_R(ENG, 2, 0, 1, NFPE_ENG_RANDOM), EXIT0 };
	const uint64_t ok[] = { MCT_R(ENG, 2, 0, 0x9, NFPE_ENG_MAP_UPDATE),
				EXIT0 };
	size_t len;
	uint8_t *img;

	expect_words(e0, N(e0), E(BAD_ENGINE), 0, "insn 0|engine command 0");
	expect_words(e9, N(e9), E(BAD_ENGINE), 0, "command 9");
	expect_words(big, N(big), E(BAD_ENGINE), 0, "2147483649");
	expect_words(f3, N(f3), E(BAD_ENGINE_FLAGS), 0,
		     "flags 0x3|key space 3");
	expect_words(fv, N(fv), E(BAD_ENGINE_FLAGS), 0, "engine 3 flags 0x4");
	expect_words(fu, N(fu), E(BAD_ENGINE_FLAGS), 0, "value space 3");
	expect_words(fh, N(fh), E(BAD_ENGINE_FLAGS), 0, "flags 0x10");
	expect_words(fr, N(fr), E(BAD_ENGINE_FLAGS), 0, "engine 4 flags 0x1");
	img = mct_image_from_words(ok, N(ok), &len);
	expect_ok(img, len);
	g_free(img);
}

/* ---- tables ---- */

static void test_entries(void)
{
	struct mct_image *im;
	const uint64_t w[] = { EXIT0, MCT_R(RET, 0, 0, 0, 0) };

#define ENTRIES(...)							\
	do {								\
		static const uint32_t e_[] = { __VA_ARGS__ };		\
		size_t i_;						\
		im = mct_image_new(NFPE_PROG_XDP);			\
		mct_emit_words(im, w, N(w));				\
		for (i_ = 0; i_ < N(e_); i_ += 2)			\
			mct_entry(im, e_[i_], e_[i_ + 1]);		\
	} while (0)

	ENTRIES(0, NFPE_ENTRY_SUBPROG);
	expect_im(im, E(BAD_ENTRY), 0, "entry 0|kind 2|MAIN");
	ENTRIES(2, NFPE_ENTRY_MAIN);
	expect_im(im, E(BAD_ENTRY), 2, "entry 0|insn 2 outside code");
	ENTRIES(0, NFPE_ENTRY_MAIN, 1, NFPE_ENTRY_MAIN);
	expect_im(im, E(BAD_ENTRY), 1, "entry 1|kind 1|SUBPROG");
	ENTRIES(0, NFPE_ENTRY_MAIN, 1, NFPE_ENTRY_SUBPROG, 1,
		NFPE_ENTRY_SUBPROG);
	expect_im(im, E(BAD_ENTRY), 1, "entry 2|insn 1 is already entry 1");
	ENTRIES(0, NFPE_ENTRY_MAIN, 0, NFPE_ENTRY_SUBPROG);
	expect_im(im, E(BAD_ENTRY), 0, "entry 1|already entry 0");
	ENTRIES(0, NFPE_ENTRY_MAIN, 0x10000, NFPE_ENTRY_SUBPROG);
	expect_im(im, E(BAD_ENTRY), 0x10000, "entry 1|insn 65536");
	/* main need not be at 0 */
	{
		const uint64_t x[] = { MCT_R(RET, 0, 0, 0, 0), EXIT0 };
		size_t len;
		uint8_t *img;

		im = mct_image_new(NFPE_PROG_XDP);
		mct_emit_words(im, x, N(x));
		mct_entry(im, 1, NFPE_ENTRY_MAIN);
		img = mct_image_build(im, &len);
		mct_image_free(im);
		expect_ok(img, len);
		g_free(img);
	}
}

static void test_maps_table(void)
{
	struct mct_image *im;

#define ONE_MAP(type, k, v, n)						\
	do {								\
		im = mct_image_new(NFPE_PROG_XDP);			\
		mct_map(im, 1, type, k, v, n);				\
		mct_emit(im, EXIT0);					\
	} while (0)

	ONE_MAP(3, 4, 4, 4);	/* PROG_ARRAY */
	expect_im(im, E(MAP_UNSUPPORTED), NOI, "map 0|type 3");
	ONE_MAP(40, 4, 4, 4);
	expect_im(im, E(MAP_UNSUPPORTED), NOI, "type 40");
	ONE_MAP(0xffffffff, 4, 4, 4);
	expect_im(im, E(MAP_UNSUPPORTED), NOI, "type 4294967295");
	ONE_MAP(NFPE_BPF_MAP_HASH, 0, 4, 4);
	expect_im(im, E(BAD_MAP), NOI, "map 0|key_size 0");
	ONE_MAP(NFPE_BPF_MAP_HASH, 65, 4, 4);
	expect_im(im, E(BAD_MAP), NOI, "key_size 65|1..64");
	ONE_MAP(NFPE_BPF_MAP_LRU_HASH, 4, 0, 4);
	expect_im(im, E(BAD_MAP), NOI, "value_size 0");
	ONE_MAP(NFPE_BPF_MAP_PERCPU_HASH, 4, 4097, 4);
	expect_im(im, E(BAD_MAP), NOI, "value_size 4097|4096");
	ONE_MAP(NFPE_BPF_MAP_HASH, 4, 4, 0);
	expect_im(im, E(BAD_MAP), NOI, "max_entries 0");
	ONE_MAP(NFPE_BPF_MAP_HASH, 4, 4, (1 << 20) + 1);
	expect_im(im, E(BAD_MAP), NOI, "max_entries 1048577");
	ONE_MAP(NFPE_BPF_MAP_PERCPU_ARRAY, 8, 4, 4);
	expect_im(im, E(BAD_MAP), NOI, "array map with key_size 8");
}

static void test_relocs(void)
{
	struct mct_image *im;

#define RELOC_IMG()							\
	do {								\
		im = mct_image_new(NFPE_PROG_XDP);			\
		mct_image_set_auto_relocs(im, FALSE);			\
		mct_map(im, 1, NFPE_BPF_MAP_HASH, 4, 4, 4);		\
		mct_emit(im, MCT_R(IMMED, 0, 0, 0, 0));			\
		mct_emit(im, MCT_R(ENG, 2, 0, 0, NFPE_ENG_MAP_LOOKUP)); \
		mct_emit(im, EXIT0);					\
	} while (0)

	RELOC_IMG();
	mct_reloc(im, 0, NFPE_RELOC_MAP_SLOT, 0);
	expect_im(im, E(MISSING_RELOC), 1, "insn 1|eng 1|no ENGINE");
	RELOC_IMG();
	mct_reloc(im, 1, NFPE_RELOC_ENGINE, 1);
	mct_reloc(im, 3, NFPE_RELOC_MAP_SLOT, 0);
	expect_im(im, E(BAD_RELOC), NOI, "relocation 1|insn 3 outside code");
	RELOC_IMG();
	mct_reloc(im, 2, NFPE_RELOC_MAP_SLOT, 0);
	expect_im(im, E(BAD_RELOC), 2, "relocation 0|MAP_SLOT on insn 2 "
		  "(exit)");
	RELOC_IMG();
	mct_reloc(im, 0, NFPE_RELOC_ENGINE, 0);
	expect_im(im, E(BAD_RELOC), 0, "ENGINE on insn 0 (immed)");
	RELOC_IMG();
	mct_reloc(im, 1, NFPE_RELOC_ENGINE, 2);
	expect_im(im, E(BAD_RELOC), 1, "engine 2 but insn 1 runs engine 1");
	RELOC_IMG();
	mct_reloc(im, 0, NFPE_RELOC_MAP_SLOT, 1);
	expect_im(im, E(BAD_RELOC), 0, "value 1 but insn 0 loads slot 0");
	RELOC_IMG();
	mct_reloc(im, 0, 7, 0);
	expect_im(im, E(BAD_RELOC), 0, "unknown kind 7");
	RELOC_IMG();
	mct_reloc(im, 1, NFPE_RELOC_ENGINE, 1);
	mct_reloc(im, 1, NFPE_RELOC_ENGINE, 1);
	expect_im(im, E(BAD_RELOC), 1, "relocation 1|already has");
	RELOC_IMG();
	mct_patch(im, 0, MCT_R(IMMED, 0, 0, 0, 1));
	mct_reloc(im, 0, NFPE_RELOC_MAP_SLOT, 1);
	mct_reloc(im, 1, NFPE_RELOC_ENGINE, 1);
	expect_im(im, E(BAD_MAP_SLOT), 0, "insn 0|map slot 1|n_maps 1");
}

static void test_lm_bounds(void)
{
	const uint64_t ld[] = { MCT_R(LD_LM32, 1, RZ, 0, 509), EXIT0 };
	const uint64_t st[] = { MCT_R(ST_LM64, 0, RZ, 2, 505), EXIT0 };
	const uint64_t wrap[] = { MCT_R(ST_LM8, 0, RZ, 2, 0xffffffff),
				  EXIT0 };
	const uint64_t ok[] = { MCT_R(LD_LM32, 1, RZ, 0, 508),
				MCT_R(ST_LM64, 0, RZ, 2, 504),
				MCT_R(LD_LM32, 1, 2, 0, 0xffffffff), EXIT0 };
	struct mct_image *im;
	size_t len;
	uint8_t *img;

	expect_words(ld, N(ld), E(LM_BOUNDS), 0,
		     "insn 0|ld.lm.32|address 509 (+4 bytes)|stack_size 512");
	expect_words(st, N(st), E(LM_BOUNDS), 0, "st.lm.64|505");
	expect_words(wrap, N(wrap), E(LM_BOUNDS), 0, "4294967295");
	img = mct_image_from_words(ok, N(ok), &len);
	expect_ok(img, len);
	g_free(img);
	/* the bound is the image's declared stack */
	im = mct_image_new(NFPE_PROG_XDP);
	mct_image_set_stack(im, 16);
	mct_emit(im, MCT_R(AADD_LM32, 0, RZ, 1, 12));
	mct_emit(im, MCT_R(LD_LM8, 1, RZ, 0, 16));
	mct_emit(im, EXIT0);
	expect_im(im, E(LM_BOUNDS), 1, "insn 1|address 16|stack_size 16");
}

/* ---- binding (prog.c) ---- */

static void test_map_binding(void)
{
	struct nfpe_prog *prog = NULL;
	struct mct_image *im;
	struct nfpe_verr err;
	struct mct_vm vm;
	uint32_t hash, arr;
	uint8_t *img;
	size_t len;

	mct_vm_init(&vm, 1 << 20);
	hash = mct_vm_map(&vm, NFPE_BPF_MAP_HASH, 8, 16, 64);
	arr = mct_vm_map(&vm, NFPE_BPF_MAP_ARRAY, 4, 8, 4);

#define BIND(hk, hv, hn, aid, code_, needles)				\
	do {								\
		im = mct_image_new(NFPE_PROG_XDP);			\
		mct_map(im, hash, NFPE_BPF_MAP_HASH, hk, hv, hn);	\
		mct_map(im, aid, NFPE_BPF_MAP_ARRAY, 4, 8, 4);		\
		mct_emit(im, EXIT0);					\
		img = mct_image_build(im, &len);			\
		mct_image_free(im);					\
		g_assert_cmpint(nfpe_prog_load(&mct_alloc, &vm.caps,	\
				vm.maps, img, len, &prog, &err), ==,	\
				-NFPE_EINVAL);				\
		g_assert_null(prog);					\
		g_assert_cmpuint(err.code, ==, NFPE_IMG_E_##code_);	\
		{							\
			g_auto(GStrv) p_ = g_strsplit(needles, "|", -1); \
			int i_;						\
			for (i_ = 0; p_[i_]; i_++)			\
				if (!strstr(err.msg, p_[i_]))		\
					g_error("\"%s\" lacks \"%s\"",	\
						err.msg, p_[i_]);	\
		}							\
		seen[NFPE_IMG_E_##code_] = TRUE;			\
		g_free(img);						\
	} while (0)

	BIND(8, 32, 64, arr, MAP_MISMATCH, "map 0|value 32|value 16");
	BIND(4, 16, 64, arr, MAP_MISMATCH, "key 4|key 8");
	BIND(8, 16, 65, arr, MAP_MISMATCH, "entries 65");
	BIND(8, 16, 64, 999, MAP_MISMATCH, "map 1|device map 999");
	BIND(8, 16, 64, hash, MAP_MISMATCH, "map 1|type 2|type 1");
	/* the failed loads left no hold behind: maps can be freed... */
	{
		uint32_t tmp = mct_vm_map(&vm, NFPE_BPF_MAP_HASH, 4, 4, 4);

		g_assert_cmpint(nfpe_map_free(vm.maps, tmp), ==, 0);
	}
	/* a good load holds both maps until the program is freed */
	im = mct_image_new(NFPE_PROG_XDP);
	mct_map(im, hash, NFPE_BPF_MAP_HASH, 8, 16, 64);
	mct_map(im, arr, NFPE_BPF_MAP_ARRAY, 4, 8, 4);
	mct_emit(im, EXIT0);
	img = mct_image_build(im, &len);
	mct_image_free(im);
	g_assert_cmpint(nfpe_prog_load(&mct_alloc, &vm.caps, vm.maps, img,
				       len, &prog, &err), ==, 0);
	g_assert_cmpint(nfpe_map_free(vm.maps, hash), ==, -NFPE_EBUSY);
	g_assert_cmpint(nfpe_map_free(vm.maps, arr), ==, -NFPE_EBUSY);
	nfpe_prog_free(prog);
	g_assert_cmpint(nfpe_map_free(vm.maps, hash), ==, 0);
	g_assert_cmpint(nfpe_map_free(vm.maps, arr), ==, 0);
	g_free(img);
	mct_vm_fini(&vm);
}

/* ---- robustness ---- */

static void test_truncation_sweep(void)
{
	size_t len, n;
	uint8_t *img = good_bytes(&len);

	for (n = 0; n < len; n++) {
		/* a fresh exact-size copy so ASan sees any overread */
		uint8_t *cut = g_memdup2(img, n ? n : 1);
		struct nfpe_verr err;
		struct nfpe_caps caps;

		nfpe_caps_default(&caps);
		g_assert_cmpint(validate_caps(&caps, cut, n, &err), ==,
				-NFPE_EINVAL);
		g_assert_cmpuint(err.code, ==, NFPE_IMG_E_TRUNCATED);
		/* and with total_len matching the cut */
		if (n >= sizeof(struct nfpe_image_hdr)) {
			mct_put32(cut, MCT_HDR(total_len), (uint32_t)n);
			g_assert_cmpint(validate_caps(&caps, cut, n, &err), ==,
					-NFPE_EINVAL);
			g_assert_cmpuint(err.code, !=, NFPE_IMG_E_OK);
		}
		g_free(cut);
	}
	g_free(img);
}

/* Flip every bit of a valid image: never crashes, always a verdict. */
static void test_bit_flips(void)
{
	size_t len, i;
	uint8_t *img = good_bytes(&len);
	struct nfpe_caps caps;
	struct nfpe_verr err;

	nfpe_caps_default(&caps);
	for (i = 0; i < len * 8; i++) {
		int ret;

		img[i / 8] ^= 1 << (i % 8);
		ret = validate_caps(&caps, img, len, &err);
		g_assert_true(ret == 0 || ret == -NFPE_EINVAL);
		g_assert_cmpuint(err.code, <, NFPE_IMG_E_NUM);
		img[i / 8] ^= 1 << (i % 8);
	}
	g_free(img);
}

static void test_alloc_failure(void)
{
	struct nfpe_caps caps;
	struct nfpe_verr err;
	struct nfpe_prog *prog;
	size_t len;
	uint8_t *img = good_bytes(&len);
	int budget, ok = 0;

	nfpe_caps_default(&caps);
	for (budget = 0; budget < 10 && !ok; budget++) {
		int left = budget;
		struct nfpe_alloc a = mct_alloc_failing(&left);
		int ret = nfpe_prog_load(&a, &caps, NULL, img, len, &prog,
					 &err);

		if (ret == 0) {
			ok = 1;
			nfpe_prog_free(prog);
		} else {
			g_assert_cmpint(ret, ==, -NFPE_ENOMEM);
			g_assert_null(prog);
			g_assert_nonnull(strstr(err.msg, "out of memory"));
		}
	}
	g_assert_true(ok);
	g_free(img);
}

static void test_err_str(void)
{
	g_assert_cmpstr(nfpe_image_err_str(NFPE_IMG_E_OK), ==, "valid");
	g_assert_cmpstr(nfpe_image_err_str(NFPE_IMG_E_BAD_TARGET), ==,
			"branch target outside the code");
	g_assert_cmpstr(nfpe_image_err_str(NFPE_IMG_E_NUM), ==,
			"unknown error");
}

/* Runs last: every error code was produced by some test above. */
static void test_all_codes_covered(void)
{
	unsigned i;

	if (filtered)
		return;
	for (i = 1; i < NFPE_IMG_E_NUM; i++)
		if (!seen[i])
			g_error("no test produced %s",
				nfpe_image_err_str(i));
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "-s") ||
		    g_str_has_prefix(argv[i], "--GTestSkip"))
			filtered = TRUE;
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/validator/valid", test_valid);
	g_test_add_func("/validator/every-opcode", test_every_opcode_valid);
	g_test_add_func("/validator/header", test_header);
	g_test_add_func("/validator/caps-limits", test_caps_limits);
	g_test_add_func("/validator/sections", test_sections);
	g_test_add_func("/validator/insn-opcode", test_bad_opcode);
	g_test_add_func("/validator/insn-reg", test_bad_reg);
	g_test_add_func("/validator/insn-dest", test_bad_dest);
	g_test_add_func("/validator/insn-unused", test_unused_field);
	g_test_add_func("/validator/insn-targets", test_targets);
	g_test_add_func("/validator/insn-falls-off-end", test_falls_off_end);
	g_test_add_func("/validator/insn-shift", test_shift);
	g_test_add_func("/validator/insn-csr", test_csr);
	g_test_add_func("/validator/insn-engine", test_engine);
	g_test_add_func("/validator/insn-lm-bounds", test_lm_bounds);
	g_test_add_func("/validator/entries", test_entries);
	g_test_add_func("/validator/maps", test_maps_table);
	g_test_add_func("/validator/relocs", test_relocs);
	g_test_add_func("/validator/map-binding", test_map_binding);
	g_test_add_func("/validator/truncation", test_truncation_sweep);
	g_test_add_func("/validator/bit-flips", test_bit_flips);
	g_test_add_func("/validator/alloc-failure", test_alloc_failure);
	g_test_add_func("/validator/err-str", test_err_str);
	g_test_add_func("/validator/zz-all-codes", test_all_codes_covered);
	return g_test_run();
}
