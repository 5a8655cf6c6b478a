/* Double free through the tracker: the report names where the block was allocated and where it
 * was freed first, and the allocator never sees the second free. */
#include <stdlib.h>

#include "track.h"

int main(void)
{
    ra_track t;
    static ra_track_entry entries[64];
    ra_track_init(&t, ra_track_system_allocator(), entries, 64);
    void *p = RA_TRACK_MALLOC(&t, 100);
    RA_TRACK_FREE(&t, p);
    RA_TRACK_FREE(&t, p); /* double free */
    return 0;
}
