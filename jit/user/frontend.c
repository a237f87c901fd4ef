// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * frontend.c - BPF ELF objects for the userspace JIT.
 *
 * libbpf 1.1 applies relocations only when it loads a program into the
 * kernel, which the offline tool must not need.  So libbpf is used for
 * what it parses well without loading (the program list with sections
 * and types, BTF-defined and legacy map definitions), and libelf for the
 * raw code and its relocation records, which this file applies the way
 * libbpf's loader does: map references become BPF_PSEUDO_MAP_IDX with
 * the map's slot, calls into .text append the called subprograms after
 * the program and get their pc-relative offsets.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gelf.h>
#include <libelf.h>
#include <bpf/libbpf.h>

#include "nfpe_jit_user.h"

static void *ua_alloc(void *opaque, size_t size)
{
	return calloc(1, size ? size : 1);
}

static void ua_free(void *opaque, void *ptr)
{
	free(ptr);
}

const struct nfpe_jit_alloc nfpe_jit_user_alloc = {
	.alloc = ua_alloc,
	.free = ua_free,
};

struct obj_sec {
	const char *name;
	GElf_Shdr shdr;
	Elf_Data *data;
};

struct obj_prog {
	char name[64];
	char section[64];
	enum bpf_prog_type type;
	uint32_t flags;		/* BPF_F_* the loader passes */
};

struct nfpe_jit_obj {
	struct bpf_object *bpf;
	int fd;
	Elf *elf;
	size_t nsec;
	struct obj_sec *sec;
	int symtab;
	Elf_Data *symdata;
	size_t nsym;
	struct obj_prog *progs;
	int nprogs;
	bool used_maps_only;
};

static int errf(char *err, size_t len, int rc, const char *fmt, ...)
	nfpe_printf(4, 5);

static int errf(char *err, size_t len, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return rc;
}

static int silent_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_WARN && getenv("NFPE_JIT_VERBOSE"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

int nfpe_jit_obj_open(const char *path, struct nfpe_jit_obj **objp,
		      char *err, size_t errlen)
{
	struct nfpe_jit_obj *o;
	struct bpf_program *prog;
	size_t shstrndx, k;
	long lerr;

	o = calloc(1, sizeof(*o));
	if (!o)
		return errf(err, errlen, -ENOMEM, "out of memory");
	o->fd = -1;
	o->symtab = -1;
	libbpf_set_print(silent_print);
	o->bpf = bpf_object__open_file(path, NULL);
	lerr = libbpf_get_error(o->bpf);
	if (lerr) {
		o->bpf = NULL;
		nfpe_jit_obj_close(o);
		return errf(err, errlen, (int)lerr,
			    "%s: not a BPF object libbpf can open (%s)", path,
			    strerror((int)-lerr));
	}
	if (elf_version(EV_CURRENT) == EV_NONE)
		goto bad_elf;
	o->fd = open(path, O_RDONLY);
	if (o->fd < 0)
		goto bad_elf;
	o->elf = elf_begin(o->fd, ELF_C_READ, NULL);
	if (!o->elf || elf_getshdrnum(o->elf, &o->nsec) ||
	    elf_getshdrstrndx(o->elf, &shstrndx))
		goto bad_elf;
	o->sec = calloc(o->nsec, sizeof(*o->sec));
	if (!o->sec)
		goto bad_elf;
	for (k = 1; k < o->nsec; k++) {
		Elf_Scn *scn = elf_getscn(o->elf, k);

		if (!scn || !gelf_getshdr(scn, &o->sec[k].shdr))
			goto bad_elf;
		o->sec[k].name = elf_strptr(o->elf, shstrndx,
					    o->sec[k].shdr.sh_name);
		o->sec[k].data = elf_getdata(scn, NULL);
		if (o->sec[k].shdr.sh_type == SHT_SYMTAB) {
			o->symtab = k;
			o->symdata = o->sec[k].data;
			o->nsym = o->sec[k].shdr.sh_size /
				  o->sec[k].shdr.sh_entsize;
		}
	}
	if (o->symtab < 0)
		goto bad_elf;
	bpf_object__for_each_program(prog, o->bpf)
		o->nprogs++;
	o->progs = calloc(o->nprogs + 1, sizeof(*o->progs));
	if (!o->progs)
		goto bad_elf;
	o->nprogs = 0;
	bpf_object__for_each_program(prog, o->bpf) {
		struct obj_prog *p = &o->progs[o->nprogs++];

		snprintf(p->name, sizeof(p->name), "%s",
			 bpf_program__name(prog));
		snprintf(p->section, sizeof(p->section), "%s",
			 bpf_program__section_name(prog));
		p->type = bpf_program__type(prog);
		/* libbpf adds the flag at load time, from the section */
		p->flags = bpf_program__flags(prog);
		if (!strncmp(p->section, "xdp.frags", 9))
			p->flags |= BPF_F_XDP_HAS_FRAGS;
	}
	*objp = o;
	return 0;
bad_elf:
	nfpe_jit_obj_close(o);
	return errf(err, errlen, -EINVAL, "%s: cannot read the ELF file",
		    path);
}

void nfpe_jit_obj_close(struct nfpe_jit_obj *o)
{
	if (!o)
		return;
	if (o->elf)
		elf_end(o->elf);
	if (o->fd >= 0)
		close(o->fd);
	if (o->bpf)
		bpf_object__close(o->bpf);
	free(o->sec);
	free(o->progs);
	free(o);
}

int nfpe_jit_obj_prog_count(const struct nfpe_jit_obj *o)
{
	return o->nprogs;
}

const char *nfpe_jit_obj_prog_name(const struct nfpe_jit_obj *o, int i)
{
	return o->progs[i].name;
}

const char *nfpe_jit_obj_prog_section(const struct nfpe_jit_obj *o, int i)
{
	return o->progs[i].section;
}

int nfpe_jit_obj_find(const struct nfpe_jit_obj *o, const char *section,
		      const char *name)
{
	int i;

	for (i = 0; i < o->nprogs; i++) {
		if (section && strcmp(o->progs[i].section, section))
			continue;
		if (name && strcmp(o->progs[i].name, name))
			continue;
		return i;
	}
	return -1;
}

/* ---- linking ------------------------------------------------------ */

struct func {
	int sec;
	uint32_t start, n;	/* in insns, within the section */
	uint32_t out;		/* position in the linked program */
};

struct link {
	struct nfpe_jit_obj *o;
	struct nfpe_jit_input *in;
	struct func funcs[NFPE_IMAGE_MAX_ENTRIES];
	int nfuncs;
	uint32_t cap;
	char *err;
	size_t errlen;
};

static bool get_sym(struct nfpe_jit_obj *o, size_t idx, GElf_Sym *sym)
{
	return gelf_getsym(o->symdata, idx, sym) != NULL;
}

static const char *sym_name(struct nfpe_jit_obj *o, const GElf_Sym *sym)
{
	return elf_strptr(o->elf, o->sec[o->symtab].shdr.sh_link,
			  sym->st_name);
}

/* The FUNC symbol of section sec starting at insn idx. */
static bool find_func(struct nfpe_jit_obj *o, int sec, uint32_t idx,
		      const char *name, struct func *f)
{
	GElf_Sym sym;
	size_t k;

	for (k = 1; k < o->nsym; k++) {
		if (!get_sym(o, k, &sym) || GELF_ST_TYPE(sym.st_info) !=
		    STT_FUNC)
			continue;
		if (name ? strcmp(sym_name(o, &sym), name) :
		    ((int)sym.st_shndx != sec || sym.st_value != idx * 8ull))
			continue;
		f->sec = sym.st_shndx;
		f->start = sym.st_value / 8;
		f->n = sym.st_size / 8;
		return f->sec > 0 && (size_t)f->sec < o->nsec;
	}
	return false;
}

static int add_func(struct link *l, const struct func *f)
{
	struct nfpe_jit_input *in = l->in;
	struct func *nf;
	int k;

	for (k = 0; k < l->nfuncs; k++)
		if (l->funcs[k].sec == f->sec && l->funcs[k].start == f->start)
			return k;
	if (l->nfuncs == NFPE_IMAGE_MAX_ENTRIES)
		return errf(l->err, l->errlen, -E2BIG, "too many subprograms");
	if ((uint64_t)(f->start + f->n) * 8 >
	    l->o->sec[f->sec].shdr.sh_size || !l->o->sec[f->sec].data)
		return errf(l->err, l->errlen, -EINVAL,
			    "function outside its section");
	nf = &l->funcs[l->nfuncs];
	*nf = *f;
	nf->out = in->n_insns;
	if (in->n_insns + f->n > l->cap) {
		uint32_t cap = (in->n_insns + f->n) * 2;
		void *p = realloc(in->insns, cap * sizeof(*in->insns));

		if (!p)
			return errf(l->err, l->errlen, -ENOMEM,
				    "out of memory");
		in->insns = p;
		l->cap = cap;
	}
	memcpy(in->insns + in->n_insns,
	       (uint8_t *)l->o->sec[f->sec].data->d_buf + f->start * 8,
	       f->n * 8);
	in->n_insns += f->n;
	return l->nfuncs++;
}

static int map_slot(struct link *l, const char *name)
{
	struct nfpe_jit_input *in = l->in;
	struct bpf_map *m;
	uint32_t k;

	for (k = 0; k < in->n_maps; k++)
		if (!strcmp(in->map_names[k], name))
			return k;
	m = bpf_object__find_map_by_name(l->o->bpf, name);
	if (!m)
		return errf(l->err, l->errlen, -ENOENT, "map %s not found",
			    name);
	if (in->n_maps == NFPE_IMAGE_MAX_MAPS)
		return errf(l->err, l->errlen, -E2BIG, "too many maps");
	in->maps[k].type = bpf_map__type(m);
	in->maps[k].key_size = bpf_map__key_size(m);
	in->maps[k].value_size = bpf_map__value_size(m);
	in->maps[k].max_entries = bpf_map__max_entries(m);
	in->maps[k].flags = bpf_map__map_flags(m);
	snprintf(in->map_names[k], sizeof(in->map_names[k]), "%s", name);
	in->n_maps++;
	return k;
}

static bool is_maps_section(const char *name)
{
	return name && (!strcmp(name, "maps") || !strcmp(name, ".maps") ||
			!strncmp(name, "maps/", 5));
}

/* Apply relocations and calls of linked function fi. */
static int link_func(struct link *l, int fi)
{
	struct nfpe_jit_obj *o = l->o;
	struct func f = l->funcs[fi];
	int32_t *call_tgt;
	uint32_t i;
	size_t s;
	int rc = 0;

	call_tgt = calloc(f.n + 1, sizeof(*call_tgt));
	if (!call_tgt)
		return errf(l->err, l->errlen, -ENOMEM, "out of memory");
	for (i = 0; i < f.n; i++)
		call_tgt[i] = -1;
	for (s = 1; s < o->nsec && !rc; s++) {
		GElf_Shdr *sh = &o->sec[s].shdr;
		size_t nrel, r;

		if (sh->sh_type != SHT_REL || (int)sh->sh_info != f.sec)
			continue;
		nrel = sh->sh_size / sh->sh_entsize;
		for (r = 0; r < nrel && !rc; r++) {
			GElf_Rel rel;
			GElf_Sym sym;
			struct nfpe_bpf_insn *in;
			const char *sname;
			uint32_t idx, out;
			int slot;

			if (!gelf_getrel(o->sec[s].data, r, &rel) ||
			    !get_sym(o, GELF_R_SYM(rel.r_info), &sym))
				continue;
			if (rel.r_offset < f.start * 8ull ||
			    rel.r_offset >= (f.start + f.n) * 8ull)
				continue;
			idx = rel.r_offset / 8 - f.start;
			out = f.out + idx;
			in = &l->in->insns[out];
			sname = sym.st_shndx && sym.st_shndx < o->nsec ?
				o->sec[sym.st_shndx].name : NULL;
			if (in->code == (NFPE_BPF_JMP | NFPE_BPF_CALL) &&
			    in->src_reg == NFPE_BPF_PSEUDO_CALL) {
				call_tgt[idx] = sym.st_value / 8 + in->imm + 1;
				call_tgt[idx] |= (int32_t)sym.st_shndx << 20;
				continue;
			}
			if (in->code != (NFPE_BPF_LD | NFPE_BPF_IMM | NFPE_BPF_DW)) {
				rc = errf(l->err, l->errlen, -EINVAL,
					  "insn %u: relocation on an instruction that takes none",
					  out);
				break;
			}
			if (is_maps_section(sname)) {
				slot = map_slot(l, sym_name(o, &sym));
				if (slot < 0) {
					rc = slot;
					break;
				}
				in->src_reg = NFPE_BPF_PSEUDO_MAP_IDX;
				in->imm = slot;
			} else if (sym.st_shndx == SHN_UNDEF) {
				in->src_reg = NFPE_BPF_PSEUDO_BTF_ID;
			} else if (sname && o->sec[sym.st_shndx].shdr.sh_flags &
				   SHF_EXECINSTR) {
				in->src_reg = NFPE_BPF_PSEUDO_FUNC;
			} else {
				in->src_reg = NFPE_BPF_PSEUDO_MAP_VALUE;
			}
		}
	}
	for (i = 0; i < f.n && !rc; i++) {
		struct nfpe_bpf_insn *in = &l->in->insns[f.out + i];
		struct func callee;
		int sec = f.sec, k;
		uint32_t t;

		if (in->code != (NFPE_BPF_JMP | NFPE_BPF_CALL) ||
		    in->src_reg != NFPE_BPF_PSEUDO_CALL)
			continue;
		if (call_tgt[i] >= 0) {
			sec = call_tgt[i] >> 20;
			t = call_tgt[i] & 0xfffff;
		} else {
			t = f.start + i + in->imm + 1;
		}
		if (sec == f.sec && t >= f.start && t < f.start + f.n) {
			in->imm = (int32_t)(t - f.start) - (int32_t)i - 1;
			continue;
		}
		if (!find_func(o, sec, t, NULL, &callee)) {
			rc = errf(l->err, l->errlen, -EINVAL,
				  "insn %u: call target is not a function",
				  f.out + i);
			break;
		}
		k = add_func(l, &callee);
		if (k < 0) {
			rc = k;
			break;
		}
		in = &l->in->insns[f.out + i];	/* insns may have moved */
		in->imm = (int32_t)l->funcs[k].out - (int32_t)(f.out + i) - 1;
	}
	free(call_tgt);
	return rc;
}

int nfpe_jit_obj_set_type(struct nfpe_jit_obj *o, int i, uint32_t type)
{
	struct obj_prog *p = &o->progs[i];

	if (type != NFPE_PROG_XDP && type != NFPE_PROG_TC)
		return -EINVAL;
	if (p->type != BPF_PROG_TYPE_UNSPEC)
		return -EEXIST;
	p->type = type == NFPE_PROG_XDP ? BPF_PROG_TYPE_XDP :
		  BPF_PROG_TYPE_SCHED_CLS;
	return 0;
}

void nfpe_jit_obj_set_used_maps(struct nfpe_jit_obj *o, bool used_only)
{
	o->used_maps_only = used_only;
}

int nfpe_jit_obj_prepare(struct nfpe_jit_obj *o, int i,
			 struct nfpe_jit_input *in, char *err, size_t errlen)
{
	struct obj_prog *p = &o->progs[i];
	struct bpf_map *m;
	struct link *l;
	struct func main_f;
	int k, rc;

	memset(in, 0, sizeof(*in));
	snprintf(in->name, sizeof(in->name), "%s", p->name);
	snprintf(in->section, sizeof(in->section), "%s", p->section);
	if (p->type == BPF_PROG_TYPE_XDP)
		in->prog_type = NFPE_PROG_XDP;
	else if (p->type == BPF_PROG_TYPE_SCHED_CLS)
		in->prog_type = NFPE_PROG_TC;
	else
		return errf(err, errlen, -EOPNOTSUPP,
			    "program type %s cannot be offloaded (XDP and cls_bpf only)",
			    libbpf_bpf_prog_type_str(p->type) ?
			    libbpf_bpf_prog_type_str(p->type) : "unknown");
	/*
	 * The loaders (ip, tc, bpftool) create every map of the object on
	 * the device before the verifier sees a program, so one map the
	 * device cannot hold refuses every program of the object.
	 */
	bpf_object__for_each_map(m, o->bpf) {
		uint32_t t = bpf_map__type(m);

		if (o->used_maps_only)
			break;
		if (t == BPF_MAP_TYPE_ARRAY || t == BPF_MAP_TYPE_HASH ||
		    t == BPF_MAP_TYPE_PERF_EVENT_ARRAY)	/* stays on the host */
			continue;
		return errf(err, errlen, -EOPNOTSUPP,
			    "map '%s': map type %s cannot be offloaded (the loader creates every map of the object on the device)",
			    bpf_map__name(m), nfpe_jit_map_type_name(t));
	}
	/* the kernel refuses any program flag for a device (offload.c) */
	if (p->flags)
		return errf(err, errlen, -EOPNOTSUPP,
			    "program flags 0x%x%s cannot be offloaded",
			    p->flags, p->flags == BPF_F_XDP_HAS_FRAGS ?
			    " (BPF_F_XDP_HAS_FRAGS: section xdp.frags)" : "");
	in->maps = calloc(NFPE_IMAGE_MAX_MAPS, sizeof(*in->maps));
	in->map_names = calloc(NFPE_IMAGE_MAX_MAPS, sizeof(*in->map_names));
	l = calloc(1, sizeof(*l));
	if (!in->maps || !in->map_names || !l) {
		free(l);
		nfpe_jit_input_free(in);
		return errf(err, errlen, -ENOMEM, "out of memory");
	}
	l->o = o;
	l->in = in;
	l->err = err;
	l->errlen = errlen;
	if (!find_func(o, 0, 0, p->name, &main_f)) {
		rc = errf(err, errlen, -EINVAL, "program %s has no symbol",
			  p->name);
		goto out;
	}
	rc = add_func(l, &main_f);
	for (k = 0; rc >= 0 && k < l->nfuncs; k++)
		rc = link_func(l, k);
	if (rc < 0)
		goto out;
	in->facts = calloc(in->n_insns + 1, sizeof(*in->facts));
	if (!in->facts) {
		rc = errf(err, errlen, -ENOMEM, "out of memory");
		goto out;
	}
	/*
	 * The kernel resolves map references before it verifies anything:
	 * a global data reference (map value) refuses the program first.
	 */
	for (k = 0; k + 1 < (int)in->n_insns; k++) {
		const struct nfpe_bpf_insn *b = &in->insns[k];

		if (b->code == (NFPE_BPF_LD | NFPE_BPF_IMM | NFPE_BPF_DW) &&
		    (b->src_reg == NFPE_BPF_PSEUDO_MAP_VALUE ||
		     b->src_reg == NFPE_BPF_PSEUDO_MAP_IDX_VALUE)) {
			rc = errf(err, errlen, -EOPNOTSUPP,
				  "insn %d: direct map value access (global data) cannot be offloaded",
				  k);
			goto out;
		}
		if (b->code == (NFPE_BPF_LD | NFPE_BPF_IMM | NFPE_BPF_DW))
			k++;
	}
	rc = nfpe_jit_analyze(in->insns, in->n_insns, in->prog_type, in->maps,
			      in->n_maps, in->facts, in->stack_depth,
			      &in->n_subprogs, err, errlen);
	/*
	 * An unproven access (-EACCES) through a reference the core refuses
	 * anyway (pass_checks, same messages): give the core's reason.
	 */
	for (k = 0; rc == -EACCES && k + 1 < (int)in->n_insns; k++) {
		const struct nfpe_bpf_insn *b = &in->insns[k];
		const char *why = NULL;

		if (b->code != (NFPE_BPF_LD | NFPE_BPF_IMM | NFPE_BPF_DW))
			continue;
		if (b->src_reg == NFPE_BPF_PSEUDO_MAP_VALUE ||
		    b->src_reg == NFPE_BPF_PSEUDO_MAP_IDX_VALUE)
			why = "direct map value access (global data)";
		else if (b->src_reg == NFPE_BPF_PSEUDO_FUNC)
			why = "callback functions";
		else if (b->src_reg && b->src_reg != NFPE_BPF_PSEUDO_MAP_FD &&
			 b->src_reg != NFPE_BPF_PSEUDO_MAP_IDX)
			why = "kernel object reference";
		if (why) {
			rc = errf(err, errlen, -EOPNOTSUPP,
				  "insn %d: %s cannot be offloaded", k, why);
			break;
		}
		k++;
	}
out:
	free(l);
	if (rc < 0)
		nfpe_jit_input_free(in);
	return rc < 0 ? rc : 0;
}

void nfpe_jit_input_free(struct nfpe_jit_input *in)
{
	free(in->insns);
	free(in->facts);
	free(in->maps);
	free(in->map_names);
	in->insns = NULL;
	in->facts = NULL;
	in->maps = NULL;
	in->map_names = NULL;
}
