/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * image.c - the image validator.
 *
 * Checks every rule of docs/isa.md "Validator rules" and refuses anything
 * else with a reason code (enum nfpe_image_err) and a message naming the
 * instruction, section or field and the offending value.  The image may
 * be any length and alignment and hostile: it is read byte by byte, every
 * offset is checked before it is used, and arithmetic on image fields is
 * done in 64 bits.  After this returns 0 the loader and the interpreter
 * rely on the rules without checking again.
 */
#include "internal.h"
#include "fmt.h"

static const char *const err_text[NFPE_IMG_E_NUM] = {
#define NFPE_X_STR(e, s) [NFPE_IMG_E_##e] = s,
	NFPE_IMAGE_ERRORS(NFPE_X_STR)
#undef NFPE_X_STR
};

const char *nfpe_image_err_str(uint32_t code)
{
	return code < NFPE_IMG_E_NUM ? err_text[code] : "unknown error";
}

int nfpe__verr(struct nfpe_verr *err, uint32_t code, uint32_t insn,
	       const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		err->insn = insn;
		va_start(ap, fmt);
		nfpe_vfmt(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -NFPE_EINVAL;
}

#define NO_INSN		UINT32_MAX
#define FAIL(code, insn, ...) \
	return nfpe__verr(err, NFPE_IMG_E_##code, insn, __VA_ARGS__)

static uint16_t ld16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Per-instruction marks built from the entry and relocation tables. */
#define MARK_SUBPROG	0x01
#define MARK_RELOC	0x02

static const uint8_t csr_writable[NFPE_CSR_NUM] = {
#define NFPE_X_W(e, v, m, w) [v] = w,
	NFPE_CSRS(NFPE_X_W)
#undef NFPE_X_W
};

static const char *const csr_name[NFPE_CSR_NUM] = {
#define NFPE_X_N(e, v, m, w) [v] = m,
	NFPE_CSRS(NFPE_X_N)
#undef NFPE_X_N
};

struct vctx {
	const struct nfpe_caps *caps;
	struct nfpe_img_view *v;
	struct nfpe_verr *err;
	uint8_t *mark;
	uint32_t pc;
	const char *mn;
};

/* ---- register and field checks ------------------------------------ */

static int chk_src(struct vctx *c, const char *field, uint32_t r)
{
	struct nfpe_verr *err = c->err;

	if (r < NFPE_NUM_GPRS || r == NFPE_REG_ZERO)
		return 0;
	FAIL(BAD_REG, c->pc, "insn %u: %s: source register %s is %u "
	     "(must be r0..r31 or rz)", c->pc, c->mn, field, r);
}

/* A register pair source: r and r+1 must both be real registers. */
static int chk_src_pair(struct vctx *c, const char *field, uint32_t r)
{
	struct nfpe_verr *err = c->err;

	if (r + 1 < NFPE_NUM_GPRS)
		return 0;
	FAIL(BAD_REG, c->pc, "insn %u: %s: source pair %s is %u "
	     "(must be r0..r30, the pair r:r+1)", c->pc, c->mn, field, r);
}

static int chk_dst(struct vctx *c, uint32_t r, int pair)
{
	struct nfpe_verr *err = c->err;

	if (r == NFPE_REG_ZERO)
		FAIL(BAD_DEST, c->pc, "insn %u: %s: destination d is rz",
		     c->pc, c->mn);
	if (r >= NFPE_NUM_GPRS)
		FAIL(BAD_DEST, c->pc, "insn %u: %s: destination d is %u "
		     "(past r31)", c->pc, c->mn, r);
	if (pair && r + 1 >= NFPE_NUM_GPRS)
		FAIL(BAD_DEST, c->pc, "insn %u: %s: destination pair d is r%u "
		     "(r%u:r%u runs past r31)", c->pc, c->mn, r, r, r + 1);
	return 0;
}

static int chk_zero(struct vctx *c, const char *field, uint32_t val)
{
	struct nfpe_verr *err = c->err;

	if (!val)
		return 0;
	FAIL(UNUSED_FIELD, c->pc, "insn %u: %s: unused field %s is 0x%x, "
	     "must be 0", c->pc, c->mn, field, val);
}

static int chk_target(struct vctx *c, uint32_t tgt)
{
	struct nfpe_verr *err = c->err;

	if (tgt < c->v->n_insns)
		return 0;
	FAIL(BAD_TARGET, c->pc, "insn %u: %s: branch target %u outside "
	     "code (n_insns %u)", c->pc, c->mn, tgt, c->v->n_insns);
}

static int chk_shift(struct vctx *c, uint32_t n)
{
	struct nfpe_verr *err = c->err;

	if (n <= 31)
		return 0;
	FAIL(BAD_SHIFT, c->pc, "insn %u: %s: shift amount %u above 31",
	     c->pc, c->mn, n);
}

#define TRY(x) do { int _r = (x); if (_r) return _r; } while (0)

static int is_pair_op(uint8_t op)
{
	return op == NFPE_OP_DIVU64 || op == NFPE_OP_DIVU64I ||
	       op == NFPE_OP_MODU64 || op == NFPE_OP_MODU64I;
}

static int chk_lm_const(struct vctx *c, uint8_t op, uint32_t a, uint32_t imm)
{
	struct nfpe_verr *err = c->err;
	uint32_t size = 1u << NFPE_OP_MEM_LOG2(op);

	if (NFPE_OP_MEM_SPACE(op) != NFPE_SPACE_LM || a != NFPE_REG_ZERO)
		return 0;
	if ((uint64_t)imm + size <= c->v->stack_size)
		return 0;
	FAIL(LM_BOUNDS, c->pc, "insn %u: %s: constant address %u (+%u bytes) "
	     "outside the stack (stack_size %u)", c->pc, c->mn, imm, size,
	     c->v->stack_size);
}

static int chk_engine(struct vctx *c, uint32_t d, uint32_t a, uint32_t b,
		      uint32_t eng)
{
	struct nfpe_verr *err = c->err;
	uint32_t ks = (b >> NFPE_ENG_F_KEY_SHIFT) & 3;
	uint32_t vs = (b >> NFPE_ENG_F_VAL_SHIFT) & 3;
	uint32_t allowed;

	TRY(chk_dst(c, d, 1));
	if (a + 6 >= NFPE_NUM_GPRS)
		FAIL(BAD_REG, c->pc, "insn %u: %s: argument base a is %u "
		     "(arguments a, a+2, a+4, a+6 must be r0..r31)",
		     c->pc, c->mn, a);
	if (eng == 0 || eng >= NFPE_ENG_NUM)
		FAIL(BAD_ENGINE, c->pc, "insn %u: %s: unknown engine command "
		     "%u", c->pc, c->mn, eng);
	if (!(eng < 32 && (c->caps->engines & NFPE_BIT(eng))))
		FAIL(ENGINE_UNSUPPORTED, c->pc, "insn %u: %s: engine command "
		     "%u not offered by this device (engines 0x%x)", c->pc,
		     c->mn, eng, c->caps->engines);
	switch (eng) {
	case NFPE_ENG_MAP_UPDATE:
		allowed = NFPE_ENG_F_MASK;
		break;
	case NFPE_ENG_MAP_LOOKUP:
	case NFPE_ENG_MAP_DELETE:
		allowed = 3 << NFPE_ENG_F_KEY_SHIFT;
		break;
	default:
		allowed = 0;
		break;
	}
	if ((b & ~allowed) || ks >= NFPE_SPACE_NUM || vs >= NFPE_SPACE_NUM)
		FAIL(BAD_ENGINE_FLAGS, c->pc, "insn %u: %s: engine %u flags "
		     "0x%x invalid (key space %u, value space %u; allowed "
		     "bits 0x%x, spaces lm/pkt/map)", c->pc, c->mn, eng, b, ks,
		     vs, allowed);
	return 0;
}

static int chk_insn(struct vctx *c, uint64_t w)
{
	struct nfpe_verr *err = c->err;
	uint8_t op = NFPE_INSN_OP(w);
	uint32_t d = NFPE_INSN_D(w), a = NFPE_INSN_A(w), b = NFPE_INSN_B(w);
	uint32_t imm = NFPE_INSN_IMM(w);
	uint32_t ba = NFPE_INSN_BR_A(w), tgt = NFPE_INSN_TARGET(w);
	const struct nfpe_opinfo *oi = &nfpe_opinfo[op];
	int pair;

	if (!oi->mnemonic)
		FAIL(BAD_OPCODE, c->pc, "insn %u: unknown opcode 0x%02x",
		     c->pc, op);
	c->mn = oi->mnemonic;
	pair = is_pair_op(op);

	switch (oi->fmt) {
	case NFPE_FMT_NONE:
		TRY(chk_zero(c, "d", d));
		TRY(chk_zero(c, "a", a));
		TRY(chk_zero(c, "b", b));
		TRY(chk_zero(c, "imm", imm));
		break;
	case NFPE_FMT_MOV:
		TRY(chk_dst(c, d, 0));
		TRY(chk_src(c, "a", a));
		TRY(chk_zero(c, "b", b));
		TRY(chk_zero(c, "imm", imm));
		break;
	case NFPE_FMT_IMM:
		TRY(chk_dst(c, d, 0));
		TRY(chk_zero(c, "a", a));
		TRY(chk_zero(c, "b", b));
		break;
	case NFPE_FMT_RR:
		TRY(chk_dst(c, d, pair));
		if (pair) {
			TRY(chk_src_pair(c, "a", a));
			TRY(chk_src_pair(c, "b", b));
		} else {
			TRY(chk_src(c, "a", a));
			TRY(chk_src(c, "b", b));
		}
		TRY(chk_zero(c, "imm", imm));
		break;
	case NFPE_FMT_RI:
		TRY(chk_dst(c, d, pair));
		TRY(pair ? chk_src_pair(c, "a", a) : chk_src(c, "a", a));
		TRY(chk_zero(c, "b", b));
		if (op == NFPE_OP_SHLI || op == NFPE_OP_SHRI ||
		    op == NFPE_OP_ASRI)
			TRY(chk_shift(c, imm));
		break;
	case NFPE_FMT_DSH_R:
		TRY(chk_dst(c, d, 0));
		TRY(chk_src(c, "a", a));
		TRY(chk_src(c, "b", b));
		TRY(chk_src(c, "c (imm[7:0])", imm & 0xff));
		TRY(chk_zero(c, "imm[31:8]", imm >> 8));
		break;
	case NFPE_FMT_DSH_I:
		TRY(chk_dst(c, d, 0));
		TRY(chk_src(c, "a", a));
		TRY(chk_src(c, "b", b));
		TRY(chk_shift(c, imm));
		break;
	case NFPE_FMT_BR_R:
		TRY(chk_src(c, "a", ba));
		TRY(chk_src(c, "b (imm[7:0])", imm & 0xff));
		TRY(chk_zero(c, "imm[31:8]", imm >> 8));
		TRY(chk_target(c, tgt));
		break;
	case NFPE_FMT_BR_I:
		TRY(chk_src(c, "a", ba));
		TRY(chk_target(c, tgt));
		break;
	case NFPE_FMT_JUMP:
		TRY(chk_zero(c, "a", ba));
		TRY(chk_zero(c, "imm", imm));
		TRY(chk_target(c, tgt));
		if (op == NFPE_OP_CALL && !(c->mark[tgt] & MARK_SUBPROG))
			FAIL(BAD_CALL, c->pc, "insn %u: call: target %u is not "
			     "a subprogram entry", c->pc, tgt);
		break;
	case NFPE_FMT_EXIT:
		TRY(chk_zero(c, "d", d));
		TRY(chk_src(c, "a", a));
		TRY(chk_zero(c, "b", b));
		TRY(chk_zero(c, "imm", imm));
		break;
	case NFPE_FMT_LD:
		TRY(chk_dst(c, d, NFPE_OP_MEM_LOG2(op) == 3));
		TRY(chk_src(c, "a", a));
		TRY(chk_zero(c, "b", b));
		TRY(chk_lm_const(c, op, a, imm));
		break;
	case NFPE_FMT_ST:
		TRY(chk_zero(c, "d", d));
		TRY(chk_src(c, "a", a));
		if (NFPE_OP_MEM_LOG2(op) == 3 && b != NFPE_REG_ZERO)
			TRY(chk_src_pair(c, "b", b));
		else
			TRY(chk_src(c, "b", b));
		TRY(chk_lm_const(c, op, a, imm));
		break;
	case NFPE_FMT_CSRRD:
		TRY(chk_dst(c, d, 0));
		TRY(chk_zero(c, "a", a));
		TRY(chk_zero(c, "b", b));
		if (imm >= NFPE_CSR_NUM)
			FAIL(BAD_CSR, c->pc, "insn %u: %s: unknown CSR %u",
			     c->pc, c->mn, imm);
		break;
	case NFPE_FMT_CSRWR:
		TRY(chk_zero(c, "d", d));
		TRY(chk_src(c, "a", a));
		TRY(chk_zero(c, "b", b));
		if (imm >= NFPE_CSR_NUM)
			FAIL(BAD_CSR, c->pc, "insn %u: %s: unknown CSR %u",
			     c->pc, c->mn, imm);
		if (!csr_writable[imm])
			FAIL(CSR_READ_ONLY, c->pc, "insn %u: %s: CSR %u (%s) is "
			     "read-only", c->pc, c->mn, imm, csr_name[imm]);
		break;
	case NFPE_FMT_ENG:
		TRY(chk_engine(c, d, a, b, imm));
		break;
	default:
		FAIL(BAD_OPCODE, c->pc, "insn %u: opcode 0x%02x has no format",
		     c->pc, op);
	}
	return 0;
}

/* ---- header and sections ------------------------------------------ */

struct section {
	const char *name;
	uint32_t count, elem, off, align;
};

static int chk_sections(struct nfpe_img_view *v, uint32_t total,
			struct nfpe_verr *err)
{
	struct section s[4] = {
		{ "code",        v->n_insns,   8,  v->code_off,  8 },
		{ "entry",       v->n_entries, 8,  v->entry_off, 4 },
		{ "map",         v->n_maps,    24, v->map_off,   4 },
		{ "relocation",  v->n_relocs,  12, v->reloc_off, 4 },
	};
	uint64_t hdr = sizeof(struct nfpe_image_hdr);
	int i, j;

	for (i = 0; i < 4; i++) {
		uint64_t size = (uint64_t)s[i].count * s[i].elem;

		if (!s[i].count)
			continue;
		if (s[i].off > total || size > total - s[i].off)
			FAIL(SECTION_BOUNDS, NO_INSN, "%s section at offset %u, "
			     "%llu bytes (%u x %u), outside the image "
			     "(total_len %u)", s[i].name, s[i].off,
			     (unsigned long long)size, s[i].count, s[i].elem,
			     total);
		if (s[i].off % s[i].align)
			FAIL(SECTION_ALIGN, NO_INSN, "%s section offset %u is not "
			     "%u-byte aligned", s[i].name, s[i].off,
			     s[i].align);
		if (s[i].off < hdr)
			FAIL(SECTION_OVERLAP, NO_INSN, "%s section at offset %u "
			     "overlaps the %u-byte header", s[i].name,
			     s[i].off, (uint32_t)hdr);
	}
	for (i = 0; i < 4; i++) {
		uint64_t ia = s[i].off, ib = ia + (uint64_t)s[i].count * s[i].elem;

		if (!s[i].count)
			continue;
		for (j = i + 1; j < 4; j++) {
			uint64_t ja = s[j].off;
			uint64_t jb = ja + (uint64_t)s[j].count * s[j].elem;

			if (!s[j].count)
				continue;
			if (ia < jb && ja < ib)
				FAIL(SECTION_OVERLAP, NO_INSN, "%s section "
				     "[%llu, %llu) overlaps %s section "
				     "[%llu, %llu)", s[i].name,
				     (unsigned long long)ia,
				     (unsigned long long)ib, s[j].name,
				     (unsigned long long)ja,
				     (unsigned long long)jb);
		}
	}
	return 0;
}

static int chk_header(const struct nfpe_caps *caps, const uint8_t *p,
		      size_t len, struct nfpe_img_view *v,
		      struct nfpe_verr *err)
{
	const size_t hdr_size = sizeof(struct nfpe_image_hdr);
	uint32_t magic, hdr_len, total, flags, reserved, code_max, maps_max;
	uint16_t major, minor;

	if (!p || len < hdr_size)
		FAIL(TRUNCATED, NO_INSN, "image is %zu bytes, shorter than "
		     "the %zu-byte header", p ? len : 0, hdr_size);
	magic = nfpe__ld32(p + 0);
	if (magic != NFPE_IMAGE_MAGIC)
		FAIL(BAD_MAGIC, NO_INSN, "bad magic 0x%08x (expected 0x%08x)",
		     magic, NFPE_IMAGE_MAGIC);
	major = ld16(p + 4);
	minor = ld16(p + 6);
	if (major != NFPE_IMAGE_ABI_MAJOR || minor > NFPE_IMAGE_ABI_MINOR)
		FAIL(BAD_ABI, NO_INSN, "image ABI %u.%u, device supports "
		     "%u.0..%u.%u", major, minor, NFPE_IMAGE_ABI_MAJOR,
		     NFPE_IMAGE_ABI_MAJOR, NFPE_IMAGE_ABI_MINOR);
	hdr_len = nfpe__ld32(p + 8);
	if (hdr_len != hdr_size)
		FAIL(BAD_HDR_LEN, NO_INSN, "hdr_len %u, ABI 1 headers are %zu "
		     "bytes", hdr_len, hdr_size);
	if (len > NFPE_IMAGE_MAX_BYTES)
		FAIL(TOO_BIG, NO_INSN, "image is %zu bytes, the device accepts "
		     "at most %u", len, NFPE_IMAGE_MAX_BYTES);
	total = nfpe__ld32(p + 12);
	if (total > len)
		FAIL(TRUNCATED, NO_INSN, "total_len %u but the image is only "
		     "%zu bytes", total, len);
	if (total != len)
		FAIL(BAD_TOTAL_LEN, NO_INSN, "total_len %u does not match the "
		     "image size %zu", total, len);
	v->prog_type = nfpe__ld32(p + 16);
	if (v->prog_type != NFPE_PROG_XDP && v->prog_type != NFPE_PROG_TC)
		FAIL(BAD_PROG_TYPE, NO_INSN, "prog_type %u (expected %u XDP or "
		     "%u TC)", v->prog_type, NFPE_PROG_XDP, NFPE_PROG_TC);
	flags = nfpe__ld32(p + 20);
	if (flags)
		FAIL(RESERVED, NO_INSN, "header flags is 0x%x, must be 0",
		     flags);
	reserved = nfpe__ld32(p + 60);
	if (reserved)
		FAIL(RESERVED, NO_INSN, "header reserved word is 0x%x, must "
		     "be 0", reserved);
	v->stack_size = nfpe__ld32(p + 24);
	if (v->stack_size > nfpe__lm_size(caps))
		FAIL(STACK_TOO_BIG, NO_INSN, "stack_size %u exceeds the "
		     "thread's %u bytes of local memory", v->stack_size,
		     nfpe__lm_size(caps));
	v->n_insns = nfpe__ld32(p + 28);
	v->code_off = nfpe__ld32(p + 32);
	v->n_entries = nfpe__ld32(p + 36);
	v->entry_off = nfpe__ld32(p + 40);
	v->n_maps = nfpe__ld32(p + 44);
	v->map_off = nfpe__ld32(p + 48);
	v->n_relocs = nfpe__ld32(p + 52);
	v->reloc_off = nfpe__ld32(p + 56);
	if (!v->n_insns)
		FAIL(NO_CODE, NO_INSN, "image has no instructions");
	code_max = caps->code_store < NFPE_MAX_CODE ? caps->code_store :
		   NFPE_MAX_CODE;
	if (v->n_insns > code_max)
		FAIL(CODE_TOO_BIG, NO_INSN, "n_insns %u exceeds the code store "
		     "(%u instructions)", v->n_insns, code_max);
	if (!v->n_entries)
		FAIL(NO_ENTRY, NO_INSN, "image has no entry point "
		     "(n_entries 0)");
	if (v->n_entries > NFPE_IMAGE_MAX_ENTRIES)
		FAIL(TOO_MANY_ENTRIES, NO_INSN, "n_entries %u exceeds %u",
		     v->n_entries, NFPE_IMAGE_MAX_ENTRIES);
	maps_max = caps->max_maps < NFPE_IMAGE_MAX_MAPS ? caps->max_maps :
		   NFPE_IMAGE_MAX_MAPS;
	if (v->n_maps > maps_max)
		FAIL(TOO_MANY_MAPS, NO_INSN, "n_maps %u exceeds the device's "
		     "%u", v->n_maps, maps_max);
	return chk_sections(v, total, err);
}

/* ---- tables ------------------------------------------------------- */

static int chk_entries(struct nfpe_img_view *v, uint8_t *mark,
		       struct nfpe_verr *err)
{
	uint32_t i, j;

	for (i = 0; i < v->n_entries; i++) {
		const uint8_t *e = v->base + v->entry_off + 8 * i;
		uint32_t insn = nfpe__ld32(e), kind = nfpe__ld32(e + 4);
		uint32_t want = i ? NFPE_ENTRY_SUBPROG : NFPE_ENTRY_MAIN;

		if (insn >= v->n_insns)
			FAIL(BAD_ENTRY, insn, "entry %u: insn %u outside code "
			     "(n_insns %u)", i, insn, v->n_insns);
		if (kind != want)
			FAIL(BAD_ENTRY, insn, "entry %u: kind %u, must be %u "
			     "(%s)", i, kind, want, i ? "SUBPROG" : "MAIN");
		for (j = 0; j < i; j++)
			if (nfpe__ld32(v->base + v->entry_off + 8 * j) == insn)
				FAIL(BAD_ENTRY, insn, "entry %u: insn %u is "
				     "already entry %u", i, insn, j);
		if (i)
			mark[insn] |= MARK_SUBPROG;
	}
	return 0;
}

static int chk_maps(const struct nfpe_caps *caps, struct nfpe_img_view *v,
		    struct nfpe_verr *err)
{
	uint32_t i;

	for (i = 0; i < v->n_maps; i++) {
		const uint8_t *m = v->base + v->map_off + 24 * i;
		uint32_t type = nfpe__ld32(m + 4), key = nfpe__ld32(m + 8);
		uint32_t val = nfpe__ld32(m + 12), ent = nfpe__ld32(m + 16);

		if (type >= 32 || !(caps->map_types & NFPE_BIT(type)))
			FAIL(MAP_UNSUPPORTED, NO_INSN, "map %u: type %u not "
			     "offered by this device (map types 0x%x)", i,
			     type, caps->map_types);
		if (!key || key > caps->max_key)
			FAIL(BAD_MAP, NO_INSN, "map %u: key_size %u (must be "
			     "1..%u)", i, key, caps->max_key);
		if (!val || val > caps->max_value)
			FAIL(BAD_MAP, NO_INSN, "map %u: value_size %u (must be "
			     "1..%u)", i, val, caps->max_value);
		if (!ent || ent > caps->max_entries)
			FAIL(BAD_MAP, NO_INSN, "map %u: max_entries %u (must be "
			     "1..%u)", i, ent, caps->max_entries);
		if ((type == NFPE_BPF_MAP_ARRAY ||
		     type == NFPE_BPF_MAP_PERCPU_ARRAY) && key != 4)
			FAIL(BAD_MAP, NO_INSN, "map %u: array map with key_size "
			     "%u (must be 4)", i, key);
	}
	return 0;
}

static int chk_relocs(struct nfpe_img_view *v, uint8_t *mark,
		      struct nfpe_verr *err)
{
	uint32_t i;

	for (i = 0; i < v->n_relocs; i++) {
		const uint8_t *r = v->base + v->reloc_off + 12 * i;
		uint32_t insn = nfpe__ld32(r), kind = nfpe__ld32(r + 4);
		uint32_t val = nfpe__ld32(r + 8);
		uint64_t w;
		uint8_t op;

		if (insn >= v->n_insns)
			FAIL(BAD_RELOC, NO_INSN, "relocation %u: insn %u "
			     "outside code (n_insns %u)", i, insn, v->n_insns);
		if (mark[insn] & MARK_RELOC)
			FAIL(BAD_RELOC, insn, "relocation %u: insn %u already "
			     "has a relocation", i, insn);
		mark[insn] |= MARK_RELOC;
		w = nfpe__img_insn(v, insn);
		op = NFPE_INSN_OP(w);
		switch (kind) {
		case NFPE_RELOC_MAP_SLOT:
			if (op != NFPE_OP_IMMED)
				FAIL(BAD_RELOC, insn, "relocation %u: MAP_SLOT "
				     "on insn %u (%s), must be on immed", i,
				     insn, nfpe_opinfo[op].mnemonic);
			if (NFPE_INSN_IMM(w) >= v->n_maps)
				FAIL(BAD_MAP_SLOT, insn, "insn %u: map slot %u "
				     "out of range (n_maps %u)", insn,
				     NFPE_INSN_IMM(w), v->n_maps);
			if (val != NFPE_INSN_IMM(w))
				FAIL(BAD_RELOC, insn, "relocation %u: value %u "
				     "but insn %u loads slot %u", i, val, insn,
				     NFPE_INSN_IMM(w));
			break;
		case NFPE_RELOC_ENGINE:
			if (op != NFPE_OP_ENG)
				FAIL(BAD_RELOC, insn, "relocation %u: ENGINE on "
				     "insn %u (%s), must be on eng", i, insn,
				     nfpe_opinfo[op].mnemonic);
			if (val != NFPE_INSN_IMM(w))
				FAIL(BAD_RELOC, insn, "relocation %u: engine %u "
				     "but insn %u runs engine %u", i, val,
				     insn, NFPE_INSN_IMM(w));
			break;
		default:
			FAIL(BAD_RELOC, insn, "relocation %u: unknown kind %u",
			     i, kind);
		}
	}
	return 0;
}

int nfpe__validate(const struct nfpe_alloc *a, const struct nfpe_caps *caps,
		   const void *image, size_t len, struct nfpe_img_view *v,
		   struct nfpe_verr *err)
{
	struct vctx c = { caps, v, err, NULL, 0, NULL };
	uint64_t last;
	uint8_t lop;
	int ret;

	__builtin_memset(v, 0, sizeof(*v));
	v->base = image;
	ret = chk_header(caps, image, len, v, err);
	if (ret)
		return ret;
	c.mark = a->alloc(a->opaque, v->n_insns);
	if (!c.mark) {
		nfpe__verr(err, NFPE_IMG_E_OK, NO_INSN, "out of memory "
			   "validating %u instructions", v->n_insns);
		return -NFPE_ENOMEM;
	}
	ret = chk_entries(v, c.mark, err);
	if (!ret)
		ret = chk_maps(caps, v, err);
	for (c.pc = 0; !ret && c.pc < v->n_insns; c.pc++)
		ret = chk_insn(&c, nfpe__img_insn(v, c.pc));
	if (!ret)
		ret = chk_relocs(v, c.mark, err);
	for (c.pc = 0; !ret && c.pc < v->n_insns; c.pc++) {
		uint64_t w = nfpe__img_insn(v, c.pc);

		if (NFPE_INSN_OP(w) == NFPE_OP_ENG &&
		    !(c.mark[c.pc] & MARK_RELOC))
			ret = nfpe__verr(err, NFPE_IMG_E_MISSING_RELOC, c.pc,
					 "insn %u: eng %u has no ENGINE "
					 "relocation", c.pc, NFPE_INSN_IMM(w));
	}
	a->free(a->opaque, c.mark);
	if (ret)
		return ret;
	last = nfpe__img_insn(v, v->n_insns - 1);
	lop = NFPE_INSN_OP(last);
	if (lop != NFPE_OP_BR && lop != NFPE_OP_EXIT && lop != NFPE_OP_RET)
		FAIL(FALLS_OFF_END, v->n_insns - 1, "insn %u: last instruction "
		     "%s can fall through past the end of the code (must be "
		     "br, exit or ret)", v->n_insns - 1,
		     nfpe_opinfo[lop].mnemonic);
	if (err) {
		err->code = NFPE_IMG_E_OK;
		err->insn = NO_INSN;
		nfpe_fmt(err->msg, sizeof(err->msg), "%s", "valid");
	}
	return 0;
}
