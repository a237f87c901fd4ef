// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The differential test's packet corpus: built by code, the same bytes on
 * every run.  Short and truncated frames, ARP, IPv4 TCP/UDP/ICMP (with
 * options, fragments, bad headers), IPv6, 802.1Q, odd lengths, MTU-sized
 * frames, and flows repeated and spread to drive the test programs' maps.
 *
 * No frame is tagged 802.1Q and shorter than 20 bytes (tag and the inner
 * type): the guest stack frees such a frame while taking the tag off,
 * before a packet socket could see it, so a pass would look like a drop.
 */
#include <stdlib.h>
#include <string.h>

#include "diff.h"

#define MAX_PKTS 64

static struct diff_pkt *pk;
static size_t npk;

static const uint8_t mac_a[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };

static void put16(uint8_t *p, unsigned int v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* a new frame of LEN bytes: Ethernet header, payload pattern after it */
static uint8_t *frame(const char *what, size_t len, unsigned int type)
{
	struct diff_pkt *p = &pk[npk++];
	size_t i;

	p->what = what;
	p->len = len;
	memset(p->data, 0, sizeof(p->data));
	for (i = 14; i < sizeof(p->data); i++)
		p->data[i] = (uint8_t)(npk * 31 + i * 7);
	memcpy(p->data, mac_b, 6);
	memcpy(p->data + 6, mac_a, 6);
	p->data[11] = (uint8_t)(0x0a + npk % 5);	/* five senders */
	put16(p->data + 12, type);
	return p->data;
}

/* IPv4 header at P for a frame of LEN bytes from L3 offset OFF */
static uint8_t *ipv4(uint8_t *p, size_t len, size_t off, unsigned int proto,
		     uint32_t src, uint32_t dst, unsigned int ihl,
		     unsigned int frag, unsigned int ttl)
{
	uint8_t *ip = p + off;

	ip[0] = (uint8_t)(0x40 | ihl);
	ip[1] = 0;
	put16(ip + 2, (unsigned int)(len - off));
	put16(ip + 4, (unsigned int)npk);
	put16(ip + 6, frag);
	ip[8] = (uint8_t)ttl;
	ip[9] = (uint8_t)proto;
	put16(ip + 10, 0);
	put32(ip + 12, src);
	put32(ip + 16, dst);
	if (ihl > 5)
		memset(ip + 20, 1, (ihl - 5) * 4);	/* NOP options */
	put16(ip + 10, csum(ip, ihl * 4));
	return ip + ihl * 4;
}

static void ports(uint8_t *l4, unsigned int sport, unsigned int dport)
{
	put16(l4, sport);
	put16(l4 + 2, dport);
}

static void udp4(const char *what, size_t len, uint32_t src,
		 unsigned int sport, unsigned int dport)
{
	uint8_t *p = frame(what, len, 0x0800);
	uint8_t *l4 = ipv4(p, len, 14, 17, src, 0x0a000063, 5, 0, 64);

	ports(l4, sport, dport);
	put16(l4 + 4, (unsigned int)(len - 34));
	put16(l4 + 6, 0);
}

/* FLAGS: TCP flag byte (0x02 SYN, 0x04 RST, 0x10 ACK) */
static void tcp4(const char *what, size_t len, uint32_t src,
		 unsigned int dport, unsigned int flags, unsigned int ihl)
{
	uint8_t *p = frame(what, len, 0x0800);
	uint8_t *l4 = ipv4(p, len, 14, 6, src, 0x0a000063, ihl, 0, 64);

	ports(l4, 40000 + (unsigned int)npk, dport);
	put32(l4 + 4, 0x01020304u * (uint32_t)npk);
	put32(l4 + 8, 0);
	l4[12] = 0x50;
	l4[13] = (uint8_t)flags;
	put16(l4 + 14, 8192);
	put16(l4 + 16, 0);
	put16(l4 + 18, 0);
}

static void icmp4(const char *what, size_t len, unsigned int ttl)
{
	uint8_t *p = frame(what, len, 0x0800);
	uint8_t *l4 = ipv4(p, len, 14, 1, 0x0a000001, 0x0a000063, 5, 0, ttl);

	l4[0] = 8;
	l4[1] = 0;
	put16(l4 + 2, 0);
	put16(l4 + 2, csum(l4, len - 34));
}

static void ipv6(const char *what, size_t len, size_t off, unsigned int nh,
		 unsigned int dport)
{
	uint8_t *p = frame(what, len, off == 18 ? 0x8100 : 0x86dd);
	uint8_t *ip = p + off;
	int i;

	if (off == 18) {
		put16(p + 14, 0x2007);		/* PCP 1, VID 7 */
		put16(p + 16, 0x86dd);
	}
	if (len < off + 40)
		return;				/* truncated header: pattern */
	put32(ip, 0x60000000);
	put16(ip + 4, (unsigned int)(len - off - 40));
	ip[6] = (uint8_t)nh;
	ip[7] = 64;
	for (i = 0; i < 16; i++) {
		ip[8 + i] = (uint8_t)(0x20 + i);
		ip[24 + i] = (uint8_t)(0x40 + i);
	}
	if (len >= off + 44)
		ports(ip + 40, 1234, dport);
}

static void vlan4(const char *what, size_t len, unsigned int vid,
		  unsigned int proto, unsigned int dport)
{
	uint8_t *p = frame(what, len, 0x8100);
	uint8_t *l4;

	put16(p + 14, vid);
	put16(p + 16, 0x0800);
	l4 = ipv4(p, len, 18, proto, 0x0a000005, 0x0a000063, 5, 0, 64);
	ports(l4, 7000, dport);
}

static void arp(const char *what, size_t len, size_t off)
{
	uint8_t *p = frame(what, len, off == 18 ? 0x8100 : 0x0806);
	uint8_t *a = p + off;

	memset(p, 0xff, 6);
	if (off == 18) {
		put16(p + 14, 3);
		put16(p + 16, 0x0806);
	}
	put16(a, 1);
	put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, 1);
	memcpy(a + 8, mac_a, 6);
	put32(a + 14, 0x0a000001);
	memset(a + 18, 0, 6);
	put32(a + 24, 0x0a000063);
	if (len > off + 28)
		memset(a + 28, 0, len - off - 28);
}

size_t diff_corpus(struct diff_pkt **pkts)
{
	uint8_t *p;
	int i;

	free(pk);
	pk = calloc(MAX_PKTS, sizeof(*pk));
	if (!pk)
		return 0;
	npk = 0;

	frame("14 bytes, IPv4 type, no header", 14, 0x0800);
	frame("14 bytes, experimental type", 14, 0x88b5);
	frame("15 bytes (odd)", 15, 0x88b5);
	frame("17 bytes, IPv4 type", 17, 0x0800);
	frame("20 bytes, IPv4 type", 20, 0x0800);
	udp4("33 bytes: IPv4 header cut short", 33, 0x0a000001, 1, 2);
	pk[npk - 1].data[14] = 0x45;
	arp("ARP request, 42 bytes", 42, 14);
	arp("ARP request, 60 bytes", 60, 14);
	udp4("IPv4/UDP to port 9, 60 bytes", 60, 0x0a000001, 5000, 9);
	udp4("IPv4/UDP to port 53, 60 bytes", 60, 0x0a000001, 5001, 53);
	udp4("IPv4/UDP, 61 bytes (odd)", 61, 0x0a000001, 5002, 4789);
	udp4("IPv4/UDP, 128 bytes", 128, 0x0a000001, 5003, 4789);
	udp4("IPv4/UDP, 1514 bytes (MTU)", 1514, 0x0a000001, 5004, 8080);
	udp4("IPv4/UDP, header only (42 bytes)", 42, 0x0a000001, 5005, 2049);
	for (i = 0; i < 5; i++)
		udp4("IPv4/UDP flow 10.0.0.2 -> 5000, repeated", 70 + (size_t)i,
		     0x0a000002, 6000, 5000);
	tcp4("IPv4/TCP SYN to 22 from 10.0.0.1", 60, 0x0a000001, 22, 0x02, 5);
	tcp4("IPv4/TCP to 80 from 10.0.0.1 (blocked)", 74, 0x0a000001, 80, 0x10, 5);
	tcp4("IPv4/TCP RST from 10.0.0.1", 60, 0x0a000001, 80, 0x04, 5);
	tcp4("IPv4/TCP to 80 from 10.0.0.1 (unblocked)", 75, 0x0a000001, 80, 0x10, 5);
	tcp4("IPv4/TCP to 23", 66, 0x0a000002, 23, 0x02, 5);
	tcp4("IPv4/TCP with 8 bytes of IP options", 90, 0x0a000003, 443, 0x10, 7);
	tcp4("IPv4/TCP, 1200 bytes", 1200, 0x0a000004, 443, 0x10, 5);
	tcp4("IPv4/TCP cut inside the TCP header (44 bytes)", 44, 0x0a000004, 443, 0x10, 5);
	icmp4("IPv4/ICMP echo, 98 bytes", 98, 64);
	icmp4("IPv4/ICMP echo, 1512 bytes", 1512, 64);
	icmp4("IPv4/ICMP echo, TTL 1", 99, 1);
	udp4("IPv4/UDP fragment (MF)", 100, 0x0a000006, 5006, 4000);
	p = pk[npk - 1].data + 14;
	put16(p + 6, 0x2000);
	put16(p + 10, 0);
	put16(p + 10, csum(p, 20));
	udp4("IPv4 header length 3 (invalid)", 60, 0x0a000006, 5007, 4000);
	pk[npk - 1].data[14] = 0x43;
	udp4("IPv4 type, version 6 in the header", 60, 0x0a000006, 5008, 4000);
	pk[npk - 1].data[14] = 0x65;
	p = frame("IPv4/GRE, 100 bytes", 100, 0x0800);
	ipv4(p, 100, 14, 47, 0x0a000007, 0x0a000063, 5, 0, 64);
	ipv6("IPv6/UDP, 100 bytes", 100, 14, 17, 53);
	ipv6("IPv6/TCP, 74 bytes", 74, 14, 6, 80);
	ipv6("IPv6/ICMPv6, 70 bytes", 70, 14, 58, 0);
	ipv6("IPv6 header cut short, 40 bytes", 40, 14, 17, 53);
	ipv6("802.1Q IPv6/UDP, 99 bytes (odd)", 99, 18, 17, 5353);
	vlan4("802.1Q IPv4/UDP, 64 bytes", 64, 100, 17, 4789);
	vlan4("802.1Q IPv4/TCP, 1518 bytes (MTU)", 1518, 0xe123, 6, 8443);
	vlan4("802.1Q, 20 bytes, no IP header", 20, 5, 17, 1);
	arp("802.1Q ARP, 64 bytes", 64, 18);
	for (i = 0; i < 10; i++)
		udp4("IPv4/UDP, a new flow each", 63 + 37 * (size_t)i,
		     0x0a000100 + (uint32_t)i, 7000, 6000 + (unsigned int)i);
	*pkts = pk;
	return npk;
}
