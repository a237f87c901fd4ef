#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""qtest tests of the nfp-ebpf QEMU device (TAP output).

    qtest-nfpe.py QEMU datapath [--machine q35|pc]
    qtest-nfpe.py QEMU hostile [--seconds 20] [--seed N]
    qtest-nfpe.py QEMU bench [--packets 100000] [--seconds-bench 3]
    qtest-nfpe.py QEMU hotplug

QEMU is BUILDDIR/qemu/qemu-system-x86_64 (or a path file holding it, the
output of the meson target `qemu`).  See tests/qtest/nfpe_qtest.py for how
the test plays the guest, and docs/device.md "QEMU integration".
"""

import argparse
import os
import random
import struct
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nfpe_qtest import *  # noqa: E402,F403

RESULTS = []


class Fail(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Fail(what)


def eq(got, want, what):
    if got != want:
        raise Fail("%s: got %r, want %r" % (what, got, want))


def subtest(name, fn, *a):
    try:
        fn(*a)
        RESULTS.append(True)
        print("ok %d - %s" % (len(RESULTS), name), flush=True)
        return True
    except Exception as e:  # noqa: BLE001 - every failure is reported
        RESULTS.append(False)
        print("not ok %d - %s" % (len(RESULTS), name), flush=True)
        for line in (str(e) if isinstance(e, Fail) else
                     traceback.format_exc()).splitlines():
            print("# " + line, flush=True)
        return False


def note(msg):
    print("# " + msg, flush=True)


def frame_to(dev, p=0, sport=1000, dport=2000, size=64, tag=0):
    payload = struct.pack("<I", tag) + bytes((i & 0xff) for i in range(size - 4))
    return udp4_frame(dev.mac(p), "10.0.0.1", "10.0.0.2", sport, dport, payload)


def send_and_wait_counter(qt, dev, frames, counter, want, p=0, timeout=10):
    for f in frames:
        qt.host_send(p, f)
    end = time.time() + timeout
    while True:
        _, ports = dev.stats()
        if ports[p][counter] >= want or time.time() > end:
            return ports[p]
        time.sleep(0.01)


# ---------------------------------------------------------------- datapath --

def datapath(args):
    qt = QTest(args.qemu, machine=args.machine, n_ports=2,
               device_props=",cores=2,threads=8,map-memory=1M,clock-mhz=1200",
               extra_args=qemu_log_args())
    dev = Device(qt)
    st = {}
    try:
        def pci():
            dev.setup_pci()
            eq(dev.n_vectors, MSIX_VECTORS, "MSI-X table size")
            pcie = dev.find_cap(0x10)
            check(pcie is not None, "PCI Express capability present")
            eq(dev.cfg_read32(0x08) >> 8, 0x020000, "class code")
            eq(dev.cfg_read32(0x08) & 0xff, 1, "revision")
            eq(dev.rd(REG_ID), ID_MAGIC, "ID register")
            eq(dev.rd(REG_ABI), 1 << 16, "ABI 1.0")
            eq(dev.rd(REG_STATUS) & STATUS_READY, STATUS_READY, "READY")
            eq(dev.rd(REG_NUM_PORTS), 2, "ports from two netdevs")
            dev.wr(REG_SCRATCH, 0x5a5aa5a5)
            eq(dev.rd(REG_SCRATCH), 0x5a5aa5a5, "scratch")
            qt.writeb(dev.bar0 + REG_SCRATCH, 0x11)      # refused by .valid
            eq(dev.rd(REG_SCRATCH), 0x5a5aa5a5, "1-byte write refused")
        subtest("pci: %s, ids, class, PCIe cap, MSI-X 64, BAR0 registers" %
                args.machine, pci)

        def caps():
            c = dev.caps()
            eq(c.get("cores"), 2, "cap cores (property)")
            eq(c.get("threads"), 8, "cap threads (property)")
            eq(c.get("clock_mhz"), 1200, "cap clock (property)")
            eq(c.get("map_memory"), 1 << 20, "cap map memory (property)")
            eq(c.get("ports"), 2, "cap ports")
            eq(c.get("abi"), 1 << 16, "cap abi")
        subtest("capabilities reflect the properties", caps)

        def msix():
            dev.msi_clear_all()
            dev.wr(REG_IRQ_TEST, 5)
            check(dev.msi_take(5), "IRQ_TEST 5: MSI-X message in RAM")
            check(not dev.msi_take(6), "no stray vector 6")
            dev.msix_mask(7, True)
            dev.wr(REG_IRQ_TEST, 7)
            check(not dev.msi_take(7), "masked vector 7 not delivered")
            check(dev.msix_pending(7), "masked vector 7 pending in the PBA")
            dev.msix_mask(7, False)
            check(dev.msi_take(7), "vector 7 delivered on unmask")
            check(not dev.msix_pending(7), "PBA bit 7 cleared")
            # MSI-X disabled: the device sends nothing
            ctl = dev.cfg_read16(dev.msix_cap + 2)
            dev.cfg_write16(dev.msix_cap + 2, ctl & ~0x8000)
            dev.wr(REG_IRQ_TEST, 9)
            dev.cfg_write16(dev.msix_cap + 2, ctl)
            check(not dev.msi_take(9), "no message with MSI-X disabled")
        subtest("MSI-X: IRQ_TEST message, mask -> PBA -> unmask, disabled", msix)

        def echo():
            dev.enable()
            payload = bytes(range(200))
            r, rsp = dev.cmd(CMD_ECHO, payload)
            eq(r, 0, "ECHO result")
            eq(rsp, bytes(b ^ 0xff for b in payload), "ECHO payload inverted")
            check(dev.msi_take(0), "vector 0 after the command")
            dev.wr(VEC_ARM(0), 1)
            r, _ = dev.cmd(99)
            eq(r, -EOPNOTSUPP if r == -EOPNOTSUPP else -EINVAL, "unknown op")
            eq(dev.rd(REG_ERR_CODE), ERR_CMD, "ERR_CODE after unknown op")
            dev.wr(REG_ERR_ACK, 1)
            dev.wr(REG_IRQ_CAUSE, 0xffffffff)
        subtest("command interface over DMA: ECHO, vector 0, bad op", echo)

        def rx_plain():
            dev.port_up(0, ctrl=PORT_CTRL_RX_META)
            dev.port_up(1, ctrl=PORT_CTRL_RX_META)
            dev.msi_clear_all()
            frames = [frame_to(dev, tag=i, sport=1000 + i) for i in range(5)]
            for f in frames:
                qt.host_send(0, f)
            eq(dev.rx_wait(5), 5, "RX_HEAD after 5 frames")
            for i, f in enumerate(frames):
                flags, ml, data = dev.rx_get()
                eq(flags, RXD_DONE, "descriptor %d flags" % i)
                m = parse_meta(data, ml)
                eq(data[ml:], f, "frame %d bytes DMA'd" % i)
                eq(m.get("port"), 0, "metadata port")
                eq(m.get("hash_type"), 2, "L4 hash type")
                check("hash" in m and "mark" not in m and "xdp" not in m,
                      "metadata fields %r" % m)
            check(dev.msi_take(dev.rings[(0, 0)]["rx_vec"]), "RX vector fired")
            dev.rx_refill()
        subtest("RX: 5 frames from the netdev, bytes, descriptors, metadata, MSI-X",
                rx_plain)

        def rx_port1():
            f = frame_to(dev, p=1, tag=77)
            qt.host_send(1, f)
            eq(dev.rx_wait(1, p=1), 1, "port 1 RX_HEAD")
            flags, ml, data = dev.rx_get(p=1)
            eq(parse_meta(data, ml).get("port"), 1, "metadata port 1")
            eq(data[ml:], f, "port 1 frame")
            dev.rx_refill(p=1)
        subtest("second port (netdev1): own ring, metadata port 1", rx_port1)

        def tx():
            qt.host_drain(0)
            sent = [udp4_frame(b"\x02\0\0\0\0\x99", "10.0.0.2", "10.0.0.1",
                               5, 6, bytes([i]) * (60 + i)) for i in range(3)]
            slots = [dev.tx(f) for f in sent]
            for i, f in enumerate(sent):
                got = qt.host_recv(0)
                eq(got, f, "frame %d on the host socket" % i)
            eq(dev.qrd(0, 0, Q_TX_HEAD), 3, "TX_HEAD")
            for s in slots:
                eq(dev.tx_flags(s), TXD_DONE, "TX descriptor DONE")
            bad = dev.tx(b"\0" * 10)                   # too short
            eq(dev.tx_flags(bad), TXD_DONE | TXD_ERR, "short frame DONE|ERR")
            eq(dev.rd(REG_ERR_CODE), ERR_TX_DESC, "ERR_TX_DESC latched")
            dev.wr(REG_ERR_ACK, 1)
        subtest("TX: frames reach the netdev byte-exact, DONE, bad length", tx)

        def xdp_drop():
            pid = dev.load(prog_verdict(PROG_XDP, 1))
            eq(dev.attach(0, HOOK_XDP, pid), 0, "attach DROP")
            head = dev.qrd(0, 0, Q_RX_HEAD)
            pc = send_and_wait_counter(qt, dev, [frame_to(dev, tag=i)
                                                 for i in range(20)],
                                       "xdp_drop", 20)
            eq(pc["xdp_drop"], 20, "xdp_drop")
            eq(dev.qrd(0, 0, Q_RX_HEAD), head, "nothing delivered")
            check(pc["prog_insns"] >= 40, "prog_insns counted")
            st["drop_id"] = pid
        subtest("XDP_DROP program: 20 frames dropped on the device", xdp_drop)

        def xdp_tx():
            qt.host_drain(0)
            pid = dev.load(prog_verdict(PROG_XDP, 3))
            eq(dev.attach(0, HOOK_XDP, pid), 0, "attach TX (atomic replace)")
            frames = [frame_to(dev, tag=100 + i) for i in range(4)]
            for f in frames:
                qt.host_send(0, f)
                eq(qt.host_recv(0), f, "XDP_TX frame back on the wire")
            _, ports = dev.stats()
            eq(ports[0]["xdp_tx"], 4, "xdp_tx")
            st["tx_id"] = pid
        subtest("XDP_TX program: frames bounce back out of the port", xdp_tx)

        def xdp_pass_tc():
            dev.msi_clear_all()
            dev.wr(VEC_ARM(dev.rings[(0, 0)]["rx_vec"]), 1)
            pid = dev.load(prog_xdp_meta(0xabcd1234, 0x55667788))
            eq(dev.attach(0, HOOK_XDP, pid), 0, "attach XDP meta")
            tid = dev.load(prog_tc_mark(0xcafe))
            eq(dev.attach(0, HOOK_XDP, tid), -EINVAL, "TC prog on XDP hook")
            eq(dev.attach(0, HOOK_TC, tid), 0, "attach TC mark")
            f = frame_to(dev, tag=5)
            qt.host_send(0, f)
            eq(dev.rx_wait(1), dev.rings[(0, 0)]["rx_seen"] + 1, "delivered")
            flags, ml, data = dev.rx_get()
            m = parse_meta(data, ml)
            eq(m.get("mark"), 0xcafe, "MARK metadata")
            eq(m.get("xdp"), struct.pack("<II", 0xabcd1234, 0x55667788),
               "XDP metadata bytes")
            eq(m["types"], META_HASH | META_MARK << 4 | META_PORT << 8 |
               META_XDP << 12, "type nibbles")
            eq(data[ml:], f, "frame")
            check(dev.msi_take(dev.rings[(0, 0)]["rx_vec"]), "RX vector re-armed")
            _, ports = dev.stats()
            eq(ports[0]["xdp_pass"], 1, "xdp_pass")
            eq(ports[0]["tc_ok"], 1, "tc_ok")
            # TC_ACT_SHOT drops
            sid = dev.load(prog_verdict(PROG_TC, 2))
            eq(dev.attach(0, HOOK_TC, sid), 0, "attach SHOT")
            pc = send_and_wait_counter(qt, dev, [f], "tc_shot", 1)
            eq(pc["tc_shot"], 1, "tc_shot")
            eq(dev.attach(0, HOOK_TC, 0), 0, "detach TC")
            eq(dev.attach(0, HOOK_XDP, 0), 0, "detach XDP")
            r, rsp = dev.cmd(CMD_PROG_STATS, struct.pack("<II", pid, 0))
            eq(r, 0, "PROG_STATS")
            runs = struct.unpack("<QQQQ", rsp[:32])[0]
            eq(runs, 2, "XDP meta program runs")
            dev.rx_refill()
        subtest("XDP metadata + tc mark + TC_ACT_SHOT, PROG_STATS", xdp_pass_tc)

        def maps():
            r, rsp = dev.cmd(CMD_MAP_ALLOC, struct.pack("<IIIIII", 1, 4, 8, 16, 0, 0))
            eq(r, 0, "alloc hash")
            mid = struct.unpack("<I", rsp[:4])[0]
            for k in (1, 2, 3):
                r, _ = dev.map_op(CMD_MAP_UPDATE, mid, MAP_NOEXIST,
                                  data=struct.pack("<IQ", k, k * 1000))
                eq(r, 0, "update %d" % k)
            r, _ = dev.map_op(CMD_MAP_UPDATE, mid, MAP_NOEXIST,
                              data=struct.pack("<IQ", 2, 0))
            eq(r, -EEXIST, "NOEXIST on an existing key")
            r, v = dev.map_op(CMD_MAP_LOOKUP, mid, data=struct.pack("<I", 2))
            eq((r, v), (0, struct.pack("<Q", 2000)), "lookup 2")
            keys, r, key = [], 0, None
            r, k = dev.map_op(CMD_MAP_GETNEXT, mid, MAP_FIRST)
            while r == 0:
                keys.append(struct.unpack("<I", k[:4])[0])
                r, k = dev.map_op(CMD_MAP_GETNEXT, mid, data=k[:4])
            eq(r, -ENOENT, "GETNEXT end")
            eq(sorted(keys), [1, 2, 3], "GETNEXT walk")
            r, d = dev.map_op(CMD_MAP_DUMP, mid, MAP_FIRST, count=0)
            eq(r, 0, "dump")
            cnt, more = struct.unpack_from("<II", d, 0)
            eq((cnt, more), (3, 0), "dump count")
            pairs = {struct.unpack_from("<I", d, 8 + 12 * i)[0]:
                     struct.unpack_from("<Q", d, 12 + 12 * i)[0] for i in range(cnt)}
            eq(pairs, {1: 1000, 2: 2000, 3: 3000}, "dump pairs")
            eq(dev.map_op(CMD_MAP_DELETE, mid, data=struct.pack("<I", 2))[0], 0,
               "delete")
            eq(dev.map_op(CMD_MAP_LOOKUP, mid, data=struct.pack("<I", 2))[0],
               -ENOENT, "lookup deleted")
            r, rsp = dev.cmd(CMD_MAP_ALLOC, struct.pack("<IIIIII", 2, 4, 4, 4, 0, 0))
            eq(r, 0, "alloc array")
            aid = struct.unpack("<I", rsp[:4])[0]
            eq(dev.map_op(CMD_MAP_UPDATE, aid, data=struct.pack("<II", 9, 1))[0],
               -E2BIG, "array index beyond max_entries")
            eq(dev.map_op(CMD_MAP_DELETE, aid, data=struct.pack("<I", 0))[0],
               -EINVAL, "array delete")
            dv, _ = dev.stats()
            check(dv["dev_map_bytes_used"] > 0, "map bytes used")
            for m in (mid, aid):
                eq(dev.cmd(CMD_MAP_FREE, struct.pack("<II", m, 0))[0], 0, "free")
            eq(dev.cmd(CMD_MAP_FREE, struct.pack("<II", mid, 0))[0], -ENOENT,
               "free twice")
        subtest("map commands: hash/array, update flags, lookup, getnext, dump, "
                "delete, errors", maps)

        def stats():
            dv, ports = dev.stats()
            st["resets"] = dv["dev_resets"]
            eq(dv["dev_resets"], 0, "dev_resets: power-on is not counted")
            eq(len(ports), 2, "two ports of counters")
            eq(ports[0]["rx_packets"], 6, "rx_packets port 0")
            eq(ports[1]["rx_packets"], 1, "rx_packets port 1")
            eq(ports[0]["tx_packets"], 3 + 4, "tx_packets (host TX + XDP_TX)")
            eq(ports[0]["tx_errors"], 1, "tx_errors")
            check(dv["dev_commands"] > 20, "dev_commands")
            eq(dv["dev_errors"], 2, "dev_errors (bad op, TX length)")
            eq(dv["dev_bad_command"], 1, "dev_bad_command")
        subtest("STATS: per-port and device counters", stats)

        def moderation():
            dev.wr(PORT_BASE(0) + PORT_CTRL, 0)
            dev.qwr(0, 0, Q_IRQ_MOD_USECS, 500)
            dev.wr(PORT_BASE(0) + PORT_CTRL, PORT_CTRL_ENABLE | PORT_CTRL_RX_META)
            v = dev.rings[(0, 0)]["rx_vec"]
            dev.msi_clear_all()
            dev.wr(VEC_ARM(v), 1)           # delivers what was pending ...
            if dev.msi_take(v):
                dev.wr(VEC_ARM(v), 1)       # ... and masks again: re-arm
            n0 = dev.rings[(0, 0)]["rx_seen"]
            qt.host_send(0, frame_to(dev))
            eq(dev.rx_wait(1), n0 + 1, "delivered")
            check(not dev.msi_take(v), "no interrupt before the 500 us timer")
            qt.clock_step(400000)
            check(not dev.msi_take(v), "none after 400 us")
            qt.clock_step(200000)
            check(dev.msi_take(v), "interrupt from the QEMUTimer after 600 us")
            dev.rx_get()
            dev.rx_refill()
        subtest("interrupt moderation on the virtual-clock QEMUTimer", moderation)

        def link():
            qt.qmp("set_link", name="n0", up=False)
            eq(dev.rd(PORT_BASE(0) + PORT_STATUS) & 1, 0, "link down")
            check(dev.rd(REG_IRQ_CAUSE) & IRQ_LINK, "IRQ_CAUSE LINK")
            qt.qmp("set_link", name="n0", up=True)
            eq(dev.rd(PORT_BASE(0) + PORT_STATUS) & 1, 1, "link up")
            eq(dev.rd(PORT_BASE(1) + PORT_STATUS) & 1, 1, "port 1 unaffected")
        subtest("link: QMP set_link -> PORT_STATUS, IRQ_CAUSE", link)

        def dma_bad():
            dev.wr(REG_CMD_ADDR_LO, 0x40000000)        # beyond 256 MiB of RAM
            dev.wr(REG_CMD_DOORBELL, 1234)
            eq(dev.rd(REG_CMD_DONE), 1234, "CMD_DONE advances")
            eq(dev.rd(REG_ERR_CODE), ERR_DMA_READ, "ERR_DMA_READ")
            eq(dev.rd(REG_ERR_INFO), 0xffff, "ERR_INFO command buffer")
            dev.wr(REG_ERR_ACK, 1)
            dev.wr(REG_CMD_ADDR_LO, dev.cmd_buf)
            # bus mastering off: DMA fails, the device says so
            dev.cfg_write16(0x04, 0x2)
            dev.seq += 1
            dev.wr(REG_CMD_DOORBELL, dev.seq)
            eq(dev.rd(REG_ERR_CODE), ERR_DMA_READ, "no bus master: DMA fails")
            dev.cfg_write16(0x04, 0x6)
            dev.wr(REG_ERR_ACK, 1)
            eq(dev.cmd(CMD_ECHO, b"x")[0], 0, "commands work again")
        subtest("DMA outside guest RAM and without bus mastering: errors, no harm",
                dma_bad)

        def reset():
            dev.wr(REG_CTRL, CTRL_RESET)
            eq(dev.rd(REG_STATUS), STATUS_READY, "READY after CTRL_RESET")
            eq(dev.rd(REG_CTRL), 0, "CTRL cleared")
            eq(dev.qrd(0, 0, Q_RX_SIZE), 0, "rings off")
            dev.reset_alloc()
            dev.enable()
            dv, ports = dev.stats()
            eq(dv["dev_resets"], st["resets"] + 1, "dev_resets")
            eq(ports[0]["rx_packets"], 0, "counters cleared")
            eq(dev.attach(0, HOOK_XDP, st["drop_id"]), -ENOENT, "programs unloaded")
            # bus reset through QMP: config space too
            qt.qmp("system_reset")
            time.sleep(0.2)
            eq(dev.cfg_read32(0x10) & ~0xf, 0, "BAR0 cleared by the bus reset")
            dev.setup_pci()
            dev.reset_alloc()
            dev.enable()
            dv, _ = dev.stats()
            eq(dv["dev_resets"], st["resets"] + 2, "dev_resets after bus reset")
            dev.port_up(0)
            f = frame_to(dev, tag=9)
            qt.host_send(0, f)
            eq(dev.rx_wait(1), 1, "traffic after the bus reset")
            flags, ml, data = dev.rx_get()
            eq(data[ml:], f, "frame after reset")
        subtest("CTRL_RESET and QMP system_reset: state gone, traffic again", reset)

        check_alive(qt)
    finally:
        qt.close()


def qemu_log_args():
    """-d guest_errors into the temporary directory's stderr.log (kept with
    NFPE_QTEST_KEEP=1); NFPE_QTEST_QEMU_ARGS adds more, e.g. -trace nfpe_*."""
    return os.environ.get("NFPE_QTEST_QEMU_ARGS", "").split() + \
        ["-d", "guest_errors"]


def check_alive(qt):
    subtest("QEMU alive (QMP query-status)", lambda: check(qt.alive(), "alive"))


# ----------------------------------------------------------------- hotplug --

def hotplug(args):
    """-M pc, ACPI PCI hotplug: device_add / use / device_del (the guest's
    eject is the write to the PIIX4 hotplug port 0xae08), several times on
    the same netdev: unrealize must give the netdev, timer, MSI-X and core
    back.  A refused device_add must leave QEMU and the netdev usable."""
    qt = QTest(args.qemu, machine="pc", n_ports=1, with_device=False,
               extra_args=qemu_log_args())
    try:
        def refused():
            try:
                qt.qmp("device_add", driver="nfp-ebpf", id="bad", netdev="n0",
                       addr="05.0", cores=0)
            except QTestError as e:
                check("cores must be" in str(e), "message: %s" % e)
            else:
                raise Fail("device_add with cores=0 accepted")
        subtest("device_add with cores=0 refused (realize error path)", refused)

        def cycle(i):
            qt.qmp("device_add", driver="nfp-ebpf", id="hp", netdev="n0",
                   addr="05.0", **({"fault-inject": True} if i % 2 else {}))
            dev = Device(qt, slot=5)
            dev.setup_pci()
            dev.enable()
            eq(dev.cmd(CMD_ECHO, b"hp")[0], 0, "ECHO")
            dev.port_up(0)
            if i == 1:
                # leave work behind: a program, a map and an armed timer
                dev.load(prog_verdict(PROG_XDP, 2))
                dev.cmd(CMD_MAP_ALLOC, struct.pack("<IIIIII", 1, 4, 4, 8, 0, 0))
                dev.wr(PORT_BASE(0) + PORT_CTRL, 0)
                dev.qwr(0, 0, Q_IRQ_MOD_USECS, 1000000)
                dev.wr(PORT_BASE(0) + PORT_CTRL, PORT_CTRL_ENABLE)
            f = frame_to(dev, tag=i)
            qt.host_send(0, f)
            eq(dev.rx_wait(1), 1, "frame delivered")
            eq(dev.rx_get()[2][-len(f):], f, "frame bytes")
            qt.qmp("device_del", id="hp")
            qt.outl(0xae08, 1 << 5)
            qt.qmp_event_wait("DEVICE_DELETED")
            eq(dev.cfg_read32(0) & 0xffff, 0xffff, "slot empty after unplug")
            qt.clock_step(2000000000)              # a leftover timer would fire
        for i in range(3):
            subtest("hotplug cycle %d: add, traffic, del" % (i + 1), cycle, i)
        check_alive(qt)
    finally:
        qt.close()


# ----------------------------------------------------------------- hostile --

def hostile(args):
    rng = random.Random(args.seed)
    note("seed %d, %d s" % (args.seed, args.seconds))
    qt = QTest(args.qemu, machine="q35", n_ports=1,
               device_props=",fault-inject=on,queues=2",
               extra_args=qemu_log_args())
    dev = Device(qt)
    stop = threading.Event()
    sent = [0]

    def sender():
        # frames to the device all the time: unicast, broadcast, junk
        rng = random.Random(args.seed + 1)      # the thread's own generator
        s = qt.ports[0]["sock"]
        mac = None
        while not stop.is_set():
            try:
                if mac is None:
                    mac = b"\x52\x54\x00\xf0\x00\x00"
                k = rng.randrange(4)
                if k == 0:
                    f = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
                elif k == 1:
                    f = b"\xff" * 6 + bytes(rng.randrange(256) for _ in range(60))
                else:
                    f = udp4_frame(mac, "10.0.0.%d" % rng.randrange(256),
                                   "10.0.0.2", rng.randrange(65536), 80,
                                   bytes(rng.randrange(1, 1400)))
                s.sendto(f, qt.ports[0]["qemu"])
                sent[0] += 1
            except OSError:
                pass
            time.sleep(0.0005)

    try:
        def setup():
            dev.setup_pci()
            dev.enable()
            dev.port_up(0)
        subtest("setup", setup)
        ram = qt.ram_size
        bad_addrs = [0, 8, ram - 16, ram - 8, ram, ram + 0x1000, 0xb0000000,
                     0xdffffff0, dev.bar0, dev.bar0 + REG_CTRL,
                     dev.bar0 + REG_CMD_DOORBELL, dev.bar2, dev.bar2 + 0x800,
                     0xfec00000, 0xfed00000, 0xffffff00, 0x100000000,
                     0xfffffffffffff000, 0xfffffffffffffff8, 1 << 63,
                     dev.MSI_AREA, dev.cmd_buf, dev.rings[(0, 0)]["rx"],
                     dev.rings[(0, 0)]["tx"]]

        def rand_addr():
            k = rng.randrange(4)
            if k == 0:
                return rng.choice(bad_addrs)
            if k == 1:
                return rng.randrange(1 << 64)
            if k == 2:
                return rng.randrange(0x200000, ram)
            return rng.choice(bad_addrs) + rng.randrange(-64, 64) & (2 ** 64 - 1)

        def rand_reg():
            k = rng.randrange(6)
            if k == 0:
                return rng.randrange(0, 0x60, 4)
            if k == 1:
                return VEC_ARM(rng.randrange(70))
            if k in (2, 3):
                return QUEUE_BASE(rng.randrange(2), rng.randrange(4)) + \
                    rng.randrange(0, 0x40, 4)
            if k == 4:
                return PORT_BASE(rng.randrange(5)) + rng.randrange(0, 0x20, 4)
            return rng.randrange(0, 0x10000, 4)

        def rand_val():
            k = rng.randrange(5)
            if k == 0:
                return rng.randrange(1 << 32)
            if k == 1:
                return rng.choice([0, 1, 2, 3, 7, 8, 16, 64, 4096, 8192,
                                   0xffffffff, 0x80000000])
            if k == 2:
                return rand_addr() & 0xffffffff
            return rng.randrange(64)

        def rand_cmd():
            op = rng.choice(list(range(0, 16)) + [CMD_LOAD_IMAGE] * 3 +
                            [CMD_MAP_UPDATE, CMD_MAP_DUMP, CMD_ATTACH] * 2)
            k = rng.randrange(4)
            if op == CMD_LOAD_IMAGE:
                img = bytearray(prog_verdict(PROG_XDP, rng.randrange(5)))
                for _ in range(rng.randrange(4)):
                    img[rng.randrange(len(img))] = rng.randrange(256)
                a = dev.alloc(len(img), 8) if k else rand_addr()
                if k:
                    qt.memwrite(a, bytes(img))
                payload = struct.pack("<QII", a, len(img) if k != 1 else
                                      rng.randrange(1 << 32), 0)
            elif op == CMD_ATTACH:
                payload = struct.pack("<IIII", rng.randrange(3), rng.randrange(3),
                                      rng.randrange(6), 0)
            elif op == CMD_MAP_ALLOC:
                payload = struct.pack("<IIIIII", rng.randrange(10),
                                      rng.choice([0, 1, 4, 8, 64, 1 << 20]),
                                      rng.choice([0, 4, 8, 1 << 16]),
                                      rng.choice([0, 1, 16, 1 << 30]), 0, 0)
            else:
                payload = bytes(rng.randrange(256) for _ in range(rng.randrange(64)))
            hdr = struct.pack("<HHIIiI12x", op, rng.choice([0, 0, 0, 1]),
                              32 + len(payload) if k else rng.randrange(1 << 32),
                              rng.randrange(1 << 32), 0, 0)
            qt.memwrite(dev.cmd_buf, hdr + payload)
            if rng.randrange(8) == 0:
                dev.wr(REG_CMD_BUF_LEN, rng.choice([0, 31, 32, 4096, 65536, 65537,
                                                    0xffffffff]))
            if rng.randrange(8) == 0:
                a = rand_addr()
                dev.wr(REG_CMD_ADDR_LO, a & 0xffffffff)
                dev.wr(REG_CMD_ADDR_HI, a >> 32)
            dev.wr(REG_CMD_DOORBELL, rng.randrange(1 << 32))

        def rand_ring():
            p, q = 0, rng.randrange(2)
            dev.wr(PORT_BASE(p) + PORT_CTRL, 0)
            for off in (Q_TX_BASE_LO, Q_RX_BASE_LO):
                a = rng.choice([rand_addr(), dev.rings[(0, 0)]["rx"],
                                dev.rings[(0, 0)]["tx"], dev.cmd_buf])
                dev.qwr(p, q, off, a & 0xffffffff)
                dev.qwr(p, q, off + 4, a >> 32)
            for off in (Q_TX_SIZE, Q_RX_SIZE):
                dev.qwr(p, q, off, rng.choice([0, 8, 16, 4096, 7, 8192]))
            dev.wr(PORT_BASE(p) + PORT_NUM_QUEUES, rng.randrange(4))
            dev.wr(PORT_BASE(p) + PORT_CTRL, rng.randrange(8) | 1)
            for off in (Q_TX_TAIL, Q_RX_TAIL):
                dev.qwr(p, q, off, rng.choice([1, 4, 8, 9, 4096, 5000, rng.randrange(1 << 32)]))

        def hammer():
            th = threading.Thread(target=sender, daemon=True)
            th.start()
            end = time.time() + args.seconds
            n = {"reg": 0, "cmd": 0, "ring": 0, "cfg": 0, "mem": 0, "clock": 0}
            while time.time() < end:
                k = rng.randrange(100)
                if k < 45:
                    dev.wr(rand_reg(), rand_val())
                    n["reg"] += 1
                elif k < 50:
                    qt.readl(dev.bar0 + rand_reg())
                    n["reg"] += 1
                elif k < 53:
                    # wrong sizes and unaligned: refused by MemoryRegionOps
                    a = dev.bar0 + rng.randrange(0x10000)
                    rng.choice([qt.writeb, qt.writew])(a, rng.randrange(1 << 16))
                    n["reg"] += 1
                elif k < 75:
                    rand_cmd()
                    n["cmd"] += 1
                elif k < 85:
                    rand_ring()
                    n["ring"] += 1
                elif k < 90:
                    # scribble on descriptors and the command buffer
                    a = rng.choice([dev.rings[(0, 0)]["rx"], dev.rings[(0, 0)]["tx"],
                                    dev.cmd_buf])
                    qt.memwrite(a + rng.randrange(0, 256),
                                bytes(rng.randrange(256) for _ in range(16)))
                    n["mem"] += 1
                elif k < 94:
                    # bus mastering and MSI-X on/off, table entries at odd places
                    c = rng.randrange(3)
                    if c == 0:
                        dev.cfg_write16(0x04, rng.choice([0x2, 0x6]))
                    elif c == 1:
                        ctl = dev.cfg_read16(dev.msix_cap + 2)
                        dev.cfg_write16(dev.msix_cap + 2, ctl ^ rng.choice([0x8000, 0x4000]))
                    else:
                        e = dev.msix_table + 16 * rng.randrange(64)
                        a = rng.choice([dev.MSI_AREA, rand_addr(), dev.bar0 + REG_CTRL])
                        qt.writel(e, a & 0xfffffffc)
                        qt.writel(e + 4, a >> 32)
                        qt.writel(e + 12, rng.randrange(2))
                    n["cfg"] += 1
                elif k < 97:
                    if rng.randrange(4) == 0:
                        dev.wr(REG_FAULT_INJECT, rng.randrange(16))
                    dev.wr(REG_CTRL, rng.choice([CTRL_ENABLE, CTRL_RESET, 0, 3, 0xff]))
                    if rng.randrange(2):
                        dev.reset_alloc()
                        dev.enable()
                        dev.port_up(0)
                    n["reg"] += 1
                else:
                    qt.clock_step(rng.randrange(1, 3000000))
                    n["clock"] += 1
            stop.set()
            th.join()
            note("operations: %r, frames sent meanwhile: %d" % (n, sent[0]))
            check(qt.alive(), "QEMU alive after the storm")
        subtest("%d s of random registers, commands, rings, DMA addresses, "
                "config, frames" % args.seconds, hammer)

        def recover():
            dev.setup_pci()                       # BARs, bus master, MSI-X back
            dev.wr(REG_CTRL, CTRL_RESET)
            eq(dev.rd(REG_STATUS), STATUS_READY, "READY after reset")
            eq(dev.rd(REG_ERR_CODE), 0, "error cleared by reset")
            dev.msi_clear_all()
            dev.reset_alloc()
            dev.enable()
            qt.host_drain(0)
            dev.port_up(0)
            time.sleep(0.3)                       # frames queued in the storm
            dev.rx_wait(64, timeout=0.5)
            n0 = dev.qrd(0, 0, Q_RX_HEAD)
            dev.rings[(0, 0)]["rx_seen"] = n0
            dev.rx_refill()
            f = frame_to(dev, tag=4242)
            qt.host_send(0, f)
            eq(dev.rx_wait(1), n0 + 1, "one more frame delivered")
            flags, ml, data = dev.rx_get()
            eq(data[ml:], f, "frame bytes after recovery")
            eq(dev.cmd(CMD_ECHO, b"abc")[1], bytes(b ^ 0xff for b in b"abc"),
               "ECHO after recovery")
            pid = dev.load(prog_verdict(PROG_XDP, 3))
            eq(dev.attach(0, HOOK_XDP, pid), 0, "attach XDP_TX")
            qt.host_send(0, f)
            eq(qt.host_recv(0), f, "XDP_TX after recovery")
            dev.wr(REG_IRQ_TEST, 3)
            check(dev.msi_take(3), "MSI-X after recovery")
        subtest("after CTRL_RESET: RX, commands, XDP_TX, MSI-X work", recover)

        def bus_reset():
            qt.qmp("system_reset")
            time.sleep(0.2)
            dev.setup_pci()
            dev.reset_alloc()
            dev.enable()
            dev.port_up(0)
            f = frame_to(dev, tag=1)
            qt.host_send(0, f)
            eq(dev.rx_wait(1), 1, "frame after system_reset")
            eq(dev.rx_get()[2][-len(f):], f, "bytes")
        subtest("after QMP system_reset: traffic", bus_reset)
        check_alive(qt)
    finally:
        stop.set()
        qt.close()


# ------------------------------------------------------------------- bench --

def bench(args):
    qt = QTest(args.qemu, machine="q35", n_ports=1)
    dev = Device(qt)
    try:
        dev.setup_pci()
        dev.enable()
        dev.port_up(0, ctrl=0)
        pid = dev.load(prog_verdict(PROG_XDP, 1))
        eq(dev.attach(0, HOOK_XDP, pid), 0, "attach")
        f = frame_to(dev, size=18)            # 60-byte frame
        s = qt.ports[0]["sock"]
        dst = qt.ports[0]["qemu"]
        n = args.packets
        t0 = time.perf_counter()
        for _ in range(n):
            s.sendto(f, dst)
        t_sent = time.perf_counter()
        last, last_t = -1, t_sent
        while True:
            time.sleep(0.05)
            _, ports = dev.stats()
            d = ports[0]["xdp_drop"]
            if d == last or d >= n:
                if d >= n:
                    last_t = time.perf_counter()
                last = d
                break
            last, last_t = d, time.perf_counter()
        drops = last
        el = last_t - t0
        note("sent %d frames in %.3f s (%.0f pps host send rate)" %
             (n, t_sent - t0, n / (t_sent - t0)))
        note("xdp_drop %d in %.3f s = %.0f pps dropped by the offloaded "
             "program; %d lost before the device (socket buffer)" %
             (drops, el, drops / el, n - drops))
        # sustained: a sender thread keeps QEMU's socket full for 3 s; the
        # counter is read after 0.5 s of warm-up and at the end
        stop = threading.Event()
        sent2 = [0]

        def sender():
            while not stop.is_set():
                for _ in range(256):
                    s.sendto(f, dst)
                sent2[0] += 256
        th = threading.Thread(target=sender, daemon=True)
        th.start()
        time.sleep(0.5)
        _, ports = dev.stats()
        d0, t0, s0 = ports[0]["xdp_drop"], time.perf_counter(), sent2[0]
        time.sleep(args.seconds_bench)
        _, ports = dev.stats()
        d1, t1, s1 = ports[0]["xdp_drop"], time.perf_counter(), sent2[0]
        stop.set()
        th.join()
        rate = (d1 - d0) / (t1 - t0)
        note("sustained: host offered %.0f pps, device dropped %d in %.2f s "
             "= %.0f pps (XDP_DROP on the device, QEMU saturated)" %
             ((s1 - s0) / (t1 - t0), d1 - d0, t1 - t0, rate))
        _, ports = dev.stats()
        note("prog_insns %d, prog_cycles %d" % (ports[0]["prog_insns"],
                                                ports[0]["prog_cycles"]))
        subtest("bench: XDP_DROP %.0f pps (burst of %d), %.0f pps sustained" %
                (drops / el, n, rate), lambda: check(drops > 0 and rate > 0, "drops"))
    finally:
        qt.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("qemu", help="QEMU binary, or a file holding its path")
    ap.add_argument("mode", choices=["datapath", "hostile", "bench", "hotplug"])
    ap.add_argument("--machine", default="q35", choices=["q35", "pc"])
    ap.add_argument("--seconds", type=int,
                    default=int(os.environ.get("NFPE_QTEST_SECONDS", "20")))
    ap.add_argument("--seed", type=int,
                    default=int(os.environ.get("NFPE_HOSTILE_SEED", "1")))
    ap.add_argument("--packets", type=int, default=100000)
    ap.add_argument("--seconds-bench", type=float, default=3.0)
    args = ap.parse_args()
    if not os.access(args.qemu, os.X_OK):
        with open(args.qemu) as fh:
            args.qemu = fh.read().strip()
    print("TAP version 13", flush=True)
    try:
        {"datapath": datapath, "hostile": hostile, "bench": bench,
         "hotplug": hotplug}[args.mode](args)
    except Exception:  # noqa: BLE001
        RESULTS.append(False)
        print("not ok %d - harness" % len(RESULTS))
        for line in traceback.format_exc().splitlines():
            print("# " + line)
    print("1..%d" % len(RESULTS), flush=True)
    return 0 if RESULTS and all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
