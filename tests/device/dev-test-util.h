/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dev-test-util.h - a fake host for the nfp-ebpf device core: guest
 * memory (a byte array; addresses outside it fail), a network backend
 * that captures frames, MSI-X that counts notifications, a clock the test
 * advances, and a small driver (rings, commands, program images).
 */
#ifndef DEV_TEST_UTIL_H
#define DEV_TEST_UTIL_H

#include "nfpe_core.h"

#define GUEST_BASE	0x10000000ull
#define GUEST_SIZE	(8u << 20)
#define CMD_BUF_LEN	(16u * 1024)

struct fake {
	struct nfpe_core core;
	uint8_t *mem;			/* GUEST_SIZE bytes at GUEST_BASE */
	uint64_t brk;			/* bump allocator */
	GPtrArray *sent[NFPE_MAX_PORTS];	/* GByteArray frames */
	unsigned irqs[NFPE_MSIX_VECTORS];
	unsigned flushes[NFPE_MAX_PORTS];
	unsigned logs;
	uint64_t now;
	uint64_t timer;			/* armed deadline or UINT64_MAX */
	bool use_timer;
	uint64_t dma_reads, dma_writes;
	/* driver-side state */
	uint64_t cmd_buf;
	uint32_t seq;
	struct {
		uint64_t tx_ring, rx_ring;
		uint32_t tx_size, rx_size;
		uint64_t tx_buf, rx_buf;	/* buffers, 1 per slot */
		uint32_t buf_len;
		uint32_t rx_tail, tx_tail;
	} q[NFPE_MAX_PORTS][NFPE_MAX_QUEUES];
};

extern const struct nfpe_core_ops fake_ops;

struct fake *fake_new(const struct nfpe_props *props);
void fake_free(struct fake *f);
uint64_t galloc(struct fake *f, uint32_t size, uint32_t align);
uint8_t *gptr(struct fake *f, uint64_t addr);

uint32_t rd(struct fake *f, uint64_t addr);
void wr(struct fake *f, uint64_t addr, uint32_t val);
uint32_t qrd(struct fake *f, unsigned p, unsigned q, uint32_t off);
void qwr(struct fake *f, unsigned p, unsigned q, uint32_t off, uint32_t val);

/* Program rings for nq queues of port p (vectors: tx 1+2k, rx 2+2k with
 * k = p * NFPE_MAX_QUEUES + q), post every RX buffer, enable device and
 * port (ctrl = NFPE_PORT_CTRL_ENABLE | extra). */
void port_up(struct fake *f, unsigned p, unsigned nq, uint32_t ring,
	     uint32_t buf_len, uint32_t extra_ctrl);
unsigned tx_vec(unsigned p, unsigned q);
unsigned rx_vec(unsigned p, unsigned q);
/* Hostile ring programming (fuzz-device, test-dev-hostile): stop port p
 * and point ring (p, q), RX or TX, at base with size, whatever they are;
 * then restart it with nq queues, ctrl | ENABLE and the given tail. */
void ring_point(struct fake *f, unsigned p, unsigned q, bool rx,
		uint64_t base, uint32_t size);
void ring_restart(struct fake *f, unsigned p, unsigned q, bool rx,
		  uint32_t nq, uint32_t ctrl, uint32_t tail);
/* Re-post the RX buffers the device has filled. */
void rx_refill(struct fake *f, unsigned p, unsigned q);
/* Read back RX descriptor idx of (p, q) and its buffer. */
void rx_desc(struct fake *f, unsigned p, unsigned q, uint32_t idx,
	     uint16_t *data_len, uint8_t *meta_len, uint8_t *flags,
	     uint8_t **buf);
/* Queue a frame on TX ring (p, q) and ring the doorbell. */
void tx_frame(struct fake *f, unsigned p, unsigned q, const void *frame,
	      uint16_t len);
uint16_t tx_flags(struct fake *f, unsigned p, unsigned q, uint32_t idx);

/* Run a command; returns hdr.result; response payload copied to rsp. */
int cmd(struct fake *f, uint16_t op, const void *req, uint32_t req_len,
	void *rsp, uint32_t rsp_cap, uint32_t *rsp_len);
uint64_t stat_port(struct fake *f, unsigned p, unsigned counter);
uint64_t stat_dev(struct fake *f, unsigned counter);

/* Program images. */
struct img_map {
	uint32_t map_id, type, key_size, value_size, max_entries, flags;
};
struct img_reloc {
	uint32_t insn, kind, value;
};
GByteArray *img_build(uint32_t prog_type, const uint64_t *code, uint32_t n,
		      const struct img_map *maps, uint32_t n_maps,
		      const struct img_reloc *relocs, uint32_t n_relocs);
/* LOAD_IMAGE; returns result, *prog_id set on success. */
int img_load(struct fake *f, GByteArray *img, uint32_t *prog_id,
	     uint32_t *err_reason);
int attach(struct fake *f, unsigned p, unsigned hook, uint32_t prog_id);
/* Build, load and attach a program returning `verdict`. */
uint32_t simple_prog(struct fake *f, unsigned p, unsigned hook,
		     uint32_t verdict);

/* Frames. */
size_t mk_udp4(uint8_t *buf, const uint8_t *dst_mac, uint32_t saddr,
	       uint32_t daddr, uint16_t sport, uint16_t dport,
	       size_t payload);

/* Instruction shorthands. */
#define I_IMMED(d, imm)	nfpe_enc_r(NFPE_OP_IMMED, d, 0, 0, imm)
#define I_EXIT(a)	nfpe_enc_r(NFPE_OP_EXIT, 0, a, 0, 0)
#define I_CSRRD(d, c)	nfpe_enc_r(NFPE_OP_CSRRD, d, 0, 0, c)
#define I_CSRWR(c, a)	nfpe_enc_r(NFPE_OP_CSRWR, 0, a, 0, c)
#define I_ENG(d, a, e, fl) nfpe_enc_r(NFPE_OP_ENG, d, a, fl, e)
#define I_BR(t)		nfpe_enc_b(NFPE_OP_BR, 0, t, 0)

#endif
