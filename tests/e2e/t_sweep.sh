#!/bin/sh
# END-TO-END: the real EventSweep (build/win/eventsweep.exe) under Wine and Xvfb against the
# SIMULATED FLEET (test-only wevtapi.dll), driven through its command line:
#   eventsweep.exe --servers LIST --log System --hours 8 --timeout 10 --run
#                  --export ROWS.csv --status STATUS.csv --exit
# tests/e2e/check_sweep.c recomputes from tests/fake/fleetgen.c what every server's window holds
# and checks the two CSV files row by row. Also: exit codes (2 some failed, 0 all ok, 1 bad
# argument), every API handle closed, and a screenshot of the window after a sweep.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir e2e
HOURS=8
TIMEOUT=10

# ---- the checker (native), and its self-test on files written by the core's own exporter
build_checker check_sweep sweep-checker-build
CHECK=build/test/check_sweep

cat >$T/fleet.txt <<'EOF'
# SIMULATED FLEET for tests/e2e/t_sweep.sh (format: tests/fake/README)
sim-ok1    latency=100 events=2000 span=48
sim-ok2    latency=400 events=500 span=12 seed=3 next_latency=5
sim-ok3    latency=20  events=60 span=4 seed=9
sim-big    latency=200 events=20000 span=24 seed=4
sim-deny   deny latency=150
sim-down   down latency=300
sim-brk    break=100 events=1000 span=24 seed=5
sim-noch   nochannel channels=Application,Setup
sim-hang   hang latency=50
sim-hangq  hangquery latency=50
sim-nof    nofilter events=1500 span=72 seed=6
localhost  latency=10 events=100 span=8 seed=8
EOF
printf '%s\r\n' sim-ok1 sim-ok2 sim-ok3 sim-big sim-deny sim-down sim-brk sim-noch sim-hang sim-hangq sim-nof \
    localhost sim-missing >$T/servers.txt
printf '%s\n' sim-ok1 sim-ok2 sim-ok3 sim-nof localhost >$T/healthy.txt

selftest_ok=1
$CHECK --make-expected --fleet $T/fleet.txt --servers $T/servers.txt --hours $HOURS --timeout $TIMEOUT \
    --export $T/self-rows.csv --status $T/self-status.csv || selftest_ok=0
$CHECK --name self --fleet $T/fleet.txt --servers $T/servers.txt --hours $HOURS --timeout $TIMEOUT \
    --export $T/self-rows.csv --status $T/self-status.csv >$T/self.txt 2>&1 || selftest_ok=0
awk 'NR != 40' $T/self-rows.csv >$T/self-bad.csv   # one row missing must be caught
$CHECK --name selfbad --fleet $T/fleet.txt --servers $T/servers.txt --hours $HOURS --timeout $TIMEOUT \
    --export $T/self-bad.csv --status $T/self-status.csv >$T/selfbad.txt 2>&1 && selftest_ok=0
if [ $selftest_ok = 1 ]; then echo "PASS sweep-checker-selftest"; else
    echo "FAIL sweep-checker-selftest: the checker rejects a correct export or accepts a wrong one ($T/self.txt, $T/selfbad.txt)"
    sed 's/^/     /' $T/self.txt | grep -v '^     PASS' | head -20
fi

# the filter options (--levels/--ids/--providers, the oracle for the product's filters): a correct
# filtered export passes, the same files checked without the filter or with another one fail
FILTER="--levels error,warning,audit-success --ids 7000-7040,1000-1010,-7036 --providers"
FPROV="service control manager, Legacy App"
fself_ok=1
$CHECK --make-expected --fleet $T/fleet.txt --servers $T/servers.txt --hours $HOURS --timeout $TIMEOUT $FILTER "$FPROV" \
    --export $T/fself-rows.csv --status $T/fself-status.csv || fself_ok=0
$CHECK --name fself --fleet $T/fleet.txt --servers $T/servers.txt --hours $HOURS --timeout $TIMEOUT $FILTER "$FPROV" \
    --export $T/fself-rows.csv --status $T/fself-status.csv >$T/fself.txt 2>&1 || fself_ok=0
$CHECK --name fselfnone --fleet $T/fleet.txt --servers $T/servers.txt --hours $HOURS --timeout $TIMEOUT \
    --export $T/fself-rows.csv --status $T/fself-status.csv >$T/fselfnone.txt 2>&1 && fself_ok=0
$CHECK --name fselfother --fleet $T/fleet.txt --servers $T/servers.txt --hours $HOURS --timeout $TIMEOUT $FILTER "EventLog" \
    --export $T/fself-rows.csv --status $T/fself-status.csv >$T/fselfother.txt 2>&1 && fself_ok=0
rows=$(grep -c . $T/fself-rows.csv)
if [ $fself_ok = 1 ] && [ "$rows" -gt 20 ]; then echo "PASS sweep-checker-filter-selftest"; else
    echo "FAIL sweep-checker-filter-selftest: the filtered checker rejects a correct export or accepts a wrong one ($rows rows; $T/fself*.txt)"
    sed 's/^/     /' $T/fself.txt | grep -v '^     PASS' | head -20
fi

# ---- the app
need_exe sweep-e2e
need_fake sweep-fake-build
e2e_wine sweep sweep-wine-setup sweep-xvfb
ESFAKE_FLEET=$(wine_path $T/fleet.txt); export ESFAKE_FLEET

# 1. the mixed fleet: some servers fail -> exit 2; every row checked
sweep_app sweep $T/servers.txt $HOURS $TIMEOUT
expect_exit sweep-exit-code-2 2 "some sources failed"
run_checker check_sweep $CHECK --name sweep --fleet $T/fleet.txt --servers $T/servers.txt --hours $HOURS --timeout $TIMEOUT \
    --export $T/sweep-rows.csv --status $T/sweep-status.csv
check_handles sweep
# the sweep must not wait for the hanging servers beyond --timeout (+ margin for Wine start-up)
if awk -v s="$secs" -v t=$TIMEOUT 'BEGIN { exit !(s < t + 25) }'; then echo "PASS sweep-duration"; else
    echo "FAIL sweep-duration: the sweep took $secs s with --timeout $TIMEOUT"; fi

# 2. healthy servers only -> exit 0
sweep_app healthy $T/healthy.txt $HOURS $TIMEOUT
expect_exit healthy-exit-code-0 0
run_checker check_sweep $CHECK --name healthy --fleet $T/fleet.txt --servers $T/healthy.txt --hours $HOURS --timeout $TIMEOUT \
    --export $T/healthy-rows.csv --status $T/healthy-status.csv
check_handles healthy

# 3. a bad argument -> exit 1 (and no window waiting for a click)
timeout -k 5 60 "$WINE" $EXE --servers "$(wine_path $T/healthy.txt)" --hours abc --run --exit >$T/badarg.out 2>&1
rc=$?
if [ $rc = 1 ]; then echo "PASS badarg-exit-code-1"; elif [ $rc = 124 ] || [ $rc = 137 ]; then
    echo "FAIL badarg-exit-code-1: --hours abc did not exit within 60 s (a message box waiting under Xvfb?)"
    wine_kill
else echo "FAIL badarg-exit-code-1: --hours abc exited $rc, expected 1"; fi

# 4. the window after a sweep: run without --exit, wait for the status file, take a screenshot
rm -f $T/shot-status.csv build/test/screenshot.png
"$WINE" $EXE --servers "$(wine_path $T/servers.txt)" --log System --hours $HOURS --timeout $TIMEOUT --run \
    --export "$(wine_path $T/shot-rows.csv)" --status "$(wine_path $T/shot-status.csv)" >$T/shot.out 2>&1 &
app=$!
if wine_wait_file $T/shot-status.csv 90; then
    sleep 2
    import -window root build/test/screenshot.png 2>$T/import.txt
    if kill -0 $app 2>/dev/null; then echo "PASS window-stays-open"; else
        echo "FAIL window-stays-open: without --exit the app ended after the sweep"; fi
    size=$(wc -c <build/test/screenshot.png 2>/dev/null || echo 0)
    colors=$(convert build/test/screenshot.png -format '%k' info: 2>/dev/null || echo 0)
    if [ "$size" -gt 3000 ] && [ "$colors" -gt 8 ]; then echo "PASS screenshot: build/test/screenshot.png ($colors colours)"; else
        echo "FAIL screenshot: build/test/screenshot.png is missing or blank (size $size, $colors colours)"; fi
else
    echo "FAIL window-stays-open: no status file within 90 s of starting the app without --exit"
fi
wine_kill
wait $app 2>/dev/null
exit 0
