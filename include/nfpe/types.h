/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpe/types.h - fixed-width integer types for the hardware-interface headers.
 *
 * The nfpe/ headers are included by four very different programs: the QEMU
 * device, the Linux guest module, the JIT core (built on both sides) and
 * the userspace tools.  None of them may pull in libc, so the only thing
 * this file does is find uint8_t..uint64_t: from <linux/types.h> in the
 * kernel, from the compiler's freestanding <stdint.h> everywhere else.
 */
#ifndef NFPE_TYPES_H
#define NFPE_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#include <stddef.h>
#endif

#define NFPE_BIT(n)		(1u << (n))
#define NFPE_STATIC_ASSERT(c, m) _Static_assert(c, m)

#endif /* NFPE_TYPES_H */
