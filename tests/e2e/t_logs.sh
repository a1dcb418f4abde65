#!/bin/sh
# END-TO-END: several logs in one sweep (issue #8) — the real EventSweep under Wine against the
# SIMULATED FLEET with --log "System, Application": every server is read for each log, each
# server and log its own source. check_sweep --logs recomputes every row of every server and log
# (the Log column says which), and one status line per server and log: sim-sys has no
# Application channel (15007 for that log only, its System rows kept), sim-down fails both.
# Then Retry failed reads only the failed server-and-log pairs, and a saved log's rows carry the
# channel of its events in Log (t_files checks every column of the fixture files). The window's
# list has a Log column: --sort Log and --find on it (check_view), and the list itself read
# through tests/win/details_probe.exe against the export of the same window.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir logs
HOURS=8
TIMEOUT=20

build_checker check_sweep logs-checker-build
build_checker check_view logs-checker-build
echo "PASS logs-checker-build"
cat >$T/fleet.txt <<'EOF'
# SIMULATED FLEET for tests/e2e/t_logs.sh (format: tests/fake/README)
sim-a     events=600 span=12 seed=81
sim-b     events=400 span=12 seed=82 latency=150
sim-sys   events=300 span=12 seed=83 channels=System nochannel
sim-down  down
EOF
printf '%s\r\n' sim-a sim-b sim-sys sim-down >$T/servers.txt

need_exe logs-e2e
need_fake logs-fake-build
e2e_wine logs logs-wine-setup logs-xvfb
ESFAKE_FLEET=$(wine_path $T/fleet.txt); export ESFAKE_FLEET
QLOG=$T/querylog.txt
ESFAKE_QUERYLOG=$(wine_path $QLOG); export ESFAKE_QUERYLOG

: >$QLOG
run_app two 180 --servers "$(wine_path $T/servers.txt)" --log "System, Application" --hours $HOURS --timeout $TIMEOUT \
    --run --export "$(wine_path $T/two-rows.csv)" --status "$(wine_path $T/two-status.csv)" --exit
cp $QLOG $T/two-queries.txt
expect_exit two-exit-code-2 2 "sim-sys has no Application log, sim-down is down"
run_checker two build/test/check_sweep --name two --fleet $T/fleet.txt --servers $T/servers.txt --hours $HOURS \
    --timeout $TIMEOUT --logs System,Application --export $T/two-rows.csv --status $T/two-status.csv
n=$(tr -d '\r' <$T/two-status.csv | grep -c ',System$\|,Application$')
if [ "$n" = 8 ]; then echo "PASS two-status-per-server-and-log"; else echo "FAIL two-status-per-server-and-log: $n lines"; fi
# each server was asked for each log (sim-down fails before its query is logged by the fake? no: it is logged)
for s in sim-a sim-b sim-sys; do
    for l in System Application; do
        if cut -f1,2 $T/two-queries.txt | tr -d '\r' | grep -qx "$s	$l"; then :; else echo "FAIL two-query-$s-$l: no query"; fi
    done
done
echo "PASS two-queries-per-log"
check_handles two

# the Log column sorts (then server, then RecordID) and is found by the quick find
run_app bylog 180 --servers "$(wine_path $T/servers.txt)" --log "System, Application" --hours $HOURS --timeout $TIMEOUT \
    --sort Log --run --export "$(wine_path $T/bylog-rows.csv)" --exit
run_checker bylog build/test/check_view --name bylog --view $T/bylog-rows.csv --sort Log --all $T/two-rows.csv
run_app findlog 180 --servers "$(wine_path $T/servers.txt)" --log "System, Application" --hours $HOURS --timeout $TIMEOUT \
    --sort log:desc --find APPLIC --run --export "$(wine_path $T/findlog-rows.csv)" --exit
run_checker findlog build/test/check_view --name findlog --view $T/findlog-rows.csv --sort Log:desc --all $T/two-rows.csv \
    --find applic

# a malformed list is a usage error naming it
run_app badlog 60 --log "System, system" --run --exit sim-a
expect_exit badlog-exit-code-1 1
if tr -d '\r' <$T/badlog.out | grep -q -- '--log: "system" is listed twice'; then echo "PASS badlog-message"
else echo "FAIL badlog-message: $(tr -d '\r' <$T/badlog.out | head -3)"; fi

# the window: the list shows each log's state on the server's line; then Browse... on sim-a
# (the caret's entry) lists its channels, sorted (Application, ForwardedEvents, Security, Setup,
# System); Home selects Application alone, Shift+Down adds ForwardedEvents, Enter writes them
# into the Log box, and F5 reads those two logs (the fake's query log)
if command -v xdotool >/dev/null; then
    rm -f $T/gui-rows.csv
    "$WINE" $EXE --servers "$(wine_path $T/servers.txt)" --log "System, Application" --hours $HOURS --timeout $TIMEOUT \
        --sort Log:desc --run --export "$(wine_path $T/gui-rows.csv)" >$T/gui.out 2>&1 &
    app=$!
    if main=$(find_window EventSweep 30); then
        i=0; while [ ! -s $T/gui-rows.csv ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
        sleep 1
        import -window root build/test/logs-window.png 2>/dev/null
        echo "PASS logs-gui-window (build/test/logs-window.png)"
        # the list as the window shows it: a Log column, each row's log (the export of the same view)
        if "$WINE" build/test/details_probe.exe list EventSweep "$(wine_path $T/gui-list.tsv)" >$T/gui-list.probe 2>&1; then
            run_checker gui-list build/test/check_view --name gui-list --view $T/gui-rows.csv --sort Log:desc \
                --list $T/gui-list.tsv
        else
            echo "FAIL gui-list: the probe could not read the list: $(cat $T/gui-list.probe)"
        fi
        : >$QLOG
        xdotool windowfocus --sync "$main" 2>/dev/null
        xdotool key --clearmodifiers alt+b
        if dlg=$(find_window 'Logs of a server' 15); then
            xdotool windowfocus --sync "$dlg" 2>/dev/null
            sleep 0.5
            import -window root build/test/logs-browse.png 2>/dev/null
            xdotool key Home shift+Down Return
            sleep 0.5
            xdotool windowfocus --sync "$main" 2>/dev/null
            xdotool key F5
            sleep 5
            got=$(cut -f1,2 $QLOG | tr -d '\r' | grep '^sim-a	' | cut -f2 | sort -u | tr '\n' ' ')
            if [ "$got" = "Application ForwardedEvents " ]; then echo "PASS logs-browse-chosen-logs-read"
            else echo "FAIL logs-browse-chosen-logs-read: sim-a was asked for: $got (build/test/logs-browse.png)"; fi
        else
            echo "FAIL logs-browse: no channel list came (build/test/logs-window.png)"
        fi
    else
        echo "FAIL logs-gui-window: no EventSweep window"
    fi
    wine_kill
    wait $app 2>/dev/null

    # column settings saved before the Log column (nine columns, Server first and 90 DLU wide)
    # are kept, and Log comes right after Server at its default width (46 DLU, as Task's);
    # closing saves ten columns
    appdata="$WINEPREFIX/drive_c/users/$(id -un)/AppData/Roaming/EventSweep"
    mkdir -p "$appdata"
    printf 'log=System\r\ncolumns=90:0,72:2,46:1,70:3,34:4,46:5,40:7,70:8,300:6\r\n' >"$appdata/settings.ini"
    "$WINE" $EXE >$T/cols.out 2>&1 &
    app=$!
    if main=$(find_window EventSweep 30); then
        "$WINE" build/test/details_probe.exe columns EventSweep 2>&1 | tr -d '\r' >$T/cols.txt
        col() { awk -v t="$1" -v f="$2" '$1 == t { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }' $T/cols.txt; }
        if [ "$(col Log pos)" = 1 ] && [ "$(col Server pos)" = 0 ] && [ "$(col Log width)" = "$(col Task width)" ] &&
            [ "$(col Server width)" -gt "$(col Source width)" ] && [ "$(col Message pos)" = 7 ] && [ "$(col Computer pos)" = 9 ]; then
            echo "PASS logs-old-column-settings"
        else
            echo "FAIL logs-old-column-settings: $(tr '\n' ';' <$T/cols.txt)"
        fi
        "$WINE" taskkill /im eventsweep.exe >/dev/null 2>&1
        wait_gone $app 20 || wine_kill
        # "width:position" per column in subitem order: Server, Time, Level, Source, Event ID, Task,
        # Record, Computer, Message, Log
        saved=$(tr -d '\r' <"$appdata/settings.ini" | sed -n 's/^columns=//p')
        pos=$(echo "$saved" | tr ',' '\n' | cut -d: -f2 | tr '\n' ' ')
        widths=$(echo "$saved" | tr ',' '\n' | cut -d: -f1 | tr '\n' ' ')
        if [ "$pos" = "0 3 2 4 5 6 8 9 7 1 " ] && [ "$(echo $widths | cut -d' ' -f6)" = "$(echo $widths | cut -d' ' -f10)" ]; then
            echo "PASS logs-column-settings-saved"
        else
            echo "FAIL logs-column-settings-saved: columns=$saved"
        fi
    else
        echo "FAIL logs-old-column-settings: no EventSweep window"
    fi
    wine_kill
    wait $app 2>/dev/null
fi
exit 0
