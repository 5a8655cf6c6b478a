#!/usr/bin/env bash
# The threaded harness without sanitizer, for stress and throughput: the same binary on glibc and
# with LD_PRELOAD=librefalloc_malloc.so (it prints which library provides malloc, and the run
# fails unless it is the shim), plus the .so called through dlopen. Every run verifies every
# pattern and every hand-over; the figures are operations per second over all threads.
# Usage: run-preload.sh BUILD/threads /abs/path/librefalloc_malloc.so
set -u
dir=$1
so=$2
threads=${MT_THREADS:-4}
ops=${MT_OPS:-1000000}   # in total, over all threads
pass=0; fail=0; failed=()

run() { # run NAME PRELOAD(yes|no) ARGS...
  local name=$1 pre=$2 log=$dir/preload-$1.log
  shift 2
  if [ "$pre" = yes ]; then LD_PRELOAD=$so "$dir/mt" "$@" > "$log" 2>&1; else "$dir/mt" "$@" > "$log" 2>&1; fi
  local rc=$? why=""
  if [ "$rc" -ne 0 ]; then why="exit $rc"
  elif [ "$pre" = yes ] && ! grep -q 'malloc from .*librefalloc_malloc.so' "$log"; then
    why="malloc did not come from librefalloc_malloc.so"
  fi
  local rate
  rate=$(sed -n 's/.* = \([0-9]*\) ops\/s.*/\1/p' "$log")
  if [ -z "$why" ]; then
    pass=$((pass + 1)); printf 'PASS %-24s %10s ops/s  %s\n' "$name" "$rate" "$(sed -n 's/^mt: allocator=\([^ ]*\).*threads=\([0-9]*\).*/\1, \2 threads/p' "$log")"
  else
    fail=$((fail + 1)); failed+=("$name"); printf 'FAIL %-24s %s\n' "$name" "$why"; sed 's/^/    | /' "$log" | tail -n 5
  fi
  eval "rate_$(echo "$name" | tr -c 'a-z0-9\n' '_')=${rate:-0}"
}

per=$((ops / threads))
run glibc-mixed       no  -t "$threads" -n "$per"
run shim-mixed        yes -t "$threads" -n "$per"
run glibc-small       no  -t "$threads" -n "$per" -S
run shim-small        yes -t "$threads" -n "$per" -S
run glibc-small-1t    no  -t 1 -n "$ops" -S
run shim-small-1t     yes -t 1 -n "$ops" -S
run shim-dlopen-small no  -t "$threads" -n "$per" -S -a "dlopen:$so"
# -w: every hand-over waits for its receiver, so about a tenth of all blocks are freed by another
# thread than the one that allocated them (cross-thread frees are the hard case for allocators).
run glibc-handover    no  -t "$threads" -n "$((per / 2))" -w
run shim-handover     yes -t "$threads" -n "$((per / 2))" -w
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b ? a / b : 0 }'; }
echo "throughput refalloc / glibc: mixed sizes $threads threads $(ratio "$rate_shim_mixed" "$rate_glibc_mixed")," \
     "small sizes $threads threads $(ratio "$rate_shim_small" "$rate_glibc_small")," \
     "small sizes 1 thread $(ratio "$rate_shim_small_1t" "$rate_glibc_small_1t")," \
     "cross-thread frees $threads threads $(ratio "$rate_shim_handover" "$rate_glibc_handover")"

echo "test-threads-preload: $pass passed, $fail failed (logs in $dir/preload-*.log)"
[ "$pass" -eq 0 ] || echo "[  PASSED  ] $pass test(s)."
if [ "$fail" -ne 0 ]; then
  echo "[  FAILED  ] $fail test(s), listed below:"
  for f in "${failed[@]}"; do echo "[  FAILED  ] threads_$f"; done
  exit 1
fi
