# Scenario "driver-mtu" (1 port): MTU changes up and down while the link
# is up, then jumbo frames (host: --size 8000) echo back byte-exact and
# are counted exactly (bytes included) by the driver and the device.
. ./lib.sh
. ./drvlib.sh
MTU=${NFPE_MTU:-9000}
SIZE=${NFPE_FRAME_SIZE:-8000}
ktap_begin
need_ethtool
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
nfpe_counters "$dev" > /tmp/mtu-c0
rx0=$(cval /tmp/mtu-c0 sys_rx_packets)
ready
check jumbo-rx "wait_rx $dev $rx0 $FRAMES"
sleep 2
nfpe_counters "$dev" > /tmp/mtu-c1
check_echo_counters /tmp/mtu-c0 /tmp/mtu-c1 "$dev" "$FRAMES" "$SIZE" jumbo-
check rmmod nfpe_unload
kmemleak_check
check dmesg-clean dmesg_clean
ktap_end
