/*
 * refalloc malloc shim: the C allocation API of a whole process on top of one reference heap
 * (ref/heap.c), for LD_PRELOAD (build/librefalloc_malloc.so, `make shim`).
 *
 * This file is the thin, unproved wrapper the design keeps outside the proved code: locking,
 * mmap, the fork protocol, the bad-pointer message. The heap does every allocation decision.
 *
 * Address space. At the first call the shim reserves, PROT_NONE (no commit charge, whatever
 * vm.overcommit_memory says), one range for the heap's out-of-line metadata and one for the arena,
 * each 32 GiB by default (the heap's limit is 2^31 units of 16 bytes; one 16-byte record per unit),
 * halving the request while mmap refuses (RLIMIT_AS). It then makes 1 MiB read-write and hands both
 * ranges to ra_heap_init_split with meta_zeroed = true: fresh anonymous memory reads as zero, so
 * metadata pages the heap never writes are never faulted in.
 *
 *     meta  [ committed RW | PROT_NONE reserve ........................................ ]
 *     arena [ committed RW | PROT_NONE reserve ........................................ ]
 *                          ^ grows by mprotect + ra_heap_extend when an allocation fails
 *
 * Growth. When a request fails with ENOMEM and the size is possible, the shim grows the arena by
 * the heap's fit guarantee (heap.h): need = class_round(units + alignment gap) units, at least
 * 1 MiB and at least 1/8 of the arena (geometric, so a growing program makes O(log n) mprotect
 * calls), rounded to 64 KiB, and retries. A free block of `need` units at the end of the arena
 * satisfies the retry, so one growth suffices unless the reservation is exhausted. errno is
 * restored when the retry succeeds. Memory is never returned to the kernel (a reference, not a
 * production allocator).
 *
 * Locking: one pthread mutex (the default, non-recursive type) around every heap call. Why not
 * a spinlock: on machines with fewer cores than threads (our CI has 2) a preempted lock holder
 * makes spinners burn their whole time slice, while glibc's futex mutex costs the same single
 * atomic instruction when uncontended and sleeps when contended. And ThreadSanitizer understands
 * pthread mutexes natively, so the TSan harness (tests/threads/) checks the shim's own
 * synchronisation, not just the program's. Per-thread heaps are a possible next step; they need
 * a cross-thread free protocol and are not done.
 *
 * Fork: pthread_atfork handlers (registered by a constructor, never from inside malloc) take the
 * lock before fork and release it in the parent; the child re-initialises it, so a child forked
 * while another thread was inside malloc can still allocate. Handlers run in reverse registration
 * order before fork, so the program's and later libraries' prepare handlers, which may allocate,
 * run before ours takes the lock.
 *
 * Early calls: no constructor is needed before the first malloc (the dynamic loader and libc
 * allocate before any constructor runs); every entry point initialises lazily under the lock,
 * with a statically initialised mutex.
 *
 * Checked mode (always on): free/realloc of a pointer that is not a live block of the heap
 * (foreign, interior, misaligned, double free) is reported by the heap's validation, before any
 * change, to on_bad_pointer below: it writes one explanatory line to stderr with write(2) (no
 * stdio, no malloc), releases the lock so that a SIGABRT handler can still allocate, and aborts.
 *
 * Semantics (glibc 2.36 where the standards leave a choice; spec/SEMANTICS.md):
 *   malloc(0) and realloc(NULL, 0): a unique block. realloc(p, 0), p != NULL: frees p, returns
 *   NULL, errno unchanged. Sizes above PTRDIFF_MAX, overflowing calloc/reallocarray products and
 *   exhausted reservations: NULL with errno ENOMEM. aligned_alloc: alignment 0 or not a power of
 *   two fails with EINVAL, as C17 (DR 460) requires and glibc does since 2.38 (glibc 2.36 rounded
 *   such alignments up; we take the standard's side here). memalign: glibc's rules (alignments up
 *   to 16 are malloc, others are rounded up to a power of two, above SIZE_MAX/2+1 EINVAL).
 *   posix_memalign: EINVAL unless the alignment is a power-of-two multiple of sizeof(void *);
 *   on failure *memptr and errno are untouched. valloc: page-aligned; pvalloc: page-aligned and
 *   the size rounded up to a page multiple (pvalloc(0) rounds to 0, as glibc). free(NULL): no-op;
 *   free never changes errno. malloc_usable_size(NULL) and of a pointer not live in the heap: 0.
 *
 * Environment: REFALLOC_ARENA_MAX=<bytes>[k|m|g] caps the arena reservation (tests of ENOMEM);
 * REFALLOC_STATS=<file> appends one line of counters per process at exit (the LD_PRELOAD tests
 * use it to prove that each program really ran on this heap).
 *
 * Build variants: by default the entry points are the standard names, exported (the rest of the
 * .so is hidden with -fvisibility=hidden). With -DRA_SHIM_PREFIX they are ra_shim_malloc,
 * ra_shim_free, ... and not interposing, so a test binary (the TSan harness) can link this source
 * and call the reference through its own names while the sanitizer keeps the real malloc.
 * -DRA_SHIM_TEST_NO_LOCK (only with RA_SHIM_PREFIX) removes the lock: the negative control that
 * shows TSan sees the heap's accesses. -DRA_SHIM_RESERVE_BYTES=<n> changes the reservation.
 */
#define _GNU_SOURCE
#include "heap.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef RA_SHIM_PREFIX
#define API(name) ra_shim_##name
#define EXPORT
#else
#define API(name) name
#define EXPORT __attribute__((visibility("default")))
#endif

#if defined(RA_SHIM_TEST_NO_LOCK) && !defined(RA_SHIM_PREFIX)
#error "RA_SHIM_TEST_NO_LOCK is a test-only variant; it needs RA_SHIM_PREFIX"
#endif

#ifndef RA_SHIM_RESERVE_BYTES
#define RA_SHIM_RESERVE_BYTES ((size_t)32 << 30) /* 32 GiB of arena (+ as much metadata) */
#endif
#define MIN_RESERVE ((size_t)16 << 20)             /* stop halving the reservation here */
#define INITIAL_BYTES ((size_t)1 << 20)            /* committed at start-up */
#define GROW_MIN_BYTES ((size_t)1 << 20)
#define GRAIN_BYTES ((size_t)64 << 10)             /* commit granularity (a page multiple) */

EXPORT void *API(malloc)(size_t size);
EXPORT void API(free)(void *ptr);
EXPORT void *API(calloc)(size_t count, size_t size);
EXPORT void *API(realloc)(void *ptr, size_t size);
EXPORT void *API(reallocarray)(void *ptr, size_t count, size_t size);
EXPORT void *API(aligned_alloc)(size_t alignment, size_t size);
EXPORT int API(posix_memalign)(void **memptr, size_t alignment, size_t size);
EXPORT void *API(memalign)(size_t alignment, size_t size);
EXPORT void *API(valloc)(size_t size);
EXPORT void *API(pvalloc)(size_t size);
EXPORT size_t API(malloc_usable_size)(void *ptr);

/* ---- state (every field below is guarded by `lock`) --------------------------------------- */

#ifndef RA_SHIM_TEST_NO_LOCK
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
#endif
static ra_heap heap;
static int state;                 /* 0: not yet initialised, 1: ready, -1: reservation failed */
static unsigned char *meta_base;  /* reserved metadata range */
static unsigned char *arena_base; /* reserved arena range */
static size_t capacity_units;     /* units the reservation can hold */
static size_t arena_units;        /* units handed to the heap so far */
static size_t meta_committed, arena_committed; /* read-write prefix of each range, bytes */
static size_t page_size;
static struct {
    size_t mallocs, frees, reallocs, aligned, grows;
} counts;

#ifdef RA_SHIM_TEST_NO_LOCK
static void lock_acquire(void) {}
static void lock_release(void) {}
#else
static void lock_acquire(void) { pthread_mutex_lock(&lock); }
static void lock_release(void) { pthread_mutex_unlock(&lock); }
#endif

/* ---- messages without malloc or stdio ----------------------------------------------------- */

typedef struct {
    char buf[768];
    size_t len;
} msg;

static void msg_str(msg *m, const char *s)
{
    while (*s != '\0' && m->len < sizeof m->buf - 1u)
        m->buf[m->len++] = *s++;
}

static void msg_uint(msg *m, unsigned long long v, unsigned base)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v != 0);
    if (base == 16)
        msg_str(m, "0x");
    while (n > 0 && m->len < sizeof m->buf - 1u)
        m->buf[m->len++] = tmp[--n];
}

static void msg_write(int fd, const msg *m)
{
    size_t off = 0;
    while (off < m->len) {
        ssize_t w = write(fd, m->buf + off, m->len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        off += (size_t)w;
    }
}

/* The heap's bad-pointer handler (called under the lock, before the heap changes anything). */
static void on_bad_pointer(const ra_heap *h, const char *op, const void *ptr, const char *reason,
                           void *ctx)
{
    (void)h;
    (void)ctx;
    msg m = {.len = 0};
    msg_str(&m, "refalloc: invalid ");
    msg_str(&m, op);
    msg_str(&m, "(");
    msg_uint(&m, (unsigned long long)(uintptr_t)ptr, 16);
    msg_str(&m, ") in process ");
    msg_uint(&m, (unsigned long long)getpid(), 10);
    msg_str(&m, " (");
    msg_str(&m, program_invocation_short_name);
    msg_str(&m, "): ");
    msg_str(&m, reason);
    if (state > 0) {
        msg_str(&m, "\nrefalloc: the heap's arena is ");
        msg_uint(&m, (unsigned long long)(uintptr_t)arena_base, 16);
        msg_str(&m, "..");
        msg_uint(&m, (unsigned long long)((uintptr_t)arena_base + arena_units * RA_HEAP_UNIT),
                 16);
    } else {
        msg_str(&m, "\nrefalloc: the heap has no arena yet");
    }
    msg_str(&m, "; checked mode: aborting before the heap is changed\n");
    msg_write(2, &m);
    lock_release(); /* a SIGABRT handler may allocate; the heap is consistent */
    abort();
}

/* ---- reservation and growth --------------------------------------------------------------- */

static size_t round_up(size_t n, size_t to) /* to: a power of two; n small enough not to wrap */
{
    return (n + to - 1u) & ~(to - 1u);
}

/* REFALLOC_ARENA_MAX: decimal bytes with an optional k/m/g suffix; 0 when unset or malformed. */
static size_t env_bytes(const char *name)
{
    const char *s = getenv(name);
    size_t v = 0;
    if (s == NULL || *s == '\0')
        return 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (SIZE_MAX - 9u) / 10u)
            return 0;
        v = v * 10u + (size_t)(*s - '0');
    }
    unsigned shift = *s == 'k' || *s == 'K' ? 10u : *s == 'm' || *s == 'M' ? 20u
                   : *s == 'g' || *s == 'G' ? 30u : 0u;
    if (shift != 0)
        s++;
    if (*s != '\0' || v > (SIZE_MAX >> shift))
        return 0;
    return v << shift;
}

/* Make the first `units` units of the arena and their metadata (plus the sentinel) read-write. */
static bool commit(size_t units)
{
    size_t mneed = round_up(ra_heap_meta_bytes(units), page_size);
    size_t aneed = round_up(units * RA_HEAP_UNIT, page_size);
    if (mneed > meta_committed) {
        if (mprotect(meta_base + meta_committed, mneed - meta_committed, PROT_READ | PROT_WRITE))
            return false;
        meta_committed = mneed;
    }
    if (aneed > arena_committed) {
        if (mprotect(arena_base + arena_committed, aneed - arena_committed,
                     PROT_READ | PROT_WRITE))
            return false;
        arena_committed = aneed;
    }
    return true;
}

static bool init_locked(void)
{
    if (state != 0)
        return state > 0;
    state = -1;
    long ps = sysconf(_SC_PAGESIZE);
    page_size = ps > 0 ? (size_t)ps : 4096u;
    size_t reserve = RA_SHIM_RESERVE_BYTES, cap = env_bytes("REFALLOC_ARENA_MAX");
    if (cap != 0 && cap < reserve)
        reserve = cap < MIN_RESERVE ? MIN_RESERVE : cap;
    if (reserve > (size_t)RA_HEAP_MAX_UNITS * RA_HEAP_UNIT)
        reserve = (size_t)RA_HEAP_MAX_UNITS * RA_HEAP_UNIT;
    for (;; reserve /= 2u) {
        reserve = reserve / GRAIN_BYTES * GRAIN_BYTES;
        if (reserve < MIN_RESERVE)
            return false;
        size_t units = reserve / RA_HEAP_UNIT;
        size_t mbytes = round_up(ra_heap_meta_bytes(units), page_size);
        void *m = mmap(NULL, mbytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
                       0);
        if (m == MAP_FAILED)
            continue;
        void *a = mmap(NULL, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
                       0);
        if (a == MAP_FAILED) {
            munmap(m, mbytes);
            continue;
        }
        meta_base = m;
        arena_base = a;
        capacity_units = units;
        break;
    }
    size_t first = INITIAL_BYTES / RA_HEAP_UNIT;
    if (!commit(first) || ra_heap_init_split(&heap, (ra_heap_unit *)(void *)meta_base,
                                             capacity_units, true, arena_base,
                                             first * RA_HEAP_UNIT) != RA_OK)
        return false;
    arena_units = first;
    ra_heap_set_error_handler(&heap, on_bad_pointer, NULL);
    state = 1;
    return true;
}

/* Lock; initialise on first use. On false the lock is released and errno is ENOMEM. */
static bool enter(void)
{
    lock_acquire();
    if (init_locked())
        return true;
    lock_release();
    errno = ENOMEM;
    return false;
}

/* Units a request needs for its retry to succeed after growth (the fit guarantee in heap.h),
 * or 0 if no arena could serve it. alignment: a power of two. */
static size_t need_units(size_t alignment, size_t size)
{
    if (size > PTRDIFF_MAX)
        return 0;
    size_t u = size / RA_HEAP_UNIT + (size % RA_HEAP_UNIT != 0);
    if (u == 0)
        u = 1;
    if (alignment > RA_HEAP_ALIGN) {
        size_t extra = alignment / RA_HEAP_UNIT - 1u;
        if (extra > RA_HEAP_MAX_UNITS)
            return 0;
        u += extra;
    }
    if (u > RA_HEAP_MAX_UNITS)
        return 0;
    u = ra_heap_class_round(u);
    return u > RA_HEAP_MAX_UNITS ? 0 : u;
}

/* Grow the arena so that a request of `need` units (need_units) fits. False if nothing could be
 * added (impossible size, reservation exhausted, mprotect refused). */
static bool grow_locked(size_t need)
{
    if (need == 0 || arena_units >= capacity_units)
        return false;
    size_t add = need;
    if (add < GROW_MIN_BYTES / RA_HEAP_UNIT)
        add = GROW_MIN_BYTES / RA_HEAP_UNIT;
    if (add < arena_units / 8u)
        add = arena_units / 8u;
    add = round_up(add, GRAIN_BYTES / RA_HEAP_UNIT);
    if (add > capacity_units - arena_units)
        add = capacity_units - arena_units;
    if (!commit(arena_units + add) || ra_heap_extend(&heap, add * RA_HEAP_UNIT) != RA_OK)
        return false;
    arena_units += add;
    counts.grows++;
    return true;
}

/* ---- the API ------------------------------------------------------------------------------ */

static void *malloc_locked(size_t size)
{
    int saved = errno;
    void *p = ra_heap_malloc(&heap, size);
    while (p == NULL && grow_locked(need_units(RA_HEAP_ALIGN, size))) {
        p = ra_heap_malloc(&heap, size);
        if (p != NULL)
            errno = saved;
    }
    counts.mallocs++;
    return p;
}

/* alignment: a power of two. */
static void *aligned_locked(size_t alignment, size_t size)
{
    int saved = errno;
    void *p = ra_heap_aligned_alloc(&heap, alignment, size);
    while (p == NULL && grow_locked(need_units(alignment, size))) {
        p = ra_heap_aligned_alloc(&heap, alignment, size);
        if (p != NULL)
            errno = saved;
    }
    counts.aligned++;
    return p;
}

static void *aligned_entry(size_t alignment, size_t size)
{
    if (!enter())
        return NULL;
    void *p = aligned_locked(alignment, size);
    lock_release();
    return p;
}

static bool is_pow2(size_t x)
{
    return x != 0 && (x & (x - 1u)) == 0;
}

EXPORT void *API(malloc)(size_t size)
{
    if (!enter())
        return NULL;
    void *p = malloc_locked(size);
    lock_release();
    return p;
}

EXPORT void API(free)(void *ptr)
{
    if (ptr == NULL)
        return;
    int saved = errno;
    lock_acquire();
    if (state <= 0) {
        /* Nothing was ever allocated here, so ptr cannot be ours. */
        on_bad_pointer(&heap, "free", ptr,
                       "pointer is not in this heap's arena (foreign pointer; nothing allocated yet)",
                       NULL);
    }
    ra_heap_free(&heap, ptr);
    counts.frees++;
    lock_release();
    errno = saved;
}

EXPORT void *API(calloc)(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    if (!enter())
        return NULL;
    int saved = errno;
    void *p = ra_heap_calloc(&heap, count, size);
    while (p == NULL && grow_locked(need_units(RA_HEAP_ALIGN, count * size))) {
        p = ra_heap_calloc(&heap, count, size);
        if (p != NULL)
            errno = saved;
    }
    counts.mallocs++;
    lock_release();
    return p;
}

EXPORT void *API(realloc)(void *ptr, size_t size)
{
    if (!enter())
        return NULL;
    if (ptr == NULL) {
        void *p = malloc_locked(size);
        lock_release();
        return p;
    }
    int saved = errno;
    void *p = ra_heap_realloc(&heap, ptr, size); /* size 0: frees, NULL, errno kept */
    while (p == NULL && size != 0 && grow_locked(need_units(RA_HEAP_ALIGN, size))) {
        p = ra_heap_realloc(&heap, ptr, size); /* the failed attempt left ptr intact */
        if (p != NULL)
            errno = saved;
    }
    counts.reallocs++;
    lock_release();
    return p;
}

EXPORT void *API(reallocarray)(void *ptr, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    return API(realloc)(ptr, count * size);
}

EXPORT void *API(aligned_alloc)(size_t alignment, size_t size)
{
    if (!is_pow2(alignment)) {
        errno = EINVAL;
        return NULL;
    }
    return aligned_entry(alignment, size);
}

EXPORT int API(posix_memalign)(void **memptr, size_t alignment, size_t size)
{
    if (alignment % sizeof(void *) != 0 || !is_pow2(alignment / sizeof(void *)))
        return EINVAL;
    int saved = errno;
    void *p = aligned_entry(alignment, size);
    errno = saved;
    if (p == NULL)
        return ENOMEM;
    *memptr = p;
    return 0;
}

EXPORT void *API(memalign)(size_t alignment, size_t size)
{
    if (alignment > SIZE_MAX / 2u + 1u) {
        errno = EINVAL;
        return NULL;
    }
    if (alignment < RA_HEAP_ALIGN)
        alignment = RA_HEAP_ALIGN;
    while (!is_pow2(alignment)) /* glibc: round up to a power of two */
        alignment = (alignment | (alignment - 1u)) + 1u;
    return aligned_entry(alignment, size);
}

static size_t page(void)
{
    long ps = sysconf(_SC_PAGESIZE);
    return ps > 0 ? (size_t)ps : 4096u;
}

EXPORT void *API(valloc)(size_t size)
{
    return aligned_entry(page(), size);
}

EXPORT void *API(pvalloc)(size_t size)
{
    size_t ps = page();
    if (size > PTRDIFF_MAX) {
        errno = ENOMEM;
        return NULL;
    }
    return aligned_entry(ps, round_up(size, ps));
}

EXPORT size_t API(malloc_usable_size)(void *ptr)
{
    if (ptr == NULL)
        return 0;
    lock_acquire();
    size_t n = state > 0 ? ra_heap_usable_size(&heap, ptr) : 0;
    lock_release();
    return n;
}

/* ---- fork protocol and exit report -------------------------------------------------------- */

static void fork_prepare(void) { lock_acquire(); }
static void fork_parent(void) { lock_release(); }
static void fork_child(void)
{
#ifndef RA_SHIM_TEST_NO_LOCK
    pthread_mutex_init(&lock, NULL); /* the only thread of the child; no other owner exists */
#endif
}

__attribute__((constructor)) static void shim_start(void)
{
    pthread_atfork(fork_prepare, fork_parent, fork_child);
}

/* Resident bytes of the first `len` bytes of a range (mincore, in chunks; no allocation). */
static size_t resident(const unsigned char *base, size_t len)
{
    static unsigned char vec[4096];
    size_t total = 0;
    for (size_t off = 0; off < len; off += sizeof vec * page_size) {
        size_t n = len - off < sizeof vec * page_size ? len - off : sizeof vec * page_size;
        if (mincore((void *)(uintptr_t)(base + off), n, vec) != 0)
            return 0;
        for (size_t i = 0; i < (n + page_size - 1u) / page_size; i++)
            total += (vec[i] & 1u) * page_size;
    }
    return total;
}

/* REFALLOC_STATS=<file>: append "refalloc: pid=... prog=... mallocs=..." at exit, with the
 * resident memory of the arena and of the metadata (the heap keeps one 16-byte record per
 * 16-byte unit, so for small blocks the metadata's resident size approaches the arena's). */
__attribute__((destructor)) static void shim_report(void)
{
    const char *path = getenv("REFALLOC_STATS");
    if (path == NULL || *path == '\0')
        return;
    ra_heap_stats st;
    lock_acquire();
    int ready = state > 0;
    if (ready)
        ra_heap_stats_get(&heap, &st);
    msg m = {.len = 0};
    msg_str(&m, "refalloc: pid=");
    msg_uint(&m, (unsigned long long)getpid(), 10);
    msg_str(&m, " prog=");
    msg_str(&m, program_invocation_short_name);
    if (ready) {
        msg_str(&m, " mallocs=");
        msg_uint(&m, counts.mallocs, 10);
        msg_str(&m, " frees=");
        msg_uint(&m, counts.frees, 10);
        msg_str(&m, " reallocs=");
        msg_uint(&m, counts.reallocs, 10);
        msg_str(&m, " aligned=");
        msg_uint(&m, counts.aligned, 10);
        msg_str(&m, " grows=");
        msg_uint(&m, counts.grows, 10);
        msg_str(&m, " arena_bytes=");
        msg_uint(&m, st.arena_bytes, 10);
        msg_str(&m, " peak_used_bytes=");
        msg_uint(&m, st.peak_used_bytes, 10);
        msg_str(&m, " live_blocks=");
        msg_uint(&m, st.live_blocks, 10);
        msg_str(&m, " invalid_frees=");
        msg_uint(&m, st.invalid_frees, 10);
        msg_str(&m, " arena_resident=");
        msg_uint(&m, resident(arena_base, arena_committed), 10);
        msg_str(&m, " meta_resident=");
        msg_uint(&m, resident(meta_base, meta_committed), 10);
    } else {
        msg_str(&m, " unused");
    }
    msg_str(&m, "\n");
    lock_release();
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
        msg_write(fd, &m);
        close(fd);
    }
}
