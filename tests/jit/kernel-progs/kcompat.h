/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kcompat.h - force-included (-include) when build-kernel-progs.sh compiles
 * the kernel's samples/bpf XDP programs against the installed uapi headers
 * instead of a configured kernel tree: the few kernel-internal names they
 * use (u32, htons, __packed, struct vlan_hdr, ...).
 */
#ifndef NFPE_KCOMPAT_H
#define NFPE_KCOMPAT_H
#include <linux/types.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

#define __force
#define __packed __attribute__((packed))
#define AF_INET 2
#define AF_INET6 10
#define htons(x) bpf_htons(x)
#define ntohs(x) bpf_ntohs(x)
#define htonl(x) bpf_htonl(x)
#define ntohl(x) bpf_ntohl(x)
#define cpu_to_be32(x) bpf_htonl(x)
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define memcpy __builtin_memcpy
#define memset __builtin_memset

/* 802.1Q tag after the MAC addresses (include/linux/if_vlan.h) */
struct vlan_hdr {
	__be16 h_vlan_TCI;
	__be16 h_vlan_encapsulated_proto;
};
#endif
