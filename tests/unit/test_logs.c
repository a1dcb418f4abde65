/* The logs of a sweep (es_logs.h): a list in the Log box or --log. */
#include "es_logs.h"
#include "testlib.h"

TEST(lists)
{
    char n[ES_MAX_LOGS][ES_LOG_NAME_MAX], err[200];
    CHECK_INT(es_logs_parse("System", n, ES_MAX_LOGS, err, sizeof err), 1);
    CHECK_STR(n[0], "System");
    CHECK_INT(es_logs_parse(" System , Application;Security ,, ", n, ES_MAX_LOGS, err, sizeof err), 3);
    CHECK_STR(n[0], "System");
    CHECK_STR(n[1], "Application");
    CHECK_STR(n[2], "Security");
    CHECK_INT(es_logs_parse("Microsoft-Windows-TaskScheduler/Operational, Windows PowerShell", n, ES_MAX_LOGS, err,
                            sizeof err), 2);
    CHECK_STR(n[0], "Microsoft-Windows-TaskScheduler/Operational");
    CHECK_STR(n[1], "Windows PowerShell");
}

TEST(refusals_name_the_problem)
{
    char n[ES_MAX_LOGS][ES_LOG_NAME_MAX], err[200];
    CHECK_INT(es_logs_parse("", n, ES_MAX_LOGS, err, sizeof err), 0);
    CHECK(strstr(err, "enter the name of a log") != NULL);
    CHECK_INT(es_logs_parse(" , ; ", n, ES_MAX_LOGS, err, sizeof err), 0);
    CHECK_INT(es_logs_parse("System, system", n, ES_MAX_LOGS, err, sizeof err), 0);
    CHECK_STR(err, "Log: \"system\" is listed twice.");
    CHECK_INT(es_logs_parse("Sys*", n, ES_MAX_LOGS, err, sizeof err), 0);
    CHECK_STR(err, "Log: \"Sys*\" is not a log name (it holds a wildcard).");
    CHECK_INT(es_logs_parse("A\tB\x01", n, ES_MAX_LOGS, err, sizeof err), 0);
    CHECK(strstr(err, "control character") != NULL);
    char many[400] = "";
    for (int i = 0; i < 17; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "L%d,", i);
    CHECK_INT(es_logs_parse(many, n, ES_MAX_LOGS, err, sizeof err), 0);
    CHECK_STR(err, "Log: at most 16 logs in one sweep.");
    CHECK_INT(es_logs_parse("A,B,C", n, 2, err, sizeof err), 0);
    char longname[300];
    memset(longname, 'x', 299);
    longname[299] = 0;
    CHECK_INT(es_logs_parse(longname, n, ES_MAX_LOGS, err, sizeof err), 0);
    CHECK(strstr(err, "too long") != NULL);
}

int main(void)
{
    RUN(lists);
    RUN(refusals_name_the_problem);
    TESTS_DONE();
}
