/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-jit-elf.c - libFuzzer target: the userspace JIT front end
 * (jit/user/frontend.c: libbpf + libelf, relocations, subprogram
 * linking, the abstract interpreter) on arbitrary ELF objects.
 *
 * Two modes:
 *  - template (default): libbpf 1.1.2 (Debian 12) crashes on its own in
 *    bpf_object__open_file() on mutated ELF headers/BTF within seconds
 *    (tests/fuzz/libbpf-crashes/), so the default target keeps the ELF
 *    structure valid: input byte 0 picks a template object (the clang-
 *    built tests/jit/progs objects in tests/fuzz/elf-templates, directory
 *    from $NFPE_FUZZ_ELF_TEMPLATES), the rest overwrites the bytes of its
 *    executable sections (the eBPF code, in order; sizes stay fixed).
 *    What our code parses itself - the code, calls, relocation targets,
 *    the abstract interpreter, the JIT - sees arbitrary instructions.
 *  - raw (NFPE_FUZZ_ELF_RAW=1): the input is the whole object; for long
 *    runs that are ready to triage libbpf's own crashes.
 * With $NFPE_FUZZ_ELF_SEEDS=DIR set, the target writes one seed per
 *    template (the unmodified code) to DIR and exits.
 *
 * The object is written to a memfd and opened by path (/proc/self/fd/N),
 * as `nfp-ebpf jit` opens a file.  Every program of an object that opens
 * is prepared and JIT'ed; an image the core produces must be accepted by
 * the microcode validator against maps created from the object's own map
 * table (when the device can create them), and run on a fixed packet.
 * Refusals must carry a NUL-terminated message.
 *
 * libbpf and libelf are Debian's uninstrumented builds: ASan sees their
 * memory errors only through interceptors or as SEGVs, and their bugs
 * are not ours (docs/reliability.md).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/mman.h>
#include <unistd.h>
#include "nfpe_jit_user.h"
#include "fuzz-host.h"

#define FUZZ_INSN_BUDGET 4096


static void need_msg(const char *what, const char *msg, size_t cap)
{
	if (!memchr(msg, 0, cap) || !msg[0]) {
		fprintf(stderr, "%s: refusal without a message\n", what);
		abort();
	}
}

/* Load the image against maps made from the object's map table. */
static void load_and_run(const struct nfpe_jit_input *in,
			 struct nfpe_jit_result *res, struct nfpe_thread *t)
{
	struct nfpe_image_hdr *h = (struct nfpe_image_hdr *)res->image;
	struct nfpe_image_map *mt;
	struct nfpe_run_result rr;
	struct nfpe_prog *prog;
	struct nfpe_maps *maps;
	struct nfpe_caps caps;
	struct nfpe_verr verr;
	struct nfpe_env env;
	uint32_t i;

	if (res->image_len < sizeof(*h) ||
	    (uint64_t)h->map_off + (uint64_t)h->n_maps * sizeof(*mt) >
	    res->image_len || h->n_maps > in->n_maps)
		abort();
	nfpe_caps_default(&caps);
	caps.insn_budget = FUZZ_INSN_BUDGET;
	maps = nfpe_maps_create(&fuzz_host_alloc, 1 << 20, caps.max_maps, caps.cores);
	if (!maps)
		abort();
	mt = (struct nfpe_image_map *)(res->image + h->map_off);
	for (i = 0; i < h->n_maps; i++) {
		struct nfpe_map_decl decl = {
			mt[i].type, mt[i].key_size, mt[i].value_size,
			mt[i].max_entries, mt[i].flags };

		if (nfpe_map_create(maps, &decl, &mt[i].map_id))
			goto out;	/* too big for 1 MiB: not a JIT issue */
	}
	if (nfpe_prog_load(&fuzz_host_alloc, &caps, maps, res->image, res->image_len,
			   &prog, &verr)) {
		fprintf(stderr, "JIT image refused by the validator: %s\n",
			verr.msg);
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
out:
	nfpe_maps_destroy(maps);
}

#define MAX_TPL 32
#define MAX_XSEC 16
static struct tpl {
	uint8_t *bytes;
	size_t len;
	struct { size_t off, len; } x[MAX_XSEC];	/* exec sections */
	unsigned nx;
} tpls[MAX_TPL];
static unsigned ntpl;
static bool raw_mode;

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void tpl_add(const char *path)
{
	struct tpl *tp = &tpls[ntpl];
	FILE *fp = fopen(path, "rb");
	Elf *elf;
	size_t nsec, k;

	if (!fp || fseek(fp, 0, SEEK_END))
		abort();
	tp->len = ftell(fp);
	rewind(fp);
	tp->bytes = malloc(tp->len);
	if (!tp->bytes || fread(tp->bytes, 1, tp->len, fp) != tp->len)
		abort();
	fclose(fp);
	elf = elf_memory((char *)tp->bytes, tp->len);
	if (!elf || elf_getshdrnum(elf, &nsec))
		abort();
	for (k = 1; k < nsec && tp->nx < MAX_XSEC; k++) {
		GElf_Shdr sh;

		if (!gelf_getshdr(elf_getscn(elf, k), &sh))
			abort();
		if (sh.sh_type == SHT_PROGBITS &&
		    (sh.sh_flags & SHF_EXECINSTR) && sh.sh_size &&
		    sh.sh_offset + sh.sh_size <= tp->len) {
			tp->x[tp->nx].off = sh.sh_offset;
			tp->x[tp->nx].len = sh.sh_size;
			tp->nx++;
		}
	}
	elf_end(elf);
	ntpl++;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("NFPE_FUZZ_ELF_TEMPLATES");
	const char *seeds = getenv("NFPE_FUZZ_ELF_SEEDS");
	char *names[MAX_TPL], path[4096];
	struct dirent *de;
	unsigned n = 0, i, k;
	DIR *d;

	raw_mode = getenv("NFPE_FUZZ_ELF_RAW") != NULL;
	if (raw_mode)
		return 0;
	if (!dir || !(d = opendir(dir))) {
		fprintf(stderr, "fuzz-jit-elf: set NFPE_FUZZ_ELF_TEMPLATES "
			"to tests/fuzz/elf-templates (or NFPE_FUZZ_ELF_RAW=1)\n");
		exit(2);
	}
	elf_version(EV_CURRENT);
	while ((de = readdir(d)) && n < MAX_TPL)
		if (strstr(de->d_name, ".o"))
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), name_cmp);	/* stable indices */
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		tpl_add(path);
		free(names[i]);
	}
	if (!ntpl)
		exit(2);
	if (seeds) {
		for (i = 0; i < ntpl; i++) {
			FILE *fp;
			uint8_t b = i;

			snprintf(path, sizeof(path), "%s/tpl-%02u", seeds, i);
			fp = fopen(path, "wb");
			if (!fp)
				abort();
			fwrite(&b, 1, 1, fp);
			for (k = 0; k < tpls[i].nx; k++)
				fwrite(tpls[i].bytes + tpls[i].x[k].off, 1,
				       tpls[i].x[k].len, fp);
			fclose(fp);
		}
		exit(0);
	}
	return 0;
}

/* The object the input describes, written to fd. */
static bool write_object(int fd, const uint8_t *data, size_t size)
{
	const struct tpl *tp;
	uint8_t *buf;
	size_t pos = 1;
	unsigned k;
	bool ok;

	if (raw_mode)
		return !size || write(fd, data, size) == (ssize_t)size;
	if (!size)
		return false;
	tp = &tpls[data[0] % ntpl];
	buf = malloc(tp->len);
	if (!buf)
		abort();
	memcpy(buf, tp->bytes, tp->len);
	for (k = 0; k < tp->nx && pos < size; k++) {
		size_t n = size - pos < tp->x[k].len ? size - pos :
			   tp->x[k].len;

		memcpy(buf + tp->x[k].off, data + pos, n);
		pos += n;
	}
	ok = write(fd, buf, tp->len) == (ssize_t)tp->len;
	free(buf);
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nfpe_thread *t;
	struct nfpe_jit_obj *obj = NULL;
	struct nfpe_jit_caps jcaps;
	char path[64], err[256];
	int fd, i, n;

	if (!t && !(t = calloc(1, sizeof(*t))))
		abort();
	fd = memfd_create("fuzz-jit-elf", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (!write_object(fd, data, size)) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	memset(err, 0x55, sizeof(err));
	if (nfpe_jit_obj_open(path, &obj, err, sizeof(err))) {
		need_msg("open", err, sizeof(err));
		close(fd);
		return 0;
	}
	nfpe_jit_caps_default(&jcaps);
	n = nfpe_jit_obj_prog_count(obj);
	for (i = 0; i < n && i < 16; i++) {
		struct nfpe_jit_input in;
		struct nfpe_jit_result res;
		struct nfpe_jit_prog jp;

		(void)nfpe_jit_obj_prog_name(obj, i);
		(void)nfpe_jit_obj_prog_section(obj, i);
		memset(&in, 0, sizeof(in));
		memset(err, 0x55, sizeof(err));
		if (nfpe_jit_obj_prepare(obj, i, &in, err, sizeof(err))) {
			need_msg("prepare", err, sizeof(err));
			nfpe_jit_input_free(&in);
			continue;
		}
		memset(&jp, 0, sizeof(jp));
		jp.insns = in.insns;
		jp.n_insns = in.n_insns;
		jp.facts = in.facts;
		jp.prog_type = in.prog_type ? in.prog_type : NFPE_PROG_XDP;
		jp.maps = in.maps;
		jp.n_maps = in.n_maps;
		jp.stack_depth = in.stack_depth;
		jp.n_stack_depth = in.n_subprogs;
		jp.name = in.name;
		jp.opts = NFPE_JIT_OPT_ALL;
		memset(&res, 0, sizeof(res));
		if (nfpe_jit_compile(&nfpe_jit_user_alloc, &jcaps, &jp,
				     &res)) {
			need_msg("jit", res.msg, sizeof(res.msg));
		} else {
			load_and_run(&in, &res, t);
			nfpe_jit_result_free(&nfpe_jit_user_alloc, &res);
		}
		nfpe_jit_input_free(&in);
	}
	nfpe_jit_obj_close(obj);
	close(fd);
	return 0;
}
