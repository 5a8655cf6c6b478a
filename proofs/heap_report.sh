#!/usr/bin/env bash
# proofs/heap_report.sh LOG...: per-function goal counts from frama-c -wp logs of ref/heap.c.
# A goal counts once (by name) and is proved when any log proves it: the logs come from runs that
# differ only in which invariant components are opaque (proofs/heap_prove.sh explains why the
# union is sound).
# (The prover name may contain a space, "CVC4 1.8": only the goal name and the status are kept.)
# Prints "function: proved / total" (goals named typed_<function>_...; lemmas under "lemmas"),
# then the functions with no goal in the log (a partial run), then "Proved goals: N / M" as the
# last line. Every number comes from the log WP wrote.
fns="ra_heap_meta_bytes ra_heap_init_split ra_heap_extend ra_heap_reset ra_heap_malloc
ra_heap_free ra_heap_realloc ra_heap_calloc ra_heap_aligned_alloc ra_heap_usable_size ra_heap_owns
ra_heap_stats_get ra_heap_check ra_heap_class_round ra_status_str ra_heap_set_error_handler
top_bit64 size_of prev_of is_free list_insert list_remove find_fit split absorb_next ptr_of mark_live req_of
unmark_live release invalid_reason unit_of validate zero_records start_empty fail units_for
resize_in_place fault sat_add sat_sub with_bit without_bit bytes_of bump account_resize set_request
grow align_gap fragmentation_of free_of_class links_ok walk_blocks walk_states check_classes
walk_lists interior_tiled"
cat "$@" | grep -E '^\[wp\] \[[^]]+\] Goal ' |
sed -E -e 's/^\[wp\] \[[^]]+\] Goal ([^ ]+) : ([A-Za-z]+).*/\1 \2/' \
       -e 's/^\[wp\] \[Failed\] Goal ([^ ]+).*/\1 Failed/' |
awk -v fns="$fns" '
  BEGIN { n = split(fns, F, /[ \n]+/) }
  { g = $1; ok = ($2 == "Valid"); if (g in seen) { if (ok && !(g in good)) { good[g] = 1; P++; pr[fn[g]]++ } next }
    seen[g] = 1; if (ok) good[g] = 1; best = "";
    for (i = 1; i <= n; i++) if (F[i] != "" && index(g, "typed_" F[i] "_") == 1 && length(F[i]) > length(best)) best = F[i];
    if (best == "" && g ~ /^typed_lemma_/) best = "lemmas";
    if (best == "") best = "other";
    fn[g] = best; tot[best]++; if (ok) pr[best]++; T++; if (ok) P++ }
  END { for (i = 1; i <= n; i++) if (F[i] in tot) printf "%-28s %4d / %d\n", F[i] ":", pr[F[i]] + 0, tot[F[i]];
        if ("lemmas" in tot) printf "%-28s %4d / %d\n", "lemmas:", pr["lemmas"] + 0, tot["lemmas"];
        if ("other" in tot) printf "%-28s %4d / %d\n", "other:", pr["other"] + 0, tot["other"];
        na = ""; for (i = 1; i <= n; i++) if (F[i] != "" && !(F[i] in tot)) na = na " " F[i];
        if (na != "") printf "Not attempted (no goal in this log):%s\n", na;
        printf "Proved goals: %d / %d\n", P, T }'
