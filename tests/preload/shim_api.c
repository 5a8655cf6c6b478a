/*
 * The C allocation API of librefalloc_malloc.so, as a program sees it under LD_PRELOAD
 * (`make test-shim` runs this binary with the preload): glibc-compatible choices, errno rules,
 * alignment, growth of the reserved arena, checked mode (bad frees abort with a clear message),
 * fork while other threads allocate, and ENOMEM when the reservation is exhausted.
 *
 * The first test makes sure the process allocator really is the shim; every other test would
 * otherwise be testing glibc.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static char self_path[4096];

/* Deliberate misuse (impossible sizes, bad frees) goes through volatile pointers, so the
 * compiler neither folds the calls nor warns about what the test does on purpose. The file is
 * also built with -fno-builtin, so malloc/free pairs are never elided. */
static void *(*volatile v_malloc)(size_t) = malloc;
static void *(*volatile v_calloc)(size_t, size_t) = calloc;
static void *(*volatile v_realloc)(void *, size_t) = realloc;
static void *(*volatile v_reallocarray)(void *, size_t, size_t) = reallocarray;
static void (*volatile v_free)(void *) = free;
static void *(*volatile v_pvalloc)(size_t) = pvalloc;
static void *(*volatile v_memalign)(size_t, size_t) = memalign;
static void *(*volatile v_aligned_alloc)(size_t, size_t) = aligned_alloc;

static int is_aligned(const void *p, size_t a)
{
    return ((uintptr_t)p & (a - 1u)) == 0;
}

static void test_shim_is_the_process_allocator(void **state)
{
    (void)state;
    Dl_info info;
    void *sym = dlsym(RTLD_DEFAULT, "malloc");
    assert_non_null(sym);
    assert_true(dladdr(sym, &info) != 0);
    assert_non_null(info.dli_fname);
    assert_non_null(strstr(info.dli_fname, "librefalloc_malloc.so"));
}

/* Runs from .preinit_array: before every shared library's constructor, the shim's included.
 * (glibc passes argc, argv, envp; the child scenarios, run with an argument, skip it.) */
static void *early_block;
static size_t early_usable;
static void early_alloc(int argc, char **argv, char **envp)
{
    (void)argv;
    (void)envp;
    if (argc > 1)
        return;
    early_block = malloc(100);
    if (early_block != NULL) {
        memset(early_block, 0x11, 100);
        early_usable = malloc_usable_size(early_block);
    }
}
__attribute__((section(".preinit_array"), used)) static void (*const preinit_hook)(int, char **,
                                                                              char **) = early_alloc;

static void test_malloc_before_constructors(void **state)
{
    (void)state;
    assert_non_null(early_block);
    assert_true(early_usable >= 100);
    assert_int_equal(((unsigned char *)early_block)[99], 0x11);
    free(early_block);
}

static void test_malloc_zero_unique(void **state)
{
    (void)state;
    void *a = malloc(0), *b = malloc(0);
    assert_non_null(a);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    assert_true(is_aligned(a, 16) && is_aligned(b, 16));
    free(a);
    free(b);
    void *c = realloc(NULL, 0); /* realloc(NULL, 0) is malloc(0) */
    assert_non_null(c);
    free(c);
}

static void test_realloc_zero_frees(void **state)
{
    (void)state;
    void *p = malloc(100);
    assert_non_null(p);
    errno = EDOM;
    assert_null(realloc(p, 0)); /* glibc: frees p, returns NULL */
    assert_int_equal(errno, EDOM);
    void *q = malloc(100);
    assert_non_null(q);
    errno = EDOM;
    assert_null(reallocarray(q, 0, 8));
    assert_int_equal(errno, EDOM);
}

static void test_realloc_keeps_contents(void **state)
{
    (void)state;
    unsigned char *p = malloc(40);
    assert_non_null(p);
    for (int i = 0; i < 40; i++)
        p[i] = (unsigned char)i;
    for (size_t n = 41; n < 200000; n = n * 3 + 7) {
        p = realloc(p, n);
        assert_non_null(p);
        for (int i = 0; i < 40; i++)
            assert_int_equal(p[i], i);
    }
    p = realloc(p, 20);
    assert_non_null(p);
    for (int i = 0; i < 20; i++)
        assert_int_equal(p[i], i);
    free(p);
}

static void test_enomem(void **state)
{
    (void)state;
    size_t huge[] = {(size_t)PTRDIFF_MAX + 1u, SIZE_MAX, SIZE_MAX - 15u, (size_t)1 << 62};
    for (size_t i = 0; i < sizeof huge / sizeof *huge; i++) {
        errno = 0;
        assert_null(v_malloc(huge[i]));
        assert_int_equal(errno, ENOMEM);
    }
    errno = 0;
    assert_null(v_calloc(SIZE_MAX / 2u, 3));
    assert_int_equal(errno, ENOMEM);
    errno = 0;
    assert_null(v_calloc((size_t)1 << 33, (size_t)1 << 33));
    assert_int_equal(errno, ENOMEM);
    char *p = malloc(32);
    assert_non_null(p);
    strcpy(p, "still here");
    errno = 0;
    assert_null(v_realloc(p, SIZE_MAX));
    assert_int_equal(errno, ENOMEM);
    errno = 0;
    assert_null(v_reallocarray(p, SIZE_MAX / 4u, 8));
    assert_int_equal(errno, ENOMEM);
    errno = 0;
    assert_null(v_realloc(p, (size_t)PTRDIFF_MAX));
    assert_int_equal(errno, ENOMEM);
    assert_string_equal(p, "still here"); /* a failed realloc leaves the block intact */
    free(p);
}

static void test_posix_memalign(void **state)
{
    (void)state;
    size_t bad[] = {0, 1, 2, 4, 12, 24, 48, 3 * sizeof(void *), (size_t)1 << 63 | 8u};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        void *out = (void *)0x1234;
        errno = EDOM;
        assert_int_equal(posix_memalign(&out, bad[i], 16), EINVAL);
        assert_ptr_equal(out, (void *)0x1234); /* untouched on failure */
        assert_int_equal(errno, EDOM);         /* and errno too */
    }
    for (size_t a = sizeof(void *); a <= ((size_t)1 << 21); a <<= 1) {
        void *out = NULL;
        assert_int_equal(posix_memalign(&out, a, a / 2u + 1u), 0);
        assert_non_null(out);
        assert_true(is_aligned(out, a));
        memset(out, 0x5a, a / 2u + 1u);
        free(out);
    }
    void *out = (void *)0x1234;
    errno = EDOM;
    assert_int_equal(posix_memalign(&out, 64, SIZE_MAX / 2u), ENOMEM);
    assert_ptr_equal(out, (void *)0x1234);
    assert_int_equal(errno, EDOM);
    out = NULL;
    assert_int_equal(posix_memalign(&out, 64, 0), 0); /* size 0: a unique block, as glibc */
    assert_non_null(out);
    free(out);
}

static void test_aligned_alloc(void **state)
{
    (void)state;
    size_t bad[] = {0, 3, 24, 48, 100};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        errno = 0;
        assert_null(v_aligned_alloc(bad[i], 64));
        assert_int_equal(errno, EINVAL); /* C17 DR 460; glibc >= 2.38 */
    }
    for (size_t a = 1; a <= ((size_t)1 << 22); a <<= 1) {
        void *p = aligned_alloc(a, 3u * a);
        assert_non_null(p);
        assert_true(is_aligned(p, a < 16u ? 16u : a));
        assert_true(malloc_usable_size(p) >= 3u * a);
        memset(p, 0xa5, 3u * a);
        free(p);
    }
    errno = 0;
    assert_null(v_aligned_alloc((size_t)1 << 62, 16));
    assert_int_equal(errno, ENOMEM);
}

static void test_memalign_valloc_pvalloc(void **state)
{
    (void)state;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    void *p = memalign(3, 10); /* glibc: small alignments are malloc's */
    assert_non_null(p);
    assert_true(is_aligned(p, 16));
    free(p);
    p = memalign(48, 10); /* glibc: rounded up to the next power of two */
    assert_non_null(p);
    assert_true(is_aligned(p, 64));
    free(p);
    p = memalign(0, 10);
    assert_non_null(p);
    free(p);
    errno = 0;
    assert_null(v_memalign(SIZE_MAX / 2u + 2u, 10));
    assert_int_equal(errno, EINVAL);
    p = valloc(1);
    assert_non_null(p);
    assert_true(is_aligned(p, page));
    free(p);
    p = pvalloc(page + 1u);
    assert_non_null(p);
    assert_true(is_aligned(p, page));
    assert_true(malloc_usable_size(p) >= 2u * page);
    free(p);
    p = pvalloc(0);
    assert_non_null(p);
    assert_true(is_aligned(p, page));
    free(p);
    errno = 0;
    assert_null(v_pvalloc(SIZE_MAX - 10u));
    assert_int_equal(errno, ENOMEM);
}

static void test_usable_size(void **state)
{
    (void)state;
    int local = 0;
    assert_int_equal(malloc_usable_size(NULL), 0);
    assert_int_equal(malloc_usable_size(&local), 0); /* not a block of the heap */
    for (size_t n = 0; n < 5000; n += 1u + n / 8u) {
        unsigned char *p = malloc(n);
        assert_non_null(p);
        size_t u = malloc_usable_size(p);
        assert_true(u >= n);
        memset(p, 0xee, u); /* every usable byte belongs to the program */
        assert_int_equal(malloc_usable_size(p + 16), 0);
        free(p);
    }
}

static void test_calloc_zero_after_reuse(void **state)
{
    (void)state;
    for (size_t n = 1; n < 70000; n = n * 2 + 3) {
        unsigned char *p = malloc(n);
        assert_non_null(p);
        memset(p, 0xab, malloc_usable_size(p));
        free(p);
        unsigned char *q = calloc(n, 1);
        assert_non_null(q);
        for (size_t i = 0; i < malloc_usable_size(q); i++)
            assert_int_equal(q[i], 0);
        free(q);
    }
}

static void test_free_keeps_errno(void **state)
{
    (void)state;
    void *p = malloc(10);
    errno = EDOM;
    free(p);
    free(NULL);
    assert_int_equal(errno, EDOM);
}

/* The arena starts at 1 MiB and grows on demand: big blocks, many blocks, growth in realloc. */
static void test_growth(void **state)
{
    (void)state;
    size_t big = (size_t)256 << 20;
    unsigned char *p = malloc(big);
    assert_non_null(p);
    p[0] = 1;
    p[big - 1u] = 2;
    p = realloc(p, 2u * big);
    assert_non_null(p);
    assert_int_equal(p[0], 1);
    assert_int_equal(p[big - 1u], 2);
    p[2u * big - 1u] = 3;
    free(p);
    enum { N = 300 };
    static void *blocks[N];
    for (int i = 0; i < N; i++) {
        blocks[i] = malloc(((size_t)1 << 20) + (size_t)i);
        assert_non_null(blocks[i]);
        memset(blocks[i], i, 64);
    }
    for (int i = 0; i < N; i++) {
        assert_int_equal(((unsigned char *)blocks[i])[63], (unsigned char)i);
        free(blocks[i]);
    }
}

/* ---- child-process scenarios ------------------------------------------------------------- */

/* Run this binary with `arg` (and env assignments) in a child; capture stderr; return status. */
static int run_child(const char *arg, const char *env, char *err, size_t errlen)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        if (env != NULL)
            putenv((char *)env);
        execl(self_path, self_path, arg, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    size_t got = 0;
    ssize_t r;
    while ((r = read(fds[0], err + got, errlen - 1u - got)) > 0)
        got += (size_t)r;
    err[got] = '\0';
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

static void expect_abort(const char *scenario, const char *op, const char *reason)
{
    char err[4096];
    int status = run_child(scenario, NULL, err, sizeof err);
    if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT))
        fail_msg("%s: expected SIGABRT, got status %#x; stderr: %s", scenario, status, err);
    if (strstr(err, op) == NULL || strstr(err, reason) == NULL)
        fail_msg("%s: stderr lacks '%s' / '%s': %s", scenario, op, reason, err);
    print_message("    %s -> %s", scenario, err);
}

static void test_checked_mode_aborts_with_reason(void **state)
{
    (void)state;
    expect_abort("double-free", "refalloc: invalid free(", "double free");
    expect_abort("interior-free", "refalloc: invalid free(", "interior pointer");
    expect_abort("misaligned-free", "refalloc: invalid free(", "misaligned");
    expect_abort("foreign-free", "refalloc: invalid free(", "foreign pointer");
    expect_abort("foreign-free-first", "refalloc: invalid free(", "nothing allocated yet");
    expect_abort("realloc-freed", "refalloc: invalid realloc(", "double free");
}

static void test_enomem_when_reservation_is_exhausted(void **state)
{
    (void)state;
    char err[4096];
    int status = run_child("oom", "REFALLOC_ARENA_MAX=64m", err, sizeof err);
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
        fail_msg("oom child: status %#x: %s", status, err);
    print_message("    %s", err);
}

static atomic_int stop_threads;

static void *churn(void *arg)
{
    unsigned x = (unsigned)(uintptr_t)arg;
    void *keep[64] = {0};
    while (!stop_threads) {
        x = x * 1103515245u + 12345u;
        unsigned i = (x >> 8) % 64u;
        free(keep[i]);
        keep[i] = malloc((x >> 16) % 3000u);
    }
    for (int i = 0; i < 64; i++)
        free(keep[i]);
    return NULL;
}

/* fork while two threads allocate: the atfork handlers must leave the child a usable heap. */
static void test_fork_while_threads_allocate(void **state)
{
    (void)state;
    pthread_t t[2];
    stop_threads = 0;
    for (uintptr_t i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, churn, (void *)(i + 1u)), 0);
    for (int k = 0; k < 200; k++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            alarm(10); /* a deadlocked child dies instead of hanging the test */
            for (int j = 0; j < 100; j++) {
                void *p = malloc((size_t)j * 40u);
                if (p == NULL)
                    _exit(3);
                free(p);
            }
            _exit(0);
        }
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0))
            fail_msg("child %d: status %#x", k, status);
    }
    stop_threads = 1;
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
}

/* Child scenarios: misuse that checked mode must stop, and the exhausted reservation. */
static int scenario(const char *s)
{
    static int on_stack;
    if (strcmp(s, "double-free") == 0) {
        void *p = malloc(32);
        v_free(p);
        v_free(p);
    } else if (strcmp(s, "interior-free") == 0) {
        char *p = malloc(64);
        v_free(p + 32);
    } else if (strcmp(s, "misaligned-free") == 0) {
        char *p = malloc(64);
        v_free(p + 1);
    } else if (strcmp(s, "foreign-free") == 0) {
        void *p = malloc(16);
        v_free(&on_stack);
        free(p);
    } else if (strcmp(s, "foreign-free-first") == 0) {
        v_free(&on_stack); /* before this process allocated anything */
    } else if (strcmp(s, "realloc-freed") == 0) {
        void *p = malloc(32);
        v_free(p);
        p = v_realloc(p, 64);
        return p == NULL ? 4 : 5;
    } else if (strcmp(s, "oom") == 0) {
        /* REFALLOC_ARENA_MAX=64m: 1 MiB blocks run out between 32 and 64 MiB, with ENOMEM. */
        enum { MAX = 200 };
        void *b[MAX];
        int n = 0;
        errno = 0;
        while (n < MAX && (b[n] = malloc((size_t)1 << 20)) != NULL)
            n++;
        int e = errno;
        fprintf(stderr, "oom: %d blocks of 1 MiB before ENOMEM (64 MiB reservation)", n);
        if (n < 32 || n > 64 || e != ENOMEM)
            return 1;
        for (int i = 0; i < n; i++)
            free(b[i]);
        void *again = malloc((size_t)32 << 20); /* everything merged back */
        if (again == NULL)
            return 2;
        free(again);
        return 0;
    } else {
        return 100;
    }
    return 0; /* checked mode failed to stop the misuse */
}

int main(int argc, char **argv)
{
    ssize_t n = readlink("/proc/self/exe", self_path, sizeof self_path - 1u);
    if (n <= 0)
        return 2;
    self_path[n] = '\0';
    if (argc > 1)
        return scenario(argv[1]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shim_is_the_process_allocator),
        cmocka_unit_test(test_malloc_before_constructors),
        cmocka_unit_test(test_malloc_zero_unique),
        cmocka_unit_test(test_realloc_zero_frees),
        cmocka_unit_test(test_realloc_keeps_contents),
        cmocka_unit_test(test_enomem),
        cmocka_unit_test(test_posix_memalign),
        cmocka_unit_test(test_aligned_alloc),
        cmocka_unit_test(test_memalign_valloc_pvalloc),
        cmocka_unit_test(test_usable_size),
        cmocka_unit_test(test_calloc_zero_after_reuse),
        cmocka_unit_test(test_free_keeps_errno),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_checked_mode_aborts_with_reason),
        cmocka_unit_test(test_enomem_when_reservation_is_exhausted),
        cmocka_unit_test(test_fork_while_threads_allocate),
    };
    return cmocka_run_group_tests_name("librefalloc_malloc.so API under LD_PRELOAD", tests, NULL,
                                       NULL);
}
