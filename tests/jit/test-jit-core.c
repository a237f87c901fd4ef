// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-jit-core.c - the JIT per eBPF instruction class, run on the
 * microcode interpreter, checked against eBPF semantics computed here
 * in C, with every optimisation set (all on, all off, all but one).
 */
#include <errno.h>
#include <string.h>
#include "jit-test-util.h"

static const uint64_t vals[] = {
	0, 1, 2, 5, 31, 32, 63, 64, 0x7fffffff, 0x80000000, 0xffffffff,
	0x100000000ull, 1ull << 63, 0x123456789abcdef0ull,
	0xfffffffe00000001ull, (uint64_t)-1, (uint64_t)-5,
};
#define NVALS (sizeof(vals) / sizeof(vals[0]))

static const int32_t kvals[] = {
	0, 1, -1, 2, 5, -5, 31, 32, 63, 0x7fffffff, INT32_MIN, 0x12345,
};
#define NKVALS (sizeof(kvals) / sizeof(kvals[0]))

/* ---- expected eBPF semantics ------------------------------------- */

static uint64_t ref_alu(bool is64, uint8_t op, uint64_t a, uint64_t b)
{
	if (!is64) {
		uint32_t x = a, y = b;

		switch (op) {
		case NFPE_BPF_ADD: return (uint32_t)(x + y);
		case NFPE_BPF_SUB: return (uint32_t)(x - y);
		case NFPE_BPF_MUL: return (uint32_t)(x * y);
		case NFPE_BPF_DIV: return y ? x / y : 0;
		case NFPE_BPF_MOD: return y ? x % y : x;
		case NFPE_BPF_OR: return x | y;
		case NFPE_BPF_AND: return x & y;
		case NFPE_BPF_XOR: return x ^ y;
		case NFPE_BPF_LSH: return (uint32_t)(x << (y & 31));
		case NFPE_BPF_RSH: return x >> (y & 31);
		case NFPE_BPF_ARSH: return (uint32_t)((int32_t)x >> (y & 31));
		case NFPE_BPF_MOV: return y;
		case NFPE_BPF_NEG: return (uint32_t)-x;
		}
		g_assert_not_reached();
	}
	switch (op) {
	case NFPE_BPF_ADD: return a + b;
	case NFPE_BPF_SUB: return a - b;
	case NFPE_BPF_MUL: return a * b;
	case NFPE_BPF_DIV: return b ? a / b : 0;
	case NFPE_BPF_MOD: return b ? a % b : a;
	case NFPE_BPF_OR: return a | b;
	case NFPE_BPF_AND: return a & b;
	case NFPE_BPF_XOR: return a ^ b;
	case NFPE_BPF_LSH: return a << (b & 63);
	case NFPE_BPF_RSH: return a >> (b & 63);
	case NFPE_BPF_ARSH: return (uint64_t)((int64_t)a >> (b & 63));
	case NFPE_BPF_MOV: return b;
	case NFPE_BPF_NEG: return -a;
	}
	g_assert_not_reached();
}

static bool ref_jmp(bool is64, uint8_t op, uint64_t a, uint64_t b)
{
	if (!is64) {
		uint32_t x = a, y = b;

		switch (op) {
		case NFPE_BPF_JEQ: return x == y;
		case NFPE_BPF_JNE: return x != y;
		case NFPE_BPF_JSET: return x & y;
		case NFPE_BPF_JGT: return x > y;
		case NFPE_BPF_JGE: return x >= y;
		case NFPE_BPF_JLT: return x < y;
		case NFPE_BPF_JLE: return x <= y;
		case NFPE_BPF_JSGT: return (int32_t)x > (int32_t)y;
		case NFPE_BPF_JSGE: return (int32_t)x >= (int32_t)y;
		case NFPE_BPF_JSLT: return (int32_t)x < (int32_t)y;
		case NFPE_BPF_JSLE: return (int32_t)x <= (int32_t)y;
		}
		g_assert_not_reached();
	}
	switch (op) {
	case NFPE_BPF_JEQ: return a == b;
	case NFPE_BPF_JNE: return a != b;
	case NFPE_BPF_JSET: return (a & b) != 0;
	case NFPE_BPF_JGT: return a > b;
	case NFPE_BPF_JGE: return a >= b;
	case NFPE_BPF_JLT: return a < b;
	case NFPE_BPF_JLE: return a <= b;
	case NFPE_BPF_JSGT: return (int64_t)a > (int64_t)b;
	case NFPE_BPF_JSGE: return (int64_t)a >= (int64_t)b;
	case NFPE_BPF_JSLT: return (int64_t)a < (int64_t)b;
	case NFPE_BPF_JSLE: return (int64_t)a <= (int64_t)b;
	}
	g_assert_not_reached();
}

/*
 * Operand variants: where the two operands come from, which decides
 * what the analyses know about them.
 */
enum variant {
	V_PKT64,	/* both loaded as u64 from the packet: unknown */
	V_PKT32,	/* both loaded as u32: high halves known zero */
	V_DST32,	/* dst u32, src u64 */
	V_SRC_CONST,	/* src a 64-bit constant: folds into immediates */
	V_BOTH_CONST,	/* everything folds */
	V_PKT8,		/* both u8: narrow shifts */
	V_SMALL,	/* dst u8, src u8 & 7: narrow shifts by register */
	V_NUM,
};

static const char * const variant_name[] = {
	"pkt64", "pkt32", "dst32", "srcconst", "bothconst", "pkt8",
	"small",
};

/*
 * r6 = ctx->data; r2 = A; r3 = B; <body>; r0 = r2 [>> 32]; exit
 * Returns the insn count; body is appended by the caller through *p.
 */
static void load_operands(struct jt_prog *p, enum variant v, uint64_t a,
			  uint64_t b)
{
	p->n = 0;
	p->insns[p->n++] = LDX(NFPE_BPF_W, 6, 1, 0);
	switch (v) {
	case V_PKT64:
		p->insns[p->n++] = LDX(NFPE_BPF_DW, 2, 6, 0);
		p->insns[p->n++] = LDX(NFPE_BPF_DW, 3, 6, 8);
		break;
	case V_PKT32:
		p->insns[p->n++] = LDX(NFPE_BPF_W, 2, 6, 0);
		p->insns[p->n++] = LDX(NFPE_BPF_W, 3, 6, 8);
		break;
	case V_DST32:
		p->insns[p->n++] = LDX(NFPE_BPF_W, 2, 6, 0);
		p->insns[p->n++] = LDX(NFPE_BPF_DW, 3, 6, 8);
		break;
	case V_PKT8:
	case V_SMALL:
		p->insns[p->n++] = LDX(NFPE_BPF_B, 2, 6, 0);
		p->insns[p->n++] = LDX(NFPE_BPF_B, 3, 6, 8);
		if (v == V_SMALL)
			p->insns[p->n++] = ALU64_IMM(NFPE_BPF_AND, 3, 7);
		break;
	case V_SRC_CONST: {
		struct nfpe_bpf_insn ld[] = { LD_IMM64(3, b) };

		p->insns[p->n++] = LDX(NFPE_BPF_DW, 2, 6, 0);
		p->insns[p->n++] = ld[0];
		p->insns[p->n++] = ld[1];
		break;
	}
	default: {
		struct nfpe_bpf_insn la[] = { LD_IMM64(2, a) };
		struct nfpe_bpf_insn lb[] = { LD_IMM64(3, b) };

		p->insns[p->n++] = la[0];
		p->insns[p->n++] = la[1];
		p->insns[p->n++] = lb[0];
		p->insns[p->n++] = lb[1];
		break;
	}
	}
}

static void operand_values(enum variant v, uint64_t *a, uint64_t *b)
{
	if (v == V_PKT32 || v == V_DST32)
		*a = (uint32_t)*a;
	if (v == V_PKT32)
		*b = (uint32_t)*b;
	if (v == V_PKT8 || v == V_SMALL) {
		*a = (uint8_t)*a;
		*b = (uint8_t)*b;
	}
	if (v == V_SMALL)
		*b &= 7;
}

static void frame_of(uint8_t *frame, uint64_t a, uint64_t b)
{
	memset(frame, 0, 64);
	memcpy(frame, &a, 8);
	memcpy(frame + 8, &b, 8);
}

struct alu_case {
	uint8_t op;
	bool is64;
	bool kform;
};

static uint64_t run_result(struct jt_dev *d, struct jt_prog *p, uint32_t opts,
			   const uint8_t *frame, uint64_t *stats_insns)
{
	uint32_t lo, hi;
	uint32_t n = p->n;
	struct nfpe_jit_stats st;

	/* low word */
	p->insns[p->n++] = MOV64_REG(0, 2);
	p->insns[p->n++] = EXIT();
	g_assert_cmpuint(jt_run(d, p, opts, frame, 64, &lo, &st), ==,
			 NFPE_RUN_OK);
	if (stats_insns)
		*stats_insns += st.mc_insns;
	/* high word */
	p->n = n;
	p->insns[p->n++] = MOV64_REG(0, 2);
	p->insns[p->n++] = ALU64_IMM(NFPE_BPF_RSH, 0, 32);
	p->insns[p->n++] = EXIT();
	g_assert_cmpuint(jt_run(d, p, opts, frame, 64, &hi, NULL), ==,
			 NFPE_RUN_OK);
	p->n = n;
	return (uint64_t)hi << 32 | lo;
}

static bool shift_op(uint8_t op)
{
	return op == NFPE_BPF_LSH || op == NFPE_BPF_RSH || op == NFPE_BPF_ARSH;
}

static void test_alu(gconstpointer data)
{
	const struct alu_case *c = data;
	struct jt_dev *d = jt_dev_new();
	struct jt_prog *p = g_new0(struct jt_prog, 1);
	uint8_t frame[64];
	uint64_t insns_all = 0, insns_none = 0, checked = 0;
	size_t ia, ib, o;
	int v;

	for (v = 0; v < V_NUM; v++) {
		if (c->kform && v != V_PKT64 && v != V_PKT32 &&
		    v != V_BOTH_CONST && v != V_PKT8)
			continue;
		for (ia = 0; ia < NVALS; ia++) {
			size_t nb = c->kform ? NKVALS : NVALS;

			for (ib = 0; ib < nb; ib++) {
				uint64_t a = vals[ia];
				uint64_t b = c->kform ?
					     (uint64_t)(int64_t)kvals[ib] :
					     vals[ib];
				uint64_t want;
				struct nfpe_bpf_insn op;
				bool full = ia < 8 || ib < 4 ||
					    ia == NVALS - 1;

				if (c->kform && shift_op(c->op) &&
				    (uint64_t)kvals[ib] >= (c->is64 ? 64u : 32u))
					continue;
				if (c->kform && (c->op == NFPE_BPF_DIV ||
						 c->op == NFPE_BPF_MOD) &&
				    !kvals[ib])
					continue;
				operand_values(v, &a, &b);
				if (c->kform)
					b = (uint64_t)(int64_t)kvals[ib];
				want = ref_alu(c->is64, c->op, a, b);
				load_operands(p, v, a, b);
				if (c->kform)
					op = I((c->is64 ? NFPE_BPF_ALU64 :
						NFPE_BPF_ALU) | c->op |
					       NFPE_BPF_K, 2, 0, 0, kvals[ib]);
				else
					op = I((c->is64 ? NFPE_BPF_ALU64 :
						NFPE_BPF_ALU) | c->op |
					       NFPE_BPF_X, 2, 3, 0, 0);
				p->insns[p->n++] = op;
				frame_of(frame, a, b);
				for (o = 0; o < (full ? NOPT_SETS : 2); o++) {
					uint64_t got = run_result(d, p,
						jt_opt_sets[o], frame,
						o == 0 ? &insns_all :
						o == 1 ? &insns_none : NULL);

					if (got != want)
						g_error("%s %s op 0x%x a=0x%llx b=0x%llx opts 0x%x: got 0x%llx want 0x%llx",
							variant_name[v],
							c->is64 ? "alu64" :
							"alu32", c->op,
							(unsigned long long)a,
							(unsigned long long)b,
							jt_opt_sets[o],
							(unsigned long long)got,
							(unsigned long long)want);
					checked++;
				}
			}
		}
	}
	g_test_message("%llu results checked; microcode insns all-opts %llu, no-opts %llu",
		       (unsigned long long)checked,
		       (unsigned long long)insns_all,
		       (unsigned long long)insns_none);
	g_assert_cmpuint(insns_all, <=, insns_none);
	g_free(p);
	jt_dev_free(d);
}

/* NEG and END: unary, on r2 */
static void test_unary(void)
{
	struct jt_dev *d = jt_dev_new();
	struct jt_prog *p = g_new0(struct jt_prog, 1);
	uint8_t frame[64];
	static const struct {
		uint8_t code;
		int32_t imm;
	} ops[] = {
		{ NFPE_BPF_ALU64 | NFPE_BPF_NEG, 0 },
		{ NFPE_BPF_ALU | NFPE_BPF_NEG, 0 },
		{ NFPE_BPF_ALU | NFPE_BPF_END | NFPE_BPF_TO_LE, 16 },
		{ NFPE_BPF_ALU | NFPE_BPF_END | NFPE_BPF_TO_LE, 32 },
		{ NFPE_BPF_ALU | NFPE_BPF_END | NFPE_BPF_TO_LE, 64 },
		{ NFPE_BPF_ALU | NFPE_BPF_END | NFPE_BPF_TO_BE, 16 },
		{ NFPE_BPF_ALU | NFPE_BPF_END | NFPE_BPF_TO_BE, 32 },
		{ NFPE_BPF_ALU | NFPE_BPF_END | NFPE_BPF_TO_BE, 64 },
	};
	size_t k, ia, o;
	int v;

	for (k = 0; k < G_N_ELEMENTS(ops); k++) {
		for (v = 0; v < V_NUM; v++) {
			for (ia = 0; ia < NVALS; ia++) {
				uint64_t a = vals[ia], b = 0, want;

				operand_values(v, &a, &b);
				if ((ops[k].code & 0xf0) == NFPE_BPF_NEG)
					want = ref_alu(NFPE_BPF_CLASS(ops[k].code) ==
						       NFPE_BPF_ALU64,
						       NFPE_BPF_NEG, a, 0);
				else if (ops[k].code & NFPE_BPF_TO_BE)
					want = ops[k].imm == 16 ?
					       __builtin_bswap16(a) :
					       ops[k].imm == 32 ?
					       __builtin_bswap32(a) :
					       __builtin_bswap64(a);
				else
					want = ops[k].imm == 16 ? (uint16_t)a :
					       ops[k].imm == 32 ? (uint32_t)a :
					       a;
				load_operands(p, v, a, b);
				p->insns[p->n++] = I(ops[k].code, 2, 0, 0,
						     ops[k].imm);
				frame_of(frame, a, b);
				for (o = 0; o < NOPT_SETS; o++) {
					uint64_t got = run_result(d, p,
						jt_opt_sets[o], frame, NULL);

					if (got != want)
						g_error("%s unary 0x%x/%d a=0x%llx opts 0x%x: got 0x%llx want 0x%llx",
							variant_name[v], ops[k].code, ops[k].imm,
							(unsigned long long)a,
							jt_opt_sets[o],
							(unsigned long long)got,
							(unsigned long long)want);
				}
			}
		}
	}
	g_free(p);
	jt_dev_free(d);
}

struct jmp_case {
	uint8_t op;
	bool is64;
	bool kform;
};

static void test_jmp(gconstpointer data)
{
	const struct jmp_case *c = data;
	struct jt_dev *d = jt_dev_new();
	struct jt_prog *p = g_new0(struct jt_prog, 1);
	uint8_t frame[64];
	size_t ia, ib, o;
	int v;

	for (v = 0; v < V_NUM; v++) {
		if (c->kform && v != V_PKT64 && v != V_PKT32 &&
		    v != V_BOTH_CONST)
			continue;
		for (ia = 0; ia < NVALS; ia++) {
			size_t nb = c->kform ? NKVALS : NVALS;

			for (ib = 0; ib < nb; ib++) {
				uint64_t a = vals[ia], b;
				bool want;
				uint32_t got;
				uint8_t cls = c->is64 ? NFPE_BPF_JMP :
					      NFPE_BPF_JMP32;

				b = c->kform ? (uint64_t)(int64_t)kvals[ib] :
				    vals[ib];
				operand_values(v, &a, &b);
				if (c->kform)
					b = (uint64_t)(int64_t)kvals[ib];
				want = ref_jmp(c->is64, c->op, a, b);
				load_operands(p, v, a, b);
				if (c->kform)
					p->insns[p->n++] = I(cls | c->op |
						NFPE_BPF_K, 2, 0, 2, kvals[ib]);
				else
					p->insns[p->n++] = I(cls | c->op |
						NFPE_BPF_X, 2, 3, 2, 0);
				p->insns[p->n++] = MOV64_IMM(0, 0);
				p->insns[p->n++] = EXIT();
				p->insns[p->n++] = MOV64_IMM(0, 1);
				p->insns[p->n++] = EXIT();
				frame_of(frame, a, b);
				for (o = 0; o < NOPT_SETS; o++) {
					g_assert_cmpuint(jt_run(d, p,
						jt_opt_sets[o], frame, 64,
						&got, NULL), ==, NFPE_RUN_OK);
					if (got != want)
						g_error("%s jmp%s op 0x%x a=0x%llx b=0x%llx opts 0x%x: got %u want %u",
							variant_name[v],
							c->is64 ? "" : "32",
							c->op,
							(unsigned long long)a,
							(unsigned long long)b,
							jt_opt_sets[o], got,
							want);
				}
			}
		}
	}
	g_free(p);
	jt_dev_free(d);
}

/* ---- memory, context, helpers, calls ----------------------------- */

#define PROG(p, ...) do {						\
		const struct nfpe_bpf_insn _i[] = { __VA_ARGS__ };	\
		memcpy((p)->insns, _i, sizeof(_i));			\
		(p)->n = G_N_ELEMENTS(_i);				\
	} while (0)

static uint8_t test_frame[128];

static void init_frame(void)
{
	size_t k;

	for (k = 0; k < sizeof(test_frame); k++)
		test_frame[k] = (uint8_t)(k * 7 + 3);
	test_frame[12] = 0x08;	/* IPv4 ethertype */
	test_frame[13] = 0x00;
}

/* Run p with every optimisation set; all must return want. */
static void expect_all(struct jt_dev *d, struct jt_prog *p, uint32_t want)
{
	size_t o;
	uint32_t got;

	for (o = 0; o < NOPT_SETS; o++) {
		g_assert_cmpuint(jt_run(d, p, jt_opt_sets[o], test_frame,
					sizeof(test_frame), &got, NULL), ==,
				 NFPE_RUN_OK);
		if (got != want)
			g_error("opts 0x%x: got 0x%x want 0x%x", jt_opt_sets[o],
				got, want);
	}
}

static uint64_t frame64(uint32_t off)
{
	uint64_t v;

	memcpy(&v, test_frame + off, 8);
	return v;
}

static void test_stack(void)
{
	struct jt_dev *d = jt_dev_new();
	struct jt_prog *p = g_new0(struct jt_prog, 1);
	static const uint8_t sz[] = { NFPE_BPF_B, NFPE_BPF_H, NFPE_BPF_W,
				      NFPE_BPF_DW };
	static const uint64_t mask[] = { 0xff, 0xffff, 0xffffffff, ~0ull };
	uint64_t a = frame64(16), b = frame64(24);
	size_t k;

	for (k = 0; k < 4; k++) {
		/* STX then LDX of each size, low and high words */
		PROG(p, LDX(NFPE_BPF_W, 6, 1, 0), LDX(NFPE_BPF_DW, 2, 6, 16),
		     ST(NFPE_BPF_DW, 10, -16, -1),
		     STX(sz[k], 10, 2, -16), LDX(sz[k], 0, 10, -16), EXIT());
		expect_all(d, p, (uint32_t)(a & mask[k]));
		PROG(p, LDX(NFPE_BPF_W, 6, 1, 0), LDX(NFPE_BPF_DW, 2, 6, 16),
		     STX(sz[k], 10, 2, -16), LDX(sz[k], 0, 10, -16),
		     ALU64_IMM(NFPE_BPF_RSH, 0, 32), EXIT());
		expect_all(d, p, (uint32_t)((a & mask[k]) >> 32));
		/* ST immediate (sign-extended for DW) */
		PROG(p, ST(sz[k], 10, -8, -2), LDX(sz[k], 0, 10, -8),
		     ALU64_IMM(NFPE_BPF_RSH, 0, k == 3 ? 32 : 0), EXIT());
		expect_all(d, p, k == 3 ? 0xffffffffu :
			   (uint32_t)(0xfffffffeu & mask[k]));
		PROG(p, ST(NFPE_BPF_DW, 10, -8, -1), ST(sz[k], 10, -8, 0),
		     LDX(NFPE_BPF_DW, 0, 10, -8), EXIT());
		expect_all(d, p, (uint32_t)~mask[k]);
	}
	/* atomic add on the stack, 32 and 64 bits */
	PROG(p, LDX(NFPE_BPF_W, 6, 1, 0), LDX(NFPE_BPF_DW, 2, 6, 16),
	     LDX(NFPE_BPF_DW, 3, 6, 24), STX(NFPE_BPF_DW, 10, 2, -8),
	     AADD(NFPE_BPF_DW, 10, 3, -8), LDX(NFPE_BPF_DW, 0, 10, -8),
	     ALU64_IMM(NFPE_BPF_RSH, 0, 32), EXIT());
	expect_all(d, p, (uint32_t)((a + b) >> 32));
	PROG(p, LDX(NFPE_BPF_W, 6, 1, 0), LDX(NFPE_BPF_DW, 2, 6, 16),
	     LDX(NFPE_BPF_DW, 3, 6, 24), STX(NFPE_BPF_DW, 10, 2, -8),
	     AADD(NFPE_BPF_W, 10, 3, -8), LDX(NFPE_BPF_DW, 0, 10, -8),
	     EXIT());
	expect_all(d, p, (uint32_t)a + (uint32_t)b);
	/* a stack pointer in another register, spilled and reloaded */
	PROG(p, MOV64_REG(2, 10), ALU64_IMM(NFPE_BPF_ADD, 2, -24),
	     STX(NFPE_BPF_DW, 10, 2, -8), ST(NFPE_BPF_W, 2, 4, 77),
	     LDX(NFPE_BPF_DW, 3, 10, -8), LDX(NFPE_BPF_W, 0, 3, 4), EXIT());
	expect_all(d, p, 77);
	g_free(p);
	jt_dev_free(d);
}

static void test_packet(void)
{
	struct jt_dev *d = jt_dev_new();
	struct jt_prog *p = g_new0(struct jt_prog, 1);
	static const uint8_t sz[] = { NFPE_BPF_B, NFPE_BPF_H, NFPE_BPF_W,
				      NFPE_BPF_DW };
	size_t k, o;
	uint32_t got;

	for (k = 0; k < 4; k++) {
		uint64_t m = k == 3 ? ~0ull : (1ull << (8u << k)) - 1;

		PROG(p, LDX(NFPE_BPF_W, 6, 1, 0), LDX(sz[k], 0, 6, 33),
		     EXIT());
		expect_all(d, p, (uint32_t)(frame64(33) & m));
		/* store A's bytes at 40 */
		PROG(p, LDX(NFPE_BPF_W, 6, 1, 0), LDX(NFPE_BPF_DW, 2, 6, 16),
		     STX(sz[k], 6, 2, 40), MOV64_IMM(0, 2), EXIT());
		for (o = 0; o < NOPT_SETS; o++) {
			uint8_t *pk;

			g_assert_cmpuint(jt_run(d, p, jt_opt_sets[o],
						test_frame, sizeof(test_frame),
						&got, NULL), ==, NFPE_RUN_OK);
			pk = d->t->pkt + d->t->csr[NFPE_CSR_PKT_DATA];
			g_assert_cmpmem(pk + 40, 1u << k, test_frame + 16,
					1u << k);
			g_assert_cmpmem(pk + 40 + (1u << k), 8,
					test_frame + 40 + (1u << k), 8);
		}
	}
	/* the byte-assembly idiom the packet-load combiner merges */
	PROG(p, LDX(NFPE_BPF_W, 6, 1, 0), LDX(NFPE_BPF_B, 2, 6, 12),
	     LDX(NFPE_BPF_B, 0, 6, 13), ALU64_IMM(NFPE_BPF_LSH, 0, 8),
	     ALU64_REG(NFPE_BPF_OR, 0, 2), EXIT());
	expect_all(d, p, test_frame[12] | test_frame[13] << 8);
	PROG(p, LDX(NFPE_BPF_W, 6, 1, 0), LDX(NFPE_BPF_B, 2, 6, 20),
	     LDX(NFPE_BPF_B, 0, 6, 21), ALU32_IMM(NFPE_BPF_LSH, 0, 8),
	     ALU32_REG(NFPE_BPF_OR, 0, 2), ALU64_IMM(NFPE_BPF_LSH, 0, 8),
	     ALU64_REG(NFPE_BPF_OR, 0, 2), EXIT());
	expect_all(d, p, ((test_frame[20] | test_frame[21] << 8) << 8) |
		   test_frame[20]);
	g_free(p);
	jt_dev_free(d);
}

/*
 * Run p (r6 = packet data) with every optimisation set: the verdict
 * must be 2 and the packet must become want (128 bytes); with all
 * optimisations, the combiners must have merged ld/st groups and the
 * program must be shorter than without them.
 */
static void expect_pkt(struct jt_dev *d, struct jt_prog *p,
		       const uint8_t *want, uint32_t ld, uint32_t st)
{
	struct nfpe_jit_stats all, none;
	uint32_t got;
	size_t o;

	for (o = 0; o < NOPT_SETS; o++) {
		struct nfpe_jit_stats stt;
		uint8_t *pk;

		g_assert_cmpuint(jt_run(d, p, jt_opt_sets[o], test_frame,
					sizeof(test_frame), &got, &stt), ==,
				 NFPE_RUN_OK);
		g_assert_cmpuint(got, ==, 2);
		pk = d->t->pkt + d->t->csr[NFPE_CSR_PKT_DATA];
		g_assert_cmpmem(pk, sizeof(test_frame), want,
				sizeof(test_frame));
	}
	jt_run(d, p, NFPE_JIT_OPT_ALL, test_frame, sizeof(test_frame), &got,
	       &all);
	jt_run(d, p, NFPE_JIT_OPT_ALL &
	       ~(NFPE_JIT_OPT_PKTLD | NFPE_JIT_OPT_PKTST), test_frame,
	       sizeof(test_frame), &got, &none);
	g_assert_cmpuint(all.pkt_combined, ==, ld);
	g_assert_cmpuint(all.pkt_st_combined, ==, st);
	g_assert_cmpuint(none.pkt_combined + none.pkt_st_combined, ==, 0);
	g_assert_cmpuint(all.mc_insns, <, none.mc_insns);
	g_test_message("%u -> %u microcode insns", none.mc_insns,
		       all.mc_insns);
}

/* the packet-load/store combiners: wider loads, copies, constants */
static void test_packet_combine(void)
{
	struct jt_dev *d = jt_dev_new();
	struct jt_prog *p = g_new0(struct jt_prog, 1);
	uint8_t want[sizeof(test_frame)];
	uint32_t v;

	init_frame();
	/* 4 bytes from two byte pairs, any order; r0 = LE32 at 26 */
	PROG(p, LDX(NFPE_BPF_W, 6, 1, 0), LDX(NFPE_BPF_B, 2, 6, 27),
	     ALU64_IMM(NFPE_BPF_LSH, 2, 8), LDX(NFPE_BPF_B, 3, 6, 26),
	     ALU64_REG(NFPE_BPF_OR, 2, 3), LDX(NFPE_BPF_B, 0, 6, 29),
	     ALU32_IMM(NFPE_BPF_LSH, 0, 8), LDX(NFPE_BPF_B, 3, 6, 28),
	     ALU32_REG(NFPE_BPF_OR, 0, 3), ALU64_IMM(NFPE_BPF_LSH, 0, 16),
	     ALU64_REG(NFPE_BPF_OR, 0, 2), STX(NFPE_BPF_W, 6, 0, 60),
	     MOV64_IMM(0, 2), EXIT());
	memcpy(want, test_frame, sizeof(want));
	memcpy(want + 60, test_frame + 26, 4);
	expect_pkt(d, p, want, 1, 0);
	/* two halfwords */
	PROG(p, LDX(NFPE_BPF_W, 6, 1, 0), LDX(NFPE_BPF_H, 2, 6, 30),
	     LDX(NFPE_BPF_H, 0, 6, 32), ALU64_IMM(NFPE_BPF_LSH, 0, 16),
	     ALU64_REG(NFPE_BPF_OR, 0, 2), STX(NFPE_BPF_W, 6, 0, 60),
	     MOV64_IMM(0, 2), EXIT());
	memcpy(want, test_frame, sizeof(want));
	memcpy(want + 60, test_frame + 30, 4);
	expect_pkt(d, p, want, 1, 0);
	/* MAC copy as clang writes it: 6 byte pairs -> 32 + 16 bits */
	PROG(p, LDX(NFPE_BPF_W, 6, 1, 0),
	     LDX(NFPE_BPF_B, 2, 6, 8), STX(NFPE_BPF_B, 6, 2, 2),
	     LDX(NFPE_BPF_B, 2, 6, 9), STX(NFPE_BPF_B, 6, 2, 3),
	     LDX(NFPE_BPF_B, 2, 6, 6), STX(NFPE_BPF_B, 6, 2, 0),
	     LDX(NFPE_BPF_B, 2, 6, 7), STX(NFPE_BPF_B, 6, 2, 1),
	     LDX(NFPE_BPF_B, 2, 6, 10), STX(NFPE_BPF_B, 6, 2, 4),
	     LDX(NFPE_BPF_B, 2, 6, 11), STX(NFPE_BPF_B, 6, 2, 5),
	     MOV64_IMM(0, 2), EXIT());
	memcpy(want, test_frame, sizeof(want));
	memmove(want, test_frame + 6, 6);
	expect_pkt(d, p, want, 0, 2);
	/* 8 bytes as four halfword pairs, then an overlapping byte move
	 * (src 70-71, dst 69-70: order matters, not merged) */
	PROG(p, LDX(NFPE_BPF_W, 6, 1, 0),
	     LDX(NFPE_BPF_H, 3, 6, 40), STX(NFPE_BPF_H, 6, 3, 50),
	     LDX(NFPE_BPF_H, 3, 6, 42), STX(NFPE_BPF_H, 6, 3, 52),
	     LDX(NFPE_BPF_H, 3, 6, 44), STX(NFPE_BPF_H, 6, 3, 54),
	     LDX(NFPE_BPF_H, 3, 6, 46), STX(NFPE_BPF_H, 6, 3, 56),
	     LDX(NFPE_BPF_B, 2, 6, 70), STX(NFPE_BPF_B, 6, 2, 69),
	     LDX(NFPE_BPF_B, 2, 6, 71), STX(NFPE_BPF_B, 6, 2, 70),
	     MOV64_IMM(0, 2), EXIT());
	memcpy(want, test_frame, sizeof(want));
	memcpy(want + 50, test_frame + 40, 8);
	want[69] = test_frame[70];
	want[70] = test_frame[71];
	expect_pkt(d, p, want, 0, 1);
	/* constant stores: bytes via a register, a halfword, two words */
	PROG(p, LDX(NFPE_BPF_W, 6, 1, 0),
	     MOV64_IMM(2, 0x88), STX(NFPE_BPF_B, 6, 2, 12),
	     MOV64_IMM(2, 0xb5), STX(NFPE_BPF_B, 6, 2, 13),
	     ST(NFPE_BPF_H, 6, 14, 0x1234),
	     ST(NFPE_BPF_W, 6, 84, -2), ST(NFPE_BPF_W, 6, 80, 0x01020304),
	     MOV64_IMM(0, 2), EXIT());
	memcpy(want, test_frame, sizeof(want));
	want[12] = 0x88;
	want[13] = 0xb5;
	want[14] = 0x34;
	want[15] = 0x12;
	v = 0x01020304;
	memcpy(want + 80, &v, 4);
	v = 0xfffffffe;
	memcpy(want + 84, &v, 4);
	expect_pkt(d, p, want, 0, 2);
	g_free(p);
	jt_dev_free(d);
}

static void test_map(void)
{
	struct jt_dev *d = jt_dev_new();
	struct jt_prog *p = g_new0(struct jt_prog, 1);
	uint32_t arr = jt_dev_map(d, NFPE_BPF_MAP_ARRAY, 4, 16, 4);
	uint32_t hash = jt_dev_map(d, NFPE_BPF_MAP_HASH, 8, 8, 16);
	uint64_t a = frame64(16), b = frame64(24), v[2], hv;
	uint32_t key = 2;
	uint64_t hkey;
	size_t o;
	uint32_t got;

	/* array: lookup, store, atomic adds, load back */
	PROG(p, LDX(NFPE_BPF_W, 6, 1, 0), LDX(NFPE_BPF_DW, 7, 6, 16),
	     LDX(NFPE_BPF_DW, 8, 6, 24), ST(NFPE_BPF_W, 10, -4, 2),
	     MOV64_REG(2, 10), ALU64_IMM(NFPE_BPF_ADD, 2, -4),
	     LD_MAP(1, arr), CALL_HELPER(NFPE_BPF_FUNC_map_lookup_elem),
	     JMP_IMM(NFPE_BPF_JNE, 0, 0, 2), MOV64_IMM(0, 99), EXIT(),
	     STX(NFPE_BPF_DW, 0, 7, 0), AADD(NFPE_BPF_DW, 0, 8, 0),
	     ST(NFPE_BPF_DW, 0, 8, 0), AADD(NFPE_BPF_W, 0, 8, 8),
	     AADD(NFPE_BPF_W, 0, 8, 12),
	     LDX(NFPE_BPF_W, 0, 0, 8), EXIT());
	for (o = 0; o < NOPT_SETS; o++) {
		g_assert_cmpuint(jt_run(d, p, jt_opt_sets[o], test_frame,
					sizeof(test_frame), &got, NULL), ==,
				 NFPE_RUN_OK);
		g_assert_cmpuint(got, ==, (uint32_t)b);
		g_assert_cmpint(nfpe_map_lookup(d->maps, d->map_ids[arr], &key,
						v), ==, 0);
		g_assert_cmphex(v[0], ==, a + b);
		g_assert_cmphex(v[1], ==, (uint64_t)(uint32_t)b << 32 |
				(uint32_t)b);
	}
	/* hash: update from the program (key and value on the stack) */
	PROG(p, LDX(NFPE_BPF_W, 6, 1, 0), LDX(NFPE_BPF_DW, 7, 6, 16),
	     STX(NFPE_BPF_DW, 10, 7, -8), LDX(NFPE_BPF_DW, 7, 6, 24),
	     STX(NFPE_BPF_DW, 10, 7, -16),
	     MOV64_REG(2, 10), ALU64_IMM(NFPE_BPF_ADD, 2, -8),
	     MOV64_REG(3, 10), ALU64_IMM(NFPE_BPF_ADD, 3, -16),
	     MOV64_IMM(4, 0), LD_MAP(1, hash),
	     CALL_HELPER(NFPE_BPF_FUNC_map_update_elem), EXIT());
	for (o = 0; o < NOPT_SETS; o++) {
		hkey = a;
		nfpe_map_delete(d->maps, d->map_ids[hash], &hkey);
		g_assert_cmpuint(jt_run(d, p, jt_opt_sets[o], test_frame,
					sizeof(test_frame), &got, NULL), ==,
				 NFPE_RUN_OK);
		g_assert_cmpuint(got, ==, 0);
		g_assert_cmpint(nfpe_map_lookup(d->maps, d->map_ids[hash],
						&hkey, &hv), ==, 0);
		g_assert_cmphex(hv, ==, b);
	}
	/* hash: delete with the key in the packet; result -ENOENT second */
	PROG(p, LDX(NFPE_BPF_W, 2, 1, 0), ALU64_IMM(NFPE_BPF_ADD, 2, 16),
	     LD_MAP(1, hash), CALL_HELPER(NFPE_BPF_FUNC_map_delete_elem),
	     EXIT());
	g_assert_cmpuint(jt_run(d, p, NFPE_JIT_OPT_ALL, test_frame,
				sizeof(test_frame), &got, NULL), ==,
			 NFPE_RUN_OK);
	g_assert_cmpint((int32_t)got, ==, 0);
	g_assert_cmpuint(jt_run(d, p, 0, test_frame, sizeof(test_frame),
				&got, NULL), ==, NFPE_RUN_OK);
	g_assert_cmpint((int32_t)got, ==, -NFPE_ENOENT);
	g_free(p);
	jt_dev_free(d);
}

static void test_ctx(void)
{
	struct jt_dev *d = jt_dev_new();
	struct jt_prog *p = g_new0(struct jt_prog, 1);
	size_t o;
	uint32_t got;

	/* XDP: data_end - data, data_meta, ifindex, queue */
	PROG(p, LDX(NFPE_BPF_W, 2, 1, 0), LDX(NFPE_BPF_W, 0, 1, 4),
	     ALU64_REG(NFPE_BPF_SUB, 0, 2), EXIT());
	expect_all(d, p, sizeof(test_frame));
	PROG(p, LDX(NFPE_BPF_W, 2, 1, 0), LDX(NFPE_BPF_W, 0, 1, 8),
	     ALU64_REG(NFPE_BPF_SUB, 0, 2), EXIT());
	expect_all(d, p, 0);
	PROG(p, LDX(NFPE_BPF_W, 0, 1, 16), LDX(NFPE_BPF_W, 2, 1, 12),
	     ALU64_REG(NFPE_BPF_ADD, 0, 2), EXIT());
	for (o = 0; o < NOPT_SETS; o++) {
		jt_run(d, p, jt_opt_sets[o], test_frame, sizeof(test_frame),
		       &got, NULL);
		g_assert_cmpuint(got, ==, d->t->csr[NFPE_CSR_QUEUE] +
				 d->t->csr[NFPE_CSR_IFINDEX]);
	}
	/* tc: len, protocol, mark/priority/tc_index written and read */
	p->type = NFPE_PROG_TC;
	PROG(p, LDX(NFPE_BPF_W, 0, 1, 0), EXIT());
	p->type = NFPE_PROG_TC;
	expect_all(d, p, sizeof(test_frame));
	PROG(p, LDX(NFPE_BPF_W, 6, 1, 16), ST(NFPE_BPF_W, 1, 8, 0x1234),
	     MOV64_IMM(2, 5), STX(NFPE_BPF_W, 1, 2, 32),
	     STX(NFPE_BPF_W, 1, 2, 44), LDX(NFPE_BPF_W, 0, 1, 8),
	     LDX(NFPE_BPF_W, 3, 1, 32), ALU64_REG(NFPE_BPF_ADD, 0, 3),
	     LDX(NFPE_BPF_H, 3, 1, 44), ALU64_REG(NFPE_BPF_ADD, 0, 3),
	     EXIT());
	p->type = NFPE_PROG_TC;
	for (o = 0; o < NOPT_SETS; o++) {
		jt_run(d, p, jt_opt_sets[o], test_frame, sizeof(test_frame),
		       &got, NULL);
		g_assert_cmpuint(got, ==, 0x1234 + 10);
		g_assert_cmpuint(d->t->csr[NFPE_CSR_MARK], ==, 0x1234);
		g_assert_cmpuint(d->t->csr[NFPE_CSR_PRIORITY], ==, 5);
	}
	/* narrow load of the protocol field's low byte */
	PROG(p, LDX(NFPE_BPF_B, 0, 1, 16), EXIT());
	p->type = NFPE_PROG_TC;
	for (o = 0; o < NOPT_SETS; o++) {
		jt_run(d, p, jt_opt_sets[o], test_frame, sizeof(test_frame),
		       &got, NULL);
		g_assert_cmpuint(got, ==,
				 d->t->csr[NFPE_CSR_PROTOCOL] & 0xff);
	}
	/* LD_ABS / LD_IND: network order, out of bounds ends with 0 */
	PROG(p, MOV64_REG(6, 1), LD_ABS(NFPE_BPF_H, 12), EXIT());
	p->type = NFPE_PROG_TC;
	expect_all(d, p, 0x0800);
	PROG(p, MOV64_REG(6, 1), MOV64_IMM(7, 10), LD_IND(NFPE_BPF_W, 7, 6),
	     EXIT());
	p->type = NFPE_PROG_TC;
	expect_all(d, p, (uint32_t)test_frame[16] << 24 |
		   test_frame[17] << 16 | test_frame[18] << 8 |
		   test_frame[19]);
	PROG(p, MOV64_REG(6, 1), LD_ABS(NFPE_BPF_W, 126), MOV64_IMM(0, 7),
	     EXIT());
	p->type = NFPE_PROG_TC;
	expect_all(d, p, 0);
	g_free(p);
	jt_dev_free(d);
}

static void test_helpers(void)
{
	struct jt_dev *d = jt_dev_new();
	struct jt_prog *p = g_new0(struct jt_prog, 1);

	PROG(p, CALL_HELPER(NFPE_BPF_FUNC_get_prandom_u32), EXIT());
	expect_all(d, p, 0xdeadbeef);
	PROG(p, CALL_HELPER(NFPE_BPF_FUNC_ktime_get_ns),
	     ALU64_IMM(NFPE_BPF_RSH, 0, 32), EXIT());
	expect_all(d, p, (uint32_t)(d->ktime >> 32));
	/* adjust_head(-14): length grows by 14 */
	PROG(p, MOV64_REG(6, 1), MOV64_IMM(2, -14),
	     CALL_HELPER(NFPE_BPF_FUNC_xdp_adjust_head),
	     JMP_IMM(NFPE_BPF_JNE, 0, 0, 4),
	     LDX(NFPE_BPF_W, 2, 6, 0), LDX(NFPE_BPF_W, 0, 6, 4),
	     ALU64_REG(NFPE_BPF_SUB, 0, 2), EXIT(),
	     MOV64_IMM(0, 1000), EXIT());
	expect_all(d, p, sizeof(test_frame) + 14);
	/* adjust_tail(-4) */
	PROG(p, MOV64_REG(6, 1), MOV64_IMM(2, -4),
	     CALL_HELPER(NFPE_BPF_FUNC_xdp_adjust_tail),
	     JMP_IMM(NFPE_BPF_JNE, 0, 0, 4),
	     LDX(NFPE_BPF_W, 2, 6, 0), LDX(NFPE_BPF_W, 0, 6, 4),
	     ALU64_REG(NFPE_BPF_SUB, 0, 2), EXIT(),
	     MOV64_IMM(0, 1000), EXIT());
	expect_all(d, p, sizeof(test_frame) - 4);
	/* adjust_meta(-8): 8 bytes of metadata before data */
	PROG(p, MOV64_REG(6, 1), MOV64_IMM(2, -8),
	     CALL_HELPER(NFPE_BPF_FUNC_xdp_adjust_meta),
	     JMP_IMM(NFPE_BPF_JNE, 0, 0, 4),
	     LDX(NFPE_BPF_W, 2, 6, 8), LDX(NFPE_BPF_W, 0, 6, 0),
	     ALU64_REG(NFPE_BPF_SUB, 0, 2), EXIT(),
	     MOV64_IMM(0, 1000), EXIT());
	expect_all(d, p, 8);
	/* an impossible adjust_head fails with -EINVAL, sign-extended */
	PROG(p, MOV64_IMM(2, 100000),
	     CALL_HELPER(NFPE_BPF_FUNC_xdp_adjust_head),
	     ALU64_IMM(NFPE_BPF_RSH, 0, 32), EXIT());
	expect_all(d, p, 0xffffffff);
	g_free(p);
	jt_dev_free(d);
}

static void test_calls_loops(void)
{
	struct jt_dev *d = jt_dev_new();
	struct jt_prog *p = g_new0(struct jt_prog, 1);

	/*
	 * The only call is behind a branch that is always taken: the
	 * analysis never enters the subprogram, its code is never compiled
	 * and its entry is a bare ret (found by fuzz-jit-elf: the entry
	 * pointed past the code when the start insn was dead).
	 */
	PROG(p, MOV64_IMM(0, 0), JMP_IMM(NFPE_BPF_JEQ, 0, 0, 1), CALL_SUB(1),
	     EXIT(), MOV64_IMM(3, 1), MOV64_IMM(0, 7), EXIT());
	expect_all(d, p, 0);
	g_assert_false(p->facts[4].flags & NFPE_FACT_SEEN);

	/* callee-saved r6-r9 and the caller's stack survive a call */
	PROG(p, MOV64_IMM(6, 100), MOV64_IMM(7, 7), LD_IMM64(9, 1ull << 40),
	     ST(NFPE_BPF_DW, 10, -8, 11), MOV64_IMM(1, 5),
	     CALL_SUB(7),
	     ALU64_REG(NFPE_BPF_ADD, 0, 6), ALU64_REG(NFPE_BPF_ADD, 0, 7),
	     LDX(NFPE_BPF_DW, 2, 10, -8), ALU64_REG(NFPE_BPF_ADD, 0, 2),
	     ALU64_IMM(NFPE_BPF_RSH, 9, 40), ALU64_REG(NFPE_BPF_ADD, 0, 9),
	     EXIT(),
	     /* sub: clobbers r6, r7, r9 and its own stack, calls sub2 */
	     MOV64_IMM(6, 1000), MOV64_IMM(7, 2000), MOV64_IMM(9, 0),
	     ST(NFPE_BPF_DW, 10, -8, 3000), ALU64_IMM(NFPE_BPF_MUL, 1, 3),
	     CALL_SUB(3), ALU64_REG(NFPE_BPF_ADD, 0, 7),
	     ALU64_REG(NFPE_BPF_SUB, 0, 6), EXIT(),
	     /* sub2: r0 = r1 + 1 + its own stack traffic */
	     ST(NFPE_BPF_DW, 10, -16, 1), LDX(NFPE_BPF_DW, 0, 10, -16),
	     ALU64_REG(NFPE_BPF_ADD, 0, 1), EXIT());
	/* 5*3 + 1 + 2000 - 1000 + 100 + 7 + 11 + 1 */
	expect_all(d, p, 15 + 1 + 1000 + 100 + 7 + 11 + 1);
	/* bounded loop: sum 1..10 */
	PROG(p, MOV64_IMM(0, 0), MOV64_IMM(1, 10),
	     ALU64_REG(NFPE_BPF_ADD, 0, 1), ALU64_IMM(NFPE_BPF_SUB, 1, 1),
	     JMP_IMM(NFPE_BPF_JNE, 1, 0, -3), EXIT());
	expect_all(d, p, 55);
	/* 64-bit constants */
	PROG(p, LD_IMM64(0, 0x1122334455667788ull),
	     ALU64_IMM(NFPE_BPF_RSH, 0, 32), EXIT());
	expect_all(d, p, 0x11223344);
	/* dead and unreachable code */
	PROG(p, MOV64_IMM(3, 9), MOV64_IMM(0, 4), JA(1), MOV64_IMM(0, 5),
	     ALU64_IMM(NFPE_BPF_ADD, 0, 1), EXIT());
	expect_all(d, p, 5);
	g_free(p);
	jt_dev_free(d);
}

/* ---- refusals ------------------------------------------------------ */

static void expect_refusal(struct jt_dev *d, struct jt_prog *p, int rc,
			   const char *msg)
{
	struct nfpe_jit_result res;
	char err[256];

	g_assert_cmpint(jt_analyze(d, p, err, sizeof(err)), ==, 0);
	g_assert_cmpint(jt_jit(d, p, NFPE_JIT_OPT_ALL, &res), ==, rc);
	g_assert_cmpstr(res.msg, ==, msg);
	g_assert_null(res.image);
}

static void test_refusals(void)
{
	struct jt_dev *d = jt_dev_new();
	struct jt_prog *p = g_new0(struct jt_prog, 1);
	uint32_t k;

	PROG(p, MOV64_IMM(0, 0), CALL_HELPER(12), EXIT());
	expect_refusal(d, p, -NFPE_EOPNOTSUPP,
		       "insn 1: tail calls (bpf_tail_call) cannot be offloaded");
	/* JA, CALL and EXIT have no register (X) form: the verifier refuses
	 * them (fuzz-jit-elf found JA|X accepted offline) */
	PROG(p, MOV64_IMM(0, 0), I(NFPE_BPF_JMP | NFPE_BPF_JA | NFPE_BPF_X,
				   0, 0, 0, 0), EXIT());
	expect_refusal(d, p, -NFPE_EINVAL, "insn 1: invalid instruction 0xd");
	PROG(p, MOV64_IMM(0, 0), I(NFPE_BPF_JMP | NFPE_BPF_EXIT | NFPE_BPF_X,
				   0, 0, 0, 0));
	expect_refusal(d, p, -NFPE_EINVAL, "insn 1: invalid instruction 0x9d");
	PROG(p, MOV64_IMM(1, 3), MOV64_IMM(2, 0), CALL_HELPER(23), EXIT());
	expect_refusal(d, p, -NFPE_EOPNOTSUPP,
		       "insn 2: helper bpf_redirect (23) not supported by the device");
	PROG(p, CALL_HELPER(25), EXIT());
	expect_refusal(d, p, -NFPE_EOPNOTSUPP,
		       "insn 0: helper bpf_perf_event_output (25) needs the host and is not supported by the device");
	/* helpers after fib_lookup (69) are named too (6.1's xdp1 sample
	 * calls bpf_xdp_load_bytes): the name table had stopped at 69 */
	PROG(p, MOV64_IMM(2, 0), CALL_HELPER(189), EXIT());
	expect_refusal(d, p, -NFPE_EOPNOTSUPP,
		       "insn 1: helper bpf_xdp_load_bytes (189) not supported by the device");
	PROG(p, CALL_HELPER(209), EXIT());
	expect_refusal(d, p, -NFPE_EOPNOTSUPP,
		       "insn 0: helper bpf_user_ringbuf_drain (209) not supported by the device");
	p->type = NFPE_PROG_TC;
	PROG(p, MOV64_IMM(2, 4), CALL_HELPER(44), EXIT());
	expect_refusal(d, p, -NFPE_EOPNOTSUPP,
		       "insn 1: helper bpf_xdp_adjust_head (44) not supported by the device");
	p->type = 0;
	PROG(p, LDX(NFPE_BPF_W, 0, 1, 20), EXIT());
	expect_refusal(d, p, -NFPE_EOPNOTSUPP,
		       "insn 0: context field at offset 20 not supported by the device");
	PROG(p, ST(NFPE_BPF_W, 1, 0, 1), MOV64_IMM(0, 0), EXIT());
	expect_refusal(d, p, -NFPE_EOPNOTSUPP,
		       "insn 0: write to context field at offset 0 not supported by the device");
	PROG(p, MOV64_IMM(2, 1), STX(NFPE_BPF_DW, 10, 2, -8),
	     I(NFPE_BPF_STX | NFPE_BPF_ATOMIC | NFPE_BPF_DW, 10, 2, -8,
	       NFPE_BPF_ADD | NFPE_BPF_FETCH), MOV64_IMM(0, 0), EXIT());
	expect_refusal(d, p, -NFPE_EOPNOTSUPP,
		       "insn 2: atomic operation 0x1 not supported by the device (only add without fetch)");
	PROG(p, I(NFPE_BPF_LD | NFPE_BPF_IMM | NFPE_BPF_DW, 1,
		  NFPE_BPF_PSEUDO_MAP_VALUE, 0, 0), I(0, 0, 0, 0, 0),
	     MOV64_IMM(0, 0), EXIT());
	expect_refusal(d, p, -NFPE_EOPNOTSUPP,
		       "insn 0: direct map value access (global data) cannot be offloaded");
	/* too big for the code store: 6000 64-bit adds */
	p->n = 0;
	p->insns[p->n++] = MOV64_IMM(0, 0);
	p->insns[p->n++] = EXIT();
	{
		struct nfpe_bpf_insn *big = g_new0(struct nfpe_bpf_insn, 6002);
		struct nfpe_jit_result res;
		struct nfpe_jit_prog jp = { .insns = big, .n_insns = 6002,
			.prog_type = NFPE_PROG_XDP, .opts = 0 };

		big[0] = LDX(NFPE_BPF_DW, 1, 1, 0);
		for (k = 1; k < 6001; k++)
			big[k] = ALU64_REG(NFPE_BPF_ADD, 0, 1);
		big[6001] = EXIT();
		g_assert_cmpint(nfpe_jit_compile(&jt_jalloc, &d->jcaps, &jp,
						 &res), ==, -NFPE_EOPNOTSUPP);
		g_assert_cmpstr(res.msg, ==,
				"insn 0: memory access through a pointer of unknown kind");
		big[0] = MOV64_IMM(1, 0);
		g_assert_cmpint(nfpe_jit_compile(&jt_jalloc, &d->jcaps, &jp,
						 &res), ==, -NFPE_E2BIG);
		g_assert_cmpstr(res.msg, ==,
				"program needs 12005 instructions, code store holds 8192");
		g_free(big);
	}
	/* stack larger than the device's local memory */
	PROG(p, ST(NFPE_BPF_DW, 10, -8, 1), MOV64_IMM(0, 0), EXIT());
	g_assert_cmpint(jt_analyze(d, p, NULL, 0), ==, 0);
	p->depth[0] = 520;
	{
		struct nfpe_jit_result res;

		g_assert_cmpint(jt_jit(d, p, NFPE_JIT_OPT_ALL, &res), ==,
				-NFPE_E2BIG);
		g_assert_cmpstr(res.msg, ==,
				"program needs 520 bytes of stack (incl. call frames), device has 512");
	}
	/* map types */
	{
		struct jt_dev *d2 = jt_dev_new();
		uint32_t s = jt_dev_map(d2, NFPE_BPF_MAP_PERCPU_ARRAY, 4, 8, 1);

		PROG(p, ST(NFPE_BPF_W, 10, -4, 0), MOV64_REG(2, 10),
		     ALU64_IMM(NFPE_BPF_ADD, 2, -4), LD_MAP(1, s),
		     CALL_HELPER(1), MOV64_IMM(0, 0), EXIT());
		p->nsub = 0;
		expect_refusal(d2, p, -NFPE_EOPNOTSUPP,
			       "insn 3: map type PERCPU_ARRAY cannot be offloaded");
		d2->jmaps[s].type = 4;
		p->nsub = 0;
		expect_refusal(d2, p, -NFPE_EOPNOTSUPP,
			       "insn 3: map type PERF_EVENT_ARRAY stays on the host and is only usable by bpf_perf_event_output, which the device cannot run");
		jt_dev_free(d2);
	}
	/* program type */
	{
		struct nfpe_jit_result res;
		struct nfpe_bpf_insn one[] = { MOV64_IMM(0, 0), EXIT() };
		struct nfpe_jit_prog jp = { .insns = one, .n_insns = 2,
			.prog_type = 7 };

		g_assert_cmpint(nfpe_jit_compile(&jt_jalloc, &d->jcaps, &jp,
						 &res), ==, -NFPE_EOPNOTSUPP);
		g_assert_cmpstr(res.msg, ==,
				"program type 7 cannot be offloaded (XDP and cls_bpf only)");
	}
	g_free(p);
	jt_dev_free(d);
}

/* ---- the front end's analysis ------------------------------------ */

static void test_analyze(void)
{
	struct jt_dev *d = jt_dev_new();
	struct jt_prog *p = g_new0(struct jt_prog, 1);
	uint32_t s = jt_dev_map(d, NFPE_BPF_MAP_HASH, 4, 8, 4);
	char err[256];

	/* pointer kinds per access */
	PROG(p, LDX(NFPE_BPF_W, 2, 1, 0), LDX(NFPE_BPF_B, 3, 2, 0),
	     STX(NFPE_BPF_W, 10, 3, -4), MOV64_REG(2, 10),
	     ALU64_IMM(NFPE_BPF_ADD, 2, -4), LD_MAP(1, s), CALL_HELPER(1),
	     JMP_IMM(NFPE_BPF_JEQ, 0, 0, 1), LDX(NFPE_BPF_DW, 0, 0, 0),
	     EXIT());
	g_assert_cmpint(jt_analyze(d, p, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(p->facts[0].ptr, ==, NFPE_PTR_CTX);
	g_assert_cmpuint(p->facts[1].ptr, ==, NFPE_PTR_PKT);
	g_assert_cmpuint(p->facts[2].ptr, ==, NFPE_PTR_STACK);
	g_assert_cmpuint(p->facts[7].arg_ptr[0], ==, NFPE_PTR_STACK);
	g_assert_cmpuint(p->facts[9].ptr, ==, NFPE_PTR_MAP_VALUE);
	g_assert_true(p->facts[9].flags & NFPE_FACT_JMP_TARGET ? false :
		      true);
	g_assert_cmpuint(p->depth[0], ==, 8);
	/* the kind differs between paths: refused */
	PROG(p, LDX(NFPE_BPF_W, 2, 1, 0), MOV64_REG(3, 10),
	     ALU64_IMM(NFPE_BPF_ADD, 3, -8), JMP_IMM(NFPE_BPF_JGT, 2, 5, 1),
	     MOV64_REG(3, 2), LDX(NFPE_BPF_B, 0, 3, 0), EXIT());
	g_assert_cmpint(jt_analyze(d, p, err, sizeof(err)), ==, -EACCES);
	g_assert_cmpstr(err, ==,
			"insn 5: cannot prove the pointer kind of this memory access: r3 is different kinds of value on different paths");
	/* a map value that may be NULL */
	PROG(p, ST(NFPE_BPF_W, 10, -4, 0), MOV64_REG(2, 10),
	     ALU64_IMM(NFPE_BPF_ADD, 2, -4), LD_MAP(1, s), CALL_HELPER(1),
	     LDX(NFPE_BPF_DW, 0, 0, 0), EXIT());
	g_assert_cmpint(jt_analyze(d, p, err, sizeof(err)), ==, -EACCES);
	g_assert_cmpstr(err, ==,
			"insn 6: memory access through r0, a map value pointer that may be NULL");
	/* a scalar used as a pointer */
	PROG(p, MOV64_IMM(2, 64), LDX(NFPE_BPF_B, 0, 2, 0), EXIT());
	g_assert_cmpint(jt_analyze(d, p, err, sizeof(err)), ==, -EACCES);
	g_assert_cmpstr(err, ==,
			"insn 1: cannot prove the pointer kind of this memory access: r2 is a scalar");
	/* a spill survives a call that gets a pointer into another frame
	 * only (test_xdp_noinline's parse_tcp: pckt in r4 across
	 * calc_offset()); a pointer into this frame still clobbers it */
	PROG(p, ST(NFPE_BPF_DW, 10, -8, 0), MOV64_REG(1, 10),
	     ALU64_IMM(NFPE_BPF_ADD, 1, -8), CALL_SUB(1), EXIT(),
	     STX(NFPE_BPF_DW, 10, 1, -8), CALL_SUB(3),
	     LDX(NFPE_BPF_DW, 1, 10, -8), LDX(NFPE_BPF_DW, 0, 1, 0), EXIT(),
	     MOV64_IMM(0, 0), EXIT());
	g_assert_cmpint(jt_analyze(d, p, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(p->facts[8].ptr, ==, NFPE_PTR_STACK);
	PROG(p, ST(NFPE_BPF_DW, 10, -8, 0), MOV64_REG(1, 10),
	     ALU64_IMM(NFPE_BPF_ADD, 1, -8), CALL_SUB(1), EXIT(),
	     STX(NFPE_BPF_DW, 10, 1, -8), MOV64_REG(1, 10),
	     ALU64_IMM(NFPE_BPF_ADD, 1, -8), CALL_SUB(3),
	     LDX(NFPE_BPF_DW, 1, 10, -8), LDX(NFPE_BPF_DW, 0, 1, 0), EXIT(),
	     ST(NFPE_BPF_DW, 1, 0, 0), MOV64_IMM(0, 0), EXIT());
	g_assert_cmpint(jt_analyze(d, p, err, sizeof(err)), ==, -EACCES);
	g_assert_cmpstr(err, ==,
			"insn 10: cannot prove the pointer kind of this memory access: r1 is a scalar");
	/* the callee only reads through the pointer: the spill survives */
	p->insns[12] = LDX(NFPE_BPF_DW, 0, 1, 0);
	g_assert_cmpint(jt_analyze(d, p, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(p->facts[10].ptr, ==, NFPE_PTR_STACK);
	/*
	 * test_xdp_noinline's get_packet_dst(): the callee stores a map
	 * lookup result through a pointer into the caller's frame and
	 * returns 1 if it is not NULL, 0 if it is; the caller reads through
	 * the stored pointer only when the result is 1.  Paths stay apart
	 * (the result and the slot's kind go together) and the caller's
	 * slot gets the kind the callee stored.
	 */
	PROG(p, ST(NFPE_BPF_DW, 10, -8, 0), MOV64_REG(1, 10),
	     ALU64_IMM(NFPE_BPF_ADD, 1, -8), CALL_SUB(5),
	     JMP_IMM(NFPE_BPF_JEQ, 0, 0, 3),
	     LDX(NFPE_BPF_DW, 1, 10, -8), LDX(NFPE_BPF_W, 0, 1, 0), EXIT(),
	     EXIT(),
	     MOV64_REG(6, 1), ST(NFPE_BPF_W, 10, -4, 0), MOV64_REG(2, 10),
	     ALU64_IMM(NFPE_BPF_ADD, 2, -4), LD_MAP(1, s), CALL_HELPER(1),
	     STX(NFPE_BPF_DW, 6, 0, 0), MOV64_IMM(7, 0),
	     JMP_IMM(NFPE_BPF_JEQ, 0, 0, 1), MOV64_IMM(7, 1),
	     MOV64_REG(0, 7), EXIT());
	g_assert_cmpint(jt_analyze(d, p, err, sizeof(err)), ==, 0);
	g_assert_cmpuint(p->facts[6].ptr, ==, NFPE_PTR_MAP_VALUE);
	g_assert_cmpuint(p->facts[16].ptr, ==, NFPE_PTR_STACK);
	/* without the caller's test the slot may still hold NULL */
	p->insns[4] = MOV64_IMM(3, 0);
	g_assert_cmpint(jt_analyze(d, p, err, sizeof(err)), ==, -EACCES);
	g_assert_cmpstr(err, ==,
			"insn 6: cannot prove the pointer kind of this memory access: r1 is a scalar");
	/* malformed input (found by tests/fuzz/fuzz-jit-insns): refused, no
	 * out-of-bounds access of the register state or the facts array */
	PROG(p, ALU64_IMM(NFPE_BPF_ADD, 15, 1), MOV64_IMM(0, 2), EXIT());
	g_assert_cmpint(jt_analyze(d, p, err, sizeof(err)), ==, -EINVAL);
	g_assert_cmpstr(err, ==, "insn 0: invalid register");
	PROG(p, MOV64_IMM(0, 2), MOV64_REG(0, 11), EXIT());
	g_assert_cmpint(jt_analyze(d, p, err, sizeof(err)), ==, -EINVAL);
	g_assert_cmpstr(err, ==, "insn 1: invalid register");
	PROG(p, MOV64_IMM(0, 2), JMP_IMM(NFPE_BPF_JEQ, 0, 2, 3000), EXIT());
	g_assert_cmpint(jt_analyze(d, p, err, sizeof(err)), ==, -EINVAL);
	g_assert_cmpstr(err, ==, "insn 1: jump out of range");
	PROG(p, MOV64_IMM(0, 2), JA(-3000), EXIT());
	g_assert_cmpint(jt_analyze(d, p, err, sizeof(err)), ==, -EINVAL);
	g_assert_cmpstr(err, ==, "insn 1: jump out of range");
	PROG(p, MOV64_IMM(0, 2), I(NFPE_BPF_LD | NFPE_BPF_IMM | NFPE_BPF_DW,
				   1, 0, 0, 1), I(0, 3, 0, 0, 0), EXIT());
	g_assert_cmpint(jt_analyze(d, p, err, sizeof(err)), ==, -EINVAL);
	g_assert_cmpstr(err, ==, "insn 1: bad ld_imm64");
	PROG(p, MOV64_IMM(0, 2), EXIT(), LD_IMM64(1, 1));
	p->n--;		/* truncated: the second half is missing */
	g_assert_cmpint(jt_analyze(d, p, err, sizeof(err)), ==, -EINVAL);
	g_assert_cmpstr(err, ==, "insn 2: bad ld_imm64");
	g_free(p);
	jt_dev_free(d);
}

int main(int argc, char **argv)
{
	static const uint8_t alu_ops[] = {
		NFPE_BPF_ADD, NFPE_BPF_SUB, NFPE_BPF_MUL, NFPE_BPF_DIV,
		NFPE_BPF_MOD, NFPE_BPF_OR, NFPE_BPF_AND, NFPE_BPF_XOR,
		NFPE_BPF_LSH, NFPE_BPF_RSH, NFPE_BPF_ARSH, NFPE_BPF_MOV,
	};
	static const char * const alu_names[] = {
		"add", "sub", "mul", "div", "mod", "or", "and", "xor",
		"lsh", "rsh", "arsh", "mov",
	};
	static const uint8_t jmp_ops[] = {
		NFPE_BPF_JEQ, NFPE_BPF_JNE, NFPE_BPF_JSET, NFPE_BPF_JGT,
		NFPE_BPF_JGE, NFPE_BPF_JLT, NFPE_BPF_JLE, NFPE_BPF_JSGT,
		NFPE_BPF_JSGE, NFPE_BPF_JSLT, NFPE_BPF_JSLE,
	};
	static const char * const jmp_names[] = {
		"jeq", "jne", "jset", "jgt", "jge", "jlt", "jle", "jsgt",
		"jsge", "jslt", "jsle",
	};
	static struct alu_case ac[G_N_ELEMENTS(alu_ops) * 4];
	static struct jmp_case jc[G_N_ELEMENTS(jmp_ops) * 4];
	size_t k, n = 0;
	int w, f;

	g_test_init(&argc, &argv, NULL);
	init_frame();
	g_test_add_func("/jit/mem/stack", test_stack);
	g_test_add_func("/jit/mem/packet", test_packet);
	g_test_add_func("/jit/mem/packet-combine", test_packet_combine);
	g_test_add_func("/jit/mem/map", test_map);
	g_test_add_func("/jit/mem/ctx", test_ctx);
	g_test_add_func("/jit/helpers", test_helpers);
	g_test_add_func("/jit/calls-loops", test_calls_loops);
	g_test_add_func("/jit/refusals", test_refusals);
	g_test_add_func("/jit/analyze", test_analyze);
	for (k = 0; k < G_N_ELEMENTS(alu_ops); k++)
		for (w = 0; w < 2; w++)
			for (f = 0; f < 2; f++) {
				char *name = g_strdup_printf("/jit/alu%s/%s/%s",
					w ? "64" : "32", alu_names[k],
					f ? "imm" : "reg");

				ac[n] = (struct alu_case){ alu_ops[k], w, f };
				g_test_add_data_func(name, &ac[n++], test_alu);
				g_free(name);
			}
	g_test_add_func("/jit/alu/neg-end", test_unary);
	n = 0;
	for (k = 0; k < G_N_ELEMENTS(jmp_ops); k++)
		for (w = 0; w < 2; w++)
			for (f = 0; f < 2; f++) {
				char *name = g_strdup_printf("/jit/jmp%s/%s/%s",
					w ? "" : "32", jmp_names[k],
					f ? "imm" : "reg");

				jc[n] = (struct jmp_case){ jmp_ops[k], w, f };
				g_test_add_data_func(name, &jc[n++], test_jmp);
				g_free(name);
			}
	return g_test_run();
}
