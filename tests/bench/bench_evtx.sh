#!/bin/sh
# Parser speed: native `build/native/evtxcat --xml` against libyal's `evtxexport -f xml` on the
# same files (every sample in ../shared/evtx-samples), in the same run, output to /dev/null.
# Prints MB/s of each (input bytes per second, one thread) and the ratio.
#
#   sh tests/bench/bench_evtx.sh [ROUNDS]      (default 5; the best round counts)
#
# evtxcat is timed twice: all files in one process (how it is used: evtxcat DIR), and one
# process per file (as evtxexport must be run), so process start-up is visible: a process costs
# about 1 ms here, as long as evtxcat takes to parse 1 MB, so the per-file figure is mostly
# process start-up (evtxexport's is not: it parses at ~30 MB/s). Both ratios are printed.
# Then a third time, all files in one process on two threads (`evtxcat --xml -j 2`: files read
# in parallel, the same output); that figure depends on the second core being free, so the load
# average at the start is printed too.
cd "$(dirname "$0")/../.." || exit 1
S=../shared/evtx-samples
rounds=${1:-5}
if [ ! -d "$S" ]; then echo "SKIP bench_evtx: $S is absent"; exit 0; fi
make -f Makefile.mingw --no-print-directory native >/dev/null || { echo "FAIL bench_evtx: build failed"; exit 1; }
have_ee=1; command -v evtxexport >/dev/null 2>&1 || have_ee=0

now() { date +%s%N; }
bytes=0
for f in "$S"/*.evtx; do bytes=$((bytes + $(wc -c <"$f"))); done
nfiles=$(ls "$S"/*.evtx | wc -l)

# all files, 10 times over, in one evtxcat process per round
set --
for i in 1 2 3 4 5 6 7 8 9 10; do for f in "$S"/*.evtx; do set -- "$@" "$f"; done; done
# The three measurements take turns in each round (the machine's load drifts: each gets the
# same chances), and the best round of each counts.
best_one=0; best_per=0; best_ee=0; best_j2=0
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)
r=0; while [ $r -lt "$rounds" ]; do
    t0=$(now); build/native/evtxcat --xml "$@" >/dev/null 2>&1; t1=$(now)
    d=$((t1 - t0)); if [ $best_one = 0 ] || [ $d -lt $best_one ]; then best_one=$d; fi
    t0=$(now); build/native/evtxcat --xml -j 2 "$@" >/dev/null 2>&1; t1=$(now)
    d=$((t1 - t0)); if [ $best_j2 = 0 ] || [ $d -lt $best_j2 ]; then best_j2=$d; fi
    t0=$(now); for f in "$S"/*.evtx; do build/native/evtxcat --xml "$f" >/dev/null 2>&1; done; t1=$(now)
    d=$((t1 - t0)); if [ $best_per = 0 ] || [ $d -lt $best_per ]; then best_per=$d; fi
    if [ $have_ee = 1 ]; then
        t0=$(now); for f in "$S"/*.evtx; do evtxexport -f xml "$f" >/dev/null 2>&1; done; t1=$(now)
        d=$((t1 - t0)); if [ $best_ee = 0 ] || [ $d -lt $best_ee ]; then best_ee=$d; fi
    fi
    r=$((r + 1))
done
ours_one=$(awk -v b=$((bytes * 10)) -v ns=$best_one 'BEGIN{printf "%.1f", b / (ns / 1e9) / 1e6}')
ours_j2=$(awk -v b=$((bytes * 10)) -v ns=$best_j2 'BEGIN{printf "%.1f", b / (ns / 1e9) / 1e6}')
ours_per=$(awk -v b=$bytes -v ns=$best_per 'BEGIN{printf "%.1f", b / (ns / 1e9) / 1e6}')
echo "bench_evtx: $nfiles files, $bytes bytes, best of $rounds rounds, 1 thread unless -j, output to /dev/null"
echo "  ($(nproc 2>/dev/null || echo ?) CPUs, load average ${load:-?} at the start)"
echo "  evtxcat --xml, one process for all files:  $ours_one MB/s"
echo "  evtxcat --xml -j 2, one process, 2 threads: $ours_j2 MB/s ($(awk -v a=$ours_j2 -v b=$ours_one 'BEGIN{printf "%.2fx", a / b}') one thread)"
echo "  evtxcat --xml, one process per file:       $ours_per MB/s"
if [ $have_ee = 1 ]; then
    ee=$(awk -v b=$bytes -v ns=$best_ee 'BEGIN{printf "%.1f", b / (ns / 1e9) / 1e6}')
    echo "  evtxexport -f xml, one process per file:   $ee MB/s"
    echo "  ratio (one process / evtxexport):          $(awk -v a=$ours_one -v b=$ee 'BEGIN{printf "%.1fx", a / b}')"
    echo "  ratio (per file / evtxexport):             $(awk -v a=$ours_per -v b=$ee 'BEGIN{printf "%.1fx", a / b}')"
    echo "  ratio (-j 2 / evtxexport):                 $(awk -v a=$ours_j2 -v b=$ee 'BEGIN{printf "%.1fx", a / b}')"
else
    echo "  evtxexport not installed: no comparison"
fi
