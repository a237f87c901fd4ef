#!/bin/sh
# meson test driver-build-stock: build nfp_ebpf.ko against the Debian 6.1
# headers with W=1 -Werror; any warning fails.
#   build-stock.sh SRCROOT OUTDIR
set -eu
SRCROOT=$1
OUT=$2
KDIR=${NFPE_STOCK_KDIR:-}
if [ -z "$KDIR" ]; then
    KDIR=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n 1)
fi
if [ -z "$KDIR" ] || [ ! -f "$KDIR/Makefile" ]; then
    echo "no Debian 6.1 kernel headers (apt-get install linux-headers-amd64)" >&2
    exit 77
fi
echo "building against $KDIR"
exec "$SRCROOT/guest-driver/build.sh" "$KDIR" "$OUT" --werror
