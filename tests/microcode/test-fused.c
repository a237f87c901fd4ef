/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-fused.c - the interpreter's superinstructions (fused handlers,
 * microcode/interp.c NFPE_FUSED2/3) against the plain handlers: random
 * programs built from the fused pairs, runs of single instructions,
 * faults in either half of a pair, branches landing inside a pair and
 * small instruction budgets.  Each program is loaded twice, with and
 * without fusion (nfpe__interp_no_fuse), and run on identical threads:
 * the results (status, verdict, fault pc and address, instruction,
 * cycle and stall counts), the whole thread state (registers, carry,
 * CSRs, LM, PKT) and MAP memory must be identical.
 */
#include <string.h>
#include "mc-test-util.h"
#include "internal.h"

#define N_PROGS		3000
#define MAX_INSNS	48
#define MAP_MEM		4096

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 32) % n;
}

/* r0..r7 and r20 (the JIT's frame pointer): lots of dependencies */
static uint8_t reg(void)
{
	uint32_t r = rnd(9);

	return r == 8 ? 20 : (uint8_t)r;
}

static uint32_t pkt_off(void)
{
	/* mostly in the frame, sometimes past its end or the space */
	static const uint32_t far[] = { 90, 4000, 16380, 16383, 70000 };

	return rnd(8) ? rnd(70) : far[rnd(5)];
}

/*
 * One instruction of handler kind k at pc with targets below n.
 * Packet accesses use r2 (pkt_data) as base mostly; a random base
 * faults now and then, in either half of a pair.
 */
enum kind {
	K_MOV, K_IMMED, K_ADD, K_ADDI, K_ADDC, K_ADDCI, K_ANDI, K_OR,
	K_SHLI, K_SHRI, K_CSRRD, K_LD_PKT8, K_LD_PKT16, K_LD_PKT32,
	K_LD_MAP8, K_ST_PKT8, K_ST_LM16, K_ST_LM32, K_BGT, K_BNEI, K_BEQI,
	K_NUM
};

static uint8_t pkt_base(void)
{
	return rnd(6) ? 2 : reg();
}

static uint64_t insn(enum kind k, uint32_t pc, uint32_t n)
{
	uint8_t d = reg(), a = reg(), b = reg();
	uint32_t tgt = rnd(n);

	/* r2 and r20 stay bases most of the time */
	if ((d == 2 || d == 20) && rnd(4))
		d = (uint8_t)rnd(2);
	switch (k) {
	case K_MOV:	return MCT_R(MOV, d, a, 0, 0);
	case K_IMMED:	return MCT_R(IMMED, d, 0, 0, rnd(4) ? rnd(300) :
				      0xfffffff0u + rnd(16));
	case K_ADD:	return MCT_R(ADD, d, a, b, 0);
	case K_ADDI:	return MCT_R(ADDI, d, a, 0, rnd(2) ? rnd(64) :
				     0xffffffffu - rnd(64));
	case K_ADDC:	return MCT_R(ADDC, d, a, b, 0);
	case K_ADDCI:	return MCT_R(ADDCI, d, a, 0, rnd(2) ? 0 : 0xffffffffu);
	case K_ANDI:	return MCT_R(ANDI, d, a, 0, rnd(2) ? 0xff : 0xf0f0);
	case K_OR:	return MCT_R(OR, d, a, b, 0);
	case K_SHLI:	return MCT_R(SHLI, d, a, 0, rnd(32));
	case K_SHRI:	return MCT_R(SHRI, d, a, 0, rnd(32));
	case K_CSRRD:	return MCT_R(CSRRD, d, 0, 0, rnd(NFPE_CSR_NUM));
	case K_LD_PKT8:	return MCT_R(LD_PKT8, d, pkt_base(), 0, pkt_off());
	case K_LD_PKT16: return MCT_R(LD_PKT16, d, pkt_base(), 0, pkt_off());
	case K_LD_PKT32: return MCT_R(LD_PKT32, d, pkt_base(), 0, pkt_off());
	case K_LD_MAP8:	return MCT_R(LD_MAP8, d, a, 0, rnd(3) ?
				     64 + rnd(MAP_MEM) : rnd(64));
	case K_ST_PKT8:	return MCT_R(ST_PKT8, 0, pkt_base(), b, pkt_off());
	case K_ST_LM16:	return MCT_R(ST_LM16, 0, 20, b, rnd(4) ?
				     0xffffffc0u + 2 * rnd(32) : 600);
	case K_ST_LM32:	return MCT_R(ST_LM32, 0, 20, b, rnd(4) ?
				     0xffffffc0u + 4 * rnd(16) : 600);
	case K_BGT:	return MCT_B(BGT, a, tgt, b);
	case K_BNEI:	return MCT_B(BNEI, a, tgt, rnd(3) ? rnd(4) : 8);
	case K_BEQI:	return MCT_B(BEQI, a, tgt, rnd(3) ? rnd(4) : 8);
	default:	break;
	}
	g_assert_not_reached();
}

/* The pairs and the triple of interp.c, so every fused handler runs. */
static const uint8_t groups[][3] = {
	{ K_LD_PKT8, K_ST_PKT8, K_NUM }, { K_ST_PKT8, K_LD_PKT8, K_NUM },
	{ K_LD_MAP8, K_ST_PKT8, K_NUM }, { K_ST_PKT8, K_LD_MAP8, K_NUM },
	{ K_IMMED, K_IMMED, K_NUM }, { K_IMMED, K_MOV, K_NUM },
	{ K_MOV, K_IMMED, K_NUM }, { K_MOV, K_ADDI, K_NUM },
	{ K_ADDI, K_BGT, K_NUM }, { K_MOV, K_ANDI, K_NUM },
	{ K_ANDI, K_SHRI, K_NUM }, { K_MOV, K_SHRI, K_NUM },
	{ K_SHRI, K_ST_PKT8, K_NUM }, { K_LD_PKT8, K_SHLI, K_NUM },
	{ K_SHLI, K_OR, K_NUM }, { K_CSRRD, K_CSRRD, K_NUM },
	{ K_CSRRD, K_MOV, K_NUM }, { K_LD_PKT32, K_ST_LM32, K_NUM },
	{ K_LD_PKT16, K_ST_LM16, K_NUM }, { K_LD_PKT8, K_BNEI, K_NUM },
	{ K_LD_PKT8, K_BEQI, K_NUM }, { K_LD_PKT16, K_BNEI, K_NUM },
	{ K_LD_PKT16, K_BEQI, K_NUM }, { K_ADD, K_ADDC, K_NUM },
	{ K_ADDI, K_ADDCI, K_NUM }, { K_MOV, K_ADDI, K_BGT },
};

static size_t gen(uint64_t *w)
{
	size_t n = 0, limit = 8 + rnd(MAX_INSNS - 12);

	w[n++] = MCT_R(CSRRD, 2, 0, 0, NFPE_CSR_PKT_DATA);
	w[n++] = MCT_R(IMMED, 20, 0, 0, 64 + 4 * rnd(100));
	while (n < limit) {
		const uint8_t *g = groups[rnd(G_N_ELEMENTS(groups))];
		size_t k;

		if (rnd(4) == 0) {
			w[n] = insn((enum kind)rnd(K_NUM), (uint32_t)n, limit);
			n++;
			continue;
		}
		for (k = 0; k < 3 && g[k] != K_NUM && n < limit; k++) {
			w[n] = insn((enum kind)g[k], (uint32_t)n, limit);
			n++;
		}
	}
	w[n++] = MCT_R(EXIT, 0, reg(), 0, 0);
	return n;
}

struct side {
	struct mct_vm vm;
	struct nfpe_prog *prog;
	struct nfpe_run_result res;
};

static void side_run(struct side *s, const uint8_t *img, size_t len,
		     int no_fuse, const uint8_t *frame, uint32_t flen,
		     const uint32_t *gpr, uint32_t carry, uint32_t budget)
{
	mct_vm_init(&s->vm, MAP_MEM);
	s->vm.caps.insn_budget = budget;
	nfpe__interp_no_fuse = no_fuse;
	s->prog = mct_vm_load(&s->vm, img, len);
	nfpe__interp_no_fuse = 0;
	memcpy(s->vm.t->gpr, gpr, NFPE_NUM_GPRS * sizeof(uint32_t));
	s->vm.t->carry = carry;
	mct_vm_run_pkt(&s->vm, s->prog, frame, flen, &s->res);
}

static void side_fini(struct side *s)
{
	nfpe_prog_free(s->prog);
	mct_vm_fini(&s->vm);
}

static uint32_t count_fused(const struct side *f, const struct side *p)
{
	uint32_t i, n = 0;

	for (i = 0; i < f->prog->n_insns; i++)
		n += f->prog->code[i].h != p->prog->code[i].h;
	return n;
}

static void test_fused_random(void)
{
	uint32_t i, fused = 0, faults = 0, budgets = 0, oks = 0;

	for (i = 0; i < N_PROGS; i++) {
		uint64_t w[MAX_INSNS + 4];
		uint32_t gpr[NFPE_NUM_GPRS], j, flen = 14 + rnd(80);
		uint32_t budget = rnd(3) ? 100000 : 1 + rnd(60);
		uint8_t frame[128], *mf, *mp;
		uint32_t msz = 0, psz = 0;
		struct side f, p;
		size_t n = gen(w), len;
		uint8_t *img = mct_image_from_words(w, n, &len);

		for (j = 0; j < sizeof(frame); j++)
			frame[j] = (uint8_t)rnd(256);
		for (j = 0; j < NFPE_NUM_GPRS; j++)
			gpr[j] = rnd(4) ? rnd(128) : rnd(0xffffffffu);
		j = rnd(2);
		side_run(&f, img, len, 0, frame, flen, gpr, j, budget);
		side_run(&p, img, len, 1, frame, flen, gpr, j, budget);
		fused += count_fused(&f, &p);
		g_assert_cmpuint(f.res.status, ==, p.res.status);
		g_assert_cmpuint(f.res.ret, ==, p.res.ret);
		g_assert_cmpuint(f.res.fault_pc, ==, p.res.fault_pc);
		g_assert_cmpuint(f.res.fault_addr, ==, p.res.fault_addr);
		g_assert_cmpuint(f.res.insns, ==, p.res.insns);
		g_assert_cmpuint(f.res.cycles, ==, p.res.cycles);
		g_assert_cmpuint(f.res.stall, ==, p.res.stall);
		g_assert_true(memcmp(f.vm.t, p.vm.t, sizeof(*f.vm.t)) == 0);
		mf = nfpe_maps_mem(f.vm.maps, &msz);
		mp = nfpe_maps_mem(p.vm.maps, &psz);
		g_assert_cmpuint(msz, ==, psz);
		g_assert_true(memcmp(mf, mp, msz) == 0);
		faults += f.res.status == NFPE_RUN_FAULT;
		budgets += f.res.status == NFPE_RUN_BUDGET;
		oks += f.res.status == NFPE_RUN_OK;
		side_fini(&f);
		side_fini(&p);
		g_free(img);
	}
	g_test_message("%u programs: %u ok, %u faults, %u out of budget; "
		       "%u fused handlers", N_PROGS, oks, faults, budgets,
		       fused);
	/* the comparison means something only if all three happen */
	g_assert_cmpuint(fused, >, N_PROGS);
	g_assert_cmpuint(oks, >, N_PROGS / 10);
	g_assert_cmpuint(faults, >, N_PROGS / 10);
	g_assert_cmpuint(budgets, >, N_PROGS / 20);
}

/*
 * Hand-made: the second half of a fused pair faults; the report names
 * the second instruction and counts exactly the instructions up to it.
 */
static void test_fused_fault_second(void)
{
	const uint64_t w[] = {
		MCT_R(CSRRD, 2, 0, 0, NFPE_CSR_PKT_DATA),	/* 0 */
		MCT_R(LD_PKT8, 3, 2, 0, 0),			/* 1 */
		MCT_R(ST_PKT8, 0, 2, 3, 20000),			/* 2: faults */
		MCT_R(EXIT, 0, 3, 0, 0),
	};
	struct side f, p;
	uint32_t gpr[NFPE_NUM_GPRS] = { 0 };
	uint8_t frame[64] = { 0x5a };
	size_t len;
	uint8_t *img = mct_image_from_words(w, G_N_ELEMENTS(w), &len);

	side_run(&f, img, len, 0, frame, sizeof(frame), gpr, 0, 100000);
	side_run(&p, img, len, 1, frame, sizeof(frame), gpr, 0, 100000);
	g_assert_true(f.prog->code[1].h != p.prog->code[1].h);
	g_assert_cmpuint(f.res.status, ==, NFPE_RUN_FAULT);
	g_assert_cmpuint(f.res.fault_pc, ==, 2);
	g_assert_cmpuint(f.res.insns, ==, 3);
	g_assert_cmpuint(f.vm.t->gpr[3], ==, 0x5a);
	g_assert_cmpuint(f.res.cycles, ==, p.res.cycles);
	g_assert_cmpuint(f.res.insns, ==, p.res.insns);
	side_fini(&f);
	side_fini(&p);
	g_free(img);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/fused/random", test_fused_random);
	g_test_add_func("/fused/fault-second", test_fused_fault_second);
	return g_test_run();
}
