/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpe_core.c - nfp-ebpf device core: state, BAR0 registers, reset,
 * error latching and interrupt delivery (auto-mask / re-arm).
 *
 * Register semantics are those of include/nfpe/hw.h; docs/device.md
 * explains the choices hw.h leaves open.
 */
#include "nfpe_core.h"

/* ---- Helpers ------------------------------------------------------ */

static void *nfpe_core_alloc_fn(void *opaque, size_t size)
{
	return g_try_malloc0(size);
}

static void nfpe_core_free_fn(void *opaque, void *ptr)
{
	g_free(ptr);
}

static uint32_t nfpe_core_random(void *opaque)
{
	struct nfpe_core *core = opaque;
	uint64_t x = core->rng;

	/* xorshift64*: deterministic per device, good enough for programs */
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	core->rng = x;
	return (uint32_t)((x * 0x2545f4914f6cdd1dull) >> 32);
}

static uint64_t nfpe_core_ktime(void *opaque)
{
	struct nfpe_core *core = opaque;

	return core->ops->clock_ns(core->opaque);
}

void nfpe_core_log(struct nfpe_core *core, const char *fmt, ...)
{
	va_list ap;

	if (!core->ops->log_guest_error)
		return;
	va_start(ap, fmt);
	core->ops->log_guest_error(core->opaque, fmt, ap);
	va_end(ap);
}

void nfpe_props_default(struct nfpe_props *props)
{
	unsigned i;

	memset(props, 0, sizeof(*props));
	props->ports = NFPE_DEF_PORTS;
	props->queues = NFPE_DEF_QUEUES;
	props->cores = NFPE_DEF_CORES;
	props->threads = NFPE_DEF_THREADS;
	props->code_store = NFPE_DEF_CODE_STORE;
	props->map_memory = NFPE_DEF_MAP_MEMORY;
	props->clock_mhz = NFPE_DEF_CLOCK_MHZ;
	props->mtu_max = NFPE_DEF_MTU_MAX;
	props->insn_budget = NFPE_DEF_INSN_BUDGET;
	props->max_progs = NFPE_DEF_MAX_PROGS;
	for (i = 0; i < NFPE_MAX_PORTS; i++) {
		static const uint8_t base[6] = { 0x52, 0x54, 0x00, 0xf0, 0, 0 };

		memcpy(props->mac[i], base, 6);
		props->mac[i][5] = i;
	}
}

/* ---- Errors ------------------------------------------------------- */

void nfpe_core_error(struct nfpe_core *core, enum nfpe_err code,
		     uint32_t info, const char *fmt, ...)
{
	va_list ap;

	core->err_count++;
	core->dcnt[NFPE_DC_ERRORS]++;
	trace_nfpe_error(code, info);
	if (core->err_code == NFPE_ERR_NONE) {
		core->err_code = code;
		core->err_info = info;
	}
	if (core->ops->log_guest_error) {
		char *msg;

		va_start(ap, fmt);
		msg = g_strdup_vprintf(fmt, ap);
		va_end(ap);
		nfpe_core_log(core, "nfp-ebpf: %s\n", msg);
		g_free(msg);
	}
	nfpe_core_raise_cause(core, NFPE_IRQ_ERROR);
}

static void nfpe_core_bad_reg(struct nfpe_core *core, uint64_t addr,
			      const char *what, uint64_t val)
{
	core->dcnt[NFPE_DC_BAD_REG]++;
	nfpe_core_error(core, NFPE_ERR_BAD_REG, (uint32_t)addr,
			"%s register 0x%" PRIx64 " (value 0x%" PRIx64 ")",
			what, addr, val);
}

/* ---- Interrupts --------------------------------------------------- */

/*
 * Every vector auto-masks when it fires.  An event on a masked vector is
 * remembered (vec_pending) and delivered when the driver re-arms it.
 */
void nfpe_core_vector_fire(struct nfpe_core *core, unsigned vector)
{
	if (vector >= NFPE_MSIX_VECTORS)
		return;
	if (core->vec_masked[vector]) {
		core->vec_pending[vector] = true;
		trace_nfpe_irq_masked(vector);
		return;
	}
	core->vec_masked[vector] = true;
	core->vec_pending[vector] = false;
	if (core->fault & NFPE_FAULT_LOST_IRQ) {
		core->fault &= ~NFPE_FAULT_LOST_IRQ;
		trace_nfpe_fault("lost_irq", vector);
		return;
	}
	trace_nfpe_irq(vector);
	core->ops->msix_notify(core->opaque, vector);
}

static void nfpe_core_vector_arm(struct nfpe_core *core, unsigned vector)
{
	trace_nfpe_irq_arm(vector, core->vec_pending[vector]);
	core->vec_masked[vector] = false;
	if (core->vec_pending[vector])
		nfpe_core_vector_fire(core, vector);
}

/*
 * Vector 0 signals IRQ_CAUSE bits only while NFPE_CTRL_ENABLE is set, so
 * that events before the driver is ready (link changes at power-on, bad
 * register accesses while probing) do not leave the vector auto-masked.
 * Causes that accumulate meanwhile are signalled when ENABLE is set.
 */
void nfpe_core_raise_cause(struct nfpe_core *core, uint32_t cause)
{
	core->irq_cause |= cause;
	if (core->ctrl & NFPE_CTRL_ENABLE)
		nfpe_core_vector_fire(core, NFPE_VEC_CTRL);
}

/* ---- Reset -------------------------------------------------------- */

static void nfpe_core_port_reset(struct nfpe_core *core, unsigned p)
{
	struct nfpe_port *port = &core->port[p];
	unsigned h;

	for (h = 0; h < NFPE_HOOK_NUM; h++)
		port->hook[h] = NULL;
	port->ctrl = 0;
	port->mtu = MIN(NFPE_DEF_MTU, core->props.mtu_max);
	port->ifindex = 0;
	port->num_queues = 1;
	port->broken = false;
	memset(port->cnt, 0, sizeof(port->cnt));
	nfpe_rings_reset_port(core, p);
}

/*
 * Full reset (CTRL_RESET or bus reset): rings off, programs detached and
 * unloaded, maps freed, counters zeroed except dev_resets, error and
 * interrupt state cleared, STATUS_READY.  Link state is the backend's and
 * survives.
 */
void nfpe_core_full_reset(struct nfpe_core *core)
{
	uint64_t resets = core->dcnt[NFPE_DC_RESETS];
	unsigned i;

	trace_nfpe_reset();
	for (i = 0; i < NFPE_MAX_PORTS; i++)
		nfpe_core_port_reset(core, i);
	nfpe_cmd_reset(core);
	if (core->maps)
		nfpe_maps_reset(core->maps);
	for (i = 0; i < core->n_threads; i++) {
		nfpe_thread_init(&core->threads[i].t, i / core->props.threads,
				 i % core->props.threads);
		core->threads[i].packets = 0;
	}
	core->next_thread = 0;
	core->rng = 0x9e3779b97f4a7c15ull;

	memset(core->dcnt, 0, sizeof(core->dcnt));
	core->dcnt[NFPE_DC_RESETS] = resets + 1;
	core->ctrl = 0;
	core->err_code = NFPE_ERR_NONE;
	core->err_info = 0;
	core->err_count = 0;
	core->scratch = 0;
	core->cmd_addr = 0;
	core->cmd_buf_len = 0;
	core->cmd_done = 0;
	core->irq_cause = 0;
	core->fault = 0;
	core->cmd_hung = false;
	memset(core->vec_masked, 0, sizeof(core->vec_masked));
	memset(core->vec_pending, 0, sizeof(core->vec_pending));
	core->timer_deadline = UINT64_MAX;
	if (core->ops->timer_mod)
		core->ops->timer_mod(core->opaque, UINT64_MAX);
	core->status = NFPE_STATUS_READY;
}

void nfpe_core_reset(struct nfpe_core *core)
{
	nfpe_core_full_reset(core);
}

/* ---- Init / fini -------------------------------------------------- */

bool nfpe_core_init(struct nfpe_core *core, const struct nfpe_props *props,
		    const struct nfpe_core_ops *ops, void *opaque,
		    char **errmsg)
{
	uint32_t pkt_room;
	unsigned i;

	memset(core, 0, sizeof(*core));
	*errmsg = NULL;
	if (props->ports < 1 || props->ports > NFPE_MAX_PORTS) {
		*errmsg = g_strdup_printf("ports must be 1..%d", NFPE_MAX_PORTS);
		return false;
	}
	if (props->queues < 1 || props->queues > NFPE_MAX_QUEUES) {
		*errmsg = g_strdup_printf("queues must be 1..%d",
					  NFPE_MAX_QUEUES);
		return false;
	}
	if (props->cores < 1 || props->cores > NFPE_MAX_CORES ||
	    props->threads < 1 || props->threads > NFPE_MAX_THREADS) {
		*errmsg = g_strdup_printf("cores must be 1..%d, threads 1..%d",
					  NFPE_MAX_CORES, NFPE_MAX_THREADS);
		return false;
	}
	if (props->code_store < 1 || props->code_store > NFPE_MAX_CODE) {
		*errmsg = g_strdup_printf("code-store must be 1..%d",
					  NFPE_MAX_CODE);
		return false;
	}
	if (props->map_memory < 4096 ||
	    props->map_memory > NFPE_MAX_MAP_MEMORY) {
		*errmsg = g_strdup_printf("map-memory must be 4096..%u bytes",
					  NFPE_MAX_MAP_MEMORY);
		return false;
	}
	if (props->clock_mhz < 1 || props->clock_mhz > 10000) {
		*errmsg = g_strdup("clock-mhz must be 1..10000");
		return false;
	}
	pkt_room = NFPE_PKT_SIZE - NFPE_PKT_HEADROOM - 18;
	if (props->mtu_max < NFPE_MIN_MTU || props->mtu_max > pkt_room ||
	    props->mtu_max > 65535 - 18 - NFPE_META_BUF) {
		*errmsg = g_strdup_printf("mtu-max must be %d..%u",
					  NFPE_MIN_MTU, pkt_room);
		return false;
	}
	if (props->insn_budget < 1) {
		*errmsg = g_strdup("insn-budget must be >= 1");
		return false;
	}
	if (props->max_progs < 1 || props->max_progs > 1024) {
		*errmsg = g_strdup("max-progs must be 1..1024");
		return false;
	}
	/*
	 * The translator is switched on for the whole process: from now on
	 * every program loaded is also translated, and the programs of a
	 * device with exec = X86 run the translation (nfpe_cmd.c).
	 */
	if (props->exec == NFPE_EXEC_X86 && nfpe_x86jit_enable(1) < 0) {
		*errmsg = g_strdup("engine=x86 needs an x86-64 host");
		return false;
	}
	if (props->exec != NFPE_EXEC_INTERP && props->exec != NFPE_EXEC_X86) {
		*errmsg = g_strdup("engine must be interp or x86");
		return false;
	}

	core->props = *props;
	core->ops = ops;
	core->opaque = opaque;
	core->alloc.alloc = nfpe_core_alloc_fn;
	core->alloc.free = nfpe_core_free_fn;
	core->alloc.opaque = core;
	core->eng_ops.random = nfpe_core_random;
	core->eng_ops.ktime_ns = nfpe_core_ktime;
	core->eng_ops.opaque = core;

	nfpe_caps_from_props(core);

	core->maps = nfpe_maps_create(&core->alloc,
				      (uint32_t)props->map_memory,
				      core->caps.max_maps, props->cores);
	if (!core->maps) {
		*errmsg = g_strdup("cannot allocate the device map memory");
		return false;
	}
	core->env.maps = core->maps;
	core->env.ops = &core->eng_ops;
	core->env.caps = &core->caps;

	core->n_threads = props->cores * props->threads;
	core->threads = g_new0(struct nfpe_core_thread, core->n_threads);
	core->progs = g_new0(struct nfpe_loaded_prog, props->max_progs);
	core->frame_buf_len = NFPE_PKT_SIZE;
	core->frame_buf = g_malloc0(core->frame_buf_len);
	/* Links start up; the glue reports the backend's real state. */
	for (i = 0; i < NFPE_MAX_PORTS; i++)
		core->port[i].link_up = i < props->ports;

	nfpe_core_full_reset(core);
	core->dcnt[NFPE_DC_RESETS] = 0;	/* power-on is not a reset */
	return true;
}

void nfpe_core_fini(struct nfpe_core *core)
{
	nfpe_cmd_reset(core);
	if (core->maps)
		nfpe_maps_destroy(core->maps);
	core->maps = NULL;
	g_free(core->threads);
	core->threads = NULL;
	g_free(core->progs);
	core->progs = NULL;
	g_free(core->frame_buf);
	core->frame_buf = NULL;
}

/* ---- Timer -------------------------------------------------------- */

void nfpe_core_timer(struct nfpe_core *core)
{
	core->timer_deadline = UINT64_MAX;
	nfpe_rings_check_timers(core);
}

/* ---- Link --------------------------------------------------------- */

void nfpe_core_set_link(struct nfpe_core *core, unsigned port, bool up)
{
	if (port >= core->props.ports)
		return;
	if (core->port[port].link_up == up)
		return;
	core->port[port].link_up = up;
	trace_nfpe_link(port, up);
	nfpe_core_raise_cause(core, NFPE_IRQ_LINK);
	if (up && core->ops->net_flush)
		core->ops->net_flush(core->opaque, port);
}

/* ---- BAR0 --------------------------------------------------------- */

static uint32_t nfpe_core_status(struct nfpe_core *core)
{
	uint32_t st = core->status & NFPE_STATUS_READY;

	if (core->err_code != NFPE_ERR_NONE)
		st |= NFPE_STATUS_ERROR;
	if (core->cmd_hung)
		st |= NFPE_STATUS_CMD_BUSY;
	return st;
}

static bool nfpe_queue_reg_read(struct nfpe_core *core, unsigned p,
				unsigned q, uint32_t off, uint32_t *val)
{
	struct nfpe_queue *qu = &core->port[p].q[q];

	switch (off) {
	case NFPE_Q_TX_BASE_LO: *val = (uint32_t)qu->tx.base; break;
	case NFPE_Q_TX_BASE_HI: *val = (uint32_t)(qu->tx.base >> 32); break;
	case NFPE_Q_TX_SIZE:    *val = qu->tx.size; break;
	case NFPE_Q_TX_TAIL:    *val = qu->tx.tail; break;
	case NFPE_Q_TX_HEAD:    *val = qu->tx.head; break;
	case NFPE_Q_TX_VECTOR:  *val = qu->tx.vector; break;
	case NFPE_Q_RX_BASE_LO: *val = (uint32_t)qu->rx.base; break;
	case NFPE_Q_RX_BASE_HI: *val = (uint32_t)(qu->rx.base >> 32); break;
	case NFPE_Q_RX_SIZE:    *val = qu->rx.size; break;
	case NFPE_Q_RX_TAIL:    *val = qu->rx.tail; break;
	case NFPE_Q_RX_HEAD:    *val = qu->rx.head; break;
	case NFPE_Q_RX_VECTOR:  *val = qu->rx.vector; break;
	case NFPE_Q_IRQ_MOD_USECS: *val = qu->mod_usecs; break;
	case NFPE_Q_IRQ_MOD_PKTS:  *val = qu->mod_pkts; break;
	default:
		return false;
	}
	return true;
}

static bool nfpe_port_reg_read(struct nfpe_core *core, unsigned p,
			       uint32_t off, uint32_t *val)
{
	struct nfpe_port *port = &core->port[p];
	const uint8_t *mac = core->props.mac[p];

	if (off >= 0x100) {
		unsigned q = (off - 0x100) / 0x40;

		if (q >= core->props.queues)
			return false;
		return nfpe_queue_reg_read(core, p, q, (off - 0x100) % 0x40,
					   val);
	}
	switch (off) {
	case NFPE_PORT_CTRL:    *val = port->ctrl; break;
	case NFPE_PORT_STATUS:
		*val = port->link_up ? NFPE_PORT_STATUS_LINK : 0;
		break;
	case NFPE_PORT_MAC_LO:
		*val = mac[0] | mac[1] << 8 | mac[2] << 16 |
		       (uint32_t)mac[3] << 24;
		break;
	case NFPE_PORT_MAC_HI:  *val = mac[4] | mac[5] << 8; break;
	case NFPE_PORT_MTU:     *val = port->mtu; break;
	case NFPE_PORT_IFINDEX: *val = port->ifindex; break;
	case NFPE_PORT_NUM_QUEUES: *val = port->num_queues; break;
	default:
		return false;
	}
	return true;
}

uint64_t nfpe_core_mmio_read(struct nfpe_core *core, uint64_t addr,
			     unsigned size)
{
	uint32_t val = 0;
	bool ok = true;

	if (size != 4 || (addr & 3) || addr >= NFPE_CTRL_BAR_SIZE) {
		nfpe_core_bad_reg(core, addr, "bad-size read of", size);
		return 0;
	}
	if (addr >= NFPE_PORT_BASE(0)) {
		unsigned p = (addr - NFPE_PORT_BASE(0)) / 0x400;

		if (p < core->props.ports)
			ok = nfpe_port_reg_read(core, p,
						(addr - NFPE_PORT_BASE(0)) % 0x400,
						&val);
		else
			ok = false;
	} else if (addr >= NFPE_REG_VEC_ARM(0) &&
		   addr < NFPE_REG_VEC_ARM(NFPE_MSIX_VECTORS)) {
		val = 0;	/* write-only */
	} else if (addr >= NFPE_CAP_AREA &&
		   addr < NFPE_CAP_AREA + NFPE_CAP_AREA_SIZE) {
		val = nfpe_ld32(&core->cap_area[addr - NFPE_CAP_AREA]);
	} else {
		switch (addr) {
		case NFPE_REG_ID:       val = NFPE_ID_MAGIC; break;
		case NFPE_REG_ABI:
			val = nfpe_props_abi(&core->props);
			break;
		case NFPE_REG_CTRL:     val = core->ctrl; break;
		case NFPE_REG_STATUS:   val = nfpe_core_status(core); break;
		case NFPE_REG_ERR_CODE: val = core->err_code; break;
		case NFPE_REG_ERR_INFO: val = core->err_info; break;
		case NFPE_REG_ERR_COUNT: val = core->err_count; break;
		case NFPE_REG_ERR_ACK:  val = 0; break;
		case NFPE_REG_CAP_OFF:  val = NFPE_CAP_AREA; break;
		case NFPE_REG_CAP_LEN:  val = core->cap_len; break;
		case NFPE_REG_SCRATCH:  val = core->scratch; break;
		case NFPE_REG_IRQ_TEST: val = 0; break;
		case NFPE_REG_CMD_ADDR_LO: val = (uint32_t)core->cmd_addr; break;
		case NFPE_REG_CMD_ADDR_HI:
			val = (uint32_t)(core->cmd_addr >> 32);
			break;
		case NFPE_REG_CMD_BUF_LEN: val = core->cmd_buf_len; break;
		case NFPE_REG_CMD_DOORBELL: val = 0; break;
		case NFPE_REG_CMD_DONE: val = core->cmd_done; break;
		case NFPE_REG_IRQ_CAUSE: val = core->irq_cause; break;
		case NFPE_REG_NUM_PORTS: val = core->props.ports; break;
		case NFPE_REG_FAULT_INJECT:
			if (core->props.fault_inject)
				val = core->fault;
			else
				ok = false;
			break;
		default:
			ok = false;
			break;
		}
	}
	if (!ok) {
		nfpe_core_bad_reg(core, addr, "read of unknown", 0);
		return 0;
	}
	trace_nfpe_mmio_read(addr, val);
	return val;
}

static bool nfpe_ring_reg_locked(struct nfpe_core *core, unsigned p)
{
	return core->port[p].ctrl & NFPE_PORT_CTRL_ENABLE;
}

static bool nfpe_queue_reg_write(struct nfpe_core *core, unsigned p,
				 unsigned q, uint32_t off, uint32_t val,
				 uint64_t addr)
{
	struct nfpe_queue *qu = &core->port[p].q[q];
	struct nfpe_ring *r = off >= NFPE_Q_RX_BASE_LO &&
			      off <= NFPE_Q_RX_VECTOR ? &qu->rx : &qu->tx;

	switch (off) {
	case NFPE_Q_TX_BASE_LO:
	case NFPE_Q_RX_BASE_LO:
	case NFPE_Q_TX_BASE_HI:
	case NFPE_Q_RX_BASE_HI:
	case NFPE_Q_TX_SIZE:
	case NFPE_Q_RX_SIZE:
		/* Ring geometry is fixed while the port runs. */
		if (nfpe_ring_reg_locked(core, p)) {
			nfpe_core_bad_reg(core, addr,
					  "ring change while enabled,", val);
			return true;
		}
		if (off == NFPE_Q_TX_BASE_LO || off == NFPE_Q_RX_BASE_LO)
			r->base = (r->base & ~0xffffffffull) | val;
		else if (off == NFPE_Q_TX_BASE_HI || off == NFPE_Q_RX_BASE_HI)
			r->base = (r->base & 0xffffffffull) |
				  (uint64_t)val << 32;
		else
			r->size = val;	/* checked at port enable */
		/* A reprogrammed ring starts again at index 0. */
		r->head = r->tail = 0;
		r->irq_pending = 0;
		r->irq_deadline = UINT64_MAX;
		return true;
	case NFPE_Q_TX_TAIL:
		r->tail = val;
		nfpe_rings_tail_written(core, p, q, false);
		return true;
	case NFPE_Q_RX_TAIL:
		r->tail = val;
		nfpe_rings_tail_written(core, p, q, true);
		return true;
	case NFPE_Q_TX_VECTOR:
	case NFPE_Q_RX_VECTOR:
		/* 1..63; 0 means "no interrupt" (the reset value). */
		if (val >= NFPE_MSIX_VECTORS) {
			nfpe_core_bad_reg(core, addr, "bad vector in", val);
			return true;
		}
		r->vector = val;
		return true;
	case NFPE_Q_IRQ_MOD_USECS:
		if (val > 1000000) {
			nfpe_core_bad_reg(core, addr, "moderation > 1s in",
					  val);
			return true;
		}
		qu->mod_usecs = val;
		return true;
	case NFPE_Q_IRQ_MOD_PKTS:
		if (val > 65535) {
			nfpe_core_bad_reg(core, addr, "moderation > 65535 in",
					  val);
			return true;
		}
		qu->mod_pkts = val;
		return true;
	case NFPE_Q_TX_HEAD:
	case NFPE_Q_RX_HEAD:
		nfpe_core_bad_reg(core, addr, "write to read-only", val);
		return true;
	default:
		return false;
	}
}

static void nfpe_port_ctrl_write(struct nfpe_core *core, unsigned p,
				 uint32_t val, uint64_t addr)
{
	struct nfpe_port *port = &core->port[p];
	uint32_t known = NFPE_PORT_CTRL_ENABLE | NFPE_PORT_CTRL_PROMISC |
			 NFPE_PORT_CTRL_RX_META;
	bool was = port->ctrl & NFPE_PORT_CTRL_ENABLE;

	if (val & ~known) {
		nfpe_core_bad_reg(core, addr, "unknown bits in", val);
		val &= known;
	}
	if ((val & NFPE_PORT_CTRL_ENABLE) && !was) {
		if (port->broken) {
			nfpe_core_error(core, NFPE_ERR_RING_INDEX, p << 16,
					"port %u stopped after an error; reset "
					"the device", p);
			val &= ~NFPE_PORT_CTRL_ENABLE;
		} else if (!nfpe_rings_validate(core, p)) {
			val &= ~NFPE_PORT_CTRL_ENABLE;
		}
	}
	port->ctrl = val;
	trace_nfpe_port_ctrl(p, val);
	if ((val & NFPE_PORT_CTRL_ENABLE) && !was) {
		unsigned q;

		/* Descriptors posted before enable are served now. */
		for (q = 0; q < port->num_queues; q++)
			nfpe_rings_tx_kick(core, p, q);
		if (core->ops->net_flush)
			core->ops->net_flush(core->opaque, p);
	}
}

static bool nfpe_port_reg_write(struct nfpe_core *core, unsigned p,
				uint32_t off, uint32_t val, uint64_t addr)
{
	struct nfpe_port *port = &core->port[p];

	if (off >= 0x100) {
		unsigned q = (off - 0x100) / 0x40;

		if (q >= core->props.queues)
			return false;
		return nfpe_queue_reg_write(core, p, q, (off - 0x100) % 0x40,
					    val, addr);
	}
	switch (off) {
	case NFPE_PORT_CTRL:
		nfpe_port_ctrl_write(core, p, val, addr);
		return true;
	case NFPE_PORT_MTU:
		if (val < NFPE_MIN_MTU || val > core->props.mtu_max) {
			nfpe_core_bad_reg(core, addr, "MTU out of range in",
					  val);
			return true;
		}
		port->mtu = val;
		return true;
	case NFPE_PORT_IFINDEX:
		port->ifindex = val;
		return true;
	case NFPE_PORT_NUM_QUEUES:
		if (val < 1 || val > core->props.queues ||
		    nfpe_ring_reg_locked(core, p)) {
			nfpe_core_bad_reg(core, addr, "bad queue count in",
					  val);
			return true;
		}
		port->num_queues = val;
		return true;
	case NFPE_PORT_STATUS:
	case NFPE_PORT_MAC_LO:
	case NFPE_PORT_MAC_HI:
		nfpe_core_bad_reg(core, addr, "write to read-only", val);
		return true;
	default:
		return false;
	}
}

static void nfpe_ctrl_write(struct nfpe_core *core, uint32_t val)
{
	uint32_t known = NFPE_CTRL_ENABLE | NFPE_CTRL_RESET;
	bool was = core->ctrl & NFPE_CTRL_ENABLE;
	unsigned p;

	if (val & NFPE_CTRL_RESET) {
		nfpe_core_full_reset(core);
		return;
	}
	if (val & ~known) {
		nfpe_core_bad_reg(core, NFPE_REG_CTRL, "unknown bits in", val);
		val &= known;
	}
	core->ctrl = val;
	if ((val & NFPE_CTRL_ENABLE) && !was) {
		if (core->irq_cause)
			nfpe_core_vector_fire(core, NFPE_VEC_CTRL);
		for (p = 0; p < core->props.ports; p++) {
			unsigned q;

			if (!nfpe_port_running(core, p))
				continue;
			for (q = 0; q < core->port[p].num_queues; q++)
				nfpe_rings_tx_kick(core, p, q);
			if (core->ops->net_flush)
				core->ops->net_flush(core->opaque, p);
		}
	}
}

void nfpe_core_mmio_write(struct nfpe_core *core, uint64_t addr,
			  uint64_t val64, unsigned size)
{
	uint32_t val = (uint32_t)val64;
	bool ok = true;

	if (size != 4 || (addr & 3) || addr >= NFPE_CTRL_BAR_SIZE) {
		nfpe_core_bad_reg(core, addr, "bad-size write of", val64);
		return;
	}
	trace_nfpe_mmio_write(addr, val);
	if (addr >= NFPE_PORT_BASE(0)) {
		unsigned p = (addr - NFPE_PORT_BASE(0)) / 0x400;

		if (p < core->props.ports)
			ok = nfpe_port_reg_write(core, p,
						 (addr - NFPE_PORT_BASE(0)) % 0x400,
						 val, addr);
		else
			ok = false;
	} else if (addr >= NFPE_REG_VEC_ARM(0) &&
		   addr < NFPE_REG_VEC_ARM(NFPE_MSIX_VECTORS)) {
		if (val == 1)
			nfpe_core_vector_arm(core,
					     (addr - NFPE_REG_VEC_ARM(0)) / 4);
		else if (val != 0)
			nfpe_core_bad_reg(core, addr, "bad value in", val);
	} else if (addr >= NFPE_CAP_AREA &&
		   addr < NFPE_CAP_AREA + NFPE_CAP_AREA_SIZE) {
		nfpe_core_bad_reg(core, addr, "write to read-only", val);
	} else {
		switch (addr) {
		case NFPE_REG_CTRL:
			nfpe_ctrl_write(core, val);
			break;
		case NFPE_REG_ERR_ACK:
			if (val & 1) {
				core->err_code = NFPE_ERR_NONE;
				core->err_info = 0;
			}
			break;
		case NFPE_REG_SCRATCH:
			core->scratch = val;
			break;
		case NFPE_REG_IRQ_TEST:
			/* Fires once, whatever the auto-mask state. */
			if (val >= NFPE_MSIX_VECTORS) {
				nfpe_core_bad_reg(core, addr, "bad vector in",
						  val);
				break;
			}
			trace_nfpe_irq(val);
			core->ops->msix_notify(core->opaque, val);
			break;
		case NFPE_REG_CMD_ADDR_LO:
			core->cmd_addr = (core->cmd_addr & ~0xffffffffull) | val;
			break;
		case NFPE_REG_CMD_ADDR_HI:
			core->cmd_addr = (core->cmd_addr & 0xffffffffull) |
					 (uint64_t)val << 32;
			break;
		case NFPE_REG_CMD_BUF_LEN:
			core->cmd_buf_len = val;	/* checked per command */
			break;
		case NFPE_REG_CMD_DOORBELL:
			nfpe_cmd_doorbell(core, val);
			break;
		case NFPE_REG_IRQ_CAUSE:
			core->irq_cause &= ~val;
			break;
		case NFPE_REG_FAULT_INJECT:
			if (!core->props.fault_inject) {
				ok = false;
				break;
			}
			if (val & ~(NFPE_FAULT_CMD_TIMEOUT |
				    NFPE_FAULT_CMD_ERROR |
				    NFPE_FAULT_BAD_META |
				    NFPE_FAULT_LOST_IRQ)) {
				nfpe_core_bad_reg(core, addr,
						  "unknown bits in", val);
			}
			core->fault = val & 0xf;
			break;
		case NFPE_REG_ID:
		case NFPE_REG_ABI:
		case NFPE_REG_STATUS:
		case NFPE_REG_ERR_CODE:
		case NFPE_REG_ERR_INFO:
		case NFPE_REG_ERR_COUNT:
		case NFPE_REG_CAP_OFF:
		case NFPE_REG_CAP_LEN:
		case NFPE_REG_CMD_DONE:
		case NFPE_REG_NUM_PORTS:
			nfpe_core_bad_reg(core, addr, "write to read-only",
					  val);
			break;
		default:
			ok = false;
			break;
		}
	}
	if (!ok)
		nfpe_core_bad_reg(core, addr, "write to unknown", val);
	if (!core->ops->timer_mod)
		nfpe_rings_check_timers(core);
}
