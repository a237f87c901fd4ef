/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-x86jit.c - the x86-64 translator (microcode/x86jit.c) against the
 * interpreter.  Each program is loaded into two identical VMs (same
 * caps, same maps with the same contents), run on identical threads by
 * the interpreter in one and by the translation in the other, and
 * everything must be identical: status, verdict, fault pc and address,
 * instruction, cycle and stall counts, the whole thread (registers,
 * carry, CSRs, LM, PKT), MAP memory and the per-program counters.
 *
 * Programs: random ones from test-fused.c's generator (the fused pairs)
 * and from a generator over every opcode (ALU, funnel shifts, division,
 * every branch, call/ret to subprograms, exit, loads/stores/atomic adds
 * of every width on LM/PKT/MAP with faulting addresses, CSRs incl. the
 * cycle counter, every engine command on hash and array maps), with
 * small budgets now and then; and the benchmark programs of
 * tests/bench/bench-progs.c.  The interpreter's and the map engine's own
 * tests run again on the translation (test-interp-x86, test-maps-x86).
 */
#include <stdlib.h>
#include <string.h>
#include "mc-test-util.h"
#include "internal.h"
#include "x86jit.h"
#include "../bench/bench-progs.h"

/* test-fused.c's generator (rnd, insn, gen); its main is not ours */
int test_fused_main(int argc, char **argv);
#define main test_fused_main
#include "test-fused.c"
#undef main

#define X_PROGS		4000
#define X_MAX		64
#define X_MAP_MEM	8192

struct vmside {
	struct mct_vm vm;
	struct nfpe_prog *prog;
	struct nfpe_run_result res;
	uint32_t hash, arr;
	struct nfpe_maps *other;	/* maps the program is not bound to */
};

/*
 * Environments other than the load's (the translation prepares its
 * context for one env and must notice any other): 0 the VM's, 1 none,
 * 2 no caps, 3 no maps, 4 smaller stack and packet space, 5 another
 * budget, 6 other maps, 7 no engine ops.
 */
#define ENV_KINDS	8

static void run_env(struct vmside *s, uint32_t kind, uint32_t budget)
{
	struct nfpe_env env = s->vm.env;
	struct nfpe_caps caps = s->vm.caps;

	memset(&s->res, 0, sizeof(s->res));
	switch (kind) {
	case 1:
		nfpe_run(s->prog, NULL, s->vm.t, &s->res);
		return;
	case 2:
		env.caps = NULL;
		break;
	case 3:
		env.maps = NULL;
		break;
	case 4:
		caps.stack_size = 256;
		caps.pkt_size = 300;
		env.caps = &caps;
		break;
	case 5:
		caps.insn_budget = budget;
		env.caps = &caps;
		break;
	case 6:
		env.maps = s->other;
		break;
	case 7:
		env.ops = NULL;
		break;
	default:
		break;
	}
	nfpe_run(s->prog, &env, s->vm.t, &s->res);
}

static uint32_t stat_ok, stat_fault, stat_budget, stat_rejected;

static uint32_t budget_pick(void)
{
	return rnd(3) ? 100000 : 1 + rnd(60);
}

/* with_maps 1: the random programs' maps; 2: the benchmarks' (ids 1, 2) */
static void vm_setup(struct vmside *s, uint32_t budget, int with_maps)
{
	memset(s, 0, sizeof(*s));
	mct_vm_init(&s->vm, with_maps == 2 ? 16 * X_MAP_MEM : X_MAP_MEM);
	s->vm.caps.insn_budget = budget;
	s->other = nfpe_maps_create(&mct_alloc, 4096, 4, 1);
	g_assert_nonnull(s->other);
	if (with_maps == 2) {
		g_assert_cmpuint(mct_vm_map(&s->vm, NFPE_BPF_MAP_HASH, 16, 8,
					    1024), ==, 1);
		g_assert_cmpuint(mct_vm_map(&s->vm, NFPE_BPF_MAP_ARRAY, 4, 8,
					    4), ==, 2);
	} else if (with_maps) {
		uint64_t v = 0x1122334455667788ull;
		uint32_t k;

		s->hash = mct_vm_map(&s->vm, NFPE_BPF_MAP_HASH, 4, 8, 8);
		s->arr = mct_vm_map(&s->vm, NFPE_BPF_MAP_ARRAY, 4, 16, 4);
		g_assert_cmpuint(s->hash, ==, 1);
		g_assert_cmpuint(s->arr, ==, 2);
		for (k = 0; k < 3; k++) {
			g_assert_cmpint(nfpe_map_update(s->vm.maps, s->hash,
							&k, &v, 0), ==, 0);
			v += 0x0101;
		}
	}
}

static void vm_free(struct vmside *s)
{
	nfpe_maps_destroy(s->other);
	mct_vm_fini(&s->vm);
}

/*
 * Load img in both VMs (translated in x), run with the same registers
 * and packet, compare.  Returns 0 if the validator refused the image.
 * envs: each packet runs in a random environment (run_env).
 */
static int diff_run(const uint8_t *img, size_t len, int with_maps,
		    const uint8_t *frame, uint32_t flen, const uint32_t *gpr,
		    uint32_t carry, uint32_t budget, uint32_t packets,
		    int envs)
{
	struct vmside in, x;
	struct nfpe_prog_counters ci, cx;
	struct nfpe_verr err;
	uint8_t *mi, *mx;
	uint32_t szi = 0, szx = 0, k;
	int ret;

	vm_setup(&in, budget, with_maps);
	vm_setup(&x, budget, with_maps);
	ret = nfpe_prog_load(&mct_alloc, &in.vm.caps, in.vm.maps, img, len,
			     &in.prog, &err);
	if (ret) {
		vm_free(&in);
		vm_free(&x);
		if (stat_rejected++ < 3)
			g_test_message("refused: %s", err.msg);
		return 0;
	}
	nfpe_x86jit_enable(1);
	ret = nfpe_prog_load(&mct_alloc, &x.vm.caps, x.vm.maps, img, len,
			     &x.prog, &err);
	nfpe_x86jit_enable(0);
	g_assert_cmpint(ret, ==, 0);
	if (nfpe_prog_x86_status(x.prog))
		g_test_message("not translated: %s",
			       nfpe_prog_x86_status(x.prog));
	g_assert_null(nfpe_prog_x86_status(x.prog));
	g_assert_cmpint(nfpe_prog_set_exec(x.prog, NFPE_EXEC_X86), ==, 0);
	g_assert_cmpint(nfpe_prog_set_exec(in.prog, NFPE_EXEC_X86), ==,
			-NFPE_EOPNOTSUPP);
	for (k = 0; k < packets; k++) {
		g_assert_cmpint(nfpe_pkt_setup(in.vm.t, &in.vm.caps, frame,
					       flen, 0), ==, 0);
		g_assert_cmpint(nfpe_pkt_setup(x.vm.t, &x.vm.caps, frame,
					       flen, 0), ==, 0);
		if (k == 0) {
			memcpy(in.vm.t->gpr, gpr, NFPE_NUM_GPRS * 4);
			memcpy(x.vm.t->gpr, gpr, NFPE_NUM_GPRS * 4);
			in.vm.t->carry = x.vm.t->carry = carry;
		}
		if (envs) {
			uint32_t kind = rnd(ENV_KINDS), b = budget_pick();

			run_env(&in, kind, b);
			run_env(&x, kind, b);
		} else {
			mct_vm_run(&in.vm, in.prog, &in.res);
			mct_vm_run(&x.vm, x.prog, &x.res);
		}
		g_assert_cmpuint(in.res.status, ==, x.res.status);
		g_assert_cmpuint(in.res.ret, ==, x.res.ret);
		g_assert_cmpuint(in.res.fault_pc, ==, x.res.fault_pc);
		g_assert_cmpuint(in.res.fault_addr, ==, x.res.fault_addr);
		g_assert_cmpuint(in.res.insns, ==, x.res.insns);
		g_assert_cmpuint(in.res.cycles, ==, x.res.cycles);
		g_assert_cmpuint(in.res.stall, ==, x.res.stall);
		g_assert_true(memcmp(in.vm.t, x.vm.t, sizeof(*x.vm.t)) == 0);
		mi = nfpe_maps_mem(in.vm.maps, &szi);
		mx = nfpe_maps_mem(x.vm.maps, &szx);
		g_assert_cmpuint(szi, ==, szx);
		g_assert_true(memcmp(mi, mx, szi) == 0);
	}
	nfpe_prog_counters(in.prog, &ci);
	nfpe_prog_counters(x.prog, &cx);
	g_assert_true(memcmp(&ci, &cx, sizeof(ci)) == 0);
	stat_ok += x.res.status == NFPE_RUN_OK;
	stat_fault += x.res.status == NFPE_RUN_FAULT;
	stat_budget += x.res.status == NFPE_RUN_BUDGET;
	nfpe_prog_free(in.prog);
	nfpe_prog_free(x.prog);
	vm_free(&in);
	vm_free(&x);
	return 1;
}

static void random_state(uint8_t *frame, uint32_t *gpr)
{
	uint32_t j;

	for (j = 0; j < 128; j++)
		frame[j] = (uint8_t)rnd(256);
	for (j = 0; j < NFPE_NUM_GPRS; j++)
		gpr[j] = rnd(4) ? rnd(128) : rnd(0xffffffffu);
}


static void test_x86_fused_gen(void)
{
	uint32_t i;

	stat_ok = stat_fault = stat_budget = stat_rejected = 0;
	for (i = 0; i < 2000; i++) {
		uint64_t w[MAX_INSNS + 4];
		uint32_t gpr[NFPE_NUM_GPRS];
		uint8_t frame[128];
		size_t n = gen(w), len;
		uint8_t *img = mct_image_from_words(w, n, &len);

		random_state(frame, gpr);
		g_assert_true(diff_run(img, len, 0, frame, 14 + rnd(80), gpr,
				       rnd(2), budget_pick(), 1, 0));
		g_free(img);
	}
	g_test_message("2000 programs: %u ok, %u faults, %u out of budget",
		       stat_ok, stat_fault, stat_budget);
	g_assert_cmpuint(stat_ok, >, 200);
	g_assert_cmpuint(stat_fault, >, 200);
	g_assert_cmpuint(stat_budget, >, 100);
}

/* ---- a generator over every opcode -------------------------------- */

static uint32_t rimm(void)
{
	static const uint32_t edge[] = { 0, 1, 31, 32, 0x7fffffff,
		0x80000000u, 0xffffffffu, 0xfffffffeu, 64, 255 };

	return rnd(3) ? rnd(200) : rnd(2) ? edge[rnd(10)] :
	       rnd(0xffffffffu);
}

static uint8_t rreg(void)
{
	return rnd(10) ? (uint8_t)rnd(8) : rnd(2) ? 20 : (uint8_t)RZ;
}

static uint8_t dreg(void)
{
	uint32_t r = rnd(8);

	/* keep r2 (pkt_data), r20 (LM frame), r10 (a map value) bases */
	return (uint8_t)(r == 2 && rnd(4) ? 9 : r);
}

static uint64_t any_alu(void)
{
	static const uint8_t rr[] = { NFPE_OP_ADD, NFPE_OP_ADDC, NFPE_OP_SUB,
		NFPE_OP_SUBB, NFPE_OP_AND, NFPE_OP_OR, NFPE_OP_XOR,
		NFPE_OP_SHL, NFPE_OP_SHR, NFPE_OP_ASR, NFPE_OP_MUL,
		NFPE_OP_MULHU, NFPE_OP_DIVU, NFPE_OP_MODU };
	static const uint8_t ri[] = { NFPE_OP_ADDI, NFPE_OP_ADDCI,
		NFPE_OP_SUBI, NFPE_OP_SUBBI, NFPE_OP_RSUBI, NFPE_OP_RSUBBI,
		NFPE_OP_ANDI, NFPE_OP_ORI, NFPE_OP_XORI, NFPE_OP_MULI,
		NFPE_OP_MULHUI, NFPE_OP_DIVUI, NFPE_OP_MODUI };
	static const uint8_t sh[] = { NFPE_OP_SHLI, NFPE_OP_SHRI,
		NFPE_OP_ASRI, NFPE_OP_DSHLI, NFPE_OP_DSHRI };
	uint8_t d = dreg(), a = rreg(), b = rreg();

	switch (rnd(9)) {
	case 0: case 1: case 2:
		return MCT_ENC_R(rr[rnd(sizeof(rr))], d, a, b, 0);
	case 3: case 4:
		return MCT_ENC_R(ri[rnd(sizeof(ri))], d, a, 0, rimm());
	case 5: {
		uint8_t op = sh[rnd(sizeof(sh))];

		return MCT_ENC_R(op, d, a, op >= NFPE_OP_DSHLI ? b : 0,
				 rnd(32));
	}
	case 6:
		return MCT_ENC_R(rnd(2) ? NFPE_OP_DSHL : NFPE_OP_DSHR, d, a, b,
				 rreg());
	case 7: {
		static const uint8_t p[] = { NFPE_OP_DIVU64, NFPE_OP_DIVU64I,
			NFPE_OP_MODU64, NFPE_OP_MODU64I };
		uint8_t op = p[rnd(4)];

		return MCT_ENC_R(op, (uint8_t)(rnd(4) * 2), (uint8_t)rnd(7),
				 op & 1 ? 0 : (uint8_t)rnd(7),
				 op & 1 ? rimm() : 0);
	}
	default:
		switch (rnd(4)) {
		case 0: return MCT_ENC_R(NFPE_OP_MOV, d, a, 0, 0);
		case 1: return MCT_ENC_R(NFPE_OP_IMMED, d, 0, 0, rimm());
		case 2: return MCT_ENC_R(NFPE_OP_BSWAP16, d, a, 0, 0);
		default: return MCT_ENC_R(NFPE_OP_BSWAP32, d, a, 0, 0);
		}
	}
}

static uint64_t any_mem(void)
{
	uint32_t kind = rnd(3), lg = rnd(4), sp = rnd(3), op, imm;
	uint8_t a, d = dreg(), b = rreg(), c;

	if (kind == 2) {		/* aadd: 32/64 on LM and MAP */
		lg = 2 + rnd(2);
		sp = rnd(2) ? NFPE_SPACE_LM : NFPE_SPACE_MAP;
	}
	op = 0x80 | kind << 4 | sp << 2 | lg;
	if (lg == 3 && d > 6)
		d = 6;
	if (sp == NFPE_SPACE_LM && rnd(3) == 0 && kind < 2) {
		/* absolute: inside the 512-byte stack */
		a = (uint8_t)RZ;
		imm = rnd(512 - 8) & ~((1u << lg) - 1);
	} else if (sp == NFPE_SPACE_LM) {
		a = rnd(4) ? 20 : rreg();
		imm = rnd(4) ? 0xffffffc0u + rnd(64) : rimm();
	} else if (sp == NFPE_SPACE_PKT) {
		a = rnd(5) ? 2 : rreg();
		imm = rnd(6) ? rnd(80) : rimm();
	} else {
		a = rnd(3) ? 10 : rreg();
		imm = rnd(3) ? rnd(24) : rimm();
	}
	c = b;
	if (kind == 0)
		return MCT_ENC_R(op, d, a, 0, imm);
	if (lg == 3 && c != (uint8_t)RZ && c > 6)
		b = 6;
	return MCT_ENC_R(op, 0, a, b, imm);
}

static uint64_t any_csr(void)
{
	static const uint8_t wr[] = { NFPE_CSR_MARK, NFPE_CSR_PRIORITY,
				      NFPE_CSR_TC_INDEX };

	if (rnd(3))
		return MCT_ENC_R(NFPE_OP_CSRRD, dreg(), 0, 0,
				 rnd(2) ? NFPE_CSR_CYCLES : rnd(NFPE_CSR_NUM));
	return MCT_ENC_R(NFPE_OP_CSRWR, 0, rreg(), 0, wr[rnd(3)]);
}

/* An engine command with its arguments set up in r12, r14, r16, r18. */
static uint32_t any_eng(struct mct_image *im)
{
	uint32_t eng = 1 + rnd(NFPE_ENG_NUM - 1);
	uint8_t flags = 0, d = rnd(2) ? 10 : (uint8_t)(rnd(4) * 2);

	mct_emit(im, MCT_R(IMMED, 12, 0, 0, rnd(8) ? rnd(2) :
			   rnd(2) ? 2 : rimm()));
	if (eng >= NFPE_ENG_ADJ_HEAD)
		mct_emit(im, MCT_R(IMMED, 12, 0, 0, rnd(3) ? rnd(40) - 20 :
				   rimm()));
	/* key in LM (r20 - 16), or in PKT at pkt_data */
	if (rnd(4)) {
		mct_emit(im, MCT_R(ADDI, 14, 20, 0, 0xfffffff0u));
		mct_emit(im, MCT_R(ST_LM32, 0, 14, rreg(), 0));
	} else {
		mct_emit(im, MCT_R(MOV, 14, rnd(6) ? 2 : rreg(), 0, 0));
		flags = NFPE_SPACE_PKT;
	}
	if (eng == NFPE_ENG_MAP_UPDATE) {
		uint32_t vs = rnd(3);

		mct_emit(im, MCT_R(MOV, 16, vs == 0 ? 20 : vs == 1 ? 2 : 10,
				   0, 0));
		if (vs == 0)
			mct_emit(im, MCT_R(ADDI, 16, 16, 0, 0xffffffe0u));
		flags |= (uint8_t)(vs << NFPE_ENG_F_VAL_SHIFT);
		mct_emit(im, MCT_R(IMMED, 18, 0, 0, rnd(4) ? 0 : rnd(4)));
	}
	return mct_eng(im, d, 12, eng, eng <= NFPE_ENG_MAP_DELETE ||
		       eng == NFPE_ENG_MAP_UPDATE ? flags : 0);
}

static uint8_t *gen_all(size_t *len, int *with_maps)
{
	struct mct_image *im = mct_image_new(NFPE_PROG_XDP);
	uint32_t n = 12 + rnd(X_MAX - 12), sub = 0, i, pc;
	uint32_t br_at[X_MAX * 2], br_n = 0, subs[4], n_subs = 0;
	uint8_t *img;

	*with_maps = 1;
	g_assert_cmpuint(mct_map(im, 1, NFPE_BPF_MAP_HASH, 4, 8, 8), ==, 0);
	g_assert_cmpuint(mct_map(im, 2, NFPE_BPF_MAP_ARRAY, 4, 16, 4), ==, 1);
	mct_entry(im, 0, NFPE_ENTRY_MAIN);
	mct_emit(im, MCT_R(CSRRD, 2, 0, 0, NFPE_CSR_PKT_DATA));
	mct_emit(im, MCT_R(IMMED, 20, 0, 0, 64 + 4 * rnd(100)));
	/* r10: a MAP address (a lookup in the array map, maybe 0) */
	mct_emit(im, MCT_R(IMMED, 12, 0, 0, 1));
	mct_emit(im, MCT_R(ADDI, 14, 20, 0, 0xfffffff8u));
	mct_emit(im, MCT_R(IMMED, 15, 0, 0, rnd(5)));
	mct_emit(im, MCT_R(ST_LM32, 0, 14, 15, 0));
	mct_eng(im, 10, 12, NFPE_ENG_MAP_LOOKUP, 0);
	while (mct_pc(im) < n) {
		uint32_t r = rnd(20);

		if (r < 6)
			mct_emit(im, any_alu());
		else if (r < 11)
			mct_emit(im, any_mem());
		else if (r < 13)
			mct_emit(im, any_csr());
		else if (r < 14)
			any_eng(im);
		else if (r < 18) {
			/* branch or jump: target patched at the end */
			br_at[br_n++] = mct_emit(im, 0);
		} else if (r < 19 && sub < 3) {
			br_at[br_n++] = mct_emit(im, 0);	/* call */
			sub++;
		} else {
			mct_emit(im, rnd(2) ? MCT_R(RET, 0, 0, 0, 0) :
				 MCT_R(EXIT, 0, rreg(), 0, 0));
		}
	}
	mct_emit(im, MCT_R(EXIT, 0, rreg(), 0, 0));
	/* subprograms: instructions after an exit or ret, or anywhere */
	n = mct_pc(im);
	for (i = 0; i < sub; i++) {
		subs[n_subs] = 1 + rnd(n - 1);
		mct_entry(im, subs[n_subs++], NFPE_ENTRY_SUBPROG);
	}
	for (i = 0; i < br_n; i++) {
		uint32_t tgt = rnd(n), k = rnd(28);

		pc = br_at[i];
		if (k < 24) {
			uint8_t op = (uint8_t)(NFPE_OP_BEQ + k);

			mct_patch(im, pc, op & 1 ?
				  MCT_ENC_B(op, rreg(), tgt, rnd(3) ? rnd(8) :
					    rimm()) :
				  MCT_ENC_B(op, rreg(), tgt, rreg()));
		} else if (k < 26 || !n_subs) {
			mct_patch(im, pc, MCT_ENC_B(NFPE_OP_BR, 0, tgt, 0));
		} else {
			mct_patch(im, pc, MCT_ENC_B(NFPE_OP_CALL, 0,
						    subs[rnd(n_subs)], 0));
		}
	}
	img = mct_image_build(im, len);
	mct_image_free(im);
	return img;
}

/*
 * n_progs programs of gen_all, each on first_pkts + rnd(pkt_spread)
 * packets (each in another environment with envs), every other one
 * translated without BMI2 with flip_bmi2; returns the programs run.
 */
static uint32_t run_gen_all(uint32_t n_progs, uint32_t first_pkts,
			    uint32_t pkt_spread, int envs, int flip_bmi2)
{
	uint32_t i, runs = 0;

	stat_ok = stat_fault = stat_budget = stat_rejected = 0;
	for (i = 0; i < n_progs; i++) {
		uint32_t gpr[NFPE_NUM_GPRS];
		uint8_t frame[128];
		int with_maps;
		size_t len;
		uint8_t *img = gen_all(&len, &with_maps);

		nfpe__x86jit_no_bmi2 = flip_bmi2 && (i & 1);
		random_state(frame, gpr);
		runs += (uint32_t)diff_run(img, len, with_maps, frame,
					   14 + rnd(100), gpr, rnd(2),
					   budget_pick(),
					   first_pkts + rnd(pkt_spread), envs);
		g_free(img);
	}
	nfpe__x86jit_no_bmi2 = 0;
	return runs;
}

/* NFPE_X86JIT_PROGS=N: N programs instead (a longer run by hand) */
static void test_x86_all_ops(void)
{
	const char *env = g_getenv("NFPE_X86JIT_PROGS");
	uint32_t n_progs = env ? (uint32_t)atoi(env) : X_PROGS;
	uint32_t runs = run_gen_all(n_progs, 1, 3, 0, 0);

	g_test_message("%u programs: %u refused by the validator, %u ok, "
		       "%u faults, %u out of budget (last packet)", n_progs,
		       stat_rejected, stat_ok, stat_fault, stat_budget);
	g_assert_cmpuint(runs, >, n_progs / 2);
	g_assert_cmpuint(stat_ok, >, n_progs / 10);
	g_assert_cmpuint(stat_fault, >, n_progs / 10);
	g_assert_cmpuint(stat_budget, >, n_progs / 20);
}

/*
 * Each packet in another environment (run_env), so the translation
 * switches between prepared contexts; every other program translated
 * without BMI2 (the register shifts through cl).
 */
static void test_x86_envs(void)
{
	uint32_t n_progs = 1500;
	uint32_t runs = run_gen_all(n_progs, 2, 4, 1, 1);

	g_test_message("%u programs: %u ok, %u faults, %u out of budget "
		       "(last packet)", n_progs, stat_ok, stat_fault,
		       stat_budget);
	g_assert_cmpuint(runs, >, n_progs / 2);
	g_assert_cmpuint(stat_ok, >, n_progs / 20);
	g_assert_cmpuint(stat_fault, >, n_progs / 10);
	g_assert_cmpuint(stat_budget, >, n_progs / 20);
}

/*
 * The largest translations per instruction back to back: 1500 map
 * lookups with the key in MAP space (the largest), then 1500 of div64,
 * atomic adds on MAP and taken branches.  The code buffer must hold
 * them (else the program stays interpreted, and diff_run fails).
 */
static void test_x86_big(void)
{
	struct mct_image *im = mct_image_new(NFPE_PROG_XDP);
	uint32_t gpr[NFPE_NUM_GPRS] = { 0 }, k;
	uint8_t frame[64] = { 0 };
	uint8_t *img;
	size_t len;

	g_assert_cmpuint(mct_map(im, 1, NFPE_BPF_MAP_HASH, 4, 8, 8), ==, 0);
	g_assert_cmpuint(mct_map(im, 2, NFPE_BPF_MAP_ARRAY, 4, 16, 4), ==, 1);
	mct_entry(im, 0, NFPE_ENTRY_MAIN);
	mct_emit(im, MCT_R(IMMED, 12, 0, 0, 1));
	mct_emit(im, MCT_R(IMMED, 14, 0, 0, 100));
	for (k = 0; k < 3000; k++) {
		switch (k < 1500 ? 0 : k % 4) {
		case 0:
			mct_eng(im, 10, 12, NFPE_ENG_MAP_LOOKUP,
				NFPE_ENG_FLAGS(NFPE_SPACE_MAP, 0));
			break;
		case 1:
			mct_emit(im, MCT_R(DIVU64I, 4, 2, 0, 7));
			break;
		case 2:
			mct_emit(im, MCT_R(AADD_MAP64, 0, 14, 4, 0));
			break;
		default:
			mct_emit(im, MCT_ENC_B(NFPE_OP_BNEI, 12, mct_pc(im) + 1,
					       5));
			break;
		}
	}
	mct_emit(im, MCT_R(EXIT, 0, 10, 0, 0));
	img = mct_image_build(im, &len);
	mct_image_free(im);
	g_assert_true(diff_run(img, len, 1, frame, sizeof(frame), gpr, 0,
			       100000, 2, 0));
	g_free(img);
}

/* The benchmark programs, on a few frames each. */
static void test_x86_bench_progs(void)
{
	uint32_t k, lens[] = { 42, 64, 60, 128, 14 };

	for (k = 0; k < 5 * 5; k++) {
		struct mct_image *im;
		uint32_t gpr[NFPE_NUM_GPRS] = { 0 };
		uint8_t frame[128];
		size_t len;
		uint8_t *img;
		int maps = 2;

		switch (k % 5) {
		case 0: im = bench_prog_drop(); break;
		case 1: im = bench_prog_count(2); break;
		case 2: im = bench_prog_macswap(); break;
		case 3: im = bench_prog_csum(); break;
		default: im = bench_prog_firewall(1); break;
		}
		img = mct_image_build(im, &len);
		mct_image_free(im);
		bench_udp_frame(frame, lens[k / 5] < 42 ? 42 : lens[k / 5],
				(uint16_t)(53 + k));
		g_assert_true(diff_run(img, len, maps, frame, lens[k / 5], gpr,
				       0, 100000, 4, 0));
		g_free(img);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	(void)test_fused_main;
	g_test_add_func("/x86jit/fused-gen", test_x86_fused_gen);
	g_test_add_func("/x86jit/all-ops", test_x86_all_ops);
	g_test_add_func("/x86jit/bench-progs", test_x86_bench_progs);
	g_test_add_func("/x86jit/envs", test_x86_envs);
	g_test_add_func("/x86jit/big", test_x86_big);
	return g_test_run();
}
