/*
 * Multi-threaded allocator harness: N threads do random malloc / calloc / realloc / free on
 * blocks that carry a fill pattern, and hand blocks to each other through single-slot mailboxes;
 * the receiver verifies the pattern before it frees the block. Every corruption, lost hand-over
 * or misaligned block stops the run with a message naming the block and the byte.
 *
 *   mt [-t THREADS] [-n OPS_PER_THREAD] [-s SEED] [-a ALLOCATOR] [-p acqrel|relaxed] [-S] [-w] [-q]
 *
 * Sizes: 60% 0..64 bytes, 30% up to 1 KiB, 9% up to 16 KiB, 1% up to 256 KiB; -S keeps only the
 * first two (up to 1 KiB), so that filling and checking do not hide the allocator's own cost.
 *
 * ALLOCATOR (the calls go through a function table):
 *   system        malloc & co. as linked: glibc, the TSan runtime's allocator in a TSan build,
 *                 or librefalloc_malloc.so under LD_PRELOAD (the harness prints which library
 *                 provides malloc);
 *   ref           the shim's source built into this binary with renamed entry points
 *                 (ra_shim_malloc, ...; only when built with -DMT_WITH_REF). Under TSan every
 *                 access of the reference heap and its pthread mutex is then visible to the
 *                 race detector, which an LD_PRELOADed, uninstrumented .so would hide;
 *   dlopen:PATH   the malloc/free/realloc/calloc/malloc_usable_size of a shared library, loaded
 *                 with RTLD_LOCAL (the process keeps its own allocator).
 *
 * The hand-over protocol. Each ordered pair of threads (s, r) has BOX slots, atomic pointers
 * written only by s (NULL -> block) and by r (block -> NULL):
 *
 *     sender s                                 receiver r
 *     p = alloc(n); fill(p, n, tag)            q = load(slot[s][r], ACQUIRE)
 *     if load(slot[s][r], relaxed) == NULL     if q != NULL:
 *         store(slot[s][r], p, RELEASE)            store(slot[s][r], NULL, relaxed)
 *                                                  verify(q); free(q)
 *
 * The release store / acquire load pair orders the sender's fill before the receiver's reads
 * (C11 7.17.4; "synchronizes-with"). With -p relaxed both become memory_order_relaxed: the slot
 * is still atomic, but nothing orders the pattern bytes, which is the classic missing barrier.
 * x86 hardware happens to keep the program working, and that is the point of the test: only
 * ThreadSanitizer shows the race (tests/threads/run-tsan.sh requires it to report "data race").
 *
 * The sender refills the block with a fresh tag immediately before the store. This matters with a
 * single-lock allocator: every malloc/free is a lock release/acquire pair, and such incidental
 * synchronisation orders most plain accesses between threads, so a program's missing barrier can
 * stay invisible to TSan (with 2 threads and the pattern written long before the publish, TSan
 * saw no race in some runs). Two measures leave only the store's own ordering between the
 * sender's writes and the receiver's reads: the sender writes the message right before the store
 * (no allocator call in between), and with -w it then waits, without calling the allocator,
 * until the receiver has taken the block (the receiver reads the block before its own next
 * allocator call). With -w every relaxed hand-over is a race in TSan's model, whatever the
 * scheduling; the TSan runs use it for both orders, so the two differ only in the order.
 *
 * Blocks of at least 16 bytes start with a header {size, tag} so a receiver can verify a block
 * it did not allocate; every other byte holds a pattern derived from the tag and the offset.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef MT_WITH_REF
void *ra_shim_malloc(size_t size);
void ra_shim_free(void *ptr);
void *ra_shim_realloc(void *ptr, size_t size);
void *ra_shim_calloc(size_t count, size_t size);
size_t ra_shim_malloc_usable_size(void *ptr);
#endif

typedef struct {
    const char *name;
    void *(*malloc_fn)(size_t);
    void (*free_fn)(void *);
    void *(*realloc_fn)(void *, size_t);
    void *(*calloc_fn)(size_t, size_t);
    size_t (*usable_fn)(void *);
} alloc_api;

static alloc_api api;

#define MAX_THREADS 16
#define BOX 8 /* slots per ordered pair of threads */
#define LOCAL_SLOTS 48

typedef struct {
    _Alignas(64) _Atomic(unsigned char *) p;
} mailbox;

static mailbox slots[MAX_THREADS][MAX_THREADS][BOX]; /* slots[sender][receiver][k] */
static memory_order publish_order = memory_order_release, consume_order = memory_order_acquire;
static int nthreads = 4;
static long ops_per_thread = 100000;
static unsigned long long seed = 1;
static int small_only; /* -S: sizes up to 1 KiB only, so the allocator dominates the time */
static int sync_handover; /* -w: the sender waits until its block is taken (see above) */
static atomic_int finished[MAX_THREADS]; /* thread i has done its operations */
static pthread_barrier_t barrier;

typedef struct {
    int id;
    unsigned long long rng;
    unsigned long long sent, received, ops, bytes_verified;
    struct {
        unsigned char *p;
        size_t n;
        uint64_t tag;
    } live[LOCAL_SLOTS];
} worker;

static uint64_t next_rand(unsigned long long *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dull;
}

static uint64_t mix(uint64_t tag, uint64_t j)
{
    uint64_t z = tag + j * 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* The 8 expected bytes of word j of a block of n bytes with this tag. */
static void expect_word(size_t n, uint64_t tag, size_t j, unsigned char out[8])
{
    uint64_t w = n >= 16 && j == 0 ? (uint64_t)n : n >= 16 && j == 1 ? tag : mix(tag, j);
    memcpy(out, &w, 8);
}

static void fill(unsigned char *p, size_t n, uint64_t tag)
{
    unsigned char w[8];
    size_t j;
    for (j = 0; j < n / 8u; j++) {
        expect_word(n, tag, j, w);
        memcpy(p + 8u * j, w, 8);
    }
    if (n % 8u) {
        expect_word(n, tag, j, w);
        memcpy(p + 8u * j, w, n % 8u);
    }
}

static _Noreturn void corrupt(const worker *w, const char *what, const unsigned char *p, size_t n,
                              uint64_t tag, size_t at, unsigned got, unsigned want)
{
    fprintf(stderr,
            "mt: thread %d: %s: block %p (%zu bytes, tag %#llx): byte %zu is %#04x, expected "
            "%#04x\n",
            w->id, what, (const void *)p, n, (unsigned long long)tag, at, got, want);
    exit(1);
}

/* Check the first len bytes of a block that was filled as (n, tag). */
static void verify(worker *w, const char *what, const unsigned char *p, size_t len, size_t n,
                   uint64_t tag)
{
    unsigned char e[8];
    for (size_t j = 0; 8u * j < len; j++) {
        size_t k = len - 8u * j < 8u ? len - 8u * j : 8u;
        expect_word(n, tag, j, e);
        if (memcmp(p + 8u * j, e, k) != 0)
            for (size_t i = 0; i < k; i++)
                if (p[8u * j + i] != e[i])
                    corrupt(w, what, p, n, tag, 8u * j + i, p[8u * j + i], e[i]);
    }
    w->bytes_verified += len;
}

static size_t random_size(worker *w)
{
    uint64_t r = next_rand(&w->rng);
    unsigned k = (unsigned)(r % 100u);
    r >>= 8;
    if (k < 60)
        return (size_t)(r % 65u);
    if (k < 90 || small_only)
        return 65u + (size_t)(r % 960u);
    if (k < 99)
        return 1025u + (size_t)(r % 15360u);
    return 16385u + (size_t)(r % 245760u);
}

static void check_new(worker *w, const unsigned char *p, size_t n, const char *op)
{
    if (p == NULL) {
        fprintf(stderr, "mt: thread %d: %s(%zu) returned NULL\n", w->id, op, n);
        exit(1);
    }
    if ((uintptr_t)p % 16u != 0) {
        fprintf(stderr, "mt: thread %d: %s(%zu) = %p is not 16-aligned\n", w->id, op, n,
                (const void *)p);
        exit(1);
    }
    if (api.usable_fn != NULL && (w->ops & 15u) == 0 && api.usable_fn((void *)p) < n) {
        fprintf(stderr, "mt: thread %d: usable size of %p below %zu\n", w->id, (const void *)p, n);
        exit(1);
    }
}

static void release_local(worker *w, int i)
{
    if (w->live[i].p == NULL)
        return;
    verify(w, "before free", w->live[i].p, w->live[i].n, w->live[i].n, w->live[i].tag);
    api.free_fn(w->live[i].p);
    w->live[i].p = NULL;
}

/* Take the block in slots[from][me][k], if any: verify it, free it. */
static void receive_one(worker *w, int from, int k)
{
    unsigned char *q = atomic_load_explicit(&slots[from][w->id][k].p, consume_order);
    if (q == NULL)
        return;
    atomic_store_explicit(&slots[from][w->id][k].p, NULL, memory_order_relaxed);
    size_t n;
    uint64_t tag;
    memcpy(&n, q, sizeof n);
    memcpy(&tag, q + 8, sizeof tag);
    if (n < 16 || n > (size_t)1 << 20) {
        fprintf(stderr, "mt: thread %d: block %p from thread %d has a corrupt header (size %zu)\n",
                w->id, (void *)q, from, n);
        exit(1);
    }
    verify(w, "after hand-over", q, n, n, tag);
    api.free_fn(q);
    w->received++;
}

static void receive(worker *w, int from)
{
    for (int k = 0; k < BOX; k++)
        receive_one(w, from, k);
}

/* -w: wait until the receiver has taken the block from slots[me][to][k] (or has finished),
 * receiving our own mail meanwhile so that two waiting threads cannot block each other. The
 * waiting loads use the run's consume order: in relaxed mode they create no ordering either. */
static void wait_taken(worker *w, int to, int k)
{
    while (atomic_load_explicit(&slots[w->id][to][k].p, consume_order) != NULL &&
           !atomic_load_explicit(&finished[to], memory_order_relaxed)) {
        for (int from = 0; from < nthreads; from++)
            if (from != w->id)
                receive(w, from);
        sched_yield();
    }
}

static void *run(void *arg)
{
    worker *w = arg;
    int poll = 0;
    for (long k = 0; k < ops_per_thread; k++, w->ops++) {
        if (nthreads > 1) {
            poll = (poll + 1) % nthreads;
            if (poll != w->id)
                receive(w, poll);
        }
        uint64_t r = next_rand(&w->rng);
        int i = (int)((r >> 8) % LOCAL_SLOTS);
        unsigned op = (unsigned)(r % 100u);
        if (op < 30) { /* malloc */
            release_local(w, i);
            size_t n = random_size(w);
            unsigned char *p = api.malloc_fn(n);
            check_new(w, p, n, "malloc");
            w->live[i].p = p;
            w->live[i].n = n;
            w->live[i].tag = next_rand(&w->rng);
            fill(p, n, w->live[i].tag);
        } else if (op < 40) { /* calloc: zero, then filled */
            release_local(w, i);
            size_t n = random_size(w), cnt = 1u + (n & 3u), each = n / cnt;
            unsigned char *p = api.calloc_fn(cnt, each);
            check_new(w, p, cnt * each, "calloc");
            for (size_t b = 0; b < cnt * each; b++)
                if (p[b] != 0)
                    corrupt(w, "calloc", p, cnt * each, 0, b, p[b], 0);
            w->live[i].p = p;
            w->live[i].n = cnt * each;
            w->live[i].tag = next_rand(&w->rng);
            fill(p, cnt * each, w->live[i].tag);
        } else if (op < 55) { /* realloc: the common prefix survives */
            size_t n = random_size(w);
            if (n == 0)
                n = 1; /* realloc(p, 0) frees (glibc); keep this a resize */
            unsigned char *old = w->live[i].p;
            size_t on = w->live[i].n;
            if (old != NULL)
                verify(w, "before realloc", old, on, on, w->live[i].tag);
            unsigned char *p = api.realloc_fn(old, n);
            check_new(w, p, n, "realloc");
            if (old != NULL)
                verify(w, "after realloc", p, on < n ? on : n, on, w->live[i].tag);
            w->live[i].p = p;
            w->live[i].n = n;
            w->live[i].tag = next_rand(&w->rng);
            fill(p, n, w->live[i].tag);
        } else if (op < 80) { /* free */
            release_local(w, i);
        } else if (nthreads > 1 && w->live[i].p != NULL && w->live[i].n >= 16) { /* hand over */
            int to = (int)((r >> 20) % (uint64_t)(nthreads - 1));
            if (to >= w->id)
                to++;
            for (int k = 0; k < BOX; k++)
                if (atomic_load_explicit(&slots[w->id][to][k].p, memory_order_relaxed) == NULL) {
                    verify(w, "before hand-over", w->live[i].p, w->live[i].n, w->live[i].n,
                           w->live[i].tag);
                    /* Write the message right before publishing it, as real producers do: no
                     * allocator call (and so no lock of a locking allocator) lies between these
                     * writes and the store, so only the store's ordering can order them. */
                    fill(w->live[i].p, w->live[i].n, next_rand(&w->rng));
                    atomic_store_explicit(&slots[w->id][to][k].p, w->live[i].p, publish_order);
                    w->live[i].p = NULL;
                    w->sent++;
                    if (sync_handover)
                        wait_taken(w, to, k);
                    break;
                }
        }
    }
    atomic_store_explicit(&finished[w->id], 1, memory_order_relaxed);
    pthread_barrier_wait(&barrier); /* nobody sends any more */
    for (int from = 0; from < nthreads; from++)
        if (from != w->id)
            receive(w, from);
    for (int i = 0; i < LOCAL_SLOTS; i++)
        release_local(w, i);
    return NULL;
}

static void usage(void)
{
    fprintf(stderr, "usage: mt [-t THREADS] [-n OPS_PER_THREAD] [-s SEED] "
                    "[-a system|ref|dlopen:PATH] [-p acqrel|relaxed] [-S] [-w] [-q]\n");
    exit(2);
}

static void *must_sym(void *h, const char *lib, const char *name)
{
    void *s = dlsym(h, name);
    if (s == NULL) {
        fprintf(stderr, "mt: %s has no %s\n", lib, name);
        exit(2);
    }
    return s;
}

int main(int argc, char **argv)
{
    const char *which = "system", *publish = "acqrel";
    int quiet = 0, c;
    while ((c = getopt(argc, argv, "t:n:s:a:p:qSw")) != -1) {
        switch (c) {
        case 't': nthreads = atoi(optarg); break;
        case 'n': ops_per_thread = atol(optarg); break;
        case 's': seed = strtoull(optarg, NULL, 0); break;
        case 'a': which = optarg; break;
        case 'p': publish = optarg; break;
        case 'q': quiet = 1; break;
        case 'S': small_only = 1; break;
        case 'w': sync_handover = 1; break;
        default: usage();
        }
    }
    if (nthreads < 1 || nthreads > MAX_THREADS || ops_per_thread < 0)
        usage();
    if (strcmp(publish, "relaxed") == 0)
        publish_order = consume_order = memory_order_relaxed;
    else if (strcmp(publish, "acqrel") != 0)
        usage();

    char where[512] = "";
    if (strcmp(which, "system") == 0) {
        api = (alloc_api){"system", malloc, free, realloc, calloc, malloc_usable_size};
        Dl_info info;
        void *m = dlsym(RTLD_DEFAULT, "malloc");
        snprintf(where, sizeof where, " (malloc from %s)",
                 m != NULL && dladdr(m, &info) && info.dli_fname ? info.dli_fname : "?");
    } else if (strcmp(which, "ref") == 0) {
#ifdef MT_WITH_REF
        api = (alloc_api){"ref", ra_shim_malloc, ra_shim_free, ra_shim_realloc, ra_shim_calloc,
                          ra_shim_malloc_usable_size};
#else
        fprintf(stderr, "mt: built without MT_WITH_REF; use -a system or -a dlopen:PATH\n");
        return 2;
#endif
    } else if (strncmp(which, "dlopen:", 7) == 0) {
        const char *lib = which + 7;
        void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
        if (h == NULL) {
            fprintf(stderr, "mt: dlopen: %s\n", dlerror());
            return 2;
        }
        api = (alloc_api){which, (void *(*)(size_t))must_sym(h, lib, "malloc"),
                          (void (*)(void *))must_sym(h, lib, "free"),
                          (void *(*)(void *, size_t))must_sym(h, lib, "realloc"),
                          (void *(*)(size_t, size_t))must_sym(h, lib, "calloc"),
                          (size_t (*)(void *))dlsym(h, "malloc_usable_size")};
    } else {
        usage();
    }

    /* One call before the threads start: the allocator's lazy set-up is then done, and what the
     * threads race on (or not) is the steady state. */
    api.free_fn(api.malloc_fn(1));

    worker *ws = calloc((size_t)nthreads, sizeof *ws);
    pthread_t *tids = calloc((size_t)nthreads, sizeof *tids);
    if (ws == NULL || tids == NULL)
        return 2;
    pthread_barrier_init(&barrier, NULL, (unsigned)nthreads);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < nthreads; i++) {
        ws[i].id = i;
        ws[i].rng = seed * 0x9e3779b97f4a7c15ull + (unsigned long long)i * 0x632be59bd9b4e019ull + 1u;
        if (pthread_create(&tids[i], NULL, run, &ws[i]) != 0) {
            fprintf(stderr, "mt: pthread_create failed\n");
            return 2;
        }
    }
    unsigned long long sent = 0, received = 0, ops = 0, bytes = 0;
    for (int i = 0; i < nthreads; i++) {
        pthread_join(tids[i], NULL);
        sent += ws[i].sent;
        received += ws[i].received;
        ops += ws[i].ops;
        bytes += ws[i].bytes_verified;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    for (int s = 0; s < nthreads; s++)
        for (int r = 0; r < nthreads; r++)
            for (int k = 0; k < BOX; k++)
                if (atomic_load(&slots[s][r][k].p) != NULL) {
                    fprintf(stderr, "mt: a block was left in slot %d->%d\n", s, r);
                    return 1;
                }
    if (sent != received) {
        fprintf(stderr, "mt: %llu blocks handed over but %llu received\n", sent, received);
        return 1;
    }
    if (!quiet)
        printf("mt: allocator=%s%s threads=%d ops/thread=%ld publish=%s seed=%llu: %llu ops in "
               "%.3f s = %.0f ops/s, %llu hand-overs, %.1f MB verified%s\n",
               api.name, where, nthreads, ops_per_thread, publish, seed, ops, secs,
               secs > 0 ? (double)ops / secs : 0.0, sent, (double)bytes / 1e6,
               small_only ? " (sizes <= 1 KiB)" : "");
    pthread_barrier_destroy(&barrier);
    free(ws);
    free(tids);
    return 0;
}
