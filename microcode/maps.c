/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * maps.c - the device's map engine: HASH, ARRAY, PERCPU_HASH,
 * PERCPU_ARRAY and LRU_HASH with the Linux 6.1 semantics and error codes
 * (kernel/bpf/hashtab.c, kernel/bpf/arraymap.c).
 *
 * Memory model.  Device map memory (the MAP address space programs load
 * from and store to) holds map VALUES only.  Everything the engine needs
 * to stay consistent - bucket heads, hash chains, keys, LRU and free
 * lists, the allocator of map memory - lives in host-side structures a
 * program cannot address.  A hostile program can therefore scribble over
 * all of map memory and at worst corrupt values; the engine never reads
 * map memory for its own bookkeeping.
 *
 * Every map owns one contiguous, 8-byte aligned region of map memory,
 * allocated at create time (the kernel's preallocated maps do the same):
 * element i's value lives at base + i * stride.  stride is
 * round_up(value_size, 8), times the number of cores for per-CPU maps
 * (core c's copy at + c * round_up(value_size, 8)).  Regions are handed
 * out first-fit from a table kept sorted by address, so free space
 * coalesces by construction.  Addresses 0..63 are never a value: a
 * program lookup returns 0 for "no element".
 *
 * Hash maps: n_buckets = roundup_pow_of_two(max_entries) chains of
 * element indices, new elements at the chain head (as in the kernel),
 * a free list of unused elements.  get_next walks bucket by bucket, so a
 * dump with no concurrent update visits every key exactly once; an
 * unknown key restarts from the first key, as in the kernel.
 *
 * LRU_HASH keeps an exact recency list (the kernel's is an approximation
 * of the same policy): a program lookup and any successful update make an
 * element the most recent, host lookups and get_next do not (the kernel's
 * lookup_elem_sys_only does not set the reference bit either).  An insert
 * into a full LRU map evicts the least recently used element.
 *
 * Not thread safe: the caller serialises (the device runs its control
 * plane and datapath under one lock).
 */
#include "nfpe_mc.h"

#define NIL			0xffffffffu
#define MAP_MEM_RESERVED	64	/* addresses 0..63 are never values */
#define MAP_MAX_MAPS		65536
#define MAX_BPF_STACK		512	/* key_size limit of hash maps */
#define KMALLOC_MAX_SIZE	(1u << 22)
#define HTAB_ELEM_SIZE		48	/* sizeof(struct htab_elem), x86-64 */
#define PCPU_MIN_UNIT_SIZE	32768

/* Linux map_flags (include/uapi/linux/bpf.h). */
#define BPF_F_NO_PREALLOC	(1u << 0)
#define BPF_F_NO_COMMON_LRU	(1u << 1)
#define BPF_F_NUMA_NODE		(1u << 2)
#define BPF_F_RDONLY		(1u << 3)
#define BPF_F_WRONLY		(1u << 4)
#define BPF_F_ZERO_SEED		(1u << 6)
#define BPF_F_RDONLY_PROG	(1u << 7)
#define BPF_F_WRONLY_PROG	(1u << 8)
#define BPF_F_MMAPABLE		(1u << 10)
#define BPF_F_ACCESS_MASK	(BPF_F_RDONLY | BPF_F_WRONLY | \
				 BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)
#define HTAB_CREATE_FLAG_MASK	(BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU | \
				 BPF_F_NUMA_NODE | BPF_F_ACCESS_MASK | \
				 BPF_F_ZERO_SEED)
#define ARRAY_CREATE_FLAG_MASK	(BPF_F_NUMA_NODE | BPF_F_MMAPABLE | \
				 BPF_F_ACCESS_MASK)

struct map_region {
	uint32_t base;
	uint32_t size;
};

struct nfpe_map {
	uint32_t id;
	uint32_t type, key_size, value_size, max_entries, flags;
	uint32_t holds;
	uint8_t is_hash, percpu, lru;

	uint32_t base;		/* first byte of the region in map memory */
	uint32_t size;		/* region bytes */
	uint32_t vsize8;	/* round_up(value_size, 8) */
	uint32_t stride;	/* bytes per element */

	/* Hash maps only. */
	uint32_t seed;
	uint32_t mask;		/* n_buckets - 1 */
	uint32_t count;		/* elements in use */
	uint32_t free_head;	/* free list through next[] */
	uint32_t lru_head;	/* most recently used */
	uint32_t lru_tail;	/* least recently used: evicted first */
	uint32_t *buckets;	/* chain heads, NIL-terminated */
	uint32_t *next;		/* chain / free-list successor */
	uint32_t *hash;		/* full hash of each element's key */
	uint32_t *lru_prev;	/* LRU only */
	uint32_t *lru_next;
	uint8_t *keys;		/* max_entries * key_size */
};

struct nfpe_maps {
	struct nfpe_alloc a;
	uint8_t *mem;
	uint32_t mem_bytes;
	uint32_t max_maps;
	uint32_t id_stride;	/* power of two >= max_maps */
	uint32_t cores;
	uint32_t used;		/* bytes of map memory in regions */
	struct nfpe_map **slots;
	uint32_t *gen;		/* per slot, bumped on free: stale ids */
	struct map_region *regions;	/* sorted by base */
	uint32_t n_regions;
};

/* ---- Small helpers ------------------------------------------------ */

static void *zalloc(const struct nfpe_alloc *a, uint64_t size)
{
	if (size == 0)
		size = 1;
	if (size > (uint64_t)(size_t)-1)
		return NULL;
	return a->alloc(a->opaque, (size_t)size);
}

static void zfree(const struct nfpe_alloc *a, void *p)
{
	if (p)
		a->free(a->opaque, p);
}

static inline uint32_t ld_le32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 |
	       (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline uint64_t ld64(const uint8_t *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, 8);
	return v;
}

static inline uint64_t rotl64(uint64_t v, unsigned int s)
{
	return v << s | v >> (64 - s);
}

static inline uint64_t fmix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

/*
 * Key hash: 8 bytes per round, multiply-rotate-multiply per word and a
 * murmur3 finaliser; every key bit affects every hash bit.
 */
static uint32_t key_hash(const uint8_t *k, uint32_t len, uint32_t seed)
{
	uint64_t h = seed ^ (len * 0x9e3779b97f4a7c15ull);
	uint32_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w = ld64(k + i) * 0x87c37b91114253d5ull;

		w = rotl64(w, 31) * 0x4cf5ad432745937full;
		h = rotl64(h ^ w, 27) * 5 + 0x52dce729;
	}
	if (i < len) {
		uint64_t w = 0;

		__builtin_memcpy(&w, k + i, len - i);
		w *= 0x87c37b91114253d5ull;
		w = rotl64(w, 31) * 0x4cf5ad432745937full;
		h ^= w;
	}
	h = fmix64(h);
	return (uint32_t)(h ^ (h >> 32));
}

static inline int key_eq(const uint8_t *a, const uint8_t *b, uint32_t len)
{
	uint32_t i = 0;

	for (; i + 8 <= len; i += 8)
		if (ld64(a + i) != ld64(b + i))
			return 0;
	for (; i < len; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

static uint32_t roundup_pow2(uint32_t v)
{
	uint32_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

/* ---- Map memory allocator ----------------------------------------- */

/* First fit over the gaps between regions; 0 if nothing fits. */
static uint32_t region_alloc(struct nfpe_maps *m, uint64_t size)
{
	uint64_t cursor = MAP_MEM_RESERVED;
	uint32_t i, j;

	size = (size + 7) & ~(uint64_t)7;
	if (size == 0 || size > m->mem_bytes)
		return 0;
	for (i = 0; i < m->n_regions; i++) {
		if (m->regions[i].base - cursor >= size)
			break;
		cursor = (uint64_t)m->regions[i].base + m->regions[i].size;
	}
	if (i == m->n_regions && (cursor > m->mem_bytes ||
				  m->mem_bytes - cursor < size))
		return 0;
	for (j = m->n_regions; j > i; j--)
		m->regions[j] = m->regions[j - 1];
	m->regions[i].base = (uint32_t)cursor;
	m->regions[i].size = (uint32_t)size;
	m->n_regions++;
	m->used += (uint32_t)size;
	__builtin_memset(m->mem + cursor, 0, size);
	return (uint32_t)cursor;
}

static void region_free(struct nfpe_maps *m, uint32_t base)
{
	uint32_t i;

	for (i = 0; i < m->n_regions; i++) {
		if (m->regions[i].base == base) {
			m->used -= m->regions[i].size;
			for (; i + 1 < m->n_regions; i++)
				m->regions[i] = m->regions[i + 1];
			m->n_regions--;
			return;
		}
	}
}

/* ---- Engine -------------------------------------------------------- */

struct nfpe_maps *nfpe_maps_create(const struct nfpe_alloc *a,
				   uint32_t mem_bytes, uint32_t max_maps,
				   uint32_t cores)
{
	struct nfpe_maps *m;

	if (!a || !a->alloc || !a->free || max_maps == 0 ||
	    max_maps > MAP_MAX_MAPS || cores == 0 || cores > 4096)
		return NULL;
	m = zalloc(a, sizeof(*m));
	if (!m)
		return NULL;
	m->a = *a;
	m->mem_bytes = mem_bytes;
	m->max_maps = max_maps;
	m->id_stride = roundup_pow2(max_maps);
	m->cores = cores;
	m->mem = zalloc(a, mem_bytes);
	m->slots = zalloc(a, (uint64_t)max_maps * sizeof(*m->slots));
	m->gen = zalloc(a, (uint64_t)max_maps * sizeof(*m->gen));
	m->regions = zalloc(a, (uint64_t)max_maps * sizeof(*m->regions));
	if (!m->mem || !m->slots || !m->gen || !m->regions) {
		nfpe_maps_destroy(m);
		return NULL;
	}
	return m;
}

static void map_destroy(struct nfpe_maps *m, struct nfpe_map *map)
{
	const struct nfpe_alloc *a = &m->a;

	zfree(a, map->buckets);
	zfree(a, map->next);
	zfree(a, map->hash);
	zfree(a, map->lru_prev);
	zfree(a, map->lru_next);
	zfree(a, map->keys);
	zfree(a, map);
}

static void slot_release(struct nfpe_maps *m, uint32_t slot)
{
	struct nfpe_map *map = m->slots[slot];

	region_free(m, map->base);
	map_destroy(m, map);
	m->slots[slot] = NULL;
	/* Next id of this slot differs; wrap well below 2^31. */
	m->gen[slot]++;
	if ((uint64_t)(m->gen[slot] + 1) * m->id_stride > 0x7fffffffu)
		m->gen[slot] = 0;
}

void nfpe_maps_reset(struct nfpe_maps *m)
{
	uint32_t i;

	if (!m)
		return;
	for (i = 0; i < m->max_maps; i++)
		if (m->slots[i])
			slot_release(m, i);
	__builtin_memset(m->mem, 0, m->mem_bytes);
}

void nfpe_maps_destroy(struct nfpe_maps *m)
{
	if (!m)
		return;
	if (m->slots && m->mem && m->regions && m->gen)
		nfpe_maps_reset(m);
	zfree(&m->a, m->mem);
	zfree(&m->a, m->slots);
	zfree(&m->a, m->gen);
	zfree(&m->a, m->regions);
	zfree(&m->a, m);
}

uint8_t *nfpe_maps_mem(struct nfpe_maps *m, uint32_t *size)
{
	if (size)
		*size = m->mem_bytes;
	return m->mem;
}

uint32_t nfpe_maps_used(const struct nfpe_maps *m)
{
	return m->used;
}

static inline struct nfpe_map *map_get(const struct nfpe_maps *m,
				       uint32_t id)
{
	struct nfpe_map *map;
	uint32_t slot;

	if (id == 0)
		return NULL;
	slot = (id - 1) & (m->id_stride - 1);
	if (slot >= m->max_maps)
		return NULL;
	map = m->slots[slot];
	return map && map->id == id ? map : NULL;
}

/* Kernel map_alloc_check rules for the types we implement. */
static int decl_check(const struct nfpe_maps *m, const struct nfpe_map_decl *d)
{
	uint32_t f = d->flags;
	int percpu = d->type == NFPE_BPF_MAP_PERCPU_HASH ||
		     d->type == NFPE_BPF_MAP_PERCPU_ARRAY;

	if ((f & (BPF_F_RDONLY | BPF_F_WRONLY)) ==
	    (BPF_F_RDONLY | BPF_F_WRONLY) ||
	    (f & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)) ==
	    (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG))
		return -NFPE_EINVAL;

	switch (d->type) {
	case NFPE_BPF_MAP_HASH:
	case NFPE_BPF_MAP_PERCPU_HASH:
	case NFPE_BPF_MAP_LRU_HASH: {
		int lru = d->type == NFPE_BPF_MAP_LRU_HASH;

		if (f & ~HTAB_CREATE_FLAG_MASK)
			return -NFPE_EINVAL;
		if (!lru && (f & BPF_F_NO_COMMON_LRU))
			return -NFPE_EINVAL;
		/* Linux says -ENOTSUPP (524), which has no uapi number. */
		if (lru && (f & BPF_F_NO_PREALLOC))
			return -NFPE_EOPNOTSUPP;
		if (percpu && (f & BPF_F_NUMA_NODE))
			return -NFPE_EINVAL;
		if (d->max_entries == 0 || d->key_size == 0 ||
		    d->value_size == 0)
			return -NFPE_EINVAL;
		if (d->key_size > MAX_BPF_STACK)
			return -NFPE_E2BIG;
		if ((uint64_t)d->key_size + d->value_size >=
		    KMALLOC_MAX_SIZE - HTAB_ELEM_SIZE)
			return -NFPE_E2BIG;
		if (percpu && (((uint64_t)d->value_size + 7) & ~7ull) >
		    PCPU_MIN_UNIT_SIZE)
			return -NFPE_E2BIG;
		if (d->max_entries > 1u << 31)
			return -NFPE_E2BIG;
		break;
	}
	case NFPE_BPF_MAP_ARRAY:
	case NFPE_BPF_MAP_PERCPU_ARRAY:
		if (d->max_entries == 0 || d->key_size != 4 ||
		    d->value_size == 0 || (f & ~ARRAY_CREATE_FLAG_MASK) ||
		    (percpu && (f & BPF_F_NUMA_NODE)))
			return -NFPE_EINVAL;
		if (d->type != NFPE_BPF_MAP_ARRAY && (f & BPF_F_MMAPABLE))
			return -NFPE_EINVAL;
		if (d->value_size > 0x7fffffffu)
			return -NFPE_E2BIG;
		if (percpu && (((uint64_t)d->value_size + 7) & ~7ull) >
		    PCPU_MIN_UNIT_SIZE)
			return -NFPE_E2BIG;
		break;
	default:
		return -NFPE_EINVAL;
	}
	(void)m;
	return 0;
}

int nfpe_map_create(struct nfpe_maps *m, const struct nfpe_map_decl *d,
		    uint32_t *map_id)
{
	const struct nfpe_alloc *a = &m->a;
	struct nfpe_map *map;
	uint64_t region;
	uint32_t slot, i;
	int err;

	err = decl_check(m, d);
	if (err)
		return err;
	for (slot = 0; slot < m->max_maps; slot++)
		if (!m->slots[slot])
			break;
	if (slot == m->max_maps)
		return -NFPE_ENOSPC;

	map = zalloc(a, sizeof(*map));
	if (!map)
		return -NFPE_ENOMEM;
	map->type = d->type;
	map->key_size = d->key_size;
	map->value_size = d->value_size;
	map->max_entries = d->max_entries;
	map->flags = d->flags;
	map->is_hash = d->type == NFPE_BPF_MAP_HASH ||
		       d->type == NFPE_BPF_MAP_PERCPU_HASH ||
		       d->type == NFPE_BPF_MAP_LRU_HASH;
	map->percpu = d->type == NFPE_BPF_MAP_PERCPU_HASH ||
		      d->type == NFPE_BPF_MAP_PERCPU_ARRAY;
	map->lru = d->type == NFPE_BPF_MAP_LRU_HASH;
	map->vsize8 = (d->value_size + 7) & ~7u;

	region = (uint64_t)map->vsize8 * (map->percpu ? m->cores : 1);
	if (region > m->mem_bytes)
		goto nomem;
	map->stride = (uint32_t)region;
	region *= d->max_entries;
	if (region > m->mem_bytes)
		goto nomem;

	if (map->is_hash) {
		uint32_t n = d->max_entries;
		uint32_t nb = roundup_pow2(n);

		map->mask = nb - 1;
		map->buckets = zalloc(a, (uint64_t)nb * 4);
		map->next = zalloc(a, (uint64_t)n * 4);
		map->hash = zalloc(a, (uint64_t)n * 4);
		map->keys = zalloc(a, (uint64_t)n * d->key_size);
		if (!map->buckets || !map->next || !map->hash || !map->keys)
			goto nomem;
		if (map->lru) {
			map->lru_prev = zalloc(a, (uint64_t)n * 4);
			map->lru_next = zalloc(a, (uint64_t)n * 4);
			if (!map->lru_prev || !map->lru_next)
				goto nomem;
		}
		for (i = 0; i < nb; i++)
			map->buckets[i] = NIL;
		for (i = 0; i < n; i++)
			map->next[i] = i + 1 < n ? i + 1 : NIL;
		map->free_head = 0;
		map->lru_head = map->lru_tail = NIL;
	}

	map->base = region_alloc(m, region);
	if (!map->base)
		goto nomem;
	map->size = (uint32_t)((region + 7) & ~7ull);

	map->id = m->gen[slot] * m->id_stride + slot + 1;
	if (map->is_hash)
		map->seed = (d->flags & BPF_F_ZERO_SEED) ? 0 :
			(uint32_t)fmix64(0x6e667065ull << 32 | map->id);
	m->slots[slot] = map;
	*map_id = map->id;
	return 0;

nomem:
	map_destroy(m, map);
	return -NFPE_ENOMEM;
}

int nfpe_map_free(struct nfpe_maps *m, uint32_t map_id)
{
	struct nfpe_map *map = map_get(m, map_id);

	if (!map)
		return -NFPE_ENOENT;
	if (map->holds)
		return -NFPE_EBUSY;
	slot_release(m, (map_id - 1) & (m->id_stride - 1));
	return 0;
}

int nfpe_map_info(struct nfpe_maps *m, uint32_t map_id,
		  struct nfpe_map_decl *d)
{
	struct nfpe_map *map = map_get(m, map_id);

	if (!map)
		return -NFPE_ENOENT;
	d->type = map->type;
	d->key_size = map->key_size;
	d->value_size = map->value_size;
	d->max_entries = map->max_entries;
	d->flags = map->flags;
	return 0;
}

int nfpe_map_hold(struct nfpe_maps *m, uint32_t map_id)
{
	struct nfpe_map *map = map_get(m, map_id);

	if (!map)
		return -NFPE_ENOENT;
	if (map->holds == 0xffffffffu)
		return -NFPE_EBUSY;
	map->holds++;
	return 0;
}

void nfpe_map_release(struct nfpe_maps *m, uint32_t map_id)
{
	struct nfpe_map *map = map_get(m, map_id);

	if (map && map->holds)
		map->holds--;
}

/* ---- Hash internals ------------------------------------------------ */

static inline uint8_t *elem_key(const struct nfpe_map *map, uint32_t i)
{
	return map->keys + (uint64_t)i * map->key_size;
}

static inline uint32_t elem_addr(const struct nfpe_map *map, uint32_t i)
{
	return map->base + i * map->stride;
}

static inline uint32_t htab_find(const struct nfpe_map *map,
				 const uint8_t *key, uint32_t h)
{
	uint32_t i;

	for (i = map->buckets[h & map->mask]; i != NIL; i = map->next[i])
		if (map->hash[i] == h &&
		    key_eq(elem_key(map, i), key, map->key_size))
			return i;
	return NIL;
}

static void lru_unlink(struct nfpe_map *map, uint32_t i)
{
	uint32_t p = map->lru_prev[i], n = map->lru_next[i];

	if (p != NIL)
		map->lru_next[p] = n;
	else
		map->lru_head = n;
	if (n != NIL)
		map->lru_prev[n] = p;
	else
		map->lru_tail = p;
}

static void lru_push_front(struct nfpe_map *map, uint32_t i)
{
	map->lru_prev[i] = NIL;
	map->lru_next[i] = map->lru_head;
	if (map->lru_head != NIL)
		map->lru_prev[map->lru_head] = i;
	map->lru_head = i;
	if (map->lru_tail == NIL)
		map->lru_tail = i;
}

static inline void lru_touch(struct nfpe_map *map, uint32_t i)
{
	if (map->lru_head != i) {
		lru_unlink(map, i);
		lru_push_front(map, i);
	}
}

/* Remove element i (with hash h) from its chain. */
static void chain_unlink(struct nfpe_map *map, uint32_t i, uint32_t h)
{
	uint32_t *pp = &map->buckets[h & map->mask];

	while (*pp != i)
		pp = &map->next[*pp];
	*pp = map->next[i];
}

/* An element for a new key: a free one, or (LRU) the least recent. */
static uint32_t htab_alloc_elem(struct nfpe_map *map)
{
	uint32_t i = map->free_head;

	if (i != NIL) {
		map->free_head = map->next[i];
		map->count++;
		return i;
	}
	if (!map->lru || map->lru_tail == NIL)
		return NIL;
	i = map->lru_tail;
	lru_unlink(map, i);
	chain_unlink(map, i, map->hash[i]);
	return i;
}

enum val_src {
	VAL_HOST_ALL,	/* per-CPU: cores * vsize8 bytes, else value_size */
	VAL_CORE,	/* program: value_size bytes for one core */
};

/*
 * Store a value into the element at addr.  fresh: the element was just
 * inserted, so every byte not written here becomes zero.  The source may
 * lie in map memory (a program passing a map value): copy first, clear
 * afterwards, with memmove semantics.
 */
static void value_store(struct nfpe_maps *m, struct nfpe_map *map,
			uint32_t addr, const void *value, enum val_src src,
			uint32_t core, int fresh)
{
	uint8_t *p = m->mem + addr;
	uint32_t c;

	if (!map->percpu) {
		__builtin_memmove(p, value, map->value_size);
		if (fresh)
			__builtin_memset(p + map->value_size, 0,
					 map->vsize8 - map->value_size);
		return;
	}
	if (src == VAL_HOST_ALL) {
		for (c = 0; c < m->cores; c++)
			__builtin_memcpy(p + c * map->vsize8,
					 (const uint8_t *)value +
					 (uint64_t)c * map->vsize8,
					 map->vsize8);
		return;
	}
	__builtin_memmove(p + core * map->vsize8, value, map->value_size);
	if (!fresh)
		return;
	__builtin_memset(p + core * map->vsize8 + map->value_size, 0,
			 map->vsize8 - map->value_size);
	for (c = 0; c < m->cores; c++)
		if (c != core)
			__builtin_memset(p + c * map->vsize8, 0, map->vsize8);
}

static int htab_update(struct nfpe_maps *m, struct nfpe_map *map,
		       const void *key, const void *value, uint64_t flags,
		       enum val_src src, uint32_t core)
{
	uint32_t h = key_hash(key, map->key_size, map->seed);
	uint32_t i = htab_find(map, key, h);

	if (i != NIL) {
		if (flags == NFPE_MAP_NOEXIST)
			return -NFPE_EEXIST;
		value_store(m, map, elem_addr(map, i), value, src, core, 0);
		if (map->lru)
			lru_touch(map, i);
		return 0;
	}
	if (flags == NFPE_MAP_EXIST)
		return -NFPE_ENOENT;
	i = htab_alloc_elem(map);
	if (i == NIL)
		return -NFPE_E2BIG;
	__builtin_memcpy(elem_key(map, i), key, map->key_size);
	map->hash[i] = h;
	map->next[i] = map->buckets[h & map->mask];
	map->buckets[h & map->mask] = i;
	if (map->lru)
		lru_push_front(map, i);
	value_store(m, map, elem_addr(map, i), value, src, core, 1);
	return 0;
}

static int htab_delete(struct nfpe_map *map, const void *key)
{
	uint32_t h = key_hash(key, map->key_size, map->seed);
	uint32_t i = htab_find(map, key, h);

	if (i == NIL)
		return -NFPE_ENOENT;
	chain_unlink(map, i, h);
	if (map->lru)
		lru_unlink(map, i);
	map->next[i] = map->free_head;
	map->free_head = i;
	map->count--;
	return 0;
}

static int htab_get_next(const struct nfpe_map *map, const void *key,
			 void *next_key)
{
	uint32_t b = 0, i;

	if (key) {
		uint32_t h = key_hash(key, map->key_size, map->seed);

		i = htab_find(map, key, h);
		if (i != NIL) {
			if (map->next[i] != NIL) {
				__builtin_memcpy(next_key,
						 elem_key(map, map->next[i]),
						 map->key_size);
				return 0;
			}
			b = (h & map->mask) + 1;
		}
	}
	for (; b <= map->mask; b++) {
		i = map->buckets[b];
		if (i != NIL) {
			__builtin_memcpy(next_key, elem_key(map, i),
					 map->key_size);
			return 0;
		}
	}
	return -NFPE_ENOENT;
}

/* ---- Host-side operations ------------------------------------------ */

int nfpe_map_lookup(struct nfpe_maps *m, uint32_t map_id,
		    const void *key, void *value)
{
	struct nfpe_map *map = map_get(m, map_id);
	uint32_t addr;

	if (!map)
		return -NFPE_ENOENT;
	if (map->is_hash) {
		uint32_t h = key_hash(key, map->key_size, map->seed);
		uint32_t i = htab_find(map, key, h);

		if (i == NIL)
			return -NFPE_ENOENT;
		addr = elem_addr(map, i);
	} else {
		uint32_t idx = ld_le32(key);

		if (idx >= map->max_entries)
			return -NFPE_ENOENT;
		addr = elem_addr(map, idx);
	}
	if (map->percpu)
		__builtin_memcpy(value, m->mem + addr,
				 (uint64_t)map->vsize8 * m->cores);
	else
		__builtin_memcpy(value, m->mem + addr, map->value_size);
	return 0;
}

static int map_update(struct nfpe_maps *m, uint32_t map_id, const void *key,
		      const void *value, uint64_t flags, enum val_src src,
		      uint32_t core)
{
	struct nfpe_map *map = map_get(m, map_id);
	uint32_t idx;

	if (!map)
		return -NFPE_ENOENT;
	/* BPF_F_LOCK needs a bpf_spin_lock in the value: never here. */
	if (flags > NFPE_MAP_EXIST)
		return -NFPE_EINVAL;
	if (core >= m->cores)
		return -NFPE_EINVAL;
	if (map->is_hash)
		return htab_update(m, map, key, value, flags, src, core);
	idx = ld_le32(key);
	if (idx >= map->max_entries)
		return -NFPE_E2BIG;
	if (flags == NFPE_MAP_NOEXIST)
		return -NFPE_EEXIST;
	value_store(m, map, elem_addr(map, idx), value, src, core, 0);
	return 0;
}

int nfpe_map_update(struct nfpe_maps *m, uint32_t map_id,
		    const void *key, const void *value, uint32_t flags)
{
	return map_update(m, map_id, key, value, flags, VAL_HOST_ALL, 0);
}

int nfpe_map_delete(struct nfpe_maps *m, uint32_t map_id, const void *key)
{
	struct nfpe_map *map = map_get(m, map_id);

	if (!map)
		return -NFPE_ENOENT;
	if (!map->is_hash)
		return -NFPE_EINVAL;
	return htab_delete(map, key);
}

int nfpe_map_get_next(struct nfpe_maps *m, uint32_t map_id,
		      const void *key, void *next_key)
{
	struct nfpe_map *map = map_get(m, map_id);
	uint32_t idx, next;

	if (!map)
		return -NFPE_ENOENT;
	if (map->is_hash)
		return htab_get_next(map, key, next_key);
	idx = key ? ld_le32(key) : 0xffffffffu;
	if (idx >= map->max_entries) {
		next = 0;
	} else {
		if (idx == map->max_entries - 1)
			return -NFPE_ENOENT;
		next = idx + 1;
	}
	/* Little-endian, like every key the device sees. */
	((uint8_t *)next_key)[0] = (uint8_t)next;
	((uint8_t *)next_key)[1] = (uint8_t)(next >> 8);
	((uint8_t *)next_key)[2] = (uint8_t)(next >> 16);
	((uint8_t *)next_key)[3] = (uint8_t)(next >> 24);
	return 0;
}

/* ---- Program-side operations --------------------------------------- */

uint32_t nfpe_map_prog_lookup(struct nfpe_maps *m, uint32_t map_id,
			      const void *key, uint32_t core)
{
	struct nfpe_map *map = map_get(m, map_id);
	uint32_t addr;

	if (!map || core >= m->cores)
		return 0;
	if (map->is_hash) {
		uint32_t h = key_hash(key, map->key_size, map->seed);
		uint32_t i = htab_find(map, key, h);

		if (i == NIL)
			return 0;
		if (map->lru)
			lru_touch(map, i);
		addr = elem_addr(map, i);
	} else {
		uint32_t idx = ld_le32(key);

		if (idx >= map->max_entries)
			return 0;
		addr = elem_addr(map, idx);
	}
	if (map->percpu)
		addr += core * map->vsize8;
	return addr;
}

int nfpe_map_prog_update(struct nfpe_maps *m, uint32_t map_id,
			 const void *key, const void *value, uint64_t flags,
			 uint32_t core)
{
	return map_update(m, map_id, key, value, flags, VAL_CORE, core);
}

int nfpe_map_prog_delete(struct nfpe_maps *m, uint32_t map_id,
			 const void *key)
{
	return nfpe_map_delete(m, map_id, key);
}
