#!/usr/bin/env bash
# proofs/fingerprint.sh MODULE [SETTING...]: one line, a SHA-256 of everything a module's proof
# depends on: its source, every header and spec file (a header may include any spec file), the
# proof scripts (shell and WP's) and prover configuration, the settings passed (WP flags, function lists, timeouts)
# and the versions of Frama-C, Why3 and the provers. `make prove` records it beside a module's
# report after a run that proved every goal and, when it is unchanged at the next run, reuses
# that report instead of running WP again (mk/prove.mk); any edit to an input runs WP again.
set -eu
m=$1; shift
{
  for f in ref/"$m".c ref/*.h spec/*.acsl proofs/why3.conf proofs/*.drv proofs/report.py \
           proofs/heap_prove.sh proofs/heap_report.sh proofs/fingerprint.sh \
           proofs/wp_tune.ml proofs/wp-session/script/*.json; do
    echo "== $f"; cat "$f"; done
  echo "== settings"; printf '%s\n' "$@"
  echo "== tools"
  frama-c -version 2>&1 | head -1
  why3 --version 2>&1 | head -1
  for p in cvc4 cvc5; do "$p" --version 2>&1 | head -1 || true; done
  z3 -version 2>&1 | head -1 || true
} | sha256sum | cut -d' ' -f1
