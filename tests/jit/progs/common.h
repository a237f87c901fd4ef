/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared includes of the JIT test programs (clang -target bpf). */
#ifndef NFPE_TEST_PROGS_COMMON_H
#define NFPE_TEST_PROGS_COMMON_H
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#endif
