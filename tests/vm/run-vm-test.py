#!/usr/bin/env python3
"""Run one VM scenario and report it as TAP (a meson test in suite "vm").

    run-vm-test.py --builddir B --scenario NAME [--kernel default|kasan|stock]
                   [--virtio N] [--nfp-ports N] [--kunit] [--param K=V]...
                   [--traffic-tool PATH --frames N] [--host-cmd CMD]
                   [--host-phase NAME=CMD]... [--nfp-opts K=V,...]
                   [--expect-failure TEXT]

Boots the VM with images/nfpe-vm (the project's QEMU at
B/qemu/qemu-system-x86_64 unless NFPE_QEMU names another; missing: the test
FAILS), writes the console to B/tests/vm/logs/<name>.console.log, parses the
guest's KTAP, the KUnit KTAP and the guest dmesg (tests/vm/ktap.py) and
prints one TAP line per result.  Exit status 1 if anything failed.  Each
host command is a result of its own: host.traffic for --host-cmd (and
--traffic-tool), host.NAME for --host-phase NAME=CMD (run when the guest
prints "NFPE-READY NAME"; images/nfpe-vm).

--expect-failure TEXT inverts the verdict for harness self-tests: the run
passes only if it fails with a message containing TEXT.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import ktap  # noqa: E402

# "nfpe-vm: host: ..." (--host-cmd) or "nfpe-vm: host[PHASE]: ..." (--host-phase)
HOST_RE = re.compile(r"^nfpe-vm: host(?:\[([^\]]+)\])?: (.*)$")


def bail(msg):
    # TAP "Bail out!" makes meson report the test as failed with this message
    print("TAP version 13")
    print("Bail out! " + msg)
    sys.stderr.write("run-vm-test: %s\n" % msg)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--builddir", "-B", required=True)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--name", help="test name for the log file (default: the scenario)")
    ap.add_argument("--kernel", default="default")
    ap.add_argument("--virtio", type=int, default=0)
    ap.add_argument("--nfp-ports", type=int, default=0)
    ap.add_argument("--nfp-opts", default="", help="extra ,key=value properties of the nfp-ebpf device, "
                    "e.g. fault-inject=on (images/nfpe-vm --nfp-opts)")
    ap.add_argument("--nfp-wire", action="store_true", help="cable nfp-ebpf ports 0 and 1 (images/nfpe-vm --nfp-wire)")
    ap.add_argument("--netdev-backend", help="passed to the launcher (images/nfpe-vm --netdev-backend)")
    ap.add_argument("--kunit", action="store_true", help="run the built-in KUnit suites (kunit.enable=1); require their results")
    ap.add_argument("--param", action="append", default=[])
    ap.add_argument("--append", default="")
    ap.add_argument("--add", action="append", default=[], help="file for the guest (HOST[:GUEST])")
    ap.add_argument("--traffic-tool", help="nfpe-traffic binary: run it against virtio port v0 (or nfp port p0)")
    ap.add_argument("--frames", type=int, default=1000)
    ap.add_argument("--frame-size", type=int, default=128)
    ap.add_argument("--host-cmd", help="explicit host command (see images/nfpe-vm)")
    ap.add_argument("--host-phase", action="append", default=[], metavar="NAME=CMD",
                    help="host command for the guest's 'NFPE-READY NAME' (repeatable; images/nfpe-vm)")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--memory", default=None)
    ap.add_argument("--smp", type=int, default=None)
    ap.add_argument("--expect-failure", metavar="TEXT")
    ap.add_argument("--launcher", default=os.path.join(REPO, "images", "nfpe-vm"))
    ap.add_argument("--qemu-arg", action="append", default=[], help="extra QEMU argument (repeatable; passed to the launcher)")
    a = ap.parse_args()

    builddir = os.path.abspath(a.builddir)
    name = a.name or a.scenario
    qemu = os.environ.get("NFPE_QEMU") or os.path.join(builddir, "qemu", "qemu-system-x86_64")
    if not os.access(qemu, os.X_OK):
        bail("QEMU binary missing: %s (build the 'qemu' target: ninja -C %s qemu, "
             "or qemu-dev/build-qemu.sh %s; NFPE_QEMU=PATH overrides)" % (qemu, builddir, builddir))
    if a.kernel == "kasan":
        # Built here, not as a meson dependency: meson puts every test's
        # dependencies into the default `ninja` target, and the KASAN
        # kernel (~18 min cold) is only for the slow suite.  Cached.
        r = subprocess.run([os.path.join(REPO, "images", "build-kernel.sh"), builddir,
                            "--variant", "kasan"], stdout=sys.stderr)
        if r.returncode != 0:
            bail("building the KASAN kernel failed (images/build-kernel.sh %s --variant kasan)"
                 % builddir)
    if a.kernel in ("default", "kasan"):
        k = os.path.join(builddir, "images", "bzImage-" + a.kernel)
        if not os.path.exists(k):
            bail("guest kernel missing: %s (images/build-kernel.sh %s%s)" % (
                k, builddir, " --variant kasan" if a.kernel == "kasan" else ""))

    logdir = os.path.join(builddir, "tests", "vm", "logs")
    os.makedirs(logdir, exist_ok=True)
    logfile = os.path.join(logdir, name + ".console.log")

    cmd = [sys.executable, a.launcher, "-B", builddir, "--qemu", qemu, "--kernel", a.kernel,
           "--scenario", a.scenario, "--timeout", str(a.timeout), "--log", logfile, "--quiet"]
    if a.virtio:
        cmd += ["--virtio", str(a.virtio)]
    if a.nfp_ports:
        cmd += ["--nfp-ports", str(a.nfp_ports)]
    if a.nfp_opts:
        cmd += ["--nfp-opts", a.nfp_opts]
    if a.nfp_wire:
        cmd += ["--nfp-wire"]
    if a.netdev_backend:
        cmd += ["--netdev-backend", a.netdev_backend]
    if a.memory:
        cmd += ["--memory", a.memory]
    if a.smp:
        cmd += ["--smp", str(a.smp)]
    params = list(a.param)
    append = a.append
    if a.kunit:
        append = (append + " kunit.enable=1").strip()
    host_cmd = a.host_cmd
    if a.traffic_tool:
        port = "V0" if a.virtio else "P0"
        params.append("frames=%d" % a.frames)
        params.append("frame_size=%d" % a.frame_size)
        # Frames in flight must fit QEMU's host socket buffers (~208 KiB
        # by default) or the host drops them before they reach the guest:
        # at most 64 KiB of frames outstanding, at most 32 frames.
        window = max(1, min(32, 65536 // max(1, a.frame_size)))
        host_cmd = ("%s --to 127.0.0.1:$NFPE_%s_TX --bind 127.0.0.1:$NFPE_%s_RX --count %d --size %d "
                    "--expect-echo --window %d --timeout 20" % (
                        shlex.quote(os.path.abspath(a.traffic_tool)), port, port, a.frames, a.frame_size,
                        window))
    for p in params:
        cmd += ["--param", p]
    if append:
        cmd += ["--append", append]
    if host_cmd:
        cmd += ["--host-cmd", host_cmd]
    for ph in a.host_phase:
        cmd += ["--host-phase", ph]
    for f in a.add:
        cmd += ["--add", f]
    for q in a.qemu_arg:
        cmd += ["--qemu-arg=" + q]

    sys.stderr.write("run-vm-test: %s\nrun-vm-test: console log: %s\n" % (
        " ".join(shlex.quote(c) for c in cmd), logfile))
    t0 = time.monotonic()
    rc = subprocess.call(cmd, stdout=sys.stderr)
    elapsed = time.monotonic() - t0
    try:
        with open(logfile, errors="replace") as fh:
            text = fh.read()
    except OSError:
        bail("the launcher wrote no console log (status %d)" % rc)

    rep = ktap.evaluate(text, kunit="require" if a.kunit else "allow")
    # each host command's own result
    phases = ([""] if host_cmd else []) + [ph.partition("=")[0] for ph in a.host_phase]
    hmatch = [m for m in map(HOST_RE.match, text.splitlines()) if m]
    for phase in phases:
        tname = "host." + (phase or "traffic")
        ready = "NFPE-READY" + (" " + phase if phase else "")
        hlines = [m.group(2) for m in hmatch if (m.group(1) or "") == phase]
        st = [l for l in hlines if l.startswith("exit status ")]
        if not st:
            rep.add(tname, False, "host command did not run or finish (guest never printed %s?)" % ready, hlines)
            continue
        code = int(st[-1].split()[-1])
        out = [l for l in hlines if not l.startswith(("running:", "exit status "))]
        msg = next((l for l in reversed(out) if l.strip() and l.strip() not in ("PASS", "FAIL")), "")
        rep.add(tname, code == 0, msg if code else "", out)
        for l in out:
            if l.startswith("sent "):
                sys.stderr.write("run-vm-test: %s: %s\n" % (tname, l))
    if rc in (124, 125, 126) and not rep.failed:
        rep.add("launcher", False, "launcher status %d" % rc)
    m = re.search(r"nfpe-vm: scenario started ([\d.]+) s after QEMU start", text)
    if m:
        sys.stderr.write("run-vm-test: boot-to-first-test %s s, whole run %.1f s\n" % (m.group(1), elapsed))

    if a.expect_failure:
        failures = rep.failed
        hit = [f for f in failures if a.expect_failure in f[2] or any(a.expect_failure in d for d in f[3])]
        print("TAP version 13")
        print("1..2")
        print("%s 1 vm-run-fails" % ("ok" if failures else "not ok"))
        if hit:
            print("ok 2 failure-carries-guest-message # reported as: %s: %s" % (hit[0][0], hit[0][2]))
        else:
            print("not ok 2 failure-carries-guest-message # no failure mentions %r" % a.expect_failure)
            sys.stdout.write("".join("#   %s: %s\n" % (f[0], f[2]) for f in failures))
        return 0 if failures and hit else 1

    sys.stdout.write(rep.tap())
    for fname, ok, msg, diag, _ in rep.failed:
        sys.stderr.write("run-vm-test: FAIL %s: %s\n" % (fname, msg))
    if rep.failed:
        sys.stderr.write("run-vm-test: console log: %s\n" % logfile)
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main())
