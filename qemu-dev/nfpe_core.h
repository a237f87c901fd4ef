/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpe_core.h - the nfp-ebpf device core.
 *
 * The core models everything behind the PCI function: registers of the
 * control BAR, rings and DMA, the receive pipeline on the flow-processing
 * cores, the command interface and the counters.  It knows nothing of
 * QOM, qdev or PCI: it reaches the outside world only through
 * struct nfpe_core_ops, which the PCI glue (nfp_ebpf_pci.c) fills with
 * pci_dma_read/pci_dma_write, msix_notify, qemu_send_packet ... and which
 * the unit tests (tests/device/) fill with fakes.  See docs/device.md.
 *
 * Threading: every entry point runs under the caller's lock (the BQL in
 * QEMU); the core itself takes no locks.
 */
#ifndef NFPE_CORE_H
#define NFPE_CORE_H

/*
 * Inside QEMU every source file starts with qemu/osdep.h (it pulls in
 * GLib and the C library with QEMU's settings).  Standalone (unit tests,
 * fuzzers) we include GLib ourselves.
 */
#if !defined(NFPE_CORE_STANDALONE) && defined(__has_include)
#if __has_include("qemu/osdep.h")
#define NFPE_CORE_IN_QEMU 1
#endif
#endif

#ifdef NFPE_CORE_IN_QEMU
#include "qemu/osdep.h"
#else
#include <glib.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdarg.h>
#include <string.h>
#include <sys/types.h>
#endif

#include "nfpe/hw.h"
#include "nfpe_mc.h"

/*
 * Trace points (qemu-dev/trace-events).  QEMU generates trace.h for this
 * directory; the standalone build generates no-op stubs with the same
 * signatures from the same file (tests/device/gen-trace-stubs.py).
 */
#ifdef NFPE_CORE_IN_QEMU
#include "trace.h"
#else
#include "nfpe-trace-stubs.h"
#endif

/* ---- Construction-time properties --------------------------------- */

struct nfpe_props {
	uint32_t ports;		/* 1..NFPE_MAX_PORTS */
	uint32_t queues;	/* per port, 1..NFPE_MAX_QUEUES */
	uint32_t cores;		/* flow-processing cores, >= 1 */
	uint32_t threads;	/* hardware threads per core, >= 1 */
	uint32_t code_store;	/* instructions per image */
	uint64_t map_memory;	/* bytes of device map memory */
	uint32_t clock_mhz;
	uint32_t mtu_max;	/* largest L3 MTU a port accepts */
	uint32_t insn_budget;	/* instructions per packet per program */
	uint32_t max_progs;	/* loaded images at once */
	bool fault_inject;	/* NFPE_REG_FAULT_INJECT works */
	uint32_t abi;		/* ABI reported (testing); 0: NFPE_ABI_* */
	uint32_t exec;		/* enum nfpe_exec: interpreter or x86-64 */
	uint8_t mac[NFPE_MAX_PORTS][6];
};

/* Defaults the glue uses for its qdev properties. */
#define NFPE_DEF_PORTS		1
#define NFPE_DEF_QUEUES		1
#define NFPE_DEF_CORES		4
#define NFPE_DEF_THREADS	4
#define NFPE_DEF_MAP_MEMORY	(16u << 20)
#define NFPE_DEF_CLOCK_MHZ	800
#define NFPE_DEF_MTU_MAX	9000
#define NFPE_DEF_MTU		1500
#define NFPE_DEF_MAX_PROGS	64
#define NFPE_MIN_MTU		68
#define NFPE_CMD_BUF_MAX	(64u * 1024)	/* NFPE_CAP_CMD_BUF_MAX */
#define NFPE_MAX_CORES		64
#define NFPE_MAX_THREADS	16
#define NFPE_MAX_MAP_MEMORY	(1u << 30)

/* Fill props with the defaults above (MACs 52:54:00:f0:00:0p). */
void nfpe_props_default(struct nfpe_props *props);

/* The ABI the device reports in NFPE_REG_ABI and NFPE_CAP_ABI. */
static inline uint32_t nfpe_props_abi(const struct nfpe_props *props)
{
	return props->abi ? props->abi : NFPE_ABI_MAJOR << 16 | NFPE_ABI_MINOR;
}

/* ---- What the core needs from its host ---------------------------- */

struct nfpe_core_ops {
	/* Guest memory.  Return false when the access failed (nothing, or
	 * only part, was transferred). */
	bool (*dma_read)(void *opaque, uint64_t addr, void *buf, size_t len);
	bool (*dma_write)(void *opaque, uint64_t addr, const void *buf,
			  size_t len);
	void (*msix_notify)(void *opaque, unsigned vector);
	/* Frame out of a port to its backend. */
	void (*net_send)(void *opaque, unsigned port, const uint8_t *buf,
			 size_t len);
	/* The port can take packets again (qemu_flush_queued_packets). */
	void (*net_flush)(void *opaque, unsigned port);
	/* Monotonic virtual time, nanoseconds. */
	uint64_t (*clock_ns)(void *opaque);
	/* Optional: (re)arm the device's one timer to fire at deadline_ns
	 * (UINT64_MAX cancels); on expiry call nfpe_core_timer().  Without it,
	 * usec-based interrupt moderation is checked at every event. */
	void (*timer_mod)(void *opaque, uint64_t deadline_ns);
	/* qemu_log_mask(LOG_GUEST_ERROR, ...) */
	void (*log_guest_error)(void *opaque, const char *fmt, va_list ap)
		G_GNUC_PRINTF(2, 0);
};

/* ---- Device state ------------------------------------------------- */

struct nfpe_ring {
	uint64_t base;
	uint32_t size;		/* entries, 0 = off */
	uint32_t head;		/* device index, free running */
	uint32_t tail;		/* driver index, free running */
	uint32_t vector;	/* 0 = no interrupt */
	uint32_t irq_pending;	/* completions not yet signalled */
	uint64_t irq_deadline;	/* ns, UINT64_MAX = none */
};

struct nfpe_queue {
	struct nfpe_ring tx, rx;
	uint32_t mod_usecs;
	uint32_t mod_pkts;
};

struct nfpe_loaded_prog;

struct nfpe_port {
	uint32_t ctrl;		/* NFPE_PORT_CTRL_* */
	uint32_t mtu;
	uint32_t ifindex;
	uint32_t num_queues;
	bool link_up;
	bool broken;		/* ring index / DMA error: stopped until reset */
	struct nfpe_queue q[NFPE_MAX_QUEUES];
	/* Attached programs; swapped atomically by ATTACH. */
	struct nfpe_loaded_prog *hook[NFPE_HOOK_NUM];
	uint64_t cnt[NFPE_PC_NUM];
	uint32_t tx_rr;		/* unused today: TX is served per doorbell */
};

struct nfpe_loaded_prog {
	uint32_t id;
	uint32_t type;		/* enum nfpe_prog_type */
	uint32_t attached;	/* number of hooks it is attached to */
	struct nfpe_prog *prog;
};

/* One hardware thread of one flow-processing core. */
struct nfpe_core_thread {
	struct nfpe_thread t;
	uint64_t packets;
};

struct nfpe_core {
	struct nfpe_props props;
	const struct nfpe_core_ops *ops;
	void *opaque;

	/* Microcode library state. */
	struct nfpe_alloc alloc;
	struct nfpe_caps caps;
	struct nfpe_engine_ops eng_ops;
	struct nfpe_env env;
	struct nfpe_maps *maps;
	struct nfpe_core_thread *threads;	/* cores * threads */
	uint32_t n_threads;
	uint32_t next_thread;			/* round robin */
	uint64_t rng;				/* RANDOM engine state */

	/* Capability TLVs, as the guest reads them at NFPE_CAP_AREA. */
	uint8_t cap_area[NFPE_CAP_AREA_SIZE];
	uint32_t cap_len;

	/* Device-wide registers. */
	uint32_t ctrl;
	uint32_t status;
	uint32_t err_code, err_info, err_count;
	uint32_t scratch;
	uint64_t cmd_addr;
	uint32_t cmd_buf_len;
	uint32_t cmd_done;
	uint32_t irq_cause;
	uint32_t fault;		/* armed NFPE_FAULT_* bits (one shot) */
	bool cmd_hung;		/* NFPE_FAULT_CMD_TIMEOUT fired */

	/* Interrupts: auto-mask per vector. */
	bool vec_masked[NFPE_MSIX_VECTORS];
	bool vec_pending[NFPE_MSIX_VECTORS];
	uint64_t timer_deadline;

	struct nfpe_port port[NFPE_MAX_PORTS];
	uint64_t dcnt[NFPE_DC_NUM];

	/* Loaded programs. */
	struct nfpe_loaded_prog *progs;		/* max_progs slots */
	uint32_t next_prog_id;

	/* Scratch for one frame (TX, RX output). */
	uint8_t *frame_buf;
	uint32_t frame_buf_len;
};

/* ---- Entry points for the glue ------------------------------------ */

/* Returns false (with *errmsg set, g_free it) if props are invalid. */
bool nfpe_core_init(struct nfpe_core *core, const struct nfpe_props *props,
		    const struct nfpe_core_ops *ops, void *opaque,
		    char **errmsg);
void nfpe_core_fini(struct nfpe_core *core);
/* Power-on / bus reset: like CTRL_RESET. */
void nfpe_core_reset(struct nfpe_core *core);

/* BAR0.  size is the access size in bytes (the device takes 4). */
uint64_t nfpe_core_mmio_read(struct nfpe_core *core, uint64_t addr,
			     unsigned size);
void nfpe_core_mmio_write(struct nfpe_core *core, uint64_t addr,
			  uint64_t val, unsigned size);

/* Network side. */
bool nfpe_core_can_receive(struct nfpe_core *core, unsigned port);
ssize_t nfpe_core_receive(struct nfpe_core *core, unsigned port,
			  const uint8_t *buf, size_t len);
void nfpe_core_set_link(struct nfpe_core *core, unsigned port, bool up);

/* The timer armed through ops->timer_mod expired. */
void nfpe_core_timer(struct nfpe_core *core);

/* ---- Internal: shared by nfpe_*.c --------------------------------- */

void nfpe_core_error(struct nfpe_core *core, enum nfpe_err code,
		     uint32_t info, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
void nfpe_core_log(struct nfpe_core *core, const char *fmt, ...)
	G_GNUC_PRINTF(2, 3);
void nfpe_core_raise_cause(struct nfpe_core *core, uint32_t cause);
void nfpe_core_vector_fire(struct nfpe_core *core, unsigned vector);
void nfpe_core_full_reset(struct nfpe_core *core);

/* nfpe_caps.c */
void nfpe_caps_from_props(struct nfpe_core *core);

/* nfpe_rings.c */
void nfpe_rings_reset_port(struct nfpe_core *core, unsigned port);
bool nfpe_rings_validate(struct nfpe_core *core, unsigned port);
void nfpe_rings_tx_kick(struct nfpe_core *core, unsigned port, unsigned q);
void nfpe_rings_tail_written(struct nfpe_core *core, unsigned port,
			     unsigned q, bool rx);
bool nfpe_rings_rx_avail(struct nfpe_core *core, unsigned port,
			 unsigned q);
/* Write [meta][frame] into the next RX buffer of queue q and complete it.
 * Returns false (and counts) if the packet was dropped. */
bool nfpe_rings_rx_deliver(struct nfpe_core *core, unsigned port,
			   unsigned q, const uint8_t *meta, uint32_t meta_len,
			   const uint8_t *frame, uint32_t frame_len);
void nfpe_rings_ring_done(struct nfpe_core *core, unsigned port, unsigned q,
			  struct nfpe_ring *r);
void nfpe_rings_check_timers(struct nfpe_core *core);
bool nfpe_port_running(struct nfpe_core *core, unsigned port);

/* nfpe_cmd.c */
void nfpe_cmd_doorbell(struct nfpe_core *core, uint32_t seq);
void nfpe_cmd_reset(struct nfpe_core *core);	/* unload all programs */
struct nfpe_loaded_prog *nfpe_cmd_find_prog(struct nfpe_core *core,
					    uint32_t id);

/* nfpe_pipeline.c */
ssize_t nfpe_pipeline_receive(struct nfpe_core *core, unsigned port,
			      const uint8_t *buf, size_t len);
/* RSS: Toeplitz over the IPv4/IPv6 (+ TCP/UDP ports) tuple. */
uint32_t nfpe_rss_hash(const uint8_t *frame, size_t len, uint32_t *type);
uint32_t nfpe_toeplitz(const uint8_t *key, size_t key_len,
		       const uint8_t *data, size_t len);
extern const uint8_t nfpe_rss_key[40];
/* Build the metadata prefix; returns its length (<= NFPE_META_BUF). */
#define NFPE_META_BUF	(4 + 4 * 5 + NFPE_META_XDP_MAX)
uint32_t nfpe_meta_build(uint8_t *out, bool have_hash, uint32_t hash,
			 uint32_t hash_type, bool have_mark, uint32_t mark,
			 uint32_t port, const uint8_t *xdp_meta,
			 uint32_t xdp_meta_len);

/* Little-endian access to byte buffers. */
static inline uint32_t nfpe_ld32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static inline uint16_t nfpe_ld16(const void *p)
{
	const uint8_t *b = p;

	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint64_t nfpe_ld64(const void *p)
{
	return (uint64_t)nfpe_ld32(p) |
	       (uint64_t)nfpe_ld32((const uint8_t *)p + 4) << 32;
}

static inline void nfpe_st16(void *p, uint16_t v)
{
	uint8_t *b = p;

	b[0] = v;
	b[1] = v >> 8;
}

static inline void nfpe_st32(void *p, uint32_t v)
{
	uint8_t *b = p;

	b[0] = v;
	b[1] = v >> 8;
	b[2] = v >> 16;
	b[3] = v >> 24;
}

static inline void nfpe_st64(void *p, uint64_t v)
{
	nfpe_st32(p, (uint32_t)v);
	nfpe_st32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

#endif /* NFPE_CORE_H */
