#!/usr/bin/env bash
# Run Frama-C WP on one module: proofs/wp.sh <module> [extra frama-c args]
m=$1; shift
tune=${WP_TUNE:-}
exec env WHY3CONFIG=proofs/why3.conf frama-c $tune -cpp-extra-args="-Iref -DRA_WP" ref/$m.c \
  -wp -wp-rte -warn-unsigned-overflow -wp-prover cvc4,cvc5,z3 -wp-par 2 -wp-timeout 20 \
  -wp-cache update -wp-cache-dir proofs/.cache "$@"
