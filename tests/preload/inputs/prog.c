/* A non-trivial program for the LD_PRELOAD gcc test: gcc -O2 compiles it under each allocator;
 * the object files and the program's output must be the same. It mixes what an optimiser works
 * hard on: a hash table with chaining, a merge sort, a sieve, a small matrix product, a recursive
 * descent expression evaluator, and function pointers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    char key[24];
    long count;
    struct entry *next;
} entry;

#define BUCKETS 4096u

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

static entry *table[BUCKETS];

static void count_word(const char *w)
{
    uint32_t b = hash(w) % BUCKETS;
    for (entry *e = table[b]; e; e = e->next)
        if (strcmp(e->key, w) == 0) {
            e->count++;
            return;
        }
    entry *e = calloc(1, sizeof *e);
    if (!e)
        exit(2);
    snprintf(e->key, sizeof e->key, "%s", w);
    e->count = 1;
    e->next = table[b];
    table[b] = e;
}

static void merge_sort(long *a, long *tmp, size_t n, int (*less)(long, long))
{
    if (n < 2)
        return;
    size_t m = n / 2, i = 0, j = m, k = 0;
    merge_sort(a, tmp, m, less);
    merge_sort(a + m, tmp, n - m, less);
    while (i < m && j < n)
        tmp[k++] = less(a[j], a[i]) ? a[j++] : a[i++];
    while (i < m)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

static int asc(long x, long y) { return x < y; }
static int by_digits(long x, long y) { return (x % 1000) < (y % 1000) || ((x % 1000) == (y % 1000) && x < y); }

static const char *src;

static long expr(void);

static long atom(void)
{
    while (*src == ' ')
        src++;
    if (*src == '(') {
        src++;
        long v = expr();
        while (*src == ' ')
            src++;
        if (*src == ')')
            src++;
        return v;
    }
    if (*src == '-') {
        src++;
        return -atom();
    }
    long v = 0;
    while (*src >= '0' && *src <= '9')
        v = v * 10 + (*src++ - '0');
    return v;
}

static long term(void)
{
    long v = atom();
    for (;;) {
        while (*src == ' ')
            src++;
        if (*src == '*') { src++; v *= atom(); }
        else if (*src == '/') { src++; long d = atom(); v = d ? v / d : 0; }
        else if (*src == '%') { src++; long d = atom(); v = d ? v % d : 0; }
        else return v;
    }
}

static long expr(void)
{
    long v = term();
    for (;;) {
        while (*src == ' ')
            src++;
        if (*src == '+') { src++; v += term(); }
        else if (*src == '-') { src++; v -= term(); }
        else return v;
    }
}

int main(void)
{
    uint64_t x = 88172645463325252ull, sum = 0;
    enum { N = 200000 };
    long *a = malloc(N * sizeof *a), *tmp = malloc(N * sizeof *tmp);
    if (!a || !tmp)
        return 2;
    for (size_t i = 0; i < N; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        a[i] = (long)(x % 1000003u);
    }
    merge_sort(a, tmp, N, asc);
    for (size_t i = 1; i < N; i++)
        if (a[i - 1] > a[i])
            return 3;
    merge_sort(a, tmp, N, by_digits);
    for (size_t i = 0; i < N; i += 997)
        sum = sum * 31 + (uint64_t)a[i];
    printf("sorted checksum %llu\n", (unsigned long long)sum);

    static const char *syll[] = {"ka", "lo", "mi", "nu", "re", "sa", "ti", "vo"};
    char w[24];
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        int parts = 1 + (int)(x % 4);
        w[0] = '\0';
        for (int p = 0; p < parts; p++)
            strcat(w, syll[(x >> (8 * p + 3)) % 8]);
        count_word(w);
    }
    long distinct = 0, most = 0;
    const char *best = "";
    for (unsigned b = 0; b < BUCKETS; b++)
        for (entry *e = table[b]; e; e = e->next) {
            distinct++;
            if (e->count > most || (e->count == most && strcmp(e->key, best) < 0)) {
                most = e->count;
                best = e->key;
            }
        }
    printf("words: %ld distinct, most frequent '%s' x%ld\n", distinct, best, most);

    enum { S = 2000000 };
    unsigned char *composite = calloc(S, 1);
    long primes = 0, last = 0;
    for (long i = 2; i < S; i++) {
        if (composite[i])
            continue;
        primes++;
        last = i;
        for (long j = i * i; j < S; j += i)
            composite[j] = 1;
    }
    printf("primes below %d: %ld, largest %ld\n", S, primes, last);

    enum { M = 96 };
    double (*ma)[M] = malloc(sizeof(double[M][M])), (*mb)[M] = malloc(sizeof(double[M][M]));
    double (*mc)[M] = calloc(1, sizeof(double[M][M]));
    for (int i = 0; i < M; i++)
        for (int j = 0; j < M; j++) {
            ma[i][j] = (i * 7 + j * 3) % 11 - 5;
            mb[i][j] = (i * 5 + j * 13) % 17 - 8;
        }
    for (int i = 0; i < M; i++)
        for (int k = 0; k < M; k++)
            for (int j = 0; j < M; j++)
                mc[i][j] += ma[i][k] * mb[k][j];
    double trace = 0;
    for (int i = 0; i < M; i++)
        trace += mc[i][i];
    printf("matrix trace %.1f\n", trace);

    static const char *exprs[] = {"1 + 2 * 3", "(1 + 2) * 3", "100 / 7 % 5 - -3",
                                  "((((12345))))*(2-(3-(4-5)))", "2*2*2*2*2*2*2*2*2*2 - 1"};
    for (size_t i = 0; i < sizeof exprs / sizeof *exprs; i++) {
        src = exprs[i];
        printf("%s = %ld\n", exprs[i], expr());
    }
    free(a); free(tmp); free(composite); free(ma); free(mb); free(mc);
    return 0;
}
