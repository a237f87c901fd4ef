// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nfp_ebpf: debugfs, /sys/kernel/debug/nfp_ebpf/<pci address>/
 *
 *   caps          the capability list as the driver read it
 *   reset         write anything: reset the device and recover now
 *                 (offloaded maps keep their contents)
 *   fault_inject  NFPE_REG_FAULT_INJECT (bits the FAULT_INJECT cap offers)
 *   echo          read: run an ECHO command, print 0 or the error
 *   fail_rx_alloc/  the kernel's fault injection attributes (probability,
 *                 interval, times, verbose, ...; kernels with
 *                 CONFIG_FAULT_INJECTION_DEBUG_FS): RX buffer allocations
 *                 fail as they say, as under memory pressure
 *
 * The VM tests use reset and fault_inject to drive the recovery paths,
 * fail_rx_alloc to check that a short RX ring loses no packet.
 */
#include <linux/kernel.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/rtnetlink.h>

#include "nfpe.h"

static struct dentry *nfpe_debugfs_root;

#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
/* each device's fail_rx_alloc starts as a copy: probability 0, times 1 */
static DECLARE_FAULT_ATTR(nfpe_fail_rx_alloc_off);
#endif

static int nfpe_caps_show(struct seq_file *m, void *v)
{
	struct nfpe_dev *nn = m->private;
	const struct nfpe_caps *c = &nn->caps;

	seq_printf(m, "abi %u.%u\n", nn->abi >> 16, nn->abi & 0xffff);
	seq_printf(m, "ports %u\nqueues_per_port %u\n", nn->num_ports,
		   nn->queues_per_port);
	seq_printf(m, "code_store %u\nstack_size %u\npkt_headroom %u\n",
		   c->code_store, c->stack_size, c->pkt_headroom);
	seq_printf(m, "mtu_max %u\nengines 0x%x\nmap_types 0x%x\n",
		   c->mtu_max, c->engines, c->map_types);
	seq_printf(m, "max_maps %u\nmax_key %u\nmax_value %u\nmax_entries %u\n",
		   c->max_maps, c->max_key, c->max_value, c->max_entries);
	seq_printf(m, "map_memory %llu\ncores %u\nthreads %u\nclock_mhz %u\n",
		   c->map_memory, c->cores, c->threads, c->clock_mhz);
	seq_printf(m, "meta_types 0x%x\ninsn_budget %u\ncmd_buf_max %u\n",
		   c->meta_types, c->insn_budget, c->cmd_buf_max);
	seq_printf(m, "max_progs %u\nfault_inject 0x%x\n", c->max_progs,
		   c->fault_inject);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nfpe_caps);

static ssize_t nfpe_reset_write(struct file *file, const char __user *buf,
				size_t count, loff_t *ppos)
{
	struct nfpe_dev *nn = file->private_data;
	int err;

	rtnl_lock();
	if (test_bit(NFPE_S_REMOVING, &nn->state))
		err = -ENODEV;
	else
		err = nfpe_recover(nn, true);
	rtnl_unlock();
	return err ?: count;
}

static const struct file_operations nfpe_reset_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= nfpe_reset_write,
	.llseek	= noop_llseek,
};

static int nfpe_echo_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%d\n", nfpe_cmd_echo_test(m->private));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(nfpe_echo);

static int nfpe_fault_get(void *data, u64 *val)
{
	struct nfpe_dev *nn = data;

	*val = nn->caps.fault_inject ? nfpe_rd(nn, NFPE_REG_FAULT_INJECT) : 0;
	return 0;
}

static int nfpe_fault_set(void *data, u64 val)
{
	struct nfpe_dev *nn = data;

	if (val & ~(u64)nn->caps.fault_inject)
		return -EOPNOTSUPP;
	nfpe_wr(nn, NFPE_REG_FAULT_INJECT, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(nfpe_fault_fops, nfpe_fault_get, nfpe_fault_set,
			 "0x%llx\n");

void nfpe_debugfs_init(struct nfpe_dev *nn)
{
	if (IS_ERR_OR_NULL(nfpe_debugfs_root))
		return;
	nn->debugfs = debugfs_create_dir(pci_name(nn->pdev), nfpe_debugfs_root);
	debugfs_create_file("caps", 0400, nn->debugfs, nn, &nfpe_caps_fops);
	debugfs_create_file("reset", 0200, nn->debugfs, nn, &nfpe_reset_fops);
	debugfs_create_file("echo", 0400, nn->debugfs, nn, &nfpe_echo_fops);
	debugfs_create_file_unsafe("fault_inject", 0600, nn->debugfs, nn,
				   &nfpe_fault_fops);
#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
	nn->fail_rx_alloc = nfpe_fail_rx_alloc_off;
	fault_create_debugfs_attr("fail_rx_alloc", nn->debugfs,
				  &nn->fail_rx_alloc);
#endif
}

void nfpe_debugfs_exit(struct nfpe_dev *nn)
{
	debugfs_remove_recursive(nn->debugfs);
	nn->debugfs = NULL;
}

void nfpe_debugfs_module_init(void)
{
	nfpe_debugfs_root = debugfs_create_dir(NFPE_DRV_NAME, NULL);
}

void nfpe_debugfs_module_exit(void)
{
	debugfs_remove_recursive(nfpe_debugfs_root);
}
