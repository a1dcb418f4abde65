/* The command line (see es_cmdline.h).
 *
 * Decisions beyond the header:
 *  - Long option names match without regard to ASCII case ("--Hours"), as Windows users expect.
 *  - -h, -?, --help or /? anywhere before "--" asks for help: es_cmdline_parse returns 1 with
 *    help set and nothing else parsed, so "eventsweep --bogus --help" shows the help.
 *  - A value that starts with "--" ("--export --run") is taken as a missing value.
 *  - "--run=1" is an error: flags take no value.
 *  - "/run", "-hours" and the like are errors that suggest the "--" spelling; any other
 *    argument starting with '-' is an unknown option (use "--" before a source starting
 *    with '-'); other arguments starting with '/' are sources (a path).
 *  - --levels, --ids and --providers are parsed here too (es_filter.h): a malformed list is a
 *    usage error naming the bad item; the options keep the text, the window parses it again.
 *  - On failure o->sources is freed (es_cmdline_free stays safe to call).
 *
 * Portable core: no windows.h. */
#include "es_cmdline.h"
#include "es_logs.h"
#include "es_view.h"
#include "es_filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ES_MAX_HOURS 8760

#define XSTR(x) #x
#define STR(x) XSTR(x)

enum { O_SERVERS, O_LOG, O_HOURS, O_TIMEOUT, O_MAX_SECONDS, O_MAX_MEMORY, O_MAX_ROWS, O_THREADS, O_RETRY, O_ENGINE, O_USER, O_CREDENTIAL, O_AUTH, O_LEVELS, O_IDS, O_PROVIDERS, O_QUERY, O_RUN, O_EXPORT, O_STATUS, O_HTML, O_EXIT, O_FIND, O_SORT, O_FOLLOW, O_FOLLOW_MINUTES, O_SINCE_LAST, O_STATE, O_BURST, O_HELP, O_COUNT };
enum { K_FLAG, K_STR, K_INT };

static const struct opt {
    const char *name;
    int kind;
    const char *value; /* what the value is, for "needs a value" */
    int min, max;
} opts[O_COUNT] = {
    [O_SERVERS] = {"servers", K_STR, "a file with one source per line", 0, 0},
    [O_LOG] = {"log", K_STR, "the name of an event log, e.g. System", 0, 0},
    [O_HOURS] = {"hours", K_INT, "a number of hours", 0, ES_MAX_HOURS},
    [O_TIMEOUT] = {"timeout", K_INT, "a number of seconds", 1, ES_MAX_TIMEOUT},
    [O_MAX_SECONDS] = {"max-seconds", K_INT, "a number of seconds, 0 for no cap", 0, ES_MAX_TIMEOUT},
    [O_MAX_MEMORY] = {"max-memory", K_INT, "a number of megabytes", 1, ES_MAX_MEMORY_MB},
    [O_MAX_ROWS] = {"max-rows", K_INT, "a number of rows", 1, ES_MAX_ROWS},
    [O_THREADS] = {"threads", K_INT, "a number of sources to read at once", 1, ES_MAX_THREADS},
    [O_RETRY] = {"retry", K_INT, "a number of retries", 0, ES_MAX_RETRY},
    [O_ENGINE] = {"engine", K_STR, "auto, wevt or classic", 0, 0},
    [O_USER] = {"user", K_STR, "an account such as CORP\\name", 0, 0},
    [O_CREDENTIAL] = {"credential", K_STR, "the name of a generic credential in the Credential Manager", 0, 0},
    [O_AUTH] = {"auth", K_STR, "negotiate, kerberos or ntlm", 0, 0},
    [O_LEVELS] = {"levels", K_STR, "levels such as error,warning", 0, 0},
    [O_IDS] = {"ids", K_STR, "event IDs such as 4624,1000-1010,-4634", 0, 0},
    [O_PROVIDERS] = {"providers", K_STR, "provider names separated by commas", 0, 0},
    [O_QUERY] = {"query", K_STR, "an Event Viewer view or QueryList file", 0, 0},
    [O_RUN] = {"run", K_FLAG, NULL, 0, 0},
    [O_EXPORT] = {"export", K_STR, "the name of the file to write", 0, 0},
    [O_STATUS] = {"status", K_STR, "the name of the file to write", 0, 0},
    [O_HTML] = {"html", K_STR, "the name of the file to write", 0, 0},
    [O_EXIT] = {"exit", K_FLAG, NULL, 0, 0},
    [O_FIND] = {"find", K_STR, "the text to find", 0, 0},
    [O_SORT] = {"sort", K_STR, "a column, e.g. TimeCreated:desc", 0, 0},
    [O_FOLLOW] = {"follow", K_FLAG, NULL, 0, 0},
    [O_FOLLOW_MINUTES] = {"follow-minutes", K_INT, "a number of minutes", 1, ES_MAX_FOLLOW_MINUTES},
    [O_SINCE_LAST] = {"since-last", K_FLAG, NULL, 0, 0},
    [O_STATE] = {"state", K_STR, "the name of the file that keeps where each server's log was read up to", 0, 0},
    [O_BURST] = {"burst", K_STR, "servers and minutes, e.g. 3,10", 0, 0},
    [O_HELP] = {"help", K_FLAG, NULL, 0, 0},
};

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }

static int eq_ci_n(const char *a, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    if (k != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower(a[i]) != lit[i])
            return 0;
    return 1;
}

static int find_opt(const char *name, size_t n)
{
    for (int i = 0; i < O_COUNT; i++)
        if (eq_ci_n(name, n, opts[i].name))
            return i;
    return -1;
}

static int is_help(const char *a)
{
    return strcmp(a, "-h") == 0 || strcmp(a, "-?") == 0 || strcmp(a, "/?") == 0 || eq_ci_n(a, strlen(a), "--help");
}

/* Edit distance of two short strings (case folded); a large number when too long. */
static size_t distance(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    size_t row[40];
    if (an >= 39 || bn >= 39)
        return 1000;
    for (size_t j = 0; j <= bn; j++)
        row[j] = j;
    for (size_t i = 1; i <= an; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= bn; j++) {
            size_t up = row[j];
            size_t cost = lower(a[i - 1]) == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[bn];
}

static int prefix_ci(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    const char *shorter = an < bn ? a : b;
    const char *other = an < bn ? b : a;
    size_t sn = an < bn ? an : bn;
    for (size_t i = 0; i < sn; i++)
        if (lower(shorter[i]) != lower(other[i]))
            return 0;
    return 1;
}

/* The known option closest to `arg` ("--hour", "-hours", "/run", "--treads"), or -1. */
static int suggest(const char *arg)
{
    while (*arg == '-' || *arg == '/')
        arg++;
    size_t n = strcspn(arg, "=");
    if (n == 0)
        return -1;
    int exact = find_opt(arg, n);
    if (exact >= 0)
        return exact;
    if (n >= 2)
        for (int i = 0; i < O_COUNT; i++)
            if (prefix_ci(arg, n, opts[i].name))
                return i;
    int best = -1;
    size_t bestd = n <= 4 ? 1 : 2;
    for (int i = 0; i < O_COUNT; i++) {
        size_t d = distance(arg, n, opts[i].name);
        if (d <= bestd && (best < 0 || d < bestd)) {
            best = i;
            bestd = d;
        }
    }
    return best;
}

static int unknown(const char *arg, char *err, size_t err_len)
{
    int s = suggest(arg);
    if (err && err_len) {
        if (s >= 0)
            snprintf(err, err_len, "unknown option \"%s\" (did you mean --%s?)", arg, opts[s].name);
        else
            snprintf(err, err_len, "unknown option \"%s\"", arg);
    }
    return 0;
}

/* Strict decimal: digits only, no sign or spaces, within [min, max]. */
static int parse_int(const char *v, int min, int max, int *out)
{
    long long x = 0;
    if (!*v)
        return 0;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        x = x * 10 + (*p - '0');
        if (x > max)
            return 0;
    }
    if (x < min)
        return 0;
    *out = (int)x;
    return 1;
}

/* "N,T": servers, then minutes; spaces around either are allowed. */
int es_burst_parse(const char *text, unsigned *servers, unsigned *minutes, char *err, size_t err_len)
{
    char part[2][24];
    const char *comma = text ? strchr(text, ',') : NULL;
    if (!comma) {
        if (err && err_len)
            snprintf(err, err_len, "--burst: \"%.40s\" is not servers,minutes (e.g. %d,%d).", text ? text : "",
                     ES_BURST_DEFAULT_SERVERS, ES_BURST_DEFAULT_MINUTES);
        return 0;
    }
    const char *from[2] = {text, comma + 1}, *to[2] = {comma, comma + strlen(comma)};
    static const char *const what[2] = {"servers", "minutes"};
    static const int lo[2] = {2, 1}, hi[2] = {ES_BURST_MAX_SERVERS, ES_BURST_MAX_MINUTES};
    int v[2];
    for (int k = 0; k < 2; k++) {
        const char *a = from[k], *b = to[k];
        while (a < b && *a == ' ')
            a++;
        while (b > a && b[-1] == ' ')
            b--;
        size_t n = (size_t)(b - a);
        int ok = n < sizeof part[k];
        if (ok) {
            memcpy(part[k], a, n);
            part[k][n] = '\0';
            ok = parse_int(part[k], lo[k], hi[k], &v[k]);
        }
        if (!ok) {
            if (err && err_len)
                snprintf(err, err_len, "--burst: the %s, \"%.*s\", is not a whole number from %d to %d.", what[k],
                         n > 40 ? 40 : (int)n, a, lo[k], hi[k]);
            return 0;
        }
    }
    *servers = (unsigned)v[0];
    *minutes = (unsigned)v[1];
    return 1;
}

static void reset(es_options *o)
{
    memset(o, 0, sizeof *o);
    o->hours = -1;
    o->timeout = -1;
    o->max_seconds = -1;
    o->max_memory_mb = -1;
    o->max_rows = -1;
    o->threads = -1;
    o->retry = 0;
}

static int failed(es_options *o, int r)
{
    free(o->sources);
    o->sources = NULL;
    o->nsources = 0;
    return r;
}

/* The filter options are checked here, so a malformed one is a usage error like any other;
 * the window parses them again into its controls' filter. */
static int check_filter(const es_options *o, char *err, size_t err_len)
{
    es_filter *f = malloc(sizeof *f); /* 17 KB: not on the stack */
    char msg[300];
    if (!f) {
        if (err && err_len)
            snprintf(err, err_len, "out of memory");
        return 0;
    }
    es_filter_init(f);
    msg[0] = '\0';
    const char *bad = NULL;
    if (o->levels && !es_filter_parse_levels(f, o->levels, msg, sizeof msg))
        bad = "levels";
    else if (o->ids && !es_filter_parse_ids(f, o->ids, msg, sizeof msg))
        bad = "ids";
    else if (o->providers && !es_filter_parse_providers(f, o->providers, msg, sizeof msg))
        bad = "providers";
    else if (!es_filter_check(f, msg, sizeof msg))
        bad = "ids";
    if (bad && err && err_len)
        snprintf(err, err_len, "--%s: %s", bad, msg);
    free(f);
    return bad == NULL;
}

int es_cmdline_parse(int argc, char **argv, es_options *o, char *err, size_t err_len)
{
    reset(o);
    if (err && err_len)
        err[0] = '\0';
    if (argc < 1 || !argv)
        return 1;
    for (int i = 1; i < argc && argv[i]; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (is_help(argv[i])) {
            o->help = 1;
            return 1;
        }
    }
    o->sources = calloc((size_t)argc, sizeof *o->sources);
    if (!o->sources) {
        if (err && err_len)
            snprintf(err, err_len, "out of memory");
        return 0;
    }
    int only_sources = 0;
    for (int i = 1; i < argc && argv[i]; i++) {
        char *a = argv[i];
        if (only_sources) {
            o->sources[o->nsources++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_sources = 1;
            continue;
        }
        if (a[0] == '/') {
            /* "/run": a Windows-style spelling of an option, not a path. */
            size_t n = strcspn(a + 1, "=:");
            if (find_opt(a + 1, n) >= 0)
                return failed(o, unknown(a, err, err_len));
            o->sources[o->nsources++] = a;
            continue;
        }
        if (a[0] != '-') {
            o->sources[o->nsources++] = a;
            continue;
        }
        if (a[1] != '-')
            return failed(o, unknown(a, err, err_len));
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t n = eq ? (size_t)(eq - name) : strlen(name);
        int id = find_opt(name, n);
        if (id < 0) {
            if (err && err_len) {
                /* Name the option without its "=value". */
                char shown[64];
                size_t k = (size_t)(2 + n) < sizeof shown - 4 ? (size_t)(2 + n) : sizeof shown - 4;
                memcpy(shown, a, k);
                strcpy(shown + k, (size_t)(2 + n) > k ? "..." : "");
                unknown(shown, err, err_len);
            }
            return failed(o, 0);
        }
        const struct opt *op = &opts[id];
        const char *val = NULL;
        if (op->kind == K_FLAG) {
            if (eq) {
                if (err && err_len)
                    snprintf(err, err_len, "--%s does not take a value.", op->name);
                return failed(o, 0);
            }
        } else if (eq) {
            val = eq + 1;
        } else if (i + 1 < argc && argv[i + 1] && !(argv[i + 1][0] == '-' && argv[i + 1][1] == '-' && argv[i + 1][2])) {
            val = argv[++i];
        } else {
            if (err && err_len)
                snprintf(err, err_len, "--%s needs a value (%s).", op->name, op->value);
            return failed(o, 0);
        }
        int num = 0;
        if (op->kind == K_INT && !parse_int(val, op->min, op->max, &num)) {
            if (err && err_len)
                snprintf(err, err_len, "--%s: \"%.40s%s\" is not a whole number from %d to %d.", op->name, val,
                         strlen(val) > 40 ? "..." : "", op->min, op->max);
            return failed(o, 0);
        }
        if (op->kind == K_STR && !*val) {
            if (err && err_len)
                snprintf(err, err_len, "--%s needs a value (%s).", op->name, op->value);
            return failed(o, 0);
        }
        switch (id) {
        case O_SERVERS: o->servers_file = val; break;
        case O_LOG: o->log = val; break;
        case O_HOURS: o->hours = num; break;
        case O_TIMEOUT: o->timeout = num; break;
        case O_MAX_SECONDS: o->max_seconds = num; break;
        case O_MAX_MEMORY: o->max_memory_mb = num; break;
        case O_MAX_ROWS: o->max_rows = num; break;
        case O_THREADS: o->threads = num; break;
        case O_RETRY: o->retry = num; break;
        case O_USER: o->user = val; break;
        case O_CREDENTIAL: o->credential = val; break;
        case O_AUTH:
            o->auth = eq_ci_n(val, strlen(val), "negotiate") ? "negotiate" : eq_ci_n(val, strlen(val), "kerberos") ? "kerberos"
                      : eq_ci_n(val, strlen(val), "ntlm") ? "ntlm" : NULL;
            if (o->auth)
                break;
            if (err && err_len)
                snprintf(err, err_len, "--auth: \"%.40s\" is not negotiate, kerberos or ntlm.", val);
            return failed(o, 0);
        case O_ENGINE:
            o->engine = eq_ci_n(val, strlen(val), "auto") ? "auto" : eq_ci_n(val, strlen(val), "wevt") ? "wevt"
                        : eq_ci_n(val, strlen(val), "classic") ? "classic" : NULL;
            if (o->engine)
                break;
            if (err && err_len)
                snprintf(err, err_len, "--engine: \"%.40s\" is not auto, wevt or classic.", val);
            return failed(o, 0);
        case O_LEVELS: o->levels = val; break;
        case O_IDS: o->ids = val; break;
        case O_PROVIDERS: o->providers = val; break;
        case O_QUERY: o->query_file = val; break;
        case O_RUN: o->run = 1; break;
        case O_EXPORT: o->export_file = val; break;
        case O_STATUS: o->status_file = val; break;
        case O_HTML: o->html_file = val; break;
        case O_EXIT: o->exit_when_done = 1; break;
        case O_FIND: o->find = val; break;
        case O_SORT: {
            es_order ord;
            if (!es_order_parse(val, &ord, err, err_len))
                return failed(o, 0);
            o->sort = val;
            break;
        }
        case O_FOLLOW: o->follow = 1; break;
        case O_SINCE_LAST: o->since_last = 1; break;
        case O_STATE: o->state_file = val; break;
        case O_FOLLOW_MINUTES: o->follow = 1; o->follow_minutes = num; break;
        case O_BURST:
            if (!es_burst_parse(val, &o->burst_servers, &o->burst_minutes, err, err_len))
                return failed(o, 0);
            break;
        case O_HELP: o->help = 1; break;
        default: break;
        }
    }
    if (o->log) {   /* a list of logs: checked here, so a bad one is a usage error */
        char names[ES_MAX_LOGS][ES_LOG_NAME_MAX], lerr[300];
        if (!es_logs_parse(o->log, names, ES_MAX_LOGS, lerr, sizeof lerr)) {
            if (err && err_len)
                snprintf(err, err_len, "--log%s", lerr + 3);   /* "Log: ..." -> "--log: ..." */
            return failed(o, 0);
        }
    }
    if (o->follow_minutes && !o->run) {
        if (err && err_len)
            snprintf(err, err_len, "--follow-minutes: give it with --run (it follows the sweep it starts for that long).");
        return failed(o, 0);
    }
    if (o->since_last && o->query_file) {
        if (err && err_len)
            snprintf(err, err_len, "--since-last: give it with the filter options, not with --query (a view's Selects are its own).");
        return failed(o, 0);
    }
    if (o->user && o->credential) {
        if (err && err_len)
            snprintf(err, err_len, "--user and --credential: give one account, not both.");
        return failed(o, 0);
    }
    if (o->query_file && (o->levels || o->ids || o->providers)) {
        if (err && err_len)
            snprintf(err, err_len, "--query: a view brings its own filter; give it without --levels, --ids and --providers.");
        return failed(o, 0);
    }
    return check_filter(o, err, err_len) ? 1 : failed(o, 0);
}

void es_cmdline_free(es_options *o)
{
    if (!o)
        return;
    free(o->sources);
    o->sources = NULL;
    o->nsources = 0;
}

const char *es_cmdline_usage(void)
{
    return "Usage: eventsweep.exe [options] [SOURCE...]\n"
           "\n"
           "Reads an event log from many Windows computers and saved .evtx files at once.\n"
           "A SOURCE is a server (NetBIOS or DNS name, IPv4 or IPv6 address, \".\" or localhost for\n"
           "this computer) or a saved log (a .evtx file, or a folder of them).\n"
           "\n"
           "Options (the value may also follow '=', as in --hours=24):\n"
           "  --servers FILE     read the sources from FILE, one per line; lines starting with # are comments\n"
           "  --log NAME         the event log to read, e.g. System, or several: \"System,Application\"\n"
           "                     (default: the saved choice)\n"
           "  --hours N          only events of the last N hours, 0 for all (0-" STR(ES_MAX_HOURS) ", default " STR(ES_DEFAULT_HOURS) ")\n"
           "  --timeout SECONDS  give up on a source that does not answer one call within SECONDS\n"
           "                     (1-" STR(ES_MAX_TIMEOUT) ", default " STR(ES_DEFAULT_TIMEOUT) "); a source that keeps answering runs to the end\n"
           "  --max-seconds N    give up on a source after N seconds in all (0-" STR(ES_MAX_TIMEOUT) ", default 0: no cap)\n"
           "  --max-memory MB    stop reading when the rows take MB megabytes (default: half of the memory)\n"
           "  --max-rows N       stop reading when N rows are kept (1-" STR(ES_MAX_ROWS) ", default " STR(ES_MAX_ROWS) ")\n"
           "  --threads N        read at most N sources at once (1-" STR(ES_MAX_THREADS) ", default " STR(ES_DEFAULT_THREADS) ")\n"
           "  --retry N          read the sources that failed again, up to N times (0-" STR(ES_MAX_RETRY) ", default 0),\n"
           "                     with the same window, before --export; their earlier rows are replaced\n"
           "  --engine E         how servers are read: auto (the Windows Event Log API, else the classic\n"
           "                     API for a classic log when RPC is blocked; default), wevt, or classic\n"
           "  --user NAME        read the servers as another account (DOMAIN\\name): its password is asked for\n"
           "                     in the Windows credential prompt, never on the command line\n"
           "  --credential T     read the servers with the generic credential T of the Credential Manager\n"
           "                     (cmdkey /generic:T /user:NAME /pass), for scheduled runs\n"
           "  --auth A           how another account logs on: negotiate (default), kerberos or ntlm\n"
           "  --levels LIST      only events of these levels: critical, error, warning, information (also\n"
           "                     level 0), verbose; on the Security log also audit-success, audit-failure\n"
           "  --ids LIST         only these event IDs and ranges, e.g. 4624,1000-1010; a leading minus\n"
           "                     leaves one out: -4634 (only exclusions: every event but those)\n"
           "  --providers LIST   only events of these providers (names separated by commas, any case)\n"
           "  --query FILE       an Event Viewer custom view or filter (its XML, or a <QueryList>), run on every\n"
           "                     source with the time window added; instead of --levels/--ids/--providers\n"
           "  --run              start reading at once, without waiting for Start\n"
           "  --export FILE      when done, write the events to FILE (CSV)\n"
           "  --status FILE      when done, write each source's result to FILE (CSV)\n"
           "  --html FILE        when done, write a one-file HTML report to FILE: the sweep, each source,\n"
           "                     the fleet summary, the timeline and the first 10,000 rows shown\n"
           "  --exit             close when done (for scheduled runs, with --run)\n"
           "  --find TEXT        show only the rows whose visible text contains TEXT (any case)\n"
           "  --sort COLUMN[:asc|:desc]  the order of the rows, by a column named as in the CSV header\n"
           "                     (default TimeCreated:desc, newest first); ties by server, then RecordID\n"
           "                     (with --export, the CSV holds the rows shown, in this order)\n"
           "  --follow           after the sweep, keep reading new events of every server as they happen\n"
           "                     (until Stop; saved logs are read once)\n"
           "  --follow-minutes N follow for N minutes (1-" STR(ES_MAX_FOLLOW_MINUTES) "), then stop and write --export and --status\n"
           "  --since-last       read only what is newer than the last sweep read of each server's log\n"
           "                     (a log cleared or wrapped meanwhile is said, and what it holds is read)\n"
           "  --state FILE       where each server's log was read up to (default %APPDATA%\\EventSweep\\marks.txt);\n"
           "                     it advances after a sweep (with --export: once the file is in place)\n"
           "  --burst N,T        the fleet summary flags the same event on N servers within T minutes\n"
           "                     (servers 2-" STR(ES_BURST_MAX_SERVERS) ", minutes 1-" STR(ES_BURST_MAX_MINUTES) "; default " STR(ES_BURST_DEFAULT_SERVERS) "," STR(ES_BURST_DEFAULT_MINUTES) "): the window and --html\n"
           "  -h, --help, /?     show this help\n"
           "  --                 every argument after this is a SOURCE, even if it starts with '-'\n"
           "\n"
           "Exit codes:\n"
           "  0  every source was read\n"
           "  1  usage error, or a file could not be read or written\n"
           "  2  one or more sources failed\n";
}
