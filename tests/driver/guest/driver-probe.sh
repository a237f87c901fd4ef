# Scenario "driver-probe" (1 port): the module probes, self-tests, creates
# its netdev, answers ethtool -i, and unloads without a trace in dmesg.
. ./lib.sh
. ./drvlib.sh
ktap_begin
check insmod nfpe_load
dev=$(nfpe_iface 0)
check netdev-present "[ -n '$dev' ] || die 'no nfp_ebpf interface'"
check probe-message "dmesg | grep -q 'nfp_ebpf.*nfp-ebpf ABI' || die 'no probe message'"
check mac-valid "ip link show dev $dev | grep -q 'link/ether' && ! ip link show dev $dev | grep -q '00:00:00:00:00:00'"
check debugfs-caps "grep -q '^abi 1\.' $(nfpe_dbgdir)caps"
check cmd-echo "[ \"\$(cat $(nfpe_dbgdir)echo)\" = 0 ]"
check link-up "ip link set dev $dev up && sleep 1 && ip link show dev $dev | grep -q 'LOWER_UP' || die 'no carrier'"
if have_ethtool; then
    check ethtool-i "ethtool -i $dev | grep -q '^driver: nfp_ebpf'"
    check ethtool-S "ethtool -S $dev | grep -q 'dev_commands:' && ethtool -S $dev | grep -q 'rxq0_packets:'"
    check ethtool-g "ethtool -g $dev | grep -q 'RX:'"
else
    skip ethtool-i "no ethtool in the initramfs"
fi
check mtu-range "ip link set dev $dev mtu 68 && ip link set dev $dev mtu 1500"
check rmmod nfpe_unload
check netdev-gone "[ -z \"\$(nfpe_ifaces)\" ]"
kmemleak_check
check dmesg-clean dmesg_clean
ktap_end
