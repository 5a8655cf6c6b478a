#!/usr/bin/env bash
# Real programs on the reference heap: every case runs twice, once on glibc's malloc and once with
# LD_PRELOAD=librefalloc_malloc.so, in fresh directories, and must give the same results (files
# listed by the case, compared by sha256) and the same exit status. Only the programs under test
# get the preload (through $PRE); helpers such as sha256sum run on glibc.
#
# REFALLOC_STATS makes every process of the shim run append a line of heap counters; a case passes
# only if the program it names shows up there, so a silently ignored LD_PRELOAD cannot pass.
#
# Usage: run.sh /abs/path/librefalloc_malloc.so OUTDIR
# Prints one line per case (PASS / FAIL / SKIP, times and peak RSS) and cmocka-style counts for
# ci/run-checks.sh. A case is skipped only when its program is not installed.
set -u
so=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ -f "$so" ] || { echo "test-preload: $so not built" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

# Inputs are snapshotted once, so both runs of a case see the same bytes even if the tree changes.
snap=$out/inputs
rm -rf "$snap" && mkdir -p "$snap"
cp "$here"/inputs/* "$root/ref/heap.c" "$root/ref/heap.h" "$snap/"
if [ ! -s "$out/lines-50M.txt" ] || [ "$out/lines-50M.txt" -ot "$here/gen_lines.c" ]; then
  gcc -O2 -o "$out/gen_lines" "$here/gen_lines.c" &&
    "$out/gen_lines" 50000000 > "$out/lines-50M.txt" || { echo "test-preload: gen_lines failed"; exit 2; }
fi
seq 1 100000 | awk '{ printf "INSERT INTO t(grp, name, val) VALUES (%d, '"'"'n%08d-%x'"'"', %d.25);\n", $1 % 97, ($1 * 7919) % 100003, $1 * $1, $1 % 1000 }' > "$snap/inserts.sql"

export LC_ALL=C TZ=UTC
pass=0; fail=0; skip=0; failed=()

# Each case is a function run in its own directory; it writes the files to compare into
# ./results/ and returns the program's exit status.
case_python() {
  env $PRE PYTHONMALLOC=malloc PYTHONHASHSEED=0 "$PY" "$snap/alloc_heavy.py" > results/stdout
}
case_sort() {
  env $PRE sort --parallel=2 -t ' ' -k2,2n -k1,1 "$out/lines-50M.txt" -o sorted.txt || return
  sha256sum < sorted.txt > results/sorted.sha256
  wc -l < sorted.txt > results/lines
  rm -f sorted.txt
}
case_gcc() {
  env $PRE gcc -o hello "$snap/hello.c" || return
  ./hello > results/hello.out
  env $PRE gcc -O2 -Wall -Wextra -c "$snap/prog.c" -o prog.o || return
  env $PRE gcc -O2 -o prog prog.o || return
  ./prog > results/prog.out
  env $PRE gcc -std=c11 -O2 -Wall -Wextra -Wconversion -I"$snap" -c "$snap/heap.c" -o heap.o || return
  sha256sum prog.o heap.o > results/objects.sha256
}
case_sqlite3() {
  (cd "$snap" && env $PRE sqlite3 "$OLDPWD/db.sqlite" < sqlite.sql) > results/stdout
}
case_git() {
  export HOME=$PWD/home GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=refalloc GIT_AUTHOR_EMAIL=r@example.org \
    GIT_COMMITTER_NAME=refalloc GIT_COMMITTER_EMAIL=r@example.org
  mkdir -p home repo && cd repo || return
  env $PRE git init -q -b main . || return
  local i
  for i in $(seq 1 60); do printf 'file %d\n%s\n' "$i" "$(seq "$i" $((i * 37)))" > "f$i.txt"; done
  cp "$snap"/*.c "$snap"/*.h .
  GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z' \
    env $PRE git add -A || return
  GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z' \
    env $PRE git commit -q -m "first" || return
  for i in $(seq 1 60 | awk 'NR % 3 == 0'); do echo "change $i" >> "f$i.txt"; done
  env $PRE git rm -q f1.txt f2.txt || return
  env $PRE git add -A || return
  GIT_AUTHOR_DATE='2026-01-02T00:00:00Z' GIT_COMMITTER_DATE='2026-01-02T00:00:00Z' \
    env $PRE git commit -q -m "second: edit every third file" || return
  env $PRE git log --stat --format='%H %s' > ../results/log || return
  env $PRE git diff HEAD~1 --stat > ../results/diffstat || return
  env $PRE git gc -q || return
  env $PRE git fsck --strict > ../results/fsck 2>&1 || return
  env $PRE git rev-parse HEAD HEAD^{tree} > ../results/heads
}

# run_case NAME PROGRAM-FOR-STATS: both runs, compare, report. Times: wall clock, and CPU (user +
# system of every process of the case) because the machines running the checks are shared and
# wall time alone is mostly noise; with /usr/bin/time also the largest process's peak RSS.
export -f case_python case_sort case_gcc case_sqlite3 case_git
export so out snap PY
TIMER=""
[ -x /usr/bin/time ] && TIMER=/usr/bin/time
run_case() {
  local name=$1 prog=$2 d=$out/$1 mode rc
  local -A rcs cpu wall rss
  rm -rf "$d" && mkdir -p "$d"
  for mode in glibc shim; do
    mkdir -p "$d/$mode/results"
    if [ $mode = shim ]; then PRE="LD_PRELOAD=$so REFALLOC_STATS=$d/shim.stats"; else PRE=""; fi
    export PRE
    local t0=$(date +%s%N)
    if [ -n "$TIMER" ]; then
      $TIMER -f '%U %S %M' -o "$d/$mode.rusage" bash -c 'cd "$1" && "case_$2"' _ "$d/$mode" "$name" > "$d/$mode.log" 2>&1
      rc=$?
      read -r u s m < <(tail -n 1 "$d/$mode.rusage")
      cpu[$mode]=$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.2f", u + s}')
      rss[$mode]=$(( ${m:-0} / 1024 ))
    else
      (cd "$d/$mode" && "case_$name") > "$d/$mode.log" 2>&1
      rc=$?
      cpu[$mode]="?"; rss[$mode]="?"
    fi
    rcs[$mode]=$rc
    wall[$mode]=$(awk -v ns=$(( $(date +%s%N) - t0 )) 'BEGIN {printf "%.2f", ns / 1e9}')
  done
  local why=""
  if [ "${rcs[glibc]}" -ne "${rcs[shim]}" ]; then
    why="exit status ${rcs[glibc]} on glibc, ${rcs[shim]} on refalloc"
  elif [ "${rcs[glibc]}" -ne 0 ]; then
    why="failed on both allocators (exit ${rcs[glibc]}): see $d/glibc.log"
  elif ! diff -r "$d/glibc/results" "$d/shim/results" > "$d/diff.txt"; then
    why="results differ: see $d/diff.txt"
  elif ! grep -q " prog=$prog " "$d/shim.stats" 2>/dev/null; then
    why="no heap report from $prog: LD_PRELOAD did not take effect"
  fi
  local procs
  procs=$(sed -n 's/.* prog=\([^ ]*\) .*/\1/p' "$d/shim.stats" 2>/dev/null | sort | uniq -c |
          awk '{printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1}')
  if [ -z "$why" ]; then
    pass=$((pass + 1))
    printf 'PASS %-8s cpu %6ss glibc, %6ss refalloc; wall %6ss / %6ss; peak rss %4s / %4s MB; on refalloc: %s\n' \
      "$name" "${cpu[glibc]}" "${cpu[shim]}" "${wall[glibc]}" "${wall[shim]}" "${rss[glibc]}" "${rss[shim]}" "$procs"
  else
    fail=$((fail + 1)); failed+=("$name")
    printf 'FAIL %-8s %s\n' "$name" "$why"
    sed 's/^/    | /' "$d/shim.log" | tail -n 15
  fi
}

# have NAME PROGRAM: run the case if PROGRAM is installed, else say it is skipped.
have() {
  if command -v "$2" > /dev/null 2>&1; then run_case "$1" "${3:-$2}"
  else skip=$((skip + 1)); echo "SKIP $1: $2 is not installed"; fi
}

# pyenv and similar put a shell-script shim first on PATH: test the real interpreter.
PY=""
if command -v python3 > /dev/null 2>&1; then
  PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
  [ -x "$PY" ] || PY=$(command -v python3)
fi
if [ -n "$PY" ]; then run_case python "$(basename "$PY")"
else skip=$((skip + 1)); echo "SKIP python: python3 is not installed"; fi
have sort sort
have gcc gcc cc1
have sqlite3 sqlite3
have git git

echo "test-preload: $pass passed, $fail failed, $skip skipped (outputs in $out)"
[ "$pass" -eq 0 ] || echo "[  PASSED  ] $pass test(s)."
if [ "$fail" -ne 0 ]; then
  echo "[  FAILED  ] $fail test(s), listed below:"
  for f in "${failed[@]}"; do echo "[  FAILED  ] preload_$f"; done
  exit 1
fi
exit 0
