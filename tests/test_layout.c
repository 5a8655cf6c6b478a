/* Unit tests for ref/layout: Rust Layout rules, overflow at PTRDIFF_MAX / SIZE_MAX, and struct
 * layouts compared with what this compiler does for the same C declarations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "layout.h"

#define MAX RA_LAYOUT_MAX_SIZE
#define TOP ((size_t)1 << (sizeof(size_t) * 8 - 1)) /* the largest power of two */

static const ra_layout SENTINEL = { 12345, 64 };

static void assert_layout(ra_layout l, size_t size, size_t align)
{
    assert_int_equal(l.size, size);
    assert_int_equal(l.align, align);
}

static void test_align_ok(void **state)
{
    (void)state;
    assert_false(ra_layout_align_ok(0));
    for (unsigned k = 0; k < sizeof(size_t) * 8; k++) {
        size_t a = (size_t)1 << k;
        assert_true(ra_layout_align_ok(a));
        if (a > 2)
            assert_false(ra_layout_align_ok(a + 1));
        if (a > 2)
            assert_false(ra_layout_align_ok(a - 1));
    }
    assert_false(ra_layout_align_ok(SIZE_MAX));
    assert_false(ra_layout_align_ok(6));
}

static void test_new(void **state)
{
    (void)state;
    ra_layout l = SENTINEL;
    assert_int_equal(ra_layout_new(0, 1, &l), RA_LAYOUT_OK);
    assert_layout(l, 0, 1);
    assert_int_equal(ra_layout_new(13, 8, &l), RA_LAYOUT_OK);
    assert_layout(l, 13, 8); /* size is kept, not padded */
    assert_int_equal(ra_layout_new(MAX, 1, &l), RA_LAYOUT_OK);
    assert_layout(l, MAX, 1);
    assert_int_equal(ra_layout_new(MAX - 1, 2, &l), RA_LAYOUT_OK);
    assert_int_equal(ra_layout_new(MAX - 4095, 4096, &l), RA_LAYOUT_OK);
    assert_int_equal(ra_layout_new(0, TOP, &l), RA_LAYOUT_OK); /* round_up(0, 2^63) = 0 */
    assert_layout(l, 0, TOP);
    l = SENTINEL;
    /* overflow: rounded-up size exceeds PTRDIFF_MAX */
    assert_int_equal(ra_layout_new(MAX, 2, &l), RA_LAYOUT_EOVERFLOW);
    assert_int_equal(ra_layout_new(MAX - 4094, 4096, &l), RA_LAYOUT_EOVERFLOW);
    assert_int_equal(ra_layout_new(MAX + 1, 1, &l), RA_LAYOUT_EOVERFLOW);
    assert_int_equal(ra_layout_new(SIZE_MAX, 1, &l), RA_LAYOUT_EOVERFLOW);
    assert_int_equal(ra_layout_new(SIZE_MAX, 8, &l), RA_LAYOUT_EOVERFLOW);
    assert_int_equal(ra_layout_new(1, TOP, &l), RA_LAYOUT_EOVERFLOW);
    /* bad alignment */
    assert_int_equal(ra_layout_new(8, 0, &l), RA_LAYOUT_EALIGN);
    assert_int_equal(ra_layout_new(8, 3, &l), RA_LAYOUT_EALIGN);
    assert_int_equal(ra_layout_new(8, 12, &l), RA_LAYOUT_EALIGN);
    assert_int_equal(ra_layout_new(8, SIZE_MAX, &l), RA_LAYOUT_EALIGN);
    assert_int_equal(ra_layout_new(SIZE_MAX, 3, &l), RA_LAYOUT_EALIGN); /* align first */
    assert_memory_equal(&l, &SENTINEL, sizeof l); /* untouched on error */
    assert_int_equal(ra_layout_new(8, 8, NULL), RA_LAYOUT_EINVAL_ARG);
}

static void test_is_valid(void **state)
{
    (void)state;
    assert_true(ra_layout_is_valid((ra_layout){ 0, 1 }));
    assert_true(ra_layout_is_valid((ra_layout){ MAX, 1 }));
    assert_false(ra_layout_is_valid((ra_layout){ MAX, 2 }));
    assert_false(ra_layout_is_valid((ra_layout){ 4, 0 }));
    assert_false(ra_layout_is_valid((ra_layout){ 4, 5 }));
    assert_true(ra_layout_is_valid(RA_LAYOUT_OF(long double)));
    assert_true(ra_layout_is_valid(RA_LAYOUT_OF(max_align_t)));
}

static void test_pad_to_align(void **state)
{
    (void)state;
    assert_layout(ra_layout_pad_to_align((ra_layout){ 5, 4 }), 8, 4);
    assert_layout(ra_layout_pad_to_align((ra_layout){ 8, 4 }), 8, 4);
    assert_layout(ra_layout_pad_to_align((ra_layout){ 0, 16 }), 0, 16);
    assert_layout(ra_layout_pad_to_align((ra_layout){ MAX - 15, 16 }), MAX - 15, 16);
    assert_layout(ra_layout_pad_to_align((ra_layout){ MAX - 30, 16 }), MAX - 15, 16);
    assert_layout(ra_layout_pad_to_align((ra_layout){ 1, TOP }), 1, TOP);   /* invalid: as is */
    assert_layout(ra_layout_pad_to_align((ra_layout){ 5, 3 }), 5, 3);       /* invalid: as is */
    assert_layout(ra_layout_pad_to_align((ra_layout){ SIZE_MAX, 8 }), SIZE_MAX, 8);
}

static void test_padding_needed_for(void **state)
{
    (void)state;
    assert_int_equal(ra_layout_padding_needed_for((ra_layout){ 5, 1 }, 8), 3);
    assert_int_equal(ra_layout_padding_needed_for((ra_layout){ 16, 1 }, 8), 0);
    assert_int_equal(ra_layout_padding_needed_for((ra_layout){ 0, 1 }, 4096), 0);
    assert_int_equal(ra_layout_padding_needed_for((ra_layout){ 1, 1 }, 4096), 4095);
    assert_int_equal(ra_layout_padding_needed_for((ra_layout){ 5, 1 }, 6), SIZE_MAX);
    assert_int_equal(ra_layout_padding_needed_for((ra_layout){ 5, 1 }, 0), SIZE_MAX);
    assert_int_equal(ra_layout_padding_needed_for((ra_layout){ SIZE_MAX, 1 }, 2), SIZE_MAX);
    assert_int_equal(ra_layout_padding_needed_for((ra_layout){ SIZE_MAX - 1, 1 }, 2), 0);
}

static void test_array(void **state)
{
    (void)state;
    ra_layout l = SENTINEL;
    assert_int_equal(ra_layout_array((ra_layout){ 4, 4 }, 10, &l), RA_LAYOUT_OK);
    assert_layout(l, 40, 4);
    assert_int_equal(ra_layout_array((ra_layout){ 5, 4 }, 3, &l), RA_LAYOUT_OK);
    assert_layout(l, 24, 4); /* each element padded */
    assert_int_equal(ra_layout_array((ra_layout){ 5, 4 }, 0, &l), RA_LAYOUT_OK);
    assert_layout(l, 0, 4);
    assert_int_equal(ra_layout_array((ra_layout){ 0, 8 }, SIZE_MAX, &l), RA_LAYOUT_OK);
    assert_layout(l, 0, 8);
    assert_int_equal(ra_layout_array((ra_layout){ 1, 1 }, MAX, &l), RA_LAYOUT_OK);
    assert_layout(l, MAX, 1);
    assert_int_equal(ra_layout_array((ra_layout){ 8, 8 }, MAX / 8, &l), RA_LAYOUT_OK);
    assert_layout(l, MAX / 8 * 8, 8);
    l = SENTINEL;
    assert_int_equal(ra_layout_array((ra_layout){ 1, 1 }, MAX + 1, &l), RA_LAYOUT_EOVERFLOW);
    assert_int_equal(ra_layout_array((ra_layout){ 8, 8 }, MAX / 8 + 1, &l), RA_LAYOUT_EOVERFLOW);
    assert_int_equal(ra_layout_array((ra_layout){ 2, 1 }, SIZE_MAX, &l), RA_LAYOUT_EOVERFLOW);
    assert_int_equal(ra_layout_array((ra_layout){ 3, 2 }, SIZE_MAX / 4 + 1, &l),
                     RA_LAYOUT_EOVERFLOW); /* 4 * (2^62) = 2^64 would wrap to 0 */
    /* the product fits PTRDIFF_MAX but rounding to the alignment does not: 3 * 2^61... */
    assert_int_equal(ra_layout_array((ra_layout){ 0, TOP }, 5, &l), RA_LAYOUT_OK);
    l = SENTINEL;
    assert_int_equal(ra_layout_array((ra_layout){ 4, 3 }, 2, &l), RA_LAYOUT_EALIGN);
    assert_int_equal(ra_layout_array((ra_layout){ MAX, 2 }, 1, &l), RA_LAYOUT_EOVERFLOW);
    assert_memory_equal(&l, &SENTINEL, sizeof l);
    assert_int_equal(ra_layout_array((ra_layout){ 4, 4 }, 2, NULL), RA_LAYOUT_EINVAL_ARG);
}

static void test_extend(void **state)
{
    (void)state;
    ra_layout l = SENTINEL;
    size_t off = 777;
    assert_int_equal(ra_layout_extend((ra_layout){ 1, 1 }, (ra_layout){ 4, 4 }, &l, &off),
                     RA_LAYOUT_OK);
    assert_layout(l, 8, 4);
    assert_int_equal(off, 4);
    assert_int_equal(ra_layout_extend(l, (ra_layout){ 1, 1 }, &l, &off), RA_LAYOUT_OK);
    assert_layout(l, 9, 4); /* no trailing padding */
    assert_int_equal(off, 8);
    assert_layout(ra_layout_pad_to_align(l), 12, 4);
    assert_int_equal(ra_layout_extend((ra_layout){ 0, 1 }, (ra_layout){ 0, 16 }, &l, NULL),
                     RA_LAYOUT_OK);
    assert_layout(l, 0, 16);
    assert_int_equal(ra_layout_extend((ra_layout){ 3, 2 }, (ra_layout){ 1, 1 }, &l, &off),
                     RA_LAYOUT_OK);
    assert_layout(l, 4, 2);
    assert_int_equal(off, 3);
    /* near the bound */
    assert_int_equal(ra_layout_extend((ra_layout){ MAX - 1, 1 }, (ra_layout){ 1, 1 }, &l, &off),
                     RA_LAYOUT_OK);
    assert_layout(l, MAX, 1);
    assert_int_equal(off, MAX - 1);
    l = SENTINEL;
    off = 777;
    assert_int_equal(ra_layout_extend((ra_layout){ MAX, 1 }, (ra_layout){ 1, 1 }, &l, &off),
                     RA_LAYOUT_EOVERFLOW);
    assert_int_equal(ra_layout_extend((ra_layout){ MAX, 1 }, (ra_layout){ 0, 2 }, &l, &off),
                     RA_LAYOUT_EOVERFLOW); /* offset MAX + 1 */
    assert_int_equal(ra_layout_extend((ra_layout){ MAX - 2, 1 }, (ra_layout){ 1, 2 }, &l, &off),
                     RA_LAYOUT_EOVERFLOW); /* end MAX fits, but rounded to 2 it is MAX + 1 */
    assert_int_equal(ra_layout_extend((ra_layout){ MAX, 1 }, (ra_layout){ MAX, 1 }, &l, &off),
                     RA_LAYOUT_EOVERFLOW);
    assert_int_equal(ra_layout_extend((ra_layout){ 1, 1 }, (ra_layout){ 0, TOP }, &l, &off),
                     RA_LAYOUT_EOVERFLOW); /* offset 2^63 */
    assert_int_equal(ra_layout_extend((ra_layout){ 1, 5 }, (ra_layout){ 1, 1 }, &l, &off),
                     RA_LAYOUT_EALIGN);
    assert_int_equal(ra_layout_extend((ra_layout){ 1, 1 }, (ra_layout){ 1, 0 }, &l, &off),
                     RA_LAYOUT_EALIGN);
    assert_int_equal(ra_layout_extend((ra_layout){ SIZE_MAX, 1 }, (ra_layout){ 1, 1 }, &l, &off),
                     RA_LAYOUT_EOVERFLOW);
    assert_int_equal(ra_layout_extend((ra_layout){ 1, 1 }, (ra_layout){ SIZE_MAX, 1 }, &l, &off),
                     RA_LAYOUT_EOVERFLOW);
    assert_memory_equal(&l, &SENTINEL, sizeof l);
    assert_int_equal(off, 777);
    assert_int_equal(ra_layout_extend((ra_layout){ 1, 1 }, (ra_layout){ 1, 1 }, NULL, &off),
                     RA_LAYOUT_EINVAL_ARG);
}

/* Build a struct from (layout, aligned) pairs; returns the status; offsets into offs. */
typedef struct {
    ra_layout l;
    size_t aligned;
} member;

static ra_layout_status build(unsigned flags, size_t struct_aligned, const member *m, size_t n,
                              size_t *offs, ra_layout *out)
{
    ra_layout_struct_builder b;
    ra_layout_status st = ra_layout_struct_begin(&b, flags, struct_aligned);
    for (size_t i = 0; i < n; i++) {
        ra_layout_status fs = ra_layout_struct_field(&b, m[i].l, m[i].aligned, &offs[i]);
        assert_int_equal(fs, b.status); /* every call returns the sticky status */
    }
    ra_layout_status end = ra_layout_struct_end(&b, out);
    assert_true(st == RA_LAYOUT_OK || end == st);
    return end;
}

#define L(t) RA_LAYOUT_OF(t)
#define CHECK_STRUCT(T, flags, sal, ...)                                                      \
    do {                                                                                       \
        const member ms[] = { __VA_ARGS__ };                                                   \
        size_t offs[sizeof ms / sizeof ms[0]];                                                 \
        ra_layout out = SENTINEL;                                                              \
        assert_int_equal(build(flags, sal, ms, sizeof ms / sizeof ms[0], offs, &out),           \
                         RA_LAYOUT_OK);                                                         \
        assert_int_equal(out.size, sizeof(struct T));                                                 \
        assert_int_equal(out.align, _Alignof(struct T));                                            \
        check_offsets_##T(offs);                                                               \
    } while (0)

struct s_nat { char c; int i; double d; short s; };
static void check_offsets_s_nat(const size_t *o)
{
    assert_int_equal(o[0], offsetof(struct s_nat, c));
    assert_int_equal(o[1], offsetof(struct s_nat, i));
    assert_int_equal(o[2], offsetof(struct s_nat, d));
    assert_int_equal(o[3], offsetof(struct s_nat, s));
}
struct s_arr { char c[3]; long long x[2]; char tail; };
static void check_offsets_s_arr(const size_t *o)
{
    assert_int_equal(o[0], offsetof(struct s_arr, c));
    assert_int_equal(o[1], offsetof(struct s_arr, x));
    assert_int_equal(o[2], offsetof(struct s_arr, tail));
}
struct s_nest { char a; struct s_nat inner; char b; struct s_arr arr[2]; };
static void check_offsets_s_nest(const size_t *o)
{
    assert_int_equal(o[0], offsetof(struct s_nest, a));
    assert_int_equal(o[1], offsetof(struct s_nest, inner));
    assert_int_equal(o[2], offsetof(struct s_nest, b));
    assert_int_equal(o[3], offsetof(struct s_nest, arr));
}
struct __attribute__((packed)) s_pack { char c; int i; double d; struct s_nat n; short s; };
static void check_offsets_s_pack(const size_t *o)
{
    assert_int_equal(o[0], offsetof(struct s_pack, c));
    assert_int_equal(o[1], offsetof(struct s_pack, i));
    assert_int_equal(o[2], offsetof(struct s_pack, d));
    assert_int_equal(o[3], offsetof(struct s_pack, n));
    assert_int_equal(o[4], offsetof(struct s_pack, s));
}
struct __attribute__((packed)) s_pack_al { char c; int i __attribute__((aligned(2))); char d;
                                           short s __attribute__((aligned(8))); };
static void check_offsets_s_pack_al(const size_t *o)
{
    assert_int_equal(o[0], offsetof(struct s_pack_al, c));
    assert_int_equal(o[1], offsetof(struct s_pack_al, i));
    assert_int_equal(o[2], offsetof(struct s_pack_al, d));
    assert_int_equal(o[3], offsetof(struct s_pack_al, s));
}
struct __attribute__((aligned(32))) s_over { char c; double d __attribute__((aligned(16)));
                                             int i __attribute__((aligned(2))); };
static void check_offsets_s_over(const size_t *o)
{
    assert_int_equal(o[0], offsetof(struct s_over, c));
    assert_int_equal(o[1], offsetof(struct s_over, d));
    assert_int_equal(o[2], offsetof(struct s_over, i));
}
struct __attribute__((packed, aligned(4))) s_pack_s { char c; double d; char e; };
static void check_offsets_s_pack_s(const size_t *o)
{
    assert_int_equal(o[0], offsetof(struct s_pack_s, c));
    assert_int_equal(o[1], offsetof(struct s_pack_s, d));
    assert_int_equal(o[2], offsetof(struct s_pack_s, e));
}
struct __attribute__((aligned(2))) s_small_al { double d; char c; }; /* aligned below natural */
static void check_offsets_s_small_al(const size_t *o)
{
    assert_int_equal(o[0], offsetof(struct s_small_al, d));
    assert_int_equal(o[1], offsetof(struct s_small_al, c));
}
struct s_fam { short n; char c; long double items[]; };
static void check_offsets_s_fam(const size_t *o)
{
    assert_int_equal(o[0], offsetof(struct s_fam, n));
    assert_int_equal(o[1], offsetof(struct s_fam, c));
    assert_int_equal(o[2], offsetof(struct s_fam, items));
}
struct s_wide { _Bool b; long double ld; char c; void *p; unsigned char u; float f; };
static void check_offsets_s_wide(const size_t *o)
{
    assert_int_equal(o[0], offsetof(struct s_wide, b));
    assert_int_equal(o[1], offsetof(struct s_wide, ld));
    assert_int_equal(o[2], offsetof(struct s_wide, c));
    assert_int_equal(o[3], offsetof(struct s_wide, p));
    assert_int_equal(o[4], offsetof(struct s_wide, u));
    assert_int_equal(o[5], offsetof(struct s_wide, f));
}

static ra_layout arr(ra_layout elem, size_t n)
{
    ra_layout out;
    assert_int_equal(ra_layout_array(elem, n, &out), RA_LAYOUT_OK);
    return out;
}

static void test_struct_matches_compiler(void **state)
{
    (void)state;
    CHECK_STRUCT(s_nat, 0, 0, { L(char), 0 }, { L(int), 0 }, { L(double), 0 }, { L(short), 0 });
    CHECK_STRUCT(s_arr, 0, 0, { arr(L(char), 3), 0 }, { arr(L(long long), 2), 0 },
                 { L(char), 0 });
    CHECK_STRUCT(s_nest, 0, 0, { L(char), 0 }, { L(struct s_nat), 0 }, { L(char), 0 },
                 { arr(L(struct s_arr), 2), 0 });
    CHECK_STRUCT(s_pack, RA_LAYOUT_PACKED, 0, { L(char), 0 }, { L(int), 0 }, { L(double), 0 },
                 { L(struct s_nat), 0 }, { L(short), 0 });
    CHECK_STRUCT(s_pack_al, RA_LAYOUT_PACKED, 0, { L(char), 0 }, { L(int), 2 }, { L(char), 0 },
                 { L(short), 8 });
    CHECK_STRUCT(s_over, 0, 32, { L(char), 0 }, { L(double), 16 }, { L(int), 2 });
    CHECK_STRUCT(s_pack_s, RA_LAYOUT_PACKED, 4, { L(char), 0 }, { L(double), 0 },
                 { L(char), 0 });
    CHECK_STRUCT(s_small_al, 0, 2, { L(double), 0 }, { L(char), 0 });
    CHECK_STRUCT(s_fam, 0, 0, { L(short), 0 }, { L(char), 0 },
                 { (ra_layout){ 0, _Alignof(long double) }, 0 });
    CHECK_STRUCT(s_wide, 0, 0, { L(_Bool), 0 }, { L(long double), 0 }, { L(char), 0 },
                 { L(void *), 0 }, { L(unsigned char), 0 }, { L(float), 0 });
}

static void test_struct_empty_and_errors(void **state)
{
    (void)state;
    ra_layout_struct_builder b;
    ra_layout out = SENTINEL;
    size_t off = 777;
    assert_int_equal(ra_layout_struct_begin(&b, 0, 0), RA_LAYOUT_OK);
    assert_int_equal(ra_layout_struct_end(&b, &out), RA_LAYOUT_OK);
    assert_layout(out, 0, 1); /* GNU C empty struct */
    assert_int_equal(ra_layout_struct_begin(&b, 0, 64), RA_LAYOUT_OK);
    assert_int_equal(ra_layout_struct_end(&b, &out), RA_LAYOUT_OK);
    assert_layout(out, 0, 64);
    /* bad struct alignment: sticky from begin */
    out = SENTINEL;
    assert_int_equal(ra_layout_struct_begin(&b, 0, 48), RA_LAYOUT_EALIGN);
    assert_int_equal(ra_layout_struct_field(&b, L(int), 0, &off), RA_LAYOUT_EALIGN);
    assert_int_equal(off, 777);
    assert_int_equal(ra_layout_struct_end(&b, &out), RA_LAYOUT_EALIGN);
    assert_memory_equal(&out, &SENTINEL, sizeof out);
    /* bad member alignment, then a good member: still the first error */
    assert_int_equal(ra_layout_struct_begin(&b, 0, 0), RA_LAYOUT_OK);
    assert_int_equal(ra_layout_struct_field(&b, L(int), 0, &off), RA_LAYOUT_OK);
    assert_int_equal(ra_layout_struct_field(&b, L(int), 3, &off), RA_LAYOUT_EALIGN);
    assert_int_equal(ra_layout_struct_field(&b, (ra_layout){ MAX, 1 }, 0, &off),
                     RA_LAYOUT_EALIGN);
    assert_int_equal(ra_layout_struct_end(&b, &out), RA_LAYOUT_EALIGN);
    /* an invalid member layout */
    assert_int_equal(ra_layout_struct_begin(&b, 0, 0), RA_LAYOUT_OK);
    assert_int_equal(ra_layout_struct_field(&b, (ra_layout){ 4, 6 }, 0, &off), RA_LAYOUT_EALIGN);
    assert_int_equal(ra_layout_struct_begin(&b, 0, 0), RA_LAYOUT_OK);
    assert_int_equal(ra_layout_struct_field(&b, (ra_layout){ MAX, 4 }, 0, &off),
                     RA_LAYOUT_EOVERFLOW);
    /* overflow of the running end */
    assert_int_equal(ra_layout_struct_begin(&b, 0, 0), RA_LAYOUT_OK);
    assert_int_equal(ra_layout_struct_field(&b, (ra_layout){ MAX - 1, 1 }, 0, &off), RA_LAYOUT_OK);
    assert_int_equal(ra_layout_struct_field(&b, L(char), 0, &off), RA_LAYOUT_OK);
    assert_int_equal(off, MAX - 1);
    off = 777;
    assert_int_equal(ra_layout_struct_field(&b, L(char), 0, &off), RA_LAYOUT_EOVERFLOW);
    assert_int_equal(off, 777);
    assert_int_equal(ra_layout_struct_field(&b, (ra_layout){ 0, 1 }, 0, &off),
                     RA_LAYOUT_EOVERFLOW);
    assert_int_equal(ra_layout_struct_end(&b, &out), RA_LAYOUT_EOVERFLOW);
    /* the end fits, rounding the struct to its alignment does not */
    assert_int_equal(ra_layout_struct_begin(&b, 0, 0), RA_LAYOUT_OK);
    assert_int_equal(ra_layout_struct_field(&b, (ra_layout){ MAX - 7, 8 }, 0, &off), RA_LAYOUT_OK);
    assert_int_equal(ra_layout_struct_field(&b, L(char), 0, &off), RA_LAYOUT_OK);
    assert_int_equal(ra_layout_struct_end(&b, &out), RA_LAYOUT_EOVERFLOW);
    assert_int_equal(ra_layout_struct_begin(&b, RA_LAYOUT_PACKED, 0), RA_LAYOUT_OK);
    assert_int_equal(ra_layout_struct_field(&b, (ra_layout){ MAX - 7, 8 }, 0, &off), RA_LAYOUT_OK);
    assert_int_equal(ra_layout_struct_field(&b, L(char), 0, &off), RA_LAYOUT_OK);
    assert_int_equal(ra_layout_struct_end(&b, &out), RA_LAYOUT_OK); /* packed: align 1 */
    assert_layout(out, MAX - 6, 1);
    /* packed member with aligned(N) past the bound */
    assert_int_equal(ra_layout_struct_begin(&b, RA_LAYOUT_PACKED, 0), RA_LAYOUT_OK);
    assert_int_equal(ra_layout_struct_field(&b, L(char), TOP, &off), RA_LAYOUT_OK);
    assert_int_equal(off, 0);
    assert_int_equal(ra_layout_struct_end(&b, &out), RA_LAYOUT_EOVERFLOW); /* 1 -> 2^63 */
    /* NULL arguments */
    assert_int_equal(ra_layout_struct_begin(NULL, 0, 0), RA_LAYOUT_EINVAL_ARG);
    assert_int_equal(ra_layout_struct_field(NULL, L(int), 0, &off), RA_LAYOUT_EINVAL_ARG);
    assert_int_equal(ra_layout_struct_end(NULL, &out), RA_LAYOUT_EINVAL_ARG);
    assert_int_equal(ra_layout_struct_begin(&b, 0, 0), RA_LAYOUT_OK);
    assert_int_equal(ra_layout_struct_field(&b, L(int), 0, NULL), RA_LAYOUT_OK);
    assert_int_equal(ra_layout_struct_end(&b, NULL), RA_LAYOUT_EINVAL_ARG);
}

static void test_status_str(void **state)
{
    (void)state;
    for (int s = RA_LAYOUT_OK; s <= RA_LAYOUT_EOVERFLOW; s++) {
        const char *t = ra_layout_status_str((ra_layout_status)s);
        assert_non_null(t);
        assert_null(strstr(t, "unknown"));
    }
    assert_non_null(strstr(ra_layout_status_str((ra_layout_status)42), "unknown"));
}

/* Random values near the edges, checked against 128-bit arithmetic. */
__extension__ typedef unsigned __int128 u128;
static uint64_t rng_state;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}
static size_t rand_size(void)
{
    switch (rng() % 5) {
    case 0: return (size_t)(rng() % 100);
    case 1: return MAX - (size_t)(rng() % 5000);
    case 2: return SIZE_MAX - (size_t)(rng() % 5000);
    case 3: return ((size_t)1 << (rng() % 64)) + (size_t)(rng() % 3) - 1u;
    default: return (size_t)rng();
    }
}
static size_t rand_align(void)
{
    size_t a = (size_t)1 << (rng() % 64);
    return rng() % 16 == 0 ? a + 1 + (size_t)(rng() % 5) : a; /* sometimes not a power of 2 */
}
static u128 up(u128 x, u128 a) { return (x + a - 1) / a * a; }
static int pow2(size_t a) { return a != 0 && (a & (a - 1)) == 0; }
static int valid(u128 size, size_t align) { return pow2(align) && up(size, align) <= MAX; }

static void test_random_arithmetic(void **state)
{
    (void)state;
    rng_state = 20261127;
    for (int i = 0; i < 200000; i++) {
        ra_layout a = { rand_size(), rand_align() }, f = { rand_size(), rand_align() };
        ra_layout out = SENTINEL;
        size_t off = 777, n = rng() % 3 ? rand_size() : (size_t)(rng() % 10);
        /* new */
        ra_layout_status st = ra_layout_new(a.size, a.align, &out);
        assert_int_equal(st == RA_LAYOUT_OK, valid(a.size, a.align));
        assert_int_equal(st == RA_LAYOUT_EALIGN, !pow2(a.align));
        /* array */
        out = SENTINEL;
        st = ra_layout_array(a, n, &out);
        if (valid(a.size, a.align)) {
            u128 total = up(a.size, a.align) * n;
            assert_int_equal(st == RA_LAYOUT_OK, total <= MAX);
            if (st == RA_LAYOUT_OK)
                assert_layout(out, (size_t)total, a.align);
            else
                assert_int_equal(st, RA_LAYOUT_EOVERFLOW);
        } else {
            assert_int_not_equal(st, RA_LAYOUT_OK);
        }
        /* extend */
        out = SENTINEL;
        st = ra_layout_extend(a, f, &out, &off);
        if (valid(a.size, a.align) && valid(f.size, f.align)) {
            u128 o = up(a.size, f.align), end = o + f.size;
            size_t al = a.align > f.align ? a.align : f.align;
            int ok = valid(end, al);
            assert_int_equal(st == RA_LAYOUT_OK, ok);
            if (ok) {
                assert_layout(out, (size_t)end, al);
                assert_int_equal(off, (size_t)o);
            } else {
                assert_int_equal(st, RA_LAYOUT_EOVERFLOW);
            }
        } else {
            assert_int_not_equal(st, RA_LAYOUT_OK);
        }
        /* pad_to_align */
        ra_layout p = ra_layout_pad_to_align(a);
        if (valid(a.size, a.align))
            assert_layout(p, (size_t)up(a.size, a.align), a.align);
        else
            assert_layout(p, a.size, a.align);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_align_ok),
        cmocka_unit_test(test_new),
        cmocka_unit_test(test_is_valid),
        cmocka_unit_test(test_pad_to_align),
        cmocka_unit_test(test_padding_needed_for),
        cmocka_unit_test(test_array),
        cmocka_unit_test(test_extend),
        cmocka_unit_test(test_struct_matches_compiler),
        cmocka_unit_test(test_struct_empty_and_errors),
        cmocka_unit_test(test_status_str),
        cmocka_unit_test(test_random_arithmetic),
    };
    return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
