#!/bin/sh
# Benchmarks (not timed tests): each prints its figures next to its peer's, measured in the
# same run, and the ratio. Run with: make -f Makefile.mingw bench
cd "$(dirname "$0")/../.." || exit 1
status=0
for b in tests/bench/bench_*.sh; do
    [ -f "$b" ] || continue
    echo "== $b"
    sh "$b" || status=1
done
exit $status
