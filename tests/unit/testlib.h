/* testlib: the smallest test harness that does the job.
 *
 * Every test program (and every test script) reports on stdout, one line per check group:
 *   PASS <name>            FAIL <name>: <why>            SKIP <name>: <why>
 * tests/run counts those lines; a program that exits non-zero or dies counts as a failure even
 * when it printed nothing. Checks inside a TEST keep going after a failure so one run shows
 * every broken expectation. */
#ifndef TESTLIB_H
#define TESTLIB_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tl_failures_in_test;
static int tl_failed_tests;
static const char *tl_current;

#define TEST(name) static void name(void)

#define RUN(name)                                                                            \
    do {                                                                                     \
        tl_failures_in_test = 0;                                                             \
        tl_current = #name;                                                                  \
        name();                                                                              \
        if (tl_failures_in_test) {                                                           \
            tl_failed_tests++;                                                               \
        } else {                                                                             \
            printf("PASS %s\n", #name);                                                      \
        }                                                                                    \
        fflush(stdout);                                                                      \
    } while (0)

#define SKIP_TEST(name, why)                                                                 \
    do {                                                                                     \
        printf("SKIP %s: %s\n", #name, why);                                                 \
    } while (0)

#define CHECK_AT(cond, ...)                                                                  \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            if (!tl_failures_in_test)                                                        \
                printf("FAIL %s: ", tl_current);                                             \
            else                                                                             \
                printf("     %s: ", tl_current);                                             \
            printf("%s:%d: ", __FILE__, __LINE__);                                           \
            printf(__VA_ARGS__);                                                             \
            printf("\n");                                                                    \
            tl_failures_in_test++;                                                           \
        }                                                                                    \
    } while (0)

#define CHECK(cond) CHECK_AT(cond, "check failed: %s", #cond)
#define CHECK_STR(a, b)                                                                      \
    do {                                                                                     \
        const char *tl_a = (a), *tl_b = (b);                                                 \
        CHECK_AT(tl_a && tl_b && strcmp(tl_a, tl_b) == 0, "%s == \"%s\", expected \"%s\"", #a, \
                 tl_a ? tl_a : "(null)", tl_b ? tl_b : "(null)");                            \
    } while (0)
#define CHECK_INT(a, b)                                                                      \
    do {                                                                                     \
        long long tl_a = (long long)(a), tl_b = (long long)(b);                              \
        CHECK_AT(tl_a == tl_b, "%s == %lld, expected %lld", #a, tl_a, tl_b);                 \
    } while (0)

/* Exit status: non-zero when any test failed, so a crash-free but failing run is not green. */
#define TESTS_DONE() return tl_failed_tests ? 1 : 0

#endif
