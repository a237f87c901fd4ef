# Scenario "driver-traffic" (1 port): the guest echoes every frame back
# (tc mirred); the host (nfpe-traffic --expect-echo) checks every frame
# comes back byte-exact.  Then the counters must say exactly that: the
# frames and bytes sent and echoed, in ndo_get_stats64 (sysfs and
# `ip -s link`), the driver's per-queue counters and the device's port
# counters (ethtool -S); error counters 0, per-action counters present.
. ./lib.sh
. ./drvlib.sh
SIZE=${NFPE_FRAME_SIZE:-128}
ktap_begin
need_ethtool
nfpe_load_port0
check echo-setup echo_setup "$dev"
nfpe_counters "$dev" > /tmp/traffic-c0
rx0=$(cval /tmp/traffic-c0 sys_rx_packets)
ready
check rx-frames "wait_rx $dev $rx0 $FRAMES || die \"received \$(( \$(sysfs_stat $dev rx_packets) - $rx0 )) of $FRAMES frames\""
# the last echoes leave after the last frame came in
sleep 2
nfpe_counters "$dev" > /tmp/traffic-c1
echo "# $dev: $FRAMES frames of $SIZE bytes each way; ethtool -S after:"
ethtool -S "$dev" | grep -v ': 0$' | sed 's/^ */#   /'
check_echo_counters /tmp/traffic-c0 /tmp/traffic-c1 "$dev" "$FRAMES" "$SIZE"
check rmmod-after-traffic nfpe_unload
kmemleak_check
check dmesg-clean dmesg_clean
ktap_end
