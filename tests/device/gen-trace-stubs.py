#!/usr/bin/env python3
# Generate no-op trace_*() functions from qemu-dev/trace-events for the
# standalone build of the device core (unit tests, fuzzers).  Inside QEMU
# tracetool generates the real ones from the same file, so a call whose
# arguments do not match the event fails to compile in both builds.
import re
import sys

src, out = sys.argv[1], sys.argv[2]
lines = ["/* generated from qemu-dev/trace-events: do not edit */",
         "#ifndef NFPE_TRACE_STUBS_H", "#define NFPE_TRACE_STUBS_H"]
ev = re.compile(r'^([a-z0-9_]+)\((.*?)\)\s+"')
with open(src) as f:
    for line in f:
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        m = ev.match(line)
        if not m:
            sys.exit("%s: cannot parse: %s" % (src, line))
        name, args = m.group(1), m.group(2).strip()
        uses = []
        if args != 'void':
            for a in args.split(','):
                uses.append(re.split(r'[\s*]+', a.strip())[-1])
        body = ''.join(' (void)%s;' % u for u in uses)
        lines.append("static inline void trace_%s(%s)\n{%s }" %
                     (name, args, body))
lines.append("#endif")
with open(out, 'w') as f:
    f.write('\n'.join(lines) + '\n')
