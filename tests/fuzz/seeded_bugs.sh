#!/usr/bin/env bash
# heap_diff must catch deliberately broken heaps. Each bug is a sed edit of a copy of ref/heap.c
# under BUILD/seeded/<bug>/; the harness is rebuilt against it and must report a violated rule,
# first from the committed seed corpus (replay), else within a short libFuzzer run. The finding is
# then turned into a standalone C program (fuzz/repro --emit-c) that must reproduce it against the
# broken heap and pass against the real one.
set -u
B=${1:-build/fuzz}
CC=${CLANG:-clang-14}
FUZZ_BUDGET=${FZ_SEEDED_FUZZ_SECONDS:-20}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
FLAGS="-std=c11 -Wall -Wextra -Wconversion -Werror -O1 -g"
bugs=(
  "realloc-copies-one-byte-too-few|s/memcpy(q, ptr, keep < size ? keep : size);/memcpy(q, ptr, (keep < size ? keep : size) > 1 ? (keep < size ? keep : size) - 1 : 0);/"
  "free-forgets-right-merge|/^static \(inline \)\?void release(/,/^}/ s/if (is_free(h, v)) {/if (0 \&\& is_free(h, v)) {/"
  "class-round-rounds-down|/^size_t ra_heap_class_round/,/^}/ s|return up / step \* step;|return units / step * step;|"
  "calloc-zeroes-half|/^void \*ra_heap_calloc/,/^}/ s|memset(p, 0, ra_heap_usable_size(h, p));|memset(p, 0, ra_heap_usable_size(h, p) / 2);|"
)
fail=0
for entry in "${bugs[@]}"; do
  name=${entry%%|*} edit=${entry#*|}
  d=$B/seeded/$name
  rm -rf "$d"; mkdir -p "$d"
  sed "$edit" ref/heap.c > "$d/heap.c"
  if cmp -s ref/heap.c "$d/heap.c"; then
    echo "seeded bug $name: the edit no longer applies to ref/heap.c (update tests/fuzz/seeded_bugs.sh)"
    fail=1; continue
  fi
  srcs="fuzz/heap_diff.c fuzz/ops.c fuzz/allocs.c fuzz/driver.c $d/heap.c"
  # -Wno-error: the edits may leave a now-unused helper behind
  $CC $FLAGS -Wno-error $SAN -DFZ_REPLAY -Iref -Ifuzz $srcs -o "$d/replay" 2>/dev/null || { echo "seeded bug $name: build failed"; fail=1; continue; }
  t0=$(date +%s)
  FZ_VERBOSE=1 "$d/replay" corpus/heap_diff 2>&1 | cat > "$d/replay.log"
  rc=${PIPESTATUS[0]}
  how="" input=""
  if [ $rc -ne 0 ]; then
    how="seed corpus (replay)"
    input=$(sed -n 's/^heap_diff: \(.*\) ([0-9]* bytes)$/\1/p' "$d/replay.log" | tail -1)
    log=$d/replay.log
  else
    $CC $FLAGS -Wno-error $SAN -fsanitize=fuzzer -Iref -Ifuzz $srcs -o "$d/fuzzer" 2>/dev/null
    mkdir -p "$d/work" "$d/art"
    ("$d/fuzzer" -max_total_time="$FUZZ_BUDGET" -dict=fuzz/heap_diff.dict -max_len=2048 \
      -artifact_prefix="$d/art/" "$d/work" corpus/heap_diff > "$d/fuzz.log" 2>&1) 2>/dev/null
    input=$(ls "$d"/art/* 2>/dev/null | head -1)
    log=$d/fuzz.log
    [ -n "$input" ] && how="fuzzing ($(( $(date +%s) - t0 )) s)"
  fi
  if [ -z "$how" ]; then
    echo "seeded bug $name: NOT caught (seed corpus and ${FUZZ_BUDGET}s of fuzzing)"
    fail=1; continue
  fi
  what=$(grep -m1 -E '^RULE|ERROR: AddressSanitizer|runtime error' "$log" | cut -c1-150)
  # the standalone reproducer: must fail against the broken heap, pass against the real one
  $CC $FLAGS -Wno-error $SAN -Iref -Ifuzz fuzz/repro.c fuzz/ops.c fuzz/allocs.c "$d/heap.c" -o "$d/repro" 2>/dev/null
  "$d/repro" --emit-c "$input" > "$d/repro_prog.c" 2>/dev/null
  $CC -std=c11 -O1 -g -fsanitize=address -Iref "$d/repro_prog.c" "$d/heap.c" -o "$d/prog_bad" 2>/dev/null &&
  $CC -std=c11 -O1 -g -fsanitize=address -Iref "$d/repro_prog.c" ref/heap.c -o "$d/prog_good" 2>/dev/null
  "$d/prog_bad" 2>&1 | cat > "$d/prog_bad.log"; rb=${PIPESTATUS[0]}
  "$d/prog_good" > "$d/prog_good.log" 2>&1; rg=$?
  if [ $rb -ne 0 ] && [ $rg -eq 0 ]; then emitted="emitted C reproducer fails on the bug, passes on ref/heap.c"
  else emitted="emitted C reproducer: bug exit $rb, real heap exit $rg (expected nonzero / 0)"; fail=1; fi
  echo "seeded bug $name: caught by $how: $what"
  echo "    input $input; $emitted"
done
exit $fail
