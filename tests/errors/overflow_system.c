/* The same one-byte overflow on a malloc'd block: ASan's "heap-buffer-overflow". */
/* The error is the point of this program: gcc sees it at compile time too; silence that
 * warning so the program builds under -Wall -Werror and the runtime tool can catch it. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Warray-bounds"
#endif
#include <stdlib.h>
#include <string.h>

int main(void)
{
    char *p = malloc(24);
    memset(p, 0, 24);
    volatile char *q = p;
    // cppcheck-suppress arrayIndexOutOfBounds ; the overflow is the point
    q[24] = 1; /* one byte too far */
    free(p);
    return 0;
}
