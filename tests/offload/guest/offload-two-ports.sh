# Scenario "offload-two-ports" (2 ports): XDP drop offloaded on port 0,
# XDP pass on port 1; the host sends $FRAMES frames to each port.  Each
# port's device counters must show its own program's verdicts.  The
# module is removed with both programs attached.
. ./lib.sh
. ./drvlib.sh
. ./offlib.sh
ktap_begin
check insmod nfpe_load
d0=$(nfpe_iface 0)
d1=$(nfpe_iface 1)
check two-netdevs "[ -n '$d0' ] && [ -n '$d1' ] || die 'ports: $d0 $d1'"
[ -n "$d1" ] || { ktap_end; exit 1; }
check ports-up "port_up $d0 && port_up $d1"
check offload-port0-drop "ip link set dev $d0 xdpoffload obj $PROGS/xdp_drop.bpf.o sec xdp"
check offload-port1-pass "ip link set dev $d1 xdpoffload obj $PROGS/xdp_pass.bpf.o sec xdp"
check program-bound-per-port "bpftool prog show | grep -q 'name xdp_drop .*offloaded_to $d0' && bpftool prog show | grep -q 'name xdp_pass .*offloaded_to $d1'"
ready
check port0-dropped "wait_dstat $d0 xdp_drop $FRAMES"
check port1-passed "wait_dstat $d1 xdp_pass $FRAMES"
sleep 1
check port0-only-drops "[ \$(dstat $d0 xdp_drop) = $FRAMES ] && [ \$(dstat $d0 xdp_pass) = 0 ] || die \"port 0: drop \$(dstat $d0 xdp_drop) pass \$(dstat $d0 xdp_pass)\""
check port1-only-passes "[ \$(dstat $d1 xdp_pass) = $FRAMES ] && [ \$(dstat $d1 xdp_drop) = 0 ] || die \"port 1: pass \$(dstat $d1 xdp_pass) drop \$(dstat $d1 xdp_drop)\""
check port1-stack-received "[ \$(sysfs_stat $d1 rx_packets) -ge $FRAMES ]"
check port0-stack-nothing "[ \$(sysfs_stat $d0 rx_packets) = 0 ]"
check rmmod-with-both-attached nfpe_unload
check no-offloaded-prog-left "wait_no_offloaded_prog"
check dmesg-clean dmesg_clean
ktap_end
