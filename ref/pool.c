/*
 * refalloc pool: fixed-size blocks, O(1) alloc and free, metadata out of line.
 *
 * Algorithm: the free blocks form a sparse set over block numbers 0 .. capacity-1:
 *
 *     free_idx: [ f0 f1 ... f(nfree-1) | l0 l1 ... ]     pos[b] = k  <=>  free_idx[k] = b
 *                 ^ free, top = next alloc  ^ live
 *
 * alloc pops free_idx[nfree-1] (decrement nfree: that entry is now on the live side).
 * free of block b swaps b's entry with the first live entry (position nfree) and increments
 * nfree, so b becomes the top and is the next block allocated (LIFO recycling). Both are a
 * constant number of array accesses. "b is live" is just pos[b] >= nfree, which makes double
 * free detection exact and O(1), and a foreign or interior pointer is rejected by arithmetic on
 * its offset from block 0 followed by an exact pointer comparison.
 *
 * Proof: this file is what make prove checks (WP, typed memory model). The RA_WP sections are
 * hidden from WP (make prove defines RA_WP; Eva and the compilers see them), and the contracts of
 * what they define are assumed (listed in proofs/README.md): pool_offset (pointer to integer
 * conversion) and pool_report (stderr, abort, user callback). ra_pool_init and ra_pool_capacity_for, which carve the metadata out of the
 * caller's bytes (a char buffer reinterpreted as uint32_t arrays), are also outside the proof;
 * the sparse-set setup they delegate to, ra_pool_init_split, is proved.
 */
#include "pool.h"

#include <errno.h>

#ifndef RA_WP
#include <stdio.h>
#include <stdlib.h>
#endif

static const char RA_POOL_WHY_FOREIGN[] = "pointer is not inside this pool's blocks";
static const char RA_POOL_WHY_INTERIOR[] = "pointer is inside a block, not at its start";
static const char RA_POOL_WHY_DOUBLE[] = "block is already free (double free)";

/* Integer distance from base to ptr, (uintptr_t)ptr - (uintptr_t)base modulo 2^N. On the flat
 * address spaces we target, for ptr and base in the same object this is ptr - base. */
/*@ assigns \nothing;
    ensures same_object: \base_addr((char *)ptr) == \base_addr(base) &&
        base <= (char *)ptr ==> \result == (char *)ptr - base;
*/
static size_t pool_offset(const char *base, const void *ptr);

/* Hand a bad pointer to the pool's handler. Assumed not to change the pool (the handler gets a
 * const pool; the default one aborts). */
/*@ assigns \nothing; */
static void pool_report(const ra_pool *p, const void *ptr, const char *why);

#ifndef RA_WP
static size_t pool_offset(const char *base, const void *ptr)
{
    return (size_t)((uintptr_t)ptr - (uintptr_t)base);
}

static void pool_report(const ra_pool *p, const void *ptr, const char *why)
{
    if (p->on_error != NULL) {
        p->on_error(p, "free", ptr, why, p->on_error_ctx);
        return;
    }
    fprintf(stderr, "refalloc pool %p: free(%p): %s\n", (const void *)p, ptr, why);
    abort();
}
#endif

/* Stride for the arguments: block_size rounded up to block_align. */
/*@ requires \valid(stride);
    assigns *stride;
    behavior bad_align:
      assumes !pow2(block_align);
      assigns \nothing;
      ensures \result == RA_POOL_EBAD_ALIGN;
    behavior bad_size:
      assumes pow2(block_align) && (block_size == 0 || block_size + block_align - 1 > SIZE_MAX);
      assigns \nothing;
      ensures \result == RA_POOL_EBAD_SIZE;
    behavior ok:
      assumes pow2(block_align) && 0 < block_size && block_size + block_align - 1 <= SIZE_MAX;
      ensures \result == RA_POOL_OK && *stride == round_up(block_size, block_align);
      ensures block_size <= *stride;
    complete behaviors;
    disjoint behaviors;
*/
static ra_pool_status pool_geometry(size_t block_size, size_t block_align, size_t *stride)
{
    if (block_align == 0 || (block_align & (block_align - 1u)) != 0)
        return RA_POOL_EBAD_ALIGN;
    if (block_size == 0 || block_size > SIZE_MAX - (block_align - 1u))
        return RA_POOL_EBAD_SIZE;
    size_t r = block_size % block_align;
    *stride = r == 0 ? block_size : block_size + (block_align - r);
    return RA_POOL_OK;
}

/* Block numbers in address order on the free stack: block 0 on top. */
/*@ requires pool_mem(p);
    requires p->free_idx != \null && p->pos != \null && 0 < p->stride;
    requires 1 <= p->capacity <= RA_POOL_MAX_BLOCKS && p->capacity * p->stride <= SIZE_MAX;
    assigns p->nfree, p->free_idx[0 .. p->capacity - 1], p->pos[0 .. p->capacity - 1];
    ensures pool_inv(p) && pool_fresh(p);
*/
static void pool_fill(ra_pool *p)
{
    size_t n = p->capacity;
    /*@ loop invariant 0 <= k <= n;
        loop invariant \forall integer j; 0 <= j < k ==> p->free_idx[j] == n - 1 - j;
        loop invariant \forall integer b; n - k <= b < n ==> p->pos[b] == n - 1 - b;
        loop assigns k, p->free_idx[0 .. n - 1], p->pos[0 .. n - 1];
        loop variant n - k;
    */
    for (size_t k = 0; k < n; k++) {
        p->free_idx[k] = (uint32_t)(n - 1u - k);
        p->pos[n - 1u - k] = (uint32_t)k;
    }
    p->nfree = n;
    //@ assert fwd: perm_fwd(p);
    //@ assert bwd: perm_bwd(p);
    //@ assert geom: pool_geom(p);
    //@ assert mem: pool_mem(p);
}

ra_pool_status ra_pool_init_split(ra_pool *p, uint32_t *free_idx, uint32_t *pos,
                                  size_t max_blocks, void *buf, size_t buf_bytes,
                                  size_t block_size, size_t block_align)
{
    size_t stride = 0;
    if (p == NULL || free_idx == NULL || pos == NULL || buf == NULL)
        return RA_POOL_EINVAL_ARG;
    ra_pool_status st = pool_geometry(block_size, block_align, &stride);
    if (st != RA_POOL_OK)
        return st;
    /* First block_align boundary in buf (absolute address). */
    size_t pad = (block_align - pool_offset(NULL, buf) % block_align) % block_align;
    if (pad > buf_bytes)
        return RA_POOL_ETOOSMALL;
    size_t n = (buf_bytes - pad) / stride;
    //@ assert fits: n * stride <= buf_bytes - pad;
    if (n > max_blocks)
        n = max_blocks;
    if (n > RA_POOL_MAX_BLOCKS)
        n = RA_POOL_MAX_BLOCKS;
    //@ assert still_fits: n * stride <= buf_bytes - pad;
    if (n == 0)
        return RA_POOL_ETOOSMALL;
    p->base = (char *)buf + pad;
    p->stride = stride;
    p->capacity = n;
    p->free_idx = free_idx;
    p->pos = pos;
    p->on_error = NULL;
    p->on_error_ctx = NULL;
    pool_fill(p);
    return RA_POOL_OK;
}

#ifndef RA_WP
/* Where the metadata and blocks go in buf: meta at buf + meta_off (uint32_t aligned), then
 * n blocks from the first block_align boundary after it. Returns n (0: nothing fits). */
static size_t pool_carve(const void *buf, size_t bytes, size_t stride, size_t align,
                         size_t *meta_off)
{
    uintptr_t a = (uintptr_t)buf;
    size_t m = (size_t)((sizeof(uint32_t) - a % sizeof(uint32_t)) % sizeof(uint32_t));
    if (m >= bytes)
        return 0;
    size_t avail = bytes - m;
    size_t per = stride <= SIZE_MAX - RA_POOL_META_BYTES_PER_BLOCK
                     ? stride + RA_POOL_META_BYTES_PER_BLOCK : SIZE_MAX;
    size_t n = avail / per;
    if (n > RA_POOL_MAX_BLOCKS)
        n = RA_POOL_MAX_BLOCKS;
    /* n blocks fit unless the padding before block 0 eats into them; then take the number
     * that fit after that padding: fewer blocks need less metadata, so they fit too. */
    for (int round = 0; round < 2 && n > 0; round++) {
        size_t meta = n * RA_POOL_META_BYTES_PER_BLOCK;
        uintptr_t start = a + m + meta;
        size_t pad = (size_t)((align - start % align) % align);
        size_t k = meta + pad <= avail ? (avail - meta - pad) / stride : 0;
        if (k >= n)
            break;
        n = k;
    }
    *meta_off = m;
    return n;
}

size_t ra_pool_capacity_for(const void *buf, size_t buf_bytes, size_t block_size,
                            size_t block_align)
{
    size_t stride = 0, m = 0;
    if (buf == NULL || pool_geometry(block_size, block_align, &stride) != RA_POOL_OK)
        return 0;
    return pool_carve(buf, buf_bytes, stride, block_align, &m);
}

ra_pool_status ra_pool_init(ra_pool *p, void *buf, size_t buf_bytes, size_t block_size,
                            size_t block_align)
{
    size_t stride = 0, m = 0;
    if (p == NULL || buf == NULL)
        return RA_POOL_EINVAL_ARG;
    ra_pool_status st = pool_geometry(block_size, block_align, &stride);
    if (st != RA_POOL_OK)
        return st;
    size_t n = pool_carve(buf, buf_bytes, stride, block_align, &m);
    if (n == 0)
        return RA_POOL_ETOOSMALL;
    char *bytes = (char *)buf;
    /* The two arrays are uint32_t aligned (pool_carve) and lie before every block. */
    uint32_t *free_idx = (uint32_t *)(void *)(bytes + m);
    uint32_t *pos = free_idx + n;
    size_t meta_end = m + n * RA_POOL_META_BYTES_PER_BLOCK;
    return ra_pool_init_split(p, free_idx, pos, n, bytes + meta_end, buf_bytes - meta_end,
                              block_size, block_align);
}
#endif

/* off / s, with the fact the lookup needs, proved here in a small context: an exact multiple
 * j * s divides back to j with no remainder. */
/*@ requires s > 0;
    assigns \nothing;
    ensures \result == off / s;
    ensures exact: \forall integer j; 0 <= j && off == j * s ==> \result == j && off % s == 0;
*/
static size_t pool_div(size_t off, size_t s)
{
    return off / s;
}

/* The block ptr names: NULL and *b set if ptr is the start of a live block, else the reason. */
/*@ requires \valid_read(p) && pool_geom(p) && \valid_read(p->pos + (0 .. p->capacity - 1));
    requires \valid(b) && \separated(b, p);
    assigns *b;
    behavior found:
      assumes live_ptr(p, (void *)ptr);
      ensures \result == \null && block_live(p, *b) && (char *)ptr == block_ptr(p, *b);
    behavior not_found:
      assumes !live_ptr(p, (void *)ptr);
      ensures \result != \null;
    complete behaviors;
    disjoint behaviors;
*/
static const char *pool_lookup(const ra_pool *p, const void *ptr, size_t *b)
{
    size_t off = pool_offset(p->base, ptr);
    /*@ for found: assert off_exact: \exists integer j;
            block_live(p, j) && (char *)ptr == block_ptr(p, j) && off == j * p->stride; */
    size_t i = pool_div(off, p->stride);
    /* Below base the subtraction wraps to a huge value: one test covers both sides. */
    if (i >= p->capacity)
        return RA_POOL_WHY_FOREIGN;
    /*@ for found: assert i_exact: block_live(p, i) && (char *)ptr == block_ptr(p, i) &&
            off % p->stride == 0; */
    if (off % p->stride != 0)
        return RA_POOL_WHY_INTERIOR;
    /* Equal offsets from base do not make an equal pointer in another object: compare. */
    if ((const char *)ptr != p->base + i * p->stride)
        return RA_POOL_WHY_FOREIGN;
    if (p->pos[i] < p->nfree)
        return RA_POOL_WHY_DOUBLE;
    *b = i;
    return NULL;
}

/* Exchange the entries at positions k and nfree of free_idx, keeping pos the inverse.
 *
 *   free_idx: [ free ... | x(nfree) ... b(k) ... ]  ->  [ free ... | b(nfree) ... x(k) ... ]
 */
/*@ requires pool_inv(p);
    requires p->nfree <= k < p->capacity;
    assigns p->free_idx[0 .. p->capacity - 1], p->pos[0 .. p->capacity - 1];
    ensures pool_inv(p);
    ensures moved: p->free_idx[p->nfree] == \old(p->free_idx[k]) &&
        p->pos[\old(p->free_idx[k])] == p->nfree;
    ensures swapped: \old(p->free_idx[k]) != \old(p->free_idx[p->nfree]) ==>
        p->pos[\old(p->free_idx[p->nfree])] == k;
    ensures others: \forall integer c; 0 <= c < p->capacity &&
        c != \old(p->free_idx[k]) && c != \old(p->free_idx[p->nfree]) ==>
        p->pos[c] == \old(p->pos[c]);
*/
static void pool_swap(ra_pool *p, size_t k)
{
    size_t top = p->nfree;
    uint32_t b = p->free_idx[k];
    uint32_t other = p->free_idx[top];
    p->free_idx[k] = other;
    p->pos[other] = (uint32_t)k;
    p->free_idx[top] = b;
    p->pos[b] = (uint32_t)top;
    //@ assert fwd: perm_fwd(p);
    //@ assert bwd: perm_bwd(p);
}

void *ra_pool_alloc(ra_pool *p)
{
    if (p->nfree == 0) {
        errno = ENOMEM;
        return NULL;
    }
    p->nfree--;
    size_t b = p->free_idx[p->nfree];
    return p->base + b * p->stride;
}

void ra_pool_free(ra_pool *p, void *ptr)
{
    size_t b = 0;
    if (ptr == NULL)
        return;
    const char *why = pool_lookup(p, ptr, &b);
    if (why != NULL) {
        pool_report(p, ptr, why);
        return;
    }
    /* b's entry is on the live side (k >= nfree): swap it with the first live entry, then
     * grow the free side over it, so b is the top of the free stack. */
    //@ assert unique: \forall integer c; (char *)ptr == block_ptr(p, c) ==> c == b;
    pool_swap(p, p->pos[b]);
    p->nfree++;
    //@ assert top: p->free_idx[p->nfree - 1] == b && p->pos[b] == p->nfree - 1;
    //@ assert mem: pool_mem(p);
    //@ assert geom: pool_geom(p);
    //@ assert perm: pool_perm(p);
}

bool ra_pool_owns(const ra_pool *p, const void *ptr)
{
    size_t b = 0;
    return ptr != NULL && pool_lookup(p, ptr, &b) == NULL;
}

size_t ra_pool_capacity(const ra_pool *p) { return p->capacity; }
size_t ra_pool_live(const ra_pool *p) { return p->capacity - p->nfree; }
size_t ra_pool_free_count(const ra_pool *p) { return p->nfree; }
size_t ra_pool_block_size(const ra_pool *p) { return p->stride; }

ra_pool_status ra_pool_check(const ra_pool *p)
{
    if (p == NULL)
        return RA_POOL_EINVAL_ARG;
    if (p->free_idx == NULL || p->pos == NULL || p->stride == 0 ||
        p->capacity == 0 || p->capacity > RA_POOL_MAX_BLOCKS || p->nfree > p->capacity ||
        p->capacity > SIZE_MAX / p->stride) {
        //@ assert !pool_geom(p);
        return RA_POOL_FAULT_GEOMETRY;
    }
    //@ assert geom: pool_geom(p);
    size_t n = p->capacity;
    /* Both directions, so that the two arrays are inverse permutations of 0 .. n-1. */
    /*@ loop invariant 0 <= k <= n;
        loop invariant \forall integer j; 0 <= j < k ==>
            p->free_idx[j] < n && p->pos[p->free_idx[j]] == j;
        loop assigns k;
        loop variant n - k;
    */
    for (size_t k = 0; k < n; k++) {
        if (p->free_idx[k] >= n || p->pos[p->free_idx[k]] != k) {
            //@ assert !perm_fwd(p);
            return p->free_idx[k] >= n ? RA_POOL_FAULT_INDEX : RA_POOL_FAULT_INVERSE;
        }
    }
    //@ assert fwd: perm_fwd(p);
    /*@ loop invariant 0 <= b <= n;
        loop invariant \forall integer j; 0 <= j < b ==>
            p->pos[j] < n && p->free_idx[p->pos[j]] == j;
        loop assigns b;
        loop variant n - b;
    */
    for (size_t b = 0; b < n; b++) {
        if (p->pos[b] >= n || p->free_idx[p->pos[b]] != b) {
            //@ assert !perm_bwd(p);
            return RA_POOL_FAULT_INVERSE;
        }
    }
    //@ assert bwd: perm_bwd(p);
    return RA_POOL_OK;
}

void ra_pool_reset(ra_pool *p)
{
    pool_fill(p);
}

void ra_pool_set_error_handler(ra_pool *p, ra_pool_error_fn fn, void *ctx)
{
    p->on_error = fn;
    p->on_error_ctx = ctx;
}

const char *ra_pool_status_str(ra_pool_status s)
{
    switch (s) {
    case RA_POOL_OK: return "success";
    case RA_POOL_EINVAL_ARG: return "a required pointer argument is NULL";
    case RA_POOL_EBAD_SIZE: return "block size is 0 or overflows when rounded to the alignment";
    case RA_POOL_EBAD_ALIGN: return "block alignment is 0 or not a power of two";
    case RA_POOL_ETOOSMALL: return "buffer cannot hold the metadata and one block";
    case RA_POOL_FAULT_GEOMETRY: return "pool geometry (stride, capacity, free count) is corrupt";
    case RA_POOL_FAULT_INDEX: return "a free-list entry names no block";
    case RA_POOL_FAULT_INVERSE: return "free list and position array are not inverse";
    }
    return "unknown pool status";
}
