#!/usr/bin/env bash
# tests/cli/test_examples.sh TROIKA SOURCE_DIR — every script of docs/examples/
# runs on small files made here: a run, a Saltelli sweep with its design
# exported, a compare file and a posterior file.  The Python examples need
# pandas, xarray, h5netcdf and matplotlib; the R ones Rscript and hdf5r
# (r-base-core, r-cran-hdf5r).  Without them the test skips (77), unless CI
# is set: then a missing package is a failure.
set -u
troika=${1:?usage: test_examples.sh TROIKA SOURCE_DIR}
src=${2:?}
ex=$src/docs/examples
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
pass=0 fail=0 skipped=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
py=/usr/bin/python3
have_py=1 have_r=1
$py -c 'import pandas, xarray, h5netcdf, matplotlib' 2>/dev/null || have_py=0
command -v Rscript >/dev/null && Rscript -e 'library(hdf5r)' >/dev/null 2>&1 || have_r=0
if [ -n "${CI:-}" ] && { [ $have_py = 0 ] || [ $have_r = 0 ]; }; then
  echo "CI: python3-pandas, -xarray, -h5netcdf, -matplotlib, r-base-core and r-cran-hdf5r must be installed"
  exit 1
fi
[ $have_py = 0 ] && [ $have_r = 0 ] && { echo "skipped: neither the Python nor the R packages"; exit 77; }

# ---- the files -------------------------------------------------------------
base=$src/tests/data/compare/baseline.ini
"$troika" run --seed 7 --days 70 -q --set city.compounds=20 --set run.panel_interval=7 -o run.h5 \
  || { echo "run failed"; exit 1; }
data=$src/tests/data/examples
"$troika" sweep "$data/saltelli.ini" -q -o sweep.h5 || { echo "sweep failed"; exit 1; }
"$troika" sweep "$data/saltelli.ini" --export-design -o design.csv >/dev/null || { echo "export-design failed"; exit 1; }
"$troika" compare "$base" "$src/tests/data/compare/subsidy.ini" --replicates 2 --days 40 -q \
  -o compare.h5 2>/dev/null || { echo "compare failed"; exit 1; }
"$troika" calibrate "$data/posterior.ini" --method abc-smc -q -o post.h5 >/dev/null 2>cal.err \
  || { cat cal.err; echo "calibrate failed"; exit 1; }

# ---- the examples: each must succeed and print what it promises ------------
run_ex() { # NAME EXPECTED-OUTPUT COMMAND...
  local name=$1 want=$2; shift 2
  if "$@" >"$name.out" 2>&1 && grep -q -- "$want" "$name.out"; then ok
  else bad "$name: $(tail -5 "$name.out")"; fi
}
if [ $have_py = 1 ]; then
  run_ex run_city "wrote city.png" $py "$ex/run_city.py" run.h5 city.png
  [ -s city.png ] && ok || bad "run_city.py wrote no city.png"
  run_ex panel "wrote panel.csv" $py "$ex/panel.py" run.h5 panel.csv
  # the joined table: one row per (sampled day, compound), the attributes beside
  $py - <<'PY' && ok || bad "panel.csv is not the joined panel"
import h5py, pandas as pd
t = pd.read_csv("panel.csv")
with h5py.File("run.h5", "r") as f:
    days, n = f["compounds/panel/day"].shape[0], f["compounds/id"].shape[0]
    assert len(t) == days * n, (len(t), days, n)
    assert (t.groupby("compound")["old"].first().to_numpy() == f["compounds/old"][:]).all()
    assert (t.groupby("compound")["households"].first().to_numpy() == f["compounds/households"][:]).all()
PY
  run_ex sweep_sobol "S1" $py "$ex/sweep_sobol.py" sweep.h5 design.csv fee_collection_rate
  # a known answer: the script's indices on a made-up sweep of Y = 4 x1 + x2
  # (x uniform on [0, 1]): S1 = ST = 16/17 and 1/17
  $py - "$ex/sweep_sobol.py" <<'PY' && ok || bad "sweep_sobol.py misses the known indices of 4 x1 + x2"
import subprocess, sys
import numpy as np, pandas as pd, xarray as xr
rng = np.random.default_rng(2385)
N, k = 4096, 2
A, B = rng.random((N, k)), rng.random((N, k))
X = np.array([r for b in range(N)  # troika's point order per base row: A, B, AB_1, AB_2
              for r in [A[b], B[b]] + [np.where(np.arange(k) == j, B[b], A[b]) for j in range(k)]])
Y = 4 * X[:, 0] + X[:, 1]
names = ["household.complain_rate", "pmc.margin"]
xr.Dataset({"values": (("point", "factor"), X), "lo": ("factor", [0.0, 0.0]), "hi": ("factor", [1.0, 1.0])},
           coords={"point": np.arange(len(X)), "factor": names}).to_netcdf("ka.h5", group="design", engine="h5netcdf")
xr.Dataset({"fee_collection_rate": (("run", "day"), np.repeat(Y[:, None], 2, axis=1))},
           coords={"run": np.arange(len(X)), "day": [0, 1], "point": ("run", np.arange(len(X)))}
           ).to_netcdf("ka.h5", group="runs", engine="h5netcdf", mode="a")
order = [b * (k + 2) + o for b in range(N) for o in (0, 2, 3, 1)]  # SALib's: A, AB_1, AB_2, B
pd.DataFrame({"point": order, names[0]: X[order, 0], names[1]: X[order, 1]}).to_csv("ka.csv", index=False)
out = subprocess.run([sys.executable, sys.argv[1], "ka.h5", "ka.csv"], capture_output=True, text=True,
                     check=True).stdout
got = {l.split()[0]: [float(v) for v in l.split()[1:]] for l in out.splitlines() if l.startswith(tuple(names))}
want = {names[0]: 16 / 17, names[1]: 1 / 17}
assert all(abs(got[n][i] - want[n]) < 0.03 for n in names for i in (0, 1)), (got, want)
PY
  run_ex compare "wrote compare.png" $py "$ex/compare.py" compare.h5 compare.png
  run_ex posterior "posterior median" $py "$ex/posterior.py" post.h5 posterior.png
else
  skipped=$((skipped + 1)); echo "skipped the Python examples (pandas, xarray, h5netcdf or matplotlib missing)"
fi
if [ $have_r = 1 ]; then
  run_ex run_R "complaints_per_100_households" Rscript "$ex/run.R" run.h5
  run_ex compare_R "minus" Rscript "$ex/compare.R" compare.h5
else
  skipped=$((skipped + 1)); echo "skipped the R examples (Rscript or hdf5r missing)"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] || exit 1
[ $skipped -eq 0 ] || exit 77
