# Scenario "jit-kernel" (1 port): the offline answer equals the kernel's.
# For every program of /nfpe/extra/jit-kernel.cases (gen-cases.py: what
# `nfp-ebpf jit` said on the host) the guest offloads the same object
# through the kernel (ip link ... xdpoffload / tc ... skip_sw: libbpf,
# the verifier with the driver's hooks, the driver's JIT) and requires
#   offline "offload"  -> the kernel accepts, and the jited image the
#                         driver made is byte for byte the offline one
#                         (same length and MD5);
#   offline "refuse"   -> the kernel refuses, with the driver's message
#                         equal to the offline reason, or, for a map the
#                         device cannot hold, libbpf's "map 'M': failed to
#                         create" and an offline reason about map 'M'.
# Lines starting with '#' record what the kernel said.
. ./lib.sh
. ./drvlib.sh
. ./offlib.sh
CASES=/nfpe/extra/jit-kernel.cases
ktap_begin
nfpe_load_port0
check port-up port_up "$dev"
check clsact "tc qdisc add dev $dev clsact"

# offload OBJ PROG SEC TYPE: prints what the loader said, returns its rc
offload() {
    if [ "$4" = tc ]; then
        tc filter add dev "$dev" ingress prio 1 bpf skip_sw da \
            obj "$PROGS/$1" sec "$3" 2>&1
    else
        ip link set dev "$dev" xdpoffload obj "$PROGS/$1" program "$2" 2>&1
    fi
}

unload() {
    if [ "$1" = tc ]; then
        tc filter del dev "$dev" ingress prio 1
    else
        ip link set dev "$dev" xdpoffload off
    fi
}

# one case: offline answer in $what ($a1 $a2 for offload, $a1 = reason)
one() {
    _out=$(offload "$obj" "$prog" "$sec" "$type"); _rc=$?
    if [ "$what" = differs ]; then
        # a known difference (known-diffs.txt): the kernel path's image
        # must be exactly the recorded one; offline is $a3 bytes
        echo "$obj $prog: known difference: kernel $a1 bytes, offline $a3: $a4" >> /tmp/jk.log
        what=offload
    fi
    if [ "$what" = offload ]; then
        [ $_rc = 0 ] || { printf '%s\n' "$_out"; die "offline offloads, the kernel refused"; }
        _id=$(prog_id "$(echo "$prog" | cut -c1-15)")
        /nfpe/extra/prog-jited "$_id" > /tmp/k.img; _prc=$?
        unload "$type"
        [ $_prc = 0 ] || die "prog-jited $_id failed"
        # the header's name (bytes 64-79) is informational: zeroed
        _len=$(wc -c < /tmp/k.img)
        _md5=$({ head -c 64 /tmp/k.img; head -c 16 /dev/zero; tail -c +81 /tmp/k.img; } | md5sum | cut -d' ' -f1)
        echo "$obj $prog: image of $_len bytes (offline $a1)" >> /tmp/jk.log
        [ "$_len" = "$a1" ] && [ "$_md5" = "$a2" ] || {
            od -An -tx1 -v /tmp/k.img | sed 's/^/kernel image:/'
            die "images differ: kernel path $_len bytes md5 $_md5, offline $a1 bytes md5 $a2"
        }
        return 0
    fi
    if [ $_rc = 0 ]; then
        unload "$type"
        die "offline refuses ($a1), the kernel accepted"
    fi
    _drv=$(printf '%s\n' "$_out" | sed -n 's/.*nfp-ebpf: //p' | head -n 1)
    _map=$(printf '%s\n' "$_out" | sed -n "s/.*\(map '[^']*': failed to create\).*/\1/p" | head -n 1)
    echo "$obj $prog: kernel: ${_drv:-${_map:-$(printf '%s\n' "$_out" | tail -n 1)}}" >> /tmp/jk.log
    # refusals the kernel makes before the driver sees the program
    case "$a1" in
    *"direct map value access (global data)"*)
        printf '%s\n' "$_out" | grep -q 'no direct value access support for this map type' ||
            die "offline: '$a1', the kernel did not refuse the global data"
        return 0 ;;
    *"BPF_F_XDP_HAS_FRAGS"*)
        # bpf_prog_offload_init() refuses any prog_flags: -EINVAL, no log
        [ -z "$_drv" ] && printf '%s\n' "$_out" | grep -q 'BPF program load failed: Invalid argument' ||
            die "offline: '$a1', the kernel did not refuse the flag"
        return 0 ;;
    esac
    if [ -n "$_drv" ]; then
        [ "$_drv" = "$a1" ] || die "driver: '$_drv', offline: '$a1'"
    elif [ -n "$_map" ]; then
        # the same map named, and offline says the device cannot hold it
        case "$a1" in
        "${_map%: failed to create}: "*) ;;
        *) die "the kernel could not create a map ($_map), offline: '$a1'" ;;
        esac
    else
        printf '%s\n' "$_out"
        die "refused without the driver's message, offline: '$a1'"
    fi
}

while IFS='|' read -r obj prog sec type what a1 a2 a3 a4; do
    [ -n "$obj" ] || continue
    check "$obj-$prog" one
done < "$CASES"
sed 's/^/# /' /tmp/jk.log
check no-offloaded-prog-left "wait_no_offloaded_prog"
check rmmod nfpe_unload
check dmesg-clean dmesg_clean
ktap_end
