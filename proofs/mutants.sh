#!/usr/bin/env bash
# Show that the proofs bite: apply each mutation of the list (one at a time, to a copy of the
# tree), run WP on the mutated function, and count the mutant as killed when some goal fails.
# Usage: proofs/mutants.sh proofs/mutants.txt   (run from the repository root; make prove-mutants)
set -u
list=${1:-proofs/mutants.txt}
root=$(pwd)
timeout=${WP_TIMEOUT:-10}
tune=${WP_TUNE:-} # (mk/prove.mk)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
total=0; killed=0; survived=()
while IFS='|' read -r module fn expr what; do
  case "$module" in ''|'#'*) continue ;; esac
  total=$((total + 1))
  rm -rf "$work/t"; mkdir -p "$work/t"
  cp -r "$root/ref" "$root/spec" "$work/t/"
  mkdir -p "$work/t/proofs"; cp "$root/proofs/why3.conf" "$root"/proofs/*.drv "$work/t/proofs/"
  sed -i "$expr" "$work/t/ref/$module.c"
  if cmp -s "$root/ref/$module.c" "$work/t/ref/$module.c"; then
    echo "mutant $total ($module/$fn: $what): DID NOT APPLY (fix proofs/mutants.txt)"
    survived+=("$total"); continue
  fi
  out=$(cd "$work/t" && WHY3CONFIG=proofs/why3.conf frama-c $tune -cpp-extra-args="-Iref -DRA_WP" \
        "ref/$module.c" -wp -wp-rte -warn-unsigned-overflow -wp-prover cvc4,cvc5,z3 -wp-par 2 \
        -wp-timeout "$timeout" -wp-cache update -wp-cache-dir "$root/proofs/.cache" \
        -wp-fct "$fn" 2>&1)
  line=$(printf '%s\n' "$out" | sed -n 's/^\[wp\] Proved goals: *\([0-9]*\) \/ \([0-9]*\)/\1 \2/p')
  if [ -z "$line" ]; then
    verdict="ERROR (frama-c did not run WP: $(printf '%s\n' "$out" | tail -1))"; survived+=("$total")
  elif [ "${line% *}" != "${line#* }" ]; then
    verdict="killed (${line% *} / ${line#* } goals proved)"; killed=$((killed + 1))
  else
    verdict="SURVIVED (${line% *} / ${line#* } goals proved)"; survived+=("$total")
  fi
  echo "mutant $total ($module/$fn: $what): $verdict"
done < "$list"
echo "mutation score: $killed / $total killed"
[ "$killed" -eq "$total" ]
