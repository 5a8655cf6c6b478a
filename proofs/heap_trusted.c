/* proofs/heap_trusted.c: exhaustive check of the contracts WP assumes for the trusted helpers of
 * ref/heap.c (those whose body WP does not see: see proofs/README-heap.md).
 *   low_bit, top_bit   every uint32_t x != 0 (2^32 - 1 values): the bit returned is set, and no
 *                      lower (low_bit) / higher (top_bit) bit is set; result < 32.
 *   class_of           every n in 1 .. RA_HEAP_MAX_UNITS: 0 <= fl < 28, 0 <= sl < 16. (ra_cf and
 *                      ra_cs are defined as its results, so this is the whole contract.)
 *   class_search       every units in 1 .. RA_HEAP_MAX_UNITS: when it returns true, every n of a
 *                      class >= (fl, sl) has n >= units. Checked as: class index c(n) = 16 fl + sl
 *                      is non-decreasing in n (one pass), so min{n : c(n) >= c0} is the first n of
 *                      the first non-empty class >= c0, which must be >= units.
 * Build: cc -O2 -Iref proofs/heap_trusted.c -o heap_trusted (make prove-heap-trusted). ~1 minute. */
#include "../ref/heap.c"

#include <stdio.h>

#define NCLASS (RA_HEAP_FL_COUNT * RA_HEAP_SL_COUNT)

int main(void)
{
    unsigned long long bad = 0;
    for (uint64_t x = 1; x <= UINT32_MAX; x++) {
        uint32_t v = (uint32_t)x;
        unsigned lo = low_bit(v), hi = top_bit(v);
        if (lo >= 32 || !((v >> lo) & 1u) || (lo && (v & ((1u << lo) - 1u))))
            bad++;
        if (hi >= 32 || !((v >> hi) & 1u) || (hi < 31 && (v >> hi >> 1)))
            bad++;
    }
    printf("low_bit/top_bit: %llu violations over 2^32-1 inputs\n", bad);
    static uint32_t first[NCLASS];
    unsigned prev_c = 0;
    unsigned long long bad_cls = 0;
    for (uint32_t n = 1; n <= RA_HEAP_MAX_UNITS; n++) {
        unsigned fl = 99, sl = 99;
        class_of(n, &fl, &sl);
        if (fl >= RA_HEAP_FL_COUNT || sl >= RA_HEAP_SL_COUNT) { bad_cls++; continue; }
        unsigned c = fl * RA_HEAP_SL_COUNT + sl;
        if (c < prev_c)
            bad_cls++;
        prev_c = c;
        if (first[c] == 0)
            first[c] = n;
        if (n == RA_HEAP_MAX_UNITS)
            break;
    }
    printf("class_of: %llu violations over 1 .. 2^31-1\n", bad_cls);
    /* least n of any class >= c: suffix minimum over the (monotone) first[] table */
    static uint64_t least[NCLASS + 1];
    least[NCLASS] = UINT64_MAX;
    for (int c = NCLASS - 1; c >= 0; c--)
        least[c] = first[c] ? first[c] : least[c + 1];
    unsigned long long bad_search = 0, searched = 0;
    for (uint32_t units = 1; units <= RA_HEAP_MAX_UNITS; units++) {
        unsigned fl = 99, sl = 99;
        if (class_search(units, &fl, &sl)) {
            searched++;
            if (fl >= RA_HEAP_FL_COUNT || sl >= RA_HEAP_SL_COUNT ||
                least[fl * RA_HEAP_SL_COUNT + sl] < units)
                bad_search++;
        }
        if (units == RA_HEAP_MAX_UNITS)
            break;
    }
    printf("class_search: %llu violations over 1 .. 2^31-1 (%llu searchable)\n", bad_search,
           searched);
    return bad || bad_cls || bad_search;
}
