/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * offload-diff: the kernel (BPF_PROG_TEST_RUN) against the device, program
 * by program, packet by packet.  Shared declarations of its parts:
 * diff-corpus.c (the packets), diff-maps.c (map snapshots), diff-dev.c
 * (the device side: sockets and counters), offload-diff.c (main).
 */
#ifndef NFPE_OFFLOAD_DIFF_H
#define NFPE_OFFLOAD_DIFF_H
#include <stddef.h>
#include <stdint.h>

#define DIFF_MAX_FRAME	2048

struct diff_pkt {
	const char *what;
	size_t len;
	uint8_t data[DIFF_MAX_FRAME];
};

/* the corpus: deterministic, same on every run; returns the count */
size_t diff_corpus(struct diff_pkt **pkts);

struct bpf_object;
/*
 * Text of every ARRAY/HASH map of OBJ: one line per entry, sorted by key
 * ("name key-hex => value-hex"), so two snapshots compare with strcmp.
 * Returns a malloc'd string or NULL (message on stderr).
 */
char *diff_maps_snapshot(struct bpf_object *obj);

/* what the device did with one frame */
enum diff_where { DIFF_NOWHERE, DIFF_TO_STACK, DIFF_TO_WIRE };

struct diff_dev;
struct diff_dev *diff_dev_open(const char *dev, const char *peer);
void diff_dev_close(struct diff_dev *d);
int diff_dev_ifindex(const struct diff_dev *d);
/* the device's counters of interest, in the order of diff_dev_counter_names */
#define DIFF_NCOUNTERS 8
extern const char *const diff_dev_counter_names[DIFF_NCOUNTERS];
int diff_dev_counters(struct diff_dev *d, uint64_t *out);
/* discard frames already received; returns how many */
int diff_dev_drain(struct diff_dev *d, int wait_ms);
/* send a frame into the device port (from the peer port, over the wire) */
int diff_dev_inject(struct diff_dev *d, const uint8_t *frame, size_t len);
/*
 * Wait up to WAIT_MS for a frame on the device's netdev (TO_STACK) or on
 * the peer (TO_WIRE: what the device transmitted).  Returns its length
 * (VLAN tag put back where the stack took it off), 0 on timeout, -1 error.
 */
int diff_dev_receive(struct diff_dev *d, enum diff_where where,
		     uint8_t *buf, size_t size, int wait_ms);

void diff_hex(const char *label, const uint8_t *p, size_t len);
#endif
