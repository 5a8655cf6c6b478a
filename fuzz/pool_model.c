/*
 * pool_model: ref/pool against an exact model. The pool's documented order makes the model
 * exact: a fresh (or reset) pool hands out blocks in address order, recycling is LIFO, so the
 * model keeps the free stack and predicts every pointer alloc returns.
 *
 * Input: header (4 bytes): block size (size selector of spec/FORMAT.md, or 1 + byte & 127),
 * alignment (1 << (b & 7), or an invalid one when bit 7 is set), buffer bytes (64 + 64 * b),
 * mode (bit 0: init_split; bits 1-4: misalignment of the buffer start). Then ops, `b & 7`:
 *   0 alloc into slot (b >> 4) (an occupied slot is freed first)   1 free slot (empty: NULL)
 *   2 bad free (next byte: 0 interior, 1 double, 2 foreign, 3 one past the last block)
 *   3 check (ra_pool_check, counts, every live block's contents)    4 reset
 *   5 write the slot's block                                         6 owns (live and stale)
 *   7 alloc until ENOMEM, then free those again
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "ops.h"
#include "pool.h"

const char fz_target_name[] = "pool_model";

#define MAXB 2048u
static _Alignas(64) unsigned char buf[64 + 64 * 256 + 64];
static uint32_t fidx[MAXB], fpos[MAXB];
static unsigned char *stack[MAXB]; /* model free stack; top = stack[nfree - 1] */
static size_t nfree, cap, stride, nlive;
static unsigned char *slot[16], *stale[16];
static uint8_t tagv[16];
static unsigned reports, expected;
static size_t OPI;

#define FAIL(rule, ...)                                                                           \
    do {                                                                                          \
        fprintf(stderr, "RULE %s violated at op #%zu (slot 0) on ref-pool: ", rule, OPI);        \
        fprintf(stderr, __VA_ARGS__);                                                             \
        fputc('\n', stderr);                                                                      \
        abort();                                                                                  \
    } while (0)

static void on_err(const ra_pool *p, const char *op, const void *ptr, const char *r, void *c)
{
    (void)p, (void)op, (void)ptr, (void)r, (void)c;
    reports++;
}

static void fresh(unsigned char *base)
{
    nfree = cap;
    for (size_t i = 0; i < cap; i++)
        stack[i] = base + (cap - 1 - i) * stride; /* block 0 on top */
    nlive = 0;
    memset(slot, 0, sizeof slot);
    memset(stale, 0, sizeof stale);
}

static void fillb(unsigned s)
{
    for (size_t i = 0; i < stride; i++)
        slot[s][i] = fz_pattern_byte(tagv[s], i);
}
static void verifyb(unsigned s)
{
    for (size_t i = 0; slot[s] && i < stride; i++)
        if (slot[s][i] != fz_pattern_byte(tagv[s], i))
            FAIL("contents", "byte %zu of slot %u's block changed", i, s);
}

static void counts(ra_pool *p)
{
    if (ra_pool_live(p) != nlive || ra_pool_free_count(p) != cap - nlive ||
        ra_pool_capacity(p) != cap)
        FAIL("counts", "live %zu free %zu cap %zu; model %zu %zu %zu", ra_pool_live(p),
             ra_pool_free_count(p), ra_pool_capacity(p), nlive, cap - nlive, cap);
    if (reports != expected)
        FAIL("bad-pointer", "%u reports, expected %u", reports, expected);
}

static void *alloc(ra_pool *p)
{
    errno = 0;
    void *q = ra_pool_alloc(p);
    if (!nfree) {
        if (q || errno != ENOMEM)
            FAIL("enomem", "alloc from a full pool gave %p errno %d", q, errno);
        return NULL;
    }
    if (q != stack[nfree - 1])
        FAIL("lifo-order", "alloc gave %p, the model expects %p", q, (void *)stack[nfree - 1]);
    nfree--;
    nlive++;
    return q;
}

static void release(ra_pool *p, unsigned char *q)
{
    errno = 4242;
    ra_pool_free(p, q);
    if (errno != 4242)
        FAIL("free-errno", "free changed errno");
    if (q) {
        stack[nfree++] = q;
        nlive--;
    }
}

size_t fz_target_run(const uint8_t *d, size_t n)
{
    size_t pos = 0;
#define RD() (pos < n ? d[pos++] : 0)
    uint8_t h0 = RD(), h1 = RD(), h2 = RD(), h3 = RD();
    size_t bsize = h0 < 0x80 ? (size_t)h0 + 1 : fz_size_table(h0 & 63u, 4096);
    size_t balign = (h1 & 0x80) ? (size_t)(h1 & 0x7f) : (size_t)1 << (h1 & 7u);
    size_t bytes = 64 + 64 * (size_t)h2;
    unsigned char *b = buf + ((h3 >> 1) & 15u);
    ra_pool p;
    ra_pool_status st = (h3 & 1u) ? ra_pool_init_split(&p, fidx, fpos, MAXB, b, bytes, bsize, balign)
                                  : ra_pool_init(&p, b, bytes, bsize, balign);
    bool align_ok = balign && !(balign & (balign - 1));
    size_t want_cap = (h3 & 1u) ? 0 : ra_pool_capacity_for(b, bytes, bsize, balign);
    if (!align_ok) {
        if (st != RA_POOL_EBAD_ALIGN)
            FAIL("init", "alignment %zu: status %d", balign, (int)st);
        return 0;
    }
    if (st != RA_POOL_OK) {
        if (st != RA_POOL_ETOOSMALL && st != RA_POOL_EBAD_SIZE)
            FAIL("init", "status %d (%s)", (int)st, ra_pool_status_str(st));
        if (want_cap != 0)
            FAIL("capacity-for", "init failed but capacity_for says %zu", want_cap);
        return 0;
    }
    ra_pool_set_error_handler(&p, on_err, NULL);
    reports = expected = 0;
    cap = ra_pool_capacity(&p);
    stride = ra_pool_block_size(&p);
    if (stride < bsize || stride % balign || cap > MAXB)
        FAIL("geometry", "block size %zu for %zu/%zu, capacity %zu", stride, bsize, balign, cap);
    if (!(h3 & 1u) && cap != want_cap)
        FAIL("capacity-for", "capacity %zu, capacity_for %zu", cap, want_cap);
    /* every block lies in the buffer, aligned; and the capacity is the most that fits */
    unsigned char *base = ra_pool_alloc(&p);
    if (!base)
        FAIL("init", "a fresh pool with %zu blocks gave NULL", cap);
    ra_pool_free(&p, base);
    if ((uintptr_t)base % balign || base < b || base + cap * stride > b + bytes)
        FAIL("geometry", "blocks [%p, +%zu x %zu) outside the buffer", (void *)base, cap, stride);
    if ((h3 & 1u) && cap < MAXB && base + (cap + 1) * stride <= b + bytes)
        FAIL("capacity", "room for %zu blocks, only %zu made", cap + 1, cap);
    if (!(h3 & 1u) && (cap + 1) * 8u + 3u + balign - 1u + (cap + 1) * stride <= bytes)
        FAIL("capacity", "room for %zu blocks and their metadata, only %zu made", cap + 1, cap);
    ra_pool_reset(&p);
    fresh(base);
    size_t ops = 0;
    for (OPI = 0; pos < n; OPI++, ops++) {
        uint8_t o = RD();
        unsigned s = o >> 4;
        switch (o & 7u) {
        case 0:
            if (slot[s]) {
                verifyb(s);
                release(&p, slot[s]);
                stale[s] = slot[s];
                slot[s] = NULL;
            }
            if ((slot[s] = alloc(&p)) != NULL) {
                tagv[s]++;
                fillb(s);
            }
            break;
        case 1:
            verifyb(s);
            release(&p, slot[s]);
            if (slot[s])
                stale[s] = slot[s];
            slot[s] = NULL;
            break;
        case 2: {
            uint8_t k = RD() & 3u;
            static unsigned char foreign[64];
            unsigned char *bad = k == 0 ? (slot[s] && stride > 1 ? slot[s] + stride / 2 : NULL)
                                 : k == 1 ? stale[s]
                                 : k == 2 ? foreign + 8
                                          : base + cap * stride;
            for (unsigned j = 0; bad && j < 16; j++)
                if (slot[j] == bad)
                    bad = NULL;
            for (size_t j = 0; bad && j < cap; j++)
                if (k == 1 && base + j * stride == bad && ra_pool_owns(&p, bad))
                    bad = NULL; /* recycled by an alloc-all */
            if (!bad)
                break;
            if (ra_pool_owns(&p, bad))
                FAIL("owns", "owns(%p) is true for an invalid pointer", (void *)bad);
            expected++;
            ra_pool_free(&p, bad);
            break;
        }
        case 3:
            if (ra_pool_check(&p) != RA_POOL_OK)
                FAIL("invariant", "ra_pool_check: %s", ra_pool_status_str(ra_pool_check(&p)));
            for (unsigned j = 0; j < 16; j++)
                verifyb(j);
            break;
        case 4:
            ra_pool_reset(&p);
            fresh(base);
            break;
        case 5:
            if (slot[s]) {
                verifyb(s);
                tagv[s]++;
                fillb(s);
            }
            break;
        case 6:
            if (slot[s] && !ra_pool_owns(&p, slot[s]))
                FAIL("owns", "owns is false for a live block");
            break;
        default: {
            size_t got = 0;
            static unsigned char *tmp[MAXB + 1];
            while ((tmp[got] = alloc(&p)) != NULL)
                got++;
            if (nlive != cap)
                FAIL("enomem", "ENOMEM with %zu of %zu blocks live", nlive, cap);
            while (got)
                release(&p, tmp[--got]);
            break;
        }
        }
        counts(&p);
    }
    for (unsigned j = 0; j < 16; j++)
        if (slot[j]) {
            verifyb(j);
            release(&p, slot[j]);
        }
    counts(&p);
    if (ra_pool_check(&p) != RA_POOL_OK || nlive != 0)
        FAIL("final-state", "pool not empty or check failed at the end");
    return ops;
}
