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
proved() { # dir function -> "P T" (goals proved, goals) over the runs of proofs/heap_prove.sh, or ABORTED
  local d=$1 fn=$2
  rm -rf "$d/wp"
  if ! (cd "$d" && HEAP_WP_ARGS="-wp-timeout $T -wp-cache-dir $root/proofs/.cache" \
        bash proofs/heap_prove.sh wp "$fn" > wp.out 2>&1); then echo ABORTED; return; fi
  bash "$root/proofs/heap_report.sh" "$d"/wp/*.log | tail -1 | awk '{ print $3, $5 }'
}
# A run that aborts (for example a prover driver that cannot be loaded) proves nothing in both the
# baseline and the mutant, and would count as SURVIVED: refuse to score such a run.
killed=0; total=0; invalid=0
while IFS='|' read -r name fct expr; do
  case "$name" in ''|\#*) continue;; esac
  total=$((total + 1))
  rm -rf "$work/t"; mkdir -p "$work/t/proofs"; cp -r ref spec "$work/t/"
  cp proofs/*.drv proofs/why3.conf proofs/heap_prove.sh "$work/t/proofs/" # relative driver paths
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
  # Scored only against a baseline that proves every goal of the function: a mutant is killed
  # when some goal of the mutated function no longer proves (counts, not goal names, which shift).
  read -r bp bt <<< "$base"; read -r mp mt <<< "$mut"
  if [ "$bp" != "$bt" ]; then
    echo "mutant $name ($fct): not scored (baseline proves $bp / $bt)"; invalid=$((invalid + 1))
  elif [ "$mp" != "$mt" ]; then
    killed=$((killed + 1)); echo "mutant $name ($fct): KILLED ($mp / $mt goals prove)"
  else
    echo "mutant $name ($fct): SURVIVED ($mp / $mt)"
  fi
done < "${MUTANTS:-proofs/heap_mutants.txt}"
echo "heap mutation score: $killed / $((total - invalid)) scored mutants killed ($invalid not scored: invalid, not applied, or baseline incomplete)"
[ "$killed" -eq "$((total - invalid))" ]
