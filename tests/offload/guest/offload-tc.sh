# Scenario "offload-tc" (1 port): a cls_bpf direct-action program that
# sets skb->mark is offloaded with `tc filter ... skip_sw da`; a host-side
# (skip_hw) cls_bpf program counts the frames reaching the guest's stack
# by mark; an offloaded XDP pass program runs before it on the device.
# The host sends $FRAMES frames: all must pass XDP and arrive with the
# mark the device's tc program set; the device counts one run of each
# program per frame (ethtool -S xdp_prog_runs, tc_prog_runs).  Then the refusals of the tc path.
. ./lib.sh
. ./drvlib.sh
. ./offlib.sh
ktap_begin
nfpe_load_port0
check port-up port_up "$dev"
check hw-tc-offload-on "$ETHTOOL -k $dev | grep -q 'hw-tc-offload: on'"
check clsact "tc qdisc add dev $dev clsact"
check tc-offload-mark "tc filter add dev $dev ingress prio 1 bpf skip_sw da obj $PROGS/tc_mark.bpf.o sec tc"
check tc-filter-in-hw "tc filter show dev $dev ingress | tee /dev/stderr | grep -qw in_hw"
check tc-host-counter "tc filter add dev $dev ingress prio 2 bpf skip_hw da obj $PROGS/tc_count_mark.bpf.o sec tc"
# the device runs XDP first, then cls_bpf: both offloaded at once
check xdp-pass-too "ip link set dev $dev xdpoffload obj $PROGS/xdp_pass.bpf.o sec xdp"
mid=$(map_id marks)
t0=$(dstat "$dev" tc_ok)
ready
check device-ran-tc "wait_dstat $dev tc_ok $((t0 + FRAMES))"
sleep 1
m=$(map_u64 "$mid" 0)
o=$(map_u64 "$mid" 1)
echo "# frames with mark 0x2a: $m, other: $o (sent $FRAMES)"
check mark-reached-stack "[ '$m' = $FRAMES ] || die 'marked $m, unmarked $o, sent $FRAMES'"
check no-unmarked "[ '$o' = 0 ] || die '$o frames without the mark'"
check xdp-ran-before-tc "[ \$(dstat $dev xdp_pass) = $FRAMES ] || die \"xdp_pass \$(dstat $dev xdp_pass)\""
# the device's counters of each program (PROG_STATS): one run per frame
r=$(dstat "$dev" tc_prog_runs)
echo "# tc_prog_runs $r tc_prog_insns $(dstat "$dev" tc_prog_insns), xdp_prog_runs $(dstat "$dev" xdp_prog_runs) (sent $FRAMES)"
check tc-prog-runs-equal-sent "[ '$r' = $FRAMES ] || die 'tc_prog_runs $r, sent $FRAMES'"
check xdp-prog-runs-equal-sent "[ \$(dstat $dev xdp_prog_runs) = $FRAMES ] && [ \$(dstat $dev tc_prog_errors) = 0 ]"
# tc has nowhere to show them: cls_bpf counts only in actions, and an
# offloaded filter has none (the driver answers TC_CLSBPF_STATS with 0)
echo "# tc -s filter show:"
tc -s filter show dev "$dev" ingress prio 1 | sed 's/^/#   /'
check tc-stats-dump-ok "tc -s filter show dev $dev ingress prio 1 | grep -qw in_hw"
check xdp-detach "ip link set dev $dev xdpoffload off"
check second-offload-refused "must_fail_with 'only one cls_bpf program per port' tc filter add dev $dev ingress prio 3 bpf skip_sw da obj $PROGS/tc_mark.bpf.o sec tc"
check legacy-actions-refused "must_fail_with 'only direct action with no legacy actions supported' tc filter add dev $dev ingress prio 4 bpf skip_sw obj $PROGS/tc_mark.bpf.o sec tc"
check da-with-actions-refused "must_fail_with 'only direct action with no legacy actions supported' tc filter add dev $dev ingress prio 7 bpf skip_sw da obj $PROGS/tc_mark.bpf.o sec tc action pass"
check protocol-ip-refused "must_fail_with 'only ETH_P_ALL supported as filter protocol' tc filter add dev $dev ingress prio 5 protocol ip bpf skip_sw da obj $PROGS/tc_mark.bpf.o sec tc"
check without-skip-sw-stays-in-software "tc filter add dev $dev ingress prio 6 bpf da obj $PROGS/tc_mark.bpf.o sec tc && tc filter show dev $dev ingress prio 6 | grep -qw not_in_hw && tc filter del dev $dev ingress prio 6"
check tc-replace "tc filter replace dev $dev ingress prio 1 handle 1 bpf skip_sw da obj $PROGS/tc_mark.bpf.o sec tc && tc filter show dev $dev ingress | grep -qw in_hw"
check tc-delete "tc filter del dev $dev ingress prio 1 && ! tc filter show dev $dev ingress | grep -qw in_hw"
check tc-offload-again "tc filter add dev $dev ingress prio 1 bpf skip_sw da obj $PROGS/tc_mark.bpf.o sec tc"
check qdisc-del "tc qdisc del dev $dev clsact && wait_no_offloaded_prog"
check rmmod nfpe_unload
check dmesg-clean dmesg_clean
ktap_end
