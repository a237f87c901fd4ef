/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-jit-insns.c - libFuzzer target: the portable JIT core on arbitrary
 * eBPF instruction arrays, and the microcode validator on what it emits.
 *
 * Input layout:
 *   byte 0   bit 0: facts from the userspace abstract interpreter
 *                   (nfpe_jit_analyze) instead of from the bytes
 *            bit 1: program type TC instead of XDP
 *            bit 2: pass the analyzer's stack depths (analyzer mode)
 *   byte 1   optimisation set (& NFPE_JIT_OPT_ALL)
 *   then records: 8 bytes struct nfpe_bpf_insn, followed in raw-facts
 *   mode by 4 bytes of facts (ptr | map_slot << 4, arg_ptr kinds, flags,
 *   live).  Helper ids 0..255 are mapped onto the helpers the JIT knows
 *   (and some it refuses) so calls are reached often.
 *
 * Properties checked, besides "no crash, no sanitizer report":
 *  - the analyzer and the core refuse with a non-empty NUL-terminated
 *    message and a known errno;
 *  - an image the core produces is ACCEPTED by the microcode validator
 *    (nfpe_prog_load): a JIT image the validator refuses is a JIT bug;
 *  - the image runs on a fixed packet within the budget with a known
 *    status.
 * Facts from the bytes may be lies (a verifier would never say them):
 * the core may then build a program that computes garbage or faults at
 * run time, but it must still be a *valid* image.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nfpe_jit_user.h"
#include "fuzz-host.h"
#include "fuzz-setup.h"

#define MAX_INSNS 256

static const struct nfpe_jit_alloc jalloc = { fuzz_alloc, fuzz_free, NULL };

static const int32_t helpers[] = {
	NFPE_BPF_FUNC_map_lookup_elem, NFPE_BPF_FUNC_map_update_elem,
	NFPE_BPF_FUNC_map_delete_elem, NFPE_BPF_FUNC_ktime_get_ns,
	NFPE_BPF_FUNC_get_prandom_u32, NFPE_BPF_FUNC_tail_call,
	NFPE_BPF_FUNC_perf_event_output, NFPE_BPF_FUNC_xdp_adjust_head,
	NFPE_BPF_FUNC_xdp_adjust_meta, NFPE_BPF_FUNC_xdp_adjust_tail,
	0, 6, 23, 51, 0x7fffffff,
};

static void check_msg(const char *what, int rc, const char *msg,
		      size_t cap, int32_t err_insn, uint32_t n)
{
	if (!memchr(msg, 0, cap) || !msg[0]) {
		fprintf(stderr, "%s: refusal %d without a message\n", what, rc);
		abort();
	}
	if (rc != -NFPE_EINVAL && rc != -NFPE_EOPNOTSUPP &&
	    rc != -NFPE_E2BIG && rc != -NFPE_ENOMEM) {
		fprintf(stderr, "%s: unexpected rc %d: %s\n", what, rc, msg);
		abort();
	}
	if (err_insn < -1 || (err_insn >= 0 && (uint32_t)err_insn >= n)) {
		fprintf(stderr, "%s: err_insn %d out of [0,%u): %s\n", what,
			err_insn, n, msg);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nfpe_maps *maps;
	static struct nfpe_thread *t;
	static uint32_t ids[FUZZ_N_MAPS];
	static struct nfpe_jit_map jmaps[FUZZ_N_MAPS];
	struct nfpe_bpf_insn insns[MAX_INSNS];
	struct nfpe_jit_insn_facts facts[MAX_INSNS];
	uint16_t depth[NFPE_IMAGE_MAX_ENTRIES];
	uint32_t n = 0, nsub = 0, i, rec;
	struct nfpe_jit_caps jcaps;
	struct nfpe_jit_result res;
	struct nfpe_jit_prog jp;
	struct nfpe_image_hdr *h;
	struct nfpe_image_map *mt;
	struct nfpe_run_result rr;
	struct nfpe_prog *prog;
	struct nfpe_caps caps;
	struct nfpe_verr verr;
	struct nfpe_env env;
	uint8_t mode;
	char err[256];
	int rc;

	if (!maps) {
		maps = fuzz_maps_create(&fuzz_host_alloc, ids);
		t = calloc(1, sizeof(*t));
		if (!maps || !t)
			abort();
		for (i = 0; i < FUZZ_N_MAPS; i++)
			jmaps[i] = (struct nfpe_jit_map){
				fuzz_maps[i].type, fuzz_maps[i].key_size,
				fuzz_maps[i].value_size,
				fuzz_maps[i].max_entries, 0 };
	}
	if (size < 2)
		return 0;
	mode = data[0];
	rec = (mode & 1) ? 8 : 12;
	memset(facts, 0, sizeof(facts));
	for (i = 2; i + rec <= size && n < MAX_INSNS; i += rec, n++) {
		struct nfpe_bpf_insn *in = &insns[n];

		memcpy(in, data + i, 8);
		if (in->code == (NFPE_BPF_JMP | NFPE_BPF_CALL) &&
		    in->src_reg == 0 && in->imm >= 0 && in->imm < 256)
			in->imm = helpers[in->imm %
					  (sizeof(helpers) / sizeof(helpers[0]))];
		if (rec == 12) {
			struct nfpe_jit_insn_facts *fa = &facts[n];

			fa->ptr = (data[i + 8] & 0xf) % NFPE_PTR_NUM;
			fa->map_slot = data[i + 8] >> 4;
			fa->arg_ptr[0] = (data[i + 9] & 0xf) % NFPE_PTR_NUM;
			fa->arg_ptr[1] = (data[i + 9] >> 4) % NFPE_PTR_NUM;
			fa->flags = data[i + 10] & 0x1f;
			fa->live = data[i + 11] | (uint16_t)data[i + 11] << 8;
			fa->live &= 0x7ff;
		}
	}
	if (!n)
		return 0;

	memset(&jp, 0, sizeof(jp));
	jp.prog_type = (mode & 2) ? NFPE_PROG_TC : NFPE_PROG_XDP;
	if (mode & 1) {
		memset(err, 0x55, sizeof(err));
		rc = nfpe_jit_analyze(insns, n, jp.prog_type, jmaps,
				      FUZZ_N_MAPS, facts, depth, &nsub, err,
				      sizeof(err));
		if (rc) {
			if (!memchr(err, 0, sizeof(err)) || !err[0]) {
				fprintf(stderr, "analyze: no message\n");
				abort();
			}
			return 0;
		}
		if (nsub > NFPE_IMAGE_MAX_ENTRIES)
			abort();
		if (mode & 4) {
			jp.stack_depth = depth;
			jp.n_stack_depth = nsub;
		}
	}
	jp.insns = insns;
	jp.n_insns = n;
	jp.facts = facts;
	jp.maps = jmaps;
	jp.n_maps = FUZZ_N_MAPS;
	jp.name = "fuzz";
	jp.opts = data[1] & NFPE_JIT_OPT_ALL;

	nfpe_caps_default(&caps);
	caps.insn_budget = FUZZ_INSN_BUDGET;
	nfpe_jit_caps_default(&jcaps);
	memset(&res, 0, sizeof(res));
	rc = nfpe_jit_compile(&jalloc, &jcaps, &jp, &res);
	if (rc) {
		check_msg("jit", rc, res.msg, sizeof(res.msg), res.err_insn, n);
		if (res.image)
			abort();	/* failure must not hand out an image */
		return 0;
	}
	if (!res.image || res.image_len < sizeof(*h))
		abort();
	h = (struct nfpe_image_hdr *)res.image;
	if (h->n_maps > FUZZ_N_MAPS ||
	    (uint64_t)h->map_off + (uint64_t)h->n_maps * sizeof(*mt) >
	    res.image_len)
		abort();
	mt = (struct nfpe_image_map *)(res.image + h->map_off);
	for (i = 0; i < h->n_maps; i++) {
		/* the JIT names slots; the driver patches in device ids */
		uint32_t s;

		for (s = 0; s < FUZZ_N_MAPS; s++)
			if (mt[i].type == fuzz_maps[s].type &&
			    mt[i].key_size == fuzz_maps[s].key_size &&
			    mt[i].value_size == fuzz_maps[s].value_size &&
			    mt[i].max_entries == fuzz_maps[s].max_entries)
				break;
		mt[i].map_id = s < FUZZ_N_MAPS ? ids[s] : ids[0];
	}
	rc = nfpe_prog_load(&fuzz_host_alloc, &caps, maps, res.image, res.image_len,
			    &prog, &verr);
	if (rc) {
		size_t need = nfpe_disasm_image(res.image, res.image_len,
						NULL, 0);
		char *txt = malloc(need + 1);

		nfpe_disasm_image(res.image, res.image_len, txt, need + 1);
		fprintf(stderr, "JIT image refused by the validator: %s\n%s\n",
			verr.msg, txt);
		free(txt);
		abort();
	}
	env.maps = maps;
	env.ops = &fuzz_host_ops;
	env.caps = &caps;
	nfpe_thread_init(t, 0, 0);
	if (nfpe_pkt_setup(t, &caps, fuzz_packet, sizeof(fuzz_packet), 0))
		abort();
	nfpe_run(prog, &env, t, &rr);
	if (rr.status > NFPE_RUN_FAULT || rr.insns > caps.insn_budget)
		abort();
	nfpe_prog_free(prog);
	nfpe_jit_result_free(&jalloc, &res);
	return 0;
}
