// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfpe-hostile: a hostile guest program for the nfp-ebpf device.  Run as
 * root in the test guest with nfp_ebpf unbound from the function; it maps
 * BAR0 through sysfs, turns bus mastering on and drives the device with
 * garbage for a bounded time:
 *
 *   random register writes and reads, ring bases outside guest RAM, on the
 *   device's own BARs, at wrapping addresses, rings overlapping each other,
 *   bogus ring sizes, descriptors with bogus addresses and lengths, commands
 *   with bogus opcodes, lengths and DMA addresses, doorbells, port and
 *   device enable toggles, resets.
 *
 * Guest memory: the program owns a few MiB of locked pages and knows their
 * physical addresses (/proc/self/pagemap).  A few pages whose physical
 * neighbours are also its own are "DMA pages" (ring, command and buffer
 * pages); every address it gives the device inside guest RAM lies in one of
 * them, with the programmed extent inside that page.  All its other pages
 * are canaries with a known pattern; after the storm (device reset, bus
 * mastering off) every canary byte must be unchanged.  Addresses outside
 * guest RAM are taken from holes in /proc/iomem.
 *
 * Rules that keep the guest's own memory safe (a hostile program may
 * corrupt itself; this one must not, or the test would prove nothing):
 * RX rings only in ring pages, whose contents are always descriptors with
 * such controlled addresses; RX buffers only in buffer pages; command
 * buffers only in command pages; TX rings anywhere in the DMA pages (the
 * device only reads them and writes the 2-byte flags word).
 *
 * The device's error counter (NFPE_REG_ERR_COUNT, cleared by each reset) is
 * summed over the storm and must be > 0; at the end a STATS command from
 * this program must succeed and its dev_errors must be > 0.
 *
 *   nfpe-hostile --bdf 0000:00:03.0 [--seconds 20] [--seed N] [--pages 1024]
 *
 * Exit status 0 only if QEMU answered throughout, the error counters rose,
 * STATS worked and no canary byte changed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "nfpe/hw.h"

#define PAGE		4096u
#define MAX_DMA_PAGES	12
#define N_ADDR_OUT	16

enum page_kind { PK_RING, PK_CMD, PK_BUF, PK_NUM };

static const char *bdf;
static volatile uint32_t *bar;
static uint8_t *mem;			/* all our pages */
static uint64_t *pa;			/* physical address of each page */
static unsigned n_pages;
static unsigned dma_idx[MAX_DMA_PAGES];	/* page index of each DMA page */
static unsigned n_dma;
static uint64_t bar0_pa, bar2_pa, bar2_len;
static uint64_t out_addr[N_ADDR_OUT];	/* addresses outside RAM and MMIO */
static unsigned n_out;
static uint64_t rng;
static uint64_t ops, err_sum, resets, cmds;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static uint32_t rn(uint32_t n) { return n ? (uint32_t)(rnd() % n) : 0; }

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "nfpe-hostile: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void wr(uint32_t off, uint32_t v) { bar[off / 4] = v; ops++; }
static uint32_t rd(uint32_t off) { ops++; return bar[off / 4]; }

static void sysfs_write(const char *file, const char *val)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, file);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		die("cannot write %s", path);
	close(fd);
}

/* PCI command register: memory decoding and bus mastering */
static void pci_command(bool master)
{
	char path[256];
	uint16_t cmd;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDWR);
	if (fd < 0 || pread(fd, &cmd, 2, 4) != 2)
		die("cannot read %s", path);
	cmd |= 0x2;
	cmd = master ? cmd | 0x4 : cmd & ~0x4;
	if (pwrite(fd, &cmd, 2, 4) != 2)
		die("cannot write %s", path);
	close(fd);
}

static void read_bars(void)
{
	char path[256];
	unsigned long long s, e, f;
	FILE *fp;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", bdf);
	fp = fopen(path, "r");
	if (!fp)
		die("cannot open %s", path);
	for (int i = 0; i <= 2 && fscanf(fp, "%llx %llx %llx", &s, &e, &f) == 3; i++) {
		if (i == 0)
			bar0_pa = s;
		if (i == 2) {
			bar2_pa = s;
			bar2_len = e - s + 1;
		}
	}
	fclose(fp);
	if (!bar0_pa || !bar2_pa)
		die("%s: no BAR0/BAR2", path);
}

/* an address range [a, a + len) overlapping nothing in /proc/iomem */
static bool iomem_free(uint64_t a, uint64_t len)
{
	unsigned long long s, e;
	char line[256];
	FILE *fp = fopen("/proc/iomem", "r");
	bool free_ = true;

	if (!fp)
		die("cannot open %s", "/proc/iomem");
	while (fgets(line, sizeof(line), fp)) {
		if (sscanf(line, " %llx-%llx", &s, &e) != 2)
			continue;
		if (s == 0 && e == 0)
			die("%s shows no addresses (not root?)", "/proc/iomem");
		if (a <= e && a + len - 1 >= s)
			free_ = false;
	}
	fclose(fp);
	return free_;
}

static void pick_out_addrs(void)
{
	static const uint64_t cand[] = {
		0x30000000, 0x50000000, 0x70000000, 0x7ffff000,
		0x100000000000ull, 0x7ffffffff000ull, 0xfff0000000000000ull,
	};

	for (unsigned i = 0; i < sizeof(cand) / sizeof(cand[0]); i++)
		if (iomem_free(cand[i], 0x100000))
			out_addr[n_out++] = cand[i];
	/* wrapping and top-of-space addresses are never RAM */
	out_addr[n_out++] = 0xfffffffffffff000ull;
	out_addr[n_out++] = 0xfffffffffffffff0ull;
	if (n_out < 4)
		die("%s: too few holes for outside-RAM addresses", "/proc/iomem");
}

static uint8_t canary(unsigned page, unsigned off)
{
	return (uint8_t)(page * 131 + off * 7 + (off >> 8) + 0x5a);
}

static int cmp_pa(const void *a, const void *b)
{
	uint64_t x = pa[*(const unsigned *)a], y = pa[*(const unsigned *)b];

	return x < y ? -1 : x > y;
}

static void alloc_pages(void)
{
	unsigned *order;
	int fd;

	mem = mmap(NULL, (size_t)n_pages * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED,
		   -1, 0);
	if (mem == MAP_FAILED)
		die("mmap of the pages: %s", strerror(errno));
	pa = calloc(n_pages, sizeof(*pa));
	order = calloc(n_pages, sizeof(*order));
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0 || !pa || !order)
		die("cannot open %s", "/proc/self/pagemap");
	for (unsigned i = 0; i < n_pages; i++) {
		uint64_t ent;
		off_t o = ((uintptr_t)mem / PAGE + i) * 8;

		mem[(size_t)i * PAGE] = 1;	/* make sure it is there */
		if (pread(fd, &ent, 8, o) != 8 || !(ent >> 63) ||
		    !(ent & ((1ull << 55) - 1)))
			die("pagemap: no physical address (%s)",
			    "need root and a present page");
		pa[i] = (ent & ((1ull << 55) - 1)) * PAGE;
		order[i] = i;
	}
	close(fd);
	/* DMA pages: pages whose both physical neighbours are ours */
	qsort(order, n_pages, sizeof(*order), cmp_pa);
	for (unsigned k = 1; k + 1 < n_pages && n_dma < MAX_DMA_PAGES; k++) {
		unsigned i = order[k];

		if (pa[order[k - 1]] + PAGE == pa[i] &&
		    pa[i] + PAGE == pa[order[k + 1]] &&
		    (n_dma == 0 || pa[dma_idx[n_dma - 1]] + PAGE < pa[i])) {
			dma_idx[n_dma++] = i;
			k++;	/* keep the next page a canary */
		}
	}
	free(order);
	if (n_dma < PK_NUM * 2)
		die("too few physically contiguous pages (%s)",
		    "try more --pages");
	for (unsigned i = 0; i < n_pages; i++)
		for (unsigned o = 0; o < PAGE; o++)
			mem[(size_t)i * PAGE + o] = canary(i, o);
	for (unsigned d = 0; d < n_dma; d++)
		memset(mem + (size_t)dma_idx[d] * PAGE, 0, PAGE);
}

static bool is_dma(unsigned page)
{
	for (unsigned d = 0; d < n_dma; d++)
		if (dma_idx[d] == page)
			return true;
	return false;
}

/* DMA page number k of a kind: pages are dealt out round-robin */
static unsigned dma_page(enum page_kind kind)
{
	unsigned per = n_dma / PK_NUM;

	return dma_idx[kind + PK_NUM * rn(per)];
}

static uint8_t *page_va(unsigned page) { return mem + (size_t)page * PAGE; }

/*
 * An address for a device access of len bytes: inside a page of the given
 * kind (extent within the page; len must then be <= PAGE), on the MSI-X
 * BAR, outside RAM, or - for reads only - on BAR0 itself (a DMA write to
 * BAR0 could rewrite the ring base registers with data and aim the device
 * at arbitrary guest memory: the guest's own fault, but it would make the
 * canary check meaningless).
 */
static uint64_t dma_addr(int kind, uint32_t len, bool write, unsigned *page,
			 uint32_t *off)
{
	uint32_t r = rn(10);

	if (page)
		*page = ~0u;
	if (kind >= 0 && len <= PAGE && r < 6) {
		unsigned pg = kind == PK_NUM ? dma_idx[rn(n_dma)] :
			      dma_page((enum page_kind)kind);
		uint32_t o = rn((PAGE - len) / 16 + 1) * 16;

		if (page) {
			*page = pg;
			*off = o;
		}
		return pa[pg] + o;
	}
	if (r == 6 && !write)
		return bar0_pa + rn(NFPE_CTRL_BAR_SIZE / 16) * 16;
	if (r == 7)
		return bar2_pa + rn((uint32_t)(bar2_len / 16)) * 16;
	return out_addr[rn(n_out)] + (rnd() & 0xff0);
}

/* a descriptor whose addr/len are safe for RX: written only to ring pages */
static void put_desc(uint8_t *d)
{
	uint32_t len = rn(4) ? rn(2048) : (uint32_t)rnd();
	uint64_t a;

	len &= 0xffff;
	/* room for an unaligned start: allowed for buffers */
	a = dma_addr(len + 15 <= PAGE ? PK_BUF : -1, len + 15, true, NULL,
		     NULL);
	if (!rn(8))
		a += rn(16);
	memcpy(d, &a, 8);
	d[8] = len & 0xff;
	d[9] = len >> 8;
	for (int i = 10; i < 16; i++)
		d[i] = (uint8_t)rnd();
}

static void scribble_ring_page(void)
{
	uint8_t *p = page_va(dma_page(PK_RING));

	for (unsigned n = 1 + rn(64); n; n--)
		put_desc(p + rn(PAGE / 16) * 16);
}

static void scribble_other_page(void)
{
	uint8_t *p = page_va(dma_page(rn(2) ? PK_BUF : PK_CMD));
	uint32_t o = rn(PAGE), n = rn(PAGE - o + 1);

	for (uint32_t i = 0; i < n; i++)
		p[o + i] = (uint8_t)rnd();
}

static uint32_t queue_reg(unsigned p, unsigned q, uint32_t r)
{
	return NFPE_QUEUE_BASE(p, q) + r;
}

static void set_ring(unsigned p, unsigned q, bool rx)
{
	static const uint32_t bogus[] = {
		0, 1, 2, 3, 7, 100, 8192, 0x10000, 0x80000000u, 0xffffffffu,
	};
	uint32_t size = rn(3) ? 8u << rn(6) : bogus[rn(10)];
	uint32_t ext = size >= 8 && size <= 256 ? size * 16 : PAGE + 1;
	uint64_t base;

	/* a valid in-RAM geometry must fit its page; others are refused or
	 * outside RAM */
	if (ext > PAGE && (size & (size - 1)) == 0 && size >= 8 &&
	    size <= NFPE_RING_MAX)
		base = dma_addr(-1, 0, true, NULL, NULL);
	else if (ext > PAGE)
		base = rn(2) ? dma_addr(-1, 0, true, NULL, NULL) :
			       pa[dma_page(PK_RING)] + rn(PAGE);
	else
		base = dma_addr(rx ? PK_RING : PK_NUM, ext, true, NULL, NULL);
	if (!rn(16))
		base |= 8;	/* misaligned: refused at enable */
	wr(queue_reg(p, q, rx ? NFPE_Q_RX_BASE_LO : NFPE_Q_TX_BASE_LO),
	   (uint32_t)base);
	wr(queue_reg(p, q, rx ? NFPE_Q_RX_BASE_HI : NFPE_Q_TX_BASE_HI),
	   (uint32_t)(base >> 32));
	wr(queue_reg(p, q, rx ? NFPE_Q_RX_SIZE : NFPE_Q_TX_SIZE), size);
}

static void set_cmd_buf(uint32_t *len_out, uint8_t **va)
{
	uint32_t len = rn(4) ? 32 + rn(PAGE - 32 + 1) : (uint32_t)rnd();
	unsigned page;
	uint32_t off;
	uint64_t a = dma_addr(len <= PAGE ? PK_CMD : -1, len, true, &page,
			      &off);

	*va = page == ~0u ? NULL : page_va(page) + off;
	*len_out = len;
	wr(NFPE_REG_CMD_ADDR_LO, (uint32_t)a);
	wr(NFPE_REG_CMD_ADDR_HI, (uint32_t)(a >> 32));
	wr(NFPE_REG_CMD_BUF_LEN, len);
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* a command: random opcode, header and payload; bogus image addresses */
static void bogus_command(void)
{
	uint32_t buf_len, len, seq = (uint32_t)rnd();
	uint8_t *c;

	set_cmd_buf(&buf_len, &c);
	if (c) {
		uint32_t max = buf_len < 512 ? buf_len : 512;

		len = rn(8) ? rn(max + 1) : (uint32_t)rnd();
		for (uint32_t i = 0; i < max; i++)
			c[i] = (uint8_t)rnd();
		c[0] = (uint8_t)(rn(8) ? 1 + rn(NFPE_CMD_PROG_STATS) : rnd());
		c[1] = rn(8) ? 0 : (uint8_t)rnd();
		if (rn(4)) {
			c[2] = c[3] = 0;
			memset(c + 20, 0, 12);
		}
		put32(c + 4, len);
		put32(c + 8, seq);
		if (c[0] == NFPE_CMD_LOAD_IMAGE && max >= 48) {
			uint32_t il = rn(2) ? rn(PAGE) : (uint32_t)rnd();

			put64(c + 32, dma_addr(il <= PAGE ? PK_NUM : -1, il,
					       false, NULL, NULL));
			put32(c + 40, il);
		}
	}
	wr(NFPE_REG_CMD_DOORBELL, seq);
	cmds++;
}

/* registers a random write must not hit: DMA addresses and sizes */
static bool dma_reg(uint32_t off)
{
	uint32_t r;

	if (off == NFPE_REG_CMD_ADDR_LO || off == NFPE_REG_CMD_ADDR_HI ||
	    off == NFPE_REG_CMD_BUF_LEN)
		return true;
	if (off < NFPE_PORT_BASE(0) || off >= NFPE_PORT_BASE(NFPE_MAX_PORTS))
		return false;
	r = (off - NFPE_PORT_BASE(0)) % 0x400;
	if (r < 0x100 || r >= 0x100 + 0x40 * NFPE_MAX_QUEUES)
		return false;
	r = (r - 0x100) % 0x40;
	return r <= NFPE_Q_TX_SIZE ||
	       (r >= NFPE_Q_RX_BASE_LO && r <= NFPE_Q_RX_SIZE);
}

static uint32_t random_reg(void)
{
	static const uint32_t glob[] = {
		NFPE_REG_CTRL, NFPE_REG_ERR_ACK, NFPE_REG_SCRATCH,
		NFPE_REG_IRQ_TEST, NFPE_REG_CMD_DOORBELL, NFPE_REG_IRQ_CAUSE,
		NFPE_REG_FAULT_INJECT, NFPE_REG_ID, NFPE_REG_STATUS,
	};
	unsigned p = rn(NFPE_MAX_PORTS + 1), q = rn(NFPE_MAX_QUEUES + 1);

	switch (rn(5)) {
	case 0:
		return glob[rn(9)];
	case 1:
		return NFPE_REG_VEC_ARM(rn(NFPE_MSIX_VECTORS + 4));
	case 2:
		return NFPE_PORT_BASE(p) + rn(8) * 4;
	case 3:
		return queue_reg(p, q, rn(16) * 4);
	default:
		return rn(NFPE_CTRL_BAR_SIZE / 4) * 4;
	}
}

static uint32_t random_val(void)
{
	switch (rn(4)) {
	case 0: return rn(16);
	case 1: return 1u << rn(32);
	case 2: return rn(2) ? 0 : 0xffffffffu;
	default: return (uint32_t)rnd();
	}
}

static void reset_device(void)
{
	err_sum += rd(NFPE_REG_ERR_COUNT);
	wr(NFPE_REG_CTRL, NFPE_CTRL_RESET);
	resets++;
	for (int i = 0; i < 100000 && !(rd(NFPE_REG_STATUS) & NFPE_STATUS_READY); i++)
		;
}

static void storm_op(void)
{
	unsigned p = rn(NFPE_MAX_PORTS), q = rn(NFPE_MAX_QUEUES);
	uint32_t off;

	switch (rn(20)) {
	case 0: case 1: case 2:
		off = random_reg();
		if (dma_reg(off))
			set_ring(p, q, rn(2));
		else
			wr(off, random_val());
		break;
	case 3:
		rd(random_reg());
		break;
	case 4: case 5:
		set_ring(p, q, rn(2));
		break;
	case 6: case 7:
		scribble_ring_page();
		break;
	case 8:
		scribble_other_page();
		break;
	case 9: case 10:
		bogus_command();
		break;
	case 11: case 12:	/* doorbells */
		wr(queue_reg(p, q, rn(2) ? NFPE_Q_TX_TAIL : NFPE_Q_RX_TAIL),
		   rn(4) ? rn(300) : random_val());
		break;
	case 13: case 14:
		wr(NFPE_PORT_BASE(p) + NFPE_PORT_CTRL, rn(8));
		break;
	case 15:
		wr(NFPE_PORT_BASE(p) + NFPE_PORT_NUM_QUEUES, rn(6));
		break;
	case 16:
		wr(NFPE_REG_CTRL, rn(4) ? NFPE_CTRL_ENABLE : 0);
		break;
	case 17:
		wr(NFPE_REG_ERR_ACK, 1);
		break;
	case 18:
		if (!rn(20))
			reset_device();
		break;
	default:
		wr(NFPE_REG_IRQ_TEST, rn(NFPE_MSIX_VECTORS + 2));
		break;
	}
}

/* a well-formed STATS command: dev_errors since the last reset */
static int stats_command(uint64_t *dev)
{
	uint8_t *c = page_va(dma_idx[PK_CMD]);
	uint64_t a = pa[dma_idx[PK_CMD]];
	uint32_t seq = 0x5eed0000u + (uint32_t)resets;
	int32_t result;

	/* rings and ports off, then commands on (counters stay) */
	for (unsigned p = 0; p < NFPE_MAX_PORTS; p++)
		wr(NFPE_PORT_BASE(p) + NFPE_PORT_CTRL, 0);
	wr(NFPE_REG_ERR_ACK, 1);
	wr(NFPE_REG_CTRL, NFPE_CTRL_ENABLE);
	memset(c, 0, PAGE);
	c[0] = NFPE_CMD_STATS;
	put32(c + 4, 32);
	put32(c + 8, seq);
	wr(NFPE_REG_CMD_ADDR_LO, (uint32_t)a);
	wr(NFPE_REG_CMD_ADDR_HI, (uint32_t)(a >> 32));
	wr(NFPE_REG_CMD_BUF_LEN, PAGE);
	wr(NFPE_REG_CMD_DOORBELL, seq);
	for (int i = 0; i < 2000 && rd(NFPE_REG_CMD_DONE) != seq; i++)
		usleep(1000);
	if (rd(NFPE_REG_CMD_DONE) != seq) {
		fprintf(stderr, "nfpe-hostile: STATS did not complete\n");
		return -1;
	}
	memcpy(&result, c + 12, 4);
	if (result) {
		fprintf(stderr, "nfpe-hostile: STATS result %d\n", result);
		return -1;
	}
	memcpy(dev, c + 32 + 16, 8 * NFPE_DC_NUM);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "bdf", 1, NULL, 'b' }, { "seconds", 1, NULL, 's' },
		{ "seed", 1, NULL, 'r' }, { "pages", 1, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const dc_name[] = {
#define NFPE_X_NAME(e, s) s,
		NFPE_DEV_COUNTERS(NFPE_X_NAME)
#undef NFPE_X_NAME
	};
	double seconds = 20, t0, t_end;
	uint64_t seed = 0, dev[NFPE_DC_NUM];
	uint64_t bad = 0, first_bad = ~0ull, last_err;
	char path[256];
	int c, fd;

	n_pages = 1024;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'b': bdf = optarg; break;
		case 's': seconds = atof(optarg); break;
		case 'r': seed = strtoull(optarg, NULL, 0); break;
		case 'p': n_pages = (unsigned)atoi(optarg); break;
		default:
			fprintf(stderr, "usage: nfpe-hostile --bdf BDF [--seconds S] [--seed N] [--pages N]\n");
			return 2;
		}
	}
	if (!bdf || seconds <= 0 || n_pages < 64)
		die("%s", "usage: nfpe-hostile --bdf BDF [--seconds S] [--seed N] [--pages N >= 64]");
	if (!seed)
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	rng = seed | 1;
	printf("nfpe-hostile: seed 0x%" PRIx64 ", %.0f s, %u pages\n", seed,
	       seconds, n_pages);

	read_bars();
	pick_out_addrs();
	alloc_pages();
	printf("nfpe-hostile: %u DMA pages (first at 0x%" PRIx64 "), BAR0 0x%"
	       PRIx64 ", BAR2 0x%" PRIx64 ", %u outside-RAM addresses\n",
	       n_dma, pa[dma_idx[0]], bar0_pa, bar2_pa, n_out);

	sysfs_write("enable", "1");
	pci_command(true);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", bdf);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		die("cannot open %s", path);
	bar = mmap(NULL, NFPE_CTRL_BAR_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED, fd, 0);
	if (bar == MAP_FAILED)
		die("cannot mmap %s", path);
	if (rd(NFPE_REG_ID) != NFPE_ID_MAGIC)
		die("%s: not an nfp-ebpf BAR0", path);
	reset_device();
	err_sum = 0;

	t0 = now();
	t_end = t0 + seconds;
	while (now() < t_end) {
		for (int i = 0; i < 256; i++)
			storm_op();
		/* QEMU must still answer */
		if (rd(NFPE_REG_ID) != NFPE_ID_MAGIC)
			die("%s", "BAR0 ID register no longer reads the magic");
	}
	last_err = rd(NFPE_REG_ERR_COUNT);
	err_sum += last_err;
	printf("nfpe-hostile: %" PRIu64 " register operations, %" PRIu64
	       " commands, %" PRIu64 " resets in %.1f s; %" PRIu64
	       " device errors counted (ERR_COUNT summed over resets)\n",
	       ops, cmds, resets, now() - t0, err_sum);

	c = stats_command(dev);
	if (c == 0) {
		printf("nfpe-hostile: STATS since the last reset:");
		for (int i = 0; i < NFPE_DC_NUM; i++)
			printf(" %s=%" PRIu64, dc_name[i], dev[i]);
		printf("\n");
	}

	/* quiesce: reset, then no more DMA at all */
	reset_device();
	pci_command(false);
	munmap((void *)bar, NFPE_CTRL_BAR_SIZE);
	close(fd);
	sysfs_write("enable", "0");

	for (unsigned i = 0; i < n_pages; i++) {
		if (is_dma(i))
			continue;
		for (unsigned o = 0; o < PAGE; o++) {
			if (mem[(size_t)i * PAGE + o] != canary(i, o)) {
				if (first_bad == ~0ull)
					first_bad = pa[i] + o;
				bad++;
			}
		}
	}
	printf("nfpe-hostile: canaries: %u pages, %" PRIu64
	       " bytes changed\n", n_pages - n_dma, bad);
	if (bad) {
		printf("nfpe-hostile: FAIL: canary memory changed (first at physical 0x%"
		       PRIx64 ")\n", first_bad);
		return 1;
	}
	if (err_sum == 0) {
		printf("nfpe-hostile: FAIL: the device counted no error\n");
		return 1;
	}
	if (c || dev[NFPE_DC_ERRORS] == 0 || dev[NFPE_DC_ERRORS] < last_err) {
		printf("nfpe-hostile: FAIL: STATS %s (dev_errors %" PRIu64
		       ", ERR_COUNT %" PRIu64 ")\n", c ? "failed" : "shows no errors",
		       c ? 0 : dev[NFPE_DC_ERRORS], last_err);
		return 1;
	}
	printf("nfpe-hostile: PASS (seed 0x%" PRIx64 ")\n", seed);
	return 0;
}
