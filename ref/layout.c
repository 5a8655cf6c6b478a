/*
 * refalloc layout: size/alignment arithmetic without wrap-around.
 *
 * Every size computed here is checked against RA_LAYOUT_MAX_SIZE (PTRDIFF_MAX) before the next
 * operation, and every input layout is validated, so no intermediate value can exceed
 * 2 * PTRDIFF_MAX + 1 = SIZE_MAX: the checks themselves cannot wrap.
 * Rounding uses % rather than a mask on purpose: it is the definition the contracts state
 * (spec/layout.acsl), so the proof needs no bit-level reasoning beyond "power of two".
 */
#include "layout.h"

/* round_up(size, align) - size, for align > 0. */
/*@ requires align > 0;
    assigns \nothing;
    ensures \result == pad_up(size, align) && \result < align;
*/
static size_t pad_for(size_t size, size_t align)
{
    size_t r = size % align;
    return r == 0 ? 0 : align - r;
}

bool ra_layout_align_ok(size_t align)
{
    return align != 0 && (align & (align - 1u)) == 0;
}

/* The Rust rule: round_up(size, align) <= MAX, i.e. size <= MAX - pad (tested only once
 * pad <= MAX, so MAX - pad cannot wrap). */
/*@ requires align > 0;
    assigns \nothing;
    ensures \result <==> round_up(size, align) <= LAYOUT_MAX;
*/
static bool fits(size_t size, size_t align)
{
    size_t pad = pad_for(size, align);
    return pad <= RA_LAYOUT_MAX_SIZE && size <= RA_LAYOUT_MAX_SIZE - pad;
}

bool ra_layout_is_valid(ra_layout l)
{
    return ra_layout_align_ok(l.align) && fits(l.size, l.align);
}

/* Why l is not valid (or RA_LAYOUT_OK). */
/*@ assigns \nothing;
    ensures \result == layout_status(l.size, l.align);
    ensures ok: \result == RA_LAYOUT_OK <==> layout_ok(l.size, l.align);
*/
static ra_layout_status layout_status(ra_layout l)
{
    if (!ra_layout_align_ok(l.align))
        return RA_LAYOUT_EALIGN;
    if (!fits(l.size, l.align))
        return RA_LAYOUT_EOVERFLOW;
    return RA_LAYOUT_OK;
}

ra_layout_status ra_layout_new(size_t size, size_t align, ra_layout *out)
{
    ra_layout l = { size, align };
    if (out == NULL)
        return RA_LAYOUT_EINVAL_ARG;
    ra_layout_status st = layout_status(l);
    if (st == RA_LAYOUT_OK)
        *out = l;
    return st;
}

ra_layout_status ra_layout_array(ra_layout elem, size_t n, ra_layout *out)
{
    if (out == NULL)
        return RA_LAYOUT_EINVAL_ARG;
    ra_layout_status st = layout_status(elem);
    if (st != RA_LAYOUT_OK)
        return st;
    size_t stride = elem.size + pad_for(elem.size, elem.align); /* <= MAX: elem is valid */
    //@ assert stride == round_up(elem.size, elem.align) && stride <= LAYOUT_MAX;
    if (n != 0 && stride > RA_LAYOUT_MAX_SIZE / n) {
        //@ assert stride * n > LAYOUT_MAX;
        return RA_LAYOUT_EOVERFLOW;
    }
    //@ assert stride * n <= LAYOUT_MAX;
    ra_layout l = { stride * n, elem.align };
    //@ assert exact: l.size == round_up(elem.size, elem.align) * n && l.align == elem.align;
    if (!fits(l.size, l.align))
        return RA_LAYOUT_EOVERFLOW;
    *out = l;
    return RA_LAYOUT_OK;
}

/* Append a member of size fsize at alignment falign after an end of `end` bytes:
 * *offset = round_up(end, falign), *new_end = *offset + fsize. False on overflow past MAX.
 * Each sum is tested against MAX by a subtraction from MAX first, so nothing wraps. */
/*@ requires end <= LAYOUT_MAX && falign > 0;
    requires \valid(offset) && \valid(new_end) && \separated(offset, new_end);
    assigns *offset, *new_end;
    ensures \result <==> round_up(end, falign) + fsize <= LAYOUT_MAX;
    ensures \result ==> *offset == round_up(end, falign) && *new_end == *offset + fsize;
*/
static bool place(size_t end, size_t falign, size_t fsize, size_t *offset, size_t *new_end)
{
    size_t pad = pad_for(end, falign);
    if (pad > RA_LAYOUT_MAX_SIZE - end)
        return false;
    size_t off = end + pad;
    if (fsize > RA_LAYOUT_MAX_SIZE - off)
        return false;
    *offset = off;
    *new_end = off + fsize;
    return true;
}

ra_layout_status ra_layout_extend(ra_layout a, ra_layout field, ra_layout *out, size_t *offset)
{
    size_t off = 0, end = 0;
    if (out == NULL)
        return RA_LAYOUT_EINVAL_ARG;
    ra_layout_status st = layout_status(a);
    if (st == RA_LAYOUT_OK)
        st = layout_status(field);
    if (st != RA_LAYOUT_OK)
        return st;
    if (!place(a.size, field.align, field.size, &off, &end))
        return RA_LAYOUT_EOVERFLOW;
    ra_layout l = { end, a.align > field.align ? a.align : field.align };
    if (!fits(l.size, l.align))
        return RA_LAYOUT_EOVERFLOW;
    *out = l;
    if (offset != NULL)
        *offset = off;
    return RA_LAYOUT_OK;
}

ra_layout ra_layout_pad_to_align(ra_layout l)
{
    if (ra_layout_is_valid(l))
        l.size += pad_for(l.size, l.align);
    return l;
}

size_t ra_layout_padding_needed_for(ra_layout l, size_t align)
{
    if (!ra_layout_align_ok(align))
        return SIZE_MAX;
    size_t pad = pad_for(l.size, align);
    if (l.size > SIZE_MAX - pad)
        return SIZE_MAX;
    return pad;
}

ra_layout_status ra_layout_struct_begin(ra_layout_struct_builder *s, unsigned flags,
                                        size_t struct_aligned)
{
    if (s == NULL)
        return RA_LAYOUT_EINVAL_ARG;
    s->size = 0;
    s->align = 1;
    s->struct_aligned = struct_aligned == 0 ? 1 : struct_aligned;
    s->flags = flags;
    s->status = struct_aligned == 0 || ra_layout_align_ok(struct_aligned) ? RA_LAYOUT_OK
                                                                         : RA_LAYOUT_EALIGN;
    return s->status;
}

ra_layout_status ra_layout_struct_field(ra_layout_struct_builder *s, ra_layout field,
                                        size_t field_aligned, size_t *offset)
{
    size_t off = 0, end = 0;
    if (s == NULL)
        return RA_LAYOUT_EINVAL_ARG;
    if (s->status != RA_LAYOUT_OK)
        return s->status;
    ra_layout_status st = layout_status(field);
    if (st == RA_LAYOUT_OK && field_aligned != 0 && !ra_layout_align_ok(field_aligned))
        st = RA_LAYOUT_EALIGN;
    if (st != RA_LAYOUT_OK) {
        s->status = st;
        return st;
    }
    /* gcc/clang: packed drops the member's natural alignment to 1; aligned(N) then raises it. */
    size_t falign = (s->flags & RA_LAYOUT_PACKED) != 0 ? 1u : field.align;
    if (field_aligned > falign)
        falign = field_aligned;
    if (!place(s->size, falign, field.size, &off, &end)) {
        s->status = RA_LAYOUT_EOVERFLOW;
        return s->status;
    }
    s->size = end;
    if (falign > s->align)
        s->align = falign;
    if (offset != NULL)
        *offset = off;
    return RA_LAYOUT_OK;
}

ra_layout_status ra_layout_struct_end(const ra_layout_struct_builder *s, ra_layout *out)
{
    if (s == NULL || out == NULL)
        return RA_LAYOUT_EINVAL_ARG;
    if (s->status != RA_LAYOUT_OK)
        return s->status;
    size_t align = s->align > s->struct_aligned ? s->align : s->struct_aligned;
    if (!fits(s->size, align))
        return RA_LAYOUT_EOVERFLOW;
    out->size = s->size + pad_for(s->size, align);
    out->align = align;
    return RA_LAYOUT_OK;
}

const char *ra_layout_status_str(ra_layout_status s)
{
    switch (s) {
    case RA_LAYOUT_OK: return "success";
    case RA_LAYOUT_EINVAL_ARG: return "a required pointer argument is NULL";
    case RA_LAYOUT_EALIGN: return "alignment is zero or not a power of two";
    case RA_LAYOUT_EOVERFLOW: return "size rounded up to its alignment exceeds PTRDIFF_MAX";
    }
    return "unknown layout status";
}
