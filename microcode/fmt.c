/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fmt.c - a tiny freestanding snprintf (see fmt.h).
 */
#include "fmt.h"

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_str(struct out *o, const char *s, int width, int left)
{
	int n = 0;

	while (s[n])
		n++;
	if (!left)
		put_pad(o, ' ', width - n);
	while (*s)
		put(o, *s++);
	if (left)
		put_pad(o, ' ', width - n);
}

static void put_num(struct out *o, unsigned long long v, int neg,
		    unsigned base, int upper, int width, int left, int zero)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + neg;
	if (!left && !zero)
		put_pad(o, ' ', width - len);
	if (neg)
		put(o, '-');
	if (!left && zero)
		put_pad(o, '0', width - len);
	while (n)
		put(o, tmp[--n]);
	if (left)
		put_pad(o, ' ', width - len);
}

size_t nfpe_vfmt(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int left = 0, zero = 0, width = 0, lng = 0;
		unsigned long long u;
		long long s;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				zero = 1;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		for (;; fmt++) {
			if (*fmt == 'l')
				lng++;
			else if (*fmt == 'z')
				lng = 3;
			else
				break;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			if (lng == 0)
				s = va_arg(ap, int);
			else if (lng == 1)
				s = va_arg(ap, long);
			else if (lng == 3)
				s = (long long)va_arg(ap, size_t);
			else
				s = va_arg(ap, long long);
			if (s < 0)
				put_num(&o, -(unsigned long long)s, 1, 10, 0,
					width, left, zero);
			else
				put_num(&o, (unsigned long long)s, 0, 10, 0,
					width, left, zero);
			break;
		case 'u':
		case 'x':
		case 'X':
			if (lng == 0)
				u = va_arg(ap, unsigned int);
			else if (lng == 1)
				u = va_arg(ap, unsigned long);
			else if (lng == 3)
				u = va_arg(ap, size_t);
			else
				u = va_arg(ap, unsigned long long);
			put_num(&o, u, 0, *fmt == 'u' ? 10 : 16, *fmt == 'X',
				width, left, zero);
			break;
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, (uintptr_t)va_arg(ap, void *), 0, 16, 0,
				width, left, zero);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);

			put_str(&o, str ? str : "(null)", width, left);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (o.size)
		o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
	return o.len;
}

size_t nfpe_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = nfpe_vfmt(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
