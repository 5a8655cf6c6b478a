/*
 * refalloc E-ACSL build: forced (-include) into every file Frama-C parses for make eacsl.
 * Frama-C 25's own libc headers lack a few declarations the harnesses use, and its parser does
 * not accept C11 _Alignas; the GCC attribute says the same and survives into the printed code.
 * Never seen by the compilers.
 */
#ifndef FZ_EACSL_FC_COMPAT_H
#define FZ_EACSL_FC_COMPAT_H
#include <stddef.h>

#define _Alignas(n) __attribute__((__aligned__(n)))

void *aligned_alloc(size_t alignment, size_t size); /* C11; missing from Frama-C's stdlib.h */
size_t malloc_usable_size(void *ptr);               /* glibc's <malloc.h> */

#endif
