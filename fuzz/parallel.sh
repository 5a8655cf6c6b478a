#!/usr/bin/env bash
# Parallel campaign on one machine, and the building block for several machines.
#   fuzz/parallel.sh afl|libfuzzer TARGET JOBS SECONDS BUILD_DIR [MERGE]
# afl: one main AFL++ instance (-M, with CmpLog) and JOBS-1 secondaries (-S) that alternate power
#      schedules and CmpLog, all on one sync folder; a status line every 10 s; afl-whatsup and
#      afl-plot at the end. libfuzzer: -fork=JOBS on a work corpus.
# Then the queues of every instance are merged with the existing corpus/<T>/ by libFuzzer's
# -merge=1 (only inputs that add coverage survive) into BUILD_DIR/fuzz/parallel/<T>/merged;
# MERGE=1 also copies the new inputs into corpus/<T>/. Crashes go to .../findings (exit 1).
set -uo pipefail
engine=$1 t=$2 jobs=$3 secs=$4 b=$5 merge=${6:-0}
root=$(cd "$(dirname "$0")/.." && pwd)
fz=$b/fuzz
dir=$fz/parallel/$t
[ "$jobs" -ge 1 ] 2>/dev/null || { echo "fuzz-parallel: JOBS must be a positive number"; exit 2; }
[ -d "$root/corpus/$t" ] || { echo "fuzz-parallel: no corpus/$t (unknown target?)"; exit 2; }
rm -rf "$dir"; mkdir -p "$dir/in" "$dir/findings" "$dir/merged"
# A flat copy of the committed corpus as the starting inputs.
find "$root/corpus/$t" -type f ! -name '.*' | while read -r f; do
  cp "$f" "$dir/in/$(sha1sum "$f" | cut -c1-16)"; done
dict=(); [ -f "$root/fuzz/$t.dict" ] && dict=(-x "$root/fuzz/$t.dict")
start=$(date +%s)

if [ "$engine" = afl ]; then
  export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 \
         AFL_QUIET=1 AFL_IGNORE_SEED_PROBLEMS=1
  schedules=(fast explore coe rare exploit seek)
  pids=()
  for i in $(seq 0 $((jobs - 1))); do
    if [ "$i" -eq 0 ]; then role=(-M main); cmp=(-c "$fz/cmplog/$t"); name=main
    else
      name=s$i; role=(-S "$name") ; cmp=()
      [ $((i % 2)) -eq 0 ] && cmp=(-c "$fz/cmplog/$t")
      role+=(-p "${schedules[$((i % ${#schedules[@]}))]}")
    fi
    afl-fuzz "${role[@]}" "${cmp[@]}" "${dict[@]}" -i "$dir/in" -o "$dir/sync" -V "$secs" \
      -- "$fz/afl/$t" >"$dir/$name.log" 2>&1 &
    pids+=($!)
  done
  # Status line while the instances run, summed from every instance's fuzzer_stats (AFL++
  # rewrites them every few seconds).
  stat_sum() { # field -> sum over instances
    cat "$dir"/sync/*/fuzzer_stats 2>/dev/null | awk -v k="$1" '$1 == k { s += $3 } END { printf "%d", s }'
  }
  last=0
  while kill -0 "${pids[0]}" 2>/dev/null; do
    sleep 10
    now=$(stat_sum execs_done)
    printf 'fuzz-parallel %s: %3ds  instances %d  execs %s  execs/s %s  queue %s  edges %s  crashes %s\n' \
      "$t" $(( $(date +%s) - start )) "$(ls -d "$dir"/sync/*/ 2>/dev/null | wc -l)" \
      "$now" $(( (now - last) / 10 )) "$(stat_sum corpus_count)" \
      "$(cat "$dir"/sync/*/fuzzer_stats 2>/dev/null | awk '$1 == "edges_found" && $3 > m { m = $3 } END { print m + 0 }')" \
      "$(stat_sum saved_crashes)"
    last=$now
  done
  rc=0; for p in "${pids[@]}"; do wait "$p" || rc=1; done
  if [ "$rc" -ne 0 ]; then echo "fuzz-parallel: an afl-fuzz instance failed:"; tail -20 "$dir"/*.log; fi
  echo "---- afl-whatsup"
  afl-whatsup "$dir/sync" 2>/dev/null | sed -n '/Summary stats/,$p'
  if command -v gnuplot >/dev/null && afl-plot "$dir/sync/main" "$dir/plot" >/dev/null 2>&1; then
    echo "afl-plot: $dir/plot/index.html ($(ls "$dir/plot"/*.png 2>/dev/null | wc -l) PNG plots)"
  fi
  queues=("$dir"/sync/*/queue)
  for c in "$dir"/sync/*/crashes/id*; do [ -f "$c" ] && cp "$c" "$dir/findings/$(basename "$(dirname "$(dirname "$c")")")-$(basename "$c" | cut -c1-9)"; done
  execs=0; edges=0
  for st in "$dir"/sync/*/fuzzer_stats; do
    e=$(sed -n 's/^execs_done *: *//p' "$st"); execs=$((execs + ${e:-0}))
    g=$(sed -n 's/^edges_found *: *//p' "$st"); [ "${g:-0}" -gt "$edges" ] && edges=$g
  done
  cov="$edges edges"
else
  mkdir -p "$dir/work"
  "$fz/libfuzzer/$t" -fork="$jobs" -max_total_time="$secs" -ignore_crashes=1 \
    -artifact_prefix="$dir/findings/" ${dict:+-dict="$root/fuzz/$t.dict"} \
    "$dir/work" "$dir/in" 2>&1 | tee "$dir/libfuzzer.log" | grep -E '^#|INFO: fuzzed|crash' || true
  queues=("$dir/work")
  execs=$(grep -Eo '^#[0-9]+' "$dir/libfuzzer.log" | tail -1 | tr -d '#'); execs=${execs:-0}
  cov="$(grep -Eo 'cov: [0-9]+' "$dir/libfuzzer.log" | tail -1 | cut -d' ' -f2) edges"
fi

# Merge: keep the inputs of the committed corpus and the new ones that add coverage.
"$fz/libfuzzer/$t" -merge=1 "$dir/merged" "$dir/in" "${queues[@]}" >"$dir/merge.log" 2>&1 \
  || { echo "fuzz-parallel: merge failed (see $dir/merge.log)"; tail -5 "$dir/merge.log"; }
merged=$(find "$dir/merged" -type f | wc -l)
new=0
for f in "$dir"/merged/*; do
  [ -f "$f" ] || continue
  [ -e "$dir/in/$(sha1sum "$f" | cut -c1-16)" ] && continue
  new=$((new + 1))
  [ "$merge" = 1 ] && cp "$f" "$root/corpus/$t/$(sha1sum "$f" | cut -c1-16)"
done
findings=$(find "$dir/findings" -type f | wc -l)
elapsed=$(( $(date +%s) - start ))
echo "merged corpus: $dir/merged ($merged inputs, $new new$([ "$merge" = 1 ] && echo ", copied into corpus/$t"))"
printf 'fuzz-parallel %s [%s x%d]: %s execs, %s execs/s, coverage %s, corpus %d, findings %d\n' \
  "$t" "$engine" "$jobs" "$execs" "$(( execs / (elapsed > 0 ? elapsed : 1) ))" "$cov" "$merged" "$findings"
[ "$findings" -eq 0 ] || { echo "findings in $dir/findings: replay with build/fuzz/replay/$t FILE"; exit 1; }
