/*
 * refalloc fuzz suite: the one driver behind every harness. A harness defines fz_target_run()
 * and fz_target_name; driver.c turns it into
 *  - a libFuzzer target (LLVMFuzzerTestOneInput; build with -fsanitize=fuzzer),
 *  - an AFL++ persistent-mode program with shared-memory input (build with afl-clang-fast,
 *    which defines __AFL_FUZZ_TESTCASE_LEN; given file arguments it replays them instead),
 *  - a plain replay program over files and directories (build with -DFZ_REPLAY).
 */
#ifndef FZ_DRIVER_H
#define FZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* For the model harnesses: abort with "RULE <name> violated at op #<i>: <detail>" unless cond. */
#define FZ_RULE(op, cond, name, ...)                                                              \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            fprintf(stderr, "RULE %s violated at op #%zu: ", name, (size_t)(op));                 \
            fprintf(stderr, __VA_ARGS__);                                                         \
            fputc('\n', stderr);                                                                  \
            abort();                                                                              \
        }                                                                                         \
    } while (0)

/* Run one input; a violated rule aborts. Returns the number of operations executed. */
size_t fz_target_run(const uint8_t *data, size_t size);
extern const char fz_target_name[];

/* Replay every file named (directories recursively, in name order); returns an exit code. */
int fz_replay_main(int argc, char **argv);

#endif
