/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpe/hw.h - the nfp-ebpf device's hardware interface.
 *
 * One header for every side: the QEMU device (qemu-dev/), the Linux
 * driver (guest-driver/), the JIT and the host tools.  docs/hw-interface.md
 * is the prose version; when the two disagree, this file is right and the
 * doc is a bug.
 *
 * Everything the device and the driver exchange is little-endian.  Fields
 * in DMA'd structures are declared with their width only; each side
 * converts (le32_to_cpu in the kernel, ldl_le_p in QEMU).
 *
 * PCI function
 *   vendor 0x1af4 device 0x10f0 (the experimental range 0x10f0-0x10ff of
 *   the virtio vendor ID), class 0x0200 (Ethernet).
 *   BAR0  control BAR, 64 KiB, 32-bit MMIO registers (below).
 *   BAR2  MSI-X table and PBA, NFPE_MSIX_VECTORS vectors.
 *
 * Bring-up sequence (driver)
 *   1. read NFPE_REG_ID / NFPE_REG_ABI, refuse an unknown major;
 *   2. walk the capability TLVs at NFPE_REG_CAP_OFF;
 *   3. set NFPE_CTRL_ENABLE (commands need it), run the self-test (scratch
 *      register, NFPE_REG_IRQ_TEST, an NFPE_CMD_ECHO through DMA);
 *   4. per port: program the rings and vectors, post RX buffers, set
 *      NFPE_PORT_CTRL_ENABLE.
 */
#ifndef NFPE_HW_H
#define NFPE_HW_H

#include "types.h"

#define NFPE_PCI_VENDOR_ID	0x1af4
#define NFPE_PCI_DEVICE_ID	0x10f0
#define NFPE_PCI_REVISION	1

#define NFPE_BAR_CTRL		0
#define NFPE_BAR_MSIX		2
#define NFPE_CTRL_BAR_SIZE	0x10000

#define NFPE_ID_MAGIC		0x4e464545u	/* "EEFN": reads as NFEE */
#define NFPE_ABI_MAJOR		1
#define NFPE_ABI_MINOR		0

#define NFPE_MAX_PORTS		4
#define NFPE_MAX_QUEUES		4	/* per port */

/*
 * MSI-X vectors: vector 0 is the control plane (command completion, link
 * change, device error); each ring's vector is chosen by the driver in
 * the ring's *_VECTOR register (1..NFPE_MSIX_VECTORS-1).
 */
#define NFPE_MSIX_VECTORS	64
#define NFPE_VEC_CTRL		0

/* ---- Device-wide registers (BAR0) --------------------------------- */

#define NFPE_REG_ID		0x0000	/* ro: NFPE_ID_MAGIC */
#define NFPE_REG_ABI		0x0004	/* ro: major << 16 | minor */
#define NFPE_REG_CTRL		0x0008	/* rw: NFPE_CTRL_* */
#define   NFPE_CTRL_ENABLE	NFPE_BIT(0) /* datapath and commands on */
#define   NFPE_CTRL_RESET	NFPE_BIT(1) /* wo, self-clearing: full reset */
#define NFPE_REG_STATUS		0x000c	/* ro: NFPE_STATUS_* */
#define   NFPE_STATUS_READY	NFPE_BIT(0) /* reset complete */
#define   NFPE_STATUS_ERROR	NFPE_BIT(1) /* an error is latched */
#define   NFPE_STATUS_CMD_BUSY	NFPE_BIT(2)
#define NFPE_REG_ERR_CODE	0x0010	/* ro: first latched enum nfpe_err */
#define NFPE_REG_ERR_INFO	0x0014	/* ro: detail (port, ring, offset) */
#define NFPE_REG_ERR_COUNT	0x0018	/* ro: errors since reset */
#define NFPE_REG_ERR_ACK	0x001c	/* wo: 1 clears the latched error */
#define NFPE_REG_CAP_OFF	0x0020	/* ro: byte offset of the TLV list */
#define NFPE_REG_CAP_LEN	0x0024	/* ro: its length in bytes */
#define NFPE_REG_SCRATCH	0x0028	/* rw: self-test, no side effect */
#define NFPE_REG_IRQ_TEST	0x002c	/* wo: fire this MSI-X vector once */
#define NFPE_REG_CMD_ADDR_LO	0x0030	/* rw: command buffer DMA address */
#define NFPE_REG_CMD_ADDR_HI	0x0034
#define NFPE_REG_CMD_BUF_LEN	0x0038	/* rw: command buffer size, bytes */
#define NFPE_REG_CMD_DOORBELL	0x003c	/* wo: seq number; starts command */
#define NFPE_REG_CMD_DONE	0x0040	/* ro: seq of the last finished cmd */
#define NFPE_REG_IRQ_CAUSE	0x0044	/* ro/w1c: NFPE_IRQ_* (vector 0) */
#define   NFPE_IRQ_CMD_DONE	NFPE_BIT(0)
#define   NFPE_IRQ_LINK		NFPE_BIT(1)
#define   NFPE_IRQ_ERROR	NFPE_BIT(2)
#define NFPE_REG_NUM_PORTS	0x0048	/* ro */
#define NFPE_REG_FAULT_INJECT	0x004c	/* rw: NFPE_FAULT_* (if cap) */

/*
 * Interrupt re-arm.  Every vector auto-masks when it fires: the device
 * raises it again only after the driver writes 1 to its arm register
 * (NAPI-friendly: no interrupt storms while the driver polls).
 */
#define NFPE_REG_VEC_ARM(v)	(0x0800 + 4 * (v))

/* Capability TLV list, NFPE_REG_CAP_OFF..+NFPE_REG_CAP_LEN. */
#define NFPE_CAP_AREA		0x0100
#define NFPE_CAP_AREA_SIZE	0x0300

/* ---- Per-port and per-queue registers ----------------------------- */

#define NFPE_PORT_BASE(p)	(0x1000 + 0x400 * (p))

#define NFPE_PORT_CTRL		0x000	/* rw: NFPE_PORT_CTRL_* */
#define   NFPE_PORT_CTRL_ENABLE	NFPE_BIT(0) /* rings live, rx on */
#define   NFPE_PORT_CTRL_PROMISC NFPE_BIT(1)
#define   NFPE_PORT_CTRL_RX_META NFPE_BIT(2) /* prepend RX metadata */
#define NFPE_PORT_STATUS	0x004	/* ro: NFPE_PORT_STATUS_* */
#define   NFPE_PORT_STATUS_LINK	NFPE_BIT(0)
#define NFPE_PORT_MAC_LO	0x008	/* ro: MAC bytes 0..3, byte 0 lowest */
#define NFPE_PORT_MAC_HI	0x00c	/* ro: MAC bytes 4..5 */
#define NFPE_PORT_MTU		0x010	/* rw: L3 MTU, <= cap MTU_MAX */
#define NFPE_PORT_IFINDEX	0x014	/* rw: host ifindex (CSR IFINDEX) */
#define NFPE_PORT_NUM_QUEUES	0x018	/* rw: queues in use, 1..cap */

#define NFPE_QUEUE_BASE(p, q)	(NFPE_PORT_BASE(p) + 0x100 + 0x40 * (q))

/*
 * Rings.  Sizes are powers of two between NFPE_RING_MIN and NFPE_RING_MAX
 * entries; base addresses are aligned to the descriptor size.  A ring with
 * size 0 is off.  Indexes are free-running 32-bit counters: the slot of
 * index i is i & (size - 1).  Ring geometry (BASE, SIZE) may only be
 * written while the port is disabled, and writing it restarts the ring at
 * index 0 (HEAD = TAIL = 0).
 *
 * TX: the driver fills descriptors and writes TX_TAIL; the device sends
 * them, sets NFPE_TXD_DONE in each and advances TX_HEAD.
 * RX: the driver posts empty buffers and writes RX_TAIL; the device fills
 * a buffer with [metadata][frame], writes the descriptor back with
 * NFPE_RXD_DONE and advances RX_HEAD.  With no buffer posted the device
 * stops taking packets from the port (the backend queues them).
 */
#define NFPE_Q_TX_BASE_LO	0x00
#define NFPE_Q_TX_BASE_HI	0x04
#define NFPE_Q_TX_SIZE		0x08
#define NFPE_Q_TX_TAIL		0x0c	/* wo/ro: driver producer index */
#define NFPE_Q_TX_HEAD		0x10	/* ro: device consumer index */
#define NFPE_Q_TX_VECTOR	0x14
#define NFPE_Q_RX_BASE_LO	0x20
#define NFPE_Q_RX_BASE_HI	0x24
#define NFPE_Q_RX_SIZE		0x28
#define NFPE_Q_RX_TAIL		0x2c	/* driver: buffers posted */
#define NFPE_Q_RX_HEAD		0x30	/* device: buffers filled */
#define NFPE_Q_RX_VECTOR	0x34
#define NFPE_Q_IRQ_MOD_USECS	0x38	/* coalescing: max delay, 0 = off */
#define NFPE_Q_IRQ_MOD_PKTS	0x3c	/* coalescing: fire after N pkts */

#define NFPE_RING_MIN		8
#define NFPE_RING_MAX		4096

struct nfpe_tx_desc {
	uint64_t addr;		/* frame DMA address */
	uint16_t len;		/* frame length, bytes */
	uint16_t flags;		/* driver: 0; device: NFPE_TXD_* */
	uint32_t reserved;
};

#define NFPE_TXD_DONE		NFPE_BIT(0)
#define NFPE_TXD_ERR		NFPE_BIT(1) /* dropped: bad length / DMA */

struct nfpe_rx_desc {
	uint64_t addr;		/* buffer DMA address (driver) */
	uint16_t buf_len;	/* buffer size (driver) */
	uint16_t data_len;	/* device: metadata + frame bytes written */
	uint8_t  meta_len;	/* device: metadata bytes before the frame */
	uint8_t  flags;		/* device: NFPE_RXD_* */
	uint16_t reserved;
};

#define NFPE_RXD_DONE		NFPE_BIT(0)
#define NFPE_RXD_ERR		NFPE_BIT(1)

NFPE_STATIC_ASSERT(sizeof(struct nfpe_tx_desc) == 16, "tx desc size");
NFPE_STATIC_ASSERT(sizeof(struct nfpe_rx_desc) == 16, "rx desc size");

/*
 * RX metadata, prepended to the frame when NFPE_PORT_CTRL_RX_META is set.
 * Chained type nibbles, as on the NFP:
 *
 *   uint32 types      nibble 0 (bits 3:0) is the first field, 0 ends
 *   uint32 values...  each field's words, in the order of the nibbles
 *   XDP metadata      NFPE_META_XDP's length bytes, last, so that it ends
 *                     exactly where the frame starts
 *
 * meta_len in the descriptor counts all of it.  A reader must refuse a
 * chain that runs past meta_len, repeats a type, or names an unknown one.
 */
enum nfpe_meta_type {
	NFPE_META_HASH = 1,	/* 2 words: hash, NFPE_HASH_TYPE_* */
	NFPE_META_MARK = 2,	/* 1 word: mark a tc program set */
	NFPE_META_PORT = 3,	/* 1 word: ingress port index */
	NFPE_META_XDP  = 4,	/* 1 word: XDP metadata length (<= 32) */
};

#define NFPE_META_TYPE_BITS	4
#define NFPE_META_MAX_FIELDS	7
#define NFPE_META_XDP_MAX	32

enum nfpe_hash_type {
	NFPE_HASH_TYPE_NONE = 0,
	NFPE_HASH_TYPE_L3   = 1,	/* IPv4/IPv6 addresses */
	NFPE_HASH_TYPE_L4   = 2,	/* addresses and TCP/UDP ports */
};

/* ---- Capability list ---------------------------------------------- */

/*
 * TLVs: a 4-byte header then len bytes of value, padded to 4 bytes.
 * Values are uint32 unless noted.  NFPE_CAP_END closes the list; a
 * reader skips types it does not know.
 */
struct nfpe_tlv {
	uint16_t type;
	uint16_t len;
};

enum nfpe_cap {
	NFPE_CAP_END            = 0,
	NFPE_CAP_ABI            = 1,  /* major << 16 | minor */
	NFPE_CAP_CODE_STORE     = 2,  /* instructions per program image */
	NFPE_CAP_STACK_SIZE     = 3,  /* LM bytes per thread (eBPF stack) */
	NFPE_CAP_PKT_HEADROOM   = 4,  /* PKT bytes before the frame */
	NFPE_CAP_MTU_MAX        = 5,  /* largest L3 MTU */
	NFPE_CAP_ENGINES        = 6,  /* bitmask of 1 << enum nfpe_engine */
	NFPE_CAP_MAP_TYPES      = 7,  /* bitmask of 1 << BPF_MAP_TYPE_* */
	NFPE_CAP_MAX_MAPS       = 8,
	NFPE_CAP_MAX_KEY        = 9,  /* bytes */
	NFPE_CAP_MAX_VALUE      = 10, /* bytes */
	NFPE_CAP_MAX_ENTRIES    = 11,
	NFPE_CAP_MAP_MEMORY     = 12, /* uint64: bytes of map memory */
	NFPE_CAP_CORES          = 13,
	NFPE_CAP_THREADS        = 14, /* per core */
	NFPE_CAP_CLOCK_MHZ      = 15,
	NFPE_CAP_PORTS          = 16,
	NFPE_CAP_QUEUES         = 17, /* per port */
	NFPE_CAP_META_TYPES     = 18, /* bitmask of 1 << enum nfpe_meta_type */
	NFPE_CAP_INSN_BUDGET    = 19, /* instructions per packet */
	NFPE_CAP_CMD_BUF_MAX    = 20, /* largest command buffer, bytes */
	NFPE_CAP_MAX_PROGS      = 21, /* loaded images at once */
	NFPE_CAP_FAULT_INJECT   = 22, /* bitmask of NFPE_FAULT_* supported */
};

/* Fault injection (debug; NFPE_REG_FAULT_INJECT). */
#define NFPE_FAULT_CMD_TIMEOUT	NFPE_BIT(0) /* next command never completes */
#define NFPE_FAULT_CMD_ERROR	NFPE_BIT(1) /* next command fails -EIO */
#define NFPE_FAULT_BAD_META	NFPE_BIT(2) /* next RX metadata malformed */
#define NFPE_FAULT_LOST_IRQ	NFPE_BIT(3) /* next interrupt not sent */

/* ---- Command interface -------------------------------------------- */

/*
 * The driver owns one DMA buffer of NFPE_REG_CMD_BUF_LEN bytes.  It writes
 * a request (header + payload), then the sequence number to
 * NFPE_REG_CMD_DOORBELL.  The device reads the request, executes it,
 * writes result/rsp_len and the response payload back into the same
 * buffer after the header, stores seq in NFPE_REG_CMD_DONE and raises
 * NFPE_IRQ_CMD_DONE on vector 0.  One command is in flight at a time.
 */
struct nfpe_cmd_hdr {
	uint16_t op;		/* enum nfpe_cmd_op */
	uint16_t flags;		/* must be 0 */
	uint32_t len;		/* request bytes including this header */
	uint32_t seq;		/* echoed in NFPE_REG_CMD_DONE */
	int32_t  result;	/* device: 0 or negative errno */
	uint32_t rsp_len;	/* device: response bytes after the header */
	uint32_t reserved[3];
};
NFPE_STATIC_ASSERT(sizeof(struct nfpe_cmd_hdr) == 32, "cmd hdr size");

enum nfpe_cmd_op {
	NFPE_CMD_ECHO        = 1,  /* payload -> payload with bytes inverted */
	NFPE_CMD_LOAD_IMAGE  = 2,  /* nfpe_cmd_load -> nfpe_cmd_load_rsp */
	NFPE_CMD_UNLOAD      = 3,  /* nfpe_cmd_id */
	NFPE_CMD_ATTACH      = 4,  /* nfpe_cmd_attach (prog_id 0: detach) */
	NFPE_CMD_MAP_ALLOC   = 5,  /* nfpe_cmd_map_alloc -> nfpe_cmd_id */
	NFPE_CMD_MAP_FREE    = 6,  /* nfpe_cmd_id */
	NFPE_CMD_MAP_LOOKUP  = 7,  /* nfpe_cmd_map_op + key -> value */
	NFPE_CMD_MAP_UPDATE  = 8,  /* nfpe_cmd_map_op + key + value */
	NFPE_CMD_MAP_DELETE  = 9,  /* nfpe_cmd_map_op + key */
	NFPE_CMD_MAP_GETNEXT = 10, /* nfpe_cmd_map_op [+ key] -> next key */
	NFPE_CMD_MAP_DUMP    = 11, /* nfpe_cmd_map_op [+ key] -> dump rsp */
	NFPE_CMD_STATS       = 12, /* -> nfpe_cmd_stats_rsp */
	NFPE_CMD_PROG_STATS  = 13, /* nfpe_cmd_id -> nfpe_cmd_prog_stats */
};

struct nfpe_cmd_id {
	uint32_t id;
	uint32_t reserved;
};

struct nfpe_cmd_load {
	uint64_t image_addr;	/* DMA address of the image */
	uint32_t image_len;
	uint32_t reserved;
};

struct nfpe_cmd_load_rsp {
	uint32_t prog_id;	/* nonzero handle */
	uint32_t n_insns;
	uint32_t err_insn;	/* on -EINVAL: offending insn or ~0 */
	uint32_t err_reason;	/* on -EINVAL: enum nfpe_image_err */
};

enum nfpe_hook {
	NFPE_HOOK_XDP = 0,
	NFPE_HOOK_TC  = 1,	/* cls_bpf direct-action, ingress */
	NFPE_HOOK_NUM = 2,
};

struct nfpe_cmd_attach {
	uint32_t port;
	uint32_t hook;		/* enum nfpe_hook */
	uint32_t prog_id;	/* 0 detaches; replace is atomic */
	uint32_t reserved;
};

struct nfpe_cmd_map_alloc {
	uint32_t type;		/* BPF_MAP_TYPE_* */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;	/* BPF_F_* the device honours, else 0 */
	uint32_t reserved;
};

/* MAP_UPDATE flags: the kernel's BPF_ANY / BPF_NOEXIST / BPF_EXIST. */
#define NFPE_MAP_ANY		0
#define NFPE_MAP_NOEXIST	1
#define NFPE_MAP_EXIST		2
/* GETNEXT / DUMP flag: start from the first key (no key follows). */
#define NFPE_MAP_FIRST		NFPE_BIT(8)

struct nfpe_cmd_map_op {
	uint32_t map_id;
	uint32_t flags;		/* update flags, NFPE_MAP_FIRST */
	uint32_t count;		/* DUMP: max entries to return */
	uint32_t reserved;
	/* key, then value for UPDATE */
};

struct nfpe_cmd_map_dump_rsp {
	uint32_t count;		/* entries that follow: key, value pairs */
	uint32_t more;		/* 1 if the map has entries after these */
};

/* Statistics. Counters are uint64, indexed by these enums. */
#define NFPE_PORT_COUNTERS(X)					\
	X(RX_PACKETS,    "rx_packets")				\
	X(RX_BYTES,      "rx_bytes")				\
	X(RX_NO_BUF,     "rx_no_buffer")			\
	X(RX_TOO_LONG,   "rx_too_long")				\
	X(RX_DMA_ERR,    "rx_dma_errors")			\
	X(TX_PACKETS,    "tx_packets")				\
	X(TX_BYTES,      "tx_bytes")				\
	X(TX_ERRORS,     "tx_errors")				\
	X(XDP_ABORTED,   "xdp_aborted")				\
	X(XDP_DROP,      "xdp_drop")				\
	X(XDP_PASS,      "xdp_pass")				\
	X(XDP_TX,        "xdp_tx")				\
	X(TC_OK,         "tc_ok")				\
	X(TC_SHOT,       "tc_shot")				\
	X(TC_OTHER,      "tc_other")				\
	X(PROG_INSNS,    "prog_insns")				\
	X(PROG_CYCLES,   "prog_cycles")				\
	X(PROG_ERRORS,   "prog_errors")

enum nfpe_port_counter {
#define NFPE_X_ENUM(e, s) NFPE_PC_##e,
	NFPE_PORT_COUNTERS(NFPE_X_ENUM)
#undef NFPE_X_ENUM
	NFPE_PC_NUM
};

#define NFPE_DEV_COUNTERS(X)					\
	X(ERRORS,        "dev_errors")				\
	X(BAD_REG,       "dev_bad_register")			\
	X(BAD_DMA,       "dev_bad_dma")				\
	X(BAD_RING,      "dev_bad_ring")			\
	X(BAD_CMD,       "dev_bad_command")			\
	X(CMDS,          "dev_commands")			\
	X(RESETS,        "dev_resets")				\
	X(MAP_BYTES,     "dev_map_bytes_used")

enum nfpe_dev_counter {
#define NFPE_X_ENUM(e, s) NFPE_DC_##e,
	NFPE_DEV_COUNTERS(NFPE_X_ENUM)
#undef NFPE_X_ENUM
	NFPE_DC_NUM
};

struct nfpe_cmd_stats_rsp {
	uint32_t n_ports;
	uint32_t n_port_counters;	/* NFPE_PC_NUM of the device */
	uint32_t n_dev_counters;	/* NFPE_DC_NUM of the device */
	uint32_t reserved;
	/* uint64 dev[n_dev_counters], then port[n_ports][n_port_counters] */
};

struct nfpe_cmd_prog_stats {
	uint64_t runs;		/* packets the program ran on */
	uint64_t insns;		/* instructions executed */
	uint64_t cycles;	/* modelled core cycles */
	uint64_t errors;	/* budget exhausted / bad access */
};

/* ---- Errors ------------------------------------------------------- */

/* Command results: negative Linux errno values, fixed here by number. */
#define NFPE_EPERM		1
#define NFPE_ENOENT		2
#define NFPE_EIO		5
#define NFPE_EACCES		13
#define NFPE_E2BIG		7
#define NFPE_ENOMEM		12
#define NFPE_EFAULT		14
#define NFPE_EBUSY		16
#define NFPE_EEXIST		17
#define NFPE_EINVAL		22
#define NFPE_ENOSPC		28
#define NFPE_ERANGE		34
#define NFPE_EOPNOTSUPP		95

/* Device error register codes (NFPE_REG_ERR_CODE). */
enum nfpe_err {
	NFPE_ERR_NONE       = 0,
	NFPE_ERR_BAD_REG    = 1, /* write to ro/unknown register or bad value */
	NFPE_ERR_DMA_READ   = 2, /* ERR_INFO: port << 16 | ring */
	NFPE_ERR_DMA_WRITE  = 3,
	NFPE_ERR_RING_CFG   = 4, /* bad ring size / base at enable */
	NFPE_ERR_RING_INDEX = 5, /* tail beyond size from head */
	NFPE_ERR_CMD        = 6, /* malformed command */
	NFPE_ERR_TX_DESC    = 7, /* bad TX length */
};

#endif /* NFPE_HW_H */
