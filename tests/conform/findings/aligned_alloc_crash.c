/* R-crash (C23 7.24.3.1: an invalid alignment makes aligned_alloc fail, not crash).
 * Run: cc -std=c11 -O0 aligned_alloc_crash.c -o aac && LD_PRELOAD=<allocator .so> ./aac
 * Exit 0 and "returned" when the call comes back; killed by SIGSEGV where it crashes. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void *(*volatile f_aligned_alloc)(size_t, size_t) = aligned_alloc;

int main(void)
{
    errno = 0;
    void *p = f_aligned_alloc(SIZE_MAX, 0);
    printf("aligned_alloc(SIZE_MAX, 0) returned %p, errno %d\n", p, errno);
    return 0;
}
