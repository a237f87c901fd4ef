#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gen-jit-seeds.py DIR - seed inputs of fuzz-jit-insns (layout in
fuzz-jit-insns.c): small valid programs in analyzer mode (byte 0 bit 0)
and the same programs with hand-written facts (raw mode)."""
import os, struct, sys

def insn(code, dst=0, src=0, off=0, imm=0):
    return struct.pack('<BBhi', code, dst | (src << 4), off, imm)

MOV64K = 0xb7; MOV64X = 0xbf; EXIT = 0x95; CALL = 0x85
LDXW = 0x61; LDXB = 0x71; LDXDW = 0x79; STXDW = 0x7b; STW = 0x62
JEQK = 0x15; JGTX = 0x2d; ADD64K = 0x07; LDDW = 0x18; JA = 0x05
ADD64X = 0x0f; ATOMIC_DW = 0xdb; END_BE = 0xdc

progs = {
    'pass': [insn(MOV64K, 0, imm=2), insn(EXIT)],
    'drop': [insn(MOV64K, 0, imm=1), insn(EXIT)],
    # bounds-checked packet read of the ethertype
    'pkt': [insn(LDXW, 2, 1, 0), insn(LDXW, 3, 1, 4),
            insn(MOV64X, 4, 2), insn(ADD64K, 4, imm=14),
            insn(JGTX, 4, 3, 4), insn(LDXB, 5, 2, 12),
            insn(END_BE, 5, imm=16),
            insn(MOV64K, 0, imm=2), insn(EXIT),
            insn(MOV64K, 0, imm=1), insn(EXIT)],
    # array map lookup + atomic add (slot 1: ARRAY 4/8/4)
    'map': [insn(STW, 10, 0, -4, 0), insn(MOV64X, 2, 10),
            insn(ADD64K, 2, imm=-4),
            insn(LDDW, 1, 5, 0, 1), insn(0),
            insn(CALL, imm=1),
            insn(JEQK, 0, 0, 3, 0), insn(MOV64K, 1, imm=1),
            insn(ATOMIC_DW, 0, 1, 0, 0), insn(JA, off=0),
            insn(MOV64K, 0, imm=2), insn(EXIT)],
    'helpers': [insn(CALL, imm=5), insn(MOV64X, 6, 0), insn(CALL, imm=7),
                insn(ADD64X, 0, 6), insn(MOV64K, 0, imm=2), insn(EXIT)],
    # bpf-to-bpf call
    'call': [insn(MOV64K, 1, imm=3), insn(CALL, 0, 1, 0, 2),
             insn(EXIT), insn(EXIT),
             insn(MOV64X, 0, 1), insn(EXIT)],
    'stack': [insn(MOV64K, 1, imm=7), insn(STXDW, 10, 1, -8),
              insn(LDXDW, 0, 10, -8), insn(EXIT)],
}
# per insn facts for raw mode: ptr|slot<<4, arg kinds, flags, live
SEEN = 1
PTR_STACK, PTR_PKT, PTR_MAP, PTR_CTX = 1, 2, 3, 4

def facts_for(name, i, ins):
    code = ins[0]
    ptr = 0
    if name == 'pkt' and code == LDXW: ptr = PTR_CTX
    if name == 'pkt' and code == LDXB: ptr = PTR_PKT
    if name in ('stack', 'map') and code in (STXDW, LDXDW, STW): ptr = PTR_STACK
    if name == 'map' and code == ATOMIC_DW: ptr = PTR_MAP
    slot = 1 if code == LDDW else 0
    args = PTR_STACK if code == CALL else 0
    return bytes([ptr | slot << 4, args, SEEN, 0])

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, p in progs.items():
    for tc in (0, 2):
        open(os.path.join(out, f'{name}-ana{"-tc" if tc else ""}'), 'wb').write(
            bytes([1 | 4 | tc, 0x1f]) + b''.join(p))
    open(os.path.join(out, f'{name}-ana-noopt'), 'wb').write(
        bytes([1, 0]) + b''.join(p))
    open(os.path.join(out, f'{name}-raw'), 'wb').write(
        bytes([0, 0x1f]) + b''.join(
            ins + facts_for(name, i, ins) for i, ins in enumerate(p)))
