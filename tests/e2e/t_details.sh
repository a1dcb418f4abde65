#!/bin/sh
# The details pane (issue #7): the real window under Wine and Xvfb sweeps a simulated server and
# a saved .evtx file (--run, --hours 0, no --exit: the window stays), then
# tests/win/details_probe.exe selects a row of each as a click would (LVM_SETITEMSTATE) and reads
# the pane back (WM_GETTEXT of its General and XML pages). For each row: the pane answers (not
# "Loading…"), General holds the row's own message (line ends aside) and every data name the XML
# gives with ': ' after it, and XML holds <EventRecordID>N</EventRecordID> for the row's Record.
# Then Enter on the list moves the focus into the pane. Times from selection to answer are
# printed; res/screenshot-details.png is $T/details.png of this run, copied by hand when the pane
# changes.
#
# The server part needs the fake wevtapi.dll to answer *[System[EventRecordID=N]] (branch h-fake);
# a fake that refuses the query (ERROR_EVT_INVALID_QUERY, 15001) makes it SKIP with that reason.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir details
need_exe details
command -v xdotool >/dev/null || { echo "FAIL details: xdotool is not installed"; exit 1; }
need_fake details
PROBE=build/test/details_probe.exe
[ -f $PROBE ] || { echo "FAIL details: $PROBE not built (make -f Makefile.mingw fake)"; exit 1; }
build_checker check_files details-fixtures
build/test/check_files --make-fixtures $T/fx >$T/fixtures.txt 2>&1 || { cat $T/fixtures.txt; echo "FAIL details-fixtures"; exit 1; }
FILE=$(find $T/fx -name a1-apps.evtx | head -1)
[ -f "$FILE" ] || { echo "FAIL details-fixtures: no a1-apps.evtx in $T/fx"; exit 1; }

cat >$T/fleet.txt <<'EOF'
sim-d1   latency=80   events=40 span=24 seed=21 clock=load
sim-slow latency=6000 events=5  span=24 seed=22 clock=load
EOF
e2e_wine details details details
export ESFAKE_FLEET=$(wine_path $T/fleet.txt)

# The time Wine takes to close an idle window, for the close during a fetch below.
"$WINE" $EXE --log System sim-d1 >$T/idle.out 2>&1 &
idle=$!
find_window EventSweep 20 >/dev/null || { echo "FAIL details-window: no EventSweep window"; exit 1; }
sleep 1
t0=$(date +%s.%N)
"$WINE" taskkill /im eventsweep.exe >/dev/null 2>&1
wait $idle
idle_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
wait_gone $idle 10

mkdir -p $T/gone && cp "$FILE" $T/gone/z9-gone.evtx   # deleted after the sweep, before it is selected
ESFAKE_LEAKS=$(wine_path $T/leaks.txt) "$WINE" $EXE --log System --hours 0 --run sim-d1 sim-slow "$(wine_path $FILE)" \
    "$(wine_path $T/gone/z9-gone.evtx)" >$T/app.out 2>&1 &
app=$!
main=$(find_window EventSweep 20) || { echo "FAIL details-window: no EventSweep window"; exit 1; }
sleep 7   # the sweep: 40 + 5 server events (sim-slow takes 6 s to connect) and two files of ten

# check NAME SERVER SOURCE [server]: selects the first row of SERVER from SOURCE and checks the
# pane; sets ok=1 when it passed
check() {
    _name=$1
    "$WINE" $PROBE select EventSweep "$2" "$(wine_path $T/$_name)" "$3" >$T/$_name.probe 2>&1
    _rc=$?
    tr -d '\r' <$T/$_name.probe | grep -v '^selected' | sed 's/^/     /'
    ms=$(tr -d '\r' <$T/$_name.probe | sed -n 's/^row=[0-9]* ms=\([0-9]*\)$/\1/p')
    ok=0
    if [ $_rc != 0 ]; then
        echo "FAIL $_name-answers: the probe exited $_rc (pane: $(tr '\r\n' '  ' <$T/$_name-general.txt 2>/dev/null | cut -c1-300))"
        return
    fi
    record=$(sed -n 1p $T/$_name-row.txt)
    message=$(sed -n 2p $T/$_name-row.txt)
    flat=$(tr '\r\n\t' '   ' <$T/$_name-general.txt)
    _why=""
    case "$flat" in *"$message"*) ;; *) _why="$_why; the row's message [$message] is not in General" ;; esac
    grep -q "<EventRecordID>$record</EventRecordID>" $T/$_name-xml.txt || _why="$_why; no <EventRecordID>$record</EventRecordID> in XML"
    names=$(sed -n "s/.*<Data Name=[\"']\([^\"']*\)[\"'].*/\1/p" $T/$_name-xml.txt)
    [ -n "$names" ] || _why="$_why; the XML names no data"
    for n in $names; do
        grep -q "^  $n: " $T/$_name-general.txt || _why="$_why; data name $n not in General"
    done
    if [ -n "$_why" ] && [ "${4:-}" = server ] && grep -q '(15001)' $T/$_name-general.txt; then
        echo "SKIP $_name-pane: the fake wevtapi.dll refuses *[System[EventRecordID=N]] (15001): it needs branch h-fake (answered in $ms ms)"
    elif [ -z "$_why" ]; then
        echo "PASS $_name-pane: record $record, $(echo $names | wc -w) data names, message and XML, in $ms ms"
        ok=1
    else
        echo "FAIL $_name-pane${_why#;}"
    fi
}

check details-file a1-apps.evtx 'Service Control Manager'
import -window root $T/file.png 2>/dev/null
check details-server sim-d1 'Service Control Manager' server
import -window root $T/server.png 2>/dev/null
import -window "$main" $T/details.png 2>/dev/null   # the window alone: res/screenshot-details.png

# Enter on the list focuses the pane (the dialog would otherwise press Start).
xdotool windowfocus --sync "$main" 2>/dev/null
"$WINE" $PROBE focus EventSweep >/dev/null 2>&1
xdotool key --clearmodifiers alt+l; sleep 0.2   # somewhere else first: the log box
"$WINE" $PROBE select EventSweep a1-apps.evtx "$(wine_path $T/again)" >/dev/null 2>&1
xdotool key Tab Tab Tab Tab >/dev/null 2>&1
focus=""
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    f=$("$WINE" $PROBE focus EventSweep 2>/dev/null | tr -d '\r' | sed -n 's/^focus=//p')
    [ "$f" = 1015 ] && break
    xdotool key Tab; sleep 0.1
done
if [ "$f" = 1015 ]; then
    xdotool key Return; sleep 0.5
    focus=$("$WINE" $PROBE focus EventSweep 2>/dev/null | tr -d '\r' | sed -n 's/^focus=//p')
    if [ "$focus" = 1251 ] || [ "$focus" = 1252 ]; then echo "PASS details-enter-focuses-pane"
    else echo "FAIL details-enter-focuses-pane: the focus is on control $focus after Enter"; fi
else
    echo "FAIL details-enter-focuses-pane: Tab never reached the results list (focus $f)"
fi
import -window root $T/enter.png 2>/dev/null

# A saved log deleted since the sweep: the pane says why it has no details.
rm -f $T/gone/z9-gone.evtx
"$WINE" $PROBE select EventSweep z9-gone.evtx "$(wine_path $T/gone)" >$T/gone.probe 2>&1
if grep -q 'The file could not be read: .*(2)' $T/gone-general.txt 2>/dev/null; then
    echo "PASS details-error-shown: $(head -1 $T/gone-general.txt | tr -d '\r')"
else
    echo "FAIL details-error-shown: the pane says [$(head -1 $T/gone-general.txt 2>/dev/null | tr -d '\r')]"
fi

# Holding Down through ten rows: one fetch at a time (each new selection cancels the one in
# flight and replaces the queued one), and the pane ends on the last row.
"$WINE" $PROBE burst EventSweep sim-d1 "$(wine_path $T/burst)" 10 >$T/burst.probe 2>&1
brc=$?
record=$(sed -n 1p $T/burst-row.txt 2>/dev/null)
if [ $brc = 0 ] && grep -q "<EventRecordID>$record</EventRecordID>" $T/burst-xml.txt; then
    echo "PASS details-burst-shows-last: record $record after 10 selections, $(tr -d '\r' <$T/burst.probe | grep '^row=')"
else
    echo "FAIL details-burst-shows-last: probe exit $brc, pane XML has $(grep -o '<EventRecordID>[0-9]*' $T/burst-xml.txt 2>/dev/null), last row's record $record"
fi

# Closing while a fetch waits for a slow server (6 s to connect): the fetch is cancelled
# (EvtCancel on its session) and the window goes at once.
"$WINE" $PROBE select EventSweep sim-slow "$(wine_path $T/slow)" >$T/slow.probe 2>&1 &
probe=$!
i=0; while ! grep -q selected $T/slow.probe 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.3
t0=$(date +%s.%N)
"$WINE" taskkill /im eventsweep.exe >/dev/null 2>&1
wait $app
close_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
wait $probe
extra=$(awk -v s="$close_s" -v i="$idle_s" 'BEGIN { printf "%.1f", s - i }')
if awk -v e="$extra" 'BEGIN { exit !(e <= 1.0) }'; then
    echo "PASS details-close-during-fetch: closed in $close_s s, $extra s more than an idle window ($idle_s s)"
else
    echo "FAIL details-close-during-fetch: $close_s s, $extra s more than an idle window ($idle_s s; allowed 1.0)"
fi
check_handles details $T/leaks.txt
conc=$(tr -d '\r' <$T/leaks.txt 2>/dev/null | sed -n 's/^max_concurrent_queries=//p')
queries=$(tr -d '\r' <$T/leaks.txt 2>/dev/null | sed -n 's/^queries=//p')
# the sweep's two queries run together; after it, the fetches one at a time
if [ -n "$conc" ] && [ "$conc" -le 2 ]; then echo "PASS details-one-fetch-at-a-time: $queries queries, at most $conc at once"
else echo "FAIL details-one-fetch-at-a-time: $queries queries, $conc at once"; fi
