#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-fuzz.sh BUILDDIR [SECONDS] - build and run the image fuzzer
# (fuzz-image.c: validator + loader + interpreter) with libFuzzer, ASan and
# UBSan for SECONDS (default 30), starting from the committed seed corpus
# tests/fuzz/corpus/image.  Exits non-zero on any crash, leak, sanitizer
# report or timeout; the reproducer is left in BUILDDIR/fuzz-image/.
#
# Long run:   tests/fuzz/run-fuzz.sh build 3600
# Reproduce:  build/fuzz-image/fuzz-image build/fuzz-image/crash-<sha1>
set -euo pipefail

builddir=${1:?usage: run-fuzz.sh BUILDDIR [SECONDS]}
seconds=${2:-30}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
work="$builddir/fuzz-image"
mkdir -p "$work/corpus"
work=$(cd "$work" && pwd)

cc=
for c in clang-14 clang; do
	if command -v "$c" >/dev/null 2>&1; then cc=$c; break; fi
done
need_pkgs=()
[ -n "$cc" ] || need_pkgs+=(clang-14)
# libFuzzer's runtime: Debian 12 ships it in libclang-rt-14-dev
if [ -n "$cc" ] && ! "$cc" -print-file-name=libclang_rt.fuzzer-x86_64.a \
	| grep -q /; then
	need_pkgs+=(libclang-rt-14-dev)
fi
probe() {
	echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }' \
		> "$work/probe.c"
	"$cc" -fsanitize=fuzzer,address,undefined "$work/probe.c" \
		-o "$work/probe" >/dev/null 2>&1
}
if [ -n "$cc" ] && ! probe; then
	need_pkgs+=(libclang-rt-14-dev)
fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
	echo "run-fuzz: installing ${need_pkgs[*]}" >&2
	if [ "$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
		"${need_pkgs[@]}" >&2
	[ -n "$cc" ] || cc=clang-14
	probe || { echo "run-fuzz: libFuzzer still unusable" >&2; exit 1; }
fi

mc="$src/microcode"
srcs=("$here/fuzz-image.c")
for f in fmt opinfo caps cost image prog interp maps; do
	srcs+=("$mc/$f.c")
done
bin="$work/fuzz-image"
newest=$(ls -t "${srcs[@]}" "$src"/include/nfpe/*.h "$mc"/*.h \
	"$here"/*.h "$0" | head -1)
if [ ! -x "$bin" ] || [ "$newest" -nt "$bin" ]; then
	echo "run-fuzz: building $bin with $cc" >&2
	"$cc" -g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer \
		-I"$src/include" -I"$mc" "${srcs[@]}" -o "$bin"
fi

# Seeds are committed; new inputs go to the work corpus only.
cp -n "$here"/corpus/image/* "$work/corpus/" 2>/dev/null || true
cd "$work"
echo "run-fuzz: fuzzing for ${seconds}s (corpus $work/corpus)" >&2
status=0
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-max_len=8192 -print_final_stats=1 "$work/corpus" \
	"$here/corpus/image" > "$work/last-run.log" 2>&1 || status=$?
grep -E '^(#[0-9]+[[:space:]]*(DONE|INITED)|stat::number_of_executed_units|stat::average_exec_per_sec|==[0-9]+==ERROR|SUMMARY|.*runtime error|Test unit written)' \
	"$work/last-run.log" || true
if [ "$status" -ne 0 ]; then
	echo "run-fuzz: FAILED (exit $status); see $work/last-run.log" >&2
	exit 1
fi
echo "run-fuzz: no crash in ${seconds}s" >&2
