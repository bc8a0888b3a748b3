# tests/sweep/common.sh — shared by the sweep script tests (sourced).
#
#   need TOOL...      a missing tool skips the test (exit 77), or fails it
#                     when CI is set: CI runs every test with the real engines
#   same A B          A and B hold the same sweep results: /runs, /design and
#                     /sweep identical (h5diff, exact), and byte for byte by
#                     h5py (only root attributes such as the command line may
#                     differ)
#   ok / bad MSG      count a check; finish prints the tally and exits
troika=${1:?usage: $0 TROIKA SOURCE_DIR}
src=${2:?usage: $0 TROIKA SOURCE_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pass=0 fail=0

ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

need() {
  local t
  for t in "$@"; do
    if ! command -v "$t" >/dev/null 2>&1; then
      if [ -n "${CI:-}" ]; then
        echo "FAIL: '$t' is missing (CI runs every test; scripts/setup installs it)"
        exit 1
      fi
      echo "SKIP: '$t' is missing (scripts/setup deps installs it)"
      exit 77
    fi
  done
}

same() {
  local a=$1 b=$2 g
  for g in /runs /design /sweep; do
    if ! h5diff -q "$a" "$b" "$g" "$g" >/dev/null 2>&1; then
      echo "  h5diff $a $b $g:"; h5diff "$a" "$b" "$g" "$g" 2>&1 | head -5
      return 1
    fi
  done
  /usr/bin/python3 "$here/same.py" "$a" "$b"
}

finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
  exit $?
}

need h5diff /usr/bin/python3
# ctest inside a Slurm array task must not make every sweep a shard
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_MIN SLURM_ARRAY_TASK_MAX SLURM_ARRAY_TASK_STEP \
      SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_JOB_ID
