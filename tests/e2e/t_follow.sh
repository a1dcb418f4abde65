#!/bin/sh
# END-TO-END: live follow (issue #9 item 1) — the real EventSweep under Wine against the SIMULATED
# FLEET's live servers (tests/fake/README "Live servers": rate=, dropafter=/downfor=, maxrecords=),
# checked row by row by tests/e2e/check_follow.c:
#   1. --run --follow-minutes 1 --hours 0 --threads 1 --export --status --exit, four servers:
#        sim-steady  new records at 4/s: rows 1..N once each, N what was written by the end
#        sim-drop    away 10..18 s after the load: rows contiguous across the reconnect, "ok"
#        sim-wrap    200 records/s, away 8..20 s: its log of 2000 records wraps meanwhile: rows 1..a then b..N,
#                    a+1..b-1 exactly the records overwritten, and the status line's Error says
#                    how many (at 200/s the log moves on every 5 ms: a count taken at the wrong
#                    moment is off by a record or two)
#        sim-down    fails 1722 as in a plain sweep: exit code 2
#        sim-quiet   no record when the sweep reads it, then 3/s: following starts from the log's
#                    oldest record (no bookmark to start after), rows 1..N once each
#      With --threads 1 the three live servers all follow: a follower holds no slot.
#   2. --run --follow --export --exit, killed (wineserver -k) after its first minute: the export
#      holds the rows of the piece written at one minute (the new rows go into the file each
#      minute), every record once, none missing up to then.
#   3. --run --follow --exit, Stop (Alt+P) in the window: following ends, the sources are "ok"
#      (error 0), exit code 0 (no server failed).
# About 170 s of wall time.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir follow

build_checker check_follow follow-checker-build
echo "PASS follow-checker-build"
CHECK=build/test/check_follow

cat >$T/fleet.txt <<'EOF'
# SIMULATED FLEET for tests/e2e/t_follow.sh (format: tests/fake/README)
sim-steady   events=40 rate=4 seed=41
sim-drop     events=30 rate=4 dropafter=10 downfor=8 seed=42
sim-wrap     events=20 rate=200 maxrecords=2000 dropafter=8 downfor=12 seed=43
sim-down     down
sim-steady2  events=25 rate=5 seed=44
sim-quiet    events=0 rate=3 seed=45
EOF
printf '%s\r\n' sim-steady sim-drop sim-wrap sim-down sim-quiet >$T/servers.txt
printf '%s\r\n' sim-steady sim-drop sim-wrap >$T/servers-ok.txt
printf '%s\r\n' sim-steady2 sim-steady >$T/gui.txt
printf '%s\r\n' sim-steady2 >$T/kill.txt

need_exe follow-e2e
need_fake follow-fake-build
e2e_wine follow follow-wine-setup follow-xvfb
ESFAKE_FLEET=$(wine_path $T/fleet.txt); export ESFAKE_FLEET

now() { date +%s.%N; }

# ---- 1. one minute of following, from the command line (a screenshot while two servers are away)
(sleep 16; import -window root $T/reconnecting.png 2>/dev/null) &
shot=$!
run_app run 180 --servers "$(wine_path $T/servers.txt)" --log System --hours 0 --timeout 10 --threads 1 \
    --run --follow-minutes 1 --export "$(wine_path $T/run-rows.csv)" --status "$(wine_path $T/run-status.csv)" --exit
end=$(now)
wait $shot
expect_exit run-exit-code-2 2 "sim-down failed"
if awk -v s="$secs" 'BEGIN { exit !(s >= 59 && s < 100) }'; then echo "PASS run-duration: $secs s"; else
    echo "FAIL run-duration: --follow-minutes 1 ran $secs s"; fi
run_checker run $CHECK --name run --fleet $T/fleet.txt --servers $T/servers.txt --export $T/run-rows.csv \
    --status $T/run-status.csv --end "$end" --minutes 1
check_handles run
st=$(tr -d '\r' <$T/run-status.csv 2>/dev/null | sed '1s/^\xEF\xBB\xBF//')
case "$st" in *"sim-down,error,0,1722,"*) echo "PASS run-down-1722" ;;
    *) echo "FAIL run-down-1722: status: $(echo "$st" | tr '\n' ' ')" ;; esac

# the checker must reject the same files made wrong: a row missing, a row twice, no gap said
selftest=1
awk -F, '!($1 == "sim-steady" && $7 == "60")' $T/run-rows.csv >$T/bad1.csv
$CHECK --name bad1 --fleet $T/fleet.txt --servers $T/servers.txt --export $T/bad1.csv --status $T/run-status.csv \
    --end "$end" --minutes 1 >$T/bad1.txt 2>&1 && selftest=0
{ cat $T/run-rows.csv; grep '^sim-drop,' $T/run-rows.csv | sed -n 50p; } >$T/bad2.csv
$CHECK --name bad2 --fleet $T/fleet.txt --servers $T/servers.txt --export $T/bad2.csv --status $T/run-status.csv \
    --end "$end" --minutes 1 >$T/bad2.txt 2>&1 && selftest=0
sed 's/ records were overwritten while it was away//' $T/run-status.csv >$T/bad3.csv
$CHECK --name bad3 --fleet $T/fleet.txt --servers $T/servers.txt --export $T/run-rows.csv --status $T/bad3.csv \
    --end "$end" --minutes 1 >$T/bad3.txt 2>&1 && selftest=0
if [ $selftest = 1 ]; then echo "PASS follow-checker-selftest"; else
    echo "FAIL follow-checker-selftest: a wrong export or status passed ($T/bad[123].txt)"; fi

# ---- 2. killed while following: the export keeps the minute's piece
rm -f $T/kill-rows.csv
"$WINE" $EXE --servers "$(wine_path $T/kill.txt)" --log System --hours 0 --timeout 10 --run --follow \
    --export "$(wine_path $T/kill-rows.csv)" --exit >$T/kill.out 2>&1 &
app=$!
i=0; while [ ! -s $T/kill-rows.csv ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done   # the first piece: 60 s
sleep 2
wine_kill
end=$(now)
wait $app 2>/dev/null
if [ -s $T/kill-rows.csv ]; then
    echo "PASS kill-piece-written: the export existed after $((i / 10)) s of following"
    run_checker kill $CHECK --name kill --fleet $T/fleet.txt --servers $T/kill.txt --export $T/kill-rows.csv --end "$end"
else
    echo "FAIL kill-piece-written: no export after 120 s of following (the rows go into it every minute)"
fi

# ---- 3. --follow until Stop in the window; no server fails: exit 0
command -v xdotool >/dev/null || { echo "FAIL stop: xdotool is not installed"; exit 0; }
rm -f $T/stop-rows.csv $T/stop-status.csv
"$WINE" $EXE --servers "$(wine_path $T/gui.txt)" --log System --hours 0 --timeout 10 --run --follow \
    --export "$(wine_path $T/stop-rows.csv)" --status "$(wine_path $T/stop-status.csv)" --exit >$T/stop.out 2>&1 &
app=$!
main=$(find_window EventSweep 30) || { echo "FAIL stop-window: no EventSweep window"; wine_kill; exit 0; }
sleep 12
import -window root $T/following.png 2>/dev/null
xdotool windowfocus --sync "$main" 2>/dev/null
xdotool key --clearmodifiers alt+p
t0=$(now)
if wait_gone $app 20; then
    wait $app
    rc=$?
    end=$(now)
    took=$(awk -v a="$t0" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
    echo "     stop: the app ended $took s after Stop (exit $rc)"
    expect_exit stop-exit-code-0 0 "Stop ends following as done"
    run_checker stop $CHECK --name stop --fleet $T/fleet.txt --servers $T/gui.txt --export $T/stop-rows.csv \
        --status $T/stop-status.csv --end "$end"
else
    echo "FAIL stop-ends-following: still running 20 s after Stop"
    wine_kill
fi
exit 0
