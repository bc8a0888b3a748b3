#!/usr/bin/env bash
# tests/reliability/test_paths.sh TROIKA SOURCE_DIR — the output path of
# every writing command (run, sweep, compare, merge, report): an existing
# file is never overwritten without --force, and with --force it is replaced
# atomically (a new file renamed over it); a directory, a read-only folder
# (a read-only bind mount as root, chmod otherwise), a missing folder and a
# folder that is a file and an empty name are refused with a clear message, exit 2, before any
# work, leaving nothing behind.
set -u
. "$(dirname "$0")/common.sh"
need h5dump
cd "$tmp" || exit 1
mkdir -p ok
small=(--threads 1 -q --days 20 --set city.compounds=3 --set city.subdistricts=1)
cat >sw.ini <<EOT
base = $src/scenarios/baseline.ini
design = lhs
samples = 3
days = 20
metrics = fee_collection_rate
[set]
city.compounds = 3
city.subdistricts = 1
[vary]
household.complain_rate = 0.04 .. 0.16
EOT
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
