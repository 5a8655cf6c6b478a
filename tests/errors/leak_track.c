/* A leak found by the tracker: at the end, the report lists the block still live, its size and
 * the line that allocated it. Exits 1 when something leaked. */
#include <stdio.h>
#include <string.h>

#include "track.h"

static _Alignas(16) unsigned char arena[1 << 16];

static char *dup_string(ra_track *t, const char *s)
{
    char *d = RA_TRACK_MALLOC(t, strlen(s) + 1); /* the leaked allocation */
    if (d != NULL)
        memcpy(d, s, strlen(s) + 1);
    return d;
}

int main(void)
{
    ra_heap h;
    ra_heap_init(&h, arena, sizeof arena);
    ra_track t;
    static ra_track_entry entries[64];
    ra_track_init(&t, ra_track_heap_allocator(&h), entries, 64);
    char *a = dup_string(&t, "kept");
    char *b = dup_string(&t, "forgotten");
    (void)b; /* never freed */
    RA_TRACK_FREE(&t, a);
    return ra_track_report(&t, stderr) == 0 ? 0 : 1;
}
