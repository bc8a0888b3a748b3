#!/usr/bin/env bash
# tests/sweep/test_mpi.sh TROIKA SOURCE_DIR — sweeps under Open MPI's mpirun
# equal the serial sweep: -np 2 and -np 3 (oversubscribed: CI has 2 cores);
# a worker killed with Open MPI's defaults aborts the job and the same
# command resumes it to the same result; with mpirun --enable-recovery the
# master reports the dead worker and hands its run to another.
set -u
. "$(dirname "$0")/common.sh"
need mpirun
. "$here/../hold.sh"
# Open MPI refuses root unless told; CI runs as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# no warnings about missing high-speed networks, shared memory in /tmp
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_base_warn_component_unused=0
mpi="mpirun --oversubscribe --bind-to none"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
sed -e "s|^base = .*|base = $src/scenarios/baseline.ini|" "$here/small.ini" >small.ini

"$troika" sweep small.ini -o serial.h5 --threads 1 -q || { echo "serial sweep failed"; exit 1; }
for np in 2 3; do
  timeout 300 $mpi -np $np "$troika" sweep small.ini -o np$np.h5 >out$np.txt 2>&1
  rc=$?
  if [ $rc -eq 0 ] && same serial.h5 np$np.h5; then ok; else bad "-np $np: exit $rc $(tail -3 out$np.txt)"; fi
  /usr/bin/python3 -c "import h5py,sys; e=h5py.File(sys.argv[1]).attrs['execution']; assert e.startswith('mpi $np ranks'), e" \
    np$np.h5 && ok || bad "-np $np: execution attribute"
done

# The jobs below start rank 2 (the second application context of mpirun)
# with the TROIKA_HOLD test hook: it holds at day 100 of its first run.
# kill_held_worker waits for that (the mpirun's pid in $job) and kills the
# worker with -9 while it holds: it is busy with a run (a worker killed while
# it waits for work has no run to lose, and is not reported), whatever the
# machine's speed.
kill_held_worker() {
  if held hold.mark $job; then
    kill -9 "$(held_pid hold.mark)"
  else
    bad "rank 2 did not hold at day 100"
  fi
}
mark=$tmp/hold.mark

# 1. a worker dies, Open MPI's defaults: the job aborts; resume completes it
$mpi -np 2 "$troika" sweep small.ini -o dead.h5 -q : \
     -np 1 env TROIKA_HOLD=day:100 TROIKA_HOLD_MARK="$mark" "$troika" sweep small.ini -o dead.h5 -q \
     >dead.txt 2>&1 &
job=$!
kill_held_worker
wait $job; rc=$?
[ $rc -ne 0 ] && [ ! -e dead.h5 ] && ok || bad "a dead worker should abort the job (exit $rc)"
kept=$(ls dead.h5.parts | grep -c '^run-')
timeout 300 $mpi -np 3 "$troika" sweep small.ini -o dead.h5 >resume.txt 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "$kept done before" resume.txt && same serial.h5 dead.h5 && ok \
  || bad "resume after a dead worker: exit $rc, $(tail -3 resume.txt)"

# 2. with --enable-recovery the job survives: the master reports the dead
#    worker after --worker-timeout and hands its run to the other worker
rm -f hold.mark
timeout 120 $mpi --enable-recovery -np 2 "$troika" sweep small.ini -o rec.h5 --worker-timeout 3 : \
  -np 1 env TROIKA_HOLD=day:100 TROIKA_HOLD_MARK="$mark" "$troika" sweep small.ini -o rec.h5 \
  --worker-timeout 3 >rec.txt 2>&1 &
job=$!
kill_held_worker
wait $job; rc=$?
grep -q "worker rank 2 has been silent" rec.txt && ok || bad "the dead worker was not reported: $(cat rec.txt)"
[ $rc -eq 0 ] && [ -e rec.h5 ] && same serial.h5 rec.h5 && ok \
  || bad "--enable-recovery: exit $rc, $(tail -3 rec.txt)"
finish
