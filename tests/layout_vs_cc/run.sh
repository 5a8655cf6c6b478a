#!/usr/bin/env bash
# Layout against the compiler: random structs (gen.py), one probe program per batch compiled
# with gcc and with clang, every sizeof / _Alignof / offsetof compared with ra_layout (model.c).
# usage: run.sh BUILD_DIR SEED COUNT BATCH CLANG
# Prints one summary line; on a mismatch prints the struct's definition and both lines, exit 1.
set -u
B=$1 seed=$2 count=$3 batch=$4 clang=$5
dir=$B/layout_vs_cc
mkdir -p "$dir"
here=$(dirname "$0")
model=$dir/model
start=$(date +%s.%N)
fail=0 compared=0 b=0
while [ $compared -lt "$count" ]; do
  n=$(( count - compared < batch ? count - compared : batch ))
  bd=$dir/batch$b
  mkdir -p "$bd"
  python3 "$here/gen.py" $(( seed * 1000 + b )) "$n" "$bd" || exit 2
  "$model" "$bd/desc.txt" > "$bd/model.out" || { echo "layout_vs_cc: model failed (batch $b)"; exit 1; }
  for cc in gcc "$clang"; do
    $cc -std=gnu11 -O0 -w "$bd/probe.c" -o "$bd/probe-$cc" || { echo "layout_vs_cc: $cc cannot compile batch $b"; exit 1; }
    "$bd/probe-$cc" > "$bd/$cc.out"
    if ! cmp -s "$bd/$cc.out" "$bd/model.out"; then
      fail=1
      # the first differing struct, with its definition
      line=$(diff "$bd/$cc.out" "$bd/model.out" | sed -n 's/^< //p' | head -1)
      name=${line%% *}
      i=${name#S}
      echo "layout_vs_cc: MISMATCH with $cc (seed $seed, batch $b): struct $name"
      echo "  $cc:       $line"
      echo "  ra_layout: $(grep "^$name " "$bd/model.out")"
      echo "  definition (fields f0.. in order; nested structs S<k> are in $bd/probe.c):"
      awk -v RS='\n\0\n' -v k=$((i + 1)) 'NR == k' "$bd/defs.txt" | sed 's/^/    /'
    fi
  done
  compared=$(( compared + n )); b=$(( b + 1 ))
done
stats=$(awk -v a="$start" -v b="$(date +%s.%N)" -v n="$compared" 'BEGIN { printf "%.1fs (%d structs/s)", b - a, n / (b - a) }')
echo "layout_vs_cc: seed $seed: $compared structs compared with gcc and $clang in $stats, $([ $fail = 0 ] && echo 'all match' || echo 'MISMATCHES')"
exit $fail
