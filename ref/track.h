/*
 * refalloc track: an allocation tracker that wraps any allocator.
 *
 * The wrapped allocator is a small function table (ra_track_allocator): the reference heap and
 * the system allocator come ready-made; anything with malloc/free-like calls fits. The tracker
 * records every live block (pointer, size, call-site tag) and:
 * - reports a double free (the pointer was freed through this tracker and not handed out since:
 *   the report names where the block was allocated and where it was first freed) and an invalid
 *   free (a pointer that is not a live block: never allocated here, interior, or freed long ago).
 *   A bad pointer is reported to the tracker's handler and never passed on to the allocator.
 *   The default handler prints one line on stderr and aborts; if a custom handler returns, free
 *   returns and realloc returns NULL, changing nothing;
 * - lists the blocks still live (ra_track_each, ra_track_report): count, bytes, each block's tag
 *   and size, so leaks are found at the end of a run.
 *
 * Tags are static strings naming the call site; RA_TRACK_HERE gives "file.c:123", and the
 * RA_TRACK_MALLOC / RA_TRACK_FREE / RA_TRACK_REALLOC macros pass it for you.
 *
 * Storage: the live-block table is an open-addressing hash table (linear probing, backward-shift
 * deletion: no tombstones) in caller-supplied entries[capacity]; at most max_live = capacity - 1 -
 * capacity / 8 blocks are tracked at once (load <= 7/8); beyond that malloc returns NULL and
 * reports RA_TRACK_TABLE_FULL. Recently freed blocks (the last RA_TRACK_RECENT) are remembered
 * in a ring inside ra_track to tell double frees from invalid frees. The tracker never allocates.
 *
 * Complexity: malloc, free, realloc: expected O(1) (one probe sequence, short at load <= 7/8)
 * plus the allocator's own cost; the bad-pointer path scans the ring (O(RA_TRACK_RECENT)).
 * each, report, check: O(capacity). Not thread-safe.
 *
 * ACSL contracts are proved by Frama-C WP (make prove); logic in spec/track.acsl. The allocator
 * calls, the handler and the printing are outside the proof (their assumed contracts are in
 * track.c). Proved: memory safety, the recorded entry of every successful allocation, and that the
 * allocator's free is only ever called with a pointer recorded as live.
 */
#ifndef RA_TRACK_H
#define RA_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef __FRAMAC__
#include "heap.h"
#else
/* WP reads only the name: rc and track need none of the heap's logic (whose lemmas would
 * otherwise be re-proved in these modules and tie their reports to the heap's). */
struct ra_heap;
typedef struct ra_heap ra_heap;
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define RA_TRACK_RECENT 64u
#define RA_TRACK_MAX_CAPACITY ((size_t)1 << 40)
#define RA_TRACK_NOTFOUND SIZE_MAX

#define RA_TRACK_STR2(x) #x
#define RA_TRACK_STR(x) RA_TRACK_STR2(x)
/* "file.c:123" for the line where it appears. */
#define RA_TRACK_HERE (__FILE__ ":" RA_TRACK_STR(__LINE__))
#define RA_TRACK_MALLOC(t, n) ra_track_malloc((t), (n), RA_TRACK_HERE)
#define RA_TRACK_REALLOC(t, p, n) ra_track_realloc((t), (p), (n), RA_TRACK_HERE)
#define RA_TRACK_FREE(t, p) ra_track_free((t), (p), RA_TRACK_HERE)

/* The wrapped allocator. realloc may be NULL (then malloc + copy + free). self is passed back. */
typedef struct {
    void *(*malloc)(void *self, size_t size);
    void (*free)(void *self, void *ptr);
    void *(*realloc)(void *self, void *ptr, size_t size);
    void *self;
    const char *name;
} ra_track_allocator;

/* The system allocator (malloc/free/realloc of the C library). */
ra_track_allocator ra_track_system_allocator(void);
/* A reference heap (it must outlive the tracker). */
ra_track_allocator ra_track_heap_allocator(ra_heap *h);

typedef struct {
    void *ptr;           /* NULL: empty entry */
    size_t size;
    const char *tag;
} ra_track_entry;

typedef struct {
    void *ptr;
    size_t size;
    const char *alloc_tag, *free_tag;
} ra_track_freed;

typedef enum {
    RA_TRACK_DOUBLE_FREE = 1,   /* freed through this tracker and not handed out since */
    RA_TRACK_INVALID_FREE,      /* not a live block (never allocated here, interior, or old) */
    RA_TRACK_TABLE_FULL,        /* more live blocks than the table can track: malloc refused */
    RA_TRACK_DUPLICATE          /* the allocator returned a block that is still live (its bug) */
} ra_track_error;

/* What the handler is told. */
typedef struct {
    ra_track_error kind;
    const char *op;          /* "free" or "realloc" or "malloc" */
    const void *ptr;
    const char *tag;         /* call site of the bad call */
    const char *alloc_tag;   /* double free: where the block was allocated (else NULL) */
    const char *free_tag;    /* double free: where it was freed before (else NULL) */
    size_t size;             /* double free: the block's size (else 0) */
} ra_track_problem;

struct ra_track;
typedef void (*ra_track_error_fn)(const struct ra_track *t, const ra_track_problem *p, void *ctx);

/* The tracker state: fields private, use the functions. */
typedef struct ra_track {
    ra_track_allocator a;
    ra_track_entry *entries;
    size_t capacity, max_live;
    size_t live, live_bytes, peak_bytes;
    size_t allocs, frees, errors;
    ra_track_freed recent[RA_TRACK_RECENT];
    size_t recent_next;
    ra_track_error_fn on_error;
    void *on_error_ctx;
    const char *adapter_tag;   /* tag of blocks allocated through ra_track_as_allocator */
} ra_track;

#ifdef __FRAMAC__
#include "../spec/track.acsl"
#endif

/* Set up t to wrap `a`, recording live blocks in entries[0 .. capacity). capacity >= 2.
 * Returns false (t untouched) on NULL arguments, capacity < 2 or above RA_TRACK_MAX_CAPACITY,
 * or an allocator without malloc or free. O(capacity). */
/*@ requires \valid(t) && \valid(entries + (0 .. capacity - 1)) && \separated(t, entries + (0 .. capacity - 1));
    assigns *t, entries[0 .. capacity - 1];
    ensures \result ==> track_inv(t) && t->capacity == capacity && t->entries == entries && t->live == 0;
    ensures \result ==> \forall integer i; 0 <= i < capacity ==> entries[i].ptr == \null;
*/
bool ra_track_init(ra_track *t, ra_track_allocator a, ra_track_entry *entries, size_t capacity);

/* Replace the error handler (NULL restores the default: print and abort). */
/*@ requires track_inv(t);
    assigns t->on_error, t->on_error_ctx;
    ensures track_inv(t);
*/
void ra_track_set_error_handler(ra_track *t, ra_track_error_fn fn, void *ctx);

/* Allocate size bytes from the wrapped allocator and record them with tag. NULL when the
 * allocator fails (nothing recorded) or the table is full (reported, nothing allocated). */
/*@ requires track_inv(t);
    assigns t->entries[0 .. t->capacity - 1], t->live, t->live_bytes, t->peak_bytes, t->allocs,
            t->frees, t->errors;
    ensures track_inv(t);
    ensures \result != \null ==> \exists integer i; track_at(t, i, \result, size, tag);
*/
void *ra_track_malloc(ra_track *t, size_t size, const char *tag);

/* Free a live block. NULL is a no-op. A pointer that is not a live block is reported (double
 * free or invalid free) and not passed on. tag names the call site of the free. */
/*@ requires track_inv(t);
    assigns t->entries[0 .. t->capacity - 1], t->live, t->live_bytes, t->frees, t->errors,
            t->recent[0 .. RA_TRACK_RECENT - 1], t->recent_next;
    ensures track_inv(t);
*/
void ra_track_free(ra_track *t, void *ptr, const char *tag);

/* Resize a live block (realloc semantics: NULL ptr = malloc; size 0 frees and returns NULL; on
 * failure NULL and the old block stays live and recorded). A bad pointer is reported (NULL). */
/*@ requires track_inv(t);
    assigns t->entries[0 .. t->capacity - 1], t->live, t->live_bytes, t->peak_bytes, t->allocs,
            t->frees, t->errors, t->recent[0 .. RA_TRACK_RECENT - 1], t->recent_next;
    ensures track_inv(t);
    ensures \result != \null ==> \exists integer i; track_at(t, i, \result, size, tag);
*/
void *ra_track_realloc(ra_track *t, void *ptr, size_t size, const char *tag);

/* The recorded entry of a live block (NULL if ptr is not live). */
/*@ requires track_inv_read(t);
    assigns \nothing;
    ensures \result == \null || (\result->ptr == ptr && ptr != \null &&
            \exists integer i; 0 <= i < t->capacity && \result == t->entries + i);
*/
const ra_track_entry *ra_track_find(const ra_track *t, const void *ptr);

/* Live blocks and their requested bytes. */
/*@ requires track_inv_read(t); assigns \nothing; ensures \result == t->live; */
size_t ra_track_live_count(const ra_track *t);
/*@ requires track_inv_read(t); assigns \nothing; ensures \result == t->live_bytes; */
size_t ra_track_live_bytes(const ra_track *t);
/*@ requires track_inv_read(t); assigns \nothing; ensures \result == t->errors; */
size_t ra_track_error_count(const ra_track *t);

/* Walk the table: every non-empty entry is found by its probe sequence, the count and bytes agree.
 * True when consistent. O(capacity). */
/*@ requires track_inv_read(t);
    assigns \nothing;
*/
bool ra_track_check(const ra_track *t);

/* Outside the proof (callbacks and printing). */
#ifndef __FRAMAC__
#include <stdio.h>
/* Call fn for each live block (in table order); returns the number of live blocks. */
size_t ra_track_each(const ra_track *t, void (*fn)(const ra_track_entry *e, void *ctx), void *ctx);
/* Print the leak report to out: "track(<name>): N leaked blocks, B bytes" and one line per block
 * "  leak: <size> bytes at <ptr> allocated at <tag>" ("no leaks" when none). Returns N. */
size_t ra_track_report(const ra_track *t, FILE *out);
/* The tracker itself as an allocator table (so that code written against ra_track_allocator,
 * such as rc, can be tracked); blocks allocated through it carry the tag `tag`. */
ra_track_allocator ra_track_as_allocator(ra_track *t, const char *tag);
/* One short name for an error kind ("double free", "invalid free", ...). */
const char *ra_track_error_str(ra_track_error kind);
#endif

#ifdef __cplusplus
}
#endif
#endif
