/*
 * Seeded-bug allocators for the conformance kit's own test (tests/conform/seeded.sh).
 *
 * Each build of this file (-DBUG=<n>) is a shared library that exports the C allocation API on
 * top of glibc's allocator (reached through __libc_malloc and friends, so the library works the
 * same dlopen'ed or preloaded) with exactly one contract violation added. The kit must catch each
 * one and name the rule (seeded.sh lists the expected rule per bug).
 *
 *  1 calloc-recycled   calloc does not zero blocks up to 1 KiB, trusting that fresh memory is zero
 *  2 realloc-tail      realloc copies one byte too few
 *  3 usable-short      malloc_usable_size reports 24 bytes less than there are
 *  4 free-errno        free sets errno (to EINVAL)
 *  5 aligned-ignored   aligned_alloc ignores the alignment (it is malloc)
 *  6 huge-no-errno     malloc of more than PTRDIFF_MAX returns NULL without setting errno
 *  7 calloc-wraps      calloc multiplies without an overflow check
 *  8 pm-clobber        posix_memalign stores NULL into *memptr when it fails
 *  9 realloc-fail-frees a realloc that fails frees the old block
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef BUG
#error "build with -DBUG=<1..9>"
#endif

void *__libc_malloc(size_t n);
void __libc_free(void *p);
void *__libc_calloc(size_t n, size_t s);
void *__libc_realloc(void *p, size_t n);
void *__libc_memalign(size_t a, size_t n);
size_t malloc_usable_size(void *p); /* glibc's: the pointers are glibc's */

#define EXPORT __attribute__((visibility("default")))
EXPORT void *malloc(size_t n);
EXPORT void free(void *p);
EXPORT void *calloc(size_t n, size_t s);
EXPORT void *realloc(void *p, size_t n);
EXPORT void *aligned_alloc(size_t a, size_t n);
EXPORT int posix_memalign(void **out, size_t a, size_t n);
EXPORT void *memalign(size_t a, size_t n);

/* glibc's malloc_usable_size, looked up once by address so that our own export (bug 3) does not
 * shadow it */
static size_t real_usable(void *p);

void *malloc(size_t n)
{
#if BUG == 6
    if (n > (size_t)PTRDIFF_MAX) {
        errno = 0;
        return NULL;
    }
#endif
    return __libc_malloc(n);
}

void free(void *p)
{
    __libc_free(p);
#if BUG == 4
    errno = EINVAL;
#endif
}

void *calloc(size_t n, size_t s)
{
#if BUG == 7
    size_t total = n * s; /* the bug: no overflow check */
    void *p = __libc_malloc(total);
    if (p)
        memset(p, 0, total);
    return p;
#elif BUG == 1
    if (s != 0 && n > SIZE_MAX / s) {
        errno = ENOMEM;
        return NULL;
    }
    if (n * s <= 1024)
        return __libc_malloc(n * s); /* the bug: "fresh memory is zero anyway" */
    return __libc_calloc(n, s);
#else
    return __libc_calloc(n, s);
#endif
}

void *realloc(void *p, size_t n)
{
#if BUG == 2
    if (p && n) {
        size_t old = real_usable(p);
        void *q = __libc_malloc(n);
        if (!q)
            return NULL;
        size_t keep = old < n ? old : n;
        memcpy(q, p, keep ? keep - 1 : 0); /* the bug: one byte short */
        __libc_free(p);
        return q;
    }
#elif BUG == 9
    void *q = __libc_realloc(p, n);
    if (!q && p && n) {
        __libc_free(p); /* the bug: the old block is gone */
        errno = ENOMEM;
    }
    return q;
#endif
    return __libc_realloc(p, n);
}

void *aligned_alloc(size_t a, size_t n)
{
#if BUG == 5
    (void)a;
    return __libc_malloc(n); /* the bug */
#else
    if (a == 0 || (a & (a - 1)) != 0) {
        errno = EINVAL;
        return NULL;
    }
    return __libc_memalign(a, n);
#endif
}

int posix_memalign(void **out, size_t a, size_t n)
{
    if (a == 0 || (a & (a - 1)) != 0 || a % sizeof(void *) != 0) {
#if BUG == 8
        *out = NULL; /* the bug */
#endif
        return EINVAL;
    }
    int saved = errno;
    void *p = __libc_memalign(a, n);
    int e = errno;
    errno = saved;
    if (!p && n) {
#if BUG == 8
        *out = NULL;
#endif
        return e ? e : ENOMEM;
    }
    *out = p;
    return 0;
}

void *memalign(size_t a, size_t n) { return __libc_memalign(a, n); }

#include <dlfcn.h>
static size_t real_usable(void *p)
{
    static size_t (*fn)(void *);
    if (!fn) {
        void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
        fn = (size_t (*)(void *))dlsym(libc, "malloc_usable_size");
    }
    return fn(p);
}

EXPORT size_t malloc_usable_size(void *p)
{
    if (!p)
        return 0;
    size_t u = real_usable(p);
#if BUG == 3
    return u > 24 ? u - 24 : 0; /* the bug */
#else
    return u;
#endif
}
