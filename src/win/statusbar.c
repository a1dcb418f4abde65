/* The status bar and the count label beside Find: what the window says about its sources, its
 * rows (and a pick from the fleet picture), the sweep or the follow in progress, the exports,
 * rows removed by live follow's limits, stuck threads, and the whole text of the source with the
 * caret. UI thread only. */
#include "ui.h"
#include "resource.h"

#include <stdio.h>
#include <wchar.h>

void update_status(void)
{
    size_t done = 0, failed = 0;
    for (size_t i = 0; i < g.ntgt; i++) {
        if (g.tgt[i].state == ES_STATE_DONE)
            done++;
        else if (g.tgt[i].state == ES_STATE_FAILED)
            failed++;
    }
    WCHAR a[128], b[400], c[160], n[32];
    if (g.ntgt)
        swprintf(a, 128, L"Sources: %zu of %zu finished, %zu failed", done + failed, g.ntgt, failed);
    else
        swprintf(a, 128, L"Sources: %zu in the list", g.nsrc);
    fmt_count(rowview_total(), n, 32);
    if (rowview_filtered()) {
        WCHAR v[32];
        fmt_count(rowview_count(), v, 32);
        swprintf(b, 400, L"%ls of %ls rows", v, n);
    } else {
        swprintf(b, 400, L"%ls rows", n);
    }
    /* a click in the summary or the timeline: the label says what it picked (the status bar's
     * part is too narrow for it), and Show all rows appears */
    WCHAR label[600];
    swprintf(label, 600, rowview_picked() ? L"%ls \u2014 %ls" : L"%ls", b, rowview_pick_text());
    ShowWindow(GetDlgItem(g.dlg, IDC_PICK_CLEAR), rowview_picked() ? SW_SHOWNA : SW_HIDE);
    SetDlgItemTextW(g.dlg, IDC_VIEW_COUNT, rowview_busy() ? L"Sorting and filtering..." : rowview_filtered() ? label : L"");
    size_t exports = jobs_count(JOB_EXPORT), following = 0;
    for (size_t i = 0; g.running && i < g.ntgt; i++)
        following += g.tgt[i].state == ES_STATE_FOLLOWING || g.tgt[i].state == ES_STATE_RECONNECTING;
    if (jobs_count(JOB_LISTING))
        swprintf(c, 160, g.stopping ? L"Stopping..." : L"Listing folders...");
    else if (g.running && following && !g.stopping)   /* live follow: until Stop */
        swprintf(c, 160, L"Following %zu source%ls... %.0f s", following, following == 1 ? L"" : L"s",
                 (double)(GetTickCount64() - g.sweep_t0) / 1000.0);
    else if (g.running)
        swprintf(c, 160, g.stopping ? L"Stopping..." : g.retrying ? L"Reading the failed sources again... %.1f s" : L"Sweeping... %.1f s",
                 (double)(GetTickCount64() - g.sweep_t0) / 1000.0);
    else if (exports)
        swprintf(c, 160, exports > 1 ? L"Exporting (%zu files)..." : L"Exporting...", exports);
    else if (g.sweep_t1)
        swprintf(c, 160, g.retrying ? L"Retry took %.1f s" : L"Sweep took %.1f s", (double)(g.sweep_t1 - g.sweep_t0) / 1000.0);
    else
        swprintf(c, 160, L"Ready");
    if (g.evicted) {   /* live follow made room: said, never silent */
        WCHAR ev[32];
        fmt_count(g.evicted, ev, 32);
        size_t l = wcslen(a);
        swprintf(a + l, 128 - l, L"; %ls oldest rows removed (limits)", ev);
    }
    LONG stuck = sweep_abandoned_threads();
    if (stuck) { /* they end with the process; shown so that nobody wonders where they went */
        size_t l = wcslen(a);
        swprintf(a + l, 128 - l, L"; %ld stuck thread%ls left behind", (long)stuck, stuck == 1 ? L"" : L"s");
    }
    SendMessageW(g.status, SB_SETTEXTW, 0, (LPARAM)a);
    SendMessageW(g.status, SB_SETTEXTW, 1, (LPARAM)b);
    SendMessageW(g.status, SB_SETTEXTW, 2, (LPARAM)c);
    /* The list shows a long error cut short: the entry with the caret gets it whole here. */
    WCHAR d[600] = L"";
    int caret = (int)SendMessageW(g.list, LB_GETCARETINDEX, 0, 0);
    if (caret >= 0 && (size_t)caret < g.nsrc) {
        WCHAR st[400];
        entry_text(&g.src[caret], st, 400);
        /* a log that does not reach back to the window's start: that first, the state after */
        WCHAR *cov = wcsstr(st, L"; log starts ");
        if (cov && st[0]) {
            *cov = 0;
            swprintf(d, 600, L"%ls: %ls; %ls", g.src[caret].wname, cov + 2, st);
        } else if (st[0]) {
            swprintf(d, 600, L"%ls: %ls", g.src[caret].wname, st);
        }
    }
    SendMessageW(g.status, SB_SETTEXTW, 3, (LPARAM)d);
}

void refresh(void)
{
    rowview_sync();
    InvalidateRect(g.list, NULL, FALSE);
    update_status();
}
