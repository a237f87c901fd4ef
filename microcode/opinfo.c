/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * opinfo.c - the opcode table, generated from NFPE_OPCODES in nfpe/isa.h.
 * An entry with a NULL mnemonic is an undefined opcode.
 */
#include "nfpe_mc.h"
#include "names.h"

const struct nfpe_opinfo nfpe_opinfo[256] = {
#define NFPE_X_INFO(e, v, m, f) [v] = { .mnemonic = m, .fmt = f },
	NFPE_OPCODES(NFPE_X_INFO)
#undef NFPE_X_INFO
};

const char *const nfpe_csr_names[NFPE_CSR_NUM] = {
#define NFPE_X_NAME(e, v, m, w) [v] = m,
	NFPE_CSRS(NFPE_X_NAME)
#undef NFPE_X_NAME
};

const char *const nfpe_eng_names[NFPE_ENG_NUM] = {
#define NFPE_X_NAME(e, v, m) [v] = m,
	NFPE_ENGINES(NFPE_X_NAME)
#undef NFPE_X_NAME
};

const char *const nfpe_space_names[NFPE_SPACE_NUM] = {
	[NFPE_SPACE_LM] = "lm",
	[NFPE_SPACE_PKT] = "pkt",
	[NFPE_SPACE_MAP] = "map",
};
