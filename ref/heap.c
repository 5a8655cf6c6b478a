/*
 * refalloc heap: two-level segregated fit (TLSF-style) over a caller-supplied arena.
 *
 * The arena is cut into 16-byte units. Every block is a run of whole units; its metadata lives out
 * of line in meta[], one 16-byte record per unit, indexed by the block's first unit:
 *
 *     meta:  [ u0: size=3 prev=NONE | u1: 0 | u2: 0 | u3: size=2 prev=0 | u4: 0 | ... | sentinel ]
 *     arena: [ block 0 (3 units)                   | block 3 (2 units)   | ...                 ]
 *
 * Interior records are all zero, so a pointer is a live block's start exactly when its record has
 * a non-zero size and the live mark (validation is O(1), no magic numbers in user memory). One
 * extra record after the last unit (the sentinel, size 0) holds the start of the last block in its
 * prev field, so "tell my right-hand neighbour who precedes it" never needs a bounds branch.
 *
 * Free blocks sit in doubly linked lists, one per size class. A class is (fl, sl): fl is the
 * position of the top bit of the size in units, sl the next RA_HEAP_SL_LOG bits; sizes below
 * 16 units have exact classes. Two bitmaps (one bit per fl, one bit per (fl, sl)) say which lists
 * are non-empty, so finding a block is two count-trailing-zeros operations:
 *
 *     need u units -> round u up to its class boundary r -> first non-empty class >= class(r)
 *
 * Every block in a class >= class(r) has at least r >= u units, so the head of that list fits and
 * nothing is walked (the "good fit" of TLSF; M. Masmano et al., "TLSF: a new dynamic memory
 * allocator for real-time systems", ECRTS 2004). The price is the fit guarantee in heap.h: a
 * request may fail while a block of u..r-1 units is free. Internal fragmentation is at most one
 * unit plus the class rounding of the search (not of the block: blocks are split to u units).
 *
 * Worst-case steps per call: malloc = 1 class computation + 2 bitmap scans + 1 list removal +
 * 1 split (1 list insertion); free = validation + up to 2 list removals (merges) + 1 insertion;
 * realloc = free + malloc + the copy, or one in-place split/absorb; aligned_alloc = malloc + one
 * extra split for the leading gap. No loop in these paths depends on the number of blocks.
 *
 * Invariants (ra_heap_check verifies them all; spec/heap.acsl states them for WP):
 *   tiling   block starts partition [0, units); interior records are zero; prev links are exact;
 *   merge    no two free blocks are physical neighbours;
 *   lists    each free block is in exactly the list of its class; lists link free blocks only;
 *   bitmaps  a bit is set exactly when its list (or one of its lists) is non-empty;
 *   counters live/free blocks, units and used bytes equal what the blocks say.
 */
#include "heap.h"

#include <errno.h>
#include <string.h>

#ifndef __FRAMAC__
#include <stdio.h>
#include <stdlib.h>
#endif

/* Sanitizer support: the arena is poisoned except for the requested bytes of live blocks, so
 * ASan reports overflows and use-after-free inside the arena as it does for the system
 * allocator; MSan sees fresh blocks as uninitialised. */
#if defined(__SANITIZE_ADDRESS__)
#define RA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RA_ASAN 1
#endif
#endif
#if defined(__has_feature)
#if __has_feature(memory_sanitizer)
#define RA_MSAN 1
#endif
#endif

#ifdef RA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif
#ifdef RA_MSAN
#include <sanitizer/msan_interface.h>
#define MSAN_FRESH(p, n) __msan_allocated_memory((p), (n))
#else
#define MSAN_FRESH(p, n) ((void)(p), (void)(n))
#endif

#define UNIT RA_HEAP_UNIT
#define NONE RA_HEAP_NONE
#define LIVE RA_HEAP_LIVE
#define NIL RA_HEAP_NIL

/* ---- trusted helpers ------------------------------------------------------------------------
 * WP cannot reason about pointer-to-integer casts (its int_of_addr is uninterpreted) nor about
 * symbolic shifts and powers of two. The few functions that need them are below: under Frama-C
 * only their contracts are seen (no body), and proofs/README-heap.md lists what each assumes and
 * how it is checked (proofs/heap_trusted.c tests every contract over its whole input domain). */

/* Lowest set bit of x (x != 0). */
/*@ requires x != 0;
    assigns \nothing;
    ensures 0 <= \result < 64 && ra_bit(x, \result);
    ensures \forall integer k; 0 <= k < \result ==> !ra_bit(x, k); */
static inline unsigned low_bit(uint64_t x);
/* Highest set bit of x (x != 0). */
/*@ requires x != 0;
    assigns \nothing;
    ensures 0 <= \result < 64 && ra_bit(x, \result);
    ensures \forall integer k; \result < k ==> !ra_bit(x, k); */
static inline unsigned top_bit(uint64_t x);
/* The bitmap word with only bit k set. A helper, not an inline shift, because WP cannot bound
 * 2^k for a symbolic k (the unsigned-overflow goal of `1 << k`); its contract is checked for all
 * 64 inputs by proofs/heap_trusted.c. */
/*@ requires 0 <= k < 64;
    assigns \nothing;
    ensures \result == (1 << k) && ra_bit(\result, k);
    ensures \forall integer j; 0 <= j < 64 && j != k ==> !ra_bit(\result, j); */
static inline uint64_t bit_of(unsigned k);
/* Size class of a block of `units` units. */
/*@ requires 1 <= units <= 0x7fffffff;
    requires \valid(fl) && \valid(sl) && \separated(fl, sl);
    assigns *fl, *sl;
    ensures *fl == ra_cf(units) && *sl == ra_cs(units) && ra_class_ok(units); */
static inline void class_of(uint32_t units, unsigned *fl, unsigned *sl);
/* Where the search for a request of `units` units starts: the class of class_round(units). Every
 * block of that class or a higher one has at least `units` units. False when the rounded size
 * exceeds RA_HEAP_MAX_UNITS (then no block can be found by the bitmap search). */
/*@ requires 1 <= units <= 0x7fffffff;
    requires \valid(fl) && \valid(sl) && \separated(fl, sl);
    assigns *fl, *sl;
    ensures \result ==> 0 <= *fl < 28 && 0 <= *sl < 16;
    ensures \result ==> \forall integer n; 1 <= n <= 0x7fffffff &&
      (ra_cf(n) > *fl || (ra_cf(n) == *fl && ra_cs(n) >= *sl)) ==> n >= units; */
static inline bool class_search(size_t units, unsigned *fl, unsigned *sl);
/* Where ptr lies: true and the byte offset from base when ptr points into the used arena. */
/*@ requires ra_heap_mem(h) && \valid(off);
    assigns *off;
    // the inside case seen from the pointer side (WP cannot go from \offset to pointer
    // arithmetic); not checked by E-ACSL (mk/eacsl.mk: it would scan every unit on each call)
    ensures \forall integer u; 0 <= u < h->units && ra_unit_ptr(h, ptr, u) ==>
      \result && *off == u * 16;
    behavior inside:
      assumes ra_ptr_in(h, ptr);
      ensures \result && *off == \offset(ptr) - \offset(h->base) && (char *)ptr == h->base + *off;
    behavior outside:
      assumes !ra_ptr_in(h, ptr);
      ensures !\result;
    complete behaviors; disjoint behaviors; */
static inline bool locate(const ra_heap *h, const void *ptr, size_t *off);
/* The arena base's address modulo `alignment` (a power of two > 16); a multiple of 16 because
 * init checked the base is 16-aligned. ra_addr_mod is uninterpreted: (uintptr_t)p % a. */
/*@ requires ra_heap_mem(h) && alignment > 16 && (alignment & (alignment - 1)) == 0;
    assigns \nothing;
    ensures \result == ra_addr_mod(h->base, alignment);
    ensures 0 <= \result < alignment && \result % 16 == 0 && alignment % 16 == 0; */
static size_t base_misalign(const ra_heap *h, size_t alignment);
/* Whether p is 16-aligned as an address; true makes ra_addr_mod(p, a) a multiple of 16 for every
 * a > 16 (the precondition base_misalign relies on). */
/*@ assigns \nothing;
    ensures \result <==> ra_addr_mod((char *)p, 16) == 0; */
static bool ra_aligned16(const void *p);
/* part / whole as a double, for 0 <= part <= whole, whole > 0. Trusted: WP's float model gives
 * the provers no usable theory of rounding (measured: even "(double)a is finite" for a 64-bit a
 * timed out or came back unknown with cvc4, cvc5 and z3). IEEE 754 makes the conversions and the
 * division correctly rounded and rounding monotone, so part <= whole gives a finite quotient in
 * [0, 1]; proofs/heap_trusted.c checks edge cases and random pairs. */
/*@ requires 0 < whole && part <= whole;
    assigns \nothing;
    ensures \is_finite(\result) && 0.0 <= \result <= 1.0; */
static double share(size_t part, size_t whole);

#if !defined(__FRAMAC__)
static inline unsigned low_bit(uint64_t x)
{
    return (unsigned)__builtin_ctzll(x);
}

static inline unsigned top_bit(uint64_t x)
{
    return 63u - (unsigned)__builtin_clzll(x);
}

static inline uint64_t bit_of(unsigned k)
{
    return (uint64_t)1 << k;
}

static inline void class_of(uint32_t units, unsigned *fl, unsigned *sl)
{
    if (units < RA_HEAP_SL_COUNT) {
        *fl = 0;
        *sl = units;
    } else {
        unsigned t = top_bit(units); /* >= RA_HEAP_SL_LOG */
        *fl = t - (RA_HEAP_SL_LOG - 1u);
        *sl = (unsigned)(units >> (t - RA_HEAP_SL_LOG)) - RA_HEAP_SL_COUNT;
    }
}

static inline bool class_search(size_t units, unsigned *fl, unsigned *sl)
{
    size_t r = ra_heap_class_round(units);
    if (r > RA_HEAP_MAX_UNITS)
        return false;
    class_of((uint32_t)r, fl, sl);
    return true;
}

static inline bool locate(const ra_heap *h, const void *ptr, size_t *off)
{
    uintptr_t p = (uintptr_t)ptr, b = (uintptr_t)h->base;
    if (p < b || p - b >= (size_t)h->units * UNIT)
        return false;
    *off = (size_t)(p - b);
    return true;
}

static bool ra_aligned16(const void *p)
{
    return (uintptr_t)p % RA_HEAP_ALIGN == 0;
}

static size_t base_misalign(const ra_heap *h, size_t alignment)
{
    return (size_t)((uintptr_t)h->base & (alignment - 1u));
}

static double share(size_t part, size_t whole)
{
    return (double)part / (double)whole;
}
#endif

/* Top bit of a 64-bit value (x != 0): used by the public ra_heap_class_round. */
/*@ requires x != 0;
    assigns \nothing;
    ensures 0 <= \result < 64; */
static unsigned top_bit64(size_t x)
{
#ifndef __FRAMAC__
    return 63u - (unsigned)__builtin_clzll((unsigned long long)x);
#else
    unsigned r = 63;
    /*@ loop invariant 0 <= r <= 63;
        loop assigns r, x;
        loop variant r; */
    while (r > 0 && (x >> r) == 0)
        r--;
    return r;
#endif
}

/* ---- size classes ------------------------------------------------------------------------ */

/* Rounded up to a class boundary; saturates at SIZE_MAX (no boundary above that fits size_t). */
size_t ra_heap_class_round(size_t units)
{
    if (units < RA_HEAP_SL_COUNT)
        return units;
    unsigned t = top_bit64(units);
    if (t < RA_HEAP_SL_LOG)
        return units; /* unreachable: units >= 16 has its top bit at 4 or above */
    size_t step = bit_of(t - RA_HEAP_SL_LOG);
    //@ assert step >= 1;
    if (units > SIZE_MAX - (step - 1u))
        return SIZE_MAX;
    /* units + (step - 1), not units + step - 1: the same value, but the latter's intermediate
     * units + step wraps around when units == SIZE_MAX - (step - 1) (harmless for unsigned
     * arithmetic, yet an unsigned-overflow goal for WP). */
    size_t up = units + (step - 1u);
    //@ assert round: (size_t)(up / step) == up / step && up / step * step <= up;
    return up / step * step;
}

/* ---- block predicates and list operations ------------------------------------------------- */

/* The statistics counters are not part of the proved invariant (ra_heap_check compares them with
 * the blocks at run time; proofs/README-heap.md). They saturate instead of wrapping, so that no
 * counter update is an unsigned overflow whatever their values; on a well-formed heap they stay
 * below units * 16 and are exact. */
/*@ assigns \nothing;
    ensures \result == (a <= SIZE_MAX - b ? a + b : SIZE_MAX); */
static inline size_t sat_add(size_t a, size_t b)
{
    return a <= SIZE_MAX - b ? a + b : SIZE_MAX;
}

/*@ assigns \nothing;
    ensures \result == (a >= b ? a - b : 0); */
static inline size_t sat_sub(size_t a, size_t b)
{
    return a >= b ? a - b : 0;
}

/* x with bit k set, and with bit k cleared. Helpers so that the list operations' frame facts name
 * the new word ra_bset(x, k) / ra_bclr(x, k), the terms the bit lemmas are stated on: written
 * inline, WP's simplifier orders the operands of | and & by term, differently in the goal and in
 * the lemma, and the lemma's trigger then does not match (measured on list_remove's frame). */
/*@ requires 0 <= k < 64;
    assigns \nothing;
    ensures \result == ra_bset(x, k); */
static inline uint64_t with_bit(uint64_t x, unsigned k)
{
    return x | bit_of(k);
}

/*@ requires 0 <= k < 64;
    assigns \nothing;
    ensures \result == ra_bclr(x, k); */
static inline uint64_t without_bit(uint64_t x, unsigned k)
{
    return x & ~bit_of(k);
}

/* One more event in statistics counter *c of h (saturating). The counters are size_t and the
 * bitmaps uint64_t: one memory variable in WP's Typed model, so the bitmap component of the
 * invariant is carried over the write here, once, rather than in every caller. */
/*@ requires ra_heap_ok(h) && \valid(c) && \separated(c, &h->l);
    // (c is none of the counters the blocks add up to)
    requires \separated(c, &h->free_units, &h->free_blocks, &h->live_units, &h->live_blocks,
                        &h->used_bytes);
    assigns *c;
    ensures ra_heap_ok(h) && *c == (\old(*c) < SIZE_MAX ? \old(*c) + 1 : SIZE_MAX);
    ensures counted: RA_COUNTED(
      \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == \old(ra_gap(h, k))); */
static inline void bump(ra_heap *h, size_t *c)
{
    (void)h; /* read by the contract only */
    *c = sat_add(*c, 1);
    //@ assert frame_bits: ra_bitmaps_kept{Pre, Here}(h);
    //@ assert bitmaps: \forall integer f; 0 <= f < 28 ==> ra_sl_word(h, f);
    //@ assert bitmaps: \forall integer f; 0 <= f < 28 ==> (ra_bit(h->l.fl_bitmap, f) <==> h->l.sl_bitmap[f] != 0);
    //@ assert bitmaps: \forall integer k; 28 <= k < 64 ==> !ra_bit(h->l.fl_bitmap, k);
    //@ assert bitmaps: ra_bitmaps(h);
}

/* The size and the left neighbour of record u. (A call rather than the read in place where the
 * read's validity goal, after the join of several paths, took the provers long: the precondition
 * is what the caller's `block` assertion states.) */
/*@ requires ra_heap_mem(h) && u <= h->units;
    assigns \nothing;
    ensures \result == h->meta[u].size; */
static inline uint32_t size_of(const ra_heap *h, uint32_t u)
{
    return h->meta[u].size;
}

/*@ requires ra_heap_mem(h) && u <= h->units;
    assigns \nothing;
    ensures \result == h->meta[u].prev; */
static inline uint32_t prev_of(const ra_heap *h, uint32_t u)
{
    return h->meta[u].prev;
}

/*@ requires ra_heap_mem(h) && u <= h->units;
    assigns \nothing;
    ensures \result <==> (h->meta[u].size != 0 && h->meta[u].back != -2); */
static inline bool is_free(const ra_heap *h, uint32_t u)
{
    return h->meta[u].size != 0 && h->meta[u].back != LIVE;
}

/* Put free-to-be block u (out of every list) at the head of its class list and mark it free.
 * Ghosts: x is the other block that may be out of the lists; z is the live block whose recorded
 * slack may be stale (resize_in_place sets it afterwards), or u itself, or NONE. */
/*@ requires ra_heap_mem(h) && ra_tiling(h) && ra_beyond(h) && ra_bitmaps(h);
    requires ra_heads(h, u, x) && ra_links(h, u, x) && ra_merged(h, u, x) && ra_slack(h, z);
    requires ra_start(h, u) && u != x;
    requires ra_end(h, u) < h->units && ra_end(h, u) != x ==> !ra_free(h, ra_end(h, u));
    requires u != 0 && h->meta[u].prev != x ==> !ra_free(h, h->meta[u].prev);
    // (assigns stated by range: callers then need no list fact to discharge their own)
    assigns h->meta[0 .. h->units].next, h->meta[0 .. h->units].back,
            h->l, h->free_units,
            h->free_blocks;
    ensures mem: ra_heap_mem(h);
    ensures tiling: ra_tiling(h);
    ensures beyond: ra_beyond(h);
    ensures heads: ra_heads(h, x, 0xffffffff);
    ensures links: ra_links(h, x, 0xffffffff);
    ensures bitmaps: ra_bitmaps(h);
    ensures merged: ra_merged(h, x, 0xffffffff);
    ensures slack: ra_slack(h, z == u ? 0xffffffff : z);
    ensures listed: ra_free(h, u) && h->meta[u].back == -1;
    ensures shape: ra_same_shape{Old, Here}(h);
    ensures live_kept: ra_live_kept{Old, Here}(h, u);
    ensures state_kept: ra_state_kept{Old, Here}(h, u);
    ensures counted: RA_COUNTED(\old(h->free_units) + h->meta[u].size <= SIZE_MAX &&
      \old(h->free_blocks) + 1 <= SIZE_MAX ==>
      \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == \old(ra_gap(h, k)) + \old(ra_cnt(h, k, u)));
    ensures counted: RA_COUNTED(
      \forall integer k, i; i != u ==> ra_cnt(h, k, i) == \old(ra_cnt(h, k, i))); */
static inline void list_insert(ra_heap *h, uint32_t u) /*@ ghost (uint32_t x, uint32_t z) */
{
    unsigned fl, sl;
    //@ assert tiling: h->meta[u].size <= 0x7fffffff;
    class_of(h->meta[u].size, &fl, &sl);
    /*@ assert heads: h->l.heads[fl][sl] == -1 ||
          (ra_free(h, h->l.heads[fl][sl]) && h->l.heads[fl][sl] != u && h->l.heads[fl][sl] != x &&
           h->meta[h->l.heads[fl][sl]].back == -1); */
    int32_t head = (int32_t)h->l.heads[fl][sl];
    h->meta[u].next = head;
    h->meta[u].back = NIL;
    if (head != NIL)
        h->meta[head].back = (int32_t)u;
    h->l.heads[fl][sl] = (int32_t)u;
    h->l.sl_bitmap[fl] = with_bit(h->l.sl_bitmap[fl], sl);
    h->l.fl_bitmap = with_bit(h->l.fl_bitmap, fl);
    h->free_units = sat_add(h->free_units, h->meta[u].size);
    h->free_blocks = sat_add(h->free_blocks, 1);
    /* What changed, as frame facts; spec/heap_list_lemmas.acsl turns them into the invariant. */
    //@ assert frame_links: ra_links_kept{Pre, Here}(h, u, head);
    //@ assert frame_heads: ra_heads_kept{Pre, Here}(h, fl, sl);
    //@ assert frame_all: ra_inserted{Pre, Here}(h, u, x, fl, sl, head);
    //@ assert frame_state: ra_state_kept{Pre, Here}(h, u);
    //@ assert frame_bits: ra_bits_set{Pre, Here}(h, fl, sl);
    //@ assert post_heads: ra_heads(h, x, 0xffffffff);
    //@ assert post_links: ra_links(h, x, 0xffffffff);
    //@ assert post_merged: ra_merged(h, x, 0xffffffff);
    //@ assert post_bitmaps: ra_bitmaps(h);
    /* counted: only u changes state (to free, its terms as a free block); the old head stays free */
    /*@ assert counted: RA_COUNTED(\forall integer i; i != u && i != head ==>
          h->meta[i].size == \at(h->meta[i].size, Pre) &&
          h->meta[i].back == \at(h->meta[i].back, Pre) &&
          h->meta[i].next == \at(h->meta[i].next, Pre)); */
    /*@ assert counted: RA_COUNTED(\forall integer i; i == head && head != -1 ==>
          h->meta[i].size == \at(h->meta[i].size, Pre) && h->meta[i].back != -2 &&
          \at(h->meta[i].back, Pre) == -1 && h->meta[i].next == \at(h->meta[i].next, Pre)); */
    /*@ assert counted: RA_COUNTED(
          \forall integer k, i; i != u ==> ra_cnt(h, k, i) == \at(ra_cnt(h, k, i), Pre)); */
    /*@ assert counted: RA_COUNTED(\forall integer k; ra_sum(h, k, h->units) ==
          \at(ra_sum(h, k, h->units), Pre) + ra_cnt(h, k, u) - \at(ra_cnt(h, k, u), Pre)); */
    /*@ assert counted: RA_COUNTED(ra_cnt(h, 0, u) == h->meta[u].size && ra_cnt(h, 1, u) == 1 &&
          ra_cnt(h, 2, u) == 0 && ra_cnt(h, 3, u) == 0 && ra_cnt(h, 4, u) == 0); */
    /*@ assert counted: RA_COUNTED(\at(h->free_units, Pre) + h->meta[u].size <= SIZE_MAX &&
          \at(h->free_blocks, Pre) + 1 <= SIZE_MAX ==>
          h->free_units == \at(h->free_units, Pre) + h->meta[u].size &&
          h->free_blocks == \at(h->free_blocks, Pre) + 1); */
    /*@ assert counted: RA_COUNTED(h->live_units == \at(h->live_units, Pre) &&
          h->live_blocks == \at(h->live_blocks, Pre) &&
          h->used_bytes == \at(h->used_bytes, Pre)); */
    /*@ assert counted: RA_COUNTED(\at(h->free_units, Pre) + h->meta[u].size <= SIZE_MAX &&
          \at(h->free_blocks, Pre) + 1 <= SIZE_MAX ==> \forall integer k; 0 <= k <= 4 ==>
          ra_counter(h, k) == \at(ra_counter(h, k), Pre) + ra_cnt(h, k, u)); */
}

/* Take free block u out of its list. Its own record is unchanged (its links become stale). */
/*@ requires ra_heap_ok(h) && ra_free(h, u);
    // (assigns stated by range: callers then need no list fact to discharge their own)
    assigns h->meta[0 .. h->units].next, h->meta[0 .. h->units].back,
            h->l, h->free_units,
            h->free_blocks;
    ensures mem: ra_heap_mem(h);
    ensures tiling: ra_tiling(h);
    ensures beyond: ra_beyond(h);
    ensures heads: ra_heads(h, u, 0xffffffff);
    ensures links: ra_links(h, u, 0xffffffff);
    ensures bitmaps: ra_bitmaps(h);
    ensures merged: ra_merged(h, u, 0xffffffff);
    ensures slack: ra_slack(h, u) && ra_slack(h, 0xffffffff);
    ensures same: h->meta[u] == \old(h->meta[u]);
    ensures right: ra_end(h, u) < h->units ==> !ra_free(h, ra_end(h, u));
    ensures left: u != 0 ==> !ra_free(h, h->meta[u].prev);
    ensures shape: ra_same_shape{Old, Here}(h);
    ensures live_kept: ra_live_kept{Old, Here}(h, u);
    ensures state_kept: ra_state_kept{Old, Here}(h, 0xffffffff);
    ensures counted: RA_COUNTED(
      \old(h->free_units) >= h->meta[u].size && \old(h->free_blocks) >= 1 ==>
      \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == \old(ra_gap(h, k)) - ra_cnt(h, k, u));
    ensures counted: RA_COUNTED(
      h->free_units <= \old(h->free_units) && h->free_blocks <= \old(h->free_blocks));
    ensures counted: RA_COUNTED(\forall integer k, i; ra_cnt(h, k, i) == \old(ra_cnt(h, k, i))); */
static inline void list_remove(ra_heap *h, uint32_t u)
{
    unsigned fl, sl;
    //@ assert tiling: h->meta[u].size <= 0x7fffffff;
    class_of(h->meta[u].size, &fl, &sl);
    //@ ghost int64_t old_head = h->l.heads[fl][sl];
    int32_t next = h->meta[u].next, back = h->meta[u].back;
    /*@ assert nbrs: (ra_end(h, u) < h->units ==> !ra_free(h, ra_end(h, u))) &&
                     (u != 0 ==> !ra_free(h, h->meta[u].prev)); */
    /*@ assert links: (next == -1 || (ra_free(h, next) && h->meta[next].back == u)) &&
                      (back == -1 ? h->l.heads[fl][sl] == u :
                        (ra_free(h, back) && h->meta[back].next == u)); */
    if (back != NIL)
        h->meta[back].next = next;
    else
        h->l.heads[fl][sl] = next;
    if (next != NIL)
        h->meta[next].back = back;
    if (h->l.heads[fl][sl] == NIL) {
        h->l.sl_bitmap[fl] = without_bit(h->l.sl_bitmap[fl], sl);
        if (h->l.sl_bitmap[fl] == 0)
            h->l.fl_bitmap = without_bit(h->l.fl_bitmap, fl);
    }
    h->free_units = sat_sub(h->free_units, h->meta[u].size);
    h->free_blocks = sat_sub(h->free_blocks, 1);
    /* The frame in pieces (one goal for everything took 6-7 s: brittle at the limit). */
    //@ assert frame_shape: ra_same_shape{Pre, Here}(h);
    /*@ assert frame_next: \forall integer i; 0 <= i <= \at(h->units, Pre) ==>
          h->meta[i].next == (back != -1 && i == back ? next : \at(h->meta[i].next, Pre)); */
    /*@ assert frame_back: \forall integer i; 0 <= i <= \at(h->units, Pre) ==>
          h->meta[i].back == (next != -1 && i == next ? back : \at(h->meta[i].back, Pre)); */
    //@ assert frame_heads: ra_heads_kept{Pre, Here}(h, fl, sl);
    //@ assert frame_all: ra_removed{Pre, Here}(h, u, fl, sl);
    //@ assert frame_state: ra_state_kept{Pre, Here}(h, 0xffffffff);
    //@ assert frame_old: h->l.heads[fl][sl] != -1 ==> old_head != -1;
    //@ assert frame_bits: ra_bits_cleared{Pre, Here}(h, fl, sl);
    //@ assert post_heads: ra_heads(h, u, 0xffffffff);
    //@ assert post_links: ra_links(h, u, 0xffffffff);
    //@ assert post_merged: ra_merged(h, u, 0xffffffff);
    //@ assert post_bitmaps: ra_bitmaps(h);
    /* counted: no record changes state (the links are not counted), so every sum is kept */
    /*@ assert counted: RA_COUNTED(\forall integer i;
          h->meta[i].size == \at(h->meta[i].size, Pre) &&
          (h->meta[i].back == -2 <==> \at(h->meta[i].back, Pre) == -2) &&
          (\at(h->meta[i].back, Pre) == -2 ==> h->meta[i].next == \at(h->meta[i].next, Pre))); */
    /*@ assert counted: RA_COUNTED(
          \forall integer k, i; ra_cnt(h, k, i) == \at(ra_cnt(h, k, i), Pre)); */
    /*@ assert counted: RA_COUNTED(
          \forall integer k; ra_sum(h, k, h->units) == \at(ra_sum(h, k, h->units), Pre)); */
    /* counted, counter by counter (the postcondition in one step took 7 to 10 s) */
    /*@ assert counted: RA_COUNTED(ra_cnt(h, 0, u) == h->meta[u].size && ra_cnt(h, 1, u) == 1 &&
          ra_cnt(h, 2, u) == 0 && ra_cnt(h, 3, u) == 0 && ra_cnt(h, 4, u) == 0); */
    /*@ assert counted: RA_COUNTED(\at(h->free_units, Pre) >= h->meta[u].size &&
          \at(h->free_blocks, Pre) >= 1 ==>
          h->free_units == \at(h->free_units, Pre) - h->meta[u].size &&
          h->free_blocks == \at(h->free_blocks, Pre) - 1); */
    /*@ assert counted: RA_COUNTED(h->live_units == \at(h->live_units, Pre) &&
          h->live_blocks == \at(h->live_blocks, Pre) &&
          h->used_bytes == \at(h->used_bytes, Pre)); */
    /*@ assert counted: RA_COUNTED(\at(h->free_units, Pre) >= h->meta[u].size &&
          \at(h->free_blocks, Pre) >= 1 ==> \forall integer k; 0 <= k <= 4 ==>
          ra_counter(h, k) == \at(ra_counter(h, k), Pre) - ra_cnt(h, k, u)); */
}

/* First free block of at least class_round(units) units, or NONE. Two bitmap scans. */
/*@ requires ra_heap_ok(h) && 1 <= units <= 0x7fffffff;
    assigns \nothing;
    ensures \result == 0xffffffff || (ra_free(h, \result) && h->meta[\result].size >= units); */
static inline uint32_t find_fit(const ra_heap *h, size_t units)
{
    unsigned fl, sl;
    if (!class_search(units, &fl, &sl))
        return NONE;
    uint64_t bits = h->l.sl_bitmap[fl] >> sl;
    if (bits != 0) {
        sl += low_bit(bits);
    } else {
        uint64_t fbits = h->l.fl_bitmap >> (fl + 1u);
        if (fbits == 0)
            return NONE;
        fl += 1u + low_bit(fbits);
        sl = low_bit(h->l.sl_bitmap[fl]);
    }
    int64_t head = h->l.heads[fl][sl];
    return head < 0 ? NONE : (uint32_t)head; /* never NIL: the bit says the list is non-empty */
}

/* Cut block u (not in any list) to `units` units; the rest becomes a block of its own, out of
 * every list and marked free (next = back = NIL: not live, and linked nowhere).
 *     [ u: size         ]  ->  [ u: units | rest: size - units ]
 * The rest's right neighbour is never free here: callers cut blocks that were free (so their
 * neighbours are not) or merge the rest themselves (resize_in_place). */
/*@ requires ra_wf(h, u, 0xffffffff) && ra_start(h, u) && 0 < units < h->meta[u].size;
    // (assigns by range and field, as for the list helpers: callers compare like with like)
    assigns h->meta[0 .. h->units].size, h->meta[0 .. h->units].prev, h->meta[0 .. h->units].next,
            h->meta[0 .. h->units].back;
    ensures rest: \result == u + units;
    ensures units: h->units == \old(h->units) && h->capacity == \old(h->capacity);
    ensures mem: ra_heap_mem(h);
    ensures tiling: ra_tiling(h);
    ensures beyond: ra_beyond(h);
    ensures heads: ra_heads(h, u, \result);
    ensures links: ra_links(h, u, \result);
    ensures bitmaps: ra_bitmaps(h);
    ensures merged: ra_merged(h, u, \result);
    ensures slack: ra_slack(h, u);
    ensures slack_rest: \old(h->meta[u].back) != -2 ==> ra_slack(h, \result);
    ensures rest_free: ra_start(h, \result) && ra_free(h, \result) && h->meta[\result].prev == u &&
                       h->meta[\result].back == -1;
    ensures sizes: ra_start(h, u) && h->meta[u].size == units &&
                   ra_end(h, \result) == \old(ra_end(h, u));
    ensures u_kept: h->meta[u].prev == \old(h->meta[u].prev) &&
                    h->meta[u].next == \old(h->meta[u].next) &&
                    h->meta[u].back == \old(h->meta[u].back);
    ensures right: ra_end(h, \result) < h->units ==>
                   (ra_free(h, ra_end(h, \result)) <==> \old(ra_free(h, ra_end(h, u))));
    ensures live_kept: ra_live_data_kept{Old, Here}(h, u, u);
    ensures state_kept: ra_state_kept{Old, Here}(h, \result);
    // (the counters are not touched: each gap moves by what u and the rest add to its sum)
    ensures counted: RA_COUNTED(\forall integer k; 0 <= k <= 4 ==>
      ra_gap(h, k) == \old(ra_gap(h, k)) + \old(ra_cnt(h, k, u)) - ra_cnt(h, k, u) -
                      ra_cnt(h, k, \result)); */
static inline uint32_t split(ra_heap *h, uint32_t u, uint32_t units)
{
    uint32_t size = h->meta[u].size;
    //@ assert tiling: h->meta[u + units].size == 0 && u + size <= h->units;
    uint32_t rest = u + units;
    h->meta[rest].size = size - units;
    h->meta[rest].prev = u;
    h->meta[rest].next = NIL;
    h->meta[rest].back = NIL;
    h->meta[u + size].prev = rest;
    h->meta[u].size = units;
    /* What changed, field by field; spec/heap_split_lemmas.acsl turns it into the invariant. */
    //@ assert frame_h: h->units == \at(h->units, Pre) && h->capacity == \at(h->capacity, Pre);
    //@ assert frame_size: ra_split_sizes{Pre, Here}(h, u, units, rest);
    //@ assert frame_prev: ra_split_prevs{Pre, Here}(h, u, rest);
    //@ assert frame_next: ra_nexts_set{Pre, Here}(h, rest, -1);
    //@ assert frame_back: ra_backs_set{Pre, Here}(h, rest, -1);
    //@ assert frame_heads: ra_heads_same{Pre, Here}(h);
    //@ assert frame: ra_split_frame{Pre, Here}(h, u, units, rest);
    //@ assert post_tiling: ra_tiling(h);
    //@ assert post_beyond: ra_beyond(h);
    //@ assert post_heads: ra_heads(h, u, rest);
    //@ assert post_links: ra_links(h, u, rest);
    //@ assert post_merged: ra_merged(h, u, rest);
    //@ assert post_slack: ra_slack(h, u) && (\at(h->meta[u].back, Pre) != -2 ==> ra_slack(h, rest));
    /* counted: only u and rest (interior before: it added nothing) change what they add */
    /*@ assert counted: RA_COUNTED(
          \forall integer k, i; 0 <= i < h->units && i != u && i != rest ==>
          ra_cnt(h, k, i) == \at(ra_cnt(h, k, i), Pre)); */
    //@ assert counted: RA_COUNTED(\forall integer k; \at(ra_cnt(h, k, u + units), Pre) == 0);
    /*@ assert counted: RA_COUNTED(\forall integer k; ra_sum(h, k, h->units) ==
          \at(ra_sum(h, k, h->units), Pre) + ra_cnt(h, k, u) - \at(ra_cnt(h, k, u), Pre) +
          ra_cnt(h, k, rest)); */
    return rest;
}

/* Block u absorbs its right neighbour v (out of every list, or live); v's record becomes
 * interior. u is out of the lists or live. */
/*@ requires ra_wf(h, x, y) && ra_start(h, u) && v == ra_end(h, u) && ra_start(h, v);
    requires u == x || u == y || ra_live(h, u);
    requires v == x || v == y || ra_live(h, v);
    // (assigns by range and field, as for the list helpers: callers compare like with like)
    assigns h->meta[0 .. h->units].size, h->meta[0 .. h->units].prev, h->meta[0 .. h->units].next,
            h->meta[0 .. h->units].back;
    ensures mem: ra_heap_mem(h);
    ensures tiling: ra_tiling(h);
    ensures beyond: ra_beyond(h);
    ensures heads: ra_heads(h, (x == v ? 0xffffffff : x), (y == v ? 0xffffffff : y));
    ensures links: ra_links(h, (x == v ? 0xffffffff : x), (y == v ? 0xffffffff : y));
    ensures bitmaps: ra_bitmaps(h);
    ensures merged: ra_merged(h, (x == v ? 0xffffffff : x), (y == v ? 0xffffffff : y));
    ensures slack: ra_slack(h, (x == v ? 0xffffffff : x));
    ensures ends: ra_end(h, u) == \old(ra_end(h, v)) && ra_start(h, u) && h->meta[v].size == 0;
    ensures units: h->units == \old(h->units) && h->capacity == \old(h->capacity);
    ensures u_kept: h->meta[u].prev == \old(h->meta[u].prev) &&
                    h->meta[u].next == \old(h->meta[u].next) &&
                    h->meta[u].back == \old(h->meta[u].back);
    ensures live_kept: ra_live_data_kept{Old, Here}(h, u, v);
    // (the counters are not touched: each gap moves by what u and v added and u adds now)
    ensures counted: RA_COUNTED(\forall integer k; 0 <= k <= 4 ==>
      ra_gap(h, k) == \old(ra_gap(h, k)) + \old(ra_cnt(h, k, u)) + \old(ra_cnt(h, k, v)) -
                      ra_cnt(h, k, u)); */
static inline void absorb_next(ra_heap *h, uint32_t u, uint32_t v) /*@ ghost (uint32_t x, uint32_t y) */
{
    uint32_t vsize = h->meta[v].size;
    //@ assert tiling: v + vsize <= h->units;
    h->meta[v + vsize].prev = u;
    h->meta[u].size += vsize;
    /* v becomes interior: field by field (the same stores as a struct assignment), so that WP
     * sees four field writes rather than a record store */
    h->meta[v].size = 0;
    h->meta[v].prev = 0;
    h->meta[v].next = 0;
    h->meta[v].back = 0;
    /* What changed, field by field; spec/heap_merge_lemmas.acsl turns it into the invariant. */
    //@ assert frame_h: h->units == \at(h->units, Pre) && h->capacity == \at(h->capacity, Pre);
    //@ assert frame_size: ra_absorb_sizes{Pre, Here}(h, u, v);
    //@ assert frame_prev: ra_absorb_prevs{Pre, Here}(h, u, v);
    //@ assert frame_next: ra_nexts_set{Pre, Here}(h, v, 0);
    //@ assert frame_back: ra_backs_set{Pre, Here}(h, v, 0);
    //@ assert frame_heads: ra_heads_same{Pre, Here}(h);
    //@ assert frame: ra_absorb_frame{Pre, Here}(h, u, v, x, y);
    //@ assert post_tiling: ra_tiling(h);
    //@ assert post_beyond: ra_beyond(h);
    //@ assert post_heads: ra_heads(h, ra_unexclude(x, v), ra_unexclude(y, v));
    //@ assert post_links: ra_links(h, ra_unexclude(x, v), ra_unexclude(y, v));
    //@ assert post_merged: ra_merged(h, ra_unexclude(x, v), ra_unexclude(y, v));
    //@ assert post_slack: ra_slack(h, ra_unexclude(x, v));
    /* counted: only u and v (interior now: it adds nothing) change what they add */
    /* (ra_sum_update2's bounds named: without this step, and with no other lemma in scope, cvc4
     * timed out on the sum below) */
    //@ assert counted: RA_COUNTED(0 <= u < h->units && 0 <= v < h->units && u != v);
    /*@ assert counted: RA_COUNTED(\forall integer k, i; 0 <= i < h->units && i != u && i != v ==>
          ra_cnt(h, k, i) == \at(ra_cnt(h, k, i), Pre)); */
    //@ assert counted: RA_COUNTED(\forall integer k; ra_cnt(h, k, v) == 0);
    /*@ assert counted: RA_COUNTED(\forall integer k; ra_sum(h, k, h->units) ==
          \at(ra_sum(h, k, h->units), Pre) + ra_cnt(h, k, u) - \at(ra_cnt(h, k, u), Pre) +
          ra_cnt(h, k, v) - \at(ra_cnt(h, k, v), Pre)); */
}

/* The address of unit u; u == units (the end of the arena) too, for extend. */
/*@ requires ra_heap_mem(h) && u <= h->units;
    assigns \nothing;
    ensures \result == h->base + u * 16; */
static inline char *ptr_of(const ra_heap *h, uint32_t u)
{
    return h->base + (size_t)u * UNIT;
}

/* Block u (out of every list) becomes live with a request of req bytes. counted: each counter's
 * gap to its sum over the blocks (spec/heap_counts.acsl) grows by what u added to that sum
 * before: the live counters gain u's terms as a live block, the free ones are left to the caller
 * (list_remove took u's terms off them when it unlisted it). */
/*@ requires ra_wf(h, u, 0xffffffff) && ra_start(h, u) && req <= h->meta[u].size * 16 <= req + 16;
    assigns h->meta[u].back, h->meta[u].next, h->live_units, h->live_blocks, h->used_bytes,
            h->peak_used_bytes;
    ensures ra_heap_ok(h) && ra_live(h, u);
    ensures counted: RA_COUNTED(\old(h->live_units) + h->meta[u].size <= SIZE_MAX &&
      \old(h->live_blocks) + 1 <= SIZE_MAX && \old(h->used_bytes) + req <= SIZE_MAX ==>
      \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == \old(ra_gap(h, k)) + \old(ra_cnt(h, k, u))); */
static inline void mark_live(ra_heap *h, uint32_t u, size_t req)
{
    size_t bytes = (size_t)h->meta[u].size * UNIT;
    h->meta[u].back = LIVE;
    h->meta[u].next = (int32_t)(bytes - req); /* 0 .. 16: blocks are cut to the request */
    h->live_units = sat_add(h->live_units, h->meta[u].size);
    h->live_blocks = sat_add(h->live_blocks, 1);
    h->used_bytes = sat_add(h->used_bytes, req);
    if (h->used_bytes > h->peak_used_bytes)
        h->peak_used_bytes = h->used_bytes;
    /* What changed; spec/heap_merge_lemmas.acsl turns it into the invariant. */
    //@ assert frame: ra_mark_frame{Pre, Here}(h, u);
    //@ assert beyond: ra_beyond(h);
    //@ assert post_heads: ra_heads(h, 0xffffffff, 0xffffffff);
    //@ assert post_links: ra_links(h, 0xffffffff, 0xffffffff);
    //@ assert post_merged: ra_merged(h, 0xffffffff, 0xffffffff);
    //@ assert post_slack: ra_slack(h, 0xffffffff);
    /* The counters are size_t, the bitmaps uint64_t: one memory variable in WP's Typed model, so
     * the (opaque) bitmap component needs its own goal to carry over the counter writes. */
    //@ assert frame_bits: ra_bitmaps_kept{Pre, Here}(h);
    //@ assert bitmaps: \forall integer f; 0 <= f < 28 ==> ra_sl_word(h, f);
    //@ assert bitmaps: \forall integer f; 0 <= f < 28 ==> (ra_bit(h->l.fl_bitmap, f) <==> h->l.sl_bitmap[f] != 0);
    //@ assert bitmaps: \forall integer k; 28 <= k < 64 ==> !ra_bit(h->l.fl_bitmap, k);
    //@ assert bitmaps: ra_bitmaps(h);
    /*@ assert counted: RA_COUNTED(
          \forall integer k, i; i != u ==> ra_cnt(h, k, i) == \at(ra_cnt(h, k, i), Pre)); */
    /*@ assert counted: RA_COUNTED(\forall integer k; ra_sum(h, k, h->units) ==
          \at(ra_sum(h, k, h->units), Pre) + ra_cnt(h, k, u) - \at(ra_cnt(h, k, u), Pre)); */
    /* counted, counter by counter (the postcondition in one step took 8 to 15 s) */
    /*@ assert counted: RA_COUNTED(ra_cnt(h, 0, u) == 0 && ra_cnt(h, 1, u) == 0 &&
          ra_cnt(h, 2, u) == h->meta[u].size && ra_cnt(h, 3, u) == 1 &&
          ra_cnt(h, 4, u) == req); */
    /*@ assert counted: RA_COUNTED(\at(h->live_units, Pre) + h->meta[u].size <= SIZE_MAX &&
          \at(h->live_blocks, Pre) + 1 <= SIZE_MAX &&
          \at(h->used_bytes, Pre) + req <= SIZE_MAX ==>
          h->live_units == \at(h->live_units, Pre) + h->meta[u].size &&
          h->live_blocks == \at(h->live_blocks, Pre) + 1 &&
          h->used_bytes == \at(h->used_bytes, Pre) + req); */
    /*@ assert counted: RA_COUNTED(h->free_units == \at(h->free_units, Pre) &&
          h->free_blocks == \at(h->free_blocks, Pre)); */
    /*@ assert counted: RA_COUNTED(\at(h->live_units, Pre) + h->meta[u].size <= SIZE_MAX &&
          \at(h->live_blocks, Pre) + 1 <= SIZE_MAX &&
          \at(h->used_bytes, Pre) + req <= SIZE_MAX ==>
          \forall integer k; 0 <= k <= 4 ==>
          ra_counter(h, k) == \at(ra_counter(h, k), Pre) + ra_cnt(h, k, u)); */
    UNPOISON(ptr_of(h, u), req);
    MSAN_FRESH(ptr_of(h, u), req);
}

/*@ requires ra_heap_mem(h) && ra_live(h, u) && 0 <= h->meta[u].next <= h->meta[u].size * 16;
    assigns \nothing;
    ensures \result == h->meta[u].size * 16 - h->meta[u].next; */
static inline size_t req_of(const ra_heap *h, uint32_t u)
{
    return (size_t)h->meta[u].size * UNIT - (size_t)h->meta[u].next;
}

/* Block u stops counting as live (release then frees it). Only counters change. counted: each
 * counter's gap to its sum shrinks by what u adds to it (its terms as a live block). */
/*@ requires ra_heap_ok(h) && ra_live(h, u);
    assigns h->live_units, h->live_blocks, h->used_bytes;
    ensures ra_heap_ok(h) && ra_live(h, u);
    ensures counted: RA_COUNTED(
      \old(h->live_units) >= h->meta[u].size && \old(h->live_blocks) >= 1 &&
      \old(h->used_bytes) >= h->meta[u].size * 16 - h->meta[u].next ==>
      \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == \old(ra_gap(h, k)) - ra_cnt(h, k, u));
    // (on a counted heap the live counters cover u, so the gaps become minus u's terms)
    ensures counted: RA_COUNTED(\old(ra_counted(h)) ==>
      \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == -ra_cnt(h, k, u)); */
static inline void unmark_live(ra_heap *h, uint32_t u)
{
    /* req_of needs the recorded slack to fit the block: the slack component of the invariant. */
    //@ assert slack: 0 <= h->meta[u].next <= h->meta[u].size * 16;
    /* counted: u is one term of the live sums, so counters equal to them cover it */
    //@ assert counted: RA_COUNTED(ra_cnt(h, 2, u) == h->meta[u].size && ra_cnt(h, 3, u) == 1);
    //@ assert counted: RA_COUNTED(ra_cnt(h, 4, u) == h->meta[u].size * 16 - h->meta[u].next);
    /*@ assert counted: RA_COUNTED(ra_cnt(h, 2, u) <= ra_sum(h, 2, h->units) &&
          ra_cnt(h, 3, u) <= ra_sum(h, 3, h->units) && ra_cnt(h, 4, u) <= ra_sum(h, 4, h->units)); */
    /*@ assert counted: RA_COUNTED(ra_counted(h) ==> h->live_units >= h->meta[u].size &&
          h->live_blocks >= 1 && h->used_bytes >= h->meta[u].size * 16 - h->meta[u].next); */
    h->live_units = sat_sub(h->live_units, h->meta[u].size);
    h->live_blocks = sat_sub(h->live_blocks, 1);
    h->used_bytes = sat_sub(h->used_bytes, req_of(h, u));
    /*@ assert counted: RA_COUNTED(
          \forall integer k, i; ra_cnt(h, k, i) == \at(ra_cnt(h, k, i), Pre)); */
    /*@ assert counted: RA_COUNTED(
          \forall integer k; ra_sum(h, k, h->units) == \at(ra_sum(h, k, h->units), Pre)); */
    /* counted, counter by counter (the postconditions in one step took 12 to 18 s) */
    //@ assert counted: RA_COUNTED(ra_cnt(h, 0, u) == 0 && ra_cnt(h, 1, u) == 0);
    /*@ assert counted: RA_COUNTED(\at(h->live_units, Pre) >= h->meta[u].size &&
          \at(h->live_blocks, Pre) >= 1 &&
          \at(h->used_bytes, Pre) >= h->meta[u].size * 16 - h->meta[u].next ==>
          h->live_units == \at(h->live_units, Pre) - h->meta[u].size &&
          h->live_blocks == \at(h->live_blocks, Pre) - 1 &&
          h->used_bytes == \at(h->used_bytes, Pre) - (h->meta[u].size * 16 - h->meta[u].next)); */
    /*@ assert counted: RA_COUNTED(h->free_units == \at(h->free_units, Pre) &&
          h->free_blocks == \at(h->free_blocks, Pre)); */
    /*@ assert counted: RA_COUNTED(\at(h->live_units, Pre) >= h->meta[u].size &&
          \at(h->live_blocks, Pre) >= 1 &&
          \at(h->used_bytes, Pre) >= h->meta[u].size * 16 - h->meta[u].next ==>
          \forall integer k; 0 <= k <= 4 ==>
          ra_counter(h, k) == \at(ra_counter(h, k), Pre) - ra_cnt(h, k, u)); */
    /* The counters share WP's memory variable with the bitmaps (see mark_live). */
    //@ assert frame_bits: ra_bitmaps_kept{Pre, Here}(h);
    //@ assert bitmaps: \forall integer f; 0 <= f < 28 ==> ra_sl_word(h, f);
    //@ assert bitmaps: \forall integer f; 0 <= f < 28 ==> (ra_bit(h->l.fl_bitmap, f) <==> h->l.sl_bitmap[f] != 0);
    //@ assert bitmaps: \forall integer k; 28 <= k < 64 ==> !ra_bit(h->l.fl_bitmap, k);
    //@ assert bitmaps: ra_bitmaps(h);
    POISON(ptr_of(h, u), (size_t)h->meta[u].size * UNIT);
}

/* Free block u (live-marked, in no list): merge with free neighbours, then list the result.
 *     [ p: free | u | v: free ]  ->  [ p: free (p + u + v) ] */
/*@ requires ra_heap_ok(h) && ra_live(h, u);
    assigns h->meta[0 .. h->units].size, h->meta[0 .. h->units].prev, h->meta[0 .. h->units].next,
            h->meta[0 .. h->units].back,
            h->l, h->free_units,
            h->free_blocks;
    ensures ra_heap_ok(h) && !ra_live(h, u);
    // every other live block stays live, with its size
    ensures live_kept: \forall integer w; \at(ra_live(h, w), Pre) && w != u ==> ra_live(h, w) &&
      h->meta[w].size == \at(h->meta[w].size, Pre);
    // u's terms leave every sum (it is free now, and merged): each counter's gap grows by them
    // (the free counters are updated as the blocks move in and out of the lists, the live ones
    // are the caller's). Guarded by: the free counters equal their sums, so that no removal
    // from a list runs them out and the insertion cannot saturate them.
    ensures counted: RA_COUNTED(\old(ra_free_counted(h)) ==> \forall integer k; 0 <= k <= 4 ==>
      ra_gap(h, k) == \old(ra_gap(h, k)) + \old(ra_cnt(h, k, u))); */
static inline void release(ra_heap *h, uint32_t u)
{
    //@ ghost uint32_t z = NONE;
    //@ ghost uint32_t u0 = u;
    //@ assert tiling: ra_end(h, u) <= h->units && h->meta[h->units].size == 0;
    uint32_t v = u + h->meta[u].size;
    if (is_free(h, v)) {
        /* w, the block after v, is live (or the end): it stays so through the merge, and it is
         * u's right neighbour afterwards */
        //@ assert tiling: ra_end(h, v) <= h->units;
        //@ ghost uint32_t w = v + h->meta[v].size;
        //@ assert tiling: w < h->units ==> ra_start(h, w);
        //@ assert merged: w < h->units ==> !ra_free(h, w);
        /* counted: v is one term of the free sums, so free counters equal to them cover it */
        /*@ assert counted: RA_COUNTED(
              v < h->units && ra_cnt(h, 0, v) == h->meta[v].size && ra_cnt(h, 1, v) == 1); */
        /*@ assert counted: RA_COUNTED(ra_cnt(h, 0, v) <= ra_sum(h, 0, h->units) &&
              ra_cnt(h, 1, v) <= ra_sum(h, 1, h->units)); */
        /*@ assert counted: RA_COUNTED(\at(ra_free_counted(h), Pre) ==>
              h->free_units >= h->meta[v].size && h->free_blocks >= 1); */
        list_remove(h, v);
        /*@ assert kept: \forall integer w; \at(ra_live(h, w), Pre) && w != u0 ==> ra_live(h, w) &&
              h->meta[w].size == \at(h->meta[w].size, Pre); */
        //@ assert w < h->units ==> ra_live(h, w);
        /*@ assert counted: RA_COUNTED(
              \at(ra_free_counted(h), Pre) ==> \forall integer k; 0 <= k <= 4 ==>
              ra_gap(h, k) == \at(ra_gap(h, k), Pre) - ra_cnt(h, k, v) &&
              ra_cnt(h, k, u) == \at(ra_cnt(h, k, u), Pre)); */
        absorb_next(h, u, v) /*@ ghost (v, NONE) */;
        /*@ assert kept: \forall integer w; \at(ra_live(h, w), Pre) && w != u0 ==> ra_live(h, w) &&
              h->meta[w].size == \at(h->meta[w].size, Pre); */
        //@ assert ra_end(h, u) == w && w <= h->units && (w < h->units ==> ra_live(h, w));
        /*@ assert counted: RA_COUNTED(
              \at(ra_free_counted(h), Pre) ==> \forall integer k; 0 <= k <= 4 ==>
              ra_gap(h, k) == \at(ra_gap(h, k), Pre) + \at(ra_cnt(h, k, u), Pre) - ra_cnt(h, k, u)); */
    } else {
        //@ assert tiling: ra_end(h, u) < h->units ==> ra_start(h, ra_end(h, u));
    }
    //@ assert ra_heap_ok(h) && ra_live(h, u);
    /*@ assert kept: \forall integer w; \at(ra_live(h, w), Pre) && w != u0 ==> ra_live(h, w) &&
          h->meta[w].size == \at(h->meta[w].size, Pre); */
    /* counted: u is live again (or still), so it adds nothing to the free sums, and the free
     * counters equal their sums again */
    /*@ assert counted: RA_COUNTED(
          \at(ra_free_counted(h), Pre) ==> \forall integer k; 0 <= k <= 4 ==>
          ra_gap(h, k) == \at(ra_gap(h, k), Pre) + \at(ra_cnt(h, k, u), Pre) - ra_cnt(h, k, u)); */
    //@ assert counted: RA_COUNTED(\at(ra_free_counted(h), Pre) ==> ra_free_counted(h));
    //@ assert right: ra_end(h, u) <= h->units && (ra_end(h, u) < h->units ==> ra_live(h, ra_end(h, u)));
    /*@ assert tiling: u == 0 ? h->meta[u].prev == 0xffffffff :
          h->meta[u].prev < u && ra_start(h, h->meta[u].prev) && ra_end(h, h->meta[u].prev) == u; */
    uint32_t p = prev_of(h, u);
    if (p != NONE && is_free(h, p)) {
        /* q, the block before p, is live (or there is none); e, the block after u, too: both
         * stay so through the merge and become p's neighbours */
        //@ ghost uint32_t q = h->meta[p].prev;
        /*@ assert tiling: p == 0 ? q == 0xffffffff :
              q < p && ra_start(h, q) && ra_end(h, q) == p; */
        //@ assert merged: p != 0 ==> !ra_free(h, q);
        //@ ghost uint32_t e = u + h->meta[u].size;
        //@ assert e == ra_end(h, u) && e <= h->units;
        //@ assert live_q: p != 0 ==> ra_live(h, q);
        //@ assert live_e: e < h->units ==> ra_live(h, e);
        //@ assert q != p && e != p && e != u && (p != 0 ==> q != u);
        /* counted: as for v, p is one term of the free sums, which the free counters equal again */
        //@ assert counted: RA_COUNTED(ra_cnt(h, 0, p) == h->meta[p].size && ra_cnt(h, 1, p) == 1);
        /*@ assert counted: RA_COUNTED(ra_cnt(h, 0, p) <= ra_sum(h, 0, h->units) &&
              ra_cnt(h, 1, p) <= ra_sum(h, 1, h->units)); */
        /*@ assert counted: RA_COUNTED(\at(ra_free_counted(h), Pre) ==>
              h->free_units >= h->meta[p].size && h->free_blocks >= 1); */
        //@ ghost RemoveP: ;
        list_remove(h, p);
        //@ assert counted: RA_COUNTED(h->meta[p].size == \at(h->meta[p].size, RemoveP));
        /*@ assert counted: RA_COUNTED(
              \at(ra_free_counted(h), Pre) ==> \forall integer k; 0 <= k <= 4 ==>
              ra_gap(h, k) == \at(ra_gap(h, k), RemoveP) - ra_cnt(h, k, p) &&
              ra_cnt(h, k, u) == \at(ra_cnt(h, k, u), RemoveP)); */
        /*@ assert counted: RA_COUNTED(
              \at(ra_free_counted(h), Pre) ==> \forall integer k; 0 <= k <= 4 ==>
              ra_gap(h, k) == \at(ra_gap(h, k), Pre) + \at(ra_cnt(h, k, u), Pre) -
                              ra_cnt(h, k, u) - ra_cnt(h, k, p)); */
        /*@ assert kept: \forall integer w; \at(ra_live(h, w), Pre) && w != u0 ==> ra_live(h, w) &&
              h->meta[w].size == \at(h->meta[w].size, Pre); */
        //@ assert live_q: p != 0 ==> ra_live(h, q);
        //@ assert live_e: e < h->units ==> ra_live(h, e);
        absorb_next(h, p, u) /*@ ghost (p, NONE) */;
        /*@ assert kept: \forall integer w; \at(ra_live(h, w), Pre) && w != u0 ==> ra_live(h, w) &&
              h->meta[w].size == \at(h->meta[w].size, Pre); */
        //@ assert live_q: p != 0 ==> ra_live(h, q);
        //@ assert live_e: e < h->units ==> ra_live(h, e);
        //@ assert h->meta[p].prev == q && ra_end(h, p) == e;
        /*@ assert counted: RA_COUNTED(
              \at(ra_free_counted(h), Pre) ==> \forall integer k; 0 <= k <= 4 ==>
              ra_gap(h, k) == \at(ra_gap(h, k), Pre) + \at(ra_cnt(h, k, u), Pre) - ra_cnt(h, k, p)); */
        u = p;
        //@ ghost z = p;
    } else {
        /* u is live, so excluding it from the lists asks nothing more */
        //@ assert heads: ra_heads(h, u, 0xffffffff);
        //@ assert links: ra_links(h, u, 0xffffffff);
        //@ assert merged: ra_merged(h, u, 0xffffffff);
    }
    /* counted: the block to list adds at most its units to the free sums, which are at most the
     * arena's units, so the free counters cannot saturate */
    /*@ assert counted: RA_COUNTED(
          \at(ra_free_counted(h), Pre) ==> \forall integer k; 0 <= k <= 4 ==>
          ra_gap(h, k) == \at(ra_gap(h, k), Pre) + \at(ra_cnt(h, k, u), Pre) - ra_cnt(h, k, u)); */
    /*@ assert counted: RA_COUNTED(
          \at(ra_live(h, u), Pre) && \at(ra_cnt(h, 0, u), Pre) == 0 && \at(ra_cnt(h, 1, u), Pre) == 0); */
    /*@ assert counted: RA_COUNTED(\at(ra_free_counted(h), Pre) ==>
          ra_gap(h, 0) == -ra_cnt(h, 0, u) && ra_gap(h, 1) == -ra_cnt(h, 1, u)); */
    /*@ assert counted: RA_COUNTED(\at(ra_free_counted(h), Pre) ==>
          h->free_units + ra_cnt(h, 0, u) == ra_sum(h, 0, h->units) &&
          h->free_blocks + ra_cnt(h, 1, u) == ra_sum(h, 1, h->units)); */
    //@ assert counted: RA_COUNTED(0 <= ra_cnt(h, 0, u) && 0 <= ra_cnt(h, 1, u));
    //@ assert counted: RA_COUNTED(ra_tiling(h));
    /*@ assert counted: RA_COUNTED(
          ra_sum(h, 0, h->units) <= h->units && ra_sum(h, 1, h->units) <= h->units); */
    //@ assert counted: RA_COUNTED(ra_end(h, u) <= h->units);
    /*@ assert counted: RA_COUNTED(\at(ra_free_counted(h), Pre) ==>
          h->free_units + h->meta[u].size <= SIZE_MAX && h->free_blocks + 1 <= SIZE_MAX); */
    list_insert(h, u) /*@ ghost (NONE, z) */;
    /*@ assert kept: \forall integer w; \at(ra_live(h, w), Pre) && w != u0 ==> ra_live(h, w) &&
          h->meta[w].size == \at(h->meta[w].size, Pre); */
}

/* ---- validation and reporting ------------------------------------------------------------ */

/* Why ptr is not a live block of h, or NULL when it is. The only pointer-to-integer conversion
 * is in locate(). It writes nothing the invariant reads (no out-parameter: in WP's Typed model a
 * uint32_t written through a pointer shares the memory variable of the block sizes, and the
 * caller could then no longer carry the opaque invariant across the call). */
/*@ requires ra_heap_ok(h);
    assigns \nothing;
    behavior live:
      assumes \exists integer u; ra_live(h, u) &&
        ra_unit_ptr(h, ptr, u);
      ensures \result == \null;
    behavior invalid:
      assumes !\exists integer u; ra_live(h, u) &&
        ra_unit_ptr(h, ptr, u);
      ensures \result != \null;
    complete behaviors; disjoint behaviors; */
static inline const char *invalid_reason(const ra_heap *h, const void *ptr)
{
    size_t off = 0;
    if (!locate(h, ptr, &off))
        return "pointer is not in this heap's arena (foreign pointer)";
    if (off % UNIT != 0)
        return "pointer is not the start of a block (misaligned interior pointer)";
    uint32_t u = (uint32_t)(off / UNIT);
    if (h->meta[u].size == 0)
        return "pointer is not the start of a block (interior pointer, or freed and merged)";
    if (h->meta[u].back != LIVE)
        return "block is already free (double free)";
    return NULL;
}

/* The unit of a pointer that invalid_reason accepted. */
/*@ requires ra_heap_ok(h);
    requires \exists integer u; ra_live(h, u) &&
      ra_unit_ptr(h, ptr, u);
    assigns \nothing;
    ensures ra_live(h, \result) &&
      ra_unit_ptr(h, ptr, \result); */
static inline uint32_t unit_of(const ra_heap *h, const void *ptr)
{
    size_t off = 0;
    (void)locate(h, ptr, &off);
    return (uint32_t)(off / UNIT);
}

#ifndef __FRAMAC__
static void default_error(const ra_heap *h, const char *op, const void *ptr, const char *reason,
                          void *ctx)
{
    (void)ctx;
    fprintf(stderr, "refalloc: %s(%p) on heap %p: %s\n", op, ptr, (const void *)h, reason);
    abort();
}

/* Outside the proof: calls the handler (a function pointer: anything), keeps errno. */
static void report(ra_heap *h, const char *op, const void *ptr, const char *why)
{
    int saved = errno;
    if (h->on_error)
        h->on_error(h, op, ptr, why, h->on_error_ctx);
    else
        default_error(h, op, ptr, why, NULL);
    errno = saved;
}
#else
/* Assumed: the handler returns (or does not return) without touching the heap. */
/*@ assigns \nothing; */
static void report(ra_heap *h, const char *op, const void *ptr, const char *why);
#endif

/* The unit of ptr when it is a live block of h; otherwise NONE, after counting and reporting. */
/*@ requires ra_heap_ok(h);
    assigns h->invalid_frees;
    ensures ra_heap_ok(h);
    behavior live:
      assumes \exists integer u; ra_live(h, u) &&
        ra_unit_ptr(h, ptr, u);
      ensures \result != 0xffffffff && ra_live(h, \result) &&
        ra_unit_ptr(h, ptr, \result);
      ensures h->invalid_frees == \old(h->invalid_frees);
    behavior invalid:
      assumes !\exists integer u; ra_live(h, u) &&
        ra_unit_ptr(h, ptr, u);
      ensures \result == 0xffffffff;
    // (invalid_frees is not one of the counters the blocks add up to)
    ensures counted: RA_COUNTED(
      \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == \old(ra_gap(h, k)));
    ensures counted: RA_COUNTED(\old(ra_counted(h)) ==> ra_counted(h));
    complete behaviors; disjoint behaviors; */
static inline uint32_t validate(ra_heap *h, const void *ptr, const char *op)
{
    const char *why = invalid_reason(h, ptr);
    if (why == NULL)
        return unit_of(h, ptr);
    bump(h, &h->invalid_frees);
    report(h, op, ptr, why);
    return NONE;
}

bool ra_heap_owns(const ra_heap *h, const void *ptr)
{
    return h != NULL && ptr != NULL && invalid_reason(h, ptr) == NULL;
}

void ra_heap_set_error_handler(ra_heap *h, ra_heap_error_fn fn, void *ctx)
{
    h->on_error = fn;
    h->on_error_ctx = ctx;
    /* The handler is a pointer, as are meta and base: in WP's Typed model both writes change the
     * memory variable that every invariant component reads h->meta and h->base from. Each
     * component carries over in its own configuration (proofs/heap_prove.sh); the postcondition
     * is then their conjunction (ra_til_interior through the pre-state's sizes: stated directly,
     * cvc4 timed out on it after 40 s). */
    //@ assert tiling: ra_til_ends(h);
    //@ assert tiling: ra_til_fit(h);
    //@ assert tiling: ra_til_back(h);
    //@ assert tiling: ra_til_next(h);
    //@ assert tiling: ra_til_prev(h);
    /*@ assert tiling: \forall integer u, i; ra_start(h, u) && u < i < ra_end(h, u) ==>
          \at(h->meta[i].size, Pre) == 0; */
    //@ assert tiling: ra_til_interior(h);
    //@ assert tiling: ra_tiling(h);
    //@ assert beyond: ra_beyond(h);
    //@ assert heads: ra_heads(h, 0xffffffff, 0xffffffff);
    //@ assert links: \forall integer u; ra_free(h, u) ==> ra_class_ok(h->meta[u].size);
    /*@ assert links: \forall integer u; ra_free(h, u) ==>
          h->meta[u].next == -1 ||
          (ra_free(h, h->meta[u].next) && h->meta[h->meta[u].next].back == u &&
           ra_same_class(h, u, h->meta[u].next)); */
    /*@ assert links: \forall integer u; ra_free(h, u) ==>
          (h->meta[u].back == -1 ?
             h->l.heads[ra_cf(h->meta[u].size)][ra_cs(h->meta[u].size)] == u :
            (ra_free(h, h->meta[u].back) && h->meta[h->meta[u].back].next == u &&
             ra_same_class(h, u, h->meta[u].back))); */
    //@ assert links: ra_links(h, 0xffffffff, 0xffffffff);
    //@ assert bitmaps: ra_bitmaps(h);
    /*@ assert merged: \forall integer u; ra_free(h, u) && ra_end(h, u) < h->units ==>
          !ra_free(h, ra_end(h, u)); */
    //@ assert merged: ra_merged(h, 0xffffffff, 0xffffffff);
    //@ assert slack: ra_slack(h, 0xffffffff);
}

/* ---- set-up --------------------------------------------------------------------------------- */

size_t ra_heap_meta_bytes(size_t units)
{
    return (units + 1u) * sizeof(ra_heap_unit); /* +1: the sentinel */
}

/* Records from .. to-1 of h's metadata become zero (a loop the compiler turns into memset; WP sees
 * typed records). Field by field, and assigned by field, like the list and block helpers: callers
 * compare like with like (WP does not see that a record is the union of its four fields).
 * The ensures restate the frame (h's sizes and the records outside the range are kept): WP states
 * a call's effect as a havoc per field whose frame is a nested quantifier, which the provers do
 * not instantiate (reset and init_split timed out on it, measured); here each fact is proved
 * from the loop's concrete stores and reaches the caller as a plain postcondition. */
/*@ requires \valid(h) && from <= to && \valid(h->meta + (from .. to - 1));
    requires \separated(h, h->meta + (from .. to - 1));
    assigns h->meta[from .. to - 1].size, h->meta[from .. to - 1].prev,
            h->meta[from .. to - 1].next, h->meta[from .. to - 1].back;
    ensures zero: \forall integer i; from <= i < to ==> ra_zero_unit(h->meta[i]);
    ensures units: h->units == \old(h->units) && h->capacity == \old(h->capacity);
    ensures outside: \forall integer i; i < from || to <= i ==>
      h->meta[i].size == \old(h->meta[i].size) && h->meta[i].prev == \old(h->meta[i].prev) &&
      h->meta[i].next == \old(h->meta[i].next) && h->meta[i].back == \old(h->meta[i].back); */
static void zero_records(ra_heap *h, size_t from, size_t to)
{
    /*@ loop invariant from <= i <= to;
        loop invariant \forall integer j; from <= j < i ==> ra_zero_unit(h->meta[j]);
        loop invariant h->units == \at(h->units, Pre) && h->capacity == \at(h->capacity, Pre);
        loop invariant \forall integer j; j < from || to <= j ==>
          h->meta[j].size == \at(h->meta[j].size, Pre) &&
          h->meta[j].prev == \at(h->meta[j].prev, Pre) &&
          h->meta[j].next == \at(h->meta[j].next, Pre) &&
          h->meta[j].back == \at(h->meta[j].back, Pre);
        loop assigns i, h->meta[from .. to - 1].size, h->meta[from .. to - 1].prev,
                     h->meta[from .. to - 1].next, h->meta[from .. to - 1].back;
        loop variant to - i; */
    for (size_t i = from; i < to; i++) {
        /* One record address, valid once: then each field's access follows at once (four
         * \valid(&h->meta[i].f) guards after earlier stores took cvc4 up to 15 s each; the run
         * of zero_records from an empty cache went from 31 s to 12 s, measured) */
        ra_heap_unit *r = &h->meta[i];
        //@ assert \valid(r);
        r->size = 0;
        r->prev = 0;
        r->next = 0;
        r->back = 0;
    }
}

/* The whole arena as one free block, empty lists, zero counters. meta[0..units] must be zero. */
/*@ requires ra_heap_mem(h) && ra_beyond(h);
    requires \forall integer i; 0 <= i <= h->units ==> ra_zero_unit(h->meta[i]);
    assigns h->l, h->used_bytes,
            h->live_units, h->free_units, h->live_blocks, h->free_blocks, h->peak_used_bytes,
            h->failed_requests, h->realloc_in_place, h->realloc_moved, h->invalid_frees,
            h->meta[0 .. h->units].size, h->meta[0 .. h->units].prev,
            h->meta[0 .. h->units].next, h->meta[0 .. h->units].back;
    ensures ra_heap_ok(h) && ra_free(h, 0) && h->meta[0].size == h->units;
    ensures units: h->units == \old(h->units) && h->capacity == \old(h->capacity);
    ensures counted: RA_COUNTED(ra_counted(h)); */
static void start_empty(ra_heap *h)
{
    /* the counters first: they share WP's memory variable with the bitmaps */
    h->used_bytes = h->live_units = h->free_units = h->live_blocks = h->free_blocks = 0;
    h->peak_used_bytes = h->failed_requests = h->realloc_in_place = h->realloc_moved = 0;
    h->invalid_frees = 0;
    /*@ loop invariant 0 <= f <= RA_HEAP_FL_COUNT;
        loop invariant \forall integer g, s; 0 <= g < f && 0 <= s < 16 ==>
                         h->l.heads[g][s] == -1;
        loop invariant \forall integer g; 0 <= g < f ==> h->l.sl_bitmap[g] == 0;
        loop assigns f, h->l;
        loop variant RA_HEAP_FL_COUNT - f; */
    for (unsigned f = 0; f < RA_HEAP_FL_COUNT; f++) {
        h->l.sl_bitmap[f] = 0;
        /*@ loop invariant 0 <= s <= RA_HEAP_SL_COUNT;
            // (the rows done and row f so far, as one invariant: as two, the outer invariant's
            // step from them timed out with cvc4)
            loop invariant \forall integer g, t;
              (0 <= g < f && 0 <= t < 16) || (g == f && 0 <= t < s) ==> h->l.heads[g][t] == -1;
            loop invariant \forall integer g; 0 <= g <= f ==> h->l.sl_bitmap[g] == 0;
            loop assigns s, h->l;
            loop variant RA_HEAP_SL_COUNT - s; */
        for (unsigned s = 0; s < RA_HEAP_SL_COUNT; s++)
            h->l.heads[f][s] = NIL;
    }
    h->l.fl_bitmap = 0;
    h->meta[0].size = h->units;
    h->meta[0].prev = NONE; /* the rest, the sentinel included, is zero already */
    /* One free block, out of the lists (excluded as x = 0), no live block: each component (the
     * tiling's one by one: as one goal it took cvc4 14 s, and timed out once ra_til_fit said
     * that sizes are positive). */
    //@ assert tiling: \forall integer u; ra_start(h, u) ==> u == 0;
    //@ assert tiling: ra_til_ends(h) && ra_til_fit(h) && ra_til_back(h);
    //@ assert tiling: ra_til_next(h) && ra_til_prev(h) && ra_til_interior(h);
    //@ assert tiling: ra_tiling(h);
    //@ assert beyond: ra_beyond(h);
    //@ assert heads: ra_heads(h, 0, 0xffffffff);
    //@ assert links: ra_links(h, 0, 0xffffffff);
    //@ assert bitmaps: \forall integer f; 0 <= f < 28 ==> ra_sl_word(h, f);
    //@ assert bitmaps: ra_bitmaps(h);
    //@ assert merged: ra_merged(h, 0, 0xffffffff);
    //@ assert slack: ra_slack(h, 0xffffffff);
    /* counted: block 0 is every sum (the other records are zero), the counters are zero, and
     * listing block 0 adds its terms to them */
    //@ assert counted: RA_COUNTED(\forall integer j; 0 < j < h->units ==> h->meta[j].size == 0);
    /*@ assert counted: RA_COUNTED(
          \forall integer k; ra_sum(h, k, h->units) == ra_sum(h, k, 0) + ra_cnt(h, k, 0)); */
    /*@ assert counted: RA_COUNTED(
          h->free_units == 0 && h->free_blocks == 0 && h->live_units == 0 &&
          h->live_blocks == 0 && h->used_bytes == 0); */
    //@ assert counted: RA_COUNTED(\forall integer k; 0 <= k <= 4 ==> ra_counter(h, k) == 0);
    /*@ assert counted: RA_COUNTED(
          \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == -ra_cnt(h, k, 0)); */
    list_insert(h, 0) /*@ ghost (NONE, NONE) */;
    //@ assert counted: RA_COUNTED(\forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == 0);
    POISON(h->base, (size_t)h->units * UNIT);
}

ra_status ra_heap_init_split(ra_heap *h, ra_heap_unit *meta, size_t capacity, bool meta_zeroed,
                             void *arena, size_t bytes)
{
    if (h == NULL || meta == NULL || arena == NULL)
        return RA_EINVAL_ARG;
    if (!ra_aligned16(arena))
        return RA_EMISALIGNED;
    size_t units = bytes / UNIT;
    if (units == 0 || capacity < units)
        return RA_ETOOSMALL;
    if (capacity > RA_HEAP_MAX_UNITS)
        return RA_ETOOLARGE;
    h->meta = meta;
    h->base = arena;
    h->units = (uint32_t)units;
    h->capacity = (uint32_t)capacity;
    h->meta_zeroed = meta_zeroed;
    h->on_error = NULL;
    h->on_error_ctx = NULL;
    /* The memory may have been an arena before (re-init): ASan may still see it poisoned. */
    UNPOISON(meta, ra_heap_meta_bytes(units));
    if (!meta_zeroed)
        zero_records(h, 0, units + 1u);
    //@ assert beyond: ra_beyond(h);
    start_empty(h);
    return RA_OK;
}

ra_status ra_heap_init(ra_heap *h, void *arena, size_t bytes)
{
    if (h == NULL || arena == NULL)
        return RA_EINVAL_ARG;
    if (!ra_aligned16(arena))
        return RA_EMISALIGNED;
    /* units records of metadata + the sentinel + units of user space: 32 * units + 16 bytes. */
    if (bytes < 3u * UNIT)
        return RA_ETOOSMALL;
    size_t units = (bytes - UNIT) / (2u * UNIT);
    if (units > RA_HEAP_MAX_UNITS)
        units = RA_HEAP_MAX_UNITS; /* the rest of a larger arena stays unused */
    char *a = arena;
    /* The metadata records are plain structs of uint32_t placed at the arena's (16-aligned)
     * front; user blocks start after them, so no user overflow runs into metadata. */
    return ra_heap_init_split(h, (ra_heap_unit *)(void *)a, units, false,
                              a + ra_heap_meta_bytes(units), units * UNIT);
}

/* The arena grows by add units at its end. The old sentinel's record becomes a block of add units,
 * free and out of every list (so excluded, as y, until the caller lists it); unit old + add is
 * the new sentinel. The records in between are cleared, or zero already when the caller promised
 * zeroed metadata (ra_beyond). Ghost x: a block the caller has already taken out of the lists
 * (extend's free last block, which then absorbs the new one). */
/*@ requires ra_wf(h, x, 0xffffffff) && 0 < add <= h->capacity - h->units;
    requires x == 0xffffffff || x < h->units;
    assigns h->units, h->meta[h->units .. h->units + add].size,
            h->meta[h->units .. h->units + add].prev, h->meta[h->units .. h->units + add].next,
            h->meta[h->units .. h->units + add].back;
    ensures mem: ra_heap_mem(h);
    ensures tiling: ra_tiling(h);
    ensures beyond: ra_beyond(h);
    ensures heads: ra_heads(h, x, \old(h->units));
    ensures links: ra_links(h, x, \old(h->units));
    ensures bitmaps: ra_bitmaps(h);
    ensures merged: ra_merged(h, x, \old(h->units));
    ensures slack: ra_slack(h, x);
    ensures block: h->units == \old(h->units) + add && h->capacity == \old(h->capacity) &&
                   ra_start(h, \old(h->units)) && ra_end(h, \old(h->units)) == h->units &&
                   h->meta[\old(h->units)].prev == \old(h->meta[h->units].prev);
    ensures kept: \forall integer i; 0 <= i < \old(h->units) ==>
      h->meta[i].size == \old(h->meta[i].size) && h->meta[i].prev == \old(h->meta[i].prev) &&
      h->meta[i].next == \old(h->meta[i].next) && h->meta[i].back == \old(h->meta[i].back);
    // (the counters are not touched: each gap moves by what the new block adds to its sum)
    ensures counted: RA_COUNTED(\forall integer k; 0 <= k <= 4 ==>
      ra_gap(h, k) == \old(ra_gap(h, k)) - ra_cnt(h, k, \old(h->units))); */
static void grow(ra_heap *h, uint32_t add) /*@ ghost (uint32_t x) */
{
    uint32_t old = h->units, now = old + add;
    if (!h->meta_zeroed)
        zero_records(h, (size_t)old + 1u, (size_t)now + 1u);
    //@ assert beyond: \forall integer i; old < i <= now ==> ra_zero_unit(h->meta[i]);
    /*@ assert kept: \forall integer i; 0 <= i <= h->capacity && (i <= old || now < i) ==>
          h->meta[i].size == \at(h->meta[i].size, Pre) &&
          h->meta[i].prev == \at(h->meta[i].prev, Pre) &&
          h->meta[i].next == \at(h->meta[i].next, Pre) &&
          h->meta[i].back == \at(h->meta[i].back, Pre); */
    h->meta[old].size = add; /* its prev, the last block, stays */
    h->meta[old].next = NIL;
    h->meta[old].back = NIL;
    h->meta[now].prev = old;
    h->units = now;
    /* What changed, field by field; spec/heap_grow_lemmas.acsl turns it into the invariant. */
    //@ assert frame_size_new: h->meta[old].size == now - old && h->meta[now].size == 0;
    //@ assert frame_size_mid: \forall integer i; old < i < now ==> h->meta[i].size == 0;
    /*@ assert frame_size_rest: \forall integer i; 0 <= i <= h->capacity && (i < old || now < i) ==>
          h->meta[i].size == \at(h->meta[i].size, Pre); */
    //@ assert frame_size: ra_grow_sizes{Pre, Here}(h, old, now);
    /*@ assert frame_prev_new: h->meta[now].prev == old &&
          (\let k = old; h->meta[k].prev == \at(h->meta[k].prev, Pre)); */
    /*@ assert frame_prev_rest: \forall integer i; 0 <= i <= h->capacity && (i < old || now < i) ==>
          h->meta[i].prev == \at(h->meta[i].prev, Pre); */
    //@ assert frame_prev: ra_grow_prevs{Pre, Here}(h, old, now);
    //@ assert frame_links: ra_grow_links{Pre, Here}(h, old, now);
    //@ assert frame_heads: ra_heads_same{Pre, Here}(h);
    //@ assert frame: ra_grow_frame{Pre, Here}(h, old, now);
    //@ assert post_tiling: ra_tiling(h);
    //@ assert post_beyond: ra_beyond(h);
    //@ assert post_heads: ra_heads(h, x, old);
    //@ assert post_links: ra_links(h, x, old);
    //@ assert post_merged: ra_merged(h, x, old);
    //@ assert post_slack: ra_slack(h, x);
    /* counted: the records below old are kept, so are their sums; the new block adds its terms */
    /*@ assert counted: RA_COUNTED(
          \forall integer k, i; 0 <= i < old ==> ra_cnt(h, k, i) == \at(ra_cnt(h, k, i), Pre)); */
    /*@ assert counted: RA_COUNTED(
          \forall integer k; ra_sum(h, k, old) == \at(ra_sum(h, k, h->units), Pre)); */
    /*@ assert counted: RA_COUNTED(
          \forall integer k; ra_sum(h, k, now) == ra_sum(h, k, old) + ra_cnt(h, k, old)); */
}

ra_status ra_heap_extend(ra_heap *h, size_t bytes)
{
    if (h == NULL || bytes % UNIT != 0)
        return RA_EINVAL_ARG;
    size_t add = bytes / UNIT;
    if (add == 0)
        return RA_OK;
    if (add > (size_t)(h->capacity - h->units))
        return RA_ETOOLARGE;
    uint32_t old = h->units;
    POISON(ptr_of(h, old), bytes);
    //@ assert tiling: ra_start(h, h->meta[old].prev) && ra_end(h, h->meta[old].prev) == old;
    uint32_t last = h->meta[old].prev; /* the sentinel knows the last block */
    if (is_free(h, last)) {
        /* The new space joins the last block: grow, then merge. q, the block before last, is
         * live (or there is none): it stays so, and it is the merged block's left neighbour. */
        //@ ghost uint32_t q = h->meta[last].prev;
        //@ assert tiling: last != 0 ==> q < last && ra_start(h, q) && ra_end(h, q) == last;
        //@ assert tiling: last < old && h->meta[last].size == old - last;
        /* counted: as in malloc, last is one term of the free sums */
        /*@ assert counted: RA_COUNTED(
              ra_cnt(h, 0, last) == h->meta[last].size && ra_cnt(h, 1, last) == 1); */
        /*@ assert counted: RA_COUNTED(ra_cnt(h, 0, last) <= ra_sum(h, 0, h->units) &&
              ra_cnt(h, 1, last) <= ra_sum(h, 1, h->units)); */
        /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
              h->free_units >= h->meta[last].size && h->free_blocks >= 1); */
        list_remove(h, last);
        //@ assert live_q: last != 0 ==> ra_live(h, q);
        /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
              \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == -ra_cnt(h, k, last)); */
        //@ ghost Unlisted: ;
        grow(h, (uint32_t)add) /*@ ghost (last) */;
        //@ assert live_q: last != 0 ==> ra_live(h, q);
        /* (cvc4 timed out on absorb_next's precondition without this step, measured: 40 s) */
        //@ assert grown: ra_start(h, last) && ra_end(h, last) == old && ra_start(h, old);
        /* counted: grow leaves last's record (the step below took 12 s without this one) */
        /*@ assert counted: RA_COUNTED(
              \forall integer k; ra_cnt(h, k, last) == \at(ra_cnt(h, k, last), Unlisted)); */
        /*@ assert counted: RA_COUNTED(
              \at(ra_counted(h), Pre) ==> \forall integer k; 0 <= k <= 4 ==>
              ra_gap(h, k) == -ra_cnt(h, k, last) - ra_cnt(h, k, old)); */
        absorb_next(h, last, old) /*@ ghost (last, old) */;
        //@ assert live_q: last != 0 ==> ra_live(h, q) && h->meta[last].prev == q;
        /* counted: the free counters are short of their sums by the merged block only, and the
         * sums are at most the units: listing it cannot saturate them */
        /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
              \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == -ra_cnt(h, k, last)); */
        //@ assert counted: RA_COUNTED(0 <= ra_cnt(h, 0, last) && 0 <= ra_cnt(h, 1, last));
        //@ assert tiling: ra_end(h, last) <= h->units;
        /*@ assert counted: RA_COUNTED(
              ra_sum(h, 0, h->units) <= h->units && ra_sum(h, 1, h->units) <= h->units); */
        /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
              h->free_units + h->meta[last].size <= SIZE_MAX && h->free_blocks + 1 <= SIZE_MAX); */
        list_insert(h, last) /*@ ghost (NONE, last) */;
    } else {
        grow(h, (uint32_t)add) /*@ ghost (NONE) */;
        /* the new block is excluded as y; list_insert takes it as u */
        //@ assert heads: ra_heads(h, old, 0xffffffff);
        //@ assert links: ra_links(h, old, 0xffffffff);
        //@ assert merged: ra_merged(h, old, 0xffffffff);
        /* counted: the new block alone is missing from the free counters (as above) */
        /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
              \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == -ra_cnt(h, k, old)); */
        //@ assert counted: RA_COUNTED(0 <= ra_cnt(h, 0, old) && 0 <= ra_cnt(h, 1, old));
        //@ assert tiling: ra_end(h, old) <= h->units;
        /*@ assert counted: RA_COUNTED(
              ra_sum(h, 0, h->units) <= h->units && ra_sum(h, 1, h->units) <= h->units); */
        /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
              h->free_units + h->meta[old].size <= SIZE_MAX && h->free_blocks + 1 <= SIZE_MAX); */
        list_insert(h, old) /*@ ghost (NONE, NONE) */;
    }
    /*@ assert counted: RA_COUNTED(
          \at(ra_counted(h), Pre) ==> \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == 0); */
    return RA_OK;
}

void ra_heap_reset(ra_heap *h)
{
    zero_records(h, 0, (size_t)h->units + 1u);
    //@ assert beyond: ra_beyond(h);
    start_empty(h);
}

/* ---- allocation ------------------------------------------------------------------------------ */

/*@ requires ra_heap_ok(h);
    assigns h->failed_requests, errno;
    ensures ra_heap_ok(h) && \result == \null && errno == err;
    // (failed_requests is not one of the counters the blocks add up to)
    ensures counted: RA_COUNTED(
      \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == \old(ra_gap(h, k)));
    ensures counted: RA_COUNTED(\old(ra_counted(h)) ==> ra_counted(h)); */
static void *fail(ra_heap *h, int err)
{
    bump(h, &h->failed_requests);
    errno = err;
    return NULL;
}

/* Units for a request of size bytes, or 0 when no arena could hold it. */
/*@ assigns \nothing;
    ensures \result == 0 || (1 <= \result <= 0x7fffffff && \result * 16 >= size &&
                             size <= PTRDIFF_MAX);
    ensures size <= PTRDIFF_MAX && (size == 0 ? 1 : (size + 15) / 16) <= 0x7fffffff ==>
            \result == (size == 0 ? 1 : (size + 15) / 16); */
static size_t units_for(size_t size)
{
    if (size > PTRDIFF_MAX)
        return 0;
    size_t u = size == 0 ? 1u : (size + UNIT - 1u) / UNIT;
    return u > RA_HEAP_MAX_UNITS ? 0 : u;
}

void *ra_heap_malloc(ra_heap *h, size_t size)
{
    size_t units = units_for(size);
    uint32_t u = units ? find_fit(h, units) : NONE;
    if (u == NONE)
        return fail(h, ENOMEM);
    //@ assert was_free: (\let k = u; \at(ra_free(h, k), Pre)) && h->meta[u].size >= units;
    /* counted (on a counted heap: the gaps start at 0): u is one term of the free sums, which
     * the free counters equal, so they cover it */
    //@ assert counted: RA_COUNTED(ra_cnt(h, 0, u) == h->meta[u].size && ra_cnt(h, 1, u) == 1);
    /*@ assert counted: RA_COUNTED(ra_cnt(h, 0, u) <= ra_sum(h, 0, h->units) &&
          ra_cnt(h, 1, u) <= ra_sum(h, 1, h->units)); */
    /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
          h->free_units >= h->meta[u].size && h->free_blocks >= 1); */
    list_remove(h, u);
    /* every block live before is live still, with its size (u was free) */
    /*@ assert kept: \forall integer w; \at(ra_live(h, w), Pre) ==>
          ra_live(h, w) && h->meta[w].size == \at(h->meta[w].size, Pre); */
    /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
          \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == -ra_cnt(h, k, u)); */
    if (h->meta[u].size > units) {
        uint32_t tail = split(h, u, (uint32_t)units);
        /*@ assert kept: \forall integer w; \at(ra_live(h, w), Pre) ==>
              ra_live(h, w) && h->meta[w].size == \at(h->meta[w].size, Pre) && w != tail; */
        //@ assert heads: ra_heads(h, tail, u);
        //@ assert links: ra_links(h, tail, u);
        //@ assert merged: ra_merged(h, tail, u);
        /* counted: the free counters are short of their sums by u and the tail, and the sums
         * are at most the units, so listing the tail cannot saturate them */
        /*@ assert counted: RA_COUNTED(
              \at(ra_counted(h), Pre) ==> \forall integer k; 0 <= k <= 4 ==>
              ra_gap(h, k) == -ra_cnt(h, k, u) - ra_cnt(h, k, tail)); */
        /*@ assert counted: RA_COUNTED(0 <= ra_cnt(h, 0, u) && 0 <= ra_cnt(h, 1, u) &&
              0 <= ra_cnt(h, 0, tail) && 0 <= ra_cnt(h, 1, tail)); */
        //@ assert tiling: ra_end(h, tail) <= h->units;
        /*@ assert counted: RA_COUNTED(
              ra_sum(h, 0, h->units) <= h->units && ra_sum(h, 1, h->units) <= h->units); */
        /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
              h->free_units + h->meta[tail].size <= SIZE_MAX && h->free_blocks + 1 <= SIZE_MAX); */
        list_insert(h, tail) /*@ ghost (u, u) */;
        /*@ assert kept: \forall integer w; \at(ra_live(h, w), Pre) ==>
              ra_live(h, w) && h->meta[w].size == \at(h->meta[w].size, Pre); */
        /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
              \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == -ra_cnt(h, k, u)); */
    }
    /* (the gaps at the join, and the live counters named: the saturation bound below took 8 s
     * without these steps) */
    /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
          \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == -ra_cnt(h, k, u)); */
    //@ assert fits: h->meta[u].size * 16 >= size;
    /* counted: u is not live, so the live counters equal their sums, which fit in the units
     * (16 times them for the bytes): marking u cannot saturate them */
    //@ assert counted: RA_COUNTED(!ra_live(h, u) && ra_slack(h, u) && ra_tiling(h));
    /*@ assert counted: RA_COUNTED(
          ra_cnt(h, 2, u) == 0 && ra_cnt(h, 3, u) == 0 && ra_cnt(h, 4, u) == 0); */
    /*@ assert counted: RA_COUNTED(
          ra_sum(h, 2, h->units) <= h->units && ra_sum(h, 3, h->units) <= h->units &&
          ra_sum(h, 4, h->units) <= 16 * h->units); */
    /*@ assert counted: RA_COUNTED(
          \at(ra_counted(h), Pre) ==> h->live_units == ra_sum(h, 2, h->units) &&
          h->live_blocks == ra_sum(h, 3, h->units) && h->used_bytes == ra_sum(h, 4, h->units)); */
    /*@ assert counted: RA_COUNTED(
          \at(ra_counted(h), Pre) ==> h->live_units + h->meta[u].size <= SIZE_MAX &&
          h->live_blocks + 1 <= SIZE_MAX && h->used_bytes + size <= SIZE_MAX); */
    mark_live(h, u, size);
    /*@ assert counted: RA_COUNTED(
          \at(ra_counted(h), Pre) ==> \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == 0); */
    return ptr_of(h, u);
}

/* The leading gap, in units, that puts unit u at an address that is a multiple of alignment, when
 * the arena base is mis bytes past one. The arithmetic is in units (alignment and mis are
 * multiples of 16) and the hints name the quotient: WP's provers do not find facts like
 * (x % a) % 16 == 0 by themselves, nor this postcondition in aligned_alloc's context (measured),
 * but each step below is linear once the quotient is a term. */
/*@ requires 16 < alignment && alignment % 16 == 0 && alignment / 16 <= 0x80000000;
    requires mis < alignment && mis % 16 == 0 && u <= 0x7fffffff;
    assigns \nothing;
    ensures \result < alignment / 16;
    ensures (mis + (u + \result) * 16) % alignment == 0; */
static inline uint32_t align_gap(size_t alignment, size_t mis, uint32_t u)
{
    size_t a_units = alignment / UNIT, mis_units = mis / UNIT;
    //@ assert units: alignment == a_units * 16 && mis == mis_units * 16;
    size_t at = ((size_t)u + mis_units) % a_units;
    size_t gap = at == 0 ? 0 : a_units - at;
    //@ assert div: u + mis_units == (u + mis_units) / a_units * a_units + at;
    /*@ assert moved: mis + (u + gap) * 16 ==
          ((u + mis_units) / a_units + (at == 0 ? 0 : 1)) * alignment; */
    //@ assert aligned: (mis + (u + gap) * 16) % alignment == 0;
    //@ assert fits: gap < a_units <= 0x80000000;
    return (uint32_t)gap;
}

void *ra_heap_aligned_alloc(ra_heap *h, size_t alignment, size_t size)
{
    if (alignment == 0 || (alignment & (alignment - 1u)) != 0)
        return fail(h, EINVAL);
    if (alignment <= RA_HEAP_ALIGN)
        return ra_heap_malloc(h, size);
    size_t units = units_for(size);
    size_t extra = alignment / UNIT - 1u; /* worst-case leading gap */
    if (units == 0 || extra > RA_HEAP_MAX_UNITS - units)
        return fail(h, ENOMEM);
    uint32_t u = find_fit(h, units + extra);
    if (u == NONE)
        return fail(h, ENOMEM);
    //@ assert was_free: h->meta[u].size >= units + extra;
    /* counted: as in malloc, u is one term of the free sums, which the free counters equal */
    /*@ assert counted: RA_COUNTED(
          ra_free(h, u) && ra_cnt(h, 0, u) == h->meta[u].size && ra_cnt(h, 1, u) == 1); */
    /*@ assert counted: RA_COUNTED(ra_cnt(h, 0, u) <= ra_sum(h, 0, h->units) &&
          ra_cnt(h, 1, u) <= ra_sum(h, 1, h->units)); */
    /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
          h->free_units >= h->meta[u].size && h->free_blocks >= 1); */
    list_remove(h, u);
    /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
          \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == -ra_cnt(h, k, u)); */
    /* u's left neighbour is live (u was free): the gap, listed below, keeps it as neighbour */
    //@ assert tiling: u != 0 ==> ra_start(h, h->meta[u].prev);
    //@ assert left: u != 0 ==> ra_live(h, h->meta[u].prev);
    /* Leading gap in units so that base + (u + gap) * 16 is a multiple of alignment. The base's
     * address enters only through base_misalign (one uintptr_t conversion). */
    size_t mis = base_misalign(h, alignment);
    uint32_t gap = align_gap(alignment, mis, u);
    if (gap != 0) {
        /* [ u: gap (free, listed) | v: aligned block ... ]; u's left neighbour is not free. */
        uint32_t v = split(h, u, gap);
        //@ assert left: u != 0 ==> ra_live(h, h->meta[u].prev);
        /* counted: the free counters are short of their sums by the gap and v (as for malloc's
         * tail below) */
        /*@ assert counted: RA_COUNTED(
              \at(ra_counted(h), Pre) ==> \forall integer k; 0 <= k <= 4 ==>
              ra_gap(h, k) == -ra_cnt(h, k, u) - ra_cnt(h, k, v)); */
        /*@ assert counted: RA_COUNTED(0 <= ra_cnt(h, 0, u) && 0 <= ra_cnt(h, 1, u) &&
              0 <= ra_cnt(h, 0, v) && 0 <= ra_cnt(h, 1, v)); */
        //@ assert tiling: ra_end(h, u) <= h->units;
        /*@ assert counted: RA_COUNTED(
              ra_sum(h, 0, h->units) <= h->units && ra_sum(h, 1, h->units) <= h->units); */
        /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
              h->free_units + h->meta[u].size <= SIZE_MAX && h->free_blocks + 1 <= SIZE_MAX); */
        list_insert(h, u) /*@ ghost (v, v) */;
        /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
              \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == -ra_cnt(h, k, v)); */
        u = v;
        //@ assert block: 0 <= u < h->units <= h->capacity && ra_heap_mem(h);
        //@ assert right: ra_end(h, u) < h->units ==> !ra_free(h, ra_end(h, u));
    }
    /* (u's right neighbour, for list_insert's precondition below: stated at the join, the goal
     * needs no path's history; without it, and with Qed's ground propagation off, it timed
     * out) */
    //@ assert block: 0 <= u < h->units <= h->capacity && ra_heap_mem(h);
    //@ assert right: ra_end(h, u) < h->units ==> !ra_free(h, ra_end(h, u));
    /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
          \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == -ra_cnt(h, k, u)); */
    //@ assert aligned: (mis + u * 16) % alignment == 0;
    //@ assert fits: h->meta[u].size >= units;
    if (size_of(h, u) > units) {
        uint32_t tail = split(h, u, (uint32_t)units);
        //@ assert heads: ra_heads(h, tail, u);
        //@ assert links: ra_links(h, tail, u);
        //@ assert merged: ra_merged(h, tail, u);
        /* counted: as in malloc */
        /*@ assert counted: RA_COUNTED(
              \at(ra_counted(h), Pre) ==> \forall integer k; 0 <= k <= 4 ==>
              ra_gap(h, k) == -ra_cnt(h, k, u) - ra_cnt(h, k, tail)); */
        /*@ assert counted: RA_COUNTED(0 <= ra_cnt(h, 0, u) && 0 <= ra_cnt(h, 1, u) &&
              0 <= ra_cnt(h, 0, tail) && 0 <= ra_cnt(h, 1, tail)); */
        //@ assert tiling: ra_end(h, tail) <= h->units;
        /*@ assert counted: RA_COUNTED(
              ra_sum(h, 0, h->units) <= h->units && ra_sum(h, 1, h->units) <= h->units); */
        /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
              h->free_units + h->meta[tail].size <= SIZE_MAX && h->free_blocks + 1 <= SIZE_MAX); */
        list_insert(h, tail) /*@ ghost (u, u) */;
        /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
              \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == -ra_cnt(h, k, u)); */
    }
    /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
          \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == -ra_cnt(h, k, u)); */
    /* counted: as in malloc, marking u cannot saturate the live counters */
    //@ assert counted: RA_COUNTED(!ra_live(h, u) && ra_slack(h, u) && ra_tiling(h));
    /*@ assert counted: RA_COUNTED(
          ra_cnt(h, 2, u) == 0 && ra_cnt(h, 3, u) == 0 && ra_cnt(h, 4, u) == 0); */
    /*@ assert counted: RA_COUNTED(
          ra_sum(h, 2, h->units) <= h->units && ra_sum(h, 3, h->units) <= h->units &&
          ra_sum(h, 4, h->units) <= 16 * h->units); */
    /*@ assert counted: RA_COUNTED(
          \at(ra_counted(h), Pre) ==> h->live_units == ra_sum(h, 2, h->units) &&
          h->live_blocks == ra_sum(h, 3, h->units) && h->used_bytes == ra_sum(h, 4, h->units)); */
    /*@ assert counted: RA_COUNTED(
          \at(ra_counted(h), Pre) ==> h->live_units + h->meta[u].size <= SIZE_MAX &&
          h->live_blocks + 1 <= SIZE_MAX && h->used_bytes + size <= SIZE_MAX); */
    mark_live(h, u, size);
    /*@ assert counted: RA_COUNTED(
          \at(ra_counted(h), Pre) ==> \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == 0); */
    //@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==> ra_counted(h));
    return ptr_of(h, u);
}

void *ra_heap_calloc(ra_heap *h, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return fail(h, ENOMEM);
    void *p = ra_heap_malloc(h, count * size);
    /* (every block ends inside the arena: the block at p is valid for its whole size) */
    //@ assert tiling: \forall integer u; ra_start(h, u) ==> ra_end(h, u) <= h->units;
    if (p != NULL)
        memset(p, 0, ra_heap_usable_size(h, p));
    return p;
}

void ra_heap_free(ra_heap *h, void *ptr)
{
    if (ptr == NULL)
        return;
    uint32_t u = validate(h, ptr, "free");
    if (u == NONE)
        return;
    //@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==> ra_counted(h));
    unmark_live(h, u);
    /* counted: the gaps are minus u's terms, none of them free ones: release's guard holds */
    //@ assert counted: RA_COUNTED(ra_cnt(h, 0, u) == 0 && ra_cnt(h, 1, u) == 0);
    //@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==> ra_free_counted(h));
    release(h, u);
}

size_t ra_heap_usable_size(const ra_heap *h, const void *ptr)
{
    if (ptr == NULL || invalid_reason(h, ptr) != NULL)
        return 0;
    uint32_t u = unit_of(h, ptr);
    /* The live behaviour's lower bound needs the recorded slack to be non-negative. */
    //@ assert slack: 0 <= h->meta[u].next <= h->meta[u].size * 16;
#ifdef RA_ASAN
    return req_of(h, u);
#else
    return (size_t)h->meta[u].size * UNIT;
#endif
}

/* Resize live block u to `units` units in place if possible: absorb a free right neighbour (to
 * grow, or so that a shrink's tail joins it), then cut u to size and list the tail. The caller
 * updates the request bookkeeping (set_request): until then u's recorded slack may be stale,
 * hence ra_wf(h, u, NONE) rather than ra_heap_ok(h) on success.
 *     [ u | v: free ] -> [ u: units | tail: free ]      [ u | v: live ] -> [ u: units | tail: free ] */
/*@ requires ra_heap_ok(h) && ra_live(h, u) && 1 <= units <= 0x7fffffff;
    assigns h->meta[0 .. h->units].size, h->meta[0 .. h->units].prev, h->meta[0 .. h->units].next,
            h->meta[0 .. h->units].back,
            h->l, h->free_units,
            h->free_blocks;
    ensures \result ==> ra_wf(h, u, 0xffffffff) && ra_live(h, u) && h->meta[u].size == units;
    ensures !\result ==> ra_heap_ok(h) && h->meta[u] == \old(h->meta[u]);
    // each counter's gap to its sum moves by the change of u's terms (guarded by: the free
    // counters neither run out when the right neighbour is unlisted nor saturate when the tail is
    // listed)
    ensures counted: RA_COUNTED(\old(ra_resize_guard(h, u)) ==> \forall integer k; 0 <= k <= 4 ==>
      ra_gap(h, k) == \old(ra_gap(h, k)) + \old(ra_cnt(h, k, u)) - ra_cnt(h, k, u)); */
static bool resize_in_place(ra_heap *h, uint32_t u, uint32_t units)
{
    uint32_t size = h->meta[u].size;
    //@ assert tiling: u + size <= h->units && h->meta[h->units].size == 0;
    uint32_t v = u + size;
    bool right = is_free(h, v);
    if (units == size || (units > size && (!right || h->meta[v].size < units - size))) {
        //@ assert slack: ra_slack(h, u);
        //@ assert heads: ra_heads(h, u, 0xffffffff);
        //@ assert links: ra_links(h, u, 0xffffffff);
        //@ assert merged: ra_merged(h, u, 0xffffffff);
        return units == size;
    }
    if (right) {
        /* w, the block after v, is live (or the end): it stays so through the merge, and it is
         * u's right neighbour afterwards (as in release) */
        //@ assert tiling: ra_end(h, v) <= h->units;
        //@ ghost uint32_t w = v + h->meta[v].size;
        //@ assert tiling: w < h->units ==> ra_start(h, w);
        //@ assert merged: w < h->units ==> !ra_free(h, w);
        /*@ assert counted: RA_COUNTED(\at(ra_resize_guard(h, u), Pre) ==>
              h->free_units >= h->meta[v].size && h->free_blocks >= 1); */
        list_remove(h, v);
        //@ assert w < h->units ==> ra_live(h, w);
        /*@ assert counted: RA_COUNTED(
              \at(h->free_units, Pre) >= h->meta[v].size && \at(h->free_blocks, Pre) >= 1 ==>
              \forall integer k; 0 <= k <= 4 ==>
                ra_gap(h, k) == \at(ra_gap(h, k), Pre) - ra_cnt(h, k, v) &&
                ra_cnt(h, k, u) == \at(ra_cnt(h, k, u), Pre)); */
        absorb_next(h, u, v) /*@ ghost (v, NONE) */;
        //@ assert ra_end(h, u) == w && (w < h->units ==> ra_live(h, w));
        //@ assert grown: ra_live(h, u) && h->meta[u].size >= units;
        //@ assert counted: RA_COUNTED(ra_end(h, u) <= h->units);
        /*@ assert counted: RA_COUNTED(
              \at(ra_resize_guard(h, u), Pre) ==> \forall integer k; 0 <= k <= 4 ==>
              ra_gap(h, k) == \at(ra_gap(h, k), Pre) + \at(ra_cnt(h, k, u), Pre) - ra_cnt(h, k, u)); */
    } else {
        //@ assert grown: ra_live(h, u) && h->meta[u].size >= units;
        //@ assert tiling: ra_end(h, u) < h->units ==> ra_start(h, ra_end(h, u));
        //@ assert merged: ra_end(h, u) < h->units ==> !ra_free(h, ra_end(h, u));
        //@ assert counted: RA_COUNTED(ra_end(h, u) <= h->units);
    }
    //@ assert right: ra_end(h, u) < h->units ==> !ra_free(h, ra_end(h, u));
    /* counted: after the merge (if any) each gap has moved by the change of u's terms and the
     * free counters have not grown (under resize_in_place's guard) */
    /*@ assert counted: RA_COUNTED(\at(ra_resize_guard(h, u), Pre) ==>
          h->free_units + h->units <= SIZE_MAX && h->free_blocks < SIZE_MAX); */
    /*@ assert counted: RA_COUNTED(
          \at(ra_resize_guard(h, u), Pre) ==> \forall integer k; 0 <= k <= 4 ==>
          ra_gap(h, k) == \at(ra_gap(h, k), Pre) + \at(ra_cnt(h, k, u), Pre) - ra_cnt(h, k, u)); */
    //@ assert grown: ra_live(h, u) && h->meta[u].size >= units;
    //@ assert slack: ra_slack(h, u);
    //@ assert heads: ra_heads(h, u, 0xffffffff);
    //@ assert links: ra_links(h, u, 0xffffffff);
    //@ assert merged: ra_merged(h, u, 0xffffffff);
    if (h->meta[u].size > units) {
        uint32_t tail = split(h, u, units);
        //@ assert counted: RA_COUNTED(h->meta[tail].size <= h->units);
        /*@ assert counted: RA_COUNTED(
              \at(ra_resize_guard(h, u), Pre) ==> \forall integer k; 0 <= k <= 4 ==>
              ra_gap(h, k) == \at(ra_gap(h, k), Pre) + \at(ra_cnt(h, k, u), Pre) -
                              ra_cnt(h, k, u) - ra_cnt(h, k, tail)); */
        //@ assert heads: ra_heads(h, tail, u);
        //@ assert links: ra_links(h, tail, u);
        //@ assert merged: ra_merged(h, tail, u);
        list_insert(h, tail) /*@ ghost (u, u) */;
        //@ assert ra_wf(h, u, 0xffffffff) && ra_live(h, u) && h->meta[u].size == units;
        /*@ assert counted: RA_COUNTED(
              \at(ra_resize_guard(h, u), Pre) ==> \forall integer k; 0 <= k <= 4 ==>
              ra_gap(h, k) == \at(ra_gap(h, k), Pre) + \at(ra_cnt(h, k, u), Pre) - ra_cnt(h, k, u)); */
    }
    /* (the postcondition from the two paths' facts: as one goal, with the list helpers'
     * `counted` clauses among its hypotheses, it timed out) */
    //@ assert ra_wf(h, u, 0xffffffff) && ra_live(h, u) && h->meta[u].size == units;
    return true;
}

/* Live block u records a request of req bytes (its slack: 0 .. 16 bytes, blocks are cut to the
 * request). */
/*@ requires ra_wf(h, u, 0xffffffff) && ra_live(h, u) &&
             req <= h->meta[u].size * 16 <= req + 16;
    assigns h->meta[u].next;
    ensures ra_heap_ok(h) && ra_live(h, u);
    ensures h->meta[u].next == h->meta[u].size * 16 - req;
    // (the counters are not touched: each gap moves by the change of u's terms, its bytes)
    ensures counted: RA_COUNTED(\forall integer k; 0 <= k <= 4 ==>
      ra_gap(h, k) == \old(ra_gap(h, k)) + \old(ra_cnt(h, k, u)) - ra_cnt(h, k, u)); */
static inline void set_request(ra_heap *h, uint32_t u, size_t req)
{
    h->meta[u].next = (int32_t)((size_t)h->meta[u].size * UNIT - req);
    //@ assert frame: ra_mark_frame{Pre, Here}(h, u);
    /* (beyond as a goal of its own, as in mark_live: left to the postcondition, cvc4 timed out
     * on it, 10 s, before cvc5 proved it) */
    //@ assert beyond: ra_beyond(h);
    //@ assert post_heads: ra_heads(h, 0xffffffff, 0xffffffff);
    //@ assert post_links: ra_links(h, 0xffffffff, 0xffffffff);
    //@ assert post_merged: ra_merged(h, 0xffffffff, 0xffffffff);
    //@ assert post_slack: ra_slack(h, 0xffffffff);
    /*@ assert counted: RA_COUNTED(
          \forall integer k, i; i != u ==> ra_cnt(h, k, i) == \at(ra_cnt(h, k, i), Pre)); */
    /*@ assert counted: RA_COUNTED(\forall integer k; ra_sum(h, k, h->units) ==
          \at(ra_sum(h, k, h->units), Pre) + ra_cnt(h, k, u) - \at(ra_cnt(h, k, u), Pre)); */
}

/* The statistics of a resize in place: u went from old_units to new_units units and from a
 * request of old_req bytes to one of req bytes (carrying the bitmaps over as bump does). */
/*@ requires ra_heap_ok(h);
    assigns h->live_units, h->used_bytes, h->peak_used_bytes, h->realloc_in_place;
    ensures ra_heap_ok(h);
    // (no record changes: the live units' and used bytes' gaps move by the counters' change)
    ensures counted: RA_COUNTED(
      \old(h->live_units) >= old_units && \old(h->used_bytes) >= old_req &&
      \old(h->live_units) - old_units + new_units <= SIZE_MAX &&
      \old(h->used_bytes) - old_req + req <= SIZE_MAX ==>
      ra_gap(h, 0) == \old(ra_gap(h, 0)) && ra_gap(h, 1) == \old(ra_gap(h, 1)) &&
      ra_gap(h, 2) == \old(ra_gap(h, 2)) - old_units + new_units &&
      ra_gap(h, 3) == \old(ra_gap(h, 3)) && ra_gap(h, 4) == \old(ra_gap(h, 4)) - old_req + req); */
static inline void account_resize(ra_heap *h, uint32_t old_units, uint32_t new_units,
                                  size_t old_req, size_t req)
{
    h->live_units = sat_add(sat_sub(h->live_units, old_units), new_units);
    h->used_bytes = sat_add(sat_sub(h->used_bytes, old_req), req);
    if (h->used_bytes > h->peak_used_bytes)
        h->peak_used_bytes = h->used_bytes;
    h->realloc_in_place = sat_add(h->realloc_in_place, 1);
    /*@ assert counted: RA_COUNTED(
          \forall integer k; ra_sum(h, k, h->units) == \at(ra_sum(h, k, h->units), Pre)); */
    //@ assert frame_bits: ra_bitmaps_kept{Pre, Here}(h);
    //@ assert bitmaps: \forall integer f; 0 <= f < 28 ==> ra_sl_word(h, f);
    //@ assert bitmaps: \forall integer f; 0 <= f < 28 ==> (ra_bit(h->l.fl_bitmap, f) <==> h->l.sl_bitmap[f] != 0);
    //@ assert bitmaps: \forall integer k; 28 <= k < 64 ==> !ra_bit(h->l.fl_bitmap, k);
    //@ assert bitmaps: ra_bitmaps(h);
}

void *ra_heap_realloc(ra_heap *h, void *ptr, size_t size)
{
    if (ptr == NULL)
        return ra_heap_malloc(h, size);
    uint32_t u = validate(h, ptr, "realloc");
    if (u == NONE) {
        errno = EINVAL;
        //@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==> ra_counted(h));
        return NULL;
    }
    /* (hint: ptr names exactly one unit, so the contract's "every live u at ptr" is u) */
    //@ assert unique: \forall integer w; ra_unit_ptr(h, ptr, w) ==> w == u;
    //@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==> ra_counted(h));
    if (size == 0) { /* glibc: realloc(p, 0) frees p and returns NULL */
        unmark_live(h, u);
        /* counted: as in free */
        //@ assert counted: RA_COUNTED(ra_cnt(h, 0, u) == 0 && ra_cnt(h, 1, u) == 0);
        //@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==> ra_free_counted(h));
        //@ ghost Freed: ;
        release(h, u);
        /*@ assert counted: RA_COUNTED(
              \at(ra_counted(h), Pre) ==> \forall integer k; 0 <= k <= 4 ==>
              ra_gap(h, k) == \at(ra_gap(h, k), Freed) + \at(ra_cnt(h, k, u), Freed)); */
        //@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==> ra_counted(h));
        return NULL;
    }
    size_t units = units_for(size);
    if (units == 0)
        return fail(h, ENOMEM);
    //@ assert slack: 0 <= h->meta[u].next <= h->meta[u].size * 16;
    size_t old_req = req_of(h, u);
    uint32_t old_units = h->meta[u].size;
    /* counted: the free counters equal their sums, which are at most the units and cover u's
     * right neighbour if it is free: resize_in_place's guard */
    //@ assert tiling: ra_end(h, u) <= h->units;
    //@ assert counted: RA_COUNTED(ra_tiling(h) && ra_live(h, u));
    /*@ assert counted: RA_COUNTED(
          ra_sum(h, 0, h->units) <= h->units && ra_sum(h, 1, h->units) <= h->units); */
    /*@ assert counted: RA_COUNTED(ra_free(h, ra_end(h, u)) ==>
          ra_cnt(h, 0, ra_end(h, u)) == h->meta[ra_end(h, u)].size &&
          ra_cnt(h, 1, ra_end(h, u)) == 1 &&
          ra_cnt(h, 0, ra_end(h, u)) <= ra_sum(h, 0, h->units) &&
          ra_cnt(h, 1, ra_end(h, u)) <= ra_sum(h, 1, h->units)); */
    //@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==> ra_resize_guard(h, u));
    //@ ghost Resize: ;
    if (resize_in_place(h, u, (uint32_t)units)) {
        uint32_t new_units = h->meta[u].size;
        /*@ assert counted: RA_COUNTED(
              \at(ra_counted(h), Pre) ==> \forall integer k; 0 <= k <= 4 ==>
              ra_gap(h, k) == \at(ra_cnt(h, k, u), Resize) - ra_cnt(h, k, u)); */
        set_request(h, u, size);
        /* counted: the gaps are u's old terms less its new ones (live units, used bytes); the
         * live counters still hold the old ones, which the new terms' sums exceed by exactly
         * the change: account_resize's guard */
        /*@ assert counted: RA_COUNTED(
              \at(ra_counted(h), Pre) ==> \forall integer k; 0 <= k <= 4 ==>
              ra_gap(h, k) == \at(ra_cnt(h, k, u), Resize) - ra_cnt(h, k, u)); */
        /*@ assert counted: RA_COUNTED(\at(ra_cnt(h, 2, u), Resize) == old_units &&
              \at(ra_cnt(h, 4, u), Resize) == old_req && ra_cnt(h, 2, u) == new_units &&
              ra_cnt(h, 4, u) == size && ra_cnt(h, 0, u) == 0 && ra_cnt(h, 1, u) == 0 &&
              ra_cnt(h, 3, u) == 1 && \at(ra_cnt(h, 3, u), Resize) == 1 &&
              \at(ra_cnt(h, 0, u), Resize) == 0 && \at(ra_cnt(h, 1, u), Resize) == 0); */
        /*@ assert counted: RA_COUNTED(
              ra_tiling(h) && ra_slack(h, 0xffffffff) && 0 <= u < h->units); */
        /*@ assert counted: RA_COUNTED(ra_cnt(h, 2, u) <= ra_sum(h, 2, h->units) <= h->units &&
              ra_cnt(h, 4, u) <= ra_sum(h, 4, h->units) <= 16 * h->units); */
        /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
              ra_gap(h, 2) == old_units - new_units && ra_gap(h, 4) == old_req - size); */
        /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
              h->live_units == ra_sum(h, 2, h->units) + old_units - new_units &&
              h->used_bytes == ra_sum(h, 4, h->units) + old_req - size); */
        account_resize(h, old_units, new_units, old_req, size);
        //@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==> ra_counted(h));
        POISON(ptr, (size_t)(old_units > new_units ? old_units : new_units) * UNIT);
        UNPOISON(ptr, size);
        return ptr;
    }
    /* (hints for the assigns goals: the ranges the callees write are the ones named at entry) */
    //@ assert same: h->units == \at(h->units, Pre) && h->meta == \at(h->meta, Pre) && h->base == \at(h->base, Pre);
    /* the old block's usable size, read while its record is as at entry (malloc keeps its size,
     * so the copy below stays inside it) */
    /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==> \forall integer k; 0 <= k <= 4 ==>
          ra_gap(h, k) == 0); */
    //@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==> ra_counted(h));
    size_t keep = ra_heap_usable_size(h, ptr);
    //@ assert keep: old_req <= keep <= old_units * 16;
    void *q = ra_heap_malloc(h, size);
    if (q == NULL) { /* malloc counted the failure and set ENOMEM; ptr is untouched */
        /* (hint: without it the `failed` postcondition took cvc4 over 40 s and cvc5 about 10 s;
         * with it, under 1 s each) */
        //@ assert failed: errno == ENOMEM && ra_live(h, u);
        return NULL;
    }
    //@ assert same: h->units == \at(h->units, Pre) && h->meta == \at(h->meta, Pre) && h->base == \at(h->base, Pre);
    /* u is still live (malloc keeps live blocks); both blocks lie in the arena, apart */
    //@ assert moved: ra_live(h, u);
    /* (the tiling component by name: written out as its quantified text it took cvc4 34 s, and
     * timed out at 40 s on a busier run; by name 0.3 s) */
    //@ assert tiling: ra_til_fit(h);
    //@ assert tiling: \forall integer a, b; ra_start(h, a) && ra_start(h, b) && a < b ==> ra_end(h, a) <= b;
    //@ assert keep: keep <= h->meta[u].size * 16;
    memcpy(q, ptr, keep < size ? keep : size);
    /*@ assert keeps: \forall integer i; 0 <= i < size && i < old_req ==>
          ((char *)q)[i] == \at(((char *)ptr)[i], Pre); */
    //@ assert same: h->units == \at(h->units, Pre) && h->meta == \at(h->meta, Pre) && h->base == \at(h->base, Pre);
    //@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==> ra_counted(h));
    unmark_live(h, u);
    /* counted: as in free */
    /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==>
          \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == -ra_cnt(h, k, u)); */
    //@ assert counted: RA_COUNTED(ra_cnt(h, 0, u) == 0 && ra_cnt(h, 1, u) == 0);
    //@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==> ra_free_counted(h));
    //@ ghost Release: ;
    release(h, u);
    /*@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==> \forall integer k; 0 <= k <= 4 ==>
          ra_gap(h, k) == \at(ra_gap(h, k), Release) + \at(ra_cnt(h, k, u), Release)); */
    /*@ assert counted: RA_COUNTED(
          \at(ra_counted(h), Pre) ==> \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == 0); */
    //@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==> ra_counted(h));
    //@ ghost Moved: ;
    bump(h, &h->realloc_moved);
    /*@ assert counted: RA_COUNTED(
          \forall integer k; 0 <= k <= 4 ==> ra_gap(h, k) == \at(ra_gap(h, k), Moved)); */
    //@ assert counted: RA_COUNTED(\at(ra_counted(h), Pre) ==> ra_counted(h));
    return q;
}

/* ---- introspection --------------------------------------------------------------------------- */

/* n units in bytes, saturated (the counters are statistics that saturate, see sat_add). */
/*@ assigns \nothing;
    ensures \result == (n <= SIZE_MAX / 16 ? n * 16 : SIZE_MAX); */
static inline size_t bytes_of(size_t n)
{
    return n <= SIZE_MAX / UNIT ? n * UNIT : SIZE_MAX;
}

/* 1 - largest / free_bytes, or 0 when nothing is free. free_bytes is a counter, not part of the
 * proved invariant: the guard keeps the ratio in [0, 1] whatever it holds (on a well-formed heap
 * largest <= free_bytes always, as ra_heap_check verifies). A function of its own so that the
 * float arithmetic stays out of stats_get's goals (with it in their context, cvc4 failed and cvc5 and
 * z3 timed out on the postcondition, a separation fact; measured). */
/*@ assigns \nothing; */
static double fragmentation_of(size_t largest, size_t free_bytes)
{
    if (free_bytes != 0 && largest <= free_bytes)
        return 1.0 - share(largest, free_bytes);
    return 0.0;
}

void ra_heap_stats_get(const ra_heap *h, ra_heap_stats *out)
{
    size_t free_bytes = bytes_of(h->free_units);
    size_t largest_bytes = 0;
    double fragmentation = 0.0;
    if (h->l.fl_bitmap != 0) {
        /* The largest free block is in the highest non-empty class: walk that one list. */
        unsigned fl = top_bit(h->l.fl_bitmap);
        //@ assert bitmaps: fl < 28 && h->l.sl_bitmap[fl] != 0;
        unsigned sl = top_bit(h->l.sl_bitmap[fl]);
        //@ assert bitmaps: sl < 16;
        uint32_t largest = 0;
        /*@ loop invariant links: v < 0 || ra_free(h, v);
            loop assigns v, largest; */
        for (int32_t v = (int32_t)h->l.heads[fl][sl]; v >= 0; v = h->meta[v].next)
            if (h->meta[v].size > largest)
                largest = h->meta[v].size;
        largest_bytes = (size_t)largest * UNIT;
        fragmentation = fragmentation_of(largest_bytes, free_bytes);
    }
    /* Field by field rather than memset (WP cannot model the cast of out to void *), in one
     * straight run at the end, the fields the contract names last: each is then a store WP
     * reads back with no branch after it. */
    out->live_bytes = bytes_of(h->live_units);
    out->free_bytes = free_bytes;
    out->peak_used_bytes = h->peak_used_bytes;
    out->failed_requests = h->failed_requests;
    out->realloc_in_place = h->realloc_in_place;
    out->realloc_moved = h->realloc_moved;
    out->invalid_frees = h->invalid_frees;
    out->largest_free = largest_bytes;
    out->fragmentation = fragmentation;
    out->arena_bytes = (size_t)h->units * UNIT;
    out->used_bytes = h->used_bytes;
    out->live_blocks = h->live_blocks;
    out->free_blocks = h->free_blocks;
}

const char *ra_status_str(ra_status s)
{
    switch (s) {
    case RA_OK: return "ok";
    case RA_EINVAL_ARG: return "a required argument is NULL or malformed";
    case RA_EMISALIGNED: return "the arena is not aligned to 16 bytes";
    case RA_ETOOSMALL: return "the arena is too small for the metadata and one block";
    case RA_ETOOLARGE: return "the size exceeds the heap's capacity";
    case RA_FAULT_TILING: return "blocks do not tile the arena exactly";
    case RA_FAULT_PREV: return "a block's link to its physical predecessor is wrong";
    case RA_FAULT_STATE: return "a block is neither free nor live";
    case RA_FAULT_ADJACENT_FREE: return "two free blocks are neighbours (missed merge)";
    case RA_FAULT_LIST: return "a free list is broken or holds a block of another class";
    case RA_FAULT_UNLISTED: return "a free block is missing from its free list";
    case RA_FAULT_BITMAP: return "a bitmap bit disagrees with its free list";
    case RA_FAULT_COUNTERS: return "the counters disagree with the blocks";
    case RA_FAULT_SLACK: return "a live block's recorded request exceeds the block";
    }
    return "unknown status";
}

/*@ requires unit_out == \null || \valid(unit_out);
    assigns *unit_out;
    ensures \result == s; */
static ra_status fault(size_t *unit_out, ra_status s, size_t unit)
{
    if (unit_out != NULL)
        *unit_out = unit;
    return s;
}

/* ra_heap_check is a few walks, each a function with its own contract (small goals for WP):
 * walk_blocks (tiling, prev links, states, merging, slack, each free block's links; the sums),
 * with RA_CHECK_FULL walk_states (the states again, record by record), check_classes (bitmaps
 * and list heads), walk_lists (completeness and acyclicity), then the counters. Their contracts
 * say what RA_OK means: with RA_CHECK_FULL, the predicate holds (proved). Check verifies more than
 * the predicate (counters, completeness, whole interior records): the converse is no theorem. */
typedef struct {
    size_t live_units, free_units, live_blocks, free_blocks, used;
} check_sums;

/* Whether v names a free block (fitting in the arena) of class (f, s). */
/*@ requires ra_heap_mem(h) && 0 <= f < 28 && 0 <= s < 16;
    assigns \nothing;
    ensures \result ==> ra_free(h, v) && ra_end(h, v) <= h->units &&
      ra_cf(h->meta[v].size) == f && ra_cs(h->meta[v].size) == s; */
static bool free_of_class(const ra_heap *h, int64_t v, unsigned f, unsigned s)
{
    if (v < 0 || v >= (int64_t)h->units)
        return false;
    const ra_heap_unit *m = &h->meta[v];
    if (m->size == 0 || m->size > h->units - (uint32_t)v || m->back == LIVE)
        return false;
    unsigned f2, s2;
    class_of(m->size, &f2, &s2);
    return f2 == f && s2 == s;
}

/* The links of free block u as ra_links states them for every free block, in O(1): its class is
 * valid, next and back name free blocks of its class that link back to u, and with no back link u
 * heads its list. (That every free block is reachable from its head is walk_lists' business.) */
/*@ requires ra_heap_mem(h) && ra_free(h, u) && ra_end(h, u) <= h->units;
    assigns \nothing;
    ensures \result ==> ra_link_ok(h, u, 0xffffffff, 0xffffffff); */
static bool links_ok(const ra_heap *h, uint32_t u)
{
    const ra_heap_unit *m = &h->meta[u];
    unsigned f, s;
    class_of(m->size, &f, &s);
    if (m->next != NIL && (!free_of_class(h, m->next, f, s) || h->meta[m->next].back != (int32_t)u))
        return false;
    if (m->back == NIL)
        return h->l.heads[f][s] == (int64_t)u;
    return free_of_class(h, m->back, f, s) && h->meta[m->back].next == (int32_t)u;
}

/* A lemma in the form of a ghost function (no code is generated): the interior fact that
 * walk_blocks' loop invariant states up to unit n, once n is the arena's end, is ra_til_interior.
 * Its precondition is the invariant word for word (Qed discharges it at the call), and its small
 * context lets the provers unfold the predicate. */
/*@ ghost
  /@ requires ra_heap_mem(h) && n == h->units;
     requires full ==> \forall integer i, j; 0 <= i < n && h->meta[i].size != 0 &&
       i < j < i + h->meta[i].size ==> h->meta[j].size == 0;
     assigns \nothing;
     ensures tiling: full ==> ra_til_interior(h); @/
  static void interior_tiled(const ra_heap *h, bool full, uint32_t n) { }
*/

/* The blocks in address order: tiling, prev links, states, merging, slack and each free block's
 * links, and the sums. The blocks walked so far cover units 0 .. u-1, which bounds every sum
 * (nothing here assumes the heap is well formed). With `full`, interior and unused records are
 * verified to be zero, so every record of nonzero size below u is a block walked: the invariants
 * then state the tiling of the prefix. (The per-block state checks are proved to mean the
 * predicate by walk_states, which `full` runs again record by record: their invariants here would
 * sit beside the tiling's, whose terms h->meta[i + h->meta[i].size] instantiate each other
 * without end; the provers timed out.) */
/*@ requires ra_heap_mem(h);
    requires \valid(sums) && \separated(sums, h) && \separated(sums, h->meta + (0 .. h->capacity));
    requires unit_out == \null || (\valid(unit_out) && \separated(unit_out, sums) &&
      \separated(unit_out, h) && \separated(unit_out, h->meta + (0 .. h->capacity)));
    assigns *sums, *unit_out;
    ensures \result == RA_OK || (RA_FAULT_TILING <= \result <= RA_FAULT_SLACK);
    ensures \result == RA_OK ==> sums->live_units + sums->free_units == h->units &&
      sums->live_blocks + sums->free_blocks <= h->units && sums->used <= sums->live_units * 16;
    ensures tiling: \result == RA_OK && full ==> ra_tiling(h);
    ensures beyond: \result == RA_OK && full ==> ra_beyond(h);
    ensures counted: RA_COUNTED(\result == RA_OK && full ==>
      sums->free_units == ra_sum(h, 0, h->units) && sums->free_blocks == ra_sum(h, 1, h->units) &&
      sums->live_units == ra_sum(h, 2, h->units) && sums->live_blocks == ra_sum(h, 3, h->units) &&
      sums->used == ra_sum(h, 4, h->units)); */
static ra_status walk_blocks(const ra_heap *h, bool full, check_sums *sums, size_t *unit_out)
{
    size_t live_units = 0, free_units = 0, live_blocks = 0, free_blocks = 0, used = 0;
    uint32_t prev = NONE;
    bool prev_free = false;
    uint32_t u = 0;
    /*@ loop invariant 0 <= u <= h->units;
        loop invariant live_units + free_units == u && live_blocks + free_blocks <= u;
        loop invariant used <= live_units * 16;
        loop invariant u == 0 ==> prev == 0xffffffff;
        loop invariant u != 0 ==> prev < u && h->meta[prev].size != 0 &&
          prev + h->meta[prev].size == u;
        loop invariant full && u != 0 ==> h->meta[0].size != 0 && h->meta[0].prev == 0xffffffff;
        loop invariant full ==> \forall integer i; 0 <= i < u && h->meta[i].size != 0 ==>
          i + h->meta[i].size <= u;
        loop invariant full ==> \forall integer i; 0 <= i < u && h->meta[i].size != 0 &&
          i + h->meta[i].size == u ==> i == prev;
        loop invariant full ==> \forall integer i; 0 <= i < u && h->meta[i].size != 0 &&
          i + h->meta[i].size < u ==>
          h->meta[i + h->meta[i].size].prev == i && h->meta[i + h->meta[i].size].size != 0;
        loop invariant full ==> \forall integer i; 0 < i < u && h->meta[i].size != 0 ==>
          h->meta[i].prev < i && h->meta[h->meta[i].prev].size != 0 &&
          h->meta[i].prev + h->meta[h->meta[i].prev].size == i;
        loop invariant full ==> \forall integer i, j; 0 <= i < u && h->meta[i].size != 0 &&
          i < j < i + h->meta[i].size ==> h->meta[j].size == 0;
        // the sums so far are those of spec/heap_counts.acsl (with `full` every record of
        // nonzero size below u is a block walked)
        loop invariant counted: RA_COUNTED(full ==> free_units == ra_sum(h, 0, u));
        loop invariant counted: RA_COUNTED(full ==> free_blocks == ra_sum(h, 1, u));
        loop invariant counted: RA_COUNTED(full ==> live_units == ra_sum(h, 2, u));
        loop invariant counted: RA_COUNTED(full ==> live_blocks == ra_sum(h, 3, u));
        loop invariant counted: RA_COUNTED(full ==> used == ra_sum(h, 4, u));
        loop assigns u, prev, prev_free, live_units, free_units, live_blocks, free_blocks, used;
        loop variant h->units - u; */
    while (u < h->units) {
        const ra_heap_unit *m = &h->meta[u];
        if (m->size == 0 || m->size > h->units - u)
            return fault(unit_out, RA_FAULT_TILING, u);
        if (m->prev != prev)
            return fault(unit_out, RA_FAULT_PREV, u);
        if (full)
            /*@ loop invariant u + 1 <= i <= u + m->size;
                loop invariant \forall integer j; u < j < i ==> h->meta[j].size == 0;
                loop assigns i; */
            for (uint32_t i = u + 1u; i < u + m->size; i++)
                if (h->meta[i].size || h->meta[i].prev || h->meta[i].next || h->meta[i].back)
                    return fault(unit_out, RA_FAULT_TILING, i);
        if (m->back == LIVE) {
            if (m->next < 0 || (size_t)m->next > (size_t)m->size * UNIT)
                return fault(unit_out, RA_FAULT_SLACK, u);
            live_units += m->size;
            live_blocks++;
            used += (size_t)m->size * UNIT - (size_t)m->next;
            prev_free = false;
        } else {
            if (prev_free)
                return fault(unit_out, RA_FAULT_ADJACENT_FREE, u);
            if (!links_ok(h, u))
                return fault(unit_out, RA_FAULT_LIST, u);
            free_units += m->size;
            free_blocks++;
            prev_free = true;
        }
        /* the block adds to each sum what its first record adds (its interior records, size 0
         * with `full`, add nothing) */
        /*@ assert counted: RA_COUNTED(full ==> \forall integer k;
              ra_sum(h, k, u + h->meta[u].size) == ra_sum(h, k, u) + ra_cnt(h, k, u)); */
        prev = u;
        u += m->size;
    }
    if (h->meta[h->units].size != 0 || h->meta[h->units].prev != prev)
        return fault(unit_out, RA_FAULT_PREV, h->units);
    /* The components one by one. The interior goes through a ghost function: in this context the
     * provers timed out on it (the invariants' terms h->meta[i + h->meta[i].size] and
     * h->meta[h->meta[i].prev] instantiate each other without end). */
    //@ ghost interior_tiled(h, full, u);
    //@ assert tiling: full ==> ra_til_ends(h);
    //@ assert tiling: full ==> ra_til_fit(h);
    //@ assert tiling: full ==> ra_til_back(h);
    //@ assert tiling: full ==> ra_til_next(h);
    //@ assert tiling: full ==> ra_til_prev(h);
    /* Records past the used units: zero when the caller promised zeroed metadata (O(capacity)). */
    if (full && h->meta_zeroed)
        /*@ loop invariant h->units + 1 <= i <= h->capacity + 1;
            loop invariant \forall integer j; h->units < j < i ==> ra_zero_unit(h->meta[j]);
            loop assigns i; */
        for (size_t i = (size_t)h->units + 1u; i <= h->capacity; i++)
            if (h->meta[i].size || h->meta[i].prev || h->meta[i].next || h->meta[i].back)
                return fault(unit_out, RA_FAULT_TILING, i);
    sums->live_units = live_units;
    sums->free_units = free_units;
    sums->live_blocks = live_blocks;
    sums->free_blocks = free_blocks;
    sums->used = used;
    return RA_OK;
}

/* The states, record by record (RA_CHECK_FULL only: O(units)): no free block is followed by a
 * free block, a live block's slack fits, a free block's links are as ra_links states them. The
 * same checks walk_blocks makes block by block, here in the form the predicate states them. */
/*@ requires ra_heap_mem(h);
    requires unit_out == \null || (\valid(unit_out) && \separated(unit_out, h) &&
      \separated(unit_out, h->meta + (0 .. h->capacity)));
    assigns *unit_out;
    ensures \result == RA_OK || \result == RA_FAULT_TILING || \result == RA_FAULT_ADJACENT_FREE ||
      \result == RA_FAULT_SLACK || \result == RA_FAULT_LIST;
    ensures links: \result == RA_OK ==> ra_links(h, 0xffffffff, 0xffffffff);
    ensures merged: \result == RA_OK ==> ra_merged(h, 0xffffffff, 0xffffffff);
    ensures slack: \result == RA_OK ==> ra_slack(h, 0xffffffff); */
static ra_status walk_states(const ra_heap *h, size_t *unit_out)
{
    /*@ loop invariant 0 <= u <= h->units;
        loop invariant \forall integer i; 0 <= i < u && h->meta[i].size != 0 &&
          h->meta[i].back != -2 && i + h->meta[i].size < h->units ==>
          !(h->meta[i + h->meta[i].size].size != 0 && h->meta[i + h->meta[i].size].back != -2);
        loop invariant \forall integer i; 0 <= i < u && h->meta[i].size != 0 &&
          h->meta[i].back == -2 ==> 0 <= h->meta[i].next <= h->meta[i].size * 16;
        loop invariant \forall integer i; 0 <= i < u && h->meta[i].size != 0 &&
          h->meta[i].back != -2 ==> ra_link_ok(h, i, 0xffffffff, 0xffffffff);
        loop assigns u;
        loop variant h->units - u; */
    for (uint32_t u = 0; u < h->units; u++) {
        const ra_heap_unit *m = &h->meta[u];
        if (m->size == 0)
            continue;
        if (m->size > h->units - u)
            return fault(unit_out, RA_FAULT_TILING, u);
        if (m->back == LIVE) {
            if (m->next < 0 || (size_t)m->next > (size_t)m->size * UNIT)
                return fault(unit_out, RA_FAULT_SLACK, u);
        } else {
            uint32_t e = u + m->size;
            if (e < h->units && h->meta[e].size != 0 && h->meta[e].back != LIVE)
                return fault(unit_out, RA_FAULT_ADJACENT_FREE, e);
            if (!links_ok(h, u))
                return fault(unit_out, RA_FAULT_LIST, u);
        }
    }
    return RA_OK;
}

/* The bitmaps and the list heads, class by class: each bit agrees with its list (or row) being
 * non-empty, no bit is set beyond the classes, and each head is a free block of its class with no
 * back link. */
/*@ requires ra_heap_mem(h);
    requires unit_out == \null || (\valid(unit_out) && \separated(unit_out, h) &&
      \separated(unit_out, h->meta + (0 .. h->capacity)));
    assigns *unit_out;
    ensures \result == RA_OK || \result == RA_FAULT_LIST || \result == RA_FAULT_BITMAP;
    ensures heads: \result == RA_OK ==> ra_heads(h, 0xffffffff, 0xffffffff);
    ensures bitmaps: \result == RA_OK ==> ra_bitmaps(h); */
static ra_status check_classes(const ra_heap *h, size_t *unit_out)
{
    /*@ loop invariant 0 <= f <= 28;
        loop invariant \forall integer g; 0 <= g < f ==> ra_sl_word(h, g);
        loop invariant \forall integer g; 0 <= g < f ==>
          (ra_bit(h->l.fl_bitmap, g) <==> h->l.sl_bitmap[g] != 0);
        loop invariant \forall integer g, t; 0 <= g < f && 0 <= t < 16 && h->l.heads[g][t] != -1 ==>
          ra_free(h, h->l.heads[g][t]) && h->meta[h->l.heads[g][t]].back == -1 &&
          ra_cf(h->meta[h->l.heads[g][t]].size) == g && ra_cs(h->meta[h->l.heads[g][t]].size) == t;
        loop assigns f; */
    for (unsigned f = 0; f < RA_HEAP_FL_COUNT; f++) {
        uint64_t word = h->l.sl_bitmap[f];
        if (((h->l.fl_bitmap & bit_of(f)) != 0) != (word != 0))
            return fault(unit_out, RA_FAULT_BITMAP, f);
        /* No bit beyond the 16 classes of the row (bit by bit: WP relates bit_of(k) to ra_bit,
         * not a shifted word). Rows are mostly empty, and an empty row has none. */
        if (word != 0)
            /*@ loop invariant 16 <= k <= 64;
                loop invariant \forall integer j; 16 <= j < k ==> !ra_bit(word, j);
                loop assigns k; */
            for (unsigned k = RA_HEAP_SL_COUNT; k < 64; k++)
                if ((word & bit_of(k)) != 0)
                    return fault(unit_out, RA_FAULT_BITMAP, f);
        //@ assert \forall integer k; 16 <= k < 64 ==> !ra_bit(word, k);
        /*@ loop invariant 0 <= s <= 16;
            loop invariant \forall integer t; 0 <= t < s ==> (ra_bit(word, t) <==> h->l.heads[f][t] != -1);
            loop invariant \forall integer t; 0 <= t < s && h->l.heads[f][t] != -1 ==>
              ra_free(h, h->l.heads[f][t]) && h->meta[h->l.heads[f][t]].back == -1 &&
              ra_cf(h->meta[h->l.heads[f][t]].size) == f && ra_cs(h->meta[h->l.heads[f][t]].size) == t;
            loop assigns s; */
        for (unsigned s = 0; s < RA_HEAP_SL_COUNT; s++) {
            int64_t hd = h->l.heads[f][s];
            if (((word & bit_of(s)) != 0) != (hd != NIL))
                return fault(unit_out, RA_FAULT_BITMAP, f * RA_HEAP_SL_COUNT + s);
            if (hd != NIL && (!free_of_class(h, hd, f, s) || h->meta[hd].back != NIL))
                return fault(unit_out, RA_FAULT_LIST, (size_t)(uint32_t)hd);
        }
    }
    /*@ loop invariant 28 <= k <= 64;
        loop invariant \forall integer j; 28 <= j < k ==> !ra_bit(h->l.fl_bitmap, j);
        loop assigns k; */
    for (unsigned k = RA_HEAP_FL_COUNT; k < 64; k++)
        if ((h->l.fl_bitmap & bit_of(k)) != 0)
            return fault(unit_out, RA_FAULT_BITMAP, k);
    return RA_OK;
}

/* Every list walked from its head: each listed block is a free start of the list's class whose
 * back link names its predecessor in the list. Walks are bounded by the free-block count, so a
 * cycle is a fault, and the free blocks listed must number free_blocks: with the walk above
 * (every free block links into its class), every free block is reachable from its head. Runs
 * after check_classes, so an empty row (bitmap word 0) has no head. The fault comes back as a
 * value, not through *unit_out: a write there (a size_t, kept by WP's Typed model in the memory
 * variable of the 64-bit bitmaps) would hide from WP that the bitmaps check_classes verified are
 * unchanged. */
typedef struct {
    ra_status status;
    size_t unit;
} walk_result;

/*@ requires ra_heap_mem(h) && free_blocks <= h->units;
    assigns \nothing;
    ensures \result.status == RA_OK || \result.status == RA_FAULT_LIST ||
      \result.status == RA_FAULT_UNLISTED; */
static walk_result walk_lists(const ra_heap *h, size_t free_blocks)
{
    walk_result r = { RA_FAULT_LIST, 0 };
    size_t listed = 0;
    /*@ loop invariant 0 <= fl <= 28 && listed <= free_blocks;
        loop assigns fl, listed, r.unit; */
    for (unsigned fl = 0; fl < RA_HEAP_FL_COUNT; fl++) {
        if (h->l.sl_bitmap[fl] == 0)
            continue;
        /*@ loop invariant 0 <= sl <= 16 && listed <= free_blocks;
            loop assigns sl, listed, r.unit; */
        for (unsigned sl = 0; sl < RA_HEAP_SL_COUNT; sl++) {
            int64_t back = NIL;
            /*@ loop invariant listed <= free_blocks;
                loop assigns sv, back, listed, r.unit; */
            for (int64_t sv = h->l.heads[fl][sl]; sv != NIL; sv = h->meta[sv].next) {
                r.unit = (size_t)(uint32_t)sv;
                if (sv < 0 || sv >= (int64_t)h->units || ++listed > free_blocks)
                    return r;
                uint32_t v = (uint32_t)sv;
                const ra_heap_unit *m = &h->meta[v];
                unsigned f, s;
                if (m->size == 0 || m->size > h->units - v || m->back != back ||
                    h->meta[v + m->size].prev != v ||
                    (m->prev != NONE &&
                     (m->prev >= v || (size_t)m->prev + h->meta[m->prev].size != v)) ||
                    (m->prev == NONE && v != 0))
                    return r;
                class_of(m->size, &f, &s);
                if (f != fl || s != sl)
                    return r;
                back = sv;
            }
        }
    }
    r.status = listed != free_blocks ? RA_FAULT_UNLISTED : RA_OK;
    r.unit = 0;
    return r;
}

ra_status ra_heap_check(const ra_heap *h, unsigned flags, size_t *unit_out)
{
    check_sums sums;
    bool full = (flags & RA_CHECK_FULL) != 0;
    ra_status st = walk_blocks(h, full, &sums, unit_out);
    if (st != RA_OK)
        return st;
    if (full) {
        st = walk_states(h, unit_out);
        if (st != RA_OK)
            return st;
    }
    /* The last call that may write *unit_out (walk_lists returns its fault instead: see there). */
    st = check_classes(h, unit_out);
    if (st != RA_OK)
        return st;
    walk_result w = walk_lists(h, sums.free_blocks);
    if (w.status != RA_OK)
        return fault(unit_out, w.status, w.unit);
    if (sums.live_units != h->live_units || sums.free_units != h->free_units ||
        sums.live_blocks != h->live_blocks || sums.free_blocks != h->free_blocks ||
        sums.used != h->used_bytes)
        return fault(unit_out, RA_FAULT_COUNTERS, 0);
    return RA_OK;
}
