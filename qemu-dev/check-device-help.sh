#!/bin/bash
# Smoke test of the QEMU built by build-qemu.sh:
#   1. `-device help` lists nfp-ebpf;
#   2. on -M pc, on -M q35 (root bus) and on -M q35 behind a pcie-root-port
#      (TCG), a machine with the device starts,
#      SeaBIOS (from Debian's seabios package, via -L) runs and enumerates
#      the device, and `info pci` shows it with its BARs assigned.
#
# Usage: qemu-dev/check-device-help.sh BUILDDIR
#   3. the device with two ports starts, and invalid configurations are
#      refused with the device's message (netdev1 without netdev, a bad
#      property value).
#
# The device gets one port backed by a user-mode (slirp) netdev with
# restrict=on: no traffic leaves the QEMU process.
# Environment (optional):
#   NFPE_DEVICE_PROPS   appended to the -device nfp-ebpf option
#                       (default ",netdev=n0")
#   NFPE_EXTRA_ARGS     extra QEMU arguments
#                       (default "-netdev user,id=n0,restrict=on")
# Exits non-zero with a message on the first failure.
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 BUILDDIR" >&2
    exit 2
fi
QEMU="$1/qemu/qemu-system-x86_64"
PROPS=${NFPE_DEVICE_PROPS-,netdev=n0}
EXTRA=${NFPE_EXTRA_ARGS-"-netdev user,id=n0,restrict=on"}
FW=(-L /usr/share/seabios -L /usr/lib/ipxe/qemu -L /usr/share/qemu)
fail() { echo "check-device-help: FAIL: $*" >&2; exit 1; }

[ -x "$QEMU" ] || fail "$QEMU not found: run qemu-dev/build-qemu.sh $1 first"

out=$("$QEMU" -device help 2>&1) || fail "'-device help' exited non-zero: $out"
line=$(grep -E '^name "nfp-ebpf"' <<<"$out") || \
    fail "'-device help' does not list nfp-ebpf"
echo "ok: -device help: $line"

# name | machine | extra arguments placing the device
CONFIGS=(
    "pc|pc|-device nfp-ebpf,id=nfp0$PROPS"
    "q35|q35|-device nfp-ebpf,id=nfp0$PROPS"
    "q35-root-port|q35|-device pcie-root-port,id=rp0,chassis=1 -device nfp-ebpf,id=nfp0,bus=rp0$PROPS"
)
for cfg in "${CONFIGS[@]}"; do
    IFS='|' read -r machine mtype extra <<<"$cfg"
    # Let the firmware run for a moment (it assigns the BARs), then ask the
    # monitor for the PCI list and quit.
    # shellcheck disable=SC2086  # $extra is a word list
    out=$( { sleep 4; echo "info pci"; sleep 1; echo "quit"; } |
           timeout 60 "$QEMU" "${FW[@]}" -M "$mtype" -accel tcg -m 128 \
               -nodefaults -display none -serial none \
               $EXTRA $extra -monitor stdio 2>&1 ) ||
        fail "-M $machine: QEMU exited with status $?: $out"
    grep -q 'PCI device 1af4:10f0' <<<"$out" ||
        fail "-M $machine: nfp-ebpf (1af4:10f0) missing from 'info pci': $out"
    dev=$(awk '/PCI device 1af4:10f0/,/id "nfp0"/' <<<"$out")
    grep -q 'Ethernet controller' <<<"$dev" ||
        fail "-M $machine: device class is not Ethernet: $dev"
    grep -Eq 'BAR0: 32 bit memory at 0x[0-9a-f]+ \[0x[0-9a-f]+\]' <<<"$dev" ||
        fail "-M $machine: BAR0 not assigned by the firmware: $dev"
    grep -Eq 'BAR2: 32 bit memory at 0x[0-9a-f]+ \[0x[0-9a-f]+\]' <<<"$dev" ||
        fail "-M $machine: BAR2 (MSI-X) not assigned by the firmware: $dev"
    grep -q 'BAR0: 32 bit memory at 0xffffffff' <<<"$dev" &&
        fail "-M $machine: BAR0 left unassigned: $dev"
    echo "ok: -M $machine: realized and enumerated:"
    sed 's/^/    /' <<<"$dev"
done
# Two ports (MAC0, MAC1): realizes, and `info network` lists both NICs.
out=$( { sleep 1; echo "info network"; sleep 1; echo "quit"; } |
       timeout 60 "$QEMU" "${FW[@]}" -M q35 -accel tcg -m 128 -nodefaults \
           -display none -serial none \
           -netdev user,id=a,restrict=on -netdev user,id=b,restrict=on \
           -device nfp-ebpf,id=nfp0,netdev=a,netdev1=b,mac1=52:54:00:f0:00:11 \
           -monitor stdio 2>&1 ) || fail "two ports: QEMU exited with status $?: $out"
grep -q 'nfp0.p1:.*macaddr=52:54:00:f0:00:11' <<<"$out" ||
    fail "two ports: port 1 missing from 'info network': $out"
echo "ok: two ports: $(grep -c 'nfp0\.p[01]:' <<<"$out") NICs in 'info network'"

# Refused configurations: QEMU must exit non-zero with the device's message.
refuse() {
    local what=$1 want=$2 out
    shift 2
    if out=$(timeout 30 "$QEMU" -M q35 -accel tcg -m 128 -nodefaults \
                 -display none -serial none -S "$@" </dev/null 2>&1); then
        fail "$what: QEMU started"
    fi
    grep -q -- "$want" <<<"$out" || fail "$what: wrong message: $out"
    echo "ok: $what refused: $(head -n1 <<<"$out")"
}
refuse "netdev1 without netdev" "netdev1 is given but not netdev" \
    -netdev user,id=a,restrict=on -device nfp-ebpf,netdev1=a
refuse "cores=0" "cores must be" -device nfp-ebpf,cores=0
refuse "mtu-max=70000" "mtu-max must be" -device nfp-ebpf,mtu-max=70000
echo "check-device-help: all checks passed"
