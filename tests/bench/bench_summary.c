/* The fleet picture on a million rows (issue #9), each figure beside a peer measured in the same
 * run over the same rows:
 *   fleet summary (groups, distinct servers, bursts)   vs  count by (provider, ID) with qsort
 *                                                          of the row indices, then one pass
 *   timeline (servers x buckets)                       vs  the same pass with no work per row
 *                                                          but reading TimeCreated
 *   HTML report (first 10,000 rows; and all rows)      vs  the CSV export of the same rows
 * The summary is measured on the view's default order (newest first: each group's occurrences
 * come reversed) and on arrival order (each group's times sorted with qsort).
 *
 *   build/native/bench_summary [ROWS]      (default 1000000) */
#include "es_export.h"
#include "es_report.h"
#include "es_summary.h"
#include "es_utf.h"
#include "es_view.h"
#include "bench_rows.h"

#include <stdlib.h>

static const es_rowstore *q_store;
static int q_cmp(const void *a, const void *b)
{
    const es_row *x = es_rowstore_get(q_store, *(const uint32_t *)a), *y = es_rowstore_get(q_store, *(const uint32_t *)b);
    int d = es_ascii_icmp(x->provider, y->provider);
    return d ? d : (x->event_id > y->event_id) - (x->event_id < y->event_id);
}

/* the peer: count by key with qsort */
static double count_by_key(const es_rowstore *s, size_t n, size_t *groups)
{
    double a = now_s();
    uint32_t *ix = malloc(n * sizeof *ix);
    for (size_t i = 0; i < n; i++)
        ix[i] = (uint32_t)i;
    q_store = s;
    qsort(ix, n, sizeof *ix, q_cmp);
    size_t g = 0;
    for (size_t i = 0; i < n; i++)
        g += i == 0 || q_cmp(&ix[i - 1], &ix[i]) != 0;
    free(ix);
    *groups = g;
    return now_s() - a;
}

/* A wide fleet: 1,000 servers, 2,000 providers x 50 IDs (up to 100,000 groups), random times
 * over 24 hours, in 1,000-row batches from one server at a time. */
#define WIDE_SRC 1000
static char *g_wide_names[WIDE_SRC];
static es_rowstore *wide_rows(size_t n)
{
    static char provs[2000][24];
    for (int i = 0; i < 2000; i++)
        snprintf(provs[i], sizeof provs[i], "Provider-%d", i);
    for (int i = 0; i < WIDE_SRC; i++) {
        g_wide_names[i] = malloc(32);
        snprintf(g_wide_names[i], 32, "host%04d.corp.example", i);
    }
    es_rowstore *s = es_rowstore_new();
    uint64_t x = 88172645463325252ull;
    for (size_t done = 0; done < n;) {
        size_t cnt = n - done < 1000 ? n - done : 1000;
        es_batch *b = es_batch_new((uint32_t)(done / 1000 % WIDE_SRC), cnt);
        for (size_t i = 0; i < cnt; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            es_event ev;
            memset(&ev, 0, sizeof ev);
            ev.time_created = 134000000000000000ull - (x % (24 * 3600)) * ES_TICKS_PER_SEC;
            ev.event_id = (uint32_t)(x >> 20) % 50;
            ev.level = (uint8_t)((x >> 30) % 5);
            ev.provider = provs[(x >> 40) % 2000];
            ev.message = "m";
            es_batch_add(b, &ev, 134000000000000000ull);
        }
        es_rowstore_append(s, b, NULL);
        done += cnt;
    }
    return s;
}

static int count_write(void *ctx, const char *p, size_t n)
{
    (void)p;
    *(size_t *)ctx += n;
    return 1;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    es_view_ctx c;
    es_rowstore *s = bench_fleet(&n, &c);
    uint32_t *view = malloc(n * sizeof *view);
    es_view_sort(s, 0, n, ES_ORDER_DEFAULT, &c, view, NULL);
    es_rowset in_view = {s, view, n, g_name_ptrs, g_logs, NULL, NULL, NSRC};
    es_rowset arrival = {s, NULL, n, g_name_ptrs, g_logs, NULL, NULL, NSRC};

    size_t pg;
    double tp = count_by_key(s, n, &pg);
    printf("\nfleet summary                      time       groups  bursts   peer: count by key with qsort\n");
    const es_rowset *sets[] = {&in_view, &arrival};
    const char *set_names[] = {"view order (newest first)", "arrival order"};
    for (int k = 0; k < 2; k++) {
        es_summary sum;
        double a = now_s();
        int ok = es_summary_build(sets[k], 0, 0, &sum, NULL);
        double ts = now_s() - a;
        printf("  %-28s %7.3f s  %7zu  %6zu   %7.3f s (%zu groups)   ratio %.1fx%s\n", set_names[k], ts, sum.ngroups,
               sum.nbursts, tp, pg, tp / ts, ok && sum.ngroups == pg ? "" : "   GROUPS DIFFER");
        if (k == 0) {
            a = now_s();
            es_summary_sort(&sum, ES_SUM_COUNT, 1);
            printf("  sort the groups by count        %7.3f s\n", now_s() - a);
        }
        es_summary_free(&sum);
    }
    {
        es_rowstore *w = wide_rows(n);
        es_rowset ws = {w, NULL, es_rowstore_count(w), (const char *const *)g_wide_names, NULL, NULL, NULL, WIDE_SRC};
        es_summary sum;
        double a = now_s();
        int ok = es_summary_build(&ws, 0, 0, &sum, NULL);
        double ts = now_s() - a;
        double twp = count_by_key(w, ws.n, &pg);
        printf("  wide fleet (1,000 servers)   %7.3f s  %7zu  %6zu   %7.3f s (%zu groups)   ratio %.1fx%s\n", ts,
               sum.ngroups, sum.nbursts, twp, pg, twp / ts, ok && sum.ngroups == pg ? "" : "   GROUPS DIFFER");
        es_summary_free(&sum);
        es_rowstore_unref(w);
        for (int i = 0; i < WIDE_SRC; i++)
            free(g_wide_names[i]);
    }
    printf("  working memory: %.1f bytes a row (a group index and a 16-byte occurrence), freed after\n", 20.0);

    /* the timeline; the peer reads each row's TimeCreated in the same order */
    double a = now_s();
    es_timeline tl;
    es_timeline_build(&in_view, 0, 0, 0, &tl, NULL);
    double tt = now_s() - a;
    a = now_s();
    uint64_t sum_t = 0;
    for (size_t i = 0; i < n; i++)
        sum_t += es_rowset_row(&in_view, i)->time_created >> 32;
    double tpass = now_s() - a;
    printf("\ntimeline: %zu servers x %zu buckets of %llu min   %.3f s   peer: a pass reading the times %.3f s "
           "(%llu)   ratio %.1fx\n", tl.nservers, tl.nbuckets, (unsigned long long)(tl.step / (60 * ES_TICKS_PER_SEC)),
           tt, tpass, (unsigned long long)(sum_t & 1), tpass / tt);
    es_timeline_free(&tl);

    /* the report, into a sink that counts bytes; the peer writes the same rows as CSV */
    printf("\nHTML report (summary and timeline built too)     time      bytes     peer: CSV export of the same rows\n");
    size_t limits[] = {ES_REPORT_ROWS, 0};
    for (int k = 0; k < 2; k++) {
        size_t bytes = 0;
        es_sink sink = {count_write, &bytes};
        es_report r = {0};
        r.rows = &in_view;
        r.max_rows = limits[k];
        a = now_s();
        es_report_html(&r, &sink, NULL);
        double th = now_s() - a;
        size_t rows = limits[k] ? limits[k] : n;
        a = now_s();
        es_buf b;
        es_buf_init(&b);
        size_t csv = 0;
        es_export_rows_header(&b);
        for (size_t i = 0; i < rows; i++) {
            const es_row *e = es_rowset_row(&in_view, i);
            es_export_row(&b, es_rowset_server(&in_view, e), es_rowset_log(&in_view, e), e);
            if (b.len >= (1u << 20)) {
                csv += b.len;
                es_buf_clear(&b);
            }
        }
        csv += b.len;
        es_buf_free(&b);
        double tc = now_s() - a;
        printf("  %-8zu rows                                  %6.3f s  %7.1f MB   %6.3f s (%.1f MB)   ratio %.2f\n", rows,
               th, bytes / 1e6, tc, csv / 1e6, th / tc);
    }
    free(view);
    es_rowstore_unref(s);
    return 0;
}
