#!/usr/bin/env bash
# proofs/heap_report.sh LOG: per-function goal counts from a frama-c -wp log of ref/heap.c.
# (The prover name may contain a space, "CVC4 1.8": only the goal name and the status are kept.)
# Prints "function: proved / total" (goals named typed_<function>_...; lemmas under "lemmas"),
# then the functions with no goal in the log (a partial run), then "Proved goals: N / M" as the
# last line. Every number comes from the log WP wrote.
log=$1
fns="ra_heap_meta_bytes ra_heap_init_split ra_heap_init ra_heap_extend ra_heap_reset ra_heap_malloc
ra_heap_free ra_heap_realloc ra_heap_calloc ra_heap_aligned_alloc ra_heap_usable_size ra_heap_owns
ra_heap_stats_get ra_heap_check ra_heap_class_round ra_status_str ra_heap_set_error_handler
top_bit64 is_free list_insert list_remove find_fit split absorb_next ptr_of mark_live req_of
unmark_live release invalid_reason validate zero_records start_empty fail units_for
resize_in_place fault"
grep -E '^\[wp\] \[[^]]+\] Goal ' "$log" |
sed -E -e 's/^\[wp\] \[[^]]+\] Goal ([^ ]+) : ([A-Za-z]+).*/\1 \2/' \
       -e 's/^\[wp\] \[Failed\] Goal ([^ ]+).*/\1 Failed/' |
awk -v fns="$fns" '
  BEGIN { n = split(fns, F, /[ \n]+/) }
  { g = $1; ok = ($2 == "Valid"); best = "";
    for (i = 1; i <= n; i++) if (F[i] != "" && index(g, "typed_" F[i] "_") == 1 && length(F[i]) > length(best)) best = F[i];
    if (best == "" && g ~ /^typed_lemma_/) best = "lemmas";
    if (best == "") best = "other";
    tot[best]++; if (ok) pr[best]++; T++; if (ok) P++ }
  END { for (i = 1; i <= n; i++) if (F[i] in tot) printf "%-28s %4d / %d\n", F[i] ":", pr[F[i]] + 0, tot[F[i]];
        if ("lemmas" in tot) printf "%-28s %4d / %d\n", "lemmas:", pr["lemmas"] + 0, tot["lemmas"];
        if ("other" in tot) printf "%-28s %4d / %d\n", "other:", pr["other"] + 0, tot["other"];
        na = ""; for (i = 1; i <= n; i++) if (F[i] != "" && !(F[i] in tot)) na = na " " F[i];
        if (na != "") printf "Not attempted (no goal in this log):%s\n", na;
        printf "Proved goals: %d / %d\n", P, T }'
