// SPDX-License-Identifier: GPL-2.0-or-later
/* jit-test-util.c - see jit-test-util.h. */
#include <string.h>
#include "jit-test-util.h"

const uint32_t jt_opt_sets[NOPT_SETS] = {
	NFPE_JIT_OPT_ALL, 0,
	NFPE_JIT_OPT_ALL & ~NFPE_JIT_OPT_ZEXT,
	NFPE_JIT_OPT_ALL & ~NFPE_JIT_OPT_CONST,
	NFPE_JIT_OPT_ALL & ~NFPE_JIT_OPT_DCE,
	NFPE_JIT_OPT_ALL & ~NFPE_JIT_OPT_PKTLD,
	NFPE_JIT_OPT_ALL & ~NFPE_JIT_OPT_PEEP,
	NFPE_JIT_OPT_ALL & ~NFPE_JIT_OPT_PKTST,
};

static void *jt_a(void *opaque, size_t size)
{
	return g_malloc0(size ? size : 1);
}

static void jt_f(void *opaque, void *p)
{
	g_free(p);
}

const struct nfpe_alloc jt_alloc = { jt_a, jt_f, NULL };
const struct nfpe_jit_alloc jt_jalloc = { jt_a, jt_f, NULL };

static uint32_t jt_random(void *opaque)
{
	return ((struct jt_dev *)opaque)->random_val;
}

static uint64_t jt_ktime(void *opaque)
{
	return ((struct jt_dev *)opaque)->ktime;
}

struct jt_dev *jt_dev_new(void)
{
	struct jt_dev *d = g_new0(struct jt_dev, 1);

	nfpe_caps_default(&d->caps);
	d->jcaps.code_store = d->caps.code_store;
	d->jcaps.stack_size = d->caps.stack_size;
	d->jcaps.engines = d->caps.engines;
	d->jcaps.map_types = d->caps.map_types;
	d->jcaps.max_maps = d->caps.max_maps;
	d->jcaps.max_key = d->caps.max_key;
	d->jcaps.max_value = d->caps.max_value;
	d->jcaps.max_entries = d->caps.max_entries;
	d->maps = nfpe_maps_create(&jt_alloc, 1 << 20, 64, 1);
	g_assert_nonnull(d->maps);
	d->ops.random = jt_random;
	d->ops.ktime_ns = jt_ktime;
	d->ops.opaque = d;
	d->env.maps = d->maps;
	d->env.ops = &d->ops;
	d->env.caps = &d->caps;
	d->t = g_new0(struct nfpe_thread, 1);
	d->random_val = 0xdeadbeef;
	d->ktime = 0x123456789abcull;
	return d;
}

void jt_dev_free(struct jt_dev *d)
{
	nfpe_maps_destroy(d->maps);
	g_free(d->t);
	g_free(d);
}

uint32_t jt_dev_map(struct jt_dev *d, uint32_t type, uint32_t key,
		    uint32_t value, uint32_t entries)
{
	struct nfpe_map_decl decl = { type, key, value, entries, 0 };
	uint32_t slot = d->n_maps++;

	d->jmaps[slot] = (struct nfpe_jit_map){ type, key, value, entries, 0 };
	if (type == NFPE_BPF_MAP_HASH || type == NFPE_BPF_MAP_ARRAY ||
	    type == NFPE_BPF_MAP_PERCPU_ARRAY)
		g_assert_cmpint(nfpe_map_create(d->maps, &decl,
						&d->map_ids[slot]), ==, 0);
	return slot;
}

int jt_analyze(struct jt_dev *d, struct jt_prog *p, char *err, size_t len)
{
	if (!p->type)
		p->type = NFPE_PROG_XDP;
	return nfpe_jit_analyze(p->insns, p->n, p->type, d->jmaps, d->n_maps,
				p->facts, p->depth, &p->nsub, err, len);
}

int jt_jit(struct jt_dev *d, struct jt_prog *p, uint32_t opts,
	   struct nfpe_jit_result *res)
{
	struct nfpe_jit_prog jp = {
		.insns = p->insns, .n_insns = p->n, .facts = p->facts,
		.prog_type = p->type ? p->type : NFPE_PROG_XDP,
		.maps = d->jmaps, .n_maps = d->n_maps,
		.stack_depth = p->depth, .n_stack_depth = p->nsub,
		.name = "test", .opts = opts,
	};

	return nfpe_jit_compile(&jt_jalloc, &d->jcaps, &jp, res);
}

uint32_t jt_run(struct jt_dev *d, struct jt_prog *p, uint32_t opts,
		const void *frame, uint32_t len, uint32_t *ret,
		struct nfpe_jit_stats *stats)
{
	struct nfpe_jit_result res;
	struct nfpe_prog *prog = NULL;
	struct nfpe_verr verr;
	struct nfpe_run_result rr;
	struct nfpe_image_hdr *h;
	struct nfpe_image_map *mt;
	char err[256];
	uint32_t k;
	int rc;

	rc = jt_analyze(d, p, err, sizeof(err));
	if (rc)
		g_error("analyze: %s", err);
	rc = jt_jit(d, p, opts, &res);
	if (rc)
		g_error("jit (opts 0x%x): %s", opts, res.msg);
	h = (struct nfpe_image_hdr *)res.image;
	mt = (struct nfpe_image_map *)(res.image + h->map_off);
	for (k = 0; k < h->n_maps; k++)
		mt[k].map_id = d->map_ids[k];
	rc = nfpe_prog_load(&jt_alloc, &d->caps, d->maps, res.image,
			    res.image_len, &prog, &verr);
	if (rc) {
		size_t need = nfpe_disasm_image(res.image, res.image_len,
						NULL, 0);
		char *txt = g_malloc(need + 1);

		nfpe_disasm_image(res.image, res.image_len, txt, need + 1);
		g_error("load (opts 0x%x): %s\n%s", opts, verr.msg, txt);
	}
	nfpe_thread_init(d->t, 0, 0);
	g_assert_cmpint(nfpe_pkt_setup(d->t, &d->caps, frame, len, 0), ==, 0);
	nfpe_run(prog, &d->env, d->t, &rr);
	*ret = rr.ret;
	if (stats)
		*stats = res.stats;
	if (rr.status != NFPE_RUN_OK && g_test_verbose()) {
		size_t need = nfpe_disasm_image(res.image, res.image_len,
						NULL, 0);
		char *txt = g_malloc(need + 1);

		nfpe_disasm_image(res.image, res.image_len, txt, need + 1);
		g_test_message("run status %u at pc %u addr 0x%x\n%s",
			       rr.status, rr.fault_pc, rr.fault_addr, txt);
		g_free(txt);
	}
	nfpe_prog_free(prog);
	nfpe_jit_result_free(&jt_jalloc, &res);
	return rr.status;
}
