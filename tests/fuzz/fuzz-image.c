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
#include "fuzz-setup.h"

static void *fz_alloc(void *opaque, size_t size)
{
	return calloc(1, size ? size : 1);
}

static void fz_free(void *opaque, void *ptr)
{
	free(ptr);
}

static uint32_t fz_random(void *opaque)
{
	static uint32_t x = 0x12345678;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

static uint64_t fz_ktime(void *opaque)
{
	return 1000000000ull;
}

static const struct nfpe_alloc alloc = { fz_alloc, fz_free, NULL };
static const struct nfpe_engine_ops ops = { fz_random, fz_ktime, NULL };

static const uint8_t packet[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x08, 0x00,
	0x45, 0x00, 0x00, 0x24, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0x30, 0x39, 0x00, 0x35, 0x00, 0x10, 0x00, 0x00,
	'n', 'f', 'p', 'e', '-', 'f', 'u', 'z',
};

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
		maps = fuzz_maps_create(&alloc, ids);
		t = calloc(1, sizeof(*t));
		if (!maps || !t)
			abort();
	}
	nfpe_caps_default(&caps);
	caps.insn_budget = FUZZ_INSN_BUDGET;

	ret = nfpe_prog_load(&alloc, &caps, maps, data, size, &prog, &err);
	if (ret) {
		if (ret != -NFPE_EINVAL || err.code >= NFPE_IMG_E_NUM ||
		    err.code == NFPE_IMG_E_OK ||
		    !memchr(err.msg, 0, sizeof(err.msg)))
			abort();
		return 0;
	}
	env.maps = maps;
	env.ops = &ops;
	env.caps = &caps;
	nfpe_thread_init(t, 1, 2);
	if (nfpe_pkt_setup(t, &caps, packet, sizeof(packet), 0))
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
