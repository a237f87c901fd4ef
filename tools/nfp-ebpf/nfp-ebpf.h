/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfp-ebpf.h - shared helpers of the nfp-ebpf command-line tool.
 */
#ifndef NFP_EBPF_H
#define NFP_EBPF_H

#include <stdint.h>
#include <stddef.h>
#include <glib.h>

#include "nfpe_mc.h"

extern const struct nfpe_alloc tool_alloc;

/* Exit codes: 0 ok, 1 the operation failed, 2 bad usage. */
#define EXIT_FAIL	1
#define EXIT_USAGE	2

/* Read a whole file; prints the error and returns FALSE on failure. */
gboolean read_file(const char *path, uint8_t **data, size_t *len);
gboolean write_file(const char *path, const void *data, size_t len);

/* Little-endian field access in images. */
static inline uint32_t le32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

const char *prog_type_name(uint32_t type);
const char *map_type_name(uint32_t type);
/* "XDP_PASS", "TC_ACT_SHOT", ... or NULL when the value has no name. */
const char *verdict_name(uint32_t prog_type, uint32_t ret);

/*
 * Parse a subcommand's options with GOptionContext.  Prints errors and
 * help itself; returns FALSE when the command should exit with *rc.
 */
gboolean parse_options(const char *cmd, const char *params,
		       const char *summary, const char *description,
		       GOptionEntry *entries, int *argc, char ***argv,
		       int min_args, int max_args, int *rc);

int cmd_run(int argc, char **argv);

#endif
