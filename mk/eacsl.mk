# E-ACSL: the ACSL contracts of ref/ checked at run time while the committed corpus replays.
#
#   make eacsl              build one instrumented replay program per fuzz target, print how many
#                           annotations E-ACSL could not translate (per module), replay every
#                           file of corpus/<target>/ and print "eacsl <target>: N inputs,
#                           V contract violations"; exit 1 on any violation, crash or broken rule
#   make eacsl-annotations  the untranslated annotations again, with their locations
#
# How (proofs/README.md, "E-ACSL", says why each step is there):
#  1. The E-ACSL runtime's allocator (dlmalloc with an __e_acsl_ prefix) is built once into an
#     archive, the runtime itself into one object whose malloc/calloc/realloc/free/aligned_alloc/
#     posix_memalign are made local: the program keeps glibc's allocator, which the heap_diff
#     harness compares against (E-ACSL's would make malloc(0) return NULL, for one).
#  2. tests/eacsl/eacsl_tool.py prepare copies ref/ and spec/ into $(EACSL_B)/src with the glue
#     code visible (the copies test RA_WP where the sources test __FRAMAC__), logic constants and
#     memory-reading predicates as macros (E-ACSL 25 skips those predicates, and crashes on the
#     constants), and the clauses it mistranslates blanked (\old or \at(..., Pre) of a term with
#     \result; EACSL_DROP_CLAUSES). The sources are not touched: WP sees exactly what it proved.
#  3. Per target, Frama-C instruments tests/eacsl/main.c, the harness files that own the memory
#     handed to ref/ (fuzz/<t>.c; fuzz/allocs.c for heap_diff) and the ref modules the target
#     exercises, with -e-acsl-full-mtracking: without it E-ACSL 25 tracks only objects reached by
#     direct calls from main, and the harnesses reach ref/ through function pointers (measured:
#     heap_diff's ra_heap then fails \valid(h) at the first call). fuzz/driver.c and fuzz/ops.c are
#     compiled as they are (file reading, dirent and varargs do not survive Frama-C's libc).
#     layout_model's harness uses unsigned __int128, which Frama-C cannot parse: it stays plain
#     and calls the layout functions through instrumented copy-in/copy-out wrappers
#     (tests/eacsl/layout_shim.c).
#  4. eacsl_tool.py postprocess drops E-ACSL's registrations of Frama-C's libc model variables
#     (glibc has none) and refuses a translated \exists that E-ACSL 25 would check only in part.
#  5. gcc compiles the printed program (relaxed warnings: it is generated), links the plain
#     objects, the runtime, the archive, GMP.
#
# Frama-C runs one at a time (flock), niced. Tool settings are ?= variables as elsewhere.

EACSL_SHARE   ?= /usr/share/frama-c/e-acsl
EACSL_FRAMAC  ?= frama-c
EACSL_NICE    ?= nice
EACSL_B       := $(B)/eacsl
EACSL_TARGETS ?= heap_diff pool_model layout_model rc_model track_model stack_model

# The ref modules instrumented with each target (their contracts are the ones checked).
EACSL_MODS_heap_diff    := heap
EACSL_MODS_pool_model   := pool
EACSL_MODS_layout_model := layout
EACSL_MODS_rc_model     := rc track heap
EACSL_MODS_track_model  := track heap
EACSL_MODS_stack_model  := stack
# Harness files instrumented with them (default fuzz/<t>.c) and extra plain objects.
EACSL_HARNESS_heap_diff    := fuzz/heap_diff.c fuzz/allocs.c
EACSL_HARNESS_layout_model := tests/eacsl/layout_shim.c
EACSL_PLAIN_layout_model   := layout_model
eacsl_harness = $(if $(EACSL_HARNESS_$(1)),$(EACSL_HARNESS_$(1)),fuzz/$(1).c)

# Functions whose annotations are left out (-e-acsl-functions=@all,-f,...):
#  - the E-ACSL 25 translator crashes on them. heap: units_for ("mkBinOp: unsupported operator":
#    its postcondition compares the size_t parameter with PTRDIFF_MAX); base_misalign, class_of,
#    ra_aligned16 ("typing was not performed on construct ...": contracts over the uninterpreted
#    ra_addr_mod / ra_cf / ra_cs, written on declarations of trusted helpers);
#  - the runtime cannot evaluate them. pool_offset: its postcondition takes \base_addr of the
#    NULL base that ra_pool_init_split passes on purpose (an abort in __e_acsl_base_addr);
#  - E-ACSL's generated names collide. layout_status is a static C function with a contract and
#    also the logic function that contract calls: both become __gen_e_acsl_layout_status;
#  - the check is quadratic. zero_records' loop invariant quantifies over every record written so
#    far and is checked at each iteration: 91% of heap_diff's time (perf) for a fact that
#    start_empty's precondition checks once right after.
EACSL_SKIP_heap ?= units_for base_misalign class_of ra_aligned16 zero_records walk_blocks
EACSL_SKIP_pool ?= pool_offset
EACSL_SKIP_layout ?= layout_status
# Predicates kept as predicates (not inlined; see eacsl_tool.py): none needed so far.
EACSL_KEEP_PREDICATES ?=
# Clauses removed from the copies (file:clause-name): E-ACSL evaluates every \old term at entry,
# whatever the behaviour; lifo's \old(p->free_idx[p->nfree - 1]) then reads free_idx[-1] when the
# pool is exhausted (behaviour `exhausted`), a failed RTE check in the annotation itself.
# (Clauses with \old/\at(..., Pre) of a term mentioning \result are removed automatically.)
# The heap's `counted` clauses (check's postcondition and walk_blocks' sums) use the recursive sum
# of spec/heap_counts.acsl: E-ACSL 25 ran over 4 minutes on heap_diff's file without finishing
# its translation (measured), and at run time it would walk every record five times per check.
# check itself compares the counters with the blocks at run time (that comparison is what WP
# proves the clause of).
EACSL_DROP_CLAUSES ?= pool.h:lifo heap.h:counted heap.c:counted
eacsl_comma := ,
eacsl_empty :=
eacsl_space := $(eacsl_empty) $(eacsl_empty)
eacsl_skip = $(subst $(eacsl_space),,$(foreach m,$(EACSL_MODS_$(1)),$(foreach f,$(EACSL_SKIP_$(m)),$(eacsl_comma)-$(f))))

EACSL_CPP    ?= -std=c11 -D_DEFAULT_SOURCE -D__NO_CTYPE -D__FC_MACHDEP_X86_64 \
                -include tests/eacsl/fc_compat.h -I$(EACSL_B)/src/ref -Ifuzz
# -e-acsl-no-assert-print-data: the values of a failed predicate are not printed (its text is).
# Registering them costs a malloc and a free per value per check, failing or not: 85% of the
# run time (perf), pool_model 924 s with them. EACSL_FLAGS=... -e-acsl-assert-print-data to debug.
EACSL_FLAGS  ?= -machdep gcc_x86_64 -remove-unused-specified-functions -e-acsl \
                -e-acsl-full-mtracking -e-acsl-no-assert-print-data -e-acsl-share=$(EACSL_SHARE)
# The generated code: relaxed warnings (it is E-ACSL's), glibc's POSIX declarations.
EACSL_CFLAGS ?= -DE_ACSL_SEGMENT_MMODEL -std=gnu11 -D_GNU_SOURCE -O1 -g -fno-builtin \
                -fno-merge-constants -w -I$(EACSL_SHARE)
EACSL_LIBS   ?= -lgmp -lm -lpthread
EACSL_DLMALLOC_FLAGS ?= -DHAVE_MORECORE=0 -DHAVE_MMAP=1 -DNO_MALLINFO=1 -DNO_MALLOC_STATS=1 \
                -DMSPACES=1 -DONLY_MSPACES -DMALLOC_ALIGNMENT=32 -DMSPACE_PREFIX=__e_acsl_ \
                -DUSE_LOCKS=1 -DUSE_SPIN_LOCKS=1
EACSL_LOCAL_SYMS := malloc calloc realloc free aligned_alloc posix_memalign
EACSL_LAYOUT_RENAME := $(foreach f,new array extend struct_begin struct_field struct_end,\
                         -Dra_layout_$(f)=fz_eacsl_layout_$(f))

.PHONY: eacsl eacsl-build eacsl-annotations

# 1. The runtime: its allocator archive, and the runtime object with the C allocation API local.
$(EACSL_B)/libeacsl_dlmalloc.a: $(EACSL_SHARE)/contrib/libdlmalloc/dlmalloc.c
	@mkdir -p $(@D)
	$(CC) -c -O2 -w $(EACSL_DLMALLOC_FLAGS) $< -o $(@D)/dlmalloc.o
	@rm -f $@
	ar rcs $@ $(@D)/dlmalloc.o
$(EACSL_B)/e_acsl_rtl.o: $(EACSL_SHARE)/e_acsl_rtl.c
	@mkdir -p $(@D)
	$(CC) -c -DE_ACSL_SEGMENT_MMODEL -std=c99 -D_DEFAULT_SOURCE -O2 -g -fno-builtin -w \
	  -I$(EACSL_SHARE) $< -o $(@D)/e_acsl_rtl_full.o
	objcopy $(addprefix --localize-symbol=,$(EACSL_LOCAL_SYMS)) $(@D)/e_acsl_rtl_full.o $@

# 2. The copies of ref/ and spec/ that E-ACSL reads.
$(EACSL_B)/src/.stamp: $(wildcard ref/*.c ref/*.h spec/*.acsl) tests/eacsl/eacsl_tool.py mk/eacsl.mk
	@rm -rf $(@D) && mkdir -p $(@D)
	@EACSL_KEEP_PREDICATES="$(EACSL_KEEP_PREDICATES)" EACSL_DROP_CLAUSES="$(EACSL_DROP_CLAUSES)" \
	  python3 tests/eacsl/eacsl_tool.py prepare $(@D)
	@echo "eacsl: ref/ and spec/ copied to $(@D): $$(grep -c '^macro' $(@D)/changes.txt) definitions \
	as macros, $$(grep -c '^kept' $(@D)/changes.txt) kept as predicates, $$(grep -c '^dropped' \
	$(@D)/changes.txt) clauses removed ($(@D)/changes.txt)"
	@touch $@

# Plain (uninstrumented) objects: our own code, our own warnings.
$(EACSL_B)/plain/%.o: fuzz/%.c $(wildcard fuzz/*.h ref/*.h)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) $(CFLAGS) -Iref -Ifuzz -c $< -o $@
$(EACSL_B)/plain/environ.o: tests/eacsl/environ.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) $(CFLAGS) -c $< -o $@
$(EACSL_B)/plain/layout_model.o: fuzz/layout_model.c $(wildcard fuzz/*.h ref/*.h)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) $(CFLAGS) -Iref -Ifuzz $(EACSL_LAYOUT_RENAME) -c $< -o $@

# 3-5. One instrumented program per target.
define EACSL_TARGET
$(EACSL_B)/$(1)/$(1).c: $(EACSL_B)/src/.stamp tests/eacsl/main.c tests/eacsl/fc_compat.h \
    $(call eacsl_harness,$(1)) $(addprefix ref/,$(addsuffix .c,$(EACSL_MODS_$(1)))) \
    tests/eacsl/eacsl_tool.py mk/eacsl.mk $(wildcard fuzz/*.h)
	@mkdir -p $$(@D)
	@t0=$$$$(date +%s); flock $(EACSL_B)/.frama-c.lock $(EACSL_NICE) $(EACSL_FRAMAC) \
	  -cpp-extra-args="$(EACSL_CPP)" tests/eacsl/main.c $(call eacsl_harness,$(1)) \
	  $(addprefix $(EACSL_B)/src/ref/,$(addsuffix .c,$(EACSL_MODS_$(1)))) $(EACSL_FLAGS) \
	  -e-acsl-functions=@all$(call eacsl_skip,$(1)) -then-last -print -ocode $$(@D)/raw.c \
	  > $$(@D)/frama-c.log 2>&1 || { tail -25 $$(@D)/frama-c.log; exit 1; }; \
	echo "eacsl: $(1): instrumented $(EACSL_MODS_$(1)) with $(call eacsl_harness,$(1)) in \
	$$$$(( $$$$(date +%s) - t0 ))s ($$(@D)/frama-c.log)"
	@python3 tests/eacsl/eacsl_tool.py postprocess $$(@D)/raw.c $$@
$(EACSL_B)/$(1)/$(1): $(EACSL_B)/$(1)/$(1).c $(EACSL_B)/plain/driver.o $(EACSL_B)/plain/ops.o \
    $(EACSL_B)/plain/environ.o $(addprefix $(EACSL_B)/plain/,$(addsuffix .o,$(EACSL_PLAIN_$(1)))) \
    $(EACSL_B)/e_acsl_rtl.o $(EACSL_B)/libeacsl_dlmalloc.a
	$(EACSL_NICE) $(CC) $(EACSL_CFLAGS) $$(filter %.c %.o %.a,$$^) $(EACSL_LIBS) -o $$@
endef
$(foreach t,$(EACSL_TARGETS),$(eval $(call EACSL_TARGET,$(t))))

eacsl-build: $(foreach t,$(EACSL_TARGETS),$(EACSL_B)/$(t)/$(t))

eacsl_skipped = $(foreach m,heap pool layout rc track stack,$(if $(EACSL_SKIP_$(m)),$(m):$(subst $(eacsl_space),$(eacsl_comma),$(strip $(EACSL_SKIP_$(m))))))

eacsl: eacsl-build
	@EACSL_SKIPPED="$(eacsl_skipped)" python3 tests/eacsl/eacsl_tool.py annotations $(EACSL_B)/src/changes.txt \
	  $(foreach t,$(EACSL_TARGETS),$(EACSL_B)/$(t)/frama-c.log)
	@bash tests/eacsl/replay.sh $(EACSL_B) $(EACSL_TARGETS)

eacsl-annotations: eacsl-build
	@EACSL_WHERE=1 EACSL_SKIPPED="$(eacsl_skipped)" python3 tests/eacsl/eacsl_tool.py annotations $(EACSL_B)/src/changes.txt \
	  $(foreach t,$(EACSL_TARGETS),$(EACSL_B)/$(t)/frama-c.log)

# A check step: the replay of the whole corpus takes 145-171 s (measured on 2 shared cores, load
# average 3.5-4.8; pool_model's O(capacity) invariant is most of it), the build about 100 s.
# Should it outgrow 3 minutes, make it VERIFY_STEPS += eacsl.
CHECK_STEPS += eacsl
