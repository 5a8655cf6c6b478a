#!/usr/bin/env bash
# proofs/heap_prove.sh OUTDIR FUNCTION...: WP on ref/heap.c, function by function, in several
# configurations, functions in groups (below), each log in OUTDIR/<group>.<config>.log
# (proofs/heap_report.sh takes the union).
#
# Why: the heap invariant (spec/heap_ok.acsl) is a conjunction of quantified components whose
# instances trigger each other; with every component unfolded in every goal the provers drown.
# Each component can be made opaque (-DRA_OPAQUE_<NAME>: an uninterpreted predicate whose reads
# clause names exactly the fields its definition reads). A goal proved with some components
# opaque holds for every interpretation of them that satisfies the lemmas, so for the real
# definitions too (every lemma is proved in the all-transparent run): taking, goal by goal, the
# union of the runs below is sound.
#   opaque     every component opaque, every goal of the function. Components whose fields the
#              function does not write carry over syntactically (WP's Typed model keeps size/prev,
#              links, heads and bitmaps in separate memory variables); the rest of the plumbing
#              (callee postconditions into the next callee's preconditions) is propositional.
#   <name>     only the goals labelled <name> (postconditions and hint assertions), with <name>
#              and the components its proof needs transparent, the others opaque.
#   counted    the goals labelled `counted` (the counter sums of spec/heap_counts.acsl, in the
#              functions of COUNTED_FNS only), every component opaque, with the sum lemmas. The
#              sums themselves are transparent only here (RA_OPAQUE_COUNTS everywhere else).
#   lemmas     (the word `lemmas` in place of a function) every lemma, everything transparent;
#              the sum lemmas by induction (proofs/wp_tune.ml's strategy ra:induction).
# Extra frama-c arguments: HEAP_WP_ARGS (for example "-wp-timeout 20").
set -u
out=$1; shift
rm -rf "$out/jobs"; mkdir -p "$out/jobs"
# (COUNTS: the sums of spec/heap_counts.acsl, transparent only for the `counted` goals)
all="TILING BEYOND HEADS LINKS BITMAPS MERGED SLACK COUNTS"
support() { case $1 in
  links) echo "LINKS HEADS" ;; merged) echo "MERGED TILING" ;; counted) echo COUNTS ;; *) echo "${1^^}" ;; esac; }
# The functions with goals labelled `counted` (the other groups skip that configuration).
COUNTED_FNS="walk_blocks ra_heap_check mark_live unmark_live list_insert list_remove split absorb_next
  release start_empty grow validate fail bump set_request account_resize resize_in_place ra_heap_free
  ra_heap_malloc ra_heap_aligned_alloc ra_heap_calloc ra_heap_realloc ra_heap_extend ra_heap_reset
  ra_heap_init_split ra_heap_set_error_handler"
COUNTED_FNS=$(echo $COUNTED_FNS) # (one line, single spaces: matched word by word below)
opaque_flags() { # $@ = transparent components
  local f="" c
  for c in $all; do case " $* " in *" $c "*) ;; *) f="$f -DRA_OPAQUE_$c" ;; esac; done
  echo "$f"; }
# Each run (a group of functions in one configuration) is a job: a script in OUTDIR/jobs, the
# jobs run HEAP_JOBS at a time (default 2, one per core), each frama-c with -wp-par 1. Measured on
# the 2-core machine: one run at a time with -wp-par 2 left a core idle while WP generates and
# simplifies goals (most of a run's time, and single-threaded), and the provers raced each other
# on every goal (with two slots, cvc4 and cvc5 both ran until one of them answered); with
# -wp-par 1 the next prover runs only when the previous one fails. The jobs start in the order
# of their names: first (PRIO 1) the runs that take minutes (the opaque and counted runs and
# the lemma run), then the component runs, a minute at most each, which fill the end. (Measured:
# with the counted runs among the second, all1's ran alone for the last two minutes of a cold run.)
# WP_TUNE: frama-c arguments that load proofs/wp_tune.ml (mk/prove.mk sets it; none by default)
tune=${WP_TUNE:-}
# Qed's branch pruning (-wp-pruning, WP's default: each goal's branches tested for trivial
# falsity) is off: on the heap's long paths it costs more than it saves. Measured in whole runs
# from an empty cache: the heap's logged Qed time 358 -> 176 s, its provers' about 600 -> 650 s
# (larger tasks), the whole run 820 -> 745 s with the component runs below; every goal proved but
# resize_in_place's `grown` assertion, which now has a step in each branch before the join. The
# other modules keep it (rc and track alone: no gain; stack: its alignment goals then time out).
# HEAP_PRUNING="" restores it.
pruning=${HEAP_PRUNING--wp-no-pruning}
# Qed's ground propagation (-wp-ground, WP's default: the equalities of a goal's ground terms
# carried forward through its hypotheses) is off in the opaque runs, where it costs more than it
# saves: measured alone from an empty cache, the none3 opaque run 83 -> 74 s of CPU, all1's
# 157 -> 142 s, every goal proved. It stays on elsewhere: the tiling component run went 43 -> 58 s
# without it, and in the counted runs a goal timed out. HEAP_OPAQUE_GROUND="" restores it.
opaque_ground=${HEAP_OPAQUE_GROUND--wp-no-ground}
# Provers in order of trial (-wp-par 1: the next one runs only when the previous one fails): cvc4
# proves nearly every goal, and fastest. A few goals only z3 proves, and cvc5 waits out its
# timeout on each first (measured, 40 s); the runs holding them try z3 second, as long as
# none of their goals needs cvc5: the configuration:function pairs of z3_second (the lemma run
# is all:lemmas, for ra_bit_high).
z3_second="all:lemmas bitmaps:ra_heap_stats_get"
z3_second_for() { case " $z3_second " in *" $1:$2 "*) return 0 ;; esac; return 1; } # config function
provers() { # config function... -> the prover order of their run (the default with no argument)
  local f
  for f in "${@:2}"; do z3_second_for "$1" "$f" && { echo cvc4,z3,cvc5; return; }; done
  echo cvc4,cvc5,z3; }
njobs=0
run() { # config function [frama-c args]
  local cfg=$1 fn=$2; shift 2
  local log q="" a
  log=$(printf '%q' "$out/$fn.$cfg.log") # (quoted once, for the job script)
  for a in "$@"; do q="$q $(printf '%q' "$a")"; done
  njobs=$((njobs + 1))
  { echo "t0=\$(date +%s)"
    echo "env WHY3CONFIG=proofs/why3.conf frama-c $tune -cpp-extra-args=$(printf '%q' "-Iref -DRA_WP $OPQ") ref/heap.c \\"
    echo "  -wp $pruning -wp-rte -warn-unsigned-overflow -wp-prover ${PROVERS:-$(provers)} -wp-par 1 -wp-timeout 10 \\"
    echo "  -wp-cache update -wp-cache-dir proofs/.cache ${HEAP_WP_ARGS:-} $q > $log 2>&1"
    echo "if grep -q 'User Error\\|Fatal error\\|aborted' $log; then"
    echo "  echo \"heap_prove: $fn [$cfg] frama-c failed:\"; grep -m5 -A1 'Error\\|annot-error' $log; exit 1; fi"
    echo "if grep -q 'Goal ' $log; then"
    echo "  echo \"heap_prove: $fn [$cfg] \$(grep -h 'Proved goals' $log | sed 's/.*: *//') in \$(( \$(date +%s) - t0 ))s\""
    echo "else rm -f $log; fi # (no goal labelled $cfg)"
  } > "$out/jobs/$(printf '%d%03d' "$PRIO" "$njobs").sh"
}
# Functions are proved in groups, one frama-c run per group and configuration (parsing and goal
# generation dominate a run whose goals are all in the cache): the goals of a function do not
# depend on which other functions a run selects, so a group's log holds exactly the goals the
# one-function runs would. A group is the functions sharing the lemma files in scope, cut into
# HEAP_GROUP_SIZE functions for the opaque and counted runs (minutes each: progress lines sooner);
# the component runs (a minute at most each) take every function of the lemma scope at once (one
# frama-c start, parse and RTE pass instead of one per cut).
# The opaque goals that use lemmas (those of the steps that turn a helper's frame facts into the
# invariant's components, spec/heap_*_lemmas.acsl), in the groups that have lemmas in scope:
# their own run, with the lemmas; the group's other opaque goals are proved without any (fewer
# hypotheses: the all1 group's opaque goals took 106 s of CPU instead of 142 s with every lemma
# in scope, these 28 goals 16 s, measured from an empty cache).
LEMMA_GOALS="${HEAP_LEMMA_GOALS:-post_heads post_links post_merged post_bitmaps post_tiling post_beyond
  post_slack nbrs}"
LEMMA_GOALS=$(echo $LEMMA_GOALS) # (one line, single spaces)
transparent() { case " ${HEAP_TRANSPARENT_FNS:-find_fit} " in *" $1 "*) return 0 ;; esac; return 1; }
prove_group() { # name extra-cpp-flags function...
  local g=$1 X=$2 fcts; shift 2
  echo "heap_prove: $g = $*"
  # Functions whose reasoning is not (yet) routed through labelled assertions: every goal once
  # with every definition transparent, and not in the configurations below (opaque, their goals
  # could only time out, at 40 s each).
  local tf="" f rest=()
  for f in "$@"; do if transparent "$f"; then tf="$tf,$f"; else rest+=("$f"); fi; done
  [ -n "$tf" ] && OPQ="$X" PRIO=1 run all "$g" -wp-fct "${tf#,}"
  [ ${#rest[@]} -gt 0 ] || return 0
  fcts=$(IFS=,; echo "${rest[*]}")
  # the labelled goals are left to their own configuration (opaque they can only time out)
  local skip=-tiling,-beyond,-heads,-links,-bitmaps,-merged,-slack,-counted
  case " $X " in
  *" -DRA_NO_LEMMAS "*)
    OPQ="$X $(opaque_flags)" PRIO=1 run opaque "$g" -wp-fct "$fcts" $opaque_ground -wp-prop=$skip ;;
  *) # lemmas in scope: only the goals of LEMMA_GOALS use them, the others are proved without
    OPQ="-DRA_NO_LEMMAS $(opaque_flags)" PRIO=1 run opaque "$g" -wp-fct "$fcts" $opaque_ground \
      -wp-prop=$skip,-${LEMMA_GOALS// /,-}
    OPQ="$X $(opaque_flags)" PRIO=1 run opaquel "$g" -wp-fct "$fcts" $opaque_ground \
      -wp-prop "${LEMMA_GOALS// /,}" ;;
  esac
  # (the sum lemmas, for these goals only, and no other lemma: a counted run takes minutes, so
  # it starts among the first, with the opaque runs)
  for f in "${rest[@]}"; do case " $COUNTED_FNS " in *" $f "*)
    OPQ="-DRA_NO_LEMMAS -DRA_COUNT_LEMMAS $(opaque_flags $(support counted))" \
      PROVERS=$(provers counted "$@") PRIO=1 run counted "$g" -wp-fct "$fcts" -wp-prop counted
    break ;; esac; done
}
prove_components() { # name extra-cpp-flags function...: the component runs of a lemma scope
  local g=$1 X=$2 f rest=() c z d; shift 2
  for f in "$@"; do transparent "$f" || rest+=("$f"); done
  for c in tiling beyond heads links bitmaps merged slack; do
    # a function whose goals in this configuration take z3 second (z3_second) gets a run of its
    # own: the others may need cvc5 second (account_resize's bitmaps goal: cvc5 proves it at
    # once, z3 took 35 s)
    z="" d=""
    for f in "${rest[@]}"; do if z3_second_for "$c" "$f"; then z="$z,$f"; else d="$d,$f"; fi; done
    [ -n "$d" ] && OPQ="$X $(opaque_flags $(support $c))" PROVERS=$(provers) PRIO=2 \
      run "$c" "$g" -wp-fct "${d#,}" -wp-prop "$c"
    [ -n "$z" ] && OPQ="$X $(opaque_flags $(support $c))" PROVERS=$(provers "$c" ${z//,/ }) PRIO=2 \
      run "$c" "${g}z" -wp-fct "${z#,}" -wp-prop "$c"
  done
  return 0
}
lemma_names() { sed -n 's/^ *lemma \([a-z_0-9]*\).*/\1/p' "$@" | paste -sd, -; } # file... -> a,b,c
plain=() grown=()
for fn in "$@"; do
  case $fn in
  lemmas)
    OPQ="" PROVERS=$(provers all lemmas) PRIO=1 run all lemmas \
      -wp-prop "$(lemma_names $(ls spec/heap_*lemmas.acsl | grep -v 'grow\|counts'))"
    # the sum lemmas, alone in scope, by induction. The 9 that need it have a proof script in
    # proofs/wp-session/script (which tactic on which variable: WP applies it and the provers
    # prove every case again, nothing is taken from the file but the choice; `make
    # prove-heap-scripts` writes them); replayed (prover `script`), WP goes straight to the
    # cases. Without a script, or one that no longer applies, the provers try the lemma first
    # (5 s: they cannot prove it), then ra:induction's cases: measured alone, the 21 lemmas
    # took 54 s of CPU that way, 9 s from the scripts.
    [ -n "$tune" ] || { echo "heap_prove: the sum lemmas need WP_TUNE (proofs/wp_tune.ml: strategy ra:induction; install ocaml-findlib)" >&2; exit 1; }
    OPQ="-DRA_NO_LEMMAS -DRA_COUNT_LEMMAS" PROVERS=${HEAP_COUNTS_PROVERS:-script,cvc4} PRIO=2 \
      run counts lemmas -wp-prop "$(lemma_names spec/heap_counts_lemmas.acsl)" \
      -wp-auto ra:induction -wp-auto-depth 1 -wp-timeout 5 -wp-session proofs/wp-session
    # the growth lemmas, in scope only where used (spec/heap_grow_lemmas.acsl says why)
    OPQ="-DRA_LEMMAS_GROW" PRIO=2 run grow lemmas \
      -wp-prop "$(lemma_names spec/heap_grow_lemmas.acsl)" ;;
  # Lemma files in scope for these functions only (every lemma in scope enters every goal's
  # context, so each file is scoped to where it is used; fewer hypotheses cannot make a proof
  # unsound): the growth lemmas for grow.
  grow) grown+=("$fn") ;;
  *) plain+=("$fn") ;;
  esac
done
# The lemmas a function's proof uses (spec/heap_ok.acsl, RA_NO_LEMMAS): WP puts every
# lemma in scope into every goal's context, where WP translates it and the prover reads it, goal
# after goal, so the functions whose proofs use no lemma are proved without any (fewer hypotheses
# cannot make a proof unsound; proofs/README-heap.md measures the gain). The others keep every
# lemma (`all`): the operations the lemmas are about (find_fit's bit search, the list, split,
# merge and mark steps), and realloc and start_empty, whose tiling assertions use them (measured:
# without lemmas those goals fail, every goal of the functions below proves).
lemma_free="${HEAP_LEMMA_FREE_FNS:-ra_heap_meta_bytes units_for fail ptr_of req_of size_of prev_of
  is_free top_bit64 ra_heap_class_round zero_records ra_status_str fault sat_add sat_sub bytes_of
  bump account_resize ra_heap_set_error_handler resize_in_place release invalid_reason unit_of
  validate ra_heap_owns ra_heap_usable_size fragmentation_of ra_heap_stats_get free_of_class
  links_ok interior_tiled walk_blocks walk_states check_classes walk_lists ra_heap_check
  ra_heap_malloc ra_heap_free align_gap ra_heap_aligned_alloc ra_heap_calloc ra_heap_reset
  ra_heap_extend ra_heap_init_split}"
lemma_free=$(echo $lemma_free) # (one line)
families() { case " $lemma_free " in *" $1 "*) echo none ;; *) echo all ;; esac; }
# One group per lemma scope (in order of first appearance), cut into HEAP_GROUP_SIZE functions
# (smaller groups: progress lines sooner, same goals).
declare -A members=()
sets=()
for fn in "${plain[@]}"; do
  k=$(families "$fn")
  [ -n "${members[$k]:-}" ] || sets+=("$k")
  members[$k]="${members[$k]:-} $fn"; done
for k in "${sets[@]}"; do
  read -r -a fns <<< "${members[$k]}"
  flags=""; [ "$k" = none ] && flags="-DRA_NO_LEMMAS"
  n=${HEAP_GROUP_SIZE:-${#fns[@]}}
  for ((i = 0; i < ${#fns[@]}; i += n)); do
    prove_group "$k$((i / n + 1))" "$flags" "${fns[@]:i:n}"; done
  prove_components "$k" "$flags" "${fns[@]}"
done
if [ ${#grown[@]} -gt 0 ]; then
  prove_group grow "-DRA_LEMMAS_GROW" "${grown[@]}"
  prove_components grow "-DRA_LEMMAS_GROW" "${grown[@]}"
fi
# (xargs exits non-zero when a job did)
ls "$out/jobs" | sort | sed "s|^|$out/jobs/|" | xargs -P "${HEAP_JOBS:-2}" -n 1 bash
