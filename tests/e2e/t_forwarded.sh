#!/bin/sh
# Windows Event Forwarding: a collector's ForwardedEvents channel read like any other. On a
# collector the forwarded events' publishers are usually not installed, so publisher metadata
# cannot be opened there; the events carry the RenderingInfo their source rendered, and the app
# must show those texts (Message, Level, Task) instead of falling back to the data values.
# check_sweep expects exactly the texts the publishers would give.
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib.sh
e2e_dir forwarded
HOURS=8
TIMEOUT=30
build_checker check_sweep fwd-checker-build
CHECK=build/test/check_sweep

cat >$T/fleet.txt <<'FLEET'
# SIMULATED FLEET for tests/e2e/t_forwarded.sh: two WEC collectors (format: tests/fake/README)
wec01   collector latency=100 events=1500 span=24 seed=11
wec02   collector latency=50  events=300 span=8 seed=12
FLEET
printf '%s\r\n' wec01 wec02 >$T/servers.txt

need_exe fwd-e2e
need_fake fwd-fake-build
e2e_wine forwarded fwd-wine-setup fwd-xvfb
ESFAKE_FLEET=$(wine_path $T/fleet.txt); export ESFAKE_FLEET

run_app fwd 180 --servers "$(wine_path $T/servers.txt)" --log ForwardedEvents --hours $HOURS --timeout $TIMEOUT --run \
    --export "$(wine_path $T/fwd-rows.csv)" --status "$(wine_path $T/fwd-status.csv)" --exit
expect_exit fwd-exit-code-0 0
run_checker check_sweep $CHECK --name fwd --fleet $T/fleet.txt --servers $T/servers.txt --hours $HOURS --timeout $TIMEOUT --logs ForwardedEvents \
    --export $T/fwd-rows.csv --status $T/fwd-status.csv
check_handles fwd
