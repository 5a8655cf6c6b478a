#!/usr/bin/env bash
# The acceptance campaigns of the conformance kit (docs/conform.md; not part of `make check`):
# every allocator for SECONDS (default 120) with the glibc profile. For the production allocators
# two runs: first without ALLOW (it shows the deviations the kit finds, each with its C
# reproducer), then with those deviations allowed by name, which must exit 0.
# Usage: acceptance.sh [SECONDS] [OUTDIR]     (make conform-acceptance)
set -u
S=${1:-120}
O=${2:-build/conform/acceptance}
KIT=build/conform/conform
L=/usr/lib/x86_64-linux-gnu
mkdir -p "$O"
# name|LIB|ALLOW for the second run (empty: one run, must exit 0)
runs=(
  "refalloc|$PWD/build/librefalloc_malloc.so|"
  "glibc|system|"
  "jemalloc|$L/libjemalloc.so.2|nomem"
  "mimalloc|$L/libmimalloc.so.2|nomem,aa-align,align"
  "tcmalloc|$L/libtcmalloc_minimal.so.4|nomem,huge,crash"
)
for r in "${runs[@]}"; do
  IFS='|' read -r name lib allow <<< "$r"
  if [ -n "$allow" ]; then
    $KIT LIB="$lib" PROFILE=glibc SECONDS="$S" OUT="$O/$name" > "$O/$name-plain.log" 2>&1
    echo "$name (no ALLOW): exit $? ($(grep -oE 'FINDING R-[a-z0-9-]+' "$O/$name-plain.log" | sort -u | tr '\n' ' '))"
  fi
  $KIT LIB="$lib" PROFILE=glibc SECONDS="$S" OUT="$O/$name" ${allow:+ALLOW=$allow} > "$O/$name.log" 2>&1
  echo "$name${allow:+ (ALLOW=$allow)}: exit $? ($(grep -E '^fuzz: .* executed' "$O/$name.log"))"
done
