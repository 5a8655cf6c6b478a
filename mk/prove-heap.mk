# Heap proofs (issue 3). Joins `make prove` through PROVE_MODULES once mk/prove.mk exists; until the
# heap proof is complete it is NOT in the gating list: run `make prove-heap` (see proofs/README-heap.md).
#   prove-heap           WP on ref/heap.c, writes proofs/heap.log and proofs/heap.report
#   prove-heap-check     fails if a fresh run's counts differ from the committed proofs/heap.report
#   prove-heap-trusted   exhaustive check of the trusted helpers' contracts (about 1-2 minutes)
#   prove-heap-mutants   mutation run over proofs/heap_mutants.txt
#   prove-heap-fns       the same goals as prove-heap, one WP run per function in the order of
#                        HEAP_FNS (lemmas first, then small helpers, list/merge helpers, entry
#                        points), appending to proofs/heap.log and rewriting proofs/heap.report
#                        after each function: resumable, and a partial run still gives a report
HEAP_PROVE_TIMEOUT ?= 10
.PHONY: prove-heap prove-heap-check prove-heap-trusted prove-heap-mutants prove-heap-fns
HEAP_LEMMAS := $(shell sed -n 's/^ *lemma \([a-z_0-9]*\).*/\1/p' spec/heap_*lemmas.acsl | paste -sd, -)
HEAP_FNS ?= ra_heap_meta_bytes units_for fail ptr_of req_of is_free top_bit64 ra_heap_class_round \
  zero_records ra_status_str fault ra_heap_set_error_handler find_fit \
  list_insert list_remove split absorb_next mark_live unmark_live release resize_in_place \
  invalid_reason validate ra_heap_owns ra_heap_usable_size ra_heap_stats_get ra_heap_check \
  ra_heap_malloc ra_heap_free ra_heap_aligned_alloc ra_heap_calloc ra_heap_realloc \
  start_empty ra_heap_reset ra_heap_extend ra_heap_init ra_heap_init_split
prove-heap-fns:
	@bash proofs/wp.sh heap -wp-timeout $(HEAP_PROVE_TIMEOUT) -wp-prop $(HEAP_LEMMAS) > proofs/heap.log 2>&1; \
	  for f in $(HEAP_FNS); do \
	    bash proofs/wp.sh heap -wp-timeout $(HEAP_PROVE_TIMEOUT) -wp-fct $$f >> proofs/heap.log 2>&1; \
	    bash proofs/heap_report.sh proofs/heap.log > proofs/heap.report; echo "prove-heap-fns: $$f done"; \
	  done; cat proofs/heap.report; tail -1 proofs/heap.report | awk '{ exit !($$3 == $$5) }'
prove-heap:
	@bash proofs/wp.sh heap -wp-timeout $(HEAP_PROVE_TIMEOUT) > proofs/heap.log 2>&1; \
	  bash proofs/heap_report.sh proofs/heap.log > proofs/heap.report; cat proofs/heap.report; \
	  tail -1 proofs/heap.report | awk '{ exit !($$3 == $$5) }'
prove-heap-check:
	@mkdir -p $(B); bash proofs/wp.sh heap -wp-timeout $(HEAP_PROVE_TIMEOUT) > $(B)/heap-prove.log 2>&1 || true; \
	  bash proofs/heap_report.sh $(B)/heap-prove.log | diff proofs/heap.report - && echo "prove-heap-check: report unchanged"
prove-heap-trusted:
	@mkdir -p $(B) && $(CC) -std=c11 -O2 -Iref proofs/heap_trusted.c -o $(B)/heap_trusted && $(B)/heap_trusted
prove-heap-mutants:
	@bash proofs/heap_mutants.sh $(HEAP_PROVE_TIMEOUT)
