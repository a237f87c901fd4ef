/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86jit.c - translator of pre-decoded microcode to x86-64 machine code
 * (the "device JIT"), run by nfpe_run instead of the interpreter when
 * chosen with nfpe_prog_set_exec().
 *
 * A template translator: one fixed x86 sequence per instruction, guest
 * registers, CSRs, LM and PKT addressed in struct nfpe_thread off rbx,
 * the run state in callee-saved registers (r12d instructions left, r13
 * issue cycles, r14 stall cycles, ebp the carry bit) and the rest in a
 * context (struct xctx) off r15.  The accounting is the interpreter's
 * (interp.c): a control transfer to instruction k checks and adds k's
 * run totals (ENTER), straight-line code does none; a fault in the
 * middle of a run, a budget stop, EXIT and the call/ret faults leave the
 * code with a kind and a pc, and the C wrapper finishes exactly as the
 * interpreter's `out:` does.  Rare or complex operations (funnel shifts,
 * division, engine commands) call slow_op() in C.
 * Faults and budget stops go to stubs placed after the code.
 */
#include "internal.h"

#ifdef __x86_64__
#include <sys/mman.h>
#include <stddef.h>

enum { K_OK, K_BUDGET, K_FAULT, K_FAULT_MID };

struct xctx {
	uint8_t *mapmem;
	uint64_t lmsz, pktsz, mapsz;
	uint64_t issue, stall;
	uint32_t left, carry;
	uint32_t kind, pc, fault_addr, ret;
	uint32_t sp;
	uint32_t rstack[NFPE_CALL_DEPTH];
	const struct nfpe_dinsn *code;
	void *const *addr;		/* host address of each instruction */
	struct nfpe_thread *t;
	struct nfpe_prog *p;
	const struct nfpe_env *env;
	struct nfpe_maps *maps;		/* NULL: map commands fault */
	const uint16_t *op;
};

struct x86jit {
	uint8_t *mem;
	size_t size;
	void **addr;			/* [n_insns] */
	uint16_t *op;			/* [n_insns] opcode, ENG: 0x100|engine */
	void (*fn)(struct xctx *c);
};

#define X(m)	((int32_t)offsetof(struct xctx, m))
#define T(m)	((int32_t)offsetof(struct nfpe_thread, m))
#define GR(i)	(T(gpr) + 4 * (int32_t)(i))
#define CSR(i)	(T(csr) + 4 * (int32_t)(i))

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
       R12 = 12, R13, R14, R15 };
enum { CC_B = 2, CC_AE, CC_E, CC_NE, CC_BE, CC_A,
       CC_L = 0xc, CC_GE, CC_LE, CC_G };
enum { S_TAKEN, S_BUDGET, S_BUDGET_DYN, S_FAULT_EAX, S_FAULT_MID,
       S_FAULT_END };

struct stub {
	uint32_t patch, kind, i, k;
};

struct em {
	uint8_t *buf;
	size_t len, cap;
	int full;
	struct stub *stub;
	uint32_t n_stub, max_stub;
	uint32_t *fix_at, *fix_to, n_fix, max_fix;	/* jmp B_k */
	uint32_t *off;					/* B_i offsets */
	uint32_t epi;
	const struct nfpe_dinsn *code;
};

static void b1(struct em *e, uint32_t v)
{
	if (e->len < e->cap)
		e->buf[e->len++] = (uint8_t)v;
	else
		e->full = 1;
}

static void b4(struct em *e, uint32_t v)
{
	b1(e, v);
	b1(e, v >> 8);
	b1(e, v >> 16);
	b1(e, v >> 24);
}

static void put4(struct em *e, uint32_t at, uint32_t v)
{
	if (at + 4 <= e->len) {
		e->buf[at] = (uint8_t)v;
		e->buf[at + 1] = (uint8_t)(v >> 8);
		e->buf[at + 2] = (uint8_t)(v >> 16);
		e->buf[at + 3] = (uint8_t)(v >> 24);
	}
}

static void rex(struct em *e, int w, int reg, int idx, int rm, int force)
{
	int r = 0x40 | w << 3 | (reg >> 3) << 2 | (idx >> 3) << 1 | rm >> 3;

	if (r != 0x40 || force)
		b1(e, r);
}

/* opc reg, [base + disp32]; pfx 0x66 or 0 */
static void op_m(struct em *e, int pfx, int w, uint32_t opc, int reg,
		 int base, int32_t disp)
{
	if (pfx)
		b1(e, pfx);
	rex(e, w, reg, 0, base, 0);
	if (opc > 0xff)
		b1(e, opc >> 8);
	b1(e, opc);
	b1(e, 0x80 | (reg & 7) << 3 | (base & 7));
	if ((base & 7) == RSP)
		b1(e, 0x24);
	b4(e, (uint32_t)disp);
}

/* opc reg, [base + idx * (1 << scale) + disp32] */
static void op_mi(struct em *e, int pfx, int w, uint32_t opc, int reg,
		  int base, int idx, int scale, int32_t disp)
{
	if (pfx)
		b1(e, pfx);
	rex(e, w, reg, idx, base, 0);
	if (opc > 0xff)
		b1(e, opc >> 8);
	b1(e, opc);
	b1(e, 0x84 | (reg & 7) << 3);
	b1(e, scale << 6 | (idx & 7) << 3 | (base & 7));
	b4(e, (uint32_t)disp);
}

/* opc reg, rm (register direct) */
static void op_r(struct em *e, int w, uint32_t opc, int reg, int rm)
{
	rex(e, w, reg, 0, rm, 0);
	if (opc > 0xff)
		b1(e, opc >> 8);
	b1(e, opc);
	b1(e, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

/* group-1 ALU (digit: 0 add 2 adc 3 sbb 4 and 5 sub 6 xor 7 cmp) */
static void alu_ri(struct em *e, int w, int digit, int rm, uint32_t imm)
{
	op_r(e, w, 0x81, digit, rm);
	b4(e, imm);
}

static void ld_g(struct em *e, int r, uint32_t g)
{
	op_m(e, 0, 0, 0x8b, r, RBX, GR(g));
}

static void st_g(struct em *e, uint32_t g, int r)
{
	op_m(e, 0, 0, 0x89, r, RBX, GR(g));
}

static void mov_ri(struct em *e, int r, uint32_t imm)
{
	rex(e, 0, 0, 0, r, 0);
	b1(e, 0xb8 + (r & 7));
	b4(e, imm);
}

static void add_stub(struct em *e, uint32_t kind, uint32_t i, uint32_t k)
{
	if (e->n_stub == e->max_stub) {
		e->full = 1;
		return;
	}
	e->stub[e->n_stub++] = (struct stub){ (uint32_t)e->len, kind, i, k };
	b4(e, 0);
}

static void jcc_stub(struct em *e, int cc, uint32_t kind, uint32_t i,
		     uint32_t k)
{
	b1(e, 0x0f);
	b1(e, 0x80 | cc);
	add_stub(e, kind, i, k);
}

static void jmp_insn(struct em *e, uint32_t k)
{
	b1(e, 0xe9);
	if (e->n_fix == e->max_fix) {
		e->full = 1;
		return;
	}
	e->fix_at[e->n_fix] = (uint32_t)e->len;
	e->fix_to[e->n_fix++] = k;
	b4(e, 0);
}

static void jmp_epi(struct em *e)
{
	b1(e, 0xe9);
	b4(e, (uint32_t)(e->epi - (e->len + 4)));
}

/* Arrival at instruction k by a transfer: budget check, run totals. */
static void enter(struct em *e, uint32_t k)
{
	const struct nfpe_dinsn *di = &e->code[k];

	alu_ri(e, 0, 7, R12, di->run_n);
	jcc_stub(e, CC_B, S_BUDGET, 0, k);
	alu_ri(e, 0, 5, R12, di->run_n);
	alu_ri(e, 1, 0, R13, di->run_cost);
	if (di->run_stall)
		alu_ri(e, 1, 0, R14, di->run_stall);
}

static void set_carry(struct em *e)
{
	b1(e, 0x0f); b1(e, 0x92); b1(e, 0xc1);		/* setc cl */
	b1(e, 0x0f); b1(e, 0xb6); b1(e, 0xe9);		/* movzx ebp, cl */
}

static void carry_in(struct em *e)
{
	b1(e, 0x0f); b1(e, 0xba); b1(e, 0xe5); b1(e, 0);	/* bt ebp, 0 */
}

static void spill(struct em *e)
{
	op_m(e, 0, 0, 0x89, R12, R15, X(left));
	op_m(e, 0, 1, 0x89, R13, R15, X(issue));
	op_m(e, 0, 1, 0x89, R14, R15, X(stall));
	op_m(e, 0, 0, 0x89, RBP, R15, X(carry));
}

static uint32_t slow_op(struct xctx *c, uint32_t i);

/* slow_op(ctx, i); nonzero: fault in the middle of the run */
static void call_slow(struct em *e, uint32_t i)
{
	uint64_t fn = (uint64_t)(uintptr_t)slow_op;

	spill(e);
	op_r(e, 1, 0x89, R15, RDI);		/* mov rdi, r15 */
	mov_ri(e, RSI, i);
	b1(e, 0x48); b1(e, 0xb8);		/* mov rax, imm64 */
	b4(e, (uint32_t)fn);
	b4(e, (uint32_t)(fn >> 32));
	b1(e, 0xff); b1(e, 0xd0);		/* call rax */
	op_m(e, 0, 1, 0x8b, R14, R15, X(stall));
	b1(e, 0x85); b1(e, 0xc0);		/* test eax, eax */
	jcc_stub(e, CC_NE, S_FAULT_MID, i, 0);
}

static int br_cc(uint8_t op)
{
	static const uint8_t cc[12] = { CC_E, CC_NE, CC_A, CC_AE, CC_B,
		CC_BE, CC_G, CC_GE, CC_L, CC_LE, CC_NE, CC_E };

	return cc[(op - NFPE_OP_BEQ) >> 1];
}

/* eax = address of a memory access (checked unless LM absolute) */
static void mem_addr(struct em *e, uint8_t op, const struct nfpe_dinsn *di,
		     uint32_t i, uint32_t n)
{
	uint32_t sp = NFPE_OP_MEM_SPACE(op), kind = NFPE_OP_MEM_KIND(op);

	if (sp == NFPE_SPACE_LM && di->a == NFPE_RZ_IDX && kind < 2) {
		mov_ri(e, RAX, di->imm);	/* validated at load */
		return;
	}
	ld_g(e, RAX, di->a);
	alu_ri(e, 0, 0, RAX, di->imm);		/* zero-extends to rax */
	if (sp == NFPE_SPACE_MAP) {
		alu_ri(e, 0, 7, RAX, NFPE_MAP_RESERVED);
		jcc_stub(e, CC_B, S_FAULT_EAX, i, 0);
	}
	b1(e, 0x48); b1(e, 0x8d); b1(e, 0x48); b1(e, n);  /* lea rcx,[rax+n] */
	op_m(e, 0, 1, 0x3b, RCX, R15, sp == NFPE_SPACE_LM ? X(lmsz) :
	     sp == NFPE_SPACE_PKT ? X(pktsz) : X(mapsz));
	jcc_stub(e, CC_A, S_FAULT_EAX, i, 0);
	if (sp == NFPE_SPACE_MAP)
		op_m(e, 0, 1, 0x8b, RDX, R15, X(mapmem));
}

static void emit_mem(struct em *e, uint8_t op, const struct nfpe_dinsn *di,
		     uint32_t i)
{
	static const uint32_t ld_opc[3] = { 0x0fb6, 0x0fb7, 0x8b };
	static const uint32_t st_opc[3] = { 0x88, 0x89, 0x89 };
	uint32_t lg = NFPE_OP_MEM_LOG2(op), sp = NFPE_OP_MEM_SPACE(op);
	int base = sp == NFPE_SPACE_MAP ? RDX : RBX;
	int32_t off = sp == NFPE_SPACE_LM ? T(lm) : sp == NFPE_SPACE_PKT ?
		      T(pkt) : 0;

	mem_addr(e, op, di, i, 1u << lg);
	if (NFPE_OP_MEM_KIND(op) == 0) {
		if (lg == 3) {
			op_mi(e, 0, 0, 0x8b, RCX, base, RAX, 0, off);
			st_g(e, di->d, RCX);
			op_mi(e, 0, 0, 0x8b, RCX, base, RAX, 0, off + 4);
			st_g(e, di->d + 1u, RCX);
		} else {
			op_mi(e, 0, 0, ld_opc[lg], RCX, base, RAX, 0, off);
			st_g(e, di->d, RCX);
		}
		return;
	}
	ld_g(e, RCX, di->b);
	if (lg == 3) {
		op_mi(e, 0, 0, 0x89, RCX, base, RAX, 0, off);
		ld_g(e, RCX, di->c);
		op_mi(e, 0, 0, 0x89, RCX, base, RAX, 0, off + 4);
	} else {
		op_mi(e, lg == 1 ? 0x66 : 0, 0, st_opc[lg], RCX, base, RAX, 0,
		      off);
	}
}

/*
 * Atomic add: naturally aligned only (LM: the address, MAP: the host
 * address, as the interpreter checks); MAP with a locked add.
 */
static void emit_aadd(struct em *e, uint8_t op, const struct nfpe_dinsn *di,
		      uint32_t i)
{
	uint32_t n = 1u << NFPE_OP_MEM_LOG2(op), w = n == 8;
	int map = NFPE_OP_MEM_SPACE(op) == NFPE_SPACE_MAP;

	mem_addr(e, op, di, i, n);
	if (map) {
		/* lea rcx, [rdx+rax]; test ecx, imm32 */
		b1(e, 0x48); b1(e, 0x8d); b1(e, 0x0c); b1(e, 0x02);
		op_r(e, 0, 0xf7, 0, RCX);
	} else {
		b1(e, 0xa9);				/* test eax, imm32 */
	}
	b4(e, n - 1);
	jcc_stub(e, CC_NE, S_FAULT_EAX, i, 0);
	if (w) {
		ld_g(e, RCX, di->c);
		b1(e, 0x48); b1(e, 0xc1); b1(e, 0xe1); b1(e, 32);
		ld_g(e, RSI, di->b);			/* rcx = c:b */
		op_r(e, 1, 0x09, RSI, RCX);
	} else {
		ld_g(e, RCX, di->b);
	}
	if (map) {
		b1(e, 0xf0);				/* lock */
		op_mi(e, 0, (int)w, 0x01, RCX, RDX, RAX, 0, 0);
	} else {
		op_mi(e, 0, (int)w, 0x01, RCX, RBX, RAX, 0, T(lm));
	}
}

/* Returns 0, or nonzero if instruction i cannot be translated. */
static int emit_insn(struct em *e, uint8_t op, uint32_t i, uint32_t n)
{
	const struct nfpe_dinsn *di = &e->code[i];
	uint32_t d = di->d, a = di->a, b = di->b, imm = di->imm;

	switch (op) {
	case NFPE_OP_NOP:
		return 0;
	case NFPE_OP_MOV:
		ld_g(e, RAX, a);
		st_g(e, d, RAX);
		return 0;
	case NFPE_OP_IMMED:
		op_m(e, 0, 0, 0xc7, 0, RBX, GR(d));
		b4(e, imm);
		return 0;
	case NFPE_OP_ADD: case NFPE_OP_ADDC:
	case NFPE_OP_SUB: case NFPE_OP_SUBB:
		ld_g(e, RAX, a);
		if (op == NFPE_OP_ADDC || op == NFPE_OP_SUBB)
			carry_in(e);
		op_m(e, 0, 0, op == NFPE_OP_ADD ? 0x03 : op == NFPE_OP_ADDC ?
		     0x13 : op == NFPE_OP_SUB ? 0x2b : 0x1b, RAX, RBX, GR(b));
		st_g(e, d, RAX);
		set_carry(e);
		return 0;
	case NFPE_OP_ADDI: case NFPE_OP_ADDCI:
	case NFPE_OP_SUBI: case NFPE_OP_SUBBI:
		ld_g(e, RAX, a);
		if (op == NFPE_OP_ADDCI || op == NFPE_OP_SUBBI)
			carry_in(e);
		alu_ri(e, 0, op == NFPE_OP_ADDI ? 0 : op == NFPE_OP_ADDCI ? 2 :
		       op == NFPE_OP_SUBI ? 5 : 3, RAX, imm);
		st_g(e, d, RAX);
		set_carry(e);
		return 0;
	case NFPE_OP_RSUBI: case NFPE_OP_RSUBBI:
		mov_ri(e, RAX, imm);
		if (op == NFPE_OP_RSUBBI)
			carry_in(e);
		op_m(e, 0, 0, op == NFPE_OP_RSUBI ? 0x2b : 0x1b, RAX, RBX,
		     GR(a));
		st_g(e, d, RAX);
		set_carry(e);
		return 0;
	case NFPE_OP_AND: case NFPE_OP_OR: case NFPE_OP_XOR:
		ld_g(e, RAX, a);
		op_m(e, 0, 0, op == NFPE_OP_AND ? 0x23 : op == NFPE_OP_OR ?
		     0x0b : 0x33, RAX, RBX, GR(b));
		st_g(e, d, RAX);
		return 0;
	case NFPE_OP_ANDI: case NFPE_OP_ORI: case NFPE_OP_XORI:
		ld_g(e, RAX, a);
		alu_ri(e, 0, op == NFPE_OP_ANDI ? 4 : op == NFPE_OP_ORI ? 1 : 6,
		       RAX, imm);
		st_g(e, d, RAX);
		return 0;
	case NFPE_OP_SHL: case NFPE_OP_SHR: case NFPE_OP_ASR:
		ld_g(e, RCX, b);
		ld_g(e, RAX, a);
		op_r(e, 0, 0xd3, op == NFPE_OP_SHL ? 4 : op == NFPE_OP_SHR ?
		     5 : 7, RAX);
		st_g(e, d, RAX);
		return 0;
	case NFPE_OP_SHLI: case NFPE_OP_SHRI: case NFPE_OP_ASRI:
		if (imm > 31)
			return -1;
		ld_g(e, RAX, a);
		op_r(e, 0, 0xc1, op == NFPE_OP_SHLI ? 4 : op == NFPE_OP_SHRI ?
		     5 : 7, RAX);
		b1(e, imm);
		st_g(e, d, RAX);
		return 0;
	case NFPE_OP_MUL:
		ld_g(e, RAX, a);
		op_m(e, 0, 0, 0x0faf, RAX, RBX, GR(b));
		st_g(e, d, RAX);
		return 0;
	case NFPE_OP_MULI:
		op_m(e, 0, 0, 0x69, RAX, RBX, GR(a));
		b4(e, imm);
		st_g(e, d, RAX);
		return 0;
	case NFPE_OP_MULHU:
		ld_g(e, RAX, a);
		op_m(e, 0, 0, 0xf7, 4, RBX, GR(b));	/* mul dword [b] */
		st_g(e, d, RDX);
		return 0;
	case NFPE_OP_MULHUI:
		ld_g(e, RAX, a);
		mov_ri(e, RCX, imm);
		op_r(e, 0, 0xf7, 4, RCX);		/* mul ecx */
		st_g(e, d, RDX);
		return 0;
	case NFPE_OP_BSWAP16:
		op_m(e, 0, 0, 0x0fb7, RAX, RBX, GR(a));
		b1(e, 0x66); b1(e, 0xc1); b1(e, 0xc0); b1(e, 8); /* rol ax,8 */
		st_g(e, d, RAX);
		return 0;
	case NFPE_OP_BSWAP32:
		ld_g(e, RAX, a);
		b1(e, 0x0f); b1(e, 0xc8);		/* bswap eax */
		st_g(e, d, RAX);
		return 0;
	case NFPE_OP_DSHL: case NFPE_OP_DSHLI:
	case NFPE_OP_DSHR: case NFPE_OP_DSHRI:
	case NFPE_OP_DIVU: case NFPE_OP_DIVUI:
	case NFPE_OP_MODU: case NFPE_OP_MODUI:
	case NFPE_OP_DIVU64: case NFPE_OP_DIVU64I:
	case NFPE_OP_MODU64: case NFPE_OP_MODU64I:
	case NFPE_OP_ENG:
		call_slow(e, i);
		return 0;
	case NFPE_OP_AADD_LM32: case NFPE_OP_AADD_LM64:
	case NFPE_OP_AADD_MAP32: case NFPE_OP_AADD_MAP64:
		emit_aadd(e, op, di, i);
		return 0;
	case NFPE_OP_BR:
		enter(e, di->tgt);
		jmp_insn(e, di->tgt);
		return 0;
	case NFPE_OP_CALL:
		op_m(e, 0, 0, 0x8b, RAX, R15, X(sp));
		alu_ri(e, 0, 7, RAX, NFPE_CALL_DEPTH);
		jcc_stub(e, CC_AE, S_FAULT_END, i, NFPE_CALL_DEPTH);
		op_mi(e, 0, 0, 0xc7, 0, R15, RAX, 2, X(rstack));
		b4(e, i + 1);
		op_m(e, 0, 0, 0x81, 0, R15, X(sp));	/* add dword [sp], 1 */
		b4(e, 1);
		enter(e, di->tgt);
		jmp_insn(e, di->tgt);
		return 0;
	case NFPE_OP_RET:
		op_m(e, 0, 0, 0x8b, RAX, R15, X(sp));
		b1(e, 0x85); b1(e, 0xc0);		/* test eax, eax */
		jcc_stub(e, CC_E, S_FAULT_END, i, 0);
		alu_ri(e, 0, 5, RAX, 1);
		op_m(e, 0, 0, 0x89, RAX, R15, X(sp));
		op_mi(e, 0, 0, 0x8b, RAX, R15, RAX, 2, X(rstack));
		/* rcx = &code[eax]: the run totals of the return address */
		op_r(e, 0, 0x89, RAX, RCX);		/* mov ecx, eax */
		b1(e, 0x48); b1(e, 0xc1); b1(e, 0xe1); b1(e, 5); /* shl rcx,5 */
		op_m(e, 0, 1, 0x03, RCX, R15, X(code));
		op_m(e, 0, 0, 0x3b, R12, RCX,
		     (int32_t)offsetof(struct nfpe_dinsn, run_n));
		jcc_stub(e, CC_B, S_BUDGET_DYN, i, 0);
		op_m(e, 0, 0, 0x2b, R12, RCX,
		     (int32_t)offsetof(struct nfpe_dinsn, run_n));
		op_m(e, 0, 0, 0x8b, RDX, RCX,
		     (int32_t)offsetof(struct nfpe_dinsn, run_cost));
		op_r(e, 1, 0x01, RDX, R13);		/* add r13, rdx */
		op_m(e, 0, 0, 0x8b, RDX, RCX,
		     (int32_t)offsetof(struct nfpe_dinsn, run_stall));
		op_r(e, 1, 0x01, RDX, R14);
		op_m(e, 0, 1, 0x8b, RCX, R15, X(addr));
		b1(e, 0xff); b1(e, 0x24); b1(e, 0xc1);	/* jmp [rcx+rax*8] */
		return 0;
	case NFPE_OP_EXIT:
		ld_g(e, RAX, a);
		op_m(e, 0, 0, 0x89, RAX, R15, X(ret));
		op_m(e, 0, 0, 0xc7, 0, R15, X(kind));
		b4(e, K_OK);
		jmp_epi(e);
		return 0;
	case NFPE_OP_CSRRD:
		if (imm == NFPE_CSR_CYCLES) {
			/* everything up to and including this instruction */
			op_r(e, 0, 0x89, R13, RAX);	/* mov eax, r13d */
			op_r(e, 0, 0x01, R14, RAX);	/* add eax, r14d */
			alu_ri(e, 0, 5, RAX, di[1].run_cost + di[1].run_stall);
		} else {
			op_m(e, 0, 0, 0x8b, RAX, RBX, CSR(imm));
		}
		st_g(e, d, RAX);
		return 0;
	case NFPE_OP_CSRWR:
		ld_g(e, RAX, a);
		op_m(e, 0, 0, 0x89, RAX, RBX, CSR(imm));
		return 0;
	default:
		break;
	}
	if (op >= NFPE_OP_BEQ && op <= NFPE_OP_BCLRI) {
		int is_imm = op & 1, is_test = op >= NFPE_OP_BSET;

		if (i + 1 >= n)
			return -1;
		ld_g(e, RAX, a);
		if (is_imm && is_test) {
			b1(e, 0xa9);			/* test eax, imm32 */
			b4(e, imm);
		} else if (is_imm) {
			alu_ri(e, 0, 7, RAX, imm);
		} else {
			op_m(e, 0, 0, is_test ? 0x85 : 0x3b, RAX, RBX, GR(b));
		}
		jcc_stub(e, br_cc(op), S_TAKEN, i, di->tgt);
		enter(e, i + 1);		/* not taken: the next run */
		return 0;
	}
	if (NFPE_OP_IS_MEM(op) && NFPE_OP_MEM_KIND(op) < 2) {
		emit_mem(e, op, di, i);
		return 0;
	}
	return -1;
}

static void emit_stub(struct em *e, const struct stub *s)
{
	put4(e, s->patch, (uint32_t)(e->len - (s->patch + 4)));
	switch (s->kind) {
	case S_TAKEN:
		/* a taken branch costs one more issue cycle */
		b1(e, 0x49); b1(e, 0xff); b1(e, 0xc5);	/* inc r13 */
		enter(e, s->k);
		jmp_insn(e, s->k);
		return;
	case S_BUDGET_DYN:
		op_m(e, 0, 0, 0x89, RAX, R15, X(pc));
		break;
	case S_FAULT_EAX:
		op_m(e, 0, 0, 0x89, RAX, R15, X(fault_addr));
		/* fall through */
	default:
		op_m(e, 0, 0, 0xc7, 0, R15, X(pc));
		b4(e, s->kind == S_BUDGET ? s->k : s->i);
		if (s->kind == S_FAULT_END) {
			op_m(e, 0, 0, 0xc7, 0, R15, X(fault_addr));
			b4(e, s->k);
		}
		break;
	}
	op_m(e, 0, 0, 0xc7, 0, R15, X(kind));
	b4(e, s->kind == S_BUDGET || s->kind == S_BUDGET_DYN ? K_BUDGET :
	      s->kind == S_FAULT_END ? K_FAULT : K_FAULT_MID);
	jmp_epi(e);
}

static const uint8_t callee_saved[] = { RBX, RBP, R12, R13, R14, R15 };

static void prologue(struct em *e, uint32_t entry)
{
	uint32_t k;

	for (k = 0; k < sizeof(callee_saved); k++) {
		rex(e, 0, 0, 0, callee_saved[k], 0);
		b1(e, 0x50 + (callee_saved[k] & 7));
	}
	b1(e, 0x48); b1(e, 0x83); b1(e, 0xec); b1(e, 8);	/* sub rsp,8 */
	op_r(e, 1, 0x89, RDI, R15);			/* mov r15, rdi */
	op_m(e, 0, 1, 0x8b, RBX, R15, X(t));
	op_m(e, 0, 0, 0x8b, R12, R15, X(left));
	op_m(e, 0, 1, 0x8b, R13, R15, X(issue));
	op_m(e, 0, 1, 0x8b, R14, R15, X(stall));
	op_m(e, 0, 0, 0x8b, RBP, R15, X(carry));
	enter(e, entry);
	jmp_insn(e, entry);
	e->epi = (uint32_t)e->len;
	spill(e);
	b1(e, 0x48); b1(e, 0x83); b1(e, 0xc4); b1(e, 8);	/* add rsp,8 */
	for (k = sizeof(callee_saved); k-- > 0;) {
		rex(e, 0, 0, 0, callee_saved[k], 0);
		b1(e, 0x58 + (callee_saved[k] & 7));
	}
	b1(e, 0xc3);
}

/* ---- the slow operations, with the interpreter's semantics ---------- */

static const uint8_t *space_ptr(struct xctx *c, uint32_t sp, uint32_t addr,
				uint32_t n)
{
	if (sp == NFPE_SPACE_LM)
		return (uint64_t)addr + n <= c->lmsz ? c->t->lm + addr : NULL;
	if (sp == NFPE_SPACE_PKT)
		return (uint64_t)addr + n <= c->pktsz ? c->t->pkt + addr : NULL;
	return addr >= NFPE_MAP_RESERVED && (uint64_t)addr + n <= c->mapsz ?
	       c->mapmem + addr : NULL;
}

static uint32_t fault(struct xctx *c, uint32_t addr)
{
	c->fault_addr = addr;
	return 1;
}

static uint32_t slow_eng(struct xctx *c, const struct nfpe_dinsn *di,
			 uint32_t eng)
{
	uint32_t *r = c->t->gpr;
	uint32_t slot = r[di->a], kaddr = r[di->a + 2], vaddr = r[di->a + 4];
	const struct nfpe_env *env = c->env;
	const struct nfpe_prog_map *m = NULL;
	const uint8_t *kp = NULL, *vp;
	uint64_t v;

	if (eng <= NFPE_ENG_MAP_DELETE) {
		if (!c->maps || slot >= c->p->n_maps)
			return fault(c, slot);
		m = &c->p->map[slot];
		kp = space_ptr(c, di->b & 3, kaddr, m->key_size);
		if (!kp)
			return fault(c, kaddr);
	}
	switch (eng) {
	case NFPE_ENG_MAP_LOOKUP:
		v = nfpe_map_prog_lookup(c->maps, m->map_id, kp, c->t->core);
		c->stall += m->lat_lookup;
		break;
	case NFPE_ENG_MAP_UPDATE:
		vp = space_ptr(c, (di->b >> NFPE_ENG_F_VAL_SHIFT) & 3, vaddr,
			       m->value_size);
		if (!vp)
			return fault(c, vaddr);
		v = (uint64_t)(int64_t)nfpe_map_prog_update(c->maps, m->map_id,
				kp, vp, r[di->a + 6], c->t->core);
		c->stall += m->lat_update;
		break;
	case NFPE_ENG_MAP_DELETE:
		v = (uint64_t)(int64_t)nfpe_map_prog_delete(c->maps, m->map_id,
							    kp);
		c->stall += m->lat_delete;
		break;
	case NFPE_ENG_RANDOM:
		if (!env || !env->ops || !env->ops->random)
			return fault(c, 0);
		v = env->ops->random(env->ops->opaque);
		c->stall += di->tgt;	/* latency, set at load */
		break;
	case NFPE_ENG_KTIME:
		if (!env || !env->ops || !env->ops->ktime_ns)
			return fault(c, 0);
		v = env->ops->ktime_ns(env->ops->opaque);
		c->stall += di->tgt;
		break;
	default:
		v = (uint64_t)nfpe__eng_adj(c->t, (uint32_t)c->pktsz, eng,
					    (int32_t)slot);
		c->stall += di->tgt;
		break;
	}
	r[di->d] = (uint32_t)v;
	r[di->d + 1] = (uint32_t)(v >> 32);
	return 0;
}

static uint32_t slow_op(struct xctx *c, uint32_t i)
{
	const struct nfpe_dinsn *di = &c->code[i];
	uint32_t *r = c->t->gpr, op = c->op[i], x = r[di->a], y, k;
	uint64_t x64, y64, v;

	if (op >= 0x100)
		return slow_eng(c, di, op & 0xff);
	y = op & 1 ? di->imm : r[di->b];
	switch (op) {
	case NFPE_OP_DSHL: case NFPE_OP_DSHLI:
		k = op == NFPE_OP_DSHL ? r[di->c] & 31 : di->imm;
		r[di->d] = k ? (x << k) | (r[di->b] >> (32 - k)) : x;
		return 0;
	case NFPE_OP_DSHR: case NFPE_OP_DSHRI:
		k = op == NFPE_OP_DSHR ? r[di->c] & 31 : di->imm;
		y = r[di->b];
		r[di->d] = k ? (y >> k) | (x << (32 - k)) : y;
		return 0;
	case NFPE_OP_DIVU: case NFPE_OP_DIVUI:
		r[di->d] = y ? x / y : 0;
		return 0;
	case NFPE_OP_MODU: case NFPE_OP_MODUI:
		r[di->d] = y ? x % y : x;
		return 0;
	case NFPE_OP_DIVU64: case NFPE_OP_DIVU64I:
	case NFPE_OP_MODU64: case NFPE_OP_MODU64I:
		x64 = (uint64_t)x | (uint64_t)r[di->a + 1] << 32;
		y64 = op & 1 ? di->imm :
		      (uint64_t)r[di->b] | (uint64_t)r[di->b + 1] << 32;
		if (op <= NFPE_OP_DIVU64I)
			v = y64 ? x64 / y64 : 0;
		else
			v = y64 ? x64 % y64 : x64;
		r[di->d] = (uint32_t)v;
		r[di->d + 1] = (uint32_t)(v >> 32);
		return 0;
	default:
		break;
	}
	return 0;
}

/* ---- translation -------------------------------------------------- */

static void jit_free(struct nfpe_prog *p)
{
	struct x86jit *j = p->x86;

	if (!j)
		return;
	if (j->mem)
		munmap(j->mem, j->size);
	if (j->addr)
		p->alloc.free(p->alloc.opaque, j->addr);
	if (j->op)
		p->alloc.free(p->alloc.opaque, j->op);
	p->alloc.free(p->alloc.opaque, j);
	p->x86 = NULL;
	p->use_x86 = 0;
}

static void counter_add(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + v,
			 __ATOMIC_RELAXED);
}

/* The interpreter's set-up and `out:` (interp.c) around the code. */
static void jit_run(struct nfpe_prog *p, const struct nfpe_env *env,
		    struct nfpe_thread *t, struct nfpe_run_result *res)
{
	struct x86jit *j = p->x86;
	const struct nfpe_caps *caps = env && env->caps ? env->caps : &p->caps;
	struct xctx c;
	uint32_t status;

	/* every field the code reads is set (rstack: only what call wrote) */
	c.mapmem = NULL;
	c.mapsz = 0;
	c.issue = c.stall = 0;
	c.sp = 0;
	c.kind = K_FAULT;
	c.fault_addr = c.ret = c.pc = 0;
	c.maps = env ? env->maps : NULL;
	if (c.maps && c.maps == p->maps) {
		c.mapmem = p->mapmem;
		c.mapsz = p->mapsz;
	} else if (c.maps) {
		uint32_t size = 0;

		c.mapmem = nfpe_maps_mem(c.maps, &size);
		c.mapsz = c.mapmem ? size : 0;
		c.maps = NULL;
	}
	t->gpr[NFPE_RZ_IDX] = 0;
	c.lmsz = nfpe__lm_size(caps);
	c.pktsz = nfpe__pkt_size(caps);
	c.left = caps->insn_budget;
	c.carry = t->carry & 1;
	c.code = p->code;
	c.addr = j->addr;
	c.t = t;
	c.p = p;
	c.env = env;
	c.op = j->op;
	j->fn(&c);

	if (c.kind == K_FAULT_MID) {
		const struct nfpe_dinsn *nx = &p->code[c.pc + 1];

		c.left += nx->run_n;
		c.issue -= nx->run_cost;
		c.stall -= nx->run_stall;
	}
	status = c.kind == K_OK ? NFPE_RUN_OK : c.kind == K_BUDGET ?
		 NFPE_RUN_BUDGET : NFPE_RUN_FAULT;
	t->carry = c.carry;
	res->status = status;
	res->ret = c.kind == K_OK ? c.ret : 0;
	res->fault_pc = status == NFPE_RUN_OK ? 0 : c.pc;
	res->fault_addr = c.kind == K_OK || c.kind == K_BUDGET ? 0 :
			  c.fault_addr;
	res->insns = caps->insn_budget - c.left;
	res->stall = c.stall;
	res->cycles = c.issue + c.stall;
	t->csr[NFPE_CSR_CYCLES] = (uint32_t)res->cycles;
	counter_add(&p->ctr.runs, 1);
	counter_add(&p->ctr.insns, res->insns);
	counter_add(&p->ctr.cycles, res->cycles);
	if (status != NFPE_RUN_OK)
		counter_add(&p->ctr.errors, 1);
}

static void why(struct nfpe_prog *p, const char *msg)
{
	size_t k;

	for (k = 0; msg[k] && k + 1 < sizeof(p->x86_why); k++)
		p->x86_why[k] = msg[k];
	p->x86_why[k] = 0;
}

/* Bytes of code per instruction at most, stubs included (generous). */
#define MAX_PER_INSN	320

static void translate(struct nfpe_prog *p)
{
	const struct nfpe_alloc *a = &p->alloc;
	uint32_t n = p->n_insns, i;
	struct x86jit *j;
	struct em e;
	uint8_t *mem;

	__builtin_memset(&e, 0, sizeof(e));
	j = a->alloc(a->opaque, sizeof(*j));
	if (!j) {
		why(p, "out of memory");
		return;
	}
	p->x86 = j;
	e.code = p->code;
	e.cap = (size_t)n * MAX_PER_INSN + 512;
	e.max_stub = 4 * n + 4;
	e.max_fix = 2 * n + 4;
	e.buf = a->alloc(a->opaque, e.cap);
	e.stub = a->alloc(a->opaque, e.max_stub * sizeof(*e.stub));
	e.fix_at = a->alloc(a->opaque, e.max_fix * 4);
	e.fix_to = a->alloc(a->opaque, e.max_fix * 4);
	e.off = a->alloc(a->opaque, (size_t)n * 4);
	j->addr = a->alloc(a->opaque, (size_t)n * sizeof(void *));
	j->op = a->alloc(a->opaque, (size_t)n * 2);
	if (!e.buf || !e.stub || !e.fix_at || !e.fix_to || !e.off ||
	    !j->addr || !j->op) {
		why(p, "out of memory");
		goto fail;
	}
	for (i = 0; i < n; i++) {
		const struct nfpe_dinsn *di = &p->code[i];
		uint8_t op = (uint8_t)(uintptr_t)di->h;

		if (di->run_cost >= 1u << 30 || di->run_stall >= 1u << 30) {
			why(p, "run cycle totals too large");
			goto fail;
		}
		j->op[i] = op == NFPE_OP_ENG ? (uint16_t)(0x100 | di->tgt) : op;
	}
	prologue(&e, p->entry);
	for (i = 0; i < n && !e.full; i++) {
		e.off[i] = (uint32_t)e.len;
		if (emit_insn(&e, (uint8_t)(uintptr_t)p->code[i].h, i, n)) {
			why(p, "an instruction the translator does not take");
			goto fail;
		}
	}
	for (i = 0; i < e.n_stub && !e.full; i++)
		emit_stub(&e, &e.stub[i]);
	if (e.full) {
		why(p, "translation buffer overflow");
		goto fail;
	}
	for (i = 0; i < e.n_fix; i++)
		put4(&e, e.fix_at[i],
		     e.off[e.fix_to[i]] - (e.fix_at[i] + 4));
	j->size = (e.len + 4095) & ~(size_t)4095;
	mem = mmap(NULL, j->size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		why(p, "mmap failed");
		goto fail;
	}
	j->mem = mem;
	__builtin_memcpy(mem, e.buf, e.len);
	if (mprotect(mem, j->size, PROT_READ | PROT_EXEC)) {
		why(p, "mprotect to read+execute failed");
		goto fail;
	}
	for (i = 0; i < n; i++)
		j->addr[i] = mem + e.off[i];
	j->fn = (void (*)(struct xctx *))(void *)mem;
	p->x86_run = jit_run;
	p->x86_free = jit_free;
	goto out;
fail:
	jit_free(p);
out:
	if (e.buf)
		a->free(a->opaque, e.buf);
	if (e.stub)
		a->free(a->opaque, e.stub);
	if (e.fix_at)
		a->free(a->opaque, e.fix_at);
	if (e.fix_to)
		a->free(a->opaque, e.fix_to);
	if (e.off)
		a->free(a->opaque, e.off);
}

int nfpe_x86jit_enable(int on)
{
	nfpe__x86jit_hook = on ? translate : NULL;
	return 0;
}

#else	/* !__x86_64__ */

int nfpe_x86jit_enable(int on)
{
	(void)on;
	return -NFPE_EOPNOTSUPP;
}

#endif
