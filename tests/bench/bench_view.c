/* The view on a million rows (issue #7's speed goals), each figure beside its peer measured in
 * the same run:
 *   sort by each column          es_view_sort        vs  qsort of the row indices with the same
 *                                                        comparison (es_view_compare)
 *   a quick-find keystroke       es_view_filter      vs  a plain strstr scan of the messages
 *                                (full scan, and narrowed: the next keystroke scans the last result)
 *   export of the visible rows   CSV in view order   vs  CSV in arrival order (today's export)
 *   memory per row               store + view arrays
 *   rows arriving                es_view_add of a 1,000-row batch into the million (the UI
 *                                thread's work per batch message), longest and 99th percentile
 *
 * The rows are the simulated fleet's (tests/fake/fleetgen.c): ten servers, their providers,
 * messages and data. Native, -O2, one thread.
 *
 *   build/native/bench_view [ROWS]      (default 1000000) */
#include "es_export.h"
#include "es_time.h"
#include "es_view.h"
#include "bench_rows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const es_rowstore *q_store;
static es_order q_order;
static const es_view_ctx *q_ctx;
static int q_cmp(const void *a, const void *b)
{
    return es_view_compare(q_store, *(const uint32_t *)a, *(const uint32_t *)b, q_order, q_ctx);
}

static double export_csv(const es_rowstore *s, const uint32_t *order, size_t n, const char *path)
{
    double t0 = now_s();
    FILE *f = fopen(path, "wb");
    es_buf b;
    es_buf_init(&b);
    es_export_rows_header(&b);
    for (size_t i = 0; i < n; i++) {
        const es_row *r = es_rowstore_get(s, order ? order[i] : i);
        es_export_row(&b, g_name_ptrs[r->source], g_logs[r->source], r);
        if (b.len > (1u << 20)) {
            fwrite(b.data, 1, b.len, f);
            es_buf_clear(&b);
        }
    }
    fwrite(b.data, 1, b.len, f);
    fclose(f);
    es_buf_free(&b);
    return now_s() - t0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    es_view_ctx c;
    es_rowstore *s = bench_fleet(&n, &c);
    uint32_t *out = malloc(n * sizeof *out), *peer = malloc(n * sizeof *peer);

    printf("\nsort (goal < 0.3 s)              view       qsort (peer)   ratio\n");
    double worst = 0;
    for (int col = 0; col < ES_NCOLS; col++) {
        es_order o = {(es_col)col, col == ES_COL_TIME || col == ES_COL_RECEIVED};
        double a = now_s();
        es_view_sort(s, 0, n, o, &c, out, NULL);
        double ts = now_s() - a;
        for (size_t i = 0; i < n; i++)
            peer[i] = (uint32_t)i;
        q_store = s;
        q_order = o;
        q_ctx = &c;
        a = now_s();
        qsort(peer, n, sizeof *peer, q_cmp);
        double tq = now_s() - a;
        int same = memcmp(out, peer, n * sizeof *out) == 0;
        printf("  %-12s %-4s            %7.3f s   %7.3f s   %6.1fx%s\n", es_col_name((es_col)col), o.desc ? "desc" : "asc",
               ts, tq, tq / ts, same ? "" : "   ORDER DIFFERS");
        if (ts > worst)
            worst = ts;
    }
    printf("  slowest column: %.3f s\n", worst);

    /* quick find over the default order; the peer scans the messages with strstr */
    es_view_sort(s, 0, n, ES_ORDER_DEFAULT, &c, out, NULL);
    const char *words[] = {"s", "se", "ser", "serv", "service", "4624", "zzzz"};
    printf("\nquick find (goal < 0.1 s)  matches     full scan  narrowed   strstr (peer)\n");
    uint32_t *vis = malloc(n * sizeof *vis), *vis2 = malloc(n * sizeof *vis2);
    size_t prev_n = n;
    memcpy(vis, out, n * sizeof *out);
    for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
        es_find *f = es_find_new(words[w], NULL);
        double a = now_s();
        size_t m = es_view_filter(s, out, n, f, NULL, 0, &c, vis2, NULL);
        double full = now_s() - a;
        double narrowed = -1;
        if (w > 0 && w < 5) {   /* typing on: the previous result is the input */
            a = now_s();
            size_t m2 = es_view_filter(s, vis, prev_n, f, NULL, 0, &c, vis, NULL);
            narrowed = now_s() - a;
            if (m2 != m)
                printf("  NARROWED COUNT DIFFERS: %zu vs %zu\n", m2, m);
        } else {
            memcpy(vis, vis2, m * sizeof *vis);
        }
        prev_n = m;
        a = now_s();
        size_t pm = 0;
        for (size_t i = 0; i < n; i++)
            pm += strstr(es_rowstore_get(s, out[i])->message, words[w]) != NULL;
        double tp = now_s() - a;
        if (narrowed >= 0)
            printf("  %-10s %10zu   %8.3f s  %7.3f s  %7.3f s (%zu, case-sensitive, Message only)\n", words[w], m,
                   full, narrowed, tp, pm);
        else
            printf("  %-10s %10zu   %8.3f s         -   %7.3f s (%zu, case-sensitive, Message only)\n", words[w], m,
                   full, tp, pm);
        es_find_free(f);
    }

    printf("\nexport of the visible rows (goal < 1.5 s)\n");
    double te = export_csv(s, out, n, "/tmp/es_bench_view.csv");
    double ta = export_csv(s, NULL, n, "/tmp/es_bench_arrival.csv");
    printf("  view order %.3f s, arrival order (peer) %.3f s, ratio %.2f\n", te, ta, te / ta);
    remove("/tmp/es_bench_view.csv");
    remove("/tmp/es_bench_arrival.csv");

    es_view v;
    es_view_init(&v);
    es_view_add(&v, s, n, &c, NULL, NULL);
    printf("\nmemory per row (goal <= 300 bytes): store %.1f + view %.1f = %.1f bytes\n",
           (double)es_rowstore_bytes(s) / n, (double)es_view_bytes(&v) / n,
           (double)(es_rowstore_bytes(s) + es_view_bytes(&v)) / n);
    es_view_free(&v);

    /* rows arriving: the UI thread's work per 1,000-row batch while the view grows to n rows,
     * newest first (each batch lands all over the list), with and without a quick find */
    for (int with_find = 0; with_find < 2; with_find++) {
        es_view_init(&v);
        if (with_find) {
            es_view_result r;
            memset(&r, 0, sizeof r);
            r.order = ES_ORDER_DEFAULT;
            r.find = es_find_new("service", NULL);
            r.vis = malloc(4);
            r.capvis = 1;
            es_view_install(&v, &r);
        }
        size_t steps = n / 1000;
        double *lat = malloc((steps + 1) * sizeof *lat);
        size_t ns = 0;
        for (size_t at = 1000; at <= n; at += 1000) {
            size_t *ins = NULL, nins = 0;
            double a = now_s();
            es_view_add(&v, s, at, &c, &ins, &nins);
            lat[ns++] = now_s() - a;
            free(ins);
        }
        qsort(lat, ns, sizeof *lat, cmp_double);
        printf("%s1,000-row batch placed (goal < 50 ms)%s: p99 %.2f ms, longest %.2f ms, median %.3f ms "
               "(peer, arrival order with no view: 0 ms)\n", with_find ? "" : "\n", with_find ? ", with a find" : "",
               lat[ns * 99 / 100] * 1e3, lat[ns - 1] * 1e3, lat[ns / 2] * 1e3);
        free(lat);
        es_view_free(&v);
    }
    free(vis);
    free(vis2);
    free(out);
    free(peer);
    es_rowstore_unref(s);
    return 0;
}
