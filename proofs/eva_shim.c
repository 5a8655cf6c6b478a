/* Eva on the malloc shim (make eva; entry eva_shim, called by eva_driver.c's eva_main).
 *
 * ref/malloc_shim.c is read in its RA_SHIM_PREFIX variant (entry points ra_shim_malloc, ...:
 * the build the TSan harness uses), so that it does not replace the libc's malloc that Eva
 * models with builtins, with the smallest reservation it accepts, 16 MiB instead of 32 GiB
 * (RA_SHIM_RESERVE_BYTES, a switch the shim has). It runs over proofs/eva_heap.c, the real heap.
 *
 * Stubs: Frama-C 25's libc declares mmap, mprotect and munmap without a contract and lacks
 * mincore, pthread_atfork and MAP_NORESERVE; they are modelled below (zeroed memory at a fixed
 * address or failure, success or failure, an arbitrary residency vector), with getenv (a few
 * well-formed and malformed values) and sysconf(_SC_PAGESIZE) (4096, or a failure the shim
 * replaces by 4096). */
#include "__fc_builtin.h"
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "heap.h"

#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0x4000 /* Linux's value */
#endif

int pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void));
int mincore(void *addr, size_t len, unsigned char *vec);

static void (*fork_handlers[3])(void);

int pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
    fork_handlers[0] = prepare;
    fork_handlers[1] = parent;
    fork_handlers[2] = child;
    return 0;
}

/* The reservations sit in the fixed range make eva declares valid (see EVA_MEM in
 * eva_driver.c): the metadata at its start, the arena ending at its end (so an overflow past
 * the arena is an alarm), both page-aligned as mmap's are. The shim asks for the arena first
 * with a multiple of 64 KiB and for the metadata with one page more. The range's bytes are not
 * zero for Eva, so a mapping is cleared here (fresh anonymous memory reads as zero). */
#define EVA_RANGE_START ((unsigned char *)0x01000000)
#define EVA_RANGE_END ((unsigned char *)0x05001000)
static int mmap_fails, mprotect_fails; /* set by eva_shim: 1 fails, 0 succeeds, 2 either */

void *mmap(void *addr, size_t len, int prot, int flags, int fildes, off_t off)
{
    (void)addr; (void)prot; (void)flags; (void)fildes; (void)off;
    if ((mmap_fails == 2 ? Frama_C_nondet(0, 1) : mmap_fails) || len > (size_t)(16 << 20) + 65536)
        return MAP_FAILED;
    unsigned char *p = len % 65536 == 0 ? EVA_RANGE_END - len : EVA_RANGE_START;
    memset(p, 0, len);
    return p;
}

/* REFALLOC_ARENA_MAX and REFALLOC_STATS: unset, empty, well formed or not. */
char *getenv(const char *name)
{
    (void)name;
    switch (Frama_C_interval(0, 6)) {
    case 0: return NULL;
    case 1: return "";
    case 2: return "16m";
    case 3: return "123456";
    case 4: return "1x";
    case 5: return "99999999999999999999g";
    default: return "/dev/null";
    }
}

int munmap(void *addr, size_t len)
{
    (void)addr; (void)len;
    return 0;
}

int mprotect(void *addr, size_t len, int prot)
{
    (void)addr; (void)len; (void)prot;
    return mprotect_fails == 2 ? Frama_C_nondet(0, -1) : -mprotect_fails;
}

/*@ requires \valid(vec + (0 .. (len + 4095) / 4096 - 1));
    assigns vec[0 .. (len + 4095) / 4096 - 1] \from indirect:addr, indirect:len;
    ensures \result == 0 || \result == -1; */
int mincore(void *addr, size_t len, unsigned char *vec);

long int sysconf(int name)
{
    if (name != _SC_PAGESIZE)
        return -1;
    return Frama_C_nondet(4096, -1);
}

char *program_invocation_short_name = "eva";

#define RA_SHIM_PREFIX 1
#define RA_SHIM_RESERVE_BYTES ((size_t)16 << 20)
#include "../ref/malloc_shim.c"

/* Calls after the first allocation. One: with a second, states that Eva cannot keep apart
 * meet inside the entry points and the heap operations get 5 alarms. */
#ifndef EVA_SHIM_STEPS
#define EVA_SHIM_STEPS 1
#endif

/* Request sizes: 0, one unit, a size that forces a growth of the arena (exact, so that the
 * growth is), one above PTRDIFF_MAX, one whose calloc/reallocarray product overflows. */
static size_t shim_size(int c)
{
    switch (c) {
    case 0: return 0;
    case 1: return (size_t)Frama_C_interval(1, 16);
    case 2: return (size_t)3 << 20;
    case 3: return (size_t)PTRDIFF_MAX + 1u;
    default: return SIZE_MAX / 2;
    }
}

/* The set-up allocation, then EVA_SHIM_STEPS calls, each chosen (split) among the entry points
 * with a size class, alignment or pointer, the fork protocol, the exit report and a bad free. */
#define SHIM_ACTIONS 33
void eva_shim(void)
{
    void *held[2] = { NULL, NULL };
    shim_start(); /* the constructor */
    (void)ra_shim_malloc_usable_size(&held); /* before the first allocation: not ours */
    /* A process whose reservation fails (mmap refused), then one whose first commit fails
     * (mprotect refused): every call fails with ENOMEM. Then, as in a fresh process (the driver
     * resets the shim's file-scope state: it is compiled in this file), one whose set-up
     * succeeds and whose later growths may be refused. Apart, because a join of a set-up heap
     * with none is what Eva cannot carry. */
    mmap_fails = 1;
    (void)ra_shim_malloc(16);
    state = 0;
    mmap_fails = 0;
    mprotect_fails = 1;
    (void)ra_shim_aligned_alloc(64, 16);
    state = 0;
    mprotect_fails = 0;
    held[0] = ra_shim_malloc(16);
    mprotect_fails = 2;
    int a = 0;
    for (int i = 0; i < EVA_SHIM_STEPS; i++) {
        //@ merge a;
        a = Frama_C_interval(0, SHIM_ACTIONS - 1);
        int k = i % 2;
        void *q = NULL, *r = NULL;
        //@ split a;
        switch (a) {
        case 0: case 1: case 2: case 3: case 4: q = ra_shim_malloc(shim_size(a)); break;
        case 5: q = ra_shim_calloc(3, (size_t)Frama_C_interval(11, 16)); break; /* 3 units */
        case 6: q = ra_shim_calloc(3, shim_size(4)); break; /* the product overflows */
        case 7: case 8: case 9: case 10: /* to 0 (frees), one unit, a growth, too large */
            q = ra_shim_realloc(held[k], shim_size(a - 7));
            held[k] = NULL;
            break;
        case 11: case 12:
            q = ra_shim_reallocarray(held[k], 3, shim_size(a == 11 ? 1 : 4));
            held[k] = NULL;
            break;
        case 13: q = ra_shim_aligned_alloc(3, shim_size(1)); break;
        case 14: q = ra_shim_aligned_alloc(64, shim_size(1)); break;
        case 15: q = ra_shim_aligned_alloc(4096, shim_size(1)); break;
        case 16: case 17: case 18: /* not a multiple of sizeof(void *), not a power of two, 64 */
            if (ra_shim_posix_memalign(&r, a == 16 ? 4 : a == 17 ? 24 : 64, shim_size(1)) == 0)
                q = r;
            break;
        case 19: q = ra_shim_memalign(SIZE_MAX, shim_size(1)); break;
        case 20: q = ra_shim_memalign(24, shim_size(1)); break; /* rounded up to 32 */
        case 21: q = ra_shim_memalign(8, shim_size(1)); break;
        case 22: q = ra_shim_valloc(shim_size(1)); break;
        case 23: q = ra_shim_pvalloc(shim_size(1)); break;
        case 24: q = ra_shim_pvalloc(shim_size(3)); break;
        case 25: (void)ra_shim_malloc_usable_size(&held); break;
        case 26: (void)ra_shim_malloc_usable_size(held[0]); break;
        case 27:
            (void)ra_shim_malloc_usable_size(held[0] == NULL ? NULL : (char *)held[0] + 1);
            break;
        case 28: ra_shim_free(held[a - 28]); held[a - 28] = NULL; break;
        case 29: ra_shim_free(held[a - 28]); held[a - 28] = NULL; break;
        case 30: /* fork: prepare, then the parent's or the child's handler */
            fork_handlers[0]();
            fork_handlers[Frama_C_interval(1, 2)]();
            break;
        case 31: /* the destructor's report (REFALLOC_STATS) */
            shim_report();
            break;
        default: /* a bad pointer: reported, then abort */
            ra_shim_free((unsigned char *)held[0] + Frama_C_interval(1, 15));
            break;
        }
        if (q != NULL)
            held[k] = q;
    }
}
