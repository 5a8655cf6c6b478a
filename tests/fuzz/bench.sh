#!/usr/bin/env bash
# Throughput of heap_diff under ASan+UBSan on one core (a benchmark, not a test): allocator
# operations per second (1) while libFuzzer fuzzes from the corpus, (2) replaying the corpus.
set -u
B=$1 secs=$2
mkdir -p "$B/bench-work" "$B/logs"
FZ_STATS=1 taskset -c 0 "$B/libfuzzer/heap_diff" -max_total_time="$secs" -print_final_stats=1 -dict=fuzz/heap_diff.dict \
  -max_len=2048 "$B/bench-work" corpus/heap_diff > "$B/logs/bench.log" 2>&1
eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$B/logs/bench.log" | tail -1)
line=$(grep '^fz-stats:' "$B/logs/bench.log" | tail -1)
echo "fuzz-bench heap_diff (libFuzzer+ASan+UBSan, 1 core, ${secs}s): ${eps:-?} execs/s; ${line#fz-stats: heap_diff: }"
out=$(taskset -c 0 "$B/replay/heap_diff" corpus/heap_diff "$B/bench-work")
echo "fuzz-bench heap_diff (replay, ASan+UBSan, 1 core): ${out#heap_diff: }"
