#!/bin/sh
# Guest throughput through the device, both ways: the default kernel runs
# the driver-traffic scenario (tc mirred echoes every frame back out of
# the port it came in on) while the host's nfpe-traffic sends COUNT frames
# of each SIZE and checks every echo byte-exact; the guest then checks the
# counters.  Prints nfpe-traffic's figures (frames per second sent into
# the guest and received back from it) with the load average.  Not a test:
# nothing is asserted about speed (a failed run is a failure, though).
#   tests/driver/echo-rate.sh BUILDDIR [SIZE:COUNT:WINDOW]...
# default 64:200000:128 1500:50000:32 (the window keeps the frames in
# flight within QEMU's socket receive buffer, ~208 KiB of skb truesize:
# 256 frames of 64 bytes already lost some)
set -eu
SRCROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "$1" && pwd)
shift
[ $# -gt 0 ] || set -- 64:200000:128 1500:50000:32
tool=$B/tools/nfpe-traffic/nfpe-traffic
ko=$B/tests/driver/nfp_ebpf.ko
[ -x "$tool" ] && [ -f "$ko" ] || { echo "echo-rate: build nfpe-traffic and nfp_ebpf.ko first (meson test -C $B driver-vm-traffic)" >&2; exit 1; }
g=$SRCROOT/tests/driver/guest
for spec in "$@"; do
    size=${spec%%:*}; rest=${spec#*:}; count=${rest%%:*}; window=${rest#*:}
    echo "echo-rate: $count frames of $size bytes, window $window; load: $(cut -d' ' -f1-3 /proc/loadavg)"
    python3 "$SRCROOT/tests/vm/run-vm-test.py" --builddir "$B" --name "echo-rate-$size" \
        --scenario driver-traffic --nfp-ports 1 --timeout 600 \
        --add "$ko:/nfpe/extra/nfp_ebpf.ko" --add "$g/drvlib.sh:/nfpe/tests/drvlib.sh" \
        --add "$g/driver-traffic.sh:/nfpe/tests/driver-traffic.sh" \
        --param "frames=$count" --param "frame_size=$size" \
        --host-cmd "$tool --to 127.0.0.1:\$NFPE_P0_TX --bind 127.0.0.1:\$NFPE_P0_RX --count $count --size $size --expect-echo --window $window --timeout 20" \
        > "$B/echo-rate.tap" 2> "$B/echo-rate.err" && rc=0 || rc=$?
    grep 'host.traffic: sent' "$B/echo-rate.err" || true
    if [ $rc != 0 ]; then
        grep 'FAIL' "$B/echo-rate.err" >&2 || true
        echo "echo-rate: the run failed (status $rc; $B/tests/vm/logs/echo-rate-$size.console.log)" >&2
        exit 1
    fi
done
echo "echo-rate: load after: $(cut -d' ' -f1-3 /proc/loadavg)"
