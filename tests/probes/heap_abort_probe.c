/* Double-frees a block with the default handler installed: must print the report and abort. */
#include "heap.h"

static _Alignas(16) unsigned char arena[4096];

int main(void)
{
    ra_heap h;
    if (ra_heap_init(&h, arena, sizeof arena) != RA_OK)
        return 2;
    void *p = ra_heap_malloc(&h, 10);
    ra_heap_free(&h, p);
    ra_heap_free(&h, p);
    return 0; /* not reached */
}
