#!/usr/bin/env bash
# ASan must report overflows and use-after-free inside the reference heap's arena (manual
# poisoning by ref/heap.c): each case of asan_trip.c must die with an ASan report naming the
# bad access. ASan reports accesses to manually poisoned memory as "use-after-poison".
set -u
B=${1:-build/fuzz}
mkdir -p "$B/tests"
bin=$B/tests/asan_trip
${CLANG:-clang-14} -std=c11 -Wall -Wextra -Wconversion -Werror -O0 -g -fsanitize=address \
  -Iref tests/fuzz/asan_trip.c ref/heap.c -o "$bin" || exit 1
fail=0
for c in overflow uaf free-gap; do
  out=$("$bin" "$c" 2>&1); rc=$?
  kind=$(echo "$out" | sed -n 's/.*ERROR: AddressSanitizer: \([a-z-]*\).*/\1/p' | head -1)
  acc=$(echo "$out" | grep -m1 -oE '^(READ|WRITE) of size [0-9]+')
  if [ "$rc" -ne 0 ] && { [ "$kind" = use-after-poison ] || [ "$kind" = heap-buffer-overflow ] ||
                          [ "$kind" = heap-use-after-free ]; }; then
    echo "asan-trip $c: reported ($kind, $acc)"
  else
    echo "asan-trip $c: NOT reported (exit $rc): the heap does not poison this memory"
    echo "$out" | tail -3
    fail=1
  fi
done
exit $fail
