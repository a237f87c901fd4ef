# Scenario "driver-all": every driver scenario in one boot, for kernels that
# boot slowly (KASAN): one boot and one kmemleak pass instead of one per
# scenario.  Needs the device with 2 ports and fault-inject=on.  KUnit is
# not a phase: kunit.enable=1 would run the module's suites at every insmod
# (6.1), which doubled the time of the reload cycles on KASAN.
#
# Each scenario runs as it does alone (driver-NAME.sh, added to the guest
# too), its KTAP indented as a subtest named NAME (results: guest.NAME.*).
# With NFPE_PHASE=NAME its `ready` prints "NFPE-READY NAME", and the
# launcher runs the host command given for that phase
# (run-vm-test.py --host-phase NAME=CMD); `host_done` prints
# "NFPE-DONE NAME", which stops it (rx-pressure asks for its two host
# phases by their own names, pressure-some and pressure-dry).  kmemleak
# runs once, at the end, over every load of the module
# (NFPE_KMEMLEAK_LATER=1 for the scenarios).
# recovery comes last: it makes the driver log errors on purpose, which
# the other scenarios' dmesg checks would count.
#
# Parameters (nfpe.KEY=VALUE): phases (default: all, in this order),
# traffic_frames, two_ports_frames, mtu_frames, reload_cycles, and
# frame_size, mtu_frame_size (must match the host phase commands).
. ./lib.sh
. ./drvlib.sh
PHASES=${NFPE_PHASES:-probe traffic two-ports mtu rx-pressure reload recovery}

phase_env() {
    case "$1" in
    traffic) echo "NFPE_FRAMES=${NFPE_TRAFFIC_FRAMES:-2000} NFPE_FRAME_SIZE=${NFPE_FRAME_SIZE:-128}";;
    two-ports) echo "NFPE_FRAMES=${NFPE_TWO_PORTS_FRAMES:-1000} NFPE_FRAME_SIZE=${NFPE_FRAME_SIZE:-128}";;
    mtu) echo "NFPE_FRAMES=${NFPE_MTU_FRAMES:-200} NFPE_FRAME_SIZE=${NFPE_MTU_FRAME_SIZE:-8000}";;
    rx-pressure) echo "NFPE_FRAMES=2000 NFPE_FRAME_SIZE=128";;
    reload) echo "NFPE_CYCLES=${NFPE_RELOAD_CYCLES:-20}";;
    esac
}

ktap_begin
for p in $PHASES; do
    t0=$(cut -d' ' -f1 /proc/uptime)
    echo "    # Subtest: $p"
    # shellcheck disable=SC2046
    { env NFPE_PHASE="$p" NFPE_KMEMLEAK_LATER=1 $(phase_env "$p") sh "./driver-$p.sh" 2>&1
      echo $? > /tmp/driver-all.rc; } | while IFS= read -r l; do echo "    $l"; done
    t1=$(cut -d' ' -f1 /proc/uptime)
    echo "# $p: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
    if [ "$(cat /tmp/driver-all.rc)" = 0 ]; then pass "$p"; else fail "$p" "scenario $p failed"; fi
done
# the module's loads of every phase are in NFPE_RANGES
kmemleak_check
check dmesg-no-bugs dmesg_no_bugs
ktap_end
