/* Unit tests for ref/heap: every documented behaviour of heap.h and spec/SEMANTICS.md, every bad
 * input, and a seeded random run that checks the invariants after each operation. */
#define _POSIX_C_SOURCE 200809L /* popen */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "heap.h"

#define ARENA_BYTES (1u << 20)
static _Alignas(4096) unsigned char arena[ARENA_BYTES];

/* Records bad-pointer reports instead of aborting. */
typedef struct {
    int count;
    const char *op;
    const void *ptr;
    char reason[160];
} reports;

static void record(const ra_heap *h, const char *op, const void *ptr, const char *reason, void *ctx)
{
    (void)h;
    reports *r = ctx;
    r->count++;
    r->op = op;
    r->ptr = ptr;
    snprintf(r->reason, sizeof r->reason, "%s", reason);
}

typedef struct {
    ra_heap h;
    reports rep;
} fixture;

static fixture fx;

static void assert_heap_ok(const ra_heap *h)
{
    size_t unit = 0;
    ra_status s = ra_heap_check(h, RA_CHECK_FULL, &unit);
    if (s != RA_OK)
        fail_msg("ra_heap_check: %s (unit %zu)", ra_status_str(s), unit);
}

static int setup(void **state)
{
    memset(&fx, 0, sizeof fx);
    assert_int_equal(ra_heap_init(&fx.h, arena, sizeof arena), RA_OK);
    ra_heap_set_error_handler(&fx.h, record, &fx.rep);
    *state = &fx;
    return 0;
}

static ra_heap_stats stats(void)
{
    ra_heap_stats s;
    ra_heap_stats_get(&fx.h, &s);
    return s;
}

/* Snapshot of everything a failed call must leave unchanged. */
static void assert_same_heap(const ra_heap_stats *a, const ra_heap_stats *b)
{
    assert_int_equal(a->used_bytes, b->used_bytes);
    assert_int_equal(a->live_bytes, b->live_bytes);
    assert_int_equal(a->free_bytes, b->free_bytes);
    assert_int_equal(a->live_blocks, b->live_blocks);
    assert_int_equal(a->free_blocks, b->free_blocks);
    assert_int_equal(a->largest_free, b->largest_free);
}

/* ---- init ----------------------------------------------------------------------------------- */

static void test_init_errors(void **state)
{
    (void)state;
    ra_heap h;
    assert_int_equal(ra_heap_init(NULL, arena, sizeof arena), RA_EINVAL_ARG);
    assert_int_equal(ra_heap_init(&h, NULL, sizeof arena), RA_EINVAL_ARG);
    assert_int_equal(ra_heap_init(&h, arena + 8, 4096), RA_EMISALIGNED);
    assert_int_equal(ra_heap_init(&h, arena + 1, 4096), RA_EMISALIGNED);
    assert_int_equal(ra_heap_init(&h, arena, 0), RA_ETOOSMALL);
    assert_int_equal(ra_heap_init(&h, arena, 47), RA_ETOOSMALL);
    assert_int_equal(ra_heap_init(&h, arena, 48), RA_OK); /* one record + sentinel + one unit */
    assert_heap_ok(&h);
    ra_heap_stats s;
    ra_heap_stats_get(&h, &s);
    assert_int_equal(s.arena_bytes, 16);
    assert_non_null(ra_heap_malloc(&h, 16));
    assert_null(ra_heap_malloc(&h, 1));
    assert_int_equal(ra_heap_init(&h, arena + 16, 4096), RA_OK); /* 16-aligned is enough */
    assert_string_equal(ra_status_str(RA_EMISALIGNED), "the arena is not aligned to 16 bytes");
}

static void test_init_state(void **state)
{
    (void)state;
    ra_heap_stats s = stats();
    assert_true(s.arena_bytes > ARENA_BYTES / 2 - 64 && s.arena_bytes <= ARENA_BYTES / 2);
    assert_int_equal(s.used_bytes, 0);
    assert_int_equal(s.live_blocks, 0);
    assert_int_equal(s.free_blocks, 1);
    assert_int_equal(s.free_bytes, s.arena_bytes);
    assert_int_equal(s.largest_free, s.arena_bytes);
    assert_true(s.fragmentation == 0.0);
    assert_heap_ok(&fx.h);
}

/* ---- malloc --------------------------------------------------------------------------------- */

static void test_malloc_alignment_and_size(void **state)
{
    (void)state;
    for (size_t n = 0; n < 300; n++) {
        unsigned char *p = ra_heap_malloc(&fx.h, n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        assert_true(ra_heap_usable_size(&fx.h, p) >= n);
        memset(p, 0xab, n);
        assert_true(ra_heap_owns(&fx.h, p));
        assert_heap_ok(&fx.h);
    }
    assert_int_equal(stats().live_blocks, 300);
    assert_int_equal(stats().used_bytes, 299 * 300 / 2);
}

static void test_malloc_zero_is_unique(void **state)
{
    (void)state;
    void *a = ra_heap_malloc(&fx.h, 0), *b = ra_heap_malloc(&fx.h, 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    ra_heap_free(&fx.h, a);
    ra_heap_free(&fx.h, b);
    assert_int_equal(fx.rep.count, 0);
    assert_heap_ok(&fx.h);
}

static void test_malloc_huge_sizes(void **state)
{
    (void)state;
    const size_t bad[] = {SIZE_MAX, SIZE_MAX - 15, (size_t)PTRDIFF_MAX + 1, (size_t)PTRDIFF_MAX,
                          ARENA_BYTES, (size_t)1 << 40};
    ra_heap_stats before = stats();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        errno = 0;
        assert_null(ra_heap_malloc(&fx.h, bad[i]));
        assert_int_equal(errno, ENOMEM);
        assert_heap_ok(&fx.h);
    }
    ra_heap_stats after = stats();
    assert_same_heap(&before, &after);
    assert_int_equal(after.failed_requests, sizeof bad / sizeof bad[0]);
}

static void test_malloc_exhaustion_and_recovery(void **state)
{
    (void)state;
    void *blocks[70000];
    size_t n = 0;
    while (n < 70000 && (blocks[n] = ra_heap_malloc(&fx.h, 100)) != NULL)
        n++;
    assert_true(n > 1000 && n < 70000);
    assert_int_equal(errno, ENOMEM);
    assert_heap_ok(&fx.h);
    /* The fit guarantee: nothing of the needed class is free. */
    ra_heap_stats s = stats();
    assert_true(s.largest_free < ra_heap_class_round(7) * 16);
    for (size_t i = 0; i < n; i += 2)
        ra_heap_free(&fx.h, blocks[i]);
    assert_heap_ok(&fx.h);
    assert_non_null(ra_heap_malloc(&fx.h, 100)); /* recycled */
    for (size_t i = 1; i < n; i += 2)
        ra_heap_free(&fx.h, blocks[i]);
    assert_heap_ok(&fx.h);
}

/* Sizes that fit the arena exactly, and the whole-arena request. */
static void test_malloc_whole_arena(void **state)
{
    (void)state;
    ra_heap_stats s = stats();
    void *p = ra_heap_malloc(&fx.h, s.arena_bytes);
    /* The whole arena is one block of a class-boundary size only when arena units are a class
     * boundary; otherwise the fit guarantee allows failure. Either way the heap stays sound. */
    if (ra_heap_class_round(s.arena_bytes / 16) == s.arena_bytes / 16)
        assert_non_null(p);
    assert_heap_ok(&fx.h);
    ra_heap_free(&fx.h, p);
    void *q = ra_heap_malloc(&fx.h, s.arena_bytes + 1);
    assert_null(q);
    assert_heap_ok(&fx.h);
}

/* ---- free and merging ----------------------------------------------------------------------- */

static void test_free_merges_neighbours(void **state)
{
    (void)state;
    void *a = ra_heap_malloc(&fx.h, 64), *b = ra_heap_malloc(&fx.h, 64),
         *c = ra_heap_malloc(&fx.h, 64), *d = ra_heap_malloc(&fx.h, 64);
    assert_non_null(d);
    size_t free_blocks = stats().free_blocks; /* the tail after d */
    ra_heap_free(&fx.h, a);
    assert_int_equal(stats().free_blocks, free_blocks + 1);
    ra_heap_free(&fx.h, c);
    assert_int_equal(stats().free_blocks, free_blocks + 2);
    ra_heap_free(&fx.h, b); /* joins a and c: one block */
    assert_int_equal(stats().free_blocks, free_blocks + 1);
    assert_heap_ok(&fx.h);
    ra_heap_free(&fx.h, d); /* joins everything */
    assert_int_equal(stats().free_blocks, 1);
    assert_int_equal(stats().free_bytes, stats().arena_bytes);
    assert_true(stats().fragmentation == 0.0);
    assert_heap_ok(&fx.h);
}

static void test_free_null_and_errno(void **state)
{
    (void)state;
    void *p = ra_heap_malloc(&fx.h, 10);
    errno = 12345;
    ra_heap_free(&fx.h, NULL);
    assert_int_equal(errno, 12345);
    ra_heap_free(&fx.h, p);
    assert_int_equal(errno, 12345);
    ra_heap_free(&fx.h, p); /* double free: reported, errno still kept */
    assert_int_equal(errno, 12345);
    assert_int_equal(fx.rep.count, 1);
}

static void test_bad_frees_are_reported_and_harmless(void **state)
{
    (void)state;
    static _Alignas(16) char foreign[64];
    unsigned char *a = ra_heap_malloc(&fx.h, 100);
    unsigned char *b = ra_heap_malloc(&fx.h, 40);
    memset(a, 1, 100);
    memset(b, 2, 40);
    ra_heap_stats before = stats();
    struct {
        void *ptr;
        const char *needle;
    } cases[] = {
        {foreign, "foreign"},  {a + 1, "misaligned"}, {a + 16, "interior"},
        {a + 32, "interior"},  {(void *)1, "foreign"},
        {fx.h.base + stats().arena_bytes - 16, "interior"}, /* inside the free tail */
        {fx.h.base + stats().arena_bytes, "foreign"},       /* one past the arena */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int before_count = fx.rep.count;
        ra_heap_free(&fx.h, cases[i].ptr);
        assert_int_equal(fx.rep.count, before_count + 1);
        assert_string_equal(fx.rep.op, "free");
        assert_ptr_equal(fx.rep.ptr, cases[i].ptr);
        if (strstr(fx.rep.reason, cases[i].needle) == NULL)
            fail_msg("case %zu: reason '%s' lacks '%s'", i, fx.rep.reason, cases[i].needle);
        ra_heap_stats after = stats();
        assert_same_heap(&before, &after);
        assert_heap_ok(&fx.h);
    }
    /* Double free, and a freed block's pointer after it merged with a neighbour. */
    ra_heap_free(&fx.h, b);
    int n = fx.rep.count;
    ra_heap_free(&fx.h, b);
    assert_int_equal(fx.rep.count, n + 1);
    assert_non_null(strstr(fx.rep.reason, "double free"));
    ra_heap_free(&fx.h, a); /* a merges with b's block */
    ra_heap_free(&fx.h, b);
    assert_int_equal(fx.rep.count, n + 2);
    assert_heap_ok(&fx.h);
    assert_int_equal(stats().invalid_frees, (size_t)fx.rep.count);
    /* realloc of a bad pointer: reported, NULL, EINVAL, nothing changed. */
    unsigned char *c = ra_heap_malloc(&fx.h, 32);
    memset(c, 7, 32);
    before = stats();
    errno = 0;
    assert_null(ra_heap_realloc(&fx.h, c + 16, 64));
    assert_int_equal(errno, EINVAL);
    assert_string_equal(fx.rep.op, "realloc");
    ra_heap_stats after = stats();
    assert_same_heap(&before, &after);
    for (int i = 0; i < 32; i++)
        assert_int_equal(c[i], 7);
    assert_false(ra_heap_owns(&fx.h, c + 16));
    assert_false(ra_heap_owns(&fx.h, NULL));
    assert_int_equal(ra_heap_usable_size(&fx.h, c + 16), 0);
    assert_int_equal(ra_heap_usable_size(&fx.h, NULL), 0);
}

/* The default handler prints the pointer and the reason and aborts: run it in a child. */
static void test_default_handler_aborts(void **state)
{
    (void)state;
    fflush(NULL);
    FILE *out = popen("./build/tests/heap_abort_probe 2>&1; echo exit=$?", "r");
    if (out == NULL)
        skip();
    char buf[512] = {0};
    size_t got = fread(buf, 1, sizeof buf - 1, out);
    pclose(out);
    (void)got;
    if (strstr(buf, "not found") != NULL)
        skip(); /* probe not built (run outside make) */
    assert_non_null(strstr(buf, "refalloc: free("));
    assert_non_null(strstr(buf, "double free"));
    assert_non_null(strstr(buf, "exit=134"));
}

/* ---- realloc -------------------------------------------------------------------------------- */

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed + i * 7u);
}

static void assert_filled(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(seed + i * 7u))
            fail_msg("byte %zu of %zu changed", i, n);
}

static void test_realloc_null_and_zero(void **state)
{
    (void)state;
    void *p = ra_heap_realloc(&fx.h, NULL, 40);
    assert_non_null(p);
    assert_int_equal(stats().live_blocks, 1);
    assert_null(ra_heap_realloc(&fx.h, p, 0)); /* frees, as glibc */
    assert_int_equal(stats().live_blocks, 0);
    assert_int_equal(fx.rep.count, 0);
    assert_heap_ok(&fx.h);
}

static void test_realloc_in_place(void **state)
{
    (void)state;
    unsigned char *a = ra_heap_malloc(&fx.h, 100);
    fill(a, 100, 3);
    /* Grow into the free tail: in place. */
    unsigned char *b = ra_heap_realloc(&fx.h, a, 1000);
    assert_ptr_equal(a, b);
    assert_filled(b, 100, 3);
    assert_int_equal(stats().realloc_in_place, 1);
    assert_int_equal(stats().used_bytes, 1000);
    assert_heap_ok(&fx.h);
    /* Shrink: in place, the tail merges with the free space after it. */
    b = ra_heap_realloc(&fx.h, b, 50);
    assert_ptr_equal(a, b);
    assert_filled(b, 50, 3);
    assert_int_equal(stats().realloc_in_place, 2);
    assert_int_equal(stats().free_blocks, 1);
    assert_heap_ok(&fx.h);
    /* Same size class: in place, nothing moves. */
    b = ra_heap_realloc(&fx.h, b, 52);
    assert_ptr_equal(a, b);
    assert_int_equal(stats().realloc_moved, 0);
    assert_heap_ok(&fx.h);
}

static void test_realloc_moves_when_blocked(void **state)
{
    (void)state;
    unsigned char *a = ra_heap_malloc(&fx.h, 64);
    unsigned char *wall = ra_heap_malloc(&fx.h, 16);
    fill(a, 64, 9);
    unsigned char *b = ra_heap_realloc(&fx.h, a, 5000);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    assert_filled(b, 64, 9);
    assert_int_equal(stats().realloc_moved, 1);
    assert_false(ra_heap_owns(&fx.h, a));
    assert_true(ra_heap_owns(&fx.h, wall));
    assert_int_equal(stats().live_blocks, 2);
    assert_int_equal(stats().used_bytes, 5016);
    assert_heap_ok(&fx.h);
}

static void test_realloc_failure_keeps_block(void **state)
{
    (void)state;
    unsigned char *a = ra_heap_malloc(&fx.h, 300);
    unsigned char *wall = ra_heap_malloc(&fx.h, 16);
    (void)wall;
    fill(a, 300, 5);
    const size_t sizes[] = {SIZE_MAX, (size_t)PTRDIFF_MAX + 1, ARENA_BYTES};
    for (size_t i = 0; i < 3; i++) {
        ra_heap_stats before = stats();
        errno = 0;
        assert_null(ra_heap_realloc(&fx.h, a, sizes[i]));
        assert_int_equal(errno, ENOMEM);
        ra_heap_stats after = stats();
        assert_same_heap(&before, &after);
        assert_true(ra_heap_owns(&fx.h, a));
        assert_filled(a, 300, 5);
        assert_heap_ok(&fx.h);
    }
}

/* ---- calloc --------------------------------------------------------------------------------- */

static void test_calloc_zeroes_recycled_memory(void **state)
{
    (void)state;
    unsigned char *a = ra_heap_malloc(&fx.h, 4096);
    memset(a, 0xff, 4096);
    ra_heap_free(&fx.h, a);
    unsigned char *b = ra_heap_calloc(&fx.h, 64, 64);
    assert_ptr_equal(a, b); /* the same memory, recycled */
    size_t n = ra_heap_usable_size(&fx.h, b);
    assert_true(n >= 4096);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(b[i], 0);
    assert_heap_ok(&fx.h);
}

static void test_calloc_overflow(void **state)
{
    (void)state;
    const size_t pairs[][2] = {{SIZE_MAX, 2}, {2, SIZE_MAX}, {(size_t)1 << 32, (size_t)1 << 32},
                               {(size_t)PTRDIFF_MAX / 2 + 1, 2}, {65536, 65536}};
    ra_heap_stats before = stats();
    for (size_t i = 0; i < 5; i++) {
        errno = 0;
        assert_null(ra_heap_calloc(&fx.h, pairs[i][0], pairs[i][1]));
        assert_int_equal(errno, ENOMEM);
    }
    ra_heap_stats after = stats();
    assert_same_heap(&before, &after);
    void *z = ra_heap_calloc(&fx.h, 0, SIZE_MAX); /* product 0: a unique block */
    assert_non_null(z);
    assert_heap_ok(&fx.h);
}

/* ---- aligned_alloc ------------------------------------------------------------------------- */

static void test_aligned_alloc_alignments(void **state)
{
    (void)state;
    void *spacer = ra_heap_malloc(&fx.h, 16); /* make the free space start unaligned */
    (void)spacer;
    for (size_t a = 1; a <= 65536; a *= 2) {
        for (size_t n = 0; n < 200; n += 37) {
            unsigned char *p = ra_heap_aligned_alloc(&fx.h, a, n);
            assert_non_null(p);
            assert_int_equal((uintptr_t)p % a, 0);
            assert_int_equal((uintptr_t)p % 16, 0);
            assert_true(ra_heap_usable_size(&fx.h, p) >= n);
            memset(p, 0x5a, n);
            assert_heap_ok(&fx.h);
            if (n % 2 == 0)
                ra_heap_free(&fx.h, p);
            assert_heap_ok(&fx.h);
        }
    }
}

static void test_aligned_alloc_bad(void **state)
{
    (void)state;
    const size_t bad_align[] = {0, 3, 24, 48, 100, SIZE_MAX, (size_t)PTRDIFF_MAX};
    ra_heap_stats before = stats();
    for (size_t i = 0; i < sizeof bad_align / sizeof bad_align[0]; i++) {
        errno = 0;
        assert_null(ra_heap_aligned_alloc(&fx.h, bad_align[i], 16));
        assert_int_equal(errno, EINVAL);
    }
    const size_t huge_align[] = {(size_t)1 << 40, (size_t)1 << 63, ARENA_BYTES};
    for (size_t i = 0; i < 3; i++) {
        errno = 0;
        assert_null(ra_heap_aligned_alloc(&fx.h, huge_align[i], 16));
        assert_int_equal(errno, ENOMEM);
    }
    errno = 0;
    assert_null(ra_heap_aligned_alloc(&fx.h, 64, SIZE_MAX));
    assert_int_equal(errno, ENOMEM);
    ra_heap_stats after = stats();
    assert_same_heap(&before, &after);
    assert_heap_ok(&fx.h);
}

/* ---- stats, reset, extend, class rounding ------------------------------------------------- */

static void test_stats_counters(void **state)
{
    (void)state;
    void *a = ra_heap_malloc(&fx.h, 1000), *b = ra_heap_malloc(&fx.h, 1000),
         *c = ra_heap_malloc(&fx.h, 1000);
    (void)c;
    ra_heap_free(&fx.h, a);
    ra_heap_stats s = stats();
    assert_int_equal(s.used_bytes, 2000);
    assert_int_equal(s.peak_used_bytes, 3000);
    assert_int_equal(s.live_blocks, 2);
    assert_int_equal(s.free_blocks, 2);
    assert_int_equal(s.live_bytes + s.free_bytes, s.arena_bytes);
    assert_int_equal(s.largest_free, s.arena_bytes - 3 * 1008);
    double want = 1.0 - (double)s.largest_free / (double)s.free_bytes;
    assert_true(s.fragmentation > want - 1e-12 && s.fragmentation < want + 1e-12);
    assert_true(s.fragmentation > 0.0);
    ra_heap_free(&fx.h, b);
    assert_int_equal(stats().free_blocks, 2); /* a and b merged */
}

static void test_reset(void **state)
{
    (void)state;
    for (int i = 0; i < 100; i++)
        ra_heap_malloc(&fx.h, (size_t)i * 13);
    ra_heap_reset(&fx.h);
    ra_heap_stats s = stats();
    assert_int_equal(s.live_blocks, 0);
    assert_int_equal(s.free_blocks, 1);
    assert_int_equal(s.used_bytes, 0);
    assert_int_equal(s.peak_used_bytes, 0);
    assert_heap_ok(&fx.h);
}

static void test_class_round(void **state)
{
    (void)state;
    for (size_t u = 0; u < 16; u++)
        assert_int_equal(ra_heap_class_round(u), u);
    assert_int_equal(ra_heap_class_round(16), 16);
    assert_int_equal(ra_heap_class_round(31), 31);
    assert_int_equal(ra_heap_class_round(33), 34);
    assert_int_equal(ra_heap_class_round(64), 64);
    assert_int_equal(ra_heap_class_round(65), 68);
    assert_int_equal(ra_heap_class_round(1000), 1024);
    for (size_t u = 1; u < 100000; u += 7) {
        size_t r = ra_heap_class_round(u);
        assert_true(r >= u && r < u + u / 16 + 1);
        assert_int_equal(ra_heap_class_round(r), r);
    }
}

static void test_split_and_extend(void **state)
{
    (void)state;
    static _Alignas(16) unsigned char meta[(4096 + 1) * 16];
    static _Alignas(4096) unsigned char user[4096 * 16];
    ra_heap h;
    assert_int_equal(ra_heap_init_split(&h, (ra_heap_unit *)(void *)meta, 4096, false, user, 1024),
                     RA_OK);
    ra_heap_set_error_handler(&h, record, &fx.rep);
    void *a = ra_heap_malloc(&h, 1000);
    assert_non_null(a);
    assert_null(ra_heap_malloc(&h, 100)); /* 24 bytes left */
    assert_int_equal(ra_heap_extend(&h, 4096), RA_OK); /* last block free: it grows */
    assert_heap_ok(&h);
    void *b = ra_heap_malloc(&h, 3000);
    assert_non_null(b);
    assert_int_equal(ra_heap_extend(&h, 16 * 16), RA_OK); /* last block live: a new one */
    assert_heap_ok(&h);
    assert_int_equal(ra_heap_extend(&h, 7), RA_EINVAL_ARG);
    assert_int_equal(ra_heap_extend(&h, 4096 * 16), RA_ETOOLARGE);
    assert_int_equal(ra_heap_extend(&h, 0), RA_OK);
    assert_heap_ok(&h);
    ra_heap_free(&h, a);
    ra_heap_free(&h, b);
    ra_heap_stats s;
    ra_heap_stats_get(&h, &s);
    assert_int_equal(s.free_blocks, 1);
    assert_int_equal(s.arena_bytes, 1024 + 4096 + 256);
    assert_int_equal(ra_heap_init_split(&h, (ra_heap_unit *)(void *)meta, 10, false, user, 1024),
                     RA_ETOOSMALL);
    assert_int_equal(ra_heap_init_split(&h, (ra_heap_unit *)(void *)meta, 64, false, user + 8, 1024),
                     RA_EMISALIGNED);
}

/* ---- the checker finds broken invariants --------------------------------------------------- */

static void test_check_detects_corruption(void **state)
{
    (void)state;
    void *a = ra_heap_malloc(&fx.h, 100), *b = ra_heap_malloc(&fx.h, 100),
         *c = ra_heap_malloc(&fx.h, 100);
    (void)c;
    ra_heap_free(&fx.h, b);
    assert_heap_ok(&fx.h);
    ra_heap saved = fx.h;
    ra_heap_unit *m = fx.h.meta;
    uint32_t ua = (uint32_t)(((char *)a - fx.h.base) / 16);

    ra_heap_unit keep = m[ua];
    m[ua].size += 1; /* tiling broken */
    assert_int_not_equal(ra_heap_check(&fx.h, RA_CHECK_FULL, NULL), RA_OK);
    m[ua] = keep;
    m[ua + 2].size = 3; /* a stray start inside a */
    assert_int_equal(ra_heap_check(&fx.h, RA_CHECK_FULL, NULL), RA_FAULT_TILING);
    m[ua + 2].size = 0;
    assert_heap_ok(&fx.h);

    fx.h.used_bytes++; /* a counter off by one */
    assert_int_equal(ra_heap_check(&fx.h, 0, NULL), RA_FAULT_COUNTERS);
    fx.h = saved;
    fx.h.l.fl_bitmap ^= 1u << 20; /* a bitmap bit for an empty class */
    assert_int_equal(ra_heap_check(&fx.h, 0, NULL), RA_FAULT_BITMAP);
    fx.h = saved;
    m[ua].back = 0; /* a live block marked free next to a free block */
    assert_int_not_equal(ra_heap_check(&fx.h, 0, NULL), RA_OK);
    m[ua] = keep;
    assert_heap_ok(&fx.h);
    /* b's row (class 0) is not empty, so only the bits beyond the classes are wrong */
    assert_int_not_equal(fx.h.l.sl_bitmap[0], 0);
    fx.h.l.sl_bitmap[0] |= (uint64_t)1 << 40; /* a bit beyond the 16 lists of a row */
    assert_int_equal(ra_heap_check(&fx.h, 0, NULL), RA_FAULT_BITMAP);
    fx.h = saved;
    fx.h.l.fl_bitmap |= (uint64_t)1 << 50; /* a bit beyond the 28 rows */
    assert_int_equal(ra_heap_check(&fx.h, 0, NULL), RA_FAULT_BITMAP);
    fx.h = saved;
    assert_heap_ok(&fx.h);
}

/* RA_CHECK_FULL also scans the records past the used units when they were promised zero. */
static void test_check_beyond(void **state)
{
    (void)state;
    static ra_heap_unit meta[65]; /* static: zero, as the promise says */
    static _Alignas(16) char user[64 * 16];
    ra_heap h;
    assert_int_equal(ra_heap_init_split(&h, meta, 64, true, user, 32 * 16), RA_OK);
    assert_heap_ok(&h);
    meta[40].next = 5; /* a record past the used units */
    size_t unit = 0;
    assert_int_equal(ra_heap_check(&h, RA_CHECK_FULL, &unit), RA_FAULT_TILING);
    assert_int_equal(unit, 40);
    assert_int_equal(ra_heap_check(&h, 0, NULL), RA_OK); /* O(blocks) mode does not look */
    meta[40].next = 0;
    assert_heap_ok(&h);
}

/* ---- a long seeded random run --------------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void test_random_long_run(void **state)
{
    (void)state;
    enum { SLOTS = 256, OPS = 40000 };
    unsigned char *p[SLOTS] = {0};
    size_t sz[SLOTS] = {0};
    unsigned seed[SLOTS] = {0};
    size_t used = 0, live = 0;
    for (unsigned i = 0; i < OPS; i++) {
        unsigned k = (unsigned)(rnd() % SLOTS);
        unsigned op = (unsigned)(rnd() % 5);
        size_t n = rnd() % 4 == 0 ? rnd() % 20000 : rnd() % 300;
        if (p[k] != NULL)
            assert_filled(p[k], sz[k], seed[k]);
        if (op == 0 && p[k] == NULL) {
            p[k] = ra_heap_malloc(&fx.h, n);
            if (p[k] != NULL) {
                sz[k] = n, seed[k] = i, used += n, live++;
                fill(p[k], n, i);
            }
        } else if (op == 1 && p[k] == NULL) {
            size_t a = (size_t)1 << (rnd() % 13);
            p[k] = ra_heap_aligned_alloc(&fx.h, a, n);
            if (p[k] != NULL) {
                assert_int_equal((uintptr_t)p[k] % a, 0);
                sz[k] = n, seed[k] = i, used += n, live++;
                fill(p[k], n, i);
            }
        } else if (op == 2 && p[k] != NULL) {
            unsigned char *q = ra_heap_realloc(&fx.h, p[k], n + 1);
            if (q != NULL) {
                assert_filled(q, n + 1 < sz[k] ? n + 1 : sz[k], seed[k]);
                used = used - sz[k] + n + 1;
                p[k] = q, sz[k] = n + 1, seed[k] = i;
                fill(q, n + 1, i);
            }
        } else if (p[k] != NULL) {
            ra_heap_free(&fx.h, p[k]);
            used -= sz[k], live--;
            p[k] = NULL;
        }
        size_t unit = 0;
        ra_status s = ra_heap_check(&fx.h, i % 64 == 0 ? RA_CHECK_FULL : 0, &unit);
        if (s != RA_OK)
            fail_msg("op %u: %s (unit %zu)", i, ra_status_str(s), unit);
        ra_heap_stats st = stats();
        assert_int_equal(st.used_bytes, used);
        assert_int_equal(st.live_blocks, live);
    }
    for (unsigned k = 0; k < SLOTS; k++)
        ra_heap_free(&fx.h, p[k]);
    assert_int_equal(stats().free_blocks, 1);
    assert_int_equal(stats().used_bytes, 0);
    assert_int_equal(fx.rep.count, 0);
    assert_heap_ok(&fx.h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init_errors, setup),
        cmocka_unit_test_setup(test_init_state, setup),
        cmocka_unit_test_setup(test_malloc_alignment_and_size, setup),
        cmocka_unit_test_setup(test_malloc_zero_is_unique, setup),
        cmocka_unit_test_setup(test_malloc_huge_sizes, setup),
        cmocka_unit_test_setup(test_malloc_exhaustion_and_recovery, setup),
        cmocka_unit_test_setup(test_malloc_whole_arena, setup),
        cmocka_unit_test_setup(test_free_merges_neighbours, setup),
        cmocka_unit_test_setup(test_free_null_and_errno, setup),
        cmocka_unit_test_setup(test_bad_frees_are_reported_and_harmless, setup),
        cmocka_unit_test_setup(test_default_handler_aborts, setup),
        cmocka_unit_test_setup(test_realloc_null_and_zero, setup),
        cmocka_unit_test_setup(test_realloc_in_place, setup),
        cmocka_unit_test_setup(test_realloc_moves_when_blocked, setup),
        cmocka_unit_test_setup(test_realloc_failure_keeps_block, setup),
        cmocka_unit_test_setup(test_calloc_zeroes_recycled_memory, setup),
        cmocka_unit_test_setup(test_calloc_overflow, setup),
        cmocka_unit_test_setup(test_aligned_alloc_alignments, setup),
        cmocka_unit_test_setup(test_aligned_alloc_bad, setup),
        cmocka_unit_test_setup(test_stats_counters, setup),
        cmocka_unit_test_setup(test_reset, setup),
        cmocka_unit_test_setup(test_class_round, setup),
        cmocka_unit_test_setup(test_split_and_extend, setup),
        cmocka_unit_test_setup(test_check_detects_corruption, setup),
        cmocka_unit_test(test_check_beyond),
        cmocka_unit_test_setup(test_random_long_run, setup),
    };
    return cmocka_run_group_tests_name("heap", tests, NULL, NULL);
}
