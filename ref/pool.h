/*
 * refalloc pool: fixed-size blocks over a caller-supplied buffer.
 *
 * Semantics:
 * - ra_pool_init carves the pool's metadata (two uint32_t arrays, 8 bytes per block) from the
 *   front of the buffer and fills the rest with as many blocks as fit. Each block is
 *   ra_pool_block_size(p) = block_size rounded up to block_align bytes, and every block address
 *   is a multiple of block_align (absolute address; the buffer itself need not be aligned).
 *   ra_pool_init_split takes the metadata arrays from the caller instead, so the whole buffer
 *   holds blocks and nothing the user writes into the buffer can reach the metadata.
 *   A pool holds at most RA_POOL_MAX_BLOCKS blocks; buffer space beyond that is left unused.
 * - alloc returns a free block, or NULL with errno = ENOMEM when every block is live. It never
 *   touches the block's bytes (they are not zeroed).
 * - Recycling is LIFO: the block freed last is the next one allocated. A fresh (or reset) pool
 *   hands blocks out in address order: block 0 first.
 * - free(p, NULL) is a no-op. free of anything that is not the start of a live block of this
 *   pool is detected deterministically and never changes the pool: a pointer outside the blocks
 *   (foreign), inside a block but not at its start (interior), or a block already free (double
 *   free). It is reported to the pool's error handler; the default handler prints the pointer and
 *   the reason on stderr and aborts. If a custom handler returns, free returns with the pool
 *   unchanged. free never changes errno. A handler gets a const pool and must not modify it
 *   (the proofs assume so).
 * - Proof boundary: ra_pool_init and ra_pool_capacity_for carve uint32_t arrays out of a char
 *   buffer, which WP's typed model cannot verify; their contracts below are assumed (unit tests
 *   and Eva cover them). Everything else, ra_pool_init_split included, is proved.
 * - owns(p, ptr) is true iff ptr is the start of a live block (the test free makes).
 * - check walks the whole metadata (O(capacity)) and returns RA_POOL_OK or the first fault.
 * - reset makes every block free and restores the allocation order of a fresh pool.
 *
 * Caller obligations: every function but init, init_split and check needs a pool that init or
 * init_split set up successfully (a NULL or uninitialised pool is undefined behaviour, as for a
 * FILE *). The buffer and the metadata arrays must outlive the pool and must not overlap the
 * ra_pool struct.
 *
 * Complexity: alloc, free, owns, counts: O(1) (a sparse set: no loop at all).
 * init, init_split, reset, check: O(capacity).
 *
 * Metadata (a sparse set, see ref/pool.c): free_idx[0 .. nfree) lists the free block numbers,
 * the top of that stack is the next block allocated; pos[b] is the position of block b in
 * free_idx, so block b is live iff pos[b] >= nfree, and free_idx[pos[b]] == b for every b.
 *
 * Not thread-safe: one pool per thread, or a lock around it.
 *
 * The ACSL contracts above each prototype are proved by Frama-C WP (make prove); the logic they
 * use is in spec/pool.acsl, included below under __FRAMAC__ (proofs/README.md says why).
 */
#ifndef RA_POOL_H
#define RA_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RA_POOL_MAX_BLOCKS ((size_t)UINT32_MAX)  /* block numbers are uint32_t */
#define RA_POOL_META_BYTES_PER_BLOCK (2u * sizeof(uint32_t))

/* Result of init and check. 0 is success. */
typedef enum {
    RA_POOL_OK = 0,
    RA_POOL_EINVAL_ARG,     /* NULL pool, buffer or metadata array */
    RA_POOL_EBAD_SIZE,      /* block_size 0, or rounding it up to block_align overflows */
    RA_POOL_EBAD_ALIGN,     /* block_align 0 or not a power of two */
    RA_POOL_ETOOSMALL,      /* the buffer cannot hold the metadata and one block */
    /* check() faults: the first broken invariant */
    RA_POOL_FAULT_GEOMETRY, /* stride, capacity or free count out of range */
    RA_POOL_FAULT_INDEX,    /* a free-list entry names no block */
    RA_POOL_FAULT_INVERSE   /* free_idx and pos are not inverse permutations */
} ra_pool_status;

struct ra_pool;
/* Called for a bad pointer given to free. op is "free"; reason is one sentence. */
typedef void (*ra_pool_error_fn)(const struct ra_pool *p, const char *op, const void *ptr,
                                 const char *reason, void *ctx);

/* The pool state. Its fields are private: use the functions below. */
typedef struct ra_pool {
    char *base;    /* block 0 */
    size_t stride;          /* bytes per block: block_size rounded up to block_align */
    size_t capacity;        /* number of blocks */
    size_t nfree;           /* free blocks: free_idx[0 .. nfree) */
    uint32_t *free_idx;     /* [capacity]: free block numbers first, the top is allocated next */
    uint32_t *pos;          /* [capacity]: inverse of free_idx */
    ra_pool_error_fn on_error;
    void *on_error_ctx;
} ra_pool;

#ifdef __FRAMAC__
#include <errno.h> /* the contracts name errno and ENOMEM */
#include "../spec/align.acsl"
#include "../spec/pool.acsl"
#include "../spec/arith_lemmas.acsl"
#include "../spec/pool_lemmas.acsl"
#endif

/* Number of blocks ra_pool_init would create from these arguments (0 if none fit or the
 * arguments are invalid). Lets a caller size a buffer. O(1). */
/*@ assigns \nothing;
    ensures \result <= RA_POOL_MAX_BLOCKS;
*/
size_t ra_pool_capacity_for(const void *buf, size_t buf_bytes, size_t block_size,
                            size_t block_align);

/* Set up p over buf[0 .. buf_bytes): metadata first, then blocks of block_size bytes aligned
 * to block_align. Returns RA_POOL_OK, or RA_POOL_EINVAL_ARG (p or buf NULL),
 * RA_POOL_EBAD_SIZE, RA_POOL_EBAD_ALIGN, RA_POOL_ETOOSMALL (not even one block fits); on error
 * *p is left unusable. All blocks are free; the default error handler is installed. */
/*@ requires p == \null || \valid(p);
    requires p != \null && buf != \null ==>
        \separated(p, (char *)buf + (0 .. buf_bytes - 1));
    assigns *p, ((char *)buf)[0 .. buf_bytes - 1];
    ensures \result == RA_POOL_OK ==> pool_inv(p) && pool_fresh(p);
    ensures p == \null || buf == \null ==> \result == RA_POOL_EINVAL_ARG;
*/
ra_pool_status ra_pool_init(ra_pool *p, void *buf, size_t buf_bytes, size_t block_size,
                            size_t block_align);

/* Like init, with the metadata in caller arrays free_idx[max_blocks] and pos[max_blocks]
 * (separate from buf and from each other). The pool has min(max_blocks, blocks that fit in buf)
 * blocks, starting at the first block_align boundary in buf. Same errors as init (NULL arrays
 * are RA_POOL_EINVAL_ARG; max_blocks 0 is RA_POOL_ETOOSMALL). */
/*@ requires p == \null || \valid(p);
    requires max_blocks <= RA_POOL_MAX_BLOCKS;
    requires free_idx != \null ==> \valid(free_idx + (0 .. max_blocks - 1));
    requires pos != \null ==> \valid(pos + (0 .. max_blocks - 1));
    requires p != \null && free_idx != \null && pos != \null ==>
        \separated(p, free_idx + (0 .. max_blocks - 1), pos + (0 .. max_blocks - 1)) &&
        \separated(free_idx + (0 .. max_blocks - 1), pos + (0 .. max_blocks - 1));
    assigns *p, free_idx[0 .. max_blocks - 1], pos[0 .. max_blocks - 1];

    behavior null_arg:
      assumes p == \null || free_idx == \null || pos == \null || buf == \null;
      assigns \nothing;
      ensures \result == RA_POOL_EINVAL_ARG;
    behavior bad_align:
      assumes p != \null && free_idx != \null && pos != \null && buf != \null;
      assumes !pow2(block_align);
      assigns \nothing;
      ensures \result == RA_POOL_EBAD_ALIGN;
    behavior bad_size:
      assumes p != \null && free_idx != \null && pos != \null && buf != \null;
      assumes pow2(block_align);
      assumes block_size == 0 || block_size + block_align - 1 > SIZE_MAX;
      assigns \nothing;
      ensures \result == RA_POOL_EBAD_SIZE;
    behavior args_ok:
      assumes p != \null && free_idx != \null && pos != \null && buf != \null;
      assumes pow2(block_align);
      assumes 0 < block_size && block_size + block_align - 1 <= SIZE_MAX;
      ensures \result == RA_POOL_OK || \result == RA_POOL_ETOOSMALL;
      ensures too_small: max_blocks == 0 || buf_bytes < block_size ==>
        \result == RA_POOL_ETOOSMALL;
      ensures ok_inv: \result == RA_POOL_OK ==> pool_inv(p) && pool_fresh(p);
      ensures ok_fields: \result == RA_POOL_OK ==>
        p->capacity <= max_blocks && p->free_idx == free_idx && p->pos == pos &&
        p->on_error == \null && p->stride == round_up(block_size, block_align);
      ensures ok_inside: \result == RA_POOL_OK ==>
        \base_addr(p->base) == \base_addr(buf) && (char *)buf <= p->base &&
        p->base + p->capacity * p->stride <= (char *)buf + buf_bytes;
    complete behaviors;
    disjoint behaviors;
*/
ra_pool_status ra_pool_init_split(ra_pool *p, uint32_t *free_idx, uint32_t *pos,
                                  size_t max_blocks, void *buf, size_t buf_bytes,
                                  size_t block_size, size_t block_align);

/* A free block, now live; NULL with errno = ENOMEM when none is free. O(1). */
/*@ requires pool_inv(p);
    assigns p->nfree, errno;
    ensures pool_inv(p);

    behavior ok:
      assumes p->nfree > 0;
      assigns p->nfree;
      ensures lifo: p->nfree == \old(p->nfree) - 1 &&
        p->free_idx[p->nfree] == \old(p->free_idx[p->nfree - 1]);
      ensures was_free: \let b = p->free_idx[p->nfree]; \at(block_free(p, b), Pre);
      ensures now_live: block_live(p, p->free_idx[p->nfree]);
      ensures result: \result == block_ptr(p, p->free_idx[p->nfree]);
      ensures others: \forall integer c; 0 <= c < p->capacity && c != p->free_idx[p->nfree] ==>
        (block_live(p, c) <==> \at(block_live(p, c), Pre));
    behavior exhausted:
      assumes p->nfree == 0;
      assigns errno;
      ensures \result == \null && errno == ENOMEM;
    complete behaviors;
    disjoint behaviors;
*/
void *ra_pool_alloc(ra_pool *p);

/* Return a live block to the pool (see the prose above for NULL and bad pointers). O(1). */
/*@ requires pool_inv(p);
    assigns p->nfree, p->free_idx[0 .. p->capacity - 1], p->pos[0 .. p->capacity - 1];
    ensures pool_inv(p);

    behavior null:
      assumes ptr == \null;
      assigns \nothing;
    behavior live:
      assumes ptr != \null && live_ptr(p, ptr);
      ensures p->nfree == \old(p->nfree) + 1;
      ensures now_free: \forall integer b; \at((char *)ptr == block_ptr(p, b), Pre) &&
        0 <= b < p->capacity ==> block_free(p, b) && p->free_idx[p->nfree - 1] == b;
      ensures others: \forall integer c; \at((char *)ptr != block_ptr(p, c), Pre) &&
        0 <= c < p->capacity ==> (block_live(p, c) <==> \at(block_live(p, c), Pre));
    behavior invalid:
      assumes ptr != \null && !live_ptr(p, ptr);
      assigns \nothing;
    complete behaviors;
    disjoint behaviors;
*/
void ra_pool_free(ra_pool *p, void *ptr);

/* True iff ptr is the start of a live block of p. O(1). */
/*@ requires pool_inv_read(p);
    assigns \nothing;
    ensures \result <==> ptr != \null && live_ptr(p, (void *)ptr);
*/
bool ra_pool_owns(const ra_pool *p, const void *ptr);

/* Counts, O(1): blocks in total, live (allocated) and free; live + free == capacity. */
/*@ requires pool_inv_read(p); assigns \nothing; ensures \result == p->capacity; */
size_t ra_pool_capacity(const ra_pool *p);
/*@ requires pool_inv_read(p); assigns \nothing; ensures \result == p->capacity - p->nfree; */
size_t ra_pool_live(const ra_pool *p);
/*@ requires pool_inv_read(p); assigns \nothing; ensures \result == p->nfree; */
size_t ra_pool_free_count(const ra_pool *p);

/* Usable bytes of each block (block_size rounded up to block_align). O(1). */
/*@ requires pool_inv_read(p); assigns \nothing; ensures \result == p->stride; */
size_t ra_pool_block_size(const ra_pool *p);

/* Verify the metadata invariant; RA_POOL_OK or the first fault (RA_POOL_EINVAL_ARG for NULL).
 * Never changes the pool. O(capacity). */
/*@ requires p == \null || pool_mem_read(p);
    assigns \nothing;
    behavior null:
      assumes p == \null;
      ensures \result == RA_POOL_EINVAL_ARG;
    behavior pool:
      assumes p != \null;
      ensures \result == RA_POOL_OK <==> pool_geom(p) && pool_perm(p);
      ensures \result != RA_POOL_EINVAL_ARG;
    complete behaviors;
    disjoint behaviors;
*/
ra_pool_status ra_pool_check(const ra_pool *p);

/* Make every block free, in the order of a fresh pool. The handler is kept. O(capacity). */
/*@ requires pool_inv(p);
    assigns p->nfree, p->free_idx[0 .. p->capacity - 1], p->pos[0 .. p->capacity - 1];
    ensures pool_inv(p) && pool_fresh(p);
*/
void ra_pool_reset(ra_pool *p);

/* Replace the bad-pointer handler; NULL restores the default (print on stderr and abort). */
/*@ requires \valid(p);
    assigns p->on_error, p->on_error_ctx;
    ensures p->on_error == fn && p->on_error_ctx == ctx;
*/
void ra_pool_set_error_handler(ra_pool *p, ra_pool_error_fn fn, void *ctx);

/* One sentence naming a status code (never NULL). */
/*@ assigns \nothing;
    ensures \result != \null;
*/
const char *ra_pool_status_str(ra_pool_status s);

#ifdef __cplusplus
}
#endif
#endif
