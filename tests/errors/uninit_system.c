/* The same read of a malloc'd block under MSan: "use-of-uninitialized-value". */
/* The error is the point of this program: gcc sees it at compile time too; silence that
 * warning so the program builds under -Wall -Werror and the runtime tool can catch it. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    int *p = malloc(4 * sizeof *p);
    p[0] = 1;
    if (p[2] > 0) /* never written */
        puts("positive");
    free(p);
    return 0;
}
