# Scenario "reliability-hostile" (1 port): a hostile guest program storms
# the device from inside the guest, then the real driver must bring it back.
#   1. nfp_ebpf probes, then is unbound from the function (sysfs);
#   2. nfpe-hostile (tests/reliability/guest-tools/hostile.c) maps BAR0,
#      turns bus mastering on and drives the device with garbage for
#      $NFPE_STORM_SECONDS s (seed $NFPE_SEED, 0 = from the clock; printed)
#      while the host sends frames into the port; it fails unless QEMU kept
#      answering, the device's error counters rose, a STATS command still
#      worked and none of its canary pages changed;
#   3. the driver is bound again: probe (device reset + self-test: SCRATCH,
#      an interrupt on every vector, ECHO) must succeed;
#   4. traffic: the guest echoes, the host waits until an echo comes back,
#      then sends 1000 frames that must all come back byte-exact (the
#      host command's result is the test's "host.traffic");
#   5. unload, dmesg clean.
. ./lib.sh
. ./drvlib.sh
SECS=${NFPE_STORM_SECONDS:-20}
SEED=${NFPE_SEED:-0}
ktap_begin
nfpe_load_port0
bdf=$(basename "$(readlink "/sys/class/net/$dev/device")")
echo "# device $bdf ($dev)"
check unbind "echo $bdf > /sys/bus/pci/drivers/nfp_ebpf/unbind"
check no-netdev-after-unbind "[ -z \"\$(nfpe_iface 0)\" ] || die 'still bound'"
ready
out=$(/nfpe/extra/nfpe-hostile --bdf "$bdf" --seconds "$SECS" --seed "$SEED" 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
last=$(printf '%s\n' "$out" | tail -n 1 | tr -d "'\"")
check hostile-storm "[ $rc = 0 ] || die 'nfpe-hostile exit $rc: $last'"
check rebind "echo $bdf > /sys/bus/pci/drivers/nfp_ebpf/bind"
dev=$(nfpe_iface 0)
check probe-and-selftest-after-storm "[ -n '$dev' ] || die \"no netdev after rebind: \$(dmesg | grep nfp_ebpf | tail -n 1)\""
[ -n "$dev" ] || { ktap_end; exit 1; }
base_tx=$(sysfs_stat "$dev" tx_packets)
check echo-setup echo_setup "$dev"
# the host probes until an echo comes back, then sends 1000 frames; wait
# for them, then until nothing has arrived for 5 s (the host is done)
echoed() { echo $(( $(sysfs_stat "$dev" tx_packets) - base_tx )); }
wait_host() {
    _i=0
    while [ $_i -lt "$WAIT" ] && [ "$(echoed)" -lt 1000 ]; do sleep 1; _i=$((_i + 1)); done
    _last=-1; _quiet=0
    while [ $_quiet -lt 5 ] && [ $_i -lt $((WAIT * 2)) ]; do
        _rx=$(sysfs_stat "$dev" rx_packets)
        if [ "$_rx" = "$_last" ]; then _quiet=$((_quiet + 1)); else _quiet=0; _last=$_rx; fi
        sleep 1; _i=$((_i + 1))
    done
    [ "$(echoed)" -ge 1000 ] || die "echoed $(echoed) frames, the host sends 1000 (+ probes)"
}
check traffic-after-storm wait_host
echo "# echoed $(echoed) frames after the rebind"
check rmmod nfpe_unload
check dmesg-clean dmesg_clean
ktap_end
