#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""run-kernel-progs.py EXPECT.txt BUILDDIR - TAP test over the kernel's XDP
sample/selftest objects that build-kernel-progs.sh compiled into BUILDDIR.

For every line of EXPECT.txt (object, program name, expectation) it runs
`nfp-ebpf jit OBJ --prog NAME`; `offload` must offload, `refuse: TEXT` must
be refused with TEXT in the reason.  Offloaded programs are then run with
`nfp-ebpf run` over a generated pcap (IPv4 UDP/TCP/ICMP, IPv6
UDP/TCP/ICMPv6, 802.1Q frames with VLAN 100 and 4011, ARP): every frame
must get a verdict, no fault, no length change unless stated;
`verdict=V` requires V for every frame, `FRAME=V` for one frame
(FRAMES names them), `FRAME.len=-4` a length change, `FRAME.out=NAME`
the output frame (RESULTS); other frames that continue must come out
unchanged.  `type=xdp|tc`
before the expectation passes `--type` (programs in old-style sections),
`used-maps` passes `--used-maps` (only the program's own maps are
checked, not every map of the object as the loaders create them).
"""
import os
import struct
import subprocess
import sys

NFP_EBPF = os.environ.get('NFP_EBPF', 'nfp-ebpf')


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def eth(proto, payload, vlan=None):
    h = bytes.fromhex('020000000002') + bytes.fromhex('020000000001')
    if vlan is not None:
        h += struct.pack('!HH', 0x8100, vlan)
    return h + struct.pack('!H', proto) + payload


def ipv4(proto, l4):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(l4), 1, 0, 64, proto,
                    0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + l4


def ipv6(nh, l4):
    return (struct.pack('!IHBB', 0x60000000, len(l4), nh, 64)
            + bytes.fromhex('fd000000000000000000000000000001')
            + bytes.fromhex('fd000000000000000000000000000002') + l4)


UDP = struct.pack('!HHHH', 1234, 7777, 8 + 8, 0) + b'payload!'
TCP = struct.pack('!HHIIBBHHH', 1234, 80, 1, 0, 5 << 4, 0x02, 65535, 0,
                  0) + b'payload!'
ICMP = struct.pack('!BBHHH', 8, 0, 0, 1, 1) + b'payload!'
ICMP = ICMP[:2] + struct.pack('!H', csum(ICMP)) + ICMP[4:]
ICMP6 = struct.pack('!BBHHH', 128, 0, 0, 1, 1) + b'payload!'
ARP = struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 1,
                  bytes.fromhex('020000000001'), bytes([10, 0, 0, 1]),
                  bytes(6), bytes([10, 0, 0, 2]))
FRAMES = [
    ('ipv4-udp', eth(0x0800, ipv4(17, UDP))),
    ('ipv4-tcp', eth(0x0800, ipv4(6, TCP))),
    ('ipv4-icmp', eth(0x0800, ipv4(1, ICMP))),
    ('ipv6-udp', eth(0x86dd, ipv6(17, UDP))),
    ('ipv6-tcp', eth(0x86dd, ipv6(6, TCP))),
    ('ipv6-icmp', eth(0x86dd, ipv6(58, ICMP6))),
    ('vlan-ipv4-udp', eth(0x0800, ipv4(17, UDP), vlan=100)),
    ('vlan4011-ipv4-udp', eth(0x0800, ipv4(17, UDP), vlan=4011)),
    ('arp', eth(0x0806, ARP)),
]
# frames a program may turn an input into (FRAME.out=NAME)
RESULTS = dict(FRAMES)
RESULTS['vlan0-ipv4-udp'] = eth(0x0800, ipv4(17, UDP), vlan=0)
PASSED = ('XDP_PASS', 'XDP_TX', 'TC_ACT_OK', 'TC_ACT_UNSPEC', 'TC_ACT_PIPE')


def write_pcap(path):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, (_, fr) in enumerate(FRAMES):
            f.write(struct.pack('<IIII', 1, i, len(fr), len(fr)) + fr)


def read_pcap(path):
    with open(path, 'rb') as f:
        data = f.read()
    frames, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack('<IIII', data[off:off + 16])[2]
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


def parse_expect(path):
    out = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            obj, prog, rest = line.split(None, 2)
            ptype, used = None, False
            while rest.startswith('type=') or rest.startswith('used-maps'):
                tok, rest = rest.split(None, 1)
                if tok == 'used-maps':
                    used = True
                else:
                    ptype = tok[len('type='):]
            out.append((n, obj, prog, ptype, used, rest.strip()))
    return out


def main():
    expect, bdir = sys.argv[1], sys.argv[2]
    entries = parse_expect(expect)
    probe = os.path.join(bdir, entries[0][1])
    if not os.path.exists(probe) or os.path.getsize(probe) == 0:
        print('1..0 # SKIP kernel objects not built '
              '(no /usr/src/linux-source-6.1.tar.xz)')
        return 0
    pcap = os.path.join(bdir, 'kernel-progs.pcap')
    write_pcap(pcap)
    print('1..%d' % len(entries))
    failed = 0
    for i, (line, obj, prog, ptype, used, exp) in enumerate(entries, 1):
        name = '%s %s%s%s: %s' % (obj, prog,
                                  ' (--type %s)' % ptype if ptype else '',
                                  ' (--used-maps)' if used else '', exp)
        img = os.path.join(bdir, '%s.%s.img' % (obj, prog))
        cmd = [NFP_EBPF, 'jit', os.path.join(bdir, obj), '--prog', prog,
               '--quiet', '-o', img]
        if ptype:
            cmd += ['--type', ptype]
        if used:
            cmd += ['--used-maps']
        r = subprocess.run(cmd, capture_output=True, text=True)
        out = r.stdout + r.stderr
        why = None
        if exp.startswith('refuse:'):
            want = exp[len('refuse:'):].strip()
            if r.returncode == 0:
                why = 'offloaded, expected a refusal'
            elif 'does not offload' not in out or want not in out:
                why = 'reason does not contain %r' % want
        elif exp.split()[0] == 'offload':
            if r.returncode != 0 or 'offloads' not in out:
                why = 'did not offload'
            else:
                why, more = run_checks(img, pcap, exp.split()[1:])
                out += more
        else:
            why = 'bad expectation (expect.txt line %d)' % line
        if why:
            failed += 1
            print('not ok %d - %s # %s' % (i, name, why))
            for ln in out.splitlines():
                print('#   ' + ln)
        else:
            print('ok %d - %s' % (i, name))
    return 1 if failed else 0


def run_checks(img, pcap, opts):
    opcap = img + '.out.pcap'
    r = subprocess.run([NFP_EBPF, 'run', img, '--pcap', pcap,
                        '--out', opcap], capture_output=True, text=True)
    out = r.stdout + r.stderr
    if r.returncode != 0:
        return 'nfp-ebpf run failed (%d)' % r.returncode, out
    verdicts, lens = [], []
    for ln in r.stdout.splitlines():
        f = ln.split()
        if len(f) > 5 and f[0].isdigit() and f[2] == 'len':
            verdicts.append(f[1])
            lens.append(int(f[5]) - int(f[3]))
    if len(verdicts) != len(FRAMES):
        return '%d verdicts for %d frames' % (len(verdicts),
                                              len(FRAMES)), out
    if 'fault' in r.stdout or 'instruction budget' in r.stdout:
        return 'a frame faulted', out
    # verdict=V: every frame not named; FRAME=V; FRAME.len=+-N (change)
    want = {}
    named = {fr: idx for idx, (fr, _) in enumerate(FRAMES)}
    for o in opts:
        k, v = o.split('=', 1)
        if k == 'verdict':
            continue
        fr, _, what = k.partition('.')
        if fr not in named or what not in ('', 'len', 'out') or (
                what == 'out' and v not in RESULTS):
            return 'unknown check %r' % o, out
        want[(named[fr], what or 'verdict')] = v
    default = dict(o.split('=', 1) for o in opts).get('verdict')
    for j, (fr, _) in enumerate(FRAMES):
        v = want.get((j, 'verdict'), default)
        if v and verdicts[j] != v:
            return '%s: %s, expected %s' % (fr, verdicts[j], v), out
        d = int(want.get((j, 'len'), '0'))
        if lens[j] != d:
            return '%s: length changed by %d, expected %d' % (
                fr, lens[j], d), out
    # frames that continue: unchanged, or FRAME.out; not checked when
    # only a length change is stated
    written = read_pcap(opcap) if os.path.exists(opcap) else []
    passed = [j for j, vd in enumerate(verdicts) if vd in PASSED]
    if len(written) != len(passed):
        return '%d frames written, %d passed' % (len(written),
                                                 len(passed)), out
    for j, data in zip(passed, written):
        fr = FRAMES[j][0]
        if (j, 'out') in want:
            exp = RESULTS[want[(j, 'out')]]
        elif (j, 'len') in want:
            continue
        else:
            exp = FRAMES[j][1]
        if data != exp:
            return '%s: output frame %s, expected %s' % (
                fr, data.hex(), exp.hex()), out
    return None, out


if __name__ == '__main__':
    sys.exit(main())
