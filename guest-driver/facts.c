// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfp_ebpf: what the verifier's insn_hook records about one instruction
 * in one verifier state (docs/offload.md, "The verifier hooks").
 *
 * The hook (offload.c) calls nfpe_facts_record() with the registers of the
 * state being checked; an instruction is visited once per distinct state,
 * so a fact is kept only if it holds in every visit, and a memory operand
 * must have one pointer kind in all of them.
 */
#include <linux/kernel.h>
#include <linux/bpf.h>
#include <linux/bpf_verifier.h>

#include "facts.h"
#include "nfpe_jit.h"

u8 nfpe_ptr_kind(const struct bpf_reg_state *reg)
{
	switch (base_type(reg->type)) {
	case PTR_TO_CTX:
		return NFPE_PTR_CTX;
	case PTR_TO_STACK:
		return NFPE_PTR_STACK;
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
		return NFPE_PTR_PKT;
	case PTR_TO_MAP_VALUE:
		return NFPE_PTR_MAP_VALUE;
	default:
		return NFPE_PTR_NONE;
	}
}

const char *nfpe_ptr_name(u8 kind)
{
	static const char * const names[NFPE_PTR_NUM] = {
		[NFPE_PTR_NONE] = "unknown",
		[NFPE_PTR_STACK] = "stack",
		[NFPE_PTR_PKT] = "packet",
		[NFPE_PTR_MAP_VALUE] = "map value",
		[NFPE_PTR_CTX] = "context",
	};

	return kind < NFPE_PTR_NUM ? names[kind] : "unknown";
}

const char *nfpe_reg_type_name(const struct bpf_reg_state *reg)
{
	switch (base_type(reg->type)) {
	case SCALAR_VALUE:
		return "scalar";
	case CONST_PTR_TO_MAP:
		return "map";
	case PTR_TO_MAP_KEY:
		return "map key";
	case PTR_TO_PACKET_END:
		return "packet end";
	case PTR_TO_FLOW_KEYS:
		return "flow keys";
	case PTR_TO_SOCKET:
	case PTR_TO_SOCK_COMMON:
	case PTR_TO_TCP_SOCK:
		return "socket";
	case PTR_TO_MEM:
		return "memory";
	case PTR_TO_BTF_ID:
		return "kernel object";
	default:
		return "unsupported";
	}
}

/*
 * The value's high half is zero: a scalar below 2^32, or a pointer into
 * memory the device addresses with 32 bits (docs/jit.md: LM, PKT and MAP
 * addresses; the offline front end counts them the same way).
 */
static bool nfpe_reg_k32(const struct bpf_reg_state *reg)
{
	switch (base_type(reg->type)) {
	case SCALAR_VALUE:
		return reg->umax_value <= U32_MAX;
	case PTR_TO_CTX:
	case PTR_TO_STACK:
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
	case PTR_TO_PACKET_END:
	case PTR_TO_MAP_VALUE:
	case CONST_PTR_TO_MAP:
		return true;
	default:
		return false;
	}
}

/* Record one kind; a second, different kind at the same place refuses. */
static int nfpe_note_kind(u8 *slot, u8 kind, const char *what,
			  struct nfpe_facts_refusal *why)
{
	if (*slot && kind && *slot != kind) {
		why->old_kind = *slot;
		why->kind = kind;
		why->what = what;
		return NFPE_FACTS_MIXED;
	}
	if (kind)
		*slot = kind;
	return NFPE_FACTS_OK;
}

/**
 * nfpe_facts_record() - record the facts of one visit of an instruction
 * @m: the instruction's facts, updated
 * @insn: the instruction
 * @regs: the register state the verifier is about to check it in
 * @why: filled when the instruction is refused
 *
 * Memory accesses (LDX MEM: src_reg; ST/STX MEM and atomics: dst_reg)
 * record the base's pointer kind; helper calls the kinds of r2 and r3;
 * ALU and JMP instructions whether dst (and a register src) have a zero
 * high half (scalars below 2^32, device pointers), kept only while every
 * visit agrees.  @m is marked seen.
 *
 * Return: NFPE_FACTS_OK, or NFPE_FACTS_BAD_PTR / NFPE_FACTS_MIXED with
 * @why set (the facts of the refused visit are not recorded).
 */
int nfpe_facts_record(struct nfpe_bpf_meta *m, const struct bpf_insn *insn,
		      const struct bpf_reg_state *regs,
		      struct nfpe_facts_refusal *why)
{
	u8 cls = BPF_CLASS(insn->code), mode = BPF_MODE(insn->code), k32 = 0;
	int base = -1, ret;

	if (cls == BPF_LDX && mode == BPF_MEM)
		base = insn->src_reg;
	else if ((cls == BPF_ST || cls == BPF_STX) &&
		 (mode == BPF_MEM || mode == BPF_ATOMIC))
		base = insn->dst_reg;

	if (base >= 0) {
		u8 kind = nfpe_ptr_kind(&regs[base]);

		if (!kind) {
			why->reg = base;
			return NFPE_FACTS_BAD_PTR;
		}
		ret = nfpe_note_kind(&m->ptr, kind, "the memory operand", why);
		if (ret)
			return ret;
	}

	if (insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == 0) {
		ret = nfpe_note_kind(&m->arg_ptr[0],
				     nfpe_ptr_kind(&regs[BPF_REG_2]),
				     "the helper's second argument (r2)", why);
		if (!ret)
			ret = nfpe_note_kind(&m->arg_ptr[1],
					     nfpe_ptr_kind(&regs[BPF_REG_3]),
					     "the helper's third argument (r3)",
					     why);
		if (ret)
			return ret;
	}

	if (cls == BPF_ALU || cls == BPF_ALU64 || cls == BPF_JMP ||
	    cls == BPF_JMP32) {
		if (nfpe_reg_k32(&regs[insn->dst_reg]))
			k32 |= NFPE_FACT_DST32;
		if (BPF_SRC(insn->code) == BPF_X &&
		    nfpe_reg_k32(&regs[insn->src_reg]))
			k32 |= NFPE_FACT_SRC32;
	}
	/* a fact must hold in every state that reaches the instruction */
	m->k32 = m->seen ? (m->k32 & k32) : k32;
	m->seen = 1;
	return NFPE_FACTS_OK;
}
