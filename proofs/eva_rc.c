/* Eva sees ref/rc.c as the compilers do (make eva; eva_heap.c says why). Under __FRAMAC__ the file
 * compiles out its glue (heap_alloc, heap_free, run_dtor, report, ra_rc_init: the allocator table,
 * the destructor call, the handler) and WP assumes their contracts; Eva analyses the real bodies.
 * The headers are read with __FRAMAC__ set (their ACSL logic), the body without. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "heap.h"
#include "rc.h"
#undef __FRAMAC__
#include "../ref/rc.c"
