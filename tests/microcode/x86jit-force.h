/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86jit-force.h - forced include (-include) for building an existing
 * microcode test a second time against the x86-64 translator: every
 * program the test loads through mct_vm_load() is translated and run by
 * nfpe_run on the translation, and the test's own expectations check it.
 */
#ifndef X86JIT_FORCE_H
#define X86JIT_FORCE_H
#include <stddef.h>
#include <stdint.h>
struct mct_vm;
struct nfpe_prog;
struct nfpe_prog *mct_x86_load(struct mct_vm *vm, const uint8_t *img,
			       size_t len);
#define mct_vm_load(vm, img, len) mct_x86_load(vm, img, len)
#endif
