// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfp_ebpf: eBPF offload - the verifier hooks, the JIT, images on the
 * device's hooks and offloaded maps.
 *
 * A program loaded for one of our netdevs (prog_ifindex) is verified by
 * the kernel with our bpf_prog_offload_ops: prepare copies the
 * instructions, insn_hook records what the JIT must know about each one
 * (the pointer kind of every memory access, helper argument kinds,
 * 32-bit scalars), finalize checks the program with the JIT so that a
 * refusal lands in the verifier log, replace_insn/remove_insns follow the
 * verifier's dead-code rewrites, translate produces the image that
 * `bpftool prog dump jited` shows.  Attaching (XDP_SETUP_PROG_HW, or
 * cls_bpf through tc.c) loads the image with LOAD_IMAGE and swaps it in
 * with ATTACH.  Maps created with map_ifindex live on the device
 * (MAP_ALLOC) and are read and written with the MAP_* commands.
 *
 * docs/offload.md describes the path and every refusal message.
 */
#include <linux/kernel.h>
#include <linux/bpf.h>
#include <linux/bpf_verifier.h>
#include <linux/filter.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/dma-mapping.h>

#include "nfpe.h"
#include "nfpe_jit.h"
#include "facts.h"

/* Per-program state: prog->aux->offload->dev_priv. */
struct nfpe_bpf_prog {
	struct nfpe_dev *nn;
	const char *name;		/* prog->aux->name, the image's name */
	u32 type;			/* enum nfpe_prog_type */
	u32 n_insns;
	struct bpf_insn *insns;		/* the verifier's program, in step */
	struct nfpe_bpf_meta *meta;
	u32 n_subprogs;			/* 0: let the JIT derive the stack */
	u16 stack_depth[BPF_MAX_SUBPROGS];
	u8 *image;			/* translate's result */
	u32 image_len;
	u32 mc_insns;
	u32 n_maps;
	struct bpf_map *maps[MAX_USED_MAPS];	/* slot -> map */
};

/* An offloaded map: bpf_offloaded_map->dev_priv. */
struct nfpe_bpf_map {
	struct list_head node;		/* nn->bpf_maps */
	struct nfpe_dev *nn;
	struct bpf_offloaded_map *offmap;
	u32 map_id;			/* device handle, 0 if lost */
	/* contents kept across a reset the driver chose (rtnl) */
	u8 *saved;			/* n_saved (key, value) pairs */
	u32 n_saved;
};

/*
 * The offloaded map behind @map, or NULL (another device's, or a host map).
 * bpf_map_is_dev_bound() needs a symbol 6.1 does not export; our list is
 * stable under bpf_devs_lock (verifier, translate) or rtnl (attach).
 */
static struct nfpe_bpf_map *nfpe_find_map(struct nfpe_dev *nn,
					  const struct bpf_map *map)
{
	struct nfpe_bpf_map *nm;

	list_for_each_entry(nm, &nn->bpf_maps, node)
		if (&nm->offmap->map == map)
			return nm;
	return NULL;
}

static void *nfpe_jit_zalloc(void *opaque, size_t size)
{
	return kvzalloc(size, GFP_KERNEL);
}

static void nfpe_jit_free(void *opaque, void *ptr)
{
	kvfree(ptr);
}

static const struct nfpe_jit_alloc nfpe_jit_alloc = {
	.alloc = nfpe_jit_zalloc,
	.free = nfpe_jit_free,
};

/* extack keeps a pointer to its message: one static string per reason */
static const char * const nfpe_image_err_msgs[] = {
#define NFPE_X_NAME(e, s) \
	[NFPE_IMG_E_##e] = KBUILD_MODNAME ": device refused the image: " s,
	NFPE_IMAGE_ERRORS(NFPE_X_NAME)
#undef NFPE_X_NAME
};

/* verifier log lines, printed by ip/tc/bpftool when a load fails */
#define nfpe_vlog(env, fmt, ...) \
	bpf_verifier_log_write(env, "nfp-ebpf: " fmt "\n", ##__VA_ARGS__)

static struct nfpe_bpf_prog *nfpe_bpf_prog_of(struct bpf_prog *prog)
{
	return prog->aux->offload ? prog->aux->offload->dev_priv : NULL;
}

/* ---- verifier hooks ------------------------------------------------ */

static int nfpe_bpf_insn_hook(struct bpf_verifier_env *env, int insn_idx,
			      int prev_insn_idx)
{
	struct nfpe_bpf_prog *bp = env->prog->aux->offload->dev_priv;
	struct bpf_reg_state *regs = cur_regs(env);
	struct nfpe_facts_refusal why = {};
	const struct bpf_insn *insn;

	if (insn_idx < 0 || (u32)insn_idx >= bp->n_insns) {
		nfpe_vlog(env, "insn %d outside the driver's copy (%u insns)",
			  insn_idx, bp->n_insns);
		return -EINVAL;
	}
	insn = &bp->insns[insn_idx];

	switch (nfpe_facts_record(&bp->meta[insn_idx], insn, regs, &why)) {
	case NFPE_FACTS_OK:
		break;
	case NFPE_FACTS_BAD_PTR:
		nfpe_vlog(env,
			  "insn %d: device cannot access memory through a %s pointer (r%d)",
			  insn_idx, nfpe_reg_type_name(&regs[why.reg]),
			  why.reg);
		return -EOPNOTSUPP;
	default:
		nfpe_vlog(env,
			  "insn %d: %s is a %s pointer on one path and a %s pointer on another; the device needs one address space per instruction",
			  insn_idx, why.what, nfpe_ptr_name(why.old_kind),
			  nfpe_ptr_name(why.kind));
		return -EOPNOTSUPP;
	}

	/* a map argument must be one of ours (or host-neutral) */
	if (insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == 0 &&
	    base_type(regs[BPF_REG_1].type) == CONST_PTR_TO_MAP &&
	    regs[BPF_REG_1].map_ptr &&
	    !nfpe_find_map(bp->nn, regs[BPF_REG_1].map_ptr) &&
	    !bpf_map_offload_neutral(regs[BPF_REG_1].map_ptr)) {
		nfpe_vlog(env, "insn %d: %s on a map not offloaded to this device",
			  insn_idx, nfpe_jit_helper_name(insn->imm));
		return -EOPNOTSUPP;
	}
	return 0;
}

static u64 nfpe_ldimm64_val(const struct bpf_insn *insn)
{
	return (u64)(u32)insn[0].imm | ((u64)(u32)insn[1].imm << 32);
}

static bool nfpe_is_map_ref(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW) &&
	       (insn->src_reg == BPF_PSEUDO_MAP_FD ||
		insn->src_reg == BPF_PSEUDO_MAP_IDX);
}

static void nfpe_caps_to_jit(struct nfpe_dev *nn, struct nfpe_jit_caps *c)
{
	const struct nfpe_caps *d = &nn->caps;

	/* what the device did not announce keeps the default */
	nfpe_jit_caps_default(c);
	c->code_store = d->code_store ?: c->code_store;
	c->stack_size = d->stack_size ?: c->stack_size;
	c->engines = d->engines ?: c->engines;
	c->map_types = d->map_types ?: c->map_types;
	c->max_maps = d->max_maps ?: c->max_maps;
	c->max_key = d->max_key ?: c->max_key;
	c->max_value = d->max_value ?: c->max_value;
	c->max_entries = d->max_entries ?: c->max_entries;
}

static u32 nfpe_count_subprogs(const struct bpf_insn *insns, u32 n_insns)
{
	u32 i, n = 1, j;
	u32 starts[BPF_MAX_SUBPROGS];

	for (i = 0; i < n_insns; i++) {
		const struct bpf_insn *in = &insns[i];
		u32 t;

		if (in->code != (BPF_JMP | BPF_CALL) ||
		    in->src_reg != BPF_PSEUDO_CALL)
			continue;
		t = i + 1 + in->imm;
		for (j = 1; j < n; j++)
			if (starts[j] == t)
				break;
		if (j == n) {
			if (n == BPF_MAX_SUBPROGS)
				return 0;
			starts[n++] = t;
		}
	}
	return n;
}

/*
 * Run the JIT core on @insns (bp->n_insns of them: the driver's copy, or a
 * variant of it).  With @env a refusal goes to the verifier log (what
 * `ip`/`bpftool` print); either way it is returned.
 */
static int nfpe_bpf_jit(struct nfpe_bpf_prog *bp, const struct bpf_insn *insns,
			struct bpf_verifier_env *env,
			struct nfpe_jit_result *res)
{
	struct nfpe_jit_insn_facts *facts;
	struct nfpe_jit_map *maps;
	struct nfpe_jit_caps caps;
	struct nfpe_jit_prog p = {};
	u32 i, s;
	int err;

	facts = kvcalloc(bp->n_insns, sizeof(*facts), GFP_KERNEL);
	maps = kcalloc(MAX_USED_MAPS, sizeof(*maps), GFP_KERNEL);
	if (!facts || !maps) {
		err = -ENOMEM;
		goto out;
	}
	bp->n_maps = 0;
	for (i = 0; i < bp->n_insns; i++) {
		const struct bpf_insn *in = &insns[i];
		const struct nfpe_bpf_meta *m = &bp->meta[i];
		struct bpf_map *map;

		facts[i].ptr = m->ptr;
		facts[i].arg_ptr[0] = m->arg_ptr[0];
		facts[i].arg_ptr[1] = m->arg_ptr[1];
		if (m->seen)
			facts[i].flags = NFPE_FACT_SEEN | m->k32;
		if (!nfpe_is_map_ref(in) || i + 1 >= bp->n_insns)
			continue;
		/* after the verifier, the immediate pair is the map pointer */
		map = (struct bpf_map *)(unsigned long)nfpe_ldimm64_val(in);
		for (s = 0; s < bp->n_maps; s++)
			if (bp->maps[s] == map)
				break;
		if (s == bp->n_maps) {
			if (s == MAX_USED_MAPS) {
				err = -E2BIG;
				goto out;
			}
			bp->maps[s] = map;
			maps[s].type = map->map_type;
			maps[s].key_size = map->key_size;
			maps[s].value_size = map->value_size;
			maps[s].max_entries = map->max_entries;
			bp->n_maps++;
		}
		facts[i].map_slot = s;
	}

	nfpe_caps_to_jit(bp->nn, &caps);
	p.insns = (const struct nfpe_bpf_insn *)insns;
	p.n_insns = bp->n_insns;
	p.facts = facts;
	p.prog_type = bp->type;
	p.name = bp->name;
	p.maps = maps;
	p.n_maps = bp->n_maps;
	if (bp->n_subprogs &&
	    bp->n_subprogs == nfpe_count_subprogs(insns, bp->n_insns)) {
		p.stack_depth = bp->stack_depth;
		p.n_stack_depth = bp->n_subprogs;
	}
	p.opts = NFPE_JIT_OPT_ALL;
	err = nfpe_jit_compile(&nfpe_jit_alloc, &caps, &p, res);
	if (err && env)
		nfpe_vlog(env, "%s", res->msg);
out:
	if (err == -ENOMEM && env && !res->msg[0])
		nfpe_vlog(env, "out of memory");
	if (err == -E2BIG && !res->msg[0] && env)
		nfpe_vlog(env, "the program uses more than %d maps",
			  MAX_USED_MAPS);
	kfree(maps);
	kvfree(facts);
	return err;
}

static int nfpe_bpf_finalize(struct bpf_verifier_env *env)
{
	struct nfpe_bpf_prog *bp = env->prog->aux->offload->dev_priv;
	struct nfpe_jit_result res = {};
	struct bpf_insn *live;
	u32 i;
	int err;

	bp->n_subprogs = 0;
	if (env->subprog_cnt <= BPF_MAX_SUBPROGS) {
		/* 8-byte frames, as the offline front end sizes them */
		for (i = 0; i < env->subprog_cnt; i++)
			bp->stack_depth[i] =
				round_up(env->subprog_info[i].stack_depth, 8);
		bp->n_subprogs = env->subprog_cnt;
	}
	/*
	 * The JIT's checks now, while the message reaches the log.  Code the
	 * verifier never reached is still there (it goes after finalize) and
	 * has no facts: the JIT sees it as exits, so that it asks nothing
	 * about it.
	 */
	live = kvmalloc_array(bp->n_insns, sizeof(*live), GFP_KERNEL);
	if (!live)
		return -ENOMEM;
	for (i = 0; i < bp->n_insns; i++) {
		live[i] = bp->insns[i];
		if (bp->meta[i].seen) {
			/* the second half of LD_IMM64 is never visited */
			if (live[i].code == (BPF_LD | BPF_IMM | BPF_DW) &&
			    i + 1 < bp->n_insns) {
				i++;
				live[i] = bp->insns[i];
			}
			continue;
		}
		live[i] = (struct bpf_insn)BPF_EXIT_INSN();
	}
	err = nfpe_bpf_jit(bp, live, env, &res);
	nfpe_jit_result_free(&nfpe_jit_alloc, &res);
	kvfree(live);
	return err;
}

static int nfpe_bpf_replace_insn(struct bpf_verifier_env *env, u32 off,
				 struct bpf_insn *insn)
{
	struct nfpe_bpf_prog *bp = env->prog->aux->offload->dev_priv;
	struct bpf_insn *cur;

	if (off >= bp->n_insns)
		return -EINVAL;
	cur = &bp->insns[off];
	/* the verifier only hard-wires branches: a jump stays a jump */
	if (BPF_CLASS(insn->code) != BPF_JMP ||
	    (BPF_CLASS(cur->code) != BPF_JMP &&
	     BPF_CLASS(cur->code) != BPF_JMP32)) {
		nfpe_vlog(env, "insn %u: unexpected rewrite %02x -> %02x",
			  off, cur->code, insn->code);
		return -EINVAL;
	}
	*cur = *insn;
	return 0;
}

static int nfpe_bpf_remove_insns(struct bpf_verifier_env *env, u32 off,
				 u32 cnt)
{
	struct nfpe_bpf_prog *bp = env->prog->aux->offload->dev_priv;
	u32 tail;

	if (off > bp->n_insns || cnt > bp->n_insns - off)
		return -EINVAL;
	tail = bp->n_insns - off - cnt;
	memmove(&bp->insns[off], &bp->insns[off + cnt],
		tail * sizeof(*bp->insns));
	memmove(&bp->meta[off], &bp->meta[off + cnt], tail * sizeof(*bp->meta));
	bp->n_insns -= cnt;
	return 0;
}

static int nfpe_bpf_prepare(struct bpf_prog *prog)
{
	struct bpf_prog_offload *offload = prog->aux->offload;
	struct nfpe_port *port = netdev_priv(offload->netdev);
	struct nfpe_bpf_prog *bp;

	bp = kzalloc(sizeof(*bp), GFP_KERNEL);
	if (!bp)
		return -ENOMEM;
	bp->nn = port->nn;
	bp->name = prog->aux->name;
	bp->type = prog->type == BPF_PROG_TYPE_XDP ? NFPE_PROG_XDP :
						     NFPE_PROG_TC;
	bp->n_insns = prog->len;
	bp->insns = kvmalloc_array(prog->len, sizeof(*prog->insnsi),
				   GFP_KERNEL);
	bp->meta = kvcalloc(prog->len, sizeof(*bp->meta), GFP_KERNEL);
	if (bp->insns)
		memcpy(bp->insns, prog->insnsi,
		       prog->len * sizeof(*prog->insnsi));
	if (!bp->insns || !bp->meta) {
		kvfree(bp->insns);
		kvfree(bp->meta);
		kfree(bp);
		return -ENOMEM;
	}
	offload->dev_priv = bp;
	return 0;
}

static void nfpe_bpf_free_image(struct bpf_prog *prog,
				struct nfpe_bpf_prog *bp)
{
	kvfree(bp->image);
	bp->image = NULL;
	bp->image_len = 0;
	prog->aux->offload->jited_image = NULL;
	prog->aux->offload->jited_len = 0;
}

static int nfpe_bpf_translate(struct bpf_prog *prog)
{
	struct nfpe_bpf_prog *bp = nfpe_bpf_prog_of(prog);
	struct nfpe_jit_result res = {};
	int err;

	if (!bp)
		return -EINVAL;
	nfpe_bpf_free_image(prog, bp);
	/* the verifier removed the code it never reached: all of it is live */
	err = nfpe_bpf_jit(bp, bp->insns, NULL, &res);
	if (err) {
		pr_warn_ratelimited("%s: program %s not translated: %s (%d)\n",
				    NFPE_DRV_NAME, prog->aux->name, res.msg,
				    err);
		nfpe_jit_result_free(&nfpe_jit_alloc, &res);
		return err;
	}
	bp->image = res.image;
	bp->image_len = res.image_len;
	bp->mc_insns = res.stats.mc_insns;
	prog->aux->offload->jited_image = bp->image;
	prog->aux->offload->jited_len = bp->image_len;
	return 0;
}

static void nfpe_bpf_destroy(struct bpf_prog *prog)
{
	struct nfpe_bpf_prog *bp = nfpe_bpf_prog_of(prog);

	if (!bp)
		return;
	nfpe_bpf_free_image(prog, bp);
	kvfree(bp->insns);
	kvfree(bp->meta);
	kfree(bp);
	prog->aux->offload->dev_priv = NULL;
}

static const struct bpf_prog_offload_ops nfpe_bpf_offload_ops = {
	.insn_hook	= nfpe_bpf_insn_hook,
	.finalize	= nfpe_bpf_finalize,
	.replace_insn	= nfpe_bpf_replace_insn,
	.remove_insns	= nfpe_bpf_remove_insns,
	.prepare	= nfpe_bpf_prepare,
	.translate	= nfpe_bpf_translate,
	.destroy	= nfpe_bpf_destroy,
};

/* ---- images on the device's hooks ---------------------------------- */

static int nfpe_bpf_unload(struct nfpe_dev *nn, u32 prog_id)
{
	struct nfpe_cmd_id req = { .id = cpu_to_le32(prog_id) };
	int err;

	err = nfpe_cmd_exec(nn, NFPE_CMD_UNLOAD, &req, sizeof(req), NULL, 0, 0);
	if (err < 0)
		dev_warn(&nn->pdev->dev, "cannot unload device program %u: %d\n",
			 prog_id, err);
	return err < 0 ? err : 0;
}

/* LOAD_IMAGE with the device map ids of this moment in the map table. */
static int nfpe_bpf_load(struct nfpe_port *port, struct nfpe_bpf_prog *bp,
			 u32 *prog_id, struct netlink_ext_ack *extack)
{
	struct nfpe_dev *nn = port->nn;
	struct device *dev = &nn->pdev->dev;
	struct nfpe_cmd_load_rsp rsp = {};
	struct nfpe_cmd_load req = {};
	struct nfpe_image_hdr *hdr;
	dma_addr_t dma;
	u32 i, n_maps, map_off;
	void *buf;
	int err;

	if (bp->image_len < sizeof(*hdr))
		return -EINVAL;
	buf = dma_alloc_coherent(dev, bp->image_len, &dma, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, bp->image, bp->image_len);
	hdr = buf;
	n_maps = le32_to_cpu(hdr->n_maps);
	map_off = le32_to_cpu(hdr->map_off);
	if (n_maps > bp->n_maps || map_off > bp->image_len ||
	    n_maps * sizeof(struct nfpe_image_map) > bp->image_len - map_off) {
		NL_SET_ERR_MSG_MOD(extack, "JIT image map table is inconsistent");
		err = -EINVAL;
		goto out;
	}
	for (i = 0; i < n_maps; i++) {
		struct nfpe_image_map *im = buf + map_off + i * sizeof(*im);
		struct nfpe_bpf_map *nm = nfpe_find_map(nn, bp->maps[i]);

		if (!nm || !READ_ONCE(nm->map_id)) {
			NL_SET_ERR_MSG_MOD(extack, "a map of the program is not on the device");
			err = -EOPNOTSUPP;
			goto out;
		}
		im->map_id = cpu_to_le32(READ_ONCE(nm->map_id));
	}
	req.image_addr = cpu_to_le64(dma);
	req.image_len = cpu_to_le32(bp->image_len);
	err = nfpe_cmd_exec(nn, NFPE_CMD_LOAD_IMAGE, &req, sizeof(req), &rsp,
			    sizeof(rsp), 0);
	if (err == -EINVAL) {
		u32 reason = le32_to_cpu(rsp.err_reason);
		u32 insn = le32_to_cpu(rsp.err_insn);

		if (reason >= ARRAY_SIZE(nfpe_image_err_msgs))
			reason = NFPE_IMG_E_OK;
		netdev_warn(port->netdev, "%s (insn %d, reason %u)\n",
			    nfpe_image_err_msgs[reason],
			    insn == U32_MAX ? -1 : (int)insn, reason);
		if (extack)
			extack->_msg = nfpe_image_err_msgs[reason];
		goto out;
	}
	if (err < 0) {
		NL_SET_ERR_MSG_MOD(extack, "device could not load the program");
		netdev_warn(port->netdev, "LOAD_IMAGE failed: %d\n", err);
		goto out;
	}
	*prog_id = le32_to_cpu(rsp.prog_id);
	err = *prog_id ? 0 : -EIO;
out:
	dma_free_coherent(dev, bp->image_len, buf, dma);
	return err;
}

static int nfpe_bpf_hook_cmd(struct nfpe_port *port, u32 hook, u32 prog_id)
{
	struct nfpe_cmd_attach req = {
		.port = cpu_to_le32(port->idx),
		.hook = cpu_to_le32(hook),
		.prog_id = cpu_to_le32(prog_id),
	};
	int err;

	err = nfpe_cmd_exec(port->nn, NFPE_CMD_ATTACH, &req, sizeof(req), NULL,
			    0, 0);
	return err < 0 ? err : 0;
}

/**
 * nfpe_offload_attach() - put a program on a hook of a port, or take it off
 * @port: the port
 * @hook: NFPE_HOOK_XDP or NFPE_HOOK_TC
 * @prog: an offloaded, translated program for this device, or NULL
 * @extack: where refusals go
 *
 * Loads an image of its own for this attachment, swaps it in atomically
 * (the device's ATTACH) and unloads the image it replaced.  Called with
 * rtnl held.  Taking a program off never fails.
 *
 * Return: 0 or a negative errno with @extack set.
 */
int nfpe_offload_attach(struct nfpe_port *port, u32 hook,
			struct bpf_prog *prog, struct netlink_ext_ack *extack)
{
	struct nfpe_port_offload *off = &port->offload;
	u32 old_id = off->prog_id[hook], new_id = 0;
	int err;

	ASSERT_RTNL();
	if (prog) {
		struct nfpe_bpf_prog *bp = nfpe_bpf_prog_of(prog);
		u32 want = hook == NFPE_HOOK_XDP ? NFPE_PROG_XDP : NFPE_PROG_TC;

		/* 6.1 leaves this check to the driver for XDP_SETUP_PROG_HW */
		if (!bpf_offload_dev_match(prog, port->netdev)) {
			NL_SET_ERR_MSG_MOD(extack, "program was loaded for another device");
			return -EINVAL;
		}
		if (!bp || bp->nn != port->nn || !bp->image) {
			NL_SET_ERR_MSG_MOD(extack, "program was not translated for this device");
			return -EINVAL;
		}
		if (bp->type != want) {
			NL_SET_ERR_MSG_MOD(extack, "program type does not match the hook");
			return -EINVAL;
		}
		err = nfpe_bpf_load(port, bp, &new_id, extack);
		if (err)
			return err;
	}
	if (new_id || old_id) {
		err = nfpe_bpf_hook_cmd(port, hook, new_id);
		if (err && prog) {
			NL_SET_ERR_MSG_MOD(extack, "device refused to attach the program");
			netdev_warn(port->netdev, "ATTACH hook %u prog %u: %d\n",
				    hook, new_id, err);
			nfpe_bpf_unload(port->nn, new_id);
			return err;
		}
		if (err)
			netdev_warn(port->netdev, "detaching hook %u: %d (the device keeps nothing we know of)\n",
				    hook, err);
	}
	if (old_id)
		nfpe_bpf_unload(port->nn, old_id);
	off->prog[hook] = prog;
	off->prog_id[hook] = new_id;
	return 0;
}

/**
 * nfpe_offload_prog_stats() - the device's counters of a hook's program
 * @port: the port
 * @hook: NFPE_HOOK_XDP or NFPE_HOOK_TC
 * @st: filled with runs, insns, cycles, errors (zeros when no program)
 *
 * PROG_STATS counts per device image; each attachment (and each reset
 * recovery) loads a new image, so the counts start at 0 then.  Called with
 * rtnl held (ethtool, tc).
 *
 * Return: 0, -ENOENT when nothing is attached, or the command's error.
 */
int nfpe_offload_prog_stats(struct nfpe_port *port, u32 hook,
			    struct nfpe_prog_stats *st)
{
	struct nfpe_cmd_prog_stats rsp = {};
	struct nfpe_cmd_id req = {};
	u32 id;
	int ret;

	ASSERT_RTNL();
	memset(st, 0, sizeof(*st));
	id = hook < NFPE_HOOK_NUM ? port->offload.prog_id[hook] : 0;
	if (!id)
		return -ENOENT;
	req.id = cpu_to_le32(id);
	ret = nfpe_cmd_exec(port->nn, NFPE_CMD_PROG_STATS, &req, sizeof(req),
			    &rsp, sizeof(rsp), 0);
	if (ret < 0)
		return ret;
	if (ret < (int)sizeof(rsp))
		return -EIO;
	st->runs = le64_to_cpu(rsp.runs);
	st->insns = le64_to_cpu(rsp.insns);
	st->cycles = le64_to_cpu(rsp.cycles);
	st->errors = le64_to_cpu(rsp.errors);
	return 0;
}

/*
 * The stack hands us a reference on the new program and expects us to
 * drop the one of the program it replaces (as for native XDP); cls_bpf
 * keeps its own references.
 */
static int nfpe_xdp_setup_hw(struct nfpe_port *port, struct netdev_bpf *bpf)
{
	struct bpf_prog *old = port->offload.prog[NFPE_HOOK_XDP];
	int err;

	err = nfpe_offload_attach(port, NFPE_HOOK_XDP, bpf->prog,
				  bpf->extack);
	if (!err && old)
		bpf_prog_put(old);
	return err;
}

/* ---- offloaded maps ------------------------------------------------ */

/* One MAP_* command on device map @map_id (the map's sizes from @nm). */
static int nfpe_map_cmd_id(struct nfpe_bpf_map *nm, u32 map_id, u16 op,
			   u32 flags, const void *key, const void *value,
			   void *out, u32 out_len)
{
	struct bpf_map *map = &nm->offmap->map;
	struct nfpe_cmd_map_op *req;
	u32 klen = key ? map->key_size : 0;
	u32 vlen = value ? map->value_size : 0;
	int err;

	if (!map_id)
		return -ENODEV;
	req = kzalloc(sizeof(*req) + klen + vlen, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	req->map_id = cpu_to_le32(map_id);
	req->flags = cpu_to_le32(flags);
	if (klen)
		memcpy(req + 1, key, klen);
	if (vlen)
		memcpy((u8 *)(req + 1) + klen, value, vlen);
	err = nfpe_cmd_exec(nm->nn, op, req, sizeof(*req) + klen + vlen, out,
			    out_len, 0);
	kfree(req);
	if (err < 0)
		return err;
	if (out_len && (u32)err != out_len)
		return -EIO;
	return 0;
}

static int nfpe_map_cmd(struct nfpe_bpf_map *nm, u16 op, u32 flags,
			const void *key, const void *value, void *out,
			u32 out_len)
{
	return nfpe_map_cmd_id(nm, READ_ONCE(nm->map_id), op, flags, key,
			       value, out, out_len);
}

static int nfpe_map_get_next_key(struct bpf_offloaded_map *offmap, void *key,
				 void *next_key)
{
	struct nfpe_bpf_map *nm = offmap->dev_priv;

	return nfpe_map_cmd(nm, NFPE_CMD_MAP_GETNEXT, key ? 0 : NFPE_MAP_FIRST,
			    key, NULL, next_key, offmap->map.key_size);
}

static int nfpe_map_lookup_elem(struct bpf_offloaded_map *offmap, void *key,
				void *value)
{
	return nfpe_map_cmd(offmap->dev_priv, NFPE_CMD_MAP_LOOKUP, 0, key,
			    NULL, value, offmap->map.value_size);
}

static int nfpe_map_update_elem(struct bpf_offloaded_map *offmap, void *key,
				void *value, u64 flags)
{
	if (flags > BPF_EXIST)
		return -EINVAL;
	return nfpe_map_cmd(offmap->dev_priv, NFPE_CMD_MAP_UPDATE, (u32)flags,
			    key, value, NULL, 0);
}

static int nfpe_map_delete_elem(struct bpf_offloaded_map *offmap, void *key)
{
	return nfpe_map_cmd(offmap->dev_priv, NFPE_CMD_MAP_DELETE, 0, key, NULL,
			    NULL, 0);
}

static const struct bpf_map_dev_ops nfpe_map_dev_ops = {
	.map_get_next_key	= nfpe_map_get_next_key,
	.map_lookup_elem	= nfpe_map_lookup_elem,
	.map_update_elem	= nfpe_map_update_elem,
	.map_delete_elem	= nfpe_map_delete_elem,
};

static int nfpe_map_dev_alloc(struct nfpe_dev *nn, struct bpf_map *map,
			      u32 *map_id)
{
	struct nfpe_cmd_map_alloc req = {
		.type = cpu_to_le32(map->map_type),
		.key_size = cpu_to_le32(map->key_size),
		.value_size = cpu_to_le32(map->value_size),
		.max_entries = cpu_to_le32(map->max_entries),
	};
	struct nfpe_cmd_id rsp = {};
	int err;

	err = nfpe_cmd_exec(nn, NFPE_CMD_MAP_ALLOC, &req, sizeof(req), &rsp,
			    sizeof(rsp), 0);
	if (err < 0)
		return err;
	*map_id = le32_to_cpu(rsp.id);
	return *map_id ? 0 : -EIO;
}

static int nfpe_map_alloc(struct nfpe_port *port,
			  struct bpf_offloaded_map *offmap)
{
	struct nfpe_dev *nn = port->nn;
	struct bpf_map *map = &offmap->map;
	struct nfpe_jit_caps caps;
	struct nfpe_bpf_map *nm;
	u32 op_len;
	int err;

	nfpe_caps_to_jit(nn, &caps);
	if (map->map_type >= 32 || !(caps.map_types & BIT(map->map_type))) {
		netdev_warn(port->netdev, "map offload: map type %s not supported by the device\n",
			    nfpe_jit_map_type_name(map->map_type));
		return -EOPNOTSUPP;
	}
	if (map->key_size > caps.max_key) {
		netdev_warn(port->netdev, "map offload: key size %u exceeds the device limit %u\n",
			    map->key_size, caps.max_key);
		return -E2BIG;
	}
	if (map->value_size > caps.max_value) {
		netdev_warn(port->netdev, "map offload: value size %u exceeds the device limit %u\n",
			    map->value_size, caps.max_value);
		return -E2BIG;
	}
	if (map->max_entries > caps.max_entries) {
		netdev_warn(port->netdev, "map offload: %u entries exceed the device limit %u\n",
			    map->max_entries, caps.max_entries);
		return -E2BIG;
	}
	op_len = sizeof(struct nfpe_cmd_map_op) + map->key_size +
		 map->value_size;
	if (op_len > nn->cmd_buf_len - sizeof(struct nfpe_cmd_hdr)) {
		netdev_warn(port->netdev, "map offload: key and value (%u bytes) do not fit the %u-byte command buffer\n",
			    map->key_size + map->value_size, nn->cmd_buf_len);
		return -E2BIG;
	}
	if (nn->bpf_map_count >= caps.max_maps) {
		netdev_warn(port->netdev, "map offload: the device holds at most %u maps\n",
			    caps.max_maps);
		return -ENOSPC;
	}

	nm = kzalloc(sizeof(*nm), GFP_KERNEL);
	if (!nm)
		return -ENOMEM;
	nm->nn = nn;
	nm->offmap = offmap;
	err = nfpe_map_dev_alloc(nn, map, &nm->map_id);
	if (err) {
		netdev_warn(port->netdev, "map offload: MAP_ALLOC failed: %d\n",
			    err);
		kfree(nm);
		return err;
	}
	offmap->dev_ops = &nfpe_map_dev_ops;
	offmap->dev_priv = nm;
	list_add_tail(&nm->node, &nn->bpf_maps);
	nn->bpf_map_count++;
	return 0;
}

static int nfpe_map_free(struct bpf_offloaded_map *offmap)
{
	struct nfpe_bpf_map *nm = offmap->dev_priv;
	struct nfpe_cmd_id req = {};
	int err;

	if (!nm)
		return 0;
	if (nm->map_id) {
		req.id = cpu_to_le32(nm->map_id);
		err = nfpe_cmd_exec(nm->nn, NFPE_CMD_MAP_FREE, &req,
				    sizeof(req), NULL, 0, 0);
		if (err < 0)
			dev_warn(&nm->nn->pdev->dev, "MAP_FREE of device map %u: %d\n",
				 nm->map_id, err);
	}
	list_del(&nm->node);
	nm->nn->bpf_map_count--;
	kvfree(nm->saved);
	offmap->dev_priv = NULL;
	kfree(nm);
	/* the kernel cannot do anything about a failure: never report one */
	return 0;
}

/* ---- ndo_bpf, registration, recovery -------------------------------- */

int nfpe_offload_ndo_bpf(struct nfpe_port *port, struct netdev_bpf *bpf)
{
	switch (bpf->command) {
	case XDP_SETUP_PROG_HW:
		return nfpe_xdp_setup_hw(port, bpf);
	case BPF_OFFLOAD_MAP_ALLOC:
		return nfpe_map_alloc(port, bpf->offmap);
	case BPF_OFFLOAD_MAP_FREE:
		return nfpe_map_free(bpf->offmap);
	default:
		return -EINVAL;
	}
}

int nfpe_offload_init(struct nfpe_dev *nn)
{
	INIT_LIST_HEAD(&nn->bpf_maps);
	nn->bpf_dev = bpf_offload_dev_create(&nfpe_bpf_offload_ops, nn);
	if (IS_ERR(nn->bpf_dev)) {
		int err = PTR_ERR(nn->bpf_dev);

		nn->bpf_dev = NULL;
		return err;
	}
	return 0;
}

void nfpe_offload_fini(struct nfpe_dev *nn)
{
	/* every map was freed with the last port's netdev */
	WARN_ON_ONCE(!list_empty(&nn->bpf_maps));
	if (nn->bpf_dev)
		bpf_offload_dev_destroy(nn->bpf_dev);
	nn->bpf_dev = NULL;
}

int nfpe_offload_port_register(struct nfpe_port *port)
{
	return bpf_offload_dev_netdev_register(port->nn->bpf_dev,
					       port->netdev);
}

/*
 * Under rtnl, after unregister_netdevice(): the stack detached every
 * program (XDP and tc), so the images are unloaded; the kernel now
 * destroys the programs and frees the maps still bound to this netdev (or
 * moves them to another port of the device).
 */
void nfpe_offload_port_unregister(struct nfpe_port *port)
{
	u32 h;

	/* the stack detached XDP and tc while unregistering the netdev */
	for (h = 0; h < NFPE_HOOK_NUM; h++)
		WARN_ON_ONCE(port->offload.prog[h]);
	bpf_offload_dev_netdev_unregister(port->nn->bpf_dev, port->netdev);
}

/*
 * Read every entry of device map @id (GETNEXT from the first key, LOOKUP)
 * into nm->saved.  Nothing runs on the map meanwhile: the ports are
 * stopped and the map's id is hidden from the host's bpf() calls.
 */
static int nfpe_map_save(struct nfpe_bpf_map *nm, u32 id)
{
	struct bpf_map *map = &nm->offmap->map;
	u32 ksz = map->key_size, esz = ksz + map->value_size;
	u32 n = 0, cap = 0;
	u8 *buf = NULL, *e;
	int err;

	for (;;) {
		if (n == cap) {
			u32 ncap = min_t(u32, cap ? 2 * cap : 64,
					 map->max_entries + 1);
			u8 *nbuf;

			nbuf = kvrealloc(buf, (size_t)cap * esz,
					 (size_t)ncap * esz, GFP_KERNEL);
			if (!nbuf) {
				err = -ENOMEM;
				goto fail;
			}
			buf = nbuf;
			cap = ncap;
		}
		e = buf + (size_t)n * esz;
		err = nfpe_map_cmd_id(nm, id, NFPE_CMD_MAP_GETNEXT,
				      n ? 0 : NFPE_MAP_FIRST,
				      n ? e - esz : NULL, NULL, e, ksz);
		if (err == -ENOENT)
			break;
		if (!err)
			err = nfpe_map_cmd_id(nm, id, NFPE_CMD_MAP_LOOKUP, 0, e,
					      NULL, e + ksz, map->value_size);
		if (err)
			goto fail;
		/* a device that never says ENOENT must not keep us here */
		if (++n > map->max_entries) {
			err = -EIO;
			goto fail;
		}
	}
	nm->saved = buf;
	nm->n_saved = n;
	return 0;
fail:
	kvfree(buf);
	return err;
}

/**
 * nfpe_offload_save() - keep the offloaded maps' contents over a reset
 * @nn: the device, working, its ports stopped (no program runs)
 *
 * For a reset the driver chooses while the device works (debugfs reset):
 * the contents are read now and written back by nfpe_offload_recover().
 * Each map's id is hidden from here on, so that a host update cannot land
 * in the old map after it was read (it fails with ENODEV until the map is
 * back).  A map that cannot be read comes back empty, as after a fault.
 * Called with rtnl held.
 */
void nfpe_offload_save(struct nfpe_dev *nn)
{
	struct nfpe_bpf_map *nm;

	ASSERT_RTNL();
	list_for_each_entry(nm, &nn->bpf_maps, node) {
		u32 id = READ_ONCE(nm->map_id);
		int err;

		kvfree(nm->saved);
		nm->saved = NULL;
		nm->n_saved = 0;
		if (!id)
			continue;
		WRITE_ONCE(nm->map_id, 0);
		err = nfpe_map_save(nm, id);
		if (err)
			dev_warn(&nn->pdev->dev, "reset: cannot read offloaded map %u: %d\n",
				 nm->offmap->map.id, err);
	}
}

/* Write the saved entries into the new device map @id; free them. */
static int nfpe_map_restore(struct nfpe_bpf_map *nm, u32 id)
{
	struct bpf_map *map = &nm->offmap->map;
	u32 ksz = map->key_size, esz = ksz + map->value_size, i;
	int err = 0;

	for (i = 0; i < nm->n_saved && !err; i++) {
		u8 *e = nm->saved + (size_t)i * esz;

		err = nfpe_map_cmd_id(nm, id, NFPE_CMD_MAP_UPDATE, BPF_ANY, e,
				      e + ksz, NULL, 0);
	}
	kvfree(nm->saved);
	nm->saved = NULL;
	nm->n_saved = 0;
	return err;
}

/**
 * nfpe_offload_recover() - rebuild the offload state after a device reset
 * @nn: the device
 *
 * The reset freed every map and unloaded every image.  Maps are allocated
 * again, with the contents nfpe_offload_save() kept if it ran (else
 * empty, as the log says), and the programs that were attached are
 * loaded and attached again.  Called with rtnl held.
 */
void nfpe_offload_recover(struct nfpe_dev *nn)
{
	struct nfpe_bpf_map *nm;
	u32 i, h;

	ASSERT_RTNL();
	list_for_each_entry(nm, &nn->bpf_maps, node) {
		u32 id = 0, n = nm->n_saved;
		bool kept = !!nm->saved;
		int err = nfpe_map_dev_alloc(nn, &nm->offmap->map, &id);

		if (err) {
			dev_warn(&nn->pdev->dev, "reset: offloaded map %u lost: %d\n",
				 nm->offmap->map.id, err);
			id = 0;
		} else if (kept) {
			err = nfpe_map_restore(nm, id);
			if (err)
				dev_warn(&nn->pdev->dev, "reset: offloaded map %u only partly restored: %d\n",
					 nm->offmap->map.id, err);
			else
				dev_info(&nn->pdev->dev, "reset: offloaded map %u restored (%u entries)\n",
					 nm->offmap->map.id, n);
		} else {
			dev_warn(&nn->pdev->dev, "reset: offloaded map %u re-created empty\n",
				 nm->offmap->map.id);
		}
		kvfree(nm->saved);
		nm->saved = NULL;
		nm->n_saved = 0;
		WRITE_ONCE(nm->map_id, id);
	}
	for (i = 0; i < nn->num_ports; i++) {
		struct nfpe_port *port = nn->ports[i];

		if (!port)
			continue;
		for (h = 0; h < NFPE_HOOK_NUM; h++) {
			struct bpf_prog *prog = port->offload.prog[h];
			int err;

			/* the device forgot the old image: nothing to unload */
			port->offload.prog_id[h] = 0;
			if (!prog)
				continue;
			/* on failure it stays ours (prog_id 0) until detached */
			err = nfpe_offload_attach(port, h, prog, NULL);
			if (err)
				netdev_warn(port->netdev, "reset: offloaded program %s not restored: %d\n",
					    prog->aux->name, err);
		}
	}
}
