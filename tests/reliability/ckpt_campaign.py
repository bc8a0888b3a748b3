#!/usr/bin/python3
"""tests/reliability/ckpt_campaign.py TROIKA WORKDIR [N] — edited checkpoints
never crash or hang troika.

Makes one checkpoint of a small city (day 30 of 50), then at least N (default
1000) edited copies, generated from the file's own list of datasets and
attributes: every state array, every result array, the run's levers and the
root attributes set, one element at a time, to extremes (the type's minimum
and maximum), NaN, +-infinity, -1e308, negative and out-of-range values
(an index a million past the city).  Each copy is resumed (`troika run
--resume`, 20 days: bounded by days, not time).  A copy passes when troika
exits 0 (a harmless edit), or 1 or 2 with one line on stderr (refused or
stopped cleanly), and no sanitizer report; a signal, a sanitizer report or
anything else fails.  A hang shows as ctest's TIMEOUT (each run also has a
generous limit only to name the hanging edit).  Run in parallel by
CAMPAIGN_JOBS processes (default 2).  Prints a tally by exit status.
"""
import concurrent.futures
import os
import random
import shutil
import subprocess
import sys
import warnings

try:
    import h5py
    import numpy as np
except ImportError:
    print("SKIP: python3-h5py is missing (scripts/setup installs it)")
    sys.exit(1 if os.environ.get("CI") else 77)

HANG_SECONDS = 900  # a hang detector only: a resumed run of 20 days takes well under a second


def values_for(dtype):
    """The edits of one element of this type."""
    if np.issubdtype(dtype, np.floating):
        return [float("nan"), float("inf"), float("-inf"), -1e308, 1e308, -1.0, 2.0, 1e6 + 3]
    info = np.iinfo(dtype)
    vals = [info.min, info.max, 1000003, 2, info.max - 1]
    if info.min < 0:
        vals += [-1, -1000003]
    return sorted(set(int(v) for v in vals if info.min <= v <= info.max))


def targets(path):
    """(kind, name, length, dtype) of every editable thing in the file."""
    out = []
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "iuf":
                out.append(("dataset", name, int(obj.size), obj.dtype))
        f.visititems(visit)
        for k, v in f.attrs.items():
            a = np.asarray(v)
            if a.dtype.kind in "iuf":
                out.append(("attr", k, int(a.size), a.dtype))
    return out


def make_edits(path, n, rng):
    edits = []
    base = []
    for kind, name, size, dtype in targets(path):
        for v in values_for(dtype):
            base.append((kind, name, size, dtype, v))
    rounds = 0
    while len(edits) < n:
        for kind, name, size, dtype, v in base:
            if size == 0:
                continue
            i = 0 if rounds == 0 else rng.randrange(size)
            edits.append((kind, name, i, v))
        rounds += 1
    return edits


def apply(path, edit):
    kind, name, i, v = edit
    warnings.simplefilter("ignore")  # a float edit of 1e308 into float32 is meant to overflow
    with h5py.File(path, "r+") as f:
        if kind == "attr":
            a = np.array(f.attrs[name])
            flat = a.reshape(-1)
            flat[i] = v
            f.attrs.modify(name, a)
            return
        d = f[name]
        a = np.array(d[()])
        a.reshape(-1)[i] = v
        d[...] = a


def run_one(troika, work, k, edit):
    d = os.path.join(work, "e%d" % k)
    os.makedirs(d, exist_ok=True)
    ck = os.path.join(d, "e.ckpt.h5")
    shutil.copy(os.path.join(work, "base.h5.ckpt.h5"), ck)
    try:
        apply(ck, edit)
    except Exception:  # an edit h5py cannot make (a value the type cannot hold)
        shutil.rmtree(d)
        return ("skipped", edit, "")
    try:
        p = subprocess.run([troika, "run", "--resume", ck, "-q", "--threads", "1", "-o",
                            os.path.join(d, "r.h5")], capture_output=True, text=True,
                           timeout=HANG_SECONDS)
        rc, err = p.returncode, p.stderr
    except subprocess.TimeoutExpired:
        rc, err = "hang", ""
    shutil.rmtree(d)
    lines = [l for l in err.splitlines() if l.strip()]
    sanitizer = "Sanitizer" in err or "runtime error" in err
    ok = (rc == 0 and not lines and not sanitizer) or \
         (rc in (1, 2) and len(lines) == 1 and not sanitizer)
    if ok and rc == 1 and os.environ.get("CAMPAIGN_SHOW1"):  # which edits end as failures
        print("exit 1: %s %s[%d] = %r: %s" % (edit[0], edit[1], edit[2], edit[3], lines[0]))
    return ("ok %s" % rc if ok else "FAIL", edit, err if not ok else "")


def main(argv):
    troika, work = argv[1], argv[2]
    n = int(argv[3]) if len(argv) > 3 else 1000
    jobs = int(os.environ.get("CAMPAIGN_JOBS", "2"))
    shutil.rmtree(work, ignore_errors=True)  # a fresh folder: files of an earlier campaign go
    os.makedirs(work)
    r = subprocess.run([troika, "run", "--days", "50", "--checkpoint-every", "30", "-q",
                        "--threads", "1", "--set", "city.compounds=12", "--set",
                        "city.subdistricts=2", "--set", "run.panel_interval=7", "-o",
                        os.path.join(work, "base.h5")], capture_output=True, text=True)
    if r.returncode != 0:
        print("FAIL: making the checkpoint:", r.stderr)
        return 1
    edits = make_edits(os.path.join(work, "base.h5.ckpt.h5"), n, random.Random(12))
    tally, failures = {}, []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        futs = [ex.submit(run_one, troika, work, k, e) for k, e in enumerate(edits)]
        for fu in futs:
            what, edit, err = fu.result()
            tally[what] = tally.get(what, 0) + 1
            if what == "FAIL":
                failures.append((edit, err))
    for edit, err in failures[:20]:
        print("FAIL: %s %s[%d] = %r:\n%s" % (edit[0], edit[1], edit[2], edit[3],
                                              "\n".join(err.splitlines()[:12])))
    print("checkpoint campaign: %d edits: %s" % (len(edits), ", ".join(
        "%s: %d" % (k, v) for k, v in sorted(tally.items()))))
    if not failures:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
