/*
 * refalloc fuzz suite: decoder, encoder, profiles, shadow model and oracles (see ops.h).
 *
 * Cost model (the executor must run >= 1e6 ops/s under ASan): per op, the work is O(slots) for the
 * model (16 slots), plus the allocator's own check and stats hooks, plus the bytes of the block
 * the op touches (fill, verify, zero check). Contents of the other live blocks are sampled after
 * every op (first and last 16 bytes) and verified in full whenever a block is freed, resized,
 * verified (VERIFY, CHECK) and at the end of the input, so a stray write is still caught, only
 * possibly a few ops later; the message then names the op that found it.
 */
#include "ops.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned long long fz_ops_total;

/* ---- Decoder ---------------------------------------------------------------------------- */

const size_t fz_arena_choices[4] = { 256u << 10, 4u << 10, 64u << 10, 1u << 20 };

#define PD_MAX ((size_t)PTRDIFF_MAX)

size_t fz_size_table(unsigned i, size_t A)
{
    static const size_t fixed[] = {
        0, 1, 2, 7, 8, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65,                    /* 0-15 */
        127, 128, 129, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025, 4095, 4096,    /* 16-29 */
        4097, 65535, 65536, 65537, (1u << 20) - 1, 1u << 20, (1u << 20) + 1,          /* 30-36 */
    };
    i &= 63u;
    if (i < sizeof fixed / sizeof fixed[0])
        return fixed[i];
    switch (i) {
    case 37: return A;
    case 38: return A - 16;
    case 39: return A + 1;
    case 40: return A / 2;
    case 41: return A / 2 + 16;
    case 42: return A / 4;
    case 43: return A / 3;
    case 44: return A - 1;
    case 45: return A - 64;
    case 46: return 0x7fffffffu;
    case 47: return (size_t)1 << 31;
    case 48: return 0xffffffffu;
    case 49: return (size_t)1 << 32;
    case 50: return ((size_t)1 << 32) + 1;
    case 51: return (size_t)1 << 33;
    case 52: return PD_MAX - 15;
    case 53: return PD_MAX;
    case 54: return PD_MAX + 1;
    case 55: return SIZE_MAX / 2 + 2;
    case 56: return SIZE_MAX - 15;
    case 57: return SIZE_MAX - 1;
    case 58: return SIZE_MAX;
    case 59: return (size_t)1 << 62;
    case 60: return ((size_t)1 << 63) + 1;
    case 61: return (size_t)0x7fffffffu * 16u;       /* RA_HEAP_MAX_UNITS units */
    case 62: return (size_t)0x7fffffffu * 16u + 1u;
    default: return A / 16;                            /* 63: a count that fills the arena */
    }
}

static const size_t bad_align_table[16] = {
    0, 3, 5, 6, 12, 24, 48, 100, 4, 2, 1, SIZE_MAX, ((size_t)1 << 63) + 1, (size_t)1 << 63,
    PD_MAX, 17,
};

uint8_t fz_header(const uint8_t *data, size_t size) { return size ? data[0] : 0; }

void fz_reader_init(fz_reader *r, const uint8_t *data, size_t size, size_t arena)
{
    r->data = data;
    r->size = size;
    r->pos = size ? 1 : 0;
    r->arena = arena;
}

static uint8_t rd(fz_reader *r)
{
    if (r->pos >= r->size)
        return 0;
    return r->data[r->pos++];
}

static size_t rd_size(fz_reader *r)
{
    uint8_t s = rd(r);
    if (s < 0x40)
        return s;
    if (s < 0x80)
        return fz_size_table(s - 0x40u, r->arena);
    if (s < 0xC0) {
        size_t hi = (size_t)(s & 0x3Fu) << 8;
        return hi | rd(r);
    }
    uint32_t v = 0;
    for (unsigned k = 0; k < 4; k++)
        v |= (uint32_t)rd(r) << (8 * k);
    return (size_t)v << (s & 0x1Fu);
}

static size_t rd_align(fz_reader *r)
{
    uint8_t s = rd(r);
    if (s < 0x40)
        return (size_t)1 << s;
    if (s < 0x80)
        return bad_align_table[s & 15u];
    return (size_t)1 << (4u + (s & 7u));
}

bool fz_next(fz_reader *r, fz_op *op)
{
    if (r->pos >= r->size)
        return false;
    memset(op, 0, sizeof *op);
    op->offset = r->pos;
    uint8_t b = rd(r);
    op->code = (uint8_t)((b & 15u) % FZ_OP_COUNT);
    op->slot = (uint8_t)(b >> 4);
    switch (op->code) {
    case FZ_OP_MALLOC:
    case FZ_OP_REALLOC:
    case FZ_OP_FILL:
        op->a = rd_size(r);
        break;
    case FZ_OP_CALLOC:
        op->a = rd_size(r);
        op->b = rd_size(r);
        break;
    case FZ_OP_ALIGNED:
    case FZ_OP_MEMALIGN:
        op->a = rd_align(r);
        op->b = rd_size(r);
        break;
    case FZ_OP_WRITE:
    case FZ_OP_CHECK:
    case FZ_OP_BADFREE:
        op->arg = rd(r);
        break;
    case FZ_OP_FREEMANY:
        op->mask = (uint16_t)(rd(r) | (rd(r) << 8));
        break;
    default:
        break;
    }
    return true;
}

static const char *const op_names[FZ_OP_COUNT] = {
    "malloc", "calloc", "realloc", "aligned_alloc", "posix_memalign", "free", "usable_size",
    "write", "verify", "check", "stats", "bad_free", "fill", "free_many",
};

const char *fz_op_name(unsigned code) { return code < FZ_OP_COUNT ? op_names[code] : "?"; }

static const char *bad_kind_name(unsigned arg)
{
    static const char *const k[4] = { "interior", "stale", "outside", "misaligned" };
    return k[arg & 3u];
}

char *fz_op_format(const fz_op *op, char *buf, size_t len)
{
    unsigned s = op->slot;
    switch (op->code) {
    case FZ_OP_MALLOC: snprintf(buf, len, "s%u = malloc(%zu)", s, op->a); break;
    case FZ_OP_CALLOC: snprintf(buf, len, "s%u = calloc(%zu, %zu)", s, op->a, op->b); break;
    case FZ_OP_REALLOC: snprintf(buf, len, "s%u = realloc(s%u, %zu)", s, s, op->a); break;
    case FZ_OP_ALIGNED:
        snprintf(buf, len, "s%u = aligned_alloc(%zu, %zu)", s, op->a, op->b);
        break;
    case FZ_OP_MEMALIGN:
        snprintf(buf, len, "posix_memalign(&s%u, %zu, %zu)", s, op->a, op->b);
        break;
    case FZ_OP_FREE: snprintf(buf, len, "free(s%u)", s); break;
    case FZ_OP_USABLE: snprintf(buf, len, "usable_size(s%u)", s); break;
    case FZ_OP_WRITE:
        snprintf(buf, len, "write(s%u%s)", s, (op->arg & 1u) ? ", up to usable size" : "");
        break;
    case FZ_OP_VERIFY: snprintf(buf, len, "verify(s%u)", s); break;
    case FZ_OP_CHECK: snprintf(buf, len, "check(%s)", (op->arg & 1u) ? "full" : "blocks"); break;
    case FZ_OP_STATS: snprintf(buf, len, "stats()"); break;
    case FZ_OP_BADFREE:
        snprintf(buf, len, "bad_%s(%s pointer near s%u)", (op->arg & 4u) ? "realloc" : "free",
                 bad_kind_name(op->arg), s);
        break;
    case FZ_OP_FILL: snprintf(buf, len, "fill(every empty slot = malloc(%zu))", op->a); break;
    case FZ_OP_FREEMANY: snprintf(buf, len, "free_many(mask 0x%04x)", op->mask); break;
    default: snprintf(buf, len, "?"); break;
    }
    return buf;
}

/* ---- Encoder ---------------------------------------------------------------------------- */

static void w_put(fz_writer *w, uint8_t b)
{
    if (w->len == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 256;
        uint8_t *nb = realloc(w->buf, cap);
        if (!nb)
            abort();
        w->buf = nb;
        w->cap = cap;
    }
    w->buf[w->len++] = b;
}

void fz_w_byte(fz_writer *w, uint8_t b) { w_put(w, b); }
void fz_w_header(fz_writer *w, uint8_t header) { w_put(w, header); }
void fz_w_op(fz_writer *w, unsigned code, unsigned slot)
{
    w_put(w, (uint8_t)((code & 15u) | ((slot & 15u) << 4)));
}
void fz_w_size_table(fz_writer *w, unsigned index) { w_put(w, (uint8_t)(0x40u | (index & 63u))); }

void fz_w_size(fz_writer *w, size_t v, size_t arena)
{
    if (v < 0x40) {
        w_put(w, (uint8_t)v);
        return;
    }
    if (v < 0x4000) {
        w_put(w, (uint8_t)(0x80u | (v >> 8)));
        w_put(w, (uint8_t)(v & 0xFFu));
        return;
    }
    for (unsigned i = 0; i < 64; i++)
        if (fz_size_table(i, arena) == v) {
            fz_w_size_table(w, i);
            return;
        }
    unsigned sh = 0;
    while (sh < 31 && (v >> sh) > 0xffffffffu)
        sh++;
    while (sh > 0 && ((v >> sh) << sh) != v)
        sh--; /* prefer exactness; if not representable, the low bits are lost */
    if ((v >> sh) > 0xffffffffu)
        sh = 31;
    uint32_t m = (uint32_t)(v >> sh);
    w_put(w, (uint8_t)(0xC0u | sh));
    for (unsigned k = 0; k < 4; k++)
        w_put(w, (uint8_t)(m >> (8 * k)));
}

void fz_w_align(fz_writer *w, size_t v)
{
    if (v != 0 && (v & (v - 1)) == 0) {
        unsigned k = 0;
        while (((size_t)1 << k) != v)
            k++;
        w_put(w, (uint8_t)k);
        return;
    }
    for (unsigned i = 0; i < 16; i++)
        if (bad_align_table[i] == v) {
            w_put(w, (uint8_t)(0x40u | i));
            return;
        }
    w_put(w, 0x41); /* 3: some non-power-of-two */
}

/* ---- Profiles --------------------------------------------------------------------------- */

/* The reference heap's own documented choices (ref/heap.h). */
const fz_profile fz_profile_ref = {
    .name = "ref", .malloc0 = FZ_NONNULL, .realloc0 = FZ_R0_FREES_NULL,
    .aligned_bad = FZ_MUST_FAIL_EINVAL, .aligned_size_multiple = false, .errno_enomem = true,
    .free_keeps_errno = true, .use_slack = true, .full_align = true,
};
/* C17 + POSIX.1-2024 only: every implementation-defined point accepts both outcomes. */
const fz_profile fz_profile_strict = {
    .name = "strict", .malloc0 = FZ_NULL_OK_EITHER, .realloc0 = FZ_R0_EITHER,
    .aligned_bad = FZ_MUST_FAIL_EINVAL, .aligned_size_multiple = false, .errno_enomem = true,
    .free_keeps_errno = true, .use_slack = false, .full_align = false,
};
/* glibc 2.36 (and the sanitizer allocators that mimic it: ASan/MSan reject aligned_alloc sizes
 * that are not a multiple of the alignment, as C11 allowed). */
const fz_profile fz_profile_glibc = {
    .name = "glibc", .malloc0 = FZ_NONNULL, .realloc0 = FZ_R0_FREES_NULL,
    .aligned_bad = FZ_MAY_SUCCEED, .aligned_size_multiple = true, .errno_enomem = true,
    .free_keeps_errno = true, .use_slack = true, .full_align = true,
};
/* musl (mallocng): realloc(p, 0) returns a fresh minimal block. */
const fz_profile fz_profile_musl = {
    .name = "musl", .malloc0 = FZ_NONNULL, .realloc0 = FZ_R0_NEW_BLOCK,
    .aligned_bad = FZ_MAY_SUCCEED, .aligned_size_multiple = true, .errno_enomem = true,
    .free_keeps_errno = true, .use_slack = true, .full_align = true,
};

const fz_profile *fz_profile_by_name(const char *name)
{
    const fz_profile *all[] = { &fz_profile_ref, &fz_profile_strict, &fz_profile_glibc,
                                &fz_profile_musl };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}

/* ---- Failure reporting ------------------------------------------------------------------ */

static void default_fail(const fz_failure *f)
{
    fprintf(stderr, "RULE %s violated at op #%zu (slot %u) on %s: %s\n", f->rule, f->op_index,
            f->slot, f->lane, f->detail);
    fflush(stderr);
}

static fz_fail_fn fail_fn = default_fail;

void fz_set_fail_handler(fz_fail_fn fn) { fail_fn = fn ? fn : default_fail; }

void fz_fail(const char *rule, size_t op, unsigned slot, const fz_lane *lane, const char *fmt, ...)
{
    fz_failure f;
    f.rule = rule;
    f.op_index = op;
    f.slot = slot;
    f.lane = lane && lane->api ? lane->api->name : "-";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f.detail, sizeof f.detail, fmt, ap);
    va_end(ap);
    fail_fn(&f);
    abort();
}

/* ---- Patterns --------------------------------------------------------------------------- */

/* Pattern byte i of tag t is PAT[t + (i mod 256)]: a 512-byte pseudo-random table read at an
 * offset chosen by the tag, so fill and verify are memcpy/memcmp of 256-byte chunks. */
static uint8_t PAT[512];
static uint8_t ZERO[4096];

static void pat_init(void)
{
    static bool done;
    if (done)
        return;
    for (uint32_t j = 0; j < 512; j++)
        PAT[j] = (uint8_t)((j * 2654435761u) >> 24);
    done = true;
}

uint8_t fz_pattern_byte(uint8_t tag, size_t i)
{
    pat_init();
    return PAT[tag + (i & 255u)];
}

static void fill(unsigned char *p, size_t from, size_t to, uint8_t tag)
{
    size_t i = from;
    while (i < to) {
        size_t off = i & 255u, n = 256u - off;
        if (n > to - i)
            n = to - i;
        memcpy(p + i, PAT + tag + off, n);
        i += n;
    }
}

/* Returns the first offset in [from, to) that does not hold the pattern, or `to`. */
static size_t mismatch(const unsigned char *p, size_t from, size_t to, uint8_t tag)
{
    size_t i = from;
    while (i < to) {
        size_t off = i & 255u, n = 256u - off;
        if (n > to - i)
            n = to - i;
        if (memcmp(p + i, PAT + tag + off, n) != 0) {
            for (size_t k = 0; k < n; k++)
                if (p[i + k] != PAT[tag + off + k])
                    return i + k;
        }
        i += n;
    }
    return to;
}

static size_t nonzero_at(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t c = n - i < sizeof ZERO ? n - i : sizeof ZERO;
        if (memcmp(p + i, ZERO, c) != 0) {
            for (size_t k = 0; k < c; k++)
                if (p[i + k])
                    return i + k;
        }
        i += c;
    }
    return n;
}

/* ---- Executor --------------------------------------------------------------------------- */

void fz_lane_init(fz_lane *l, const fz_api *api, const fz_profile *prof)
{
    memset(l, 0, sizeof *l);
    l->api = api;
    l->prof = prof;
}

typedef struct {
    fz_lane *lanes;
    size_t n;
    const fz_run_opts *o;
    size_t idx;             /* index of the current top-level op */
    size_t executed;
} run_ctx;

static bool pow2(size_t a) { return a != 0 && (a & (a - 1)) == 0; }

static const char *lname(const fz_lane *L) { return L->api->name; }

static void verify_block(fz_lane *L, size_t idx, unsigned s, const char *when)
{
    fz_block *b = &L->slot[s];
    if (!b->live || !b->p)
        return;
    size_t at = mismatch(b->p, 0, b->filled, b->tag);
    if (at != b->filled)
        fz_fail("contents", idx, s, L,
                "%s: byte %zu of the %zu-byte block at %p changed (0x%02x, expected 0x%02x): "
                "overlap, stray write or lost data",
                when, at, b->req, (void *)b->p, b->p[at], PAT[b->tag + (at & 255u)]);
}

static void sample_blocks(fz_lane *L, size_t idx)
{
    for (unsigned s = 0; s < FZ_SLOTS; s++) {
        fz_block *b = &L->slot[s];
        if (!b->live || !b->p || !b->filled)
            continue;
        size_t head = b->filled < 16 ? b->filled : 16;
        size_t at = mismatch(b->p, 0, head, b->tag);
        if (at == head && b->filled > 16)
            at = mismatch(b->p, b->filled - 16, b->filled, b->tag);
        if (at != head && at != b->filled)
            fz_fail("contents", idx, s, L,
                    "byte %zu of the live %zu-byte block at %p changed: overlap or stray write",
                    at, b->req, (void *)b->p);
    }
}

static void check_hooks(fz_lane *L, size_t idx, unsigned s, bool full)
{
    const fz_api *A = L->api;
    if (A->check) {
        const char *why = A->check(full);
        if (why)
            fz_fail("invariant", idx, s, L, "allocator check failed: %s", why);
    }
    if (A->stats) {
        fz_stats st;
        if (A->stats(&st)) {
            if (st.used_bytes != L->used_bytes)
                fz_fail("stats-used", idx, s, L, "used_bytes %zu, model %zu", st.used_bytes,
                        L->used_bytes);
            if (st.live_blocks != L->live_blocks)
                fz_fail("stats-live", idx, s, L, "live_blocks %zu, model %zu", st.live_blocks,
                        L->live_blocks);
        }
    }
}

/* Unit count for n bytes: max(1, ceil(n / unit)). */
static size_t units_for(size_t n, size_t unit)
{
    return n == 0 ? 1 : n / unit + (n % unit != 0);
}

static int cmp_ptr(const void *x, const void *y)
{
    uintptr_t a = (uintptr_t)((const fz_block *)x)->p, b = (uintptr_t)((const fz_block *)y)->p;
    return a < b ? -1 : a > b;
}

/* The fit oracle: after an out-of-memory failure of a request of `req` bytes aligned to `align`,
 * find a free gap that the allocator's fit guarantee says it must have used. Gaps come from the
 * model alone: blocks are split to exactly units_for(req) units (ref/heap.h), so the free space
 * is the complement of the live extents; a gap between two live blocks is one free block (no two
 * free blocks are neighbours). `old` is the block being resized by realloc (or NULL). */
static void fit_oracle(fz_lane *L, size_t idx, unsigned s, size_t req, size_t align,
                       const fz_block *old)
{
    const fz_api *A = L->api;
    if (!A->region || !A->class_round || !A->unit)
        return;
    uintptr_t lo, hi;
    if (!A->region(&lo, &hi))
        return;
    size_t unit = A->unit();
    size_t total = (size_t)(hi - lo) / unit;
    size_t u = units_for(req, unit), need = u;
    if (align > unit) {
        size_t extra = align / unit - 1;
        if (need > SIZE_MAX - extra)
            return;
        need += extra;
    }
    if (need > total)
        return;
    size_t c = A->class_round(need);
    if (c < need || c > total)
        return;
    fz_block live[FZ_SLOTS];
    size_t n = 0;
    for (unsigned k = 0; k < FZ_SLOTS; k++)
        if (L->slot[k].live && L->slot[k].p)
            live[n++] = L->slot[k];
    qsort(live, n, sizeof live[0], cmp_ptr);
    uintptr_t cur = lo, best_at = 0;
    size_t best = 0;
    for (size_t k = 0; k <= n; k++) {
        uintptr_t start = k < n ? (uintptr_t)live[k].p : hi;
        if (start > cur && (size_t)(start - cur) > best) {
            best = (size_t)(start - cur);
            best_at = cur;
        }
        if (k < n) {
            size_t ext = units_for(live[k].req, unit) * unit;
            if ((uintptr_t)live[k].p + ext > cur)
                cur = (uintptr_t)live[k].p + ext;
        }
        /* realloc may grow in place into its free right-hand neighbour */
        if (old && k < n && live[k].p == old->p) {
            uintptr_t next = k + 1 < n ? (uintptr_t)live[k + 1].p : hi;
            if ((size_t)(next - (uintptr_t)old->p) >= u * unit)
                fz_fail("spurious-oom", idx, s, L,
                        "realloc to %zu bytes (%zu units) failed although the block and its "
                        "free right-hand neighbour span %zu units",
                        req, u, (size_t)(next - (uintptr_t)old->p) / unit);
        }
    }
    if (best >= c * unit)
        fz_fail("spurious-oom", idx, s, L,
                "request of %zu bytes (align %zu: %zu units, class-rounded %zu) failed although "
                "the model has a free gap of %zu units at arena offset %zu",
                req, align, need, c, best / unit, (size_t)(best_at - lo));
    if (A->stats) {
        fz_stats st;
        if (A->stats(&st) && st.largest_free >= c * unit)
            fz_fail("spurious-oom", idx, s, L,
                    "request of %zu bytes (%zu units, class-rounded %zu) failed although the "
                    "allocator's own stats report a free block of %zu bytes",
                    req, need, c, st.largest_free);
    }
}

/* A block just returned for slot s: place, alignment, overlap, usable size. */
static void accept_block(fz_lane *L, size_t idx, unsigned s, unsigned char *p, size_t req,
                         size_t align)
{
    const fz_api *A = L->api;
    size_t need_align = 16;
    if (!L->prof->full_align) { /* C17: aligned for any object that fits */
        need_align = 1;
        while (need_align < 16 && need_align * 2 <= req)
            need_align *= 2;
    }
    if (pow2(align) && align > need_align)
        need_align = align;
    if ((uintptr_t)p % need_align)
        fz_fail("alignment", idx, s, L, "block %p of %zu bytes is not aligned to %zu", (void *)p,
                req, need_align);
    if (A->region) {
        uintptr_t lo, hi;
        if (A->region(&lo, &hi) &&
            ((uintptr_t)p < lo || (uintptr_t)p > hi || req > (size_t)(hi - (uintptr_t)p)))
            fz_fail("in-arena", idx, s, L, "block %p of %zu bytes is outside the arena", (void *)p,
                    req);
    }
    size_t ext = req ? req : 1;
    for (unsigned k = 0; k < FZ_SLOTS; k++) {
        const fz_block *o = &L->slot[k];
        if (k == s || !o->live || !o->p)
            continue;
        size_t oext = o->req ? o->req : 1;
        if ((uintptr_t)p < (uintptr_t)o->p + oext && (uintptr_t)o->p < (uintptr_t)p + ext)
            fz_fail(req == 0 || o->req == 0 ? "unique" : "overlap", idx, s, L,
                    "new block %p (%zu bytes) overlaps live block s%u %p (%zu bytes)", (void *)p,
                    req, k, (void *)o->p, o->req);
    }
    size_t usable = 0;
    if (A->usable_size) {
        usable = A->usable_size(p);
        if (usable < req)
            fz_fail("usable-size", idx, s, L, "usable size %zu below the request %zu", usable, req);
    }
    fz_block *b = &L->slot[s];
    b->p = p;
    b->req = req;
    b->usable = usable;
    b->align = align;
    b->live = true;
    L->used_bytes += req;
    L->live_blocks++;
}

static void drop_block(fz_lane *L, unsigned s)
{
    fz_block *b = &L->slot[s];
    L->stale[s] = b->p;
    L->used_bytes -= b->req;
    L->live_blocks--;
    memset(b, 0, sizeof *b);
}

static uint8_t next_tag(fz_lane *L, unsigned s)
{
    L->gen[s]++;
    return (uint8_t)(s * 16u + (L->gen[s] & 15u));
}

static size_t fill_len(const fz_lane *L, const fz_block *b)
{
    return (L->prof->use_slack && b->usable > b->req) ? b->usable : b->req;
}

static void expect_errno(fz_lane *L, size_t idx, unsigned s, int got, int want, int alt,
                         const char *what)
{
    if (!L->prof->errno_enomem)
        return;
    if (got != want && got != alt)
        fz_fail("errno", idx, s, L, "%s failed with errno %d, expected %d%s", what, got, want,
                alt != want ? " (or the other error that applies)" : "");
}

static void lane_free(fz_lane *L, size_t idx, unsigned s)
{
    const fz_api *A = L->api;
    fz_block *b = &L->slot[s];
    verify_block(L, idx, s, "before free");
    void *p = b->live ? b->p : NULL;
    errno = 4242;
    A->free(p);
    if (L->prof->free_keeps_errno && errno != 4242)
        fz_fail(p ? "free-errno" : "free-null", idx, s, L, "free(%p) changed errno to %d", p, errno);
    if (b->live)
        drop_block(L, s);
    L->last_result = 1;
}

/* Allocation ops (malloc, calloc, aligned_alloc, posix_memalign) into an empty slot. */
static void lane_alloc(fz_lane *L, const fz_op *op, size_t idx)
{
    const fz_api *A = L->api;
    const fz_profile *P = L->prof;
    unsigned s = op->slot;
    size_t req = 0, align = 16;
    bool overflow = false, bad_align = false, odd_size = false;
    const char *what = fz_op_name(op->code);
    switch (op->code) {
    case FZ_OP_MALLOC: req = op->a; break;
    case FZ_OP_CALLOC:
        overflow = op->b != 0 && op->a > SIZE_MAX / op->b;
        req = overflow ? SIZE_MAX : op->a * op->b;
        break;
    case FZ_OP_ALIGNED:
        align = op->a;
        req = op->b;
        bad_align = !pow2(align);
        odd_size = !bad_align && req % align != 0;
        break;
    default: /* FZ_OP_MEMALIGN */
        align = op->a;
        req = op->b;
        bad_align = !pow2(align) || align % sizeof(void *) != 0;
        break;
    }
    bool huge = overflow || req > PD_MAX;
    if ((op->code == FZ_OP_ALIGNED && !A->aligned_alloc) ||
        (op->code == FZ_OP_MEMALIGN && !A->posix_memalign) ||
        (A->max_request && req > A->max_request) ||
        (!bad_align && A->max_align && align > A->max_align)) {
        L->last_result = -1; /* not issued to this lane */
        return;
    }
    /* valid: must succeed when there is room */
    L->last_valid = !huge && !bad_align && !(odd_size && P->aligned_size_multiple) &&
                    !(req == 0 && P->malloc0 != FZ_NONNULL);
    errno = 0;
    void *p = NULL;
    int ret = 0;
    switch (op->code) {
    case FZ_OP_MALLOC: p = A->malloc(req); break;
    case FZ_OP_CALLOC: p = A->calloc(op->a, op->b); break;
    case FZ_OP_ALIGNED: p = A->aligned_alloc(align, req); break;
    default: {
        void *out = (void *)&L->slot[s]; /* sentinel: must stay untouched on failure */
        ret = A->posix_memalign(&out, align, req);
        if (ret != 0) {
            if (out != (void *)&L->slot[s])
                fz_fail("memalign-untouched", idx, s, L,
                        "posix_memalign failed (%d) but changed its output to %p", ret, out);
            p = NULL;
        } else {
            p = out;
            if (!p && req != 0)
                fz_fail("memalign-result", idx, s, L, "posix_memalign returned 0 and NULL");
        }
        break;
    }
    }
    int err = op->code == FZ_OP_MEMALIGN ? ret : errno;
    L->last_errno = err;
    if (p == NULL) {
        L->last_result = 0;
        if (op->code == FZ_OP_MEMALIGN && ret == 0) { /* size 0, NULL result allowed */
            if (P->malloc0 == FZ_NONNULL)
                fz_fail("malloc0", idx, s, L, "posix_memalign(&p, %zu, 0) gave NULL", align);
            L->last_result = 1;
            return;
        }
        if (bad_align) {
            if (op->code == FZ_OP_MEMALIGN && ret != EINVAL)
                fz_fail("memalign-einval", idx, s, L,
                        "posix_memalign with alignment %zu returned %d, expected EINVAL", align, ret);
            if (op->code == FZ_OP_ALIGNED)
                expect_errno(L, idx, s, err, EINVAL,
                             huge || P->aligned_bad == FZ_MAY_SUCCEED ? ENOMEM : EINVAL, what);
            return;
        }
        if (huge) {
            expect_errno(L, idx, s, err, ENOMEM,
                         odd_size && P->aligned_size_multiple ? EINVAL : ENOMEM, what);
            return;
        }
        if (odd_size && P->aligned_size_multiple && err == EINVAL)
            return;
        if (req == 0 && P->malloc0 != FZ_NONNULL)
            return;
        /* out of memory: allowed only if the fit guarantee agrees */
        expect_errno(L, idx, s, err, ENOMEM, ENOMEM, what);
        fit_oracle(L, idx, s, req, align, NULL);
        return;
    }
    L->last_result = 1;
    if (huge)
        fz_fail(overflow ? "calloc-overflow" : "huge-size", idx, s, L,
                "%s of %s bytes succeeded (%p); must fail with ENOMEM", what,
                overflow ? "an overflowing product of" : "more than PTRDIFF_MAX", p);
    if (bad_align && op->code == FZ_OP_MEMALIGN)
        fz_fail("memalign-einval", idx, s, L, "posix_memalign accepted alignment %zu", align);
    if (bad_align && P->aligned_bad == FZ_MUST_FAIL_EINVAL)
        fz_fail("aligned-bad-alignment", idx, s, L,
                "aligned_alloc accepted alignment %zu (must fail with EINVAL)", align);
    /* the requested alignment counts only when one was asked for: plain malloc/calloc (and a
     * bad alignment accepted as glibc < 2.38 does) get the profile's rule in accept_block */
    accept_block(L, idx, s, p, req,
                 op->code == FZ_OP_MALLOC || op->code == FZ_OP_CALLOC || bad_align ? 1 : align);
    fz_block *b = &L->slot[s];
    if (op->code == FZ_OP_CALLOC) {
        size_t at = nonzero_at(b->p, req);
        if (at != req)
            fz_fail("calloc-zero", idx, s, L, "byte %zu of calloc(%zu, %zu) is 0x%02x", at, op->a,
                    op->b, b->p[at]);
    }
    b->tag = next_tag(L, s);
    b->filled = b->req;
    fill(b->p, 0, b->filled, b->tag);
}

static void lane_realloc(fz_lane *L, const fz_op *op, size_t idx)
{
    const fz_api *A = L->api;
    const fz_profile *P = L->prof;
    unsigned s = op->slot;
    fz_block *b = &L->slot[s];
    size_t req = op->a;
    bool huge = req > PD_MAX;
    if (A->max_request && req > A->max_request) {
        L->last_result = -1;
        return;
    }
    if (!b->live) { /* realloc(NULL, n) is malloc(n) */
        errno = 0;
        L->last_valid = !huge && !(req == 0 && P->malloc0 != FZ_NONNULL);
        void *p = A->realloc(NULL, req);
        L->last_errno = errno;
        if (!p) {
            L->last_result = 0;
            if (req == 0 && P->malloc0 != FZ_NONNULL)
                return;
            expect_errno(L, idx, s, L->last_errno, ENOMEM, ENOMEM, "realloc(NULL, n)");
            if (!huge)
                fit_oracle(L, idx, s, req, 16, NULL);
            return;
        }
        L->last_result = 1;
        if (huge)
            fz_fail("huge-size", idx, s, L, "realloc(NULL, %zu) succeeded", req);
        accept_block(L, idx, s, p, req, 1); /* no explicit alignment: the profile's rule */
        b->tag = next_tag(L, s);
        b->filled = req;
        fill(b->p, 0, req, b->tag);
        return;
    }
    verify_block(L, idx, s, "before realloc");
    fz_block old = *b;
    L->last_valid = !huge && req != 0;
    errno = 0;
    void *p = A->realloc(old.p, req);
    int err = errno;
    L->last_errno = err;
    if (req == 0 && !huge) {
        if (P->realloc0 == FZ_R0_FREES_NULL && p)
            fz_fail("realloc0", idx, s, L,
                    "realloc(p, 0) returned %p; this profile (%s) frees p and returns NULL", p,
                    P->name);
        if (!p && P->realloc0 != FZ_R0_NEW_BLOCK) {
            drop_block(L, s); /* freed */
            L->last_result = 1;
            return;
        }
    }
    if (!p) {
        L->last_result = 0;
        /* failed: the old block must be intact and still live */
        verify_block(L, idx, s, "after a failed realloc (block must be intact)");
        expect_errno(L, idx, s, err, ENOMEM, ENOMEM, "realloc");
        if (!huge)
            fit_oracle(L, idx, s, req, 16, &old);
        return;
    }
    L->last_result = 1;
    if (huge)
        fz_fail("huge-size", idx, s, L, "realloc(p, %zu) succeeded", req);
    /* the old block is gone (moved or resized): take it out of the model, put the new one in */
    L->used_bytes -= old.req;
    L->live_blocks--;
    b->live = false;
    accept_block(L, idx, s, p, req, 1); /* no explicit alignment: the profile's rule */
    size_t keep = old.filled < req ? old.filled : req;
    size_t at = mismatch(b->p, 0, keep, old.tag);
    if (at != keep)
        fz_fail("realloc-keeps-data", idx, s, L,
                "realloc %p (%zu bytes) -> %p (%zu bytes): byte %zu of the %zu kept bytes differs",
                (void *)old.p, old.req, p, req, at, keep);
    b->tag = old.tag;
    b->filled = req;
    if (req > keep)
        fill(b->p, keep, req, b->tag);
}

static void lane_badfree(fz_lane *L, const fz_op *op, size_t idx)
{
    const fz_api *A = L->api;
    unsigned s = op->slot;
    fz_block *b = &L->slot[s];
    static _Alignas(16) char outside[64];
    if (!A->bad_pointer) {
        L->last_result = -1;
        return;
    }
    uintptr_t lo = 0, hi = 0;
    if (A->region)
        A->region(&lo, &hi);
    unsigned char *bad = NULL;
    switch (op->arg & 3u) {
    case FZ_BAD_INTERIOR:
        if (b->live && b->p)
            bad = b->req > 16 ? b->p + 16 : b->p + 8;
        break;
    case FZ_BAD_STALE:
        bad = L->stale[s];
        for (unsigned k = 0; bad && k < FZ_SLOTS; k++)
            if (L->slot[k].live && L->slot[k].p == bad)
                bad = NULL; /* recycled: now a live block again */
        break;
    case FZ_BAD_OUTSIDE: bad = (unsigned char *)outside + 16; break;
    default:
        bad = b->live && b->p ? b->p + 1 : (lo ? (unsigned char *)lo + 1 : NULL);
        break;
    }
    if (!bad) {
        L->last_result = -1;
        return;
    }
    unsigned reports = A->bad_pointer(bad, (op->arg & 4u) != 0);
    if (reports != 1)
        fz_fail("bad-pointer", idx, s, L,
                "%s of a %s pointer %p: %u reports%s%s%s (expected exactly 1, nothing changed)",
                (op->arg & 4u) ? "realloc" : "free", bad_kind_name(op->arg), (void *)bad,
                reports & 0xffu, reports & 0x100u ? ", and realloc returned a block" : "",
                reports & 0x200u ? ", and realloc did not set errno = EINVAL" : "",
                reports & 0x400u ? ", the allocator claims it owns this pointer" : "");
    L->last_result = 1;
}

static void lane_exec(run_ctx *c, fz_lane *L, const fz_op *op)
{
    const fz_api *A = L->api;
    size_t idx = c->idx;
    unsigned s = op->slot;
    fz_block *b = &L->slot[s];
    L->last_result = -1;
    L->last_valid = false;
    L->last_errno = 0;
    switch (op->code) {
    case FZ_OP_MALLOC:
    case FZ_OP_CALLOC:
    case FZ_OP_ALIGNED:
    case FZ_OP_MEMALIGN: lane_alloc(L, op, idx); break;
    case FZ_OP_REALLOC: lane_realloc(L, op, idx); break;
    case FZ_OP_FREE: lane_free(L, idx, s); break;
    case FZ_OP_USABLE:
        if (!A->usable_size)
            break;
        if (!b->live) {
            size_t u = A->usable_size(NULL);
            if (u != 0)
                fz_fail("usable-null", idx, s, L, "usable_size(NULL) = %zu", u);
        } else {
            size_t u = A->usable_size(b->p);
            if (u < b->req)
                fz_fail("usable-size", idx, s, L, "usable size %zu below the request %zu", u,
                        b->req);
            b->usable = u;
        }
        L->last_result = 1;
        break;
    case FZ_OP_WRITE:
        if (b->live && b->p) {
            verify_block(L, idx, s, "before write");
            b->tag = next_tag(L, s);
            b->filled = (op->arg & 1u) ? fill_len(L, b) : b->req;
            fill(b->p, 0, b->filled, b->tag);
        }
        break;
    case FZ_OP_VERIFY:
        if (b->live)
            verify_block(L, idx, s, "verify");
        else
            for (unsigned k = 0; k < FZ_SLOTS; k++)
                verify_block(L, idx, k, "verify");
        break;
    case FZ_OP_CHECK:
        for (unsigned k = 0; k < FZ_SLOTS; k++)
            verify_block(L, idx, k, "check");
        check_hooks(L, idx, s, (op->arg & 1u) != 0);
        break;
    case FZ_OP_STATS: break; /* the hooks below compare stats after every op */
    case FZ_OP_BADFREE: lane_badfree(L, op, idx); break;
    default: break;
    }
}

static void exec_one(run_ctx *c, const fz_op *op)
{
    if (c->o && c->o->trace)
        c->o->trace(c->idx, op, c->o->trace_ctx);
    fz_ops_total++;
    c->executed++;
    for (size_t k = 0; k < c->n; k++) {
        fz_lane *L = &c->lanes[k];
        lane_exec(c, L, op);
        check_hooks(L, c->idx, op->slot, false);
        sample_blocks(L, c->idx);
    }
    /* agreement: lane 0 succeeded on a request another lane is bound to serve, and that lane
     * (the system allocator, with plenty of memory) failed it */
    fz_lane *R = &c->lanes[0];
    for (size_t k = 1; k < c->n; k++) {
        fz_lane *L = &c->lanes[k];
        if (R->last_result == 1 && L->last_result == 0 && L->last_valid && R->last_valid)
            fz_fail("agreement", c->idx, op->slot, L,
                    "%s failed (errno %d) on %s where %s succeeded", fz_op_name(op->code),
                    L->last_errno, lname(L), lname(R));
    }
}

static void exec_op(run_ctx *c, const fz_op *op)
{
    fz_op sub = *op;
    switch (op->code) {
    case FZ_OP_MALLOC:
    case FZ_OP_CALLOC:
    case FZ_OP_ALIGNED:
    case FZ_OP_MEMALIGN:
        if (c->lanes[0].slot[op->slot].live) { /* an occupied slot is freed first */
            sub.code = FZ_OP_FREE;
            exec_one(c, &sub);
        }
        for (size_t k = 1; k < c->n; k++) /* keep the lanes in step */
            if (c->lanes[k].slot[op->slot].live)
                lane_free(&c->lanes[k], c->idx, op->slot);
        exec_one(c, op);
        break;
    case FZ_OP_FILL:
        sub.code = FZ_OP_MALLOC;
        for (unsigned s = 0; s < FZ_SLOTS; s++)
            if (!c->lanes[0].slot[s].live) {
                sub.slot = (uint8_t)s;
                exec_op(c, &sub);
            }
        break;
    case FZ_OP_FREEMANY:
        sub.code = FZ_OP_FREE;
        for (unsigned s = 0; s < FZ_SLOTS; s++)
            if (op->mask & (1u << s)) {
                sub.slot = (uint8_t)s;
                exec_one(c, &sub);
            }
        break;
    default: exec_one(c, op); break;
    }
}

size_t fz_run(fz_lane *lanes, size_t n, const uint8_t *data, size_t size, const fz_run_opts *o)
{
    pat_init();
    uint8_t hdr = fz_header(data, size);
    size_t nominal = o && o->nominal_arena ? o->nominal_arena : fz_arena_choices[hdr & 3u];
    for (size_t k = 0; k < n; k++) {
        fz_lane *L = &lanes[k];
        memset(L->slot, 0, sizeof L->slot);
        memset(L->stale, 0, sizeof L->stale);
        memset(L->gen, 0, sizeof L->gen);
        L->used_bytes = L->live_blocks = 0;
        L->arena = L->api->begin ? L->api->begin(hdr) : nominal;
    }
    run_ctx c = { lanes, n, o, 0, 0 };
    fz_reader r;
    fz_reader_init(&r, data, size, lanes[0].arena);
    fz_op op;
    while (c.idx < FZ_MAX_OPS && fz_next(&r, &op)) {
        exec_op(&c, &op);
        c.idx++;
    }
    /* the end: every block intact, then freed; the reference is back to one free block */
    for (size_t k = 0; k < n; k++) {
        fz_lane *L = &lanes[k];
        for (unsigned s = 0; s < FZ_SLOTS; s++)
            if (L->slot[s].live) {
                verify_block(L, c.idx, s, "at the end");
                lane_free(L, c.idx, s);
            }
        check_hooks(L, c.idx, 0, true);
        fz_stats st;
        if ((!o || o->final_state) && L->api->stats && L->api->stats(&st)) {
            if (st.live_blocks != 0 || st.used_bytes != 0 || st.free_blocks != 1 ||
                st.free_bytes != st.arena_bytes || st.largest_free != st.arena_bytes)
                fz_fail("final-state", c.idx, 0, L,
                        "after freeing everything: %zu live blocks, %zu used bytes, %zu free "
                        "blocks, %zu of %zu bytes free, largest %zu",
                        st.live_blocks, st.used_bytes, st.free_blocks, st.free_bytes,
                        st.arena_bytes, st.largest_free);
        }
    }
    return c.executed;
}
