#!/usr/bin/env bash
# tests/reliability/test_extremes.sh TROIKA SOURCE_DIR — extreme but legal
# inputs run to the end and write finite numbers only: one compound with one
# household (no owners' committee: it could not be seated), zero officers,
# zero mediators, every lever at its lower and at its upper bound (from the
# start, and switched by a policy mid-run), and a 50-year run.  Each exits 0;
# finite.py then reads every float dataset with h5py (the writer itself
# refuses NaN and infinity: test_output).
set -u
. "$(dirname "$0")/common.sh"
need /usr/bin/python3
/usr/bin/python3 -c 'import h5py' 2>/dev/null || { [ -n "${CI:-}" ] && exit 1; skip "python3-h5py is missing"; }
cd "$tmp" || exit 1
small=(--threads 1 -q --set city.compounds=3 --set city.subdistricts=1)

run() { # run NAME ARGS...: exit 0, then every dataset finite
  local name=$1; shift
  if "$troika" run "$@" -o "$name.h5" 2>"$name.err"; then
    /usr/bin/python3 "$here/finite.py" "$name.h5" && ok || bad "$name: non-finite output"
  else
    bad "$name: exit $?: $(cat "$name.err")"
  fi
}

run one_household --threads 1 -q --days 730 --set city.compounds=1 --set city.subdistricts=1 \
  --set city.hh_min=1 --set city.hh_max=1 --set city.hh_mean=1 --set city.hh_old_mean=1 \
  --set oc.initial_share=0 --set oc.formation_rate=0
run no_officers "${small[@]}" --days 730 --set enforce.officers_per_10k_households=0
run no_mediators "${small[@]}" --days 730 --set mediation.rooms_per_10k_households=0
run no_filled_mediators "${small[@]}" --days 730 --set mediation.fill_rate=0
run nobody_at_all "${small[@]}" --days 730 --set enforce.officers_per_10k_households=0 \
  --set mediation.rooms_per_10k_households=0 --set oc.initial_share=0 --set oc.formation_rate=0

# every lever (a parameter a policy may change) at its bounds, from `troika params`
"$troika" params | awk '$0 ~ / policy / { r = $4 $5; gsub(/[\[\]]/, "", r); split(r, b, ",");
  print $1, b[1], b[2] }' >levers.txt
n=$(wc -l <levers.txt)
[ "$n" -ge 20 ] && ok || bad "only $n levers found in troika params"
lo=() hi=() pol=$'[policy.all_high]\nday = 200\n'
while read -r key min max; do
  lo+=(--set "$key=$min"); hi+=(--set "$key=$max")
  pol+="$key = $max"$'\n'
done <levers.txt
printf '%s' "$pol" >switch.ini
run levers_low "${small[@]}" --days 400 "${lo[@]}"
run levers_high "${small[@]}" --days 400 "${hi[@]}"
run levers_switched switch.ini "${small[@]}" --days 400 "${lo[@]}"

# 50 years, one compound (18,250 days: about a second on one thread)
run fifty_years --threads 1 -q --days 18250 --set city.compounds=1 --set city.subdistricts=1
finish
