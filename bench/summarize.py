#!/usr/bin/env python3
"""Turn the driver's raw rows (build/bench/raw/*.csv) into bench/results/*.csv and the tables.

usage: summarize.py RAWDIR OUTDIR

Every timing is the median of its samples; ratios are to glibc's median for the same workload.
Instruction counts (callgrind) are exact and need no median. Finally the issue's targets for the
reference heap are checked and printed as MET / NOT MET (never an exit status: benchmarks report).
"""
import csv
import os
import statistics
import sys

raw, out = sys.argv[1], sys.argv[2]
ORDER = ["ref", "glibc", "jemalloc", "mimalloc", "tcmalloc", "ref-shim"]
WORKLOADS = ["stress", "churn", "realloc", "aligned", "list"]
DESCR = {
    "stress": "random malloc/free, 16..10,016 B, 10,000 slots",
    "churn": "small objects, 16..256 B, 100,000 slots",
    "realloc": "16 buffers doubling 16 B..64 KiB and halving back",
    "aligned": "aligned_alloc, alignment 64..4096, 10,000 slots",
    "list": "1,000,000-node linked list built and torn down",
}


def rows(name):
    path = os.path.join(raw, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [r for r in csv.reader(f) if r]


def order(names):
    return sorted(names, key=lambda a: ORDER.index(a) if a in ORDER else 99)


def write(name, header, data):
    with open(os.path.join(out, name), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(data)


def table(title, header, data):
    print("\n" + title)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *data)]
    line = lambda r: "  ".join(str(x).rjust(w) if i else str(x).ljust(w)
                               for i, (x, w) in enumerate(zip(r, widths)))
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in data:
        print(line(r))


targets = []  # (what, value, limit, met)

# ---- throughput ---------------------------------------------------------------------------------
samples, calls, refstats = {}, {}, {}
for r in rows("throughput.csv"):
    if r[0] == "throughput":
        key = (r[2], r[1])
        calls[key] = int(r[3])
        samples.setdefault(key, []).extend(float(x) for x in r[4:])
    elif r[0] == "refstats":
        refstats[r[1]] = (int(r[2]), int(r[3]))
med = {k: statistics.median(v) for k, v in samples.items()}
allocs = order({a for _, a in med})
out_rows, wide = [], []
print("ns per allocator call (median of %d samples each); x = ratio to glibc's time"
      % max((len(v) for v in samples.values()), default=0))
for w in WORKLOADS:
    base = med.get((w, "glibc"))
    data, wrow = [], [w]
    for a in allocs:
        if (w, a) not in med:
            wrow.append("")
            continue
        m, s = med[(w, a)], samples[(w, a)]
        ratio = m / base if base else float("nan")
        data.append([a, "%.1f" % m, "%.2fx" % ratio, "%.1f" % min(s), "%.1f" % max(s)])
        out_rows.append([w, a, calls[(w, a)], "%.2f" % m, "%.2f" % min(s), "%.2f" % max(s),
                         len(s), "%.3f" % ratio])
        wrow.append("%.3f" % ratio)
    wide.append(wrow)
    if data:
        extra = ""
        if w in refstats and w == "realloc":
            ip, mv = refstats[w]
            extra = " [ref: %d in place, %d moved]" % (ip, mv)
        table("%s: %s, %d calls%s" % (w, DESCR[w], calls.get((w, "glibc"), 0), extra),
              ["allocator", "ns/call", "vs glibc", "min", "max"], data)
write("throughput.csv", ["workload", "allocator", "calls", "ns_per_call_median", "ns_min",
                         "ns_max", "samples", "ratio_to_glibc"], out_rows)
write("throughput_ratio.dat", ["workload"] + allocs, wide)
for w, limit in (("stress", 1.0), ("churn", 1.5)):
    if (w, "ref") in med and (w, "glibc") in med:
        v = med[(w, "ref")] / med[(w, "glibc")]
        targets.append(("%s time vs glibc" % w, "%.2fx" % v, "<= %.1fx" % limit, v <= limit))

# ---- latency ------------------------------------------------------------------------------------
lat = rows("latency.csv")
if lat:
    data = []
    plot = []
    for r in sorted(lat, key=lambda r: (r[2], r[3], ORDER.index(r[1]) if r[1] in ORDER else 99)):
        p50, p99, p999, mx, ovh = (float(x) for x in r[4:9])
        data.append([r[2], r[3], r[1], "%.0f" % p50, "%.0f" % p99, "%.0f" % p999, "%.0f" % mx,
                     "%.1f" % (p999 / p50), "%.0f" % ovh])
        plot.append(["%s %s %s" % (r[1], r[2], r[3]), "%.1f" % p50, "%.1f" % p99, "%.1f" % p999])
        if r[1] == "ref":
            targets.append(("p99.9/p50 %s %s" % (r[2], r[3]), "%.1f" % (p999 / p50), "<= 4",
                            p999 / p50 <= 4))
    table("latency per call, ns (rdtsc around single calls, timer overhead included)",
          ["workload", "op", "allocator", "p50", "p99", "p99.9", "max", "p99.9/p50",
           "timer"], data)
    write("latency.csv", ["workload", "op", "allocator", "p50_ns", "p99_ns", "p999_ns", "max_ns",
                          "p999_over_p50", "timer_overhead_ns"], data)
    write("latency_plot.dat", ["label", "p50", "p99", "p99.9"], plot)

# ---- growth -------------------------------------------------------------------------------------
gr = rows("growth.csv")
if gr:
    g = {(r[1], int(r[2])): statistics.median(float(x) for x in r[3:]) for r in gr}
    sizes = sorted({n for _, n in g})
    galloc = order({a for a, _ in g})
    data = [[n] + ["%.1f" % g[(a, n)] if (a, n) in g else "" for a in galloc] for n in sizes]
    table("ns per call against live blocks (random replace, 16..256 B)", ["live"] + galloc, data)
    write("growth.csv", ["live_blocks"] + galloc, data)

# ---- fragmentation ------------------------------------------------------------------------------
fr = rows("frag.csv")
if fr:
    hdr = ["allocator", "step", "live_blocks", "used_bytes", "footprint_bytes", "live_bytes",
           "free_bytes", "largest_free", "fragmentation", "failed"]
    write("frag.csv", hdr, [r[1:] for r in fr])
    data = []
    for a in order({r[1] for r in fr}):
        rs = [r for r in fr if r[1] == a]
        peak_used = max(int(r[4]) for r in rs)
        foot = max(int(r[5]) for r in rs)
        fr_vals = [float(r[9]) for r in rs]
        data.append([a, len(rs), "%.1f" % (peak_used / 2**20), "%.1f" % (foot / 2**20),
                     "%.2f" % (foot / peak_used),
                     "%.3f" % statistics.mean(fr_vals) if a == "ref" else "-",
                     "%.3f" % max(fr_vals) if a == "ref" else "-", rs[-1][10]])
    table("fragmentation over a 4,000,000-step random run (sizes 16 B..64 KiB log-uniform; "
          "ref in a 64 MiB arena)",
          ["allocator", "samples", "peak used MiB", "footprint MiB", "footprint/peak",
           "mean frag", "max frag", "failed"], data)

# ---- callgrind ----------------------------------------------------------------------------------
cg = rows("callgrind.csv")
if cg:
    ir = {}
    for a, trig, tot in cg:
        parts = trig.split("/")
        if parts[0] == "growth":
            ir[("growth", a, int(parts[1]))] = int(tot) / int(parts[2])
        else:
            ir[(parts[0], a)] = (int(tot), int(parts[1]))
    calloc = order({k[1] for k in ir if k[0] != "growth"})
    data, out_rows, wide_cg = [], [], []
    for w in WORKLOADS:
        base = ir.get((w, "glibc"))
        row = [w]
        for a in calloc:
            if (w, a) not in ir:
                row.append("")
                continue
            tot, n = ir[(w, a)]
            per = tot / n
            row.append("%.0f (%.2fx)" % (per, per / (base[0] / base[1])) if base else "%.0f" % per)
            out_rows.append([w, a, n, tot, "%.1f" % per,
                             "%.3f" % (per / (base[0] / base[1])) if base else ""])
        data.append(row)
        wide_cg.append([w] + [("%.1f" % (ir[(w, a)][0] / ir[(w, a)][1])) if (w, a) in ir else ""
                              for a in calloc])
    table("instructions per call (callgrind, inside the allocator calls only; x = vs glibc)",
          ["workload"] + calloc, data)
    write("callgrind.csv", ["workload", "allocator", "calls", "instructions", "per_call",
                            "ratio_to_glibc"], out_rows)
    write("callgrind_plot.dat", ["workload"] + calloc, wide_cg)
    gk = sorted({k[2] for k in ir if k[0] == "growth"})
    ga = order({k[1] for k in ir if k[0] == "growth"})
    if gk:
        data = [[n] + ["%.1f" % ir[("growth", a, n)] if ("growth", a, n) in ir else ""
                       for a in ga] for n in gk]
        table("instructions per call against live blocks (callgrind)", ["live"] + ga, data)
        write("callgrind_growth.csv", ["live_blocks"] + ga, data)
        if ("growth", "ref", gk[0]) in ir and ("growth", "ref", gk[-1]) in ir:
            v = ir[("growth", "ref", gk[-1])] / ir[("growth", "ref", gk[0])]
            targets.append(("instructions/call at %d vs %d live" % (gk[-1], gk[0]), "%.2fx" % v,
                            "<= 1.05x", v <= 1.05))
if gr and ("ref", sizes[0]) in g and ("ref", sizes[-1]) in g:
    v = g[("ref", sizes[-1])] / g[("ref", sizes[0])]
    vg = g.get(("glibc", sizes[-1]), 0) / g.get(("glibc", sizes[0]), 1)
    targets.append(("time/call at %d vs %d live (glibc: %.2fx)" % (sizes[-1], sizes[0], vg),
                    "%.2fx" % v, "<= 1.5x", v <= 1.5))

if targets:
    table("targets for the reference heap", ["target", "measured", "limit", "status"],
          [[t, v, l, "MET" if ok else "NOT MET"] for t, v, l, ok in targets])
    write("targets.csv", ["target", "measured", "limit", "met"],
          [[t, v, l, int(ok)] for t, v, l, ok in targets])
with open(os.path.join(out, "env.txt")) as f:
    print("\n" + f.read().rstrip())
