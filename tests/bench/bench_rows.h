/* The benchmarks' rows: the simulated fleet's (tests/fake/fleetgen.c) — ten servers, their
 * providers, messages and data — in a row store, in batches of 1,000 from the servers in turn, as
 * a sweep delivers them; and a monotonic clock. Included by one benchmark program each. */
#ifndef BENCH_ROWS_H
#define BENCH_ROWS_H

#include "es_row.h"
#include "es_view.h"
#include "es_time.h"
#include "../fake/fleetgen.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#define NSRC 10
static char g_names[NSRC][32];
static const char *g_name_ptrs[NSRC];
static const char *g_logs[NSRC];   /* the Log column: System or Application, as a sweep of two logs */

static es_rowstore *fleet_rows(size_t n, size_t first_batch_rows)
{
    es_rowstore *s = es_rowstore_new();
    fg_spread sp = fleetgen_spread(n / NSRC + 1, 24);
    size_t per = n / NSRC, done = 0;
    uint64_t k[NSRC] = {0};
    char msg[4096], task[32];
    /* batches of 1,000 from the servers in turn, as a sweep delivers them */
    while (done < n) {
        for (int src = 0; src < NSRC && done < n; src++) {
            size_t cnt = 1000;
            if (cnt > n - done)
                cnt = n - done;
            if (cnt > per - k[src] && k[src] < per)
                cnt = per - k[src];
            if (k[src] >= per)
                cnt = n - done < 1000 ? n - done : 1000;
            es_batch *b = es_batch_new((uint32_t)src, cnt);
            for (size_t i = 0; i < cnt; i++) {
                fg_event e;
                fleetgen_event(g_names[src], (uint32_t)src + 1, &sp, ++k[src], &e);
                fleetgen_expected_message(&e, msg, sizeof msg);
                es_event ev;
                memset(&ev, 0, sizeof ev);
                ev.time_created = 134000000000000000ull - e.age_ms * ES_TICKS_PER_MS;
                ev.record_id = e.record_id;
                ev.event_id = e.event_id;
                ev.level = e.level;
                ev.task = e.task;
                ev.provider = e.provider_name;
                ev.computer = e.computer;
                ev.level_text = fleetgen_expected_level(&e);
                ev.task_text = fleetgen_expected_task(&e, task, sizeof task);
                ev.message = msg;
                es_batch_add(b, &ev, 134000000000000000ull + done + i);
            }
            es_rowstore_append(s, b, NULL);
            done += cnt;
            if (first_batch_rows && done >= first_batch_rows)
                return s;
        }
    }
    return s;
}

/* The fleet's n rows (*n: how many were made), and the view's context for its servers. */
static uint32_t g_rank[NSRC];
static es_rowstore *bench_fleet(size_t *n, es_view_ctx *c)
{
    for (int i = 0; i < NSRC; i++) {
        snprintf(g_names[i], sizeof g_names[i], "srv-%02d.example.com", (i * 7) % NSRC);
        g_name_ptrs[i] = g_names[i];
        g_logs[i] = i % 2 ? "Application" : "System";
    }
    double t0 = now_s();
    es_rowstore *s = fleet_rows(*n, 0);
    *n = es_rowstore_count(s);
    printf("rows: %zu from %d servers (made in %.2f s)\n", *n, NSRC, now_s() - t0);
    es_view_rank_sources(g_name_ptrs, NSRC, g_rank);
    *c = (es_view_ctx){.source_names = g_name_ptrs, .source_rank = g_rank, .nsources = NSRC, .source_logs = g_logs};
    return s;
}

#endif
