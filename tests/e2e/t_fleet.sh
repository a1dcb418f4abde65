#!/bin/sh
# The fleet summary in the window (issue #9): a sweep of a simulated fleet where the same events
# strike three servers within a minute (edge= servers, one anchor: clock=load) and others are
# spread over hours, run with --burst 2,5 --export --html (no --exit: the window stays). Nothing
# is computed while the fleet tabs are hidden. Then tests/win/fleet_probe.exe shows the Summary
# tab and reads its list, and the native checker tests/e2e/check_fleet.c recomputes every group
# from the exported CSV — events, servers, the level, whether it stands out under the rule and
# the default order — and compares. The rule typed into the page's edits: a bad value is named,
# 3 servers within 10 minutes recomputes (checked again); a burst line is drawn in amber, another
# not (pixels of a screenshot). A click on a group (LVM_SETITEMSTATE) leaves exactly that event's
# rows, the count label names it and "Show all rows" appears; the summary, computed again
# meanwhile, keeps every group; it follows the Find box; Ctrl+Tab and Ctrl+Shift+Tab switch the tabs;
# Esc in the list brings every row back; the window closes. The report got --burst's rule too.
# $T/picked.png (a pick shown) is the screenshot kept as /tmp/fleet-summary.png for the lead.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir fleet
need_exe fleet
need_fake fleet
PROBE=build/test/fleet_probe.exe
[ -f $PROBE ] || { echo "FAIL fleet: $PROBE not built (make -f Makefile.mingw fake)"; exit 1; }
build_checker check_fleet fleet-checker
cat >$T/fleet.txt <<'FLEET'
sim-fl-a  events=40 edge=2 step=1500 seed=5 clock=load
sim-fl-b  events=40 edge=2 step=1500 seed=6 clock=load
sim-fl-c  events=40 edge=2 step=1500 seed=7 clock=load
sim-fl-d  events=120 span=7 seed=8 clock=load
sim-fl-e  events=60 span=7 seed=9 clock=load
sim-live  events=20 span=1 rate=20 seed=10
FLEET
printf 'sim-fl-a\nsim-fl-b\nsim-fl-c\nsim-fl-d\nsim-fl-e\n' >$T/servers.txt
e2e_wine fleet fleet fleet
export ESFAKE_FLEET=$(wine_path $T/fleet.txt)

probe() { "$WINE" $PROBE "$@" 2>&1 | tr -d '\r'; }
val() { sed -n "s/^$1=//p" "$2" | head -1; }

"$WINE" $EXE --servers "$(wine_path $T/servers.txt)" --log System --hours 8 --timeout 20 --run --burst 2,5 \
    --export "$(wine_path $T/rows.csv)" --html "$(wine_path $T/report.html)" >$T/app.out 2>&1 &
app=$!
main=$(find_window EventSweep 30) || { echo "FAIL fleet-window: no EventSweep window"; exit 1; }
for i in $(seq 1 60); do [ -s $T/rows.csv ] && [ -s $T/report.html ] && break; sleep 1; done
[ -s $T/rows.csv ] || { echo "FAIL fleet-export: no $T/rows.csv after a minute"; exit 1; }
sleep 1
rows=$(awk '{ q += gsub(/"/, "&"); if (q % 2 == 0) n++ } END { print n - 1 }' $T/rows.csv)
echo "     the sweep: $rows rows"

# the report has the rule of --burst
grep -q 'seen on 2 or more servers within 5 minutes' $T/report.html && echo "PASS fleet-report-rule" ||
    echo "FAIL fleet-report-rule: $(grep -o '<p>[^<]*within[^<]*</p>' $T/report.html)"

# nothing is computed while the fleet tabs are hidden; the Summary tab, under --burst 2,5
ms=$(probe ms EventSweep | sed -n 's/^ms=//p')
[ "$ms" = -1 ] && echo "PASS fleet-idle-while-hidden" || echo "FAIL fleet-idle-while-hidden: a summary job ran ($ms ms) before the tab was shown"
probe tab EventSweep 2 >$T/tab.txt
probe summary EventSweep "$(wine_path $T/sum25.tsv)" >$T/sum25.probe
echo "     $(tr '\n' ' ' <$T/sum25.probe)"
run_checker fleet25 build/test/check_fleet --name fleet-2-5 $T/rows.csv $T/sum25.tsv 2 5
import -window "$main" $T/summary25.png 2>/dev/null

# the rule typed in: a bad value is named, a good one recomputes
probe rule EventSweep 1 10 >$T/bad.probe
if grep -q '^info=Servers: "1" is not a whole number from 2 to 10000' $T/bad.probe; then echo "PASS fleet-rule-bad-value"
else echo "FAIL fleet-rule-bad-value: $(cat $T/bad.probe)"; fi
probe rule EventSweep 3 10 >$T/good.probe
i=0   # until the summary of the new rule is there (its line differs from 2,5's)
while [ $i -lt 30 ]; do
    sleep 0.5
    probe summary EventSweep "$(wine_path $T/sum310.tsv)" >$T/sum310.probe
    [ "$(grep '^info=' $T/sum310.probe)" != "$(grep '^info=' $T/sum25.probe)" ] && break
    i=$((i + 1))
done
echo "     $(tr '\n' ' ' <$T/sum310.probe)"
run_checker fleet310 build/test/check_fleet --name fleet-3-10 $T/rows.csv $T/sum310.tsv 3 10
import -window root $T/root.png 2>/dev/null
import -window "$main" $T/summary.png 2>/dev/null

# a burst line is amber, another white (the first burst and the first other group in the list)
b=$(awk -F'\t' 'NR > 1 && $8 != "" { print NR - 2; exit }' $T/sum310.tsv)
n=$(awk -F'\t' 'NR > 1 && $8 == "" { print NR - 2; exit }' $T/sum310.tsv)
pixel() {   # pixel ITEM: the colour of a background point of the item's Events cell
    _p=$(probe point EventSweep $1)
    _x=$(echo "$_p" | sed -n 's/^x=\([0-9-]*\) .*/\1/p'); _y=$(echo "$_p" | sed -n 's/.* y=\([0-9-]*\)$/\1/p')
    convert $T/root.png -format "%[pixel:p{$_x,$_y}]" info: 2>/dev/null
}
if [ -n "$b" ] && [ -n "$n" ]; then
    pb=$(pixel $b); pn=$(pixel $n)
    case "$pb" in *255,236,179*|*"#FFECB3"*) ok_b=1 ;; *) ok_b=0 ;; esac
    case "$pn" in *255,236,179*|*"#FFECB3"*) ok_n=0 ;; *) ok_n=1 ;; esac
    [ $ok_b = 1 ] && [ $ok_n = 1 ] && echo "PASS fleet-burst-coloured: item $b $pb, item $n $pn" ||
        echo "FAIL fleet-burst-coloured: burst item $b is $pb, other item $n is $pn"
else
    echo "FAIL fleet-burst-coloured: the list has no burst ($b) or no other group ($n) under 3 servers within 10 minutes"
fi

# a click on a group: exactly its rows
pick_check() {   # pick_check ITEM: the group's rows, and the label
    _src=$(awk -F'\t' -v i=$1 'NR == i + 2 { print $1 }' $T/sum310.tsv)
    _id=$(awk -F'\t' -v i=$1 'NR == i + 2 { print $2 }' $T/sum310.tsv)
    _ev=$(awk -F'\t' -v i=$1 'NR == i + 2 { print $3 }' $T/sum310.tsv)
    probe pick EventSweep $1 "$(wine_path $T/pick$1.tsv)" >$T/pick$1.probe
    _n=$(val rows $T/pick$1.probe); _label=$(val label $T/pick$1.probe); _sa=$(val showall $T/pick$1.probe)
    _other=$(awk -F'\t' -v s="$_src" -v id="$_id" 'NR > 1 && (tolower($4) != tolower(s) || $5 != id)' $T/pick$1.tsv | wc -l)
    _want="$_ev of $rows rows — event $_id of $_src"
    if [ "$_n" = "$_ev" ] && [ "$_other" = 0 ] && [ "$_label" = "$_want" ] && [ "$_sa" = 1 ]; then
        echo "PASS fleet-pick-$1: $_label"
    else
        echo "FAIL fleet-pick-$1: $_n rows ($_other of another event), label [$_label] (want [$_want]), Show all rows visible $_sa"
    fi
}
pick_check $b
# a taller pane for the screenshot: the splitter (above the tabs) dragged up
sy=$(xwininfo -id "$main" 2>/dev/null | sed -n 's/.*Absolute upper-left Y: *//p')
sx=$(xwininfo -id "$main" 2>/dev/null | sed -n 's/.*Absolute upper-left X: *//p')
if [ -n "$sy" ]; then
    xdotool mousemove $((sx + 700)) $((sy + 488)) mousedown 1 mousemove $((sx + 700)) $((sy + 400)) \
        mousemove $((sx + 700)) $((sy + 330)) mouseup 1 2>/dev/null; sleep 0.5
fi
import -window "$main" $T/picked.png 2>/dev/null
pick_check $n
# the summary keeps every group while a pick is shown, computed again (another rule) meanwhile
probe rule EventSweep 3 11 >/dev/null
sleep 2
probe summary EventSweep "$(wine_path $T/sumpick.tsv)" >$T/sumpick.probe
cut -f1-4 $T/sumpick.tsv >$T/sumpick.cut; cut -f1-4 $T/sum310.tsv >$T/sum310.cut
probe rule EventSweep 3 10 >/dev/null
probe esc EventSweep >/dev/null   # the pick ends before the find below
probe pick EventSweep $n "$(wine_path $T/pickagain.tsv)" >/dev/null
grep -q 'stand' $T/sumpick.probe && cmp -s $T/sumpick.cut $T/sum310.cut && echo "PASS fleet-summary-ignores-pick" ||
    echo "FAIL fleet-summary-ignores-pick: $(sed -n "s/^groups=\([0-9]*\).*/\1/p" $T/sumpick.probe) groups while a pick is shown, $(($(wc -l <$T/sum310.tsv) - 1)) before"
# the summary follows the Find box (not the pick): the rows of one server
probe find EventSweep sim-fl-d >/dev/null
d_rows=$(grep -c '^sim-fl-d,' $T/rows.csv)
i=0   # the find's own job first, then the summary's (a loaded machine takes seconds)
while [ $i -lt 30 ]; do
    sleep 0.5
    probe summary EventSweep "$(wine_path $T/sumfind.tsv)" >$T/sumfind.probe
    grep -q "^info=.* in $d_rows rows;" $T/sumfind.probe && break
    i=$((i + 1))
done
if grep -q "^info=.* in $d_rows rows;" $T/sumfind.probe; then echo "PASS fleet-summary-follows-find: $d_rows rows of sim-fl-d"
else echo "FAIL fleet-summary-follows-find: want $d_rows rows, $(grep '^info=' $T/sumfind.probe)"; fi
probe find EventSweep "" >/dev/null

probe tab EventSweep 2 >/dev/null
xdotool windowfocus --sync "$main" 2>/dev/null
# Ctrl+Tab and Ctrl+Shift+Tab switch the pane's tabs
xdotool key --clearmodifiers ctrl+Tab; sleep 0.3
t1=$(probe tab EventSweep -1 | sed -n 's/^tab=//p')
import -window "$main" $T/timeline.png 2>/dev/null
xdotool key --clearmodifiers ctrl+shift+Tab; sleep 0.3
t2=$(probe tab EventSweep -1 | sed -n 's/^tab=//p')
[ "$t1" = 3 ] && [ "$t2" = 2 ] && echo "PASS fleet-ctrl-tab" || echo "FAIL fleet-ctrl-tab: Ctrl+Tab showed tab $t1, Ctrl+Shift+Tab $t2 (from 2)"

# the timeline: Enter on a cell picks that server's rows of that time (the label says which)
probe tab EventSweep 3 >/dev/null
sleep 1
probe cell EventSweep "$(wine_path $T/cell.tsv)" >$T/cell.probe
import -window "$main" $T/timeline-picked.png 2>/dev/null
cl=$(val label $T/cell.probe)
cs=$(echo "$cl" | sed -n 's/^[0-9]* of [0-9]* rows — \(.*\) from .* to .*$/\1/p')
ca=$(echo "$cl" | sed -n 's/.* from \(.*\) to .*$/\1/p')
cb=$(echo "$cl" | sed -n 's/.* to \(.*\)$/\1/p')
[ ${#cb} -lt 11 ] && cb="$(echo "$ca" | cut -c1-11)$cb"
# times as "YYYY-MM-DD HH:MM:SS" (the window's local time is UTC here, as the export's)
want=$(tr -d '\r' <$T/rows.csv | awk -F, -v s="$cs" -v a="$ca" -v b="$cb" '
    function norm(t) { sub(/T/, " ", t); sub(/[.Z].*$/, "", t); while (length(t) < 19) t = t (length(t) == 16 ? ":00" : "0"); return t }
    NR > 1 && $1 == s { t = norm($2); if (t >= norm(a) && t < norm(b)) n++ } END { print n + 0 }')
cn=$(val rows $T/cell.probe)
cother=$(awk -F'\t' -v s="$cs" 'NR > 1 && $1 != s' $T/cell.tsv | wc -l)
if [ -n "$cs" ] && [ "$cn" = "$want" ] && [ "$cn" -gt 0 ] && [ "$cother" = 0 ]; then
    echo "PASS fleet-timeline-cell-picks: $cl"
else
    echo "FAIL fleet-timeline-cell-picks: label [$cl], $cn rows shown ($cother of another server), the export has $want in that time"
fi
probe esc EventSweep >$T/esc.probe
if [ "$(val rows $T/esc.probe)" = "$rows" ] && [ "$(val showall $T/esc.probe)" = 0 ]; then echo "PASS fleet-esc-shows-all: $(val rows $T/esc.probe) rows"
else echo "FAIL fleet-esc-shows-all: $(tr '\n' ' ' <$T/esc.probe)"; fi

"$WINE" taskkill /im eventsweep.exe >/dev/null 2>&1
wait_gone $app 20 && echo "PASS fleet-closes" || echo "FAIL fleet-closes: the window did not close within 20 s"

# live follow: the summary takes the rows as they come (at most once a second)
"$WINE" $EXE --log System --hours 1 --timeout 20 --run --follow sim-live >$T/live.out 2>&1 &
app=$!
if main=$(find_window EventSweep 30); then
    sleep 3
    probe tab EventSweep 2 >/dev/null
    probe summary EventSweep "$(wine_path $T/live1.tsv)" >$T/live1.probe
    sleep 4
    probe summary EventSweep "$(wine_path $T/live2.tsv)" >$T/live2.probe
    r1=$(sed -n 's/^info=.* in \([0-9,]*\) rows;.*/\1/p' $T/live1.probe | tr -d ,)
    r2=$(sed -n 's/^info=.* in \([0-9,]*\) rows;.*/\1/p' $T/live2.probe | tr -d ,)
    if [ -n "$r1" ] && [ -n "$r2" ] && [ "$r2" -gt "$r1" ]; then echo "PASS fleet-follows-new-rows: $r1 rows, then $r2"
    else echo "FAIL fleet-follows-new-rows: $r1 rows, then $r2 ($(grep '^info=' $T/live2.probe))"; fi
    "$WINE" taskkill /im eventsweep.exe >/dev/null 2>&1
    wait_gone $app 20 && echo "PASS fleet-live-closes" || echo "FAIL fleet-live-closes: the window did not close within 20 s"
else
    echo "FAIL fleet-follows-new-rows: no EventSweep window"
fi
