/* Eva sees ref/stack.c as the compilers do (make eva; eva_heap.c says why). Under __FRAMAC__ the
 * file compiles out its glue (addr_mod, the buffer's address modulo RA_STACK_MAX_ALIGN; poison and
 * unpoison; report) and WP assumes their contracts; Eva analyses the real bodies. The header is
 * read with __FRAMAC__ set (its ACSL logic), the body without. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stack.h"
#undef __FRAMAC__
#include "../ref/stack.c"
