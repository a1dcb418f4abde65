#!/bin/sh
# A short libFuzzer run (CI) of the marks file reader of "New since last sweep" (es_marks), the file a user may edit, with the
# invariants the harness checks. FUZZ_MARKS_SECONDS changes the length (default 10).
cd "$(dirname "$0")/../.." || exit 1
secs=${FUZZ_MARKS_SECONDS:-10}
B=build/fuzz-marks
mkdir -p $B/corpus $B/crashes
command -v clang >/dev/null 2>&1 || { echo "SKIP fuzz_marks: clang is not installed"; exit 0; }
if ! clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Iinclude \
        -o $B/fuzz_marks tests/fuzz/fuzz_marks.c src/core/marks.c src/core/utf.c src/core/buf.c 2>$B/build.txt; then
    if grep -q 'fuzzer' $B/build.txt && ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer*.a >/dev/null 2>&1; then
        echo "SKIP fuzz_marks: libFuzzer runtime missing (libclang-rt-dev)"; exit 0
    fi
    cat $B/build.txt
    echo "FAIL fuzz_marks: cannot build the fuzz target"
    exit 1
fi
# Seeds: a marks file as EventSweep writes it, and a damaged one.
printf '# EventSweep marks\r\nsrv01\tSystem\t123\r\n10.0.0.5\tMicrosoft-Windows-TaskScheduler/Operational\t18446744073709551615\r\n' >$B/corpus/seed1
printf 'srv\tSystem\t12a\n' >$B/corpus/seed2
if $B/fuzz_marks -max_total_time="$secs" -max_len=8192 -timeout=10 -artifact_prefix=$B/crashes/ -print_final_stats=1 \
        $B/corpus >$B/log.txt 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' $B/log.txt | grep -o '[0-9]*$')
    echo "PASS fuzz_marks: ${runs:-?} inputs in ${secs} s, no crash, no broken invariant"
else
    tail -30 $B/log.txt
    echo "FAIL fuzz_marks: see $B/log.txt and $B/crashes/"
    exit 1
fi
