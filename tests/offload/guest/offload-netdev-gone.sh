# Scenario "offload-netdev-gone" (1 port): the netdev goes away (the PCI
# function is unbound from the driver through sysfs) with an offloaded
# XDP program attached, a cls_bpf filter offloaded, and a pinned program
# and a pinned map bound to the device.  The attached programs are freed;
# the pinned ones stay, bound to no device: bpftool shows them with
# ENODEV (as the kernel's netdevsim selftest expects).  Nothing is left
# on the driver's side (rebinding gives a clean device), and the kernel
# prints no warning.
. ./lib.sh
. ./drvlib.sh
. ./offlib.sh
ktap_begin
nfpe_load_port0
pci=$(basename "$(readlink /sys/class/net/$dev/device)")
drv=/sys/bus/pci/drivers/nfp_ebpf
check port-up port_up "$dev"
check mount-bpffs mount_bpffs
check xdpoffload-count "ip link set dev $dev xdpoffload obj $PROGS/xdp_count.bpf.o sec xdp"
xid=$(prog_id xdp_count)
check tc-offload "tc qdisc add dev $dev clsact && tc filter add dev $dev ingress prio 1 bpf skip_sw da obj $PROGS/tc_mark.bpf.o sec tc"
tid=$(prog_id tc_mark)
check pinned-prog "bpftool prog load $PROGS/xdp_pass.bpf.o /sys/fs/bpf/p type xdp dev $dev"
check pinned-map "bpftool map create /sys/fs/bpf/m type hash key 4 value 8 entries 16 name pm dev $dev && bpftool map update pinned /sys/fs/bpf/m key 1 0 0 0 value 2 0 0 0 0 0 0 0"
echo "# before: xdp id $xid, tc id $tid"
bpftool prog show | grep -E '^[0-9]+:|offloaded' | sed 's/^/#   /'
check unbind-pci-function "echo $pci > $drv/unbind && [ ! -e /sys/class/net/$dev ]"
# programs are freed after an RCU grace period
gone() { ! bpftool prog show id "$1" >/dev/null 2>&1; }
wait_gone() {
    _i=0
    while ! gone "$1"; do
        [ $_i -lt 50 ] || { bpftool prog show id "$1"; return 1; }
        sleep 0.1; _i=$((_i + 1))
    done
}
check attached-xdp-prog-freed "wait_gone $xid"
check attached-tc-prog-freed "wait_gone $tid"
check pinned-prog-enodev "must_fail_with 'No such device' bpftool prog show pinned /sys/fs/bpf/p"
check pinned-map-enodev "must_fail_with 'No such device' bpftool map show pinned /sys/fs/bpf/m"
check pinned-map-no-lookup "! bpftool map lookup pinned /sys/fs/bpf/m key 1 0 0 0 2>/dev/null"
check no-offloaded-prog-listed "! bpftool prog show 2>/dev/null | grep -q offloaded_to"
check unpin "rm /sys/fs/bpf/p /sys/fs/bpf/m"
check rebind-pci-function "echo $pci > $drv/bind && sleep 1 && dev=\$(nfpe_iface 0) && [ -n \"\$dev\" ]"
dev=$(nfpe_iface 0)
# the driver warns (WARN_ON) if a program or a map were still its own
# when the port or the device went; the device answered every UNLOAD and
# MAP_FREE of the unbind
check device-freed-everything "! dmesg | grep -E 'MAP_FREE of device map|cannot unload device program'"
check rebound-clean "port_up $dev && ! ip link show dev $dev | grep -q xdp && [ -z \"\$(tc qdisc show dev $dev | grep clsact)\" ]"
check rebound-offloads "ip link set dev $dev xdpoffload obj $PROGS/xdp_drop.bpf.o sec xdp && bpftool prog show | grep -q 'offloaded_to $dev'"
check rmmod nfpe_unload
check no-offloaded-prog-left "wait_no_offloaded_prog"
check dmesg-clean dmesg_clean
ktap_end
