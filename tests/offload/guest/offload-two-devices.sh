# Scenario "offload-two-devices" (two nfp-ebpf PCI functions, one port
# each): a program loaded for the first device (bpftool prog load ... dev)
# is refused on the second one by the driver, as offloaded XDP and as a
# cls_bpf filter ("program was loaded for another device"), and attaches
# on its own device.  rmmod with programs on both.
. ./lib.sh
. ./drvlib.sh
. ./offlib.sh
ktap_begin
check insmod nfpe_load
d0=$(nfpe_iface 0)
d1=$(nfpe_iface 1)
check two-netdevs "[ -n '$d0' ] && [ -n '$d1' ] || die \"interfaces: \$(nfpe_ifaces | tr '\n' ' ')\""
[ -n "$d0" ] && [ -n "$d1" ] || { ktap_end; exit 1; }
pci0=$(basename "$(readlink /sys/class/net/$d0/device)")
pci1=$(basename "$(readlink /sys/class/net/$d1/device)")
echo "# $d0 on $pci0, $d1 on $pci1"
check two-pci-functions "[ '$pci0' != '$pci1' ]"
check ports-up "port_up $d0 && port_up $d1"
check mount-bpffs mount_bpffs
check load-xdp-for-dev0 "bpftool prog load $PROGS/xdp_pass.bpf.o /sys/fs/bpf/x type xdp dev $d0"
check bpftool-shows-dev0 "bpftool prog show pinned /sys/fs/bpf/x | tee /dev/stderr | grep -q 'offloaded_to $d0'"
check xdp-refused-on-dev1-ip "must_fail_with 'program was loaded for another device' ip link set dev $d1 xdpoffload pinned /sys/fs/bpf/x"
check xdp-refused-on-dev1-bpftool "must_fail_with 'program was loaded for another device' bpftool net attach xdpoffload pinned /sys/fs/bpf/x dev $d1"
check xdp-nothing-on-dev1 "! ip link show dev $d1 | grep -q xdp"
check xdp-attaches-on-dev0 "ip link set dev $d0 xdpoffload pinned /sys/fs/bpf/x && ip link show dev $d0 | grep -q xdpoffload"
check load-tc-for-dev0 "bpftool prog load $PROGS/tc_mark.bpf.o /sys/fs/bpf/t type classifier dev $d0"
check clsact "tc qdisc add dev $d0 clsact && tc qdisc add dev $d1 clsact"
check tc-refused-on-dev1 "must_fail_with 'program was loaded for another device' tc filter add dev $d1 ingress prio 1 bpf skip_sw da object-pinned /sys/fs/bpf/t"
check tc-nothing-on-dev1 "[ -z \"\$(tc filter show dev $d1 ingress)\" ]"
check tc-attaches-on-dev0 "tc filter add dev $d0 ingress prio 1 bpf skip_sw da object-pinned /sys/fs/bpf/t && tc filter show dev $d0 ingress | grep -qw in_hw"
# the second device still offloads programs of its own
check dev1-offloads-its-own "ip link set dev $d1 xdpoffload obj $PROGS/xdp_drop.bpf.o sec xdp && bpftool prog show | grep -q 'offloaded_to $d1'"
check unpin "rm /sys/fs/bpf/x /sys/fs/bpf/t"
check rmmod-with-programs-on-both nfpe_unload
check no-offloaded-prog-left "wait_no_offloaded_prog"
check dmesg-clean dmesg_clean
ktap_end
