// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfp_ebpf: PCI probe and remove, capabilities, self-test, the control
 * vector (command completion, link, device errors), reset and recovery.
 *
 * Probe: BARs, ID and ABI, capability TLVs, MSI-X (vector 0 for the
 * control plane, one per queue after it), device reset, command buffer,
 * ports (netdev, NAPI, ring vectors), self-test (SCRATCH, IRQ_TEST on
 * every vector, ECHO through DMA), then register the netdevs.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/interrupt.h>
#include <linux/delay.h>
#include <linux/rtnetlink.h>
#include <linux/cpumask.h>

#include "nfpe.h"

static unsigned int max_queues = NFPE_MAX_QUEUES;
module_param(max_queues, uint, 0444);
MODULE_PARM_DESC(max_queues, "queues per port, at most (default and limit 4)");

#define NFPE_RESET_BURST	5
#define NFPE_RESET_WINDOW	(10 * HZ)

static const char * const nfpe_err_names[] = {
	[NFPE_ERR_NONE]		= "none",
	[NFPE_ERR_BAD_REG]	= "bad register access",
	[NFPE_ERR_DMA_READ]	= "DMA read failed",
	[NFPE_ERR_DMA_WRITE]	= "DMA write failed",
	[NFPE_ERR_RING_CFG]	= "bad ring configuration",
	[NFPE_ERR_RING_INDEX]	= "ring index out of range",
	[NFPE_ERR_CMD]		= "malformed command",
	[NFPE_ERR_TX_DESC]	= "bad TX descriptor",
};

/* ---- Reset and recovery ------------------------------------------------ */

/* Full device reset; reprograms the command buffer.  cmd_lock held. */
static int nfpe_hw_reset_locked(struct nfpe_dev *nn)
{
	unsigned long deadline;
	u32 status;

	nfpe_wr(nn, NFPE_REG_CTRL, NFPE_CTRL_RESET);
	deadline = jiffies + msecs_to_jiffies(NFPE_RESET_TIMEOUT_MS);
	for (;;) {
		status = nfpe_rd(nn, NFPE_REG_STATUS);
		if (status != ~0u && (status & NFPE_STATUS_READY))
			break;
		if (time_after(jiffies, deadline)) {
			dev_err(&nn->pdev->dev,
				"device did not become ready after reset (STATUS 0x%08x)\n",
				status);
			return -ETIMEDOUT;
		}
		usleep_range(1000, 2000);
	}
	nfpe_cmd_program(nn);
	nfpe_wr(nn, NFPE_REG_CTRL, NFPE_CTRL_ENABLE);
	nfpe_wr(nn, NFPE_REG_VEC_ARM(NFPE_VEC_CTRL), 1);
	return 0;
}

int nfpe_hw_reset(struct nfpe_dev *nn)
{
	int err;

	mutex_lock(&nn->cmd_lock);
	err = nfpe_hw_reset_locked(nn);
	mutex_unlock(&nn->cmd_lock);
	return err;
}

/**
 * nfpe_recover() - reset the device and bring every running port back
 * @nn: the device
 * @keep_maps: the device works (a reset the driver chose): keep the
 *	offloaded maps' contents (read before the reset, written back after)
 *
 * Called with rtnl held.  The device forgets everything on reset (rings,
 * programs, maps), so each port that was up is taken down and brought up
 * again; offloaded maps are re-created (empty unless @keep_maps) and
 * offloaded programs loaded and attached again.
 *
 * Return: 0, or the error that left the device dead.
 */
int nfpe_recover(struct nfpe_dev *nn, bool keep_maps)
{
	bool was_up[NFPE_MAX_PORTS] = {};
	u32 i;
	int err;

	ASSERT_RTNL();
	for (i = 0; i < nn->num_ports; i++) {
		struct nfpe_port *port = nn->ports[i];

		if (!port)
			continue;
		was_up[i] = READ_ONCE(port->dp_up);
		if (was_up[i])
			nfpe_dp_stop(port);
	}
	/* the ports are stopped: no program changes a map any more */
	if (keep_maps)
		nfpe_offload_save(nn);

	err = nfpe_hw_reset(nn);
	if (err) {
		set_bit(NFPE_S_DEAD, &nn->state);
		dev_err(&nn->pdev->dev, "recovery failed: the device is dead (%d)\n",
			err);
		return err;
	}
	nn->drv.resets++;

	/* the device freed maps and unloaded programs: rebuild them */
	nfpe_offload_recover(nn);
	for (i = 0; i < nn->num_ports; i++) {
		struct nfpe_port *port = nn->ports[i];

		if (!port)
			continue;
		if (!was_up[i])
			continue;
		err = nfpe_dp_start(port);
		if (err)
			netdev_err(port->netdev, "cannot restart after reset: %d\n",
				   err);
	}
	dev_info(&nn->pdev->dev, "device reset and recovered\n");
	return 0;
}

static void nfpe_reset_work(struct work_struct *work)
{
	struct nfpe_dev *nn = container_of(work, struct nfpe_dev, reset_work);

	rtnl_lock();
	if (!test_bit(NFPE_S_REMOVING, &nn->state) &&
	    !test_bit(NFPE_S_DEAD, &nn->state))
		nfpe_recover(nn, false);
	rtnl_unlock();
}

void nfpe_schedule_reset(struct nfpe_dev *nn, const char *why)
{
	if (test_bit(NFPE_S_REMOVING, &nn->state) ||
	    test_bit(NFPE_S_DEAD, &nn->state))
		return;
	if (time_before(jiffies, nn->reset_window + NFPE_RESET_WINDOW)) {
		if (++nn->reset_burst > NFPE_RESET_BURST) {
			dev_err_ratelimited(&nn->pdev->dev,
					    "%s: too many resets, not resetting again\n",
					    why);
			return;
		}
	} else {
		nn->reset_window = jiffies;
		nn->reset_burst = 1;
	}
	dev_warn(&nn->pdev->dev, "%s: scheduling a device reset\n", why);
	schedule_work(&nn->reset_work);
}

/* ---- Control vector ---------------------------------------------------- */

static void nfpe_handle_error(struct nfpe_dev *nn)
{
	u32 code = nfpe_rd(nn, NFPE_REG_ERR_CODE);
	u32 info = nfpe_rd(nn, NFPE_REG_ERR_INFO);
	u32 count = nfpe_rd(nn, NFPE_REG_ERR_COUNT);
	const char *name = code < ARRAY_SIZE(nfpe_err_names) ?
			   nfpe_err_names[code] : "unknown";

	nfpe_wr(nn, NFPE_REG_ERR_ACK, 1);
	nn->drv.dev_errors++;
	WRITE_ONCE(nn->last_err_code, code);
	WRITE_ONCE(nn->last_err_info, info);
	dev_err_ratelimited(&nn->pdev->dev,
			    "device error %u (%s), info 0x%08x, %u since reset\n",
			    code, name, info, count);

	switch (code) {
	case NFPE_ERR_DMA_READ:
	case NFPE_ERR_DMA_WRITE:
		if ((info & 0xffff) == 0xffff)
			break;	/* a command's DMA: the command fails */
		fallthrough;
	case NFPE_ERR_RING_CFG:
	case NFPE_ERR_RING_INDEX:
		/* the queue stays stopped until reset */
		nfpe_schedule_reset(nn, "ring error");
		break;
	}
}

static irqreturn_t nfpe_ctrl_irq(int irq, void *data)
{
	struct nfpe_dev *nn = data;
	int rounds = 0;
	u32 cause;

	if (test_bit(NFPE_S_SELFTEST, &nn->state) &&
	    READ_ONCE(nn->irq_test_vec) == NFPE_VEC_CTRL)
		complete(&nn->irq_test);

	do {
		while ((cause = nfpe_rd(nn, NFPE_REG_IRQ_CAUSE)) &&
		       cause != ~0u && rounds++ < 16) {
			nfpe_wr(nn, NFPE_REG_IRQ_CAUSE, cause);
			if (cause & NFPE_IRQ_CMD_DONE)
				nfpe_cmd_irq(nn);
			if ((cause & NFPE_IRQ_LINK) &&
			    !test_bit(NFPE_S_REMOVING, &nn->state))
				mod_delayed_work(system_wq, &nn->service_work, 0);
			if (cause & NFPE_IRQ_ERROR)
				nfpe_handle_error(nn);
		}
		nfpe_wr(nn, NFPE_REG_VEC_ARM(NFPE_VEC_CTRL), 1);
		/* a cause raised while the vector was masked */
	} while (rounds < 16 && (cause = nfpe_rd(nn, NFPE_REG_IRQ_CAUSE)) &&
		 cause != ~0u);
	return IRQ_HANDLED;
}

/*
 * Every second, and at once on NFPE_IRQ_LINK: link state, starved RX
 * rings, and work the device finished without an interrupt reaching us.
 */
static void nfpe_service_work(struct work_struct *work)
{
	struct nfpe_dev *nn = container_of(to_delayed_work(work),
					   struct nfpe_dev, service_work);
	u32 i, q;

	if (!rtnl_trylock()) {
		schedule_delayed_work(&nn->service_work, HZ / 10);
		return;
	}
	for (i = 0; i < nn->num_ports; i++) {
		struct nfpe_port *port = nn->ports[i];

		if (!port || !port->dp_up)
			continue;
		nfpe_port_link_update(port);
		local_bh_disable();
		for (q = 0; q < port->num_queues; q++) {
			struct nfpe_r_vec *r_vec = &port->r_vecs[q];
			bool work_left = nfpe_r_vec_has_work(r_vec);

			if ((work_left || READ_ONCE(r_vec->rx.starved)) &&
			    napi_schedule_prep(&r_vec->napi)) {
				if (work_left)
					nn->drv.lost_irqs++;
				__napi_schedule(&r_vec->napi);
			}
		}
		local_bh_enable();
	}
	rtnl_unlock();
	if (!test_bit(NFPE_S_REMOVING, &nn->state))
		schedule_delayed_work(&nn->service_work, HZ);
}

/* ---- Capabilities ------------------------------------------------------ */

/* u32 capabilities: TLV type -> field of struct nfpe_caps */
#define NFPE_CAP_FIELD(t, f) \
	[NFPE_CAP_##t] = offsetof(struct nfpe_caps, f) + 1
static const u8 nfpe_cap_u32_field[] = {
	NFPE_CAP_FIELD(ABI, abi),
	NFPE_CAP_FIELD(CODE_STORE, code_store),
	NFPE_CAP_FIELD(STACK_SIZE, stack_size),
	NFPE_CAP_FIELD(PKT_HEADROOM, pkt_headroom),
	NFPE_CAP_FIELD(MTU_MAX, mtu_max),
	NFPE_CAP_FIELD(ENGINES, engines),
	NFPE_CAP_FIELD(MAP_TYPES, map_types),
	NFPE_CAP_FIELD(MAX_MAPS, max_maps),
	NFPE_CAP_FIELD(MAX_KEY, max_key),
	NFPE_CAP_FIELD(MAX_VALUE, max_value),
	NFPE_CAP_FIELD(MAX_ENTRIES, max_entries),
	NFPE_CAP_FIELD(CORES, cores),
	NFPE_CAP_FIELD(THREADS, threads),
	NFPE_CAP_FIELD(CLOCK_MHZ, clock_mhz),
	NFPE_CAP_FIELD(PORTS, ports),
	NFPE_CAP_FIELD(QUEUES, queues),
	NFPE_CAP_FIELD(META_TYPES, meta_types),
	NFPE_CAP_FIELD(INSN_BUDGET, insn_budget),
	NFPE_CAP_FIELD(CMD_BUF_MAX, cmd_buf_max),
	NFPE_CAP_FIELD(MAX_PROGS, max_progs),
	NFPE_CAP_FIELD(FAULT_INJECT, fault_inject),
};

#undef NFPE_CAP_FIELD
static_assert(sizeof(struct nfpe_caps) < 255);

static void nfpe_cap_store(struct nfpe_dev *nn, u32 type, u32 len, u32 pos)
{
	struct nfpe_caps *c = &nn->caps;
	u32 v = nfpe_rd(nn, pos);
	u8 field;

	if (type == NFPE_CAP_MAP_MEMORY) {
		if (len != 8)
			goto bad_len;
		c->map_memory = v | (u64)nfpe_rd(nn, pos + 4) << 32;
		return;
	}
	field = type < ARRAY_SIZE(nfpe_cap_u32_field) ?
		nfpe_cap_u32_field[type] : 0;
	if (!field) {
		dev_dbg(&nn->pdev->dev, "skipping unknown capability %u\n", type);
		return;
	}
	if (len != 4)
		goto bad_len;
	*(u32 *)((u8 *)c + field - 1) = v;
	return;
bad_len:
	dev_warn(&nn->pdev->dev, "capability %u has length %u: ignored\n",
		 type, len);
}

static int nfpe_read_caps(struct nfpe_dev *nn)
{
	u32 off = nfpe_rd(nn, NFPE_REG_CAP_OFF);
	u32 len = nfpe_rd(nn, NFPE_REG_CAP_LEN);
	u32 pos, end, hdr, type, tlen, vlen;

	if (off % 4 || off >= nn->bar_len || len > nn->bar_len - off) {
		dev_err(&nn->pdev->dev,
			"capability list at 0x%x, %u bytes, lies outside the %llu-byte BAR\n",
			off, len, (u64)nn->bar_len);
		return -EINVAL;
	}
	end = off + round_down(len, 4);
	for (pos = off; pos + 4 <= end; pos += 4 + vlen) {
		hdr = nfpe_rd(nn, pos);
		type = hdr & 0xffff;
		tlen = hdr >> 16;
		if (type == NFPE_CAP_END)
			break;
		vlen = round_up(tlen, 4);
		if (vlen > end - pos - 4) {
			dev_err(&nn->pdev->dev,
				"capability %u at 0x%x (%u bytes) runs past the list end 0x%x\n",
				type, pos, tlen, end);
			return -EINVAL;
		}
		nfpe_cap_store(nn, type, tlen, pos + 4);
	}
	if (nn->caps.abi && nn->caps.abi != nn->abi)
		dev_warn(&nn->pdev->dev, "ABI capability 0x%08x differs from the register 0x%08x\n",
			 nn->caps.abi, nn->abi);
	return 0;
}

/* ---- Self-test ---------------------------------------------------------- */

static int nfpe_selftest(struct nfpe_dev *nn)
{
	static const u32 patterns[] = {
		0xa5a5a5a5, 0x5a5a5a5a, 0x00000000, 0xffffffff, 0x12345678,
	};
	struct device *dev = &nn->pdev->dev;
	int i, err = 0;
	u32 v;

	for (i = 0; i < ARRAY_SIZE(patterns); i++) {
		nfpe_wr(nn, NFPE_REG_SCRATCH, patterns[i]);
		v = nfpe_rd(nn, NFPE_REG_SCRATCH);
		if (v != patterns[i]) {
			dev_err(dev, "self-test: SCRATCH wrote 0x%08x, read 0x%08x\n",
				patterns[i], v);
			return -EIO;
		}
	}

	set_bit(NFPE_S_SELFTEST, &nn->state);
	for (i = 0; i < nn->num_vecs; i++) {
		reinit_completion(&nn->irq_test);
		WRITE_ONCE(nn->irq_test_vec, i);
		nfpe_wr(nn, NFPE_REG_IRQ_TEST, i);
		if (!wait_for_completion_timeout(&nn->irq_test,
						 msecs_to_jiffies(1000))) {
			dev_err(dev, "self-test: no interrupt on MSI-X vector %d\n",
				i);
			err = -EIO;
			break;
		}
		nfpe_wr(nn, NFPE_REG_VEC_ARM(i), 1);
	}
	WRITE_ONCE(nn->irq_test_vec, -1);
	clear_bit(NFPE_S_SELFTEST, &nn->state);
	if (err)
		return err;

	err = nfpe_cmd_echo_test(nn);
	if (err) {
		dev_err(dev, "self-test: ECHO command failed: %d\n", err);
		return err;
	}
	return 0;
}

/* ---- Probe and remove ---------------------------------------------------- */

static int nfpe_check_bars(struct pci_dev *pdev)
{
	if (!(pci_resource_flags(pdev, NFPE_BAR_CTRL) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, NFPE_BAR_CTRL) < NFPE_CTRL_BAR_SIZE) {
		dev_err(&pdev->dev, "BAR%d: %llu bytes, need a %u-byte MMIO BAR\n",
			NFPE_BAR_CTRL,
			(u64)pci_resource_len(pdev, NFPE_BAR_CTRL),
			NFPE_CTRL_BAR_SIZE);
		return -ENODEV;
	}
	if (!(pci_resource_flags(pdev, NFPE_BAR_MSIX) & IORESOURCE_MEM) ||
	    !pci_resource_len(pdev, NFPE_BAR_MSIX)) {
		dev_err(&pdev->dev, "BAR%d (MSI-X) missing\n", NFPE_BAR_MSIX);
		return -ENODEV;
	}
	return 0;
}

static int nfpe_setup_vectors(struct nfpe_dev *nn)
{
	struct pci_dev *pdev = nn->pdev;
	u32 nq, want;
	int got;

	nq = nn->caps.queues ?: 1;
	nq = min3(nq, (u32)NFPE_MAX_QUEUES, (u32)num_online_cpus());
	nq = clamp_t(u32, min_t(u32, nq, max_queues), 1, NFPE_MAX_QUEUES);
	want = min_t(u32, 1 + nn->num_ports * nq, NFPE_MSIX_VECTORS);
	got = pci_alloc_irq_vectors(pdev, 1 + nn->num_ports, want,
				    PCI_IRQ_MSIX);
	if (got < 0) {
		dev_err(&pdev->dev, "cannot allocate %u MSI-X vectors (at least %u): %d\n",
			want, 1 + nn->num_ports, got);
		return got;
	}
	nn->queues_per_port = min_t(u32, nq, (got - 1) / nn->num_ports);
	nn->num_vecs = 1 + nn->num_ports * nn->queues_per_port;
	return 0;
}

static void nfpe_ports_free(struct nfpe_dev *nn)
{
	u32 i;

	for (i = 0; i < nn->num_ports; i++) {
		if (nn->ports[i])
			nfpe_port_free(nn->ports[i]);
		WRITE_ONCE(nn->ports[i], NULL);
	}
}

static int nfpe_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct nfpe_dev *nn;
	u32 magic, i, nreg = 0;
	int err;

	nn = kzalloc(sizeof(*nn), GFP_KERNEL);
	if (!nn)
		return -ENOMEM;
	nn->pdev = pdev;
	nn->irq_test_vec = -1;
	init_completion(&nn->irq_test);
	INIT_WORK(&nn->reset_work, nfpe_reset_work);
	INIT_DELAYED_WORK(&nn->service_work, nfpe_service_work);
	pci_set_drvdata(pdev, nn);

	err = pci_enable_device_mem(pdev);
	if (err)
		goto err_free;
	err = nfpe_check_bars(pdev);
	if (err)
		goto err_disable;
	err = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (err) {
		dev_err(dev, "no usable DMA configuration\n");
		goto err_disable;
	}
	err = pci_request_regions(pdev, NFPE_DRV_NAME);
	if (err)
		goto err_disable;
	pci_set_master(pdev);
	nn->bar_len = NFPE_CTRL_BAR_SIZE;
	nn->bar = pci_iomap(pdev, NFPE_BAR_CTRL, nn->bar_len);
	if (!nn->bar) {
		err = -ENOMEM;
		goto err_regions;
	}

	magic = nfpe_rd(nn, NFPE_REG_ID);
	if (magic != NFPE_ID_MAGIC) {
		dev_err(dev, "not an nfp-ebpf device: ID register 0x%08x, expected 0x%08x\n",
			magic, NFPE_ID_MAGIC);
		err = -ENODEV;
		goto err_unmap;
	}
	nn->abi = nfpe_rd(nn, NFPE_REG_ABI);
	if (nn->abi >> 16 != NFPE_ABI_MAJOR) {
		dev_err(dev, "device ABI %u.%u is not supported: this driver speaks ABI %u.x\n",
			nn->abi >> 16, nn->abi & 0xffff, NFPE_ABI_MAJOR);
		err = -ENODEV;
		goto err_unmap;
	}
	err = nfpe_read_caps(nn);
	if (err)
		goto err_unmap;
	nn->num_ports = nfpe_rd(nn, NFPE_REG_NUM_PORTS);
	if (!nn->num_ports || nn->num_ports > NFPE_MAX_PORTS) {
		dev_err(dev, "device reports %u ports (1..%u)\n", nn->num_ports,
			NFPE_MAX_PORTS);
		err = -ENODEV;
		goto err_unmap;
	}
	if (nn->caps.ports && nn->caps.ports != nn->num_ports)
		dev_warn(dev, "PORTS capability %u differs from NUM_PORTS %u\n",
			 nn->caps.ports, nn->num_ports);

	err = nfpe_setup_vectors(nn);
	if (err)
		goto err_unmap;
	err = nfpe_cmd_init(nn);
	if (err)
		goto err_vectors;
	err = request_irq(pci_irq_vector(pdev, NFPE_VEC_CTRL), nfpe_ctrl_irq, 0,
			  NFPE_DRV_NAME "-ctrl", nn);
	if (err) {
		dev_err(dev, "cannot request the control IRQ: %d\n", err);
		goto err_cmd;
	}
	err = nfpe_hw_reset(nn);
	if (err)
		goto err_irq;

	for (i = 0; i < nn->num_ports; i++) {
		struct nfpe_port *port = nfpe_port_alloc(nn, i);

		if (IS_ERR(port)) {
			err = PTR_ERR(port);
			goto err_ports;
		}
		WRITE_ONCE(nn->ports[i], port);
	}

	err = nfpe_selftest(nn);
	if (err)
		goto err_ports;

	err = nfpe_offload_init(nn);
	if (err)
		goto err_ports;

	for (nreg = 0; nreg < nn->num_ports; nreg++) {
		err = nfpe_port_register(nn->ports[nreg]);
		if (err)
			goto err_unregister;
	}
	nfpe_debugfs_init(nn);
	schedule_delayed_work(&nn->service_work, HZ);
	dev_info(dev, "nfp-ebpf ABI %u.%u, %u port(s), %u queue(s) each, MTU <= %u\n",
		 nn->abi >> 16, nn->abi & 0xffff, nn->num_ports,
		 nn->queues_per_port, nn->ports[0]->netdev->max_mtu);
	return 0;

err_unregister:
	while (nreg--)
		nfpe_port_unregister(nn->ports[nreg]);
	nfpe_offload_fini(nn);
err_ports:
	set_bit(NFPE_S_REMOVING, &nn->state);
	synchronize_irq(pci_irq_vector(pdev, NFPE_VEC_CTRL));
	cancel_delayed_work_sync(&nn->service_work);
	cancel_work_sync(&nn->reset_work);
	nfpe_ports_free(nn);
	nfpe_hw_reset(nn);
err_irq:
	free_irq(pci_irq_vector(pdev, NFPE_VEC_CTRL), nn);
err_cmd:
	nfpe_cmd_free(nn);
err_vectors:
	pci_free_irq_vectors(pdev);
err_unmap:
	pci_iounmap(pdev, nn->bar);
err_regions:
	pci_release_regions(pdev);
err_disable:
	pci_disable_device(pdev);
err_free:
	kfree(nn);
	return err;
}

static void nfpe_remove(struct pci_dev *pdev)
{
	struct nfpe_dev *nn = pci_get_drvdata(pdev);
	u32 i;

	set_bit(NFPE_S_REMOVING, &nn->state);
	synchronize_irq(pci_irq_vector(pdev, NFPE_VEC_CTRL));
	cancel_delayed_work_sync(&nn->service_work);
	cancel_work_sync(&nn->reset_work);

	for (i = 0; i < nn->num_ports; i++)
		nfpe_port_unregister(nn->ports[i]);
	nfpe_offload_fini(nn);
	nfpe_debugfs_exit(nn);
	nfpe_ports_free(nn);

	/* quiesce: the device stops all DMA before our memory goes away */
	if (!test_bit(NFPE_S_DEAD, &nn->state))
		nfpe_hw_reset(nn);
	nfpe_wr(nn, NFPE_REG_CTRL, 0);
	free_irq(pci_irq_vector(pdev, NFPE_VEC_CTRL), nn);
	nfpe_cmd_free(nn);
	pci_free_irq_vectors(pdev);
	pci_iounmap(pdev, nn->bar);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
	kfree(nn);
}

static const struct pci_device_id nfpe_pci_ids[] = {
	{ PCI_DEVICE(NFPE_PCI_VENDOR_ID, NFPE_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, nfpe_pci_ids);

static struct pci_driver nfpe_pci_driver = {
	.name		= NFPE_DRV_NAME,
	.id_table	= nfpe_pci_ids,
	.probe		= nfpe_probe,
	.remove		= nfpe_remove,
};

static int __init nfpe_init(void)
{
	int err;

	nfpe_debugfs_module_init();
	err = pci_register_driver(&nfpe_pci_driver);
	if (err)
		nfpe_debugfs_module_exit();
	return err;
}

static void __exit nfpe_exit(void)
{
	pci_unregister_driver(&nfpe_pci_driver);
	nfpe_debugfs_module_exit();
}

module_init(nfpe_init);
module_exit(nfpe_exit);

MODULE_AUTHOR("nfp-ebpf developers");
MODULE_DESCRIPTION("nfp-ebpf virtual eBPF-offload SmartNIC driver");
MODULE_LICENSE("GPL");
