# Scenario "offload-refusals" (1 port): programs the device cannot run
# are refused, and `ip` prints why (the verifier log the driver writes,
# or the kernel's own refusal for map types 6.1 cannot offload).
. ./lib.sh
. ./drvlib.sh
. ./offlib.sh
ktap_begin
nfpe_load_port0
check port-up port_up "$dev"
off() { ip link set dev "$dev" xdpoffload obj "$PROGS/$1.bpf.o" sec xdp; }
check unsupported-helper "must_fail_with 'nfp-ebpf: insn 0: helper bpf_get_smp_processor_id (8) not supported by the device' off bad_helper"
check too-large "must_fail_with 'nfp-ebpf: program needs 24005 instructions, code store holds 8192' off bad_too_big"
check tail-call-map-refused "must_fail_with \"map 'jt': failed to create: Invalid argument\" off bad_tailcall"
check percpu-map-refused "must_fail_with \"map 'pcpu': failed to create: Invalid argument\" off bad_percpu"
check mixed-pointer-kinds "must_fail_with 'pointer on one path and a' off bad_mixed_ptr"
check map-too-big "must_fail_with \"map 'big': failed to create: Argument list too long\" off bad_big_map"
check map-too-big-logged "dmesg | grep -q 'map offload: 100000000 entries exceed the device limit'"
# what ip prints, for the record
for b in bad_helper bad_too_big bad_tailcall bad_percpu bad_mixed_ptr bad_big_map; do
    off "$b" 2>&1 | grep -E 'nfp-ebpf:|failed to create' | sed "s/^/# $b: /"
done
# a program loaded for the device (bpftool ... dev) attaches only in
# offload mode: the kernel refuses it as native XDP
check mount-bpffs mount_bpffs
# only XDP and cls_bpf programs can be loaded for a device: the kernel
# refuses a socket filter (EINVAL, no message) before the driver sees it
check prog-type-refused "must_fail_with 'Invalid argument' bpftool prog load $PROGS/bad_prog_type.bpf.o /sys/fs/bpf/s dev $dev"
check bpftool-load-for-device "bpftool prog load $PROGS/xdp_pass.bpf.o /sys/fs/bpf/p type xdp dev $dev"
check bound-prog-as-native-refused "must_fail_with 'device-bound program without HW_MODE' bpftool net attach xdpdrv pinned /sys/fs/bpf/p dev $dev"
check bpftool-attach-xdpoffload "bpftool net attach xdpoffload pinned /sys/fs/bpf/p dev $dev && ip link show dev $dev | grep -q xdpoffload"
check bpftool-detach "bpftool net detach xdpoffload dev $dev && rm /sys/fs/bpf/p"
check nothing-attached "! ip link show dev $dev | grep -q xdp"
check no-offloaded-prog-left "wait_no_offloaded_prog"
check rmmod nfpe_unload
check dmesg-clean dmesg_clean
ktap_end
