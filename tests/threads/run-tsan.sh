#!/usr/bin/env bash
# The threaded harness under ThreadSanitizer (clang-14 -fsanitize=thread):
#   clean    the reference heap built into the binary (every heap access and its mutex visible
#            to TSan), the TSan runtime's own allocator ("system"), and the real
#            librefalloc_malloc.so dlopen'ed (its mutex and memcpy calls resolve to TSan's
#            interceptors; its plain accesses are not instrumented);
#   flagged  the same hand-over published with memory_order_relaxed (the missing barrier) on each
#            allocator, and the reference heap built without its lock (shows that TSan does see
#            the heap's own accesses, so the clean run above means something).
# A clean case must exit 0 with no TSan report; a flagged case must report "data race".
# Usage: run-tsan.sh BUILD/threads /abs/path/librefalloc_malloc.so
set -u
dir=$1
so=$2
threads=${MT_THREADS:-4}
ops=${MT_TSAN_OPS:-20000}
pass=0; fail=0; failed=()

run() { # run NAME EXPECT(clean|race) BINARY ARGS...
  local name=$1 expect=$2 bin=$3 log=$dir/tsan-$1.log
  shift 3
  local t0=$(date +%s%N)
  TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_EXTRA:-}" "$bin" "$@" > "$log" 2>&1
  local rc=$? ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  local reports where why=""
  reports=$(grep -c '^WARNING: ThreadSanitizer' "$log")
  if [ "$expect" = clean ]; then
    if [ "$rc" -ne 0 ] || [ "$reports" -ne 0 ]; then why="expected clean, got exit $rc and $reports TSan report(s)"; fi
    where=$(grep '^mt:' "$log" | sed 's/^mt: //')
  else
    if [ "$rc" -ne 66 ] || ! grep -q '^WARNING: ThreadSanitizer: data race' "$log"; then
      why="expected TSan to report a data race, got exit $rc and no report"
    elif [ -n "${RACE_IN:-}" ] && ! sed -n '/^WARNING/,/^SUMMARY/p' "$log" | grep -Eq "$RACE_IN"; then
      why="the race report does not point into $RACE_IN"
    fi
    where=$(sed -n 's/^SUMMARY: ThreadSanitizer: //p' "$log" | head -n 1)
  fi
  if [ -z "$why" ]; then
    pass=$((pass + 1)); printf 'PASS %-22s %-5s %6d ms  %s\n' "$name" "$expect" "$ms" "$where"
  else
    fail=$((fail + 1)); failed+=("$name"); printf 'FAIL %-22s %s (log: %s)\n' "$name" "$why" "$log"
    sed -n '/^WARNING/,/^SUMMARY/p' "$log" | head -n 30 | sed 's/^/    | /'
  fi
}

common=(-t "$threads" -n "$ops" -w)
run ref-acqrel           clean "$dir/mt-tsan" -a ref "${common[@]}"
run system-acqrel        clean "$dir/mt-tsan" -a system "${common[@]}"
run dlopen-so-acqrel     clean "$dir/mt-tsan" -a "dlopen:$so" "${common[@]}"
RACE_IN=mt.c run ref-relaxed       race "$dir/mt-tsan" -a ref -p relaxed "${common[@]}"
RACE_IN=mt.c run ref-relaxed-2threads race "$dir/mt-tsan" -a ref -p relaxed -t 2 -n "$ops" -w
RACE_IN=mt.c run system-relaxed    race "$dir/mt-tsan" -a system -p relaxed "${common[@]}"
RACE_IN=mt.c run dlopen-so-relaxed race "$dir/mt-tsan" -a "dlopen:$so" -p relaxed "${common[@]}"
RACE_IN='ref/(heap|malloc_shim)\.c' run ref-without-lock race "$dir/mt-tsan-nolock" -a ref "${common[@]}"

echo "test-threads: $pass passed, $fail failed (logs in $dir/tsan-*.log)"
[ "$pass" -eq 0 ] || echo "[  PASSED  ] $pass test(s)."
if [ "$fail" -ne 0 ]; then
  echo "[  FAILED  ] $fail test(s), listed below:"
  for f in "${failed[@]}"; do echo "[  FAILED  ] tsan_$f"; done
  exit 1
fi
