# The examples build against the installed-style static library, as a user's program would.
$(B)/examples/%: examples/%.c $(B)/librefalloc.a
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O2 -Iref $< $(B)/librefalloc.a -o $@

.PHONY: examples
examples: $(B)/examples/hello_heap
	$(B)/examples/hello_heap | tee $(B)/examples/hello_heap.out
	@grep -q '^hello, arena; numbers\[99\] = 0$$' $(B)/examples/hello_heap.out
	@grep -q 'used 400 B in 1 block' $(B)/examples/hello_heap.out

CHECK_STEPS += examples
