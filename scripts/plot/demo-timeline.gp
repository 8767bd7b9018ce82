# SPDX-License-Identifier: GPL-2.0
#
# The timeline of `make demo`: VRAM use and GPU faults of vsvm-demo over time,
# with the steps marked. scripts/check.sh demo runs it as
#   gnuplot -e "datafile='build/demo/timeline.csv'; pngfile='build/demo/timeline.png'" \
#           scripts/plot/demo-timeline.gp
# The CSV is what `vsvm-demo --timeline` prints between its marker lines:
#   t_s,step,gpu0_vram_mib,gpu1_vram_mib,vram_size_mib,gpu0_faults,gpu1_faults,label
# one row per sample; label is "-" except on the row taken as a step starts.

if (!exists("datafile")) datafile = "build/demo/timeline.csv"
if (!exists("pngfile")) pngfile = "build/demo/timeline.png"

set datafile separator ","
set datafile commentschars "#"
stats datafile using 1:3 skip 1 name "T" nooutput
stats datafile using 4 skip 1 name "G1" nooutput
stats datafile using 5 skip 1 name "SIZE" nooutput
stats datafile using 6 skip 1 name "F0" nooutput
stats datafile using 7 skip 1 name "F1" nooutput

vram_top = 1.75 * (SIZE_max > T_max_y ? SIZE_max : T_max_y)
fault_max = F0_max > F1_max ? F0_max : F1_max
fault_top = fault_max > 0 ? 1.15 * fault_max : 1
is_mark(col) = strcol(col) ne "-"

set terminal pngcairo size 1100,720 font "sans,10"
set output pngfile
set multiplot layout 2,1 title "vsvm-demo: VRAM use and GPU faults over time (one sample per 10 ms)"
set key outside right top vertical Left reverse width 1
set grid ytics lc rgb "#dddddd"
set xrange [0:T_max_x]
set style line 1 lc rgb "#1f77b4" lw 2
set style line 2 lc rgb "#d62728" lw 2
set style line 3 lc rgb "#555555" lw 1 dt 2
set style line 4 lc rgb "#999999" lw 1 dt 3

# Top: the process's pages in each GPU's VRAM, the VRAM size, the steps.
set lmargin 10
set rmargin 16
set ylabel "VRAM in use (MiB)"
set yrange [0:vram_top]
set format x ""
plot datafile using 1:(is_mark(8) ? vram_top : NaN) skip 1 with impulses ls 4 notitle, \
     datafile using 1:(is_mark(8) ? 0.98 * vram_top : NaN):8 skip 1 \
         with labels rotate by 90 right offset 0.8,0 font "sans,9" notitle, \
     datafile using 1:5 skip 1 with lines ls 3 title "VRAM size", \
     datafile using 1:3 skip 1 with steps ls 1 title "GPU 0", \
     datafile using 1:4 skip 1 with steps ls 2 title "GPU 1"

# Bottom: GPU faults serviced since the demo started.
set ylabel "GPU faults (cumulative)"
set xlabel "time since the demo started (s)"
set format x "%g"
set yrange [0:fault_top]
plot datafile using 1:(is_mark(8) ? fault_top : NaN) skip 1 with impulses ls 4 notitle, \
     datafile using 1:6 skip 1 with steps ls 1 title "GPU 0", \
     datafile using 1:7 skip 1 with steps ls 2 title "GPU 1"
unset multiplot
