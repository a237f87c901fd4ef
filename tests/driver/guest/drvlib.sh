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

# interfaces bound to nfp_ebpf, in port order (dev_port, then name).
# Shell builtins only: a reload cycle calls this, and every fork+exec costs
# ~0.05 s on the KASAN kernel under TCG (a dynamically linked tool ~0.5 s).
nfpe_ifaces() {
    _port=0
    _more=1
    while [ $_more = 1 ]; do
        _more=0
        for _d in /sys/class/net/*; do
            [ "$_d/device/driver" -ef /sys/bus/pci/drivers/nfp_ebpf ] || continue
            read -r _dp < "$_d/dev_port" || continue
            [ "$_dp" = $_port ] && echo "${_d##*/}"
            [ "$_dp" -gt $_port ] && _more=1
        done
        _port=$((_port + 1))
    done
}
# the Nth (from 0) of them, or nothing
nfpe_iface() {
    _k=$1
    set -- $(nfpe_ifaces)
    [ $# -gt "$_k" ] || return 0
    shift "$_k"
    echo "$1"
}
# insmod and DEV = port 0's netdev (results insmod, netdev-present); the
# scenario ends there (status 1) without one: nothing after could run
nfpe_load_port0() {
    check insmod nfpe_load
    dev=$(nfpe_iface 0)
    check netdev-present "[ -n '$dev' ] || die 'no nfp_ebpf interface'"
    [ -n "$dev" ] || { ktap_end; exit 1; }
}
nfpe_dbgdir() { ls -d /sys/kernel/debug/nfp_ebpf/*/ 2>/dev/null | head -n 1; }

# In driver-all (every scenario in one boot) NFPE_PHASE names the scenario:
# "NFPE-READY <phase>" makes the launcher run that phase's host command
# (images/nfpe-vm --host-phase; "NFPE-DONE <phase>" stops it), and
# NFPE_KMEMLEAK_LATER=1 leaves the
# kmemleak pass to the end of the boot.
ready() { echo "NFPE-READY${NFPE_PHASE:+ $NFPE_PHASE}"; }
# the host's background load is needed no more: the launcher stops it
host_done() { echo "NFPE-DONE${NFPE_PHASE:+ $NFPE_PHASE}"; }

# Scenarios with several named host phases (run-vm-test --host-phase
# NAME=CMD; driver-coalesce, driver-xdp-native):
# ask for phase NAME's traffic: "NFPE-READY NAME" (ready above); the
# launcher runs that phase's command, one phase at a time.  Not inside
# `check`, which holds a command's output until it ends.
host_phase() { NFPE_PHASE=$1; ready; }
# wait (up to WAIT s, polling every 0.2 s) until CMD (prints a count)
# exceeds BASE: the phase's first frames have arrived
frames_start() { # BASE CMD...
    _b=$1; shift
    _i=0
    while [ "$("$@")" -le "$_b" ]; do
        [ $_i -lt $((WAIT * 5)) ] || die "no frames from the host: $*"
        sleep 0.2; _i=$((_i + 1))
    done
}

# ethtool is part of the initramfs (images/build-initramfs.py): a guest
# without it is a broken build, not a reason to skip
need_ethtool() {
    check ethtool-present "command -v ethtool >/dev/null ||
        die 'no ethtool in the guest (images/build-initramfs.py installs it)'"
}
# ethtool -S DEV | value of counter NAME
estat() { ethtool -S "$1" | awk -v n="$2:" '$1 == n { print $2 }'; }

# Every counter of DEV, one "NAME VALUE" a line:
#   NAME          ethtool -S (device, drv_*, *_prog_*, rxqN_*, txqN_*)
#   rxqs_X txqs_X the per-queue counters rxqN_X / txqN_X summed over queues
#   sys_X         /sys/class/net/DEV/statistics/X (ndo_get_stats64)
#   ip_rx_X ip_tx_X  `ip -s link` (bytes, packets, errors, dropped)
# (few processes: a fork costs much on the KASAN kernel under TCG)
nfpe_counters() {
    ethtool -S "$1" | awk '
        NF == 2 && $1 ~ /:$/ {
            n = substr($1, 1, length($1) - 1); print n, $2
            if (n ~ /^[rt]xq[0-9]+_/) {
                q = substr(n, 1, 3) "s_" substr(n, index(n, "_") + 1); sum[q] += $2
            }
        }
        END { for (q in sum) print q, sum[q] }'
    (cd "/sys/class/net/$1/statistics" && grep . -- *) | sed 's/^/sys_/; s/:/ /'
    ip -s link show dev "$1" | awk '
        $1 == "RX:" || $1 == "TX:" { d = tolower(substr($1, 1, 2)); getline
            print "ip_" d "_bytes", $1; print "ip_" d "_packets", $2
            print "ip_" d "_errors", $3; print "ip_" d "_dropped", $4 }'
}
# value of NAME in a nfpe_counters FILE (empty if absent)
cval() { awk -v n="$2" '$1 == n { print $2 }' "$1"; }
# FILE0 FILE1 NAME EXPECTED: NAME grew by exactly EXPECTED from FILE0 to FILE1
cdelta_is() {
    awk -v n="$3" -v e="$4" '
        FNR == NR { if ($1 == n) a = $2; next }
        $1 == n { b = $2 }
        END {
            if (a == "" || b == "") { print "counter " n " missing"; exit 1 }
            if (b - a != e) { print n " grew by " b - a ", expected " e; exit 1 }
        }' "$1" "$2"
}
# ZERO FILE NAME...: every NAME is present in FILE (and 0 if ZERO is 1)
cnames() {
    _z=$1 _f=$2; shift 2
    awk -v names="$*" -v zero="$_z" '
        { v[$1] = $2 }
        END {
            k = split(names, n, " ")
            for (i = 1; i <= k; i++) {
                if (!(n[i] in v)) { print "counter " n[i] " missing"; exit 1 }
                if (zero && v[n[i]] != 0) { print "counter " n[i] " is " v[n[i]] ", expected 0"; exit 1 }
            }
        }' "$_f"
}
# FILE NAME...: every NAME is present and 0
czero() { cnames 1 "$@"; }
# FILE NAME...: every NAME is present
cpresent() { cnames 0 "$@"; }
# FILE A B: counters A and B are present and equal
csame() {
    awk -v x="$2" -v y="$3" '
        { v[$1] = $2 }
        END {
            if (!(x in v) || !(y in v) || v[x] != v[y]) {
                print x " = \047" v[x] "\047 but " y " = \047" v[y] "\047"; exit 1
            }
        }' "$1"
}
# the device's error counters and the driver's error counters
NFPE_ERR_COUNTERS='dev_errors dev_bad_register dev_bad_dma dev_bad_ring dev_bad_command rx_dma_errors tx_errors drv_cmd_timeouts drv_cmd_errors drv_dev_errors drv_tx_timeouts rxqs_errors rxqs_meta_errors rxqs_alloc_fail rxqs_dropped txqs_errors txqs_dropped sys_rx_errors sys_tx_errors sys_rx_dropped sys_tx_dropped'
# per-action counters: the offloaded program's (device), its PROG_STATS,
# and native XDP's (driver, per queue)
NFPE_ACTION_COUNTERS='xdp_aborted xdp_drop xdp_pass xdp_tx tc_ok tc_shot tc_other prog_insns prog_errors xdp_prog_runs xdp_prog_errors tc_prog_runs tc_prog_errors rxqs_xdp_drop rxqs_xdp_pass rxqs_xdp_tx rxqs_xdp_redirect rxqs_xdp_aborted rxqs_xdp_tx_fail txqs_xdp_xmit'

# FILE0 FILE1 DEV N SIZE [PREFIX]: the counter checks (names PREFIXcounters-*) after the host sent N frames
# of SIZE bytes into DEV and the guest echoed each back (echo_setup): the
# driver (per queue and ndo_get_stats64) and the device's port counters
# moved by exactly that, `ip -s link` agrees with sysfs, no error anywhere
# (the counters of ECHO_ERR_COUNTERS if set, else NFPE_ERR_COUNTERS)
check_echo_counters() {
    _p=$6
    check "${_p}counters-stats64" "cdelta_is $1 $2 sys_rx_packets $4 && cdelta_is $1 $2 sys_tx_packets $4 &&
        cdelta_is $1 $2 sys_rx_bytes $(($4 * $5)) && cdelta_is $1 $2 sys_tx_bytes $(($4 * $5))"
    check "${_p}counters-ip-link" "csame $2 ip_rx_packets sys_rx_packets && csame $2 ip_tx_packets sys_tx_packets &&
        csame $2 ip_rx_bytes sys_rx_bytes && csame $2 ip_tx_bytes sys_tx_bytes"
    check "${_p}counters-queues" "cdelta_is $1 $2 rxqs_packets $4 && cdelta_is $1 $2 txqs_packets $4 &&
        cdelta_is $1 $2 rxqs_bytes $(($4 * $5)) && cdelta_is $1 $2 txqs_bytes $(($4 * $5)) &&
        csame $2 rxqs_packets sys_rx_packets && csame $2 txqs_packets sys_tx_packets"
    check "${_p}counters-device-port" "cdelta_is $1 $2 rx_packets $4 && cdelta_is $1 $2 tx_packets $4 &&
        cdelta_is $1 $2 rx_bytes $(($4 * $5)) && cdelta_is $1 $2 tx_bytes $(($4 * $5))"
    check "${_p}counters-no-errors" "czero $2 ${ECHO_ERR_COUNTERS:-$NFPE_ERR_COUNTERS}"
    check "${_p}counters-actions" "cpresent $2 $NFPE_ACTION_COUNTERS"
}

# echo every received frame back out of the same port; no IPv6 on it (a
# kernel with IPv6, e.g. the stock one, sends its own MLD reports and router
# solicitations, which the host would see among the echoed frames)
echo_setup() {
    if [ -f "/proc/sys/net/ipv6/conf/$1/disable_ipv6" ]; then
        echo 1 > "/proc/sys/net/ipv6/conf/$1/disable_ipv6" || return
    fi
    # busybox ifconfig and one tc process: ip and tc are dynamically
    # linked and take ~0.5 s each to start on KASAN (driver-reload)
    ifconfig "$1" up promisc &&
    printf '%s\n' "qdisc add dev $1 clsact" \
        "filter add dev $1 ingress matchall action mirred egress redirect dev $1" |
        tc -batch -
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
    [ "${NFPE_KMEMLEAK_LATER:-0}" = 1 ] && return
    if ! have_kmemleak; then
        skip kmemleak-nfp_ebpf "kernel without kmemleak"
        return
    fi
    kmemleak_nfpe > /tmp/kmemleak-nfpe
    grep '^# kmemleak (kernel)' /tmp/kmemleak-nfpe
    check kmemleak-nfp_ebpf "! grep -q '^unreferenced' /tmp/kmemleak-nfpe ||
        { head -n 40 /tmp/kmemleak-nfpe; die 'kmemleak: nfp_ebpf leaked memory'; }"
}
