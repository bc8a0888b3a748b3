#!/usr/bin/env bash
# tests/calibrate/test_post_compare.sh TROIKA SOURCE_DIR — `troika compare
# --posterior` on a small district: a two-generation abc-smc posterior whose
# priors come from the parameter table, then a comparison of two scenarios
# under it: the shape of the compare file (draw axis, draw values,
# replicate_draw, /posterior), common random numbers inside each (draw,
# replicate) pair, the same file on 1 and 2 threads, the table's columns
# (text, CSV, Markdown), the report in both languages, `troika sensitivity`
# on it, the explorer (troika serve --posterior), and the refusals.
set -u
. "$(dirname "$0")/../sweep/common.sh"
need h5diff
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
cat >small.ini <<'INI'
[city]
compounds = 20
subdistricts = 2
[run]
days = 180
INI
cat >reform.ini <<'INI'
extends = small.ini
name = reform
[household]
patience = 40
INI
cat >touches.ini <<'INI'
extends = small.ini
name = touches
[household]
hardship_rate = 0.08
INI
cat >cal.ini <<'INI'
scenario = small.ini
seed = 3
window = 90:180
population = 12
batch = 12
generations = 2

[target.households]
metric = households_rating_pmc_inadequate
value = 0.2549
scale = 0.02

[free.pmc.margin]

[free.household.hardship_rate]
prior = log-uniform
INI
"$troika" calibrate cal.ini --method abc-smc -o post.h5 --threads 2 -q >/dev/null \
  && ok || bad "the calibration failed"

args=(small.ini reform.ini --posterior post.h5 --draws 5 --replicates 3
      --metrics households_rating_pmc_inadequate,fee_collection_rate,complaints_new)
"$troika" compare "${args[@]}" --threads 1 -o one.h5 --csv one.csv --markdown one.md \
  >one.txt 2>&1 || { bad "compare --posterior failed"; cat one.txt; }
"$troika" compare "${args[@]}" --threads 2 -o two.h5 -q >/dev/null 2>&1 \
  || bad "compare --posterior on 2 threads failed"
same=1
for g in /scenarios /summary /draw_values /draw_particle /replicate_draw /seeds; do
  h5diff -q one.h5 two.h5 "$g" "$g" >/dev/null 2>&1 || { same=0; h5diff one.h5 two.h5 "$g" "$g" | head -5; }
done
[ $same -eq 1 ] && ok || bad "1 and 2 threads differ"

# the file: shapes, axes, provenance, common random numbers, the effects
prior() { "$troika" params --uncertain | awk -F'\t' -v k="$1" -v c="$2" '$1 == k { print $c }'; }
export PRIOR_LO="$(prior pmc.margin 3) $(prior household.hardship_rate 3)"
export PRIOR_HI="$(prior pmc.margin 4) $(prior household.hardship_rate 4)"
/usr/bin/python3 - <<'PY' && ok || bad "the posterior compare file"
import h5py, numpy as np, os, sys
f = h5py.File("one.h5", "r")
p = h5py.File("post.h5", "r")
a = f.attrs
def s(v): return v.decode() if isinstance(v, bytes) else v
assert a["draws"] == 5 and a["replicates_per_draw"] == 3 and a["replicates"] == 15, dict(a)
assert s(a["posterior"]) == "post.h5" and s(a["posterior_identity"]).startswith("fnv1a64:")
assert a["posterior_level"] == 0.9
assert f["draw"].shape == (5,) and s(f["draw"].attrs["long_name"]) == "Posterior draw, 0-based"
assert s(f["draw"].attrs["CLASS"]) == "DIMENSION_SCALE"
names = [s(x) for x in f["parameter"][()]]
assert names == ["pmc.margin", "household.hardship_rate"], names
v = f["draw_values"][()]
assert v.shape == (5, 2)
# every draw is a particle of the posterior, the one draw_particle names
theta = p["particles/theta"][()]
for d, i in enumerate(f["draw_particle"][()]):
    assert (theta[i] == v[d]).all(), (d, i)
# the priors came from the table: the rows' ASSUME(lo, hi) (troika params --uncertain)
lo, hi = p["parameters/min"][()], p["parameters/max"][()]
assert list(lo) == [float(x) for x in os.environ["PRIOR_LO"].split()], (lo, hi)
assert list(hi) == [float(x) for x in os.environ["PRIOR_HI"].split()], (lo, hi)
assert (f["replicate_draw"][()] == np.repeat(np.arange(5), 3)).all()
assert f["seeds"].shape == (15,) and len(set(f["seeds"][()])) == 15
sh = f["scenarios/0/city/households_rating_pmc_inadequate"].shape
assert sh == (15, 180), sh
# the effects from replicate_mean, recomputed
rm = f["summary/replicate_mean"][()]          # scenario x metric x run
eff = rm[1] - rm[0]                            # metric x run
for k in range(3):
    y = eff[k].reshape(5, 3)
    W = y.var(axis=1, ddof=1).mean()
    B = y.mean(axis=1).var(ddof=1)
    vp = max(0.0, B - W / 3)
    assert np.isclose(f["summary/posterior/var_chance"][1, k], W, rtol=1e-9, atol=1e-300)
    assert np.isclose(f["summary/posterior/var_parameters"][1, k], vp, rtol=1e-9, atol=1e-300)
    assert np.isclose(f["summary/posterior/effect_median"][1, k], np.median(eff[k]), rtol=1e-12)
    assert np.isclose(f["summary/posterior/effect_lo"][1, k], np.quantile(eff[k], 0.05), rtol=1e-9)
    assert np.isclose(f["summary/posterior/effect_hi"][1, k], np.quantile(eff[k], 0.95), rtol=1e-9)
    better = -1 if k != 1 else 1               # fee collection: higher is better
    pi = (np.sign(better * eff[k]) > 0).mean() + 0.5 * (eff[k] == 0).mean()
    assert np.isclose(f["summary/posterior/p_improve"][1, k], pi), (k, pi)
assert np.isnan(f["summary/posterior/p_improve"][0, 0])
assert s(a["design"]) == "draws" and "base_points" not in a and "draw_role" not in f
PY

# netCDF-4 / CF: xarray (h5netcdf) and ncdump read every group, axes resolved
/usr/bin/python3 "$src/tests/py/check_netcdf.py" compare-posterior one.h5 >nc.txt 2>&1
case $? in 0|77) ok ;; *) bad "netCDF: $(cat nc.txt)" ;; esac

# the table: text, CSV and Markdown columns
grep -q "Median effect.*90% interval.*P(improves).*From parameters.*From chance" one.txt \
  && ok || bad "the printed table lacks its columns"
head -1 one.csv | grep -qx "metric,unit,scenario,draws,replicates_per_draw,effect_median,effect_lo,effect_hi,p_improve,var_parameters,var_chance,share_parameters" \
  && [ "$(wc -l <one.csv)" -eq 4 ] && ok || bad "the CSV: $(head -2 one.csv)"
grep -q "^| Metric | Unit | Scenario | Median effect | 90% interval |" one.md && ok || bad "the Markdown"

# the report, English and Chinese, with the posterior section
"$troika" report one.h5 -o en.html -q && grep -q 'id="posterior"' en.html \
  && grep -q 'data-stat="p_improve"' en.html && ok || bad "the English report"
"$troika" report one.h5 -o zh.html --lang zh -q && grep -q "在校准后验分布下" zh.html \
  && grep -q "改善概率" zh.html && ok || bad "the Chinese report"
"$troika" report one.h5 | grep -q "P(improves)" && ok || bad "troika report prints the posterior table"

# what drives the effect: troika sensitivity on the posterior compare file
"$troika" sensitivity one.h5 --bootstrap 50 --csv sens.csv >sens.txt 2>&1 \
  && head -1 sens.csv | grep -qx "metric,scenario,from,to,method,parameter,estimate,lo,hi" \
  && [ "$(grep -c ',S1_given_data,' sens.csv)" -eq 6 ] \
  && grep -q "rank  parameter" sens.txt && ok || { bad "sensitivity"; cat sens.txt; }
"$troika" sensitivity one.h5 --bootstrap 50 -q --csv again.csv && cmp -s sens.csv again.csv \
  && ok || bad "sensitivity is not the same twice"
grep -q "total indices need a Sobol design.*--design saltelli" sens.txt && ok \
  || bad "sensitivity of a draws design does not say how to get total indices"

# --design saltelli: N (k + 2) points in Saltelli order, the summary from the
# A and B points alone, S1 and ST with intervals in troika sensitivity
"$troika" compare small.ini reform.ini --posterior post.h5 --design saltelli --draws 3 \
  --replicates 2 --metrics households_rating_pmc_inadequate,complaints_new --threads 2 \
  -o sal.h5 >sal.txt 2>&1 && ok || { bad "compare --design saltelli failed"; cat sal.txt; }
/usr/bin/python3 - <<'PY' && ok || bad "the saltelli compare file"
import h5py, numpy as np
f = h5py.File("sal.h5", "r")
a = f.attrs
def s(v): return v.decode() if isinstance(v, bytes) else v
N, k, R = 3, 2, 2
assert s(a["design"]) == "saltelli" and a["base_points"] == N, dict(a)
assert a["draws"] == N * (k + 2) and a["replicates_per_draw"] == R and a["replicates"] == N * (k + 2) * R
role, base = f["draw_role"][()], f["draw_base"][()]
assert (role == np.tile(np.arange(k + 2), N)).all() and (base == np.repeat(np.arange(N), k + 2)).all()
v, part = f["draw_values"][()], f["draw_particle"][()]
theta = h5py.File("post.h5", "r")["particles/theta"][()]
for i in range(N):
    A, B = v[i * (k + 2)], v[i * (k + 2) + 1]
    assert (theta[part[i * (k + 2)]] == A).all() and (theta[part[i * (k + 2) + 1]] == B).all()
    for j in range(k):
        ab = v[i * (k + 2) + 2 + j]
        want = A.copy(); want[j] = B[j]
        assert (ab == want).all() and part[i * (k + 2) + 2 + j] == -1, (i, j)
# the summary from the A and B points' runs alone
rm = f["summary/replicate_mean"][()]
keep = np.repeat(role < 2, R)
for m in range(2):
    y = (rm[1, m] - rm[0, m])[keep]
    assert y.size == 2 * N * R
    assert np.isclose(f["summary/posterior/effect_median"][1, m], np.median(y), rtol=1e-12)
    assert np.isclose(f["summary/posterior/effect_lo"][1, m], np.quantile(y, 0.05), rtol=1e-9)
    W = y.reshape(2 * N, R).var(axis=1, ddof=1).mean()
    assert np.isclose(f["summary/posterior/var_chance"][1, m], W, rtol=1e-9, atol=1e-300)
PY
/usr/bin/python3 "$src/tests/py/check_netcdf.py" compare-posterior sal.h5 >nc.txt 2>&1
case $? in 0|77) ok ;; *) bad "netCDF of the saltelli file: $(cat nc.txt)" ;; esac
"$troika" sensitivity sal.h5 --bootstrap 50 --csv salsens.csv >salsens.txt 2>&1 \
  && grep -q "rank  parameter.*ST \[interval\].*S1 \[interval\].*S1 binned" salsens.txt \
  && grep -q "product of the posterior's marginals" salsens.txt \
  && [ "$(grep -cE '^ +[12] +(pmc.margin|household.hardship_rate) +(-|-?[0-9.]+ \[)' salsens.txt)" -eq 4 ] \
  && [ "$(grep -c ',ST,' salsens.csv)" -eq 4 ] && [ "$(grep -c ',S1,' salsens.csv)" -eq 4 ] \
  && [ "$(grep -c ',S1_given_data,' salsens.csv)" -eq 4 ] \
  && [ "$(grep -c ',ST_chance_floor,,' salsens.csv)" -eq 2 ] \
  && grep -q "chance alone adds about" salsens.txt \
  && ok || { bad "sensitivity of a saltelli design"; cat salsens.txt; }
"$troika" report sal.h5 -o sal.html -q && grep -q "Saltelli design of 3 base points (12 points" sal.html \
  && "$troika" report sal.h5 -o salzh.html --lang zh -q && grep -q "共 3 个基准点" salzh.html \
  && ok || bad "the report of a saltelli design does not say which points it uses"
"$troika" compare small.ini reform.ini --design saltelli --draws 3 -o x.h5 -q 2>err.txt
[ $? -eq 2 ] && grep -q "only with --posterior" err.txt && ok || bad "--design without --posterior: $(cat err.txt)"
"$troika" compare small.ini reform.ini --posterior post.h5 --design saltelli --draws 1 -o x.h5 -q 2>err.txt
[ $? -eq 2 ] && grep -q "base points" err.txt && ok || bad "saltelli with N = 1: $(cat err.txt)"
"$troika" compare small.ini reform.ini --posterior post.h5 --design sobol -o x.h5 -q 2>err.txt
[ $? -eq 2 ] && grep -q "allowed: draws, saltelli" err.txt && ok || bad "an unknown design: $(cat err.txt)"

"$troika" compare small.ini reform.ini --replicates 2 -o plain.h5 -q >/dev/null 2>&1
"$troika" sensitivity plain.h5 2>err.txt
[ $? -eq 2 ] && grep -q "without posterior draws" err.txt && ok || bad "sensitivity of a plain compare: $(cat err.txt)"

# the explorer under the posterior: troika serve --posterior, one run with
# posterior=1 over the JSON API, its report and compare file (curl)
if command -v curl >/dev/null 2>&1; then
  "$troika" serve --port 0 --district small.ini --posterior post.h5 --draws 3 --threads 1 \
    >serve.out 2>serve.err &
  spid=$!
  while ! grep -q "http://" serve.out 2>/dev/null && kill -0 $spid 2>/dev/null; do sleep 0.1; done
  url=$(grep -o "http://[0-9.:]*/" serve.out)
  curl -s "${url}api/config" | grep -q '"posterior":{"available":true,"draws":3,"file":"post.h5"}' \
    && ok || bad "serve: the config does not offer the posterior"
  curl -s -X POST -d 'lever=pmc.subsidy_old:200:1&posterior=1&replicates=auto' "${url}api/runs" \
    | grep -q "not allowed under the posterior" && ok || bad "serve: auto under the posterior"
  curl -s -X POST -d 'lever=pmc.subsidy_old:200:1&posterior=1&replicates=2&days=60' \
    "${url}api/runs" | grep -q '"id":1' || bad "serve: the run was refused"
  state=""
  while kill -0 $spid 2>/dev/null; do
    state=$(curl -s "${url}api/runs" | grep -o '"state":"[a-z]*"' | head -1)
    case $state in *done*|*failed*|*cancelled*) break ;; esac
    sleep 0.2
  done
  [ "$state" = '"state":"done"' ] && curl -s "${url}runs/1/report.html?lang=zh" | grep -q 'id="posterior"' \
    && curl -s "${url}runs/1/compare.h5" -o served.h5 \
    && /usr/bin/python3 -c "import h5py; f = h5py.File('served.h5'); assert f.attrs['draws'] == 3 and f['replicate'].shape == (6,)" \
    && ok || bad "serve: the run under the posterior ($state)"
  kill $spid; wait $spid 2>/dev/null
fi

# refusals: a reform that changes a posterior parameter, auto, --draws alone
"$troika" compare small.ini touches.ini --posterior post.h5 --draws 3 -o x.h5 -q 2>err.txt
[ $? -eq 2 ] && grep -q "household.hardship_rate.*a parameter of the posterior" err.txt && ok \
  || bad "a reform of a posterior parameter: $(cat err.txt)"
"$troika" compare small.ini reform.ini --posterior post.h5 --replicates auto -o x.h5 -q 2>err.txt
[ $? -eq 2 ] && grep -q "not allowed with --posterior" err.txt && ok || bad "auto: $(cat err.txt)"
"$troika" compare small.ini reform.ini --draws 3 -o x.h5 -q 2>err.txt
[ $? -eq 2 ] && grep -q "only with --posterior" err.txt && ok || bad "--draws alone: $(cat err.txt)"
"$troika" compare small.ini reform.ini --posterior small.ini -o x.h5 -q 2>err.txt
[ $? -eq 2 ] && ok || bad "not a posterior: $(cat err.txt)"
[ ! -e x.h5 ] && ok || bad "a refused comparison left a file"
finish
