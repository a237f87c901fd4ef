/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz-image.c - libFuzzer target: the image validator and, for images it
 * accepts, the loader and the interpreter.
 *
 * Arbitrary bytes go to nfpe_prog_load() against a device with a few maps;
 * a valid program then runs (budget FUZZ_INSN_BUDGET) on a fixed UDP
 * packet.  Properties checked besides "no crash, no sanitizer report":
 * every refusal has a NUL-terminated message and a known reason code,
 * every run ends with a known status and never exceeds the budget.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz-host.h"
#include "fuzz-setup.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nfpe_maps *maps;
	static struct nfpe_thread *t;
	static uint32_t ids[FUZZ_N_MAPS];
	struct nfpe_run_result res;
	struct nfpe_prog *prog;
	struct nfpe_caps caps;
	struct nfpe_verr err;
	struct nfpe_env env;
	int ret;

	if (!maps) {
		maps = fuzz_maps_create(&fuzz_host_alloc, ids);
		t = calloc(1, sizeof(*t));
		if (!maps || !t)
			abort();
	}
	nfpe_caps_default(&caps);
	caps.insn_budget = FUZZ_INSN_BUDGET;

	ret = nfpe_prog_load(&fuzz_host_alloc, &caps, maps, data, size, &prog, &err);
	if (ret) {
		if (ret != -NFPE_EINVAL || err.code >= NFPE_IMG_E_NUM ||
		    err.code == NFPE_IMG_E_OK ||
		    !memchr(err.msg, 0, sizeof(err.msg)))
			abort();
		return 0;
	}
	env.maps = maps;
	env.ops = &fuzz_host_ops;
	env.caps = &caps;
	nfpe_thread_init(t, 1, 2);
	if (nfpe_pkt_setup(t, &caps, fuzz_packet, sizeof(fuzz_packet), 0))
		abort();
	nfpe_run(prog, &env, t, &res);
	if (res.status > NFPE_RUN_FAULT || res.insns > caps.insn_budget ||
	    res.stall > res.cycles)
		abort();
	/* and once more on the state the first run left behind */
	nfpe_run(prog, &env, t, &res);
	nfpe_prog_free(prog);
	return 0;
}
