/*
 * refalloc conformance kit: the fixed battery (see docs/conform.md).
 *
 * One source, two uses. fuzz/conform.c includes this file with the macros below mapped to the
 * allocator it loaded (dlopen'ed symbols or the process's own); when a case finds a violation,
 * the kit copies the @common block and that case's block verbatim into a standalone C program
 * whose macros call the plain C API (malloc, free, ...), so the reproducer runs exactly the code
 * that produced the finding. Keep the markers (@common, @case NAME, @end) on lines of their own.
 *
 * The includer defines:
 *   MALLOC(n) CALLOC(n, s) REALLOC(p, n) FREE(p) ALIGNED_ALLOC(a, n) POSIX_MEMALIGN(pp, a, n)
 *   MEMALIGN(a, n) USABLE(p) REALLOCARRAY(p, n, s)      the allocator under test
 *   HAVE_ALIGNED_ALLOC HAVE_POSIX_MEMALIGN HAVE_MEMALIGN HAVE_USABLE HAVE_REALLOCARRAY
 *   P_MALLOC0_NONNULL    the profile says malloc(0) returns a unique pointer (else NULL allowed)
 *   P_REALLOC0           realloc(p, 0): 0 frees p and returns NULL, 1 new block, 2 either
 *   P_AA_BAD_MAY_SUCCEED aligned_alloc with a bad alignment may succeed (glibc < 2.38)
 *   P_USE_SLACK          the program may use every byte up to malloc_usable_size
 *   FINDING(rule, fmt, ...)   a violation of `rule` (the case goes on)
 *   NOTE(fmt, ...)            an implementation-defined choice, printed, never a finding
 *   OBSERVE(key, value)       tell the kit an implementation-defined choice (no-op elsewhere)
 *
 * Every case is deterministic (no clock, no addresses in decisions), bounded (a few MB at most)
 * and frees what it allocates, so the cases can run one after the other in one process.
 */
/* @common */
#define CF_PD_MAX ((size_t)PTRDIFF_MAX)
#define CF_MAX_ALIGN ((size_t)_Alignof(max_align_t))
#define CF_ERRNO_SENTINEL 4242

/* A byte pattern that differs per block (seed) and per offset and is never zero. */
static unsigned char cf_pat(size_t seed, size_t i)
{
    uint32_t j = (uint32_t)(seed * 131u + i);
    return (unsigned char)(((j * 2654435761u) >> 24) | 1u);
}
static void cf_fill(void *p, size_t n, size_t seed)
{
    unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        b[i] = cf_pat(seed, i);
}
/* First offset in [0, n) that lost its pattern, or n. */
static size_t cf_check(const void *p, size_t n, size_t seed)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != cf_pat(seed, i))
            return i;
    return n;
}
static int cf_pow2(size_t a) { return a != 0 && (a & (a - 1)) == 0; }
/* C17 7.22.3p1 / C23 7.24.3p1: aligned for any object that fits in n bytes. */
static size_t cf_need_align(size_t n)
{
    size_t a = 1;
    while (a < CF_MAX_ALIGN && a * 2 <= n)
        a *= 2;
    return a;
}
static int cf_is_aligned(const void *p, size_t a) { return a == 0 || (uintptr_t)p % a == 0; }
/* Bytes of a block the program may use: the request, or up to the usable size when the
 * profile lets the program use the slack (glibc documents it). */
static size_t cf_extent(void *p, size_t n)
{
    if (P_USE_SLACK && HAVE_USABLE && p) {
        size_t u = USABLE(p);
        if (u > n)
            return u;
    }
    return n;
}
/* Checks every fresh block must pass: alignment, usable size; returns 1 if usable. */
static int cf_fresh(const char *what, void *p, size_t n, size_t align)
{
    size_t need = cf_need_align(n);
    if (align > need)
        need = align;
    if (!cf_is_aligned(p, need))
        FINDING("align", "%s returned %p for %zu bytes: not aligned to %zu", what, p, n, need);
    if (HAVE_USABLE && USABLE(p) < n)
        FINDING("usable", "%s: malloc_usable_size(%p) = %zu, below the request %zu", what, p,
                USABLE(p), n);
    return 1;
}
/* @end */

/* @case huge */
/* R-huge, R-nomem: no object may be larger than PTRDIFF_MAX bytes (C17 6.5.6p9), so every such
 * request fails; POSIX: with errno ENOMEM (posix_memalign: returns ENOMEM). */
static void case_huge(void)
{
    static const size_t sizes[] = { CF_PD_MAX + 1, CF_PD_MAX + 2, SIZE_MAX / 2 + 4096,
                                    SIZE_MAX - 4096, SIZE_MAX - 15, SIZE_MAX - 1, SIZE_MAX };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        void *p;
        errno = 0;
        p = MALLOC(n);
        if (p) {
            FINDING("huge", "malloc(%zu) returned %p; it must fail (more than PTRDIFF_MAX)", n, p);
            FREE(p);
        } else if (errno != ENOMEM) {
            FINDING("nomem", "malloc(%zu) returned NULL with errno %d, not ENOMEM", n, errno);
        }
        errno = 0;
        p = REALLOC(NULL, n);
        if (p) {
            FINDING("huge", "realloc(NULL, %zu) returned %p; it must fail", n, p);
            FREE(p);
        } else if (errno != ENOMEM) {
            FINDING("nomem", "realloc(NULL, %zu) returned NULL with errno %d, not ENOMEM", n, errno);
        }
        if (HAVE_ALIGNED_ALLOC) {
            errno = 0;
            p = ALIGNED_ALLOC(64, n);
            if (p) {
                FINDING("huge", "aligned_alloc(64, %zu) returned %p; it must fail", n, p);
                FREE(p);
            } else if (errno != ENOMEM && errno != EINVAL) {
                /* EINVAL: n is not a multiple of 64, which C11 let implementations reject */
                FINDING("nomem", "aligned_alloc(64, %zu) returned NULL with errno %d, not ENOMEM",
                        n, errno);
            }
        }
        if (HAVE_POSIX_MEMALIGN) {
            void *out = &out;
            int r = POSIX_MEMALIGN(&out, 64, n);
            if (r == 0) {
                FINDING("huge", "posix_memalign(&p, 64, %zu) succeeded (%p); it must fail", n, out);
                FREE(out);
            } else {
                if (r != ENOMEM)
                    FINDING("nomem", "posix_memalign(&p, 64, %zu) returned %d, not ENOMEM", n, r);
                if (out != &out)
                    FINDING("pm-align", "posix_memalign(&p, 64, %zu) failed but changed p to %p",
                            n, out);
            }
        }
        if (HAVE_MEMALIGN) {
            errno = 0;
            p = MEMALIGN(64, n);
            if (p) {
                FINDING("huge", "memalign(64, %zu) returned %p; it must fail", n, p);
                FREE(p);
            } else if (errno != ENOMEM) {
                FINDING("nomem", "memalign(64, %zu) returned NULL with errno %d, not ENOMEM", n,
                        errno);
            }
        }
    }
}
/* @end */

/* @case calloc-ovf */
/* R-calloc-ovf, R-huge, R-nomem: calloc(n, s) with n*s overflowing, or above PTRDIFF_MAX, fails
 * (C23 7.24.3.2p3); POSIX: errno ENOMEM. The pairs are chosen so that a wrapped product is tiny
 * (274177 * 67280421310721 = 2^64 + 1 wraps to 1): a calloc that multiplies without checking
 * "succeeds" with a small block instead of touching gigabytes. */
static void case_calloc_ovf(void)
{
    static const size_t pairs[][2] = {
        { 274177u, 67280421310721u }, { 67280421310721u, 274177u },
        { (SIZE_MAX / 2) + 1, 2 },    { 2, (SIZE_MAX / 2) + 1 },
        { ((size_t)1 << 32) + 1, ((size_t)1 << 32) - 1 }, /* = 2^64 - 1: no wrap, above PTRDIFF_MAX */
        { SIZE_MAX, SIZE_MAX },       { SIZE_MAX, 2 },
        { (SIZE_MAX / 16) + 2, 16 },  { CF_PD_MAX / 2 + 1, 2 }, /* = PTRDIFF_MAX + 1 */
        { (size_t)1 << 62, 3 },       { 3, (size_t)1 << 62 },
    };
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        size_t n = pairs[k][0], s = pairs[k][1];
        int ovf = s != 0 && n > SIZE_MAX / s;
        errno = 0;
        void *p = CALLOC(n, s);
        if (p) {
            FINDING(ovf ? "calloc-ovf" : "huge",
                    "calloc(%zu, %zu) returned %p; the product %s, so it must fail", n, s, p,
                    ovf ? "overflows size_t" : "exceeds PTRDIFF_MAX");
            FREE(p);
        } else if (errno != ENOMEM) {
            FINDING("nomem", "calloc(%zu, %zu) returned NULL with errno %d, not ENOMEM", n, s,
                    errno);
        }
    }
    if (HAVE_REALLOCARRAY) {
        for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
            size_t n = pairs[k][0], s = pairs[k][1];
            errno = 0;
            void *p = REALLOCARRAY(NULL, n, s);
            if (p) {
                FINDING("reallocarray", "reallocarray(NULL, %zu, %zu) returned %p; it must fail",
                        n, s, p);
                FREE(p);
            } else if (errno != ENOMEM) {
                FINDING("nomem", "reallocarray(NULL, %zu, %zu) failed with errno %d, not ENOMEM",
                        n, s, errno);
            }
        }
        unsigned char *b = MALLOC(100);
        if (b) {
            cf_fill(b, 100, 7);
            errno = 0;
            void *q = REALLOCARRAY(b, 274177u, 67280421310721u);
            if (q) {
                FINDING("reallocarray", "reallocarray(p, 274177, 67280421310721) returned %p; "
                        "the product overflows, so it must fail and keep p", q);
                b = q;
            } else {
                if (errno != ENOMEM)
                    FINDING("nomem", "reallocarray(p, overflowing) failed with errno %d", errno);
                if (cf_check(b, 100, 7) != 100)
                    FINDING("reallocarray", "a failed reallocarray changed the block's contents");
                q = REALLOCARRAY(b, 25, 8); /* = realloc(b, 200) */
                if (!q) {
                    NOTE("reallocarray(p, 25, 8) failed; not checked further");
                } else {
                    b = q;
                    size_t at = cf_check(b, 100, 7);
                    if (at != 100)
                        FINDING("reallocarray", "reallocarray(p, 25, 8) lost byte %zu of the old "
                                "100 bytes", at);
                    cf_fresh("reallocarray(p, 25, 8)", b, 200, 0);
                }
            }
            FREE(b);
        }
    }
}
/* @end */

/* @case malloc0 */
/* R-malloc0: malloc(0) returns NULL or a pointer unique among live blocks (C17 7.22.3p1),
 * which free accepts. Which of the two is implementation-defined: the profile's choice. */
static void case_malloc0(void)
{
    void *a = MALLOC(0), *b = MALLOC(0), *c = MALLOC(1);
    OBSERVE("malloc0-null", a == NULL || b == NULL);
    if (!a || !b) {
        if (P_MALLOC0_NONNULL)
            NOTE("malloc(0) returned NULL: allowed by C17 7.22.3p1, but this profile expects a "
                 "unique pointer (implementation-defined, not a finding)");
    } else {
        if (a == b)
            FINDING("malloc0", "two live malloc(0) blocks have the same address %p", a);
        if (c && (a == c || b == c))
            FINDING("malloc0", "malloc(0) block %p is the live 1-byte block", (void *)c);
    }
    if (HAVE_USABLE && a && USABLE(a) > (size_t)1 << 20)
        NOTE("malloc_usable_size(malloc(0)) = %zu", USABLE(a));
    FREE(a);
    FREE(b);
    FREE(c);
    void *r = REALLOC(NULL, 0);
    if (r && !P_MALLOC0_NONNULL)
        NOTE("realloc(NULL, 0) returned a unique pointer");
    FREE(r);
}
/* @end */

/* @case realloc0 */
/* R-realloc0: realloc(p, 0) is implementation-defined in C17 (7.22.3.5, DR 400), undefined in
 * C23: NULL (p freed) or a new block. Only a result that is not unique would be a finding. */
static void case_realloc0(void)
{
    unsigned char *p = MALLOC(32), *keep = MALLOC(32);
    if (!p || !keep) {
        FREE(p);
        FREE(keep);
        return;
    }
    cf_fill(keep, 32, 3);
    void *q = REALLOC(p, 0);
    OBSERVE("realloc0-block", q != NULL);
    if (q == NULL) {
        if (P_REALLOC0 == 1)
            NOTE("realloc(p, 0) returned NULL (p freed): this profile expects a new block "
                 "(implementation-defined, not a finding)");
    } else {
        if (P_REALLOC0 == 0)
            NOTE("realloc(p, 0) returned a block: this profile expects NULL with p freed "
                 "(implementation-defined, not a finding)");
        if (q == (void *)keep)
            FINDING("unique", "realloc(p, 0) returned %p, a live block", q);
        FREE(q);
    }
    if (cf_check(keep, 32, 3) != 32)
        FINDING("contents", "realloc(p, 0) changed another live block");
    FREE(keep);
}
/* @end */

/* @case aligned-bad */
/* R-aa-align: aligned_alloc with an alignment that is not valid (0, not a power of two) fails,
 * returning NULL (C17 after DR 460, C23 7.24.3.1); POSIX.1-2024: errno EINVAL. glibc < 2.38
 * treats it as memalign (rounds the alignment up): the glibc and musl profiles accept that. */
static void case_aligned_bad(void)
{
    static const size_t bad[] = { 0, 3, 5, 6, 12, 24, 48, 100, 4095, (size_t)1 << 20 | 1,
                                  CF_PD_MAX, ((size_t)1 << 63) + 1, SIZE_MAX };
    if (!HAVE_ALIGNED_ALLOC)
        return;
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        size_t a = bad[k];
        errno = 0;
        unsigned char *p = ALIGNED_ALLOC(a, 64);
        if (p == NULL) {
            if (errno != EINVAL && !(P_AA_BAD_MAY_SUCCEED && errno == ENOMEM))
                FINDING("aa-align", "aligned_alloc(%zu, 64) returned NULL with errno %d, not "
                        "EINVAL", a, errno);
            continue;
        }
        if (!P_AA_BAD_MAY_SUCCEED) {
            FINDING("aa-align", "aligned_alloc(%zu, 64) returned %p; %zu is not a valid "
                    "alignment, so it must fail", a, (void *)p, a);
        } else if (a > 0 && a <= ((size_t)1 << 20)) {
            size_t r = 1; /* glibc < 2.38: rounded up to the next power of two */
            while (r < a)
                r *= 2;
            if (!cf_is_aligned(p, r))
                FINDING("aa-align", "aligned_alloc(%zu, 64) returned %p, not aligned to %zu "
                        "(the alignment rounded up)", a, (void *)p, r);
        }
        cf_fresh("aligned_alloc", p, 64, 0);
        cf_fill(p, 64, a);
        FREE(p);
    }
    /* a bad alignment with an impossible size: whatever the alignment rule, it must fail */
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        static const size_t huge[] = { CF_PD_MAX + 1, SIZE_MAX - 15, SIZE_MAX };
        errno = 0;
        void *z = ALIGNED_ALLOC(bad[k], 0); /* size 0: NULL or a block free() takes */
        if (z && !P_AA_BAD_MAY_SUCCEED)
            FINDING("aa-align", "aligned_alloc(%zu, 0) returned %p; %zu is not a valid alignment, "
                    "so it must fail", bad[k], z, bad[k]);
        FREE(z);
        for (size_t h = 0; h < sizeof huge / sizeof huge[0]; h++) {
            errno = 0;
            void *p = ALIGNED_ALLOC(bad[k], huge[h]);
            if (p) {
                FINDING("huge", "aligned_alloc(%zu, %zu) returned %p; a size above PTRDIFF_MAX "
                        "must fail", bad[k], huge[h], p);
                FREE(p);
            }
        }
    }
}
/* @end */

/* @case aligned-ok */
/* R-align, R-aa-large: a valid alignment is honoured; an alignment no address can meet (2^58
 * and up: beyond the 57-bit virtual address space) fails, with EINVAL (not a supported alignment,
 * C23 7.24.3.1 / POSIX.1-2024) or ENOMEM; posix_memalign leaves its output alone on failure. */
static void case_aligned_ok(void)
{
    static const size_t good[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 4096, 8192, 65536,
                                   (size_t)1 << 20 };
    static const size_t absurd[] = { (size_t)1 << 58, (size_t)1 << 62, (size_t)1 << 63 };
    for (size_t k = 0; k < sizeof good / sizeof good[0]; k++) {
        size_t a = good[k];
        for (size_t m = 1; m <= 3; m++) {
            size_t n = a * m < 24 ? 24 : a * m; /* a multiple of a (C11's condition) */
            if (n % a)
                n = a;
            if (HAVE_ALIGNED_ALLOC) {
                unsigned char *p = ALIGNED_ALLOC(a, n);
                if (!p) {
                    NOTE("aligned_alloc(%zu, %zu) failed (errno %d)", a, n, errno);
                } else {
                    cf_fresh("aligned_alloc", p, n, a);
                    cf_fill(p, n, a + m);
                    if (cf_check(p, n, a + m) != n)
                        FINDING("contents", "aligned_alloc(%zu, %zu) block does not hold what "
                                "was written", a, n);
                    FREE(p);
                }
            }
            if (HAVE_POSIX_MEMALIGN && a >= sizeof(void *)) {
                void *out = &out;
                int r = POSIX_MEMALIGN(&out, a, n + m);
                if (r != 0) {
                    NOTE("posix_memalign(&p, %zu, %zu) failed (%d)", a, n + m, r);
                    if (out != &out)
                        FINDING("pm-align", "posix_memalign(&p, %zu, %zu) failed but changed p",
                                a, n + m);
                } else {
                    cf_fresh("posix_memalign", out, n + m, a);
                    cf_fill(out, n + m, a);
                    FREE(out);
                }
            }
            if (HAVE_MEMALIGN) {
                unsigned char *p = MEMALIGN(a, n + m);
                if (!p) {
                    NOTE("memalign(%zu, %zu) failed (errno %d)", a, n + m, errno);
                } else {
                    size_t need = cf_need_align(n + m);
                    if (a > need)
                        need = a;
                    if (!cf_is_aligned(p, need))
                        FINDING("memalign", "memalign(%zu, %zu) returned %p, not aligned to %zu",
                                a, n + m, (void *)p, need);
                    if (HAVE_USABLE && USABLE(p) < n + m)
                        FINDING("usable", "memalign(%zu, %zu): usable size %zu below the "
                                "request", a, n + m, USABLE(p));
                    cf_fill(p, n + m, a);
                    FREE(p);
                }
            }
        }
    }
    for (size_t k = 0; k < sizeof absurd / sizeof absurd[0]; k++) {
        size_t a = absurd[k];
        if (HAVE_ALIGNED_ALLOC) {
            errno = 0;
            void *p = ALIGNED_ALLOC(a, a < 64 ? a : 64);
            if (p) {
                FINDING("aa-large", "aligned_alloc(%zu, 64) returned %p; no address has that "
                        "alignment", a, p);
                FREE(p);
            } else if (errno != EINVAL && errno != ENOMEM) {
                FINDING("aa-large", "aligned_alloc(%zu, 64) failed with errno %d, neither "
                        "EINVAL nor ENOMEM", a, errno);
            }
        }
        if (HAVE_POSIX_MEMALIGN) {
            void *out = &out;
            int r = POSIX_MEMALIGN(&out, a, 64);
            if (r == 0) {
                FINDING("aa-large", "posix_memalign(&p, %zu, 64) succeeded (%p); no address "
                        "has that alignment", a, out);
                FREE(out);
            } else {
                if (r != EINVAL && r != ENOMEM)
                    FINDING("aa-large", "posix_memalign(&p, %zu, 64) returned %d", a, r);
                if (out != &out)
                    FINDING("pm-align", "posix_memalign(&p, %zu, 64) failed but changed p", a);
            }
        }
        if (HAVE_MEMALIGN) {
            errno = 0;
            void *p = MEMALIGN(a, 64);
            if (p) {
                FINDING("aa-large", "memalign(%zu, 64) returned %p; no address has that "
                        "alignment", a, p);
                FREE(p);
            }
        }
    }
}
/* @end */

/* @case pm-align */
/* R-pm-align: posix_memalign with an alignment that is not a power-of-two multiple of
 * sizeof(void *) returns EINVAL and leaves *memptr unchanged (POSIX posix_memalign). */
static void case_pm_align(void)
{
    static const size_t bad[] = { 0, 1, 2, 4, 3, 12, 20, 24, 48, 100, 4097, CF_PD_MAX,
                                  ((size_t)1 << 63) + 8, SIZE_MAX };
    if (!HAVE_POSIX_MEMALIGN)
        return;
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        size_t a = bad[k];
        if (cf_pow2(a) && a % sizeof(void *) == 0)
            continue;
        void *out = &out;
        int r = POSIX_MEMALIGN(&out, a, 64);
        if (r == 0) {
            FINDING("pm-align", "posix_memalign(&p, %zu, 64) succeeded; it must return EINVAL", a);
            FREE(out);
            continue;
        }
        if (r != EINVAL)
            FINDING("pm-align", "posix_memalign(&p, %zu, 64) returned %d, not EINVAL", a, r);
        if (out != &out)
            FINDING("pm-align", "posix_memalign(&p, %zu, 64) failed but changed p to %p", a, out);
    }
    void *out = &out;
    int r = POSIX_MEMALIGN(&out, 16, 0);
    if (r == 0)
        FREE(out); /* NULL or a unique pointer, either way freeable */
    else if (out != &out)
        FINDING("pm-align", "posix_memalign(&p, 16, 0) failed but changed p");
}
/* @end */

/* @case memalign-bad */
/* R-memalign: memalign (glibc, SVID; not in ISO C or POSIX) with an alignment that is not a power
 * of two either fails (EINVAL) or, as glibc does, rounds the alignment up. Either way the result
 * is a block free() accepts. */
static void case_memalign_bad(void)
{
    static const size_t bad[] = { 0, 3, 24, 100 };
    if (!HAVE_MEMALIGN)
        return;
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        errno = 0;
        unsigned char *p = MEMALIGN(bad[k], 100);
        if (!p) {
            NOTE("memalign(%zu, 100) failed with errno %d", bad[k], errno);
            continue;
        }
        cf_fresh("memalign", p, 100, 0);
        cf_fill(p, 100, k);
        FREE(p);
    }
}
/* @end */

/* @case usable */
/* R-usable-null, R-usable: malloc_usable_size(NULL) is 0; for a block it is at least the request
 * (malloc_usable_size(3), glibc manual), and with the glibc profile every byte up to it may be
 * written without harming other blocks. */
static void case_usable(void)
{
    enum { N = 54 };
    unsigned char *p[N];
    size_t req[N], ext[N];
    if (!HAVE_USABLE)
        return;
    size_t z = USABLE(NULL);
    if (z != 0)
        FINDING("usable-null", "malloc_usable_size(NULL) = %zu, not 0", z);
    for (size_t i = 0; i < N; i++) {
        req[i] = i < 40 ? i * 3 : ((size_t)1 << (i - 30)) + i; /* 0..117, then 1 KiB .. 8 MiB */
        p[i] = MALLOC(req[i]);
        ext[i] = 0;
        if (!p[i])
            continue;
        cf_fresh("malloc", p[i], req[i], 0);
        ext[i] = cf_extent(p[i], req[i]);
        cf_fill(p[i], ext[i], i);
    }
    for (size_t i = 0; i < N; i++) {
        if (!p[i])
            continue;
        size_t at = cf_check(p[i], ext[i], i);
        if (at != ext[i])
            FINDING(at < req[i] ? "contents" : "usable",
                    "byte %zu of block %zu (%zu bytes requested, %zu written) changed: the "
                    "bytes up to the usable size overlap another block", at, i, req[i], ext[i]);
        FREE(p[i]);
    }
}
/* @end */

/* @case free */
/* R-free-null, R-free-errno: free(NULL) does nothing; free never changes errno (POSIX.1-2024),
 * whatever the block: small, large, memory the allocator gives back to the system. */
static void case_free(void)
{
    enum { N = 48 };
    void *p[N];
    errno = CF_ERRNO_SENTINEL;
    FREE(NULL);
    if (errno != CF_ERRNO_SENTINEL)
        FINDING("free-errno", "free(NULL) changed errno from %d to %d", CF_ERRNO_SENTINEL, errno);
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < N; i++) {
            size_t n = i % 4 == 0 ? ((size_t)256 << 10) << (i % 3) : 8 + i * 40;
            p[i] = MALLOC(n);
            if (p[i])
                cf_fill(p[i], n < 4096 ? n : 4096, i);
        }
        for (size_t i = 0; i < N; i++) {
            errno = CF_ERRNO_SENTINEL;
            FREE(p[i]);
            if (errno != CF_ERRNO_SENTINEL) {
                FINDING("free-errno", "free of block %zu (round %d) changed errno to %d", i,
                        round, errno);
                break;
            }
        }
    }
}
/* @end */

/* @case realloc-null */
/* R-realloc-null: realloc(NULL, n) is malloc(n) (C17 7.22.3.5p3). */
static void case_realloc_null(void)
{
    static const size_t sizes[] = { 1, 7, 16, 24, 100, 1000, 5000, 70000, 300000 };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        errno = 0;
        unsigned char *p = REALLOC(NULL, n);
        if (!p) {
            FINDING("realloc-null", "realloc(NULL, %zu) failed (errno %d) where malloc would "
                    "succeed", n, errno);
            continue;
        }
        cf_fresh("realloc(NULL, n)", p, n, 0);
        cf_fill(p, n, n);
        if (cf_check(p, n, n) != n)
            FINDING("realloc-null", "realloc(NULL, %zu) block does not hold its bytes", n);
        unsigned char *q = REALLOC(p, n * 2);
        if (q) {
            if (cf_check(q, n, n) != n)
                FINDING("realloc-keep", "realloc(realloc(NULL, %zu), %zu) lost data", n, n * 2);
            p = q;
        }
        FREE(p);
    }
}
/* @end */

/* @case realloc-keep */
/* R-realloc-keep: a successful realloc keeps the contents up to the lesser of the old and new
 * sizes (C17 7.22.3.5p2); with the glibc profile every byte up to the old usable size counts. A
 * neighbour block between steps makes in-place growth rare, so copies are exercised too. */
static void case_realloc_keep(void)
{
    static const size_t steps[] = { 1,   16,  24,   25,   100,    1000,   1024,  4000, 5000,
                                    70000, 140000, 2u << 20, 300, 10, 0x3000, 33, 200000, 8 };
    for (int variant = 0; variant < 3; variant++) {
        size_t n = steps[0];
        unsigned char *p = MALLOC(n);
        void *neighbour[sizeof steps / sizeof steps[0]] = { 0 };
        if (!p)
            return;
        size_t filled = cf_extent(p, n);
        cf_fill(p, filled, 1);
        size_t seed = 1;
        for (size_t k = 1; k < sizeof steps / sizeof steps[0]; k++) {
            size_t m = steps[k] + (size_t)variant * 8;
            if (variant != 1)
                neighbour[k] = MALLOC(16 + k * 8);
            unsigned char *q = REALLOC(p, m);
            if (!q) {
                NOTE("realloc(p, %zu) failed (errno %d)", m, errno);
                break;
            }
            size_t keep = filled < m ? filled : m;
            size_t at = cf_check(q, keep, seed);
            if (at != keep) {
                FINDING("realloc-keep", "realloc from %zu to %zu bytes (%zu bytes written): byte "
                        "%zu changed (0x%02x, expected 0x%02x)", n, m, filled, at, q[at],
                        cf_pat(seed, at));
                p = q;
                break;
            }
            cf_fresh("realloc", q, m, 0);
            p = q;
            n = m;
            seed++;
            filled = cf_extent(p, n);
            cf_fill(p, filled, seed);
        }
        FREE(p);
        for (size_t k = 0; k < sizeof neighbour / sizeof neighbour[0]; k++)
            FREE(neighbour[k]);
    }
}
/* @end */

/* @case realloc-fail */
/* R-realloc-fail: a failed realloc leaves the old block allocated and unchanged (C17 7.22.3.5p4);
 * POSIX: errno ENOMEM. The block must still work afterwards. */
static void case_realloc_fail(void)
{
    static const size_t sizes[] = { 16, 100, 4000, 300000 };
    static const size_t huge[] = { CF_PD_MAX + 1, SIZE_MAX - 15, SIZE_MAX };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        unsigned char *p = MALLOC(n);
        if (!p)
            continue;
        size_t filled = cf_extent(p, n);
        cf_fill(p, filled, k);
        for (size_t h = 0; h < sizeof huge / sizeof huge[0]; h++) {
            errno = 0;
            void *q = REALLOC(p, huge[h]);
            if (q) {
                FINDING("huge", "realloc(p, %zu) returned %p; it must fail", huge[h], q);
                p = q;
                filled = 0;
                break;
            }
            if (errno != ENOMEM)
                FINDING("nomem", "realloc(p, %zu) failed with errno %d, not ENOMEM", huge[h], errno);
            size_t at = cf_check(p, filled, k);
            if (at != filled) {
                FINDING("realloc-fail", "realloc(p, %zu) failed but byte %zu of the %zu-byte "
                        "block changed", huge[h], at, n);
                break;
            }
        }
        unsigned char *q = REALLOC(p, n + 100);
        if (!q) {
            NOTE("realloc(p, %zu) after a failed realloc failed (errno %d)", n + 100, errno);
            FREE(p);
            continue;
        }
        size_t keep = filled < n + 100 ? filled : n + 100;
        if (cf_check(q, keep, k) != keep)
            FINDING("realloc-keep", "after a failed realloc, growing the %zu-byte block to %zu "
                    "bytes lost its contents", n, n + 100);
        FREE(q);
    }
}
/* @end */

/* @case calloc-zero */
/* R-calloc-zero: calloc memory reads as zero (C17 7.22.3.2p2), recycled memory included: a dirty
 * block of the same size is freed just before each calloc, so a size-class cache hands it back. */
static void case_calloc_zero(void)
{
    static const size_t sizes[] = { 1,  8,   16,   24,   32,   40,    48,    64,     100,
                                    128, 256, 500,  1000, 1024, 4000, 4096, 10000, 65536,
                                    100000, 140000, 300000, 1u << 20 };
    enum { K = 6 };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        unsigned char *d[K];
        for (int r = 0; r < K; r++) {
            d[r] = MALLOC(n);
            if (d[r])
                memset(d[r], 0xA5, cf_extent(d[r], n));
        }
        for (int r = K - 1; r >= 0; r--)
            FREE(d[r]);
        for (int r = 0; r < K; r++) {
            size_t cnt = r % 2 ? n : 1, each = r % 2 ? 1 : n;
            unsigned char *c = CALLOC(cnt, each);
            d[r] = c;
            if (!c)
                continue;
            cf_fresh("calloc", c, n, 0);
            for (size_t i = 0; i < n; i++)
                if (c[i]) {
                    FINDING("calloc-zero", "calloc(%zu, %zu) byte %zu is 0x%02x (a dirty block of "
                            "the same size was just freed)", cnt, each, i, c[i]);
                    break;
                }
        }
        for (int r = 0; r < K; r++)
            FREE(d[r]);
    }
}
/* @end */

/* @case blocks */
/* R-unique, R-contents, R-align, R-usable: many live blocks of mixed sizes never overlap and each
 * keeps what was written into it (every byte up to the usable size with the glibc profile) while
 * others are allocated and freed around it. */
static void case_blocks(void)
{
    enum { N = 384 };
    static unsigned char *p[N];
    static size_t req[N], ext[N], sd[N];
    uint32_t x = 12345u;
    for (int round = 0; round < 4; round++) {
        for (size_t i = 0; i < N; i++) {
            if (p[i] && (round == 0 || i % 3 != (size_t)round % 3))
                continue;
            if (p[i]) {
                size_t at = cf_check(p[i], ext[i], sd[i]);
                if (at != ext[i])
                    FINDING(at < req[i] ? "contents" : "usable",
                            "byte %zu of block %zu (%p, %zu bytes requested, %zu written) "
                            "changed before it was freed", at, i, (void *)p[i], req[i], ext[i]);
                FREE(p[i]);
                p[i] = NULL;
            }
            x = x * 1103515245u + 12345u;
            uint32_t r = (x >> 8) % 1000u;
            size_t n = r < 500 ? r % 65 : r < 850 ? 65 + (r * 37u) % 2000u
                     : r < 990 ? 2048 + (r * 997u) % 70000u : 200000 + r * 301u;
            p[i] = MALLOC(n);
            req[i] = n;
            ext[i] = 0;
            if (!p[i])
                continue;
            cf_fresh("malloc", p[i], n, 0);
            ext[i] = cf_extent(p[i], n);
            sd[i] = i + 1000 * (size_t)round;
            cf_fill(p[i], ext[i], sd[i]);
        }
        /* no two live blocks share a byte of their requested extents */
        for (size_t i = 0; i < N; i++)
            for (size_t j = i + 1; p[i] && j < N; j++) {
                if (!p[j])
                    continue;
                size_t ei = req[i] ? req[i] : 1, ej = req[j] ? req[j] : 1;
                if ((uintptr_t)p[i] < (uintptr_t)p[j] + ej && (uintptr_t)p[j] < (uintptr_t)p[i] + ei)
                    FINDING(req[i] && req[j] ? "unique" : "malloc0",
                            "live blocks %p (%zu bytes) and %p (%zu bytes) overlap", (void *)p[i],
                            req[i], (void *)p[j], req[j]);
            }
        for (size_t i = 0; i < N; i++) {
            if (!p[i])
                continue;
            size_t at = cf_check(p[i], ext[i], sd[i]);
            if (at != ext[i]) {
                FINDING(at < req[i] ? "contents" : "usable",
                        "round %d: byte %zu of live block %zu (%p, %zu bytes requested, %zu "
                        "written) changed", round, at, i, (void *)p[i], req[i], ext[i]);
                ext[i] = 0;
            }
        }
    }
    for (size_t i = 0; i < N; i++) {
        FREE(p[i]);
        p[i] = NULL;
    }
}
/* @end */
