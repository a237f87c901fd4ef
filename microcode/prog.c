/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * prog.c - loading a program: validation, map binding and pre-decoding.
 *
 * Each instruction word is decoded once, here, into a struct nfpe_dinsn
 * (internal.h): register fields become register-file indexes (rz -> the
 * always-zero slot), branch targets become instruction indexes, and each
 * instruction carries the instruction/cycle totals of the straight-line
 * run it starts, so the interpreter accounts per control transfer rather
 * than per instruction.  interp.c then picks a specialised handler for
 * every instruction.
 */
#include "internal.h"

static uint8_t reg(uint32_t r)
{
	return r == NFPE_REG_ZERO ? NFPE_RZ_IDX : (uint8_t)r;
}

static int is_run_end(uint8_t op)
{
	return (op >= NFPE_OP_BEQ && op <= NFPE_OP_BCLRI) ||
	       op == NFPE_OP_BR || op == NFPE_OP_CALL ||
	       op == NFPE_OP_RET || op == NFPE_OP_EXIT;
}

static void decode(struct nfpe_dinsn *di, uint64_t w)
{
	uint8_t op = NFPE_INSN_OP(w);
	uint32_t imm = NFPE_INSN_IMM(w);

	di->d = reg(NFPE_INSN_D(w));
	di->a = reg(NFPE_INSN_A(w));
	di->b = reg(NFPE_INSN_B(w));
	di->c = NFPE_RZ_IDX;
	di->imm = imm;
	di->tgt = 0;
	switch (nfpe_opinfo[op].fmt) {
	case NFPE_FMT_DSH_R:
		di->c = reg(imm & 0xff);
		break;
	case NFPE_FMT_BR_R:
		di->b = reg(imm & 0xff);
		/* fall through */
	case NFPE_FMT_BR_I:
		di->a = reg(NFPE_INSN_BR_A(w));
		/* fall through */
	case NFPE_FMT_JUMP:
		di->tgt = NFPE_INSN_TARGET(w);
		if (nfpe_opinfo[op].fmt == NFPE_FMT_JUMP)
			di->a = di->b = di->d = NFPE_RZ_IDX;
		break;
	case NFPE_FMT_ST:
		/* high word of a .64 store: rz stores a zero pair */
		di->c = di->b == NFPE_RZ_IDX ? NFPE_RZ_IDX : di->b + 1;
		break;
	case NFPE_FMT_ENG:
		di->tgt = imm;			/* engine command */
		di->b = NFPE_INSN_B(w);		/* raw address-space flags */
		break;
	default:
		break;
	}
	/* The handler is chosen by nfpe__interp_prepare from the opcode. */
	di->h = (const void *)(uintptr_t)op;
}

static int bind_maps(struct nfpe_prog *p, const struct nfpe_img_view *v,
		     struct nfpe_verr *err)
{
	uint32_t i;

	for (i = 0; i < v->n_maps; i++) {
		const uint8_t *m = v->base + v->map_off + 24 * i;
		struct nfpe_prog_map *pm = &p->map[i];
		struct nfpe_map_decl d;
		uint32_t ents = nfpe__ld32(m + 16);
		int ret;

		pm->map_id = nfpe__ld32(m);
		pm->type = nfpe__ld32(m + 4);
		pm->key_size = nfpe__ld32(m + 8);
		pm->value_size = nfpe__ld32(m + 12);
		pm->lat_lookup = nfpe__eng_latency(NFPE_ENG_MAP_LOOKUP,
						   pm->key_size, 0);
		pm->lat_update = nfpe__eng_latency(NFPE_ENG_MAP_UPDATE,
						   pm->key_size,
						   pm->value_size);
		pm->lat_delete = nfpe__eng_latency(NFPE_ENG_MAP_DELETE,
						   pm->key_size, 0);
		if (!p->maps)
			continue;
		ret = nfpe_map_info(p->maps, pm->map_id, &d);
		if (ret)
			return nfpe__verr(err, NFPE_IMG_E_MAP_MISMATCH,
					  UINT32_MAX, "map %u: device map %u "
					  "does not exist (%d)", i, pm->map_id,
					  ret);
		if (d.type != pm->type || d.key_size != pm->key_size ||
		    d.value_size != pm->value_size || d.max_entries != ents)
			return nfpe__verr(err, NFPE_IMG_E_MAP_MISMATCH,
					  UINT32_MAX, "map %u: declared type %u "
					  "key %u value %u entries %u, device "
					  "map %u is type %u key %u value %u "
					  "entries %u", i, pm->type,
					  pm->key_size, pm->value_size, ents,
					  pm->map_id, d.type, d.key_size,
					  d.value_size, d.max_entries);
		ret = nfpe_map_hold(p->maps, pm->map_id);
		if (ret)
			return nfpe__verr(err, NFPE_IMG_E_MAP_MISMATCH,
					  UINT32_MAX, "map %u: cannot hold "
					  "device map %u (%d)", i, pm->map_id,
					  ret);
		p->n_held = i + 1;
	}
	return 0;
}

int nfpe_prog_load(const struct nfpe_alloc *a, const struct nfpe_caps *caps,
		   struct nfpe_maps *maps, const void *image, size_t len,
		   struct nfpe_prog **progp, struct nfpe_verr *err)
{
	struct nfpe_img_view v;
	struct nfpe_prog *p;
	uint32_t i, n;
	int ret;

	*progp = NULL;
	ret = nfpe__validate(a, caps, image, len, &v, err);
	if (ret)
		return ret;
	n = v.n_insns;
	p = a->alloc(a->opaque, sizeof(*p));
	if (!p)
		goto nomem;
	p->alloc = *a;
	p->caps = *caps;
	p->maps = maps;
	if (maps) {
		p->mapmem = nfpe_maps_mem(maps, &p->mapsz);
		if (!p->mapmem)
			p->mapsz = 0;
	}
	p->type = v.prog_type;
	p->n_insns = n;
	p->stack_size = v.stack_size;
	p->entry = nfpe__ld32(v.base + v.entry_off);
	p->n_maps = v.n_maps;
	p->code = a->alloc(a->opaque, (size_t)n * sizeof(*p->code));
	if (!p->code)
		goto nomem_free;
	if (v.n_maps) {
		p->map = a->alloc(a->opaque, v.n_maps * sizeof(*p->map));
		if (!p->map)
			goto nomem_free;
	}
	ret = bind_maps(p, &v, err);
	if (ret) {
		nfpe_prog_free(p);
		return ret;
	}

	/* Decode, then the run totals from the end backwards. */
	for (i = 0; i < n; i++)
		decode(&p->code[i], nfpe__img_insn(&v, i));
	for (i = n; i-- > 0;) {
		struct nfpe_dinsn *di = &p->code[i];
		uint8_t op = (uint8_t)(uintptr_t)di->h;
		uint32_t cost = nfpe_insn_cost(op);
		uint32_t lat = op == NFPE_OP_ENG ? 0 : nfpe_insn_latency(op, 0);

		if (is_run_end(op)) {
			di->run_n = 1;
			di->run_cost = cost;
			di->run_stall = lat;
		} else {
			/* validated: the last instruction ends a run */
			di->run_n = 1 + di[1].run_n;
			di->run_cost = cost + di[1].run_cost;
			di->run_stall = lat + di[1].run_stall;
		}
	}
	if (nfpe__x86jit_hook)
		nfpe__x86jit_hook(p);
	nfpe__interp_prepare(p);
	*progp = p;
	return 0;

nomem_free:
	nfpe_prog_free(p);
nomem:
	nfpe__verr(err, NFPE_IMG_E_OK, UINT32_MAX, "out of memory loading "
		   "%u instructions", n);
	return -NFPE_ENOMEM;
}

void nfpe_prog_free(struct nfpe_prog *p)
{
	uint32_t i;

	if (!p)
		return;
	if (p->x86_free)
		p->x86_free(p);
	for (i = 0; i < p->n_held; i++)
		nfpe_map_release(p->maps, p->map[i].map_id);
	if (p->map)
		p->alloc.free(p->alloc.opaque, p->map);
	if (p->code)
		p->alloc.free(p->alloc.opaque, p->code);
	p->alloc.free(p->alloc.opaque, p);
}

void (*nfpe__x86jit_hook)(struct nfpe_prog *p);

int nfpe_prog_set_exec(struct nfpe_prog *p, uint32_t exec)
{
	if (exec == NFPE_EXEC_INTERP) {
		p->use_x86 = 0;
		return 0;
	}
	if (exec != NFPE_EXEC_X86)
		return -NFPE_EINVAL;
	if (!p->x86)
		return -NFPE_EOPNOTSUPP;
	p->use_x86 = 1;
	return 0;
}

const char *nfpe_prog_x86_status(const struct nfpe_prog *p)
{
	return p->x86 ? NULL : p->x86_why[0] ? p->x86_why :
	       "not translated (nfpe_x86jit_enable was off at load)";
}

uint32_t nfpe_prog_type(const struct nfpe_prog *p)
{
	return p->type;
}

uint32_t nfpe_prog_insn_count(const struct nfpe_prog *p)
{
	return p->n_insns;
}

void nfpe_prog_counters(const struct nfpe_prog *p,
			struct nfpe_prog_counters *c)
{
	c->runs = __atomic_load_n(&p->ctr.runs, __ATOMIC_RELAXED);
	c->insns = __atomic_load_n(&p->ctr.insns, __ATOMIC_RELAXED);
	c->cycles = __atomic_load_n(&p->ctr.cycles, __ATOMIC_RELAXED);
	c->errors = __atomic_load_n(&p->ctr.errors, __ATOMIC_RELAXED);
}
