# Scenario "offload-replace" (1 port): while the host sends $FRAMES frames,
# the offloaded XDP program is swapped between drop and pass (ip -force,
# LOAD_IMAGE + atomic ATTACH + UNLOAD) as fast as the guest can.  Every
# frame must meet exactly one of the two programs: xdp_drop + xdp_pass =
# frames sent, nothing aborted, no program error.  Then the program is
# detached.
. ./lib.sh
. ./drvlib.sh
. ./offlib.sh
ktap_begin
nfpe_load_port0
check port-up port_up "$dev"
check xdpoffload-drop "ip link set dev $dev xdpoffload obj $PROGS/xdp_drop.bpf.o sec xdp"
# xdp_drop + xdp_pass reaches the frames sent (WAIT seconds at most)
wait_sum() {
    _i=0
    while [ $_i -lt "$WAIT" ]; do
        [ $(( $(dstat "$dev" xdp_drop) + $(dstat "$dev" xdp_pass) )) -ge "$FRAMES" ] && return 0
        sleep 1; _i=$((_i + 1))
    done
    echo "drop $(dstat "$dev" xdp_drop) + pass $(dstat "$dev" xdp_pass) < $FRAMES"
    return 1
}
ready
swaps=0
total=0
i=0
while [ $i -lt $((WAIT * 10)) ] && [ "$total" -lt "$FRAMES" ]; do
    if [ $((swaps % 2)) = 0 ]; then p=xdp_pass; else p=xdp_drop; fi
    ip -force link set dev "$dev" xdpoffload obj "$PROGS/$p.bpf.o" sec xdp || break
    swaps=$((swaps + 1))
    total=$(( $(dstat "$dev" xdp_drop) + $(dstat "$dev" xdp_pass) ))
    i=$((i + 1))
done
echo "# $swaps swaps while $total frames went through"
check swapped-under-traffic "[ $swaps -ge 2 ] || die 'only $swaps swaps'"
check all-frames-met-a-program "wait_sum"
sleep 1
dr=$(dstat "$dev" xdp_drop); pa=$(dstat "$dev" xdp_pass)
echo "# xdp_drop $dr xdp_pass $pa (sent $FRAMES)"
check drop-plus-pass-equals-sent "[ $((dr + pa)) = $FRAMES ] || die 'drop $dr + pass $pa != $FRAMES'"
check both-programs-ran "[ $dr -gt 0 ] && [ $pa -gt 0 ]"
check none-aborted "[ \$(dstat $dev xdp_aborted) = 0 ] && [ \$(dstat $dev prog_errors) = 0 ]"
check stack-got-the-passed "[ \$(sysfs_stat $dev rx_packets) = $pa ] || die \"stack \$(sysfs_stat $dev rx_packets), xdp_pass $pa\""
check detach "ip link set dev $dev xdpoffload off"
check no-offloaded-prog-left "wait_no_offloaded_prog"
check rmmod nfpe_unload
check dmesg-clean dmesg_clean
ktap_end
