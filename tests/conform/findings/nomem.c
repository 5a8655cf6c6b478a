/* R-nomem (POSIX malloc/calloc/realloc: a failed request sets errno to ENOMEM; memalign: malloc(3)).
 * Run: cc -std=c11 -O0 nomem.c -o nomem && LD_PRELOAD=<allocator .so> ./nomem
 * Prints each impossible request that failed without ENOMEM; exit 1 if there is one. */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void *(*volatile f_malloc)(size_t) = malloc;
static void *(*volatile f_calloc)(size_t, size_t) = calloc;
static void *(*volatile f_realloc)(void *, size_t) = realloc;
static void *(*volatile f_memalign)(size_t, size_t) = memalign;
static void (*volatile f_free)(void *) = free;
static int bad;

static void check(const char *what, void *p, int err)
{
    if (p || err != ENOMEM) {
        printf("%s -> %p, errno %d%s\n", what, p, err, p ? "" : " (not ENOMEM)");
        bad = 1;
    }
}

int main(void)
{
    const size_t huge = (size_t)PTRDIFF_MAX + 1;
    void *p;
    errno = 0; p = f_malloc(huge); check("malloc(PTRDIFF_MAX + 1)", p, errno);
    errno = 0; p = f_calloc(274177u, 67280421310721u); /* product 2^64 + 1 */
    check("calloc(274177, 67280421310721)", p, errno);
    void *b = f_malloc(100);
    errno = 0; p = f_realloc(b, huge); check("realloc(p, PTRDIFF_MAX + 1)", p, errno);
    f_free(p ? p : b);
    errno = 0; p = f_memalign(64, huge); check("memalign(64, PTRDIFF_MAX + 1)", p, errno);
    if (!bad)
        printf("every impossible request failed with ENOMEM\n");
    return bad;
}
