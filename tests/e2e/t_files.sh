#!/bin/sh
# END-TO-END: saved .evtx files as sources. The real EventSweep (build/win/eventsweep.exe) under
# Wine and Xvfb reads fixture logs written by tests/e2e/check_files.c (with
# tests/evtx/evtx_writer.h, event times relative to now) together with servers of the
# SIMULATED FLEET, through its command line:
#   eventsweep.exe --servers LIST --log System --hours 8 --timeout S --run
#                  --export ROWS.csv --status STATUS.csv --exit SOURCE...
# A SOURCE is a .evtx file or a folder (its *.evtx, not recursive, each file a source of its
# own in name order). check_files checks the file rows (every event of the window exactly
# once, Server = the file's base name; messages formatted through this computer's publisher
# metadata — the fake's — or the data values) and one status line per file; the server rows and
# lines are split off and checked by check_sweep as in t_sweep.sh.
#   1. mixed: servers + a folder + a file + a non-log x.evtx + a 50-byte .evtx + an empty
#      folder + a missing file and folder, --hours 8   -> exit 2
#   2. good:  servers + the folder + the file, --hours 8 -> exit 0
#   3. all:   the same with --hours 0 (no limit)       -> exit 0, every fixture event
#   4. dup: the good sources plus other spellings of files they reach (a file inside the listed
#      folder, another in other case with '/' and a "." segment, a third by a relative path, the
#      single file through "..")
#      -> every file read once: exactly the rows and status lines of the good run, exit 0
#   5. samples: ../shared/evtx-samples (SKIP when absent) with --hours 0: per file exactly the
#      records `build/native/evtxcat FILE` prints, the same rows, status ok
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir files
TIMEOUT=20
FX=$T/fx

build_checker check_files files-checker-build
build_checker check_sweep files-checker-build
echo "PASS files-checker-build"
CHECK=build/test/check_files

# fixtures: written again before each run, so their times stay relative to the sweep
make_fixtures() {
    rm -rf $FX
    $CHECK --make-fixtures $FX >$T/fixtures.txt 2>&1
    frc=$?
    if [ $frc != 0 ] || ! grep -q '^PASS' $T/fixtures.txt; then
        cat $T/fixtures.txt
        echo "FAIL files-fixtures: check_files --make-fixtures exited $frc"
        exit 1
    fi
}
make_fixtures
cat $T/fixtures.txt

# A small fleet; no "localhost" line: saved-log messages use this computer's publishers
# (EvtOpenPublisherMetadata with a NULL session), which need no fleet server.
cat >$T/fleet.txt <<'EOF'
# SIMULATED FLEET for tests/e2e/t_files.sh (format: tests/fake/README)
sim-f1   latency=50  events=300 span=24 seed=11
sim-f2   latency=120 events=80  span=12 seed=12 next_latency=2
EOF
printf '%s\r\n' sim-f1 sim-f2 >$T/servers.txt

W=$(wine_path $FX)   # the fixtures' Windows path (Z:\...)

# with_mixed CMD ARGS... / with_good CMD ARGS...: runs CMD ARGS followed by the file sources
# of the mixed run (some fail) or of the good runs (all readable)
with_mixed() {
    "$@" "$W\\logs" "$W\\single\\e5-two-chunks.evtx" "$W\\bad\\x.evtx" "$W\\bad\\short.evtx" "$W\\empty" \
        "$W\\missing.evtx" "$W\\nodir"
}
with_good() { "$@" "$W\\logs" "$W\\single\\e5-two-chunks.evtx"; }

# ---- the checkers' self-test: what a correct app writes (the core's own exporter, server
# rows from check_sweep --make-expected mixed in) must pass, a wrong message and a missing
# status line must not
selftest_ok=1
with_mixed $CHECK --make-expected --fixtures $FX --winroot "$W" --hours 8 --export $T/self-files-rows.csv --status $T/self-files-status.csv \
    || selftest_ok=0
build/test/check_sweep --make-expected --fleet $T/fleet.txt --servers $T/servers.txt --hours 8 --timeout $TIMEOUT \
    --export $T/self-srv-rows.csv --status $T/self-srv-status.csv || selftest_ok=0
{ cat $T/self-files-rows.csv; tail -n +2 $T/self-srv-rows.csv; } >$T/self-rows.csv
# the status file: one BOM + header, servers first
{ head -n 1 $T/self-files-status.csv; tail -n +2 $T/self-srv-status.csv; tail -n +2 $T/self-files-status.csv; } >$T/self-status.csv
with_mixed $CHECK --check --name self --fixtures $FX --winroot "$W" --hours 8 --export $T/self-rows.csv --status $T/self-status.csv \
    --server-rows $T/self-server-rows.csv --server-status $T/self-server-status.csv >$T/self.txt 2>&1 || selftest_ok=0
build/test/check_sweep --name self-servers --fleet $T/fleet.txt --servers $T/servers.txt --hours 8 --timeout $TIMEOUT \
    --export $T/self-server-rows.csv --status $T/self-server-status.csv >>$T/self.txt 2>&1 || selftest_ok=0
sed 's/The Print Spooler service entered the running state\./The Print Spooler service entered the stopped state./' \
    $T/self-rows.csv >$T/selfbad-rows.csv
with_mixed $CHECK --check --name selfbad --fixtures $FX --winroot "$W" --hours 8 --export $T/selfbad-rows.csv --status $T/self-status.csv \
    >$T/selfbad.txt 2>&1 && selftest_ok=0
grep -q '^FAIL selfbad-export-messages' $T/selfbad.txt || selftest_ok=0
grep -v 'c3-damaged' $T/self-status.csv >$T/selfbad-status.csv
with_mixed $CHECK --check --name selfbad2 --fixtures $FX --winroot "$W" --hours 8 --export $T/self-rows.csv --status $T/selfbad-status.csv \
    >$T/selfbad2.txt 2>&1 && selftest_ok=0
grep -q '^FAIL selfbad2-status-per-file' $T/selfbad2.txt || selftest_ok=0
if [ $selftest_ok = 1 ]; then echo "PASS files-checker-selftest"; else
    echo "FAIL files-checker-selftest: the checkers reject a correct export or accept a wrong one ($T/self*.txt)"
    cat $T/self.txt $T/selfbad.txt $T/selfbad2.txt | grep -v '^PASS' | sed 's/^/     /' | head -20
fi

# ---- the app
need_exe files-e2e
need_fake files-fake-build
e2e_wine files files-wine-setup files-xvfb
ESFAKE_FLEET=$(wine_path $T/fleet.txt); export ESFAKE_FLEET

# check_run NAME HOURS SOURCE...: the file rows and lines (check_files), then the servers' (check_sweep)
check_run() {
    name=$1 hours=$2
    shift 2
    if [ ! -f $T/$name-rows.csv ] || [ ! -f $T/$name-status.csv ]; then
        echo "FAIL $name-export: the app wrote no export/status file (exit $rc; output: $(head -c 300 $T/$name.out | tr '\r\n' '  '))"
        return
    fi
    run_checker $name $CHECK --check --name $name --fixtures $FX --winroot "$W" --hours $hours \
        --export $T/$name-rows.csv --status $T/$name-status.csv \
        --server-rows $T/$name-server-rows.csv --server-status $T/$name-server-status.csv "$@"
    if [ -f $T/$name-server-rows.csv ]; then
        run_checker $name-servers build/test/check_sweep --name $name-servers --fleet $T/fleet.txt --servers $T/servers.txt \
            --hours $hours --timeout $TIMEOUT --export $T/$name-server-rows.csv --status $T/$name-server-status.csv
    fi
    check_handles $name
}

# 1. mixed: some file sources fail -> exit 2
with_mixed sweep_app mixed $T/servers.txt 8 $TIMEOUT
expect_exit mixed-exit-code-2 2 "x.evtx, short.evtx, the empty folder and the missing paths fail"
with_mixed check_run mixed 8

# 2. good sources only -> exit 0
make_fixtures >/dev/null
with_good sweep_app good $T/servers.txt 8 $TIMEOUT
expect_exit good-exit-code-0 0 "servers and files all ok; damaged records are no failure"
with_good check_run good 8

# 3. no time limit: every fixture event
make_fixtures >/dev/null
with_good sweep_app all $T/servers.txt 0 $TIMEOUT
expect_exit all-exit-code-0 0
with_good check_run all 0

# 4. files reached twice are read once: compared by volume and file ID, not by spelling
make_fixtures >/dev/null
# (the first entry that reaches a file reads it: the other spellings come after the good sources)
# (the relative path is against the app's current directory, this one: Wine starts it here)
sweep_app dup $T/servers.txt 8 $TIMEOUT "$W\\logs" "$W\\single\\e5-two-chunks.evtx" "$W\\logs\\a1-apps.evtx" \
    "$W/LOGS/./B2-System.evtx" "$(printf '%s' "$FX" | tr / '\\')\\logs\\c3-damaged.evtx" \
    "$W\\single\\..\\single\\e5-two-chunks.evtx"
expect_exit dup-exit-code-0 0 "duplicates are no failure"
with_good check_run dup 8

# 5. the real samples: the app's rows per file are evtxcat's
S=$ES_ROOT/../shared/evtx-samples
if [ ! -d "$S" ]; then
    echo "SKIP samples-app-vs-evtxcat: $S is absent"
    exit 0
fi
S=$(cd "$S" && pwd)
if [ ! -x build/native/evtxcat ] || [ -n "$(find src/core src/evtx src/tools include -newer build/native/evtxcat -type f 2>/dev/null)" ]; then
    make -f Makefile.mingw --no-print-directory native >/dev/null 2>&1 || { echo "FAIL samples-evtxcat-build: make native failed"; exit 1; }
fi
mkdir -p $T/samples
refs=""
nsamples=0
for f in "$S"/*.evtx; do
    [ -f "$f" ] || continue
    b=$(basename "$f")
    timeout 120 build/native/evtxcat "$f" >"$T/samples/$b.csv" 2>/dev/null
    erc=$?
    if [ $erc != 0 ] && [ $erc != 2 ]; then echo "FAIL samples-evtxcat $b: evtxcat exited $erc"; continue; fi
    refs="$refs $b=$T/samples/$b.csv"
    nsamples=$((nsamples + 1))
done
if [ $nsamples = 0 ]; then
    echo "SKIP samples-app-vs-evtxcat: no .evtx in $S"
    exit 0
fi
SW=$(wine_path "$S")
echo "     samples: $nsamples files"
run_app samples 300 --hours 0 --timeout 120 --run \
    --export "$(wine_path $T/samples-rows.csv)" --status "$(wine_path $T/samples-status.csv)" --exit "$SW"
expect_exit samples-exit-code-0 0 "every sample is a readable log; damaged records are no failure"
if [ -f $T/samples-rows.csv ] && [ -f $T/samples-status.csv ]; then
    # shellcheck disable=SC2086
    run_checker samples $CHECK --samples --name samples --winroot "$SW" --export $T/samples-rows.csv --status $T/samples-status.csv $refs
else
    echo "FAIL samples-export: the app wrote no export/status file (exit $rc; output: $(head -c 300 $T/samples.out | tr '\r\n' '  '))"
fi
check_handles samples
# the reference CSVs are large: keep them only when something failed
grep -q '^FAIL' $T/samples.check.txt 2>/dev/null || rm -rf $T/samples
exit 0
