/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-asm.c - assembler and disassembler: exact round trips for every
 * opcode with random operands and for arbitrary 64-bit words, every
 * directive, label resolution, every error message, and
 * image -> text -> image identity on whole images.
 */
#include <glib.h>
#include <string.h>

#include "nfpe_mc.h"

static void *ta_alloc(void *opaque, size_t size)
{
	(void)opaque;
	return g_malloc0(size);
}

static void ta_free(void *opaque, void *ptr)
{
	(void)opaque;
	g_free(ptr);
}

static const struct nfpe_alloc ta = { ta_alloc, ta_free, NULL };

struct op_desc {
	const char *mn;
	uint8_t fmt;
};

static const struct op_desc ops[256] = {
#define X(e, v, m, f) [v] = { m, f },
	NFPE_OPCODES(X)
#undef X
};

static uint32_t rd32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

static uint32_t rr(GRand *r, uint32_t lo, uint32_t hi)
{
	return (uint32_t)g_rand_int_range(r, (gint32)lo, (gint32)hi);
}

/* Assemble; on failure return NULL and the error. */
static uint8_t *assemble(const char *src, size_t *len, struct nfpe_asm_err *e)
{
	uint8_t *img = NULL;
	struct nfpe_asm_err err;
	int rc = nfpe_asm(&ta, src, strlen(src), &img, len, e ? e : &err);

	if (rc) {
		g_assert_null(img);
		if (!e)
			g_error("assembly failed: %s\nsource:\n%s", err.msg,
				src);
		return NULL;
	}
	g_assert_nonnull(img);
	return img;
}

static char *disasm(const uint8_t *img, size_t len)
{
	size_t n = nfpe_disasm_image(img, len, NULL, 0);
	char *buf = g_malloc(n + 1);

	g_assert_cmpuint(nfpe_disasm_image(img, len, buf, n + 1), ==, n);
	g_assert_cmpuint(strlen(buf), ==, n);
	return buf;
}

static char *insn_text(uint64_t w)
{
	size_t n = nfpe_disasm_insn(w, 0, NULL, 0);
	char *buf = g_malloc(n + 1);

	g_assert_cmpuint(nfpe_disasm_insn(w, 0, buf, n + 1), ==, n);
	return buf;
}

/* Assemble one line of text; return code[0]. */
static uint64_t asm_one(const char *line)
{
	g_autofree char *src = g_strdup_printf("%s\n", line);
	size_t len;
	uint8_t *img = assemble(src, &len, NULL);
	uint64_t w;

	g_assert_cmpuint(rd32(img + 28), ==, 1);
	w = rd64(img + rd32(img + 32));
	g_free(img);
	return w;
}

/* ---- Random valid words per format --------------------------------- */

static uint8_t rnd_reg(GRand *r)
{
	uint32_t v = rr(r, 0, 34);

	return v >= 32 ? NFPE_REG_ZERO : v;
}

static uint32_t rnd_imm(GRand *r)
{
	switch (rr(r, 0, 6)) {
	case 0: return 0;
	case 1: return rr(r, 0, 100);
	case 2: return 0u - rr(r, 1, 70000);
	case 3: return rr(r, 60000, 70000);
	case 4: return 0x80000000u | g_rand_int(r);
	default: return g_rand_int(r);
	}
}

static uint64_t rnd_word(GRand *r, uint8_t op)
{
	uint8_t d = rnd_reg(r), a = rnd_reg(r), b = rnd_reg(r);
	uint32_t imm = rnd_imm(r);
	uint16_t tgt = rr(r, 0, 65536);

	switch (ops[op].fmt) {
	case NFPE_FMT_NONE:  return nfpe_enc_r(op, 0, 0, 0, 0);
	case NFPE_FMT_MOV:   return nfpe_enc_r(op, d, a, 0, 0);
	case NFPE_FMT_IMM:   return nfpe_enc_r(op, d, 0, 0, imm);
	case NFPE_FMT_RR:    return nfpe_enc_r(op, d, a, b, 0);
	case NFPE_FMT_RI:    return nfpe_enc_r(op, d, a, 0, imm);
	case NFPE_FMT_DSH_R: return nfpe_enc_r(op, d, a, b, rnd_reg(r));
	case NFPE_FMT_DSH_I: return nfpe_enc_r(op, d, a, b,
					       g_rand_boolean(r) ? imm :
					       rr(r, 0, 32));
	case NFPE_FMT_BR_R:  return nfpe_enc_b(op, a, tgt, rnd_reg(r));
	case NFPE_FMT_BR_I:  return nfpe_enc_b(op, a, tgt, imm);
	case NFPE_FMT_JUMP:  return nfpe_enc_b(op, 0, tgt, 0);
	case NFPE_FMT_EXIT:  return nfpe_enc_r(op, 0, a, 0, 0);
	case NFPE_FMT_LD:    return nfpe_enc_r(op, d, a, 0, imm);
	case NFPE_FMT_ST:    return nfpe_enc_r(op, 0, a, b, imm);
	case NFPE_FMT_CSRRD:
		return nfpe_enc_r(op, d, 0, 0, g_rand_boolean(r) ?
				  rr(r, 0, NFPE_CSR_NUM) : imm);
	case NFPE_FMT_CSRWR:
		return nfpe_enc_r(op, 0, a, 0, g_rand_boolean(r) ?
				  rr(r, 0, NFPE_CSR_NUM) : imm);
	case NFPE_FMT_ENG:
		return nfpe_enc_r(op, d, a,
				  NFPE_ENG_FLAGS(rr(r, 0, 3),
						 rr(r, 0, 3)),
				  g_rand_boolean(r) ?
				  rr(r, 0, NFPE_ENG_NUM + 2) :
				  imm);
	}
	g_assert_not_reached();
}

/* Every opcode, many operand combinations: bin -> text -> bin and back. */
static void test_roundtrip_all_opcodes(void)
{
	GRand *r = g_rand_new_with_seed(1234);
	uint32_t op, i, n_ops = 0;

	for (op = 0; op < 256; op++) {
		if (!ops[op].mn)
			continue;
		n_ops++;
		for (i = 0; i < 300; i++) {
			uint64_t w = rnd_word(r, op), w2;
			g_autofree char *t = insn_text(w);
			g_autofree char *t2 = NULL;

			g_assert_false(g_str_has_prefix(t, ".word"));
			g_assert_true(g_str_has_prefix(t, ops[op].mn));
			w2 = asm_one(t);
			if (w2 != w)
				g_error("0x%016" G_GINT64_MODIFIER "x -> '%s' "
					"-> 0x%016" G_GINT64_MODIFIER "x",
					w, t, w2);
			t2 = insn_text(w2);
			g_assert_cmpstr(t, ==, t2);
		}
	}
	g_assert_cmpuint(n_ops, ==, 102);	/* every row of NFPE_OPCODES */
	g_rand_free(r);
}

/* Any 64-bit word at all survives bin -> text -> bin. */
static void test_roundtrip_any_word(void)
{
	GRand *r = g_rand_new_with_seed(99);
	uint32_t i, n_word = 0;

	for (i = 0; i < 40000; i++) {
		uint64_t w;
		g_autofree char *t = NULL;

		if (i & 1) {
			w = (uint64_t)g_rand_int(r) << 32 | g_rand_int(r);
		} else {
			/* A defined opcode with one random field flipped. */
			uint8_t op;

			do
				op = rr(r, 0, 256);
			while (!ops[op].mn);
			w = rnd_word(r, op) ^
			    (1ull << rr(r, 8, 64));
		}
		t = insn_text(w);
		n_word += g_str_has_prefix(t, ".word");
		g_assert_cmphex(asm_one(t), ==, w);
	}
	g_assert_cmpuint(n_word, >, 1000);
	g_rand_free(r);
}

/* The documented spelling of a few words. */
static void test_insn_text(void)
{
	const struct {
		uint64_t w;
		const char *text;
	} cases[] = {
		{ 0, "nop" },
		{ 0x72, "ret" },
		{ 0x0000000500020111ull, "add         r1, r2, 5" },
		{ 0xffffffff00020111ull, "add         r1, r2, -1" },
		{ 0x0001000000020111ull, "add         r1, r2, 0x10000" },
		{ 0x000000ff00010121ull, "and         r1, r1, 0xff" },
		{ 0x0000000e00020186ull, "ld.pkt.32   r1, [r2+14]" },
		{ 0xfffffffc000a0092ull | 1ull << 24,
		  "st.lm.32    [r10-4], r1" },
		{ 0x0000000000ff0083ull, "ld.lm.64    r0, [rz]" },
		{ 0x0000000000000102ull, "immed       r1, 0" },
		{ 0x00000000000001b0ull, "csrrd       r1, pkt_data" },
		{ 0x0000000900030000ull | 0xb1, "csrwr       mark, r3" },
		{ 0x0000002a00000000ull | 0xb0 | 5 << 8, "csrrd       r5, 42" },
		{ nfpe_enc_r(0xc0, 0, 2, NFPE_ENG_FLAGS(0, 0), 1),
		  "eng         r0, r2, map_lookup, key=lm" },
		{ nfpe_enc_r(0xc0, 0, 2, NFPE_ENG_FLAGS(1, 2), 2),
		  "eng         r0, r2, map_update, key=pkt, val=map" },
		{ nfpe_enc_r(0xc0, 4, 6, 0, 4), "eng         r4, r6, random" },
		{ nfpe_enc_r(0xc0, 4, 6, 0, 77), "eng         r4, r6, 77" },
		{ nfpe_enc_b(0x51, 3, 17, 7), "beq         r3, 7, @17" },
		{ nfpe_enc_b(0x50, 3, 17, 4), "beq         r3, r4, @17" },
		{ nfpe_enc_b(0x65, 3, 2, 0x80), "bset        r3, 0x80, @2" },
		{ nfpe_enc_b(0x70, 0, 65535, 0), "br          @65535" },
		{ nfpe_enc_r(0x73, 0, 0, 0, 0), "exit        r0" },
		{ nfpe_enc_r(0x31, 1, 2, 3, 5), "dshl        r1, r2, r3, 5" },
		{ nfpe_enc_r(0x30, 1, 2, 3, 4), "dshl        r1, r2, r3, r4" },
		{ nfpe_enc_r(0x01, 40, 2, 0, 0), ".word 0x0000000000022801" },
		{ 0xff, ".word 0x00000000000000ff" },
		{ 0x0000000100000000ull, ".word 0x0000000100000000" },
	};
	uint32_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *t = insn_text(cases[i].w);

		g_assert_cmpstr(t, ==, cases[i].text);
		g_assert_cmphex(asm_one(t), ==, cases[i].w);
	}

	/* Truncation: snprintf-like. */
	{
		char small[6];
		size_t n = nfpe_disasm_insn(0x0000000500020111ull, 0, small,
					    sizeof(small));

		g_assert_cmpuint(n, ==, strlen("add         r1, r2, 5"));
		g_assert_cmpstr(small, ==, "add  ");
	}
}

/* Alternative spellings the assembler accepts. */
static void test_syntax_variants(void)
{
	g_assert_cmphex(asm_one("ADD R1, R2, 0x5"), ==,
			asm_one("add r1, r2, 5"));
	g_assert_cmphex(asm_one("  add\tr1 ,r2,   +5   ; c"), ==,
			asm_one("add r1, r2, 5"));
	g_assert_cmphex(asm_one("add r1, r2, 4294967295"), ==,
			asm_one("add r1, r2, -1"));
	g_assert_cmphex(asm_one("add r1, r2, -2147483648"), ==,
			asm_one("add r1, r2, 0x80000000"));
	g_assert_cmphex(asm_one("ld.pkt.32 r1, [ r2 + 14 ]"), ==,
			asm_one("ld.pkt.32 r1, [r2+14]"));
	g_assert_cmphex(asm_one("ld.pkt.32 r1, [r2+0]"), ==,
			asm_one("ld.pkt.32 r1, [r2]"));
	g_assert_cmphex(asm_one("ld.pkt.32 r1, [r2-0]"), ==,
			asm_one("ld.pkt.32 r1, [r2]"));
	g_assert_cmphex(asm_one("ld.map.8 r1, [rz+0xfffffff0]"), ==,
			asm_one("ld.map.8 r1, [rz-16]"));
	g_assert_cmphex(asm_one("eng r0, r2, map_update, val=pkt, key=map"),
			==, nfpe_enc_r(0xc0, 0, 2, NFPE_ENG_FLAGS(2, 1), 2));
	g_assert_cmphex(asm_one("eng r0, r2, 1"), ==,
			nfpe_enc_r(0xc0, 0, 2, 0, 1));
	g_assert_cmphex(asm_one("csrwr 9, r1"), ==,
			asm_one("csrwr mark, r1"));
	g_assert_cmphex(asm_one("# comment\n.word 18446744073709551615"), ==,
			~0ull);
}

/* ---- Directives, labels, image layout ------------------------------ */

static const char *full_src =
	"; every directive\n"
	".type tc\n"
	".name \"my prog\\x01\"\n"
	".stack 64\n"
	".map 0 hash key=4 value=8 entries=16\n"
	".map 1 lru_hash key=16 value=32 entries=1024 flags=0x2 id=7\n"
	".map 2 percpu_array key=4 value=4 entries=1\n"
	".map 3 27 key=4 value=4 entries=1   # unknown type number\n"
	".entry start\n"
	".subprog helper\n"
	".subprog @3\n"
	"\n"
	"start:	immed r2, map:1\n"
	"	eng r0, r2, map_lookup, key=pkt\n"
	"	beq r0, 0, out\n"
	"	call helper\n"
	"out:\n"
	"	immed r0, 2\n"
	"	exit r0\n"
	"helper: add r1, r1, 1\n"
	"	.word 0xdeadbeef\n"
	"	ret\n";

static void test_directives(void)
{
	size_t len;
	uint8_t *img = assemble(full_src, &len, NULL);
	uint32_t code_off, entry_off, map_off, reloc_off;
	const uint8_t *m, *e, *r;

	g_assert_cmpuint(len, ==, rd32(img + 12));
	g_assert_cmphex(rd32(img), ==, NFPE_IMAGE_MAGIC);
	g_assert_cmpuint(rd32(img + 4), ==, 1);	/* ABI 1.0 */
	g_assert_cmpuint(rd32(img + 8), ==, 80);
	g_assert_cmpuint(rd32(img + 16), ==, NFPE_PROG_TC);
	g_assert_cmpuint(rd32(img + 20), ==, 0);
	g_assert_cmpuint(rd32(img + 24), ==, 64);
	g_assert_cmpuint(rd32(img + 28), ==, 9);	/* insns */
	g_assert_cmpuint(rd32(img + 36), ==, 3);	/* entries */
	g_assert_cmpuint(rd32(img + 44), ==, 4);	/* maps */
	g_assert_cmpuint(rd32(img + 52), ==, 2);	/* relocs */
	g_assert_cmpuint(rd32(img + 60), ==, 0);
	g_assert_cmpmem(img + 64, 16, "my prog\x01\0\0\0\0\0\0\0\0", 16);

	code_off = rd32(img + 32);
	entry_off = rd32(img + 40);
	map_off = rd32(img + 48);
	reloc_off = rd32(img + 56);
	g_assert_cmpuint(code_off, ==, 80);
	g_assert_cmpuint(entry_off, ==, 80 + 9 * 8);
	g_assert_cmpuint(map_off, ==, entry_off + 3 * 8);
	g_assert_cmpuint(reloc_off, ==, map_off + 4 * 24);
	g_assert_cmpuint(len, ==, reloc_off + 2 * 12);

	/* Labels: out = 4, helper = 6, call at 3 targets 6. */
	g_assert_cmpuint(NFPE_INSN_TARGET(rd64(img + code_off + 2 * 8)), ==,
			 4);
	g_assert_cmpuint(NFPE_INSN_TARGET(rd64(img + code_off + 3 * 8)), ==,
			 6);
	g_assert_cmphex(rd64(img + code_off + 7 * 8), ==, 0xdeadbeef);

	e = img + entry_off;
	g_assert_cmpuint(rd32(e), ==, 0);
	g_assert_cmpuint(rd32(e + 4), ==, NFPE_ENTRY_MAIN);
	g_assert_cmpuint(rd32(e + 8), ==, 6);
	g_assert_cmpuint(rd32(e + 12), ==, NFPE_ENTRY_SUBPROG);
	g_assert_cmpuint(rd32(e + 16), ==, 3);
	g_assert_cmpuint(rd32(e + 20), ==, NFPE_ENTRY_SUBPROG);

	m = img + map_off + 24;
	g_assert_cmpuint(rd32(m), ==, 7);
	g_assert_cmpuint(rd32(m + 4), ==, NFPE_BPF_MAP_LRU_HASH);
	g_assert_cmpuint(rd32(m + 8), ==, 16);
	g_assert_cmpuint(rd32(m + 12), ==, 32);
	g_assert_cmpuint(rd32(m + 16), ==, 1024);
	g_assert_cmpuint(rd32(m + 20), ==, 2);
	g_assert_cmpuint(rd32(img + map_off + 3 * 24 + 4), ==, 27);

	r = img + reloc_off;
	g_assert_cmpuint(rd32(r), ==, 0);
	g_assert_cmpuint(rd32(r + 4), ==, NFPE_RELOC_MAP_SLOT);
	g_assert_cmpuint(rd32(r + 8), ==, 1);
	g_assert_cmpuint(rd32(r + 12), ==, 1);
	g_assert_cmpuint(rd32(r + 16), ==, NFPE_RELOC_ENGINE);
	g_assert_cmpuint(rd32(r + 20), ==, NFPE_ENG_MAP_LOOKUP);
	g_free(img);

	/* Defaults: xdp, no name, stack 0, main entry at 0. */
	img = assemble("exit r0\n", &len, NULL);
	g_assert_cmpuint(rd32(img + 16), ==, NFPE_PROG_XDP);
	g_assert_cmpuint(rd32(img + 24), ==, 0);
	g_assert_cmpuint(rd32(img + 36), ==, 1);
	g_assert_cmpuint(rd32(img + rd32(img + 40)), ==, 0);
	g_assert_cmpuint(rd32(img + rd32(img + 40) + 4), ==, NFPE_ENTRY_MAIN);
	g_assert_cmpuint(img[64], ==, 0);
	g_assert_cmpuint(len, ==, 80 + 8 + 8);
	g_free(img);

	/* Plain names with dashes and dots; 16 bytes exactly. */
	img = assemble(".name abcdefg-ijk.mnop\n.type 9\nexit r0\n", &len,
		       NULL);
	g_assert_cmpmem(img + 64, 16, "abcdefg-ijk.mnop", 16);
	g_assert_cmpuint(rd32(img + 16), ==, 9);
	g_free(img);
}

static void test_labels(void)
{
	size_t len;
	uint8_t *img = assemble(
		"	br fwd\n"
		"back:\n"
		"loop:	sub r1, r1, 1\n"
		"	bne r1, 0, loop\n"
		"fwd:	blt r1, r2, back\n"
		"	bset r1, 0x10, @0\n"
		"	exit r0\n"
		"_end.x:\n", &len, NULL);
	const uint8_t *code = img + 80;

	g_assert_cmpuint(NFPE_INSN_TARGET(rd64(code)), ==, 3);
	g_assert_cmpuint(NFPE_INSN_TARGET(rd64(code + 16)), ==, 1);
	g_assert_cmpuint(NFPE_INSN_TARGET(rd64(code + 24)), ==, 1);
	g_assert_cmpuint(NFPE_INSN_OP(rd64(code + 24)), ==, NFPE_OP_BLT);
	g_assert_cmpuint(NFPE_INSN_IMM(rd64(code + 24)), ==, 2);
	g_assert_cmpuint(NFPE_INSN_TARGET(rd64(code + 32)), ==, 0);
	g_free(img);
}

/* ---- Errors -------------------------------------------------------- */

static void test_errors(void)
{
	static const struct {
		const char *src;
		const char *msg;
	} cases[] = {
		{ "nop\nadd r1, r40, 1\n", "line 2: unknown register r40" },
		{ "add r1, x2, 1", "line 1: expected a register, got 'x2'" },
		{ "mov r1", "line 1: missing operand (expected rA)" },
		{ "mov r1,", "line 1: missing register" },
		{ "mov r1 r2", "line 1: expected ',' before 'r2'" },
		{ "exit r0, r1", "line 1: unexpected ', r1' at end of line" },
		{ "frob r1", "line 1: unknown mnemonic 'frob'" },
		{ "add r1, r2, 5x", "line 1: expected immediate, got '5x'" },
		{ "add r1, r2, foo", "line 1: expected immediate, got 'foo'" },
		{ "add r1, r2, 0x100000000", "line 1: immediate 0x100000000 "
		  "out of range (-2147483648..4294967295)" },
		{ "add r1, r2, -2147483649", "line 1: immediate -2147483649 "
		  "out of range (-2147483648..4294967295)" },
		{ "immed r1, 99999999999999999999999",
		  "line 1: number 99999999999999999999999 does not fit "
		  "64 bits" },
		{ "rsub r1, r2, r3", "line 1: 'rsub' takes an immediate as "
		  "its third operand" },
		{ "immed r1,", "line 1: missing immediate" },
		{ "ld.pkt.32 r1, r2", "line 1: expected a memory operand "
		  "[rN+offset], got 'r2'" },
		{ "ld.pkt.32 r1, [r2+4", "line 1: expected ']' to close the "
		  "memory operand" },
		{ "ld.pkt.32 r1, [r2*4]", "line 1: expected ']' to close the "
		  "memory operand" },
		{ "ld.pkt.32 r1, [r2+-4]", "line 1: bad memory offset" },
		{ "ld.pkt.32 r1, [r2-0x80000001]",
		  "line 1: memory offset out of range" },
		{ "ld.pkt.32 r1, [r2+x]",
		  "line 1: expected memory offset, got 'x]'" },
		{ "ld.pkt.32 r1,", "line 1: missing memory operand" },
		{ "csrrd r1, bogus", "line 1: unknown csr 'bogus'" },
		{ "csrrd r1,", "line 1: missing csr" },
		{ "eng r0, r2, teleport", "line 1: unknown engine 'teleport'" },
		{ "eng r0, r2, map_lookup, kex=lm", "line 1: unknown engine "
		  "flag 'kex' (key=SPACE or val=SPACE)" },
		{ "eng r0, r2, map_lookup, key=lm, key=pkt",
		  "line 1: duplicate key= flag" },
		{ "eng r0, r2, map_lookup, key lm",
		  "line 1: expected '=' after key" },
		{ "eng r0, r2, map_lookup, key=disk", "line 1: unknown address "
		  "space 'disk' (lm, pkt or map)" },
		{ "beq r1, 0", "line 1: missing operand (expected branch "
		  "target)" },
		{ "beq r1, 0, 12", "line 1: expected a label, got '12'" },
		{ "br @70000", "line 1: target @70000 beyond the 16-bit target "
		  "field" },
		{ "br", "line 1: missing branch target" },
		{ "br nowhere\nexit r0", "line 1: undefined label 'nowhere'" },
		{ "a: nop\na: nop", "line 2: duplicate label 'a' (first "
		  "defined on line 1)" },
		{ "r3: nop", "line 1: label 'r3' is a register name" },
		{ "x: 5", "line 1: expected a mnemonic after the label, got "
		  "'5'" },
		{ "5 nop", "line 1: expected a mnemonic, directive or label, "
		  "got '5 nop'" },
		{ ".bogus 1", "line 1: unknown directive '.bogus'" },
		{ ".type foo\nnop", "line 1: unknown program type 'foo' (xdp "
		  "or tc)" },
		{ ".type xdp\n.type tc", "line 2: duplicate .type (first on "
		  "line 1)" },
		{ ".name abcdefghijklmnopq", "line 1: program name longer "
		  "than 16 bytes" },
		{ ".name \"abc", "line 1: unterminated string" },
		{ ".name \"a\\q\"", "line 1: unknown escape '\\q' in string" },
		{ ".name \"a\\xZZ\"", "line 1: bad \\x escape in string" },
		{ ".name a+b", "line 1: program name: use letters, digits, "
		  "'_', '.', '-' or a quoted string" },
		{ ".name", "line 1: missing program name" },
		{ ".name x\n.name y", "line 2: duplicate .name (first on line "
		  "1)" },
		{ ".stack -1", "line 1: stack size -1 out of range "
		  "(0..4294967295)" },
		{ ".stack 1\n.stack 2", "line 2: duplicate .stack (first on "
		  "line 1)" },
		{ ".map 1 hash key=4 value=4 entries=1",
		  "line 1: map slot 1 out of order (expected 0)" },
		{ ".map 0 tree key=4 value=4 entries=1",
		  "line 1: unknown map type 'tree'" },
		{ ".map 0", "line 1: missing map type" },
		{ ".map 0 hash key=4 value=4", "line 1: missing entries= in "
		  ".map" },
		{ ".map 0 hash key=4 key=4", "line 1: duplicate key= in .map" },
		{ ".map 0 hash key=4 size=4", "line 1: unknown map attribute "
		  "'size' (key=, value=, entries=, flags=, id=)" },
		{ ".map 0 hash key 4", "line 1: expected '=' after key" },
		{ ".map 0 hash key=-4", "line 1: key -4 out of range "
		  "(0..4294967295)" },
		{ "immed r2, map:64", "line 1: map slot 64 out of range "
		  "(0..63)" },
		{ "nop\nimmed r2, map:0\nexit r0", "line 2: map slot 0 is not "
		  "declared (.map)" },
		{ ".entry a\n.entry b", "line 2: duplicate .entry (first on "
		  "line 1)" },
		{ ".entry\nnop", "line 1: missing branch target" },
		{ ".subprog nope\nnop", "line 1: undefined label 'nope'" },
		{ ".word -1", "line 1: .word takes an unsigned 64-bit value" },
		{ ".word", "line 1: missing 64-bit value" },
		{ "; nothing\n", "no instructions" },
		{ "", "no instructions" },
		{ "dshl r1, r2, r3, r99", "line 1: unknown register r99" },
		{ "add r1, r2", "line 1: missing operand (expected register "
		  "or immediate)" },
	};
	uint32_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct nfpe_asm_err err;
		size_t len = 1;
		uint8_t *img = assemble(cases[i].src, &len, &err);

		g_assert_null(img);
		g_assert_cmpuint(len, ==, 0);
		g_assert_cmpstr(err.msg, ==, cases[i].msg);
		if (g_str_has_prefix(cases[i].msg, "line "))
			g_assert_cmpuint(err.line, ==,
					 atoi(cases[i].msg + 5));
		else
			g_assert_cmpuint(err.line, ==, 0);
	}

	/* More than 65536 instructions. */
	{
		GString *s = g_string_new(NULL);
		struct nfpe_asm_err err;
		size_t len;

		for (i = 0; i < 65537; i++)
			g_string_append(s, "nop\n");
		g_assert_null(assemble(s->str, &len, &err));
		g_assert_cmpstr(err.msg, ==, "line 65537: more than 65536 "
				"instructions");
		g_string_free(s, TRUE);
	}
	/* Too many maps. */
	{
		GString *s = g_string_new(NULL);
		struct nfpe_asm_err err;
		size_t len;

		for (i = 0; i < 65; i++)
			g_string_append_printf(s, ".map %u array key=4 "
					       "value=4 entries=1\n", i);
		g_assert_null(assemble(s->str, &len, &err));
		g_assert_cmpstr(err.msg, ==, "line 65: too many maps (at most "
				"64)");
		g_string_free(s, TRUE);
	}
}

/* ---- Whole images -------------------------------------------------- */

static void check_image_roundtrip(const uint8_t *img, size_t len)
{
	g_autofree char *t1 = disasm(img, len);
	g_autofree char *t2 = NULL;
	struct nfpe_asm_err err;
	uint8_t *img2 = NULL;
	size_t len2 = 0;

	g_assert_null(strstr(t1, "warning"));
	if (nfpe_asm(&ta, t1, strlen(t1), &img2, &len2, &err))
		g_error("reassembly failed: %s\n%s", err.msg, t1);
	g_assert_cmpmem(img2, len2, img, len);
	t2 = disasm(img2, len2);
	g_assert_cmpstr(t1, ==, t2);
	g_free(img2);
}

static void test_image_roundtrip_sources(void)
{
	static const char *const srcs[] = {
		"exit r0\n",
		"; XDP: count packets per IPv4 protocol, drop UDP/53\n"
		".type xdp\n"
		".name proto_count\n"
		".stack 8\n"
		".map 0 percpu_array key=4 value=8 entries=256\n"
		"	csrrd r2, pkt_data\n"
		"	csrrd r3, pkt_end\n"
		"	add r4, r2, 34\n"
		"	bgt r4, r3, pass\n"
		"	ld.pkt.16 r5, [r2+12]\n"
		"	bne r5, 0x0008, pass\n"
		"	ld.pkt.8 r6, [r2+23]\n"
		"	st.lm.32 [rz+0], r6\n"
		"	immed r8, map:0\n"
		"	mov r10, rz\n"
		"	eng r0, r8, map_lookup, key=lm\n"
		"	beq r0, 0, pass\n"
		"	aadd.map.64 [r0], r9\n"
		"pass:	immed r0, 2\n"
		"	exit r0\n",
	};
	uint32_t i;

	for (i = 0; i < G_N_ELEMENTS(srcs); i++) {
		size_t len;
		uint8_t *img = assemble(srcs[i], &len, NULL);

		check_image_roundtrip(img, len);
		g_free(img);
	}
	{
		size_t len;
		uint8_t *img = assemble(full_src, &len, NULL);

		check_image_roundtrip(img, len);
		g_free(img);
	}
}

/*
 * Random canonical images built byte by byte (not by the assembler):
 * random code for every format, branch targets inside and outside the
 * code, entries, maps, the relocations the code implies.
 */
static void test_image_roundtrip_random(void)
{
	GRand *r = g_rand_new_with_seed(4242);
	uint32_t iter;

	for (iter = 0; iter < 300; iter++) {
		uint32_t n = rr(r, 1, 400);
		uint32_t ne = rr(r, 1, 6);
		uint32_t nm = rr(r, 0, 5);
		uint64_t *code = g_new0(uint64_t, n);
		uint32_t *rel = g_new0(uint32_t, 3 * n), nr = 0, i;
		size_t len;
		uint8_t *img;

		for (i = 0; i < n; i++) {
			uint8_t op;
			uint8_t fmt;

			do
				op = rr(r, 0, 256);
			while (!ops[op].mn && rr(r, 0, 20));
			code[i] = ops[op].mn ? rnd_word(r, op) :
				  nfpe_enc_r(op, 1, 2, 3, 4);
			fmt = ops[op].mn ? ops[op].fmt : 0xff;
			if (fmt == NFPE_FMT_BR_R || fmt == NFPE_FMT_BR_I ||
			    fmt == NFPE_FMT_JUMP) {
				uint32_t t = rr(r, 0, 10) ?
					     rr(r, 0, n) :
					     rr(r, 0, 65536);

				code[i] = (code[i] & ~(0xffffull << 16)) |
					  (uint64_t)t << 16;
			}
			if (op == NFPE_OP_ENG) {
				rel[3 * nr] = i;
				rel[3 * nr + 1] = NFPE_RELOC_ENGINE;
				rel[3 * nr + 2] = NFPE_INSN_IMM(code[i]);
				nr++;
			} else if (op == NFPE_OP_IMMED && nm &&
				   g_rand_boolean(r)) {
				uint32_t slot = rr(r, 0, nm);

				code[i] = nfpe_enc_r(op, NFPE_INSN_D(code[i]),
						     0, 0, slot);
				rel[3 * nr] = i;
				rel[3 * nr + 1] = NFPE_RELOC_MAP_SLOT;
				rel[3 * nr + 2] = slot;
				nr++;
			}
		}
		len = 80 + 8 * n + 8 * ne + 24 * nm + 12 * nr;
		img = g_malloc0(len);
		wr32(img, NFPE_IMAGE_MAGIC);
		wr32(img + 4, 1);
		wr32(img + 8, 80);
		wr32(img + 12, len);
		wr32(img + 16, rr(r, 0, 4));
		wr32(img + 24, rr(r, 0, 1024));
		wr32(img + 28, n);
		wr32(img + 32, 80);
		wr32(img + 36, ne);
		wr32(img + 40, 80 + 8 * n);
		wr32(img + 44, nm);
		wr32(img + 48, 80 + 8 * n + 8 * ne);
		wr32(img + 52, nr);
		wr32(img + 56, 80 + 8 * n + 8 * ne + 24 * nm);
		for (i = 0; i < 16 && rr(r, 0, 8); i++)
			img[64 + i] = rr(r, 1, 256);
		for (i = 0; i < n; i++) {
			wr32(img + 80 + 8 * i, (uint32_t)code[i]);
			wr32(img + 84 + 8 * i, (uint32_t)(code[i] >> 32));
		}
		for (i = 0; i < ne; i++) {
			uint8_t *e = img + 80 + 8 * n + 8 * i;

			wr32(e, rr(r, 0, 20) ?
			     rr(r, 0, n) : n + 5);
			wr32(e + 4, i ? NFPE_ENTRY_SUBPROG : NFPE_ENTRY_MAIN);
		}
		for (i = 0; i < nm; i++) {
			uint8_t *m = img + 80 + 8 * n + 8 * ne + 24 * i;
			uint32_t f;

			for (f = 0; f < 6; f++)
				wr32(m + 4 * f, g_rand_boolean(r) ?
				     rr(r, 0, 12) :
				     g_rand_int(r));
		}
		for (i = 0; i < 3 * nr; i++)
			wr32(img + 80 + 8 * n + 8 * ne + 24 * nm + 4 * i,
			     rel[i]);

		check_image_roundtrip(img, len);
		g_free(img);
		g_free(rel);
		g_free(code);
	}
	g_rand_free(r);
}

/* Malformed and non-canonical images: comments, never a crash. */
static void test_disasm_bad_images(void)
{
	size_t len, i;
	uint8_t *img = assemble(full_src, &len, NULL);
	uint8_t *bad = g_memdup2(img, len);
	char *t;

	t = disasm(img, 40);
	g_assert_nonnull(strstr(t, "; error: image shorter"));
	g_free(t);
	t = disasm(NULL, 0);
	g_assert_nonnull(strstr(t, "; error"));
	g_free(t);
	wr32(bad + 28, 0x40000000);	/* n_insns way past the end */
	t = disasm(bad, len);
	g_assert_nonnull(strstr(t, "; error: a section lies outside"));
	g_free(t);

	memcpy(bad, img, len);
	wr32(bad + 20, 1);		/* flags */
	bad[64 + 12] = 'x';		/* junk after the name's NUL */
	wr32(bad + 80 + 9 * 8 + 4, NFPE_ENTRY_SUBPROG);	/* entry 0 kind */
	wr32(bad + rd32(bad + 56) + 8, 3);	/* reloc value mismatch */
	t = disasm(bad, len);
	g_assert_nonnull(strstr(t, "; warning: reserved header fields"));
	g_assert_nonnull(strstr(t, "; warning: bytes after the name"));
	g_assert_nonnull(strstr(t, "; warning: entry kinds"));
	g_assert_nonnull(strstr(t, "; warning: relocations differ"));
	g_free(t);

	memcpy(bad, img, len);
	wr32(bad, 0);
	wr32(bad + 4, 2);
	wr32(bad + 12, 5);
	wr32(bad + 56, rd32(bad + 56) - 12);	/* layout */
	t = disasm(bad, len);
	g_assert_nonnull(strstr(t, "; warning: bad magic"));
	g_assert_nonnull(strstr(t, "; warning: ABI"));
	g_assert_nonnull(strstr(t, "; warning: hdr_len or total_len"));
	g_assert_nonnull(strstr(t, "; warning: sections are not"));
	g_free(t);

	/* Every truncation of a valid image and random garbage. */
	for (i = 0; i <= len; i++) {
		uint8_t *exact = g_memdup2(img, i);	/* ASan: no over-read */

		t = disasm(exact, i);
		g_free(t);
		g_free(exact);
	}
	{
		GRand *r = g_rand_new_with_seed(5);
		uint32_t k;

		for (k = 0; k < 2000; k++) {
			memcpy(bad, img, len);
			for (i = 0; i < 4; i++)
				bad[rr(r, 0, len)] =
					g_rand_int(r);
			t = disasm(bad, len);
			g_free(t);
		}
		g_rand_free(r);
	}
	/* Output truncation keeps the NUL and reports the full length. */
	{
		size_t need = nfpe_disasm_image(img, len, NULL, 0);
		char small[32];

		g_assert_cmpuint(nfpe_disasm_image(img, len, small,
						   sizeof(small)), ==, need);
		g_assert_cmpuint(strlen(small), ==, sizeof(small) - 1);
	}
	g_free(bad);
	g_free(img);
}

/* The generated labels and layout of a disassembly. */
static void test_disasm_format(void)
{
	size_t len;
	uint8_t *img = assemble(full_src, &len, NULL);
	g_autofree char *t = disasm(img, len);

	g_assert_nonnull(strstr(t, ".type tc\n"));
	g_assert_nonnull(strstr(t, ".name \"my prog\\x01\"\n"));
	g_assert_nonnull(strstr(t, ".stack 64\n"));
	g_assert_nonnull(strstr(t, ".map 0 hash key=4 value=8 entries=16\n"));
	g_assert_nonnull(strstr(t, ".map 1 lru_hash key=16 value=32 "
				"entries=1024 flags=0x2 id=7\n"));
	g_assert_nonnull(strstr(t, ".map 3 27 key=4"));
	g_assert_nonnull(strstr(t, ".entry main\n.subprog sub6\n"
				".subprog sub3\n"));
	g_assert_nonnull(strstr(t, "\nmain:\n\timmed       r2, map:1"));
	g_assert_nonnull(strstr(t, "\tbeq         r0, 0, L4 "));
	g_assert_nonnull(strstr(t, "\tcall        sub6 "));
	g_assert_nonnull(strstr(t, "\nL4:\n"));
	g_assert_nonnull(strstr(t, "\t.word 0x00000000deadbeef"));
	g_assert_nonnull(strstr(t, "; 7\n"));
	g_free(img);
}

/* Mutated source text: an error or an image, never a crash or a leak. */
static void test_fuzz_text(void)
{
	static const char alphabet[] = "r0123456789zx:;#[]+-,.@\"\\ \t\n"
				       "abcdefghijklmnopqrstuvwxyz=_";
	GRand *r = g_rand_new_with_seed(77);
	size_t n = strlen(full_src);
	uint32_t iter, ok_count = 0;

	for (iter = 0; iter < 20000; iter++) {
		char *src = g_strdup(full_src);
		size_t len = n;
		uint32_t k, edits = rr(r, 1, 6);
		uint8_t *img = NULL;
		size_t img_len;
		struct nfpe_asm_err err;

		for (k = 0; k < edits; k++) {
			size_t at = rr(r, 0, (uint32_t)len + 1);

			switch (rr(r, 0, 3)) {
			case 0:
				if (at < len)
					src[at] = alphabet[rr(r, 0,
						sizeof(alphabet) - 1)];
				break;
			case 1:
				if (at < len)
					src[at] = (char)rr(r, 0, 256);
				break;
			default:
				len = at;	/* truncate */
				break;
			}
		}
		/* Exactly len bytes, no NUL: ASan catches any over-read. */
		{
			char *exact = g_memdup2(src, len);

			g_free(src);
			src = exact;
		}
		if (nfpe_asm(&ta, src, len, &img, &img_len, &err) == 0) {
			g_autofree char *t = disasm(img, img_len);

			ok_count++;
			g_free(img);
		} else {
			g_assert_null(img);
			g_assert_cmpuint(strlen(err.msg), >, 0);
			g_assert_cmpuint(strlen(err.msg), <, sizeof(err.msg));
		}
		g_free(src);
	}
	g_assert_cmpuint(ok_count, >, 100);
	g_rand_free(r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/asm/roundtrip/all-opcodes",
			test_roundtrip_all_opcodes);
	g_test_add_func("/asm/roundtrip/any-word", test_roundtrip_any_word);
	g_test_add_func("/asm/insn-text", test_insn_text);
	g_test_add_func("/asm/syntax-variants", test_syntax_variants);
	g_test_add_func("/asm/directives", test_directives);
	g_test_add_func("/asm/labels", test_labels);
	g_test_add_func("/asm/fuzz-text", test_fuzz_text);
	g_test_add_func("/asm/errors", test_errors);
	g_test_add_func("/asm/image/roundtrip-sources",
			test_image_roundtrip_sources);
	g_test_add_func("/asm/image/roundtrip-random",
			test_image_roundtrip_random);
	g_test_add_func("/asm/image/bad", test_disasm_bad_images);
	g_test_add_func("/asm/image/format", test_disasm_format);
	return g_test_run();
}
