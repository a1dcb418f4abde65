/* What a running sweep's threads report, on the UI thread: each batch of rows into the row
 * store (a saved log's channels renumbered to its target's table), each source's state, probe,
 * engine and coverage, the row budget, and the sweep's end (then --retry, then the command
 * line's files). The messages are posted by sweep.c; an earlier sweep's are dropped. */
#include "ui.h"
#include "winutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* The channels a batch of a saved log names, into its target's table (at most 255; more: no
 * Log), its rows' log_ix renumbered to that table. UI thread; the batch is ours. */
static void renumber_logs(target *t, es_batch *b)
{
    uint8_t map[ES_BATCH_LOGS + 1] = {0};
    for (unsigned k = 0; k < b->nlogs; k++) {
        unsigned i = 0;
        while (i < t->nfile_logs && strcmp(t->file_logs[i], b->logs[k]) != 0)
            i++;
        if (i == t->nfile_logs && i < 255) {
            char **grown = realloc(t->file_logs, (i + 1) * sizeof *grown);
            char *c = _strdup(b->logs[k]);
            if (grown)
                t->file_logs = grown;
            if (!grown || !c) {
                free(c);
                continue;
            }
            t->file_logs[t->nfile_logs++] = c;
        }
        if (i < t->nfile_logs)
            map[k + 1] = (uint8_t)(i + 1);
    }
    for (size_t r = 0; r < b->count; r++)
        b->rows[r].log_ix = b->rows[r].log_ix <= ES_BATCH_LOGS ? map[b->rows[r].log_ix] : 0;
}

/* Live follow near a limit: rows held above 90% of the row limit, or bytes above 90% of the
 * memory budget, go down to about 80% (the oldest first, by whole blocks). */
static void follow_make_room(void)
{
    size_t first = es_rowstore_first(g.rows), held = es_rowstore_count(g.rows) - first;
    size_t limit = g.follow_rows ? g.follow_rows : es_rowstore_limit(g.rows), bytes = es_rowstore_bytes(g.rows);
    size_t keep = SIZE_MAX;
    if (held >= limit - limit / 10)
        keep = limit - limit / 5;
    if (g.memory_budget && bytes >= g.memory_budget - g.memory_budget / 10 && bytes > 0) {
        size_t k = (size_t)((double)held * (double)(g.memory_budget - g.memory_budget / 5) / (double)bytes);
        if (k < keep)
            keep = k;
    }
    if (keep == SIZE_MAX)
        return;
    size_t from = SIZE_MAX;
    if (g.cli_pending && g.init->export_path) {
        /* --export is written as rows come: rows not in the file yet are never evicted (not
         * even the part of a block that holds the first of them: eviction goes by whole
         * blocks, down to at most `keep` rows); the piece that writes them starts now
         * (eviction waits while it reads them) */
        from = g.appended_upto > first ? g.appended_upto : first;
        size_t unwritten = es_rowstore_count(g.rows) - from;
        if (unwritten > keep && !g.piece_export && !g.closing)
            g.piece_export = run_export_piece(g.init->export_path, NULL, NULL, FALSE);
    }
    size_t gone = es_rowstore_evict_below(g.rows, keep, from);
    if (gone) {
        g.evicted += gone;
        rowview_evicted();
        update_status();
    }
}

/* What the sweep's threads report. Messages of an earlier sweep (a thread it abandoned that
 * came back) are dropped, their batches freed. */
void sweep_message(UINT msg, WPARAM wp, LPARAM lp)
{
    size_t id = SWEEP_WP_ID(wp);
    if (!g.sw || SWEEP_WP_GEN(wp) != sweep_generation(g.sw) || id >= g.ntgt) {
        if (msg == SWM_BATCH)
            es_batch_free((es_batch *)lp);
        else if (msg == SWM_COVERAGE)
            free((es_coverage *)lp);
        return;
    }
    target *t = &g.tgt[id];
    BOOL finished = t->state == ES_STATE_DONE || t->state == ES_STATE_FAILED;
    switch (msg) {
    case SWM_STATE:
        if (finished)
            break; /* a thread left behind that came back: its source was reported already */
        t->state = SWEEP_STATE(lp);
        if (t->state == ES_STATE_CONNECTING)
            t->t_start = GetTickCount64();
        if (t->state == ES_STATE_RECONNECTING) {
            t->retry_at = GetTickCount64() + FOLLOW_DETAIL_SECONDS(SWEEP_STATE_DETAIL(lp)) * 1000ull;
            t->lost_error = FOLLOW_DETAIL_ERROR(SWEEP_STATE_DETAIL(lp));
        }
        break;
    case SWM_BATCH: {
        size_t lost = 0;
        const es_batch *b = (const es_batch *)lp;
        if (t->kind == ES_NAME_PATH && b->nlogs) {
            renumber_logs(t, (es_batch *)lp);   /* a saved log's Log column: its source's own table */
            rowview_file_logs_changed(id);
        }
        for (size_t i = 0; i < b->count; i++) {   /* the source list's summary; the log's next mark */
            uint8_t lv = b->rows[i].level;
            t->nlevel[lv < 6 ? lv : 0]++;
            if (b->rows[i].record_id > t->max_record)
                t->max_record = b->rows[i].record_id;
        }
        t->events += es_rowstore_append(g.rows, (es_batch *)lp, &lost); /* ours now: the store takes it */
        t->lost += lost;
        /* Live follow runs for days: near the row or memory limit, the oldest rows make room
         * (whole blocks, never under a reader such as an export) and the status bar says how
         * many went. What still does not fit ends the sweep as below. */
        if (g.pending.follow && !lost)
            follow_make_room();
        /* The budget: past it nothing more is read (the rows kept stay viewable and exportable);
         * the sources still reading end with ERROR_NOT_ENOUGH_MEMORY. */
        /* (Following: a quarter over either, while an export held the rows eviction needed.) */
        uint64_t budget = g.memory_budget + (g.follow_rows ? g.memory_budget / 4 : 0);
        if (!g.budget_hit) {
            if (es_rowstore_count(g.rows) - es_rowstore_first(g.rows) >= es_rowstore_limit(g.rows))
                swprintf(g.budget_text, 160, g.follow_rows ? L"the row limit (%zu rows, a quarter more while an export read them) was reached"
                                                          : L"the row limit (%zu rows) was reached",
                         g.follow_rows ? g.follow_rows : es_rowstore_limit(g.rows));
            else if (es_rowstore_bytes(g.rows) >= budget)
                swprintf(g.budget_text, 160, L"the memory limit for rows (%llu MB) was reached",
                         (unsigned long long)(g.memory_budget >> 20));
            else if (lost)
                swprintf(g.budget_text, 160, L"out of memory");
            else
                break;
            g.budget_hit = TRUE;
            sweep_stop(g.sw, ERROR_NOT_ENOUGH_MEMORY);
        }
        break;
    }
    case SWM_WARNINGS:
        if (!finished)
            t->skipped = (uint64_t)lp;
        break;
    case SWM_PROBE:
        if (!finished)
            t->probe = (int)lp;
        break;
    case SWM_ENGINE:
        if (!finished)
            t->classic = lp == 1;
        break;
    case SWM_GAP:   /* live follow: the log moved on while the source was away */
        if ((uint64_t)lp == UINT64_MAX)
            t->cleared = TRUE;
        else
            t->overwritten += (uint64_t)lp;
        break;
    case SWM_FALLBACK_ERROR:
        if (!finished)
            t->fallback_error = (DWORD)lp;
        break;
    case SWM_COVERAGE:   /* ours now: copied, then freed */
        if (!finished) {
            t->cov = *(const es_coverage *)lp;
            t->has_cov = TRUE;
        }
        free((es_coverage *)lp);
        break;
    case SWM_SOURCE_DONE:
        t->error = SWEEP_DONE_ERROR(lp);
        if (t->lost && !t->error)
            t->error = ERROR_NOT_ENOUGH_MEMORY; /* rows were lost: never "done" */
        t->state = t->error ? ES_STATE_FAILED : ES_STATE_DONE;
        t->t_end = GetTickCount64();
        t->t_start = t->t_end - SWEEP_DONE_MS(lp); /* the worker's own measure */
        if (t->error)
            g.had_failure = TRUE;
        break;
    }
}

/* Every source is reported and every thread that was not abandoned has ended. */
void sweep_done(WPARAM wp)
{
    if (!g.sw || SWEEP_WP_GEN(wp) != sweep_generation(g.sw))
        return; /* an earlier sweep's */
    KillTimer(g.dlg, TIMER_REFRESH);
    jobs_remove(&g.sw);
    sweep_release(g.sw);
    g.sw = NULL;
    g.running = FALSE;
    g.stopping = FALSE;
    g.sweep_t1 = GetTickCount64();
    if (g.closing) {
        destroy_if_idle();
        return;
    }
    refresh();
    enable_controls();
    /* --retry: the sources that failed are read again before the files are written. */
    if (g.cli_pending && g.retries_left > 0 && !g.interrupted && !g.user_stopped && retryable_count() > 0) {
        g.retries_left--;
        retry_failed();
        return;
    }
    if (g.cli_pending)
        finish_cli();
    else
        write_marks();   /* "New since last sweep" reads from here next time */
}
