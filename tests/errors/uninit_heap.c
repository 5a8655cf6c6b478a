/* An uninitialised read of a fresh reference-heap block: the heap marks new blocks uninitialised
 * in MSan builds, so a branch on their contents is "use-of-uninitialized-value". */
#include <stdio.h>

#include "heap.h"

static _Alignas(16) unsigned char arena[1 << 16];

int main(void)
{
    ra_heap h;
    ra_heap_init(&h, arena, sizeof arena);
    int *p = ra_heap_malloc(&h, 4 * sizeof *p);
    p[0] = 1;
    if (p[2] > 0) /* never written */
        puts("positive");
    ra_heap_free(&h, p);
    return 0;
}
