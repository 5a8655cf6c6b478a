/*
 * refalloc fuzz suite: the reference heap and the system allocator as fz_api tables.
 */
#define _GNU_SOURCE
#include "allocs.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define FZ_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#endif
#endif
#ifndef FZ_UNPOISON
#define FZ_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* ---- The reference heap ------------------------------------------------------------------ */

/* Largest arena choice plus room for nothing else: the metadata is carved from its front. */
static _Alignas(4096) unsigned char arena[1u << 20];
static ra_heap H;
static unsigned reports;          /* bad-pointer reports seen */
static unsigned reports_expected; /* reports the bad_pointer hook asked for */

ra_heap *fz_ref_heap(void) { return &H; }
unsigned char *fz_ref_arena(void) { return arena; }

static void on_error(const ra_heap *h, const char *op, const void *ptr, const char *reason,
                     void *ctx)
{
    (void)h;
    (void)ctx;
    reports++;
    if (reports > reports_expected) {
        fprintf(stderr, "reference heap reported a valid pointer: %s(%p): %s\n", op, ptr, reason);
    }
}

/* Header bit 2: a growing arena, as the malloc shim uses it: metadata apart (init_split), a
 * quarter of the user space at first, ra_heap_extend by a quarter whenever a request fails. */
static ra_heap_unit split_meta[(sizeof arena / 32u) + 1u];
static bool growing;
static size_t grow_step;

/* Header bits 4-7 (non-zero): before the program runs, a self-test of the oracle the harness
 * leans on hardest, ra_heap_check: a scratch heap gets one metadata field corrupted (kind 1-11)
 * and check must report a fault; kinds 12-15 drive init/extend error paths and ra_status_str.
 * The corruption reads private fields on purpose: that is what a memory bug would hit. */
static _Alignas(16) unsigned char scratch[8192];

static void selftest(unsigned kind)
{
    ra_heap s;
    FZ_UNPOISON(scratch, sizeof scratch); /* the previous self-test's heap poisoned it */
    if (ra_heap_init(&s, scratch, sizeof scratch) != RA_OK)
        abort();
    char *a = ra_heap_malloc(&s, 40), *b = ra_heap_malloc(&s, 100);
    char *c = ra_heap_malloc(&s, 64), *d = ra_heap_malloc(&s, 16);
    if (!a || !b || !c || !d)
        abort();
    ra_heap_free(&s, b);
    uint32_t ua = (uint32_t)((a - s.base) / 16), ub = (uint32_t)((b - s.base) / 16);
    uint32_t uc = (uint32_t)((c - s.base) / 16);
    switch (kind) {
    case 1: s.meta[ua].size = 0; break;
    case 2: s.meta[uc].prev = ua; break;
    case 3: s.meta[ua + 1].next = 1; break;
    case 4: s.meta[ua].next = 4096; break;
    case 5: s.meta[ub].back = RA_HEAP_LIVE; break;
    case 6: s.meta[uc].back = RA_HEAP_NIL; s.meta[uc].next = RA_HEAP_NIL; break;
    case 7: s.l.fl_bitmap ^= 1u; break;
    case 8: s.l.sl_bitmap[0] ^= 2u; break;
    case 9: s.l.heads[0][3] = (int32_t)uc; s.l.sl_bitmap[0] |= 8u; s.l.fl_bitmap |= 1u; break;
    case 10: s.used_bytes++; break;
    case 11: s.meta[s.units].prev = ua; break;
    case 12: {
        ra_heap x;
        ra_heap_unit m[9]; /* capacity 8 + sentinel, as the contract asks */
        FZ_UNPOISON(scratch, sizeof scratch);
        int bad = ra_heap_init(NULL, scratch, 64) == RA_OK || ra_heap_init(&x, NULL, 64) == RA_OK ||
                  ra_heap_init(&x, scratch + 1, 4096) == RA_OK ||
                  ra_heap_init(&x, scratch, 16) == RA_OK ||
                  ra_heap_init_split(&x, NULL, 8, false, scratch, 64) == RA_OK ||
                  ra_heap_init_split(&x, m, 8, false, scratch + 8, 64) == RA_OK ||
                  ra_heap_init_split(&x, m, 2, false, scratch, 64) == RA_OK ||
                  ra_heap_init_split(&x, m, (size_t)1 << 40, false, scratch, 64) == RA_OK ||
                  ra_heap_extend(NULL, 16) == RA_OK || ra_heap_extend(&s, 16) == RA_OK;
        if (bad) {
            fprintf(stderr, "selftest: an invalid init/extend was accepted\n");
            abort();
        }
        return;
    }
    case 13: { /* extend while the last block is live, then while it is free */
        ra_heap x;
        static ra_heap_unit m[65];
        FZ_UNPOISON(scratch, sizeof scratch);
        if (ra_heap_init_split(&x, m, 64, false, scratch, 32 * 16) != RA_OK)
            abort();
        void *all = ra_heap_malloc(&x, 32 * 16);
        if (!all || ra_heap_extend(&x, 16 * 16) != RA_OK || ra_heap_extend(&x, 0) != RA_OK ||
            ra_heap_extend(&x, 8) == RA_OK || ra_heap_check(&x, RA_CHECK_FULL, NULL) != RA_OK ||
            ra_heap_extend(&x, 16 * 16) != RA_OK || ra_heap_extend(&x, 16) == RA_OK ||
            ra_heap_check(&x, RA_CHECK_FULL, NULL) != RA_OK) {
            fprintf(stderr, "selftest: extend misbehaved\n");
            abort();
        }
        return;
    }
    default: /* every status has a sentence */
        for (int k = 0; k <= (int)RA_FAULT_SLACK + 1; k++)
            if (!ra_status_str((ra_status)k)[0])
                abort();
        if (ra_heap_usable_size(&s, NULL) != 0 || ra_heap_owns(&s, NULL))
            abort();
        return;
    }
    size_t unit = 0;
    ra_status st = ra_heap_check(&s, RA_CHECK_FULL, &unit);
    if (st == RA_OK) {
        fprintf(stderr, "selftest: ra_heap_check missed corruption kind %u\n", kind);
        abort();
    }
    (void)ra_status_str(st);
}

static size_t ref_begin(uint8_t header)
{
    if (header >> 4)
        selftest(header >> 4);
    size_t bytes = fz_arena_choices[header & 3u];
    if (bytes > sizeof arena)
        bytes = sizeof arena;
    ra_status st;
    /* Every input starts from fresh memory, as libFuzzer needs (an input must reproduce on its
     * own): the previous input's heap may have left parts of the buffer poisoned. */
    FZ_UNPOISON(arena, sizeof arena);
    /* Junk, not zeros: calloc must zero what it hands out, fresh or recycled. */
    memset(arena, 0xA5, bytes);
    growing = (header & 4u) != 0;
    if (growing) {
        /* same user size as ra_heap_init would give, so sizes decode alike */
        size_t units = (bytes - RA_HEAP_UNIT) / (2u * RA_HEAP_UNIT);
        grow_step = (units / 4u) * RA_HEAP_UNIT;
        st = ra_heap_init_split(&H, split_meta, units, false, arena, grow_step);
    } else {
        st = ra_heap_init(&H, arena, bytes);
    }
    if (st != RA_OK) {
        fprintf(stderr, "ra_heap_init(%zu bytes): %s\n", bytes, ra_status_str(st));
        abort();
    }
    if (header & 8u) { /* bit 3: start from a reset heap that had blocks */
        void *a = ra_heap_malloc(&H, 100), *b = ra_heap_malloc(&H, 1000);
        (void)a;
        (void)b;
        ra_heap_reset(&H);
    }
    ra_heap_set_error_handler(&H, on_error, NULL);
    reports = reports_expected = 0;
    return growing ? (size_t)H.capacity * RA_HEAP_UNIT : (size_t)H.units * RA_HEAP_UNIT;
}

/* Growing mode: extend and retry while a request fails and capacity is left. */
static bool grow(void *p)
{
    if (p || !growing || H.units >= H.capacity || errno != ENOMEM)
        return false;
    size_t left = ((size_t)H.capacity - H.units) * RA_HEAP_UNIT;
    ra_status st = ra_heap_extend(&H, left < grow_step ? left : grow_step);
    if (st != RA_OK) {
        fprintf(stderr, "ra_heap_extend: %s\n", ra_status_str(st));
        abort();
    }
    return true;
}

static void *ref_malloc(size_t n)
{
    void *p;
    do
        p = ra_heap_malloc(&H, n);
    while (grow(p));
    return p;
}
static void ref_free(void *p) { ra_heap_free(&H, p); }
static void *ref_calloc(size_t c, size_t n)
{
    void *p;
    do
        p = ra_heap_calloc(&H, c, n);
    while (grow(p));
    return p;
}
static void *ref_realloc(void *q, size_t n)
{
    void *p;
    do
        p = ra_heap_realloc(&H, q, n);
    while (n != 0 && grow(p));
    return p;
}
static void *ref_aligned_alloc(size_t a, size_t n)
{
    void *p;
    do
        p = ra_heap_aligned_alloc(&H, a, n);
    while (grow(p));
    return p;
}
static size_t ref_usable_size(void *p) { return ra_heap_usable_size(&H, p); }

/* posix_memalign is not part of the heap API: this is the obvious wrapper (the malloc shim's
 * choice too), so the op reaches aligned_alloc with alignments 8 .. 2^63. */
static int ref_posix_memalign(void **out, size_t a, size_t n)
{
    if (a == 0 || (a & (a - 1)) != 0 || a % sizeof(void *) != 0)
        return EINVAL;
    int saved = errno;
    void *p = ref_aligned_alloc(a, n);
    if (!p) {
        int e = errno;
        errno = saved;
        return e;
    }
    *out = p;
    return 0;
}

static const char *ref_check(bool full)
{
    static char why[160];
    size_t unit = 0;
    ra_status st = ra_heap_check(&H, full ? RA_CHECK_FULL : 0u, &unit);
    if (st != RA_OK) {
        snprintf(why, sizeof why, "%s (status %d) at unit %zu", ra_status_str(st), (int)st, unit);
        return why;
    }
    if (reports != reports_expected) {
        snprintf(why, sizeof why, "%u bad-pointer reports for valid pointers",
                 reports - reports_expected);
        return why;
    }
    return NULL;
}

static bool ref_stats(fz_stats *out)
{
    ra_heap_stats s;
    ra_heap_stats_get(&H, &s);
    out->used_bytes = s.used_bytes;
    out->live_blocks = s.live_blocks;
    out->free_blocks = s.free_blocks;
    out->free_bytes = s.free_bytes;
    out->largest_free = s.largest_free;
    out->arena_bytes = s.arena_bytes;
    return true;
}

/* The one place the harness reads private fields: where user blocks may lie. The fit oracle
 * needs the arena's bounds, and the API has no call for them. */
static bool ref_region(uintptr_t *lo, uintptr_t *hi)
{
    *lo = (uintptr_t)H.base;
    *hi = *lo + (uintptr_t)H.units * RA_HEAP_UNIT;
    return true;
}

static unsigned ref_unit(void) { return RA_HEAP_UNIT; }

static unsigned ref_bad_pointer(void *p, bool use_realloc)
{
    unsigned before = reports, extra = 0;
    if (ra_heap_owns(&H, p))
        return 0x400u; /* the heap claims an invalid pointer is a live block */
    reports_expected++;
    if (use_realloc) {
        errno = 0;
        void *q = ra_heap_realloc(&H, p, 1);
        if (q)
            extra = 0x100u;
        else if (errno != EINVAL)
            extra = 0x200u;
    } else {
        ra_heap_free(&H, p);
    }
    unsigned got = reports - before;
    if (got != 1)
        reports_expected = reports; /* reported once as a finding by the executor */
    return got | extra;
}

const fz_api fz_api_ref = {
    .name = "ref-heap",
    .malloc = ref_malloc,
    .free = ref_free,
    .calloc = ref_calloc,
    .realloc = ref_realloc,
    .aligned_alloc = ref_aligned_alloc,
    .posix_memalign = ref_posix_memalign,
    .usable_size = ref_usable_size,
    .begin = ref_begin,
    .check = ref_check,
    .stats = ref_stats,
    .region = ref_region,
    .class_round = ra_heap_class_round,
    .unit = ref_unit,
    .bad_pointer = ref_bad_pointer,
};

/* ---- The system allocator ----------------------------------------------------------------- */

/* The system allocator runs beside the reference: impossible requests must come back as NULL +
 * errno under the sanitizers' allocators too, instead of aborting the process. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "allocator_may_return_null=1"; }
const char *__msan_default_options(void);
const char *__msan_default_options(void) { return "allocator_may_return_null=1"; }

static size_t sys_usable_size(void *p) { return malloc_usable_size(p); }

const fz_api fz_api_system = {
    .name = "system",
    .malloc = malloc,
    .free = free,
    .calloc = calloc,
    .realloc = realloc,
    .aligned_alloc = aligned_alloc,
    .posix_memalign = posix_memalign,
    .usable_size = sys_usable_size,
    .max_request = (size_t)16 << 10, /* larger blocks cost the sanitizers an mmap each: slow */
    .max_align = (size_t)1 << 20,
};
