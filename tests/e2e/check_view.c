/* check_view: the rows an export holds and their order, against the rules of issue #7 written
 * out here on their own (not the app's code):
 *
 *   check_view --name TAG --view VIEW.csv --sort COLUMN[:asc|:desc] [--all ALL.csv] [--find TEXT]
 *              [--exact-ties SERVER-PREFIX] [--list LIST.tsv]
 *
 * Order: each row of VIEW is at or after the one before by the column (text columns compared
 * case-insensitively, ASCII letters folded; Level by severity: Critical, Error, Warning,
 * Information, Verbose; numbers as numbers; TimeCreated as its ISO text, which sorts as time),
 * then by Server (case-insensitive, ascending whatever the direction), then by RecordID in the
 * column's direction. Without a direction TimeCreated and Received sort newest first, the others
 * ascending.
 *
 * Rows (with --all, an export of every row from another run of the same fleet): VIEW holds
 * exactly the rows of ALL, matched by Server, Log and RecordID, whose displayed text contains TEXT
 * in any case: Server, Level, Source, EventID, Task, RecordID, Computer, Message (line breaks
 * and tabs shown as spaces) and Log — TEXT must not look like a time, whose display is local.
 * Without --find, VIEW holds every row of ALL. Each once: as many rows as expected. Each row's
 * fields but the times equal ALL's.
 *
 * The window (with --list, the results list as tests/win/details_probe.exe read it: a line of
 * column titles, then each row's cells, tab-separated): it has a Log column, and row i shows
 * VIEW's row i — the same Server, Record and Log — when VIEW was exported from that window. */
#include "csvcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_SERVER, F_TIME, F_LEVEL, F_SOURCE, F_ID, F_TASK, F_RECORD, F_COMPUTER, F_MESSAGE, F_RECEIVED, F_LOG };

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* the text as the app holds it: the export's apostrophe before a formula character removed */
static const char *raw(const char *f) { return f[0] == '\'' && formula_lead(f + 1) ? f + 1 : f; }

static int fold_cmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = lower((unsigned char)*a), y = lower((unsigned char)*b);
        if (x != y)
            return x < y ? -1 : 1;
        if (!x)
            return 0;
    }
}

static int severity(const char *level)
{
    static const char *const names[] = {"Critical", "Error", "Warning", "Information", "Verbose"};
    for (int i = 0; i < 5; i++)
        if (!strcmp(level, names[i]))
            return i;
    return 9;
}

static int num_cmp(const char *a, const char *b)
{
    unsigned long long x = strtoull(a, NULL, 10), y = strtoull(b, NULL, 10);
    return x < y ? -1 : x > y;
}

static int col_cmp(int col, const csv_row *a, const csv_row *b)
{
    const char *x = raw(a->f[col]), *y = raw(b->f[col]);
    switch (col) {
    case F_LEVEL: return severity(x) - severity(y) < 0 ? -1 : severity(x) > severity(y);
    case F_ID:
    case F_RECORD: return num_cmp(x, y);
    case F_TIME:
    case F_RECEIVED: return strcmp(x, y) < 0 ? -1 : strcmp(x, y) > 0;
    default: return fold_cmp(x, y);
    }
}

static const char *g_exact;   /* --exact-ties PREFIX: these servers' times tie exactly */

static int starts(const char *s, const char *p) { return p && !strncmp(s, p, strlen(p)); }

/* < 0: a must come first; 0: the rule allows either */
static int order_cmp(int col, int desc, const csv_row *a, const csv_row *b)
{
    int d = col_cmp(col, a, b);
    if (d)
        return desc ? -d : d;
    /* Times are exported to the millisecond and kept to 100 ns: two equal texts are a tie only
     * where the fleet makes them one (clock=load servers of the same spread). */
    if ((col == F_TIME || col == F_RECEIVED) &&
        !(col == F_TIME && starts(a->f[F_SERVER], g_exact) && starts(b->f[F_SERVER], g_exact)))
        return 0;
    d = fold_cmp(a->f[F_SERVER], b->f[F_SERVER]);
    if (d)
        return d;
    d = num_cmp(a->f[F_RECORD], b->f[F_RECORD]);
    return desc ? -d : d;
}

/* the displayed text of the row contains the needle (folded) */
static int shown_contains(const csv_row *r, const char *needle)
{
    static const int cols[] = {F_SERVER, F_LEVEL, F_SOURCE, F_ID, F_TASK, F_RECORD, F_COMPUTER, F_MESSAGE, F_LOG};
    size_t n = strlen(needle);
    for (size_t c = 0; c < sizeof cols / sizeof *cols; c++) {
        const char *s = raw(r->f[cols[c]]);
        for (const char *p = s; *p; p++) {
            size_t i = 0;
            for (; i < n && p[i]; i++) {
                int ch = (unsigned char)p[i];
                if (ch == '\r' || ch == '\n' || ch == '\t')
                    ch = ' ';
                if (lower(ch) != lower((unsigned char)needle[i]))
                    break;
            }
            if (i == n)
                return 1;
        }
    }
    return 0;
}

static const csv_row *find_key(const csv *c, const csv_row *r)
{
    for (size_t i = 1; i < c->nrows; i++)
        if (!strcmp(c->rows[i].f[F_SERVER], r->f[F_SERVER]) && !strcmp(c->rows[i].f[F_RECORD], r->f[F_RECORD]) &&
            !strcmp(c->rows[i].f[F_LOG], r->f[F_LOG]))
            return &c->rows[i];
    return NULL;
}

/* The list as the window showed it, against VIEW (exported from it): same rows, same order, and
 * the Server, Record and Log cells of each. */
static void check_list(const char *path, const csv *v)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        failf("list", "cannot read %s", path);
        return;
    }
    static char line[1 << 16];
    int col_server = -1, col_record = -1, col_log = -1;
    size_t row = 0, bad = 0, logs = 0;
    char first_log[64] = "";
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        char *cell[16];
        int nc = 0;
        for (char *p = line; nc < 16;) {
            cell[nc++] = p;
            char *t = strchr(p, '\t');
            if (!t)
                break;
            *t = 0;
            p = t + 1;
        }
        if (row == 0) {   /* the titles */
            for (int c = 0; c < nc; c++) {
                if (!strcmp(cell[c], "Server")) col_server = c;
                if (!strcmp(cell[c], "Record")) col_record = c;
                if (!strcmp(cell[c], "Log")) col_log = c;
            }
            if (col_log < 0 || col_server < 0 || col_record < 0) {
                failf("list-log-column", "the list's columns have no Log (or Server, Record): %d of them", nc);
                fclose(f);
                return;
            }
            pass("list-log-column");
            row++;
            continue;
        }
        if (row >= v->nrows || col_log >= nc || col_record >= nc) {
            if (!bad)
                detail("list row %zu: no such export row, or %d cells", row, nc);
            bad++;
        } else {
            const csv_row *e = &v->rows[row];
            if (strcmp(cell[col_server], e->f[F_SERVER]) || strcmp(cell[col_record], e->f[F_RECORD]) ||
                strcmp(cell[col_log], e->f[F_LOG])) {
                if (!bad)
                    detail("list row %zu shows %s record %s log \"%s\"; the export: %s record %s log \"%s\"", row,
                           cell[col_server], cell[col_record], cell[col_log], e->f[F_SERVER], e->f[F_RECORD], e->f[F_LOG]);
                bad++;
            }
            if (row == 1)
                snprintf(first_log, sizeof first_log, "%s", cell[col_log]);
            else if (strcmp(cell[col_log], first_log))
                logs = 1;   /* more than one log shown */
        }
        row++;
    }
    fclose(f);
    verdict("list-rows", bad + (row != v->nrows), "%zu of %zu list rows differ from the export (%zu rows there)", bad,
            row ? row - 1 : 0, v->nrows - 1);
    if (!logs)
        failf("list-logs", "every row shows the log \"%s\": the Log column went untested", first_log);
}

int main(int argc, char **argv)
{
    const char *view_path = NULL, *all_path = NULL, *sort = NULL, *find = NULL, *list_path = NULL;
    g_tag = "view";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--name")) g_tag = argv[i + 1];
        else if (!strcmp(argv[i], "--view")) view_path = argv[i + 1];
        else if (!strcmp(argv[i], "--all")) all_path = argv[i + 1];
        else if (!strcmp(argv[i], "--sort")) sort = argv[i + 1];
        else if (!strcmp(argv[i], "--find")) find = argv[i + 1];
        else if (!strcmp(argv[i], "--exact-ties")) g_exact = argv[i + 1];
        else if (!strcmp(argv[i], "--list")) list_path = argv[i + 1];
    }
    if (!view_path || !sort) {
        fprintf(stderr, "usage: check_view --name TAG --view VIEW.csv --sort COL[:asc|:desc] [--all ALL.csv] [--find TEXT]\n");
        return 2;
    }
    int col = -1, desc;
    char name[32];
    snprintf(name, sizeof name, "%s", sort);
    char *colon = strchr(name, ':');
    if (colon)
        *colon = 0;
    for (int c = 0; c < ROW_COLS; c++)
        if (!fold_cmp(name, ROW_HEADER[c]))
            col = c;
    if (col < 0) {
        fprintf(stderr, "check_view: unknown column %s\n", name);
        return 2;
    }
    desc = col == F_TIME || col == F_RECEIVED;
    if (colon)
        desc = !fold_cmp(colon + 1, "desc");

    csv *v = csv_load(view_path, "csv", NULL, ROW_HEADER, ROW_COLS);
    if (!v)
        return 1;
    size_t bad = 0;
    for (size_t i = 1; i < v->nrows; i++)
        csv_row_cols(&v->rows[i], ROW_COLS, "view row", &bad);
    verdict("columns", bad, "%zu rows without 10 fields", bad);
    if (bad)
        return 1;
    bad = 0;
    for (size_t i = 2; i < v->nrows; i++)
        if (order_cmp(col, desc, &v->rows[i - 1], &v->rows[i]) > 0) {
            if (!bad)
                detail("line %zu (%s %s, record %s) before line %zu (%s %s, record %s)", v->rows[i - 1].line,
                       v->rows[i - 1].f[F_SERVER], v->rows[i - 1].f[col], v->rows[i - 1].f[F_RECORD], v->rows[i].line,
                       v->rows[i].f[F_SERVER], v->rows[i].f[col], v->rows[i].f[F_RECORD]);
            bad++;
        }
    verdict("order", bad, "%zu of %zu rows out of %s order", bad, v->nrows - 1, sort);
    if (list_path)
        check_list(list_path, v);
    /* a tie on the column and the server somewhere, so the tie-break was exercised */
    size_t ties = 0;
    for (size_t i = 2; i < v->nrows; i++)
        ties += col_cmp(col, &v->rows[i - 1], &v->rows[i]) == 0;
    printf("     %s: %zu rows, %zu adjacent ties on %s\n", g_tag, v->nrows - 1, ties, name);
    if (g_exact && col == F_TIME) {   /* the twins' ties were there to be broken */
        size_t twin_ties = 0;
        for (size_t i = 2; i < v->nrows; i++)
            twin_ties += !col_cmp(col, &v->rows[i - 1], &v->rows[i]) && starts(v->rows[i - 1].f[F_SERVER], g_exact) &&
                         starts(v->rows[i].f[F_SERVER], g_exact);
        if (twin_ties)
            pass("time-ties-broken");
        else
            failf("time-ties-broken", "no two %s rows tie on TimeCreated: the tie-break went untested", g_exact);
    }

    if (all_path) {
        csv *a = csv_load(all_path, "all-csv", NULL, ROW_HEADER, ROW_COLS);
        if (!a)
            return 1;
        size_t want = 0, missing = 0, extra = 0, differ = 0;
        for (size_t i = 1; i < a->nrows; i++) {
            if (find && !shown_contains(&a->rows[i], find))
                continue;
            want++;
            if (!find_key(v, &a->rows[i])) {
                if (!missing)
                    detail("missing: %s record %s", a->rows[i].f[F_SERVER], a->rows[i].f[F_RECORD]);
                missing++;
            }
        }
        for (size_t i = 1; i < v->nrows; i++) {
            const csv_row *o = find_key(a, &v->rows[i]);
            if (!o || (find && !shown_contains(o, find))) {
                if (!extra)
                    detail("not expected: %s record %s", v->rows[i].f[F_SERVER], v->rows[i].f[F_RECORD]);
                extra++;
                continue;
            }
            static const int same[] = {F_LEVEL, F_SOURCE, F_ID, F_TASK, F_COMPUTER, F_MESSAGE, F_LOG};
            for (size_t k = 0; k < sizeof same / sizeof *same; k++)
                if (strcmp(o->f[same[k]], v->rows[i].f[same[k]])) {
                    if (!differ)
                        detail("%s record %s: %s differs", v->rows[i].f[F_SERVER], v->rows[i].f[F_RECORD],
                               ROW_HEADER[same[k]]);
                    differ++;
                    break;
                }
        }
        verdict("rows", missing + extra + differ, "%zu missing, %zu not expected, %zu differ (of %zu expected)",
                missing, extra, differ, want);
        /* every expected row found and nothing else: then a count above `want` is a row twice */
        verdict("rows-once", v->nrows - 1 != want, "%zu rows for %zu expected: a row is there twice", v->nrows - 1,
                want);
        if (find)
            printf("     %s: \"%s\" kept %zu of %zu rows\n", g_tag, find, want, a->nrows - 1);
        if (want == 0 || (find && want == a->nrows - 1))
            failf("find-selective", "the find kept %zu of %zu rows: the test proves nothing", want, a->nrows - 1);
    }
    return g_fail ? 1 : 0;
}
