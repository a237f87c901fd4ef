#!/usr/bin/env python3
"""vm-bench: the VM benchmark (SPEC 8, issue 8).

    tests/bench/vm-bench.py BUILDDIR [--reps N] [--secs S] [--progs LIST] ...

Boots the test VM once (TCG, images/nfpe-vm, nfp-ebpf device with one
port on QEMU's l2tpv3 netdev, which reads up to 64 datagrams per main-loop
wake-up; --backend dgram: the dgram netdev, one datagram per wake-up; the
guest scenario tests/bench/guest/vm-bench.sh) and measures:

1. Packets per second through the device for each program (the objects of
   the offline engine benchmark) offloaded (ip link ... xdpoffload), the
   same object as native XDP in the guest (xdpdrv), and with no program.
   The host floods the port with nfpe-traffic (--send-for, sendmmsg) while
   the guest measures one window: frames the program ran on per second of
   guest time (offload: the device's xdp_* port counters; native: the
   driver's rxq*_xdp_* counters; no program: rx_packets).  Median of
   --reps windows per configuration, the repetitions interleaved.  For
   programs that pass the frames, also the rate delivered to the guest's
   stack (rx_packets) in both modes.
2. Map operations per second from the guest on an offloaded and on an
   ordinary map: bpftool (one process per operation) and mapops
   (tests/bench/vm-tools/mapops.c, libbpf).

Prints tables (text, Markdown-ready), writes them to BUILDDIR/bench-vm.txt
and everything measured to BUILDDIR/bench-vm.json, with the machine (CPU,
cores, load average before and after) and the commit.  During each window
the CPU time of QEMU's threads and of the senders is sampled from /proc
to show where the time goes.

Fails (status 1) if anything did not work: a program not offloaded or not
attached, no frames counted, program errors, a map operation failing, the
guest scenario failing.  It asserts nothing about speed.
"""
import argparse
import json
import os
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# name: (object in BUILDDIR, program, label, verdict on the benchmark frames)
PROGS = {
    "drop": ("tests/jit/xdp_drop_pass.bpf.o", "xdp_drop", "drop", "DROP"),
    "pass": ("tests/jit/xdp_drop_pass.bpf.o", "xdp_pass", "pass", "PASS"),
    "count": ("tests/jit/xdp_count.bpf.o", "xdp_count", "parse+count (array)", "PASS"),
    "macswap": ("tests/jit/xdp_macswap.bpf.o", "xdp_macswap", "MAC swap + TX", "TX"),
    "firewall": ("tests/jit/xdp_firewall.bpf.o", "xdp_firewall", "5-tuple firewall (hash)", "PASS"),
    "encap": ("tests/jit/xdp_encap.bpf.o", "xdp_encap", "encap (adjust_head)", "TX"),
    "lb": (None, "xdp_lb", "load balancer (hash+array)", "TX"),
    "loop": ("tests/jit/xdp_call_loop.bpf.o", "xdp_call_loop", "call + bounded loop", "mixed"),
}
DEFAULT_PROGS = "drop,pass,count,macswap,firewall,encap,lb"
# the load balancer object: the engine benchmark's (built with DPDK) or
# the same source built for this benchmark
LB_OBJS = ["tests/bench/bench-engines-lb.bpf.o", "tests/bench/vm-bench-lb.bpf.o"]
MODES = ["offload", "native", "none"]
# QEMU's thread names with -name debug-threads=on
MAIN_THREAD, VCPU_THREAD = "qemu:qemu-system-x86", "qemu:CPU 0/TCG"


def log(msg):
    sys.stderr.write("vm-bench: %s\n" % msg)
    sys.stderr.flush()


def die(msg):
    log("ERROR: " + msg)
    sys.exit(1)


def ninja_targets(builddir):
    r = subprocess.run(["ninja", "-C", builddir, "-t", "targets", "all"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return {line.split(":")[0] for line in r.stdout.splitlines()}


def build(builddir, files):
    """Build only what this benchmark needs (never a bare ninja: that
    would build every prerequisite, QEMU and the kernels included)."""
    known = ninja_targets(builddir)
    want = [f for f in files if f in known]
    if not want:
        return
    log("building: " + " ".join(want))
    if subprocess.call(["ninja", "-C", builddir] + want, stdout=sys.stderr) != 0:
        die("building %s failed" % " ".join(want))


def machine():
    model = "?"
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/loadavg") as fh:
        load = " ".join(fh.read().split()[:3])
    commit = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.strip()
    return {"cpu": model, "nproc": os.cpu_count(), "load_before": load, "commit": commit or "?",
            "kernel": os.uname().release, "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}


def find_qemu_pid(tx_port, backend):
    """QEMU's pid: the process whose command line has our port's netdev."""
    needle = ("srcport=%d," if backend == "l2tpv3" else "local.port=%d,") % tx_port
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % d, "rb") as fh:
                cmd = fh.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "qemu-system" in cmd and needle in cmd:
            return int(d)
    return None


def thread_cpu(pid):
    """{thread name: CPU seconds} of a process (threads of one name added)."""
    out = {}
    tick = os.sysconf("SC_CLK_TCK")
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return out
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as fh:
                st = fh.read()
        except OSError:
            continue
        name = st[st.index("(") + 1:st.rindex(")")]
        f = st[st.rindex(")") + 2:].split()
        out[name] = out.get(name, 0.0) + (int(f[11]) + int(f[12])) / tick
    return out


def proc_cpu(pid):
    try:
        with open("/proc/%d/stat" % pid) as fh:
            st = fh.read()
    except OSError:
        return 0.0
    f = st[st.rindex(")") + 2:].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


class Host:
    """Starts and stops the senders when the guest asks, samples CPU."""

    def __init__(self, a, traffic, ports_file):
        self.a, self.traffic, self.ports_file = a, traffic, ports_file
        self.ports = None
        self.sink = None
        self.senders = []
        self.qemu_pid = None
        self.sample0 = None
        self.last = {}
        self.perf = None
        self.perf_done = set()

    def _ports(self):
        if self.ports is None:
            with open(self.ports_file) as fh:
                self.ports = json.load(fh)["p0"]
            # frames the device or the guest transmits come back to this
            # port: bind it (never read: the kernel drops what overflows)
            # so they do not turn into ICMP port-unreachable traffic
            self.sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.sink.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            self.sink.bind(("127.0.0.1", self.ports["rx"]))
            self.qemu_pid = find_qemu_pid(self.ports["tx"], self.a.backend)
            if self.qemu_pid is None:
                log("warning: QEMU's process not found; no CPU figures")
        return self.ports

    def go(self, mode, prog):
        p = self._ports()
        self.stop()
        self.cur = (mode, prog)
        rate = self.a.rate / self.a.senders if self.a.rate else 0
        for i in range(self.a.senders):
            cmd = [self.traffic, "--to", "127.0.0.1:%d" % p["tx"], "--count", "64",
                   "--size", str(self.a.size), "--send-for", "600", "--batch", str(self.a.batch),
                   "--sport", str(4000 + i), "--timeout", "0"]
            if rate:
                cmd += ["--rate", "%g" % rate]
            if self.a.backend == "l2tpv3":
                cmd += ["--l2tpv3", p["l2tpv3"]]
            self.senders.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                                 text=True))

    def window(self):
        self.sample0 = (time.monotonic(), self._cpu())
        want = [tuple(x.split(":", 1)) for x in (self.a.perf or "").split(",") if x]
        if self.cur in want and self.cur not in self.perf_done and self.qemu_pid:
            if self.perf:
                self.perf.wait()
            self.perf_done.add(self.cur)
            out = os.path.join(self.a.builddir, "bench-vm.perf.data")
            if len(want) > 1:
                out = os.path.join(self.a.builddir, "bench-vm.perf.%s-%s.data" % self.cur)
            log("perf record -g on QEMU (%d) during %s %s -> %s" % (self.qemu_pid, self.cur[0], self.cur[1], out))
            self.perf = subprocess.Popen(["perf", "record", "-g", "-o", out, "-p", str(self.qemu_pid), "--",
                                          "sleep", "%g" % self.a.secs],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _cpu(self):
        c = {}
        if self.qemu_pid:
            for name, v in thread_cpu(self.qemu_pid).items():
                c["qemu:" + name] = v
        c["senders"] = sum(proc_cpu(s.pid) for s in self.senders)
        return c

    def stop(self):
        """Stop the senders; returns the offered rate and CPU shares."""
        res = {}
        if self.sample0:
            t0, c0 = self.sample0
            dt = time.monotonic() - t0
            c1 = self._cpu()
            res["cpu_pct"] = {k: round(100 * (c1.get(k, 0) - c0.get(k, 0)) / dt, 1) for k in c1 if dt > 0}
            self.sample0 = None
        sent = secs = 0.0
        for s in self.senders:
            s.send_signal(signal.SIGTERM)
        for s in self.senders:
            out, _ = s.communicate(timeout=30)
            m = re.search(r"sent (\d+) frames in ([\d.]+) s", out or "")
            if m:
                sent += int(m.group(1))
                secs = max(secs, float(m.group(2)))
            if s.returncode != 0:
                log("sender exited with status %d: %s" % (s.returncode, (out or "").strip()))
        if self.senders and secs > 0:
            res["offered_pps"] = round(sent / secs)
        self.senders = []
        self.last = res
        return res

    def close(self):
        self.stop()
        if self.perf:
            self.perf.wait()
        if self.sink:
            self.sink.close()


def kv(line):
    return dict(x.split("=", 1) for x in line.split()[1:] if "=" in x)


def median(xs):
    return statistics.median(xs) if xs else None


def fmt(v, nd=0):
    if v is None:
        return "n/a"
    return "{:,.{}f}".format(v, nd)


def geomean(xs):
    xs = [x for x in xs if x and x > 0]
    if not xs:
        return None
    p = 1.0
    for x in xs:
        p *= x
    return p ** (1.0 / len(xs))


def tables(a, mach, results, maps, progs, modes):
    L = []
    L.append("VM benchmark (tests/bench/vm-bench.py): packets/s through the nfp-ebpf device")
    L.append("command: %s" % " ".join(shlex.quote(x) for x in a.argv))
    L.append("machine: %s, %d CPUs, load average before %s, after %s; %s; commit %s; %s" % (
        mach["cpu"], mach["nproc"], mach["load_before"], mach.get("load_after", "?"), mach["kernel"],
        mach["commit"], mach["date"]))
    L.append("VM: TCG, 1 vCPU, project kernel; port on QEMU's %s netdev; %d-byte UDP frames from %d "
             "nfpe-traffic sender(s) (--send-for, --batch %d%s); median of %d window(s) of %g s each after "
             "%g s warm-up" % (
                 a.backend, a.size, a.senders, a.batch,
                 ", --rate %g" % a.rate if a.rate else ", as fast as possible", a.reps, a.secs, a.warm))
    L.append("CPU: share of one host core of QEMU's main-loop thread (the device's receive pipeline) and "
             "vCPU thread during the window; µs/frame = CPU time of all QEMU threads / frames counted")
    L.append("counted: offload = frames the offloaded program ran on (device xdp_* counters); native = "
             "frames the guest's XDP program ran on (driver rxq*_xdp_*); no program = frames given to "
             "the guest stack (rx_packets); per second of guest time")
    L.append("")

    def med(mode, prog, key="pps"):
        return median([float(r[key]) for r in results if r["mode"] == mode and r["prog"] == prog
                       and r.get(key) is not None])

    def cpu(mode, prog, name):
        return median([r["cpu_pct"].get(name, 0.0) for r in results
                       if r["mode"] == mode and r["prog"] == prog and "cpu_pct" in r])

    hdr = ["program", "verdict"]
    if "offload" in modes:
        hdr += ["offload pps"]
    if "native" in modes:
        hdr += ["native XDP pps"]
    if "offload" in modes and "native" in modes:
        hdr += ["offload/native"]
    hdr += ["offered pps (offload)" if "offload" in modes else "offered pps"]
    for m, short in (("offload", "offl."), ("native", "native")):
        if m in modes:
            hdr += ["QEMU main %% (%s)" % short, "vCPU %% (%s)" % short, "QEMU CPU µs/frame (%s)" % short]
    L.append("| " + " | ".join(hdr) + " |")
    L.append("| --- | --- |" + " ---: |" * (len(hdr) - 2))
    ratios = {}
    for p in progs:
        row = [PROGS[p][2], PROGS[p][3]]
        off, nat = med("offload", p), med("native", p)
        if "offload" in modes:
            row.append(fmt(off))
        if "native" in modes:
            row.append(fmt(nat))
        if "offload" in modes and "native" in modes:
            ratios[p] = off / nat if off and nat else None
            row.append(fmt(ratios[p], 2))
        row.append(fmt(med("offload" if "offload" in modes else "native", p, "offered_pps")))
        for m in ("offload", "native"):
            if m in modes:
                row += [fmt(cpu(m, p, MAIN_THREAD), 0), fmt(cpu(m, p, VCPU_THREAD), 0),
                        fmt(med(m, p, "qemu_us_per_frame"), 1)]
        L.append("| " + " | ".join(row) + " |")
    if "none" in modes:
        v = med("none", "-")
        L.append("")
        L.append("no program: %s pps to the guest stack (offered %s pps; QEMU main %s %%, vCPU %s %%, "
                 "QEMU CPU %s µs/frame)" % (
                     fmt(v), fmt(med("none", "-", "offered_pps")), fmt(cpu("none", "-", MAIN_THREAD)),
                     fmt(cpu("none", "-", VCPU_THREAD)), fmt(med("none", "-", "qemu_us_per_frame"), 1)))
    if ratios:
        g = geomean(list(ratios.values()))
        nonpass = [ratios[p] for p in progs if PROGS[p][3] != "PASS"]
        passing = [ratios[p] for p in progs if PROGS[p][3] == "PASS"]
        L.append("")
        L.append("geometric mean offload/native over %d programs: %s (goal >= 10: %s)" % (
            len(ratios), fmt(g, 2), "n/a" if g is None else ("met" if g >= 10 else "missed")))
        if nonpass and passing:
            L.append("  DROP/TX programs (%d; frames never reach the guest): %s; PASS programs (%d): %s" % (
                len(nonpass), fmt(geomean(nonpass), 2), len(passing), fmt(geomean(passing), 2)))
        cost = [med("native", p, "qemu_us_per_frame") / med("offload", p, "qemu_us_per_frame")
                for p in progs if med("native", p, "qemu_us_per_frame") and med("offload", p, "qemu_us_per_frame")]
        if cost:
            L.append("geometric mean of host CPU per frame, native/offload (the ratio on uncontended cores): %s"
                     % fmt(geomean(cost), 2))
        if nonpass and len(nonpass) != len(ratios):
            L.append("  over the %d programs whose frames never reach the guest (DROP/TX): %s" % (
                len(nonpass), fmt(geomean(nonpass), 2)))
    passp = [p for p in progs if PROGS[p][3] == "PASS"]
    if passp and ("offload" in modes or "native" in modes):
        # a PASS program's rate (above) is what it ran on; the guest's
        # stack may take fewer (the rest is dropped for want of RX buffers)
        L.append("")
        L.append("PASS programs: the rate the program ran at (as above) and the rate delivered to the guest's "
                 "stack (rx_packets), per second of guest time")
        L.append("")
        h = ["program"]
        for m in ("offload", "native"):
            if m in modes:
                h += ["%s: program pps" % m, "%s: to stack pps" % m]
        if "offload" in modes and "native" in modes:
            h += ["to stack offload/native"]
        L.append("| " + " | ".join(h) + " |")
        L.append("| --- |" + " ---: |" * (len(h) - 1))
        for p in passp:
            row = [PROGS[p][2]]
            for m in ("offload", "native"):
                if m in modes:
                    row += [fmt(med(m, p)), fmt(med(m, p, "stack_pps"))]
            if "offload" in modes and "native" in modes:
                so, sn = med("offload", p, "stack_pps"), med("native", p, "stack_pps")
                row.append(fmt(so / sn if so and sn else None, 2))
            L.append("| " + " | ".join(row) + " |")
    if maps:
        L.append("")
        L.append("Map operations per second from the guest (%g s per figure)" % a.map_secs)
        L.append("")
        L.append("| tool | map | operation | offloaded ops/s | host map ops/s | host/offloaded |")
        L.append("| --- | --- | --- | ---: | ---: | ---: |")
        keys = []
        for m in maps:
            k = (m["tool"], m["map"], m["op"])
            if k not in keys:
                keys.append(k)
        for k in keys:
            v = {m["kind"]: float(m["ops_per_s"]) for m in maps if (m["tool"], m["map"], m["op"]) == k}
            o, h = v.get("offloaded"), v.get("host")
            L.append("| %s | %s | %s | %s | %s | %s |" % (k[0], k[1], k[2], fmt(o, 1), fmt(h, 1),
                                                          fmt(h / o if o and h else None, 1)))
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("builddir")
    ap.add_argument("--reps", type=int, default=3, help="windows per configuration (median; default 3)")
    ap.add_argument("--secs", type=float, default=2.0, help="seconds per window (default 2)")
    ap.add_argument("--warm", type=float, default=0.5, help="seconds of traffic before a window (default 0.5)")
    ap.add_argument("--progs", default=DEFAULT_PROGS, help="comma list of %s (default %s)" % (
        ",".join(PROGS), DEFAULT_PROGS))
    ap.add_argument("--modes", default=",".join(MODES), help="comma list of offload,native,none")
    ap.add_argument("--map-secs", type=float, default=2.0,
                    help="seconds per map operation figure (0: no map benchmark; default 2)")
    ap.add_argument("--size", type=int, default=64, help="frame size (default 64)")
    ap.add_argument("--senders", type=int, default=1, help="nfpe-traffic processes (default 1)")
    ap.add_argument("--batch", type=int, default=32, help="frames per sendmmsg (default 32)")
    ap.add_argument("--rate", type=float, default=0, help="total offered pps (default 0: as fast as possible)")
    ap.add_argument("--backend", default="l2tpv3", choices=["l2tpv3", "dgram"],
                    help="QEMU netdev of the port (images/nfpe-vm --netdev-backend): l2tpv3 (default; "
                         "recvmmsg, up to 64 frames per wake-up) or dgram (one frame per wake-up)")
    ap.add_argument("--perf", metavar="MODE:PROG[,...]",
                    help="perf record -g QEMU during the first window of MODE:PROG (BUILDDIR/bench-vm.perf.data; "
                         "with more than one: bench-vm.perf.MODE-PROG.data)")
    ap.add_argument("--out", help="text tables (default BUILDDIR/bench-vm.txt)")
    ap.add_argument("--json", help="everything measured (default BUILDDIR/bench-vm.json)")
    ap.add_argument("--no-build", action="store_true", help="do not run ninja for the prerequisites")
    ap.add_argument("--verbose", "-v", action="store_true", help="copy the guest console to stderr")
    a = ap.parse_args()
    a.argv = [os.path.relpath(sys.argv[0]) if sys.argv[0].startswith(REPO) else sys.argv[0]] + sys.argv[1:]
    a.builddir = os.path.abspath(a.builddir)
    B = a.builddir
    progs = [p for p in a.progs.split(",") if p]
    modes = [m for m in a.modes.split(",") if m]
    for p in progs:
        if p not in PROGS:
            ap.error("unknown program %r (%s)" % (p, ",".join(PROGS)))
    for m in modes:
        if m not in MODES:
            ap.error("unknown mode %r (%s)" % (m, ",".join(MODES)))
    if a.reps < 1 or a.secs <= 0 or a.warm < 0 or a.senders < 1 or not 1 <= a.batch <= 1024:
        ap.error("need --reps >= 1, --secs > 0, --warm >= 0, --senders >= 1, --batch 1..1024")
    if not os.path.isdir(B):
        die("no build directory %s" % B)
    out_txt = a.out or os.path.join(B, "bench-vm.txt")
    out_json = a.json or os.path.join(B, "bench-vm.json")

    ko = "tests/driver/nfp_ebpf.ko"
    traffic = "tools/nfpe-traffic/nfpe-traffic"
    mapops = "tests/bench/vm-bench-mapops"
    objs = sorted({PROGS[p][0] for p in progs if PROGS[p][0]})
    if not a.no_build:
        known = ninja_targets(B)
        lb = [o for o in LB_OBJS if o in known][:1]
        # QEMU too (a second when it is current): a build from before
        # --enable-l2tpv3 has no l2tpv3 netdev
        build(B, ["qemu-system-x86_64.path", traffic, mapops] + objs + lb)
        # the module straight against the built guest kernel: the ninja
        # target would first re-check (or rebuild) the shared kernel tree
        log("building nfp_ebpf.ko against %s/images/kernel-default" % B)
        if subprocess.call([os.path.join(REPO, "tests/driver/build-project.sh"), REPO, B,
                            os.path.join(B, ko)], stdout=sys.stderr) != 0:
            die("building nfp_ebpf.ko failed (is the guest kernel built? images/build-kernel.sh %s)" % B)
    lb = next((o for o in LB_OBJS if os.path.exists(os.path.join(B, o))), None)
    need = [ko, traffic, mapops] + objs
    if "lb" in progs:
        if not lb:
            die("no load-balancer object (%s) in %s" % (" or ".join(LB_OBJS), B))
        need.append(lb)
    for f in need:
        if not os.path.exists(os.path.join(B, f)):
            die("missing %s (build it: ninja -C %s %s)" % (os.path.join(B, f), B, f))
    ethtool = next((p for p in ("/usr/sbin/ethtool", "/sbin/ethtool") if os.access(p, os.X_OK)), None)
    if not ethtool:
        die("no ethtool on the host (apt-get install ethtool): the guest reads the device counters with it")

    guest = os.path.join(HERE, "guest")
    add = [os.path.join(B, ko) + ":/nfpe/extra/nfp_ebpf.ko",
           os.path.join(REPO, "tests/driver/guest/drvlib.sh") + ":/nfpe/tests/drvlib.sh",
           os.path.join(REPO, "tests/offload/guest/offlib.sh") + ":/nfpe/tests/offlib.sh",
           os.path.join(guest, "vm-bench.sh") + ":/nfpe/tests/vm-bench.sh",
           os.path.join(B, mapops) + ":/nfpe/extra/mapops",
           ethtool + ":/usr/sbin/ethtool"]
    for o in objs:
        add.append(os.path.join(B, o) + ":/nfpe/extra/" + os.path.basename(o))
    if "lb" in progs:
        add.append(os.path.join(B, lb) + ":/nfpe/extra/vm-bench-lb.bpf.o")

    n_cfg = len(progs) * len([m for m in modes if m != "none"]) + (1 if "none" in modes else 0)
    budget = 60 + n_cfg * a.reps * (a.secs + a.warm + 15) + (40 * a.map_secs + 60 if a.map_secs else 0)
    tmp = tempfile.mkdtemp(prefix="vm-bench.")
    ports_file = os.path.join(tmp, "ports.json")
    console = os.path.join(B, "bench-vm.console.log")
    cmd = [sys.executable, os.path.join(REPO, "images", "nfpe-vm"), "-B", B, "--require-project-qemu",
           "--nfp-ports", "1", "--netdev-backend", a.backend, "--scenario", "vm-bench", "--ports-file", ports_file,
           "--timeout", "%d" % budget, "--log", console,
           "--param", "bench=" + ",".join(progs), "--param", "modes=" + ",".join(modes),
           "--param", "reps=%d" % a.reps, "--param", "secs=%d" % round(a.secs * 100),
           "--param", "warm=%d" % round(a.warm * 100),
           "--param", "mapcs=%d" % round(a.map_secs * 100),
           "--param", "loglevel=4",
           # name QEMU's threads (main loop, "CPU 0/TCG") for the CPU figures
           "--qemu-arg=-name", "--qemu-arg=nfpe-bench,debug-threads=on"]
    for f in add:
        cmd += ["--add", f]
    mach = machine()
    log("machine: %s, %d CPUs, load %s; %d configurations x %d windows, budget %d s" % (
        mach["cpu"], mach["nproc"], mach["load_before"], n_cfg, a.reps, budget))
    log("console log: " + console)
    host = Host(a, os.path.join(B, traffic), ports_file)
    results, maps, errors = [], [], []
    guest_lines = []
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True,
                            errors="replace", start_new_session=True)
    try:
        for line in proc.stdout:
            s = line.strip()
            if a.verbose:
                sys.stderr.write(line)
            if s.startswith("NFPE-BENCH-GO "):
                _, mode, prog, rep = s.split()
                host.go(mode, prog)
                log("%s %s window %s" % (mode, prog, rep))
            elif s == "NFPE-BENCH-WINDOW":
                host.window()
            elif s == "NFPE-BENCH-STOP":
                host.stop()
            elif s.startswith("NFPE-BENCH-RESULT "):
                r = kv(s)
                r.update(host.last)
                try:
                    for k in ("frames", "cs", "pps", "insns", "prog_errors", "stack_rx", "rep"):
                        r[k] = int(r[k])
                except (KeyError, ValueError):
                    errors.append("malformed result line: " + s)
                    continue
                # host CPU time of all QEMU threads per frame counted: what
                # the rate would be on an uncontended core (1e6 / this)
                qemu_pct = sum(v for k, v in r.get("cpu_pct", {}).items() if k.startswith("qemu:"))
                if r["pps"] > 0 and qemu_pct > 0:
                    r["qemu_us_per_frame"] = round(qemu_pct / 100 / r["pps"] * 1e6, 2)
                r["stack_pps"] = round(r["stack_rx"] * 100 / r["cs"]) if r["cs"] > 0 else None
                results.append(r)
                log("  %s pps (offered %s pps) %s" % (fmt(r["pps"]), fmt(r.get("offered_pps")),
                                                      " ".join("%s %s%%" % (k, v) for k, v in
                                                               sorted(r.get("cpu_pct", {}).items()))))
            elif s.startswith("NFPE-BENCH-MAP "):
                m = kv(s)
                maps.append(m)
                log("  %s %s %s %s: %s ops/s" % (m["tool"], m["kind"], m["map"], m["op"], m["ops_per_s"]))
            elif s.startswith("NFPE-BENCH-ERROR"):
                errors.append(s[len("NFPE-BENCH-ERROR"):].strip())
                log("guest: " + s)
            elif s.startswith(("not ok ", "# guest:")) or "mapops:" in s:
                log("guest: " + s)
                guest_lines.append(s)
        rc = proc.wait()
    finally:
        host.close()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
        for f in os.listdir(tmp):
            os.unlink(os.path.join(tmp, f))
        os.rmdir(tmp)
    with open("/proc/loadavg") as fh:
        mach["load_after"] = " ".join(fh.read().split()[:3])
    mach["guest"] = next((s[len("# guest:"):].strip() for s in guest_lines if s.startswith("# guest:")), "?")
    elapsed = time.monotonic() - t0

    # every configuration must have its windows, every figure non-zero
    for rep in range(1, a.reps + 1):
        for m in modes:
            for p in (progs if m != "none" else ["-"]):
                if not any(r["mode"] == m and r["prog"] == p and r["rep"] == rep for r in results):
                    errors.append("no result for %s %s window %d" % (m, p, rep))
    errors += ["%s %s: 0 frames counted" % (r["mode"], r["prog"]) for r in results if r["pps"] <= 0]
    if a.map_secs and not maps:
        errors.append("no map operation figures")
    if rc != 0:
        errors.append("the guest scenario or the VM failed (nfpe-vm status %d; console log %s)" % (rc, console))

    text = tables(a, mach, results, maps, progs, modes)
    text += "\nwhole run %.0f s\n" % elapsed
    if errors:
        text += "\nINVALID RUN:\n" + "".join("  %s\n" % e for e in errors)
    sys.stdout.write(text)
    with open(out_txt, "w") as fh:
        fh.write(text)
    with open(out_json, "w") as fh:
        json.dump({"machine": mach, "params": {k: v for k, v in vars(a).items()}, "results": results,
                   "maps": maps, "errors": errors, "seconds": round(elapsed, 1)}, fh, indent=1)
    log("wrote %s and %s" % (out_txt, out_json))
    if errors:
        for e in errors:
            log("ERROR: " + e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
