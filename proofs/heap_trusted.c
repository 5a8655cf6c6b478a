/* proofs/heap_trusted.c: exhaustive check of the contracts WP assumes for the trusted helpers of
 * ref/heap.c (those whose body WP does not see: see proofs/README-heap.md).
 *   low_bit, top_bit   (64-bit words) every x != 0 whose set bits lie in one 32-bit half
 *                      (2 x (2^32 - 1) values) and 10^8 pseudo-random words with bits in both
 *                      halves: the bit returned is set, and no lower (low_bit) / higher (top_bit)
 *                      bit is set; result < 64. (Exhaustive over 2^64 is out of reach; the
 *                      builtins' result depends only on the lowest / highest set bit, and every
 *                      position is covered with every pattern of 31 neighbouring bits.)
 *   bit_of             all 64 inputs: exactly bit k is set.
 *   class_of           every n in 1 .. RA_HEAP_MAX_UNITS: 0 <= fl < 28, 0 <= sl < 16. (ra_cf and
 *                      ra_cs are defined as its results, so this is the whole contract.)
 *   class_search       every units in 1 .. RA_HEAP_MAX_UNITS: when it returns true, every n of a
 *                      class >= (fl, sl) has n >= units. Checked as: class index c(n) = 16 fl + sl
 *                      is non-decreasing in n (one pass), so min{n : c(n) >= c0} is the first n of
 *                      the first non-empty class >= c0, which must be >= units.
 *   share              part / whole for 0 <= part <= whole, whole > 0: finite and in [0, 1]. Not
 *                      exhaustive: the edge pairs (0, w), (w, w), (w - 1, w) for w = 1, 2^k - 1,
 *                      2^k, 2^k + 1 (k < 64) and SIZE_MAX, and 10^7 pseudo-random pairs. (The
 *                      argument for every pair is IEEE 754's: conversions and the division round
 *                      correctly, and rounding is monotone, so part <= whole gives a quotient in
 *                      [0, 1].)
 * Build: cc -O2 -Iref proofs/heap_trusted.c -o heap_trusted (make prove-heap-trusted). ~1 minute. */
#include "../ref/heap.c"

#include <stdio.h>

#define NCLASS (RA_HEAP_FL_COUNT * RA_HEAP_SL_COUNT)

int main(void)
{
    unsigned long long bad = 0, tried = 0;
    uint64_t rnd = 0x9e3779b97f4a7c15u;
    for (uint64_t x = 1; x <= UINT32_MAX + 100000000ull; x++) {
        uint64_t w[2] = {x, x << 32};
        int n = 2;
        if (x > UINT32_MAX) { /* xorshift64: words with bits in both halves */
            rnd ^= rnd << 13; rnd ^= rnd >> 7; rnd ^= rnd << 17;
            w[0] = rnd; n = 1;
        }
        for (int i = 0; i < n; i++) {
            uint64_t v = w[i];
            unsigned lo = low_bit(v), hi = top_bit(v);
            tried++;
            if (lo >= 64 || !((v >> lo) & 1u) || (lo && (v & ((UINT64_C(1) << lo) - 1u))))
                bad++;
            if (hi >= 64 || !((v >> hi) & 1u) || (hi < 63 && (v >> hi >> 1)))
                bad++;
        }
    }
    printf("low_bit/top_bit: %llu violations over %llu inputs\n", bad, tried);
    unsigned long long badk = 0;
    for (unsigned k = 0; k < 64; k++)
        if (bit_of(k) != UINT64_C(1) << k || __builtin_popcountll(bit_of(k)) != 1)
            badk++;
    printf("bit_of: %llu violations over 64 inputs\n", badk);
    bad += badk;
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

    unsigned long long bad_share = 0, shared = 0;
    size_t edge[3 * 64 + 1];
    int ne = 0;
    for (int k = 0; k < 64; k++) {
        size_t p2 = (size_t)1 << k;
        edge[ne++] = p2 - 1u;
        edge[ne++] = p2;
        edge[ne++] = p2 + 1u;
    }
    edge[ne++] = SIZE_MAX;
    for (long i = -ne; i < 10000000; i++) {
        size_t whole, part;
        if (i < 0) {
            whole = edge[-i - 1];
            if (whole == 0)
                continue;
            for (int j = 0; j < 3; j++) {
                part = j == 0 ? 0 : j == 1 ? whole : whole - 1u;
                double r = share(part, whole);
                shared++;
                if (!(r >= 0.0 && r <= 1.0)) /* also false for NaN */
                    bad_share++;
            }
            continue;
        }
        rnd ^= rnd << 13; rnd ^= rnd >> 7; rnd ^= rnd << 17;
        whole = (size_t)(rnd >> (rnd & 63u)) | 1u;
        rnd ^= rnd << 13; rnd ^= rnd >> 7; rnd ^= rnd << 17;
        part = (size_t)(rnd % whole) + (rnd & 1u ? 0u : 1u);
        if (part > whole)
            part = whole;
        double r = share(part, whole);
        shared++;
        if (!(r >= 0.0 && r <= 1.0))
            bad_share++;
    }
    printf("share: %llu violations over %llu pairs\n", bad_share, shared);
    return bad || bad_cls || bad_search || bad_share;
}
