# Scenario "reliability-soak" (1 port; meant for the KASAN kernel): the
# host sends a known number of UDP frames per key (source port 4000 + k,
# $NFPE_SENT = "n0:n1:..." frames for keys 0, 1, ...) at a low rate into
# an offloaded XDP program that counts them per key in an offloaded ARRAY
# map and drops them (tests/reliability/progs/xdp_soak.bpf.c).  While the
# frames arrive the guest keeps churning:
#   - map updates: keys 8..15 of the same map written with bpftool and read
#     back (must read what was written; the program never touches them);
#   - program replace: the equivalent program (built twice, different
#     instructions) loaded with the pinned map and attached over the
#     running one (bpftool net attach xdpoffload ... overwrite);
#   - link flaps: ip link down, a short pause, up (every $NFPE_FLAP_EVERY
#     iterations).
# Frames sent while the link is down wait in QEMU's host socket (the device
# takes no frame on a stopped port) and are counted after the link is up;
# the host's rate keeps that backlog far below the socket buffer.  Device
# resets (debugfs) are left out: when this was written a reset re-created
# the offloaded maps empty, so no exact count could span one
# (docs/reliability.md).
# At the end, exactly:
#   counts[k] == frames the host sent with key k, for every k;
#   counts[7] (frames that matched no key) == 0;
#   sum(counts) == the device's xdp_drop (nothing the device accepted lost);
#   every map read-back matched; dmesg clean (KASAN, lockdep, WARN, BUG;
#   the launcher's final kmemleak scan).
. ./lib.sh
. ./drvlib.sh
. ./offlib.sh
SENT=${NFPE_SENT:-100:200}
FLAP_EVERY=${NFPE_FLAP_EVERY:-2}
BPF=/sys/fs/bpf/soak
ktap_begin
nfpe_load_port0
check port-up port_up "$dev"
mount_bpffs
mkdir -p $BPF
check load-a "bpftool prog load $PROGS/xdp_soak_a.bpf.o $BPF/prog0 type xdp dev $dev pinmaps $BPF/maps"
check attach-a "bpftool net attach xdpoffload pinned $BPF/prog0 dev $dev"
MAP=$(map_id counts)
check map-offloaded "[ -n '$MAP' ] && bpftool map show id $MAP | grep -q offloaded_to"

keys=$(echo "$SENT" | tr ':' ' ')
total=0
nkeys=0
for n in $keys; do total=$((total + n)); nkeys=$((nkeys + 1)); done
echo "# keys $nkeys, frames per key $SENT, total $total"

# sum of keys 0..7, from one dump (bpftool -j: one line, keys in order,
# value bytes as "0x.." strings, least significant first)
map_sum() {
    _vals=$(bpftool -j map dump id "$MAP" | awk '{
        n = split($0, p, "\"value\":\\[")
        for (i = 2; i <= 9 && i <= n; i++) {
            v = p[i]; sub(/\].*/, "", v); gsub(/[" ]/, "", v); print v
        }
    }')
    _s=0; _n=0
    for _bytes in $_vals; do
        _v=0; _m=1
        for _b in $(echo "$_bytes" | tr ',' ' '); do _v=$((_v + _b * _m)); _m=$((_m * 256)); done
        _s=$((_s + _v)); _n=$((_n + 1))
    done
    [ $_n = 8 ] || return 1
    echo "$_s"
}
# value bytes of a u64, least significant first, for bpftool
u64_bytes() {
    _v=$1; _o=
    for _i in 0 1 2 3 4 5 6 7; do _o="$_o $((_v % 256))"; _v=$((_v / 256)); done
    echo "$_o"
}

ready
t0=$(date +%s)
iter=0; replaces=0; flaps=0; updates=0; bad_reads=0; errors=0
cur=0
seen=0
# churn until every frame was counted (WAIT seconds after the last count
# change at most)
last_change=$t0
while :; do
    iter=$((iter + 1))
    # map update + read back, keys 8..15
    k=$((8 + iter % 8))
    val=$((iter * 1000 + k))
    if bpftool map update id "$MAP" key $k 0 0 0 value $(u64_bytes $val) 2>/dev/null; then
        updates=$((updates + 1))
        got=$(map_u64 "$MAP" $k)
        [ "$got" = "$val" ] || { bad_reads=$((bad_reads + 1)); echo "# key $k read $got, wrote $val"; }
    else
        errors=$((errors + 1)); echo "# map update failed (iteration $iter)"
    fi
    # program replace
    nxt=$((1 - cur))
    if [ $nxt = 1 ]; then o=xdp_soak_b; else o=xdp_soak_a; fi
    rm -f $BPF/prog$nxt
    if bpftool prog load $PROGS/$o.bpf.o $BPF/prog$nxt type xdp dev "$dev" \
            map name counts pinned $BPF/maps/counts 2>/dev/null &&
       bpftool net attach xdpoffload pinned $BPF/prog$nxt dev "$dev" overwrite 2>/dev/null; then
        rm -f $BPF/prog$cur
        cur=$nxt
        replaces=$((replaces + 1))
    else
        errors=$((errors + 1)); echo "# program replace failed (iteration $iter)"
    fi
    # link flap
    if [ $((iter % FLAP_EVERY)) = 0 ]; then
        if ip link set dev "$dev" down && sleep 0.2 && ip link set dev "$dev" up; then
            flaps=$((flaps + 1))
        else
            errors=$((errors + 1)); echo "# link flap failed (iteration $iter)"
        fi
    fi
    s=$(map_sum) || s=$seen
    now=$(date +%s)
    if [ "$s" != "$seen" ]; then seen=$s; last_change=$now; fi
    [ "$seen" -ge "$total" ] && break
    [ $((now - last_change)) -lt "$WAIT" ] || break
done
t1=$(date +%s)
echo "# $iter iterations in $((t1 - t0)) s: $replaces program replaces, $flaps link flaps, $updates map updates read back ($bad_reads wrong), $errors failed operations; $seen of $total frames counted"
# frames still in flight: give them a moment, then compare exactly
sleep 2
check churn-ran "[ $replaces -ge 2 ] && [ $flaps -ge 1 ] && [ $updates -ge 2 ] || die 'only $replaces replaces, $flaps flaps, $updates updates'"
check churn-no-failed-operation "[ $errors = 0 ] || die '$errors operations failed'"
check map-read-back-exact "[ $bad_reads = 0 ] || die '$bad_reads read-backs differ'"
k=0
for n in $keys; do
    check "key$k-count-equals-sent" "v=\$(map_u64 $MAP $k); [ \"\$v\" = $n ] || die \"key $k: counted \$v, sent $n\""
    k=$((k + 1))
done
check no-unmatched-frames "v=\$(map_u64 $MAP 7); [ \"\$v\" = 0 ] || die \"\$v frames matched no key\""
check sum-equals-device-xdp-drop "s=\$(map_sum); d=\$(dstat $dev xdp_drop); [ \"\$s\" = \"\$d\" ] || die \"map sum \$s, device xdp_drop \$d\""
check none-aborted "[ \$(dstat $dev xdp_aborted) = 0 ] && [ \$(dstat $dev prog_errors) = 0 ]"
check detach "bpftool net detach xdpoffload dev $dev"
rm -rf $BPF
check no-offloaded-prog-left wait_no_offloaded_prog
check rmmod nfpe_unload
check dmesg-clean dmesg_clean
ktap_end
