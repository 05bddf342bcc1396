#!/usr/bin/env python3
"""Counts the tests of a run by the tool group they need, from the lines the test listener
(org.mgm.testing.ToolGroupsListener) wrote, and fails on any skip that .ci/expected-skips does not
name: a test that skipped in CI is a test that never ran, and the count of passed tests alone
cannot show it."""
import collections
import glob
import re
import sys

results_dir = sys.argv[1] if len(sys.argv) > 1 else "target/test-tool-groups"
expected_file = sys.argv[2] if len(sys.argv) > 2 else ".ci/expected-skips"

expected = []
with open(expected_file) as f:
    for line in f:
        line = line.split("#", 1)[0].strip()
        if line:
            expected.append(re.compile(line))

counts = collections.defaultdict(collections.Counter)
unexpected, failed = [], []
files = glob.glob(results_dir + "/*.tsv")
for path in files:
    with open(path) as f:
        for line in f:
            cls, test, status, groups, reason = (line.rstrip("\n").split("\t") + [""] * 5)[:5]
            name = cls + " " + test
            for g in (groups.split(",") if groups != "-" else ["(no tool)"]):
                if status != "SKIPPED":
                    counts[g]["run"] += 1
                counts[g][status.lower()] += 1
            if status == "FAILED":
                failed.append((name, groups, reason))
            if status == "SKIPPED" and not any(p.search(name) for p in expected):
                unexpected.append((name, groups, reason))

if not files:
    print("test summary: no results under " + results_dir + " (did the tests run?)")
    sys.exit(1)
print("%-20s %6s %7s %7s %8s" % ("tool group", "run", "passed", "failed", "skipped"))
for g in sorted(counts):
    c = counts[g]
    print("%-20s %6d %7d %7d %8d" % (g, c["run"], c["passed"], c["failed"], c["skipped"]))
for name, groups, reason in failed:
    print("FAILED  %s [%s] %s" % (name, groups, reason[:160]))
for name, groups, reason in unexpected:
    print("SKIPPED (not expected) %s [%s] %s" % (name, groups, reason[:160]))
sys.exit(1 if unexpected else 0)
