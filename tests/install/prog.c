/* The install test's program: built outside the tree against the installed copy only
 * (cflags and libs from pkg-config), linked statically and dynamically by tests/install/run.sh. */
#include <stdio.h>
#include <string.h>

#include <refalloc/heap.h>

static _Alignas(16) unsigned char arena[1 << 16];

int main(void)
{
    ra_heap h;
    if (ra_heap_init(&h, arena, sizeof arena) != RA_OK)
        return 1;
    char *p = ra_heap_malloc(&h, 100);
    if (p == NULL)
        return 2;
    strcpy(p, "installed");
    p = ra_heap_realloc(&h, p, 1000);
    if (p == NULL || strcmp(p, "installed") != 0)
        return 3;
    ra_heap_stats st;
    ra_heap_stats_get(&h, &st);
    if (st.live_blocks != 1 || st.used_bytes != 1000)
        return 4;
    ra_heap_free(&h, p);
    if (ra_heap_check(&h, RA_CHECK_FULL, NULL) != RA_OK)
        return 5;
    printf("install test: heap ok (%s)\n", ra_status_str(RA_OK));
    return 0;
}
