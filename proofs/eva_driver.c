/* Eva driver (make eva): every pool and layout entry point with abstract inputs, including the
 * glue WP does not see (ra_pool_init's carving of the metadata out of a char buffer, the
 * pointer/integer conversion, the default error report). Compiled only by Frama-C. */
#include "__fc_builtin.h"
#include "layout.h"
#include "pool.h"

static char buf[4096];
static uint32_t fi[16], ps[16];
static char blocks[512];

static void count_report(const ra_pool *p, const char *op, const void *ptr, const char *why,
                         void *ctx)
{
    (void)p; (void)op; (void)ptr; (void)why;
    int *n = ctx;
    (*n)++;
}

static void pool_part(void)
{
    ra_pool p;
    int reports = 0;
    size_t off = (size_t)Frama_C_interval(0, 64);
    size_t bytes = (size_t)Frama_C_interval(0, 4096 - 64);
    size_t size = (size_t)Frama_C_interval(0, 300);
    size_t align = (size_t)1 << Frama_C_interval(0, 8);
    (void)ra_pool_capacity_for(buf + off, bytes, size, align);
    if (ra_pool_init(&p, buf + off, bytes, size, align) == RA_POOL_OK) {
        ra_pool_set_error_handler(&p, count_report, &reports);
        void *a = ra_pool_alloc(&p);
        void *b = ra_pool_alloc(&p);
        ra_pool_free(&p, a);
        ra_pool_free(&p, a);                 /* double free: reported */
        ra_pool_free(&p, buf + 1);           /* metadata / foreign: reported */
        if (b != NULL)
            ra_pool_free(&p, (char *)b + 1); /* interior: reported */
        (void)ra_pool_owns(&p, b);
        (void)ra_pool_live(&p);
        (void)ra_pool_free_count(&p);
        (void)ra_pool_capacity(&p);
        (void)ra_pool_block_size(&p);
        (void)ra_pool_check(&p);
        ra_pool_reset(&p);
        ra_pool_free(&p, NULL);
    }
    size_t max = (size_t)Frama_C_interval(0, 16);
    if (ra_pool_init_split(&p, fi, ps, max, blocks, sizeof blocks, size, align) == RA_POOL_OK) {
        void *c = ra_pool_alloc(&p);
        ra_pool_set_error_handler(&p, count_report, &reports);
        ra_pool_free(&p, c);
        (void)ra_pool_check(&p);
    }
    (void)ra_pool_check(NULL);
    (void)ra_pool_status_str((ra_pool_status)Frama_C_interval(0, 9));
}

static size_t any_size(void)
{
    return Frama_C_nondet(0, 1) ? (size_t)Frama_C_interval(0, 100)
                                : (size_t)Frama_C_unsigned_long_interval(0, SIZE_MAX);
}

static void layout_part(void)
{
    ra_layout a, b, out;
    size_t offset;
    a.size = any_size();
    a.align = any_size();
    b.size = any_size();
    b.align = (size_t)1 << Frama_C_interval(0, 63);
    (void)ra_layout_align_ok(a.align);
    (void)ra_layout_is_valid(a);
    (void)ra_layout_new(a.size, a.align, &out);
    (void)ra_layout_array(b, any_size(), &out);
    (void)ra_layout_extend(a, b, &out, &offset);
    (void)ra_layout_extend(b, b, &out, NULL);
    (void)ra_layout_pad_to_align(b);
    (void)ra_layout_padding_needed_for(a, b.align);
    ra_layout_struct_builder s;
    (void)ra_layout_struct_begin(&s, (unsigned)Frama_C_interval(0, 1), any_size());
    (void)ra_layout_struct_field(&s, a, any_size(), &offset);
    (void)ra_layout_struct_field(&s, b, 0, NULL);
    (void)ra_layout_struct_end(&s, &out);
    (void)ra_layout_status_str((ra_layout_status)Frama_C_interval(0, 5));
}

void eva_main(void)
{
    pool_part();
    layout_part();
}
