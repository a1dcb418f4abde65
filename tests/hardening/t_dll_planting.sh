#!/bin/sh
# DLL planting: a wevtapi.dll placed beside eventsweep.exe must never be loaded. The planted DLL
# here is the simulated fleet's (it would answer with events and write its handle report on
# unload); System32 has none. A control program that loads
# wevtapi.dll the naive way proves the planted DLL is found first by the default search order.
cd "$(dirname "$0")/../.." || exit 1
ES_ROOT=$(pwd)
. tests/wine-env.sh
T=build/test/planting
rm -rf $T
mkdir -p $T/app
[ -f build/win/eventsweep.exe ] || { echo "FAIL planting: build/win/eventsweep.exe not built"; exit 1; }
[ -f build/test/wevtapi.dll ] || make -f Makefile.mingw --no-print-directory fake >/dev/null || exit 1
x86_64-w64-mingw32-gcc -municode -O1 -o $T/app/naive_load.exe tests/hardening/naive_load.c || {
    echo "FAIL planting: cannot build the control program"; exit 1; }
cp build/win/eventsweep.exe $T/app/
cp build/test/wevtapi.dll $T/app/wevtapi.dll          # the planted DLL
printf 'localhost events=50\n' >$T/fleet.txt

wine_env_setup planting || { echo "FAIL planting: no Wine prefix"; exit 1; }
trap wine_env_cleanup EXIT INT TERM
# No wevtapi.dll in System32 at all, and a native DLL preferred wherever one is found: the only
# wevtapi.dll to be had is the planted one. The app must fail to load it (126) rather than take it.
rm -f "$WINEPREFIX/drive_c/windows/system32/wevtapi.dll"
WINEDLLOVERRIDES="mscoree,mshtml=;wevtapi=n,b"; export WINEDLLOVERRIDES
xvfb_start || { echo "FAIL planting: no Xvfb"; exit 1; }
export ESFAKE_FLEET=$(wine_path $T/fleet.txt)

got=$(cd $T/app && "$WINE" naive_load.exe 2>/dev/null | tr -d '\r')
case "$got" in
    *app\\wevtapi.dll) printf 'PASS planting-control: the default search order picks the planted %s\n' "$got" ;;
    *) printf 'FAIL planting-control: a naive LoadLibrary got "%s", not the planted DLL: this test would prove nothing\n' "$got" ;;
esac

rm -f $T/leaks.txt
(cd $T/app && ESFAKE_LEAKS=$(wine_path $ES_ROOT/$T/leaks.txt) "$WINE" eventsweep.exe . --run \
    --status "$(wine_path $ES_ROOT/$T/status.csv)" --exit >$ES_ROOT/$T/app.out 2>&1)
code=$?
if [ -e $T/leaks.txt ]; then
    echo "FAIL planting-ignored: the planted wevtapi.dll was loaded (it wrote $T/leaks.txt)"
elif [ -s $T/status.csv ] && tr -d '\r' <$T/status.csv | grep -q '^\.,error,0,126,'; then
    echo "PASS planting-ignored: the app looked in System32 only and reported the DLL missing (126) (exit $code)"
else
    echo "FAIL planting-ignored: exit $code, status: $(tr -d '\r' <$T/status.csv 2>/dev/null | tr '\n' ' ')"
fi
