#!/usr/bin/env bash
# tests/reliability/test_disk_full.sh TROIKA SOURCE_DIR — a full disk stops
# a run or a sweep with a clear message and a non-zero exit; the temporary
# file is removed; files written before stay intact and readable; a sweep
# keeps its finished runs and, once there is room, resumes to the same file
# as an uninterrupted sweep.  Two routes: a small tmpfs mounted by the test
# (as root; the test reports itself skipped, 77, after the rest otherwise) and a file-size limit (`ulimit -f`, any user).
set -u
. "$(dirname "$0")/common.sh"
need h5dump h5diff /usr/bin/python3
cd "$tmp" || exit 1
small=(--threads 1 -q --set city.compounds=3 --set city.subdistricts=1)
cat >sw.ini <<EOT
base = $src/scenarios/baseline.ini
design = lhs
samples = 20
seed = 11
days = 365
metrics = fee_collection_rate, complaints_new, households_rating_pmc_inadequate
[set]
city.compounds = 3
city.subdistricts = 1
[vary]
household.complain_rate = 0.04 .. 0.16
EOT
"$troika" sweep sw.ini -o whole.h5 --threads 1 -q || { echo "uninterrupted sweep failed"; exit 1; }
same() { h5diff -q "$1" "$2" /runs /runs >/dev/null && /usr/bin/python3 "$src/tests/sweep/same.py" "$1" "$2"; }

# ---- the file-size limit: any user ---------------------------------------------------
mkdir lim
"$troika" run "${small[@]}" --days 30 -o lim/before.h5 || bad "small run failed"
cp lim/before.h5 before.copy
(ulimit -f 400; exec "$troika" run "${small[@]}" --days 1000 -o lim/big.h5) 2>lim.err; rc=$?
[ $rc -eq 1 ] && grep -Eq "^troika: lim/big.h5: writing the HDF5 output failed .*File too large" lim.err && ok \
  || bad "run over ulimit -f: exit $rc, $(cat lim.err)"
[ ! -e lim/big.h5 ] && [ -z "$(temps lim)" ] && ok || bad "ulimit -f left: $(ls -A lim)"
cmp -s lim/before.h5 before.copy && h5dump -H lim/before.h5 >/dev/null && ok || bad "file written before was harmed"
# a sweep whose runs fit but whose final file does not: the runs are kept
(ulimit -f 40; exec "$troika" sweep sw.ini -o lim/sw.h5 --threads 1 -q) 2>limsw.err; rc=$?
[ $rc -eq 1 ] && grep -q "File too large" limsw.err && [ ! -e lim/sw.h5 ] && ok \
  || bad "sweep over ulimit -f: exit $rc, $(cat limsw.err)"
[ "$(ls lim/sw.h5.parts | grep -c '^run-')" -eq 20 ] && [ -z "$(temps lim/sw.h5.parts)$(temps lim)" ] && ok \
  || bad "after ulimit -f the parts folder holds: $(ls -A lim/sw.h5.parts)"
"$troika" sweep sw.ini -o lim/sw.h5 --threads 1 -q && same whole.h5 lim/sw.h5 && ok \
  || bad "the sweep did not resume to the same file after the limit"

# ---- a small tmpfs: root only ------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || skip_rest "mounting a tmpfs needs root"
mkdir full
# 600 KiB: room for a 20-day run's file (about 240 KB), not for a 1000-day one
if ! mount -t tmpfs -o size=1m troika-test "$tmp/full" 2>mount.err; then
  skip_rest "cannot mount a tmpfs here: $(cat mount.err)"
fi
cleanup_hooks+=("umount '$tmp/full' 2>/dev/null")
"$troika" run "${small[@]}" --days 20 -o full/before.h5 || bad "small run on the tmpfs failed"
cp full/before.h5 before.copy
"$troika" run "${small[@]}" --days 1000 -o full/big.h5 2>full.err; rc=$?
[ $rc -eq 1 ] && grep -Eq "^troika: full/big.h5: writing the HDF5 output failed .*No space left on device" full.err \
  && [ "$(wc -l <full.err)" -eq 1 ] && ok || bad "run on a full disk: exit $rc, $(cat full.err)"
[ ! -e full/big.h5 ] && [ -z "$(temps full)" ] && ok || bad "full disk left: $(ls -A full)"
cmp -s full/before.h5 before.copy && h5dump -H full/before.h5 >/dev/null && ok || bad "file written before was harmed"
rm -f full/before.h5
# a sweep in 128 KiB: the runs that fit are kept, the one being written is removed
mount -o remount,size=128k "$tmp/full" || bad "remount to 128k"
"$troika" sweep sw.ini -o full/sw.h5 --threads 1 2>fullsw.err; rc=$?
kept=$(ls full/sw.h5.parts 2>/dev/null | grep -c '^run-')
[ $rc -eq 1 ] && grep -q "No space left on device" fullsw.err && grep -q "run the same command again" fullsw.err \
  && ok || bad "sweep on a full disk: exit $rc, $(cat fullsw.err)"
[ "$kept" -gt 0 ] && [ "$kept" -lt 20 ] && [ -z "$(temps full/sw.h5.parts)$(temps full)" ] && ok \
  || bad "after the full disk: $kept runs kept, $(ls -A full/sw.h5.parts)"
for part in full/sw.h5.parts/run-*.h5; do
  h5dump -H "$part" >/dev/null 2>&1 || bad "unreadable part $part"
done
echo "full disk: $kept of 20 runs kept"
mount -o remount,size=4m "$tmp/full" || bad "remount"
"$troika" sweep sw.ini -o full/sw.h5 --threads 1 2>resume.err; rc=$?
[ $rc -eq 0 ] && grep -q "$kept done before" resume.err && ok || bad "resume: exit $rc, $(cat resume.err)"
same whole.h5 full/sw.h5 && ok || bad "the resumed sweep differs from the uninterrupted one"
finish
