#!/bin/sh
# The classic event log engine and the sweep's fallback to it (issue #8): builds
# tests/win/classic_test.c — a Windows console program linking the app's sweep and engines with a
# simulated advapi32 (Wine's classic event log functions are stubs) — and runs it under Wine with
# the fake wevtapi.dll, whose fleet says which servers the Windows Event Log API cannot reach.
# The program's window is message-only: no X display needed. Prints PASS/FAIL lines.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir classic

if ! make -f Makefile.mingw --no-print-directory wintest >$T/build.txt 2>&1; then
    cat $T/build.txt
    echo "FAIL classic-build: make wintest failed"
    exit 1
fi
need_fake classic-build
echo "PASS classic-build"

# 127.0.0.27 answers the Windows Event Log API; every other one is down for it (1722).
# (classic_test.c: .21 readable, .22 unreachable, .23 access denied, .24 a record larger than a
# read, .25 garbage after ten records, .26 a read that never returns, .31-.35 open only for an
# account)
cat >$T/fleet.txt <<'EOF'
127.0.0.21  down
127.0.0.22  down
127.0.0.23  down
127.0.0.24  down
127.0.0.25  down
127.0.0.26  down
127.0.0.27  events=50 span=4
127.0.0.31  down
127.0.0.32  down
127.0.0.33  down
127.0.0.34  down
127.0.0.35  down
EOF
e2e_wine classic classic-wine-setup
ESFAKE_FLEET=$(wine_path $T/fleet.txt); export ESFAKE_FLEET

timeout -k 5 180 "$WINE" build/test/classic_test.exe >$T/out.txt 2>$T/err.txt
rc=$?
tr -d '\r' <$T/out.txt
if [ $rc -ne 0 ] && ! grep -q '^FAIL' $T/out.txt; then
    echo "FAIL classic-run: classic_test.exe exited $rc without a FAIL line (stderr: $(head -c 400 $T/err.txt))"
fi
exit 0
