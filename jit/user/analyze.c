// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * analyze.c - the userspace front end's own sound analysis.
 *
 * In the kernel the verifier tells the JIT what every register holds.
 * Offline there is no verifier, so this abstract interpreter computes
 * the same facts: for every register (and every 8-byte stack slot that
 * holds a spilled register) one of
 *
 *   scalar (high half known zero?  constant?), ctx, stack (frame,
 *   offset), packet, packet end, map value (slot), map value or NULL
 *   (slot, id), map pointer (slot), or "conflict" (different kinds on
 *   different paths) / uninitialised,
 *
 * joined at merge points until a fixpoint over the whole program
 * (subprograms included: a callee's entry joins its call sites, its
 * return value flows back to every return site).  NULL checks of map
 * lookups refine the two branches.  A memory access whose base is not
 * one proven pointer kind on every path is refused with a message: the
 * front end never guesses an address space.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfpe_jit_user.h"

enum akind {
	AK_UNINIT = 0,
	AK_SCALAR,
	AK_CTX,
	AK_STACK,
	AK_PKT,
	AK_PKT_END,
	AK_MAP_VALUE,
	AK_MAP_OR_NULL,
	AK_MAP_PTR,
	AK_CONFLICT,
};

static const char * const akind_name[] = {
	"uninitialised", "a scalar", "the context", "a stack pointer",
	"a packet pointer", "the packet end", "a map value pointer",
	"a map value pointer that may be NULL", "a map pointer",
	"different kinds of value on different paths",
};

#define AF_K32		1
#define AF_CONST	2
#define AF_OFF		4	/* stack offset known */

#define NSLOTS		64	/* 512 bytes of stack / 8 */
#define NO_FRAME	0xffff

struct areg {
	uint8_t kind;
	uint8_t flags;
	uint16_t slot;		/* map slot, or stack frame */
	int32_t off;		/* stack offset from its frame top */
	uint32_t id;		/* map-or-null identity */
	uint64_t val;		/* constant scalar */
};

struct astate {
	bool valid;
	struct areg r[11];
	struct areg stk[NSLOTS];	/* spills of the current frame */
};

struct actx {
	const struct nfpe_bpf_insn *insn;
	uint32_t n;
	uint32_t prog_type;
	const struct nfpe_jit_map *maps;
	uint32_t n_maps;
	struct nfpe_jit_insn_facts *facts;
	struct astate *st;	/* in-state per insn */
	uint16_t *sub;		/* subprogram of each insn */
	uint32_t sub_start[NFPE_IMAGE_MAX_ENTRIES];
	uint32_t nsub;
	struct areg ret[NFPE_IMAGE_MAX_ENTRIES];	/* callee r0 */
	bool has_ret[NFPE_IMAGE_MAX_ENTRIES];
	uint32_t depth[NFPE_IMAGE_MAX_ENTRIES];
	bool changed;
	char *err;
	size_t errlen;
	int rc;
};

static int aerr(struct actx *c, int rc, const char *fmt, ...)
	nfpe_printf(3, 4);

static int aerr(struct actx *c, int rc, const char *fmt, ...)
{
	va_list ap;

	if (c->rc)
		return c->rc;
	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	c->rc = rc;
	return rc;
}

static bool is_ldimm64(const struct nfpe_bpf_insn *in)
{
	return in->code == (NFPE_BPF_LD | NFPE_BPF_IMM | NFPE_BPF_DW);
}

static bool is_pseudo_call(const struct nfpe_bpf_insn *in)
{
	return in->code == (NFPE_BPF_JMP | NFPE_BPF_CALL) &&
	       in->src_reg == NFPE_BPF_PSEUDO_CALL;
}

static void set_scalar(struct areg *r, bool k32)
{
	memset(r, 0, sizeof(*r));
	r->kind = AK_SCALAR;
	r->flags = k32 ? AF_K32 : 0;
}

static void set_const(struct areg *r, uint64_t v)
{
	memset(r, 0, sizeof(*r));
	r->kind = AK_SCALAR;
	r->flags = AF_CONST | ((v >> 32) ? 0 : AF_K32);
	r->val = v;
}

static void set_kind(struct areg *r, uint8_t kind, uint16_t slot)
{
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->slot = slot;
}

static bool is_ptr(const struct areg *r)
{
	return r->kind >= AK_CTX && r->kind <= AK_MAP_PTR;
}

static bool areg_eq(const struct areg *a, const struct areg *b)
{
	return a->kind == b->kind && a->flags == b->flags &&
	       a->slot == b->slot && a->off == b->off && a->id == b->id &&
	       a->val == b->val;
}

static void join_reg(struct areg *into, const struct areg *from)
{
	if (into->kind != from->kind) {
		set_kind(into, AK_CONFLICT, 0);
		return;
	}
	switch (into->kind) {
	case AK_SCALAR:
		into->flags &= from->flags;
		if ((into->flags & AF_CONST) && into->val != from->val)
			into->flags &= ~AF_CONST;
		if (!(into->flags & AF_CONST))
			into->val = 0;
		break;
	case AK_STACK:
		if (into->slot != from->slot) {
			into->slot = NO_FRAME;
			into->flags &= ~AF_OFF;
		}
		if (into->off != from->off || !(from->flags & AF_OFF)) {
			into->flags &= ~AF_OFF;
			into->off = 0;
		}
		break;
	case AK_MAP_VALUE:
	case AK_MAP_PTR:
		if (into->slot != from->slot)
			into->slot = NO_FRAME;
		break;
	case AK_MAP_OR_NULL:
		if (into->slot != from->slot)
			into->slot = NO_FRAME;
		if (into->id != from->id)
			into->id = 0;
		break;
	default:
		break;
	}
}

/* Merge s into the in-state of insn t. */
static void flow(struct actx *c, uint32_t t, const struct astate *s)
{
	struct astate *d;
	struct astate old;
	int k;

	if (t >= c->n) {
		aerr(c, -EINVAL, "jump out of range");
		return;
	}
	d = &c->st[t];
	if (!d->valid) {
		*d = *s;
		c->changed = true;
		return;
	}
	old = *d;
	for (k = 0; k < 11; k++)
		join_reg(&d->r[k], &s->r[k]);
	for (k = 0; k < NSLOTS; k++)
		join_reg(&d->stk[k], &s->stk[k]);
	if (memcmp(&old, d, sizeof(old))) {
		for (k = 0; k < 11; k++)
			if (!areg_eq(&old.r[k], &d->r[k]))
				break;
		c->changed = true;
	}
}

static uint8_t fact_kind(const struct areg *r)
{
	switch (r->kind) {
	case AK_STACK:
		return NFPE_PTR_STACK;
	case AK_PKT:
		return NFPE_PTR_PKT;
	case AK_MAP_VALUE:
		return NFPE_PTR_MAP_VALUE;
	case AK_CTX:
		return NFPE_PTR_CTX;
	}
	return NFPE_PTR_NONE;
}

static bool k32(const struct areg *r)
{
	if (r->kind == AK_SCALAR)
		return r->flags & AF_K32;
	return is_ptr(r);
}

/* Which kind of pointer a context load yields. */
static uint8_t ctx_load_kind(struct actx *c, int32_t off)
{
	if (c->prog_type == NFPE_PROG_XDP) {
		if (off == 0 || off == 8)
			return AK_PKT;
		if (off == 4)
			return AK_PKT_END;
	} else {
		if (off == 76 || off == 140)
			return AK_PKT;
		if (off == 80)
			return AK_PKT_END;
	}
	return AK_SCALAR;
}

static int mem_base(struct actx *c, uint32_t i, const struct areg *b,
		    uint8_t reg)
{
	if (b->kind == AK_MAP_OR_NULL)
		return aerr(c, -EACCES,
			    "insn %u: memory access through r%u, a map value pointer that may be NULL",
			    i, reg);
	if (fact_kind(b) == NFPE_PTR_NONE)
		return aerr(c, -EACCES,
			    "insn %u: cannot prove the pointer kind of this memory access: r%u is %s",
			    i, reg, akind_name[b->kind]);
	if (b->kind == AK_CTX && (b->flags & AF_OFF) && b->off)
		return aerr(c, -EACCES,
			    "insn %u: access through a modified context pointer",
			    i);
	return 0;
}

static void note_stack(struct actx *c, uint32_t i, const struct areg *b,
		       int32_t off, uint32_t size)
{
	uint16_t fr = b->slot;
	int64_t lo = (int64_t)b->off + off;

	if (fr == NO_FRAME || !(b->flags & AF_OFF)) {
		fr = fr == NO_FRAME ? c->sub[i] : fr;
		if (c->depth[fr] < 512)
			c->depth[fr] = 512;
		return;
	}
	if (lo < 0 && -lo > c->depth[fr])
		c->depth[fr] = (uint32_t)-lo;
	(void)size;
}

/* Spill slot index of an 8-byte aligned access of the current frame. */
static int spill_slot(struct actx *c, uint32_t i, const struct areg *b,
		      int32_t off)
{
	int64_t lo;

	if (b->kind != AK_STACK || !(b->flags & AF_OFF) ||
	    b->slot != c->sub[i])
		return -1;
	lo = (int64_t)b->off + off;
	if (lo >= 0 || lo < -8 * NSLOTS)
		return -1;
	if ((-lo) % 8)
		return -2;
	return (int)((-lo) / 8 - 1);
}

static void clobber_stack(struct actx *c, uint32_t i, struct astate *s,
			  const struct areg *b, int32_t off, uint32_t size)
{
	int64_t lo;
	int k;

	if (b->kind != AK_STACK)
		return;
	if (!(b->flags & AF_OFF) || b->slot != c->sub[i]) {
		if (b->slot == c->sub[i] || b->slot == NO_FRAME)
			for (k = 0; k < NSLOTS; k++)
				set_scalar(&s->stk[k], false);
		return;
	}
	lo = (int64_t)b->off + off;
	for (k = 0; k < NSLOTS; k++) {
		int64_t a = -8ll * (k + 1);

		if (a < lo + size && lo < a + 8)
			set_scalar(&s->stk[k], false);
	}
}

static void invalidate_pkt(struct astate *s)
{
	int k;

	for (k = 0; k < 11; k++)
		if (s->r[k].kind == AK_PKT || s->r[k].kind == AK_PKT_END)
			set_kind(&s->r[k], AK_UNINIT, 0);
	for (k = 0; k < NSLOTS; k++)
		if (s->stk[k].kind == AK_PKT || s->stk[k].kind == AK_PKT_END)
			set_kind(&s->stk[k], AK_UNINIT, 0);
}

static void null_refine(struct astate *s, uint8_t reg, bool is_null)
{
	struct areg *r = &s->r[reg];
	uint32_t id = r->id;
	uint16_t slot = r->slot;
	int k;

	for (k = 0; k < 11 + NSLOTS; k++) {
		struct areg *x = k < 11 ? &s->r[k] : &s->stk[k - 11];

		if (x != r && (!id || x->kind != AK_MAP_OR_NULL ||
			       x->id != id))
			continue;
		if (is_null)
			set_const(x, 0);
		else
			set_kind(x, AK_MAP_VALUE, slot);
	}
}

static void alu(struct actx *c, uint32_t i, struct astate *s)
{
	const struct nfpe_bpf_insn *in = &c->insn[i];
	bool is64 = NFPE_BPF_CLASS(in->code) == NFPE_BPF_ALU64;
	uint8_t op = NFPE_BPF_OP(in->code);
	struct areg *d = &s->r[in->dst_reg], src;
	bool kform = NFPE_BPF_SRC(in->code) == NFPE_BPF_K ||
		     op == NFPE_BPF_NEG || op == NFPE_BPF_END;

	if (kform)
		set_const(&src, (uint64_t)(int64_t)in->imm);
	else
		src = s->r[in->src_reg];
	if (op == NFPE_BPF_END && in->imm == 64 &&
	    NFPE_BPF_SRC(in->code) == NFPE_BPF_TO_LE)
		return;		/* identity on a little-endian device */
	if (op == NFPE_BPF_END) {
		if (d->kind == AK_SCALAR && (d->flags & AF_CONST))
			set_const(d, nfpe_jit_eval_alu(in->code, d->val, 0,
						       in->imm));
		else
			set_scalar(d, in->imm != 64);
		return;
	}
	if (op == NFPE_BPF_NEG) {
		if (d->kind == AK_SCALAR && (d->flags & AF_CONST))
			set_const(d, nfpe_jit_eval_alu(in->code, d->val, 0,
						       in->imm));
		else
			set_scalar(d, !is64);
		return;
	}
	if (op == NFPE_BPF_MOV) {
		if (is64)
			*d = src;
		else if (src.kind == AK_SCALAR && (src.flags & AF_CONST))
			set_const(d, (uint32_t)src.val);
		else
			set_scalar(d, true);
		return;
	}
	if (is64 && (op == NFPE_BPF_ADD || op == NFPE_BPF_SUB) &&
	    (is_ptr(d) || (op == NFPE_BPF_ADD && is_ptr(&src)))) {
		struct areg p = is_ptr(d) ? *d : src;
		const struct areg *sc = is_ptr(d) ? &src : d;

		if (is_ptr(d) && is_ptr(&src)) {
			set_scalar(d, false);	/* pointer difference */
			return;
		}
		if (sc->kind != AK_SCALAR || p.kind == AK_MAP_OR_NULL ||
		    p.kind == AK_MAP_PTR || p.kind == AK_PKT_END) {
			set_kind(d, AK_CONFLICT, 0);
			return;
		}
		if (p.kind == AK_STACK || p.kind == AK_CTX) {
			if (sc->flags & AF_CONST) {
				int64_t v = (int64_t)sc->val;

				p.off += op == NFPE_BPF_ADD ? v : -v;
				if (p.kind == AK_CTX)
					p.flags |= AF_OFF;
			} else {
				p.flags &= ~AF_OFF;
				if (p.kind == AK_CTX)
					p.kind = AK_CONFLICT;
			}
		}
		*d = p;
		return;
	}
	if (d->kind == AK_SCALAR && src.kind == AK_SCALAR &&
	    (d->flags & AF_CONST) && (src.flags & AF_CONST)) {
		set_const(d, nfpe_jit_eval_alu(in->code, d->val, src.val,
					       in->imm));
		return;
	}
	if (!is64) {
		set_scalar(d, true);
		return;
	}
	if (d->kind != AK_SCALAR || src.kind != AK_SCALAR) {
		set_scalar(d, false);
		return;
	}
	switch (op) {
	case NFPE_BPF_AND:
		set_scalar(d, (d->flags | src.flags) & AF_K32);
		break;
	case NFPE_BPF_OR:
	case NFPE_BPF_XOR:
		set_scalar(d, d->flags & src.flags & AF_K32);
		break;
	case NFPE_BPF_DIV:
	case NFPE_BPF_MOD:
		set_scalar(d, d->flags & AF_K32);
		break;
	case NFPE_BPF_RSH:
		set_scalar(d, (d->flags & AF_K32) ||
			   ((src.flags & AF_CONST) && (src.val & 63) >= 32));
		break;
	default:
		set_scalar(d, false);
		break;
	}
}

static void step(struct actx *c, uint32_t i)
{
	const struct nfpe_bpf_insn *in = &c->insn[i];
	struct nfpe_jit_insn_facts *f = &c->facts[i];
	uint8_t cls = NFPE_BPF_CLASS(in->code), op = NFPE_BPF_OP(in->code);
	uint32_t size = 0;
	struct astate s = c->st[i];
	int k, sl;

	f->flags |= NFPE_FACT_SEEN;
	switch (cls) {
	case NFPE_BPF_ALU:
	case NFPE_BPF_ALU64:
		alu(c, i, &s);
		flow(c, i + 1, &s);
		return;
	case NFPE_BPF_LD:
		if (is_ldimm64(in)) {
			struct areg *d = &s.r[in->dst_reg];

			if (in->src_reg == NFPE_BPF_PSEUDO_MAP_IDX ||
			    in->src_reg == NFPE_BPF_PSEUDO_MAP_FD) {
				if ((uint32_t)in->imm >= c->n_maps) {
					aerr(c, -EINVAL,
					     "insn %u: map slot %d out of range",
					     i, in->imm);
					return;
				}
				set_kind(d, AK_MAP_PTR, in->imm);
				f->map_slot = in->imm;
			} else if (in->src_reg == 0) {
				set_const(d, (uint32_t)in->imm |
					  (uint64_t)(uint32_t)in[1].imm << 32);
			} else {
				set_scalar(d, false);
			}
			flow(c, i + 2, &s);
			return;
		}
		for (k = 0; k <= 5; k++)
			set_kind(&s.r[k], AK_UNINIT, 0);
		set_scalar(&s.r[0], true);
		flow(c, i + 1, &s);
		return;
	case NFPE_BPF_LDX: {
		const struct areg *b = &s.r[in->src_reg];
		struct areg v;

		size = NFPE_BPF_SIZE(in->code) == NFPE_BPF_DW ? 8 :
		       NFPE_BPF_SIZE(in->code) == NFPE_BPF_W ? 4 :
		       NFPE_BPF_SIZE(in->code) == NFPE_BPF_H ? 2 : 1;
		if (mem_base(c, i, b, in->src_reg))
			return;
		f->ptr = fact_kind(b);
		set_scalar(&v, size < 8);
		if (b->kind == AK_CTX) {
			uint8_t kd = ctx_load_kind(c, in->off);

			if (kd != AK_SCALAR)
				set_kind(&v, kd, 0);
		} else if (b->kind == AK_STACK) {
			note_stack(c, i, b, in->off, size);
			sl = spill_slot(c, i, b, in->off);
			if (sl >= 0 && size == 8)
				v = s.stk[sl];
			if (v.kind == AK_UNINIT || v.kind == AK_CONFLICT)
				set_scalar(&v, false);
		}
		s.r[in->dst_reg] = v;
		flow(c, i + 1, &s);
		return;
	}
	case NFPE_BPF_ST:
	case NFPE_BPF_STX: {
		const struct areg *b = &s.r[in->dst_reg];

		size = NFPE_BPF_SIZE(in->code) == NFPE_BPF_DW ? 8 :
		       NFPE_BPF_SIZE(in->code) == NFPE_BPF_W ? 4 :
		       NFPE_BPF_SIZE(in->code) == NFPE_BPF_H ? 2 : 1;
		if (mem_base(c, i, b, in->dst_reg))
			return;
		f->ptr = fact_kind(b);
		if (b->kind == AK_STACK) {
			struct areg bb = *b;

			note_stack(c, i, &bb, in->off, size);
			sl = spill_slot(c, i, &bb, in->off);
			clobber_stack(c, i, &s, &bb, in->off, size);
			if (sl >= 0 && size == 8 && cls == NFPE_BPF_STX &&
			    NFPE_BPF_MODE(in->code) == NFPE_BPF_MEM)
				s.stk[sl] = s.r[in->src_reg];
			else if (sl >= 0 && size == 8 && cls == NFPE_BPF_ST)
				set_const(&s.stk[sl],
					  (uint64_t)(int64_t)in->imm);
		}
		flow(c, i + 1, &s);
		return;
	}
	default:
		break;
	}
	/* jumps */
	if (op == NFPE_BPF_EXIT) {
		uint16_t sb = c->sub[i];

		if (sb) {
			if (!c->has_ret[sb]) {
				c->ret[sb] = s.r[0];
				c->has_ret[sb] = true;
				c->changed = true;
			} else {
				struct areg old = c->ret[sb];

				join_reg(&c->ret[sb], &s.r[0]);
				if (!areg_eq(&old, &c->ret[sb]))
					c->changed = true;
			}
		}
		return;
	}
	if (op == NFPE_BPF_CALL && is_pseudo_call(in)) {
		uint32_t t = i + 1 + in->imm;
		struct astate e;
		uint32_t k2;
		bool stack_arg = false;

		for (k2 = 0; k2 < c->nsub && c->sub_start[k2] != t; k2++)
			;
		if (k2 == c->nsub) {
			aerr(c, -EINVAL, "insn %u: bad call target", i);
			return;
		}
		memset(&e, 0, sizeof(e));
		e.valid = true;
		for (k = 1; k <= 5; k++) {
			e.r[k] = s.r[k];
			/* only a pointer into this frame (or an unknown one)
			 * lets the callee overwrite our spills
			 */
			if (s.r[k].kind == AK_STACK &&
			    (s.r[k].slot == c->sub[i] ||
			     s.r[k].slot == NO_FRAME))
				stack_arg = true;
		}
		set_kind(&e.r[10], AK_STACK, k2);
		e.r[10].flags = AF_OFF;
		for (k = 0; k < NSLOTS; k++)
			set_scalar(&e.stk[k], false);
		flow(c, t, &e);
		if (!c->has_ret[k2])
			return;
		s.r[0] = c->ret[k2];
		for (k = 1; k <= 5; k++)
			set_kind(&s.r[k], AK_UNINIT, 0);
		if (stack_arg)
			for (k = 0; k < NSLOTS; k++)
				if (is_ptr(&s.stk[k]))
					set_scalar(&s.stk[k], false);
		flow(c, i + 1, &s);
		return;
	}
	if (op == NFPE_BPF_CALL) {
		int32_t id = in->imm;

		f->arg_ptr[0] = fact_kind(&s.r[2]);
		f->arg_ptr[1] = fact_kind(&s.r[3]);
		if (id >= NFPE_BPF_FUNC_map_lookup_elem &&
		    id <= NFPE_BPF_FUNC_map_delete_elem) {
			if (s.r[1].kind != AK_MAP_PTR) {
				aerr(c, -EACCES,
				     "insn %u: bpf_%s: r1 is %s, not a map",
				     i, nfpe_jit_helper_name(id),
				     akind_name[s.r[1].kind]);
				return;
			}
			if (!f->arg_ptr[0] || f->arg_ptr[0] == NFPE_PTR_CTX ||
			    (id == NFPE_BPF_FUNC_map_update_elem &&
			     (!f->arg_ptr[1] ||
			      f->arg_ptr[1] == NFPE_PTR_CTX))) {
				aerr(c, -EACCES,
				     "insn %u: bpf_%s: cannot prove the kind of the key/value pointer",
				     i, nfpe_jit_helper_name(id));
				return;
			}
		}
		if (id == NFPE_BPF_FUNC_map_lookup_elem) {
			uint16_t slot = s.r[1].slot;

			set_kind(&s.r[0], AK_MAP_OR_NULL, slot);
			s.r[0].id = i + 1;
		} else {
			set_scalar(&s.r[0],
				   id == NFPE_BPF_FUNC_get_prandom_u32);
		}
		for (k = 1; k <= 5; k++)
			set_kind(&s.r[k], AK_UNINIT, 0);
		if (id == NFPE_BPF_FUNC_xdp_adjust_head ||
		    id == NFPE_BPF_FUNC_xdp_adjust_tail ||
		    id == NFPE_BPF_FUNC_xdp_adjust_meta)
			invalidate_pkt(&s);
		flow(c, i + 1, &s);
		return;
	}
	if (i + 1 + in->off >= c->n) {	/* also catches negative */
		aerr(c, -EINVAL, "insn %u: jump out of range", i);
		return;
	}
	if (op == NFPE_BPF_JA) {
		c->facts[i + 1 + in->off].flags |= NFPE_FACT_JMP_TARGET;
		flow(c, i + 1 + in->off, &s);
		return;
	}
	/* conditional */
	c->facts[i + 1 + in->off].flags |= NFPE_FACT_JMP_TARGET;
	if (cls == NFPE_BPF_JMP && NFPE_BPF_SRC(in->code) == NFPE_BPF_K &&
	    in->imm == 0 && (op == NFPE_BPF_JEQ || op == NFPE_BPF_JNE) &&
	    s.r[in->dst_reg].kind == AK_MAP_OR_NULL) {
		struct astate taken = s;

		null_refine(&taken, in->dst_reg, op == NFPE_BPF_JEQ);
		null_refine(&s, in->dst_reg, op != NFPE_BPF_JEQ);
		flow(c, i + 1 + in->off, &taken);
		flow(c, i + 1, &s);
		return;
	}
	flow(c, i + 1 + in->off, &s);
	flow(c, i + 1, &s);
}

static int find_subs(struct actx *c)
{
	uint32_t i, k, t;

	/*
	 * The state has r0..r10 only: refuse other register numbers here,
	 * before any transfer function indexes s->r[] with them.
	 */
	for (i = 0; i < c->n; i++) {
		const struct nfpe_bpf_insn *in = &c->insn[i];

		if (in->dst_reg > 10 || in->src_reg > 10)
			return aerr(c, -EINVAL, "insn %u: invalid register", i);
		if (!is_ldimm64(in))
			continue;
		/* the second half carries only imm (as in the kernel) */
		if (++i >= c->n || c->insn[i].code || c->insn[i].dst_reg ||
		    c->insn[i].src_reg || c->insn[i].off)
			return aerr(c, -EINVAL, "insn %u: bad ld_imm64", i - 1);
	}
	c->sub_start[0] = 0;
	c->nsub = 1;
	for (i = 0; i < c->n; i++) {
		if (!is_pseudo_call(&c->insn[i]))
			continue;
		t = i + 1 + c->insn[i].imm;
		if (t >= c->n)
			return aerr(c, -EINVAL, "insn %u: bad call target", i);
		for (k = 0; k < c->nsub && c->sub_start[k] != t; k++)
			;
		if (k < c->nsub)
			continue;
		if (c->nsub == NFPE_IMAGE_MAX_ENTRIES)
			return aerr(c, -E2BIG, "too many subprograms");
		for (k = c->nsub; k > 0 && c->sub_start[k - 1] > t; k--)
			c->sub_start[k] = c->sub_start[k - 1];
		c->sub_start[k] = t;
		c->nsub++;
	}
	for (k = 0; k < c->nsub; k++) {
		uint32_t end = k + 1 < c->nsub ? c->sub_start[k + 1] : c->n;

		for (i = c->sub_start[k]; i < end; i++)
			c->sub[i] = k;
	}
	return 0;
}

int nfpe_jit_analyze(const struct nfpe_bpf_insn *insns, uint32_t n,
		     uint32_t prog_type, const struct nfpe_jit_map *maps,
		     uint32_t n_maps, struct nfpe_jit_insn_facts *facts,
		     uint16_t *stack_depth, uint32_t *n_subprogs,
		     char *err, size_t errlen)
{
	struct actx *c;
	struct astate *e;
	uint32_t i, guard = 0;
	int k, rc;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->insn = insns;
	c->n = n;
	c->prog_type = prog_type;
	c->maps = maps;
	c->n_maps = n_maps;
	c->facts = facts;
	c->err = err;
	c->errlen = errlen;
	c->st = calloc(n + 1, sizeof(*c->st));
	c->sub = calloc(n + 1, sizeof(*c->sub));
	if (!c->st || !c->sub) {
		rc = aerr(c, -ENOMEM, "out of memory");
		goto out;
	}
	memset(facts, 0, n * sizeof(*facts));
	if (find_subs(c))
		goto done;
	e = &c->st[0];
	e->valid = true;
	set_kind(&e->r[1], AK_CTX, 0);
	set_kind(&e->r[10], AK_STACK, 0);
	e->r[10].flags = AF_OFF;
	for (k = 0; k < NSLOTS; k++)
		set_scalar(&e->stk[k], false);
	c->changed = true;
	while (c->changed && !c->rc) {
		c->changed = false;
		if (++guard > 10000) {
			aerr(c, -E2BIG, "analysis does not converge");
			break;
		}
		for (i = 0; i < n && !c->rc; i++) {
			if (!c->st[i].valid)
				continue;
			if (i > 0 && is_ldimm64(&insns[i - 1]) &&
			    c->st[i - 1].valid)
				continue;
			step(c, i);
		}
	}
done:
	if (!c->rc) {
		for (i = 0; i < n; i++) {
			const struct nfpe_bpf_insn *in = &insns[i];
			const struct astate *s = &c->st[i];

			if (!s->valid)
				continue;
			if (k32(&s->r[in->dst_reg]))
				facts[i].flags |= NFPE_FACT_DST32;
			if (k32(&s->r[in->src_reg]))
				facts[i].flags |= NFPE_FACT_SRC32;
		}
		for (k = 0; k < (int)c->nsub; k++)
			stack_depth[k] = (c->depth[k] + 7) & ~7u;
		*n_subprogs = c->nsub;
	}
	rc = c->rc;
out:
	free(c->st);
	free(c->sub);
	free(c);
	return rc;
}
