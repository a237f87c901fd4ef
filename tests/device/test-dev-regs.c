/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test-dev-regs.c - BAR0 registers, capability list, error latching,
 * interrupts (auto-mask, re-arm, IRQ_TEST, IRQ_CAUSE), reset, fault
 * injection, properties.
 */
#include "dev-test-util.h"

static void test_identity(void)
{
	struct fake *f = fake_new(NULL);

	g_assert_cmphex(rd(f, NFPE_REG_ID), ==, NFPE_ID_MAGIC);
	g_assert_cmphex(rd(f, NFPE_REG_ABI), ==,
			NFPE_ABI_MAJOR << 16 | NFPE_ABI_MINOR);
	g_assert_cmphex(rd(f, NFPE_REG_STATUS), ==, NFPE_STATUS_READY);
	g_assert_cmpuint(rd(f, NFPE_REG_NUM_PORTS), ==, 1);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, NFPE_ERR_NONE);
	wr(f, NFPE_REG_SCRATCH, 0xdeadbeef);
	g_assert_cmphex(rd(f, NFPE_REG_SCRATCH), ==, 0xdeadbeef);
	/* MAC of port 0 */
	g_assert_cmphex(rd(f, NFPE_PORT_BASE(0) + NFPE_PORT_MAC_LO), ==,
			0xf0005452);
	g_assert_cmphex(rd(f, NFPE_PORT_BASE(0) + NFPE_PORT_MAC_HI), ==,
			0x0000);
	g_assert_cmpuint(rd(f, NFPE_PORT_BASE(0) + NFPE_PORT_MTU), ==, 1500);
	g_assert_cmphex(rd(f, NFPE_PORT_BASE(0) + NFPE_PORT_STATUS), ==,
			NFPE_PORT_STATUS_LINK);
	g_assert_cmpuint(f->logs, ==, 0);
	fake_free(f);
}

static void test_caps(void)
{
	struct nfpe_props pr;
	struct fake *f;
	uint32_t off, len, seen = 0, i;
	uint8_t area[NFPE_CAP_AREA_SIZE];

	nfpe_props_default(&pr);
	pr.ports = 3;
	pr.queues = 2;
	pr.cores = 7;
	pr.threads = 3;
	pr.clock_mhz = 1200;
	pr.code_store = 4096;
	pr.map_memory = 1 << 20;
	pr.fault_inject = true;
	f = fake_new(&pr);
	off = rd(f, NFPE_REG_CAP_OFF);
	len = rd(f, NFPE_REG_CAP_LEN);
	g_assert_cmpuint(off, ==, NFPE_CAP_AREA);
	g_assert_cmpuint(len, <=, NFPE_CAP_AREA_SIZE);
	g_assert_cmpuint(len % 4, ==, 0);
	for (i = 0; i < len; i += 4)
		nfpe_st32(area + i, rd(f, off + i));
	for (i = 0; i + 4 <= len;) {
		uint16_t type = nfpe_ld16(area + i);
		uint16_t l = nfpe_ld16(area + i + 2);
		uint32_t v = l >= 4 ? nfpe_ld32(area + i + 4) : 0;

		g_assert_cmpuint(i + 4 + l, <=, len);
		if (type == NFPE_CAP_END)
			break;
		seen |= 1u << type;
		switch (type) {
		case NFPE_CAP_ABI: g_assert_cmphex(v, ==, 0x10000); break;
		case NFPE_CAP_CODE_STORE: g_assert_cmpuint(v, ==, 4096); break;
		case NFPE_CAP_CORES: g_assert_cmpuint(v, ==, 7); break;
		case NFPE_CAP_THREADS: g_assert_cmpuint(v, ==, 3); break;
		case NFPE_CAP_CLOCK_MHZ: g_assert_cmpuint(v, ==, 1200); break;
		case NFPE_CAP_PORTS: g_assert_cmpuint(v, ==, 3); break;
		case NFPE_CAP_QUEUES: g_assert_cmpuint(v, ==, 2); break;
		case NFPE_CAP_STACK_SIZE: g_assert_cmpuint(v, ==, 512); break;
		case NFPE_CAP_MAP_MEMORY:
			g_assert_cmpuint(l, ==, 8);
			g_assert_cmpuint(nfpe_ld64(area + i + 4), ==, 1 << 20);
			break;
		case NFPE_CAP_MAP_TYPES:
			g_assert_true(v & (1u << NFPE_BPF_MAP_HASH));
			g_assert_true(v & (1u << NFPE_BPF_MAP_ARRAY));
			break;
		case NFPE_CAP_FAULT_INJECT: g_assert_cmphex(v, ==, 0xf); break;
		default: break;
		}
		i += 4 + ((l + 3u) & ~3u);
	}
	g_assert_cmpuint(nfpe_ld16(area + i), ==, NFPE_CAP_END);
	for (i = NFPE_CAP_ABI; i <= NFPE_CAP_FAULT_INJECT; i++)
		g_assert_true(seen & (1u << i));
	g_assert_cmpuint(rd(f, NFPE_REG_NUM_PORTS), ==, 3);
	/* queue registers past the queue count are unknown */
	g_assert_cmpuint(f->core.err_count, ==, 0);
	qrd(f, 0, 2, NFPE_Q_TX_SIZE);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, NFPE_ERR_BAD_REG);
	fake_free(f);
}

/* x-abi: the register and the capability report what the property says
 * (the driver's refusal of an unknown major is tested in the VM) */
static void test_abi_override(void)
{
	struct nfpe_props pr;
	struct fake *f;

	nfpe_props_default(&pr);
	f = fake_new(&pr);
	g_assert_cmphex(rd(f, NFPE_REG_ABI), ==,
			NFPE_ABI_MAJOR << 16 | NFPE_ABI_MINOR);
	fake_free(f);
	pr.abi = 0x20003;
	f = fake_new(&pr);
	g_assert_cmphex(rd(f, NFPE_REG_ABI), ==, 0x20003);
	g_assert_cmpuint(rd(f, NFPE_REG_CAP_OFF), ==, NFPE_CAP_AREA);
	g_assert_cmpuint(rd(f, NFPE_CAP_AREA), ==,
			 NFPE_CAP_ABI | 4u << 16);
	g_assert_cmphex(rd(f, NFPE_CAP_AREA + 4), ==, 0x20003);
	fake_free(f);
}

static void test_bad_regs(void)
{
	struct fake *f = fake_new(NULL);
	static const uint32_t ro[] = {
		NFPE_REG_ID, NFPE_REG_ABI, NFPE_REG_STATUS, NFPE_REG_ERR_CODE,
		NFPE_REG_ERR_INFO, NFPE_REG_ERR_COUNT, NFPE_REG_CAP_OFF,
		NFPE_REG_CAP_LEN, NFPE_REG_CMD_DONE, NFPE_REG_NUM_PORTS,
		NFPE_CAP_AREA, NFPE_PORT_BASE(0) + NFPE_PORT_STATUS,
		NFPE_PORT_BASE(0) + NFPE_PORT_MAC_LO,
		NFPE_QUEUE_BASE(0, 0) + NFPE_Q_TX_HEAD,
		NFPE_QUEUE_BASE(0, 0) + NFPE_Q_RX_HEAD,
		0x0050, 0x0ffc, NFPE_PORT_BASE(1), NFPE_PORT_BASE(0) + 0x80,
		NFPE_REG_FAULT_INJECT,	/* property off: unknown */
	};
	unsigned i;

	for (i = 0; i < G_N_ELEMENTS(ro); i++) {
		uint32_t before = rd(f, ro[i]);
		uint32_t cnt = rd(f, NFPE_REG_ERR_COUNT);

		wr(f, ro[i], 0x12345678);
		g_assert_cmpuint(rd(f, NFPE_REG_ERR_COUNT), >, cnt);
		g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==,
				 NFPE_ERR_BAD_REG);
		if (ro[i] != NFPE_REG_ERR_COUNT && ro[i] != NFPE_REG_STATUS &&
		    ro[i] != NFPE_REG_ERR_CODE && ro[i] != NFPE_REG_ERR_INFO)
			g_assert_cmphex(rd(f, ro[i]), ==, before);
		g_assert_true(rd(f, NFPE_REG_STATUS) & NFPE_STATUS_ERROR);
		wr(f, NFPE_REG_ERR_ACK, 1);
		g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, NFPE_ERR_NONE);
		g_assert_false(rd(f, NFPE_REG_STATUS) & NFPE_STATUS_ERROR);
	}
	/* first error latched, info = offset */
	wr(f, 0x0ffc, 1);
	wr(f, NFPE_REG_ID, 1);
	g_assert_cmphex(rd(f, NFPE_REG_ERR_INFO), ==, 0x0ffc);
	/* bad sizes, misaligned, out of the BAR */
	g_assert_cmpuint(nfpe_core_mmio_read(&f->core, 2, 4), ==, 0);
	nfpe_core_mmio_write(&f->core, NFPE_REG_SCRATCH, 1, 2);
	g_assert_cmpuint(rd(f, NFPE_REG_SCRATCH), ==, 0);
	g_assert_cmpuint(nfpe_core_mmio_read(&f->core, 0x10000, 4), ==, 0);
	/* bad values: MTU, queues, vectors */
	wr(f, NFPE_PORT_BASE(0) + NFPE_PORT_MTU, 20);
	wr(f, NFPE_PORT_BASE(0) + NFPE_PORT_MTU, 100000);
	g_assert_cmpuint(rd(f, NFPE_PORT_BASE(0) + NFPE_PORT_MTU), ==, 1500);
	wr(f, NFPE_PORT_BASE(0) + NFPE_PORT_NUM_QUEUES, 2);
	g_assert_cmpuint(rd(f, NFPE_PORT_BASE(0) + NFPE_PORT_NUM_QUEUES), ==,
			 1);
	qwr(f, 0, 0, NFPE_Q_RX_VECTOR, 64);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_VECTOR), ==, 0);
	wr(f, NFPE_PORT_BASE(0) + NFPE_PORT_MTU, 9000);
	g_assert_cmpuint(rd(f, NFPE_PORT_BASE(0) + NFPE_PORT_MTU), ==, 9000);
	g_assert_cmpuint(f->core.dcnt[NFPE_DC_BAD_REG], >=, 25);
	g_assert_cmpuint(f->logs, >=, 25);
	fake_free(f);
}

static void test_irq_automask(void)
{
	struct fake *f = fake_new(NULL);

	/* errors before CTRL_ENABLE set causes but do not interrupt */
	wr(f, NFPE_REG_ID, 0);
	g_assert_cmpuint(f->irqs[0], ==, 0);
	g_assert_true(rd(f, NFPE_REG_IRQ_CAUSE) & NFPE_IRQ_ERROR);
	wr(f, NFPE_REG_CTRL, NFPE_CTRL_ENABLE);
	g_assert_cmpuint(f->irqs[0], ==, 1);
	wr(f, NFPE_REG_IRQ_CAUSE, NFPE_IRQ_ERROR);
	wr(f, NFPE_REG_VEC_ARM(0), 1);
	g_assert_cmpuint(f->irqs[0], ==, 1);
	f->irqs[0] = 0;

	/* IRQ_TEST fires whatever the mask */
	wr(f, NFPE_REG_IRQ_TEST, 5);
	wr(f, NFPE_REG_IRQ_TEST, 5);
	g_assert_cmpuint(f->irqs[5], ==, 2);
	wr(f, NFPE_REG_IRQ_TEST, 64);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, NFPE_ERR_BAD_REG);
	g_assert_cmpuint(f->irqs[0], ==, 1);	/* the error itself */
	g_assert_true(rd(f, NFPE_REG_IRQ_CAUSE) & NFPE_IRQ_ERROR);
	/* vector 0 is now masked: more errors don't interrupt */
	wr(f, NFPE_REG_ID, 0);
	g_assert_cmpuint(f->irqs[0], ==, 1);
	/* w1c */
	wr(f, NFPE_REG_IRQ_CAUSE, NFPE_IRQ_ERROR);
	g_assert_cmphex(rd(f, NFPE_REG_IRQ_CAUSE), ==, 0);
	/* re-arm with an event pending: fires at once */
	wr(f, NFPE_REG_VEC_ARM(0), 1);
	g_assert_cmpuint(f->irqs[0], ==, 2);
	/* re-arm with nothing pending: nothing, next event fires */
	wr(f, NFPE_REG_VEC_ARM(0), 1);
	g_assert_cmpuint(f->irqs[0], ==, 2);
	nfpe_core_set_link(&f->core, 0, false);
	g_assert_cmpuint(f->irqs[0], ==, 3);
	g_assert_true(rd(f, NFPE_REG_IRQ_CAUSE) & NFPE_IRQ_LINK);
	g_assert_false(rd(f, NFPE_PORT_BASE(0) + NFPE_PORT_STATUS) &
		       NFPE_PORT_STATUS_LINK);
	nfpe_core_set_link(&f->core, 0, false);	/* no change, no irq */
	g_assert_cmpuint(f->irqs[0], ==, 3);
	/* reading a wo arm register is harmless */
	g_assert_cmpuint(rd(f, NFPE_REG_VEC_ARM(3)), ==, 0);
	fake_free(f);
}

static void test_reset(void)
{
	struct fake *f = fake_new(NULL);
	uint32_t id;

	port_up(f, 0, 1, 16, 2048, NFPE_PORT_CTRL_RX_META);
	id = simple_prog(f, 0, NFPE_HOOK_XDP, 1);
	g_assert_cmpuint(id, !=, 0);
	wr(f, NFPE_REG_SCRATCH, 7);
	wr(f, NFPE_REG_ID, 7);	/* latch an error */
	g_assert_cmpuint(stat_dev(f, NFPE_DC_RESETS), ==, 0);
	wr(f, NFPE_REG_CTRL, NFPE_CTRL_RESET);
	g_assert_cmphex(rd(f, NFPE_REG_STATUS), ==, NFPE_STATUS_READY);
	g_assert_cmphex(rd(f, NFPE_REG_CTRL), ==, 0);
	g_assert_cmpuint(rd(f, NFPE_REG_SCRATCH), ==, 0);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, 0);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_COUNT), ==, 0);
	g_assert_cmpuint(rd(f, NFPE_PORT_BASE(0) + NFPE_PORT_CTRL), ==, 0);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_SIZE), ==, 0);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_TAIL), ==, 0);
	g_assert_null(f->core.port[0].hook[NFPE_HOOK_XDP]);
	g_assert_null(nfpe_cmd_find_prog(&f->core, id));
	/* counters zeroed except resets */
	wr(f, NFPE_REG_CTRL, NFPE_CTRL_ENABLE);
	g_assert_cmpuint(stat_dev(f, NFPE_DC_RESETS), ==, 1);
	g_assert_cmpuint(stat_dev(f, NFPE_DC_ERRORS), ==, 0);
	g_assert_cmpuint(stat_port(f, 0, NFPE_PC_RX_PACKETS), ==, 0);
	/* the bus reset does the same */
	nfpe_core_reset(&f->core);
	g_assert_cmpuint(f->core.dcnt[NFPE_DC_RESETS], ==, 2);
	g_assert_false(nfpe_core_can_receive(&f->core, 0));
	fake_free(f);
}

static void test_ring_cfg(void)
{
	struct fake *f = fake_new(NULL);
	uint64_t ring = galloc(f, 16 * 64, 16);
	static const uint32_t bad_sizes[] = { 3, 4, 12, 8192, 0x80000000u };
	unsigned i;

	wr(f, NFPE_REG_CTRL, NFPE_CTRL_ENABLE);
	for (i = 0; i < G_N_ELEMENTS(bad_sizes); i++) {
		qwr(f, 0, 0, NFPE_Q_RX_BASE_LO, (uint32_t)ring);
		qwr(f, 0, 0, NFPE_Q_RX_SIZE, bad_sizes[i]);
		wr(f, NFPE_PORT_BASE(0) + NFPE_PORT_CTRL,
		   NFPE_PORT_CTRL_ENABLE);
		g_assert_cmpuint(rd(f, NFPE_PORT_BASE(0) + NFPE_PORT_CTRL), ==,
				 0);
		g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==,
				 NFPE_ERR_RING_CFG);
		g_assert_cmphex(rd(f, NFPE_REG_ERR_INFO), ==, 1);
		wr(f, NFPE_REG_ERR_ACK, 1);
	}
	/* misaligned base */
	qwr(f, 0, 0, NFPE_Q_RX_SIZE, 64);
	qwr(f, 0, 0, NFPE_Q_RX_BASE_LO, (uint32_t)ring + 8);
	wr(f, NFPE_PORT_BASE(0) + NFPE_PORT_CTRL, NFPE_PORT_CTRL_ENABLE);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, NFPE_ERR_RING_CFG);
	wr(f, NFPE_REG_ERR_ACK, 1);
	/* good: enable works; geometry locked while enabled */
	qwr(f, 0, 0, NFPE_Q_RX_BASE_LO, (uint32_t)ring);
	wr(f, NFPE_PORT_BASE(0) + NFPE_PORT_CTRL, NFPE_PORT_CTRL_ENABLE);
	g_assert_cmpuint(rd(f, NFPE_PORT_BASE(0) + NFPE_PORT_CTRL), ==, 1);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, 0);
	qwr(f, 0, 0, NFPE_Q_RX_SIZE, 8);
	g_assert_cmpuint(qrd(f, 0, 0, NFPE_Q_RX_SIZE), ==, 64);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, NFPE_ERR_BAD_REG);
	wr(f, NFPE_REG_ERR_ACK, 1);
	/* tail more than size ahead: port stops until reset */
	qwr(f, 0, 0, NFPE_Q_RX_TAIL, 65);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, NFPE_ERR_RING_INDEX);
	g_assert_cmphex(rd(f, NFPE_REG_ERR_INFO), ==, 1);
	g_assert_false(nfpe_core_can_receive(&f->core, 0));
	qwr(f, 0, 0, NFPE_Q_RX_TAIL, 1);
	g_assert_false(nfpe_core_can_receive(&f->core, 0));
	wr(f, NFPE_REG_CTRL, NFPE_CTRL_RESET);
	port_up(f, 0, 1, 8, 2048, 0);
	g_assert_true(nfpe_core_can_receive(&f->core, 0));
	fake_free(f);
}

static void test_props(void)
{
	struct nfpe_props pr;
	struct nfpe_core core;
	char *err = NULL;

	nfpe_props_default(&pr);
	pr.ports = 5;
	g_assert_false(nfpe_core_init(&core, &pr, &fake_ops, NULL, &err));
	g_assert_nonnull(err);
	g_free(err);
	nfpe_props_default(&pr);
	pr.mtu_max = 100000;
	g_assert_false(nfpe_core_init(&core, &pr, &fake_ops, NULL, &err));
	g_free(err);
	nfpe_props_default(&pr);
	pr.cores = 0;
	g_assert_false(nfpe_core_init(&core, &pr, &fake_ops, NULL, &err));
	g_free(err);
	nfpe_props_default(&pr);
	pr.map_memory = 10;
	g_assert_false(nfpe_core_init(&core, &pr, &fake_ops, NULL, &err));
	g_free(err);
}

static void test_fault_inject(void)
{
	struct nfpe_props pr;
	struct fake *f;
	uint8_t x[4] = { 1, 2, 3, 4 }, y[4];

	nfpe_props_default(&pr);
	pr.fault_inject = true;
	f = fake_new(&pr);
	wr(f, NFPE_REG_CTRL, NFPE_CTRL_ENABLE);
	/* CMD_ERROR: next command -EIO, then normal */
	wr(f, NFPE_REG_FAULT_INJECT, NFPE_FAULT_CMD_ERROR);
	g_assert_cmphex(rd(f, NFPE_REG_FAULT_INJECT), ==,
			NFPE_FAULT_CMD_ERROR);
	g_assert_cmpint(cmd(f, NFPE_CMD_ECHO, x, 4, y, 4, NULL), ==,
			-NFPE_EIO);
	g_assert_cmphex(rd(f, NFPE_REG_FAULT_INJECT), ==, 0);
	g_assert_cmpint(cmd(f, NFPE_CMD_ECHO, x, 4, y, 4, NULL), ==, 0);
	/* LOST_IRQ: the CMD_DONE interrupt is not sent, vector masked */
	wr(f, NFPE_REG_VEC_ARM(0), 1);
	f->irqs[0] = 0;
	wr(f, NFPE_REG_FAULT_INJECT, NFPE_FAULT_LOST_IRQ);
	g_assert_cmpint(cmd(f, NFPE_CMD_ECHO, x, 4, y, 4, NULL), ==, 0);
	g_assert_cmpuint(f->irqs[0], ==, 0);
	g_assert_true(rd(f, NFPE_REG_IRQ_CAUSE) & NFPE_IRQ_CMD_DONE);
	/* CMD_TIMEOUT: never completes, BUSY until reset */
	wr(f, NFPE_REG_FAULT_INJECT, NFPE_FAULT_CMD_TIMEOUT);
	wr(f, NFPE_REG_CMD_DOORBELL, 1000);
	g_assert_cmpuint(rd(f, NFPE_REG_CMD_DONE), !=, 1000);
	g_assert_true(rd(f, NFPE_REG_STATUS) & NFPE_STATUS_CMD_BUSY);
	wr(f, NFPE_REG_CMD_DOORBELL, 1001);
	g_assert_cmpuint(rd(f, NFPE_REG_CMD_DONE), !=, 1001);
	wr(f, NFPE_REG_CTRL, NFPE_CTRL_RESET);
	g_assert_false(rd(f, NFPE_REG_STATUS) & NFPE_STATUS_CMD_BUSY);
	wr(f, NFPE_REG_CTRL, NFPE_CTRL_ENABLE);
	f->seq = 0;
	g_assert_cmpint(cmd(f, NFPE_CMD_ECHO, x, 4, y, 4, NULL), ==, 0);
	/* unknown bits */
	wr(f, NFPE_REG_FAULT_INJECT, 0x100);
	g_assert_cmpuint(rd(f, NFPE_REG_ERR_CODE), ==, NFPE_ERR_BAD_REG);
	fake_free(f);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/device/regs/identity", test_identity);
	g_test_add_func("/device/regs/caps", test_caps);
	g_test_add_func("/device/regs/bad-registers", test_bad_regs);
	g_test_add_func("/device/regs/irq-automask", test_irq_automask);
	g_test_add_func("/device/regs/reset", test_reset);
	g_test_add_func("/device/regs/ring-config", test_ring_cfg);
	g_test_add_func("/device/regs/props", test_props);
	g_test_add_func("/device/regs/fault-inject", test_fault_inject);
	g_test_add_func("/device/regs/abi-override", test_abi_override);
	return g_test_run();
}
