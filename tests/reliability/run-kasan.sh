#!/bin/sh
# A reliability VM test on the KASAN kernel: build (or find cached) the
# KASAN kernel and nfp_ebpf.ko for it, then tests/vm/run-vm-test.py
# --kernel kasan with the module as /nfpe/extra/nfp_ebpf.ko.  TAP on stdout.
#   run-kasan.sh SRCROOT BUILDDIR RUN-VM-TEST-ARGS...
# Done here at test time, not by ninja: a test's dependencies land in the
# default `ninja` target, and the KASAN kernel takes ~18 min cold.
SRCROOT=$1
BUILDDIR=$2
shift 2
bail() {
    echo "TAP version 13"
    echo "Bail out! $*"
    exit 1
}
if [ -x "$SRCROOT/tests/driver/cached-module.sh" ]; then
    # the driver suite's cache (rebuilt only when an input changed)
    ko=$("$SRCROOT/tests/driver/cached-module.sh" "$SRCROOT" "$BUILDDIR" kasan) ||
        bail "building nfp_ebpf.ko for the KASAN kernel failed (tests/driver/cached-module.sh)"
else
    "$SRCROOT/images/build-kernel.sh" "$BUILDDIR" --variant kasan >&2 ||
        bail "building the KASAN kernel failed"
    ko=$BUILDDIR/tests/reliability/nfp_ebpf-kasan.ko
    "$SRCROOT/tests/driver/build-project.sh" "$SRCROOT" "$BUILDDIR" "$ko" kasan >&2 ||
        bail "building nfp_ebpf.ko for the KASAN kernel failed"
fi
[ -f "$ko" ] || bail "no module at $ko"
exec python3 "$SRCROOT/tests/vm/run-vm-test.py" --builddir "$BUILDDIR" --kernel kasan \
    --add "$ko:/nfpe/extra/nfp_ebpf.ko" "$@"
