// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * jit-main.c - a stand-alone `nfp-ebpf jit` for the tests, until the
 * nfp-ebpf tool dispatches its jit subcommand to nfpe_cli_jit().
 */
#include "nfpe_jit_user.h"

int main(int argc, char **argv)
{
	return nfpe_cli_jit(argc, argv);
}
