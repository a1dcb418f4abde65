#!/bin/sh
# Differential test: build/native/evtxcat --xml against libyal's evtxexport -f xml on every
# sample in ../shared/evtx-samples. For each record both parse (matched by EventRecordID):
# EventID, TimeCreated, Provider, Level, Computer, Channel and the EventData values must agree
# (tests/evtx/evtxdiff.c does the comparing). One PASS/FAIL line per file; SKIP when the samples
# or evtxexport are missing.
cd "$(dirname "$0")/../.." || exit 1
S=../shared/evtx-samples
if [ ! -d "$S" ]; then echo "SKIP diff_evtxexport: $S is absent"; exit 0; fi
if ! command -v evtxexport >/dev/null 2>&1; then echo "SKIP diff_evtxexport: evtxexport is not installed (libevtx-utils)"; exit 0; fi
[ -x build/native/evtxcat ] || make -f Makefile.mingw --no-print-directory native >/dev/null || { echo "FAIL diff_evtxexport: cannot build evtxcat"; exit 1; }
mkdir -p build/evtx-test
cc -std=c11 -O2 -Wall -Wextra -D_POSIX_C_SOURCE=200809L -o build/evtx-test/evtxdiff tests/evtx/evtxdiff.c \
    || { echo "FAIL diff_evtxexport: cannot build evtxdiff"; exit 1; }
rc=0
for f in "$S"/*.evtx; do
    name=$(basename "$f")
    build/native/evtxcat --xml "$f" >build/evtx-test/ours.xml 2>/dev/null
    evtxexport -f xml "$f" >build/evtx-test/theirs.xml 2>/dev/null
    build/evtx-test/evtxdiff build/evtx-test/ours.xml build/evtx-test/theirs.xml "diff_evtxexport $name" || rc=1
done
rm -f build/evtx-test/ours.xml build/evtx-test/theirs.xml
exit 0
