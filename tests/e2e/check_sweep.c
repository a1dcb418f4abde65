/* check_sweep: checks the CSV files of an EventSweep sweep against the SIMULATED FLEET.
 * Native (Linux) program, linked with tests/e2e/csvcheck.c (the CSV reader and reporting it
 * shares with check_files.c), tests/fake/fleetgen.c and the portable core. Built and run by
 * tests/e2e/t_sweep.sh and tests/bench/bench_sweep.sh.
 *
 *   check_sweep --name TAG --fleet FLEET --servers LIST --hours H --timeout S
 *               [--max-seconds S] [--max-rows N] --export ROWS.csv --status STATUS.csv
 *       Recomputes from fleetgen which records every server's window holds and what each
 *       column should say, and prints PASS/FAIL lines (TAG-...). Exit 1 when anything failed.
 *
 *   check_sweep --make-expected --fleet FLEET --servers LIST --hours H --timeout S
 *               --export ROWS.csv --status STATUS.csv
 *       Writes the files a correct sweep would write (through the core's own CSV export), to
 *       test this checker without the app.
 *
 * Filters (both modes; a record must pass every option given, on top of the time window):
 *   --levels LIST     critical,error,warning,information,verbose,audit-success,audit-failure: a
 *                     record passes when any item matches it — its Level is 1 critical, 2 error,
 *                     3 warning, 4 or 0 (LogAlways) information, 5 verbose; audit-success and
 *                     audit-failure match the Keywords bits 0x20000000000000 / 0x10000000000000
 *                     (whatever the level)
 *   --ids LIST        4624,1000-1010,-4634: an id or a range includes, a leading '-' excludes (an
 *                     id or a range); only excludes = every id except those
 *   --providers LIST  provider names, comma-separated, matched case-insensitively
 * Parsed here with code of its own: this is the independent oracle for the product's filters.
 * The window is then the records that pass, not a contiguous run; "the first N" and
 * "contiguous" below are counted in it. A nofilter server ignores only the time terms of a
 * filter, so what it sends (for break=/stuck=) is every record that passes the other options.
 *
 * What a server in LIST should end as (from its fleet line):
 *   not in FLEET, down            error 1722, no rows
 *   deny                          error 5, no rows
 *   nochannel / System not listed error 15007, no rows
 *   hang, hangquery               error 1460 (timeout) after about --timeout seconds, hang=N: N rows
 *   break=N (window > N events)   error 1726, the first N window rows (or the last N, when read newest first)
 *   stuck=N (window >= N events)  error 1460 (the source is abandoned about --timeout + 1.5 s after its last
 *                                 answer), exactly the first N window rows: the half-filled batch is kept
 *   stuckformat=N (window > N)    error 1460, exactly the first N window rows (the (N+1)-th one's message
 *                                 never comes)
 *   (stuck/stuckformat with a smaller window: ok, every window row)
 *   otherwise (nofilter too)      ok, exactly the window's rows
 * The window is counted from the server's anchor: its EvtQuery, or with clock=load the fake's load,
 * which is within milliseconds of the app's sweep start (the DLL is loaded by the first source),
 * so an edge=H clock=load server of a --hours H sweep gives exactly its younger half, however late
 * it is queried (edge records are step/2 or more from the boundary). All clock=load rows must
 * hang from one anchor (TimeCreated + age, to the millisecond): export-one-anchor.
 * --max-seconds S: a server whose reading must take longer than S seconds (its latency plus one
 * next_latency per 37 window events, the most one EvtNext returns) ends in error 1460 after about
 * S seconds with a contiguous run of 1..window-1 first rows; servers that might end near S are
 * not for this option.
 * --logs A,B: the sweep read these logs (default System): every server once per log, its rows and
 * its status line with that Log (the fleet's records are the same in each channel; a server
 * without the channel ends 15007 for that log only).
 * --retries N: the app read the failed sources again up to N times (--retry N): a flaky=F server
 * with F <= N ends as the healthy server it became (its earlier partial rows must not be in the
 * export); other servers end as their line says.
 * --max-rows N: the export has exactly min(N, the rows expected) rows; a server expected ok may
 * end instead in error 8 with a run of its first rows and an Error that says the row limit (N
 * rows) was reached, and, when it says "M rows were lost", Events + M <= its window. A server
 * that ends ok has all its rows.
 * first=N (the log's oldest record is N): only records >= N can be in the window. Coverage (the
 * status file's last column): a server that ends ok in a sweep with --hours > 0 whose oldest
 * record (first, 1 by default) is younger than the window says "log starts YYYY-MM-DD HH:MM: not
 * the whole window (log full: older events overwritten)" (full) or "(the log was cleared or
 * created then)", the time in UTC to the minute (its anchor taken from its rows' TimeCreated +
 * age, the minute of up to 10 s later allowed: the coverage query comes after the rows');
 * every other server says nothing. Within 2 minutes of the window's start either is accepted,
 * and so is nothing for a server whose read the row budget cut short (--max-rows). */
#include "csvcheck.h"
#include "es_coverage.h"
#include "es_csv.h"
#include "es_event.h"
#include "es_export.h"
#include "es_row.h"
#include "es_source.h"
#include "es_time.h"
#include "fleetgen.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ------------------------------------------------------------------ expectations */

typedef struct server {
    char name[FLEET_NAME_MAX];
    char log[128];              /* the log it is read for (--logs: each server once per log) */
    const fleet_server *fs;     /* NULL: not in the fleet */
    uint64_t first, last;       /* the time window: records first..last */
    uint64_t *win;              /* with a filter: the window records that pass it, ascending */
    size_t   nwin;
    uint64_t nall;              /* records that pass the filter regardless of time (what a nofilter server sends) */
    uint64_t inwin;             /* records in the window (that pass the filter) */
    uint32_t code;              /* expected ErrorCode */
    uint64_t rows_min, rows_max;/* expected row count */
    int      partial;           /* break/hang: a prefix (forward) or suffix (reverse) of the window */
    int      prefix;            /* stuck, stuckformat, --max-seconds, --max-rows: the first rows only */
    int      budget;            /* --max-rows: error 8 (the row budget) with a prefix is allowed */
    double   secs_min, secs_max;/* the Seconds of a 1460 */
    uint64_t first_received;    /* clock=load: its earliest Received (0: none) */
    uint64_t *seen;             /* record ids in the export */
    size_t   nseen, capseen;
    int      status_rows;
    uint64_t anchor;            /* TimeCreated + age of its first row in the export (0: no rows) */
} server;

/* ------------------------------------------------------------------ filters */

#define MAX_FILTER_ITEMS 64
typedef struct filter {
    int      active;
    int      levels;                /* bit L: Level L passes (bit 0: Level 0); 0 = no --levels */
    uint64_t level_keywords;        /* audit bits of --levels */
    int      have_levels;
    int      nin, nex;
    uint32_t in_lo[MAX_FILTER_ITEMS], in_hi[MAX_FILTER_ITEMS], ex_lo[MAX_FILTER_ITEMS], ex_hi[MAX_FILTER_ITEMS];
    int      have_ids;
    int      nprov;
    char     prov[MAX_FILTER_ITEMS][128];
} filter;

static filter g_filter;

/* The next comma-separated item of *p, trimmed, into out; 0 at the end. */
static int next_item(const char **p, char *out, size_t cap)
{
    const char *s = *p;
    if (!*s)
        return 0;
    const char *e = strchr(s, ',');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    *p = e ? e + 1 : s + n;
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, s, n);
    out[n] = 0;
    return 1;
}

static int parse_levels(const char *list)
{
    char it[64];
    g_filter.have_levels = g_filter.active = 1;
    while (next_item(&list, it, sizeof it)) {
        if (!strcasecmp(it, "critical")) g_filter.levels |= 1 << 1;
        else if (!strcasecmp(it, "error")) g_filter.levels |= 1 << 2;
        else if (!strcasecmp(it, "warning")) g_filter.levels |= 1 << 3;
        else if (!strcasecmp(it, "information")) g_filter.levels |= 1 << 4 | 1 << 0;
        else if (!strcasecmp(it, "verbose")) g_filter.levels |= 1 << 5;
        else if (!strcasecmp(it, "audit-success")) g_filter.level_keywords |= 0x20000000000000ull;
        else if (!strcasecmp(it, "audit-failure")) g_filter.level_keywords |= 0x10000000000000ull;
        else if (it[0]) return 0;
    }
    return 1;
}

static int parse_u32(const char *s, const char **end, uint32_t *out)
{
    char *e;
    if (*s < '0' || *s > '9')
        return 0;
    unsigned long long v = strtoull(s, &e, 10);
    if (v > 0xFFFFFFFFull)
        return 0;
    *out = (uint32_t)v;
    *end = e;
    return 1;
}

static int parse_ids(const char *list)
{
    char it[64];
    g_filter.have_ids = g_filter.active = 1;
    while (next_item(&list, it, sizeof it)) {
        if (!it[0])
            continue;
        int ex = it[0] == '-';
        const char *p = it + ex, *e;
        uint32_t lo, hi;
        if (!parse_u32(p, &e, &lo))
            return 0;
        hi = lo;
        if (*e == '-' && (!parse_u32(e + 1, &e, &hi) || hi < lo))
            return 0;
        if (*e)
            return 0;
        int *n = ex ? &g_filter.nex : &g_filter.nin;
        if (*n >= MAX_FILTER_ITEMS)
            return 0;
        (ex ? g_filter.ex_lo : g_filter.in_lo)[*n] = lo;
        (ex ? g_filter.ex_hi : g_filter.in_hi)[*n] = hi;
        (*n)++;
    }
    return 1;
}

static int parse_providers(const char *list)
{
    char it[128];
    g_filter.active = 1;
    while (next_item(&list, it, sizeof it)) {
        if (!it[0])
            continue;
        if (g_filter.nprov >= MAX_FILTER_ITEMS)
            return 0;
        strcpy(g_filter.prov[g_filter.nprov++], it);
    }
    return g_filter.nprov > 0;
}

static int filter_match(const fg_event *e)
{
    const filter *f = &g_filter;
    if (!f->active)
        return 1;
    if (f->have_levels && !((e->level <= 5 && (f->levels >> e->level) & 1) || (e->keywords & f->level_keywords)))
        return 0;
    if (f->have_ids) {
        int in = f->nin == 0;
        for (int i = 0; i < f->nin && !in; i++)
            in = e->event_id >= f->in_lo[i] && e->event_id <= f->in_hi[i];
        for (int i = 0; i < f->nex && in; i++)
            in = !(e->event_id >= f->ex_lo[i] && e->event_id <= f->ex_hi[i]);
        if (!in)
            return 0;
    }
    if (f->nprov) {
        int in = 0;
        for (int i = 0; i < f->nprov && !in; i++)
            in = !strcasecmp(f->prov[i], e->provider_name);
        if (!in)
            return 0;
    }
    return 1;
}

/* The window as a list: without a filter the records first..last, with one those of them that
 * pass (s->win, ascending). */
static uint64_t win_at(const server *s, uint64_t i) { return s->win ? s->win[i] : s->first + i; }

/* The position of record k in the window, or -1. */
static int64_t win_index(const server *s, uint64_t k)
{
    if (!s->win)
        return k >= s->first && k <= s->last ? (int64_t)(k - s->first) : -1;
    size_t lo = 0, hi = s->nwin;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->win[mid] < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->nwin && s->win[lo] == k ? (int64_t)lo : -1;
}

static void expect(server *s, unsigned hours, int timeout, unsigned max_seconds, uint64_t max_rows)
{
    const fleet_server *f = s->fs;
    s->code = 0;
    s->inwin = 0;
    s->partial = 0;
    s->prefix = 0;
    s->budget = 0;
    s->secs_min = timeout - 1.0;
    s->secs_max = timeout + 15.0;
    if (!f || f->down) { s->code = 1722; return; }
    if (f->deny) { s->code = 5; return; }
    if (!fleet_has_channel(f, s->log)) { s->code = 15007; return; }
    s->last = f->events;
    fg_spread sp = fleet_spread(f);
    s->first = hours ? fleetgen_first_in_window(&sp, (uint64_t)hours * 3600000ull) : 1;
    if (s->first < f->first)
        s->first = f->first;   /* first=N: records 1..N-1 are gone */
    s->inwin = s->first <= s->last ? s->last - s->first + 1 : 0;
    s->nall = f->events >= f->first ? f->events - f->first + 1 : 0;
    if (g_filter.active) {
        s->nall = 0;
        s->nwin = 0;
        s->win = malloc((s->inwin ? s->inwin : 1) * sizeof *s->win);
        for (uint64_t k = f->first; k <= f->events; k++) {
            fg_event e;
            fleetgen_event(f->name, f->seed, &sp, k, &e);
            if (!filter_match(&e))
                continue;
            s->nall++;
            if (k >= s->first)
                s->win[s->nwin++] = k;
        }
        s->inwin = s->nwin;
    }
    if (f->hangquery) { s->code = 1460; return; }
    if (f->hang) {
        /* the server hangs after hang_after events of what it sends (all of them when nofilter) */
        s->code = 1460;
        s->partial = 1;
        s->rows_min = 0;
        s->rows_max = f->hang_after < s->inwin ? f->hang_after : s->inwin;
        return;
    }
    if (f->stuck && (f->nofilter ? f->stuck_after <= s->nall : f->stuck_after <= s->inwin)) {
        /* stuck after stuck_after events of what the server sends: the supervisor abandons the
         * thread and keeps every row it had returned */
        s->code = 1460;
        s->partial = 1;
        if (f->nofilter) {
            s->rows_min = 0;
            s->rows_max = s->inwin;
        } else {
            s->prefix = 1;
            s->rows_min = s->rows_max = f->stuck_after;
        }
        return;
    }
    if (f->stuckformat && s->inwin > f->stuckformat_after) {
        /* the message of the (N+1)-th event never comes; N rows were gathered */
        s->code = 1460;
        s->partial = 1;
        if (f->nofilter) {
            s->rows_min = 0;
            s->rows_max = f->stuckformat_after < s->inwin ? f->stuckformat_after : s->inwin;
        } else {
            s->prefix = 1;
            s->rows_min = s->rows_max = f->stuckformat_after;
        }
        return;
    }
    if (f->break_after && !f->nofilter && f->break_after <= s->inwin) {
        s->code = 1726;
        s->partial = 1;
        s->rows_min = s->rows_max = f->break_after;
        return;
    }
    if (f->break_after && f->nofilter && f->break_after <= s->nall) {
        s->code = 1726;   /* the first break_after of ALL events; the in-window ones among them */
        s->partial = 1;
        s->rows_min = 0;
        s->rows_max = s->inwin;
        return;
    }
    s->rows_min = s->rows_max = s->inwin;
    if (max_seconds && !f->nofilter && s->inwin > 1) {
        /* the least time the reading can take: the connect, then one EvtNext per 37 events */
        uint64_t calls = (s->inwin + 36) / 37;
        uint64_t least_ms = f->latency_ms + calls * f->next_latency_ms;
        if (least_ms > (uint64_t)max_seconds * 1000) {
            s->code = 1460;
            s->partial = 1;
            s->prefix = 1;
            s->rows_min = 1;
            s->rows_max = s->inwin - 1;
            s->secs_min = max_seconds - 0.5;
            s->secs_max = max_seconds + 3.0;
            return;
        }
    }
    if (max_rows) {
        s->budget = 1;
        s->prefix = 1;
        s->rows_min = 0;
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* ------------------------------------------------------------------ main */

/* The server NAME read for LOG (the rows' and status lines' Log column). */
static server *find_server(server *v, int n, const char *name, const char *log)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(v[i].name, name) && !strcmp(v[i].log, log))
            return &v[i];
    return NULL;
}

/* What the Coverage column of a server should say: 0 nothing, 1 the sentence (in `want`, its
 * time from `anchor`; `alt` the sentence with the time `later` ticks later), 2 either (near the
 * window's start, or cut by the row budget). */
static int expected_coverage(const server *s, unsigned hours, uint64_t anchor, uint64_t later, char *want, char *alt, size_t len)
{
    want[0] = alt[0] = 0;
    const fleet_server *f = s->fs;
    if (!f || s->code || !hours || f->first > f->events)
        return 0;
    fg_spread sp = fleet_spread(f);
    int64_t d = (int64_t)fleetgen_age_ms(&sp, f->first) - (int64_t)hours * 3600000;   /* > 0: older than the window */
    if (d >= 120000)
        return 0;
    es_coverage c = {anchor - (uint64_t)hours * 3600000ull * ES_TICKS_PER_MS, anchor - fleetgen_age_ms(&sp, f->first) * ES_TICKS_PER_MS,
                     f->first, f->events - f->first + 1, 0, f->full};
    if (c.oldest_time <= c.since)
        c.since = c.oldest_time - 1;   /* near the start: the sentence as it would read */
    es_coverage_text(&c, NULL, want, len);
    c.oldest_time += later;
    es_coverage_text(&c, NULL, alt, len);
    return (d > -120000 || s->budget) ? 2 : 1;
}

static int make_expected(server *sv, int ns, unsigned hours, int timeout, uint64_t max_rows, const char *export_path,
                         const char *status_path)
{
    csv_out out;
    csv_out_init(&out);
    uint64_t now = ES_UNIX_EPOCH_TICKS + (uint64_t)time(NULL) * ES_TICKS_PER_SEC, total = 0;
    for (int i = 0; i < ns; i++) {
        server *s = &sv[i];
        /* positions in the window list: from..to */
        int64_t from = 0, to = (int64_t)s->inwin - 1;
        if (s->partial) {
            if (s->code == 1726 && !s->fs->nofilter)
                to = (int64_t)s->fs->break_after - 1;
            else if (s->code == 1460 && s->rows_min == 1)   /* cut by --max-seconds: some rows */
                to = (int64_t)s->rows_max / 2;
            else
                to = (int64_t)s->rows_max - 1;
        }
        char budget_text[96] = "";
        if (s->budget && s->inwin && total + (uint64_t)(to - from + 1) > max_rows) {   /* the row budget stops it */
            to = from + (int64_t)(max_rows - total) - 1;
            s->code = 8;
            snprintf(budget_text, sizeof budget_text, "Reading stopped: the row limit (%" PRIu64 " rows) was reached.", max_rows);
        }
        uint64_t count = 0;
        if (s->inwin && !(s->fs && s->fs->hangquery))
            for (int64_t i = from; i <= to; i++) {
                uint64_t k = win_at(s, (uint64_t)i);
                fg_event e;
                fg_spread sp = fleet_spread(s->fs);
                fleetgen_event(s->fs->name, s->fs->seed, &sp, k, &e);
                char task[32];
                size_t ml = fleetgen_expected_message(&e, NULL, 0);
                char *msg = malloc(ml + 1);
                fleetgen_expected_message(&e, msg, ml + 1);
                es_row r = {0};
                r.time_created = now - e.age_ms * ES_TICKS_PER_MS;
                r.received = now + 3 * ES_TICKS_PER_SEC;
                r.record_id = k;
                r.event_id = e.event_id;
                r.task = e.task;
                r.level = e.level;
                r.provider = e.provider_name;
                r.computer = e.computer;
                r.level_text = fleetgen_expected_level(&e);
                r.task_text = fleetgen_expected_task(&e, task, sizeof task);
                r.message = msg;
                es_export_row(&out.rows, s->name, s->log, &r);
                free(msg);
                count++;
                total++;
            }
        static const char *texts[] = {"", "Access is denied.", "The RPC server is unavailable.", "The specified channel could not be found.",
                                      "This operation returned because the timeout period expired.", "The remote procedure call failed."};
        char cov[200], alt[200];
        expected_coverage(s, hours, now, 0, cov, alt, sizeof cov);
        es_source_status ss = {s->name, s->code ? ES_STATE_FAILED : ES_STATE_DONE, count, s->code,
                               s->code == 8 ? budget_text
                               : texts[s->code == 5 ? 1 : s->code == 1722 ? 2 : s->code == 15007 ? 3 : s->code == 1460 ? 4 : s->code == 1726 ? 5 : 0],
                               s->code == 1460 ? s->secs_min + 1.05 : 0.5, s->log, s->code == 8 ? "" : cov};
        es_export_status_row(&out.status, &ss);
    }
    return csv_out_write(&out, export_path, status_path) ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *fleet_path = NULL, *list_path = NULL, *export_path = NULL, *status_path = NULL;
    unsigned hours = 8, max_seconds = 0, retries = 0;
    const char *logs_arg = "System";
    uint64_t max_rows = 0;
    int timeout = 10, make = 0;
    setvbuf(stdout, NULL, _IONBF, 0);
    g_tag = "sweep";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--make-expected")) { make = 1; continue; }
        if (!v) { fprintf(stderr, "check_sweep: %s needs a value\n", a); return 2; }
        if (!strcmp(a, "--name")) g_tag = v;
        else if (!strcmp(a, "--fleet")) fleet_path = v;
        else if (!strcmp(a, "--servers")) list_path = v;
        else if (!strcmp(a, "--export")) export_path = v;
        else if (!strcmp(a, "--status")) status_path = v;
        else if (!strcmp(a, "--hours")) hours = (unsigned)atoi(v);
        else if (!strcmp(a, "--timeout")) timeout = atoi(v);
        else if (!strcmp(a, "--max-seconds")) max_seconds = (unsigned)atoi(v);
        else if (!strcmp(a, "--max-rows")) max_rows = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--retries")) retries = (unsigned)atoi(v);
        else if (!strcmp(a, "--logs")) logs_arg = v;
        else if (!strcmp(a, "--levels")) {
            if (!parse_levels(v)) { fprintf(stderr, "check_sweep: bad --levels %s\n", v); return 2; }
        } else if (!strcmp(a, "--ids")) {
            if (!parse_ids(v)) { fprintf(stderr, "check_sweep: bad --ids %s\n", v); return 2; }
        } else if (!strcmp(a, "--providers")) {
            if (!parse_providers(v)) { fprintf(stderr, "check_sweep: bad --providers %s\n", v); return 2; }
        }
        else { fprintf(stderr, "check_sweep: unknown option %s\n", a); return 2; }
        i++;
    }
    if (!fleet_path || !list_path || !export_path || !status_path) {
        fprintf(stderr, "usage: check_sweep [--make-expected] --fleet F --servers L --hours H --timeout S [--max-seconds S] [--max-rows N] [--retries N] [--logs A,B] [--levels L] [--ids L] [--providers L] --export ROWS.csv --status STATUS.csv [--name TAG]\n");
        return 2;
    }
    fleet_server *fleet = NULL;
    int nf = fleet_load(fleet_path, &fleet);
    if (nf < 0)
        return 1;
    char **names = NULL;
    int ns = list_load(list_path, &names);
    if (ns < 0)
        return 1;
    server *sv = calloc((size_t)ns + 1, sizeof *sv);
    for (int i = 0; i < ns; i++)
        snprintf(sv[i].name, sizeof sv[i].name, "%.*s", (int)sizeof sv[i].name - 1, names[i]);
    /* --logs A,B: each server is read once per log (its rows and status line say which) */
    {
        char logs[16][128];
        int nl = 0;
        const char *p = logs_arg;
        while (*p && nl < 16) {
            const char *e = strchr(p, ',');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            snprintf(logs[nl++], sizeof logs[0], "%.*s", (int)len, p);
            p = e ? e + 1 : p + len;
        }
        server *all = calloc((size_t)(ns ? ns : 1) * (size_t)nl, sizeof *all);
        for (int i = 0; i < ns; i++)
            for (int k = 0; k < nl; k++) {
                all[i * nl + k] = sv[i];
                snprintf(all[i * nl + k].log, sizeof all[0].log, "%s", logs[k]);
            }
        free(sv);
        sv = all;
        ns *= nl;
    }
    for (int i = 0; i < nf; i++)   /* healed by the time of the app's last try */
        if (fleet[i].flaky && fleet[i].flaky <= retries) {
            fleet[i].deny = fleet[i].down = fleet[i].hang = fleet[i].hangquery = fleet[i].stuck = 0;
            fleet[i].break_after = 0;
        }
    for (int i = 0; i < ns; i++) {
        sv[i].fs = fleet_find(fleet, nf, sv[i].name);
        expect(&sv[i], hours, timeout, max_seconds, max_rows);
    }
    if (make)
        return make_expected(sv, ns, hours, timeout, max_rows, export_path, status_path);

    /* ---- the rows file */
    csv *c = csv_load(export_path, "export-format", "export-exists", ROW_HEADER, ROW_COLS);
    if (!c)
        return 1;

    size_t bad_fields = 0, unknown = 0, bad_cols = 0, bad_msgs = 0, bad_times = 0, outside = 0, nrows = 0, nload = 0;
    uint64_t anchor_min = UINT64_MAX, anchor_max = 0;   /* clock=load rows: TimeCreated + age */
    const char *anchor_min_at = "", *anchor_max_at = "";
    for (size_t r = 1; r < c->nrows; r++) {
        csv_row *row = &c->rows[r];
        if (!csv_row_cols(row, ROW_COLS, "line", &bad_fields))
            continue;
        nrows++;
        csv_row_formula(row, "line", &bad_fields);
        server *s = find_server(sv, ns, row->f[0], row->f[10]);
        if (!s || !s->fs) {
            if (!unknown++)
                detail("line %zu: rows for \"%s\", which is not a fleet server in the list", row->line, row->f[0]);
            continue;
        }
        char *end;
        uint64_t k = strtoull(row->f[6], &end, 10);
        if (*end || k == 0 || k > s->fs->events) {
            if (!bad_cols++)
                detail("line %zu: RecordID \"%s\"", row->line, row->f[6]);
            continue;
        }
        if (s->nseen == s->capseen) {
            s->capseen = s->capseen ? s->capseen * 2 : 256;
            s->seen = realloc(s->seen, s->capseen * sizeof *s->seen);
        }
        s->seen[s->nseen++] = k;
        if (win_index(s, k) < 0) {
            if (outside++ < 5)
                detail("line %zu: %s record %" PRIu64 " is outside the window%s (first in window: %" PRIu64 ")", row->line, s->name, k,
                       g_filter.active ? " or does not pass the filter" : "", s->first);
        }
        fg_event e;
        fg_spread sp = fleet_spread(s->fs);
        fleetgen_event(s->fs->name, s->fs->seed, &sp, k, &e);
        row_check_event(row, s->name, &e, &bad_cols, &bad_msgs);
        uint64_t tc, rc;
        if (!es_time_parse_iso8601(row->f[1], &tc) || !es_time_parse_iso8601(row->f[9], &rc) || strlen(row->f[1]) != 24) {
            if (bad_times++ < 5)
                detail("line %zu: times \"%s\" / \"%s\" are not YYYY-MM-DDTHH:MM:SS.mmmZ", row->line, row->f[1], row->f[9]);
        } else {
            /* TimeCreated + age is the server's "now" at EvtQuery (or its load, clock=load): a
             * little before Received */
            int64_t d = (int64_t)rc - (int64_t)(tc + e.age_ms * ES_TICKS_PER_MS);
            if (!s->anchor)
                s->anchor = tc + e.age_ms * ES_TICKS_PER_MS;
            if (s->fs->clock_load) {
                uint64_t anchor = tc + e.age_ms * ES_TICKS_PER_MS;
                nload++;
                if (anchor < anchor_min) { anchor_min = anchor; anchor_min_at = s->name; }
                if (anchor > anchor_max) { anchor_max = anchor; anchor_max_at = s->name; }
                if (!s->first_received || rc < s->first_received)
                    s->first_received = rc;
            }
            if (d < -(int64_t)(5 * ES_TICKS_PER_SEC) || d > (int64_t)(900 * ES_TICKS_PER_SEC)) {
                if (bad_times++ < 5)
                    detail("line %zu: %s record %" PRIu64 " TimeCreated %s + age %" PRIu64 " ms is %.1f s from Received %s",
                           row->line, s->name, k, row->f[1], e.age_ms, (double)d / ES_TICKS_PER_SEC, row->f[9]);
            }
        }
    }
    verdict("export-formula-guard", bad_fields, "%zu fields (see above)", bad_fields);
    verdict("export-servers", unknown, "%zu rows of servers that cannot have rows", unknown);
    verdict("export-columns", bad_cols, "%zu wrong Level/Source/EventID/Task/Computer/RecordID values", bad_cols);
    verdict("export-messages", bad_msgs, "%zu wrong messages of %zu rows", bad_msgs, nrows);
    verdict("export-times", bad_times, "%zu rows with wrong times", bad_times);
    verdict("export-window", outside, "%zu rows older than the %u-hour window%s", outside, hours,
            g_filter.active ? " or not passing the filter" : "");
    if (nload) { /* one process, one load: every clock=load row hangs from the same moment */
        verdict("export-one-anchor", anchor_max - anchor_min > ES_TICKS_PER_MS,
                "TimeCreated + age of clock=load rows spans %.3f s (%s .. %s), expected one moment to the millisecond",
                (double)(anchor_max - anchor_min) / ES_TICKS_PER_SEC, anchor_min_at, anchor_max_at);
        /* how late each was read: its first row's Received after the anchor */
        char line[512];
        size_t o = 0;
        for (int i = 0; i < ns && o < sizeof line - 64; i++)
            if (sv[i].first_received)
                o += (size_t)snprintf(line + o, sizeof line - o, "%s %s +%.1f s", o ? "," : "", sv[i].name,
                                      ((double)(int64_t)(sv[i].first_received - anchor_min)) / ES_TICKS_PER_SEC);
        printf("     %s: first rows received after the clock=load anchor:%s\n", g_tag, line);
    }

    /* every window record exactly once (a prefix/suffix of it for break and hang) */
    size_t dups = 0, wrong_count = 0;
    for (int i = 0; i < ns; i++) {
        server *s = &sv[i];
        if (s->nseen)
            qsort(s->seen, s->nseen, sizeof *s->seen, cmp_u64);
        for (size_t j = 1; j < s->nseen; j++)
            if (s->seen[j] == s->seen[j - 1]) {
                if (dups++ < 5)
                    detail("%s record %" PRIu64 " appears more than once", s->name, s->seen[j]);
            }
        size_t inw = 0;
        int64_t lo = -1, hi = -1;   /* the positions in the window of the first and last in-window row */
        for (size_t j = 0; j < s->nseen; j++) {
            int64_t at = win_index(s, s->seen[j]);
            if (at < 0)
                continue;
            inw++;
            if (lo < 0)
                lo = at;
            hi = at;
        }
        int ok = inw >= s->rows_min && inw <= s->rows_max;
        if (ok && (s->partial || s->budget) && inw) {   /* contiguous, from the oldest (forward) or the newest (reverse) */
            ok = (uint64_t)(hi - lo + 1) == inw && (lo == 0 || (!s->prefix && (uint64_t)hi == s->inwin - 1));
        }
        if (!ok) {
            wrong_count++;
            detail("%s: %zu window rows (%" PRIu64 "..%" PRIu64 "), expected %" PRIu64 "..%" PRIu64 "%s (window records %" PRIu64 "..%" PRIu64 "%s)",
                   s->name, inw, inw ? win_at(s, (uint64_t)lo) : 0, inw ? win_at(s, (uint64_t)hi) : 0, s->rows_min, s->rows_max,
                   s->prefix ? ", the window's first ones" : s->partial ? ", a contiguous run from either end" : "", s->first, s->last,
                   g_filter.active ? ", those that pass the filter" : "");
        }
    }
    verdict("export-no-duplicates", dups, "%zu duplicate rows", dups);
    verdict("export-complete", wrong_count, "%zu servers with missing or extra rows", wrong_count);
    if (max_rows) {   /* the row budget: exactly that many rows when more were to come */
        uint64_t want = 0;
        for (int i = 0; i < ns; i++)
            want += sv[i].budget ? sv[i].inwin : sv[i].rows_max;
        if (want > max_rows)
            want = max_rows;
        verdict("export-row-budget", nrows != want, "%zu rows in the export, expected %" PRIu64 " (--max-rows %" PRIu64 ")", nrows, want,
                max_rows);
    }

    /* ---- the status file */
    csv *sc = csv_load(status_path, "status-format", "status-exists", STATUS_HEADER, STATUS_COLS);
    if (!sc)
        return 1;
    size_t bad_status = 0, bad_coverage = 0;
    for (size_t r = 1; r < sc->nrows; r++) {
        status_line st;
        if (!status_parse(&sc->rows[r], &st)) {
            bad_status++;
            continue;
        }
        server *s = find_server(sv, ns, st.source, st.log);
        if (!s) {
            bad_status++;
            detail("status line %zu: unknown source \"%s\"", sc->rows[r].line, st.source);
            continue;
        }
        s->status_rows++;
        uint32_t want_code = s->code;
        const char *also = "";
        if (s->budget && st.code_ok && st.code == 8) {
            /* stopped by the row budget: the Error says so, and the rows it lost fit the window */
            char limit[80];
            snprintf(limit, sizeof limit, "the row limit (%" PRIu64 " rows) was reached", max_rows);
            const char *l = strstr(st.error, "rows were lost");
            unsigned long long lost = 0;
            if (l) {
                const char *p = l;
                while (p > st.error && p[-1] == ' ')
                    p--;
                while (p > st.error && (p[-1] >= '0' && p[-1] <= '9'))
                    p--;
                lost = strtoull(p, NULL, 10);
            }
            want_code = 8;
            also = ", Error naming the row limit and (when it says so) lost rows that fit the window";
            if (!strstr(st.error, limit) || (l && (lost == 0 || st.events + lost > s->inwin)))
                want_code = UINT32_MAX;   /* wrong words */
        } else if (s->budget && st.code == 0 && s->nseen != s->inwin) {
            want_code = UINT32_MAX;       /* ok with rows missing */
            also = ", all window rows when ok";
        }
        const char *want_state = want_code ? "error" : "ok";
        int ok = !strcmp(st.state, want_state) && st.code_ok && st.code == want_code && st.events == s->nseen &&
                 (want_code ? st.error[0] != 0 : 1) && st.seconds_ok;
        if (ok && want_code == 1460)
            ok = st.seconds >= s->secs_min && st.seconds <= s->secs_max;
        /* Coverage: the log's start when it is after the window's (a server that ended ok) */
        /* The coverage query comes after the rows' (a clock=query server anchors each query at
         * its own time): its time may be up to the source's Seconds later, to the minute. */
        char cov[200], alt[200];
        uint64_t later = (uint64_t)((st.seconds_ok ? st.seconds : 0) + 2.0) * ES_TICKS_PER_SEC;
        int wc = st.code == 0 ? expected_coverage(s, hours, s->anchor, s->fs && s->fs->clock_load ? 0 : later, cov, alt, sizeof cov) : 0;
        if (wc == 1 && s->anchor == 0)
            wc = 3;   /* no rows to take its time from: the sentence, any minute */
        const char *rest = strstr(cov, ": not the whole window");
        int in_range = !strcmp(st.coverage, cov) || !strcmp(st.coverage, alt) ||
                       (strcmp(st.coverage, cov) > 0 && strcmp(st.coverage, alt) < 0 && rest && strstr(st.coverage, rest));
        int cov_ok = wc == 0   ? !st.coverage[0]
                     : wc == 3 ? !strncmp(st.coverage, "log starts ", 11) && rest && strstr(st.coverage, rest)
                     : wc == 2 ? !st.coverage[0] || in_range || (!s->anchor && rest && strstr(st.coverage, rest))
                               : in_range;
        if (!cov_ok) {
            bad_coverage++;
            detail("status %s: Coverage \"%s\"; expected %s%s%s", s->name, st.coverage, wc == 0 ? "nothing" : "\"",
                   wc == 0 ? "" : cov, wc == 0 ? "" : wc == 2 ? "\" or nothing" : "\"");
        }
        if (!ok) {
            bad_status++;
            if (want_code == 1460)
                also = s->secs_min == timeout - 1.0 ? ", about --timeout seconds" : ", about --max-seconds seconds";
            char wc[16];
            snprintf(wc, sizeof wc, s->budget ? "0 or 8" : "%" PRIu32, s->code);
            detail("status %s: \"%s\",%s,%s,\"%s\",%s; expected %s, %s, %zu events%s", s->name, st.state, sc->rows[r].f[2],
                   sc->rows[r].f[3], st.error, st.seconds_text, s->budget ? "ok or error" : want_state, wc, s->nseen, also);
        }
    }
    for (int i = 0; i < ns; i++)
        if (sv[i].status_rows != 1) {
            bad_status++;
            detail("status: %s has %d lines", sv[i].name, sv[i].status_rows);
        }
    verdict("status-per-server", bad_status, "%zu wrong status lines", bad_status);
    verdict("status-coverage", bad_coverage, "%zu wrong Coverage texts", bad_coverage);
    printf("     %s: %zu rows checked for %d servers\n", g_tag, nrows, ns);
    return g_fail ? 1 : 0;
}
