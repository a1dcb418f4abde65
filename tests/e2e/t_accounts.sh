#!/bin/sh
# END-TO-END: another account (issue #8) — the real EventSweep under Wine against the SIMULATED
# FLEET, whose acc-* servers accept only CORP\sweeper with its password (own logon: 5; another
# password: 1326; three wrong passwords lock the account: 1909), and the simulated credential
# prompt (tests/fake/credui: ESFAKE_CREDUI is what the user "types"):
#   own logon            acc-* refuse (5), open-01 is read
#   --user CORP\sweeper  one prompt with the name filled in; every server read, rows exact
#   a wrong password     ONE logon is tried (the fake's query log), every acc-* ends 1326 without
#                        trying: no lockout however many servers
#   the prompt cancelled exit 1, nothing read
#   --credential T       a generic credential of the Credential Manager (stored by credwrite.exe)
#   the window           Connect as... (Alt+C, Down, Enter: Negotiate), the list shows the account, F5,
#                        Ctrl+E: the export holds the rows of the --user run
# And the password is in no file the runs wrote (exports, status, outputs, the settings, logs).
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir accounts
HOURS=8
TIMEOUT=20
PASSWORD='Tr0ub4dor&3-xyzzy'

build_checker check_sweep accounts-checker-build
build_checker check_view accounts-checker-build
echo "PASS accounts-checker-build"

{
    echo "# SIMULATED FLEET for tests/e2e/t_accounts.sh (format: tests/fake/README)"
    for i in 01 02 03 04 05 06 07 08 09 10; do
        echo "acc-$i  account=CORP\\sweeper:$PASSWORD lockout=3 events=300 span=12 seed=6$i"
    done
    echo "open-01 events=200 span=12 seed=70"
} >$T/fleet.txt
: >$T/servers.txt
for i in 01 02 03 04 05 06 07 08 09 10; do printf 'acc-%s\r\n' $i >>$T/servers.txt; done
printf 'open-01\r\n' >>$T/servers.txt

need_exe accounts-e2e
need_fake accounts-fake-build
e2e_wine accounts accounts-wine-setup accounts-xvfb
ESFAKE_FLEET=$(wine_path $T/fleet.txt); export ESFAKE_FLEET
QLOG=$T/querylog.txt
ESFAKE_QUERYLOG=$(wine_path $QLOG); export ESFAKE_QUERYLOG
ESFAKE_CREDUI_LOG=$(wine_path $T/prompts.txt); export ESFAKE_CREDUI_LOG

# run NAME ARGS...: a sweep of the list with --exit; the query and prompt logs kept per run
run() {
    _r=$1
    shift
    : >$QLOG
    : >$T/prompts.txt
    sweep_app $_r $T/servers.txt $HOURS $TIMEOUT "$@"
    cp $QLOG $T/$_r-queries.txt
    cp $T/prompts.txt $T/$_r-prompts.txt
}
# status NAME SERVER CODE: PASS when SERVER's status line in run NAME has that error code
status() {
    _line=$(tr -d '\r' <$T/$1-status.csv | grep -i "^$2,")
    case "$_line" in *",$3,"*) return 0 ;; *) echo "     $1 $2: $_line"; return 1 ;; esac
}
# every_acc NAME CODE CHECK
every_acc() {
    _bad=0
    for i in 01 02 03 04 05 06 07 08 09 10; do status $1 acc-$i $2 || _bad=$((_bad + 1)); done
    if [ $_bad = 0 ]; then echo "PASS $3"; else echo "FAIL $3: $_bad servers did not end with $2"; fi
}
logons() { cut -f1,4 $T/$1-queries.txt | tr -d '\r' | grep -c "	$2\$"; }

# ---- own logon
run self
expect_exit self-exit-code-2 2
every_acc self 5 self-acc-denied
if status self open-01 0; then echo "PASS self-open-read"; else echo "FAIL self-open-read"; fi

# ---- --user with the right password: one prompt, the name filled in, everything read
ESFAKE_CREDUI="CORP\\sweeper|$PASSWORD" run user --user 'CORP\sweeper'
expect_exit user-exit-code-0 0
n=$(grep -c '^prompt' $T/user-prompts.txt)
if [ "$n" = 1 ] && grep -q "^prompt	CORP\\\\sweeper	" $T/user-prompts.txt; then echo "PASS user-one-prompt-name-filled"
else echo "FAIL user-one-prompt-name-filled: $n prompts: $(head -c 300 $T/user-prompts.txt)"; fi
run_checker user build/test/check_sweep --name user --fleet $T/fleet.txt --servers $T/servers.txt --hours $HOURS \
    --timeout $TIMEOUT --export $T/user-rows.csv --status $T/user-status.csv
check_handles user

# ---- a wrong password: one logon tried, the others stop with the same error (no lockout)
ESFAKE_CREDUI="CORP\\sweeper|wrong-password" run wrong --user 'CORP\sweeper'
expect_exit wrong-exit-code-2 2
every_acc wrong 1326 wrong-every-acc-1326
n=$(logons wrong 1326)
if [ "$n" = 1 ]; then echo "PASS wrong-one-logon-tried"; else echo "FAIL wrong-one-logon-tried: $n logons failed (1326) at the servers"; fi
if [ "$(logons wrong 1909)" = 0 ]; then echo "PASS wrong-no-lockout"; else echo "FAIL wrong-no-lockout: the account was locked out"; fi
if tr -d '\r' <$T/wrong-status.csv | grep -qi '^acc-03,.*Likely cause: The user name or password is wrong'; then echo "PASS wrong-diagnosis"
else echo "FAIL wrong-diagnosis: $(tr -d '\r' <$T/wrong-status.csv | grep -i '^acc-03,')"; fi

# ---- the prompt cancelled: exit 1, nothing read
ESFAKE_CREDUI=cancel run cancel --user 'CORP\sweeper'
expect_exit cancel-exit-code-1 1 "no password given"
if [ ! -s $T/cancel-queries.txt ]; then echo "PASS cancel-nothing-read"; else echo "FAIL cancel-nothing-read: $(wc -l <$T/cancel-queries.txt) queries"; fi
if tr -d '\r' <$T/cancel.out | grep -q -- '--user: no password was given'; then echo "PASS cancel-message"
else echo "FAIL cancel-message: $(tr -d '\r' <$T/cancel.out | head -3)"; fi

# ---- --credential: a generic credential stored beforehand (as cmdkey would)
if "$WINE" build/test/credwrite.exe es-fleet 'CORP\sweeper' "$PASSWORD" >$T/credwrite.out 2>&1; then
    run cred --credential es-fleet
    expect_exit cred-exit-code-0 0
    run_checker cred build/test/check_sweep --name cred --fleet $T/fleet.txt --servers $T/servers.txt --hours $HOURS \
        --timeout $TIMEOUT --export $T/cred-rows.csv --status $T/cred-status.csv
    if [ ! -s $T/cred-prompts.txt ]; then echo "PASS cred-no-prompt"; else echo "FAIL cred-no-prompt"; fi
    run nocred --credential no-such-target
    expect_exit nocred-exit-code-1 1
else
    echo "SKIP cred: Wine's CredWriteW failed here ($(tr -d '\r' <$T/credwrite.out))"
fi

# ---- the window: Connect as..., then F5 and Ctrl+E
if command -v xdotool >/dev/null; then
    : >$QLOG
    ESFAKE_CREDUI="CORP\\sweeper|$PASSWORD" "$WINE" $EXE --servers "$(wine_path $T/servers.txt)" --log System --hours $HOURS \
        --timeout $TIMEOUT >$T/gui.out 2>&1 &
    app=$!
    if main=$(find_window EventSweep 30); then
        sleep 1
        xdotool windowfocus --sync "$main" 2>/dev/null
        xdotool key --clearmodifiers alt+c
        sleep 0.8
        import -window root build/test/accounts-menu.png 2>/dev/null
        xdotool key Down Return   # the first item: another account (Negotiate)
        sleep 1
        import -window root build/test/accounts-list.png 2>/dev/null
        xdotool windowfocus --sync "$main" 2>/dev/null
        xdotool key F5
        i=0; while [ "$(wc -l <$QLOG)" -lt 11 ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
        sleep 3
        import -window root build/test/accounts-read.png 2>/dev/null
        if export_as "$main" $T/gui-rows.csv; then
            i=0; while [ ! -s $T/gui-rows.csv ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
            sleep 0.5
            run_checker gui build/test/check_view --name gui --view $T/gui-rows.csv --sort TimeCreated:desc --all $T/user-rows.csv
        else
            echo "FAIL gui: Ctrl+E opened no Save dialog"
        fi
    else
        echo "FAIL gui: no EventSweep window"
    fi
    wine_kill
    wait $app 2>/dev/null
else
    echo "SKIP gui: xdotool is not installed"
fi

# ---- the password is in no file: the runs' outputs, exports, statuses, logs, and the settings
found=$(grep -rlF -- "$PASSWORD" $T "$WINEPREFIX/drive_c/users" 2>/dev/null | grep -v 'fleet.txt$')
if [ -z "$found" ]; then echo "PASS password-in-no-file"; else echo "FAIL password-in-no-file: $found"; fi
exit 0
