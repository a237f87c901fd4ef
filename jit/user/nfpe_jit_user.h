/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpe_jit_user.h - the userspace JIT front end.
 *
 *   nfpe_jit_obj_open()     a BPF ELF object (libbpf for programs and
 *                           BTF/legacy maps, libelf for code and
 *                           relocations)
 *   nfpe_jit_obj_prepare()  one program: link its subprograms, turn map
 *                           relocations into map slots, run the
 *                           abstract interpreter for the facts
 *   nfpe_jit_compile()      the portable core (jit/core/nfpe_jit.h)
 *
 * nfpe_jit_analyze() is the abstract interpreter alone; the tests use it
 * on hand-built instruction arrays.
 */
#ifndef NFPE_JIT_USER_H
#define NFPE_JIT_USER_H

#include <stddef.h>
#include "nfpe_jit.h"

struct nfpe_jit_obj;

/* A program ready for the core: everything owned by this struct. */
struct nfpe_jit_input {
	struct nfpe_bpf_insn *insns;
	uint32_t n_insns;
	struct nfpe_jit_insn_facts *facts;
	struct nfpe_jit_map *maps;	/* slot order */
	char (*map_names)[64];
	uint32_t n_maps;
	uint16_t stack_depth[NFPE_IMAGE_MAX_ENTRIES];
	uint32_t n_subprogs;
	uint32_t prog_type;		/* enum nfpe_prog_type, 0 if none */
	char name[64];
	char section[64];
};

int nfpe_jit_obj_open(const char *path, struct nfpe_jit_obj **obj,
		      char *err, size_t errlen);
void nfpe_jit_obj_close(struct nfpe_jit_obj *obj);
int nfpe_jit_obj_prog_count(const struct nfpe_jit_obj *obj);
const char *nfpe_jit_obj_prog_name(const struct nfpe_jit_obj *obj, int i);
const char *nfpe_jit_obj_prog_section(const struct nfpe_jit_obj *obj, int i);
/* Index of the program with this section or name, -1 if none. */
int nfpe_jit_obj_find(const struct nfpe_jit_obj *obj, const char *section,
		      const char *name);

/*
 * Give program i a type (NFPE_PROG_XDP or NFPE_PROG_TC) if its section
 * name gives none (libbpf 1.1 types no old-style name such as "xdp_fwd";
 * loaders like `ip link ... xdp obj` set the type themselves).  Returns
 * 0, or -EINVAL for another type, -EEXIST if the program has one.
 */
int nfpe_jit_obj_set_type(struct nfpe_jit_obj *obj, int i, uint32_t type);

/*
 * The loaders (ip, tc, bpftool) create every map of the object on the
 * device before the verifier sees a program, so by default
 * nfpe_jit_obj_prepare() refuses any program of an object with a map the
 * device cannot hold, naming the map, as the kernel does.  used_only:
 * check only the maps the program uses (what the program itself needs).
 */
void nfpe_jit_obj_set_used_maps(struct nfpe_jit_obj *obj, bool used_only);

/*
 * Link program i and compute its facts.  Returns 0, or a negative errno
 * with err set (the message names the instruction, as the core's do).
 */
int nfpe_jit_obj_prepare(struct nfpe_jit_obj *obj, int i,
			 struct nfpe_jit_input *in, char *err, size_t errlen);
void nfpe_jit_input_free(struct nfpe_jit_input *in);

/*
 * The abstract interpreter: facts[n] and the stack depth of each
 * subprogram.  Refuses (negative errno, err set) a memory access whose
 * pointer kind is not the same on every path or not proven.
 */
int nfpe_jit_analyze(const struct nfpe_bpf_insn *insns, uint32_t n,
		     uint32_t prog_type, const struct nfpe_jit_map *maps,
		     uint32_t n_maps, struct nfpe_jit_insn_facts *facts,
		     uint16_t *stack_depth, uint32_t *n_subprogs,
		     char *err, size_t errlen);

/* A malloc-backed allocator for the core and the microcode library. */
extern const struct nfpe_jit_alloc nfpe_jit_user_alloc;

/* `nfp-ebpf jit ...`: returns the process exit status. */
int nfpe_cli_jit(int argc, char **argv);

#endif /* NFPE_JIT_USER_H */
