#!/usr/bin/env bash
# refalloc benchmarks: run bench/bench.c's driver against every allocator, then summarise and plot.
#
#   bench/run.sh [driver]          (make bench builds the driver and calls this)
#
# Allocators: ref (the reference heap, direct API), glibc (the process's malloc), and jemalloc,
# mimalloc, tcmalloc from the Debian packages, each in its own process through LD_PRELOAD (the
# driver calls malloc/free through the same function table for all four system allocators and
# checks which one answers). tcmalloc is libtcmalloc_minimal (no heap-profiler hooks). The
# reference heap's LD_PRELOAD shim (build/librefalloc_malloc.so) is added as "ref-shim" when built.
#
# Throughput runs go round-robin over the allocators, ROUNDS times, each process doing one warm-up
# and REPS timed passes, so background load spreads over all allocators; tables show the median.
# Settings (environment): ROUNDS (3), REPS (2), GROWTH_REPS (2), CALLGRIND (1 = run it), OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/bench/ra_bench}
OUT=${OUT:-bench/results}
ROUNDS=${ROUNDS:-3}
REPS=${REPS:-2}
GROWTH_REPS=${GROWTH_REPS:-2}
CALLGRIND=${CALLGRIND:-1}
B=${B:-build}
raw=$B/bench/raw
mkdir -p "$OUT" "$raw"
rm -f "$raw"/*

lib_path() { ldconfig -p | awk -v n="$1" '$1 == n && !done { print $NF; done = 1 }'; }
declare -A PRELOAD=(
  [jemalloc]=$(lib_path libjemalloc.so.2)
  [mimalloc]=$(lib_path libmimalloc.so.2)
  [tcmalloc]=$(lib_path libtcmalloc_minimal.so.4)
)
ALLOCS=(ref glibc)
for a in jemalloc mimalloc tcmalloc; do
  if [ -n "${PRELOAD[$a]}" ]; then ALLOCS+=("$a"); else echo "bench: $a not installed, skipped" >&2; fi
done
SHIM=$B/librefalloc_malloc.so
[ -f "$SHIM" ] && ALLOCS+=(ref-shim)

# run ALLOC MODE [args...]: the driver in MODE for one allocator, in a process of its own.
run() {
  local a=$1 mode=$2; shift 2
  case $a in
    ref) "$BIN" "$mode" --alloc ref "$@" ;;
    glibc) "$BIN" "$mode" --alloc system --expect glibc "$@" ;;
    ref-shim) LD_PRELOAD=$(realpath "$SHIM") "$BIN" "$mode" --alloc system --expect ref-shim "$@" ;;
    *) LD_PRELOAD=${PRELOAD[$a]} "$BIN" "$mode" --alloc system --expect "$a" "$@" ;;
  esac
}

# A failing allocator (a crash, a preload that did not take) is reported and skipped, not fatal.
failed() { echo "bench: $1 failed (exit $?); its rows are missing" >&2; }

t_start=$(date +%s)
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
  echo "kernel: $(uname -r); compiler: $(${CC:-cc} --version | head -1)"
  echo "glibc: $(ldd --version | head -1)"
  for a in jemalloc mimalloc tcmalloc; do
    [ -n "${PRELOAD[$a]}" ] && echo "$a: $(readlink -f "${PRELOAD[$a]}")"
  done
  echo "rounds x reps: $ROUNDS x $REPS (median reported)"
  echo "loadavg before: $(cat /proc/loadavg)"
} > "$OUT/env.txt"

echo "bench: throughput (${ALLOCS[*]}; $ROUNDS rounds x $REPS passes)"
for r in $(seq "$ROUNDS"); do
  for a in "${ALLOCS[@]}"; do run "$a" throughput --reps "$REPS" >> "$raw/throughput.csv" || failed "$a"; done
done
echo "bench: latency percentiles"
for a in "${ALLOCS[@]}"; do run "$a" latency >> "$raw/latency.csv" || failed "$a"; done
echo "bench: growth with the live set"
for a in "${ALLOCS[@]}"; do run "$a" growth --reps "$GROWTH_REPS" >> "$raw/growth.csv" || failed "$a"; done
echo "bench: fragmentation"
for a in ref glibc; do run "$a" frag >> "$raw/frag.csv" || failed "$a"; done
echo "loadavg after: $(cat /proc/loadavg)" >> "$OUT/env.txt"

if [ "$CALLGRIND" = 1 ] && command -v valgrind >/dev/null; then
  echo "bench: callgrind instruction counts"
  cg=$B/bench/callgrind
  rm -rf "$cg"; mkdir -p "$cg"
  vg() { valgrind --tool=callgrind --toggle-collect='bench_op_*' "$@"; }
  for a in ref glibc jemalloc mimalloc tcmalloc; do
    case $a in ref|glibc) ;; *) [ -n "${PRELOAD[$a]}" ] || continue ;; esac
    vgout="--callgrind-out-file=$cg/tp.$a"
    case $a in
      ref) vg "$vgout" "$BIN" callgrind --alloc ref ;;
      glibc) vg "$vgout" "$BIN" callgrind --alloc system --expect glibc ;;
      *) LD_PRELOAD=${PRELOAD[$a]} vg "$vgout" "$BIN" callgrind --alloc system --expect "$a" ;;
    esac 2> "$cg/tp.$a.log" &
  done
  wait
  # Instructions per call against the live-set size (flatness without timing noise).
  vg --callgrind-out-file="$cg/growth.ref" "$BIN" growth --alloc ref 2> "$cg/growth.ref.log" > /dev/null &
  vg --callgrind-out-file="$cg/growth.glibc" "$BIN" growth --alloc system --expect glibc \
    2> "$cg/growth.glibc.log" > /dev/null &
  wait
  # Where the reference heap's instructions and cache misses go (functions and lines of heap.c).
  for w in stress churn; do
    valgrind --tool=callgrind --cache-sim=yes --toggle-collect='bench_op_*' \
      --callgrind-out-file="$cg/prof.$w" "$BIN" callgrind --alloc ref --only "$w" 2> "$cg/prof.$w.log"
    f=$(ls "$cg/prof.$w".* | grep -v '\.log$' | sort | tail -1)
    {
      echo "# callgrind --cache-sim=yes, ref heap, workload $w (a tenth of the timed run)"
      echo "# functions, exclusive counts; then heap.c lines by instructions"
      callgrind_annotate --auto=no --threshold=100 --inclusive=no "$f" | sed -n '/^Ir/,$p' | grep -v -e '^ *\.' -e 'below main' -e 'libc-start' -e '???:0x' | sed -n '1,40p'
      echo
      echo "# hottest lines of ref/heap.c (Ir first column)"
      callgrind_annotate --auto=yes --show-percs=no --threshold=100 "$f" 2>/dev/null |
        awk '/-- Auto-annotated source: .*ref\/heap.c/ {on=1; next} /-- Auto-annotated source:/ {on=0} on' |
        grep -E '^ *[0-9][0-9,]* ' | sort -t' ' -k1,1 | awk '{ g=$1; gsub(",", "", g); print g "\t" $0 }' |
        sort -rn | cut -f2- | sed -n '1,30p'
    } > "$OUT/profile_ref_$w.txt"
  done
  # Totals of every dump: "<file> <trigger> <Ir>".
  for f in "$cg"/tp.* "$cg"/growth.*; do
    case $f in *.log) continue ;; esac
    trig=$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")
    [ -n "$trig" ] || continue
    echo "$(basename "$f" | cut -d. -f2),$trig,$(sed -n 's/^totals: *//p' "$f" | awk '{print $1}')"
  done > "$raw/callgrind.csv"
fi

python3 bench/summarize.py "$raw" "$OUT"
if command -v gnuplot >/dev/null; then
  gnuplot -e "dir='$OUT'" bench/plots.gp && echo "bench: plots in $OUT/*.png"
fi
echo "bench: done in $(( $(date +%s) - t_start ))s; results in $OUT"
