/* Unit tests for ref/stack: push alignment and bounds, pop of the last block only, marks and
 * release, stale marks, full buffer and frame table, bad inputs, and a seeded random run against a
 * model. */
#define _POSIX_C_SOURCE 200809L /* fork, pipe */
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

#include "stack.h"

#define BUF 8192u
#define FRAMES 128u

typedef struct {
    int count;
    char op[16];
    char reason[128];
    const void *ptr;
} reports;

static void record(const ra_stack *s, const char *op, const void *ptr, const char *reason, void *ctx)
{
    (void)s;
    reports *r = ctx;
    r->count++;
    r->ptr = ptr;
    snprintf(r->op, sizeof r->op, "%s", op);
    snprintf(r->reason, sizeof r->reason, "%s", reason);
}

typedef struct {
    _Alignas(4096) unsigned char buf[BUF];
    ra_stack_frame frames[FRAMES];
    ra_stack s;
    reports rep;
} fixture;

static int setup(void **state)
{
    fixture *f = aligned_alloc(4096, sizeof(fixture));
    assert_non_null(f);
    memset(f, 0, sizeof *f);
    assert_true(ra_stack_init(&f->s, f->buf + 3, BUF - 3, f->frames, FRAMES)); /* odd base */
    ra_stack_set_error_handler(&f->s, record, &f->rep);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ra_stack_fini(&f->s);
    free(f);
    return 0;
}

static void test_init_bad_args(void **state)
{
    (void)state;
    ra_stack s;
    unsigned char buf[64];
    ra_stack_frame fr[4];
    assert_false(ra_stack_init(NULL, buf, 64, fr, 4));
    assert_false(ra_stack_init(&s, NULL, 64, fr, 4));
    assert_false(ra_stack_init(&s, buf, 0, fr, 4));
    assert_false(ra_stack_init(&s, buf, 64, NULL, 4));
    assert_false(ra_stack_init(&s, buf, 64, fr, 0));
    assert_false(ra_stack_init(&s, buf, RA_STACK_MAX_BYTES + 1u, fr, 4));
    assert_true(ra_stack_init(&s, buf, 64, fr, 4));
    assert_int_equal(ra_stack_used(&s), 0);
    assert_int_equal(ra_stack_count(&s), 0);
    ra_stack_fini(&s);
}

static void test_push_alignment(void **state)
{
    fixture *f = *state;
    for (size_t a = 1; a <= 256; a *= 2) {
        unsigned char *p = ra_stack_push(&f->s, 3, a);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % a, 0);
        assert_true(p >= f->buf + 3 && p + 3 <= f->buf + BUF);
        memset(p, 0xab, 3);
    }
    assert_int_equal(ra_stack_count(&f->s), 9);
    unsigned char *big = ra_stack_push(&f->s, 1, 4096);
    if (big != NULL)
        assert_int_equal((uintptr_t)big % 4096, 0);
    /* bad alignments */
    size_t bad[] = { 0, 3, 6, 8192, SIZE_MAX };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_null(ra_stack_push(&f->s, 1, bad[i]));
    assert_int_equal(f->rep.count, 0);
}

static void test_pop_last_only(void **state)
{
    fixture *f = *state;
    char *a = ra_stack_push(&f->s, 10, 8);
    size_t after_a = ra_stack_used(&f->s);
    char *b = ra_stack_push(&f->s, 20, 16);
    char *c = ra_stack_push(&f->s, 0, 64); /* zero bytes: a distinct block */
    assert_non_null(c);
    assert_false(ra_stack_pop(&f->s, b)); /* not the last */
    assert_int_equal(f->rep.count, 1);
    assert_string_equal(f->rep.op, "pop");
    assert_string_equal(f->rep.reason, "pop of a block that is not the last one pushed");
    assert_ptr_equal(f->rep.ptr, b);
    assert_false(ra_stack_pop(&f->s, NULL));
    assert_false(ra_stack_pop(&f->s, c + 1));
    assert_int_equal(f->rep.count, 3);
    assert_int_equal(ra_stack_count(&f->s), 3);
    assert_true(ra_stack_pop(&f->s, c));
    assert_true(ra_stack_pop(&f->s, b));
    assert_int_equal(ra_stack_used(&f->s), after_a); /* the padding went too */
    assert_true(ra_stack_pop(&f->s, a));
    assert_int_equal(ra_stack_used(&f->s), 0);
    assert_false(ra_stack_pop(&f->s, a));
    assert_string_equal(f->rep.reason, "pop of an empty stack");
    assert_int_equal(f->s.errors, 4);
}

static void test_mark_release(void **state)
{
    fixture *f = *state;
    ra_stack_push(&f->s, 100, 8);
    ra_stack_mark outer = ra_stack_mark_get(&f->s);
    ra_stack_push(&f->s, 50, 8);
    ra_stack_mark inner = ra_stack_mark_get(&f->s);
    for (int i = 0; i < 10; i++)
        assert_non_null(ra_stack_push(&f->s, 7, 4));
    assert_true(ra_stack_release(&f->s, inner));
    assert_int_equal(ra_stack_used(&f->s), inner.top);
    assert_int_equal(ra_stack_count(&f->s), 2);
    assert_true(ra_stack_release(&f->s, inner)); /* same level: no-op, still valid */
    assert_true(ra_stack_release(&f->s, outer));
    assert_int_equal(ra_stack_count(&f->s), 1);
    /* inner is now beneath the top: stale */
    assert_false(ra_stack_release(&f->s, inner));
    assert_string_equal(f->rep.reason, "release of a stale or foreign mark");
    /* a mark from before a pop and re-push at a different top is stale too */
    ra_stack_mark m = ra_stack_mark_get(&f->s);
    void *x = ra_stack_push(&f->s, 8, 1);
    ra_stack_mark m2 = ra_stack_mark_get(&f->s);
    assert_true(ra_stack_pop(&f->s, x));
    ra_stack_push(&f->s, 1, 1);
    ra_stack_push(&f->s, 1, 1);
    assert_false(ra_stack_release(&f->s, m2));
    assert_true(ra_stack_release(&f->s, m));
    ra_stack_mark foreign = { 5000, 1 };
    assert_false(ra_stack_release(&f->s, foreign));
    assert_int_equal(f->rep.count, 3);
    ra_stack_mark zero = { 0, 0 };
    assert_true(ra_stack_release(&f->s, zero));
    assert_int_equal(ra_stack_used(&f->s), 0);
    assert_true(ra_stack_peak(&f->s) >= 150);
}

static void test_full(void **state)
{
    (void)state;
    ra_stack s;
    _Alignas(16) unsigned char buf[64];
    ra_stack_frame fr[3];
    assert_true(ra_stack_init(&s, buf, 64, fr, 3));
    assert_null(ra_stack_push(&s, 65, 1));
    assert_null(ra_stack_push(&s, SIZE_MAX, 1));
    void *a = ra_stack_push(&s, 60, 1);
    assert_non_null(a);
    assert_null(ra_stack_push(&s, 1, 8)); /* padding does not fit */
    assert_non_null(ra_stack_push(&s, 1, 4));
    assert_non_null(ra_stack_push(&s, 0, 1));
    assert_null(ra_stack_push(&s, 0, 1)); /* frame table full */
    assert_int_equal(ra_stack_count(&s), 3);
    ra_stack_fini(&s);
}

static void test_random_against_model(void **state)
{
    fixture *f = *state;
    struct { unsigned char *p; size_t size; unsigned char fill; } model[FRAMES];
    size_t n = 0;
    uint64_t x = 88172645463325252ull;
    ra_stack_mark marks[8];
    size_t mark_n[8];
    int nmarks = 0;
    for (int step = 0; step < 20000; step++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        unsigned op = (unsigned)(x % 8);
        if (op < 4) {
            size_t size = (size_t)(x >> 8) % 200, align = (size_t)1 << ((x >> 16) % 8);
            unsigned char *p = ra_stack_push(&f->s, size, align);
            if (p == NULL) {
                assert_true(n == FRAMES || ra_stack_used(&f->s) + size > BUF - 3 - 0 ||
                            ra_stack_used(&f->s) + size + align > BUF - 3);
                continue;
            }
            assert_int_equal((uintptr_t)p % align, 0);
            if (n > 0)
                assert_true(p >= model[n - 1].p + model[n - 1].size);
            model[n].p = p;
            model[n].size = size;
            model[n].fill = (unsigned char)step;
            memset(p, model[n].fill, size);
            n++;
        } else if (op < 6 && n > 0) {
            assert_true(ra_stack_pop(&f->s, model[n - 1].p));
            n--;
        } else if (op == 6 && nmarks < 8) {
            marks[nmarks] = ra_stack_mark_get(&f->s);
            mark_n[nmarks++] = n;
        } else if (op == 7 && nmarks > 0) {
            nmarks--;
            bool valid = mark_n[nmarks] <= n;
            /* a mark stays valid only if nothing went beneath it; the model checks that */
            bool ok = ra_stack_release(&f->s, marks[nmarks]);
            if (ok)
                n = mark_n[nmarks];
            else
                assert_true(!valid || f->rep.count > 0);
        }
        assert_int_equal(ra_stack_count(&f->s), n);
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < model[i].size; j += 17)
                assert_int_equal(model[i].p[j], model[i].fill);
    }
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
        ra_stack s;
        static unsigned char buf[64];
        ra_stack_frame fr[4];
        ra_stack_init(&s, buf, 64, fr, 4);
        void *a = ra_stack_push(&s, 8, 8);
        ra_stack_push(&s, 8, 8);
        ra_stack_pop(&s, a);
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
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
    assert_non_null(strstr(buf, "not the last one pushed"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_bad_args),
        cmocka_unit_test_setup_teardown(test_push_alignment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pop_last_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mark_release, setup, teardown),
        cmocka_unit_test(test_full),
        cmocka_unit_test_setup_teardown(test_random_against_model, setup, teardown),
        cmocka_unit_test(test_default_handler_aborts),
    };
    return cmocka_run_group_tests_name("stack", tests, NULL, NULL);
}
