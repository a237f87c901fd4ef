# Scenario "offload-xdp-drop" (1 port): an XDP program that drops
# everything is offloaded with `ip link ... xdpoffload`; the host sends
# $FRAMES frames; the device's xdp_drop counter must equal the frames
# sent and none may reach the stack.  Then: bpftool sees the program on
# the device and dumps its image, a device reset restores it (the frames
# are sent after the reset), the program's own device counters (ethtool
# -S xdp_prog_*), atomic replace, native and offloaded XDP at
# once, detach.
. ./lib.sh
. ./drvlib.sh
. ./offlib.sh
ktap_begin
nfpe_load_port0
check port-up port_up "$dev"
check mount-bpffs mount_bpffs
check xdpoffload-drop "ip link set dev $dev xdpoffload obj $PROGS/xdp_drop.bpf.o sec xdp"
check link-shows-xdpoffload "ip link show dev $dev | grep -q xdpoffload || die \"\$(ip link show dev $dev)\""
id=$(prog_id xdp_drop)
check bpftool-prog-offloaded "bpftool prog show id $id | tee /dev/stderr | grep -q 'offloaded_to $dev'"
# the image is the program's jited form; Debian's bpftool has no libbfd
# and will not dump it, so prog-jited reads it (BPF_OBJ_GET_INFO_BY_FD)
jlen=$(bpftool -j prog show id "$id" | sed -n 's/.*"bytes_jited":\([0-9]*\).*/\1/p')
check bpftool-jited-size "[ -n '$jlen' ] && [ '$jlen' -gt 80 ] || die \"\$(bpftool prog show id $id)\""
check jited-is-device-image "/nfpe/extra/prog-jited $id > /tmp/img && [ \$(head -c 4 /tmp/img) = NFPE ] && [ \$(wc -c < /tmp/img) = '$jlen' ] || die 'not an NFPE image of $jlen bytes'"
# a device reset unloads everything: the driver loads and attaches again
dbg=$(nfpe_dbgdir)
check reset-restores-program "echo 1 > ${dbg}reset && dmesg | grep -q 'device reset and recovered' && ip link show dev $dev | grep -q xdpoffload"
rx0=$(sysfs_stat "$dev" rx_packets)
d0=$(dstat "$dev" xdp_drop)
ready
check device-dropped-all "wait_dstat $dev xdp_drop $((d0 + FRAMES))"
sleep 1
d=$(( $(dstat "$dev" xdp_drop) - d0 ))
rx=$(( $(sysfs_stat "$dev" rx_packets) - rx0 ))
echo "# device xdp_drop +$d, stack rx +$rx (sent $FRAMES)"
check xdp-drop-equals-sent "[ $d = $FRAMES ] || die 'xdp_drop +$d, sent $FRAMES'"
check nothing-reached-stack "[ $rx = 0 ] || die '$rx frames reached the stack'"
check no-prog-errors "[ \$(dstat $dev prog_errors) = 0 ] || die 'prog_errors \$(dstat $dev prog_errors)'"
check prog-ran "[ \$(dstat $dev prog_insns) -gt 0 ] || die 'prog_insns 0'"
# the device's counters of this program (PROG_STATS, since the reset's
# re-attach): one run per frame, its instructions and cycles, no error
r=$(dstat "$dev" xdp_prog_runs)
echo "# xdp_prog_runs $r xdp_prog_insns $(dstat "$dev" xdp_prog_insns) xdp_prog_cycles $(dstat "$dev" xdp_prog_cycles) (sent $FRAMES)"
check prog-stats-runs-equal-sent "[ '$r' = $FRAMES ] || die 'xdp_prog_runs $r, sent $FRAMES'"
check prog-stats-insns-cycles "[ \$(dstat $dev xdp_prog_insns) -ge $FRAMES ] && [ \$(dstat $dev xdp_prog_cycles) -ge $FRAMES ] && [ \$(dstat $dev xdp_prog_errors) = 0 ]"
check prog-stats-no-tc-prog "[ \$(dstat $dev tc_prog_runs) = 0 ]"
check replace-without-force-refused "must_fail_with 'already attached' ip link set dev $dev xdpoffload obj $PROGS/xdp_pass.bpf.o sec xdp"
check atomic-replace "ip -force link set dev $dev xdpoffload obj $PROGS/xdp_pass.bpf.o sec xdp && bpftool prog show | grep -q 'name xdp_pass'"
check native-and-offloaded "ip link set dev $dev xdpdrv obj $PROGS/xdp_pass.bpf.o sec xdp && ip link show dev $dev | grep -q xdpmulti || die \"\$(ip link show dev $dev)\""
check detach-native "ip link set dev $dev xdpdrv off"
check detach-offloaded "ip link set dev $dev xdpoffload off && ! ip link show dev $dev | grep -q xdp"
check prog-stats-zero-when-detached "[ \$(dstat $dev xdp_prog_runs) = 0 ]"
check no-offloaded-prog-left "wait_no_offloaded_prog"
check rmmod nfpe_unload
check dmesg-clean dmesg_clean
ktap_end
