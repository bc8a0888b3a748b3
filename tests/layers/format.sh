#!/usr/bin/env bash
# tests/layers/format.sh SOURCE_DIR — every C file of troika is formatted as
# .clang-format says (Debian 12's clang-format-14; another version may break
# lines differently, so no other is used).  Lists the files that are not,
# with the command that formats them.  Skips (77) without clang-format-14,
# unless CI is set (scripts/setup test installs it).
set -u
src=${1:?usage: $0 SOURCE_DIR}
cf=$(command -v clang-format-14) || {
  [ -n "${CI:-}" ] && { echo "FAIL: clang-format-14 is missing (CI runs every test)"; exit 1; }
  echo "SKIP: clang-format-14 is missing (scripts/setup test installs it)"; exit 77; }
cd "$src" || exit 1
mapfile -t files < <(find core models analysis sim tests -name '*.[ch]' -not -path 'tests/fuzz/corpus/*' | sort)
bad=()
for f in "${files[@]}"; do
  "$cf" --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "FAIL: ${#bad[@]} of ${#files[@]} files are not formatted by .clang-format:"
  printf '  %s\n' "${bad[@]}"
  echo "format them with:  clang-format-14 -i ${bad[*]}"
  exit 1
fi
echo "format: ${#files[@]} files formatted as .clang-format says"
