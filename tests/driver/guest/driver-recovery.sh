# Scenario "driver-recovery" (1 port, device with fault_inject=on): reset
# and recovery while frames flow.  A forced reset (debugfs), a command that
# never completes (FAULT_CMD_TIMEOUT: the driver resets the device), a
# failing command (FAULT_CMD_ERROR), malformed metadata (FAULT_BAD_META:
# dropped and counted) and a lost interrupt (FAULT_LOST_IRQ: found by the
# service poll).  Traffic must keep flowing after each.
. ./lib.sh
. ./drvlib.sh
ktap_begin
check insmod nfpe_load
dev=$(nfpe_iface 0)
dbg=$(nfpe_dbgdir)
check echo-setup echo_setup "$dev"
ready
rx0=$(sysfs_stat "$dev" rx_packets)
check traffic-before "wait_rx $dev $rx0 10"

check forced-reset "echo 1 > ${dbg}reset"
rx0=$(sysfs_stat "$dev" rx_packets)
check traffic-after-reset "wait_rx $dev $rx0 10"

if grep -q 'fault_inject 0x0$' "${dbg}caps"; then
    skip fault-injection "device created without fault injection"
else
    check cmd-error "echo 2 > ${dbg}fault_inject; [ \"\$(cat ${dbg}echo)\" = -5 ]"
    check cmd-timeout "echo 1 > ${dbg}fault_inject; [ \"\$(cat ${dbg}echo)\" = -110 ]"
    sleep 3
    check recovered-after-timeout "dmesg | grep -q 'device reset and recovered' && [ \"\$(cat ${dbg}echo)\" = 0 ]"
    rx0=$(sysfs_stat "$dev" rx_packets)
    check traffic-after-timeout "wait_rx $dev $rx0 10"
    e0=$(sysfs_stat "$dev" rx_errors)
    check bad-meta "echo 4 > ${dbg}fault_inject; sleep 2; [ \$(sysfs_stat $dev rx_errors) -gt $e0 ]"
    check lost-irq "echo 8 > ${dbg}fault_inject; r=\$(sysfs_stat $dev rx_packets); wait_rx $dev \$r 10"
fi
check rmmod nfpe_unload
kmemleak_check
# recovery paths log errors on purpose: look only for bugs
check dmesg-no-bugs dmesg_no_bugs
ktap_end
