#!/usr/bin/env bash
# proofs/heap_mutants.sh: apply each heap mutation (proofs/heap_mutants.txt) to a copy of the tree,
# re-run WP on the mutated function, and count it killed when a goal that the unmutated code proves
# is no longer proved (a mutant that breaks the build counts as "invalid", not killed).
# Usage: proofs/heap_mutants.sh [timeout]   (from the repository root)
set -u
T=${1:-15}
root=$(pwd)
work=$(mktemp -d /tmp/heap-mutants.XXXXXX)
trap 'rm -rf "$work"' EXIT
proved() { # dir function -> sorted list of proved goal names, or ABORTED
  local out
  out=$(cd "$1" && env WHY3CONFIG="$root/proofs/why3.conf" frama-c -cpp-extra-args="-Iref" ref/heap.c \
     -wp -wp-rte -warn-unsigned-overflow -wp-prover cvc4,cvc5,z3 -wp-par 2 -wp-timeout "$T" \
     -wp-cache update -wp-cache-dir "$root/proofs/.cache" -wp-fct "$2" 2>&1)
  if echo "$out" | grep -q -E 'Fatal error|User Error|aborted'; then echo ABORTED; return; fi
  echo "$out" | grep -E '^\[wp\] \[[^]]+\] Goal .*: Valid' | sed -E 's/.*Goal ([^ ]+) :.*/\1/' | sort
}
# A run that aborts (for example a prover driver that cannot be loaded) proves nothing in both the
# baseline and the mutant, and would count as SURVIVED: refuse to score such a run.
killed=0; total=0; invalid=0
while IFS='|' read -r name fct expr; do
  case "$name" in ''|\#*) continue;; esac
  total=$((total + 1))
  rm -rf "$work/t"; mkdir -p "$work/t/proofs"; cp -r ref spec "$work/t/"
  cp proofs/*.drv "$work/t/proofs/" # why3.conf names the prover drivers by relative paths
  base=$(proved "$work/t" "$fct")
  if [ -z "$base" ] || [ "$base" = ABORTED ]; then
    echo "mutant $name: baseline run aborted or proved nothing"; invalid=$((invalid + 1)); continue
  fi
  sed -i -E "$expr" "$work/t/ref/heap.c"
  if cmp -s ref/heap.c "$work/t/ref/heap.c"; then
    echo "mutant $name: NOT APPLIED (pattern not found)"; invalid=$((invalid + 1)); continue
  fi
  if ! gcc -std=c11 -Iref -fsyntax-only "$work/t/ref/heap.c" 2>/dev/null; then
    echo "mutant $name: invalid (does not compile)"; invalid=$((invalid + 1)); continue
  fi
  mut=$(proved "$work/t" "$fct")
  if [ "$mut" = ABORTED ]; then echo "mutant $name: WP aborted on the mutant (not scored)"; invalid=$((invalid + 1)); continue; fi
  lost=$(comm -23 <(echo "$base") <(echo "$mut") | grep -c . || true)
  if [ "$lost" -gt 0 ]; then
    killed=$((killed + 1)); echo "mutant $name ($fct): KILLED ($lost goal(s) no longer proved)"
  else
    echo "mutant $name ($fct): SURVIVED"
  fi
done < "${MUTANTS:-proofs/heap_mutants.txt}"
echo "heap mutation score: $killed / $total killed ($invalid invalid or not applied)"
[ "$killed" -eq "$total" ]
