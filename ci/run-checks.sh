#!/usr/bin/env bash
# Run make targets one by one, keep going past failures, and close with one summary line.
# A step's cmocka summary lines ("[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)") are
# counted as N tests; a step without them counts as one test, passed iff it exited 0.
set -u
title=check
if [ "${1:-}" = "--title" ]; then title=$2; shift 2; fi
mkdir -p build/logs
passed=0; failed=0; failed_steps=()
start=$(date +%s)
for step in "$@"; do
  log=build/logs/$step.log
  printf '== %s: %s\n' "$title" "$step"
  t0=$(date +%s)
  ${MAKE:-make} --no-print-directory "$step" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
    if [ "$rc" -eq 0 ]; then p=1; else f=1; fi
  elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1   # the step failed outside its test cases (build error, crash)
  fi
  passed=$((passed + p)); failed=$((failed + f))
  [ "$rc" -eq 0 ] || failed_steps+=("$step")
  printf '== %s: %s: exit %d, %d passed, %d failed (%ds)\n' "$title" "$step" "$rc" "$p" "$f" $(( $(date +%s) - t0 ))
done
echo
echo "== $title summary ($(( $(date +%s) - start ))s)"
[ ${#failed_steps[@]} -eq 0 ] || echo "failed steps: ${failed_steps[*]}"
echo "$title: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ ${#failed_steps[@]} -eq 0 ]
