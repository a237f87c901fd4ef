/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpe/image.h - the program image the JIT emits and the device loads.
 *
 * An image is one contiguous little-endian blob:
 *
 *   struct nfpe_image_hdr             at offset 0
 *   uint64_t code[n_insns]            at code_off   (8-byte aligned)
 *   struct nfpe_image_entry[n_entries] at entry_off (4-byte aligned)
 *   struct nfpe_image_map[n_maps]     at map_off
 *   struct nfpe_image_reloc[n_relocs] at reloc_off
 *
 * Sections may come in any order but may not overlap each other or the
 * header, and must lie inside total_len.  Entry 0 is the program's entry
 * point; further entries are the subprograms CALL may target.  The map
 * table declares every map the code uses: the code refers to a map by its
 * slot (the index in this table), the device binds slot -> map_id at load
 * and checks that the declared type and sizes match the allocated map.
 * Relocations name every instruction whose immediate is a map slot or an
 * engine command, so the loader can check each before anything runs.
 *
 * The validator (microcode/image.c) refuses anything else with a precise
 * reason; see docs/hw-interface.md "Image format".
 */
#ifndef NFPE_IMAGE_H
#define NFPE_IMAGE_H

#include "types.h"

#define NFPE_IMAGE_MAGIC	0x4550464eu	/* "NFPE" in memory order */
#define NFPE_IMAGE_ABI_MAJOR	1
#define NFPE_IMAGE_ABI_MINOR	0
#define NFPE_IMAGE_NAME_LEN	16

/* Program types: the hook a program is written for. */
enum nfpe_prog_type {
	NFPE_PROG_XDP = 1,	/* returns an XDP action */
	NFPE_PROG_TC  = 2,	/* cls_bpf direct-action: returns TC_ACT_* */
};

struct nfpe_image_hdr {
	uint32_t magic;		/* NFPE_IMAGE_MAGIC */
	uint16_t abi_major;	/* must equal NFPE_IMAGE_ABI_MAJOR */
	uint16_t abi_minor;	/* <= NFPE_IMAGE_ABI_MINOR */
	uint32_t hdr_len;	/* sizeof(struct nfpe_image_hdr) */
	uint32_t total_len;	/* bytes in the whole image */
	uint32_t prog_type;	/* enum nfpe_prog_type */
	uint32_t flags;		/* must be 0 */
	uint32_t stack_size;	/* LM bytes the program uses, <= cap */
	uint32_t n_insns;
	uint32_t code_off;
	uint32_t n_entries;
	uint32_t entry_off;
	uint32_t n_maps;
	uint32_t map_off;
	uint32_t n_relocs;
	uint32_t reloc_off;
	uint32_t reserved;	/* must be 0 */
	char name[NFPE_IMAGE_NAME_LEN];	/* NUL-padded, informational */
};
NFPE_STATIC_ASSERT(sizeof(struct nfpe_image_hdr) == 80, "image header size");

enum nfpe_entry_kind {
	NFPE_ENTRY_MAIN    = 1,	/* entry 0, and only entry 0 */
	NFPE_ENTRY_SUBPROG = 2,	/* a CALL target */
};

struct nfpe_image_entry {
	uint32_t insn;		/* index into code[] */
	uint32_t kind;		/* enum nfpe_entry_kind */
};

struct nfpe_image_map {
	uint32_t map_id;	/* device map handle (MAP_ALLOC result) */
	uint32_t type;		/* BPF_MAP_TYPE_* (Linux numbering) */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t flags;		/* BPF map_flags the program was built for */
};

enum nfpe_reloc_kind {
	NFPE_RELOC_MAP_SLOT = 1, /* insn is IMMED d, slot: value = slot */
	NFPE_RELOC_ENGINE   = 2, /* insn is ENG: value = engine number */
};

struct nfpe_image_reloc {
	uint32_t insn;
	uint32_t kind;		/* enum nfpe_reloc_kind */
	uint32_t value;
};

/*
 * Limits the validator enforces independently of the device's
 * capabilities (which may be smaller).
 */
#define NFPE_IMAGE_MAX_MAPS	64
#define NFPE_IMAGE_MAX_ENTRIES	256
#define NFPE_IMAGE_MAX_BYTES	(1u << 22)


/*
 * Validator verdicts.  The device returns the code in
 * nfpe_cmd_load_rsp.err_reason (with the instruction in err_insn), the
 * driver and the tools print the text.  X(ENUM, "text")
 */
#define NFPE_IMAGE_ERRORS(X)						\
	X(OK,              "valid")					\
	X(TRUNCATED,       "image shorter than its header or total_len")	\
	X(BAD_MAGIC,       "bad magic number")				\
	X(BAD_ABI,         "unsupported image ABI version")		\
	X(BAD_HDR_LEN,     "header length does not match this ABI")	\
	X(BAD_TOTAL_LEN,   "total_len does not match the image size")	\
	X(TOO_BIG,         "image larger than the device accepts")	\
	X(BAD_PROG_TYPE,   "unknown program type")			\
	X(RESERVED,        "reserved field is not zero")		\
	X(STACK_TOO_BIG,   "stack size exceeds the thread's local memory") \
	X(NO_CODE,         "image has no instructions")			\
	X(CODE_TOO_BIG,    "program exceeds the code store")		\
	X(SECTION_BOUNDS,  "section lies outside the image")		\
	X(SECTION_ALIGN,   "section is misaligned")			\
	X(SECTION_OVERLAP, "sections overlap")				\
	X(BAD_OPCODE,      "unknown opcode")				\
	X(BAD_REG,         "register out of range")			\
	X(BAD_DEST,        "instruction writes the zero register or past r31") \
	X(UNUSED_FIELD,    "unused instruction field is not zero")	\
	X(BAD_TARGET,      "branch target outside the code")		\
	X(BAD_CALL,        "call target is not a subprogram entry")	\
	X(FALLS_OFF_END,   "execution can run past the last instruction") \
	X(BAD_SHIFT,       "shift amount immediate above 31")		\
	X(BAD_CSR,         "unknown CSR")				\
	X(CSR_READ_ONLY,   "write to a read-only CSR")			\
	X(BAD_ENGINE,      "unknown engine command")			\
	X(ENGINE_UNSUPPORTED, "engine command not offered by this device") \
	X(BAD_ENGINE_FLAGS, "engine pointer argument in an invalid address space") \
	X(NO_ENTRY,        "image has no entry point")			\
	X(BAD_ENTRY,       "entry point invalid")			\
	X(TOO_MANY_ENTRIES, "too many entry points")			\
	X(TOO_MANY_MAPS,   "too many maps")				\
	X(BAD_MAP,         "map declaration invalid")			\
	X(MAP_UNSUPPORTED, "map type not offered by this device")	\
	X(MAP_MISMATCH,    "map declaration does not match the device map") \
	X(BAD_RELOC,       "relocation invalid")			\
	X(MISSING_RELOC,   "engine command without a relocation")	\
	X(BAD_MAP_SLOT,    "map slot out of range")			\
	X(LM_BOUNDS,       "constant local-memory access outside the stack")

enum nfpe_image_err {
#define NFPE_X_ENUM(e, s) NFPE_IMG_E_##e,
	NFPE_IMAGE_ERRORS(NFPE_X_ENUM)
#undef NFPE_X_ENUM
	NFPE_IMG_E_NUM
};

#endif /* NFPE_IMAGE_H */
