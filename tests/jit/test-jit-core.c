// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-jit-core.c - the JIT per eBPF instruction class, run on the
 * microcode interpreter, checked against eBPF semantics computed here
 * in C, with every optimisation set (all on, all off, all but one).
 */
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
	V_NUM,
};

static const char * const variant_name[] = {
	"pkt64", "pkt32", "dst32", "srcconst", "bothconst",
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
		    v != V_BOTH_CONST)
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
