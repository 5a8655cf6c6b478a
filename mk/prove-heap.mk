# Heap proofs (issue 3). The heap is NOT in the gating PROVE_MODULES list until every goal proves
# (proofs/README-heap.md has the status); run it by hand:
#   prove-heap           WP on ref/heap.c function by function, each in the configurations of
#                        proofs/heap_prove.sh (invariant components opaque except those a goal
#                        needs); logs in $(B)/heap-wp/, their concatenation in proofs/heap.log,
#                        proofs/heap.report computed from them; exits non-zero while a goal is
#                        unproved. HEAP_FNS picks the functions (default: all, in call order).
#   prove-heap-trusted   exhaustive check of the trusted helpers' contracts (about 1 minute)
#   prove-heap-mutants   mutation run over proofs/heap_mutants.txt
HEAP_PROVE_TIMEOUT ?= 20
.PHONY: prove-heap prove-heap-trusted prove-heap-mutants
HEAP_FNS ?= lemmas ra_heap_meta_bytes units_for fail ptr_of req_of is_free top_bit64 \
  ra_heap_class_round zero_records ra_status_str fault sat_add sat_sub with_bit without_bit bytes_of bump account_resize ra_heap_set_error_handler find_fit \
  list_insert list_remove split absorb_next mark_live set_request unmark_live release resize_in_place \
  invalid_reason unit_of validate ra_heap_owns ra_heap_usable_size ra_heap_stats_get ra_heap_check \
  ra_heap_malloc ra_heap_free ra_heap_aligned_alloc ra_heap_calloc ra_heap_realloc \
  start_empty ra_heap_reset ra_heap_extend ra_heap_init ra_heap_init_split
prove-heap:
	@rm -rf $(B)/heap-wp; HEAP_WP_ARGS="-wp-timeout $(HEAP_PROVE_TIMEOUT)" \
	  bash proofs/heap_prove.sh $(B)/heap-wp $(HEAP_FNS); \
	  cat $(B)/heap-wp/*.log > proofs/heap.log; \
	  bash proofs/heap_report.sh $(B)/heap-wp/*.log > proofs/heap.report; cat proofs/heap.report; \
	  tail -1 proofs/heap.report | awk '{ exit !($$3 == $$5) }'
prove-heap-trusted:
	@mkdir -p $(B) && $(CC) -std=c11 -O2 -Iref proofs/heap_trusted.c -o $(B)/heap_trusted && $(B)/heap_trusted
prove-heap-mutants:
	@bash proofs/heap_mutants.sh $(HEAP_PROVE_TIMEOUT)
