/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86jit-rt.c - the C side of the translated code (x86jit.c): what it
 * calls for an environment other than the one it last ran with, for the
 * rare operations (funnel shifts, division, engine commands) and to
 * finish a run that ended in a fault or a budget stop.  Each does what
 * the interpreter (interp.c) does in the same case.
 */
#include "x86jit.h"

/*
 * The run's caps, map memory and map engine, as interp() derives them
 * from env; remembered with the key the code's entry compares.
 * Returns the instruction budget.
 */
uint32_t nfpe__x86_refresh(struct xctx *c, const struct nfpe_env *env)
{
	const struct nfpe_prog *p = c->p;
	const struct nfpe_caps *caps = env && env->caps ? env->caps : &p->caps;
	struct nfpe_maps *maps = env ? env->maps : NULL;
	uint32_t k;

	__builtin_memcpy(c->key, caps, sizeof(c->key));
	c->key_maps = maps;
	c->env = env;
	c->mapmem = NULL;
	c->mapsz = 0;
	if (maps && maps == p->maps) {
		c->mapmem = p->mapmem;
		c->mapsz = p->mapsz;
	} else if (maps) {
		uint32_t size = 0;

		c->mapmem = nfpe_maps_mem(maps, &size);
		c->mapsz = c->mapmem ? size : 0;
		maps = NULL;	/* commands need the maps bound at load */
	}
	c->maps = maps;
	c->lmsz = nfpe__lm_size(caps);
	c->pktsz = nfpe__pkt_size(caps);
	c->budget = caps->insn_budget;
	for (k = 0; k < 4; k++) {
		c->lim[NFPE_SPACE_LM][k] = (int64_t)c->lmsz - (1 << k);
		c->lim[NFPE_SPACE_PKT][k] = (int64_t)c->pktsz - (1 << k);
		c->lim[NFPE_SPACE_MAP][k] = (int64_t)c->mapsz - (1 << k);
	}
	return c->budget;
}

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

/* Instruction i; nonzero: it faulted (fault_addr set). */
uint32_t nfpe__x86_slow_op(struct xctx *c, uint32_t i)
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

static void counter_add(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + v,
			 __ATOMIC_RELAXED);
}

/*
 * A budget stop or a fault: the interpreter's `out:` (EXIT is finished
 * by the code itself).  The carry is already in t->carry.
 */
void nfpe__x86_finish(struct xctx *c)
{
	struct nfpe_run_result *res = c->res;
	struct nfpe_prog *p = c->p;
	uint32_t budget = c->kind == K_BUDGET;

	if (c->kind == K_FAULT_MID) {
		const struct nfpe_dinsn *nx = &c->code[c->pc + 1];

		c->left += nx->run_n;
		c->issue -= nx->run_cost;
		c->stall -= nx->run_stall;
	}
	res->status = budget ? NFPE_RUN_BUDGET : NFPE_RUN_FAULT;
	res->ret = 0;
	res->fault_pc = c->pc;
	res->fault_addr = budget ? 0 : c->fault_addr;
	res->insns = c->budget - c->left;
	res->stall = c->stall;
	res->cycles = c->issue + c->stall;
	c->t->csr[NFPE_CSR_CYCLES] = (uint32_t)res->cycles;
	counter_add(&p->ctr.runs, 1);
	counter_add(&p->ctr.insns, res->insns);
	counter_add(&p->ctr.cycles, res->cycles);
	counter_add(&p->ctr.errors, 1);
}

