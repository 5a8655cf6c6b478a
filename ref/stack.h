/*
 * refalloc stack: a LIFO arena over a caller buffer, the discipline of a call stack as an
 * allocator.
 *
 *   push(size, align)   a block of size bytes at the top, aligned to align (a power of two up to
 *                       RA_STACK_MAX_ALIGN, relative to absolute addresses); NULL when the buffer
 *                       or the frame table is full, or align is not a power of two in range
 *   pop(p)              frees the last block pushed; p must be that block (any other pointer,
 *                       NULL included, is reported to the handler and changes nothing)
 *   mark()              the current top, as a value
 *   release(m)          frees everything pushed after m was taken, in one step (a scope ending);
 *                       a mark from which a release or pop already went beneath is reported
 *
 * Block metadata (start offset, top before the push) lives out of line in a caller-supplied
 * frame array, one record per live block, never inside the buffer: an overflow of one block
 * cannot corrupt the bookkeeping. push(0, a) returns a distinct pointer (a block of 0 bytes,
 * which may not be dereferenced) that pop accepts.
 *
 * Errors go to the handler: "pop of a block that is not the last one pushed" and "release of a
 * stale or foreign mark". The default handler prints one line on stderr and aborts; if a custom
 * handler returns, the call changes nothing and returns false.
 *
 * Complexity: every operation O(1). No allocation. Not thread-safe. Under AddressSanitizer the
 * part of the buffer above the top is poisoned, so a use of a popped or released block is
 * reported as it is for the heap.
 *
 * ACSL contracts are proved by Frama-C WP (make prove); logic in spec/stack.acsl.
 */
#ifndef RA_STACK_H
#define RA_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RA_STACK_MAX_ALIGN ((size_t)4096)
#define RA_STACK_MAX_BYTES ((size_t)PTRDIFF_MAX / 2)

typedef struct { size_t start, prev_top; } ra_stack_frame;
typedef struct { size_t top, count; } ra_stack_mark;

struct ra_stack;
typedef void (*ra_stack_error_fn)(const struct ra_stack *s, const char *op, const void *ptr,
                                  const char *reason, void *ctx);

/* The stack state: fields private, use the functions. */
typedef struct ra_stack {
    char *base;                /* char: WP reads void * as char *, so no cast is needed */
    size_t bytes;
    size_t top;                /* bytes in use (blocks and padding) */
    size_t base_mod;           /* address of base modulo RA_STACK_MAX_ALIGN */
    ra_stack_frame *frames;
    size_t max_frames;
    size_t count;              /* live blocks */
    size_t peak;               /* highest top since init */
    size_t errors;
    ra_stack_error_fn on_error;
    void *on_error_ctx;
} ra_stack;

#ifdef __FRAMAC__
#include "../spec/stack.acsl"
#endif

/* Set up s over buf[0 .. bytes) with room for max_frames live blocks in frames. Returns false
 * (s untouched) for NULL arguments, zero sizes, or sizes above RA_STACK_MAX_BYTES. O(1). */
/*@ requires \valid(s) && \valid((char *)buf + (0 .. bytes - 1));
    requires \valid(frames + (0 .. max_frames - 1));
    requires \separated(s, frames + (0 .. max_frames - 1), (char *)buf + (0 .. bytes - 1));
    requires \separated(frames + (0 .. max_frames - 1), (char *)buf + (0 .. bytes - 1));
    assigns *s;
    ensures \result ==> stack_inv(s) && s->top == 0 && s->count == 0 &&
                        s->base == (char *)buf && s->bytes == bytes;
*/
bool ra_stack_init(ra_stack *s, void *buf, size_t bytes, ra_stack_frame *frames,
                   size_t max_frames);

/* Hand the buffer back: under AddressSanitizer unpoison it (call before reusing the buffer for
 * something else); otherwise nothing. s is unusable afterwards until the next init. */
/*@ requires stack_inv(s);
    assigns \nothing;
*/
void ra_stack_fini(ra_stack *s);

/* Replace the error handler (NULL restores the default: print and abort). */
/*@ requires stack_inv(s);
    assigns s->on_error, s->on_error_ctx;
    ensures stack_inv(s);
*/
void ra_stack_set_error_handler(ra_stack *s, ra_stack_error_fn fn, void *ctx);

/*@ requires stack_inv(s);
    assigns s->top, s->count, s->peak, s->frames[s->count];
    ensures stack_inv(s);
    behavior bad_align:
      assumes !is_pow2(align);
      ensures \result == \null && s->top == \old(s->top) && s->count == \old(s->count);
    behavior pushed:
      assumes is_pow2(align);
      ensures \result == \null ==> s->top == \old(s->top) && s->count == \old(s->count);
      ensures \result != \null ==>
        s->count == \old(s->count) + 1 && \old(s->count) < s->max_frames &&
        s->frames[\old(s->count)].prev_top == \old(s->top) &&
        \result == s->base + s->frames[\old(s->count)].start &&
        \old(s->top) <= s->frames[\old(s->count)].start &&
        s->top == s->frames[\old(s->count)].start + size && s->top <= s->bytes &&
        stack_aligned(s, s->frames[\old(s->count)].start, align);
    complete behaviors;
    disjoint behaviors;
*/
void *ra_stack_push(ra_stack *s, size_t size, size_t align);

/* Free the last block pushed. Returns true if p was it. */
/*@ requires stack_inv(s);
    assigns s->top, s->count, s->errors;
    ensures stack_inv(s);
    behavior last:
      assumes s->count > 0 && p == s->base + s->frames[s->count - 1].start;
      ensures \result == \true && s->count == \old(s->count) - 1;
      ensures s->top == \old(s->frames[s->count - 1].prev_top);
    behavior other:
      assumes !(s->count > 0 && p == s->base + s->frames[s->count - 1].start);
      ensures \result == \false && s->count == \old(s->count) && s->top == \old(s->top);
    complete behaviors;
    disjoint behaviors;
*/
bool ra_stack_pop(ra_stack *s, const void *p);

/*@ requires stack_inv_read(s);
    assigns \nothing;
    ensures \result.top == s->top && \result.count == s->count && stack_mark_ok(s, \result);
*/
ra_stack_mark ra_stack_mark_get(const ra_stack *s);

/* Free every block pushed after m was taken. Returns true if m was valid (see stack_mark_ok). */
/*@ requires stack_inv(s);
    assigns s->top, s->count, s->errors;
    ensures stack_inv(s);
    behavior ok:
      assumes stack_mark_ok(s, m);
      ensures \result == \true && s->top == m.top && s->count == m.count;
    behavior stale:
      assumes !stack_mark_ok(s, m);
      ensures \result == \false && s->top == \old(s->top) && s->count == \old(s->count);
    complete behaviors;
    disjoint behaviors;
*/
bool ra_stack_release(ra_stack *s, ra_stack_mark m);

/* Bytes in use (blocks and alignment padding), live blocks, highest top since init. */
/*@ requires stack_inv_read(s); assigns \nothing; ensures \result == s->top; */
size_t ra_stack_used(const ra_stack *s);
/*@ requires stack_inv_read(s); assigns \nothing; ensures \result == s->count; */
size_t ra_stack_count(const ra_stack *s);
/*@ requires stack_inv_read(s); assigns \nothing; ensures \result == s->peak; */
size_t ra_stack_peak(const ra_stack *s);

#ifdef __cplusplus
}
#endif
#endif
