/*
 * layout_model: ref/layout against a straightforward reference computation in unsigned __int128
 * (no overflow possible there), for every function: new, array, extend, pad_to_align,
 * padding_needed_for, is_valid, align_ok, and the struct builder. Sizes and alignments come from the operation language's selectors
 * (spec/FORMAT.md) so boundary values dominate.
 *
 * Input: a sequence of ops; byte `op & 7` picks the function, then its arguments:
 *   0 new(size, align)            1 array(size, align, n)        2 extend(size, align, size, align)
 *   3 pad_to_align(size, align)   4 padding_needed_for(size, align, align)
 *   5 struct(hdr, struct_aligned, fields: size, align, aligned ...)  6/7 is_valid(size, align)
 * size: 1 byte (< 0x40 literal, < 0x80 boundary table, else 1 << (b & 63)) or the FORMAT.md
 * table; align: 1 byte (< 0x40: 1 << b, < 0x80: odd table, else 1 << (b & 7)).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "layout.h"
#include "ops.h"

const char fz_target_name[] = "layout_model";

typedef unsigned __int128 u128;
#define MAXS ((u128)PTRDIFF_MAX)

static const uint8_t *D;
static size_t N, P, OPI;

static uint8_t rd(void) { return P < N ? D[P++] : 0; }
static size_t rd_size(void)
{
    uint8_t b = rd();
    if (b < 0x40)
        return b;
    if (b < 0x80)
        return fz_size_table(b - 0x40u, 4096);
    if (b < 0xC0)
        return ((size_t)(b & 0x3Fu) << 8) | rd();
    return (size_t)1 << (b & 63u);
}
static size_t rd_align(void)
{
    static const size_t odd[16] = { 0, 3, 5, 6, 12, 24, 48, 100, 4, 2, 1, SIZE_MAX,
                                    ((size_t)1 << 63) + 1, (size_t)1 << 63, PTRDIFF_MAX, 17 };
    uint8_t b = rd();
    if (b < 0x40)
        return (size_t)1 << b;
    if (b < 0x80)
        return odd[b & 15u];
    return (size_t)1 << (b & 7u);
}

static bool pow2(size_t a) { return a && !(a & (a - 1)); }
static u128 rup(u128 x, size_t a) { return (x + a - 1) / a * a; }
static bool valid(size_t s, size_t a) { return pow2(a) && rup(s, a) <= MAXS; }
static ra_layout_status why(size_t s, size_t a)
{
    return !pow2(a) ? RA_LAYOUT_EALIGN : rup(s, a) > MAXS ? RA_LAYOUT_EOVERFLOW : RA_LAYOUT_OK;
}

#define FAIL(rule, ...)                                                                           \
    do {                                                                                          \
        fprintf(stderr, "RULE %s violated at op #%zu (slot 0) on ref-layout: ", rule, OPI);      \
        fprintf(stderr, __VA_ARGS__);                                                             \
        fputc('\n', stderr);                                                                      \
        abort();                                                                                  \
    } while (0)

static const ra_layout SENT = { 12345, 777 };
static bool same(ra_layout a, ra_layout b) { return a.size == b.size && a.align == b.align; }

/* st must be `want`, or one of the kinds in `alt` when several errors apply at once */
static void expect(const char *fn, ra_layout_status st, ra_layout_status want, unsigned alt)
{
    if (st != want && !(want != RA_LAYOUT_OK && (alt & (1u << st))))
        FAIL(fn, "status %d (%s), expected %d", (int)st, ra_layout_status_str(st), (int)want);
}

static void op_struct(void)
{
    uint8_t h = rd();
    unsigned n = h & 7u, flags = (h & 8u) ? RA_LAYOUT_PACKED : 0u;
    size_t sal = (h & 0x10u) ? rd_align() : 0;
    struct {
        ra_layout layout;
        size_t aligned;
    } f[8];
    size_t offs[8];
    ra_layout_struct_builder b;
    ra_layout_status st = ra_layout_struct_begin(&b, flags, sal);
    /* model */
    ra_layout_status m = (sal && !pow2(sal)) ? RA_LAYOUT_EALIGN : RA_LAYOUT_OK;
    unsigned alt = 0;
    u128 end = 0;
    size_t salign = 1;
    expect("struct-begin", st, m, 0);
    for (unsigned i = 0; i < n; i++) {
        f[i].layout.size = rd_size();
        f[i].layout.align = rd_align();
        f[i].aligned = (rd() & 1u) ? rd_align() : 0;
        offs[i] = SIZE_MAX;
        ra_layout_status fs = ra_layout_struct_field(&b, f[i].layout, f[i].aligned, &offs[i]);
        if (m == RA_LAYOUT_OK) {
            ra_layout_status e1 = why(f[i].layout.size, f[i].layout.align);
            bool e2 = f[i].aligned && !pow2(f[i].aligned);
            if (e1 != RA_LAYOUT_OK || e2) {
                m = e1 != RA_LAYOUT_OK ? e1 : RA_LAYOUT_EALIGN;
                alt = (1u << e1) | (e2 ? 1u << RA_LAYOUT_EALIGN : 0u);
            } else {
                size_t nat = flags ? 1 : f[i].layout.align;
                size_t ma = f[i].aligned ? (flags ? f[i].aligned
                                                  : (f[i].aligned > nat ? f[i].aligned : nat))
                                         : nat;
                u128 off = rup(end, ma);
                if (off + f[i].layout.size > MAXS) {
                    m = RA_LAYOUT_EOVERFLOW;
                } else {
                    end = off + f[i].layout.size;
                    if (ma > salign)
                        salign = ma;
                    if (fs == RA_LAYOUT_OK && offs[i] != (size_t)off)
                        FAIL("struct-offset", "field %u at %zu, expected %zu", i, offs[i],
                             (size_t)off);
                }
            }
            /* the builder may report an overflow one field early (padded size) */
            if (fs != RA_LAYOUT_OK && m == RA_LAYOUT_OK && fs != RA_LAYOUT_EOVERFLOW)
                FAIL("struct-field", "field %u: status %d where the model has none", i, (int)fs);
            if (fs != RA_LAYOUT_OK && m == RA_LAYOUT_OK)
                m = RA_LAYOUT_EOVERFLOW, alt = 0, end = MAXS + 1;
        }
        if (m != RA_LAYOUT_OK && fs == RA_LAYOUT_OK)
            FAIL("struct-field", "field %u accepted; model: status %d", i, (int)m);
    }
    ra_layout out = SENT;
    st = ra_layout_struct_end(&b, &out);
    size_t al = sal > salign ? sal : salign;
    if (m == RA_LAYOUT_OK && rup(end, al) > MAXS)
        m = RA_LAYOUT_EOVERFLOW;
    if (m == RA_LAYOUT_EOVERFLOW && end > MAXS && st == RA_LAYOUT_EOVERFLOW)
        alt = 0;
    expect("struct-end", st, m, alt);
    if (st == RA_LAYOUT_OK && (out.size != (size_t)rup(end, al) || out.align != al))
        FAIL("struct-end", "{%zu, %zu}, expected {%zu, %zu}", out.size, out.align,
             (size_t)rup(end, al), al);
    if (st != RA_LAYOUT_OK && !same(out, SENT))
        FAIL("struct-untouched", "output written on error");
}

size_t fz_target_run(const uint8_t *data, size_t size)
{
    D = data;
    N = size;
    P = 0;
    for (OPI = 0; P < N; OPI++) {
        uint8_t op = rd();
        ra_layout out = SENT, l, f;
        size_t off = SIZE_MAX;
        ra_layout_status st;
        switch (op & 7u) {
        case 0:
            l.size = rd_size();
            l.align = rd_align();
            st = ra_layout_new(l.size, l.align, &out);
            expect("new", st, why(l.size, l.align), 0);
            if (st == RA_LAYOUT_OK ? !same(out, l) : !same(out, SENT))
                FAIL("new", "output {%zu, %zu}", out.size, out.align);
            break;
        case 1: {
            l.size = rd_size();
            l.align = rd_align();
            size_t n = rd_size();
            ra_layout_status m = why(l.size, l.align);
            u128 total = 0;
            if (m == RA_LAYOUT_OK) {
                total = rup(l.size, l.align) * (u128)n;
                if (total > MAXS)
                    m = RA_LAYOUT_EOVERFLOW;
            }
            st = ra_layout_array(l, n, &out);
            expect("array", st, m, 0);
            if (st == RA_LAYOUT_OK ? (out.size != (size_t)total || out.align != l.align)
                                   : !same(out, SENT))
                FAIL("array", "{%zu,%zu} x %zu -> {%zu, %zu}", l.size, l.align, n, out.size,
                     out.align);
            break;
        }
        case 2: {
            l.size = rd_size();
            l.align = rd_align();
            f.size = rd_size();
            f.align = rd_align();
            ra_layout_status e1 = why(l.size, l.align), e2 = why(f.size, f.align);
            ra_layout_status m = e1 != RA_LAYOUT_OK ? e1 : e2;
            unsigned alt = (1u << e1) | (1u << e2);
            u128 o = 0, sz = 0;
            size_t al = 0;
            if (m == RA_LAYOUT_OK) {
                o = rup(l.size, f.align);
                sz = o + f.size;
                al = l.align > f.align ? l.align : f.align;
                if (rup(sz, al) > MAXS)
                    m = RA_LAYOUT_EOVERFLOW;
            }
            st = ra_layout_extend(l, f, &out, &off);
            expect("extend", st, m, alt);
            if (st == RA_LAYOUT_OK &&
                (out.size != (size_t)sz || out.align != al || off != (size_t)o))
                FAIL("extend", "{%zu,%zu}+{%zu,%zu} -> {%zu,%zu} at %zu", l.size, l.align, f.size,
                     f.align, out.size, out.align, off);
            if (st != RA_LAYOUT_OK && (!same(out, SENT) || off != SIZE_MAX))
                FAIL("extend-untouched", "output written on error");
            break;
        }
        case 3:
            l.size = rd_size();
            l.align = rd_align();
            out = ra_layout_pad_to_align(l);
            if (valid(l.size, l.align) ? (out.size != (size_t)rup(l.size, l.align) ||
                                          out.align != l.align)
                                       : !same(out, l))
                FAIL("pad-to-align", "{%zu,%zu} -> {%zu,%zu}", l.size, l.align, out.size,
                     out.align);
            break;
        case 4: {
            l.size = rd_size();
            l.align = rd_align();
            size_t a = rd_align(), want = SIZE_MAX;
            if (pow2(a) && rup(l.size, a) <= (u128)SIZE_MAX)
                want = (size_t)(rup(l.size, a) - l.size);
            size_t got = ra_layout_padding_needed_for(l, a);
            if (got != want)
                FAIL("padding-needed-for", "size %zu align %zu: %zu, expected %zu", l.size, a,
                     got, want);
            break;
        }
        case 5: op_struct(); break;
        default:
            l.size = rd_size();
            l.align = rd_align();
            if (ra_layout_is_valid(l) != valid(l.size, l.align) ||
                ra_layout_align_ok(l.align) != pow2(l.align))
                FAIL("is-valid", "{%zu, %zu}", l.size, l.align);
            break;
        }
    }
    return OPI;
}
