#!/bin/sh
# A short libFuzzer run (CI) of the server-list and source-name parsers (es_listfile, es_names),
# with the invariants the harness checks. FUZZ_NAMES_SECONDS changes the length (default 30).
cd "$(dirname "$0")/../.." || exit 1
secs=${FUZZ_NAMES_SECONDS:-30}
B=build/fuzz-names
mkdir -p $B/corpus $B/crashes
command -v clang >/dev/null 2>&1 || { echo "SKIP fuzz_names: clang is not installed"; exit 0; }
if ! clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Iinclude \
        -o $B/fuzz_names tests/fuzz/fuzz_listfile_names.c src/core/names.c src/core/iplit.c src/core/listfile.c \
        src/core/utf.c src/core/buf.c 2>$B/build.txt; then
    cat $B/build.txt
    echo "FAIL fuzz_names: cannot build the fuzz target"
    exit 1
fi
# A few seeds: what lists really hold.
printf 'srv01\r\n# comment\r\ndc01.corp.example.com\r\n10.0.0.5\r\n[fe80::1%%eth0]\r\n\\\\fs01\\logs\\a.evtx\r\n' >$B/corpus/seed1
printf '\357\273\277.\nlocalhost\nC:\\Logs\\\n' >$B/corpus/seed2
if $B/fuzz_names -max_total_time="$secs" -artifact_prefix=$B/crashes/ -print_final_stats=1 $B/corpus \
        >$B/log.txt 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' $B/log.txt | grep -o '[0-9]*$')
    echo "PASS fuzz_names: ${runs:-?} inputs in ${secs} s, no crash, no broken invariant"
else
    tail -30 $B/log.txt
    echo "FAIL fuzz_names: see $B/log.txt and $B/crashes/"
    exit 1
fi
