#!/usr/bin/env bash
# Replay the committed corpus through the E-ACSL builds (make eacsl, mk/eacsl.mk).
#   tests/eacsl/replay.sh BUILD_DIR TARGET...
# For each target: every file of corpus/<target>/ (in the replay driver's order) goes through
# BUILD_DIR/<target>/<target>. A failed contract aborts the process (E-ACSL's default), so after a
# failure the replay resumes with the next input: every input is run, and every failing one is
# named with the E-ACSL report. Prints "eacsl <target>: N inputs, V contract violations" per
# target and one summary line; exits 1 if any input failed (contract, crash or harness rule).
set -u
b=$1; shift
mkdir -p "$b/logs"
total_in=0; total_v=0; total_o=0; t_start=$(date +%s)
for t in "$@"; do
  bin=$b/$t/$t
  if [ ! -x "$bin" ] || [ ! -d "corpus/$t" ]; then
    echo "eacsl $t: missing $bin or corpus/$t"; total_o=$((total_o + 1)); continue
  fi
  mapfile -t files < <(find "corpus/$t" -type f ! -name '.*' | LC_ALL=C sort)
  n=${#files[@]}; i=0; done_in=0; viol=0; other=0; t0=$(date +%s)
  log=$b/logs/$t.log; : > "$log"
  while [ "$i" -lt "$n" ]; do
    err=$b/logs/$t.stderr
    # (in a subshell whose stderr is dropped: bash's own "Aborted" line adds nothing)
    ( FZ_VERBOSE=1 "$bin" "${files[@]:$i}" > "$b/logs/$t.stdout" 2> "$err"; exit $? ) 2> /dev/null
    rc=$?
    cat "$err" >> "$log"
    if [ "$rc" -eq 0 ]; then
      done_in=$((done_in + n - i))
      break
    fi
    # the input that failed: the last one the driver announced
    last=$(grep -n "^$t: corpus/" "$err" | tail -1)
    if [ -z "$last" ]; then
      echo "eacsl $t: exit $rc before the first input:"; sed 's/^/    /' "$err" | head -20
      other=$((other + 1)); break
    fi
    line=${last%%:*}
    path=$(echo "${last#*:}" | sed "s/^$t: \(.*\) ([0-9]* bytes)$/\1/")
    k=$i
    while [ "$k" -lt "$n" ] && [ "${files[$k]}" != "$path" ]; do k=$((k + 1)); done
    report=$(tail -n +"$((line + 1))" "$err")
    if echo "$report" | grep -q ': Error: .* failed:'; then
      kind="contract violation"; viol=$((viol + 1))
    elif echo "$report" | grep -q '^RULE \|violated'; then
      kind="harness rule"; other=$((other + 1))
    else
      kind="crash (exit $rc)"; other=$((other + 1))
    fi
    echo "eacsl $t: $kind on $path"
    echo "$report" | head -25 | sed 's/^/    /'
    done_in=$((done_in + k - i + 1))
    i=$((k + 1))
  done
  extra=""; [ "$other" -gt 0 ] && extra=", $other other failures (crash or harness rule)"
  echo "eacsl $t: $done_in inputs, $viol contract violations$extra ($(( $(date +%s) - t0 ))s)"
  total_in=$((total_in + done_in)); total_v=$((total_v + viol)); total_o=$((total_o + other))
done
echo "eacsl: $total_in inputs replayed over $# targets, $total_v contract violations, $total_o other failures ($(( $(date +%s) - t_start ))s)"
[ "$total_v" -eq 0 ] && [ "$total_o" -eq 0 ]
