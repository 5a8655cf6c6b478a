#!/usr/bin/env bash
# test-install: `make install` into a temporary PREFIX, then build tests/install/prog.c against
# the installed copy using only `pkg-config --cflags --libs refalloc` (PKG_CONFIG_PATH pointing at
# it), from a folder outside the tree, linked dynamically and statically, and run both. Also
# compiles one translation unit that includes every installed header (so the header set and the
# spec/*.acsl files they include are complete), and checks `make uninstall` leaves nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
src=$PWD
MAKE=${MAKE:-make}
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
fail() { echo "test-install: FAIL: $*"; exit 1; }

$MAKE --no-print-directory install PREFIX="$prefix" > "$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log"; fail "make install"; }
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
pkg-config --exists --print-errors refalloc || fail "pkg-config does not find refalloc"
echo "test-install: pkg-config refalloc $(pkg-config --modversion refalloc):" \
  "$(pkg-config --cflags --libs refalloc)"
for f in lib/librefalloc.a lib/librefalloc.so include/refalloc/heap.h; do
  [ -f "$prefix/$f" ] || fail "$f not installed"
done

mkdir "$tmp/user" && cp tests/install/prog.c "$tmp/user/" && cd "$tmp/user"
# Every installed header in one translation unit, strict flags.
for h in "$prefix"/include/refalloc/*.h; do echo "#include <refalloc/$(basename "$h")>"; done > all.c
echo 'int main(void) { return 0; }' >> all.c
$CC -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags refalloc) -c all.c -o all.o ||
  fail "the installed headers do not compile together"
echo "test-install: $(ls "$prefix"/include/refalloc/*.h | wc -l) headers compile together"

# Dynamic: the installed librefalloc.so must be the one loaded.
$CC -std=c11 -Wall -Wextra -Werror prog.c $(pkg-config --cflags --libs refalloc) -o prog-shared
# Ask the dynamic loader itself (what ldd does) and keep its whole output: a pipe into `grep -q`
# under pipefail can fail on SIGPIPE, and on failure the listing says what was loaded instead.
loaded=$(LD_LIBRARY_PATH=$prefix/lib LD_TRACE_LOADED_OBJECTS=1 ./prog-shared 2>&1) || true
case $loaded in
  *"$prefix/lib/librefalloc.so"*) ;;
  *) echo "$loaded"; readelf -d prog-shared | grep -E 'NEEDED|RPATH|RUNPATH' || true
     fail "prog-shared does not load $prefix/lib/librefalloc.so" ;;
esac
LD_LIBRARY_PATH=$prefix/lib ./prog-shared || fail "prog-shared exit $?"

# Static: the same flags with the archive chosen over the shared object.
$CC -std=c11 -Wall -Wextra -Werror prog.c $(pkg-config --cflags refalloc) \
  -Wl,-Bstatic $(pkg-config --libs --static refalloc) -Wl,-Bdynamic -o prog-static
loaded=$(LD_TRACE_LOADED_OBJECTS=1 ./prog-static 2>&1) || true
case $loaded in *librefalloc*) echo "$loaded"; fail "prog-static needs librefalloc.so" ;; esac
./prog-static || fail "prog-static exit $?"

if [ -f "$prefix/lib/librefalloc_malloc.so" ]; then
  syms=$(nm -D --defined-only "$prefix/lib/librefalloc_malloc.so")
  grep -qw malloc <<< "$syms" || fail "librefalloc_malloc.so does not export malloc"
  echo "test-install: librefalloc_malloc.so installed and exports malloc"
fi

cd "$src"
$MAKE --no-print-directory uninstall PREFIX="$prefix" > /dev/null
left=$(find "$prefix" -type f | wc -l)
[ "$left" -eq 0 ] || fail "uninstall left $left files"
echo "test-install: ok (shared and static builds run; uninstall clean)"
