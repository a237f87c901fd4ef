#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# build-kernel-progs.sh TARBALL OUTDIR KCOMPAT_H CLANG MULTIARCH FILE...
#
# Extracts the listed kernel files (paths inside linux-source-6.1/, e.g.
# samples/bpf/xdp1_kern.c) from Debian's linux-source tarball into
# OUTDIR/src once, and compiles each into OUTDIR/<basename>.o with
# clang -O2 -g -target bpf.  Nothing of the kernel is kept in the repo.
# Without the tarball every object is an empty file and the test skips.
set -eu
tarball=$1 out=$2 kcompat=$3 clang=$4 multiarch=$5
shift 5
top=linux-source-6.1
src=$out/src
mkdir -p "$out"

if [ ! -r "$tarball" ]; then
	echo "build-kernel-progs: $tarball not found, kernel-progs test will skip" >&2
	for f; do : > "$out/$(basename "$f" .c).o"; done
	: > "$out/kernel-progs.stamp"
	exit 0
fi

# headers the programs include from the kernel tree
extra="samples/bpf/xdp_tx_iptunnel_common.h
tools/testing/selftests/bpf/test_iptunnel_common.h
tools/testing/selftests/bpf/xdping.h"
want=
for f in "$@" $extra; do
	[ -e "$src/$top/$f" ] || want="$want $top/$f"
done
if [ -n "$want" ]; then
	mkdir -p "$src"
	# shellcheck disable=SC2086
	tar -xf "$tarball" -C "$src" $want
fi

# samples/bpf include <uapi/linux/...>: point uapi/ at the system headers;
# <gnu/stubs-32.h> is pulled in by glibc headers under -target bpf.
inc=$out/include
mkdir -p "$inc/gnu"
ln -sfn /usr/include "$inc/uapi"
[ -e "$inc/gnu/stubs-32.h" ] || : > "$inc/gnu/stubs-32.h"

k=$src/$top
for f; do
	o=$out/$(basename "$f" .c).o
	case $f in
	samples/*) pre="-include $kcompat" ;;
	*) pre= ;;
	esac
	# shellcheck disable=SC2086
	"$clang" -O2 -g -target bpf $pre -I"$inc" \
		-I"/usr/include/$multiarch" -I"$k/tools/testing/selftests/bpf" \
		-Wno-compare-distinct-pointer-types \
		-Werror=implicit-function-declaration \
		-c "$k/$f" -o "$o"
done
: > "$out/kernel-progs.stamp"
