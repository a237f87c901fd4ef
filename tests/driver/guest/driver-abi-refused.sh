# Scenario "driver-abi-refused" (1 port, device with x-abi=0x20000): the
# device reports ABI 2.0, which this driver does not speak.  The module
# loads, the probe refuses the device with a message naming both ABIs, no
# netdev appears, nothing else is touched (no bus mastering left on, no
# IRQ vectors), and the module unloads cleanly.
. ./lib.sh
. ./drvlib.sh
ktap_begin
check insmod nfpe_load
check refusal-message "dmesg | grep -q 'nfp_ebpf .*device ABI 2\.0 is not supported: this driver speaks ABI 1\.x' || die \"no refusal: \$(dmesg | grep nfp_ebpf | tail -n 3)\""
check no-netdev "[ -z \"\$(nfpe_ifaces)\" ] || die 'a netdev appeared: $(nfpe_ifaces)'"
check not-bound "! ls /sys/bus/pci/drivers/nfp_ebpf/ | grep -q '^0000:' || die 'device bound to nfp_ebpf'"
check no-debugfs "[ -z \"\$(nfpe_dbgdir)\" ]"
check rmmod nfpe_unload
kmemleak_check
check dmesg-no-bugs dmesg_no_bugs
ktap_end
