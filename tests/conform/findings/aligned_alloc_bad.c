/* R-aa-align (C23 7.24.3.1, POSIX.1-2024 aligned_alloc: an invalid alignment fails, errno EINVAL)
 * and R-huge (a size above PTRDIFF_MAX always fails).
 * Run: cc -std=c11 -O0 aligned_alloc_bad.c -o aab && LD_PRELOAD=<allocator .so> ./aab */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void *(*volatile f_aligned_alloc)(size_t, size_t) = aligned_alloc;

int main(void)
{
    int bad = 0;
    errno = 0;
    void *p = f_aligned_alloc(3, 64);
    printf("aligned_alloc(3, 64) -> %p, errno %d\n", p, errno);
    if (!p && errno != EINVAL && errno != ENOMEM)
        bad = 1; /* NULL without EINVAL (the glibc profile also takes ENOMEM) */
    errno = 0;
    void *q = f_aligned_alloc(3, SIZE_MAX);
    printf("aligned_alloc(3, SIZE_MAX) -> %p, errno %d\n", q, errno);
    if (q)
        bad = 1; /* a SIZE_MAX-byte object cannot exist */
    return bad;
}
