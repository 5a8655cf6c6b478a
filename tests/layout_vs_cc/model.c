/*
 * The ra_layout side of the layout-vs-compiler check: reads desc.txt (from gen.py), lays out each
 * struct with ra_layout_struct_begin / _field / _end, and prints "S<i> <size> <align> <offsets>"
 * in the probe's format. Scalar types enter with their natural layout (RA_LAYOUT_OF, the ABI's
 * primitives); every struct rule (padding, packed, aligned on struct and fields, arrays, nesting)
 * is ra_layout's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

typedef int (*fnptr)(void);

static const ra_layout scalars[] = {
    RA_LAYOUT_OF(char), RA_LAYOUT_OF(signed char), RA_LAYOUT_OF(unsigned char),
    RA_LAYOUT_OF(short), RA_LAYOUT_OF(unsigned short), RA_LAYOUT_OF(int),
    RA_LAYOUT_OF(unsigned int), RA_LAYOUT_OF(long), RA_LAYOUT_OF(unsigned long),
    RA_LAYOUT_OF(long long), RA_LAYOUT_OF(unsigned long long), RA_LAYOUT_OF(float),
    RA_LAYOUT_OF(double), RA_LAYOUT_OF(long double), RA_LAYOUT_OF(void *), RA_LAYOUT_OF(_Bool),
    RA_LAYOUT_OF(fnptr),
};
#define NSCALARS (sizeof scalars / sizeof scalars[0])

int main(int argc, char **argv)
{
    FILE *in = argc > 1 ? fopen(argv[1], "r") : stdin;
    if (in == NULL) {
        perror(argv[1]);
        return 2;
    }
    size_t cap = 1024, n = 0;
    ra_layout *done = malloc(cap * sizeof *done);
    if (done == NULL)
        return 2;
    unsigned idx, packed, nf;
    size_t s_al;
    while (fscanf(in, " S %u %u %zu %u", &idx, &packed, &s_al, &nf) == 4) {
        if (idx != n) {
            fprintf(stderr, "model: struct %u out of order\n", idx);
            return 2;
        }
        ra_layout_struct_builder b;
        ra_layout_struct_begin(&b, packed ? RA_LAYOUT_PACKED : 0u, s_al);
        printf("S%u", idx);
        size_t offs[64];
        for (unsigned j = 0; j < nf; j++) {
            char kind;
            unsigned ref, count;
            size_t f_al;
            if (fscanf(in, " %c%u %u %zu", &kind, &ref, &count, &f_al) != 4 ||
                (kind == 'T' && ref >= NSCALARS) || (kind == 'N' && ref >= n)) {
                fprintf(stderr, "model: bad field %u of struct %u\n", j, idx);
                return 2;
            }
            ra_layout f = kind == 'T' ? scalars[ref] : done[ref];
            if (count > 0 && ra_layout_array(f, count, &f) != RA_LAYOUT_OK) {
                fprintf(stderr, "model: array failed in struct %u\n", idx);
                return 2;
            }
            ra_layout_struct_field(&b, f, f_al, &offs[j]);
        }
        ra_layout out;
        ra_layout_status st = ra_layout_struct_end(&b, &out);
        if (st != RA_LAYOUT_OK) {
            fprintf(stderr, "model: struct %u: %s\n", idx, ra_layout_status_str(st));
            return 2;
        }
        printf(" %zu %zu", out.size, out.align);
        for (unsigned j = 0; j < nf; j++)
            printf(" %zu", offs[j]);
        putchar('\n');
        if (n == cap) {
            cap *= 2;
            ra_layout *grown = realloc(done, cap * sizeof *done);
            if (grown == NULL) {
                free(done);
                return 2;
            }
            done = grown;
        }
        done[n++] = out;
    }
    free(done);
    return 0;
}
