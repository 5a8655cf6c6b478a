# Proofs: Frama-C WP on each module of PROVE_MODULES (ref/<m>.c with the contracts of ref/<m>.h
# and the logic of spec/*.acsl). proofs/README.md explains the setup and lists what is assumed.
#
#   make prove          prove every module (PROVE_JOBS modules at a time), print one line per
#                       function and `Proved goals: N / M`, refresh proofs/<m>.report; exit 1
#                       unless every goal is proved. A module whose inputs are unchanged since
#                       its last fully proved run is not proved again (PROVE_FRESH=1 forces it)
#   make prove-check    prove again into $(B)/proofs and fail if the proved counts differ from
#                       the committed proofs/<m>.report (a check step)
#   make prove-mutants  apply each mutation of proofs/mutants.txt to a copy and show WP fails
#   make eva            Eva on proofs/eva_driver.c: every entry point of the six modules and the
#                       malloc shim, glue included; fails above proofs/eva.expected (a check step)
#
# Later modules (heap, rc, track, stack) join by appending, in any fragment: PROVE_MODULES += heap
# (mk/*.mk are included in alphabetical order, so an append may come before this file: the
# default list is therefore prepended here rather than set with ?=). A command-line
# `make prove PROVE_MODULES=pool` still overrides everything.

# (the appended modules come first: the heap's run is the longest, so it starts at once and the
# others share the second job slot)
PROVE_MODULES := $(filter-out pool layout rc track stack,$(PROVE_MODULES)) pool layout rc track stack
FRAMAC      ?= frama-c
PROVE_JOBS  ?= 2
WP_PAR      ?= 1
WP_TIMEOUT  ?= 20
# Provers in order of trial (with -wp-par 1 the next one runs only when the previous one fails):
# cvc4 proves nearly every goal, and fastest. WP_PROVERS_<module> changes the order for one
# module: layout and stack each have one goal that cvc4 and cvc5 do not prove and z3 does
# (measured: cvc5 waited out its 20 s timeout on each before z3 ran), and none that needs cvc5.
WP_PROVERS_DEFAULT := cvc4,cvc5,z3
WP_PROVERS_layout  ?= cvc4,z3,cvc5
WP_PROVERS_stack   ?= cvc4,z3,cvc5
WP_PROVERS  ?= $(if $(WP_PROVERS_$*),$(WP_PROVERS_$*),$(WP_PROVERS_DEFAULT))
WP_CACHE    ?= update
WP_CACHE_DIR ?= proofs/.cache
# RA_WP hides the unprovable glue (stderr reporting, pointer/integer conversion) from WP.
WP_CPP      ?= -Iref -DRA_WP
WP_FLAGS    ?= $(WP_TUNE) -wp -wp-rte -warn-unsigned-overflow -wp-prover $(WP_PROVERS) -wp-par $(WP_PAR) \
               -wp-timeout $(WP_TIMEOUT) -wp-cache $(WP_CACHE) -wp-cache-dir $(WP_CACHE_DIR)
# proofs/wp_tune.ml, loaded into every WP run: the proof strategy ra:induction (the heap's sum
# lemmas need it), and a task loop that polls instead of sleeping 50 ms between rounds (a lone WP
# run was asleep most of the time); the file says what it changes and measures it. It is compiled
# once into $(B)/proofs/wp_tune.cmxs (-load-module: -load-script would compile it beside the
# source in each run, and runs side by side raced). It needs ocamlfind (ci/deps.sh); without it
# the other modules prove as before, only slower, and the heap's run stops with a message.
WP_TUNE_CMXS := $(if $(shell command -v ocamlfind 2>/dev/null),$(abspath $(B))/proofs/wp_tune.cmxs)
WP_TUNE     ?= $(if $(WP_TUNE_CMXS),-load-module $(WP_TUNE_CMXS))
export WP_TUNE
$(abspath $(B))/proofs/wp_tune.cmxs: proofs/wp_tune.ml
	@mkdir -p $(@D)/wp_tune && cp $< $(@D)/wp_tune/ && cd $(@D)/wp_tune && \
	  ocamlfind ocamlopt -shared -o ../wp_tune.cmxs -I $$(frama-c -print-libpath) \
	    -I $$(frama-c -print-plugin-path) wp_tune.ml
# Why3 predates cvc5: a project-local config declares it (proofs/why3.conf, proofs/cvc5.drv).
WP_ENV      ?= WHY3CONFIG=proofs/why3.conf
PROVE_OUT   := $(B)/proofs
SPEC_FILES  := $(wildcard spec/*.acsl)

.PHONY: prove prove-check prove-run prove-mutants eva

# One module: the log, WP's JSON report and our .report, all under $(B)/proofs. A pattern rule,
# so modules appended after this file is read get the target too.
prove-module-%: $(WP_TUNE_CMXS)
	@mkdir -p $(PROVE_OUT) $(WP_CACHE_DIR)
	@$(call prove_reuse,$*,$(WP_CPP) $(WP_FLAGS)); \
	rm -f $(PROVE_OUT)/$*.json; t0=$$(date +%s); \
	$(WP_ENV) $(FRAMAC) -cpp-extra-args="$(WP_CPP)" ref/$*.c $(WP_FLAGS) \
	  -wp-report-json $(PROVE_OUT)/$*.json > $(PROVE_OUT)/$*.log 2>&1; rc=$$?; \
	echo "prove: $* done in $$(( $$(date +%s) - t0 ))s (frama-c exit $$rc, log $(PROVE_OUT)/$*.log)"; \
	if [ $$rc -ne 0 ] || [ ! -s $(PROVE_OUT)/$*.json ]; then tail -20 $(PROVE_OUT)/$*.log; exit 1; fi; \
	python3 proofs/report.py $* $(PROVE_OUT)/$*.json > $(PROVE_OUT)/$*.report; \
	$(call prove_stamp,$*)

# A re-run with no change takes seconds: after a run that proved every goal of a module, the
# fingerprint of its inputs (proofs/fingerprint.sh: sources, headers, spec, scripts, settings,
# tool versions) is kept in $(PROVE_OUT)/<m>.stamp; while it is unchanged the module's report is
# reused instead of running WP again. PROVE_FRESH=1 (or WP_CACHE=none) always runs WP.
# prove_reuse opens a recipe line (it sets $$fp, then exits 0 when the report is reused);
# prove_stamp closes it.
PROVE_FRESH ?=
define prove_reuse
fp=$$(bash proofs/fingerprint.sh $(1) '$(2)'); \
	if [ -z "$(PROVE_FRESH)" ] && [ "$(WP_CACHE)" != none ] && [ -s $(PROVE_OUT)/$(1).report ] && \
	   [ "$$(cat $(PROVE_OUT)/$(1).stamp 2>/dev/null)" = "$$fp" ]; then \
	  echo "prove: $(1) unchanged since its last run that proved every goal (inputs $$(echo $$fp | cut -c1-12)): report reused, PROVE_FRESH=1 runs WP again"; \
	  exit 0; fi; rm -f $(PROVE_OUT)/$(1).stamp
endef
define prove_stamp
if tail -1 $(PROVE_OUT)/$(1).report | awk '{ exit !($$4 == $$6) }'; then echo "$$fp" > $(PROVE_OUT)/$(1).stamp; fi
endef

# The committed cache (proofs/wp-cache.tar.xz): WP's results of the last full run, one small JSON
# file per goal and prover, keyed by a hash of the goal as sent to the prover. Unpacked into
# WP_CACHE_DIR before every run without overwriting what is there: a goal whose text is unchanged
# is answered from the recorded result, any other goal is proved again (a clean clone then proves
# in minutes; from an empty cache the six modules take about 10 minutes, proofs/README-heap.md).
# `make prove-cache-pack` writes the archive from WP_CACHE_DIR; for an archive holding only the
# current goals, pack a cache that a full run filled from empty:
#   make prove WP_CACHE_DIR=build/fresh-cache && make prove-cache-pack WP_CACHE_DIR=build/fresh-cache
WP_CACHE_PACK ?= proofs/wp-cache.tar.xz
.PHONY: prove-cache-unpack prove-cache-pack
prove-cache-unpack:
	@mkdir -p $(WP_CACHE_DIR) $(PROVE_OUT); t0=$$(date +%s); \
	if [ -f $(WP_CACHE_PACK) ] && [ "$(WP_CACHE)" != none ]; then \
	  tar -xJf $(WP_CACHE_PACK) -C $(WP_CACHE_DIR) --skip-old-files && unpacked=1; fi; \
	n=$$(ls $(WP_CACHE_DIR) | wc -l); \
	[ -n "$${unpacked:-}" ] && echo "prove: cache $(WP_CACHE_PACK) unpacked into $(WP_CACHE_DIR) ($$n entries)"; \
	[ "$(WP_CACHE)" = none ] && n=off; \
	echo "$$t0 $$n" > $(PROVE_OUT)/run.start # (for proofs/run_stats.sh)
prove-cache-pack:
	@tar -cJf $(WP_CACHE_PACK) -C $(WP_CACHE_DIR) --sort=name --owner=0 --group=0 --mtime=@0 . && \
	  echo "prove: $(WP_CACHE_PACK): $$(tar -tJf $(WP_CACHE_PACK) | grep -c json) entries, $$(du -h $(WP_CACHE_PACK) | cut -f1)"

prove-run: prove-cache-unpack
	@$(MAKE) --no-print-directory -j$(PROVE_JOBS) $(addprefix prove-module-,$(PROVE_MODULES))

# Print the reports, sum them, and fail on any unproved goal. The closing line
# (proofs/run_stats.sh) gives the run's time, how many entries the WP cache held when it began
# (0 for a run from cold) and where the answers came from (Qed, a prover now, WP's cache, a
# reused report).
define prove_summary
	@v=0; t=0; for m in $(PROVE_MODULES); do \
	  grep -v '^#' $(PROVE_OUT)/$$m.report; \
	  line=$$(sed -n 's/^Proved goals ([a-z_]*): \([0-9]*\) \/ \([0-9]*\)$$/\1 \2/p' $(PROVE_OUT)/$$m.report); \
	  v=$$((v + $${line% *})); t=$$((t + $${line#* })); done; \
	echo "Proved goals: $$v / $$t"; \
	bash proofs/run_stats.sh $(PROVE_OUT)/run.start $(B)/heap-wp $(PROVE_MODULES); [ $$v -eq $$t ]
endef

prove: prove-run
	@for m in $(PROVE_MODULES); do cp $(PROVE_OUT)/$$m.report proofs/$$m.report; done
	$(prove_summary)

# The committed reports must match a fresh run (same functions, same proved/total counts).
prove-check: prove-run
	@rc=0; for m in $(PROVE_MODULES); do \
	  if [ ! -f proofs/$$m.report ]; then echo "prove-check: proofs/$$m.report missing"; rc=1; \
	  elif ! diff -u proofs/$$m.report $(PROVE_OUT)/$$m.report; then \
	    echo "prove-check: $$m differs from proofs/$$m.report"; rc=1; fi; done; \
	[ $$rc -eq 0 ] && echo "prove-check: reports match ($(PROVE_MODULES))"; exit $$rc
	$(prove_summary)

prove-mutants: $(WP_TUNE_CMXS)
	@$(WP_ENV) bash proofs/mutants.sh proofs/mutants.txt

# Eva (a second opinion on every entry point and on the glue WP does not see). proofs/README.md,
# section Eva, explains the driver, these settings and every alarm that remains:
# - proofs/eva_{heap,rc,track,stack}.c read those modules as the compilers do (their glue is
#   compiled out under __FRAMAC__ for WP); proofs/eva_shim.c is the malloc shim with stubs;
# - the caller buffers sit at a fixed address (EVA_MEM in the driver) that -absolute-valid-range
#   declares, so that Eva knows their alignment;
# - init-like functions keep their success and failure states apart (-eva-split-return-function),
#   else Eva joins a set-up object with an unset one.
# make eva fails if the analysis fails (Frama-C error, degeneration, eva_main not finished) or if
# the alarms or the invalid ACSL properties exceed proofs/eva.expected; make eva-update rewrites
# that file after a reviewed change.
EVA_SRCS   := proofs/eva_driver.c ref/pool.c ref/layout.c proofs/eva_heap.c proofs/eva_rc.c \
              proofs/eva_track.c proofs/eva_stack.c proofs/eva_shim.c
EVA_STEPS  ?= 2
EVA_SPLIT  := ra_heap_init ra_heap_init_split ra_pool_init ra_pool_init_split pool_geometry \
              pool_carve ra_stack_init ra_rc_init ra_rc_init_with ra_track_init init_locked enter \
              commit grow_locked class_search validate invalid_reason unit_of locate align_ok
EVA_EMPTY  :=
EVA_COMMA  := ,
EVA_SPLITS := $(subst $(EVA_EMPTY) $(EVA_EMPTY),$(EVA_COMMA),$(EVA_SPLIT:=:full))
EVA_FLAGS  ?= -eva -eva-precision 1 -eva-slevel 200 -eva-auto-loop-unroll 64 \
              -eva-split-return-function $(EVA_SPLITS) \
              -eva-print-callstacks -eva-no-show-progress -machdep gcc_x86_64 -c11 \
              -absolute-valid-range 0x01000000-0x05000fff
EVA_RUN = mkdir -p $(PROVE_OUT); t0=$$(date +%s); \
	nice $(FRAMAC) -cpp-extra-args="-Iref -DEVA_STEPS=$(EVA_STEPS)" $(EVA_SRCS) -main eva_main \
	  $(EVA_FLAGS) > $(PROVE_OUT)/eva.log 2>&1; rc=$$?; \
	python3 proofs/eva_report.py $(PROVE_OUT)/eva.log $$rc $$(( $$(date +%s) - t0 )) \
	  proofs/eva.expected
.PHONY: eva-update
eva:
	@$(EVA_RUN)
eva-update:
	@$(EVA_RUN) --update

CHECK_STEPS += prove-check
CHECK_STEPS += eva
VERIFY_STEPS += prove
