#!/usr/bin/env bash
# tests/cli/test_cli.sh TROIKA — the command line as a user meets it:
# help and version, a real run, and every bad input of the foundation issue:
# exit status 2, one located message, and no output file left behind.
set -u
troika=${1:?usage: test_cli.sh TROIKA}
data=$(cd "$(dirname "$0")/../data" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect_fail NAME PATTERN CMD...: exit 2, stderr matches PATTERN (ERE),
# stderr is one line, no file in $tmp/out.
expect_fail() {
  local name=$1 pat=$2; shift 2
  rm -rf "$tmp/out"; mkdir -p "$tmp/out"
  "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  local rc=$?
  if [ $rc -ne 2 ]; then bad "$name: exit $rc, want 2 ($(cat "$tmp/stderr"))"; return; fi
  if ! grep -Eq -- "$pat" "$tmp/stderr"; then bad "$name: message '$(cat "$tmp/stderr")' lacks /$pat/"; return; fi
  if [ -n "$(ls -A "$tmp/out")" ]; then bad "$name: left files: $(ls -A "$tmp/out")"; return; fi
  ok
}

# --- help, version ----------------------------------------------------------
"$troika" --help | grep -q "Usage: troika COMMAND" && ok || bad "--help"
"$troika" --version | grep -Eq "^troika [0-9]+\.[0-9]+\.[0-9]+" && ok || bad "--version"
for c in run validate params; do
  "$troika" "$c" --help | grep -q "Usage: troika $c" && ok || bad "$c --help"
done
"$troika" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "no command should exit 2"
expect_fail "unknown command" "no command 'frobnicate'" "$troika" frobnicate
expect_fail "unknown option" "unknown option '--frob'" "$troika" run --frob -o "$tmp/out/x.h5"

# --- the memory estimate: a run that would not fit is refused before it starts --------
big=(--days 36500 --set city.compounds=20000 --set city.subdistricts=100 --set run.panel_interval=1)
avail_kb=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)
if [ "${avail_kb:-0}" -lt 40000000 ]; then  # the issue's example needs about 42 GB
  expect_fail "memory: the issue's example" "needs about [0-9.]+ GiB .*more than the .* available; shrink it.*run.panel_interval" \
    "$troika" run "${big[@]}" -o "$tmp/out/big.h5"
else
  echo "memory: this machine has ${avail_kb} kB available; the example is checked with --memory-limit 16G"
fi
expect_fail "memory: a limit" "needs about .*more than the 16.0 GiB of --memory-limit" \
  "$troika" run "${big[@]}" --memory-limit 16G -o "$tmp/out/big.h5"
expect_fail "memory: a small limit" "needs about [0-9.]+ MiB .*more than the 1.0 MiB of --memory-limit" \
  "$troika" run --days 30 --memory-limit 1M -o "$tmp/out/x.h5"
expect_fail "memory: not a size" "^troika: --memory-limit: '12Q' is not a size" \
  "$troika" run --days 30 --memory-limit 12Q -o "$tmp/out/x.h5"
mkdir -p "$tmp/mem"
"$troika" run -q --days 30 --set city.compounds=3 --set city.subdistricts=1 --memory-limit off -o "$tmp/mem/x.h5" \
  && [ -s "$tmp/mem/x.h5" ] && ok || bad "memory: --memory-limit off"
"$troika" run -q --days 30 --set city.compounds=3 --set city.subdistricts=1 --memory-limit 2G -o "$tmp/mem/y.h5" \
  && ok || bad "memory: a run under its limit"
"$troika" validate "$data/cli/valid_child.ini" --set run.days=3650 --set run.panel_interval=1 \
  | grep -Eq "^; a run of it needs about [0-9.]+ MiB of memory" \
  && ok || bad "memory: validate prints no estimate"

# --- a real run ---------------------------------------------------------------
mkdir -p "$tmp/ok"
if "$troika" run --days 60 --seed 3 -o "$tmp/ok/a.h5" >"$tmp/stdout" 2>"$tmp/stderr"; then
  grep -q "wrote $tmp/ok/a.h5" "$tmp/stdout" && ok || bad "run summary lacks the path"
  [ -s "$tmp/ok/a.h5" ] && ok || bad "run wrote no file"
  [ ! -s "$tmp/stderr" ] && ok || bad "run printed on stderr when not a terminal: $(cat "$tmp/stderr")"
else
  bad "plain run failed: $(cat "$tmp/stderr")"
fi
ls -A "$tmp/ok" | grep -q tmp && bad "temporary file left after a run" || ok
"$troika" run --days 60 --seed 3 -q -o "$tmp/ok/q.h5" >"$tmp/stdout" 2>&1
[ ! -s "$tmp/stdout" ] && ok || bad "--quiet printed: $(cat "$tmp/stdout")"

# the output exists: refused without --force, the old file intact
cp "$tmp/ok/a.h5" "$tmp/ok/a.bak"
"$troika" run --days 30 -o "$tmp/ok/a.h5" >/dev/null 2>"$tmp/stderr"; rc=$?
[ $rc -eq 2 ] && grep -q -- "--force" "$tmp/stderr" && ok || bad "existing output: exit $rc $(cat "$tmp/stderr")"
cmp -s "$tmp/ok/a.h5" "$tmp/ok/a.bak" && ok || bad "existing output was modified"
"$troika" run --days 30 --force -q -o "$tmp/ok/a.h5" && ok || bad "--force failed"

# --- bad input: each gets one located line, exit 2, no file ------------------------
out="$tmp/out/x.h5"
sc="$data/cli"
expect_fail "unknown key" "unknown key.*did you mean household.complain_rate" "$troika" run "$sc/bad_unknown_key.ini" -o "$out"
expect_fail "unknown key located" "bad_unknown_key.ini:[0-9]+:" "$troika" run "$sc/bad_unknown_key.ini" -o "$out"
expect_fail "wrong type" "bad_type.ini:[0-9]+: .*not a number" "$troika" run "$sc/bad_type.ini" -o "$out"
expect_fail "out of range" "bad_range.ini:[0-9]+: .*out of range \(allowed:" "$troika" run "$sc/bad_range.ini" -o "$out"
expect_fail "duplicate key" "bad_duplicate.ini:[0-9]+: .*(duplicate|twice|already)" "$troika" run "$sc/bad_duplicate.ini" -o "$out"
expect_fail "unknown section" "bad_section.ini:[0-9]+: .*section" "$troika" run "$sc/bad_section.ini" -o "$out"
expect_fail "missing file" "no_such_file.ini" "$troika" run "$sc/no_such_file.ini" -o "$out"
printf '[household]\npatience = 10\n' >"$tmp/unreadable.ini"; chmod 000 "$tmp/unreadable.ini"
if [ "$(id -u)" -ne 0 ]; then  # root reads anything: only testable as a user
  expect_fail "unreadable file" "unreadable.ini" "$troika" run "$tmp/unreadable.ini" -o "$out"
fi
expect_fail "unwritable output dir" "-o.*(folder|directory)" "$troika" run -o "$tmp/no/such/dir/x.h5"
expect_fail "output is a directory" "-o.*directory" "$troika" run -o "$tmp/out"
expect_fail "bad --set syntax" "--set" "$troika" run --set household.patience -o "$out"
expect_fail "bad --set key" "did you mean household.patience" "$troika" run --set household.patiense=3 -o "$out"
expect_fail "bad --set value" "household.patience.*out of range" "$troika" run --set household.patience=0 -o "$out"
expect_fail "zero days" "--days.*out of range" "$troika" run --days 0 -o "$out"
expect_fail "negative days" "--days" "$troika" run --days -5 -o "$out"
expect_fail "bad days" "--days.*not an integer" "$troika" run --days ten -o "$out"
expect_fail "bad seed" "--seed" "$troika" run --seed x -o "$out"
expect_fail "bad threads" "--threads" "$troika" run --threads 0 -o "$out"
expect_fail "no output" "-o" "$troika" run
expect_fail "validate bad" "bad_range.ini:[0-9]+:" "$troika" validate "$sc/bad_range.ini"

# every bad-input message is a single line
"$troika" run "$sc/bad_range.ini" -o "$out" 2>"$tmp/stderr" >/dev/null
[ "$(wc -l <"$tmp/stderr")" -eq 1 ] && ok || bad "message is not one line: $(cat "$tmp/stderr")"

# --- validate and params ------------------------------------------------------------
"$troika" validate "$sc/valid_child.ini" >"$tmp/resolved.ini" && ok || bad "validate valid_child.ini"
"$troika" validate "$tmp/resolved.ini" -q && ok || bad "resolved INI does not validate"
"$troika" params | grep -q "household.patience" && ok || bad "params lacks household.patience"

echo "cli: $pass passed, $fail failed"
[ $fail -eq 0 ]
