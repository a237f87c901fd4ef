// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Map snapshots for offload-diff: every entry of every map of an object,
 * read through the map syscalls (for an offloaded map the driver asks the
 * device: MAP_GETNEXT, MAP_LOOKUP), printed as sorted text lines.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

struct text {
	char **lines;
	size_t n, cap;
};

static int add_line(struct text *t, const char *name, const uint8_t *k,
		    size_t klen, const uint8_t *v, size_t vlen)
{
	char *s, *q;
	size_t i;

	if (t->n == t->cap) {
		char **nl = realloc(t->lines, (t->cap * 2 + 16) * sizeof(*nl));

		if (!nl)
			return -1;
		t->lines = nl;
		t->cap = t->cap * 2 + 16;
	}
	s = malloc(strlen(name) + 2 * (klen + vlen) + 8);
	if (!s)
		return -1;
	q = s + sprintf(s, "%s ", name);
	for (i = 0; i < klen; i++)
		q += sprintf(q, "%02x", k[i]);
	q += sprintf(q, " => ");
	for (i = 0; i < vlen; i++)
		q += sprintf(q, "%02x", v[i]);
	t->lines[t->n++] = s;
	return 0;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int dump_map(struct text *t, struct bpf_map *m)
{
	size_t klen = bpf_map__key_size(m), vlen = bpf_map__value_size(m);
	uint8_t *key = calloc(1, klen), *next = calloc(1, klen);
	uint8_t *val = calloc(1, vlen);
	int fd = bpf_map__fd(m), first = 1, n = 0, ret = -1;

	if (!key || !next || !val)
		goto out;
	for (;;) {
		if (bpf_map_get_next_key(fd, first ? NULL : key, next)) {
			if (errno == ENOENT)
				break;
			fprintf(stderr, "map %s: get_next_key: %s\n",
				bpf_map__name(m), strerror(errno));
			goto out;
		}
		first = 0;
		memcpy(key, next, klen);
		if (bpf_map_lookup_elem(fd, key, val)) {
			fprintf(stderr, "map %s: lookup: %s\n",
				bpf_map__name(m), strerror(errno));
			goto out;
		}
		if (add_line(t, bpf_map__name(m), key, klen, val, vlen))
			goto out;
		if (++n > 100000) {
			fprintf(stderr, "map %s: get_next_key does not end\n",
				bpf_map__name(m));
			goto out;
		}
	}
	ret = 0;
out:
	free(key);
	free(next);
	free(val);
	return ret;
}

char *diff_maps_snapshot(struct bpf_object *obj)
{
	struct text t = { 0 };
	struct bpf_map *m;
	size_t i, len = 1;
	char *s = NULL, *q;

	bpf_object__for_each_map(m, obj) {
		if (dump_map(&t, m))
			goto out;
	}
	/* a HASH map's order is its implementation's: compare sorted */
	qsort(t.lines, t.n, sizeof(*t.lines), cmp_line);
	for (i = 0; i < t.n; i++)
		len += strlen(t.lines[i]) + 1;
	s = malloc(len);
	if (!s)
		goto out;
	q = s;
	*q = 0;
	for (i = 0; i < t.n; i++)
		q += sprintf(q, "%s\n", t.lines[i]);
out:
	for (i = 0; i < t.n; i++)
		free(t.lines[i]);
	free(t.lines);
	return s;
}
