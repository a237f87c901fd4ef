#!/bin/sh
# Host side of the driver scenarios that run several traffic phases
# (driver-xdp-native, driver-coalesce): run each COMMAND in turn, each
# once the guest is ready for it.
#
# The control channel is the VM's virtio port v0 (run-vm-test --virtio 1),
# never part of what is checked: the guest, ready for the next phase,
# echoes whatever arrives on v0 (tc mirred) until that phase's traffic has
# arrived.  The host sends one frame to v0 and waits a second for it to
# come back, again and again until it does, then runs the phase's command.
#   phases-host.sh TOOL COMMAND...
# Exit status: 1 when a command fails or the guest is not ready in 300 s.
set -u
TOOL=$1
shift
n=0
for cmd in "$@"; do
    n=$((n + 1))
    t0=$(date +%s)
    until "$TOOL" --to "127.0.0.1:$NFPE_V0_TX" --bind "127.0.0.1:$NFPE_V0_RX" \
            --count 1 --expect-echo --timeout 1 -q >/dev/null 2>&1; do
        if [ $(($(date +%s) - t0)) -ge 300 ]; then
            echo "phase $n: the guest was not ready within 300 s"
            exit 1
        fi
    done
    echo "phase $n: $cmd"
    sh -c "$cmd" || { echo "phase $n: failed"; exit 1; }
done
echo "all $n phases passed"
