/* Retry failed (and --retry): the sources that failed in the last sweep read again, with that
 * sweep's logs, time window, filters and view, keeping every other source's rows; what a failed
 * source had delivered before is retired from the view (rowview_retire), so each row is there
 * once. UI thread only; run.c starts the sweep (launch). */
#include "ui.h"
#include "winutil.h"

#include <stdlib.h>
#include <string.h>

/* Retry failed: which targets it reads again. A target whose entry was removed from the list
 * since is not read; a folder that could not be listed needs Start (the listing runs again). */
static BOOL retryable(size_t i, const BOOL *listed)
{
    return g.tgt[i].state == ES_STATE_FAILED && !g.tgt[i].unlisted && listed[i];
}

static BOOL *listed_targets(void)
{
    BOOL *listed = calloc(g.ntgt ? g.ntgt : 1, sizeof *listed);
    for (size_t e = 0; listed && e < g.nsrc; e++)
        for (size_t k = 0; k < g.src[e].ntgt && g.src[e].first_tgt + k < g.ntgt; k++)
            listed[g.src[e].first_tgt + k] = TRUE;
    return listed;
}

size_t retryable_count(void)
{
    /* after the memory or row budget was reached the store has no room: a retry would only
     * lose rows (its earlier ones retired, the new ones not stored); Start sweeps afresh */
    if (g.running || !g.rows || !g.ntgt || g.budget_hit)
        return 0;
    BOOL *listed = listed_targets();
    size_t n = 0;
    for (size_t i = 0; listed && i < g.ntgt; i++)
        n += retryable(i, listed);
    free(listed);
    return n;
}

/* Reads the failed sources again, with the last sweep's log, time window (the same moment of
 * Start), filters and view, keeping every other source's rows. What a failed source delivered
 * before it failed leaves the view (its rows stay in the store, retired), so its new reading
 * is counted once; its counts start again. */
void retry_failed(void)
{
    if (g.running || !g.rows || !g.ntgt)
        return;
    BOOL *listed = listed_targets();
    uint32_t *floor = calloc(g.ntgt, sizeof *floor);
    if (!listed || !floor) {
        free(listed);
        free(floor);
        refuse_start(L"The failed sources could not be read again: out of memory.", MB_ICONERROR);
        return;
    }
    size_t n = 0, retired = 0;
    uint32_t now = (uint32_t)es_rowstore_count(g.rows);
    for (size_t i = 0; i < g.ntgt; i++) {
        listed[i] = retryable(i, listed);   /* from here: read again */
        if (listed[i]) {
            floor[i] = now;
            retired += (size_t)g.tgt[i].events;
            n++;
        }
    }
    if (n == 0) {
        free(listed);
        free(floor);
        message_box(L"No source of the last sweep failed that could be read again. (A folder that could not be "
                    L"listed is read again by Start.)", MB_ICONINFORMATION);
        if (g.cli_pending)
            finish_cli();
        return;
    }
    /* The details pane lets go of a row of a source read again (it is no longer listed). */
    int f = ListView_GetNextItem(g.lv, -1, LVNI_FOCUSED);
    size_t row = f >= 0 ? rowview_row((size_t)f) : SIZE_MAX;
    if (row != SIZE_MAX && row < es_rowstore_count(g.rows) && listed[es_rowstore_get(g.rows, row)->source])
        details_show_row(SIZE_MAX);
    BOOL ok = rowview_retire(floor, g.ntgt, retired);
    free(floor);
    if (!ok) {
        free(listed);
        refuse_start(L"The failed sources could not be read again: out of memory.", MB_ICONERROR);
        return;
    }
    /* a source read again logs on with its entry's account as it is now (Connect as... may have
     * fixed a wrong password since) */
    for (size_t e = 0; e < g.nsrc; e++)
        for (size_t k = g.src[e].first_tgt; k < g.src[e].first_tgt + g.src[e].ntgt && k < g.ntgt; k++)
            if (listed[k] && g.tgt[k].kind != ES_NAME_PATH) {
                account_unref(g.tgt[k].account);
                g.tgt[k].account = account_ref(g.src[e].account);
            }
    g.had_failure = FALSE;
    for (size_t i = 0; i < g.ntgt; i++) {
        target *t = &g.tgt[i];
        if (listed[i]) {
            t->state = ES_STATE_WAITING;
            t->events = t->skipped = t->lost = 0;
            memset(t->nlevel, 0, sizeof t->nlevel);
            t->error = 0;
            t->probe = 0;
            t->classic = FALSE;
            t->fallback_error = 0;
            t->overwritten = 0;
            t->cleared = FALSE;
            t->t_start = t->t_end = 0;
            t->has_cov = FALSE;
        } else if (t->state == ES_STATE_FAILED) {
            g.had_failure = TRUE;   /* a folder not listed, or a source removed from the list */
        }
    }
    free(listed);
    g.budget_hit = FALSE;
    g.retrying = TRUE;
    g.running = TRUE;
    g.stopping = FALSE;
    g.sweep_t1 = 0;
    launch();
}

