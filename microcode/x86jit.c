/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86jit.c - translator of pre-decoded microcode to x86-64 machine code
 * (the "device JIT"), run by nfpe_run instead of the interpreter when
 * chosen with nfpe_prog_set_exec().
 *
 * A template translator: one fixed x86 sequence per instruction, guest
 * registers, CSRs, LM and PKT addressed in struct nfpe_thread off rdx,
 * the run state in caller-saved registers (r9d instructions left, r10
 * issue cycles, r11 stall cycles, rcx the result, rdi the per-program
 * context struct xctx, x86jit.h; rax, rsi, r8 scratch); t and res stay
 * in the registers nfpe_run passes them in.  The carry is in ebx (the
 * only register pushed) in programs that read it, else in t->carry.
 * nfpe_run calls the code directly: its entry checks that the context
 * was prepared for the run's caps and maps (else the C runtime prepares
 * it), EXIT writes the result, the CYCLES CSR and the program counters
 * itself.  The accounting is the interpreter's (interp.c): a
 * control transfer to instruction k checks and adds k's run totals
 * (enter), straight-line code does none; a fault in the middle of a
 * run, a budget stop and the call/ret faults leave through stubs
 * placed after the code, which store a kind and a pc and finish in C
 * exactly as the interpreter's `out:` does (x86jit-rt.c).  Rare or
 * complex operations (funnel shifts, division, engine commands) call
 * nfpe__x86_slow_op() in C.
 */
#include "x86jit.h"

#ifdef __x86_64__
#include <cpuid.h>
#include <sys/mman.h>
#include <stddef.h>

struct x86jit {
	uint8_t *mem;			/* context page, then the code */
	size_t size;
	void **addr;			/* [n_insns] */
	uint16_t *op;			/* [n_insns] opcode, ENG: 0x100|engine */
};

#define X(m)	((int32_t)offsetof(struct xctx, m))
#define T(m)	((int32_t)offsetof(struct nfpe_thread, m))
#define R(m)	((int32_t)offsetof(struct nfpe_run_result, m))
#define GR(i)	(T(gpr) + 4 * (int32_t)(i))
#define CSR(i)	(T(csr) + 4 * (int32_t)(i))

enum {
	RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
	R8, R9, R10, R11, R12, R13, R14, R15
};
/* the run state: all caller-saved (see the top) */
#define CTX	RDI		/* struct xctx */
#define TB	RDX		/* struct nfpe_thread (the argument t) */
#define RES	RCX		/* struct nfpe_run_result (the argument res) */
#define LEFT	R9		/* instructions left (32 bits) */
#define ISSUE	R10
#define STALL	R11
#define T1	RSI		/* scratch, with rax */
#define T2	R8
enum {
	CC_B = 2, CC_AE, CC_E, CC_NE, CC_BE, CC_A,
	CC_L = 0xc, CC_GE, CC_LE, CC_G
};
/* stubs after the code: S_BUDGET_T is a budget stop after a taken branch */
enum {
	S_TAKEN, S_BUDGET, S_BUDGET_T, S_BUDGET_ENTRY, S_BUDGET_DYN,
	S_FAULT_EAX, S_FAULT_MID, S_FAULT_END
};

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
	uint32_t slow_exit;		/* stores the run state, finishes in C */
	const struct nfpe_dinsn *code;
	uint64_t ctx;			/* address of struct xctx */
	uint64_t ctr;			/* address of the program's counters */
	uint64_t map;			/* address of the program's map slots */
	uint32_t n_maps;
	int creg;			/* the carry lives in ebx */
	int pushed;			/* rbx pushed: the stack is aligned */
	int bmi2;			/* shlx/shrx/sarx for register shifts */
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
	/* a byte store of sil/dil (reg 6, 7) needs a REX prefix */
	rex(e, w, reg, idx, base, opc == 0x88 && reg >= 4 && reg < 8);
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
	op_m(e, 0, 0, 0x8b, r, TB, GR(g));
}

static void st_g(struct em *e, uint32_t g, int r)
{
	op_m(e, 0, 0, 0x89, r, TB, GR(g));
}

static void mov_ri64(struct em *e, int r, uint64_t imm)
{
	rex(e, 1, 0, 0, r, 0);
	b1(e, 0xb8 + (r & 7));
	b4(e, (uint32_t)imm);
	b4(e, (uint32_t)(imm >> 32));
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

static void jmp_to(struct em *e, uint32_t at)
{
	b1(e, 0xe9);
	b4(e, (uint32_t)(at - (e->len + 4)));
}

/* jcc/jmp to a label emitted later: returns where to patch (fwd_here) */
static uint32_t jcc_fwd(struct em *e, int cc)
{
	if (cc >= 0) {
		b1(e, 0x0f);
		b1(e, 0x80 | cc);
	} else {
		b1(e, 0xe9);
	}
	b4(e, 0);
	return (uint32_t)e->len - 4;
}

static void fwd_here(struct em *e, uint32_t at)
{
	put4(e, at, (uint32_t)(e->len - (at + 4)));
}

static void jcc_to(struct em *e, int cc, uint32_t at)
{
	b1(e, 0x0f);
	b1(e, 0x80 | cc);
	b4(e, (uint32_t)(at - (e->len + 4)));
}

/*
 * Arrival at instruction k by a transfer: budget check, run totals
 * (plus the extra issue cycle of a taken branch).  The budget stub adds
 * the run length back to r9d.
 */
static void enter_x(struct em *e, uint32_t k, uint32_t extra)
{
	const struct nfpe_dinsn *di = &e->code[k];

	alu_ri(e, 0, 5, LEFT, di->run_n);		/* sub: CF if short */
	jcc_stub(e, CC_B, extra ? S_BUDGET_T : S_BUDGET, 0, k);
	alu_ri(e, 1, 0, ISSUE, di->run_cost + extra);
	if (di->run_stall)
		alu_ri(e, 1, 0, STALL, di->run_stall);
}

static void enter(struct em *e, uint32_t k)
{
	enter_x(e, k, 0);
}

/*
 * The carry: in ebx (pushed at entry, stored back at the end) in
 * programs that read it (addc, subb, ...), where a chain through memory
 * costs a store-to-load forwarding per link; else only written, in the
 * low byte of t->carry (0 or 1; the entry clears the other bits).
 * Without ebx, carry_in reads it with a byte-sized access, so the load
 * is forwarded from setc's byte store (a wider load would stall until
 * the store retires): adding 0xff sets CF exactly when the byte is 1.
 * It leaves 0 or 0xff in the byte, but every instruction that takes the
 * carry in also sets it (setc) right after.
 */
static void set_carry(struct em *e)
{
	if (e->creg) {
		b1(e, 0x0f); b1(e, 0x92); b1(e, 0xc3);	/* setc bl */
		return;
	}
	op_m(e, 0, 0, 0x0f92, 0, TB, T(carry));		/* setc [carry] */
}

static void carry_in(struct em *e)
{
	if (e->creg) {
		b1(e, 0x0f); b1(e, 0xba); b1(e, 0xe3); b1(e, 0); /* bt ebx, 0 */
		return;
	}
	op_m(e, 0, 0, 0x80, 0, TB, T(carry));		/* add [carry], 0xff */
	b1(e, 0xff);
}

/*
 * The run state's registers and their context fields, moved with OPC:
 * 0x89 (mov to memory) or 0x8b (mov from memory).  One list, so the
 * spill and the reload cannot disagree.
 */
static void move_state(struct em *e, uint32_t opc)
{
	op_m(e, 0, 1, opc, TB, CTX, X(t));
	op_m(e, 0, 0, opc, LEFT, CTX, X(left));
	op_m(e, 0, 1, opc, ISSUE, CTX, X(issue));
	op_m(e, 0, 1, opc, STALL, CTX, X(stall));
	op_m(e, 0, 1, opc, RES, CTX, X(res));
}

/* The run state into the context, for the C runtime... */
static void spill(struct em *e)
{
	move_state(e, 0x89);
}

/* ...and back after the C call (it may have changed them) */
static void unspill(struct em *e)
{
	move_state(e, 0x8b);
}

/*
 * call fn (rdi is the context): rsp is 8 off 16-byte alignment in the
 * code, 16-byte aligned with rbx pushed
 */
static void call_c(struct em *e, const void *fn)
{
	if (!e->pushed)
		alu_ri(e, 1, 5, RSP, 8);
	mov_ri64(e, RAX, (uint64_t)(uintptr_t)fn);
	b1(e, 0xff); b1(e, 0xd0);			/* call rax */
	if (!e->pushed)
		alu_ri(e, 1, 0, RSP, 8);
	mov_ri64(e, CTX, e->ctx);
}

/* ebx (the carry register, if any) back to t->carry, rbx restored */
static void carry_out(struct em *e)
{
	if (!e->creg)
		return;
	op_m(e, 0, 0, 0x89, RBX, TB, T(carry));
	b1(e, 0x5b);					/* pop rbx */
}

/* nfpe__x86_slow_op(ctx, i); nonzero: fault in the middle of the run */
static void call_slow(struct em *e, uint32_t i)
{
	spill(e);
	mov_ri(e, RSI, i);
	call_c(e, (const void *)nfpe__x86_slow_op);
	unspill(e);
	b1(e, 0x85); b1(e, 0xc0);		/* test eax, eax */
	jcc_stub(e, CC_NE, S_FAULT_MID, i, 0);
}

/*
 * BMI2 (shifts by a register without cl): the CPU's, checked by
 * nfpe_x86jit_enable (struct em's bmi2: what a translation uses).
 */
static int cpu_bmi2;
int nfpe__x86jit_no_bmi2;

static int br_cc(uint8_t op)
{
	static const uint8_t cc[12] = { CC_E, CC_NE, CC_A, CC_AE, CC_B,
		CC_BE, CC_G, CC_GE, CC_L, CC_LE, CC_NE, CC_E };

	return cc[(op - NFPE_OP_BEQ) >> 1];
}

/*
 * eax = address of a memory access (checked unless LM absolute); r8 =
 * the map memory for MAP
 */
static void mem_addr(struct em *e, uint8_t op, const struct nfpe_dinsn *di,
		     uint32_t i, uint32_t n)
{
	uint32_t sp = NFPE_OP_MEM_SPACE(op), kind = NFPE_OP_MEM_KIND(op);

	if (sp == NFPE_SPACE_LM && di->a == NFPE_RZ_IDX && kind < 2) {
		mov_ri(e, RAX, di->imm);	/* validated at load */
		return;
	}
	ld_g(e, RAX, di->a);			/* zero-extends to rax */
	if (di->imm)
		alu_ri(e, 0, 0, RAX, di->imm);
	if (sp == NFPE_SPACE_MAP) {
		alu_ri(e, 0, 7, RAX, NFPE_MAP_RESERVED);
		jcc_stub(e, CC_B, S_FAULT_EAX, i, 0);
	}
	/* addr + n <= size, as addr <= size - n (signed: may be < 0) */
	op_m(e, 0, 1, 0x3b, RAX, CTX, X(lim) + 8 * (int32_t)(4 * sp +
	     (uint32_t)__builtin_ctz(n)));
	jcc_stub(e, CC_G, S_FAULT_EAX, i, 0);
	if (sp == NFPE_SPACE_MAP)
		op_m(e, 0, 1, 0x8b, T2, CTX, X(mapmem));
}

static void emit_mem(struct em *e, uint8_t op, const struct nfpe_dinsn *di,
		     uint32_t i)
{
	static const uint32_t ld_opc[3] = { 0x0fb6, 0x0fb7, 0x8b };
	static const uint32_t st_opc[3] = { 0x88, 0x89, 0x89 };
	uint32_t lg = NFPE_OP_MEM_LOG2(op), sp = NFPE_OP_MEM_SPACE(op);
	int base = sp == NFPE_SPACE_MAP ? T2 : TB;
	int32_t off = sp == NFPE_SPACE_LM ? T(lm) : sp == NFPE_SPACE_PKT ?
		      T(pkt) : 0;

	mem_addr(e, op, di, i, 1u << lg);
	if (NFPE_OP_MEM_KIND(op) == 0) {
		if (lg == 3) {
			op_mi(e, 0, 0, 0x8b, T1, base, RAX, 0, off);
			st_g(e, di->d, T1);
			op_mi(e, 0, 0, 0x8b, T1, base, RAX, 0, off + 4);
			st_g(e, di->d + 1u, T1);
		} else {
			op_mi(e, 0, 0, ld_opc[lg], T1, base, RAX, 0, off);
			st_g(e, di->d, T1);
		}
		return;
	}
	ld_g(e, T1, di->b);
	if (lg == 3) {
		op_mi(e, 0, 0, 0x89, T1, base, RAX, 0, off);
		ld_g(e, T1, di->c);
		op_mi(e, 0, 0, 0x89, T1, base, RAX, 0, off + 4);
	} else {
		op_mi(e, lg == 1 ? 0x66 : 0, 0, st_opc[lg], T1, base, RAX, 0,
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
		op_mi(e, 0, 1, 0x8d, T1, T2, RAX, 0, 0); /* lea rsi,[r8+rax] */
		op_r(e, 0, 0xf7, 0, T1);		/* test esi, imm32 */
	} else {
		b1(e, 0xa9);				/* test eax, imm32 */
	}
	b4(e, n - 1);
	jcc_stub(e, CC_NE, S_FAULT_EAX, i, 0);
	/* the value in rax (MAP: host address in rsi) or rsi (LM) */
	if (map) {
		ld_g(e, RAX, w ? di->c : di->b);
		if (w) {
			b1(e, 0x48); b1(e, 0xc1); b1(e, 0xe0); b1(e, 32);
			ld_g(e, T2, di->b);		/* rax = c:b */
			op_r(e, 1, 0x09, T2, RAX);
		}
		b1(e, 0xf0);				/* lock */
		op_m(e, 0, (int)w, 0x01, RAX, T1, 0);
	} else {
		ld_g(e, T1, w ? di->c : di->b);
		if (w) {
			op_r(e, 1, 0xc1, 4, T1);	/* shl rsi, 32 */
			b1(e, 32);
			ld_g(e, T2, di->b);		/* rsi = c:b */
			op_r(e, 1, 0x09, T2, T1);
		}
		op_mi(e, 0, (int)w, 0x01, T1, TB, RAX, 0, T(lm));
	}
}

/*
 * EXIT: the interpreter's `out:` for a normal end, inline: the result,
 * the CYCLES CSR and the program counters (single writer: a plain add
 * is one untorn 8-byte store for concurrent readers), then return.
 */
static void emit_exit(struct em *e, uint32_t a)
{
	ld_g(e, RAX, a);
	b1(e, 0x48); b1(e, 0xc1); b1(e, 0xe0); b1(e, 32);	/* shl rax,32 */
	op_m(e, 0, 1, 0x89, RAX, RES, R(status));	/* status 0, ret */
	op_m(e, 0, 1, 0xc7, 0, RES, R(fault_pc));	/* and fault_addr */
	b4(e, 0);
	op_m(e, 0, 0, 0x8b, T1, CTX, X(budget));
	op_r(e, 0, 0x29, LEFT, T1);			/* sub esi, r9d */
	op_m(e, 0, 1, 0x89, T1, RES, R(insns));
	op_m(e, 0, 1, 0x89, STALL, RES, R(stall));
	op_mi(e, 0, 1, 0x8d, RAX, ISSUE, STALL, 0, 0);	/* lea rax,[r10+r11] */
	op_m(e, 0, 1, 0x89, RAX, RES, R(cycles));
	op_m(e, 0, 0, 0x89, RAX, TB, CSR(NFPE_CSR_CYCLES));
	mov_ri64(e, T2, e->ctr);
	op_m(e, 0, 1, 0x81, 0, T2,
	     (int32_t)offsetof(struct nfpe_prog_counters, runs));
	b4(e, 1);
	op_m(e, 0, 1, 0x01, T1, T2,
	     (int32_t)offsetof(struct nfpe_prog_counters, insns));
	op_m(e, 0, 1, 0x01, RAX, T2,
	     (int32_t)offsetof(struct nfpe_prog_counters, cycles));
	carry_out(e);
	b1(e, 0xc3);					/* ret */
}

/*
 * Map lookup, the most frequent engine command: the checks of
 * nfpe__x86_slow_op inline (slot in r[a], key at r[a+2] in the space
 * the b flags name, faults with the same address) and a direct call of
 * nfpe_map_prog_lookup(maps, map_id, key, core).
 */
static void emit_lookup(struct em *e, const struct nfpe_dinsn *di,
			uint32_t i)
{
	uint32_t sp = di->b & 3;
	int32_t lim = sp == NFPE_SPACE_LM ? X(lmsz) : sp == NFPE_SPACE_PKT ?
		      X(pktsz) : X(mapsz);

	ld_g(e, RAX, di->a);				/* slot */
	op_m(e, 0, 1, 0x83, 7, CTX, X(maps));		/* cmp [maps], 0 */
	b1(e, 0);
	jcc_stub(e, CC_E, S_FAULT_EAX, i, 0);
	alu_ri(e, 0, 7, RAX, e->n_maps);
	jcc_stub(e, CC_AE, S_FAULT_EAX, i, 0);
	op_r(e, 0, 0x69, T1, RAX);			/* imul esi, eax, */
	b4(e, sizeof(struct nfpe_prog_map));
	mov_ri64(e, T2, e->map);
	op_r(e, 1, 0x01, T1, T2);			/* r8 = &map[slot] */
	ld_g(e, RAX, di->a + 2u);			/* key address */
	if (sp != NFPE_SPACE_LM && sp != NFPE_SPACE_PKT) {
		alu_ri(e, 0, 7, RAX, NFPE_MAP_RESERVED);
		jcc_stub(e, CC_B, S_FAULT_EAX, i, 0);
	}
	op_m(e, 0, 0, 0x8b, T1, T2,
	     (int32_t)offsetof(struct nfpe_prog_map, key_size));
	op_r(e, 1, 0x01, RAX, T1);			/* add rsi, rax */
	op_m(e, 0, 1, 0x3b, T1, CTX, lim);
	jcc_stub(e, CC_A, S_FAULT_EAX, i, 0);
	if (sp == NFPE_SPACE_LM || sp == NFPE_SPACE_PKT)
		op_mi(e, 0, 1, 0x8d, RAX, TB, RAX, 0, sp == NFPE_SPACE_LM ?
		      T(lm) : T(pkt));			/* lea rax, [t+..] */
	else
		op_m(e, 0, 1, 0x03, RAX, CTX, X(mapmem));
	/* the engine's latency now: r8 is lost in the call */
	op_m(e, 0, 0, 0x8b, T1, T2,
	     (int32_t)offsetof(struct nfpe_prog_map, lat_lookup));
	op_r(e, 1, 0x01, T1, STALL);
	spill(e);
	op_m(e, 0, 0, 0x8b, RCX, TB, T(core));
	op_m(e, 0, 0, 0x8b, RSI, T2,
	     (int32_t)offsetof(struct nfpe_prog_map, map_id));
	op_r(e, 1, 0x89, RAX, RDX);			/* mov rdx, rax */
	op_m(e, 0, 1, 0x8b, RDI, CTX, X(maps));
	call_c(e, (const void *)nfpe_map_prog_lookup);
	unspill(e);
	st_g(e, di->d, RAX);
	op_m(e, 0, 0, 0xc7, 0, TB, GR(di->d + 1u));
	b4(e, 0);
}

/*
 * Group-1 ALU d = a OP b (digit: 0 add 1 or 2 adc 3 sbb 4 and 5 sub
 * 6 xor; cin: the carry in), in place on d's register slot when d is
 * a (or b, for the commutative ones): flags and result are the same.
 */
static void alu_rr(struct em *e, int digit, int cin, uint32_t d, uint32_t a,
		   uint32_t b)
{
	int comm = digit != 3 && digit != 5;

	if (cin)		/* adc/sbb instead of add/sub */
		digit = digit == 0 ? 2 : 3;
	if (d == a || (comm && d == b)) {
		ld_g(e, RAX, d == a ? b : a);
		if (cin)
			carry_in(e);
		op_m(e, 0, 0, (uint32_t)(digit << 3 | 1), RAX, TB, GR(d));
		return;
	}
	ld_g(e, RAX, a);
	if (cin)
		carry_in(e);
	op_m(e, 0, 0, (uint32_t)(digit << 3 | 3), RAX, TB, GR(b));
	st_g(e, d, RAX);
}

/* d = a OP imm, the same (digit already adc/sbb where cin) */
static void alu_imm(struct em *e, int digit, int cin, uint32_t d,
		    uint32_t a, uint32_t imm)
{
	if (d == a) {
		if (cin)
			carry_in(e);
		op_m(e, 0, 0, 0x81, digit, TB, GR(d));
		b4(e, imm);
		return;
	}
	ld_g(e, RAX, a);
	if (cin)
		carry_in(e);
	alu_ri(e, 0, digit, RAX, imm);
	st_g(e, d, RAX);
}

/*
 * adj_head/tail/meta: a direct call of nfpe__eng_adj(t, pktsz, engine,
 * r[a]) as nfpe__x86_slow_op makes it (they cannot fault), the
 * engine's latency (interp.c sets the same at load) and the result.
 */
static void emit_adj(struct em *e, const struct nfpe_dinsn *di)
{
	spill(e);
	op_m(e, 0, 0, 0x8b, RSI, CTX, X(pktsz));
	op_m(e, 0, 0, 0x8b, RCX, TB, GR(di->a));
	op_r(e, 1, 0x89, TB, RDI);			/* mov rdi, rdx (t) */
	mov_ri(e, RDX, di->tgt);
	call_c(e, (const void *)nfpe__eng_adj);
	unspill(e);
	alu_ri(e, 1, 0, STALL, nfpe__eng_latency(di->tgt, 0, 0));
	st_g(e, di->d, RAX);
	b1(e, 0x48); b1(e, 0xc1); b1(e, 0xe8); b1(e, 32);	/* shr rax,32 */
	st_g(e, di->d + 1u, RAX);
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
		op_m(e, 0, 0, 0xc7, 0, TB, GR(d));
		b4(e, imm);
		return 0;
	case NFPE_OP_ADD: case NFPE_OP_ADDC:
	case NFPE_OP_SUB: case NFPE_OP_SUBB:
		alu_rr(e, op == NFPE_OP_ADD || op == NFPE_OP_ADDC ? 0 :
		       op == NFPE_OP_SUB ? 5 : 5, op == NFPE_OP_ADDC ||
		       op == NFPE_OP_SUBB, d, a, b);
		set_carry(e);
		return 0;
	case NFPE_OP_ADDI: case NFPE_OP_ADDCI:
	case NFPE_OP_SUBI: case NFPE_OP_SUBBI:
		alu_imm(e, op == NFPE_OP_ADDI ? 0 : op == NFPE_OP_ADDCI ? 2 :
			op == NFPE_OP_SUBI ? 5 : 3, op == NFPE_OP_ADDCI ||
			op == NFPE_OP_SUBBI, d, a, imm);
		set_carry(e);
		return 0;
	case NFPE_OP_RSUBI: case NFPE_OP_RSUBBI:
		mov_ri(e, RAX, imm);
		if (op == NFPE_OP_RSUBBI)
			carry_in(e);
		op_m(e, 0, 0, op == NFPE_OP_RSUBI ? 0x2b : 0x1b, RAX, TB,
		     GR(a));
		st_g(e, d, RAX);
		set_carry(e);
		return 0;
	case NFPE_OP_AND: case NFPE_OP_OR: case NFPE_OP_XOR:
		alu_rr(e, op == NFPE_OP_AND ? 4 : op == NFPE_OP_OR ? 1 : 6, 0,
		       d, a, b);
		return 0;
	case NFPE_OP_ANDI: case NFPE_OP_ORI: case NFPE_OP_XORI:
		alu_imm(e, op == NFPE_OP_ANDI ? 4 : op == NFPE_OP_ORI ? 1 : 6,
			0, d, a, imm);
		return 0;
	case NFPE_OP_SHL: case NFPE_OP_SHR: case NFPE_OP_ASR:
		ld_g(e, RAX, a);
		ld_g(e, T1, b);
		if (e->bmi2) {
			/* shlx/shrx/sarx eax, eax, esi */
			b1(e, 0xc4); b1(e, 0xe2);
			b1(e, op == NFPE_OP_SHL ? 0x49 : op == NFPE_OP_SHR ?
			   0x4b : 0x4a);
			b1(e, 0xf7); b1(e, 0xc0);
			st_g(e, d, RAX);
			return 0;
		}
		/* the count in cl: res (rcx) aside meanwhile */
		op_r(e, 1, 0x89, RES, T2);		/* mov r8, rcx */
		op_r(e, 0, 0x89, T1, RCX);		/* mov ecx, esi */
		op_r(e, 0, 0xd3, op == NFPE_OP_SHL ? 4 : op == NFPE_OP_SHR ?
		     5 : 7, RAX);
		op_r(e, 1, 0x89, T2, RES);		/* mov rcx, r8 */
		st_g(e, d, RAX);
		return 0;
	case NFPE_OP_SHLI: case NFPE_OP_SHRI: case NFPE_OP_ASRI:
		if (imm > 31)
			return -1;
		if (d == a) {		/* in place: shl dword [d], imm */
			op_m(e, 0, 0, 0xc1, op == NFPE_OP_SHLI ? 4 :
			     op == NFPE_OP_SHRI ? 5 : 7, TB, GR(d));
			b1(e, imm);
			return 0;
		}
		ld_g(e, RAX, a);
		op_r(e, 0, 0xc1, op == NFPE_OP_SHLI ? 4 : op == NFPE_OP_SHRI ?
		     5 : 7, RAX);
		b1(e, imm);
		st_g(e, d, RAX);
		return 0;
	case NFPE_OP_MUL:
		ld_g(e, RAX, a);
		op_m(e, 0, 0, 0x0faf, RAX, TB, GR(b));
		st_g(e, d, RAX);
		return 0;
	case NFPE_OP_MULI:
		op_m(e, 0, 0, 0x69, RAX, TB, GR(a));
		b4(e, imm);
		st_g(e, d, RAX);
		return 0;
	case NFPE_OP_MULHU: case NFPE_OP_MULHUI:
		/* 32x32 -> 64 in one 64-bit multiply (rdx is t) */
		ld_g(e, RAX, a);
		if (op == NFPE_OP_MULHU)
			ld_g(e, T1, b);
		else
			mov_ri(e, T1, imm);
		op_r(e, 1, 0x0faf, RAX, T1);		/* imul rax, rsi */
		b1(e, 0x48); b1(e, 0xc1); b1(e, 0xe8); b1(e, 32); /* shr rax */
		st_g(e, d, RAX);
		return 0;
	case NFPE_OP_BSWAP16:
		op_m(e, 0, 0, 0x0fb7, RAX, TB, GR(a));
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
		if (di->tgt == NFPE_ENG_MAP_LOOKUP)
			emit_lookup(e, di, i);
		else if (di->tgt >= NFPE_ENG_ADJ_HEAD)
			emit_adj(e, di);
		else
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
		op_m(e, 0, 0, 0x8b, RAX, CTX, X(sp));
		alu_ri(e, 0, 7, RAX, NFPE_CALL_DEPTH);
		jcc_stub(e, CC_AE, S_FAULT_END, i, NFPE_CALL_DEPTH);
		op_mi(e, 0, 0, 0xc7, 0, CTX, RAX, 2, X(rstack));
		b4(e, i + 1);
		op_m(e, 0, 0, 0x81, 0, CTX, X(sp));	/* add dword [sp], 1 */
		b4(e, 1);
		enter(e, di->tgt);
		jmp_insn(e, di->tgt);
		return 0;
	case NFPE_OP_RET:
		op_m(e, 0, 0, 0x8b, RAX, CTX, X(sp));
		b1(e, 0x85); b1(e, 0xc0);		/* test eax, eax */
		jcc_stub(e, CC_E, S_FAULT_END, i, 0);
		alu_ri(e, 0, 5, RAX, 1);
		op_m(e, 0, 0, 0x89, RAX, CTX, X(sp));
		op_mi(e, 0, 0, 0x8b, RAX, CTX, RAX, 2, X(rstack));
		/* rsi = &code[eax]: the run totals of the return address */
		op_r(e, 0, 0x89, RAX, T1);		/* mov esi, eax */
		op_r(e, 1, 0xc1, 4, T1);		/* shl rsi, 5 */
		b1(e, 5);
		op_m(e, 0, 1, 0x03, T1, CTX, X(code));
		op_m(e, 0, 0, 0x2b, LEFT, T1,
		     (int32_t)offsetof(struct nfpe_dinsn, run_n));
		jcc_stub(e, CC_B, S_BUDGET_DYN, i, 0);
		op_m(e, 0, 0, 0x8b, T2, T1,
		     (int32_t)offsetof(struct nfpe_dinsn, run_cost));
		op_r(e, 1, 0x01, T2, ISSUE);
		op_m(e, 0, 0, 0x8b, T2, T1,
		     (int32_t)offsetof(struct nfpe_dinsn, run_stall));
		op_r(e, 1, 0x01, T2, STALL);
		op_m(e, 0, 1, 0x8b, T1, CTX, X(addr));
		op_mi(e, 0, 0, 0xff, 4, T1, RAX, 3, 0);	/* jmp [rsi+rax*8] */
		return 0;
	case NFPE_OP_EXIT:
		emit_exit(e, a);
		return 0;
	case NFPE_OP_CSRRD:
		if (imm == NFPE_CSR_CYCLES) {
			/* everything up to and including this instruction */
			op_r(e, 0, 0x89, ISSUE, RAX);	/* mov eax, r10d */
			op_r(e, 0, 0x01, STALL, RAX);	/* add eax, r11d */
			alu_ri(e, 0, 5, RAX, di[1].run_cost + di[1].run_stall);
		} else {
			op_m(e, 0, 0, 0x8b, RAX, TB, CSR(imm));
		}
		st_g(e, d, RAX);
		return 0;
	case NFPE_OP_CSRWR:
		ld_g(e, RAX, a);
		op_m(e, 0, 0, 0x89, RAX, TB, CSR(imm));
		return 0;
	default:
		break;
	}
	if (op >= NFPE_OP_BEQ && op <= NFPE_OP_BCLRI) {
		int is_imm = op & 1, is_test = op >= NFPE_OP_BSET;

		if (i + 1 >= n)
			return -1;
		if (is_imm) {			/* test/cmp dword [a], imm */
			op_m(e, 0, 0, is_test ? 0xf7 : 0x81, is_test ? 0 : 7,
			     TB, GR(a));
			b4(e, imm);
		} else {
			ld_g(e, RAX, a);
			op_m(e, 0, 0, is_test ? 0x85 : 0x3b, RAX, TB, GR(b));
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
	const struct nfpe_dinsn *dk = &e->code[s->k];
	uint32_t kind = K_BUDGET, pc = s->i;

	put4(e, s->patch, (uint32_t)(e->len - (s->patch + 4)));
	switch (s->kind) {
	case S_TAKEN:
		/* a taken branch costs one more issue cycle */
		enter_x(e, s->k, 1);
		jmp_insn(e, s->k);
		return;
	case S_BUDGET_T:
		op_r(e, 1, 0xff, 0, ISSUE);		/* inc r10 */
		/* fall through */
	case S_BUDGET:
		alu_ri(e, 0, 0, LEFT, dk->run_n);	/* undo the sub */
		pc = s->k;
		break;
	case S_BUDGET_ENTRY:
		/* the entry's run was not entered: nothing issued */
		alu_ri(e, 0, 0, LEFT, dk->run_n);
		op_r(e, 0, 0x31, ISSUE, ISSUE);
		op_r(e, 0, 0x31, STALL, STALL);
		pc = s->k;
		break;
	case S_BUDGET_DYN:
		/* rsi = &code[eax], eax the return address */
		op_m(e, 0, 0, 0x03, LEFT, T1,
		     (int32_t)offsetof(struct nfpe_dinsn, run_n));
		op_m(e, 0, 0, 0x89, RAX, CTX, X(pc));
		pc = UINT32_MAX;
		break;
	case S_FAULT_EAX:
		op_m(e, 0, 0, 0x89, RAX, CTX, X(fault_addr));
		kind = K_FAULT_MID;
		break;
	case S_FAULT_END:
		op_m(e, 0, 0, 0xc7, 0, CTX, X(fault_addr));
		b4(e, s->k);
		kind = K_FAULT;
		break;
	default:			/* S_FAULT_MID: fault_addr is set */
		kind = K_FAULT_MID;
		break;
	}
	if (pc != UINT32_MAX) {
		op_m(e, 0, 0, 0xc7, 0, CTX, X(pc));
		b4(e, pc);
	}
	op_m(e, 0, 0, 0xc7, 0, CTX, X(kind));
	b4(e, kind);
	jmp_to(e, e->slow_exit);
}

/*
 * Entry, called by nfpe_run as (prog, env, t, res): t and res stay in
 * rdx and rcx.  The context's
 * derived fields hold for the env whose stack_size, pkt_size and maps equal
 * its key: checked here, else nfpe__x86_refresh() first.
 * Then the run state into registers and the entry's run is entered.
 * Returns the entry's offset.  Also emits the slow exit (faults and
 * budget stops: the run state into the context, nfpe__x86_finish).
 */
static uint32_t prologue(struct em *e, uint32_t entry, int has_call,
			 int uses_env)
{
	const struct nfpe_dinsn *di = &e->code[entry];
	uint32_t start, refresh, to_back;

	e->slow_exit = (uint32_t)e->len;
	carry_out(e);
	spill(e);
	mov_ri64(e, RAX, (uint64_t)(uintptr_t)nfpe__x86_finish);
	b1(e, 0xff); b1(e, 0xe0);			/* jmp rax */

	/* another env: the derived fields first (keeps rdx, rcx) */
	refresh = (uint32_t)e->len;
	b1(e, 0x52); b1(e, 0x51);			/* push rdx, rcx */
	call_c(e, (const void *)nfpe__x86_refresh);	/* (ctx, env) */
	b1(e, 0x59); b1(e, 0x5a);			/* pop rcx, rdx */
	op_r(e, 0, 0x89, RAX, LEFT);			/* mov r9d, eax */
	to_back = jcc_fwd(e, -1);

	start = (uint32_t)e->len;
	mov_ri64(e, CTX, e->ctx);
	op_r(e, 1, 0x85, RSI, RSI);			/* test rsi, rsi */
	jcc_to(e, CC_E, refresh);
	op_m(e, 0, 1, 0x8b, RAX, RSI, (int32_t)offsetof(struct nfpe_env, caps));
	op_r(e, 1, 0x85, RAX, RAX);
	jcc_to(e, CC_E, refresh);
	op_m(e, 0, 0, 0x8b, LEFT, RAX,
	     (int32_t)offsetof(struct nfpe_caps, insn_budget));
	/* two scalar compares (rsi is still env): SSE was ~5 ns slower */
	op_m(e, 0, 0, 0x8b, T2, RAX, 4);		/* stack_size */
	op_m(e, 0, 0, 0x3b, T2, CTX, X(key) + 4);
	jcc_to(e, CC_NE, refresh);
	op_m(e, 0, 0, 0x8b, T2, RAX, 12);		/* pkt_size */
	op_m(e, 0, 0, 0x3b, T2, CTX, X(key) + 12);
	jcc_to(e, CC_NE, refresh);
	op_m(e, 0, 1, 0x8b, RAX, RSI, (int32_t)offsetof(struct nfpe_env, maps));
	op_m(e, 0, 1, 0x3b, RAX, CTX, X(key_maps));
	jcc_to(e, CC_NE, refresh);
	op_m(e, 0, 0, 0x89, LEFT, CTX, X(budget));
	if (uses_env)		/* only random and ktime need it */
		op_m(e, 0, 1, 0x89, RSI, CTX, X(env));
	fwd_here(e, to_back);
	op_m(e, 0, 0, 0xc7, 0, TB, GR(NFPE_RZ_IDX));
	b4(e, 0);
	if (e->creg) {
		b1(e, 0x53);				/* push rbx */
		e->pushed = 1;
		op_m(e, 0, 0, 0x8b, RBX, TB, T(carry));
		op_r(e, 0, 0x83, 4, RBX);		/* and ebx, 1 */
		b1(e, 1);
	} else {
		op_m(e, 0, 0, 0x83, 4, TB, T(carry));	/* and [carry], 1 */
		b1(e, 1);
	}
	if (has_call) {
		op_m(e, 0, 0, 0xc7, 0, CTX, X(sp));
		b4(e, 0);
	}
	/* enter the entry's run: its totals are the first values */
	alu_ri(e, 0, 5, LEFT, di->run_n);
	jcc_stub(e, CC_B, S_BUDGET_ENTRY, 0, entry);
	mov_ri(e, ISSUE, di->run_cost);
	mov_ri(e, STALL, di->run_stall);
	if (entry != 0)			/* else instruction 0 follows */
		jmp_insn(e, entry);
	return start;
}

/* ---- translation -------------------------------------------------- */

static void jit_free(struct nfpe_prog *p)
{
	struct x86jit *j = p->x86;

	if (!j)
		return;
	if (j->mem)
		munmap(j->mem, j->size);
	p->x86_run = NULL;
	if (j->addr)
		p->alloc.free(p->alloc.opaque, j->addr);
	if (j->op)
		p->alloc.free(p->alloc.opaque, j->op);
	p->alloc.free(p->alloc.opaque, j);
	p->x86 = NULL;
	p->use_x86 = 0;
}

static void why(struct nfpe_prog *p, const char *msg)
{
	size_t k;

	for (k = 0; msg[k] && k + 1 < sizeof(p->x86_why); k++)
		p->x86_why[k] = msg[k];
	p->x86_why[k] = 0;
}

/*
 * Bytes of code per instruction at most, stubs included: an inline map
 * lookup with its key in MAP space is the largest, 377 (test-x86jit's
 * /x86jit/big translates 1500 of them in a row).
 */
#define MAX_PER_INSN	512

static void translate(struct nfpe_prog *p)
{
	const struct nfpe_alloc *a = &p->alloc;
	uint32_t n = p->n_insns, i;
	struct x86jit *j;
	struct em e;
	struct xctx *c;
	uint8_t *mem;
	size_t code_max, code_size;
	uint32_t start;
	int has_call = 0, uses_env = 0;

	__builtin_memset(&e, 0, sizeof(e));
	e.bmi2 = cpu_bmi2 && !nfpe__x86jit_no_bmi2;
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
		has_call |= op == NFPE_OP_CALL || op == NFPE_OP_RET;
		e.creg |= op == NFPE_OP_ADDC || op == NFPE_OP_ADDCI ||
			  op == NFPE_OP_SUBB || op == NFPE_OP_SUBBI ||
			  op == NFPE_OP_RSUBBI;
		uses_env |= op == NFPE_OP_ENG && (di->tgt == NFPE_ENG_RANDOM ||
						  di->tgt == NFPE_ENG_KTIME);
	}
	/* the context page first: its address is in the code */
	code_max = (e.cap + 4095) & ~(size_t)4095;
	mem = mmap(NULL, 4096 + code_max, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		why(p, "mmap failed");
		goto fail;
	}
	j->mem = mem;
	j->size = 4096 + code_max;
	c = (struct xctx *)(void *)mem;
	e.ctx = (uint64_t)(uintptr_t)c;
	e.ctr = (uint64_t)(uintptr_t)&p->ctr;
	e.map = (uint64_t)(uintptr_t)p->map;
	e.n_maps = p->n_maps;
	start = prologue(&e, p->entry, has_call, uses_env);
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
	code_size = (e.len + 4095) & ~(size_t)4095;
	if (code_size < code_max) {
		munmap(mem + 4096 + code_size, code_max - code_size);
		j->size = 4096 + code_size;
	}
	__builtin_memcpy(mem + 4096, e.buf, e.len);
	if (mprotect(mem + 4096, code_size, PROT_READ | PROT_EXEC)) {
		why(p, "mprotect to read+execute failed");
		goto fail;
	}
	for (i = 0; i < n; i++)
		j->addr[i] = mem + 4096 + e.off[i];
	c->code = p->code;
	c->addr = j->addr;
	c->p = p;
	c->op = j->op;
	{
		/* derived fields for the load's caps and maps */
		struct nfpe_env env = { p->maps, NULL, &p->caps };

		nfpe__x86_refresh(c, &env);
		c->env = NULL;
	}
	p->x86_run = (void (*)(struct nfpe_prog *, const struct nfpe_env *,
			       struct nfpe_thread *,
			       struct nfpe_run_result *))(void *)
		     (mem + 4096 + start);
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
	unsigned int a, b, c, d;

	if (__get_cpuid_count(7, 0, &a, &b, &c, &d))
		cpu_bmi2 = !!(b & (1u << 8));
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
