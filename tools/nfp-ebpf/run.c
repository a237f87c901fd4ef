/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run.c - "nfp-ebpf run": a program image over a pcap, through the same
 * map engine, loader and interpreter the device uses.
 *
 * The image's map table is instantiated with nfpe_maps (one map per
 * slot, as declared), the slots are bound by writing the new map ids
 * into a copy of the image, --map options pre-load entries, and every
 * frame runs on one hardware thread.  Per packet: verdict, length in and
 * out, instructions, cycles; then totals and the cycle model's packet
 * rate; optionally the surviving frames to a pcap and the maps' contents.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfp-ebpf.h"
#include "pcap.h"

#define DEF_MAP_MEM	(16u << 20)

struct run_opts {
	gchar *pcap_in, *pcap_out;
	gchar **maps;
	gboolean dump_maps, quiet;
	gint port, core;
	gint64 seed;
	gint64 map_mem;
};

struct run_env {
	GRand *rand;
	uint64_t now_ns;
};

static uint32_t env_random(void *opaque)
{
	struct run_env *e = opaque;

	return g_rand_int(e->rand);
}

static uint64_t env_ktime(void *opaque)
{
	struct run_env *e = opaque;

	return e->now_ns;
}

/* Hex bytes, optionally with ':' '-' '.' or '_' between them. */
static uint8_t *parse_hex(const char *s, size_t *len)
{
	GByteArray *b = g_byte_array_new();
	int hi = -1;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++) {
		int v = g_ascii_xdigit_value(*s);

		if (v < 0) {
			if (strchr(":-._", *s) && hi < 0)
				continue;
			g_byte_array_free(b, TRUE);
			return NULL;
		}
		if (hi < 0) {
			hi = v;
		} else {
			guint8 byte = (guint8)(hi << 4 | v);

			g_byte_array_append(b, &byte, 1);
			hi = -1;
		}
	}
	if (hi >= 0) {
		g_byte_array_free(b, TRUE);
		return NULL;
	}
	*len = b->len;
	return g_byte_array_free(b, FALSE);
}

static void print_hex(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%s%02x", i ? " " : "", p[i]);
}

/* --map SLOT:KEY=VALUE */
static gboolean preload(struct nfpe_maps *maps, const uint32_t *ids,
			uint32_t n_maps, uint32_t cores, const char *spec)
{
	const char *colon = strchr(spec, ':'), *eq = strchr(spec, '=');
	struct nfpe_map_decl d;
	gchar *slot_s, *key_s;
	uint8_t *key = NULL, *val = NULL, *all = NULL;
	size_t klen, vlen;
	guint64 slot;
	gboolean ok = FALSE;
	int err;

	if (!colon || !eq || eq < colon) {
		fprintf(stderr, "nfp-ebpf run: --map %s: expected "
			"SLOT:KEYHEX=VALUEHEX\n", spec);
		return FALSE;
	}
	slot_s = g_strndup(spec, (gsize)(colon - spec));
	key_s = g_strndup(colon + 1, (gsize)(eq - colon - 1));
	if (!g_ascii_string_to_unsigned(slot_s, 10, 0, n_maps ? n_maps - 1 : 0,
					&slot, NULL) || !n_maps) {
		fprintf(stderr, "nfp-ebpf run: --map %s: no map slot '%s' "
			"(the image declares %u)\n", spec, slot_s, n_maps);
		goto out;
	}
	nfpe_map_info(maps, ids[slot], &d);
	key = parse_hex(key_s, &klen);
	val = parse_hex(eq + 1, &vlen);
	if (!key || !val) {
		fprintf(stderr, "nfp-ebpf run: --map %s: key and value are "
			"hex bytes\n", spec);
		goto out;
	}
	if (klen != d.key_size) {
		fprintf(stderr, "nfp-ebpf run: --map %s: key is %zu bytes, "
			"map %" G_GUINT64_FORMAT " has %u-byte keys\n", spec,
			klen, slot, d.key_size);
		goto out;
	}
	if (d.type == NFPE_BPF_MAP_PERCPU_HASH ||
	    d.type == NFPE_BPF_MAP_PERCPU_ARRAY) {
		/* One value for every CPU, or the syscall layout. */
		uint32_t v8 = (d.value_size + 7) & ~7u, c;

		if (vlen == d.value_size) {
			all = g_malloc0((size_t)v8 * cores);
			for (c = 0; c < cores; c++)
				memcpy(all + (size_t)c * v8, val, vlen);
			g_free(val);
			val = all;
			vlen = (size_t)v8 * cores;
		} else if (vlen != (size_t)v8 * cores) {
			fprintf(stderr, "nfp-ebpf run: --map %s: per-CPU value "
				"is %u bytes (same on every CPU) or %u x %u "
				"bytes\n", spec, d.value_size, cores, v8);
			goto out;
		}
	} else if (vlen != d.value_size) {
		fprintf(stderr, "nfp-ebpf run: --map %s: value is %zu bytes, "
			"map %" G_GUINT64_FORMAT " has %u-byte values\n", spec,
			vlen, slot, d.value_size);
		goto out;
	}
	err = nfpe_map_update(maps, ids[slot], key, val, NFPE_MAP_ANY);
	if (err) {
		fprintf(stderr, "nfp-ebpf run: --map %s: update failed: %s\n",
			spec, g_strerror(-err));
		goto out;
	}
	ok = TRUE;
out:
	g_free(slot_s);
	g_free(key_s);
	g_free(key);
	g_free(val);
	return ok;
}

static void dump_map(struct nfpe_maps *maps, uint32_t slot, uint32_t id,
		     uint32_t cores)
{
	struct nfpe_map_decl d;
	uint8_t *key, *next, *val;
	uint32_t n = 0, zero = 0, v8, vlen, c;
	int percpu, is_array, err;

	nfpe_map_info(maps, id, &d);
	percpu = d.type == NFPE_BPF_MAP_PERCPU_HASH ||
		 d.type == NFPE_BPF_MAP_PERCPU_ARRAY;
	is_array = d.type == NFPE_BPF_MAP_ARRAY ||
		   d.type == NFPE_BPF_MAP_PERCPU_ARRAY;
	v8 = (d.value_size + 7) & ~7u;
	vlen = percpu ? v8 * cores : d.value_size;
	key = g_malloc0(d.key_size);
	next = g_malloc0(d.key_size);
	val = g_malloc0(vlen);
	printf("map %u: %s key %u value %u entries %u (device map %u)\n",
	       slot, map_type_name(d.type), d.key_size, d.value_size,
	       d.max_entries, id);
	for (err = nfpe_map_get_next(maps, id, NULL, next); !err;
	     err = nfpe_map_get_next(maps, id, key, next)) {
		uint32_t i;
		int nonzero = 0;

		memcpy(key, next, d.key_size);
		if (nfpe_map_lookup(maps, id, key, val))
			continue;
		n++;
		for (i = 0; i < vlen; i++)
			nonzero |= val[i];
		if (is_array && !nonzero) {
			zero++;
			continue;
		}
		printf("  key ");
		print_hex(key, d.key_size);
		if (!percpu) {
			printf("  value ");
			print_hex(val, d.value_size);
			printf("\n");
			continue;
		}
		printf("\n");
		for (c = 0; c < cores; c++) {
			printf("    cpu%-2u ", c);
			print_hex(val + (size_t)c * v8, d.value_size);
			printf("\n");
		}
	}
	printf("  %u element%s", n, n == 1 ? "" : "s");
	if (is_array)
		printf(", %u all zero (not shown)", zero);
	printf("\n");
	g_free(key);
	g_free(next);
	g_free(val);
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { .seed = 1, .map_mem = DEF_MAP_MEM };
	GOptionEntry entries[] = {
		{ "pcap", 'i', 0, G_OPTION_ARG_FILENAME, &o.pcap_in,
		  "Frames to run (classic pcap, Ethernet)", "IN.pcap" },
		{ "out", 'w', 0, G_OPTION_ARG_FILENAME, &o.pcap_out,
		  "Write the frames that survive (XDP_PASS/XDP_TX, "
		  "TC_ACT_OK/UNSPEC/PIPE), as the program left them",
		  "OUT.pcap" },
		{ "map", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &o.maps,
		  "Pre-load an element before the run (repeatable); per-CPU "
		  "values may be given once for all CPUs",
		  "SLOT:KEYHEX=VALHEX" },
		{ "dump-maps", 'd', 0, G_OPTION_ARG_NONE, &o.dump_maps,
		  "Print every map's contents after the run", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
		  "Only print the totals", NULL },
		{ "port", 0, 0, G_OPTION_ARG_INT, &o.port,
		  "Ingress port the frames arrive on (CSR port, default 0)",
		  "N" },
		{ "core", 0, 0, G_OPTION_ARG_INT, &o.core,
		  "Core that runs the program (selects per-CPU map values, "
		  "default 0)", "N" },
		{ "seed", 0, 0, G_OPTION_ARG_INT64, &o.seed,
		  "Seed of the random engine (default 1)", "N" },
		{ "map-mem", 0, 0, G_OPTION_ARG_INT64, &o.map_mem,
		  "Bytes of device map memory (default 16 MiB)", "BYTES" },
		G_OPTION_ENTRY_NULL
	};
	struct nfpe_caps caps;
	struct nfpe_maps *maps = NULL;
	struct nfpe_prog *prog = NULL;
	struct nfpe_verr verr;
	struct nfpe_thread *t = NULL;
	struct run_env renv = { NULL, 0 };
	struct nfpe_engine_ops ops = { env_random, env_ktime, &renv };
	struct nfpe_env env;
	struct pcap_in in = { 0 };
	struct pcap_out out = { 0 };
	struct pcap_rec rec;
	uint8_t *img = NULL;
	size_t len;
	uint32_t n_maps = 0, map_off, i, prog_type;
	uint32_t ids[NFPE_IMAGE_MAX_MAPS] = { 0 };
	uint64_t verdicts[16] = { 0 }, other = 0, faults = 0, packets = 0;
	uint64_t insns = 0, cycles = 0, stall = 0, written = 0;
	char *err = NULL;
	int rc = EXIT_FAIL, r;

	if (!parse_options("run", "FILE.img", "Run a program over the frames "
			   "of a pcap with the device's map engine and "
			   "interpreter.", "Each frame runs on one hardware "
			   "thread of --core; ktime is the frame's capture "
			   "timestamp.\nPer packet: index, verdict, length "
			   "in -> out, instructions, cycles.", entries, &argc,
			   &argv, 1, 1, &rc))
		return rc;
	if (!o.pcap_in) {
		fprintf(stderr, "nfp-ebpf run: --pcap IN.pcap is required\n");
		return EXIT_USAGE;
	}
	nfpe_caps_default(&caps);
	if (o.core < 0 || (uint32_t)o.core >= caps.cores || o.port < 0 ||
	    o.port >= NFPE_MAX_PORTS || o.map_mem < 0 ||
	    o.map_mem > 0xffffffffll) {
		fprintf(stderr, "nfp-ebpf run: --core must be below %u, --port "
			"below %u, --map-mem below 4 GiB\n", caps.cores,
			NFPE_MAX_PORTS);
		return EXIT_USAGE;
	}
	if (!read_file(argv[1], &img, &len))
		goto out;

	/* The map table, bounds-checked before the validator sees it. */
	if (len >= 80 && le32_at(img) == NFPE_IMAGE_MAGIC) {
		n_maps = le32_at(img + 44);
		map_off = le32_at(img + 48);
		if (n_maps > NFPE_IMAGE_MAX_MAPS ||
		    (uint64_t)map_off + 24ull * n_maps > len)
			n_maps = 0;	/* the validator says why */
	}
	maps = nfpe_maps_create(&tool_alloc, (uint32_t)o.map_mem,
				caps.max_maps, caps.cores);
	if (!maps) {
		fprintf(stderr, "nfp-ebpf run: cannot create %" G_GINT64_FORMAT
			" bytes of map memory\n", o.map_mem);
		goto out;
	}
	for (i = 0; i < n_maps; i++) {
		uint8_t *m = img + map_off + 24 * i;
		struct nfpe_map_decl d = {
			le32_at(m + 4), le32_at(m + 8), le32_at(m + 12),
			le32_at(m + 16), le32_at(m + 20),
		};
		int e = nfpe_map_create(maps, &d, &ids[i]);

		if (e) {
			fprintf(stderr, "%s: map %u (%s key %u value %u "
				"entries %u flags 0x%x): %s\n", argv[1], i,
				map_type_name(d.type), d.key_size,
				d.value_size, d.max_entries, d.flags,
				g_strerror(-e));
			goto out;
		}
		put_le32(m, ids[i]);
	}
	memset(&verr, 0, sizeof(verr));
	if (nfpe_prog_load(&tool_alloc, &caps, maps, img, len, &prog,
			   &verr)) {
		fprintf(stderr, "%s: refused: %s\n", argv[1], verr.msg);
		goto out;
	}
	prog_type = nfpe_prog_type(prog);
	for (i = 0; o.maps && o.maps[i]; i++)
		if (!preload(maps, ids, n_maps, caps.cores, o.maps[i]))
			goto out;

	if (pcap_open_read(&in, o.pcap_in, &err))
		goto out_err;
	if (in.linktype != PCAP_LINKTYPE_ETHERNET)
		fprintf(stderr, "nfp-ebpf run: warning: %s has link type %u, "
			"not Ethernet\n", o.pcap_in, in.linktype);
	if (o.pcap_out &&
	    pcap_open_write(&out, o.pcap_out, in.linktype, in.nsec, &err))
		goto out_err;

	renv.rand = g_rand_new_with_seed((guint32)o.seed);
	env.maps = maps;
	env.ops = &ops;
	env.caps = &caps;
	t = g_malloc0(sizeof(*t));

	while ((r = pcap_read(&in, &rec, &err)) > 0) {
		struct nfpe_run_result res;
		const char *vname;
		uint32_t out_len = 0, pass = 0;
		char why[96] = "";

		nfpe_thread_init(t, (uint32_t)o.core, 0);
		if (nfpe_pkt_setup(t, &caps, rec.data, rec.len,
				   (uint32_t)o.port)) {
			printf("%6" PRIu64 "  skipped: %u-byte frame does not "
			       "fit the packet buffer\n", packets, rec.len);
			packets++;
			continue;
		}
		renv.now_ns = rec.ts_ns;
		memset(&res, 0, sizeof(res));
		nfpe_run(prog, &env, t, &res);
		insns += res.insns;
		cycles += res.cycles;
		stall += res.stall;
		if (res.status != NFPE_RUN_OK) {
			/* The device's verdict for a broken run. */
			faults++;
			res.ret = prog_type == NFPE_PROG_TC ? 2 : 0;
			if (res.status == NFPE_RUN_BUDGET)
				snprintf(why, sizeof(why), "  (instruction "
					 "budget exhausted)");
			else
				snprintf(why, sizeof(why), "  (fault at insn "
					 "%u, address 0x%x)", res.fault_pc,
					 res.fault_addr);
		}
		vname = verdict_name(prog_type, res.ret);
		if (vname && res.ret + 1 < G_N_ELEMENTS(verdicts))
			verdicts[res.ret + 1]++;	/* +1: TC_ACT_UNSPEC */
		else
			other++;
		if (prog_type == NFPE_PROG_XDP)
			pass = res.ret == 2 || res.ret == 3;
		else
			pass = res.ret == 0 || res.ret == 0xffffffffu ||
			       res.ret == 3;
		if (t->csr[NFPE_CSR_PKT_END] >= t->csr[NFPE_CSR_PKT_DATA] &&
		    t->csr[NFPE_CSR_PKT_END] <= sizeof(t->pkt))
			out_len = t->csr[NFPE_CSR_PKT_END] -
				  t->csr[NFPE_CSR_PKT_DATA];
		if (!o.quiet) {
			char vbuf[24];

			if (!vname) {
				snprintf(vbuf, sizeof(vbuf), "%d",
					 (int32_t)res.ret);
				vname = vbuf;
			}
			printf("%6" PRIu64 "  %-14s len %5u -> %5u  insns %6"
			       PRIu64 "  cycles %7" PRIu64 "%s\n", packets,
			       vname, rec.len, out_len, res.insns,
			       res.cycles, why);
		}
		if (pass && o.pcap_out) {
			struct pcap_rec w = {
				rec.ts_ns, out_len + (rec.orig_len > rec.len ?
						      rec.orig_len - rec.len :
						      0),
				out_len, t->pkt + t->csr[NFPE_CSR_PKT_DATA],
			};

			if (pcap_write(&out, &w, &err))
				goto out_err;
			written++;
		}
		packets++;
	}
	if (r < 0)
		goto out_err;

	printf("packets %" PRIu64 ":", packets);
	for (i = 0; i < G_N_ELEMENTS(verdicts); i++)
		if (verdicts[i])
			printf(" %s %" PRIu64, verdict_name(prog_type, i - 1),
			       verdicts[i]);
	if (other)
		printf(" other %" PRIu64, other);
	printf("\n");
	if (faults)
		printf("faults %" PRIu64 " (counted as %s)\n", faults,
		       prog_type == NFPE_PROG_TC ? "TC_ACT_SHOT" :
		       "XDP_ABORTED");
	if (packets) {
		uint64_t pps = nfpe_model_pps(&caps, cycles, stall, packets);

		printf("instructions %" PRIu64 " (%.1f per packet), cycles %"
		       PRIu64 " (%.1f per packet, %" PRIu64 " stalled)\n",
		       insns, (double)insns / packets, cycles,
		       (double)cycles / packets, stall);
		printf("model: %u cores x %u threads at %u MHz: %" PRIu64
		       " packets/s\n", caps.cores, caps.threads,
		       caps.clock_mhz, pps);
	}
	if (o.pcap_out)
		printf("wrote %" PRIu64 " frames to %s\n", written,
		       o.pcap_out);
	if (o.dump_maps)
		for (i = 0; i < n_maps; i++)
			dump_map(maps, i, ids[i], caps.cores);
	if (o.pcap_out && pcap_close_write(&out, &err))
		goto out_err;
	rc = 0;
	goto out;

out_err:
	fprintf(stderr, "nfp-ebpf run: %s\n", err);
	g_free(err);
out:
	if (out.f)
		pcap_close_write(&out, &err);
	pcap_close_read(&in);
	if (renv.rand)
		g_rand_free(renv.rand);
	g_free(t);
	nfpe_prog_free(prog);
	nfpe_maps_destroy(maps);
	g_free(img);
	g_free(o.pcap_in);
	g_free(o.pcap_out);
	g_strfreev(o.maps);
	return rc;
}
