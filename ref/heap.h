/*
 * refalloc heap: a general-purpose allocator over a caller-supplied arena.
 *
 * Semantics (spec/SEMANTICS.md has the full table, with the C17/C23/POSIX rule, glibc and musl):
 * - Every block returned is aligned to RA_HEAP_ALIGN (16 = alignof(max_align_t) on x86_64,
 *   relative to an absolute address: init requires a 16-aligned arena).
 * - Sizes above PTRDIFF_MAX, calloc products that overflow, and requests the arena cannot hold
 *   return NULL with errno = ENOMEM. aligned_alloc with alignment 0 or not a power of two returns
 *   NULL with errno = EINVAL; power-of-two alignments of any size work while the arena has room.
 * - malloc(0) returns a unique, freeable block (usable size >= 0), as glibc does.
 *   realloc(p, 0) with p != NULL frees p and returns NULL (glibc); realloc(NULL, n) is malloc(n).
 *   A failed realloc returns NULL, sets errno, and leaves the old block and its contents intact.
 * - free(NULL) is a no-op; free never changes errno.
 * - usable_size(NULL) == 0; usable_size(p) >= the size requested for p. In AddressSanitizer
 *   builds it is exactly the requested size (as with ASan's own allocator), because only the
 *   requested bytes are unpoisoned.
 * - realloc grows or shrinks in place when the block or its free right-hand neighbour allows
 *   (counted in stats.realloc_in_place); otherwise it moves the data (stats.realloc_moved).
 *   Copies keep min(old usable size, new size) bytes.
 * - Freed blocks merge with free neighbours at once: no two free blocks are ever adjacent.
 *
 * Fit guarantee (what the fuzzers check on every out-of-memory):
 *   a request of n bytes needs u = max(1, ceil(n / 16)) units; aligned_alloc(a, n) with a > 16
 *   needs u + a/16 - 1 units. Such a request fails only if no free block of at least
 *   ra_heap_class_round(need) units exists (TLSF "good fit": any block of the rounded-up size class
 *   fits, so the search is a bitmap lookup, never a walk).
 *
 * Bad pointers (checked mode, always on: validation is O(1)): free or realloc of a pointer that is
 * not a live block of this heap (outside the arena, misaligned, inside a block, or already freed) is
 * reported to the heap's error handler and changes nothing. The default handler prints the pointer
 * and the reason on stderr and aborts. If a custom handler returns, free returns and realloc returns
 * NULL with errno = EINVAL.
 *
 * Complexity: malloc, free, realloc (apart from the copy), calloc (apart from the zeroing),
 * aligned_alloc, usable_size: O(1), bounded by two bitmap scans and a constant number of list
 * operations; nothing loops over blocks. stats: O(k), k = free blocks in the largest non-empty
 * size class (to report the largest free block exactly); check: O(units). init, reset: O(units).
 *
 * Metadata lives out of line, in an array of 16-byte records indexed by arena unit (one unit =
 * 16 bytes), placed before the first user block: an overflow past the end of a block cannot reach
 * it, and the code needs no casts from user memory to headers.
 *
 * Not thread-safe: one heap per thread, or a lock around it (the malloc shim does that).
 */
#ifndef RA_HEAP_H
#define RA_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RA_HEAP_ALIGN 16u          /* alignment of every block, = one arena unit */
#define RA_HEAP_UNIT 16u           /* bytes per arena unit */
#define RA_HEAP_SL_LOG 4u          /* log2 of second-level lists per first-level class */
#define RA_HEAP_SL_COUNT 16u
#define RA_HEAP_FL_COUNT 28u       /* first-level classes: blocks up to 2^31 units */
#define RA_HEAP_MAX_UNITS 0x7fffffffu
#define RA_HEAP_NONE 0xffffffffu   /* "no block" in prev (the first block's predecessor) */
#define RA_HEAP_NIL (-1)           /* "no block" in free-list links and list heads */
#define RA_HEAP_LIVE (-2)          /* back-link value that marks a live block */

/* Result codes of init and check. 0 is success. */
typedef enum {
    RA_OK = 0,
    RA_EINVAL_ARG,      /* NULL heap or arena */
    RA_EMISALIGNED,     /* arena not aligned to RA_HEAP_ALIGN */
    RA_ETOOSMALL,       /* arena cannot hold the metadata and one unit */
    RA_ETOOLARGE,       /* arena beyond RA_HEAP_MAX_UNITS units (extend: beyond capacity) */
    /* check() faults: the first invariant found broken */
    RA_FAULT_TILING,    /* a block size runs past the arena, or interior unit marked as start */
    RA_FAULT_PREV,      /* a block's back pointer to its physical predecessor is wrong */
    RA_FAULT_STATE,     /* a start is neither free nor live */
    RA_FAULT_ADJACENT_FREE, /* two free blocks are neighbours (a merge was missed) */
    RA_FAULT_LIST,      /* free-list links broken, a live block in a list, wrong size class */
    RA_FAULT_UNLISTED,  /* a free block is in no list (completeness) */
    RA_FAULT_BITMAP,    /* bitmap bit disagrees with list emptiness */
    RA_FAULT_COUNTERS,  /* counters disagree with the blocks */
    RA_FAULT_SLACK      /* recorded request larger than the block */
} ra_status;

/* Per-unit metadata record. For a block start: size in units (non-zero); prev = start of the
 * physically previous block (RA_HEAP_NONE for the first). For a free block next/back link the
 * free list of its size class (RA_HEAP_NIL ends it); for a live block back == RA_HEAP_LIVE and
 * next = the slack in bytes (block bytes - requested bytes, 0 .. 16). Interior units are all zero.
 * The block shape (size, prev) is unsigned and the links (next, back, and the list heads) are
 * signed on purpose: Frama-C WP's Typed memory model keeps one memory variable per scalar type, so
 * a list operation provably leaves every fact about the block shape alone without a separation
 * argument, and a split or merge leaves the links alone (proofs/README-heap.md). */
typedef struct {
    uint32_t size;
    uint32_t prev;
    int32_t next;
    int32_t back;
} ra_heap_unit;

typedef struct {
    size_t arena_bytes;        /* user-addressable bytes (units * 16) */
    size_t used_bytes;         /* sum of requested sizes of live blocks */
    size_t live_bytes;         /* bytes in live blocks, slack included */
    size_t free_bytes;         /* bytes in free blocks */
    size_t live_blocks;
    size_t free_blocks;
    size_t largest_free;       /* bytes in the largest free block */
    double fragmentation;      /* 1 - largest_free / free_bytes; 0 when nothing is free */
    size_t peak_used_bytes;    /* maximum of used_bytes since init or reset */
    size_t failed_requests;    /* requests that returned NULL (ENOMEM or EINVAL) */
    size_t realloc_in_place;   /* reallocs that kept the block where it was */
    size_t realloc_moved;      /* reallocs that allocated, copied and freed */
    size_t invalid_frees;      /* bad pointers reported to the handler */
} ra_heap_stats;

struct ra_heap;
/* Called for a bad pointer. op is "free" or "realloc"; reason is one sentence. */
typedef void (*ra_heap_error_fn)(const struct ra_heap *h, const char *op, const void *ptr,
                                 const char *reason, void *ctx);

/* The heap state. Its fields are private: use the functions below. */
typedef struct ra_heap {
    ra_heap_unit *meta;        /* meta[0 .. units-1] */
    char *base;                /* first user byte, unit 0 (char: void * is char * to WP) */
    uint32_t units;            /* units in use now */
    uint32_t capacity;         /* units the metadata can describe (>= units) */
    bool meta_zeroed;          /* records beyond `units` are known to be zero */
    /* The bitmaps are 64-bit and the list heads int64_t for the same reason as the signed links:
     * a memory variable of their own in WP's model (only the low 28 and 16 bits are used). */
    /* The list state in one member, so that a contract can name all of it as one location
     * (`assigns h->l`): WP then checks a callee's list writes against its caller's without
     * locating a cell in a two-dimensional range, which the provers could not do (measured). */
    struct ra_heap_lists {
        uint64_t fl_bitmap;    /* bit f set iff some sl list of class f is non-empty */
        uint64_t sl_bitmap[RA_HEAP_FL_COUNT];
        int64_t heads[RA_HEAP_FL_COUNT][RA_HEAP_SL_COUNT]; /* first block of each list, or NIL */
    } l;
    size_t used_bytes, live_units, free_units, live_blocks, free_blocks;
    size_t peak_used_bytes, failed_requests, realloc_in_place, realloc_moved, invalid_frees;
    ra_heap_error_fn on_error;
    void *on_error_ctx;
} ra_heap;

#ifdef __FRAMAC__
#include <errno.h>
#include "../spec/heap_ok.acsl"
#endif

/* ACSL contracts: proved by Frama-C WP (make prove; proofs/README-heap.md lists what is proved,
 * what is assumed and what is only checked at run time). ra_heap_ok(h) is the well-formedness
 * predicate of spec/heap_ok.acsl; every function on an initialised heap requires and ensures it.
 * ra_counted(h) (spec/heap_counts.acsl: every statistics counter equals its sum over the blocks)
 * is established by init and reset, and required and ensured, beside ra_heap_ok, by every
 * function that changes the heap: the clauses labelled `counted`. Their predicates are written
 * RA_COUNTED(P), which is P (the macro only lets the proof runs that do not prove these clauses
 * leave them out; spec/heap_counts.acsl). */

/* Bytes of metadata needed to describe `units` units (units < SIZE_MAX / 16). */
/*@ requires units < 0x0fffffffffffffff;
    assigns \nothing;
    ensures \result == (units + 1) * 16; */
size_t ra_heap_meta_bytes(size_t units);

/* Initialise h over arena[0 .. bytes): metadata is carved from the front. arena must be aligned to
 * RA_HEAP_ALIGN. Returns RA_OK or RA_EINVAL_ARG / RA_EMISALIGNED / RA_ETOOSMALL; on error h is
 * left unusable. The whole arena becomes one free block. O(units).
 * Layout: units = min((bytes - 16) / 32, RA_HEAP_MAX_UNITS) records plus a sentinel at the front,
 * then units * 16 bytes of user space.
 * This contract is NOT proved by WP: the records are carved out of the arena with a cast, which
 * WP's Typed model cannot check (proofs/README-heap.md). E-ACSL checks the layout clauses on every
 * call of the corpus replay (make eacsl), and the body calls the proved ra_heap_init_split. */
/*@ requires h == \null || \valid(h);
    requires h != \null && arena != \null ==>
      \valid((char *)arena + (0 .. bytes - 1)) && \separated(h, (char *)arena + (0 .. bytes - 1));
    behavior bad_arg:
      assumes h == \null || arena == \null;
      assigns \nothing;
      ensures \result == RA_EINVAL_ARG;
    behavior misaligned:
      assumes h != \null && arena != \null;
      assumes ra_addr_mod((char *)arena, 16) != 0;
      assigns \nothing;
      ensures \result == RA_EMISALIGNED;
    behavior too_small:
      assumes h != \null && arena != \null;
      assumes ra_addr_mod((char *)arena, 16) == 0;
      assumes bytes < 48;
      assigns \nothing;
      ensures \result == RA_ETOOSMALL;
    behavior ok:
      assumes h != \null && arena != \null;
      assumes ra_addr_mod((char *)arena, 16) == 0;
      assumes bytes >= 48;
      assigns *h, ((char *)arena)[0 .. bytes - 1];
      ensures \result == RA_OK;
      ensures ra_heap_ok(h);
      ensures counted: RA_COUNTED(ra_counted(h));
      ensures h->units == h->capacity;
      ensures h->units == ((bytes - 16) / 32 <= 0x7fffffff ? (bytes - 16) / 32 : 0x7fffffff);
      ensures (char *)h->meta == (char *)arena && h->base == (char *)arena + (h->units + 1) * 16;
      ensures ra_free(h, 0) && h->meta[0].size == h->units;
    complete behaviors; disjoint behaviors; */
ra_status ra_heap_init(ra_heap *h, void *arena, size_t bytes);

/* Initialise with metadata and user memory apart. meta must hold ra_heap_meta_bytes(capacity)
 * bytes (capacity records plus a sentinel); arena must be 16-aligned, `bytes` of it usable now
 * and room for `capacity` units for later ra_heap_extend. If `meta_zeroed` is true the caller
 * guarantees every record is zero (fresh mmap), and neither init nor extend touch records they do
 * not need, so lazily mapped memory stays unmapped; otherwise init and extend clear them. */
/*@ requires h == \null || \valid(h);
    requires h != \null && meta != \null && arena != \null && 1 <= bytes / 16 <= capacity &&
             capacity <= 0x7fffffff ==>
      \valid(meta + (0 .. capacity)) &&
      \valid((char *)arena + (0 .. capacity * 16 - 1)) &&
      \separated(h, meta + (0 .. capacity)) &&
      \separated(h, (char *)arena + (0 .. capacity * 16 - 1)) &&
      \separated(meta + (0 .. capacity), (char *)arena + (0 .. capacity * 16 - 1)) &&
      (meta_zeroed ==> \forall integer i; 0 <= i <= capacity ==> ra_zero_unit(meta[i]));
    behavior bad_arg:
      assumes h == \null || meta == \null || arena == \null;
      assigns \nothing;
      ensures \result == RA_EINVAL_ARG;
    behavior misaligned:
      assumes h != \null && meta != \null && arena != \null;
      assumes ra_addr_mod((char *)arena, 16) != 0;
      assigns \nothing;
      ensures \result == RA_EMISALIGNED;
    behavior too_small:
      assumes h != \null && meta != \null && arena != \null;
      assumes ra_addr_mod((char *)arena, 16) == 0;
      assumes bytes / 16 == 0 || capacity < bytes / 16;
      assigns \nothing;
      ensures \result == RA_ETOOSMALL;
    behavior too_large:
      assumes h != \null && meta != \null && arena != \null;
      assumes ra_addr_mod((char *)arena, 16) == 0;
      assumes 1 <= bytes / 16 <= capacity && capacity > 0x7fffffff;
      assigns \nothing;
      ensures \result == RA_ETOOLARGE;
    behavior ok:
      assumes h != \null && meta != \null && arena != \null;
      assumes ra_addr_mod((char *)arena, 16) == 0;
      assumes 1 <= bytes / 16 <= capacity <= 0x7fffffff;
      // (by field, the form of the helpers' assigns: WP then matches them as they are)
      assigns *h, meta[0 .. bytes / 16].size, meta[0 .. bytes / 16].prev,
              meta[0 .. bytes / 16].next, meta[0 .. bytes / 16].back;
      ensures \result == RA_OK && ra_heap_ok(h);
      ensures counted: RA_COUNTED(ra_counted(h));
      ensures h->units == bytes / 16 && h->capacity == capacity;
      ensures h->base == (char *)arena && h->meta == meta;
      ensures ra_free(h, 0) && h->meta[0].size == h->units;
    complete behaviors; disjoint behaviors; */
ra_status ra_heap_init_split(ra_heap *h, ra_heap_unit *meta, size_t capacity, bool meta_zeroed,
                             void *arena, size_t bytes);

/* Grow the arena by `bytes` (a multiple of 16) at its end, up to the capacity given at init.
 * The new space joins the last block if that is free. O(1). A NULL heap or a size that is not a
 * multiple of 16 gives RA_EINVAL_ARG, room beyond the capacity RA_ETOOLARGE; both change nothing. */
/*@ requires h == \null || ra_heap_ok(h);
    requires counted: RA_COUNTED(h != \null ==> ra_counted(h));
    ensures h != \null ==> ra_heap_ok(h);
    ensures counted: RA_COUNTED(h != \null ==> ra_counted(h));
    behavior null_heap:
      assumes h == \null;
      assigns \nothing;
      ensures \result == RA_EINVAL_ARG;
    behavior bad_size:
      assumes h != \null && bytes % 16 != 0;
      assigns \nothing;
      ensures \result == RA_EINVAL_ARG;
    behavior nothing:
      assumes h != \null && bytes == 0;
      assigns \nothing;
      ensures \result == RA_OK;
    behavior too_large:
      assumes h != \null && bytes % 16 == 0 && bytes / 16 > h->capacity - h->units;
      assigns \nothing;
      ensures \result == RA_ETOOLARGE;
    behavior ok:
      assumes h != \null && bytes % 16 == 0 && 0 < bytes / 16 <= h->capacity - h->units;
      assigns h->units, h->meta[0 .. h->capacity].size, h->meta[0 .. h->capacity].prev,
              h->meta[0 .. h->capacity].next, h->meta[0 .. h->capacity].back, h->l,
              h->free_units, h->free_blocks;
      // (the guard inside \old: E-ACSL evaluates \old at entry even when this behaviour does
      // not apply, and h may be NULL then)
      ensures \result == RA_OK && h->units == \old(h == \null ? 0 : h->units) + bytes / 16;
    complete behaviors; disjoint behaviors; */
ra_status ra_heap_extend(ra_heap *h, size_t bytes);

/* Free every block: the arena is one free block again; counters (peak included) restart. */
/*@ requires ra_heap_ok(h);
    assigns h->meta[0 .. h->units].size, h->meta[0 .. h->units].prev,
            h->meta[0 .. h->units].next, h->meta[0 .. h->units].back, h->l, h->free_units,
            h->free_blocks, h->live_units, h->live_blocks, h->used_bytes, h->peak_used_bytes,
            h->failed_requests, h->realloc_in_place, h->realloc_moved, h->invalid_frees;
    ensures ra_heap_ok(h) && ra_free(h, 0) && h->meta[0].size == h->units;
    ensures counted: RA_COUNTED(ra_counted(h)); */
void ra_heap_reset(ra_heap *h);

/*@ requires ra_heap_ok(h);
    requires counted: RA_COUNTED(ra_counted(h));
    assigns h->meta[0 .. h->units].size, h->meta[0 .. h->units].prev,
            h->meta[0 .. h->units].next, h->meta[0 .. h->units].back, h->l, h->free_units,
            h->free_blocks, h->live_units, h->live_blocks, h->used_bytes, h->peak_used_bytes,
            h->failed_requests, errno;
    ensures ra_heap_ok(h);
    ensures counted: RA_COUNTED(ra_counted(h));
    ensures \result == \null || \exists integer u; ra_live(h, u) &&
        ra_unit_ptr(h, \result, u) &&
      h->meta[u].size * 16 >= size && \at(ra_free(h, u), Pre);
    // blocks live before are live still, with their sizes (nothing moves)
    ensures live_kept: \forall integer w; \at(ra_live(h, w), Pre) ==>
      ra_live(h, w) && h->meta[w].size == \at(h->meta[w].size, Pre);
    // the arena is the same (a frame fact callers need: the sizes share WP's memory variable)
    ensures units: h->units == \old(h->units) && h->capacity == \old(h->capacity);
    behavior too_large:
      assumes size > PTRDIFF_MAX || (size + 15) / 16 > 0x7fffffff;
      ensures \result == \null && errno == ENOMEM;
    behavior fits:
      assumes size <= PTRDIFF_MAX && (size + 15) / 16 <= 0x7fffffff;
      ensures \result == \null ==> errno == ENOMEM;
    complete behaviors; disjoint behaviors; */
void *ra_heap_malloc(ra_heap *h, size_t size);
/*@ requires ra_heap_ok(h);
    requires counted: RA_COUNTED(ra_counted(h));
    assigns h->meta[0 .. h->units].size, h->meta[0 .. h->units].prev,
            h->meta[0 .. h->units].next, h->meta[0 .. h->units].back, h->l, h->free_units,
            h->free_blocks, h->live_units, h->live_blocks, h->used_bytes, h->peak_used_bytes,
            h->invalid_frees;
    ensures ra_heap_ok(h);
    ensures counted: RA_COUNTED(ra_counted(h));
    behavior null:
      assumes ptr == \null;
      assigns \nothing;
    behavior live:
      assumes ptr != \null;
      assumes \exists integer u; ra_live(h, u) &&
        ra_unit_ptr(h, ptr, u);
      ensures h->invalid_frees == \old(h->invalid_frees);
      ensures \forall integer u; \at(ra_live(h, u), Pre) &&
        ra_unit_ptr(h, ptr, u) ==> !ra_live(h, u);
      // only that block: every other live block stays live, with its size
      ensures \forall integer w; \at(ra_live(h, w), Pre) && !ra_unit_ptr(h, ptr, w) ==>
        ra_live(h, w) && h->meta[w].size == \at(h->meta[w].size, Pre);
    behavior invalid:
      assumes ptr != \null;
      assumes !\exists integer u; ra_live(h, u) &&
        ra_unit_ptr(h, ptr, u);
      assigns h->invalid_frees;
    complete behaviors; disjoint behaviors; */
void ra_heap_free(ra_heap *h, void *ptr);
/*@ requires ra_heap_ok(h);
    requires counted: RA_COUNTED(ra_counted(h));
    assigns h->meta[0 .. h->units].size, h->meta[0 .. h->units].prev,
            h->meta[0 .. h->units].next, h->meta[0 .. h->units].back, h->l, h->free_units,
            h->free_blocks, h->live_units, h->live_blocks, h->used_bytes, h->peak_used_bytes,
            h->failed_requests, h->realloc_in_place, h->realloc_moved, h->invalid_frees,
            h->base[0 .. h->units * 16 - 1], errno;
    ensures ra_heap_ok(h);
    ensures counted: RA_COUNTED(ra_counted(h));
    behavior null:
      assumes ptr == \null;
      ensures \result == \null || \exists integer u; ra_live(h, u) &&
        ra_unit_ptr(h, \result, u) &&
        h->meta[u].size * 16 >= size && \at(ra_free(h, u), Pre);
    behavior invalid:
      assumes ptr != \null;
      assumes !\exists integer u; ra_live(h, u) &&
        ra_unit_ptr(h, ptr, u);
      assigns h->invalid_frees, errno;
      ensures \result == \null && errno == EINVAL;
    behavior release:
      assumes ptr != \null && size == 0;
      assumes \exists integer u; ra_live(h, u) &&
        ra_unit_ptr(h, ptr, u);
      ensures \result == \null;
      ensures \forall integer u; \at(ra_live(h, u), Pre) &&
        ra_unit_ptr(h, ptr, u) ==> !ra_live(h, u);
    behavior resize:
      assumes ptr != \null && size != 0;
      assumes \exists integer u; ra_live(h, u) &&
        ra_unit_ptr(h, ptr, u);
      // failure: ENOMEM, the old block still live (its bytes are not written on that path)
      ensures failed: \result == \null ==> errno == ENOMEM &&
        \forall integer u; \at(ra_live(h, u), Pre) &&
          ra_unit_ptr(h, ptr, u) ==> ra_live(h, u);
      ensures block: \result != \null ==> \exists integer v; ra_live(h, v) &&
        ra_unit_ptr(h, \result, v) && h->meta[v].size * 16 >= size;
      // the first min(old request, size) bytes are those of the old block (and more are copied)
      ensures keeps: \result != \null ==> \forall integer u; \at(ra_live(h, u), Pre) &&
        ra_unit_ptr(h, ptr, u) ==> \forall integer i;
          0 <= i < size && i < \at(h->meta[u].size * 16 - h->meta[u].next, Pre) ==>
          ((char *)\result)[i] == \at(((char *)ptr)[i], Pre);
    complete behaviors; disjoint behaviors; */
void *ra_heap_realloc(ra_heap *h, void *ptr, size_t size);
/*@ requires ra_heap_ok(h);
    requires counted: RA_COUNTED(ra_counted(h));
    assigns h->meta[0 .. h->units].size, h->meta[0 .. h->units].prev,
            h->meta[0 .. h->units].next, h->meta[0 .. h->units].back, h->l, h->free_units,
            h->free_blocks, h->live_units, h->live_blocks, h->used_bytes, h->peak_used_bytes,
            h->failed_requests, h->base[0 .. h->units * 16 - 1], errno;
    ensures ra_heap_ok(h);
    ensures counted: RA_COUNTED(ra_counted(h));
    ensures \result == \null || \exists integer u; ra_live(h, u) &&
        ra_unit_ptr(h, \result, u) &&
      h->meta[u].size * 16 >= count * size && \at(ra_free(h, u), Pre);
    behavior overflow:
      assumes size != 0 && count * size > SIZE_MAX;
      ensures \result == \null && errno == ENOMEM;
    behavior no_overflow:
      assumes size == 0 || count * size <= SIZE_MAX;
    complete behaviors; disjoint behaviors; */
void *ra_heap_calloc(ra_heap *h, size_t count, size_t size);
/*@ requires ra_heap_ok(h);
    requires counted: RA_COUNTED(ra_counted(h));
    assigns h->meta[0 .. h->units].size, h->meta[0 .. h->units].prev,
            h->meta[0 .. h->units].next, h->meta[0 .. h->units].back, h->l, h->free_units,
            h->free_blocks, h->live_units, h->live_blocks, h->used_bytes, h->peak_used_bytes,
            h->failed_requests, errno;
    ensures ra_heap_ok(h);
    ensures counted: RA_COUNTED(ra_counted(h));
    behavior bad_alignment:
      assumes alignment == 0 || (alignment & (alignment - 1)) != 0;
      ensures \result == \null && errno == EINVAL;
    behavior small_alignment:
      assumes alignment != 0 && (alignment & (alignment - 1)) == 0 && alignment <= 16;
      ensures \result == \null || \exists integer u; ra_live(h, u) &&
        ra_unit_ptr(h, \result, u) &&
        h->meta[u].size * 16 >= size && \at(ra_free(h, u), Pre);
    behavior large_alignment:
      assumes alignment != 0 && (alignment & (alignment - 1)) == 0 && alignment > 16;
      ensures \result == \null || \exists integer u; ra_live(h, u) &&
        ra_unit_ptr(h, \result, u) &&
        h->meta[u].size * 16 >= size &&
        (ra_addr_mod(h->base, alignment) + u * 16) % alignment == 0;
    complete behaviors; disjoint behaviors; */
void *ra_heap_aligned_alloc(ra_heap *h, size_t alignment, size_t size);
/*@ requires ra_heap_ok(h);
    assigns \nothing;
    behavior null:
      assumes ptr == \null;
      ensures \result == 0;
    behavior live:
      assumes ptr != \null;
      assumes \exists integer u; ra_live(h, u) &&
        ra_unit_ptr(h, ptr, u);
      ensures \forall integer u; ra_live(h, u) &&
        ra_unit_ptr(h, ptr, u) ==>
        h->meta[u].size * 16 - h->meta[u].next <= \result <= h->meta[u].size * 16;
    behavior invalid:
      assumes ptr != \null;
      assumes !\exists integer u; ra_live(h, u) &&
        ra_unit_ptr(h, ptr, u);
      ensures \result == 0;
    complete behaviors; disjoint behaviors; */
size_t ra_heap_usable_size(const ra_heap *h, const void *ptr);

/* True iff ptr is the start of a live block of h (the check free and realloc make). */
/*@ requires h == \null || ra_heap_ok(h);
    assigns \nothing;
    ensures \result <==> h != \null && ptr != \null &&
      \exists integer u; ra_live(h, u) &&
        ra_unit_ptr(h, ptr, u); */
bool ra_heap_owns(const ra_heap *h, const void *ptr);

/*@ requires ra_heap_ok(h) && \valid(out) && \separated(out, h);
    assigns *out;
    ensures out->arena_bytes == h->units * 16 && out->used_bytes == h->used_bytes &&
            out->live_blocks == h->live_blocks && out->free_blocks == h->free_blocks; */
void ra_heap_stats_get(const ra_heap *h, ra_heap_stats *out);

/* Check flags: RA_CHECK_FULL also verifies that every interior record, and every record past the
 * used units when the metadata was promised zeroed, is zero (O(capacity) memory scan); without
 * it, check walks blocks and lists only (O(blocks)). */
#define RA_CHECK_FULL 1u

/* Walk every invariant; return RA_OK or the first fault found, and if unit_out is not NULL the
 * unit where it was found. Never changes the heap. Proved: RA_OK with RA_CHECK_FULL means the
 * well-formedness predicate holds (check is sound). Check verifies more than the predicate (the
 * counters, that every free block is reachable from its list head, that lists are acyclic, whole
 * interior records), so RA_OK is not proved for every heap satisfying the predicate; the fuzzers
 * call it after every operation, where a false alarm would be a finding. */
/*@ requires ra_heap_mem(h);
    requires unit_out == \null || (\valid(unit_out) && \separated(unit_out, h) &&
      \separated(unit_out, h->meta + (0 .. h->capacity)));
    assigns *unit_out;
    ensures \result == RA_OK || (RA_FAULT_TILING <= \result <= RA_FAULT_SLACK);
    ensures sound: \result == RA_OK && (flags & RA_CHECK_FULL) != 0 ==> ra_heap_ok(h);
    // the counters agree with the blocks (spec/heap_counts.acsl)
    ensures counted: RA_COUNTED(
      \result == RA_OK && (flags & RA_CHECK_FULL) != 0 ==> ra_counted(h)); */
ra_status ra_heap_check(const ra_heap *h, unsigned flags, size_t *unit_out);

/* One sentence naming a status code. */
/*@ assigns \nothing;
    ensures \result != \null; */
const char *ra_status_str(ra_status s);

/* Replace the bad-pointer handler (NULL restores the default: print and abort). */
/*@ requires ra_heap_ok(h);
    requires counted: RA_COUNTED(ra_counted(h));
    assigns h->on_error, h->on_error_ctx;
    ensures ra_heap_ok(h) && h->on_error == fn && h->on_error_ctx == ctx;
    ensures counted: RA_COUNTED(ra_counted(h)); */
void ra_heap_set_error_handler(ra_heap *h, ra_heap_error_fn fn, void *ctx);

/* Size-class rounding used by the fit guarantee: the smallest unit count >= units whose class
 * contains only blocks that all fit a request of `units`. */
/*@ assigns \nothing;
    ensures \result >= units; */
size_t ra_heap_class_round(size_t units);

#ifdef __cplusplus
}
#endif
#endif
