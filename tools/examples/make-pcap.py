#!/usr/bin/env python3
"""Write a small mixed capture for the demo: UDP (some to the discard
port 9), TCP, ICMP and an IPv6 frame.  Standard library only."""
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ipv4(proto, payload, src='10.0.0.1', dst='10.0.0.2'):
    a = bytes(int(x) for x in src.split('.'))
    b = bytes(int(x) for x in dst.split('.'))
    hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), 1, 0,
                      64, proto, 0, a, b)
    hdr = hdr[:10] + struct.pack('!H', csum(hdr)) + hdr[12:]
    return hdr + payload


def eth(ethertype, payload):
    dst = bytes.fromhex('525400000100')
    src = bytes.fromhex('020000000001')
    frame = dst + src + struct.pack('!H', ethertype) + payload
    return frame + b'\0' * max(0, 60 - len(frame))


def udp(sport, dport, n):
    body = b'NFPE' + struct.pack('!I', n) + bytes(range(24))
    return struct.pack('!HHHH', sport, dport, 8 + len(body), 0) + body


def tcp(sport, dport):
    return struct.pack('!HHIIBBHHH', sport, dport, 1, 0, 0x50, 0x02,
                       65535, 0, 0)


def icmp_echo(n):
    body = struct.pack('!BBHHH', 8, 0, 0, 0x1234, n) + b'ping' * 8
    return body[:2] + struct.pack('!H', csum(body)) + body[4:]


def frames():
    out = []
    for n in range(16):
        kind = n % 4
        if kind == 0:
            out.append(eth(0x0800, ipv4(17, udp(4000 + n, 5000, n))))
        elif kind == 1:
            out.append(eth(0x0800, ipv4(17, udp(4000 + n, 9, n))))
        elif kind == 2:
            out.append(eth(0x0800, ipv4(6, tcp(40000 + n, 80))))
        else:
            out.append(eth(0x0800, ipv4(1, icmp_echo(n))))
    ip6 = struct.pack('!IHBB16s16s', 6 << 28, 8, 17, 64,
                      bytes(15) + b'\1', bytes(15) + b'\2')
    out.append(eth(0x86dd, ip6 + udp(1, 2, 99)[:8]))
    return out


def main():
    path = sys.argv[1]
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames()):
            f.write(struct.pack('<IIII', 1700000000, i * 1000, len(fr), len(fr)))
            f.write(fr)


if __name__ == '__main__':
    main()
