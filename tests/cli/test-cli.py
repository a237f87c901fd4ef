#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""CLI tests for nfp-ebpf (TAP output).

Usage: test-cli.py GROUP   with NFP_EBPF=path/to/nfp-ebpf and
CLI_DATA=tests/cli in the environment (meson sets both).

Groups: asm-disasm, validate, run-xdp, run-tc, usage.
"""
import os
import struct
import subprocess
import sys
import tempfile

NFP_EBPF = os.environ.get("NFP_EBPF", "nfp-ebpf")
DATA = os.environ.get("CLI_DATA", os.path.dirname(os.path.abspath(__file__)))

_n = 0
_failed = 0


def ok(cond, what, detail=""):
    global _n, _failed
    _n += 1
    if cond:
        print(f"ok {_n} - {what}")
    else:
        _failed += 1
        print(f"not ok {_n} - {what}")
        for line in str(detail).splitlines():
            print(f"# {line}")


def run(*args, check=None):
    p = subprocess.run([NFP_EBPF, *args], capture_output=True, text=True)
    if check is not None and p.returncode != check:
        print(f"# nfp-ebpf {' '.join(args)} -> {p.returncode}")
        for line in (p.stdout + p.stderr).splitlines():
            print(f"#   {line}")
    return p


def packet_lines(stdout):
    """The per-packet lines: everything before the totals."""
    out = []
    for line in stdout.splitlines():
        if line.startswith("packets "):
            break
        if line.strip() and line.split()[0].isdigit():
            out.append(line.split())
    return out


def read(path, mode="rb"):
    with open(path, mode) as f:
        return f.read()


# ---- pcap ------------------------------------------------------------

def write_pcap(path, frames, nsec=False):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b23c4d if nsec else 0xa1b2c3d4,
                            2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            sec, frac = 1700000000 + i, (1000 * i) if nsec else i
            f.write(struct.pack("<IIII", sec, frac, len(fr), len(fr)))
            f.write(fr)


def read_pcap(path):
    data = read(path)
    magic, _, _, _, _, _, linktype = struct.unpack_from("<IHHiIII", data)
    assert magic in (0xa1b2c3d4, 0xa1b23c4d), hex(magic)
    off, out = 24, []
    while off < len(data):
        _, _, incl, _ = struct.unpack_from("<IIII", data, off)
        off += 16
        out.append(data[off:off + incl])
        off += incl
    return linktype, out


MAC_A = bytes.fromhex("020000000001")
MAC_B = bytes.fromhex("020000000002")


def eth(ethertype, payload, dst=MAC_A, src=MAC_B):
    return dst + src + struct.pack(">H", ethertype) + payload


def ipv4(proto, l4):
    hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0, 64,
                      proto, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return hdr + l4


def udp(sport, dport, payload=b"hello"):
    return struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(sport, dport):
    return struct.pack(">HHIIBBHHH", sport, dport, 1, 0, 0x50, 0x02, 65535,
                       0, 0)


def icmp_echo():
    return struct.pack(">BBHHH", 8, 0, 0, 1, 1) + b"ping" * 4


# ---- groups ----------------------------------------------------------

def group_asm_disasm(tmp):
    for name in ("xdp-filter", "tc-mark"):
        src = os.path.join(DATA, name + ".s")
        img = os.path.join(tmp, name + ".img")
        p = run("asm", src, "-o", img, "--validate", check=0)
        ok(p.returncode == 0 and os.path.exists(img), f"asm {name}.s",
           p.stderr)
        p = run("disasm", img, check=0)
        ok(p.returncode == 0 and p.stdout.startswith("; nfp-ebpf image"),
           f"disasm {name}.img", p.stderr)
        text1 = p.stdout
        s2 = os.path.join(tmp, name + "-2.s")
        with open(s2, "w") as f:
            f.write(text1)
        img2 = os.path.join(tmp, name + "-2.img")
        p = run("asm", s2, "-o", img2, check=0)
        ok(p.returncode == 0 and read(img) == read(img2),
           f"{name}: asm(disasm(image)) is the same bytes", p.stderr)
        p = run("disasm", img2, "-o", os.path.join(tmp, name + "-3.s"),
                check=0)
        ok(read(os.path.join(tmp, name + "-3.s"), "r") == text1,
           f"{name}: disasm text is stable through a round trip")

        # A raw code dump: code words only.
        data = read(img)
        n, code_off = struct.unpack_from("<II", data, 28)
        raw = os.path.join(tmp, name + ".bin")
        with open(raw, "wb") as f:
            f.write(data[code_off:code_off + 8 * n])
        p = run("disasm", "--raw", raw, check=0)
        ok(p.returncode == 0 and "raw code dump of %d words" % n in p.stdout,
           f"{name}: disasm --raw", p.stderr)
        s3 = os.path.join(tmp, name + "-raw.s")
        with open(s3, "w") as f:
            f.write(p.stdout)
        img3 = os.path.join(tmp, name + "-raw.img")
        p = run("asm", s3, "-o", img3, check=0)
        d3 = read(img3) if p.returncode == 0 else b""
        ok(d3[80:80 + 8 * n] == data[code_off:code_off + 8 * n],
           f"{name}: raw dump reassembles to the same code")

    # Disassembly shows labels and map references.
    text = run("disasm", os.path.join(tmp, "xdp-filter.img")).stdout
    ok("immed       r8, map:1" in text and "\nL38:\n" in text and
       ".map 1 hash key=2 value=4 entries=64\n" in text,
       "disasm prints map slots, directives and generated labels", text)

    # Default output name: FILE.s -> FILE.img.
    src = os.path.join(tmp, "tiny.s")
    with open(src, "w") as f:
        f.write("immed r0, 2\nexit r0\n")
    p = run("asm", src, check=0)
    ok(os.path.exists(os.path.join(tmp, "tiny.img")), "asm default -o")

    # Errors: file name and line.
    bad = os.path.join(tmp, "bad.s")
    with open(bad, "w") as f:
        f.write("nop\n\nadd r1, r40, 1\n")
    p = run("asm", bad, "-o", os.path.join(tmp, "bad.img"))
    ok(p.returncode == 1 and
       p.stderr.strip() == f"{bad}: line 3: unknown register r40",
       "asm error names file and line", p.stderr)
    ok(not os.path.exists(os.path.join(tmp, "bad.img")),
       "no output on error")
    p = run("asm", os.path.join(tmp, "missing.s"))
    ok(p.returncode == 1 and "missing.s" in p.stderr, "asm missing file")
    p = run("disasm", src)
    ok(p.returncode == 1 and "use --raw" in p.stderr,
       "disasm refuses a non-image without --raw", p.stderr)
    with open(os.path.join(tmp, "odd.bin"), "wb") as f:
        f.write(b"\0" * 12)
    p = run("disasm", "--raw", os.path.join(tmp, "odd.bin"))
    ok(p.returncode == 1 and "whole number" in p.stderr,
       "disasm --raw refuses a partial word", p.stderr)
    # asm --validate reports the validator's refusal.
    with open(src, "w") as f:
        f.write("br @5\n")
    p = run("asm", src, "--validate", "-o", os.path.join(tmp, "v.img"))
    ok(p.returncode == 1 and "validator refuses" in p.stderr,
       "asm --validate", p.stderr)


def group_validate(tmp):
    img = os.path.join(tmp, "x.img")
    run("asm", os.path.join(DATA, "xdp-filter.s"), "-o", img, check=0)
    p = run("validate", img, check=0)
    ok(p.returncode == 0 and "valid: xdp program, 40 instructions, 2 maps"
       in p.stdout, "validate a good image", p.stdout + p.stderr)

    data = bytearray(read(img))
    n, code_off = struct.unpack_from("<II", data, 28)

    # Undefined opcode in instruction 5.
    bad = bytearray(data)
    bad[code_off + 5 * 8] = 0xee
    path = os.path.join(tmp, "bad-op.img")
    with open(path, "wb") as f:
        f.write(bad)
    p = run("validate", path)
    ok(p.returncode == 1 and "invalid" in p.stdout and
       "unknown opcode" in p.stdout and "insn 5" in p.stdout,
       "validate: bad opcode, with reason and instruction", p.stdout)

    # Branch to a target outside the code.
    src = os.path.join(tmp, "far.s")
    with open(src, "w") as f:
        f.write("immed r0, 2\nbr @100\nexit r0\n")
    far = os.path.join(tmp, "far.img")
    run("asm", src, "-o", far, check=0)
    p = run("validate", far)
    ok(p.returncode == 1 and "branch target outside the code" in p.stdout,
       "validate: branch target", p.stdout)

    # Truncated image.
    path = os.path.join(tmp, "short.img")
    with open(path, "wb") as f:
        f.write(data[:50])
    p = run("validate", path)
    ok(p.returncode == 1 and "invalid" in p.stdout, "validate: truncated",
       p.stdout)


def xdp_frames():
    return [
        eth(0x0800, ipv4(1, icmp_echo())),                 # 0 ICMP -> TX
        eth(0x0800, ipv4(17, udp(4000, 53))),              # 1 DNS -> DROP
        eth(0x0800, ipv4(17, udp(7777, 1234))),            # 2 listed -> DROP
        eth(0x0800, ipv4(17, udp(7778, 1234))),            # 3 -> PASS
        eth(0x0800, ipv4(6, tcp(1000, 80))),               # 4 -> PASS
        eth(0x0806, b"\x00" * 28),                         # 5 ARP -> PASS
        eth(0x0800, b"\x45"),                              # 6 short -> PASS
    ]


def group_run_xdp(tmp):
    img = os.path.join(tmp, "x.img")
    run("asm", os.path.join(DATA, "xdp-filter.s"), "-o", img, check=0)
    frames = xdp_frames()
    pin = os.path.join(tmp, "in.pcap")
    pout = os.path.join(tmp, "out.pcap")
    write_pcap(pin, frames)
    p = run("run", img, "--pcap", pin, "--out", pout,
            "--map", "1:1e61=01000000", "--dump-maps", check=0)
    ok(p.returncode == 0, "run xdp-filter", p.stderr)
    lines = packet_lines(p.stdout)
    want = ["XDP_TX", "XDP_DROP", "XDP_DROP", "XDP_PASS", "XDP_PASS",
            "XDP_PASS", "XDP_PASS"]
    got = [l[1] for l in lines]
    ok(got == want, "per-packet verdicts", f"got {got}\n{p.stdout}")
    ok(all(int(l[0]) == i for i, l in enumerate(lines)),
       "per-packet indexes")
    lens = [(int(l[3]), int(l[5])) for l in lines]
    ok(lens == [(len(f), len(f)) for f in frames], "lengths in and out",
       lens)
    insns = [int(l[7]) for l in lines]
    cycles = [int(l[9]) for l in lines]
    ok(all(i > 0 for i in insns) and all(c >= i for c, i in
                                         zip(cycles, insns)),
       "instructions and cycles reported", p.stdout)
    ok(insns[5] == 8 and insns[6] == 6,
       "ARP frame runs 8 instructions, a runt 6", insns)
    ok("packets 7: XDP_DROP 2 XDP_PASS 4 XDP_TX 1" in p.stdout,
       "totals", p.stdout)
    ok(f"instructions {sum(insns)} " in p.stdout, "instruction total")
    ok("packets/s" in p.stdout, "model pps line")

    linktype, out = read_pcap(pout)
    expect_tx = frames[0][6:12] + frames[0][0:6] + frames[0][12:]
    ok(linktype == 1 and out == [expect_tx] + frames[3:],
       "output pcap: TX frame with MACs swapped, then passed frames",
       f"{len(out)} frames")
    ok("wrote 5 frames" in p.stdout, "wrote count")

    # Maps after the run: protocol counters and the preloaded port.
    ok("map 0: array key 4 value 8 entries 256" in p.stdout and
       "key 01 00 00 00  value 01 00 00 00 00 00 00 00" in p.stdout and
       "key 06 00 00 00  value 01 00 00 00 00 00 00 00" in p.stdout and
       "key 11 00 00 00  value 03 00 00 00 00 00 00 00" in p.stdout and
       "256 elements, 253 all zero" in p.stdout,
       "dump-maps: array counters", p.stdout)
    ok("key 1e 61  value 01 00 00 00" in p.stdout and
       "  1 element\n" in p.stdout, "dump-maps: hash element", p.stdout)

    # Without the preload, frame 2 passes.
    p = run("run", img, "--pcap", pin, "-q", check=0)
    ok("packets 7: XDP_DROP 1 XDP_PASS 5 XDP_TX 1" in p.stdout and
       "XDP_TX " not in p.stdout.split("packets 7")[0],
       "quiet run without --map", p.stdout)

    # A nanosecond pcap is read and written back as such.
    write_pcap(pin, frames, nsec=True)
    p = run("run", img, "--pcap", pin, "-q", "--out", pout, check=0)
    ok(p.returncode == 0 and read(pout)[:4] == struct.pack("<I", 0xa1b23c4d),
       "nanosecond pcap")

    # Errors.
    p = run("run", img, "--pcap", pin, "--map", "1:1e=01000000")
    ok(p.returncode == 1 and "key is 1 bytes" in p.stderr,
       "--map wrong key size", p.stderr)
    p = run("run", img, "--pcap", pin, "--map", "7:1e61=01000000")
    ok(p.returncode == 1 and "no map slot" in p.stderr, "--map bad slot",
       p.stderr)
    p = run("run", img, "--pcap", pin, "--map", "1:zz=01")
    ok(p.returncode == 1 and "hex" in p.stderr, "--map bad hex", p.stderr)
    p = run("run", img, "--pcap", os.path.join(tmp, "nope.pcap"))
    ok(p.returncode == 1 and "nope.pcap" in p.stderr, "missing pcap")
    with open(os.path.join(tmp, "ng.pcap"), "wb") as f:
        f.write(struct.pack("<I", 0x0a0d0d0a) + b"\0" * 28)
    p = run("run", img, "--pcap", os.path.join(tmp, "ng.pcap"))
    ok(p.returncode == 1 and "pcapng" in p.stderr, "pcapng refused",
       p.stderr)
    p = run("run", img)
    ok(p.returncode == 2 and "--pcap" in p.stderr, "--pcap required")

    # A program that faults: counted as XDP_ABORTED.
    src = os.path.join(tmp, "fault.s")
    with open(src, "w") as f:
        f.write(".stack 0\n ld.pkt.32 r1, [rz+0x100000]\n exit r1\n")
    fimg = os.path.join(tmp, "fault.img")
    run("asm", src, "-o", fimg, check=0)
    p = run("run", fimg, "--pcap", pin, check=0)
    ok("XDP_ABORTED" in p.stdout and "fault at insn 0" in p.stdout and
       "faults 7 (counted as XDP_ABORTED)" in p.stdout,
       "faulting program", p.stdout + p.stderr)

    # A refused image: the validator's reason.
    src = os.path.join(tmp, "refused.s")
    with open(src, "w") as f:
        f.write("br @7\n")
    rimg = os.path.join(tmp, "refused.img")
    run("asm", src, "-o", rimg, check=0)
    p = run("run", rimg, "--pcap", pin)
    ok(p.returncode == 1 and "refused" in p.stderr, "refused image",
       p.stderr)


def group_run_tc(tmp):
    img = os.path.join(tmp, "t.img")
    run("asm", os.path.join(DATA, "tc-mark.s"), "-o", img, check=0)
    frames = [eth(0x0800, ipv4(17, udp(1, 2, b"x" * 20))),   # 62 -> SHOT
              eth(0x0800, ipv4(17, udp(1, 2, b"x" * 60))),   # 102 -> OK
              eth(0x0800, ipv4(17, udp(1, 2, b"x" * 200)))]  # 242 -> OK
    pin = os.path.join(tmp, "in.pcap")
    pout = os.path.join(tmp, "out.pcap")
    write_pcap(pin, frames)
    p = run("run", img, "--pcap", pin, "--out", pout, "--port", "2",
            "--core", "1", "--dump-maps", check=0)
    got = [l[1] for l in packet_lines(p.stdout)]
    ok(got == ["TC_ACT_SHOT", "TC_ACT_OK", "TC_ACT_OK"], "tc verdicts",
       p.stdout + p.stderr)
    ok("packets 3: TC_ACT_OK 2 TC_ACT_SHOT 1" in p.stdout, "tc totals",
       p.stdout)
    _, out = read_pcap(pout)
    ok(out == frames[1:], "tc output pcap keeps the OK frames")
    # Per-CPU value: bytes on port 2, counted by core 1 only.
    total = len(frames[1]) + len(frames[2])
    ok("map 0: percpu_array key 4 value 4 entries 4" not in p.stdout and
       "map 0: percpu_array key 4 value 8 entries 4" in p.stdout and
       "key 02 00 00 00\n" in p.stdout and
       "cpu1  " + " ".join("%02x" % b for b in struct.pack("<Q", total))
       in p.stdout and
       "cpu0  00 00 00 00 00 00 00 00" in p.stdout,
       "per-CPU map: the running core's copy", p.stdout)

    # Preload a per-CPU value once for all CPUs.
    p = run("run", img, "--pcap", pin, "-q", "--dump-maps",
            "--map", "0:00000000=0500000000000000", check=0)
    ok(p.stdout.count("05 00 00 00 00 00 00 00") == 3 and
       "cpu0  5d 01 00 00 00 00 00 00" in p.stdout,
       "per-CPU preload replicated to every CPU, core 0 adds 344",
       p.stdout)
    p = run("run", img, "--pcap", pin, "--map", "0:00000000=05")
    ok(p.returncode == 1 and "per-CPU value" in p.stderr,
       "per-CPU preload size check", p.stderr)


def group_usage(tmp):
    p = run("help")
    ok(p.returncode == 0 and all(c in p.stdout for c in
                                 ("asm", "disasm", "validate", "run",
                                  "caps")), "help lists commands")
    p = run()
    ok(p.returncode == 2 and "Usage" in p.stderr, "no command: usage, 2")
    p = run("frobnicate")
    ok(p.returncode == 2 and "unknown command" in p.stderr,
       "unknown command")
    for cmd in ("asm", "disasm", "validate", "run", "caps"):
        p = run(cmd, "--help")
        ok(p.returncode == 0 and f"nfp-ebpf {cmd}" in p.stdout,
           f"{cmd} --help", p.stdout + p.stderr)
    p = run("help", "run")
    ok(p.returncode == 0 and "--dump-maps" in p.stdout, "help run")
    p = run("asm", "--bogus")
    ok(p.returncode == 2 and "Unknown option" in p.stderr, "bad option",
       p.stderr)
    p = run("asm")
    ok(p.returncode == 2 and "expected FILE.s" in p.stderr,
       "missing argument", p.stderr)
    p = run("caps", check=0)
    ok(p.returncode == 0 and "code store         8192 instructions" in
       p.stdout and "map_lookup" in p.stdout and "lru_hash" in p.stdout,
       "caps", p.stdout)
    p = run("version", check=0)
    ok(p.returncode == 0 and "image ABI 1.0" in p.stdout, "version")


GROUPS = {
    "asm-disasm": group_asm_disasm,
    "validate": group_validate,
    "run-xdp": group_run_xdp,
    "run-tc": group_run_tc,
    "usage": group_usage,
}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in GROUPS:
        print(f"usage: {sys.argv[0]} {{{','.join(GROUPS)}}}",
              file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="nfp-ebpf-cli-") as tmp:
        GROUPS[sys.argv[1]](tmp)
    print(f"1..{_n}")
    return 1 if _failed else 0


if __name__ == "__main__":
    sys.exit(main())
