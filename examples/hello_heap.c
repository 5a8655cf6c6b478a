/* The smallest use of refalloc: a heap over a static arena, linked against librefalloc.a.
 *   cc -std=c11 -Iref examples/hello_heap.c build/librefalloc.a -o hello_heap */
#include <stdio.h>
#include <string.h>

#include "heap.h"

static _Alignas(16) char arena[1 << 20];

int main(void)
{
    ra_heap heap;
    ra_status s = ra_heap_init(&heap, arena, sizeof arena);
    if (s != RA_OK) {
        fprintf(stderr, "init: %s\n", ra_status_str(s));
        return 1;
    }
    char *greeting = ra_heap_malloc(&heap, 6);
    if (greeting == NULL)
        return 1;
    memcpy(greeting, "hello", 6);
    char *longer = ra_heap_realloc(&heap, greeting, 4000); /* grows in place: nothing follows */
    if (longer == NULL)
        return 1;
    strcat(longer, ", arena");
    int *numbers = ra_heap_calloc(&heap, 100, sizeof *numbers);
    if (numbers == NULL)
        return 1;
    printf("%s; numbers[99] = %d\n", longer, numbers[99]);
    ra_heap_free(&heap, longer);

    ra_heap_stats st;
    ra_heap_stats_get(&heap, &st);
    printf("arena %zu B, used %zu B in %zu block(s), free %zu B in %zu block(s), largest free %zu B,"
           " fragmentation %.3f, peak %zu B, in-place reallocs %zu\n",
           st.arena_bytes, st.used_bytes, st.live_blocks, st.free_bytes, st.free_blocks,
           st.largest_free, st.fragmentation, st.peak_used_bytes, st.realloc_in_place);
    ra_heap_free(&heap, numbers);
    return ra_heap_check(&heap, RA_CHECK_FULL, NULL) == RA_OK ? 0 : 1;
}
