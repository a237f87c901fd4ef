#!/usr/bin/env python3
"""Build the nfp-ebpf guest initramfs (gzip newc cpio), without root.

    build-initramfs.sh BUILDDIR [--output FILE] [--add HOST[:GUEST]]...
                       [--stock-modules KVER] [--force]

Contents: busybox-static (with applet links), ip and tc from iproute2,
bpftool, ethtool, the shared libraries they need (found with ldd), /init
(images/initramfs/init), the guest test scripts (tests/vm/guest/ ->
/nfpe/tests/), and extra files given with --add (default guest directory
/nfpe/extra/; e.g. the driver module or BPF objects).

--stock-modules KVER adds the modules listed in images/initramfs/stock-modules.list
(and what they depend on, per /lib/modules/KVER/modules.dep) for booting the
stock Debian kernel; /init loads them in order from /nfpe/modules.list.

Default output: BUILDDIR/images/initramfs.cpio.gz.  The archive is rebuilt
only when its file list or the content of a file in it changes.
"""
import argparse
import hashlib
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import mkcpio  # noqa: E402

BINARIES = {
    # guest path: candidates on the host
    "/usr/sbin/ip": ["/usr/bin/ip", "/bin/ip", "/sbin/ip", "/usr/sbin/ip"],
    "/usr/sbin/tc": ["/usr/sbin/tc", "/sbin/tc"],
    "/usr/sbin/bpftool": ["/usr/sbin/bpftool"],
    "/usr/sbin/ethtool": ["/usr/sbin/ethtool", "/sbin/ethtool"],
}
PACKAGES = "busybox-static iproute2 bpftool ethtool"
# applets we never link because the real tools are installed
NO_APPLET = {"ip", "tc", "ethtool", "init", "linuxrc"}


def die(msg):
    sys.stderr.write("build-initramfs: %s\n" % msg)
    sys.exit(1)


def find(cands):
    for c in cands:
        if os.path.exists(c):
            return os.path.realpath(c)
    return None


def ldd_libs(path):
    try:
        out = subprocess.run(["ldd", path], capture_output=True, text=True).stdout
    except FileNotFoundError:
        die("ldd not found")
    libs = []
    for line in out.splitlines():
        m = re.search(r"=>\s+(/\S+)", line) or re.match(r"\s*(/\S+)\s+\(", line)
        if m:
            libs.append(m.group(1))
    return libs


def resolve_modules(kver, wanted):
    base = "/lib/modules/%s" % kver
    deps = {}
    with open(os.path.join(base, "modules.dep")) as fh:
        for line in fh:
            mod, _, rest = line.partition(":")
            deps[mod.strip()] = rest.split()
    builtin = set()
    try:
        with open(os.path.join(base, "modules.builtin")) as fh:
            builtin = {os.path.basename(l.strip()) for l in fh}
    except OSError:
        pass
    byname = {}
    for mod in deps:
        name = os.path.basename(mod)
        name = re.sub(r"\.ko(\.\w+)?$", "", name).replace("-", "_")
        byname[name] = mod
    order = []

    def visit(mod):
        if mod in order:
            return
        for d in deps.get(mod, []):
            visit(d)
        order.append(mod)

    for w in wanted:
        key = w.replace("-", "_")
        if key in byname:
            visit(byname[key])
        elif any(re.sub(r"\.ko.*$", "", b).replace("-", "_") == key for b in builtin):
            continue
        else:
            sys.stderr.write("build-initramfs: warning: module %s not found for %s\n" % (w, kver))
    return base, order


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("builddir")
    ap.add_argument("--output", "-o")
    ap.add_argument("--add", action="append", default=[], metavar="HOST[:GUEST]")
    ap.add_argument("--stock-modules", metavar="KVER")
    ap.add_argument("--tests-dir", default=os.path.join(REPO, "tests", "vm", "guest"))
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()

    out = a.output or os.path.join(a.builddir, "images", "initramfs.cpio.gz")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    ent = []          # list entries, in order
    hostfiles = []    # files whose content goes into the cache key

    def add_file(guest, host, mode=None):
        if mode is None:
            mode = 0o755 if os.access(host, os.X_OK) else 0o644
        ent.append(["file", guest, host, "%o" % mode])
        hostfiles.append(host)

    for d in ["/bin", "/sbin", "/usr/bin", "/usr/sbin", "/lib", "/lib64",
              "/lib/x86_64-linux-gnu", "/dev", "/proc", "/sys", "/tmp", "/run",
              "/root", "/etc", "/var", "/mnt", "/nfpe", "/nfpe/tests", "/nfpe/extra"]:
        ent.append(["dir", d, "1777" if d == "/tmp" else "755"])
    # console nodes for the very first moments, before devtmpfs is mounted
    ent.append(["nod", "/dev/console", "600", "c", "5", "1"])
    ent.append(["nod", "/dev/null", "666", "c", "1", "3"])

    bb = find(["/bin/busybox", "/usr/bin/busybox"])
    if not bb:
        die("busybox not found (apt-get install %s)" % PACKAGES)
    if "statically linked" not in subprocess.run(["file", "-L", bb], capture_output=True, text=True).stdout \
            and ldd_libs(bb):
        sys.stderr.write("build-initramfs: warning: %s is not static; adding its libraries\n" % bb)
    add_file("/bin/busybox", bb, 0o755)
    applets = subprocess.run([bb, "--list-full"], capture_output=True, text=True).stdout.split()
    for ap_path in sorted(set(applets)):
        name = os.path.basename(ap_path)
        if name in NO_APPLET or name == "busybox":
            continue
        ent.append(["slink", "/" + ap_path, "/bin/busybox", "777"])

    libs = set()
    for guest, cands in BINARIES.items():
        host = find(cands)
        if not host:
            die("%s not found (apt-get install %s)" % (guest, PACKAGES))
        add_file(guest, host, 0o755)
        libs.update(ldd_libs(host))
    ent.append(["slink", "/bin/ip", "/usr/sbin/ip", "777"])
    ent.append(["slink", "/sbin/tc", "/usr/sbin/tc", "777"])
    for lib in sorted(libs):
        real = os.path.realpath(lib)
        if lib.startswith("/lib64/"):
            add_file(lib, real, 0o755)
        else:
            add_file("/lib/x86_64-linux-gnu/" + os.path.basename(lib), real, 0o755)

    add_file("/init", os.path.join(HERE, "initramfs", "init"), 0o755)
    ent.append(["file", "/etc/passwd", os.path.join(HERE, "initramfs", "passwd"), "644"])
    hostfiles.append(os.path.join(HERE, "initramfs", "passwd"))
    ent.append(["file", "/etc/group", os.path.join(HERE, "initramfs", "group"), "644"])
    hostfiles.append(os.path.join(HERE, "initramfs", "group"))

    if os.path.isdir(a.tests_dir):
        for root, dirs, files in os.walk(a.tests_dir):
            dirs.sort()
            rel = os.path.relpath(root, a.tests_dir)
            gdir = "/nfpe/tests" + ("" if rel == "." else "/" + rel)
            if rel != ".":
                ent.append(["dir", gdir, "755"])
            for f in sorted(files):
                if f.endswith("~") or f.startswith("."):
                    continue
                add_file(gdir + "/" + f, os.path.join(root, f))

    for spec in a.add:
        host, _, guest = spec.partition(":")
        if not os.path.isfile(host):
            die("--add: no such file: %s" % host)
        if not guest:
            guest = "/nfpe/extra/" + os.path.basename(host)
        elif guest.endswith("/"):
            guest += os.path.basename(host)
        add_file(guest, os.path.abspath(host))

    if a.stock_modules:
        with open(os.path.join(HERE, "initramfs", "stock-modules.list")) as fh:
            wanted = [l.split("#")[0].strip() for l in fh]
        wanted = [w for w in wanted if w]
        base, order = resolve_modules(a.stock_modules, wanted)
        lines = []
        for mod in order:
            g = "/lib/modules/%s/%s" % (a.stock_modules, re.sub(r"\.xz$|\.gz$|\.zst$", "", mod))
            add_file(g, os.path.join(base, mod), 0o644)
            lines.append(g)
        listfile = os.path.join(os.path.dirname(os.path.abspath(out)),
                                os.path.basename(out) + ".modules.list")
        with open(listfile + ".tmp", "w") as fh:
            fh.write("\n".join(lines) + "\n")
        os.replace(listfile + ".tmp", listfile)
        add_file("/nfpe/modules.list", listfile, 0o644)

    # cache key: the list itself plus the content of every host file
    h = hashlib.sha256()
    h.update(open(os.path.join(HERE, "mkcpio.py"), "rb").read())
    h.update(open(os.path.abspath(__file__), "rb").read())
    h.update(repr(ent).encode())
    for f in hostfiles:
        with open(f, "rb") as fh:
            h.update(hashlib.sha256(fh.read()).digest())
    key = h.hexdigest()
    stamp = out + ".stamp"
    if not a.force and os.path.exists(out) and os.path.exists(stamp) and open(stamp).read().strip() == key:
        sys.stderr.write("build-initramfs: %s up to date\n" % out)
        print(out)
        return 0
    mkcpio.build(ent, out)
    with open(stamp, "w") as fh:
        fh.write(key + "\n")
    sys.stderr.write("build-initramfs: wrote %s (%d entries, %d bytes)\n" % (out, len(ent), os.path.getsize(out)))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
