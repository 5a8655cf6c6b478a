#!/usr/bin/env bash
# The reproducer: fuzz/repro prints a trace and the verdict for a seed; --emit-c gives a program
# that compiles warning-free against ref/heap.h alone and runs clean on the real heap. (That an
# emitted program reproduces a real finding is shown by seeded_bugs.sh.)
set -u
B=${1:-build/fuzz}
CC=${CLANG:-clang-14}
mkdir -p "$B/tests"
fail=0
for seed in corpus/heap_diff/seed-every-op-h5.bin corpus/heap_diff/seed-oom-h0.bin corpus/heap_diff/seed-realloc-h1.bin; do
  out=$(fuzz/repro "$seed"); rc=$?
  if [ $rc -ne 0 ] || ! echo "$out" | grep -q '^  #0 ' || ! echo "$out" | grep -q 'every rule held'; then
    echo "repro $seed: unexpected output (exit $rc)"; echo "$out" | tail -3; fail=1; continue
  fi
  prog=$B/tests/$(basename "$seed" .bin)-repro
  fuzz/repro --emit-c "$seed" > "$prog.c" || { echo "emit-c $seed failed"; fail=1; continue; }
  if ! $CC -std=c11 -Wall -Wextra -Werror -O1 -g -fsanitize=address,undefined -Iref "$prog.c" ref/heap.c -o "$prog"; then
    echo "emitted program for $seed does not compile"; fail=1; continue
  fi
  if "$prog" > "$prog.log" 2>&1; then
    echo "repro $seed: trace of $(echo "$out" | grep -c '^  #') ops, verdict ok; emitted C ($(wc -l < "$prog.c") lines) compiles and runs clean"
  else
    echo "emitted program for $seed failed:"; tail -3 "$prog.log"; fail=1
  fi
done
exit $fail
