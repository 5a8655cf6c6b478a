/* Unit tests for ref/rc: every documented behaviour of rc.h and every bad input, the doubly linked
 * list with strong next / weak prev links (freed completely), and the cycle of strong links that
 * leaks and that the tracker reports. */
#define _POSIX_C_SOURCE 200809L /* fork, pipe, fmemopen */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "rc.h"
#include "track.h"

#define ARENA_BYTES (1u << 18)
#define SLOTS 256u
static _Alignas(4096) unsigned char arena[ARENA_BYTES];
/* Small heaps get their own arena: under ASan a heap leaves its arena poisoned, and a heap
 * initialised later over the same bytes would write its metadata into poisoned memory. */
static _Alignas(4096) unsigned char small_arena[4096];

typedef struct {
    int count;
    char op[32];
    char reason[160];
} reports;

static void record(const ra_rc_table *t, const char *op, const char *reason, void *ctx)
{
    (void)t;
    reports *r = ctx;
    r->count++;
    snprintf(r->op, sizeof r->op, "%s", op);
    snprintf(r->reason, sizeof r->reason, "%s", reason);
}

typedef struct {
    ra_heap h;
    ra_rc_table t;
    ra_rc_slot slots[SLOTS];
    reports rep;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(ra_heap_init(&f->h, arena, sizeof arena), RA_OK);
    assert_true(ra_rc_init(&f->t, &f->h, f->slots, SLOTS));
    ra_rc_set_error_handler(&f->t, record, &f->rep);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void heap_ok(fixture *f)
{
    assert_int_equal(ra_heap_check(&f->h, RA_CHECK_FULL, NULL), RA_OK);
}

static size_t heap_live(fixture *f)
{
    ra_heap_stats st;
    ra_heap_stats_get(&f->h, &st);
    return st.live_blocks;
}

/* A destructor that counts its calls and checks it sees the payload intact. */
typedef struct {
    int calls;
    int last_value;
} dtor_log;

static void count_dtor(void *payload, void *ctx)
{
    dtor_log *log = ctx;
    log->calls++;
    log->last_value = *(int *)payload;
}

static void test_init_bad_args(void **state)
{
    (void)state;
    ra_heap h;
    ra_rc_table t;
    ra_rc_slot slots[4];
    assert_int_equal(ra_heap_init(&h, small_arena, sizeof small_arena), RA_OK);
    assert_false(ra_rc_init(NULL, &h, slots, 4));
    assert_false(ra_rc_init(&t, NULL, slots, 4));
    assert_false(ra_rc_init(&t, &h, NULL, 4));
    assert_false(ra_rc_init(&t, &h, slots, 0));
    assert_false(ra_rc_init(&t, &h, slots, RA_RC_MAX_SLOTS + 1u));
    ra_track_allocator none = { NULL, NULL, NULL, NULL, "none" };
    assert_false(ra_rc_init_with(&t, none, slots, 4));
    assert_true(ra_rc_init(&t, &h, slots, 4));
}

static void test_new_get_counts(void **state)
{
    fixture *f = *state;
    dtor_log log = { 0, 0 };
    ra_rc r = ra_rc_new(&f->t, sizeof(int), count_dtor, &log);
    assert_false(ra_rc_is_nil(r));
    int *p = ra_rc_get(&f->t, r);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % RA_HEAP_ALIGN, 0);
    assert_true(ra_heap_owns(&f->h, p));
    *p = 42;
    assert_int_equal(ra_rc_strong_count(&f->t, r), 1);
    assert_int_equal(ra_rc_weak_count(&f->t, r), 0);
    assert_int_equal(ra_rc_live(&f->t), 1);
    ra_rc_drop(&f->t, r);
    assert_int_equal(log.calls, 1);
    assert_int_equal(log.last_value, 42);
    assert_int_equal(ra_rc_strong_count(&f->t, r), 0);
    assert_int_equal(ra_rc_live(&f->t), 0);
    assert_int_equal(heap_live(f), 0);
    assert_int_equal(f->rep.count, 0);
    heap_ok(f);
}

static void test_clone_drop_destructor_once(void **state)
{
    fixture *f = *state;
    dtor_log log = { 0, 0 };
    ra_rc a = ra_rc_new(&f->t, sizeof(int), count_dtor, &log);
    *(int *)ra_rc_get(&f->t, a) = 7;
    ra_rc b = ra_rc_clone(&f->t, a);
    ra_rc c = ra_rc_clone(&f->t, b);
    assert_memory_equal(&a, &c, sizeof a);
    assert_int_equal(ra_rc_strong_count(&f->t, a), 3);
    ra_rc_drop(&f->t, a);
    ra_rc_drop(&f->t, b);
    assert_int_equal(log.calls, 0); /* never early */
    assert_int_equal(heap_live(f), 1);
    ra_rc_drop(&f->t, c);
    assert_int_equal(log.calls, 1);
    assert_int_equal(heap_live(f), 0);
    assert_int_equal(f->t.destroyed, 1);
    heap_ok(f);
}

static void test_null_destructor(void **state)
{
    fixture *f = *state;
    ra_rc r = ra_rc_new(&f->t, 100, NULL, NULL);
    assert_false(ra_rc_is_nil(r));
    ra_rc_drop(&f->t, r);
    assert_int_equal(heap_live(f), 0);
    assert_int_equal(f->rep.count, 0);
}

static void test_weak_keeps_memory_not_value(void **state)
{
    fixture *f = *state;
    dtor_log log = { 0, 0 };
    ra_rc r = ra_rc_new(&f->t, sizeof(int), count_dtor, &log);
    *(int *)ra_rc_get(&f->t, r) = 5;
    ra_rc_weak w = ra_rc_downgrade(&f->t, r);
    assert_false(ra_rc_weak_is_nil(w));
    assert_int_equal(ra_rc_weak_count(&f->t, r), 1);
    ra_rc_weak w2 = ra_rc_downgrade(&f->t, r);
    assert_int_equal(ra_rc_weak_count(&f->t, r), 2);
    /* upgrade while alive */
    ra_rc u = ra_rc_upgrade(&f->t, w);
    assert_false(ra_rc_is_nil(u));
    assert_int_equal(ra_rc_strong_count(&f->t, r), 2);
    assert_int_equal(ra_rc_weak_strong_count(&f->t, w), 2);
    ra_rc_drop(&f->t, u);
    ra_rc_drop(&f->t, r);
    /* destroyed: destructor ran, memory kept for the weak handles */
    assert_int_equal(log.calls, 1);
    assert_int_equal(heap_live(f), 1);
    assert_int_equal(ra_rc_live(&f->t), 1);
    assert_int_equal(ra_rc_weak_strong_count(&f->t, w), 0);
    assert_true(ra_rc_is_nil(ra_rc_upgrade(&f->t, w))); /* "gone", not an error */
    assert_int_equal(f->rep.count, 0);
    ra_rc_weak_drop(&f->t, w);
    assert_int_equal(heap_live(f), 1);
    ra_rc_weak_drop(&f->t, w2);
    assert_int_equal(heap_live(f), 0);
    assert_int_equal(ra_rc_live(&f->t), 0);
    assert_int_equal(log.calls, 1);
    assert_int_equal(f->rep.count, 0);
    heap_ok(f);
}

static void test_weak_drop_before_strong(void **state)
{
    fixture *f = *state;
    ra_rc r = ra_rc_new(&f->t, 8, NULL, NULL);
    ra_rc_weak w = ra_rc_downgrade(&f->t, r);
    ra_rc_weak_drop(&f->t, w);
    assert_int_equal(ra_rc_weak_count(&f->t, r), 0);
    assert_int_equal(heap_live(f), 1);
    ra_rc_drop(&f->t, r);
    assert_int_equal(heap_live(f), 0);
    assert_int_equal(f->rep.count, 0);
}

static void test_stale_handles_reported(void **state)
{
    fixture *f = *state;
    ra_rc r = ra_rc_new(&f->t, 8, NULL, NULL);
    ra_rc_drop(&f->t, r);
    ra_rc_drop(&f->t, r); /* double drop */
    assert_int_equal(f->rep.count, 1);
    assert_string_equal(f->rep.op, "drop");
    assert_non_null(strstr(f->rep.reason, "stale"));
    assert_null(ra_rc_get(&f->t, r));
    assert_int_equal(f->rep.count, 2);
    assert_true(ra_rc_is_nil(ra_rc_clone(&f->t, r)));
    assert_true(ra_rc_weak_is_nil(ra_rc_downgrade(&f->t, r)));
    assert_int_equal(f->rep.count, 4);
    /* the slot is reused by a new box: the old handle still does not match */
    ra_rc s = ra_rc_new(&f->t, 8, NULL, NULL);
    assert_int_equal(s.slot, r.slot);
    assert_int_not_equal(s.gen, r.gen);
    assert_null(ra_rc_get(&f->t, r));
    assert_int_equal(ra_rc_strong_count(&f->t, r), 0);
    assert_int_equal(ra_rc_weak_count(&f->t, r), 0);
    assert_int_equal(ra_rc_strong_count(&f->t, s), 1);
    /* nil and out-of-range handles */
    ra_rc nil = RA_RC_NIL;
    ra_rc_drop(&f->t, nil);
    ra_rc far = { SLOTS + 5u, 0 };
    ra_rc_drop(&f->t, far);
    assert_int_equal(f->rep.count, 7);
    /* weak: dropped twice, and a weak handle of a freed slot */
    ra_rc_weak w = ra_rc_downgrade(&f->t, s);
    ra_rc_weak_drop(&f->t, w);
    ra_rc_weak_drop(&f->t, w); /* would eat the implicit reference */
    assert_int_equal(f->rep.count, 8);
    assert_string_equal(f->rep.op, "weak_drop");
    assert_non_null(strstr(f->rep.reason, "underflow"));
    ra_rc_drop(&f->t, s);
    ra_rc_weak_drop(&f->t, w);
    assert_true(ra_rc_is_nil(ra_rc_upgrade(&f->t, w)));
    assert_int_equal(f->rep.count, 10);
    ra_rc_weak wnil = RA_RC_WEAK_NIL;
    ra_rc_weak_drop(&f->t, wnil);
    assert_int_equal(f->t.errors, 11);
    assert_int_equal(heap_live(f), 0);
    heap_ok(f);
}

static void test_count_overflow(void **state)
{
    fixture *f = *state;
    ra_rc_set_limit(&f->t, 3);
    ra_rc r = ra_rc_new(&f->t, 8, NULL, NULL);
    assert_false(ra_rc_is_nil(ra_rc_clone(&f->t, r)));
    assert_false(ra_rc_is_nil(ra_rc_clone(&f->t, r)));
    assert_int_equal(ra_rc_strong_count(&f->t, r), 3);
    assert_true(ra_rc_is_nil(ra_rc_clone(&f->t, r)));
    assert_int_equal(f->rep.count, 1);
    assert_string_equal(f->rep.reason, "strong count overflow");
    assert_int_equal(ra_rc_strong_count(&f->t, r), 3); /* not wrapped, not changed */
    /* weak: implicit 1 + 2 handles reaches the limit */
    ra_rc_weak w1 = ra_rc_downgrade(&f->t, r);
    ra_rc_weak w2 = ra_rc_downgrade(&f->t, r);
    assert_false(ra_rc_weak_is_nil(w2));
    assert_true(ra_rc_weak_is_nil(ra_rc_downgrade(&f->t, r)));
    assert_string_equal(f->rep.reason, "weak count overflow");
    /* upgrade at the limit */
    assert_true(ra_rc_is_nil(ra_rc_upgrade(&f->t, w1)));
    assert_string_equal(f->rep.op, "upgrade");
    assert_string_equal(f->rep.reason, "strong count overflow");
    assert_int_equal(f->rep.count, 3);
    ra_rc_set_limit(&f->t, 0); /* back to RA_RC_MAX_COUNT */
    assert_int_equal(f->t.limit, RA_RC_MAX_COUNT);
    for (int i = 0; i < 3; i++)
        ra_rc_drop(&f->t, r);
    ra_rc_weak_drop(&f->t, w1);
    ra_rc_weak_drop(&f->t, w2);
    assert_int_equal(heap_live(f), 0);
    /* at the real maximum (set the count directly: 4 billion clones take too long) */
    ra_rc m = ra_rc_new(&f->t, 8, NULL, NULL);
    f->t.slots[m.slot].strong = RA_RC_MAX_COUNT;
    assert_true(ra_rc_is_nil(ra_rc_clone(&f->t, m)));
    assert_int_equal(f->t.slots[m.slot].strong, RA_RC_MAX_COUNT);
    f->t.slots[m.slot].strong = 1;
    ra_rc_drop(&f->t, m);
    assert_int_equal(heap_live(f), 0);
}

static void test_table_full_and_heap_full(void **state)
{
    (void)state;
    ra_heap h;
    ra_rc_table t;
    ra_rc_slot slots[3];
    reports rep = { 0, "", "" };
    assert_int_equal(ra_heap_init(&h, small_arena, sizeof small_arena), RA_OK);
    assert_true(ra_rc_init(&t, &h, slots, 3));
    ra_rc_set_error_handler(&t, record, &rep);
    ra_rc a = ra_rc_new(&t, 16, NULL, NULL), b = ra_rc_new(&t, 16, NULL, NULL),
          c = ra_rc_new(&t, 16, NULL, NULL);
    assert_false(ra_rc_is_nil(c));
    assert_true(ra_rc_is_nil(ra_rc_new(&t, 16, NULL, NULL))); /* table full */
    ra_rc_drop(&t, c);
    assert_true(ra_rc_is_nil(ra_rc_new(&t, 1u << 20, NULL, NULL))); /* heap full */
    assert_int_equal(ra_rc_live(&t), 2);
    ra_rc d = ra_rc_new(&t, 16, NULL, NULL); /* the slot was not lost */
    assert_false(ra_rc_is_nil(d));
    ra_rc_drop(&t, a);
    ra_rc_drop(&t, b);
    ra_rc_drop(&t, d);
    assert_int_equal(rep.count, 0);
    assert_int_equal(ra_heap_check(&h, RA_CHECK_FULL, NULL), RA_OK);
}

/* ---- the doubly linked list ------------------------------------------------------------ */

typedef struct {
    int value;
    ra_rc next;       /* strong */
    ra_rc_weak prev;  /* weak (or a strong link in the cycle test) */
    ra_rc prev_strong;
} node;

typedef struct {
    ra_rc_table *t;
    int destroyed;
} list_ctx;

static void node_dtor(void *payload, void *ctx)
{
    node *n = payload;
    list_ctx *lc = ctx;
    lc->destroyed++;
    if (!ra_rc_weak_is_nil(n->prev))
        ra_rc_weak_drop(lc->t, n->prev);
    if (!ra_rc_is_nil(n->prev_strong))
        ra_rc_drop(lc->t, n->prev_strong);
    if (!ra_rc_is_nil(n->next))
        ra_rc_drop(lc->t, n->next);
}

static ra_rc new_node(ra_rc_table *t, int value, list_ctx *lc)
{
    ra_rc r = ra_rc_new(t, sizeof(node), node_dtor, lc);
    assert_false(ra_rc_is_nil(r));
    node *n = ra_rc_get(t, r);
    n->value = value;
    n->next = RA_RC_NIL;
    n->prev = RA_RC_WEAK_NIL;
    n->prev_strong = RA_RC_NIL;
    return r;
}

static void test_list_weak_back_links_freed(void **state)
{
    fixture *f = *state;
    list_ctx lc = { &f->t, 0 };
    enum { N = 100 };
    ra_rc head = new_node(&f->t, 0, &lc), tail = head;
    for (int i = 1; i < N; i++) {
        ra_rc n = new_node(&f->t, i, &lc);
        ((node *)ra_rc_get(&f->t, n))->prev = ra_rc_downgrade(&f->t, tail);
        ((node *)ra_rc_get(&f->t, tail))->next = n; /* the list owns n */
        tail = n;
    }
    assert_int_equal(ra_rc_live(&f->t), N);
    /* walk backwards through the weak links */
    ra_rc cur = ra_rc_clone(&f->t, tail);
    int expect = N - 1;
    while (!ra_rc_is_nil(cur)) {
        node *n = ra_rc_get(&f->t, cur);
        assert_int_equal(n->value, expect--);
        ra_rc prev = ra_rc_weak_is_nil(n->prev) ? RA_RC_NIL : ra_rc_upgrade(&f->t, n->prev);
        ra_rc_drop(&f->t, cur);
        cur = prev;
    }
    assert_int_equal(expect, -1);
    ra_rc_drop(&f->t, head); /* the only external handle */
    assert_int_equal(lc.destroyed, N);
    assert_int_equal(ra_rc_live(&f->t), 0);
    assert_int_equal(heap_live(f), 0);
    assert_int_equal(f->rep.count, 0);
    heap_ok(f);
}

static void test_list_strong_cycle_leaks_and_tracker_reports(void **state)
{
    fixture *f = *state;
    ra_track tr;
    ra_track_entry entries[64];
    ra_track_allocator tracked_heap = ra_track_heap_allocator(&f->h);
    assert_true(ra_track_init(&tr, tracked_heap, entries, 64));
    ra_rc_table t;
    ra_rc_slot slots[8];
    assert_true(ra_rc_init_with(&t, ra_track_as_allocator(&tr, "rc list node"), slots, 8));
    list_ctx lc = { &t, 0 };
    ra_rc a = new_node(&t, 1, &lc), b = new_node(&t, 2, &lc);
    ((node *)ra_rc_get(&t, a))->next = ra_rc_clone(&t, b);
    ((node *)ra_rc_get(&t, b))->prev_strong = ra_rc_clone(&t, a); /* strong both ways */
    ra_rc_drop(&t, a);
    ra_rc_drop(&t, b);
    assert_int_equal(lc.destroyed, 0); /* the cycle keeps itself alive */
    assert_int_equal(ra_rc_live(&t), 2);
    assert_int_equal(ra_track_live_count(&tr), 2);
    assert_int_equal(ra_track_live_bytes(&tr), 2 * sizeof(node));
    char buf[1024];
    FILE *out = fmemopen(buf, sizeof buf, "w");
    assert_non_null(out);
    assert_int_equal(ra_track_report(&tr, out), 2);
    fclose(out);
    assert_non_null(strstr(buf, "2 leaked blocks"));
    assert_non_null(strstr(buf, "allocated at rc list node"));
    char line[64];
    snprintf(line, sizeof line, "%zu bytes", sizeof(node));
    assert_non_null(strstr(buf, line));
    assert_true(ra_track_check(&tr));
    /* breaking the cycle by hand frees everything */
    ra_rc back = ((node *)t.slots[b.slot].payload)->prev_strong;
    ((node *)t.slots[b.slot].payload)->prev_strong = RA_RC_NIL;
    ra_rc_drop(&t, back);
    assert_int_equal(lc.destroyed, 2);
    assert_int_equal(ra_track_live_count(&tr), 0);
    assert_int_equal(heap_live(f), 0);
    heap_ok(f);
}

/* A destructor that drops a weak handle to its own box and tries to upgrade it. */
typedef struct {
    ra_rc_table *t;
    ra_rc_weak self;
    int upgraded;
} self_ctx;

static void self_dtor(void *payload, void *ctx)
{
    (void)payload;
    self_ctx *sc = ctx;
    sc->upgraded = !ra_rc_is_nil(ra_rc_upgrade(sc->t, sc->self));
    ra_rc_weak_drop(sc->t, sc->self);
}

static void test_destructor_reentrancy(void **state)
{
    fixture *f = *state;
    self_ctx sc = { &f->t, RA_RC_WEAK_NIL, -1 };
    ra_rc r = ra_rc_new(&f->t, 32, self_dtor, &sc);
    sc.self = ra_rc_downgrade(&f->t, r);
    ra_rc_drop(&f->t, r);
    assert_int_equal(sc.upgraded, 0);
    assert_int_equal(f->rep.count, 0);
    assert_int_equal(ra_rc_live(&f->t), 0);
    assert_int_equal(heap_live(f), 0);
    heap_ok(f);
}

/* The default handler prints and aborts (count overflow, as Rust does). */
static void test_default_handler_aborts(void **state)
{
    (void)state;
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fd[1], 2);
        ra_heap h;
        ra_rc_table t;
        ra_rc_slot slots[2];
        ra_heap_init(&h, small_arena, sizeof small_arena);
        ra_rc_init(&t, &h, slots, 2);
        ra_rc_set_limit(&t, 1);
        ra_rc r = ra_rc_new(&t, 8, NULL, NULL);
        ra_rc_clone(&t, r);
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
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
    assert_non_null(strstr(buf, "strong count overflow"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_bad_args),
        cmocka_unit_test_setup_teardown(test_new_get_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clone_drop_destructor_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_null_destructor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_weak_keeps_memory_not_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_weak_drop_before_strong, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_handles_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_count_overflow, setup, teardown),
        cmocka_unit_test(test_table_full_and_heap_full),
        cmocka_unit_test_setup_teardown(test_list_weak_back_links_freed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_strong_cycle_leaks_and_tracker_reports, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_destructor_reentrancy, setup, teardown),
        cmocka_unit_test(test_default_handler_aborts),
    };
    return cmocka_run_group_tests_name("rc", tests, NULL, NULL);
}
