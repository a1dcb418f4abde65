#!/bin/sh
# The window driven as a user would, with the keyboard (xdotool under Xvfb): Add... with several
# servers and a folder path, a refused duplicate and a malformed name, then the list remembered
# per user and used by the next start (%APPDATA%\EventSweep\servers.txt).
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir gui
mkdir -p $T/logs
need_exe gui
command -v xdotool >/dev/null || { echo "FAIL gui: xdotool is not installed"; exit 1; }
need_fake gui
printf 'srv01 events=50\nsrv02 events=60\n' >$T/fleet.txt
: >$T/logs/empty.txt   # a folder without .evtx files: the sweep must say so

e2e_wine gui gui gui
export ESFAKE_FLEET=$(wine_path $T/fleet.txt)
appdata="$WINEPREFIX/drive_c/users/$(id -un)/AppData/Roaming/EventSweep"
folder=$(wine_path $T/logs)

count_windows() { xdotool search --onlyvisible --name "^$1\$" 2>/dev/null | wc -l; }
# wait_count TITLE N SECONDS: waits until exactly N visible windows have that title.
wait_count() {
    i=0
    while [ $i -lt $(($3 * 10)) ]; do
        [ "$(count_windows "$1")" = "$2" ] && return 0
        sleep 0.1; i=$((i + 1))
    done
    return 1
}

"$WINE" $EXE >$T/app.out 2>&1 &
app=$!
main=$(find_window EventSweep 20) || { echo "FAIL gui-window: no EventSweep window"; exit 1; }
sleep 1
xdotool windowfocus --sync "$main" 2>/dev/null
xdotool key --clearmodifiers alt+a
add=$(find_window "Add sources" 10) || { echo "FAIL gui-add-dialog: Alt+A opened nothing"; exit 1; }
xdotool windowfocus --sync "$add" 2>/dev/null
xdotool type --delay 15 "srv01, srv02 10.0.0.5"
xdotool key Return
xdotool type --delay 15 "$folder"
xdotool key Tab
sleep 0.3
xdotool key Return
if wait_count 'Add sources' 0 10; then echo "PASS gui-add-closes-when-all-valid"
else echo "FAIL gui-add-closes-when-all-valid: the dialog is still open"; fi

# A duplicate and a malformed name: refused with a message, and the dialog stays open.
xdotool windowfocus --sync "$main" 2>/dev/null
xdotool key --clearmodifiers alt+a
add=$(find_window "Add sources" 10) || { echo "FAIL gui-add-dialog-again: Alt+A opened nothing"; exit 1; }
xdotool windowfocus --sync "$add" 2>/dev/null
xdotool type --delay 15 "SRV01 a..b"
xdotool key Tab
sleep 0.3
xdotool key Return
if wait_count EventSweep 2 10; then echo "PASS gui-refusal-message-shown"
else echo "FAIL gui-refusal-message-shown: no message box"; fi
import -window root $T/refused.png 2>/dev/null
xdotool key Return          # dismiss the message box
if wait_count EventSweep 1 10 && [ "$(count_windows 'Add sources')" = 1 ]; then echo "PASS gui-add-stays-open-on-refusal"
else echo "FAIL gui-add-stays-open-on-refusal"; fi
# What was refused stays in the box for the user to fix: OK again refuses the same two again
# (an emptied box would simply close the dialog).
add=$(find_window "Add sources" 2) && xdotool windowfocus --sync "$add" 2>/dev/null
xdotool key Tab
sleep 0.3
xdotool key Return
if wait_count EventSweep 2 10; then echo "PASS gui-refused-entries-kept"
else echo "FAIL gui-refused-entries-kept: OK on the box closed it or said nothing"; fi
xdotool key Return
wait_count EventSweep 1 10
add=$(find_window "Add sources" 2) && xdotool windowfocus --sync "$add" 2>/dev/null
xdotool key Escape
wait_count 'Add sources' 0 10
# Import... a list saved by Notepad as "Unicode" (UTF-16 LE with BOM): one new server, one
# already in the list, one malformed; the file is read on a background thread.
printf '\377\376' >$T/import.txt
printf '# imported\r\nsrv03\r\nsrv01\r\nsrv?7\r\n' | iconv -f UTF-8 -t UTF-16LE >>$T/import.txt
xdotool windowfocus --sync "$main" 2>/dev/null
xdotool key --clearmodifiers alt+i
open=$(find_window "Open" 10) || { echo "FAIL gui-import-dialog: Alt+I opened nothing"; }
if [ -n "$open" ]; then
    xdotool windowfocus --sync "$open" 2>/dev/null
    sleep 0.5
    xdotool type --delay 15 "$(wine_path $T/import.txt)"
    xdotool key Return
    if wait_count EventSweep 2 10; then echo "PASS gui-import-reports-refused"
    else echo "FAIL gui-import-reports-refused: no message about the two entries not added"; fi
    import -window root $T/imported.png 2>/dev/null
    xdotool key Return
    wait_count EventSweep 1 10
fi
# Del in the list removes the selected entry: Alt+S focuses the list, End selects the last one
# (srv03, just imported).
xdotool windowfocus --sync "$main" 2>/dev/null
xdotool key --clearmodifiers alt+s
sleep 0.3
xdotool key End
sleep 0.3
xdotool key Delete
sleep 0.8

# F5 sweeps; Ctrl+E exports what is shown through the Save dialog (written on a background thread).
xdotool key F5
sleep 4
if export_as "$main" $T/gui-export.csv; then
    i=0; while [ ! -s $T/gui-export.csv ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    rows=$(tr -d '\r' <$T/gui-export.csv 2>/dev/null | grep -c '^srv0[12],')
    head=$(tr -d '\r' <$T/gui-export.csv 2>/dev/null | head -1 | sed 's/^\xEF\xBB\xBF//')
    # srv01 and srv02 hold 50 and 60 events over the last 48 hours: the 8-hour window keeps some
    if [ "$head" = "Server,TimeCreated,Level,Source,EventID,Task,RecordID,Computer,Message,Received,Log" ] && [ "$rows" -gt 0 ]; then
        echo "PASS gui-f5-and-export: $rows rows written through the Save dialog"
    else
        echo "FAIL gui-f5-and-export: header [$head], $rows server rows in $T/gui-export.csv"
    fi
else
    echo "FAIL gui-f5-and-export: Ctrl+E opened no Save dialog"
fi
"$WINE" taskkill /im eventsweep.exe >/dev/null 2>&1
wait $app

tr -d '\r' <"$appdata/servers.txt" 2>/dev/null | grep -v '^#' >$T/saved.txt
printf 'srv01\nsrv02\n10.0.0.5\n%s\n' "$folder" >$T/expected.txt   # srv03 imported, then deleted
if cmp -s $T/saved.txt $T/expected.txt; then echo "PASS gui-list-saved"
else echo "FAIL gui-list-saved: got [$(tr '\n' ' ' <$T/saved.txt)] expected [$(tr '\n' ' ' <$T/expected.txt)]"; fi

# The next start uses the saved list (no sources on the command line).
"$WINE" $EXE --run --status "$(wine_path $T/status.csv)" --exit >$T/app2.out 2>&1
code=$?
tr -d '\r' <$T/status.csv 2>/dev/null | sed '1s/^\xEF\xBB\xBF//' | cut -d, -f1-4 >$T/status.txt
ok=1
[ "$code" = 2 ] || ok=0
[ "$(sed -n 1p $T/status.txt)" = "Source,State,Events,ErrorCode" ] || ok=0
grep -q '^srv01,ok,' $T/status.txt || ok=0
grep -q '^srv02,ok,' $T/status.txt || ok=0
grep -q '^10\.0\.0\.5,error,0,1722$' $T/status.txt || ok=0
grep -qF "$folder,error,0,2" $T/status.txt || ok=0
if [ $ok = 1 ]; then echo "PASS gui-saved-list-used-next-start"
else echo "FAIL gui-saved-list-used-next-start: exit $code, status: $(tr '\n' ' ' <$T/status.txt)"; fi
