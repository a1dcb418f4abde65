#!/bin/sh
# The one-file HTML report (issue #9): --html FILE after a command-line sweep of the simulated
# fleet, whose event data holds HTML meant to run (<script>alert(1)</script> and
# "><img src=x onerror=alert(1)>, tests/fake/fleetgen.c). Checked as bytes (one CSP meta, no
# script, the rows of the CSV export) and, when chromium is installed, in a real headless browser:
# the hostile data is text in the DOM, no element came from it, the policy blocked nothing (so
# nothing tried to run or load); and a screenshot, kept as build/report-screenshot.png.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir report
need_exe report
need_fake report
cat >$T/fleet.txt <<'FLEET'
sim-rep-a   events=600 span=10 seed=11
sim-rep-b   events=600 span=10 seed=12
sim-rep-c   events=600 span=10 seed=13
sim-rep-d   events=300 span=10 seed=14
sim-rep-deny deny
FLEET
printf 'sim-rep-a\nsim-rep-b\nsim-rep-c\nsim-rep-d\nsim-rep-deny\n' >$T/servers.txt
e2e_wine report report report
export ESFAKE_FLEET=$(wine_path $T/fleet.txt)

sweep_app rep $T/servers.txt 8 20 --html "$(wine_path $T/report.html)"
expect_exit rep-exit-code-2 2 "sim-rep-deny fails"
H=$T/report.html
[ -s $H ] || { echo "FAIL report-written: no $H"; exit 1; }
echo "PASS report-written"
ls $T/ | grep -q 'report.html.tmp' && echo "FAIL report-no-temp-left: a temporary file is left" || echo "PASS report-no-temp-left"

# bytes: one policy, no script, no element with a source or a link
n=$(grep -o 'http-equiv="Content-Security-Policy"' $H | wc -l)
[ "$n" = 1 ] && echo "PASS report-one-csp" || echo "FAIL report-one-csp: $n policy metas"
if grep -qi '<script\|<img\|<iframe\|<object\|<link\| src="\| href="' $H; then
    echo "FAIL report-no-active-content: $(grep -oi '.\{40\}\(<script\|<img\|<iframe\|<object\|<link\| src="\| href="\).\{40\}' $H | head -3)"
else
    echo "PASS report-no-active-content"
fi
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' $H && grep -q '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;' $H &&
    echo "PASS report-hostile-data-escaped" || echo "FAIL report-hostile-data-escaped: the fleet's hostile values are not in the report as text"
# the rows: as many as the export has (a CSV record may span lines: count by quote parity)
csv_rows=$(awk '{ q += gsub(/"/, "&"); if (q % 2 == 0) n++ } END { print n - 1 }' $T/rep-rows.csv)
html_rows=$(grep -o '<td class="msg">' $H | wc -l)
if grep -q "<h2>Events ($csv_rows)</h2>" $H && [ "$html_rows" = "$csv_rows" ]; then echo "PASS report-rows ($csv_rows)"
else echo "FAIL report-rows: the export has $csv_rows rows, the report $html_rows ($(grep -o '<h2>Events ([0-9]*)</h2>' $H))"; fi
grep -q '<h2>Sources (5)</h2>' $H && grep -q 'sim-rep-deny' $H && grep -q 'Access is denied' $H &&
    echo "PASS report-sources" || echo "FAIL report-sources: the five sources and sim-rep-deny's error are not all there"
grep -q '<h2>Fleet summary</h2>' $H && grep -q '<svg ' $H && grep -q '<th>Servers</th><td>5: sim-rep-a, sim-rep-b' $H &&
    echo "PASS report-sections" || echo "FAIL report-sections"

# the browser
# ---- the window: Save report... (Alt+O) after a sweep writes the same report of the rows shown
if command -v xdotool >/dev/null; then
    rm -f $T/gui-report.html
    "$WINE" $EXE --servers "$(wine_path $T/servers.txt)" --log System --hours 8 --timeout 20 --run >$T/gui.out 2>&1 &
    app=$!
    if main=$(find_window EventSweep 30); then
        sleep 5   # every source answered within a second or two
        xdotool windowfocus --sync "$main" 2>/dev/null
        xdotool key --clearmodifiers alt+o
        if dlg=$(find_window 'Save the report.*' 10); then
            xdotool windowfocus --sync "$dlg" 2>/dev/null
            sleep 0.4
            xdotool key ctrl+a
            xdotool type --delay 10 "$(wine_path $T/gui-report.html)"
            xdotool key Return
            i=0; while [ ! -s $T/gui-report.html ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
            sleep 0.5
            g_rows=$(grep -o '<td class="msg">' $T/gui-report.html 2>/dev/null | wc -l)
            if grep -q "<h2>Events ($csv_rows)</h2>" $T/gui-report.html 2>/dev/null && [ "$g_rows" = "$csv_rows" ] &&
                grep -q '<h2>Sources (5)</h2>' $T/gui-report.html; then
                echo "PASS report-window-save ($g_rows rows)"
            else
                echo "FAIL report-window-save: $T/gui-report.html has $g_rows rows ($(grep -o '<h2>[A-Za-z]* ([0-9]*)</h2>' $T/gui-report.html 2>/dev/null | tr '\n' ' ')), the export $csv_rows"
            fi
        else
            echo "FAIL report-window-save: Alt+O opened no Save dialog"
        fi
    else
        echo "FAIL report-window-save: no EventSweep window"
    fi
    "$WINE" taskkill /im eventsweep.exe >/dev/null 2>&1
    wait $app 2>/dev/null
else
    echo "FAIL report-window-save: xdotool is not installed"
fi

if ! command -v chromium >/dev/null 2>&1; then
    echo "SKIP report-browser: chromium is not installed (tests/deps.sh installs it on Debian)"
    exit 0
fi
URL="file://$(pwd)/$H"
CHROME="chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir=$T/chrome"
timeout 60 $CHROME --enable-logging=stderr --v=0 --dump-dom "$URL" >$T/dom.html 2>$T/chrome.log
[ -s $T/dom.html ] || { echo "FAIL report-browser: chromium dumped no DOM ($(tail -3 $T/chrome.log))"; exit 0; }
if grep -qi '<script\|<img\|<iframe\|<object' $T/dom.html; then
    echo "FAIL report-dom-no-elements: $(grep -oi '.\{30\}\(<script\|<img\|<iframe\|<object\).\{30\}' $T/dom.html | head -3)"
else
    echo "PASS report-dom-no-elements"
fi
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' $T/dom.html && grep -q '"&gt;&lt;img src=x onerror=alert(1)&gt;' $T/dom.html &&
    echo "PASS report-dom-text" || echo "FAIL report-dom-text: the hostile values are not text in the DOM"
if grep -qi 'Content Security Policy\|Refused to' $T/chrome.log; then
    echo "FAIL report-csp-quiet: the policy blocked something: $(grep -i 'Content Security Policy\|Refused to' $T/chrome.log | head -2)"
else
    echo "PASS report-csp-quiet"
fi
timeout 60 $CHROME --screenshot=$T/report.png --window-size=1280,2000 --hide-scrollbars "$URL" >$T/shot.log 2>&1
if [ -s $T/report.png ]; then
    cp $T/report.png build/report-screenshot.png
    echo "PASS report-screenshot (build/report-screenshot.png)"
else
    echo "FAIL report-screenshot: chromium wrote none ($(tail -2 $T/shot.log))"
fi
