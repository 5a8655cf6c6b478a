/*
 * refalloc E-ACSL replay (make eacsl, mk/eacsl.mk): the entry point of every instrumented replay
 * program. It is instrumented together with the harness and the ref modules, so E-ACSL puts the
 * initialisation of its memory model here; the file and directory walking of fuzz/driver.c is
 * compiled without instrumentation and linked as it is.
 */
#include "driver.h"

/* tests/eacsl/environ.c (not instrumented) */
void fz_eacsl_restore_environ(void);

int main(int argc, char **argv)
{
    fz_eacsl_restore_environ();
    return fz_replay_main(argc, argv);
}
