# refalloc: every entry point is a make target. Tool settings are ?= variables.
# Fragments in mk/*.mk add their own targets and register check steps (CHECK_STEPS) and
# verify steps (VERIFY_STEPS); `make check` runs every check step through ci/run-checks.sh,
# which prints one closing line: "check: N passed, M failed".

CC      ?= cc
CLANG   ?= clang-14
OPT     ?= -O2
WARN    := -Wall -Wextra -Wconversion -Werror
CSTD    := -std=c11
CFLAGS  ?= $(OPT) -g
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) -Iref
B       ?= build
JOBS    ?= 2
SECONDS ?= 20
PREFIX  ?= /usr/local

REF_MODULES := heap pool layout
REF_SRCS = $(addprefix ref/,$(addsuffix .c,$(REF_MODULES)))
REF_HDRS = $(addprefix ref/,$(addsuffix .h,$(REF_MODULES)))

CHECK_STEPS :=
VERIFY_STEPS :=

.PHONY: all lib check verify deps clean help
all: lib

deps:
	@bash ci/deps.sh all

include mk/*.mk

lib: $(B)/librefalloc.a $(B)/librefalloc.so

$(B)/obj/%.o: ref/%.c $(REF_HDRS) | $(B)/obj
	$(CC) $(ALL_CFLAGS) -fPIC -c $< -o $@
$(B)/obj:
	@mkdir -p $@

$(B)/librefalloc.a: $(patsubst ref/%.c,$(B)/obj/%.o,$(REF_SRCS))
	@rm -f $@
	ar rcs $@ $^
$(B)/librefalloc.so: $(patsubst ref/%.c,$(B)/obj/%.o,$(REF_SRCS))
	$(CC) -shared -o $@ $^

# The tests: installs what is missing, builds everything, runs every registered step.
check: deps
	@bash ci/run-checks.sh $(CHECK_STEPS)

# The main job: prove, fuzz every target for a short budget, print a summary.
verify: deps
	@bash ci/run-checks.sh --title verify $(VERIFY_STEPS)

clean:
	rm -rf $(B)

help:
	@echo "make check      build and run every test (see README)"
	@echo "make verify     prove and fuzz every target briefly, then summarise"
	@echo "check steps:  $(CHECK_STEPS)"
	@echo "verify steps: $(VERIFY_STEPS)"
