#!/usr/bin/env bash
# Source coverage of ref/ from the committed corpus: replays corpus/<t>/ with the coverage builds,
# merges the profiles, writes HTML to BUILD/coverage/html and prints line and branch coverage.
set -u
B=$1; shift
out=$B/coverage
rm -rf "$out"; mkdir -p "$out"
objs=()
for t in "$@"; do
  [ -d "corpus/$t" ] || { echo "coverage: corpus/$t missing, skipped"; continue; }
  LLVM_PROFILE_FILE="$out/$t-%p.profraw" "$B/cov/$t" "corpus/$t" > /dev/null || exit 1
  objs+=(-object "$B/cov/$t")
done
llvm-profdata-14 merge -sparse "$out"/*.profraw -o "$out/all.profdata" || exit 1
srcs=$(ls ref/*.c)
llvm-cov-14 show "${objs[@]:1}" -instr-profile="$out/all.profdata" -format=html \
  -output-dir="$out/html" $srcs > /dev/null
llvm-cov-14 report "${objs[@]:1}" -instr-profile="$out/all.profdata" $srcs > "$out/report.txt"
# columns: Filename Regions Missed Cover Functions Missed Executed Lines Missed Cover Branches Missed Cover
awk '$1 ~ /\.c$/ || $1 == "TOTAL" {
       printf "coverage %-16s lines %7s (%s of %s)  branches %7s (%s of %s)\n", $1, $10, $8-$9, $8, $13, $11-$12, $11 }' \
  "$out/report.txt"
echo "coverage: HTML report in $out/html/index.html (targets: $*)"
