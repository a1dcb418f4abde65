/* check_fleet: the window's fleet summary (as tests/win/fleet_probe.exe read it off the Summary
 * tab) against the groups recomputed here from the exported CSV of the same rows.
 *
 *   check_fleet [--name TAG] ROWS.csv SUMMARY.tsv SERVERS MINUTES
 *
 * SUMMARY.tsv: a line of titles, then one group a line: Source, Event ID, Events, Servers, First
 * seen, Last seen, Level, Stands out. The rule: the same event (provider in any case, ID) on
 * SERVERS distinct servers (Server column, any case) within MINUTES minutes (a closed window).
 * Checks: TAG-groups (the same groups, none missing or extra), TAG-counts (events and servers of
 * each), TAG-level (the most severe level), TAG-bursts (a group stands out exactly when the rule
 * holds for it, and the text names the most servers in a window; at least one does and one does
 * not), TAG-order (most events first, the default order), TAG-source-seen (every row of the CSV
 * is in a group). */
#include "csvcheck.h"
#include "es_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct ev { uint64_t t; char server[64]; } ev;
typedef struct grp {
    char provider[256];
    unsigned long id;
    ev *e;
    size_t n, cap;
    int worst;          /* severity rank: 1 Critical .. 5 Verbose; 9 unknown */
    int seen;           /* found in the list */
} grp;

static int rank_of(const char *level)
{
    static const char *const names[] = {"Critical", "Error", "Warning", "Information", "Verbose"};
    for (int i = 0; i < 5; i++)
        if (!strcasecmp(level, names[i]))
            return i + 1;
    return 9;
}

static int by_time(const void *a, const void *b)
{
    const ev *x = a, *y = b;
    return x->t < y->t ? -1 : x->t > y->t;
}

/* The most distinct servers in any closed window [t, t + span] starting at an event. */
static unsigned most_servers(grp *g, uint64_t span)
{
    qsort(g->e, g->n, sizeof *g->e, by_time);
    unsigned best = 0;
    for (size_t i = 0; i < g->n; i++) {
        const char *names[64];
        unsigned k = 0;
        for (size_t j = i; j < g->n && g->e[j].t - g->e[i].t <= span; j++) {
            unsigned m = 0;
            while (m < k && strcasecmp(names[m], g->e[j].server))
                m++;
            if (m == k && k < 64)
                names[k++] = g->e[j].server;
        }
        if (k > best)
            best = k;
    }
    return best;
}

static unsigned distinct(const grp *g)
{
    unsigned k = 0;
    for (size_t i = 0; i < g->n; i++) {
        size_t j = 0;
        while (j < i && strcasecmp(g->e[j].server, g->e[i].server))
            j++;
        k += j == i;
    }
    return k;
}

int main(int argc, char **argv)
{
    int a = 1;
    if (argc > 2 && !strcmp(argv[1], "--name")) {
        g_tag = argv[2];
        a = 3;
    }
    if (argc - a != 4) {
        fprintf(stderr, "usage: check_fleet [--name TAG] ROWS.csv SUMMARY.tsv SERVERS MINUTES\n");
        return 2;
    }
    unsigned rule_n = (unsigned)atoi(argv[a + 2]), rule_t = (unsigned)atoi(argv[a + 3]);
    uint64_t span = (uint64_t)rule_t * 60 * 10000000ull;
    csv *c = csv_load(argv[a], "csv", NULL, ROW_HEADER, ROW_COLS);
    if (!c)
        return 1;
    grp *gs = NULL;
    size_t ng = 0, bad_time = 0;
    for (size_t r = 1; r < c->nrows; r++) {
        char **f = c->rows[r].f;
        if (c->rows[r].n < ROW_COLS)
            continue;
        unsigned long id = strtoul(f[4], NULL, 10);
        size_t i = 0;
        while (i < ng && !(gs[i].id == id && !strcasecmp(gs[i].provider, f[3])))
            i++;
        if (i == ng) {
            grp *ng2 = realloc(gs, (ng + 1) * sizeof *gs);
            if (!ng2)
                return 1;
            gs = ng2;
            memset(&gs[ng], 0, sizeof *gs);
            snprintf(gs[ng].provider, sizeof gs[ng].provider, "%s", f[3]);
            gs[ng].id = id;
            gs[ng].worst = 9;
            ng++;
        }
        grp *g = &gs[i];
        if (g->n == g->cap) {
            g->cap = g->cap ? 2 * g->cap : 16;
            g->e = realloc(g->e, g->cap * sizeof *g->e);
            if (!g->e)
                return 1;
        }
        ev *e = &g->e[g->n++];
        if (!es_time_parse_iso8601(f[1], &e->t))
            bad_time++;
        snprintf(e->server, sizeof e->server, "%s", f[0]);
        int rk = rank_of(f[2]);
        if (rk < g->worst)
            g->worst = rk;
    }
    verdict("csv-times", bad_time, "%zu TimeCreated values could not be read", bad_time);

    size_t len = 0;
    char *tsv = slurp(argv[a + 1], &len);
    if (!tsv) {
        failf("summary", "%s cannot be read", argv[a + 1]);
        return 1;
    }
    size_t listed = 0, bad_counts = 0, bad_level = 0, bad_burst = 0, missing = 0, bad_order = 0;
    size_t bursts = 0, others = 0;
    unsigned long long prev_events = (unsigned long long)-1;
    char *line = strtok(tsv, "\n");   /* the titles */
    while ((line = strtok(NULL, "\n")) != NULL) {
        char *col[8] = {0};
        int k = 0;
        for (char *p = line; k < 8; k++) {
            col[k] = p;
            char *tab = strchr(p, '\t');
            if (!tab) {
                k++;
                break;
            }
            *tab = 0;
            p = tab + 1;
        }
        if (k < 8 || !col[7]) {
            detail("a summary line with %d columns", k);
            bad_counts++;
            continue;
        }
        listed++;
        unsigned long id = strtoul(col[1], NULL, 10);
        char digits[32];   /* "1,234": the list's thousands separators */
        size_t nd = 0;
        for (const char *q = col[2]; *q && nd < sizeof digits - 1; q++)
            if (*q >= '0' && *q <= '9')
                digits[nd++] = *q;
        digits[nd] = 0;
        unsigned long long events = strtoull(digits, NULL, 10);
        unsigned long servers = strtoul(col[3], NULL, 10);
        if (events > prev_events)
            bad_order++;
        prev_events = events;
        grp *g = NULL;
        for (size_t i = 0; i < ng && !g; i++)
            if (gs[i].id == id && !strcasecmp(gs[i].provider, col[0]))
                g = &gs[i];
        if (!g) {
            detail("the list has %s %lu, the CSV has no such row", col[0], id);
            missing++;
            continue;
        }
        g->seen++;
        if (g->n != events || distinct(g) != servers) {
            detail("%s %lu: the list says %llu events on %lu servers, the CSV %zu on %u", col[0], id, events, servers,
                   g->n, distinct(g));
            bad_counts++;
        }
        if (g->worst != 9 && rank_of(col[6]) != g->worst) {
            detail("%s %lu: level %s, the CSV's most severe has rank %d", col[0], id, col[6], g->worst);
            bad_level++;
        }
        unsigned most = most_servers(g, span);
        int burst = most >= rule_n;
        char want[64];
        snprintf(want, sizeof want, "on %u servers within %u min from ", most, rule_t);
        int said = col[7][0] != 0;
        if (burst != said || (burst && strncmp(col[7], want, strlen(want)))) {
            detail("%s %lu: stands out [%s]; the CSV has at most %u servers within %u minutes (rule %u)", col[0], id,
                   col[7], most, rule_t, rule_n);
            bad_burst++;
        }
        bursts += said;
        others += !said;
    }
    size_t unlisted = 0;
    for (size_t i = 0; i < ng; i++)
        if (gs[i].seen != 1) {
            detail("%s %lu (%zu rows) is listed %d times", gs[i].provider, gs[i].id, gs[i].n, gs[i].seen);
            unlisted++;
        }
    verdict("groups", missing + unlisted + (listed != ng), "%zu groups listed, %zu in the CSV", listed, ng);
    verdict("counts", bad_counts, "%zu groups with other counts", bad_counts);
    verdict("level", bad_level, "%zu groups with another level", bad_level);
    verdict("bursts", bad_burst + !bursts + !others, "%zu groups flagged wrongly; %zu stand out, %zu do not", bad_burst,
            bursts, others);
    verdict("order", bad_order, "%zu groups have more events than the one above", bad_order);
    printf("     %zu groups, %zu stand out (%u servers within %u minutes)\n", listed, bursts, rule_n, rule_t);
    return g_fail ? 1 : 0;
}
