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
 * joined at merge points until a fixpoint over the whole program.
 * Subprograms are analysed per call context (the chain of call sites
 * that leads to them; no recursion, at most NFPE_CALL_DEPTH frames), so
 * the state holds the stack slots of every frame of the chain: a callee
 * that stores through a pointer into its caller's frame updates the
 * caller's slots, and the return goes back to the one call site with
 * the callee's view of all frames.  Stack pointers name their frame by
 * call depth.  Up to KSTATES states of different shapes (pointer kinds)
 * are kept apart per instruction, as the verifier walks paths apart, and
 * branches on known constants follow only the possible side.  NULL
 * checks of map lookups refine the two branches.  A memory access whose
 * base is not one proven pointer kind on every path is refused with a
 * message: the front end never guesses an address space.
 */
#include <errno.h>
#include <stddef.h>
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
#define AF_MINOFF	8	/* stack: off is the least offset, the rest unknown */

#define NSLOTS		64	/* 512 bytes of stack / 8 */
#define NFRAMES		NFPE_CALL_DEPTH
#define NO_FRAME	0xffff
#define MAX_STATES	16384	/* in-states kept (1-9 KiB each) */
#define MARK_ARGS	1	/* arg_ptr facts recorded */
#define MARK_DST64	2	/* dst not known 32-bit in some context */
#define MARK_SRC64	4
#define FB		(4 + NSLOTS)	/* per frame: saved r6-r9, slots */
#define NCELLS		(NFRAMES * FB)
#define SAVED(s, fr, k)	(&(s)->m[(fr) * FB + (k)])
#define KSTATES		8	/* states kept apart per insn and context */

struct areg {
	uint8_t kind;
	uint8_t flags;
	uint16_t slot;		/* map slot, or stack frame (call depth) */
	union {
		int32_t off;	/* stack/ctx: offset from the base */
		uint32_t id;	/* map-or-null identity */
	};
	uint64_t val;		/* constant scalar */
};

/*
 * m[] holds per frame (call depth) the caller's r6-r9 while the frame
 * below runs (restored at exit) and the frame's spill slots.
 */
struct astate {
	bool dirty;		/* changed since last stepped */
	struct areg r[11];
	struct areg m[NCELLS];
};

/* sl: frame * NSLOTS + slot, as spill_slot() returns */
static struct areg *SLOT(struct astate *s, int sl)
{
	return &s->m[sl / NSLOTS * FB + 4 + sl % NSLOTS];
}

/* A subprogram reached through one chain of call sites. */
struct acontext {
	uint16_t sub;
	uint16_t depth;		/* 0: the main program */
	int32_t parent;		/* -1 for the main program */
	uint32_t site;		/* the call instruction in the parent */
	struct astate **st;	/* in-states: KSTATES per insn, on demand */
};

struct actx {
	const struct nfpe_bpf_insn *insn;
	uint32_t n;
	uint32_t prog_type;
	const struct nfpe_jit_map *maps;
	uint32_t n_maps;
	struct nfpe_jit_insn_facts *facts;
	uint16_t *sub;		/* subprogram of each insn */
	uint32_t sub_start[NFPE_IMAGE_MAX_ENTRIES + 1];
	uint32_t nsub;
	struct acontext *ctx;
	uint32_t nctx, cap_ctx, nstates;
	uint32_t cur;		/* context being stepped */
	uint8_t *mark;		/* per insn: MARK_* */
	struct astate work, aux;	/* scratch states for step() */
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

static bool is_null(const struct areg *r)
{
	return r->kind == AK_SCALAR && (r->flags & AF_CONST) && !r->val;
}

/*
 * Two stack pointers into the same frame at different offsets keep the
 * lesser offset as a lower bound (the frame's depth needs no more).  A
 * bound that would drop a second time is widened to unknown, so a loop
 * walking a pointer down the stack converges.
 */
static void join_stack_off(struct areg *into, const struct areg *from)
{
	unsigned int ik = into->flags & (AF_OFF | AF_MINOFF);
	unsigned int fk = from->flags & (AF_OFF | AF_MINOFF);
	bool known = into->slot == from->slot && ik && fk;

	if (into->slot != from->slot)
		into->slot = NO_FRAME;
	if (known && ik == AF_OFF && fk == AF_OFF && into->off == from->off)
		return;
	if (known && !(ik == AF_MINOFF && from->off < into->off)) {
		if (from->off < into->off)
			into->off = from->off;
		into->flags = (into->flags & ~AF_OFF) | AF_MINOFF;
		return;
	}
	into->flags &= ~(AF_OFF | AF_MINOFF);
	into->off = 0;
}

static void join_reg(struct areg *into, const struct areg *from)
{
	/* NULL is one of the values of "map value or NULL" */
	if (into->kind == AK_MAP_OR_NULL && is_null(from))
		return;
	if (is_null(into) && from->kind == AK_MAP_OR_NULL) {
		*into = *from;
		return;
	}
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
		join_stack_off(into, from);
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

/* Copy the registers and the frames that are live at depth. */
static void copy_state(struct astate *d, const struct astate *s,
		       uint32_t depth)
{
	memcpy(d, s, offsetof(struct astate, m) +
	       (depth + 1) * FB * sizeof(struct areg));
}

static struct astate **in_states(struct actx *c, uint32_t x, uint32_t t)
{
	return &c->ctx[x].st[(t - c->sub_start[c->ctx[x].sub]) * KSTATES];
}

static bool any_state(struct actx *c, uint32_t x, uint32_t t)
{
	return in_states(c, x, t)[0] != NULL;
}

/* Kinds that matter for a memory access or a call: the state's shape. */
static uint8_t kind_class(const struct areg *r)
{
	if (r->kind == AK_UNINIT || r->kind == AK_CONFLICT)
		return AK_SCALAR;
	return r->kind;
}

static uint32_t shape_diff(const struct astate *a, const struct astate *b,
			   uint32_t depth)
{
	uint32_t k, d = 0;

	for (k = 0; k < 11; k++)
		d += kind_class(&a->r[k]) != kind_class(&b->r[k]);
	for (k = 0; k < (depth + 1) * FB; k++)
		d += kind_class(&a->m[k]) != kind_class(&b->m[k]);
	return d;
}

static void join_into(struct actx *c, uint32_t depth, struct astate *d,
		      const struct astate *s)
{
	uint32_t k;

	bool ch = false;

	for (k = 0; k < 11; k++) {
		struct areg old = d->r[k];

		join_reg(&d->r[k], &s->r[k]);
		ch |= !areg_eq(&old, &d->r[k]);
	}
	/* frames deeper than this context's are dead here */
	for (k = 0; k < (depth + 1) * FB; k++) {
		struct areg old = d->m[k];

		join_reg(&d->m[k], &s->m[k]);
		ch |= !areg_eq(&old, &d->m[k]);
	}
	if (ch) {
		d->dirty = true;
		c->changed = true;
	}
}

/*
 * Merge s into the in-states of insn t of context x.  States of
 * different shapes (pointer kinds of registers and slots) are kept
 * apart, up to KSTATES, as the verifier walks paths separately: a
 * callee that sets *out to a map value and returns 1, or leaves it and
 * returns 0, stays two states until the caller tests the result.
 */
static void flow_ctx(struct actx *c, uint32_t x, uint32_t t,
		     const struct astate *s)
{
	uint32_t sb = c->ctx[x].sub, depth = c->ctx[x].depth, j, best = 0;
	uint32_t bd = ~0u, dd;
	struct astate **d;

	if (t < c->sub_start[sb] || t >= c->sub_start[sb + 1]) {
		aerr(c, -EINVAL, "jump out of range");
		return;
	}
	d = in_states(c, x, t);
	for (j = 0; j < KSTATES && d[j]; j++) {
		dd = shape_diff(d[j], s, depth);
		if (dd < bd) {
			bd = dd;
			best = j;
		}
	}
	if (bd && j < KSTATES) {
		if (c->nstates >= MAX_STATES) {
			aerr(c, -E2BIG, "insn %u: too many states to analyse",
			     t);
			return;
		}
		d[j] = malloc(offsetof(struct astate, m) +
			      (depth + 1) * FB * sizeof(struct areg));
		if (!d[j]) {
			aerr(c, -ENOMEM, "out of memory");
			return;
		}
		copy_state(d[j], s, depth);
		d[j]->dirty = true;
		c->nstates++;
		c->changed = true;
		return;
	}
	join_into(c, depth, d[best], s);
}

static void flow(struct actx *c, uint32_t t, const struct astate *s)
{
	flow_ctx(c, c->cur, t, s);
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

/* The subprogram whose frame is at call depth fr in the current chain. */
static uint16_t frame_sub(struct actx *c, uint16_t fr)
{
	uint32_t x = c->cur;

	while (c->ctx[x].depth > fr && c->ctx[x].parent >= 0)
		x = c->ctx[x].parent;
	return c->ctx[x].sub;
}

static void note_stack(struct actx *c, uint32_t i, const struct areg *b,
		       int32_t off, uint32_t size)
{
	uint16_t sb;
	int64_t lo = (int64_t)b->off + off;

	if (b->slot == NO_FRAME || b->slot >= NFRAMES ||
	    !(b->flags & (AF_OFF | AF_MINOFF))) {
		sb = b->slot < NFRAMES ? frame_sub(c, b->slot) : c->sub[i];
		if (c->depth[sb] < 512)
			c->depth[sb] = 512;
		return;
	}
	sb = frame_sub(c, b->slot);
	if (lo < 0 && -lo > c->depth[sb])
		c->depth[sb] = (uint32_t)-lo;
	(void)size;
}

/*
 * Spill slot of an 8-byte aligned access with a known frame and offset:
 * frame * NSLOTS + index, -1 if there is none, -2 if misaligned.
 */
static int spill_slot(struct actx *c, const struct areg *b, int32_t off)
{
	int64_t lo;

	if (b->kind != AK_STACK || !(b->flags & AF_OFF) ||
	    b->slot > c->ctx[c->cur].depth)
		return -1;
	lo = (int64_t)b->off + off;
	if (lo >= 0 || lo < -8 * NSLOTS)
		return -1;
	if ((-lo) % 8)
		return -2;
	return b->slot * NSLOTS + (int)((-lo) / 8 - 1);
}

static void clobber_stack(struct actx *c, struct astate *s,
			  const struct areg *b, int32_t off, uint32_t size)
{
	int64_t lo;
	int k, fr;

	if (b->kind != AK_STACK)
		return;
	if (!(b->flags & AF_OFF) || b->slot >= NFRAMES) {
		for (fr = 0; fr < NFRAMES; fr++)
			if (b->slot == NO_FRAME || b->slot >= NFRAMES ||
			    b->slot == fr)
				for (k = 0; k < NSLOTS; k++)
					set_scalar(SLOT(s, fr * NSLOTS + k),
						   false);
		return;
	}
	(void)c;
	lo = (int64_t)b->off + off;
	for (k = 0; k < NSLOTS; k++) {
		int64_t a = -8ll * (k + 1);

		if (a < lo + size && lo < a + 8)
			set_scalar(SLOT(s, b->slot * NSLOTS + k), false);
	}
}

/* Cells of the frames up to the current context's depth. */
static uint32_t live_cells(struct actx *c)
{
	return 11 + (c->ctx[c->cur].depth + 1) * FB;
}

static void invalidate_pkt(struct actx *c, struct astate *s)
{
	uint32_t n = live_cells(c);
	struct areg *x;
	uint32_t k;

	for (k = 0; k < n; k++) {
		x = k < 11 ? &s->r[k] : &s->m[k - 11];
		if (x->kind == AK_PKT || x->kind == AK_PKT_END)
			set_kind(x, AK_UNINIT, 0);
	}
}

static void null_refine(struct actx *c, struct astate *s, uint8_t reg,
			bool is_null)
{
	struct areg *r = &s->r[reg];
	uint32_t id = r->id, n = live_cells(c), k;
	uint16_t slot = r->slot;

	for (k = 0; k < n; k++) {
		struct areg *x = k < 11 ? &s->r[k] : &s->m[k - 11];

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
				/*
				 * Adding a scalar known to fit 32 bits (so not
				 * negative) leaves the least stack offset.
				 */
				bool up = op == NFPE_BPF_ADD &&
					  p.kind == AK_STACK &&
					  (sc->flags & AF_K32) &&
					  (p.flags & (AF_OFF | AF_MINOFF));

				p.flags &= ~(AF_OFF | AF_MINOFF);
				if (up)
					p.flags |= AF_MINOFF;
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

/*
 * The same instruction is stepped once per call context: its pointer
 * kind must be the same in all of them (the image has one copy).
 */
static int ptr_fact(struct actx *c, uint32_t i, uint8_t *fact,
		    const struct areg *b, uint8_t reg)
{
	uint8_t kd = fact_kind(b);

	if (*fact && *fact != kd)
		return aerr(c, -EACCES,
			    "insn %u: cannot prove the pointer kind of this memory access: r%u is %s",
			    i, reg, akind_name[AK_CONFLICT]);
	*fact = kd;
	return 0;
}

static uint32_t mem_size(const struct nfpe_bpf_insn *in)
{
	switch (NFPE_BPF_SIZE(in->code)) {
	case NFPE_BPF_DW:
		return 8;
	case NFPE_BPF_W:
		return 4;
	case NFPE_BPF_H:
		return 2;
	}
	return 1;
}

/* Find or make the context of a call from the current one at insn i. */
static int call_context(struct actx *c, uint32_t i, uint32_t sb)
{
	const struct acontext *p = &c->ctx[c->cur];
	uint32_t x, len;
	struct acontext *nc;

	for (x = 0; x < c->nctx; x++)
		if (c->ctx[x].parent == (int32_t)c->cur && c->ctx[x].site == i)
			return (int)x;
	if (p->depth + 1 >= NFRAMES)
		return aerr(c, -EOPNOTSUPP,
			    "insn %u: call depth exceeds the device's return stack (%u)",
			    c->sub_start[sb], NFPE_CALL_DEPTH);
	len = c->sub_start[sb + 1] - c->sub_start[sb];
	if (c->nctx == c->cap_ctx) {
		uint32_t cap = c->cap_ctx ? 2 * c->cap_ctx : 16;
		struct acontext *n2 = realloc(c->ctx, cap * sizeof(*n2));

		if (!n2)
			return aerr(c, -ENOMEM, "out of memory");
		c->ctx = n2;
		c->cap_ctx = cap;
	}
	nc = &c->ctx[c->nctx];
	nc->sub = sb;
	nc->depth = c->ctx[c->cur].depth + 1;
	nc->parent = c->cur;
	nc->site = i;
	nc->st = calloc((size_t)len * KSTATES, sizeof(*nc->st));
	if (!nc->st)
		return aerr(c, -ENOMEM, "out of memory");
	return (int)c->nctx++;
}

static void step_call(struct actx *c, uint32_t i, struct astate *s)
{
	const struct nfpe_bpf_insn *in = &c->insn[i];
	uint32_t t = i + 1 + in->imm, k2, fr;
	struct astate *e = &c->aux;
	int x, k;

	for (k2 = 0; k2 < c->nsub && c->sub_start[k2] != t; k2++)
		;
	if (k2 == c->nsub) {
		aerr(c, -EINVAL, "insn %u: bad call target", i);
		return;
	}
	x = call_context(c, i, k2);
	if (x < 0)
		return;
	copy_state(e, s, c->ctx[c->cur].depth);
	/* the callee saves our r6-r9 (in this model: in our frame) */
	fr = c->ctx[c->cur].depth;
	for (k = 0; k < 4; k++)
		*SAVED(e, fr, k) = s->r[6 + k];
	for (k = 0; k <= 10; k++)
		if (k < 1 || k > 5)
			set_kind(&e->r[k], AK_UNINIT, 0);
	set_kind(&e->r[10], AK_STACK, c->ctx[x].depth);
	e->r[10].flags = AF_OFF;
	for (k = (int)(fr + 1) * FB; k < (int)(fr + 2) * FB; k++)
		set_scalar(&e->m[k], false);
	flow_ctx(c, x, t, e);
	/* the return is flowed by the callee's exit (step_exit) */
}

/* exit of a subprogram: back to the call site of this context */
static void step_exit(struct actx *c, struct astate *s)
{
	const struct acontext *x = &c->ctx[c->cur];
	uint32_t fr, k, saved = c->cur;

	if (x->parent < 0)
		return;
	/* r6-r9 as the caller had them, r10 its frame, the stack as left */
	fr = x->depth - 1;
	for (k = 0; k < 4; k++)
		s->r[6 + k] = *SAVED(s, fr, k);
	set_kind(&s->r[10], AK_STACK, fr);
	s->r[10].flags = AF_OFF;
	for (k = 1; k <= 5; k++)
		set_kind(&s->r[k], AK_UNINIT, 0);
	for (k = 0; k < 4; k++)
		set_scalar(SAVED(s, fr, k), false);
	c->cur = x->parent;
	flow(c, x->site + 1, s);
	c->cur = saved;
}

/* Both operands of a conditional jump known constants: its outcome. */
static bool branch_known(const struct astate *s,
			 const struct nfpe_bpf_insn *in, bool *taken)
{
	const struct areg *d = &s->r[in->dst_reg], *r = &s->r[in->src_reg];
	uint64_t dv, sv;

	if (d->kind != AK_SCALAR || !(d->flags & AF_CONST))
		return false;
	if (NFPE_BPF_SRC(in->code) == NFPE_BPF_K)
		sv = (uint64_t)(int64_t)in->imm;
	else if (r->kind == AK_SCALAR && (r->flags & AF_CONST))
		sv = r->val;
	else
		return false;
	dv = d->val;
	*taken = nfpe_jit_eval_jmp(in->code, dv, sv);
	return true;
}

static void step(struct actx *c, uint32_t i, const struct astate *in_s)
{
	const struct nfpe_bpf_insn *in = &c->insn[i];
	struct nfpe_jit_insn_facts *f = &c->facts[i];
	uint8_t cls = NFPE_BPF_CLASS(in->code), op = NFPE_BPF_OP(in->code);
	uint32_t size = 0;
	struct astate *s = &c->work;
	bool taken_known;
	int k, sl;

	copy_state(s, in_s, c->ctx[c->cur].depth);
	f->flags |= NFPE_FACT_SEEN;
	switch (cls) {
	case NFPE_BPF_ALU:
	case NFPE_BPF_ALU64:
		alu(c, i, s);
		flow(c, i + 1, s);
		return;
	case NFPE_BPF_LD:
		if (is_ldimm64(in)) {
			struct areg *d = &s->r[in->dst_reg];

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
			flow(c, i + 2, s);
			return;
		}
		for (k = 0; k <= 5; k++)
			set_kind(&s->r[k], AK_UNINIT, 0);
		set_scalar(&s->r[0], true);
		flow(c, i + 1, s);
		return;
	case NFPE_BPF_LDX: {
		const struct areg *b = &s->r[in->src_reg];
		struct areg v;

		size = mem_size(in);
		if (mem_base(c, i, b, in->src_reg) ||
		    ptr_fact(c, i, &f->ptr, b, in->src_reg))
			return;
		set_scalar(&v, size < 8);
		if (b->kind == AK_CTX) {
			uint8_t kd = ctx_load_kind(c, in->off);

			if (kd != AK_SCALAR)
				set_kind(&v, kd, 0);
		} else if (b->kind == AK_STACK) {
			note_stack(c, i, b, in->off, size);
			sl = spill_slot(c, b, in->off);
			if (sl >= 0 && size == 8)
				v = *SLOT(s, sl);
			if (v.kind == AK_UNINIT || v.kind == AK_CONFLICT)
				set_scalar(&v, false);
		}
		s->r[in->dst_reg] = v;
		flow(c, i + 1, s);
		return;
	}
	case NFPE_BPF_ST:
	case NFPE_BPF_STX: {
		const struct areg *b = &s->r[in->dst_reg];

		size = mem_size(in);
		if (mem_base(c, i, b, in->dst_reg) ||
		    ptr_fact(c, i, &f->ptr, b, in->dst_reg))
			return;
		if (b->kind == AK_STACK) {
			struct areg bb = *b;

			note_stack(c, i, &bb, in->off, size);
			sl = spill_slot(c, &bb, in->off);
			clobber_stack(c, s, &bb, in->off, size);
			if (sl >= 0 && size == 8 && cls == NFPE_BPF_STX &&
			    NFPE_BPF_MODE(in->code) == NFPE_BPF_MEM)
				*SLOT(s, sl) = s->r[in->src_reg];
			else if (sl >= 0 && size == 8 && cls == NFPE_BPF_ST)
				set_const(SLOT(s, sl),
					  (uint64_t)(int64_t)in->imm);
		}
		flow(c, i + 1, s);
		return;
	}
	default:
		break;
	}
	/* jumps */
	if (op == NFPE_BPF_EXIT) {
		step_exit(c, s);
		return;
	}
	if (op == NFPE_BPF_CALL && is_pseudo_call(in)) {
		step_call(c, i, s);
		return;
	}
	if (op == NFPE_BPF_CALL) {
		int32_t id = in->imm;
		uint8_t a0 = fact_kind(&s->r[2]), a1 = fact_kind(&s->r[3]);

		/* the same call in another context with other kinds */
		if ((c->mark[i] & MARK_ARGS) && f->arg_ptr[0] != a0)
			a0 = NFPE_PTR_NONE;
		if ((c->mark[i] & MARK_ARGS) && f->arg_ptr[1] != a1)
			a1 = NFPE_PTR_NONE;
		c->mark[i] |= MARK_ARGS;
		f->arg_ptr[0] = a0;
		f->arg_ptr[1] = a1;
		if (id >= NFPE_BPF_FUNC_map_lookup_elem &&
		    id <= NFPE_BPF_FUNC_map_delete_elem) {
			if (s->r[1].kind != AK_MAP_PTR) {
				aerr(c, -EACCES,
				     "insn %u: bpf_%s: r1 is %s, not a map",
				     i, nfpe_jit_helper_name(id),
				     akind_name[s->r[1].kind]);
				return;
			}
			if (!a0 || a0 == NFPE_PTR_CTX ||
			    (id == NFPE_BPF_FUNC_map_update_elem &&
			     (!a1 || a1 == NFPE_PTR_CTX))) {
				aerr(c, -EACCES,
				     "insn %u: bpf_%s: cannot prove the kind of the key/value pointer",
				     i, nfpe_jit_helper_name(id));
				return;
			}
		}
		if (id == NFPE_BPF_FUNC_map_lookup_elem) {
			uint16_t slot = s->r[1].slot;

			set_kind(&s->r[0], AK_MAP_OR_NULL, slot);
			s->r[0].id = i + 1;
		} else {
			set_scalar(&s->r[0],
				   id == NFPE_BPF_FUNC_get_prandom_u32);
		}
		for (k = 1; k <= 5; k++)
			set_kind(&s->r[k], AK_UNINIT, 0);
		if (id == NFPE_BPF_FUNC_xdp_adjust_head ||
		    id == NFPE_BPF_FUNC_xdp_adjust_tail ||
		    id == NFPE_BPF_FUNC_xdp_adjust_meta)
			invalidate_pkt(c, s);
		flow(c, i + 1, s);
		return;
	}
	if (i + 1 + in->off >= c->n) {	/* also catches negative */
		aerr(c, -EINVAL, "insn %u: jump out of range", i);
		return;
	}
	if (op == NFPE_BPF_JA) {
		c->facts[i + 1 + in->off].flags |= NFPE_FACT_JMP_TARGET;
		flow(c, i + 1 + in->off, s);
		return;
	}
	/* conditional */
	c->facts[i + 1 + in->off].flags |= NFPE_FACT_JMP_TARGET;
	if (branch_known(s, in, &taken_known)) {
		/* the verifier follows only the possible side too */
		flow(c, taken_known ? i + 1 + in->off : i + 1, s);
		return;
	}
	if (cls == NFPE_BPF_JMP && NFPE_BPF_SRC(in->code) == NFPE_BPF_K &&
	    in->imm == 0 && (op == NFPE_BPF_JEQ || op == NFPE_BPF_JNE) &&
	    s->r[in->dst_reg].kind == AK_MAP_OR_NULL) {
		struct astate *taken = &c->aux;

		copy_state(taken, s, c->ctx[c->cur].depth);
		null_refine(c, taken, in->dst_reg, op == NFPE_BPF_JEQ);
		null_refine(c, s, in->dst_reg, op != NFPE_BPF_JEQ);
		flow(c, i + 1 + in->off, taken);
		flow(c, i + 1, s);
		return;
	}
	flow(c, i + 1 + in->off, s);
	flow(c, i + 1, s);
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
	c->sub_start[c->nsub] = c->n;
	for (k = 0; k < c->nsub; k++) {
		uint32_t end = c->sub_start[k + 1];

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
	uint32_t i, x, guard = 0;
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
	c->sub = calloc(n + 1, sizeof(*c->sub));
	c->mark = calloc(n + 1, 1);
	if (!c->sub || !c->mark) {
		rc = aerr(c, -ENOMEM, "out of memory");
		goto out;
	}
	memset(facts, 0, n * sizeof(*facts));
	if (find_subs(c))
		goto done;
	c->ctx = calloc(16, sizeof(*c->ctx));
	if (!c->ctx) {
		aerr(c, -ENOMEM, "out of memory");
		goto done;
	}
	c->cap_ctx = 16;
	c->nctx = 1;
	c->ctx[0].parent = -1;
	c->ctx[0].st = calloc((size_t)c->sub_start[1] * KSTATES,
			      sizeof(*c->ctx[0].st));
	if (!c->ctx[0].st) {
		aerr(c, -ENOMEM, "out of memory");
		goto done;
	}
	e = &c->work;
	memset(e, 0, sizeof(*e));
	set_kind(&e->r[1], AK_CTX, 0);
	set_kind(&e->r[10], AK_STACK, 0);
	e->r[10].flags = AF_OFF;
	for (k = 0; k < NCELLS; k++)
		set_scalar(&e->m[k], false);
	flow_ctx(c, 0, 0, e);
	c->changed = true;
	while (c->changed && !c->rc) {
		c->changed = false;
		if (++guard > 10000) {
			aerr(c, -E2BIG, "analysis does not converge");
			break;
		}
		for (x = 0; x < c->nctx && !c->rc; x++) {
			uint32_t sb = c->ctx[x].sub;

			c->cur = x;
			for (i = c->sub_start[sb];
			     i < c->sub_start[sb + 1] && !c->rc; i++) {
				struct astate **ss = in_states(c, x, i);
				uint32_t j;

				if (i > c->sub_start[sb] &&
				    is_ldimm64(&insns[i - 1]) &&
				    any_state(c, x, i - 1))
					continue;
				for (j = 0; j < KSTATES && ss[j] && !c->rc;
				     j++) {
					if (!ss[j]->dirty)
						continue;
					ss[j]->dirty = false;
					step(c, i, ss[j]);
				}
			}
		}
	}
done:
	if (!c->rc) {
		/* a value is known 32-bit if it is in every context */
		for (x = 0; x < c->nctx; x++) {
			uint32_t sb = c->ctx[x].sub;

			for (i = c->sub_start[sb]; i < c->sub_start[sb + 1];
			     i++) {
				const struct nfpe_bpf_insn *in = &insns[i];
				struct astate **ss = in_states(c, x, i);
				uint32_t j;

				for (j = 0; j < KSTATES && ss[j]; j++) {
					if (!k32(&ss[j]->r[in->dst_reg]))
						c->mark[i] |= MARK_DST64;
					if (!k32(&ss[j]->r[in->src_reg]))
						c->mark[i] |= MARK_SRC64;
				}
			}
		}
		for (i = 0; i < n; i++) {
			if (!(facts[i].flags & NFPE_FACT_SEEN))
				continue;
			if (!(c->mark[i] & MARK_DST64))
				facts[i].flags |= NFPE_FACT_DST32;
			if (!(c->mark[i] & MARK_SRC64))
				facts[i].flags |= NFPE_FACT_SRC32;
		}
		for (k = 0; k < (int)c->nsub; k++)
			stack_depth[k] = (c->depth[k] + 7) & ~7u;
		*n_subprogs = c->nsub;
	}
	rc = c->rc;
out:
	for (x = 0; c->ctx && x < c->nctx; x++) {
		uint32_t sb = c->ctx[x].sub, j;

		for (j = 0; j < (c->sub_start[sb + 1] - c->sub_start[sb]) *
				KSTATES; j++)
			free(c->ctx[x].st[j]);
		free(c->ctx[x].st);
	}
	free(c->ctx);
	free(c->sub);
	free(c->mark);
	free(c);
	return rc;
}
