/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nfpe-traffic: send Ethernet frames into a VM port and check what comes out.
 *
 * A port of the test VM (images/nfpe-vm) is a QEMU datagram netdev on
 * 127.0.0.1: one Ethernet frame per UDP datagram.  QEMU listens on one UDP
 * port (--to) and sends what the guest transmits to another (--bind).
 * With --l2tpv3 the port is QEMU's l2tpv3 netdev (UDP mode) instead: every
 * frame travels behind an L2TPv3 data header (l2tpv3.h).
 */
#define _GNU_SOURCE /* sendmmsg */
#include "l2tpv3.h"
#include "pcap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD_MAGIC "NFPE"
#define MIN_FRAME 60 /* without FCS */
#define HDR_LEN (14 + 20 + 8)

struct opts {
    struct sockaddr_in to, bind;
    bool have_to, have_bind;
    long count;
    unsigned size;
    uint8_t dst_mac[6], src_mac[6];
    struct in_addr src_ip, dst_ip;
    unsigned sport, dport;
    const char *pcap_in;
    long repeat;
    double rate;
    long window;
    const char *pcap_out;
    bool expect_echo;
    const char *expect_pcap;
    long expect_count;
    bool unordered;
    double timeout;
    double duration;
    double send_for;
    long batch;
    struct l2tpv3 l2tp;
    int verbose;
    bool quiet;
};

static void usage(FILE *f)
{
    fprintf(f,
"usage: nfpe-traffic [options]\n"
"Send Ethernet frames to a VM port (a QEMU datagram netdev on 127.0.0.1) and\n"
"receive, save and check the frames the guest sends back.\n"
"\n"
"Ports (loopback only):\n"
"  --to [127.0.0.1:]PORT     where QEMU listens (frames go into the guest)\n"
"  --bind [127.0.0.1:]PORT   where QEMU sends what the guest transmits\n"
"  --l2tpv3 SESSION[,COOKIE] the port is an l2tpv3 netdev (udp=on, txsession =\n"
"                            rxsession = SESSION, 32-bit tx/rxcookie = COOKIE):\n"
"                            every sent frame gets the L2TPv3 header; received\n"
"                            datagrams must carry it (else counted as errors)\n"
"What to send (generated frames unless --pcap-in):\n"
"  --count N                 frames to send (default 1; 0 = receive only)\n"
"  --size BYTES              frame size without FCS, >= %d (default 64)\n"
"  --dst-mac MAC --src-mac MAC          (default 52:54:00:00:01:00, 02:00:00:00:00:01)\n"
"  --src-ip A.B.C.D --dst-ip A.B.C.D    (default 10.0.0.1 -> 10.0.0.2)\n"
"  --sport N --dport N                  UDP ports (default 4000 -> 5000)\n"
"    payload: \"NFPE\", 32-bit big-endian sequence number, pattern bytes\n"
"  --pcap-in FILE            send the frames of this pcap instead\n"
"  --repeat N                send the pcap N times (default 1)\n"
"  --rate PPS                send rate (default 0: as fast as possible)\n"
"  --window N                at most N frames sent but not yet received back\n"
"                            (default 0: no limit; useful with --expect-echo)\n"
"  --send-for SEC            send the frames over and over (in turn) for SEC\n"
"                            seconds, or until SIGTERM/SIGINT (benchmarks)\n"
"  --batch N                 hand up to N frames to the kernel per system call\n"
"                            (sendmmsg; default 1)\n"
"Receiving and checking:\n"
"  --pcap-out FILE           write received frames to this pcap\n"
"  --expect-echo             expect every sent frame back, byte-exact\n"
"  --expect-pcap FILE        expect exactly the frames of this pcap\n"
"  --expect-count N          expect N frames (any content)\n"
"  --unordered               frames may come back in any order\n"
"  --timeout SEC             wait for frames after the last send (default 5)\n"
"  --duration SEC            with --count 0: receive for SEC seconds\n"
"  -v, --verbose  -q, --quiet  -h, --help\n"
"Exit status: 0 expectations met, 1 not met, 2 usage or system error.\n",
        MIN_FRAME);
}

/* SIGTERM/SIGINT end a --send-for run early, with the summary printed */
static volatile sig_atomic_t stop_sending;

static void on_stop(int sig)
{
    (void)sig;
    stop_sending = 1;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t real_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];

    if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6) {
        return -1;
    }
    for (int i = 0; i < 6; i++) {
        if (v[i] > 255) {
            return -1;
        }
        mac[i] = (uint8_t)v[i];
    }
    return 0;
}

static int parse_endpoint(const char *s, struct sockaddr_in *sa)
{
    char host[64] = "127.0.0.1";
    const char *colon = strrchr(s, ':');
    char *end;
    long port;

    if (colon) {
        size_t n = (size_t)(colon - s);
        if (n == 0 || n >= sizeof(host)) {
            return -1;
        }
        memcpy(host, s, n);
        host[n] = 0;
        s = colon + 1;
    }
    port = strtol(s, &end, 10);
    if (*end || port <= 0 || port > 65535) {
        return -1;
    }
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
        return -1;
    }
    /* loopback only: this tool never talks to a real network */
    if ((ntohl(sa->sin_addr.s_addr) >> 24) != 127) {
        fprintf(stderr, "nfpe-traffic: %s is not a loopback address\n", host);
        return -1;
    }
    return 0;
}

static uint16_t ip_csum(const uint8_t *p, size_t n)
{
    uint32_t sum = 0;

    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    }
    if (n & 1) {
        sum += (uint32_t)p[n - 1] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

/* Ethernet + IPv4 + UDP frame with a sequence number in the payload. */
static void gen_frame(const struct opts *o, uint32_t seq, uint8_t *f)
{
    unsigned len = o->size;
    unsigned iplen = len - 14, udplen = len - 34;
    uint8_t *ip = f + 14, *udp = f + 34, *pl = f + HDR_LEN;
    uint16_t c;

    memcpy(f, o->dst_mac, 6);
    memcpy(f + 6, o->src_mac, 6);
    f[12] = 0x08;
    f[13] = 0x00;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    ip[2] = (uint8_t)(iplen >> 8);
    ip[3] = (uint8_t)iplen;
    ip[4] = (uint8_t)(seq >> 8);
    ip[5] = (uint8_t)seq;
    ip[6] = 0x40; /* DF */
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, &o->src_ip, 4);
    memcpy(ip + 16, &o->dst_ip, 4);
    c = ip_csum(ip, 20);
    ip[10] = (uint8_t)(c >> 8);
    ip[11] = (uint8_t)c;
    udp[0] = (uint8_t)(o->sport >> 8);
    udp[1] = (uint8_t)o->sport;
    udp[2] = (uint8_t)(o->dport >> 8);
    udp[3] = (uint8_t)o->dport;
    udp[4] = (uint8_t)(udplen >> 8);
    udp[5] = (uint8_t)udplen;
    udp[6] = udp[7] = 0; /* no UDP checksum */
    memcpy(pl, PAYLOAD_MAGIC, 4);
    pl[4] = (uint8_t)(seq >> 24);
    pl[5] = (uint8_t)(seq >> 16);
    pl[6] = (uint8_t)(seq >> 8);
    pl[7] = (uint8_t)seq;
    for (unsigned i = HDR_LEN + 8; i < len; i++) {
        f[i] = (uint8_t)(seq + i);
    }
}

/*
 * Sends up to @n frames of @tx starting at index @first (wrapping around
 * the list), each behind the L2TPv3 header if @l2tp is on: one sendmsg, or
 * one sendmmsg for more.  Returns the number sent, or -1 with errno.
 */
static int send_frames(int fd, const struct sockaddr_in *to, const struct l2tpv3 *l2tp,
                       const struct frame_list *tx, long first, long n)
{
    static struct mmsghdr msg[1024];
    static struct iovec iov[1024][2];

    for (long i = 0; i < n; i++) {
        const struct frame *f = &tx->v[(size_t)(first + i) % tx->n];
        struct iovec *v = iov[i];

        memset(&msg[i], 0, sizeof(msg[i]));
        if (l2tp->on) {
            v->iov_base = (void *)l2tp->hdr;
            v->iov_len = l2tp->hdr_len;
            v++;
        }
        v->iov_base = f->data;
        v->iov_len = f->len;
        msg[i].msg_hdr.msg_name = (void *)to;
        msg[i].msg_hdr.msg_namelen = sizeof(*to);
        msg[i].msg_hdr.msg_iov = iov[i];
        msg[i].msg_hdr.msg_iovlen = l2tp->on ? 2 : 1;
    }
    if (n == 1) {
        return sendmsg(fd, &msg[0].msg_hdr, 0) < 0 ? -1 : 1;
    }
    return sendmmsg(fd, msg, (unsigned)n, 0);
}

static uint64_t fnv1a(const uint8_t *p, uint32_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (uint32_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 0x100000001b3ull;
    }
    return h ^ n;
}

/* Open-addressing table from frame content to indices of expected frames. */
struct match_table {
    size_t cap;
    long *slot; /* index into expected, -1 empty */
    uint64_t *hash;
};

static void mt_init(struct match_table *t, const struct frame_list *exp)
{
    t->cap = 16;
    while (t->cap < exp->n * 2 + 16) {
        t->cap *= 2;
    }
    t->slot = malloc(t->cap * sizeof(*t->slot));
    t->hash = malloc(t->cap * sizeof(*t->hash));
    if (!t->slot || !t->hash) {
        perror("nfpe-traffic: malloc");
        exit(2);
    }
    for (size_t i = 0; i < t->cap; i++) {
        t->slot[i] = -1;
    }
    for (size_t i = 0; i < exp->n; i++) {
        uint64_t h = fnv1a(exp->v[i].data, exp->v[i].len);
        size_t s = h & (t->cap - 1);
        while (t->slot[s] != -1) {
            s = (s + 1) & (t->cap - 1);
        }
        t->slot[s] = (long)i;
        t->hash[s] = h;
    }
}

/* Finds an expected frame equal to @f not matched yet; -1 if none. */
static long mt_find(const struct match_table *t, const struct frame_list *exp, const bool *matched,
                    const uint8_t *f, uint32_t len)
{
    uint64_t h = fnv1a(f, len);
    size_t s = h & (t->cap - 1);

    while (t->slot[s] != -1) {
        long i = t->slot[s];
        if (t->hash[s] == h && !matched[i] && exp->v[i].len == len && !memcmp(exp->v[i].data, f, len)) {
            return i;
        }
        s = (s + 1) & (t->cap - 1);
    }
    return -1;
}

static void describe_diff(const struct frame *exp, const uint8_t *got, uint32_t len)
{
    uint32_t i, n = exp->len < len ? exp->len : len;

    for (i = 0; i < n && exp->data[i] == got[i]; i++) {
    }
    if (i == n && exp->len == len) {
        return;
    }
    if (i == n) {
        fprintf(stderr, "    length %u, expected %u\n", len, exp->len);
    } else {
        fprintf(stderr, "    first difference at byte %u: 0x%02x, expected 0x%02x (length %u, expected %u)\n",
                i, got[i], exp->data[i], len, exp->len);
    }
}

static void hexdump(const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n && i < 64; i++) {
        fprintf(stderr, "%s%02x", i % 16 ? " " : (i ? "\n    " : "    "), p[i]);
    }
    fprintf(stderr, "%s\n", n > 64 ? " ..." : "");
}

enum {
    OPT_TO = 256, OPT_BIND, OPT_COUNT, OPT_SIZE, OPT_DMAC, OPT_SMAC, OPT_SIP, OPT_DIP, OPT_SPORT,
    OPT_DPORT, OPT_PCAP_IN, OPT_REPEAT, OPT_RATE, OPT_WINDOW, OPT_PCAP_OUT, OPT_ECHO, OPT_EXP_PCAP,
    OPT_EXP_COUNT, OPT_UNORDERED, OPT_TIMEOUT, OPT_DURATION, OPT_SEND_FOR, OPT_BATCH, OPT_L2TPV3,
};

static const struct option longopts[] = {
    { "to", required_argument, NULL, OPT_TO },
    { "bind", required_argument, NULL, OPT_BIND },
    { "count", required_argument, NULL, OPT_COUNT },
    { "size", required_argument, NULL, OPT_SIZE },
    { "dst-mac", required_argument, NULL, OPT_DMAC },
    { "src-mac", required_argument, NULL, OPT_SMAC },
    { "src-ip", required_argument, NULL, OPT_SIP },
    { "dst-ip", required_argument, NULL, OPT_DIP },
    { "sport", required_argument, NULL, OPT_SPORT },
    { "dport", required_argument, NULL, OPT_DPORT },
    { "pcap-in", required_argument, NULL, OPT_PCAP_IN },
    { "repeat", required_argument, NULL, OPT_REPEAT },
    { "rate", required_argument, NULL, OPT_RATE },
    { "window", required_argument, NULL, OPT_WINDOW },
    { "pcap-out", required_argument, NULL, OPT_PCAP_OUT },
    { "expect-echo", no_argument, NULL, OPT_ECHO },
    { "expect-pcap", required_argument, NULL, OPT_EXP_PCAP },
    { "expect-count", required_argument, NULL, OPT_EXP_COUNT },
    { "unordered", no_argument, NULL, OPT_UNORDERED },
    { "timeout", required_argument, NULL, OPT_TIMEOUT },
    { "duration", required_argument, NULL, OPT_DURATION },
    { "send-for", required_argument, NULL, OPT_SEND_FOR },
    { "batch", required_argument, NULL, OPT_BATCH },
    { "l2tpv3", required_argument, NULL, OPT_L2TPV3 },
    { "verbose", no_argument, NULL, 'v' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static long num_arg(const char *name, const char *s, long min, long max)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 0);
    if (errno || *end || v < min || v > max) {
        fprintf(stderr, "nfpe-traffic: bad %s '%s' (%ld..%ld)\n", name, s, min, max);
        exit(2);
    }
    return v;
}

static double dbl_arg(const char *name, const char *s)
{
    char *end;
    double v = strtod(s, &end);

    if (*end || v < 0) {
        fprintf(stderr, "nfpe-traffic: bad %s '%s'\n", name, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    struct opts o = {
        .count = -1, .size = 64, .dst_mac = { 0x52, 0x54, 0, 0, 1, 0 }, .src_mac = { 2, 0, 0, 0, 0, 1 },
        .sport = 4000, .dport = 5000, .repeat = 1, .expect_count = -1, .timeout = 5.0,
        .batch = 1,
    };
    struct frame_list tx = { 0 }, exp = { 0 };
    bool *matched = NULL;
    struct match_table mt = { 0 };
    FILE *pout = NULL;
    uint8_t *rbuf;
    int fd, c, failures = 0;
    long sent = 0, received = 0, good = 0, unexpected = 0, reordered = 0, last_idx = -1;
    long bad_encap = 0;
    long total;
    double t_start, t_last_tx, t_first_rx = 0, t_last_rx = 0, deadline;
    char err[256];

    inet_pton(AF_INET, "10.0.0.1", &o.src_ip);
    inet_pton(AF_INET, "10.0.0.2", &o.dst_ip);
    while ((c = getopt_long(argc, argv, "vqh", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_TO:
            if (parse_endpoint(optarg, &o.to)) {
                fprintf(stderr, "nfpe-traffic: bad --to '%s'\n", optarg);
                return 2;
            }
            o.have_to = true;
            break;
        case OPT_BIND:
            if (parse_endpoint(optarg, &o.bind)) {
                fprintf(stderr, "nfpe-traffic: bad --bind '%s'\n", optarg);
                return 2;
            }
            o.have_bind = true;
            break;
        case OPT_COUNT: o.count = num_arg("--count", optarg, 0, 100000000); break;
        case OPT_SIZE: o.size = (unsigned)num_arg("--size", optarg, MIN_FRAME, 9000); break;
        case OPT_DMAC:
        case OPT_SMAC:
            if (parse_mac(optarg, c == OPT_DMAC ? o.dst_mac : o.src_mac)) {
                fprintf(stderr, "nfpe-traffic: bad MAC '%s'\n", optarg);
                return 2;
            }
            break;
        case OPT_SIP:
        case OPT_DIP:
            if (inet_pton(AF_INET, optarg, c == OPT_SIP ? &o.src_ip : &o.dst_ip) != 1) {
                fprintf(stderr, "nfpe-traffic: bad IPv4 address '%s'\n", optarg);
                return 2;
            }
            break;
        case OPT_SPORT: o.sport = (unsigned)num_arg("--sport", optarg, 0, 65535); break;
        case OPT_DPORT: o.dport = (unsigned)num_arg("--dport", optarg, 0, 65535); break;
        case OPT_PCAP_IN: o.pcap_in = optarg; break;
        case OPT_REPEAT: o.repeat = num_arg("--repeat", optarg, 1, 1000000); break;
        case OPT_RATE: o.rate = dbl_arg("--rate", optarg); break;
        case OPT_WINDOW: o.window = num_arg("--window", optarg, 0, 100000000); break;
        case OPT_PCAP_OUT: o.pcap_out = optarg; break;
        case OPT_ECHO: o.expect_echo = true; break;
        case OPT_EXP_PCAP: o.expect_pcap = optarg; break;
        case OPT_EXP_COUNT: o.expect_count = num_arg("--expect-count", optarg, 0, 100000000); break;
        case OPT_UNORDERED: o.unordered = true; break;
        case OPT_TIMEOUT: o.timeout = dbl_arg("--timeout", optarg); break;
        case OPT_DURATION: o.duration = dbl_arg("--duration", optarg); break;
        case OPT_SEND_FOR: o.send_for = dbl_arg("--send-for", optarg); break;
        case OPT_BATCH: o.batch = num_arg("--batch", optarg, 1, 1024); break;
        case OPT_L2TPV3:
            if (l2tpv3_parse(optarg, &o.l2tp, err, sizeof(err))) {
                fprintf(stderr, "nfpe-traffic: %s\n", err);
                return 2;
            }
            break;
        case 'v': o.verbose++; break;
        case 'q': o.quiet = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    if (o.send_for > 0 && (o.expect_echo || o.expect_pcap || o.window)) {
        fprintf(stderr, "nfpe-traffic: --send-for sends frames more than once: "
                "no --expect-echo, --expect-pcap or --window\n");
        return 2;
    }
    if (o.expect_echo + (o.expect_pcap != NULL) > 1) {
        fprintf(stderr, "nfpe-traffic: --expect-echo and --expect-pcap exclude each other\n");
        return 2;
    }

    /* frames to send */
    if (o.pcap_in) {
        struct frame_list one = { 0 };
        if (pcap_read_file(o.pcap_in, &one, err, sizeof(err))) {
            fprintf(stderr, "nfpe-traffic: %s\n", err);
            return 2;
        }
        for (long r = 0; r < o.repeat; r++) {
            for (size_t i = 0; i < one.n; i++) {
                frame_list_push(&tx, one.v[i].data, one.v[i].len);
            }
        }
        frame_list_free(&one);
        if (o.count >= 0 && (size_t)o.count < tx.n) {
            for (size_t i = (size_t)o.count; i < tx.n; i++) {
                free(tx.v[i].data);
            }
            tx.n = (size_t)o.count;
        }
    } else {
        long n = o.count < 0 ? 1 : o.count;
        uint8_t *f = malloc(o.size);
        if (!f) {
            return 2;
        }
        for (long i = 0; i < n; i++) {
            gen_frame(&o, (uint32_t)i, f);
            frame_list_push(&tx, f, o.size);
        }
        free(f);
    }
    if (o.send_for > 0 && !tx.n) {
        fprintf(stderr, "nfpe-traffic: --send-for needs frames to send\n");
        return 2;
    }
    if (tx.n && !o.have_to) {
        fprintf(stderr, "nfpe-traffic: --to PORT is needed to send\n");
        return 2;
    }
    if (!o.have_bind && (o.expect_echo || o.expect_pcap || o.expect_count >= 0 || o.pcap_out || o.window)) {
        fprintf(stderr, "nfpe-traffic: --bind PORT is needed to receive\n");
        return 2;
    }

    /* what to expect */
    if (o.expect_echo) {
        for (size_t i = 0; i < tx.n; i++) {
            frame_list_push(&exp, tx.v[i].data, tx.v[i].len);
        }
    } else if (o.expect_pcap) {
        if (pcap_read_file(o.expect_pcap, &exp, err, sizeof(err))) {
            fprintf(stderr, "nfpe-traffic: %s\n", err);
            return 2;
        }
    }
    bool check_content = o.expect_echo || o.expect_pcap;
    if (check_content) {
        matched = calloc(exp.n + 1, sizeof(*matched));
        if (!matched) {
            return 2;
        }
        mt_init(&mt, &exp);
        if (o.expect_count < 0) {
            o.expect_count = (long)exp.n;
        }
    }

    fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
        perror("nfpe-traffic: socket");
        return 2;
    }
    {
        int sz = 8 << 20;
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
    }
    if (o.have_bind && bind(fd, (struct sockaddr *)&o.bind, sizeof(o.bind))) {
        fprintf(stderr, "nfpe-traffic: bind 127.0.0.1:%u: %s\n", ntohs(o.bind.sin_port), strerror(errno));
        return 2;
    }
    if (o.pcap_out) {
        pout = pcap_open_write(o.pcap_out);
        if (!pout) {
            fprintf(stderr, "nfpe-traffic: %s: %s\n", o.pcap_out, strerror(errno));
            return 2;
        }
    }
    rbuf = malloc(PCAP_MAX_FRAME + L2TPV3_MAX_HDR);
    if (!rbuf) {
        return 2;
    }

    if (o.send_for > 0) {
        struct sigaction sa = { .sa_handler = on_stop };
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
    }
    total = (long)tx.n;
    t_start = t_last_tx = now_s();
    deadline = total ? 0 : t_start + (o.duration > 0 ? o.duration : o.timeout);
    for (;;) {
        double t = now_s();
        bool sending = o.send_for > 0 ? !stop_sending && t < t_start + o.send_for : sent < total;
        bool may_send = sending;
        int wait_ms;

        if (o.send_for > 0 && !sending && deadline == 0) {
            deadline = t + o.timeout;
        }
        struct pollfd pfd = { .fd = fd, .events = POLLIN };

        if (may_send && o.window && sent - received >= o.window) {
            may_send = false;
            if (t - t_last_tx > o.timeout) {
                /* frames lost: open the window again rather than stall */
                if (o.verbose) {
                    fprintf(stderr, "nfpe-traffic: window stalled; %ld in flight\n", sent - received);
                }
                may_send = true;
            }
        }
        if (may_send && o.rate > 0 && t < t_start + sent / o.rate) {
            may_send = false;
        }
        if (may_send) {
            long n = o.batch;
            int r;

            if (o.rate > 0 && (long)((t - t_start) * o.rate) + 1 - sent < n) {
                n = (long)((t - t_start) * o.rate) + 1 - sent;
            }
            if (o.send_for <= 0 && total - sent < n) {
                n = total - sent;
            }
            r = send_frames(fd, &o.to, &o.l2tp, &tx, sent, n);
            if (r < 0) {
                if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
                    continue;
                }
                if (errno != ECONNREFUSED) {
                    fprintf(stderr, "nfpe-traffic: sendto: %s\n", strerror(errno));
                    return 2;
                }
                /* ICMP port unreachable from an earlier datagram: resend */
                continue;
            }
            sent += r;
            t_last_tx = now_s();
            if (o.send_for <= 0 && sent == total) {
                deadline = t_last_tx + o.timeout;
            }
        }
        /* receive everything that is there */
        if (may_send) {
            wait_ms = 0;
        } else if (sending) {
            wait_ms = 1;
        } else {
            double left = deadline - now_s();
            if (left <= 0) {
                break;
            }
            if (check_content || o.expect_count >= 0) {
                if (o.expect_count >= 0 && received >= o.expect_count && !(o.duration > 0)) {
                    /* everything expected arrived: only linger briefly for extras */
                    if (left > 0.2) {
                        deadline = now_s() + 0.2;
                        left = 0.2;
                    }
                }
            }
            wait_ms = (int)(left * 1000) + 1;
        }
        if (!o.have_bind) {
            if (!sending) {
                break;
            }
            /* nothing to receive: wait for the next send slot (--rate,
             * --window) instead of spinning on a core */
            if (wait_ms > 0) {
                poll(NULL, 0, wait_ms);
            }
            continue;
        }
        while (poll(&pfd, 1, wait_ms) > 0) {
            ssize_t n = recv(fd, rbuf, PCAP_MAX_FRAME + L2TPV3_MAX_HDR, MSG_DONTWAIT);
            uint8_t *frame = rbuf;

            if (n < 0) {
                break;
            }
            wait_ms = 0;
            if (o.l2tp.on) {
                long hl = l2tpv3_check(&o.l2tp, rbuf, (size_t)n, err, sizeof(err));

                if (hl < 0) {
                    if (bad_encap < 5) {
                        fprintf(stderr, "nfpe-traffic: received datagram dropped: %s\n", err);
                        hexdump(rbuf, (uint32_t)n);
                    }
                    bad_encap++;
                    continue;
                }
                frame += hl;
                n -= hl;
            }
            received++;
            t_last_rx = now_s();
            if (received == 1) {
                t_first_rx = t_last_rx;
            }
            if (pout) {
                pcap_write_frame(pout, frame, (uint32_t)n, real_ns());
            }
            if (check_content) {
                long idx = mt_find(&mt, &exp, matched, frame, (uint32_t)n);
                if (idx >= 0) {
                    matched[idx] = true;
                    good++;
                    if (idx < last_idx) {
                        reordered++;
                    }
                    last_idx = idx;
                } else {
                    if (unexpected < 5) {
                        fprintf(stderr, "nfpe-traffic: received frame %ld (%zd bytes) matches no expected frame\n",
                                received - 1, n);
                        if ((size_t)(last_idx + 1) < exp.n) {
                            fprintf(stderr, "  compared with expected frame %ld:\n", last_idx + 1);
                            describe_diff(&exp.v[last_idx + 1], frame, (uint32_t)n);
                        }
                        hexdump(frame, (uint32_t)n);
                    }
                    unexpected++;
                }
            }
        }
    }
    if (pout) {
        fclose(pout);
    }

    {
        double tx_time = t_last_tx - t_start, rx_time = received ? t_last_rx - t_start : 0;
        double tx_pps = tx_time > 0 ? sent / tx_time : 0;
        double rx_pps = received > 1 && rx_time > 0 ? received / rx_time : 0;

        if (!o.quiet) {
            printf("sent %ld frames in %.3f s (%.0f pps); received %ld frames in %.3f s (%.0f pps)\n",
                   sent, tx_time, tx_pps, received, rx_time, rx_pps);
            (void)t_first_rx;
        }
    }
    if (check_content) {
        long missing = (long)exp.n - good;

        if (!o.quiet || missing || unexpected || (reordered && !o.unordered)) {
            printf("expected %zu frames: %ld matched, %ld missing, %ld unexpected or different, %ld out of order\n",
                   exp.n, good, missing, unexpected, reordered);
        }
        if (missing) {
            for (size_t i = 0, shown = 0; i < exp.n && shown < 5; i++) {
                if (!matched[i]) {
                    fprintf(stderr, "nfpe-traffic: expected frame %zu (%u bytes) never arrived\n", i, exp.v[i].len);
                    shown++;
                }
            }
        }
        if (missing || unexpected || (reordered && !o.unordered)) {
            failures++;
        }
    }
    if (bad_encap) {
        printf("%ld datagrams without the expected L2TPv3 header\n", bad_encap);
        failures++;
    }
    if (o.expect_count >= 0 && received != o.expect_count) {
        printf("expected %ld frames, received %ld\n", o.expect_count, received);
        failures++;
    }
    if (!o.quiet) {
        printf("%s\n", failures ? "FAIL" : "PASS");
    }
    frame_list_free(&tx);
    frame_list_free(&exp);
    free(matched);
    free(mt.slot);
    free(mt.hash);
    free(rbuf);
    close(fd);
    return failures ? 1 : 0;
}
