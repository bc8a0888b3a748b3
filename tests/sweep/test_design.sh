#!/usr/bin/env bash
# tests/sweep/test_design.sh TROIKA SOURCE_DIR — designs in and out (issue
# 18 item 4): `--export-design` writes a Saltelli design in SALib's row
# order (checked against /design/values and /design/role of the sweep's own
# file, value for value), the exported file reads back as `design =
# file:...`, and every bad design file is refused with its file and line.
. "$(dirname "$0")/common.sh"
need python3 h5dump
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
base=$src/tests/data/compare/baseline.ini

cat >sal.ini <<INI
name = sal
base = $base
design = saltelli
samples = 3
seed = 11
days = 8
metrics = fee_collection_rate

[vary]
household.complain_rate = 0.04 .. 0.16
pmc.margin = 0.05 .. 0.2
household.patience = 10 .. 90 log
INI
"$troika" sweep sal.ini --export-design -q -o d.csv && ok || bad "--export-design"
[ ! -e sal.h5 ] && ok || bad "--export-design ran the sweep"
"$troika" sweep sal.ini -q -o sal.h5 || bad "the sweep"
/usr/bin/python3 - d.csv sal.h5 <<'PY' && ok || bad "exported design against /design"
import sys, csv, h5py
rows = list(csv.reader(l for l in open(sys.argv[1]) if not l.startswith("#")))
head, body = rows[0], rows[1:]
f = h5py.File(sys.argv[2], "r")
names = list(f["design/factor"].asstr()[:])
assert head == ["point"] + names, head
vals, role = f["design/values"][:], f["design/role"][:]
k = len(names)
assert len(body) == len(vals) == 3 * (k + 2), len(body)
salib = [0] + [2 + j for j in range(k)] + [1]   # A, AB_1..AB_k, B
for i, r in enumerate(body):
    q = int(r[0])
    assert q // (k + 2) == i // (k + 2), (i, q)
    assert role[q] == salib[i % (k + 2)], (i, q, role[q])
    assert [float(x) for x in r[1:]] == list(vals[q]), (i, r, vals[q])
print("export-design: %d rows in SALib order, values exact" % len(body))
PY

# the exported design reads back as a design file: the same points, in its rows' order
cat >ff.ini <<INI
name = ff
base = $base
design = file:d.csv
days = 8
metrics = fee_collection_rate
INI
"$troika" sweep ff.ini --dry-run >ff.txt 2>e.txt && ok || bad "design = file: $(cat e.txt)"
[ "$(grep -v '^#' d.csv | sed 1d | cut -d, -f2- | awk -F, '{printf "%.12g,%.12g,%.12g\n",$1,$2,$3}')" = \
  "$(sed 1d ff.txt | cut -d, -f5- | awk -F, '{printf "%.12g,%.12g,%.12g\n",$1,$2,$3}')" ] \
  && ok || bad "the points of design = file: differ from the CSV"
"$troika" sweep ff.ini -q -o ff.h5 && h5dump -a /sweep/design ff.h5 | grep -q '"file"' && ok \
  || bad "a sweep of a design file"
"$troika" sensitivity ff.h5 -q --csv - | grep -q "^fee_collection_rate,0,8,SRC,pmc.margin," && ok \
  || bad "sensitivity of a design file"

# refusals: exit 2, one line naming the CSV's file and line
refuse() {  # refuse NAME PATTERN CSV-TEXT [SWEEP-EXTRA]
  printf "$3" >bad.csv
  printf 'name = b\nbase = %s\ndesign = file:bad.csv\ndays = 8\n%b' "$base" "${4:-}" >b.ini
  "$troika" sweep b.ini --dry-run >/dev/null 2>e.txt; local rc=$?
  if [ $rc -eq 2 ] && [ "$(wc -l <e.txt)" -eq 1 ] && grep -Eq -- "$2" e.txt; then ok
  else bad "$1: exit $rc, $(cat e.txt)"; fi
}
refuse "unknown column" "bad.csv:1: household.complain_rat: .*did you mean household.complain_rate" \
  'household.complain_rat\n0.1\n'
refuse "out of range" "bad.csv:3: pmc.margin: .*out of range" 'pmc.margin\n0.1\n7\n'
refuse "not finite" "bad.csv:2: pmc.margin: .*(finite|not a number)" 'pmc.margin\ninf\n'
refuse "short line" "bad.csv:3: 1 values for 2 columns" '# c\npmc.margin,household.patience\n0.1\n'
refuse "twice" "bad.csv:1: pmc.margin: the column pmc.margin is there twice" 'pmc.margin,pmc.margin\n0.1,0.1\n'
refuse "run.days" "bad.csv:1: run.days: run.days cannot be varied" 'run.days\n10\n'
refuse "no points" "bad.csv:1: .*no points" 'pmc.margin\n'
refuse "with [vary]" "b.ini:6: pmc.margin: .*no \\[vary\\] section" 'pmc.margin\n0.1\n' '[vary]\npmc.margin = 0.1, 0.2\n'
refuse "with samples" "b.ini:5: samples: the points come from the design file" 'pmc.margin\n0.1\n' 'samples = 4\n'
printf 'name = b\ndesign = file:missing.csv\n' >m.ini
"$troika" sweep m.ini --dry-run 2>e.txt; [ $? -eq 2 ] && grep -q "m.ini:2: design: cannot read the design file missing.csv" e.txt \
  && ok || bad "missing design file: $(cat e.txt)"

finish
