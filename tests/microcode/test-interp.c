/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-interp.c - the interpreter: every instruction's semantics and edge
 * cases, memory spaces and faults, calls, CSRs, engines (with the real
 * map engine), packet adjustment limits, the budget, counters and the
 * cycle model.  Semantics are those of docs/isa.md.
 */
#include <string.h>
#include "mc-test-util.h"

#define N(a) G_N_ELEMENTS(a)

/* Fresh VM per helper call keeps tests independent. */
struct ctx {
	struct mct_vm vm;
	struct nfpe_prog *prog;
	struct nfpe_run_result res;
};

static void ctx_load(struct ctx *c, const uint64_t *w, size_t n)
{
	size_t len;
	uint8_t *img = mct_image_from_words(w, n, &len);

	c->prog = mct_vm_load(&c->vm, img, len);
	g_free(img);
}

static void ctx_load_image(struct ctx *c, struct mct_image *im)
{
	size_t len;
	uint8_t *img = mct_image_build(im, &len);

	c->prog = mct_vm_load(&c->vm, img, len);
	g_free(img);
	mct_image_free(im);
}

static void ctx_fini(struct ctx *c)
{
	nfpe_prog_free(c->prog);
	mct_vm_fini(&c->vm);
}

/* Run a program with r1 = a, r2 = b, carry = cin; return r3. */
static uint32_t alu(uint64_t insn, uint32_t a, uint32_t b, uint32_t cin,
		    uint32_t *cout)
{
	const uint64_t w[] = { insn, MCT_R(EXIT, 0, 3, 0, 0) };
	struct ctx c;
	uint32_t r;

	mct_vm_init(&c.vm, 0);
	ctx_load(&c, w, N(w));
	c.vm.t->gpr[1] = a;
	c.vm.t->gpr[2] = b;
	c.vm.t->gpr[3] = 0xdeadbeef;
	c.vm.t->carry = cin;
	mct_vm_run(&c.vm, c.prog, &c.res);
	g_assert_cmpuint(c.res.status, ==, NFPE_RUN_OK);
	g_assert_cmpuint(c.res.insns, ==, 2);
	r = c.res.ret;
	g_assert_cmpuint(r, ==, c.vm.t->gpr[3]);
	if (cout)
		*cout = c.vm.t->carry;
	ctx_fini(&c);
	return r;
}

struct alu_case {
	const char *what;
	uint64_t insn;
	uint32_t a, b, cin, d, cout;
};

#define RR(op) MCT_R(op, 3, 1, 2, 0)
#define RI(op, imm) MCT_R(op, 3, 1, 0, imm)

static const struct alu_case alu_cases[] = {
	{ "mov", MCT_R(MOV, 3, 1, 0, 0), 0x1234, 0, 1, 0x1234, 1 },
	{ "mov rz", MCT_R(MOV, 3, RZ, 0, 0), 0x1234, 0, 0, 0, 0 },
	{ "immed", MCT_R(IMMED, 3, 0, 0, 0xcafef00d), 0, 0, 1, 0xcafef00d, 1 },
	{ "add", RR(ADD), 5, 7, 1, 12, 0 },
	{ "add carry out", RR(ADD), 0xffffffff, 1, 0, 0, 1 },
	{ "add max", RR(ADD), 0xffffffff, 0xffffffff, 0, 0xfffffffe, 1 },
	{ "add rz", MCT_R(ADD, 3, 1, RZ, 0), 9, 0, 1, 9, 0 },
	{ "addi", RI(ADDI, 0x80000000), 0x80000000, 0, 0, 0, 1 },
	{ "addc no carry", RR(ADDC), 1, 2, 0, 3, 0 },
	{ "addc carry in", RR(ADDC), 1, 2, 1, 4, 0 },
	{ "addc carry in+out", RR(ADDC), 0xffffffff, 0, 1, 0, 1 },
	{ "addc max", RR(ADDC), 0xffffffff, 0xffffffff, 1, 0xffffffff, 1 },
	{ "addci", RI(ADDCI, 0xfffffffe), 1, 0, 1, 0, 1 },
	{ "sub", RR(SUB), 10, 3, 1, 7, 0 },
	{ "sub borrow", RR(SUB), 3, 10, 0, 0xfffffff9, 1 },
	{ "sub equal", RR(SUB), 5, 5, 1, 0, 0 },
	{ "subi", RI(SUBI, 1), 0, 0, 0, 0xffffffff, 1 },
	{ "subb no borrow in", RR(SUBB), 10, 3, 0, 7, 0 },
	{ "subb borrow in", RR(SUBB), 10, 3, 1, 6, 0 },
	{ "subb borrow in+out", RR(SUBB), 3, 3, 1, 0xffffffff, 1 },
	{ "subb max", RR(SUBB), 0, 0xffffffff, 1, 0, 1 },
	{ "subbi", RI(SUBBI, 0), 0, 0, 1, 0xffffffff, 1 },
	{ "rsubi", RI(RSUBI, 10), 3, 0, 1, 7, 0 },
	{ "rsubi borrow", RI(RSUBI, 3), 10, 0, 0, 0xfffffff9, 1 },
	{ "rsubi neg", RI(RSUBI, 0), 1, 0, 0, 0xffffffff, 1 },
	{ "rsubbi", RI(RSUBBI, 10), 3, 0, 1, 6, 0 },
	{ "rsubbi borrow", RI(RSUBBI, 3), 3, 0, 1, 0xffffffff, 1 },
	{ "and", RR(AND), 0xff00ff00, 0x0ff00ff0, 1, 0x0f000f00, 1 },
	{ "andi", RI(ANDI, 0xffff), 0x12345678, 0, 0, 0x5678, 0 },
	{ "or", RR(OR), 0xf0, 0x0f, 1, 0xff, 1 },
	{ "ori", RI(ORI, 0x80000000), 1, 0, 0, 0x80000001, 0 },
	{ "xor", RR(XOR), 0xffff0000, 0xff00ff00, 0, 0x00ffff00, 0 },
	{ "xori", RI(XORI, 0xffffffff), 0x0f0f0f0f, 0, 1, 0xf0f0f0f0, 1 },
	{ "shl 0", RR(SHL), 0x80000001, 0, 1, 0x80000001, 1 },
	{ "shl 1", RR(SHL), 0x80000001, 1, 0, 2, 0 },
	{ "shl 31", RR(SHL), 3, 31, 0, 0x80000000, 0 },
	{ "shl 32 = 0", RR(SHL), 3, 32, 0, 3, 0 },
	{ "shl 33 = 1", RR(SHL), 3, 33, 0, 6, 0 },
	{ "shl 0xffffffe1", RR(SHL), 1, 0xffffffe1, 0, 2, 0 },
	{ "shli 31", RI(SHLI, 31), 1, 0, 0, 0x80000000, 0 },
	{ "shli 0", RI(SHLI, 0), 7, 0, 0, 7, 0 },
	{ "shr 31", RR(SHR), 0x80000000, 31, 0, 1, 0 },
	{ "shr 32", RR(SHR), 0x80000000, 32, 0, 0x80000000, 0 },
	{ "shr 36", RR(SHR), 0x80000000, 36, 0, 0x08000000, 0 },
	{ "shri 4", RI(SHRI, 4), 0xf0, 0, 0, 0xf, 0 },
	{ "asr neg 31", RR(ASR), 0x80000000, 31, 0, 0xffffffff, 0 },
	{ "asr neg 4", RR(ASR), 0x80000000, 4, 0, 0xf8000000, 0 },
	{ "asr pos", RR(ASR), 0x40000000, 30, 0, 1, 0 },
	{ "asr 32", RR(ASR), 0x80000000, 32, 0, 0x80000000, 0 },
	{ "asri 1", RI(ASRI, 1), 0xfffffffe, 0, 0, 0xffffffff, 0 },
	{ "mul", RR(MUL), 6, 7, 1, 42, 1 },
	{ "mul overflow", RR(MUL), 0x10000, 0x10000, 0, 0, 0 },
	{ "mul wrap", RR(MUL), 0xffffffff, 0xffffffff, 0, 1, 0 },
	{ "muli", RI(MULI, 0x80000000), 3, 0, 0, 0x80000000, 0 },
	{ "mulhu", RR(MULHU), 0xffffffff, 0xffffffff, 0, 0xfffffffe, 0 },
	{ "mulhu small", RR(MULHU), 0xffff, 0xffff, 0, 0, 0 },
	{ "mulhu 2^32", RR(MULHU), 0x10000, 0x10000, 0, 1, 0 },
	{ "mulhui", RI(MULHUI, 0x80000000), 4, 0, 0, 2, 0 },
	{ "divu", RR(DIVU), 100, 7, 0, 14, 0 },
	{ "divu by 0", RR(DIVU), 100, 0, 1, 0, 1 },
	{ "divu max", RR(DIVU), 0xffffffff, 1, 0, 0xffffffff, 0 },
	{ "divui", RI(DIVUI, 3), 10, 0, 0, 3, 0 },
	{ "divui by 0", RI(DIVUI, 0), 10, 0, 0, 0, 0 },
	{ "modu", RR(MODU), 100, 7, 0, 2, 0 },
	{ "modu by 0", RR(MODU), 100, 0, 0, 100, 0 },
	{ "modui", RI(MODUI, 16), 0xffffffff, 0, 0, 15, 0 },
	{ "modui by 0", RI(MODUI, 0), 0xabcdef, 0, 0, 0xabcdef, 0 },
	{ "bswap16", MCT_R(BSWAP16, 3, 1, 0, 0), 0xaabb1234, 0, 0, 0x3412, 0 },
	{ "bswap32", MCT_R(BSWAP32, 3, 1, 0, 0), 0x11223344, 0, 1, 0x44332211,
	  1 },
	{ "dshl 0", MCT_R(DSHLI, 3, 1, 2, 0), 0x12345678, 0x9abcdef0, 0,
	  0x12345678, 0 },
	{ "dshl 4", MCT_R(DSHLI, 3, 1, 2, 4), 0x12345678, 0x9abcdef0, 0,
	  0x23456789, 0 },
	{ "dshl 31", MCT_R(DSHLI, 3, 1, 2, 31), 0x00000003, 0x80000000, 0,
	  0xc0000000, 0 },
	{ "dshr 0", MCT_R(DSHRI, 3, 1, 2, 0), 0x12345678, 0x9abcdef0, 0,
	  0x9abcdef0, 0 },
	{ "dshr 4", MCT_R(DSHRI, 3, 1, 2, 4), 0x12345678, 0x9abcdef0, 0,
	  0x89abcdef, 0 },
	{ "dshr 31", MCT_R(DSHRI, 3, 1, 2, 31), 0x00000001, 0x80000000, 0,
	  0x00000003, 0 },
	/* register amount: c = imm[7:0] = r2 holds the amount, b = r1 */
	{ "dshl reg 8", MCT_R(DSHL, 3, 1, 1, 2), 0x11223344, 8, 0,
	  0x22334411, 0 },
	{ "dshl reg 40 = 8", MCT_R(DSHL, 3, 1, 1, 2), 0x11223344, 40, 0,
	  0x22334411, 0 },
	{ "dshl reg 32 = 0", MCT_R(DSHL, 3, 1, 1, 2), 0x11223344, 32, 0,
	  0x11223344, 0 },
	{ "dshr reg 8", MCT_R(DSHR, 3, 1, 1, 2), 0x11223344, 8, 0,
	  0x44112233, 0 },
	{ "dshr reg 31", MCT_R(DSHR, 3, 1, 1, 2), 0x80000001, 31, 0,
	  0x00000003, 0 },
};

static void test_alu(void)
{
	size_t i;

	for (i = 0; i < N(alu_cases); i++) {
		const struct alu_case *k = &alu_cases[i];
		uint32_t cout = 0xff, d;

		d = alu(k->insn, k->a, k->b, k->cin, &cout);
		if (d != k->d || cout != k->cout)
			g_error("%s: a=0x%x b=0x%x cin=%u: d=0x%x carry=%u, "
				"expected d=0x%x carry=%u", k->what, k->a,
				k->b, k->cin, d, cout, k->d, k->cout);
	}
}

/* d aliasing a source: results use the old values. */
static void test_alu_alias(void)
{
	const uint64_t w[] = {
		MCT_R(IMMED, 1, 0, 0, 0xffffffff),
		MCT_R(ADD, 1, 1, 1, 0),		/* r1 = 0xfffffffe, carry */
		MCT_R(ADDC, 2, RZ, RZ, 0),	/* r2 = carry = 1 */
		MCT_R(SUB, 3, 2, 2, 0),		/* 0, no borrow */
		MCT_R(SHL, 2, 2, 2, 0),		/* 1 << 1 = 2 */
		MCT_R(ADD, 0, 1, 2, 0),		/* 0xfffffffe + 2 = 0 */
		MCT_R(EXIT, 0, 0, 0, 0),
	};
	struct ctx c;

	mct_vm_init(&c.vm, 0);
	ctx_load(&c, w, N(w));
	mct_vm_run(&c.vm, c.prog, &c.res);
	g_assert_cmpuint(c.res.status, ==, NFPE_RUN_OK);
	g_assert_cmpuint(c.res.ret, ==, 0);
	g_assert_cmpuint(c.vm.t->gpr[2], ==, 2);
	g_assert_cmpuint(c.vm.t->carry, ==, 1);
	ctx_fini(&c);
}

/* 64-bit add/sub over register pairs with the carry chain. */
static void test_carry_chain(void)
{
	static const uint64_t vals[] = {
		0, 1, 0xffffffffull, 0x100000000ull, 0x7fffffffffffffffull,
		0x8000000000000000ull, 0xffffffffffffffffull,
		0x123456789abcdef0ull, 0xfffffffe00000001ull,
	};
	const uint64_t w[] = {
		MCT_R(ADD, 10, 2, 4, 0),
		MCT_R(ADDC, 11, 3, 5, 0),
		MCT_R(SUB, 12, 2, 4, 0),
		MCT_R(SUBB, 13, 3, 5, 0),
		MCT_R(RSUBI, 14, 2, 0, 0),	/* 0 - x as a pair: negate */
		MCT_R(RSUBBI, 15, 3, 0, 0),
		MCT_R(EXIT, 0, RZ, 0, 0),
	};
	struct ctx c;
	size_t i, j;

	mct_vm_init(&c.vm, 0);
	ctx_load(&c, w, N(w));
	for (i = 0; i < N(vals); i++) {
		for (j = 0; j < N(vals); j++) {
			uint64_t x = vals[i], y = vals[j], r;
			uint32_t *g = c.vm.t->gpr;

			g[2] = (uint32_t)x;
			g[3] = x >> 32;
			g[4] = (uint32_t)y;
			g[5] = y >> 32;
			mct_vm_run(&c.vm, c.prog, &c.res);
			g_assert_cmpuint(c.res.status, ==, NFPE_RUN_OK);
			r = (uint64_t)g[11] << 32 | g[10];
			g_assert_cmphex(r, ==, x + y);
			r = (uint64_t)g[13] << 32 | g[12];
			g_assert_cmphex(r, ==, x - y);
			r = (uint64_t)g[15] << 32 | g[14];
			g_assert_cmphex(r, ==, -x);
			/* final carry: borrow of the 64-bit negate */
			g_assert_cmpuint(c.vm.t->carry, ==, x != 0);
		}
	}
	ctx_fini(&c);
}

static void test_div64(void)
{
	static const uint64_t vals[] = {
		0, 1, 3, 0xffffffffull, 0x100000000ull, 0x123456789abcdef0ull,
		0xffffffffffffffffull, 0x8000000000000000ull,
	};
	const uint64_t w[] = {
		MCT_R(DIVU64, 10, 2, 4, 0),
		MCT_R(MODU64, 12, 2, 4, 0),
		MCT_R(DIVU64I, 14, 2, 0, 7),
		MCT_R(MODU64I, 16, 2, 0, 0xfffffff1),
		MCT_R(DIVU64I, 18, 2, 0, 0),
		MCT_R(MODU64I, 20, 2, 0, 0),
		MCT_R(EXIT, 0, RZ, 0, 0),
	};
	struct ctx c;
	size_t i, j;

	mct_vm_init(&c.vm, 0);
	ctx_load(&c, w, N(w));
	for (i = 0; i < N(vals); i++) {
		for (j = 0; j < N(vals); j++) {
			uint64_t x = vals[i], y = vals[j];
			uint32_t *g = c.vm.t->gpr;

			g[2] = (uint32_t)x;
			g[3] = x >> 32;
			g[4] = (uint32_t)y;
			g[5] = y >> 32;
			mct_vm_run(&c.vm, c.prog, &c.res);
			g_assert_cmpuint(c.res.status, ==, NFPE_RUN_OK);
#define PAIR(r) ((uint64_t)g[(r) + 1] << 32 | g[r])
			g_assert_cmphex(PAIR(10), ==, y ? x / y : 0);
			g_assert_cmphex(PAIR(12), ==, y ? x % y : x);
			g_assert_cmphex(PAIR(14), ==, x / 7);
			g_assert_cmphex(PAIR(16), ==, x % 0xfffffff1ull);
			g_assert_cmphex(PAIR(18), ==, 0);
			g_assert_cmphex(PAIR(20), ==, x);
#undef PAIR
		}
	}
	ctx_fini(&c);
}

/* ---- branches ---- */

static gboolean br_ref(uint8_t op, uint32_t a, uint32_t b)
{
	switch (op & ~1) {
	case NFPE_OP_BEQ: return a == b;
	case NFPE_OP_BNE: return a != b;
	case NFPE_OP_BGT: return a > b;
	case NFPE_OP_BGE: return a >= b;
	case NFPE_OP_BLT: return a < b;
	case NFPE_OP_BLE: return a <= b;
	case NFPE_OP_BSGT: return (int32_t)a > (int32_t)b;
	case NFPE_OP_BSGE: return (int32_t)a >= (int32_t)b;
	case NFPE_OP_BSLT: return (int32_t)a < (int32_t)b;
	case NFPE_OP_BSLE: return (int32_t)a <= (int32_t)b;
	case NFPE_OP_BSET: return (a & b) != 0;
	case NFPE_OP_BCLR: return (a & b) == 0;
	}
	g_assert_not_reached();
}

static void test_branches(void)
{
	static const uint32_t vals[] = {
		0, 1, 2, 0x7ffffffe, 0x7fffffff, 0x80000000, 0x80000001,
		0xfffffffe, 0xffffffff,
	};
	unsigned op;

	for (op = NFPE_OP_BEQ; op <= NFPE_OP_BCLRI; op++) {
		gboolean imm_form = op & 1;
		size_t i, j;

		for (i = 0; i < N(vals); i++) {
			for (j = 0; j < N(vals); j++) {
				uint64_t w[5];
				struct ctx c;
				gboolean taken;

				w[0] = nfpe_enc_b(op, 1, 3,
						  imm_form ? vals[j] : 2);
				w[1] = MCT_R(IMMED, 3, 0, 0, 0);
				w[2] = MCT_R(EXIT, 0, 3, 0, 0);
				w[3] = MCT_R(IMMED, 3, 0, 0, 1);
				w[4] = MCT_R(EXIT, 0, 3, 0, 0);
				mct_vm_init(&c.vm, 0);
				ctx_load(&c, w, N(w));
				c.vm.t->gpr[1] = vals[i];
				c.vm.t->gpr[2] = vals[j];
				mct_vm_run(&c.vm, c.prog, &c.res);
				taken = br_ref(op, vals[i], vals[j]);
				g_assert_cmpuint(c.res.status, ==, NFPE_RUN_OK);
				if (c.res.ret != (uint32_t)taken)
					g_error("%s%s 0x%x, 0x%x: taken=%u "
						"expected %u",
						nfpe_opinfo[op].mnemonic,
						imm_form ? "i" : "", vals[i],
						vals[j], c.res.ret, taken);
				/* not taken 1 + immed + exit; taken 2 + ... */
				g_assert_cmpuint(c.res.insns, ==, 3);
				g_assert_cmpuint(c.res.cycles, ==,
						 taken ? 4 : 3);
				ctx_fini(&c);
			}
		}
	}
}

/* Register-compare branches against rz and a loop. */
static void test_loop(void)
{
	const uint64_t w[] = {
		MCT_R(IMMED, 1, 0, 0, 10),	/* i = 10 */
		MCT_R(IMMED, 2, 0, 0, 0),	/* sum = 0 */
		MCT_R(ADD, 2, 2, 1, 0),		/* 2: sum += i */
		MCT_R(SUBI, 1, 1, 0, 1),
		nfpe_enc_b(NFPE_OP_BNE, 1, 2, RZ),	/* while i != 0 */
		MCT_R(EXIT, 0, 2, 0, 0),
	};
	struct ctx c;

	mct_vm_init(&c.vm, 0);
	ctx_load(&c, w, N(w));
	mct_vm_run(&c.vm, c.prog, &c.res);
	g_assert_cmpuint(c.res.status, ==, NFPE_RUN_OK);
	g_assert_cmpuint(c.res.ret, ==, 55);
	g_assert_cmpuint(c.res.insns, ==, 2 + 10 * 3 + 1);
	/* issue: 2 + 10 * (1 + 1 + 1) + 9 taken + exit 1 */
	g_assert_cmpuint(c.res.cycles, ==, 2 + 30 + 9 + 1);
	g_assert_cmpuint(c.res.stall, ==, 0);
	ctx_fini(&c);
}

/* ---- memory ---- */

static void test_mem_lm(void)
{
	struct mct_image *im = mct_image_new(NFPE_PROG_XDP);
	struct ctx c;
	uint32_t *g;

	/* dynamic base r1, then absolute (base rz) */
	mct_emit(im, MCT_R(IMMED, 5, 0, 0, 0x89abcdef));
	mct_emit(im, MCT_R(IMMED, 6, 0, 0, 0x01234567));
	mct_emit(im, MCT_R(ST_LM64, 0, 1, 5, 8));	/* [r1+8] = r5:r6 */
	mct_emit(im, MCT_R(LD_LM8, 10, 1, 0, 8));
	mct_emit(im, MCT_R(LD_LM16, 11, 1, 0, 9));	/* unaligned */
	mct_emit(im, MCT_R(LD_LM32, 12, 1, 0, 10));
	mct_emit(im, MCT_R(LD_LM64, 14, 1, 0, 8));
	mct_emit(im, MCT_R(ST_LM8, 0, RZ, 5, 500));
	mct_emit(im, MCT_R(ST_LM16, 0, RZ, 5, 502));
	mct_emit(im, MCT_R(ST_LM32, 0, RZ, 6, 504));
	mct_emit(im, MCT_R(LD_LM64, 16, RZ, 0, 500));
	mct_emit(im, MCT_R(ST_LM64, 0, RZ, RZ, 504));	/* zero pair */
	mct_emit(im, MCT_R(LD_LM32, 18, RZ, 0, 504));
	mct_emit(im, MCT_R(LD_LM32, 19, RZ, 0, 508));
	mct_emit(im, MCT_R(LD_LM16, 20, 2, 0, 0x20));	/* wraps: r2 = -16 */
	mct_emit(im, MCT_R(EXIT, 0, 10, 0, 0));
	mct_vm_init(&c.vm, 0);
	ctx_load_image(&c, im);
	g = c.vm.t->gpr;
	g[1] = 100;
	g[2] = 0xfffffff0;
	g[18] = g[19] = 0xff;
	mct_vm_run(&c.vm, c.prog, &c.res);
	g_assert_cmpuint(c.res.status, ==, NFPE_RUN_OK);
	g_assert_cmphex(g[10], ==, 0xef);		/* zero-extended */
	g_assert_cmphex(g[11], ==, 0xabcd);
	g_assert_cmphex(g[12], ==, 0x456789ab);
	g_assert_cmphex(g[14], ==, 0x89abcdef);
	g_assert_cmphex(g[15], ==, 0x01234567);
	g_assert_cmphex(g[16], ==, 0xcdef00ef);
	g_assert_cmphex(g[17], ==, 0x01234567);
	g_assert_cmphex(g[18], ==, 0);
	g_assert_cmphex(g[19], ==, 0);
	/* r2 + 0x20 = 0x10: the bytes of lm[16..17] */
	g_assert_cmphex(g[20], ==, c.vm.t->lm[16] | c.vm.t->lm[17] << 8);
	g_assert_cmphex(c.vm.t->lm[108], ==, 0xef);	/* little-endian */
	g_assert_cmphex(c.vm.t->lm[115], ==, 0x01);
	ctx_fini(&c);
}

/*
 * One access at r1 + imm, preceded by `pre` (e.g. nop), followed by exit:
 * returns the status; on a fault checks pc, address and exact counts.
 */
static uint32_t mem_access(struct mct_vm *vm, uint64_t insn, uint32_t base)
{
	const uint64_t w[] = {
		MCT_R(NOP, 0, 0, 0, 0),
		insn,
		MCT_R(NOP, 0, 0, 0, 0),
		MCT_R(EXIT, 0, RZ, 0, 0),
	};
	struct nfpe_run_result res;
	struct nfpe_prog *prog;
	uint8_t *img;
	size_t len;
	struct mct_image *im = mct_image_new(NFPE_PROG_XDP);

	mct_image_set_stack(im, MIN(vm->caps.stack_size, NFPE_LM_SIZE));
	mct_emit_words(im, w, N(w));
	img = mct_image_build(im, &len);
	mct_image_free(im);
	prog = mct_vm_load(vm, img, len);
	g_free(img);
	vm->t->gpr[1] = base;
	vm->t->gpr[2] = 0x01020304;
	vm->t->gpr[3] = 0x05060708;
	mct_vm_run(vm, prog, &res);
	if (res.status == NFPE_RUN_FAULT) {
		g_assert_cmpuint(res.fault_pc, ==, 1);
		g_assert_cmphex(res.fault_addr, ==,
				base + NFPE_INSN_IMM(insn));
		/* the nop and the faulting instruction executed */
		g_assert_cmpuint(res.insns, ==, 2);
		g_assert_cmpuint(res.cycles, ==,
				 1 + nfpe_insn_cost(NFPE_INSN_OP(insn)) +
				 nfpe_insn_latency(NFPE_INSN_OP(insn), 0));
	} else {
		g_assert_cmpuint(res.insns, ==, 4);
	}
	nfpe_prog_free(prog);
	return res.status;
}

static void test_mem_bounds(void)
{
	struct mct_vm vm;
	unsigned kind, lg;

	mct_vm_init(&vm, 1 << 16);
	for (kind = 0; kind < 3; kind++) {
		for (lg = 0; lg < 4; lg++) {
			uint32_t n = 1u << lg;
			uint8_t lm_op, pkt_op, map_op;
			uint8_t d = kind == 0 ? 4 : 0, b = kind == 0 ? 0 : 2;

			if (kind == 2 && lg < 2)
				continue;
			lm_op = 0x80 | kind << 4 | NFPE_SPACE_LM << 2 | lg;
			pkt_op = 0x80 | kind << 4 | NFPE_SPACE_PKT << 2 | lg;
			map_op = 0x80 | kind << 4 | NFPE_SPACE_MAP << 2 | lg;
			if (kind == 2)
				b = 2;
			/* LM: [0, stack) */
			g_assert_cmpuint(mem_access(&vm, nfpe_enc_r(lm_op, d,
					 1, b, 0), NFPE_LM_SIZE - n), ==,
					 NFPE_RUN_OK);
			g_assert_cmpuint(mem_access(&vm, nfpe_enc_r(lm_op, d,
					 1, b, 0), NFPE_LM_SIZE - n + 1), ==,
					 NFPE_RUN_FAULT);
			g_assert_cmpuint(mem_access(&vm, nfpe_enc_r(lm_op, d,
					 1, b, 8), 0xfffffff8), ==,
					 NFPE_RUN_OK);	/* wraps to 0 */
			g_assert_cmpuint(mem_access(&vm, nfpe_enc_r(lm_op, d,
					 1, b, 0), 0xffffffff), ==,
					 NFPE_RUN_FAULT);
			/* PKT: [0, pkt_size); no atomic add on PKT */
			if (kind != 2) {
				g_assert_cmpuint(mem_access(&vm,
					nfpe_enc_r(pkt_op, d, 1, b, 0),
					NFPE_PKT_SIZE - n), ==, NFPE_RUN_OK);
				g_assert_cmpuint(mem_access(&vm,
					nfpe_enc_r(pkt_op, d, 1, b, 4),
					NFPE_PKT_SIZE - n - 3), ==,
					NFPE_RUN_FAULT);
			}
			/* MAP: [64, size), reserved first 64 bytes */
			g_assert_cmpuint(mem_access(&vm, nfpe_enc_r(map_op, d,
					 1, b, 0), 64), ==, NFPE_RUN_OK);
			g_assert_cmpuint(mem_access(&vm, nfpe_enc_r(map_op, d,
					 1, b, 0), 64 - n), ==,
					 NFPE_RUN_FAULT);
			g_assert_cmpuint(mem_access(&vm, nfpe_enc_r(map_op, d,
					 1, b, 0), 0), ==, NFPE_RUN_FAULT);
			g_assert_cmpuint(mem_access(&vm, nfpe_enc_r(map_op, d,
					 1, b, 0), (1 << 16) - n), ==,
					 NFPE_RUN_OK);
			g_assert_cmpuint(mem_access(&vm, nfpe_enc_r(map_op, d,
					 1, b, 0), (1 << 16) - n + 1), ==,
					 NFPE_RUN_FAULT);
		}
	}
	/* smaller caps: dynamic LM bound follows caps.stack_size */
	vm.caps.stack_size = 128;
	g_assert_cmpuint(mem_access(&vm, MCT_R(LD_LM32, 4, 1, 0, 0), 124), ==,
			 NFPE_RUN_OK);
	g_assert_cmpuint(mem_access(&vm, MCT_R(LD_LM32, 4, 1, 0, 0), 125), ==,
			 NFPE_RUN_FAULT);
	mct_vm_fini(&vm);
}

/* Without maps every MAP access faults. */
static void test_mem_no_maps(void)
{
	struct mct_vm vm;

	mct_vm_init(&vm, 0);
	g_assert_cmpuint(mem_access(&vm, MCT_R(LD_MAP32, 4, 1, 0, 0), 64), ==,
			 NFPE_RUN_FAULT);
	mct_vm_fini(&vm);
}

static void test_mem_pkt(void)
{
	static const uint8_t frame[64] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55,	/* dst */
		0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb,	/* src */
		0x08, 0x00,				/* IPv4 */
		0x45, 0x00, 0x00, 0x32,
	};
	const uint64_t w[] = {
		MCT_R(CSRRD, 1, 0, 0, NFPE_CSR_PKT_DATA),
		MCT_R(LD_PKT16, 2, 1, 0, 12),		/* ethertype, LE */
		MCT_R(BSWAP16, 2, 2, 0, 0),
		MCT_R(LD_PKT8, 3, 1, 0, 14),
		MCT_R(LD_PKT32, 4, 1, 0, 0),
		MCT_R(LD_PKT64, 5, 1, 0, 6),
		/* swap MACs with 32+16-bit stores */
		MCT_R(LD_PKT32, 8, 1, 0, 6),
		MCT_R(LD_PKT16, 9, 1, 0, 10),
		MCT_R(LD_PKT32, 10, 1, 0, 0),
		MCT_R(LD_PKT16, 11, 1, 0, 4),
		MCT_R(ST_PKT32, 0, 1, 8, 0),
		MCT_R(ST_PKT16, 0, 1, 9, 4),
		MCT_R(ST_PKT32, 0, 1, 10, 6),
		MCT_R(ST_PKT16, 0, 1, 11, 10),
		MCT_R(ST_PKT8, 0, 1, 3, 15),
		MCT_R(ST_PKT64, 0, 1, 2, 16),		/* r2:r3 */
		MCT_R(EXIT, 0, 2, 0, 0),
	};
	const uint8_t *pkt;
	struct ctx c;

	mct_vm_init(&c.vm, 0);
	ctx_load(&c, w, N(w));
	mct_vm_run_pkt(&c.vm, c.prog, frame, sizeof(frame), &c.res);
	g_assert_cmpuint(c.res.status, ==, NFPE_RUN_OK);
	g_assert_cmphex(c.res.ret, ==, 0x0800);
	g_assert_cmphex(c.vm.t->gpr[3], ==, 0x45);
	g_assert_cmphex(c.vm.t->gpr[4], ==, 0x33221100);
	g_assert_cmphex(c.vm.t->gpr[5], ==, 0x99887766);
	g_assert_cmphex(c.vm.t->gpr[6], ==, 0x0008bbaa);
	pkt = c.vm.t->pkt + NFPE_PKT_HEADROOM;
	g_assert_cmpmem(pkt, 12, "\x66\x77\x88\x99\xaa\xbb"
			"\x00\x11\x22\x33\x44\x55", 12);
	g_assert_cmphex(pkt[15], ==, 0x45);
	g_assert_cmpmem(pkt + 16, 8, "\x00\x08\x00\x00\x45\x00\x00\x00", 8);
	/* stall: 8 packet loads, 6 stores */
	g_assert_cmpuint(c.res.stall, ==,
			 8 * nfpe_insn_latency(NFPE_OP_LD_PKT32, 0) +
			 6 * nfpe_insn_latency(NFPE_OP_ST_PKT32, 0));
	ctx_fini(&c);
}

/* ---- map engine and MAP space ---- */

#define FL(k, v) NFPE_ENG_FLAGS(NFPE_SPACE_##k, NFPE_SPACE_##v)

static void test_engine_maps(void)
{
	struct mct_image *im = mct_image_new(NFPE_PROG_XDP);
	struct ctx c;
	uint32_t hash, arr, *g, val_addr;
	uint8_t key[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, value[16];
	int i;

	mct_vm_init(&c.vm, 1 << 20);
	hash = mct_vm_map(&c.vm, NFPE_BPF_MAP_HASH, 8, 16, 4);
	arr = mct_vm_map(&c.vm, NFPE_BPF_MAP_ARRAY, 4, 8, 2);
	g_assert_cmpuint(mct_map(im, hash, NFPE_BPF_MAP_HASH, 8, 16, 4), ==, 0);
	g_assert_cmpuint(mct_map(im, arr, NFPE_BPF_MAP_ARRAY, 4, 8, 2), ==, 1);
	/*
	 * r0 = slot, r2 = key addr (LM 0), r4 = value addr (LM 64),
	 * r6 = flags
	 */
	mct_emit(im, MCT_R(IMMED, 20, 0, 0, 0));
	mct_emit(im, MCT_R(ST_LM32, 0, RZ, 21, 0));	/* key = r21:r22 */
	mct_emit(im, MCT_R(ST_LM32, 0, RZ, 22, 4));
	mct_immed_map(im, 0, 0);
	mct_emit(im, MCT_R(IMMED, 2, 0, 0, 0));
	mct_eng(im, 10, 0, NFPE_ENG_MAP_LOOKUP, FL(LM, LM));	/* miss */
	mct_emit(im, MCT_R(IMMED, 4, 0, 0, 64));
	mct_emit(im, MCT_R(IMMED, 6, 0, 0, NFPE_MAP_NOEXIST));
	mct_eng(im, 12, 0, NFPE_ENG_MAP_UPDATE, FL(LM, LM));	/* 0 */
	mct_eng(im, 14, 0, NFPE_ENG_MAP_UPDATE, FL(LM, LM));	/* -EEXIST */
	mct_eng(im, 16, 0, NFPE_ENG_MAP_LOOKUP, FL(LM, LM));	/* hit */
	mct_emit(im, MCT_R(LD_MAP32, 18, 16, 0, 4));
	mct_emit(im, MCT_R(IMMED, 19, 0, 0, 1));
	mct_emit(im, MCT_R(AADD_MAP32, 0, 16, 19, 0));
	mct_emit(im, MCT_R(AADD_MAP64, 0, 16, 19, 8));	/* += r19:r20 */
	mct_emit(im, MCT_R(ST_MAP8, 0, 16, 19, 15));
	/* key in MAP space: the value's first 8 bytes are not a key */
	mct_emit(im, MCT_R(MOV, 2, 16, 0, 0));
	mct_eng(im, 24, 0, NFPE_ENG_MAP_DELETE, FL(MAP, LM));	/* -ENOENT */
	mct_emit(im, MCT_R(IMMED, 2, 0, 0, 0));
	mct_eng(im, 26, 0, NFPE_ENG_MAP_DELETE, FL(LM, LM));	/* 0 */
	mct_eng(im, 28, 0, NFPE_ENG_MAP_DELETE, FL(LM, LM));	/* -ENOENT */
	mct_emit(im, MCT_R(EXIT, 0, 18, 0, 0));
	ctx_load_image(&c, im);

	g = c.vm.t->gpr;
	memcpy(&g[21], key, 4);
	memcpy(&g[22], key + 4, 4);
	for (i = 0; i < 16; i++)
		c.vm.t->lm[64 + i] = (uint8_t)(0xa0 + i);
	g[20] = 0;
	mct_vm_run(&c.vm, c.prog, &c.res);
	g_assert_cmpuint(c.res.status, ==, NFPE_RUN_OK);
	g_assert_cmphex(g[10], ==, 0);
	g_assert_cmphex(g[11], ==, 0);
	g_assert_cmphex(g[12], ==, 0);
	g_assert_cmphex(g[13], ==, 0);
	g_assert_cmpint((int32_t)g[14], ==, -NFPE_EEXIST);
	g_assert_cmphex(g[15], ==, 0xffffffff);		/* sign-extended */
	val_addr = g[16];
	g_assert_cmpuint(val_addr, >=, 64);
	g_assert_cmphex(g[17], ==, 0);
	g_assert_cmphex(c.res.ret, ==, 0xa7a6a5a4);
	g_assert_cmpint((int32_t)g[24], ==, -NFPE_ENOENT);
	g_assert_cmphex(g[25], ==, 0xffffffff);
	g_assert_cmphex(g[26], ==, 0);
	g_assert_cmpint((int32_t)g[28], ==, -NFPE_ENOENT);
	/* the stall of the engine commands is counted */
	g_assert_cmpuint(c.res.stall, >=, 3 * 150);

	/* the value as the host sees it after aadd (before the delete) */
	{
		uint32_t size;
		uint8_t *mem = nfpe_maps_mem(c.vm.maps, &size);

		memcpy(value, mem + val_addr, 16);
		g_assert_cmphex(value[0], ==, 0xa1);	/* 0xa0 + 1 */
		g_assert_cmphex(value[8], ==, 0xa9);
		g_assert_cmphex(value[15], ==, 1);
	}
	ctx_fini(&c);
}

/* Map command faults: slot in a register out of range, key out of bounds. */
static void test_engine_map_faults(void)
{
	struct ctx c;
	uint32_t hash;
	int variant;

	for (variant = 0; variant < 4; variant++) {
		struct mct_image *im = mct_image_new(NFPE_PROG_XDP);

		mct_vm_init(&c.vm, 1 << 16);
		hash = mct_vm_map(&c.vm, NFPE_BPF_MAP_HASH, 8, 8, 4);
		mct_map(im, hash, NFPE_BPF_MAP_HASH, 8, 8, 4);
		mct_emit(im, MCT_R(IMMED, 0, 0, 0, variant == 0 ? 1 : 0));
		mct_emit(im, MCT_R(IMMED, 2, 0, 0,
				   variant == 1 ? NFPE_LM_SIZE - 7 :
				   variant == 2 ? NFPE_PKT_SIZE - 4 : 0));
		mct_emit(im, MCT_R(IMMED, 4, 0, 0, 60));
		mct_eng(im, 10, 0, variant == 3 ? NFPE_ENG_MAP_UPDATE :
			NFPE_ENG_MAP_LOOKUP,
			variant == 2 ? FL(PKT, LM) :
			variant == 3 ? FL(LM, MAP) : FL(LM, LM));
		mct_emit(im, MCT_R(EXIT, 0, RZ, 0, 0));
		ctx_load_image(&c, im);
		mct_vm_run(&c.vm, c.prog, &c.res);
		g_assert_cmpuint(c.res.status, ==, NFPE_RUN_FAULT);
		g_assert_cmpuint(c.res.fault_pc, ==, 3);
		g_assert_cmpuint(c.res.insns, ==, 4);
		g_assert_cmphex(c.res.fault_addr, ==,
				variant == 0 ? 1 :
				variant == 1 ? NFPE_LM_SIZE - 7 :
				variant == 2 ? NFPE_PKT_SIZE - 4 : 60);
		ctx_fini(&c);
	}
}

/* A program loaded without maps (validate-only) faults on map commands. */
static void test_engine_unbound(void)
{
	struct mct_image *im = mct_image_new(NFPE_PROG_XDP);
	struct nfpe_prog *prog;
	struct nfpe_verr err;
	struct mct_vm vm;
	struct nfpe_run_result res;
	uint8_t *img;
	size_t len;

	mct_map(im, 7, NFPE_BPF_MAP_HASH, 8, 8, 4);
	mct_immed_map(im, 0, 0);
	mct_eng(im, 10, 0, NFPE_ENG_MAP_LOOKUP, 0);
	mct_emit(im, MCT_R(EXIT, 0, RZ, 0, 0));
	img = mct_image_build(im, &len);
	mct_image_free(im);
	mct_vm_init(&vm, 0);
	g_assert_cmpint(nfpe_prog_load(&mct_alloc, &vm.caps, NULL, img, len,
				       &prog, &err), ==, 0);
	mct_vm_run(&vm, prog, &res);
	g_assert_cmpuint(res.status, ==, NFPE_RUN_FAULT);
	g_assert_cmpuint(res.fault_pc, ==, 1);
	nfpe_prog_free(prog);
	mct_vm_fini(&vm);
	g_free(img);
}

static void test_engine_random_ktime(void)
{
	struct mct_image *im = mct_image_new(NFPE_PROG_XDP);
	struct ctx c;

	mct_eng(im, 2, 0, NFPE_ENG_RANDOM, 0);
	mct_eng(im, 4, 0, NFPE_ENG_RANDOM, 0);
	mct_eng(im, 6, 0, NFPE_ENG_KTIME, 0);
	mct_emit(im, MCT_R(EXIT, 0, 2, 0, 0));
	mct_vm_init(&c.vm, 0);
	ctx_load_image(&c, im);
	c.vm.now_ns = 0x123456789abcull;
	mct_vm_run(&c.vm, c.prog, &c.res);
	g_assert_cmpuint(c.res.status, ==, NFPE_RUN_OK);
	g_assert_cmphex(c.vm.t->gpr[2], ==, 0x12345678);
	g_assert_cmphex(c.vm.t->gpr[3], ==, 0);
	g_assert_cmphex(c.vm.t->gpr[4], ==, 0x12345679);
	g_assert_cmphex(c.vm.t->gpr[6], ==, 0x56789abc);
	g_assert_cmphex(c.vm.t->gpr[7], ==, 0x1234);
	g_assert_cmpuint(c.res.stall, ==, 3 * 10);
	/* no host ops: the command faults */
	c.vm.env.ops = NULL;
	mct_vm_run(&c.vm, c.prog, &c.res);
	g_assert_cmpuint(c.res.status, ==, NFPE_RUN_FAULT);
	g_assert_cmpuint(c.res.fault_pc, ==, 0);
	g_assert_cmpuint(c.res.insns, ==, 1);
	ctx_fini(&c);
}

/* ---- packet adjustment ---- */

/* Run `eng delta` once on a fresh 60-byte packet; returns the result. */
static int64_t adjust(struct ctx *c, uint32_t engine, int32_t delta)
{
	uint8_t frame[60];
	int i;

	for (i = 0; i < 60; i++)
		frame[i] = (uint8_t)i;
	c->vm.t->gpr[0] = (uint32_t)delta;
	mct_vm_run_pkt(&c->vm, c->prog, frame, sizeof(frame), &c->res);
	g_assert_cmpuint(c->res.status, ==, NFPE_RUN_OK);
	(void)engine;
	return (int64_t)((uint64_t)c->vm.t->gpr[11] << 32 | c->vm.t->gpr[10]);
}

static void adj_prog(struct ctx *c, uint32_t engine, gboolean meta_first,
		     int32_t meta_delta)
{
	struct mct_image *im = mct_image_new(NFPE_PROG_XDP);

	mct_vm_init(&c->vm, 0);
	if (meta_first) {
		/* r8 holds the head delta, set by the caller */
		mct_emit(im, MCT_R(IMMED, 0, 0, 0, (uint32_t)meta_delta));
		mct_eng(im, 12, 0, NFPE_ENG_ADJ_META, 0);
		/* write a marker into the meta area: [meta] = 0xfeedbeef */
		mct_emit(im, MCT_R(CSRRD, 14, 0, 0, NFPE_CSR_PKT_META));
		mct_emit(im, MCT_R(IMMED, 15, 0, 0, 0xfeedbeef));
		mct_emit(im, MCT_R(ST_PKT32, 0, 14, 15, 0));
		mct_emit(im, MCT_R(MOV, 0, 8, 0, 0));
	}
	mct_eng(im, 10, 0, engine, 0);
	mct_emit(im, MCT_R(EXIT, 0, 10, 0, 0));
	ctx_load_image(c, im);
}

#define CSR(c, x) ((c)->vm.t->csr[NFPE_CSR_##x])

static void test_adjust_head(void)
{
	const uint32_t head = NFPE_PKT_HEADROOM;
	struct ctx c;

	adj_prog(&c, NFPE_ENG_ADJ_HEAD, FALSE, 0);
	/* grow to the reserved 40 bytes exactly, not one more */
	g_assert_cmpint(adjust(&c, 0, -(int32_t)(head - 40)), ==, 0);
	g_assert_cmpuint(CSR(&c, PKT_DATA), ==, 40);
	g_assert_cmpuint(CSR(&c, PKT_META), ==, 40);
	g_assert_cmpuint(CSR(&c, PKT_LEN), ==, 60 + head - 40);
	g_assert_cmpint(adjust(&c, 0, -(int32_t)(head - 39)), ==,
			-NFPE_EINVAL);
	g_assert_cmpuint(CSR(&c, PKT_DATA), ==, head);
	/* shrink to ETH_HLEN exactly, not one more */
	g_assert_cmpint(adjust(&c, 0, 60 - 14), ==, 0);
	g_assert_cmpuint(CSR(&c, PKT_LEN), ==, 14);
	g_assert_cmpuint(CSR(&c, PKT_DATA), ==, head + 46);
	g_assert_cmpint(adjust(&c, 0, 60 - 13), ==, -NFPE_EINVAL);
	g_assert_cmpint(adjust(&c, 0, INT32_MIN), ==, -NFPE_EINVAL);
	g_assert_cmpint(adjust(&c, 0, INT32_MAX), ==, -NFPE_EINVAL);
	g_assert_cmpint(adjust(&c, 0, 0), ==, 0);
	ctx_fini(&c);

	/* with 8 bytes of metadata: it moves along, limit includes it */
	adj_prog(&c, NFPE_ENG_ADJ_HEAD, TRUE, -8);
	c.vm.t->gpr[8] = (uint32_t)-16;
	g_assert_cmpint(adjust(&c, 0, 0), ==, 0);	/* r0 ignored */
	g_assert_cmpint((int32_t)c.vm.t->gpr[12], ==, 0);
	g_assert_cmpuint(CSR(&c, PKT_DATA), ==, head - 16);
	g_assert_cmpuint(CSR(&c, PKT_META), ==, head - 24);
	g_assert_cmphex(c.vm.t->pkt[head - 24], ==, 0xef);
	g_assert_cmphex(c.vm.t->pkt[head - 21], ==, 0xfe);
	c.vm.t->gpr[8] = (uint32_t)-(int32_t)(head - 48);
	g_assert_cmpint(adjust(&c, 0, 0), ==, 0);
	g_assert_cmpuint(CSR(&c, PKT_META), ==, 40);
	c.vm.t->gpr[8] = (uint32_t)-(int32_t)(head - 47);
	g_assert_cmpint(adjust(&c, 0, 0), ==, -NFPE_EINVAL);
	/* shrinking moves the metadata forward */
	c.vm.t->gpr[8] = 20;
	g_assert_cmpint(adjust(&c, 0, 0), ==, 0);
	g_assert_cmpuint(CSR(&c, PKT_META), ==, head + 12);
	g_assert_cmphex(c.vm.t->pkt[head + 12], ==, 0xef);
	g_assert_cmphex(c.vm.t->pkt[head + 15], ==, 0xfe);
	ctx_fini(&c);
}

static void test_adjust_tail(void)
{
	const uint32_t head = NFPE_PKT_HEADROOM;
	struct ctx c;
	int i;

	adj_prog(&c, NFPE_ENG_ADJ_TAIL, FALSE, 0);
	/* stale bytes past the end are zeroed on grow */
	memset(c.vm.t->pkt + head + 60, 0x5a, 100);
	g_assert_cmpint(adjust(&c, 0, 100), ==, 0);
	g_assert_cmpuint(CSR(&c, PKT_LEN), ==, 160);
	g_assert_cmpuint(CSR(&c, PKT_END), ==, head + 160);
	for (i = 0; i < 100; i++)
		g_assert_cmphex(c.vm.t->pkt[head + 60 + i], ==, 0);
	g_assert_cmpint(adjust(&c, 0, -46), ==, 0);
	g_assert_cmpuint(CSR(&c, PKT_LEN), ==, 14);
	g_assert_cmpint(adjust(&c, 0, -47), ==, -NFPE_EINVAL);
	g_assert_cmpint(adjust(&c, 0, NFPE_PKT_SIZE - head - 60), ==, 0);
	g_assert_cmpuint(CSR(&c, PKT_END), ==, NFPE_PKT_SIZE);
	g_assert_cmpint(adjust(&c, 0, NFPE_PKT_SIZE - head - 59), ==,
			-NFPE_EINVAL);
	g_assert_cmpint(adjust(&c, 0, INT32_MIN), ==, -NFPE_EINVAL);
	ctx_fini(&c);
}

static void test_adjust_meta(void)
{
	const uint32_t head = NFPE_PKT_HEADROOM;
	struct ctx c;

	adj_prog(&c, NFPE_ENG_ADJ_META, FALSE, 0);
	g_assert_cmpint(adjust(&c, 0, -4), ==, 0);
	g_assert_cmpuint(CSR(&c, PKT_META), ==, head - 4);
	g_assert_cmpint(adjust(&c, 0, -32), ==, 0);
	g_assert_cmpint(adjust(&c, 0, -36), ==, -NFPE_EACCES);
	g_assert_cmpint(adjust(&c, 0, -2), ==, -NFPE_EACCES);
	g_assert_cmpint(adjust(&c, 0, 4), ==, -NFPE_EINVAL);	/* > data */
	g_assert_cmpint(adjust(&c, 0, 0), ==, 0);
	g_assert_cmpuint(CSR(&c, PKT_META), ==, head);
	g_assert_cmpint(adjust(&c, 0, INT32_MIN), ==, -NFPE_EINVAL);
	ctx_fini(&c);

	/* meta below the reserved area: -EINVAL before -EACCES */
	{
		struct mct_vm *vm;

		adj_prog(&c, NFPE_ENG_ADJ_META, FALSE, 0);
		vm = &c.vm;
		vm->caps.pkt_headroom = 56;
		g_assert_cmpint(adjust(&c, 0, -16), ==, 0);
		g_assert_cmpint(adjust(&c, 0, -20), ==, -NFPE_EINVAL);
		vm->caps.pkt_headroom = 40;
		g_assert_cmpint(adjust(&c, 0, -4), ==, -NFPE_EINVAL);
		ctx_fini(&c);
	}
}

/* ---- calls ---- */

static void test_call_ret(void)
{
	struct mct_image *im = mct_image_new(NFPE_PROG_XDP);
	struct ctx c;

	/* main: r1 = 5; call f; call f; exit r1.  f: r1 *= 2; call g; ret.
	 * g: r1 += 1; ret */
	mct_emit(im, MCT_R(IMMED, 1, 0, 0, 5));
	mct_emit(im, MCT_B(CALL, 0, 5, 0));
	mct_emit(im, MCT_B(CALL, 0, 5, 0));
	mct_emit(im, MCT_R(EXIT, 0, 1, 0, 0));
	mct_emit(im, MCT_R(NOP, 0, 0, 0, 0));
	mct_emit(im, MCT_R(SHLI, 1, 1, 0, 1));		/* 5: f */
	mct_emit(im, MCT_B(CALL, 0, 8, 0));
	mct_emit(im, MCT_R(RET, 0, 0, 0, 0));
	mct_emit(im, MCT_R(ADDI, 1, 1, 0, 1));		/* 8: g */
	mct_emit(im, MCT_R(RET, 0, 0, 0, 0));
	mct_entry(im, 0, NFPE_ENTRY_MAIN);
	mct_entry(im, 5, NFPE_ENTRY_SUBPROG);
	mct_entry(im, 8, NFPE_ENTRY_SUBPROG);
	mct_vm_init(&c.vm, 0);
	ctx_load_image(&c, im);
	mct_vm_run(&c.vm, c.prog, &c.res);
	g_assert_cmpuint(c.res.status, ==, NFPE_RUN_OK);
	g_assert_cmpuint(c.res.ret, ==, ((5 * 2 + 1) * 2 + 1));
	g_assert_cmpuint(c.res.insns, ==, 1 + 2 * (1 + 3 + 2) + 1);
	ctx_fini(&c);
}

static void test_call_overflow(void)
{
	struct mct_image *im;
	struct ctx c;
	int depth;

	/* f calls itself while r1 != 0: depth r1 */
	for (depth = NFPE_CALL_DEPTH - 1; depth <= NFPE_CALL_DEPTH + 1;
	     depth++) {
		im = mct_image_new(NFPE_PROG_XDP);
		mct_emit(im, MCT_R(IMMED, 1, 0, 0, depth));
		mct_emit(im, MCT_B(CALL, 0, 3, 0));
		mct_emit(im, MCT_R(EXIT, 0, 1, 0, 0));
		mct_emit(im, nfpe_enc_b(NFPE_OP_BEQI, 1, 6, 0));	/* 3 */
		mct_emit(im, MCT_R(SUBI, 1, 1, 0, 1));
		mct_emit(im, MCT_B(CALL, 0, 3, 0));
		mct_emit(im, MCT_R(RET, 0, 0, 0, 0));			/* 6 */
		mct_entry(im, 0, NFPE_ENTRY_MAIN);
		mct_entry(im, 3, NFPE_ENTRY_SUBPROG);
		mct_vm_init(&c.vm, 0);
		ctx_load_image(&c, im);
		mct_vm_run(&c.vm, c.prog, &c.res);
		/* main's call + depth nested calls */
		if (depth + 1 <= NFPE_CALL_DEPTH) {
			g_assert_cmpuint(c.res.status, ==, NFPE_RUN_OK);
			g_assert_cmpuint(c.res.ret, ==, 0);
		} else {
			g_assert_cmpuint(c.res.status, ==, NFPE_RUN_FAULT);
			g_assert_cmpuint(c.res.fault_pc, ==, 5);
			g_assert_cmpuint(c.res.fault_addr, ==,
					 NFPE_CALL_DEPTH);
			g_assert_cmpuint(c.res.insns, ==,
					 2 + NFPE_CALL_DEPTH * 3);
		}
		ctx_fini(&c);
	}
}

static void test_ret_underflow(void)
{
	const uint64_t w[] = {
		MCT_R(NOP, 0, 0, 0, 0),
		MCT_R(RET, 0, 0, 0, 0),
	};
	struct ctx c;

	mct_vm_init(&c.vm, 0);
	ctx_load(&c, w, N(w));
	mct_vm_run(&c.vm, c.prog, &c.res);
	g_assert_cmpuint(c.res.status, ==, NFPE_RUN_FAULT);
	g_assert_cmpuint(c.res.fault_pc, ==, 1);
	g_assert_cmpuint(c.res.insns, ==, 2);
	ctx_fini(&c);
}

/* ---- CSRs and packet set-up ---- */

static void test_csr(void)
{
	static const uint8_t frame[20] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6,
		0x86, 0xdd,
	};
	const uint64_t w[] = {
		MCT_R(CSRRD, 1, 0, 0, NFPE_CSR_PKT_LEN),
		MCT_R(CSRRD, 2, 0, 0, NFPE_CSR_PROTOCOL),
		MCT_R(CSRRD, 3, 0, 0, NFPE_CSR_THREAD),
		MCT_R(CSRRD, 4, 0, 0, NFPE_CSR_PORT),
		MCT_R(CSRRD, 5, 0, 0, NFPE_CSR_PKT_TYPE),
		MCT_R(IMMED, 6, 0, 0, 0xabcd),
		MCT_R(CSRWR, 0, 6, 0, NFPE_CSR_MARK),
		MCT_R(CSRWR, 0, 6, 0, NFPE_CSR_PRIORITY),
		MCT_R(CSRWR, 0, 6, 0, NFPE_CSR_TC_INDEX),
		MCT_R(CSRRD, 7, 0, 0, NFPE_CSR_MARK),
		MCT_R(LD_PKT8, 8, RZ, 0, NFPE_PKT_HEADROOM),	/* stall 20 */
		MCT_R(CSRRD, 9, 0, 0, NFPE_CSR_CYCLES),
		nfpe_enc_b(NFPE_OP_BEQI, RZ, 14, 0),		/* taken */
		MCT_R(NOP, 0, 0, 0, 0),
		MCT_R(CSRRD, 10, 0, 0, NFPE_CSR_CYCLES),	/* 14 */
		MCT_R(EXIT, 0, 1, 0, 0),
	};
	struct ctx c;

	mct_vm_init(&c.vm, 0);
	ctx_load(&c, w, N(w));
	nfpe_thread_init(c.vm.t, 3, 5);
	g_assert_cmpint(nfpe_pkt_setup(c.vm.t, &c.vm.caps, frame,
				       sizeof(frame), 2), ==, 0);
	mct_vm_run(&c.vm, c.prog, &c.res);
	g_assert_cmpuint(c.res.status, ==, NFPE_RUN_OK);
	g_assert_cmpuint(c.vm.t->gpr[1], ==, 20);
	g_assert_cmphex(c.vm.t->gpr[2], ==, 0xdd86);	/* be16 in a u32 */
	g_assert_cmphex(c.vm.t->gpr[3], ==, 0x305);
	g_assert_cmpuint(c.vm.t->gpr[4], ==, 2);
	g_assert_cmpuint(c.vm.t->gpr[5], ==, 1);	/* broadcast */
	g_assert_cmphex(c.vm.t->gpr[7], ==, 0xabcd);
	g_assert_cmphex(c.vm.t->csr[NFPE_CSR_MARK], ==, 0xabcd);
	g_assert_cmphex(c.vm.t->csr[NFPE_CSR_PRIORITY], ==, 0xabcd);
	g_assert_cmphex(c.vm.t->csr[NFPE_CSR_TC_INDEX], ==, 0xabcd);
	g_assert_cmpuint(c.vm.t->gpr[8], ==, 0xff);
	/* 12 one-cycle instructions, 20 stall */
	g_assert_cmpuint(c.vm.t->gpr[9], ==, 12 + 20);
	/* + taken branch 2 + csrrd 1 */
	g_assert_cmpuint(c.vm.t->gpr[10], ==, 12 + 20 + 2 + 1);
	g_assert_cmpuint(c.res.cycles, ==, 12 + 20 + 2 + 1 + 1);
	g_assert_cmpuint(c.vm.t->csr[NFPE_CSR_CYCLES], ==, c.res.cycles);
	g_assert_cmpuint(c.res.insns, ==, 15);
	ctx_fini(&c);
}

static void test_pkt_setup(void)
{
	struct nfpe_thread *t = g_new0(struct nfpe_thread, 1);
	struct nfpe_caps caps;
	uint8_t *frame = g_malloc0(NFPE_PKT_SIZE);

	frame[0] = 0x01;
	frame[1] = 0x00;
	frame[2] = 0x5e;
	frame[5] = 1;
	nfpe_caps_default(&caps);
	nfpe_thread_init(t, 0, 0);
	g_assert_cmpint(nfpe_pkt_setup(t, &caps, frame, 13, 1), ==, 0);
	g_assert_cmpuint(t->csr[NFPE_CSR_PROTOCOL], ==, 0);
	g_assert_cmpuint(t->csr[NFPE_CSR_PKT_TYPE], ==, 2);	/* mcast */
	g_assert_cmpuint(t->csr[NFPE_CSR_PKT_DATA], ==, NFPE_PKT_HEADROOM);
	g_assert_cmpuint(t->csr[NFPE_CSR_PKT_META], ==, NFPE_PKT_HEADROOM);
	g_assert_cmpuint(t->csr[NFPE_CSR_PKT_END], ==, NFPE_PKT_HEADROOM + 13);
	frame[0] = 0x02;
	g_assert_cmpint(nfpe_pkt_setup(t, &caps, frame, 64, 1), ==, 0);
	g_assert_cmpuint(t->csr[NFPE_CSR_PKT_TYPE], ==, 0);
	g_assert_cmpint(nfpe_pkt_setup(t, &caps, frame,
				       NFPE_PKT_SIZE - NFPE_PKT_HEADROOM, 0),
			==, 0);
	g_assert_cmpint(nfpe_pkt_setup(t, &caps, frame,
				       NFPE_PKT_SIZE - NFPE_PKT_HEADROOM + 1,
				       0), ==, -NFPE_E2BIG);
	caps.pkt_headroom = 8;
	g_assert_cmpint(nfpe_pkt_setup(t, &caps, frame, 64, 0), ==,
			-NFPE_EINVAL);
	g_free(frame);
	g_free(t);
}

/* ---- budget, counters, cycle model ---- */

static void test_budget(void)
{
	const uint64_t w[] = {
		MCT_R(IMMED, 1, 0, 0, 0),
		MCT_R(ADDI, 1, 1, 0, 1),	/* 1: loop */
		MCT_R(NOP, 0, 0, 0, 0),
		MCT_B(BR, 0, 1, 0),
	};
	struct nfpe_prog_counters pc;
	struct ctx c;
	uint32_t budget;

	for (budget = 0; budget <= 12; budget++) {
		uint64_t expect;

		mct_vm_init(&c.vm, 0);
		c.vm.caps.insn_budget = budget;
		ctx_load(&c, w, N(w));
		mct_vm_run(&c.vm, c.prog, &c.res);
		g_assert_cmpuint(c.res.status, ==, NFPE_RUN_BUDGET);
		/* runs: [0..3] = 4, then [1..3] = 3 each */
		expect = budget < 4 ? 0 : 4 + (budget - 4) / 3 * 3;
		g_assert_cmpuint(c.res.insns, ==, expect);
		g_assert_cmpuint(c.res.insns, <=, budget);
		/* the loop counter proves what executed */
		g_assert_cmpuint(c.vm.t->gpr[1], ==,
				 expect ? (expect - 1) / 3 : 0);
		nfpe_prog_counters(c.prog, &pc);
		g_assert_cmpuint(pc.errors, ==, 1);
		ctx_fini(&c);
	}

	/* default budget, infinite loop */
	mct_vm_init(&c.vm, 0);
	ctx_load(&c, w, N(w));
	mct_vm_run(&c.vm, c.prog, &c.res);
	g_assert_cmpuint(c.res.status, ==, NFPE_RUN_BUDGET);
	g_assert_cmpuint(c.res.insns, <=, NFPE_DEF_INSN_BUDGET);
	g_assert_cmpuint(c.res.insns, >, NFPE_DEF_INSN_BUDGET - 3);
	g_assert_cmpuint(c.vm.t->gpr[1], ==, (c.res.insns - 1) / 3);
	ctx_fini(&c);

	/* a program using exactly the budget completes */
	{
		const uint64_t x[] = {
			MCT_R(NOP, 0, 0, 0, 0),
			MCT_R(NOP, 0, 0, 0, 0),
			MCT_R(EXIT, 0, RZ, 0, 0),
		};

		mct_vm_init(&c.vm, 0);
		c.vm.caps.insn_budget = 3;
		ctx_load(&c, x, N(x));
		mct_vm_run(&c.vm, c.prog, &c.res);
		g_assert_cmpuint(c.res.status, ==, NFPE_RUN_OK);
		g_assert_cmpuint(c.res.insns, ==, 3);
		c.vm.caps.insn_budget = 2;
		mct_vm_run(&c.vm, c.prog, &c.res);
		g_assert_cmpuint(c.res.status, ==, NFPE_RUN_BUDGET);
		g_assert_cmpuint(c.res.insns, ==, 0);
		ctx_fini(&c);
	}
}

static void test_counters(void)
{
	const uint64_t w[] = {
		nfpe_enc_b(NFPE_OP_BEQI, 1, 3, 0),
		MCT_R(LD_LM32, 2, 1, 0, 0),
		MCT_R(EXIT, 0, RZ, 0, 0),
		MCT_R(DIVU, 2, 2, 2, 0),	/* 3 */
		MCT_R(EXIT, 0, RZ, 0, 0),
	};
	struct nfpe_prog_counters pc;
	uint64_t insns = 0, cycles = 0;
	struct ctx c;
	int i;

	mct_vm_init(&c.vm, 0);
	ctx_load(&c, w, N(w));
	nfpe_prog_counters(c.prog, &pc);
	g_assert_cmpuint(pc.runs, ==, 0);
	for (i = 0; i < 10; i++) {
		c.vm.t->gpr[1] = i % 3 == 0 ? 0 : i % 3 == 1 ? 4 : 0xfffff;
		mct_vm_run(&c.vm, c.prog, &c.res);
		insns += c.res.insns;
		cycles += c.res.cycles;
		if (i % 3 == 0) {
			g_assert_cmpuint(c.res.insns, ==, 3);
			g_assert_cmpuint(c.res.cycles, ==, 2 + 16 + 1);
		} else if (i % 3 == 1) {
			g_assert_cmpuint(c.res.status, ==, NFPE_RUN_OK);
			g_assert_cmpuint(c.res.cycles, ==, 3);
		} else {
			g_assert_cmpuint(c.res.status, ==, NFPE_RUN_FAULT);
			g_assert_cmpuint(c.res.insns, ==, 2);
			g_assert_cmpuint(c.res.cycles, ==, 2);
		}
	}
	nfpe_prog_counters(c.prog, &pc);
	g_assert_cmpuint(pc.runs, ==, 10);
	g_assert_cmpuint(pc.insns, ==, insns);
	g_assert_cmpuint(pc.cycles, ==, cycles);
	g_assert_cmpuint(pc.errors, ==, 3);
	g_assert_cmpuint(nfpe_prog_type(c.prog), ==, NFPE_PROG_XDP);
	g_assert_cmpuint(nfpe_prog_insn_count(c.prog), ==, N(w));
	ctx_fini(&c);
}

static void test_costs(void)
{
	g_assert_cmpuint(nfpe_insn_cost(NFPE_OP_ADD), ==, 1);
	g_assert_cmpuint(nfpe_insn_cost(NFPE_OP_MUL), ==, 2);
	g_assert_cmpuint(nfpe_insn_cost(NFPE_OP_MULHUI), ==, 3);
	g_assert_cmpuint(nfpe_insn_cost(NFPE_OP_DIVU), ==, 16);
	g_assert_cmpuint(nfpe_insn_cost(NFPE_OP_MODU64I), ==, 40);
	g_assert_cmpuint(nfpe_insn_cost(NFPE_OP_BR), ==, 2);
	g_assert_cmpuint(nfpe_insn_cost(NFPE_OP_BSLEI), ==, 1);
	g_assert_cmpuint(nfpe_insn_latency(NFPE_OP_LD_LM32, 0), ==, 0);
	g_assert_cmpuint(nfpe_insn_latency(NFPE_OP_LD_PKT8, 0), ==, 20);
	g_assert_cmpuint(nfpe_insn_latency(NFPE_OP_LD_MAP64, 0), ==, 120);
	g_assert_cmpuint(nfpe_insn_latency(NFPE_OP_AADD_MAP32, 0), ==, 150);
	g_assert_cmpuint(nfpe_insn_latency(NFPE_OP_ENG,
					   NFPE_ENG_MAP_LOOKUP), ==, 150);
	g_assert_cmpuint(nfpe_insn_latency(NFPE_OP_ENG, NFPE_ENG_RANDOM), ==,
			 10);
	g_assert_cmpuint(nfpe_insn_latency(NFPE_OP_ADD, 0), ==, 0);
}

static void test_model_pps(void)
{
	struct nfpe_caps caps;

	nfpe_caps_default(&caps);	/* 4 cores, 8 threads, 800 MHz */
	/* issue-bound: 100 issue, 0 stall: 8 Mpps per core */
	g_assert_cmpuint(nfpe_model_pps(&caps, 100, 0, 1), ==, 32000000);
	/* 100 issue + 700 stall: 8 threads exactly cover it */
	g_assert_cmpuint(nfpe_model_pps(&caps, 800, 700, 1), ==, 32000000);
	/* 100 issue + 1500 stall: latency-bound, 8 / 1600 per cycle */
	g_assert_cmpuint(nfpe_model_pps(&caps, 1600, 1500, 1), ==, 16000000);
	/* averages over packets */
	g_assert_cmpuint(nfpe_model_pps(&caps, 1000, 0, 10), ==, 32000000);
	caps.threads = 1;
	g_assert_cmpuint(nfpe_model_pps(&caps, 800, 700, 1), ==, 4000000);
	g_assert_cmpuint(nfpe_model_pps(&caps, 0, 0, 0), ==, 0);
	g_assert_cmpuint(nfpe_model_pps(&caps, 100, 0, 0), ==, 0);
}

static void test_opinfo_caps(void)
{
	struct nfpe_caps caps;
	unsigned i, n = 0;

	for (i = 0; i < 256; i++)
		n += nfpe_opinfo[i].mnemonic != NULL;
#define COUNT(e, v, m, f) + 1
	g_assert_cmpuint(n, ==, 0 NFPE_OPCODES(COUNT));
#undef COUNT
	g_assert_cmpstr(nfpe_opinfo[NFPE_OP_AADD_MAP64].mnemonic, ==,
			"aadd.map.64");
	g_assert_cmpuint(nfpe_opinfo[NFPE_OP_BSETI].fmt, ==, NFPE_FMT_BR_I);
	g_assert_null(nfpe_opinfo[0x03].mnemonic);
	nfpe_caps_default(&caps);
	g_assert_cmpuint(caps.code_store, ==, 8192);
	g_assert_cmpuint(caps.stack_size, ==, 512);
	g_assert_cmpuint(caps.pkt_headroom, ==, 256);
	g_assert_cmpuint(caps.pkt_size, ==, 16384);
	g_assert_cmphex(caps.engines, ==, 0x1fe);
	g_assert_cmphex(caps.map_types, ==, 0x266);
	g_assert_cmpuint(caps.max_value, ==, 4096);
	g_assert_cmpuint(caps.insn_budget, ==, 100000);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/interp/opinfo-caps", test_opinfo_caps);
	g_test_add_func("/interp/alu", test_alu);
	g_test_add_func("/interp/alu-alias", test_alu_alias);
	g_test_add_func("/interp/carry-chain", test_carry_chain);
	g_test_add_func("/interp/div64", test_div64);
	g_test_add_func("/interp/branches", test_branches);
	g_test_add_func("/interp/loop", test_loop);
	g_test_add_func("/interp/mem/lm", test_mem_lm);
	g_test_add_func("/interp/mem/bounds", test_mem_bounds);
	g_test_add_func("/interp/mem/no-maps", test_mem_no_maps);
	g_test_add_func("/interp/mem/pkt", test_mem_pkt);
	g_test_add_func("/interp/engine/maps", test_engine_maps);
	g_test_add_func("/interp/engine/map-faults", test_engine_map_faults);
	g_test_add_func("/interp/engine/unbound", test_engine_unbound);
	g_test_add_func("/interp/engine/random-ktime",
			test_engine_random_ktime);
	g_test_add_func("/interp/engine/adjust-head", test_adjust_head);
	g_test_add_func("/interp/engine/adjust-tail", test_adjust_tail);
	g_test_add_func("/interp/engine/adjust-meta", test_adjust_meta);
	g_test_add_func("/interp/call-ret", test_call_ret);
	g_test_add_func("/interp/call-overflow", test_call_overflow);
	g_test_add_func("/interp/ret-underflow", test_ret_underflow);
	g_test_add_func("/interp/csr", test_csr);
	g_test_add_func("/interp/pkt-setup", test_pkt_setup);
	g_test_add_func("/interp/budget", test_budget);
	g_test_add_func("/interp/counters", test_counters);
	g_test_add_func("/interp/costs", test_costs);
	g_test_add_func("/interp/model-pps", test_model_pps);
	return g_test_run();
}
