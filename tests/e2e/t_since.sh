#!/bin/sh
# END-TO-END: "New since last sweep" (issue #9 item 2) — the real EventSweep under Wine against
# the SIMULATED FLEET, the marks kept in a --state file (es_marks.h: SERVER<TAB>LOG<TAB>RECORD):
#   a  a first --since-last run: no mark yet, everything is read; the marks are the highest
#      records read (sim-a 100, sim-b 50)
#   b  the servers wrote more (sim-a 130 records): only 101..130 are read, none of sim-b's
#   c  sim-a's log wrapped (its oldest record now 141: 131..140 overwritten before anyone read
#      them) and sim-b's was cleared (20 records, numbered from 1 again): sim-a's 141..150 are
#      read and its status says "10 records were overwritten since the last sweep"; sim-b's 20
#      are read and its status says its log was cleared
#   d  an export that cannot be written (its folder does not exist): exit 1, the marks stay
#   e  a malformed marks file: a usage error naming its line, nothing read, the file untouched
#   g  the window: its "New since last" box (Alt+N) and F5 read only sim-a's 151..190 and none
#      of sim-b's; the sweep's end writes the marks (190, 20) with no file asked for
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir since
need_exe since
need_fake since
e2e_wine since since-wine-setup since-xvfb
S=$T/marks.txt
rm -f $S
printf '%s\r\n' sim-a sim-b >$T/servers.txt

# fleet A B [EXTRA_A] [EXTRA_B]: the fleet file for the next run
fleet() {
    printf 'sim-a events=%s span=2 seed=61 %s\nsim-b events=%s span=2 seed=62 %s\n' "$1" "${3:-}" "$2" "${4:-}" >$T/fleet.txt
}
ESFAKE_FLEET=$(wine_path $T/fleet.txt); export ESFAKE_FLEET

# run NAME [OPTIONS]: --since-last, --state, all hours
run() {
    _n=$1
    shift
    run_app $_n 120 --servers "$(wine_path $T/servers.txt)" --log System --hours 0 --timeout 20 --run --since-last \
        --state "$(wine_path $S)" --export "$(wine_path $T/$_n-rows.csv)" --status "$(wine_path $T/$_n-status.csv)" --exit "$@"
}
# status NAME SERVER: "events|error text" of SERVER in run NAME's status file
status() { tr -d '\r' <$T/$1-status.csv | sed '1s/^\xEF\xBB\xBF//' | awk -F, -v s="$2" '$1 == s { print $3 "|" $5 }'; }
# mark SERVER: its mark in the state file
mark() { tr -d '\r' <$S 2>/dev/null | awk -F'\t' -v s="$1" '$1 == s && $2 == "System" { print $3 }'; }
# expect CHECK GOT WANT
expect() { if [ "$2" = "$3" ]; then echo "PASS $1"; else echo "FAIL $1: got \"$2\", expected \"$3\""; fi; }

fleet 100 50
run a
expect_exit a-exit-code 0
expect a-sim-a "$(status a sim-a)" "100|"
expect a-sim-b "$(status a sim-b)" "50|"
expect a-marks "$(mark sim-a) $(mark sim-b)" "100 50"

fleet 130 50
run b
expect_exit b-exit-code 0
expect b-sim-a-new-only "$(status b sim-a)" "30|"
expect b-sim-b-nothing-new "$(status b sim-b)" "0|"
lo=$(tr -d '\r' <$T/b-rows.csv | awk -F, '$1 == "sim-a" && $7 ~ /^[0-9]+$/ { if (!m || $7 < m) m = $7 } END { print m }')
expect b-sim-a-from-101 "$lo" "101"
expect b-marks "$(mark sim-a) $(mark sim-b)" "130 50"

fleet 150 20 first=141
run c
expect_exit c-exit-code 0
expect c-sim-a-wrapped "$(status c sim-a)" "10|10 records were overwritten since the last sweep"
expect c-sim-b-cleared "$(status c sim-b)" "20|the log was cleared since the last sweep"
expect c-marks "$(mark sim-a) $(mark sim-b)" "150 20"

fleet 170 20
cp $S $T/marks-before-d.txt
run_app d 120 --servers "$(wine_path $T/servers.txt)" --log System --hours 0 --timeout 20 --run --since-last \
    --state "$(wine_path $S)" --export "$(wine_path $T/no-such-folder/d-rows.csv)" --exit
expect_exit d-exit-code-1 1 "the export could not be written"
if cmp -s $S $T/marks-before-d.txt; then echo "PASS d-marks-stay"; else echo "FAIL d-marks-stay: the marks moved without the export"; fi

printf 'sim-a\tSystem\t12a\r\n' >$T/bad-marks.txt
cp $T/bad-marks.txt $T/bad-marks-copy.txt
run_app e 60 --servers "$(wine_path $T/servers.txt)" --run --since-last --state "$(wine_path $T/bad-marks.txt)" \
    --export "$(wine_path $T/e-rows.csv)" --exit
expect_exit e-exit-code-1 1 "a malformed marks file"
if grep -q 'line 1: "12a" is not a record number' $T/e.out; then echo "PASS e-says-the-line"; else
    echo "FAIL e-says-the-line: $(head -c 300 $T/e.out)"; fi
if [ ! -e $T/e-rows.csv ] && cmp -s $T/bad-marks.txt $T/bad-marks-copy.txt; then echo "PASS e-nothing-read"; else
    echo "FAIL e-nothing-read: an export was written or the marks file changed"; fi

if command -v xdotool >/dev/null; then
    fleet 190 20
    "$WINE" $EXE --servers "$(wine_path $T/servers.txt)" --log System --hours 0 --timeout 20 --state "$(wine_path $S)" \
        >$T/g.out 2>&1 &
    app=$!
    if main=$(find_window EventSweep 30); then
        xdotool windowfocus --sync "$main" 2>/dev/null
        xdotool key --clearmodifiers alt+n
        xdotool key F5
        i=0; while [ "$(mark sim-a)" != 190 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
        expect g-marks-after-window-sweep "$(mark sim-a) $(mark sim-b)" "190 20"
        import -window root build/test/since-window.png 2>/dev/null
        if export_as "$main" $T/g-rows.csv && wine_wait_file $T/g-rows.csv 30; then
            sleep 0.5
            got=$(tr -d '\r' <$T/g-rows.csv | awk -F, '$7 ~ /^[0-9]+$/ { n[$1]++; if (!lo[$1] || $7 < lo[$1]) lo[$1] = $7 }
                END { printf "%d %d %d", n["sim-a"], lo["sim-a"], n["sim-b"] }')
            expect g-window-reads-new-only "$got" "40 151 0"
        else
            echo "FAIL g-window-export: no export was written (build/test/since-window.png)"
        fi
    else
        echo "FAIL g-window: no EventSweep window"
    fi
    wine_kill
    wait $app 2>/dev/null
else
    echo "SKIP g-window: xdotool is not installed"
fi
