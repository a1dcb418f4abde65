/* check_subset: checks that a filtered export holds exactly the rows of an unfiltered export of
 * the same sources that the filter keeps (tests/e2e/t_filters.sh). Rows are matched by Server
 * and RecordID (an event's identity, whatever its time text); Level, Source and EventID must
 * agree. The filter is applied here by its own small reference, on the CSV's texts (Level
 * names, EventID, Source), not through es_filter, so a fault in the app's filter cannot hide in
 * the check. Keywords are not in the CSV: with --subset-only (audit filters) only "every row is
 * one of ALL's, none twice, some kept, some left out" is checked.
 *
 *   check_subset --name TAG --all ALL.csv --got GOT.csv [--levels L] [--ids I] [--providers P]
 *                [--subset-only]
 * Native, linked with csvcheck.c and the portable core. */
#include "csvcheck.h"

#include <ctype.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { C_SERVER = 0, C_LEVEL = 2, C_SOURCE = 3, C_EVENTID = 4, C_RECORD = 6 };

#define MAXITEMS 512
static char *items[3][MAXITEMS];
static int nitems[3];

/* Comma-separated items, trimmed; empty ones skipped. */
static void split(int which, const char *text)
{
    if (!text)
        return;
    char *copy = strdup(text), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t && nitems[which] < MAXITEMS; t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ')
            t++;
        size_t n = strlen(t);
        while (n && t[n - 1] == ' ')
            t[--n] = 0;
        if (n)
            items[which][nitems[which]++] = strdup(t);
    }
    free(copy);
}

static int ci_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

static int keeps(const csv_row *r)
{
    /* levels: the Level column's text; "information" is also what level 0 shows */
    int nlev = 0, lev_ok = 0;
    for (int i = 0; i < nitems[0]; i++) {
        if (!strncasecmp(items[0][i], "audit", 5))
            continue;
        nlev++;
        lev_ok |= ci_eq(items[0][i], r->f[C_LEVEL]);
    }
    if (nlev && nlev < 5 && !lev_ok)
        return 0;
    long id = atol(r->f[C_EVENTID]);
    int ninc = 0, inc_ok = 0;
    for (int i = 0; i < nitems[1]; i++) {
        const char *s = items[1][i];
        int ex = *s == '-';
        long lo = atol(s + ex), hi = lo;
        const char *d = strchr(s + ex, '-');
        if (d)
            hi = atol(d + 1);
        if (ex && lo <= id && id <= hi)
            return 0;
        if (!ex) {
            ninc++;
            inc_ok |= lo <= id && id <= hi;
        }
    }
    if (ninc && !inc_ok)
        return 0;
    if (nitems[2]) {
        int ok = 0;
        for (int i = 0; i < nitems[2]; i++)
            ok |= ci_eq(items[2][i], r->f[C_SOURCE]);
        if (!ok)
            return 0;
    }
    return 1;
}

typedef struct key { const char *server, *record; const csv_row *row; int seen; } key;

static int cmp_key(const void *a, const void *b)
{
    const key *x = a, *y = b;
    int c = strcmp(x->server, y->server);
    return c ? c : strcmp(x->record, y->record);
}

int main(int argc, char **argv)
{
    const char *all_path = NULL, *got_path = NULL;
    int subset_only = 0;
    setvbuf(stdout, NULL, _IONBF, 0);
    g_tag = "subset";
    for (int i = 1; i < argc; i++) {
        char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL, *eq = strchr(a, '=');
        if (!strcmp(a, "--subset-only")) { subset_only = 1; continue; }
        if (eq) { /* --ids=-7036: a value that starts with '-' */
            *eq = 0;
            v = eq + 1;
            i--;
        }
        if (!v) { fprintf(stderr, "check_subset: %s needs a value\n", a); return 2; }
        if (!strcmp(a, "--name")) g_tag = v;
        else if (!strcmp(a, "--all")) all_path = v;
        else if (!strcmp(a, "--got")) got_path = v;
        else if (!strcmp(a, "--levels")) split(0, v);
        else if (!strcmp(a, "--ids")) split(1, v);
        else if (!strcmp(a, "--providers")) split(2, v);
        else { fprintf(stderr, "check_subset: unknown option %s\n", a); return 2; }
        i++;
    }
    if (!all_path || !got_path) {
        fprintf(stderr, "usage: check_subset --name TAG --all ALL.csv --got GOT.csv [--levels L] [--ids I] [--providers P] [--subset-only]\n");
        return 2;
    }
    csv *all = csv_load(all_path, "all-format", NULL, ROW_HEADER, ROW_COLS);
    csv *got = csv_load(got_path, "format", NULL, ROW_HEADER, ROW_COLS);
    if (!all || !got)
        return 1;
    size_t n = all->nrows - 1, bad = 0;
    key *k = calloc(n ? n : 1, sizeof *k);
    for (size_t i = 0; i < n; i++) {
        const csv_row *r = &all->rows[i + 1];
        if (r->n != ROW_COLS) {
            failf("all-format", "row %zu has %d fields", i + 1, r->n);
            return 1;
        }
        k[i] = (key){r->f[C_SERVER], r->f[C_RECORD], r, 0};
    }
    qsort(k, n, sizeof *k, cmp_key);
    size_t extra = 0, twice = 0, differ = 0;
    for (size_t i = 1; i < got->nrows; i++) {
        const csv_row *r = &got->rows[i];
        if (r->n != ROW_COLS) {
            bad++;
            continue;
        }
        key want = {r->f[C_SERVER], r->f[C_RECORD], NULL, 0};
        key *hit = bsearch(&want, k, n, sizeof *k, cmp_key);
        if (!hit) {
            if (!extra++)
                detail("row %zu (%s record %s) is not in the unfiltered export", i, want.server, want.record);
            continue;
        }
        if (hit->seen++ && !twice++)
            detail("row %zu (%s record %s) comes twice", i, want.server, want.record);
        if (strcmp(hit->row->f[C_LEVEL], r->f[C_LEVEL]) || strcmp(hit->row->f[C_SOURCE], r->f[C_SOURCE]) ||
            strcmp(hit->row->f[C_EVENTID], r->f[C_EVENTID])) {
            if (!differ++)
                detail("row %zu (%s record %s): %s/%s/%s, unfiltered %s/%s/%s", i, want.server, want.record,
                       r->f[C_LEVEL], r->f[C_SOURCE], r->f[C_EVENTID], hit->row->f[C_LEVEL],
                       hit->row->f[C_SOURCE], hit->row->f[C_EVENTID]);
        }
        if (!subset_only && !keeps(r) && !extra++)
            detail("row %zu (%s record %s: %s, %s, ID %s) does not pass the filter", i, want.server, want.record,
                   r->f[C_LEVEL], r->f[C_SOURCE], r->f[C_EVENTID]);
    }
    size_t missing = 0, kept = 0;
    for (size_t i = 0; i < n; i++) {
        int want = subset_only ? k[i].seen > 0 : keeps(k[i].row);
        kept += want != 0;
        if (want && !k[i].seen && !missing++)
            detail("%s record %s (%s, %s, ID %s) passes the filter but is missing", k[i].server, k[i].record,
                   k[i].row->f[C_LEVEL], k[i].row->f[C_SOURCE], k[i].row->f[C_EVENTID]);
    }
    verdict("rows", bad + extra + twice + differ + missing,
            "%zu malformed, %zu not kept by the filter or unknown, %zu twice, %zu differ, %zu missing (of %zu kept, %zu rows in all)",
            bad, extra, twice, differ, missing, kept, n);
    verdict("selective", !(kept > 0 && kept < n), "the filter keeps %zu of %zu rows: the test would prove nothing", kept, n);
    if (!g_fail)
        printf("     %s: %zu of %zu rows kept\n", g_tag, kept, n);
    free(k);
    return g_fail ? 1 : 0;
}
