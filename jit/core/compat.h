/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compat.h - the one place the JIT core learns which side it is built on.
 */
#ifndef NFPE_JIT_COMPAT_H
#define NFPE_JIT_COMPAT_H

#ifdef __KERNEL__
#include "../compat-kernel.h"
#else
#include "../compat-user.h"
#endif

#define nfpe_memcpy(d, s, n)	__builtin_memcpy((d), (s), (n))
#define nfpe_memset(d, c, n)	__builtin_memset((d), (c), (n))

#endif /* NFPE_JIT_COMPAT_H */
