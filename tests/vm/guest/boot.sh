# Scenario "boot": the guest came up and the basic tools work.
. ./lib.sh
ktap_begin

check proc-mounted test -r /proc/self/status
check sysfs-mounted test -d /sys/class/net
check debugfs-mounted test -d /sys/kernel/debug/tracing -o -d /sys/kernel/debug
check kernel-version 'cat /proc/version'
for d in /sys/bus/pci/devices/*; do
    echo "# pci $(basename "$d") $(cat "$d/vendor"):$(cat "$d/device") class $(cat "$d/class")"
done
check pci-bus 'ls /sys/bus/pci/devices | grep -q . || die "no PCI devices"'
check lo-up 'ip link show dev lo | grep -q "[<,]UP[,>]" || die "lo is not up: $(ip link show dev lo)"'
check lo-ping 'ip addr show dev lo | grep -q "inet 127.0.0.1" && ping -c 1 -W 2 127.0.0.1 >/dev/null'
check bpftool-version bpftool version
check bpftool-prog-show bpftool prog show
check bpftool-feature-syscall 'bpftool feature probe kernel 2>&1 | grep -q "bpf() syscall is available" || die "bpf() syscall not available"'
check tc-clsact-add tc qdisc add dev lo clsact
check tc-matchall-filter tc filter add dev lo ingress matchall action pass
check tc-clsact-show 'tc qdisc show dev lo | grep -q clsact || die "no clsact on lo"'
check tc-clsact-del tc qdisc del dev lo clsact
check veth-pair 'ip link add nfpe-a type veth peer name nfpe-b && ip link set nfpe-a up && ip link set nfpe-b up && ip link del nfpe-a'
if [ -d /sys/bus/netdevsim ]; then
    check netdevsim-create 'echo "1 1" > /sys/bus/netdevsim/new_device && ls /sys/bus/netdevsim/devices/netdevsim1/net | grep -q . && echo 1 > /sys/bus/netdevsim/del_device'
else
    skip netdevsim-create "no netdevsim in this kernel"
fi
ktap_end
