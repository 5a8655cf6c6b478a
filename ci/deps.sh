#!/usr/bin/env bash
# Install what refalloc's checks need, from Debian's packages. Idempotent and quiet when all is present.
# Usage: ci/deps.sh [core|prove|fuzz|peers|all]   (default: all)
set -euo pipefail
group=${1:-all}
core="gcc make clang-14 libclang-rt-14-dev libcmocka-dev cppcheck pkg-config"
fuzz="libfuzzer-14-dev afl++ lcov llvm-14"
prove="frama-c-base why3 z3 cvc4 cvc5 libgmp-dev ocaml-findlib"
peers="libjemalloc-dev libmimalloc-dev libgoogle-perftools-dev gnuplot-nox valgrind python3 sqlite3 git zip"
case "$group" in
  core) want="$core" ;;
  fuzz) want="$core $fuzz" ;;
  prove) want="$core $prove" ;;
  peers) want="$core $peers" ;;
  all) want="$core $fuzz $prove $peers" ;;
  *) echo "deps.sh: unknown group '$group' (core|prove|fuzz|peers|all)" >&2; exit 2 ;;
esac
missing=()
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps.sh: installing ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq >/dev/null
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# WP finds provers through why3's configuration; detect them once.
case "$group" in prove|all)
  if command -v why3 >/dev/null && [ ! -s "${HOME}/.why3.conf" ]; then
    why3 config detect >/dev/null 2>&1 || true
  fi ;;
esac
