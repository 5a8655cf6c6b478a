/* A data race on a shared reference-heap block: two threads increment the same counter without
 * a lock. ThreadSanitizer reports "data race". */
#include <pthread.h>
#include <stdio.h>

#include "heap.h"

static _Alignas(16) unsigned char arena[1 << 16];

static void *worker(void *arg)
{
    long *counter = arg;
    for (int i = 0; i < 1000; i++)
        (*counter)++; /* unsynchronised read-modify-write */
    return NULL;
}

int main(void)
{
    ra_heap h;
    ra_heap_init(&h, arena, sizeof arena);
    long *counter = ra_heap_malloc(&h, sizeof *counter);
    *counter = 0;
    pthread_t a, b;
    pthread_create(&a, NULL, worker, counter);
    pthread_create(&b, NULL, worker, counter);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("%ld\n", *counter);
    ra_heap_free(&h, counter);
    return 0;
}
