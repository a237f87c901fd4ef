#!/usr/bin/env python3
"""Parse a nfp-ebpf VM console log: guest KTAP/TAP results, the in-kernel
KUnit results (nested KTAP, printed by the kernel with timestamps), and the
guest's dmesg (between NFPE-DMESG-BEGIN/END) for kernel warnings.

    ktap.py [--kunit require|allow|ignore] [--no-dmesg-check] CONSOLE.log

Prints a flat TAP report (one line per leaf test, failures with the guest's
own message) and exits 1 if anything failed.  Library use: evaluate(text).
"""
import argparse
import re
import sys

TS_RE = re.compile(r"^\[\s*\d+\.\d+\] ?")
VERSION_RE = re.compile(r"^(K?TAP) version (\d+)\s*$")
PLAN_RE = re.compile(r"^1\.\.(\d+)")
RESULT_RE = re.compile(r"^(not ok|ok)\s+(\d+)\s*(?:-\s*)?([^#]*?)\s*(?:#\s*(.*))?$")
SUBTEST_RE = re.compile(r"^#\s*Subtest:\s*(.*)$")
EXIT_RE = re.compile(r"^NFPE-EXIT: (\d+)\s*$")

# Kernel log lines that fail a run.  Matched against the guest's dmesg and
# the live console (in case the guest hung before dumping dmesg).
BAD_DMESG = [
    ("WARNING", re.compile(r"WARNING:")),
    ("BUG", re.compile(r"BUG:")),
    ("KASAN", re.compile(r"KASAN")),
    ("kmemleak", re.compile(r"kmemleak")),
    ("Oops", re.compile(r"Oops")),
    ("Call Trace", re.compile(r"Call Trace")),
    ("panic", re.compile(r"Kernel panic")),
]
# ...except these known-harmless lines
BENIGN_DMESG = [
    re.compile(r"kmemleak: Kernel memory leak detector initialized"),
    re.compile(r"kmemleak: Automatic memory scanning thread started"),
    re.compile(r"KASAN init done|KernelAddressSanitizer initialized"),
    re.compile(r"kunit.*(Subtest|ok \d+)"),   # a KUnit test *named* like a pattern
]


class Test:
    def __init__(self, name, ok, number, directive=None, diag=None, subtests=None, plan=None):
        self.name = name
        self.ok = ok
        self.number = number
        self.directive = directive or ""
        self.diag = diag or []
        self.subtests = subtests or []
        self.plan = plan

    @property
    def skipped(self):
        return self.directive.upper().startswith("SKIP")

    @property
    def todo(self):
        return self.directive.upper().startswith("TODO")

    @property
    def failed(self):
        return not self.ok and not self.skipped and not self.todo

    @property
    def reason(self):
        """The failure message: the directive text, else the last diagnostic."""
        if self.directive and not self.skipped:
            return self.directive
        for d in reversed(self.diag):
            if d.strip():
                return d.strip()
        return ""

    def __repr__(self):
        return "Test(%r, ok=%r, %d subtests)" % (self.name, self.ok, len(self.subtests))


class Document:
    """One top-level KTAP/TAP document."""

    def __init__(self, source):
        self.source = source   # "guest" or "kernel"
        self.tests = []
        self.plan = None
        self.problems = []     # structural problems (missing tests, bad plan)


def _indent(line):
    return len(line) - len(line.lstrip(" "))


def _parse_level(lines, pos, indent, doc_problems, path):
    """Parse results at one indentation level starting at lines[pos].
    Returns (tests, plan, pos).  Deeper-indented blocks become the subtests
    of the result line that follows them (KTAP nesting)."""
    tests = []
    plan = None
    pending_sub = []
    pending_sub_plan = None
    pending_name = None
    diag = []        # diagnostics since the last result line
    n = len(lines)
    while pos < n:
        raw = lines[pos]
        if not raw.strip():
            pos += 1
            continue
        ind = _indent(raw)
        if ind < indent:
            break
        if ind > indent:
            sub, subplan, pos = _parse_level(lines, pos, ind, doc_problems, path + [pending_name or "?"])
            pending_sub.extend(sub)
            if subplan is not None:
                pending_sub_plan = subplan
            continue
        line = raw[indent:].rstrip()
        pos += 1
        if VERSION_RE.match(line):
            continue
        m = PLAN_RE.match(line)
        if m:
            plan = int(m.group(1))
            continue
        m = SUBTEST_RE.match(line)
        if m:
            pending_name = m.group(1).strip()
            continue
        m = RESULT_RE.match(line)
        if m:
            ok = m.group(1) == "ok"
            t = Test(m.group(3).strip() or pending_name or ("test %s" % m.group(2)), ok, int(m.group(2)),
                     (m.group(4) or "").strip(), list(diag), pending_sub, pending_sub_plan)
            if pending_sub_plan is not None and len(pending_sub) < pending_sub_plan and t.ok is not None:
                doc_problems.append("%s: %d of %d subtests reported" % (
                    "/".join(path + [t.name]), len(pending_sub), pending_sub_plan))
            tests.append(t)
            diag = []
            pending_sub, pending_sub_plan, pending_name = [], None, None
            continue
        if line.startswith("#"):
            # KTAP: diagnostic lines precede the result they explain
            diag.append(line[1:].strip())
            continue
        # anything else (kernel messages, program output) is not KTAP
    if pending_sub:
        # subtests without a closing result line: the parent never finished
        t = Test(pending_name or "unfinished", False, len(tests) + 1,
                 "no result line (the test did not finish)", diag, pending_sub, pending_sub_plan)
        tests.append(t)
    return tests, plan, pos


def split_console(text):
    """Split the console into (kernel_lines, guest_lines, dmesg_lines, exit_status).
    Kernel printk lines carry a "[ secs.usecs]" timestamp; guest output does not."""
    kernel, guest, dmesg = [], [], []
    status = None
    in_dmesg = False
    for raw in text.splitlines():
        line = raw.replace("\r", "").replace("\t", "    ")
        s = line.strip()
        if s == "NFPE-DMESG-BEGIN":
            in_dmesg = True
            continue
        if s == "NFPE-DMESG-END":
            in_dmesg = False
            continue
        if in_dmesg:
            dmesg.append(TS_RE.sub("", line))
            continue
        m = EXIT_RE.match(s)
        if m:
            status = int(m.group(1))
            continue
        m = TS_RE.match(line)
        if m:
            kernel.append(line[m.end():])
        else:
            # a kernel message may have been printed in the middle of a guest line
            k = re.search(r"\[\s*\d+\.\d+\] ", line)
            if k and k.start() > 0:
                guest.append(line[:k.start()])
                kernel.append(line[k.end():])
            else:
                guest.append(line)
    return kernel, guest, dmesg, status


def parse_documents(lines, source):
    """Find the top-level (column 0) KTAP/TAP documents in a stream of lines."""
    docs = []
    starts = [i for i, l in enumerate(lines) if VERSION_RE.match(l)]
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        doc = Document(source)
        # only lines that can belong to KTAP; other column-0 text is noise
        body = lines[start + 1:end]
        doc.tests, doc.plan, _ = _parse_level_all(body, doc.problems)
        if doc.plan is not None and len(doc.tests) < doc.plan:
            doc.problems.append("%d of %d planned tests reported (the run stopped early?)" % (
                len(doc.tests), doc.plan))
        if doc.plan is None and not doc.tests:
            doc.problems.append("KTAP document without plan or results")
        docs.append(doc)
    return docs


def _parse_level_all(body, problems):
    """Parse a whole document body at indentation 0, skipping lines that
    _parse_level would stop at (it never stops early at indent 0)."""
    tests, plan, pos = [], None, 0
    while pos < len(body):
        t, p, pos2 = _parse_level(body, pos, 0, problems, [])
        tests.extend(t)
        if p is not None:
            plan = p
        pos = pos2 if pos2 > pos else pos + 1
    return tests, plan, pos


def flatten(tests, prefix=""):
    """Leaf results as (name, Test)."""
    out = []
    for t in tests:
        name = prefix + t.name
        if t.subtests:
            out.extend(flatten(t.subtests, name + "."))
            if t.failed and not any(s.failed for s in t.subtests):
                out.append((name, t))   # parent failed by itself (e.g. suite init)
        else:
            out.append((name, t))
    return out


def check_dmesg(lines):
    """Kernel log lines matching a bad pattern: list of (label, line)."""
    hits = []
    for line in lines:
        if any(b.search(line) for b in BENIGN_DMESG):
            continue
        for label, rx in BAD_DMESG:
            if rx.search(line):
                hits.append((label, line.strip()))
                break
    return hits


class Report:
    def __init__(self):
        self.results = []   # (name, ok, message, diag lines, directive)
        self.exit_status = None

    def add(self, name, ok, message="", diag=None, directive=""):
        self.results.append((name, ok, message, diag or [], directive))

    @property
    def failed(self):
        return [r for r in self.results if not r[1]]

    def tap(self):
        out = ["TAP version 13", "1..%d" % len(self.results)]
        for i, (name, ok, msg, diag, directive) in enumerate(self.results, 1):
            name = re.sub(r"\s+", "_", name)
            if ok:
                out.append("ok %d %s%s" % (i, name, " # " + directive if directive else ""))
            else:
                out.append("not ok %d %s%s" % (i, name, " # " + msg if msg else ""))
                for d in diag[-30:]:
                    out.append("#   " + d)
        return "\n".join(out) + "\n"


def evaluate(text, kunit="allow", dmesg_check=True, expect_guest_ktap=True):
    """Evaluate a console log.  kunit: "require" (KUnit output must be
    present), "allow" (check it if present), "ignore"."""
    kernel, guest, dmesg, status = split_console(text)
    rep = Report()
    rep.exit_status = status

    gdocs = parse_documents(guest, "guest")
    if expect_guest_ktap and not gdocs:
        rep.add("guest.ktap", False, "no KTAP output from the guest (did it boot? see the console log)")
    for d in gdocs:
        for name, t in flatten(d.tests):
            rep.add("guest." + name, not t.failed, t.reason, t.diag, t.directive if t.ok else "")
        for p in d.problems:
            rep.add("guest.structure", False, p)

    if kunit != "ignore":
        kdocs = parse_documents(kernel, "kernel")
        if kunit == "require" and not kdocs:
            rep.add("kunit", False, "no KUnit output on the console (kunit.enable=1? CONFIG_KUNIT?)")
        for d in kdocs:
            leaves = flatten(d.tests)
            if kunit == "require" and not leaves:
                rep.add("kunit", False, "KUnit ran no test cases")
            for name, t in leaves:
                rep.add("kunit." + name, not t.failed, t.reason, t.diag, t.directive if t.ok else "")
            for p in d.problems:
                rep.add("kunit.structure", False, p)

    if dmesg_check:
        if not dmesg and status is not None:
            rep.add("dmesg", False, "no guest dmesg dump (NFPE-DMESG-BEGIN/END) on the console")
        dhits = check_dmesg(dmesg)
        hits = dhits + [h for h in check_dmesg(kernel) if h not in dhits]
        if hits:
            rep.add("dmesg-clean", False, "%s in the guest kernel log: %s" % (hits[0][0], hits[0][1]),
                    [h[1] for h in hits[:20]])
        elif dmesg:
            rep.add("dmesg-clean", True)

    if status is None:
        rep.add("guest-exit", False, "the guest did not report NFPE-EXIT (hang, panic or timeout)")
    elif status != 0:
        failing = [r for r in rep.results if not r[1]]
        rep.add("guest-exit", False, "guest scenario exited with status %d%s" % (
            status, "" if failing else " without a failing KTAP line"))
    else:
        rep.add("guest-exit", True)
    return rep


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("console")
    ap.add_argument("--kunit", default="allow", choices=["require", "allow", "ignore"])
    ap.add_argument("--no-dmesg-check", action="store_true")
    a = ap.parse_args(argv)
    with open(a.console, errors="replace") as fh:
        rep = evaluate(fh.read(), a.kunit, not a.no_dmesg_check)
    sys.stdout.write(rep.tap())
    for name, ok, msg, diag, _ in rep.failed:
        sys.stderr.write("FAIL %s: %s\n" % (name, msg))
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main())
