# Campaigns beyond one process: AFL++ main + secondaries on a sync folder (or libFuzzer -fork),
# and the OSS-Fuzz / ClusterFuzzLite build, tested without Docker.
ENGINE ?= afl
.PHONY: fuzz-parallel test-ossfuzz
fuzz-parallel: $(FZ_B)/afl/$(T) $(FZ_B)/cmplog/$(T) $(FZ_B)/libfuzzer/$(T)
	@bash fuzz/parallel.sh $(ENGINE) $(T) $(JOBS) $(SECONDS) $(B) $(MERGE)

test-ossfuzz:
	@bash tests/ossfuzz/test.sh

CHECK_STEPS += test-ossfuzz
