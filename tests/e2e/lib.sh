# lib.sh: what the end-to-end scripts (tests/e2e/t_*.sh) share: a sourced POSIX sh library, not
# a test (tests/run runs only t_*.sh). It sources tests/wine-env.sh. A script starts with
#
#   cd "$(dirname "$0")/../.." || exit 1   # the repository
#   . tests/e2e/lib.sh
#   e2e_dir NAME                           # T=build/test/NAME, new and empty
#   need_exe CHECK; need_fake CHECK        # the app and the fake wevtapi.dll are built
#   e2e_wine NAME CHECK [XVFB_CHECK]       # a Wine prefix with the fake (and an X display)
#
# The functions keep their own variables in _xx_ names; run_app and sweep_app set rc and secs.
ES_ROOT=$(pwd)
. tests/wine-env.sh
EXE=${ES_EXE:-build/win/eventsweep.exe}   # ES_EXE: another build (does a test fail on old code?)

# e2e_dir NAME: T=build/test/NAME, removed and made again.
e2e_dir() {
    T=build/test/$1
    rm -rf "$T"
    mkdir -p "$T"
}

# need_exe CHECK: FAIL CHECK and exit when the app is not built.
need_exe() {
    [ -f $EXE ] && return 0
    echo "FAIL $1: $EXE not built (tests/run builds it with: make -f Makefile.mingw win)"
    exit 1
}

# need_fake CHECK: builds the fake wevtapi.dll when it is missing or older than tests/fake;
# FAIL CHECK and exit when make fails.
need_fake() {
    if [ ! -f build/test/wevtapi.dll ] || [ -n "$(find tests/fake -newer build/test/wevtapi.dll -type f 2>/dev/null)" ]; then
        make -f Makefile.mingw --no-print-directory fake >/dev/null || { echo "FAIL $1: make fake failed"; exit 1; }
    fi
}

# e2e_wine NAME CHECK [XVFB_CHECK]: a throwaway Wine prefix with the fake installed, removed on
# exit, and with XVFB_CHECK a private X display; FAIL CHECK (XVFB_CHECK) and exit when either
# cannot be had.
e2e_wine() {
    wine_env_setup "$1" || { echo "FAIL $2: could not create a Wine prefix"; exit 1; }
    trap wine_env_cleanup EXIT INT TERM
    [ -z "${3:-}" ] || xvfb_start || { echo "FAIL $3: could not start Xvfb"; exit 1; }
}

# build_checker NAME CHECK: compiles the native checker tests/e2e/NAME.c (with csvcheck.c, the
# fleet generator and the portable core) to build/test/NAME; FAIL CHECK and exit when cc fails.
build_checker() {
    if ! cc -std=c11 -O2 -g -Wall -Wextra -Wno-unused-parameter -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude -Itests/fake \
            -o build/test/$1 tests/e2e/$1.c tests/e2e/csvcheck.c tests/fake/fleetgen.c src/core/*.c src/evtx/*.c >$T/$1.build.txt 2>&1; then
        cat $T/$1.build.txt
        echo "FAIL $2: cc failed for $1"
        exit 1
    fi
}

# run_checker NAME CMD...: runs a checker and shows its PASS/FAIL lines (kept in
# $T/NAME.check.txt); one that exits non-zero without a FAIL line (a crash) fails NAME.
run_checker() {
    _rc_name=$1
    shift
    "$@" >$T/$_rc_name.check.txt 2>&1
    _rc_code=$?
    cat $T/$_rc_name.check.txt
    if [ $_rc_code != 0 ] && ! grep -q '^FAIL' $T/$_rc_name.check.txt; then echo "FAIL $_rc_name: checker exited $_rc_code"; fi
}

# run_app NAME LIMIT ARGS...: runs the app with ARGS (killed after LIMIT seconds), its output in
# $T/NAME.out and the fake's handle report in $T/NAME-leaks.txt, after removing the
# $T/NAME-rows.csv and $T/NAME-status.csv of an earlier run. Sets rc and secs.
run_app() {
    _ra_name=$1 _ra_limit=$2
    shift 2
    rm -f $T/$_ra_name-rows.csv $T/$_ra_name-status.csv $T/$_ra_name-leaks.txt
    _ra_start=$(date +%s.%N)
    ESFAKE_LEAKS=$(wine_path $T/$_ra_name-leaks.txt) timeout -k 5 $_ra_limit "$WINE" $EXE "$@" >$T/$_ra_name.out 2>&1
    rc=$?
    secs=$(awk -v a="$_ra_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    echo "     $_ra_name: exit $rc after $secs s"
}

# sweep_app NAME SERVERS HOURS TIMEOUT [SOURCE...]: a sweep from the command line (run_app, 180 s):
#   --servers SERVERS --log System --hours HOURS --timeout TIMEOUT --run
#   --export $T/NAME-rows.csv --status $T/NAME-status.csv --exit [SOURCE...]
sweep_app() {
    _sa_name=$1 _sa_list=$2 _sa_hours=$3 _sa_timeout=$4
    shift 4
    run_app $_sa_name 180 --servers "$(wine_path $_sa_list)" --log System --hours $_sa_hours --timeout $_sa_timeout --run \
        --export "$(wine_path $T/$_sa_name-rows.csv)" --status "$(wine_path $T/$_sa_name-status.csv)" --exit "$@"
}

# find_window TITLE SECONDS: prints the X window id of a visible window whose whole title matches
# TITLE (a regular expression: 'Save [Aa]s'); 1 when none came within SECONDS.
find_window() {
    _fw_i=0
    while [ $_fw_i -lt $(($2 * 10)) ]; do
        _fw_w=$(xdotool search --onlyvisible --name "^$1\$" 2>/dev/null | tail -1)
        [ -n "$_fw_w" ] && { echo "$_fw_w"; return 0; }
        sleep 0.1; _fw_i=$((_fw_i + 1))
    done
    return 1
}

# export_as MAIN PATH: Ctrl+E in the window MAIN (an X window id), then PATH typed into the Save
# dialog; 1 when no Save dialog came.
export_as() {
    [ -n "$1" ] && xdotool windowfocus --sync "$1" 2>/dev/null
    xdotool key --clearmodifiers ctrl+e
    _ea_save=$(find_window 'Export .* rows.*' 10) || return 1
    xdotool windowfocus --sync "$_ea_save" 2>/dev/null
    sleep 0.4
    xdotool key ctrl+a
    xdotool type --delay 10 "$(wine_path $2)"
    xdotool key Return
}

# wait_gone PID SECONDS: waits until the process has ended; 1 when it still runs after SECONDS.
wait_gone() {
    _wg_i=0
    while kill -0 $1 2>/dev/null && [ $_wg_i -lt $(($2 * 50)) ]; do sleep 0.02; _wg_i=$((_wg_i + 1)); done
    ! kill -0 $1 2>/dev/null
}

# expect_exit CHECK WANT [WHY]: PASS CHECK when the last run's exit code ($rc) is WANT.
expect_exit() {
    if [ "$rc" = "$2" ]; then echo "PASS $1"; else echo "FAIL $1: exit code $rc, expected $2${3:+ ($3)}"; fi
}

# check_handles NAME [REPORT]: PASS NAME-handles-closed when the fake's handle report (default
# $T/NAME-leaks.txt, written when the app unloads the DLL) says every handle was closed.
check_handles() {
    _ch_report=${2:-$T/$1-leaks.txt}
    if [ ! -f "$_ch_report" ]; then
        echo "FAIL $1-handles-closed: the fake wrote no handle report (did the app exit normally?)"
    elif grep -q '^open_handles=0' "$_ch_report"; then
        echo "PASS $1-handles-closed"
    else
        echo "FAIL $1-handles-closed: the app left Event Log handles open: $(tr -d '\r' <"$_ch_report" | tr '\n' ' ')"
    fi
}
