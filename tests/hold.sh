# tests/hold.sh — waiting for troika's test hook (core/hold.h; sourced).
#
#   held MARK PID   wait until troika PID holds at its TROIKA_HOLD point,
#                   i.e. until MARK (its TROIKA_HOLD_MARK) exists: status 0.
#                   1 when PID ended without holding, or after 5 minutes of
#                   polls.  The test then kills, signals or releases
#                   (rm MARK) a process that is known to be at that point,
#                   whatever the machine's speed.
#   held_pid MARK   the pid written in MARK
held() {
  local n=0
  while [ ! -e "$1" ]; do
    if ! kill -0 "$2" 2>/dev/null; then [ -e "$1" ]; return; fi
    n=$((n + 1)); [ $n -lt 30000 ] || return 1
    sleep 0.01
  done
}
held_pid() { local p _; read -r p _ <"$1" && echo "$p"; }
