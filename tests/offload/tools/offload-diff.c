// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * offload-diff: differential end-to-end test of one BPF program object.
 *
 *   offload-diff --dev PORT0 --peer PORT1 OBJ.bpf.o
 *
 * 1. Loads OBJ into the kernel (not offloaded) and runs its program with
 *    BPF_PROG_TEST_RUN on every corpus packet, in order: return value,
 *    output bytes, and a snapshot of every map after each packet.
 * 2. Loads OBJ again offloaded to PORT0 (program and maps bound to the
 *    device), attaches it (XDP: XDP_FLAGS_HW_MODE; cls_bpf: tc filter
 *    skip_sw da on the ingress of PORT0), sends the same packets one at a
 *    time through the wire from PORT1, and records what the device did:
 *    the per-action counter that moved, the frame it handed to the stack
 *    (pass) or transmitted (XDP_TX, received on PORT1), and the offloaded
 *    maps' contents read back through the map syscalls.
 * 3. Any difference in action, bytes or maps is printed (program, packet,
 *    both results) and makes the exit status 1.
 *
 * Statically linked with libbpf: the guest initramfs has no libbpf.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "diff.h"

#define PIN_PATH "/sys/fs/bpf/offload-diff"
#define WAIT_MS 10000
/* iproute2's: busybox's tc applet, first on the guest's PATH, has no clsact */
#define TC "/usr/sbin/tc"

enum { C_XDP_ABORTED, C_XDP_DROP, C_XDP_PASS, C_XDP_TX,
       C_TC_OK, C_TC_SHOT, C_TC_OTHER, C_PROG_ERRORS };

struct result {
	int skip;		/* the kernel's test run refuses this packet */
	int counter;		/* C_*: the device counter this verdict moves */
	enum diff_where where;	/* where the frame goes */
	long ret;		/* kernel only: the program's return value */
	size_t len;
	uint8_t data[DIFF_MAX_FRAME + 64];
	char *maps;
};

static int is_tc;

void diff_hex(const char *label, const uint8_t *p, size_t len)
{
	size_t i;

	printf("%s (%zu bytes):", label, len);
	for (i = 0; i < len; i++)
		printf("%s%02x", i % 32 ? (i % 4 ? "" : " ") : "\n    ", p[i]);
	printf("\n");
}

static int libbpf_out(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* what the device does with a return value (docs/device.md) */
static void classify(struct result *r)
{
	if (!is_tc) {
		switch (r->ret) {
		case XDP_DROP:
			r->counter = C_XDP_DROP;
			r->where = DIFF_NOWHERE;
			return;
		case XDP_PASS:
			r->counter = C_XDP_PASS;
			r->where = DIFF_TO_STACK;
			return;
		case XDP_TX:
			r->counter = C_XDP_TX;
			r->where = DIFF_TO_WIRE;
			return;
		default:	/* ABORTED, REDIRECT, unknown: dropped */
			r->counter = C_XDP_ABORTED;
			r->where = DIFF_NOWHERE;
			return;
		}
	}
	switch (r->ret) {
	case TC_ACT_OK:
	case TC_ACT_UNSPEC:
		r->counter = C_TC_OK;
		r->where = DIFF_TO_STACK;
		return;
	case TC_ACT_SHOT:
		r->counter = C_TC_SHOT;
		r->where = DIFF_NOWHERE;
		return;
	case TC_ACT_STOLEN:
	case TC_ACT_QUEUED:
	case TC_ACT_TRAP:
	case TC_ACT_REDIRECT:
	case TC_ACT_REPEAT:
		r->counter = C_TC_OTHER;
		r->where = DIFF_NOWHERE;
		return;
	default:	/* RECLASSIFY, PIPE, other: the ingress hook passes */
		r->counter = C_TC_OTHER;
		r->where = DIFF_TO_STACK;
		return;
	}
}

static struct bpf_program *only_prog(struct bpf_object *obj)
{
	struct bpf_program *p, *found = NULL;
	int n = 0;

	bpf_object__for_each_program(p, obj) {
		found = p;
		n++;
	}
	if (n != 1) {
		fprintf(stderr, "the object must hold one program, has %d\n", n);
		return NULL;
	}
	return found;
}

static struct bpf_object *load(const char *path, int ifindex)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *prog;
	struct bpf_map *m;
	int err;

	if (!obj) {
		fprintf(stderr, "%s: open: %s\n", path, strerror(errno));
		return NULL;
	}
	prog = only_prog(obj);
	if (!prog)
		goto fail;
	if (ifindex) {
		bpf_program__set_ifindex(prog, (unsigned int)ifindex);
		bpf_object__for_each_map(m, obj)
			bpf_map__set_ifindex(m, (unsigned int)ifindex);
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "%s: load%s: %s\n", path,
			ifindex ? " (offloaded)" : "", strerror(-err));
		goto fail;
	}
	return obj;
fail:
	bpf_object__close(obj);
	return NULL;
}

static int kernel_run(const char *path, const struct diff_pkt *pk, size_t n,
		      struct result *res)
{
	struct bpf_object *obj = load(path, 0);
	int fd, err, ret = -1;
	size_t i;

	if (!obj)
		return -1;
	fd = bpf_program__fd(only_prog(obj));
	for (i = 0; i < n; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, o,
			    .data_in = pk[i].data,
			    .data_size_in = (__u32)pk[i].len,
			    .data_out = res[i].data,
			    .data_size_out = sizeof(res[i].data),
			    .repeat = 1);

		/*
		 * The skb test run refuses IPv4 frames shorter than an IPv4
		 * header (EINVAL), before the program runs: nothing to
		 * compare against, so such a packet is left out for cls_bpf.
		 */
		err = bpf_prog_test_run_opts(fd, &o);
		if (err && is_tc && errno == EINVAL) {
			res[i].skip = 1;
			continue;
		}
		if (err) {
			fprintf(stderr, "packet %zu (%s): BPF_PROG_TEST_RUN: %s\n",
				i, pk[i].what, strerror(errno));
			goto out;
		}
		res[i].ret = (int)o.retval;
		res[i].len = o.data_size_out;
		classify(&res[i]);
		res[i].maps = diff_maps_snapshot(obj);
		if (!res[i].maps)
			goto out;
	}
	ret = 0;
out:
	bpf_object__close(obj);
	return ret;
}

static int run_cmd(const char *fmt, const char *dev)
{
	char cmd[512];
	int r;

	snprintf(cmd, sizeof(cmd), fmt, dev, dev, dev);
	r = system(cmd);
	if (r) {
		fprintf(stderr, "'%s' failed (status %d)\n", cmd, r);
		return -1;
	}
	return 0;
}

static int attach(struct diff_dev *d, const char *dev, int fd)
{
	int err;

	if (!is_tc) {
		err = bpf_xdp_attach(diff_dev_ifindex(d), fd, XDP_FLAGS_HW_MODE, NULL);
		if (err)
			fprintf(stderr, "XDP attach (HW mode): %s\n", strerror(-err));
		return err;
	}
	unlink(PIN_PATH);
	if (bpf_obj_pin(fd, PIN_PATH)) {
		fprintf(stderr, "pin %s: %s\n", PIN_PATH, strerror(errno));
		return -1;
	}
	err = run_cmd(TC " qdisc add dev %s clsact && " TC " filter add dev %s ingress "
		      "bpf skip_sw da object-pinned " PIN_PATH " && "
		      TC " filter show dev %s ingress | grep -q in_hw", dev);
	unlink(PIN_PATH);
	return err;
}

static void detach(struct diff_dev *d, const char *dev)
{
	if (!is_tc)
		bpf_xdp_detach(diff_dev_ifindex(d), XDP_FLAGS_HW_MODE, NULL);
	else
		run_cmd(TC " qdisc del dev %s clsact", dev);
}

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* send one frame; which counter moved, what came out */
static int device_one(struct diff_dev *d, const struct diff_pkt *p,
		      const struct result *expect, struct result *r)
{
	uint64_t c0[DIFF_NCOUNTERS], c1[DIFF_NCOUNTERS];
	long long t0;
	int j, moved, n;

	if (diff_dev_counters(d, c0) || diff_dev_inject(d, p->data, p->len))
		return -1;
	t0 = ms_now();
	for (;;) {
		if (diff_dev_counters(d, c1))
			return -1;
		moved = 0;
		for (j = 0; j < C_PROG_ERRORS; j++)
			moved += c1[j] != c0[j];
		if (moved)
			break;
		if (ms_now() - t0 > WAIT_MS) {
			printf("  the device counted no verdict in %d ms\n", WAIT_MS);
			return -1;
		}
		usleep(1000);
	}
	r->counter = -1;
	for (j = 0; j < DIFF_NCOUNTERS; j++) {
		if (c1[j] == c0[j])
			continue;
		if (j == C_PROG_ERRORS || r->counter >= 0 || c1[j] != c0[j] + 1) {
			printf("  device counters moved:");
			for (j = 0; j < DIFF_NCOUNTERS; j++)
				if (c1[j] != c0[j])
					printf(" %s +%llu", diff_dev_counter_names[j],
					       (unsigned long long)(c1[j] - c0[j]));
			printf("\n");
			r->counter = -1;
			return 0;
		}
		r->counter = j;
	}
	/* where the frame must appear is decided by the verdict counted */
	r->where = DIFF_NOWHERE;
	if (r->counter == C_XDP_PASS || r->counter == C_TC_OK)
		r->where = DIFF_TO_STACK;
	else if (r->counter == C_XDP_TX)
		r->where = DIFF_TO_WIRE;
	r->len = 0;
	/*
	 * tc_other is a pass or a drop: wait where the kernel's verdict
	 * sends the frame.  A frame that comes later than that is still
	 * caught: by the drain before the next packet.
	 */
	if (r->counter == C_TC_OTHER)
		r->where = expect->where;
	if (r->where != DIFF_NOWHERE) {
		n = diff_dev_receive(d, r->where, r->data, sizeof(r->data), WAIT_MS);
		if (n < 0)
			return -1;
		if (n == 0 && r->counter == C_TC_OTHER) {
			printf("  tc_other: no frame at the stack in %d ms: a drop\n",
			       WAIT_MS);
			r->where = DIFF_NOWHERE;
		} else if (n == 0) {
			printf("  no frame arrived %s in %d ms\n",
			       r->where == DIFF_TO_WIRE ? "from the wire" : "at the stack",
			       WAIT_MS);
			r->where = DIFF_NOWHERE;
		}
		r->len = (size_t)(n > 0 ? n : 0);
	}
	return 0;
}

static const char *where_name(enum diff_where w)
{
	return w == DIFF_TO_STACK ? "to the stack" :
	       w == DIFF_TO_WIRE ? "to the wire" : "nowhere";
}

static void print_map_diff(const char *a, const char *b)
{
	printf("  kernel maps:\n%s  device maps:\n%s", a, b);
}

static int compare(const char *prog, size_t i, const struct diff_pkt *p,
		   const struct result *k, const struct result *dv)
{
	int same_act = k->counter == dv->counter && k->where == dv->where;
	int same_bytes = k->where == DIFF_NOWHERE ||
			 (k->len == dv->len && !memcmp(k->data, dv->data, k->len));
	int same_maps = !strcmp(k->maps, dv->maps);

	if (same_act && same_bytes && same_maps)
		return 0;
	printf("MISMATCH %s packet %zu (%s, %zu bytes):%s%s%s\n", prog, i,
	       p->what, p->len, same_act ? "" : " action", same_bytes ? "" : " bytes",
	       same_maps ? "" : " maps");
	printf("  kernel: return %ld -> %s, %s; device: %s, %s\n", k->ret,
	       diff_dev_counter_names[k->counter], where_name(k->where),
	       dv->counter >= 0 ? diff_dev_counter_names[dv->counter] : "(no single verdict)",
	       where_name(dv->where));
	diff_hex("  input", p->data, p->len);
	if (!same_bytes || !same_act) {
		if (k->where != DIFF_NOWHERE)
			diff_hex("  kernel output", k->data, k->len);
		if (dv->where != DIFF_NOWHERE)
			diff_hex("  device output", dv->data, dv->len);
	}
	if (!same_maps)
		print_map_diff(k->maps, dv->maps);
	return 1;
}

static int device_run(const char *path, const char *dev, const char *peer,
		      const struct diff_pkt *pk, size_t n, struct result *kres,
		      unsigned int *counts, size_t *nmap, size_t *skipped)
{
	struct diff_dev *d = diff_dev_open(dev, peer);
	struct bpf_object *obj = NULL;
	struct result *r = NULL;
	int bad = 0, attached = 0;
	const char *name;
	size_t i;

	if (!d)
		return -1;
	obj = load(path, diff_dev_ifindex(d));
	r = calloc(1, sizeof(*r));
	if (!obj || !r)
		goto fail;
	name = bpf_program__name(only_prog(obj));
	if (attach(d, dev, bpf_program__fd(only_prog(obj))))
		goto fail;
	attached = 1;
	for (i = 0; i < n; i++) {
		if (kres[i].skip) {
			(*skipped)++;
			continue;
		}
		if (diff_dev_drain(d, 0)) {
			printf("MISMATCH %s: frames arrived before packet %zu\n", name, i);
			bad++;
		}
		if (device_one(d, &pk[i], &kres[i], r)) {
			printf("MISMATCH %s packet %zu (%s): no result from the device\n",
			       name, i, pk[i].what);
			goto fail;
		}
		r->maps = diff_maps_snapshot(obj);
		if (!r->maps)
			goto fail;
		bad += compare(name, i, &pk[i], &kres[i], r);
		if (r->counter >= 0)
			counts[r->counter]++;
		*nmap += (size_t)!!*r->maps;
		free(r->maps);
		r->maps = NULL;
	}
	if (diff_dev_drain(d, 300)) {
		printf("MISMATCH %s: frames arrived after the last packet\n", name);
		bad++;
	}
	detach(d, dev);
	bpf_object__close(obj);
	diff_dev_close(d);
	free(r);
	return bad;
fail:
	if (attached)
		detach(d, dev);
	if (obj)
		bpf_object__close(obj);
	diff_dev_close(d);
	free(r);
	return -1;
}

/* the corpus as a classic pcap (for the offline tools: nfp-ebpf run) */
static int write_pcap(const char *file)
{
	const uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
	struct diff_pkt *pk;
	size_t n = diff_corpus(&pk), i;
	FILE *f = fopen(file, "wb");
	uint32_t rec[4];

	if (!f || !n)
		return 1;
	fwrite(hdr, sizeof(hdr), 1, f);
	for (i = 0; i < n; i++) {
		rec[0] = (uint32_t)i;
		rec[1] = 0;
		rec[2] = rec[3] = (uint32_t)pk[i].len;
		fwrite(rec, sizeof(rec), 1, f);
		fwrite(pk[i].data, pk[i].len, 1, f);
	}
	return fclose(f) ? 1 : 0;
}

/* no program attached: a frame sent on the peer reaches the stack as is */
static int probe_wire(const char *dev, const char *peer)
{
	struct diff_dev *d = diff_dev_open(dev, peer);
	uint8_t f[64], got[DIFF_MAX_FRAME + 64];
	int n, i;

	if (!d)
		return 1;
	memset(f, 0xff, 6);
	for (i = 6; i < (int)sizeof(f); i++)
		f[i] = (uint8_t)(i * 13);
	f[12] = 0x88;
	f[13] = 0xb5;
	diff_dev_drain(d, 0);
	n = diff_dev_inject(d, f, sizeof(f)) ? -1 :
	    diff_dev_receive(d, DIFF_TO_STACK, got, sizeof(got), WAIT_MS);
	diff_dev_close(d);
	if (n != (int)sizeof(f) || memcmp(f, got, sizeof(f))) {
		printf("a frame sent on %s did not arrive unchanged on %s (%d bytes)\n",
		       peer, dev, n);
		return 1;
	}
	printf("%s -> %s: 64-byte frame arrived unchanged\n", peer, dev);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: offload-diff --dev PORT0 --peer PORT1 OBJ.bpf.o\n"
			"       offload-diff --kernel-only OBJ.bpf.o   (the kernel's results only)\n"
			"       offload-diff --dev PORT0 --peer PORT1 --probe-wire\n"
			"       offload-diff --corpus-pcap FILE   (write the corpus)\n"
			"  --device-obj OBJ2: offload OBJ2 instead of OBJ (to see a difference caught)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "peer", required_argument, NULL, 'p' },
		{ "kernel-only", no_argument, NULL, 'k' },
		{ "probe-wire", no_argument, NULL, 'w' },
		{ "corpus-pcap", required_argument, NULL, 'c' },
		{ "device-obj", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dev = NULL, *peer = NULL, *path, *dev_path = NULL;
	unsigned int counts[DIFF_NCOUNTERS] = { 0 };
	struct bpf_object *obj;
	struct result *kres;
	struct diff_pkt *pk;
	size_t n, i, nmap = 0, skipped = 0;
	int c, bad, kernel_only = 0, probe = 0;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'd')
			dev = optarg;
		else if (c == 'p')
			peer = optarg;
		else if (c == 'k')
			kernel_only = 1;
		else if (c == 'w')
			probe = 1;
		else if (c == 'c')
			return write_pcap(optarg);
		else if (c == 'o')
			dev_path = optarg;
		else
			usage();
	}
	if (probe && dev && peer && optind == argc)
		return probe_wire(dev, peer);
	if ((!kernel_only && (!dev || !peer)) || optind != argc - 1)
		usage();
	path = argv[optind];
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(libbpf_out);

	obj = bpf_object__open_file(path, NULL);
	if (!obj || !only_prog(obj)) {
		fprintf(stderr, "%s: cannot open\n", path);
		return 1;
	}
	is_tc = bpf_program__type(only_prog(obj)) == BPF_PROG_TYPE_SCHED_CLS;
	bpf_object__close(obj);

	n = diff_corpus(&pk);
	kres = calloc(n, sizeof(*kres));
	if (!n || !kres)
		return 1;
	if (kernel_run(path, pk, n, kres))
		return 1;
	if (kernel_only) {
		for (i = 0; i < n; i++) {
			if (kres[i].skip) {
				printf("%zu %s: refused by the test run\n", i, pk[i].what);
				continue;
			}
			printf("%zu %s: return %ld -> %s %s\n", i, pk[i].what,
			       kres[i].ret, diff_dev_counter_names[kres[i].counter],
			       where_name(kres[i].where));
			diff_hex("  input", pk[i].data, pk[i].len);
			if (kres[i].where != DIFF_NOWHERE)
				diff_hex("  output", kres[i].data, kres[i].len);
		}
		for (i = n; i-- > 0;)
			if (kres[i].maps) {
				printf("maps after the last packet:\n%s", kres[i].maps);
				break;
			}
		return 0;
	}
	bad = device_run(dev_path ? dev_path : path, dev, peer, pk, n, kres, counts, &nmap, &skipped);
	if (bad < 0)
		return 1;
	printf("%s: %zu packets", path, n - skipped);
	if (skipped)
		printf(" (%zu short IPv4 frames the skb test run refuses left out)",
		       skipped);
	printf(", %s:", is_tc ? "cls_bpf" : "XDP");
	for (i = 0; i < DIFF_NCOUNTERS; i++)
		if (counts[i])
			printf(" %s %u", diff_dev_counter_names[i], counts[i]);
	printf("; maps compared after every packet (%zu non-empty snapshots); %d mismatches\n",
	       nmap, bad);
	if (bad)
		printf("%s: %d packets differ between the kernel and the device\n",
		       path, bad);
	return bad ? 1 : 0;
}
