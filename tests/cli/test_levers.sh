#!/usr/bin/env bash
# tests/cli/test_levers.sh TROIKA SOURCE_DIR — scripts/levers (which writes
# docs/LEVERS.md) runs on a tiny setting (6 compounds, 400 days, 2 paired
# replicates) and its table has a row for every lever scenario, found by
# structure (extends baseline.ini alone, has a [policy.NAME] section), in
# both tables; a lever missing from scenarios/levers.tsv is refused (exit 2).
set -u
troika=$1; src=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail=0
"$src/scripts/levers" --troika "$troika" --replicates 2 --days 400 --window 365:400 \
  --set city.compounds=6 --set city.subdistricts=1 --threads 1 -o "$work/L.md" 2>"$work/err" ||
  { echo "FAIL: scripts/levers exited $?"; cat "$work/err"; exit 1; }
n=0
for f in "$src"/scenarios/*.ini; do
  ext=$(sed -n 's/^[[:space:]]*extends[[:space:]]*=[[:space:]]*//p' "$f" | sed 's/[[:space:]]*;.*//; s/[[:space:]]*$//')
  [ "$ext" = "baseline.ini" ] && grep -q '^[[:space:]]*\[policy\.' "$f" || continue
  s=$(basename "$f" .ini); n=$((n + 1))
  c=$(grep -c "^| \`$s\` |" "$work/L.md")
  if [ "$c" = 2 ]; then echo "ok: $s"; else echo "FAIL: $s appears in $c of the 2 tables"; fail=1; fi
done
[ "$n" -ge 18 ] || { echo "FAIL: only $n lever scenarios found"; fail=1; }
grep -q "^| \*baseline level\* | [0-9]" "$work/L.md" || { echo "FAIL: no baseline row"; fail=1; }
# a lever without a row in the table is refused
mkdir -p "$work/tree/scenarios" "$work/tree/scripts"
cp "$src"/scenarios/*.ini "$src/scenarios/levers.tsv" "$work/tree/scenarios/"
cp "$src/scripts/levers" "$work/tree/scripts/"
printf 'extends = baseline.ini\nname = new_lever\n[policy.new_lever]\nday = 365\noc.secretary_share = 0.2\n' \
  >"$work/tree/scenarios/new_lever.ini"
"$work/tree/scripts/levers" --troika "$troika" --replicates 2 --days 30 -o "$work/x.md" 2>"$work/err2"
rc=$?
if [ $rc = 2 ] && grep -q "new_lever.ini is a lever .* no row in scenarios/levers.tsv" "$work/err2"; then
  echo "ok: an unlisted lever is refused"
else
  echo "FAIL: an unlisted lever gave exit $rc: $(cat "$work/err2")"; fail=1
fi
exit $fail
