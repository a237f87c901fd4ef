#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""jit-ratios.py BUILDDIR - microcode instructions per eBPF instruction,
static (image size) and dynamic (executed per packet), for the JIT's test
and benchmark programs with every optimisation, none, and all but one.

Static: `nfp-ebpf jit --no-opt=...` (microcode insns incl. the prologue)
over the eBPF insn count.  Dynamic: `nfp-ebpf run` of that image over the
9 frames kernel-progs uses (IPv4 UDP/TCP/ICMP, IPv6 UDP/TCP/ICMPv6, two
802.1Q, ARP), average microcode insns per packet; maps start empty.
Used for the tables in docs/jit.md:  python3 tests/jit/jit-ratios.py build
"""
import importlib.util
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SETS = [('all', ''), ('none', 'all'), ('-zext', 'zext'),
        ('-const', 'const'), ('-dce', 'dce'), ('-pktld', 'pktld'),
        ('-pktst', 'pktst'), ('-peep', 'peep')]
PROGS = [('jit', 'xdp_drop_pass.bpf.o', 'xdp_drop'),
         ('jit', 'xdp_count.bpf.o', 'xdp_count'),
         ('jit', 'xdp_macswap.bpf.o', 'xdp_macswap'),
         ('jit', 'xdp_firewall.bpf.o', 'xdp_firewall'),
         ('jit', 'xdp_encap.bpf.o', 'xdp_encap'),
         ('jit', 'tc_mark.bpf.o', 'tc_mark'),
         ('jit', 'xdp_call_loop.bpf.o', 'xdp_call_loop'),
         ('bench', 'bench-engines-lb.bpf.o', None)]


def main():
    bdir = sys.argv[1]
    nfp = os.path.join(bdir, 'tools/nfp-ebpf/nfp-ebpf')
    spec = importlib.util.spec_from_file_location(
        'kp', os.path.join(HERE, 'kernel-progs/run-kernel-progs.py'))
    kp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(kp)
    tmp = tempfile.mkdtemp()
    pcap = os.path.join(tmp, 'frames.pcap')
    kp.write_pcap(pcap)
    img = os.path.join(tmp, 'p.img')
    print('program'.ljust(16) + 'eBPF ' +
          ''.join(n.rjust(13) for n, _ in SETS))
    print(' ' * 21 + ''.join('  static/dyn'.rjust(13) for _ in SETS))
    for d, obj, prog in PROGS:
        path = os.path.join(bdir, 'tests', d, obj)
        cols, nb = [], 0
        for _, no in SETS:
            args = [nfp, 'jit', path, '-o', img, '--quiet']
            if prog:
                args += ['--prog', prog]
            if no:
                args += ['--no-opt=' + no]
            r = subprocess.run(args, capture_output=True, text=True)
            m = re.search(r'(\d+) eBPF -> (\d+) microcode', r.stdout)
            if not m:
                sys.exit('%s: %s' % (obj, r.stdout + r.stderr))
            nb, mc = int(m.group(1)), int(m.group(2))
            r = subprocess.run([nfp, 'run', img, '-i', pcap, '-q'],
                               capture_output=True, text=True)
            m = re.search(r'\(([\d.]+) per packet\)', r.stdout)
            dyn = float(m.group(1)) if m else float('nan')
            cols.append('%4d/%6.1f' % (mc, dyn))
        name = prog or obj.replace('.bpf.o', '')
        print(name[:15].ljust(16) + str(nb).rjust(4) + ' ' +
              ''.join(c.rjust(13) for c in cols))


if __name__ == '__main__':
    main()
