# Scenario "virtio-traffic": echo every frame the virtio-net port receives
# back out of the same port (tc ingress, matchall + mirred redirect), tell the
# host to start sending (NFPE-READY), then wait for nfpe.frames frames.
. ./lib.sh
ktap_begin
FRAMES=${NFPE_FRAMES:-100}
WAIT=${NFPE_WAIT:-120}

dev=
for d in /sys/class/net/*; do
    drv=$(readlink "$d/device/driver" 2>/dev/null)
    case "$drv" in */virtio_net) dev=$(basename "$d"); break;; esac
done
check virtio-net-present "[ -n '$dev' ] || die 'no virtio-net interface (launcher --virtio 1?)'"
[ -n "$dev" ] || { ktap_end; exit 1; }
check link-up "ip link set dev $dev up promisc on"
check clsact tc qdisc add dev $dev clsact
check mirred-echo tc filter add dev $dev ingress matchall action mirred egress redirect dev $dev
rx0=$(sysfs_stat $dev rx_packets)
tx0=$(sysfs_stat $dev tx_packets)
ready
i=0
while [ $i -lt "$WAIT" ]; do
    rx=$(( $(sysfs_stat $dev rx_packets) - rx0 ))
    [ "$rx" -ge "$FRAMES" ] && break
    sleep 1; i=$((i + 1))
done
sleep 1
rx=$(( $(sysfs_stat $dev rx_packets) - rx0 ))
tx=$(( $(sysfs_stat $dev tx_packets) - tx0 ))
echo "# $dev: rx $rx tx $tx frames (expected $FRAMES)"
check rx-count "[ $rx -ge $FRAMES ] || die 'received $rx of $FRAMES frames in ${WAIT}s'"
check tx-count "[ $tx -ge $FRAMES ] || die 'echoed $tx of $FRAMES frames'"
check tc-stats "tc -s filter show dev $dev ingress | grep -q 'Sent' || die 'no tc stats'"
ktap_end
