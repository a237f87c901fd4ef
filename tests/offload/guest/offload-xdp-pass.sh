# Scenario "offload-xdp-pass" (1 port): an offloaded XDP program passes
# every frame; the host sends $FRAMES frames; the device's xdp_pass and
# the stack's rx_packets must both count them all.  The program has a
# branch the verifier proves dead, holding an unchecked packet load: the
# driver must accept it (the verifier removes that code).  Unloading the module
# with the program attached must be clean.
. ./lib.sh
. ./drvlib.sh
. ./offlib.sh
ktap_begin
nfpe_load_port0
check port-up port_up "$dev"
check xdpoffload-pass-dead-branch "ip link set dev $dev xdpoffload obj $PROGS/xdp_dead_branch.bpf.o sec xdp"
rx0=$(sysfs_stat "$dev" rx_packets)
p0=$(dstat "$dev" xdp_pass)
ready
check device-passed-all "wait_dstat $dev xdp_pass $((p0 + FRAMES))"
check stack-received-all "wait_rx $dev $rx0 $FRAMES || die 'stack got \$(( \$(sysfs_stat $dev rx_packets) - $rx0 )) of $FRAMES'"
sleep 1
p=$(( $(dstat "$dev" xdp_pass) - p0 ))
echo "# device xdp_pass +$p (sent $FRAMES)"
check xdp-pass-equals-sent "[ $p = $FRAMES ] || die 'xdp_pass +$p, sent $FRAMES'"
check no-drops "[ \$(dstat $dev xdp_drop) = 0 ] && [ \$(dstat $dev xdp_aborted) = 0 ]"
check rmmod-while-attached nfpe_unload
check dmesg-clean dmesg_clean
ktap_end
