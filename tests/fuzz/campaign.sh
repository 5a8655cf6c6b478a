#!/usr/bin/env bash
# One fuzz campaign, closed by ONE summary line:
#   fuzz <target> [<engine>] <s>s: <n> execs, <r> execs/s, cov <edges> edges, <ft> features,
#   corpus <k> inputs, findings <f>
# usage: campaign.sh libfuzzer|msan|afl TARGET SECONDS MERGE BUILD_DIR
# libFuzzer/MSan: corpus/<t>/ (read-only) plus a work corpus in BUILD_DIR; MERGE=1 merges new
# inputs back into corpus/<t>/ with -merge=1. AFL++: persistent mode, CmpLog, dictionary.
# A finding leaves the input in BUILD_DIR/artifacts/<t>/ and prints the reproducer command.
set -u
engine=$1 t=$2 secs=$3 merge=$4 B=$5
corpus=corpus/$t
dict=fuzz/$t.dict
art=$B/artifacts/$t
mkdir -p "$art" "$B/logs"
[ -d "$corpus" ] || { echo "campaign: $corpus missing (make corpus-seeds)"; exit 1; }
count_inputs() { find "$@" -type f 2>/dev/null | wc -l; }

# key = value lines of fuzz/<t>.options ([libfuzzer] section) as -key=value flags
lf_opts=()
if [ -f "fuzz/$t.options" ]; then
  while IFS='=' read -r k v; do
    k=$(echo "$k" | tr -d ' '); v=$(echo "$v" | tr -d ' ')
    case "$k" in ''|\#*|\[*) continue;; dict) v=fuzz/$v;; esac
    lf_opts+=("-$k=$v")
  done < "fuzz/$t.options"
fi

case $engine in
libfuzzer|msan)
  bin=$B/$engine/$t
  [ "$engine" = msan ] && label="libFuzzer+MSan" || label="libFuzzer+ASan+UBSan"
  work=$B/work-$engine/$t
  mkdir -p "$work"
  log=$B/logs/campaign-$engine-$t.log
  before=$(count_inputs "$art")
  "$bin" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$art/" \
    "${lf_opts[@]}" "$work" "$corpus" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
  cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  corp=$(echo "$last" | sed -n 's/.*corp: \([0-9]*\).*/\1/p')
  findings=$(( $(count_inputs "$art") - before ))
  if [ "$rc" -ne 0 ] && [ "$findings" -eq 0 ]; then findings=1; fi
  if [ "$merge" = 1 ]; then
    n0=$(count_inputs "$corpus")
    "$bin" -merge=1 "${lf_opts[@]}" "$corpus" "$work" >"$B/logs/merge-$t.log" 2>&1
    echo "merge: corpus/$t $n0 -> $(count_inputs "$corpus") inputs"
  fi
  ;;
afl)
  bin=$B/afl/$t cmp=$B/cmplog/$t
  label="AFL++ persistent+CmpLog"
  out=$B/afl-out/$t
  rm -rf "$out"; mkdir -p "$(dirname "$out")"
  log=$B/logs/campaign-afl-$t.log
  dflag=(); [ -f "$dict" ] && dflag=(-x "$dict")
  # afl-fuzz reads corpus/<t> recursively; inputs over 1 MB are skipped
  AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 \
    AFL_SKIP_CRASHES=1 timeout $((secs + 120)) afl-fuzz -i "$corpus" -o "$out" -V "$secs" \
    "${dflag[@]}" -c "$cmp" -- "$bin" >"$log" 2>&1
  rc=$?
  st=$out/default/fuzzer_stats
  get() { sed -n "s/^$1 *: *//p" "$st" 2>/dev/null | tail -1; }
  execs=$(get execs_done); eps=$(get execs_per_sec); cov=$(get edges_found)
  ft="$(get bitmap_cvg) map"; corp=$(get corpus_count)
  findings=$(count_inputs "$out/default/crashes" "$out/default/hangs")
  findings=$(( findings - $(ls "$out"/default/crashes/README.txt 2>/dev/null | wc -l) ))
  for f in "$out"/default/crashes/id:*; do [ -f "$f" ] && cp "$f" "$art/afl-$(basename "$f" | tr ':,' '__')"; done
  [ -f "$st" ] || { echo "afl-fuzz did not start; see $log"; tail -20 "$log"; rc=1; }
  [ "$rc" -eq 0 ] || [ -f "$st" ] && rc=0
  ;;
*) echo "campaign: unknown engine $engine"; exit 2;;
esac

echo "fuzz $t [$label] ${secs}s: ${execs:-0} execs, ${eps:-0} execs/s, cov ${cov:-?} edges, ${ft:-?} features, corpus ${corp:-?} inputs, findings $findings"
if [ "$findings" -gt 0 ]; then
  echo "findings in $art/ (log: $log); replay one with: fuzz/repro <file>   (heap_diff) or $B/replay/$t <file>"
  grep -m3 -E 'RULE|ERROR|SUMMARY' "$log"
  exit 1
fi
exit "$rc"
