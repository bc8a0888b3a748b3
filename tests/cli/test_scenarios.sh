#!/usr/bin/env bash
# tests/cli/test_scenarios.sh TROIKA SOURCE_DIR — every scenario file the
# project ships runs: the baseline, the package and one file per proposal of
# the source text (the names of the model issue, so that people and scripts
# find them; packages combine them: package, community_cloud), each validated and run past its reform's start (800 days; the
# reforms start on day 365, a second step of one on day 730) with a finite output.  The whole city
# (shanghai.ini) is validated and run for 3 days; the calibration fragment is
# validated.
set -u
troika=$1; src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

proposals="cross_appointment structure_suggestion candidate_suggestion qualification_review oc_reporting disclosure oc_membership secretary
rc_acts_for_oc officer_training officers_in_post joint_enforcement enforcement_library
mediator_staffing mediator_training cloud_single_entry e_voting responsibility_list worker_training
video_sharing"
for name in baseline package community_cloud $proposals; do
  f=$src/scenarios/$name.ini
  [ -f "$f" ] || { bad "scenarios/$name.ini is missing"; continue; }
  "$troika" validate "$f" -q 2>"$tmp/err" || { bad "validate $name.ini: $(cat "$tmp/err")"; continue; }
  if "$troika" run "$f" -q --days 800 --threads 1 -o "$tmp/$name.h5" 2>"$tmp/err"; then
    ok
  else
    bad "run $name.ini: $(cat "$tmp/err")"
  fi
done
# every proposal file switches its reform on at day 365 unless it says otherwise
for name in $proposals; do
  grep -q "^\[policy\." "$src/scenarios/$name.ini" && ok || bad "$name.ini has no [policy.*] section"
done
"$troika" validate "$src/scenarios/calibrated.ini" -q && ok || bad "validate calibrated.ini"
"$troika" run "$src/scenarios/shanghai.ini" -q --days 3 -o "$tmp/city.h5" && ok || bad "run shanghai.ini"
echo "scenarios: $pass passed, $fail failed"
[ $fail -eq 0 ]
