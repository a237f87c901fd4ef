// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * diff-edge.c - hand-written edge cases of the differential suite
 * (included by test-differential.c).
 *
 * Every case is a body wrapped as `r9 = r1; BODY; r0 = r0; exit` and is
 * compared like a random program: kernel-semantics model vs our JIT with
 * every optimisation set, and DPDK's interpreter and JIT where it
 * accepts the program (no JMP32, no ALU32 arsh).  Division and modulo by
 * a zero register: the expected value is the KERNEL's (x/0 = 0, x%0 = x,
 * 32-bit x%0 = (u32)x) computed by diff-ref.c; DPDK, which returns 0 from
 * the whole program there, is checked against its own rule.
 */

#define LDI(d, v)	LD_IMM64(d, v)
#define R0_IS(v)	LD_IMM64(0, v)

struct edge_case {
	const char *name;
	struct nfpe_bpf_insn body[24];
	uint32_t n;
};

#define EDGE(nm, ...) { nm, { __VA_ARGS__ }, \
	sizeof((struct nfpe_bpf_insn[]){ __VA_ARGS__ }) / \
	sizeof(struct nfpe_bpf_insn) }

static void edge_build(struct dgen_prog *p, const struct nfpe_bpf_insn *body,
		       uint32_t n);

static void edge_named(struct jt_dev *dev, struct dgen_prog *p)
{
	const struct edge_case edges[] = {
	/* carry and borrow across the 32-bit halves */
	EDGE("add64 carry imm", LDI(0, 0xffffffffull),
	     ALU64_IMM(NFPE_BPF_ADD, 0, 1)),
	EDGE("add64 carry wrap", LDI(0, ~0ull), ALU64_IMM(NFPE_BPF_ADD, 0, 1)),
	EDGE("add64 carry reg", LDI(0, 1), LDI(1, 0x1ffffffffull),
	     ALU64_REG(NFPE_BPF_ADD, 0, 1)),
	EDGE("add64 carry+hi", LDI(0, 0x80000000ffffffffull),
	     LDI(1, 0x8000000000000001ull), ALU64_REG(NFPE_BPF_ADD, 0, 1)),
	EDGE("sub64 borrow", LDI(0, 0x100000000ull),
	     ALU64_IMM(NFPE_BPF_SUB, 0, 1)),
	EDGE("sub64 borrow reg", LDI(0, 0), LDI(1, 1),
	     ALU64_REG(NFPE_BPF_SUB, 0, 1)),
	EDGE("sub64 imm -1", LDI(0, 0xffffffffull),
	     ALU64_IMM(NFPE_BPF_SUB, 0, -1)),
	EDGE("add32 wrap", LDI(0, 0x12345678ffffffffull),
	     ALU32_IMM(NFPE_BPF_ADD, 0, 1)),
	/* 64-bit multiply overflow */
	EDGE("mul64 -1*-1", LDI(0, ~0ull), LDI(1, ~0ull),
	     ALU64_REG(NFPE_BPF_MUL, 0, 1)),
	EDGE("mul64 cross", LDI(0, 0x100000001ull), LDI(1, 0xffffffffull),
	     ALU64_REG(NFPE_BPF_MUL, 0, 1)),
	EDGE("mul64 imm -1", LDI(0, 0x123456789ull),
	     ALU64_IMM(NFPE_BPF_MUL, 0, -1)),
	EDGE("mul64 big", LDI(0, 0xdeadbeefcafebabeull),
	     LDI(1, 0x0123456789abcdefull), ALU64_REG(NFPE_BPF_MUL, 0, 1)),
	EDGE("mul32 hi ignored", LDI(0, 0xffffffff00000003ull),
	     LDI(1, 0x7700000005ull), ALU32_REG(NFPE_BPF_MUL, 0, 1)),
	/* division and modulo: kernel rule for zero divisors */
	EDGE("div64 by 0 (kernel: 0)", LDI(0, 12345), LDI(1, 0),
	     ALU64_REG(NFPE_BPF_DIV, 0, 1)),
	EDGE("mod64 by 0 (kernel: dst)", LDI(0, 0xabcdef0123456789ull),
	     LDI(1, 0), ALU64_REG(NFPE_BPF_MOD, 0, 1)),
	EDGE("div32 by 0 (kernel: 0)", LDI(0, 0xffffffffffffffffull),
	     LDI(1, 0), ALU32_REG(NFPE_BPF_DIV, 0, 1)),
	EDGE("mod32 by 0 (kernel: (u32)dst)", LDI(0, 0xabcdef0123456789ull),
	     LDI(1, 0), ALU32_REG(NFPE_BPF_MOD, 0, 1)),
	EDGE("div32 by 1<<32 (low word 0)", LDI(0, 77),
	     LDI(1, 0x100000000ull), ALU32_REG(NFPE_BPF_DIV, 0, 1)),
	EDGE("mod32 by 1<<32 (low word 0)", LDI(0, 0x5500000077ull),
	     LDI(1, 0x100000000ull), ALU32_REG(NFPE_BPF_MOD, 0, 1)),
	EDGE("div64 by 1<<32", LDI(0, 0x500000077ull),
	     LDI(1, 0x100000000ull), ALU64_REG(NFPE_BPF_DIV, 0, 1)),
	EDGE("div64 by 1", LDI(0, ~0ull), LDI(1, 1),
	     ALU64_REG(NFPE_BPF_DIV, 0, 1)),
	EDGE("mod64 by 1", LDI(0, ~0ull), LDI(1, 1),
	     ALU64_REG(NFPE_BPF_MOD, 0, 1)),
	EDGE("div64 by -1 (unsigned)", LDI(0, ~0ull), LDI(1, ~0ull),
	     ALU64_REG(NFPE_BPF_DIV, 0, 1)),
	EDGE("div64 small by -1", LDI(0, 5), LDI(1, ~0ull),
	     ALU64_REG(NFPE_BPF_DIV, 0, 1)),
	EDGE("mod64 by -1", LDI(0, 0x8000000000000000ull), LDI(1, ~0ull),
	     ALU64_REG(NFPE_BPF_MOD, 0, 1)),
	EDGE("div64 imm -1 (sign-extended)", LDI(0, ~0ull),
	     ALU64_IMM(NFPE_BPF_DIV, 0, -1)),
	EDGE("mod64 imm -1", LDI(0, 0xfffffffffffffffeull),
	     ALU64_IMM(NFPE_BPF_MOD, 0, -1)),
	EDGE("div32 imm -1 (0xffffffff)", LDI(0, 0xffffffffull),
	     ALU32_IMM(NFPE_BPF_DIV, 0, -1)),
	EDGE("mod32 imm 0x80000000", LDI(0, 0xffffffffull),
	     ALU32_IMM(NFPE_BPF_MOD, 0, (int32_t)0x80000000)),
	EDGE("div64 imm 0x80000000", LDI(0, 0x8000000000000000ull),
	     ALU64_IMM(NFPE_BPF_DIV, 0, (int32_t)0x80000000)),
	EDGE("mod64 big", LDI(0, 0xfedcba9876543210ull),
	     LDI(1, 0x00000001fffffffdull), ALU64_REG(NFPE_BPF_MOD, 0, 1)),
	/* shifts by 0, 31, 32, 63 */
	EDGE("lsh64 0", LDI(0, 0x8000000180000001ull),
	     ALU64_IMM(NFPE_BPF_LSH, 0, 0)),
	EDGE("lsh64 31", LDI(0, 0x8000000180000001ull),
	     ALU64_IMM(NFPE_BPF_LSH, 0, 31)),
	EDGE("lsh64 32", LDI(0, 0x8000000180000001ull),
	     ALU64_IMM(NFPE_BPF_LSH, 0, 32)),
	EDGE("lsh64 63", LDI(0, 0x8000000180000001ull),
	     ALU64_IMM(NFPE_BPF_LSH, 0, 63)),
	EDGE("rsh64 31", LDI(0, 0x8000000180000001ull),
	     ALU64_IMM(NFPE_BPF_RSH, 0, 31)),
	EDGE("rsh64 32", LDI(0, 0x8000000180000001ull),
	     ALU64_IMM(NFPE_BPF_RSH, 0, 32)),
	EDGE("rsh64 63", LDI(0, 0x8000000180000001ull),
	     ALU64_IMM(NFPE_BPF_RSH, 0, 63)),
	EDGE("arsh64 31", LDI(0, 0x8000000180000001ull),
	     ALU64_IMM(NFPE_BPF_ARSH, 0, 31)),
	EDGE("arsh64 32", LDI(0, 0x8000000180000001ull),
	     ALU64_IMM(NFPE_BPF_ARSH, 0, 32)),
	EDGE("arsh64 63", LDI(0, 0x8000000180000001ull),
	     ALU64_IMM(NFPE_BPF_ARSH, 0, 63)),
	EDGE("lsh64 reg 0", LDI(0, 0xffffffffull), LDI(1, 0),
	     ALU64_REG(NFPE_BPF_LSH, 0, 1)),
	EDGE("lsh64 reg 32", LDI(0, 0xffffffffull), LDI(1, 32),
	     ALU64_REG(NFPE_BPF_LSH, 0, 1)),
	EDGE("rsh64 reg 63", LDI(0, ~0ull), LDI(1, 63),
	     ALU64_REG(NFPE_BPF_RSH, 0, 1)),
	EDGE("arsh64 reg 33", LDI(0, 0x8000000000000000ull), LDI(1, 33),
	     ALU64_REG(NFPE_BPF_ARSH, 0, 1)),
	EDGE("arsh64 reg 0", LDI(0, 0x8000000000000000ull), LDI(1, 0),
	     ALU64_REG(NFPE_BPF_ARSH, 0, 1)),
	EDGE("lsh32 31", LDI(0, 0x1234567800000003ull),
	     ALU32_IMM(NFPE_BPF_LSH, 0, 31)),
	EDGE("rsh32 0 (zext)", LDI(0, 0xffffffff87654321ull),
	     ALU32_IMM(NFPE_BPF_RSH, 0, 0)),
	EDGE("rsh32 reg 31", LDI(0, 0xffffffff87654321ull), LDI(1, 31),
	     ALU32_REG(NFPE_BPF_RSH, 0, 1)),
	EDGE("arsh32 31", LDI(0, 0x80000000ull),
	     ALU32_IMM(NFPE_BPF_ARSH, 0, 31)),
	EDGE("arsh32 reg 0 (zext)", LDI(0, 0xffffffff80000000ull), LDI(1, 0),
	     ALU32_REG(NFPE_BPF_ARSH, 0, 1)),
	/* sign extension of immediates in ALU64 */
	EDGE("and64 imm 0x80000000", LDI(0, ~0ull),
	     ALU64_IMM(NFPE_BPF_AND, 0, (int32_t)0x80000000)),
	EDGE("or64 imm -2", LDI(0, 1), ALU64_IMM(NFPE_BPF_OR, 0, -2)),
	EDGE("xor64 imm -1", LDI(0, 0x0123456789abcdefull),
	     ALU64_IMM(NFPE_BPF_XOR, 0, -1)),
	EDGE("mov64 imm -1", MOV64_IMM(0, -1)),
	EDGE("mov32 imm -1", LDI(0, 0x5555555555555555ull),
	     ALU32_IMM(NFPE_BPF_MOV, 0, -1)),
	EDGE("add64 imm INT_MIN", LDI(0, 0x80000000ull),
	     ALU64_IMM(NFPE_BPF_ADD, 0, (int32_t)0x80000000)),
	EDGE("and32 imm 0x80000000", LDI(0, ~0ull),
	     ALU32_IMM(NFPE_BPF_AND, 0, (int32_t)0x80000000)),
	EDGE("mov32 reg zext", LDI(1, 0xdeadbeefcafebabeull),
	     ALU32_REG(NFPE_BPF_MOV, 0, 1)),
	/* negation */
	EDGE("neg64 INT64_MIN", LDI(0, 0x8000000000000000ull),
	     ALU64_IMM(NFPE_BPF_NEG, 0, 0)),
	EDGE("neg64 1", LDI(0, 1), ALU64_IMM(NFPE_BPF_NEG, 0, 0)),
	EDGE("neg64 1<<32", LDI(0, 0x100000000ull),
	     ALU64_IMM(NFPE_BPF_NEG, 0, 0)),
	EDGE("neg32 hi", LDI(0, 0x7fffffff00000001ull),
	     ALU32_IMM(NFPE_BPF_NEG, 0, 0)),
	/* byte swaps */
	EDGE("to_be16", LDI(0, 0x0123456789abcdefull),
	     ENDIAN(NFPE_BPF_TO_BE, 0, 16)),
	EDGE("to_be32", LDI(0, 0x0123456789abcdefull),
	     ENDIAN(NFPE_BPF_TO_BE, 0, 32)),
	EDGE("to_be64", LDI(0, 0x0123456789abcdefull),
	     ENDIAN(NFPE_BPF_TO_BE, 0, 64)),
	EDGE("to_le16 (DPDK interp: no truncation)",
	     LDI(0, 0x0123456789abcdefull), ENDIAN(NFPE_BPF_TO_LE, 0, 16)),
	EDGE("to_le32", LDI(0, 0x0123456789abcdefull),
	     ENDIAN(NFPE_BPF_TO_LE, 0, 32)),
	EDGE("to_le64", LDI(0, 0x0123456789abcdefull),
	     ENDIAN(NFPE_BPF_TO_LE, 0, 64)),
	EDGE("to_be16 packet", LDX(NFPE_BPF_H, 0, 9, 12),
	     ENDIAN(NFPE_BPF_TO_BE, 0, 16)),
	EDGE("to_be64 packet", LDX(NFPE_BPF_DW, 0, 9, 3),
	     ENDIAN(NFPE_BPF_TO_BE, 0, 64)),
	/* signed compares at the boundaries (r0 = 1 taken, 2 not) */
	EDGE("jslt INT64_MIN < INT64_MAX", LDI(1, 0x8000000000000000ull),
	     LDI(2, 0x7fffffffffffffffull), MOV64_IMM(0, 1),
	     JMP_REG(NFPE_BPF_JSLT, 1, 2, 1), MOV64_IMM(0, 2)),
	EDGE("jlt unsigned INT64_MIN < INT64_MAX",
	     LDI(1, 0x8000000000000000ull), LDI(2, 0x7fffffffffffffffull),
	     MOV64_IMM(0, 1), JMP_REG(NFPE_BPF_JLT, 1, 2, 1),
	     MOV64_IMM(0, 2)),
	EDGE("jsgt -1 > imm -2", LDI(1, ~0ull), MOV64_IMM(0, 1),
	     JMP_IMM(NFPE_BPF_JSGT, 1, -2, 1), MOV64_IMM(0, 2)),
	EDGE("jgt imm -1 is 2^64-1", LDI(1, 0xffffffffull), MOV64_IMM(0, 1),
	     JMP_IMM(NFPE_BPF_JGT, 1, -1, 1), MOV64_IMM(0, 2)),
	EDGE("jsge equal hi differ lo", LDI(1, 0xffffffff00000000ull),
	     LDI(2, 0xfffffffeffffffffull), MOV64_IMM(0, 1),
	     JMP_REG(NFPE_BPF_JSGE, 1, 2, 1), MOV64_IMM(0, 2)),
	EDGE("jsle lo unsigned", LDI(1, 0x0000000080000000ull),
	     LDI(2, 0x000000007fffffffull), MOV64_IMM(0, 1),
	     JMP_REG(NFPE_BPF_JSLE, 1, 2, 1), MOV64_IMM(0, 2)),
	EDGE("jset hi only", LDI(1, 0x100000000ull), MOV64_IMM(0, 1),
	     JMP_REG(NFPE_BPF_JSET, 1, 1, 1), MOV64_IMM(0, 2)),
	EDGE("jeq imm sign-extended", LDI(1, 0xffffffff80000000ull),
	     MOV64_IMM(0, 1),
	     JMP_IMM(NFPE_BPF_JEQ, 1, (int32_t)0x80000000, 1),
	     MOV64_IMM(0, 2)),
	/* JMP32 vs JMP (reference model only: DPDK 22.11 has no JMP32) */
	EDGE("jeq32 ignores hi", LDI(1, 0x100000000ull), MOV64_IMM(0, 1),
	     JMP32_IMM(NFPE_BPF_JEQ, 1, 0, 1), MOV64_IMM(0, 2)),
	EDGE("jeq64 sees hi", LDI(1, 0x100000000ull), MOV64_IMM(0, 1),
	     JMP_IMM(NFPE_BPF_JEQ, 1, 0, 1), MOV64_IMM(0, 2)),
	EDGE("jslt32 0x80000000 < 0", LDI(1, 0x80000000ull), MOV64_IMM(0, 1),
	     JMP32_IMM(NFPE_BPF_JSLT, 1, 0, 1), MOV64_IMM(0, 2)),
	EDGE("jslt64 0x80000000 < 0", LDI(1, 0x80000000ull), MOV64_IMM(0, 1),
	     JMP_IMM(NFPE_BPF_JSLT, 1, 0, 1), MOV64_IMM(0, 2)),
	EDGE("jgt32 imm -1", LDI(1, 0x1fffffffeull), MOV64_IMM(0, 1),
	     JMP32_IMM(NFPE_BPF_JGE, 1, -1, 1), MOV64_IMM(0, 2)),
	EDGE("jset32 hi only", LDI(1, 0xff00000000ull), LDI(2, ~0ull),
	     MOV64_IMM(0, 1), JMP32_REG(NFPE_BPF_JSET, 1, 2, 1),
	     MOV64_IMM(0, 2)),
	EDGE("jsge32 reg", LDI(1, 0x00000000ffffffffull),
	     LDI(2, 0xffffffff00000000ull), MOV64_IMM(0, 1),
	     JMP32_REG(NFPE_BPF_JSGE, 1, 2, 1), MOV64_IMM(0, 2)),
	/* packet side effects */
	EDGE("pkt store 8 unaligned", LDI(1, 0x1122334455667788ull),
	     STX(NFPE_BPF_DW, 9, 1, 3), LDX(NFPE_BPF_W, 0, 9, 5)),
	EDGE("pkt st imm -1 h", ST(NFPE_BPF_H, 9, 61, -1),
	     ST(NFPE_BPF_DW, 9, 40, -2), LDX(NFPE_BPF_DW, 0, 9, 40)),
	EDGE("stack all sizes", LDI(1, 0x8877665544332211ull),
	     STX(NFPE_BPF_DW, 10, 1, -8), ST(NFPE_BPF_B, 10, -7, 0xab),
	     ST(NFPE_BPF_H, 10, -4, 0x7ffe), LDX(NFPE_BPF_DW, 0, 10, -8)),
};
	uint32_t i;

	for (i = 0; i < G_N_ELEMENTS(edges); i++) {
		bool j32 = false, a32 = false;
		uint32_t k;

		for (k = 0; k < edges[i].n; k++) {
			j32 |= NFPE_BPF_CLASS(edges[i].body[k].code) ==
			       NFPE_BPF_JMP32;
			a32 |= edges[i].body[k].code ==
			       (NFPE_BPF_ALU | NFPE_BPF_ARSH | NFPE_BPF_K) ||
			       edges[i].body[k].code ==
			       (NFPE_BPF_ALU | NFPE_BPF_ARSH | NFPE_BPF_X);
		}
		edge_build(p, edges[i].body, edges[i].n);
		check_one(dev, &(struct dcase){ edges[i].name, p->insns, p->n,
			  p->end, p->pkt, p->pkt_len, !j32 && !a32, true,
			  0, ~0ull });
	}
}

static const uint8_t edge_jmp_ops[] = {
	NFPE_BPF_JEQ, NFPE_BPF_JGT, NFPE_BPF_JGE, NFPE_BPF_JSET, NFPE_BPF_JNE,
	NFPE_BPF_JSGT, NFPE_BPF_JSGE, NFPE_BPF_JLT, NFPE_BPF_JLE,
	NFPE_BPF_JSLT, NFPE_BPF_JSLE,
};

static const uint64_t edge_vals[] = {
	0, 1, ~0ull, 0x7fffffffull, 0x80000000ull, 0xffffffffull,
	0x100000000ull, 0x8000000000000000ull, 0x7fffffffffffffffull,
	0xffffffff80000000ull, 0x00000001fffffffeull,
};

static void edge_build(struct dgen_prog *p, const struct nfpe_bpf_insn *body,
		       uint32_t n)
{
	uint32_t i;

	p->n = 0;
	p->insns[p->n++] = MOV64_REG(9, 1);
	memcpy(p->insns + p->n, body, n * sizeof(*body));
	p->n += n;
	p->end = p->n;
	p->insns[p->n++] = MOV64_REG(0, 0);
	p->insns[p->n++] = EXIT();
	p->pkt_len = 64;
	for (i = 0; i < p->pkt_len; i++)
		p->pkt[i] = (uint8_t)(i * 37 + 11);
}

static void test_edge(void)
{
	struct jt_dev *dev = jt_dev_new();
	struct dgen_prog *p = g_new0(struct dgen_prog, 1);
	static const uint8_t ops[] = {
		NFPE_BPF_ADD, NFPE_BPF_SUB, NFPE_BPF_MUL, NFPE_BPF_DIV,
		NFPE_BPF_OR, NFPE_BPF_AND, NFPE_BPF_MOD, NFPE_BPF_XOR,
		NFPE_BPF_MOV, NFPE_BPF_LSH, NFPE_BPF_RSH, NFPE_BPF_ARSH,
	};
	uint32_t a, b, o, cls, n0 = (uint32_t)st.progs;

	edge_named(dev, p);
	/* every ALU op x class x register/immediate over the edge values */
	for (o = 0; o < G_N_ELEMENTS(ops); o++)
	for (cls = 0; cls < 2; cls++)
	for (a = 0; a < G_N_ELEMENTS(edge_vals); a++)
	for (b = 0; b < G_N_ELEMENTS(edge_vals); b++) {
		uint8_t c = cls ? NFPE_BPF_ALU64 : NFPE_BPF_ALU;
		bool sh = ops[o] == NFPE_BPF_LSH || ops[o] == NFPE_BPF_RSH ||
			  ops[o] == NFPE_BPF_ARSH;
		/* shifts: in-range amounts (0 1 31 32 63 ...) */
		uint64_t bv = sh ? edge_vals[b] % (cls ? 64 : 32)
				 : edge_vals[b];
		struct nfpe_bpf_insn body[6] = {
			LDI(0, edge_vals[a]), LDI(1, bv),
		};
		uint32_t nb = 4;
		char name[96];

		body[nb++] = I(c | ops[o] | NFPE_BPF_X, 0, 1, 0, 0);
		snprintf(name, sizeof(name), "alu%s op 0x%x 0x%llx, 0x%llx",
			 cls ? "64" : "32", ops[o],
			 (unsigned long long)edge_vals[a],
			 (unsigned long long)bv);
		edge_build(p, body, nb);
		check_one(dev, &(struct dcase){ name, p->insns, p->n, p->end,
			  p->pkt, p->pkt_len,
			  !(ops[o] == NFPE_BPF_ARSH && !cls), false, 0, ~0ull });
		/* immediate form: the low 32 bits of the value, sign-extended */
		if ((ops[o] == NFPE_BPF_DIV || ops[o] == NFPE_BPF_MOD) &&
		    (uint32_t)bv == 0)
			continue;	/* the verifier refuses K = 0 */
		body[2] = I(c | ops[o] | NFPE_BPF_K, 0, 0, 0,
			    (int32_t)(uint32_t)bv);
		edge_build(p, body, 3);
		check_one(dev, &(struct dcase){ name, p->insns, p->n, p->end,
			  p->pkt, p->pkt_len,
			  !(ops[o] == NFPE_BPF_ARSH && !cls), false, 0, ~0ull });
	}
	/* every JMP/JMP32 condition by register and immediate */
	for (o = 0; o < G_N_ELEMENTS(edge_jmp_ops); o++)
	for (cls = 0; cls < 2; cls++)
	for (a = 0; a < G_N_ELEMENTS(edge_vals); a++)
	for (b = 0; b < G_N_ELEMENTS(edge_vals); b++) {
		uint8_t c = cls ? NFPE_BPF_JMP : NFPE_BPF_JMP32;
		struct nfpe_bpf_insn body[8] = {
			LDI(1, edge_vals[a]), LDI(2, edge_vals[b]),
			MOV64_IMM(0, 1), I(c | edge_jmp_ops[o] | NFPE_BPF_X, 1, 2, 1, 0),
			MOV64_IMM(0, 2),
		};
		char name[96];

		snprintf(name, sizeof(name), "jmp%s op 0x%x 0x%llx, 0x%llx",
			 cls ? "" : "32", edge_jmp_ops[o],
			 (unsigned long long)edge_vals[a],
			 (unsigned long long)edge_vals[b]);
		edge_build(p, body, 7);
		check_one(dev, &(struct dcase){ name, p->insns, p->n, p->end,
			  p->pkt, p->pkt_len, cls == 1, false, 0, ~0ull });
		{
			struct nfpe_bpf_insn b2[6] = {
				LDI(1, edge_vals[a]), MOV64_IMM(0, 1),
				I(c | edge_jmp_ops[o] | NFPE_BPF_K, 1, 0, 1,
				  (int32_t)(uint32_t)edge_vals[b]),
				MOV64_IMM(0, 2),
			};
			edge_build(p, b2, 5);
			check_one(dev, &(struct dcase){ name, p->insns, p->n,
				  p->end, p->pkt, p->pkt_len, cls == 1, false,
				  0, ~0ull });
		}
	}
	g_test_message("edge: %u programs", (uint32_t)st.progs - n0);
	g_free(p);
	jt_dev_free(dev);
}
