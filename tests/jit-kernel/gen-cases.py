#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gen-cases.py NFP_EBPF EXPECT.txt KNOWN-DIFFS.txt OUT.cases OBJ... - the offline answers
for the jit-kernel VM test.

For every program of every object, `nfp-ebpf jit` decides offline whether
it offloads; programs in sections that give no type get the type
EXPECT.txt (tests/jit/kernel-progs/expect.txt) names with type=, as the
loader (ip/tc) types them; programs without any type are left out (no
loader can offload them).  One line per program, fields separated by |:

  OBJ|PROG|SECTION|xdp or tc|offload|IMAGE_LEN|IMAGE_MD5 (name zeroed)
  OBJ|PROG|SECTION|xdp or tc|refuse|REASON
  OBJ|PROG|SECTION|xdp or tc|differs|KERNEL_LEN|KERNEL_MD5|OFFLINE_LEN|WHY

"differs" (KNOWN-DIFFS.txt): both offload, the kernel path's image is
the stated one instead of the offline image, for the stated reason.

The guest (jit-kernel.sh) offloads each with ip or tc and compares.
"""
import hashlib
import os
import re
import subprocess
import sys
import tempfile


def types_from_expect(path):
    types = {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) >= 3 and not w[0].startswith('#'):
                for x in w[2:]:
                    if x.startswith('type='):
                        types[(w[0], w[1])] = x[5:]
    return types


def section_type(sec):
    if sec.startswith('xdp'):
        return 'xdp'
    if sec in ('tc', 'classifier') or sec.startswith('tc/') or \
       sec.startswith('classifier/'):
        return 'tc'
    return None


LINE = re.compile(r'^prog (\S+) \(section (\S+)\): (offloads \(.*|does not offload: (.*))$')


def jit(nfp, obj, args):
    r = subprocess.run([nfp, 'jit', obj, '--quiet'] + args,
                       capture_output=True, text=True)
    out = []
    for line in r.stdout.splitlines():
        m = LINE.match(line.strip())
        if m:
            out.append((m.group(1), m.group(2), m.group(4)))
    return out


def main():
    nfp, expect, known, outp = sys.argv[1:5]
    types = types_from_expect(expect)
    diffs = {}
    with open(known) as f:
        for line in f:
            w = line.split(None, 4)
            if len(w) == 5 and not w[0].startswith('#'):
                diffs[(w[0], w[1])] = (w[2], w[3], w[4].strip())
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        for obj in sys.argv[5:]:
            if os.path.getsize(obj) == 0:   # kernel-progs without tarball
                continue
            base = os.path.basename(obj)
            for prog, sec, why in jit(nfp, obj, []):
                t = types.get((base, prog)) or section_type(sec)
                if t is None:
                    continue
                args = ['--prog', prog]
                if why and why.startswith('program type unspec'):
                    args += ['--type', t]
                img = os.path.join(tmp, 'img')
                if os.path.exists(img):
                    os.unlink(img)
                res = jit(nfp, obj, args + ['-o', img])
                if len(res) != 1:
                    sys.exit('gen-cases: %s %s: no answer' % (base, prog))
                why = res[0][2]
                if why is None:
                    data = open(img, 'rb').read()
                    # the header's name (bytes 64-79) is informational:
                    # the kernel path writes the kernel's program name
                    data = data[:64] + bytes(16) + data[80:]
                    md5 = hashlib.md5(data).hexdigest()
                    d = diffs.pop((base, prog), None)
                    if d:
                        lines.append('|'.join([base, prog, sec, t,
                                               'differs', d[0], d[1],
                                               str(len(data)), d[2]]))
                    else:
                        lines.append('|'.join([base, prog, sec, t,
                                               'offload', str(len(data)),
                                               md5]))
                else:
                    lines.append('|'.join([base, prog, sec, t, 'refuse',
                                           why]))
    if diffs:
        sys.exit('gen-cases: known-diffs.txt names programs that do not '
                 'offload offline: %s' % sorted(diffs))
    with open(outp, 'w') as f:
        f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
