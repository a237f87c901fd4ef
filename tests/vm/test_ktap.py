#!/usr/bin/env python3
"""Unit tests for tests/vm/ktap.py on canned console logs (no VM needed).

The important one: a deliberately failing guest check must make the host
verdict fail, carrying the guest's own message.
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktap  # noqa: E402

KUNIT_PASS = """\
[    0.512345] KTAP version 1
[    0.512346] 1..2
[    0.512400]     KTAP version 1
[    0.512401]     # Subtest: list-kernel-test
[    0.512402]     1..2
[    0.512410]     ok 1 list_test_list_init
[    0.512411]     ok 2 list_test_list_add
[    0.512420] # list-kernel-test: pass:2 fail:0 skip:0 total:2
[    0.512421] ok 1 list-kernel-test
[    0.512500]     KTAP version 1
[    0.512501]     # Subtest: example
[    0.512502]     1..2
[    0.512503]     ok 1 example_simple_test
[    0.512504]     ok 2 example_skip_test # SKIP this test should be skipped
[    0.512505] ok 2 example
"""

KUNIT_FAIL = """\
[    0.512345] KTAP version 1
[    0.512346] 1..1
[    0.512400]     KTAP version 1
[    0.512401]     # Subtest: bitfield
[    0.512402]     1..3
[    0.512410]     ok 1 test_bitfields_constants
[    0.512411]     # test_bitfields_variables: EXPECTATION FAILED at lib/test_bitfield.c:40
[    0.512412]     Expected 3 == 4, but
[    0.512413]     not ok 2 test_bitfields_variables
[    0.512414]         KTAP version 1
[    0.512415]         # Subtest: test_param
[    0.512416]         ok 1 param-0
[    0.512417]         ok 2 param-1
[    0.512418]     ok 3 test_param
[    0.512420] # bitfield: pass:2 fail:1 skip:0 total:3
[    0.512421] not ok 1 bitfield
"""

GUEST_PASS = """\
NFPE-START: boot 1.23
KTAP version 1
ok 1 proc-mounted
ok 2 netdevsim-create # SKIP no netdevsim
1..2
NFPE-DMESG-BEGIN
[    0.000000] Linux version 6.1.192
[    1.000000] virtio_net virtio0 eth0: renamed
NFPE-DMESG-END
NFPE-EXIT: 0
"""

GUEST_FAIL = """\
NFPE-START: selftest-fail 1.23
KTAP version 1
1..2
ok 1 harmless
# nfpe selftest: this check fails on purpose
not ok 2 deliberate-failure # nfpe selftest: this check fails on purpose
NFPE-DMESG-BEGIN
[    0.000000] Linux version 6.1.192
NFPE-DMESG-END
NFPE-EXIT: 1
"""


def failures(rep):
    return {name: msg for name, ok, msg, diag, _ in rep.results if not ok}


class KtapTest(unittest.TestCase):
    def test_guest_pass(self):
        rep = ktap.evaluate(GUEST_PASS)
        self.assertEqual(failures(rep), {})
        names = [r[0] for r in rep.results]
        self.assertIn("guest.proc-mounted", names)
        self.assertIn("dmesg-clean", names)
        skip = [r for r in rep.results if r[0] == "guest.netdevsim-create"][0]
        self.assertTrue(skip[1])
        self.assertIn("SKIP", skip[4])

    def test_deliberate_guest_failure_carries_message(self):
        rep = ktap.evaluate(GUEST_FAIL)
        f = failures(rep)
        self.assertIn("guest.deliberate-failure", f)
        self.assertEqual(f["guest.deliberate-failure"], "nfpe selftest: this check fails on purpose")
        self.assertIn("guest-exit", f)
        tap = rep.tap()
        self.assertIn("not ok 2 guest.deliberate-failure # nfpe selftest: this check fails on purpose", tap)

    def test_failure_reason_from_diagnostics(self):
        text = "KTAP version 1\n1..1\n# the reason\nnot ok 1 x\nNFPE-DMESG-BEGIN\nx\nNFPE-DMESG-END\nNFPE-EXIT: 1\n"
        self.assertEqual(failures(ktap.evaluate(text))["guest.x"], "the reason")

    def test_kunit_pass(self):
        rep = ktap.evaluate(KUNIT_PASS + GUEST_PASS, kunit="require")
        self.assertEqual(failures(rep), {})
        names = [r[0] for r in rep.results]
        self.assertIn("kunit.list-kernel-test.list_test_list_init", names)
        self.assertIn("kunit.example.example_skip_test", names)

    def test_kunit_failure(self):
        rep = ktap.evaluate(KUNIT_FAIL + GUEST_PASS, kunit="require")
        f = failures(rep)
        self.assertEqual(list(f), ["kunit.bitfield.test_bitfields_variables"])
        self.assertIn("EXPECTATION FAILED", " ".join(
            [r[3] for r in rep.results if r[0] == "kunit.bitfield.test_bitfields_variables"][0]))
        names = [r[0] for r in rep.results]
        self.assertIn("kunit.bitfield.test_param.param-1", names)

    def test_kunit_required_but_absent(self):
        self.assertIn("kunit", failures(ktap.evaluate(GUEST_PASS, kunit="require")))

    def test_kunit_interleaved_with_kernel_messages(self):
        noisy = KUNIT_PASS.replace("[    0.512410]     ok 1 list_test_list_init\n",
                                   "[    0.512409] random: crng init done\n"
                                   "[    0.512410]     ok 1 list_test_list_init\n")
        self.assertEqual(failures(ktap.evaluate(noisy + GUEST_PASS, kunit="require")), {})

    def test_dmesg_warning_fails(self):
        bad = GUEST_PASS.replace("NFPE-DMESG-END", "[    2.0] WARNING: CPU: 0 PID: 1 at net/core/dev.c:1 foo\n"
                                                   "[    2.1] Call Trace:\nNFPE-DMESG-END")
        f = failures(ktap.evaluate(bad))
        self.assertIn("dmesg-clean", f)
        self.assertIn("WARNING: CPU: 0", f["dmesg-clean"])

    def test_dmesg_patterns(self):
        for line in ["BUG: KASAN: slab-out-of-bounds in foo", "kmemleak: 1 new suspected memory leaks",
                     "Oops: 0000 [#1] SMP", "BUG: unable to handle page fault"]:
            self.assertTrue(ktap.check_dmesg([line]), line)
        for line in ["kmemleak: Kernel memory leak detector initialized (mem pool available: 15)",
                     "kasan: KernelAddressSanitizer initialized", "virtio_net virtio0 eth0: up"]:
            self.assertFalse(ktap.check_dmesg([line]), line)

    def test_live_console_warning_without_dump(self):
        text = "KTAP version 1\nok 1 a\n[    3.0] BUG: unable to handle page fault\n"
        f = failures(ktap.evaluate(text))
        self.assertIn("dmesg-clean", f)
        self.assertIn("guest-exit", f)

    def test_missing_tests_and_no_exit(self):
        text = "KTAP version 1\n1..3\nok 1 a\n"
        f = failures(ktap.evaluate(text))
        self.assertIn("guest.structure", f)
        self.assertIn("1 of 3", f["guest.structure"])
        self.assertIn("guest-exit", f)

    def test_no_guest_output(self):
        self.assertIn("guest.ktap", failures(ktap.evaluate("[    0.1] Linux version\n")))

    def test_nonzero_exit_without_failing_line(self):
        text = "KTAP version 1\nok 1 a\n1..1\nNFPE-DMESG-BEGIN\nx\nNFPE-DMESG-END\nNFPE-EXIT: 3\n"
        f = failures(ktap.evaluate(text))
        self.assertIn("status 3", f["guest-exit"])

    def test_kernel_line_inside_guest_line(self):
        text = ("KTAP version 1\nok 1 a[    5.0] virtio_net: something\n1..1\n"
                "NFPE-DMESG-BEGIN\nx\nNFPE-DMESG-END\nNFPE-EXIT: 0\n")
        self.assertEqual(failures(ktap.evaluate(text)), {})

    def test_nested_guest_scenarios(self):
        # driver-all: each scenario's KTAP indented under its name, host
        # command lines and NFPE-READY in between
        text = ("KTAP version 1\n"
                "    # Subtest: probe\n    KTAP version 1\n    ok 1 insmod\n    ok 2 rmmod\n    1..2\n"
                "# probe: 1.0 s\nok 1 probe\n"
                "    # Subtest: traffic\n    KTAP version 1\n    ok 1 insmod\n    NFPE-READY traffic\n"
                "nfpe-vm: host[traffic]: exit status 0\n"
                "    # counted 5\n    not ok 2 counters # rx_packets grew by 5, expected 6\n    1..2\n"
                "not ok 2 traffic # scenario traffic failed\n"
                "1..2\nNFPE-DMESG-BEGIN\nx\nNFPE-DMESG-END\nNFPE-EXIT: 1\n")
        rep = ktap.evaluate(text)
        names = [r[0] for r in rep.results]
        for n in ("guest.probe.insmod", "guest.probe.rmmod", "guest.traffic.insmod", "guest.traffic.counters"):
            self.assertIn(n, names)
        f = failures(rep)
        self.assertEqual(f["guest.traffic.counters"], "rx_packets grew by 5, expected 6")
        # the parent's own line is not a second failure when a child failed
        self.assertNotIn("guest.traffic", f)
        self.assertNotIn("guest.structure", f)

    def test_cr_lf(self):
        self.assertEqual(failures(ktap.evaluate(GUEST_PASS.replace("\n", "\r\n"))), {})


if __name__ == "__main__":
    unittest.main(verbosity=2)
