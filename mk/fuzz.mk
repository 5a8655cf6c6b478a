# The fuzz suite (fuzz/, corpus/, spec/FORMAT.md): builds per engine and sanitizer, corpus replay,
# campaigns, coverage, reproducer, benchmark. `make fuzz-help` lists the targets.
FZ_TARGETS   ?= $(basename $(notdir $(wildcard fuzz/heap_diff.c fuzz/pool_model.c fuzz/layout_model.c)))
T            ?= heap_diff
MERGE        ?= 0
FZ_VERIFY_SECONDS ?= 20
FZ_SHORT_SECONDS  ?= 10
FZ_BENCH_SECONDS  ?= 10
FZ_CC        ?= $(CLANG)
AFL_CC       ?= afl-clang-fast
FZ_B         := $(B)/fuzz
FZ_INC       := -Iref -Ifuzz
FZ_WARN      := $(CSTD) $(WARN)
FZ_SAN       := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FZ_COMMON    := fuzz/ops.c fuzz/allocs.c fuzz/driver.c
FZ_HDRS      := $(wildcard fuzz/*.h) $(wildcard ref/*.h)
# every ref module the harnesses link (pool/layout harnesses need theirs, heap_diff needs heap)
FZ_REF       := $(wildcard ref/heap.c ref/pool.c ref/layout.c)
fz_src        = fuzz/$(1).c $(FZ_COMMON) $(FZ_REF)

# One build rule per (flavour, target): libFuzzer+ASan+UBSan, libFuzzer+MSan, AFL++, AFL++ CmpLog,
# plain replay under ASan+UBSan, and source-coverage replay.
define FZ_BUILD
$(FZ_B)/libfuzzer/$(1): $$(call fz_src,$(1)) $(FZ_HDRS)
	@mkdir -p $$(@D)
	$(FZ_CC) $(FZ_WARN) -O1 -g $(FZ_SAN) -fsanitize=fuzzer $(FZ_INC) $$(call fz_src,$(1)) -o $$@
$(FZ_B)/msan/$(1): $$(call fz_src,$(1)) $(FZ_HDRS)
	@mkdir -p $$(@D)
	$(FZ_CC) $(FZ_WARN) -O1 -g -fsanitize=memory,fuzzer -fsanitize-memory-track-origins -fno-omit-frame-pointer $(FZ_INC) $$(call fz_src,$(1)) -o $$@
$(FZ_B)/afl/$(1): $$(call fz_src,$(1)) $(FZ_HDRS)
	@mkdir -p $$(@D)
	AFL_QUIET=1 $(AFL_CC) $(FZ_WARN) -O2 -g $(FZ_INC) $$(call fz_src,$(1)) -o $$@
$(FZ_B)/cmplog/$(1): $$(call fz_src,$(1)) $(FZ_HDRS)
	@mkdir -p $$(@D)
	AFL_QUIET=1 AFL_LLVM_CMPLOG=1 $(AFL_CC) $(FZ_WARN) -O2 -g $(FZ_INC) $$(call fz_src,$(1)) -o $$@
$(FZ_B)/replay/$(1): $$(call fz_src,$(1)) $(FZ_HDRS)
	@mkdir -p $$(@D)
	$(FZ_CC) $(FZ_WARN) -O1 -g $(FZ_SAN) -DFZ_REPLAY $(FZ_INC) $$(call fz_src,$(1)) -o $$@
$(FZ_B)/cov/$(1): $$(call fz_src,$(1)) $(FZ_HDRS)
	@mkdir -p $$(@D)
	$(FZ_CC) $(FZ_WARN) -O0 -g -fprofile-instr-generate -fcoverage-mapping -DFZ_REPLAY $(FZ_INC) $$(call fz_src,$(1)) -o $$@
endef
$(foreach t,$(FZ_TARGETS),$(eval $(call FZ_BUILD,$(t))))

FZ_FLAVOURS := libfuzzer msan afl cmplog replay
.PHONY: fuzz-build fuzz fuzz-afl fuzz-replay fuzz-lint corpus-seeds coverage fuzz-bench \
        fuzz-asan-trip fuzz-repro-test fuzz-seeded-bugs fuzz-verify fuzz-verify-msan \
        fuzz-verify-afl fuzz-help
fuzz-build: $(foreach f,$(FZ_FLAVOURS),$(foreach t,$(FZ_TARGETS),$(FZ_B)/$(f)/$(t))) $(FZ_B)/repro

# Tools: the seed generator and the reproducer (replay build with the trace printer / C emitter).
$(FZ_B)/gen_seeds: fuzz/gen_seeds.c fuzz/ops.c $(FZ_HDRS)
	@mkdir -p $(@D)
	$(FZ_CC) $(FZ_WARN) -O1 -g $(FZ_INC) fuzz/gen_seeds.c fuzz/ops.c -o $@
$(FZ_B)/repro: fuzz/repro.c $(FZ_COMMON) $(FZ_REF) $(FZ_HDRS)
	@mkdir -p $(@D)
	$(FZ_CC) $(FZ_WARN) -O1 -g $(FZ_SAN) $(FZ_INC) fuzz/repro.c fuzz/ops.c fuzz/allocs.c $(FZ_REF) -o $@

corpus-seeds: $(FZ_B)/gen_seeds
	$(FZ_B)/gen_seeds corpus

# Warnings as errors for the harness code, with clang and gcc (all of it is engine-independent
# C11 apart from the AFL++ macros, which only afl-clang-fast defines).
FZ_LINT_SRCS ?= $(wildcard fuzz/ops.c fuzz/allocs.c fuzz/driver.c fuzz/heap_diff.c fuzz/pool_model.c \
                  fuzz/layout_model.c fuzz/repro.c fuzz/gen_seeds.c)
fuzz-lint:
	@for c in gcc $(CLANG); do \
	  for f in $(FZ_LINT_SRCS); do $$c $(FZ_WARN) -O2 $(FZ_INC) -DFZ_REPLAY -c $$f -o /dev/null || exit 1; done; \
	  echo "fuzz-lint: $$c $(CSTD) $(WARN): clean"; done

# Replay the whole corpus (seeds, campaign corpora, regressions) under ASan+UBSan.
fuzz-replay: $(foreach t,$(FZ_TARGETS),$(FZ_B)/replay/$(t))
	@rc=0; for t in $(FZ_TARGETS); do \
	  if [ -d corpus/$$t ]; then $(FZ_B)/replay/$$t corpus/$$t || rc=1; \
	  else echo "fuzz-replay: corpus/$$t missing"; rc=1; fi; done; exit $$rc

# Campaigns. make fuzz T=heap_diff SECONDS=60 [MERGE=1]; make fuzz-afl T=... SECONDS=...
fuzz: $(FZ_B)/libfuzzer/$(T)
	@bash tests/fuzz/campaign.sh libfuzzer $(T) $(SECONDS) $(MERGE) $(FZ_B)
fuzz-afl: $(FZ_B)/afl/$(T) $(FZ_B)/cmplog/$(T)
	@bash tests/fuzz/campaign.sh afl $(T) $(SECONDS) 0 $(FZ_B)
fuzz-msan: $(FZ_B)/msan/$(T)
	@bash tests/fuzz/campaign.sh msan $(T) $(SECONDS) 0 $(FZ_B)

fuzz-verify: $(foreach t,$(FZ_TARGETS),$(FZ_B)/libfuzzer/$(t))
	@rc=0; for t in $(FZ_TARGETS); do \
	  bash tests/fuzz/campaign.sh libfuzzer $$t $(FZ_VERIFY_SECONDS) 0 $(FZ_B) || rc=1; done; exit $$rc
fuzz-verify-msan: $(foreach t,$(FZ_TARGETS),$(FZ_B)/msan/$(t))
	@rc=0; for t in $(FZ_TARGETS); do \
	  bash tests/fuzz/campaign.sh msan $$t $(FZ_SHORT_SECONDS) 0 $(FZ_B) || rc=1; done; exit $$rc
fuzz-verify-afl: $(foreach t,$(FZ_TARGETS),$(FZ_B)/afl/$(t) $(FZ_B)/cmplog/$(t))
	@rc=0; for t in $(FZ_TARGETS); do \
	  bash tests/fuzz/campaign.sh afl $$t $(FZ_SHORT_SECONDS) 0 $(FZ_B) || rc=1; done; exit $$rc

# Source coverage of ref/ from the committed corpus (llvm-cov; HTML in build/fuzz/coverage/).
# (binaries are listed in the recipe: other fragments append to FZ_TARGETS after this file)
coverage:
	@$(MAKE) --no-print-directory $(foreach t,$(FZ_TARGETS),$(FZ_B)/cov/$(t))
	@bash tests/fuzz/coverage.sh $(FZ_B) $(FZ_TARGETS)

# Throughput of heap_diff under ASan+UBSan on one core (a benchmark, not a test).
fuzz-bench: $(FZ_B)/libfuzzer/heap_diff $(FZ_B)/replay/heap_diff
	@bash tests/fuzz/bench.sh $(FZ_B) $(FZ_BENCH_SECONDS)

# Tests (check steps).
fuzz-asan-trip:
	@bash tests/fuzz/asan_trip.sh $(FZ_B)
fuzz-repro-test: $(FZ_B)/repro
	@bash tests/fuzz/repro_test.sh $(FZ_B)
fuzz-seeded-bugs:
	@bash tests/fuzz/seeded_bugs.sh $(FZ_B)

fuzz-help:
	@echo "make fuzz T=<$(FZ_TARGETS)> SECONDS=60 [MERGE=1]   libFuzzer campaign (ASan+UBSan)"
	@echo "make fuzz-afl T=... SECONDS=...   AFL++ campaign (persistent mode, CmpLog)"
	@echo "make fuzz-msan T=... SECONDS=...  libFuzzer campaign under MSan"
	@echo "make fuzz-build / fuzz-replay / corpus-seeds / coverage / fuzz-bench"
	@echo "fuzz/repro FILE [--emit-c]        trace, replay, standalone C reproducer"

CHECK_STEPS += fuzz-lint fuzz-replay fuzz-asan-trip fuzz-repro-test fuzz-seeded-bugs
VERIFY_STEPS += fuzz-verify fuzz-verify-msan fuzz-verify-afl
