/*
 * refalloc fuzz suite: allocator tables for the executor (ops.h).
 *  fz_api_ref    the reference heap (ref/heap.h) over a static arena, with every hook
 *  fz_api_system the process's allocator (glibc, or the sanitizer's allocator in sanitizer
 *                builds), with requests capped so a campaign never maps gigabytes
 */
#ifndef FZ_ALLOCS_H
#define FZ_ALLOCS_H

#include "heap.h"
#include "ops.h"

extern const fz_api fz_api_ref;
extern const fz_api fz_api_system;

/* The reference heap behind fz_api_ref (valid after its begin hook ran). */
ra_heap *fz_ref_heap(void);
/* The arena buffer (for the reproducer: the address of a finding as an offset). */
unsigned char *fz_ref_arena(void);

#endif
