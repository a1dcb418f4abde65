#!/bin/sh
# The SIMULATED FLEET's own test: builds tests/e2e/fakeapi_test.c (a Windows console program)
# and runs it under Wine with the test-only wevtapi.dll installed in a throwaway prefix's
# system32, loaded the way EventSweep loads it. Prints PASS/FAIL lines.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh

T=build/test
mkdir -p $T
need_fake fake-build
# build_test NAME CHECK: tests/e2e/NAME.c (with fleetgen.c) to $T/NAME.exe; FAIL CHECK and exit
build_test() {
    if ! x86_64-w64-mingw32-gcc -std=c11 -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-cast-function-type \
            -Itests/fake -DUNICODE -D_UNICODE -D_WIN32_WINNT=0x0A00 -municode -static \
            -o $T/$1.exe tests/e2e/$1.c tests/fake/fleetgen.c 2>$T/$1.build.txt; then
        cat $T/$1.build.txt
        echo "FAIL $2: x86_64-w64-mingw32-gcc failed"
        exit 1
    fi
}
build_test fakeapi_test fakeapi-build
echo "PASS fakeapi-build"

e2e_wine fakeapi wine-setup

# The fleet fakeapi_test.c expects (its numbers are written into the test).
fleet=$T/fakeapi-fleet.txt
cat >$fleet <<'EOF'
# fleet for tests/e2e/fakeapi_test.c
ok1     latency=20 events=500 span=24 seed=7
deny1   deny
down1   down latency=200
noch    nochannel channels=Application
brk     break=50 events=300 span=10
hang1   hang latency=10
hangq   hangquery latency=10
nof     nofilter events=400 span=48
localhost events=30 span=4 latency=5
clk     clock=load events=100 span=10 latency=5
edg     edge=8 events=20 clock=load latency=5
edgs    edge=2 step=2000 events=11 clock=load latency=5
edgq    edge=8 events=20 latency=5
stk     stuck=25 events=100 span=10 latency=5
stkf    stuckformat=3 events=40 span=10 latency=5
flt     events=3000 span=48 seed=9 latency=5
big     events=1000000 span=48 latency=5
lgfull  first=51 full events=200 span=10 latency=5
lgclr   first=101 events=200 span=10 latency=5 clock=load
lgempty first=21 events=20 latency=5
lgslow  latency=300 events=10
EOF
i=0
while [ $i -lt 20 ]; do
    printf 'par%02d latency=300 events=5\n' $i >>$fleet
    i=$((i + 1))
done

leaks=$T/fakeapi-leaks.txt
qlog=$T/fakeapi-querylog.txt
rm -f $leaks $qlog
ESFAKE_FLEET=$(wine_path "$fleet") ESFAKE_LEAKS=$(wine_path "$leaks") ESFAKE_QUERYLOG=$(pwd)/$qlog \
    timeout -k 5 180 "$WINE" $T/fakeapi_test.exe >$T/fakeapi_test.out 2>$T/fakeapi_test.err
rc=$?
cat $T/fakeapi_test.out | tr -d '\r'
if [ $rc -ne 0 ] && ! grep -q '^FAIL' $T/fakeapi_test.out; then
    echo "FAIL fakeapi-run: fakeapi_test.exe exited $rc without a FAIL line (stderr: $(head -c 400 $T/fakeapi_test.err))"
fi

# ESFAKE_QUERYLOG: one line per EvtQuery, SERVER TAB PATH TAB FLAGS TAB RESULT TAB QUERY (a Unix
# path, as the fake reads it as Z:\...)
tab=$(printf '\t')
qlog_has() {  # qlog_has NAME FIXED-LINE: the log holds exactly that line
    if grep -qxF "$2" $qlog 2>/dev/null; then echo "PASS $1"; else echo "FAIL $1: no line \"$2\" in $qlog"; fi
}
qlog_has querylog-record-id "flt${tab}System${tab}0x101${tab}0${tab}*[System[EventRecordID=2999]]"
qlog_has querylog-refused "flt${tab}System${tab}0x101${tab}15001${tab}*[System[not(Level=2)]]"
qlog_has querylog-null-path "flt${tab}${tab}0x101${tab}87${tab}*[System[Level=2]]"
# the QueryList's CR LF became spaces: one line from <QueryList> to </QueryList>
if grep -q "^flt${tab}System${tab}0x101${tab}0${tab}<QueryList>  <Query Id=\"0\" Path=\"System\">  <Select .*</QueryList>\$" $qlog 2>/dev/null; then
    echo "PASS querylog-one-line"
else
    echo "FAIL querylog-one-line: no one-line QueryList of flt in $qlog"
fi
n=$(grep -c . $qlog 2>/dev/null)
fields_ok=$(awk -F'\t' 'NF < 5 { bad++ } END { print bad + 0 }' $qlog 2>/dev/null)
if [ "${n:-0}" -gt 50 ] && [ "$fields_ok" = 0 ]; then echo "PASS querylog-every-query"; else echo "FAIL querylog-every-query: $n lines, $fields_ok malformed"; fi

# stuck and stuckformat: calls that never return, on threads the program leaves behind and ends
# with ExitProcess; a process of their own, so the handle report above stays exact.
ESFAKE_FLEET=$(wine_path "$fleet") timeout -k 5 60 "$WINE" $T/fakeapi_test.exe stuck >$T/fakeapi_stuck.out 2>$T/fakeapi_stuck.err
rc2=$?
cat $T/fakeapi_stuck.out | tr -d '\r'
if [ $rc2 -ne 0 ] && ! grep -q '^FAIL' $T/fakeapi_stuck.out; then
    echo "FAIL fakeapi-stuck-run: fakeapi_test.exe stuck exited $rc2 without a FAIL line (stderr: $(head -c 400 $T/fakeapi_stuck.err))"
fi
# Live servers, subscriptions and bookmarks: a program of its own (its fleet is written into
# subscribe_test.c, whose timed scenarios count from the DLL's load).
build_test subscribe_test subscribe-build
sleaks=$T/subscribe-leaks.txt
rm -f $sleaks
ESFAKE_LEAKS=$(wine_path "$sleaks") timeout -k 5 120 "$WINE" $T/subscribe_test.exe "$(wine_path $T/subscribe-fleet.txt)" \
    >$T/subscribe_test.out 2>$T/subscribe_test.err
rc3=$?
cat $T/subscribe_test.out | tr -d '\r'
if [ $rc3 -ne 0 ] && ! grep -q '^FAIL' $T/subscribe_test.out; then
    echo "FAIL subscribe-run: subscribe_test.exe exited $rc3 without a FAIL line (stderr: $(head -c 400 $T/subscribe_test.err))"
fi
[ $rc -eq 0 ] && [ $rc2 -eq 0 ] && [ $rc3 -eq 0 ]
