# Helpers for the offload guest scenarios (busybox sh); source after
# lib.sh and drvlib.sh.  BPF objects are in /nfpe/extra (run-vm-test --add).
PROGS=${NFPE_PROGS:-/nfpe/extra}
ETHTOOL=/usr/sbin/ethtool

# the device's counter NAME of DEV (ethtool -S; the initramfs gets ethtool
# through --add), or the empty string
dstat() { "$ETHTOOL" -S "$1" 2>/dev/null | awk -v n="$2:" '$1 == n { print $2 }'; }
have_dstat() { [ -x "$ETHTOOL" ]; }

# wait until counter NAME of DEV reaches N (WAIT seconds at most)
wait_dstat() {
    _i=0
    while [ $_i -lt "$WAIT" ]; do
        _v=$(dstat "$1" "$2")
        [ -n "$_v" ] && [ "$_v" -ge "$3" ] && return 0
        sleep 1; _i=$((_i + 1))
    done
    echo "$2 is $(dstat "$1" "$2"), expected $3"
    return 1
}

# the port up, promiscuous (nfpe-traffic's frames are not for our MAC)
port_up() { ip link set dev "$1" up promisc on; }

mount_bpffs() {
    grep -q ' /sys/fs/bpf ' /proc/mounts || mount -t bpf bpf /sys/fs/bpf
}

# id of the first program (or map) bpftool lists with NAME
prog_id() { bpftool prog show | awk -v n="$1" '$0 ~ " name " n " " { sub(":", "", $1); print $1; exit }'; }
map_id() { bpftool map show | awk -v n="$1" '$0 ~ " name " n " " { sub(":", "", $1); print $1; exit }'; }

# value (decimal) of KEY (0..255) in an ARRAY map with u32 keys and u64
# values: bpftool -j prints the value's bytes, least significant first
map_u64() {
    _bytes=$(bpftool -j map lookup id "$1" key "$2" 0 0 0 |
        sed -n 's/.*"value":\[\([^]]*\)\].*/\1/p' | tr -d '"' | tr ',' ' ')
    [ -n "$_bytes" ] || return 1
    _v=0; _m=1
    for _b in $_bytes; do _v=$((_v + _b * _m)); _m=$((_m * 256)); done
    echo "$_v"
}

# run a command that must fail; its output must contain TEXT
must_fail_with() {
    _text=$1; shift
    _out=$("$@" 2>&1) && { printf '%s\n' "$_out"; die "succeeded: $*"; }
    printf '%s\n' "$_out"
    printf '%s\n' "$_out" | grep -qF -- "$_text" || die "no '$_text' in the output"
}

# programs are freed after an RCU grace period: give them 5 s to go
wait_no_offloaded_prog() {
    _i=0
    while bpftool prog show | grep -q offloaded_to; do
        [ $_i -lt 50 ] || { bpftool prog show; die 'an offloaded program is left'; }
        sleep 0.1; _i=$((_i + 1))
    done
}
