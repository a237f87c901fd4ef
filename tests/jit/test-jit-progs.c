// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-jit-progs.c - real BPF objects (tests/jit/progs/, built by clang)
 * through the whole userspace path: libbpf front end, abstract
 * interpreter, JIT core, image loader, interpreter; every optimisation
 * set must give the same verdicts, packets and map contents.  Refused
 * programs must be refused with their message.  The static instruction
 * counts with and without optimisations are printed for docs/jit.md.
 */
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include "jit-test-util.h"

struct loaded {
	struct jt_dev *d;
	struct nfpe_jit_obj *obj;
	struct nfpe_jit_input in;
	struct nfpe_prog *prog;
	uint32_t mc_insns;
};

static char *obj_path(const char *name)
{
	const char *dir = g_getenv("NFPE_JIT_PROGS");

	return g_strdup_printf("%s/%s.bpf.o", dir ? dir : ".", name);
}

static bool used_maps_only;

static int prepare(const char *obj, const char *prog, struct loaded *l,
		   char *err, size_t len)
{
	char *path = obj_path(obj);
	int idx, rc;

	memset(l, 0, sizeof(*l));
	rc = nfpe_jit_obj_open(path, &l->obj, err, len);
	g_free(path);
	if (rc)
		return rc;
	idx = nfpe_jit_obj_find(l->obj, NULL, prog);
	g_assert_cmpint(idx, >=, 0);
	nfpe_jit_obj_set_used_maps(l->obj, used_maps_only);
	return nfpe_jit_obj_prepare(l->obj, idx, &l->in, err, len);
}

/* The disassembly assembles back to the same code. */
static void check_round_trip(const struct nfpe_jit_result *res)
{
	const struct nfpe_image_hdr *h = (const void *)res->image, *h2;
	size_t need = nfpe_disasm_image(res->image, res->image_len, NULL, 0);
	char *text = g_malloc(need + 1);
	struct nfpe_asm_err aerr;
	uint8_t *img = NULL;
	size_t len = 0;

	nfpe_disasm_image(res->image, res->image_len, text, need + 1);
	if (nfpe_asm(&jt_alloc, text, strlen(text), &img, &len, &aerr))
		g_error("line %u: %s\n%s", aerr.line, aerr.msg, text);
	h2 = (const void *)img;
	g_assert_cmpuint(h2->n_insns, ==, h->n_insns);
	g_assert_cmpmem(img + h2->code_off, 8 * h2->n_insns,
			res->image + h->code_off, 8 * h->n_insns);
	g_assert_cmpuint(h2->n_relocs, ==, h->n_relocs);
	g_assert_cmpuint(h2->stack_size, ==, h->stack_size);
	jt_alloc.free(NULL, img);
	g_free(text);
}

/* JIT with opts and load; the device maps are created on first use. */
static void load(struct loaded *l, uint32_t opts)
{
	struct nfpe_jit_prog jp = {
		.insns = l->in.insns, .n_insns = l->in.n_insns,
		.facts = l->in.facts, .prog_type = l->in.prog_type,
		.maps = l->in.maps, .n_maps = l->in.n_maps,
		.stack_depth = l->in.stack_depth,
		.n_stack_depth = l->in.n_subprogs, .name = l->in.name,
		.opts = opts,
	};
	struct nfpe_jit_result res;
	struct nfpe_image_hdr *h;
	struct nfpe_image_map *mt;
	struct nfpe_verr verr;
	uint32_t k;

	if (!l->d) {
		l->d = jt_dev_new();
		for (k = 0; k < l->in.n_maps; k++)
			jt_dev_map(l->d, l->in.maps[k].type,
				   l->in.maps[k].key_size,
				   l->in.maps[k].value_size,
				   l->in.maps[k].max_entries);
	}
	if (nfpe_jit_compile(&jt_jalloc, &l->d->jcaps, &jp, &res))
		g_error("%s: %s", l->in.name, res.msg);
	h = (struct nfpe_image_hdr *)res.image;
	check_round_trip(&res);
	mt = (struct nfpe_image_map *)(res.image + h->map_off);
	for (k = 0; k < h->n_maps; k++)
		mt[k].map_id = l->d->map_ids[k];
	if (nfpe_prog_load(&jt_alloc, &l->d->caps, l->d->maps, res.image,
			   res.image_len, &l->prog, &verr))
		g_error("%s: load: %s", l->in.name, verr.msg);
	l->mc_insns = res.stats.mc_insns;
	nfpe_jit_result_free(&jt_jalloc, &res);
}

static void unload(struct loaded *l)
{
	nfpe_prog_free(l->prog);
	l->prog = NULL;
}

static void finish(struct loaded *l)
{
	if (l->prog)
		unload(l);
	if (l->d)
		jt_dev_free(l->d);
	nfpe_jit_input_free(&l->in);
	nfpe_jit_obj_close(l->obj);
}

static uint32_t run(struct loaded *l, const uint8_t *frame, uint32_t len)
{
	struct nfpe_run_result rr;

	nfpe_thread_init(l->d->t, 0, 0);
	g_assert_cmpint(nfpe_pkt_setup(l->d->t, &l->d->caps, frame, len, 1),
			==, 0);
	nfpe_run(l->prog, &l->d->env, l->d->t, &rr);
	g_assert_cmpuint(rr.status, ==, NFPE_RUN_OK);
	return rr.ret;
}

static const uint8_t *out_frame(struct loaded *l, uint32_t *len)
{
	struct nfpe_thread *t = l->d->t;

	*len = t->csr[NFPE_CSR_PKT_END] - t->csr[NFPE_CSR_PKT_DATA];
	return t->pkt + t->csr[NFPE_CSR_PKT_DATA];
}

/* Ethernet + IPv4 + UDP, 64 bytes. */
static uint32_t udp_frame(uint8_t *f, uint8_t proto, uint16_t sport)
{
	static const uint8_t hdr[] = {
		0x02, 0, 0, 0, 0, 1,  0x02, 0, 0, 0, 0, 2,  0x08, 0x00,
		0x45, 0, 0, 50, 0, 0, 0, 0, 64, 17, 0, 0,
		10, 0, 0, 1,  10, 0, 0, 2,
		0x12, 0x34, 0x00, 0x35, 0, 30, 0, 0,
	};

	memset(f, 0xab, 64);
	memcpy(f, hdr, sizeof(hdr));
	f[23] = proto;
	f[34] = sport >> 8;
	f[35] = sport & 0xff;
	return 64;
}

static void report(const char *name, uint32_t bpf, uint32_t all,
		   uint32_t none)
{
	g_test_message("ratio %-14s ebpf %3u  microcode all-opts %3u (%.2f)  no-opts %3u (%.2f)",
		       name, bpf, all, (double)all / bpf, none,
		       (double)none / bpf);
	if (g_getenv("NFPE_JIT_RATIOS"))
		printf("| %s | %u | %u | %.2f | %u | %.2f |\n", name, bpf,
		       none, (double)none / bpf, all, (double)all / bpf);
}

/* Compile with every set, run check() on each, report counts. */
#define FOR_EACH_OPTS(l, body) do {					\
		uint32_t _all = 0, _none = 0;				\
		size_t _o;						\
		for (_o = 0; _o < NOPT_SETS; _o++) {			\
			load(l, jt_opt_sets[_o]);			\
			if (_o == 0)					\
				_all = (l)->mc_insns;			\
			if (_o == 1)					\
				_none = (l)->mc_insns;			\
			body;						\
			unload(l);					\
		}							\
		g_assert_cmpuint(_all, <=, _none);			\
		report((l)->in.name, (l)->in.n_insns, _all, _none);	\
	} while (0)

static void test_drop_pass(void)
{
	struct loaded l;
	uint8_t f[64];
	char err[256];

	udp_frame(f, 17, 1);
	g_assert_cmpint(prepare("xdp_drop_pass", "xdp_drop", &l, err,
				sizeof(err)), ==, 0);
	FOR_EACH_OPTS(&l, g_assert_cmpuint(run(&l, f, 64), ==, 1));
	finish(&l);
	g_assert_cmpint(prepare("xdp_drop_pass", "xdp_pass", &l, err,
				sizeof(err)), ==, 0);
	FOR_EACH_OPTS(&l, g_assert_cmpuint(run(&l, f, 64), ==, 2));
	finish(&l);
}

static void test_count(void)
{
	struct loaded l;
	uint8_t f[64];
	char err[256];
	uint32_t key;
	uint64_t v;

	g_assert_cmpint(prepare("xdp_count", "xdp_count", &l, err,
				sizeof(err)), ==, 0);
	FOR_EACH_OPTS(&l, {
		udp_frame(f, 17, 1);
		g_assert_cmpuint(run(&l, f, 64), ==, 2);
		g_assert_cmpuint(run(&l, f, 64), ==, 2);
		udp_frame(f, 6, 1);
		g_assert_cmpuint(run(&l, f, 64), ==, 2);
		f[12] = 0x86;
		f[13] = 0xdd;
		g_assert_cmpuint(run(&l, f, 64), ==, 2);
		g_assert_cmpuint(run(&l, f, 10), ==, 0);
		udp_frame(f, 17, 1);
		g_assert_cmpuint(run(&l, f, 20), ==, 1);
	});
	key = 17;
	g_assert_cmpint(nfpe_map_lookup(l.d->maps, l.d->map_ids[0], &key, &v),
			==, 0);
	g_assert_cmpuint(v, ==, 2 * NOPT_SETS);
	key = 6;
	g_assert_cmpint(nfpe_map_lookup(l.d->maps, l.d->map_ids[0], &key, &v),
			==, 0);
	g_assert_cmpuint(v, ==, NOPT_SETS);
	finish(&l);
}

static void test_macswap(void)
{
	struct loaded l;
	uint8_t f[64];
	char err[256];

	g_assert_cmpint(prepare("xdp_macswap", "xdp_macswap", &l, err,
				sizeof(err)), ==, 0);
	FOR_EACH_OPTS(&l, {
		const uint8_t *o;
		uint32_t len;

		udp_frame(f, 17, 1);
		g_assert_cmpuint(run(&l, f, 64), ==, 3);
		o = out_frame(&l, &len);
		g_assert_cmpuint(len, ==, 64);
		g_assert_cmpmem(o, 6, f + 6, 6);
		g_assert_cmpmem(o + 6, 6, f, 6);
		g_assert_cmpmem(o + 12, 52, f + 12, 52);
		g_assert_cmpuint(run(&l, f, 13), ==, 1);
	});
	finish(&l);
}

static void test_firewall(void)
{
	struct loaded l;
	uint8_t f[64], key[16] = { 10, 0, 0, 1, 10, 0, 0, 2, 0x12, 0x34,
				   0x00, 0x35, 17, 0, 0, 0 };
	uint64_t zero = 0, hits;
	char err[256];

	g_assert_cmpint(prepare("xdp_firewall", "xdp_firewall", &l, err,
				sizeof(err)), ==, 0);
	FOR_EACH_OPTS(&l, {
		if (_o == 0)
			g_assert_cmpint(nfpe_map_update(l.d->maps,
				l.d->map_ids[0], key, &zero, 0), ==, 0);
		udp_frame(f, 17, 0x1234);
		g_assert_cmpuint(run(&l, f, 64), ==, 1);
		udp_frame(f, 17, 0x1235);
		g_assert_cmpuint(run(&l, f, 64), ==, 2);
		udp_frame(f, 6, 0x1234);
		g_assert_cmpuint(run(&l, f, 64), ==, 2);
		udp_frame(f, 1, 0x1234);
		g_assert_cmpuint(run(&l, f, 64), ==, 2);
	});
	g_assert_cmpint(nfpe_map_lookup(l.d->maps, l.d->map_ids[0], key,
					&hits), ==, 0);
	g_assert_cmpuint(hits, ==, NOPT_SETS);
	finish(&l);
}

static void test_encap(void)
{
	struct loaded l;
	uint8_t f[64];
	char err[256];

	g_assert_cmpint(prepare("xdp_encap", "xdp_encap", &l, err,
				sizeof(err)), ==, 0);
	FOR_EACH_OPTS(&l, {
		const uint8_t *o;
		uint32_t len;

		udp_frame(f, 17, 1);
		g_assert_cmpuint(run(&l, f, 64), ==, 3);
		o = out_frame(&l, &len);
		g_assert_cmpuint(len, ==, 78);
		g_assert_cmpmem(o, 6, f + 6, 6);
		g_assert_cmpmem(o + 6, 6, f, 6);
		g_assert_cmpuint(o[12], ==, 0x88);
		g_assert_cmpuint(o[13], ==, 0xb5);
		g_assert_cmpmem(o + 14, 64, f, 64);
	});
	finish(&l);
}

static void test_tc_mark(void)
{
	struct loaded l;
	uint8_t f[1200];
	char err[256];

	g_assert_cmpint(prepare("tc_mark", "tc_mark", &l, err, sizeof(err)),
			==, 0);
	g_assert_cmpuint(l.in.prog_type, ==, NFPE_PROG_TC);
	FOR_EACH_OPTS(&l, {
		udp_frame(f, 17, 1);
		g_assert_cmpuint(run(&l, f, 64), ==, 0);
		g_assert_cmpuint(l.d->t->csr[NFPE_CSR_MARK], ==, 0x2a);
		g_assert_cmpuint(l.d->t->csr[NFPE_CSR_PRIORITY], ==, 0);
		memset(f + 64, 0, sizeof(f) - 64);
		g_assert_cmpuint(run(&l, f, sizeof(f)), ==, 0);
		g_assert_cmpuint(l.d->t->csr[NFPE_CSR_PRIORITY], ==, 1);
		f[12] = 0x86;
		g_assert_cmpuint(run(&l, f, 64), ==, 0);
		g_assert_cmpuint(l.d->t->csr[NFPE_CSR_MARK], ==, 0);
	});
	finish(&l);
}

static void test_call_loop(void)
{
	struct loaded l;
	uint8_t f[64];
	char err[256];
	uint32_t sum = 0, want, i;

	udp_frame(f, 17, 0x4321);
	for (i = 0; i < 16; i++)
		sum += (uint32_t)f[i] << ((i & 1) ? 0 : 8);
	g_assert_cmpint(prepare("xdp_call_loop", "xdp_call_loop", &l, err,
				sizeof(err)), ==, 0);
	g_assert_cmpuint(l.in.n_subprogs, ==, 2);
	FOR_EACH_OPTS(&l, {
		uint32_t got = run(&l, f, 64);

		want = (((sum & 0xffff) + (sum >> 16)) ^
			l.d->t->csr[NFPE_CSR_QUEUE]) & 3;
		g_assert_cmpuint(got, ==, want);
		g_assert_cmpuint(run(&l, f, 15), ==, 2);
	});
	finish(&l);
}

/* JIT a prepared program for the default device, every optimisation */
static int compile_default(const struct loaded *l,
			   struct nfpe_jit_result *res)
{
	struct nfpe_jit_caps caps;
	struct nfpe_jit_prog jp = {
		.insns = l->in.insns, .n_insns = l->in.n_insns,
		.facts = l->in.facts, .prog_type = l->in.prog_type,
		.maps = l->in.maps, .n_maps = l->in.n_maps,
		.stack_depth = l->in.stack_depth,
		.n_stack_depth = l->in.n_subprogs,
		.opts = NFPE_JIT_OPT_ALL,
	};

	nfpe_jit_caps_default(&caps);
	return nfpe_jit_compile(&jt_jalloc, &caps, &jp, res);
}

/* 256 + 256 bytes of stack, both read at variable offsets */
static void test_stack_frames(void)
{
	struct loaded l;
	uint8_t f[64];
	char err[256];
	uint32_t a, b, want;

	g_assert_cmpint(prepare("xdp_stack_frames", "xdp_stack_frames", &l,
				err, sizeof(err)), ==, 0);
	g_assert_cmpuint(l.in.n_subprogs, ==, 2);
	/* the verifier's depths: each frame's lowest reachable byte */
	g_assert_cmpuint(l.in.stack_depth[0], ==, 256);
	g_assert_cmpuint(l.in.stack_depth[1], ==, 256);
	FOR_EACH_OPTS(&l, {
		for (a = 0; a < 256; a += 37) {
			for (b = 0; b < 256; b += 29) {
				udp_frame(f, 17, 1);
				f[14] = a;
				f[15] = b;
				want = ((uint8_t)(b + (a & 0xf8)) +
					(uint8_t)(a ^ (b & 0xf8))) & 3;
				g_assert_cmpuint(run(&l, f, 64), ==, want);
			}
		}
		g_assert_cmpuint(run(&l, f, 15), ==, 2);
	});
	finish(&l);
}

/*
 * The same 256 + 256 bytes, but the subprogram saves callee-saved
 * registers: within the verifier's 512 bytes, beyond the device's.
 */
static void test_stack_too_big(void)
{
	struct loaded l;
	struct nfpe_jit_result res;
	char err[256];

	g_assert_cmpint(prepare("bad_stack", "bad_stack", &l, err,
				sizeof(err)), ==, 0);
	g_assert_cmpuint(l.in.stack_depth[0], ==, 256);
	g_assert_cmpuint(l.in.stack_depth[1], ==, 256);
	g_assert_cmpint(compile_default(&l, &res), ==, -NFPE_E2BIG);
	g_assert_true(g_regex_match_simple("^program needs 5[1-9][0-9] bytes "
					   "of stack \\(incl\\. call frames\\), "
					   "device has 512$", res.msg, 0, 0));
	finish(&l);
}

static void test_refused(void)
{
	static const struct {
		const char *obj, *msg;
	} cases[] = {
		{ "bad_tailcall",
		  "insn 3: tail calls (bpf_tail_call) cannot be offloaded" },
		{ "bad_helper",
		  "insn 2: helper bpf_redirect (23) not supported by the device" },
		{ "bad_percpu",
		  "insn 4: map type PERCPU_ARRAY cannot be offloaded" },
	};
	static const struct {
		const char *obj, *msg;
	} obj_cases[] = {
		{ "bad_tailcall",
		  "map 'jmp_table': map type PROG_ARRAY cannot be offloaded (the loader creates every map of the object on the device)" },
		{ "bad_percpu",
		  "map 'pcpu': map type PERCPU_ARRAY cannot be offloaded (the loader creates every map of the object on the device)" },
	};
	size_t k;

	/* by default as the loaders: every map of the object on the device */
	for (k = 0; k < G_N_ELEMENTS(obj_cases); k++) {
		struct loaded l;
		char err[256];

		g_assert_cmpint(prepare(obj_cases[k].obj, obj_cases[k].obj, &l,
					err, sizeof(err)), ==, -EOPNOTSUPP);
		g_assert_cmpstr(err, ==, obj_cases[k].msg);
		nfpe_jit_obj_close(l.obj);
	}
	/* the program's own maps only: the core's reasons */
	for (k = 0; k < G_N_ELEMENTS(cases); k++) {
		struct loaded l;
		struct nfpe_jit_result res;
		char err[256];

		used_maps_only = true;
		g_assert_cmpint(prepare(cases[k].obj, cases[k].obj, &l, err,
					sizeof(err)), ==, 0);
		used_maps_only = false;
		g_assert_cmpint(compile_default(&l, &res), ==,
				-NFPE_EOPNOTSUPP);
		g_assert_cmpstr(res.msg, ==, cases[k].msg);
		finish(&l);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/jit/progs/drop-pass", test_drop_pass);
	g_test_add_func("/jit/progs/count", test_count);
	g_test_add_func("/jit/progs/macswap", test_macswap);
	g_test_add_func("/jit/progs/firewall", test_firewall);
	g_test_add_func("/jit/progs/encap", test_encap);
	g_test_add_func("/jit/progs/tc-mark", test_tc_mark);
	g_test_add_func("/jit/progs/call-loop", test_call_loop);
	g_test_add_func("/jit/progs/stack-frames", test_stack_frames);
	g_test_add_func("/jit/progs/stack-too-big", test_stack_too_big);
	g_test_add_func("/jit/progs/refused", test_refused);
	return g_test_run();
}
