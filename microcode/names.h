/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * names.h - the text names of CSRs, engines and address spaces, shared by
 * the assembler and the disassembler (opcode mnemonics are nfpe_opinfo).
 * Generated from the tables in nfpe/isa.h; defined in opinfo.c.
 */
#ifndef NFPE_NAMES_H
#define NFPE_NAMES_H

#include "nfpe_mc.h"

extern const char *const nfpe_csr_names[NFPE_CSR_NUM];
extern const char *const nfpe_eng_names[NFPE_ENG_NUM];
extern const char *const nfpe_space_names[NFPE_SPACE_NUM];

#endif /* NFPE_NAMES_H */
