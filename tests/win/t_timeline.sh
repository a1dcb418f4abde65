#!/bin/sh
# The timeline control (src/win/timelinectl.c, issue #9): builds tests/win/timeline_test.c — a
# Windows console program holding the control in a window — and runs it under Wine with a
# private X display: hit-testing, the notification's server and time range, the keyboard, the
# colours against the core's rule, the empty state, scrolling 200 servers, 1000 servers with
# huge counts, and timeline_set over and over without a leak. Then a screenshot of 8 servers
# (build/test/timeline/timeline.png) when ImageMagick's import is there. Prints PASS/FAIL lines.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir timeline

if ! make -f Makefile.mingw --no-print-directory build/test/timeline_test.exe >$T/build.txt 2>&1; then
    cat $T/build.txt
    echo "FAIL timeline-build: make failed"
    exit 1
fi
need_fake timeline-build
echo "PASS timeline-build"
e2e_wine timeline timeline-wine-setup timeline-xvfb

TZ=Asia/Kolkata timeout -k 5 180 "$WINE" build/test/timeline_test.exe >$T/out.txt 2>$T/err.txt
rc=$?
tr -d '\r' <$T/out.txt
if [ $rc -ne 0 ] && ! grep -q '^FAIL' $T/out.txt; then
    echo "FAIL timeline-run: timeline_test.exe exited $rc without a FAIL line (stderr: $(head -c 400 $T/err.txt))"
fi

if command -v import >/dev/null 2>&1; then
    timeout -k 5 60 "$WINE" build/test/timeline_test.exe --show 6 >$T/show.txt 2>&1 &
    show=$!
    sleep 4
    import -window root $T/timeline.png 2>$T/import.txt && echo "     screenshot: $T/timeline.png"
    wait $show
fi
exit $rc
