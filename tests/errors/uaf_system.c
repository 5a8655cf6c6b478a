/* Use after free of a malloc'd block: ASan's "heap-use-after-free". */
/* The error is the point of this program: gcc sees it at compile time too; silence that
 * warning so the program builds under -Wall -Werror and the runtime tool can catch it. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuse-after-free"
#endif
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    char *p = malloc(32);
    p[0] = 'x';
    free(p);
    // cppcheck-suppress deallocuse ; the use after free is the point
    volatile char c = p[0]; /* dangling pointer */
    return c;
}
