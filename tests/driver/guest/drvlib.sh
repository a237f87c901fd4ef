# Helpers for the nfp_ebpf guest scenarios (busybox sh); source after
# lib.sh.  The module is /nfpe/extra/nfp_ebpf.ko (run-vm-test --add).
KO=${NFPE_KO:-/nfpe/extra/nfp_ebpf.ko}
FRAMES=${NFPE_FRAMES:-1000}
WAIT=${NFPE_WAIT:-120}

# Every load notes where the module sits ("ADDRESS SIZE", /proc/modules):
# after rmmod, kmemleak backtraces show bare addresses for its code.
NFPE_RANGES=/tmp/nfpe-module-ranges
nfpe_load() {
    insmod "$KO" "$@" || return
    awk '$1 == "nfp_ebpf" { print $6, $2 }' /proc/modules >> "$NFPE_RANGES"
}
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

# echo every received frame back out of the same port; no IPv6 on it (a
# kernel with IPv6, e.g. the stock one, sends its own MLD reports and router
# solicitations, which the host would see among the echoed frames)
echo_setup() {
    if [ -f "/proc/sys/net/ipv6/conf/$1/disable_ipv6" ]; then
        echo 1 > "/proc/sys/net/ipv6/conf/$1/disable_ipv6" || return
    fi
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

# Kernel messages that mean a bug: warnings (lockdep reports start with
# "WARNING:" too), BUG: and SLUB debug reports ("BUG kmalloc-64 (...):"),
# KASAN, kmemleak, list debugging, refcount, DMA-API, atomic sleep.
NFPE_BUGS='WARNING:|BUG:|BUG [a-z0-9_-]+ \(|Oops|general protection|unreferenced object|refcount_t:|list_(add|del) corruption|UBSAN|KASAN|DMA-API|scheduling while atomic|lockdep is turned off|locking correctness validator|inconsistent lock state|suspicious RCU usage'
dmesg_no_bugs() {
    bad=$(dmesg | grep -v -E 'KASAN init done|kmemleak: (Kernel memory leak detector initialized|Automatic memory scanning thread started)' | grep -E "$NFPE_BUGS")
    [ -z "$bad" ] || die "dmesg: $(printf '%s\n' "$bad" | head -n 5)"
}
# ...and no driver error either (not for the fault-injection scenarios)
dmesg_clean() {
    dmesg_no_bugs || return
    bad=$(dmesg | grep -E 'nfp_ebpf.*(timed out|self-test|device error)')
    [ -z "$bad" ] || die "dmesg: $(printf '%s\n' "$bad" | head -n 5)"
}

# kmemleak (the kasan kernel): scan now and print every leak report whose
# backtrace runs through nfp_ebpf: a frame named [nfp_ebpf] while it is
# loaded, or a bare address inside one of the module's past load ranges
# (NFPE_RANGES) once it is gone.  Leaks without such a frame are the
# kernel's own (boot-time allocations kmemleak cannot follow) and are not
# ours to fail on; they are printed as "# kmemleak (kernel): ..." lines.
have_kmemleak() { [ -w /sys/kernel/debug/kmemleak ]; }
kmemleak_nfpe() {
    # kmemleak never reports objects younger than 5 s, nor one whose content
    # changed since the scan before (the first scan after the allocation
    # only records its checksum): wait, then scan twice
    sleep 6
    echo scan > /sys/kernel/debug/kmemleak
    echo scan > /sys/kernel/debug/kmemleak
    awk -v rf="$NFPE_RANGES" '
    function hex(s,  i, c, n) {
        n = 0
        for (i = 1; i <= length(s); i++) {
            c = index("0123456789abcdef", substr(s, i, 1))
            if (c == 0) return -1
            n = n * 16 + c - 1
        }
        return n
    }
    # ours: "[nfp_ebpf]", or 0xffffffffXXXXXXXX inside a recorded range
    # (compare the low 32 bits: module space is in the top 2 GiB)
    function ours(f,  a, i) {
        if (f ~ /\[nfp_ebpf\]/) return 1
        if (length(f) != 18 || substr(f, 1, 10) != "0xffffffff") return 0
        a = hex(substr(f, 11))
        for (i = 0; i < nr; i++)
            if (a >= lo[i] && a < lo[i] + sz[i]) return 1
        return 0
    }
    function flush() {
        if (rec == "") return
        if (hit) printf "%s", rec
        else { other++; printf "# kmemleak (kernel): %s\n", first }
        rec = ""; hit = 0
    }
    BEGIN {
        nr = 0
        while ((getline l < rf) > 0) {
            split(l, p, " ")
            if (p[1] !~ /^0xffffffff/) continue
            lo[nr] = hex(substr(p[1], 11)); sz[nr] = p[2] + 0; nr++
        }
    }
    /^unreferenced object/ { flush(); first = $0 }
    { rec = rec $0 "\n"; if (ours($NF) || /\[nfp_ebpf\]/) hit = 1 }
    END { flush() }
    ' /sys/kernel/debug/kmemleak
}
# the check, after rmmod: no leak of ours (a skip without kmemleak)
kmemleak_check() {
    if ! have_kmemleak; then
        skip kmemleak-nfp_ebpf "kernel without kmemleak"
        return
    fi
    kmemleak_nfpe > /tmp/kmemleak-nfpe
    grep '^# kmemleak (kernel)' /tmp/kmemleak-nfpe
    check kmemleak-nfp_ebpf "! grep -q '^unreferenced' /tmp/kmemleak-nfpe ||
        { head -n 40 /tmp/kmemleak-nfpe; die 'kmemleak: nfp_ebpf leaked memory'; }"
}
