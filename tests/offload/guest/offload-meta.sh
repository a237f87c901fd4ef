# Scenario "offload-meta" (1 port): metadata end to end.  The offloaded
# XDP program writes 4 bytes in front of each frame with
# bpf_xdp_adjust_meta and passes it; the device hands them to the driver
# in the RX metadata and the driver puts them in the skb; a host-side
# (skip_hw) cls_bpf program reads them through data_meta and counts the
# frames that carry them.  The host sends $FRAMES frames: all must.
. ./lib.sh
. ./drvlib.sh
. ./offlib.sh
ktap_begin
nfpe_load_port0
check port-up port_up "$dev"
check xdpoffload-meta "ip link set dev $dev xdpoffload obj $PROGS/xdp_meta.bpf.o sec xdp"
check clsact "tc qdisc add dev $dev clsact"
check tc-host-reads-meta "tc filter add dev $dev ingress prio 1 bpf skip_hw da obj $PROGS/tc_read_meta.bpf.o sec tc"
mid=$(map_id metas)
ready
check device-passed-all "wait_dstat $dev xdp_pass $FRAMES"
sleep 1
m=$(map_u64 "$mid" 0)
o=$(map_u64 "$mid" 1)
echo "# frames with the XDP metadata: $m, without: $o (sent $FRAMES)"
check meta-reached-host-tc "[ '$m' = $FRAMES ] || die 'with metadata $m, without $o, sent $FRAMES'"
check no-frame-without-meta "[ '$o' = 0 ] || die '$o frames without the metadata'"
check no-aborts "[ \$(dstat $dev xdp_aborted) = 0 ] && [ \$(dstat $dev xdp_prog_errors) = 0 ]"
check detach "ip link set dev $dev xdpoffload off && tc qdisc del dev $dev clsact"
check no-offloaded-prog-left "wait_no_offloaded_prog"
check rmmod nfpe_unload
check dmesg-clean dmesg_clean
ktap_end
