# Scenario "driver-kunit" (no device needed; kernel with CONFIG_KUNIT and
# kunit.enable=1): loading the module runs the nfp_ebpf_meta suite.
. ./lib.sh
. ./drvlib.sh
R=/sys/kernel/debug/kunit/nfp_ebpf_meta/results
ktap_begin
check insmod nfpe_load
check kunit-ran "test -f $R"
[ -f "$R" ] && sed 's/^/# /' "$R"
check kunit-pass "! grep -q 'not ok' $R && grep -q '^ok' $R"
check rmmod nfpe_unload
ktap_end
