/* SPDX-License-Identifier: GPL-2.0-or-later */
/* L2TPv3-over-UDP encapsulation for nfpe-traffic (see l2tpv3.h). */
#include "l2tpv3.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* first word of a data message over UDP: T bit 0, version 3 */
#define L2TPV3_UDP_DATA 0x00030000u

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int parse_u32(const char *s, const char *end, unsigned long min, uint32_t *out)
{
    char buf[24], *e;
    size_t n = (size_t)(end - s);
    unsigned long long v;

    if (n == 0 || n >= sizeof(buf) || *s == '-' || *s == '+') {
        return -1;
    }
    memcpy(buf, s, n);
    buf[n] = 0;
    errno = 0;
    v = strtoull(buf, &e, 0);
    if (errno || *e || v < min || v > 0xffffffffull) {
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

int l2tpv3_parse(const char *s, struct l2tpv3 *l, char *err, size_t errlen)
{
    const char *comma = strchr(s, ',');
    const char *send = comma ? comma : s + strlen(s);

    memset(l, 0, sizeof(*l));
    if (parse_u32(s, send, 1, &l->session)) {
        snprintf(err, errlen, "bad --l2tpv3 session in '%s' (1..0xffffffff)", s);
        return -1;
    }
    if (comma) {
        if (parse_u32(comma + 1, comma + 1 + strlen(comma + 1), 0, &l->cookie)) {
            snprintf(err, errlen, "bad --l2tpv3 cookie in '%s' (0..0xffffffff)", s);
            return -1;
        }
        l->has_cookie = true;
    }
    put_be32(l->hdr, L2TPV3_UDP_DATA);
    put_be32(l->hdr + 4, l->session);
    l->hdr_len = 8;
    if (l->has_cookie) {
        put_be32(l->hdr + 8, l->cookie);
        l->hdr_len = 12;
    }
    l->on = true;
    return 0;
}

long l2tpv3_check(const struct l2tpv3 *l, const uint8_t *p, size_t len, char *err, size_t errlen)
{
    if (len <= l->hdr_len) {
        snprintf(err, errlen, "%zu-byte datagram: no frame after the %zu-byte L2TPv3 header",
                 len, l->hdr_len);
        return -1;
    }
    if (get_be32(p) != L2TPV3_UDP_DATA) {
        snprintf(err, errlen, "L2TPv3 first word 0x%08x, expected 0x%08x (data message, version 3)",
                 get_be32(p), L2TPV3_UDP_DATA);
        return -1;
    }
    if (get_be32(p + 4) != l->session) {
        snprintf(err, errlen, "L2TPv3 session %u, expected %u", get_be32(p + 4), l->session);
        return -1;
    }
    if (l->has_cookie && get_be32(p + 8) != l->cookie) {
        snprintf(err, errlen, "L2TPv3 cookie 0x%08x, expected 0x%08x", get_be32(p + 8), l->cookie);
        return -1;
    }
    return (long)l->hdr_len;
}
