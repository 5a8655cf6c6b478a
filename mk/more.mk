# Issue 6: rc, track and stack modules, the layout-vs-compiler check, the memory-error catalogue
# and their fuzz targets. REF_SRCS is a recursive variable, so appending here reaches every rule.
REF_MODULES += rc track stack

# ---- fuzz targets (conventions of mk/fuzz.mk: fuzz/<t>.c + corpus/<t>/, driver.c entry points) --
# fuzz.mk expands its build rules while it is read (before this file), so register ours here.
MORE_FZ_TARGETS := rc_model track_model stack_model
FZ_REF += ref/rc.c ref/track.c ref/stack.c
FZ_TARGETS += $(MORE_FZ_TARGETS)
$(foreach t,$(MORE_FZ_TARGETS),$(eval $(call FZ_BUILD,$(t))))
fuzz-build: $(foreach f,$(FZ_FLAVOURS),$(foreach t,$(MORE_FZ_TARGETS),$(FZ_B)/$(f)/$(t)))
fuzz-replay: $(foreach t,$(MORE_FZ_TARGETS),$(FZ_B)/replay/$(t))
fuzz-verify: $(foreach t,$(MORE_FZ_TARGETS),$(FZ_B)/libfuzzer/$(t))
fuzz-verify-msan: $(foreach t,$(MORE_FZ_TARGETS),$(FZ_B)/msan/$(t))
fuzz-verify-afl: $(foreach t,$(MORE_FZ_TARGETS),$(FZ_B)/afl/$(t) $(FZ_B)/cmplog/$(t))

# ---- layout against the compiler (tests/layout_vs_cc/) --------------------------------------------
# make test-layout-cc [SEED=n] [LAYOUT_STRUCTS=2000] [LAYOUT_BATCH=1000]
SEED ?= 1  # fixed by default so every run is reproducible; vary it with SEED=$$(date +%s)
LAYOUT_STRUCTS ?= 2000
LAYOUT_BATCH ?= 1000
$(B)/layout_vs_cc/model: tests/layout_vs_cc/model.c ref/layout.c ref/layout.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $< ref/layout.c -o $@
.PHONY: test-layout-cc
test-layout-cc: $(B)/layout_vs_cc/model
	@bash tests/layout_vs_cc/run.sh $(B) $(SEED) $(LAYOUT_STRUCTS) $(LAYOUT_BATCH) $(CLANG)
CHECK_STEPS += test-layout-cc

# ---- the memory-error catalogue (tests/errors/, docs/errors.md) ------------------------------------
.PHONY: test-errors
test-errors:
	@bash tests/errors/run.sh $(B) $(CLANG) $(CC)
CHECK_STEPS += test-errors

# ---- proofs of rc, track, stack --------------------------------------------------------------------
# `make prove-more` runs WP on each module and prints goals proved per function; logs in
# $(B)/prove/<m>.log. To join `make prove`, mk/prove.mk should list rc track stack in its
# PROVE_MODULES (not appended here: this file is read before prove.mk, whose ?= would then keep
# only our modules).
MORE_PROVE_MODULES ?= rc track stack
MORE_PROVE_TIMEOUT ?= 15
MORE_PROVE_PROVERS ?= cvc4,cvc5,z3
.PHONY: prove-more
prove-more:
	@mkdir -p $(B)/prove; rc=0; for m in $(MORE_PROVE_MODULES); do \
	  WHY3CONFIG=proofs/why3.conf frama-c -wp -wp-rte -warn-unsigned-overflow \
	    -wp-prover $(MORE_PROVE_PROVERS) -wp-par $(JOBS) -wp-timeout $(MORE_PROVE_TIMEOUT) \
	    -wp-cache update -wp-cache-dir $(B)/prove/cache -cpp-extra-args="-Iref" ref/$$m.c \
	    > $(B)/prove/$$m.log 2>&1; \
	  funcs=$$(sed -n 's/^[a-z_ ]*[ *]\(ra_[a-z_]*\|[a-z_]*\)(.*/\1/p' ref/$$m.c | sort -u); \
	  awk -v m=$$m -v funcs="$$funcs" ' \
	    BEGIN { n = split(funcs, f, "\n") } \
	    /^\[wp\] \[[A-Za-z0-9 .]*\] Goal typed_/ { \
	      g = $$0; sub(/.*Goal typed_/, "", g); sub(/ .*/, "", g); best = ""; \
	      for (i = 1; i <= n; i++) if (index(g, f[i] "_") == 1 && length(f[i]) > length(best)) best = f[i]; \
	      if (best == "") best = "(lemmas)"; total[best]++; if ($$0 ~ /Valid/) ok[best]++ } \
	    END { for (k in total) printf "prove %s: %-26s %3d / %3d\n", m, k, ok[k], total[k] }' \
	    $(B)/prove/$$m.log | sort; \
	  grep -m1 "Proved goals" $(B)/prove/$$m.log | sed "s/^\[wp\]/prove $$m:/"; \
	  grep -q "Proved goals: *\([0-9]*\) / \1$$" $(B)/prove/$$m.log || rc=1; done; exit $$rc
