/*
 * refalloc fuzz suite: the operation language, the allocator table, the shadow model and the
 * oracles, shared by every allocator harness (heap_diff), the replay driver, the reproducer, the
 * benchmark and the conformance kit (issue 5).
 *
 * Three layers, each usable on its own:
 *  1. Decoder (fz_reader / fz_next): bytes -> operations. Total: every byte string is a valid
 *     program; missing bytes at the end read as zero. spec/FORMAT.md is the normative description.
 *  2. Allocator table (fz_api): the C allocation API as plain function pointers with the standard
 *     signatures, so dlsym() results drop straight in; optional entries are NULL. Hooks that only
 *     a reference implementation has (invariant check, stats, arena region, fit rounding,
 *     bad-pointer probe) are optional too: each enables the oracle that needs it.
 *  3. Executor (fz_run): runs the program on one or more lanes (one allocator + one behaviour
 *     profile + one shadow model each). Lane 0 is the allocator under test; further lanes
 *     (e.g. the system allocator) run the same operations and are checked by the same rules, and
 *     success/failure is compared across lanes. A violated rule calls fz_fail(), which prints
 *     "RULE <name> violated at op #<i> (slot <s>) on <lane>: <detail>" and aborts, unless the
 *     caller installed another failure handler (the reproducer does).
 *
 * Implementation-defined behaviour (malloc(0), realloc(p, 0), aligned_alloc with odd arguments,
 * writing the usable-size slack) is a profile choice (fz_profile), never a finding.
 */
#ifndef FZ_OPS_H
#define FZ_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FZ_SLOTS 16u          /* slots a program can name (4 bits of the op byte) */
#define FZ_MAX_LANES 3u
#define FZ_MAX_OPS 100000u    /* executor stops after this many ops (bounded run time) */

/* ---- 1. The operation language ---------------------------------------------------------- */

typedef enum {
    FZ_OP_MALLOC = 0,      /* slot = malloc(a) */
    FZ_OP_CALLOC = 1,      /* slot = calloc(a, b) */
    FZ_OP_REALLOC = 2,     /* slot = realloc(slot, a) */
    FZ_OP_ALIGNED = 3,     /* slot = aligned_alloc(a, b)   (a = alignment, b = size) */
    FZ_OP_MEMALIGN = 4,    /* posix_memalign(&slot, a, b) (a = alignment, b = size) */
    FZ_OP_FREE = 5,        /* free(slot) */
    FZ_OP_USABLE = 6,      /* usable_size(slot) */
    FZ_OP_WRITE = 7,       /* new generation: refill slot's block (arg bit 0: up to usable size) */
    FZ_OP_VERIFY = 8,      /* verify slot's contents (empty slot: every live block) */
    FZ_OP_CHECK = 9,       /* allocator invariant check (arg bit 0: full) + all blocks + stats */
    FZ_OP_STATS = 10,      /* compare the allocator's stats with the model */
    FZ_OP_BADFREE = 11,    /* hand an invalid pointer to free/realloc (arg: kind), must be reported */
    FZ_OP_FILL = 12,       /* malloc(a) into every empty slot */
    FZ_OP_FREEMANY = 13,   /* free every slot whose bit is set in mask */
    FZ_OP_COUNT = 14
} fz_opcode;

/* Kinds of FZ_OP_BADFREE (arg & 3), arg bit 2: use realloc(ptr, 1) instead of free(ptr). */
enum { FZ_BAD_INTERIOR = 0, FZ_BAD_STALE = 1, FZ_BAD_OUTSIDE = 2, FZ_BAD_MISALIGNED = 3 };

typedef struct {
    uint8_t code;          /* fz_opcode */
    uint8_t slot;          /* 0 .. FZ_SLOTS-1 */
    uint8_t arg;           /* WRITE/CHECK flags, BADFREE kind */
    uint16_t mask;         /* FREEMANY */
    size_t a, b;           /* sizes / count / alignment, see fz_opcode */
    size_t offset;         /* byte offset of the op in the input (for traces) */
} fz_op;

/* Arena sizes selected by the header byte (bits 0-1): total bytes handed to the reference. */
extern const size_t fz_arena_choices[4];

typedef struct {
    const uint8_t *data;
    size_t size, pos;
    size_t arena;          /* user bytes of the arena: resolves arena-relative sizes */
} fz_reader;

/* Header byte of an input (0 if empty). */
uint8_t fz_header(const uint8_t *data, size_t size);
/* Position the reader after the header; `arena_user_bytes` resolves arena-relative sizes. */
void fz_reader_init(fz_reader *r, const uint8_t *data, size_t size, size_t arena_user_bytes);
/* Decode the next op; false at the end of the input. Never fails otherwise. */
bool fz_next(fz_reader *r, fz_op *op);
/* The boundary-size table (64 entries; arena-relative ones resolved with `arena`). */
size_t fz_size_table(unsigned i, size_t arena);
const char *fz_op_name(unsigned code);
/* "malloc(s3, 4096)" etc. into buf; returns buf. */
char *fz_op_format(const fz_op *op, char *buf, size_t len);

/* Encoder helpers for the seed generator and tests: append to a byte buffer. */
typedef struct {
    uint8_t *buf;
    size_t len, cap;
} fz_writer;
void fz_w_header(fz_writer *w, uint8_t header);
void fz_w_op(fz_writer *w, unsigned code, unsigned slot);
void fz_w_byte(fz_writer *w, uint8_t b);
/* Append a size selector that decodes to exactly v (literal, medium, table or wide form). */
void fz_w_size(fz_writer *w, size_t v, size_t arena);
/* Append a boundary-table selector (index 0..63). */
void fz_w_size_table(fz_writer *w, unsigned index);
/* Append an alignment selector that decodes to exactly v if representable, else the nearest. */
void fz_w_align(fz_writer *w, size_t v);

/* ---- 2. The allocator table ------------------------------------------------------------- */

typedef struct {
    size_t used_bytes;     /* sum of requested sizes of live blocks */
    size_t live_blocks;
    size_t free_blocks;
    size_t free_bytes;
    size_t largest_free;
    size_t arena_bytes;
} fz_stats;

typedef struct fz_api {
    const char *name;
    void *(*malloc)(size_t);
    void (*free)(void *);
    void *(*calloc)(size_t, size_t);
    void *(*realloc)(void *, size_t);
    void *(*aligned_alloc)(size_t, size_t);         /* optional */
    int (*posix_memalign)(void **, size_t, size_t); /* optional */
    size_t (*usable_size)(void *);                  /* optional */
    /* Hooks (optional). */
    size_t (*begin)(uint8_t header);   /* fresh state for one input; returns arena user bytes */
    const char *(*check)(bool full);   /* NULL when the invariants hold, else a description */
    bool (*stats)(fz_stats *out);
    bool (*region)(uintptr_t *lo, uintptr_t *hi);   /* every block must lie in [lo, hi) */
    size_t (*class_round)(size_t units);            /* fit guarantee (see ref/heap.h) */
    unsigned (*unit)(void);                         /* bytes per arena unit (fit oracle) */
    /* Hand ptr to free (use_realloc false) or realloc(ptr, 1); returns the number of bad-pointer
     * reports it caused (a correct checked allocator: exactly 1, state unchanged). */
    unsigned (*bad_pointer)(void *ptr, bool use_realloc);
    /* Requests above max_request bytes are not issued to this lane (0 = no limit): a real
     * allocator would map gigabytes (libFuzzer's malloc limit would trip), and the sanitizers'
     * allocators print a warning for every impossible size. The rules for huge sizes are
     * checked on the lanes without a limit (the reference, a foreign allocator). */
    size_t max_request;
    size_t max_align;                               /* same for alignments (0 = no limit) */
} fz_api;

/* ---- Profiles: implementation-defined behaviour ---------------------------------------- */

enum { FZ_NONNULL, FZ_NULL_OK_EITHER };                   /* malloc(0) */
enum { FZ_R0_FREES_NULL, FZ_R0_NEW_BLOCK, FZ_R0_EITHER };  /* realloc(p, 0), p != NULL */
enum { FZ_MUST_FAIL_EINVAL, FZ_MAY_SUCCEED };              /* aligned_alloc, bad alignment */

typedef struct fz_profile {
    const char *name;
    uint8_t malloc0;             /* FZ_NONNULL or FZ_NULL_OK_EITHER */
    uint8_t realloc0;
    uint8_t aligned_bad;         /* alignment 0 or not a power of two */
    bool aligned_size_multiple;  /* aligned_alloc(a, n) with n % a != 0 may fail with EINVAL */
    bool errno_enomem;           /* every failed request sets errno (ENOMEM / EINVAL) */
    bool free_keeps_errno;       /* POSIX.1-2024 */
    bool use_slack;              /* the program writes up to usable_size (glibc documents it) */
    bool full_align;             /* every block aligned to 16, even tiny ones */
} fz_profile;

extern const fz_profile fz_profile_ref, fz_profile_strict, fz_profile_glibc, fz_profile_musl;
const fz_profile *fz_profile_by_name(const char *name);

/* ---- 3. Shadow model and executor ------------------------------------------------------- */

typedef struct {
    unsigned char *p;      /* NULL: slot empty */
    size_t req;            /* requested bytes */
    size_t filled;         /* bytes [0, filled) hold the slot's pattern */
    size_t usable;         /* last usable size seen (0 if unknown) */
    size_t align;          /* alignment asked for (16 for plain requests) */
    uint8_t tag;           /* pattern tag: slot and generation */
    bool live;
} fz_block;

typedef struct {
    const fz_api *api;
    const fz_profile *prof;
    fz_block slot[FZ_SLOTS];
    void *stale[FZ_SLOTS];         /* last pointer freed from each slot */
    uint8_t gen[FZ_SLOTS];
    size_t used_bytes, live_blocks;
    size_t arena;                   /* user bytes (from begin, or nominal) */
    /* result of the current op, for cross-lane agreement */
    int last_result;                /* 1 success, 0 failure, -1 not issued */
    int last_errno;
    bool last_valid;                /* the request was valid under the strict rules */
    bool last_fit_room;             /* the fit oracle confirmed room */
} fz_lane;

typedef struct {
    const char *rule;               /* short rule name (see spec/FORMAT.md "Rules") */
    size_t op_index;
    unsigned slot;
    const char *lane;
    char detail[256];
} fz_failure;

/* Failure handler; the default prints the failure and calls abort(). A handler that returns
 * makes fz_fail() abort anyway; the reproducer longjmps out. */
typedef void (*fz_fail_fn)(const fz_failure *f);
void fz_set_fail_handler(fz_fail_fn fn);
void fz_fail(const char *rule, size_t op, unsigned slot, const fz_lane *lane, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6), noreturn))
#endif
    ;

/* Trace callback: called before each executed op (top-level and FILL/FREEMANY sub-ops). */
typedef void (*fz_trace_fn)(size_t index, const fz_op *op, void *ctx);

typedef struct {
    fz_trace_fn trace;
    void *trace_ctx;
    size_t nominal_arena;           /* arena for lanes without begin() */
    bool final_state;               /* at the end: lane 0 back to one free block */
} fz_run_opts;

void fz_lane_init(fz_lane *l, const fz_api *api, const fz_profile *prof);
/* Run one input on lanes[0 .. n). Returns the number of operations executed. */
size_t fz_run(fz_lane *lanes, size_t n, const uint8_t *data, size_t size, const fz_run_opts *o);

/* Operations executed since the process started (benchmarks). */
extern unsigned long long fz_ops_total;

/* Fill pattern: byte i of a block with tag t (the reproducer's C programs compute the same). */
uint8_t fz_pattern_byte(uint8_t tag, size_t i);

#ifdef __cplusplus
}
#endif
#endif
