# The conformance kit (issue 5, item 1): fuzz/conform.c + fuzz/conform_cases.h, the script
# fuzz/conform, the seeded-bug allocators of tests/conform/. docs/conform.md is the manual.
#
#   make conform LIB=path/to/liballoc.so|system [SECONDS=60] [PROFILE=strict|glibc|musl]
#                [MODE=dlopen|preload] [SEED=n] [ALLOW=rule,rule] [OUT=dir]
#
# SECONDS and SEED are shared names: the kit's defaults (60 s, seed 1) apply unless they are
# given on the command line or in the environment (mk/more.mk defaults SEED to the clock).
CONFORM_B        := $(B)/conform
CONFORM_BIN      := $(CONFORM_B)/conform
CONFORM_SECONDS  ?= 60
CONFORM_SEED     ?= 1
CONFORM_PROFILE  ?= strict
CONFORM_OUT      ?= $(CONFORM_B)/findings
CONFORM_CHECK_SECONDS ?= 10
PROFILE ?= $(CONFORM_PROFILE)
MODE    ?= auto
ALLOW   ?=
OUT     ?= $(CONFORM_OUT)
conform_given = $(filter command line environment,$(origin $(1)))
CONFORM_ARGS = LIB=$(LIB) PROFILE=$(PROFILE) MODE=$(MODE) OUT=$(OUT) \
  SECONDS=$(if $(call conform_given,SECONDS),$(SECONDS),$(CONFORM_SECONDS)) \
  SEED=$(if $(call conform_given,SEED),$(SEED),$(CONFORM_SEED)) \
  $(if $(ALLOW),ALLOW=$(ALLOW)) $(if $(REPLAY),REPLAY=$(REPLAY)) $(if $(BATTERY),BATTERY=$(BATTERY))

.PHONY: conform conform-lint conform-seeded conform-self

$(CONFORM_B)/conform_cases_text.h: fuzz/conform_cases.h
	@mkdir -p $(@D)
	@awk 'BEGIN { print "/* generated from fuzz/conform_cases.h by mk/conform.mk */"; \
	  print "static const char conform_cases_text[] =" } \
	  { gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); print "    \"" $$0 "\\n\"" } END { print ";" }' $< > $@

# Plain -O2 (no sanitizer: the kit must be able to LD_PRELOAD another allocator); -fno-builtin so
# the compiler never treats the calls it makes as the C library's.
$(CONFORM_BIN): fuzz/conform.c fuzz/conform_cases.h fuzz/ops.c fuzz/ops.h $(CONFORM_B)/conform_cases_text.h
	$(CC) $(CSTD) $(WARN) -O2 -g -fno-builtin -Ifuzz -I$(CONFORM_B) fuzz/conform.c fuzz/ops.c -o $@ -ldl

conform: $(CONFORM_BIN)
	@if [ -z "$(LIB)" ]; then echo "usage: make conform LIB=path/to/liballoc.so|system [SECONDS=60] [PROFILE=strict|glibc|musl] [MODE=dlopen|preload] [SEED=n] [ALLOW=rule,...]"; exit 2; fi
	@$(CONFORM_BIN) $(CONFORM_ARGS)

# Warnings as errors with both compilers.
conform-lint: $(CONFORM_B)/conform_cases_text.h
	@for c in gcc $(CLANG); do $$c $(CSTD) $(WARN) -O2 -fno-builtin -Ifuzz -I$(CONFORM_B) -c fuzz/conform.c -o /dev/null || exit 1; \
	  echo "conform-lint: $$c $(CSTD) $(WARN): clean"; done

# Check steps: five and more seeded-bug allocators are caught with the right rule; the project's
# own malloc shim and the system allocator pass (glibc profile, short runs).
conform-seeded: $(CONFORM_BIN)
	@bash tests/conform/seeded.sh $(CONFORM_BIN) $(CONFORM_B)/seeded
# (the shim path literally: mk/shim.mk, which defines SHIM_SO, is read after this file)
conform-self: $(CONFORM_BIN) $(B)/librefalloc_malloc.so
	@rc=0; for lib in $(abspath $(SHIM_SO)) system; do \
	  $(CONFORM_BIN) LIB=$$lib PROFILE=glibc SECONDS=$(CONFORM_CHECK_SECONDS) OUT=$(CONFORM_B)/self > $(CONFORM_B)/self-$$(basename $$lib).log 2>&1; r=$$?; \
	  grep -E '^(battery|fuzz|RESULT|FINDING|allowed)' $(CONFORM_B)/self-$$(basename $$lib).log | sed "s|^|conform-self $$(basename $$lib): |"; \
	  if [ $$r -ne 0 ]; then echo "conform-self: $$lib: exit $$r (log: $(CONFORM_B)/self-$$(basename $$lib).log)"; rc=1; fi; done; exit $$rc

CHECK_STEPS += conform-lint conform-seeded conform-self

# The acceptance campaigns (docs/conform.md): 120 s per allocator, glibc profile. Not a check
# step: about 15 minutes. make conform-acceptance [CONFORM_ACCEPT_SECONDS=120]
CONFORM_ACCEPT_SECONDS ?= 120
.PHONY: conform-acceptance
conform-acceptance: $(CONFORM_BIN) $(B)/librefalloc_malloc.so
	@bash tests/conform/acceptance.sh $(CONFORM_ACCEPT_SECONDS) $(CONFORM_B)/acceptance
