/* A heap overflow by one byte inside the arena: the heap leaves only the requested bytes of a
 * block unpoisoned in ASan builds, so writing p[24] of a 24-byte block is caught at once even
 * though the block's 16-byte unit has slack (ASan: "use-after-poison", at block + 24). */
#include <stdio.h>
#include <string.h>

#include "heap.h"

static _Alignas(16) unsigned char arena[1 << 16];

int main(void)
{
    ra_heap h;
    ra_heap_init(&h, arena, sizeof arena);
    char *p = ra_heap_malloc(&h, 24);
    memset(p, 0, 24);
    fprintf(stderr, "block at %p, one past the end at %p\n", (void *)p, (void *)(p + 24));
    volatile char *q = p;
    q[24] = 1; /* one byte too far */
    ra_heap_free(&h, p);
    return 0;
}
