# Scenario "driver-xdp-native" (2 ports; host phases drop, pass, tx,
# aborted, redirect-p1, redirect-p0, both, rmmod): native XDP (xdpdrv) on
# the guest CPU, one traffic phase of $FRAMES frames per action, the
# driver's per-queue counters (ethtool -S rxqN_xdp_*) checked against what
# was sent:
#   drop      nothing reaches the stack
#   pass      every frame reaches the stack and, echoed back by tc mirred,
#             arrives at the host byte-exact (the host checks)
#   tx        XDP_TX: the host receives every frame back byte-exact
#   aborted   counted as aborted (and the xdp:xdp_exception tracepoint
#             fires, when the kernel has tracefs events)
#   redirect  DEVMAP (bpftool prog load ... pinmaps, map update, net
#             attach): port 0 -> port 1, the host receives them on port 1;
#             then port 0 -> port 0
#   both      XDP_TX on both ports at once
#   rmmod     the module removed with programs attached, frames flowing
# Between them: replace (refused without -force), detach, reattach.
. ./lib.sh
. ./drvlib.sh
PROGS=/nfpe/extra
PIN=/sys/fs/bpf/nfpe_redirect

# host phases: host_phase and frames_start (drvlib.sh)

# sum over the queues in an ethtool -S dump FILE of rxqN_NAME (or txqN_)
qsumf() { awk -v p="^${3:-rx}q[0-9]+_$2:\$" '$1 ~ p { t += $2 } END { print t + 0 }' "$1"; }
# the same for DEV now (each ethtool -S costs device commands: one per read)
qsum() { ethtool -S "$1" > /tmp/qsum.dump && qsumf /tmp/qsum.dump "$2" "$3"; }
ACTS="xdp_drop xdp_pass xdp_tx xdp_redirect xdp_aborted xdp_tx_fail"
# remember every XDP counter of DEV (and its stack counters) as base
snap() {
    ethtool -S "$1" > /tmp/snap.dump
    for _c in $ACTS; do eval "B_$2_$_c=$(qsumf /tmp/snap.dump $_c)"; done
    eval "B_$2_rx=$(sysfs_stat "$1" rx_packets)"
    eval "B_$2_rxb=$(sysfs_stat "$1" rx_bytes)"
    eval "B_$2_xmit=$(qsumf /tmp/snap.dump xdp_xmit tx)"
}
# counter C of DEV (saved as TAG) grew by exactly N since snap
grew() { # DEV TAG C N
    case "$3" in
        rx) _v=$(sysfs_stat "$1" rx_packets);;
        rxb) _v=$(sysfs_stat "$1" rx_bytes);;
        xmit) _v=$(qsum "$1" xdp_xmit tx);;
        *) _v=$(qsum "$1" "$3");;
    esac
    eval "_b=\$B_$2_$3"
    [ $((_v - _b)) = "$4" ] || die "$1 $3 +$((_v - _b)), want +$4"
}
# every XDP action counter of DEV grew by 0 except ACT by N
only() { # DEV TAG ACT N
    ethtool -S "$1" > /tmp/only.dump
    for _c in $ACTS; do
        _w=0
        [ "$_c" = "$3" ] && _w=$4
        _v=$(qsumf /tmp/only.dump "$_c")
        eval "_b=\$B_$2_$_c"
        [ $((_v - _b)) = "$_w" ] || die "$1 $_c +$((_v - _b)), want +$_w"
    done
}
# wait (up to WAIT s) until counter C of DEV reached base + N, then a
# second more: nothing may come after
wait_grew() { # DEV TAG C N
    _i=0
    while [ $_i -lt "$WAIT" ]; do
        (grew "$@") >/dev/null 2>&1 && break
        sleep 1; _i=$((_i + 1))
    done
    sleep 1
    grew "$@"
}
# one phase (after snap and host_phase): host traffic until DEV's counter
# C grew by FRAMES
phase() { # DEV TAG C
    eval "_b=\$B_$2_$3"
    frames_start "$_b" qsum "$1" "$3" || return
    wait_grew "$1" "$2" "$3" "$FRAMES"
}
# at least N more XDP_TX on DEV than BASE (up to WAIT s)
wait_more() { # DEV BASE N
    _i=0
    while [ $(($(qsum "$1" xdp_tx) - $2)) -lt "$3" ]; do
        [ $_i -lt "$WAIT" ] || die "xdp_tx +$(($(qsum "$1" xdp_tx) - $2)), want $3"
        sleep 1; _i=$((_i + 1))
    done
}
xdp_id() { ip -d link show dev "$1" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' | head -n 1; }
prog_name_on() { # DEV NAME: the native program on DEV is NAME
    _id=$(xdp_id "$1")
    [ -n "$_id" ] || die "no XDP program on $1: $(ip -d link show dev "$1")"
    bpftool prog show id "$_id" | grep -q "name $2 " || die "on $1: $(bpftool prog show id "$_id")"
    ip link show dev "$1" | grep -q 'xdp ' || die "not native: $(ip link show dev "$1")"
}
# bytes of a u32, least significant first, for bpftool
u32_hex() { printf '%02x %02x %02x %02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
tracefs() {
    [ -d /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
    [ -d /sys/kernel/tracing/events/xdp/xdp_exception ]
}

ktap_begin
check insmod nfpe_load
d0=$(nfpe_iface 0)
d1=$(nfpe_iface 1)
check netdevs "[ -n '$d0' ] && [ -n '$d1' ] || die 'nfp_ebpf netdevs: $d0 $d1'"
need_ethtool
# port 0 echoes what reaches its stack (the pass phase); port 1 only sends
check echo-p0 echo_setup "$d0"
check up-p1 "echo 1 > /proc/sys/net/ipv6/conf/$d1/disable_ipv6; ip link set dev $d1 up promisc on"
check mount-bpffs "grep -q ' /sys/fs/bpf ' /proc/mounts || mount -t bpf bpf /sys/fs/bpf"

# ---- drop ----
check attach-drop "ip link set dev $d0 xdpdrv obj $PROGS/xdp_drop.bpf.o sec xdp && prog_name_on $d0 xdp_drop"
snap "$d0" p0
host_phase drop
check phase-drop "phase $d0 p0 xdp_drop"
check drop-counted "only $d0 p0 xdp_drop $FRAMES"
check drop-nothing-to-stack "grew $d0 p0 rx 0"

# ---- pass (replace) ----
check replace-without-force-refused "! ip link set dev $d0 xdpdrv obj $PROGS/xdp_pass.bpf.o sec xdp 2>/dev/null && prog_name_on $d0 xdp_drop"
check replace-pass "ip -force link set dev $d0 xdpdrv obj $PROGS/xdp_pass.bpf.o sec xdp && prog_name_on $d0 xdp_pass"
snap "$d0" p0
host_phase pass
check phase-pass "phase $d0 p0 xdp_pass"
check pass-counted "only $d0 p0 xdp_pass $FRAMES"
check pass-reached-stack "grew $d0 p0 rx $FRAMES"
# nfpe-traffic's default frames: 64 bytes
check pass-bytes "grew $d0 p0 rxb $((FRAMES * 64))"

# ---- tx ----
check replace-tx "ip -force link set dev $d0 xdpdrv obj $PROGS/xdp_tx.bpf.o sec xdp && prog_name_on $d0 xdp_tx"
snap "$d0" p0
host_phase tx
check phase-tx "phase $d0 p0 xdp_tx"
check tx-counted "only $d0 p0 xdp_tx $FRAMES"
check tx-nothing-to-stack "grew $d0 p0 rx 0"

# ---- aborted ----
check replace-aborted "ip -force link set dev $d0 xdpdrv obj $PROGS/xdp_aborted.bpf.o sec xdp && prog_name_on $d0 xdp_aborted"
have_trace=0
if tracefs; then
    have_trace=1
    echo > /sys/kernel/tracing/trace
    echo 1 > /sys/kernel/tracing/events/xdp/xdp_exception/enable
fi
snap "$d0" p0
host_phase aborted
check phase-aborted "phase $d0 p0 xdp_aborted"
check aborted-counted "only $d0 p0 xdp_aborted $FRAMES"
check aborted-nothing-to-stack "grew $d0 p0 rx 0"
if [ $have_trace = 1 ]; then
    echo 0 > /sys/kernel/tracing/events/xdp/xdp_exception/enable
    check aborted-tracepoint "n=\$(grep -c \"xdp_exception: .*action=ABORTED ifindex=\$(cat /sys/class/net/$d0/ifindex)\$\" /sys/kernel/tracing/trace); [ \"\$n\" = $FRAMES ] || die \"xdp_exception \$n times, want $FRAMES\""
else
    skip aborted-tracepoint "kernel without tracefs events (CONFIG_FTRACE off)"
fi

# ---- detach, then redirect through a DEVMAP ----
id=$(xdp_id "$d0")
check detach "ip link set dev $d0 xdpdrv off && ! ip link show dev $d0 | grep -q xdp"
check detached-prog-freed "sleep 1; ! bpftool prog show id $id >/dev/null 2>&1"
check redirect-load "bpftool prog load $PROGS/xdp_redirect_map.bpf.o $PIN type xdp pinmaps ${PIN}_maps"
ifi1=$(cat "/sys/class/net/$d1/ifindex")
ifi0=$(cat "/sys/class/net/$d0/ifindex")
check devmap-to-p1 "bpftool map update pinned ${PIN}_maps/tx_port key hex 00 00 00 00 value hex $(u32_hex "$ifi1")"
check redirect-attach "bpftool net attach xdpdrv pinned $PIN dev $d0 && prog_name_on $d0 xdp_redirect_map"
snap "$d0" p0
snap "$d1" p1
host_phase redirect-p1
check phase-redirect-p1 "phase $d0 p0 xdp_redirect"
check redirect-counted "only $d0 p0 xdp_redirect $FRAMES"
check redirect-p1-sent "grew $d1 p1 xmit $FRAMES"
check redirect-nothing-to-stack "grew $d0 p0 rx 0 && grew $d1 p1 rx 0"
check devmap-to-p0 "bpftool map update pinned ${PIN}_maps/tx_port key hex 00 00 00 00 value hex $(u32_hex "$ifi0")"
snap "$d0" p0
host_phase redirect-p0
check phase-redirect-p0 "phase $d0 p0 xdp_redirect"
check redirect-same-port-counted "only $d0 p0 xdp_redirect $FRAMES"
check redirect-p0-sent "grew $d0 p0 xmit $FRAMES"
check redirect-detach "bpftool net detach xdpdrv dev $d0 && ! ip link show dev $d0 | grep -q xdp"
rm -rf "$PIN" "${PIN}_maps"

# ---- both ports ----
check attach-tx-p0 "ip link set dev $d0 xdpdrv obj $PROGS/xdp_tx.bpf.o sec xdp && prog_name_on $d0 xdp_tx"
check attach-tx-p1 "ip link set dev $d1 xdpdrv obj $PROGS/xdp_tx.bpf.o sec xdp && prog_name_on $d1 xdp_tx"
snap "$d0" p0
snap "$d1" p1
host_phase both
check phase-both-start "frames_start $B_p0_xdp_tx qsum $d0 xdp_tx"
check phase-both-p0 "wait_grew $d0 p0 xdp_tx $FRAMES"
check phase-both-p1 "wait_grew $d1 p1 xdp_tx $FRAMES"
check both-counted "only $d0 p0 xdp_tx $FRAMES && only $d1 p1 xdp_tx $FRAMES"

# ---- rmmod with programs attached and frames flowing ----
id=$(xdp_id "$d0")
snap "$d0" p0
host_phase rmmod
check rmmod-phase-start "frames_start $B_p0_xdp_tx qsum $d0 xdp_tx"
check traffic-flowing "wait_more $d0 $B_p0_xdp_tx 50"
check rmmod-with-program nfpe_unload
check netdevs-gone "[ -z \"\$(nfpe_ifaces)\" ]"
check programs-freed "sleep 1; ! bpftool prog show id $id >/dev/null 2>&1"
kmemleak_check
check dmesg-clean dmesg_clean
ktap_end
