/* Unit tests: the command line (es_cmdline). */
#include "es_cmdline.h"
#include "testlib.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

TEST(cmdline_defaults)
{
    char *argv[] = {"eventsweep.exe"};
    es_options o;
    char err[200];
    CHECK_INT(es_cmdline_parse(ARGC(argv), argv, &o, err, sizeof err), 1);
    CHECK(o.servers_file == NULL && o.log == NULL && o.export_file == NULL && o.status_file == NULL);
    CHECK_INT(o.hours, -1);
    CHECK_INT(o.timeout, -1);
    CHECK_INT(o.max_seconds, -1);
    CHECK_INT(o.max_memory_mb, -1);
    CHECK_INT(o.max_rows, -1);
    CHECK_INT(o.threads, -1);
    CHECK_INT(o.retry, 0);
    CHECK_INT(o.run + o.exit_when_done + o.help, 0);
    CHECK_INT(o.follow + o.follow_minutes, 0);
    CHECK_INT(o.nsources, 0);
    es_cmdline_free(&o);
    CHECK_INT(es_cmdline_parse(0, NULL, &o, err, sizeof err), 1);
    es_cmdline_free(&o);
}

TEST(cmdline_follow)
{
    char *a1[] = {"es", "--follow"};
    es_options o;
    char err[200];
    CHECK_INT(es_cmdline_parse(ARGC(a1), a1, &o, err, sizeof err), 1);
    CHECK_INT(o.follow, 1);
    CHECK_INT(o.follow_minutes, 0);
    es_cmdline_free(&o);
    char *a2[] = {"es", "--run", "--follow-minutes=15"};
    CHECK_INT(es_cmdline_parse(ARGC(a2), a2, &o, err, sizeof err), 1);
    CHECK_INT(o.follow, 1);
    CHECK_INT(o.follow_minutes, 15);
    es_cmdline_free(&o);
    char *a3[] = {"es", "--follow-minutes", "15"};   /* it ends a run: without --run, a usage error */
    CHECK_INT(es_cmdline_parse(ARGC(a3), a3, &o, err, sizeof err), 0);
    CHECK(strstr(err, "--follow-minutes") && strstr(err, "--run"));
    char *a4[] = {"es", "--run", "--follow-minutes", "0"};
    CHECK_INT(es_cmdline_parse(ARGC(a4), a4, &o, err, sizeof err), 0);
    CHECK_STR(err, "--follow-minutes: \"0\" is not a whole number from 1 to 10080.");
    char *a5[] = {"es", "--follow=1"};
    CHECK_INT(es_cmdline_parse(ARGC(a5), a5, &o, err, sizeof err), 0);
}

TEST(cmdline_since_last)
{
    char *a1[] = {"es", "--since-last", "--state", "C:\\tasks\\marks.txt"};
    es_options o;
    char err[200];
    CHECK_INT(es_cmdline_parse(ARGC(a1), a1, &o, err, sizeof err), 1);
    CHECK_INT(o.since_last, 1);
    CHECK_STR(o.state_file, "C:\\tasks\\marks.txt");
    es_cmdline_free(&o);
    char *a2[] = {"es", "--since-last", "--query", "view.xml"};   /* a view's Selects are its own */
    CHECK_INT(es_cmdline_parse(ARGC(a2), a2, &o, err, sizeof err), 0);
    CHECK(strstr(err, "--since-last") && strstr(err, "--query"));
    char *a3[] = {"es", "--state"};
    CHECK_INT(es_cmdline_parse(ARGC(a3), a3, &o, err, sizeof err), 0);
}

TEST(cmdline_burst)
{
    es_options o;
    char err[200];
    char *a0[] = {"es"};
    CHECK_INT(es_cmdline_parse(ARGC(a0), a0, &o, err, sizeof err), 1);
    CHECK_INT(o.burst_servers + o.burst_minutes, 0);
    es_cmdline_free(&o);
    char *a1[] = {"es", "--burst", "5,30"};
    CHECK_INT(es_cmdline_parse(ARGC(a1), a1, &o, err, sizeof err), 1);
    CHECK_INT(o.burst_servers, 5);
    CHECK_INT(o.burst_minutes, 30);
    es_cmdline_free(&o);
    char *a2[] = {"es", "--burst= 2 , 1 "};
    CHECK_INT(es_cmdline_parse(ARGC(a2), a2, &o, err, sizeof err), 1);
    CHECK_INT(o.burst_servers, 2);
    CHECK_INT(o.burst_minutes, 1);
    es_cmdline_free(&o);
    struct { char *val; const char *msg; } bad[] = {
        {"5", "--burst: \"5\" is not servers,minutes (e.g. 3,10)."},
        {"1,10", "--burst: the servers, \"1\", is not a whole number from 2 to 10000."},
        {"x,10", "--burst: the servers, \"x\", is not a whole number from 2 to 10000."},
        {"3,0", "--burst: the minutes, \"0\", is not a whole number from 1 to 10080."},
        {"3,", "--burst: the minutes, \"\", is not a whole number from 1 to 10080."},
        {"3,10,2", "--burst: the minutes, \"10,2\", is not a whole number from 1 to 10080."},
        {"3,10080000", "--burst: the minutes, \"10080000\", is not a whole number from 1 to 10080."},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *a[] = {"es", "--burst", bad[i].val};
        CHECK_INT(es_cmdline_parse(ARGC(a), a, &o, err, sizeof err), 0);
        CHECK_STR(err, bad[i].msg);
        es_cmdline_free(&o);
    }
    unsigned s = 9, m = 9;
    CHECK_INT(es_burst_parse("4,15", &s, &m, NULL, 0), 1);
    CHECK_INT(s, 4);
    CHECK_INT(m, 15);
    CHECK(strstr(es_cmdline_usage(), "--burst N,T") != NULL);
}

TEST(cmdline_all_options)
{
    char *argv[] = {"es", "--servers", "list.txt", "--log=Application", "--hours", "24", "--timeout=30", "--threads", "64",
                    "srv01", "--retry=3", "--engine", "Classic", "--run", "--export", "C:\\out\\ev.csv", "--status=st.csv", "--html", "r.html", "--exit", "/logs/a.evtx", "10.0.0.1"};
    es_options o;
    char err[200];
    CHECK_INT(es_cmdline_parse(ARGC(argv), argv, &o, err, sizeof err), 1);
    CHECK_STR(err, "");
    CHECK_STR(o.servers_file, "list.txt");
    CHECK_STR(o.log, "Application");
    CHECK_INT(o.hours, 24);
    CHECK_INT(o.timeout, 30);
    CHECK_INT(o.threads, 64);
    CHECK_INT(o.retry, 3);
    CHECK_STR(o.engine, "classic");
    CHECK_INT(o.run, 1);
    CHECK_INT(o.exit_when_done, 1);
    CHECK_INT(o.help, 0);
    CHECK_STR(o.export_file, "C:\\out\\ev.csv");
    CHECK_STR(o.html_file, "r.html");
    CHECK_STR(o.status_file, "st.csv");
    CHECK_INT(o.nsources, 3);
    if (o.nsources == 3) {
        CHECK_STR(o.sources[0], "srv01");
        CHECK_STR(o.sources[1], "/logs/a.evtx");
        CHECK_STR(o.sources[2], "10.0.0.1");
        CHECK(o.sources[0] == argv[9]); /* pointers into argv */
        CHECK(o.sources[1] == argv[20]);
    }
    es_cmdline_free(&o);
    CHECK(o.sources == NULL);
    es_cmdline_free(&o); /* twice is safe */
}

/* The limits of issue #6: --timeout is the longest wait for one answer, --max-seconds caps a
 * source's whole time (0 = no cap), --max-memory and --max-rows are the row budget. */
TEST(cmdline_limits)
{
    char *argv[] = {"es", "--max-seconds", "0", "--max-memory=512", "--max-rows", "1000", "--timeout", "3"};
    es_options o;
    char err[200];
    CHECK_INT(es_cmdline_parse(ARGC(argv), argv, &o, err, sizeof err), 1);
    CHECK_INT(o.max_seconds, 0);
    CHECK_INT(o.max_memory_mb, 512);
    CHECK_INT(o.max_rows, 1000);
    CHECK_INT(o.timeout, 3);
    es_cmdline_free(&o);
    char *bad1[] = {"es", "--max-rows", "0"};
    CHECK_INT(es_cmdline_parse(ARGC(bad1), bad1, &o, err, sizeof err), 0);
    CHECK_STR(err, "--max-rows: \"0\" is not a whole number from 1 to 67108864.");
    char *bad2[] = {"es", "--max-memory", "lots"};
    CHECK_INT(es_cmdline_parse(ARGC(bad2), bad2, &o, err, sizeof err), 0);
    CHECK_STR(err, "--max-memory: \"lots\" is not a whole number from 1 to 1048576.");
    char *bad3[] = {"es", "--max-seconds=-1"};
    CHECK_INT(es_cmdline_parse(ARGC(bad3), bad3, &o, err, sizeof err), 0);
    CHECK_STR(err, "--max-seconds: \"-1\" is not a whole number from 0 to 86400.");
    es_cmdline_free(&o);
}

TEST(cmdline_last_wins_sources_collect_and_dashdash)
{
    char *argv[] = {"es", "a", "--hours", "1", "--hours=0", "--log", "System", "--log", "Security", "b",
                    "--", "--run", "-h", "/?", "--hours"};
    es_options o;
    char err[200];
    CHECK_INT(es_cmdline_parse(ARGC(argv), argv, &o, err, sizeof err), 1);
    CHECK_INT(o.hours, 0);
    CHECK_STR(o.log, "Security");
    CHECK_INT(o.run, 0);
    CHECK_INT(o.help, 0);
    CHECK_INT(o.nsources, 6);
    if (o.nsources == 6) {
        CHECK_STR(o.sources[0], "a");
        CHECK_STR(o.sources[1], "b");
        CHECK_STR(o.sources[2], "--run");
        CHECK_STR(o.sources[3], "-h");
        CHECK_STR(o.sources[4], "/?");
        CHECK_STR(o.sources[5], "--hours");
    }
    es_cmdline_free(&o);
    /* Values may contain '=' and look like anything but an option. */
    char *argv2[] = {"es", "--export=a=b.csv", "--log", "-weird", "--status", "/?x", "--HOURS=5"};
    CHECK_INT(es_cmdline_parse(ARGC(argv2), argv2, &o, err, sizeof err), 1);
    CHECK_STR(o.export_file, "a=b.csv");
    CHECK_STR(o.log, "-weird");
    CHECK_STR(o.status_file, "/?x");
    CHECK_INT(o.hours, 5);
    es_cmdline_free(&o);
}

TEST(cmdline_help)
{
    const char *forms[] = {"-h", "--help", "/?", "-?", "--HELP"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        char *argv[] = {"es", "--bogus", (char *)forms[i], "--hours"};
        es_options o;
        char err[200];
        CHECK_AT(es_cmdline_parse(ARGC(argv), argv, &o, err, sizeof err) == 1 && o.help == 1, "%s: help not set", forms[i]);
        es_cmdline_free(&o);
    }
    const char *u = es_cmdline_usage();
    const char *must[] = {"--servers FILE", "--log NAME", "--hours N", "--timeout SECONDS", "--threads N", "--run",
                          "--export FILE", "--status FILE", "--html FILE", "--exit", "--help", "/?", "Exit codes", "0  every source",
                          "2  one or more sources failed", "1  usage error", "default 8)", "1-86400, default 120",
                          "1-4096, default 1024", "0-8760", "--retry N", "0-10, default 0"};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        CHECK_AT(strstr(u, must[i]) != NULL, "usage lacks \"%s\"", must[i]);
    /* No line wider than 110 columns, and it ends with a newline. */
    size_t col = 0, widest = 0;
    for (const char *p = u; *p; p++) {
        col = *p == '\n' ? 0 : col + 1;
        if (col > widest)
            widest = col;
    }
    CHECK(widest <= 110);
    CHECK(u[strlen(u) - 1] == '\n');
}

static const struct {
    const char *a1, *a2; /* a2 may be NULL */
    const char *err;
} bad[] = {
    {"--hours", "abc", "--hours: \"abc\" is not a whole number from 0 to 8760."},
    {"--hours", "8761", "--hours: \"8761\" is not a whole number from 0 to 8760."},
    {"--hours", "-1", "--hours: \"-1\" is not a whole number from 0 to 8760."},
    {"--hours", "+5", "--hours: \"+5\" is not a whole number from 0 to 8760."},
    {"--hours", " 5", "--hours: \" 5\" is not a whole number from 0 to 8760."},
    {"--hours", "5h", "--hours: \"5h\" is not a whole number from 0 to 8760."},
    {"--hours", "99999999999999999999", "--hours: \"99999999999999999999\" is not a whole number from 0 to 8760."},
    {"--hours=", NULL, "--hours: \"\" is not a whole number from 0 to 8760."},
    {"--timeout", "0", "--timeout: \"0\" is not a whole number from 1 to 86400."},
    {"--timeout=86401", NULL, "--timeout: \"86401\" is not a whole number from 1 to 86400."},
    {"--threads", "0", "--threads: \"0\" is not a whole number from 1 to 4096."},
    {"--threads", "4097", "--threads: \"4097\" is not a whole number from 1 to 4096."},
    {"--retry", "11", "--retry: \"11\" is not a whole number from 0 to 10."},
    {"--retry", "-1", "--retry: \"-1\" is not a whole number from 0 to 10."},
    {"--retry", NULL, "--retry needs a value (a number of retries)."},
    {"--auth", "basic", "--auth: \"basic\" is not negotiate, kerberos or ntlm."},
    {"--user", NULL, "--user needs a value (an account such as CORP\\name)."},
    {"--log", "System,system", "--log: \"system\" is listed twice."},
    {"--log", "Sys*", "--log: \"Sys*\" is not a log name (it holds a wildcard)."},
    {"--engine", "rpc", "--engine: \"rpc\" is not auto, wevt or classic."},
    {"--engine", "classics", "--engine: \"classics\" is not auto, wevt or classic."},
    {"--threads", "1.5", "--threads: \"1.5\" is not a whole number from 1 to 4096."},
    {"--hours", NULL, "--hours needs a value (a number of hours)."},
    {"--servers", NULL, "--servers needs a value (a file with one source per line)."},
    {"--servers", "--run", "--servers needs a value (a file with one source per line)."},
    {"--export=", NULL, "--export needs a value (the name of the file to write)."},
    {"--log", NULL, "--log needs a value (the name of an event log, e.g. System)."},
    {"--run=1", NULL, "--run does not take a value."},
    {"--exit=yes", NULL, "--exit does not take a value."},
    {"--hour", "8", "unknown option \"--hour\" (did you mean --hours?)"},
    {"--hour=8", NULL, "unknown option \"--hour\" (did you mean --hours?)"},
    {"--treads", "8", "unknown option \"--treads\" (did you mean --threads?)"},
    {"--server", "x", "unknown option \"--server\" (did you mean --servers?)"},
    {"--timout", "5", "unknown option \"--timout\" (did you mean --timeout?)"},
    {"--expotr", "x", "unknown option \"--expotr\" (did you mean --export?)"},
    {"-hours", "8", "unknown option \"-hours\" (did you mean --hours?)"},
    {"/run", NULL, "unknown option \"/run\" (did you mean --run?)"},
    {"/Hours:8", NULL, "unknown option \"/Hours:8\" (did you mean --hours?)"},
    {"--frobnicate", NULL, "unknown option \"--frobnicate\""},
    {"-x", NULL, "unknown option \"-x\""},
    {"-", NULL, "unknown option \"-\""},
    {"---", NULL, "unknown option \"---\""},
};

TEST(cmdline_errors)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *argv[] = {"es", "srv01", (char *)bad[i].a1, (char *)bad[i].a2};
        int argc = bad[i].a2 ? 4 : 3;
        es_options o;
        char err[200];
        int r = es_cmdline_parse(argc, argv, &o, err, sizeof err);
        CHECK_AT(r == 0, "%s %s: accepted", bad[i].a1, bad[i].a2 ? bad[i].a2 : "");
        CHECK_AT(strcmp(err, bad[i].err) == 0, "%s %s: message\n       %s\n     expected\n       %s", bad[i].a1,
                 bad[i].a2 ? bad[i].a2 : "", err, bad[i].err);
        CHECK(o.sources == NULL && o.nsources == 0);
        es_cmdline_free(&o);
    }
    /* A long unknown option is cut in the message. */
    char longopt[300];
    memset(longopt, 'z', sizeof longopt - 1);
    longopt[0] = longopt[1] = '-';
    longopt[sizeof longopt - 1] = '\0';
    char *argv[] = {"es", longopt};
    es_options o;
    char err[200];
    CHECK_INT(es_cmdline_parse(2, argv, &o, err, sizeof err), 0);
    CHECK(strlen(err) < 100);
    es_cmdline_free(&o);
    /* err may be NULL. */
    char *argv2[] = {"es", "--hours", "x"};
    CHECK_INT(es_cmdline_parse(3, argv2, &o, NULL, 0), 0);
    es_cmdline_free(&o);
}

TEST(cmdline_number_edges)
{
    static const struct {
        const char *arg;
        int hours, timeout, threads;
    } ok[] = {
        {"--hours=0", 0, -1, -1},       {"--hours=8760", 8760, -1, -1}, {"--hours=007", 7, -1, -1},
        {"--timeout=1", -1, 1, -1},     {"--timeout=86400", -1, 86400, -1},
        {"--threads=1", -1, -1, 1},     {"--threads=4096", -1, -1, 4096},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char *argv[] = {"es", (char *)ok[i].arg};
        es_options o;
        char err[200];
        CHECK_AT(es_cmdline_parse(2, argv, &o, err, sizeof err) == 1, "%s: %s", ok[i].arg, err);
        CHECK_AT(o.hours == ok[i].hours && o.timeout == ok[i].timeout && o.threads == ok[i].threads, "%s: %d %d %d", ok[i].arg,
                 o.hours, o.timeout, o.threads);
        es_cmdline_free(&o);
    }
}

/* Issue #7: --levels, --ids, --providers keep their text; a malformed list is a usage error
 * that names the option and the bad item. */
/* Another account: --user (the prompt) or --credential (the Credential Manager), not both; no
 * option takes a password. */
TEST(cmdline_accounts)
{
    char *a1[] = {"es", "--user", "CORP\\sweeper", "--auth=Kerberos", "srv"};
    es_options o;
    char err[200] = "";
    CHECK_INT(es_cmdline_parse(5, a1, &o, err, sizeof err), 1);
    CHECK_STR(o.user, "CORP\\sweeper");
    CHECK_STR(o.auth, "kerberos");
    CHECK(o.credential == NULL);
    es_cmdline_free(&o);
    char *a2[] = {"es", "--credential", "eventsweep-fleet", "srv"};
    CHECK_INT(es_cmdline_parse(4, a2, &o, err, sizeof err), 1);
    CHECK_STR(o.credential, "eventsweep-fleet");
    CHECK(o.auth == NULL);
    es_cmdline_free(&o);
    char *a3[] = {"es", "--user", "a", "--credential", "b"};
    CHECK_INT(es_cmdline_parse(5, a3, &o, err, sizeof err), 0);
    CHECK_STR(err, "--user and --credential: give one account, not both.");
    char *a4[] = {"es", "--password", "x"};
    CHECK_INT(es_cmdline_parse(3, a4, &o, err, sizeof err), 0);
    CHECK(strstr(err, "unknown option \"--password\"") != NULL);
    const char *u = es_cmdline_usage();
    CHECK(strstr(u, "--user NAME") && strstr(u, "--credential T") && strstr(u, "never on the command line"));
}

TEST(cmdline_filters)
{
    char *argv[] = {"es", "--levels", "Error,warning", "--ids=4624,1000-1010,-4634", "--providers", "EventLog,O'B", "srv"};
    es_options o;
    char err[300];
    CHECK_INT(es_cmdline_parse(ARGC(argv), argv, &o, err, sizeof err), 1);
    CHECK_STR(o.levels, "Error,warning");
    CHECK_STR(o.ids, "4624,1000-1010,-4634");
    CHECK_STR(o.providers, "EventLog,O'B");
    CHECK_INT(o.nsources, 1);
    es_cmdline_free(&o);
    char *none[] = {"es"};
    CHECK_INT(es_cmdline_parse(ARGC(none), none, &o, err, sizeof err), 1);
    CHECK(o.levels == NULL && o.ids == NULL && o.providers == NULL);
    es_cmdline_free(&o);
    struct { char *opt, *val; const char *msg; } cases[] = {
        {"--ids", "4624,12a", "--ids: \"12a\" is not an event ID (0-65535) or a range such as 1000-1010."},
        {"--ids", "5-3", "--ids: \"5-3\" is not a range: its first ID is larger than its last."},
        {"--ids", "70000", "--ids: \"70000\" is not an event ID (0-65535) or a range such as 1000-1010."},
        {"--levels", "error,fatal", "--levels: \"fatal\" is not a level (critical, error, warning, information, "
                                    "verbose, audit-success, audit-failure)."},
        {"--providers", "It's \"x\"", "--providers: provider \"It's \"x\"\" holds both kinds of quote (' and \"): "
                                      "it cannot be asked for."},
        {"--ids", "", "--ids needs a value (event IDs such as 4624,1000-1010,-4634)."},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *a[] = {"es", cases[i].opt, cases[i].val, "srv"};
        CHECK_INT(es_cmdline_parse(4, a, &o, err, sizeof err), 0);
        CHECK_STR(err, cases[i].msg);
        CHECK(o.sources == NULL);
        es_cmdline_free(&o);
    }
    /* A leading minus is an exclusion, not an option, after '='; as the next argument it reads as
     * a value too (only "--" starts an option). */
    char *ex[] = {"es", "--ids", "-4634", "--ids=-1-2"};
    CHECK_INT(es_cmdline_parse(ARGC(ex), ex, &o, err, sizeof err), 1);
    CHECK_STR(o.ids, "-1-2");
    es_cmdline_free(&o);
    CHECK(strstr(es_cmdline_usage(), "--ids LIST") != NULL);
}

int main(void)
{
    RUN(cmdline_defaults);
    RUN(cmdline_all_options);
    RUN(cmdline_follow);
    RUN(cmdline_since_last);
    RUN(cmdline_burst);
    RUN(cmdline_limits);
    RUN(cmdline_last_wins_sources_collect_and_dashdash);
    RUN(cmdline_help);
    RUN(cmdline_errors);
    RUN(cmdline_number_edges);
    RUN(cmdline_accounts);
    RUN(cmdline_filters);
    TESTS_DONE();
}
