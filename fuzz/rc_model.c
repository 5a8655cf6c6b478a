/*
 * rc_model: random sequences of new / clone / drop / downgrade / upgrade / weak_drop / stale use
 * over many boxes of ref/rc, against a model of the counts.
 *
 * Rules checked after every operation (a violation prints "RULE <name> violated at op #<i>" and
 * aborts):
 *   counts      strong_count / weak_count equal the model's
 *   dtor-once   each box's destructor runs exactly once, and only when its strong count is 0
 *               (never early: it checks the table from inside the destructor)
 *   payload     a live box's payload keeps the pattern written at new (and the destructor sees it)
 *   freed       the heap holds exactly the boxes with strong + weak > 0 (heap live blocks,
 *               ra_rc_live, ra_heap_owns for each), and ra_heap_check is clean
 *   upgrade     upgrade succeeds iff the model's strong count is > 0
 *   stale       use of a dropped handle is reported once and changes nothing
 * ASan (the heap poisons freed blocks) catches any use of a freed payload.
 *
 * Input: a byte string, read as operations "op holder [arg]"; every string is a valid program
 * (missing bytes read as 0). The payloads come from a 64 KiB reference heap, 32 slots.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "rc.h"

const char fz_target_name[] = "rc_model";

#define HOLDERS 48u
#define SLOTS 32u
#define MAX_BOXES 512u
#define ARENA (64u * 1024u)

enum { H_EMPTY, H_STRONG, H_WEAK };

typedef struct {
    uint8_t kind;
    uint32_t box;      /* model box serial */
    ra_rc r;           /* strong: the handle; weak: r.slot/gen of the weak handle */
} holder;

typedef struct {
    uint32_t strong, weak;  /* weak: user-visible weak handles */
    int dtor_calls;
    bool freed;
    size_t size;
    void *payload;
    uint8_t fill;
} box;

static struct {
    ra_heap heap;
    ra_rc_table t;
    ra_rc_slot slots[SLOTS];
    holder h[HOLDERS];
    box b[MAX_BOXES];
    uint32_t nboxes;
    size_t op;
    int reports;
    ra_rc stale;       /* a dropped strong handle, for the stale rule */
    bool have_stale;
} S;

static _Alignas(16) unsigned char arena[ARENA];

#define RULE(cond, name, ...) FZ_RULE(S.op, cond, name, __VA_ARGS__)

static void on_error(const ra_rc_table *t, const char *op, const char *reason, void *ctx)
{
    (void)t, (void)op, (void)reason, (void)ctx;
    S.reports++;
}

/* Payload layout: serial (4 bytes), then the fill byte repeated. */
static void dtor(void *payload, void *ctx)
{
    (void)ctx;
    uint32_t serial;
    memcpy(&serial, payload, sizeof serial);
    RULE(serial < S.nboxes, "payload", "destructor got a payload with serial %u", serial);
    box *b = &S.b[serial];
    b->dtor_calls++;
    RULE(b->dtor_calls == 1, "dtor-once", "destructor of box %u ran %d times", serial,
         b->dtor_calls);
    RULE(b->strong == 0, "dtor-once", "destructor of box %u ran with model strong %u", serial,
         b->strong);
    const unsigned char *p = payload;
    for (size_t i = sizeof serial; i < b->size; i++)
        RULE(p[i] == b->fill, "payload", "box %u byte %zu changed before its destructor", serial, i);
}

typedef struct {
    const uint8_t *d;
    size_t n, pos;
} rd;

static uint8_t byte(rd *r)
{
    return r->pos < r->n ? r->d[r->pos++] : 0;
}

static int find_holder(uint8_t kind, unsigned start)
{
    for (unsigned i = 0; i < HOLDERS; i++) {
        unsigned k = (start + i) % HOLDERS;
        if (S.h[k].kind == kind)
            return (int)k;
    }
    return -1;
}

static void check_all(void)
{
    size_t alive = 0;
    for (uint32_t i = 0; i < S.nboxes; i++) {
        box *b = &S.b[i];
        bool should_be_freed = b->strong == 0 && b->weak == 0;
        RULE(b->freed == should_be_freed, "freed", "box %u freed=%d with strong %u weak %u", i,
             b->freed, b->strong, b->weak);
        RULE(b->dtor_calls == (b->strong == 0 ? 1 : 0), "dtor-once",
             "box %u: %d destructor calls with strong %u", i, b->dtor_calls, b->strong);
        if (!b->freed) {
            alive++;
            RULE(ra_heap_owns(&S.heap, b->payload), "freed", "box %u payload not live in heap", i);
        }
    }
    ra_heap_stats st;
    ra_heap_stats_get(&S.heap, &st);
    RULE(st.live_blocks == alive, "freed", "heap has %zu live blocks, model %zu", st.live_blocks,
         alive);
    RULE(ra_rc_live(&S.t) == alive, "freed", "ra_rc_live %zu, model %zu", ra_rc_live(&S.t), alive);
    RULE(ra_heap_check(&S.heap, 0, NULL) == RA_OK, "heap-check", "ra_heap_check failed");
    for (unsigned k = 0; k < HOLDERS; k++) {
        holder *h = &S.h[k];
        if (h->kind != H_STRONG)
            continue;
        box *b = &S.b[h->box];
        RULE(ra_rc_strong_count(&S.t, h->r) == b->strong, "counts", "box %u strong %u model %u",
             h->box, ra_rc_strong_count(&S.t, h->r), b->strong);
        RULE(ra_rc_weak_count(&S.t, h->r) == b->weak, "counts", "box %u weak %u model %u", h->box,
             ra_rc_weak_count(&S.t, h->r), b->weak);
    }
}

static void drop_holder(unsigned k)
{
    holder *h = &S.h[k];
    box *b = &S.b[h->box];
    if (h->kind == H_STRONG) {
        b->strong--;
        ra_rc_drop(&S.t, h->r);
        S.stale = h->r;
        S.have_stale = true;
    } else if (h->kind == H_WEAK) {
        b->weak--;
        ra_rc_weak w = { h->r.slot, h->r.gen };
        ra_rc_weak_drop(&S.t, w);
    }
    if (b->strong == 0 && b->weak == 0)
        b->freed = true;
    h->kind = H_EMPTY;
}

size_t fz_target_run(const uint8_t *data, size_t size)
{
    memset(&S, 0, sizeof S);
    if (ra_heap_init(&S.heap, arena, sizeof arena) != RA_OK || !ra_rc_init(&S.t, &S.heap, S.slots, SLOTS))
        abort();
    ra_rc_set_error_handler(&S.t, on_error, NULL);
    rd r = { data, size, 0 };
    while (r.pos < r.n && S.op < 10000) {
        S.op++;
        uint8_t opb = byte(&r);
        unsigned k = byte(&r) % HOLDERS;
        unsigned op = opb % 8;
        holder *h = &S.h[k];
        int e;
        int before = S.reports;
        switch (op) {
        case 0: { /* new */
            if (h->kind != H_EMPTY || S.nboxes >= MAX_BOXES)
                break;
            size_t sz = sizeof(uint32_t) + (size_t)(byte(&r) % 64) * ((opb >> 3) % 4 + 1u);
            ra_rc nr = ra_rc_new(&S.t, sz, dtor, NULL);
            if (ra_rc_is_nil(nr)) {
                RULE(ra_rc_live(&S.t) == SLOTS || sz > 0, "new", "new failed with free slots");
                break;
            }
            uint32_t serial = S.nboxes++;
            box *b = &S.b[serial];
            memset(b, 0, sizeof *b);
            b->strong = 1;
            b->size = sz;
            b->payload = ra_rc_get(&S.t, nr);
            b->fill = (uint8_t)(serial * 37u + 1u);
            memcpy(b->payload, &serial, sizeof serial);
            memset((unsigned char *)b->payload + sizeof serial, b->fill, sz - sizeof serial);
            h->kind = H_STRONG;
            h->box = serial;
            h->r = nr;
            break;
        }
        case 1: /* clone into another holder */
            if (h->kind != H_STRONG || (e = find_holder(H_EMPTY, byte(&r))) < 0)
                break;
            S.h[e] = *h;
            S.h[e].r = ra_rc_clone(&S.t, h->r);
            RULE(!ra_rc_is_nil(S.h[e].r), "counts", "clone failed");
            S.b[h->box].strong++;
            break;
        case 2: /* drop */
        case 3:
            if (h->kind != H_EMPTY)
                drop_holder(k);
            break;
        case 4: /* downgrade */
            if (h->kind != H_STRONG || (e = find_holder(H_EMPTY, byte(&r))) < 0)
                break;
            {
                ra_rc_weak w = ra_rc_downgrade(&S.t, h->r);
                RULE(!ra_rc_weak_is_nil(w), "counts", "downgrade failed");
                S.h[e].kind = H_WEAK;
                S.h[e].box = h->box;
                S.h[e].r.slot = w.slot;
                S.h[e].r.gen = w.gen;
                S.b[h->box].weak++;
            }
            break;
        case 5: /* upgrade */
            if (h->kind != H_WEAK || (e = find_holder(H_EMPTY, byte(&r))) < 0)
                break;
            {
                ra_rc_weak w = { h->r.slot, h->r.gen };
                ra_rc u = ra_rc_upgrade(&S.t, w);
                box *b = &S.b[h->box];
                RULE(ra_rc_is_nil(u) == (b->strong == 0), "upgrade",
                     "upgrade of box %u gave %s with model strong %u", h->box,
                     ra_rc_is_nil(u) ? "nil" : "a handle", b->strong);
                if (!ra_rc_is_nil(u)) {
                    S.h[e].kind = H_STRONG;
                    S.h[e].box = h->box;
                    S.h[e].r = u;
                    b->strong++;
                }
            }
            break;
        case 6: /* read a live payload */
            if (h->kind == H_STRONG) {
                const unsigned char *p = ra_rc_get(&S.t, h->r);
                box *b = &S.b[h->box];
                RULE(p == b->payload, "payload", "get returned another pointer");
                for (size_t i = sizeof(uint32_t); i < b->size; i++)
                    RULE(p[i] == b->fill, "payload", "box %u byte %zu changed", h->box, i);
            }
            break;
        case 7: /* stale use of a dropped strong handle, if its box is really gone */
            if (S.have_stale) {
                uint32_t sc = ra_rc_strong_count(&S.t, S.stale);
                if (sc == 0) {
                    ra_rc_drop(&S.t, S.stale);
                    RULE(S.reports == before + 1, "stale", "stale drop not reported once");
                    RULE(ra_rc_is_nil(ra_rc_clone(&S.t, S.stale)), "stale", "stale clone worked");
                }
            }
            break;
        }
        if (op != 7)
            RULE(S.reports == before, "stale", "unexpected report on op %u", op);
        check_all();
    }
    /* drop everything: every destructor must have run exactly once and the heap be empty */
    for (unsigned k = 0; k < HOLDERS; k++)
        if (S.h[k].kind == H_STRONG)
            drop_holder(k);
    for (unsigned k = 0; k < HOLDERS; k++)
        if (S.h[k].kind == H_WEAK)
            drop_holder(k);
    check_all();
    for (uint32_t i = 0; i < S.nboxes; i++)
        RULE(S.b[i].dtor_calls == 1, "dtor-once", "box %u: %d calls at the end", i,
             S.b[i].dtor_calls);
    ra_heap_stats st;
    ra_heap_stats_get(&S.heap, &st);
    RULE(st.live_blocks == 0, "freed", "%zu blocks left", st.live_blocks);
    return S.op;
}
