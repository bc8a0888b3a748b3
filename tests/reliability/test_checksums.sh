#!/usr/bin/env bash
# tests/reliability/test_checksums.sh TROIKA SOURCE_DIR — every dataset troika
# writes carries HDF5's Fletcher-32 checksum, and one flipped byte inside a
# dataset's stored data (found with h5py: the dataset's offset, or its first
# chunk's) is refused, never used: a checkpoint (run --resume: exit 2, one line
# naming the file and the dataset), a sweep file (sensitivity, merge: exit 2),
# a sweep part (not used: the resumed sweep recomputes that run and ends with
# the same file as an undisturbed sweep), a run file and a compare file
# (HDF5 itself refuses the read).  Also: the four kinds of file carry the same
# provenance attributes (core/h5 h5l_provenance; docs/OUTPUT.md).
set -u
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/../hold.sh"
need h5dump h5diff /usr/bin/python3
/usr/bin/python3 -c 'import h5py' 2>/dev/null || { [ -n "${CI:-}" ] && exit 1; skip "python3-h5py is missing"; }
cd "$tmp" || exit 1
flip() { /usr/bin/python3 "$here/flip.py" "$@" || bad "flip.py $*"; }
# refused NAME PATTERN CMD...: exit 2, one stderr line matching PATTERN
refused() {
  local name=$1 pat=$2; shift 2
  "$@" >/dev/null 2>err.txt; local rc=$?
  [ $rc -eq 2 ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -Eq -- "$pat" err.txt && ok \
    || bad "$name: exit $rc, $(cat err.txt)"
}
small=(--threads 1 -q --days 40 --set city.compounds=4 --set city.subdistricts=1)

# ---- every numeric dataset is checksummed (texts cannot be filtered) -------------------
"$troika" run "${small[@]}" --days 50 --checkpoint-every 20 --checkpoint ck.h5 -o run.h5 || bad "run"
cp "$here/tiny_sweep.ini" sw.ini && sed -i "s|^base = .*|base = $src/scenarios/baseline.ini|" sw.ini
"$troika" sweep sw.ini --threads 1 -q -o sw.h5 || bad "sweep"
"$troika" compare "$src/tests/data/compare/baseline.ini" "$src/tests/data/compare/subsidy.ini" \
  --replicates 2 --threads 1 -q -o cmp.h5 || bad "compare"
/usr/bin/python3 - run.h5 ck.h5 sw.h5 cmp.h5 <<'PY' || bad "a numeric dataset without a checksum"
import sys, h5py
bad = []
for path in sys.argv[1:]:
    with h5py.File(path, "r") as f:
        def visit(name, o):
            if isinstance(o, h5py.Dataset) and o.dtype.kind in "iuf" and o.size > 1 \
                    and not o.fletcher32:
                bad.append(f"{path}:{name}")
        f.visititems(visit)
if bad:
    sys.exit("not checksummed: " + " ".join(bad[:10]))
PY

# ---- one provenance: the same names and values in run, checkpoint, sweep and compare files --
/usr/bin/python3 - run.h5 ck.h5 sw.h5 cmp.h5 <<'PY' || bad "provenance attributes differ"
import sys, h5py
names = ["file_kind", "schema_version", "troika_version", "git_commit", "build_type",
         "compiler", "compiler_flags", "rng", "gsl_version", "hdf5_version", "command_line"]
kinds = ["troika-run", "troika-checkpoint", "troika-sweep", "troika-compare"]
same = {}
for path, kind in zip(sys.argv[1:], kinds):
    with h5py.File(path, "r") as f:
        missing = [n for n in names if n not in f.attrs]
        if missing:
            sys.exit(f"{path}: no {missing}")
        if f.attrs["file_kind"] != kind:
            sys.exit(f"{path}: file_kind {f.attrs['file_kind']}, want {kind}")
        for n in names[2:10]:
            if same.setdefault(n, f.attrs[n]) != f.attrs[n]:
                sys.exit(f"{path}: {n} differs")
PY

# ---- a checkpoint: state, results and levers ---------------------------------------
for ds in state/hh.arrears state/enf.found result/city run/params; do
  cp ck.h5 bad.h5; flip bad.h5 $ds
  refused "checkpoint $ds" "^troika: bad\.h5: .*/$ds: its checksum does not match" \
    "$troika" run --resume bad.h5 -o out.h5
  [ ! -e out.h5 ] && [ -z "$(temps .)" ] && ok || bad "checkpoint $ds left $(ls -A)"
done

# ---- a sweep file ------------------------------------------------------------------
cp sw.h5 bad.h5; flip bad.h5 runs/fee_collection_rate
refused "sweep file (sensitivity)" "^troika: bad\.h5: .*checksum does not match" \
  "$troika" sensitivity bad.h5
refused "sweep file (merge)" "^troika: bad\.h5: .*checksum does not match" \
  "$troika" merge bad.h5 -o m.h5
[ ! -e m.h5 ] && [ -z "$(temps .)" ] && ok || bad "merge of a damaged file left $(ls -A)"

# ---- a sweep part: never used, recomputed -----------------------------------------
rm -f hold.mark
TROIKA_HOLD=runs:2 TROIKA_HOLD_MARK=$tmp/hold.mark "$troika" sweep sw.ini --threads 1 -q -o part.h5 2>/dev/null &
pid=$!
if held hold.mark $pid; then
  kill -9 $pid; wait $pid 2>/dev/null
  part=$(ls part.h5.parts/run-*.h5 | head -1)
  flip "$part" values
  "$troika" sweep sw.ini --threads 1 -q -o part.h5 2>err.txt || bad "resume after a damaged part: $(cat err.txt)"
  h5diff sw.h5 part.h5 /runs /runs >/dev/null && ok || bad "a damaged part reached the sweep file"
else
  bad "the sweep never held at runs:2"; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
fi

# ---- run and compare files: HDF5 refuses the damaged dataset --------------------------
cp run.h5 bad.h5; flip bad.h5 city/fee_collection_rate
h5dump -d /city/fee_collection_rate bad.h5 >/dev/null 2>&1 && bad "run file: damaged data read" || ok
/usr/bin/python3 -c 'import sys,h5py; h5py.File(sys.argv[1])["city/fee_collection_rate"][()]' bad.h5 2>/dev/null \
  && bad "run file: h5py read damaged data" || ok
h5dump -d /city/fee_collection_rate run.h5 >/dev/null 2>&1 && ok || bad "run file: the intact file is unreadable"
finish
