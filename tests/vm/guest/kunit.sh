# Scenario "kunit": the built-in KUnit suites ran at boot (kunit.enable=1 on
# the command line); the host parses their KTAP from the console.  Here we
# only check from the inside that they ran and report failures again.
. ./lib.sh
ktap_begin
export KD=/sys/kernel/debug/kunit
check kunit-debugfs test -d $KD
check kunit-suites-ran 'n=$(ls $KD | wc -l); [ "$n" -gt 0 ] || die "no KUnit suites ran (kunit.enable=1 missing?)"; echo "$n suites"'
for s in $(ls $KD 2>/dev/null); do
    check "kunit-$s" "! grep -q '^[[:space:]]*not ok' $KD/$s/results || { grep -B3 'not ok' $KD/$s/results | head -20; die 'suite $s has failures'; }"
done
ktap_end
