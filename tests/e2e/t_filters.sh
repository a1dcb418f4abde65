#!/bin/sh
# END-TO-END: query filters (issue #7) — the real EventSweep under Wine against the SIMULATED
# FLEET (whose fake wevtapi.dll evaluates the event-query XPath subset, Selects and Suppresses)
# and saved .evtx files, driven through the command line:
#   eventsweep.exe --servers LIST --log LOG --hours H --levels L --ids I --providers P --run
#                  --export ROWS.csv --status STATUS.csv --exit
# Each filtered export is checked against an unfiltered export of the same sources by
# tests/e2e/check_subset.c, which applies the filter with its own reference on the CSV's texts:
# exactly the rows it keeps, each once. The fake's query log (ESFAKE_QUERYLOG) shows what each
# server was sent: a plain XPath when it fits in 20 comparisons, a QueryList of several Selects
# for 40 IDs, a Suppress for an exclusion. check_sweep recomputes the rows from the fleet when it
# knows the filter options. Also: a malformed --ids is a usage error (exit 1, the bad item named).
# When the fleet does not evaluate filters (EvtQuery fails 15001), the test SKIPs.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir filters
HOURS=8
TIMEOUT=20

build_checker check_subset filters-checker-build
build_checker check_sweep filters-checker-build
build_checker check_files filters-checker-build
echo "PASS filters-checker-build"
SUBSET=build/test/check_subset

cat >$T/fleet.txt <<'EOF'
# SIMULATED FLEET for tests/e2e/t_filters.sh (format: tests/fake/README)
sim-a    latency=50  events=1500 span=24 seed=21
sim-b    latency=100 events=800  span=12 seed=22
sim-c    latency=20  events=400  span=6  seed=23
EOF
printf '%s\r\n' sim-a sim-b sim-c >$T/servers.txt

need_exe filters-e2e
need_fake filters-fake-build
e2e_wine filters filters-wine-setup filters-xvfb
ESFAKE_FLEET=$(wine_path $T/fleet.txt); export ESFAKE_FLEET
QLOG=$T/querylog.txt
ESFAKE_QUERYLOG=$(wine_path $QLOG); export ESFAKE_QUERYLOG

# run NAME LOG HOURS ARGS...: a sweep of the servers (and any SOURCE in ARGS) with --exit
run() {
    _r_name=$1 _r_log=$2 _r_hours=$3
    shift 3
    : >$QLOG
    run_app $_r_name 180 --servers "$(wine_path $T/servers.txt)" --log $_r_log --hours $_r_hours --timeout $TIMEOUT --run \
        --export "$(wine_path $T/$_r_name-rows.csv)" --status "$(wine_path $T/$_r_name-status.csv)" --exit "$@"
    cp $QLOG $T/$_r_name-queries.txt 2>/dev/null
}

# subset NAME ALL [CHECKER OPTIONS...]: the rows of NAME are those of ALL that the filter keeps
subset() {
    _s_name=$1 _s_all=$2
    shift 2
    run_checker $_s_name $SUBSET --name $_s_name --all $T/$_s_all-rows.csv --got $T/$_s_name-rows.csv "$@"
}

# queries NAME CHECK PATTERN WHY: PASS CHECK when every query NAME's servers got matches PATTERN
# (the coverage reads' "*", the log's oldest record, aside)
queries() {
    if [ -s $T/$1-queries.txt ] && ! cut -f5 $T/$1-queries.txt | grep -vx '\*' | grep -qv -- "$3"; then echo "PASS $2"; else
        echo "FAIL $2: $4; the queries sent:"
        cut -f1,5 $T/$1-queries.txt | head -5 | cut -c1-400 | sed 's/^/     /'
    fi
}

# ---- the servers, unfiltered: the reference
run all System $HOURS
expect_exit all-exit-code-0 0
run_checker all build/test/check_sweep --name all --fleet $T/fleet.txt --servers $T/servers.txt --hours $HOURS \
    --timeout $TIMEOUT --export $T/all-rows.csv --status $T/all-status.csv

# ---- levels only: a plain XPath
run levels System $HOURS --levels error,warning
if [ "$rc" != 0 ] && grep -q '15001' $T/levels-status.csv 2>/dev/null; then
    echo "SKIP t_filters: the simulated fleet does not evaluate filters yet"
    exit 0
fi
expect_exit levels-exit-code-0 0
subset levels all --levels error,warning
queries levels levels-plain-xpath '^\*\[System\[(Level=2 or Level=3) and TimeCreated\[@SystemTime>=' \
    "a plain XPath with the levels and the time was expected"

# check_sweep recomputes the rows from the fleet when it knows the filter options (h-fake)
if build/test/check_sweep --levels error 2>&1 | grep -q 'unknown option'; then
    echo "SKIP filters-fleet-recomputed: check_sweep has no --levels/--ids/--providers yet"
    FLEETCHECK=0
else
    FLEETCHECK=1
    run_checker levels-fleet build/test/check_sweep --name levels-fleet --fleet $T/fleet.txt --servers $T/servers.txt \
        --hours $HOURS --timeout $TIMEOUT --levels error,warning --export $T/levels-rows.csv --status $T/levels-status.csv
fi
fleet_check() {  # fleet_check NAME LOG-ARGS...: check_sweep with filter options, when it has them
    [ $FLEETCHECK = 1 ] || return 0
    _fc_name=$1
    shift
    run_checker $_fc_name-fleet build/test/check_sweep --name $_fc_name-fleet --fleet $T/fleet.txt --servers $T/servers.txt \
        --hours $HOURS --timeout $TIMEOUT "$@" --export $T/$_fc_name-rows.csv --status $T/$_fc_name-status.csv
}

# ---- 40 IDs and two levels: a QueryList of several Selects, each within 20 comparisons
IDS40="7036,7040,7000,7034,1,12,13,16,6005,6006,6008,6009,6013,104,1074,1076,7001,7002,7009,7011,7023,7024,7026,7031,7032,7035,7038,7039,7041,7042,7043,7045,10016,10010,1014,1500,1501,4624,4625,41"
run ids40 System $HOURS --levels information,error --ids "$IDS40"
expect_exit ids40-exit-code-0 0
subset ids40 all --levels information,error --ids "$IDS40"
queries ids40 ids40-querylist '^<QueryList><Query Id="0" Path="System"><Select Path="System">.*</Select><Select Path="System">' \
    "a QueryList with several Selects was expected"
fleet_check ids40 --levels information,error --ids "$IDS40"

# ---- an exclusion only: every event but those, through a Suppress
run excl System $HOURS --ids=-7036,-1-12
expect_exit excl-exit-code-0 0
subset excl all --ids=-7036,-1-12
queries excl excl-suppress '<Suppress Path="System">\*\[System\[(EventID=7036 or (EventID&gt;=1 and EventID&lt;=12))\]\]</Suppress>' \
    "a Suppress of the excluded IDs was expected"
fleet_check excl --ids -7036,-1-12

# ---- providers, in another case than the fleet's
run prov System $HOURS --providers "eventlog, SERVICE CONTROL MANAGER"
expect_exit prov-exit-code-0 0
subset prov all --providers "eventlog, SERVICE CONTROL MANAGER"
queries prov prov-plain-xpath "Provider\[@Name='eventlog' or @Name='SERVICE CONTROL MANAGER'\]" \
    "the providers as Event Viewer writes them were expected"
fleet_check prov --providers "eventlog, SERVICE CONTROL MANAGER"

# ---- audit on the Security log: band(Keywords, ...). The CSV has no keywords: the rows must be
# some of the unfiltered Security rows (check_sweep recomputes them exactly when it can).
run allsec Security $HOURS
expect_exit allsec-exit-code-0 0
run audit Security $HOURS --levels audit-success,audit-failure
expect_exit audit-exit-code-0 0
subset audit allsec --subset-only
queries audit audit-keywords 'band(Keywords,13510798882111488)' "one band() with both audit keywords was expected"
run auditok Security $HOURS --levels audit-success
subset auditok audit --subset-only
fleet_check audit --logs Security --levels audit-success,audit-failure

# ---- the same filters on saved .evtx files (read by our parser: applied while parsing)
$(dirname $SUBSET)/check_files --make-fixtures $T/fx >$T/fixtures.txt 2>&1 || { cat $T/fixtures.txt; echo "FAIL filters-fixtures: check_files --make-fixtures failed"; }
W=$(wine_path $T/fx)
printf '' >$T/noservers.txt
runf() {  # runf NAME ARGS...: the fixture folder, no servers, no time limit
    _rf_name=$1
    shift
    run_app $_rf_name 120 --servers "$(wine_path $T/noservers.txt)" --log System --hours 0 --timeout $TIMEOUT --run \
        --export "$(wine_path $T/$_rf_name-rows.csv)" --status "$(wine_path $T/$_rf_name-status.csv)" --exit "$@" "$W\\logs"
}
runf fall
expect_exit files-all-exit-code-0 0
runf flevels --levels error,warning,critical
subset flevels fall --levels error,warning,critical
runf fids --ids "$IDS40,-7036"
subset fids fall --ids "$IDS40,-7036"
runf fexcl --ids=-7036
subset fexcl fall --ids=-7036
FPROV=$(tr -d '\r' <$T/fall-rows.csv | awk -F, 'NR > 1 && $4 != "" { print $4 }' | sort | uniq -c | sort -n | tail -1 | awk '{ $1 = ""; sub(/^ /, ""); print }')
runf fprov --providers "$FPROV"
subset fprov fall --providers "$FPROV"

# ---- a malformed list: a usage error naming the bad item, exit 1, no window waiting
timeout -k 5 60 "$WINE" $EXE --servers "$(wine_path $T/servers.txt)" --ids 4624,12a --run --exit >$T/badids.out 2>&1
rc=$?
if [ $rc = 1 ]; then echo "PASS badids-exit-code-1"; elif [ $rc = 124 ] || [ $rc = 137 ]; then
    echo "FAIL badids-exit-code-1: --ids 4624,12a did not exit within 60 s (a message box waiting under Xvfb?)"
    wine_kill
else echo "FAIL badids-exit-code-1: --ids 4624,12a exited $rc, expected 1"; fi
if tr -d '\r' <$T/badids.out | grep -qF -- '--ids: "12a" is not an event ID (0-65535) or a range such as 1000-1010.'; then
    echo "PASS badids-message"
else
    echo "FAIL badids-message: the message does not name the bad item: $(tr -d '\r' <$T/badids.out | head -3)"
fi

# ---- custom views (--query FILE): an Event Viewer export, run on every server with the time
# window added to its Select, and on saved logs by our own matcher; the same rows as the
# equivalent filter options
cat >$T/view.xml <<'XEOF'
<ViewerConfig><QueryConfig><QueryParams><UserQuery /></QueryParams><QueryNode><Name>Errors and warnings from the SCM</Name>
<QueryList>
  <Query Id="0" Path="System">
    <Select Path="System">*[System[Provider[@Name='Service Control Manager'] and (Level=2 or Level=3)]]</Select>
  </Query>
</QueryList></QueryNode></QueryConfig></ViewerConfig>
XEOF
run view System $HOURS --query "$(wine_path $T/view.xml)"
expect_exit view-exit-code-0 0
subset view all --levels error,warning --providers "Service Control Manager"
queries view view-went-to-servers "Select Path=\"System\">\*\[System\[Provider\[@Name='Service Control Manager'\] and (Level=2 or Level=3) and TimeCreated\[@SystemTime&gt;=" \
    "each server gets the view's Select with the window inside"
runf fview --query "$(wine_path $T/view.xml)"
subset fview fall --levels error,warning --providers "Service Control Manager"
# a view over two logs is refused at Start with a message that says why; exit 1
printf '%s' '<QueryList><Query Id="0"><Select Path="System">*</Select><Select Path="Application">*</Select></Query></QueryList>' >$T/twologs.xml
run twologs System $HOURS --query "$(wine_path $T/twologs.xml)"
expect_exit twologs-exit-code-1 1 "a view over two logs"
if tr -d '\r' <$T/twologs.out | grep -q 'reads System and Application'; then echo "PASS twologs-message"
else echo "FAIL twologs-message: $(tr -d '\r' <$T/twologs.out | head -3)"; fi
# a malformed view is a usage error naming the file
printf '%s' '*[System//Level=2]' >$T/bad.xml
run_app badview 60 --query "$(wine_path $T/bad.xml)" --run --exit sim-a
expect_exit badview-exit-code-1 1 "a malformed view"
if tr -d '\r' <$T/badview.out | grep -q -- "--query: .*bad.xml.*//"; then echo "PASS badview-message"
else echo "FAIL badview-message: $(tr -d '\r' <$T/badview.out | head -3)"; fi

# ---- the window: a view pasted into Custom view... (Alt+U; Enter is OK) chooses its log in the
# Log box (the app starts on Application) and runs on every server: its export (Ctrl+E) holds the
# rows of the equivalent filter. Then a malformed view: a message box, and the dialog stays open.
if command -v xdotool >/dev/null; then
    : >$QLOG
    "$WINE" $EXE --servers "$(wine_path $T/servers.txt)" --log Application --hours $HOURS --timeout $TIMEOUT >$T/gview.out 2>&1 &
    app=$!
    if main=$(find_window EventSweep 30); then
        sleep 1
        xdotool windowfocus --sync "$main" 2>/dev/null
        xdotool key --clearmodifiers alt+u
        if dlg=$(find_window 'Custom view' 10); then
            xdotool windowfocus --sync "$dlg" 2>/dev/null
            sleep 0.3
            xdotool type --delay 5 "<QueryList><Query Id=\"0\" Path=\"System\"><Select Path=\"System\">*[System[Provider[@Name='Service Control Manager'] and (Level=2 or Level=3)]]</Select></Query></QueryList>"
            xdotool key Return
            sleep 1
            import -window root build/test/filters-view-set.png 2>/dev/null
            xdotool windowfocus --sync "$main" 2>/dev/null
            xdotool key F5
            i=0; while [ "$(wc -l <$QLOG)" -lt 3 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
            sleep 3
            cp $QLOG $T/gview-queries.txt
            queries gview gview-went-to-servers "Select Path=\"System\">\*\[System\[Provider\[@Name='Service Control Manager'\] and (Level=2 or Level=3) and TimeCreated\[@SystemTime&gt;=" \
                "the pasted view, with the window inside, went to every server (and the Log box was set to System)"
            if export_as "$main" $T/gview-rows.csv; then
                i=0; while [ ! -s $T/gview-rows.csv ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
                sleep 0.5
                subset gview all --levels error,warning --providers "Service Control Manager"
            else
                echo "FAIL gview: Ctrl+E opened no Save dialog"
            fi
            # a malformed view: refused with a message naming the construct; the dialog stays
            xdotool windowfocus --sync "$main" 2>/dev/null
            xdotool key --clearmodifiers alt+u
            dlg=$(find_window 'Custom view' 10)
            xdotool windowfocus --sync "$dlg" 2>/dev/null
            sleep 0.3
            xdotool key ctrl+a
            xdotool type --delay 5 "*[System//Level=2]"
            xdotool key Return
            sleep 1
            import -window root build/test/filters-view-refused.png 2>/dev/null
            if find_window EventSweep 3 >/dev/null && [ "$(xdotool search --onlyvisible --name '^EventSweep$' | wc -l)" = 2 ] &&
                find_window 'Custom view' 1 >/dev/null; then
                echo "PASS gui-bad-view-refused (build/test/filters-view-refused.png)"
            else
                echo "FAIL gui-bad-view-refused: no message box over the Custom view dialog"
            fi
        else
            echo "FAIL gview: Alt+U opened no Custom view dialog"
        fi
    else
        echo "FAIL gview: no EventSweep window"
    fi
    wine_kill
    wait $app 2>/dev/null
else
    echo "SKIP gview: xdotool is not installed"
fi

# ---- the window: a malformed Event IDs text typed in the row, then Start (F5): a message box,
# no sweep (the screenshot shows the row, its line naming the bad item, and the box)
if command -v xdotool >/dev/null; then
    "$WINE" $EXE --log System --hours $HOURS --levels error,warning sim-a >$T/gui.out 2>&1 &
    app=$!
    if main=$(find_window EventSweep 30); then
        sleep 1
        xdotool windowfocus --sync "$main" 2>/dev/null
        xdotool key --clearmodifiers alt+d
        sleep 0.3
        xdotool type --delay 20 "4624, 12a"
        sleep 0.3
        xdotool key F5
        sleep 2
        n=$(xdotool search --onlyvisible --name '^EventSweep$' 2>/dev/null | wc -l)
        import -window root build/test/filters-refused.png 2>/dev/null
        if [ "$n" = 2 ]; then echo "PASS gui-bad-ids-refused (build/test/filters-refused.png)"; else
            echo "FAIL gui-bad-ids-refused: no message box after Start with Event IDs \"4624, 12a\" ($n windows)"; fi
    else
        echo "FAIL gui-bad-ids-refused: no EventSweep window"
    fi
    wine_kill
    wait $app 2>/dev/null
else
    echo "SKIP gui-bad-ids-refused: xdotool is not installed"
fi
exit 0
