# Scenario "driver-rx-pressure" (1 port; host phases pressure-some,
# pressure-dry): RX buffer allocations fail on purpose (the kernel's fault
# injection, debugfs fail_rx_alloc/ of the device) and no frame may be
# lost; the guest echoes every frame (tc mirred), the host checks each
# echo byte-exact.
#   pressure-some  half of the allocations fail while $FRAMES frames come
#                  in: the ring runs short and is refilled later
#   pressure-dry   every allocation fails: the ring runs dry after the
#                  buffers it had, the rest of the frames wait (the device
#                  takes a frame only into a posted buffer, QEMU's backend
#                  holds them); then allocations work again and they all
#                  arrive
# Counters: exactly the frames sent, in and out, everywhere; rxqN_alloc_fail
# grew (the injection bit); no other error counter moved.
. ./lib.sh
. ./drvlib.sh
SIZE=${NFPE_FRAME_SIZE:-128}
# the dry phase's frames: more than the ring holds (the host sends them)
DRY_FRAMES=${NFPE_DRY_FRAMES:-1000}

# fail_rx_alloc/ knobs: PROBABILITY (percent), failing forever, silently
fail_rx() {
    _fd=${dbg}fail_rx_alloc
    echo 0 > "$_fd/verbose" && echo 1 > "$_fd/interval" &&
        echo -1 > "$_fd/times" && echo "$1" > "$_fd/probability"
}
# check_echo_counters' error counters: all but rxqs_alloc_fail, which
# must grow here
ECHO_ERR_COUNTERS=$(echo "$NFPE_ERR_COUNTERS" | sed 's/ rxqs_alloc_fail / /')

ktap_begin
need_ethtool
nfpe_load_port0
dbg=$(nfpe_dbgdir)
check fail-rx-alloc-present "[ -f '${dbg}fail_rx_alloc/probability' ] ||
    die 'no ${dbg}fail_rx_alloc/ (kernel without CONFIG_FAULT_INJECTION_DEBUG_FS?)'"
check echo-setup echo_setup "$dev"
RING=$(ethtool -g "$dev" | awk '/^Current/ { c = 1 } c && $1 == "RX:" { print $2; exit }')
echo "# RX ring: $RING buffers"

# --- half of the allocations fail ---
nfpe_counters "$dev" > /tmp/pressure-c0
rx0=$(cval /tmp/pressure-c0 sys_rx_packets)
check fail-half fail_rx 50
host_phase pressure-some
check some-rx-frames "wait_rx $dev $rx0 $FRAMES || die \"received \$(( \$(sysfs_stat $dev rx_packets) - $rx0 )) of $FRAMES frames\""
check fail-off fail_rx 0
# the last echoes leave; the ring fills up again
sleep 2
nfpe_counters "$dev" > /tmp/pressure-c1
check some-alloc-failed "[ \$(( \$(cval /tmp/pressure-c1 rxqs_alloc_fail) - \$(cval /tmp/pressure-c0 rxqs_alloc_fail) )) -gt 0 ] ||
    die 'rxqs_alloc_fail did not grow: the injection did not bite'"
echo "# some: rxqs_alloc_fail +$(( $(cval /tmp/pressure-c1 rxqs_alloc_fail) - $(cval /tmp/pressure-c0 rxqs_alloc_fail) ))"
check_echo_counters /tmp/pressure-c0 /tmp/pressure-c1 "$dev" "$FRAMES" "$SIZE" some-

# --- every allocation fails: the ring runs dry ---
rx1=$(sysfs_stat "$dev" rx_packets)
check fail-all fail_rx 100
host_phase pressure-dry
frames_start "$rx1" sysfs_stat "$dev" rx_packets
# wait until no frame came in for a second: the ring is dry
_last=-1
_i=0
while :; do
    _now=$(sysfs_stat "$dev" rx_packets)
    [ "$_now" = "$_last" ] && break
    _last=$_now
    _i=$((_i + 1))
    [ $_i -lt $((WAIT)) ] || break
    sleep 1
done
got=$((_last - rx1))
echo "# dry: the ring took $got frames, then ran dry ($DRY_FRAMES sent)"
check dry-stalled "[ $got -lt $DRY_FRAMES ] || die 'all $DRY_FRAMES frames arrived: the ring never ran dry'"
check dry-took-ring "[ $got -ge $((RING / 2)) ] || die 'only $got frames before the ring ran dry (ring $RING)'"
check fail-off-again fail_rx 0
check dry-rx-frames "wait_rx $dev $rx1 $DRY_FRAMES || die \"received \$(( \$(sysfs_stat $dev rx_packets) - $rx1 )) of $DRY_FRAMES frames\""
sleep 2
nfpe_counters "$dev" > /tmp/pressure-c2
check_echo_counters /tmp/pressure-c1 /tmp/pressure-c2 "$dev" "$DRY_FRAMES" "$SIZE" dry-
check rmmod nfpe_unload
kmemleak_check
check dmesg-clean dmesg_clean
ktap_end
