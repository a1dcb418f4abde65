#!/bin/sh
# The UI thread while a large sweep streams in (issue #7): ten simulated servers of 100,000
# events each (1,000,000 rows), the real app under Wine with the view (newest first: every batch
# lands all over the list), against the same sweep with no view (rows listed as they arrive:
# ES_BENCH_NO_VIEW=1, the peer). The app times the handling of every message its UI thread takes
# from its queue (ES_BENCH_UI_TIMING, src/win/uitiming.c) and prints the longest, the 99th
# percentile and the median. Goal: under 50 ms.
#
#   sh tests/bench/bench_ui.sh            BENCH_UI_EVENTS=20000 for a quicker run
cd "$(dirname "$0")/../.." || exit 1
ES_ROOT=$(pwd)
. tests/wine-env.sh
EV=${BENCH_UI_EVENTS:-100000}
T=build/test/bench-ui
EXE=build/win/eventsweep.exe
rm -rf $T
mkdir -p $T
[ -f $EXE ] || { echo "FAIL bench-ui: $EXE not built"; exit 1; }
[ -f build/test/wevtapi.dll ] || make -f Makefile.mingw --no-print-directory fake >/dev/null || exit 1
: >$T/fleet.txt
: >$T/servers.txt
for i in 1 2 3 4 5 6 7 8 9 10; do
    echo "sim-ui$i events=$EV span=24 seed=$i" >>$T/fleet.txt
    echo "sim-ui$i" >>$T/servers.txt
done
wine_env_setup bench-ui || { echo "FAIL bench-ui: no Wine prefix"; exit 1; }
trap wine_env_cleanup EXIT INT TERM
xvfb_start || { echo "FAIL bench-ui: no Xvfb"; exit 1; }
export ESFAKE_FLEET=$(wine_path $T/fleet.txt)
run() {  # run NAME [ENV=VALUE]
    _t0=$(date +%s.%N)
    env ES_BENCH_UI_TIMING="$(wine_path $T/$1.txt)" $2 "$WINE" $EXE --servers "$(wine_path $T/servers.txt)" \
        --log System --hours 0 --run --exit >$T/$1.out 2>&1
    _rc=$?
    echo "  $1: exit $_rc after $(awk -v a="$_t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s: $(cat $T/$1.txt 2>/dev/null)"
}
echo "UI thread per message while $((EV * 10)) rows stream in (goal: longest under 50 ms)"
run view
run noview ES_BENCH_NO_VIEW=1
