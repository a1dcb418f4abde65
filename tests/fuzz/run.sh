#!/bin/sh
# Builds the libFuzzer target for the .evtx parser and runs it for SECONDS (default 600),
# seeded with every 64 KiB chunk of the samples in ../shared/evtx-samples (copied into
# build/fuzz/seeds, never into the repository). New inputs are kept in build/fuzz/corpus,
# crashes in build/fuzz/crashes. Prints "PASS fuzz_evtx: ..." or "FAIL fuzz_evtx: ...".
#
#   sh tests/fuzz/run.sh [SECONDS]
cd "$(dirname "$0")/../.." || exit 1
secs=${1:-600}
B=build/fuzz
mkdir -p $B/seeds $B/corpus $B/crashes
command -v clang >/dev/null 2>&1 || { echo "SKIP fuzz_evtx: clang is not installed"; exit 0; }
# the parser and what it uses; not the rest of the core (other modules may be mid-change)
src="tests/fuzz/fuzz_evtx.c src/core/buf.c src/core/utf.c src/core/time.c $(ls src/evtx/*.c)"
if ! clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -Iinclude -o $B/fuzz_evtx $src 2>$B/build.txt; then
    if grep -q 'fuzzer' $B/build.txt && ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer*.a >/dev/null 2>&1; then
        echo "SKIP fuzz_evtx: libFuzzer runtime missing (libclang-rt-dev)"; exit 0
    fi
    cat $B/build.txt; echo "FAIL fuzz_evtx: cannot build the fuzz target"; exit 1
fi
S=../shared/evtx-samples
if [ -d "$S" ] && [ -z "$(ls $B/seeds)" ]; then
    i=0
    for f in "$S"/*.evtx; do
        size=$(wc -c <"$f")
        n=$(( (size - 4096 + 65535) / 65536 ))
        c=0
        while [ $c -lt $n ]; do
            dd if="$f" of=$B/seeds/chunk$i.bin bs=65536 skip=0 count=1 iflag=skip_bytes \
               skip=$((4096 + c * 65536)) 2>/dev/null
            # all-zero chunks are not useful seeds
            if [ -z "$(tr -d '\000' <$B/seeds/chunk$i.bin | head -c 1)" ]; then rm -f $B/seeds/chunk$i.bin; fi
            i=$((i + 1)); c=$((c + 1))
        done
        # the file header with its first chunk, for the file path of the target
        head -c $((4096 + 65536)) "$f" >$B/seeds/file$i.bin
        i=$((i + 1))
    done
fi
ASAN_OPTIONS=detect_leaks=1 $B/fuzz_evtx -max_total_time="$secs" -max_len=69632 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix=$B/crashes/ $B/corpus $B/seeds >$B/fuzz.log 2>&1
rc=$?
execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' $B/fuzz.log | grep -o '[0-9]*$')
if [ $rc = 0 ]; then
    echo "PASS fuzz_evtx: ${secs}s, ${execs:-?} inputs, no crash"
else
    tail -40 $B/fuzz.log
    echo "FAIL fuzz_evtx: crash or hang after ${secs}s (see $B/fuzz.log and $B/crashes/)"
    exit 1
fi
