# Heap proofs (issue 3). Joins `make prove` through PROVE_MODULES once mk/prove.mk exists; until the
# heap proof is complete it is NOT in the gating list: run `make prove-heap` (see proofs/README-heap.md).
#   prove-heap           WP on ref/heap.c, writes proofs/heap.log and proofs/heap.report
#   prove-heap-check     fails if a fresh run's counts differ from the committed proofs/heap.report
#   prove-heap-trusted   exhaustive check of the trusted helpers' contracts (about 1-2 minutes)
#   prove-heap-mutants   mutation run over proofs/heap_mutants.txt
HEAP_PROVE_TIMEOUT ?= 10
.PHONY: prove-heap prove-heap-check prove-heap-trusted prove-heap-mutants
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
