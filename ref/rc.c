/*
 * refalloc rc: strong/weak reference counts kept out of line in a slot table.
 *
 * Slot states (spec/rc.acsl):
 *
 *     free ──new──▶ alive (strong ≥ 1, weak = 1 + weak handles) ──last drop──▶ dead (strong 0,
 *      ▲                                                   dtor runs once)      weak = handles)
 *      └──────────── weak reaches 0: payload freed, generation + 1, slot pushed on free list ◀─┘
 *
 * The "+1" while alive is the implicit weak reference of the strong handles (Rust's Rc does the
 * same): the slot stays allocated while the destructor runs, whatever the destructor drops, and
 * "allocated" is simply weak > 0. Counts never wrap: a count at the limit is an error report.
 *
 * Everything here is O(1): the free slots form a LIFO list threaded through `next`.
 *
 * What Frama-C does not see (printing, aborting, the heap, the destructor call) sits in four small
 * functions at the end, compiled out under __FRAMAC__, where the contracts just above their
 * declarations state what the proof assumes of them.
 */
#include "rc.h"

#ifndef __FRAMAC__
#include <stdio.h>
#include <stdlib.h>
#endif

/* ---- outside the proof: the heap, the destructor, the report ---------------------------- */

/* The allocator's state is its own, disjoint from the table (an assumption of the proof). */
/*@ requires rc_inv(t);
    assigns \nothing;
*/
static void *heap_alloc(ra_rc_table *t, size_t size);

/*@ assigns \nothing; */
static void heap_free(ra_rc_table *t, void *payload);

/* The destructor follows the rc protocol: it may drop, clone, downgrade or upgrade any box,
 * including weak handles to its own, but it owns no strong handle to the dying box. */
/*@ requires rc_inv(t) && s < t->capacity;
    requires t->slots[s].strong == 0 && t->slots[s].weak > 0;
    assigns t->slots[0 .. t->capacity - 1], t->free_head, t->errors, t->destroyed;
    ensures rc_inv(t);
    ensures t->slots[s].strong == 0 && t->slots[s].weak > 0;
    ensures t->slots[s].gen == \old(t->slots[s].gen);
*/
static void run_dtor(ra_rc_table *t, uint32_t s);

/*@ assigns \nothing; */
static void report(const ra_rc_table *t, const char *op, const char *reason);

/* ---- the proved core ------------------------------------------------------------------- */

/*@ requires rc_inv(t);
    assigns t->errors;
    ensures rc_inv(t);
*/
static void error(ra_rc_table *t, const char *op, const char *reason)
{
    if (t->errors < SIZE_MAX)
        t->errors++;
    report(t, op, reason);
}

bool ra_rc_init_with(ra_rc_table *t, ra_track_allocator alloc, ra_rc_slot *slots,
                     uint32_t capacity)
{
    if (t == NULL || alloc.malloc == NULL || alloc.free == NULL || slots == NULL ||
        capacity == 0 || capacity > RA_RC_MAX_SLOTS)
        return false;
    /*@ loop invariant 0 <= i <= capacity;
        loop invariant \forall integer j; 0 <= j < i ==>
          slots[j].strong == 0 && slots[j].weak == 0 &&
          (slots[j].next == RA_RC_NONE || 0 <= slots[j].next < capacity);
        loop assigns i, slots[0 .. capacity - 1];
        loop variant capacity - i;
    */
    for (uint32_t i = 0; i < capacity; i++) {
        slots[i].strong = 0;
        slots[i].weak = 0;
        slots[i].gen = 0;
        slots[i].next = i + 1u < capacity ? i + 1u : RA_RC_NONE;
        slots[i].payload = NULL;
        slots[i].dtor = NULL;
        slots[i].ctx = NULL;
    }
    t->alloc = alloc;
    t->slots = slots;
    t->capacity = capacity;
    t->free_head = 0;
    t->limit = RA_RC_MAX_COUNT;
    t->on_error = NULL;
    t->on_error_ctx = NULL;
    t->destroyed = 0;
    t->errors = 0;
    return true;
}

void ra_rc_set_error_handler(ra_rc_table *t, ra_rc_error_fn fn, void *ctx)
{
    t->on_error = fn;
    t->on_error_ctx = ctx;
}

void ra_rc_set_limit(ra_rc_table *t, uint32_t limit)
{
    t->limit = (limit == 0 || limit > RA_RC_MAX_COUNT) ? RA_RC_MAX_COUNT : limit;
}

bool ra_rc_is_nil(ra_rc r)
{
    return r.slot == RA_RC_NONE;
}

bool ra_rc_weak_is_nil(ra_rc_weak w)
{
    return w.slot == RA_RC_NONE;
}

/*@ requires rc_inv_read(t);
    assigns \nothing;
    ensures \result <==> rc_strong_live(t, r);
*/
static bool strong_live(const ra_rc_table *t, ra_rc r)
{
    return r.slot < t->capacity && t->slots[r.slot].gen == r.gen && t->slots[r.slot].strong > 0;
}

/*@ requires rc_inv_read(t);
    assigns \nothing;
    ensures \result <==> rc_weak_live(t, w);
*/
static bool weak_live(const ra_rc_table *t, ra_rc_weak w)
{
    return w.slot < t->capacity && t->slots[w.slot].gen == w.gen && t->slots[w.slot].weak > 0;
}

/* Drop one weak reference (a handle's or the implicit one); at zero free the payload, move the
 * generation on (stale handles stop matching) and push the slot on the free list. */
/*@ requires rc_inv(t) && s < t->capacity && t->slots[s].weak > 0;
    requires t->slots[s].weak == 1 ==> t->slots[s].strong == 0;
    assigns t->slots[s], t->free_head;
    ensures rc_inv(t);
    ensures t->slots[s].weak == \old(t->slots[s].weak) - 1;
    ensures t->slots[s].strong == \old(t->slots[s].strong);
    ensures t->slots[s].weak > 0 ==> t->slots[s].gen == \old(t->slots[s].gen);
    ensures t->slots[s].weak == 0 ==> t->slots[s].gen != \old(t->slots[s].gen);
*/
static void weak_dec(ra_rc_table *t, uint32_t s)
{
    ra_rc_slot *sl = &t->slots[s];
    sl->weak--;
    /*@ assert dec_inv: rc_inv(t); */
    if (sl->weak > 0)
        return;
    /* Free the slot with one store (one memory update is what keeps the proof small). */
    void *payload = sl->payload;
    ra_rc_slot freed = { sl->strong, 0u, sl->gen == UINT32_MAX ? 0u : sl->gen + 1u, t->free_head,
                         NULL, NULL, NULL };
    t->free_head = s;
    /*@ assert head_inv: rc_inv(t) && rc_slot_ok(freed, t->capacity); */
    t->slots[s] = freed;
    /*@ assert freed_all: \forall integer i; 0 <= i < t->capacity ==>
          rc_slot_ok(t->slots[i], t->capacity); */
    heap_free(t, payload);
}

ra_rc ra_rc_new(ra_rc_table *t, size_t size, ra_rc_dtor dtor, void *ctx)
{
    ra_rc r = RA_RC_NIL_INIT;
    uint32_t s = t->free_head;
    if (s == RA_RC_NONE)
        return r;
    /* A slot on the free list is free in a well-formed table; refuse rather than trust it. */
    if (t->slots[s].weak != 0 || t->slots[s].strong != 0)
        return r;
    void *payload = heap_alloc(t, size);
    if (payload == NULL)
        return r;
    ra_rc_slot *sl = &t->slots[s];
    t->free_head = sl->next;
    sl->strong = 1;
    sl->weak = 1;
    sl->next = RA_RC_NONE;
    sl->payload = payload;
    sl->dtor = dtor;
    sl->ctx = ctx;
    r.slot = s;
    r.gen = sl->gen;
    return r;
}

void *ra_rc_get(ra_rc_table *t, ra_rc r)
{
    if (!strong_live(t, r)) {
        error(t, "get", "stale or nil strong handle (use after the last drop)");
        return NULL;
    }
    return t->slots[r.slot].payload;
}

ra_rc ra_rc_clone(ra_rc_table *t, ra_rc r)
{
    ra_rc nil = RA_RC_NIL_INIT;
    if (!strong_live(t, r)) {
        error(t, "clone", "stale or nil strong handle (use after the last drop)");
        return nil;
    }
    if (t->slots[r.slot].strong >= t->limit) {
        error(t, "clone", "strong count overflow");
        return nil;
    }
    t->slots[r.slot].strong++;
    return r;
}

void ra_rc_drop(ra_rc_table *t, ra_rc r)
{
    if (!strong_live(t, r)) {
        error(t, "drop", "stale or nil strong handle (dropped more often than cloned)");
        return;
    }
    t->slots[r.slot].strong--;
    if (t->slots[r.slot].strong > 0)
        return;
    if (t->destroyed < SIZE_MAX)
        t->destroyed++;
    run_dtor(t, r.slot);
    weak_dec(t, r.slot); /* the implicit weak reference of the strong handles */
}

ra_rc_weak ra_rc_downgrade(ra_rc_table *t, ra_rc r)
{
    ra_rc_weak w = RA_RC_NIL_INIT;
    if (!strong_live(t, r)) {
        error(t, "downgrade", "stale or nil strong handle (use after the last drop)");
        return w;
    }
    if (t->slots[r.slot].weak >= t->limit) {
        error(t, "downgrade", "weak count overflow");
        return w;
    }
    t->slots[r.slot].weak++;
    w.slot = r.slot;
    w.gen = r.gen;
    return w;
}

ra_rc ra_rc_upgrade(ra_rc_table *t, ra_rc_weak w)
{
    ra_rc r = RA_RC_NIL_INIT;
    if (!weak_live(t, w)) {
        error(t, "upgrade", "stale or nil weak handle (use after its weak_drop)");
        return r;
    }
    uint32_t strong = t->slots[w.slot].strong;
    if (strong == 0)
        return r; /* destroyed: the ordinary "gone" answer, not an error */
    if (strong >= t->limit) {
        error(t, "upgrade", "strong count overflow");
        return r;
    }
    t->slots[w.slot].strong = strong + 1u;
    r.slot = w.slot;
    r.gen = w.gen;
    return r;
}

void ra_rc_weak_drop(ra_rc_table *t, ra_rc_weak w)
{
    if (!weak_live(t, w)) {
        error(t, "weak_drop", "stale or nil weak handle (dropped more often than downgraded)");
        return;
    }
    if (t->slots[w.slot].weak == 1 && t->slots[w.slot].strong > 0) {
        error(t, "weak_drop", "weak count underflow (dropped more often than downgraded)");
        return;
    }
    weak_dec(t, w.slot);
}

uint32_t ra_rc_strong_count(const ra_rc_table *t, ra_rc r)
{
    if (r.slot >= t->capacity || t->slots[r.slot].gen != r.gen)
        return 0;
    return t->slots[r.slot].strong;
}

uint32_t ra_rc_weak_count(const ra_rc_table *t, ra_rc r)
{
    if (r.slot >= t->capacity || t->slots[r.slot].gen != r.gen)
        return 0;
    const ra_rc_slot *sl = &t->slots[r.slot];
    if (sl->strong > 0)
        return sl->weak - 1u;
    return sl->weak;
}

uint32_t ra_rc_weak_strong_count(const ra_rc_table *t, ra_rc_weak w)
{
    if (!weak_live(t, w))
        return 0;
    return t->slots[w.slot].strong;
}

size_t ra_rc_live(const ra_rc_table *t)
{
    size_t n = 0;
    /*@ loop invariant 0 <= i <= t->capacity && n <= i;
        loop assigns i, n;
        loop variant t->capacity - i;
    */
    for (uint32_t i = 0; i < t->capacity; i++)
        if (t->slots[i].weak > 0)
            n++;
    return n;
}

/* ---- the thin layer outside the proof -------------------------------------------------- */

#ifndef __FRAMAC__
bool ra_rc_init(ra_rc_table *t, ra_heap *heap, ra_rc_slot *slots, uint32_t capacity)
{
    if (heap == NULL)
        return false;
    return ra_rc_init_with(t, ra_track_heap_allocator(heap), slots, capacity);
}

static void *heap_alloc(ra_rc_table *t, size_t size)
{
    return t->alloc.malloc(t->alloc.self, size);
}

static void heap_free(ra_rc_table *t, void *payload)
{
    t->alloc.free(t->alloc.self, payload);
}

static void run_dtor(ra_rc_table *t, uint32_t s)
{
    ra_rc_dtor fn = t->slots[s].dtor;
    if (fn != NULL)
        fn(t->slots[s].payload, t->slots[s].ctx);
}

static void report(const ra_rc_table *t, const char *op, const char *reason)
{
    if (t->on_error != NULL) {
        t->on_error(t, op, reason, t->on_error_ctx);
        return;
    }
    fprintf(stderr, "refalloc rc: %s on table %p: %s\n", op, (const void *)t, reason);
    abort();
}
#endif
