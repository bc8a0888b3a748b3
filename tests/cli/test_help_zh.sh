#!/usr/bin/env bash
# tests/cli/test_help_zh.sh TROIKA SOURCE_DIR — the Chinese help texts:
# `troika --lang zh CMD --help` (and `CMD --help --lang zh`, `help CMD --lang
# zh`) print every option's description in Chinese from the one table
# sim/cli_help_zh.def, which has exactly one row per option of every command
# (tests/py/check_help_zh.py), lines wrapped by display width; the refusals.
set -u
troika=${1:?usage: test_help_zh.sh TROIKA SOURCE_DIR}
src=${2:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

/usr/bin/python3 "$src/tests/py/check_help_zh.py" "$troika" "$src/sim/cli_help_zh.def" && ok \
  || bad "the Chinese help table against the commands' options"
# the three spellings give the same text
"$troika" --lang zh compare --help >"$tmp/a" && "$troika" compare --help --lang zh >"$tmp/b" \
  && "$troika" help compare --lang zh >"$tmp/c" && cmp -s "$tmp/a" "$tmp/b" && cmp -s "$tmp/a" "$tmp/c" \
  && ok || bad "--lang zh before or after the command differ"
"$troika" --lang=zh compare --help | cmp -s - "$tmp/a" && ok || bad "--lang=zh"
# formal terms where the options speak of them
grep -q "置信区间" "$tmp/a" && grep -q "重复运行" "$tmp/a" && grep -q "情景" "$tmp/a" && ok \
  || bad "compare: 置信区间 / 重复运行 / 情景 missing"
grep -q "^用法：troika compare" "$tmp/a" && grep -q "^选项：" "$tmp/a" && ok || bad "compare: headings"
"$troika" --lang zh sensitivity --help | grep -q "置信水平" && ok || bad "sensitivity: 置信水平"
"$troika" --lang zh --help | grep -q "^  run  *运行一个情景" && ok || bad "troika --lang zh --help"
"$troika" --help --lang zh | grep -q "业主委员会" && ok || bad "troika --help --lang zh"
# English stays the default
"$troika" compare --help | grep -q "^Options:" && ok || bad "English help changed"
"$troika" --lang en compare --help | cmp -s - <("$troika" compare --help) && ok || bad "--lang en"
# a command that prints descriptions takes the global --lang as its own
"$troika" --lang zh metrics | grep -q "物业" && ok || bad "troika --lang zh metrics"
# refusals: a command with no --lang and no --help; an unknown language
"$troika" --lang zh run -q --days 2 -o "$tmp/x.h5" 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && [ ! -e "$tmp/x.h5" ] && grep -q "applies to the help" "$tmp/e" && ok \
  || bad "--lang zh run without --help: $rc $(cat "$tmp/e")"
"$troika" --lang xx run --help >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q "lang" "$tmp/e" && ok || bad "--lang xx: $rc $(cat "$tmp/e")"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
