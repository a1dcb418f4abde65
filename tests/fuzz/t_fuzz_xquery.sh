#!/bin/sh
# A short libFuzzer run (CI) of the Event Viewer view reader and matcher (es_xquery), with the
# invariants the harness checks. FUZZ_XQUERY_SECONDS changes the length (default 30).
cd "$(dirname "$0")/../.." || exit 1
secs=${FUZZ_XQUERY_SECONDS:-30}
B=build/fuzz-xquery
mkdir -p $B/corpus $B/crashes
command -v clang >/dev/null 2>&1 || { echo "SKIP fuzz_xquery: clang is not installed"; exit 0; }
if ! clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Iinclude \
        -o $B/fuzz_xquery tests/fuzz/fuzz_xquery.c src/core/xquery.c src/core/xquery_xpath.c src/core/xquery_text.c src/core/xquery_eval.c src/core/xmlmini.c \
        src/core/time.c src/core/utf.c src/core/buf.c 2>$B/build.txt; then
    if grep -q 'fuzzer' $B/build.txt && ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer*.a >/dev/null 2>&1; then
        echo "SKIP fuzz_xquery: libFuzzer runtime missing (libclang-rt-dev)"; exit 0
    fi
    cat $B/build.txt
    echo "FAIL fuzz_xquery: cannot build the fuzz target"
    exit 1
fi
# Seeds: what Event Viewer writes.
printf '%s' '<QueryList><Query Id="0" Path="System"><Select Path="System">*[System[Provider[@Name='"'"'EventLog'"'"'] and (Level=1  or Level=2) and (EventID=41 or EventID=6008) and TimeCreated[timediff(@SystemTime) &lt;= 86400000]]]</Select></Query></QueryList>' >$B/corpus/seed1
printf '%s' '<ViewerConfig><QueryConfig><QueryParams><Simple><Channel>Security</Channel></Simple></QueryParams><QueryNode><Name>Failed logons</Name><QueryList><Query Id="0" Path="Security"><Select Path="Security">*[System[band(Keywords,4503599627370496) and (EventID=4625)]] and *[EventData[Data[@Name='"'"'LogonType'"'"']='"'"'3'"'"']]</Select><Suppress Path="Security">*[EventData[Data[@Name='"'"'TargetUserName'"'"']='"'"'svc'"'"']]</Suppress></Query></QueryList></QueryNode></QueryConfig></ViewerConfig>' >$B/corpus/seed2
printf '%s' "*[System[TimeCreated[@SystemTime>='2026-11-01T00:00:00.000Z' and @SystemTime<='2026-11-28T23:59:59.999Z']] and UserData/*/PrinterName=\"P1\"]" >$B/corpus/seed3
# the first seed as Event Viewer may save it: UTF-16 LE with a BOM
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE $B/corpus/seed1; } >$B/corpus/seed4 2>/dev/null || rm -f $B/corpus/seed4
if $B/fuzz_xquery -max_total_time="$secs" -max_len=4096 -timeout=10 -artifact_prefix=$B/crashes/ -print_final_stats=1 \
        $B/corpus >$B/log.txt 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' $B/log.txt | grep -o '[0-9]*$')
    echo "PASS fuzz_xquery: ${runs:-?} inputs in ${secs} s, no crash, no broken invariant"
else
    tail -30 $B/log.txt
    echo "FAIL fuzz_xquery: see $B/log.txt and $B/crashes/"
    exit 1
fi
