/*
 * nfp-ebpf: a virtual eBPF-offload SmartNIC (PCIe function).
 *
 * Skeleton: the PCI identity, a 64 KiB control BAR, MSI-X and the PCIe
 * endpoint capability.  The control plane, rings, ports and the microcode
 * engine are added on top of this.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "hw/pci/pcie.h"
#include "hw/pci/msix.h"
#include "migration/vmstate.h"
#include "qom/object.h"

#include "nfpe/types.h"

#define TYPE_NFP_EBPF "nfp-ebpf"
OBJECT_DECLARE_SIMPLE_TYPE(NfpEbpfState, NFP_EBPF)

#define NFP_EBPF_DEVICE_ID      0x10f0

#define NFP_EBPF_CTRL_BAR       0
#define NFP_EBPF_CTRL_SIZE      (64 * KiB)
#define NFP_EBPF_MSIX_BAR       2
#define NFP_EBPF_MSIX_SIZE      (4 * KiB)
#define NFP_EBPF_MSIX_TABLE     0x000
#define NFP_EBPF_MSIX_PBA       0x800
#define NFP_EBPF_MSIX_VECTORS   16
#define NFP_EBPF_PCIE_CAP       0xa0

/* Placeholder registers until the real control-BAR layout lands. */
#define NFP_EBPF_REG_ID         0x0000  /* RO: "NFPE" */
#define NFP_EBPF_REG_SCRATCH    0x0004  /* RW, cleared on reset */
#define NFP_EBPF_ID_VALUE       0x4550464eu

struct NfpEbpfState {
    PCIDevice parent_obj;

    MemoryRegion ctrl;
    MemoryRegion msix;

    uint32_t scratch;
};

static uint64_t nfp_ebpf_ctrl_read(void *opaque, hwaddr addr, unsigned size)
{
    NfpEbpfState *s = opaque;

    switch (addr) {
    case NFP_EBPF_REG_ID:
        return NFP_EBPF_ID_VALUE;
    case NFP_EBPF_REG_SCRATCH:
        return s->scratch;
    default:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "nfp-ebpf: read of unknown register 0x%" HWADDR_PRIx "\n",
                      addr);
        return 0;
    }
}

static void nfp_ebpf_ctrl_write(void *opaque, hwaddr addr, uint64_t val,
                                unsigned size)
{
    NfpEbpfState *s = opaque;

    switch (addr) {
    case NFP_EBPF_REG_SCRATCH:
        s->scratch = val;
        break;
    default:
        qemu_log_mask(LOG_GUEST_ERROR,
                      "nfp-ebpf: write of unknown register 0x%" HWADDR_PRIx
                      " value 0x%" PRIx64 "\n", addr, val);
        break;
    }
}

static const MemoryRegionOps nfp_ebpf_ctrl_ops = {
    .read = nfp_ebpf_ctrl_read,
    .write = nfp_ebpf_ctrl_write,
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

static void nfp_ebpf_realize(PCIDevice *pdev, Error **errp)
{
    NfpEbpfState *s = NFP_EBPF(pdev);
    int i;

    pci_config_set_interrupt_pin(pdev->config, 1);

    memory_region_init_io(&s->ctrl, OBJECT(s), &nfp_ebpf_ctrl_ops, s,
                          "nfp-ebpf-ctrl", NFP_EBPF_CTRL_SIZE);
    pci_register_bar(pdev, NFP_EBPF_CTRL_BAR, PCI_BASE_ADDRESS_SPACE_MEMORY,
                     &s->ctrl);

    memory_region_init(&s->msix, OBJECT(s), "nfp-ebpf-msix",
                       NFP_EBPF_MSIX_SIZE);
    pci_register_bar(pdev, NFP_EBPF_MSIX_BAR, PCI_BASE_ADDRESS_SPACE_MEMORY,
                     &s->msix);

    if (pcie_endpoint_cap_init(pdev, NFP_EBPF_PCIE_CAP) < 0) {
        error_setg(errp, "nfp-ebpf: cannot add the PCIe capability");
        return;
    }

    if (msix_init(pdev, NFP_EBPF_MSIX_VECTORS,
                  &s->msix, NFP_EBPF_MSIX_BAR, NFP_EBPF_MSIX_TABLE,
                  &s->msix, NFP_EBPF_MSIX_BAR, NFP_EBPF_MSIX_PBA,
                  0, errp) < 0) {
        pcie_cap_exit(pdev);
        return;
    }
    for (i = 0; i < NFP_EBPF_MSIX_VECTORS; i++) {
        msix_vector_use(pdev, i);
    }
}

static void nfp_ebpf_exit(PCIDevice *pdev)
{
    NfpEbpfState *s = NFP_EBPF(pdev);

    msix_unuse_all_vectors(pdev);
    msix_uninit(pdev, &s->msix, &s->msix);
    pcie_cap_exit(pdev);
}

static void nfp_ebpf_reset(DeviceState *dev)
{
    NfpEbpfState *s = NFP_EBPF(dev);

    s->scratch = 0;
}

static const VMStateDescription nfp_ebpf_vmstate = {
    .name = TYPE_NFP_EBPF,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_PCI_DEVICE(parent_obj, NfpEbpfState),
        VMSTATE_MSIX(parent_obj, NfpEbpfState),
        VMSTATE_UINT32(scratch, NfpEbpfState),
        VMSTATE_END_OF_LIST()
    },
};

static void nfp_ebpf_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    k->realize = nfp_ebpf_realize;
    k->exit = nfp_ebpf_exit;
    k->vendor_id = PCI_VENDOR_ID_REDHAT_QUMRANET;
    k->device_id = NFP_EBPF_DEVICE_ID;
    k->revision = 0;
    k->class_id = PCI_CLASS_NETWORK_ETHERNET;

    dc->desc = "nfp-ebpf eBPF-offload SmartNIC";
    dc->reset = nfp_ebpf_reset;
    dc->vmsd = &nfp_ebpf_vmstate;
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
