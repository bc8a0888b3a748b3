#!/usr/bin/env bash
# tests/cli/test_h5py.sh TROIKA CHECKER — run the default scenario for a year
# and read the result with h5py (Debian's /usr/bin/python3 has python3-h5py).
set -u
troika=$1 checker=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$troika" run --seed 7 --days 365 -q -o "$tmp/run.h5" || { echo "run failed"; exit 1; }
/usr/bin/python3 "$checker" "$tmp/run.h5"
