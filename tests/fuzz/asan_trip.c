/*
 * Must trip: the reference heap poisons free blocks and slack for ASan, so these bugs inside the
 * arena are reported just as with the system allocator. argv[1] picks the bug:
 *   overflow   write one byte past a 24-byte block (inside its 32-byte unit pair: slack)
 *   uaf        read a freed block
 *   free-gap   write into the free space after the last block
 * Exits 0 only if ASan did NOT report (the test script treats that as a failure).
 */
#include <stdio.h>
#include <string.h>

#include "heap.h"

static _Alignas(16) unsigned char arena[64 << 10];

int main(int argc, char **argv)
{
    ra_heap h;
    if (argc < 2 || ra_heap_init(&h, arena, sizeof arena) != RA_OK)
        return 2;
    volatile unsigned char *p = ra_heap_malloc(&h, 24);
    unsigned char *q = ra_heap_malloc(&h, 100);
    if (!p || !q)
        return 2;
    memset((void *)p, 1, 24);
    if (strcmp(argv[1], "overflow") == 0) {
        p[24] = 7;
    } else if (strcmp(argv[1], "uaf") == 0) {
        ra_heap_free(&h, q);
        printf("%d\n", ((volatile unsigned char *)q)[10]);
    } else if (strcmp(argv[1], "free-gap") == 0) {
        ((volatile unsigned char *)q)[100 + 64] = 1;
    }
    printf("no report for %s\n", argv[1]);
    return 0;
}
