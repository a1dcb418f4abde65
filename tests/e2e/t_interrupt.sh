#!/bin/sh
# Interrupted scheduled runs keep their data, and an export started by hand during a command-line
# sweep does not disturb it (issue #6, parts 5 and 8).
#
# A scheduled run (--run --export --status --exit) that is asked to close in the middle of its
# sweep — WM_CLOSE (taskkill without /f posts it, as the title bar's X does) or Ctrl+C in the
# console it was started from (tests/win/sendctrl.exe) — stops the sweep, writes the rows and the
# status of what was received (unfinished sources as cancelled, 1223) and exits with code 2. The
# app before this change exited 0 and wrote nothing.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir interrupt
need_exe interrupt
need_fake interrupt
for f in build/test/sendctrl.exe build/test/endsession.exe; do
    [ -f $f ] || make -f Makefile.mingw --no-print-directory $f >/dev/null || { echo "FAIL interrupt: make $f failed"; exit 1; }
done

# sim-slow reads for about 10 s (4000 events, 40 ms per EvtNext of at most 37); sim-quick is done
# at once; sim-hang never sends anything.
cat >$T/fleet.txt <<'FLEET'
sim-slow   latency=100 events=4000 span=8 next_latency=40
sim-quick  events=200 span=8
sim-hang   hang
FLEET
printf 'sim-slow\nsim-quick\nsim-hang\n' >$T/servers.txt
e2e_wine interrupt interrupt interrupt-xvfb
export ESFAKE_FLEET=$(wine_path $T/fleet.txt)

now() { date +%s.%N; }
# run NAME PREFIX...: the scheduled run, started by PREFIX (the loader, or sendctrl and the loader).
run() {
    _n=$1
    shift
    "$@" $EXE --servers "$(wine_path $T/servers.txt)" --log System --hours 8 --timeout 120 --run \
        --export "$(wine_path $T/$_n-rows.csv)" --status "$(wine_path $T/$_n-status.csv)" --exit >$T/$_n.out 2>&1 </dev/null
}
status() { tr -d '\r' <$T/$1-status.csv 2>/dev/null | sed '1s/^\xEF\xBB\xBF//'; }
rows_of() { tr -d '\r' <$T/$1-rows.csv 2>/dev/null | grep -c "^$2,"; }

# check_interrupted NAME RC: the files of an interrupted run and its exit code.
check_interrupted() {
    st=$(status $1)
    slow=$(echo "$st" | awk -F, '$1 == "sim-slow" { print $2 "," $3 "," $4 }')
    slow_rows=$(rows_of $1 sim-slow)
    quick_rows=$(rows_of $1 sim-quick)
    if [ "$2" = 2 ]; then echo "PASS $1-exit-code-2"; else echo "FAIL $1-exit-code-2: exit $2"; fi
    if echo "$st" | grep -q '^sim-quick,ok,[1-9][0-9]*,0,' && echo "$st" | grep -q '^sim-hang,error,0,1223,' &&
        echo "$slow" | grep -q '^error,[1-9][0-9]*,1223$'; then
        echo "PASS $1-status-written: sim-slow $slow"
    else
        echo "FAIL $1-status-written: $(echo "$st" | tr '\n' ' ')"
    fi
    # every row the status counts is in the rows file: nothing received was lost
    if [ "$slow_rows" -gt 0 ] && [ "$slow_rows" = "$(echo "$slow" | cut -d, -f2)" ] &&
        [ "$quick_rows" = "$(echo "$st" | awk -F, '$1 == "sim-quick" { print $3 }')" ]; then
        echo "PASS $1-rows-written: $slow_rows rows of sim-slow, $quick_rows of sim-quick"
    else
        echo "FAIL $1-rows-written: $slow_rows/$quick_rows rows in the file; status: $(echo "$st" | tr '\n' ' ')"
    fi
}

# 1. WM_CLOSE three seconds into the sweep.
run close "$WINE" &
pid=$!
sleep 3
t0=$(now)
"$WINE" taskkill /im eventsweep.exe >/dev/null 2>&1
if ! wait_gone $pid 15; then
    echo "FAIL close-ends: still running 15 s after WM_CLOSE"
    kill $pid
    wait $pid 2>/dev/null
else
    wait $pid
    rc=$?
    echo "     close: ended $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }') s after WM_CLOSE (exit $rc)"
    check_interrupted close $rc
fi

# 2. Ctrl+C in the run's console, three seconds in. Wine 8 delivers a Ctrl+C to the child's own
# process group only (tests/win/t_console.sh), hence --group.
run ctrlc timeout -k 5 60 "$WINE" build/test/sendctrl.exe --group 3000
rc=$?
check_interrupted ctrlc $rc

# 3. The end of the session (log-off), three seconds in: WM_QUERYENDSESSION, then WM_ENDSESSION
# (tests/win/endsession.exe sends both as Windows does). Windows ends the process soon after
# WM_ENDSESSION returns, so the files must be complete at that moment: they are copied then, and
# the copies checked.
run endsess "$WINE" &
pid=$!
sleep 3
timeout -k 5 90 "$WINE" build/test/endsession.exe EventSweep >$T/endsession.out 2>&1
es=$?
cp $T/endsess-rows.csv $T/endsess-snap-rows.csv 2>/dev/null
cp $T/endsess-status.csv $T/endsess-snap-status.csv 2>/dev/null
echo "     $(tr -d '\r' <$T/endsession.out | tr '\n' ' ')"
if [ $es = 0 ]; then echo "PASS endsession-answered"; else echo "FAIL endsession-answered: endsession.exe exited $es"; fi
wait_gone $pid 10 || kill $pid
wait $pid
rc=$?
check_interrupted endsess-snap $rc

# 4. An export started by hand (Ctrl+E, the Save dialog) while a command-line sweep runs: both
# files are written, the command line's with every row of the sweep, and the run's exit code is
# the sweep's (0: every source read).
command -v xdotool >/dev/null || { echo "FAIL manual-export: xdotool is not installed"; exit 0; }
printf 'sim-slow\nsim-quick\n' >$T/healthy.txt
"$WINE" $EXE --servers "$(wine_path $T/healthy.txt)" --log System --hours 8 --timeout 120 --run \
    --export "$(wine_path $T/cli-rows.csv)" --status "$(wine_path $T/cli-status.csv)" --exit >$T/cli.out 2>&1 &
pid=$!
main=$(find_window EventSweep 20)
sleep 2
save=yes
export_as "$main" $T/manual.csv || save=
wait_gone $pid 30 || { kill $pid; echo "FAIL manual-export: the run did not end within 30 s"; }
wait $pid
rc=$?
st=$(status cli)
total=$(echo "$st" | awk -F, 'NR > 1 { n += $3 } END { print n + 0 }')
cli_rows=$(tr -d '\r' <$T/cli-rows.csv 2>/dev/null | grep -c '^sim-')
manual_rows=$(tr -d '\r' <$T/manual.csv 2>/dev/null | grep -c '^sim-')
echo "     manual export during the sweep: $manual_rows rows; the command line's: $cli_rows rows (status: $total); exit $rc"
if [ -z "$save" ]; then
    echo "FAIL manual-export-written: Ctrl+E opened no Save dialog"
elif [ "$manual_rows" -gt 0 ] && [ "$manual_rows" -le "$cli_rows" ]; then
    echo "PASS manual-export-written"
else
    echo "FAIL manual-export-written: $manual_rows rows in $T/manual.csv"
fi
if [ "$rc" = 0 ] && [ "$cli_rows" -gt 0 ] && [ "$cli_rows" = "$total" ] && echo "$st" | grep -q '^sim-slow,ok,' &&
    echo "$st" | grep -q '^sim-quick,ok,'; then
    echo "PASS manual-export-leaves-cli-export-whole"
else
    echo "FAIL manual-export-leaves-cli-export-whole: exit $rc, $cli_rows rows, status: $(echo "$st" | tr '\n' ' ')"
fi
exit 0
