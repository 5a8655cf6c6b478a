/*
 * Seeded-bug allocator for the conformance kit's test: a tiny bump allocator whose blocks
 * overlap (it advances by half the request). Everything else is right: a 16-byte header holds
 * the size, free is a no-op, impossible sizes fail with ENOMEM, calloc zeroes, realloc copies.
 * The kit must report R-unique (or R-contents, the symptom of the overlap).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define EXPORT __attribute__((visibility("default")))
#define REGION ((size_t)512 << 20)

static unsigned char *base, *cur;

static void *bump(size_t n, size_t align)
{
    if (n > ((size_t)64 << 20) || align > ((size_t)1 << 20)) {
        errno = ENOMEM;
        return NULL;
    }
    if (!base) {
        base = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (base == MAP_FAILED) {
            base = NULL;
            errno = ENOMEM;
            return NULL;
        }
        cur = base;
    }
    if (align < 16)
        align = 16;
    uintptr_t p = ((uintptr_t)cur + 16 + align - 1) & ~(uintptr_t)(align - 1);
    if (p + n > (uintptr_t)base + REGION) {
        errno = ENOMEM;
        return NULL;
    }
    ((size_t *)p)[-1] = n;
    cur = (unsigned char *)p + ((n / 2 + 15) & ~(size_t)15); /* the bug: half the block */
    return (void *)p;
}

EXPORT void *malloc(size_t n) { return bump(n, 16); }
EXPORT void free(void *p) { (void)p; }
EXPORT size_t malloc_usable_size(void *p) { return p ? ((size_t *)p)[-1] : 0; }
EXPORT void *calloc(size_t n, size_t s)
{
    if (s && n > SIZE_MAX / s) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = bump(n * s, 16);
    if (p)
        memset(p, 0, n * s);
    return p;
}
EXPORT void *realloc(void *p, size_t n)
{
    if (!p)
        return bump(n, 16);
    if (n == 0)
        return NULL;
    void *q = bump(n, 16);
    if (q) {
        size_t old = ((size_t *)p)[-1];
        memmove(q, p, old < n ? old : n);
    }
    return q;
}
