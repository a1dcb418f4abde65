#!/bin/sh
# Concurrency benchmark: one sweep of 100 SIMULATED servers (test-only wevtapi.dll under Wine),
# each costing 500 ms to connect (latency=500) and holding a few events. Read one after the
# other that is 100 x 0.5 s = 50 s; read concurrently it should take about one latency.
# Prints the wall time of the whole app run (Wine start-up included) against that sequential
# sum, and the ratio. Target: under 5 s.
#
#   sh tests/bench/bench_sweep.sh              the concurrent sweep, then the same sweep with --threads 1
#   BENCH_SEQUENTIAL=0 sh tests/bench/...      skip the measured sequential run (it takes ~1 min)
#   BENCH_SERVERS=200 BENCH_LATENCY=500 ...    other sizes
cd "$(dirname "$0")/../.." || exit 1
ES_ROOT=$(pwd)
. tests/wine-env.sh

N=${BENCH_SERVERS:-100}
LAT=${BENCH_LATENCY:-500}
TARGET=${BENCH_TARGET:-5}
T=build/test/bench
EXE=build/win/eventsweep.exe
rm -rf $T
mkdir -p $T
if [ ! -f $EXE ]; then echo "FAIL bench-sweep: $EXE not built"; exit 1; fi
[ -f build/test/wevtapi.dll ] || make -f Makefile.mingw --no-print-directory fake >/dev/null || exit 1
cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Iinclude -Itests/fake -o build/test/check_sweep \
    tests/e2e/check_sweep.c tests/e2e/csvcheck.c tests/fake/fleetgen.c src/core/*.c src/evtx/*.c || { echo "FAIL bench-sweep: checker build failed"; exit 1; }

: >$T/fleet.txt
: >$T/servers.txt
i=1
while [ $i -le $N ]; do
    name=$(printf 'sim-bench%03d' $i)
    echo "$name latency=$LAT events=20 span=8 seed=$i" >>$T/fleet.txt
    echo "$name" >>$T/servers.txt
    i=$((i + 1))
done
seq_sum=$(awk -v n=$N -v l=$LAT 'BEGIN { printf "%.1f", n * l / 1000 }')

wine_env_setup bench || { echo "FAIL bench-sweep: no Wine prefix"; exit 1; }
trap wine_env_cleanup EXIT INT TERM
xvfb_start || { echo "FAIL bench-sweep: no Xvfb"; exit 1; }
ESFAKE_FLEET=$(wine_path $T/fleet.txt); export ESFAKE_FLEET

# Wine's own start-up, to tell it apart from the sweep (a run that fails at once: bad argument)
t0=$(date +%s.%N)
timeout 60 "$WINE" $EXE --hours abc --exit >/dev/null 2>&1
startup=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')

run() {   # run TAG [extra args]: sets wall
    tag=$1
    shift
    t0=$(date +%s.%N)
    ESFAKE_LEAKS=$(wine_path $T/$tag-report.txt) timeout -k 5 300 "$WINE" $EXE --servers "$(wine_path $T/servers.txt)" \
        --log System --hours 8 --timeout 60 --run --export "$(wine_path $T/$tag-rows.csv)" \
        --status "$(wine_path $T/$tag-status.csv)" --exit "$@" >$T/$tag.out 2>&1
    rc=$?
    wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
}

fails=0
run concurrent
cwall=$wall
conc=$(tr -d '\r' <$T/concurrent-report.txt 2>/dev/null | sed -n 's/^max_concurrent_queries=//p')
echo "bench-sweep: $N servers x ${LAT} ms connect latency, 20 events each"
echo "  concurrent run:     ${wall} s wall (exit $rc; Wine start-up alone ~${startup} s; up to ${conc:-?} connects in flight at once)"
echo "  sequential sum:     ${seq_sum} s (the configured latencies added up, not measured: the least a one-by-one read costs)"
ratio=$(awk -v s="$seq_sum" -v w="$wall" 'BEGIN { printf "%.1f", s / w }')
echo "  speed-up:           ${ratio}x"
if [ $rc = 0 ] && build/test/check_sweep --name bench --fleet $T/fleet.txt --servers $T/servers.txt --hours 8 --timeout 60 \
        --export $T/concurrent-rows.csv --status $T/concurrent-status.csv >$T/check.txt 2>&1; then
    echo "PASS bench-sweep-correct: every server's rows and status checked"
else
    echo "FAIL bench-sweep-correct: exit $rc; $(grep '^FAIL' $T/check.txt | head -3 | tr '\n' ' ')"
    fails=1
fi
if awk -v w="$wall" -v t="$TARGET" 'BEGIN { exit !(w < t) }'; then
    echo "PASS bench-sweep-under-${TARGET}s: ${wall} s"
else
    echo "FAIL bench-sweep-under-${TARGET}s: ${wall} s"
    fails=1
fi

if [ "${BENCH_SEQUENTIAL:-1}" = 1 ]; then
    run sequential --threads 1
    echo "  sequential run:     ${wall} s wall, measured with --threads 1 (exit $rc)"
    echo "  measured speed-up:  $(awk -v s="$wall" -v c="$cwall" 'BEGIN { printf "%.1f", s / c }')x (sequential run / concurrent run)"
fi
exit $fails
