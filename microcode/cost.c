/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cost.c - the cycle model (docs/isa.md "Cycle model").
 *
 * Every instruction has an issue cost (cycles the thread occupies the
 * core's pipeline) and a latency (cycles the thread then waits for a
 * memory unit or an engine, during which the core runs other threads).
 * The numbers are modelled loosely on the NFP-6xxx microengine: ALU one
 * cycle, multiply in steps, a taken branch costs a pipeline refill, local
 * memory a few cycles, packet memory in the cluster target memory (CTM)
 * tens of cycles, map memory in external memory (EMEM, behind a cache)
 * around a hundred and more, hash lookups in the lookup engine more still.
 */
#include "internal.h"

/* Issue costs. */
#define C_ALU		1
#define C_MUL		2
#define C_MULHU		3
#define C_DIV		16
#define C_DIV64		40
#define C_BRANCH	1	/* conditional, not taken; +1 when taken */
#define C_JUMP		2	/* br, call, ret: always taken */
#define C_MEM		1
#define C_AADD		2
#define C_CSR		1
#define C_ENG		1

/* Latencies (stall cycles). */
#define L_LM		0	/* hidden by the pipeline */
#define L_PKT_LD	20	/* CTM read */
#define L_PKT_ST	5	/* posted write, write-buffer drain */
#define L_MAP_LD	120	/* EMEM read through the cache */
#define L_MAP_ST	20	/* posted write */
#define L_MAP_AADD	150	/* atomic engine round trip */

#define L_ENG_LOOKUP	150
#define L_ENG_UPDATE	200
#define L_ENG_DELETE	150
#define L_ENG_RANDOM	10
#define L_ENG_KTIME	10
#define L_ENG_ADJ	10

uint32_t nfpe_insn_cost(uint8_t op)
{
	if (NFPE_OP_IS_MEM(op))
		return NFPE_OP_MEM_KIND(op) == 2 ? C_AADD : C_MEM;
	switch (op) {
	case NFPE_OP_MUL: case NFPE_OP_MULI:
		return C_MUL;
	case NFPE_OP_MULHU: case NFPE_OP_MULHUI:
		return C_MULHU;
	case NFPE_OP_DIVU: case NFPE_OP_DIVUI:
	case NFPE_OP_MODU: case NFPE_OP_MODUI:
		return C_DIV;
	case NFPE_OP_DIVU64: case NFPE_OP_DIVU64I:
	case NFPE_OP_MODU64: case NFPE_OP_MODU64I:
		return C_DIV64;
	case NFPE_OP_BR: case NFPE_OP_CALL: case NFPE_OP_RET:
		return C_JUMP;
	case NFPE_OP_CSRRD: case NFPE_OP_CSRWR:
		return C_CSR;
	case NFPE_OP_ENG:
		return C_ENG;
	default:
		if (op >= NFPE_OP_BEQ && op <= NFPE_OP_BCLRI)
			return C_BRANCH;
		return C_ALU;
	}
}

static uint32_t eng_base(uint32_t engine)
{
	switch (engine) {
	case NFPE_ENG_MAP_LOOKUP: return L_ENG_LOOKUP;
	case NFPE_ENG_MAP_UPDATE: return L_ENG_UPDATE;
	case NFPE_ENG_MAP_DELETE: return L_ENG_DELETE;
	case NFPE_ENG_RANDOM:     return L_ENG_RANDOM;
	case NFPE_ENG_KTIME:      return L_ENG_KTIME;
	case NFPE_ENG_ADJ_HEAD:
	case NFPE_ENG_ADJ_TAIL:
	case NFPE_ENG_ADJ_META:   return L_ENG_ADJ;
	default:                  return 0;
	}
}

uint32_t nfpe_insn_latency(uint8_t op, uint32_t engine)
{
	if (NFPE_OP_IS_MEM(op)) {
		uint32_t kind = NFPE_OP_MEM_KIND(op);

		switch (NFPE_OP_MEM_SPACE(op)) {
		case NFPE_SPACE_LM:
			return L_LM;
		case NFPE_SPACE_PKT:
			return kind == 0 ? L_PKT_LD : L_PKT_ST;
		default:
			return kind == 0 ? L_MAP_LD :
			       kind == 1 ? L_MAP_ST : L_MAP_AADD;
		}
	}
	if (op == NFPE_OP_ENG)
		return eng_base(engine);
	return 0;
}

/*
 * Map commands also pay for the bytes they move: the key is hashed and
 * compared one byte per cycle, a value moves 8 bytes per cycle.
 */
uint32_t nfpe__eng_latency(uint32_t engine, uint32_t key_size,
			   uint32_t value_size)
{
	return eng_base(engine) + key_size + (value_size + 7) / 8;
}

/*
 * A core interleaves `threads` packets.  One packet needs I issue cycles
 * and waits S stall cycles, so a thread completes a packet at best every
 * I + S cycles and T threads complete T per (I + S) cycles -- unless the
 * pipeline itself is the limit, one packet per I cycles.  Hence
 *   packets/cycle = min(1 / I, T / (I + S))
 * per core, times the cores and the clock.
 */
uint64_t nfpe_model_pps(const struct nfpe_caps *caps, uint64_t cycles,
			uint64_t stall, uint64_t packets)
{
	double issue, total, per_cycle, hz;

	if (!packets || !cycles)
		return 0;
	if (stall > cycles)
		stall = cycles;
	issue = (double)(cycles - stall);
	total = (double)cycles;
	if (issue < 1.0)
		issue = 1.0;
	per_cycle = (double)packets / issue;
	if ((double)caps->threads * (double)packets / total < per_cycle)
		per_cycle = (double)caps->threads * (double)packets / total;
	hz = (double)caps->clock_mhz * 1e6 * (double)caps->cores;
	return (uint64_t)(per_cycle * hz);
}
