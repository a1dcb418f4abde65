#!/bin/sh
# A short libFuzzer run (CI) of the filter parsers and the query builder (es_filter), with the
# invariants the harness checks. FUZZ_FILTER_SECONDS changes the length (default 20).
cd "$(dirname "$0")/../.." || exit 1
secs=${FUZZ_FILTER_SECONDS:-20}
B=build/fuzz-filter
mkdir -p $B/corpus $B/crashes
command -v clang >/dev/null 2>&1 || { echo "SKIP fuzz_filter: clang is not installed"; exit 0; }
if ! clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Iinclude \
        -o $B/fuzz_filter tests/fuzz/fuzz_filter.c src/core/filter.c src/core/time.c src/core/buf.c 2>$B/build.txt; then
    if grep -q 'fuzzer' $B/build.txt && ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer*.a >/dev/null 2>&1; then
        echo "SKIP fuzz_filter: libFuzzer runtime missing (libclang-rt-dev)"; exit 0
    fi
    cat $B/build.txt
    echo "FAIL fuzz_filter: cannot build the fuzz target"
    exit 1
fi
# Seeds: levels NUL IDs NUL providers.
printf 'error,warning\0004624,1000-1010,-4634\000EventLog,O'"'"'B' >$B/corpus/seed1
printf 'information,audit-success\000-1,-2-9,7,8,9,10,11,12,13,14,15,16,17,18,19,20\000A&B<C>,x,y,z' >$B/corpus/seed2
printf 'critical\0000-65535,-5\000' >$B/corpus/seed3
if $B/fuzz_filter -max_total_time="$secs" -max_len=4096 -artifact_prefix=$B/crashes/ -print_final_stats=1 $B/corpus \
        >$B/log.txt 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' $B/log.txt | grep -o '[0-9]*$')
    echo "PASS fuzz_filter: ${runs:-?} inputs in ${secs} s, no crash, no broken invariant"
else
    tail -30 $B/log.txt
    echo "FAIL fuzz_filter: see $B/log.txt and $B/crashes/"
    exit 1
fi
