#!/bin/sh
# Installs what the build and the tests need, on Debian/Ubuntu, when it is missing. Elsewhere
# it only says what is missing. Safe to run again: it does nothing when all is there.
need=""
have() { command -v "$1" >/dev/null 2>&1; }
have x86_64-w64-mingw32-gcc || need="$need gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64"
have wine || need="$need wine"
have wine64 || [ -x /usr/lib/wine/wine64 ] || need="$need wine64"
have Xvfb || need="$need xvfb"
have import || need="$need imagemagick"
have xdotool || need="$need xdotool"
have cc || need="$need gcc"
have clang || need="$need clang"
[ -e /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a ] || \
    ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 || need="$need libclang-rt-14-dev"
have evtxexport || need="$need libevtx-utils"
have valgrind || need="$need valgrind"
have chromium || need="$need chromium"   # the HTML report seen by a real browser (t_report)
[ -z "$need" ] && exit 0
if have apt-get && [ "$(id -u)" = 0 ]; then
    echo "deps: installing:$need"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null && apt-get install -y -q $need >/dev/null || {
        echo "deps: apt-get install failed for:$need" >&2; exit 1; }
elif have apt-get && have sudo; then
    echo "deps: installing with sudo:$need"
    sudo apt-get update -q >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need >/dev/null || exit 1
else
    echo "deps: missing:$need (install them, then run again)" >&2
    exit 1
fi
