#!/usr/bin/env bash
# tests/cli/test_compare_cluster.sh TROIKA SOURCE_DIR — `troika compare` on a
# cluster (docs/COMPARE.md, "On a cluster: MPI and Slurm"): for an ordinary
# comparison, one under a tiny posterior and one of its Saltelli design, the compare file's data are the
# same with --threads 1, --threads 2, mpirun -np 3 (TROIKA_TEST_MPI=1: built
# with MPI) and three shards joined by troika merge (one of them picked from
# a Slurm array task's SLURM_ARRAY_TASK_* variables, and run twice: the same
# shard file); the merged file reads like any compare file (troika report);
# and the refusals exit 2 naming the file: a missing shard, shards of two
# comparisons, a sweep file among compare shards, a whole compare file, a
# shard given to troika report, --shard with --replicates auto.
set -u
. "$(dirname "$0")/../sweep/common.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
cat >small.ini <<'INI'
[city]
compounds = 12
subdistricts = 2
[run]
days = 90
INI
cat >reform.ini <<'INI'
extends = small.ini
name = reform
[household]
patience = 40
INI
cat >cal.ini <<'INI'
scenario = small.ini
seed = 3
window = 30:90
population = 8
batch = 8
generations = 2

[target.households]
metric = households_rating_pmc_inadequate
value = 0.2549
scale = 0.02

[free.pmc.margin]
INI
"$troika" calibrate cal.ini --method abc-smc -o post.h5 --threads 2 -q >/dev/null 2>&1 \
  && ok || bad "the tiny calibration failed"

# the data of two compare files: every group but the root's provenance
samecmp() {
  local a=$1 b=$2 g groups="/scenarios /summary /seeds /replicate /day"
  [ -n "${3:-}" ] && groups="$groups /draw_values /draw_particle /replicate_draw /parameter"
  [ "${3:-}" = saltelli ] && groups="$groups /draw_role /draw_base"
  for g in $groups; do
    if ! h5diff -q "$a" "$b" "$g" "$g" >/dev/null 2>&1; then
      echo "  h5diff $a $b $g:"; h5diff "$a" "$b" "$g" "$g" 2>&1 | head -5
      return 1
    fi
  done
}
# exit 2 and a message naming $2
refused() {
  local rc=$1 name=$2 log=$3 what=$4
  if [ "$rc" -eq 2 ] && grep -q -- "$name" "$log"; then ok; else
    bad "$what: exit $rc (expected 2 naming $name): $(head -3 "$log")"; fi
}
mpi=""
if [ "${TROIKA_TEST_MPI:-0}" = 1 ]; then
  need mpirun
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  export OMPI_MCA_btl=self,vader OMPI_MCA_btl_base_warn_component_unused=0
  mpi="env ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 mpirun --oversubscribe --bind-to none"
fi

plain=(small.ini reform.ini --replicates 5 --metrics households_rating_pmc_inadequate,complaints_new)
posterior=(small.ini reform.ini --posterior post.h5 --draws 3 --replicates 2
           --metrics households_rating_pmc_inadequate,complaints_new)
# a Saltelli design of the posterior (docs/COMPARE.md, "Total indices")
saltelli=(small.ini reform.ini --posterior post.h5 --design saltelli --draws 2 --replicates 2
          --metrics households_rating_pmc_inadequate,complaints_new)
for kind in plain posterior saltelli; do
  case $kind in
    plain) args=("${plain[@]}"); p="" ;;
    posterior) args=("${posterior[@]}"); p=1 ;;
    saltelli) args=("${saltelli[@]}"); p=saltelli ;;
  esac
  "$troika" compare "${args[@]}" --threads 1 -o $kind-1.h5 -q >$kind-1.txt 2>&1 \
    && ok || bad "$kind: --threads 1: $(tail -3 $kind-1.txt)"
  "$troika" compare "${args[@]}" --threads 2 -o $kind-2.h5 -q >/dev/null 2>&1 \
    && samecmp $kind-1.h5 $kind-2.h5 $p && ok || bad "$kind: --threads 2 differs"
  if [ -n "$mpi" ]; then
    timeout 300 $mpi -np 3 "$troika" compare "${args[@]}" -o $kind-mpi.h5 -q >$kind-mpi.txt 2>&1 \
      && samecmp $kind-1.h5 $kind-mpi.h5 $p && ok \
      || bad "$kind: mpirun -np 3 differs: $(tail -3 $kind-mpi.txt)"
  fi
  for k in 1 3; do
    "$troika" compare "${args[@]}" --shard $k/3 -o $kind-s$k.h5 -q >$kind-s$k.txt 2>&1 \
      || bad "$kind: --shard $k/3: $(tail -3 $kind-s$k.txt)"
  done
  # shard 2 of 3 from a Slurm array task (--array=0-2, task 1), twice
  for t in a b; do
    env SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=2 \
        SLURM_ARRAY_TASK_STEP=1 SLURM_ARRAY_TASK_COUNT=3 \
        "$troika" compare "${args[@]}" -o $kind-s2$t.h5 >$kind-s2$t.txt 2>&1 \
      || bad "$kind: the Slurm task's shard: $(tail -3 $kind-s2$t.txt)"
  done
  grep -q "shard 2/3 from SLURM_ARRAY_TASK_ID=1" $kind-s2a.txt && ok || bad "$kind: no Slurm note"
  h5diff -q $kind-s2a.h5 $kind-s2b.h5 /scenarios /scenarios >/dev/null 2>&1 \
    && h5diff -q $kind-s2a.h5 $kind-s2b.h5 /shard_runs /shard_runs >/dev/null 2>&1 \
    && ok || bad "$kind: the same shard run twice differs"
  "$troika" merge $kind-s3.h5 $kind-s2a.h5 $kind-s1.h5 -o $kind-m.h5 >$kind-m.txt 2>&1 \
    && samecmp $kind-1.h5 $kind-m.h5 $p && ok || bad "$kind: merged shards differ: $(tail -3 $kind-m.txt)"
  "$troika" report $kind-1.h5 --csv $kind-1.csv -q && "$troika" report $kind-m.h5 --csv $kind-m.csv -q \
    && cmp -s $kind-1.csv $kind-m.csv && ok || bad "$kind: the merged file's table differs"
  # a missing shard
  "$troika" merge $kind-s1.h5 $kind-s3.h5 -o miss.h5 >miss.txt 2>&1
  refused $? "shard 2/3" miss.txt "$kind: a missing shard"
  [ ! -e miss.h5 ] && ok || bad "$kind: a file left by a refused merge"
done

# a shard killed (kill -9) once 3 of its runs are durable keeps them in
# OUT.parts/: the same command resumes it to the same shard file
. "$here/../hold.sh"
mark=$tmp/hold.mark
env TROIKA_HOLD=runs:3 TROIKA_HOLD_MARK="$mark" "$troika" compare "${plain[@]}" --shard 1/3 \
    --threads 1 -o killed.h5 -q >killed.txt 2>&1 &
job=$!
if held "$mark" $job; then kill -9 "$(held_pid "$mark")"; else bad "the shard did not hold"; fi
wait $job 2>/dev/null
[ ! -e killed.h5 ] && [ -d killed.h5.parts ] && ok || bad "a killed shard kept no parts folder"
"$troika" compare "${plain[@]}" --shard 1/3 -o killed.h5 >resumed.txt 2>&1 \
  && grep -q "resuming: 3 simulations (run x scenario) of this shard were done before" resumed.txt \
  && h5diff -q killed.h5 plain-s1.h5 /scenarios /scenarios >/dev/null 2>&1 \
  && h5diff -q killed.h5 plain-s1.h5 /shard_runs /shard_runs >/dev/null 2>&1 \
  && [ ! -e killed.h5.parts ] && ok || bad "the resumed shard: $(tail -3 resumed.txt)"

# shards of two comparisons
"$troika" merge plain-s1.h5 posterior-s2a.h5 plain-s3.h5 -o mixed.h5 >mixed.txt 2>&1
refused $? posterior-s2a.h5 mixed.txt "shards of two comparisons"
# a sweep file among compare shards (only its file_kind matters)
/usr/bin/python3 -c "import h5py; h5py.File('sweep.h5','w').attrs['file_kind']='troika-sweep'"
"$troika" merge plain-s1.h5 sweep.h5 -o mixed.h5 >mixed.txt 2>&1
refused $? sweep.h5 mixed.txt "a sweep file among compare shards"
"$troika" merge plain-s1.h5 plain-1.h5 -o mixed.h5 >mixed.txt 2>&1
refused $? plain-1.h5 mixed.txt "a whole compare file"
"$troika" merge plain-s1.h5 plain-s2a.h5 plain-s3.h5 -o mixed.h5 --allow-incomplete >mixed.txt 2>&1
refused $? allow-incomplete mixed.txt "--allow-incomplete with compare shards"
"$troika" report plain-s1.h5 >rep.txt 2>&1
refused $? plain-s1.h5 rep.txt "troika report on a shard"
"$troika" compare small.ini reform.ini --replicates auto --shard 1/2 -o auto.h5 >auto.txt 2>&1
refused $? "--shard" auto.txt "--shard with --replicates auto"
finish
