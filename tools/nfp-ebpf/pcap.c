/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcap.c - classic pcap reader and writer (see pcap.h).
 * Format: https://www.tcpdump.org/manpages/pcap-savefile.5.html
 */
#include <errno.h>
#include <string.h>

#include "pcap.h"

#define MAGIC_USEC	0xa1b2c3d4u
#define MAGIC_NSEC	0xa1b23c4du
#define MAGIC_PCAPNG	0x0a0d0d0au
#define MAX_SNAPLEN	(256u * 1024)

static uint32_t get32(const uint8_t *b, int swap)
{
	uint32_t v;

	memcpy(&v, b, 4);
	return swap ? GUINT32_SWAP_LE_BE(v) : v;
}

int pcap_open_read(struct pcap_in *p, const char *path, char **err)
{
	uint8_t h[24];
	uint32_t magic;

	memset(p, 0, sizeof(*p));
	p->f = fopen(path, "rb");
	if (!p->f) {
		*err = g_strdup_printf("%s: %s", path, g_strerror(errno));
		return -1;
	}
	if (fread(h, 1, sizeof(h), p->f) != sizeof(h)) {
		*err = g_strdup_printf("%s: too short for a pcap header",
				       path);
		goto fail;
	}
	memcpy(&magic, h, 4);
	if (magic == MAGIC_USEC || magic == MAGIC_NSEC) {
		p->swap = 0;
	} else if (GUINT32_SWAP_LE_BE(magic) == MAGIC_USEC ||
		   GUINT32_SWAP_LE_BE(magic) == MAGIC_NSEC) {
		p->swap = 1;
		magic = GUINT32_SWAP_LE_BE(magic);
	} else if (magic == MAGIC_PCAPNG) {
		*err = g_strdup_printf("%s: pcapng is not supported; convert "
				       "with 'editcap -F pcap'", path);
		goto fail;
	} else {
		*err = g_strdup_printf("%s: not a pcap file (magic 0x%08x)",
				       path, magic);
		goto fail;
	}
	p->nsec = magic == MAGIC_NSEC;
	p->snaplen = get32(h + 16, p->swap);
	p->linktype = get32(h + 20, p->swap) & 0x0fffffff;
	return 0;
fail:
	fclose(p->f);
	p->f = NULL;
	return -1;
}

int pcap_read(struct pcap_in *p, struct pcap_rec *r, char **err)
{
	uint8_t h[16];
	size_t n = fread(h, 1, sizeof(h), p->f);
	uint32_t sec, frac;

	if (n == 0 && feof(p->f))
		return 0;
	if (n != sizeof(h)) {
		*err = g_strdup("truncated pcap record header");
		return -1;
	}
	sec = get32(h, p->swap);
	frac = get32(h + 4, p->swap);
	r->len = get32(h + 8, p->swap);
	r->orig_len = get32(h + 12, p->swap);
	if (r->len > MAX_SNAPLEN) {
		*err = g_strdup_printf("pcap record of %u bytes is larger "
				       "than %u", r->len, MAX_SNAPLEN);
		return -1;
	}
	r->ts_ns = (uint64_t)sec * 1000000000ull +
		   (p->nsec ? frac : (uint64_t)frac * 1000);
	if (r->len > p->buf_size) {
		p->buf = g_realloc(p->buf, r->len);
		p->buf_size = r->len;
	}
	if (r->len && fread(p->buf, 1, r->len, p->f) != r->len) {
		*err = g_strdup("truncated pcap record");
		return -1;
	}
	r->data = p->buf;
	return 1;
}

void pcap_close_read(struct pcap_in *p)
{
	if (p->f)
		fclose(p->f);
	g_free(p->buf);
	memset(p, 0, sizeof(*p));
}

static void put32(uint8_t *b, uint32_t v)
{
	v = GUINT32_TO_LE(v);
	memcpy(b, &v, 4);
}

static void put16(uint8_t *b, uint16_t v)
{
	v = GUINT16_TO_LE(v);
	memcpy(b, &v, 2);
}

int pcap_open_write(struct pcap_out *p, const char *path, uint32_t linktype,
		    int nsec, char **err)
{
	uint8_t h[24];

	p->nsec = nsec;
	p->f = fopen(path, "wb");
	if (!p->f) {
		*err = g_strdup_printf("%s: %s", path, g_strerror(errno));
		return -1;
	}
	put32(h, nsec ? MAGIC_NSEC : MAGIC_USEC);
	put16(h + 4, 2);
	put16(h + 6, 4);
	put32(h + 8, 0);
	put32(h + 12, 0);
	put32(h + 16, 65535);
	put32(h + 20, linktype);
	if (fwrite(h, 1, sizeof(h), p->f) != sizeof(h)) {
		*err = g_strdup_printf("%s: %s", path, g_strerror(errno));
		fclose(p->f);
		p->f = NULL;
		return -1;
	}
	return 0;
}

int pcap_write(struct pcap_out *p, const struct pcap_rec *r, char **err)
{
	uint8_t h[16];
	uint64_t div = p->nsec ? 1 : 1000;

	put32(h, (uint32_t)(r->ts_ns / 1000000000ull));
	put32(h + 4, (uint32_t)(r->ts_ns % 1000000000ull / div));
	put32(h + 8, r->len);
	put32(h + 12, r->orig_len);
	if (fwrite(h, 1, sizeof(h), p->f) != sizeof(h) ||
	    fwrite(r->data, 1, r->len, p->f) != r->len) {
		*err = g_strdup_printf("writing pcap: %s", g_strerror(errno));
		return -1;
	}
	return 0;
}

int pcap_close_write(struct pcap_out *p, char **err)
{
	int rc = 0;

	if (p->f && fclose(p->f)) {
		*err = g_strdup_printf("closing pcap: %s", g_strerror(errno));
		rc = -1;
	}
	p->f = NULL;
	return rc;
}
