#!/bin/sh
# The rows shown and their order (issue #7): --sort and --find on the command line, the Find
# box typed into in the window, and what Export writes — exactly the rows shown, in their order.
# tests/e2e/check_view.c holds the rules, written apart from the app's code.
#
# sim-twin-a and sim-twin-b have the same spread and clock=load, so their records carry the same
# times: every TimeCreated ties across them and the tie-break (server, then RecordID) decides.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir view
need_exe view
need_fake view
build_checker check_view view
cat >$T/fleet.txt <<'EOF'
sim-twin-b  events=400 span=16 clock=load seed=3
sim-twin-a  events=400 span=16 clock=load seed=4
SIM-Mixed   events=300 span=10 seed=5
sim-small   events=120 span=20 seed=6
sim-deny    deny
EOF
printf 'sim-twin-b\nsim-twin-a\nSIM-Mixed\nsim-small\nsim-deny\n' >$T/servers.txt
e2e_wine view view view
export ESFAKE_FLEET=$(wine_path $T/fleet.txt)

view_run() {  # view_run NAME ARGS...: a sweep of the fleet (8 hours), exported
    _vr=$1
    shift
    sweep_app $_vr $T/servers.txt 8 20 "$@"
}

view_run all
expect_exit all-exit-code-2 2 "sim-deny fails"
run_checker all build/test/check_view --name all --view $T/all-rows.csv --sort TimeCreated --exact-ties sim-twin

for spec in "Level" "Server:desc" "EventID" "Source:desc" "Task" "Computer" "RecordID:desc" "Message:asc"; do
    n=sort-$(echo "$spec" | tr ':A-Z' '-a-z')
    view_run $n --sort "$spec"
    run_checker $n build/test/check_view --name $n --view $T/$n-rows.csv --sort "$spec" --all $T/all-rows.csv
done

# --find: any case, over the columns as shown (Message included), with a sort
view_run find --find "SeRvIcE EnTeReD" --sort Message:desc
run_checker find build/test/check_view --name find --view $T/find-rows.csv --sort Message:desc \
    --all $T/all-rows.csv --find "service entered"
view_run find-server --find "twin-a"
run_checker find-server build/test/check_view --name find-server --view $T/find-server-rows.csv --sort TimeCreated \
    --all $T/all-rows.csv --find "twin-a"

# A bad --sort is refused with a message that names it; nothing is read.
run_app badsort 60 --sort Levle --run --exit sim-small
expect_exit badsort-exit-code-1 1 "a usage error"
if tr -d '\r' <$T/badsort.out | grep -q '"Levle" is not a column'; then echo "PASS badsort-message"
else echo "FAIL badsort-message: the output does not name the bad column: $(tr -d '\r' <$T/badsort.out | head -3)"; fi

# The window: after a sweep, typing in the Find box filters the rows on a job (the list is
# full); Ctrl+E exports what is shown. Then the box is cleared and everything is back.
command -v xdotool >/dev/null || { echo "FAIL view-gui: xdotool is not installed"; exit 1; }
"$WINE" $EXE --servers "$(wine_path $T/servers.txt)" --log System --hours 8 --timeout 20 --sort EventID:desc --run \
    >$T/gui.out 2>&1 &
app=$!
main=$(find_window EventSweep 20) || { echo "FAIL view-gui-window: no EventSweep window"; exit 1; }
sleep 5
xdotool windowfocus --sync "$main" 2>/dev/null
xdotool key --clearmodifiers alt+f
sleep 0.3
xdotool type --delay 60 "legacy app"
sleep 1.5
import -window root $T/gui-find.png 2>/dev/null
if export_as "$main" $T/gui-find-rows.csv; then
    i=0; while [ ! -s $T/gui-find-rows.csv ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    sleep 0.5
    run_checker gui-find build/test/check_view --name gui-find --view $T/gui-find-rows.csv --sort EventID:desc \
        --all $T/all-rows.csv --find "legacy app"
else
    echo "FAIL gui-find: Ctrl+E opened no Save dialog"
fi
xdotool windowfocus --sync "$main" 2>/dev/null
xdotool key --clearmodifiers alt+f
xdotool key ctrl+a BackSpace
sleep 1.5
if export_as "$main" $T/gui-all-rows.csv; then
    i=0; while [ ! -s $T/gui-all-rows.csv ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    sleep 0.5
    run_checker gui-cleared build/test/check_view --name gui-cleared --view $T/gui-all-rows.csv --sort EventID:desc \
        --all $T/all-rows.csv
else
    echo "FAIL gui-cleared: Ctrl+E opened no Save dialog"
fi
"$WINE" taskkill /im eventsweep.exe >/dev/null 2>&1
wait $app
exit 0   # the app exits 2 (sim-deny failed): the checks above are the verdict
