#!/usr/bin/env python3
"""Summarise an Eva log (make eva) and compare it with proofs/eva.expected.

usage: eva_report.py LOG FRAMAC_EXIT SECONDS EXPECTED [--update]

Prints the run-time alarms ("alarm", one line each: file:line: kind [the driver parts that reach
it]), the ACSL properties Eva found invalid in some state ("red": Eva drops those states), and
one closing line:
  eva: A alarms (expected <= E), ACSL: U unknown, I invalid (expected <= J), V valid;
       S/T statements reached; Ts, log LOG
Exit 1 if the analysis itself failed (Frama-C error, Eva degenerated, no summary, eva_main not
finished or with no path returning) or if A or I exceeds EXPECTED (or it is missing). --update
writes the counts into EXPECTED instead (after a reviewed change)."""
import re
import sys


def main():
    log_path, rc, secs, expected_path = sys.argv[1:5]
    update = "--update" in sys.argv[5:]
    text = open(log_path, encoding="utf-8", errors="replace").read()
    problems = []
    if rc != "0":
        problems.append("frama-c exited with status %s" % rc)
    for pat, why in ((r"User Error", "user error"), (r"[Dd]egenerat", "Eva degenerated"),
                     (r"\[kernel\] Current source was", "Frama-C crashed")):
        if re.search(pat, text):
            problems.append(why)
    summary = re.search(r"ANALYSIS SUMMARY(.*?)(?:\n\[|\Z)", text, re.S)
    if not summary:
        problems.append("no Eva summary in the log")
    if "done for function eva_main" not in text:
        problems.append("Eva did not finish eva_main")
    elif re.search(r"Values at end of function eva_main:\s*NON TERMINATING", text):
        problems.append("no path returns from eva_main (a part stops them all: see the red lines)")
    if problems:
        tail = "\n".join(text.rstrip().splitlines()[-15:])
        print(tail)
        print("eva: ANALYSIS FAILED (%s); log %s" % ("; ".join(problems), log_path))
        return 1
    s = summary.group(1)
    m = re.search(r"(\d+) statements reached \(out of (\d+)\)", s)
    reached = "%s/%s statements reached" % m.groups() if m else "statements reached: ?"
    m = re.search(r"(\d+) alarms? generated", s)
    alarms = int(m.group(1)) if m else 0
    props = {"valid": 0, "unknown": 0, "invalid": 0}
    for kind in ("Assertions", "Preconditions"):
        m = re.search(kind + r"\s+(\d+) valid\s+(\d+) unknown\s+(\d+) invalid", s)
        if m:
            props["valid"] += int(m.group(1))
            props["unknown"] += int(m.group(2))
            props["invalid"] += int(m.group(3))

    # Messages: "[eva:alarm] file:line: Warning: <text>" where <text> may start on the next line
    # and ends with the call stack (-eva-print-callstacks); the part of the driver that reached
    # it is the frame just below eva_main.
    rte, red = {}, {}
    for m in re.finditer(r"^\[eva:alarm\] (\S+?): Warning: *\n?((?:.+\n?)(?:^  .*\n?)*)", text,
                         re.M):
        where, body = m.group(1), " ".join(m.group(2).split())
        body, _, stack = body.partition(" stack: ")
        frames = [f.split(" :: ")[0] for f in stack.split(" <- ")] if stack else []
        part = frames[-2] if len(frames) >= 2 else "?"
        key = "%s: %s" % (where, body)
        if "got status invalid" in body and "may be inactive" not in body:
            red.setdefault(key, set()).add(part)
        elif "got status" not in body:
            rte.setdefault(key, set()).add(part)
    for key in sorted(rte):
        print("alarm  %s  [%s]" % (key, ", ".join(sorted(rte[key]))))
    for key in sorted(red):
        print("red    %s  [%s]" % (key, ", ".join(sorted(red[key]))))

    expected = {}
    try:
        for line in open(expected_path):
            parts = line.split()
            if len(parts) == 2 and not line.startswith("#"):
                expected[parts[0]] = int(parts[1])
    except FileNotFoundError:
        pass
    if update:
        with open(expected_path, "w") as f:
            f.write("# make eva fails when a count rises above these (make eva-update rewrites "
                    "them;\n# proofs/README.md, section Eva, says why each remaining one is "
                    "there)\n")
            f.write("alarms %d\ninvalid %d\n" % (alarms, props["invalid"]))
        expected = {"alarms": alarms, "invalid": props["invalid"]}
    ea, ei = expected.get("alarms"), expected.get("invalid")
    worse = []
    if ea is not None and alarms > ea:
        worse.append("alarms %d > %d" % (alarms, ea))
    if ei is not None and props["invalid"] > ei:
        worse.append("invalid ACSL properties %d > %d" % (props["invalid"], ei))
    better = (ea is not None and alarms < ea) or (ei is not None and props["invalid"] < ei)
    print("eva: %d alarms (expected <= %s), ACSL: %d unknown, %d invalid (expected <= %s), "
          "%d valid; %s; %ss, log %s%s" % (alarms, "?" if ea is None else ea, props["unknown"],
                                          props["invalid"], "?" if ei is None else ei,
                                          props["valid"], reached, secs, log_path,
                                      "; MORE THAN " + expected_path + ": " + ", ".join(worse)
                                      if worse else
                                      "; fewer than expected: make eva-update" if better else ""))
    return 1 if worse or ea is None else 0


if __name__ == "__main__":
    sys.exit(main())
