# refalloc benchmark plots: gnuplot -e "dir='bench/results'" bench/plots.gp
# Reads the CSV/.dat files bench/summarize.py writes; writes PNGs beside them.
if (!exists("dir")) dir = "bench/results"
set datafile separator ","
set terminal pngcairo size 900,520 noenhanced font ",10"
set key outside right top
set grid ytics

# 1. Time per call relative to glibc, per workload and allocator.
set output dir."/throughput.png"
set title "Time per allocator call relative to glibc (lower is better; median of samples)"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "time / glibc time"
set logscale y 2
set yrange [0.0625:*]
n = system("head -1 ".dir."/throughput_ratio.dat | awk -F, '{print NF}'")
plot for [i=2:n] dir."/throughput_ratio.dat" using i:xtic(1) title columnheader(i), \
     1 with lines lc rgb "black" dt 2 notitle
unset logscale y
set yrange [*:*]

# 2. Latency percentiles.
set output dir."/latency.png"
set terminal pngcairo size 1100,560 noenhanced font ",9"
set title "Latency of single calls (rdtsc, timer overhead included)"
set ylabel "ns (log scale)"
set logscale y 10
set xtics rotate by -45
plot dir."/latency_plot.dat" using 2:xtic(1) title "p50", '' using 3 title "p99", '' using 4 title "p99.9"
unset logscale y
set xtics norotate
set terminal pngcairo size 900,520 noenhanced font ",10"

# 3. Cost against live-set size.
set output dir."/growth.png"
set title "Time per call against live blocks (random replace, 16..256 B)"
set style data linespoints
set logscale x 10
set xlabel "live blocks"
set ylabel "ns per call"
n = system("head -1 ".dir."/growth.csv | awk -F, '{print NF}'")
plot for [i=2:n] dir."/growth.csv" using 1:i title columnheader(i) lw 2
unset logscale x
set xlabel ""

# 4. Fragmentation of the reference heap over a long random run.
set output dir."/frag.png"
set title "Reference heap, 64 MiB arena: bytes in use, footprint and fragmentation"
set xlabel "steps (millions)"
set ylabel "MiB"
set y2label "fragmentation = 1 - largest free / free"
set y2range [0:1]
set y2tics
plot dir."/frag.csv" using (strcol(1) eq "ref" ? $2/1e6 : NaN):($4/1048576) with lines lw 2 title "used (requested)", \
     '' using (strcol(1) eq "ref" ? $2/1e6 : NaN):($5/1048576) with lines lw 2 title "footprint (highest byte)", \
     '' using (strcol(1) eq "glibc" ? $2/1e6 : NaN):($5/1048576) with lines lw 1 title "glibc footprint (mallinfo2)", \
     '' using (strcol(1) eq "ref" ? $2/1e6 : NaN):9 axes x1y2 with lines lw 1 title "fragmentation (right)"
unset y2tics
unset y2label
set xlabel ""

# 5. Instructions per call (callgrind).
if (system("test -s ".dir."/callgrind_plot.dat && echo 1 || echo 0") == 1) {
  set output dir."/callgrind.png"
  set title "Instructions per allocator call (callgrind; exact, noise-free)"
  set style data histogram
  set style histogram clustered gap 1
  set style fill solid 0.8 border -1
  set ylabel "instructions per call (log scale)"
  set logscale y 10
  n = system("head -1 ".dir."/callgrind_plot.dat | awk -F, '{print NF}'")
  plot for [i=2:n] dir."/callgrind_plot.dat" using i:xtic(1) title columnheader(i)
}
