#!/usr/bin/env python3
"""Write a gzip-compressed "newc" cpio archive (an initramfs) from a list.

No root needed: owners, modes and device nodes are written into the archive
header, never created on the host.  The list format is the one the kernel's
gen_init_cpio reads (only the parts we need):

    dir   <name> <mode> [<uid> <gid>]
    file  <name> <hostpath> <mode> [<uid> <gid>]
    slink <name> <target> <mode> [<uid> <gid>]
    nod   <name> <mode> [<uid> <gid>] <c|b> <maj> <min>

Modes are octal.  Names are paths inside the archive ("/init", "/bin/sh").
A file whose host path ends in .xz is decompressed when its guest name does
not.  Output is reproducible (mtime 0, sequential inode numbers).

    mkcpio.py LIST OUTPUT.cpio.gz
"""
import gzip
import io
import lzma
import os
import stat
import sys


class CpioWriter:
    def __init__(self, fileobj):
        self.f = fileobj
        self.ino = 300000
        self.names = set()

    def _hdr(self, name, mode, uid, gid, nlink, size, rmaj=0, rmin=0):
        name = name.lstrip("/") or "."
        if name in self.names:
            raise ValueError("duplicate archive entry: " + name)
        self.names.add(name)
        self.ino += 1
        nameb = name.encode() + b"\0"
        fields = (self.ino, mode, uid, gid, nlink, 0, size, 0, 0, rmaj, rmin,
                  len(nameb), 0)
        h = b"070701" + b"".join(b"%08X" % v for v in fields)
        self.f.write(h + nameb)
        self._pad(len(h) + len(nameb))

    def _pad(self, n):
        if n % 4:
            self.f.write(b"\0" * (4 - n % 4))

    def dir(self, name, mode=0o755, uid=0, gid=0):
        self._hdr(name, stat.S_IFDIR | mode, uid, gid, 2, 0)

    def file(self, name, data, mode=0o644, uid=0, gid=0):
        self._hdr(name, stat.S_IFREG | mode, uid, gid, 1, len(data))
        self.f.write(data)
        self._pad(len(data))

    def slink(self, name, target, mode=0o777, uid=0, gid=0):
        t = target.encode()
        self._hdr(name, stat.S_IFLNK | mode, uid, gid, 1, len(t))
        self.f.write(t)
        self._pad(len(t))

    def nod(self, name, mode, kind, major, minor, uid=0, gid=0):
        fmt = stat.S_IFCHR if kind == "c" else stat.S_IFBLK
        self._hdr(name, fmt | mode, uid, gid, 1, 0, major, minor)

    def trailer(self):
        self.ino = 0
        self.names.discard("TRAILER!!!")
        self._hdr("TRAILER!!!", 0, 0, 0, 1, 0)


def read_host_file(hostpath, guestname):
    with open(hostpath, "rb") as fh:
        data = fh.read()
    if hostpath.endswith(".xz") and not guestname.endswith(".xz"):
        data = lzma.decompress(data)
    return data


def build(entries, out_path):
    """entries: iterable of lists of strings in the list format above."""
    buf = io.BytesIO()
    w = CpioWriter(buf)
    seen_dirs = set()

    def ensure_parents(name):
        parts = name.strip("/").split("/")[:-1]
        path = ""
        for p in parts:
            path += "/" + p
            if path not in seen_dirs:
                seen_dirs.add(path)
                w.dir(path, 0o755)

    for e in entries:
        kind, name = e[0], e[1]
        ensure_parents(name)
        if kind == "dir":
            if name.rstrip("/") in seen_dirs:
                continue
            seen_dirs.add(name.rstrip("/"))
            uid, gid = (int(e[3]), int(e[4])) if len(e) >= 5 else (0, 0)
            w.dir(name, int(e[2], 8), uid, gid)
        elif kind == "file":
            uid, gid = (int(e[4]), int(e[5])) if len(e) >= 6 else (0, 0)
            w.file(name, read_host_file(e[2], name), int(e[3], 8), uid, gid)
        elif kind == "slink":
            w.slink(name, e[2], int(e[3], 8))
        elif kind == "nod":
            if len(e) == 8:
                w.nod(name, int(e[2], 8), e[5], int(e[6]), int(e[7]), int(e[3]), int(e[4]))
            else:
                w.nod(name, int(e[2], 8), e[3], int(e[4]), int(e[5]))
        else:
            raise ValueError("unknown entry kind: %r" % kind)
    w.trailer()
    tmp = out_path + ".tmp"
    with open(tmp, "wb") as raw:
        # mtime=0 keeps the archive reproducible
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as gz:
            gz.write(buf.getvalue())
    os.replace(tmp, out_path)


def parse_list(text):
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        out.append(line.split())
    return out


def main(argv):
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        sys.stdout.write(__doc__)
        return 2
    with open(argv[1]) as fh:
        entries = parse_list(fh.read())
    build(entries, argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
