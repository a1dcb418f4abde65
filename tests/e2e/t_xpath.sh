#!/bin/sh
# The SIMULATED FLEET's query evaluator (tests/fake/xpath.c), natively with ASan and UBSan:
# tests/e2e/xpath_test.c compares every supported construct with a plain C predicate over the
# fleetgen events and checks the refusals; then a timing of 1,000,000 records through the
# brief's structured filter (an optimised build; informational). Prints PASS/FAIL lines.
cd "$(dirname "$0")/../.." || exit 1
T=build/test
mkdir -p $T
if ! cc -std=c11 -O1 -g -Wall -Wextra -fsanitize=address,undefined -fno-sanitize-recover=all -D_POSIX_C_SOURCE=200809L \
        -Itests/fake -o $T/xpath_test tests/e2e/xpath_test.c tests/fake/xpath.c tests/fake/fleetgen.c -lm \
        >$T/xpath_test.build.txt 2>&1; then
    cat $T/xpath_test.build.txt
    echo "FAIL xpath-build: cc failed"
    exit 1
fi
echo "PASS xpath-build"
$T/xpath_test
rc=$?
if cc -std=c11 -O2 -Wall -Wextra -D_POSIX_C_SOURCE=200809L -Itests/fake -o $T/xpath_bench tests/e2e/xpath_test.c \
        tests/fake/xpath.c tests/fake/fleetgen.c -lm >/dev/null 2>&1; then
    $T/xpath_bench bench 1000000 | grep -v '^PASS'
fi
exit $rc
