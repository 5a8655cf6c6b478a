#!/bin/bash -eu
# Build every fuzz harness the way OSS-Fuzz and ClusterFuzzLite do: with the builder's $CC,
# $CFLAGS and $LIB_FUZZING_ENGINE, into $OUT, each with <target>_seed_corpus.zip, <target>.dict
# and <target>.options. Used by .clusterfuzzlite/build.sh and oss-fuzz/build.sh, and tested
# without Docker by tests/ossfuzz/test.sh.
#
# A harness is fuzz/<target>.c with a fuzz/<target>.options file beside it. The engine library
# provides main(), so the driver is built with FZ_LIB_ENGINE (no main of its own).
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${CC:?}" "${OUT:?}" "${LIB_FUZZING_ENGINE:?}"
CXX=${CXX:-$CC}
CFLAGS=${CFLAGS:-}
CXXFLAGS=${CXXFLAGS:-$CFLAGS}
work=${WORK:-$(mktemp -d)}
mkdir -p "$OUT" "$work/obj"

# The library: every ref module but the malloc shim (which would replace the process allocator).
lib_objs=()
for c in "$src"/ref/*.c; do
  case "$(basename "$c")" in malloc_shim*.c) continue ;; esac
  o="$work/obj/ref_$(basename "$c" .c).o"
  $CC $CFLAGS -std=c11 -I"$src/ref" -c "$c" -o "$o"
  lib_objs+=("$o")
done
common_objs=()
for c in ops allocs driver; do
  o="$work/obj/fz_$c.o"
  $CC $CFLAGS -std=c11 -DFZ_LIB_ENGINE -I"$src/ref" -I"$src/fuzz" -c "$src/fuzz/$c.c" -o "$o"
  common_objs+=("$o")
done

built=0
for opts in "$src"/fuzz/*.options; do
  t=$(basename "$opts" .options)
  [ -f "$src/fuzz/$t.c" ] || continue
  $CC $CFLAGS -std=c11 -DFZ_LIB_ENGINE -I"$src/ref" -I"$src/fuzz" -c "$src/fuzz/$t.c" -o "$work/obj/$t.o"
  # Link with $CXX, as the builders do: the engine libraries are C++.
  $CXX $CXXFLAGS "$work/obj/$t.o" "${common_objs[@]}" "${lib_objs[@]}" $LIB_FUZZING_ENGINE -o "$OUT/$t"
  cp "$opts" "$OUT/$t.options"
  [ -f "$src/fuzz/$t.dict" ] && cp "$src/fuzz/$t.dict" "$OUT/$t.dict"
  if [ -d "$src/corpus/$t" ]; then
    rm -f "$OUT/${t}_seed_corpus.zip"
    # Flat zip of every seed and regression input (names made unique by their path).
    stage="$work/seeds/$t"; rm -rf "$stage"; mkdir -p "$stage"
    (cd "$src/corpus/$t" && find . -type f ! -name '.*' | while read -r f; do
       cp "$f" "$stage/$(echo "${f#./}" | tr '/' '_')"; done)
    if command -v zip >/dev/null; then
      (cd "$stage" && zip -q -r "$OUT/${t}_seed_corpus.zip" .)
    else
      python3 - "$stage" "$OUT/${t}_seed_corpus.zip" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w") as z:
    for name in sorted(os.listdir(sys.argv[1])):
        z.write(os.path.join(sys.argv[1], name), name)
PY
    fi
  fi
  built=$((built + 1))
done
echo "oss_fuzz_build: $built targets in $OUT"
[ "$built" -gt 0 ]
