# Scenario "vm-bench" (1 port), driven by tests/bench/vm-bench.py: packets
# per second through the device for each program offloaded (xdpoffload),
# as native XDP in the guest (xdpdrv) and with no program; then host map
# operations per second (bpftool, mapops).  Not a test: it prints figures.
#
# Protocol with the host (console lines, parsed by vm-bench.py):
#   NFPE-BENCH-GO <mode> <prog> <rep>   host: start sending frames
#   NFPE-BENCH-WINDOW                   the measured window starts
#   NFPE-BENCH-RESULT key=value ...     one measured window
#   NFPE-BENCH-STOP                     host: stop sending
#   NFPE-BENCH-MAP key=value ...        one map operation figure
#   NFPE-BENCH-ERROR <text>             the run is invalid (status 1)
# The guest measures with its own clock (/proc/uptime) between two reads
# of the counters, after the counter has started to move and WARM
# centiseconds more.  What is counted, per mode:
#   offload  the device's port counters xdp_drop+xdp_pass+xdp_tx+xdp_aborted
#            (frames the offloaded program ran on)
#   native   the driver's rxq*_xdp_{drop,pass,tx,redirect,aborted}
#            (frames the guest's XDP program ran on)
#   none     the interface's rx_packets (frames the driver gave the stack)
#
# Parameters (nfpe.KEY=VAL): bench (comma list of program names below),
# modes (comma list of offload,native,none), reps, secs (window,
# centiseconds), warm (centiseconds), mapcs (centiseconds per map figure,
# 0: none).  (Not "progs": offlib.sh takes NFPE_PROGS as the objects' directory.)
. ./lib.sh
. ./drvlib.sh
. ./offlib.sh
PROG_LIST=$(echo "${NFPE_BENCH:-drop,pass,count,macswap,firewall,encap,lb}" | tr ',' ' ')
MODE_LIST=$(echo "${NFPE_MODES:-offload,native,none}" | tr ',' ' ')
REPS=${NFPE_REPS:-3}
SECS=${NFPE_SECS:-200}
WARM=${NFPE_WARM:-50}
MAPCS=${NFPE_MAPCS:-200}
ERRORS=0

err() { echo "NFPE-BENCH-ERROR $*"; ERRORS=$((ERRORS + 1)); }

# object and program name of a benchmark program
prog_obj() {
    case "$1" in
    drop) echo "xdp_drop_pass.bpf.o xdp_drop";;
    pass) echo "xdp_drop_pass.bpf.o xdp_pass";;
    count) echo "xdp_count.bpf.o xdp_count";;
    macswap) echo "xdp_macswap.bpf.o xdp_macswap";;
    firewall) echo "xdp_firewall.bpf.o xdp_firewall";;
    encap) echo "xdp_encap.bpf.o xdp_encap";;
    lb) echo "vm-bench-lb.bpf.o xdp_lb";;
    loop) echo "xdp_call_loop.bpf.o xdp_call_loop";;
    *) return 1;;
    esac
}

# uptime in centiseconds (the guest has been up > 1 s: no leading zero)
now_cs() { read -r _up _ < /proc/uptime; echo "${_up%.*}${_up#*.}"; }

# "<counted> <prog_insns> <prog_errors> <stack rx>" for MODE, one ethtool call
counters() {
    "$ETHTOOL" -S "$dev" | awk -v m="$1" -v rx="$(sysfs_stat "$dev" rx_packets)" '
        { n = $1; sub(":$", "", n) }
        m == "offload" && (n == "xdp_drop" || n == "xdp_pass" || n == "xdp_tx" || n == "xdp_aborted") { c += $2 }
        m == "native" && n ~ /^rxq[0-9]+_xdp_(drop|pass|tx|redirect|aborted)$/ { c += $2 }
        n == "prog_insns" { insns = $2 }
        n == "prog_errors" { perr = $2 }
        END { if (m == "none") c = rx; printf "%d %d %d %d\n", c, insns, perr, rx }'
}

attach() { # MODE PROG
    set -- "$1" "$2" $(prog_obj "$2")
    case "$1" in
    offload)
        ip link set dev "$dev" xdpoffload obj "$PROGS/$3" program "$4" || return 1
        bpftool prog show name "$4" | grep -q "offloaded_to $dev" ||
            { bpftool prog show name "$4"; echo "not offloaded"; return 1; };;
    native)
        ip link set dev "$dev" xdpdrv obj "$PROGS/$3" program "$4" || return 1
        ip link show dev "$dev" | grep -q xdp ||
            { ip link show dev "$dev"; echo "no native XDP program"; return 1; };;
    none)
        ! ip link show dev "$dev" | grep -q xdp ||
            { ip link show dev "$dev"; echo "a program is attached"; return 1; };;
    esac
}

detach() {
    case "$1" in
    offload) ip link set dev "$dev" xdpoffload off;;
    native) ip link set dev "$dev" xdpdrv off;;
    esac
}

# one measured window: MODE PROG REP
measure() {
    echo "NFPE-BENCH-GO $1 $2 $3"
    set -- "$1" "$2" "$3" $(counters "$1")
    _base=$4; _i=0
    # the host starts sending when it sees GO: wait for the count to move
    while :; do
        set -- "$1" "$2" "$3" $(counters "$1")
        [ "$4" -gt "$_base" ] && break
        _i=$((_i + 1))
        if [ $_i -ge 100 ]; then
            echo "NFPE-BENCH-STOP"
            err "$1 $2: no frames counted in 20 s (counter $4)"
            return 1
        fi
        sleep 0.2
    done
    sleep "$(awk -v w="$WARM" 'BEGIN { printf "%.2f", w / 100 }')"
    set -- "$1" "$2" "$3" $(counters "$1")
    _t0=$(now_cs); _c0=$4; _i0=$5; _e0=$6; _r0=$7
    echo "NFPE-BENCH-WINDOW"
    sleep "$(awk -v w="$SECS" 'BEGIN { printf "%.2f", w / 100 }')"
    set -- "$1" "$2" "$3" $(counters "$1")
    _t1=$(now_cs)
    echo "NFPE-BENCH-STOP"
    _n=$(($4 - _c0)); _cs=$((_t1 - _t0))
    echo "NFPE-BENCH-RESULT mode=$1 prog=$2 rep=$3 frames=$_n cs=$_cs" \
        "pps=$(awk -v n=$_n -v cs=$_cs 'BEGIN { printf "%.0f", (cs > 0 ? n * 100 / cs : 0) }')" \
        "insns=$(($5 - _i0)) prog_errors=$(($6 - _e0)) stack_rx=$(($7 - _r0))"
    [ "$_n" -gt 0 ] || { err "$1 $2: 0 frames counted in the window"; return 1; }
    [ "$1" != offload ] || [ $(($5 - _i0)) -gt 0 ] ||
        { err "$1 $2: the device ran no instructions"; return 1; }
    [ $(($6 - _e0)) = 0 ] || { err "$1 $2: $(($6 - _e0)) program errors"; return 1; }
    # let the device and the guest drain what the host sent last
    sleep 0.5
}

# ops per second of a command run over and over for MAPSECS seconds:
# KIND MAP OP CMD...
bpftool_rate() {
    _kind=$1 _map=$2 _op=$3; shift 3
    _n=0; _t0=$(now_cs); _t=$_t0
    while [ $((_t - _t0)) -lt "$MAPCS" ]; do
        "$@" > /dev/null || { err "bpftool $_kind $_map $_op failed: $*"; return 1; }
        _n=$((_n + 1)); _t=$(now_cs)
    done
    echo "NFPE-BENCH-MAP tool=bpftool kind=$_kind map=$_map op=$_op ops=$_n cs=$((_t - _t0))" \
        "ops_per_s=$(awk -v n=$_n -v cs=$((_t - _t0)) 'BEGIN { printf "%.1f", n * 100 / cs }')"
}

bpftool_maps() {
    for kind in offloaded host; do
        devarg=; [ $kind = host ] || devarg="dev $dev"
        bpftool map create /sys/fs/bpf/vmb_a type array key 4 value 8 entries 256 name vmb_a $devarg ||
            { err "bpftool map create array ($kind)"; return 1; }
        bpftool map create /sys/fs/bpf/vmb_h type hash key 4 value 8 entries 1024 name vmb_h $devarg ||
            { err "bpftool map create hash ($kind)"; return 1; }
        if [ $kind = offloaded ]; then
            bpftool map show pinned /sys/fs/bpf/vmb_a | grep -q "offloaded_to $dev" ||
                { err "array map not offloaded"; return 1; }
        fi
        bpftool map update pinned /sys/fs/bpf/vmb_h key 1 0 0 0 value 1 0 0 0 0 0 0 0
        for m in array hash; do
            p=/sys/fs/bpf/vmb_${m%${m#?}}
            bpftool_rate $kind $m update bpftool map update pinned $p key 1 0 0 0 value 2 0 0 0 0 0 0 0
            bpftool_rate $kind $m lookup bpftool map lookup pinned $p key 1 0 0 0
        done
        rm -f /sys/fs/bpf/vmb_a /sys/fs/bpf/vmb_h
    done
}

ktap_begin
nfpe_load_port0
check port-up port_up "$dev"
check mount-bpffs mount_bpffs
check ethtool "have_dstat || die 'no $ETHTOOL (vm-bench.py adds the host one)'"
for p in $PROG_LIST; do
    for f in $(prog_obj "$p" | cut -d' ' -f1); do
        [ -f "$PROGS/$f" ] || err "program '$p': no $PROGS/$f"
    done
    prog_obj "$p" > /dev/null || err "unknown program '$p'"
done
echo "# guest: $(uname -r), $(grep -c ^processor /proc/cpuinfo) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
if [ "$ERRORS" = 0 ] && [ -n "$MODE_LIST" ]; then
    r=1
    while [ $r -le "$REPS" ] && [ "$ERRORS" = 0 ]; do
        for m in $MODE_LIST; do
            progs=$PROG_LIST
            [ "$m" = none ] && progs=-
            for p in $progs; do
                out=$(attach "$m" "$p" 2>&1) || { printf '%s\n' "$out"; err "$m $p: attach failed"; break; }
                measure "$m" "$p" "$r"
                out=$(detach "$m" 2>&1) || { printf '%s\n' "$out"; err "$m $p: detach failed"; }
                [ "$ERRORS" = 0 ] || break
            done
        done
        r=$((r + 1))
    done
fi
if [ "$ERRORS" = 0 ] && [ "$MAPCS" -gt 0 ]; then
    bpftool_maps
    out=$(/nfpe/extra/mapops "$dev" "$(awk -v c="$MAPCS" 'BEGIN { printf "%.2f", c / 100 }')" 2>&1) || err "mapops failed"
    printf '%s\n' "$out"
fi
check benchmark-ran "[ $ERRORS = 0 ] || die '$ERRORS errors (NFPE-BENCH-ERROR lines above)'"
check rmmod nfpe_unload
check dmesg-clean dmesg_clean
ktap_end
