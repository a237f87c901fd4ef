/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * disasm.c - microcode disassembler.
 *
 * nfpe_disasm_insn() prints one instruction word; nfpe_disasm_image()
 * prints a whole image as assembler source (directives, generated labels,
 * code) that nfpe_asm() turns back into the identical bytes.  The syntax
 * and the canonical form are described in docs/assembly.md.
 *
 * A word is printed as an instruction only when every field it carries
 * can be written in the syntax (registers r0..r31 or rz, unused fields
 * zero, engine flags naming lm/pkt/map); any other word - an undefined
 * opcode, a register field of 40, a stray bit - is printed as
 * ".word 0x<16 hex digits>", which the assembler emits unchanged.  So
 * binary -> text -> binary is the identity for every 64-bit word.
 *
 * Never crashes on a malformed image: bounds are checked before any
 * section is read, and what cannot be printed is reported in comments.
 */
#include "nfpe_mc.h"
#include "names.h"

/* ---- Tables from the single source of truth (nfpe/isa.h) ------------ */

/* Mnemonics come from nfpe_opinfo, the other names from names.h. */

/* ---- Output -------------------------------------------------------- */

struct out {
	char *buf;
	size_t size;
	size_t len;	/* bytes wanted so far, excluding the NUL */
};

static void o_putc(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void o_puts(struct out *o, const char *s)
{
	while (*s)
		o_putc(o, *s++);
}

static void o_dec(struct out *o, uint64_t v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		o_putc(o, tmp[--n]);
}

static void o_hex(struct out *o, uint64_t v, int min_digits)
{
	char tmp[16];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	while (n < min_digits)
		tmp[n++] = '0';
	o_puts(o, "0x");
	while (n)
		o_putc(o, tmp[--n]);
}

static void o_sdec(struct out *o, int64_t v)
{
	if (v < 0) {
		o_putc(o, '-');
		o_dec(o, (uint64_t)-v);
	} else {
		o_dec(o, (uint64_t)v);
	}
}

static void o_pad(struct out *o, size_t start, size_t width)
{
	while (o->len - start < width)
		o_putc(o, ' ');
}

static size_t o_finish(struct out *o)
{
	if (o->size)
		o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
	return o->len;
}

/* ---- One instruction ----------------------------------------------- */

/* Immediate in canonical form: small values signed decimal, else hex. */
static void o_imm(struct out *o, uint32_t v)
{
	int32_t s = (int32_t)v;

	if (s > -65536 && s < 65536)
		o_sdec(o, s);
	else
		o_hex(o, v, 0);
}

static int is_logic(uint8_t op)
{
	switch (op) {
	case NFPE_OP_ANDI: case NFPE_OP_ORI: case NFPE_OP_XORI:
	case NFPE_OP_BSETI: case NFPE_OP_BCLRI:
		return 1;
	}
	return 0;
}

static int reg_ok(uint8_t r)
{
	return r < NFPE_NUM_GPRS || r == NFPE_REG_ZERO;
}

static void o_reg(struct out *o, uint8_t r)
{
	if (r == NFPE_REG_ZERO) {
		o_puts(o, "rz");
	} else {
		o_putc(o, 'r');
		o_dec(o, r);
	}
}

static void o_sep(struct out *o)
{
	o_puts(o, ", ");
}

static void o_mem(struct out *o, uint8_t base, uint32_t off)
{
	int32_t s = (int32_t)off;
	uint32_t mag = s < 0 ? 0u - off : off;

	o_putc(o, '[');
	o_reg(o, base);
	if (s) {
		o_putc(o, s < 0 ? '-' : '+');
		if (mag < 65536)
			o_dec(o, mag);
		else
			o_hex(o, mag, 0);
	}
	o_putc(o, ']');
}

/* Does the word's every field fit the syntax of its format? */
static int insn_printable(uint64_t w)
{
	uint8_t op = NFPE_INSN_OP(w), d = NFPE_INSN_D(w), a = NFPE_INSN_A(w);
	uint8_t b = NFPE_INSN_B(w);
	uint32_t imm = NFPE_INSN_IMM(w);

	if (!nfpe_opinfo[op].mnemonic)
		return 0;
	switch (nfpe_opinfo[op].fmt) {
	case NFPE_FMT_NONE:
		return !d && !a && !b && !imm;
	case NFPE_FMT_MOV:
		return reg_ok(d) && reg_ok(a) && !b && !imm;
	case NFPE_FMT_IMM:
	case NFPE_FMT_CSRRD:
		return reg_ok(d) && !a && !b;
	case NFPE_FMT_RR:
		return reg_ok(d) && reg_ok(a) && reg_ok(b) && !imm;
	case NFPE_FMT_RI:
	case NFPE_FMT_LD:
		return reg_ok(d) && reg_ok(a) && !b;
	case NFPE_FMT_DSH_R:
		return reg_ok(d) && reg_ok(a) && reg_ok(b) &&
		       imm <= 0xff && reg_ok((uint8_t)imm);
	case NFPE_FMT_DSH_I:
		return reg_ok(d) && reg_ok(a) && reg_ok(b);
	case NFPE_FMT_BR_R:
		return reg_ok(NFPE_INSN_BR_A(w)) && imm <= 0xff &&
		       reg_ok((uint8_t)imm);
	case NFPE_FMT_BR_I:
		return reg_ok(NFPE_INSN_BR_A(w));
	case NFPE_FMT_JUMP:
		return !NFPE_INSN_BR_A(w) && !imm;
	case NFPE_FMT_EXIT:
		return !d && reg_ok(a) && !b && !imm;
	case NFPE_FMT_ST:
		return !d && reg_ok(a) && reg_ok(b);
	case NFPE_FMT_CSRWR:
		return !d && reg_ok(a) && !b;
	case NFPE_FMT_ENG:
		return reg_ok(d) && reg_ok(a) && !(b & ~NFPE_ENG_F_MASK) &&
		       ((b >> NFPE_ENG_F_KEY_SHIFT) & 3) < NFPE_SPACE_NUM &&
		       ((b >> NFPE_ENG_F_VAL_SHIFT) & 3) < NFPE_SPACE_NUM;
	}
	return 0;
}

/*
 * Print a branch target: label name from the callback, or "@idx".
 */
typedef void (*target_fn)(struct out *o, uint32_t target, void *opaque);

static void target_at(struct out *o, uint32_t target, void *opaque)
{
	(void)opaque;
	o_putc(o, '@');
	o_dec(o, target);
}

/* Map-slot relocation flag: IMMED prints "map:N". */
static void print_insn(struct out *o, uint64_t w, target_fn tf, void *opq,
		       int map_slot)
{
	uint8_t op = NFPE_INSN_OP(w), d = NFPE_INSN_D(w), a = NFPE_INSN_A(w);
	uint8_t b = NFPE_INSN_B(w);
	uint32_t imm = NFPE_INSN_IMM(w);
	size_t start = o->len;

	if (!insn_printable(w)) {
		o_puts(o, ".word ");
		o_hex(o, w, 16);
		return;
	}
	o_puts(o, nfpe_opinfo[op].mnemonic);
	if (nfpe_opinfo[op].fmt == NFPE_FMT_NONE)
		return;
	o_pad(o, start, 11);
	o_putc(o, ' ');

	switch (nfpe_opinfo[op].fmt) {
	case NFPE_FMT_MOV:
		o_reg(o, d); o_sep(o); o_reg(o, a);
		break;
	case NFPE_FMT_IMM:
		o_reg(o, d); o_sep(o);
		if (map_slot) {
			o_puts(o, "map:");
			o_dec(o, imm);
		} else {
			o_imm(o, imm);
		}
		break;
	case NFPE_FMT_RR:
		o_reg(o, d); o_sep(o); o_reg(o, a); o_sep(o); o_reg(o, b);
		break;
	case NFPE_FMT_RI:
		o_reg(o, d); o_sep(o); o_reg(o, a); o_sep(o);
		if (is_logic(op))
			o_hex(o, imm, 0);
		else
			o_imm(o, imm);
		break;
	case NFPE_FMT_DSH_R:
		o_reg(o, d); o_sep(o); o_reg(o, a); o_sep(o); o_reg(o, b);
		o_sep(o); o_reg(o, (uint8_t)imm);
		break;
	case NFPE_FMT_DSH_I:
		o_reg(o, d); o_sep(o); o_reg(o, a); o_sep(o); o_reg(o, b);
		o_sep(o); o_imm(o, imm);
		break;
	case NFPE_FMT_BR_R:
		o_reg(o, NFPE_INSN_BR_A(w)); o_sep(o); o_reg(o, (uint8_t)imm);
		o_sep(o); tf(o, NFPE_INSN_TARGET(w), opq);
		break;
	case NFPE_FMT_BR_I:
		o_reg(o, NFPE_INSN_BR_A(w)); o_sep(o);
		if (is_logic(op))
			o_hex(o, imm, 0);
		else
			o_imm(o, imm);
		o_sep(o); tf(o, NFPE_INSN_TARGET(w), opq);
		break;
	case NFPE_FMT_JUMP:
		tf(o, NFPE_INSN_TARGET(w), opq);
		break;
	case NFPE_FMT_EXIT:
		o_reg(o, a);
		break;
	case NFPE_FMT_LD:
		o_reg(o, d); o_sep(o); o_mem(o, a, imm);
		break;
	case NFPE_FMT_ST:
		o_mem(o, a, imm); o_sep(o); o_reg(o, b);
		break;
	case NFPE_FMT_CSRRD:
		o_reg(o, d); o_sep(o);
		if (imm < NFPE_CSR_NUM && nfpe_csr_names[imm])
			o_puts(o, nfpe_csr_names[imm]);
		else
			o_dec(o, imm);
		break;
	case NFPE_FMT_CSRWR:
		if (imm < NFPE_CSR_NUM && nfpe_csr_names[imm])
			o_puts(o, nfpe_csr_names[imm]);
		else
			o_dec(o, imm);
		o_sep(o); o_reg(o, a);
		break;
	case NFPE_FMT_ENG: {
		uint32_t ks = (b >> NFPE_ENG_F_KEY_SHIFT) & 3;
		uint32_t vs = (b >> NFPE_ENG_F_VAL_SHIFT) & 3;
		int takes_key = imm == NFPE_ENG_MAP_LOOKUP ||
				imm == NFPE_ENG_MAP_UPDATE ||
				imm == NFPE_ENG_MAP_DELETE;

		o_reg(o, d); o_sep(o); o_reg(o, a); o_sep(o);
		if (imm < NFPE_ENG_NUM && nfpe_eng_names[imm])
			o_puts(o, nfpe_eng_names[imm]);
		else
			o_dec(o, imm);
		if (takes_key || ks) {
			o_puts(o, ", key=");
			o_puts(o, nfpe_space_names[ks]);
		}
		if (imm == NFPE_ENG_MAP_UPDATE || vs) {
			o_puts(o, ", val=");
			o_puts(o, nfpe_space_names[vs]);
		}
		break;
	}
	}
}

size_t nfpe_disasm_insn(uint64_t word, uint32_t pc, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };

	(void)pc;
	print_insn(&o, word, target_at, NULL, 0);
	return o_finish(&o);
}

/* ---- Whole images -------------------------------------------------- */

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

#define HDR_LEN		80
#define ENTRY_LEN	8
#define MAP_LEN		24
#define RELOC_LEN	12
#define BITMAP_WORDS	(NFPE_MAX_CODE / 32)

NFPE_STATIC_ASSERT(sizeof(struct nfpe_image_hdr) == HDR_LEN, "hdr");
NFPE_STATIC_ASSERT(sizeof(struct nfpe_image_entry) == ENTRY_LEN, "entry");
NFPE_STATIC_ASSERT(sizeof(struct nfpe_image_map) == MAP_LEN, "map");
NFPE_STATIC_ASSERT(sizeof(struct nfpe_image_reloc) == RELOC_LEN, "reloc");

struct dimg {
	const uint8_t *p;
	size_t len;
	uint32_t n_insns, code_off;
	uint32_t n_entries, entry_off;
	uint32_t n_maps, map_off;
	uint32_t n_relocs, reloc_off;
	uint32_t main_insn;	/* UINT32_MAX: none */
	uint32_t target[BITMAP_WORDS];	/* branch/call targets */
	uint32_t subprog[BITMAP_WORDS];	/* subprogram entries */
	uint32_t mapslot[BITMAP_WORDS];	/* IMMED with a MAP_SLOT reloc */
};

static inline int bit_get(const uint32_t *bm, uint32_t i)
{
	return i < NFPE_MAX_CODE && (bm[i / 32] >> (i % 32) & 1);
}

static inline void bit_set(uint32_t *bm, uint32_t i)
{
	if (i < NFPE_MAX_CODE)
		bm[i / 32] |= 1u << (i % 32);
}

static uint64_t code_word(const struct dimg *im, uint32_t i)
{
	return rd64(im->p + im->code_off + (size_t)i * 8);
}

static int has_label(const struct dimg *im, uint32_t i)
{
	return i < im->n_insns &&
	       (i == im->main_insn || bit_get(im->subprog, i) ||
		bit_get(im->target, i));
}

static void o_label(struct out *o, const struct dimg *im, uint32_t i)
{
	if (i == im->main_insn) {
		o_puts(o, "main");
	} else if (bit_get(im->subprog, i)) {
		o_puts(o, "sub");
		o_dec(o, i);
	} else {
		o_putc(o, 'L');
		o_dec(o, i);
	}
}

static void target_label(struct out *o, uint32_t target, void *opaque)
{
	const struct dimg *im = opaque;

	if (has_label(im, target))
		o_label(o, im, target);
	else
		target_at(o, target, NULL);
}

static int section_ok(size_t len, uint32_t off, uint32_t n, uint32_t esz)
{
	return (uint64_t)off + (uint64_t)n * esz <= len;
}

static void warn(struct out *o, const char *what)
{
	o_puts(o, "; warning: ");
	o_puts(o, what);
	o_puts(o, "; reassembly gives a different image\n");
}

static int name_char_plain(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

static void print_name(struct out *o, const uint8_t *name, uint32_t n)
{
	uint32_t i;
	int plain = 1;

	for (i = 0; i < n; i++)
		plain &= name_char_plain(name[i]);
	if (plain) {
		for (i = 0; i < n; i++)
			o_putc(o, (char)name[i]);
		return;
	}
	o_putc(o, '"');
	for (i = 0; i < n; i++) {
		uint8_t c = name[i];

		if (c == '"' || c == '\\') {
			o_putc(o, '\\');
			o_putc(o, (char)c);
		} else if (c >= 0x20 && c < 0x7f) {
			o_putc(o, (char)c);
		} else {
			o_puts(o, "\\x");
			o_putc(o, "0123456789abcdef"[c >> 4]);
			o_putc(o, "0123456789abcdef"[c & 15]);
		}
	}
	o_putc(o, '"');
}

static const char *map_type_name(uint32_t t)
{
	switch (t) {
	case NFPE_BPF_MAP_HASH:		return "hash";
	case NFPE_BPF_MAP_ARRAY:	return "array";
	case NFPE_BPF_MAP_PERCPU_HASH:	return "percpu_hash";
	case NFPE_BPF_MAP_PERCPU_ARRAY:	return "percpu_array";
	case NFPE_BPF_MAP_LRU_HASH:	return "lru_hash";
	}
	return NULL;
}

/*
 * Check that the relocation table is exactly the one the assembler
 * generates from the code (an ENGINE reloc for every printable ENG word,
 * a MAP_SLOT reloc for IMMED words that print "map:N", in code order)
 * and mark the map-slot IMMEDs.  Returns 0 if it is.
 */
static int relocs_canonical(struct dimg *im)
{
	uint32_t r = 0, i;
	int canon = 1;

	/* Mark MAP_SLOT relocs first: they decide how IMMED prints. */
	for (r = 0; r < im->n_relocs; r++) {
		const uint8_t *p = im->p + im->reloc_off + (size_t)r * 12;
		uint32_t insn = rd32(p), kind = rd32(p + 4);
		uint32_t val = rd32(p + 8);

		if (kind == NFPE_RELOC_MAP_SLOT && insn < im->n_insns &&
		    NFPE_INSN_OP(code_word(im, insn)) == NFPE_OP_IMMED &&
		    insn_printable(code_word(im, insn)) &&
		    NFPE_INSN_IMM(code_word(im, insn)) == val)
			bit_set(im->mapslot, insn);
	}
	r = 0;
	for (i = 0; i < im->n_insns && i < NFPE_MAX_CODE; i++) {
		uint64_t w = code_word(im, i);
		uint32_t want_kind = 0;

		if (NFPE_INSN_OP(w) == NFPE_OP_ENG && insn_printable(w))
			want_kind = NFPE_RELOC_ENGINE;
		else if (bit_get(im->mapslot, i))
			want_kind = NFPE_RELOC_MAP_SLOT;
		if (!want_kind)
			continue;
		if (r >= im->n_relocs) {
			canon = 0;
			break;
		}
		{
			const uint8_t *p = im->p + im->reloc_off +
					   (size_t)r * 12;

			if (rd32(p) != i || rd32(p + 4) != want_kind ||
			    rd32(p + 8) != NFPE_INSN_IMM(w))
				canon = 0;
		}
		r++;
	}
	if (r != im->n_relocs)
		canon = 0;
	return canon;
}

size_t nfpe_disasm_image(const void *image, size_t len, char *buf,
			 size_t size)
{
	struct out o = { buf, size, 0 };
	struct dimg im;
	const uint8_t *p = image;
	uint32_t i, magic, abi, prog_type, stack, flags, reserved, name_len;

	__builtin_memset(&im, 0, sizeof(im));
	im.p = p;
	im.len = len;
	im.main_insn = UINT32_MAX;

	if (!p || len < HDR_LEN) {
		o_puts(&o, "; error: image shorter than its 80-byte header\n");
		return o_finish(&o);
	}
	magic = rd32(p);
	abi = rd32(p + 4);
	prog_type = rd32(p + 16);
	flags = rd32(p + 20);
	stack = rd32(p + 24);
	im.n_insns = rd32(p + 28);
	im.code_off = rd32(p + 32);
	im.n_entries = rd32(p + 36);
	im.entry_off = rd32(p + 40);
	im.n_maps = rd32(p + 44);
	im.map_off = rd32(p + 48);
	im.n_relocs = rd32(p + 52);
	im.reloc_off = rd32(p + 56);
	reserved = rd32(p + 60);

	if (!section_ok(len, im.code_off, im.n_insns, 8) ||
	    !section_ok(len, im.entry_off, im.n_entries, ENTRY_LEN) ||
	    !section_ok(len, im.map_off, im.n_maps, MAP_LEN) ||
	    !section_ok(len, im.reloc_off, im.n_relocs, RELOC_LEN)) {
		o_puts(&o, "; error: a section lies outside the image\n");
		return o_finish(&o);
	}

	/* Labels: entries first, then every in-range branch target. */
	for (i = 0; i < im.n_entries; i++) {
		const uint8_t *e = p + im.entry_off + (size_t)i * 8;

		if (i == 0)
			im.main_insn = rd32(e);
		else
			bit_set(im.subprog, rd32(e));
	}
	for (i = 0; i < im.n_insns && i < NFPE_MAX_CODE; i++) {
		uint64_t w = code_word(&im, i);
		uint8_t fmt = nfpe_opinfo[NFPE_INSN_OP(w)].fmt;

		if (!insn_printable(w))
			continue;
		if (fmt == NFPE_FMT_BR_R || fmt == NFPE_FMT_BR_I ||
		    fmt == NFPE_FMT_JUMP)
			bit_set(im.target, NFPE_INSN_TARGET(w));
	}

	o_puts(&o, "; nfp-ebpf image: ");
	o_dec(&o, im.n_insns);
	o_puts(&o, " instructions, ");
	o_dec(&o, im.n_maps);
	o_puts(&o, im.n_maps == 1 ? " map, " : " maps, ");
	o_dec(&o, im.n_entries);
	o_puts(&o, im.n_entries == 1 ? " entry\n" : " entries\n");

	/* Anything the text cannot carry is reported, not hidden. */
	if (magic != NFPE_IMAGE_MAGIC)
		warn(&o, "bad magic");
	if (abi != (uint32_t)NFPE_IMAGE_ABI_MAJOR)
		warn(&o, "ABI version is not 1.0");
	if (rd32(p + 8) != HDR_LEN || rd32(p + 12) != len)
		warn(&o, "hdr_len or total_len differ from the image");
	if (flags || reserved)
		warn(&o, "reserved header fields are set");
	{
		uint32_t off = HDR_LEN + im.n_insns * 8;

		if (im.code_off != HDR_LEN || im.entry_off != off ||
		    im.map_off != off + im.n_entries * ENTRY_LEN ||
		    im.reloc_off != im.map_off + im.n_maps * MAP_LEN ||
		    len != (uint64_t)im.reloc_off + im.n_relocs * RELOC_LEN)
			warn(&o, "sections are not in the canonical layout "
			     "(header, code, entries, maps, relocations)");
	}
	if (im.n_insns > NFPE_MAX_CODE)
		warn(&o, "more than 65536 instructions");
	if (im.n_entries == 0)
		warn(&o, "no entry points");
	for (i = 0; i < im.n_entries; i++) {
		uint32_t kind = rd32(p + im.entry_off + (size_t)i * 8 + 4);

		if (kind != (i ? NFPE_ENTRY_SUBPROG : NFPE_ENTRY_MAIN)) {
			warn(&o, "entry kinds other than main first, "
			     "then subprograms");
			break;
		}
	}
	if (!relocs_canonical(&im))
		warn(&o, "relocations differ from the ones the code implies");

	/* Directives. */
	o_puts(&o, ".type ");
	if (prog_type == NFPE_PROG_XDP)
		o_puts(&o, "xdp");
	else if (prog_type == NFPE_PROG_TC)
		o_puts(&o, "tc");
	else
		o_dec(&o, prog_type);
	o_putc(&o, '\n');

	for (name_len = 0; name_len < NFPE_IMAGE_NAME_LEN; name_len++)
		if (!p[64 + name_len])
			break;
	for (i = name_len; i < NFPE_IMAGE_NAME_LEN; i++)
		if (p[64 + i]) {
			warn(&o, "bytes after the name's NUL");
			break;
		}
	if (name_len) {
		o_puts(&o, ".name ");
		print_name(&o, p + 64, name_len);
		o_putc(&o, '\n');
	}
	o_puts(&o, ".stack ");
	o_dec(&o, stack);
	o_putc(&o, '\n');

	for (i = 0; i < im.n_maps; i++) {
		const uint8_t *mp = p + im.map_off + (size_t)i * MAP_LEN;
		const char *tn = map_type_name(rd32(mp + 4));

		o_puts(&o, ".map ");
		o_dec(&o, i);
		o_putc(&o, ' ');
		if (tn)
			o_puts(&o, tn);
		else
			o_dec(&o, rd32(mp + 4));
		o_puts(&o, " key=");
		o_dec(&o, rd32(mp + 8));
		o_puts(&o, " value=");
		o_dec(&o, rd32(mp + 12));
		o_puts(&o, " entries=");
		o_dec(&o, rd32(mp + 16));
		if (rd32(mp + 20)) {
			o_puts(&o, " flags=");
			o_hex(&o, rd32(mp + 20), 0);
		}
		if (rd32(mp)) {
			o_puts(&o, " id=");
			o_dec(&o, rd32(mp));
		}
		o_putc(&o, '\n');
	}

	for (i = 0; i < im.n_entries; i++) {
		uint32_t insn = rd32(p + im.entry_off + (size_t)i * 8);

		o_puts(&o, i ? ".subprog " : ".entry ");
		target_label(&o, insn, &im);
		o_putc(&o, '\n');
	}

	/* Code. */
	for (i = 0; i < im.n_insns; i++) {
		size_t start;

		if (has_label(&im, i)) {
			o_putc(&o, '\n');
			o_label(&o, &im, i);
			o_puts(&o, ":\n");
		} else if (i == 0) {
			o_putc(&o, '\n');
		}
		o_putc(&o, '\t');
		start = o.len;
		print_insn(&o, code_word(&im, i), target_label, &im,
			   bit_get(im.mapslot, i));
		o_pad(&o, start, 35);
		o_puts(&o, " ; ");
		o_dec(&o, i);
		o_putc(&o, '\n');
	}
	return o_finish(&o);
}
