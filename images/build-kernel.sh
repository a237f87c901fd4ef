#!/bin/bash
# Build the nfp-ebpf guest kernel from Debian's linux-source-6.1.
#
#   images/build-kernel.sh BUILDDIR [--variant default|kasan] [--jobs N] [--force]
#
# Layout under BUILDDIR/images/:
#   kernel-src/linux-source-6.1/   extracted once (re-extracted if the tarball changes)
#   kernel-<variant>/              O= build tree (keeps Module.symvers and the
#                                  modules_prepare output, for out-of-tree modules:
#                                  make -C BUILDDIR/images/kernel-default M=$PWD)
#   bzImage-<variant>              copy of the kernel image
#   bzImage                        (default variant only) the same, for meson
#
# The build is skipped when the stamp (hash of config fragments, this script
# and the source tarball) matches the previous successful build.
set -euo pipefail
# The whole script is one function, parsed before it runs: editing this file
# while a (long) build runs cannot derail the running copy.
SELF=$(readlink -f "$0")
main() {

usage() { sed -n '2,16p' "$SELF" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }

[ $# -ge 1 ] || usage
case "$1" in -h|--help) usage 0;; esac
BUILDDIR=$(mkdir -p "$1" && cd "$1" && pwd)
shift
VARIANT=default
JOBS=$(nproc)
FORCE=0
while [ $# -gt 0 ]; do
    case "$1" in
        --variant) VARIANT=$2; shift 2;;
        --variant=*) VARIANT=${1#*=}; shift;;
        --jobs|-j) JOBS=$2; shift 2;;
        --force) FORCE=1; shift;;
        -h|--help) usage 0;;
        *) echo "build-kernel.sh: unknown argument '$1'" >&2; usage;;
    esac
done
case "$VARIANT" in default|kasan) ;; *) echo "build-kernel.sh: unknown variant '$VARIANT'" >&2; exit 2;; esac

HERE=$(cd "$(dirname "$SELF")" && pwd)
TARBALL=${NFPE_LINUX_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
OUT=$BUILDDIR/images
SRCROOT=$OUT/kernel-src
SRC=$SRCROOT/linux-source-6.1
KB=$OUT/kernel-$VARIANT
FRAGS=("$HERE/kernel/config.fragment")
[ "$VARIANT" = kasan ] && FRAGS+=("$HERE/kernel/kasan.fragment")

log() { echo "build-kernel: $*" >&2; }

if [ ! -f "$TARBALL" ]; then
    log "$TARBALL missing; installing linux-source-6.1"
    if [ "$(id -u)" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y linux-source-6.1 >&2
    else
        log "run: sudo apt-get install linux-source-6.1"; exit 1
    fi
fi
for t in make gcc flex bison bc; do
    command -v "$t" >/dev/null || { log "missing tool '$t' (apt-get install build-essential flex bison bc libelf-dev libssl-dev)"; exit 1; }
done

mkdir -p "$OUT" "$SRCROOT" "$KB"

# Tarball identity: its sha256, recomputed only when its name, size or
# mtime changed (hashing 130 MB on every meson test run would be wasted).
TARSTAT=$(stat -L -c '%n %s %Y' "$TARBALL")
TARCACHE=$SRCROOT/.tarball-sha256
if [ -f "$TARCACHE" ] && [ "$(sed -n 1p "$TARCACHE")" = "$TARSTAT" ]; then
    TARID=$(sed -n 2p "$TARCACHE")
else
    TARID=$(sha256sum "$TARBALL" | cut -d' ' -f1)
    printf '%s\n%s\n' "$TARSTAT" "$TARID" > "$TARCACHE"
fi

# 1. extract the source once
SRCSTAMP="tarball: $TARID"
if [ ! -f "$SRCROOT/.nfpe-stamp" ] || [ "$(cat "$SRCROOT/.nfpe-stamp")" != "$SRCSTAMP" ]; then
    log "extracting $TARBALL into $SRCROOT"
    rm -rf "$SRC" "$SRCROOT/.nfpe-stamp"
    tar -C "$SRCROOT" -xJf "$TARBALL"
    echo "$SRCSTAMP" > "$SRCROOT/.nfpe-stamp"
    # the source tree must stay clean for O= builds
fi

# 2. decide whether to rebuild
STAMP=$( { echo "variant $VARIANT"; echo "$SRCSTAMP"; cat "$SELF" "${FRAGS[@]}"; } | sha256sum | cut -d' ' -f1)
if [ "$FORCE" = 0 ] && [ -f "$KB/.nfpe-stamp" ] && [ "$(cat "$KB/.nfpe-stamp")" = "$STAMP" ] \
   && [ -f "$KB/arch/x86/boot/bzImage" ] && [ -f "$KB/Module.symvers" ]; then
    log "kernel ($VARIANT) up to date: $KB/arch/x86/boot/bzImage"
else
    rm -f "$KB/.nfpe-stamp"
    ALLCONFIG=$KB/nfpe-allconfig
    cat "${FRAGS[@]}" > "$ALLCONFIG"
    MK=(make -C "$SRC" O="$KB" ARCH=x86_64 -j"$JOBS")
    # no BTF: pahole is not required (and often absent)
    log "configuring ($VARIANT): allnoconfig + ${FRAGS[*]}"
    "${MK[@]}" -s KCONFIG_ALLCONFIG="$ALLCONFIG" allnoconfig >&2
    "${MK[@]}" -s olddefconfig >&2
    # every requested option must have survived dependency resolution
    bad=0
    while IFS= read -r line; do
        case "$line" in
            CONFIG_*=*)
                grep -qxF "$line" "$KB/.config" || { log "config option not applied: $line (got: $(grep "^${line%%=*}=" "$KB/.config" || echo unset))"; bad=1; };;
            "# CONFIG_"*" is not set")
                opt=${line#\# }; opt=${opt%% *}
                if grep -q "^$opt=" "$KB/.config"; then log "config option should be unset: $opt"; bad=1; fi;;
        esac
    done < "$ALLCONFIG"
    [ "$bad" = 0 ] || { log "fix the config fragment"; exit 1; }
    log "building ($VARIANT) with -j$JOBS in $KB"
    start=$(date +%s)
    # 'all' builds vmlinux, bzImage and modules (Module.symvers); then
    # modules_prepare so out-of-tree modules can be built against $KB.
    "${MK[@]}" all >&2
    "${MK[@]}" modules_prepare >&2
    end=$(date +%s)
    log "kernel ($VARIANT) built in $((end - start)) s"
    echo "$STAMP" > "$KB/.nfpe-stamp"
fi

cp -f "$KB/arch/x86/boot/bzImage" "$OUT/bzImage-$VARIANT.tmp"
mv -f "$OUT/bzImage-$VARIANT.tmp" "$OUT/bzImage-$VARIANT"
if [ "$VARIANT" = default ]; then
    cmp -s "$OUT/bzImage-default" "$OUT/bzImage" 2>/dev/null || cp -f "$OUT/bzImage-default" "$OUT/bzImage"
fi
echo "$OUT/bzImage-$VARIANT"
}
main "$@"
exit $?
