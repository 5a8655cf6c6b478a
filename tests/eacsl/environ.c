/*
 * refalloc E-ACSL replay: keep getenv() working (compiled without instrumentation).
 *
 * The E-ACSL 25 runtime registers the environment strings at the start of main with a loop that
 * advances the global `environ` itself (`while (*environ) { ...; environ++; }` in
 * e_acsl_segment_observation_model.c), so afterwards environ points at the terminating NULL and
 * every getenv() returns NULL (FZ_VERBOSE, FZ_PROFILE would be ignored). The pointer is saved
 * before main and put back by tests/eacsl/main.c; the strings themselves are not moved.
 */
extern char **environ;

static char **saved_environ;

__attribute__((constructor)) static void save_environ(void)
{
    saved_environ = environ;
}

void fz_eacsl_restore_environ(void);
void fz_eacsl_restore_environ(void)
{
    environ = saved_environ;
}
