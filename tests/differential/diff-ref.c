// SPDX-License-Identifier: GPL-2.0-or-later
/* diff-ref.c - reference eBPF interpreter and program generator. */
#include <stdio.h>
#include <string.h>
#include "diff-ref.h"

/* ---- reference interpreter ---------------------------------------- */

struct dref_frame {
	uint64_t saved[5];	/* r6..r10 of the caller */
	uint32_t ret_pc;
	uint8_t stack[DREF_STACK];
};

static uint64_t bswap(uint64_t v, int bits)
{
	if (bits == 16)
		return __builtin_bswap16((uint16_t)v);
	if (bits == 32)
		return __builtin_bswap32((uint32_t)v);
	return __builtin_bswap64(v);
}

static bool jcond(uint8_t op, uint64_t a, uint64_t b, bool is32)
{
	int64_t sa = (int64_t)a, sb = (int64_t)b;

	if (is32) {
		a = (uint32_t)a;
		b = (uint32_t)b;
		sa = (int32_t)a;
		sb = (int32_t)b;
	}
	switch (op) {
	case NFPE_BPF_JA:   return true;
	case NFPE_BPF_JEQ:  return a == b;
	case NFPE_BPF_JNE:  return a != b;
	case NFPE_BPF_JGT:  return a > b;
	case NFPE_BPF_JGE:  return a >= b;
	case NFPE_BPF_JLT:  return a < b;
	case NFPE_BPF_JLE:  return a <= b;
	case NFPE_BPF_JSGT: return sa > sb;
	case NFPE_BPF_JSGE: return sa >= sb;
	case NFPE_BPF_JSLT: return sa < sb;
	case NFPE_BPF_JSLE: return sa <= sb;
	case NFPE_BPF_JSET: return (a & b) != 0;
	}
	return false;
}

uint64_t (*dref_helper)(int32_t id, uint64_t r1, uint64_t r2, uint64_t r3,
			uint64_t r4, uint64_t r5);

#define FAIL(...) do { snprintf(res->err, sizeof(res->err), __VA_ARGS__); \
		       res->ok = false; return; } while (0)

void dref_run(const struct nfpe_bpf_insn *insns, uint32_t n, uint8_t *pkt,
	      uint32_t pkt_len, enum dref_mode mode, struct dref_result *res)
{
	static struct dref_frame frames[9];
	uint64_t r[11] = { 0 };
	uint32_t pc = 0, depth = 0;

	memset(res, 0, sizeof(*res));
	res->ok = true;
	memset(frames, 0, sizeof(frames));
	r[1] = (uint64_t)(uintptr_t)pkt;
	r[10] = (uint64_t)(uintptr_t)(frames[0].stack + DREF_STACK);

	for (;;) {
		const struct nfpe_bpf_insn *in;
		uint8_t code, cls, op;
		uint64_t src, *dst;

		if (pc >= n)
			FAIL("pc %u out of program", pc);
		if (++res->insns > 1000000)
			FAIL("too many instructions");
		in = &insns[pc];
		code = in->code;
		cls = NFPE_BPF_CLASS(code);
		op = NFPE_BPF_OP(code);
		dst = &r[in->dst_reg];
		if (in->dst_reg > 10 || in->src_reg > 10)
			FAIL("insn %u: bad register", pc);

		if (cls == NFPE_BPF_ALU64 || cls == NFPE_BPF_ALU) {
			bool is32 = cls == NFPE_BPF_ALU;

			if (in->dst_reg == 10)
				FAIL("insn %u: write to r10", pc);
			if (NFPE_BPF_SRC(code) == NFPE_BPF_X &&
			    op != NFPE_BPF_END)
				src = r[in->src_reg];
			else
				src = (uint64_t)(int64_t)in->imm;
			if (is32)
				src = (uint32_t)src;
			if (op == NFPE_BPF_END) {
				int bits = in->imm;

				if (NFPE_BPF_SRC(code) == NFPE_BPF_TO_BE)
					*dst = bswap(*dst, bits);
				else if (mode == DREF_DPDK_INTERP)
					; /* rte_cpu_to_le_NN(x) is (x) */
				else if (bits == 16)
					*dst = (uint16_t)*dst;
				else if (bits == 32)
					*dst = (uint32_t)*dst;
				pc++;
				continue;
			}
			if (is32) {
				uint32_t d = (uint32_t)*dst, s = (uint32_t)src;

				switch (op) {
				case NFPE_BPF_ADD: d += s; break;
				case NFPE_BPF_SUB: d -= s; break;
				case NFPE_BPF_MUL: d *= s; break;
				case NFPE_BPF_OR:  d |= s; break;
				case NFPE_BPF_AND: d &= s; break;
				case NFPE_BPF_XOR: d ^= s; break;
				case NFPE_BPF_MOV: d = s; break;
				case NFPE_BPF_NEG: d = -d; break;
				case NFPE_BPF_LSH: d <<= (s & 31); break;
				case NFPE_BPF_RSH: d >>= (s & 31); break;
				case NFPE_BPF_ARSH:
					d = (uint32_t)((int32_t)d >> (s & 31));
					break;
				case NFPE_BPF_DIV:
				case NFPE_BPF_MOD:
					if (s == 0) {
						res->div0 = true;
						if (mode != DREF_KERNEL) {
							res->r0 = 0;
							return;
						}
						/* kernel: w/0 = 0, w%0 = w */
						if (op == NFPE_BPF_DIV)
							d = 0;
					} else if (op == NFPE_BPF_DIV) {
						d /= s;
					} else {
						d %= s;
					}
					/*
					 * DPDK's x86 JIT: a 32-bit div/mod by
					 * a register saves and restores r0
					 * (rax) with 32-bit moves: its high
					 * half is lost.
					 */
					if (mode == DREF_DPDK_JIT &&
					    NFPE_BPF_SRC(code) == NFPE_BPF_X)
						r[0] = (uint32_t)r[0];
					break;
				default:
					FAIL("insn %u: bad ALU32 op 0x%x", pc, code);
				}
				*dst = d;
			} else {
				uint64_t d = *dst, s = src;

				switch (op) {
				case NFPE_BPF_ADD: d += s; break;
				case NFPE_BPF_SUB: d -= s; break;
				case NFPE_BPF_MUL: d *= s; break;
				case NFPE_BPF_OR:  d |= s; break;
				case NFPE_BPF_AND: d &= s; break;
				case NFPE_BPF_XOR: d ^= s; break;
				case NFPE_BPF_MOV: d = s; break;
				case NFPE_BPF_NEG: d = -d; break;
				case NFPE_BPF_LSH: d <<= (s & 63); break;
				case NFPE_BPF_RSH: d >>= (s & 63); break;
				case NFPE_BPF_ARSH:
					d = (uint64_t)((int64_t)d >> (s & 63));
					break;
				case NFPE_BPF_DIV:
				case NFPE_BPF_MOD:
					if (s == 0) {
						res->div0 = true;
						if (mode != DREF_KERNEL) {
							res->r0 = 0;
							return;
						}
						/* kernel: x/0 = 0, x%0 = x */
						if (op == NFPE_BPF_DIV)
							d = 0;
					} else if (op == NFPE_BPF_DIV) {
						d /= s;
					} else {
						d %= s;
					}
					break;
				default:
					FAIL("insn %u: bad ALU64 op 0x%x", pc, code);
				}
				*dst = d;
			}
			pc++;
			continue;
		}
		if (cls == NFPE_BPF_JMP || cls == NFPE_BPF_JMP32) {
			if (op == NFPE_BPF_EXIT) {
				if (!depth) {
					res->r0 = r[0];
					return;
				}
				memcpy(&r[6], frames[depth].saved,
				       sizeof(frames[depth].saved));
				pc = frames[depth].ret_pc;
				depth--;
				continue;
			}
			if (op == NFPE_BPF_CALL) {
				if (in->src_reg != NFPE_BPF_PSEUDO_CALL &&
				    dref_helper) {
					r[0] = dref_helper(in->imm, r[1], r[2],
							   r[3], r[4], r[5]);
					pc++;
					continue;
				}
				if (in->src_reg != NFPE_BPF_PSEUDO_CALL)
					FAIL("insn %u: helper call", pc);
				if (++depth >= 9)
					FAIL("insn %u: call depth", pc);
				memcpy(frames[depth].saved, &r[6],
				       sizeof(frames[depth].saved));
				frames[depth].ret_pc = pc + 1;
				memset(frames[depth].stack, 0, DREF_STACK);
				r[10] = (uint64_t)(uintptr_t)
					(frames[depth].stack + DREF_STACK);
				pc = pc + 1 + in->imm;
				continue;
			}
			if (NFPE_BPF_SRC(code) == NFPE_BPF_X)
				src = r[in->src_reg];
			else if (cls == NFPE_BPF_JMP32)
				src = (uint32_t)in->imm;
			else
				src = (uint64_t)(int64_t)in->imm;
			if (jcond(op, *dst, src, cls == NFPE_BPF_JMP32))
				pc = pc + 1 + in->off;
			else
				pc++;
			continue;
		}
		if (cls == NFPE_BPF_LD) {
			if (code != (NFPE_BPF_LD | NFPE_BPF_IMM | NFPE_BPF_DW) ||
			    in->src_reg || pc + 1 >= n)
				FAIL("insn %u: bad LD 0x%x", pc, code);
			*dst = (uint32_t)in->imm |
			       ((uint64_t)(uint32_t)insns[pc + 1].imm << 32);
			pc += 2;
			continue;
		}
		if (NFPE_BPF_MODE(code) == NFPE_BPF_MEM &&
		    (cls == NFPE_BPF_LDX || cls == NFPE_BPF_ST ||
		     cls == NFPE_BPF_STX)) {
			static const int sz[4] = { 4, 2, 1, 8 };
			int size = sz[NFPE_BPF_SIZE(code) >> 3];
			uint8_t base = cls == NFPE_BPF_LDX ? in->src_reg
							   : in->dst_reg;
			uint64_t a = r[base] + (int64_t)in->off;
			uintptr_t p0 = (uintptr_t)pkt;
			uintptr_t s0 = (uintptr_t)frames[depth].stack;
			uint8_t *p = (uint8_t *)(uintptr_t)a;
			uint64_t v;

			if (!dref_helper &&
			    !((a >= p0 && a + size <= p0 + pkt_len) ||
			      (a >= s0 && a + size <= s0 + DREF_STACK)))
				FAIL("insn %u: access outside packet/stack", pc);
			if (cls == NFPE_BPF_LDX) {
				v = 0;
				memcpy(&v, p, size);	/* little-endian host */
				*dst = v;
			} else {
				v = cls == NFPE_BPF_STX ? r[in->src_reg]
					: (uint64_t)(int64_t)in->imm;
				memcpy(p, &v, size);
			}
			pc++;
			continue;
		}
		if (cls == NFPE_BPF_STX && NFPE_BPF_MODE(code) == NFPE_BPF_ATOMIC &&
		    in->imm == NFPE_BPF_ADD && dref_helper) {
			/* atomic add without fetch (benchmark programs) */
			uint8_t *p = (uint8_t *)(uintptr_t)(r[in->dst_reg] +
							    (int64_t)in->off);

			if (NFPE_BPF_SIZE(code) == NFPE_BPF_DW)
				*(uint64_t *)p += r[in->src_reg];
			else
				*(uint32_t *)p += (uint32_t)r[in->src_reg];
			pc++;
			continue;
		}
		FAIL("insn %u: unsupported opcode 0x%x", pc, code);
	}
}

/* ---- generator ---------------------------------------------------- */

struct dgen {
	uint64_t s;
	uint32_t profile;
	struct dgen_prog *p;
	/* jumps to fix: insn index -> item number (or ~0u: end) */
	uint32_t fix_insn[DREF_MAX_INSNS], fix_item[DREF_MAX_INSNS], nfix;
	uint32_t call_insn[64], call_sub[64], ncall;
	uint32_t item_start[DREF_MAX_INSNS + 1];
	uint32_t sub_start[8], nsub;
	uint32_t ncond;
};

static uint64_t rnd(struct dgen *g)
{
	uint64_t z = (g->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rn(struct dgen *g, uint32_t n)
{
	return (uint32_t)(rnd(g) % n);
}

static const int32_t imm_vals[] = {
	0, 1, -1, 2, 3, 7, 31, 32, 63, 64, 0x7f, 0x80, 0xff, 0x7fff, 0x8000,
	0xffff, 0x10000, 0x7fffffff, (int32_t)0x80000000, -2, -0x8000,
	(int32_t)0xfffffffe, 0x55555555, (int32_t)0xaaaaaaaa,
};

static const uint64_t imm64_vals[] = {
	0, 1, ~0ull, 2, 0x7fffffffffffffffull, 0x8000000000000000ull,
	0xffffffffull, 0x100000000ull, 0x80000000ull, 0x7fffffffull,
	0xffffffff00000000ull, 0xffffffff80000000ull, 0x00000000fffffffeull,
	0x8000000000000001ull, 0x0123456789abcdefull, 63, 64, 32,
};

static int32_t rimm(struct dgen *g)
{
	if (rn(g, 3))
		return imm_vals[rn(g, sizeof(imm_vals) / sizeof(imm_vals[0]))];
	return (int32_t)rnd(g);
}

static uint64_t rimm64(struct dgen *g)
{
	switch (rn(g, 4)) {
	case 0: return rnd(g);
	case 1: return (uint32_t)rnd(g);
	default:
		return imm64_vals[rn(g, sizeof(imm64_vals) /
				       sizeof(imm64_vals[0]))];
	}
}

static void emit(struct dgen *g, uint8_t code, uint8_t d, uint8_t s,
		 int16_t off, int32_t imm)
{
	struct nfpe_bpf_insn *in = &g->p->insns[g->p->n++];

	in->code = code;
	in->dst_reg = d;
	in->src_reg = s;
	in->off = off;
	in->imm = imm;
}

static void emit_ldimm64(struct dgen *g, uint8_t d, uint64_t v)
{
	emit(g, NFPE_BPF_LD | NFPE_BPF_IMM | NFPE_BPF_DW, d, 0, 0,
	     (int32_t)(uint32_t)v);
	emit(g, 0, 0, 0, 0, (int32_t)(uint32_t)(v >> 32));
}

static const uint8_t sizes[4] = { NFPE_BPF_B, NFPE_BPF_H, NFPE_BPF_W,
				  NFPE_BPF_DW };
static int size_bytes(uint8_t sz)
{
	return sz == NFPE_BPF_B ? 1 : sz == NFPE_BPF_H ? 2 :
	       sz == NFPE_BPF_W ? 4 : 8;
}

static void gen_pkt_load(struct dgen *g, uint8_t d)
{
	uint8_t sz = sizes[rn(g, 4)];
	int b = size_bytes(sz);

	emit(g, NFPE_BPF_LDX | NFPE_BPF_MEM | sz, d, 9, 0,
	     0);
	g->p->insns[g->p->n - 1].off = (int16_t)rn(g, g->p->pkt_len - b + 1);
}

/*
 * Stack layout of every frame: 8 slots at r10-64..r10-1, all written with
 * 8-byte stores at the frame's start.  DPDK's validator tracks one value
 * per 8-byte slot and refuses a load wider than the slot's last store
 * ("undefined value on the stack"), so for DPDK programs slots 0-3
 * (r10-64..-33) take only 8-byte stores and loads of any size, slots 4-7
 * stores of any size and byte loads.  Programs not run on DPDK mix freely.
 */
static void gen_stack(struct dgen *g, bool store)
{
	bool dpdk = !(g->profile & (DGEN_JMP32 | DGEN_CALLS));
	uint8_t sz = sizes[rn(g, 4)];
	int b, slot, off;

	if (dpdk) {
		if (store && sz != NFPE_BPF_DW)
			slot = 4 + rn(g, 4);
		else if (store)
			slot = rn(g, 8);
		else if (sz != NFPE_BPF_B)
			slot = rn(g, 4);
		else
			slot = rn(g, 8);
	} else {
		slot = rn(g, 8);
	}
	b = size_bytes(sz);
	off = -64 + slot * 8 + (int)rn(g, 8 / b) * b;
	if (!store)
		emit(g, NFPE_BPF_LDX | NFPE_BPF_MEM | sz, rn(g, 9), 10, off, 0);
	else if (rn(g, 3))
		emit(g, NFPE_BPF_STX | NFPE_BPF_MEM | sz, 10, rn(g, 9), off, 0);
	else
		emit(g, NFPE_BPF_ST | NFPE_BPF_MEM | sz, 10, 0, off, rimm(g));
}

static void gen_pkt_store(struct dgen *g)
{
	uint8_t sz = sizes[rn(g, 4)];
	int b = size_bytes(sz);
	int16_t off = (int16_t)rn(g, g->p->pkt_len - b + 1);

	if (rn(g, 3))
		emit(g, NFPE_BPF_STX | NFPE_BPF_MEM | sz, 9, rn(g, 9), off, 0);
	else
		emit(g, NFPE_BPF_ST | NFPE_BPF_MEM | sz, 9, 0, off, rimm(g));
}

/*
 * Idioms the JIT's packet combiners merge, in shuffled orders and with
 * overlapping ranges they must leave alone: byte assembly (2 or 4
 * bytes), copies of byte/halfword pairs, constant stores.
 */
static void gen_pkt_idiom(struct dgen *g)
{
	int len = g->p->pkt_len, k, n, b, src, dst, rot;
	uint8_t t = (uint8_t)rn(g, 9), u = (uint8_t)((t + 1 + rn(g, 8)) % 9);
	uint8_t v = (uint8_t)((u + 1 + rn(g, 7)) % 9);
	uint8_t alu = rn(g, 2) ? NFPE_BPF_ALU64 : NFPE_BPF_ALU;
	uint8_t sz;

	if (v == t)
		v = (uint8_t)((v + 1) % 9);
	if (v == u)
		v = (uint8_t)((v + 1) % 9);
	switch (rn(g, 3)) {
	case 0:
		src = (int)rn(g, (uint32_t)len - 3);
		emit(g, NFPE_BPF_LDX | NFPE_BPF_MEM | NFPE_BPF_B, t, 9,
		     (int16_t)(src + 1), 0);
		emit(g, alu | NFPE_BPF_LSH | NFPE_BPF_K, t, 0, 0, 8);
		emit(g, NFPE_BPF_LDX | NFPE_BPF_MEM | NFPE_BPF_B, u, 9,
		     (int16_t)src, 0);
		emit(g, alu | NFPE_BPF_OR | NFPE_BPF_X, t, u, 0, 0);
		if (rn(g, 2))
			break;
		emit(g, NFPE_BPF_LDX | NFPE_BPF_MEM | NFPE_BPF_B, v, 9,
		     (int16_t)(src + 3), 0);
		emit(g, alu | NFPE_BPF_LSH | NFPE_BPF_K, v, 0, 0, 8);
		emit(g, NFPE_BPF_LDX | NFPE_BPF_MEM | NFPE_BPF_B, u, 9,
		     (int16_t)(src + 2), 0);
		emit(g, alu | NFPE_BPF_OR | NFPE_BPF_X, v, u, 0, 0);
		emit(g, alu | NFPE_BPF_LSH | NFPE_BPF_K, v, 0, 0, 16);
		emit(g, alu | NFPE_BPF_OR | NFPE_BPF_X, t, v, 0, 0);
		break;
	case 1:
		sz = rn(g, 2) ? NFPE_BPF_B : NFPE_BPF_H;
		b = size_bytes(sz);
		n = 1 << rn(g, b == 1 ? 4 : 3);	/* up to 8 bytes */
		src = (int)rn(g, (uint32_t)(len - n * b + 1));
		dst = (int)rn(g, (uint32_t)(len - n * b + 1));
		rot = (int)rn(g, (uint32_t)n);
		for (k = 0; k < n; k++) {
			int i = rn(g, 2) ? (k + rot) % n : (n - 1 - k + rot) % n;

			emit(g, NFPE_BPF_LDX | NFPE_BPF_MEM | sz, t, 9,
			     (int16_t)(src + i * b), 0);
			emit(g, NFPE_BPF_STX | NFPE_BPF_MEM | sz, 9, t,
			     (int16_t)(dst + i * b), 0);
		}
		break;
	default:
		n = 2 << rn(g, 3);		/* bytes: 2, 4, 8 */
		sz = sizes[rn(g, n == 2 ? 1 : n == 4 ? 2 : 3)];
		b = size_bytes(sz);
		dst = (int)rn(g, (uint32_t)(len - n + 1));
		rot = (int)rn(g, (uint32_t)(n / b));
		for (k = 0; k < n / b; k++) {
			int i = (k + rot) % (n / b);

			if (rn(g, 2)) {
				emit(g, NFPE_BPF_ST | NFPE_BPF_MEM | sz, 9, 0,
				     (int16_t)(dst + i * b), rimm(g));
			} else {
				emit(g, NFPE_BPF_ALU64 | NFPE_BPF_MOV |
				     NFPE_BPF_K, t, 0, 0, rimm(g));
				emit(g, NFPE_BPF_STX | NFPE_BPF_MEM | sz, 9, t,
				     (int16_t)(dst + i * b), 0);
			}
		}
		break;
	}
}

static const uint8_t alu_ops[] = {
	NFPE_BPF_ADD, NFPE_BPF_SUB, NFPE_BPF_MUL, NFPE_BPF_DIV, NFPE_BPF_OR,
	NFPE_BPF_AND, NFPE_BPF_LSH, NFPE_BPF_RSH, NFPE_BPF_NEG, NFPE_BPF_MOD,
	NFPE_BPF_XOR, NFPE_BPF_MOV, NFPE_BPF_ARSH, NFPE_BPF_END,
};

static void gen_alu(struct dgen *g)
{
	uint8_t op = alu_ops[rn(g, sizeof(alu_ops))];
	bool is64 = rn(g, 5) < 3;
	uint8_t cls = is64 ? NFPE_BPF_ALU64 : NFPE_BPF_ALU;
	uint8_t d = rn(g, 9), s = rn(g, 9);
	bool k = rn(g, 2);
	int32_t imm = rimm(g);

	if (op == NFPE_BPF_END) {
		static const int bits[3] = { 16, 32, 64 };

		emit(g, NFPE_BPF_ALU | NFPE_BPF_END |
		     (rn(g, 2) ? NFPE_BPF_TO_BE : NFPE_BPF_TO_LE), d, 0, 0,
		     bits[rn(g, 3)]);
		return;
	}
	if (op == NFPE_BPF_ARSH && !is64 && !(g->profile & DGEN_ARSH32))
		op = NFPE_BPF_RSH;
	if (op == NFPE_BPF_NEG) {
		emit(g, cls | op, d, 0, 0, 0);
		return;
	}
	if (op == NFPE_BPF_LSH || op == NFPE_BPF_RSH || op == NFPE_BPF_ARSH) {
		uint32_t w = is64 ? 64 : 32;

		if (k) {
			static const int32_t edge[] = { 0, 1, 31, 32, 63 };
			int32_t a = rn(g, 2) ? (int32_t)rn(g, w)
					     : edge[rn(g, 5)];

			emit(g, cls | op | NFPE_BPF_K, d, 0, 0, a % (int32_t)w);
			return;
		}
		if (s == d)
			s = (uint8_t)((d + 1 + rn(g, 8)) % 9);
		/* in-range amounts: mask the amount register first */
		emit(g, NFPE_BPF_ALU64 | NFPE_BPF_AND | NFPE_BPF_K, s, 0, 0,
		     (int32_t)w - 1);
		emit(g, cls | op | NFPE_BPF_X, d, s, 0, 0);
		return;
	}
	if (op == NFPE_BPF_DIV || op == NFPE_BPF_MOD) {
		if (k) {
			while (imm == 0)
				imm = rimm(g);	/* the verifier refuses K = 0 */
			emit(g, cls | op | NFPE_BPF_K, d, 0, 0, imm);
			return;
		}
		if (!(g->profile & DGEN_DIV0)) {
			if (s == d)
				s = (uint8_t)((d + 1 + rn(g, 8)) % 9);
			emit(g, NFPE_BPF_ALU64 | NFPE_BPF_OR | NFPE_BPF_K, s,
			     0, 0, (int32_t)(1u << rn(g, 32)));
		}
		emit(g, cls | op | NFPE_BPF_X, d, s, 0, 0);
		return;
	}
	if (k)
		emit(g, cls | op | NFPE_BPF_K, d, 0, 0, imm);
	else
		emit(g, cls | op | NFPE_BPF_X, d, s, 0, 0);
}

static const uint8_t jmp_ops[] = {
	NFPE_BPF_JEQ, NFPE_BPF_JGT, NFPE_BPF_JGE, NFPE_BPF_JSET, NFPE_BPF_JNE,
	NFPE_BPF_JSGT, NFPE_BPF_JSGE, NFPE_BPF_JLT, NFPE_BPF_JLE,
	NFPE_BPF_JSLT, NFPE_BPF_JSLE, NFPE_BPF_JA,
};

static void gen_jmp(struct dgen *g, uint32_t item, uint32_t nitems)
{
	uint8_t op = jmp_ops[rn(g, sizeof(jmp_ops))];
	uint8_t cls = (g->profile & DGEN_JMP32) && rn(g, 2) ? NFPE_BPF_JMP32
							    : NFPE_BPF_JMP;
	uint32_t target = item + 1 + rn(g, 8);

	if (op == NFPE_BPF_JA) {
		/*
		 * `if cond goto +1; goto T`: an unconditional jump alone
		 * would leave the instructions it skips unreachable, which
		 * the kernel's verifier (and DPDK's) refuse.
		 */
		op = jmp_ops[rn(g, sizeof(jmp_ops) - 1)];
		if (rn(g, 2))
			emit(g, cls | op | NFPE_BPF_K, rn(g, 9), 0, 1, rimm(g));
		else
			emit(g, cls | op | NFPE_BPF_X, rn(g, 9), rn(g, 9), 1, 0);
		g->fix_insn[g->nfix] = g->p->n;
		g->fix_item[g->nfix++] = target >= nitems ? ~0u : target;
		emit(g, NFPE_BPF_JMP | NFPE_BPF_JA, 0, 0, 0, 0);
		g->ncond++;
		return;
	}
	g->fix_insn[g->nfix] = g->p->n;
	g->fix_item[g->nfix++] = target >= nitems ? ~0u : target;
	if (rn(g, 2))
		emit(g, cls | op | NFPE_BPF_K, rn(g, 9), 0, 0, rimm(g));
	else
		emit(g, cls | op | NFPE_BPF_X, rn(g, 9), rn(g, 9), 0, 0);
	g->ncond++;
}

/* One function body: items, jumps forward within it, calls to later subs. */
static void gen_body(struct dgen *g, bool main_fn, uint32_t self,
		     uint32_t nitems, uint32_t nsubs)
{
	uint32_t i, first_fix = g->nfix, end;

	g->ncond = 0;
	for (i = 0; i < nitems; i++) {
		uint32_t w = rn(g, 100);

		g->item_start[i] = g->p->n;
		if (g->p->n > DREF_MAX_INSNS - 40)
			w = 0;	/* keep room: plain ALU */
		/*
		 * Every subprogram must be called (an uncalled one is
		 * unreachable code, which the verifier refuses): item 0 of
		 * main calls sub 0, item 0 of sub k calls sub k + 1.
		 */
		if (i == 0 && (g->profile & DGEN_CALLS) && self + 1 < nsubs)
			w = 100;
		if (w < 50) {
			gen_alu(g);
		} else if (w < 55) {
			emit_ldimm64(g, rn(g, 9), rimm64(g));
		} else if (w < 63) {
			gen_stack(g, false);
		} else if (w < 70) {
			gen_stack(g, true);
		} else if (w < 78 && main_fn) {
			gen_pkt_load(g, rn(g, 9));
		} else if (w < 81 && main_fn) {
			gen_pkt_store(g);
		} else if (w < 83 && main_fn) {
			gen_pkt_idiom(g);
		} else if (w < 95 && g->ncond < 8) {
			gen_jmp(g, i, nitems);
		} else if ((g->profile & DGEN_CALLS) && self + 1 < nsubs &&
			   g->ncall < 64 && (i == 0 || w >= 95)) {
			uint32_t r;

			g->call_insn[g->ncall] = g->p->n;
			g->call_sub[g->ncall++] = i == 0 ? self + 1 :
				self + 1 + rn(g, nsubs - self - 1);
			emit(g, NFPE_BPF_JMP | NFPE_BPF_CALL, 0,
			     NFPE_BPF_PSEUDO_CALL, 0, 0);
			/* r1-r5 are clobbered by a call: define them again */
			for (r = 1; r <= 5; r++) {
				if (rn(g, 2))
					emit(g, NFPE_BPF_ALU64 | NFPE_BPF_MOV |
					     NFPE_BPF_X, r, 6 + rn(g, 3), 0, 0);
				else
					emit(g, NFPE_BPF_ALU64 | NFPE_BPF_MOV |
					     NFPE_BPF_K, r, 0, 0, rimm(g));
			}
		} else {
			gen_alu(g);
		}
	}
	end = g->p->n;
	if (main_fn) {
		g->p->end = end;
		emit(g, NFPE_BPF_ALU64 | NFPE_BPF_MOV | NFPE_BPF_X, 0, 0, 0, 0);
	}
	emit(g, NFPE_BPF_JMP | NFPE_BPF_EXIT, 0, 0, 0, 0);
	for (i = first_fix; i < g->nfix; i++) {
		uint32_t t = g->fix_item[i] == ~0u ? end
						   : g->item_start[g->fix_item[i]];

		g->p->insns[g->fix_insn[i]].off =
			(int16_t)(t - g->fix_insn[i] - 1);
	}
	g->nfix = first_fix;
}

static void gen_frame_init(struct dgen *g, const uint8_t *regs, int nregs)
{
	int k;

	for (k = 0; k < 8; k++) {
		if (rn(g, 2))
			emit(g, NFPE_BPF_ST | NFPE_BPF_MEM | NFPE_BPF_DW, 10, 0,
			     -8 * (k + 1), rimm(g));
		else
			emit(g, NFPE_BPF_STX | NFPE_BPF_MEM | NFPE_BPF_DW, 10,
			     regs[rn(g, nregs)], -8 * (k + 1), 0);
	}
}

void dgen_generate(uint64_t seed, uint64_t idx, uint32_t profile,
		   struct dgen_prog *p)
{
	static struct dgen gs;
	struct dgen *g = &gs;
	static const uint8_t init_order[9] = { 0, 2, 3, 4, 5, 6, 7, 8, 1 };
	static const uint8_t all9[9] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const uint8_t args[5] = { 1, 2, 3, 4, 5 };
	uint32_t i, nsubs = 0;

	memset(g, 0, sizeof(*g));
	memset(p, 0, sizeof(*p));
	g->s = seed * 0x2545f4914f6cdd1dull + idx * 0x9e3779b97f4a7c15ull + 1;
	rnd(g);
	g->profile = profile;
	g->p = p;
	p->pkt_len = 64 + rn(g, 129);
	for (i = 0; i < p->pkt_len; i++)
		p->pkt[i] = (uint8_t)rnd(g);
	if (profile & DGEN_CALLS)
		nsubs = rn(g, 4);	/* 0..3 subprograms */

	/* main: r9 = packet, r0-r8 defined, frame written */
	emit(g, NFPE_BPF_ALU64 | NFPE_BPF_MOV | NFPE_BPF_X, 9, 1, 0, 0);
	for (i = 0; i < 9; i++) {
		uint8_t r = init_order[i];

		switch (rn(g, 10)) {
		case 0: case 1: case 2: case 3:
			emit_ldimm64(g, r, rimm64(g));
			break;
		case 4: case 5:
			emit(g, NFPE_BPF_ALU64 | NFPE_BPF_MOV | NFPE_BPF_K, r, 0,
			     0, rimm(g));
			break;
		case 6:
			emit(g, NFPE_BPF_ALU | NFPE_BPF_MOV | NFPE_BPF_K, r, 0,
			     0, rimm(g));
			break;
		default:
			gen_pkt_load(g, r);
		}
	}
	gen_frame_init(g, all9, 9);
	p->body = p->n;
	gen_body(g, true, ~0u, 10 + rn(g, 40), nsubs);
	for (i = 0; i < nsubs; i++) {
		uint32_t r;

		g->sub_start[i] = p->n;
		emit(g, NFPE_BPF_ALU64 | NFPE_BPF_MOV | NFPE_BPF_X, 0,
		     1 + rn(g, 5), 0, 0);
		for (r = 6; r <= 8; r++)	/* callee-saved, written here */
			emit(g, NFPE_BPF_ALU64 | NFPE_BPF_MOV | NFPE_BPF_X, r,
			     1 + rn(g, 5), 0, 0);
		gen_frame_init(g, args, 5);
		gen_body(g, false, i, 3 + rn(g, 12), nsubs);
	}
	/* gen_body's call sites name subs as self + 1 + ..., main is ~0u */
	for (i = 0; i < g->ncall; i++)
		p->insns[g->call_insn[i]].imm =
			(int32_t)(g->sub_start[g->call_sub[i]] -
				  g->call_insn[i] - 1);
}

void dgen_for_jit(struct nfpe_bpf_insn *insns)
{
	insns[0] = (struct nfpe_bpf_insn){
		.code = NFPE_BPF_LDX | NFPE_BPF_MEM | NFPE_BPF_W,
		.dst_reg = 9, .src_reg = 1, .off = 0, .imm = 0 };
}

void dgen_hi(struct nfpe_bpf_insn *insns, uint32_t end)
{
	insns[end] = (struct nfpe_bpf_insn){
		.code = NFPE_BPF_ALU64 | NFPE_BPF_RSH | NFPE_BPF_K,
		.dst_reg = 0, .src_reg = 0, .off = 0, .imm = 32 };
}

void dgen_dump(const struct nfpe_bpf_insn *insns, uint32_t n, char *buf,
	       size_t size)
{
	size_t used = 0;
	uint32_t i;

	buf[0] = 0;
	for (i = 0; i < n && used + 80 < size; i++)
		used += (size_t)snprintf(buf + used, size - used,
			"  %3u: code 0x%02x dst r%u src r%u off %d imm %d (0x%x)\n",
			i, insns[i].code, insns[i].dst_reg, insns[i].src_reg,
			insns[i].off, insns[i].imm, (uint32_t)insns[i].imm);
}
