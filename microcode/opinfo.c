/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * opinfo.c - the opcode table, generated from NFPE_OPCODES in nfpe/isa.h.
 * An entry with a NULL mnemonic is an undefined opcode.
 */
#include "nfpe_mc.h"

const struct nfpe_opinfo nfpe_opinfo[256] = {
#define NFPE_X_INFO(e, v, m, f) [v] = { .mnemonic = m, .fmt = f },
	NFPE_OPCODES(NFPE_X_INFO)
#undef NFPE_X_INFO
};
