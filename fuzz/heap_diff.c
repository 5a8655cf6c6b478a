/*
 * heap_diff: every operation on the reference heap and on the system allocator, both checked
 * against the shadow model and the rules (fuzz/ops.c), the reference also against its own
 * invariant check, stats and fit guarantee after every operation. Lane 0 (the reference) uses
 * the profile of its documented choices; the system allocator (glibc, or the sanitizer's) the
 * glibc profile. FZ_PROFILE=strict|glibc|musl|ref overrides the system lane's profile.
 */
#include <stdlib.h>

#include "allocs.h"
#include "driver.h"

const char fz_target_name[] = "heap_diff";

size_t fz_target_run(const uint8_t *data, size_t size)
{
    static const fz_profile *sys_prof;
    if (!sys_prof) {
        const char *e = getenv("FZ_PROFILE");
        sys_prof = e && fz_profile_by_name(e) ? fz_profile_by_name(e) : &fz_profile_glibc;
    }
    fz_lane lanes[2];
    fz_lane_init(&lanes[0], &fz_api_ref, &fz_profile_ref);
    fz_lane_init(&lanes[1], &fz_api_system, sys_prof);
    fz_run_opts o = { .final_state = true };
    return fz_run(lanes, 2, data, size, &o);
}
