#!/bin/sh
# END-TO-END: coverage (issue #8 item 4) — the real EventSweep under Wine against the SIMULATED
# FLEET, whose first=N servers have lost records 1..N-1 (overwritten when the line says `full`,
# else cleared). For each server the app reads how far back its log reaches (EvtOpenLog +
# EvtGetLogInfo, one EvtQuery oldest first, one EvtNext, the oldest record's TimeCreated) and,
# when the log starts after the window's start, says so in the source's line and in the status
# CSV's last column, Coverage:
#   cov-ok    a normal log older than the window: Coverage empty
#   cov-full  first=2000 full, its oldest record about 4 h old in an 8-hour window: "log starts
#             <the minute of record 2000>: not the whole window (log full: older events
#             overwritten)"
#   cov-clr   first=1800 without full, about 6 h old: "... (the log was cleared or created then)"
#   cov-old   first=500 full, but record 500 is older than the window: covered, Coverage empty
#   cov-deny  access denied: no coverage
#   cov-hang  EvtOpenLog never answers: cancelled at --timeout, the source ok with its rows
# check_sweep recomputes every row (records < first are never returned) and the Coverage column;
# the minute is also checked against the exported row of the oldest record (clock=load: one
# anchor for every query). The fake's query log shows one more EvtQuery per server that was read
# ("*", oldest first) and none with --hours 0; every handle is closed (EvtOpenLog's too). A
# screenshot shows the window's lines.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir coverage
HOURS=8
TIMEOUT=20

build_checker check_sweep coverage-checker-build
echo "PASS coverage-checker-build"
CHECK=build/test/check_sweep

cat >$T/fleet.txt <<'EOF'
# SIMULATED FLEET for tests/e2e/t_coverage.sh (format: tests/fake/README)
cov-ok    latency=50  events=1000 span=48 seed=41 clock=load
cov-full  latency=100 events=2400 span=24 seed=42 clock=load first=2000 full
cov-clr   latency=80  events=2400 span=24 seed=43 clock=load first=1800
cov-old   latency=60  events=2400 span=24 seed=44 clock=load first=500 full
cov-deny  latency=50  deny
cov-hang  latency=50  events=300 span=48 seed=45 hanglog
EOF
printf '%s\r\n' cov-ok cov-full cov-clr cov-old cov-deny >$T/servers.txt   # cov-hang: a sweep of its own

# the checker itself: a correct file passes, one with a wrong minute or reason fails
self_ok=1
$CHECK --make-expected --fleet $T/fleet.txt --servers $T/servers.txt --hours $HOURS --timeout $TIMEOUT \
    --export $T/self-rows.csv --status $T/self-status.csv || self_ok=0
$CHECK --name self --fleet $T/fleet.txt --servers $T/servers.txt --hours $HOURS --timeout $TIMEOUT \
    --export $T/self-rows.csv --status $T/self-status.csv >$T/self.txt 2>&1 || self_ok=0
grep -q '^cov-full,.*log starts .*(log full: older events overwritten)' $T/self-status.csv || self_ok=0
sed 's/(log full: older events overwritten)/(the log was cleared or created then)/' $T/self-status.csv >$T/selfbad-status.csv
$CHECK --name selfbad --fleet $T/fleet.txt --servers $T/servers.txt --hours $HOURS --timeout $TIMEOUT \
    --export $T/self-rows.csv --status $T/selfbad-status.csv >$T/selfbad.txt 2>&1 && self_ok=0
sed 's/^\(cov-ok,.*,\)\(,System\)\r$/\1log starts 2020-01-01 00:00: not the whole window (the log was cleared or created then)\2\r/' \
    $T/self-status.csv >$T/selfbad2-status.csv
$CHECK --name selfbad2 --fleet $T/fleet.txt --servers $T/servers.txt --hours $HOURS --timeout $TIMEOUT \
    --export $T/self-rows.csv --status $T/selfbad2-status.csv >$T/selfbad2.txt 2>&1 && self_ok=0
if [ $self_ok = 1 ]; then echo "PASS coverage-checker-selftest"; else
    echo "FAIL coverage-checker-selftest: the checker rejects correct files or accepts a wrong Coverage ($T/self*.txt)"
    grep -v '^PASS' $T/self.txt | sed 's/^/     /' | head -10
fi

need_exe coverage-e2e
need_fake coverage-fake-build
e2e_wine coverage coverage-wine-setup coverage-xvfb
ESFAKE_FLEET=$(wine_path $T/fleet.txt); export ESFAKE_FLEET
QLOG=$T/querylog.txt
ESFAKE_QUERYLOG=$(wine_path $QLOG); export ESFAKE_QUERYLOG

# status_of NAME SERVER: the server's status line (CR and BOM removed)
# (without its last column, Log: Coverage is then the last; a log name holds no comma)
status_of() { tr -d '\r' <$T/$1-status.csv 2>/dev/null | sed '1s/^\xEF\xBB\xBF//' | grep "^$2," | sed 's/,[^,]*$//'; }
# minute_of NAME SERVER RECORD: the exported row's TimeCreated to the minute, "YYYY-MM-DD HH:MM"
# (Server..RecordID hold no commas; continuation lines of a message never start with the server)
minute_of() {
    tr -d '\r' <$T/$1-rows.csv | awk -F, -v s="$2" -v r="$3" '$1 == s && $7 == r { print substr($2, 1, 10) " " substr($2, 12, 5); exit }'
}
# queries NAME SERVER N: PASS when SERVER got exactly N EvtQuery calls in run NAME
queries() {
    _q_n=$(cut -f1 $T/$1-queries.txt | tr -d '\r' | grep -cx "$2")
    if [ "$_q_n" = "$3" ]; then echo "PASS $1-queries-$2: $3"; else
        echo "FAIL $1-queries-$2: $2 was queried $_q_n times, expected $3"; fi
}

# ---- the sweep: every row and the Coverage column
: >$QLOG
sweep_app cov $T/servers.txt $HOURS $TIMEOUT
cp $QLOG $T/cov-queries.txt
expect_exit cov-exit-code-2 2 "cov-deny failed"
run_checker check_sweep $CHECK --name cov --fleet $T/fleet.txt --servers $T/servers.txt --hours $HOURS --timeout $TIMEOUT \
    --export $T/cov-rows.csv --status $T/cov-status.csv
check_handles cov
if grep -q '^open_logs=0' $T/cov-leaks.txt 2>/dev/null; then echo "PASS cov-log-handles-closed"; else
    echo "FAIL cov-log-handles-closed: $(tr -d '\r' <$T/cov-leaks.txt 2>/dev/null | tr '\n' ' ')"; fi

# the sentences, the minute taken from the exported row of the log's oldest record
full_min=$(minute_of cov cov-full 2000)
clr_min=$(minute_of cov cov-clr 1800)
st=$(status_of cov cov-full)
case "$st" in
    cov-full,ok,*",log starts $full_min: not the whole window (log full: older events overwritten)")
        [ -n "$full_min" ] && echo "PASS cov-full-overwritten: ${st##*,}" || echo "FAIL cov-full-overwritten: no row 2000 exported" ;;
    *) echo "FAIL cov-full-overwritten: \"$st\", expected the log to start $full_min, full" ;;
esac
st=$(status_of cov cov-clr)
case "$st" in
    cov-clr,ok,*",log starts $clr_min: not the whole window (the log was cleared or created then)")
        [ -n "$clr_min" ] && echo "PASS cov-clr-cleared: ${st##*,}" || echo "FAIL cov-clr-cleared: no row 1800 exported" ;;
    *) echo "FAIL cov-clr-cleared: \"$st\", expected the log to start $clr_min, cleared" ;;
esac
for s in cov-ok cov-old; do
    st=$(status_of cov $s)
    case "$st" in
        $s,ok,*,) echo "PASS cov-$s-covered" ;;
        *) echo "FAIL cov-$s-covered: \"$st\", expected ok and an empty Coverage" ;;
    esac
done
st=$(status_of cov cov-deny)
case "$st" in
    cov-deny,error,0,5,*,) echo "PASS cov-deny-nothing-said" ;;
    *) echo "FAIL cov-deny-nothing-said: \"$st\"" ;;
esac
# no record older than the log's oldest (check_sweep's window says the same, row by row)
old=$(tr -d '\r' <$T/cov-rows.csv | awk -F, '($1 == "cov-full" && $7 + 0 < 2000) || ($1 == "cov-clr" && $7 + 0 < 1800) || ($1 == "cov-old" && $7 + 0 < 500)' | wc -l)
if [ "$old" = 0 ]; then echo "PASS cov-gone-records-absent"; else echo "FAIL cov-gone-records-absent: $old rows older than their log"; fi
# one more EvtQuery for each server read: the oldest record's ("*", oldest first)
queries cov cov-ok 2
queries cov cov-full 2
queries cov cov-deny 1
n=$(awk -F'\t' '$5 == "*" && $3 == "0x101"' $T/cov-queries.txt | wc -l)
if [ "$n" = 4 ]; then echo "PASS cov-oldest-queries: 4"; else echo "FAIL cov-oldest-queries: $n queries \"*\" oldest first, expected 4"; fi

# ---- --hours 0: no window start, nothing to cover, no coverage query
: >$QLOG
sweep_app all $T/servers.txt 0 $TIMEOUT
cp $QLOG $T/all-queries.txt
run_checker check_sweep-all $CHECK --name all --fleet $T/fleet.txt --servers $T/servers.txt --hours 0 --timeout $TIMEOUT \
    --export $T/all-rows.csv --status $T/all-status.csv
queries all cov-full 1
check_handles all

# ---- a server whose log never opens (EvtOpenLog waits for ever): the coverage call is timed like
# every other, cancelled at --timeout, and the source still ends ok with all its rows, saying
# nothing about coverage; every handle closed
printf '%s\r\n' cov-ok cov-hang >$T/hang.txt
sweep_app hang $T/hang.txt $HOURS 3
expect_exit hang-exit-code-0 0 "a coverage that cannot be read fails nothing"
run_checker check_sweep-hang $CHECK --name hang --fleet $T/fleet.txt --servers $T/hang.txt --hours $HOURS --timeout 3 \
    --export $T/hang-rows.csv --status $T/hang-status.csv
st=$(status_of hang cov-hang)
secs=$(echo "$st" | awk -F, '{ print $(NF - 1) }')
if echo "$st" | grep -q '^cov-hang,ok,[1-9][0-9]*,0,,[0-9.]*,$' && awk -v s="$secs" 'BEGIN { exit !(s >= 2.5 && s < 6) }'; then
    echo "PASS hang-coverage-timed: ok after $secs s, Coverage empty"
else
    echo "FAIL hang-coverage-timed: \"$st\", expected ok with its rows after about 3 s (--timeout) and no Coverage"
fi
check_handles hang

# ---- the window: the sources' lines after a sweep (the screenshot shows cov-full's and cov-clr's)
rm -f $T/shot-status.csv
"$WINE" $EXE --servers "$(wine_path $T/servers.txt)" --log System --hours $HOURS --timeout $TIMEOUT --run \
    --status "$(wine_path $T/shot-status.csv)" >$T/shot.out 2>&1 &
app=$!
if wine_wait_file $T/shot-status.csv 90; then
    sleep 2
    # cov-full selected: the status bar shows its whole line
    if command -v xdotool >/dev/null && main=$(find_window EventSweep 10); then
        xdotool windowfocus --sync "$main" 2>/dev/null
        xdotool key --clearmodifiers alt+s Home Down
        sleep 1
    fi
    import -window root build/test/coverage.png 2>/dev/null
    colors=$(convert build/test/coverage.png -format '%k' info: 2>/dev/null || echo 0)
    if [ "${colors:-0}" -gt 8 ] && grep -q 'cov-full,ok,.*log starts' $T/shot-status.csv; then
        echo "PASS coverage-window: build/test/coverage.png"
    else
        echo "FAIL coverage-window: screenshot ($colors colours) or status file without the coverage"
    fi
else
    echo "FAIL coverage-window: no status file within 90 s"
fi
wine_kill
wait $app 2>/dev/null
exit 0
