#!/bin/sh
# END-TO-END: a diagnosis for each failure (issue #8) — the real EventSweep under Wine against the
# SIMULATED FLEET, with the real Winsock probe behind "The RPC server is unavailable" (1722):
#   127.0.0.1 (down)           nothing listens on its TCP 135        -> "does not answer on TCP port 135"
#   127.0.0.2 (down)           a listener on 127.0.0.2:135 (root)    -> "TCP port 135 answers, but the RPC ports"
#   nosuch-host.invalid (down) a name no DNS knows                   -> "does not resolve"
#   sim-deny, sim-nolog        access denied (5), no such log (15007) -> "Event Log Readers", "no log of that name"
#   sim-ok                     no diagnosis: an empty Error
# Each status CSV Error keeps Windows' sentence and adds "Likely cause: ... To fix: ...". In the
# window, each failed source's line ends with the cause in a few words, and a double click on one
# shows the whole diagnosis.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir diagnose
TIMEOUT=20

mkdir -p build/test
if ! cc -std=c11 -O2 -D_DEFAULT_SOURCE -o build/test/listen_tcp tests/e2e/listen_tcp.c >$T/listen.build.txt 2>&1; then
    cat $T/listen.build.txt; echo "FAIL diagnose-listener-build: cc failed"; exit 1
fi
echo "PASS diagnose-listener-build"

cat >$T/fleet.txt <<'EOF'
# SIMULATED FLEET for tests/e2e/t_diagnose.sh (format: tests/fake/README)
sim-ok               events=200 seed=41
sim-deny             deny
sim-nolog            nochannel
127.0.0.1            down
127.0.0.2            down
nosuch-host.invalid  down
EOF
printf '%s\r\n' sim-ok sim-deny sim-nolog 127.0.0.1 127.0.0.2 nosuch-host.invalid >$T/servers.txt

need_exe diagnose-e2e
need_fake diagnose-fake-build
e2e_wine diagnose diagnose-wine-setup diagnose-xvfb
ESFAKE_FLEET=$(wine_path $T/fleet.txt); export ESFAKE_FLEET

listener=""
build/test/listen_tcp 127.0.0.2 135 >$T/listen.out 2>&1 &
listener=$!
sleep 0.3
have_135=0
grep -q listening $T/listen.out && have_135=1
# a name under .invalid (RFC 6761) must fail to resolve at once here, else the probe may give up first
fast_dns=0
if command -v getent >/dev/null; then
    t0=$(date +%s)
    getent hosts nosuch-host.invalid >/dev/null 2>&1 || [ $(($(date +%s) - t0)) -ge 2 ] || fast_dns=1
fi

sweep_app diag $T/servers.txt 8 $TIMEOUT
expect_exit diag-exit-code-2 2

# error CHECK SERVER CODE TEXT: the status line of SERVER has error CODE and TEXT in its Error
error() {
    _e_line=$(tr -d '\r' <$T/diag-status.csv | grep -i "^$2,")
    case "$_e_line" in
    *",error,"*",$3,\""*"$4"*) echo "PASS $1" ;;
    *) echo "FAIL $1: expected error $3 with \"$4\"; the status line: $_e_line" ;;
    esac
}
error diag-no-135 127.0.0.1 1722 "The RPC server is unavailable. Likely cause: The computer does not answer on TCP port 135"
if [ $have_135 = 1 ]; then
    error diag-only-135 127.0.0.2 1722 "Likely cause: TCP port 135 answers, but the RPC ports behind it do not"
    echo "     the listener on 127.0.0.2:135: $(kill -0 $listener 2>/dev/null && echo running || echo gone), $(grep -c accepted $T/listen.out) connections accepted"
else
    echo "SKIP diag-only-135: cannot listen on 127.0.0.2:135 here ($(cat $T/listen.out))"
fi
if [ $fast_dns = 1 ]; then
    error diag-no-name nosuch-host.invalid 1722 "Likely cause: The name does not resolve"
else
    echo "SKIP diag-no-name: this machine's DNS does not answer at once"
fi
error diag-denied sim-deny 5 "Access is denied. Likely cause: Your account may not read this log on that server"
error diag-no-log sim-nolog 15007 "To fix: Check the log's name"
if tr -d '\r' <$T/diag-status.csv | grep -qi '^sim-ok,ok,[0-9]*,0,,'; then echo "PASS diag-ok-no-diagnosis"
else echo "FAIL diag-ok-no-diagnosis: $(tr -d '\r' <$T/diag-status.csv | grep -i '^sim-ok,')"; fi
check_handles diag

# ---- the window: the causes in the list, and a double click on sim-deny (the second entry)
command -v xdotool >/dev/null || { echo "FAIL diagnose-gui: xdotool is not installed"; kill $listener; exit 1; }
"$WINE" $EXE --servers "$(wine_path $T/servers.txt)" --log System --hours 8 --timeout $TIMEOUT --run >$T/gui.out 2>&1 &
app=$!
if main=$(find_window EventSweep 20); then
    sleep 7   # every source ends (the probes take a second or two)
    import -window root build/test/diagnose-list.png 2>/dev/null
    # the list's second entry: its top is one line-pair below the first, 40 px apart at 96 dpi
    eval "$(xdotool getwindowgeometry --shell "$main")"
    xdotool mousemove --window "$main" 60 95 click --repeat 2 --delay 120 1
    sleep 1
    import -window root build/test/diagnose-box.png 2>/dev/null
    n=$(xdotool search --onlyvisible --name '^EventSweep$' 2>/dev/null | wc -l)
    if [ "$n" = 2 ]; then echo "PASS diagnose-gui-box (build/test/diagnose-box.png)"
    else echo "FAIL diagnose-gui-box: no message box after a double click on sim-deny ($n windows; build/test/diagnose-box.png)"; fi
else
    echo "FAIL diagnose-gui: no EventSweep window"
fi
wine_kill
wait $app 2>/dev/null
kill $listener 2>/dev/null
exit 0
