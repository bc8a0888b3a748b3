"""tests/browser/checks.py — what the browser tests share: a counter of
checks that prints each failure ("not ok - ...") and the skip-or-fail rule
for a missing browser (77 to skip, unless CI is set)."""
import os


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("not ok - " + what, flush=True)
        return cond


def skip_or_fail(msg):
    """Exit status for a missing tool: 77 (skip), or 1 in CI."""
    if os.environ.get("CI"):
        print("FAIL: " + msg)
        print("0 passed, 1 failed")
        return 1
    print("SKIP: " + msg)
    return 77
