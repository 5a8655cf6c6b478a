/* R-align (C17 7.22.3.1 / C23 7.24.3.1: aligned_alloc returns memory aligned as asked).
 * Run: cc -std=c11 -O0 aligned_alloc_256.c -o aa256 && LD_PRELOAD=<allocator .so> ./aa256 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void *(*volatile f_aligned_alloc)(size_t, size_t) = aligned_alloc;

int main(void)
{
    int bad = 0;
    for (size_t a = 16; a <= 4096; a *= 2) {
        void *p = f_aligned_alloc(a, a);
        if ((uintptr_t)p % a) {
            printf("aligned_alloc(%zu, %zu) -> %p: not aligned to %zu\n", a, a, p, a);
            bad = 1;
        }
    }
    if (!bad)
        printf("every block aligned as asked\n");
    return bad;
}
