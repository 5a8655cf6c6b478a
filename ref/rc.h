/*
 * refalloc rc: reference-counted boxes with strong and weak counts, allocated from a reference
 * heap, with a destructor callback (the semantics of Rust's Rc/Weak, for C).
 *
 * A box is a payload block from an ra_heap plus one slot of an rc table. The slot (counts,
 * destructor, payload pointer) lives out of line in a caller-supplied array, never in front of the
 * payload: an overflow of the payload cannot corrupt the counts, and the proved code needs no casts.
 * Handles are small values {slot, generation}: ra_rc (strong) and ra_rc_weak (weak). A handle whose
 * box is gone is recognised (the slot's generation moved on, or its count is zero) and reported.
 *
 *   new(size, dtor, ctx)   payload of `size` bytes from the heap, strong = 1, weak = 0
 *   clone(r)               strong + 1, returns r
 *   drop(r)                strong - 1; at 0 the destructor runs exactly once (dtor(payload, ctx));
 *                          the payload memory goes back to the heap when weak is also 0
 *   downgrade(r)           weak + 1, returns a weak handle
 *   upgrade(w)             strong + 1 and a strong handle while strong > 0; else RA_RC_NIL
 *   weak_drop(w)           weak - 1; frees the payload memory when strong and weak are both 0
 *   strong_count, weak_count, get (payload pointer)
 *
 * The destructor runs while the box still holds its memory (it may read the payload, drop other
 * boxes, and drop weak handles to its own box); upgrade of the dying box fails from the moment the
 * strong count reaches zero. The payload is freed after the destructor returns, or later, when the
 * last weak handle is dropped.
 *
 * Errors (reported to the table's handler; the default prints one line on stderr and aborts):
 * - a count would exceed the limit (RA_RC_MAX_COUNT unless lowered by ra_rc_set_limit): this is
 *   "count overflow", as Rust aborts instead of wrapping;
 * - a handle that is nil, out of range, or whose box is gone ("stale handle": use after drop).
 * If a custom handler returns, the operation changes nothing and returns RA_RC_NIL / NULL / 0.
 * new returns RA_RC_NIL without a report when the heap or the slot table is full.
 *
 * Complexity: every operation O(1) (free slots form a LIFO list), apart from the destructor
 * itself; init and ra_rc_live are O(capacity). Not thread-safe (one table per thread or a lock).
 * The ACSL contracts below are proved by Frama-C WP (make prove); logic in spec/rc.acsl. The
 * destructor, the allocator and the error handler are outside the proof: their contracts in rc.c
 * state what rc assumes of them.
 */
#ifndef RA_RC_H
#define RA_RC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef __FRAMAC__
#include "heap.h"   /* under Frama-C, track.h declares the name ra_heap only */
#endif
#include "track.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RA_RC_NONE 0xffffffffu        /* "no slot": nil handles, end of the free list */
#define RA_RC_MAX_COUNT 0xfffffffeu   /* largest strong or weak count (weak includes 1 implicit) */
#define RA_RC_MAX_SLOTS 0x7fffffffu

typedef void (*ra_rc_dtor)(void *payload, void *ctx);

typedef struct { uint32_t slot, gen; } ra_rc;       /* strong handle */
typedef struct { uint32_t slot, gen; } ra_rc_weak;  /* weak handle */

/* One box's metadata. weak counts weak handles plus one while strong > 0; free slots have
 * strong == weak == 0 and link the free list through next. */
typedef struct {
    uint32_t strong, weak, gen, next;
    void *payload;
    ra_rc_dtor dtor;
    void *ctx;
} ra_rc_slot;

struct ra_rc_table;
/* op: "clone", "drop", ...; reason: one sentence naming the error. */
typedef void (*ra_rc_error_fn)(const struct ra_rc_table *t, const char *op, const char *reason,
                               void *ctx);

/* The table: fields private, use the functions. */
typedef struct ra_rc_table {
    ra_track_allocator alloc;  /* where payloads come from */
    ra_rc_slot *slots;
    uint32_t capacity;
    uint32_t free_head;
    uint32_t limit;            /* counts may not exceed this (RA_RC_MAX_COUNT by default) */
    ra_rc_error_fn on_error;
    void *on_error_ctx;
    size_t destroyed;          /* destructors run since init (statistics) */
    size_t errors;             /* reports made */
} ra_rc_table;

#define RA_RC_NIL_INIT { RA_RC_NONE, 0 }
#define RA_RC_NIL ((ra_rc)RA_RC_NIL_INIT)
#define RA_RC_WEAK_NIL ((ra_rc_weak)RA_RC_NIL_INIT)

#ifdef __FRAMAC__
#include "../spec/rc.acsl"
#endif

/* Set up t over slots[0 .. capacity): every slot free. heap is where payloads come from (it must
 * outlive the table). Returns false (t untouched) for a NULL heap, else true. The contract asks
 * for a valid t and slots and 0 < capacity <= RA_RC_MAX_SLOTS; outside it (NULL t or slots,
 * capacity 0 or above RA_RC_MAX_SLOTS) the code also returns false with t untouched.
 * O(capacity). Outside the proof (it builds the allocator table); it calls ra_rc_init_with,
 * which is proved. */
/*@ requires \valid(t) && \valid(slots + (0 .. capacity - 1)) && 0 < capacity <= RA_RC_MAX_SLOTS;
    requires \separated(t, slots + (0 .. capacity - 1));
    assigns *t, slots[0 .. capacity - 1];
    behavior no_heap:
      assumes heap == \null;
      assigns \nothing;
      ensures \result == \false;
    behavior ok:
      assumes heap != \null;
      ensures \result == \true;
      ensures rc_inv(t) && t->capacity == capacity && t->slots == slots;
      ensures \forall integer i; 0 <= i < capacity ==>
        slots[i].strong == 0 && slots[i].weak == 0;
    complete behaviors;
    disjoint behaviors;
*/
bool ra_rc_init(ra_rc_table *t, ra_heap *heap, ra_rc_slot *slots, uint32_t capacity);

/* The same with payloads from any allocator table (ra_track_allocator: the system allocator, a
 * heap, or a tracker through ra_track_as_allocator, which is how leaked cycles are found).
 * Returns false (t untouched) for a table without malloc or free, and outside the contract as
 * ra_rc_init does. */
/*@ requires \valid(t) && \valid(slots + (0 .. capacity - 1)) && 0 < capacity <= RA_RC_MAX_SLOTS;
    requires \separated(t, slots + (0 .. capacity - 1));
    assigns *t, slots[0 .. capacity - 1];
    ensures \result ==> rc_inv(t) && t->capacity == capacity && t->slots == slots;
*/
bool ra_rc_init_with(ra_rc_table *t, ra_track_allocator alloc, ra_rc_slot *slots,
                     uint32_t capacity);

/* Replace the error handler (NULL restores the default: print and abort). */
/*@ requires rc_inv(t);
    assigns t->on_error, t->on_error_ctx;
    ensures rc_inv(t);
*/
void ra_rc_set_error_handler(ra_rc_table *t, ra_rc_error_fn fn, void *ctx);

/* Lower the count limit (for tests of the overflow report); 0 or above RA_RC_MAX_COUNT restores
 * RA_RC_MAX_COUNT. Counts already above the new limit stay valid; they cannot grow. */
/*@ requires rc_inv(t);
    assigns t->limit;
    ensures rc_inv(t);
*/
void ra_rc_set_limit(ra_rc_table *t, uint32_t limit);

/* True iff r is the nil handle (slot RA_RC_NONE). */
/*@ assigns \nothing;
    ensures \result <==> r.slot == RA_RC_NONE;
*/
bool ra_rc_is_nil(ra_rc r);

/*@ assigns \nothing;
    ensures \result <==> w.slot == RA_RC_NONE;
*/
bool ra_rc_weak_is_nil(ra_rc_weak w);

/* A new box of `size` bytes (uninitialised, 16-aligned) with strong 1, weak 0. dtor may be NULL.
 * Returns RA_RC_NIL if the slot table or the heap is full. */
/*@ requires rc_inv(t);
    assigns t->slots[0 .. t->capacity - 1], t->free_head;
    ensures rc_inv(t);
    behavior full:
      assumes t->free_head == RA_RC_NONE;
      ensures \result.slot == RA_RC_NONE;
      ensures \forall integer i; 0 <= i < t->capacity ==> t->slots[i] == \old(t->slots[i]);
    behavior has_slot:
      assumes t->free_head != RA_RC_NONE;
      ensures \result.slot == RA_RC_NONE ||
              (rc_strong_live(t, \result) && t->slots[\result.slot].strong == 1 &&
               t->slots[\result.slot].weak == 1 && \old(t->slots[\result.slot].weak) == 0 &&
               rc_others_unchanged{Old, Here}(t, \result.slot));
      ensures \result.slot == RA_RC_NONE ==>
              \forall integer i; 0 <= i < t->capacity ==> t->slots[i] == \old(t->slots[i]);
    complete behaviors;
    disjoint behaviors;
*/
ra_rc ra_rc_new(ra_rc_table *t, size_t size, ra_rc_dtor dtor, void *ctx);

/* The payload of a live box (strong > 0); NULL and a report for a stale or nil handle. */
/*@ requires rc_inv(t);
    assigns t->errors;
    ensures rc_inv(t);
    behavior live:
      assumes rc_strong_live(t, r);
      ensures \result == t->slots[r.slot].payload;
    behavior stale:
      assumes !rc_strong_live(t, r);
      ensures \result == \null;
    complete behaviors;
    disjoint behaviors;
*/
void *ra_rc_get(ra_rc_table *t, ra_rc r);

/* Another strong reference to r's box (strong + 1); returns r. Count overflow and stale handles
 * are reported (then RA_RC_NIL if the handler returns). */
/*@ requires rc_inv(t);
    assigns t->slots[r.slot].strong, t->errors;
    ensures rc_inv(t);
    behavior ok:
      assumes rc_strong_live(t, r) && t->slots[r.slot].strong < t->limit;
      ensures t->slots[r.slot].strong == \old(t->slots[r.slot].strong) + 1;
      ensures \result == r;
    behavior overflow:
      assumes rc_strong_live(t, r) && t->slots[r.slot].strong >= t->limit;
      ensures t->slots[r.slot].strong == \old(t->slots[r.slot].strong);
      ensures \result.slot == RA_RC_NONE;
    behavior stale:
      assumes !rc_strong_live(t, r);
      ensures \result.slot == RA_RC_NONE;
    complete behaviors;
    disjoint behaviors;
*/
ra_rc ra_rc_clone(ra_rc_table *t, ra_rc r);

/* Give up a strong reference. At strong 0 the destructor runs (once), then the payload memory is
 * freed if no weak handle remains. A stale handle is reported and nothing changes. */
/*@ requires rc_inv(t);
    assigns t->slots[0 .. t->capacity - 1], t->free_head, t->errors, t->destroyed;
    ensures rc_inv(t);
    behavior last:
      assumes rc_strong_live(t, r) && t->slots[r.slot].strong == 1;
      ensures t->slots[r.slot].strong == 0;
      ensures !rc_strong_live(t, r);
    behavior not_last:
      assumes rc_strong_live(t, r) && t->slots[r.slot].strong > 1;
      ensures t->slots[r.slot].strong == \old(t->slots[r.slot].strong) - 1;
      ensures t->slots[r.slot].weak == \old(t->slots[r.slot].weak);
      ensures rc_others_unchanged{Old, Here}(t, r.slot);
    behavior stale:
      assumes !rc_strong_live(t, r);
      ensures \forall integer i; 0 <= i < t->capacity ==> t->slots[i] == \old(t->slots[i]);
    complete behaviors;
    disjoint behaviors;
*/
void ra_rc_drop(ra_rc_table *t, ra_rc r);

/* A weak handle to r's box (weak + 1). Overflow and stale handles reported (then nil). */
/*@ requires rc_inv(t);
    assigns t->slots[r.slot].weak, t->errors;
    ensures rc_inv(t);
    behavior ok:
      assumes rc_strong_live(t, r) && t->slots[r.slot].weak < t->limit;
      ensures t->slots[r.slot].weak == \old(t->slots[r.slot].weak) + 1;
      ensures \result.slot == r.slot && \result.gen == r.gen;
      ensures rc_weak_live(t, \result);
    behavior overflow:
      assumes rc_strong_live(t, r) && t->slots[r.slot].weak >= t->limit;
      ensures t->slots[r.slot].weak == \old(t->slots[r.slot].weak);
      ensures \result.slot == RA_RC_NONE;
    behavior stale:
      assumes !rc_strong_live(t, r);
      ensures \result.slot == RA_RC_NONE;
    complete behaviors;
    disjoint behaviors;
*/
ra_rc_weak ra_rc_downgrade(ra_rc_table *t, ra_rc r);

/* A strong handle from a weak one while the box is alive (strong > 0): strong + 1. Returns nil
 * without a report when the box has been destroyed (strong 0), as Rust's Weak::upgrade; a weak
 * handle whose slot is gone (weak dropped) is stale and reported. */
/*@ requires rc_inv(t);
    assigns t->slots[w.slot].strong, t->errors;
    ensures rc_inv(t);
    behavior ok:
      assumes rc_weak_live(t, w) && 0 < t->slots[w.slot].strong < t->limit;
      ensures t->slots[w.slot].strong == \old(t->slots[w.slot].strong) + 1;
      ensures \result.slot == w.slot && \result.gen == w.gen && rc_strong_live(t, \result);
    behavior dead:
      assumes rc_weak_live(t, w) && t->slots[w.slot].strong == 0;
      ensures t->slots[w.slot].strong == 0;
      ensures \result.slot == RA_RC_NONE;
    behavior overflow:
      assumes rc_weak_live(t, w) && t->slots[w.slot].strong >= t->limit &&
              t->slots[w.slot].strong > 0;
      ensures t->slots[w.slot].strong == \old(t->slots[w.slot].strong);
      ensures \result.slot == RA_RC_NONE;
    behavior stale:
      assumes !rc_weak_live(t, w);
      ensures \result.slot == RA_RC_NONE;
    complete behaviors;
    disjoint behaviors;
*/
ra_rc ra_rc_upgrade(ra_rc_table *t, ra_rc_weak w);

/* Give up a weak reference; frees the payload memory when strong and weak are both 0. Dropping
 * more weak handles than were made (the weak count would go below zero) is reported as stale. */
/*@ requires rc_inv(t);
    assigns t->slots[w.slot], t->free_head, t->errors;
    ensures rc_inv(t);
    behavior ok:
      assumes rc_weak_live(t, w) && t->slots[w.slot].weak > 1;
      ensures t->slots[w.slot].weak == \old(t->slots[w.slot].weak) - 1;
      ensures t->slots[w.slot].strong == \old(t->slots[w.slot].strong);
    behavior last:
      assumes rc_weak_live(t, w) && t->slots[w.slot].weak == 1 && t->slots[w.slot].strong == 0;
      ensures t->slots[w.slot].weak == 0 && t->slots[w.slot].strong == 0;
      ensures !rc_weak_live(t, w);
    behavior stale:
      assumes !rc_weak_live(t, w) ||
              (t->slots[w.slot].weak == 1 && t->slots[w.slot].strong > 0);
      ensures w.slot < t->capacity ==> t->slots[w.slot] == \old(t->slots[w.slot]);
    complete behaviors;
    disjoint behaviors;
*/
void ra_rc_weak_drop(ra_rc_table *t, ra_rc_weak w);

/* Strong count of r's box (0 if the box is gone or the handle nil). Never reports. */
/*@ requires rc_inv_read(t);
    assigns \nothing;
    ensures r.slot < t->capacity && t->slots[r.slot].gen == r.gen ==>
            \result == t->slots[r.slot].strong;
    ensures \result <= RA_RC_MAX_COUNT;
*/
uint32_t ra_rc_strong_count(const ra_rc_table *t, ra_rc r);

/* Weak handles to r's box (the implicit reference of the strong handles not counted). */
/*@ requires rc_inv_read(t);
    assigns \nothing;
    ensures \result <= RA_RC_MAX_COUNT;
*/
uint32_t ra_rc_weak_count(const ra_rc_table *t, ra_rc r);

/* Strong count seen from a weak handle (0 once destroyed or for a stale handle). */
/*@ requires rc_inv_read(t);
    assigns \nothing;
    ensures rc_weak_live(t, w) ==> \result == t->slots[w.slot].strong;
*/
uint32_t ra_rc_weak_strong_count(const ra_rc_table *t, ra_rc_weak w);

/* Slots in use (boxes whose memory is not yet freed). O(capacity): for leak checks. */
/*@ requires rc_inv_read(t);
    assigns \nothing;
    ensures \result <= t->capacity;
*/
size_t ra_rc_live(const ra_rc_table *t);

#ifdef __cplusplus
}
#endif
#endif
