/* check_follow: checks the CSV files of an EventSweep run with live follow (--follow-minutes N,
 * or --follow ended by Stop) against the SIMULATED FLEET's live servers (tests/fake/README "Live
 * servers"). Native (Linux), linked like check_sweep.c: tests/e2e/csvcheck.c, tests/fake/fleetgen.c
 * and the portable core. Built and run by tests/e2e/t_follow.sh.
 *
 *   check_follow --name TAG --fleet FLEET --servers LIST --export ROWS.csv [--status STATUS.csv]
 *                --end UNIX_SECONDS [--minutes M]
 *
 * Without --status: a run killed while following (--end: when it was killed), whose export holds
 * the pieces written so far (a minute's rows at a time): the same checks of the rows.
 *
 * The sweep is "all" (--hours 0). The fake's load time L (every live time counts from it) is
 * not known to the shell; it is read from the rows themselves: a live record k > events has
 * TimeCreated = L + fleet_write_ticks(k) exactly, so every live row gives L (to the millisecond
 * of the export's times) and all of them must give the same L (one process, one load).
 * The moment following ended is bounded without trusting the clock of the run:
 *   from above  --end: a time taken by the script after the app exited (no record written
 *               after it can be in the export);
 *   from below  the latest Received of any row of the run, minus a slack: the app was still
 *               following then, so a server that is followed must have delivered what it had
 *               written a few seconds before; with --minutes M also L + M minutes - 15 s (the
 *               timer starts before the DLL is loaded, and stops the follow at M minutes).
 * What a server in LIST should end as (its fleet line):
 *   not in FLEET, down          error 1722, no rows
 *   rate=R (a live server)      ok (error 0: a follow ended by Stop or the timer is "done"), its
 *                               rows the records 1..N with N within the bounds above, each once;
 *                               with maxrecords and a drop (dropafter, downfor) the log may wrap
 *                               while it is away: then 1..a and b..N, where a+1..b-1 were
 *                               overwritten by the time b was read (fleet_oldest), b is the
 *                               oldest record when the follower came back, a is no earlier than
 *                               what was written 3 s before the drop, and the status line's Error
 *                               says "b-a-1 records were overwritten while it was away"; without
 *                               a wrap the Error is empty. Every row's content (EventID,
 *                               provider, level, task, computer, message) and TimeCreated are
 *                               the record's. A live row is received within LATENCY s of being
 *                               written, except the records written while its server was away
 *                               (they come after the reconnect).
 * Figures printed: rows per server, the live records' largest delay, the reconnect (when the
 * first record after the drop was received, counted from the load). Exit 1 when anything failed. */
#include "csvcheck.h"
#include "es_time.h"
#include "fleetgen.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LATENCY_S   5.0    /* a live row reaches the app within this many seconds of being written */
#define SLACK_S     3.0    /* the lower bound of the end: the last Received minus this */

typedef struct seen { uint64_t k, rcv; } seen;

typedef struct server {
    char name[FLEET_NAME_MAX];
    const fleet_server *fs;
    seen *v;
    size_t n, cap;
    int status_rows;
} server;

static int cmp_seen(const void *a, const void *b)
{
    uint64_t x = ((const seen *)a)->k, y = ((const seen *)b)->k;
    return x < y ? -1 : x > y;
}

static double secs(int64_t ticks) { return (double)ticks / ES_TICKS_PER_SEC; }

static server *find_server(server *v, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(v[i].name, name))
            return &v[i];
    return NULL;
}

int main(int argc, char **argv)
{
    const char *fleet_path = NULL, *list_path = NULL, *export_path = NULL, *status_path = NULL;
    double end_unix = 0;
    unsigned minutes = 0;
    setvbuf(stdout, NULL, _IONBF, 0);
    g_tag = "follow";
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        if (!strcmp(a, "--name")) g_tag = v;
        else if (!strcmp(a, "--fleet")) fleet_path = v;
        else if (!strcmp(a, "--servers")) list_path = v;
        else if (!strcmp(a, "--export")) export_path = v;
        else if (!strcmp(a, "--status")) status_path = v;
        else if (!strcmp(a, "--end")) end_unix = strtod(v, NULL);
        else if (!strcmp(a, "--minutes")) minutes = (unsigned)atoi(v);
        else { fprintf(stderr, "check_follow: unknown option %s\n", a); return 2; }
    }
    if (!fleet_path || !list_path || !export_path || end_unix <= 0) {
        fprintf(stderr, "usage: check_follow --name TAG --fleet F --servers L --export ROWS.csv [--status STATUS.csv] --end UNIX [--minutes M]\n");
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
    for (int i = 0; i < ns; i++)
        sv[i].fs = fleet_find(fleet, nf, sv[i].name);
    uint64_t end = ES_UNIX_EPOCH_TICKS + (uint64_t)(end_unix * ES_TICKS_PER_SEC);

    /* ---- the rows: content, and the load time L from the live ones */
    csv *c = csv_load(export_path, "export-format", "export-exists", ROW_HEADER, ROW_COLS);
    if (!c)
        return 1;
    size_t bad_fields = 0, unknown = 0, bad_cols = 0, bad_msgs = 0, bad_times = 0, nrows = 0;
    uint64_t load_min = UINT64_MAX, load_max = 0, rcv_max = 0;
    for (size_t r = 1; r < c->nrows; r++) {
        csv_row *row = &c->rows[r];
        if (!csv_row_cols(row, ROW_COLS, "line", &bad_fields))
            continue;
        nrows++;
        csv_row_formula(row, "line", &bad_fields);
        server *s = find_server(sv, ns, row->f[0]);
        if (!s || !s->fs || s->fs->down || !s->fs->rate) {
            if (!unknown++)
                detail("line %zu: a row of \"%s\", which cannot have rows here", row->line, row->f[0]);
            continue;
        }
        char *e;
        uint64_t k = strtoull(row->f[6], &e, 10);
        uint64_t tc, rc;
        if (*e || k == 0) {
            if (!bad_cols++)
                detail("line %zu: RecordID \"%s\"", row->line, row->f[6]);
            continue;
        }
        if (!es_time_parse_iso8601(row->f[1], &tc) || !es_time_parse_iso8601(row->f[9], &rc)) {
            if (bad_times++ < 5)
                detail("line %zu: times \"%s\" / \"%s\"", row->line, row->f[1], row->f[9]);
            continue;
        }
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 256;
            s->v = realloc(s->v, s->cap * sizeof *s->v);
        }
        s->v[s->n++] = (seen){k, rc};
        if (rc > rcv_max)
            rcv_max = rc;
        /* L from this row: TimeCreated - write time (live) or + age (the records of the load) */
        uint64_t l = tc - fleet_record_ticks(s->fs, 0, k);   /* record_ticks(anchor 0) wraps for old ones: the same sum */
        if (l < load_min) load_min = l;
        if (l > load_max) load_max = l;
        fg_event ev;
        fg_spread sp = fleet_spread(s->fs);
        fleetgen_event(s->fs->name, s->fs->seed, &sp, k, &ev);
        row_check_event(row, s->name, &ev, &bad_cols, &bad_msgs);
    }
    verdict("export-formula-guard", bad_fields, "%zu fields (see above)", bad_fields);
    verdict("export-servers", unknown, "%zu rows of servers that cannot have rows", unknown);
    verdict("export-columns", bad_cols, "%zu wrong Level/Source/EventID/Task/Computer/RecordID values", bad_cols);
    verdict("export-messages", bad_msgs, "%zu wrong messages of %zu rows", bad_msgs, nrows);
    if (load_min == UINT64_MAX) {
        failf("export-rows", "no row of a live server: nothing to check");
        return 1;
    }
    /* TimeCreated is written to the millisecond, the write times are not: 1 ms apart at most */
    if (load_max - load_min > ES_TICKS_PER_MS)
        detail("TimeCreated - write time (or + age) spans %.4f s over the rows", secs((int64_t)(load_max - load_min)));
    verdict("export-times", bad_times || load_max - load_min > ES_TICKS_PER_MS, "%zu rows with unreadable times, or TimeCreated not the records'",
            bad_times);
    uint64_t L = load_max;   /* the load, to the millisecond (truncated: the largest is nearest) */
    /* the end of following: no later than --end, no earlier than the last Received - slack */
    uint64_t t_hi = end > L ? end - L : 0;
    uint64_t t_lo = rcv_max > L + (uint64_t)(SLACK_S * ES_TICKS_PER_SEC) ? rcv_max - L - (uint64_t)(SLACK_S * ES_TICKS_PER_SEC) : 0;
    printf("     %s: the fake's load %.1f s before the run's end; the last row received %.1f s after the load\n", g_tag,
           secs((int64_t)(end - L)), secs((int64_t)(rcv_max - L)));
    if (minutes) {
        uint64_t want = (uint64_t)minutes * 60 * ES_TICKS_PER_SEC - 15 * ES_TICKS_PER_SEC;
        verdict("follow-length", rcv_max - L < want, "the last row was received %.1f s after the load; --follow-minutes %u follows until %u s",
                secs((int64_t)(rcv_max - L)), minutes, minutes * 60);
    }

    /* ---- each server's records: 1..N once, a gap only where the log wrapped while away */
    size_t dups = 0, wrong = 0, late = 0;
    uint64_t *overwritten = calloc((size_t)ns + 1, sizeof *overwritten);
    for (int i = 0; i < ns; i++) {
        server *s = &sv[i];
        const fleet_server *f = s->fs;
        if (!f || f->down || !f->rate) {
            printf("     %s: %s: %zu rows\n", g_tag, s->name, s->n);
            continue;
        }
        qsort(s->v, s->n, sizeof *s->v, cmp_seen);
        for (size_t j = 1; j < s->n; j++)
            if (s->v[j].k == s->v[j - 1].k && dups++ < 5)
                detail("%s record %" PRIu64 " appears more than once", s->name, s->v[j].k);
        uint64_t n_lo = fleet_newest(f, t_lo), n_hi = fleet_newest(f, t_hi);
        uint64_t first = s->n ? s->v[0].k : 0, last = s->n ? s->v[s->n - 1].k : 0;
        /* the runs of record ids: at most one gap, and only a wrap while away may make one */
        size_t gaps = 0, at = 0;
        for (size_t j = 1; j < s->n; j++)
            if (s->v[j].k > s->v[j - 1].k + 1) {
                gaps++;
                at = j;
            }
        int ok = s->n && first == fleet_oldest(f, 0) && last >= n_lo && last <= n_hi;
        if (!ok)
            detail("%s: %zu rows, records %" PRIu64 "..%" PRIu64 "; expected from %" PRIu64 " to %" PRIu64 "..%" PRIu64
                   " (written by %.1f..%.1f s after the load)",
                   s->name, s->n, first, last, fleet_oldest(f, 0), n_lo, n_hi, secs((int64_t)t_lo), secs((int64_t)t_hi));
        int wraps = f->maxrecords && f->has_drop;
        if (gaps > (size_t)wraps) {
            ok = 0;
            detail("%s: %zu gaps in the record ids (the first after %" PRIu64 ")", s->name, gaps, s->v[at - 1].k);
        } else if (gaps) {
            uint64_t a = s->v[at - 1].k, b = s->v[at].k, rb = s->v[at].rcv - L;
            uint64_t a_lo = fleet_newest(f, f->drop_at > 3 * ES_TICKS_PER_SEC ? f->drop_at - 3 * ES_TICKS_PER_SEC : 0),
                     a_hi = fleet_newest(f, f->drop_at);
            uint64_t rb_lo = rb > 5 * ES_TICKS_PER_SEC ? rb - 5 * ES_TICKS_PER_SEC : 0;
            /* a+1..b-1 gone by the time b was received (L, read off the rows, is known to the
             * millisecond and at 200/s the log moves every 5 ms: 20 ms of slack); b the oldest
             * when the follower came back. The status line's count is checked exactly below. */
            int g_ok = a >= a_lo && a <= a_hi && fleet_oldest(f, rb + ES_TICKS_PER_SEC / 50) > b - 1 &&
                       b >= fleet_oldest(f, rb_lo) &&
                       rb >= f->drop_at + f->down_for;
            if (!g_ok) {
                ok = 0;
                detail("%s: records %" PRIu64 "..%" PRIu64 " missing; expected the last one read before the drop (%" PRIu64 "..%" PRIu64
                       "), then the oldest record of the log when it was back (record %" PRIu64 " received %.1f s after the load, when the log held %" PRIu64 ".., "
                       "%.1f s before %" PRIu64 "..)",
                       s->name, a + 1, b - 1, a_lo, a_hi, b, secs((int64_t)rb), fleet_oldest(f, rb), secs((int64_t)(rb - rb_lo)),
                       fleet_oldest(f, rb_lo));
            }
            overwritten[i] = b - a - 1;
            printf("     %s: %s: records 1..%" PRIu64 ", then %" PRIu64 "..%" PRIu64 " (%" PRIu64 " overwritten while away; back %.1f s after the load, down %.1f..%.1f s)\n",
                   g_tag, s->name, a, b, last, b - a - 1, secs((int64_t)rb), secs((int64_t)f->drop_at),
                   secs((int64_t)(f->drop_at + f->down_for)));
        } else if (wraps && f->down_for && last > fleet_newest(f, f->drop_at + f->down_for)) {
            ok = 0;
            detail("%s: no gap, but its log of %" PRIu64 " records wrapped while it was away", s->name, f->maxrecords);
        }
        if (!ok)
            wrong++;
        /* live rows come as they happen (except those written while the server was away) */
        /* back: the first row received once the server answered again (the reconnect) */
        uint64_t back = UINT64_MAX;
        for (size_t j = 0; j < s->n && f->has_drop; j++)
            if (s->v[j].rcv >= L + f->drop_at + f->down_for && s->v[j].rcv < back)
                back = s->v[j].rcv;
        double worst = 0;
        for (size_t j = 0; j < s->n; j++) {
            uint64_t k = s->v[j].k;
            if (k <= f->events)
                continue;
            uint64_t w = L + fleet_write_ticks(f, k);
            double d = secs((int64_t)(s->v[j].rcv - w));
            if (f->has_drop && w + ES_TICKS_PER_SEC >= L + f->drop_at && (back == UINT64_MAX || w <= back + ES_TICKS_PER_SEC))
                continue;   /* written just before the drop, while away or in the reconnect: comes late */
            if (d > worst)
                worst = d;
            if (d > LATENCY_S && late++ < 5)
                detail("%s record %" PRIu64 " was received %.1f s after it was written", s->name, k, d);
        }
        printf("     %s: %s: %zu rows, records %" PRIu64 "..%" PRIu64 ", live ones received at most %.2f s after written%s", g_tag,
               s->name, s->n, first, last, worst, f->has_drop ? "" : "\n");
        if (f->has_drop)
            printf("; away %.1f..%.1f s after the load, the first row after it received at %.1f s\n", secs((int64_t)f->drop_at),
                   secs((int64_t)(f->drop_at + f->down_for)), back == UINT64_MAX ? -1.0 : secs((int64_t)(back - L)));
    }
    verdict("export-no-duplicates", dups, "%zu duplicate rows", dups);
    verdict("export-complete", wrong, "%zu servers with missing, extra or late-ending rows", wrong);
    verdict("export-live", late, "%zu live rows received more than %.0f s after they were written", late, LATENCY_S);

    /* ---- the status file (none for a killed run) */
    if (!status_path) {
        printf("     %s: %zu rows checked for %d servers (a killed run: no status file)\n", g_tag, nrows, ns);
        return g_fail ? 1 : 0;
    }
    csv *sc = csv_load(status_path, "status-format", "status-exists", STATUS_HEADER, STATUS_COLS);
    if (!sc)
        return 1;
    size_t bad_status = 0;
    for (size_t r = 1; r < sc->nrows; r++) {
        status_line st;
        if (!status_parse(&sc->rows[r], &st)) {
            bad_status++;
            continue;
        }
        server *s = find_server(sv, ns, st.source);
        if (!s) {
            bad_status++;
            detail("status line %zu: unknown source \"%s\"", sc->rows[r].line, st.source);
            continue;
        }
        s->status_rows++;
        const fleet_server *f = s->fs;
        int live = f && !f->down && f->rate;
        unsigned long want = live ? 0 : 1722;
        char want_error[128] = "";
        if (live && overwritten[s - sv])
            snprintf(want_error, sizeof want_error, "%" PRIu64 " records were overwritten while it was away", overwritten[s - sv]);
        int ok = !strcmp(st.state, want ? "error" : "ok") && st.code_ok && st.code == want && st.events == s->n &&
                 (want ? st.error[0] != 0 : !strcmp(st.error, want_error));
        if (!ok) {
            bad_status++;
            detail("status %s: %s,%s,%s,\"%s\"; expected %s, %lu, %zu events, Error \"%s\"", s->name, st.state, sc->rows[r].f[2],
                   sc->rows[r].f[3], st.error, want ? "error" : "ok", want, s->n, want ? "(Windows' sentence)" : want_error);
        }
    }
    for (int i = 0; i < ns; i++)
        if (sv[i].status_rows != 1) {
            bad_status++;
            detail("status: %s has %d lines", sv[i].name, sv[i].status_rows);
        }
    verdict("status-per-server", bad_status, "%zu wrong status lines", bad_status);
    printf("     %s: %zu rows checked for %d servers\n", g_tag, nrows, ns);
    return g_fail ? 1 : 0;
}
