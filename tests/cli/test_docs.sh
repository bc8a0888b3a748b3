#!/usr/bin/env bash
# tests/cli/test_docs.sh TROIKA SOURCE_DIR — docs/PARAMETERS.md must be what
# `troika params --markdown` prints (the parameter table is the one source).
set -u
troika=$1 src=$2
if diff -u "$src/docs/PARAMETERS.md" <("$troika" params --markdown) >/tmp/troika-params.diff; then
  echo "docs: 1 passed, 0 failed"
else
  head -40 /tmp/troika-params.diff
  echo "docs/PARAMETERS.md is out of date: run  build/troika params --markdown > docs/PARAMETERS.md"
  echo "docs: 0 passed, 1 failed"
  exit 1
fi
