/* Unit tests: the marks of "New since last sweep" (es_marks). */
#include "es_marks.h"
#include "testlib.h"

TEST(marks_round_trip)
{
    es_marks m;
    es_marks_init(&m);
    CHECK(es_marks_set(&m, "srv01", "System", 123));
    CHECK(es_marks_set(&m, "SRV01", "system", 456));   /* the same server and log: replaced */
    CHECK(es_marks_set(&m, "srv01", "Microsoft-Windows-TaskScheduler/Operational", 7));
    CHECK(es_marks_set(&m, "10.0.0.5", "Application", 18446744073709551615ull));
    CHECK_INT(m.n, 3);
    CHECK(!es_marks_set(&m, "bad\tname", "System", 1));
    CHECK(!es_marks_set(&m, "srv", "", 1));
    es_buf b;
    es_buf_init(&b);
    CHECK(es_marks_format(&m, &b));
    es_marks r;
    es_marks_init(&r);
    char err[200] = "";
    CHECK(es_marks_parse(&r, b.data, b.len, err, sizeof err));
    CHECK_STR(err, "");
    CHECK_INT(r.n, 3);
    CHECK(es_marks_get(&r, "srv01", "SYSTEM") == 456);
    CHECK(es_marks_get(&r, "srv01", "Microsoft-Windows-TaskScheduler/Operational") == 7);
    CHECK(es_marks_get(&r, "10.0.0.5", "Application") == 18446744073709551615ull);
    CHECK(es_marks_get(&r, "srv02", "System") == 0);
    es_buf_free(&b);
    es_marks_free(&r);
    es_marks_free(&m);
}

TEST(marks_refuse_bad_lines)
{
    static const struct { const char *text, *err; } k[] = {
        {"srv\tSystem\t12a\n", "line 1: \"12a\" is not a record number."},
        {"# c\n\nsrv System 12\n", "line 3: not SERVER, LOG and RECORD separated by tabs."},
        {"srv\t\t12\n", "line 1: not SERVER, LOG and RECORD separated by tabs."},
        {"srv\tSystem\t\n", "line 1: \"\" is not a record number."},
        {"srv\tSystem\t99999999999999999999\n", "line 1: \"99999999999999999999\" is not a record number."},
        {"srv\tSystem\t-1\r\n", "line 1: \"-1\" is not a record number."},
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        es_marks m;
        es_marks_init(&m);
        char err[200] = "";
        CHECK_AT(!es_marks_parse(&m, k[i].text, strlen(k[i].text), err, sizeof err), "case %zu accepted", i);
        CHECK_STR(err, k[i].err);
        es_marks_free(&m);
    }
    /* a BOM, CRLF, comments and blank lines are fine; a NUL byte is not */
    es_marks m;
    es_marks_init(&m);
    char err[200] = "";
    const char ok[] = "\xEF\xBB\xBF# marks\r\n\r\nsrv\tSystem\t5\r\n";
    CHECK(es_marks_parse(&m, ok, sizeof ok - 1, err, sizeof err));
    CHECK(es_marks_get(&m, "srv", "System") == 5);
    const char nul[] = "srv\tSys\0tem\t5\n";
    CHECK(!es_marks_parse(&m, nul, sizeof nul - 1, err, sizeof err));
    es_marks_free(&m);
}

int main(void)
{
    RUN(marks_round_trip);
    RUN(marks_refuse_bad_lines);
    TESTS_DONE();
}
