#!/bin/sh
# END-TO-END: Retry failed (issue #7) — the real EventSweep under Wine against the SIMULATED FLEET,
# whose flaky=N servers fail their first N queries (down, or a connection that breaks after some
# rows) and answer as healthy servers afterwards:
#   --retry N  reads the sources that failed again, up to N times, before --export: exactly the rows
#              check_sweep recomputes for the servers as they were at the last try — a source that
#              broke after 300 rows and was read again holds its rows once, not 300 twice — and only
#              the failed sources are asked again (the fake's query log counts the queries)
#   the button Retry failed (Alt+Y) in the window does the same: its export (Ctrl+E) holds exactly
#              the rows of the command line's --retry 1 run
# The window is "all" (--hours 0): two runs minutes apart read the same records.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir retry
TIMEOUT=20

build_checker check_sweep retry-checker-build
build_checker check_view retry-checker-build
echo "PASS retry-checker-build"

cat >$T/fleet.txt <<'EOF'
# SIMULATED FLEET for tests/e2e/t_retry.sh (format: tests/fake/README)
sim-ok     latency=50 events=500 seed=31
sim-down1  latency=50 events=400 seed=32 down flaky=1
sim-brk1   latency=50 events=900 seed=33 break=300 flaky=1
sim-brk2   latency=50 events=700 seed=34 break=200 flaky=2
sim-deny   latency=50 events=100 seed=35 deny
EOF
printf '%s\r\n' sim-ok sim-down1 sim-brk1 sim-brk2 sim-deny >$T/servers.txt
printf '%s\r\n' sim-ok sim-down1 sim-brk1 >$T/healing.txt

need_exe retry-e2e
need_fake retry-fake-build
e2e_wine retry retry-wine-setup retry-xvfb
ESFAKE_FLEET=$(wine_path $T/fleet.txt); export ESFAKE_FLEET
QLOG=$T/querylog.txt
ESFAKE_QUERYLOG=$(wine_path $QLOG); export ESFAKE_QUERYLOG

# run NAME LIST RETRIES: a sweep of LIST with --retry RETRIES, checked by check_sweep
run() {
    : >$QLOG
    sweep_app $1 $T/$2 0 $TIMEOUT --retry $3
    cp $QLOG $T/$1-queries.txt
    run_checker $1 build/test/check_sweep --name $1 --fleet $T/fleet.txt --servers $T/$2 --hours 0 \
        --timeout $TIMEOUT --retries $3 --export $T/$1-rows.csv --status $T/$1-status.csv
}

# queries NAME SERVER N: PASS when SERVER got exactly N queries in run NAME
queries() {
    _q_n=$(cut -f1 $T/$1-queries.txt | tr -d '\r' | grep -cix "$2")
    if [ "$_q_n" = "$3" ]; then echo "PASS $1-queries-$2"; else
        echo "FAIL $1-queries-$2: $2 was queried $_q_n times, expected $3"; fi
}

# ---- no retry: the flaky servers fail (the reference for what a retry changes)
run retry0 servers.txt 0
expect_exit retry0-exit-code-2 2
queries retry0 sim-ok 1
queries retry0 sim-brk1 1

# ---- one retry: sim-down1 and sim-brk1 are read again and end ok; sim-brk2 breaks again (its
# 200 rows once), sim-deny is refused again; sim-ok is not asked twice
run retry1 servers.txt 1
expect_exit retry1-exit-code-2 2 "sim-brk2 and sim-deny still fail"
queries retry1 sim-ok 1
queries retry1 sim-down1 2
queries retry1 sim-brk1 2
queries retry1 sim-brk2 2
queries retry1 sim-deny 2

# ---- two retries: sim-brk2 too; sim-ok and sim-down1, read by then, are not asked again
run retry2 servers.txt 2
expect_exit retry2-exit-code-2 2 "sim-deny still fails"
queries retry2 sim-ok 1
queries retry2 sim-down1 2
queries retry2 sim-brk2 3
queries retry2 sim-deny 3

# ---- every failure healed by the retry: exit code 0
run healed healing.txt 3
expect_exit healed-exit-code-0 0 "every source ended ok after its retry"
queries healed sim-down1 2

# ---- the window: Retry failed (Alt+Y) after a sweep, then Ctrl+E
command -v xdotool >/dev/null || { echo "FAIL retry-gui: xdotool is not installed"; exit 1; }
: >$QLOG
# The sweep has a filter that keeps every row of this fleet (no event has ID 65535) but shows in
# every query. Before Retry, a Start refused for a malformed ID ("12a") must not change the filter
# the retry sends.
"$WINE" $EXE --servers "$(wine_path $T/servers.txt)" --log System --hours 0 --timeout $TIMEOUT --ids=-65535 \
    --run >$T/gui.out 2>&1 &
app=$!
main=$(find_window EventSweep 20) || { echo "FAIL retry-gui-window: no EventSweep window"; exit 1; }
i=0; while [ "$(wc -l <$QLOG)" -lt 5 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 4   # every source answered (or failed) within a second or two
import -window root $T/gui-before.png 2>/dev/null
xdotool windowfocus --sync "$main" 2>/dev/null
xdotool key --clearmodifiers alt+d ctrl+a
xdotool type --delay 10 "12a"
xdotool key F5
sleep 1.5
import -window root $T/gui-refused.png 2>/dev/null
xdotool key Return   # the refusal's message box
sleep 0.5
xdotool windowfocus --sync "$main" 2>/dev/null
xdotool key --clearmodifiers alt+y
i=0; while [ "$(wc -l <$QLOG)" -lt 9 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 4
import -window root $T/gui-after.png 2>/dev/null
cp $QLOG $T/gui-queries.txt
queries gui sim-ok 1
queries gui sim-brk1 2
_rq=$(grep -i '^sim-brk1' $T/gui-queries.txt | sed -n 2p)
case "$_rq" in
    *65535*) echo "PASS gui-retry-keeps-filter" ;;
    *) echo "FAIL gui-retry-keeps-filter: after a refused Start the retry of sim-brk1 sent: $_rq" ;;
esac
if export_as "$main" $T/gui-rows.csv; then
    i=0; while [ ! -s $T/gui-rows.csv ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    sleep 0.5
    run_checker gui build/test/check_view --name gui --view $T/gui-rows.csv --sort TimeCreated:desc \
        --all $T/retry1-rows.csv
else
    echo "FAIL gui: Ctrl+E opened no Save dialog"
fi
"$WINE" taskkill /im eventsweep.exe >/dev/null 2>&1
wait $app
exit 0   # the app's own exit code (2: sim-deny failed) is not the verdict; the checks above are
