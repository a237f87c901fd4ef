/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compat-user.h - what the JIT core needs from a userspace toolchain.
 *
 * Only freestanding headers: the core calls no libc function, so the
 * same object code could run in any host program.
 */
#ifndef NFPE_JIT_COMPAT_USER_H
#define NFPE_JIT_COMPAT_USER_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

#define nfpe_va_list		va_list
#define nfpe_va_start		va_start
#define nfpe_va_end		va_end
#define nfpe_va_arg		va_arg

#define nfpe_printf(f, a)	__attribute__((format(printf, f, a)))
#define NFPE_ARRAY_SIZE(x)	(sizeof(x) / sizeof((x)[0]))

#endif /* NFPE_JIT_COMPAT_USER_H */
