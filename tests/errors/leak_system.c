/* A leak of system malloc memory, found by LeakSanitizer at exit ("detected memory leaks"). */
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) static void make_garbage(void)
{
    char *p = malloc(77);
    memset(p, 1, 77);
    // cppcheck-suppress memleak ; the leak is the point
    /* p goes out of scope: the block is unreachable */
}

int main(void)
{
    make_garbage();
    return 0;
}
