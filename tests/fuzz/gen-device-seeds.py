#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gen-device-seeds.py DIR - seed operation streams of fuzz-device (the
decoder is in fuzz-device.c): a command of each kind, a map's life, an
image load + attach + traffic, ring and timer activity."""
import os, sys

def cmdtail(): return [0, 0, 0]                 # raw_cmd: flags, len16
def mapop(idx, mid, key, lenb, count=4):        # default branch of op_map
    return [12, idx, mid, 0, 0, count] + key + [lenb] + cmdtail()
ALLOC_HASH = [12, 0, 1, 8, 16, 64, 0, 0] + cmdtail()    # HASH 8/16/64
ALLOC_ARR = [12, 0, 2, 4, 8, 4, 0, 0] + cmdtail()       # ARRAY 4/8/4
KEY = [1, 2, 3, 4, 5, 6, 7, 8]
LOAD = [11, 0, 0] + cmdtail()
LOAD_MUT = [11, 2, 40, 0, 0x77, 41, 0, 0xff, 0] + cmdtail()
ATTACH = [12, 7, 0, 0, 1] + cmdtail()
RX = [5, 16, 60]
RX_RAW = [5, 1 | 8, 64, 0] + list(range(64))
TX = [7, 60, 0, 0, 0]
TIMER = [8, 0, 0x10, 0x27]
ECHO = [10, 1, 0, 16, 0] + list(range(16))
RING = [4, 4 | 8, 4, 0x00, 0x80, 0, 0, 5, 0x10, 0, 4] + [4, 0, 0x90, 0, 0, 60, 0, 0, 0] * 4 + [1, 5, 1, 2, 3, 4, 7]
MMIO = [0, 0, 0x28, 2, 1, 0, 0x2c, 3, 0, 2, 0, 8, 0, 0x3c, 5, 1, 2, 3, 4]
FAULT = [14, 3, 0] + RX + ECHO + [14, 0]

seeds = {
    'echo': ECHO,
    'map-life': ALLOC_HASH + mapop(1, 1, KEY, 24) + mapop(2, 1, KEY, 8) +
                mapop(4, 1, KEY, 8) + mapop(5, 1, KEY, 8) +
                mapop(3, 1, KEY, 8) + mapop(6, 1, KEY, 0),
    'array': ALLOC_ARR + mapop(1, 1, KEY, 12) + mapop(5, 1, [0] * 8, 0, 10),
    'prog': LOAD + ATTACH + RX + RX + TIMER + TX + [12, 9, 1, 0, 0, 0] + KEY + [0] + cmdtail() +
            [12, 8, 1, 0, 0, 0] + KEY + [0] + cmdtail(),
    'prog-mut': LOAD_MUT + ATTACH + RX,
    'rings': RING + RX_RAW + TX + TIMER,
    'mmio': MMIO + [2, 0, 0x0c, 4, 2, 2, 5, 4],
    'fault': FAULT,
    'stats': [12, 10] + [0] * 14 + cmdtail() + [12, 9, 1] + [0] * 13 + cmdtail(),
    'link': [9, 0, 0] + RX + [9, 0, 1] + RX + [15, 1],
}
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for k, v in seeds.items():
    open(os.path.join(out, k), 'wb').write(bytes(b & 0xff for b in v))
