/*
 * fuzz/repro: turn a heap_diff input into something a person can read and run.
 *
 *   repro FILE            print the decoded operation trace, replay it (reference heap beside the
 *                         system allocator, every rule checked) and say which rule broke
 *   repro --emit-c FILE   print a standalone C program, using only ref/heap.h, that performs the
 *                         same operations on the reference heap with the same checks and exits 1
 *                         with "REPRODUCED: rule ..." when the finding reproduces (0 otherwise)
 *
 * Exit status: 0 when no rule broke, 1 when one did, 2 on usage errors.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocs.h"

static jmp_buf jb;
static fz_failure failure;

static void on_fail(const fz_failure *f)
{
    failure = *f;
    longjmp(jb, 1);
}

typedef struct {
    fz_op *ops;
    size_t *idx;
    size_t n, cap;
} recording;

static void record(size_t index, const fz_op *op, void *ctx)
{
    recording *r = ctx;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 256;
        r->ops = realloc(r->ops, r->cap * sizeof *r->ops);
        r->idx = realloc(r->idx, r->cap * sizeof *r->idx);
        if (!r->ops || !r->idx)
            abort();
    }
    r->ops[r->n] = *op;
    r->idx[r->n] = index;
    r->n++;
}

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    size_t cap = 4096, n = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (!buf)
        abort();
    *len = n;
    return buf;
}

/* Replays data; returns true if a rule broke (then `failure` says which). */
static bool replay(const uint8_t *data, size_t len, recording *rec)
{
    static fz_lane lanes[2]; /* static: survives the longjmp */
    fz_lane_init(&lanes[0], &fz_api_ref, &fz_profile_ref);
    fz_lane_init(&lanes[1], &fz_api_system, &fz_profile_glibc);
    fz_run_opts o = { .final_state = true, .trace = rec ? record : NULL, .trace_ctx = rec };
    fz_set_fail_handler(on_fail);
    if (setjmp(jb) == 0) {
        fz_run(lanes, 2, data, len, &o);
        return false;
    }
    return true;
}

/* ---- The C emitter ----------------------------------------------------------------------- */

static const char *prelude =
    "#include <errno.h>\n#include <stdint.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
    "#include <string.h>\n\n#include \"heap.h\"\n\n"
    "static ra_heap H;\n"
    "static unsigned char *p[16];\n"
    "static size_t req[16], filled[16], used, live, have, capb, step;\n"
    "static unsigned tag[16], gen[16], reports, expected;\n"
    "static void *stale[16];\n"
    "static int op = -1, growing;\n"
    "static const char *must_rule, *must_what;\n"
    "static _Alignas(16) unsigned char outside[64];\n\n"
    "static void fail(const char *rule, const char *what)\n{\n"
    "    fprintf(stderr, \"REPRODUCED: rule %s broken at op #%d: %s\\n\", rule, op, what);\n"
    "    exit(1);\n}\n"
    "static unsigned char pat(unsigned t, size_t i)\n{\n"
    "    uint32_t j = t + (uint32_t)(i & 255u);\n"
    "    return (unsigned char)((j * 2654435761u) >> 24);\n}\n"
    "static void fill(int s, size_t from, size_t to)\n{\n"
    "    for (size_t i = from; i < to; i++)\n        p[s][i] = pat(tag[s], i);\n}\n"
    "static void verify(int s)\n{\n"
    "    for (size_t i = 0; p[s] && i < filled[s]; i++)\n"
    "        if (p[s][i] != pat(tag[s], i)) {\n"
    "            char m[128];\n"
    "            snprintf(m, sizeof m, \"byte %zu of slot %d's %zu-byte block changed\", i, s, req[s]);\n"
    "            fail(\"contents\", m);\n        }\n}\n"
    "static void on_error(const ra_heap *h, const char *o, const void *q, const char *r, void *c)\n{\n"
    "    (void)h; (void)o; (void)q; (void)r; (void)c;\n    reports++;\n}\n"
    "static void check(unsigned flags)\n{\n"
    "    size_t u = 0;\n    ra_heap_stats s;\n"
    "    for (int k = 0; k < 16; k++)\n        verify(k);\n"
    "    ra_status st = ra_heap_check(&H, flags, &u);\n"
    "    if (st != RA_OK)\n        fail(\"invariant\", ra_status_str(st));\n"
    "    if (reports != expected)\n        fail(\"bad-pointer\", \"a valid pointer was reported as bad\");\n"
    "    ra_heap_stats_get(&H, &s);\n"
    "    if (s.used_bytes != used)\n        fail(\"stats-used\", \"used_bytes differs from the sum of the requests\");\n"
    "    if (s.live_blocks != live)\n        fail(\"stats-live\", \"live_blocks differs from the live blocks\");\n}\n"
    "static int grow(void *q)\n{\n"
    "    if (q || !growing || have >= capb || errno != ENOMEM)\n        return 0;\n"
    "    size_t n = capb - have < step ? capb - have : step;\n"
    "    if (ra_heap_extend(&H, n) != RA_OK)\n        fail(\"extend\", \"ra_heap_extend failed\");\n"
    "    have += n;\n    return 1;\n}\n"
    "static void *x_malloc(size_t n) { void *q; do q = ra_heap_malloc(&H, n); while (grow(q)); return q; }\n"
    "static void *x_calloc(size_t c, size_t n) { void *q; do q = ra_heap_calloc(&H, c, n); while (grow(q)); return q; }\n"
    "static void *x_realloc(void *o, size_t n) { void *q; do q = ra_heap_realloc(&H, o, n); while (n && grow(q)); return q; }\n"
    "static void *x_aligned(size_t a, size_t n) { void *q; do q = ra_heap_aligned_alloc(&H, a, n); while (grow(q)); return q; }\n"
    "static void failed(int want_errno, size_t n)\n{\n"
    "    if (must_rule)\n        fail(must_rule, must_what);\n"
    "    if (n == 0 && want_errno == ENOMEM)\n        fail(\"malloc0\", \"a 0-byte request failed\");\n"
    "    if (errno != want_errno)\n        fail(\"errno\", \"a failed request set the wrong errno\");\n}\n"
    "/* a block arrived for slot s: alignment, usable size, no overlap; then record and fill */\n"
    "static void got(int s, unsigned char *q, size_t n, size_t align, int zero)\n{\n"
    "    if ((uintptr_t)q % 16u || (uintptr_t)q % align)\n        fail(\"alignment\", \"misaligned block\");\n"
    "    if (ra_heap_usable_size(&H, q) < n)\n        fail(\"usable-size\", \"usable size below the request\");\n"
    "    for (int k = 0; k < 16; k++) {\n"
    "        size_t e = n ? n : 1, f = req[k] ? req[k] : 1;\n"
    "        if (k != s && p[k] && q < p[k] + f && p[k] < q + e)\n"
    "            fail(\"overlap\", \"the new block overlaps a live block\");\n    }\n"
    "    for (size_t i = 0; zero && i < n; i++)\n"
    "        if (q[i])\n            fail(\"calloc-zero\", \"calloc memory is not zero\");\n"
    "    p[s] = q; req[s] = n; used += n; live++;\n"
    "    gen[s]++; tag[s] = (unsigned)s * 16u + (gen[s] & 15u);\n"
    "    filled[s] = n;\n    fill(s, 0, n);\n}\n"
    "static void drop(int s)\n{\n"
    "    stale[s] = p[s]; used -= req[s]; live--;\n    p[s] = NULL; req[s] = filled[s] = 0;\n}\n"
    "static void do_free(int s)\n{\n"
    "    verify(s);\n    errno = 4242;\n    ra_heap_free(&H, p[s]);\n"
    "    if (errno != 4242)\n        fail(\"free-errno\", \"free changed errno\");\n"
    "    if (p[s])\n        drop(s);\n}\n"
    "static void do_malloc(int s, size_t n)\n{\n"
    "    errno = 0;\n    unsigned char *q = x_malloc(n);\n"
    "    if (!q) { failed(ENOMEM, n); return; }\n"
    "    if (n > (size_t)PTRDIFF_MAX)\n        fail(\"huge-size\", \"a request above PTRDIFF_MAX succeeded\");\n"
    "    got(s, q, n, 16, 0);\n}\n"
    "static void do_calloc(int s, size_t c, size_t n)\n{\n"
    "    int ovf = n && c > SIZE_MAX / n;\n    errno = 0;\n    unsigned char *q = x_calloc(c, n);\n"
    "    if (!q) { failed(ENOMEM, ovf ? 1 : c * n); return; }\n"
    "    if (ovf || c * n > (size_t)PTRDIFF_MAX)\n        fail(\"calloc-overflow\", \"an impossible calloc succeeded\");\n"
    "    got(s, q, c * n, 16, 1);\n}\n"
    "static void do_aligned(int s, size_t a, size_t n, int memalign)\n{\n"
    "    int bad = a == 0 || (a & (a - 1)) != 0;\n"
    "    if (memalign && (bad || a % sizeof(void *)))\n        return; /* posix_memalign returns EINVAL before reaching the heap */\n"
    "    errno = 0;\n    unsigned char *q = x_aligned(a, n);\n"
    "    if (bad) {\n        if (q)\n            fail(\"aligned-bad-alignment\", \"a bad alignment was accepted\");\n"
    "        if (errno != EINVAL && !(n > (size_t)PTRDIFF_MAX && errno == ENOMEM))\n"
    "            fail(\"errno\", \"a bad alignment did not set EINVAL\");\n        return;\n    }\n"
    "    if (!q) { failed(ENOMEM, n); return; }\n"
    "    if (n > (size_t)PTRDIFF_MAX)\n        fail(\"huge-size\", \"a request above PTRDIFF_MAX succeeded\");\n"
    "    got(s, q, n, a, 0);\n}\n"
    "static void do_realloc(int s, size_t n)\n{\n"
    "    if (!p[s]) {\n        errno = 0;\n        unsigned char *q = x_realloc(NULL, n);\n"
    "        if (!q) { failed(ENOMEM, n); return; }\n"
    "        if (n > (size_t)PTRDIFF_MAX)\n            fail(\"huge-size\", \"a request above PTRDIFF_MAX succeeded\");\n"
    "        got(s, q, n, 16, 0);\n        return;\n    }\n"
    "    verify(s);\n    unsigned oldtag = tag[s];\n    size_t oldfilled = filled[s];\n"
    "    errno = 0;\n    unsigned char *q = x_realloc(p[s], n);\n"
    "    if (n == 0) {\n        if (q)\n            fail(\"realloc0\", \"realloc(p, 0) returned a block\");\n"
    "        drop(s);\n        return;\n    }\n"
    "    if (!q) {\n        verify(s); /* a failed realloc keeps the block intact */\n"
    "        failed(ENOMEM, n);\n        return;\n    }\n"
    "    if (n > (size_t)PTRDIFF_MAX)\n        fail(\"huge-size\", \"a request above PTRDIFF_MAX succeeded\");\n"
    "    used -= req[s]; live--; p[s] = NULL;\n"
    "    size_t keep = oldfilled < n ? oldfilled : n;\n"
    "    for (size_t i = 0; i < keep; i++)\n"
    "        if (q[i] != pat(oldtag, i))\n            fail(\"realloc-keeps-data\", \"realloc lost a byte of the old contents\");\n"
    "    got(s, q, n, 16, 0);\n    gen[s]--;\n    tag[s] = oldtag;\n"
    "    fill(s, 0, n);\n}\n"
    "static void do_usable(int s)\n{\n"
    "    size_t u = ra_heap_usable_size(&H, p[s]);\n"
    "    if (!p[s] && u != 0)\n        fail(\"usable-null\", \"usable_size(NULL) is not 0\");\n"
    "    if (p[s] && u < req[s])\n        fail(\"usable-size\", \"usable size below the request\");\n}\n"
    "static void do_write(int s, int slack)\n{\n"
    "    if (!p[s])\n        return;\n    verify(s);\n    gen[s]++;\n"
    "    tag[s] = (unsigned)s * 16u + (gen[s] & 15u);\n"
    "    size_t u = ra_heap_usable_size(&H, p[s]);\n"
    "    filled[s] = slack && u > req[s] ? u : req[s];\n    fill(s, 0, filled[s]);\n}\n"
    "static void do_bad(int s, int kind, int use_realloc)\n{\n"
    "    unsigned char *b = NULL;\n"
    "    if (kind == 0 && p[s])\n        b = req[s] > 16 ? p[s] + 16 : p[s] + 8;\n"
    "    if (kind == 1) {\n        b = stale[s];\n"
    "        for (int k = 0; b && k < 16; k++)\n            if (p[k] == b)\n                b = NULL;\n    }\n"
    "    if (kind == 2)\n        b = outside + 16;\n"
    "    if (kind == 3 && p[s])\n        b = p[s] + 1;\n"
    "    if (!b)\n        return;\n"
    "    if (ra_heap_owns(&H, b))\n        fail(\"bad-pointer\", \"the heap owns an invalid pointer\");\n"
    "    unsigned before = reports;\n    expected++;\n"
    "    if (use_realloc) {\n        errno = 0;\n"
    "        if (ra_heap_realloc(&H, b, 1) || errno != EINVAL)\n"
    "            fail(\"bad-pointer\", \"realloc of a bad pointer did not fail with EINVAL\");\n"
    "    } else {\n        ra_heap_free(&H, b);\n    }\n"
    "    if (reports - before != 1)\n        fail(\"bad-pointer\", \"a bad pointer was not reported exactly once\");\n}\n"
    "static void finish(void)\n{\n"
    "    ra_heap_stats s;\n"
    "    for (int k = 0; k < 16; k++)\n        if (p[k])\n            do_free(k);\n"
    "    check(RA_CHECK_FULL);\n    ra_heap_stats_get(&H, &s);\n"
    "    if (s.live_blocks || s.used_bytes || s.free_blocks != 1 || s.free_bytes != s.arena_bytes ||\n"
    "        s.largest_free != s.arena_bytes)\n"
    "        fail(\"final-state\", \"after freeing everything the heap is not one free block\");\n}\n\n";

static void c_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            putchar('\\');
        putchar(*s == '\n' ? ' ' : *s);
    }
    putchar('"');
}

static void emit_c(const char *path, const uint8_t *data, size_t len, const recording *rec,
                   bool broke)
{
    uint8_t hdr = fz_header(data, len);
    size_t bytes = fz_arena_choices[hdr & 3u];
    size_t last = broke ? failure.op_index : (size_t)-1;
    printf("/* Standalone reproducer generated by fuzz/repro --emit-c from %s\n", path);
    if (broke)
        printf(" * Finding: rule %s at op #%zu (slot %u) on %s:\n *   %s\n", failure.rule,
               failure.op_index, failure.slot, failure.lane, failure.detail);
    else
        printf(" * The input broke no rule when it was generated.\n");
    printf(" * Build: cc -std=c11 -Iref repro.c ref/heap.c (add -fsanitize=address to see the\n"
           " * heap's poisoning at work). Exit 1 with REPRODUCED: ... when the finding is there. */\n");
    fputs(prelude, stdout);
    printf("static _Alignas(4096) unsigned char arena[%zu];\n", bytes);
    if (hdr & 4u)
        printf("static ra_heap_unit meta[%zu];\n", (bytes - 16u) / 32u + 1u);
    printf("\nint main(void)\n{\n    memset(arena, 0xA5, sizeof arena); /* as the harness: junk, not zeros */\n"
           "    (void)do_malloc; (void)do_calloc; (void)do_realloc; (void)do_aligned; (void)do_free;\n"
           "    (void)do_usable; (void)do_write; (void)do_bad; (void)finish; /* not all are used */\n");
    if (hdr & 4u) {
        size_t units = (bytes - 16u) / 32u;
        printf("    growing = 1;\n    capb = %zu;\n    step = %zu;\n    have = step;\n",
               units * 16u, (units / 4u) * 16u);
        printf("    if (ra_heap_init_split(&H, meta, %zu, 0, arena, step) != RA_OK)\n"
               "        fail(\"init\", \"init failed\");\n", units);
    } else {
        printf("    if (ra_heap_init(&H, arena, sizeof arena) != RA_OK)\n"
               "        fail(\"init\", \"init failed\");\n");
    }
    if (hdr & 8u)
        printf("    (void)ra_heap_malloc(&H, 100);\n    (void)ra_heap_malloc(&H, 1000);\n"
               "    ra_heap_reset(&H);\n");
    printf("    ra_heap_set_error_handler(&H, on_error, NULL);\n");
    bool must = broke && (strcmp(failure.rule, "spurious-oom") == 0 ||
                          strcmp(failure.rule, "agreement") == 0);
    for (size_t i = 0; i < rec->n; i++) {
        const fz_op *o = &rec->ops[i];
        char text[160];
        unsigned s = o->slot;
        if (rec->idx[i] > last)
            break;
        printf("    op = %zu; /* %s */\n", rec->idx[i], fz_op_format(o, text, sizeof text));
        if (must && rec->idx[i] == last) {
            printf("    must_rule = ");
            c_string(failure.rule);
            printf(";\n    must_what = ");
            c_string(failure.detail);
            printf(";\n");
        }
        switch (o->code) {
        case FZ_OP_MALLOC: printf("    do_malloc(%u, %zuu);\n", s, o->a); break;
        case FZ_OP_CALLOC: printf("    do_calloc(%u, %zuu, %zuu);\n", s, o->a, o->b); break;
        case FZ_OP_REALLOC: printf("    do_realloc(%u, %zuu);\n", s, o->a); break;
        case FZ_OP_ALIGNED: printf("    do_aligned(%u, %zuu, %zuu, 0);\n", s, o->a, o->b); break;
        case FZ_OP_MEMALIGN: printf("    do_aligned(%u, %zuu, %zuu, 1);\n", s, o->a, o->b); break;
        case FZ_OP_FREE: printf("    do_free(%u);\n", s); break;
        case FZ_OP_USABLE: printf("    do_usable(%u);\n", s); break;
        case FZ_OP_WRITE: printf("    do_write(%u, %u);\n", s, o->arg & 1u); break;
        case FZ_OP_VERIFY: break; /* check() below verifies every block */
        case FZ_OP_CHECK: printf("    check(%s);\n", o->arg & 1u ? "RA_CHECK_FULL" : "0"); break;
        case FZ_OP_BADFREE:
            printf("    do_bad(%u, %u, %u);\n", s, o->arg & 3u, (o->arg >> 2) & 1u);
            break;
        default: break;
        }
        printf("    check(0);\n");
    }
    if (!broke || last >= (rec->n ? rec->idx[rec->n - 1] + 1 : 0))
        printf("    op = %zu; /* the end: free everything */\n    finish();\n",
               rec->n ? rec->idx[rec->n - 1] + 1 : 0);
    printf("    printf(\"not reproduced: every rule held\\n\");\n    return 0;\n}\n");
}

int main(int argc, char **argv)
{
    bool emit = false;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--emit-c") == 0)
            emit = true;
        else
            path = argv[i];
    }
    if (!path) {
        fprintf(stderr, "usage: repro [--emit-c] FILE\n");
        return 2;
    }
    size_t len;
    uint8_t *data = read_all(path, &len);
    recording rec = { 0 };
    if (emit) {
        bool broke = replay(data, len, &rec);
        emit_c(path, data, len, &rec, broke);
        return broke ? 1 : 0;
    }
    uint8_t hdr = fz_header(data, len);
    size_t arena = fz_api_ref.begin(hdr);
    printf("input %s: %zu bytes; header 0x%02x: arena %zu bytes (%zu user bytes)%s%s\n", path,
           len, hdr, fz_arena_choices[hdr & 3u], arena, hdr & 4u ? ", growing" : "",
           hdr & 8u ? ", after a reset" : "");
    fz_reader r;
    fz_reader_init(&r, data, len, arena);
    fz_op op;
    char text[160];
    for (size_t i = 0; fz_next(&r, &op); i++)
        printf("  #%-4zu @%-5zu %s\n", i, op.offset, fz_op_format(&op, text, sizeof text));
    bool broke = replay(data, len, NULL);
    if (broke) {
        printf("replay: RULE %s violated at op #%zu (slot %u) on %s: %s\n", failure.rule,
               failure.op_index, failure.slot, failure.lane, failure.detail);
        return 1;
    }
    printf("replay: every rule held\n");
    return 0;
}
