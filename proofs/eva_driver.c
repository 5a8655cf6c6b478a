/* Eva driver (make eva): every public entry point of heap, pool, layout, rc, track and stack
 * (and, in eva_shim.c, of the malloc shim) with abstract inputs, including the glue WP does not
 * see: the heap's bit scans and address helpers, pool and heap init carving metadata out of a
 * char buffer, the pointer/integer conversions, the allocator tables and handlers of rc and
 * track, the default error reports. Compiled only by Frama-C, with proofs/eva_heap.c,
 * eva_rc.c, eva_track.c, eva_stack.c (those modules as the compilers see them), ref/pool.c,
 * ref/layout.c and proofs/eva_shim.c.
 *
 * Shape: each part sets a module up over small buffers (small constants keep Eva's states exact),
 * then runs EVA_STEPS operations, each chosen among a list of actions (entry point with a size
 * class, an alignment, or a pointer among held live or freed blocks, interior, foreign and NULL
 * ones). Eva follows each action in a state of its own (//@ split) and merges them before the next
 * step (//@ merge): states that differ stay apart up to the slevel. Within an action the sizes are
 * intervals. Bad pointers and handles go to a counting handler (the call returns); the default
 * handler (print and abort) is reached once per module. Every call respects the caller's
 * obligations of the module's header, so an alarm is either a runtime error reachable through the
 * API or imprecision; proofs/README.md (section Eva) lists those that remain. */
#include "__fc_builtin.h"
#include <stdio.h>
#include <stdlib.h>
#include "heap.h"
#include "layout.h"
#include "pool.h"
#include "rc.h"
#include "stack.h"
#include "track.h"

/* track.h declares these only without __FRAMAC__ (they are outside WP's proof). */
size_t ra_track_each(const ra_track *t, void (*fn)(const ra_track_entry *e, void *ctx), void *ctx);
size_t ra_track_report(const ra_track *t, FILE *out);
ra_track_allocator ra_track_as_allocator(ra_track *t, const char *tag);
const char *ra_track_error_str(ra_track_error kind);

void eva_shim(void);

#ifndef EVA_STEPS
#define EVA_STEPS 2 /* operations per sequence (make eva sets it) */
#endif
#define EVA_UNITS 8 /* heap arena units (16 bytes each) */

static int reports; /* bad pointers and handles seen by the counting handlers */

static size_t any_size(void)
{
    return Frama_C_nondet(0, 1) ? (size_t)Frama_C_interval(0, 100)
                                : (size_t)Frama_C_unsigned_long_interval(0, SIZE_MAX);
}

/* ---- caller memory at a fixed address ------------------------------------------------------ */

/* The modules reduce the address of the caller's buffer modulo an alignment: pool (where the
 * metadata and block 0 go), the heap (init's alignment check, aligned_alloc's leading gap), the
 * stack (base_mod). Eva knows nothing of a C object's address modulo anything, so over a C array
 * those values are arbitrary (garbled pointers, misaligned metadata, every gap). The buffers
 * therefore sit in one range at a fixed page-aligned address, EVA_MEM (make eva declares exactly
 * these EVA_MEM_BYTES bytes valid with -absolute-valid-range), as mmap or a linker script would
 * place them; the parts run one after the other and reuse it. Accesses beyond the range are
 * alarms as for an array; each buffer ends at the range's end, so an overflow past a buffer's
 * end is caught (an underflow into the unused front would not be). */
#define EVA_MEM ((unsigned char *)0x05000000)
#define EVA_MEM_BYTES 4096

/* ---- pool ---------------------------------------------------------------------------------- */

static uint32_t fi[16], ps[16];

static void count_pool(const ra_pool *p, const char *op, const void *ptr, const char *why,
                       void *ctx)
{
    (void)p; (void)op; (void)ptr; (void)why; (void)ctx;
    reports++;
}

/* The queries (but check) take a const pool: each on a path of its own, as for rc_queries. */
static void pool_queries(const ra_pool *p, void *b)
{
    switch (Frama_C_interval(0, 5)) {
    case 0: (void)ra_pool_owns(p, b); break;
    case 1: (void)ra_pool_live(p); break;
    case 2: (void)ra_pool_free_count(p); break;
    case 3: (void)ra_pool_capacity(p); break;
    case 4: (void)ra_pool_block_size(p); break;
    default: break;
    }
}

/* One pool carved from the front of a buffer, in configuration c (split by the caller): start
 * 0 or 3 bytes into the range, too small or 600 bytes, blocks of 1 or 100 bytes aligned to 1 or
 * 64; then every entry point once, bad pointers included. */
static void pool_carved(int c)
{
    ra_pool p;
    char *buf = (char *)EVA_MEM + (c & 1 ? 3 : 0);
    size_t bytes = c & 2 ? 600 : 20;
    size_t size = c & 4 ? 100 : 1;
    size_t align = c & 8 ? 64 : 1;
    (void)ra_pool_capacity_for(buf, bytes, size, align);
    if (ra_pool_init(&p, buf, bytes, size, align) != RA_POOL_OK)
        return;
    ra_pool_set_error_handler(&p, count_pool, NULL);
    void *a = ra_pool_alloc(&p);
    void *b = ra_pool_alloc(&p);
    ra_pool_free(&p, a);
    ra_pool_free(&p, a);                 /* double free (or NULL): reported */
    ra_pool_free(&p, buf + 1);           /* metadata: reported */
    if (b != NULL)
        ra_pool_free(&p, (char *)b + 1); /* interior: reported */
    (void)ra_pool_check(&p);
    ra_pool_reset(&p);
    ra_pool_free(&p, NULL);
    pool_queries(&p, b);
}

/* A pool over fi/ps and blocks at the end of the range: 1 or 16 blocks of 1 .. 24 bytes (any
 * size), aligned to 1 or 16; then EVA_STEPS operations, each chosen among alloc, free of a held
 * block (live or already freed), of an interior or a foreign pointer or NULL, owns and check,
 * the counts, reset. */
static void pool_split(int c)
{
    ra_pool p;
    char *blocks = (char *)EVA_MEM + EVA_MEM_BYTES - 1024;
    void *held[2] = { NULL, NULL };
    int local;
    if (ra_pool_init_split(&p, fi, ps, c & 1 ? 16 : 1, blocks, 1024,
                           (size_t)Frama_C_interval(1, 24), c & 2 ? 16 : 1) != RA_POOL_OK)
        return;
    ra_pool_set_error_handler(&p, count_pool, NULL);
    int a = 0;
    for (int i = 0; i < EVA_STEPS; i++) {
        //@ merge a;
        a = Frama_C_interval(0, 9);
        //@ split a;
        switch (a) {
        case 0: case 1: held[a] = ra_pool_alloc(&p); break;
        case 2: case 3: ra_pool_free(&p, held[a - 2]); break;
        case 4: ra_pool_free(&p, blocks + Frama_C_interval(1, 15)); break; /* interior of 0 */
        case 5: ra_pool_free(&p, &local); break;
        case 6: ra_pool_free(&p, NULL); break;
        case 7: (void)ra_pool_check(&p); break;
        case 8: pool_queries(&p, held[0]); break;
        default:
            ra_pool_reset(&p);
            held[0] = held[1] = NULL;
            break;
        }
    }
    if (Frama_C_nondet(0, 1)) {
        ra_pool_set_error_handler(&p, NULL, NULL);
        ra_pool_free(&p, &local); /* the default report (prints, aborts) */
    }
}

void eva_pool(void)
{
    ra_pool p;
    char *buf = (char *)EVA_MEM;
    /* Argument errors: NULLs, block size 0 or overflowing with its alignment, alignment 0 or
     * not a power of two, a buffer too small for one block. */
    (void)ra_pool_capacity_for(NULL, 64, 16, 8);
    (void)ra_pool_init(NULL, buf, 64, 16, 8);
    (void)ra_pool_init(&p, NULL, 64, 16, 8);
    (void)ra_pool_init(&p, buf, 64, 0, 8);
    (void)ra_pool_init(&p, buf, 64, SIZE_MAX - (size_t)Frama_C_interval(0, 6), 8);
    (void)ra_pool_init(&p, buf, 64, SIZE_MAX - 7, 8);
    (void)ra_pool_init(&p, buf, 64, 16, (size_t)Frama_C_nondet(0, Frama_C_nondet(3, 48)));
    (void)ra_pool_init_split(&p, NULL, ps, 16, buf, 64, 16, 8);
    (void)ra_pool_init_split(&p, fi, ps, 0, buf, 64, 16, 8);
    (void)ra_pool_init_split(&p, fi, ps, 16, buf + 1, 7, 16, 8);
    (void)ra_pool_check(NULL);
    (void)ra_pool_status_str((ra_pool_status)Frama_C_interval(0, 9));

    int c = Frama_C_interval(0, 15);
    //@ split c;
    pool_carved(c);
    //@ merge c;
    c = Frama_C_interval(0, 3);
    //@ split c;
    pool_split(c);
    //@ merge c;
}

/* ---- layout -------------------------------------------------------------------------------- */

void eva_layout(void)
{
    ra_layout a, b, out;
    size_t offset;
    a.size = any_size();
    a.align = any_size();
    b.size = any_size();
    b.align = (size_t)1 << Frama_C_interval(0, 63);
    (void)ra_layout_align_ok(a.align);
    (void)ra_layout_is_valid(a);
    (void)ra_layout_new(a.size, a.align, &out);
    (void)ra_layout_array(b, any_size(), &out);
    (void)ra_layout_extend(a, b, &out, &offset);
    (void)ra_layout_extend(b, b, &out, NULL);
    (void)ra_layout_pad_to_align(b);
    (void)ra_layout_padding_needed_for(a, b.align);
    ra_layout_struct_builder s;
    (void)ra_layout_struct_begin(&s, (unsigned)Frama_C_interval(0, 1), any_size());
    (void)ra_layout_struct_field(&s, a, any_size(), &offset);
    (void)ra_layout_struct_field(&s, b, 0, NULL);
    (void)ra_layout_struct_end(&s, &out);
    (void)ra_layout_status_str((ra_layout_status)Frama_C_interval(0, 5));
}

/* ---- heap ---------------------------------------------------------------------------------- */

/* The heap's arena is the last EVA_ARENA_BYTES of EVA_MEM. ra_heap_init carves (units + 1)
 * records and units of user space from it (32 * units + 16 bytes); with the metadata apart
 * (hmeta), the user space is the last EVA_UNITS * 16 bytes. */
#define EVA_ARENA_BYTES (32 * EVA_UNITS + 16)
#define EVA_ARENA (EVA_MEM + EVA_MEM_BYTES - EVA_ARENA_BYTES)
static ra_heap_unit hmeta[EVA_UNITS + 1];
#define harena (EVA_MEM + EVA_MEM_BYTES - EVA_UNITS * 16)

static void count_heap(const ra_heap *h, const char *op, const void *ptr, const char *why,
                       void *ctx)
{
    (void)h; (void)op; (void)ptr; (void)why; (void)ctx;
    reports++;
}

/* A request of class c: 0 bytes, 1, 2 or 3 units (any byte count in them), 41 units (more than
 * the arena, and a size class above the exact ones), more units than any heap can have, or
 * above PTRDIFF_MAX. Each class gives one block shape: the actions below keep them in states of
 * their own, since a join of block shapes is what Eva cannot carry (nor the relation between
 * the class of a request and the bitmap bits of find_fit). */
#define HEAP_SIZES 7
static size_t heap_req(int c)
{
    switch (c) {
    case 0: return 0;
    case 1: return (size_t)Frama_C_interval(1, 16);
    case 2: return (size_t)Frama_C_interval(17, 32);
    case 3: return (size_t)Frama_C_interval(33, 48);
    case 4: return (size_t)Frama_C_interval(40 * 16 + 1, 41 * 16);
    case 5: return (size_t)Frama_C_unsigned_long_interval((size_t)1 << 35, PTRDIFF_MAX);
    default: return (size_t)Frama_C_unsigned_long_interval((size_t)PTRDIFF_MAX + 1u, SIZE_MAX);
    }
}

/* A pointer for free/realloc/usable_size/owns: one of the two blocks we hold (live, freed, or
 * NULL), a pointer inside the first, one below the user space (into the metadata in the carved
 * shape), a foreign object, or NULL. */
#define HEAP_PTRS 6
static void *heap_ptr(int c, void *const held[2], void *foreign)
{
    switch (c) {
    case 0: return held[0];
    case 1: return held[1];
    case 2: return held[0] == NULL ? NULL : (unsigned char *)held[0] + Frama_C_interval(1, 15);
    case 3: return EVA_ARENA + 8;
    case 4: return foreign;
    default: return NULL;
    }
}

/* One operation: action a (of HEAP_ACTIONS) names the entry point and its size class,
 * alignment or pointer; allocations store into held[slot]. ra_heap_reset is the last action. */
#define HEAP_ALIGNS 3
#define HEAP_ACTIONS (HEAP_SIZES + 2 + 2 * HEAP_ALIGNS + 1 + 2 * HEAP_PTRS + 2 * 4 + 2 + 1 + 3 + 1)
static void heap_act(ra_heap *h, int a, void *held[2], int slot)
{
    static const size_t aligns[HEAP_ALIGNS] = { 8, 32, 256 };
    static const int realloc_sizes[4] = { 0, 1, 3, 4 };
    int local;
    ra_heap_stats st;
    size_t where;
    if (a < HEAP_SIZES) {
        held[slot] = ra_heap_malloc(h, heap_req(a));
        return;
    }
    a -= HEAP_SIZES;
    if (a < 2) { /* two units, or a product that overflows */
        held[slot] = a == 0 ? ra_heap_calloc(h, 1, heap_req(2))
                            : ra_heap_calloc(h, SIZE_MAX / 2, 3);
        return;
    }
    a -= 2;
    if (a < 2 * HEAP_ALIGNS) { /* 8 takes malloc's path; 32 and 256 cut a leading gap */
        held[slot] = ra_heap_aligned_alloc(h, aligns[a % HEAP_ALIGNS],
                                           heap_req(1 + a / HEAP_ALIGNS));
        return;
    }
    a -= 2 * HEAP_ALIGNS;
    if (a < 1) { /* EINVAL (0, not a power of two) or ENOMEM (the gap exceeds any arena) */
        held[slot] = ra_heap_aligned_alloc(h, Frama_C_nondet(0, 1) ? (size_t)Frama_C_nondet(0, 48)
                                                                   : (size_t)1 << 40,
                                           heap_req(1));
        return;
    }
    a -= 1;
    if (a < 2 * HEAP_PTRS) {
        void *p = heap_ptr(a % HEAP_PTRS, held, &local);
        if (a < HEAP_PTRS) {
            ra_heap_free(h, p);
        } else {
            (void)ra_heap_usable_size(h, p);
            (void)ra_heap_owns(h, p);
        }
        return;
    }
    a -= 2 * HEAP_PTRS;
    if (a < 2 * 4) { /* a held block (live, freed or NULL) to 0 bytes (free), 1 or 3 units (in
                      * place or moved) or beyond the arena */
        void *q = ra_heap_realloc(h, held[a % 2], heap_req(realloc_sizes[a / 2]));
        if (q != NULL || a / 2 == 0)
            held[a % 2] = q;
        return;
    }
    a -= 2 * 4;
    if (a < 2) { /* an interior pointer (reported) or a foreign one */
        (void)ra_heap_realloc(h, heap_ptr(a == 0 ? 2 : 4, held, &local), heap_req(1));
        return;
    }
    a -= 2;
    if (a < 1) {
        ra_heap_stats_get(h, &st);
        (void)ra_heap_check(h, (unsigned)Frama_C_interval(0, 1),
                            Frama_C_nondet(0, 1) ? &where : NULL);
        return;
    }
    a -= 1;
    if (a < 3) { /* extend by a unit, by nothing, or by a size that is not a unit multiple */
        (void)ra_heap_extend(h, a == 0 ? 16 : a == 1 ? 0 : 24);
        return;
    }
    ra_heap_reset(h);
    held[0] = held[1] = NULL;
}

/* EVA_STEPS operations, each chosen among the HEAP_ACTIONS (reset in the first step only: it is
 * the costliest for Eva). Eva follows each action in a state of its own (split) and merges them
 * before the next step (merge): heaps that differ stay apart up to the slevel. The allocations
 * of step i go to held[i % 2]. */
static void heap_ops(ra_heap *h)
{
    void *held[2] = { NULL, NULL };
    int a = 0;
    for (int i = 0; i < EVA_STEPS; i++) {
        //@ merge a;
        a = Frama_C_interval(0, HEAP_ACTIONS - 1 - (i > 0));
        //@ split a;
        heap_act(h, a, held, i % 2);
    }
}

void eva_heap(void)
{
    ra_heap h;
    ra_status st;
    (void)ra_heap_meta_bytes((size_t)Frama_C_unsigned_long_interval(0, 0x0ffffffffffffffe));
    (void)ra_heap_class_round((size_t)Frama_C_unsigned_long_interval(0, SIZE_MAX));
    (void)ra_status_str((ra_status)Frama_C_interval(0, 15));
    (void)ra_heap_owns(NULL, EVA_ARENA);
    (void)ra_heap_init(NULL, EVA_ARENA, EVA_ARENA_BYTES);
    (void)ra_heap_init(&h, NULL, EVA_ARENA_BYTES);
    (void)ra_heap_init(&h, EVA_ARENA + Frama_C_interval(1, 15), EVA_ARENA_BYTES - 16);
    (void)ra_heap_init(&h, EVA_ARENA, (size_t)Frama_C_interval(0, 47));
    (void)ra_heap_init_split(NULL, hmeta, EVA_UNITS, false, harena, EVA_UNITS * 16);
    (void)ra_heap_init_split(&h, NULL, EVA_UNITS, false, harena, EVA_UNITS * 16);
    (void)ra_heap_init_split(&h, hmeta, EVA_UNITS, false, NULL, EVA_UNITS * 16);
    (void)ra_heap_init_split(&h, hmeta, EVA_UNITS - 1, false, harena + 8, EVA_UNITS * 16 - 16);
    (void)ra_heap_init_split(&h, hmeta, (size_t)Frama_C_interval(0, EVA_UNITS), false, harena,
                             (size_t)Frama_C_interval(0, EVA_UNITS * 16));

    /* The metadata carved from the arena's front, or apart with half of the capacity in use
     * (the rest for ra_heap_extend) and records zeroed by the caller or not. */
    int shape = Frama_C_interval(0, 1);
    //@ split shape;
    if (shape == 0)
        st = ra_heap_init(&h, EVA_ARENA, EVA_ARENA_BYTES);
    else
        st = ra_heap_init_split(&h, hmeta, EVA_UNITS, Frama_C_nondet(0, 1), harena,
                                EVA_UNITS * 8);
    if (st != RA_OK)
        return;
    ra_heap_set_error_handler(&h, count_heap, NULL);
    heap_ops(&h);
    if (Frama_C_nondet(0, 1)) {
        ra_heap_set_error_handler(&h, NULL, NULL);
        ra_heap_free(&h, EVA_ARENA + 1); /* the default report (prints, aborts) */
    }
}

/* ---- rc ------------------------------------------------------------------------------------ */

static ra_rc_slot slots[4];
/* The heap rc allocates from: 16 units at the end of EVA_MEM, as the heap part's (see above: over
 * a C array the heap's alignment arithmetic is arbitrary for Eva). */
#define RC_ARENA_BYTES (32 * 16 + 16)
#define rc_arena (EVA_MEM + EVA_MEM_BYTES - RC_ARENA_BYTES)

static void count_rc(const ra_rc_table *t, const char *op, const char *reason, void *ctx)
{
    (void)t; (void)op; (void)reason; (void)ctx;
    reports++;
}

/* A destructor that follows the protocol of rc.h: it may drop the weak handle it was given (to
 * its own box or another) and use its payload (a write: new leaves the payload uninitialised). */
typedef struct {
    ra_rc_table *t;
    ra_rc_weak w;
    int runs;
} dtor_ctx;

static void dtor(void *payload, void *ctx)
{
    dtor_ctx *c = ctx;
    /* new always passes a context; Eva's slots pair this destructor with the NULL context of
     * a slot never used (its values are joined field by field, not per slot). */
    if (c == NULL)
        return;
    c->runs++;
    if (payload != NULL)
        *(volatile unsigned char *)payload = 1;
    if (!ra_rc_weak_is_nil(c->w)) {
        ra_rc_weak_drop(c->t, c->w);
        c->w = RA_RC_WEAK_NIL;
    }
}

/* The queries take a const table, hence require rc_inv_read (Frama-C reads \valid(t) of a
 * pointer to const as false: with rc_inv Eva stopped at each of them). Each is reached once, on
 * a path of its own. */
static void rc_queries(const ra_rc_table *t, ra_rc x, ra_rc_weak y)
{
    (void)ra_rc_is_nil(x);
    (void)ra_rc_weak_is_nil(y);
    switch (Frama_C_interval(0, 4)) {
    case 0: (void)ra_rc_strong_count(t, x); break;
    case 1: (void)ra_rc_weak_count(t, x); break;
    case 2: (void)ra_rc_weak_strong_count(t, y); break;
    case 3: (void)ra_rc_live(t); break;
    default: break;
    }
}

/* A strong handle: one we hold, the same with a stale generation, any slot, or nil. "Any slot"
 * stays inside slots[] (it may still be at or above the capacity): Eva does not carry strong_live's
 * slot < capacity back to the caller, so a slot beyond the array would read out of bounds
 * (false alarms). Nil is the slot far out of range. */
static ra_rc rc_handle(int c, ra_rc held)
{
    ra_rc r = held;
    switch (c) {
    case 0: break;
    case 1: r.gen++; break;
    case 2: r.slot = (uint32_t)Frama_C_interval(0, 3); break;
    default: r = RA_RC_NIL; break;
    }
    return r;
}

/* EVA_STEPS operations, each chosen (split) among new (with or without a destructor, sizes the
 * allocator serves or not), get, clone, drop, downgrade, upgrade, weak_drop on a handle we
 * hold or a bad one, the counts, the limit and the handler. */
#define RC_ACTIONS 33
static void rc_ops(ra_rc_table *t)
{
    ra_rc r[2] = { RA_RC_NIL_INIT, RA_RC_NIL_INIT };
    ra_rc_weak w[2] = { RA_RC_NIL_INIT, RA_RC_NIL_INIT };
    dtor_ctx c = { t, RA_RC_NIL_INIT, 0 };
    int a = 0;
    ra_rc x = RA_RC_NIL_INIT;
    for (int i = 0; i < EVA_STEPS; i++) {
        //@ merge a;
        //@ merge x.slot == RA_RC_NONE;
        a = Frama_C_interval(0, RC_ACTIONS - 1);
        int k = i % 2;
        ra_rc_weak y;
        //@ split a;
        x = rc_handle(a % 4, r[a / 4 % 2]);
        /* A held handle is nil in the states where new failed; the merge joined them with those
         * where it succeeded, and Eva does not carry strong_live's slot < capacity back to
         * get and drop (false out-of-bounds alarms): keep nil apart. */
        //@ split x.slot == RA_RC_NONE;
        y = w[a / 4 % 2];
        if (a % 4 == 1)
            y.gen++;
        switch (a / 8) {
        case 0: /* a % 8: new with or without a destructor, of 1..16 bytes or too large */
            r[k] = ra_rc_new(t, a % 2 ? (size_t)Frama_C_interval(1, 16) : SIZE_MAX,
                             a / 2 % 2 ? dtor : NULL, &c);
            break;
        case 1:
            if (a % 2) {
                r[k] = ra_rc_clone(t, x);
            } else {
                (void)ra_rc_get(t, x);
            }
            break;
        case 2:
            if (a % 2) {
                w[k] = ra_rc_downgrade(t, x);
                c.w = ra_rc_downgrade(t, x); /* a weak handle for the destructor to drop */
            } else {
                ra_rc_drop(t, x);
            }
            break;
        case 3:
            if (a % 2) {
                r[k] = ra_rc_upgrade(t, y);
            } else {
                ra_rc_weak_drop(t, y);
            }
            break;
        default: /* a == 32 */
            ra_rc_set_limit(t, Frama_C_nondet(0, 1) ? (uint32_t)Frama_C_interval(0, 3)
                                                    : Frama_C_unsigned_int_interval(0, UINT32_MAX));
            break;
        }
    }
    /* Through a const pointer (see rc_queries) */
    rc_queries(t, rc_handle(Frama_C_interval(0, 3), r[0]), w[0]);
}

/* ---- track --------------------------------------------------------------------------------- */

static ra_track_entry entries[8];
static ra_track_entry rc_entries[8];

static void count_track(const ra_track *t, const ra_track_problem *p, void *ctx)
{
    (void)t; (void)p; (void)ctx;
    reports++;
}

static void each_entry(const ra_track_entry *e, void *ctx)
{
    (void)e;
    (*(size_t *)ctx)++;
}

/* An allocator at fixed addresses: FIXED_BLOCKS blocks of FIXED_BYTES at the front of EVA_MEM,
 * each handed out once (free does nothing; realloc resizes in place). track hashes block
 * addresses (home): the address of a block of the C library's malloc is no number for Eva, so
 * the hash is a garbled mix and every table access an alarm (with home read from its contract
 * instead, any entry may hold any block: 16 false alarms). Here the addresses are numbers and
 * the table is followed exactly. */
#define FIXED_BLOCKS 8
#define FIXED_BYTES 256
#define FIXED_FOREIGN (EVA_MEM + EVA_MEM_BYTES - 8) /* past the blocks: never one of them */
static int fixed_next;
static void *fixed_malloc(void *self, size_t size)
{
    (void)self;
    if (size > FIXED_BYTES || fixed_next == FIXED_BLOCKS)
        return NULL;
    return EVA_MEM + FIXED_BYTES * fixed_next++;
}
static void fixed_free(void *self, void *p) { (void)self; (void)p; }
static void *fixed_realloc(void *self, void *p, size_t size)
{
    (void)self;
    return size > FIXED_BYTES ? NULL : p;
}

/* The queries take a const tracker: each on a path of its own, as for rc_queries. */
static void track_queries(const ra_track *t, void *p)
{
    size_t n = 0;
    (void)ra_track_each(t, Frama_C_nondet(0, 1) ? each_entry : NULL, &n);
    (void)ra_track_report(t, stdout);
    switch (Frama_C_interval(0, 5)) {
    case 0: (void)ra_track_find(t, p); break;
    case 1: (void)ra_track_live_count(t); break;
    case 2: (void)ra_track_live_bytes(t); break;
    case 3: (void)ra_track_error_count(t); break;
    case 4: (void)ra_track_check(t); break;
    default: break;
    }
}

/* EVA_STEPS operations, each chosen (split) among malloc (a size or one the allocator refuses),
 * free and realloc of a block we hold (live or freed), of a pointer inside it, of a foreign one
 * or of NULL. Then the queries. */
#define TRACK_ACTIONS (2 + 2 * 5)
static void track_ops(ra_track *t)
{
    void *held[2] = { NULL, NULL };
    int a = 0;
    for (int i = 0; i < EVA_STEPS; i++) {
        //@ merge a;
        a = Frama_C_interval(0, TRACK_ACTIONS - 1);
        void *p;
        const char *tag = Frama_C_nondet(0, 1) ? RA_TRACK_HERE : NULL;
        //@ split a;
        if (a < 2) {
            held[i % 2] = ra_track_malloc(t, a ? (size_t)Frama_C_interval(0, 200) : SIZE_MAX, tag);
        } else {
            a -= 2;
            switch (a / 2) {
            case 0: p = held[0]; break;
            case 1: p = held[1]; break;
            case 2:
                p = held[0] == NULL ? NULL : (unsigned char *)held[0] + Frama_C_interval(1, 15);
                break;
            case 3: p = FIXED_FOREIGN; break;
            default: p = NULL; break;
            }
            if (a % 2) {
                void *q = ra_track_realloc(t, p, (size_t)Frama_C_interval(0, 200), tag);
                if (q != NULL && a / 2 < 2)
                    held[a / 2] = q;
            } else {
                ra_track_free(t, p, tag);
            }
            a += 2;
        }
    }
    track_queries(t, held[0]);
}

/* A tracker over allocator a, then the operations. One call per allocator (eva_track), each a
 * callstack of its own: Eva never joins two allocators' states (as rc_run). */
static void track_run(ra_track *t, ra_track_allocator a)
{
    /* Each capacity in a state of its own: the hash is taken modulo the capacity, and over a
     * range of capacities Eva cannot tell whether two indices are equal (a false alarm). */
    size_t cap = (size_t)Frama_C_interval(2, 8);
    //@ split cap;
    if (!ra_track_init(t, a, entries, cap))
        return;
    ra_track_set_error_handler(t, count_track, NULL);
    track_ops(t);
    if (Frama_C_nondet(0, 1)) {
        ra_track_set_error_handler(t, NULL, NULL);
        ra_track_free(t, FIXED_FOREIGN, "eva"); /* the default report (prints, aborts) */
    }
}

/* The tracker over the fixed allocator, with its realloc or without (track then mallocs, copies
 * and frees). Not over the heap: track's sizes are intervals, and the heap cannot be followed
 * through a join of block shapes (see the heap part): 5 false alarms in the heap. rc runs over
 * the heap and the system allocator, and the track_model fuzzer (replayed under E-ACSL too) runs
 * track over the heap. */
void eva_track(void)
{
    ra_track t;
    ra_track_allocator fixed = { fixed_malloc, fixed_free, fixed_realloc, NULL, "fixed" };
    ra_track_allocator none = { NULL, fixed_free, NULL, NULL, "none" };
    (void)ra_track_init(&t, none, entries, 8);
    (void)ra_track_init(&t, fixed, entries, (size_t)Frama_C_interval(0, 1));
    (void)ra_track_error_str((ra_track_error)Frama_C_interval(0, 5));

    fixed_next = 0;
    if (Frama_C_nondet(0, 1)) {
        track_run(&t, fixed);
    } else {
        fixed.realloc = NULL;
        track_run(&t, fixed);
    }
}

/* The operations on a table set up by one of eva_rc's three calls. Each call is a callstack of
 * its own, so Eva never joins two allocator tables (a join pairs one allocator's functions with
 * another's state). */
static void rc_run(ra_rc_table *t, bool ok)
{
    if (!ok)
        return;
    ra_rc_set_error_handler(t, count_rc, NULL);
    rc_ops(t);
    if (Frama_C_nondet(0, 1)) {
        ra_rc_set_error_handler(t, NULL, NULL);
        ra_rc_drop(t, RA_RC_NIL); /* the default report (prints, aborts) */
    }
}

/* rc over the heap (ra_rc_init), over the system allocator, or over a tracker wrapping it
 * (ra_track_as_allocator: the leak-finding setup of rc.h). */
void eva_rc(void)
{
    ra_rc_table t;
    ra_heap h;
    ra_track tr;
    uint32_t cap = (uint32_t)Frama_C_interval(1, 4);
    switch (Frama_C_interval(0, 2)) {
    case 0:
        if (ra_heap_init(&h, rc_arena, RC_ARENA_BYTES) != RA_OK)
            return;
        rc_run(&t, ra_rc_init(&t, Frama_C_nondet(0, 1) ? &h : NULL, slots, cap));
        break;
    case 1:
        rc_run(&t, ra_rc_init_with(&t, ra_track_system_allocator(), slots, cap));
        break;
    default:
        fixed_next = 0;
        if (!ra_track_init(&tr, (ra_track_allocator){ fixed_malloc, fixed_free, fixed_realloc,
                                                     NULL, "fixed" }, rc_entries, 8))
            return;
        ra_track_set_error_handler(&tr, count_track, NULL);
        rc_run(&t, ra_rc_init_with(&t, ra_track_as_allocator(&tr, RA_TRACK_HERE), slots, cap));
        break;
    }
}

/* ---- stack --------------------------------------------------------------------------------- */

#define sbuf ((char *)EVA_MEM + EVA_MEM_BYTES - 256)
static ra_stack_frame frames[4];

static void count_stack(const ra_stack *s, const char *op, const void *ptr, const char *reason,
                        void *ctx)
{
    (void)s; (void)op; (void)ptr; (void)reason; (void)ctx;
    reports++;
}

/* The queries take a const stack: each on a path of its own, as for rc_queries. */
static void stack_queries(const ra_stack *s)
{
    switch (Frama_C_interval(0, 4)) {
    case 0: (void)ra_stack_mark_get(s); break;
    case 1: (void)ra_stack_used(s); break;
    case 2: (void)ra_stack_count(s); break;
    case 3: (void)ra_stack_peak(s); break;
    default: break;
    }
}

/* A stack over 0 .. 240 bytes at 0 .. 16 bytes past a page boundary, 1 .. 4 frames; then
 * EVA_STEPS operations, each chosen (split) among push (sizes that fit or not, alignments in
 * range, out of range or not powers of two), pop of the last block, of an older one, of a pointer
 * inside the buffer or of NULL, release of a mark taken at some point, of a stale or forged one. */
#define STACK_ACTIONS 12
void eva_stack(void)
{
    ra_stack s;
    size_t off = (size_t)Frama_C_interval(0, 16);
    size_t bytes = (size_t)Frama_C_interval(0, 256 - 16);
    size_t nframes = (size_t)Frama_C_interval(0, 4);
    if (!ra_stack_init(&s, sbuf + off, bytes, frames, nframes))
        return;
    ra_stack_set_error_handler(&s, count_stack, NULL);
    void *held[2] = { NULL, NULL };
    ra_stack_mark m[2] = { { 0, 0 }, { 0, 0 } };
    int a = 0;
    for (int i = 0; i < EVA_STEPS; i++) {
        //@ merge a;
        a = Frama_C_interval(0, STACK_ACTIONS - 1);
        //@ split a;
        switch (a) {
        case 0: case 1: case 2: case 3: { /* sizes 0 .. 64, or any; alignments 1 .. 8192 */
            size_t align = a % 2 ? (size_t)1 << Frama_C_interval(0, 13)
                                 : (size_t)Frama_C_interval(0, 100);
            held[i % 2] = ra_stack_push(&s, a < 2 ? (size_t)Frama_C_interval(0, 64) : any_size(),
                                        align);
            break;
        }
        case 4: case 5: (void)ra_stack_pop(&s, held[a - 4]); break;
        case 6: (void)ra_stack_pop(&s, sbuf + Frama_C_interval(0, 255)); break;
        case 7: (void)ra_stack_pop(&s, NULL); break;
        case 8: m[i % 2] = ra_stack_mark_get(&s); break;
        case 9: case 10: (void)ra_stack_release(&s, m[a - 9]); break;
        default: {
            ra_stack_mark f = { (size_t)Frama_C_interval(0, 300), (size_t)Frama_C_interval(0, 5) };
            (void)ra_stack_release(&s, f);
            break;
        }
        }
    }
    stack_queries(&s);
    if (Frama_C_nondet(0, 1)) {
        ra_stack_fini(&s);
        return;
    }
    ra_stack_set_error_handler(&s, NULL, NULL);
    (void)ra_stack_pop(&s, NULL); /* the default report (prints, aborts) */
}

void eva_main(void)
{
    eva_pool();
    eva_layout();
    eva_heap();
    eva_rc();
    eva_track();
    eva_stack();
    eva_shim();
}
