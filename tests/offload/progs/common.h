/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared includes of the offload test programs (clang -O2 -target bpf). */
#ifndef NFPE_OFFLOAD_PROGS_COMMON_H
#define NFPE_OFFLOAD_PROGS_COMMON_H
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#endif
