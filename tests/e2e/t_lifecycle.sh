#!/bin/sh
# END-TO-END: the sweep's lifecycle (issue #6), the real eventsweep.exe under Wine against the
# SIMULATED FLEET (tests/fake/README), each run a scheduled one (--run --export --status --exit)
# checked row by row by tests/e2e/check_sweep.c:
#   1. hang    servers that never answer again (stuck=N: EvtNext never returns, EvtCancel or
#              not; stuckformat=N: EvtFormatMessage never returns) cannot hold the run: the
#              process ends about --timeout + 1.5 s (SWEEP_CANCEL_GRACE_MS) after their last
#              answer, exit 2, and the rows they had returned are kept (the supervisor takes the
#              half-filled batch). The app before the new lifecycle (8f6c698^) waited for the
#              threads forever: killed at the limit here, no files.
#   2. steady  a source that answers slowly but steadily (0.4 s per EvtNext) reads longer than
#              --timeout in all and still ends ok: the limit is per call. The app before cut it
#              at --timeout (1460). --max-seconds caps a source's whole time (unknown option
#              before: exit 1).
#   3. window  one absolute window for every source: with --threads 1, servers queried seconds
#              after the sweep's start give exactly their records of the last hour, counted from
#              the start (clock=load edge=1 step=500: records 250 ms .. 9.75 s either side of
#              the boundary). The app before asked timediff() from each query's own time and lost
#              the oldest younger records of the late servers.
#   4. names   single-label host names of 16..63 characters are accepted and swept (the app
#              before cf2b69a refused them as too long for NetBIOS: exit 1).
#   5. budget  --max-rows: exactly that many rows, the sources that had not finished end in
#              error 8 saying the row limit was reached (and how many rows were lost), the
#              status's Events match the rows (unknown option before: exit 1).
# ES_EXE=path runs it against another build.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir lifecycle
# say WORDS...: one line, backslashes as they are (the app's paths and messages)
say() { printf '%s\n' "$*"; }

build_checker check_sweep lifecycle-checker-build
CHECK=build/test/check_sweep

cat >$T/fleet.txt <<'EOF'
# SIMULATED FLEET for tests/e2e/t_lifecycle.sh (format: tests/fake/README)
# 1. hang: healthy servers, and two that stop answering for good
sim-h1        latency=100 events=3000 span=48 seed=11
sim-h2        latency=300 events=2000 span=24 seed=12 next_latency=2
sim-h3        latency=20  events=1500 span=60 seed=13
sim-stuck120  stuck=120 events=2000
sim-stuckfmt  stuckformat=50
# 2. steady: about 0.4 s for each batch of at most 37 events
sim-steady    events=300 next_latency=400 seed=14
# 3. window: records around the 1-hour boundary of the DLL's load
sim-edge1     latency=800 clock=load edge=1 step=500 events=40 seed=31
sim-edge2     latency=800 clock=load edge=1 step=500 events=40 seed=32
sim-edge3     latency=800 clock=load edge=1 step=500 events=40 seed=33
sim-edge4     latency=800 clock=load edge=1 step=500 events=40 seed=34
sim-edge5     latency=800 clock=load edge=1 step=500 events=40 seed=35
# 4. names: single-label names longer than NetBIOS's 15 characters
webserver-frontend01  events=500 span=24 seed=21
ok1000-n200-l250      events=300 span=12 seed=22
# 5. budget
sim-rows1     events=2000 span=24 seed=41 next_latency=2
sim-rows2     events=2000 span=24 seed=42 next_latency=2
sim-rows3     events=2000 span=24 seed=43 next_latency=2
# 6. memory: the same budget in megabytes
sim-mem1      events=4000 span=24 seed=51 next_latency=2
sim-mem2      events=4000 span=24 seed=52 next_latency=2
sim-mem3      events=4000 span=24 seed=53 next_latency=2
EOF
printf '%s\r\n' sim-h1 sim-h2 sim-h3 sim-stuck120 sim-stuckfmt >$T/hang.txt
printf '%s\n' sim-steady >$T/steady.txt
printf '%s\n' sim-edge1 sim-edge2 sim-edge3 sim-edge4 sim-edge5 >$T/window.txt
printf '%s\n' webserver-frontend01 ok1000-n200-l250 >$T/names.txt
printf '%s\n' sim-rows1 sim-rows2 sim-rows3 >$T/budget.txt
printf '%s\n' sim-mem1 sim-mem2 sim-mem3 >$T/memory.txt
ALL=72   # --hours that holds every record of every spread server (span <= 60)
HANG_TIMEOUT=3

# check NAME LIST HOURS TIMEOUT [CHECKER OPTIONS...]: check_sweep on the files of run NAME
check() {
    _c_name=$1 _c_list=$2 _c_hours=$3 _c_timeout=$4
    shift 4
    run_checker check_sweep-$_c_name $CHECK --name $_c_name --fleet $T/fleet.txt --servers $_c_list --hours $_c_hours \
        --timeout $_c_timeout --export $T/$_c_name-rows.csv --status $T/$_c_name-status.csv "$@"
}

# ---- the checker's own expectations for this fleet: what a correct app writes passes, a wrong
# file fails (no app needed)
selftest_ok=1
selftest() {   # selftest NAME LIST HOURS TIMEOUT [OPTIONS]: make the files, check them
    _s_name=$1 _s_list=$2 _s_hours=$3 _s_timeout=$4
    shift 4
    $CHECK --make-expected --fleet $T/fleet.txt --servers $_s_list --hours $_s_hours --timeout $_s_timeout \
        --export $T/self-$_s_name-rows.csv --status $T/self-$_s_name-status.csv "$@" || selftest_ok=0
    $CHECK --name self-$_s_name --fleet $T/fleet.txt --servers $_s_list --hours $_s_hours --timeout $_s_timeout \
        --export $T/self-$_s_name-rows.csv --status $T/self-$_s_name-status.csv "$@" >$T/self-$_s_name.txt 2>&1 ||
        { selftest_ok=0; echo "     self-test $_s_name rejected a correct file:"; grep -v '^PASS' $T/self-$_s_name.txt | head -5; }
}
selftest hang $T/hang.txt $ALL $HANG_TIMEOUT
selftest steady $T/steady.txt $ALL 2
selftest cap $T/steady.txt $ALL 10 --max-seconds 2
selftest window $T/window.txt 1 10
selftest budget $T/budget.txt $ALL 10 --max-rows 1000
# wrong files must fail: sim-stuck120 without its 120th row, a sim-stuckfmt row twice, 999 budget rows
mut() {   # mut NAME LIST HOURS TIMEOUT ROWS.csv [OPTIONS]: the check must fail
    _m_name=$1 _m_list=$2 _m_hours=$3 _m_timeout=$4 _m_rows=$5
    shift 5
    if $CHECK --name mut --fleet $T/fleet.txt --servers $_m_list --hours $_m_hours --timeout $_m_timeout --export $_m_rows \
        --status $T/self-$_m_name-status.csv "$@" >$T/mut.txt 2>&1; then
        selftest_ok=0
        echo "     self-test: $_m_rows was accepted"
    fi
}
# drop_record FILE SERVER: FILE without SERVER's last record (all its physical lines)
drop_record() {
    awk -v s="$2" '/^(sim-[a-z0-9]*|webserver-frontend01|ok1000-n200-l250),20[0-9][0-9]-/ { n++ } { line[NR] = $0; rec[NR] = n }
        $0 ~ "^" s ",20" { last = n } END { for (i = 1; i <= NR; i++) if (rec[i] != last) print line[i] }' "$1"
}
# dup_record FILE SERVER: FILE with SERVER's first record twice
dup_record() {
    awk -v s="$2" '/^(sim-[a-z0-9]*|webserver-frontend01|ok1000-n200-l250),20[0-9][0-9]-/ { n++ } { line[NR] = $0; rec[NR] = n }
        $0 ~ "^" s ",20" && !first { first = n } END { for (i = 1; i <= NR; i++) print line[i];
        for (i = 1; i <= NR; i++) if (rec[i] == first) print line[i] }' "$1"
}
drop_record $T/self-hang-rows.csv sim-stuck120 >$T/self-mut1.csv     # its 120th row missing
mut hang $T/hang.txt $ALL $HANG_TIMEOUT $T/self-mut1.csv
dup_record $T/self-hang-rows.csv sim-stuckfmt >$T/self-mut2.csv      # a row twice
mut hang $T/hang.txt $ALL $HANG_TIMEOUT $T/self-mut2.csv
drop_record $T/self-budget-rows.csv sim-rows1 >$T/self-mut3.csv      # 999 rows
mut budget $T/budget.txt $ALL 10 $T/self-mut3.csv --max-rows 1000
if [ $selftest_ok = 1 ]; then echo "PASS lifecycle-checker-selftest"; else
    say "FAIL lifecycle-checker-selftest: the checker rejects a correct export or accepts a wrong one ($T/self-*.txt)"; fi

# ---- the app
need_exe lifecycle-e2e
need_fake lifecycle-fake-build
e2e_wine lifecycle lifecycle-wine-setup lifecycle-xvfb
ESFAKE_FLEET=$(wine_path $T/fleet.txt); export ESFAKE_FLEET

# lc_run NAME LIMIT LIST HOURS TIMEOUT [ARGS...]: a scheduled run (run_app: killed after LIMIT s)
lc_run() {
    _l_name=$1 _l_limit=$2 _l_list=$3 _l_hours=$4 _l_timeout=$5
    shift 5
    run_app $_l_name $_l_limit --servers "$(wine_path $_l_list)" --log System --hours $_l_hours --timeout $_l_timeout \
        --run --export "$(wine_path $T/$_l_name-rows.csv)" --status "$(wine_path $T/$_l_name-status.csv)" --exit "$@"
    if [ $rc = 124 ] || [ $rc = 137 ]; then
        echo "     $_l_name: killed after $_l_limit s"
        wine_kill
    fi
}
# status_of NAME SERVER: the server's status line (CSV, CR and BOM removed)
status_of() { [ -f $T/$1-status.csv ] && tr -d '\r' <$T/$1-status.csv | sed '1s/^\xEF\xBB\xBF//' | grep "^$2,"; }
# rows_of NAME SERVER: its rows in the export (records begin with the server and the year)
rows_of() {
    if [ -f $T/$1-rows.csv ]; then tr -d '\r' <$T/$1-rows.csv | grep -c "^$2,20[0-9][0-9]-"; else echo 0; fi
}
# seconds_of NAME SERVER: the Seconds column (the third from last: Coverage and Log, which have no comma, follow)
seconds_of() { status_of $1 $2 | awk -F, '{ print $(NF - 2) }'; }
# record_ids NAME SERVER: its RecordIDs, sorted, space-separated (the 7th field: no commas before it)
record_ids() {
    [ -f $T/$1-rows.csv ] && tr -d '\r' <$T/$1-rows.csv | grep "^$2,20[0-9][0-9]-" | cut -d, -f7 | sort -n | tr '\n' ' ' | sed 's/ $//'
}

# 1. hang: two sources that never answer again cannot hold the scheduled run
lc_run hang $((HANG_TIMEOUT + 25)) $T/hang.txt $ALL $HANG_TIMEOUT
hang_secs=$secs
expect_exit hang-exit-code-2 2 "sim-stuck120 and sim-stuckfmt timed out"
if awk -v s="$secs" -v t=$HANG_TIMEOUT 'BEGIN { exit !(s < t + 6) }'; then
    echo "PASS hang-wall-time: the run ended after $secs s with --timeout $HANG_TIMEOUT (limit $((HANG_TIMEOUT + 6)) s)"
else
    say "FAIL hang-wall-time: the run took $secs s with --timeout $HANG_TIMEOUT, expected < $((HANG_TIMEOUT + 6)) s" \
        "(timeout + 1.5 s grace + Wine's start and exit)"
fi
check hang $T/hang.txt $ALL $HANG_TIMEOUT
s120=$(status_of hang sim-stuck120)
sfmt=$(status_of hang sim-stuckfmt)
r120=$(rows_of hang sim-stuck120)
rfmt=$(rows_of hang sim-stuckfmt)
ids120=$(record_ids hang sim-stuck120)
idsfmt=$(record_ids hang sim-stuckfmt)
if say "$s120" | grep -q '^sim-stuck120,error,120,1460,' && [ "$r120" = 120 ] && [ "$ids120" = "$(seq -s ' ' 1 120)" ]; then
    echo "PASS hang-stuck-rows-kept: sim-stuck120 error 1460 after $(seconds_of hang sim-stuck120) s with records 1..120"
else
    say "FAIL hang-stuck-rows-kept: sim-stuck120: status \"$s120\", $r120 rows in the export (records ${ids120:-none})," \
        "expected error,120,1460 and records 1..120"
fi
if say "$sfmt" | grep -q '^sim-stuckfmt,error,50,1460,' && [ "$rfmt" = 50 ] && [ "$idsfmt" = "$(seq -s ' ' 1 50)" ]; then
    echo "PASS hang-stuckformat-rows-kept: sim-stuckfmt error 1460 after $(seconds_of hang sim-stuckfmt) s with records 1..50"
else
    say "FAIL hang-stuckformat-rows-kept: sim-stuckfmt: status \"$sfmt\", $rfmt rows in the export (records ${idsfmt:-none})," \
        "expected error,50,1460 and records 1..50 (the batch half filled when EvtFormatMessage never returned)"
fi
# reported about --timeout + the 1.5 s grace after the last answer: not much later
late=0
for s in sim-stuck120 sim-stuckfmt; do
    v=$(seconds_of hang $s)
    awk -v v="${v:-0}" -v t=$HANG_TIMEOUT 'BEGIN { exit !(v >= t && v <= t + 1.5 + 2) }' || late="$late $s:${v:-none}"
done
if [ "$late" = 0 ]; then
    echo "PASS hang-reported-in-time: Seconds $(seconds_of hang sim-stuck120) and $(seconds_of hang sim-stuckfmt)" \
        "(--timeout $HANG_TIMEOUT + 1.5 s grace)"
else
    say "FAIL hang-reported-in-time: Seconds${late#0} with --timeout $HANG_TIMEOUT, expected $HANG_TIMEOUT .. $HANG_TIMEOUT + 3.5 s"
fi

# 2. steady: slow answers, each well within --timeout, longer than it in all: ok, every row
lc_run steady 60 $T/steady.txt $ALL 2
expect_exit steady-exit-code-0 0 "a source that keeps answering is not timed out"
check steady $T/steady.txt $ALL 2
check_handles steady
st=$(status_of steady sim-steady)
steady_secs=$(seconds_of steady sim-steady)
if say "$st" | grep -q '^sim-steady,ok,300,0,' && awk -v v="${steady_secs:-0}" 'BEGIN { exit !(v > 2) }'; then
    echo "PASS steady-past-timeout: sim-steady read its 300 events in $steady_secs s with --timeout 2 (0.4 s per answer)"
else
    say "FAIL steady-past-timeout: sim-steady \"$st\", expected ok with 300 events after more than --timeout 2 s"
fi
# --max-seconds caps the whole: cut after about 2 s, the rows read so far kept
lc_run cap 60 $T/steady.txt $ALL 10 --max-seconds 2
expect_exit cap-exit-code-2 2 "the capped source failed"
check cap $T/steady.txt $ALL 10 --max-seconds 2
check_handles cap
st=$(status_of cap sim-steady)
cap_secs=$(seconds_of cap sim-steady)
cap_rows=$(rows_of cap sim-steady)
if say "$st" | grep -q "^sim-steady,error,$cap_rows,1460," && [ "$cap_rows" -gt 0 ] && [ "$cap_rows" -lt 300 ] &&
    awk -v v="${cap_secs:-0}" 'BEGIN { exit !(v >= 1.5 && v <= 5) }'; then
    echo "PASS cap-max-seconds: sim-steady cut after $cap_secs s with --max-seconds 2, $cap_rows of 300 rows kept"
else
    say "FAIL cap-max-seconds: sim-steady \"$st\", $cap_rows rows in the export; expected error 1460 after about 2 s with 1..299 rows"
fi

# 3. window: one absolute window; the late servers give the same records as the first
lc_run window 60 $T/window.txt 1 10 --threads 1
expect_exit window-exit-code-0 0
check window $T/window.txt 1 10
check_handles window
bad=
for s in sim-edge1 sim-edge2 sim-edge3 sim-edge4 sim-edge5; do
    ids=$(record_ids window $s)
    [ "$ids" = "$(seq -s ' ' 21 40)" ] || bad="$bad $s has [${ids:-none}];"
done
if [ -z "$bad" ]; then
    echo "PASS window-late-servers: records 21..40 from each of 5 servers queried one after another (--threads 1, 0.8 s to connect to each)"
else
    say "FAIL window-late-servers:$bad expected records 21..40 (the last hour from the sweep's start) from each"
fi

# 4. names: long single-label host names
lc_run names 60 $T/names.txt $ALL 10
expect_exit names-exit-code-0 0 "long single-label names are valid"
check names $T/names.txt $ALL 10
s1=$(status_of names webserver-frontend01)
s2=$(status_of names ok1000-n200-l250)
if say "$s1" | grep -q '^webserver-frontend01,ok,500,0,' && say "$s2" | grep -q '^ok1000-n200-l250,ok,300,0,'; then
    echo "PASS names-long-single-label: webserver-frontend01 and ok1000-n200-l250 swept"
else
    say "FAIL names-long-single-label: status \"$s1\" / \"$s2\" (exit $rc: $(tr -d '\r' <$T/names.out | head -3 | tr '\n' ' '))"
fi

# 5. budget: --max-rows 1000 of 6000
lc_run budget 60 $T/budget.txt $ALL 10 --max-rows 1000
expect_exit budget-exit-code-2 2 "the row limit stopped sources"
check budget $T/budget.txt $ALL 10 --max-rows 1000
check_handles budget
total=$([ -f $T/budget-rows.csv ] && tr -d '\r' <$T/budget-rows.csv | grep -c '^sim-rows[0-9],20[0-9][0-9]-')
bad=
for s in sim-rows1 sim-rows2 sim-rows3; do
    st=$(status_of budget $s)
    n=$(rows_of budget $s)
    say "     budget: $st ($n rows in the export)"
    say "$st" | grep -q "^$s,error,$n,8,\"\{0,1\}Reading stopped: the row limit (1000 rows) was reached" || bad="$bad $s"
done
if [ "$total" = 1000 ] && [ -z "$bad" ]; then
    echo "PASS budget-row-limit: 1000 rows; every source stopped with error 8 and the row limit in words, Events = its rows"
else
    say "FAIL budget-row-limit: $total rows (expected 1000); wrong status for:${bad:- none}"
fi

# 6. memory: --max-memory 1 (MB) of rows: reading stops, what was received stays and is exported;
# each source either finished before (ok, every row) or ends in error 8 with the limit in words
lc_run memory 60 $T/memory.txt $ALL 10 --max-memory 1
expect_exit memory-exit-code-2 2 "the memory limit stopped sources"
check_handles memory
total=0
stopped=0
bad=
for s in sim-mem1 sim-mem2 sim-mem3; do
    st=$(status_of memory $s)
    n=$(rows_of memory $s)
    total=$((total + n))
    say "     memory: $st ($n rows in the export)"
    if say "$st" | grep -q "^$s,error,$n,8,\"\{0,1\}Reading stopped: the memory limit for rows (1 MB) was reached"; then
        stopped=$((stopped + 1))
    elif ! say "$st" | grep -q "^$s,ok,4000,0," || [ "$n" != 4000 ]; then
        bad="$bad $s"
    fi
done
if [ $stopped -gt 0 ] && [ -z "$bad" ] && [ $total -lt 12000 ]; then
    echo "PASS memory-budget: $total of 12000 rows kept; $stopped sources stopped with error 8 and the limit in words"
else
    say "FAIL memory-budget: $total rows, $stopped stopped; wrong status for:${bad:- none}"
fi

echo "     figures: hang run $hang_secs s with --timeout $HANG_TIMEOUT; sim-steady ${steady_secs:-?} s with --timeout 2;" \
    "capped ${cap_secs:-?} s with --max-seconds 2"
exit 0
