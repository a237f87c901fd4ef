# Scenario "driver-two-ports" (2 ports): two netdevs with their own MACs;
# both echo frames back at the same time (host: one nfpe-traffic per port).
. ./lib.sh
. ./drvlib.sh
ktap_begin
check insmod nfpe_load
d0=$(nfpe_iface 0)
d1=$(nfpe_iface 1)
check two-netdevs "[ -n '$d0' ] && [ -n '$d1' ] || die 'interfaces: $(nfpe_ifaces | tr '\n' ' ')'"
check distinct-macs "[ \"\$(cat /sys/class/net/$d0/address)\" != \"\$(cat /sys/class/net/$d1/address)\" ]"
check echo-p0 echo_setup "$d0"
check echo-p1 echo_setup "$d1"
a0=$(sysfs_stat "$d0" rx_packets)
a1=$(sysfs_stat "$d1" rx_packets)
ready
check rx-p0 "wait_rx $d0 $a0 $FRAMES"
check rx-p1 "wait_rx $d1 $a1 $FRAMES"
sleep 2
check tx-p0 "[ \$(sysfs_stat $d0 tx_packets) -ge $FRAMES ]"
check tx-p1 "[ \$(sysfs_stat $d1 tx_packets) -ge $FRAMES ]"
check rmmod nfpe_unload
kmemleak_check
check dmesg-clean dmesg_clean
ktap_end
