# Unit tests: every tests/test_*.c is a cmocka suite linked with the library sources, built twice:
# plain (with both gcc and clang warnings as errors) and with ASan+UBSan.
TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(patsubst tests/%.c,$(B)/tests/%,$(TEST_SRCS))
TEST_ASAN_BINS := $(patsubst tests/%.c,$(B)/tests-asan/%,$(TEST_SRCS))
SAN_FLAGS ?= -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

$(B)/tests/%: tests/%.c $(REF_SRCS) $(REF_HDRS) $(wildcard tests/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests $< $(REF_SRCS) -o $@ -lcmocka
$(B)/tests-asan/%: tests/%.c $(REF_SRCS) $(REF_HDRS) $(wildcard tests/*.h)
	@mkdir -p $(@D)
	$(CLANG) $(CSTD) $(WARN) -O1 -g $(SAN_FLAGS) -Iref -Itests $< $(REF_SRCS) -o $@ -lcmocka

# Helper programs the tests run as child processes (e.g. to observe an abort).
PROBE_BINS := $(patsubst tests/probes/%.c,$(B)/tests/%,$(wildcard tests/probes/*.c))
$(B)/tests/%: tests/probes/%.c $(REF_SRCS) $(REF_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $< $(REF_SRCS) -o $@

.PHONY: test-unit test-unit-asan
test-unit: $(TEST_BINS) $(PROBE_BINS)
	@rc=0; for t in $(TEST_BINS); do $$t || rc=1; done; exit $$rc
test-unit-asan: $(TEST_ASAN_BINS) $(PROBE_BINS)
	@rc=0; for t in $(TEST_ASAN_BINS); do ASAN_OPTIONS=detect_leaks=1 $$t || rc=1; done; exit $$rc

CHECK_STEPS += test-unit test-unit-asan
