/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfp-ebpf - the project's command-line tool (bpftool-style subcommands).
 *
 *   nfp-ebpf asm FILE.s [-o FILE.img]    assemble microcode
 *   nfp-ebpf disasm FILE.img [--raw]     disassemble an image / code dump
 *   nfp-ebpf validate FILE.img           run the device's image validator
 *   nfp-ebpf run FILE.img --pcap IN ...  run a program over a capture
 *   nfp-ebpf caps                        default device capabilities
 *   nfp-ebpf jit OBJ.o ...               eBPF object -> image (jit/user)
 *
 * docs/tools.md has every subcommand with examples.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfp-ebpf.h"
#ifdef NFP_EBPF_HAVE_JIT
#include "nfpe_jit_user.h"
#endif

static void *tool_zalloc(void *opaque, size_t size)
{
	(void)opaque;
	return g_try_malloc0(size ? size : 1);
}

static void tool_free(void *opaque, void *ptr)
{
	(void)opaque;
	g_free(ptr);
}

const struct nfpe_alloc tool_alloc = { tool_zalloc, tool_free, NULL };

gboolean read_file(const char *path, uint8_t **data, size_t *len)
{
	GError *err = NULL;
	gchar *buf;
	gsize n;

	if (!g_file_get_contents(path, &buf, &n, &err)) {
		fprintf(stderr, "nfp-ebpf: %s\n", err->message);
		g_error_free(err);
		return FALSE;
	}
	*data = (uint8_t *)buf;
	*len = n;
	return TRUE;
}

gboolean write_file(const char *path, const void *data, size_t len)
{
	GError *err = NULL;

	if (!g_file_set_contents(path, data, (gssize)len, &err)) {
		fprintf(stderr, "nfp-ebpf: %s\n", err->message);
		g_error_free(err);
		return FALSE;
	}
	return TRUE;
}

const char *prog_type_name(uint32_t type)
{
	switch (type) {
	case NFPE_PROG_XDP:	return "xdp";
	case NFPE_PROG_TC:	return "tc";
	}
	return "unknown";
}

const char *map_type_name(uint32_t type)
{
	switch (type) {
	case NFPE_BPF_MAP_HASH:		return "hash";
	case NFPE_BPF_MAP_ARRAY:	return "array";
	case NFPE_BPF_MAP_PERCPU_HASH:	return "percpu_hash";
	case NFPE_BPF_MAP_PERCPU_ARRAY:	return "percpu_array";
	case NFPE_BPF_MAP_LRU_HASH:	return "lru_hash";
	}
	return "unknown";
}

const char *verdict_name(uint32_t prog_type, uint32_t ret)
{
	static const char *const xdp[] = {
		"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX",
		"XDP_REDIRECT",
	};
	static const char *const tc[] = {
		"TC_ACT_OK", "TC_ACT_RECLASSIFY", "TC_ACT_SHOT", "TC_ACT_PIPE",
		"TC_ACT_STOLEN", "TC_ACT_QUEUED", "TC_ACT_REPEAT",
		"TC_ACT_REDIRECT", "TC_ACT_TRAP",
	};

	if (prog_type == NFPE_PROG_XDP)
		return ret < G_N_ELEMENTS(xdp) ? xdp[ret] : NULL;
	if (prog_type == NFPE_PROG_TC) {
		if (ret == 0xffffffffu)
			return "TC_ACT_UNSPEC";
		return ret < G_N_ELEMENTS(tc) ? tc[ret] : NULL;
	}
	return NULL;
}

gboolean parse_options(const char *cmd, const char *params,
		       const char *summary, const char *description,
		       GOptionEntry *entries, int *argc, char ***argv,
		       int min_args, int max_args, int *rc)
{
	GOptionContext *ctx = g_option_context_new(params);
	GError *err = NULL;
	gchar *prg = g_strdup_printf("nfp-ebpf %s", cmd);

	g_set_prgname(prg);
	g_free(prg);
	g_option_context_set_summary(ctx, summary);
	if (description)
		g_option_context_set_description(ctx, description);
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, argc, argv, &err)) {
		fprintf(stderr, "nfp-ebpf %s: %s (see nfp-ebpf %s --help)\n",
			cmd, err->message, cmd);
		g_error_free(err);
		g_option_context_free(ctx);
		*rc = EXIT_USAGE;
		return FALSE;
	}
	/* argv[0] is the subcommand name. */
	if (*argc - 1 < min_args || *argc - 1 > max_args) {
		fprintf(stderr, "nfp-ebpf %s: expected %s (see nfp-ebpf %s "
			"--help)\n", cmd, params[0] ? params : "no arguments",
			cmd);
		g_option_context_free(ctx);
		*rc = EXIT_USAGE;
		return FALSE;
	}
	g_option_context_free(ctx);
	return TRUE;
}

/* ---- asm ----------------------------------------------------------- */

static int cmd_asm(int argc, char **argv)
{
	gchar *out = NULL;
	gboolean validate = FALSE;
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &out,
		  "Write the image to FILE (default: FILE.s with .img)",
		  "FILE" },
		{ "validate", 0, 0, G_OPTION_ARG_NONE, &validate,
		  "Also run the image validator with the default device "
		  "capabilities", NULL },
		G_OPTION_ENTRY_NULL
	};
	struct nfpe_asm_err err;
	uint8_t *src, *img;
	size_t len, img_len;
	int rc;

	if (!parse_options("asm", "FILE.s", "Assemble microcode source into "
			   "a program image (syntax: docs/assembly.md).",
			   NULL, entries, &argc, &argv, 1, 1, &rc))
		return rc;
	if (!read_file(argv[1], &src, &len)) {
		g_free(out);
		return EXIT_FAIL;
	}
	rc = nfpe_asm(&tool_alloc, (const char *)src, len, &img, &img_len,
		      &err);
	g_free(src);
	if (rc) {
		fprintf(stderr, "%s: %s\n", argv[1], err.msg);
		g_free(out);
		return EXIT_FAIL;
	}
	if (validate) {
		struct nfpe_caps caps;
		struct nfpe_prog *prog;
		struct nfpe_verr verr;

		nfpe_caps_default(&caps);
		if (nfpe_prog_load(&tool_alloc, &caps, NULL, img, img_len,
				   &prog, &verr)) {
			fprintf(stderr, "%s: assembled, but the validator "
				"refuses it: %s\n", argv[1], verr.msg);
			g_free(img);
			g_free(out);
			return EXIT_FAIL;
		}
		nfpe_prog_free(prog);
	}
	if (!out) {
		const char *dot = strrchr(argv[1], '.');
		const char *slash = strrchr(argv[1], '/');
		size_t stem = dot && (!slash || dot > slash) ?
			      (size_t)(dot - argv[1]) : strlen(argv[1]);

		out = g_strdup_printf("%.*s.img", (int)stem, argv[1]);
	}
	rc = write_file(out, img, img_len) ? 0 : EXIT_FAIL;
	g_free(img);
	g_free(out);
	return rc;
}

/* ---- disasm -------------------------------------------------------- */

/*
 * A raw dump is code only.  Wrap it into an image: one main entry at 0
 * and the ENGINE relocations the code implies, so the disassembler can
 * generate labels.
 */
static uint64_t word_at(const uint8_t *p)
{
	return le32_at(p) | (uint64_t)le32_at(p + 4) << 32;
}

/* An ENG word the disassembler prints as an instruction gets a reloc. */
static int needs_engine_reloc(uint64_t w)
{
	char t[8];

	if (NFPE_INSN_OP(w) != NFPE_OP_ENG)
		return 0;
	nfpe_disasm_insn(w, 0, t, sizeof(t));
	return memcmp(t, "eng", 3) == 0;
}

static uint8_t *wrap_raw(const uint8_t *code, size_t len, size_t *img_len)
{
	uint32_t n = (uint32_t)(len / 8), i, n_rel = 0;
	uint32_t entry_off = 80 + 8 * n, reloc_off = entry_off + 8;
	uint8_t *img;

	for (i = 0; i < n; i++)
		n_rel += needs_engine_reloc(word_at(code + 8 * i));
	*img_len = reloc_off + 12 * (size_t)n_rel;
	img = g_malloc0(*img_len);
	put_le32(img, NFPE_IMAGE_MAGIC);
	put_le32(img + 4, NFPE_IMAGE_ABI_MAJOR);
	put_le32(img + 8, 80);
	put_le32(img + 12, (uint32_t)*img_len);
	put_le32(img + 16, NFPE_PROG_XDP);
	put_le32(img + 28, n);
	put_le32(img + 32, 80);
	put_le32(img + 36, 1);
	put_le32(img + 40, entry_off);
	put_le32(img + 48, reloc_off);
	put_le32(img + 52, n_rel);
	put_le32(img + 56, reloc_off);
	memcpy(img + 80, code, 8 * (size_t)n);
	put_le32(img + entry_off + 4, NFPE_ENTRY_MAIN);
	n_rel = 0;
	for (i = 0; i < n; i++) {
		uint8_t *r = img + reloc_off + 12 * n_rel;
		uint64_t w = word_at(code + 8 * i);

		if (!needs_engine_reloc(w))
			continue;
		put_le32(r, i);
		put_le32(r + 4, NFPE_RELOC_ENGINE);
		put_le32(r + 8, NFPE_INSN_IMM(w));
		n_rel++;
	}
	return img;
}

static int cmd_disasm(int argc, char **argv)
{
	gchar *out = NULL;
	gboolean raw = FALSE;
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &out,
		  "Write the text to FILE instead of standard output",
		  "FILE" },
		{ "raw", 0, 0, G_OPTION_ARG_NONE, &raw,
		  "FILE is a plain array of little-endian 64-bit "
		  "instruction words without an image header (as 'bpftool "
		  "prog dump jited ... file' writes)", NULL },
		G_OPTION_ENTRY_NULL
	};
	uint8_t *data, *img;
	size_t len, img_len, n;
	char *text;
	int rc;

	if (!parse_options("disasm", "FILE", "Disassemble a program image "
			   "into source that 'nfp-ebpf asm' turns back into "
			   "the same bytes.", NULL, entries, &argc, &argv, 1,
			   1, &rc))
		return rc;
	if (!read_file(argv[1], &data, &len)) {
		g_free(out);
		return EXIT_FAIL;
	}
	if (raw) {
		if (len % 8) {
			fprintf(stderr, "%s: %zu bytes is not a whole number "
				"of 8-byte instruction words\n", argv[1], len);
			g_free(data);
			g_free(out);
			return EXIT_FAIL;
		}
		img = wrap_raw(data, len, &img_len);
		g_free(data);
	} else {
		if (len < 4 || le32_at(data) != NFPE_IMAGE_MAGIC) {
			fprintf(stderr, "%s: not an nfp-ebpf image (no NFPE "
				"magic); use --raw for a code dump\n",
				argv[1]);
			g_free(data);
			g_free(out);
			return EXIT_FAIL;
		}
		img = data;
		img_len = len;
	}
	n = nfpe_disasm_image(img, img_len, NULL, 0);
	text = g_malloc(n + 1);
	nfpe_disasm_image(img, img_len, text, n + 1);
	if (raw) {
		/* The wrapper's directives are not part of the dump. */
		gchar *t2 = g_strdup_printf("; raw code dump of %u words: no "
					    "header, so .type/.stack/.entry "
					    "below are defaults\n%s",
					    le32_at(img + 28), text);

		g_free(text);
		text = t2;
		n = strlen(text);
	}
	if (out)
		rc = write_file(out, text, n) ? 0 : EXIT_FAIL;
	else
		rc = fwrite(text, 1, n, stdout) == n ? 0 : EXIT_FAIL;
	g_free(text);
	g_free(img);
	g_free(out);
	return rc;
}

/* ---- validate ------------------------------------------------------ */

static int cmd_validate(int argc, char **argv)
{
	GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };
	struct nfpe_caps caps;
	struct nfpe_prog *prog;
	struct nfpe_verr verr;
	uint8_t *img;
	size_t len;
	int rc;

	if (!parse_options("validate", "FILE.img", "Check an image with the "
			   "device's validator and the default device "
			   "capabilities; prints the precise reason for a "
			   "refusal and exits 1.", NULL, entries, &argc,
			   &argv, 1, 1, &rc))
		return rc;
	if (!read_file(argv[1], &img, &len))
		return EXIT_FAIL;
	nfpe_caps_default(&caps);
	memset(&verr, 0, sizeof(verr));
	if (nfpe_prog_load(&tool_alloc, &caps, NULL, img, len, &prog,
			   &verr)) {
		printf("%s: invalid: %s\n", argv[1], verr.msg);
		if (verr.code != NFPE_IMG_E_OK)
			printf("  reason: %s", nfpe_image_err_str(verr.code));
		if (verr.insn != UINT32_MAX) {
			char t[128];

			printf(" (insn %u", verr.insn);
			if (verr.insn < le32_at(img + 28) &&
			    (uint64_t)le32_at(img + 32) + 8ull *
			    (verr.insn + 1) <= len) {
				const uint8_t *w = img + le32_at(img + 32) +
						   8 * (size_t)verr.insn;

				nfpe_disasm_insn(word_at(w), verr.insn, t,
						 sizeof(t));
				printf(": %s", t);
			}
			printf(")");
		}
		printf("\n");
		g_free(img);
		return EXIT_FAIL;
	}
	printf("%s: valid: %s program, %u instructions, %u maps, stack %u "
	       "bytes\n", argv[1], prog_type_name(nfpe_prog_type(prog)),
	       nfpe_prog_insn_count(prog), le32_at(img + 44),
	       le32_at(img + 24));
	nfpe_prog_free(prog);
	g_free(img);
	return 0;
}

/* ---- caps ---------------------------------------------------------- */

static int cmd_caps(int argc, char **argv)
{
	GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };
	static const char *const eng[NFPE_ENG_NUM] = {
#define X(e, v, m) [v] = m,
		NFPE_ENGINES(X)
#undef X
	};
	struct nfpe_caps c;
	uint32_t i;
	int rc;

	if (!parse_options("caps", "", "Print the default device "
			   "capabilities (what the validator checks "
			   "against, and what the device reports unless its "
			   "properties change them).", NULL, entries, &argc,
			   &argv, 0, 0, &rc))
		return rc;
	nfpe_caps_default(&c);
	printf("image ABI          %u.%u\n", NFPE_IMAGE_ABI_MAJOR,
	       NFPE_IMAGE_ABI_MINOR);
	printf("code store         %u instructions\n", c.code_store);
	printf("stack (LM)         %u bytes per thread\n", c.stack_size);
	printf("packet buffer      %u bytes, headroom %u\n", c.pkt_size,
	       c.pkt_headroom);
	printf("engines           ");
	for (i = 0; i < NFPE_ENG_NUM; i++)
		if (eng[i] && (c.engines & NFPE_BIT(i)))
			printf(" %s", eng[i]);
	printf("\nmap types         ");
	for (i = 0; i < 32; i++)
		if (c.map_types & NFPE_BIT(i))
			printf(" %s", map_type_name(i));
	printf("\nmaps               %u, key <= %u bytes, value <= %u bytes, "
	       "entries <= %u\n", c.max_maps, c.max_key, c.max_value,
	       c.max_entries);
	printf("budget             %u instructions per packet\n",
	       c.insn_budget);
	printf("cores              %u x %u threads at %u MHz\n", c.cores,
	       c.threads, c.clock_mhz);
	return 0;
}

/* ---- dispatch ------------------------------------------------------ */

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *help;
} cmds[] = {
	{ "asm", cmd_asm, "FILE.s [-o FILE.img] [--validate]",
	  "assemble microcode into an image" },
	{ "disasm", cmd_disasm, "FILE.img | --raw FILE [-o FILE.s]",
	  "disassemble an image or a raw code dump" },
	{ "validate", cmd_validate, "FILE.img",
	  "check an image with the device's validator" },
	{ "run", cmd_run, "FILE.img --pcap IN.pcap [--out OUT.pcap] "
	  "[--map SLOT:KEY=VALUE]... [--dump-maps]",
	  "run a program over a capture: verdicts, instructions, cycles" },
	{ "caps", cmd_caps, "", "print the default device capabilities" },
#ifdef NFP_EBPF_HAVE_JIT
	{ "jit", nfpe_cli_jit, "OBJ.o [--section S | --prog NAME] [-o "
	  "FILE.img] [--stats]", "compile a BPF object: does it offload, "
	  "and to what" },
#endif
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: nfp-ebpf COMMAND [ARGS...]\n"
		"       nfp-ebpf COMMAND --help\n\n"
		"Offline tools for the nfp-ebpf SmartNIC's microcode "
		"(docs/tools.md).\n\nCommands:\n");
	for (i = 0; i < G_N_ELEMENTS(cmds); i++) {
		fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].help);
		if (cmds[i].args[0])
			fprintf(f, "            %s\n", cmds[i].args);
	}
	fprintf(f, "  help      this text\n\nExit status: 0 success, 1 the "
		"operation failed, 2 bad usage.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			char *sub[] = { argv[2], (char *)"--help", NULL };

			for (i = 0; i < G_N_ELEMENTS(cmds); i++)
				if (!strcmp(argv[2], cmds[i].name))
					return cmds[i].fn(2, sub);
		}
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("nfp-ebpf %s (image ABI %u.%u)\n", NFP_EBPF_VERSION,
		       NFPE_IMAGE_ABI_MAJOR, NFPE_IMAGE_ABI_MINOR);
		return 0;
	}
	for (i = 0; i < G_N_ELEMENTS(cmds); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "nfp-ebpf: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
