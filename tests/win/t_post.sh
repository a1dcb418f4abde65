#!/bin/sh
# The full-queue paths of the shell's posting code: builds tests/win/post_test.c (a Windows
# console program linking src/win/post.c and src/win/winutil.c, as the app does) and runs it
# under Wine in a throwaway prefix. Its window is message-only: no X display needed. Wine
# enforces no posted-message quota, so the program simulates Windows' 10,000 (it says so in
# its output). Prints PASS/FAIL lines.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh

T=build/test
mkdir -p $T
if ! make -f Makefile.mingw --no-print-directory wintest >$T/post_test.build.txt 2>&1; then
    cat $T/post_test.build.txt
    echo "FAIL post-build: make wintest failed"
    exit 1
fi
need_fake post-build   # wine_env_setup installs it into the prefix
echo "PASS post-build"

e2e_wine post wine-setup

timeout -k 5 180 "$WINE" $T/post_test.exe >$T/post_test.out 2>$T/post_test.err
rc=$?
tr -d '\r' <$T/post_test.out
if [ $rc -ne 0 ] && ! grep -q '^FAIL' $T/post_test.out; then
    echo "FAIL post-run: post_test.exe exited $rc without a FAIL line (stderr: $(head -c 400 $T/post_test.err))"
fi
exit $rc
