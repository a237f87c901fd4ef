/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-progs.h - hand-assembled packet programs for the interpreter
 * benchmark and the fuzzer's seed corpus.  XDP return codes: 1 DROP,
 * 2 PASS, 3 TX.
 */
#ifndef BENCH_PROGS_H
#define BENCH_PROGS_H

#include "mc-test-util.h"

#define XDP_DROP	1
#define XDP_PASS	2
#define XDP_TX		3

/* return XDP_DROP */
struct mct_image *bench_prog_drop(void);
/*
 * Parse Ethernet + IPv4 (IHL 5) + UDP, count the packet in an ARRAY map
 * (key 4, value 8, >= 4 entries) at index (UDP dst port & 3) with a
 * 64-bit atomic add; DROP counted packets, PASS the rest.
 */
struct mct_image *bench_prog_count(uint32_t array_map_id);
/* swap the Ethernet addresses and TX */
struct mct_image *bench_prog_macswap(void);
/* 16-bit ones' complement sum over the whole frame into the mark CSR */
struct mct_image *bench_prog_csum(void);
/* 5-tuple lookup in a HASH map (key 16, value 8): DROP on hit */
struct mct_image *bench_prog_firewall(uint32_t hash_map_id);

/* A UDP/IPv4 frame of `len` >= 42 bytes (dst port `dport`). */
void bench_udp_frame(uint8_t *f, uint32_t len, uint16_t dport);

#endif /* BENCH_PROGS_H */
