#!/usr/bin/env bash
# tests/sweep/test_shards.sh TROIKA SOURCE_DIR — one sweep, many executions,
# one result: threads 1 and 2, three shards merged in two orders, shards
# taken from a Slurm array's environment (ids from 0 and from 1), all equal
# to the serial sweep; an incomplete merge is refused; the file reads with
# h5py and the sensitivity table runs on it.
set -u
. "$(dirname "$0")/common.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sweep=$here/small.ini
cd "$tmp" || exit 1

"$troika" sweep "$sweep" -o serial.h5 --threads 1 -q || { echo "serial sweep failed"; exit 1; }
"$troika" sweep "$sweep" -o threads.h5 --threads 2 -q && same serial.h5 threads.h5 && ok \
  || bad "2 threads differ from 1"

for k in 1 2 3; do
  "$troika" sweep "$sweep" --shard "$k/3" -o "shard-$k.h5" -q || bad "shard $k/3 failed"
done
"$troika" merge shard-1.h5 shard-2.h5 shard-3.h5 -o m123.h5 -q && same serial.h5 m123.h5 && ok \
  || bad "shards merged 1 2 3 differ from serial"
"$troika" merge shard-3.h5 shard-1.h5 shard-2.h5 -o m312.h5 -q && same serial.h5 m312.h5 && ok \
  || bad "shards merged 3 1 2 differ from serial"

# a shard's file is readable on its own: done only for its runs
/usr/bin/python3 - shard-2.h5 <<'EOF' && ok || bad "shard file content"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1]) as f:
    done = f["runs/done"][:]
    assert (done == (np.arange(done.size) % 3 == 1)).all(), done
    x = f["runs/fee_collection_rate"][:]
    assert np.isnan(x[done == 0]).all() and np.isfinite(x[done == 1]).all()
    assert f.attrs["execution"].endswith("shard 2/3"), f.attrs["execution"]
EOF

# an incomplete merge is refused, and exit status 2
"$troika" merge shard-1.h5 shard-3.h5 -o part.h5 -q 2>err.txt
[ $? -eq 2 ] && grep -q "shard missing" err.txt && [ ! -e part.h5 ] && ok \
  || bad "incomplete merge: $(cat err.txt)"
"$troika" merge shard-1.h5 shard-3.h5 -o part.h5 -q --allow-incomplete && ok \
  || bad "--allow-incomplete"

# Slurm array environments: ids from 0, and from 1 with a step
for id in 0 1 2 3; do
  env SLURM_ARRAY_TASK_ID=$id SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=3 \
      SLURM_ARRAY_TASK_STEP=1 SLURM_ARRAY_TASK_COUNT=4 \
      "$troika" sweep "$sweep" -o "a0-$id.h5" -q || bad "array task $id (0-3)"
done
"$troika" merge a0-*.h5 -o a0.h5 -q && same serial.h5 a0.h5 && ok || bad "array from 0"
for id in 1 3 5 7; do
  env SLURM_ARRAY_TASK_ID=$id SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=7 \
      SLURM_ARRAY_TASK_STEP=2 SLURM_ARRAY_TASK_COUNT=4 \
      "$troika" sweep "$sweep" -o "a1-$id.h5" -q || bad "array task $id (1-7:2)"
done
"$troika" merge a1-7.h5 a1-1.h5 a1-5.h5 a1-3.h5 -o a1.h5 -q && same serial.h5 a1.h5 && ok \
  || bad "array from 1, step 2"
# an irregular array cannot name a shard: refused
env SLURM_ARRAY_TASK_ID=4 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=9 SLURM_ARRAY_TASK_STEP=1 \
    SLURM_ARRAY_TASK_COUNT=3 "$troika" sweep "$sweep" -o irr.h5 -q 2>err.txt
[ $? -eq 2 ] && grep -q -- "--shard K/N" err.txt && ok || bad "irregular array: $(cat err.txt)"

# sensitivity: SRC on an LHS sweep (no Sobol indices), table and CSV
"$troika" sensitivity serial.h5 --metric fee_collection_rate --window -180: --csv s.csv >s.txt \
  && grep -q "SRC" s.txt && [ "$(grep -c ',SRC,' s.csv)" -eq 3 ] && ! grep -q ',S1,' s.csv && ok \
  || bad "sensitivity on an lhs sweep: $(cat s.txt)"
"$troika" sensitivity shard-1.h5 2>err.txt >/dev/null
[ $? -eq 2 ] && grep -q "merge the shards" err.txt && ok || bad "sensitivity of a shard"
finish
