// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mapops: map operations per second from the guest, through libbpf's
 * syscall wrappers, on maps offloaded to a device and on ordinary (host)
 * maps for comparison.  Part of the VM benchmark (tests/bench/vm-bench.py).
 *
 *   mapops DEV SECONDS
 *
 * For an ARRAY (256 entries) and a HASH (1024 entries) map, u32 keys and
 * u64 values, created offloaded to DEV and then without a device: lookup
 * and update of present keys, delete (HASH: the map is filled untimed,
 * then emptied timed, repeatedly) and get_next_key walks over a full map.
 * Each operation runs for SECONDS.  One line per figure:
 *
 *   NFPE-BENCH-MAP tool=mapops kind=offloaded map=hash op=lookup ops=N cs=C ops_per_s=X
 *
 * Linked statically (the guest has only what ip/tc/bpftool need).
 * Exit status 1 if an operation fails, 2 on usage errors.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void report(const char *kind, const char *map, const char *op,
		   long ops, double secs)
{
	printf("NFPE-BENCH-MAP tool=mapops kind=%s map=%s op=%s ops=%ld cs=%.0f ops_per_s=%.1f\n",
	       kind, map, op, ops, secs * 100, secs > 0 ? ops / secs : 0);
	fflush(stdout);
}

static int fail(const char *what, const char *kind, const char *map)
{
	fprintf(stderr, "mapops: %s on the %s %s map: %s\n", what, kind, map,
		strerror(errno));
	return 1;
}

static int fill(int fd, unsigned int entries)
{
	for (unsigned int k = 0; k < entries; k++) {
		unsigned long long v = k;

		if (bpf_map_update_elem(fd, &k, &v, BPF_ANY))
			return -1;
	}
	return 0;
}

/* lookup, update, [delete], get_next_key on one map for @secs each */
static int bench_map(int fd, const char *kind, const char *map,
		     unsigned int entries, int is_hash, double secs)
{
	unsigned long long v = 0;
	unsigned int k, next;
	long n;
	double t0, t, spent;

	if (fill(fd, entries))
		return fail("filling", kind, map);

	t0 = now();
	n = 0;
	do {
		for (int i = 0; i < 16; i++, n++) {
			k = n % entries;
			if (bpf_map_lookup_elem(fd, &k, &v))
				return fail("lookup", kind, map);
		}
		t = now();
	} while (t - t0 < secs);
	report(kind, map, "lookup", n, t - t0);

	t0 = now();
	n = 0;
	do {
		for (int i = 0; i < 16; i++, n++) {
			k = n % entries;
			v = n;
			if (bpf_map_update_elem(fd, &k, &v, BPF_EXIST))
				return fail("update", kind, map);
		}
		t = now();
	} while (t - t0 < secs);
	report(kind, map, "update", n, t - t0);

	if (is_hash) {
		/* only the deletes are timed; refilling is not */
		n = 0;
		spent = 0;
		do {
			if (fill(fd, entries))
				return fail("refilling", kind, map);
			t0 = now();
			for (k = 0; k < entries; k++, n++)
				if (bpf_map_delete_elem(fd, &k))
					return fail("delete", kind, map);
			spent += now() - t0;
		} while (spent < secs);
		report(kind, map, "delete", n, spent);
		if (fill(fd, entries))
			return fail("refilling", kind, map);
	} else {
		/* an ARRAY has no delete: it must be refused */
		k = 0;
		if (!bpf_map_delete_elem(fd, &k)) {
			fprintf(stderr, "mapops: delete on the %s array map succeeded\n", kind);
			return 1;
		}
	}

	t0 = now();
	n = 0;
	do {
		/* one walk over the whole map per round */
		int r = bpf_map_get_next_key(fd, NULL, &next);

		for (; !r; n++) {
			k = next;
			r = bpf_map_get_next_key(fd, &k, &next);
		}
		if (errno != ENOENT)
			return fail("get_next_key", kind, map);
		n++;
		t = now();
	} while (t - t0 < secs);
	report(kind, map, "get_next_key", n, t - t0);
	return 0;
}

int main(int argc, char **argv)
{
	static const char * const kinds[] = { "offloaded", "host" };
	unsigned int ifindex;
	double secs;
	char *end;

	if (argc != 3) {
		fprintf(stderr, "usage: mapops DEV SECONDS\n");
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	secs = strtod(argv[2], &end);
	if (!ifindex || *end || secs <= 0) {
		fprintf(stderr, "mapops: bad device '%s' or seconds '%s'\n",
			argv[1], argv[2]);
		return 2;
	}
	for (int i = 0; i < 2; i++) {
		LIBBPF_OPTS(bpf_map_create_opts, opts,
			    .map_ifindex = i == 0 ? ifindex : 0);
		int afd, hfd, r;

		afd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "mapops_a", 4, 8, 256, &opts);
		if (afd < 0)
			return fail("creating", kinds[i], "array");
		hfd = bpf_map_create(BPF_MAP_TYPE_HASH, "mapops_h", 4, 8, 1024, &opts);
		if (hfd < 0)
			return fail("creating", kinds[i], "hash");
		r = bench_map(afd, kinds[i], "array", 256, 0, secs) ||
		    bench_map(hfd, kinds[i], "hash", 1024, 1, secs);
		close(afd);
		close(hfd);
		if (r)
			return 1;
	}
	return 0;
}
