# KTAP helpers for guest scenarios (busybox sh).  Source it:  . ./lib.sh
#
#   ktap_begin [N]          version line (and plan, if known up front)
#   check NAME CODE...      eval CODE in a subshell; "ok" if it exits 0, else
#                           "not ok" with its last output line as the reason
#                           and all of its output as "# " diagnostics (before the result line).
#                           In CODE, `die MSG` fails with MSG.
#   skip NAME REASON        "ok N NAME # SKIP REASON"
#   ktap_end                trailing plan if none was given; returns 1 if
#                           anything failed (use: ktap_end; exit $?)
#   ready                   print NFPE-READY (the launcher then starts its
#                           --host-cmd)
NFPE_T=0
NFPE_FAILED=0
NFPE_PLANNED=

ktap_begin() {
    echo "KTAP version 1"
    if [ -n "$1" ]; then echo "1..$1"; NFPE_PLANNED=$1; fi
}

_ktap_result() { # ok|not_ok NAME [REASON] [OUTPUT]
    NFPE_T=$((NFPE_T + 1))
    if [ "$1" = ok ]; then
        echo "ok $NFPE_T $2"
    else
        NFPE_FAILED=$((NFPE_FAILED + 1))
        # KTAP: diagnostics first, then the result line
        [ -n "$4" ] && printf '%s\n' "$4" | sed 's/^/# /'
        echo "not ok $NFPE_T $2 # $3"
    fi
    return 0
}

pass() { _ktap_result ok "$1"; }
fail() { _ktap_result not_ok "$1" "$2" "$3"; }

check() {
    _name=$1; shift
    _out=$( (eval "$*") 2>&1 )
    _rc=$?
    if [ $_rc = 0 ]; then
        _ktap_result ok "$_name"
    else
        _reason=$(printf '%s\n' "$_out" | grep -v '^[[:space:]]*$' | tail -n 1)
        [ -n "$_reason" ] || _reason="'$*' exited with status $_rc"
        _ktap_result not_ok "$_name" "$_reason" "$_out"
    fi
}

skip() {
    NFPE_T=$((NFPE_T + 1))
    echo "ok $NFPE_T $1 # SKIP $2"
}

ktap_end() {
    [ -n "$NFPE_PLANNED" ] || echo "1..$NFPE_T"
    [ "$NFPE_FAILED" = 0 ]
}

ready() { echo "NFPE-READY"; }

# helpers
die() { echo "$*"; exit 1; }
# busybox sh runs its own applets before anything on PATH: force the real
# iproute2 tools (busybox has reduced "ip" and "tc" applets)
ip() { /usr/sbin/ip "$@"; }
tc() { /usr/sbin/tc "$@"; }
bpftool() { /usr/sbin/bpftool "$@"; }
sysfs_stat() { cat "/sys/class/net/$1/statistics/$2"; }
