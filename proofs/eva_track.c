/* Eva sees ref/track.c as the compilers do (make eva; eva_heap.c says why). Under __FRAMAC__ the
 * file compiles out its glue (home, the pointer hash; call_malloc, call_free, call_realloc;
 * report; ra_track_each, ra_track_report, ra_track_as_allocator, ra_track_error_str; the system
 * and heap allocator tables) and WP assumes their contracts; Eva analyses the real bodies. The
 * headers are read with __FRAMAC__ set (their ACSL logic), the body without. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "heap.h"
#include "track.h"
#undef __FRAMAC__
#include "../ref/track.c"
