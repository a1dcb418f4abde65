#!/bin/sh
# A short fuzzing run of the .evtx parser for CI (~60 s; FUZZ_SMOKE_SECONDS to change it).
cd "$(dirname "$0")/../.." || exit 1
sh tests/fuzz/run.sh "${FUZZ_SMOKE_SECONDS:-60}"
