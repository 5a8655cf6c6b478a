#!/usr/bin/env bash
# proofs/heap_prove.sh OUTDIR FUNCTION...: WP on ref/heap.c, one function at a time, in several
# configurations, each log in OUTDIR/<function>.<config>.log (proofs/heap_report.sh takes the union).
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
#   lemmas     (the word `lemmas` in place of a function) every lemma, everything transparent;
#              then the bitmap lemmas once more with the bit predicate opaque.
# Extra frama-c arguments: HEAP_WP_ARGS (for example "-wp-timeout 20").
set -u
out=$1; shift
mkdir -p "$out"
all="TILING BEYOND HEADS LINKS BITMAPS MERGED SLACK"
support() { case $1 in
  links) echo "LINKS HEADS" ;; merged) echo "MERGED TILING" ;; *) echo "${1^^}" ;; esac; }
opaque_flags() { # $@ = transparent components
  local f="" c
  for c in $all; do case " $* " in *" $c "*) ;; *) f="$f -DRA_OPAQUE_$c" ;; esac; done
  echo "$f"; }
run() { # config function [frama-c args]
  local cfg=$1 fn=$2; shift 2
  env WHY3CONFIG=proofs/why3.conf frama-c -cpp-extra-args="-Iref -DRA_WP $OPQ" ref/heap.c \
    -wp -wp-rte -warn-unsigned-overflow -wp-prover cvc4,cvc5,z3 -wp-par 2 -wp-timeout 10 \
    -wp-cache update -wp-cache-dir proofs/.cache ${HEAP_WP_ARGS:-} "$@" > "$out/$fn.$cfg.log" 2>&1
  if grep -q 'User Error\|Fatal error\|aborted' "$out/$fn.$cfg.log"; then
    echo "heap_prove: $fn [$cfg] frama-c failed:"; grep -m5 -A1 'Error\|annot-error' "$out/$fn.$cfg.log"; exit 1; fi
  grep -q 'Goal ' "$out/$fn.$cfg.log" &&
    echo "heap_prove: $fn [$cfg] $(grep -h 'Proved goals' "$out/$fn.$cfg.log" | sed 's/.*: *//')"
}
for fn in "$@"; do
  if [ "$fn" = lemmas ]; then
    lem=$(sed -n 's/^ *lemma \([a-z_0-9]*\).*/\1/p' spec/heap_*lemmas.acsl | paste -sd, -)
    OPQ="" run all lemmas -wp-prop "$lem"
    # again with the bit predicate opaque: the bitmap lemmas then follow from the bit lemmas
    OPQ="-DRA_OPAQUE_BIT" run bit lemmas -wp-prop "$(tr , '\n' <<< "$lem" | grep 'bitmaps\|sl_word' | paste -sd, -)"
    continue
  fi
  # Functions whose reasoning is not (yet) routed through labelled assertions: every goal once
  # with every definition transparent too.
  case " ${HEAP_TRANSPARENT_FNS:-find_fit} " in *" $fn "*) OPQ="" run all "$fn" -wp-fct "$fn" ;; esac
  # the labelled goals are left to their own configuration (opaque they can only time out)
  OPQ=$(opaque_flags) run opaque "$fn" -wp-fct "$fn" \
    -wp-prop=-tiling,-beyond,-heads,-links,-bitmaps,-merged,-slack
  for c in tiling beyond heads links bitmaps merged slack; do
    OPQ=$(opaque_flags $(support $c)) run "$c" "$fn" -wp-fct "$fn" -wp-prop "$c"
    grep -q 'Goal ' "$out/$fn.$c.log" || rm -f "$out/$fn.$c.log" # no goal labelled c
  done
done
