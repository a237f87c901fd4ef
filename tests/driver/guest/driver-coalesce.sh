# Scenario "driver-coalesce" (1 port; host phases off, frames, usecs):
# interrupt moderation with ethtool -c/-C.  Defaults, refused values (the
# device's limits, settings it does not have), rx-* and tx-* as one
# setting; then three traffic phases of $FRAMES frames at a fixed rate,
# echoed back byte-exact (the host checks), counting the port's vector
# interrupts (/proc/interrupts) per frame:
#   off                   rx-usecs 0, rx-frames 0
#   frames                rx-frames 16 (rx-usecs 100000 as the time limit),
#                         set before an MTU change re-creates the rings
#   usecs                 rx-usecs 20000, set before a link down/up and a
#                         device reset
# The settings must survive the re-creation (ethtool -c) and take effect
# on the device: far fewer interrupts per frame than with moderation off.
. ./lib.sh
. ./drvlib.sh

# host phases: host_phase and frames_start (drvlib.sh)

# interrupts of port $1's queue vectors, summed over CPUs and queues
port_irqs() {
    awk -v n="nfp_ebpf-p$1q" 'index($NF, n) == 1 {
        for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i
    } END { print s + 0 }' /proc/interrupts
}
# ethtool -c DEV | value of NAME
coal() { ethtool -c "$1" | awk -v n="$2:" '$1 == n { print $2 }'; }
coal_is() { # DEV USECS FRAMES: every rx/tx value as given
    for k in rx-usecs tx-usecs; do
        [ "$(coal "$1" $k)" = "$2" ] || die "$k $(coal "$1" $k), want $2"
    done
    for k in rx-frames tx-frames; do
        [ "$(coal "$1" $k)" = "$3" ] || die "$k $(coal "$1" $k), want $3"
    done
}
# ethtool -C DEV ARGS... must fail; through netlink (CONFIG_ETHTOOL_NETLINK,
# not in the project kernel: ethtool then uses the ioctl, which has no
# message) the driver's message must name the reason TEXT
refused() {
    _t=$1; shift
    if out=$(ethtool -C "$@" 2>&1); then die "ethtool -C $* accepted"; fi
    echo "$out"
    case "$out" in *netlink*) ;; *) return 0;; esac
    [ -z "$_t" ] || printf '%s' "$out" | grep -q "$_t" || die "no '$_t' in: $out"
}

# a phase: phase_begin NAME notes rx_packets and the port's interrupts
# (r0, i0), then asks for the traffic; run_phase NAME waits for the host's
# $FRAMES frames, the interrupts meanwhile go to /tmp/irqs-NAME (check
# runs it in a subshell)
phase_begin() {
    r0=$(sysfs_stat "$dev" rx_packets)
    i0=$(port_irqs 0)
    host_phase "$1"
}
run_phase() {
    frames_start "$r0" sysfs_stat "$dev" rx_packets
    wait_rx "$dev" "$r0" "$FRAMES" || die "rx +$(($(sysfs_stat "$dev" rx_packets) - r0)) of $FRAMES"
    # the last echoes' TX completions: up to one moderation delay
    sleep 1
    IRQS=$(($(port_irqs 0) - i0))
    echo "$IRQS" > "/tmp/irqs-$1"
    echo "# $1: $IRQS interrupts for $FRAMES frames in and out ($(coal "$dev" rx-usecs) us, $(coal "$dev" rx-frames) frames)"
}

ktap_begin
check insmod nfpe_load
dev=$(nfpe_iface 0)
check netdev "[ -n '$dev' ] || die 'no nfp_ebpf netdev'"
need_ethtool
check echo-setup echo_setup "$dev"
check irq-named "[ \$(grep -c 'nfp_ebpf-p0q' /proc/interrupts) -ge 1 ] || die \"\$(cat /proc/interrupts)\""
check defaults "coal_is $dev 50 64"

check refuse-usecs-above-limit "refused 'limit of 1000000' $dev rx-usecs 1000001"
check refuse-frames-above-limit "refused 'limit of 65535' $dev rx-frames 65536"
check refuse-frames-without-usecs "refused 'need usecs' $dev rx-usecs 0 rx-frames 8"
check refuse-rx-tx-differ "refused 'must be equal' $dev rx-usecs 10 tx-usecs 20"
check refuse-adaptive "refused '' $dev adaptive-rx on"
check refuse-usecs-irq "refused '' $dev rx-usecs-irq 5"
check refuse-pkt-rate "refused '' $dev pkt-rate-low 100"
# what a refusal looks like on this kernel (netlink: the driver's reason)
echo "# ethtool -C rx-usecs 0 rx-frames 8: $(ethtool -C "$dev" rx-usecs 0 rx-frames 8 2>&1 | tr '\n' ' ')"
check unchanged-after-refusals "coal_is $dev 50 64"
check tx-sets-both "ethtool -C $dev tx-usecs 30 && coal_is $dev 30 64"
check same-rx-tx-accepted "ethtool -C $dev rx-frames 8 tx-frames 8 && coal_is $dev 30 8"
check device-limits-accepted "ethtool -C $dev rx-usecs 1000000 rx-frames 65535 && coal_is $dev 1000000 65535"

check set-off "ethtool -C $dev rx-usecs 0 rx-frames 0 && coal_is $dev 0 0"
phase_begin off
check phase-off run_phase off
off=$(cat /tmp/irqs-off 2>/dev/null || echo 0)

check set-frames "ethtool -C $dev rx-usecs 100000 rx-frames 16 && coal_is $dev 100000 16"
check mtu-keeps-settings "ip link set dev $dev mtu 2000 && ip link set dev $dev mtu 1500 && coal_is $dev 100000 16"
phase_begin frames
check phase-frames run_phase frames
frames=$(cat /tmp/irqs-frames 2>/dev/null || echo 999999)

check set-usecs "ethtool -C $dev rx-usecs 20000 rx-frames 0 && coal_is $dev 20000 0"
check flap-keeps-settings "ip link set dev $dev down && ip link set dev $dev up && coal_is $dev 20000 0"
dbg=$(nfpe_dbgdir)
check reset-keeps-settings "echo 1 > ${dbg}reset && coal_is $dev 20000 0"
# after the reset the echo path needs the link back
sleep 2
phase_begin usecs
check phase-usecs run_phase usecs
usecs=$(cat /tmp/irqs-usecs 2>/dev/null || echo 999999)

echo "# interrupts for $FRAMES frames echoed: off $off, rx-frames 16 $frames, rx-usecs 20000 $usecs"
# off: about one interrupt per frame each way; moderated: 16 frames or
# 20 ms (10 frames at the host's 500/s) per interrupt.  A third of off
# is far above either.
check off-interrupts-per-frame "[ $off -ge $((FRAMES / 2)) ] || die 'off: $off interrupts for $FRAMES frames'"
check frames-moderates "[ $((frames * 3)) -lt $off ] || die 'rx-frames 16: $frames interrupts, off: $off'"
check usecs-moderates "[ $((usecs * 3)) -lt $off ] || die 'rx-usecs 20000: $usecs interrupts, off: $off'"
check no-rx-errors "[ \$(sysfs_stat $dev rx_errors) = 0 ]"
check rmmod nfpe_unload
kmemleak_check
check dmesg-clean dmesg_clean
ktap_end
