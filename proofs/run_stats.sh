#!/usr/bin/env bash
# proofs/run_stats.sh START_FILE MODULE...: the closing line of `make prove` / `make prove-check`
# after `Proved goals`: how long the run took since START_FILE was written (prove-run writes it),
# and where the goals' answers came from, counted from the WP logs this run wrote (a module whose
# report was reused unchanged wrote none): Qed alone, a prover now, or WP's cache. A run from an
# empty cache ("from cold") is one with no answer from the cache and no report reused.
start=$1; shift
out=$(dirname "$start")
now=$(date +%s); t0=$(stat -c %Y "$start")
logs=() reused=()
for m in "$@"; do
  if [ "$m" = heap ]; then dir="$out/../heap-wp"; else dir=""; fi
  if [ "$out/$m.report" -ot "$start" ]; then reused+=("$m"); continue; fi
  if [ -n "$dir" ]; then logs+=("$dir"/*.log); else logs+=("$out/$m.log"); fi
done
count() { [ ${#logs[@]} -gt 0 ] && cat "${logs[@]}" 2>/dev/null | grep -c "$@" || echo 0; }
qed=$(count '^\[wp\] \[Qed\] Goal .* : Valid')
cached=$(count '^\[wp\] \[.*\] Goal .* : Valid.*(cached)')
all=$(count '^\[wp\] \[.*\] Goal .* : Valid')
echo "prove: $((now - t0)) s on $(nproc) cores; goals proved by Qed $qed, by a prover in this run" \
  "$((all - qed - cached)), answered from the WP cache $cached; reports reused: ${reused[*]:-none}"
