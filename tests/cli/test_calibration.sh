#!/usr/bin/env bash
# tests/cli/test_calibration.sh TROIKA SOURCE_DIR [CALIBRATION.ini] — the
# committed calibration meets its targets: `troika calibrate FILE --evaluate`
# (default scenarios/calibration.ini: 10 replicates of the district, 5-year
# runs, years 3-5) prints every target, fitted and validation ones alike,
# with "met" when it lies within the target's tolerance; each must be met.
# With scenarios/calibration_shanghai.ini (ctest calibration_shanghai, label
# slow) the same values are checked on the whole city.  docs/CALIBRATION.md
# records the fit.
set -u
troika=$1; src=$2; file=${3:-$src/scenarios/calibration.ini}
out=$("$troika" calibrate "$file" --evaluate --quiet 2>&1) || {
  echo "FAIL: calibrate --evaluate exited $?"; echo "$out"; exit 1; }
echo "$out"
rows=$(echo "$out" | awk '$0 ~ / (fit|validate) +(met|MISSED) /' | wc -l)
want=$(grep -c '^\[target\.' "$file")
fail=0
[ "$rows" = "$want" ] || { echo "FAIL: $rows target rows printed, $want targets in $file"; fail=1; }
if echo "$out" | grep -q " MISSED "; then
  echo "FAIL: a target is outside its tolerance:"; echo "$out" | grep " MISSED "; fail=1
fi
[ $fail = 0 ] && echo "ok: all $want targets of $(basename "$file") within their tolerance"
exit $fail
