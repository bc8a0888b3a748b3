#!/usr/bin/env bash
# tests/sweep/test_mpi.sh TROIKA SOURCE_DIR — sweeps under Open MPI's mpirun
# equal the serial sweep: -np 2 and -np 3 (oversubscribed: CI has 2 cores);
# a worker killed with Open MPI's defaults aborts the job and the same
# command resumes it to the same result; with mpirun --enable-recovery the
# master reports the dead worker and hands its run to another.
set -u
. "$(dirname "$0")/common.sh"
need mpirun
# Open MPI refuses root unless told; CI runs as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# no warnings about missing high-speed networks, shared memory in /tmp
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_base_warn_component_unused=0
mpi="mpirun --oversubscribe --bind-to none"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
# longer runs than the other sweep tests (200 compounds, two years: ~0.2 s
# each), so that a worker killed after the third finished run is busy with one
# (a worker killed while it waits for work has no run to lose, and is not
# reported) and still has runs
# to do on a fast machine
sed -e "s|^base = .*|base = $src/scenarios/baseline.ini|" -e 's/^days = .*/days = 730/' \
    -e 's/^city.compounds = .*/city.compounds = 200/' "$here/small.ini" >small.ini

"$troika" sweep small.ini -o serial.h5 --threads 1 -q || { echo "serial sweep failed"; exit 1; }
for np in 2 3; do
  timeout 300 $mpi -np $np "$troika" sweep small.ini -o np$np.h5 >out$np.txt 2>&1
  rc=$?
  if [ $rc -eq 0 ] && same serial.h5 np$np.h5; then ok; else bad "-np $np: exit $rc $(tail -3 out$np.txt)"; fi
  /usr/bin/python3 -c "import h5py,sys; e=h5py.File(sys.argv[1]).attrs['execution']; assert e.startswith('mpi $np ranks'), e" \
    np$np.h5 && ok || bad "-np $np: execution attribute"
done

# The pid of rank R of a running sweep writing $1 (by its environment).
rank_pid() {
  local p
  for p in $(pgrep -f "troika sweep small.ini -o $1"); do
    if tr '\0' '\n' </proc/$p/environ 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$2"; then
      echo $p; return
    fi
  done
}
# Wait until $1.parts holds at least $2 runs (at most 60 s).
wait_parts() {
  local t=0
  while [ "$(ls "$1.parts" 2>/dev/null | grep -c '^run-')" -lt "$2" ]; do
    sleep 0.1; t=$((t + 1)); [ $t -lt 600 ] || return 1
  done
}

# 1. a worker dies, Open MPI's defaults: the job aborts; resume completes it
$mpi -np 3 "$troika" sweep small.ini -o dead.h5 -q >dead.txt 2>&1 &
job=$!
if wait_parts dead.h5 3; then
  victim=$(rank_pid dead.h5 2)
  [ -n "$victim" ] && kill -9 "$victim"
fi
wait $job; rc=$?
[ $rc -ne 0 ] && [ ! -e dead.h5 ] && ok || bad "a dead worker should abort the job (exit $rc)"
kept=$(ls dead.h5.parts | grep -c '^run-')
timeout 300 $mpi -np 3 "$troika" sweep small.ini -o dead.h5 >resume.txt 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "$kept done before" resume.txt && same serial.h5 dead.h5 && ok \
  || bad "resume after a dead worker: exit $rc, $(tail -3 resume.txt)"

# 2. with --enable-recovery the job survives: the master reports the dead
#    worker after --worker-timeout and hands its run to the other worker
timeout 120 $mpi --enable-recovery -np 3 "$troika" sweep small.ini -o rec.h5 --worker-timeout 3 \
  >rec.txt 2>&1 &
job=$!
if wait_parts rec.h5 3; then
  victim=$(rank_pid rec.h5 2)
  [ -n "$victim" ] && kill -9 "$victim"
fi
wait $job; rc=$?
grep -q "worker rank 2 has been silent" rec.txt && ok || bad "the dead worker was not reported: $(cat rec.txt)"
[ $rc -eq 0 ] && [ -e rec.h5 ] && same serial.h5 rec.h5 && ok \
  || bad "--enable-recovery: exit $rc, $(tail -3 rec.txt)"
finish
