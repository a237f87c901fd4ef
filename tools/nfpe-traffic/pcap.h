/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Minimal pcap (libpcap classic format) reader and writer, Ethernet only. */
#ifndef NFPE_TRAFFIC_PCAP_H
#define NFPE_TRAFFIC_PCAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PCAP_LINKTYPE_ETHERNET 1
#define PCAP_MAX_FRAME 65535

struct frame {
    uint8_t *data;
    uint32_t len;
};

struct frame_list {
    struct frame *v;
    size_t n, cap;
};

/* Reads every record of an Ethernet pcap file (either byte order, us or ns
 * timestamps) and appends the frames to @out.  Returns 0, or -1 with a message
 * in @err. */
int pcap_read_file(const char *path, struct frame_list *out, char *err, size_t errlen);

/* Writer: pcap_open_write() returns NULL with errno set on failure. */
FILE *pcap_open_write(const char *path);
int pcap_write_frame(FILE *f, const uint8_t *data, uint32_t len, uint64_t ts_ns);

void frame_list_push(struct frame_list *l, const uint8_t *data, uint32_t len);
void frame_list_free(struct frame_list *l);

#endif
