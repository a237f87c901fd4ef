/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfp_ebpf: driver-wide types.
 *
 * One struct nfpe_dev per PCI function, one struct nfpe_port (and one
 * netdev) per device port, one struct nfpe_r_vec per queue: an MSI-X
 * vector, a NAPI context, a TX ring and an RX ring (the NFP's "r_vec").
 */
#ifndef NFPE_DRV_H
#define NFPE_DRV_H

#include <linux/types.h>
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/netdevice.h>
#include <linux/if_vlan.h>
#include <linux/bpf.h>
#include <linux/mutex.h>
#include <linux/completion.h>
#include <linux/workqueue.h>
#include <linux/timer.h>
#include <linux/u64_stats_sync.h>
#include <linux/fault-inject.h>
#include <net/xdp.h>

#include <nfpe/hw.h>

#define NFPE_DRV_NAME		"nfp_ebpf"

/* RX buffers: XDP headroom, then [metadata][frame], then skb_shared_info */
#define NFPE_RX_HEADROOM	XDP_PACKET_HEADROOM
/* words: types + hash(2) + mark + port + xdp length, then the XDP area */
#define NFPE_META_MAX_BYTES	(4 * 6 + NFPE_META_XDP_MAX)
#define NFPE_RX_FRAME_MAX	(0xffff - NFPE_META_MAX_BYTES)
#define NFPE_MAX_FRAME_EXTRA	(ETH_HLEN + VLAN_HLEN)	/* frames <= MTU + 18 */

#define NFPE_CMD_TIMEOUT_MS	2000
#define NFPE_RESET_TIMEOUT_MS	2000

struct nfpe_dev;
struct nfpe_port;

/* Capabilities from the TLV list; 0 where the device did not say. */
struct nfpe_caps {
	u32 abi;
	u32 code_store;
	u32 stack_size;
	u32 pkt_headroom;
	u32 mtu_max;
	u32 engines;
	u32 map_types;
	u32 max_maps;
	u32 max_key;
	u32 max_value;
	u32 max_entries;
	u64 map_memory;
	u32 cores;
	u32 threads;
	u32 clock_mhz;
	u32 ports;
	u32 queues;
	u32 meta_types;
	u32 insn_budget;
	u32 cmd_buf_max;
	u32 max_progs;
	u32 fault_inject;
};

enum nfpe_tx_kind {
	NFPE_TX_NONE,
	NFPE_TX_SKB,		/* from the stack */
	NFPE_TX_XDP_TX,		/* an RX page sent back by XDP_TX */
	NFPE_TX_XDP_FRAME,	/* an xdp_frame redirected to us */
};

struct nfpe_tx_buf {
	union {
		struct sk_buff *skb;
		struct page *page;
		struct xdp_frame *xdpf;
	};
	dma_addr_t dma;		/* what to unmap */
	u32 map_len;
	u32 len;		/* frame bytes */
	u8 kind;		/* enum nfpe_tx_kind */
};

struct nfpe_tx_stats {
	u64 packets;
	u64 bytes;
	u64 busy;		/* ring full: queue stopped */
	u64 errors;		/* device reported NFPE_TXD_ERR */
	u64 dropped;		/* refused by the driver (length, DMA map) */
	u64 xdp_tx;
	u64 xdp_xmit;
	struct u64_stats_sync syncp;
};

struct nfpe_tx_ring {
	struct nfpe_tx_desc *desc;
	dma_addr_t desc_dma;
	struct nfpe_tx_buf *bufs;
	u32 size;		/* entries, power of two */
	u32 wr;			/* producer, free running (xmit, under tx lock) */
	u32 rd;			/* consumer, free running (NAPI) */
	bool xdp_pending;	/* XDP_TX descriptors not yet rung */
	struct nfpe_tx_stats stats;	/* written under the TX queue lock */
	struct nfpe_tx_stats cstats;	/* written by the completion (NAPI) */
};

struct nfpe_rx_buf {
	struct page *page;
	dma_addr_t dma;		/* of the page, not of the data */
};

struct nfpe_rx_stats {
	u64 packets;
	u64 bytes;
	u64 errors;		/* device flagged ERR or bad lengths */
	u64 meta_errors;	/* malformed metadata: dropped */
	u64 alloc_fail;		/* page or skb allocation failed */
	u64 dropped;
	u64 xdp_drop;
	u64 xdp_pass;
	u64 xdp_tx;
	u64 xdp_redirect;
	u64 xdp_aborted;
	u64 xdp_tx_fail;
	struct u64_stats_sync syncp;
};

struct nfpe_rx_ring {
	struct nfpe_rx_desc *desc;
	dma_addr_t desc_dma;
	struct nfpe_rx_buf *bufs;
	struct nfpe_rx_buf *cache;	/* recycled, still mapped pages */
	u32 cache_cnt;
	u32 size;
	u32 wr;			/* buffers posted */
	u32 rd;			/* buffers consumed */
	u32 order;		/* page order of each buffer */
	u32 buf_len;		/* bytes the device may write */
	bool starved;		/* refill failed: retry from the service work */
	struct xdp_rxq_info xdp_rxq;
	struct nfpe_rx_stats stats;
};

struct nfpe_r_vec {
	struct napi_struct napi;
	struct nfpe_port *port;
	void __iomem *qregs;	/* NFPE_QUEUE_BASE(port, idx) */
	u32 idx;		/* queue index within the port */
	u32 vec;		/* MSI-X vector index */
	int irq;
	bool irq_requested;
	char irq_name[IFNAMSIZ + 24];
	struct nfpe_tx_ring tx;
	struct nfpe_rx_ring rx;
	/* polls again soon while the RX ring is starved (rings.c) */
	struct timer_list refill_timer;
};

/*
 * Offloaded programs on the device's hooks (offload.c): the kernel's
 * program and the device image loaded for this attachment (0: none).
 */
struct nfpe_port_offload {
	struct bpf_prog *prog[NFPE_HOOK_NUM];
	u32 prog_id[NFPE_HOOK_NUM];
	void *priv;
};

struct nfpe_port {
	struct nfpe_dev *nn;
	struct net_device *netdev;
	void __iomem *regs;		/* NFPE_PORT_BASE(idx) */
	u32 idx;
	u32 num_queues;
	bool dp_up;			/* rings live (RCU for ndo_xdp_xmit) */
	bool random_mac;		/* device MAC invalid: run promiscuous */
	struct bpf_prog *xdp_prog;	/* native XDP on the host CPU */
	struct nfpe_port_offload offload;
	u64 tx_timeouts;
	/* interrupt moderation of every queue (ethtool -C), kept across
	 * ring re-creation: IRQ_MOD_USECS, IRQ_MOD_PKTS
	 */
	u32 coal_usecs;
	u32 coal_frames;
	struct nfpe_r_vec r_vecs[NFPE_MAX_QUEUES];
};

enum nfpe_state_bits {
	NFPE_S_REMOVING,	/* remove() started: no new resets */
	NFPE_S_DEAD,		/* reset failed: no more commands */
	NFPE_S_SELFTEST,	/* ring vectors complete irq_test */
};

struct nfpe_drv_stats {
	u64 cmd_timeouts;
	u64 cmd_errors;		/* device returned a negative result */
	u64 dev_errors;		/* IRQ_CAUSE.ERROR seen */
	u64 resets;		/* recoveries done */
	u64 lost_irqs;		/* work found by polling, not by interrupt */
	u64 link_changes;
};

struct nfpe_dev {
	struct pci_dev *pdev;
	void __iomem *bar;
	resource_size_t bar_len;
	unsigned long state;
	u32 abi;
	struct nfpe_caps caps;

	u32 num_ports;
	u32 queues_per_port;
	struct nfpe_port *ports[NFPE_MAX_PORTS];
	int num_vecs;

	/* command interface */
	struct mutex cmd_lock;		/* one command in flight */
	void *cmd_buf;
	dma_addr_t cmd_dma;
	u32 cmd_buf_len;
	u32 cmd_seq;
	struct completion cmd_done;

	/* self-test interrupt */
	struct completion irq_test;
	int irq_test_vec;

	struct work_struct reset_work;
	unsigned long reset_window;	/* jiffies: start of the burst window */
	u32 reset_burst;		/* resets asked for in the window */
	struct delayed_work service_work;
	struct dentry *debugfs;
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
	/* debugfs fail_rx_alloc/: make RX buffer allocations fail */
	struct fault_attr fail_rx_alloc;
#endif

	/* offload (offload.c): the kernel's handle, offloaded maps (rtnl) */
	struct bpf_offload_dev *bpf_dev;
	struct list_head bpf_maps;
	u32 bpf_map_count;

	/* written from IRQ and process context; readers accept tearing */
	struct nfpe_drv_stats drv;
	u32 last_err_code;
	u32 last_err_info;

};

static inline u32 nfpe_rd(struct nfpe_dev *nn, u32 off)
{
	return readl(nn->bar + off);
}

static inline void nfpe_wr(struct nfpe_dev *nn, u32 off, u32 val)
{
	writel(val, nn->bar + off);
}

static inline u32 nfpe_port_rd(struct nfpe_port *port, u32 off)
{
	return readl(port->regs + off);
}

static inline void nfpe_port_wr(struct nfpe_port *port, u32 off, u32 val)
{
	writel(val, port->regs + off);
}

static inline struct device *nfpe_dma_dev(struct nfpe_port *port)
{
	return &port->nn->pdev->dev;
}

/* main.c */
int nfpe_hw_reset(struct nfpe_dev *nn);
void nfpe_schedule_reset(struct nfpe_dev *nn, const char *why);
int nfpe_recover(struct nfpe_dev *nn, bool keep_maps);

/* cmd.c */
int nfpe_cmd_init(struct nfpe_dev *nn);
void nfpe_cmd_program(struct nfpe_dev *nn);
void nfpe_cmd_free(struct nfpe_dev *nn);
int nfpe_cmd_exec(struct nfpe_dev *nn, u16 op, const void *req, u32 req_len,
		  void *rsp, u32 rsp_len, unsigned int timeout_ms);
void nfpe_cmd_irq(struct nfpe_dev *nn);
int nfpe_cmd_echo_test(struct nfpe_dev *nn);

/* netdev.c */
struct nfpe_port *nfpe_port_alloc(struct nfpe_dev *nn, u32 idx);
void nfpe_port_free(struct nfpe_port *port);
int nfpe_port_register(struct nfpe_port *port);
void nfpe_port_unregister(struct nfpe_port *port);
int nfpe_dp_start(struct nfpe_port *port);
void nfpe_dp_stop(struct nfpe_port *port);
void nfpe_port_link_update(struct nfpe_port *port);
u32 nfpe_port_rx_ctrl(struct nfpe_port *port);
void nfpe_port_write_rx_mode(struct nfpe_port *port);

/* rings.c */
int nfpe_rings_alloc(struct nfpe_port *port);
void nfpe_rings_free(struct nfpe_port *port);
void nfpe_rings_hw_enable(struct nfpe_port *port);
void nfpe_rings_hw_disable(struct nfpe_port *port);
int nfpe_poll(struct napi_struct *napi, int budget);
void nfpe_rx_refill_retry(struct timer_list *t);
netdev_tx_t nfpe_start_xmit(struct sk_buff *skb, struct net_device *netdev);
irqreturn_t nfpe_ring_irq(int irq, void *data);
void nfpe_r_vec_arm(struct nfpe_r_vec *r_vec);
bool nfpe_r_vec_has_work(struct nfpe_r_vec *r_vec);
u32 nfpe_rx_buf_order(unsigned int mtu);
u32 nfpe_rx_ring_entries(void);
u32 nfpe_tx_ring_entries(void);
bool nfpe_tx_enqueue_xdp(struct nfpe_r_vec *r_vec, struct page *page,
			 dma_addr_t page_dma, u32 map_len, u32 offset,
			 u32 len);
bool nfpe_tx_enqueue_frame(struct nfpe_r_vec *r_vec, struct xdp_frame *xdpf);
void nfpe_tx_kick(struct nfpe_r_vec *r_vec);
void nfpe_rings_write_coalesce(struct nfpe_port *port);

/* xdp.c */
int nfpe_ndo_bpf(struct net_device *netdev, struct netdev_bpf *bpf);
int nfpe_xdp_xmit(struct net_device *netdev, int n, struct xdp_frame **frames,
		  u32 flags);
u32 nfpe_xdp_run(struct nfpe_r_vec *r_vec, struct bpf_prog *prog,
		 struct xdp_buff *xdp, struct nfpe_rx_buf *buf, bool *redirected);

/* offload.c */
int nfpe_offload_init(struct nfpe_dev *nn);
void nfpe_offload_fini(struct nfpe_dev *nn);
int nfpe_offload_port_register(struct nfpe_port *port);
void nfpe_offload_port_unregister(struct nfpe_port *port);
int nfpe_offload_ndo_bpf(struct nfpe_port *port, struct netdev_bpf *bpf);
int nfpe_offload_attach(struct nfpe_port *port, u32 hook,
			struct bpf_prog *prog, struct netlink_ext_ack *extack);
void nfpe_offload_save(struct nfpe_dev *nn);
void nfpe_offload_recover(struct nfpe_dev *nn);

/* device counters of one hook's program (PROG_STATS), host order */
struct nfpe_prog_stats {
	u64 runs;
	u64 insns;
	u64 cycles;
	u64 errors;
};

int nfpe_offload_prog_stats(struct nfpe_port *port, u32 hook,
			    struct nfpe_prog_stats *st);

/* tc.c */
int nfpe_setup_tc(struct net_device *netdev, enum tc_setup_type type,
		  void *type_data);

/* ethtool.c */
extern const struct ethtool_ops nfpe_ethtool_ops;
void nfpe_coalesce_init(struct nfpe_port *port);

/* debugfs.c */
void nfpe_debugfs_module_init(void);
void nfpe_debugfs_module_exit(void);
void nfpe_debugfs_init(struct nfpe_dev *nn);
void nfpe_debugfs_exit(struct nfpe_dev *nn);

/* an RX buffer allocation should fail now (debugfs fail_rx_alloc/) */
static inline bool nfpe_fail_rx_alloc(struct nfpe_dev *nn)
{
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
	return should_fail(&nn->fail_rx_alloc, 1);
#else
	return false;
#endif
}

#endif /* NFPE_DRV_H */
