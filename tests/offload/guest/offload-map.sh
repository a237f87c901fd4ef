# Scenario "offload-map" (1 port): an offloaded XDP program counts frames
# and bytes in an offloaded ARRAY map; the host sends $FRAMES frames of
# $SIZE bytes; bpftool reads the map from the device (MAP_LOOKUP,
# MAP_GETNEXT), during the traffic and after it, and must find exactly
# the frames and bytes sent.  Then
# update/lookup/delete from the host side and map limits.
. ./lib.sh
. ./drvlib.sh
. ./offlib.sh
SIZE=${NFPE_SIZE:-64}
ktap_begin
check insmod nfpe_load
dev=$(nfpe_iface 0)
check netdev-present "[ -n '$dev' ] || die 'no nfp_ebpf interface'"
[ -n "$dev" ] || { ktap_end; exit 1; }
check port-up port_up "$dev"
check xdpoffload-count "ip link set dev $dev xdpoffload obj $PROGS/xdp_count.bpf.o sec xdp"
mid=$(map_id counts)
check map-offloaded "bpftool map show id $mid | tee /dev/stderr | grep -q 'offloaded_to $dev'"
check map-starts-zero "[ \$(map_u64 $mid 0) = 0 ] && [ \$(map_u64 $mid 1) = 0 ]"
# read the map from the host side while the device writes it
read_during_traffic() {
    _prev=0; _reads=0; _i=0
    while [ $_i -lt $((WAIT * 10)) ]; do
        _v=$(map_u64 "$mid" 0) || { echo "lookup failed after $_reads reads"; return 1; }
        [ "$_v" -ge "$_prev" ] || { echo "count went back from $_prev to $_v"; return 1; }
        _prev=$_v; _reads=$((_reads + 1))
        [ "$_v" -ge "$FRAMES" ] && break
        sleep 0.1; _i=$((_i + 1))
    done
    echo "# $_reads lookups while the count rose to $_prev"
    [ "$_reads" -ge 1 ]
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
check map-dump-two-entries "[ \$(bpftool -j map dump id $mid | grep -o '\"key\"' | wc -l) = 2 ]"
check map-update-from-host "bpftool map update id $mid key 1 0 0 0 value 7 0 0 0 0 0 0 0 && [ \$(map_u64 $mid 1) = 7 ]"
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
