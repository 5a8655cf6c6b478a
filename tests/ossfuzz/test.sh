#!/usr/bin/env bash
# Run fuzz/oss_fuzz_build.sh the way the OSS-Fuzz / ClusterFuzzLite builders do (their variables
# set, a temporary $OUT), for libFuzzer and for AFL++, without Docker; then check every output
# and run every built fuzzer over its own seed corpus.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
expect_targets=$(cd "$root/fuzz" && for o in *.options; do t=${o%.options}; [ -f "$t.c" ] && echo "$t"; done)
[ -n "$expect_targets" ] || { echo "ossfuzz: no fuzz/<target>.options found"; exit 1; }

check_out() { # engine out runner
  local engine=$1 out=$2
  for t in $expect_targets; do
    for f in "$t" "$t.options" "$t.dict" "${t}_seed_corpus.zip"; do
      [ -s "$out/$f" ] || { echo "ossfuzz[$engine]: missing $out/$f"; fail=1; }
    done
    [ -x "$out/$t" ] || { echo "ossfuzz[$engine]: $t not executable"; fail=1; continue; }
    local seeds="$tmp/seeds-$engine-$t"
    mkdir -p "$seeds"
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
      "$out/${t}_seed_corpus.zip" "$seeds"
    local n; n=$(find "$seeds" -type f | wc -l)
    [ "$n" -gt 0 ] || { echo "ossfuzz[$engine]: $t seed corpus is empty"; fail=1; continue; }
    if [ "$engine" = libfuzzer ]; then
      "$out/$t" -runs=0 "$seeds" >"$tmp/$engine-$t.log" 2>&1 || { echo "ossfuzz[$engine]: $t failed on its seeds"; grep -v "^Reading\|^Execution successful" "$tmp/$engine-$t.log" | tail -30; fail=1; continue; }
    else
      # The AFL++ driver runs a file named on its command line: one process per seed, so a
      # failure names the input and its exit status.
      local bad=""
      for f in $(find "$seeds" -type f | sort | head -50); do
        "$out/$t" "$f" >"$tmp/$engine-$t.log" 2>&1 || { bad="$f (exit $?)"; break; }
      done
      if [ -n "$bad" ]; then
        echo "ossfuzz[$engine]: $t failed on its seed $bad"
        grep -v "^Reading\|^Execution successful" "$tmp/$engine-$t.log" | tail -30; fail=1; continue
      fi
    fi
    echo "ossfuzz[$engine]: $t built, options+dict+seed corpus ($n inputs) present, seeds run clean"
  done
}

# libFuzzer, as OSS-Fuzz's address+undefined configuration.
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
env -i PATH="$PATH" HOME="$HOME" SRC="$root/.." OUT="$tmp/out-libfuzzer" WORK="$tmp/work-libfuzzer" \
  CC=clang-14 CXX=clang++-14 \
  CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only $san -fsanitize=fuzzer-no-link" \
  CXXFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only $san -fsanitize=fuzzer-no-link" \
  LIB_FUZZING_ENGINE="-fsanitize=fuzzer" \
  bash "$root/fuzz/oss_fuzz_build.sh" >"$tmp/build-libfuzzer.log" 2>&1 \
  || { cat "$tmp/build-libfuzzer.log"; echo "ossfuzz[libfuzzer]: build failed"; exit 1; }
check_out libfuzzer "$tmp/out-libfuzzer"

# AFL++: afl-clang-fast with the AFL++ libFuzzer-compatible driver as the engine.
if command -v afl-clang-fast >/dev/null && [ -f /usr/lib/afl/libAFLDriver.a ]; then
  env -i PATH="$PATH" HOME="$HOME" SRC="$root/.." OUT="$tmp/out-afl" WORK="$tmp/work-afl" AFL_QUIET=1 \
    CC=afl-clang-fast CXX=afl-clang-fast++ CFLAGS="-O1 -fsanitize=address" CXXFLAGS="-O1 -fsanitize=address" \
    LIB_FUZZING_ENGINE=/usr/lib/afl/libAFLDriver.a \
    bash "$root/fuzz/oss_fuzz_build.sh" >"$tmp/build-afl.log" 2>&1 \
    || { cat "$tmp/build-afl.log"; echo "ossfuzz[afl]: build failed"; exit 1; }
  check_out afl "$tmp/out-afl"
else
  echo "ossfuzz[afl]: afl-clang-fast or libAFLDriver.a missing"; fail=1
fi
[ "$fail" -eq 0 ] && echo "ossfuzz: builder test passed"
exit "$fail"
