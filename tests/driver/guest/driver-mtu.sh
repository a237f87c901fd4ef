# Scenario "driver-mtu" (1 port): MTU changes up and down while the link
# is up, then jumbo frames (host: --size 8000) echo back byte-exact.
. ./lib.sh
. ./drvlib.sh
MTU=${NFPE_MTU:-9000}
ktap_begin
check insmod nfpe_load
dev=$(nfpe_iface 0)
check echo-setup echo_setup "$dev"
check mtu-too-big "! ip link set dev $dev mtu 70000 2>/dev/null"
check mtu-too-small "! ip link set dev $dev mtu 67 2>/dev/null"
i=0
while [ $i -lt 5 ]; do
    ip link set dev "$dev" mtu 1280 && ip link set dev "$dev" mtu "$MTU" || break
    i=$((i + 1))
done
check mtu-cycles "[ $i = 5 ] || die 'MTU cycle $i failed'"
check mtu-set "[ \$(cat /sys/class/net/$dev/mtu) = $MTU ]"
check still-up "ip link show dev $dev | grep -q 'state UP' || sleep 2; ip link show dev $dev | grep -q LOWER_UP"
rx0=$(sysfs_stat "$dev" rx_packets)
ready
check jumbo-rx "wait_rx $dev $rx0 $FRAMES"
sleep 2
check jumbo-no-errors "[ \$(sysfs_stat $dev rx_errors) = 0 ]"
check rmmod nfpe_unload
kmemleak_check
check dmesg-clean dmesg_clean
ktap_end
