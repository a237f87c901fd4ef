/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpe_mc.h - the microcode library: image validation, pre-decoding, the
 * interpreter, the cycle model, the map engine, assembler/disassembler.
 *
 * Linked by the QEMU device and by the host tools.  It uses neither GLib
 * nor libc (no malloc, no stdio): memory comes from the caller through
 * struct nfpe_alloc, text goes into caller buffers.
 *
 * Typical use (device or tool):
 *
 *   struct nfpe_caps caps;  nfpe_caps_default(&caps);
 *   struct nfpe_maps *maps = nfpe_maps_create(&alloc, map_mem_bytes);
 *   nfpe_maps_alloc(maps, &decl, &map_id);            (host command)
 *   nfpe_prog_load(&alloc, &caps, maps, image, len, &prog, &verr);
 *   nfpe_thread_init(&t, core, thread);
 *   nfpe_pkt_setup(&t, frame, len, port);     -> copies into PKT space
 *   nfpe_run(prog, &env, &t, &res);            -> verdict + counters
 */
#ifndef NFPE_MC_H
#define NFPE_MC_H

#include "nfpe/types.h"
#include "nfpe/isa.h"
#include "nfpe/image.h"
#include "nfpe/hw.h"

/* ---- Memory ------------------------------------------------------- */

struct nfpe_alloc {
	void *(*alloc)(void *opaque, size_t size);	/* zeroed, or NULL */
	void (*free)(void *opaque, void *ptr);
	void *opaque;
};

/* ---- Device capabilities (what the validator checks against) ------ */

struct nfpe_caps {
	uint32_t code_store;	/* max instructions per image */
	uint32_t stack_size;	/* LM bytes per thread */
	uint32_t pkt_headroom;	/* PKT bytes before the frame */
	uint32_t pkt_size;	/* PKT space bytes (headroom + max frame) */
	uint32_t engines;	/* 1 << enum nfpe_engine */
	uint32_t map_types;	/* 1 << BPF_MAP_TYPE_* */
	uint32_t max_maps;
	uint32_t max_key;
	uint32_t max_value;
	uint32_t max_entries;
	uint32_t insn_budget;	/* per packet */
	uint32_t cores;
	uint32_t threads;	/* per core */
	uint32_t clock_mhz;
};

void nfpe_caps_default(struct nfpe_caps *caps);

/* Linux BPF map type numbers the device implements. */
#define NFPE_BPF_MAP_HASH		1
#define NFPE_BPF_MAP_ARRAY		2
#define NFPE_BPF_MAP_PERCPU_HASH	5
#define NFPE_BPF_MAP_PERCPU_ARRAY	6
#define NFPE_BPF_MAP_LRU_HASH		9

/* Default geometry: see nfpe_caps_default() and docs/isa.md. */
#define NFPE_DEF_CODE_STORE	8192
#define NFPE_LM_SIZE		512	/* eBPF stack */
#define NFPE_PKT_HEADROOM	256
#define NFPE_PKT_SIZE		16384
#define NFPE_DEF_INSN_BUDGET	100000

/* ---- Map engine --------------------------------------------------- */

/*
 * Device map memory: one flat byte array (the MAP address space) holding
 * every map's values, and only values: buckets, keys, LRU and free lists
 * live in host-side structures a program cannot address (microcode/maps.c).
 * Addresses 0..63 are never a value, so a lookup can return 0 for "not
 * found".  The same functions serve the program (through the engine ops)
 * and the host (commands).  Map ids are small nonzero integers; a freed
 * id is refused (-ENOENT) until its slot is reused under a new id.
 */
struct nfpe_maps;

struct nfpe_map_decl {
	uint32_t type, key_size, value_size, max_entries, flags;
};

struct nfpe_maps *nfpe_maps_create(const struct nfpe_alloc *a,
				   uint32_t mem_bytes, uint32_t max_maps,
				   uint32_t cores);
void nfpe_maps_destroy(struct nfpe_maps *m);
void nfpe_maps_reset(struct nfpe_maps *m);	/* frees every map */
uint8_t *nfpe_maps_mem(struct nfpe_maps *m, uint32_t *size);
uint32_t nfpe_maps_used(const struct nfpe_maps *m);	/* bytes */

/* Host-side operations.  All return 0 or a negative NFPE_E* errno. */
int nfpe_map_create(struct nfpe_maps *m, const struct nfpe_map_decl *d,
		    uint32_t *map_id);
int nfpe_map_free(struct nfpe_maps *m, uint32_t map_id);
int nfpe_map_info(struct nfpe_maps *m, uint32_t map_id,
		  struct nfpe_map_decl *d);
int nfpe_map_lookup(struct nfpe_maps *m, uint32_t map_id,
		    const void *key, void *value);
int nfpe_map_update(struct nfpe_maps *m, uint32_t map_id,
		    const void *key, const void *value, uint32_t flags);
int nfpe_map_delete(struct nfpe_maps *m, uint32_t map_id, const void *key);
/* key NULL: first key. -ENOENT after the last. */
int nfpe_map_get_next(struct nfpe_maps *m, uint32_t map_id,
		      const void *key, void *next_key);
/* Hold/release: a loaded program pins the maps it uses (-EBUSY on free). */
int nfpe_map_hold(struct nfpe_maps *m, uint32_t map_id);
void nfpe_map_release(struct nfpe_maps *m, uint32_t map_id);

/*
 * Program-side operations (the map engine as the interpreter sees it):
 * lookup returns a MAP-space address of the value or 0.  For per-CPU
 * types the value is the one of the given core.
 */
uint32_t nfpe_map_prog_lookup(struct nfpe_maps *m, uint32_t map_id,
			      const void *key, uint32_t core);
int nfpe_map_prog_update(struct nfpe_maps *m, uint32_t map_id,
			 const void *key, const void *value, uint64_t flags,
			 uint32_t core);
int nfpe_map_prog_delete(struct nfpe_maps *m, uint32_t map_id,
			 const void *key);

/* ---- Engines other than maps: provided by the host ---------------- */

struct nfpe_engine_ops {
	uint32_t (*random)(void *opaque);
	uint64_t (*ktime_ns)(void *opaque);
	void *opaque;
};

/* ---- Programs ----------------------------------------------------- */

/* A precise reason for refusing an image. */
struct nfpe_verr {
	uint32_t code;		/* enum nfpe_image_err */
	uint32_t insn;		/* offending instruction or UINT32_MAX */
	char msg[160];		/* "insn 12: branch target 900 outside code" */
};

const char *nfpe_image_err_str(uint32_t code);

struct nfpe_prog;

/*
 * Validate an image against caps and, when maps is not NULL, bind its map
 * table to the device's maps (checking each declaration), then pre-decode
 * it.  Returns 0 or a negative NFPE_E* errno with verr filled in.
 * maps == NULL: validate only (nfpe_run refuses map engine calls).
 */
int nfpe_prog_load(const struct nfpe_alloc *a, const struct nfpe_caps *caps,
		   struct nfpe_maps *maps, const void *image, size_t len,
		   struct nfpe_prog **prog, struct nfpe_verr *verr);
void nfpe_prog_free(struct nfpe_prog *prog);
uint32_t nfpe_prog_type(const struct nfpe_prog *prog);
uint32_t nfpe_prog_insn_count(const struct nfpe_prog *prog);

/* Per-program counters, updated by nfpe_run. */
struct nfpe_prog_counters {
	uint64_t runs, insns, cycles, errors;
};
void nfpe_prog_counters(const struct nfpe_prog *prog,
			struct nfpe_prog_counters *c);

/* ---- Threads and running ------------------------------------------ */

struct nfpe_thread {
	uint32_t gpr[NFPE_NUM_GPRS + 1];	/* [NFPE_NUM_GPRS] is rz */
	uint32_t csr[NFPE_CSR_NUM];
	uint32_t carry;
	uint32_t core, thread;
	uint8_t lm[NFPE_LM_SIZE];
	uint8_t pkt[NFPE_PKT_SIZE];
};

void nfpe_thread_init(struct nfpe_thread *t, uint32_t core, uint32_t thread);

/*
 * Put a frame into the thread's packet buffer at the headroom and set the
 * packet CSRs (data, end, meta = data, len, port, protocol, hash...).
 * Returns 0 or -NFPE_E2BIG if the frame does not fit.
 */
int nfpe_pkt_setup(struct nfpe_thread *t, const struct nfpe_caps *caps,
		   const void *frame, uint32_t len, uint32_t port);

enum nfpe_run_status {
	NFPE_RUN_OK = 0,	/* EXIT executed; ret is valid */
	NFPE_RUN_BUDGET,	/* instruction budget exhausted */
	NFPE_RUN_FAULT,		/* out-of-bounds access, bad map, stack ovf */
};

struct nfpe_run_result {
	uint32_t status;	/* enum nfpe_run_status */
	uint32_t ret;		/* EXIT value (low word) */
	uint32_t fault_pc;	/* instruction that faulted */
	uint32_t fault_addr;
	uint64_t insns;		/* instructions executed */
	uint64_t cycles;	/* issue cycles + stall cycles */
	uint64_t stall;		/* of which: memory/engine latency */
};

struct nfpe_env {
	struct nfpe_maps *maps;		/* MAP space and map engine */
	const struct nfpe_engine_ops *ops;
	const struct nfpe_caps *caps;
};

void nfpe_run(struct nfpe_prog *prog, const struct nfpe_env *env,
	      struct nfpe_thread *t, struct nfpe_run_result *res);

/*
 * x86-64 translator (microcode/x86jit.c, docs/performance.md): with
 * nfpe_x86jit_enable(1), programs loaded from then on are also
 * translated to x86-64 machine code, whole or not at all (the reason is
 * kept: nfpe_prog_x86_status).  nfpe_prog_set_exec(prog, NFPE_EXEC_X86)
 * makes nfpe_run execute the translation, with the interpreter's exact
 * results, faults, counts, cycles and counters; -NFPE_EOPNOTSUPP if the
 * program was not translated (it keeps running on the interpreter).
 * nfpe_x86jit_enable returns -NFPE_EOPNOTSUPP on hosts other than x86-64.
 * Uses mmap/mprotect (write, then read+execute), unlike the rest of the
 * library; the QEMU device uses it with its property engine=x86.  Runs of one
 * translated program must not overlap (its per-run state lives with the
 * translation); runs of different programs may.
 */
enum nfpe_exec { NFPE_EXEC_INTERP = 0, NFPE_EXEC_X86 = 1 };
int nfpe_x86jit_enable(int on);
int nfpe_prog_set_exec(struct nfpe_prog *prog, uint32_t exec);
/* NULL when translated, else why not */
const char *nfpe_prog_x86_status(const struct nfpe_prog *prog);

/*
 * Cycle model: packets per second one program sustains on the device,
 * from its average issue and stall cycles per packet: each core runs
 * `threads` packets at once, so stalls of one thread overlap issue of
 * the others.  See docs/isa.md "Cycle model".
 */
uint64_t nfpe_model_pps(const struct nfpe_caps *caps, uint64_t cycles,
			uint64_t stall, uint64_t packets);

/* Per-opcode issue cost and latency (the tables of docs/isa.md). */
uint32_t nfpe_insn_cost(uint8_t op);
uint32_t nfpe_insn_latency(uint8_t op, uint32_t engine);

/* ---- Opcode table ------------------------------------------------- */

struct nfpe_opinfo {
	const char *mnemonic;	/* NULL: opcode not defined */
	uint8_t fmt;		/* enum nfpe_fmt */
};
extern const struct nfpe_opinfo nfpe_opinfo[256];

/* ---- Assembler and disassembler ----------------------------------- */

/*
 * Text syntax: docs/assembly.md.  nfpe_asm builds a whole image
 * (directives for type, stack, maps, entries); errors carry the line
 * number ("line 7: unknown register r40"); the image is allocated with
 * a->alloc and freed by the caller with a->free.  nfpe_disasm_insn prints
 * one word (targets as "@<index>", words without syntax as ".word 0x..");
 * nfpe_disasm_image a whole image in the form nfpe_asm reads back (exact
 * round trip).
 */
struct nfpe_asm_err {
	uint32_t line;
	char msg[160];
};

int nfpe_asm(const struct nfpe_alloc *a, const char *text, size_t len,
	     uint8_t **image, size_t *image_len, struct nfpe_asm_err *err);

/* Writes at most size bytes incl. NUL; returns the length it needed. */
size_t nfpe_disasm_insn(uint64_t word, uint32_t pc, char *buf, size_t size);
size_t nfpe_disasm_image(const void *image, size_t len, char *buf,
			 size_t size);

#endif /* NFPE_MC_H */
