#!/bin/sh
# The console of a scheduled run (src/win/console.c), through ctrl_probe.exe: a GUI exe that uses
# console.c as EventSweep does with --exit (attach to the parent's console, console_write, a
# hidden window that gets a message on Ctrl+C / Ctrl+Break / close of the console), run under
# sendctrl.exe, which starts it in its own console and sends the event (tests/win/sendctrl.c).
# Probe exit codes: 40 + the CTRL_*_EVENT the window got, 3 none within its time limit.
#
# What Wine 8 does (measured; each check says which path it takes):
#  - a Ctrl+C sent to the child's process group (sendctrl --group) reaches the GUI child's
#    handler: exercised, as is the re-enabling of Ctrl+C that a new group needs;
#  - a Ctrl+C to the whole console (group 0, what a typed Ctrl+C does on Windows) reaches only the
#    sender's process group, and there a child gets its own group: SKIP when it does not arrive;
#  - Ctrl+Break is not implemented (GenerateConsoleCtrlEvent fails, error 6): SKIP; the handler's
#    Ctrl+Break and console-close paths are exercised by calling it as Windows would.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir console
need_fake console
for f in build/test/sendctrl.exe build/test/ctrl_probe.exe; do
    [ -f $f ] || make -f Makefile.mingw --no-print-directory $f >/dev/null || { echo "FAIL console: make $f failed"; exit 1; }
done
e2e_wine console console console-xvfb

PROBE=build/test/ctrl_probe.exe
SAY='héllo ✓ «EventSweep»'

# sc NAME SENDCTRL-ARGS...: runs sendctrl (its output in $T/NAME.out, stdin not a terminal);
# sets rc and secs.
sc() {
    _n=$1
    shift
    _s=$(date +%s.%N)
    timeout -k 5 60 "$WINE" build/test/sendctrl.exe "$@" >$T/$_n.out 2>&1 </dev/null
    rc=$?
    secs=$(awk -v a="$_s" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    echo "     $_n: exit $rc after $secs s"
}
# probe NAME PROBE-ARGS...: the probe alone (not under sendctrl); sets rc and secs.
probe() {
    _n=$1
    shift
    _s=$(date +%s.%N)
    timeout -k 5 60 "$WINE" $PROBE "$@" >$T/$_n.out 2>&1 </dev/null
    rc=$?
    secs=$(awk -v a="$_s" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    echo "     $_n: exit $rc after $secs s"
}
has() { grep -qF -- "$2" "$T/$1.out"; }
why() { tr '\n' '|' <"$T/$1.out" | cut -c1-400; }

# 1. Ctrl+C to the child's process group: the window gets the message, the probe exits 40.
sc group --group 1500 $PROBE --timeout 8000 --say "$SAY"
expect_exit ctrl-c-reaches-window 40 "$(why group)"
# console_write with stderr redirected (as tests run the app): the lines are in the file, UTF-8.
if has group "ctrl_probe: started, attached=1" && has group "$SAY" && has group "ctrl_probe: close request, event 0"; then
    echo "PASS console-write-to-redirected-stderr"
else
    echo "FAIL console-write-to-redirected-stderr: $(why group)"
fi

# 2. The same without console_on_interrupt(): nothing reaches the window (so 1 can fail).
sc nohandler --group 1500 $PROBE --timeout 4000 --no-handler
expect_exit ctrl-c-needs-the-handler 3 "without the handler the window must not hear of it"

# 3. The handler installed, but Ctrl+C ignored again afterwards, as a process started in a new
#    group begins: nothing arrives, so 1 relies on console_on_interrupt() re-enabling Ctrl+C.
sc keepignore --group 1500 $PROBE --timeout 4000 --keep-ignore
expect_exit ctrl-c-reenabled-by-handler 3 "SetConsoleCtrlHandler(NULL, TRUE) after the handler should block it"

# 4. A Ctrl+C that comes before the window exists is posted once the window is given.
sc early --group 1000 $PROBE --timeout 8000 --early 2500
if [ "$rc" = 40 ] && has early "before the window, interrupted=1"; then echo "PASS ctrl-c-before-window-is-kept"
else echo "FAIL ctrl-c-before-window-is-kept: exit $rc: $(why early)"; fi

# 5. No standard handles (started from a console, not redirected): console_write writes to the
#    attached console's CONOUT$; sendctrl copies the console's screen text back.
sc conout --group --no-std --dump 1500 $PROBE --timeout 8000 --say "$SAY"
if [ "$rc" = 40 ] && has conout "console: ctrl_probe: started, attached=1" && has conout "console: $SAY" \
        && ! grep -q '^ctrl_probe:' $T/conout.out; then
    echo "PASS console-write-to-conout"
else
    echo "FAIL console-write-to-conout: exit $rc: $(why conout)"
fi

# 6. Ctrl+C to the whole console (group 0): what a typed Ctrl+C does on Windows.
sc whole 1500 $PROBE --timeout 4000
case $rc in
    40) echo "PASS ctrl-c-whole-console" ;;
    3) echo "SKIP ctrl-c-whole-console: not delivered here (Wine 8 sends a group-0 Ctrl+C to the sender's own process group only, and a child does not share it; covered by ctrl-c-reaches-window)" ;;
    *) echo "FAIL ctrl-c-whole-console: exit $rc: $(why whole)" ;;
esac

# 7. Ctrl+Break to the child's process group.
sc break --break 1500 $PROBE --timeout 4000
if [ "$rc" = 41 ]; then echo "PASS ctrl-break-reaches-window"
elif [ "$rc" = 122 ] && has break "GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT) failed: error 6"; then
    echo "SKIP ctrl-break-reaches-window: this Wine does not implement CTRL_BREAK_EVENT (covered by ctrl-break-handler)"
else echo "FAIL ctrl-break-reaches-window: exit $rc: $(why break)"; fi

# 8. The handler's own answers, called as Windows calls it (on another thread).
probe simbreak --timeout 8000 --simulate 1
if [ "$rc" = 41 ] && has simbreak "the handler returned 1 for event 1"; then echo "PASS ctrl-break-handler"
else echo "FAIL ctrl-break-handler: exit $rc: $(why simbreak)"; fi
# close of the console: the handler holds on until console_finished(42), then ends the process
# with that code (77: the window's own later return won; 99: the handler returned first).
probe simclose --timeout 8000 --simulate 2
expect_exit close-handler-waits-for-window 42 "$(why simclose)"
# a window that never finishes: the handler gives up after CONSOLE_CLOSE_WAIT_MS (5 s)
probe simhang --timeout 15000 --simulate 2 --hang
if [ "$rc" = 99 ] && awk -v s="$secs" 'BEGIN { exit !(s >= 4.5 && s < 12) }'; then echo "PASS close-handler-gives-up-after-5s"
else echo "FAIL close-handler-gives-up-after-5s: exit $rc after $secs s: $(why simhang)"; fi
