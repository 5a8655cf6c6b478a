#!/bin/bash -eu
# ClusterFuzzLite build: the same script OSS-Fuzz uses.
exec "$SRC/refalloc/fuzz/oss_fuzz_build.sh"
