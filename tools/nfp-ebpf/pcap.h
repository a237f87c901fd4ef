/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcap.h - classic libpcap capture files, read and written without
 * libpcap: microsecond and nanosecond variants, either byte order.
 * pcapng is recognised and refused with a clear message.
 */
#ifndef NFP_EBPF_PCAP_H
#define NFP_EBPF_PCAP_H

#include <stdint.h>
#include <stdio.h>
#include <glib.h>

#define PCAP_LINKTYPE_ETHERNET	1

struct pcap_rec {
	uint64_t ts_ns;		/* timestamp, nanoseconds since the epoch */
	uint32_t orig_len;	/* length on the wire */
	uint32_t len;		/* captured bytes in data */
	uint8_t *data;
};

struct pcap_in {
	FILE *f;
	int swap;		/* file byte order differs from ours */
	int nsec;		/* timestamps in nanoseconds */
	uint32_t snaplen;
	uint32_t linktype;
	uint8_t *buf;
	uint32_t buf_size;
};

/* 0 or -1 with *err set (g_free it). */
int pcap_open_read(struct pcap_in *p, const char *path, char **err);
/* 1 record, 0 end of file, -1 error (*err set).  data valid until next. */
int pcap_read(struct pcap_in *p, struct pcap_rec *r, char **err);
void pcap_close_read(struct pcap_in *p);

struct pcap_out {
	FILE *f;
	int nsec;
};

int pcap_open_write(struct pcap_out *p, const char *path, uint32_t linktype,
		    int nsec, char **err);
int pcap_write(struct pcap_out *p, const struct pcap_rec *r, char **err);
int pcap_close_write(struct pcap_out *p, char **err);

#endif
