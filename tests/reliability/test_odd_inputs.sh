#!/usr/bin/env bash
# tests/reliability/test_odd_inputs.sh TROIKA SOURCE_DIR — odd inputs and
# paths end at once in one clean line, exit 2 (docs/RELIABILITY.md):
#   - a FIFO as scenario, as `extends` target, as checkpoint, sweep or
#     compare file, and as a part in a sweep's parts folder (never blocks);
#   - `--checkpoint t/./x.h5 -o t/x.h5` (the same file by another name);
#   - a dangling symbolic link as -o (refused before the run, not after);
#   - a scenario of exactly 1 MiB is read, one byte more is refused with the
#     size the message states;
#   - a repeated --set, naming the key;
#   - control characters in a name are escaped in the message (\xNN).
set -u
. "$(dirname "$0")/common.sh"
need timeout mkfifo
cd "$tmp" || exit 1
o=(-o out/x.h5)
T() { timeout 60 "$troika" "$@"; } # a hang becomes exit 124, a failure

mkfifo fifo.ini fifo.h5
expect2 "FIFO as scenario" "^troika: fifo\.ini: cannot read the scenario file: not a regular file" \
  T run fifo.ini "${o[@]}"
printf 'extends = fifo.ini\n' >ext.ini
expect2 "FIFO as extends target" "^troika: ext\.ini:1: extends: cannot read 'fifo\.ini'.*not a regular file" \
  T validate ext.ini
expect2 "FIFO as checkpoint" "^troika: fifo\.h5: --resume: cannot read the checkpoint: not a regular file" \
  T run --resume fifo.h5 "${o[@]}"
expect2 "FIFO as sweep file" "^troika: fifo\.h5: cannot read: not a regular file" T sensitivity fifo.h5
expect2 "FIFO as compare file" "^troika: fifo\.h5: is not a regular file" T report fifo.h5 -o out/r.html
printf 'base = %s/scenarios/baseline.ini\ndesign = lhs\nsamples = 3\ndays = 10\n[vary]\nhousehold.complain_rate = 0.04 .. 0.16\n' \
  "$src" >sw.ini
mkdir -p sw.h5.parts && mkfifo sw.h5.parts/run-00000001.h5
if T sweep sw.ini -q -o sw.h5 >sweep.out 2>&1 && [ -f sw.h5 ]; then ok; else
  bad "sweep with a FIFO among its parts: $(head -3 sweep.out)"; fi

mkdir -p t
expect2 "checkpoint named like the output" "^troika: --checkpoint: the checkpoint file t/\./x\.h5 would overwrite the output" \
  T run --days 30 --checkpoint-every 10 --checkpoint t/./x.h5 -o t/x.h5
[ ! -e t/x.h5 ] && ok || bad "the checkpoint was written over the output's name"
ln -s "$tmp/nowhere/x.h5" out/dangling.h5
"$troika" run --days 30 -q -o out/dangling.h5 >/dev/null 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q "symbolic link to a missing file" err.txt && [ "$(wc -l <err.txt)" -eq 1 ] &&
  ok || bad "dangling -o: exit $rc, $(cat err.txt)"
rm -f out/dangling.h5

# 1 MiB exactly (a comment line pads it) is read; one byte more is refused
/usr/bin/python3 -c '
import sys
text = "name = big\n"
line = ";" + "x" * 78 + "\n"
while len(text) + len(line) <= 1048576:
    text += line
text += ";" * (1048576 - len(text) - 1) + "\n"
sys.stdout.write(text)' >big.ini
[ "$(stat -c %s big.ini)" -eq 1048576 ] || bad "big.ini is not 1 MiB"
T validate big.ini >/dev/null 2>err.txt && ok || bad "a scenario of 1 MiB refused: $(cat err.txt)"
printf ' ' >>big.ini
expect2 "scenario over 1 MiB" "^troika: big\.ini: the file is larger than 1 MiB" T validate big.ini

expect2 "repeated --set" "^troika: --set: household\.patience is set twice \('household\.patience=20', then 'household\.patience = 30'\)" \
  T run --set household.patience=20 --set 'household.patience = 30' "${o[@]}"
expect2 "control characters escaped" '^troika: --set: .*house\\x1b\[2Jhold' \
  T run --set $'house\x1b[2Jhold.patience=20' "${o[@]}"
"$troika" run $'--bo\x07gus' >/dev/null 2>err.txt
grep -q "unknown option '--bo\\\\x07gus'" err.txt && ! grep -q $'\x07' err.txt && ok ||
  bad "control character in an unknown option: $(od -c err.txt | head -3)"
finish
