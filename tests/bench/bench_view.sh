#!/bin/sh
# The view on a million rows: sort by each column, quick find, export, memory per row, rows
# arriving — each beside its peer measured in the same run (see tests/bench/bench_view.c).
#
#   sh tests/bench/bench_view.sh [ROWS]      (default 1000000)
cd "$(dirname "$0")/../.." || exit 1
mkdir -p build/native
cc -std=c11 -O2 -g -Iinclude -D_POSIX_C_SOURCE=200809L -o build/native/bench_view tests/bench/bench_view.c \
    tests/fake/fleetgen.c src/core/*.c src/evtx/*.c -lpthread || { echo "FAIL bench_view: build failed"; exit 1; }
build/native/bench_view "${1:-1000000}"
