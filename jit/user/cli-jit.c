// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cli-jit.c - `nfp-ebpf jit`: does a BPF object offload, and to what.
 *
 *   nfp-ebpf jit prog.o [--section S | --prog NAME] [-o out.img]
 *                [--no-opt=LIST] [--stats] [--quiet] [--type xdp|tc]
 *                [--used-maps]
 *
 * For each selected program: "offloads" or the refusal reason (exit 1
 * if any program is refused), the microcode disassembly, and with
 * --stats the instruction counts.  LIST is a comma-separated subset of
 * zext,const,dce,pktld,peep,pktst or "all".  --type types the programs whose
 * section name gives no type (old-style names such as SEC("xdp_fwd"),
 * which the loader, e.g. `ip link ... xdp obj`, types itself).  By
 * default a map of the object the device cannot hold refuses every
 * program (the loaders create all maps on the device first, as the
 * kernel answer shows); --used-maps checks only the program's own maps.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfpe_jit_user.h"
#include "nfpe_mc.h"

static int parse_noopt(const char *list, uint32_t *opts)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} names[] = {
		{ "zext", NFPE_JIT_OPT_ZEXT },
		{ "const", NFPE_JIT_OPT_CONST },
		{ "dce", NFPE_JIT_OPT_DCE },
		{ "pktld", NFPE_JIT_OPT_PKTLD },
		{ "peep", NFPE_JIT_OPT_PEEP },
		{ "pktst", NFPE_JIT_OPT_PKTST },
		{ "all", NFPE_JIT_OPT_ALL },
	};
	char buf[256], *tok, *save = NULL;
	size_t k;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (k = 0; k < NFPE_ARRAY_SIZE(names); k++)
			if (!strcmp(tok, names[k].name))
				break;
		if (k == NFPE_ARRAY_SIZE(names)) {
			fprintf(stderr, "nfp-ebpf jit: unknown optimisation '%s' (zext,const,dce,pktld,peep,all)\n",
				tok);
			return -1;
		}
		*opts &= ~names[k].bit;
	}
	return 0;
}

static void caps_from_mc(struct nfpe_jit_caps *jc, const struct nfpe_caps *c)
{
	jc->code_store = c->code_store;
	jc->stack_size = c->stack_size;
	jc->engines = c->engines;
	jc->map_types = c->map_types;
	jc->max_maps = c->max_maps;
	jc->max_key = c->max_key;
	jc->max_value = c->max_value;
	jc->max_entries = c->max_entries;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nfp-ebpf jit OBJ.o [--section S | --prog NAME] [-o OUT.img]\n"
		"                    [--no-opt=zext,const,dce,pktld,peep|all] [--stats] [--quiet]\n"
		"                    [--no-opt=...,pktst] [--type xdp|tc] [--used-maps]\n");
}

static void print_stats(const struct nfpe_jit_input *in,
			const struct nfpe_jit_stats *s)
{
	uint32_t k;

	printf("  stats: ebpf %u insns, microcode %u insns, ratio %.2f, stack %u bytes, %u subprog(s)\n",
	       s->bpf_insns, s->mc_insns,
	       s->bpf_insns ? (double)s->mc_insns / s->bpf_insns : 0.0,
	       s->stack_size, s->subprogs);
	printf("  maps: %u", in->n_maps);
	for (k = 0; k < in->n_maps; k++)
		printf("%s slot %u %s (%s, key %u, value %u, entries %u)",
		       k ? "," : ":", k, in->map_names[k],
		       nfpe_jit_map_type_name(in->maps[k].type),
		       in->maps[k].key_size, in->maps[k].value_size,
		       in->maps[k].max_entries);
	printf("\n  optimisations: %u high halves dropped, %u operands folded, %u dead and %u unreachable eBPF insns removed, %u packet loads and %u packet stores/copies combined, %u peephole removals\n",
	       s->hi_dropped, s->folded, s->dead, s->unreachable,
	       s->pkt_combined, s->pkt_st_combined, s->peep);
}

static int jit_one(struct nfpe_jit_obj *obj, int idx, uint32_t opts,
		   const char *out, bool stats, bool quiet)
{
	const struct nfpe_jit_alloc *a = &nfpe_jit_user_alloc;
	struct nfpe_jit_input in;
	struct nfpe_jit_caps jc;
	struct nfpe_jit_prog p;
	struct nfpe_jit_result res;
	struct nfpe_caps caps;
	struct nfpe_prog *mp = NULL;
	struct nfpe_verr verr;
	char err[256];
	int rc;

	nfpe_caps_default(&caps);
	caps_from_mc(&jc, &caps);
	printf("prog %s (section %s): ", nfpe_jit_obj_prog_name(obj, idx),
	       nfpe_jit_obj_prog_section(obj, idx));
	rc = nfpe_jit_obj_prepare(obj, idx, &in, err, sizeof(err));
	if (rc) {
		printf("does not offload: %s\n", err);
		return 1;
	}
	memset(&p, 0, sizeof(p));
	p.insns = in.insns;
	p.n_insns = in.n_insns;
	p.facts = in.facts;
	p.prog_type = in.prog_type;
	p.maps = in.maps;
	p.n_maps = in.n_maps;
	p.stack_depth = in.stack_depth;
	p.n_stack_depth = in.n_subprogs;
	p.name = in.name;
	p.opts = opts;
	rc = nfpe_jit_compile(a, &jc, &p, &res);
	if (rc) {
		printf("does not offload: %s\n", res.msg);
		nfpe_jit_input_free(&in);
		return 1;
	}
	rc = nfpe_prog_load((const struct nfpe_alloc *)a, &caps, NULL,
			    res.image, res.image_len, &mp, &verr);
	if (rc) {
		printf("JIT BUG: the image fails validation: %s\n", verr.msg);
		nfpe_jit_result_free(a, &res);
		nfpe_jit_input_free(&in);
		return 2;
	}
	nfpe_prog_free(mp);
	printf("offloads (%s, %u eBPF -> %u microcode instructions)\n",
	       in.prog_type == NFPE_PROG_XDP ? "XDP" : "cls_bpf",
	       res.stats.bpf_insns, res.stats.mc_insns);
	if (stats)
		print_stats(&in, &res.stats);
	if (!quiet) {
		size_t need = nfpe_disasm_image(res.image, res.image_len,
						NULL, 0);
		char *text = malloc(need + 1);

		if (text) {
			nfpe_disasm_image(res.image, res.image_len, text,
					  need + 1);
			fputs(text, stdout);
			free(text);
		}
	}
	if (out) {
		FILE *f = fopen(out, "wb");

		if (!f || fwrite(res.image, 1, res.image_len, f) !=
		    res.image_len) {
			fprintf(stderr, "nfp-ebpf jit: cannot write %s: %s\n",
				out, strerror(errno));
			if (f)
				fclose(f);
			rc = 2;
		} else if (fclose(f)) {
			rc = 2;
		}
	}
	nfpe_jit_result_free(a, &res);
	nfpe_jit_input_free(&in);
	return rc;
}

int nfpe_cli_jit(int argc, char **argv)
{
	const char *path = NULL, *section = NULL, *name = NULL, *out = NULL;
	uint32_t opts = NFPE_JIT_OPT_ALL, type = 0;
	bool stats = false, quiet = false, used_maps = false;
	struct nfpe_jit_obj *obj;
	char err[256];
	int i, rc = 0, n;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--section") && i + 1 < argc) {
			section = argv[++i];
		} else if (!strcmp(a, "--prog") && i + 1 < argc) {
			name = argv[++i];
		} else if (!strcmp(a, "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strncmp(a, "--no-opt=", 9)) {
			if (parse_noopt(a + 9, &opts))
				return 2;
		} else if (!strcmp(a, "--type") && i + 1 < argc) {
			a = argv[++i];
			if (!strcmp(a, "xdp")) {
				type = NFPE_PROG_XDP;
			} else if (!strcmp(a, "tc")) {
				type = NFPE_PROG_TC;
			} else {
				usage(stderr);
				return 2;
			}
		} else if (!strcmp(a, "--used-maps")) {
			used_maps = true;
		} else if (!strcmp(a, "--stats")) {
			stats = true;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			quiet = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (a[0] != '-' && !path) {
			path = a;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (!path) {
		usage(stderr);
		return 2;
	}
	if (nfpe_jit_obj_open(path, &obj, err, sizeof(err))) {
		fprintf(stderr, "nfp-ebpf jit: %s\n", err);
		return 2;
	}
	nfpe_jit_obj_set_used_maps(obj, used_maps);
	n = nfpe_jit_obj_prog_count(obj);
	for (i = 0; type && i < n; i++)
		nfpe_jit_obj_set_type(obj, i, type);	/* -EEXIST: typed */
	if (section || name) {
		i = nfpe_jit_obj_find(obj, section, name);
		if (i < 0) {
			fprintf(stderr, "nfp-ebpf jit: no program %s%s in %s\n",
				section ? "in section " : "named ",
				section ? section : name, path);
			nfpe_jit_obj_close(obj);
			return 2;
		}
		rc = jit_one(obj, i, opts, out, stats, quiet);
	} else if (out && n != 1) {
		fprintf(stderr, "nfp-ebpf jit: %s has %d programs: choose one with --section or --prog to write an image\n",
			path, n);
		rc = 2;
	} else {
		for (i = 0; i < n; i++) {
			int r = jit_one(obj, i, opts, out, stats, quiet);

			if (r > rc)
				rc = r;
		}
	}
	nfpe_jit_obj_close(obj);
	return rc;
}
