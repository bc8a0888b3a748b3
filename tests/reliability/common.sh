# tests/reliability/common.sh — shared by the reliability script tests (sourced).
#
#   ok / bad MSG        count a check; finish prints the tally and exits
#   need TOOL...        a missing tool skips the test (exit 77), or fails it
#                       when CI is set
#   skip_rest REASON    the checks so far passed; the rest cannot run here
#                       (not root, no mount): exit 77 with the reason
#   expect2 NAME PAT CMD...   CMD exits 2 with one stderr line matching PAT
#                       (ERE) and leaves no file in $tmp/out
#   temps DIR           the temporary files troika left in DIR (dot-files
#                       named *.tmp-*), one a line
troika=${1:?usage: $0 TROIKA SOURCE_DIR}
src=${2:?usage: $0 TROIKA SOURCE_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pass=0 fail=0
tmp=$(mktemp -d)
cleanup_hooks=()
cleanup() {
  local h
  for h in "${cleanup_hooks[@]}"; do eval "$h"; done
  rm -rf "$tmp"
}
trap cleanup EXIT

ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

skip() {
  echo "SKIP: $*"
  exit 77
}

need() {
  local t
  for t in "$@"; do
    if ! command -v "$t" >/dev/null 2>&1; then
      [ -n "${CI:-}" ] && { echo "FAIL: '$t' is missing (CI runs every test)"; exit 1; }
      skip "'$t' is missing (scripts/setup installs it)"
    fi
  done
}

expect2() {
  local name=$1 pat=$2; shift 2
  rm -rf "$tmp/out"; mkdir -p "$tmp/out"
  "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  local rc=$?
  if [ $rc -ne 2 ]; then bad "$name: exit $rc, want 2 ($(head -3 "$tmp/stderr"))"; return; fi
  if [ "$(wc -l <"$tmp/stderr")" -ne 1 ]; then bad "$name: not one line: $(cat "$tmp/stderr")"; return; fi
  if ! grep -Eq -- "$pat" "$tmp/stderr"; then bad "$name: '$(cat "$tmp/stderr")' lacks /$pat/"; return; fi
  if [ -n "$(ls -A "$tmp/out")" ]; then bad "$name: left $(ls -A "$tmp/out")"; return; fi
  ok
}

temps() { ls -A "$1" 2>/dev/null | grep -E '\.tmp-' ; }

# skip_rest REASON: the rest needs what is missing here (root, a mount): fail
# if a check so far failed, else exit 77 (skipped) with the reason
skip_rest() {
  [ "$fail" -eq 0 ] || finish
  echo "$(basename "$0" .sh): $pass passed; SKIP the rest: $*"
  exit 77
}

finish() {
  echo "$(basename "$0" .sh): $pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit $?
}

# ctest inside a Slurm array task must not make every sweep a shard
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_MIN SLURM_ARRAY_TASK_MAX SLURM_ARRAY_TASK_STEP \
      SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_JOB_ID
