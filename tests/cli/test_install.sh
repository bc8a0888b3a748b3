#!/usr/bin/env bash
# tests/cli/test_install.sh BUILD_DIR — `cmake --install` puts troika in
# place as its neighbours are: bin/troika, the man page (generated from the
# option tables) in share/man/man1 and the bash completion in
# share/bash-completion/completions.  Each installed piece is used: the
# binary runs, `man -l` renders the page, the completion offers the right
# words for `troika co<TAB>` and `troika run --s<TAB>`.
set -u
build=${1:?usage: test_install.sh BUILD_DIR}
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

cmake --install "$build" --prefix "$prefix" >"$prefix/install.log" 2>&1 \
  && ok || { bad "cmake --install: $(cat "$prefix/install.log")"; echo "install: $pass passed, $fail failed"; exit 1; }

bin=$prefix/bin/troika man1=$prefix/share/man/man1/troika.1
comp=$prefix/share/bash-completion/completions/troika
"$bin" --version | grep -Eq "^troika [0-9]+\.[0-9]+\.[0-9]+" && ok || bad "installed bin/troika --version"

if ! command -v man >/dev/null; then
  [ -n "${CI:-}" ] && bad "man is missing (man-db)" || echo "skip: no man (install man-db)"
else
  MANWIDTH=80 man -l "$man1" >"$prefix/man.txt" 2>"$prefix/man.err"
  [ $? -eq 0 ] && [ ! -s "$prefix/man.err" ] && ok || bad "man -l: $(cat "$prefix/man.err")"
  for w in "troika run" "troika compare" "troika sweep" "--checkpoint-every" "EXIT STATUS"; do
    grep -q -- "$w" "$prefix/man.txt" && ok || bad "the man page lacks '$w'"
  done
  # the page says what `troika run --help` says, option for option
  for o in $("$bin" run --help | grep -Eo -- '^  (-[a-z], )?--[a-z-]+' | grep -Eo -- '--[a-z-]+'); do
    grep -q -- "$o" "$prefix/man.txt" || bad "the man page lacks run's $o"
  done
  ok
fi

# the completion: source it and ask as bash would
complete_words() {  # complete_words WORD... : the candidates for the last word
  bash -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _troika troika "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$@"
}
[ "$(complete_words troika co | sort | tr '\n' ' ')" = "compare " ] && ok \
  || bad "troika co<TAB>: $(complete_words troika co | tr '\n' ' ')"
[ "$(complete_words troika run --s | sort | tr '\n' ' ')" = "--seed --set " ] && ok \
  || bad "troika run --s<TAB>: $(complete_words troika run --s | tr '\n' ' ')"
[ "$(complete_words troika params --lang '' | sort | tr '\n' ' ')" = "en zh " ] && ok \
  || bad "troika params --lang <TAB>: $(complete_words troika params --lang '' | tr '\n' ' ')"
complete_words troika sweep --shard | grep -qx -- "--shard" && ok || bad "troika sweep --shard<TAB>"

echo "install: $pass passed, $fail failed"
[ $fail -eq 0 ]
