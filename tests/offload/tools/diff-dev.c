// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The device side of offload-diff.  Port 0 (DEV) runs the offloaded
 * program; port 1 (PEER) is cabled to it (run-vm-test --nfp-wire), so a
 * frame sent on PEER enters DEV's receive pipeline, and what DEV
 * transmits (XDP_TX) arrives on PEER.  Packet sockets see the frames DEV
 * hands to the stack and those PEER receives; the device's per-action
 * counters come from the driver's ethtool statistics (SIOCETHTOOL, what
 * `ethtool -S` prints).
 */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "diff.h"

const char *const diff_dev_counter_names[DIFF_NCOUNTERS] = {
	"xdp_aborted", "xdp_drop", "xdp_pass", "xdp_tx",
	"tc_ok", "tc_shot", "tc_other", "prog_errors",
};

struct diff_dev {
	char name[IFNAMSIZ];
	int ifindex, peer_ifindex;
	int rx_dev, rx_peer, tx, ctl;
	unsigned int nstats;
	int idx[DIFF_NCOUNTERS];
	struct ethtool_stats *st;
};

static int ethtool_ioctl(struct diff_dev *d, void *arg)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", d->name);
	ifr.ifr_data = arg;
	return ioctl(d->ctl, SIOCETHTOOL, &ifr);
}

static int find_counters(struct diff_dev *d)
{
	struct {
		struct ethtool_sset_info hdr;
		uint32_t n;
	} ssi;
	struct ethtool_gstrings *gs;
	unsigned int i, j;

	memset(&ssi, 0, sizeof(ssi));
	ssi.hdr.cmd = ETHTOOL_GSSET_INFO;
	ssi.hdr.sset_mask = 1ULL << ETH_SS_STATS;
	if (ethtool_ioctl(d, &ssi) || !ssi.hdr.sset_mask) {
		fprintf(stderr, "%s: no ethtool statistics: %s\n", d->name,
			strerror(errno));
		return -1;
	}
	d->nstats = ssi.n;
	gs = calloc(1, sizeof(*gs) + (size_t)d->nstats * ETH_GSTRING_LEN);
	d->st = calloc(1, sizeof(*d->st) + (size_t)d->nstats * sizeof(uint64_t));
	if (!gs || !d->st)
		return -1;
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = ETH_SS_STATS;
	gs->len = d->nstats;
	if (ethtool_ioctl(d, gs)) {
		fprintf(stderr, "%s: ethtool strings: %s\n", d->name,
			strerror(errno));
		free(gs);
		return -1;
	}
	for (j = 0; j < DIFF_NCOUNTERS; j++) {
		d->idx[j] = -1;
		for (i = 0; i < d->nstats; i++)
			if (!strncmp((char *)gs->data + i * ETH_GSTRING_LEN,
				     diff_dev_counter_names[j], ETH_GSTRING_LEN))
				d->idx[j] = (int)i;
		if (d->idx[j] < 0) {
			fprintf(stderr, "%s: no counter %s\n", d->name,
				diff_dev_counter_names[j]);
			free(gs);
			return -1;
		}
	}
	free(gs);
	return 0;
}

int diff_dev_counters(struct diff_dev *d, uint64_t *out)
{
	int j;

	d->st->cmd = ETHTOOL_GSTATS;
	d->st->n_stats = d->nstats;
	if (ethtool_ioctl(d, d->st)) {
		fprintf(stderr, "%s: ethtool statistics: %s\n", d->name,
			strerror(errno));
		return -1;
	}
	for (j = 0; j < DIFF_NCOUNTERS; j++)
		out[j] = d->st->data[d->idx[j]];
	return 0;
}

/* PROTO 0: a socket that only sends */
static int packet_socket(int ifindex, int proto)
{
	struct sockaddr_ll sll;
	int one = 1, fd;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    htons(proto));
	if (fd < 0)
		return -1;
	if (proto) {
		/* the tag the stack takes off comes back as auxdata */
		if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)))
			goto fail;
		/* best effort: outgoing frames are skipped below anyway */
		setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(proto);
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

struct diff_dev *diff_dev_open(const char *dev, const char *peer)
{
	struct diff_dev *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->rx_dev = d->rx_peer = d->tx = d->ctl = -1;
	snprintf(d->name, sizeof(d->name), "%s", dev);
	d->ifindex = (int)if_nametoindex(dev);
	d->peer_ifindex = (int)if_nametoindex(peer);
	if (!d->ifindex || !d->peer_ifindex) {
		fprintf(stderr, "no interface %s or %s\n", dev, peer);
		goto fail;
	}
	d->ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	d->rx_dev = packet_socket(d->ifindex, ETH_P_ALL);
	d->rx_peer = packet_socket(d->peer_ifindex, ETH_P_ALL);
	d->tx = packet_socket(d->peer_ifindex, 0);
	if (d->ctl < 0 || d->rx_dev < 0 || d->rx_peer < 0 || d->tx < 0) {
		fprintf(stderr, "sockets: %s\n", strerror(errno));
		goto fail;
	}
	if (find_counters(d))
		goto fail;
	return d;
fail:
	diff_dev_close(d);
	return NULL;
}

void diff_dev_close(struct diff_dev *d)
{
	if (!d)
		return;
	if (d->rx_dev >= 0)
		close(d->rx_dev);
	if (d->rx_peer >= 0)
		close(d->rx_peer);
	if (d->tx >= 0)
		close(d->tx);
	if (d->ctl >= 0)
		close(d->ctl);
	free(d->st);
	free(d);
}

int diff_dev_ifindex(const struct diff_dev *d)
{
	return d->ifindex;
}

int diff_dev_inject(struct diff_dev *d, const uint8_t *frame, size_t len)
{
	ssize_t n = send(d->tx, frame, len, 0);

	if (n != (ssize_t)len) {
		fprintf(stderr, "send of %zu bytes on the peer: %s\n", len,
			n < 0 ? strerror(errno) : "short");
		return -1;
	}
	return 0;
}

/* one frame from FD if there is one: length, 0 none, -1 error */
static int recv_one(int fd, uint8_t *buf, size_t size)
{
	union {
		struct cmsghdr c;
		char b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} cb;
	uint8_t tmp[DIFF_MAX_FRAME + 64];
	struct tpacket_auxdata *aux = NULL;
	struct sockaddr_ll from;
	struct iovec iov = { tmp, sizeof(tmp) };
	struct msghdr msg;
	struct cmsghdr *c;
	size_t len, tag = 0;
	ssize_t n;

	for (;;) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_name = &from;
		msg.msg_namelen = sizeof(from);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = &cb;
		msg.msg_controllen = sizeof(cb);
		n = recvmsg(fd, &msg, MSG_TRUNC);
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		if (from.sll_pkttype != PACKET_OUTGOING)
			break;
	}
	len = (size_t)n;
	if (len > sizeof(tmp) || (msg.msg_flags & MSG_TRUNC)) {
		fprintf(stderr, "received frame of %zd bytes: too long\n", n);
		return -1;
	}
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA)
			aux = (struct tpacket_auxdata *)CMSG_DATA(c);
	if (aux && (aux->tp_status & TP_STATUS_VLAN_VALID) && len >= 12)
		tag = 4;
	if (len + tag > size) {
		fprintf(stderr, "received frame of %zu bytes: too long\n", len);
		return -1;
	}
	/* the stack took the 802.1Q tag off: put it back after the MACs */
	memcpy(buf, tmp, tag ? 12 : len);
	if (tag) {
		uint16_t tpid = (aux->tp_status & TP_STATUS_VLAN_TPID_VALID) ?
				aux->tp_vlan_tpid : ETH_P_8021Q;

		buf[12] = (uint8_t)(tpid >> 8);
		buf[13] = (uint8_t)tpid;
		buf[14] = (uint8_t)(aux->tp_vlan_tci >> 8);
		buf[15] = (uint8_t)aux->tp_vlan_tci;
		memcpy(buf + 16, tmp + 12, len - 12);
	}
	return (int)(len + tag);
}

int diff_dev_receive(struct diff_dev *d, enum diff_where where,
		     uint8_t *buf, size_t size, int wait_ms)
{
	int fd = where == DIFF_TO_WIRE ? d->rx_peer : d->rx_dev;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int n;

	n = recv_one(fd, buf, size);
	if (n)
		return n;
	if (poll(&pfd, 1, wait_ms) < 0)
		return -1;
	return recv_one(fd, buf, size);
}

int diff_dev_drain(struct diff_dev *d, int wait_ms)
{
	uint8_t buf[DIFF_MAX_FRAME + 64];
	int n = 0, r;

	if (wait_ms)
		usleep((useconds_t)wait_ms * 1000);
	while ((r = recv_one(d->rx_dev, buf, sizeof(buf))) > 0) {
		diff_hex("  unexpected frame on the device's netdev", buf, (size_t)r);
		n++;
	}
	while ((r = recv_one(d->rx_peer, buf, sizeof(buf))) > 0) {
		diff_hex("  unexpected frame from the device's wire", buf, (size_t)r);
		n++;
	}
	return n;
}
