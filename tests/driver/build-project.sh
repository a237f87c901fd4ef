#!/bin/sh
# Build nfp_ebpf.ko against the project's test kernel tree
# (images/build-kernel.sh BUILDDIR -> BUILDDIR/images/kernel-default) and
# copy it to OUTPUT (a meson custom_target).
#   build-project.sh SRCROOT BUILDDIR OUTPUT [VARIANT]
set -eu
SRCROOT=$1
BUILDDIR=$2
OUTPUT=$3
VARIANT=${4:-default}
KDIR=$BUILDDIR/images/kernel-$VARIANT
if [ ! -f "$KDIR/Module.symvers" ]; then
    echo "build-project: $KDIR has no Module.symvers: run images/build-kernel.sh $BUILDDIR" >&2
    exit 1
fi
OUT=$(dirname "$OUTPUT")/nfp_ebpf-$VARIANT
"$SRCROOT/guest-driver/build.sh" "$KDIR" "$OUT" --werror
cp "$OUT/nfp_ebpf.ko" "$OUTPUT"
