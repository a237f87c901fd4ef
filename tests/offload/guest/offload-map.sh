# Scenario "offload-map" (1 port): an offloaded XDP program counts frames
# and bytes in an offloaded ARRAY map; the host sends $FRAMES frames of
# $SIZE bytes; bpftool reads the map from the device (MAP_LOOKUP,
# MAP_GETNEXT), during the traffic and after it, and must find exactly
# the frames and bytes sent.  While the device counts, the host writes
# the other keys of the same map and reads them back: neither side may
# lose an update.  A debugfs reset keeps the map's contents.  Then
# update/lookup/delete from the host side and map limits.
. ./lib.sh
. ./drvlib.sh
. ./offlib.sh
SIZE=${NFPE_SIZE:-64}
ktap_begin
nfpe_load_port0
check port-up port_up "$dev"
check xdpoffload-count "ip link set dev $dev xdpoffload obj $PROGS/xdp_count.bpf.o sec xdp"
mid=$(map_id counts)
check map-offloaded "bpftool map show id $mid | tee /dev/stderr | grep -q 'offloaded_to $dev'"
check map-starts-zero "[ \$(map_u64 $mid 0) = 0 ] && [ \$(map_u64 $mid 1) = 0 ]"
# read the map from the host side while the device writes it, and write
# keys 2..7 (value: the round number) and read each back at once
read_during_traffic() {
    _prev=0; _reads=0; _i=0
    while [ $_i -lt $((WAIT * 10)) ]; do
        _v=$(map_u64 "$mid" 0) || { echo "lookup failed after $_reads reads"; return 1; }
        [ "$_v" -ge "$_prev" ] || { echo "count went back from $_prev to $_v"; return 1; }
        _prev=$_v; _reads=$((_reads + 1))
        _k=$((2 + _reads % 6)); _r=$((_reads % 256))
        bpftool map update id "$mid" key $_k 0 0 0 value $_r 0 0 0 0 0 0 0 ||
            { echo "update of key $_k failed"; return 1; }
        _w=$(map_u64 "$mid" $_k)
        [ "$_w" = "$_r" ] || { echo "key $_k reads $_w after writing $_r"; return 1; }
        echo "$_r" > /tmp/hostkey$_k    # check runs this in a subshell
        [ "$_v" -ge "$FRAMES" ] && break
        sleep 0.1; _i=$((_i + 1))
    done
    echo "# $_reads lookups and host updates while the count rose to $_prev"
    [ "$_reads" -ge 1 ]
}
# every host key holds what the host wrote last (0 if never written)
host_keys_kept() {
    for _k in 2 3 4 5 6 7; do
        _want=$(cat /tmp/hostkey$_k 2>/dev/null || echo 0)
        _got=$(map_u64 "$mid" $_k)
        [ "$_got" = "$_want" ] || { echo "key $_k is $_got, host wrote $_want"; return 1; }
    done
}
ready
check map-read-during-traffic read_during_traffic
check device-dropped-all "wait_dstat $dev xdp_drop $FRAMES"
sleep 1
bpftool map dump id "$mid"
n=$(map_u64 "$mid" 0)
b=$(map_u64 "$mid" 1)
echo "# map: frames $n bytes $b (sent $FRAMES of $SIZE bytes)"
check map-frames-equals-sent "[ '$n' = $FRAMES ] || die 'map counts $n frames, sent $FRAMES'"
check map-bytes-equals-sent "[ '$b' = $((FRAMES * SIZE)) ] || die 'map counts $b bytes, sent $((FRAMES * SIZE))'"
check map-host-keys-kept host_keys_kept
check map-dump-eight-entries "[ \$(bpftool -j map dump id $mid | grep -o '\"key\"' | wc -l) = 8 ]"
check map-update-from-host "bpftool map update id $mid key 1 0 0 0 value 7 0 0 0 0 0 0 0 && [ \$(map_u64 $mid 1) = 7 ]"
# a reset the driver chooses (debugfs) keeps the contents: read before,
# written back after, while the program stays attached
dbg=$(nfpe_dbgdir)
check reset-keeps-map "echo 1 > ${dbg}reset && [ \$(map_u64 $mid 0) = $FRAMES ] && [ \$(map_u64 $mid 1) = 7 ] && host_keys_kept"
check reset-restore-logged "dmesg | grep -q 'reset: offloaded map .* restored (8 entries)'"
check program-counts-after-reset "ip link show dev $dev | grep -q xdpoffload"
check map-array-delete-refused "! bpftool map delete id $mid key 1 0 0 0 2>/dev/null"
check map-lookup-out-of-range "! bpftool map lookup id $mid key 9 0 0 0 2>/dev/null"
check detach "ip link set dev $dev xdpoffload off"
check hash-map-create "bpftool map create /sys/fs/bpf/h type hash key 4 value 8 entries 16 name h dev $dev && hid=\$(map_id h) && bpftool map update id \$hid key 1 2 3 4 value 5 0 0 0 0 0 0 0 && bpftool map lookup id \$hid key 1 2 3 4 && bpftool map delete id \$hid key 1 2 3 4 && ! bpftool map lookup id \$hid key 1 2 3 4 2>/dev/null && rm /sys/fs/bpf/h"
check map-too-many-entries "must_fail_with 'Argument list too long' bpftool map create /sys/fs/bpf/x type hash key 4 value 8 entries 100000000 name x dev $dev"
check map-key-too-big "must_fail_with 'Argument list too long' bpftool map create /sys/fs/bpf/x type hash key 4096 value 8 entries 4 name x dev $dev"
check map-percpu-refused "must_fail_with 'Invalid argument' bpftool map create /sys/fs/bpf/x type percpu_array key 4 value 8 entries 4 name x dev $dev"
check map-warnings-logged "dmesg | grep -q 'map offload: .* exceeds the device limit'"
check rmmod nfpe_unload
check dmesg-clean dmesg_clean
ktap_end
