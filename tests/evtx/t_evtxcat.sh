#!/bin/sh
# evtxcat's command line: usage errors, exit codes, CSV header, --hours, directories, -j N.
cd "$(dirname "$0")/../.." || exit 1
[ -x build/native/evtxcat ] || make -f Makefile.mingw --no-print-directory native >/dev/null || { echo "FAIL evtxcat: cannot build"; exit 1; }
E=build/native/evtxcat
T=build/evtx-test/cli; rm -rf $T; mkdir -p $T
check() {  # check NAME EXPECTED_RC ACTUAL_RC [why]
    if [ "$2" = "$3" ]; then echo "PASS evtxcat $1"; else echo "FAIL evtxcat $1: exit $3, expected $2 $4"; fi
}
$E >/dev/null 2>$T/err; check "no arguments is a usage error" 1 $?
$E --bogus x >/dev/null 2>$T/err; check "unknown option" 1 $?
grep -q 'unknown option "--bogus"' $T/err && echo "PASS evtxcat names the bad option" || echo "FAIL evtxcat names the bad option: $(cat $T/err)"
$E --hours abc x >/dev/null 2>$T/err; check "--hours abc" 1 $?
$E --hours 9000 x >/dev/null 2>$T/err; check "--hours 9000" 1 $?
for j in "-j abc" "-j 65" "--jobs=-1" "-j"; do
    $E $j x >/dev/null 2>$T/err; check "$j is a usage error" 1 $?
done
$E -j 65 x >/dev/null 2>$T/err
grep -q '^evtxcat: -j: "65" is not a whole number from 0 to 64' $T/err && echo "PASS evtxcat names the bad -j value" || echo "FAIL evtxcat names the bad -j value: $(cat $T/err)"
$E --jobs=abc x >/dev/null 2>$T/err
grep -q '^evtxcat: --jobs: "abc"' $T/err && echo "PASS evtxcat names the bad --jobs value" || echo "FAIL evtxcat names the bad --jobs value: $(cat $T/err)"
$E $T/missing.evtx >/dev/null 2>$T/err; check "missing file" 1 $?
grep -q 'missing.evtx' $T/err && echo "PASS evtxcat names the missing file" || echo "FAIL evtxcat names the missing file"
printf 'not an evtx file' >$T/junk.evtx
$E $T/junk.evtx >/dev/null 2>$T/err; check "not an evtx file" 1 $?
mkdir -p $T/empty
$E $T/empty >$T/out.csv 2>$T/err; check "empty directory" 0 $?
head -c 3 $T/out.csv | od -An -tx1 | grep -q 'ef bb bf' && echo "PASS evtxcat CSV starts with a BOM" || echo "FAIL evtxcat CSV starts with a BOM"
grep -q '^.*Server,TimeCreated,Level,Source,EventID,Task,RecordID,Computer,Message,Received,Log' $T/out.csv \
    && echo "PASS evtxcat CSV header" || echo "FAIL evtxcat CSV header"
S=../shared/evtx-samples
if [ -f "$S/security.evtx" ]; then
    $E "$S/security.evtx" >$T/sec.csv 2>$T/err; check "good file exits 0" 0 $?
    # first data row: Server is the base name, times are ISO 8601 UTC
    sed -n 2p $T/sec.csv | grep -q '^security.evtx,2016-07-08T18:12:51.681Z,Information,Microsoft-Windows-Security-Auditing,4608,(12288),1,' \
        && echo "PASS evtxcat first CSV row" || echo "FAIL evtxcat first CSV row: $(sed -n 2p $T/sec.csv | head -c 200)"
    $E --hours 1 "$S/security.evtx" >$T/h.csv 2>/dev/null; check "--hours 1" 0 $?
    [ "$(wc -l <$T/h.csv)" = 1 ] && echo "PASS evtxcat --hours 1 keeps only recent events (none from 2016)" \
        || echo "FAIL evtxcat --hours 1: $(wc -l <$T/h.csv) lines"
    $E --hours=0 --xml "$S/security.evtx" | wc -l | grep -q '^2261$' && echo "PASS evtxcat --hours=0 keeps all" || echo "FAIL evtxcat --hours=0"
    $E "$S/sample-with-zero-data-size-event.evtx" >/dev/null 2>$T/err; check "damaged file exits 2" 2 $?
    grep -q 'damaged records skipped' $T/err && echo "PASS evtxcat counts skipped records on stderr" || echo "FAIL evtxcat skipped count: $(tail -1 $T/err)"
    mkdir -p $T/dir; cp "$S/new-user-security.evtx" $T/dir/b.evtx; cp "$S/Security_short_selected.evtx" $T/dir/a.evtx
    echo x >$T/dir/c.txt
    $E --xml $T/dir >$T/dir.xml 2>/dev/null; check "directory" 0 $?
    [ "$(wc -l <$T/dir.xml)" = 11 ] && echo "PASS evtxcat directory reads *.evtx only (7 + 4 records)" || echo "FAIL evtxcat directory: $(wc -l <$T/dir.xml) records"
    $E $T/dir >$T/dir.csv 2>/dev/null
    awk -F, 'NR>1 && /^[ab]\.evtx,/ {print $1}' $T/dir.csv | uniq | tr '\n' ' ' | grep -q '^a.evtx b.evtx $' \
        && echo "PASS evtxcat directory in name order" || echo "FAIL evtxcat directory order"
    $E "$S/security.evtx" $T/missing.evtx >/dev/null 2>&1; check "one bad file among good ones" 1 $?
    # -j N: files read on N threads, the output as with one: stdout byte for byte (but Received,
    # the time of the run), stderr line for line, the exit status. The samples (with damaged
    # files: exit 2), then a mix with a missing file and a non-evtx one (exit 1).
    strip_received() { sed 's/,[0-9T:.-]*Z,\([^,]*\)\r\?$/,\1/' "$1"; }   # Received is before Log
    for args in "$S" "$S/sysmon.evtx $T/missing.evtx $S/security.evtx $T/junk.evtx $T/dir $S"; do
        for o in "" --xml; do
            # shellcheck disable=SC2086
            $E $o $args >$T/j1.out 2>$T/j1.err; r1=$?
            strip_received $T/j1.out >$T/j1.cmp
            for j in "-j 2" "--jobs=4" "-j64"; do
                # shellcheck disable=SC2086
                $E $o $j $args >$T/jn.out 2>$T/jn.err; rn=$?
                strip_received $T/jn.out >$T/jn.cmp
                what="evtxcat ${o:---csv} $j on ${args%% *}$([ "$args" = "$S" ] || echo ' and others')"
                if [ $r1 = $rn ] && cmp -s $T/j1.cmp $T/jn.cmp && cmp -s $T/j1.err $T/jn.err; then
                    echo "PASS $what: same output, warnings and exit status ($rn) as -j 1"
                else
                    echo "FAIL $what: exit $rn vs $r1; $(cmp $T/j1.cmp $T/jn.cmp 2>&1 | head -1) $(cmp $T/j1.err $T/jn.err 2>&1 | head -1)"
                fi
            done
        done
    done
    [ "$(wc -c <$T/j1.cmp)" -gt 1000000 ] && echo "PASS evtxcat -j compared a few MB of output" || echo "FAIL evtxcat -j: little output"
    $E -j 2 "$S/security.evtx" >$T/sec2.csv 2>/dev/null; check "-j 2 on one file" 0 $?
    [ "$(strip_received $T/sec.csv | md5sum)" = "$(strip_received $T/sec2.csv | md5sum)" ] \
        && echo "PASS evtxcat -j 2 on one file: the same rows" || echo "FAIL evtxcat -j 2 on one file: other rows"
else
    echo "SKIP evtxcat sample-based checks: $S is absent"
fi
rm -rf $T
exit 0
