/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * L2TPv3-over-UDP data header (RFC 3931, section 4.1.2.1) as QEMU's
 * "-netdev l2tpv3,udp=on" backend writes and checks it: a 32-bit word with
 * the T bit clear and version 3, the 32-bit session ID, then an optional
 * 32-bit cookie; no L2-specific sublayer (the backend's counter=off).
 * Every field is big-endian.
 */
#ifndef NFPE_TRAFFIC_L2TPV3_H
#define NFPE_TRAFFIC_L2TPV3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define L2TPV3_MAX_HDR 12

struct l2tpv3 {
    bool on;
    bool has_cookie;
    uint32_t session;
    uint32_t cookie;
    uint8_t hdr[L2TPV3_MAX_HDR]; /* the header every sent frame gets */
    size_t hdr_len;
};

/*
 * Parses "SESSION[,COOKIE]" (decimal or 0x hex; SESSION 1..0xffffffff,
 * COOKIE 0..0xffffffff) and builds the header.  Returns 0, or -1 with a
 * message in @err.
 */
int l2tpv3_parse(const char *s, struct l2tpv3 *l, char *err, size_t errlen);

/*
 * Checks the header of a received datagram of @len bytes.  Returns the
 * header length (the frame follows it), or -1 with the reason in @err.
 */
long l2tpv3_check(const struct l2tpv3 *l, const uint8_t *p, size_t len, char *err, size_t errlen);

#endif
