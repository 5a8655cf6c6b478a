/* Use after free of a reference-heap block. The heap poisons freed blocks in ASan builds, so the
 * read is caught like a use after free of a malloc'd block (ASan calls it "use-after-poison":
 * the arena is memory ASan did not allocate itself). Prints the block's address first so the
 * test can check the report points into the freed block. */
#include <stdio.h>

#include "heap.h"

static _Alignas(16) unsigned char arena[1 << 16];

int main(void)
{
    ra_heap h;
    ra_heap_init(&h, arena, sizeof arena);
    char *p = ra_heap_malloc(&h, 32);
    p[0] = 'x';
    ra_heap_free(&h, p);
    fprintf(stderr, "block at %p\n", (void *)p);
    volatile char c = p[0]; /* dangling pointer */
    return c;
}
