/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-interp.c - interpreter speed on a few packet programs: host
 * nanoseconds per packet (packet set-up + run), interpreted instructions
 * per second, and the cycle model's figures (instructions and cycles per
 * packet, modelled packets per second of the default device).  A
 * benchmark reports, it does not assert.
 *
 *   meson test -C build --benchmark --suite bench -v
 *   build/tests/bench/bench-interp [seconds-per-program]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench-progs.h"

struct bench {
	const char *name;
	struct mct_image *im;
	uint32_t frame_len;
	uint16_t dport;
};

static void run_one(struct mct_vm *vm, const struct bench *b, double secs)
{
	struct nfpe_run_result res;
	struct nfpe_prog *prog;
	uint8_t frame[1514];
	uint64_t n = 0, insns = 0, cycles = 0, stall = 0;
	gint64 t0, t1, deadline;
	uint8_t *img;
	size_t len;
	uint32_t i;

	img = mct_image_build(b->im, &len);
	prog = mct_vm_load(vm, img, len);
	bench_udp_frame(frame, b->frame_len, b->dport);
	t0 = g_get_monotonic_time();
	deadline = t0 + (gint64)(secs * 1e6);
	do {
		for (i = 0; i < 4096; i++) {
			nfpe_pkt_setup(vm->t, &vm->caps, frame, b->frame_len,
				       0);
			nfpe_run(prog, &vm->env, vm->t, &res);
			insns += res.insns;
			cycles += res.cycles;
			stall += res.stall;
		}
		n += 4096;
		t1 = g_get_monotonic_time();
	} while (t1 < deadline);
	if (res.status != NFPE_RUN_OK)
		printf("  (%s: last run status %u at pc %u)\n", b->name,
		       res.status, res.fault_pc);
	printf("%-10s %6u %9.1f %8.1f %10.1f %9.1f %8.1f %12.2f\n", b->name,
	       b->frame_len, (double)(t1 - t0) * 1e3 / (double)n,
	       (double)insns / (double)n,
	       (double)insns / ((double)(t1 - t0) / 1e6) / 1e6,
	       (double)cycles / (double)n, (double)stall / (double)n,
	       (double)nfpe_model_pps(&vm->caps, cycles, stall, n) / 1e6);
	nfpe_prog_free(prog);
	g_free(img);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 0.5;
	struct mct_vm vm;
	uint32_t arr, hash, i;
	uint8_t key[16] = { 0 };
	uint64_t val = 0;
	struct bench benches[6];

	mct_vm_init(&vm, 1 << 22);
	arr = mct_vm_map(&vm, NFPE_BPF_MAP_ARRAY, 4, 8, 4);
	hash = mct_vm_map(&vm, NFPE_BPF_MAP_HASH, 16, 8, 1024);
	/* 1000 firewall rules, none matching the benchmark flow */
	for (i = 0; i < 1000; i++) {
		memcpy(key, &i, 4);
		nfpe_map_update(vm.maps, hash, key, &val, NFPE_MAP_ANY);
	}
	benches[0] = (struct bench){ "drop", bench_prog_drop(), 64, 53 };
	benches[1] = (struct bench){ "count", bench_prog_count(arr), 64, 53 };
	benches[2] = (struct bench){ "macswap", bench_prog_macswap(), 64, 53 };
	benches[3] = (struct bench){ "firewall", bench_prog_firewall(hash),
				     64, 53 };
	benches[4] = (struct bench){ "csum", bench_prog_csum(), 64, 53 };
	benches[5] = (struct bench){ "csum", bench_prog_csum(), 1514, 53 };

	printf("nfp-ebpf interpreter benchmark (%.2f s per program)\n", secs);
	printf("model: %u cores x %u threads at %u MHz\n", vm.caps.cores,
	       vm.caps.threads, vm.caps.clock_mhz);
	printf("%-10s %6s %9s %8s %10s %9s %8s %12s\n", "program", "bytes",
	       "ns/pkt", "insn/pkt", "Minsn/s", "cyc/pkt", "stall",
	       "model Mpps");
	for (i = 0; i < G_N_ELEMENTS(benches); i++) {
		run_one(&vm, &benches[i], secs);
		mct_image_free(benches[i].im);
	}
	mct_vm_fini(&vm);
	return 0;
}
