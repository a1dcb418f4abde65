#!/bin/sh
# The fleet summary, the timeline and the HTML report on a million rows, each beside its peer
# measured in the same run (see tests/bench/bench_summary.c).
#
#   sh tests/bench/bench_summary.sh [ROWS]      (default 1000000)
cd "$(dirname "$0")/../.." || exit 1
mkdir -p build/native
cc -std=c11 -O2 -g -Iinclude -D_POSIX_C_SOURCE=200809L -o build/native/bench_summary tests/bench/bench_summary.c \
    tests/fake/fleetgen.c src/core/*.c src/evtx/*.c -lpthread || { echo "FAIL bench_summary: build failed"; exit 1; }
build/native/bench_summary "${1:-1000000}"
