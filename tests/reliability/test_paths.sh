#!/usr/bin/env bash
# tests/reliability/test_paths.sh TROIKA SOURCE_DIR — the output path of
# every writing command (run, sweep, compare, merge, report): an existing
# file is never overwritten without --force, and with --force it is replaced
# atomically (a new file renamed over it); a directory, a read-only folder
# (a read-only bind mount as root, chmod otherwise), a missing folder and a
# folder that is a file and an empty name are refused with a clear message, exit 2, before any
# work, leaving nothing behind.  The temporary files of a dead process
# (kill -9) are removed by the next command writing the same output, those of
# a live process never; a symlinked parts folder is refused, never followed.
set -u
. "$(dirname "$0")/common.sh"
. "$src/tests/hold.sh"
need h5dump
cd "$tmp" || exit 1
mkdir -p ok
small=(--threads 1 -q --days 20 --set city.compounds=3 --set city.subdistricts=1)
cp "$here/tiny_sweep.ini" sw.ini && sed -i "s|^base = .*|base = $src/scenarios/baseline.ini|" sw.ini
cmp_args=("$src/tests/data/compare/baseline.ini" "$src/tests/data/compare/subsidy.ini" --replicates 2 --threads 1 -q)
"$troika" run "${small[@]}" -o ok/run.h5 || bad "run"
"$troika" sweep sw.ini --threads 1 -q -o ok/sweep.h5 || bad "sweep"
"$troika" compare "${cmp_args[@]}" -o ok/compare.h5 || bad "compare"

# writer NAME OUT: the command of NAME writing to OUT
writer() {
  case $1 in
    run) "$troika" run "${small[@]}" -o "$2" ;;
    sweep) "$troika" sweep sw.ini --threads 1 -q -o "$2" ;;
    compare) "$troika" compare "${cmp_args[@]}" -o "$2" ;;
    merge) "$troika" merge ok/sweep.h5 -o "$2" ;;
    report) "$troika" report ok/compare.h5 -o "$2" >/dev/null ;;
  esac
}

# ---- an existing file: refused without --force; with it, replaced atomically ----------
for w in run sweep compare merge report; do
  rm -rf out; mkdir out; printf 'precious\n' >out/x; cp out/x keep.txt
  writer $w out/x 2>err.txt; rc=$?
  [ $rc -eq 2 ] && grep -Eq -- "^troika: -o: out/x exists.*use --force to overwrite" err.txt \
    && cmp -s out/x keep.txt && ok || bad "$w over an existing file: exit $rc, $(cat err.txt)"
  [ -z "$(temps out)" ] && [ "$(ls -A out)" = x ] && ok || bad "$w left $(ls -A out)"
done
# (--force: one writer per kind of file is enough, the path code is shared)
for w in run compare report; do
  rm -rf out; mkdir out; printf 'old\n' >out/x; ln out/x out/old
  case $w in
    run) "$troika" run "${small[@]}" --force -o out/x ;;
    compare) "$troika" compare "${cmp_args[@]}" --force -o out/x ;;
    report) "$troika" report ok/compare.h5 --force -o out/x >/dev/null ;;
  esac
  rc=$?
  [ $rc -eq 0 ] && [ "$(stat -c %i out/x)" != "$(stat -c %i out/old)" ] && [ "$(cat out/old)" = old ] \
    && [ -z "$(temps out)" ] && ok || bad "$w --force: exit $rc, not replaced by rename"
done
"$troika" sweep sw.ini --threads 1 -q --force -o ok/sweep.h5 && h5dump -H ok/sweep.h5 >/dev/null && ok \
  || bad "sweep --force over its own complete file"

# ---- folders: a directory, missing, a file, read-only ----------------------------------
for w in run sweep compare merge report; do
  rm -rf out; mkdir -p out/dir
  writer $w out/dir 2>err.txt; rc=$?
  [ $rc -eq 2 ] && grep -Eq "out/dir is a (directory|folder)" err.txt && ok || bad "$w -o a directory: exit $rc, $(cat err.txt)"
  writer $w out/missing/x.h5 2>err.txt; rc=$?
  [ $rc -eq 2 ] && grep -Eq "out/missing.*(does not exist|no such)" err.txt && ok || bad "$w -o a missing folder: exit $rc, $(cat err.txt)"
  printf 'a file\n' >out/file
  writer $w out/file/x.h5 2>err.txt; rc=$?
  [ $rc -eq 2 ] && grep -Eq "out/file.*not a (folder|directory)" err.txt && ok || bad "$w -o under a file: exit $rc, $(cat err.txt)"
  writer $w "" 2>err.txt; rc=$?
  [ $rc -eq 2 ] && grep -Eq -- "-o: .*(empty|required)" err.txt && ok || bad "$w -o '': exit $rc, $(cat err.txt)"
  [ "$(ls -A out | tr '\n' ' ')" = "dir file " ] && [ -z "$(ls -A out/dir)" ] && ok || bad "$w left $(ls -AR out)"
done

# ---- stale temporary files: removed by the next writer, a live one kept -----------------
dead=$(sh -c 'echo $$')   # a process that has ended
for w in run sweep compare merge report; do
  rm -rf out; mkdir out
  : >"out/.x.h5.tmp-$dead-0"; : >"out/.x.h5.tmp-$dead-3"; : >"out/.x.h5.tmp-$$-0"; : >"out/.y.h5.tmp-$dead-0"
  writer $w out/x.h5 2>err.txt; rc=$?
  [ $rc -eq 0 ] && [ "$(temps out | sort | tr '\n' ' ')" = ".x.h5.tmp-$$-0 .y.h5.tmp-$dead-0 " ] && ok \
    || bad "$w with stale temporary files: exit $rc, left $(temps out | tr '\n' ' ') $(cat err.txt)"
done
# a real one: kill -9 in the middle of writing (the hold points), then write again
# (a run's checkpoint: the run file itself is written after the last day)
ckrun() { "$troika" run "${small[@]}" --checkpoint-every 5 --force -o out/x.h5; }
for w in ckrun merge; do
  rm -rf out; mkdir out
  case $w in ckrun) point=checkpoint:10 ;; merge) point=assembly ;; esac
  if [ $w = ckrun ]; then TROIKA_HOLD=$point TROIKA_HOLD_MARK=$tmp/mark ckrun 2>/dev/null &
  else TROIKA_HOLD=$point TROIKA_HOLD_MARK=$tmp/mark writer $w out/x.h5 2>/dev/null & fi
  pid=$!
  if held "$tmp/mark" $pid; then
    kill -9 "$(held_pid "$tmp/mark")"; wait $pid 2>/dev/null; rm -f "$tmp/mark"
    [ -n "$(temps out)" ] || bad "$w killed: no temporary file to clean (test is void)"
    if [ $w = ckrun ]; then ckrun 2>err.txt; else writer $w out/x.h5 2>err.txt; fi; rc=$?
    [ $rc -eq 0 ] && [ -z "$(temps out)" ] && [ -e out/x.h5 ] && ok \
      || bad "$w after kill -9: exit $rc, left $(ls -A out | tr '\n' ' ') $(cat err.txt)"
  else
    bad "$w never held at $point"; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
  fi
done

# ---- a symlinked parts folder is refused, its target untouched ------------------------
rm -rf out elsewhere; mkdir out elsewhere
: >elsewhere/run-00000000.h5; : >elsewhere/SWEEP; : >elsewhere/.run-00000001.h5.tmp-$dead-0
ln -s ../elsewhere out/s.h5.parts
"$troika" sweep sw.ini --threads 1 -q -o out/s.h5 2>err.txt; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -q "out/s.h5.parts is a symbolic link" err.txt \
  && [ "$(ls -A elsewhere | wc -l)" -eq 3 ] && [ ! -e out/s.h5 ] && ok \
  || bad "symlinked parts folder: exit $rc, $(cat err.txt), elsewhere holds $(ls -A elsewhere | tr '\n' ' ')"

mkdir ro
if [ "$(id -u)" -eq 0 ]; then
  # chmod does not stop root: a read-only bind mount does
  if mount --bind "$tmp/ro" "$tmp/ro" 2>mount.err && mount -o remount,bind,ro "$tmp/ro" 2>>mount.err; then
    cleanup_hooks+=("umount '$tmp/ro' 2>/dev/null")
  else
    umount "$tmp/ro" 2>/dev/null
    skip_rest "no read-only bind mount here: $(cat mount.err)"
  fi
else
  chmod 555 ro
fi
for w in run sweep compare merge report; do
  writer $w ro/x.h5 2>err.txt; rc=$?
  [ $rc -eq 2 ] && grep -Eq "folder ro is not writable" err.txt && [ -z "$(ls -A ro)" ] && ok \
    || bad "$w -o a read-only folder: exit $rc, $(cat err.txt)"
done
finish
