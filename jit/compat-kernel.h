/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compat-kernel.h - what the JIT core needs inside the Linux module.
 *
 * Types and varargs only; the core calls no kernel function.  Memory
 * comes from the caller's struct nfpe_jit_alloc (kvzalloc/kvfree in the
 * driver).
 */
#ifndef NFPE_JIT_COMPAT_KERNEL_H
#define NFPE_JIT_COMPAT_KERNEL_H

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/stdarg.h>

#define nfpe_va_list		va_list
#define nfpe_va_start		va_start
#define nfpe_va_end		va_end
#define nfpe_va_arg		va_arg

#define nfpe_printf(f, a)	__printf(f, a)
#define NFPE_ARRAY_SIZE(x)	ARRAY_SIZE(x)

#endif /* NFPE_JIT_COMPAT_KERNEL_H */
