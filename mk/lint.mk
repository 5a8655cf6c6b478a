# Warnings as errors with both compilers, and cppcheck, over ref/.
.PHONY: lint
lint:
	@for c in gcc clang-14; do \
	  for f in $(REF_SRCS); do $$c $(CSTD) $(WARN) -O2 -Iref -c $$f -o /dev/null || exit 1; done; \
	  echo "lint: $$c $(CSTD) $(WARN): clean"; done
	@cppcheck --error-exitcode=1 --quiet --enable=warning,portability --inline-suppr ref/ && echo "lint: cppcheck ref/: clean"

CHECK_STEPS += lint
