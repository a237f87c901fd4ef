# Scenario "driver-l2tpv3" (1 nfp-ebpf port, 1 virtio port, launcher
# --netdev-backend l2tpv3): both ports echo every frame (tc mirred); the
# host sends frames with a wrong L2TPv3 cookie or session first (QEMU's
# l2tpv3 backend must drop them), then FRAMES good frames of SIZE bytes into
# each port behind the right header and checks every echo byte-exact.  Here:
# exactly FRAMES frames of exactly SIZE bytes arrived on each port, i.e.
# the backend stripped the header and dropped the mismatched frames (the
# dgram backend would deliver every datagram, header included).
. ./lib.sh
. ./drvlib.sh
ktap_begin
SIZE=${NFPE_SIZE:-128}
check insmod nfpe_load
nd=$(nfpe_iface 0)
vd=
for d in /sys/class/net/*; do
    case "$(readlink "$d/device/driver" 2>/dev/null)" in
    */virtio_net) vd=$(basename "$d"); break;;
    esac
done
check netdevs-present "[ -n '$nd' ] && [ -n '$vd' ] || die 'nfp_ebpf: \"$nd\", virtio_net: \"$vd\"'"
[ -n "$nd" ] && [ -n "$vd" ] || { ktap_end; exit 1; }
check echo-nfp echo_setup "$nd"
check echo-virtio echo_setup "$vd"
for d in $nd $vd; do
    eval "p0_$d=\$(sysfs_stat $d rx_packets) b0_$d=\$(sysfs_stat $d rx_bytes)"
done
ready
for d in $nd $vd; do
    eval "p0=\$p0_$d b0=\$b0_$d"
    check "rx-frames-$d" "wait_rx $d $p0 $FRAMES || die '$d: fewer than $FRAMES frames in $WAIT s'"
done
# the host's last echoes and its linger
sleep 2
for d in $nd $vd; do
    eval "p0=\$p0_$d b0=\$b0_$d"
    rx=$(( $(sysfs_stat "$d" rx_packets) - p0 ))
    rxb=$(( $(sysfs_stat "$d" rx_bytes) - b0 ))
    echo "# $d: rx $rx frames, $rxb bytes (expected $FRAMES, $((FRAMES * SIZE)))"
    check "exactly-the-good-frames-$d" "[ $rx = $FRAMES ] || die '$d: $rx frames arrived, expected $FRAMES (mismatched L2TPv3 headers not dropped?)'"
    check "headers-stripped-$d" "[ $rxb = $((FRAMES * SIZE)) ] || die '$d: $rxb bytes for $rx frames, expected $((FRAMES * SIZE)) (L2TPv3 header not stripped?)'"
done
check rmmod nfpe_unload
kmemleak_check
check dmesg-clean dmesg_clean
ktap_end
