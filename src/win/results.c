/* The results list: a virtual ListView over the row store; its columns and the text of each
 * cell. Runs on the UI thread only. */
#include "ui.h"
#include "winutil.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

enum { COL_SERVER, COL_TIME, COL_LEVEL, COL_SOURCE, COL_ID, COL_TASK, COL_RECORD, COL_COMPUTER, COL_MESSAGE, NCOLS };
static const struct { const WCHAR *title; int width_dlu; int right; } k_cols[NCOLS] = {
    {L"Server", 60, 0}, {L"Time", 80, 0}, {L"Level", 42, 0}, {L"Source", 90, 0}, {L"Event ID", 38, 1},
    {L"Task", 54, 0}, {L"Record", 44, 1}, {L"Computer", 80, 0}, {L"Message", 300, 0}};

static void time_text(uint64_t ticks, WCHAR *out, size_t cap)
{
    FILETIME ft = {(DWORD)ticks, (DWORD)(ticks >> 32)};
    SYSTEMTIME utc, local;
    if (!FileTimeToSystemTime(&ft, &utc) || !SystemTimeToTzSpecificLocalTime(NULL, &utc, &local)) {
        out[0] = 0;
        return;
    }
    swprintf(out, cap, L"%04u-%02u-%02u %02u:%02u:%02u", local.wYear, local.wMonth, local.wDay, local.wHour,
             local.wMinute, local.wSecond);
}

void get_dispinfo(NMLVDISPINFOW *di)
{
    LVITEMW *it = &di->item;
    if (!(it->mask & LVIF_TEXT) || it->cchTextMax <= 0 || !g.rows || (size_t)it->iItem >= es_rowstore_count(g.rows))
        return;
    const es_row *r = es_rowstore_get(g.rows, (size_t)it->iItem);
    WCHAR *out = it->pszText;
    int cap = it->cchTextMax;
    switch (it->iSubItem) {
    case COL_SERVER:
        swprintf(out, (size_t)cap, L"%ls", r->source < g.ntgt ? g.tgt[r->source].row_wname : L"");
        break;
    case COL_TIME: time_text(r->time_created, out, (size_t)cap); break;
    case COL_LEVEL: wu_to_wide_buf(r->level_text, out, cap); break;
    case COL_SOURCE: wu_to_wide_buf(r->provider, out, cap); break;
    case COL_ID: swprintf(out, (size_t)cap, L"%lu", (unsigned long)r->event_id); break;
    case COL_TASK: wu_to_wide_buf(r->task_text, out, cap); break;
    case COL_RECORD: swprintf(out, (size_t)cap, L"%llu", (unsigned long long)r->record_id); break;
    case COL_COMPUTER: wu_to_wide_buf(r->computer, out, cap); break;
    case COL_MESSAGE:
        wu_to_wide_buf(r->message, out, cap);
        for (WCHAR *p = out; *p; p++) /* one line in the list; the CSV keeps the line breaks */
            if (*p == L'\r' || *p == L'\n' || *p == L'\t')
                *p = L' ';
        break;
    }
}

/* The columns, at their widths in dialog units. */
void results_init(void)
{
    ListView_SetExtendedListViewStyle(g.lv, LVS_EX_FULLROWSELECT | LVS_EX_DOUBLEBUFFER | LVS_EX_HEADERDRAGDROP |
                                                LVS_EX_LABELTIP);
    for (int c = 0; c < NCOLS; c++) {
        RECT w = dlu(0, 0, k_cols[c].width_dlu, 0);
        LVCOLUMNW col;
        memset(&col, 0, sizeof col);
        col.mask = LVCF_TEXT | LVCF_WIDTH | LVCF_FMT | LVCF_SUBITEM;
        col.fmt = k_cols[c].right ? LVCFMT_RIGHT : LVCFMT_LEFT;
        col.cx = w.right;
        col.pszText = (WCHAR *)k_cols[c].title;
        col.iSubItem = c;
        ListView_InsertColumn(g.lv, c, &col);
    }
}

/* After a DPI change: the columns' widths for the new DPI. */
void results_rescale(void)
{
    for (int c = 0; c < NCOLS; c++) {
        RECT w = dlu(0, 0, k_cols[c].width_dlu, 0);
        ListView_SetColumnWidth(g.lv, c, w.right);
    }
}
