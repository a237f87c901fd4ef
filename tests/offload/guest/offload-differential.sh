# Scenario "offload-differential" (2 ports, cabled: run-vm-test --nfp-wire):
# for each test program, offload-diff runs it in the kernel with
# BPF_PROG_TEST_RUN and offloaded on port 0, sends the same corpus through
# both (into port 0 over the cable from port 1), and compares verdict,
# output bytes and every map after every packet.  One result per program;
# its summary (packets, verdicts counted) is printed as diagnostics.
. ./lib.sh
. ./drvlib.sh
. ./offlib.sh
DIFF=/nfpe/extra/offload-diff
ktap_begin
check insmod nfpe_load
d0=$(nfpe_iface 0)
d1=$(nfpe_iface 1)
check two-netdevs "[ -n '$d0' ] && [ -n '$d1' ] || die 'ports: $d0 $d1'"
[ -n "$d1" ] || { ktap_end; exit 1; }
check ports-up "port_up $d0 && port_up $d1"
check bpffs mount_bpffs
# the cable works before anything is attached: a frame sent on port 1
# reaches port 0's stack (counted by the device as received)
check wire-carries-frames "before=\$(dstat $d0 rx_packets); $DIFF --dev $d0 --peer $d1 --probe-wire && [ \$(dstat $d0 rx_packets) -gt \$before ]"
# the comparison can fail: the kernel runs diff_swap_tx, the device xdp_pass
catches_difference() {
    _out=$($DIFF --dev "$d0" --peer "$d1" --device-obj "$PROGS/xdp_pass.bpf.o" "$PROGS/diff_swap_tx.bpf.o" 2>&1) &&
        { printf '%s\n' "$_out"; die 'no difference found'; }
    printf '%s\n' "$_out" | tail -n 1
    printf '%s\n' "$_out" | grep -q 'kernel: return 3 -> xdp_tx, to the wire; device: xdp_pass, to the stack' ||
        { printf '%s\n' "$_out"; die 'the XDP_TX/pass difference was not reported'; }
}
check differential-catches-a-difference catches_difference
for p in xdp_count diff_swap_tx diff_encap diff_firewall diff_alu diff_alu_v3 diff_misc diff_tc; do
    check "differential-$p" "$DIFF --dev $d0 --peer $d1 $PROGS/$p.bpf.o > /tmp/$p.log 2>&1; rc=\$?; cat /tmp/$p.log; exit \$rc"
    tail -n 1 "/tmp/$p.log"    # the summary, in the console log
done
check no-program-left "! ip link show dev $d0 | grep -q xdpoffload && ! tc filter show dev $d0 ingress 2>/dev/null | grep -q bpf"
check device-no-errors "[ \"\$(dstat $d0 prog_errors)\" = 0 ] || die \"prog_errors \$(dstat $d0 prog_errors)\""
check rmmod nfpe_unload
check no-offloaded-prog-left "wait_no_offloaded_prog"
check dmesg-clean dmesg_clean
ktap_end
