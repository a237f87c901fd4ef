// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * codegen.c - pass 5: one microcode sequence per eBPF instruction.
 *
 * eBPF rN is the register pair r(2N) (low word), r(2N+1) (high word);
 * r22..r31 are temporaries.  A sequence writes a high half only when
 * the liveness of pass 3 says someone reads it (NFPE_JIT_OPT_ZEXT),
 * and reads a high half only when the value is not known to be 32-bit.
 * docs/jit.md shows each sequence.
 */
#include "jit-internal.h"

#define RZ		NFPE_REG_ZERO
#define T0		NFPE_JIT_TMP(0)
#define T1		NFPE_JIT_TMP(1)
#define T2		NFPE_JIT_TMP(2)
#define T3		NFPE_JIT_TMP(3)
#define FP		NFPE_JIT_LO(10)

static int ir_push(struct jit *j, uint64_t w, uint32_t kind, uint32_t target)
{
	struct jit_ir *e;

	if (j->err)
		return j->err;
	if (j->nir == j->ir_cap) {
		uint32_t cap = j->ir_cap ? 2 * j->ir_cap : 256;
		struct jit_ir *n;

		if (cap > 4 * NFPE_MAX_CODE)
			return jit_error(j, -NFPE_E2BIG, -1,
					 "program needs more than %u instructions",
					 4 * NFPE_MAX_CODE);
		n = j->a->alloc(j->a->opaque, cap * sizeof(*n));
		if (!n)
			return jit_error(j, -NFPE_ENOMEM, -1, "out of memory");
		if (j->ir) {
			nfpe_memcpy(n, j->ir, j->nir * sizeof(*n));
			j->a->free(j->a->opaque, j->ir);
		}
		j->ir = n;
		j->ir_cap = cap;
	}
	e = &j->ir[j->nir++];
	e->word = w;
	e->kind = kind;
	e->target = target;
	e->reloc = 0;
	e->reloc_val = 0;
	return 0;
}

static void em_r(struct jit *j, uint8_t op, uint8_t d, uint8_t a, uint8_t b,
		 uint32_t imm)
{
	ir_push(j, nfpe_enc_r(op, d, a, b, imm), IR_PLAIN, 0);
}

static void em_immed(struct jit *j, uint8_t d, uint32_t v)
{
	em_r(j, NFPE_OP_IMMED, d, 0, 0, v);
}

static void em_mov(struct jit *j, uint8_t d, uint8_t a)
{
	em_r(j, NFPE_OP_MOV, d, a, 0, 0);
}

/* Branch to eBPF insn t; op is a BR_R (b register) or BR_I opcode. */
static void em_br_bpf(struct jit *j, uint8_t op, uint8_t a, uint32_t imm,
		      uint32_t t)
{
	ir_push(j, nfpe_enc_b(op, a, 0, imm), IR_BR_BPF, t);
}

/* Branch forward inside the sequence: returns the IR index to patch. */
static uint32_t em_br_fwd(struct jit *j, uint8_t op, uint8_t a, uint32_t imm)
{
	ir_push(j, nfpe_enc_b(op, a, 0, imm), IR_BR_IR, 0);
	return j->nir - 1;
}

static void here(struct jit *j, uint32_t idx)
{
	if (!j->err)
		j->ir[idx].target = j->nir;
}

static bool hi_live(struct jit *j, uint32_t i, uint8_t reg)
{
	if (!(j->opts & NFPE_JIT_OPT_ZEXT))
		return true;
	if (j->ii[i].live_out & HB_HI(reg))
		return true;
	j->res->stats.hi_dropped++;
	return false;
}

/* 32-bit op with register or immediate source: R form op, I form op+1. */
static void em_alu(struct jit *j, uint8_t op, uint8_t d, uint8_t a,
		   bool k, uint8_t b, uint32_t imm)
{
	if (k)
		em_r(j, op + 1, d, a, 0, imm);
	else
		em_r(j, op, d, a, b, 0);
}

static uint8_t alu_op(uint8_t bop)
{
	switch (bop) {
	case NFPE_BPF_ADD:
		return NFPE_OP_ADD;
	case NFPE_BPF_SUB:
		return NFPE_OP_SUB;
	case NFPE_BPF_MUL:
		return NFPE_OP_MUL;
	case NFPE_BPF_DIV:
		return NFPE_OP_DIVU;
	case NFPE_BPF_MOD:
		return NFPE_OP_MODU;
	case NFPE_BPF_OR:
		return NFPE_OP_OR;
	case NFPE_BPF_AND:
		return NFPE_OP_AND;
	case NFPE_BPF_XOR:
		return NFPE_OP_XOR;
	case NFPE_BPF_LSH:
		return NFPE_OP_SHL;
	case NFPE_BPF_RSH:
		return NFPE_OP_SHR;
	case NFPE_BPF_ARSH:
		return NFPE_OP_ASR;
	}
	return NFPE_OP_NOP;
}

/*
 * Division and modulo.  The DIVU/MODU family implements the eBPF rules
 * itself (x / 0 = 0, x % 0 = x), so no zero test is needed.
 */
static void gen_divmod(struct jit *j, uint32_t i, bool is64, bool hl)
{
	const struct nfpe_bpf_insn *in = &j->insn[i];
	struct jit_insn *ii = &j->ii[i];
	bool mod = NFPE_BPF_OP(in->code) == NFPE_BPF_MOD;
	uint8_t dl = NFPE_JIT_LO(in->dst_reg), dh = NFPE_JIT_HI(in->dst_reg);
	uint8_t sl = NFPE_JIT_LO(in->src_reg);
	bool k = ii->flags & JI_SRCK;
	bool narrow = !is64 || ((ii->flags & JI_K32D) &&
				(ii->flags & JI_K32S));
	uint32_t kl = (uint32_t)ii->kval, kh = (uint32_t)(ii->kval >> 32);

	if (narrow) {
		em_alu(j, mod ? NFPE_OP_MODU : NFPE_OP_DIVU, dl, dl, k, sl, kl);
		if (hl)
			em_immed(j, dh, 0);
		return;
	}
	/* full 64-bit: both pairs must hold the real values */
	if (ii->flags & JI_K32D)
		em_immed(j, dh, 0);
	if (k && !kh) {
		em_r(j, mod ? NFPE_OP_MODU64I : NFPE_OP_DIVU64I, dl, dl, 0, kl);
		return;
	}
	if (k) {
		em_immed(j, T0, kl);
		em_immed(j, T1, kh);
		sl = T0;
	} else if (ii->flags & JI_K32S) {
		em_mov(j, T0, sl);
		em_immed(j, T1, 0);
		sl = T0;
	}
	em_r(j, mod ? NFPE_OP_MODU64 : NFPE_OP_DIVU64, dl, dl, sl, 0);
}

static void gen_shift64(struct jit *j, uint32_t i, bool hl)
{
	const struct nfpe_bpf_insn *in = &j->insn[i];
	struct jit_insn *ii = &j->ii[i];
	uint8_t op = NFPE_BPF_OP(in->code);
	uint8_t dl = NFPE_JIT_LO(in->dst_reg), dh = NFPE_JIT_HI(in->dst_reg);
	uint8_t sl = NFPE_JIT_LO(in->src_reg);
	uint32_t lend, lbig, lend2;

	if (ii->flags & JI_NARROW) {
		uint8_t o32 = op == NFPE_BPF_LSH ? NFPE_OP_SHL : NFPE_OP_SHR;

		if (!(ii->flags & JI_SRCK))
			em_r(j, o32, dl, dl, sl, 0);
		else if ((ii->kval & 63) >= 32)
			em_immed(j, dl, 0);
		else if (ii->kval & 63)
			em_r(j, o32 + 1, dl, dl, 0, ii->kval & 63);
		if (hl)
			em_immed(j, dh, 0);
		return;
	}
	if (ii->flags & JI_SRCK) {
		uint32_t n = ii->kval & 63;

		if (!n)
			return;
		if (op == NFPE_BPF_LSH) {
			if (n < 32) {
				if (hl)
					em_r(j, NFPE_OP_DSHLI, dh, dh, dl, n);
				em_r(j, NFPE_OP_SHLI, dl, dl, 0, n);
			} else {
				if (hl) {
					if (n == 32)
						em_mov(j, dh, dl);
					else
						em_r(j, NFPE_OP_SHLI, dh, dl, 0,
						     n - 32);
				}
				em_immed(j, dl, 0);
			}
			return;
		}
		if (n < 32) {
			em_r(j, NFPE_OP_DSHRI, dl, dh, dl, n);
			if (hl)
				em_r(j, op == NFPE_BPF_RSH ? NFPE_OP_SHRI :
				     NFPE_OP_ASRI, dh, dh, 0, n);
			return;
		}
		if (n == 32 && op == NFPE_BPF_RSH)
			em_mov(j, dl, dh);
		else
			em_r(j, op == NFPE_BPF_RSH ? NFPE_OP_SHRI : NFPE_OP_ASRI,
			     dl, dh, 0, n - 32);
		if (hl) {
			if (op == NFPE_BPF_RSH)
				em_immed(j, dh, 0);
			else
				em_r(j, NFPE_OP_ASRI, dh, dh, 0, 31);
		}
		return;
	}
	/* by register: amount & 63, split at 32, zero skips */
	em_r(j, NFPE_OP_ANDI, T0, sl, 0, 63);
	lend = em_br_fwd(j, NFPE_OP_BEQI, T0, 0);
	lbig = em_br_fwd(j, NFPE_OP_BGEI, T0, 32);
	if (op == NFPE_BPF_LSH) {
		if (hl)
			em_r(j, NFPE_OP_DSHL, dh, dh, dl, T0);
		em_r(j, NFPE_OP_SHL, dl, dl, T0, 0);
	} else {
		em_r(j, NFPE_OP_DSHR, dl, dh, dl, T0);
		if (hl)
			em_r(j, op == NFPE_BPF_RSH ? NFPE_OP_SHR : NFPE_OP_ASR,
			     dh, dh, T0, 0);
	}
	lend2 = em_br_fwd(j, NFPE_OP_BR, 0, 0);
	here(j, lbig);
	em_r(j, NFPE_OP_ANDI, T0, T0, 0, 31);
	if (op == NFPE_BPF_LSH) {
		if (hl)
			em_r(j, NFPE_OP_SHL, dh, dl, T0, 0);
		em_immed(j, dl, 0);
	} else if (op == NFPE_BPF_RSH) {
		em_r(j, NFPE_OP_SHR, dl, dh, T0, 0);
		if (hl)
			em_immed(j, dh, 0);
	} else {
		em_r(j, NFPE_OP_ASR, dl, dh, T0, 0);
		if (hl)
			em_r(j, NFPE_OP_ASRI, dh, dh, 0, 31);
	}
	here(j, lend);
	here(j, lend2);
}

/* High half of AND/OR/XOR (64-bit), value = dh op src_hi. */
static void gen_bitwise_hi(struct jit *j, uint32_t i)
{
	const struct nfpe_bpf_insn *in = &j->insn[i];
	struct jit_insn *ii = &j->ii[i];
	uint8_t op = NFPE_BPF_OP(in->code);
	uint8_t dh = NFPE_JIT_HI(in->dst_reg), sh = NFPE_JIT_HI(in->src_reg);
	bool k = ii->flags & JI_SRCK;
	bool a0 = ii->flags & JI_K32D;
	bool b0 = k ? !(ii->kval >> 32) : !!(ii->flags & JI_K32S);
	uint32_t kh = (uint32_t)(ii->kval >> 32);

	if (op == NFPE_BPF_AND) {
		if (a0 || b0)
			em_immed(j, dh, 0);
		else if (k && kh != 0xffffffffu)
			em_r(j, NFPE_OP_ANDI, dh, dh, 0, kh);
		else if (!k)
			em_r(j, NFPE_OP_AND, dh, dh, sh, 0);
		return;
	}
	if (a0 && b0) {
		em_immed(j, dh, 0);
	} else if (a0) {
		if (k)
			em_immed(j, dh, kh);
		else
			em_mov(j, dh, sh);
	} else if (!b0) {
		em_alu(j, op == NFPE_BPF_OR ? NFPE_OP_OR : NFPE_OP_XOR, dh, dh,
		       k, sh, kh);
	}
}

static void gen_mul64(struct jit *j, uint32_t i, bool hl)
{
	const struct nfpe_bpf_insn *in = &j->insn[i];
	struct jit_insn *ii = &j->ii[i];
	uint8_t dl = NFPE_JIT_LO(in->dst_reg), dh = NFPE_JIT_HI(in->dst_reg);
	uint8_t sl = NFPE_JIT_LO(in->src_reg), sh = NFPE_JIT_HI(in->src_reg);
	bool k = ii->flags & JI_SRCK;
	uint32_t kl = (uint32_t)ii->kval, kh = (uint32_t)(ii->kval >> 32);
	bool a0 = ii->flags & JI_K32D;
	bool b0 = k ? !kh : !!(ii->flags & JI_K32S);

	if (!hl) {
		em_alu(j, NFPE_OP_MUL, dl, dl, k, sl, kl);
		return;
	}
	if (a0 && b0) {
		em_alu(j, NFPE_OP_MULHU, dh, dl, k, sl, kl);
		em_alu(j, NFPE_OP_MUL, dl, dl, k, sl, kl);
		return;
	}
	em_alu(j, NFPE_OP_MULHU, T0, dl, k, sl, kl);
	if (!b0) {
		em_alu(j, NFPE_OP_MUL, T1, dl, k, sh, kh);
		em_r(j, NFPE_OP_ADD, T0, T0, T1, 0);
	}
	if (!a0) {
		em_alu(j, NFPE_OP_MUL, T1, dh, k, sl, kl);
		em_r(j, NFPE_OP_ADD, T0, T0, T1, 0);
	}
	em_alu(j, NFPE_OP_MUL, dl, dl, k, sl, kl);
	em_mov(j, dh, T0);
}

static int gen_alu(struct jit *j, uint32_t i)
{
	const struct nfpe_bpf_insn *in = &j->insn[i];
	struct jit_insn *ii = &j->ii[i];
	bool is64 = NFPE_BPF_CLASS(in->code) == NFPE_BPF_ALU64;
	uint8_t op = NFPE_BPF_OP(in->code);
	uint8_t dl = NFPE_JIT_LO(in->dst_reg), dh = NFPE_JIT_HI(in->dst_reg);
	uint8_t sl = NFPE_JIT_LO(in->src_reg), sh = NFPE_JIT_HI(in->src_reg);
	bool k = ii->flags & JI_SRCK;
	uint32_t kl = (uint32_t)ii->kval, kh = (uint32_t)(ii->kval >> 32);
	bool hl = hi_live(j, i, in->dst_reg);

	if (ii->flags & JI_FOLD) {
		uint64_t v = is64 || op == NFPE_BPF_END ? ii->rval :
			     (uint32_t)ii->rval;

		em_immed(j, dl, (uint32_t)v);
		if (hl)
			em_immed(j, dh, (uint32_t)(v >> 32));
		return 0;
	}
	if (op == NFPE_BPF_END) {
		bool be = NFPE_BPF_SRC(in->code) == NFPE_BPF_TO_BE;

		if (in->imm == 64) {
			if (!be)
				return 0;
			if (hl)
				em_r(j, NFPE_OP_BSWAP32, T0, dl, 0, 0);
			em_r(j, NFPE_OP_BSWAP32, dl, dh, 0, 0);
			if (hl)
				em_mov(j, dh, T0);
			return 0;
		}
		if (be)
			em_r(j, in->imm == 16 ? NFPE_OP_BSWAP16 :
			     NFPE_OP_BSWAP32, dl, dl, 0, 0);
		else if (in->imm == 16)
			em_r(j, NFPE_OP_ANDI, dl, dl, 0, 0xffff);
		if (hl)
			em_immed(j, dh, 0);
		return 0;
	}
	if (op == NFPE_BPF_DIV || op == NFPE_BPF_MOD) {
		gen_divmod(j, i, is64, hl);
		return 0;
	}
	if (!is64) {
		switch (op) {
		case NFPE_BPF_MOV:
			if (k)
				em_immed(j, dl, kl);
			else
				em_mov(j, dl, sl);
			break;
		case NFPE_BPF_NEG:
			em_r(j, NFPE_OP_RSUBI, dl, dl, 0, 0);
			break;
		case NFPE_BPF_LSH:
		case NFPE_BPF_RSH:
		case NFPE_BPF_ARSH:
			if (k) {
				if (kl & 31)
					em_r(j, alu_op(op) + 1, dl, dl, 0,
					     kl & 31);
			} else {
				em_r(j, NFPE_OP_ANDI, T0, sl, 0, 31);
				em_r(j, alu_op(op), dl, dl, T0, 0);
			}
			break;
		default:
			em_alu(j, alu_op(op), dl, dl, k, sl, kl);
			break;
		}
		if (hl)
			em_immed(j, dh, 0);
		return 0;
	}
	switch (op) {
	case NFPE_BPF_MOV:
		if (k) {
			em_immed(j, dl, kl);
			if (hl)
				em_immed(j, dh, kh);
		} else {
			em_mov(j, dl, sl);
			if (hl) {
				if (ii->flags & JI_K32S)
					em_immed(j, dh, 0);
				else
					em_mov(j, dh, sh);
			}
		}
		break;
	case NFPE_BPF_ADD:
	case NFPE_BPF_SUB: {
		bool add = op == NFPE_BPF_ADD;
		uint8_t ah = (ii->flags & JI_K32D) ? RZ : dh;

		em_alu(j, add ? NFPE_OP_ADD : NFPE_OP_SUB, dl, dl, k, sl, kl);
		if (!hl)
			break;
		if (k)
			em_r(j, add ? NFPE_OP_ADDCI : NFPE_OP_SUBBI, dh, ah, 0,
			     kh);
		else
			em_r(j, add ? NFPE_OP_ADDC : NFPE_OP_SUBB, dh, ah,
			     (ii->flags & JI_K32S) ? RZ : sh, 0);
		break;
	}
	case NFPE_BPF_MUL:
		gen_mul64(j, i, hl);
		break;
	case NFPE_BPF_AND:
	case NFPE_BPF_OR:
	case NFPE_BPF_XOR:
		if (!(op == NFPE_BPF_AND && k && kl == 0xffffffffu) &&
		    !(op != NFPE_BPF_AND && k && kl == 0))
			em_alu(j, alu_op(op), dl, dl, k, sl, kl);
		if (hl)
			gen_bitwise_hi(j, i);
		break;
	case NFPE_BPF_NEG:
		em_r(j, NFPE_OP_RSUBI, dl, dl, 0, 0);
		if (hl)
			em_r(j, NFPE_OP_RSUBBI, dh, dh, 0, 0);
		break;
	case NFPE_BPF_LSH:
	case NFPE_BPF_RSH:
	case NFPE_BPF_ARSH:
		gen_shift64(j, i, hl);
		break;
	default:
		return jit_error(j, -NFPE_EINVAL, i,
				 "insn %u: unknown ALU operation 0x%x", i,
				 in->code);
	}
	return 0;
}

/* Branch opcodes: register form; +1 is the immediate form. */
static uint8_t br_op(uint8_t bop, bool sign_to_unsigned)
{
	switch (bop) {
	case NFPE_BPF_JEQ:
		return NFPE_OP_BEQ;
	case NFPE_BPF_JNE:
		return NFPE_OP_BNE;
	case NFPE_BPF_JSET:
		return NFPE_OP_BSET;
	case NFPE_BPF_JGT:
		return NFPE_OP_BGT;
	case NFPE_BPF_JGE:
		return NFPE_OP_BGE;
	case NFPE_BPF_JLT:
		return NFPE_OP_BLT;
	case NFPE_BPF_JLE:
		return NFPE_OP_BLE;
	case NFPE_BPF_JSGT:
		return sign_to_unsigned ? NFPE_OP_BGT : NFPE_OP_BSGT;
	case NFPE_BPF_JSGE:
		return sign_to_unsigned ? NFPE_OP_BGE : NFPE_OP_BSGE;
	case NFPE_BPF_JSLT:
		return sign_to_unsigned ? NFPE_OP_BLT : NFPE_OP_BSLT;
	case NFPE_BPF_JSLE:
		return sign_to_unsigned ? NFPE_OP_BLE : NFPE_OP_BSLE;
	}
	return NFPE_OP_NOP;
}

static void em_cmp(struct jit *j, uint8_t op, uint8_t a, bool k, uint8_t b,
		   uint32_t imm, bool fwd, uint32_t t, uint32_t *fwd_idx)
{
	uint32_t v = k ? imm : b;

	if (k)
		op++;
	if (fwd)
		*fwd_idx = em_br_fwd(j, op, a, v);
	else
		em_br_bpf(j, op, a, v, t);
}

static int gen_jmp(struct jit *j, uint32_t i)
{
	const struct nfpe_bpf_insn *in = &j->insn[i];
	struct jit_insn *ii = &j->ii[i];
	uint8_t op = NFPE_BPF_OP(in->code);
	bool is64 = NFPE_BPF_CLASS(in->code) == NFPE_BPF_JMP;
	uint8_t dl = NFPE_JIT_LO(in->dst_reg), dh = NFPE_JIT_HI(in->dst_reg);
	uint8_t sl = NFPE_JIT_LO(in->src_reg), sh = NFPE_JIT_HI(in->src_reg);
	bool k = ii->flags & JI_SRCK;
	uint32_t kl = (uint32_t)ii->kval, kh = (uint32_t)(ii->kval >> 32);
	uint32_t t = i + 1 + in->off, skip = 0;
	bool narrow = (ii->flags & JI_K32D) && (ii->flags & JI_K32S);

	if (op == NFPE_BPF_JA) {
		em_br_bpf(j, NFPE_OP_BR, 0, 0, t);
		return 0;
	}
	if (ii->flags & JI_FOLD) {
		if (ii->rval)
			em_br_bpf(j, NFPE_OP_BR, 0, 0, t);
		return 0;
	}
	if (!is64 || narrow) {
		em_cmp(j, br_op(op, is64), dl, k, sl, kl, false, t, NULL);
		return 0;
	}
	switch (op) {
	case NFPE_BPF_JEQ:
		em_cmp(j, NFPE_OP_BNE, dl, k, sl, kl, true, 0, &skip);
		em_cmp(j, NFPE_OP_BEQ, dh, k, sh, kh, false, t, NULL);
		here(j, skip);
		break;
	case NFPE_BPF_JNE:
	case NFPE_BPF_JSET:
		em_cmp(j, br_op(op, false), dl, k, sl, kl, false, t, NULL);
		em_cmp(j, br_op(op, false), dh, k, sh, kh, false, t, NULL);
		break;
	default: {
		bool gt = op == NFPE_BPF_JGT || op == NFPE_BPF_JGE ||
			  op == NFPE_BPF_JSGT || op == NFPE_BPF_JSGE;
		bool sgn = op == NFPE_BPF_JSGT || op == NFPE_BPF_JSGE ||
			   op == NFPE_BPF_JSLT || op == NFPE_BPF_JSLE;
		uint8_t hiop = gt ? (sgn ? NFPE_OP_BSGT : NFPE_OP_BGT) :
				    (sgn ? NFPE_OP_BSLT : NFPE_OP_BLT);

		em_cmp(j, hiop, dh, k, sh, kh, false, t, NULL);
		em_cmp(j, NFPE_OP_BNE, dh, k, sh, kh, true, 0, &skip);
		em_cmp(j, br_op(op, true), dl, k, sl, kl, false, t, NULL);
		here(j, skip);
		break;
	}
	}
	return 0;
}

static int space_of(struct jit *j, uint32_t i, uint8_t kind, int *space)
{
	switch (kind) {
	case NFPE_PTR_STACK:
		*space = NFPE_SPACE_LM;
		return 0;
	case NFPE_PTR_PKT:
		*space = NFPE_SPACE_PKT;
		return 0;
	case NFPE_PTR_MAP_VALUE:
		*space = NFPE_SPACE_MAP;
		return 0;
	}
	return jit_error(j, -NFPE_EOPNOTSUPP, i,
			 "insn %u: memory access through a pointer of unknown kind",
			 i);
}

static uint8_t mem_op(int store, int space, uint32_t size)
{
	uint32_t lg = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;

	return (uint8_t)(0x80 | store << 4 | space << 2 | lg);
}

struct ctx_field {
	uint16_t off;
	uint8_t csr;
	uint8_t writable;
	uint8_t ptr;		/* pointer field: exact 4-byte loads only */
};

static const struct ctx_field xdp_fields[] = {
	{ 0, NFPE_CSR_PKT_DATA, 0, 1 },
	{ 4, NFPE_CSR_PKT_END, 0, 1 },
	{ 8, NFPE_CSR_PKT_META, 0, 1 },
	{ 12, NFPE_CSR_IFINDEX, 0, 0 },
	{ 16, NFPE_CSR_QUEUE, 0, 0 },
};

static const struct ctx_field skb_fields[] = {
	{ 0, NFPE_CSR_PKT_LEN, 0, 0 },
	{ 4, NFPE_CSR_PKT_TYPE, 0, 0 },
	{ 8, NFPE_CSR_MARK, 1, 0 },
	{ 12, NFPE_CSR_QUEUE, 0, 0 },
	{ 16, NFPE_CSR_PROTOCOL, 0, 0 },
	{ 32, NFPE_CSR_PRIORITY, 1, 0 },
	{ 36, NFPE_CSR_IFINDEX, 0, 0 },
	{ 40, NFPE_CSR_IFINDEX, 0, 0 },
	{ 44, NFPE_CSR_TC_INDEX, 1, 0 },
	{ 68, NFPE_CSR_HASH, 0, 0 },
	{ 76, NFPE_CSR_PKT_DATA, 0, 1 },
	{ 80, NFPE_CSR_PKT_END, 0, 1 },
	{ 140, NFPE_CSR_PKT_META, 0, 1 },
};

static const struct ctx_field *ctx_lookup(struct jit *j, int32_t off)
{
	const struct ctx_field *f;
	size_t n, k;

	if (j->p->prog_type == NFPE_PROG_XDP) {
		f = xdp_fields;
		n = NFPE_ARRAY_SIZE(xdp_fields);
	} else {
		f = skb_fields;
		n = NFPE_ARRAY_SIZE(skb_fields);
	}
	for (k = 0; k < n; k++)
		if (off >= 0 && f[k].off == (off & ~3))
			return &f[k];
	return NULL;
}

static int gen_ctx(struct jit *j, uint32_t i, bool store)
{
	const struct nfpe_bpf_insn *in = &j->insn[i];
	uint32_t size = jit_size_bytes(in->code);
	const struct ctx_field *f = ctx_lookup(j, in->off);
	uint8_t dl, dh;
	uint32_t sh;

	if (!f)
		return jit_error(j, -NFPE_EOPNOTSUPP, i,
				 "insn %u: context field at offset %d not supported by the device",
				 i, in->off);
	if (store) {
		if (!f->writable || size != 4 || (in->off & 3))
			return jit_error(j, -NFPE_EOPNOTSUPP, i,
					 "insn %u: write to context field at offset %d not supported by the device",
					 i, in->off);
		if (NFPE_BPF_CLASS(in->code) == NFPE_BPF_ST) {
			em_immed(j, T0, (uint32_t)in->imm);
			em_r(j, NFPE_OP_CSRWR, 0, T0, 0, f->csr);
		} else {
			em_r(j, NFPE_OP_CSRWR, 0, NFPE_JIT_LO(in->src_reg), 0,
			     f->csr);
		}
		return 0;
	}
	if (size == 8 || (f->ptr && (size != 4 || (in->off & 3))) ||
	    (in->off & 3) + size > 4)
		return jit_error(j, -NFPE_EOPNOTSUPP, i,
				 "insn %u: %u-byte access to context field at offset %d not supported by the device",
				 i, size, in->off);
	dl = NFPE_JIT_LO(in->dst_reg);
	dh = NFPE_JIT_HI(in->dst_reg);
	em_r(j, NFPE_OP_CSRRD, dl, 0, 0, f->csr);
	sh = (in->off & 3) * 8;
	if (sh)
		em_r(j, NFPE_OP_SHRI, dl, dl, 0, sh);
	if (size < 4)
		em_r(j, NFPE_OP_ANDI, dl, dl, 0, (1u << (size * 8)) - 1);
	if (hi_live(j, i, in->dst_reg))
		em_immed(j, dh, 0);
	return 0;
}

/* A combined packet access (analysis.c: combine_pkt). */
static int gen_comb(struct jit *j, uint32_t i, int space)
{
	const struct jit_comb *c = &j->ii[i].comb;
	uint8_t b = NFPE_JIT_LO(c->base);

	switch (c->kind) {
	case COMB_LOAD:
		em_r(j, mem_op(0, space, c->size), NFPE_JIT_LO(c->reg), b, 0,
		     (uint32_t)c->off);
		if (hi_live(j, c->last, c->reg))
			em_immed(j, NFPE_JIT_HI(c->reg), 0);
		break;
	case COMB_COPY:
		em_r(j, mem_op(0, space, c->size), T0, b, 0, (uint32_t)c->off);
		em_r(j, mem_op(1, space, c->size), 0, b, T0,
		     (uint32_t)c->off2);
		break;
	default:
		em_immed(j, T0, (uint32_t)c->val);
		if (c->size == 8)
			em_immed(j, T1, (uint32_t)(c->val >> 32));
		em_r(j, mem_op(1, space, c->size), 0, b, T0, (uint32_t)c->off);
		break;
	}
	return 0;
}

static int gen_mem(struct jit *j, uint32_t i)
{
	const struct nfpe_bpf_insn *in = &j->insn[i];
	const struct nfpe_jit_insn_facts *f = j->p->facts ?
					       &j->p->facts[i] : NULL;
	uint8_t cls = NFPE_BPF_CLASS(in->code);
	uint32_t size = jit_size_bytes(in->code);
	uint8_t kind = f ? f->ptr : NFPE_PTR_NONE;
	int space = 0, err;

	if (kind == NFPE_PTR_CTX)
		return gen_ctx(j, i, cls != NFPE_BPF_LDX);
	err = space_of(j, i, kind, &space);
	if (err)
		return err;
	if (cls == NFPE_BPF_LDX) {
		uint8_t dl = NFPE_JIT_LO(in->dst_reg);

		if (j->ii[i].flags & JI_PKTLD)
			return gen_comb(j, i, space);
		em_r(j, mem_op(0, space, size), dl, NFPE_JIT_LO(in->src_reg),
		     0, (uint32_t)in->off);
		if (size < 8 && hi_live(j, i, in->dst_reg))
			em_immed(j, NFPE_JIT_HI(in->dst_reg), 0);
		return 0;
	}
	if (j->ii[i].flags & JI_PKTLD)
		return gen_comb(j, i, space);
	if (cls == NFPE_BPF_ST) {
		uint8_t src = T0;

		if (!in->imm) {
			src = RZ;
		} else if (size == 8) {
			em_immed(j, T0, (uint32_t)in->imm);
			em_immed(j, T1, in->imm < 0 ? 0xffffffffu : 0);
		} else {
			em_immed(j, T0, (uint32_t)in->imm);
		}
		em_r(j, mem_op(1, space, size), 0, NFPE_JIT_LO(in->dst_reg),
		     src, (uint32_t)in->off);
		return 0;
	}
	if (NFPE_BPF_MODE(in->code) == NFPE_BPF_ATOMIC) {
		if (in->imm != NFPE_BPF_ADD)
			return jit_error(j, -NFPE_EOPNOTSUPP, i,
					 "insn %u: atomic operation 0x%x not supported by the device (only add without fetch)",
					 i, (uint32_t)in->imm);
		if (space == NFPE_SPACE_PKT || size < 4)
			return jit_error(j, -NFPE_EOPNOTSUPP, i,
					 "insn %u: atomic add on packet data not supported by the device",
					 i);
		em_r(j, mem_op(2, space, size), 0, NFPE_JIT_LO(in->dst_reg),
		     NFPE_JIT_LO(in->src_reg), (uint32_t)in->off);
		return 0;
	}
	em_r(j, mem_op(1, space, size), 0, NFPE_JIT_LO(in->dst_reg),
	     NFPE_JIT_LO(in->src_reg), (uint32_t)in->off);
	return 0;
}

static int gen_ld_abs(struct jit *j, uint32_t i)
{
	const struct nfpe_bpf_insn *in = &j->insn[i];
	uint32_t size = jit_size_bytes(in->code);
	uint32_t lfail1, lfail2, lfail3, lok;

	em_r(j, NFPE_OP_CSRRD, T0, 0, 0, NFPE_CSR_PKT_DATA);
	em_mov(j, T3, T0);
	if (NFPE_BPF_MODE(in->code) == NFPE_BPF_IND)
		em_r(j, NFPE_OP_ADD, T0, T0, NFPE_JIT_LO(in->src_reg), 0);
	if (in->imm)
		em_r(j, NFPE_OP_ADDI, T0, T0, 0, (uint32_t)in->imm);
	em_r(j, NFPE_OP_CSRRD, T1, 0, 0, NFPE_CSR_PKT_END);
	em_r(j, NFPE_OP_ADDI, T2, T0, 0, size);
	lfail1 = em_br_fwd(j, NFPE_OP_BLT, T0, T3);
	lfail2 = em_br_fwd(j, NFPE_OP_BGT, T2, T1);
	lfail3 = em_br_fwd(j, NFPE_OP_BLT, T2, T0);
	em_r(j, mem_op(0, NFPE_SPACE_PKT, size), NFPE_JIT_LO(0), T0, 0, 0);
	if (size == 2)
		em_r(j, NFPE_OP_BSWAP16, NFPE_JIT_LO(0), NFPE_JIT_LO(0), 0, 0);
	else if (size == 4)
		em_r(j, NFPE_OP_BSWAP32, NFPE_JIT_LO(0), NFPE_JIT_LO(0), 0, 0);
	em_immed(j, NFPE_JIT_HI(0), 0);
	lok = em_br_fwd(j, NFPE_OP_BR, 0, 0);
	here(j, lfail1);
	here(j, lfail2);
	here(j, lfail3);
	em_immed(j, NFPE_JIT_LO(0), 0);
	em_r(j, NFPE_OP_EXIT, 0, NFPE_JIT_LO(0), 0, 0);
	here(j, lok);
	return 0;
}

static int gen_helper(struct jit *j, uint32_t i)
{
	const struct nfpe_bpf_insn *in = &j->insn[i];
	const struct nfpe_jit_insn_facts *f = j->p->facts ?
					       &j->p->facts[i] : NULL;
	uint32_t eng, flags = 0;
	uint8_t a = NFPE_JIT_LO(1);
	int ks = 0, vs = 0, err;

	switch (in->imm) {
	case NFPE_BPF_FUNC_map_lookup_elem:
	case NFPE_BPF_FUNC_map_delete_elem:
	case NFPE_BPF_FUNC_map_update_elem:
		err = space_of(j, i, f ? f->arg_ptr[0] : 0, &ks);
		if (err)
			return err;
		if (in->imm == NFPE_BPF_FUNC_map_update_elem) {
			err = space_of(j, i, f->arg_ptr[1], &vs);
			if (err)
				return err;
		}
		flags = NFPE_ENG_FLAGS(ks, vs);
		eng = in->imm == NFPE_BPF_FUNC_map_lookup_elem ?
		      NFPE_ENG_MAP_LOOKUP :
		      in->imm == NFPE_BPF_FUNC_map_delete_elem ?
		      NFPE_ENG_MAP_DELETE : NFPE_ENG_MAP_UPDATE;
		break;
	case NFPE_BPF_FUNC_get_prandom_u32:
		eng = NFPE_ENG_RANDOM;
		break;
	case NFPE_BPF_FUNC_ktime_get_ns:
		eng = NFPE_ENG_KTIME;
		break;
	case NFPE_BPF_FUNC_xdp_adjust_head:
		eng = NFPE_ENG_ADJ_HEAD;
		a = NFPE_JIT_LO(2);
		break;
	case NFPE_BPF_FUNC_xdp_adjust_tail:
		eng = NFPE_ENG_ADJ_TAIL;
		a = NFPE_JIT_LO(2);
		break;
	case NFPE_BPF_FUNC_xdp_adjust_meta:
		eng = NFPE_ENG_ADJ_META;
		a = NFPE_JIT_LO(2);
		break;
	default:
		return jit_error(j, -NFPE_EOPNOTSUPP, i,
				 "insn %u: helper bpf_%s (%d) not supported by the device",
				 i, nfpe_jit_helper_name(in->imm), in->imm);
	}
	em_r(j, NFPE_OP_ENG, NFPE_JIT_LO(0), a, (uint8_t)flags, eng);
	if (!j->err) {
		j->ir[j->nir - 1].reloc = NFPE_RELOC_ENGINE;
		j->ir[j->nir - 1].reloc_val = eng;
	}
	return 0;
}

static void gen_prologue(struct jit *j, uint32_t s)
{
	struct jit_sub *sub = &j->sub[s];
	uint32_t k, n = 0;

	if (s == 0) {
		em_immed(j, FP, j->stack_size);
		if (!(j->opts & NFPE_JIT_OPT_ZEXT) ||
		    (j->ii[0].live_in & HB_HI(10)))
			em_immed(j, NFPE_JIT_HI(10), 0);
		return;
	}
	for (k = 0; k < 4; k++)
		if (sub->saved & NFPE_BIT(k))
			em_r(j, NFPE_OP_ST_LM64, 0, FP, NFPE_JIT_LO(6 + k),
			     -(sub->depth + 8 * ++n));
}

static void gen_exit(struct jit *j, uint32_t i)
{
	struct jit_sub *sub = &j->sub[j->ii[i].sub];
	uint32_t k, n = 0;

	if (j->ii[i].sub == 0) {
		em_r(j, NFPE_OP_EXIT, 0, NFPE_JIT_LO(0), 0, 0);
		return;
	}
	for (k = 0; k < 4; k++)
		if (sub->saved & NFPE_BIT(k))
			em_r(j, NFPE_OP_LD_LM64, NFPE_JIT_LO(6 + k), FP, 0,
			     -(sub->depth + 8 * ++n));
	em_r(j, NFPE_OP_RET, 0, 0, 0, 0);
}

static int sub_of_insn(struct jit *j, uint32_t t)
{
	uint32_t s;

	for (s = 0; s < j->nsub; s++)
		if (j->sub[s].start == t)
			return s;
	return -1;
}

static int gen_insn(struct jit *j, uint32_t i)
{
	const struct nfpe_bpf_insn *in = &j->insn[i];
	uint8_t cls = NFPE_BPF_CLASS(in->code);
	uint8_t op = NFPE_BPF_OP(in->code);

	switch (cls) {
	case NFPE_BPF_ALU:
	case NFPE_BPF_ALU64:
		return gen_alu(j, i);
	case NFPE_BPF_JMP:
	case NFPE_BPF_JMP32:
		if (op == NFPE_BPF_EXIT) {
			gen_exit(j, i);
			return 0;
		}
		if (op == NFPE_BPF_CALL) {
			uint32_t fr = j->sub[j->ii[i].sub].frame;
			int s;

			if (!jit_is_pseudo_call(in))
				return gen_helper(j, i);
			s = sub_of_insn(j, i + 1 + in->imm);
			if (s < 0)
				return jit_error(j, -NFPE_EINVAL, i,
						 "insn %u: call target is not a subprogram",
						 i);
			if (fr)
				em_r(j, NFPE_OP_SUBI, FP, FP, 0, fr);
			ir_push(j, nfpe_enc_b(NFPE_OP_CALL, 0, 0, 0),
				IR_BR_SUB, s);
			if (fr)
				em_r(j, NFPE_OP_ADDI, FP, FP, 0, fr);
			return 0;
		}
		return gen_jmp(j, i);
	case NFPE_BPF_LD:
		if (jit_is_ldimm64(in)) {
			uint8_t dl = NFPE_JIT_LO(in->dst_reg);
			bool hl = hi_live(j, i, in->dst_reg);

			if (in->src_reg) {
				em_immed(j, dl, j->p->facts[i].map_slot);
				if (!j->err) {
					j->ir[j->nir - 1].reloc =
						NFPE_RELOC_MAP_SLOT;
					j->ir[j->nir - 1].reloc_val =
						j->p->facts[i].map_slot;
				}
				if (hl)
					em_immed(j, dl + 1, 0);
				return 0;
			}
			em_immed(j, dl, (uint32_t)in->imm);
			if (hl)
				em_immed(j, dl + 1, (uint32_t)in[1].imm);
			return 0;
		}
		return gen_ld_abs(j, i);
	default:
		return gen_mem(j, i);
	}
}

int jit_codegen(struct jit *j)
{
	uint32_t i, s = 0;
	int err;

	for (i = 0; i < j->n; i++) {
		uint32_t fl = j->ii[i].flags;

		if (s < j->nsub && j->sub[s].start == i) {
			j->sub[s].entry_ir = j->nir;
			if (!(fl & JI_REACH)) {
				/*
				 * A subprogram the verifier never entered
				 * (its calls are dead): a bare ret keeps
				 * its entry valid, nothing calls it.
				 */
				j->bpf2ir[i] = j->nir;
				em_r(j, NFPE_OP_RET, 0, 0, 0, 0);
				s++;
				continue;
			}
			gen_prologue(j, s);
			s++;
		}
		j->bpf2ir[i] = j->nir;
		if (!(fl & JI_REACH) || (fl & (JI_SECOND | JI_DEAD |
					       JI_MERGED)))
			continue;
		err = gen_insn(j, i);
		if (err)
			return err;
		if (j->err)
			return j->err;
	}
	j->bpf2ir[j->n] = j->nir;
	return j->err;
}
