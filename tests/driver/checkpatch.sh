#!/bin/sh
# meson test driver-checkpatch: the driver sources pass the kernel's
# checkpatch.pl --strict.  checkpatch.pl and the files it reads are taken
# once from Debian's linux-source-6.1 tarball into WORKDIR.
#   checkpatch.sh SRCROOT WORKDIR
set -eu
SRCROOT=$1
WORK=$2
TARBALL=${NFPE_LINUX_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
CP=$WORK/linux-source-6.1/scripts/checkpatch.pl
if [ ! -x "$CP" ]; then
    if [ ! -f "$TARBALL" ]; then
        echo "no $TARBALL (apt-get install linux-source-6.1)" >&2
        exit 77
    fi
    mkdir -p "$WORK"
    tar -xJf "$TARBALL" -C "$WORK" \
        linux-source-6.1/scripts/checkpatch.pl \
        linux-source-6.1/scripts/spelling.txt \
        linux-source-6.1/scripts/const_structs.checkpatch
fi
cd "$SRCROOT/guest-driver"
rc=0
for f in *.c *.h; do
    case "$f" in *.mod.c) continue;; esac
    out=$("$CP" --no-tree --strict --quiet --show-types -f "$f" 2>&1) || rc=1
    [ -z "$out" ] || printf '%s\n' "$out"
done
[ "$rc" = 0 ] && echo "checkpatch: guest-driver/*.[ch] clean"
exit "$rc"
