# SPDX-License-Identifier: GPL-2.0-or-later
"""nfpe_qtest: drive the nfp-ebpf QEMU device through QEMU's qtest protocol.

Python standard library only.  QEMU runs with ``-accel qtest`` (no guest
code at all); this module plays the guest: it speaks the qtest text
protocol on a UNIX socket (``readl``/``writel``, ``inl``/``outl``,
``b64read``/``b64write``, ``clock_step``), enumerates the device through the
PCI configuration ports 0xcf8/0xcfc, assigns its BARs, enables bus
mastering and MSI-X, and then drives it as a driver would (command buffer,
rings, program images) -- see include/nfpe/hw.h.

MSI-X: every vector's message address is a guest-RAM word (MSI_AREA + 4*v)
and its data 0x4e500000 | v.  The device's MSI-X write (msix_notify ->
a memory write through the device's bus-master address space) therefore
lands in RAM, where msi_take() finds it.  Masked vectors are checked
through the PBA.

The device's ports are QEMU ``-netdev dgram`` backends bound to 127.0.0.1:
a UDP datagram sent to the port's QEMU address is one Ethernet frame into
the device, and what the device transmits arrives on the test's socket.
A QMP monitor (second UNIX socket) serves ``system_reset``, ``set_link``
and ``query-status``.  Sockets and logs live in a temporary directory,
removed at the end unless NFPE_QTEST_KEEP is set.
"""

import base64
import json
import os
import select
import shutil
import socket
import struct
import subprocess
import tempfile
import time

# ---- hw.h ------------------------------------------------------------------

VENDOR, DEVICE = 0x1af4, 0x10f0
REG_ID, REG_ABI, REG_CTRL, REG_STATUS = 0x00, 0x04, 0x08, 0x0c
REG_ERR_CODE, REG_ERR_INFO, REG_ERR_COUNT, REG_ERR_ACK = 0x10, 0x14, 0x18, 0x1c
REG_CAP_OFF, REG_CAP_LEN, REG_SCRATCH, REG_IRQ_TEST = 0x20, 0x24, 0x28, 0x2c
REG_CMD_ADDR_LO, REG_CMD_ADDR_HI, REG_CMD_BUF_LEN = 0x30, 0x34, 0x38
REG_CMD_DOORBELL, REG_CMD_DONE, REG_IRQ_CAUSE = 0x3c, 0x40, 0x44
REG_NUM_PORTS, REG_FAULT_INJECT = 0x48, 0x4c
CTRL_ENABLE, CTRL_RESET = 1, 2
STATUS_READY, STATUS_ERROR, STATUS_CMD_BUSY = 1, 2, 4
IRQ_CMD_DONE, IRQ_LINK, IRQ_ERROR = 1, 2, 4
ID_MAGIC = 0x4e464545
MSIX_VECTORS = 64


def VEC_ARM(v):
    return 0x800 + 4 * v


def PORT_BASE(p):
    return 0x1000 + 0x400 * p


def QUEUE_BASE(p, q):
    return PORT_BASE(p) + 0x100 + 0x40 * q


PORT_CTRL, PORT_STATUS, PORT_MAC_LO, PORT_MAC_HI = 0x0, 0x4, 0x8, 0xc
PORT_MTU, PORT_IFINDEX, PORT_NUM_QUEUES = 0x10, 0x14, 0x18
PORT_CTRL_ENABLE, PORT_CTRL_PROMISC, PORT_CTRL_RX_META = 1, 2, 4
Q_TX_BASE_LO, Q_TX_BASE_HI, Q_TX_SIZE, Q_TX_TAIL = 0x00, 0x04, 0x08, 0x0c
Q_TX_HEAD, Q_TX_VECTOR = 0x10, 0x14
Q_RX_BASE_LO, Q_RX_BASE_HI, Q_RX_SIZE, Q_RX_TAIL = 0x20, 0x24, 0x28, 0x2c
Q_RX_HEAD, Q_RX_VECTOR, Q_IRQ_MOD_USECS, Q_IRQ_MOD_PKTS = 0x30, 0x34, 0x38, 0x3c
TXD_DONE, TXD_ERR = 1, 2
RXD_DONE, RXD_ERR = 1, 2
META_HASH, META_MARK, META_PORT, META_XDP = 1, 2, 3, 4

CMD_ECHO, CMD_LOAD_IMAGE, CMD_UNLOAD, CMD_ATTACH = 1, 2, 3, 4
CMD_MAP_ALLOC, CMD_MAP_FREE, CMD_MAP_LOOKUP, CMD_MAP_UPDATE = 5, 6, 7, 8
CMD_MAP_DELETE, CMD_MAP_GETNEXT, CMD_MAP_DUMP, CMD_STATS = 9, 10, 11, 12
CMD_PROG_STATS = 13
HOOK_XDP, HOOK_TC = 0, 1
MAP_ANY, MAP_NOEXIST, MAP_EXIST, MAP_FIRST = 0, 1, 2, 0x100
EPERM, ENOENT, EIO, E2BIG, ENOMEM, EFAULT = 1, 2, 5, 7, 12, 14
EBUSY, EEXIST, EINVAL, ENOSPC, EOPNOTSUPP = 16, 17, 22, 28, 95
ERR_BAD_REG, ERR_DMA_READ, ERR_DMA_WRITE, ERR_RING_CFG = 1, 2, 3, 4
ERR_RING_INDEX, ERR_CMD, ERR_TX_DESC = 5, 6, 7

PORT_COUNTERS = ["rx_packets", "rx_bytes", "rx_no_buffer", "rx_too_long",
                 "rx_dma_errors", "tx_packets", "tx_bytes", "tx_errors",
                 "xdp_aborted", "xdp_drop", "xdp_pass", "xdp_tx", "tc_ok",
                 "tc_shot", "tc_other", "prog_insns", "prog_cycles",
                 "prog_errors"]
DEV_COUNTERS = ["dev_errors", "dev_bad_register", "dev_bad_dma",
                "dev_bad_ring", "dev_bad_command", "dev_commands",
                "dev_resets", "dev_map_bytes_used"]
CAP_NAMES = {1: "abi", 2: "code_store", 3: "stack_size", 4: "pkt_headroom",
             5: "mtu_max", 6: "engines", 7: "map_types", 8: "max_maps",
             9: "max_key", 10: "max_value", 11: "max_entries",
             12: "map_memory", 13: "cores", 14: "threads", 15: "clock_mhz",
             16: "ports", 17: "queues", 18: "meta_types", 19: "insn_budget",
             20: "cmd_buf_max", 21: "max_progs", 22: "fault_inject"}

# ---- isa.h / image.h: hand-encoded programs --------------------------------

OP_IMMED, OP_EXIT, OP_CSRWR, OP_CSRRD, OP_ENG = 0x02, 0x73, 0xb1, 0xb0, 0xc0
OP_ST_PKT32 = 0x96
CSR_PKT_META, CSR_MARK = 0x02, 0x09
ENG_ADJ_META = 8
PROG_XDP, PROG_TC = 1, 2
RELOC_ENGINE = 2
IMAGE_MAGIC = 0x4550464e


def enc_r(op, d, a, b, imm):
    return op | d << 8 | a << 16 | b << 24 | (imm & 0xffffffff) << 32


def i_immed(d, imm):
    return enc_r(OP_IMMED, d, 0, 0, imm)


def i_exit(a):
    return enc_r(OP_EXIT, 0, a, 0, 0)


def image(prog_type, code, relocs=(), name=b"qtest"):
    """A program image (image.h): header, code, one MAIN entry, relocs."""
    n = len(code)
    code_off = 80
    entry_off = code_off + 8 * n
    map_off = entry_off + 8
    reloc_off = map_off
    total = reloc_off + 12 * len(relocs)
    hdr = struct.pack("<IHHIIIIIIIIIIIIII16s", IMAGE_MAGIC, 1, 0, 80, total,
                      prog_type, 0, 0, n, code_off, 1, entry_off, 0, map_off,
                      len(relocs), reloc_off, 0, name)
    assert len(hdr) == 80
    body = b"".join(struct.pack("<Q", w) for w in code)
    body += struct.pack("<II", 0, 1)
    body += b"".join(struct.pack("<III", *r) for r in relocs)
    return hdr + body


def prog_verdict(prog_type, verdict):
    return image(prog_type, [i_immed(0, verdict), i_exit(0)])


def prog_tc_mark(mark, verdict=0):
    return image(PROG_TC, [i_immed(1, mark), enc_r(OP_CSRWR, 0, 1, 0, CSR_MARK),
                           i_immed(0, verdict), i_exit(0)])


def prog_xdp_meta(w0, w1):
    """adjust_meta(-8), store two words in the metadata area, XDP_PASS."""
    code = [i_immed(2, -8),
            enc_r(OP_ENG, 4, 2, 0, ENG_ADJ_META),
            enc_r(OP_CSRRD, 6, 0, 0, CSR_PKT_META),
            i_immed(7, w0), enc_r(OP_ST_PKT32, 0, 6, 7, 0),
            i_immed(7, w1), enc_r(OP_ST_PKT32, 0, 6, 7, 4),
            i_immed(0, 2), i_exit(0)]
    return image(PROG_XDP, code, relocs=[(1, RELOC_ENGINE, ENG_ADJ_META)])


# ---- frames -----------------------------------------------------------------

def csum16(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def udp4_frame(dst_mac, src_ip, dst_ip, sport, dport, payload,
               src_mac=b"\x02\0\0\0\0\x99"):
    ip_len = 20 + 8 + len(payload)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, ip_len, 0, 0, 64, 17, 0,
                     socket.inet_aton(src_ip), socket.inet_aton(dst_ip))
    ip = ip[:10] + struct.pack("!H", csum16(ip)) + ip[12:]
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    return dst_mac + src_mac + b"\x08\x00" + ip + udp + payload


def parse_meta(buf, meta_len):
    """Parse the chained-nibble RX metadata; returns a dict or raises."""
    if meta_len < 4:
        raise ValueError("meta_len %d" % meta_len)
    types = struct.unpack_from("<I", buf, 0)[0]
    off, out, seen = 4, {"types": types}, set()
    while types & 0xf:
        t = types & 0xf
        types >>= 4
        if t in seen or t > META_XDP:
            raise ValueError("bad/repeated type %d" % t)
        seen.add(t)
        if t == META_HASH:
            out["hash"], out["hash_type"] = struct.unpack_from("<II", buf, off)
            off += 8
        elif t == META_MARK:
            out["mark"] = struct.unpack_from("<I", buf, off)[0]
            off += 4
        elif t == META_PORT:
            out["port"] = struct.unpack_from("<I", buf, off)[0]
            off += 4
        elif t == META_XDP:
            out["xdp_len"] = struct.unpack_from("<I", buf, off)[0]
            off += 4
        if off > meta_len:
            raise ValueError("chain past meta_len")
    if "xdp_len" in out:
        out["xdp"] = bytes(buf[off:off + out["xdp_len"]])
        off += out["xdp_len"]
    if off != meta_len:
        raise ValueError("meta ends at %d, meta_len %d" % (off, meta_len))
    return out


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---- qtest + QMP ------------------------------------------------------------

class QTestError(Exception):
    pass


class QTest:
    """One QEMU under -accel qtest, with n_ports dgram netdevs on 127.0.0.1."""

    def __init__(self, qemu, machine="q35", n_ports=1, device_props="",
                 mem_mb=256, extra_args=(), with_device=True):
        self.dir = tempfile.mkdtemp(prefix="nfpe-qtest.")
        qsock = os.path.join(self.dir, "qtest.sock")
        msock = os.path.join(self.dir, "qmp.sock")
        lq = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        lq.bind(qsock)
        lq.listen(1)
        lm = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        lm.bind(msock)
        lm.listen(1)
        self.ram_size = mem_mb << 20
        self.ports = []
        args = [qemu, "-machine", machine + ",accel=qtest", "-nodefaults",
                "-display", "none", "-m", "%dM" % mem_mb,
                "-qtest", "unix:" + qsock, "-qtest-log", "/dev/null",
                "-chardev", "socket,path=%s,id=qmp0" % msock,
                "-mon", "chardev=qmp0,mode=control"]
        props = []
        for p in range(n_ports):
            host = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            host.bind(("127.0.0.1", 0))
            host.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            qport = free_udp_port()
            self.ports.append({"sock": host, "qemu": ("127.0.0.1", qport)})
            args += ["-netdev",
                     "dgram,id=n%d,local.type=inet,local.host=127.0.0.1,"
                     "local.port=%d,remote.type=inet,remote.host=127.0.0.1,"
                     "remote.port=%d" % (p, qport, host.getsockname()[1])]
            props.append("%s=n%d" % ("netdev" if p == 0 else "netdev%d" % p, p))
        if with_device:
            args += ["-device", ",".join(["nfp-ebpf", "id=nfp0", "addr=04.0"] +
                                         props) + device_props]
        args += list(extra_args)
        self.args = args
        self.stderr = open(os.path.join(self.dir, "stderr.log"), "w+")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                     stdout=self.stderr, stderr=self.stderr)
        # NFPE_QTEST_START_TIMEOUT: QEMU under valgrind starts slowly
        start = float(os.environ.get("NFPE_QTEST_START_TIMEOUT", "30"))
        lq.settimeout(start)
        lm.settimeout(start)
        try:
            self.q, _ = lq.accept()
            self.m, _ = lm.accept()
        except socket.timeout:
            raise QTestError("QEMU did not connect: %s" % self.log_text())
        finally:
            lq.close()
            lm.close()
        self.q.settimeout(60)
        self.m.settimeout(60)
        self.qbuf = b""
        self.mbuf = b""
        self.events = []
        self.qmp_greeting = self._qmp_recv()
        self.qmp("qmp_capabilities")

    def log_text(self):
        self.stderr.flush()
        self.stderr.seek(0)
        return self.stderr.read()

    # -- qtest protocol
    def _line(self):
        while True:
            i = self.qbuf.find(b"\n")
            if i >= 0:
                line, self.qbuf = self.qbuf[:i], self.qbuf[i + 1:]
                if line.startswith(b"IRQ"):
                    continue
                return line.decode()
            d = self.q.recv(1 << 16)
            if not d:
                raise QTestError("qtest connection closed (QEMU died?): %s"
                                 % self.log_text())
            self.qbuf += d

    def cmd(self, text):
        self.q.sendall(text.encode() + b"\n")
        r = self._line()
        if not r.startswith("OK"):
            raise QTestError("qtest %r -> %r" % (text, r))
        return r[3:]

    def readl(self, a):
        return int(self.cmd("readl 0x%x" % a), 16)

    def writel(self, a, v):
        self.cmd("writel 0x%x 0x%x" % (a, v & 0xffffffff))

    def readb(self, a):
        return int(self.cmd("readb 0x%x" % a), 16)

    def writeb(self, a, v):
        self.cmd("writeb 0x%x 0x%x" % (a, v & 0xff))

    def writew(self, a, v):
        self.cmd("writew 0x%x 0x%x" % (a, v & 0xffff))

    def writeq(self, a, v):
        self.cmd("writeq 0x%x 0x%x" % (a, v & 0xffffffffffffffff))

    def inl(self, port):
        return int(self.cmd("inl 0x%x" % port), 16)

    def outl(self, port, v):
        self.cmd("outl 0x%x 0x%x" % (port, v & 0xffffffff))

    def memread(self, a, n):
        if n == 0:
            return b""
        return base64.b64decode(self.cmd("b64read 0x%x 0x%x" % (a, n)))

    def memwrite(self, a, data):
        if data:
            self.cmd("b64write 0x%x 0x%x %s" %
                     (a, len(data), base64.b64encode(data).decode()))

    def clock_step(self, ns=None):
        return int(self.cmd("clock_step" + ("" if ns is None else " %d" % ns)))

    # -- QMP
    def _qmp_recv(self):
        while True:
            i = self.mbuf.find(b"\n")
            if i >= 0:
                line, self.mbuf = self.mbuf[:i], self.mbuf[i + 1:]
                msg = json.loads(line)
                if "event" in msg:
                    self.events.append(msg)
                    continue
                return msg
            d = self.m.recv(1 << 16)
            if not d:
                raise QTestError("QMP closed: %s" % self.log_text())
            self.mbuf += d

    def qmp(self, command, **arguments):
        req = {"execute": command}
        if arguments:
            req["arguments"] = arguments
        self.m.sendall(json.dumps(req).encode() + b"\n")
        r = self._qmp_recv()
        if "error" in r:
            raise QTestError("QMP %s: %s" % (command, r["error"]))
        return r.get("return")

    def qmp_event_wait(self, name, timeout=10.0):
        """Wait for a QMP event (those that came with replies count too)."""
        end = time.time() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e["event"] == name:
                    return self.events.pop(i)
            left = end - time.time()
            if left <= 0:
                raise QTestError("no QMP event %s" % name)
            if select.select([self.m], [], [], left)[0]:
                d = self.m.recv(1 << 16)
                if not d:
                    raise QTestError("QMP closed: %s" % self.log_text())
                self.mbuf += d
                while b"\n" in self.mbuf:
                    line, self.mbuf = self.mbuf.split(b"\n", 1)
                    msg = json.loads(line)
                    if "event" in msg:
                        self.events.append(msg)

    def alive(self):
        return self.proc.poll() is None and \
            self.qmp("query-status")["status"] in ("running", "paused")

    def close(self):
        try:
            if self.proc.poll() is None:
                try:
                    self.qmp("quit")
                except (QTestError, OSError):
                    pass
                try:
                    self.proc.wait(60)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        finally:
            for p in self.ports:
                p["sock"].close()
            for s in (self.q, self.m):
                s.close()
            self.stderr.close()
            if not os.environ.get("NFPE_QTEST_KEEP"):
                shutil.rmtree(self.dir, ignore_errors=True)

    # -- host side of the ports
    def host_send(self, port, frame):
        self.ports[port]["sock"].sendto(frame, self.ports[port]["qemu"])

    def host_recv(self, port, timeout=5.0):
        s = self.ports[port]["sock"]
        r, _, _ = select.select([s], [], [], timeout)
        if not r:
            return None
        return s.recv(65536)

    def host_drain(self, port):
        s = self.ports[port]["sock"]
        n = 0
        while select.select([s], [], [], 0)[0]:
            s.recv(65536)
            n += 1
        return n


# ---- PCI + the device -------------------------------------------------------

class Device:
    """The guest side: PCI setup, MSI-X in RAM, commands, rings."""

    MSI_AREA = 0x00100000        # 64 words, one per vector
    MEM_BASE = 0x00200000        # bump allocator for rings, buffers, images

    def __init__(self, qt, slot=4, bar0=0xe0000000, bar2=0xe0100000):
        self.qt = qt
        self.devfn = slot << 3
        self.bar0 = bar0
        self.bar2 = bar2
        self.brk = self.MEM_BASE
        self.seq = 0
        self.cmd_buf = None
        self.cmd_len = 0
        self.rings = {}

    # -- configuration space through 0xcf8/0xcfc
    def _cf8(self, off):
        self.qt.outl(0xcf8, 0x80000000 | self.devfn << 8 | (off & 0xfc))

    def cfg_read32(self, off):
        self._cf8(off)
        return self.qt.inl(0xcfc)

    def cfg_write32(self, off, v):
        self._cf8(off)
        self.qt.outl(0xcfc, v)

    def cfg_read16(self, off):
        return (self.cfg_read32(off & ~3) >> (8 * (off & 2))) & 0xffff

    def cfg_write16(self, off, v):
        old = self.cfg_read32(off & ~3)
        sh = 8 * (off & 2)
        # writes of the other half's RW1C bits (status) must be zero
        keep = 0 if (off & ~3) == 0x04 else old & ~(0xffff << sh)
        self.cfg_write32(off & ~3, keep | (v & 0xffff) << sh)

    def find_cap(self, cap_id):
        p = self.cfg_read32(0x34) & 0xfc
        while p:
            hdr = self.cfg_read32(p)
            if hdr & 0xff == cap_id:
                return p
            p = (hdr >> 8) & 0xfc
        return None

    def setup_pci(self, bus_master=True, msix=True):
        ids = self.cfg_read32(0)
        if ids != (DEVICE << 16 | VENDOR):
            raise QTestError("no nfp-ebpf at 00:%02x.0 (id %08x)" %
                             (self.devfn >> 3, ids))
        self.cfg_write32(0x10, self.bar0)
        self.cfg_write32(0x18, self.bar2)
        cmd = 0x2 | (0x4 if bus_master else 0)       # MEM, BUS MASTER
        self.cfg_write16(0x04, cmd)
        self.msix_cap = self.find_cap(0x11)
        if self.msix_cap is None:
            raise QTestError("no MSI-X capability")
        table = self.cfg_read32(self.msix_cap + 4)
        pba = self.cfg_read32(self.msix_cap + 8)
        if table & 7 != 2 or pba & 7 != 2:
            raise QTestError("MSI-X table/PBA not in BAR2")
        self.msix_table = self.bar2 + (table & ~7)
        self.msix_pba = self.bar2 + (pba & ~7)
        self.n_vectors = (self.cfg_read16(self.msix_cap + 2) & 0x7ff) + 1
        if msix:
            self.setup_msix()

    def setup_msix(self):
        self.qt.memwrite(self.MSI_AREA, bytes(4 * MSIX_VECTORS))
        for v in range(self.n_vectors):
            e = self.msix_table + 16 * v
            self.qt.writel(e, self.MSI_AREA + 4 * v)
            self.qt.writel(e + 4, 0)
            self.qt.writel(e + 8, 0x4e500000 | v)
            self.qt.writel(e + 12, 0)                # unmasked
        ctl = self.cfg_read16(self.msix_cap + 2)
        self.cfg_write16(self.msix_cap + 2, (ctl | 0x8000) & ~0x4000)

    def msix_mask(self, v, masked):
        self.qt.writel(self.msix_table + 16 * v + 12, 1 if masked else 0)

    def msix_pending(self, v):
        return bool(self.qt.readl(self.msix_pba + 4 * (v // 32)) >> (v % 32) & 1)

    def msi_take(self, v):
        """True if vector v's message arrived since the last call."""
        a = self.MSI_AREA + 4 * v
        got = self.qt.readl(a)
        if got == 0:
            return False
        if got != 0x4e500000 | v:
            raise QTestError("vector %d: MSI data %08x" % (v, got))
        self.qt.writel(a, 0)
        return True

    def msi_clear_all(self):
        self.qt.memwrite(self.MSI_AREA, bytes(4 * MSIX_VECTORS))

    # -- guest memory
    def alloc(self, size, align=64):
        a = (self.brk + align - 1) & ~(align - 1)
        self.brk = a + size
        if self.brk > self.qt.ram_size:
            raise QTestError("test allocator out of guest RAM")
        self.qt.memwrite(a, bytes(size))
        return a

    def reset_alloc(self):
        self.brk = self.MEM_BASE

    # -- BAR0
    def rd(self, off):
        return self.qt.readl(self.bar0 + off)

    def wr(self, off, v):
        self.qt.writel(self.bar0 + off, v)

    def qrd(self, p, q, off):
        return self.rd(QUEUE_BASE(p, q) + off)

    def qwr(self, p, q, off, v):
        self.wr(QUEUE_BASE(p, q) + off, v)

    def caps(self):
        off, ln = self.rd(REG_CAP_OFF), self.rd(REG_CAP_LEN)
        raw = b"".join(struct.pack("<I", self.rd(off + i))
                       for i in range(0, ln, 4))
        caps, i = {}, 0
        while i + 4 <= len(raw):
            t, n = struct.unpack_from("<HH", raw, i)
            if t == 0:
                break
            v = raw[i + 4:i + 4 + n]
            caps[CAP_NAMES.get(t, t)] = int.from_bytes(v, "little")
            i += 4 + ((n + 3) & ~3)
        return caps

    def mac(self, p=0):
        lo, hi = self.rd(PORT_BASE(p) + PORT_MAC_LO), self.rd(PORT_BASE(p) + PORT_MAC_HI)
        return struct.pack("<IH", lo, hi & 0xffff)

    def enable(self, cmd_len=16384):
        self.cmd_buf = self.alloc(cmd_len)
        self.cmd_len = cmd_len
        self.wr(REG_CMD_ADDR_LO, self.cmd_buf & 0xffffffff)
        self.wr(REG_CMD_ADDR_HI, self.cmd_buf >> 32)
        self.wr(REG_CMD_BUF_LEN, cmd_len)
        self.wr(REG_CTRL, CTRL_ENABLE)

    # -- commands
    def cmd(self, op, payload=b""):
        """Run a command; returns (result, response payload)."""
        self.seq = (self.seq + 1) & 0xffffffff
        hdr = struct.pack("<HHIIiI12x", op, 0, 32 + len(payload), self.seq, 0, 0)
        self.qt.memwrite(self.cmd_buf, hdr + payload)
        self.wr(REG_CMD_DOORBELL, self.seq)
        if self.rd(REG_CMD_DONE) != self.seq:
            raise QTestError("command %d: CMD_DONE %d, seq %d" %
                             (op, self.rd(REG_CMD_DONE), self.seq))
        rhdr = self.qt.memread(self.cmd_buf, 32)
        result, rsp_len = struct.unpack_from("<iI", rhdr, 12)
        rsp = self.qt.memread(self.cmd_buf + 32, min(rsp_len, self.cmd_len - 32))
        self.wr(REG_IRQ_CAUSE, IRQ_CMD_DONE)
        return result, rsp

    def load(self, img):
        a = self.alloc(len(img), 8)
        self.qt.memwrite(a, img)
        r, rsp = self.cmd(CMD_LOAD_IMAGE, struct.pack("<QII", a, len(img), 0))
        prog_id, n, err_insn, reason = struct.unpack("<IIII", rsp[:16])
        if r:
            raise QTestError("LOAD_IMAGE: %d insn %d reason %d" %
                             (r, err_insn, reason))
        return prog_id

    def attach(self, port, hook, prog_id):
        return self.cmd(CMD_ATTACH, struct.pack("<IIII", port, hook, prog_id, 0))[0]

    def stats(self):
        r, rsp = self.cmd(CMD_STATS)
        if r:
            raise QTestError("STATS: %d" % r)
        n_ports, npc, ndc, _ = struct.unpack_from("<IIII", rsp, 0)
        vals = struct.unpack_from("<%dQ" % (ndc + n_ports * npc), rsp, 16)
        dev = dict(zip(DEV_COUNTERS, vals[:ndc]))
        ports = [dict(zip(PORT_COUNTERS, vals[ndc + p * npc:ndc + (p + 1) * npc]))
                 for p in range(n_ports)]
        return dev, ports

    def map_op(self, op, map_id, flags=0, count=0, data=b""):
        return self.cmd(op, struct.pack("<IIII", map_id, flags, count, 0) + data)

    # -- rings (one queue per port here; slot k's buffer is fixed)
    def port_up(self, p=0, q=0, size=64, buf_len=2048, ctrl=PORT_CTRL_RX_META,
                post=None, tx_vec=None, rx_vec=None):
        r = {"size": size, "buf_len": buf_len,
             "tx": self.alloc(16 * size, 16), "rx": self.alloc(16 * size, 16),
             "txbuf": self.alloc(buf_len * size), "rxbuf": self.alloc(buf_len * size),
             "tx_tail": 0, "rx_tail": 0, "rx_seen": 0,
             "tx_vec": 1 + 2 * (p * 4 + q) if tx_vec is None else tx_vec,
             "rx_vec": 2 + 2 * (p * 4 + q) if rx_vec is None else rx_vec}
        self.rings[(p, q)] = r
        descs = b"".join(struct.pack("<QHHBBH", r["rxbuf"] + i * buf_len,
                                     buf_len, 0, 0, 0, 0) for i in range(size))
        self.qt.memwrite(r["rx"], descs)
        self.qwr(p, q, Q_TX_BASE_LO, r["tx"] & 0xffffffff)
        self.qwr(p, q, Q_TX_BASE_HI, r["tx"] >> 32)
        self.qwr(p, q, Q_TX_SIZE, size)
        self.qwr(p, q, Q_RX_BASE_LO, r["rx"] & 0xffffffff)
        self.qwr(p, q, Q_RX_BASE_HI, r["rx"] >> 32)
        self.qwr(p, q, Q_RX_SIZE, size)
        self.qwr(p, q, Q_TX_VECTOR, r["tx_vec"])
        self.qwr(p, q, Q_RX_VECTOR, r["rx_vec"])
        r["rx_tail"] = size if post is None else post
        self.qwr(p, q, Q_RX_TAIL, r["rx_tail"])
        self.wr(PORT_BASE(p) + PORT_CTRL, PORT_CTRL_ENABLE | ctrl)
        return r

    def rx_wait(self, n, p=0, q=0, timeout=10.0):
        """Wait until RX_HEAD has advanced n past what was consumed."""
        r = self.rings[(p, q)]
        end = time.time() + timeout
        while True:
            head = self.qrd(p, q, Q_RX_HEAD)
            if (head - r["rx_seen"]) & 0xffffffff >= n:
                return head
            if time.time() > end:
                return head
            time.sleep(0.002)

    def rx_get(self, p=0, q=0):
        """Next completed RX buffer: (flags, meta_len, data bytes)."""
        r = self.rings[(p, q)]
        slot = r["rx_seen"] & (r["size"] - 1)
        d = self.qt.memread(r["rx"] + 16 * slot, 16)
        addr, buf_len, data_len, meta_len, flags, _ = struct.unpack("<QHHBBH", d)
        data = self.qt.memread(addr, data_len) if data_len else b""
        r["rx_seen"] += 1
        return flags, meta_len, data

    def rx_refill(self, p=0, q=0):
        """Give back every consumed buffer (descriptor reset, tail moved)."""
        r = self.rings[(p, q)]
        while (r["rx_tail"] - r["rx_seen"]) & 0xffffffff < r["size"]:
            slot = r["rx_tail"] & (r["size"] - 1)
            self.qt.memwrite(r["rx"] + 16 * slot,
                             struct.pack("<QHHBBH", r["rxbuf"] + slot * r["buf_len"],
                                         r["buf_len"], 0, 0, 0, 0))
            r["rx_tail"] += 1
        self.qwr(p, q, Q_RX_TAIL, r["rx_tail"] & 0xffffffff)

    def tx(self, frame, p=0, q=0):
        r = self.rings[(p, q)]
        slot = r["tx_tail"] & (r["size"] - 1)
        buf = r["txbuf"] + slot * r["buf_len"]
        self.qt.memwrite(buf, frame)
        self.qt.memwrite(r["tx"] + 16 * slot, struct.pack("<QHHI", buf, len(frame), 0, 0))
        r["tx_tail"] += 1
        self.qwr(p, q, Q_TX_TAIL, r["tx_tail"] & 0xffffffff)
        return slot

    def tx_flags(self, slot, p=0, q=0):
        r = self.rings[(p, q)]
        return struct.unpack("<H", self.qt.memread(r["tx"] + 16 * slot + 10, 2))[0]
