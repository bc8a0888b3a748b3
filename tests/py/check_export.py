#!/usr/bin/env python3
"""tests/py/check_export.py TABLE FILE.h5 FILE.csv — `troika export` value
for value: every row and column of the CSV equals the HDF5 content it came
from (floats exactly: the CSV prints them with enough digits to read back),
and the header comment carries the file's provenance."""
import csv
import sys

import h5py
import numpy as np

table, h5path, csvpath = sys.argv[1:4]
f = h5py.File(h5path, "r")
lines = open(csvpath, encoding="utf-8").read().splitlines()
comments = [l for l in lines if l.startswith("# ")]
rows = list(csv.reader([l for l in lines if not l.startswith("#")]))
head, body = rows[0], rows[1:]
fails = []


def check(cond, what):
    if not cond:
        fails.append(what)


def same(text, value, what):
    v = np.asarray(value).item()
    if isinstance(v, float):
        if np.float32(v) == v and np.asarray(value).dtype == np.float32:
            ok = np.float32(float(text)) == np.float32(v)
        else:
            ok = float(text) == v
    else:
        ok = int(text) == int(v)
    if not ok and len(fails) < 20:
        fails.append(f"{what}: csv {text} != h5 {v}")


check(any("troika export: table " + table in c for c in comments), "no export line")
check(any(c.startswith("# git_commit: ") for c in comments), "no git_commit in the header")
check(any(c.startswith("# troika_version: ") for c in comments), "no troika_version")

if table == "city":
    g = f["city"]
    days = g["day"][:]
    check(head[0] == "day", "first column is not day")
    check(len(body) == len(days), f"{len(body)} rows for {len(days)} days")
    metrics = head[1:]
    check(set(metrics) == {k for k in g if k != "day"}, "columns are not the /city datasets")
    data = {m: g[m][:] for m in metrics}
    for i, row in enumerate(body):
        same(row[0], days[i], f"day row {i}")
        for j, m in enumerate(metrics):
            same(row[1 + j], data[m][i], f"{m} day {days[i]}")
elif table in ("compounds", "subdistricts"):
    g = f[table]
    ids, pday = g["id"][:], g["panel/day"][:]
    nent = len(ids)
    static = [k for k in g if isinstance(g[k], h5py.Dataset) and k != "id"]
    panel = [k for k in g["panel"] if k != "day"]
    entity = "compound" if table == "compounds" else "subdistrict"
    check(head[:2] == ["day", entity], f"first columns {head[:2]}")
    check(set(head[2:2 + len(static)]) == set(static), "static columns")
    check(set(head[2 + len(static):]) == set(panel), "panel columns")
    check(len(body) == len(pday) * nent, f"{len(body)} rows for {len(pday)} x {nent}")
    cols = {c: k for k, c in enumerate(head)}
    sdata = {s: g[s][:] for s in static}
    pdata = {p: g["panel/" + p][:] for p in panel}
    for i, row in enumerate(body):
        t, e = divmod(i, nent)
        same(row[0], pday[t], f"day row {i}")
        same(row[1], ids[e], f"{entity} row {i}")
        for s in static:
            same(row[cols[s]], sdata[s][e], f"{s} row {i}")
        for p in panel:
            same(row[cols[p]], pdata[p][t, e], f"{p} day {pday[t]} {entity} {ids[e]}")
elif table == "runs":
    r = f["runs"]
    names = list(r["param_names"].asstr()[:])
    metrics = [m for m in f["sweep/metrics"].asstr()[:]]
    check(head == ["run", "point", "replicate", "seed"] + names + ["day"] + metrics,
          f"header {head}")
    done = r["done"][:]
    days = r["day"][:]
    check(len(body) == int(done.sum()) * len(days), "row count")
    params, point, rep, seed = r["params"][:], r["point"][:], r["replicate"][:], r["seed"][:]
    data = {m: r[m][:] for m in metrics}
    runs = [i for i in range(len(done)) if done[i]]
    for i, row in enumerate(body):
        run, d = runs[i // len(days)], i % len(days)
        same(row[0], run, "run")
        same(row[1], point[run], "point")
        same(row[2], rep[run], "replicate")
        same(row[3], seed[run], "seed")
        for j in range(len(names)):
            same(row[4 + j], params[run, j], f"{names[j]} run {run}")
        same(row[4 + len(names)], days[d], "day")
        for j, m in enumerate(metrics):
            same(row[5 + len(names) + j], data[m][run, d], f"{m} run {run} day {d}")
elif table == "compare":
    seeds, days = f["seeds"][:], f["day"][:]
    nscen = len(f["summary/scenario"])
    metrics = head[5:]
    check(head[:5] == ["scenario", "scenario_name", "replicate", "seed", "day"], "header")
    check(len(body) == nscen * len(seeds) * len(days), "row count")
    k = 0
    for s in range(nscen):
        g = f[f"scenarios/{s}"]
        name = g.attrs["name"]
        name = name.decode() if isinstance(name, bytes) else name
        check(set(metrics) == set(g["city"]), f"scenario {s} metrics")
        data = {m: g["city/" + m][:] for m in metrics}
        for r in range(len(seeds)):
            for d in range(len(days)):
                row = body[k]
                k += 1
                same(row[0], s, "scenario")
                check(row[1] == name, f"scenario name {row[1]} != {name}")
                same(row[2], r, "replicate")
                same(row[3], seeds[r], "seed")
                same(row[4], days[d], "day")
                for j, m in enumerate(metrics):
                    same(row[5 + j], data[m][r, d], f"{m} s{s} r{r} d{d}")
else:
    fails.append("unknown table " + table)

if fails:
    print(f"export {table}: FAIL\n  " + "\n  ".join(fails[:20]))
    sys.exit(1)
print(f"export {table}: {len(body)} rows x {len(head)} columns, same as {h5path}")
