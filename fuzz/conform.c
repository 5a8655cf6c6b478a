/*
 * refalloc conformance kit: does an allocator honour the C allocation contract?
 *
 *   conform LIB=path/to/liballoc.so|system [SECONDS=60] [PROFILE=strict|glibc|musl]
 *           [MODE=dlopen|preload] [SEED=n] [ALLOW=rule,rule] [OUT=dir] [BATTERY=0] [FUZZ=0]
 *   conform ... REPLAY=file [EMIT=file.c]        replay one input (exit 1 if a rule breaks)
 *
 * Three stages (docs/conform.md is the user's manual):
 *  1. Load the allocator. dlopen (RTLD_NOW | RTLD_LOCAL) and dlsym of malloc, free, calloc,
 *     realloc (required) and aligned_alloc, posix_memalign, memalign, malloc_usable_size,
 *     reallocarray (optional); or preload: the kit re-executes itself with LD_PRELOAD=LIB and uses
 *     the process's own symbols. Either way dladdr must show that each symbol lives in LIB (a
 *     symbol found in libc instead is treated as absent: mixing two allocators would crash).
 *  2. The battery (fuzz/conform_cases.h): fixed cases from C17/C23 and POSIX, each in a forked
 *     child so a crash is a finding, not the end of the run. Findings get a standalone C program
 *     made of the very case code, built and run against LIB to confirm them.
 *  3. Fuzzing for SECONDS: op programs of the fuzz suite's operation language (fuzz/ops.h) drawn
 *     from a deterministic generator (program k of seed S is always the same bytes), run by
 *     fz_run on one lane with the shadow model. A finding stops the campaign: the program is
 *     minimized by delta debugging (each candidate replayed in a fresh process, so the result
 *     reproduces on its own), written to OUT, and turned into a standalone C program (plain C
 *     API), which is built and run against LIB to confirm the finding.
 *
 * Implementation-defined behaviour is a profile choice, never a finding. The kit checks the C23
 * alignment rule (a block is aligned for any object that fits in it), not glibc's 16-for-all;
 * where an allocator consistently makes another permitted choice for malloc(0) or realloc(p, 0)
 * than the profile names, the kit says so and accepts it. Generated sizes are small, medium,
 * boundary, or impossible (at least 2^62 bytes): never gigabytes that could really be mapped.
 *
 * ALLOW=rule,... accepts known deviations: battery findings of those rules are reported as
 * ALLOWED, and the fuzz phase relaxes the matching profile knob (nomem, free-errno, aa-align,
 * malloc0, realloc0) or, for the other rules, abandons the program that hit it and goes on. The
 * summary lists every allowed deviation with its count and first occurrence.
 *
 * Exit status: 0 nothing broke (allowed deviations included), 1 a finding, 2 usage or load error.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ops.h"

/* The battery's source text (generated from fuzz/conform_cases.h by mk/conform.mk into
 * build/conform/). Without it (the lint pass over every fuzz source) the kit compiles, but its battery
 * reproducers would lack the case code: the real build always has it. */
#if defined(__has_include)
#if __has_include("conform_cases_text.h")
#include "conform_cases_text.h"
#define CONFORM_HAVE_TEXT 1
#endif
#endif
#ifndef CONFORM_HAVE_TEXT
static const char conform_cases_text[] = "";
#endif

/* ---- Rules ------------------------------------------------------------------------------- */

typedef struct {
    const char *id;        /* the kit's name; the SEMANTICS id is "R-" + id */
    const char *sentence;  /* the rule in one sentence, with its source */
    bool standard;         /* from ISO C or POSIX (false: GNU extension or the kit's own) */
} rule_info;

static const rule_info RULES[] = {
    { "huge", "a request for more than PTRDIFF_MAX bytes must fail (C17 6.5.6p9 and 7.22.3p1: "
              "no object can be that large; POSIX malloc: NULL with errno ENOMEM)", true },
    { "nomem", "a failed allocation must set errno to ENOMEM, posix_memalign must return ENOMEM "
               "(POSIX.1-2017/2024 malloc, calloc, realloc, posix_memalign: ERRORS; memalign: "
               "the malloc(3) Linux man page)", true },
    { "calloc-ovf", "calloc(n, s) whose product n*s overflows size_t must fail (C17 7.22.3.2: "
                    "the space cannot be allocated; C23 7.24.3.2p3; POSIX calloc: ENOMEM)", true },
    { "calloc-zero", "calloc memory must read as all bits zero, recycled memory included "
                     "(C17 7.22.3.2p2, C23 7.24.3.2p2)", true },
    { "realloc-null", "realloc(NULL, n) must behave as malloc(n) (C17 7.22.3.5p3)", true },
    { "realloc-keep", "a successful realloc must keep the old contents up to the lesser of the "
                      "old and new sizes (C17 7.22.3.5p2; with the glibc/musl profile every "
                      "byte up to the old malloc_usable_size counts)", true },
    { "realloc-fail", "a failed realloc must leave the old block allocated and unchanged "
                      "(C17 7.22.3.5p4)", true },
    { "realloc0", "realloc(p, 0) must do what the profile says (implementation-defined in C17 "
                  "7.22.3.5 and DR 400, undefined in C23)", false },
    { "malloc0", "malloc(0) must return NULL or a pointer unique among live blocks "
                 "(C17 7.22.3p1)", true },
    { "free-null", "free(NULL) must do nothing (C17 7.22.3.3p2)", true },
    { "free-errno", "free must not change errno (POSIX.1-2024 free)", true },
    { "aa-align", "aligned_alloc with an invalid alignment (0, not a power of two) must fail "
                  "returning NULL (C17 7.22.3.1 after DR 460, C23 7.24.3.1); POSIX.1-2024: "
                  "errno EINVAL", true },
    { "aa-large", "an alignment no address can meet must make aligned_alloc, posix_memalign and "
                  "memalign fail with EINVAL or ENOMEM (C23 7.24.3.1, POSIX.1-2024 "
                  "aligned_alloc and posix_memalign)", true },
    { "pm-align", "posix_memalign must return EINVAL for an alignment that is not a power-of-two "
                  "multiple of sizeof(void *), and must leave *memptr unchanged on failure "
                  "(POSIX posix_memalign)", true },
    { "memalign", "memalign(a, n) with a power-of-two a must return a block aligned to a "
                  "(malloc(3) Linux man page, glibc manual 'Aligned Memory Blocks'; not in ISO C "
                  "or POSIX)", false },
    { "reallocarray", "reallocarray(p, n, s) whose product overflows must fail with ENOMEM and "
                      "leave p unchanged; otherwise it is realloc(p, n*s) (POSIX.1-2024 realloc "
                      "page; reallocarray(3))", true },
    { "usable-null", "malloc_usable_size(NULL) must be 0 (malloc_usable_size(3), glibc manual)",
      false },
    { "usable", "malloc_usable_size(p) must be at least the size requested, and the program may "
                "use every one of those bytes (malloc_usable_size(3), glibc manual)", false },
    { "align", "a block must be aligned for any object that fits in it: min(alignof(max_align_t),"
               " the largest power of two <= size), and to any alignment requested "
               "(C17 7.22.3p1, C23 7.24.3p1)", true },
    { "unique", "a new block must not overlap any live block (C17 7.22.3p1: each allocation "
                "yields a pointer to an object disjoint from any other object)", true },
    { "contents", "a live block must keep what was stored in it until it is freed or resized "
                  "(C17 6.2.4p2 and 7.22.3p1: an allocated object retains its last-stored "
                  "value throughout its lifetime)", true },
    { "crash", "the allocator must not crash or abort on a valid sequence of calls (C17 7.22.3)",
      true },
};
#define N_RULES (sizeof RULES / sizeof RULES[0])

/* Other spellings accepted by ALLOW= (and the fuzz suite's rule names, see spec/FORMAT.md). */
static const char *const ALIASES[][2] = {
    { "enomem", "nomem" }, { "errno", "nomem" }, { "huge-size", "huge" },
    { "calloc-overflow", "calloc-ovf" }, { "realloc-keeps-data", "realloc-keep" },
    { "realloc-zero", "realloc0" }, { "aligned-bad-alignment", "aa-align" },
    { "memalign-einval", "pm-align" }, { "memalign-untouched", "pm-align" },
    { "memalign-result", "pm-align" }, { "usable-size", "usable" }, { "overlap", "unique" },
    { "alignment", "align" }, { "free-null", "free-errno" },
};

static const rule_info *rule_find(const char *name)
{
    if (strncmp(name, "R-", 2) == 0)
        name += 2;
    for (size_t i = 0; i < sizeof ALIASES / sizeof ALIASES[0]; i++)
        if (strcmp(name, ALIASES[i][0]) == 0)
            name = ALIASES[i][1];
    for (size_t i = 0; i < N_RULES; i++)
        if (strcmp(RULES[i].id, name) == 0)
            return &RULES[i];
    return NULL;
}

/* ---- Options ------------------------------------------------------------------------------ */

static struct {
    const char *lib;         /* path, or "system" */
    double seconds;
    const char *profile;
    const char *mode;        /* auto, dlopen, preload */
    unsigned long long seed;
    const char *allow;
    const char *out;
    const char *replay;
    const char *emit;
    bool battery, fuzz;
    bool child;              /* --child: replay for the minimizer, print only the rule */
    bool minimize;           /* REPLAY=file MINIMIZE=1: minimize what it breaks, emit C */
    double min_seconds;      /* minimization budget */
    const char *cc;
} opt = { NULL, 60, "strict", "auto", 1, "", "conform-out", NULL, NULL, true, true, false, false,
            60, "cc" };

static char **g_argv;
static char lib_real[PATH_MAX];    /* realpath of LIB */
static const char *lib_base = "system";
static const char *mode_used = "self";
static bool allowed[N_RULES];

static void usage(void)
{
    fprintf(stderr,
            "usage: conform LIB=path/to/liballoc.so|system [SECONDS=60] [PROFILE=strict|glibc|musl]\n"
            "               [MODE=dlopen|preload] [SEED=n] [ALLOW=rule,rule] [OUT=dir]\n"
            "               [BATTERY=0] [FUZZ=0] [REPLAY=file [EMIT=file.c] [MINIMIZE=1]]\n"
            "rules: ");
    for (size_t i = 0; i < N_RULES; i++)
        fprintf(stderr, "%s%s", i ? ", " : "", RULES[i].id);
    fprintf(stderr, "\n");
    exit(2);
}

static void set_opt(const char *key, const char *val)
{
    if (!strcasecmp(key, "lib"))
        opt.lib = val;
    else if (!strcasecmp(key, "seconds"))
        opt.seconds = atof(val);
    else if (!strcasecmp(key, "profile"))
        opt.profile = val;
    else if (!strcasecmp(key, "mode"))
        opt.mode = val;
    else if (!strcasecmp(key, "seed"))
        opt.seed = strtoull(val, NULL, 0);
    else if (!strcasecmp(key, "allow"))
        opt.allow = val;
    else if (!strcasecmp(key, "out"))
        opt.out = val;
    else if (!strcasecmp(key, "replay"))
        opt.replay = val;
    else if (!strcasecmp(key, "emit"))
        opt.emit = val;
    else if (!strcasecmp(key, "battery"))
        opt.battery = atoi(val) != 0;
    else if (!strcasecmp(key, "fuzz"))
        opt.fuzz = atoi(val) != 0;
    else if (!strcasecmp(key, "minimize"))
        opt.minimize = atoi(val) != 0;
    else if (!strcasecmp(key, "minimize_seconds"))
        opt.min_seconds = atof(val);
    else if (!strcasecmp(key, "cc"))
        opt.cc = val;
    else {
        fprintf(stderr, "conform: unknown option %s\n", key);
        usage();
    }
}

static void parse_args(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (strcmp(a, "--child") == 0) {
            opt.child = true;
        } else if (strncmp(a, "--", 2) == 0) {
            char *eq = strchr(a, '=');
            if (eq) {
                *eq = 0; /* argv is ours; restored below for the re-exec */
                set_opt(a + 2, eq + 1);
                *eq = '=';
            } else if (i + 1 < argc) {
                set_opt(a + 2, argv[++i]);
            } else {
                usage();
            }
        } else if (strchr(a, '=')) {
            char key[64];
            size_t k = (size_t)(strchr(a, '=') - a);
            if (k >= sizeof key)
                usage();
            memcpy(key, a, k);
            key[k] = 0;
            set_opt(key, a + k + 1);
        } else if (!opt.lib) {
            opt.lib = a;
        } else {
            usage();
        }
    }
    if (!opt.lib || !*opt.lib)
        usage();
    if (strcmp(opt.mode, "auto") && strcmp(opt.mode, "dlopen") && strcmp(opt.mode, "preload"))
        usage();
    char list[1024];
    snprintf(list, sizeof list, "%s", opt.allow);
    for (char *t = strtok(list, ", "); t; t = strtok(NULL, ", ")) {
        const rule_info *r = rule_find(t);
        if (!r) {
            fprintf(stderr, "conform: ALLOW=%s: no such rule\n", t);
            usage();
        }
        allowed[r - RULES] = true;
    }
}

static bool is_allowed(const char *rule)
{
    const rule_info *r = rule_find(rule);
    return r && allowed[r - RULES];
}

/* ---- Loading the allocator ---------------------------------------------------------------- */

typedef struct {
    void *(*malloc)(size_t);
    void (*free)(void *);
    void *(*calloc)(size_t, size_t);
    void *(*realloc)(void *, size_t);
    void *(*aligned_alloc)(size_t, size_t);
    int (*posix_memalign)(void **, size_t, size_t);
    void *(*memalign)(size_t, size_t);
    size_t (*usable)(void *);
    void *(*reallocarray)(void *, size_t, size_t);
} kit_api;

static kit_api KIT;
static const char *const SYMS[] = { "malloc", "free", "calloc", "realloc", "aligned_alloc",
                                    "posix_memalign", "memalign", "malloc_usable_size",
                                    "reallocarray" };
static char sym_note[9][PATH_MAX + 64];

static bool same_file(const char *a, const char *b)
{
    char ra[PATH_MAX], rb[PATH_MAX];
    if (!realpath(a, ra) || !realpath(b, rb))
        return false;
    return strcmp(ra, rb) == 0;
}

/* Fill KIT from `lookup` (dlsym on a handle or RTLD_DEFAULT); a symbol counts only when dladdr
 * places it in `owner` (NULL: accept any, used for LIB=system). */
static bool bind_symbols(void *handle, const char *owner, char *why, size_t whylen)
{
    void **slots[9] = { (void **)&KIT.malloc, (void **)&KIT.free, (void **)&KIT.calloc,
                        (void **)&KIT.realloc, (void **)&KIT.aligned_alloc,
                        (void **)&KIT.posix_memalign, (void **)&KIT.memalign, (void **)&KIT.usable,
                        (void **)&KIT.reallocarray };
    for (unsigned i = 0; i < 9; i++) {
        void *s = dlsym(handle, SYMS[i]);
        *slots[i] = NULL;
        if (!s) {
            snprintf(sym_note[i], sizeof sym_note[i], "absent");
            continue;
        }
        Dl_info info;
        memset(&info, 0, sizeof info);
        const char *where = dladdr(s, &info) && info.dli_fname ? info.dli_fname : "?";
        if (owner && !same_file(where, owner)) {
            snprintf(sym_note[i], sizeof sym_note[i], "not in LIB (found in %s): not tested",
                     where);
            continue;
        }
        *slots[i] = s;
        snprintf(sym_note[i], sizeof sym_note[i], "%s", where);
    }
    for (unsigned i = 0; i < 4; i++)
        if (!*slots[i]) {
            snprintf(why, whylen, "%s: %s", SYMS[i], sym_note[i]);
            return false;
        }
    return true;
}

static void reexec_preload(const char *dlerr)
{
    const char *old = getenv("LD_PRELOAD");
    setenv("CONFORM_ORIG_PRELOAD", old ? old : "", 1);
    setenv("LD_PRELOAD", lib_real, 1);
    setenv("CONFORM_PRELOADED", lib_real, 1);
    if (dlerr)
        setenv("CONFORM_DLOPEN_ERROR", dlerr, 1);
    fflush(NULL);
    execv("/proc/self/exe", g_argv);
    fprintf(stderr, "conform: re-exec with LD_PRELOAD failed: %s\n", strerror(errno));
    exit(2);
}

static void load_allocator(void)
{
    char why[PATH_MAX + 128];
    if (!strcmp(opt.lib, "system") || !strcmp(opt.lib, "libc") || !strcmp(opt.lib, "glibc")) {
        if (!bind_symbols(RTLD_DEFAULT, NULL, why, sizeof why)) {
            fprintf(stderr, "conform: the process's allocator lacks %s\n", why);
            exit(2);
        }
        lib_base = "system";
        mode_used = "self (the process's own allocator)";
        return;
    }
    if (!realpath(opt.lib, lib_real)) {
        fprintf(stderr, "conform: LIB=%s: %s\n", opt.lib, strerror(errno));
        exit(2);
    }
    lib_base = strrchr(lib_real, '/') ? strrchr(lib_real, '/') + 1 : lib_real;
    const char *pre = getenv("CONFORM_PRELOADED");
    if (pre && *pre) { /* we are the re-executed kit */
        if (!bind_symbols(RTLD_DEFAULT, lib_real, why, sizeof why)) {
            fprintf(stderr, "conform: MODE=preload: LD_PRELOAD=%s did not make it the process's "
                            "allocator (%s)\n", lib_real, why);
            exit(2);
        }
        mode_used = "preload";
        return;
    }
    if (!strcmp(opt.mode, "preload"))
        reexec_preload(NULL);
    void *h = dlopen(lib_real, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!h) {
        const char *e = dlerror();
        if (!strcmp(opt.mode, "dlopen")) {
            fprintf(stderr, "conform: MODE=dlopen: %s\n", e ? e : "dlopen failed");
            exit(2);
        }
        reexec_preload(e ? e : "dlopen failed");
    }
    if (!bind_symbols(h, lib_real, why, sizeof why)) {
        fprintf(stderr, "conform: %s does not export the required %s\n", lib_real, why);
        exit(2);
    }
    mode_used = "dlopen";
}

/* ---- The battery ---------------------------------------------------------------------------- */

static fz_profile g_prof;  /* the profile as chosen (battery) */
static int kit_fd = -1;    /* battery child: where findings go */

static void cf_report(char kind, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void cf_report(char kind, const char *rule, const char *fmt, ...)
{
    char line[512];
    int n = snprintf(line, sizeof line, "%c\t%s\t", kind, rule);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    for (char *c = line + n; *c; c++)
        if (*c == '\n' || *c == '\t')
            *c = ' ';
    size_t len = strlen(line);
    line[len++] = '\n';
    if (kit_fd >= 0 && write(kit_fd, line, len) < 0)
        _exit(3);
}

#define MALLOC(n) KIT.malloc(n)
#define CALLOC(n, s) KIT.calloc((n), (s))
#define REALLOC(p, n) KIT.realloc((p), (n))
#define FREE(p) KIT.free(p)
#define ALIGNED_ALLOC(a, n) KIT.aligned_alloc((a), (n))
#define POSIX_MEMALIGN(pp, a, n) KIT.posix_memalign((pp), (a), (n))
#define MEMALIGN(a, n) KIT.memalign((a), (n))
#define USABLE(p) KIT.usable(p)
#define REALLOCARRAY(p, n, s) KIT.reallocarray((p), (n), (s))
#define HAVE_ALIGNED_ALLOC (KIT.aligned_alloc != NULL)
#define HAVE_POSIX_MEMALIGN (KIT.posix_memalign != NULL)
#define HAVE_MEMALIGN (KIT.memalign != NULL)
#define HAVE_USABLE (KIT.usable != NULL)
#define HAVE_REALLOCARRAY (KIT.reallocarray != NULL)
#define P_MALLOC0_NONNULL (g_prof.malloc0 == FZ_NONNULL)
#define P_REALLOC0                                                                            \
    (g_prof.realloc0 == FZ_R0_FREES_NULL ? 0 : g_prof.realloc0 == FZ_R0_NEW_BLOCK ? 1 : 2)
#define P_AA_BAD_MAY_SUCCEED (g_prof.aligned_bad == FZ_MAY_SUCCEED)
#define P_USE_SLACK (g_prof.use_slack)
#define FINDING(rule, ...) cf_report('F', rule, __VA_ARGS__)
#define NOTE(...) cf_report('N', "-", __VA_ARGS__)
#define OBSERVE(key, value) cf_report('O', key, "%d", (int)(value))

#include "conform_cases.h"

typedef struct {
    const char *name;
    void (*fn)(void);
    const char *rules;      /* the rules it checks, for the report */
} battery_case;

static const battery_case CASES[] = {
    { "malloc0", case_malloc0, "malloc0" },
    { "realloc0", case_realloc0, "realloc0, unique" },
    { "huge", case_huge, "huge, nomem" },
    { "calloc-ovf", case_calloc_ovf, "calloc-ovf, huge, nomem, reallocarray" },
    { "aligned-bad", case_aligned_bad, "aa-align, huge" },
    { "aligned-ok", case_aligned_ok, "align, aa-large, pm-align, memalign" },
    { "pm-align", case_pm_align, "pm-align" },
    { "memalign-bad", case_memalign_bad, "memalign" },
    { "usable", case_usable, "usable-null, usable" },
    { "free", case_free, "free-null, free-errno" },
    { "realloc-null", case_realloc_null, "realloc-null" },
    { "realloc-keep", case_realloc_keep, "realloc-keep" },
    { "realloc-fail", case_realloc_fail, "realloc-fail, huge, nomem" },
    { "calloc-zero", case_calloc_zero, "calloc-zero" },
    { "blocks", case_blocks, "unique, contents, align, usable" },
};
#define N_CASES (sizeof CASES / sizeof CASES[0])

/* What the battery learnt: observations and findings per case. */
typedef struct {
    char rule[32];
    char first[400];
    unsigned count;
    bool allowed;
    char repro[PATH_MAX];
    int confirmed;          /* 1 reproduced by the C program, 0 not, -1 not tried */
} case_finding;

typedef struct {
    int status;              /* 0 ok, 1 findings, 2 crashed */
    char crash[128];
    case_finding f[8];
    unsigned nf;
    char notes[4][256];
    unsigned nnotes;
} case_result;

static case_result RES[N_CASES];
static int obs_malloc0_null = -1, obs_realloc0_block = -1;

static void run_case(size_t i, bool quiet)
{
    case_result *R = &RES[i];
    memset(R, 0, sizeof *R);
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        exit(2);
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(2);
    }
    if (pid == 0) {
        close(fds[0]);
        kit_fd = fds[1];
        alarm(120);
        CASES[i].fn();
        _exit(0);
    }
    close(fds[1]);
    FILE *in = fdopen(fds[0], "r");
    char line[600];
    while (in && fgets(line, sizeof line, in)) {
        line[strcspn(line, "\n")] = 0;
        char *kind = strtok(line, "\t"), *key = strtok(NULL, "\t"), *msg = strtok(NULL, "");
        if (!kind || !key)
            continue;
        if (!msg)
            msg = "";
        if (kind[0] == 'O') {
            if (!strcmp(key, "malloc0-null"))
                obs_malloc0_null = atoi(msg);
            else if (!strcmp(key, "realloc0-block"))
                obs_realloc0_block = atoi(msg);
        } else if (kind[0] == 'N') {
            if (R->nnotes < 4)
                snprintf(R->notes[R->nnotes++], sizeof R->notes[0], "%s", msg);
        } else if (kind[0] == 'F') {
            unsigned k;
            for (k = 0; k < R->nf; k++)
                if (!strcmp(R->f[k].rule, key))
                    break;
            if (k == R->nf && R->nf < 8) {
                R->nf++;
                snprintf(R->f[k].rule, sizeof R->f[k].rule, "%s", key);
                snprintf(R->f[k].first, sizeof R->f[k].first, "%s", msg);
                R->f[k].allowed = is_allowed(key);
                R->f[k].confirmed = -1;
            }
            if (k < R->nf)
                R->f[k].count++;
        }
    }
    if (in)
        fclose(in);
    int st = 0;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st)) {
        R->status = 2;
        snprintf(R->crash, sizeof R->crash, "killed by signal %d (%s)", WTERMSIG(st),
                 strsignal(WTERMSIG(st)));
        if (R->nf < 8) {
            case_finding *F = &R->f[R->nf++];
            snprintf(F->rule, sizeof F->rule, "crash");
            char why[sizeof R->crash];
            memcpy(why, R->crash, sizeof why);
            snprintf(F->first, sizeof F->first, "case %s: %s", CASES[i].name, why);
            F->count = 1;
            F->allowed = is_allowed("crash");
            F->confirmed = -1;
        }
    } else if (R->nf) {
        R->status = 1;
    }
    (void)quiet;
}

/* ---- Writing files, running programs -------------------------------------------------------- */

static void mkdirs(const char *dir)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", dir);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(tmp, 0777);
            *p = '/';
        }
    mkdir(tmp, 0777);
}

/* dst = a + b, cut to fit (paths here stay far below PATH_MAX) */
static void path_cat(char *dst, size_t n, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la >= n)
        la = n - 1;
    memcpy(dst, a, la);
    if (lb > n - 1 - la)
        lb = n - 1 - la;
    memcpy(dst + la, b, lb);
    dst[la + lb] = 0;
}

static bool write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Run argv with the environment adjusted: LD_PRELOAD set to `preload` (NULL: the user's
 * original value). Output to `log`; returns the exit status (128 + signal when killed). */
static int run_prog(char *const argv[], const char *preload, const char *log, unsigned timeout)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        const char *orig = getenv("CONFORM_ORIG_PRELOAD");
        if (preload)
            setenv("LD_PRELOAD", preload, 1);
        else if (orig && *orig)
            setenv("LD_PRELOAD", orig, 1);
        else
            unsetenv("LD_PRELOAD");
        unsetenv("CONFORM_PRELOADED");
        alarm(timeout);
        execvp(argv[0], argv);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static const char *preload_for_repro(void)
{
    return lib_real[0] ? lib_real : NULL;
}

/* The command that runs a reproducer, for people. */
static void repro_cmd(char *buf, size_t len, const char *c_path)
{
    char bin[PATH_MAX];
    snprintf(bin, sizeof bin, "%.*s", (int)(strlen(c_path) - 2), c_path);
    if (lib_real[0])
        snprintf(buf, len, "cc -std=c11 -O0 -o %s %s && LD_PRELOAD=%s %s", bin, c_path, lib_real,
                 bin);
    else
        snprintf(buf, len, "cc -std=c11 -O0 -o %s %s && %s", bin, c_path, bin);
}

/* Build and run a reproducer; 1 if it printed "REPRODUCED: rule <rule>", 0 if not, -1 if it
 * could not be built. `first` receives its first REPRODUCED line. */
static int confirm_repro(const char *c_path, const char *rule, char *first, size_t flen)
{
    char bin[PATH_MAX], log[PATH_MAX + 8], clog[PATH_MAX + 8];
    snprintf(bin, sizeof bin, "%.*s", (int)(strlen(c_path) - 2), c_path);
    snprintf(clog, sizeof clog, "%s.cc.log", bin);
    snprintf(log, sizeof log, "%s.log", bin);
    char *cc_argv[] = { (char *)opt.cc, "-std=c11", "-O0", "-g", "-w", "-o", bin, (char *)c_path,
                        NULL };
    if (run_prog(cc_argv, NULL, clog, 120) != 0)
        return -1;
    char *run_argv[] = { bin, NULL };
    int st = run_prog(run_argv, preload_for_repro(), log, 120);
    if (!strcmp(rule, "crash")) { /* the reproducer of a crash crashes */
        if (first && flen)
            snprintf(first, flen, "%s (exit status %d)",
                     st >= 128 ? "the program was killed by a signal" : "no crash", st);
        return st >= 128 && st != 128 + SIGALRM;
    }
    size_t n;
    char *text = (char *)read_file(log, &n);
    if (!text)
        return 0;
    char *t = realloc(text, n + 1);
    if (!t) {
        free(text);
        return 0;
    }
    text = t;
    text[n] = 0;
    char want[96];
    snprintf(want, sizeof want, "REPRODUCED: rule %s", rule);
    char *hit = strstr(text, want);
    int ok = hit != NULL;
    if (first && flen) {
        if (!hit)
            hit = strstr(text, "REPRODUCED");
        if (hit)
            snprintf(first, flen, "%.*s", (int)strcspn(hit, "\n"), hit);
        else
            snprintf(first, flen, "(no REPRODUCED line)");
    }
    free(text);
    return ok;
}

static void emit_header_comment(FILE *f, const char *what, const char *rule, const char *detail)
{
    const rule_info *r = rule_find(rule);
    fprintf(f, "/*\n * Standalone reproducer written by the refalloc conformance kit (fuzz/conform)"
               "\n * %s\n * Finding: rule %s (R-%s): %s\n *   %s\n", what, rule, r ? r->id : rule,
            r ? r->sentence : "", detail);
    fprintf(f, " * Allocator: %s (%s), profile %s.\n", lib_real[0] ? lib_real : "the system's",
            mode_used, opt.profile);
    fprintf(f, " * It calls the plain C API through volatile pointers (no compiler built-ins).\n"
               " * Build and run:\n *   cc -std=c11 -O0 -o repro THIS.c && %s./repro\n"
               " * (linking LIB works too: cc -std=c11 -O0 THIS.c %s -Wl,-rpath,DIR)\n"
               " * Exit status 1 and \"REPRODUCED: rule ...\" on stderr when the deviation is "
               "there.\n */\n",
            lib_real[0] ? "LD_PRELOAD=" : "", lib_real[0] ? lib_real : "");
    if (lib_real[0])
        fprintf(f, "/* LD_PRELOAD=%s */\n", lib_real);
}

static const char *API_PRELUDE =
    "#define _GNU_SOURCE\n#include <errno.h>\n#include <malloc.h>\n#include <stdarg.h>\n"
    "#include <stddef.h>\n#include <stdint.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
    "#include <string.h>\n\n"
    "static void *(*volatile f_malloc)(size_t) = malloc;\n"
    "static void (*volatile f_free)(void *) = free;\n"
    "static void *(*volatile f_calloc)(size_t, size_t) = calloc;\n"
    "static void *(*volatile f_realloc)(void *, size_t) = realloc;\n"
    "static void *(*volatile f_aligned_alloc)(size_t, size_t) = aligned_alloc;\n"
    "static int (*volatile f_posix_memalign)(void **, size_t, size_t) = posix_memalign;\n"
    "static void *(*volatile f_memalign)(size_t, size_t) = memalign;\n"
    "static size_t (*volatile f_usable)(void *) = malloc_usable_size;\n"
    "static void *(*volatile f_reallocarray)(void *, size_t, size_t) = reallocarray;\n\n";

static void emit_knobs(FILE *f, const fz_profile *P)
{
    fprintf(f, "/* What the kit found in LIB (functions not there are not called) */\n");
    fprintf(f, "#define HAVE_ALIGNED_ALLOC %d\n#define HAVE_POSIX_MEMALIGN %d\n#define HAVE_MEMALIGN "
               "%d\n#define HAVE_USABLE %d\n#define HAVE_REALLOCARRAY %d\n",
            KIT.aligned_alloc != NULL, KIT.posix_memalign != NULL, KIT.memalign != NULL,
            KIT.usable != NULL, KIT.reallocarray != NULL);
    fprintf(f, "/* The profile (%s): implementation-defined choices */\n", P->name);
    fprintf(f, "#define P_MALLOC0_NONNULL %d\n#define P_REALLOC0 %d /* 0 frees p, NULL; 1 new "
               "block; 2 either */\n#define P_AA_BAD_MAY_SUCCEED %d\n#define P_AA_SIZE_MULTIPLE "
               "%d\n#define P_CHECK_ERRNO %d\n#define P_FREE_KEEPS_ERRNO %d\n#define P_USE_SLACK %d\n\n",
            P->malloc0 == FZ_NONNULL,
            P->realloc0 == FZ_R0_FREES_NULL ? 0 : P->realloc0 == FZ_R0_NEW_BLOCK ? 1 : 2,
            P->aligned_bad == FZ_MAY_SUCCEED, P->aligned_size_multiple, P->errno_enomem,
            P->free_keeps_errno, P->use_slack);
}

/* Copy the text between "/ * @<tag> * /" and "/ * @end * /" of the battery source. */
static bool emit_block(FILE *f, const char *tag)
{
    char open[80];
    snprintf(open, sizeof open, "/* @%s */\n", tag);
    const char *s = strstr(conform_cases_text, open);
    if (!s)
        return false;
    s += strlen(open);
    const char *e = strstr(s, "/* @end */");
    if (!e)
        return false;
    fwrite(s, 1, (size_t)(e - s), f);
    return true;
}

static bool emit_battery_repro(const char *path, size_t ci, const case_finding *F)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    char what[128];
    snprintf(what, sizeof what, "Battery case \"%s\" (fuzz/conform_cases.h), verbatim.",
             CASES[ci].name);
    emit_header_comment(f, what, F->rule, F->first);
    fputs(API_PRELUDE, f);
    emit_knobs(f, &g_prof);
    fputs("#define MALLOC(n) f_malloc(n)\n#define CALLOC(n, s) f_calloc((n), (s))\n"
          "#define REALLOC(p, n) f_realloc((p), (n))\n#define FREE(p) f_free(p)\n"
          "#define ALIGNED_ALLOC(a, n) f_aligned_alloc((a), (n))\n"
          "#define POSIX_MEMALIGN(pp, a, n) f_posix_memalign((pp), (a), (n))\n"
          "#define MEMALIGN(a, n) f_memalign((a), (n))\n#define USABLE(p) f_usable(p)\n"
          "#define REALLOCARRAY(p, n, s) f_reallocarray((p), (n), (s))\n"
          "static int cf_found;\n"
          "#define FINDING(rule, ...) (fprintf(stderr, \"REPRODUCED: rule %s: \", rule), "
          "fprintf(stderr, __VA_ARGS__), fputc('\\n', stderr), cf_found = 1)\n"
          "#define NOTE(...) (fprintf(stderr, \"note: \"), fprintf(stderr, __VA_ARGS__), "
          "fputc('\\n', stderr))\n#define OBSERVE(key, value) ((void)(value))\n\n",
          f);
    char tag[64];
    snprintf(tag, sizeof tag, "case %s", CASES[ci].name);
    bool ok = emit_block(f, "common") && emit_block(f, tag);
    /* the case's function name: case_ + name with '-' -> '_' */
    char fname[64];
    snprintf(fname, sizeof fname, "case_%s", CASES[ci].name);
    for (char *c = fname; *c; c++)
        if (*c == '-')
            *c = '_';
    fprintf(f, "\nint main(void)\n{\n    %s();\n    if (!cf_found)\n        printf(\"not "
               "reproduced: every rule held\\n\");\n    return cf_found;\n}\n", fname);
    return fclose(f) == 0 && ok;
}

/* ---- Rule mapping and the fuzz phase -------------------------------------------------------- */

static fz_profile f_prof;     /* the profile of the fuzz phase (observations, ALLOW applied) */
static fz_api F_API;
static fz_lane lane;
static jmp_buf jb;
static fz_failure failure;
static fz_op last_op;
static bool have_last_op;

/* Recording of executed ops (for the C emitter). */
static fz_op *rec_ops;
static size_t *rec_idx;
static size_t rec_n, rec_cap;
static bool recording;

static void on_trace(size_t index, const fz_op *op, void *ctx)
{
    (void)ctx;
    last_op = *op;
    have_last_op = true;
    if (!recording)
        return;
    if (rec_n == rec_cap) {
        rec_cap = rec_cap ? 2 * rec_cap : 1024;
        rec_ops = realloc(rec_ops, rec_cap * sizeof *rec_ops);
        rec_idx = realloc(rec_idx, rec_cap * sizeof *rec_idx);
        if (!rec_ops || !rec_idx)
            abort();
    }
    rec_ops[rec_n] = *op;
    rec_idx[rec_n] = index;
    rec_n++;
}

static void on_fail(const fz_failure *f)
{
    failure = *f;
    longjmp(jb, 1);
}

/* The kit's rule for an executor failure. */
static const char *kit_rule(const fz_failure *f)
{
    const char *r = f->rule;
    if (!strcmp(r, "errno")) {
        if (have_last_op && last_op.code == FZ_OP_ALIGNED &&
            (last_op.a == 0 || (last_op.a & (last_op.a - 1)) != 0))
            return "aa-align";
        return "nomem";
    }
    if (!strcmp(r, "contents") && strstr(f->detail, "failed realloc"))
        return "realloc-fail";
    const rule_info *ri = rule_find(r);
    return ri ? ri->id : r;
}

static void setup_fuzz_profile(void)
{
    f_prof = g_prof;
    f_prof.full_align = false; /* the C23 rule (ops.c: aligned for any object that fits) */
    if (obs_malloc0_null == 1 && f_prof.malloc0 == FZ_NONNULL)
        f_prof.malloc0 = FZ_NULL_OK_EITHER;
    if (obs_realloc0_block == 1 && f_prof.realloc0 == FZ_R0_FREES_NULL)
        f_prof.realloc0 = FZ_R0_EITHER;
    if (obs_realloc0_block == 0 && f_prof.realloc0 == FZ_R0_NEW_BLOCK)
        f_prof.realloc0 = FZ_R0_EITHER;
    if (is_allowed("nomem"))
        f_prof.errno_enomem = false;
    if (is_allowed("free-errno"))
        f_prof.free_keeps_errno = false;
    if (is_allowed("aa-align"))
        f_prof.aligned_bad = FZ_MAY_SUCCEED;
    if (is_allowed("malloc0"))
        f_prof.malloc0 = FZ_NULL_OK_EITHER;
    if (is_allowed("realloc0"))
        f_prof.realloc0 = FZ_R0_EITHER;
    memset(&F_API, 0, sizeof F_API);
    F_API.name = lib_base;
    F_API.malloc = KIT.malloc;
    F_API.free = KIT.free;
    F_API.calloc = KIT.calloc;
    F_API.realloc = KIT.realloc;
    F_API.aligned_alloc = KIT.aligned_alloc;
    F_API.posix_memalign = KIT.posix_memalign;
    F_API.usable_size = KIT.usable;
}

/* Run one program on the lane; returns NULL when every rule held, else the kit rule (and
 * `failure` has the details). Live blocks are freed after a failure (the program is over). */
static const char *run_program(const uint8_t *data, size_t len, size_t *ops)
{
    fz_lane_init(&lane, &F_API, &f_prof);
    fz_run_opts o = { .trace = on_trace, .final_state = false };
    fz_set_fail_handler(on_fail);
    have_last_op = false;
    if (setjmp(jb) == 0) {
        size_t n = fz_run(&lane, 1, data, len, &o);
        if (ops)
            *ops = n;
        return NULL;
    }
    if (ops)
        *ops = failure.op_index + 1;
    const char *r = kit_rule(&failure);
    if (strcmp(r, "unique") && strcmp(r, "contents") && strcmp(r, "realloc-keep"))
        for (unsigned s = 0; s < FZ_SLOTS; s++)
            if (lane.slot[s].live && lane.slot[s].p) {
                KIT.free(lane.slot[s].p);
                lane.slot[s].live = false;
            }
    return r;
}

/* ---- The generator -------------------------------------------------------------------------- */

static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static unsigned below(unsigned n) { return (unsigned)(rnd() % n); }

#define GEN_ARENA (fz_arena_choices[0])

/* A size selector: small, medium, boundary (at most ~1 MiB), or impossible (>= 2^62). Never the
 * table's gigabyte entries (46-51, 61-62): a real allocator would map and the executor fill them. */
static void gen_size(fz_writer *w, bool allow_huge)
{
    unsigned k = below(100);
    if (k < 35)
        fz_w_byte(w, (uint8_t)below(64));
    else if (k < 65)
        fz_w_size(w, 64 + below(0x4000 - 64), GEN_ARENA);
    else if (k < 88)
        fz_w_size_table(w, below(46));
    else if (k < 95 || !allow_huge)
        fz_w_size(w, 0x4000 + below(300000), GEN_ARENA);
    else
        fz_w_size_table(w, 52 + below(9));
}

static void gen_align(fz_writer *w)
{
    unsigned k = below(100);
    if (k < 75)
        fz_w_byte(w, (uint8_t)below(13));          /* 1 .. 4096 */
    else if (k < 80)
        fz_w_byte(w, (uint8_t)(13 + below(8)));    /* 8 KiB .. 1 MiB */
    else {
        unsigned i = below(16);                    /* bad-alignment table, minus 2^63 */
        if (i == 13)
            i = 0;
        fz_w_byte(w, (uint8_t)(0x40 + i));
    }
}

static uint8_t *gen_program(unsigned long long seed, unsigned long long k, size_t *len)
{
    rng_state = seed * 0x100000001B3ull ^ (k + 1) * 0x9E3779B97F4A7C15ull;
    (void)rnd();
    fz_writer w = { 0 };
    fz_w_header(&w, 0);
    unsigned nops = 8 + below(120);
    unsigned hot = 2 + below(14); /* slots in use: few slots, more interaction */
    for (unsigned i = 0; i < nops; i++) {
        unsigned s = below(hot), r = below(100);
        if (r < 20) {
            fz_w_op(&w, FZ_OP_MALLOC, s);
            gen_size(&w, true);
        } else if (r < 30) {
            fz_w_op(&w, FZ_OP_CALLOC, s);
            if (below(100) < 85) {
                fz_w_byte(&w, (uint8_t)below(64));
                fz_w_size(&w, below(4) ? below(512) : below(0x4000), GEN_ARENA);
            } else {
                /* table indices (0x40 + i) or literals (< 0x40); a product that overflows
                 * wraps to a tiny size (a calloc without the check must not touch gigabytes) */
                static const uint8_t pairs[][2] = {
                    { 0x40 + 58, 2 },       { 0x40 + 60, 0x40 + 60 }, { 0x40 + 54, 1 },
                    { 0x40 + 47, 0x40 + 49 }, { 0x40 + 55, 2 },       { 2, 0x40 + 60 },
                    { 0x40 + 59, 3 },       { 0x40 + 48, 0x40 + 50 }, { 0x40 + 58, 0x40 + 58 },
                };
                unsigned p = below(sizeof pairs / sizeof pairs[0]);
                fz_w_byte(&w, pairs[p][0]);
                fz_w_byte(&w, pairs[p][1]);
            }
        } else if (r < 45) {
            fz_w_op(&w, FZ_OP_REALLOC, s);
            gen_size(&w, true);
        } else if (r < 51) {
            fz_w_op(&w, FZ_OP_ALIGNED, s);
            gen_align(&w);
            gen_size(&w, true);
        } else if (r < 57) {
            fz_w_op(&w, FZ_OP_MEMALIGN, s);
            gen_align(&w);
            gen_size(&w, true);
        } else if (r < 72) {
            fz_w_op(&w, FZ_OP_FREE, s);
        } else if (r < 77) {
            fz_w_op(&w, FZ_OP_USABLE, s);
        } else if (r < 87) {
            fz_w_op(&w, FZ_OP_WRITE, s);
            fz_w_byte(&w, (uint8_t)below(2));
        } else if (r < 90) {
            fz_w_op(&w, FZ_OP_VERIFY, s);
        } else if (r < 92) {
            fz_w_op(&w, FZ_OP_CHECK, s);
            fz_w_byte(&w, 0);
        } else if (r < 95) {
            fz_w_op(&w, FZ_OP_FILL, s);
            if (below(2))
                fz_w_byte(&w, (uint8_t)below(64));
            else
                fz_w_size(&w, 64 + below(5000), GEN_ARENA);
        } else {
            fz_w_op(&w, FZ_OP_FREEMANY, s);
            fz_w_byte(&w, (uint8_t)rnd());
            fz_w_byte(&w, (uint8_t)rnd());
        }
    }
    *len = w.len;
    return w.buf;
}

/* ---- The C emitter for op programs (plain C API) -------------------------------------------- */

static const char *FUZZ_PRELUDE =
    "#define PD_MAX ((size_t)PTRDIFF_MAX)\n"
    "static unsigned char *p[16];\n"
    "static size_t req[16], filled[16], usable[16];\n"
    "static unsigned char tag[16], gen[16], live[16];\n"
    "static long op = -1;\n\n"
    "static void fail(const char *rule, const char *fmt, ...)\n{\n"
    "    va_list ap;\n"
    "    fprintf(stderr, \"REPRODUCED: rule %s at op #%ld: \", rule, op);\n"
    "    va_start(ap, fmt);\n    vfprintf(stderr, fmt, ap);\n    va_end(ap);\n"
    "    fputc('\\n', stderr);\n    exit(1);\n}\n"
    "/* the fuzz suite's fill pattern (fz_pattern_byte) */\n"
    "static unsigned char pat(unsigned t, size_t i)\n{\n"
    "    uint32_t j = t + (uint32_t)(i & 255u);\n"
    "    return (unsigned char)((j * 2654435761u) >> 24);\n}\n"
    "static void fill(int s, size_t from, size_t to)\n{\n"
    "    for (size_t i = from; i < to; i++)\n        p[s][i] = pat(tag[s], i);\n}\n"
    "static void verify(int s, const char *rule)\n{\n"
    "    if (!live[s] || !p[s])\n        return;\n"
    "    for (size_t i = 0; i < filled[s]; i++)\n"
    "        if (p[s][i] != pat(tag[s], i))\n"
    "            fail(rule, \"byte %zu of slot %d's %zu-byte block at %p changed (0x%02x, expected "
    "0x%02x)\",\n                 i, s, req[s], (void *)p[s], p[s][i], pat(tag[s], i));\n}\n"
    "static void verify_all(void)\n{\n    for (int s = 0; s < 16; s++)\n"
    "        verify(s, \"contents\");\n}\n"
    "static int pow2(size_t a) { return a != 0 && (a & (a - 1)) == 0; }\n"
    "static void next_tag(int s)\n{\n    gen[s]++;\n"
    "    tag[s] = (unsigned char)(s * 16 + (gen[s] & 15));\n}\n"
    "static void expect_errno(int got, int want, int alt, const char *rule, const char *what)\n{\n"
    "    if (P_CHECK_ERRNO && got != want && got != alt)\n"
    "        fail(rule, \"%s failed with errno %d, expected %d\", what, got, want);\n}\n"
    "/* a block arrived for slot s: alignment (C23 rule), no overlap, usable size */\n"
    "static void accept(int s, unsigned char *q, size_t n, size_t align)\n{\n"
    "    size_t need = 1;\n    while (need < 16 && need * 2 <= n)\n        need *= 2;\n"
    "    if (pow2(align) && align > need)\n        need = align;\n"
    "    if ((uintptr_t)q % need)\n"
    "        fail(\"align\", \"block %p of %zu bytes is not aligned to %zu\", (void *)q, n, need);\n"
    "    size_t e = n ? n : 1;\n"
    "    for (int k = 0; k < 16; k++) {\n"
    "        size_t f = req[k] ? req[k] : 1;\n"
    "        if (k != s && live[k] && p[k] && (uintptr_t)q < (uintptr_t)p[k] + f &&\n"
    "            (uintptr_t)p[k] < (uintptr_t)q + e)\n"
    "            fail(\"unique\", \"new block %p (%zu bytes) overlaps live block s%d %p (%zu bytes)\",\n"
    "                 (void *)q, n, k, (void *)p[k], req[k]);\n    }\n"
    "    usable[s] = 0;\n"
    "    if (HAVE_USABLE) {\n        usable[s] = f_usable(q);\n"
    "        if (usable[s] < n)\n"
    "            fail(\"usable\", \"usable size %zu below the request %zu\", usable[s], n);\n    }\n"
    "    p[s] = q;\n    req[s] = n;\n    live[s] = 1;\n}\n"
    "static void drop(int s)\n{\n    p[s] = NULL;\n    req[s] = filled[s] = usable[s] = 0;\n"
    "    live[s] = 0;\n}\n"
    "static void do_free(int s)\n{\n    verify(s, \"contents\");\n"
    "    void *q = live[s] ? p[s] : NULL;\n    errno = 4242;\n    f_free(q);\n"
    "    if (P_FREE_KEEPS_ERRNO && errno != 4242)\n"
    "        fail(\"free-errno\", \"free(%p) changed errno to %d\", q, errno);\n"
    "    if (live[s])\n        drop(s);\n}\n"
    "/* kind: 0 malloc(a), 1 calloc(a, b), 2 aligned_alloc(a, b), 3 posix_memalign(&p, a, b) */\n"
    "static void do_alloc(int kind, int s, size_t a, size_t b)\n{\n"
    "    static const char *const what[] = { \"malloc\", \"calloc\", \"aligned_alloc\", "
    "\"posix_memalign\" };\n"
    "    size_t n = a, align = 16;\n    int ovf = 0, bad = 0, odd = 0, ret = 0, err;\n"
    "    unsigned char *q = NULL;\n"
    "    if (kind == 1) {\n        ovf = b != 0 && a > SIZE_MAX / b;\n"
    "        n = ovf ? SIZE_MAX : a * b;\n    }\n"
    "    if (kind >= 2) {\n        align = a;\n        n = b;\n"
    "        bad = kind == 2 ? !pow2(align) : (!pow2(align) || align % sizeof(void *) != 0);\n"
    "        odd = kind == 2 && !bad && n % align != 0;\n    }\n"
    "    int huge = ovf || n > PD_MAX;\n    errno = 0;\n"
    "    if (kind == 0)\n        q = f_malloc(n);\n"
    "    else if (kind == 1)\n        q = f_calloc(a, b);\n"
    "    else if (kind == 2)\n        q = f_aligned_alloc(align, n);\n"
    "    else {\n        void *out = (void *)&p[s];\n"
    "        ret = f_posix_memalign(&out, align, n);\n"
    "        if (ret != 0 && out != (void *)&p[s])\n"
    "            fail(\"pm-align\", \"posix_memalign failed (%d) but changed its output to %p\", ret, out);\n"
    "        if (ret == 0) {\n            q = out;\n"
    "            if (!q && n != 0)\n"
    "                fail(\"pm-align\", \"posix_memalign returned 0 and NULL\");\n        }\n    }\n"
    "    err = kind == 3 ? ret : errno;\n"
    "    if (!q) {\n"
    "        if (kind == 3 && ret == 0) {\n"
    "            if (P_MALLOC0_NONNULL)\n"
    "                fail(\"malloc0\", \"posix_memalign(&p, %zu, 0) gave NULL\", align);\n"
    "            return;\n        }\n"
    "        if (bad) {\n"
    "            if (kind == 3 && ret != EINVAL)\n"
    "                fail(\"pm-align\", \"posix_memalign with alignment %zu returned %d, not EINVAL\", align, ret);\n"
    "            if (kind == 2)\n"
    "                expect_errno(err, EINVAL, huge || P_AA_BAD_MAY_SUCCEED ? ENOMEM : EINVAL, \"aa-align\", what[kind]);\n"
    "            return;\n        }\n"
    "        if (huge) {\n"
    "            expect_errno(err, ENOMEM, odd && P_AA_SIZE_MULTIPLE ? EINVAL : ENOMEM, \"nomem\", what[kind]);\n"
    "            return;\n        }\n"
    "        if (odd && P_AA_SIZE_MULTIPLE && err == EINVAL)\n            return;\n"
    "        if (n == 0 && !P_MALLOC0_NONNULL)\n            return;\n"
    "        expect_errno(err, ENOMEM, ENOMEM, \"nomem\", what[kind]);\n        return;\n    }\n"
    "    if (huge)\n"
    "        fail(ovf ? \"calloc-ovf\" : \"huge\", \"%s of %s bytes succeeded (%p); it must fail\", what[kind],\n"
    "             ovf ? \"an overflowing product of\" : \"more than PTRDIFF_MAX\", (void *)q);\n"
    "    if (bad && kind == 3)\n        fail(\"pm-align\", \"posix_memalign accepted alignment %zu\", align);\n"
    "    if (bad && !P_AA_BAD_MAY_SUCCEED)\n"
    "        fail(\"aa-align\", \"aligned_alloc accepted alignment %zu (must fail with EINVAL)\", align);\n"
    "    accept(s, q, n, bad ? 16 : align);\n"
    "    if (kind == 1)\n        for (size_t i = 0; i < n; i++)\n            if (q[i])\n"
    "                fail(\"calloc-zero\", \"byte %zu of calloc(%zu, %zu) is 0x%02x\", i, a, b, q[i]);\n"
    "    next_tag(s);\n    filled[s] = n;\n    fill(s, 0, n);\n}\n"
    "static void do_realloc(int s, size_t n)\n{\n    int huge = n > PD_MAX, err;\n"
    "    unsigned char *q;\n"
    "    if (!live[s]) {\n        errno = 0;\n        q = f_realloc(NULL, n);\n        err = errno;\n"
    "        if (!q) {\n            if (n == 0 && !P_MALLOC0_NONNULL)\n                return;\n"
    "            expect_errno(err, ENOMEM, ENOMEM, \"nomem\", \"realloc(NULL, n)\");\n"
    "            return;\n        }\n"
    "        if (huge)\n            fail(\"huge\", \"realloc(NULL, %zu) succeeded\", n);\n"
    "        accept(s, q, n, 16);\n        next_tag(s);\n        filled[s] = n;\n"
    "        fill(s, 0, n);\n        return;\n    }\n"
    "    verify(s, \"contents\");\n"
    "    unsigned char *old = p[s], oldtag = tag[s];\n    size_t oldfilled = filled[s];\n"
    "    errno = 0;\n    q = f_realloc(old, n);\n    err = errno;\n"
    "    if (n == 0 && !huge) {\n"
    "        if (P_REALLOC0 == 0 && q)\n"
    "            fail(\"realloc0\", \"realloc(p, 0) returned %p; the profile says it frees p and returns NULL\", (void *)q);\n"
    "        if (!q && P_REALLOC0 != 1) {\n            drop(s);\n            return;\n        }\n    }\n"
    "    if (!q) {\n        verify(s, \"realloc-fail\"); /* a failed realloc keeps the block */\n"
    "        expect_errno(err, ENOMEM, ENOMEM, \"nomem\", \"realloc\");\n        return;\n    }\n"
    "    if (huge)\n        fail(\"huge\", \"realloc(p, %zu) succeeded\", n);\n"
    "    live[s] = 0;\n    accept(s, q, n, 16);\n"
    "    size_t keep = oldfilled < n ? oldfilled : n;\n"
    "    for (size_t i = 0; i < keep; i++)\n        if (q[i] != pat(oldtag, i))\n"
    "            fail(\"realloc-keep\", \"realloc %p -> %p (%zu bytes): byte %zu of the %zu kept bytes differs\",\n"
    "                 (void *)old, (void *)q, n, i, keep);\n"
    "    tag[s] = oldtag;\n    filled[s] = n;\n    if (n > keep)\n        fill(s, keep, n);\n}\n"
    "static void do_usable(int s)\n{\n    if (!HAVE_USABLE)\n        return;\n"
    "    if (!live[s]) {\n        size_t u = f_usable(NULL);\n"
    "        if (u)\n            fail(\"usable-null\", \"malloc_usable_size(NULL) = %zu\", u);\n"
    "        return;\n    }\n    size_t u = f_usable(p[s]);\n"
    "    if (u < req[s])\n        fail(\"usable\", \"usable size %zu below the request %zu\", u, req[s]);\n"
    "    usable[s] = u;\n}\n"
    "static void do_write(int s, int slack)\n{\n    if (!live[s] || !p[s])\n        return;\n"
    "    verify(s, \"contents\");\n    next_tag(s);\n"
    "    filled[s] = slack && P_USE_SLACK && usable[s] > req[s] ? usable[s] : req[s];\n"
    "    fill(s, 0, filled[s]);\n}\n"
    "static void finish(void)\n{\n    for (int s = 0; s < 16; s++)\n        if (live[s])\n"
    "            do_free(s);\n}\n"
    "/* A used heap, as in the kit's process: blocks of many sizes written and freed, so that\n"
    " * recycled memory is dirty (it never hides a deviation, and it cannot create one). */\n"
    "static void warm_up(void)\n{\n    void *q[64];\n"
    "    for (int r = 0; r < 4; r++) {\n        for (int i = 0; i < 64; i++) {\n"
    "            size_t n = (size_t)(i < 48 ? 1 + i * 24 * (r + 1) : 4096 * (i - 47));\n"
    "            q[i] = f_malloc(n);\n            if (q[i])\n"
    "                memset(q[i], 0xA5, n);\n        }\n"
    "        for (int i = 0; i < 64; i++)\n            f_free(q[(i * 7 + r) % 64]);\n    }\n}\n\n";

static bool emit_fuzz_repro(const char *path, const char *input, const char *rule,
                            const char *detail)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    char what[PATH_MAX + 64];
    snprintf(what, sizeof what, "Op program %s (fuzz suite operation language), as C calls.",
             input);
    emit_header_comment(f, what, rule, detail);
    fputs(API_PRELUDE, f);
    emit_knobs(f, &f_prof);
    fputs(FUZZ_PRELUDE, f);
    fprintf(f, "int main(void)\n{\n    warm_up();\n");
    for (size_t i = 0; i < rec_n; i++) {
        const fz_op *o = &rec_ops[i];
        char text[160];
        unsigned s = o->slot;
        fprintf(f, "    op = %zu; /* %s */\n", rec_idx[i], fz_op_format(o, text, sizeof text));
        switch (o->code) {
        case FZ_OP_MALLOC: fprintf(f, "    do_alloc(0, %u, %zuu, 0);\n", s, o->a); break;
        case FZ_OP_CALLOC: fprintf(f, "    do_alloc(1, %u, %zuu, %zuu);\n", s, o->a, o->b); break;
        case FZ_OP_ALIGNED:
            if (KIT.aligned_alloc)
                fprintf(f, "    do_alloc(2, %u, %zuu, %zuu);\n", s, o->a, o->b);
            break;
        case FZ_OP_MEMALIGN:
            if (KIT.posix_memalign)
                fprintf(f, "    do_alloc(3, %u, %zuu, %zuu);\n", s, o->a, o->b);
            break;
        case FZ_OP_REALLOC: fprintf(f, "    do_realloc(%u, %zuu);\n", s, o->a); break;
        case FZ_OP_FREE: fprintf(f, "    do_free(%u);\n", s); break;
        case FZ_OP_USABLE: fprintf(f, "    do_usable(%u);\n", s); break;
        case FZ_OP_WRITE: fprintf(f, "    do_write(%u, %u);\n", s, o->arg & 1u); break;
        default: break; /* verify/check: verify_all() below does it after every op */
        }
        fprintf(f, "    verify_all();\n");
    }
    fprintf(f, "    op = -1; /* the end: free everything */\n    finish();\n"
               "    printf(\"not reproduced: every rule held\\n\");\n    return 0;\n}\n");
    return fclose(f) == 0;
}

/* ---- Replay (also the minimizer's child) ---------------------------------------------------- */

static const char *emit_path_on_crash;

static void emit_on_crash(int sig)
{
    /* best effort (we are dying anyway): the ops recorded so far end with the one that crashed */
    if (emit_path_on_crash)
        emit_fuzz_repro(emit_path_on_crash, opt.replay, "crash",
                        "the allocator crashed (the last operation does not return)");
    signal(sig, SIG_DFL);
    raise(sig);
}

static void observe_choices(void)
{
    /* the implementation-defined choices the fuzz profile adapts to (never findings) */
    run_case(0, true);
    run_case(1, true);
}

static int do_replay(void)
{
    size_t len;
    uint8_t *data = read_file(opt.replay, &len);
    if (!data) {
        fprintf(stderr, "conform: REPLAY=%s: %s\n", opt.replay, strerror(errno));
        return 2;
    }
    observe_choices();
    setup_fuzz_profile();
    recording = opt.emit != NULL;
    if (opt.emit) {
        emit_path_on_crash = opt.emit;
        signal(SIGSEGV, emit_on_crash);
        signal(SIGBUS, emit_on_crash);
        signal(SIGABRT, emit_on_crash);
        signal(SIGFPE, emit_on_crash);
        signal(SIGILL, emit_on_crash);
    }
    size_t ops = 0;
    const char *r = run_program(data, len, &ops);
    if (opt.emit)
        emit_fuzz_repro(opt.emit, opt.replay, r ? r : "none", r ? failure.detail : "none");
    if (opt.child) {
        printf("RULE %s\n", r ? r : "none");
        return r ? 1 : 0;
    }
    if (!r) {
        printf("replay %s: %zu ops, every rule held (%s, %s, profile %s)\n", opt.replay, ops,
               lib_base, mode_used, f_prof.name);
        return 0;
    }
    const rule_info *ri = rule_find(r);
    printf("replay %s: RULE %s violated at op #%zu (slot %u): %s\n  rule: %s\n", opt.replay, r,
           failure.op_index, failure.slot, failure.detail, ri ? ri->sentence : r);
    return 1;
}

/* Run the kit on `path` in a fresh process (same LIB, mode, profile, ALLOW); the rule it broke
 * or "" if none; "crash" when it died. */
static void child_replay(const char *path, char *rule, size_t rlen, const char *emit)
{
    char log[PATH_MAX + 8];
    snprintf(log, sizeof log, "%s.log", path);
    char a_lib[PATH_MAX + 8], a_prof[64], a_allow[1100], a_rep[PATH_MAX + 16], a_emit[PATH_MAX + 8],
        a_mode[32];
    snprintf(a_lib, sizeof a_lib, "LIB=%s", lib_real[0] ? lib_real : opt.lib);
    snprintf(a_prof, sizeof a_prof, "PROFILE=%s", opt.profile);
    snprintf(a_allow, sizeof a_allow, "ALLOW=%s", opt.allow);
    snprintf(a_rep, sizeof a_rep, "REPLAY=%s", path);
    snprintf(a_emit, sizeof a_emit, "EMIT=%s", emit ? emit : "");
    snprintf(a_mode, sizeof a_mode, "MODE=%s", strcmp(mode_used, "preload") ? "dlopen" : "preload");
    char *argv[] = { "/proc/self/exe", "--child", a_lib, a_prof, a_allow, a_rep, a_mode,
                     emit ? a_emit : NULL, NULL };
    /* keep LD_PRELOAD as it is in this process (preload mode: LIB) */
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        alarm(60);
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    rule[0] = 0;
    if (WIFSIGNALED(st)) {
        snprintf(rule, rlen, "crash");
        return;
    }
    size_t n;
    char *text = (char *)read_file(log, &n);
    if (!text)
        return;
    char *t = realloc(text, n + 1);
    if (!t) {
        free(text);
        return;
    }
    text = t;
    text[n] = 0;
    char *hit = strstr(text, "RULE ");
    if (hit) {
        hit += 5;
        size_t k = strcspn(hit, "\n ");
        if (strncmp(hit, "none", k) != 0)
            snprintf(rule, rlen, "%.*s", (int)k, hit);
    }
    free(text);
}

/* ---- Minimization ---------------------------------------------------------------------------- */

typedef struct {
    size_t off, len;
} op_span;

static size_t split_ops(const uint8_t *data, size_t len, op_span **out)
{
    fz_reader r;
    fz_reader_init(&r, data, len, GEN_ARENA);
    fz_op op;
    size_t n = 0, cap = 64;
    op_span *v = malloc(cap * sizeof *v);
    while (v && fz_next(&r, &op)) {
        if (n == cap) {
            op_span *nv = realloc(v, (cap *= 2) * sizeof *v);
            if (!nv) {
                free(v);
                return 0;
            }
            v = nv;
        }
        v[n].off = op.offset;
        v[n].len = 0;
        if (n)
            v[n - 1].len = op.offset - v[n - 1].off;
        n++;
    }
    if (n)
        v[n - 1].len = r.pos > len ? len - v[n - 1].off : r.pos - v[n - 1].off;
    *out = v;
    return n;
}

static size_t build(const uint8_t *data, const op_span *ops, const bool *keep, size_t n,
                    uint8_t *buf)
{
    size_t len = 0;
    buf[len++] = data[0];
    for (size_t i = 0; i < n; i++)
        if (keep[i]) {
            memcpy(buf + len, data + ops[i].off, ops[i].len);
            len += ops[i].len;
        }
    return len;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Delta debugging over the ops of `data`: drop chunks while the same rule still breaks in a
 * fresh process. Writes the result to `path`; returns its op count. */
static size_t minimize(const uint8_t *data, size_t len, const char *rule, const char *path,
                       unsigned *runs)
{
    op_span *ops = NULL;
    size_t n = split_ops(data, len, &ops);
    bool *keep = malloc(n * sizeof *keep), *trial = malloc(n * sizeof *trial);
    uint8_t *buf = malloc(len + 1);
    char tmp[PATH_MAX + 16], got[64];
    path_cat(tmp, sizeof tmp, path, ".try");
    if (!ops || !keep || !trial || !buf)
        abort();
    for (size_t i = 0; i < n; i++)
        keep[i] = true;
    size_t live = n, chunks = 2;
    double t0 = now();
    *runs = 0;
    while (live >= 1 && now() - t0 < opt.min_seconds) {
        size_t csize = (live + chunks - 1) / chunks;
        bool reduced = false;
        for (size_t c = 0; c < chunks && !reduced && now() - t0 < opt.min_seconds; c++) {
            /* drop the c-th chunk of the kept ops */
            size_t seen = 0;
            for (size_t i = 0; i < n; i++) {
                trial[i] = keep[i];
                if (keep[i]) {
                    if (seen / csize == c)
                        trial[i] = false;
                    seen++;
                }
            }
            size_t blen = build(data, ops, trial, n, buf);
            write_file(tmp, buf, blen);
            child_replay(tmp, got, sizeof got, NULL);
            (*runs)++;
            if (!strcmp(got, rule)) {
                memcpy(keep, trial, n * sizeof *keep);
                live -= csize < live ? csize : live;
                reduced = true;
            }
        }
        if (reduced) {
            if (chunks > 2)
                chunks--;
            continue;
        }
        if (chunks >= live)
            break;
        chunks = chunks * 2 < live ? chunks * 2 : live;
    }
    size_t blen = build(data, ops, keep, n, buf);
    write_file(path, buf, blen);
    unlink(tmp);
    char tlog[PATH_MAX + 8];
    path_cat(tlog, sizeof tlog, tmp, ".log");
    unlink(tlog);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        kept += keep[i];
    free(ops);
    free(keep);
    free(trial);
    free(buf);
    return kept;
}

/* ---- Reporting ------------------------------------------------------------------------------- */

typedef struct {
    char rule[32];
    unsigned long long count;
    char first[400];
} allowed_hit;
/* State the fuzz phase shares between the kit and the forked child that runs the programs (a
 * crash of the allocator kills the child, not the kit: the kit reports it, or with ALLOW=crash
 * starts a new child at the next program). */
typedef struct {
    unsigned long long k, next_k, programs, total_ops, findings;
    unsigned n_allowed;
    allowed_hit hits[32];
    char first_rule[32], first_sentence[600];
} shared_state;
static shared_state SH_FALLBACK;
static shared_state *SH = &SH_FALLBACK;
#define ALLOWED_HITS (SH->hits)
#define n_allowed_hits (SH->n_allowed)

static void note_allowed(const char *rule, const char *where)
{
    unsigned k;
    for (k = 0; k < n_allowed_hits; k++)
        if (!strcmp(ALLOWED_HITS[k].rule, rule))
            break;
    if (k == n_allowed_hits) {
        if (k == 32)
            return;
        n_allowed_hits++;
        snprintf(ALLOWED_HITS[k].rule, sizeof ALLOWED_HITS[k].rule, "%s", rule);
        snprintf(ALLOWED_HITS[k].first, sizeof ALLOWED_HITS[k].first, "%s", where);
    }
    ALLOWED_HITS[k].count++;
}

static unsigned long long allowed_total(void)
{
    unsigned long long t = 0;
    for (unsigned k = 0; k < n_allowed_hits; k++)
        t += ALLOWED_HITS[k].count;
    return t;
}

static void print_rule_line(const char *rule)
{
    const rule_info *r = rule_find(rule);
    printf("  rule R-%s: %s\n", r ? r->id : rule, r ? r->sentence : "(no description)");
}

static void options_string(char *buf, size_t len)
{
    snprintf(buf, len, "LIB=%s MODE=%s PROFILE=%s%s%s", lib_real[0] ? lib_real : "system",
             !strcmp(mode_used, "preload") ? "preload" : "dlopen", opt.profile,
             opt.allow[0] ? " ALLOW=" : "", opt.allow);
    if (!lib_real[0])
        snprintf(buf, len, "LIB=system PROFILE=%s%s%s", opt.profile,
                 opt.allow[0] ? " ALLOW=" : "", opt.allow);
}

static void print_profile(const fz_profile *P, const char *title)
{
    printf("%s %s: malloc(0) %s; realloc(p, 0) %s; aligned_alloc with a bad alignment %s%s; "
           "errno checked %s; free keeps errno %s; program uses usable-size slack %s; "
           "alignment rule C23 (min(16, largest power of two <= size))\n",
           title, P->name, P->malloc0 == FZ_NONNULL ? "unique pointer" : "NULL or unique",
           P->realloc0 == FZ_R0_FREES_NULL ? "frees p, returns NULL"
           : P->realloc0 == FZ_R0_NEW_BLOCK ? "returns a new block"
                                            : "NULL (p freed) or a new block",
           P->aligned_bad == FZ_MAY_SUCCEED ? "may succeed (rounded up, glibc < 2.38)"
                                            : "must fail (EINVAL)",
           P->aligned_size_multiple ? "; size not a multiple of the alignment may give EINVAL" : "",
           P->errno_enomem ? "yes" : "no", P->free_keeps_errno ? "yes" : "no",
           P->use_slack ? "yes" : "no");
}

/* Minimize `input` for `rule`, write it and its C reproducer next to `stem`, confirm the
 * reproducer against LIB and print the lot. */
static void finish_finding(const uint8_t *input, size_t ilen, const char *rule, const char *stem)
{
    char minp[PATH_MAX + 16], cpath[PATH_MAX + 16], got[64];
    snprintf(minp, sizeof minp, "%s.min.bin", stem);
    unsigned runs = 0;
    double tm = now();
    size_t kept = minimize(input, ilen, rule, minp, &runs);
    printf("  minimized: %zu ops (%u fresh-process replays, %.1f s)\n", kept, runs, now() - tm);
    printf("  minimized input: %s\n", minp);
    char opts[PATH_MAX * 2];
    options_string(opts, sizeof opts);
    printf("  replay: fuzz/conform %s REPLAY=%s\n", opts, minp);
    snprintf(cpath, sizeof cpath, "%s.c", stem);
    child_replay(minp, got, sizeof got, cpath);
    char line[300], cmd[PATH_MAX * 4];
    int conf = confirm_repro(cpath, rule, line, sizeof line);
    repro_cmd(cmd, sizeof cmd, cpath);
    printf("  C reproducer: %s\n  run: %s\n  %s: %s\n", cpath, cmd,
           conf == 1 ? "confirmed" : conf == 0 ? "NOT reproduced" : "did not build", line);
    /* the program part of the reproducer, for the reader */
    size_t n;
    char *text = (char *)read_file(cpath, &n);
    char *t = text ? realloc(text, n + 1) : NULL;
    if (t) {
        t[n] = 0;
        char *m = strstr(t, "int main(void)");
        if (m && strlen(m) < 6000)
            printf("  --- %s (main) ---\n%s", cpath, m);
        free(t);
    } else {
        free(text);
    }
}

/* REPLAY=file MINIMIZE=1: what does the file break (in a fresh process; "crash" included)?
 * Minimize it for that rule and write the C reproducer. */
static int replay_minimize(void)
{
    size_t len;
    uint8_t *data = read_file(opt.replay, &len);
    char got[64];
    if (!data) {
        fprintf(stderr, "conform: REPLAY=%s: %s\n", opt.replay, strerror(errno));
        return 2;
    }
    mkdirs(opt.out);
    child_replay(opt.replay, got, sizeof got, NULL);
    if (!got[0]) {
        printf("replay %s: every rule held in a fresh process; nothing to minimize\n", opt.replay);
        return 0;
    }
    printf("replay %s: RULE %s\n", opt.replay, got);
    print_rule_line(got);
    char stem[PATH_MAX];
    const char *b = strrchr(opt.replay, '/');
    snprintf(stem, sizeof stem, "%s/%.*s-min-%s", opt.out,
             (int)strcspn(b ? b + 1 : opt.replay, "."), b ? b + 1 : opt.replay, got);
    finish_finding(data, len, got, stem);
    free(data);
    return 1;
}

/* A finding of the fuzz phase in program k: does it reproduce on its own in a fresh process?
 * (else with the programs before it prepended), then minimize, write, emit, confirm. */
static void process_finding(unsigned long long k, const char *rule, const uint8_t *prog,
                            size_t plen)
{
    char raw[PATH_MAX], got[64];
    snprintf(raw, sizeof raw, "%s/%s-%s-seed%llu-prog%llu.bin", opt.out, lib_base, rule, opt.seed,
             k);
    write_file(raw, prog, plen);
    child_replay(raw, got, sizeof got, NULL);
    uint8_t *input = (uint8_t *)prog;
    size_t ilen = plen;
    if (strcmp(got, rule)) {
        printf("  program %llu alone does not reproduce it in a fresh process (%s); trying it "
               "after the programs before it\n", k, got[0] ? got : "no rule broke");
        static const unsigned long long windows[] = { 8, 64, 512, 2000 };
        for (unsigned wi = 0; wi < 4 && strcmp(got, rule); wi++) {
            unsigned long long from = k > windows[wi] ? k - windows[wi] : 0;
            fz_writer w = { 0 };
            fz_w_header(&w, 0);
            for (unsigned long long j = from; j <= k; j++) {
                size_t l;
                uint8_t *pj = gen_program(opt.seed, j, &l);
                for (size_t b = 1; b < l; b++)
                    fz_w_byte(&w, pj[b]);
                free(pj);
                if (j < k) { /* the end of a program: every slot freed */
                    fz_w_op(&w, FZ_OP_FREEMANY, 0);
                    fz_w_byte(&w, 0xff);
                    fz_w_byte(&w, 0xff);
                }
            }
            write_file(raw, w.buf, w.len);
            child_replay(raw, got, sizeof got, NULL);
            if (!strcmp(got, rule)) {
                input = w.buf;
                ilen = w.len;
                printf("  reproduces after programs %llu..%llu (%zu bytes)\n", from, k, w.len);
            } else {
                free(w.buf);
            }
            if (from == 0)
                break;
        }
    }
    if (strcmp(got, rule)) {
        write_file(raw, prog, plen);
        printf("  the finding did not reproduce in a fresh process: it depends on the "
               "allocator's state from this run. Program saved: %s\n", raw);
    } else {
        char stem[PATH_MAX];
        snprintf(stem, sizeof stem, "%s/%s-%s-seed%llu", opt.out, lib_base, rule, opt.seed);
        finish_finding(input, ilen, rule, stem);
    }
    if (input != prog)
        free(input);
}

/* The fuzz loop (in the forked child): programs SH->next_k, ... until the time is up or a
 * finding that is not allowed (reported here; exit status 1). */
static int fuzz_loop(double t0)
{
    double next_progress = t0 + 10;
    while (now() >= next_progress)
        next_progress += 10;
    for (unsigned long long k = SH->next_k;; k++) {
        double t = now();
        if (t - t0 >= opt.seconds)
            return 0;
        if (t >= next_progress) {
            printf("conform: %4.0f s: %llu programs, %llu ops, %.0f ops/s, %llu findings, "
                   "%llu allowed\n",
                   t - t0, SH->programs, SH->total_ops, (double)SH->total_ops / (t - t0),
                   SH->findings, allowed_total());
            next_progress += 10;
        }
        size_t plen, ops = 0;
        uint8_t *prog = gen_program(opt.seed, k, &plen);
        SH->k = k;
        const char *hit = run_program(prog, plen, &ops);
        SH->programs++;
        SH->total_ops += ops;
        if (!hit) {
            free(prog);
            continue;
        }
        if (is_allowed(hit)) {
            char where[480];
            snprintf(where, sizeof where, "program %llu op #%zu: %s", k, failure.op_index,
                     failure.detail);
            note_allowed(hit, where);
            free(prog);
            continue;
        }
        SH->findings++;
        fz_failure f0 = failure;
        char rule[32];
        snprintf(rule, sizeof rule, "%s", hit);
        printf("\nFINDING R-%s in program %llu (seed %llu) at op #%zu (slot %u): %s\n", rule, k,
               opt.seed, f0.op_index, f0.slot, f0.detail);
        print_rule_line(rule);
        snprintf(SH->first_rule, sizeof SH->first_rule, "%s", rule);
        snprintf(SH->first_sentence, sizeof SH->first_sentence, "%s", f0.detail);
        process_finding(k, rule, prog, plen);
        free(prog);
        return 1;
    }
}

/* ---- main -------------------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    g_argv = argv;
    parse_args(argc, argv);
    void *shm = mmap(NULL, sizeof(shared_state), PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shm != MAP_FAILED)
        SH = shm; /* else the fuzz child's counters stay invisible: reported as 0 */
    const fz_profile *P = fz_profile_by_name(opt.profile);
    if (!P) {
        fprintf(stderr, "conform: PROFILE=%s: use strict, glibc or musl\n", opt.profile);
        return 2;
    }
    g_prof = *P;
    load_allocator();
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (opt.replay)
        return opt.minimize && !opt.child ? replay_minimize() : do_replay();

    mkdirs(opt.out);
    printf("conform: LIB=%s\n", lib_real[0] ? lib_real : "system (the process's own allocator)");
    const char *dlerr = getenv("CONFORM_DLOPEN_ERROR");
    if (dlerr && *dlerr)
        printf("conform: dlopen failed (%s); fell back to MODE=preload\n", dlerr);
    printf("conform: mode %s\n", mode_used);
    for (unsigned i = 0; i < 9; i++)
        printf("conform:   %-19s %s\n", SYMS[i], sym_note[i]);
    print_profile(&g_prof, "conform: profile");
    printf("conform: seed %llu, %g s of fuzzing, ALLOW=%s\n", opt.seed, opt.fuzz ? opt.seconds : 0,
           opt.allow[0] ? opt.allow : "(none)");

    unsigned failed_cases = 0, allowed_cases = 0, findings = 0;
    char first_rule[32] = "";
    char first_sentence[600] = "";
    /* ---- battery ---- */
    if (opt.battery) {
        printf("\n== battery: %zu cases\n", N_CASES);
        for (size_t i = 0; i < N_CASES; i++) {
            run_case(i, false);
            case_result *R = &RES[i];
            bool bad = false, allow_only = R->nf > 0;
            for (unsigned k = 0; k < R->nf; k++)
                if (!R->f[k].allowed) {
                    bad = true;
                    allow_only = false;
                }
            printf("%-8s %-13s (%s)\n", bad ? "FAIL" : allow_only ? "ALLOWED" : "PASS",
                   CASES[i].name, CASES[i].rules);
            for (unsigned k = 0; k < R->nnotes; k++)
                printf("         note: %s\n", R->notes[k]);
            for (unsigned k = 0; k < R->nf; k++) {
                case_finding *F = &R->f[k];
                printf("         %s R-%s (%u time%s): %s\n",
                       F->allowed ? "allowed" : "FINDING", F->rule, F->count,
                       F->count == 1 ? "" : "s", F->first);
                if (F->allowed) {
                    char where[480];
                    snprintf(where, sizeof where, "battery case %s: %s", CASES[i].name, F->first);
                    for (unsigned c = 0; c < F->count; c++)
                        note_allowed(F->rule, where);
                    continue;
                }
                findings++;
                print_rule_line(F->rule);
                if (!first_rule[0]) {
                    snprintf(first_rule, sizeof first_rule, "%s", F->rule);
                    snprintf(first_sentence, sizeof first_sentence, "%s", F->first);
                }
                snprintf(F->repro, sizeof F->repro, "%s/%s-battery-%s-%s.c", opt.out, lib_base,
                         CASES[i].name, F->rule);
                if (!strcmp(F->rule, "crash") || !emit_battery_repro(F->repro, i, F)) {
                    if (strcmp(F->rule, "crash"))
                        printf("         (could not write %s)\n", F->repro);
                    else {
                        snprintf(F->repro, sizeof F->repro, "%s/%s-battery-%s-%s.c", opt.out,
                                 lib_base, CASES[i].name, "crash");
                        emit_battery_repro(F->repro, i, F);
                        printf("         C reproducer (the whole case): %s\n", F->repro);
                    }
                    continue;
                }
                char line[300];
                F->confirmed = confirm_repro(F->repro, F->rule, line, sizeof line);
                char cmd[PATH_MAX * 4];
                repro_cmd(cmd, sizeof cmd, F->repro);
                printf("         C reproducer: %s\n         run: %s\n         %s: %s\n",
                       F->repro, cmd,
                       F->confirmed == 1 ? "confirmed" : F->confirmed == 0 ? "NOT reproduced"
                                                                           : "did not build",
                       line);
            }
            if (bad)
                failed_cases++;
            else if (allow_only)
                allowed_cases++;
        }
        printf("battery: %zu cases, %zu passed, %u failed, %u with allowed deviations only\n",
               N_CASES, N_CASES - failed_cases - allowed_cases, failed_cases, allowed_cases);
        /* A finding seen through dlopen that the reproducer (run with LD_PRELOAD) does not show
         * may come from the private loading itself: in auto mode, start again preloaded. */
        bool unconfirmed = false;
        for (size_t i = 0; i < N_CASES; i++)
            for (unsigned k = 0; k < RES[i].nf; k++)
                if (!RES[i].f[k].allowed && RES[i].f[k].confirmed == 0)
                    unconfirmed = true;
        if (unconfirmed && !strcmp(opt.mode, "auto") && !strcmp(mode_used, "dlopen")) {
            printf("conform: a finding seen through dlopen did not reproduce with LD_PRELOAD; "
                   "running again with MODE=preload\n\n");
            reexec_preload("findings through dlopen not confirmed with LD_PRELOAD");
        }
    } else {
        observe_choices();
    }
    setup_fuzz_profile();
    fz_profile shown = g_prof;
    shown.full_align = f_prof.full_align;
    if (memcmp(&f_prof, &shown, sizeof f_prof) != 0)
        print_profile(&f_prof, "conform: fuzz-phase profile (observed choices and ALLOW applied):");

    /* ---- fuzzing ---- */
    unsigned long long programs = 0, total_ops = 0, fuzz_findings = 0;
    double fuzz_secs = 0;
    int rc = failed_cases ? 1 : 0;
    if (opt.fuzz && opt.seconds > 0 && failed_cases) {
        printf("\n== fuzzing skipped: the battery found deviations (fix them, or accept them "
               "with ALLOW=rule,... to fuzz past them)\n");
    } else if (opt.fuzz && opt.seconds > 0) {
        printf("\n== fuzzing for %g s (seed %llu; program k of a seed is always the same)\n",
               opt.seconds, opt.seed);
        double t0 = now();
        SH->next_k = 0;
        for (;;) {
            fflush(NULL);
            pid_t pid = fork();
            if (pid < 0) {
                perror("fork");
                return 2;
            }
            if (pid == 0)
                _exit(fuzz_loop(t0));
            int st = 0;
            waitpid(pid, &st, 0);
            if (!WIFSIGNALED(st)) {
                if (WEXITSTATUS(st) != 0)
                    rc = 1;
                break;
            }
            /* the allocator crashed (or aborted) in program SH->k */
            unsigned long long k = SH->k;
            int sig = WTERMSIG(st);
            size_t plen;
            uint8_t *prog = gen_program(opt.seed, k, &plen);
            char where[200];
            snprintf(where, sizeof where, "program %llu: killed by signal %d (%s)", k, sig,
                     strsignal(sig));
            SH->programs++;
            if (is_allowed("crash")) {
                note_allowed("crash", where);
                free(prog);
                SH->next_k = k + 1;
                if (now() - t0 < opt.seconds)
                    continue;
                break;
            }
            SH->findings++;
            rc = 1;
            printf("\nFINDING R-crash in program %llu (seed %llu): the allocator was killed by "
                   "signal %d (%s)\n", k, opt.seed, sig, strsignal(sig));
            print_rule_line("crash");
            snprintf(SH->first_rule, sizeof SH->first_rule, "crash");
            snprintf(SH->first_sentence, sizeof SH->first_sentence, "%s", where);
            process_finding(k, "crash", prog, plen);
            free(prog);
            break;
        }
        fuzz_secs = now() - t0;
        programs = SH->programs;
        total_ops = SH->total_ops;
        fuzz_findings = SH->findings;
        printf("fuzz: %llu programs, %llu ops in %.1f s (%.0f ops/s), %llu finding%s\n", programs,
               total_ops, fuzz_secs, fuzz_secs > 0 ? (double)total_ops / fuzz_secs : 0.0,
               fuzz_findings, fuzz_findings == 1 ? "" : "s");
        findings += (unsigned)fuzz_findings;
        if (SH->first_rule[0] && !first_rule[0]) {
            snprintf(first_rule, sizeof first_rule, "%s", SH->first_rule);
            snprintf(first_sentence, sizeof first_sentence, "%s", SH->first_sentence);
        }
    }

    /* ---- summary ---- */
    printf("\n== summary: %s (%s, profile %s, seed %llu)\n", lib_real[0] ? lib_real : "system",
           mode_used, opt.profile, opt.seed);
    if (opt.fuzz)
        printf("fuzz: %llu programs, %llu ops executed in %.1f s\n", programs, total_ops,
               fuzz_secs);
    for (unsigned k = 0; k < n_allowed_hits; k++)
        printf("allowed R-%s: %llu time%s, first: %s\n", ALLOWED_HITS[k].rule,
               ALLOWED_HITS[k].count, ALLOWED_HITS[k].count == 1 ? "" : "s",
               ALLOWED_HITS[k].first);
    if (rc == 0) {
        printf("RESULT: PASS: no deviation%s (exit 0)\n",
               n_allowed_hits ? " beyond the allowed ones" : "");
        return 0;
    }
    const rule_info *ri = rule_find(first_rule);
    printf("RESULT: FAIL (exit 1, %u finding%s): rule R-%s violated: %s.\n  %s\n", findings,
           findings == 1 ? "" : "s", first_rule, ri ? ri->sentence : first_rule, first_sentence);
    printf("  (accept a triaged deviation with ALLOW=%s)\n", first_rule);
    return 1;
}
