# Helpers for the nfp_ebpf guest scenarios (busybox sh); source after
# lib.sh.  The module is /nfpe/extra/nfp_ebpf.ko (run-vm-test --add).
KO=${NFPE_KO:-/nfpe/extra/nfp_ebpf.ko}
FRAMES=${NFPE_FRAMES:-1000}
WAIT=${NFPE_WAIT:-120}

nfpe_load() { insmod "$KO" "$@"; }
nfpe_unload() { rmmod nfp_ebpf; }

# interfaces bound to nfp_ebpf, in port order
nfpe_ifaces() {
    for d in /sys/class/net/*; do
        drv=$(readlink "$d/device/driver" 2>/dev/null)
        case "$drv" in */nfp_ebpf) echo "$(cat "$d/dev_port") $(basename "$d")";; esac
    done | sort -n | cut -d' ' -f2
}
nfpe_iface() { nfpe_ifaces | sed -n "$(($1 + 1))p"; }
nfpe_dbgdir() { ls -d /sys/kernel/debug/nfp_ebpf/*/ 2>/dev/null | head -n 1; }

have_ethtool() { command -v ethtool >/dev/null 2>&1; }
# ethtool -S DEV | value of counter NAME
estat() { ethtool -S "$1" | awk -v n="$2:" '$1 == n { print $2 }'; }

# echo every received frame back out of the same port
echo_setup() {
    ip link set dev "$1" up promisc on &&
    tc qdisc add dev "$1" clsact &&
    tc filter add dev "$1" ingress matchall action mirred egress redirect dev "$1"
}

# wait until DEV has received N more frames than BASE (or WAIT seconds)
wait_rx() {
    _i=0
    while [ $_i -lt "$WAIT" ]; do
        [ $(( $(sysfs_stat "$1" rx_packets) - $2 )) -ge "$3" ] && return 0
        sleep 1; _i=$((_i + 1))
    done
    return 1
}

# kernel messages that mean a driver bug
dmesg_clean() {
    bad=$(dmesg | grep -E 'WARNING:|BUG:|Oops|general protection|unreferenced object|refcount_t:|list_del corruption|UBSAN|KASAN|DMA-API|scheduling while atomic|nfp_ebpf.*(timed out|self-test|device error)')
    [ -z "$bad" ] || die "dmesg: $(printf '%s\n' "$bad" | head -n 5)"
}
