#!/bin/sh
# A short libFuzzer run (CI) of the classic event log record reader (es_evtrec), the bytes a server sends, with the
# invariants the harness checks. FUZZ_EVTREC_SECONDS changes the length (default 20).
cd "$(dirname "$0")/../.." || exit 1
secs=${FUZZ_EVTREC_SECONDS:-20}
B=build/fuzz-evtrec
mkdir -p $B/corpus $B/crashes
command -v clang >/dev/null 2>&1 || { echo "SKIP fuzz_evtrec: clang is not installed"; exit 0; }
if ! clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Iinclude \
        -o $B/fuzz_evtrec tests/fuzz/fuzz_evtrec.c src/core/evtrec.c src/core/utf.c src/core/buf.c src/core/time.c 2>$B/build.txt; then
    if grep -q 'fuzzer' $B/build.txt && ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer*.a >/dev/null 2>&1; then
        echo "SKIP fuzz_evtrec: libFuzzer runtime missing (libclang-rt-dev)"; exit 0
    fi
    cat $B/build.txt
    echo "FAIL fuzz_evtrec: cannot build the fuzz target"
    exit 1
fi
# Seeds: records as a server returns them (tests/fake/classicgen.c writes them).
cc -std=c11 -O1 -Itests/fake -o $B/seedgen tests/fuzz/evtrec_seeds.c tests/fake/classicgen.c 2>>$B/build.txt && $B/seedgen $B/corpus
if $B/fuzz_evtrec -max_total_time="$secs" -max_len=8192 -timeout=10 -artifact_prefix=$B/crashes/ -print_final_stats=1 \
        $B/corpus >$B/log.txt 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' $B/log.txt | grep -o '[0-9]*$')
    echo "PASS fuzz_evtrec: ${runs:-?} inputs in ${secs} s, no crash, no broken invariant"
else
    tail -30 $B/log.txt
    echo "FAIL fuzz_evtrec: see $B/log.txt and $B/crashes/"
    exit 1
fi
