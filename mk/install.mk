# make install PREFIX=/usr/local [DESTDIR=/staging] [LIBDIR=...] [INCLUDEDIR=...]
#
# Installs
#   $(LIBDIR)/librefalloc.a, librefalloc.so       the library (static and shared)
#   $(LIBDIR)/librefalloc_malloc.so                the LD_PRELOAD malloc shim, if `make shim` built it
#   $(INCLUDEDIR)/refalloc/<module>.h              the public headers: #include <refalloc/heap.h>
#   $(INCLUDEDIR)/refalloc/spec/*.acsl             the ACSL the headers include (their contracts)
#   $(LIBDIR)/pkgconfig/refalloc.pc                `pkg-config --cflags --libs refalloc`
# Headers go under a refalloc/ folder because their names (heap.h, pool.h) are common words.
# In the tree they include their contracts as "../spec/x.acsl"; installed, spec/ sits beside
# them, so that one include line is rewritten to "spec/x.acsl" (nothing else changes).
# `make uninstall` with the same variables removes exactly these files.
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
RA_VERSION ?= 0.1.0
INSTALL ?= install
PUB_HDRS = $(wildcard ref/*.h)
SPEC_ACSL = $(wildcard spec/*.acsl)

.PHONY: install uninstall test-install
install: lib
	$(INSTALL) -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/refalloc/spec
	$(INSTALL) -m 644 $(B)/librefalloc.a $(DESTDIR)$(LIBDIR)/
	$(INSTALL) -m 755 $(B)/librefalloc.so $(DESTDIR)$(LIBDIR)/
	@if [ -f $(B)/librefalloc_malloc.so ]; then \
	  echo "$(INSTALL) -m 755 $(B)/librefalloc_malloc.so $(DESTDIR)$(LIBDIR)/"; \
	  $(INSTALL) -m 755 $(B)/librefalloc_malloc.so $(DESTDIR)$(LIBDIR)/; \
	else echo "install: $(B)/librefalloc_malloc.so not built (make shim), not installed"; fi
	@for h in $(PUB_HDRS); do \
	  sed 's|^\(#include "\)\.\./spec/|\1spec/|' $$h > $(DESTDIR)$(INCLUDEDIR)/refalloc/$$(basename $$h) && \
	  chmod 644 $(DESTDIR)$(INCLUDEDIR)/refalloc/$$(basename $$h) || exit 1; done
	@echo "install: $(words $(PUB_HDRS)) headers -> $(DESTDIR)$(INCLUDEDIR)/refalloc/"
	$(if $(SPEC_ACSL),$(INSTALL) -m 644 $(SPEC_ACSL) $(DESTDIR)$(INCLUDEDIR)/refalloc/spec/)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	  -e 's|@VERSION@|$(RA_VERSION)|' refalloc.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/refalloc.pc

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/librefalloc.a $(DESTDIR)$(LIBDIR)/librefalloc.so \
	  $(DESTDIR)$(LIBDIR)/librefalloc_malloc.so $(DESTDIR)$(LIBDIR)/pkgconfig/refalloc.pc
	rm -rf $(DESTDIR)$(INCLUDEDIR)/refalloc

# Install into a temporary PREFIX and build a program against it with pkg-config, linked
# statically and dynamically, outside the source tree (no -Iref).
test-install:
	@MAKE="$(MAKE)" B=$(B) CC=$(CC) bash tests/install/run.sh

CHECK_STEPS += test-install
