# Scenario "driver-two-ports" (2 ports): two netdevs with their own MACs;
# both echo frames back at the same time (host: one nfpe-traffic per port,
# every frame checked byte-exact); each port's counters say exactly what
# went through it.
. ./lib.sh
. ./drvlib.sh
SIZE=${NFPE_FRAME_SIZE:-128}
ktap_begin
need_ethtool
check insmod nfpe_load
d0=$(nfpe_iface 0)
d1=$(nfpe_iface 1)
check two-netdevs "[ -n '$d0' ] && [ -n '$d1' ] || die 'interfaces: $(nfpe_ifaces | tr '\n' ' ')'"
check distinct-macs "[ \"\$(cat /sys/class/net/$d0/address)\" != \"\$(cat /sys/class/net/$d1/address)\" ]"
check echo-p0 echo_setup "$d0"
check echo-p1 echo_setup "$d1"
nfpe_counters "$d0" > /tmp/two-p0-c0
nfpe_counters "$d1" > /tmp/two-p1-c0
a0=$(cval /tmp/two-p0-c0 sys_rx_packets)
a1=$(cval /tmp/two-p1-c0 sys_rx_packets)
ready
check rx-p0 "wait_rx $d0 $a0 $FRAMES"
check rx-p1 "wait_rx $d1 $a1 $FRAMES"
sleep 2
nfpe_counters "$d0" > /tmp/two-p0-c1
nfpe_counters "$d1" > /tmp/two-p1-c1
check_echo_counters /tmp/two-p0-c0 /tmp/two-p0-c1 "$d0" "$FRAMES" "$SIZE" p0-
check_echo_counters /tmp/two-p1-c0 /tmp/two-p1-c1 "$d1" "$FRAMES" "$SIZE" p1-
check rmmod nfpe_unload
kmemleak_check
check dmesg-clean dmesg_clean
ktap_end
