/* Double free on the reference heap: its checked mode (always on, O(1)) reports it on stderr
 * ("block is already free (double free)") and aborts; the block is never freed twice. */
#include "heap.h"

static _Alignas(16) unsigned char arena[1 << 16];

int main(void)
{
    ra_heap h;
    ra_heap_init(&h, arena, sizeof arena);
    void *p = ra_heap_malloc(&h, 100);
    ra_heap_free(&h, p);
    ra_heap_free(&h, p); /* double free */
    return 0;
}
