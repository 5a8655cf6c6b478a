/* Deterministic text for the LD_PRELOAD sort test: `gen_lines BYTES` writes lines of the form
 * "<word> <number> <word>\n" (xorshift64*, fixed seed) until at least BYTES bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state = 0x9e3779b97f4a7c15u;

static uint64_t next(void)
{
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545f4914f6cdd1du;
}

int main(int argc, char **argv)
{
    unsigned long long want = argc > 1 ? strtoull(argv[1], NULL, 10) : 50000000ull, done = 0;
    char line[128];
    while (done < want) {
        int n = 0;
        unsigned len = 3u + (unsigned)(next() % 14u);
        for (unsigned i = 0; i < len; i++)
            line[n++] = (char)('a' + next() % 26u);
        n += snprintf(line + n, sizeof line - (size_t)n, " %llu ",
                      (unsigned long long)(next() % 1000000007u));
        len = 1u + (unsigned)(next() % 20u);
        for (unsigned i = 0; i < len; i++)
            line[n++] = (char)('A' + next() % 26u);
        line[n++] = '\n';
        fwrite(line, 1, (size_t)n, stdout);
        done += (unsigned long long)n;
    }
    return ferror(stdout) != 0;
}
