/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fmt.h - a tiny freestanding snprintf for the microcode library's error
 * messages (the library may not call libc).
 *
 * Conversions: %d %i %u %x %X %c %s %p %% with the length modifiers l, ll
 * and z, a field width, '-' (left-justify), and '0' (zero pad).  No
 * floating point, no precision.  Always NUL-terminates when size > 0 and
 * returns the length the full output needed (as snprintf does).
 */
#ifndef NFPE_FMT_H
#define NFPE_FMT_H

#include <stdarg.h>
#include "nfpe/types.h"

size_t nfpe_vfmt(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
size_t nfpe_fmt(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* NFPE_FMT_H */
