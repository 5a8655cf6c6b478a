/*
 * refalloc track: live-block table with linear probing and backward-shift deletion.
 *
 * A block's home is hash(ptr) % capacity; it sits at the first empty entry at or after its home
 * (cyclically). Lookup probes from the home until it finds the pointer or an empty entry.
 * Deletion does not leave a tombstone: the entries after the hole that could have lived in it
 * (their home is not cyclically within (hole, position]) move back, so probe sequences never
 * cross a hole and the table never degrades:
 *
 *     home:  5  5  6  .            delete the entry at 5:   home: 5  6  .  .
 *     slot:  5  6  7  8                                     slot: 5  6  7  8
 *
 * With load <= 7/8 the expected probe length of linear probing stays small (Knuth, TAOCP 3,
 * 6.4: about (1 + 1/(1-a)^2)/2 = 32.5 for an unsuccessful search at a = 7/8, 4.5 successful).
 * The hash is Fibonacci hashing of the address without its low 4 bits (blocks are 16-aligned).
 *
 * Recently freed blocks live in a ring of RA_TRACK_RECENT records, scanned only on the
 * bad-pointer path to tell a double free (with where it was allocated and freed) from an
 * invalid one.
 *
 * Outside the proof, at the end, under #ifndef __FRAMAC__: the hash (a pointer-to-integer cast),
 * the allocator calls (through function pointers), the report to the handler, and the printing.
 */
#include "track.h"

#include <string.h>

#ifndef __FRAMAC__
#include <stdio.h>
#include <stdlib.h>
#endif

/* ---- outside the proof ----------------------------------------------------------------- */

/*@ requires track_inv_read(t);
    assigns \nothing;
    ensures \result < t->capacity;
*/
static size_t home(const ra_track *t, const void *p);

/* The wrapped allocator's state is its own: disjoint from the tracker (an assumption). */
/*@ requires track_inv(t);
    assigns \nothing;
*/
static void *call_malloc(ra_track *t, size_t size);

/* The point of the tracker: the allocator's free sees only pointers recorded as live. */
/*@ requires track_inv(t) && track_has(t, p);
    assigns \nothing;
*/
static void call_free(ra_track *t, void *p);

/*@ requires track_inv(t) && track_has(t, p);
    assigns \nothing;
*/
static void *call_realloc(ra_track *t, void *p, size_t old_size, size_t size);

/*@ assigns \nothing; */
static void report(const ra_track *t, ra_track_error kind, const char *op, const void *ptr,
                   const char *tag, const ra_track_freed *prior);

/* ---- the proved core ------------------------------------------------------------------- */

bool ra_track_init(ra_track *t, ra_track_allocator a, ra_track_entry *entries, size_t capacity)
{
    if (t == NULL || entries == NULL || capacity < 2 || capacity > RA_TRACK_MAX_CAPACITY ||
        a.malloc == NULL || a.free == NULL)
        return false;
    /*@ loop invariant 0 <= i <= capacity;
        loop invariant \forall integer j; 0 <= j < i ==> entries[j].ptr == \null;
        loop assigns i, entries[0 .. capacity - 1];
        loop variant capacity - i;
    */
    for (size_t i = 0; i < capacity; i++) {
        entries[i].ptr = NULL;
        entries[i].size = 0;
        entries[i].tag = NULL;
    }
    t->a = a;
    t->entries = entries;
    t->capacity = capacity;
    t->max_live = capacity - 1u - capacity / 8u;
    t->live = 0;
    t->live_bytes = 0;
    t->peak_bytes = 0;
    t->allocs = 0;
    t->frees = 0;
    t->errors = 0;
    /*@ loop invariant 0 <= k <= RA_TRACK_RECENT;
        loop assigns k, t->recent[0 .. RA_TRACK_RECENT - 1];
        loop variant RA_TRACK_RECENT - k;
    */
    for (size_t k = 0; k < RA_TRACK_RECENT; k++) {
        t->recent[k].ptr = NULL;
        t->recent[k].size = 0;
        t->recent[k].alloc_tag = NULL;
        t->recent[k].free_tag = NULL;
    }
    t->recent_next = 0;
    t->on_error = NULL;
    t->on_error_ctx = NULL;
    t->adapter_tag = NULL;
    return true;
}

void ra_track_set_error_handler(ra_track *t, ra_track_error_fn fn, void *ctx)
{
    t->on_error = fn;
    t->on_error_ctx = ctx;
}

/*@ requires track_inv(t);
    assigns t->errors;
    ensures track_inv(t);
*/
static void error(ra_track *t, ra_track_error kind, const char *op, const void *ptr,
                  const char *tag, const ra_track_freed *prior)
{
    if (t->errors < SIZE_MAX)
        t->errors++;
    report(t, kind, op, ptr, tag, prior);
}

/*@ requires 0 <= i < cap;
    assigns \nothing;
    ensures 0 <= \result < cap;
    ensures i + 1 < cap ==> \result == i + 1;
*/
static size_t next_index(size_t i, size_t cap)
{
    return i + 1u == cap ? 0u : i + 1u;
}

/* Index of p's entry, or RA_TRACK_NOTFOUND. */
/*@ requires track_inv_read(t) && p != \null;
    assigns \nothing;
    ensures \result == RA_TRACK_NOTFOUND || (0 <= \result < t->capacity && t->entries[\result].ptr == p);
*/
static size_t lookup(const ra_track *t, const void *p)
{
    size_t i = home(t, p);
    /*@ loop invariant 0 <= n <= t->capacity && 0 <= i < t->capacity;
        loop assigns n, i;
        loop variant t->capacity - n;
    */
    for (size_t n = 0; n < t->capacity; n++) {
        if (t->entries[i].ptr == NULL)
            return RA_TRACK_NOTFOUND;
        if (t->entries[i].ptr == p)
            return i;
        i = next_index(i, t->capacity);
    }
    return RA_TRACK_NOTFOUND;
}

/* Record p at the first empty entry of its probe sequence; RA_TRACK_NOTFOUND if none. */
/*@ requires track_inv(t) && p != \null;
    assigns t->entries[0 .. t->capacity - 1];
    ensures track_inv(t);
    ensures \result == RA_TRACK_NOTFOUND || track_at(t, \result, p, size, tag);
    ensures \result == RA_TRACK_NOTFOUND || \at(t->entries[\result].ptr, Pre) == \null;
    ensures \forall integer j; 0 <= j < t->capacity && j != \result ==>
              t->entries[j] == \at(t->entries[j], Pre);
*/
static size_t insert(ra_track *t, void *p, size_t size, const char *tag)
{
    size_t i = home(t, p);
    /*@ loop invariant 0 <= n <= t->capacity && 0 <= i < t->capacity;
        loop assigns n, i;
        loop variant t->capacity - n;
    */
    for (size_t n = 0; n < t->capacity; n++) {
        if (t->entries[i].ptr == NULL) {
            t->entries[i].ptr = p;
            t->entries[i].size = size;
            t->entries[i].tag = tag;
            return i;
        }
        i = next_index(i, t->capacity);
    }
    return RA_TRACK_NOTFOUND;
}

/* Delete entry i and close the hole by shifting back the entries that may move into it. */
/*@ requires track_inv(t) && 0 <= i < t->capacity;
    assigns t->entries[0 .. t->capacity - 1];
    ensures track_inv(t);
*/
static void remove_at(ra_track *t, size_t i)
{
    ra_track_entry *e = t->entries;
    size_t cap = t->capacity;
    size_t j = i;
    /*@ loop invariant 1 <= n <= cap;
        loop invariant 0 <= i < cap && 0 <= j < cap;
        loop invariant track_inv(t) && e == t->entries && cap == t->capacity;
        loop assigns n, i, j, e[0 .. cap - 1];
        loop variant cap - n;
    */
    for (size_t n = 1; n < cap; n++) {
        j = next_index(j, cap);
        void *q = e[j].ptr;
        if (q == NULL)
            break;
        size_t k = home(t, q);
        /* q stays iff its home lies cyclically in (i, j]: then the hole is not on its path. */
        bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (!stays) {
            e[i] = e[j];
            i = j;
        }
    }
    e[i].ptr = NULL;
    e[i].size = 0;
    e[i].tag = NULL;
}

/*@ requires track_inv(t);
    assigns t->live, t->live_bytes, t->peak_bytes, t->allocs;
    ensures track_inv(t);
*/
static void count_alloc(ra_track *t, size_t size)
{
    if (t->live < SIZE_MAX)
        t->live++;
    t->live_bytes = t->live_bytes <= SIZE_MAX - size ? t->live_bytes + size : SIZE_MAX;
    if (t->live_bytes > t->peak_bytes)
        t->peak_bytes = t->live_bytes;
    if (t->allocs < SIZE_MAX)
        t->allocs++;
}

/* The counters are not tied to the table by the proof (that needs counting): the guards keep
 * them in range; ra_track_check verifies they agree with the table. */
/*@ requires track_inv(t);
    assigns t->live, t->live_bytes, t->frees;
    ensures track_inv(t);
*/
static void count_free(ra_track *t, size_t size)
{
    if (t->live > 0)
        t->live--;
    t->live_bytes = t->live_bytes >= size ? t->live_bytes - size : 0u;
    if (t->frees < SIZE_MAX)
        t->frees++;
}

/*@ requires track_inv(t);
    assigns t->recent[0 .. RA_TRACK_RECENT - 1], t->recent_next;
    ensures track_inv(t);
*/
static void remember_free(ra_track *t, void *p, size_t size, const char *alloc_tag,
                          const char *free_tag)
{
    size_t k = t->recent_next;
    t->recent[k].ptr = p;
    t->recent[k].size = size;
    t->recent[k].alloc_tag = alloc_tag;
    t->recent[k].free_tag = free_tag;
    t->recent_next = k + 1u == RA_TRACK_RECENT ? 0u : k + 1u;
}

/* The bad-pointer path: a double free if p was freed recently, else an invalid free. */
/*@ requires track_inv(t);
    assigns t->errors;
    ensures track_inv(t);
*/
static void bad_pointer(ra_track *t, const char *op, const void *p, const char *tag)
{
    size_t k = t->recent_next;
    /*@ loop invariant 0 <= n <= RA_TRACK_RECENT && 0 <= k < RA_TRACK_RECENT;
        loop assigns n, k;
        loop variant RA_TRACK_RECENT - n;
    */
    for (size_t n = 0; n < RA_TRACK_RECENT; n++) {
        k = k == 0 ? RA_TRACK_RECENT - 1u : k - 1u; /* newest first */
        if (t->recent[k].ptr == p) {
            error(t, RA_TRACK_DOUBLE_FREE, op, p, tag, &t->recent[k]);
            return;
        }
    }
    error(t, RA_TRACK_INVALID_FREE, op, p, tag, NULL);
}

void *ra_track_malloc(ra_track *t, size_t size, const char *tag)
{
    if (t->live >= t->max_live) {
        error(t, RA_TRACK_TABLE_FULL, "malloc", NULL, tag, NULL);
        return NULL;
    }
    void *p = call_malloc(t, size);
    if (p == NULL)
        return NULL;
    size_t i = lookup(t, p);
    if (i != RA_TRACK_NOTFOUND) {
        /* The allocator handed out a block that is still live: its bug. Keep one record. */
        error(t, RA_TRACK_DUPLICATE, "malloc", p, tag, NULL);
        count_free(t, t->entries[i].size);
        remove_at(t, i);
    }
    i = insert(t, p, size, tag);
    if (i == RA_TRACK_NOTFOUND) {
        /* Cannot happen below max_live; never lose a block silently. */
        error(t, RA_TRACK_TABLE_FULL, "malloc", p, tag, NULL);
        return NULL;
    }
    count_alloc(t, size);
    return p;
}

void ra_track_free(ra_track *t, void *ptr, const char *tag)
{
    if (ptr == NULL)
        return;
    size_t i = lookup(t, ptr);
    if (i == RA_TRACK_NOTFOUND) {
        bad_pointer(t, "free", ptr, tag);
        return;
    }
    size_t size = t->entries[i].size;
    const char *alloc_tag = t->entries[i].tag;
    call_free(t, ptr);
    remove_at(t, i);
    count_free(t, size);
    remember_free(t, ptr, size, alloc_tag, tag);
}

/* Record q (returned by the allocator for op) as a live block of size bytes: a stale record of
 * the same pointer (the allocator's bug, reported) is dropped first, so q is recorded once. */
/*@ requires track_inv(t) && q != \null;
    assigns t->entries[0 .. t->capacity - 1], t->live, t->live_bytes, t->frees, t->errors;
    ensures track_inv(t);
    ensures \result == RA_TRACK_NOTFOUND || track_at(t, \result, q, size, tag);
*/
static size_t record_fresh(ra_track *t, void *q, size_t size, const char *tag, const char *op)
{
    size_t k = lookup(t, q);
    if (k != RA_TRACK_NOTFOUND) {
        error(t, RA_TRACK_DUPLICATE, op, q, tag, NULL);
        count_free(t, t->entries[k].size);
        remove_at(t, k);
    }
    return insert(t, q, size, tag);
}

/* The counters after a resize to size bytes (the old size already counted as freed): a live
 * block again, but neither a new allocation nor a free. */
/*@ requires track_inv(t);
    assigns t->live, t->live_bytes, t->peak_bytes, t->allocs, t->frees;
    ensures track_inv(t);
*/
static void count_resized(ra_track *t, size_t size)
{
    count_alloc(t, size);
    if (t->allocs > 0)
        t->allocs--; /* a resize is not a new allocation */
    if (t->frees > 0)
        t->frees--;
}

/* realloc after the allocator moved or resized entry i's block ptr (old_size bytes, allocated
 * at alloc_tag) to q: forget ptr (remember it as freed if it moved), record q. NULL (reported) only if q cannot be recorded. */
/*@ requires track_inv(t) && 0 <= i < t->capacity && q != \null;
    assigns t->entries[0 .. t->capacity - 1], t->live, t->live_bytes, t->peak_bytes, t->allocs,
            t->frees, t->errors, t->recent[0 .. RA_TRACK_RECENT - 1], t->recent_next;
    ensures track_inv(t);
    ensures \result == \null || (\result == q && \exists integer k; track_at(t, k, q, size, tag));
*/
static void *realloc_record(ra_track *t, size_t i, void *ptr, size_t old_size,
                            const char *alloc_tag, void *q, size_t size, const char *tag)
{
    remove_at(t, i);
    count_free(t, old_size);
    if (q != ptr)
        remember_free(t, ptr, old_size, alloc_tag, tag);
    size_t k = record_fresh(t, q, size, tag, "realloc");
    if (k == RA_TRACK_NOTFOUND) {
        /* Cannot happen: an entry was just removed. */
        error(t, RA_TRACK_TABLE_FULL, "realloc", q, tag, NULL);
        return NULL;
    }
    /*@ assert recorded: track_at(t, k, q, size, tag); */
    count_resized(t, size);
    return q;
}

void *ra_track_realloc(ra_track *t, void *ptr, size_t size, const char *tag)
{
    if (ptr == NULL)
        return ra_track_malloc(t, size, tag);
    size_t i = lookup(t, ptr);
    if (i == RA_TRACK_NOTFOUND) {
        bad_pointer(t, "realloc", ptr, tag);
        return NULL;
    }
    if (size == 0) {
        ra_track_free(t, ptr, tag);
        return NULL;
    }
    size_t old_size = t->entries[i].size;
    const char *alloc_tag = t->entries[i].tag;
    void *q = call_realloc(t, ptr, old_size, size);
    if (q == NULL)
        return NULL; /* the old block stays live and recorded */
    return realloc_record(t, i, ptr, old_size, alloc_tag, q, size, tag);
}

const ra_track_entry *ra_track_find(const ra_track *t, const void *ptr)
{
    if (ptr == NULL)
        return NULL;
    size_t i = lookup(t, ptr);
    if (i == RA_TRACK_NOTFOUND)
        return NULL;
    return &t->entries[i];
}

size_t ra_track_live_count(const ra_track *t)
{
    return t->live;
}

size_t ra_track_live_bytes(const ra_track *t)
{
    return t->live_bytes;
}

size_t ra_track_error_count(const ra_track *t)
{
    return t->errors;
}

bool ra_track_check(const ra_track *t)
{
    size_t live = 0, bytes = 0;
    /*@ loop invariant 0 <= j <= t->capacity && live <= j;
        loop assigns j, live, bytes;
        loop variant t->capacity - j;
    */
    for (size_t j = 0; j < t->capacity; j++) {
        const void *p = t->entries[j].ptr;
        if (p == NULL)
            continue;
        if (lookup(t, p) != j)
            return false; /* unreachable from its home, or recorded twice */
        live++;
        if (bytes > SIZE_MAX - t->entries[j].size)
            return false;
        bytes += t->entries[j].size;
    }
    return live == t->live && bytes == t->live_bytes && live <= t->max_live;
}

/* ---- the thin layer outside the proof -------------------------------------------------- */

#ifndef __FRAMAC__
static size_t home(const ra_track *t, const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p >> 4;
    x *= UINT64_C(0x9e3779b97f4a7c15);
    return (size_t)((x >> 32) % t->capacity);
}

static void *call_malloc(ra_track *t, size_t size)
{
    return t->a.malloc(t->a.self, size);
}

static void call_free(ra_track *t, void *p)
{
    t->a.free(t->a.self, p);
}

static void *call_realloc(ra_track *t, void *p, size_t old_size, size_t size)
{
    if (t->a.realloc != NULL)
        return t->a.realloc(t->a.self, p, size);
    void *q = t->a.malloc(t->a.self, size);
    if (q == NULL)
        return NULL;
    memcpy(q, p, old_size < size ? old_size : size);
    t->a.free(t->a.self, p);
    return q;
}

const char *ra_track_error_str(ra_track_error kind)
{
    switch (kind) {
    case RA_TRACK_DOUBLE_FREE: return "double free";
    case RA_TRACK_INVALID_FREE: return "invalid free";
    case RA_TRACK_TABLE_FULL: return "tracker table full";
    case RA_TRACK_DUPLICATE: return "allocator returned a live block";
    }
    return "unknown tracker error";
}

static void report(const ra_track *t, ra_track_error kind, const char *op, const void *ptr,
                   const char *tag, const ra_track_freed *prior)
{
    ra_track_problem pb = { kind, op, ptr, tag, NULL, NULL, 0 };
    if (prior != NULL) {
        pb.alloc_tag = prior->alloc_tag;
        pb.free_tag = prior->free_tag;
        pb.size = prior->size;
    }
    if (t->on_error != NULL) {
        t->on_error(t, &pb, t->on_error_ctx);
        return;
    }
    fprintf(stderr, "refalloc track(%s): %s: %s(%p) at %s", t->a.name ? t->a.name : "?",
            ra_track_error_str(kind), op, ptr, tag ? tag : "?");
    if (prior != NULL)
        fprintf(stderr, " (block of %zu bytes allocated at %s, already freed at %s)", pb.size,
                pb.alloc_tag ? pb.alloc_tag : "?", pb.free_tag ? pb.free_tag : "?");
    fputc('\n', stderr);
    abort();
}

size_t ra_track_each(const ra_track *t, void (*fn)(const ra_track_entry *e, void *ctx), void *ctx)
{
    size_t n = 0;
    for (size_t j = 0; j < t->capacity; j++) {
        if (t->entries[j].ptr == NULL)
            continue;
        n++;
        if (fn != NULL)
            fn(&t->entries[j], ctx);
    }
    return n;
}

size_t ra_track_report(const ra_track *t, FILE *out)
{
    size_t n = 0, bytes = 0;
    for (size_t j = 0; j < t->capacity; j++)
        if (t->entries[j].ptr != NULL) {
            n++;
            bytes += t->entries[j].size;
        }
    const char *name = t->a.name ? t->a.name : "?";
    if (n == 0) {
        fprintf(out, "track(%s): no leaks\n", name);
        return 0;
    }
    fprintf(out, "track(%s): %zu leaked block%s, %zu bytes\n", name, n, n == 1 ? "" : "s", bytes);
    for (size_t j = 0; j < t->capacity; j++)
        if (t->entries[j].ptr != NULL)
            fprintf(out, "  leak: %zu bytes at %p allocated at %s\n", t->entries[j].size,
                    t->entries[j].ptr, t->entries[j].tag ? t->entries[j].tag : "?");
    return n;
}

static void *sys_malloc(void *self, size_t size)
{
    (void)self;
    return malloc(size);
}
static void sys_free(void *self, void *p)
{
    (void)self;
    free(p);
}
static void *sys_realloc(void *self, void *p, size_t size)
{
    (void)self;
    return realloc(p, size);
}

ra_track_allocator ra_track_system_allocator(void)
{
    ra_track_allocator a = { sys_malloc, sys_free, sys_realloc, NULL, "system" };
    return a;
}

static void *heap_malloc(void *self, size_t size)
{
    return ra_heap_malloc((ra_heap *)self, size);
}
static void heap_free(void *self, void *p)
{
    ra_heap_free((ra_heap *)self, p);
}
static void *heap_realloc(void *self, void *p, size_t size)
{
    return ra_heap_realloc((ra_heap *)self, p, size);
}

static void *tr_malloc(void *self, size_t size)
{
    ra_track *t = self;
    return ra_track_malloc(t, size, t->adapter_tag ? t->adapter_tag : "ra_track_as_allocator");
}
static void tr_free(void *self, void *p)
{
    ra_track *t = self;
    ra_track_free(t, p, t->adapter_tag ? t->adapter_tag : "ra_track_as_allocator");
}
static void *tr_realloc(void *self, void *p, size_t size)
{
    ra_track *t = self;
    return ra_track_realloc(t, p, size, t->adapter_tag ? t->adapter_tag : "ra_track_as_allocator");
}

ra_track_allocator ra_track_as_allocator(ra_track *t, const char *tag)
{
    t->adapter_tag = tag;
    ra_track_allocator a = { tr_malloc, tr_free, tr_realloc, t, "tracker" };
    return a;
}

ra_track_allocator ra_track_heap_allocator(ra_heap *h)
{
    ra_track_allocator a = { heap_malloc, heap_free, heap_realloc, h, "refalloc heap" };
    return a;
}
#endif
