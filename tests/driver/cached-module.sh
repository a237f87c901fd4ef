#!/bin/sh
# nfp_ebpf.ko for another kernel than the default test kernel, rebuilt only
# when an input changed; prints the module's path on stdout.
#   cached-module.sh SRCROOT BUILDDIR kasan|stock
# kasan  the project kernel's KASAN variant, BUILDDIR/images/kernel-kasan
#        (images/build-kernel.sh --variant kasan first: cached, ~18 min cold)
# stock  Debian's kernel: the headers /usr/src/linux-headers-KVER for the
#        newest /boot/vmlinuz-KVER (the one images/nfpe-vm --kernel stock
#        boots); exit 77 without them
# Built with W=1 -Werror (guest-driver/build.sh) into
# BUILDDIR/tests/driver/nfp_ebpf-VARIANT/.  Inputs: guest-driver/, the JIT
# core, include/, and the kernel tree's release, config and symbol list.
set -eu
SRCROOT=$(cd "$1" && pwd)
BUILDDIR=$(cd "$2" && pwd)
VARIANT=$3
OUT=$BUILDDIR/tests/driver/nfp_ebpf-$VARIANT

case "$VARIANT" in
kasan)
    "$SRCROOT/images/build-kernel.sh" "$BUILDDIR" --variant kasan >&2
    KDIR=$BUILDDIR/images/kernel-kasan
    ;;
stock)
    kver=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1 | sed 's|^/boot/vmlinuz-||')
    KDIR=/usr/src/linux-headers-$kver
    if [ -z "$kver" ] || [ ! -f "$KDIR/Makefile" ]; then
        echo "cached-module: no headers for the stock kernel '$kver' ($KDIR): apt-get install linux-headers-$kver" >&2
        exit 77
    fi
    ;;
*)
    echo "cached-module: unknown kernel '$VARIANT' (kasan or stock)" >&2
    exit 2
    ;;
esac

key=$( {
    echo "$KDIR"
    cat "$KDIR/include/config/kernel.release" "$KDIR/.config" "$KDIR/Module.symvers"
    cd "$SRCROOT"
    find guest-driver jit/core jit/compat-kernel.h include -type f | LC_ALL=C sort | xargs sha256sum
} | sha256sum | cut -d' ' -f1)
if [ -f "$OUT/nfp_ebpf.ko" ] && [ "$(cat "$OUT/.inputs" 2>/dev/null)" = "$key" ]; then
    echo "cached-module: $OUT/nfp_ebpf.ko up to date" >&2
else
    rm -f "$OUT/.inputs" "$OUT/nfp_ebpf.ko"
    "$SRCROOT/guest-driver/build.sh" "$KDIR" "$OUT" --werror >&2
    echo "$key" > "$OUT/.inputs"
fi
echo "$OUT/nfp_ebpf.ko"
