/*
 * refalloc stack: LIFO arena with out-of-line frame records.
 *
 *     buf:    [ blk 0 |pad| blk 1 | blk 2 |........ free ........]
 *                                          ^top             ^bytes
 *     frames: { start 0, prev 0 } { start 24, prev 20 } { start 40, prev 40 }  count = 3
 *
 * push aligns the top (absolute alignment: base_mod is the buffer's address modulo the largest
 * alignment offered), records {start, previous top} and moves the top past the block. pop accepts
 * only the block of the last record and restores that record's previous top (so the padding goes
 * too). A mark is {top, count}; it is valid while the frame record at position count (if any)
 * still says the top was mark.top when it was pushed (so no pop or release went beneath the mark
 * and pushed again). Every operation is a constant number of steps.
 *
 * Outside the proof (end of file, #ifndef __FRAMAC__): the address arithmetic for base_mod, the
 * ASan poisoning of the free part of the buffer, and the report to the handler.
 */
#include "stack.h"

#ifndef __FRAMAC__
#include <stdio.h>
#include <stdlib.h>
#endif

/* ---- outside the proof ----------------------------------------------------------------- */

/*@ assigns \nothing;
    ensures \result < RA_STACK_MAX_ALIGN;
*/
static size_t addr_mod(const void *p);

/* Mark base[from .. to) unusable (ASan) or usable; no effect on the C state. */
/*@ assigns \nothing; */
static void poison(const ra_stack *s, size_t from, size_t to);
/*@ assigns \nothing; */
static void unpoison(const ra_stack *s, size_t from, size_t to);

/*@ assigns \nothing; */
static void report(const ra_stack *s, const char *op, const void *ptr, const char *reason);

/* ---- the proved core ------------------------------------------------------------------- */

bool ra_stack_init(ra_stack *s, void *buf, size_t bytes, ra_stack_frame *frames,
                   size_t max_frames)
{
    if (s == NULL || buf == NULL || frames == NULL || bytes == 0 || bytes > RA_STACK_MAX_BYTES ||
        max_frames == 0 || max_frames > RA_STACK_MAX_BYTES)
        return false;
    s->base = buf;
    s->bytes = bytes;
    s->top = 0;
    s->base_mod = addr_mod(buf);
    s->frames = frames;
    s->max_frames = max_frames;
    s->count = 0;
    s->peak = 0;
    s->errors = 0;
    s->on_error = NULL;
    s->on_error_ctx = NULL;
    poison(s, 0, bytes);
    return true;
}

void ra_stack_fini(ra_stack *s)
{
    unpoison(s, 0, s->bytes);
}

void ra_stack_set_error_handler(ra_stack *s, ra_stack_error_fn fn, void *ctx)
{
    s->on_error = fn;
    s->on_error_ctx = ctx;
}

/*@ requires stack_inv(s);
    assigns s->errors;
    ensures stack_inv(s);
*/
static void error(ra_stack *s, const char *op, const void *ptr, const char *reason)
{
    if (s->errors < SIZE_MAX)
        s->errors++;
    report(s, op, ptr, reason);
}

/*@ assigns \nothing;
    ensures \result <==> is_pow2(a);
*/
static bool align_ok(size_t a)
{
    switch (a) {
    case 1: case 2: case 4: case 8: case 16: case 32: case 64: case 128: case 256: case 512:
    case 1024: case 2048: case 4096:
        return true;
    default:
        return false;
    }
}

/* The padding that takes offset x to the next multiple of a. The hints name the quotient and
 * keep the step a conditional, so that the product stays one term: with the step written out
 * (x + pad == a * (x / a + 1)), cvc4 took 12 s on the last step (measured). */
/*@ requires 0 < a;
    assigns \nothing;
    ensures \result < a && (x + \result) % a == 0; */
static inline size_t pad_to(size_t x, size_t a)
{
    size_t r = x % a;
    size_t pad = r == 0 ? 0 : a - r;
    //@ assert div: x == x / a * a + r;
    //@ assert moved: x + pad == (x / a + (r == 0 ? 0 : 1)) * a;
    return pad;
}

void *ra_stack_push(ra_stack *s, size_t size, size_t align)
{
    if (!align_ok(align))
        return NULL;
    if (s->count >= s->max_frames)
        return NULL;
    size_t pad = pad_to(s->base_mod + s->top, align);
    /*@ assert aligned: (s->base_mod + s->top + pad) % align == 0; */
    if (pad > s->bytes - s->top)
        return NULL;
    size_t start = s->top + pad;
    //@ assert aligned: (s->base_mod + start) % align == 0;
    if (size > s->bytes - start)
        return NULL;
    s->frames[s->count].start = start;
    s->frames[s->count].prev_top = s->top;
    s->count++;
    s->top = start + size;
    if (s->top > s->peak)
        s->peak = s->top;
    /* The new frame, in steps for the provers (pushed's postcondition as one goal: cvc4 timed
     * out, z3 took 3 s; the alignment as stack_aligned: cvc4 timed out, written out 0.1 s) */
    //@ assert pushed: s->frames[\at(s->count, Pre)].start == start;
    //@ assert pushed: s->frames[\at(s->count, Pre)].prev_top == \at(s->top, Pre);
    //@ assert pushed: s->base_mod == \at(s->base_mod, Pre);
    //@ assert pushed: (s->base_mod + start) % align == 0;
    unpoison(s, start, s->top);
    return s->base + start;
}

bool ra_stack_pop(ra_stack *s, const void *p)
{
    if (s->count == 0 || p != s->base + s->frames[s->count - 1].start) {
        error(s, "pop", p,
              s->count == 0 ? "pop of an empty stack"
                            : "pop of a block that is not the last one pushed");
        return false;
    }
    size_t old_top = s->top;
    /*@ assert below: \forall integer i; 0 <= i < s->count - 1 ==>
          s->frames[i].start <= s->frames[s->count - 1].prev_top; */
    s->top = s->frames[s->count - 1].prev_top;
    s->count--;
    /*@ assert frames: \forall integer i; 0 <= i < s->count ==>
          s->frames[i].prev_top <= s->frames[i].start <= s->top; */
    poison(s, s->top, old_top);
    return true;
}

ra_stack_mark ra_stack_mark_get(const ra_stack *s)
{
    ra_stack_mark m = { s->top, s->count };
    return m;
}

bool ra_stack_release(ra_stack *s, ra_stack_mark m)
{
    bool ok = m.count <= s->count && m.top <= s->top &&
              (m.count == s->count ? m.top == s->top : s->frames[m.count].prev_top == m.top);
    if (!ok) {
        error(s, "release", NULL, "release of a stale or foreign mark");
        return false;
    }
    size_t old_top = s->top;
    /*@ assert below: m.count < s->count ==> \forall integer i; 0 <= i < m.count ==>
          s->frames[i].start <= s->frames[m.count].prev_top; */
    s->top = m.top;
    s->count = m.count;
    poison(s, s->top, old_top);
    return true;
}

size_t ra_stack_used(const ra_stack *s)
{
    return s->top;
}

size_t ra_stack_count(const ra_stack *s)
{
    return s->count;
}

size_t ra_stack_peak(const ra_stack *s)
{
    return s->peak;
}

/* ---- the thin layer outside the proof -------------------------------------------------- */

#ifndef __FRAMAC__
#if defined(__SANITIZE_ADDRESS__)
#define RA_STACK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RA_STACK_ASAN 1
#endif
#endif
#ifdef RA_STACK_ASAN
#include <sanitizer/asan_interface.h>
#endif

static size_t addr_mod(const void *p)
{
    return (size_t)((uintptr_t)p % RA_STACK_MAX_ALIGN);
}

static void poison(const ra_stack *s, size_t from, size_t to)
{
#ifdef RA_STACK_ASAN
    if (to > from)
        ASAN_POISON_MEMORY_REGION(s->base + from, to - from);
#else
    (void)s, (void)from, (void)to;
#endif
}

static void unpoison(const ra_stack *s, size_t from, size_t to)
{
#ifdef RA_STACK_ASAN
    if (to > from)
        ASAN_UNPOISON_MEMORY_REGION(s->base + from, to - from);
#else
    (void)s, (void)from, (void)to;
#endif
}

static void report(const ra_stack *s, const char *op, const void *ptr, const char *reason)
{
    if (s->on_error != NULL) {
        s->on_error(s, op, ptr, reason, s->on_error_ctx);
        return;
    }
    fprintf(stderr, "refalloc stack: %s(%p) on stack %p: %s\n", op, ptr, (const void *)s, reason);
    abort();
}
#endif
