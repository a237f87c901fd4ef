/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * asm.c - microcode assembler: source text -> program image.
 *
 * The language is described in docs/assembly.md.  In short: one
 * instruction per line, ';' or '#' comments, "name:" labels, mnemonics
 * from the opcode table of nfpe/isa.h (an R/I pair shares a mnemonic and
 * the operand picks the form), directives for the image header, map
 * table and entry table.  Two passes: the first parses every line and
 * records label references, the second patches branch targets and entry
 * points.  The image comes out in the canonical layout (header, code,
 * entries, maps, relocations), which is what nfpe_disasm_image() prints
 * back, so the round trip is exact.
 *
 * Stops at the first error and reports it as "line N: what is wrong".
 * No libc: memory from the caller's allocator, private formatting.
 */
#include <stdarg.h>

#include "nfpe_mc.h"
#include "names.h"

/* ---- Tables from nfpe/isa.h ----------------------------------------- */

/* Mnemonics come from nfpe_opinfo, the other names from names.h. */

static const struct { const char *name; uint32_t type; } map_types[] = {
	{ "hash", NFPE_BPF_MAP_HASH },
	{ "array", NFPE_BPF_MAP_ARRAY },
	{ "percpu_hash", NFPE_BPF_MAP_PERCPU_HASH },
	{ "percpu_array", NFPE_BPF_MAP_PERCPU_ARRAY },
	{ "lru_hash", NFPE_BPF_MAP_LRU_HASH },
};

/* ---- Context ------------------------------------------------------- */

struct tok {
	const char *s;
	uint32_t n;
};

struct label {
	struct tok name;
	uint32_t insn;
	uint32_t line;
};

enum fix_kind { FIX_TARGET, FIX_MAIN, FIX_SUBPROG };

struct fixup {
	struct tok name;	/* name.s NULL: absolute, in insn */
	uint32_t insn;		/* FIX_TARGET: the branch; else the target */
	uint32_t line;
	uint32_t kind;
};

struct reloc {
	uint32_t insn, kind, value, line;
};

struct asm_ctx {
	const struct nfpe_alloc *a;
	struct nfpe_asm_err *err;
	int failed;
	uint32_t line;
	const char *p, *end;	/* cursor in the current line */

	uint64_t *code;
	uint32_t n_code, cap_code;
	struct label *labels;
	uint32_t n_labels, cap_labels;
	uint32_t *ltab;		/* open addressing: label index + 1 */
	uint32_t ltab_cap;
	struct fixup *fix;
	uint32_t n_fix, cap_fix;
	struct reloc *relocs;
	uint32_t n_relocs, cap_relocs;

	struct nfpe_image_map maps[NFPE_IMAGE_MAX_MAPS];
	uint32_t n_maps;
	uint32_t prog_type, stack;
	uint8_t name[NFPE_IMAGE_NAME_LEN];
	uint32_t type_line, name_line, stack_line, entry_line;
	uint32_t n_subprogs;
};

/* ---- Error text ---------------------------------------------------- */

struct sbuf {
	char *b;
	size_t size, len;
};

static void sb_putc(struct sbuf *s, char c)
{
	if (s->len + 1 < s->size)
		s->b[s->len++] = c;
}

static void sb_puts(struct sbuf *s, const char *str)
{
	while (*str)
		sb_putc(s, *str++);
}

static void sb_num(struct sbuf *s, uint64_t v, unsigned int base)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		sb_putc(s, tmp[--n]);
}

/*
 * Tiny formatter: %s C string, %t struct tok * (cut at 40 bytes),
 * %u uint32_t, %x uint32_t as 0x.., %%.
 */
static void sb_vfmt(struct sbuf *s, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			sb_putc(s, *fmt);
			continue;
		}
		switch (*++fmt) {
		case 's':
			sb_puts(s, va_arg(ap, const char *));
			break;
		case 't': {
			const struct tok *t = va_arg(ap, const struct tok *);
			uint32_t i;

			for (i = 0; i < t->n && i < 40; i++)
				sb_putc(s, t->s[i]);
			if (t->n > 40)
				sb_puts(s, "...");
			break;
		}
		case 'u':
			sb_num(s, va_arg(ap, uint32_t), 10);
			break;
		case 'x':
			sb_puts(s, "0x");
			sb_num(s, va_arg(ap, uint32_t), 16);
			break;
		case '%':
			sb_putc(s, '%');
			break;
		default:
			return;
		}
	}
}

static int fail_at(struct asm_ctx *c, uint32_t line, const char *fmt, ...)
{
	struct sbuf s;
	va_list ap;

	if (c->failed)
		return -1;
	c->failed = 1;
	if (!c->err)
		return -1;
	s.b = c->err->msg;
	s.size = sizeof(c->err->msg);
	s.len = 0;
	c->err->line = line;
	if (line) {
		sb_puts(&s, "line ");
		sb_num(&s, line, 10);
		sb_puts(&s, ": ");
	}
	va_start(ap, fmt);
	sb_vfmt(&s, fmt, ap);
	va_end(ap);
	s.b[s.len] = '\0';
	return -1;
}

#define fail(c, ...) fail_at(c, (c)->line, __VA_ARGS__)

/* ---- Memory -------------------------------------------------------- */

static int grow(struct asm_ctx *c, void **arr, uint32_t *cap, uint32_t n,
		size_t esz)
{
	uint32_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	p = c->a->alloc(c->a->opaque, (size_t)ncap * esz);
	if (!p)
		return fail(c, "out of memory");
	if (*arr) {
		__builtin_memcpy(p, *arr, (size_t)*cap * esz);
		c->a->free(c->a->opaque, *arr);
	}
	*arr = p;
	*cap = ncap;
	return 0;
}

/* ---- Characters and tokens ---------------------------------------- */

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' ||
	       ch == '\f';
}

static int is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       ch == '_';
}

static int is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int is_ident(char ch)
{
	return is_alpha(ch) || is_digit(ch) || ch == '.';
}

static char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* Case-insensitive: token equals the lowercase C string. */
static int tok_is(const struct tok *t, const char *s)
{
	uint32_t i;

	for (i = 0; i < t->n; i++)
		if (!s[i] || lower(t->s[i]) != s[i])
			return 0;
	return s[i] == '\0';
}

static int tok_eq(const struct tok *a, const struct tok *b)
{
	return a->n == b->n && !__builtin_memcmp(a->s, b->s, a->n);
}

static void skip_ws(struct asm_ctx *c)
{
	while (c->p < c->end && is_space(*c->p))
		c->p++;
}

static int at_end(struct asm_ctx *c)
{
	skip_ws(c);
	return c->p >= c->end;
}

static struct tok read_ident(struct asm_ctx *c)
{
	struct tok t = { c->p, 0 };

	while (c->p < c->end && is_ident(*c->p))
		c->p++;
	t.n = (uint32_t)(c->p - t.s);
	return t;
}

/* What is next, for messages: up to the next ',' or the end. */
static struct tok next_text(struct asm_ctx *c)
{
	struct tok t;
	const char *q;

	skip_ws(c);
	t.s = c->p;
	for (q = c->p; q < c->end && *q != ','; q++)
		;
	while (q > c->p && is_space(q[-1]))
		q--;
	t.n = (uint32_t)(q - c->p);
	return t;
}

static int expect_comma(struct asm_ctx *c, const char *what)
{
	struct tok t;

	if (at_end(c))
		return fail(c, "missing operand (expected %s)", what);
	if (*c->p == ',') {
		c->p++;
		return 0;
	}
	t = next_text(c);
	return fail(c, "expected ',' before '%t'", &t);
}

static int expect_end(struct asm_ctx *c)
{
	struct tok t;

	if (at_end(c))
		return 0;
	t.s = c->p;
	t.n = (uint32_t)(c->end - c->p);
	return fail(c, "unexpected '%t' at end of line", &t);
}

/* ---- Operands ------------------------------------------------------ */

/* r0..r31, rz; returns 1 and the index if t spells a register name. */
static int reg_name(const struct tok *t, uint32_t *r, int *bad_index)
{
	uint32_t i, v = 0;

	*bad_index = 0;
	if (t->n < 2 || lower(t->s[0]) != 'r')
		return 0;
	if (t->n == 2 && lower(t->s[1]) == 'z') {
		*r = NFPE_REG_ZERO;
		return 1;
	}
	for (i = 1; i < t->n; i++) {
		if (!is_digit(t->s[i]))
			return 0;
		if (v < 1000)
			v = v * 10 + (uint32_t)(t->s[i] - '0');
	}
	if (v >= NFPE_NUM_GPRS) {
		*bad_index = 1;
		return 0;
	}
	*r = v;
	return 1;
}

static int peek_reg(struct asm_ctx *c)
{
	const char *save = c->p;
	struct tok t;
	uint32_t r;
	int bad;

	skip_ws(c);
	t = read_ident(c);
	c->p = save;
	return reg_name(&t, &r, &bad) || bad;
}

static int parse_reg(struct asm_ctx *c, uint8_t *r)
{
	struct tok t;
	uint32_t v;
	int bad;

	if (at_end(c))
		return fail(c, "missing register");
	t = read_ident(c);
	if (reg_name(&t, &v, &bad)) {
		*r = (uint8_t)v;
		return 0;
	}
	if (bad)
		return fail(c, "unknown register %t", &t);
	c->p = t.s;
	t = next_text(c);
	return fail(c, "expected a register, got '%t'", &t);
}

/*
 * Number: [+-] then 0x-hex or decimal.  Returns the magnitude, the sign
 * in *neg.  Fails on junk or more than 64 bits.
 */
static int parse_num(struct asm_ctx *c, uint64_t *mag, int *neg,
		     const char *what)
{
	const char *start;
	uint64_t v = 0;
	unsigned int base = 10, digits = 0;
	int overflow = 0;
	struct tok t;

	skip_ws(c);
	start = c->p;
	*neg = 0;
	if (c->p < c->end && (*c->p == '-' || *c->p == '+')) {
		*neg = *c->p == '-';
		c->p++;
	}
	if (c->end - c->p >= 2 && c->p[0] == '0' && lower(c->p[1]) == 'x') {
		base = 16;
		c->p += 2;
	}
	for (; c->p < c->end; c->p++) {
		char ch = lower(*c->p);
		unsigned int d;

		if (is_digit(ch))
			d = (unsigned int)(ch - '0');
		else if (base == 16 && ch >= 'a' && ch <= 'f')
			d = (unsigned int)(ch - 'a' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			overflow = 1;
		v = v * base + d;
		digits++;
	}
	if (overflow && !(c->p < c->end && is_ident(*c->p))) {
		t.s = start;
		t.n = (uint32_t)(c->p - start);
		return fail(c, "number %t does not fit 64 bits", &t);
	}
	if (!digits || (c->p < c->end && is_ident(*c->p))) {
		c->p = start;
		t = next_text(c);
		if (!t.n)
			return fail(c, "missing %s", what);
		return fail(c, "expected %s, got '%t'", what, &t);
	}
	*mag = v;
	return 0;
}

/* A 32-bit field: -2^31 .. 2^32-1, stored two's complement. */
static int parse_imm32(struct asm_ctx *c, uint32_t *imm, const char *what)
{
	const char *start;
	uint64_t mag;
	int neg;
	struct tok t;

	skip_ws(c);
	start = c->p;
	if (parse_num(c, &mag, &neg, what))
		return -1;
	if ((neg && mag > 0x80000000ull) || (!neg && mag > 0xffffffffull)) {
		t.s = start;
		t.n = (uint32_t)(c->p - start);
		return fail(c, "%s %t out of range (-2147483648..4294967295)",
			    what, &t);
	}
	*imm = neg ? (uint32_t)(0 - mag) : (uint32_t)mag;
	return 0;
}

/* An unsigned 32-bit directive argument. */
static int parse_u32(struct asm_ctx *c, uint32_t *v, const char *what)
{
	const char *start;
	uint64_t mag;
	int neg;
	struct tok t;

	skip_ws(c);
	start = c->p;
	if (parse_num(c, &mag, &neg, what))
		return -1;
	if (neg || mag > 0xffffffffull) {
		t.s = start;
		t.n = (uint32_t)(c->p - start);
		return fail(c, "%s %t out of range (0..4294967295)", what, &t);
	}
	*v = (uint32_t)mag;
	return 0;
}

static int add_fixup(struct asm_ctx *c, struct tok name, uint32_t insn,
		     uint32_t kind)
{
	if (grow(c, (void **)&c->fix, &c->cap_fix, c->n_fix, sizeof(*c->fix)))
		return -1;
	c->fix[c->n_fix].name = name;
	c->fix[c->n_fix].insn = insn;
	c->fix[c->n_fix].line = c->line;
	c->fix[c->n_fix].kind = kind;
	c->n_fix++;
	return 0;
}

/*
 * A code address: "@N" or a label.  *abs receives N (and 1 is returned
 * in *is_abs) or the label token is returned in *name.
 */
static int parse_target(struct asm_ctx *c, struct tok *name, uint32_t *abs,
			int is_entry)
{
	struct tok t;

	if (at_end(c))
		return fail(c, "missing branch target");
	if (*c->p == '@') {
		uint32_t v;

		c->p++;
		if (parse_u32(c, &v, "instruction index"))
			return -1;
		if (v >= NFPE_MAX_CODE && !is_entry)
			return fail(c, "target @%u beyond the 16-bit target "
				    "field", v);
		name->s = NULL;
		name->n = 0;
		*abs = v;
		return 0;
	}
	if (!is_alpha(*c->p)) {
		t = next_text(c);
		return fail(c, "expected a label, got '%t'", &t);
	}
	*name = read_ident(c);
	return 0;
}

/* [rA], [rA+N], [rA-N] */
static int parse_mem(struct asm_ctx *c, uint8_t *base, uint32_t *off)
{
	struct tok t;
	uint64_t mag;
	int neg;

	if (at_end(c))
		return fail(c, "missing memory operand");
	if (*c->p != '[') {
		t = next_text(c);
		return fail(c, "expected a memory operand [rN+offset], "
			    "got '%t'", &t);
	}
	c->p++;
	if (parse_reg(c, base))
		return -1;
	skip_ws(c);
	*off = 0;
	if (c->p < c->end && (*c->p == '+' || *c->p == '-')) {
		int minus = *c->p == '-';

		c->p++;
		skip_ws(c);
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			return fail(c, "bad memory offset");
		if (parse_num(c, &mag, &neg, "memory offset"))
			return -1;
		if ((minus && mag > 0x80000000ull) ||
		    (!minus && mag > 0xffffffffull))
			return fail(c, "memory offset out of range");
		*off = minus ? (uint32_t)(0 - mag) : (uint32_t)mag;
		skip_ws(c);
	}
	if (c->p >= c->end || *c->p != ']')
		return fail(c, "expected ']' to close the memory operand");
	c->p++;
	return 0;
}

static int parse_named(struct asm_ctx *c, const char *const *names,
		       uint32_t n_names, uint32_t *v, const char *what)
{
	struct tok t;
	uint32_t i;

	if (at_end(c))
		return fail(c, "missing %s", what);
	if (is_digit(*c->p))
		return parse_u32(c, v, what);
	t = read_ident(c);
	for (i = 0; i < n_names; i++) {
		if (names[i] && tok_is(&t, names[i])) {
			*v = i;
			return 0;
		}
	}
	if (!t.n)
		t = next_text(c);
	return fail(c, "unknown %s '%t'", what, &t);
}

/* ---- Emission ------------------------------------------------------ */

static int emit(struct asm_ctx *c, uint64_t w)
{
	if (c->n_code >= NFPE_MAX_CODE)
		return fail(c, "more than %u instructions", NFPE_MAX_CODE);
	if (grow(c, (void **)&c->code, &c->cap_code, c->n_code,
		 sizeof(*c->code)))
		return -1;
	c->code[c->n_code++] = w;
	return 0;
}

static int add_reloc(struct asm_ctx *c, uint32_t kind, uint32_t value)
{
	if (grow(c, (void **)&c->relocs, &c->cap_relocs, c->n_relocs,
		 sizeof(*c->relocs)))
		return -1;
	c->relocs[c->n_relocs].insn = c->n_code;
	c->relocs[c->n_relocs].kind = kind;
	c->relocs[c->n_relocs].value = value;
	c->relocs[c->n_relocs].line = c->line;
	c->n_relocs++;
	return 0;
}

/* Candidates of a mnemonic: up to two opcodes (R and I forms). */
static uint32_t find_ops(const struct tok *mn, int ops[2])
{
	uint32_t i, n = 0;

	for (i = 0; i < 256; i++)
		if (nfpe_opinfo[i].mnemonic && tok_is(mn, nfpe_opinfo[i].mnemonic) && n < 2)
			ops[n++] = (int)i;
	return n;
}

static int pick(int ops[2], uint32_t n, uint8_t fmt)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (nfpe_opinfo[ops[i]].fmt == fmt)
			return ops[i];
	return ops[0];
}

static int parse_eng(struct asm_ctx *c, uint8_t op)
{
	uint8_t d, a, flags = 0;
	uint32_t eng, sp;
	int seen_key = 0, seen_val = 0;

	if (parse_reg(c, &d) || expect_comma(c, "rA, engine") ||
	    parse_reg(c, &a) || expect_comma(c, "engine") ||
	    parse_named(c, nfpe_eng_names, NFPE_ENG_NUM, &eng, "engine"))
		return -1;
	while (!at_end(c)) {
		struct tok t;
		int is_key;

		if (expect_comma(c, "engine flag"))
			return -1;
		skip_ws(c);
		t = read_ident(c);
		if (tok_is(&t, "key"))
			is_key = 1;
		else if (tok_is(&t, "val"))
			is_key = 0;
		else {
			if (!t.n)
				t = next_text(c);
			return fail(c, "unknown engine flag '%t' "
				    "(key=SPACE or val=SPACE)", &t);
		}
		if (is_key ? seen_key : seen_val)
			return fail(c, "duplicate %s= flag",
				    is_key ? "key" : "val");
		skip_ws(c);
		if (c->p >= c->end || *c->p != '=')
			return fail(c, "expected '=' after %s",
				    is_key ? "key" : "val");
		c->p++;
		skip_ws(c);
		t = read_ident(c);
		for (sp = 0; sp < NFPE_SPACE_NUM; sp++)
			if (tok_is(&t, nfpe_space_names[sp]))
				break;
		if (sp == NFPE_SPACE_NUM) {
			if (!t.n)
				t = next_text(c);
			return fail(c, "unknown address space '%t' "
				    "(lm, pkt or map)", &t);
		}
		if (is_key) {
			seen_key = 1;
			flags |= (uint8_t)(sp << NFPE_ENG_F_KEY_SHIFT);
		} else {
			seen_val = 1;
			flags |= (uint8_t)(sp << NFPE_ENG_F_VAL_SHIFT);
		}
	}
	if (add_reloc(c, NFPE_RELOC_ENGINE, eng))
		return -1;
	return emit(c, nfpe_enc_r(op, d, a, flags, eng));
}

static int parse_insn(struct asm_ctx *c, const struct tok *mn)
{
	int ops[2];
	uint32_t n = find_ops(mn, ops), imm = 0, abs = 0;
	uint8_t d = 0, a = 0, b = 0, r;
	struct tok name = { NULL, 0 };
	int op;

	if (!n)
		return fail(c, "unknown mnemonic '%t'", mn);
	op = ops[0];

	switch (nfpe_opinfo[op].fmt) {
	case NFPE_FMT_NONE:
		break;
	case NFPE_FMT_MOV:
		if (parse_reg(c, &d) || expect_comma(c, "rA") ||
		    parse_reg(c, &a))
			return -1;
		break;
	case NFPE_FMT_IMM:
		if (parse_reg(c, &d) || expect_comma(c, "immediate"))
			return -1;
		skip_ws(c);
		if (c->end - c->p >= 4 && lower(c->p[0]) == 'm' &&
		    lower(c->p[1]) == 'a' && lower(c->p[2]) == 'p' &&
		    c->p[3] == ':') {
			c->p += 4;
			if (parse_u32(c, &imm, "map slot"))
				return -1;
			if (imm >= NFPE_IMAGE_MAX_MAPS)
				return fail(c, "map slot %u out of range "
					    "(0..63)", imm);
			if (add_reloc(c, NFPE_RELOC_MAP_SLOT, imm))
				return -1;
		} else if (parse_imm32(c, &imm, "immediate")) {
			return -1;
		}
		break;
	case NFPE_FMT_RR:
	case NFPE_FMT_RI:
		if (parse_reg(c, &d) || expect_comma(c, "rA") ||
		    parse_reg(c, &a) ||
		    expect_comma(c, "register or immediate"))
			return -1;
		if (peek_reg(c)) {
			op = pick(ops, n, NFPE_FMT_RR);
			if (nfpe_opinfo[op].fmt != NFPE_FMT_RR)
				return fail(c, "'%t' takes an immediate as "
					    "its third operand", mn);
			if (parse_reg(c, &b))
				return -1;
		} else {
			op = pick(ops, n, NFPE_FMT_RI);
			if (nfpe_opinfo[op].fmt != NFPE_FMT_RI)
				return fail(c, "'%t' takes a register as "
					    "its third operand", mn);
			if (parse_imm32(c, &imm, "immediate"))
				return -1;
		}
		break;
	case NFPE_FMT_DSH_R:
	case NFPE_FMT_DSH_I:
		if (parse_reg(c, &d) || expect_comma(c, "rA") ||
		    parse_reg(c, &a) || expect_comma(c, "rB") ||
		    parse_reg(c, &b) || expect_comma(c, "shift amount"))
			return -1;
		if (peek_reg(c)) {
			op = pick(ops, n, NFPE_FMT_DSH_R);
			if (parse_reg(c, &r))
				return -1;
			imm = r;
		} else {
			op = pick(ops, n, NFPE_FMT_DSH_I);
			if (parse_imm32(c, &imm, "shift amount"))
				return -1;
		}
		break;
	case NFPE_FMT_BR_R:
	case NFPE_FMT_BR_I:
		if (parse_reg(c, &a) ||
		    expect_comma(c, "register or immediate"))
			return -1;
		if (peek_reg(c)) {
			op = pick(ops, n, NFPE_FMT_BR_R);
			if (parse_reg(c, &r))
				return -1;
			imm = r;
		} else {
			op = pick(ops, n, NFPE_FMT_BR_I);
			if (parse_imm32(c, &imm, "immediate"))
				return -1;
		}
		if (expect_comma(c, "branch target") ||
		    parse_target(c, &name, &abs, 0))
			return -1;
		break;
	case NFPE_FMT_JUMP:
		if (parse_target(c, &name, &abs, 0))
			return -1;
		break;
	case NFPE_FMT_EXIT:
		if (parse_reg(c, &a))
			return -1;
		break;
	case NFPE_FMT_LD:
		if (parse_reg(c, &d) || expect_comma(c, "memory operand") ||
		    parse_mem(c, &a, &imm))
			return -1;
		break;
	case NFPE_FMT_ST:
		if (parse_mem(c, &a, &imm) || expect_comma(c, "rB") ||
		    parse_reg(c, &b))
			return -1;
		break;
	case NFPE_FMT_CSRRD:
		if (parse_reg(c, &d) || expect_comma(c, "csr") ||
		    parse_named(c, nfpe_csr_names, NFPE_CSR_NUM, &imm, "csr"))
			return -1;
		break;
	case NFPE_FMT_CSRWR:
		if (parse_named(c, nfpe_csr_names, NFPE_CSR_NUM, &imm, "csr") ||
		    expect_comma(c, "rA") || parse_reg(c, &a))
			return -1;
		break;
	case NFPE_FMT_ENG:
		if (parse_eng(c, (uint8_t)op))
			return -1;
		return expect_end(c);
	}
	if (expect_end(c))
		return -1;

	switch (nfpe_opinfo[op].fmt) {
	case NFPE_FMT_BR_R:
	case NFPE_FMT_BR_I:
	case NFPE_FMT_JUMP:
		if (name.s && add_fixup(c, name, c->n_code, FIX_TARGET))
			return -1;
		return emit(c, nfpe_enc_b((uint8_t)op, a,
					  (uint16_t)(name.s ? 0 : abs), imm));
	default:
		return emit(c, nfpe_enc_r((uint8_t)op, d, a, b, imm));
	}
}

/* ---- Labels -------------------------------------------------------- */

static uint32_t name_hash(const struct tok *t)
{
	uint32_t h = 2166136261u, i;

	for (i = 0; i < t->n; i++)
		h = (h ^ (uint8_t)t->s[i]) * 16777619u;
	return h;
}

static uint32_t *label_slot(struct asm_ctx *c, const struct tok *t)
{
	uint32_t mask = c->ltab_cap - 1, i = name_hash(t) & mask;

	while (c->ltab[i] && !tok_eq(&c->labels[c->ltab[i] - 1].name, t))
		i = (i + 1) & mask;
	return &c->ltab[i];
}

static const struct label *label_find(struct asm_ctx *c, const struct tok *t)
{
	uint32_t *s;

	if (!c->ltab_cap)
		return NULL;
	s = label_slot(c, t);
	return *s ? &c->labels[*s - 1] : NULL;
}

static int label_define(struct asm_ctx *c, struct tok t)
{
	const struct label *old;
	uint32_t r;
	int bad;

	if (reg_name(&t, &r, &bad) || bad)
		return fail(c, "label '%t' is a register name", &t);
	old = label_find(c, &t);
	if (old)
		return fail(c, "duplicate label '%t' (first defined on "
			    "line %u)", &t, old->line);
	if (grow(c, (void **)&c->labels, &c->cap_labels, c->n_labels,
		 sizeof(*c->labels)))
		return -1;
	/* Keep the table at most half full. */
	if (2 * (c->n_labels + 1) > c->ltab_cap) {
		uint32_t ncap = c->ltab_cap ? 2 * c->ltab_cap : 64, i;
		uint32_t *old_tab = c->ltab;

		c->ltab = c->a->alloc(c->a->opaque, (size_t)ncap * 4);
		if (!c->ltab) {
			c->ltab = old_tab;
			return fail(c, "out of memory");
		}
		c->ltab_cap = ncap;
		for (i = 0; i < c->n_labels; i++)
			*label_slot(c, &c->labels[i].name) = i + 1;
		if (old_tab)
			c->a->free(c->a->opaque, old_tab);
	}
	c->labels[c->n_labels].name = t;
	c->labels[c->n_labels].insn = c->n_code;
	c->labels[c->n_labels].line = c->line;
	c->n_labels++;
	*label_slot(c, &t) = c->n_labels;
	return 0;
}

/* ---- Directives ---------------------------------------------------- */

static int once(struct asm_ctx *c, uint32_t *first_line, const char *name)
{
	if (*first_line)
		return fail(c, "duplicate %s (first on line %u)", name,
			    *first_line);
	*first_line = c->line;
	return 0;
}

static int parse_name(struct asm_ctx *c)
{
	uint32_t n = 0;

	skip_ws(c);
	if (c->p >= c->end)
		return fail(c, "missing program name");
	if (*c->p != '"') {
		struct tok t = { c->p, 0 };

		while (c->p < c->end && (is_ident(*c->p) || *c->p == '-'))
			c->p++;
		t.n = (uint32_t)(c->p - t.s);
		if (!t.n || (c->p < c->end && !is_space(*c->p)))
			return fail(c, "program name: use letters, digits, "
				    "'_', '.', '-' or a quoted string");
		if (t.n > NFPE_IMAGE_NAME_LEN)
			return fail(c, "program name longer than %u bytes",
				    NFPE_IMAGE_NAME_LEN);
		__builtin_memcpy(c->name, t.s, t.n);
		return expect_end(c);
	}
	c->p++;
	while (1) {
		uint8_t ch;

		if (c->p >= c->end)
			return fail(c, "unterminated string");
		ch = (uint8_t)*c->p++;
		if (ch == '"')
			break;
		if (ch == '\\') {
			if (c->p >= c->end)
				return fail(c, "unterminated string");
			ch = (uint8_t)*c->p++;
			if (ch == 'x') {
				uint32_t i, v = 0;

				for (i = 0; i < 2; i++) {
					char h = c->p < c->end ?
						 lower(*c->p) : 0;

					if (is_digit(h))
						v = v * 16 + (uint32_t)(h - '0');
					else if (h >= 'a' && h <= 'f')
						v = v * 16 +
						    (uint32_t)(h - 'a' + 10);
					else
						return fail(c, "bad \\x escape "
							    "in string");
					c->p++;
				}
				ch = (uint8_t)v;
			} else if (ch != '"' && ch != '\\') {
				return fail(c, "unknown escape '\\%t' in "
					    "string", &(struct tok){
						    c->p - 1, 1 });
			}
		}
		if (n >= NFPE_IMAGE_NAME_LEN)
			return fail(c, "program name longer than %u bytes",
				    NFPE_IMAGE_NAME_LEN);
		c->name[n++] = ch;
	}
	return expect_end(c);
}

static int parse_map(struct asm_ctx *c)
{
	struct nfpe_image_map *m;
	uint32_t slot, seen = 0, i;
	static const char *const attrs[] = {
		"key", "value", "entries", "flags", "id",
	};

	if (parse_u32(c, &slot, "map slot"))
		return -1;
	if (c->n_maps >= NFPE_IMAGE_MAX_MAPS)
		return fail(c, "too many maps (at most %u)",
			    NFPE_IMAGE_MAX_MAPS);
	if (slot != c->n_maps)
		return fail(c, "map slot %u out of order (expected %u)",
			    slot, c->n_maps);
	m = &c->maps[c->n_maps];
	__builtin_memset(m, 0, sizeof(*m));
	if (at_end(c))
		return fail(c, "missing map type");
	if (is_digit(*c->p)) {
		if (parse_u32(c, &m->type, "map type"))
			return -1;
	} else {
		struct tok t = read_ident(c);

		for (i = 0; i < sizeof(map_types) / sizeof(map_types[0]); i++)
			if (tok_is(&t, map_types[i].name))
				break;
		if (i == sizeof(map_types) / sizeof(map_types[0])) {
			if (!t.n)
				t = next_text(c);
			return fail(c, "unknown map type '%t'", &t);
		}
		m->type = map_types[i].type;
	}
	while (!at_end(c)) {
		struct tok t = read_ident(c);
		uint32_t v;

		for (i = 0; i < 5; i++)
			if (tok_is(&t, attrs[i]))
				break;
		if (i == 5) {
			if (!t.n)
				t = next_text(c);
			return fail(c, "unknown map attribute '%t' (key=, "
				    "value=, entries=, flags=, id=)", &t);
		}
		if (seen & (1u << i))
			return fail(c, "duplicate %s= in .map", attrs[i]);
		seen |= 1u << i;
		skip_ws(c);
		if (c->p >= c->end || *c->p != '=')
			return fail(c, "expected '=' after %s", attrs[i]);
		c->p++;
		if (parse_u32(c, &v, attrs[i]))
			return -1;
		switch (i) {
		case 0: m->key_size = v; break;
		case 1: m->value_size = v; break;
		case 2: m->max_entries = v; break;
		case 3: m->flags = v; break;
		case 4: m->map_id = v; break;
		}
	}
	for (i = 0; i < 3; i++)
		if (!(seen & (1u << i)))
			return fail(c, "missing %s= in .map", attrs[i]);
	c->n_maps++;
	return 0;
}

static int parse_entry(struct asm_ctx *c, uint32_t kind)
{
	struct tok name;
	uint32_t abs = 0;

	if (kind == FIX_MAIN && once(c, &c->entry_line, ".entry"))
		return -1;
	if (kind == FIX_SUBPROG &&
	    c->n_subprogs + 1 >= NFPE_MAX_CODE)
		return fail(c, "too many subprograms");
	if (parse_target(c, &name, &abs, 1) || expect_end(c))
		return -1;
	if (kind == FIX_SUBPROG)
		c->n_subprogs++;
	return add_fixup(c, name, abs, kind);
}

static int parse_directive(struct asm_ctx *c, const struct tok *d)
{
	if (tok_is(d, ".type")) {
		struct tok t;

		if (once(c, &c->type_line, ".type"))
			return -1;
		skip_ws(c);
		if (c->p < c->end && is_digit(*c->p)) {
			if (parse_u32(c, &c->prog_type, "program type"))
				return -1;
			return expect_end(c);
		}
		t = read_ident(c);
		if (tok_is(&t, "xdp"))
			c->prog_type = NFPE_PROG_XDP;
		else if (tok_is(&t, "tc"))
			c->prog_type = NFPE_PROG_TC;
		else {
			if (!t.n)
				t = next_text(c);
			return fail(c, "unknown program type '%t' (xdp or "
				    "tc)", &t);
		}
		return expect_end(c);
	}
	if (tok_is(d, ".name")) {
		if (once(c, &c->name_line, ".name"))
			return -1;
		return parse_name(c);
	}
	if (tok_is(d, ".stack")) {
		if (once(c, &c->stack_line, ".stack") ||
		    parse_u32(c, &c->stack, "stack size"))
			return -1;
		return expect_end(c);
	}
	if (tok_is(d, ".map"))
		return parse_map(c);
	if (tok_is(d, ".entry"))
		return parse_entry(c, FIX_MAIN);
	if (tok_is(d, ".subprog"))
		return parse_entry(c, FIX_SUBPROG);
	if (tok_is(d, ".word")) {
		uint64_t v;
		int neg;

		if (parse_num(c, &v, &neg, "64-bit value"))
			return -1;
		if (neg)
			return fail(c, ".word takes an unsigned 64-bit value");
		if (expect_end(c))
			return -1;
		return emit(c, v);
	}
	return fail(c, "unknown directive '%t'", d);
}

/* ---- Lines --------------------------------------------------------- */

static int parse_line(struct asm_ctx *c)
{
	struct tok t;

	if (at_end(c))
		return 0;
	if (*c->p == '.') {
		t = read_ident(c);
		return parse_directive(c, &t);
	}
	if (!is_alpha(*c->p)) {
		t = next_text(c);
		return fail(c, "expected a mnemonic, directive or label, "
			    "got '%t'", &t);
	}
	t = read_ident(c);
	skip_ws(c);
	if (c->p < c->end && *c->p == ':') {
		c->p++;
		if (label_define(c, t))
			return -1;
		if (at_end(c))
			return 0;
		if (!is_alpha(*c->p)) {
			t = next_text(c);
			return fail(c, "expected a mnemonic after the label, "
				    "got '%t'", &t);
		}
		t = read_ident(c);
	}
	return parse_insn(c, &t);
}

/* Cut the comment: ';' or '#' outside a double-quoted string. */
static const char *comment_start(const char *s, const char *end)
{
	int in_str = 0;

	for (; s < end; s++) {
		if (in_str) {
			if (*s == '\\' && s + 1 < end)
				s++;
			else if (*s == '"')
				in_str = 0;
		} else if (*s == '"') {
			in_str = 1;
		} else if (*s == ';' || *s == '#') {
			return s;
		}
	}
	return end;
}

/* ---- Second pass and the image ------------------------------------- */

static int resolve(struct asm_ctx *c, struct nfpe_image_entry *entries,
		   uint32_t *n_entries)
{
	uint32_t i, n_sub = 1;
	int have_main = 0;

	for (i = 0; i < c->n_fix; i++) {
		struct fixup *f = &c->fix[i];
		uint32_t target = f->insn;

		if (f->name.s) {
			const struct label *l = label_find(c, &f->name);

			if (!l)
				return fail_at(c, f->line, "undefined label "
					       "'%t'", &f->name);
			target = l->insn;
			if (target >= NFPE_MAX_CODE && f->kind == FIX_TARGET)
				return fail_at(c, f->line, "label '%t' "
					       "beyond the 16-bit target "
					       "field", &f->name);
		}
		switch (f->kind) {
		case FIX_TARGET:
			c->code[f->insn] |= (uint64_t)target << 16;
			break;
		case FIX_MAIN:
			entries[0].insn = target;
			entries[0].kind = NFPE_ENTRY_MAIN;
			have_main = 1;
			break;
		case FIX_SUBPROG:
			entries[n_sub].insn = target;
			entries[n_sub].kind = NFPE_ENTRY_SUBPROG;
			n_sub++;
			break;
		}
	}
	if (!have_main) {
		entries[0].insn = 0;
		entries[0].kind = NFPE_ENTRY_MAIN;
	}
	*n_entries = n_sub;
	for (i = 0; i < c->n_relocs; i++)
		if (c->relocs[i].kind == NFPE_RELOC_MAP_SLOT &&
		    c->relocs[i].value >= c->n_maps)
			return fail_at(c, c->relocs[i].line, "map slot %u is "
				       "not declared (.map)",
				       c->relocs[i].value);
	return 0;
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void wr64(uint8_t *p, uint64_t v)
{
	wr32(p, (uint32_t)v);
	wr32(p + 4, (uint32_t)(v >> 32));
}

static int build_image(struct asm_ctx *c,
		       const struct nfpe_image_entry *entries,
		       uint32_t n_entries, uint8_t **image, size_t *image_len)
{
	uint32_t code_off = sizeof(struct nfpe_image_hdr);
	uint32_t entry_off = code_off + c->n_code * 8;
	uint32_t map_off = entry_off + n_entries * 8;
	uint32_t reloc_off = map_off + c->n_maps * 24;
	uint32_t total = reloc_off + c->n_relocs * 12, i;
	uint8_t *p = c->a->alloc(c->a->opaque, total);

	if (!p)
		return fail_at(c, 0, "out of memory");
	__builtin_memset(p, 0, total);
	wr32(p + 0, NFPE_IMAGE_MAGIC);
	wr32(p + 4, NFPE_IMAGE_ABI_MAJOR | NFPE_IMAGE_ABI_MINOR << 16);
	wr32(p + 8, sizeof(struct nfpe_image_hdr));
	wr32(p + 12, total);
	wr32(p + 16, c->prog_type);
	wr32(p + 24, c->stack);
	wr32(p + 28, c->n_code);
	wr32(p + 32, code_off);
	wr32(p + 36, n_entries);
	wr32(p + 40, entry_off);
	wr32(p + 44, c->n_maps);
	wr32(p + 48, map_off);
	wr32(p + 52, c->n_relocs);
	wr32(p + 56, reloc_off);
	__builtin_memcpy(p + 64, c->name, NFPE_IMAGE_NAME_LEN);
	for (i = 0; i < c->n_code; i++)
		wr64(p + code_off + i * 8, c->code[i]);
	for (i = 0; i < n_entries; i++) {
		wr32(p + entry_off + i * 8, entries[i].insn);
		wr32(p + entry_off + i * 8 + 4, entries[i].kind);
	}
	for (i = 0; i < c->n_maps; i++) {
		uint8_t *m = p + map_off + i * 24;

		wr32(m, c->maps[i].map_id);
		wr32(m + 4, c->maps[i].type);
		wr32(m + 8, c->maps[i].key_size);
		wr32(m + 12, c->maps[i].value_size);
		wr32(m + 16, c->maps[i].max_entries);
		wr32(m + 20, c->maps[i].flags);
	}
	for (i = 0; i < c->n_relocs; i++) {
		uint8_t *r = p + reloc_off + i * 12;

		wr32(r, c->relocs[i].insn);
		wr32(r + 4, c->relocs[i].kind);
		wr32(r + 8, c->relocs[i].value);
	}
	*image = p;
	*image_len = total;
	return 0;
}

static void ctx_free(struct asm_ctx *c)
{
	void *bufs[] = { c->code, c->labels, c->ltab, c->fix, c->relocs };
	uint32_t i;

	for (i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		if (bufs[i])
			c->a->free(c->a->opaque, bufs[i]);
}

int nfpe_asm(const struct nfpe_alloc *a, const char *text, size_t len,
	     uint8_t **image, size_t *image_len, struct nfpe_asm_err *err)
{
	struct asm_ctx c;
	const char *s = text, *end = text + len;
	struct nfpe_image_entry *entries = NULL;
	uint32_t n_entries = 0;
	int ret = 0;

	__builtin_memset(&c, 0, sizeof(c));
	c.a = a;
	c.err = err;
	c.prog_type = NFPE_PROG_XDP;
	if (err) {
		err->line = 0;
		err->msg[0] = '\0';
	}
	*image = NULL;
	*image_len = 0;
	if (!text && len)
		return fail_at(&c, 0, "no text") ? -NFPE_EINVAL : 0;

	while (s < end) {
		const char *eol = s;

		while (eol < end && *eol != '\n')
			eol++;
		c.line++;
		c.p = s;
		c.end = comment_start(s, eol);
		if (parse_line(&c))
			break;
		s = eol + (eol < end);
	}
	if (!c.failed && !c.n_code)
		fail_at(&c, 0, "no instructions");
	if (!c.failed) {
		entries = a->alloc(a->opaque, (size_t)(c.n_subprogs + 1) *
				   sizeof(*entries));
		if (!entries)
			fail_at(&c, 0, "out of memory");
	}
	if (!c.failed && !resolve(&c, entries, &n_entries))
		build_image(&c, entries, n_entries, image, image_len);
	if (entries)
		a->free(a->opaque, entries);
	if (c.failed)
		ret = -NFPE_EINVAL;
	ctx_free(&c);
	return ret;
}
