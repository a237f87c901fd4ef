#!/bin/bash
# Build qemu-system-x86_64 (Debian bookworm's QEMU 7.2 source) with the
# nfp-ebpf device compiled in.
#
# Usage: qemu-dev/build-qemu.sh BUILDDIR [PATHFILE]
#   Prints the binary's path on stdout (progress goes to stderr); with
#   PATHFILE, also writes it there (the output of the meson target, see
#   qemu-dev/README-meson.txt).
#
# Layout under BUILDDIR (all of it is a cache; delete BUILDDIR to start over):
#   qemu-dl/      the Debian source package as downloaded (.dsc, .orig, .debian)
#   qemu-src/     the extracted source tree (Debian patches applied), plus
#                 hw/net/nfp-ebpf -> <repo>/qemu-dev and our patches/ applied
#   qemu-build/   the meson/ninja build directory
#   qemu/qemu-system-x86_64   stable path to the binary (hard link)
#
# Every step is skipped when its result is already there, so a rebuild when
# nothing changed only runs a no-op ninja.  See docs/building-qemu.md.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 BUILDDIR [PATHFILE]" >&2
    exit 2
fi
PATHFILE=${2:-}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
QDEV="$REPO/qemu-dev"
mkdir -p "$1"
BUILDDIR=$(cd "$1" && pwd -P)
DL="$BUILDDIR/qemu-dl"
SRC="$BUILDDIR/qemu-src"
OBJ="$BUILDDIR/qemu-build"
OUT="$BUILDDIR/qemu"
JOBS=${NFPE_QEMU_JOBS:-$(nproc)}

log() { echo "build-qemu: $*" >&2; }
die() { echo "build-qemu: error: $*" >&2; exit 1; }

# The exact configure flags.  Changing them triggers a reconfigure (they are
# part of the stamp hash below).  --without-default-features turns every
# optional feature off; we then enable only what the device and the tests
# need.
CONFIGURE_FLAGS=(
    --target-list=x86_64-softmmu
    --without-default-features
    --disable-install-blobs
    --with-git-submodules=ignore
    --firmwarepath=/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu
    --disable-docs
    --disable-tools
    --disable-guest-agent
    --disable-user
    --disable-werror
    --enable-system
    --enable-tcg
    --enable-kvm
    --enable-slirp
    --enable-l2tpv3
    --enable-fdt=system
)

# ---------------------------------------------------------------- packages --
PACKAGES=(
    dpkg-dev build-essential patch xz-utils ninja-build meson pkg-config python3
    libglib2.0-dev libfdt-dev libslirp-dev libpixman-1-dev zlib1g-dev
    flex bison seabios ipxe-qemu qemu-system-data
)

APT_UPDATED=0
apt_update_once() {
    if [ "$APT_UPDATED" = 0 ]; then
        log "apt-get update"
        apt-get update -qq
        APT_UPDATED=1
    fi
}

ensure_packages() {
    local missing=() p st
    for p in "${PACKAGES[@]}"; do
        st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        [ "$st" = "install ok installed" ] || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" = 0 ] || die "missing packages (need root to install): ${missing[*]}"
    apt_update_once
    log "apt-get install ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "${missing[@]}"
}

# ---------------------------------------------------------------- deb-src ---
have_deb_src() {
    grep -qsE '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list \
        /etc/apt/sources.list.d/*.list && return 0
    grep -qsE '^[[:space:]]*Types:.*deb-src' /etc/apt/sources.list.d/*.sources \
        && return 0
    return 1
}

ensure_deb_src() {
    have_deb_src && return 0
    [ "$(id -u)" = 0 ] || die "no deb-src entry in apt sources (need root to add one)"
    local f=/etc/apt/sources.list.d/nfp-ebpf-deb-src.sources
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
        # Same stanzas (URIs, suites, snapshot comment, keyring), source type.
        sed -e 's/^Types:.*/Types: deb-src/' \
            /etc/apt/sources.list.d/debian.sources >"$f"
    else
        cat >"$f" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    fi
    log "added $f"
    APT_UPDATED=0
    apt_update_once
}

# ------------------------------------------------------------------ source --
ensure_source_download() {
    if compgen -G "$DL/qemu_*.dsc" >/dev/null; then
        return 0
    fi
    ensure_deb_src
    if ! apt-cache showsrc qemu >/dev/null 2>&1 || \
       [ -z "$(apt-cache showsrc qemu 2>/dev/null)" ]; then
        APT_UPDATED=0
        apt_update_once
    fi
    rm -rf "$DL.tmp"
    mkdir -p "$DL.tmp"
    log "apt-get source --download-only qemu"
    # _apt cannot write to root-owned dirs; that is only a warning.
    (cd "$DL.tmp" && apt-get source -q --download-only qemu)
    compgen -G "$DL.tmp/qemu_7.2*.dsc" >/dev/null || \
        die "apt-get source did not fetch a QEMU 7.2 source package"
    rm -rf "$DL"
    mv "$DL.tmp" "$DL"
}

extract_source() {
    local dsc
    local dscs=("$DL"/qemu_*.dsc)
    dsc=${dscs[0]}
    rm -rf "$SRC" "$SRC.tmp"
    log "dpkg-source -x $(basename "$dsc")"
    dpkg-source -q -x "$dsc" "$SRC.tmp" >/dev/null
    [ -f "$SRC.tmp/VERSION" ] || die "extracted tree has no VERSION file"
    case "$(cat "$SRC.tmp/VERSION")" in
        7.2.*) ;;
        *) die "expected QEMU 7.2, got $(cat "$SRC.tmp/VERSION")" ;;
    esac
    mv "$SRC.tmp" "$SRC"
    basename "$dsc" >"$SRC/.nfpe-extracted"
}

patch_files() {
    local p
    for p in "$QDEV"/patches/*.patch; do
        [ -f "$p" ] && echo "$p"
    done
}

# Apply qemu-dev/patches/*.patch.  The applied set is saved in the tree, so
# when the patches change the old ones are reverted (file mtimes of untouched
# files stay, ninja rebuilds only what the patch touched); if reverting fails
# the tree is extracted again.
ensure_patched() {
    local want applied p patches=()
    mapfile -t patches < <(patch_files)
    [ ${#patches[@]} -gt 0 ] || die "no patches in $QDEV/patches"
    want=$(cat "${patches[@]}" | sha256sum | cut -d' ' -f1)
    applied=$(cat "$SRC/.nfpe-patches.sha256" 2>/dev/null || true)
    [ "$want" = "$applied" ] && return 0
    if [ -n "$applied" ] && [ -f "$SRC/.nfpe-applied.patch" ]; then
        log "patches changed: reverting the old ones"
        if ! (cd "$SRC" && patch -s -R -p1 -f <.nfpe-applied.patch); then
            log "revert failed, extracting the source again"
            extract_source
        fi
        rm -f "$SRC/.nfpe-patches.sha256" "$SRC/.nfpe-applied.patch"
    fi
    for p in "${patches[@]}"; do
        log "applying $(basename "$p")"
        (cd "$SRC" && patch -s -p1 -N -f <"$p") || die "patch $p does not apply"
    done
    cat "${patches[@]}" >"$SRC/.nfpe-applied.patch"
    echo "$want" >"$SRC/.nfpe-patches.sha256"
}

ensure_source() {
    ensure_source_download
    [ -f "$SRC/.nfpe-extracted" ] || extract_source
    ensure_patched
    # The device sources stay in the repository; the QEMU tree only links
    # to them.  qemu-dev/meson.build resolves this link to find the rest of
    # the repository (microcode/, include/).
    local link="$SRC/hw/net/nfp-ebpf"
    if [ "$(readlink "$link" 2>/dev/null || true)" != "$QDEV" ]; then
        rm -rf "$link"
        ln -s "$QDEV" "$link"
    fi
}

# --------------------------------------------------------------- configure --
configure_hash() {
    {
        printf '%s\n' "${CONFIGURE_FLAGS[@]}"
        cat "$SRC/.nfpe-patches.sha256"
        cat "$SRC/.nfpe-extracted"
        echo "$QDEV"
        # meson only looks for the device's trace-events at configure time
        if [ -f "$QDEV/trace-events" ]; then echo "trace-events"; fi
    } | sha256sum | cut -d' ' -f1
}

ensure_configured() {
    local want
    want=$(configure_hash)
    if [ -f "$OBJ/build.ninja" ] && \
       [ "$(cat "$OBJ/.nfpe-configure.sha256" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    log "configure: ${CONFIGURE_FLAGS[*]}"
    if [ -f "$OBJ/build.ninja" ]; then
        # Keep the object files; QEMU's configure reruns meson in place.
        rm -f "$OBJ/.nfpe-configure.sha256"
    else
        rm -rf "$OBJ"
    fi
    mkdir -p "$OBJ"
    (cd "$OBJ" && "$SRC/configure" --meson=meson --ninja=ninja \
        "${CONFIGURE_FLAGS[@]}" >configure.log 2>&1) || {
        tail -n 40 "$OBJ/configure.log" >&2
        die "configure failed (full log: $OBJ/configure.log)"
    }
    echo "$want" >"$OBJ/.nfpe-configure.sha256"
}

# ------------------------------------------------------------------- build --
build() {
    log "ninja -j$JOBS qemu-system-x86_64"
    ninja -C "$OBJ" -j"$JOBS" qemu-system-x86_64 >&2
    # A hard link (a copy across filesystems), not a symlink: QEMU resolves
    # its own path and, next to a build tree's qemu-bundle/, would look for
    # firmware inside the build tree.  From here it uses the configured
    # --firmwarepath, i.e. Debian's firmware directories.
    local bin="$OUT/qemu-system-x86_64"
    mkdir -p "$OUT"
    if [ -L "$bin" ] || ! [ "$bin" -ef "$OBJ/qemu-system-x86_64" ]; then
        rm -f "$bin"
        ln "$OBJ/qemu-system-x86_64" "$bin" 2>/dev/null ||
            cp "$OBJ/qemu-system-x86_64" "$bin"
    fi
}

# One build per BUILDDIR at a time (meson may run us while a user does too).
exec 9>"$BUILDDIR/.build-qemu.lock"
flock 9

ensure_packages
ensure_source
ensure_configured
build
echo "$OUT/qemu-system-x86_64"
if [ -n "$PATHFILE" ]; then
    echo "$OUT/qemu-system-x86_64" >"$PATHFILE.tmp"
    mv "$PATHFILE.tmp" "$PATHFILE"
fi
