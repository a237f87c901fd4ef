# Scenario "driver-reload" (1 port): NFPE_CYCLES (default 100) load /
# up / echo / unload cycles while the host keeps sending; dmesg stays clean
# (no warnings, leaks, timeouts).
. ./lib.sh
. ./drvlib.sh
CYCLES=${NFPE_CYCLES:-100}
ktap_begin
ready
i=0
fail=
while [ $i -lt "$CYCLES" ]; do
    nfpe_load || { fail="insmod failed in cycle $i"; break; }
    dev=$(nfpe_iface 0)
    [ -n "$dev" ] || { fail="no interface in cycle $i"; break; }
    echo_setup "$dev" || { fail="setup failed in cycle $i"; break; }
    # let some traffic through every few cycles
    [ $((i % 10)) = 0 ] && sleep 1
    nfpe_unload || { fail="rmmod failed in cycle $i"; break; }
    i=$((i + 1))
done
echo "# $i of $CYCLES cycles"
check reload-cycles "[ -z '$fail' ] || die '$fail'"
check final-load "nfpe_load && [ -n \"\$(nfpe_iface 0)\" ] && nfpe_unload"
host_done
kmemleak_check
check dmesg-clean dmesg_clean
ktap_end
