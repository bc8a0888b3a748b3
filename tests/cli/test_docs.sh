#!/usr/bin/env bash
# tests/cli/test_docs.sh TROIKA SOURCE_DIR — the generated parts of the docs
# must be what the code prints: docs/PARAMETERS.md is `troika params
# --markdown`, the metric table of docs/OUTPUT.md is `troika metrics
# --markdown`.  Fix with scripts/update-docs.
set -u
troika=$1 src=$2
pass=0 fail=0
if diff -u "$src/docs/PARAMETERS.md" <("$troika" params --markdown) >/tmp/troika-docs.diff; then
  pass=$((pass + 1))
else
  head -30 /tmp/troika-docs.diff; fail=$((fail + 1))
  echo "docs/PARAMETERS.md is out of date: run scripts/update-docs"
fi
block=$(sed -n '/<!-- metrics:begin -->/,/<!-- metrics:end -->/p' "$src/docs/OUTPUT.md" | sed '1d;$d')
if diff -u <(printf '%s\n' "$block") <("$troika" metrics --markdown) >/tmp/troika-docs.diff; then
  pass=$((pass + 1))
else
  head -30 /tmp/troika-docs.diff; fail=$((fail + 1))
  echo "the metric table of docs/OUTPUT.md is out of date: run scripts/update-docs"
fi
echo "docs: $pass passed, $fail failed"
[ $fail -eq 0 ]
