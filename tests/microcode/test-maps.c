/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-maps.c - the map engine: Linux 6.1 semantics and error codes for
 * every map type, LRU order, per-CPU layout, get_next walks, holds, ids,
 * map memory accounting, robustness against programs scribbling over map
 * memory, and a randomized comparison with a reference model.
 *
 * Run with -m perf for a quick operations-per-second measurement.
 */
#include <glib.h>
#include <string.h>

#include "nfpe_mc.h"

#define MEM_BYTES	(1u << 20)
#define CORES		4

static void *tm_alloc(void *opaque, size_t size)
{
	(void)opaque;
	return g_malloc0(size);
}

static void tm_free(void *opaque, void *ptr)
{
	(void)opaque;
	g_free(ptr);
}

static const struct nfpe_alloc tm_a = { tm_alloc, tm_free, NULL };

static struct nfpe_maps *new_maps(uint32_t mem, uint32_t max_maps)
{
	struct nfpe_maps *m = nfpe_maps_create(&tm_a, mem, max_maps, CORES);

	g_assert_nonnull(m);
	return m;
}

static uint32_t mk(struct nfpe_maps *m, uint32_t type, uint32_t ks,
		   uint32_t vs, uint32_t n, uint32_t flags)
{
	struct nfpe_map_decl d = { type, ks, vs, n, flags };
	uint32_t id = 0;

	g_assert_cmpint(nfpe_map_create(m, &d, &id), ==, 0);
	g_assert_cmpuint(id, !=, 0);
	return id;
}

static int try_mk(struct nfpe_maps *m, uint32_t type, uint32_t ks,
		  uint32_t vs, uint32_t n, uint32_t flags)
{
	struct nfpe_map_decl d = { type, ks, vs, n, flags };
	uint32_t id = 0;

	return nfpe_map_create(m, &d, &id);
}

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

static uint64_t u64_at(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* ---- Creation ------------------------------------------------------ */

static void test_create_errors(void)
{
	struct nfpe_maps *m = new_maps(MEM_BYTES, 4);
	struct nfpe_map_decl d;
	uint32_t id;

	g_assert_null(nfpe_maps_create(&tm_a, MEM_BYTES, 0, 1));
	g_assert_null(nfpe_maps_create(&tm_a, MEM_BYTES, 4, 0));

	/* Unknown and unimplemented types. */
	g_assert_cmpint(try_mk(m, 0, 4, 4, 1, 0), ==, -NFPE_EINVAL);
	g_assert_cmpint(try_mk(m, 3 /* PROG_ARRAY */, 4, 4, 1, 0), ==,
			-NFPE_EINVAL);
	g_assert_cmpint(try_mk(m, 1000, 4, 4, 1, 0), ==, -NFPE_EINVAL);

	/* Hash attribute checks (htab_map_alloc_check). */
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_HASH, 0, 4, 1, 0), ==,
			-NFPE_EINVAL);
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_HASH, 4, 0, 1, 0), ==,
			-NFPE_EINVAL);
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_HASH, 4, 4, 0, 0), ==,
			-NFPE_EINVAL);
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_HASH, 513, 4, 1, 0), ==,
			-NFPE_E2BIG);
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_HASH, 4, 1u << 22, 1, 0), ==,
			-NFPE_E2BIG);
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_PERCPU_HASH, 4, 32769, 1, 0),
			==, -NFPE_E2BIG);
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_HASH, 4, 4, 1, 1u << 5), ==,
			-NFPE_EINVAL);	/* BPF_F_RDONLY | ... unknown bit */
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_HASH, 4, 4, 1, 2), ==,
			-NFPE_EINVAL);	/* NO_COMMON_LRU on a plain hash */
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_LRU_HASH, 4, 4, 1, 1), ==,
			-NFPE_EOPNOTSUPP); /* LRU && NO_PREALLOC */
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_HASH, 4, 4, 1,
			       (1u << 3) | (1u << 4)), ==, -NFPE_EINVAL);
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_HASH, 4, 4, 0x80000001u, 0),
			==, -NFPE_E2BIG);

	/* Array attribute checks (array_map_alloc_check). */
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_ARRAY, 8, 4, 1, 0), ==,
			-NFPE_EINVAL);
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_ARRAY, 4, 0, 1, 0), ==,
			-NFPE_EINVAL);
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_ARRAY, 4, 4, 0, 0), ==,
			-NFPE_EINVAL);
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_ARRAY, 4, 4, 1, 1), ==,
			-NFPE_EINVAL);	/* NO_PREALLOC is hash-only */
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_PERCPU_ARRAY, 4, 4, 1,
			       1u << 10), ==, -NFPE_EINVAL); /* MMAPABLE */
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_PERCPU_ARRAY, 4, 40000, 1, 0),
			==, -NFPE_E2BIG);

	/* Accepted flags are reported back by map_info. */
	id = mk(m, NFPE_BPF_MAP_HASH, 6, 10, 7, 1 /* NO_PREALLOC */);
	g_assert_cmpint(nfpe_map_info(m, id, &d), ==, 0);
	g_assert_cmpuint(d.type, ==, NFPE_BPF_MAP_HASH);
	g_assert_cmpuint(d.key_size, ==, 6);
	g_assert_cmpuint(d.value_size, ==, 10);
	g_assert_cmpuint(d.max_entries, ==, 7);
	g_assert_cmpuint(d.flags, ==, 1);
	g_assert_cmpint(nfpe_map_info(m, id + 1, &d), ==, -NFPE_ENOENT);
	g_assert_cmpint(nfpe_map_info(m, 0, &d), ==, -NFPE_ENOENT);
	mk(m, NFPE_BPF_MAP_ARRAY, 4, 4, 1, 1u << 10);	/* MMAPABLE ok */
	mk(m, NFPE_BPF_MAP_LRU_HASH, 4, 4, 8, 2);	/* NO_COMMON_LRU ok */
	mk(m, NFPE_BPF_MAP_HASH, 4, 4, 1, 1u << 6);	/* ZERO_SEED ok */

	/* max_maps reached. */
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_ARRAY, 4, 4, 1, 0), ==,
			-NFPE_ENOSPC);
	nfpe_maps_destroy(m);
}

/* ---- Hash ---------------------------------------------------------- */

static void test_hash_basic(void)
{
	struct nfpe_maps *m = new_maps(MEM_BYTES, 8);
	uint32_t id = mk(m, NFPE_BPF_MAP_HASH, 8, 12, 4, 0);
	uint8_t key[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, k2[8];
	uint8_t val[12], out[12];
	uint32_t i;

	memset(val, 0xab, sizeof(val));
	g_assert_cmpint(nfpe_map_lookup(m, id, key, out), ==, -NFPE_ENOENT);
	g_assert_cmpint(nfpe_map_delete(m, id, key), ==, -NFPE_ENOENT);
	g_assert_cmpint(nfpe_map_update(m, id, key, val, NFPE_MAP_EXIST), ==,
			-NFPE_ENOENT);
	g_assert_cmpint(nfpe_map_update(m, id, key, val, 3), ==,
			-NFPE_EINVAL);
	g_assert_cmpint(nfpe_map_update(m, id, key, val, 4 /* F_LOCK */),
			==, -NFPE_EINVAL);
	g_assert_cmpint(nfpe_map_update(m, id, key, val, NFPE_MAP_NOEXIST),
			==, 0);
	g_assert_cmpint(nfpe_map_update(m, id, key, val, NFPE_MAP_NOEXIST),
			==, -NFPE_EEXIST);
	g_assert_cmpint(nfpe_map_lookup(m, id, key, out), ==, 0);
	g_assert_cmpmem(out, 12, val, 12);
	val[0] = 7;
	g_assert_cmpint(nfpe_map_update(m, id, key, val, NFPE_MAP_EXIST), ==,
			0);
	g_assert_cmpint(nfpe_map_lookup(m, id, key, out), ==, 0);
	g_assert_cmpmem(out, 12, val, 12);

	/* Fill: the fifth key is -E2BIG, replacing an existing one works. */
	for (i = 1; i < 4; i++) {
		memcpy(k2, key, 8);
		k2[0] = 100 + i;
		g_assert_cmpint(nfpe_map_update(m, id, k2, val, NFPE_MAP_ANY),
				==, 0);
	}
	k2[0] = 200;
	g_assert_cmpint(nfpe_map_update(m, id, k2, val, NFPE_MAP_ANY), ==,
			-NFPE_E2BIG);
	g_assert_cmpint(nfpe_map_update(m, id, k2, val, NFPE_MAP_NOEXIST), ==,
			-NFPE_E2BIG);
	/* Flag checks come before the allocation, as in the kernel. */
	g_assert_cmpint(nfpe_map_update(m, id, k2, val, NFPE_MAP_EXIST), ==,
			-NFPE_ENOENT);
	g_assert_cmpint(nfpe_map_update(m, id, key, val, NFPE_MAP_NOEXIST),
			==, -NFPE_EEXIST);
	g_assert_cmpint(nfpe_map_update(m, id, key, val, NFPE_MAP_ANY), ==, 0);
	g_assert_cmpint(nfpe_map_delete(m, id, key), ==, 0);
	g_assert_cmpint(nfpe_map_delete(m, id, key), ==, -NFPE_ENOENT);
	g_assert_cmpint(nfpe_map_update(m, id, k2, val, NFPE_MAP_ANY), ==, 0);
	g_assert_cmpint(nfpe_map_lookup(m, id, key, out), ==, -NFPE_ENOENT);

	/* Program side: address of the value in map memory, 0 if absent. */
	{
		uint32_t sz, addr;
		uint8_t *mem = nfpe_maps_mem(m, &sz);

		g_assert_cmpuint(sz, ==, MEM_BYTES);
		addr = nfpe_map_prog_lookup(m, id, k2, 0);
		g_assert_cmpuint(addr, >=, 64);
		g_assert_cmpuint(addr % 8, ==, 0);
		g_assert_cmpmem(mem + addr, 12, val, 12);
		g_assert_cmpuint(nfpe_map_prog_lookup(m, id, key, 0), ==, 0);
		g_assert_cmpint(nfpe_map_prog_update(m, id, key, val,
						     1ull << 32, 0), ==,
				-NFPE_EINVAL);
		g_assert_cmpint(nfpe_map_prog_update(m, id, key, val,
						     NFPE_MAP_ANY, 0), ==,
				-NFPE_E2BIG);
		g_assert_cmpint(nfpe_map_prog_delete(m, id, k2), ==, 0);
		g_assert_cmpint(nfpe_map_prog_delete(m, id, k2), ==,
				-NFPE_ENOENT);
		g_assert_cmpint(nfpe_map_prog_update(m, id, key, val,
						     NFPE_MAP_ANY, 0), ==, 0);
		/* A program may pass a map value as the new value. */
		addr = nfpe_map_prog_lookup(m, id, key, 0);
		mem[addr] = 0x5a;
		k2[0] = 101;
		g_assert_cmpint(nfpe_map_delete(m, id, k2), ==, 0);
		k2[0] = 201;
		g_assert_cmpint(nfpe_map_prog_update(m, id, k2, mem + addr,
						     NFPE_MAP_ANY, 0), ==, 0);
		g_assert_cmpint(nfpe_map_lookup(m, id, k2, out), ==, 0);
		g_assert_cmpuint(out[0], ==, 0x5a);
		g_assert_cmpint(nfpe_map_prog_update(m, id, key, mem + addr,
						     NFPE_MAP_EXIST, 0), ==, 0);
		/* Bad ids. */
		g_assert_cmpuint(nfpe_map_prog_lookup(m, id + 8, key, 0), ==,
				 0);
		g_assert_cmpuint(nfpe_map_prog_lookup(m, 0, key, 0), ==, 0);
		g_assert_cmpint(nfpe_map_prog_update(m, 0, key, val, 0, 0),
				==, -NFPE_ENOENT);
		g_assert_cmpint(nfpe_map_prog_delete(m, 0, key), ==,
				-NFPE_ENOENT);
	}
	nfpe_maps_destroy(m);
}

/* Odd value size: padding to 8 bytes is zero whenever a key is inserted. */
static void test_hash_zeroed_insert(void)
{
	struct nfpe_maps *m = new_maps(MEM_BYTES, 8);
	uint32_t id = mk(m, NFPE_BPF_MAP_HASH, 4, 5, 2, 0);
	uint8_t key[4] = { 9 }, val[5] = { 1, 2, 3, 4, 5 }, sz8[8];
	uint32_t addr, size;
	uint8_t *mem = nfpe_maps_mem(m, &size);

	g_assert_cmpint(nfpe_map_update(m, id, key, val, 0), ==, 0);
	addr = nfpe_map_prog_lookup(m, id, key, 0);
	memset(mem + addr, 0xee, 8);	/* a program scribbles padding */
	g_assert_cmpint(nfpe_map_delete(m, id, key), ==, 0);
	g_assert_cmpint(nfpe_map_update(m, id, key, val, 0), ==, 0);
	addr = nfpe_map_prog_lookup(m, id, key, 0);
	memcpy(sz8, mem + addr, 8);
	g_assert_cmpmem(sz8, 5, val, 5);
	g_assert_cmpuint(sz8[5] | sz8[6] | sz8[7], ==, 0);
	nfpe_maps_destroy(m);
}

/* ---- Array --------------------------------------------------------- */

static void test_array(void)
{
	struct nfpe_maps *m = new_maps(MEM_BYTES, 8);
	uint32_t id = mk(m, NFPE_BPF_MAP_ARRAY, 4, 6, 10, 0);
	uint8_t key[4], out[6], val[6] = { 1, 2, 3, 4, 5, 6 }, zero[6] = { 0 };
	uint32_t i, addr, prev;

	for (i = 0; i < 10; i++) {
		le32(key, i);
		g_assert_cmpint(nfpe_map_lookup(m, id, key, out), ==, 0);
		g_assert_cmpmem(out, 6, zero, 6);
	}
	le32(key, 10);
	g_assert_cmpint(nfpe_map_lookup(m, id, key, out), ==, -NFPE_ENOENT);
	g_assert_cmpuint(nfpe_map_prog_lookup(m, id, key, 0), ==, 0);
	g_assert_cmpint(nfpe_map_update(m, id, key, val, 0), ==, -NFPE_E2BIG);
	/* Flags checked first, then the index, then NOEXIST. */
	g_assert_cmpint(nfpe_map_update(m, id, key, val, 3), ==,
			-NFPE_EINVAL);
	g_assert_cmpint(nfpe_map_update(m, id, key, val, NFPE_MAP_NOEXIST),
			==, -NFPE_E2BIG);
	le32(key, 3);
	g_assert_cmpint(nfpe_map_update(m, id, key, val, NFPE_MAP_NOEXIST),
			==, -NFPE_EEXIST);
	g_assert_cmpint(nfpe_map_update(m, id, key, val, NFPE_MAP_EXIST), ==,
			0);
	g_assert_cmpint(nfpe_map_lookup(m, id, key, out), ==, 0);
	g_assert_cmpmem(out, 6, val, 6);
	g_assert_cmpint(nfpe_map_delete(m, id, key), ==, -NFPE_EINVAL);
	g_assert_cmpint(nfpe_map_prog_delete(m, id, key), ==, -NFPE_EINVAL);

	/* Element addresses are contiguous with an 8-byte stride. */
	le32(key, 0);
	prev = nfpe_map_prog_lookup(m, id, key, 0);
	for (i = 1; i < 10; i++) {
		le32(key, i);
		addr = nfpe_map_prog_lookup(m, id, key, 0);
		g_assert_cmpuint(addr, ==, prev + 8);
		prev = addr;
	}

	/* get_next: NULL and out-of-range -> 0, last -> -ENOENT. */
	{
		uint8_t nk[4];
		uint32_t n = 0, cur;

		g_assert_cmpint(nfpe_map_get_next(m, id, NULL, nk), ==, 0);
		g_assert_cmpuint(GUINT32_FROM_LE(*(uint32_t *)nk), ==, 0);
		le32(key, 10);
		g_assert_cmpint(nfpe_map_get_next(m, id, key, nk), ==, 0);
		g_assert_cmpuint(GUINT32_FROM_LE(*(uint32_t *)nk), ==, 0);
		le32(key, 0xffffffffu);
		g_assert_cmpint(nfpe_map_get_next(m, id, key, nk), ==, 0);
		g_assert_cmpuint(GUINT32_FROM_LE(*(uint32_t *)nk), ==, 0);
		le32(key, 9);
		g_assert_cmpint(nfpe_map_get_next(m, id, key, nk), ==,
				-NFPE_ENOENT);
		/* Full walk. */
		g_assert_cmpint(nfpe_map_get_next(m, id, NULL, nk), ==, 0);
		do {
			cur = GUINT32_FROM_LE(*(uint32_t *)nk);
			g_assert_cmpuint(cur, ==, n);
			n++;
		} while (nfpe_map_get_next(m, id, nk, nk) == 0);
		g_assert_cmpuint(n, ==, 10);
	}
	nfpe_maps_destroy(m);
}

/* ---- Per-CPU ------------------------------------------------------- */

static void test_percpu_array(void)
{
	struct nfpe_maps *m = new_maps(MEM_BYTES, 8);
	uint32_t id = mk(m, NFPE_BPF_MAP_PERCPU_ARRAY, 4, 12, 3, 0);
	uint8_t key[4], all[CORES * 16], out[CORES * 16], v[12];
	uint32_t c, addr[CORES], size;
	uint8_t *mem = nfpe_maps_mem(m, &size);

	/* Host layout: round_up(12, 8) = 16 bytes per CPU. */
	for (c = 0; c < sizeof(all); c++)
		all[c] = c;
	le32(key, 1);
	g_assert_cmpint(nfpe_map_update(m, id, key, all, NFPE_MAP_NOEXIST),
			==, -NFPE_EEXIST);
	g_assert_cmpint(nfpe_map_update(m, id, key, all, NFPE_MAP_ANY), ==, 0);
	memset(out, 0xff, sizeof(out));
	g_assert_cmpint(nfpe_map_lookup(m, id, key, out), ==, 0);
	g_assert_cmpmem(out, sizeof(out), all, sizeof(all));

	/* Program lookup: each core sees its own copy. */
	for (c = 0; c < CORES; c++) {
		addr[c] = nfpe_map_prog_lookup(m, id, key, c);
		g_assert_cmpuint(addr[c], !=, 0);
		g_assert_cmpmem(mem + addr[c], 12, all + 16 * c, 12);
		if (c)
			g_assert_cmpuint(addr[c], ==, addr[c - 1] + 16);
	}
	g_assert_cmpuint(nfpe_map_prog_lookup(m, id, key, CORES), ==, 0);

	/* Program update touches only the calling core's copy. */
	memset(v, 0x77, sizeof(v));
	g_assert_cmpint(nfpe_map_prog_update(m, id, key, v, 0, 2), ==, 0);
	g_assert_cmpint(nfpe_map_lookup(m, id, key, out), ==, 0);
	for (c = 0; c < CORES; c++) {
		if (c == 2)
			g_assert_cmpmem(out + 16 * c, 12, v, 12);
		else
			g_assert_cmpmem(out + 16 * c, 16, all + 16 * c, 16);
	}
	g_assert_cmpint(nfpe_map_prog_update(m, id, key, v, 0, CORES), ==,
			-NFPE_EINVAL);
	g_assert_cmpint(nfpe_map_delete(m, id, key), ==, -NFPE_EINVAL);
	le32(key, 3);
	g_assert_cmpint(nfpe_map_update(m, id, key, all, 0), ==, -NFPE_E2BIG);
	g_assert_cmpint(nfpe_map_lookup(m, id, key, out), ==, -NFPE_ENOENT);
	nfpe_maps_destroy(m);
}

static void test_percpu_hash(void)
{
	struct nfpe_maps *m = new_maps(MEM_BYTES, 8);
	uint32_t id = mk(m, NFPE_BPF_MAP_PERCPU_HASH, 4, 4, 4, 0);
	uint8_t key[4] = { 1 }, all[CORES * 8], out[CORES * 8], v[4];
	uint32_t c, size, a0, a3;
	uint8_t *mem = nfpe_maps_mem(m, &size);

	for (c = 0; c < sizeof(all); c++)
		all[c] = 0x10 + c;
	g_assert_cmpint(nfpe_map_update(m, id, key, all, 0), ==, 0);
	g_assert_cmpint(nfpe_map_lookup(m, id, key, out), ==, 0);
	g_assert_cmpmem(out, sizeof(out), all, sizeof(all));
	a0 = nfpe_map_prog_lookup(m, id, key, 0);
	a3 = nfpe_map_prog_lookup(m, id, key, 3);
	g_assert_cmpuint(a3, ==, a0 + 3 * 8);
	g_assert_cmpmem(mem + a3, 8, all + 24, 8);

	/* A program inserting a new key: other cores' copies are zero. */
	key[0] = 2;
	memset(v, 0x99, 4);
	memset(mem + 64, 0xcc, MEM_BYTES - 64);	/* hostile garbage */
	g_assert_cmpint(nfpe_map_prog_update(m, id, key, v, NFPE_MAP_NOEXIST,
					     1), ==, 0);
	g_assert_cmpint(nfpe_map_lookup(m, id, key, out), ==, 0);
	for (c = 0; c < CORES; c++) {
		uint64_t w = u64_at(out + 8 * c);

		if (c == 1)
			g_assert_cmphex(w, ==, 0x99999999ull);
		else
			g_assert_cmphex(w, ==, 0);
	}
	/* Existing key: only this core's value changes. */
	memset(v, 0x55, 4);
	g_assert_cmpint(nfpe_map_prog_update(m, id, key, v, NFPE_MAP_EXIST,
					     3), ==, 0);
	g_assert_cmpint(nfpe_map_lookup(m, id, key, out), ==, 0);
	g_assert_cmphex(u64_at(out + 8), ==, 0x99999999ull);
	g_assert_cmphex(u64_at(out + 24), ==, 0x55555555ull);
	g_assert_cmphex(u64_at(out), ==, 0);
	g_assert_cmpint(nfpe_map_delete(m, id, key), ==, 0);
	g_assert_cmpint(nfpe_map_lookup(m, id, key, out), ==, -NFPE_ENOENT);
	nfpe_maps_destroy(m);
}

/* ---- LRU ----------------------------------------------------------- */

static void test_lru(void)
{
	struct nfpe_maps *m = new_maps(MEM_BYTES, 8);
	uint32_t id = mk(m, NFPE_BPF_MAP_LRU_HASH, 4, 8, 4, 0);
	uint8_t key[4] = { 0 }, v[8] = { 0 }, out[8];
	uint32_t k;

	for (k = 1; k <= 4; k++) {
		le32(key, k);
		le32(v, k * 10);
		g_assert_cmpint(nfpe_map_update(m, id, key, v, 0), ==, 0);
	}
	/* Recency now 4 3 2 1.  A program lookup of 1 makes it newest. */
	le32(key, 1);
	g_assert_cmpuint(nfpe_map_prog_lookup(m, id, key, 0), !=, 0);
	/* A host lookup of 2 does not count as a use. */
	le32(key, 2);
	g_assert_cmpint(nfpe_map_lookup(m, id, key, out), ==, 0);
	/* Insert 5: evicts 2, the least recently used. */
	le32(key, 5);
	g_assert_cmpint(nfpe_map_update(m, id, key, v, 0), ==, 0);
	le32(key, 2);
	g_assert_cmpint(nfpe_map_lookup(m, id, key, out), ==, -NFPE_ENOENT);
	/* Update of existing 3 refreshes it: next victim is 4, then 1. */
	le32(key, 3);
	g_assert_cmpint(nfpe_map_update(m, id, key, v, NFPE_MAP_EXIST), ==, 0);
	le32(key, 6);
	g_assert_cmpint(nfpe_map_update(m, id, key, v, 0), ==, 0);
	le32(key, 4);
	g_assert_cmpint(nfpe_map_lookup(m, id, key, out), ==, -NFPE_ENOENT);
	le32(key, 7);
	g_assert_cmpint(nfpe_map_prog_update(m, id, key, v, 0, 0), ==, 0);
	le32(key, 1);
	g_assert_cmpint(nfpe_map_lookup(m, id, key, out), ==, -NFPE_ENOENT);
	/* Left: 5 3 6 7.  Failed updates evict nothing. */
	le32(key, 3);
	g_assert_cmpint(nfpe_map_update(m, id, key, v, NFPE_MAP_NOEXIST), ==,
			-NFPE_EEXIST);
	le32(key, 8);
	g_assert_cmpint(nfpe_map_update(m, id, key, v, NFPE_MAP_EXIST), ==,
			-NFPE_ENOENT);
	for (k = 3; k <= 7; k++) {
		if (k == 4)
			continue;
		le32(key, k);
		g_assert_cmpint(nfpe_map_lookup(m, id, key, out), ==, 0);
	}
	/* Delete makes room without eviction. */
	le32(key, 5);
	g_assert_cmpint(nfpe_map_delete(m, id, key), ==, 0);
	le32(key, 9);
	g_assert_cmpint(nfpe_map_update(m, id, key, v, 0), ==, 0);
	for (k = 3; k <= 9; k++) {
		int want = (k == 3 || k == 6 || k == 7 || k == 9) ? 0 :
			   -NFPE_ENOENT;

		le32(key, k);
		g_assert_cmpint(nfpe_map_lookup(m, id, key, out), ==, want);
	}
	nfpe_maps_destroy(m);
}

/* ---- get_next on hash maps ----------------------------------------- */

static void test_hash_get_next(void)
{
	struct nfpe_maps *m = new_maps(4u << 20, 8);
	const uint32_t n = 3000;
	uint32_t id = mk(m, NFPE_BPF_MAP_HASH, 4, 4, n, 0);
	uint8_t key[4], nk[4], v[4] = { 0 };
	GHashTable *seen = g_hash_table_new(NULL, NULL);
	uint32_t i, count = 0;

	g_assert_cmpint(nfpe_map_get_next(m, id, NULL, nk), ==, -NFPE_ENOENT);
	le32(key, 5);
	g_assert_cmpint(nfpe_map_get_next(m, id, key, nk), ==, -NFPE_ENOENT);
	for (i = 0; i < n; i++) {
		le32(key, i * 7919u);
		g_assert_cmpint(nfpe_map_update(m, id, key, v, 0), ==, 0);
	}
	/* Walk from NULL: every key exactly once. */
	g_assert_cmpint(nfpe_map_get_next(m, id, NULL, nk), ==, 0);
	do {
		uint32_t k = GUINT32_FROM_LE(*(uint32_t *)nk);

		g_assert_cmpuint(k % 7919u, ==, 0);
		g_assert_false(g_hash_table_contains(seen,
						     GUINT_TO_POINTER(k + 1)));
		g_hash_table_add(seen, GUINT_TO_POINTER(k + 1));
		count++;
	} while (nfpe_map_get_next(m, id, nk, nk) == 0);
	g_assert_cmpuint(count, ==, n);

	/* An unknown key restarts at the first key. */
	{
		uint8_t first[4], again[4];

		g_assert_cmpint(nfpe_map_get_next(m, id, NULL, first), ==, 0);
		le32(key, 1);
		g_assert_cmpint(nfpe_map_get_next(m, id, key, again), ==, 0);
		g_assert_cmpmem(first, 4, again, 4);
	}
	/* A bulk delete driven by get_next empties the map. */
	count = 0;
	while (nfpe_map_get_next(m, id, NULL, nk) == 0) {
		g_assert_cmpint(nfpe_map_delete(m, id, nk), ==, 0);
		count++;
	}
	g_assert_cmpuint(count, ==, n);
	g_hash_table_destroy(seen);
	nfpe_maps_destroy(m);
}

/* ---- Ids, holds, memory -------------------------------------------- */

static void test_ids_and_holds(void)
{
	struct nfpe_maps *m = new_maps(MEM_BYTES, 3);
	uint32_t a = mk(m, NFPE_BPF_MAP_ARRAY, 4, 4, 1, 0);
	uint32_t b = mk(m, NFPE_BPF_MAP_HASH, 4, 4, 1, 0);
	uint32_t c = mk(m, NFPE_BPF_MAP_ARRAY, 4, 4, 1, 0);
	uint32_t b2, key = 0, val = 0;
	struct nfpe_map_decl d;

	g_assert_cmpuint(a, ==, 1);	/* small integers */
	g_assert_cmpuint(b, ==, 2);
	g_assert_cmpuint(c, ==, 3);
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_ARRAY, 4, 4, 1, 0), ==,
			-NFPE_ENOSPC);

	g_assert_cmpint(nfpe_map_hold(m, b), ==, 0);
	g_assert_cmpint(nfpe_map_hold(m, b), ==, 0);
	g_assert_cmpint(nfpe_map_free(m, b), ==, -NFPE_EBUSY);
	nfpe_map_release(m, b);
	g_assert_cmpint(nfpe_map_free(m, b), ==, -NFPE_EBUSY);
	nfpe_map_release(m, b);
	nfpe_map_release(m, b);		/* extra release is harmless */
	g_assert_cmpint(nfpe_map_hold(m, 99), ==, -NFPE_ENOENT);
	nfpe_map_release(m, 99);
	g_assert_cmpint(nfpe_map_free(m, b), ==, 0);
	g_assert_cmpint(nfpe_map_free(m, b), ==, -NFPE_ENOENT);
	g_assert_cmpint(nfpe_map_free(m, 0), ==, -NFPE_ENOENT);

	/* Every operation refuses the stale id. */
	g_assert_cmpint(nfpe_map_info(m, b, &d), ==, -NFPE_ENOENT);
	g_assert_cmpint(nfpe_map_lookup(m, b, &key, &val), ==, -NFPE_ENOENT);
	g_assert_cmpint(nfpe_map_update(m, b, &key, &val, 0), ==,
			-NFPE_ENOENT);
	g_assert_cmpint(nfpe_map_delete(m, b, &key), ==, -NFPE_ENOENT);
	g_assert_cmpint(nfpe_map_get_next(m, b, NULL, &key), ==,
			-NFPE_ENOENT);
	g_assert_cmpint(nfpe_map_hold(m, b), ==, -NFPE_ENOENT);

	/* The slot is reused with a new id; the old one stays invalid. */
	b2 = mk(m, NFPE_BPF_MAP_PERCPU_ARRAY, 4, 4, 1, 0);
	g_assert_cmpuint(b2, !=, b);
	g_assert_cmpuint(b2, <, 64);
	g_assert_cmpint(nfpe_map_info(m, b, &d), ==, -NFPE_ENOENT);
	g_assert_cmpint(nfpe_map_info(m, b2, &d), ==, 0);
	g_assert_cmpuint(d.type, ==, NFPE_BPF_MAP_PERCPU_ARRAY);

	/* Reset frees everything, held or not; old ids are dead. */
	g_assert_cmpint(nfpe_map_hold(m, a), ==, 0);
	nfpe_maps_reset(m);
	g_assert_cmpuint(nfpe_maps_used(m), ==, 0);
	g_assert_cmpint(nfpe_map_info(m, a, &d), ==, -NFPE_ENOENT);
	g_assert_cmpint(nfpe_map_info(m, c, &d), ==, -NFPE_ENOENT);
	mk(m, NFPE_BPF_MAP_ARRAY, 4, 4, 1, 0);
	mk(m, NFPE_BPF_MAP_ARRAY, 4, 4, 1, 0);
	mk(m, NFPE_BPF_MAP_ARRAY, 4, 4, 1, 0);

	/* Many create/free cycles: ids stay unique while valid. */
	{
		uint32_t i, prev = 0, id;

		nfpe_maps_reset(m);
		for (i = 0; i < 100000; i++) {
			id = mk(m, NFPE_BPF_MAP_ARRAY, 4, 4, 1, 0);
			g_assert_cmpuint(id, !=, prev);
			g_assert_cmpuint(id, <=, 0x7fffffffu);
			g_assert_cmpint(nfpe_map_free(m, id), ==, 0);
			prev = id;
		}
	}
	nfpe_maps_destroy(m);
}

static void test_memory(void)
{
	/* 64 reserved bytes + 1024 bytes of values. */
	struct nfpe_maps *m = new_maps(64 + 1024, 16);
	uint32_t a, b, c, d2;
	uint32_t key = 0;

	g_assert_cmpuint(nfpe_maps_used(m), ==, 0);
	a = mk(m, NFPE_BPF_MAP_ARRAY, 4, 8, 32, 0);		/* 256 */
	g_assert_cmpuint(nfpe_maps_used(m), ==, 256);
	g_assert_cmpuint(nfpe_map_prog_lookup(m, a, &key, 0), ==, 64);
	b = mk(m, NFPE_BPF_MAP_HASH, 4, 3, 32, 0);		/* 256 */
	c = mk(m, NFPE_BPF_MAP_PERCPU_ARRAY, 4, 8, 8, 0);	/* 256 */
	g_assert_cmpuint(nfpe_maps_used(m), ==, 768);
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_ARRAY, 4, 8, 33, 0), ==,
			-NFPE_ENOMEM);
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_ARRAY, 4, 8, 0x40000000u, 0),
			==, -NFPE_ENOMEM);
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_HASH, 4, 1u << 20, 1, 0), ==,
			-NFPE_ENOMEM);
	/* Free the middle region: a 512-byte map still does not fit ... */
	g_assert_cmpint(nfpe_map_free(m, b), ==, 0);
	g_assert_cmpuint(nfpe_maps_used(m), ==, 512);
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_ARRAY, 4, 8, 64, 0), ==,
			-NFPE_ENOMEM);
	/* ... until the neighbour goes too: the gaps coalesce. */
	g_assert_cmpint(nfpe_map_free(m, c), ==, 0);
	d2 = mk(m, NFPE_BPF_MAP_ARRAY, 4, 8, 96, 0);		/* 768 */
	g_assert_cmpuint(nfpe_maps_used(m), ==, 1024);
	key = 0;
	g_assert_cmpuint(nfpe_map_prog_lookup(m, d2, &key, 0), ==, 64 + 256);
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_ARRAY, 4, 1, 1, 0), ==,
			-NFPE_ENOMEM);
	g_assert_cmpint(nfpe_map_free(m, a), ==, 0);
	/* First fit: the hole at the bottom is used. */
	a = mk(m, NFPE_BPF_MAP_ARRAY, 4, 1, 1, 0);
	g_assert_cmpuint(nfpe_map_prog_lookup(m, a, &key, 0), ==, 64);
	g_assert_cmpuint(nfpe_maps_used(m), ==, 768 + 8);
	nfpe_maps_destroy(m);

	/* Map memory smaller than the reserved area: nothing fits. */
	m = new_maps(32, 4);
	g_assert_cmpint(try_mk(m, NFPE_BPF_MAP_ARRAY, 4, 1, 1, 0), ==,
			-NFPE_ENOMEM);
	nfpe_maps_destroy(m);
}

/* A program overwriting all of map memory cannot confuse the engine. */
static void test_hostile_scribble(void)
{
	struct nfpe_maps *m = new_maps(MEM_BYTES, 8);
	uint32_t h = mk(m, NFPE_BPF_MAP_LRU_HASH, 8, 16, 100, 0);
	uint32_t ar = mk(m, NFPE_BPF_MAP_ARRAY, 4, 16, 100, 0);
	uint8_t key[8] = { 0 }, v[16] = { 0 }, nk[8];
	uint32_t i, size, n = 0;
	uint8_t *mem = nfpe_maps_mem(m, &size);
	GRand *r = g_rand_new_with_seed(1);

	for (i = 0; i < 100; i++) {
		le32(key, i);
		g_assert_cmpint(nfpe_map_update(m, h, key, v, 0), ==, 0);
	}
	for (i = 0; i < size; i++)
		mem[i] = g_rand_int(r);
	for (i = 0; i < 100; i++) {
		le32(key, i);
		g_assert_cmpuint(nfpe_map_prog_lookup(m, h, key, 0), !=, 0);
		g_assert_cmpuint(nfpe_map_prog_lookup(m, ar, key, 0), !=, 0);
	}
	g_assert_cmpint(nfpe_map_get_next(m, h, NULL, nk), ==, 0);
	do
		n++;
	while (nfpe_map_get_next(m, h, nk, nk) == 0);
	g_assert_cmpuint(n, ==, 100);
	for (i = 100; i < 300; i++) {
		le32(key, i);
		g_assert_cmpint(nfpe_map_update(m, h, key, v, 0), ==, 0);
	}
	g_rand_free(r);
	nfpe_maps_destroy(m);
}

/* ---- Randomized against a reference model -------------------------- */

struct ref_model {
	GHashTable *tab;	/* key (guint) -> value (guint64) */
	GQueue *lru;		/* most recent at head: GUINT keys */
};

static void ref_touch(struct ref_model *r, guint k)
{
	g_queue_remove(r->lru, GUINT_TO_POINTER(k));
	g_queue_push_head(r->lru, GUINT_TO_POINTER(k));
}

static void run_random(uint32_t type, uint32_t max_entries, uint32_t keys,
		       uint32_t ops, uint32_t seed)
{
	struct nfpe_maps *m = new_maps(MEM_BYTES, 4);
	uint32_t id = mk(m, type, 4, 8, max_entries, 0);
	int lru = type == NFPE_BPF_MAP_LRU_HASH;
	struct ref_model r = {
		g_hash_table_new_full(NULL, NULL, NULL, g_free),
		g_queue_new(),
	};
	GRand *rnd = g_rand_new_with_seed(seed);
	uint32_t i, size;
	uint8_t *mem = nfpe_maps_mem(m, &size);

	for (i = 0; i < ops; i++) {
		guint k = g_rand_int_range(rnd, 0, keys);
		guint64 v = g_rand_int(rnd) | (guint64)i << 32, out;
		guint64 *have = g_hash_table_lookup(r.tab, GUINT_TO_POINTER(k + 1));
		uint32_t key = GUINT32_TO_LE(k), flags, addr;
		int op = g_rand_int_range(rnd, 0, 10), got, want;

		switch (op) {
		case 0: case 1: case 2: case 3:		/* update */
			flags = g_rand_int_range(rnd, 0, 4);
			if (flags == 3)
				want = -NFPE_EINVAL;
			else if (have && flags == NFPE_MAP_NOEXIST)
				want = -NFPE_EEXIST;
			else if (!have && flags == NFPE_MAP_EXIST)
				want = -NFPE_ENOENT;
			else if (!have && !lru &&
				 g_hash_table_size(r.tab) >= max_entries)
				want = -NFPE_E2BIG;
			else
				want = 0;
			if (op == 3)
				got = nfpe_map_prog_update(m, id, &key, &v,
							   flags, 0);
			else
				got = nfpe_map_update(m, id, &key, &v, flags);
			g_assert_cmpint(got, ==, want);
			if (want)
				break;
			if (!have && lru &&
			    g_hash_table_size(r.tab) >= max_entries) {
				gpointer victim = g_queue_pop_tail(r.lru);

				g_hash_table_remove(r.tab, GUINT_TO_POINTER(
						    GPOINTER_TO_UINT(victim) + 1));
			}
			g_hash_table_insert(r.tab, GUINT_TO_POINTER(k + 1),
					    g_memdup2(&v, 8));
			if (lru)
				ref_touch(&r, k);
			break;
		case 4: case 5:				/* host lookup */
			got = nfpe_map_lookup(m, id, &key, &out);
			g_assert_cmpint(got, ==, have ? 0 : -NFPE_ENOENT);
			if (have)
				g_assert_cmphex(out, ==, *have);
			break;
		case 6: case 7:				/* program lookup */
			addr = nfpe_map_prog_lookup(m, id, &key, 0);
			if (!have) {
				g_assert_cmpuint(addr, ==, 0);
				break;
			}
			g_assert_cmpuint(addr, >=, 64);
			g_assert_cmpuint(addr + 8, <=, size);
			g_assert_cmphex(u64_at(mem + addr), ==, *have);
			if (lru)
				ref_touch(&r, k);
			/* The program writes through the pointer. */
			if (g_rand_boolean(rnd)) {
				memcpy(mem + addr, &v, 8);
				*have = v;
			}
			break;
		case 8:					/* delete */
			got = g_rand_boolean(rnd) ?
			      nfpe_map_delete(m, id, &key) :
			      nfpe_map_prog_delete(m, id, &key);
			g_assert_cmpint(got, ==, have ? 0 : -NFPE_ENOENT);
			if (have) {
				g_hash_table_remove(r.tab,
						    GUINT_TO_POINTER(k + 1));
				g_queue_remove(r.lru, GUINT_TO_POINTER(k));
			}
			break;
		case 9: {				/* full dump */
			uint32_t nk, n = 0;
			int err = nfpe_map_get_next(m, id, NULL, &nk);

			while (!err) {
				g_assert_true(g_hash_table_contains(
					r.tab, GUINT_TO_POINTER(
						GUINT32_FROM_LE(nk) + 1)));
				n++;
				g_assert_cmpuint(n, <=, max_entries);
				err = nfpe_map_get_next(m, id, &nk, &nk);
			}
			g_assert_cmpint(err, ==, -NFPE_ENOENT);
			g_assert_cmpuint(n, ==, g_hash_table_size(r.tab));
			break;
		}
		}
	}
	g_rand_free(rnd);
	g_queue_free(r.lru);
	g_hash_table_destroy(r.tab);
	nfpe_maps_destroy(m);
}

static void test_random_hash(void)
{
	run_random(NFPE_BPF_MAP_HASH, 64, 100, 20000, 42);
	run_random(NFPE_BPF_MAP_HASH, 1000, 1500, 20000, 7);
}

static void test_random_lru(void)
{
	run_random(NFPE_BPF_MAP_LRU_HASH, 32, 80, 20000, 3);
	run_random(NFPE_BPF_MAP_LRU_HASH, 1, 4, 5000, 5);
}

/* Array against a plain C array. */
static void test_random_array(void)
{
	struct nfpe_maps *m = new_maps(MEM_BYTES, 4);
	const uint32_t n = 50;
	uint32_t id = mk(m, NFPE_BPF_MAP_ARRAY, 4, 8, n, 0);
	guint64 ref[50] = { 0 }, v, out;
	GRand *rnd = g_rand_new_with_seed(11);
	uint32_t i;

	for (i = 0; i < 20000; i++) {
		uint32_t k = g_rand_int_range(rnd, 0, n + 5), flags, nk;
		int want;

		v = g_rand_int(rnd);
		switch (g_rand_int_range(rnd, 0, 4)) {
		case 0:
			flags = g_rand_int_range(rnd, 0, 4);
			want = flags == 3 ? -NFPE_EINVAL : k >= n ?
			       -NFPE_E2BIG : flags == NFPE_MAP_NOEXIST ?
			       -NFPE_EEXIST : 0;
			g_assert_cmpint(nfpe_map_update(m, id, &k, &v, flags),
					==, want);
			if (!want)
				ref[k] = v;
			break;
		case 1:
			want = k < n ? 0 : -NFPE_ENOENT;
			g_assert_cmpint(nfpe_map_lookup(m, id, &k, &out), ==,
					want);
			if (!want)
				g_assert_cmphex(out, ==, ref[k]);
			break;
		case 2:
			g_assert_cmpint(nfpe_map_delete(m, id, &k), ==,
					-NFPE_EINVAL);
			break;
		case 3:
			want = k == n - 1 ? -NFPE_ENOENT : 0;
			g_assert_cmpint(nfpe_map_get_next(m, id, &k, &nk), ==,
					want);
			if (!want)
				g_assert_cmpuint(nk, ==, k >= n ? 0 : k + 1);
			break;
		}
	}
	g_rand_free(rnd);
	nfpe_maps_destroy(m);
}

/* ---- Quick measurement (-m perf) ----------------------------------- */

static void test_perf(void)
{
	struct nfpe_maps *m;
	uint32_t id, i, hits = 0;
	const uint32_t n = 65536, ops = 2000000;
	guint64 v = 1;
	gint64 t0, t1;

	if (!g_test_perf()) {
		g_test_skip("run with -m perf");
		return;
	}
	m = new_maps(16u << 20, 4);
	id = mk(m, NFPE_BPF_MAP_HASH, 16, 8, n, 0);
	for (i = 0; i < n; i++) {
		uint32_t key[4] = { i, i * 3, 7, 0 };

		g_assert_cmpint(nfpe_map_update(m, id, key, &v, 0), ==, 0);
	}
	t0 = g_get_monotonic_time();
	for (i = 0; i < ops; i++) {
		uint32_t k = (i * 2654435761u) & (2 * n - 1);
		uint32_t key[4] = { k, k * 3, 7, 0 };

		hits += nfpe_map_prog_lookup(m, id, key, 0) != 0;
	}
	t1 = g_get_monotonic_time();
	g_test_minimized_result((double)(t1 - t0) * 1000.0 / ops,
				"hash prog lookup (16-byte key, 50%% hits): "
				"%.1f ns/op, %.1f Mops/s", (t1 - t0) * 1000.0 /
				ops, ops / (double)(t1 - t0));
	g_assert_cmpuint(hits, >, 0);
	t0 = g_get_monotonic_time();
	for (i = 0; i < ops; i++) {
		uint32_t k = (i * 2654435761u) & (n - 1);
		uint32_t key[4] = { k, k * 3, 7, 0 };

		nfpe_map_prog_update(m, id, key, &v, NFPE_MAP_EXIST, 0);
	}
	t1 = g_get_monotonic_time();
	g_test_minimized_result((double)(t1 - t0) * 1000.0 / ops,
				"hash prog update: %.1f ns/op, %.1f Mops/s",
				(t1 - t0) * 1000.0 / ops,
				ops / (double)(t1 - t0));
	nfpe_maps_destroy(m);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/maps/create-errors", test_create_errors);
	g_test_add_func("/maps/hash/basic", test_hash_basic);
	g_test_add_func("/maps/hash/zeroed-insert", test_hash_zeroed_insert);
	g_test_add_func("/maps/hash/get-next", test_hash_get_next);
	g_test_add_func("/maps/array", test_array);
	g_test_add_func("/maps/percpu-array", test_percpu_array);
	g_test_add_func("/maps/percpu-hash", test_percpu_hash);
	g_test_add_func("/maps/lru", test_lru);
	g_test_add_func("/maps/ids-and-holds", test_ids_and_holds);
	g_test_add_func("/maps/memory", test_memory);
	g_test_add_func("/maps/hostile-scribble", test_hostile_scribble);
	g_test_add_func("/maps/random/hash", test_random_hash);
	g_test_add_func("/maps/random/lru", test_random_lru);
	g_test_add_func("/maps/random/array", test_random_array);
	g_test_add_func("/maps/perf", test_perf);
	return g_test_run();
}
