#!/bin/sh
# `make -f Makefile.mingw run` on Linux: starts EventSweep under Wine against a SIMULATED FLEET
# (the test-only wevtapi.dll from tests/fake/, installed into a throwaway Wine prefix). Nothing
# here talks to a real server.
#
# With $DISPLAY set the window opens on your display and the script waits until you close it.
# Without a display it runs on a private Xvfb, waits ~20 s, saves a screenshot to
# build/screenshot-simulated.png and closes the app. RUN_SECONDS=N changes the wait.
cd "$(dirname "$0")/.." || exit 1
ES_ROOT=$(pwd)
. tests/wine-env.sh

EXE=build/win/eventsweep.exe
T=build/simulated
for f in $EXE build/test/wevtapi.dll; do
    [ -f $f ] || { echo "run-simulated: $f is missing (make -f Makefile.mingw win fake)" >&2; exit 1; }
done
mkdir -p $T

cat >$T/fleet.txt <<'EOF'
# The SIMULATED FLEET of `make run` (format: tests/fake/README). Not real servers.
sim-dc01      latency=300 events=3000 span=48 seed=1
sim-dc02      latency=350 events=2500 span=48 seed=2
sim-file01    latency=200 events=1200 span=24 seed=3
sim-file02    latency=250 events=900  span=24 seed=4
sim-web01     latency=120 events=4000 span=72 seed=5
sim-web02     latency=140 events=3500 span=72 seed=6
sim-web03     latency=160 events=300  span=12 seed=7
sim-sql01     latency=400 events=1500 span=48 seed=8
sim-sql02     latency=450 events=1400 span=48 seed=9
sim-exch01    latency=600 events=5000 span=24 seed=10 next_latency=20
sim-print01   latency=80  events=200  span=24 seed=11
sim-hv01      latency=500 events=800  span=48 seed=12
sim-backup01  down latency=2000
sim-dmz01     deny latency=300
sim-lab01     break=150 events=2000 span=24 seed=13
EOF
sed -n 's/^\(sim-[a-z0-9]*\).*/\1/p' $T/fleet.txt >$T/servers.txt

cat <<EOF
================================================================================
  SIMULATED FLEET (test wevtapi.dll) — not real servers
  $(wc -l <$T/servers.txt) simulated servers from $T/fleet.txt (sim-backup01, sim-dmz01 and
  sim-lab01 fail on purpose). The Event Log API is tests/fake/, not Windows.
================================================================================
EOF

wine_env_setup simulated || exit 1
trap wine_env_cleanup EXIT INT TERM
ESFAKE_FLEET=$(wine_path $T/fleet.txt); export ESFAKE_FLEET

if [ -n "${DISPLAY:-}" ]; then
    echo "run-simulated: opening EventSweep on $DISPLAY; close its window to end."
    "$WINE" $EXE --servers "$(wine_path $T/servers.txt)" --run
    echo "run-simulated: EventSweep exited with code $?"
    exit 0
fi

xvfb_start || exit 1
secs=${RUN_SECONDS:-20}
echo "run-simulated: no \$DISPLAY: running on Xvfb $DISPLAY for $secs s, then taking a screenshot."
"$WINE" $EXE --servers "$(wine_path $T/servers.txt)" --run >$T/app.out 2>&1 &
app=$!
sleep "$secs"
if kill -0 $app 2>/dev/null; then
    if import -window root build/screenshot-simulated.png 2>/dev/null; then
        echo "run-simulated: screenshot saved to $(pwd)/build/screenshot-simulated.png"
    else
        echo "run-simulated: the screenshot failed (is imagemagick installed?)" >&2
    fi
else
    wait $app
    echo "run-simulated: EventSweep ended early with code $? (see $T/app.out)" >&2
fi
wine_kill
wait $app 2>/dev/null
echo "run-simulated: closed the app."
