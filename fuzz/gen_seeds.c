/*
 * Seed corpus generator: writes corpus/<target>/seed-*.bin, hand-made programs in the operation
 * language (spec/FORMAT.md) that reach every opcode, every boundary size and the interesting
 * heap situations (out of memory, merges on both sides, in-place and moved realloc, bad
 * pointers, a growing arena). Run by `make corpus-seeds`; seeds are regenerated from here so they
 * stay valid when the format changes.
 *
 * usage: gen_seeds OUTDIR   (writes OUTDIR/heap_diff, OUTDIR/pool_model, OUTDIR/layout_model)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ops.h"

static const char *outdir;
static unsigned nseeds;

static void save(const char *target, const char *name, fz_writer *w)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", outdir, target);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/%s/seed-%s.bin", outdir, target, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(w->buf, 1, w->len, f) != w->len) {
        perror(path);
        exit(1);
    }
    fclose(f);
    free(w->buf);
    memset(w, 0, sizeof *w);
    nseeds++;
}

/* header bits 0-1: arena choice; bit 2: growing arena (init_split + extend on demand) */
static size_t arena_of(unsigned hdr)
{
    /* user bytes as the reference computes them: (bytes - 16) / 32 units */
    return ((fz_arena_choices[hdr & 3u] - 16u) / 32u) * 16u;
}

static unsigned H; /* header of the seed being written */
static size_t A;

static void begin(fz_writer *w, unsigned hdr)
{
    memset(w, 0, sizeof *w);
    H = hdr;
    A = arena_of(hdr);
    fz_w_header(w, (uint8_t)hdr);
}
static void op_malloc(fz_writer *w, unsigned s, size_t n) { fz_w_op(w, FZ_OP_MALLOC, s); fz_w_size(w, n, A); }
static void op_malloc_t(fz_writer *w, unsigned s, unsigned ti) { fz_w_op(w, FZ_OP_MALLOC, s); fz_w_size_table(w, ti); }
static void op_calloc(fz_writer *w, unsigned s, size_t c, size_t n)
{
    fz_w_op(w, FZ_OP_CALLOC, s);
    fz_w_size(w, c, A);
    fz_w_size(w, n, A);
}
static void op_realloc(fz_writer *w, unsigned s, size_t n) { fz_w_op(w, FZ_OP_REALLOC, s); fz_w_size(w, n, A); }
static void op_aligned(fz_writer *w, unsigned s, size_t a, size_t n)
{
    fz_w_op(w, FZ_OP_ALIGNED, s);
    fz_w_align(w, a);
    fz_w_size(w, n, A);
}
static void op_memalign(fz_writer *w, unsigned s, size_t a, size_t n)
{
    fz_w_op(w, FZ_OP_MEMALIGN, s);
    fz_w_align(w, a);
    fz_w_size(w, n, A);
}
static void op_free(fz_writer *w, unsigned s) { fz_w_op(w, FZ_OP_FREE, s); }
static void op_simple(fz_writer *w, unsigned code, unsigned s) { fz_w_op(w, code, s); }
static void op_arg(fz_writer *w, unsigned code, unsigned s, uint8_t arg)
{
    fz_w_op(w, code, s);
    fz_w_byte(w, arg);
}
static void op_fill(fz_writer *w, size_t n) { fz_w_op(w, FZ_OP_FILL, 0); fz_w_size(w, n, A); }
static void op_freemany(fz_writer *w, unsigned mask)
{
    fz_w_op(w, FZ_OP_FREEMANY, 0);
    fz_w_byte(w, (uint8_t)mask);
    fz_w_byte(w, (uint8_t)(mask >> 8));
}

static void heap_seeds(void)
{
    fz_writer w;
    char name[64];
    /* every opcode once, on each arena choice */
    for (unsigned hdr = 0; hdr < 16; hdr++) {
        begin(&w, hdr);
        op_malloc(&w, 0, 24);
        op_calloc(&w, 1, 3, 40);
        op_realloc(&w, 0, 100);
        op_aligned(&w, 2, 64, 128);
        op_memalign(&w, 3, 256, 40);
        op_simple(&w, FZ_OP_USABLE, 0);
        op_simple(&w, FZ_OP_USABLE, 9);
        op_arg(&w, FZ_OP_WRITE, 0, 1);
        op_arg(&w, FZ_OP_WRITE, 1, 0);
        op_simple(&w, FZ_OP_VERIFY, 0);
        op_simple(&w, FZ_OP_VERIFY, 9);
        op_arg(&w, FZ_OP_CHECK, 0, 1);
        op_simple(&w, FZ_OP_STATS, 0);
        for (unsigned k = 0; k < 8; k++)
            op_arg(&w, FZ_OP_BADFREE, k & 1u ? 0 : 2, (uint8_t)k);
        op_free(&w, 0);
        op_arg(&w, FZ_OP_BADFREE, 0, 1);
        op_arg(&w, FZ_OP_BADFREE, 0, 5);
        op_fill(&w, 48);
        op_freemany(&w, 0x5555);
        op_freemany(&w, 0xffff);
        op_free(&w, 7); /* free(NULL) */
        snprintf(name, sizeof name, "every-op-h%u", hdr);
        save("heap_diff", name, &w);
    }
    /* the checker self-tests and init/extend error paths (header bits 4-7) */
    for (unsigned k = 1; k < 16; k++) {
        begin(&w, k << 4);
        op_malloc(&w, 0, 100);
        snprintf(name, sizeof name, "selftest-%u", k);
        save("heap_diff", name, &w);
    }
    /* every boundary size: malloc, calloc, realloc, aligned_alloc (small and large arenas) */
    for (unsigned hdr = 0; hdr < 2; hdr++) {
        begin(&w, hdr);
        for (unsigned t = 0; t < 64; t++) {
            op_malloc_t(&w, t & 15u, t);
            if ((t & 3u) == 3)
                op_freemany(&w, 0xffff);
        }
        snprintf(name, sizeof name, "sizes-malloc-h%u", hdr);
        save("heap_diff", name, &w);
        begin(&w, hdr);
        for (unsigned t = 0; t < 64; t++) {
            op_malloc(&w, 1, 40);
            fz_w_op(&w, FZ_OP_REALLOC, 1);
            fz_w_size_table(&w, t);
            op_realloc(&w, 2, 0);
            fz_w_op(&w, FZ_OP_REALLOC, 2);
            fz_w_size_table(&w, t);
        }
        snprintf(name, sizeof name, "sizes-realloc-h%u", hdr);
        save("heap_diff", name, &w);
        begin(&w, hdr);
        for (unsigned t = 0; t < 64; t++) {
            fz_w_op(&w, FZ_OP_CALLOC, t & 15u);
            fz_w_size_table(&w, t);
            fz_w_size_table(&w, (t * 7u + 3u) & 63u);
            fz_w_op(&w, FZ_OP_CALLOC, (t + 1) & 15u);
            fz_w_size(&w, 3, A);
            fz_w_size_table(&w, t);
        }
        /* products that overflow, and ones that just fit */
        op_calloc(&w, 0, (size_t)1 << 32, (size_t)1 << 32);
        op_calloc(&w, 1, (size_t)1 << 33, (size_t)1 << 31);
        op_calloc(&w, 2, 2, ((size_t)PTRDIFF_MAX) + 1);
        op_calloc(&w, 3, ((size_t)1 << 32) + 1, 0xffffffffu);
        op_calloc(&w, 4, SIZE_MAX, SIZE_MAX);
        op_calloc(&w, 5, 0, SIZE_MAX);
        op_calloc(&w, 6, A / 16, 16);
        op_calloc(&w, 7, A / 16 + 1, 16);
        snprintf(name, sizeof name, "sizes-calloc-h%u", hdr);
        save("heap_diff", name, &w);
        begin(&w, hdr);
        for (unsigned k = 0; k < 64; k++) {
            op_aligned(&w, k & 15u, (size_t)1 << k, 100);
            op_memalign(&w, (k + 3) & 15u, (size_t)1 << k, 16);
        }
        static const size_t bad[] = { 0, 3, 5, 6, 12, 24, 48, 100, 4, 2, 1, SIZE_MAX, 17 };
        for (unsigned k = 0; k < sizeof bad / sizeof bad[0]; k++) {
            op_aligned(&w, k & 15u, bad[k], 64);
            op_memalign(&w, (k + 5) & 15u, bad[k], 64);
        }
        op_aligned(&w, 0, 4096, SIZE_MAX);
        op_aligned(&w, 1, 64, (size_t)PTRDIFF_MAX + 1);
        op_aligned(&w, 2, 1024, 0);
        op_aligned(&w, 3, 16, A);
        op_aligned(&w, 4, A / 2, A / 2);
        op_memalign(&w, 5, 8, 0);
        op_memalign(&w, 6, 32, SIZE_MAX);
        snprintf(name, sizeof name, "sizes-aligned-h%u", hdr);
        save("heap_diff", name, &w);
    }
    /* merges: free left then right then middle, every order, and big neighbours */
    static const unsigned orders[6][3] = { {0,1,2}, {0,2,1}, {1,0,2}, {1,2,0}, {2,0,1}, {2,1,0} };
    begin(&w, 2);
    for (unsigned o = 0; o < 6; o++) {
        for (unsigned k = 0; k < 4; k++)
            op_malloc(&w, k, 16 * (k + 1) + o);
        for (unsigned k = 0; k < 3; k++)
            op_free(&w, orders[o][k]);
        op_arg(&w, FZ_OP_CHECK, 0, 1);
        op_free(&w, 3);
    }
    save("heap_diff", "merges", &w);
    /* realloc: grow in place into a free neighbour, shrink in place, move, fail intact */
    for (unsigned hdr = 0; hdr < 3; hdr++) {
        begin(&w, hdr);
        op_malloc(&w, 0, 100);
        op_malloc(&w, 1, 100);
        op_malloc(&w, 2, 100);
        op_free(&w, 1);
        op_realloc(&w, 0, 150);   /* in place, into part of the free neighbour */
        op_realloc(&w, 0, 200);   /* in place, all of it */
        op_realloc(&w, 0, 20);    /* shrink in place */
        op_realloc(&w, 0, 17);
        op_realloc(&w, 0, 16);
        op_realloc(&w, 0, 1000);  /* moved */
        op_realloc(&w, 2, A);     /* fails: too big, block intact */
        op_realloc(&w, 2, A - 64);
        op_realloc(&w, 2, SIZE_MAX);
        op_realloc(&w, 2, (size_t)PTRDIFF_MAX + 1);
        op_realloc(&w, 2, 0);     /* frees */
        op_realloc(&w, 3, 0);     /* realloc(NULL, 0) */
        op_realloc(&w, 4, 5000);  /* realloc(NULL, n) */
        op_arg(&w, FZ_OP_WRITE, 4, 1);
        op_realloc(&w, 4, 4000);
        op_realloc(&w, 4, 6000);
        op_simple(&w, FZ_OP_USABLE, 4);
        snprintf(name, sizeof name, "realloc-h%u", hdr);
        save("heap_diff", name, &w);
    }
    /* out of memory and fragmentation: fill the arena, free every other block, ask for more */
    for (unsigned hdr = 0; hdr < 8; hdr++) {
        size_t blk = A / 20;
        begin(&w, hdr);
        op_fill(&w, blk);
        op_freemany(&w, 0x5555);
        op_malloc(&w, 0, 2 * blk);   /* fails: only single gaps are free */
        op_malloc(&w, 2, blk - 16);
        op_malloc(&w, 4, blk + 16);
        op_realloc(&w, 1, blk + 32);
        op_realloc(&w, 3, 3 * blk);
        op_freemany(&w, 0x00f0);
        op_malloc(&w, 5, 3 * blk);
        op_aligned(&w, 6, 1024, blk);
        op_aligned(&w, 7, A / 4, 16);
        op_fill(&w, 16);
        op_fill(&w, 0);
        op_arg(&w, FZ_OP_CHECK, 0, 1);
        op_freemany(&w, 0xffff);
        op_malloc(&w, 0, A);
        op_malloc(&w, 1, A - 16);
        op_malloc(&w, 2, A + 1);
        op_malloc(&w, 3, A / 2);
        op_malloc(&w, 4, A / 2 + 16);
        op_realloc(&w, 3, A);
        op_freemany(&w, 0xffff);
        op_aligned(&w, 0, A / 2, A / 2);
        op_aligned(&w, 1, 64, A - 64);
        snprintf(name, sizeof name, "oom-h%u", hdr);
        save("heap_diff", name, &w);
    }
    /* many size classes: one block per class boundary, freed in a scattered order */
    begin(&w, 3);
    for (unsigned k = 0; k < 16; k++)
        op_malloc(&w, k, ((size_t)16 << k) + (k & 1u ? 16u : 0u));
    op_freemany(&w, 0xaaaa);
    for (unsigned k = 0; k < 16; k++)
        op_malloc(&w, (k * 5u) & 15u, ((size_t)16 << k) - 16u * (k & 1u));
    op_freemany(&w, 0xffff);
    save("heap_diff", "classes", &w);
}

static void raw(const char *target, const char *name, const uint8_t *b, size_t n)
{
    fz_writer w;
    memset(&w, 0, sizeof w);
    for (size_t i = 0; i < n; i++)
        fz_w_byte(&w, b[i]);
    save(target, name, &w);
}

/* pool_model: header (size, align, buffer, mode) then ops (see fuzz/pool_model.c) */
static void pool_seeds(void)
{
    static const uint8_t hdrs[][4] = {
        { 15, 3, 16, 0 }, { 0, 0, 0, 0 }, { 23, 4, 255, 1 }, { 99, 6, 40, 7 },
        { 0x46, 4, 128, 0 }, { 7, 0x83, 10, 0 }, { 0x7a, 0, 10, 0 }, { 3, 7, 0, 1 },
        { 127, 2, 200, 30 }, { 0x40, 1, 3, 0 },
    };
    static const uint8_t prog[] = {
        0x00, 0x10, 0x20, 0x05, 0x15, 0x06, 0x03, 0x11, 0x01, 0x00, 0x10, 0x02, 0x00,
        0x12, 0x01, 0x02, 0x02, 0x02, 0x03, 0x30, 0x32, 0x01, 0x07, 0x03, 0x04, 0x00,
        0x21, 0x03, 0x16, 0x41, 0x07, 0x00, 0x01, 0x11, 0x21, 0x03,
    };
    for (unsigned i = 0; i < sizeof hdrs / sizeof hdrs[0]; i++) {
        uint8_t b[4 + sizeof prog];
        memcpy(b, hdrs[i], 4);
        memcpy(b + 4, prog, sizeof prog);
        char name[32];
        snprintf(name, sizeof name, "ops-%u", i);
        raw("pool_model", name, b, sizeof b);
    }
}

/* layout_model: every function with boundary sizes and alignments */
static void layout_seeds(void)
{
    static const uint8_t s1[] = {
        0, 24, 3, 0, 0x75, 0x3f, 0, 0x76, 0, 0, 0x40 + 53, 4, 0, 5, 0x41,           /* new */
        1, 24, 3, 10, 1, 0x40 + 47, 4, 0x40 + 49, 1, 0x40 + 53, 0, 2, 1, 7, 0x41, 3, /* array */
        2, 5, 0, 8, 3, 2, 0x40 + 53, 0, 1, 4, 2, 0x40 + 52, 4, 0x40 + 10, 0x3f,     /* extend */
        3, 5, 3, 3, 0x40 + 53, 4, 3, 7, 0x41,                                        /* pad */
        4, 5, 0, 4, 4, 0x40 + 58, 0, 4, 4, 9, 0, 0x41,                               /* padding */
        6, 0x40 + 54, 0, 7, 8, 0x42,                                                 /* valid */
    };
    static const uint8_t s2[] = {
        5, 0x03, 1, 0, 0, 8, 3, 1, 5, 4, 2, 0,                  /* char; double aligned(32); short */
        5, 0x0b, 1, 0, 0, 8, 3, 0, 2, 1, 1, 6,                  /* packed, aligned(64) member */
        5, 0x12, 0x41, 0,                                       /* struct aligned(3): EALIGN */
        5, 0x14, 0x06, 8, 3, 0, 0x40 + 53, 0, 0, 0x40 + 53, 0, 0, 5, 4, 0, /* overflow */
        5, 0x11, 0x0c, 0x40 + 52, 3, 0,                         /* padded end overflows */
        5, 0x02, 8, 3, 0, 0, 4, 1, 0x41,                        /* bad member aligned() */
        5, 0x07, 1, 0, 0, 2, 1, 0, 4, 2, 0, 8, 3, 0, 16, 4, 0, 3, 0, 0, 6, 1, 0,
    };
    raw("layout_model", "functions", s1, sizeof s1);
    raw("layout_model", "structs", s2, sizeof s2);
}

int main(int argc, char **argv)
{
    outdir = argc > 1 ? argv[1] : "corpus";
    mkdir(outdir, 0755);
    heap_seeds();
    pool_seeds();
    layout_seeds();
    printf("gen_seeds: wrote %u seeds under %s/\n", nseeds, outdir);
    return 0;
}
