# Scenario "driver-probe" (1 port): the module probes, self-tests, creates
# its netdev, answers ethtool -i/-S/-g/-l, and unloads without a trace in
# dmesg.
. ./lib.sh
. ./drvlib.sh
ktap_begin
need_ethtool
check insmod nfpe_load
dev=$(nfpe_iface 0)
check netdev-present "[ -n '$dev' ] || die 'no nfp_ebpf interface'"
check probe-message "dmesg | grep -q 'nfp_ebpf.*nfp-ebpf ABI' || die 'no probe message'"
check mac-valid "ip link show dev $dev | grep -q 'link/ether' && ! ip link show dev $dev | grep -q '00:00:00:00:00:00'"
check debugfs-caps "grep -q '^abi 1\.' $(nfpe_dbgdir)caps"
check cmd-echo "[ \"\$(cat $(nfpe_dbgdir)echo)\" = 0 ]"
check link-up "ip link set dev $dev up && sleep 1 && ip link show dev $dev | grep -q 'LOWER_UP' || die 'no carrier'"
# ethtool -i: the driver's name, the kernel's release as version (the
# module has none of its own), the device ABI, the PCI address
bus=$(basename "$(readlink "/sys/class/net/$dev/device")")
ethtool -i "$dev" > /tmp/probe-drvinfo 2>&1
sed 's/^/# /' /tmp/probe-drvinfo
check ethtool-i-driver "grep -qx 'driver: nfp_ebpf' /tmp/probe-drvinfo"
check ethtool-i-version "grep -qx \"version: \$(uname -r)\" /tmp/probe-drvinfo"
check ethtool-i-firmware "grep -qx 'firmware-version: abi 1\.[0-9]*' /tmp/probe-drvinfo"
check ethtool-i-bus-info "[ -n '$bus' ] && grep -qx 'bus-info: $bus' /tmp/probe-drvinfo"
# ethtool -S: every group of counters is there (docs/driver.md), per queue
# for every queue ethtool -l reports
nfpe_counters "$dev" > /tmp/probe-c
nq=$(ethtool -l "$dev" | awk '/^Current hardware settings/ { c = 1 } c && /^Combined:/ { print $2; exit }')
check ethtool-l "[ \"\${nq:-0}\" -ge 1 ] || die 'ethtool -l: no current combined count'"
check ethtool-S-device "cpresent /tmp/probe-c dev_errors dev_bad_register dev_bad_dma dev_bad_ring dev_bad_command dev_commands dev_resets dev_map_bytes_used"
check ethtool-S-port "cpresent /tmp/probe-c rx_packets rx_bytes rx_no_buffer rx_too_long rx_dma_errors tx_packets tx_bytes tx_errors"
check ethtool-S-driver "cpresent /tmp/probe-c drv_cmd_timeouts drv_cmd_errors drv_dev_errors drv_resets drv_lost_irqs drv_link_changes drv_tx_timeouts drv_last_err_code drv_last_err_info"
check ethtool-S-actions "cpresent /tmp/probe-c $NFPE_ACTION_COUNTERS"
check ethtool-S-queues "q=0; while [ \$q -lt ${nq:-0} ]; do cpresent /tmp/probe-c rxq\${q}_packets rxq\${q}_meta_errors txq\${q}_packets txq\${q}_busy || exit 1; q=\$((q + 1)); done; [ -z \"\$(cval /tmp/probe-c rxq${nq:-0}_packets)\" ] || die 'more queues in -S than in -l'"
check ethtool-S-no-errors "czero /tmp/probe-c $NFPE_ERR_COUNTERS"
check ethtool-S-commands "[ \"\$(cval /tmp/probe-c dev_commands)\" -gt 0 ] || die 'dev_commands is 0 after the probe'"
check ethtool-g "ethtool -g $dev | grep -q 'RX:'"
check mtu-range "ip link set dev $dev mtu 68 && ip link set dev $dev mtu 1500"
check rmmod nfpe_unload
check netdev-gone "[ -z \"\$(nfpe_ifaces)\" ]"
kmemleak_check
check dmesg-clean dmesg_clean
ktap_end
