# Scenario "offload-jit-compare" (1 port): the image the kernel path
# produces (verifier hooks, facts from the verifier, the driver's
# translate; read back with prog-jited) against the image the offline
# front end (`nfp-ebpf jit` on the host, at build time: NAME.host.img) makes
# of the same object.  They must be byte for byte equal.
. ./lib.sh
. ./drvlib.sh
. ./offlib.sh
ktap_begin
nfpe_load_port0
check port-up port_up "$dev"
check clsact "tc qdisc add dev $dev clsact"

# offload NAME (XDP or, with sec tc, cls_bpf), dump its image, compare
compare() {
    _name=$1; _sec=$2
    if [ "$_sec" = tc ]; then
        tc filter add dev "$dev" ingress prio 1 bpf skip_sw da obj "$PROGS/$_name.bpf.o" sec tc || return
    else
        ip link set dev "$dev" xdpoffload obj "$PROGS/$_name.bpf.o" sec "$_sec" || return
    fi
    _id=$(prog_id "$_name")
    /nfpe/extra/prog-jited "$_id" > "/tmp/$_name.kern.img"
    _rc=$?
    if [ "$_sec" = tc ]; then
        tc filter del dev "$dev" ingress prio 1
    else
        ip link set dev "$dev" xdpoffload off
    fi
    [ $_rc = 0 ] || { echo "prog-jited $_id failed"; return 1; }
    _k=$(wc -c < "/tmp/$_name.kern.img"); _h=$(wc -c < "$PROGS/$_name.host.img")
    echo "# $_name: kernel path $_k bytes, offline $_h bytes"
    cmp -l "/tmp/$_name.kern.img" "$PROGS/$_name.host.img" | head -n 20
    cmp "/tmp/$_name.kern.img" "$PROGS/$_name.host.img" || {
        echo "kernel path and offline images of $_name differ ($_k and $_h bytes)"
        return 1
    }
}
for p in xdp_drop:xdp xdp_pass:xdp xdp_count:xdp xdp_dead_branch:xdp xdp_meta:xdp xdp_demo:xdp tc_mark:tc tc_count_mark:tc; do
    check "same-image-${p%%:*}" "compare ${p%%:*} ${p#*:}"
done
check no-offloaded-prog-left "wait_no_offloaded_prog"
check rmmod nfpe_unload
check dmesg-clean dmesg_clean
ktap_end
