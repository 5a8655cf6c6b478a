/*
 * refalloc E-ACSL replay of layout_model (make eacsl, mk/eacsl.mk).
 *
 * fuzz/layout_model.c computes its reference values in unsigned __int128, which Frama-C 25 cannot
 * parse, so that harness is compiled without instrumentation, with the layout functions that take
 * pointers renamed to the wrappers below (-Dra_layout_new=fz_eacsl_layout_new, ...). Memory of
 * an uninstrumented caller is unknown to E-ACSL (every \valid(out) would fail), so the wrappers,
 * which are instrumented, copy the caller's objects into locals, call the checked function on
 * those, and copy the results back. Functions taking values only are called directly.
 * Not seen this way: aliasing between the caller's pointers (\separated of the originals).
 */
#include <stddef.h>

#include "layout.h"

ra_layout_status fz_eacsl_layout_new(size_t size, size_t align, ra_layout *out);
ra_layout_status fz_eacsl_layout_array(ra_layout elem, size_t n, ra_layout *out);
ra_layout_status fz_eacsl_layout_extend(ra_layout a, ra_layout field, ra_layout *out,
                                        size_t *offset);
ra_layout_status fz_eacsl_layout_struct_begin(ra_layout_struct_builder *s, unsigned flags,
                                              size_t struct_aligned);
ra_layout_status fz_eacsl_layout_struct_field(ra_layout_struct_builder *s, ra_layout field,
                                              size_t field_aligned, size_t *offset);
ra_layout_status fz_eacsl_layout_struct_end(const ra_layout_struct_builder *s, ra_layout *out);

ra_layout_status fz_eacsl_layout_new(size_t size, size_t align, ra_layout *out)
{
    ra_layout o = { 0, 0 };
    if (out != NULL)
        o = *out;
    ra_layout_status st = ra_layout_new(size, align, out != NULL ? &o : NULL);
    if (out != NULL)
        *out = o;
    return st;
}

ra_layout_status fz_eacsl_layout_array(ra_layout elem, size_t n, ra_layout *out)
{
    ra_layout o = { 0, 0 };
    if (out != NULL)
        o = *out;
    ra_layout_status st = ra_layout_array(elem, n, out != NULL ? &o : NULL);
    if (out != NULL)
        *out = o;
    return st;
}

ra_layout_status fz_eacsl_layout_extend(ra_layout a, ra_layout field, ra_layout *out,
                                        size_t *offset)
{
    ra_layout o = { 0, 0 };
    size_t off = 0;
    if (out != NULL)
        o = *out;
    if (offset != NULL)
        off = *offset;
    ra_layout_status st =
        ra_layout_extend(a, field, out != NULL ? &o : NULL, offset != NULL ? &off : NULL);
    if (out != NULL)
        *out = o;
    if (offset != NULL)
        *offset = off;
    return st;
}

ra_layout_status fz_eacsl_layout_struct_begin(ra_layout_struct_builder *s, unsigned flags,
                                              size_t struct_aligned)
{
    ra_layout_struct_builder b = { 0, 0, 0, 0, RA_LAYOUT_OK };
    if (s != NULL)
        b = *s;
    ra_layout_status st = ra_layout_struct_begin(s != NULL ? &b : NULL, flags, struct_aligned);
    if (s != NULL)
        *s = b;
    return st;
}

ra_layout_status fz_eacsl_layout_struct_field(ra_layout_struct_builder *s, ra_layout field,
                                              size_t field_aligned, size_t *offset)
{
    ra_layout_struct_builder b = { 0, 0, 0, 0, RA_LAYOUT_OK };
    size_t off = 0;
    if (s != NULL)
        b = *s;
    if (offset != NULL)
        off = *offset;
    ra_layout_status st = ra_layout_struct_field(s != NULL ? &b : NULL, field, field_aligned,
                                                 offset != NULL ? &off : NULL);
    if (s != NULL)
        *s = b;
    if (offset != NULL)
        *offset = off;
    return st;
}

ra_layout_status fz_eacsl_layout_struct_end(const ra_layout_struct_builder *s, ra_layout *out)
{
    ra_layout_struct_builder b = { 0, 0, 0, 0, RA_LAYOUT_OK };
    ra_layout o = { 0, 0 };
    if (s != NULL)
        b = *s;
    if (out != NULL)
        o = *out;
    ra_layout_status st = ra_layout_struct_end(s != NULL ? &b : NULL, out != NULL ? &o : NULL);
    if (out != NULL)
        *out = o;
    return st;
}
