#!/usr/bin/env bash
# The memory-error catalogue: build each program of tests/errors/ the way a user would to catch
# its error, run it, and check that the tool's report names the error (and, where the report
# gives an address, that it is the right one). One line per case; closes with cmocka-style
# "[  PASSED  ] n test(s)." / "[  FAILED  ] n test(s)" lines so ci/run-checks.sh counts cases.
# usage: run.sh BUILD_DIR CLANG CC
set -u
B=$1 CLANG=$2 CC=$3
out=$B/errors
mkdir -p "$out"
here=tests/errors
inc="-Iref"
pass=0 fail=0

# build NAME COMPILER "FLAGS" SOURCES...
build() {
  local name=$1 cc=$2 flags=$3; shift 3
  $cc -std=c11 -O0 -g -fno-omit-frame-pointer $flags $inc "$here/$name.c" "$@" -o "$out/$name" \
    2>"$out/$name.build.log" || { echo "errors: cannot build $name"; cat "$out/$name.build.log"; return 1; }
}

# check NAME EXPECT_NONZERO PATTERN... : run, every (fixed-string) pattern must be in the report
check() {
  local name=$1 nonzero=$2; shift 2
  local log=$out/$name.log
  ( ASAN_OPTIONS=detect_leaks=1 TSAN_OPTIONS=halt_on_error=1 exec "$out/$name" >"$log" 2>&1 ) 2>/dev/null
  local rc=$? ok=1 missing=""
  if [ "$nonzero" = 1 ] && [ $rc -eq 0 ]; then ok=0; missing="(exit status 0)"; fi
  for pat in "$@"; do grep -qF -- "$pat" "$log" || { ok=0; missing="$missing '$pat'"; }; done
  if [ $ok = 1 ]; then
    pass=$((pass + 1)); printf 'errors: %-18s caught: %s\n' "$name" "$(grep -m1 -E 'ERROR|WARNING|refalloc|leak' "$log" | cut -c1-110)"
  else
    fail=$((fail + 1)); echo "errors: $name NOT caught as expected, missing $missing (exit $rc); report:"; sed 's/^/    /' "$log" | head -30
  fi
}

asan="-fsanitize=address"
# 1. use after free (reference heap: poisoned free blocks; system malloc)
build uaf_heap "$CLANG" "$asan" ref/heap.c && {
  check uaf_heap 1 "AddressSanitizer: use-after-poison" "READ of size 1"
  addr=$(sed -n 's/^block at \(0x[0-9a-f]*\).*/\1/p' "$out/uaf_heap.log")
  [ -n "$addr" ] && grep -q "on address $addr " "$out/uaf_heap.log" || { echo "errors: uaf_heap: report does not point at the freed block $addr"; fail=$((fail + 1)); }
}
build uaf_system "$CLANG" "$asan" && check uaf_system 1 "AddressSanitizer: heap-use-after-free" "freed by thread"
# 2. double free (the heap's checked mode; the tracker)
build double_free_heap "$CC" "" ref/heap.c && check double_free_heap 1 "refalloc: free(" "block is already free (double free)"
build double_free_track "$CC" "" ref/track.c ref/heap.c && \
  check double_free_track 1 "double free: free(" "allocated at tests/errors/double_free_track.c:" "already freed at tests/errors/double_free_track.c:"
# 3. leak (the tracker's report; LeakSanitizer on system malloc)
build leak_track "$CC" "" ref/track.c ref/heap.c && \
  check leak_track 1 "1 leaked block, 10 bytes" "leak: 10 bytes at" "allocated at tests/errors/leak_track.c:"
build leak_system "$CLANG" "$asan" && check leak_system 1 "LeakSanitizer: detected memory leaks" "Direct leak of 77 byte(s)"
# 4. data race on a shared heap block (TSan)
build race "$CLANG" "-fsanitize=thread -pthread" ref/heap.c && check race 1 "ThreadSanitizer: data race" "worker"
# 5. one-byte heap overflow inside the arena (ASan; and on malloc for comparison)
build overflow_heap "$CLANG" "$asan" ref/heap.c && {
  check overflow_heap 1 "AddressSanitizer: use-after-poison" "WRITE of size 1"
  addr=$(sed -n 's/.*one past the end at \(0x[0-9a-f]*\).*/\1/p' "$out/overflow_heap.log")
  [ -n "$addr" ] && grep -q "on address $addr " "$out/overflow_heap.log" || { echo "errors: overflow_heap: report is not at block + 24 ($addr)"; fail=$((fail + 1)); }
}
build overflow_system "$CLANG" "$asan" && check overflow_system 1 "AddressSanitizer: heap-buffer-overflow" "0 bytes to the right of 24-byte region"
# 6. uninitialised read of fresh memory (MSan; reference heap and system malloc)
msan="-fsanitize=memory -fsanitize-memory-track-origins"
build uninit_heap "$CLANG" "$msan" ref/heap.c && check uninit_heap 1 "MemorySanitizer: use-of-uninitialized-value" "uninit_heap.c"
build uninit_system "$CLANG" "$msan" && check uninit_system 1 "MemorySanitizer: use-of-uninitialized-value" "uninit_system.c"

echo "[  PASSED  ] $pass test(s)."
[ $fail -eq 0 ] || echo "[  FAILED  ] $fail test(s)"
[ $fail -eq 0 ]
