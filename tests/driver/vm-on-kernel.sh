#!/bin/sh
# A driver VM test on another kernel: the module for that kernel
# (cached-module.sh), then tests/vm/run-vm-test.py --kernel KERNEL with it
# added to the guest as /nfpe/extra/nfp_ebpf.ko.  TAP on stdout.
#   vm-on-kernel.sh SRCROOT BUILDDIR kasan|stock RUN-VM-TEST-ARGS...
# stock: an unreadable or missing /boot/vmlinuz-* or missing headers are a
# TAP skip ("1..0 # SKIP"), not a failure.
SRCROOT=$1
BUILDDIR=$2
KERNEL=$3
shift 3

skip() {
    echo "TAP version 13"
    echo "1..0 # SKIP $*"
    echo "vm-on-kernel: skipped: $*" >&2
    exit 0
}

if [ "$KERNEL" = stock ]; then
    k=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
    [ -n "$k" ] || skip "no stock kernel /boot/vmlinuz-* (apt-get install linux-image-amd64)"
    [ -r "$k" ] || skip "$k is not readable (Debian installs it mode 0600: run as root)"
fi
ko=$("$SRCROOT/tests/driver/cached-module.sh" "$SRCROOT" "$BUILDDIR" "$KERNEL")
rc=$?
[ $rc = 77 ] && skip "no kernel headers for the stock kernel (see above)"
if [ $rc != 0 ] || [ ! -f "$ko" ]; then
    echo "TAP version 13"
    echo "Bail out! building nfp_ebpf.ko for the $KERNEL kernel failed (tests/driver/cached-module.sh, status $rc)"
    exit 1
fi
exec python3 "$SRCROOT/tests/vm/run-vm-test.py" --builddir "$BUILDDIR" --kernel "$KERNEL" \
    --add "$ko:/nfpe/extra/nfp_ebpf.ko" "$@"
