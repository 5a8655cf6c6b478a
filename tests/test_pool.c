/* Unit tests for ref/pool: every documented behaviour of ref/pool.h and every bad input.
 * A recording error handler replaces the default one, so bad frees are observed, not fatal;
 * the default handler (print + abort) is tested in a child process. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "pool.h"

#define BUF_BYTES 4096u
#define MAX_CAP 1024u

/* Buffer with known (16-byte) alignment, so tests can offset it to misalign on purpose. */
static _Alignas(4096) char g_buf[BUF_BYTES + 64];

typedef struct {
    int calls;
    const ra_pool *pool;
    const char *op;
    const void *ptr;
    const char *reason;
} reports;

static void record(const ra_pool *p, const char *op, const void *ptr, const char *reason,
                   void *ctx)
{
    reports *r = ctx;
    r->calls++;
    r->pool = p;
    r->op = op;
    r->ptr = ptr;
    r->reason = reason;
}

/* A copy of everything a bad free must leave alone. */
typedef struct {
    ra_pool p;
    uint32_t free_idx[MAX_CAP];
    uint32_t pos[MAX_CAP];
} snapshot;

static void take(const ra_pool *p, snapshot *s)
{
    assert_true(p->capacity <= MAX_CAP);
    s->p = *p;
    memcpy(s->free_idx, p->free_idx, p->capacity * sizeof(uint32_t));
    memcpy(s->pos, p->pos, p->capacity * sizeof(uint32_t));
}

static void assert_same(const ra_pool *p, const snapshot *s)
{
    assert_memory_equal(&s->p, p, sizeof *p);
    assert_memory_equal(s->free_idx, p->free_idx, p->capacity * sizeof(uint32_t));
    assert_memory_equal(s->pos, p->pos, p->capacity * sizeof(uint32_t));
}

static void setup_pool(ra_pool *p, reports *r, size_t size, size_t align)
{
    memset(r, 0, sizeof *r);
    assert_int_equal(ra_pool_init(p, g_buf, BUF_BYTES, size, align), RA_POOL_OK);
    ra_pool_set_error_handler(p, record, r);
    assert_int_equal(ra_pool_check(p), RA_POOL_OK);
}

static void test_init_errors(void **state)
{
    (void)state;
    ra_pool p;
    assert_int_equal(ra_pool_init(NULL, g_buf, BUF_BYTES, 16, 8), RA_POOL_EINVAL_ARG);
    assert_int_equal(ra_pool_init(&p, NULL, BUF_BYTES, 16, 8), RA_POOL_EINVAL_ARG);
    assert_int_equal(ra_pool_init(&p, g_buf, BUF_BYTES, 0, 8), RA_POOL_EBAD_SIZE);
    assert_int_equal(ra_pool_init(&p, g_buf, BUF_BYTES, SIZE_MAX, 1), RA_POOL_ETOOSMALL);
    assert_int_equal(ra_pool_init(&p, g_buf, BUF_BYTES, SIZE_MAX, 2), RA_POOL_EBAD_SIZE);
    assert_int_equal(ra_pool_init(&p, g_buf, BUF_BYTES, SIZE_MAX - 14, 16), RA_POOL_EBAD_SIZE);
    assert_int_equal(ra_pool_init(&p, g_buf, BUF_BYTES, SIZE_MAX - 15, 16), RA_POOL_ETOOSMALL);
    assert_int_equal(ra_pool_init(&p, g_buf, BUF_BYTES, 16, 0), RA_POOL_EBAD_ALIGN);
    assert_int_equal(ra_pool_init(&p, g_buf, BUF_BYTES, 16, 3), RA_POOL_EBAD_ALIGN);
    assert_int_equal(ra_pool_init(&p, g_buf, BUF_BYTES, 16, 24), RA_POOL_EBAD_ALIGN);
    assert_int_equal(ra_pool_init(&p, g_buf, BUF_BYTES, 16, SIZE_MAX), RA_POOL_EBAD_ALIGN);
    /* alignment is checked before size */
    assert_int_equal(ra_pool_init(&p, g_buf, BUF_BYTES, 0, 3), RA_POOL_EBAD_ALIGN);
    assert_int_equal(ra_pool_init(&p, g_buf, 0, 16, 8), RA_POOL_ETOOSMALL);
    assert_int_equal(ra_pool_init(&p, g_buf, 16, 16, 8), RA_POOL_ETOOSMALL);
    assert_int_equal(ra_pool_init(&p, g_buf, 23, 16, 8), RA_POOL_ETOOSMALL);
    assert_int_equal(ra_pool_init(&p, g_buf, 24, 16, 8), RA_POOL_OK); /* 8 meta + 16 */
    assert_int_equal(ra_pool_capacity(&p), 1);
    assert_int_equal(ra_pool_init(&p, g_buf, BUF_BYTES, BUF_BYTES, 1), RA_POOL_ETOOSMALL);
    /* huge alignment: the padding alone exceeds the buffer */
    assert_int_equal(ra_pool_init(&p, g_buf + 1, 200, 16, 1u << 20), RA_POOL_ETOOSMALL);
    assert_int_equal(ra_pool_capacity_for(NULL, BUF_BYTES, 16, 8), 0);
    assert_int_equal(ra_pool_capacity_for(g_buf, BUF_BYTES, 0, 8), 0);
    assert_int_equal(ra_pool_capacity_for(g_buf, BUF_BYTES, 16, 5), 0);
    assert_int_equal(ra_pool_capacity_for(g_buf, 3, 16, 8), 0);
}

static void test_init_split_errors(void **state)
{
    (void)state;
    ra_pool p;
    uint32_t fi[8], pos[8];
    assert_int_equal(ra_pool_init_split(NULL, fi, pos, 8, g_buf, 256, 16, 16), RA_POOL_EINVAL_ARG);
    assert_int_equal(ra_pool_init_split(&p, NULL, pos, 8, g_buf, 256, 16, 16), RA_POOL_EINVAL_ARG);
    assert_int_equal(ra_pool_init_split(&p, fi, NULL, 8, g_buf, 256, 16, 16), RA_POOL_EINVAL_ARG);
    assert_int_equal(ra_pool_init_split(&p, fi, pos, 8, NULL, 256, 16, 16), RA_POOL_EINVAL_ARG);
    assert_int_equal(ra_pool_init_split(&p, fi, pos, 0, g_buf, 256, 16, 16), RA_POOL_ETOOSMALL);
    assert_int_equal(ra_pool_init_split(&p, fi, pos, 8, g_buf, 15, 16, 16), RA_POOL_ETOOSMALL);
    assert_int_equal(ra_pool_init_split(&p, fi, pos, 8, g_buf + 1, 16, 16, 16),
                     RA_POOL_ETOOSMALL); /* 15 bytes of padding, 1 left */
    assert_int_equal(ra_pool_init_split(&p, fi, pos, 8, g_buf + 1, 14, 16, 16),
                     RA_POOL_ETOOSMALL); /* padding larger than the buffer */
    assert_int_equal(ra_pool_init_split(&p, fi, pos, 8, g_buf, 256, 16, 12), RA_POOL_EBAD_ALIGN);
    assert_int_equal(ra_pool_init_split(&p, fi, pos, 8, g_buf, 256, 0, 16), RA_POOL_EBAD_SIZE);
}

static void test_init_split_geometry(void **state)
{
    (void)state;
    ra_pool p;
    uint32_t fi[8], pos[8];
    /* max_blocks caps the count */
    assert_int_equal(ra_pool_init_split(&p, fi, pos, 8, g_buf, 4096, 16, 16), RA_POOL_OK);
    assert_int_equal(ra_pool_capacity(&p), 8);
    assert_int_equal(ra_pool_check(&p), RA_POOL_OK);
    /* the buffer caps the count; blocks start at the first aligned address */
    assert_int_equal(ra_pool_init_split(&p, fi, pos, 8, g_buf + 3, 64, 10, 16), RA_POOL_OK);
    assert_int_equal(ra_pool_block_size(&p), 16);
    assert_int_equal(ra_pool_capacity(&p), 3); /* 13 bytes padding + 3 * 16 <= 64 */
    char *b0 = ra_pool_alloc(&p);
    assert_ptr_equal(b0, g_buf + 16);
    assert_ptr_equal(p.free_idx, fi);
    assert_ptr_equal(p.pos, pos);
}

static void test_geometry(void **state)
{
    (void)state;
    static const size_t sizes[] = { 1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 100, 1000 };
    static const size_t aligns[] = { 1, 2, 4, 8, 16, 64, 256, 1024 };
    for (size_t off = 0; off < 8; off++) {
        for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
            for (size_t ai = 0; ai < sizeof aligns / sizeof aligns[0]; ai++) {
                size_t size = sizes[si], align = aligns[ai];
                char *buf = g_buf + off;
                ra_pool p;
                size_t want = ra_pool_capacity_for(buf, BUF_BYTES, size, align);
                ra_pool_status st = ra_pool_init(&p, buf, BUF_BYTES, size, align);
                if (want == 0) {
                    assert_int_equal(st, RA_POOL_ETOOSMALL);
                    continue;
                }
                assert_int_equal(st, RA_POOL_OK);
                size_t stride = ra_pool_block_size(&p);
                assert_true(stride >= size && stride % align == 0 && stride - size < align);
                assert_int_equal(ra_pool_capacity(&p), want);
                assert_int_equal(ra_pool_free_count(&p), want);
                assert_int_equal(ra_pool_live(&p), 0);
                /* metadata before the blocks, blocks inside the buffer */
                char *meta_end = (char *)(p.pos + want);
                assert_true((char *)p.free_idx >= buf);
                assert_true(meta_end <= p.base);
                assert_true(p.base + want * stride <= buf + BUF_BYTES);
                /* not wasteful: one more block (with its metadata) would not fit */
                assert_true(p.base + (want + 1) * stride + 8 > buf + BUF_BYTES ||
                            want == RA_POOL_MAX_BLOCKS);
                char *prev = NULL;
                for (size_t i = 0; i < want; i++) {
                    char *b = ra_pool_alloc(&p);
                    assert_non_null(b);
                    assert_int_equal((uintptr_t)b % align, 0);
                    if (prev != NULL)
                        assert_ptr_equal(b, prev + stride); /* address order */
                    memset(b, 0xa5, stride); /* users may write every byte */
                    prev = b;
                }
                assert_int_equal(ra_pool_check(&p), RA_POOL_OK);
                errno = 0;
                assert_null(ra_pool_alloc(&p));
                assert_int_equal(errno, ENOMEM);
            }
        }
    }
}

static void test_alloc_exhaust(void **state)
{
    (void)state;
    ra_pool p;
    reports r;
    setup_pool(&p, &r, 32, 16);
    size_t cap = ra_pool_capacity(&p);
    assert_int_equal(cap, (BUF_BYTES - 0) / 40); /* 8 meta bytes + 32 per block, aligned buf */
    void *seen[MAX_CAP];
    for (size_t i = 0; i < cap; i++) {
        seen[i] = ra_pool_alloc(&p);
        assert_non_null(seen[i]);
        assert_true(ra_pool_owns(&p, seen[i]));
        for (size_t j = 0; j < i; j++)
            assert_ptr_not_equal(seen[i], seen[j]);
        assert_int_equal(ra_pool_live(&p), i + 1);
        assert_int_equal(ra_pool_free_count(&p), cap - i - 1);
        assert_int_equal(ra_pool_check(&p), RA_POOL_OK);
    }
    snapshot s;
    take(&p, &s);
    errno = 0;
    assert_null(ra_pool_alloc(&p));
    assert_int_equal(errno, ENOMEM);
    assert_null(ra_pool_alloc(&p));
    assert_same(&p, &s);
    /* one free makes exactly that block available again */
    ra_pool_free(&p, seen[7]);
    assert_int_equal(ra_pool_check(&p), RA_POOL_OK);
    assert_ptr_equal(ra_pool_alloc(&p), seen[7]);
    assert_null(ra_pool_alloc(&p));
    assert_int_equal(r.calls, 0);
}

static void test_lifo_recycling(void **state)
{
    (void)state;
    ra_pool p;
    reports r;
    setup_pool(&p, &r, 24, 8);
    void *a = ra_pool_alloc(&p), *b = ra_pool_alloc(&p), *c = ra_pool_alloc(&p);
    assert_ptr_equal((char *)b, (char *)a + 24);
    ra_pool_free(&p, a);
    ra_pool_free(&p, c);
    ra_pool_free(&p, b);
    assert_int_equal(ra_pool_check(&p), RA_POOL_OK);
    assert_ptr_equal(ra_pool_alloc(&p), b);
    assert_ptr_equal(ra_pool_alloc(&p), c);
    assert_ptr_equal(ra_pool_alloc(&p), a);
    /* then the never-used blocks, in address order */
    assert_ptr_equal(ra_pool_alloc(&p), (char *)c + 24);
    assert_int_equal(ra_pool_check(&p), RA_POOL_OK);
    assert_int_equal(r.calls, 0);
}

static void test_free_null(void **state)
{
    (void)state;
    ra_pool p;
    reports r;
    setup_pool(&p, &r, 16, 16);
    (void)ra_pool_alloc(&p);
    snapshot s;
    take(&p, &s);
    errno = 1234;
    ra_pool_free(&p, NULL);
    assert_int_equal(errno, 1234);
    assert_same(&p, &s);
    assert_int_equal(r.calls, 0);
    assert_false(ra_pool_owns(&p, NULL));
}

/* free(ptr) must be reported with `reason_part` and leave the pool bit-for-bit unchanged. */
static void expect_bad_free(ra_pool *p, reports *r, void *ptr, const char *reason_part)
{
    snapshot s;
    take(p, &s);
    int before = r->calls;
    errno = 4321;
    assert_false(ra_pool_owns(p, ptr));
    ra_pool_free(p, ptr);
    assert_int_equal(errno, 4321);
    assert_int_equal(r->calls, before + 1);
    assert_ptr_equal(r->pool, p);
    assert_string_equal(r->op, "free");
    assert_ptr_equal(r->ptr, ptr);
    assert_non_null(strstr(r->reason, reason_part));
    assert_same(p, &s);
    assert_int_equal(ra_pool_check(p), RA_POOL_OK);
}

static void test_bad_frees(void **state)
{
    (void)state;
    ra_pool p;
    reports r;
    setup_pool(&p, &r, 32, 16);
    size_t cap = ra_pool_capacity(&p);
    char *a = ra_pool_alloc(&p);
    char *b = ra_pool_alloc(&p);
    char *base = p.base;
    char *end = base + cap * 32;
    int local = 0;
    static char other[64];
    /* foreign: outside the blocks on either side, elsewhere in memory */
    expect_bad_free(&p, &r, &local, "not inside");
    expect_bad_free(&p, &r, other, "not inside");
    expect_bad_free(&p, &r, base - 1, "not inside");
    expect_bad_free(&p, &r, g_buf, "not inside"); /* the metadata */
    expect_bad_free(&p, &r, end, "not inside");
    expect_bad_free(&p, &r, end + 32, "not inside");
    expect_bad_free(&p, &r, (void *)(uintptr_t)1, "not inside");
    expect_bad_free(&p, &r, (void *)UINTPTR_MAX, "not inside");
    /* interior */
    expect_bad_free(&p, &r, a + 1, "inside a block");
    expect_bad_free(&p, &r, b + 31, "inside a block");
    expect_bad_free(&p, &r, b + 16, "inside a block");
    expect_bad_free(&p, &r, end - 1, "inside a block");
    /* never allocated, and double free */
    expect_bad_free(&p, &r, end - 32, "already free");
    ra_pool_free(&p, a);
    assert_int_equal(r.calls, 13);
    expect_bad_free(&p, &r, a, "already free");
    expect_bad_free(&p, &r, a, "already free");
    /* the good block is still live and freeable */
    assert_true(ra_pool_owns(&p, b));
    ra_pool_free(&p, b);
    assert_int_equal(ra_pool_live(&p), 0);
    expect_bad_free(&p, &r, b, "already free");
    assert_int_equal(r.calls, 16);
}

static void test_owns(void **state)
{
    (void)state;
    ra_pool p;
    reports r;
    setup_pool(&p, &r, 8, 8);
    char *a = ra_pool_alloc(&p);
    assert_true(ra_pool_owns(&p, a));
    assert_false(ra_pool_owns(&p, a + 1));
    assert_false(ra_pool_owns(&p, a + 8)); /* next block, still free */
    assert_false(ra_pool_owns(&p, g_buf + BUF_BYTES));
    ra_pool_free(&p, a);
    assert_false(ra_pool_owns(&p, a));
    assert_int_equal(r.calls, 0);
}

static void test_reset(void **state)
{
    (void)state;
    ra_pool p;
    reports r;
    setup_pool(&p, &r, 16, 16);
    void *first = ra_pool_alloc(&p);
    void *second = ra_pool_alloc(&p);
    ra_pool_free(&p, first);
    (void)ra_pool_alloc(&p);
    (void)ra_pool_alloc(&p);
    ra_pool_reset(&p);
    assert_int_equal(ra_pool_check(&p), RA_POOL_OK);
    assert_int_equal(ra_pool_live(&p), 0);
    assert_int_equal(ra_pool_free_count(&p), ra_pool_capacity(&p));
    assert_ptr_equal(ra_pool_alloc(&p), first); /* fresh order again */
    assert_ptr_equal(ra_pool_alloc(&p), second);
    /* the handler survives reset */
    ra_pool_reset(&p);
    ra_pool_free(&p, second);
    assert_int_equal(r.calls, 1);
}

static void test_check_detects_corruption(void **state)
{
    (void)state;
    ra_pool p;
    reports r;
    setup_pool(&p, &r, 16, 16);
    (void)ra_pool_alloc(&p);
    assert_int_equal(ra_pool_check(NULL), RA_POOL_EINVAL_ARG);
    ra_pool bad = p;
    bad.nfree = p.capacity + 1;
    assert_int_equal(ra_pool_check(&bad), RA_POOL_FAULT_GEOMETRY);
    bad = p;
    bad.stride = 0;
    assert_int_equal(ra_pool_check(&bad), RA_POOL_FAULT_GEOMETRY);
    bad = p;
    bad.capacity = 0;
    assert_int_equal(ra_pool_check(&bad), RA_POOL_FAULT_GEOMETRY);
    bad = p;
    bad.pos = NULL;
    assert_int_equal(ra_pool_check(&bad), RA_POOL_FAULT_GEOMETRY);
    bad = p;
    bad.stride = SIZE_MAX / 2;
    assert_int_equal(ra_pool_check(&bad), RA_POOL_FAULT_GEOMETRY);
    uint32_t saved = p.free_idx[3];
    p.free_idx[3] = (uint32_t)p.capacity;
    assert_int_equal(ra_pool_check(&p), RA_POOL_FAULT_INDEX);
    p.free_idx[3] = p.free_idx[4]; /* a duplicate entry */
    assert_int_equal(ra_pool_check(&p), RA_POOL_FAULT_INVERSE);
    p.free_idx[3] = saved;
    assert_int_equal(ra_pool_check(&p), RA_POOL_OK);
    saved = p.pos[0];
    p.pos[0] = (uint32_t)p.capacity;
    assert_int_equal(ra_pool_check(&p), RA_POOL_FAULT_INVERSE);
    p.pos[0] = saved;
    assert_int_equal(ra_pool_check(&p), RA_POOL_OK);
}

static void test_status_str(void **state)
{
    (void)state;
    for (int s = RA_POOL_OK; s <= RA_POOL_FAULT_INVERSE; s++) {
        const char *t = ra_pool_status_str((ra_pool_status)s);
        assert_non_null(t);
        assert_true(strlen(t) > 5);
        assert_null(strstr(t, "unknown"));
    }
    assert_non_null(strstr(ra_pool_status_str((ra_pool_status)99), "unknown"));
}

/* The default handler prints the pointer and the reason on stderr, then aborts. */
static void test_default_handler_aborts(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        ra_pool p;
        dup2(fds[1], 2);
        close(fds[0]);
        if (ra_pool_init(&p, g_buf, BUF_BYTES, 16, 16) != RA_POOL_OK)
            _exit(3);
        ra_pool_set_error_handler(&p, record, NULL);
        ra_pool_set_error_handler(&p, NULL, NULL); /* back to the default */
        ra_pool_free(&p, p.base + 1);
        _exit(4); /* not reached */
    }
    close(fds[1]);
    char msg[512] = { 0 };
    size_t got = 0;
    ssize_t n;
    while (got < sizeof msg - 1 && (n = read(fds[0], msg + got, sizeof msg - 1 - got)) > 0)
        got += (size_t)n;
    close(fds[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
    /* the child's pool has the same geometry as one built here on the same buffer */
    ra_pool same;
    assert_int_equal(ra_pool_init(&same, g_buf, BUF_BYTES, 16, 16), RA_POOL_OK);
    char want[64];
    snprintf(want, sizeof want, "free(%p)", (void *)(same.base + 1));
    assert_non_null(strstr(msg, want));
    assert_non_null(strstr(msg, "free(0x"));
    assert_non_null(strstr(msg, "inside a block"));
}

/* xorshift64*: deterministic, seeded. */
static uint64_t rng_state;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

/* Long run against a shadow model: live set, LIFO prediction of the next block, counts, the
 * invariant after every operation, bad frees that must change nothing. */
static void test_random_long_run(void **state)
{
    (void)state;
    static const uint64_t seeds[] = { 1, 42, 0x9e3779b97f4a7c15ull };
    for (size_t si = 0; si < sizeof seeds / sizeof seeds[0]; si++) {
        rng_state = seeds[si];
        ra_pool p;
        reports r;
        size_t size = 1 + (size_t)(rng() % 40), align = (size_t)1 << (rng() % 6);
        setup_pool(&p, &r, size, align);
        size_t cap = ra_pool_capacity(&p), stride = ra_pool_block_size(&p);
        char *live[MAX_CAP];
        size_t nlive = 0;
        char *last_freed = NULL; /* the block alloc must return next, if any */
        int expected_reports = 0;
        for (int op = 0; op < 20000; op++) {
            unsigned k = (unsigned)(rng() % 10);
            if (k < 5) {
                char *b = ra_pool_alloc(&p);
                if (nlive == cap) {
                    assert_null(b);
                } else {
                    assert_non_null(b);
                    if (last_freed != NULL)
                        assert_ptr_equal(b, last_freed);
                    for (size_t i = 0; i < nlive; i++)
                        assert_ptr_not_equal(b, live[i]);
                    assert_int_equal((size_t)(b - p.base) % stride, 0);
                    assert_int_equal((uintptr_t)b % align, 0);
                    memset(b, (int)(op & 0xff), size);
                    live[nlive++] = b;
                }
                last_freed = NULL;
            } else if (k < 9 && nlive > 0) {
                size_t i = (size_t)(rng() % nlive);
                char *b = live[i];
                live[i] = live[--nlive];
                ra_pool_free(&p, b);
                last_freed = b;
            } else {
                /* a bad free: interior of a live block, or a free block */
                snapshot s;
                take(&p, &s);
                if (nlive > 0 && stride > 1 && (rng() & 1)) {
                    ra_pool_free(&p, live[rng() % nlive] + 1 + rng() % (stride - 1));
                } else {
                    size_t blk = (size_t)(rng() % cap);
                    char *b = p.base + blk * stride;
                    int is_live = 0;
                    for (size_t i = 0; i < nlive; i++)
                        is_live |= live[i] == b;
                    if (is_live)
                        continue;
                    ra_pool_free(&p, b);
                }
                expected_reports++;
                assert_same(&p, &s);
            }
            assert_int_equal(r.calls, expected_reports);
            assert_int_equal(ra_pool_check(&p), RA_POOL_OK);
            assert_int_equal(ra_pool_live(&p), nlive);
            assert_int_equal(ra_pool_free_count(&p), cap - nlive);
        }
        for (size_t i = 0; i < nlive; i++)
            assert_true(ra_pool_owns(&p, live[i]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_errors),
        cmocka_unit_test(test_init_split_errors),
        cmocka_unit_test(test_init_split_geometry),
        cmocka_unit_test(test_geometry),
        cmocka_unit_test(test_alloc_exhaust),
        cmocka_unit_test(test_lifo_recycling),
        cmocka_unit_test(test_free_null),
        cmocka_unit_test(test_bad_frees),
        cmocka_unit_test(test_owns),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_check_detects_corruption),
        cmocka_unit_test(test_status_str),
        cmocka_unit_test(test_default_handler_aborts),
        cmocka_unit_test(test_random_long_run),
    };
    return cmocka_run_group_tests_name("pool", tests, NULL, NULL);
}
