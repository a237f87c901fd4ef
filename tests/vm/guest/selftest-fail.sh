# Scenario "selftest-fail": deliberately fails, to prove the host harness
# reports a failing guest check with the guest's own message.
. ./lib.sh
ktap_begin 2
check harmless true
check deliberate-failure 'echo "nfpe selftest: this check fails on purpose"; false'
ktap_end
