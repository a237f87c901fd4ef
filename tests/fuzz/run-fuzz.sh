#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-fuzz.sh BUILDDIR [SECONDS] [TARGET] - build and run one libFuzzer
# target with ASan and UBSan for SECONDS (default 30), starting from its
# committed seed corpus tests/fuzz/corpus/<corpus>.  Exits non-zero on any
# crash, leak, sanitizer report or timeout; the reproducer is left in
# BUILDDIR/fuzz-<target>/.  docs/reliability.md describes the targets.
#
# TARGET (default image):
#   image      fuzz-image.c      image validator + loader + interpreter
#   jit-insns  fuzz-jit-insns.c  JIT core (+ analyzer) -> validator -> run
#   jit-elf    fuzz-jit-elf.c    libbpf front end on mutated ELF objects
#   device     fuzz-device.c     device core driven by an operation stream
#
# Long run:   tests/fuzz/run-fuzz.sh build 3600 jit-insns
# Reproduce:  build/fuzz-jit-insns/fuzz-jit-insns build/fuzz-jit-insns/crash-<sha1>
set -euo pipefail

builddir=${1:?usage: run-fuzz.sh BUILDDIR [SECONDS] [TARGET]}
seconds=${2:-30}
target=${3:-image}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
work="$builddir/fuzz-$target"
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
jc="$src/jit/core"
ju="$src/jit/user"
srcs=("$here/fuzz-$target.c")
# the whole microcode library, as microcode/sources.txt lists it
for f in $(sed 's/#.*//' "$mc/sources.txt"); do
	srcs+=("$mc/$f")
done
cflags=(-I"$src/include" -I"$mc" -I"$here")
libs=()
deps=("$src"/include/nfpe/*.h "$mc"/*.h "$mc"/sources.txt "$here"/*.h "$0")
maxlen=8192
extra=()
case "$target" in
image)
	corpus=image ;;
jit-insns)
	corpus=jit-insns
	srcs+=("$jc"/jit.c "$jc"/analysis.c "$jc"/codegen.c "$jc"/fmt.c
	       "$ju"/analyze.c)
	cflags+=(-I"$jc" -I"$ju")
	deps+=("$jc"/*.h "$ju"/*.h "$src"/jit/*.h)
	maxlen=3074 ;;
jit-elf)
	corpus=jit-elf
	srcs+=("$jc"/jit.c "$jc"/analysis.c "$jc"/codegen.c "$jc"/fmt.c
	       "$ju"/analyze.c "$ju"/frontend.c)
	cflags+=(-I"$jc" -I"$ju")
	libs+=($(pkg-config --libs libbpf libelf))
	deps+=("$jc"/*.h "$ju"/*.h "$src"/jit/*.h)
	maxlen=16384
	export NFPE_FUZZ_ELF_TEMPLATES="$here/elf-templates"
	deps+=("$here"/elf-templates/*) ;;
device)
	corpus=device
	qd="$src/qemu-dev"
	dt="$src/tests/device"
	mkdir -p "$work/gen"
	python3 "$dt/gen-trace-stubs.py" "$qd/trace-events" \
		"$work/gen/nfpe-trace-stubs.h.tmp"
	cmp -s "$work/gen/nfpe-trace-stubs.h.tmp" \
		"$work/gen/nfpe-trace-stubs.h" ||
		mv "$work/gen/nfpe-trace-stubs.h.tmp" \
			"$work/gen/nfpe-trace-stubs.h"
	srcs+=("$qd"/nfpe_core.c "$qd"/nfpe_rings.c "$qd"/nfpe_cmd.c
	       "$qd"/nfpe_pipeline.c "$qd"/nfpe_caps.c "$dt"/dev-test-util.c)
	cflags+=(-DNFPE_CORE_STANDALONE -I"$qd" -I"$dt" -I"$work/gen"
		 $(pkg-config --cflags glib-2.0))
	libs+=($(pkg-config --libs glib-2.0))
	deps+=("$qd"/*.h "$dt"/*.h "$qd"/trace-events)
	maxlen=16384 ;;
*)
	echo "run-fuzz: unknown target $target" >&2; exit 2 ;;
esac
bin="$work/fuzz-$target"
newest=$(ls -t "${srcs[@]}" "${deps[@]}" | head -1)
if [ ! -x "$bin" ] || [ "$newest" -nt "$bin" ]; then
	echo "run-fuzz: building $bin with $cc" >&2
	"$cc" -g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer \
		"${cflags[@]}" "${srcs[@]}" "${libs[@]}" -o "$bin"
fi

# Seeds are committed; new inputs go to the work corpus only.
cp -n "$here"/corpus/$corpus/* "$work/corpus/" 2>/dev/null || true
cd "$work"
echo "run-fuzz: fuzzing for ${seconds}s (corpus $work/corpus)" >&2
status=0
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-max_len="$maxlen" -print_final_stats=1 ${extra[@]+"${extra[@]}"} \
	"$work/corpus" "$here/corpus/$corpus" > "$work/last-run.log" 2>&1 || status=$?
grep -E '^(#[0-9]+[[:space:]]*(DONE|INITED)|stat::number_of_executed_units|stat::average_exec_per_sec|==[0-9]+==ERROR|SUMMARY|.*runtime error|Test unit written)' \
	"$work/last-run.log" || true
if [ "$status" -ne 0 ]; then
	echo "run-fuzz: FAILED (exit $status); see $work/last-run.log" >&2
	exit 1
fi
echo "run-fuzz: $target: no crash in ${seconds}s" >&2
