/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jit-test-util.h - helpers of the JIT tests: eBPF instruction macros,
 * a device model (caps, maps, engines, one thread) and "JIT this array
 * with these facts, load the image, run it on a frame".
 */
#ifndef JIT_TEST_UTIL_H
#define JIT_TEST_UTIL_H

#include <glib.h>
#include "nfpe_jit_user.h"
#include "nfpe_mc.h"

/* ---- eBPF instructions ------------------------------------------- */
#define I(c, d, s, o, i) \
	((struct nfpe_bpf_insn){ .code = (c), .dst_reg = (d), \
				 .src_reg = (s), .off = (o), .imm = (i) })
#define ALU64_REG(op, d, s)	I(NFPE_BPF_ALU64 | (op) | NFPE_BPF_X, d, s, 0, 0)
#define ALU64_IMM(op, d, k)	I(NFPE_BPF_ALU64 | (op) | NFPE_BPF_K, d, 0, 0, k)
#define ALU32_REG(op, d, s)	I(NFPE_BPF_ALU | (op) | NFPE_BPF_X, d, s, 0, 0)
#define ALU32_IMM(op, d, k)	I(NFPE_BPF_ALU | (op) | NFPE_BPF_K, d, 0, 0, k)
#define MOV64_REG(d, s)		ALU64_REG(NFPE_BPF_MOV, d, s)
#define MOV64_IMM(d, k)		ALU64_IMM(NFPE_BPF_MOV, d, k)
#define ENDIAN(src, d, bits)	I(NFPE_BPF_ALU | NFPE_BPF_END | (src), d, 0, 0, bits)
#define LDX(sz, d, s, o)	I(NFPE_BPF_LDX | NFPE_BPF_MEM | (sz), d, s, o, 0)
#define STX(sz, d, s, o)	I(NFPE_BPF_STX | NFPE_BPF_MEM | (sz), d, s, o, 0)
#define ST(sz, d, o, k)		I(NFPE_BPF_ST | NFPE_BPF_MEM | (sz), d, 0, o, k)
#define AADD(sz, d, s, o)	I(NFPE_BPF_STX | NFPE_BPF_ATOMIC | (sz), d, s, o, NFPE_BPF_ADD)
#define LD_IMM64(d, v)		I(NFPE_BPF_LD | NFPE_BPF_IMM | NFPE_BPF_DW, d, 0, 0, (int32_t)(uint32_t)(uint64_t)(v)), \
				I(0, 0, 0, 0, (int32_t)(uint32_t)((uint64_t)(v) >> 32))
#define LD_MAP(d, slot)		I(NFPE_BPF_LD | NFPE_BPF_IMM | NFPE_BPF_DW, d, NFPE_BPF_PSEUDO_MAP_IDX, 0, slot), \
				I(0, 0, 0, 0, 0)
#define JMP_REG(op, d, s, o)	I(NFPE_BPF_JMP | (op) | NFPE_BPF_X, d, s, o, 0)
#define JMP_IMM(op, d, k, o)	I(NFPE_BPF_JMP | (op) | NFPE_BPF_K, d, 0, o, k)
#define JMP32_REG(op, d, s, o)	I(NFPE_BPF_JMP32 | (op) | NFPE_BPF_X, d, s, o, 0)
#define JMP32_IMM(op, d, k, o)	I(NFPE_BPF_JMP32 | (op) | NFPE_BPF_K, d, 0, o, k)
#define JA(o)			I(NFPE_BPF_JMP | NFPE_BPF_JA, 0, 0, o, 0)
#define CALL_HELPER(id)		I(NFPE_BPF_JMP | NFPE_BPF_CALL, 0, 0, 0, id)
#define CALL_SUB(rel)		I(NFPE_BPF_JMP | NFPE_BPF_CALL, 0, NFPE_BPF_PSEUDO_CALL, 0, rel)
#define EXIT()			I(NFPE_BPF_JMP | NFPE_BPF_EXIT, 0, 0, 0, 0)
#define LD_ABS(sz, k)		I(NFPE_BPF_LD | NFPE_BPF_ABS | (sz), 0, 0, 0, k)
#define LD_IND(sz, s, k)	I(NFPE_BPF_LD | NFPE_BPF_IND | (sz), 0, s, 0, k)

#define NOPT_SETS 8
extern const uint32_t jt_opt_sets[NOPT_SETS];	/* ALL, 0, ALL minus one */

/* ---- the device ---------------------------------------------------- */
struct jt_dev {
	struct nfpe_caps caps;
	struct nfpe_jit_caps jcaps;
	struct nfpe_maps *maps;
	struct nfpe_engine_ops ops;
	struct nfpe_env env;
	struct nfpe_thread *t;
	uint32_t map_ids[NFPE_IMAGE_MAX_MAPS];
	uint32_t n_maps;
	struct nfpe_jit_map jmaps[NFPE_IMAGE_MAX_MAPS];
	uint32_t random_val;
	uint64_t ktime;
};

extern const struct nfpe_alloc jt_alloc;
extern const struct nfpe_jit_alloc jt_jalloc;

struct jt_dev *jt_dev_new(void);
void jt_dev_free(struct jt_dev *d);
/* Create a device map and declare it as the next slot. */
uint32_t jt_dev_map(struct jt_dev *d, uint32_t type, uint32_t key,
		    uint32_t value, uint32_t entries);

/* A program to JIT: insns + facts computed by the front end analyzer. */
struct jt_prog {
	struct nfpe_bpf_insn insns[512];
	struct nfpe_jit_insn_facts facts[512];
	uint16_t depth[NFPE_IMAGE_MAX_ENTRIES];
	uint32_t n;
	uint32_t nsub;
	uint32_t type;
};

/* Analyze (front end) -> facts; returns 0 or the analyzer's error. */
int jt_analyze(struct jt_dev *d, struct jt_prog *p, char *err, size_t len);
/* JIT with opts; returns the core's rc, res filled (caller frees). */
int jt_jit(struct jt_dev *d, struct jt_prog *p, uint32_t opts,
	   struct nfpe_jit_result *res);
/*
 * Analyze + JIT + load + run on the frame.  Returns the run status;
 * ret gets the exit value.  Asserts that every step succeeds.
 */
uint32_t jt_run(struct jt_dev *d, struct jt_prog *p, uint32_t opts,
		const void *frame, uint32_t len, uint32_t *ret,
		struct nfpe_jit_stats *stats);

#endif /* JIT_TEST_UTIL_H */
