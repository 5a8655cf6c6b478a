#!/usr/bin/env bash
# The conformance kit must catch every seeded-bug allocator of tests/conform/ and name the rule.
# Each library is built here; `make conform LIB=... SECONDS=5 PROFILE=glibc` must fail (the kit
# exits 1, which make reports as 2), print "FINDING R-<rule>" for the expected rule (a bug may
# break more than one rule: a bump allocator whose blocks overlap also loses contents), and the C
# reproducer of that finding must confirm it against the library. Half of the bugs are also hunted with the battery off (BATTERY=0), so the fuzz
# phase (generator, shadow model, minimizer, C emitter) is shown to catch them on its own.
# Usage: seeded.sh KIT_BINARY WORKDIR
set -u
KIT=${1:-build/conform/conform}
W=${2:-build/conform/seeded}
CC=${CC:-cc}
mkdir -p "$W"
# name|BUG number (or "bump")|expected rule|also with the battery off (1)
bugs=(
  "calloc-recycled|1|calloc-zero|1"
  "realloc-tail|2|realloc-keep|1"
  "usable-short|3|usable|0"
  "free-errno|4|free-errno|1"
  "aligned-ignored|5|align|0"
  "huge-no-errno|6|nomem|0"
  "calloc-wraps|7|calloc-ovf|1"
  "pm-clobber|8|pm-align|0"
  "realloc-fail-frees|9|realloc-fail|0"
  "bump-overlap|bump|unique|1"
)
fail=0 caught=0
for entry in "${bugs[@]}"; do
  IFS='|' read -r name bug rule fuzz_too <<< "$entry"
  so=$W/lib$name.so
  if [ "$bug" = bump ]; then
    $CC -std=c11 -O1 -g -fPIC -shared -fvisibility=hidden tests/conform/bump.c -o "$so" || { echo "seeded $name: build failed"; fail=1; continue; }
  else
    $CC -std=c11 -O1 -g -fPIC -shared -fvisibility=hidden -DBUG="$bug" tests/conform/buggy.c -o "$so" -ldl || { echo "seeded $name: build failed"; fail=1; continue; }
  fi
  for phase in battery fuzz; do
    [ $phase = fuzz ] && [ "$fuzz_too" != 1 ] && continue
    extra=""; [ $phase = fuzz ] && extra="BATTERY=0"
    log=$W/$name-$phase.log
    t0=$(date +%s)
    make --no-print-directory -s conform LIB="$(realpath "$so")" SECONDS=5 PROFILE=glibc OUT="$W/out-$name-$phase" $extra > "$log" 2>&1
    rc=$?
    t=$(( $(date +%s) - t0 ))
    # make turns the kit's exit 1 into its own 2; the kit's verdict line says "exit 1"
    found=$(grep -oE 'FINDING R-[a-z0-9-]+' "$log" | sed 's/FINDING R-//' | sort -u | tr '\n' ' ')
    conf=$(grep -cE '^ *confirmed: REPRODUCED: rule '"$rule"'\b' "$log")
    if [ $rc -ne 0 ] && grep -q '^RESULT: FAIL (exit 1' "$log" && [[ " $found" == *" $rule "* ]] && [ "$conf" -ge 1 ]; then
      how="battery"; [ $phase = fuzz ] && how="fuzz phase, minimized to $(grep -m1 -oE 'minimized: [0-9]+ ops' "$log" | grep -oE '[0-9]+') ops"
      echo "seeded $name: caught by the $how: R-$rule (all findings: ${found% }), confirmed by its C reproducer (${t}s)"
      caught=$((caught + 1))
    else
      echo "seeded $name ($phase): NOT as expected: exit $rc, findings '${found:-none}', expected R-$rule, confirmed $conf (log: $log)"
      grep -E 'FINDING|RESULT|NOT reproduced|did not build' "$log" | head -5
      fail=1
    fi
  done
done
echo "seeded: $caught runs caught the seeded bug with the right rule"
exit $fail
