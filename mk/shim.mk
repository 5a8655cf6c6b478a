# The malloc shim (ref/malloc_shim.c + the heap): build/librefalloc_malloc.so for LD_PRELOAD,
# and its tests: the API under LD_PRELOAD (test-shim), real programs compared with glibc
# (test-preload), and the threaded harness under TSan and under LD_PRELOAD (test-threads,
# test-threads-preload).
#
# The .so is built from its own objects: heap.c and malloc_shim.c compiled -fPIC
# -fvisibility=hidden, so only the allocation API is exported (test-shim checks the dynamic
# symbol table). -fno-builtin on the shim keeps the compiler from treating our malloc/free/calloc
# definitions as the library functions they replace (e.g. turning malloc+memset into calloc).

SHIM_SO      := $(B)/librefalloc_malloc.so
SHIM_DIR     := $(B)/shim
SHIM_CFLAGS   = $(CSTD) $(WARN) $(CFLAGS) -Iref -fPIC -fvisibility=hidden
SHIM_EXPORTS := aligned_alloc calloc free malloc malloc_usable_size memalign posix_memalign \
                pvalloc realloc reallocarray valloc
THREADS_DIR  := $(B)/threads
TSAN_FLAGS   ?= -fsanitize=thread -O1 -g -fno-omit-frame-pointer
# The TSan binary links the shim source with renamed entry points and a 1 GiB reservation.
TSAN_REF_DEFS := -DMT_WITH_REF -DRA_SHIM_PREFIX -DRA_SHIM_RESERVE_BYTES='((size_t)1<<30)'
PRELOAD_SECONDS ?= 300   # a guard against hangs; the step takes about 1 minute

.PHONY: shim shim-lint test-shim test-preload test-threads test-threads-preload

shim: $(SHIM_SO)

$(SHIM_DIR)/heap.o: ref/heap.c ref/heap.h | $(SHIM_DIR)
	$(CC) $(SHIM_CFLAGS) -c $< -o $@
$(SHIM_DIR)/malloc_shim.o: ref/malloc_shim.c ref/heap.h | $(SHIM_DIR)
	$(CC) $(SHIM_CFLAGS) -fno-builtin -c $< -o $@
$(SHIM_DIR) $(THREADS_DIR):
	@mkdir -p $@
$(SHIM_SO): $(SHIM_DIR)/malloc_shim.o $(SHIM_DIR)/heap.o
	$(CC) -shared -Wl,-z,defs -Wl,-z,now -o $@ $^ -lpthread

# Warnings as errors with both compilers, every build variant of the shim.
shim-lint:
	@for c in gcc $(CLANG); do \
	  for v in "" "-DRA_SHIM_PREFIX" "-DRA_SHIM_PREFIX -DRA_SHIM_TEST_NO_LOCK"; do \
	    $$c $(CSTD) $(WARN) -O2 -Iref -fPIC -fvisibility=hidden -fno-builtin $$v \
	      -c ref/malloc_shim.c -o /dev/null || exit 1; done; \
	  echo "shim-lint: $$c $(CSTD) $(WARN): clean"; done

# ---- API tests under LD_PRELOAD (cmocka) ----------------------------------------------------
$(SHIM_DIR)/shim_api: tests/preload/shim_api.c | $(SHIM_DIR)
	$(CC) $(CSTD) -Wall -Wextra -Werror -O1 -g -fno-builtin $< -o $@ -lcmocka -ldl -lpthread
test-shim: $(SHIM_SO) $(SHIM_DIR)/shim_api shim-lint
	@exp="$$(nm -D --defined-only $(SHIM_SO) | awk '$$2 == "T" || $$2 == "W" {print $$3}' | sort | tr '\n' ' ')"; \
	 want="$$(echo $(SHIM_EXPORTS) | tr ' ' '\n' | sort | tr '\n' ' ')"; \
	 if [ "$$exp" = "$$want" ]; then echo "test-shim: exports are exactly the API: $$exp"; \
	 else echo "test-shim: exported: $$exp"; echo "test-shim: expected: $$want"; exit 1; fi
	LD_PRELOAD=$(abspath $(SHIM_SO)) $(SHIM_DIR)/shim_api

# ---- real programs under LD_PRELOAD, compared with glibc ------------------------------------
test-preload: $(SHIM_SO)
	@timeout $(PRELOAD_SECONDS) bash tests/preload/run.sh $(abspath $(SHIM_SO)) $(B)/preload

# ---- threads ----------------------------------------------------------------------------------
MT_SRC := tests/threads/mt.c
$(THREADS_DIR)/mt: $(MT_SRC) | $(THREADS_DIR)
	$(CC) $(CSTD) $(WARN) -O2 -g $< -o $@ -lpthread -ldl
$(THREADS_DIR)/mt-tsan: $(MT_SRC) ref/malloc_shim.c ref/heap.c ref/heap.h | $(THREADS_DIR)
	$(CLANG) $(CSTD) $(WARN) $(TSAN_FLAGS) -Iref $(TSAN_REF_DEFS) $(MT_SRC) ref/malloc_shim.c \
	  ref/heap.c -o $@ -lpthread -ldl
$(THREADS_DIR)/mt-tsan-nolock: $(MT_SRC) ref/malloc_shim.c ref/heap.c ref/heap.h | $(THREADS_DIR)
	$(CLANG) $(CSTD) $(WARN) $(TSAN_FLAGS) -Iref $(TSAN_REF_DEFS) -DRA_SHIM_TEST_NO_LOCK \
	  $(MT_SRC) ref/malloc_shim.c ref/heap.c -o $@ -lpthread -ldl

test-threads: $(THREADS_DIR)/mt-tsan $(THREADS_DIR)/mt-tsan-nolock $(SHIM_SO)
	@bash tests/threads/run-tsan.sh $(THREADS_DIR) $(abspath $(SHIM_SO))
test-threads-preload: $(THREADS_DIR)/mt $(SHIM_SO)
	@bash tests/threads/run-preload.sh $(THREADS_DIR) $(abspath $(SHIM_SO))

CHECK_STEPS += test-shim test-preload test-threads test-threads-preload
