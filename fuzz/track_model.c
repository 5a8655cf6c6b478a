/*
 * track_model: random malloc / realloc / free / double free / invalid free sequences through
 * ref/track wrapping the reference heap, against a model of the live blocks and of the tracker's
 * ring of recent frees.
 *
 * Rules checked after every operation (violation: "RULE <name> violated at op #<i>", abort):
 *   live        live count and bytes equal the model; ra_track_find gives each live block's size
 *               and tag; ra_track_check is clean
 *   passthrough the heap holds exactly the model's live blocks (nothing bad was passed on: a
 *               double or invalid free that reached the heap would be reported by the heap's
 *               own checked mode, which aborts here), and ra_heap_check is clean
 *   classify    a free of a pointer that is not live is reported exactly once, as a double free
 *               iff it is among the last RA_TRACK_RECENT pointers freed (the model keeps the same
 *               ring), else as an invalid free
 *   contents    each live block keeps its fill pattern across reallocs
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "track.h"

const char fz_target_name[] = "track_model";

#define HOLDERS 64u
#define CAP 128u
#define ARENA (256u * 1024u)

static _Alignas(16) unsigned char arena[ARENA];

typedef struct {
    unsigned char *p;
    size_t size;
    uint8_t fill;
    const char *tag;
} blk;

static struct {
    ra_heap heap;
    ra_track t;
    ra_track_entry entries[CAP];
    blk h[HOLDERS];
    void *ring[RA_TRACK_RECENT];
    unsigned ring_next;
    void *last_freed;
    size_t op;
    int reports;
    ra_track_problem last;
} S;

static const char *const tags[4] = { "site-a", "site-b", "site-c", "site-d" };

#define RULE(cond, name, ...) FZ_RULE(S.op, cond, name, __VA_ARGS__)

static void on_error(const ra_track *t, const ra_track_problem *p, void *ctx)
{
    (void)t, (void)ctx;
    S.reports++;
    S.last = *p;
}

static void remember(void *p)
{
    S.ring[S.ring_next] = p;
    S.ring_next = (S.ring_next + 1u) % RA_TRACK_RECENT;
    S.last_freed = p;
}

static bool in_ring(const void *p)
{
    for (unsigned i = 0; i < RA_TRACK_RECENT; i++)
        if (S.ring[i] == p)
            return true;
    return false;
}

static bool is_live(const void *p)
{
    for (unsigned i = 0; i < HOLDERS; i++)
        if (S.h[i].p == p)
            return true;
    return false;
}

static void check_all(void)
{
    size_t n = 0, bytes = 0;
    for (unsigned i = 0; i < HOLDERS; i++) {
        blk *b = &S.h[i];
        if (b->p == NULL)
            continue;
        n++;
        bytes += b->size;
        const ra_track_entry *e = ra_track_find(&S.t, b->p);
        RULE(e != NULL && e->size == b->size && e->tag == b->tag, "live",
             "holder %u: entry missing or wrong", i);
        /* every byte every 32 ops and at the end, else a sparse sample */
        for (size_t j = 0; j < b->size; j += (S.op % 32 == 0) ? 1 : 61)
            RULE(b->p[j] == b->fill, "contents", "holder %u byte %zu", i, j);
        if (b->size > 0)
            RULE(b->p[b->size - 1] == b->fill, "contents", "holder %u last byte", i);
    }
    RULE(ra_track_live_count(&S.t) == n, "live", "live %zu model %zu", ra_track_live_count(&S.t), n);
    RULE(ra_track_live_bytes(&S.t) == bytes, "live", "bytes %zu model %zu",
         ra_track_live_bytes(&S.t), bytes);
    RULE(ra_track_check(&S.t), "live", "ra_track_check failed");
    ra_heap_stats st;
    ra_heap_stats_get(&S.heap, &st);
    RULE(st.live_blocks == n, "passthrough", "heap live %zu model %zu", st.live_blocks, n);
    RULE(ra_heap_check(&S.heap, 0, NULL) == RA_OK, "passthrough", "ra_heap_check failed");
}

static void expect_bad(const void *p, int before)
{
    RULE(S.reports == before + 1, "classify", "bad pointer reported %d times", S.reports - before);
    ra_track_error want = in_ring(p) ? RA_TRACK_DOUBLE_FREE : RA_TRACK_INVALID_FREE;
    RULE(S.last.kind == want, "classify", "reported %s, model says %s",
         ra_track_error_str(S.last.kind), ra_track_error_str(want));
}

typedef struct {
    const uint8_t *d;
    size_t n, pos;
} rd;

static uint8_t byte(rd *r)
{
    return r->pos < r->n ? r->d[r->pos++] : 0;
}

static size_t size_of(rd *r)
{
    uint8_t a = byte(r);
    switch (a >> 6) {
    case 0: return a & 63u;
    case 1: return (size_t)(a & 63u) * 16u;
    case 2: return (size_t)byte(r) * 8u + (a & 7u);
    default: return (size_t)1 << (a & 15u);
    }
}

size_t fz_target_run(const uint8_t *data, size_t size)
{
    memset(&S, 0, sizeof S);
    if (ra_heap_init(&S.heap, arena, sizeof arena) != RA_OK ||
        !ra_track_init(&S.t, ra_track_heap_allocator(&S.heap), S.entries, CAP))
        abort();
    ra_track_set_error_handler(&S.t, on_error, NULL);
    rd r = { data, size, 0 };
    while (r.pos < r.n && S.op < 10000) {
        S.op++;
        uint8_t opb = byte(&r);
        unsigned k = byte(&r) % HOLDERS;
        blk *b = &S.h[k];
        const char *tag = tags[(opb >> 3) & 3u];
        int before = S.reports;
        switch (opb % 6) {
        case 0: /* malloc */
            if (b->p == NULL) {
                size_t n = size_of(&r);
                unsigned char *p = ra_track_malloc(&S.t, n, tag);
                if (p == NULL)
                    break; /* heap full (the table cannot be: HOLDERS < max_live) */
                RULE(!is_live(p), "live", "malloc returned a live block");
                b->p = p;
                b->size = n;
                b->fill = (uint8_t)(S.op * 7u + 1u);
                b->tag = tag;
                memset(p, b->fill, n);
            }
            break;
        case 1: /* free */
            if (b->p != NULL) {
                ra_track_free(&S.t, b->p, tag);
                remember(b->p);
                b->p = NULL;
            }
            break;
        case 2: /* realloc */
            if (b->p != NULL) {
                size_t n = size_of(&r);
                unsigned char *q = ra_track_realloc(&S.t, b->p, n, tag);
                if (n == 0) {
                    RULE(q == NULL, "live", "realloc(p, 0) returned a block");
                    remember(b->p);
                    b->p = NULL;
                    break;
                }
                if (q == NULL)
                    break; /* failed: old block intact (checked below) */
                if (q != b->p)
                    remember(b->p);
                if (n > b->size)
                    memset(q + b->size, b->fill, n - b->size);
                b->p = q;
                b->size = n;
                b->tag = tag;
            }
            break;
        case 3: /* free again the last pointer freed (a double free unless reused since) */
            if (S.last_freed != NULL && !is_live(S.last_freed)) {
                void *p = S.last_freed;
                if (opb & 0x80)
                    RULE(ra_track_realloc(&S.t, p, 8, tag) == NULL, "classify", "realloc of bad");
                else
                    ra_track_free(&S.t, p, tag);
                expect_bad(p, before);
            }
            break;
        case 4: /* free an interior pointer of a live block */
            if (b->p != NULL && b->size > 1) {
                void *p = b->p + 1 + byte(&r) % (b->size - 1);
                ra_track_free(&S.t, p, tag);
                expect_bad(p, before);
            }
            break;
        case 5: /* free a pointer the tracker never saw */
        {
            static char outside[16];
            void *p = outside + (opb & 7u);
            ra_track_free(&S.t, p, tag);
            expect_bad(p, before);
            break;
        }
        }
        if (opb % 6 < 3)
            RULE(S.reports == before, "classify", "report on a valid operation");
        check_all();
    }
    size_t ops = S.op;
    S.op = 0; /* a full contents check */
    check_all();
    for (unsigned k = 0; k < HOLDERS; k++)
        if (S.h[k].p != NULL) {
            ra_track_free(&S.t, S.h[k].p, "end");
            S.h[k].p = NULL;
        }
    check_all();
    return ops;
}
