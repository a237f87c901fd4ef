// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench-engines.c - offline engine benchmark (SPEC 8): the same eBPF
 * programs (clang -O2 objects) run per packet on the same packets by
 *
 *   nfp-ebpf   the JIT (all optimisations) + the microcode interpreter
 *   ours(x86)  the same microcode run on its x86-64 translation
 *              (microcode/x86jit.c), checked against the interpreter's
 *              results, instruction and cycle counts before it is timed
 *   dpdk-int   DPDK 22.11 librte_bpf's interpreter (rte_bpf_exec)
 *   dpdk-jit   DPDK 22.11 librte_bpf's x86-64 JIT (rte_bpf_get_jit)
 *   native     the same logic written in C, compiled with the bench
 *
 * Every engine's per-packet cost includes putting the frame into its
 * packet buffer (nfpe_pkt_setup copies the frame; the others memcpy it),
 * so ratios compare like with like.  The DPDK adapter (see
 * docs/performance.md): the program's context is an rte_mbuf
 * (RTE_BPF_ARG_PTR_MBUF) whose buf_addr points at the frame; the XDP
 * context loads of the object are rewritten one for one (data ->
 * 8-byte load of buf_addr, data_end -> 8-byte load of a raw mbuf field
 * holding the end address), map references become the address of a host
 * map (ld_imm64), helper calls index an rte_bpf_xsym table (lookup,
 * update, delete, adjust_head implemented in C on host maps).  The
 * instruction count is unchanged, so eBPF instructions/packet are the
 * same for all engines; they are counted by the differential suite's
 * reference interpreter (diff-ref.c) running the adapted program.
 *
 *   bench-engines [--progs DIR] [--secs S] [--reps R] [--out FILE] [--wall]
 *   bench-engines --progs DIR --profile LABEL [--iters N] [--dpdk-int|--x86]
 *   (objects are looked up in DIR, then in $NFPE_JIT_PROGS)
 *
 * --profile runs only nfp-ebpf (or, with --dpdk-int, only DPDK's
 * interpreter, with --x86 only the x86-64 translation) on the programs whose label contains LABEL, N packets
 * (default 100000) with no timing, for callgrind/perf:
 * (Ir of a run with N packets - Ir with 0) / N = host instructions/packet.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <rte_bpf.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_mbuf_core.h>
#include "nfpe_jit_user.h"
#include "nfpe_mc.h"
#include "diff-ref.h"

#define XDP_ABORTED 0
#define XDP_DROP 1
#define XDP_PASS 2
#define XDP_TX 3

#define HEADROOM 256
#define FRAME_LEN 64

/* ---- host maps (DPDK and native engines) --------------------------- */
struct hmap {
	uint32_t type, key_size, value_size, max_entries;
	uint32_t nbuckets;
	uint8_t *keys, *values, *used;
};

static uint32_t hkey(const uint8_t *k, uint32_t n)
{
	uint32_t h = 2166136261u, i;

	for (i = 0; i < n; i++)
		h = (h ^ k[i]) * 16777619u;
	return h;
}

static struct hmap *hmap_new(uint32_t type, uint32_t ks, uint32_t vs,
			     uint32_t n)
{
	struct hmap *m = calloc(1, sizeof(*m));

	m->type = type;
	m->key_size = ks;
	m->value_size = vs;
	m->max_entries = n;
	m->nbuckets = type == NFPE_BPF_MAP_HASH ? 2 * n : n;
	m->keys = calloc(m->nbuckets, ks);
	m->values = calloc(m->nbuckets, vs);
	m->used = calloc(m->nbuckets, 1);
	return m;
}

static void *hmap_lookup(struct hmap *m, const void *key)
{
	uint32_t i, b;

	if (m->type == NFPE_BPF_MAP_ARRAY) {
		uint32_t k;

		memcpy(&k, key, 4);
		return k < m->max_entries ? m->values + (size_t)k * m->value_size
					  : NULL;
	}
	b = hkey(key, m->key_size) % m->nbuckets;
	for (i = 0; i < m->nbuckets; i++, b = (b + 1) % m->nbuckets) {
		if (!m->used[b])
			return NULL;
		if (!memcmp(m->keys + (size_t)b * m->key_size, key,
			    m->key_size))
			return m->values + (size_t)b * m->value_size;
	}
	return NULL;
}

static int hmap_update(struct hmap *m, const void *key, const void *val)
{
	uint32_t i, b;
	void *v = hmap_lookup(m, key);

	if (v) {
		memcpy(v, val, m->value_size);
		return 0;
	}
	if (m->type == NFPE_BPF_MAP_ARRAY)
		return -1;
	b = hkey(key, m->key_size) % m->nbuckets;
	for (i = 0; i < m->nbuckets; i++, b = (b + 1) % m->nbuckets)
		if (!m->used[b]) {
			m->used[b] = 1;
			memcpy(m->keys + (size_t)b * m->key_size, key,
			       m->key_size);
			memcpy(m->values + (size_t)b * m->value_size, val,
			       m->value_size);
			return 0;
		}
	return -1;
}

/* ---- DPDK helpers ---------------------------------------------------- */
static uint64_t x_lookup(uint64_t map, uint64_t key, uint64_t a3,
			 uint64_t a4, uint64_t a5)
{
	return (uint64_t)(uintptr_t)hmap_lookup((struct hmap *)(uintptr_t)map,
						(void *)(uintptr_t)key);
}

static uint64_t x_update(uint64_t map, uint64_t key, uint64_t val,
			 uint64_t a4, uint64_t a5)
{
	return (uint64_t)(int64_t)hmap_update((struct hmap *)(uintptr_t)map,
					      (void *)(uintptr_t)key,
					      (void *)(uintptr_t)val);
}

/* the end of the frame lives in a raw mbuf field (dynfield1[0..1]) */
#define MB_END_OFF offsetof(struct rte_mbuf, dynfield1)

static uint8_t *dpdk_buf_start;
static char dpdk_why[64];	/* the headroom's start */

static uint64_t x_adjust_head(uint64_t ctx, uint64_t delta, uint64_t a3,
			      uint64_t a4, uint64_t a5)
{
	struct rte_mbuf *mb = (struct rte_mbuf *)(uintptr_t)ctx;
	uint8_t *data = mb->buf_addr;
	uint64_t end;

	memcpy(&end, (uint8_t *)mb + MB_END_OFF, 8);
	data += (int32_t)delta;
	if ((uintptr_t)data + 14 > end || data < dpdk_buf_start)
		return (uint64_t)-22;
	mb->buf_addr = data;
	return 0;
}

/* ---- one program on every engine ------------------------------------- */
struct prog_res {
	const char *name;
	double ns[5];		/* nfp-ebpf, dpdk-int, dpdk-jit, native, x86 */
	bool have[5];
	double mc_per_pkt, bpf_per_pkt, cyc_per_pkt, stall_per_pkt;
	uint64_t model_pps;
	uint32_t verdict[5];
	uint32_t n_bpf, n_mc;
	char note[96];
};

typedef uint32_t (*native_fn)(uint8_t *data, uint8_t *end,
			      struct hmap **maps);

/*
 * Thread CPU time by default: on a shared machine wall time also counts
 * the time other processes held the core (--wall measures that).
 */
static clockid_t bench_clock = CLOCK_THREAD_CPUTIME_ID;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(bench_clock, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double secs_per_rep = 0.1;
static int reps = 5;
static const char *profile;	/* --profile: nfp-ebpf only, fixed count */
static long profile_iters = 100000;
static bool profile_dpdk;	/* --dpdk-int: profile DPDK's interpreter */
static bool profile_x86;	/* --x86: profile the x86-64 translation */

/* Median over reps of ns/packet of fn(arg) (which does one packet). */
#define MEASURE(out, body) do { \
	double t_[64]; int r_; uint64_t n_, it_; \
	for (it_ = 0; it_ < 2000; it_++) { body; } \
	for (r_ = 0; r_ < reps; r_++) { \
		double t0_ = now_ns(), t1_; n_ = 0; \
		do { for (it_ = 0; it_ < 1024; it_++) { body; } \
		     n_ += 1024; t1_ = now_ns(); \
		} while (t1_ - t0_ < secs_per_rep * 1e9); \
		t_[r_] = (t1_ - t0_) / (double)n_; \
	} \
	qsort(t_, reps, sizeof(double), cmp_d); \
	out = t_[reps / 2]; \
} while (0)

/* Native C versions of the programs (the limit). */
static uint32_t nat_drop(uint8_t *d, uint8_t *e, struct hmap **m)
{
	return XDP_DROP;
}

static uint32_t nat_pass(uint8_t *d, uint8_t *e, struct hmap **m)
{
	return XDP_PASS;
}

static uint32_t nat_count(uint8_t *d, uint8_t *e, struct hmap **m)
{
	uint32_t key;
	uint64_t *cnt;

	if (d + 14 > e)
		return XDP_ABORTED;
	if (d[12] != 0x08 || d[13] != 0)
		return XDP_PASS;
	if (d + 34 > e)
		return XDP_DROP;
	key = d[23];
	cnt = hmap_lookup(m[0], &key);
	if (cnt)
		__atomic_fetch_add(cnt, 1, __ATOMIC_RELAXED);
	return XDP_PASS;
}

static uint32_t nat_macswap(uint8_t *d, uint8_t *e, struct hmap **m)
{
	uint8_t tmp[6];

	if (d + 14 > e)
		return XDP_DROP;
	memcpy(tmp, d, 6);
	memcpy(d, d + 6, 6);
	memcpy(d + 6, tmp, 6);
	return XDP_TX;
}

struct flow { uint32_t saddr, daddr; uint16_t sport, dport; uint32_t proto; };

static uint32_t nat_firewall(uint8_t *d, uint8_t *e, struct hmap **m)
{
	struct flow f = { 0 };
	uint64_t *hits;

	if (d + 42 > e)
		return XDP_PASS;
	if (d[12] != 0x08 || d[13] != 0 || (d[14] & 0xf) != 5)
		return XDP_PASS;
	if (d[23] != 17 && d[23] != 6)
		return XDP_PASS;
	memcpy(&f.saddr, d + 26, 4);
	memcpy(&f.daddr, d + 30, 4);
	memcpy(&f.sport, d + 34, 2);
	memcpy(&f.dport, d + 36, 2);
	f.proto = d[23];
	hits = hmap_lookup(m[0], &f);
	if (!hits)
		return XDP_PASS;
	__atomic_fetch_add(hits, 1, __ATOMIC_RELAXED);
	return XDP_DROP;
}

/* encap: the frame moves 14 bytes down (the caller left headroom) */
static uint8_t *nat_data;
static uint32_t nat_encap(uint8_t *d, uint8_t *e, struct hmap **m)
{
	d -= 14;
	if (d + 28 > e)
		return XDP_ABORTED;
	memcpy(d, d + 14 + 6, 6);
	memcpy(d + 6, d + 14, 6);
	d[12] = 0x88;
	d[13] = 0xb5;
	nat_data = d;
	return XDP_TX;
}

struct backend { uint32_t addr; uint8_t mac[6]; uint16_t pad; uint64_t packets; };

static uint32_t lb_mix(uint32_t a, uint32_t b, uint32_t c)
{
	a -= c; a ^= (c << 4) | (c >> 28); c += b;
	b -= a; b ^= (a << 6) | (a >> 26); a += c;
	c -= b; c ^= (b << 8) | (b >> 24); b += a;
	a -= c; a ^= (c << 16) | (c >> 16); c += b;
	return c ^ a ^ b;
}

static uint16_t lb_csum(uint16_t check, uint32_t from, uint32_t to)
{
	uint32_t sum = (uint16_t)~check;

	sum += (uint16_t)~from + (uint16_t)~(from >> 16);
	sum += (uint16_t)to + (uint16_t)(to >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t nat_lb(uint8_t *d, uint8_t *e, struct hmap **m)
{
	struct flow f = { 0 };
	struct backend *be;
	uint32_t *slot, idx, old;
	uint16_t check, frag;

	if (d + 42 > e)
		return XDP_PASS;
	if (d[12] != 0x08 || d[13] != 0 || (d[14] & 0xf) != 5)
		return XDP_PASS;
	if (d[23] != 17 && d[23] != 6)
		return XDP_PASS;
	memcpy(&frag, d + 20, 2);
	if (frag & 0xff3f)
		return XDP_PASS;
	memcpy(&f.saddr, d + 26, 4);
	memcpy(&f.daddr, d + 30, 4);
	memcpy(&f.sport, d + 34, 2);
	memcpy(&f.dport, d + 36, 2);
	f.proto = d[23];
	slot = hmap_lookup(m[0], &f);
	if (slot)
		idx = *slot & 15;
	else
		idx = lb_mix(f.saddr, f.daddr,
			     ((uint32_t)f.sport << 16 | f.dport) ^ f.proto) & 15;
	be = hmap_lookup(m[1], &idx);
	if (!be)
		return XDP_ABORTED;
	memcpy(&old, d + 30, 4);
	memcpy(d + 30, &be->addr, 4);
	memcpy(&check, d + 24, 2);
	check = lb_csum(check, old, be->addr);
	memcpy(d + 24, &check, 2);
	memcpy(d + 6, d, 6);
	memcpy(d, be->mac, 6);
	__atomic_fetch_add(&be->packets, 1, __ATOMIC_RELAXED);
	return XDP_TX;
}

struct bench_prog {
	const char *obj, *name, *label;
	native_fn native;
};

static const struct bench_prog progs[] = {
	{ "xdp_drop_pass.bpf.o", "xdp_drop", "drop", nat_drop },
	{ "xdp_drop_pass.bpf.o", "xdp_pass", "pass", nat_pass },
	{ "xdp_count.bpf.o", "xdp_count", "parse+count (array)", nat_count },
	{ "xdp_macswap.bpf.o", "xdp_macswap", "MAC swap + TX", nat_macswap },
	{ "xdp_firewall.bpf.o", "xdp_firewall", "5-tuple firewall (hash)",
	  nat_firewall },
	{ "xdp_encap.bpf.o", "xdp_encap", "encap (adjust_head)", nat_encap },
	{ "bench-engines-lb.bpf.o", "xdp_lb", "load balancer (hash+array)",
	  nat_lb },
	{ "xdp_call_loop.bpf.o", "xdp_call_loop", "call + bounded loop",
	  NULL },
};

static void frame_init(uint8_t *f)
{
	static const uint8_t hdr[42] = {
		0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00,
		0x45, 0x00, 0x00, 50, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11,
		0x00, 0x00, 10, 0, 0, 1, 10, 0, 0, 2,
		0x30, 0x39, 0x00, 0x35, 0x00, 30, 0x00, 0x00,
	};
	uint32_t i;

	memcpy(f, hdr, sizeof(hdr));
	for (i = sizeof(hdr); i < FRAME_LEN; i++)
		f[i] = (uint8_t)i;
}

/* fill the maps of one program (both the device's and the host's) */
static void fill_maps(const struct nfpe_jit_input *in, struct nfpe_maps *dm,
		      const uint32_t *ids, struct hmap **hm)
{
	uint32_t s, i;

	for (s = 0; s < in->n_maps; s++) {
		const struct nfpe_jit_map *jm = &in->maps[s];
		uint8_t key[64] = { 0 }, val[64] = { 0 };

		hm[s] = hmap_new(jm->type, jm->key_size, jm->value_size,
				 jm->max_entries);
		if (!strcmp(in->map_names[s], "backends")) {
			for (i = 0; i < 16; i++) {
				struct backend be = { 0x0a000064 + i,
					{ 2, 0, 0, 0, 9, (uint8_t)i }, 0, 0 };
				memcpy(key, &i, 4);
				nfpe_map_update(dm, ids[s], key, &be, NFPE_MAP_ANY);
				hmap_update(hm[s], key, &be);
			}
		} else if (jm->type == NFPE_BPF_MAP_HASH) {
			/* 1000 entries, none matching the benchmark flow */
			for (i = 0; i < 1000; i++) {
				memcpy(key, &i, 4);
				nfpe_map_update(dm, ids[s], key, val, NFPE_MAP_ANY);
				hmap_update(hm[s], key, val);
			}
		}
	}
}

static struct hmap **cur_maps;

static uint64_t ref_helper(int32_t id, uint64_t r1, uint64_t r2, uint64_t r3,
			   uint64_t r4, uint64_t r5)
{
	switch (id) {
	case 1: return x_lookup(r1, r2, 0, 0, 0);
	case 2: return x_update(r1, r2, r3, 0, 0);
	case 44: return x_adjust_head(r1, r2, 0, 0, 0);
	}
	return 0;
}

static void run_prog(const char *dir, const struct bench_prog *bp,
		     struct prog_res *pr, const struct nfpe_caps *caps)
{
	const struct nfpe_alloc *al = (const struct nfpe_alloc *)&nfpe_jit_user_alloc;
	struct nfpe_jit_caps jc;
	struct nfpe_jit_obj *obj;
	struct nfpe_jit_input in;
	struct nfpe_jit_result jr;
	struct nfpe_maps *dm;
	struct nfpe_prog *prog;
	struct nfpe_verr verr;
	struct nfpe_thread *t = calloc(1, sizeof(*t));
	struct nfpe_engine_ops ops = { 0 };
	struct nfpe_env env;
	struct nfpe_run_result rr;
	struct hmap *hm[8] = { 0 };
	uint32_t ids[8], i, k;
	uint8_t frame[FRAME_LEN];
	char path[512], err[256];
	int idx, rc;

	memset(pr, 0, sizeof(*pr));
	pr->name = bp->label;
	frame_init(frame);
	snprintf(path, sizeof(path), "%s/%s", dir, bp->obj);
	if (access(path, R_OK) && getenv("NFPE_JIT_PROGS"))
		snprintf(path, sizeof(path), "%s/%s", getenv("NFPE_JIT_PROGS"),
			 bp->obj);
	if (nfpe_jit_obj_open(path, &obj, err, sizeof(err))) {
		snprintf(pr->note, sizeof(pr->note), "cannot open %.80s", bp->obj);
		return;
	}
	idx = nfpe_jit_obj_find(obj, NULL, bp->name);
	rc = idx < 0 ? -1 : nfpe_jit_obj_prepare(obj, idx, &in, err, sizeof(err));
	if (rc) {
		snprintf(pr->note, sizeof(pr->note), "prepare: %.80s", err);
		return;
	}
	pr->n_bpf = in.n_insns;

	/* ---- nfp-ebpf ---- */
	nfpe_jit_caps_default(&jc);
	{
		struct nfpe_jit_prog jp = {
			.insns = in.insns, .n_insns = in.n_insns,
			.facts = in.facts, .prog_type = in.prog_type,
			.maps = in.maps, .n_maps = in.n_maps,
			.stack_depth = in.stack_depth,
			.n_stack_depth = in.n_subprogs, .name = bp->name,
			.opts = NFPE_JIT_OPT_ALL,
		};
		rc = nfpe_jit_compile(&nfpe_jit_user_alloc, &jc, &jp, &jr);
	}
	if (rc) {
		snprintf(pr->note, sizeof(pr->note), "jit: %.80s", jr.msg);
		return;
	}
	pr->n_mc = jr.stats.mc_insns;
	dm = nfpe_maps_create(al, 1 << 22, 64, 1);
	for (i = 0; i < in.n_maps; i++) {
		struct nfpe_map_decl d = { in.maps[i].type, in.maps[i].key_size,
			in.maps[i].value_size, in.maps[i].max_entries, 0 };
		struct nfpe_image_hdr *h = (struct nfpe_image_hdr *)jr.image;
		struct nfpe_image_map *mt =
			(struct nfpe_image_map *)(jr.image + h->map_off);

		nfpe_map_create(dm, &d, &ids[i]);
		mt[i].map_id = ids[i];
	}
	fill_maps(&in, dm, ids, hm);
	cur_maps = hm;
	rc = nfpe_prog_load(al, caps, dm, jr.image, jr.image_len, &prog, &verr);
	if (rc) {
		snprintf(pr->note, sizeof(pr->note), "load: %.80s", verr.msg);
		return;
	}
	env.maps = dm;
	env.ops = &ops;
	env.caps = caps;
	nfpe_thread_init(t, 0, 0);
	{
		uint64_t ins = 0, cyc = 0, stall = 0, n = 0;

		for (i = 0; i < 1000; i++) {
			nfpe_pkt_setup(t, caps, frame, FRAME_LEN, 0);
			nfpe_run(prog, &env, t, &rr);
			ins += rr.insns;
			cyc += rr.cycles;
			stall += rr.stall;
			n++;
		}
		pr->mc_per_pkt = (double)ins / n;
		pr->cyc_per_pkt = (double)cyc / n;
		pr->stall_per_pkt = (double)stall / n;
		pr->model_pps = nfpe_model_pps(caps, cyc, stall, n);
		pr->verdict[0] = rr.status == NFPE_RUN_OK ? rr.ret : 99;
	}
	if (profile && !profile_dpdk && profile_x86) {
		struct nfpe_prog *px = NULL;
		long it;

		nfpe_x86jit_enable(1);
		rc = nfpe_prog_load(al, caps, dm, jr.image, jr.image_len, &px,
				    &verr);
		nfpe_x86jit_enable(0);
		if (rc || nfpe_prog_set_exec(px, NFPE_EXEC_X86)) {
			printf("%s: not translated\n", bp->label);
		} else {
			for (it = 0; it < profile_iters; it++) {
				nfpe_pkt_setup(t, caps, frame, FRAME_LEN, 0);
				nfpe_run(px, &env, t, &rr);
			}
			printf("%s: %ld packets on x86, verdict %u\n",
			       bp->label, profile_iters, rr.ret);
		}
		nfpe_prog_free(px);
		goto done;
	}
	if (profile && !profile_dpdk) {
		long it;

		for (it = 0; it < profile_iters; it++) {
			nfpe_pkt_setup(t, caps, frame, FRAME_LEN, 0);
			nfpe_run(prog, &env, t, &rr);
		}
		printf("%s: %ld packets, verdict %u, %.1f mc insns/packet\n",
		       bp->label, profile_iters, rr.ret, pr->mc_per_pkt);
		goto done;
	}
	/* --dpdk-int: only DPDK's interpreter runs (fixed count, below) */
	if (profile)
		goto dpdk;
	MEASURE(pr->ns[0], (nfpe_pkt_setup(t, caps, frame, FRAME_LEN, 0),
			    nfpe_run(prog, &env, t, &rr)));
	pr->have[0] = true;

	/* ---- the same microcode on its x86-64 translation ---- */
	{
		struct nfpe_prog *px = NULL;
		struct nfpe_run_result rx;
		const char *why = "load failed";
		bool same = true;

		nfpe_x86jit_enable(1);
		rc = nfpe_prog_load(al, caps, dm, jr.image, jr.image_len, &px,
				    &verr);
		nfpe_x86jit_enable(0);
		if (!rc)
			why = nfpe_prog_x86_status(px);
		if (!rc && nfpe_prog_set_exec(px, NFPE_EXEC_X86) == 0) {
			/* alternate packets: identical results and counts */
			for (i = 0; i < 200; i++) {
				nfpe_pkt_setup(t, caps, frame, FRAME_LEN, 0);
				nfpe_run(prog, &env, t, &rr);
				nfpe_pkt_setup(t, caps, frame, FRAME_LEN, 0);
				nfpe_run(px, &env, t, &rx);
				same &= rr.status == rx.status &&
					rr.ret == rx.ret &&
					rr.insns == rx.insns &&
					rr.cycles == rx.cycles;
			}
			pr->verdict[4] = rx.status == NFPE_RUN_OK ? rx.ret : 99;
			if (same) {
				MEASURE(pr->ns[4],
					(nfpe_pkt_setup(t, caps, frame,
							FRAME_LEN, 0),
					 nfpe_run(px, &env, t, &rx)));
				pr->have[4] = true;
			} else {
				snprintf(pr->note, sizeof(pr->note),
					 "x86: MISMATCH with the interpreter");
			}
		} else {
			snprintf(pr->note, sizeof(pr->note), "x86 n/a: %.60s",
				 why ? why : "?");
		}
		nfpe_prog_free(px);
	}

	/* ---- DPDK adapter ---- */
dpdk:
	{
		struct nfpe_bpf_insn *d = calloc(in.n_insns, sizeof(*d));
		static struct rte_bpf_xsym xs[66];
		struct rte_bpf_prm prm = { 0 };
		struct rte_mbuf *mb = calloc(1, sizeof(*mb));
		uint8_t *buf = calloc(1, HEADROOM + 2048);
		uint64_t end, r = 0;
		uint32_t maxv = 8, minkey = 64;
		bool ok = in.n_subprogs <= 1;
		struct rte_bpf *b = NULL;
		struct rte_bpf_jit jit = { 0 };
		struct dref_result dr;

		memcpy(d, in.insns, in.n_insns * sizeof(*d));
		for (i = 0; i < in.n_maps; i++) {
			if (in.maps[i].value_size > maxv)
				maxv = in.maps[i].value_size;
			if (in.maps[i].key_size < minkey)
				minkey = in.maps[i].key_size;
		}
		for (i = 0; i < in.n_insns && ok; i++) {
			uint8_t cls = NFPE_BPF_CLASS(d[i].code);

			if (in.facts[i].ptr == NFPE_PTR_CTX &&
			    cls == NFPE_BPF_LDX) {
				if (d[i].off == 0)
					d[i].off = offsetof(struct rte_mbuf, buf_addr);
				else if (d[i].off == 4)
					d[i].off = MB_END_OFF;
				else
					ok = false;
				d[i].code = NFPE_BPF_LDX | NFPE_BPF_MEM | NFPE_BPF_DW;
			} else if (d[i].code == (NFPE_BPF_LD | NFPE_BPF_IMM |
						  NFPE_BPF_DW)) {
				if (d[i].src_reg) {
					uint64_t a = (uintptr_t)hm[d[i].imm];

					d[i].src_reg = 0;
					d[i].imm = (int32_t)(uint32_t)a;
					d[i + 1].imm = (int32_t)(uint32_t)(a >> 32);
				}
				i++;
			} else if (d[i].code == (NFPE_BPF_JMP | NFPE_BPF_CALL)) {
				if (d[i].src_reg)
					ok = false;	/* bpf-to-bpf */
			}
		}
		xs[1] = (struct rte_bpf_xsym){ .name = "map_lookup_elem",
			.type = RTE_BPF_XTYPE_FUNC, .func = { .val = x_lookup,
			.nb_args = 2, .args = { { RTE_BPF_ARG_RAW, 8, 0 },
			{ RTE_BPF_ARG_PTR, minkey, 0 } },
			.ret = { RTE_BPF_ARG_PTR, maxv, 0 } } };
		xs[2] = (struct rte_bpf_xsym){ .name = "map_update_elem",
			.type = RTE_BPF_XTYPE_FUNC, .func = { .val = x_update,
			.nb_args = 3, .args = { { RTE_BPF_ARG_RAW, 8, 0 },
			{ RTE_BPF_ARG_PTR, minkey, 0 },
			{ RTE_BPF_ARG_PTR, 8, 0 } },
			.ret = { RTE_BPF_ARG_RAW, 8, 0 } } };
		xs[44] = (struct rte_bpf_xsym){ .name = "xdp_adjust_head",
			.type = RTE_BPF_XTYPE_FUNC, .func = {
			.val = x_adjust_head, .nb_args = 2,
			.args = { { RTE_BPF_ARG_PTR_MBUF, sizeof(*mb), 2048 },
			{ RTE_BPF_ARG_RAW, 8, 0 } },
			.ret = { RTE_BPF_ARG_RAW, 8, 0 } } };
		for (k = 0; k < 66; k++)
			if (!xs[k].name)
				xs[k] = (struct rte_bpf_xsym){ .name = "none",
					.type = RTE_BPF_XTYPE_VAR, .var = {
					.val = buf, .desc = { RTE_BPF_ARG_RAW,
					8, 0 } } };
		prm.ins = (const struct ebpf_insn *)d;
		prm.nb_ins = in.n_insns;
		prm.xsym = xs;
		prm.nb_xsym = 66;
		prm.prog_arg = (struct rte_bpf_arg){ RTE_BPF_ARG_PTR_MBUF,
						     sizeof(*mb), 2048 };
		if (ok) {
			char *lb = NULL;
			size_t ll = 0;
			FILE *lf = open_memstream(&lb, &ll);

			rte_openlog_stream(lf);
			rte_log_set_global_level(RTE_LOG_DEBUG);
			b = rte_bpf_load(&prm);
			rte_log_set_global_level(RTE_LOG_EMERG);
			fclose(lf);
			rte_openlog_stream(NULL);
			if (!b && lb) {
				char *e = strstr(lb, "evaluate: ");

				e = e ? e + 10 : lb;
				e[strcspn(e, "\n")] = 0;
				snprintf(dpdk_why, sizeof(dpdk_why), "%.60s", e);
			}
			free(lb);
		}
		if (!ok)
			snprintf(pr->note, sizeof(pr->note),
				 "DPDK n/a: bpf-to-bpf calls/loops refused");
		else if (!b)
			snprintf(pr->note, sizeof(pr->note),
				 "DPDK n/a: validator: %s", dpdk_why);
#define DPDK_PKT do { \
		memcpy(buf + HEADROOM, frame, FRAME_LEN); \
		mb->buf_addr = buf + HEADROOM; dpdk_buf_start = buf; \
		end = (uintptr_t)(buf + HEADROOM + FRAME_LEN); \
		memcpy((uint8_t *)mb + MB_END_OFF, &end, 8); } while (0)
		if (b && profile) {
			long it;

			for (it = 0; it < profile_iters; it++) {
				DPDK_PKT;
				r = rte_bpf_exec(b, mb);
			}
			printf("%s: %ld packets through dpdk-int, verdict %u\n",
			       bp->label, profile_iters, (uint32_t)r);
			rte_bpf_destroy(b);
			b = NULL;
		}
		if (b) {
			DPDK_PKT;
			pr->verdict[1] = (uint32_t)rte_bpf_exec(b, mb);
			MEASURE(pr->ns[1], DPDK_PKT; r = rte_bpf_exec(b, mb));
			pr->have[1] = true;
			if (rte_bpf_get_jit(b, &jit) == 0 && jit.func) {
				DPDK_PKT;
				pr->verdict[2] = (uint32_t)jit.func(mb);
				MEASURE(pr->ns[2], DPDK_PKT; r = jit.func(mb));
				pr->have[2] = true;
			}
			/* eBPF instructions per packet (same program) */
			DPDK_PKT;
			dref_helper = ref_helper;
			dref_run(d, in.n_insns, (uint8_t *)mb, sizeof(*mb),
				 DREF_KERNEL, &dr);
			dref_helper = NULL;
			if (dr.ok)
				pr->bpf_per_pkt = (double)dr.insns;
			rte_bpf_destroy(b);
		}
		(void)r;
		free(d);

		/* ---- native ---- */
		if (bp->native && !profile) {
			uint8_t *data;

#define NAT_PKT do { memcpy(buf + HEADROOM, frame, FRAME_LEN); \
		data = buf + HEADROOM; } while (0)
			NAT_PKT;
			pr->verdict[3] = bp->native(data, data + FRAME_LEN, hm);
			MEASURE(pr->ns[3], NAT_PKT; bp->native(data,
					    data + FRAME_LEN, hm));
			pr->have[3] = true;
		}
		free(buf);
		free(mb);
	}
done:
	nfpe_prog_free(prog);
	nfpe_jit_result_free(&nfpe_jit_user_alloc, &jr);
	nfpe_maps_destroy(dm);
	nfpe_jit_input_free(&in);
	nfpe_jit_obj_close(obj);
	free(t);
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *out = NULL;
	struct prog_res res[16];
	struct nfpe_caps caps;
	char cpu[128] = "?", load[64] = "?", line[256];
	FILE *f, *o;
	double lg[3] = { 0 }, xg[4] = { 0 };
	int nlg[3] = { 0 }, nxg[4] = { 0 }, i;
	uint32_t np = sizeof(progs) / sizeof(progs[0]);
	time_t now = time(NULL);

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--secs") && i + 1 < argc)
			secs_per_rep = atof(argv[++i]);
		else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
			reps = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--progs") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--wall"))
			bench_clock = CLOCK_MONOTONIC;
		else if (!strcmp(argv[i], "--dpdk-int"))
			profile_dpdk = true;
		else if (!strcmp(argv[i], "--x86"))
			profile_x86 = true;
		else if (!strcmp(argv[i], "--profile") && i + 1 < argc)
			profile = argv[++i];
		else if (!strcmp(argv[i], "--iters") && i + 1 < argc)
			profile_iters = atol(argv[++i]);
	}
	if (reps < 1 || reps > 63)
		reps = 5;
	if (!dir)
		dir = ".";
	rte_log_set_global_level(RTE_LOG_EMERG);
	nfpe_caps_default(&caps);
	f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "model name", 10)) {
			snprintf(cpu, sizeof(cpu), "%s", strchr(line, ':') + 2);
			cpu[strcspn(cpu, "\n")] = 0;
			break;
		}
	if (f)
		fclose(f);
	f = fopen("/proc/loadavg", "r");
	if (f && fgets(load, sizeof(load), f))
		load[strcspn(load, "\n")] = 0;
	if (f)
		fclose(f);

	if (profile) {
		for (i = 0; i < (int)np; i++)
			if (strstr(progs[i].label, profile))
				run_prog(dir, &progs[i], &res[i], &caps);
		return 0;
	}
	for (i = 0; i < (int)np; i++)
		run_prog(dir, &progs[i], &res[i], &caps);

	o = out ? fopen(out, "w") : NULL;
	for (f = stdout; f; f = (f == stdout ? o : NULL)) {
		fprintf(f, "nfp-ebpf offline engine benchmark (tests/bench/bench-engines.c)\n");
		fprintf(f, "date %s", ctime(&now));
		fprintf(f, "machine: %ld CPUs online, %s, load average before: %s\n",
			sysconf(_SC_NPROCESSORS_ONLN), cpu, load);
		fprintf(f, "per packet: %d-byte UDP/IPv4 frame copied into the engine's buffer + one run; median of %d runs of %.2f s of %s\n\n",
			FRAME_LEN, reps, secs_per_rep,
			bench_clock == CLOCK_MONOTONIC ? "wall time" :
			"thread CPU time");
		fprintf(f, "%-27s %8s %9s %8s %8s %8s | %7s %7s %7s | %6s %6s %5s %s\n",
			"program", "nfp-ebpf", "ours(x86)", "dpdk-int",
			"dpdk-jit", "native", "vs int", "vs jit", "vs nat",
			"ebpf/p", "mc/p", "mc/eb", "verdicts n/i/j/c/x");
		fprintf(f, "%-27s %8s %9s %8s %8s %8s | %7s %7s %7s |\n", "",
			"ns/pkt", "ns/pkt", "ns/pkt", "ns/pkt", "ns/pkt", "(x)",
			"(x)", "(x)");
		for (i = 0; i < (int)np; i++) {
			struct prog_res *p = &res[i];
			char c[5][16], rt[3][16], eb[16], ratio[16];
			int e;

			for (e = 0; e < 5; e++)
				snprintf(c[e], sizeof(c[e]), p->have[e] ? "%.1f" : "n/a",
					 p->ns[e]);
			for (e = 0; e < 3; e++) {
				if (p->have[0] && p->have[e + 1])
					snprintf(rt[e], sizeof(rt[e]), "%.2f",
						 p->ns[e + 1] / p->ns[0]);
				else
					snprintf(rt[e], sizeof(rt[e]), "n/a");
			}
			snprintf(eb, sizeof(eb), p->bpf_per_pkt ? "%.0f" : "n/a",
				 p->bpf_per_pkt);
			snprintf(ratio, sizeof(ratio), p->bpf_per_pkt ? "%.2f" : "n/a",
				 p->mc_per_pkt / (p->bpf_per_pkt ? p->bpf_per_pkt : 1));
			fprintf(f, "%-27s %8s %9s %8s %8s %8s | %7s %7s %7s | %6s %6.0f %5s %u/%u/%u/%u/%u %s\n",
				p->name, c[0], c[4], c[1], c[2], c[3], rt[0],
				rt[1], rt[2], eb, p->mc_per_pkt, ratio,
				p->verdict[0], p->verdict[1], p->verdict[2],
				p->verdict[3], p->verdict[4], p->note);
			if (f == stdout) {
				for (e = 0; e < 3; e++)
					if (p->have[0] && p->have[e + 1]) {
						lg[e] += __builtin_log(p->ns[e + 1] / p->ns[0]);
						nlg[e]++;
					}
				for (e = 0; e < 3; e++)
					if (p->have[4] && p->have[e + 1]) {
						xg[e] += __builtin_log(p->ns[e + 1] / p->ns[4]);
						nxg[e]++;
					}
				if (p->have[4]) {
					xg[3] += __builtin_log(p->ns[0] / p->ns[4]);
					nxg[3]++;
				}
			}
		}
		fprintf(f, "geometric mean of ratios (other engine's ns / nfp-ebpf ns; >1: nfp-ebpf faster): vs dpdk-int %.2f (%d progs), vs dpdk-jit %.2f (%d), vs native %.2f (%d)\n\n",
			nlg[0] ? __builtin_exp(lg[0] / nlg[0]) : 0, nlg[0],
			nlg[1] ? __builtin_exp(lg[1] / nlg[1]) : 0, nlg[1],
			nlg[2] ? __builtin_exp(lg[2] / nlg[2]) : 0, nlg[2]);
		fprintf(f, "geometric mean, ours(x86) (other engine's ns / x86 ns): vs dpdk-int %.2f (%d progs), vs dpdk-jit %.2f (%d), vs native %.2f (%d), vs our interpreter %.2f (%d)\n\n",
			nxg[0] ? __builtin_exp(xg[0] / nxg[0]) : 0, nxg[0],
			nxg[1] ? __builtin_exp(xg[1] / nxg[1]) : 0, nxg[1],
			nxg[2] ? __builtin_exp(xg[2] / nxg[2]) : 0, nxg[2],
			nxg[3] ? __builtin_exp(xg[3] / nxg[3]) : 0, nxg[3]);
		fprintf(f, "cycle model: %u cores x %u threads at %u MHz\n",
			caps.cores, caps.threads, caps.clock_mhz);
		fprintf(f, "%-27s %6s %6s %9s %8s %12s\n", "program", "eBPF", "mc",
			"mc insn/p", "cyc/pkt", "stall/pkt");
		for (i = 0; i < (int)np; i++)
			fprintf(f, "%-27s %6u %6u %9.1f %8.1f %8.1f  %8.2f Mpps modelled\n",
				res[i].name, res[i].n_bpf, res[i].n_mc,
				res[i].mc_per_pkt, res[i].cyc_per_pkt,
				res[i].stall_per_pkt,
				(double)res[i].model_pps / 1e6);
	}
	if (o)
		fclose(o);
	return 0;
}
