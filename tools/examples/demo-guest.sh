# Scenario "demo" (tools/demo, 1 port): offload tools/examples/xdp_demo.bpf.c
# with `ip link ... xdpoffload`, let the host send the demo capture, then
# show what the device did: its counters, the offloaded map, the program.
. ./lib.sh
. ./drvlib.sh
. ./offlib.sh
ktap_begin
check insmod nfpe_load
dev=$(nfpe_iface 0)
check port-up port_up "$dev"
check mount-bpffs mount_bpffs
check xdpoffload "ip link set dev $dev xdpoffload obj $PROGS/xdp_demo.bpf.o sec xdp"
echo "# ip link show dev $dev:"
ip link show dev "$dev" | sed 's/^/#   /'
echo "# bpftool prog show (the program runs on the device):"
bpftool prog show name xdp_demo | sed 's/^/#   /'
base=$(( $(dstat "$dev" xdp_drop) + $(dstat "$dev" xdp_pass) ))
ready
check all-frames-seen "wait_dstat $dev xdp_pass $((base + FRAMES * 13 / 17))"
sleep 1
echo "# ethtool -S $dev (device counters):"
"$ETHTOOL" -S "$dev" | grep -E ' (rx_packets|rx_bytes|xdp_[a-z]+|prog_insns|prog_cycles|prog_errors):' |
    sed 's/^/#   /'
echo "# bpftool map dump name proto_count (packets per IP protocol, non-zero):"
bpftool map dump name proto_count | grep -v 'value: 00 00 00 00 00 00 00 00' |
    grep -B0 'key' | sed 's/^/#   /'
check detach "ip link set dev $dev xdpoffload off"
check rmmod nfpe_unload
check dmesg-clean dmesg_clean
ktap_end
