/*
 * refalloc layout: size + alignment values with Rust `Layout` rules, and C struct layout.
 *
 * A layout is valid when align is a nonzero power of two and size rounded up to align does not
 * exceed RA_LAYOUT_MAX_SIZE (= PTRDIFF_MAX). Every function below takes valid layouts (an invalid
 * input layout is reported as an error, never trusted) and produces valid layouts; every overflow
 * is reported as RA_LAYOUT_EOVERFLOW, never wrapped. On error the output arguments are untouched.
 *
 *   new(size, align)       { size, align }
 *   array(elem, n)         { pad(elem).size * n, elem.align }   pad(l) = round_up(l.size, l.align)
 *   extend(a, f)           offset = round_up(a.size, f.align);
 *                          { offset + f.size, max(a.align, f.align) }   (no trailing padding,
 *                          as Rust's Layout::extend; call pad_to_align when the record is done)
 *   pad_to_align(l)        { round_up(l.size, l.align), l.align }  (cannot fail for a valid l)
 *
 * Struct layout (C, as gcc and clang lay out structs on the System V ABIs, bit-fields excepted):
 *   ra_layout_struct_begin(&s, flags, struct_aligned)   flags: 0 or RA_LAYOUT_PACKED;
 *                                                       struct_aligned: N of aligned(N), 0 = none
 *   ra_layout_struct_field(&s, field, field_aligned, &offset)   once per member, in order
 *   ra_layout_struct_end(&s, &out)                      the struct's size and alignment
 * Member alignment: packed ? 1 : field.align, then raised to N if the member has aligned(N)
 * (max(natural, N); in a packed struct exactly N). Offset: round_up(previous end, member align).
 * Struct alignment: max(member alignments, struct aligned(N)); size: end of the last member
 * rounded up to the struct alignment. An empty struct has size 0 and alignment 1 (GNU C).
 * A nested struct is a field whose layout is another struct's result; an array member is
 * ra_layout_array(element, n); a flexible array member is a field of size 0 with the element's
 * alignment. RA_LAYOUT_OF(type) gives a C type's natural layout. Builder errors are sticky: the
 * first error is kept and returned by every later call, so a caller may check only at end.
 * Since a member's end never decreases, a struct overflows iff some step reports EOVERFLOW.
 *
 * All functions are O(1). No allocation, no global state;
 * thread-safe. The ACSL contracts above each prototype are proved by Frama-C WP (make prove);
 * the mathematical definitions are in spec/layout.acsl.
 */
#ifndef RA_LAYOUT_H
#define RA_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RA_LAYOUT_MAX_SIZE ((size_t)PTRDIFF_MAX)
#define RA_LAYOUT_PACKED 1u

typedef struct {
    size_t size;
    size_t align;
} ra_layout;

/* A C type's natural layout, e.g. RA_LAYOUT_OF(double) == { 8, 8 } on x86_64. */
#define RA_LAYOUT_OF(type) ((ra_layout){ sizeof(type), _Alignof(type) })

typedef enum {
    RA_LAYOUT_OK = 0,
    RA_LAYOUT_EINVAL_ARG,   /* a NULL output pointer or builder */
    RA_LAYOUT_EALIGN,       /* an alignment that is zero or not a power of two */
    RA_LAYOUT_EOVERFLOW     /* a size that, rounded up to its alignment, exceeds PTRDIFF_MAX */
} ra_layout_status;

/* Struct builder state; fields private (use the functions). */
typedef struct {
    size_t size;            /* end of the last member (unpadded) */
    size_t align;           /* maximum member alignment so far (1 when empty) */
    size_t struct_aligned;  /* aligned(N) of the struct, 1 when none */
    unsigned flags;
    ra_layout_status status; /* first error, sticky */
} ra_layout_struct_builder;

#ifdef __FRAMAC__
#include "../spec/align.acsl"
#include "../spec/layout.acsl"
#include "../spec/struct_layout.acsl"
#include "../spec/arith_lemmas.acsl"
#endif

/* True iff align is a nonzero power of two. */
/*@ assigns \nothing;
    ensures \result <==> pow2(align);
*/
bool ra_layout_align_ok(size_t align);

/* True iff l is valid (power-of-two alignment, padded size <= RA_LAYOUT_MAX_SIZE). */
/*@ assigns \nothing;
    ensures \result <==> layout_ok(l.size, l.align);
*/
bool ra_layout_is_valid(ra_layout l);

/* { size, align } into *out: RA_LAYOUT_OK, RA_LAYOUT_EALIGN, RA_LAYOUT_EOVERFLOW,
 * RA_LAYOUT_EINVAL_ARG (out NULL). */
/*@ requires out == \null || \valid(out);
    assigns *out;
    behavior null_out:
      assumes out == \null;
      assigns \nothing;
      ensures \result == RA_LAYOUT_EINVAL_ARG;
    behavior invalid:
      assumes out != \null && !layout_ok(size, align);
      assigns \nothing;
      ensures \result == layout_status(size, align) && \result != RA_LAYOUT_OK;
    behavior ok:
      assumes out != \null && layout_ok(size, align);
      ensures \result == RA_LAYOUT_OK && out->size == size && out->align == align;
    complete behaviors;
    disjoint behaviors;
*/
ra_layout_status ra_layout_new(size_t size, size_t align, ra_layout *out);

/* n elements of elem, each padded to elem.align. Errors: EINVAL_ARG, EALIGN / EOVERFLOW for an
 * invalid elem, EOVERFLOW if the product exceeds the bound. n == 0 gives { 0, elem.align }. */
/*@ requires out == \null || \valid(out);
    assigns *out;
    behavior null_out:
      assumes out == \null;
      assigns \nothing;
      ensures \result == RA_LAYOUT_EINVAL_ARG;
    behavior bad_elem:
      assumes out != \null && !layout_ok(elem.size, elem.align);
      assigns \nothing;
      ensures \result == layout_status(elem.size, elem.align);
    behavior overflow:
      assumes out != \null && layout_ok(elem.size, elem.align);
      assumes !layout_ok(round_up(elem.size, elem.align) * n, elem.align);
      assigns \nothing;
      ensures \result == RA_LAYOUT_EOVERFLOW;
    behavior ok:
      assumes out != \null && layout_ok(elem.size, elem.align);
      assumes layout_ok(round_up(elem.size, elem.align) * n, elem.align);
      ensures \result == RA_LAYOUT_OK;
      ensures out->size == round_up(elem.size, elem.align) * n && out->align == elem.align;
    complete behaviors;
    disjoint behaviors;
*/
ra_layout_status ra_layout_array(ra_layout elem, size_t n, ra_layout *out);

/* Append field after a; *offset receives the field's offset (offset may be NULL).
 * Errors: EINVAL_ARG (out NULL), EALIGN / EOVERFLOW for an invalid input, EOVERFLOW. */
/*@ requires out == \null || \valid(out);
    requires offset == \null || \valid(offset);
    requires \separated(out, offset);
    assigns *out, *offset;
    behavior null_out:
      assumes out == \null;
      assigns \nothing;
      ensures \result == RA_LAYOUT_EINVAL_ARG;
    behavior bad_input:
      assumes out != \null;
      assumes !layout_ok(a.size, a.align) || !layout_ok(field.size, field.align);
      assigns \nothing;
      ensures !layout_ok(a.size, a.align) ==> \result == layout_status(a.size, a.align);
      ensures layout_ok(a.size, a.align) ==>
        \result == layout_status(field.size, field.align);
    behavior overflow:
      assumes out != \null && layout_ok(a.size, a.align) && layout_ok(field.size, field.align);
      assumes !layout_ok(round_up(a.size, field.align) + field.size, imax(a.align, field.align));
      assigns \nothing;
      ensures \result == RA_LAYOUT_EOVERFLOW;
    behavior ok:
      assumes out != \null && layout_ok(a.size, a.align) && layout_ok(field.size, field.align);
      assumes layout_ok(round_up(a.size, field.align) + field.size, imax(a.align, field.align));
      ensures \result == RA_LAYOUT_OK;
      ensures out->size == round_up(a.size, field.align) + field.size;
      ensures out->align == imax(a.align, field.align);
      ensures offset != \null ==> *offset == round_up(a.size, field.align);
    complete behaviors;
    disjoint behaviors;
*/
ra_layout_status ra_layout_extend(ra_layout a, ra_layout field, ra_layout *out, size_t *offset);

/* l with its size rounded up to its alignment. l must be valid (then this cannot overflow);
 * an invalid l is returned unchanged. */
/*@ assigns \nothing;
    ensures layout_ok(l.size, l.align) ==>
      \result.size == round_up(l.size, l.align) && \result.align == l.align;
    ensures !layout_ok(l.size, l.align) ==> \result == l;
*/
ra_layout ra_layout_pad_to_align(ra_layout l);

/* Bytes of padding after l.size up to the next multiple of align (a power of two), i.e.
 * round_up(l.size, align) - l.size; SIZE_MAX if align is not a power of two or rounding
 * overflows. */
/*@ assigns \nothing;
    ensures !pow2(align) ==> \result == SIZE_MAX;
    ensures pow2(align) && round_up(l.size, align) > SIZE_MAX ==> \result == SIZE_MAX;
    ensures pow2(align) && round_up(l.size, align) <= SIZE_MAX ==>
      \result == pad_up(l.size, align);
*/
size_t ra_layout_padding_needed_for(ra_layout l, size_t align);

/* Start a struct. flags: 0 or RA_LAYOUT_PACKED; struct_aligned: N of __attribute__((aligned(N)))
 * on the struct, or 0 for none (N must be a power of two: else EALIGN, sticky). */
/*@ requires s == \null || \valid(s);
    assigns *s;
    behavior null:
      assumes s == \null;
      assigns \nothing;
      ensures \result == RA_LAYOUT_EINVAL_ARG;
    behavior bad_align:
      assumes s != \null && struct_aligned != 0 && !pow2(struct_aligned);
      ensures \result == RA_LAYOUT_EALIGN && s->status == RA_LAYOUT_EALIGN;
      ensures builder_inv(s);
    behavior ok:
      assumes s != \null && (struct_aligned == 0 || pow2(struct_aligned));
      ensures \result == RA_LAYOUT_OK && s->status == RA_LAYOUT_OK && builder_inv(s);
      ensures s->size == 0 && s->align == 1 && s->flags == flags;
      ensures s->struct_aligned == (struct_aligned == 0 ? 1 : struct_aligned);
    complete behaviors;
    disjoint behaviors;
*/
ra_layout_status ra_layout_struct_begin(ra_layout_struct_builder *s, unsigned flags,
                                        size_t struct_aligned);

/* Append a member with layout field and member attribute aligned(field_aligned) (0 = none);
 * its offset goes to *offset (offset may be NULL). Returns the builder's status. */
/*@ requires s == \null || (\valid(s) && builder_inv(s));
    requires offset == \null || \valid(offset);
    requires \separated(s, offset);
    assigns s->size, s->align, s->status, *offset;
    behavior null:
      assumes s == \null;
      assigns \nothing;
      ensures \result == RA_LAYOUT_EINVAL_ARG;
    behavior sticky:
      assumes s != \null && s->status != RA_LAYOUT_OK;
      assigns \nothing;
      ensures \result == s->status;
    behavior bad_member:
      assumes s != \null && s->status == RA_LAYOUT_OK;
      assumes !layout_ok(field.size, field.align) || (field_aligned != 0 && !pow2(field_aligned));
      assigns s->status;
      ensures \result == s->status && builder_inv(s);
      ensures !layout_ok(field.size, field.align) ==>
        \result == layout_status(field.size, field.align);
      ensures layout_ok(field.size, field.align) ==> \result == RA_LAYOUT_EALIGN;
    behavior overflow:
      assumes s != \null && s->status == RA_LAYOUT_OK;
      assumes layout_ok(field.size, field.align) && (field_aligned == 0 || pow2(field_aligned));
      assumes round_up(s->size, member_align(s->flags, field.align, field_aligned)) + field.size
              > LAYOUT_MAX;
      assigns s->status;
      ensures \result == RA_LAYOUT_EOVERFLOW && s->status == RA_LAYOUT_EOVERFLOW;
      ensures builder_inv(s);
    behavior ok:
      assumes s != \null && s->status == RA_LAYOUT_OK;
      assumes layout_ok(field.size, field.align) && (field_aligned == 0 || pow2(field_aligned));
      assumes round_up(s->size, member_align(s->flags, field.align, field_aligned)) + field.size
              <= LAYOUT_MAX;
      ensures \result == RA_LAYOUT_OK && s->status == RA_LAYOUT_OK && builder_inv(s);
      ensures s->size == round_up(\old(s->size), member_align(s->flags, field.align,
                                                                field_aligned)) + field.size;
      ensures s->align == imax(\old(s->align), member_align(s->flags, field.align,
                                                            field_aligned));
      ensures offset != \null ==> *offset == round_up(\old(s->size),
                                      member_align(s->flags, field.align, field_aligned));
    complete behaviors;
    disjoint behaviors;
*/
ra_layout_status ra_layout_struct_field(ra_layout_struct_builder *s, ra_layout field,
                                        size_t field_aligned, size_t *offset);

/* The struct's layout (padded to its alignment) into *out. Returns the builder's status;
 * *out is written only on success. */
/*@ requires s == \null || (\valid_read(s) && builder_inv(s));
    requires out == \null || \valid(out);
    requires \separated(s, out);
    assigns *out;
    behavior null:
      assumes s == \null || out == \null;
      assigns \nothing;
      ensures \result == RA_LAYOUT_EINVAL_ARG;
    behavior sticky:
      assumes s != \null && out != \null && s->status != RA_LAYOUT_OK;
      assigns \nothing;
      ensures \result == s->status;
    behavior overflow:
      assumes s != \null && out != \null && s->status == RA_LAYOUT_OK;
      assumes !layout_ok(s->size, imax(s->align, s->struct_aligned));
      assigns \nothing;
      ensures \result == RA_LAYOUT_EOVERFLOW;
    behavior ok:
      assumes s != \null && out != \null && s->status == RA_LAYOUT_OK;
      assumes layout_ok(s->size, imax(s->align, s->struct_aligned));
      ensures \result == RA_LAYOUT_OK;
      ensures out->align == imax(s->align, s->struct_aligned);
      ensures out->size == round_up(s->size, imax(s->align, s->struct_aligned));
    complete behaviors;
    disjoint behaviors;
*/
ra_layout_status ra_layout_struct_end(const ra_layout_struct_builder *s, ra_layout *out);

/* One sentence naming a status code (never NULL). */
/*@ assigns \nothing;
    ensures \result != \null;
*/
const char *ra_layout_status_str(ra_layout_status s);

#ifdef __cplusplus
}
#endif
#endif
