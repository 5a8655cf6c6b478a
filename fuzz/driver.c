/*
 * refalloc fuzz suite: libFuzzer, AFL++ and replay entry points for one harness (see driver.h).
 */
#define _GNU_SOURCE
#include "driver.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static size_t n_inputs;
static unsigned long long n_ops;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
static unsigned long long lf_ops, lf_runs;
static struct timespec lf_t0;

/* FZ_STATS=1: at exit, print operations executed and operations per second (fuzz-bench). */
static void lf_report(void)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - lf_t0.tv_sec) + (double)(t1.tv_nsec - lf_t0.tv_nsec) / 1e9;
    fprintf(stderr, "fz-stats: %s: %llu inputs, %llu operations in %.1f s: %.0f ops/s\n",
            fz_target_name, lf_runs, lf_ops, s, s > 0 ? (double)lf_ops / s : 0.0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (lf_runs++ == 0 && getenv("FZ_STATS")) {
        clock_gettime(CLOCK_MONOTONIC, &lf_t0);
        atexit(lf_report);
    }
    lf_ops += fz_target_run(data, size);
    return 0;
}


static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return 1;
    }
    size_t got;
    while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                fclose(f);
                return 1;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (getenv("FZ_VERBOSE"))
        fprintf(stderr, "%s: %s (%zu bytes)\n", fz_target_name, path, len);
    n_ops += fz_target_run(buf, len);
    n_inputs++;
    free(buf);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode))
        return replay_file(path);
    DIR *d = opendir(path);
    if (!d) {
        perror(path);
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *names);
            if (!nn)
                abort();
            names = nn;
        }
        size_t l = strlen(path) + strlen(e->d_name) + 2;
        names[n] = malloc(l);
        if (!names[n])
            abort();
        snprintf(names[n], l, "%s/%s", path, e->d_name);
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        rc |= replay_path(names[i]);
        free(names[i]);
    }
    free(names);
    return rc;
}

int fz_replay_main(int argc, char **argv)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = 0;
    for (int i = 1; i < argc; i++)
        rc |= replay_path(argv[i]);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%s: replayed %zu inputs, %llu operations, 0 findings (%.2f s, %.0f ops/s)\n",
           fz_target_name, n_inputs, n_ops, s, s > 0 ? (double)n_ops / s : 0.0);
    return rc;
}

#if defined(FZ_LIB_ENGINE)
/* OSS-Fuzz / ClusterFuzzLite: the engine library ($LIB_FUZZING_ENGINE) provides main. */
#elif defined(__AFL_FUZZ_TESTCASE_LEN)
#include <unistd.h> /* read(), used inside __AFL_FUZZ_TESTCASE_LEN */
/* AFL++'s macro compares read()'s result with 0xffffffff: not ours to fix. */
#pragma clang diagnostic ignored "-Wsign-conversion"
#pragma clang diagnostic ignored "-Wsign-compare"
#pragma clang diagnostic ignored "-Wshorten-64-to-32"
__AFL_FUZZ_INIT();
int main(int argc, char **argv)
{
    if (argc > 1)
        return fz_replay_main(argc, argv);
    __AFL_INIT();
    unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
    while (__AFL_LOOP(100000)) {
        size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
        fz_target_run(buf, len);
    }
    return 0;
}
#elif defined(FZ_REPLAY)
int main(int argc, char **argv) { return fz_replay_main(argc, argv); }
#endif
