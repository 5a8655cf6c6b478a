#!/usr/bin/env bash
# proofs/run_stats.sh START_FILE HEAP_LOG_DIR MODULE...: the closing line of `make prove` /
# `make prove-check` after `Proved goals`. A module's WP log is <START_FILE's directory>/<m>.log,
# the heap's are HEAP_LOG_DIR/*.log (proofs/heap_prove.sh writes one per run). START_FILE
# (written by prove-cache-unpack when the run began) holds the start time and the number of
# entries in the WP cache then (`off` with WP_CACHE=none): a run "from cold" is one that began
# with 0. The answers are counted from the WP logs this run wrote (a module whose report was
# reused unchanged wrote none): by Qed alone, by a prover now, or from WP's cache (even a run
# from cold finds a few there: goals whose task is the same text as one proved earlier in the
# same run, such as the arithmetic lemmas two modules share).
start=$1 heap_logs=$2; shift 2
out=$(dirname "$start")
read -r t0 entries < "$start"
logs=() reused=()
for m in "$@"; do
  if [ "$out/$m.report" -ot "$start" ]; then reused+=("$m"); continue; fi
  if [ "$m" = heap ]; then logs+=("$heap_logs"/*.log); else logs+=("$out/$m.log"); fi
done
# one pass over the logs: goals proved by Qed, by a prover now, from the cache
read -r qed now cached < <(cat "${logs[@]}" /dev/null 2>/dev/null | awk '
  /^\[wp\] \[Qed\] Goal .* : Valid/ { q++; next }
  /^\[wp\] \[.*\] Goal .* : Valid.*\(cached\)/ { c++; next }
  /^\[wp\] \[.*\] Goal .* : Valid/ { p++ }
  END { print q + 0, p + 0, c + 0 }')
echo "prove: $(( $(date +%s) - t0 )) s on $(nproc) cores, WP cache entries at the start:" \
  "$entries; goals proved by Qed $qed, by a prover in this run $now, answered from the cache" \
  "$cached; reports reused: ${reused[*]:-none}"
