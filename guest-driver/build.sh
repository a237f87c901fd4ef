#!/bin/sh
# Build nfp_ebpf.ko out of tree without touching the source directory.
#
#   guest-driver/build.sh KDIR OUTDIR [--werror] [--target kunit.o]
#
# KDIR    a kernel build tree or headers (Debian: /usr/src/linux-headers-*;
#         project kernel: BUILDDIR/images/kernel-default)
# OUTDIR  gets a copy of the sources (OUTDIR/src), the build log
#         (OUTDIR/build.log) and the module (OUTDIR/nfp_ebpf.ko)
# --werror  W=1 and -Werror; any "warning:" line in the log fails the build
set -eu

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 2 ] || usage
KDIR=$1
OUT=$2
shift 2
WERROR=0
while [ $# -gt 0 ]; do
    case "$1" in
        --werror) WERROR=1; shift;;
        *) usage;;
    esac
done

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
if [ ! -f "$KDIR/Makefile" ]; then
    echo "build.sh: $KDIR is not a kernel build tree (no Makefile)" >&2
    echo "build.sh: Debian headers: apt-get install linux-headers-amd64" >&2
    exit 1
fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
SRC=$OUT/src
# fresh copy: stale objects from another kernel must not survive
rm -rf "$SRC"
mkdir -p "$SRC"
cp "$HERE"/*.c "$HERE"/*.h "$HERE"/Kbuild "$HERE"/Makefile "$SRC"/
# the JIT core is part of the module: jit/core/*.[ch] and the kernel
# compat header it includes as ../compat-kernel.h
mkdir -p "$SRC/jit/core"
cp "$REPO"/jit/core/*.c "$REPO"/jit/core/*.h "$SRC/jit/core/"
cp "$REPO/jit/compat-kernel.h" "$SRC/jit/"

set -- -C "$KDIR" M="$SRC" NFPE_INCLUDE="$REPO/include" modules
[ "$WERROR" = 1 ] && set -- "$@" W=1 NFPE_WERROR=1
rc=0
make "$@" >"$OUT/build.log" 2>&1 || rc=$?
cat "$OUT/build.log"
if [ "$rc" != 0 ]; then
    echo "build.sh: make failed ($rc)" >&2
    exit "$rc"
fi
if [ "$WERROR" = 1 ] && grep -qi 'warning:' "$OUT/build.log"; then
    echo "build.sh: the build printed warnings" >&2
    exit 1
fi
cp "$SRC/nfp_ebpf.ko" "$OUT/nfp_ebpf.ko"
echo "build.sh: $OUT/nfp_ebpf.ko"
