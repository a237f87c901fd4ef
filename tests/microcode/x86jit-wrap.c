/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86jit-wrap.c - mct_vm_load for the tests built with x86jit-force.h:
 * load with the translator on, require the translation and choose it.
 */
#include "mc-test-util.h"

struct nfpe_prog *mct_x86_load(struct mct_vm *vm, const uint8_t *img,
			       size_t len);

struct nfpe_prog *mct_x86_load(struct mct_vm *vm, const uint8_t *img,
			       size_t len)
{
	struct nfpe_prog *prog;
	const char *why;

	g_assert_cmpint(nfpe_x86jit_enable(1), ==, 0);
	prog = mct_vm_load(vm, img, len);
	nfpe_x86jit_enable(0);
	why = nfpe_prog_x86_status(prog);
	if (why)
		g_test_message("not translated: %s", why);
	g_assert_null(why);
	g_assert_cmpint(nfpe_prog_set_exec(prog, NFPE_EXEC_X86), ==, 0);
	return prog;
}
