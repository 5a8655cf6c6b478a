# Benchmarks (not a check step: timings depend on the machine and its load).
#   make bench             every allocator, every workload; tables on stdout, bench/results/*
#   make bench-build       only the driver
# Settings: BENCH_ROUNDS (processes per allocator), BENCH_REPS (timed passes per process),
# BENCH_CALLGRIND=0 skips the instruction counts. The reference heap is linked from the static
# library like any user program; the driver needs valgrind's headers (client requests).
BENCH_ROUNDS ?= 3
BENCH_REPS ?= 2
BENCH_CALLGRIND ?= 1
BENCH_OUT ?= bench/results

$(B)/bench/ra_bench: bench/bench.c $(B)/librefalloc.a $(REF_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $< $(B)/librefalloc.a -o $@ -ldl -lm

.PHONY: bench bench-build
bench-build: $(B)/bench/ra_bench
bench: $(B)/bench/ra_bench
	@B=$(B) OUT=$(BENCH_OUT) ROUNDS=$(BENCH_ROUNDS) REPS=$(BENCH_REPS) \
	  CALLGRIND=$(BENCH_CALLGRIND) CC=$(CC) bash bench/run.sh $<
