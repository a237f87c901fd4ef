/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpe_cmd.c - the command interface (hw.h "Command interface").
 *
 * The driver writes a request into its DMA command buffer and rings
 * NFPE_REG_CMD_DOORBELL; the device executes it synchronously, writes the
 * header (result, rsp_len) and the response back into the same buffer,
 * updates NFPE_REG_CMD_DONE and raises NFPE_IRQ_CMD_DONE on vector 0.
 *
 * Every length in a request is checked against the request and the
 * buffer before it is used.  A malformed request (short, flags set,
 * reserved fields set, unknown op) completes with -EINVAL (-EOPNOTSUPP
 * for an unknown op), counts dev_bad_command and latches NFPE_ERR_CMD.
 * Semantic failures (no such map, key not found, program attached, image
 * refused by the validator) return their errno without latching.
 */
#include "nfpe_core.h"

#define NFPE_HDR_LEN	((uint32_t)sizeof(struct nfpe_cmd_hdr))

struct nfpe_cmd_ctx {
	uint16_t op;
	const uint8_t *req;	/* payload after the header */
	uint32_t req_len;
	uint8_t *rsp;		/* payload after the header */
	uint32_t rsp_max;
	uint32_t rsp_len;
};

static int nfpe_cmd_bad(struct nfpe_core *core, struct nfpe_cmd_ctx *c,
			const char *why)
{
	core->dcnt[NFPE_DC_BAD_CMD]++;
	nfpe_core_error(core, NFPE_ERR_CMD, c->op,
			"command %u malformed: %s", c->op, why);
	return -NFPE_EINVAL;
}

static bool nfpe_zero(const uint8_t *p, size_t n)
{
	while (n--) {
		if (*p++)
			return false;
	}
	return true;
}

/* ---- Programs ----------------------------------------------------- */

struct nfpe_loaded_prog *nfpe_cmd_find_prog(struct nfpe_core *core,
					    uint32_t id)
{
	uint32_t i;

	if (id == 0)
		return NULL;
	for (i = 0; i < core->props.max_progs; i++) {
		if (core->progs[i].prog && core->progs[i].id == id)
			return &core->progs[i];
	}
	return NULL;
}

void nfpe_cmd_reset(struct nfpe_core *core)
{
	uint32_t i;
	unsigned p, h;

	for (p = 0; p < NFPE_MAX_PORTS; p++) {
		for (h = 0; h < NFPE_HOOK_NUM; h++)
			__atomic_store_n(&core->port[p].hook[h], NULL,
					 __ATOMIC_RELEASE);
	}
	if (!core->progs)
		return;
	for (i = 0; i < core->props.max_progs; i++) {
		if (core->progs[i].prog)
			nfpe_prog_free(core->progs[i].prog);
		memset(&core->progs[i], 0, sizeof(core->progs[i]));
	}
	core->next_prog_id = 0;
}

static int nfpe_cmd_echo(struct nfpe_core *core, struct nfpe_cmd_ctx *c)
{
	uint32_t i;

	if (c->req_len > c->rsp_max)
		return nfpe_cmd_bad(core, c, "echo payload larger than buffer");
	for (i = 0; i < c->req_len; i++)
		c->rsp[i] = ~c->req[i];
	c->rsp_len = c->req_len;
	return 0;
}

static int nfpe_cmd_load(struct nfpe_core *core, struct nfpe_cmd_ctx *c)
{
	struct nfpe_verr verr;
	struct nfpe_prog *prog = NULL;
	struct nfpe_loaded_prog *slot = NULL;
	uint64_t addr;
	uint32_t len, i, id;
	uint8_t *image;
	int r;

	if (c->req_len < sizeof(struct nfpe_cmd_load))
		return nfpe_cmd_bad(core, c, "short LOAD_IMAGE");
	if (c->rsp_max < sizeof(struct nfpe_cmd_load_rsp))
		return nfpe_cmd_bad(core, c, "buffer too small for response");
	addr = nfpe_ld64(c->req);
	len = nfpe_ld32(c->req + 8);
	if (nfpe_ld32(c->req + 12))
		return nfpe_cmd_bad(core, c, "reserved field set");

	memset(&verr, 0, sizeof(verr));
	verr.insn = UINT32_MAX;
	c->rsp_len = sizeof(struct nfpe_cmd_load_rsp);
	memset(c->rsp, 0, c->rsp_len);
	nfpe_st32(c->rsp + 8, UINT32_MAX);

	if (len < sizeof(struct nfpe_image_hdr) || len > NFPE_IMAGE_MAX_BYTES) {
		nfpe_st32(c->rsp + 12, len > NFPE_IMAGE_MAX_BYTES ?
			  NFPE_IMG_E_TOO_BIG : NFPE_IMG_E_TRUNCATED);
		trace_nfpe_cmd_load(len, 0, -NFPE_EINVAL);
		return -NFPE_EINVAL;
	}
	for (i = 0; i < core->props.max_progs; i++) {
		if (!core->progs[i].prog) {
			slot = &core->progs[i];
			break;
		}
	}
	if (!slot)
		return -NFPE_ENOSPC;

	image = g_try_malloc(len);
	if (!image)
		return -NFPE_ENOMEM;
	if (!core->ops->dma_read(core->opaque, addr, image, len)) {
		g_free(image);
		core->dcnt[NFPE_DC_BAD_DMA]++;
		nfpe_core_error(core, NFPE_ERR_DMA_READ, 0xffff,
				"LOAD_IMAGE: image read at 0x%" PRIx64
				" len %u failed", addr, len);
		return -NFPE_EFAULT;
	}
	r = nfpe_prog_load(&core->alloc, &core->caps, core->maps, image, len,
			   &prog, &verr);
	g_free(image);
	if (r < 0 || !prog) {
		if (r >= 0)
			r = -NFPE_EINVAL;
		nfpe_st32(c->rsp + 8, verr.insn);
		nfpe_st32(c->rsp + 12, verr.code);
		nfpe_core_log(core, "nfp-ebpf: image refused (%d): %s\n", r,
			      verr.msg[0] ? verr.msg :
			      nfpe_image_err_str(verr.code));
		trace_nfpe_cmd_load(len, 0, r);
		return r;
	}
	/*
	 * engine=x86: run the program's x86-64 translation (same results,
	 * counts and cycles); one the translator refused stays on the
	 * interpreter, which is said once in the log
	 */
	if (core->props.exec == NFPE_EXEC_X86 &&
	    nfpe_prog_set_exec(prog, NFPE_EXEC_X86) < 0)
		nfpe_core_log(core, "nfp-ebpf: program of %u instructions runs "
			      "on the interpreter: %s\n",
			      nfpe_prog_insn_count(prog),
			      nfpe_prog_x86_status(prog));
	/* a nonzero id not in use */
	do {
		id = ++core->next_prog_id;
	} while (id == 0 || nfpe_cmd_find_prog(core, id));
	slot->id = id;
	slot->prog = prog;
	slot->type = nfpe_prog_type(prog);
	slot->attached = 0;
	nfpe_st32(c->rsp, id);
	nfpe_st32(c->rsp + 4, nfpe_prog_insn_count(prog));
	nfpe_st32(c->rsp + 8, 0);
	nfpe_st32(c->rsp + 12, NFPE_IMG_E_OK);
	trace_nfpe_cmd_load(len, id, 0);
	return 0;
}

static int nfpe_cmd_get_id(struct nfpe_core *core, struct nfpe_cmd_ctx *c,
			   uint32_t *id)
{
	if (c->req_len < sizeof(struct nfpe_cmd_id))
		return nfpe_cmd_bad(core, c, "short id payload");
	if (nfpe_ld32(c->req + 4))
		return nfpe_cmd_bad(core, c, "reserved field set");
	*id = nfpe_ld32(c->req);
	return 0;
}

static int nfpe_cmd_unload(struct nfpe_core *core, struct nfpe_cmd_ctx *c)
{
	struct nfpe_loaded_prog *lp;
	uint32_t id;
	int r = nfpe_cmd_get_id(core, c, &id);

	if (r)
		return r;
	lp = nfpe_cmd_find_prog(core, id);
	if (!lp)
		return -NFPE_ENOENT;
	if (lp->attached)
		return -NFPE_EBUSY;
	nfpe_prog_free(lp->prog);
	memset(lp, 0, sizeof(*lp));
	return 0;
}

static int nfpe_cmd_attach(struct nfpe_core *core, struct nfpe_cmd_ctx *c)
{
	struct nfpe_loaded_prog *lp = NULL, *old;
	uint32_t port, hook, id;
	static const uint32_t want[NFPE_HOOK_NUM] = {
		[NFPE_HOOK_XDP] = NFPE_PROG_XDP,
		[NFPE_HOOK_TC] = NFPE_PROG_TC,
	};

	if (c->req_len < sizeof(struct nfpe_cmd_attach))
		return nfpe_cmd_bad(core, c, "short ATTACH");
	port = nfpe_ld32(c->req);
	hook = nfpe_ld32(c->req + 4);
	id = nfpe_ld32(c->req + 8);
	if (nfpe_ld32(c->req + 12))
		return nfpe_cmd_bad(core, c, "reserved field set");
	if (port >= core->props.ports || hook >= NFPE_HOOK_NUM)
		return -NFPE_EINVAL;
	if (id) {
		lp = nfpe_cmd_find_prog(core, id);
		if (!lp)
			return -NFPE_ENOENT;
		if (lp->type != want[hook])
			return -NFPE_EINVAL;
	}
	old = core->port[port].hook[hook];
	if (lp)
		lp->attached++;
	/* One pointer store: a packet sees the old or the new program. */
	__atomic_store_n(&core->port[port].hook[hook], lp, __ATOMIC_RELEASE);
	if (old)
		old->attached--;
	trace_nfpe_cmd_attach(port, hook, id);
	return 0;
}

/* ---- Maps --------------------------------------------------------- */

/* Bytes of a value as the host sees it: per-CPU maps hold one
 * 8-byte-aligned value per core (as the kernel's syscall does). */
static uint32_t nfpe_host_value_size(struct nfpe_core *core,
				     const struct nfpe_map_decl *d)
{
	if (d->type == NFPE_BPF_MAP_PERCPU_HASH ||
	    d->type == NFPE_BPF_MAP_PERCPU_ARRAY)
		return ((d->value_size + 7) & ~7u) * core->props.cores;
	return d->value_size;
}

static int nfpe_cmd_map_alloc(struct nfpe_core *core, struct nfpe_cmd_ctx *c)
{
	struct nfpe_map_decl d;
	uint32_t id = 0;
	int r;

	if (c->req_len < sizeof(struct nfpe_cmd_map_alloc))
		return nfpe_cmd_bad(core, c, "short MAP_ALLOC");
	if (c->rsp_max < sizeof(struct nfpe_cmd_id))
		return nfpe_cmd_bad(core, c, "buffer too small for response");
	d.type = nfpe_ld32(c->req);
	d.key_size = nfpe_ld32(c->req + 4);
	d.value_size = nfpe_ld32(c->req + 8);
	d.max_entries = nfpe_ld32(c->req + 12);
	d.flags = nfpe_ld32(c->req + 16);
	if (nfpe_ld32(c->req + 20))
		return nfpe_cmd_bad(core, c, "reserved field set");
	r = nfpe_map_create(core->maps, &d, &id);
	trace_nfpe_cmd_map_alloc(d.type, d.key_size, d.value_size,
				 d.max_entries, id, r);
	if (r < 0)
		return r;
	nfpe_st32(c->rsp, id);
	nfpe_st32(c->rsp + 4, 0);
	c->rsp_len = sizeof(struct nfpe_cmd_id);
	return 0;
}

static int nfpe_cmd_map_free(struct nfpe_core *core, struct nfpe_cmd_ctx *c)
{
	uint32_t id;
	int r = nfpe_cmd_get_id(core, c, &id);

	if (r)
		return r;
	return nfpe_map_free(core->maps, id);
}

/* Common part of the MAP_* requests after MAP_ALLOC. */
struct nfpe_map_req {
	uint32_t map_id, flags, count;
	struct nfpe_map_decl d;
	uint32_t vsize;		/* host value size */
	const uint8_t *key;	/* NULL if none */
	const uint8_t *value;	/* NULL if none */
};

static int nfpe_cmd_map_parse(struct nfpe_core *core, struct nfpe_cmd_ctx *c,
			      struct nfpe_map_req *m, bool key, bool value,
			      uint32_t allowed_flags)
{
	uint32_t need = sizeof(struct nfpe_cmd_map_op);
	int r;

	if (c->req_len < need)
		return nfpe_cmd_bad(core, c, "short map request");
	m->map_id = nfpe_ld32(c->req);
	m->flags = nfpe_ld32(c->req + 4);
	m->count = nfpe_ld32(c->req + 8);
	if (nfpe_ld32(c->req + 12))
		return nfpe_cmd_bad(core, c, "reserved field set");
	if (m->flags & ~allowed_flags)
		return -NFPE_EINVAL;
	r = nfpe_map_info(core->maps, m->map_id, &m->d);
	if (r < 0)
		return r;
	m->vsize = nfpe_host_value_size(core, &m->d);
	m->key = m->value = NULL;
	if (key) {
		if ((uint64_t)need + m->d.key_size > c->req_len)
			return nfpe_cmd_bad(core, c, "key runs past request");
		m->key = c->req + need;
		need += m->d.key_size;
	}
	if (value) {
		if ((uint64_t)need + m->vsize > c->req_len)
			return nfpe_cmd_bad(core, c, "value runs past request");
		m->value = c->req + need;
	}
	return 0;
}

static int nfpe_cmd_map_lookup(struct nfpe_core *core, struct nfpe_cmd_ctx *c)
{
	struct nfpe_map_req m;
	int r = nfpe_cmd_map_parse(core, c, &m, true, false, 0);

	if (r)
		return r;
	if (m.vsize > c->rsp_max)
		return -NFPE_ENOSPC;
	r = nfpe_map_lookup(core->maps, m.map_id, m.key, c->rsp);
	if (r < 0)
		return r;
	c->rsp_len = m.vsize;
	return 0;
}

static int nfpe_cmd_map_update(struct nfpe_core *core, struct nfpe_cmd_ctx *c)
{
	struct nfpe_map_req m;
	int r = nfpe_cmd_map_parse(core, c, &m, true, true, 0xffffffffu);

	if (r)
		return r;
	if (m.flags > NFPE_MAP_EXIST)
		return -NFPE_EINVAL;
	return nfpe_map_update(core->maps, m.map_id, m.key, m.value, m.flags);
}

static int nfpe_cmd_map_delete(struct nfpe_core *core, struct nfpe_cmd_ctx *c)
{
	struct nfpe_map_req m;
	int r = nfpe_cmd_map_parse(core, c, &m, true, false, 0);

	if (r)
		return r;
	return nfpe_map_delete(core->maps, m.map_id, m.key);
}

static int nfpe_cmd_map_getnext(struct nfpe_core *core, struct nfpe_cmd_ctx *c)
{
	struct nfpe_map_req m;
	bool first;
	int r;

	if (c->req_len < 8)
		return nfpe_cmd_bad(core, c, "short map request");
	first = nfpe_ld32(c->req + 4) & NFPE_MAP_FIRST;
	r = nfpe_cmd_map_parse(core, c, &m, !first, false, NFPE_MAP_FIRST);
	if (r)
		return r;
	if (m.d.key_size > c->rsp_max)
		return -NFPE_ENOSPC;
	r = nfpe_map_get_next(core->maps, m.map_id, m.key, c->rsp);
	if (r < 0)
		return r;
	c->rsp_len = m.d.key_size;
	return 0;
}

/*
 * DUMP: as many key/value pairs as fit in the buffer (and at most count,
 * 0 = no limit) after struct nfpe_cmd_map_dump_rsp, starting after the
 * given key or at the first; more = 1 if entries remain.  An empty map
 * (or nothing after the key) returns count 0, more 0, result 0.
 */
static int nfpe_cmd_map_dump(struct nfpe_core *core, struct nfpe_cmd_ctx *c)
{
	struct nfpe_map_req m;
	uint32_t n = 0, more = 0, off = sizeof(struct nfpe_cmd_map_dump_rsp);
	uint32_t pair;
	uint8_t *cur = NULL, *next;
	bool first;
	int r;

	if (c->req_len < 8)
		return nfpe_cmd_bad(core, c, "short map request");
	first = nfpe_ld32(c->req + 4) & NFPE_MAP_FIRST;
	r = nfpe_cmd_map_parse(core, c, &m, !first, false, NFPE_MAP_FIRST);
	if (r)
		return r;
	if (c->rsp_max < off)
		return nfpe_cmd_bad(core, c, "buffer too small for response");
	pair = m.d.key_size + m.vsize;
	next = g_malloc0(MAX(m.d.key_size, 1));
	if (!first) {
		cur = g_malloc0(MAX(m.d.key_size, 1));
		memcpy(cur, m.key, m.d.key_size);
	}
	for (;;) {
		r = nfpe_map_get_next(core->maps, m.map_id, cur, next);
		if (r == -NFPE_ENOENT) {
			r = 0;
			break;
		}
		if (r < 0)
			break;
		if ((m.count && n == m.count) ||
		    (uint64_t)off + pair > c->rsp_max) {
			more = 1;
			break;
		}
		r = nfpe_map_lookup(core->maps, m.map_id, next,
				    c->rsp + off + m.d.key_size);
		if (r == 0) {
			memcpy(c->rsp + off, next, m.d.key_size);
			off += pair;
			n++;
		} else if (r != -NFPE_ENOENT) {
			break;
		}
		if (!cur)
			cur = g_malloc0(MAX(m.d.key_size, 1));
		memcpy(cur, next, m.d.key_size);
		r = 0;
	}
	g_free(cur);
	g_free(next);
	if (r < 0 && n == 0)
		return r;
	nfpe_st32(c->rsp, n);
	nfpe_st32(c->rsp + 4, more);
	c->rsp_len = off;
	return 0;
}

/* ---- Statistics --------------------------------------------------- */

static int nfpe_cmd_stats(struct nfpe_core *core, struct nfpe_cmd_ctx *c)
{
	uint32_t np = core->props.ports;
	uint64_t need = sizeof(struct nfpe_cmd_stats_rsp) +
			8ull * (NFPE_DC_NUM + (uint64_t)np * NFPE_PC_NUM);
	uint32_t off = sizeof(struct nfpe_cmd_stats_rsp);
	unsigned i, p;

	if (need > c->rsp_max)
		return -NFPE_ENOSPC;
	core->dcnt[NFPE_DC_MAP_BYTES] = nfpe_maps_used(core->maps);
	nfpe_st32(c->rsp, np);
	nfpe_st32(c->rsp + 4, NFPE_PC_NUM);
	nfpe_st32(c->rsp + 8, NFPE_DC_NUM);
	nfpe_st32(c->rsp + 12, 0);
	for (i = 0; i < NFPE_DC_NUM; i++, off += 8)
		nfpe_st64(c->rsp + off, core->dcnt[i]);
	for (p = 0; p < np; p++) {
		for (i = 0; i < NFPE_PC_NUM; i++, off += 8)
			nfpe_st64(c->rsp + off, core->port[p].cnt[i]);
	}
	c->rsp_len = off;
	return 0;
}

static int nfpe_cmd_prog_stats(struct nfpe_core *core, struct nfpe_cmd_ctx *c)
{
	struct nfpe_prog_counters pc;
	struct nfpe_loaded_prog *lp;
	uint32_t id;
	int r = nfpe_cmd_get_id(core, c, &id);

	if (r)
		return r;
	if (c->rsp_max < sizeof(struct nfpe_cmd_prog_stats))
		return nfpe_cmd_bad(core, c, "buffer too small for response");
	lp = nfpe_cmd_find_prog(core, id);
	if (!lp)
		return -NFPE_ENOENT;
	memset(&pc, 0, sizeof(pc));
	nfpe_prog_counters(lp->prog, &pc);
	nfpe_st64(c->rsp, pc.runs);
	nfpe_st64(c->rsp + 8, pc.insns);
	nfpe_st64(c->rsp + 16, pc.cycles);
	nfpe_st64(c->rsp + 24, pc.errors);
	c->rsp_len = sizeof(struct nfpe_cmd_prog_stats);
	return 0;
}

/* ---- Dispatch ----------------------------------------------------- */

static int nfpe_cmd_exec(struct nfpe_core *core, struct nfpe_cmd_ctx *c)
{
	switch (c->op) {
	case NFPE_CMD_ECHO:        return nfpe_cmd_echo(core, c);
	case NFPE_CMD_LOAD_IMAGE:  return nfpe_cmd_load(core, c);
	case NFPE_CMD_UNLOAD:      return nfpe_cmd_unload(core, c);
	case NFPE_CMD_ATTACH:      return nfpe_cmd_attach(core, c);
	case NFPE_CMD_MAP_ALLOC:   return nfpe_cmd_map_alloc(core, c);
	case NFPE_CMD_MAP_FREE:    return nfpe_cmd_map_free(core, c);
	case NFPE_CMD_MAP_LOOKUP:  return nfpe_cmd_map_lookup(core, c);
	case NFPE_CMD_MAP_UPDATE:  return nfpe_cmd_map_update(core, c);
	case NFPE_CMD_MAP_DELETE:  return nfpe_cmd_map_delete(core, c);
	case NFPE_CMD_MAP_GETNEXT: return nfpe_cmd_map_getnext(core, c);
	case NFPE_CMD_MAP_DUMP:    return nfpe_cmd_map_dump(core, c);
	case NFPE_CMD_STATS:       return nfpe_cmd_stats(core, c);
	case NFPE_CMD_PROG_STATS:  return nfpe_cmd_prog_stats(core, c);
	default:
		core->dcnt[NFPE_DC_BAD_CMD]++;
		nfpe_core_error(core, NFPE_ERR_CMD, c->op,
				"unknown command op %u", c->op);
		return -NFPE_EOPNOTSUPP;
	}
}

static void nfpe_cmd_complete(struct nfpe_core *core, uint32_t seq)
{
	core->cmd_done = seq;
	nfpe_core_raise_cause(core, NFPE_IRQ_CMD_DONE);
}

void nfpe_cmd_doorbell(struct nfpe_core *core, uint32_t seq)
{
	uint8_t hdr[sizeof(struct nfpe_cmd_hdr)];
	struct nfpe_cmd_ctx c;
	uint32_t buf_len = core->cmd_buf_len, len;
	uint8_t *req = NULL, *rsp = NULL;
	int result;

	if (core->cmd_hung) {
		trace_nfpe_cmd_ignored(seq);
		return;
	}
	core->dcnt[NFPE_DC_CMDS]++;
	if (buf_len < NFPE_HDR_LEN || buf_len > NFPE_CMD_BUF_MAX ||
	    core->cmd_addr + buf_len < core->cmd_addr) {
		core->dcnt[NFPE_DC_BAD_CMD]++;
		nfpe_core_error(core, NFPE_ERR_CMD, 0xffff,
				"command buffer length %u outside %u..%u",
				buf_len, NFPE_HDR_LEN, NFPE_CMD_BUF_MAX);
		nfpe_cmd_complete(core, seq);
		return;
	}
	if (!core->ops->dma_read(core->opaque, core->cmd_addr, hdr,
				 sizeof(hdr))) {
		core->dcnt[NFPE_DC_BAD_DMA]++;
		nfpe_core_error(core, NFPE_ERR_DMA_READ, 0xffff,
				"command buffer read at 0x%" PRIx64 " failed",
				core->cmd_addr);
		nfpe_cmd_complete(core, seq);
		return;
	}
	memset(&c, 0, sizeof(c));
	c.op = nfpe_ld16(hdr);
	len = nfpe_ld32(hdr + 4);
	trace_nfpe_cmd(seq, c.op, len);
	if (nfpe_ld32(hdr + 8) != seq)
		trace_nfpe_cmd_seq_mismatch(seq, nfpe_ld32(hdr + 8));

	if (core->fault & NFPE_FAULT_CMD_TIMEOUT) {
		core->fault &= ~NFPE_FAULT_CMD_TIMEOUT;
		core->cmd_hung = true;
		trace_nfpe_fault("cmd_timeout", seq);
		return;
	}

	rsp = g_malloc0(buf_len - NFPE_HDR_LEN + 1);
	c.rsp = rsp;
	c.rsp_max = buf_len - NFPE_HDR_LEN;
	if (len < NFPE_HDR_LEN || len > buf_len) {
		result = nfpe_cmd_bad(core, &c, "length outside the buffer");
	} else if (nfpe_ld16(hdr + 2) || !nfpe_zero(hdr + 20, 12)) {
		result = nfpe_cmd_bad(core, &c, "flags or reserved set");
	} else if (core->fault & NFPE_FAULT_CMD_ERROR) {
		core->fault &= ~NFPE_FAULT_CMD_ERROR;
		trace_nfpe_fault("cmd_error", seq);
		result = -NFPE_EIO;
	} else if (!(core->ctrl & NFPE_CTRL_ENABLE)) {
		core->dcnt[NFPE_DC_BAD_CMD]++;
		nfpe_core_error(core, NFPE_ERR_CMD, c.op,
				"command %u while NFPE_CTRL_ENABLE is clear",
				c.op);
		result = -NFPE_EIO;
	} else {
		req = g_malloc(len - NFPE_HDR_LEN + 1);
		if (!core->ops->dma_read(core->opaque,
					 core->cmd_addr + NFPE_HDR_LEN, req,
					 len - NFPE_HDR_LEN)) {
			core->dcnt[NFPE_DC_BAD_DMA]++;
			nfpe_core_error(core, NFPE_ERR_DMA_READ, 0xffff,
					"command payload read failed");
			result = -NFPE_EFAULT;
		} else {
			c.req = req;
			c.req_len = len - NFPE_HDR_LEN;
			result = nfpe_cmd_exec(core, &c);
		}
	}
	if (c.rsp_len > c.rsp_max)	/* cannot happen; never overrun */
		c.rsp_len = 0;

	nfpe_st32(hdr + 12, (uint32_t)result);
	nfpe_st32(hdr + 16, c.rsp_len);
	if (!core->ops->dma_write(core->opaque, core->cmd_addr, hdr,
				  sizeof(hdr)) ||
	    (c.rsp_len && !core->ops->dma_write(core->opaque,
						core->cmd_addr + NFPE_HDR_LEN,
						rsp, c.rsp_len))) {
		core->dcnt[NFPE_DC_BAD_DMA]++;
		nfpe_core_error(core, NFPE_ERR_DMA_WRITE, 0xffff,
				"command response write failed");
	}
	trace_nfpe_cmd_done(seq, c.op, result, c.rsp_len);
	g_free(req);
	g_free(rsp);
	nfpe_cmd_complete(core, seq);
}
