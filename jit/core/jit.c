// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * jit.c - the JIT core's driver: pass 1 (capabilities and limits),
 * subprograms and stack frames, then analysis.c and codegen.c, then
 * pass 6 (peepholes, branch resolution, image emission).
 */
#include "jit-internal.h"

int jit_error(struct jit *j, int err, int32_t insn, const char *fmt, ...)
{
	nfpe_va_list ap;

	if (j->err)
		return j->err;
	nfpe_va_start(ap, fmt);
	nfpe_jit_vfmt(j->res->msg, sizeof(j->res->msg), fmt, ap);
	nfpe_va_end(ap);
	j->res->err_insn = insn;
	j->err = err;
	return err;
}

/* no __builtin_popcount: without -mpopcnt it calls libgcc, absent in a module */
static uint32_t popcount32(uint32_t v)
{
	uint32_t n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

static uint64_t bswap64(uint64_t v)
{
	return __builtin_bswap64(v);
}

uint64_t nfpe_jit_eval_alu(uint8_t code, uint64_t dst, uint64_t src,
			   int32_t imm)
{
	bool is64 = NFPE_BPF_CLASS(code) == NFPE_BPF_ALU64;
	uint8_t op = NFPE_BPF_OP(code);
	uint32_t d32 = (uint32_t)dst, s32 = (uint32_t)src;

	if (op == NFPE_BPF_END) {
		if (NFPE_BPF_SRC(code) == NFPE_BPF_TO_LE)
			return imm == 16 ? (uint16_t)dst :
			       imm == 32 ? (uint32_t)dst : dst;
		return imm == 16 ? __builtin_bswap16((uint16_t)dst) :
		       imm == 32 ? __builtin_bswap32((uint32_t)dst) :
		       bswap64(dst);
	}
	if (is64) {
		switch (op) {
		case NFPE_BPF_ADD:
			return dst + src;
		case NFPE_BPF_SUB:
			return dst - src;
		case NFPE_BPF_MUL:
			return dst * src;
		case NFPE_BPF_DIV:
			return src ? dst / src : 0;
		case NFPE_BPF_MOD:
			return src ? dst % src : dst;
		case NFPE_BPF_OR:
			return dst | src;
		case NFPE_BPF_AND:
			return dst & src;
		case NFPE_BPF_XOR:
			return dst ^ src;
		case NFPE_BPF_LSH:
			return dst << (src & 63);
		case NFPE_BPF_RSH:
			return dst >> (src & 63);
		case NFPE_BPF_ARSH:
			return (uint64_t)((int64_t)dst >> (src & 63));
		case NFPE_BPF_NEG:
			return -dst;
		case NFPE_BPF_MOV:
			return src;
		}
		return 0;
	}
	switch (op) {
	case NFPE_BPF_ADD:
		return (uint32_t)(d32 + s32);
	case NFPE_BPF_SUB:
		return (uint32_t)(d32 - s32);
	case NFPE_BPF_MUL:
		return (uint32_t)(d32 * s32);
	case NFPE_BPF_DIV:
		return s32 ? d32 / s32 : 0;
	case NFPE_BPF_MOD:
		return s32 ? d32 % s32 : d32;
	case NFPE_BPF_OR:
		return d32 | s32;
	case NFPE_BPF_AND:
		return d32 & s32;
	case NFPE_BPF_XOR:
		return d32 ^ s32;
	case NFPE_BPF_LSH:
		return (uint32_t)(d32 << (s32 & 31));
	case NFPE_BPF_RSH:
		return d32 >> (s32 & 31);
	case NFPE_BPF_ARSH:
		return (uint32_t)((int32_t)d32 >> (s32 & 31));
	case NFPE_BPF_NEG:
		return (uint32_t)-d32;
	case NFPE_BPF_MOV:
		return s32;
	}
	return 0;
}

bool nfpe_jit_eval_jmp(uint8_t code, uint64_t dst, uint64_t src)
{
	if (NFPE_BPF_CLASS(code) == NFPE_BPF_JMP32) {
		dst = (uint64_t)(int64_t)(int32_t)dst;
		src = (uint64_t)(int64_t)(int32_t)src;
		if (NFPE_BPF_OP(code) == NFPE_BPF_JGT ||
		    NFPE_BPF_OP(code) == NFPE_BPF_JGE ||
		    NFPE_BPF_OP(code) == NFPE_BPF_JLT ||
		    NFPE_BPF_OP(code) == NFPE_BPF_JLE) {
			dst &= 0xffffffffu;
			src &= 0xffffffffu;
		}
	}
	switch (NFPE_BPF_OP(code)) {
	case NFPE_BPF_JEQ:
		return dst == src;
	case NFPE_BPF_JNE:
		return dst != src;
	case NFPE_BPF_JSET:
		return (dst & src) != 0;
	case NFPE_BPF_JGT:
		return dst > src;
	case NFPE_BPF_JGE:
		return dst >= src;
	case NFPE_BPF_JLT:
		return dst < src;
	case NFPE_BPF_JLE:
		return dst <= src;
	case NFPE_BPF_JSGT:
		return (int64_t)dst > (int64_t)src;
	case NFPE_BPF_JSGE:
		return (int64_t)dst >= (int64_t)src;
	case NFPE_BPF_JSLT:
		return (int64_t)dst < (int64_t)src;
	case NFPE_BPF_JSLE:
		return (int64_t)dst <= (int64_t)src;
	}
	return false;
}

/* ---- pass 1: what the device and the kernel's offload rules allow --- */

static bool valid_code(const struct nfpe_bpf_insn *in)
{
	uint8_t c = in->code, cls = NFPE_BPF_CLASS(c), op = NFPE_BPF_OP(c);

	if (in->dst_reg > 10 || in->src_reg > 10)
		return false;
	switch (cls) {
	case NFPE_BPF_ALU:
	case NFPE_BPF_ALU64:
		if (op > NFPE_BPF_END)
			return false;
		if (op == NFPE_BPF_END)
			return in->imm == 16 || in->imm == 32 || in->imm == 64;
		return true;
	case NFPE_BPF_JMP:
	case NFPE_BPF_JMP32:
		if (op > NFPE_BPF_JSLE)
			return false;
		if (cls == NFPE_BPF_JMP32 && (op == NFPE_BPF_JA ||
					      op == NFPE_BPF_CALL ||
					      op == NFPE_BPF_EXIT))
			return false;
		/* the verifier's "uses reserved fields": no X forms */
		if ((op == NFPE_BPF_JA || op == NFPE_BPF_CALL ||
		     op == NFPE_BPF_EXIT) && NFPE_BPF_SRC(c) != NFPE_BPF_K)
			return false;
		return true;
	case NFPE_BPF_LD:
		return c == (NFPE_BPF_LD | NFPE_BPF_IMM | NFPE_BPF_DW) ||
		       ((NFPE_BPF_MODE(c) == NFPE_BPF_ABS ||
			 NFPE_BPF_MODE(c) == NFPE_BPF_IND) &&
			NFPE_BPF_SIZE(c) != NFPE_BPF_DW);
	case NFPE_BPF_LDX:
	case NFPE_BPF_ST:
		return NFPE_BPF_MODE(c) == NFPE_BPF_MEM;
	case NFPE_BPF_STX:
		return NFPE_BPF_MODE(c) == NFPE_BPF_MEM ||
		       (NFPE_BPF_MODE(c) == NFPE_BPF_ATOMIC &&
			(NFPE_BPF_SIZE(c) == NFPE_BPF_W ||
			 NFPE_BPF_SIZE(c) == NFPE_BPF_DW));
	}
	return false;
}

static int check_map(struct jit *j, uint32_t slot, int32_t insn)
{
	const struct nfpe_jit_map *m = &j->p->maps[slot];
	const char *tn = nfpe_jit_map_type_name(m->type);

	if (m->type == NFPE_BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		return jit_error(j, -NFPE_EOPNOTSUPP, insn,
				 "insn %d: map type PERF_EVENT_ARRAY stays on the host and is only usable by bpf_perf_event_output, which the device cannot run",
				 insn);
	if (m->type != NFPE_BPF_MAP_TYPE_HASH && m->type != NFPE_BPF_MAP_TYPE_ARRAY)
		return jit_error(j, -NFPE_EOPNOTSUPP, insn,
				 "insn %d: map type %s cannot be offloaded",
				 insn, tn);
	if (m->type >= 32 || !(j->caps->map_types & NFPE_BIT(m->type)))
		return jit_error(j, -NFPE_EOPNOTSUPP, insn,
				 "insn %d: map type %s not offered by the device",
				 insn, tn);
	if (m->key_size > j->caps->max_key)
		return jit_error(j, -NFPE_EOPNOTSUPP, insn,
				 "insn %d: map key size %u exceeds the device limit %u",
				 insn, m->key_size, j->caps->max_key);
	if (m->value_size > j->caps->max_value)
		return jit_error(j, -NFPE_EOPNOTSUPP, insn,
				 "insn %d: map value size %u exceeds the device limit %u",
				 insn, m->value_size, j->caps->max_value);
	if (m->max_entries > j->caps->max_entries)
		return jit_error(j, -NFPE_EOPNOTSUPP, insn,
				 "insn %d: map max_entries %u exceeds the device limit %u",
				 insn, m->max_entries, j->caps->max_entries);
	return 0;
}

static uint32_t helper_engine(int32_t id)
{
	switch (id) {
	case NFPE_BPF_FUNC_map_lookup_elem:
		return NFPE_ENG_MAP_LOOKUP;
	case NFPE_BPF_FUNC_map_update_elem:
		return NFPE_ENG_MAP_UPDATE;
	case NFPE_BPF_FUNC_map_delete_elem:
		return NFPE_ENG_MAP_DELETE;
	case NFPE_BPF_FUNC_get_prandom_u32:
		return NFPE_ENG_RANDOM;
	case NFPE_BPF_FUNC_ktime_get_ns:
		return NFPE_ENG_KTIME;
	case NFPE_BPF_FUNC_xdp_adjust_head:
		return NFPE_ENG_ADJ_HEAD;
	case NFPE_BPF_FUNC_xdp_adjust_tail:
		return NFPE_ENG_ADJ_TAIL;
	case NFPE_BPF_FUNC_xdp_adjust_meta:
		return NFPE_ENG_ADJ_META;
	}
	return 0;
}

static int check_helper(struct jit *j, uint32_t i)
{
	int32_t id = j->insn[i].imm;
	const char *name = nfpe_jit_helper_name(id);
	uint32_t eng = helper_engine(id);

	if (id == NFPE_BPF_FUNC_tail_call)
		return jit_error(j, -NFPE_EOPNOTSUPP, i,
				 "insn %u: tail calls (bpf_tail_call) cannot be offloaded",
				 i);
	if (id == NFPE_BPF_FUNC_perf_event_output)
		return jit_error(j, -NFPE_EOPNOTSUPP, i,
				 "insn %u: helper bpf_perf_event_output (25) needs the host and is not supported by the device",
				 i);
	if (eng >= NFPE_ENG_ADJ_HEAD && j->p->prog_type != NFPE_PROG_XDP)
		eng = 0;
	if (!eng || !(j->caps->engines & NFPE_BIT(eng)))
		return jit_error(j, -NFPE_EOPNOTSUPP, i,
				 "insn %u: helper bpf_%s (%d) not supported by the device",
				 i, name, id);
	return 0;
}

static int pass_checks(struct jit *j)
{
	const struct nfpe_jit_prog *p = j->p;
	uint32_t i, s;
	int32_t *first_ref;
	int err = 0;

	if (p->prog_type != NFPE_PROG_XDP && p->prog_type != NFPE_PROG_TC)
		return jit_error(j, -NFPE_EOPNOTSUPP, -1,
				 "program type %u cannot be offloaded (XDP and cls_bpf only)",
				 p->prog_type);
	if (!p->n_insns || !p->insns)
		return jit_error(j, -NFPE_EINVAL, -1, "program is empty");
	if (p->n_insns > 4 * j->caps->code_store)
		return jit_error(j, -NFPE_E2BIG, -1,
				 "program needs at least %u instructions, code store holds %u",
				 p->n_insns / 4, j->caps->code_store);
	if (p->n_maps > j->caps->max_maps || p->n_maps > NFPE_IMAGE_MAX_MAPS)
		return jit_error(j, -NFPE_E2BIG, -1,
				 "program uses %u maps, device supports %u",
				 p->n_maps, j->caps->max_maps);
	first_ref = j->a->alloc(j->a->opaque,
				sizeof(*first_ref) * (p->n_maps + 1));
	if (!first_ref)
		return jit_error(j, -NFPE_ENOMEM, -1, "out of memory");
	for (s = 0; s < p->n_maps; s++)
		first_ref[s] = -1;
	for (i = 0; i < p->n_insns && !err; i++) {
		const struct nfpe_bpf_insn *in = &p->insns[i];

		if (!valid_code(in)) {
			err = jit_error(j, -NFPE_EINVAL, i,
					"insn %u: invalid instruction 0x%x",
					i, in->code);
			break;
		}
		if (jit_is_ldimm64(in)) {
			if (i + 1 >= p->n_insns || p->insns[i + 1].code) {
				err = jit_error(j, -NFPE_EINVAL, i,
						"insn %u: incomplete LD_IMM64",
						i);
				break;
			}
			j->ii[i + 1].flags |= JI_SECOND;
			switch (in->src_reg) {
			case 0:
				break;
			case NFPE_BPF_PSEUDO_MAP_FD:
			case NFPE_BPF_PSEUDO_MAP_IDX:
				if (!p->facts ||
				    p->facts[i].map_slot >= p->n_maps) {
					err = jit_error(j, -NFPE_EINVAL, i,
							"insn %u: map reference without a map slot",
							i);
					break;
				}
				s = p->facts[i].map_slot;
				if (first_ref[s] < 0)
					first_ref[s] = i;
				break;
			case NFPE_BPF_PSEUDO_MAP_VALUE:
			case NFPE_BPF_PSEUDO_MAP_IDX_VALUE:
				err = jit_error(j, -NFPE_EOPNOTSUPP, i,
						"insn %u: direct map value access (global data) cannot be offloaded",
						i);
				break;
			case NFPE_BPF_PSEUDO_FUNC:
				err = jit_error(j, -NFPE_EOPNOTSUPP, i,
						"insn %u: callback functions cannot be offloaded",
						i);
				break;
			default:
				err = jit_error(j, -NFPE_EOPNOTSUPP, i,
						"insn %u: kernel object reference cannot be offloaded",
						i);
				break;
			}
			i++;
			continue;
		}
		if (in->code == (NFPE_BPF_JMP | NFPE_BPF_CALL)) {
			if (in->src_reg == NFPE_BPF_PSEUDO_KFUNC_CALL)
				err = jit_error(j, -NFPE_EOPNOTSUPP, i,
						"insn %u: kfunc calls cannot be offloaded",
						i);
			else if (in->src_reg == 0)
				err = check_helper(j, i);
			else if (in->src_reg != NFPE_BPF_PSEUDO_CALL)
				err = jit_error(j, -NFPE_EINVAL, i,
						"insn %u: invalid call", i);
		}
	}
	for (s = 0; s < p->n_maps && !err; s++)
		err = check_map(j, s, first_ref[s]);
	j->a->free(j->a->opaque, first_ref);
	return err;
}

/* ---- subprograms and stack frames --------------------------------- */

static int find_subprogs(struct jit *j)
{
	uint32_t i, k, t;

	j->sub[0].start = 0;
	j->nsub = 1;
	for (i = 0; i < j->n; i++) {
		const struct nfpe_bpf_insn *in = &j->insn[i];

		if (!jit_is_pseudo_call(in))
			continue;
		t = i + 1 + in->imm;
		if (t >= j->n || (j->ii[t].flags & JI_SECOND))
			return jit_error(j, -NFPE_EINVAL, i,
					 "insn %u: call target out of range", i);
		for (k = 0; k < j->nsub && j->sub[k].start != t; k++)
			;
		if (k < j->nsub)
			continue;
		if (j->nsub == JIT_MAX_SUBPROGS)
			return jit_error(j, -NFPE_E2BIG, i,
					 "insn %u: more than %u subprograms",
					 i, JIT_MAX_SUBPROGS);
		/* insertion keeps the table sorted by start */
		for (k = j->nsub; k > 0 && j->sub[k - 1].start > t; k--)
			j->sub[k] = j->sub[k - 1];
		nfpe_memset(&j->sub[k], 0, sizeof(j->sub[k]));
		j->sub[k].start = t;
		j->nsub++;
	}
	for (k = 0; k < j->nsub; k++) {
		j->sub[k].end = k + 1 < j->nsub ? j->sub[k + 1].start : j->n;
		for (i = j->sub[k].start; i < j->sub[k].end; i++)
			j->ii[i].sub = k;
	}
	return 0;
}

static int sub_depths(struct jit *j)
{
	const struct nfpe_jit_prog *p = j->p;
	uint32_t k, i;

	for (k = 0; k < j->nsub; k++) {
		struct jit_sub *s = &j->sub[k];
		uint32_t d = 0;
		bool indirect = false;

		if (p->stack_depth && k < p->n_stack_depth) {
			d = p->stack_depth[k];
		} else {
			for (i = s->start; i < s->end; i++) {
				const struct nfpe_bpf_insn *in = &j->insn[i];
				uint8_t cls = NFPE_BPF_CLASS(in->code);
				uint8_t base;

				if (cls != NFPE_BPF_LDX && cls != NFPE_BPF_ST &&
				    cls != NFPE_BPF_STX)
					continue;
				if (!p->facts || p->facts[i].ptr !=
				    NFPE_PTR_STACK)
					continue;
				base = cls == NFPE_BPF_LDX ? in->src_reg :
				       in->dst_reg;
				if (base != 10)
					indirect = true;
				else if (in->off < 0 && (uint32_t)-in->off > d)
					d = -in->off;
			}
			if (indirect) {
				if (j->nsub > 1)
					return jit_error(j, -NFPE_EINVAL, -1,
							 "stack depth of subprogram %u unknown",
							 k);
				d = j->caps->stack_size;
			}
		}
		s->depth = (d + 7) & ~7u;
		for (i = s->start; k && i < s->end; i++) {
			const struct nfpe_bpf_insn *in = &j->insn[i];
			uint8_t cls = NFPE_BPF_CLASS(in->code);

			if ((cls == NFPE_BPF_ALU || cls == NFPE_BPF_ALU64 ||
			     cls == NFPE_BPF_LDX || cls == NFPE_BPF_LD) &&
			    !(j->ii[i].flags & JI_SECOND) &&
			    in->dst_reg >= 6 && in->dst_reg <= 9)
				s->saved |= NFPE_BIT(in->dst_reg - 6);
		}
		s->frame = s->depth + 8 * popcount32(s->saved);
	}
	return 0;
}

static int frame_total(struct jit *j, uint32_t k, uint32_t level)
{
	struct jit_sub *s = &j->sub[k];
	uint32_t i, t, best = 0, c;
	int err;

	if (level >= NFPE_CALL_DEPTH)
		return jit_error(j, -NFPE_EOPNOTSUPP, s->start,
				 "insn %u: call depth exceeds the device's return stack (%u)",
				 s->start, NFPE_CALL_DEPTH);
	for (i = s->start; i < s->end; i++) {
		if (!jit_is_pseudo_call(&j->insn[i]) ||
		    !(j->ii[i].flags & JI_REACH))
			continue;
		t = i + 1 + j->insn[i].imm;
		for (c = 0; c < j->nsub && j->sub[c].start != t; c++)
			;
		err = frame_total(j, c, level + 1);
		if (err)
			return err;
		if (j->sub[c].max_total > best)
			best = j->sub[c].max_total;
	}
	s->max_total = s->frame + best;
	return 0;
}

/* ---- pass 6: peepholes, layout, image ----------------------------- */

static bool is_branch(const struct jit_ir *e)
{
	return e->kind == IR_BR_IR;
}

static uint32_t next_live(struct jit *j, uint32_t k)
{
	while (k < j->nir && j->ir[k].kind == IR_DELETED)
		k++;
	return k;
}

static void peephole(struct jit *j)
{
	bool changed = true;
	uint32_t k, guard = 0;

	while (changed && guard++ < 16) {
		changed = false;
		for (k = 0; k < j->nir; k++) {
			struct jit_ir *e = &j->ir[k];
			uint8_t op = NFPE_INSN_OP(e->word);

			if (e->kind == IR_DELETED)
				continue;
			if (e->kind == IR_PLAIN) {
				bool same = NFPE_INSN_D(e->word) ==
					    NFPE_INSN_A(e->word);
				bool nop = false;

				if (op == NFPE_OP_MOV && same)
					nop = true;
				if ((op == NFPE_OP_ORI || op == NFPE_OP_XORI ||
				     op == NFPE_OP_SHLI || op == NFPE_OP_SHRI ||
				     op == NFPE_OP_ASRI) && same &&
				    !NFPE_INSN_IMM(e->word))
					nop = true;
				if (op == NFPE_OP_ANDI && same &&
				    NFPE_INSN_IMM(e->word) == 0xffffffffu)
					nop = true;
				if (nop && !e->reloc) {
					e->kind = IR_DELETED;
					j->res->stats.peep++;
					changed = true;
				}
				continue;
			}
			if (!is_branch(e) || op == NFPE_OP_CALL)
				continue;
			/* jump threading: a branch to a BR goes further */
			{
				uint32_t t = next_live(j, e->target);

				if (t < j->nir && t != k &&
				    j->ir[t].kind == IR_BR_IR &&
				    NFPE_INSN_OP(j->ir[t].word) == NFPE_OP_BR &&
				    j->ir[t].target != e->target) {
					e->target = j->ir[t].target;
					changed = true;
				}
				if (next_live(j, e->target) ==
				    next_live(j, k + 1)) {
					e->kind = IR_DELETED;
					j->res->stats.peep++;
					changed = true;
				}
			}
		}
	}
}

static int emit_image(struct jit *j)
{
	const struct nfpe_jit_prog *p = j->p;
	struct nfpe_image_hdr *h;
	struct nfpe_image_entry *ent;
	struct nfpe_image_map *mt;
	struct nfpe_image_reloc *rl;
	uint32_t *newidx, k, n = 0, nrel = 0, s;
	uint64_t *code;
	size_t len, off;
	uint8_t *img;

	newidx = j->a->alloc(j->a->opaque, sizeof(*newidx) * (j->nir + 1));
	if (!newidx)
		return jit_error(j, -NFPE_ENOMEM, -1, "out of memory");
	for (k = 0; k < j->nir; k++) {
		newidx[k] = n;
		if (j->ir[k].kind != IR_DELETED) {
			n++;
			if (j->ir[k].reloc)
				nrel++;
		}
	}
	newidx[j->nir] = n;
	j->res->stats.mc_insns = n;
	if (n > j->caps->code_store || n > NFPE_MAX_CODE) {
		j->a->free(j->a->opaque, newidx);
		return jit_error(j, -NFPE_E2BIG, -1,
				 "program needs %u instructions, code store holds %u",
				 n, j->caps->code_store);
	}
	off = sizeof(*h);
	len = off + 8 * n + sizeof(*ent) * j->nsub + sizeof(*mt) * p->n_maps +
	      sizeof(*rl) * nrel;
	img = j->a->alloc(j->a->opaque, len);
	if (!img) {
		j->a->free(j->a->opaque, newidx);
		return jit_error(j, -NFPE_ENOMEM, -1, "out of memory");
	}
	h = (struct nfpe_image_hdr *)img;
	h->magic = NFPE_IMAGE_MAGIC;
	h->abi_major = NFPE_IMAGE_ABI_MAJOR;
	h->abi_minor = NFPE_IMAGE_ABI_MINOR;
	h->hdr_len = sizeof(*h);
	h->total_len = len;
	h->prog_type = p->prog_type;
	h->stack_size = j->stack_size;
	h->n_insns = n;
	h->code_off = off;
	h->n_entries = j->nsub;
	h->entry_off = off + 8 * n;
	h->n_maps = p->n_maps;
	h->map_off = h->entry_off + sizeof(*ent) * j->nsub;
	h->n_relocs = nrel;
	h->reloc_off = h->map_off + sizeof(*mt) * p->n_maps;
	for (k = 0; p->name && p->name[k] && k < NFPE_IMAGE_NAME_LEN - 1; k++)
		h->name[k] = p->name[k];
	code = (uint64_t *)(img + h->code_off);
	ent = (struct nfpe_image_entry *)(img + h->entry_off);
	mt = (struct nfpe_image_map *)(img + h->map_off);
	rl = (struct nfpe_image_reloc *)(img + h->reloc_off);
	nrel = 0;
	for (k = 0; k < j->nir; k++) {
		const struct jit_ir *e = &j->ir[k];
		uint64_t w = e->word;

		if (e->kind == IR_DELETED)
			continue;
		if (e->kind == IR_BR_IR)
			w = (w & ~(0xffffull << 16)) |
			    (uint64_t)(uint16_t)newidx[e->target] << 16;
		code[newidx[k]] = w;
		if (e->reloc) {
			rl[nrel].insn = newidx[k];
			rl[nrel].kind = e->reloc;
			rl[nrel].value = e->reloc_val;
			nrel++;
		}
	}
	for (s = 0; s < j->nsub; s++) {
		ent[s].insn = newidx[j->sub[s].entry_ir];
		ent[s].kind = s ? NFPE_ENTRY_SUBPROG : NFPE_ENTRY_MAIN;
	}
	for (s = 0; s < p->n_maps; s++) {
		mt[s].type = p->maps[s].type;
		mt[s].key_size = p->maps[s].key_size;
		mt[s].value_size = p->maps[s].value_size;
		mt[s].max_entries = p->maps[s].max_entries;
		mt[s].flags = p->maps[s].flags;
	}
	j->a->free(j->a->opaque, newidx);
	j->res->image = img;
	j->res->image_len = len;
	return 0;
}

static int layout(struct jit *j)
{
	uint32_t k;

	for (k = 0; k < j->nir; k++) {
		struct jit_ir *e = &j->ir[k];

		if (e->kind == IR_BR_BPF) {
			e->target = j->bpf2ir[e->target];
			e->kind = IR_BR_IR;
		} else if (e->kind == IR_BR_SUB) {
			e->target = j->sub[e->target].entry_ir;
			e->kind = IR_BR_IR;
		}
	}
	if (j->opts & NFPE_JIT_OPT_PEEP)
		peephole(j);
	return emit_image(j);
}

int nfpe_jit_compile(const struct nfpe_jit_alloc *a,
		     const struct nfpe_jit_caps *caps,
		     const struct nfpe_jit_prog *prog,
		     struct nfpe_jit_result *res)
{
	struct jit *j;
	int err;

	nfpe_memset(res, 0, sizeof(*res));
	res->err_insn = -1;
	j = a->alloc(a->opaque, sizeof(*j));
	if (!j) {
		nfpe_jit_fmt(res->msg, sizeof(res->msg), "out of memory");
		return -NFPE_ENOMEM;
	}
	j->a = a;
	j->caps = caps;
	j->p = prog;
	j->res = res;
	j->insn = prog->insns;
	j->n = prog->n_insns;
	j->opts = prog->opts;
	res->stats.bpf_insns = prog->n_insns;
	res->stats.maps = prog->n_maps;
	if (j->n && j->n <= 4 * caps->code_store) {
		j->ii = a->alloc(a->opaque, sizeof(*j->ii) * j->n);
		j->bpf2ir = a->alloc(a->opaque, sizeof(*j->bpf2ir) *
				     (j->n + 1));
		if (!j->ii || !j->bpf2ir) {
			err = jit_error(j, -NFPE_ENOMEM, -1, "out of memory");
			goto out;
		}
	}
	err = pass_checks(j);
	if (err)
		goto out;
	err = find_subprogs(j);
	if (err)
		goto out;
	err = jit_analyse(j);
	if (err)
		goto out;
	err = sub_depths(j);
	if (err)
		goto out;
	err = frame_total(j, 0, 0);
	if (err)
		goto out;
	j->stack_size = j->sub[0].max_total;
	res->stats.stack_size = j->stack_size;
	res->stats.subprogs = j->nsub;
	if (j->stack_size > caps->stack_size) {
		err = jit_error(j, -NFPE_E2BIG, -1,
				"program needs %u bytes of stack (incl. call frames), device has %u",
				j->stack_size, caps->stack_size);
		goto out;
	}
	err = jit_codegen(j);
	if (err)
		goto out;
	err = layout(j);
out:
	if (j->ir)
		a->free(a->opaque, j->ir);
	if (j->ii)
		a->free(a->opaque, j->ii);
	if (j->bpf2ir)
		a->free(a->opaque, j->bpf2ir);
	a->free(a->opaque, j);
	return err;
}

void nfpe_jit_result_free(const struct nfpe_jit_alloc *a,
			  struct nfpe_jit_result *res)
{
	if (res->image)
		a->free(a->opaque, res->image);
	res->image = NULL;
	res->image_len = 0;
}
