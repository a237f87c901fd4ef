# Scenario "driver-recovery" (1 port, device created with fault-inject=on):
# reset and recovery while frames flow.  A forced reset (debugfs), a
# command that never completes (FAULT_CMD_TIMEOUT: the driver resets the
# device), a failing command (FAULT_CMD_ERROR), malformed metadata
# (FAULT_BAD_META: dropped and counted) and a lost interrupt
# (FAULT_LOST_IRQ: found by the service poll).  Traffic must keep flowing
# after each, and the driver's counters (ethtool -S) must count each.
. ./lib.sh
. ./drvlib.sh
ktap_begin
need_ethtool
check insmod nfpe_load
dev=$(nfpe_iface 0)
dbg=$(nfpe_dbgdir)
check echo-setup echo_setup "$dev"
ready
rx0=$(sysfs_stat "$dev" rx_packets)
check traffic-before "wait_rx $dev $rx0 10"

r0=$(estat "$dev" drv_resets)
check forced-reset "echo 1 > ${dbg}reset"
check forced-reset-counted "[ \$(estat $dev drv_resets) -gt $r0 ]"
rx0=$(sysfs_stat "$dev" rx_packets)
check traffic-after-reset "wait_rx $dev $rx0 10"

# the device must offer all four faults (the meson tests create it so)
check fault-inject-offered "grep -qx 'fault_inject 0xf' ${dbg}caps ||
    die 'device without fault injection: $(grep fault_inject ${dbg}caps) (-device nfp-ebpf,fault-inject=on)'"
if grep -qx 'fault_inject 0xf' "${dbg}caps"; then
    e0=$(estat "$dev" drv_cmd_errors)
    check cmd-error "echo 2 > ${dbg}fault_inject; [ \"\$(cat ${dbg}echo)\" = -5 ]"
    check cmd-error-counted "[ \$(estat $dev drv_cmd_errors) -gt $e0 ]"
    t0=$(estat "$dev" drv_cmd_timeouts)
    r0=$(estat "$dev" drv_resets)
    check cmd-timeout "echo 1 > ${dbg}fault_inject; [ \"\$(cat ${dbg}echo)\" = -110 ]"
    sleep 3
    check recovered-after-timeout "dmesg | grep -q 'device reset and recovered' && [ \"\$(cat ${dbg}echo)\" = 0 ]"
    check cmd-timeout-counted "[ \$(estat $dev drv_cmd_timeouts) -gt $t0 ] && [ \$(estat $dev drv_resets) -gt $r0 ]"
    rx0=$(sysfs_stat "$dev" rx_packets)
    check traffic-after-timeout "wait_rx $dev $rx0 10"
    e0=$(sysfs_stat "$dev" rx_errors)
    m0=$(ethtool -S "$dev" | awk '/^ *rxq[0-9]+_meta_errors:/ { s += $2 } END { print s + 0 }')
    check bad-meta "echo 4 > ${dbg}fault_inject; sleep 2; [ \$(sysfs_stat $dev rx_errors) -gt $e0 ]"
    check bad-meta-counted "[ \$(ethtool -S $dev | awk '/^ *rxq[0-9]+_meta_errors:/ { s += \$2 } END { print s + 0 }') -gt $m0 ]"
    # which interrupt goes missing depends on timing, and NAPI's re-check
    # after re-arming may find the work first: drv_lost_irqs need not move
    check lost-irq "echo 8 > ${dbg}fault_inject; r=\$(sysfs_stat $dev rx_packets); wait_rx $dev \$r 10"
    echo "# drv_lost_irqs $(estat "$dev" drv_lost_irqs)"
fi
check rmmod-with-traffic nfpe_unload
host_done
kmemleak_check
# recovery paths log errors on purpose: look only for bugs
check dmesg-no-bugs dmesg_no_bugs
ktap_end
