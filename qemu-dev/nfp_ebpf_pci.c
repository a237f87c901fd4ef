/*
 * nfp-ebpf: a virtual eBPF-offload SmartNIC (PCIe function).
 *
 * PCI/QOM glue over the device core (nfpe_core.[ch] and friends), in the
 * way e1000e.c sits over e1000e_core.c: this file owns the QEMU objects
 * (BARs, MSI-X, one NIC per port, a timer, the properties) and forwards
 * everything else to the core through struct nfpe_core_ops and the
 * nfpe_core_* entry points.  The register interface is
 * include/nfpe/hw.h; docs/device.md describes the device.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/pci/pcie.h"
#include "hw/pci/msix.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "net/net.h"
#include "qom/object.h"

#include "nfpe_core.h"

#define TYPE_NFP_EBPF "nfp-ebpf"
OBJECT_DECLARE_SIMPLE_TYPE(NfpEbpfState, NFP_EBPF)

/* Offset of the PCI Express capability in configuration space. */
#define NFP_EBPF_PCIE_CAP_OFFSET 0xa0

typedef struct NfpEbpfPort {
    NfpEbpfState *dev;
    unsigned index;
    NICConf conf;           /* "netdev"/"mac", "netdev1"/"mac1", ... */
    NICState *nic;          /* NULL for ports beyond props.ports */
} NfpEbpfPort;

struct NfpEbpfState {
    PCIDevice parent_obj;

    MemoryRegion mmio;      /* BAR0 */
    QEMUTimer *timer;       /* the core's interrupt moderation timer */
    NfpEbpfPort port[NFPE_MAX_PORTS];
    bool core_ready;
    bool powered_on;        /* the first reset after realize happened */

    /* qdev properties, turned into struct nfpe_props at realize */
    uint32_t prop_ports;    /* 0: as many as netdevs are given */
    uint32_t prop_cores;
    uint32_t prop_threads;
    uint32_t prop_code_store;
    uint64_t prop_map_memory;
    uint32_t prop_clock_mhz;
    uint32_t prop_mtu_max;
    uint32_t prop_insn_budget;
    uint32_t prop_queues;
    uint32_t prop_max_progs;
    bool prop_fault_inject;
    uint32_t prop_abi;
    char *prop_engine;

    struct nfpe_core core;
};

/* ---- BAR0 ---------------------------------------------------------- */

static uint64_t nfp_ebpf_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    NfpEbpfState *s = opaque;

    return nfpe_core_mmio_read(&s->core, addr, size);
}

static void nfp_ebpf_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                                unsigned size)
{
    NfpEbpfState *s = opaque;

    nfpe_core_mmio_write(&s->core, addr, val, size);
}

static const MemoryRegionOps nfp_ebpf_mmio_ops = {
    .read = nfp_ebpf_mmio_read,
    .write = nfp_ebpf_mmio_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
    .impl = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
};

/* ---- struct nfpe_core_ops ------------------------------------------ */

static bool nfp_ebpf_dma_read(void *opaque, uint64_t addr, void *buf,
                              size_t len)
{
    NfpEbpfState *s = opaque;
    MemTxResult res;

    /* pci_dma_read: MEMTXATTRS_UNSPECIFIED, through the device's bus
     * master address space (fails while bus mastering is off). */
    res = pci_dma_read(PCI_DEVICE(s), addr, buf, len);
    return res == MEMTX_OK;
}

static bool nfp_ebpf_dma_write(void *opaque, uint64_t addr, const void *buf,
                               size_t len)
{
    NfpEbpfState *s = opaque;
    MemTxResult res;

    res = pci_dma_write(PCI_DEVICE(s), addr, buf, len);
    return res == MEMTX_OK;
}

static void nfp_ebpf_msix_notify(void *opaque, unsigned vector)
{
    PCIDevice *pdev = PCI_DEVICE(opaque);

    /* No INTx fallback: without MSI-X the interrupt is lost (the core's
     * auto-mask still applies, as on a real device). */
    if (vector < NFPE_MSIX_VECTORS && msix_enabled(pdev)) {
        msix_notify(pdev, vector);
    }
}

static void nfp_ebpf_net_send(void *opaque, unsigned port,
                              const uint8_t *buf, size_t len)
{
    NfpEbpfState *s = opaque;

    if (port < NFPE_MAX_PORTS && s->port[port].nic) {
        qemu_send_packet(qemu_get_queue(s->port[port].nic), buf, len);
    }
}

static void nfp_ebpf_net_flush(void *opaque, unsigned port)
{
    NfpEbpfState *s = opaque;

    if (port < NFPE_MAX_PORTS && s->port[port].nic) {
        qemu_flush_queued_packets(qemu_get_queue(s->port[port].nic));
    }
}

static uint64_t nfp_ebpf_clock_ns(void *opaque)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static void nfp_ebpf_timer_mod(void *opaque, uint64_t deadline_ns)
{
    NfpEbpfState *s = opaque;

    if (deadline_ns == UINT64_MAX) {
        timer_del(s->timer);
    } else {
        timer_mod(s->timer, MIN(deadline_ns, (uint64_t)INT64_MAX));
    }
}

static void G_GNUC_PRINTF(2, 0)
nfp_ebpf_log_guest_error(void *opaque, const char *fmt, va_list ap)
{
    g_autofree char *msg = NULL;

    if (!qemu_loglevel_mask(LOG_GUEST_ERROR)) {
        return;
    }
    msg = g_strdup_vprintf(fmt, ap);
    qemu_log_mask(LOG_GUEST_ERROR, "%s", msg);
}

static const struct nfpe_core_ops nfp_ebpf_core_ops = {
    .dma_read = nfp_ebpf_dma_read,
    .dma_write = nfp_ebpf_dma_write,
    .msix_notify = nfp_ebpf_msix_notify,
    .net_send = nfp_ebpf_net_send,
    .net_flush = nfp_ebpf_net_flush,
    .clock_ns = nfp_ebpf_clock_ns,
    .timer_mod = nfp_ebpf_timer_mod,
    .log_guest_error = nfp_ebpf_log_guest_error,
};

static void nfp_ebpf_timer_cb(void *opaque)
{
    NfpEbpfState *s = opaque;

    nfpe_core_timer(&s->core);
}

/* ---- Network clients, one per port ---------------------------------- */

static bool nfp_ebpf_nc_can_receive(NetClientState *nc)
{
    NfpEbpfPort *port = qemu_get_nic_opaque(nc);

    return nfpe_core_can_receive(&port->dev->core, port->index);
}

static ssize_t nfp_ebpf_nc_receive(NetClientState *nc, const uint8_t *buf,
                                   size_t size)
{
    NfpEbpfPort *port = qemu_get_nic_opaque(nc);

    /* 0 = "keep it queued": the core asks for a flush when it can take
     * packets again. */
    return nfpe_core_receive(&port->dev->core, port->index, buf, size);
}

static void nfp_ebpf_nc_link_status_changed(NetClientState *nc)
{
    NfpEbpfPort *port = qemu_get_nic_opaque(nc);

    nfpe_core_set_link(&port->dev->core, port->index, !nc->link_down);
}

static NetClientInfo nfp_ebpf_net_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(NICState),
    .can_receive = nfp_ebpf_nc_can_receive,
    .receive = nfp_ebpf_nc_receive,
    .link_status_changed = nfp_ebpf_nc_link_status_changed,
};

/* ---- Realize / unrealize ---------------------------------------------- */

/*
 * Ports: one per netdev given.  "netdev" is port 0, "netdevN" port N; the
 * netdevs must be given without gaps.  Without any netdev the device has
 * one port with no backend (its link is up, nothing arrives, what it
 * sends is dropped), like a NIC without -netdev.  The optional "ports"
 * property only states the expected count (images/nfpe-vm passes it) and
 * must agree with the netdevs.
 */
static bool nfp_ebpf_count_ports(NfpEbpfState *s, uint32_t *ports,
                                 Error **errp)
{
    unsigned i, n = 0;

    for (i = 0; i < NFPE_MAX_PORTS; i++) {
        if (s->port[i].conf.peers.ncs[0]) {
            n = i + 1;
        }
    }
    for (i = 0; i < n; i++) {
        if (!s->port[i].conf.peers.ncs[0]) {
            if (i == 0) {
                error_setg(errp, "nfp-ebpf: netdev%u is given but not "
                           "netdev: port 0 needs a backend first", n - 1);
            } else {
                error_setg(errp, "nfp-ebpf: netdev%u is given but not "
                           "netdev%u: ports are numbered without gaps",
                           n - 1, i);
            }
            error_append_hint(errp, "Port 0 is 'netdev', port N "
                              "'netdevN' (N = 1..%d).\n",
                              NFPE_MAX_PORTS - 1);
            return false;
        }
    }
    for (i = n; i < NFPE_MAX_PORTS; i++) {
        static const MACAddr zero;

        if (i > 0 && memcmp(&s->port[i].conf.macaddr, &zero,
                            sizeof(zero))) {
            error_setg(errp, "nfp-ebpf: mac%u given but port %u has no "
                       "netdev%u", i, i, i);
            return false;
        }
    }
    if (s->prop_ports && s->prop_ports != MAX(n, 1)) {
        error_setg(errp, "nfp-ebpf: ports=%u but %u netdev%s given",
                   s->prop_ports, n, n == 1 ? " is" : "s are");
        error_append_hint(errp, "Each port needs its netdev; 'ports' may "
                          "be left out.\n");
        return false;
    }
    *ports = MAX(n, 1);
    return true;
}

static void nfp_ebpf_realize(PCIDevice *pdev, Error **errp)
{
    NfpEbpfState *s = NFP_EBPF(pdev);
    DeviceState *dev = DEVICE(pdev);
    struct nfpe_props props;
    g_autofree char *errmsg = NULL;
    unsigned i;

    nfpe_props_default(&props);
    if (!nfp_ebpf_count_ports(s, &props.ports, errp)) {
        return;
    }
    props.queues = s->prop_queues;
    props.cores = s->prop_cores;
    props.threads = s->prop_threads;
    props.code_store = s->prop_code_store;
    props.map_memory = s->prop_map_memory;
    props.clock_mhz = s->prop_clock_mhz;
    props.mtu_max = s->prop_mtu_max;
    props.insn_budget = s->prop_insn_budget;
    props.max_progs = s->prop_max_progs;
    props.fault_inject = s->prop_fault_inject;
    props.abi = s->prop_abi;
    if (!s->prop_engine || !strcmp(s->prop_engine, "interp")) {
        props.exec = NFPE_EXEC_INTERP;
    } else if (!strcmp(s->prop_engine, "x86")) {
        props.exec = NFPE_EXEC_X86;
    } else {
        error_setg(errp, "nfp-ebpf: engine must be interp or x86, not '%s'",
                   s->prop_engine);
        return;
    }
    for (i = 0; i < props.ports; i++) {
        qemu_macaddr_default_if_unset(&s->port[i].conf.macaddr);
        memcpy(props.mac[i], s->port[i].conf.macaddr.a, 6);
    }

    /* The timer first: the core's reset (in init) cancels it. */
    s->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, nfp_ebpf_timer_cb, s);
    if (!nfpe_core_init(&s->core, &props, &nfp_ebpf_core_ops, s, &errmsg)) {
        error_setg(errp, "nfp-ebpf: %s", errmsg);
        timer_free(s->timer);
        s->timer = NULL;
        return;
    }
    s->core_ready = true;

    pdev->config[PCI_CACHE_LINE_SIZE] = 0x10;

    memory_region_init_io(&s->mmio, OBJECT(s), &nfp_ebpf_mmio_ops, s,
                          "nfp-ebpf-ctrl", NFPE_CTRL_BAR_SIZE);
    pci_register_bar(pdev, NFPE_BAR_CTRL, PCI_BASE_ADDRESS_SPACE_MEMORY,
                     &s->mmio);

    /*
     * The PCIe capability on every bus, as e1000e does: on a PCIe bus the
     * device is an endpoint (a root-complex integrated one on q35's root
     * bus), on -M pc a PCI device that carries the capability.
     */
    if (pcie_endpoint_cap_init(pdev, NFP_EBPF_PCIE_CAP_OFFSET) < 0) {
        error_setg(errp, "nfp-ebpf: cannot add the PCI Express capability");
        goto fail_core;
    }

    if (msix_init_exclusive_bar(pdev, NFPE_MSIX_VECTORS, NFPE_BAR_MSIX,
                                errp) < 0) {
        goto fail_pcie;
    }
    for (i = 0; i < NFPE_MSIX_VECTORS; i++) {
        msix_vector_use(pdev, i);
    }

    for (i = 0; i < props.ports; i++) {
        NfpEbpfPort *port = &s->port[i];
        g_autofree char *name = NULL;
        NetClientState *nc;

        port->dev = s;
        port->index = i;
        name = dev->id ? g_strdup_printf("%s.p%u", dev->id, i) : NULL;
        port->nic = qemu_new_nic(&nfp_ebpf_net_info, &port->conf,
                                 object_get_typename(OBJECT(s)), name,
                                 &dev->mem_reentrancy_guard, port);
        nc = qemu_get_queue(port->nic);
        qemu_format_nic_info_str(nc, port->conf.macaddr.a);
        nfpe_core_set_link(&s->core, i, !nc->link_down);
    }
    return;

fail_pcie:
    pcie_cap_exit(pdev);
fail_core:
    nfpe_core_fini(&s->core);
    s->core_ready = false;
    timer_free(s->timer);
    s->timer = NULL;
}

static void nfp_ebpf_exit(PCIDevice *pdev)
{
    NfpEbpfState *s = NFP_EBPF(pdev);
    unsigned i;

    for (i = 0; i < NFPE_MAX_PORTS; i++) {
        if (s->port[i].nic) {
            qemu_del_nic(s->port[i].nic);
            s->port[i].nic = NULL;
        }
    }
    msix_unuse_all_vectors(pdev);
    msix_uninit_exclusive_bar(pdev);
    pcie_cap_exit(pdev);
    if (s->timer) {
        timer_free(s->timer);
        s->timer = NULL;
    }
    if (s->core_ready) {
        nfpe_core_fini(&s->core);
        s->core_ready = false;
    }
}

static void nfp_ebpf_reset(DeviceState *dev)
{
    NfpEbpfState *s = NFP_EBPF(dev);

    if (!s->core_ready) {
        return;
    }
    nfpe_core_reset(&s->core);
    /* The machine's (or hotplug's) reset right after realize is power-on,
     * which the core does not count as a reset (dev_resets). */
    if (!s->powered_on) {
        s->core.dcnt[NFPE_DC_RESETS] = 0;
        s->powered_on = true;
    }
}

/*
 * Device state (rings, loaded programs, map memory) is not migrated yet:
 * a VM with the device refuses to migrate or snapshot.
 */
static const VMStateDescription nfp_ebpf_vmstate = {
    .name = TYPE_NFP_EBPF,
    .unmigratable = 1,
};

static Property nfp_ebpf_properties[] = {
    DEFINE_PROP_NETDEV("netdev", NfpEbpfState, port[0].conf.peers),
    DEFINE_PROP_NETDEV("netdev1", NfpEbpfState, port[1].conf.peers),
    DEFINE_PROP_NETDEV("netdev2", NfpEbpfState, port[2].conf.peers),
    DEFINE_PROP_NETDEV("netdev3", NfpEbpfState, port[3].conf.peers),
    DEFINE_PROP_MACADDR("mac", NfpEbpfState, port[0].conf.macaddr),
    DEFINE_PROP_MACADDR("mac1", NfpEbpfState, port[1].conf.macaddr),
    DEFINE_PROP_MACADDR("mac2", NfpEbpfState, port[2].conf.macaddr),
    DEFINE_PROP_MACADDR("mac3", NfpEbpfState, port[3].conf.macaddr),
    DEFINE_PROP_UINT32("ports", NfpEbpfState, prop_ports, 0),
    DEFINE_PROP_UINT32("queues", NfpEbpfState, prop_queues,
                       NFPE_DEF_QUEUES),
    DEFINE_PROP_UINT32("cores", NfpEbpfState, prop_cores, NFPE_DEF_CORES),
    DEFINE_PROP_UINT32("threads", NfpEbpfState, prop_threads,
                       NFPE_DEF_THREADS),
    DEFINE_PROP_UINT32("code-store", NfpEbpfState, prop_code_store,
                       NFPE_DEF_CODE_STORE),
    DEFINE_PROP_SIZE("map-memory", NfpEbpfState, prop_map_memory,
                     NFPE_DEF_MAP_MEMORY),
    DEFINE_PROP_UINT32("clock-mhz", NfpEbpfState, prop_clock_mhz,
                       NFPE_DEF_CLOCK_MHZ),
    DEFINE_PROP_UINT32("mtu-max", NfpEbpfState, prop_mtu_max,
                       NFPE_DEF_MTU_MAX),
    DEFINE_PROP_UINT32("insn-budget", NfpEbpfState, prop_insn_budget,
                       NFPE_DEF_INSN_BUDGET),
    DEFINE_PROP_UINT32("max-progs", NfpEbpfState, prop_max_progs,
                       NFPE_DEF_MAX_PROGS),
    DEFINE_PROP_BOOL("fault-inject", NfpEbpfState, prop_fault_inject, false),
    DEFINE_PROP_UINT32("x-abi", NfpEbpfState, prop_abi, 0),
    DEFINE_PROP_STRING("engine", NfpEbpfState, prop_engine),
    DEFINE_PROP_END_OF_LIST(),
};

static const char *const nfp_ebpf_prop_help[][2] = {
    { "netdev", "backend of port 0 (MAC0); ports = netdevs given" },
    { "netdev1", "backend of port 1 (needs netdev)" },
    { "netdev2", "backend of port 2 (needs netdev1)" },
    { "netdev3", "backend of port 3 (needs netdev2)" },
    { "ports", "optional check: 1..4, must match the netdevs given" },
    { "queues", "queue pairs per port, 1..4" },
    { "cores", "flow-processing cores, 1..64" },
    { "threads", "hardware threads per core, 1..16" },
    { "code-store", "instructions per program image, 1..65536" },
    { "map-memory", "device map memory, 4K..1G" },
    { "clock-mhz", "core clock of the cycle model, 1..10000" },
    { "mtu-max", "largest L3 MTU, 68..16110" },
    { "insn-budget", "instructions per packet per program, >= 1" },
    { "max-progs", "program images loaded at once, 1..1024" },
    { "fault-inject", "enable the FAULT_INJECT register (testing)" },
    { "engine", "what runs programs: interp (default: the microcode "
      "interpreter) or x86 (its x86-64 translation; x86-64 hosts)" },
    { "x-abi", "report this ABI (major << 16 | minor) instead of the "
      "device's own; 0: own (testing a driver's refusal)" },
};

static void nfp_ebpf_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);
    size_t i;

    k->realize = nfp_ebpf_realize;
    k->exit = nfp_ebpf_exit;
    k->vendor_id = NFPE_PCI_VENDOR_ID;
    k->device_id = NFPE_PCI_DEVICE_ID;
    k->revision = NFPE_PCI_REVISION;
    k->class_id = PCI_CLASS_NETWORK_ETHERNET;

    dc->desc = "nfp-ebpf eBPF-offload SmartNIC";
    dc->reset = nfp_ebpf_reset;
    dc->vmsd = &nfp_ebpf_vmstate;
    device_class_set_props(dc, nfp_ebpf_properties);
    for (i = 0; i < ARRAY_SIZE(nfp_ebpf_prop_help); i++) {
        object_class_property_set_description(klass,
                                              nfp_ebpf_prop_help[i][0],
                                              nfp_ebpf_prop_help[i][1]);
    }
    set_bit(DEVICE_CATEGORY_NETWORK, dc->categories);
}

static const TypeInfo nfp_ebpf_info = {
    .name = TYPE_NFP_EBPF,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(NfpEbpfState),
    .class_init = nfp_ebpf_class_init,
    .interfaces = (InterfaceInfo[]) {
        { INTERFACE_PCIE_DEVICE },
        { }
    },
};

static void nfp_ebpf_register_types(void)
{
    type_register_static(&nfp_ebpf_info);
}

type_init(nfp_ebpf_register_types)
