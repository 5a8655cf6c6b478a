/*
 * stack_model: random push / pop / wrong pop / mark / release sequences on ref/stack, against a
 * model stack of blocks (pointer, size, fill, top before the push) and a list of marks.
 *
 * Rules (violation: "RULE <name> violated at op #<i>", abort):
 *   push      a block is aligned as asked, inside the buffer, after the previous block; push fails
 *             only when the buffer, the frame table or the alignment forbids it
 *   lifo      pop of the last block succeeds and restores the top it had before the push; pop of
 *             any other pointer is reported once and changes nothing
 *   release   a mark is accepted iff the model's first mark.count blocks still end at mark.top,
 *             and then exactly the blocks pushed after it are gone
 *   contents  every live block keeps its fill
 * Under ASan the buffer above the top is poisoned: a use of a popped block is reported.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "stack.h"

const char fz_target_name[] = "stack_model";

#define BUF 4096u
#define FRAMES 48u
#define MARKS 8u

typedef struct {
    unsigned char *p;
    size_t size, prev_top;
    uint8_t fill;
} blk;

static struct {
    _Alignas(64) unsigned char buf[BUF];
    ra_stack_frame frames[FRAMES];
    ra_stack s;
    blk b[FRAMES];
    size_t n;
    ra_stack_mark marks[MARKS];
    unsigned nmarks;
    size_t op;
    int reports;
} S;

#define RULE(cond, name, ...) FZ_RULE(S.op, cond, name, __VA_ARGS__)

static void on_error(const ra_stack *s, const char *op, const void *ptr, const char *reason,
                     void *ctx)
{
    (void)s, (void)op, (void)ptr, (void)reason, (void)ctx;
    S.reports++;
}

typedef struct {
    const uint8_t *d;
    size_t n, pos;
} rd;

static uint8_t byte(rd *r)
{
    return r->pos < r->n ? r->d[r->pos++] : 0;
}

static void check_all(void)
{
    RULE(ra_stack_count(&S.s) == S.n, "lifo", "count %zu model %zu", ra_stack_count(&S.s), S.n);
    size_t top = S.n ? (size_t)(S.b[S.n - 1].p - (unsigned char *)S.s.base) + S.b[S.n - 1].size : 0;
    RULE(ra_stack_used(&S.s) == top, "lifo", "used %zu model %zu", ra_stack_used(&S.s), top);
    /* every byte every 32 ops and at the end, else a sparse sample (first, last, every 61st) */
    bool full = S.op % 32 == 0;
    for (size_t i = 0; i < S.n; i++) {
        size_t sz = S.b[i].size;
        for (size_t j = 0; j < sz; j += full ? 1 : 61)
            RULE(S.b[i].p[j] == S.b[i].fill, "contents", "block %zu byte %zu", i, j);
        if (sz > 0)
            RULE(S.b[i].p[sz - 1] == S.b[i].fill, "contents", "block %zu last byte", i);
    }
}

size_t fz_target_run(const uint8_t *data, size_t size)
{
    memset(&S, 0, sizeof S);
    rd r = { data, size, 0 };
    size_t off = byte(&r) % 17u; /* an unaligned buffer start */
    if (!ra_stack_init(&S.s, S.buf + off, BUF - off, S.frames, FRAMES))
        abort();
    ra_stack_set_error_handler(&S.s, on_error, NULL);
    unsigned char *base = (unsigned char *)S.s.base;
    while (r.pos < r.n && S.op < 10000) {
        S.op++;
        uint8_t opb = byte(&r);
        int before = S.reports;
        switch (opb % 6) {
        case 0:
        case 1: { /* push */
            size_t sz = (size_t)byte(&r) * ((opb >> 3) % 3u + 1u);
            size_t align = (size_t)1 << ((opb >> 5) % 8u);
            if (opb == 0xff)
                align = 3; /* invalid */
            size_t used = ra_stack_used(&S.s);
            unsigned char *p = ra_stack_push(&S.s, sz, align);
            if (p == NULL) {
                size_t pad = (align - ((uintptr_t)(base + used) % align)) % align;
                RULE(align == 3 || S.n == FRAMES || used + pad + sz > BUF - off, "push",
                     "push(%zu, %zu) failed with room (used %zu)", sz, align, used);
                break;
            }
            RULE(align != 3, "push", "push accepted alignment 3");
            RULE((uintptr_t)p % align == 0, "push", "misaligned block");
            RULE(p >= base + used && p + sz <= base + (BUF - off), "push", "block outside");
            blk *b = &S.b[S.n++];
            b->p = p;
            b->size = sz;
            b->prev_top = used;
            b->fill = (uint8_t)(S.op * 13u + 5u);
            memset(p, b->fill, sz);
            break;
        }
        case 2: /* pop the last */
            if (S.n > 0) {
                RULE(ra_stack_pop(&S.s, S.b[S.n - 1].p), "lifo", "pop of the last failed");
                S.n--;
                RULE(ra_stack_used(&S.s) == S.b[S.n].prev_top, "lifo", "top not restored");
            }
            break;
        case 3: { /* pop of something else */
            const void *p = NULL;
            if (S.n > 1 && (opb & 0x40))
                p = S.b[byte(&r) % (S.n - 1)].p;
            else if (S.n > 0 && (opb & 0x80))
                p = S.b[S.n - 1].p + 1;
            if (S.n > 0 && p == S.b[S.n - 1].p)
                break; /* equal to the last (a zero-size block shares its address) */
            RULE(!ra_stack_pop(&S.s, p), "lifo", "pop of a non-last pointer accepted");
            RULE(S.reports == before + 1, "lifo", "wrong pop not reported once");
            break;
        }
        case 4: /* mark */
            if (S.nmarks < MARKS)
                S.marks[S.nmarks++] = ra_stack_mark_get(&S.s);
            break;
        case 5: /* release a mark (any, not only the newest) */
            if (S.nmarks > 0) {
                unsigned i = byte(&r) % S.nmarks;
                ra_stack_mark m = S.marks[i];
                size_t used = ra_stack_used(&S.s);
                bool valid = m.count <= S.n && m.top <= used &&
                             (m.count == S.n ? m.top == used : S.b[m.count].prev_top == m.top);
                bool ok = ra_stack_release(&S.s, m);
                RULE(ok == valid, "release", "release(top %zu, count %zu) %s, model %s", m.top,
                     m.count, ok ? "accepted" : "refused", valid ? "valid" : "stale");
                RULE(S.reports == before + (ok ? 0 : 1), "release", "report count");
                if (ok)
                    S.n = m.count;
                S.marks[i] = S.marks[--S.nmarks];
            }
            break;
        }
        if (opb % 6 != 3 && opb % 6 != 5)
            RULE(S.reports == before, "lifo", "report on a valid operation");
        check_all();
    }
    size_t ops = S.op;
    S.op = 0; /* a full contents check */
    check_all();
    ra_stack_fini(&S.s);
    return ops;
}
