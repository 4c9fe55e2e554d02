# Drawn by the comparison runner; rerun with: gnuplot plots.gp
set terminal pngcairo size 960,560 noenhanced
set grid
set output 'throughput.png'
set title 'snapshots written per second (2 cores, 23.5 GiB, Intel(R) Xeon(R) Processor)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel 'snapshots/s'
set key top right autotitle columnheader
plot 'throughput.dat' using 2:xtic(1), 'throughput.dat' using 3, 'throughput.dat' using 4, 'throughput.dat' using 5
unset style
set style data lines
set output 'latency-latest.png'
set title 'latest: latency distribution (2 cores, 23.5 GiB, Intel(R) Xeon(R) Processor)'
set logscale x
set xlabel 'microseconds (log scale)'
set ylabel 'fraction of queries at or below'
set key bottom right noautotitle
plot 'latency-latest-hearth.dat' using 1:2 with lines linewidth 2 title 'hearth', 'latency-latest-rocksdb.dat' using 1:2 with lines linewidth 2 title 'rocksdb', 'latency-latest-rocksdb-nowal.dat' using 1:2 with lines linewidth 2 title 'rocksdb-nowal', 'latency-latest-sqlite.dat' using 1:2 with lines linewidth 2 title 'sqlite'
unset logscale x
set output 'latency-range-7d.png'
set title 'range 7d: latency distribution (2 cores, 23.5 GiB, Intel(R) Xeon(R) Processor)'
set logscale x
set xlabel 'microseconds (log scale)'
set ylabel 'fraction of queries at or below'
set key bottom right noautotitle
plot 'latency-range-7d-hearth.dat' using 1:2 with lines linewidth 2 title 'hearth', 'latency-range-7d-rocksdb.dat' using 1:2 with lines linewidth 2 title 'rocksdb', 'latency-range-7d-rocksdb-nowal.dat' using 1:2 with lines linewidth 2 title 'rocksdb-nowal', 'latency-range-7d-sqlite.dat' using 1:2 with lines linewidth 2 title 'sqlite'
unset logscale x
set output 'latency-range-30d.png'
set title 'range 30d: latency distribution (2 cores, 23.5 GiB, Intel(R) Xeon(R) Processor)'
set logscale x
set xlabel 'microseconds (log scale)'
set ylabel 'fraction of queries at or below'
set key bottom right noautotitle
plot 'latency-range-30d-hearth.dat' using 1:2 with lines linewidth 2 title 'hearth', 'latency-range-30d-rocksdb.dat' using 1:2 with lines linewidth 2 title 'rocksdb', 'latency-range-30d-rocksdb-nowal.dat' using 1:2 with lines linewidth 2 title 'rocksdb-nowal', 'latency-range-30d-sqlite.dat' using 1:2 with lines linewidth 2 title 'sqlite'
unset logscale x
set output 'latency-range-90d.png'
set title 'range 90d: latency distribution (2 cores, 23.5 GiB, Intel(R) Xeon(R) Processor)'
set logscale x
set xlabel 'microseconds (log scale)'
set ylabel 'fraction of queries at or below'
set key bottom right noautotitle
plot 'latency-range-90d-hearth.dat' using 1:2 with lines linewidth 2 title 'hearth', 'latency-range-90d-rocksdb.dat' using 1:2 with lines linewidth 2 title 'rocksdb', 'latency-range-90d-rocksdb-nowal.dat' using 1:2 with lines linewidth 2 title 'rocksdb-nowal', 'latency-range-90d-sqlite.dat' using 1:2 with lines linewidth 2 title 'sqlite'
unset logscale x
set output 'latency-at-time.png'
set title 'at-time: latency distribution (2 cores, 23.5 GiB, Intel(R) Xeon(R) Processor)'
set logscale x
set xlabel 'microseconds (log scale)'
set ylabel 'fraction of queries at or below'
set key bottom right noautotitle
plot 'latency-at-time-hearth.dat' using 1:2 with lines linewidth 2 title 'hearth', 'latency-at-time-rocksdb.dat' using 1:2 with lines linewidth 2 title 'rocksdb', 'latency-at-time-rocksdb-nowal.dat' using 1:2 with lines linewidth 2 title 'rocksdb-nowal', 'latency-at-time-sqlite.dat' using 1:2 with lines linewidth 2 title 'sqlite'
unset logscale x
set output 'latency-monthly-aggregation.png'
set title 'monthly aggregation: latency distribution (2 cores, 23.5 GiB, Intel(R) Xeon(R) Processor)'
set logscale x
set xlabel 'microseconds (log scale)'
set ylabel 'fraction of queries at or below'
set key bottom right noautotitle
plot 'latency-monthly-aggregation-hearth.dat' using 1:2 with lines linewidth 2 title 'hearth', 'latency-monthly-aggregation-rocksdb.dat' using 1:2 with lines linewidth 2 title 'rocksdb', 'latency-monthly-aggregation-rocksdb-nowal.dat' using 1:2 with lines linewidth 2 title 'rocksdb-nowal', 'latency-monthly-aggregation-sqlite.dat' using 1:2 with lines linewidth 2 title 'sqlite'
unset logscale x
set output 'latency-mixed-reads.png'
set title 'mixed: reads: latency distribution (2 cores, 23.5 GiB, Intel(R) Xeon(R) Processor)'
set logscale x
set xlabel 'microseconds (log scale)'
set ylabel 'fraction of queries at or below'
set key bottom right noautotitle
plot 'latency-mixed-reads-hearth.dat' using 1:2 with lines linewidth 2 title 'hearth', 'latency-mixed-reads-rocksdb.dat' using 1:2 with lines linewidth 2 title 'rocksdb', 'latency-mixed-reads-rocksdb-nowal.dat' using 1:2 with lines linewidth 2 title 'rocksdb-nowal', 'latency-mixed-reads-sqlite.dat' using 1:2 with lines linewidth 2 title 'sqlite'
unset logscale x
