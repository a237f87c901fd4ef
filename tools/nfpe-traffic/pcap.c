/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Minimal pcap reader/writer for nfpe-traffic (no libpcap). */
#include "pcap.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC_US 0xa1b2c3d4u
#define MAGIC_NS 0xa1b23c4du

static uint32_t bswap32(uint32_t v)
{
    return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
}

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

void frame_list_push(struct frame_list *l, const uint8_t *data, uint32_t len)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->v = realloc(l->v, l->cap * sizeof(*l->v));
        if (!l->v) {
            perror("nfpe-traffic: realloc");
            exit(2);
        }
    }
    l->v[l->n].data = malloc(len ? len : 1);
    if (!l->v[l->n].data) {
        perror("nfpe-traffic: malloc");
        exit(2);
    }
    memcpy(l->v[l->n].data, data, len);
    l->v[l->n].len = len;
    l->n++;
}

void frame_list_free(struct frame_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].data);
    }
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

int pcap_read_file(const char *path, struct frame_list *out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    uint32_t gh[6], rh[4];
    int swap;
    uint8_t *buf;
    size_t idx = 0;

    if (!f) {
        seterr(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (fread(gh, sizeof(gh), 1, f) != 1) {
        seterr(err, errlen, "%s: too short for a pcap header", path);
        fclose(f);
        return -1;
    }
    if (gh[0] == MAGIC_US || gh[0] == MAGIC_NS) {
        swap = 0;
    } else if (bswap32(gh[0]) == MAGIC_US || bswap32(gh[0]) == MAGIC_NS) {
        swap = 1;
    } else {
        seterr(err, errlen, "%s: not a pcap file (magic 0x%08x; pcapng is not supported)", path, gh[0]);
        fclose(f);
        return -1;
    }
    if ((swap ? bswap32(gh[5]) : gh[5]) != PCAP_LINKTYPE_ETHERNET) {
        seterr(err, errlen, "%s: link type %u is not Ethernet", path, swap ? bswap32(gh[5]) : gh[5]);
        fclose(f);
        return -1;
    }
    buf = malloc(PCAP_MAX_FRAME);
    if (!buf) {
        fclose(f);
        seterr(err, errlen, "out of memory");
        return -1;
    }
    for (;;) {
        size_t got = fread(rh, 1, sizeof(rh), f);
        uint32_t incl;

        if (got == 0) {
            break;
        }
        if (got != sizeof(rh)) {
            seterr(err, errlen, "%s: truncated record header after %zu records", path, idx);
            goto fail;
        }
        incl = swap ? bswap32(rh[2]) : rh[2];
        if (incl > PCAP_MAX_FRAME) {
            seterr(err, errlen, "%s: record %zu has length %u", path, idx, incl);
            goto fail;
        }
        if (fread(buf, 1, incl, f) != incl) {
            seterr(err, errlen, "%s: truncated record %zu", path, idx);
            goto fail;
        }
        frame_list_push(out, buf, incl);
        idx++;
    }
    free(buf);
    fclose(f);
    return 0;
fail:
    free(buf);
    fclose(f);
    return -1;
}

FILE *pcap_open_write(const char *path)
{
    FILE *f = fopen(path, "wb");
    /* host byte order throughout (the magic tells readers which);
     * version 2.4 is two u16 (major first), here packed in one u32 */
    uint16_t ver[2] = { 2, 4 };
    uint32_t gh[6] = { MAGIC_NS, 0, 0, 0, PCAP_MAX_FRAME, PCAP_LINKTYPE_ETHERNET };

    if (!f) {
        return NULL;
    }
    memcpy(&gh[1], ver, sizeof(ver));
    if (fwrite(gh, sizeof(gh), 1, f) != 1) {
        fclose(f);
        return NULL;
    }
    return f;
}

int pcap_write_frame(FILE *f, const uint8_t *data, uint32_t len, uint64_t ts_ns)
{
    uint32_t rh[4] = { (uint32_t)(ts_ns / 1000000000u), (uint32_t)(ts_ns % 1000000000u), len, len };

    if (fwrite(rh, sizeof(rh), 1, f) != 1 || fwrite(data, 1, len, f) != len) {
        return -1;
    }
    return 0;
}
