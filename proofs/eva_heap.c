/* Eva sees ref/heap.c as the compilers do (make eva; not compiled by anything else).
 *
 * Under __FRAMAC__, ref/heap.c keeps only the contracts of its trusted helpers (low_bit, top_bit,
 * class_of, class_search, locate, base_misalign, ra_aligned16, report) and replaces top_bit64 by
 * a loop, so that WP works from the contracts. Eva should run the real code instead (those bodies
 * are the pointer/integer glue a second opinion is for), and the file has no other switch for
 * it, so this wrapper reads heap.h with __FRAMAC__ set (the ACSL logic that the annotations of
 * heap.c name) and then drops the symbol for heap.c itself (-cpp-extra-args-per-file with
 * -U__FRAMAC__ would lose that logic and every annotation with it). The libc headers heap.c
 * includes only without __FRAMAC__ are read here first, with it (Frama-C's libc expects it). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "heap.h"

/* The GCC bit-scan builtins behind low_bit/top_bit/top_bit64. Frama-C's libc gives them only a
 * contract (x != 0 ==> 0 <= result < width), which would let Eva pick any free-list class; these
 * exact bodies are stubs of the driver, not heap code. proofs/heap_trusted.c checks the helpers
 * built on the real builtins over their whole domain. The libc contracts stay: Eva checks
 * x != 0 at every call. */
/* Binary search in six steps, no loop: exact for an exact argument, within 0 .. width - 1 for an
 * abstract one (a loop that may run off the end would also return width). clz tests with
 * comparisons, which Eva reduces exactly (a shift test left impossible paths, and top_bit of a
 * range then seemed out of range). */
#define EVA_STEP(cond, k)                                                                         \
    if (cond) {                                                                                   \
        n += (k);                                                                                 \
        x = x OP (k);                                                                             \
    }
#define OP >>
int __builtin_ctzll(unsigned long long x)
{
    int n = 0;
    EVA_STEP((x & 0xffffffffull) == 0, 32)
    EVA_STEP((x & 0xffffull) == 0, 16)
    EVA_STEP((x & 0xffull) == 0, 8)
    EVA_STEP((x & 0xfull) == 0, 4)
    EVA_STEP((x & 0x3ull) == 0, 2)
    if ((x & 1u) == 0)
        n += 1;
    return n;
}
#undef OP
#define OP <<
int __builtin_clzll(unsigned long long x)
{
    int n = 0;
    EVA_STEP(x <= 0xffffffffull, 32)
    EVA_STEP(x <= 0xffffffffffffull, 16)
    EVA_STEP(x <= 0xffffffffffffffull, 8)
    EVA_STEP(x <= 0xfffffffffffffffull, 4)
    EVA_STEP(x <= 0x3fffffffffffffffull, 2)
    if (x <= 0x7fffffffffffffffull)
        n += 1;
    return n;
}
#undef OP
#undef EVA_STEP
int __builtin_ctz(unsigned int x) { return __builtin_ctzll(x); }
int __builtin_ctzl(unsigned long x) { return __builtin_ctzll(x); }
int __builtin_clz(unsigned int x) { return __builtin_clzll(x) - 32; }
int __builtin_clzl(unsigned long x) { return __builtin_clzll(x); }

#undef __FRAMAC__
#include "../ref/heap.c"
