// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * analysis.c - pass 3 (analysis) and the decisions of pass 4 (optimise).
 *
 *  - control flow: jump targets, reachability from every entry;
 *  - a forward "must" dataflow over the CFG: for each register, whether
 *    its high half is provably zero and whether its value is a known
 *    constant (joins intersect);
 *  - per instruction operand decisions: source folded into an
 *    immediate, result folded into a constant, 64-bit work narrowed to
 *    32 bits;
 *  - combined packet loads (a byte-assembly idiom becomes one load);
 *  - a backward liveness of register halves with dead-instruction
 *    elimination ("faint" values): codegen writes a high half only
 *    when someone reads it.
 *
 * Every decision depends on an NFPE_JIT_OPT_* flag; with all flags off
 * the code generator emits the full 64-bit sequence for everything.
 */
#include "jit-internal.h"

static uint64_t sext32(int32_t v)
{
	return (uint64_t)(int64_t)v;
}

static uint32_t bitlen(uint64_t v)
{
	return v ? 64 - __builtin_clzll(v) : 0;
}

static void rv_bits(struct jit_rv *r, uint32_t bits)
{
	r->bits = bits > 64 ? 64 : bits;
	r->known = r->bits <= 32 ? RV_K32 : 0;
	r->val = 0;
}

static void rv_set_unknown(struct jit_rv *r)
{
	rv_bits(r, 64);
}

static void rv_set_const(struct jit_rv *r, uint64_t v)
{
	rv_bits(r, bitlen(v));
	r->known |= RV_CONST;
	r->val = v;
}

static uint32_t min_u(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static uint32_t max_u(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/*
 * Upper bound of the bit length of an ALU result from those of its
 * operands (64: nothing known).  A value is "known 32-bit" when the
 * bound is <= 32.
 */
static uint32_t alu_bits(uint8_t op, bool is64, uint32_t db, uint32_t sb,
			 const struct jit_rv *s)
{
	uint32_t w = is64 ? 64 : 32, k = 0;

	db = min_u(db, w);
	sb = min_u(sb, w);
	if (s->known & RV_CONST)
		k = s->val & (w - 1);
	switch (op) {
	case NFPE_BPF_MOV:
		return sb;
	case NFPE_BPF_AND:
		return min_u(db, sb);
	case NFPE_BPF_OR:
	case NFPE_BPF_XOR:
		return max_u(db, sb);
	case NFPE_BPF_ADD:
		return min_u(max_u(db, sb) + 1, w);
	case NFPE_BPF_MUL:
		return min_u(db + sb, w);
	case NFPE_BPF_DIV:
	case NFPE_BPF_MOD:
		return db;
	case NFPE_BPF_LSH:
		if (s->known & RV_CONST)
			return db ? min_u(db + k, w) : 0;
		return sb <= 6 ? min_u(db + (1u << sb) - 1, w) : w;
	case NFPE_BPF_RSH:
		if (s->known & RV_CONST)
			return db > k ? db - k : 0;
		return db;
	case NFPE_BPF_ARSH:
		if (db >= w)
			return w;
		if (s->known & RV_CONST)
			return db > k ? db - k : 0;
		return db;
	}
	return w;
}

/* Successors of insn i: returns count, fills s[0..1]. */
static int succs(struct jit *j, uint32_t i, uint32_t s[2])
{
	const struct nfpe_bpf_insn *in = &j->insn[i];
	uint8_t cls = NFPE_BPF_CLASS(in->code);
	uint8_t op = NFPE_BPF_OP(in->code);

	if (jit_is_ldimm64(in)) {
		s[0] = i + 2;
		return 1;
	}
	if (cls == NFPE_BPF_JMP || cls == NFPE_BPF_JMP32) {
		if (op == NFPE_BPF_EXIT)
			return 0;
		if (op == NFPE_BPF_CALL) {
			s[0] = i + 1;
			return 1;
		}
		if (op == NFPE_BPF_JA) {
			s[0] = i + 1 + in->off;
			return 1;
		}
		s[0] = i + 1;
		s[1] = i + 1 + in->off;
		return 2;
	}
	s[0] = i + 1;
	return 1;
}

static bool fact_flag(struct jit *j, uint32_t i, uint32_t f)
{
	return j->p->facts && (j->p->facts[i].flags & f);
}

/* Forward transfer of one instruction over the abstract state. */
static void xfer(struct jit *j, uint32_t i, struct jit_rv *st)
{
	const struct nfpe_bpf_insn *in = &j->insn[i];
	uint8_t cls = NFPE_BPF_CLASS(in->code);
	uint8_t op = NFPE_BPF_OP(in->code);
	struct jit_rv *d = &st[in->dst_reg];
	struct jit_rv s;
	int r;

	switch (cls) {
	case NFPE_BPF_ALU:
	case NFPE_BPF_ALU64:
		if (NFPE_BPF_SRC(in->code) == NFPE_BPF_K || op == NFPE_BPF_NEG ||
		    op == NFPE_BPF_END)
			rv_set_const(&s, sext32(in->imm));
		else
			s = st[in->src_reg];
		if (op == NFPE_BPF_END) {
			if (d->known & RV_CONST)
				rv_set_const(d, nfpe_jit_eval_alu(in->code,
					     d->val, 0, in->imm));
			else if (NFPE_BPF_SRC(in->code) == NFPE_BPF_TO_BE)
				rv_bits(d, in->imm);
			else
				rv_bits(d, min_u(d->bits, in->imm));
			break;
		}
		if ((s.known & RV_CONST) &&
		    (op == NFPE_BPF_MOV || (d->known & RV_CONST))) {
			rv_set_const(d, nfpe_jit_eval_alu(in->code, d->val,
							  s.val, in->imm));
			break;
		}
		if (op == NFPE_BPF_NEG || op == NFPE_BPF_SUB)
			rv_bits(d, cls == NFPE_BPF_ALU ? 32 : 64);
		else
			rv_bits(d, alu_bits(op, cls == NFPE_BPF_ALU64, d->bits,
					    s.bits, &s));
		break;
	case NFPE_BPF_LDX:
		rv_bits(d, 8 * jit_size_bytes(in->code));
		break;
	case NFPE_BPF_LD:
		if (jit_is_ldimm64(in)) {
			if (in->src_reg == 0)
				rv_set_const(d, (uint32_t)in->imm |
					     (uint64_t)(uint32_t)in[1].imm << 32);
			else
				rv_bits(d, 16);
		} else {
			/* LD_ABS/IND: r0 = data, r1-r5 clobbered */
			for (r = 1; r <= 5; r++)
				rv_set_unknown(&st[r]);
			rv_bits(&st[0], 8 * jit_size_bytes(in->code));
		}
		break;
	case NFPE_BPF_JMP:
		if (op != NFPE_BPF_CALL)
			break;
		for (r = 0; r <= 5; r++)
			rv_set_unknown(&st[r]);
		if (jit_is_helper_call(in) &&
		    (in->imm == NFPE_BPF_FUNC_get_prandom_u32 ||
		     in->imm == NFPE_BPF_FUNC_map_lookup_elem))
			rv_bits(&st[0], 32);
		break;
	default:
		break;
	}
}

static bool join(struct jit_rv *into, const struct jit_rv *from)
{
	bool changed = false;
	int r;

	for (r = 0; r < JIT_NREGS; r++) {
		uint32_t k = into[r].known & from[r].known;
		uint32_t bits = max_u(into[r].bits, from[r].bits);

		if ((k & RV_CONST) && into[r].val != from[r].val)
			k &= ~RV_CONST;
		if (k != into[r].known || bits != into[r].bits) {
			into[r].known = k;
			into[r].bits = bits;
			if (!(k & RV_CONST))
				into[r].val = 0;
			changed = true;
		}
	}
	return changed;
}

static int forward(struct jit *j)
{
	struct jit_rv st[JIT_NREGS];
	bool changed = true;
	uint32_t i, s[2], k, guard = 0;
	int ns, r;

	for (k = 0; k < j->nsub; k++) {
		struct jit_insn *e = &j->ii[j->sub[k].start];

		for (r = 0; r < JIT_NREGS; r++)
			rv_set_unknown(&e->in[r]);
		rv_bits(&e->in[10], 32);
		e->visited = true;
	}
	while (changed) {
		changed = false;
		if (++guard > 64 + j->n)
			return jit_error(j, -NFPE_EINVAL, -1,
					 "analysis does not converge");
		for (i = 0; i < j->n; i++) {
			if (!j->ii[i].visited || (j->ii[i].flags & JI_SECOND))
				continue;
			nfpe_memcpy(st, j->ii[i].in, sizeof(st));
			xfer(j, i, st);
			ns = succs(j, i, s);
			for (r = 0; r < ns; r++) {
				struct jit_insn *t;

				if (s[r] >= j->n)
					continue;
				t = &j->ii[s[r]];
				if (!t->visited) {
					nfpe_memcpy(t->in, st, sizeof(st));
					t->visited = true;
					changed = true;
				} else if (join(t->in, st)) {
					changed = true;
				}
			}
		}
	}
	return 0;
}

/*
 * Facts that mark what the verifier saw (SEEN on the entry) also say
 * which edges it never took: the kernel removes never-seen code before
 * the JIT (replace_insn/remove_insns), so it is never compiled here
 * either, whatever the optimisation flags.
 */
static bool unseen(struct jit *j, uint32_t i)
{
	return j->p->facts && (j->p->facts[0].flags & NFPE_FACT_SEEN) &&
	       i < j->n && !(j->p->facts[i].flags & NFPE_FACT_SEEN);
}

static int cfg(struct jit *j)
{
	uint32_t *stack, sp = 0, i, s[2], k;
	int ns, r;

	stack = j->a->alloc(j->a->opaque, sizeof(*stack) * (j->n + 1));
	if (!stack)
		return jit_error(j, -NFPE_ENOMEM, -1, "out of memory");
	for (k = 0; k < j->nsub; k++) {
		if (k && unseen(j, j->sub[k].start))
			continue;	/* never called: codegen stubs it */
		j->ii[j->sub[k].start].flags |= JI_REACH;
		stack[sp++] = j->sub[k].start;
	}
	while (sp) {
		i = stack[--sp];
		ns = succs(j, i, s);
		for (r = 0; r < ns; r++) {
			if (s[r] >= j->n || (j->ii[s[r]].flags & JI_SECOND) ||
			    j->ii[s[r]].sub != j->ii[i].sub) {
				j->a->free(j->a->opaque, stack);
				return jit_error(j, -NFPE_EINVAL, i,
						 "insn %u: jump out of range", i);
			}
			if (unseen(j, s[r]))
				continue;
			if (ns == 2 || NFPE_BPF_OP(j->insn[i].code) ==
			    NFPE_BPF_JA)
				j->ii[s[r]].flags |= JI_TARGET;
			if (!(j->ii[s[r]].flags & JI_REACH)) {
				j->ii[s[r]].flags |= JI_REACH;
				stack[sp++] = s[r];
			}
		}
	}
	j->a->free(j->a->opaque, stack);
	for (i = 0; i < j->n; i++) {
		if (fact_flag(j, i, NFPE_FACT_JMP_TARGET))
			j->ii[i].flags |= JI_TARGET;
		if (!(j->ii[i].flags & JI_REACH) &&
		    !(j->ii[i].flags & JI_SECOND)) {
			j->res->stats.unreachable++;
			if (!(j->opts & NFPE_JIT_OPT_DCE) && !unseen(j, i))
				j->ii[i].flags |= JI_REACH;
		}
	}
	return 0;
}

/*
 * Operand decisions.  JI_SRCK: the source operand is the immediate
 * kval (a K-form insn, or a register holding a known constant that an
 * immediate can represent).  JI_FOLD: the whole result is rval.
 */
static void decide(struct jit *j, uint32_t i)
{
	const struct nfpe_bpf_insn *in = &j->insn[i];
	struct jit_insn *ii = &j->ii[i];
	uint8_t cls = NFPE_BPF_CLASS(in->code);
	uint8_t op = NFPE_BPF_OP(in->code);
	bool zext = j->opts & NFPE_JIT_OPT_ZEXT;
	bool cst = j->opts & NFPE_JIT_OPT_CONST;
	const struct jit_rv *d = &ii->in[in->dst_reg];
	const struct jit_rv *s = &ii->in[in->src_reg];
	bool is64 = cls == NFPE_BPF_ALU64 || cls == NFPE_BPF_JMP;

	if (cls != NFPE_BPF_ALU && cls != NFPE_BPF_ALU64 &&
	    cls != NFPE_BPF_JMP && cls != NFPE_BPF_JMP32)
		return;
	if (cls == NFPE_BPF_JMP && (op == NFPE_BPF_CALL ||
				    op == NFPE_BPF_EXIT || op == NFPE_BPF_JA))
		return;
	if ((cls == NFPE_BPF_ALU || cls == NFPE_BPF_ALU64) &&
	    (op == NFPE_BPF_END || op == NFPE_BPF_NEG)) {
		if (cst && (d->known & RV_CONST)) {
			ii->flags |= JI_FOLD;
			ii->rval = nfpe_jit_eval_alu(in->code, d->val, 0,
						     in->imm);
		}
		if (zext && ((d->known & RV_K32) ||
			     fact_flag(j, i, NFPE_FACT_DST32)))
			ii->flags |= JI_K32D;
		return;
	}
	if (NFPE_BPF_SRC(in->code) == NFPE_BPF_K) {
		ii->flags |= JI_SRCK;
		ii->kval = sext32(in->imm);
	} else if (cst && (s->known & RV_CONST) &&
		   (!is64 || s->val == sext32((int32_t)s->val))) {
		ii->flags |= JI_SRCK;
		ii->kval = is64 ? s->val : (uint32_t)s->val;
		j->res->stats.folded++;
	}
	if (zext && (((ii->flags & JI_SRCK) && !(ii->kval >> 32)) ||
		     (!(ii->flags & JI_SRCK) && ((s->known & RV_K32) ||
		      fact_flag(j, i, NFPE_FACT_SRC32)))))
		ii->flags |= JI_K32S;
	if (zext && ((d->known & RV_K32) ||
		     fact_flag(j, i, NFPE_FACT_DST32)))
		ii->flags |= JI_K32D;
	if (cst && (d->known & RV_CONST)) {
		ii->dconst = true;
		ii->dval = d->val;
	}
	if (zext && cls == NFPE_BPF_ALU64 && (op == NFPE_BPF_LSH ||
	    op == NFPE_BPF_RSH || op == NFPE_BPF_ARSH)) {
		uint32_t k = ii->kval & 63;
		uint32_t sb = (ii->flags & JI_SRCK) ? bitlen(k) : s->bits;

		/*
		 * The value and the result fit the low word, and a shift
		 * by register is known to be below 32.
		 */
		if (op == NFPE_BPF_LSH)
			ii->flags |= d->bits + ((ii->flags & JI_SRCK) ? k :
				     sb <= 6 ? (1u << sb) - 1 : 64) <= 32 &&
				     ((ii->flags & JI_SRCK) || sb <= 5) ?
				     JI_NARROW : 0;
		else if (d->bits <= 32 && ((ii->flags & JI_SRCK) || sb <= 5))
			ii->flags |= JI_NARROW;
	}
	if ((cls == NFPE_BPF_JMP || cls == NFPE_BPF_JMP32) &&
	    (unseen(j, i + 1) || unseen(j, i + 1 + in->off))) {
		/* one side never taken */
		ii->flags |= JI_FOLD;
		ii->rval = !unseen(j, i + 1 + in->off);
		return;
	}
	if (!cst)
		return;
	if (cls == NFPE_BPF_JMP || cls == NFPE_BPF_JMP32) {
		if ((ii->flags & JI_SRCK) && (d->known & RV_CONST)) {
			ii->flags |= JI_FOLD;
			ii->rval = nfpe_jit_eval_jmp(in->code, d->val,
						     ii->kval);
			j->res->stats.folded++;
		}
		return;
	}
	if (op == NFPE_BPF_MOV && (ii->flags & JI_SRCK) &&
	    NFPE_BPF_SRC(in->code) == NFPE_BPF_X) {
		ii->flags |= JI_FOLD;
		ii->rval = nfpe_jit_eval_alu(in->code, 0, ii->kval, in->imm);
	} else if (op != NFPE_BPF_MOV && (ii->flags & JI_SRCK) &&
		   (d->known & RV_CONST)) {
		ii->flags |= JI_FOLD;
		ii->rval = nfpe_jit_eval_alu(in->code, d->val,
			   NFPE_BPF_SRC(in->code) == NFPE_BPF_K ?
			   ii->kval : s->val, in->imm);
		j->res->stats.folded++;
	}
}

/* Register halves an instruction's microcode reads. */
uint32_t jit_insn_uses(struct jit *j, uint32_t i, uint32_t live_out)
{
	const struct nfpe_bpf_insn *in = &j->insn[i];
	struct jit_insn *ii = &j->ii[i];
	uint8_t cls = NFPE_BPF_CLASS(in->code);
	uint8_t op = NFPE_BPF_OP(in->code);
	uint8_t d = in->dst_reg, s = in->src_reg;
	bool srck = ii->flags & JI_SRCK;
	bool k32s = ii->flags & JI_K32S, k32d = ii->flags & JI_K32D;
	bool hlive = !(j->opts & NFPE_JIT_OPT_ZEXT) ||
		     (live_out & HB_HI(d));
	uint32_t u = 0;

	if (ii->flags & JI_MERGED)
		return 0;
	switch (cls) {
	case NFPE_BPF_ALU64:
		if (ii->flags & JI_FOLD)
			return 0;
		switch (op) {
		case NFPE_BPF_MOV:
			if (srck)
				return 0;
			u = HB_LO(s);
			if (hlive && !k32s)
				u |= HB_HI(s);
			return u;
		case NFPE_BPF_ADD:
		case NFPE_BPF_SUB:
		case NFPE_BPF_MUL:
		case NFPE_BPF_OR:
		case NFPE_BPF_AND:
		case NFPE_BPF_XOR:
			u = HB_LO(d) | (srck ? 0 : HB_LO(s));
			if (hlive) {
				if (!k32d)
					u |= HB_HI(d);
				if (!srck && !k32s)
					u |= HB_HI(s);
			}
			return u;
		case NFPE_BPF_NEG:
			return HB_LO(d) | (hlive ? HB_HI(d) : 0);
		case NFPE_BPF_DIV:
		case NFPE_BPF_MOD:
			u = HB_LO(d) | (srck ? 0 : HB_LO(s));
			if (k32d && k32s)
				return u;
			return u | HB_HI(d) | (srck ? 0 : HB_HI(s));
		case NFPE_BPF_END:
			return HB_BOTH(d);
		default:	/* shifts */
			u = srck ? 0 : HB_LO(s);
			if (ii->flags & JI_NARROW)
				return u | HB_LO(d);
			if (op == NFPE_BPF_LSH && !hlive)
				return u | HB_LO(d);
			return u | HB_BOTH(d);
		}
	case NFPE_BPF_ALU:
		if (ii->flags & JI_FOLD)
			return 0;
		if (op == NFPE_BPF_MOV)
			return srck ? 0 : HB_LO(s);
		if (op == NFPE_BPF_END && in->imm == 64)
			return HB_BOTH(d);
		return HB_LO(d) | (srck || op == NFPE_BPF_NEG ||
				   op == NFPE_BPF_END ? 0 : HB_LO(s));
	case NFPE_BPF_LDX:
		if (ii->flags & JI_PKTLD)
			return HB_LO(ii->comb.base);
		return HB_LO(s);
	case NFPE_BPF_ST:
		return HB_LO(d);
	case NFPE_BPF_STX:
		if (ii->flags & JI_PKTLD)
			return HB_LO(d);
		u = HB_LO(d) | HB_LO(s);
		if (NFPE_BPF_SIZE(in->code) == NFPE_BPF_DW)
			u |= HB_HI(s);
		return u;
	case NFPE_BPF_LD:
		if (jit_is_ldimm64(in))
			return 0;
		/* LD_ABS/IND: implicit ctx in r6, index register */
		return NFPE_BPF_MODE(in->code) == NFPE_BPF_IND ? HB_LO(s) : 0;
	case NFPE_BPF_JMP:
	case NFPE_BPF_JMP32:
		if (op == NFPE_BPF_JA)
			return 0;
		if (op == NFPE_BPF_EXIT)
			return ii->sub ? HB_BOTH(0) : HB_LO(0);
		if (op == NFPE_BPF_CALL) {
			if (jit_is_pseudo_call(in))
				return HB_BOTH(1) | HB_BOTH(2) | HB_BOTH(3) |
				       HB_BOTH(4) | HB_BOTH(5) | HB_LO(10);
			return HB_LO(1) | HB_LO(2) | HB_LO(3) | HB_LO(4) |
			       HB_LO(5);
		}
		if ((ii->flags & JI_FOLD))
			return 0;
		u = HB_LO(d) | (srck ? 0 : HB_LO(s));
		if (cls == NFPE_BPF_JMP32)
			return u;
		if (!(k32d && k32s)) {
			u |= HB_HI(d);
			if (!srck)
				u |= HB_HI(s);
		}
		return u;
	}
	return 0;
}

uint32_t jit_insn_defs(struct jit *j, uint32_t i)
{
	const struct nfpe_bpf_insn *in = &j->insn[i];
	uint8_t cls = NFPE_BPF_CLASS(in->code);
	uint8_t op = NFPE_BPF_OP(in->code);

	if (j->ii[i].flags & JI_MERGED)
		return 0;
	switch (cls) {
	case NFPE_BPF_ALU:
	case NFPE_BPF_ALU64:
		if (op == NFPE_BPF_END && in->imm == 64 &&
		    NFPE_BPF_SRC(in->code) == NFPE_BPF_TO_LE)
			return 0;
		return HB_BOTH(in->dst_reg);
	case NFPE_BPF_LDX:
		if (j->ii[i].flags & JI_PKTLD)
			return j->ii[i].comb.defs;
		if (j->ii[i].flags & JI_MERGED)
			return 0;
		return HB_BOTH(in->dst_reg);
	case NFPE_BPF_LD:
		if (jit_is_ldimm64(in))
			return HB_BOTH(in->dst_reg);
		return HB_BOTH(0) | HB_BOTH(1) | HB_BOTH(2) | HB_BOTH(3) |
		       HB_BOTH(4) | HB_BOTH(5);
	case NFPE_BPF_JMP:
		if (op == NFPE_BPF_CALL)
			return HB_BOTH(0) | HB_BOTH(1) | HB_BOTH(2) |
			       HB_BOTH(3) | HB_BOTH(4) | HB_BOTH(5);
		return 0;
	}
	return 0;
}

static bool has_side_effect(struct jit *j, uint32_t i)
{
	const struct nfpe_bpf_insn *in = &j->insn[i];
	uint8_t cls = NFPE_BPF_CLASS(in->code);

	if (cls == NFPE_BPF_ST || cls == NFPE_BPF_STX ||
	    cls == NFPE_BPF_JMP || cls == NFPE_BPF_JMP32)
		return true;
	if (cls == NFPE_BPF_LD && !jit_is_ldimm64(in))
		return true;	/* LD_ABS may end the program */
	return false;
}

static void liveness(struct jit *j, bool dce)
{
	bool changed = true;
	uint32_t i, s[2], out, in, k;
	int ns, r;

	for (i = 0; i < j->n; i++) {
		j->ii[i].live_in = 0;
		j->ii[i].live_out = 0;
		j->ii[i].flags &= ~JI_DEAD;
	}
	while (changed) {
		changed = false;
		for (k = j->n; k-- > 0;) {
			struct jit_insn *ii = &j->ii[k];
			uint32_t def;

			if (!(ii->flags & JI_REACH) || (ii->flags & JI_SECOND))
				continue;
			out = 0;
			ns = succs(j, k, s);
			for (r = 0; r < ns; r++)
				if (s[r] < j->n)
					out |= j->ii[s[r]].live_in;
			/* the caller's r6-r9 survive the callee's exit */
			if (jit_is_pseudo_call(&j->insn[k]))
				out |= 0;
			if (j->p->facts && (j->p->facts[k].flags &
					    NFPE_FACT_LIVE) && dce) {
				uint32_t m = 0;

				for (r = 0; r < JIT_NREGS; r++)
					if (j->p->facts[k].live & NFPE_BIT(r))
						m |= HB_BOTH(r);
				out &= m;
			}
			def = jit_insn_defs(j, k);
			if (dce && !(ii->flags & JI_SIDE) && def &&
			    !(def & out)) {
				in = out;
				ii->flags |= JI_DEAD;
			} else {
				in = jit_insn_uses(j, k, out) | (out & ~def);
				ii->flags &= ~JI_DEAD;
			}
			if (!(j->opts & NFPE_JIT_OPT_ZEXT))
				in |= (in & 0x155555u) << 1;
			if (in != ii->live_in || out != ii->live_out) {
				ii->live_in = in;
				ii->live_out = out;
				changed = true;
			}
		}
	}
}

/* ---- combined packet accesses ------------------------------------- */

static bool is_pkt(struct jit *j, uint32_t i)
{
	return j->p->facts && j->p->facts[i].ptr == NFPE_PTR_PKT;
}

/* Insns k in (head, last] are plain straight-line code of the group. */
static bool group_ok(struct jit *j, uint32_t head, uint32_t last)
{
	uint32_t k;

	for (k = head; k <= last; k++) {
		uint32_t f = j->ii[k].flags;

		if (!(f & JI_REACH) || (f & (JI_DEAD | JI_FOLD | JI_PKTLD |
					     JI_MERGED | JI_SECOND)) ||
		    (k > head && (f & JI_TARGET)))
			return false;
	}
	return true;
}

static void mark_group(struct jit *j, uint32_t head, const struct jit_comb *c)
{
	uint32_t k;

	j->ii[head].flags |= JI_PKTLD;
	j->ii[head].comb = *c;
	for (k = head + 1; k <= c->last; k++)
		j->ii[k].flags |= JI_MERGED;
}

/*
 * Byte assembly of packet data: loads of bytes/halfwords from one base,
 * shifts by multiples of 8 and ors, in any order, that leave in one
 * register the little-endian value of 2 or 4 consecutive bytes (e.g.
 * b0 | b1 << 8, or (b1 << 8 | b0) | (b3 << 8 | b2) << 16) are one
 * ld.pkt.16/32.  Every insn of the group must feed the result and the
 * other registers it writes must be dead afterwards.
 */
struct symb {
	bool ok;
	int32_t off;		/* first byte */
	uint8_t n;		/* bytes */
	uint8_t shift;		/* bits the byte at off is shifted by */
	uint8_t cnt;		/* insns that made this value */
};

static bool try_load_group(struct jit *j, uint32_t i)
{
	const struct nfpe_bpf_insn *h = &j->insn[i];
	uint8_t base = h->src_reg;
	struct symb sy[JIT_NREGS];
	struct jit_comb best = { 0 };
	uint32_t k, defs = 0;
	bool found = false;

	nfpe_memset(sy, 0, sizeof(sy));
	for (k = i; k < j->n && k < i + 16; k++) {
		const struct nfpe_bpf_insn *in = &j->insn[k];
		uint8_t cls = NFPE_BPF_CLASS(in->code), op = NFPE_BPF_OP(in->code);
		uint8_t d = in->dst_reg;
		struct symb *x = &sy[d], *y = &sy[in->src_reg];

		if (in->code == (NFPE_BPF_LDX | NFPE_BPF_MEM | NFPE_BPF_B) ||
		    in->code == (NFPE_BPF_LDX | NFPE_BPF_MEM | NFPE_BPF_H)) {
			if (!is_pkt(j, k) || in->src_reg != base || d == base)
				break;
			x->ok = true;
			x->off = in->off;
			x->n = NFPE_BPF_SIZE(in->code) == NFPE_BPF_B ? 1 : 2;
			x->shift = 0;
			x->cnt = 1;
		} else if ((cls == NFPE_BPF_ALU || cls == NFPE_BPF_ALU64) &&
			   op == NFPE_BPF_LSH &&
			   NFPE_BPF_SRC(in->code) == NFPE_BPF_K) {
			if (!x->ok || in->imm % 8 ||
			    x->n * 8 + x->shift + in->imm > 32)
				break;
			x->shift += in->imm;
			x->cnt++;
		} else if ((cls == NFPE_BPF_ALU || cls == NFPE_BPF_ALU64) &&
			   op == NFPE_BPF_OR &&
			   NFPE_BPF_SRC(in->code) == NFPE_BPF_X) {
			int32_t lo, hi;

			if (!x->ok || !y->ok || d == in->src_reg ||
			    x->shift - 8 * x->off != y->shift - 8 * y->off)
				break;
			lo = x->off < y->off ? x->off : y->off;
			hi = x->off + x->n > y->off + y->n ?
			     x->off + x->n : y->off + y->n;
			if (hi - lo != x->n + y->n)	/* overlap or gap */
				break;
			x->shift = x->off < y->off ? x->shift : y->shift;
			x->off = lo;
			x->n += y->n;
			x->cnt += y->cnt + 1;
			y->ok = false;
		} else {
			break;
		}
		defs |= HB_BOTH(d);
		if (x->ok && !x->shift && (x->n == 2 || x->n == 4) &&
		    x->cnt == k - i + 1 && k > i && group_ok(j, i, k) &&
		    !(j->ii[k].live_out & (defs & ~HB_BOTH(d)))) {
			best.kind = COMB_LOAD;
			best.size = x->n;
			best.reg = d;
			best.base = base;
			best.off = (int16_t)x->off;
			best.last = k;
			best.defs = defs;
			found = true;
		}
	}
	if (found)
		mark_group(j, i, &best);
	return found;
}

/* Bytes [lo, lo + n) covered exactly once by the pieces in mask terms. */
static bool contiguous(int32_t lo, int32_t hi, uint32_t bytes, uint32_t *sz)
{
	if (hi - lo != (int32_t)bytes)
		return false;
	if (bytes != 2 && bytes != 4 && bytes != 8)
		return false;
	*sz = bytes;
	return true;
}

/*
 * Packet copies: pairs "rT = *(uN *)(rB + a); *(uN *)(rB + a + D) = rT"
 * with one rT, rB, N and D whose sources together are 2, 4 or 8
 * consecutive bytes, not overlapping the destinations (so the order of
 * the pairs does not matter), are one ld.pkt + st.pkt.  rT must be dead
 * afterwards.
 */
static bool try_copy_group(struct jit *j, uint32_t i)
{
	const struct nfpe_bpf_insn *h = &j->insn[i], *st = &j->insn[i + 1];
	uint8_t sz = NFPE_BPF_SIZE(h->code), t = h->dst_reg, base = h->src_reg;
	uint32_t n = jit_size_bytes(h->code), bytes = 0, k, size;
	int32_t disp = st->off - h->off, lo = h->off, hi = h->off;
	struct jit_comb best = { 0 };
	bool found = false;

	if (NFPE_BPF_MODE(h->code) != NFPE_BPF_MEM || n > 4 || t == base)
		return false;
	for (k = i; k + 1 < j->n && k < i + 16; k += 2) {
		const struct nfpe_bpf_insn *l = &j->insn[k], *s = &j->insn[k + 1];
		uint32_t f;

		if (l->code != h->code || s->code != (NFPE_BPF_STX |
		    NFPE_BPF_MEM | sz) || l->dst_reg != t ||
		    l->src_reg != base || s->dst_reg != base ||
		    s->src_reg != t || s->off - l->off != disp ||
		    !is_pkt(j, k) || !is_pkt(j, k + 1))
			break;
		/* no byte loaded twice */
		for (f = i; f < k; f += 2)
			if (j->insn[f].off < l->off + (int32_t)n &&
			    l->off < j->insn[f].off + (int32_t)n)
				break;
		if (f < k)
			break;
		lo = l->off < lo ? l->off : lo;
		hi = l->off + (int32_t)n > hi ? l->off + (int32_t)n : hi;
		bytes += n;
		if (contiguous(lo, hi, bytes, &size) &&
		    (hi <= lo + disp || lo + disp + (int32_t)size <= lo) &&
		    group_ok(j, i, k + 1) &&
		    !(j->ii[k + 1].live_out & HB_BOTH(t))) {
			best.kind = COMB_COPY;
			best.size = size;
			best.reg = t;
			best.base = base;
			best.off = (int16_t)lo;
			best.off2 = (int16_t)(lo + disp);
			best.last = k + 1;
			best.defs = HB_BOTH(t);
			found = true;
		}
	}
	if (found) {
		mark_group(j, i, &best);
		j->ii[i].flags |= JI_SIDE;	/* a store: never dead */
	}
	return found;
}

/* The value a store at insn k writes, if it is a known constant. */
static bool store_const(struct jit *j, uint32_t k, uint64_t *v)
{
	const struct nfpe_bpf_insn *in = &j->insn[k];
	const struct jit_rv *r = &j->ii[k].in[in->src_reg];

	if (NFPE_BPF_CLASS(in->code) == NFPE_BPF_ST) {
		*v = (uint64_t)(int64_t)in->imm;
		return true;
	}
	if (NFPE_BPF_CLASS(in->code) == NFPE_BPF_STX &&
	    NFPE_BPF_MODE(in->code) == NFPE_BPF_MEM &&
	    (r->known & RV_CONST)) {
		*v = r->val;
		return true;
	}
	return false;
}

/*
 * Constant packet stores: stores of known constants (ST, or STX of a
 * register the forward analysis knows) through one base, possibly with
 * "rX = K" in between, that together write 2, 4 or 8 consecutive bytes
 * once each, are one immed + st.pkt at the first store.  The moves stay
 * (dce drops them when nothing else reads them).
 */
static bool try_const_group(struct jit *j, uint32_t i)
{
	uint8_t base = j->insn[i].dst_reg;
	int32_t lo = j->insn[i].off, hi = lo;
	uint32_t k, bytes = 0, size, nst = 0;
	uint8_t img[16];
	uint16_t have = 0;
	struct jit_comb best = { 0 };
	bool found = false;

	for (k = i; k < j->n && k < i + 16; k++) {
		const struct nfpe_bpf_insn *in = &j->insn[k];
		uint8_t cls = NFPE_BPF_CLASS(in->code);
		uint32_t n = jit_size_bytes(in->code), b;
		uint64_t v;

		if (!group_ok(j, i, k))
			break;
		if ((cls == NFPE_BPF_ALU || cls == NFPE_BPF_ALU64) &&
		    NFPE_BPF_OP(in->code) == NFPE_BPF_MOV &&
		    NFPE_BPF_SRC(in->code) == NFPE_BPF_K &&
		    in->dst_reg != base && k > i)
			continue;
		if ((cls != NFPE_BPF_ST && cls != NFPE_BPF_STX) ||
		    in->dst_reg != base || !is_pkt(j, k) ||
		    !store_const(j, k, &v))
			break;
		if (in->off < j->insn[i].off - 8 ||
		    in->off + (int32_t)n > j->insn[i].off + 8)
			break;
		for (b = 0; b < n; b++) {
			uint32_t at = (uint32_t)(in->off - j->insn[i].off + 8 +
						 (int32_t)b);

			if (have & (1u << at))
				break;
			have |= 1u << at;
			img[at] = (uint8_t)(v >> (8 * b));
		}
		if (b < n)
			break;
		nst++;
		lo = in->off < lo ? in->off : lo;
		hi = in->off + (int32_t)n > hi ? in->off + (int32_t)n : hi;
		bytes += n;
		if (nst > 1 && contiguous(lo, hi, bytes, &size)) {
			uint64_t val = 0;

			for (b = 0; b < size; b++)
				val |= (uint64_t)img[lo - j->insn[i].off + 8 +
						     (int32_t)b] << (8 * b);
			best.kind = COMB_CONST;
			best.size = size;
			best.base = base;
			best.off = (int16_t)lo;
			best.last = k;
			best.val = val;
			found = true;
		}
	}
	if (!found)
		return false;
	/* only the stores are merged; the moves in between stay */
	j->ii[i].flags |= JI_PKTLD;
	j->ii[i].comb = best;
	for (k = i + 1; k <= best.last; k++)
		if (NFPE_BPF_CLASS(j->insn[k].code) == NFPE_BPF_ST ||
		    NFPE_BPF_CLASS(j->insn[k].code) == NFPE_BPF_STX)
			j->ii[k].flags |= JI_MERGED;
	return true;
}

static void combine_pkt(struct jit *j)
{
	bool ld = j->opts & NFPE_JIT_OPT_PKTLD, st = j->opts & NFPE_JIT_OPT_PKTST;
	uint32_t i;

	if (!j->p->facts)
		return;
	for (i = 0; i < j->n; i++) {
		const struct nfpe_bpf_insn *in = &j->insn[i];
		uint8_t cls = NFPE_BPF_CLASS(in->code);

		if (!(j->ii[i].flags & JI_REACH) || !is_pkt(j, i) ||
		    (j->ii[i].flags & (JI_MERGED | JI_PKTLD)))
			continue;
		if (cls == NFPE_BPF_LDX && st && i + 1 < j->n &&
		    try_copy_group(j, i)) {
			j->res->stats.pkt_st_combined++;
			continue;
		}
		if (cls == NFPE_BPF_LDX && ld && try_load_group(j, i)) {
			j->res->stats.pkt_combined++;
			continue;
		}
		if ((cls == NFPE_BPF_ST || cls == NFPE_BPF_STX) && st &&
		    try_const_group(j, i))
			j->res->stats.pkt_st_combined++;
	}
}

int jit_analyse(struct jit *j)
{
	uint32_t i, dead = 0;
	int err;

	err = cfg(j);
	if (err)
		return err;
	err = forward(j);
	if (err)
		return err;
	for (i = 0; i < j->n; i++) {
		if (!(j->ii[i].flags & JI_REACH))
			continue;
		if (has_side_effect(j, i))
			j->ii[i].flags |= JI_SIDE;
		decide(j, i);
	}
	liveness(j, j->opts & NFPE_JIT_OPT_DCE);
	if (j->opts & (NFPE_JIT_OPT_PKTLD | NFPE_JIT_OPT_PKTST)) {
		combine_pkt(j);
		liveness(j, j->opts & NFPE_JIT_OPT_DCE);
	}
	for (i = 0; i < j->n; i++)
		if (j->ii[i].flags & JI_DEAD)
			dead++;
	j->res->stats.dead = dead;
	return 0;
}
