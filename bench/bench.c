/*
 * refalloc benchmark driver: one program, one code path, any allocator.
 *
 * Every workload calls the allocator through a small table of function pointers (bench_api). Two
 * tables exist:
 *   ref     the reference heap (ref/heap.h), direct API, over one big arena mapped with
 *           MAP_NORESERVE (metadata and user memory apart, so untouched pages stay unmapped);
 *   system  plain malloc/free/realloc/aligned_alloc of the process. Run with LD_PRELOAD of
 *           jemalloc, mimalloc or tcmalloc (bench/run.sh does this), the same table measures
 *           them; without it, glibc. --expect NAME makes the driver check which allocator really
 *           answers (a symbol only that library exports) so a preload that silently failed
 *           cannot be reported under the wrong name.
 * The table entries are out-of-line wrappers named bench_op_*: callgrind collects instructions
 * inside them only (--toggle-collect=bench_op_*), so the counts exclude the driver's own loop.
 *
 * Modes (each prints CSV rows on stdout, no header; bench/summarize.py makes the tables):
 *   throughput  stress, churn, realloc, aligned, list: one warm-up pass, then --reps timed
 *               passes; row: throughput,<alloc>,<workload>,<calls>,<ns/call of each pass...>
 *   latency     rdtsc around single calls; row: latency,<alloc>,<workload>,<op>,p50,p99,p999,max,
 *               timer overhead (ns)
 *   growth      random replace at live sets of 1e3..1e6 blocks; row: growth,<alloc>,<live>,ns/call
 *   frag        a long random run in a bounded arena; rows: frag,<alloc>,<step>,live blocks,used,
 *               footprint,live bytes,free bytes,largest free,fragmentation,failed requests
 *   callgrind   the throughput workloads, smaller, once each, with CALLGRIND_DUMP_STATS_AT(name)
 *               after each so every workload gets its own instruction total.
 *
 * Operation sequences are generated before timing (same seed for every allocator), so the timed
 * loops do array reads and allocator calls only. Every allocated block is written (first and last
 * word), as a program would, so page faults and cache misses of the allocator's placement count.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <x86intrin.h>

#include <valgrind/callgrind.h>
#include <valgrind/valgrind.h>

#include "heap.h"

/* ---- the allocator table ---------------------------------------------------------------------- */

typedef struct {
    const char *name;
    void *(*alloc)(size_t);
    void (*release)(void *);
    void *(*resize)(void *, size_t);
    void *(*aligned)(size_t, size_t);
} bench_api;

static ra_heap g_heap;
static void *g_meta, *g_arena;
static size_t g_meta_bytes, g_arena_bytes;

/* A fresh reference heap over `bytes` of arena: metadata and arena are separate anonymous
 * mappings (zero-filled, so init_split need not clear the records; pages are touched lazily). */
static void ref_open(size_t bytes)
{
    if (g_arena) {
        munmap(g_arena, g_arena_bytes);
        munmap(g_meta, g_meta_bytes);
    }
    size_t units = bytes / RA_HEAP_UNIT;
    g_arena_bytes = bytes;
    g_meta_bytes = ra_heap_meta_bytes(units);
    int prot = PROT_READ | PROT_WRITE, fl = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
    g_arena = mmap(NULL, g_arena_bytes, prot, fl, -1, 0);
    g_meta = mmap(NULL, g_meta_bytes, prot, fl, -1, 0);
    if (g_arena == MAP_FAILED || g_meta == MAP_FAILED) {
        perror("bench: mmap");
        exit(2);
    }
    ra_status s = ra_heap_init_split(&g_heap, g_meta, units, true, g_arena, bytes);
    if (s != RA_OK) {
        fprintf(stderr, "bench: ra_heap_init_split: %s\n", ra_status_str(s));
        exit(2);
    }
}

__attribute__((noinline)) void *bench_op_ref_malloc(size_t n) { return ra_heap_malloc(&g_heap, n); }
__attribute__((noinline)) void bench_op_ref_free(void *p) { ra_heap_free(&g_heap, p); }
__attribute__((noinline)) void *bench_op_ref_realloc(void *p, size_t n)
{
    return ra_heap_realloc(&g_heap, p, n);
}
__attribute__((noinline)) void *bench_op_ref_aligned(size_t a, size_t n)
{
    return ra_heap_aligned_alloc(&g_heap, a, n);
}
__attribute__((noinline)) void *bench_op_sys_malloc(size_t n) { return malloc(n); }
__attribute__((noinline)) void bench_op_sys_free(void *p) { free(p); }
__attribute__((noinline)) void *bench_op_sys_realloc(void *p, size_t n) { return realloc(p, n); }
__attribute__((noinline)) void *bench_op_sys_aligned(size_t a, size_t n)
{
    return aligned_alloc(a, n);
}

static bench_api api_ref = {"ref", bench_op_ref_malloc, bench_op_ref_free, bench_op_ref_realloc,
                            bench_op_ref_aligned};
static bench_api api_sys = {"glibc", bench_op_sys_malloc, bench_op_sys_free, bench_op_sys_realloc,
                            bench_op_sys_aligned};

/* Default arena for the reference heap: large enough for every workload's peak (the 1e6-block
 * growth step and the list need ~200 MB); pages the workloads never reach are never touched. */
#define REF_ARENA_BYTES ((size_t)4 << 30)

/* Before a workload: a fresh, empty allocator state for ref (the system allocators keep theirs,
 * as a process would). */
static void begin(const bench_api *a, size_t arena)
{
    if (a == &api_ref)
        ref_open(arena);
}

static void die_oom(const bench_api *a, const char *what, size_t n)
{
    fprintf(stderr, "bench: %s: %s(%zu) failed: %s\n", a->name, what, n, strerror(errno));
    exit(3);
}

/* ---- time, randomness ------------------------------------------------------------------------- */

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static void rng_seed(uint64_t s) { rng_state = s * 0x9e3779b97f4a7c15u + 1u; }
static uint64_t rng_next(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}
static uint32_t rng_range(uint32_t lo, uint32_t hi) /* uniform in [lo, hi] */
{
    return lo + (uint32_t)(rng_next() % ((uint64_t)hi - lo + 1u));
}

static void touch(void *p, size_t n)
{
    unsigned char *c = p;
    c[0] = (unsigned char)n;
    c[n - 1] = (unsigned char)(n >> 8);
}

/* ---- workloads -------------------------------------------------------------------------------- */

/* A slot program: each step picks a slot; a full slot is freed, an empty one gets a block of
 * size[step]. Used by stress, churn, aligned, latency and the callgrind runs. */
typedef struct {
    size_t steps, slots;
    uint32_t *slot, *size, *align; /* align NULL: plain malloc */
} program;

static program make_program(uint64_t seed, size_t steps, size_t slots, uint32_t lo, uint32_t hi,
                            int aligned)
{
    program p = {steps, slots, malloc(steps * 4u), malloc(steps * 4u), NULL};
    if (aligned)
        p.align = malloc(steps * 4u);
    rng_seed(seed);
    for (size_t i = 0; i < steps; i++) {
        p.slot[i] = rng_range(0, (uint32_t)slots - 1u);
        p.size[i] = rng_range(lo, hi);
        if (aligned) {
            uint32_t al = 64u << rng_range(0, 6); /* 64 .. 4096 */
            p.align[i] = al;
            p.size[i] = (p.size[i] + al - 1u) / al * al; /* C11: a multiple of the alignment */
        }
    }
    return p;
}

static void free_program(program *p)
{
    free(p->slot);
    free(p->size);
    free(p->align);
}

/* Runs p once; returns the number of allocator calls (the final frees included). */
static size_t run_program(const bench_api *a, const program *p, void **live)
{
    size_t calls = 0;
    memset(live, 0, p->slots * sizeof *live);
    for (size_t i = 0; i < p->steps; i++) {
        void **s = &live[p->slot[i]];
        if (*s) {
            a->release(*s);
            *s = NULL;
        } else {
            size_t n = p->size[i];
            *s = p->align ? a->aligned(p->align[i], n) : a->alloc(n);
            if (*s == NULL)
                die_oom(a, p->align ? "aligned_alloc" : "malloc", n);
            touch(*s, n);
        }
        calls++;
    }
    for (size_t j = 0; j < p->slots; j++)
        if (live[j]) {
            a->release(live[j]);
            calls++;
        }
    return calls;
}

/* Realloc growth: 16 buffers in turn, each doubling from 16 B to 64 KiB and halving back. */
#define RB_BUFS 16
static size_t run_realloc(const bench_api *a, size_t rounds)
{
    void *buf[RB_BUFS] = {0};
    size_t size[RB_BUFS], calls = 0;
    int dir[RB_BUFS];
    for (int b = 0; b < RB_BUFS; b++) {
        size[b] = 16u << (b % 8); /* staggered phases */
        dir[b] = 1;
        buf[b] = a->alloc(size[b]);
        if (!buf[b])
            die_oom(a, "malloc", size[b]);
        touch(buf[b], size[b]);
        calls++;
    }
    for (size_t r = 0; r < rounds; r++)
        for (int b = 0; b < RB_BUFS; b++) {
            if (size[b] >= 65536u)
                dir[b] = -1;
            else if (size[b] <= 16u)
                dir[b] = 1;
            size[b] = dir[b] > 0 ? size[b] * 2u : size[b] / 2u;
            void *q = a->resize(buf[b], size[b]);
            if (!q)
                die_oom(a, "realloc", size[b]);
            buf[b] = q;
            touch(q, size[b]);
            calls++;
        }
    for (int b = 0; b < RB_BUFS; b++) {
        a->release(buf[b]);
        calls++;
    }
    return calls;
}

/* The linked list: n nodes built (each pushed at the head) and torn down. */
struct node {
    struct node *next;
    uint64_t value;
};
static size_t run_list(const bench_api *a, size_t n)
{
    struct node *head = NULL;
    for (size_t i = 0; i < n; i++) {
        struct node *x = a->alloc(sizeof *x);
        if (!x)
            die_oom(a, "malloc", sizeof *x);
        x->value = i;
        x->next = head;
        head = x;
    }
    uint64_t sum = 0;
    while (head) {
        struct node *x = head;
        head = x->next;
        sum += x->value;
        a->release(x);
    }
    if (sum != (uint64_t)n * (n - 1u) / 2u) {
        fprintf(stderr, "bench: list checksum wrong\n");
        exit(3);
    }
    return 2u * n;
}

/* ---- throughput ------------------------------------------------------------------------------- */

typedef struct {
    const char *name;
    size_t steps, slots;
    uint32_t lo, hi;
    int kind; /* 0 slot program, 1 aligned program, 2 realloc, 3 list */
} workload;

/* Sizes of the timed runs; the callgrind runs divide steps by 10 (fills stay as they are). */
static const workload workloads[] = {
    {"stress", 1500000, 10000, 16, 10016, 0},
    {"churn", 1500000, 100000, 16, 256, 0},
    {"realloc", 30000, 0, 0, 0, 2},
    {"aligned", 1000000, 10000, 16, 1024, 1},
    {"list", 1000000, 0, 0, 0, 3},
};
#define NWORK (sizeof workloads / sizeof workloads[0])

static size_t run_workload(const bench_api *a, const workload *w, const program *p, void **live)
{
    switch (w->kind) {
    case 2: return run_realloc(a, w->steps);
    case 3: return run_list(a, w->steps);
    default: return run_program(a, p, live);
    }
}

static void mode_throughput(const bench_api *a, int reps, const char *only, size_t div)
{
    for (size_t k = 0; k < NWORK; k++) {
        workload w = workloads[k];
        if (only && strcmp(only, w.name) != 0)
            continue;
        w.steps /= div;
        program p = {0};
        void **live = NULL;
        if (w.kind <= 1) {
            p = make_program(1000u + k, w.steps, w.slots, w.lo, w.hi, w.kind == 1);
            live = calloc(w.slots, sizeof *live);
        }
        begin(a, REF_ARENA_BYTES);
        run_workload(a, &w, &p, live); /* warm-up: pages touched, caches and heaps primed */
        printf("throughput,%s,%s", a->name, w.name);
        for (int r = 0; r < reps; r++) {
            double t0 = now_ns();
            size_t calls = run_workload(a, &w, &p, live);
            double t1 = now_ns();
            if (r == 0)
                printf(",%zu", calls);
            printf(",%.2f", (t1 - t0) / (double)calls);
        }
        printf("\n");
        if (a == &api_ref) { /* how the reference heap served reallocs, summed over all passes */
            ra_heap_stats st;
            ra_heap_stats_get(&g_heap, &st);
            printf("refstats,%s,%zu,%zu\n", w.name, st.realloc_in_place, st.realloc_moved);
        }
        fflush(stdout);
        free(live);
        if (w.kind <= 1)
            free_program(&p);
    }
}

/* Instruction counts: each workload once (no warm-up needed, nothing is timed), a tenth of its
 * size; the instructions inside bench_op_* are dumped under the workload's name. */
static void mode_callgrind(const bench_api *a, const char *only)
{
    for (size_t k = 0; k < NWORK; k++) {
        workload w = workloads[k];
        if (only && strcmp(only, w.name) != 0)
            continue;
        w.steps /= 10;
        program p = {0};
        void **live = NULL;
        if (w.kind <= 1) {
            p = make_program(1000u + k, w.steps, w.slots, w.lo, w.hi, w.kind == 1);
            live = calloc(w.slots, sizeof *live);
        }
        begin(a, REF_ARENA_BYTES);
        CALLGRIND_ZERO_STATS;
        size_t calls = run_workload(a, &w, &p, live);
        char tag[64];
        snprintf(tag, sizeof tag, "%s/%zu", w.name, calls);
        CALLGRIND_DUMP_STATS_AT(tag);
        free(live);
        if (w.kind <= 1)
            free_program(&p);
    }
}

/* ---- latency ---------------------------------------------------------------------------------- */

static inline uint64_t tsc(void)
{
    _mm_lfence();
    uint64_t t = __rdtsc();
    _mm_lfence();
    return t;
}

static double tsc_per_ns(void)
{
    double t0 = now_ns();
    uint64_t c0 = tsc();
    while (now_ns() - t0 < 50e6)
        ;
    uint64_t c1 = tsc();
    return (double)(c1 - c0) / (now_ns() - t0);
}

static int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

static void report_latency(const char *alloc, const char *wl, const char *op, uint32_t *c, size_t n,
                           double per_ns, double overhead)
{
    qsort(c, n, sizeof *c, cmp_u32);
    double p50 = c[n / 2] / per_ns, p99 = c[n * 99 / 100] / per_ns;
    double p999 = c[n * 999 / 1000] / per_ns, mx = c[n - 1] / per_ns;
    printf("latency,%s,%s,%s,%.1f,%.1f,%.1f,%.1f,%.1f\n", alloc, wl, op, p50, p99, p999, mx,
           overhead);
}

/* Each malloc and free of a slot program timed on its own; one warm-up pass first. */
static void mode_latency(const bench_api *a)
{
    double per_ns = tsc_per_ns();
    /* Timer overhead: the same fence-rdtsc-fence pair around nothing. */
    size_t m = 200000;
    uint32_t *c = malloc(m * sizeof *c);
    for (size_t i = 0; i < m; i++) {
        uint64_t t0 = tsc();
        uint64_t t1 = tsc();
        c[i] = (uint32_t)(t1 - t0);
    }
    qsort(c, m, sizeof *c, cmp_u32);
    double overhead = c[m / 2] / per_ns;
    /* Resolution: the smallest non-zero step between two reads (coarse on some VMs). */
    uint32_t step = 0;
    for (size_t i = 0; i < m && step == 0; i++)
        step = c[i];
    fprintf(stderr, "bench: %s: tsc %.3f GHz, timer overhead %.1f ns, resolution %.1f ns\n",
            a->name, per_ns, overhead, step / per_ns);
    free(c);

    static const struct { const char *name; size_t steps, slots; uint32_t lo, hi; } L[] = {
        {"stress", 1000000, 10000, 16, 10016},
        {"churn", 1000000, 100000, 16, 256},
    };
    for (size_t k = 0; k < 2; k++) {
        program p = make_program(2000u + k, L[k].steps, L[k].slots, L[k].lo, L[k].hi, 0);
        void **live = calloc(p.slots, sizeof *live);
        uint32_t *cm = malloc(p.steps * sizeof *cm), *cf = malloc(p.steps * sizeof *cf);
        begin(a, REF_ARENA_BYTES);
        run_program(a, &p, live); /* warm-up */
        memset(live, 0, p.slots * sizeof *live);
        size_t nm = 0, nf = 0;
        for (size_t i = 0; i < p.steps; i++) {
            void **s = &live[p.slot[i]];
            if (*s) {
                void *q = *s;
                uint64_t t0 = tsc();
                a->release(q);
                uint64_t t1 = tsc();
                cf[nf++] = (uint32_t)(t1 - t0);
                *s = NULL;
            } else {
                size_t n = p.size[i];
                uint64_t t0 = tsc();
                void *q = a->alloc(n);
                uint64_t t1 = tsc();
                cm[nm++] = (uint32_t)(t1 - t0);
                if (!q)
                    die_oom(a, "malloc", n);
                touch(q, n);
                *s = q;
            }
        }
        for (size_t j = 0; j < p.slots; j++)
            if (live[j])
                a->release(live[j]);
        report_latency(a->name, L[k].name, "malloc", cm, nm, per_ns, overhead);
        report_latency(a->name, L[k].name, "free", cf, nf, per_ns, overhead);
        fflush(stdout);
        free(cm);
        free(cf);
        free(live);
        free_program(&p);
    }
}

/* ---- growth ----------------------------------------------------------------------------------- */

/* Live sets of n blocks (16..256 bytes): fill, then 500,000 random replacements (free a random block,
 * allocate a new one in its slot) timed; ns per call. */
static void mode_growth(const bench_api *a, int reps)
{
    static const size_t sizes[] = {1000, 3000, 10000, 30000, 100000, 300000, 1000000};
    /* Under callgrind: no warm-up, one pass of 200,000 replacements per size, each pass's
     * instructions dumped as growth/<live>/<calls>. */
    const int vg = RUNNING_ON_VALGRIND != 0;
    const size_t steps = vg ? 200000 : 500000;
    if (vg)
        reps = 1;
    uint32_t *slot = malloc(steps * sizeof *slot), *size = malloc(steps * sizeof *size);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        rng_seed(3000u + k);
        for (size_t i = 0; i < steps; i++) {
            slot[i] = rng_range(0, (uint32_t)n - 1u);
            size[i] = rng_range(16, 256);
        }
        void **live = malloc(n * sizeof *live);
        begin(a, REF_ARENA_BYTES);
        printf("growth,%s,%zu", a->name, n);
        for (int r = vg ? 0 : -1; r < reps; r++) { /* pass -1 is the warm-up */
            for (size_t j = 0; j < n; j++) {
                size_t s = rng_range(16, 256);
                live[j] = a->alloc(s);
                if (!live[j])
                    die_oom(a, "malloc", s);
                touch(live[j], s);
            }
            CALLGRIND_ZERO_STATS;
            double t0 = now_ns();
            for (size_t i = 0; i < steps; i++) {
                a->release(live[slot[i]]);
                void *q = a->alloc(size[i]);
                if (!q)
                    die_oom(a, "malloc", size[i]);
                touch(q, size[i]);
                live[slot[i]] = q;
            }
            double t1 = now_ns();
            if (vg) {
                char tag[64];
                snprintf(tag, sizeof tag, "growth/%zu/%zu", n, 2u * steps);
                CALLGRIND_DUMP_STATS_AT(tag);
            }
            for (size_t j = 0; j < n; j++)
                a->release(live[j]);
            if (r >= 0)
                printf(",%.2f", (t1 - t0) / (double)(2u * steps));
        }
        printf("\n");
        fflush(stdout);
        free(live);
    }
    free(slot);
    free(size);
}

/* ---- fragmentation ---------------------------------------------------------------------------- */

/* A long random run whose live-set target swings between 10% and 100% of 4,000 blocks, sizes
 * log-uniform in 16 B .. 64 KiB (mean ~8 KiB). ref runs in a 64 MiB arena (about twice the peak
 * request) so that fragmentation = 1 - largest_free / free is about the space that matters and a
 * request that does not fit shows up as a failure (counted, not fatal). Rows every 20,000 steps:
 * used (requested bytes live), footprint (ref: highest arena byte ever handed out; system:
 * mallinfo2 arena + hblkhd), free bytes, largest free block, fragmentation, failed requests. */
static void mode_frag(const bench_api *a)
{
    const size_t slots = 6000, maxlive = 4000, steps = 4000000, every = 20000;
    const size_t arena = (size_t)64 << 20;
    void **live = calloc(slots, sizeof *live);
    size_t *len = calloc(slots, sizeof *len);
    size_t nlive = 0, used = 0, failed = 0, extent = 0;
    begin(a, arena);
    rng_seed(4242);
    for (size_t i = 1; i <= steps; i++) {
        /* target live count: a slow triangle wave, 10% .. 100% of maxlive, period 1e6 steps */
        size_t ph = i % 1000000u;
        double tri = ph < 500000u ? (double)ph / 5e5 : (double)(1000000u - ph) / 5e5;
        size_t target = (size_t)((0.1 + 0.9 * tri) * (double)maxlive);
        size_t j = rng_range(0, (uint32_t)slots - 1u);
        if (live[j] && (nlive > target || (rng_next() & 1u))) {
            a->release(live[j]);
            used -= len[j];
            live[j] = NULL;
            nlive--;
        } else if (!live[j] && nlive < target) {
            double lg = 4.0 + 12.0 * (double)(rng_next() >> 11) / 9007199254740992.0;
            size_t n = (size_t)exp2(lg);
            void *q = a->alloc(n);
            if (q) {
                touch(q, n);
                live[j] = q;
                len[j] = n;
                used += n;
                nlive++;
                if (a == &api_ref) {
                    size_t end = (size_t)((unsigned char *)q - (unsigned char *)g_arena) + n;
                    if (end > extent)
                        extent = end;
                }
            } else {
                failed++;
            }
        }
        if (i % every == 0) {
            if (a == &api_ref) {
                ra_heap_stats st;
                ra_heap_stats_get(&g_heap, &st);
                printf("frag,%s,%zu,%zu,%zu,%zu,%zu,%zu,%zu,%.4f,%zu\n", a->name, i, nlive,
                       st.used_bytes, extent, st.live_bytes, st.free_bytes, st.largest_free,
                       st.fragmentation, st.failed_requests);
            } else {
                struct mallinfo2 mi = mallinfo2();
                printf("frag,%s,%zu,%zu,%zu,%zu,%zu,%zu,%zu,%.4f,%zu\n", a->name, i, nlive, used,
                       mi.arena + mi.hblkhd, mi.uordblks + mi.hblkhd, mi.fordblks, (size_t)0,
                       0.0, failed);
            }
        }
    }
    for (size_t j = 0; j < slots; j++)
        if (live[j])
            a->release(live[j]);
    fflush(stdout);
    free(live);
    free(len);
}

/* ---- main ------------------------------------------------------------------------------------- */

/* Which allocator answers malloc in this process: the file that defines the malloc symbol the
 * dynamic linker resolved (LD_PRELOAD puts the preloaded library first). */
static const char *detect(void)
{
    Dl_info info;
    void *m = dlsym(RTLD_DEFAULT, "malloc");
    if (m == NULL || dladdr(m, &info) == 0 || info.dli_fname == NULL)
        return "unknown";
    static const char *const known[][2] = {
        {"jemalloc", "jemalloc"}, {"mimalloc", "mimalloc"}, {"tcmalloc", "tcmalloc"},
        {"refalloc", "ref-shim"}, {"libc.so", "glibc"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strstr(info.dli_fname, known[i][0]))
            return known[i][1];
    return info.dli_fname;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: ra_bench MODE --alloc ref|system [--expect NAME] [--reps N] [--only W] [--div N]\n"
            "  MODE: throughput latency growth frag callgrind\n");
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage();
    const char *mode = argv[1], *alloc = NULL, *expect = NULL, *only = NULL;
    int reps = 1;
    size_t div = 1;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--alloc"))
            alloc = argv[i + 1];
        else if (!strcmp(argv[i], "--expect"))
            expect = argv[i + 1];
        else if (!strcmp(argv[i], "--reps"))
            reps = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--only"))
            only = argv[i + 1];
        else if (!strcmp(argv[i], "--div"))
            div = (size_t)atol(argv[i + 1]);
        else
            usage();
    }
    if (!alloc || reps < 1 || div < 1)
        usage();
    const bench_api *a;
    if (!strcmp(alloc, "ref")) {
        a = &api_ref;
    } else if (!strcmp(alloc, "system")) {
        api_sys.name = detect();
        if (expect && strcmp(expect, api_sys.name) != 0) {
            fprintf(stderr, "bench: expected %s to answer malloc, found %s (LD_PRELOAD?)\n",
                    expect, api_sys.name);
            return 2;
        }
        a = &api_sys;
    } else {
        usage();
    }
    if (!strcmp(mode, "throughput"))
        mode_throughput(a, reps, only, div);
    else if (!strcmp(mode, "latency"))
        mode_latency(a);
    else if (!strcmp(mode, "growth"))
        mode_growth(a, reps);
    else if (!strcmp(mode, "frag"))
        mode_frag(a);
    else if (!strcmp(mode, "callgrind"))
        mode_callgrind(a, only);
    else
        usage();
    return 0;
}
