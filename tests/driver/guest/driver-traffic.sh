# Scenario "driver-traffic" (1 port): the guest echoes every frame back
# (tc mirred); the host (nfpe-traffic --expect-echo) checks every frame
# comes back byte-exact.  Then the counters must agree: sysfs, the
# driver's per-queue counters and the device's STATS.
. ./lib.sh
. ./drvlib.sh
ktap_begin
check insmod nfpe_load
dev=$(nfpe_iface 0)
check netdev-present "[ -n '$dev' ] || die 'no nfp_ebpf interface'"
[ -n "$dev" ] || { ktap_end; exit 1; }
check echo-setup echo_setup "$dev"
rx0=$(sysfs_stat "$dev" rx_packets)
tx0=$(sysfs_stat "$dev" tx_packets)
ready
check rx-frames "wait_rx $dev $rx0 $FRAMES || die 'received \$(( \$(sysfs_stat $dev rx_packets) - $rx0 )) of $FRAMES frames'"
sleep 2
rx=$(( $(sysfs_stat "$dev" rx_packets) - rx0 ))
tx=$(( $(sysfs_stat "$dev" tx_packets) - tx0 ))
echo "# $dev: rx $rx tx $tx (expected $FRAMES)"
check tx-frames "[ $tx -ge $FRAMES ] || die 'echoed $tx of $FRAMES'"
check no-rx-errors "[ \$(sysfs_stat $dev rx_errors) = 0 ] && [ \$(sysfs_stat $dev rx_dropped) = 0 ]"
if have_ethtool; then
    check counters-driver-vs-sysfs "[ \$(estat $dev rxq0_packets) -le \$(sysfs_stat $dev rx_packets) ] && [ \$(ethtool -S $dev | awk '/^ *rxq[0-9]+_packets:/ { s += \$2 } END { print s }') = \$(sysfs_stat $dev rx_packets) ]"
    check counters-device-rx "[ \$(estat $dev rx_packets) -ge $rx ] || die 'device rx_packets \$(estat $dev rx_packets) < driver $rx'"
    check counters-device-tx "[ \$(estat $dev tx_packets) = \$(sysfs_stat $dev tx_packets) ] || die 'device tx_packets \$(estat $dev tx_packets) != sysfs \$(sysfs_stat $dev tx_packets)'"
    check counters-no-meta-errors "[ \$(ethtool -S $dev | awk '/meta_errors:/ { s += \$2 } END { print s }') = 0 ]"
else
    skip counters-device "no ethtool in the initramfs"
fi
check rmmod-with-traffic-done nfpe_unload
kmemleak_check
check dmesg-clean dmesg_clean
ktap_end
