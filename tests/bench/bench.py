#!/usr/bin/env python3
"""troika benchmark: the targets of the whole-city issue, measured.

Runs each case several times with `troika run --timing` and prints a table
(and writes JSON): wall time (median), peak RSS, household-days per second,
events per second, ns per compound-day, the 2-thread speed-up and the cost
of writing the output.  The whole-city runs with 1 and 2 threads alternate,
pair after pair, and the speed-up is the median of the pairs' ratios: on a
shared machine whose speed drifts, this compares runs made at the same time.
Each round also runs two independent 1-thread copies at once: the work the
two cores deliver with nothing shared is the machine's reference for the
speed-up (2.0 on two equal, idle cores; less when one core is slowed by a
neighbour on the host).  It is a reference, not a bound: the two copies
hold two cities' state in the caches, a 2-thread run only one.  A benchmark, not a test: it asserts nothing and
reports whether each target is met.

Usage: tests/bench/bench.py [--build DIR] [--repeat N] [--quick] [--json FILE]
  --quick   a smaller set (no full-length whole-city runs), for a fast look
"""
import argparse, json, os, platform, re, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_commit():
    try:
        return subprocess.check_output(["git", "-C", SRC, "describe", "--always", "--dirty"],
                                       text=True).strip()
    except Exception:
        return "unknown"


TIMING = re.compile(r"timing: simulate ([0-9.]+) s \(day loop ([0-9.]+) s\), write ([0-9.]+) s, peak ([0-9.]+) MiB")


def run_cmd(troika, args, threads, out):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    cmd = [troika, "run", "-q", "--timing", "--force", "--threads", str(threads), "-o", out] + args
    return cmd, env


def parse_timing(cmd, p, wall):
    if p.returncode != 0:
        sys.exit("benchmark run failed: %s\n%s" % (" ".join(cmd), p.stderr))
    m = TIMING.search(p.stderr)
    sim, loop, write, peak = (float(x) for x in m.groups())
    return {"wall": wall, "simulate": sim, "loop": loop, "write": write, "peak_mib": peak}


def run_once(troika, args, threads, out):
    cmd, env = run_cmd(troika, args, threads, out)
    t0 = time.monotonic()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    return parse_timing(cmd, p, time.monotonic() - t0)


def run_two_copies(troika, args, out_a, out_b):
    """Two independent 1-thread runs at once: what the machine's two cores
    deliver on this workload with nothing shared between them."""
    procs = []
    t0 = time.monotonic()
    for out in (out_a, out_b):
        cmd, env = run_cmd(troika, args, 1, out)
        procs.append((cmd, subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                            text=True)))
    res = []
    for cmd, pr in procs:
        stdout, stderr = pr.communicate()
        res.append(parse_timing(cmd, subprocess.CompletedProcess(cmd, pr.returncode, stdout, stderr),
                                time.monotonic() - t0))
    return res


def city_size(out):
    """Households, compounds, days and event counts from the output file."""
    code = r"""
import h5py, json, sys
f = h5py.File(sys.argv[1], "r")
c = f["city"]
events = 0.0
for name in c:
    if name.endswith("_new") or name in ("defects_repaired", "complaints_resolved"):
        events += float(c[name][()].sum())
print(json.dumps({"households": int(c["households"][0]), "compounds": int(f["compounds/id"].shape[0]),
                  "days": int(c["day"].shape[0]), "events": events}))
"""
    p = subprocess.run(["/usr/bin/python3", "-c", code, out], capture_output=True, text=True)
    if p.returncode != 0:
        return None
    return json.loads(p.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(SRC, "build"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    troika = os.path.join(a.build, "troika")
    sh = os.path.join(SRC, "scenarios", "shanghai.ini")
    days_city = 365 if a.quick else 3650

    def scale(frac):
        return ["--set", "city.compounds=%d" % round(13000 * frac),
                "--set", "city.subdistricts=%d" % max(1, round(216 * frac)),
                "--set", "city.firms=%d" % max(1, round(2500 * frac))]

    # (label, args, threads, key, repeats); the two full-city runs with 1
    # and 2 threads alternate (one pair after another) so that a drift of
    # the machine's speed during the benchmark hits both alike, and the
    # speed-up is the median of the pairs' ratios
    city = [sh, "--days", str(days_city)]
    cases = [("district 5 y, 1 thread", [], 1, "district_1t", max(a.repeat, 5))]
    for frac in (0.125, 0.25, 0.5):
        cases.append(("shanghai x%g, 365 d, 2 threads" % frac, [sh, "--days", "365"] + scale(frac), 2,
                      "city_%g" % frac, a.repeat))
    cases.append(("shanghai 365 d, 2 threads", [sh, "--days", "365"], 2, "city_365", a.repeat))
    if not a.quick:
        cases.append(("shanghai 1825 d, 2 threads", [sh, "--days", "1825"], 2, "city_1825", a.repeat))

    results = {}

    def summarise(label, threads, key, runs, out):
        size = city_size(out) or {}
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        res = dict(label=label, threads=threads, repeat=len(runs), **med, **size)
        if size:
            hd = size["households"] * size["days"]
            res["household_days_per_s"] = hd / med["loop"]
            res["events_per_s"] = size["events"] / med["loop"]
            res["ns_per_compound_day"] = 1e9 * med["loop"] / (size["compounds"] * size["days"])
        res["write_overhead"] = med["write"] / med["simulate"]
        results[key] = res
        print("%-34s wall %7.2f s  sim %7.2f s  write %5.2f s  peak %7.1f MiB" %
              (label, med["wall"], med["simulate"], med["write"], med["peak_mib"]), flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        pairs = []
        out2, out1 = os.path.join(tmp, "city_2t.h5"), os.path.join(tmp, "city_1t.h5")
        outa, outb = os.path.join(tmp, "copy_a.h5"), os.path.join(tmp, "copy_b.h5")
        for _ in range(a.repeat):
            pairs.append((run_once(troika, city, 2, out2), run_once(troika, city, 1, out1),
                          run_two_copies(troika, city, outa, outb)))
        summarise("shanghai %d d, 2 threads" % days_city, 2, "city_2t", [p[0] for p in pairs], out2)
        summarise("shanghai %d d, 1 thread" % days_city, 1, "city_1t", [p[1] for p in pairs], out1)
        summarise("shanghai %d d, 2 copies of 1 thr" % days_city, 1, "city_copies",
                  [c for p in pairs for c in p[2]], outa)
        ratios = [p[1]["loop"] / p[0]["loop"] for p in pairs]
        # the machine's reference for the speed-up: the two copies do two
        # runs' work in the time they take, so a 2-thread run as good as
        # them would take 1 / (1/Ta + 1/Tb); against the 1-thread run of
        # the same round
        references = [p[1]["loop"] * (1.0 / p[2][0]["loop"] + 1.0 / p[2][1]["loop"]) for p in pairs]
        print("%-34s %s" % ("speed-up of each 1t/2t pair", " ".join("%.2f" % x for x in ratios)), flush=True)
        print("%-34s %s" % ("machine reference of each round", " ".join("%.2f" % x for x in references)),
              flush=True)
        for label, args, threads, key, repeat in cases:
            out = os.path.join(tmp, key + ".h5")
            summarise(label, threads, key, [run_once(troika, args, threads, out) for _ in range(repeat)], out)

    # the purpose of the district target: a 1,000-run sweep of 5-year
    # district runs in minutes on two cores (one timed sweep, full mode only)
    sweep_wall = None
    if not a.quick:
        with tempfile.TemporaryDirectory() as tmp:
            sw = os.path.join(tmp, "bench_sweep.ini")
            with open(sw, "w") as f:
                f.write("name = bench\nbase = %s\ndesign = lhs\nsamples = 500\nreplicates = 2\n"
                        "seed = 7\ndays = 1825\nmetrics = households_rating_pmc_inadequate, "
                        "fee_collection_rate\n[vary]\nhousehold.complain_rate = 0.04 .. 0.16\n"
                        "pmc.margin = 0.05 .. 0.2\n" % os.path.join(SRC, "scenarios", "baseline.ini"))
            t0 = time.monotonic()
            p = subprocess.run([troika, "sweep", sw, "-q", "--threads", "2", "-o",
                                os.path.join(tmp, "sweep.h5")], capture_output=True, text=True)
            if p.returncode != 0:
                sys.exit("benchmark sweep failed:\n" + p.stderr)
            sweep_wall = time.monotonic() - t0
            print("%-34s wall %7.2f s" % ("sweep 1,000 district 5 y, 2 thr", sweep_wall), flush=True)
            results["sweep_1000"] = {"label": "sweep of 1,000 district 5-year runs, 2 threads",
                                     "wall": sweep_wall, "runs": 1000}

    speedup = statistics.median(ratios)
    reference = statistics.median(references)
    efficiency = statistics.median(r / c for r, c in zip(ratios, references))
    c2 = results["city_2t"]
    targets = [
        ("shanghai %d d, 2 threads: wall <= 60 s" % days_city, c2["wall"], c2["wall"] <= 60),
        ("shanghai, peak memory <= 2 GiB", c2["peak_mib"], c2["peak_mib"] <= 2048),
        # run time, as in the issue (writing the file is the separate output
        # target); the wall time with the file written is in the table above
        ("district 5 y, 1 thread: run <= 0.2 s", results["district_1t"]["simulate"],
         results["district_1t"]["simulate"] <= 0.2),
        ("2 threads vs 1 on shanghai: speed-up >= 1.8", speedup, speedup >= 1.8),
        ("output adds <= 5% (shanghai)", c2["write_overhead"], c2["write_overhead"] <= 0.05),
    ]
    if sweep_wall is not None:
        targets.append(("1,000-run district sweep, 2 threads: minutes (s)", sweep_wall,
                        sweep_wall <= 600))
    print("\nmachine reference for the speed-up (two 1-thread copies at once): %.2f; "
          "troika's speed-up is %.0f%% of it (median over the rounds)" % (reference, 100.0 * efficiency))
    print()
    print("%-48s %12s  %s" % ("target", "measured", "met"))
    for name, val, ok in targets:
        print("%-48s %12.3f  %s" % (name, val, "yes" if ok else "NO"))
    print()
    print("%-34s %14s %14s %12s" % ("case", "hh-days/s", "events/s", "ns/cmpd-day"))
    for r in results.values():
        if "household_days_per_s" in r:
            print("%-34s %14.3g %14.3g %12.1f" % (r["label"], r["household_days_per_s"], r["events_per_s"],
                                                   r["ns_per_compound_day"]))
    report = {"cpu": cpu_model(), "cores": os.cpu_count(), "commit": git_commit(),
              "results": results, "speedup_2_vs_1": speedup, "speedup_pairs": ratios,
              "machine_reference": reference, "machine_reference_rounds": references,
              "parallel_efficiency": efficiency,
              "targets": [{"target": n, "measured": v, "met": ok} for n, v, ok in targets]}
    path = a.json or os.path.join(a.build, "bench.json")
    with open(path, "w") as f:
        json.dump(report, f, indent=2)
    print("\ncpu: %s; commit %s; JSON: %s" % (report["cpu"], report["commit"], path))


if __name__ == "__main__":
    main()
