#!/usr/bin/env bash
# tests/sweep/test_slurm.sh TROIKA SOURCE_DIR — a one-node Slurm cluster on
# this machine runs scenarios/slurm/sweep.sbatch as a 4-task job array (ids
# 0-3, then 1-4); the shards merged equal the serial sweep.
#
# The cluster is private to the test: munged with its own key and socket,
# slurmctld and slurmd as root on 127.0.0.1 with free ports, all state, logs
# and pid files in a temporary folder; ProctrackType=proctrack/linuxproc and
# TaskPlugin=task/none need no cgroups.  The daemons are stopped (by their
# pids) and the folder removed on every exit path.
set -u
. "$(dirname "$0")/common.sh"
need munged munge slurmctld slurmd sbatch squeue sinfo scontrol
if [ "$(id -u)" -ne 0 ]; then
  if [ -n "${CI:-}" ]; then echo "FAIL: the Slurm test runs the daemons as root"; exit 1; fi
  echo "SKIP: the Slurm test runs the daemons as root"; exit 77
fi
# slurmd initialises its cgroup plugin even with proctrack/linuxproc: with no
# cgroup filesystem (e.g. a chroot that binds /sys but not its mounts) it
# cannot start.  That is the kernel's facility missing, not a tool: skip.
if ! grep -q " /sys/fs/cgroup " /proc/mounts 2>/dev/null; then
  echo "SKIP: no cgroup filesystem mounted at /sys/fs/cgroup; slurmd cannot start"; exit 77
fi

tmp=$(mktemp -d /tmp/troika-slurm-XXXXXX)
chmod 755 "$tmp" # munged wants its socket's folder reachable by all
stop_daemons() {
  local d p n
  for d in slurmd slurmctld munged; do
    p=$(cat "$tmp/$d.pid" 2>/dev/null) || continue
    [ -n "$p" ] && kill "$p" 2>/dev/null
  done
  for d in slurmd slurmctld munged; do
    p=$(cat "$tmp/$d.pid" 2>/dev/null) || continue
    for n in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null
  done
}
cleanup() {
  stop_daemons
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cd "$tmp" || exit 1

show_logs() {
  local f
  for f in munged.log slurmctld.log slurmd.log; do
    echo "---- $f"; tail -n 15 "$tmp/$f" 2>/dev/null
  done
}

# ---- munge --------------------------------------------------------------------
dd if=/dev/urandom of=munge.key bs=1024 count=1 2>/dev/null
chmod 400 munge.key
munged --key-file="$tmp/munge.key" --socket="$tmp/munge.sock" --pid-file="$tmp/munged.pid" \
       --log-file="$tmp/munged.log" --seed-file="$tmp/munged.seed" \
  || { bad "munged did not start"; show_logs; finish; }
munge -S "$tmp/munge.sock" -n | unmunge -S "$tmp/munge.sock" >/dev/null \
  || { bad "munge does not work"; show_logs; finish; }

# ---- slurm --------------------------------------------------------------------
host=$(hostname -s)
read -r p1 p2 < <(/usr/bin/python3 -c '
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
mkdir -p state spool out
: >plugstack.conf
cat >slurm.conf <<EOF
ClusterName=troikatest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$p1
SlurmdPort=$p2
AuthType=auth/munge
AuthInfo=socket=$tmp/munge.sock
CredType=cred/munge
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
PlugStackConfig=$tmp/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$tmp/slurm.conf
slurmctld -f "$SLURM_CONF" || { bad "slurmctld did not start"; show_logs; finish; }
slurmd -f "$SLURM_CONF" -N "$host" || { bad "slurmd did not start"; show_logs; finish; }
for n in $(seq 100); do
  sinfo -h -o %T 2>/dev/null | grep -q idle && break
  sleep 0.2
done
sinfo -h -o %T | grep -q idle && ok || { bad "the node never became idle: $(sinfo 2>&1)"; show_logs; finish; }

# ---- the sweep ----------------------------------------------------------------
sed -e "s|^base = .*|base = $src/scenarios/baseline.ini|" "$here/small.ini" >small.ini
"$troika" sweep small.ini -o serial.h5 --threads 1 -q || { echo "serial sweep failed"; exit 1; }

# run_array ARRAY OUTDIR: submit the example batch script, wait for the end
run_array() {
  local array=$1 dir=$2 id n
  id=$(sbatch --parsable --array="$array" --cpus-per-task=1 --time=10 -D "$tmp" \
             --output="$tmp/$dir-%a.log" \
             --export="ALL,SWEEP=$tmp/small.ini,OUT=$tmp/$dir,TROIKA=$troika" \
             "$src/scenarios/slurm/sweep.sbatch") || { bad "sbatch failed"; return 1; }
  for n in $(seq 600); do
    [ -z "$(squeue -h -j "$id" 2>/dev/null)" ] && return 0
    sleep 0.5
  done
  bad "array $array did not end in 300 s: $(squeue)"
  return 1
}

if run_array 0-3 from0; then
  ls from0/shard-{0,1,2,3}.h5 >/dev/null 2>&1 && ok || { bad "array 0-3: shards $(ls from0)"; cat from0-*.log; }
  "$troika" merge from0/shard-*.h5 -o from0.h5 -q && same serial.h5 from0.h5 && ok \
    || bad "array 0-3 merged differs from serial"
fi
if run_array 1-4 from1; then
  ls from1/shard-{1,2,3,4}.h5 >/dev/null 2>&1 && ok || { bad "array 1-4: shards $(ls from1)"; cat from1-*.log; }
  "$troika" merge from1/shard-4.h5 from1/shard-2.h5 from1/shard-1.h5 from1/shard-3.h5 -o from1.h5 -q \
    && same serial.h5 from1.h5 && ok || bad "array 1-4 merged differs from serial"
  grep -q "shard 1/4 from SLURM_ARRAY_TASK_ID=1" from1-1.log && ok || bad "task log: $(cat from1-1.log)"
fi
[ "$fail" -eq 0 ] || show_logs
finish
