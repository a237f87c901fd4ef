# Scenario "driver-kunit" (no device needed; kernel with CONFIG_KUNIT and
# kunit.enable=1): loading the module runs its KUnit suites, nfp_ebpf_meta
# (RX metadata parsing), nfp_ebpf_jit (the JIT core in the kernel) and
# nfp_ebpf_facts (what the verifier hook records per instruction).
. ./lib.sh
. ./drvlib.sh
ktap_begin
check insmod nfpe_load
for s in nfp_ebpf_meta nfp_ebpf_jit nfp_ebpf_facts; do
    R=/sys/kernel/debug/kunit/$s/results
    check "$s-ran" "test -f $R"
    [ -f "$R" ] && sed 's/^/# /' "$R"
    check "$s-pass" "! grep -q 'not ok' $R && grep -q '^ok' $R"
done
check rmmod nfpe_unload
ktap_end
