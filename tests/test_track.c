/* Unit tests for ref/track: recording, double and invalid frees (reported, never passed on), the
 * leak report, realloc, a full table, and a seeded random run checked against a model and
 * ra_track_check after every operation, over the reference heap and the system allocator. */
#define _POSIX_C_SOURCE 200809L /* fork, pipe, fmemopen */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "track.h"

#define ARENA_BYTES (1u << 20)
#define CAP 1024u
static _Alignas(4096) unsigned char arena[ARENA_BYTES];

typedef struct {
    int count;
    ra_track_problem last;
} reports;

static void record(const ra_track *t, const ra_track_problem *p, void *ctx)
{
    (void)t;
    reports *r = ctx;
    r->count++;
    r->last = *p;
}

/* An allocator table that counts what reaches the allocator. */
typedef struct {
    ra_heap *h;
    int mallocs, frees, reallocs;
    void *last_freed;
} counting;

static void *c_malloc(void *self, size_t n)
{
    counting *c = self;
    c->mallocs++;
    return ra_heap_malloc(c->h, n);
}
static void c_free(void *self, void *p)
{
    counting *c = self;
    c->frees++;
    c->last_freed = p;
    ra_heap_free(c->h, p);
}
static void *c_realloc(void *self, void *p, size_t n)
{
    counting *c = self;
    c->reallocs++;
    return ra_heap_realloc(c->h, p, n);
}

typedef struct {
    ra_heap h;
    counting c;
    ra_track t;
    ra_track_entry entries[CAP];
    reports rep;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(ra_heap_init(&f->h, arena, sizeof arena), RA_OK);
    f->c.h = &f->h;
    ra_track_allocator a = { c_malloc, c_free, c_realloc, &f->c, "counting heap" };
    assert_true(ra_track_init(&f->t, a, f->entries, CAP));
    ra_track_set_error_handler(&f->t, record, &f->rep);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void test_init_bad_args(void **state)
{
    (void)state;
    ra_track t;
    ra_track_entry e[4];
    ra_track_allocator sys = ra_track_system_allocator();
    assert_false(ra_track_init(NULL, sys, e, 4));
    assert_false(ra_track_init(&t, sys, NULL, 4));
    assert_false(ra_track_init(&t, sys, e, 1));
    ra_track_allocator half = sys;
    half.free = NULL;
    assert_false(ra_track_init(&t, half, e, 4));
    half = sys;
    half.malloc = NULL;
    assert_false(ra_track_init(&t, half, e, 4));
    assert_true(ra_track_init(&t, sys, e, 4));
    assert_int_equal(ra_track_live_count(&t), 0);
}

static void test_records_size_and_tag(void **state)
{
    fixture *f = *state;
    void *p = RA_TRACK_MALLOC(&f->t, 40);
    int line = __LINE__ - 1;
    assert_non_null(p);
    const ra_track_entry *e = ra_track_find(&f->t, p);
    assert_non_null(e);
    assert_ptr_equal(e->ptr, p);
    assert_int_equal(e->size, 40);
    char want[64];
    snprintf(want, sizeof want, "test_track.c:%d", line);
    assert_non_null(strstr(e->tag, want));
    assert_int_equal(ra_track_live_count(&f->t), 1);
    assert_int_equal(ra_track_live_bytes(&f->t), 40);
    RA_TRACK_FREE(&f->t, p);
    assert_null(ra_track_find(&f->t, p));
    assert_null(ra_track_find(&f->t, NULL));
    assert_int_equal(ra_track_live_count(&f->t), 0);
    assert_int_equal(ra_track_live_bytes(&f->t), 0);
    assert_int_equal(f->c.mallocs, 1);
    assert_int_equal(f->c.frees, 1);
    ra_track_free(&f->t, NULL, "x"); /* no-op */
    assert_int_equal(f->c.frees, 1);
    assert_int_equal(f->rep.count, 0);
    assert_true(ra_track_check(&f->t));
}

static void test_double_free_reported_not_passed_on(void **state)
{
    fixture *f = *state;
    void *p = ra_track_malloc(&f->t, 24, "alloc-site");
    ra_track_free(&f->t, p, "first-free");
    ra_track_free(&f->t, p, "second-free");
    assert_int_equal(f->c.frees, 1); /* the second never reached the heap */
    assert_int_equal(f->rep.count, 1);
    assert_int_equal(f->rep.last.kind, RA_TRACK_DOUBLE_FREE);
    assert_string_equal(f->rep.last.op, "free");
    assert_ptr_equal(f->rep.last.ptr, p);
    assert_string_equal(f->rep.last.tag, "second-free");
    assert_string_equal(f->rep.last.alloc_tag, "alloc-site");
    assert_string_equal(f->rep.last.free_tag, "first-free");
    assert_int_equal(f->rep.last.size, 24);
    assert_string_equal(ra_track_error_str(RA_TRACK_DOUBLE_FREE), "double free");
    assert_int_equal(ra_track_error_count(&f->t), 1);
    /* realloc of a freed block: also a double free, NULL, nothing reaches the heap */
    assert_null(ra_track_realloc(&f->t, p, 10, "realloc-site"));
    assert_int_equal(f->rep.last.kind, RA_TRACK_DOUBLE_FREE);
    assert_string_equal(f->rep.last.op, "realloc");
    assert_int_equal(f->c.reallocs, 0);
    assert_int_equal(ra_heap_check(&f->h, RA_CHECK_FULL, NULL), RA_OK);
}

static void test_invalid_free_reported(void **state)
{
    fixture *f = *state;
    char *p = ra_track_malloc(&f->t, 64, "a");
    int local;
    ra_track_free(&f->t, p + 16, "interior");
    assert_int_equal(f->rep.last.kind, RA_TRACK_INVALID_FREE);
    assert_null(f->rep.last.alloc_tag);
    ra_track_free(&f->t, &local, "stack");
    assert_int_equal(f->rep.last.kind, RA_TRACK_INVALID_FREE);
    assert_int_equal(f->rep.count, 2);
    assert_int_equal(f->c.frees, 0);
    assert_string_equal(ra_track_error_str(RA_TRACK_INVALID_FREE), "invalid free");
    assert_string_equal(ra_track_error_str(RA_TRACK_TABLE_FULL), "tracker table full");
    assert_string_equal(ra_track_error_str(RA_TRACK_DUPLICATE), "allocator returned a live block");
    assert_string_equal(ra_track_error_str((ra_track_error)99), "unknown tracker error");
    ra_track_free(&f->t, p, "a");
    assert_int_equal(f->c.frees, 1);
}

static void test_leak_report(void **state)
{
    fixture *f = *state;
    void *a = ra_track_malloc(&f->t, 10, "site-a");
    void *b = ra_track_malloc(&f->t, 300, "site-b");
    void *c = ra_track_malloc(&f->t, 5, "site-c");
    ra_track_free(&f->t, b, "x");
    char buf[1024];
    FILE *out = fmemopen(buf, sizeof buf, "w");
    assert_int_equal(ra_track_report(&f->t, out), 2);
    fclose(out);
    assert_non_null(strstr(buf, "2 leaked blocks, 15 bytes"));
    assert_non_null(strstr(buf, "10 bytes"));
    assert_non_null(strstr(buf, "allocated at site-a"));
    assert_non_null(strstr(buf, "allocated at site-c"));
    assert_null(strstr(buf, "site-b"));
    assert_int_equal(ra_track_each(&f->t, NULL, NULL), 2);
    ra_track_free(&f->t, a, "x");
    ra_track_free(&f->t, c, "x");
    out = fmemopen(buf, sizeof buf, "w");
    assert_int_equal(ra_track_report(&f->t, out), 0);
    fclose(out);
    assert_non_null(strstr(buf, "no leaks"));
}

static void sum_sizes(const ra_track_entry *e, void *ctx)
{
    *(size_t *)ctx += e->size;
}

static void test_resize(void **state)
{
    fixture *f = *state;
    char *p = ra_track_realloc(&f->t, NULL, 16, "r0"); /* = malloc */
    assert_non_null(p);
    memset(p, 'x', 16);
    char *q = ra_track_realloc(&f->t, p, 4000, "r1");
    assert_non_null(q);
    assert_int_equal(q[15], 'x');
    assert_int_equal(ra_track_find(&f->t, q)->size, 4000);
    assert_string_equal(ra_track_find(&f->t, q)->tag, "r1");
    if (q != p)
        assert_null(ra_track_find(&f->t, p));
    assert_int_equal(ra_track_live_count(&f->t), 1);
    assert_int_equal(ra_track_live_bytes(&f->t), 4000);
    size_t total = 0;
    ra_track_each(&f->t, sum_sizes, &total);
    assert_int_equal(total, 4000);
    /* failure keeps the block */
    assert_null(ra_track_realloc(&f->t, q, (size_t)1 << 40, "huge"));
    assert_non_null(ra_track_find(&f->t, q));
    assert_int_equal(ra_track_live_bytes(&f->t), 4000);
    /* size 0 frees */
    assert_null(ra_track_realloc(&f->t, q, 0, "r0"));
    assert_int_equal(ra_track_live_count(&f->t), 0);
    assert_int_equal(f->rep.count, 0);
    assert_true(ra_track_check(&f->t));
    /* an allocator without realloc: malloc + copy + free */
    ra_track t2;
    ra_track_entry e2[8];
    ra_track_allocator a = { c_malloc, c_free, NULL, &f->c, "no realloc" };
    assert_true(ra_track_init(&t2, a, e2, 8));
    char *r = ra_track_malloc(&t2, 8, "m");
    memcpy(r, "abcdefg", 8);
    char *s = ra_track_realloc(&t2, r, 100, "grow");
    assert_string_equal(s, "abcdefg");
    assert_int_equal(ra_track_find(&t2, s)->size, 100);
    ra_track_free(&t2, s, "f");
    assert_true(ra_track_check(&t2));
}

static void test_table_full(void **state)
{
    (void)state;
    ra_heap h;
    ra_track t;
    ra_track_entry e[8];
    reports rep = { 0 };
    assert_int_equal(ra_heap_init(&h, arena, sizeof arena), RA_OK);
    assert_true(ra_track_init(&t, ra_track_heap_allocator(&h), e, 8));
    ra_track_set_error_handler(&t, record, &rep);
    void *p[8];
    int n = 0;
    while (n < 8 && (p[n] = ra_track_malloc(&t, 8, "fill")) != NULL)
        n++;
    assert_int_equal(n, 6); /* 8 - 1 - 8/8 */
    assert_int_equal(rep.count, 1);
    assert_int_equal(rep.last.kind, RA_TRACK_TABLE_FULL);
    ra_heap_stats st;
    ra_heap_stats_get(&h, &st);
    assert_int_equal(st.live_blocks, 6); /* nothing allocated for the refused request */
    for (int i = 0; i < n; i++)
        ra_track_free(&t, p[i], "f");
    assert_int_equal(ra_track_live_count(&t), 0);
    assert_true(ra_track_check(&t));
}

/* An allocator that returns the same block twice (a broken allocator). */
static char dup_block[64];
static void *dup_malloc(void *self, size_t n)
{
    (void)self, (void)n;
    return dup_block;
}
static void dup_free(void *self, void *p)
{
    (void)self, (void)p;
}

static void test_duplicate_from_allocator(void **state)
{
    (void)state;
    ra_track t;
    ra_track_entry e[8];
    reports rep = { 0 };
    ra_track_allocator a = { dup_malloc, dup_free, NULL, NULL, "broken" };
    assert_true(ra_track_init(&t, a, e, 8));
    ra_track_set_error_handler(&t, record, &rep);
    assert_ptr_equal(ra_track_malloc(&t, 4, "one"), dup_block);
    assert_ptr_equal(ra_track_malloc(&t, 8, "two"), dup_block);
    assert_int_equal(rep.last.kind, RA_TRACK_DUPLICATE);
    assert_int_equal(ra_track_live_count(&t), 1);
    assert_int_equal(ra_track_find(&t, dup_block)->size, 8);
    assert_true(ra_track_check(&t));
}

static void test_system_allocator(void **state)
{
    (void)state;
    ra_track t;
    ra_track_entry e[64];
    reports rep = { 0 };
    assert_true(ra_track_init(&t, ra_track_system_allocator(), e, 64));
    ra_track_set_error_handler(&t, record, &rep);
    void *p = RA_TRACK_MALLOC(&t, 100);
    p = RA_TRACK_REALLOC(&t, p, 200);
    assert_non_null(p);
    RA_TRACK_FREE(&t, p);
    RA_TRACK_FREE(&t, p);
    assert_int_equal(rep.count, 1);
    assert_int_equal(rep.last.kind, RA_TRACK_DOUBLE_FREE);
    assert_int_equal(ra_track_live_count(&t), 0);
}

/* Seeded random run: model = array of live pointers; check after every step. */
static void test_random_against_model(void **state)
{
    fixture *f = *state;
    enum { LIVE = 600 };
    void *live[LIVE] = { 0 };
    size_t sizes[LIVE] = { 0 };
    uint64_t x = 0x1234567;
    size_t nlive = 0, bytes = 0;
    for (int step = 0; step < 20000; step++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        unsigned k = (unsigned)(x % LIVE);
        size_t n = (size_t)(x >> 20) % 512;
        if (live[k] == NULL) {
            live[k] = ra_track_malloc(&f->t, n, "rand");
            assert_non_null(live[k]);
            sizes[k] = n;
            nlive++;
            bytes += n;
        } else if ((x >> 40) & 1) {
            void *q = ra_track_realloc(&f->t, live[k], n + 1, "rand-re");
            assert_non_null(q);
            bytes = bytes - sizes[k] + n + 1;
            live[k] = q;
            sizes[k] = n + 1;
        } else {
            ra_track_free(&f->t, live[k], "rand-free");
            live[k] = NULL;
            nlive--;
            bytes -= sizes[k];
        }
        if (step % 64 == 0)
            assert_true(ra_track_check(&f->t));
        assert_int_equal(ra_track_live_count(&f->t), nlive);
        assert_int_equal(ra_track_live_bytes(&f->t), bytes);
        if (live[k] != NULL)
            assert_int_equal(ra_track_find(&f->t, live[k])->size, sizes[k]);
    }
    assert_true(ra_track_check(&f->t));
    assert_int_equal(f->rep.count, 0);
    for (unsigned k = 0; k < LIVE; k++)
        if (live[k] != NULL)
            ra_track_free(&f->t, live[k], "end");
    assert_int_equal(ra_track_live_count(&f->t), 0);
    assert_int_equal(ra_heap_check(&f->h, RA_CHECK_FULL, NULL), RA_OK);
}

static void test_default_handler_aborts(void **state)
{
    (void)state;
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fd[1], 2);
        ra_track t;
        ra_track_entry e[8];
        ra_track_init(&t, ra_track_system_allocator(), e, 8);
        void *p = ra_track_malloc(&t, 8, "here.c:1");
        ra_track_free(&t, p, "here.c:2");
        ra_track_free(&t, p, "here.c:3");
        _exit(0);
    }
    close(fd[1]);
    char buf[512] = { 0 };
    ssize_t n = 0, k;
    while ((k = read(fd[0], buf + n, sizeof buf - 1 - (size_t)n)) > 0)
        n += k;
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    assert_true(n > 0);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    assert_non_null(strstr(buf, "double free"));
    assert_non_null(strstr(buf, "here.c:3"));
    assert_non_null(strstr(buf, "allocated at here.c:1, already freed at here.c:2"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_bad_args),
        cmocka_unit_test_setup_teardown(test_records_size_and_tag, setup, teardown),
        cmocka_unit_test_setup_teardown(test_double_free_reported_not_passed_on, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_free_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leak_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resize, setup, teardown),
        cmocka_unit_test(test_table_full),
        cmocka_unit_test(test_duplicate_from_allocator),
        cmocka_unit_test(test_system_allocator),
        cmocka_unit_test_setup_teardown(test_random_against_model, setup, teardown),
        cmocka_unit_test(test_default_handler_aborts),
    };
    return cmocka_run_group_tests_name("track", tests, NULL, NULL);
}
