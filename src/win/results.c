/* The results list: a virtual ListView over the view (rowview.c); its columns, the text and
 * icon of each cell, sorting by a header click, Ctrl+C and Ctrl+A, and the Find box. Runs on the
 * UI thread only. */
#include "ui.h"
#include "resource.h"
#include "settings.h"
#include "winutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

enum { COL_SERVER, COL_TIME, COL_LEVEL, COL_SOURCE, COL_ID, COL_TASK, COL_RECORD, COL_COMPUTER, COL_MESSAGE, COL_LOG, NCOLS };
/* The columns in the CSV's order but Received (their subitem index is the COL_ value; col: what
 * sorts them); shown by default as Event Viewer does — Level, time, then where from (the server
 * and its log) — with Message visible in the default window and RecordID and Computer after it.
 * Log came last (settings saved before it have one column fewer: see results_init). */
static const struct { const WCHAR *title; int width_dlu; int right; int pos; es_col col; } k_cols[NCOLS] = {
    {L"Server", 56, 0, 2, ES_COL_SERVER},  {L"Time", 72, 0, 1, ES_COL_TIME},          {L"Level", 46, 0, 0, ES_COL_LEVEL},
    {L"Source", 70, 0, 4, ES_COL_SOURCE},  {L"Event ID", 34, 1, 5, ES_COL_EVENTID},   {L"Task", 46, 0, 6, ES_COL_TASK},
    {L"Record", 40, 1, 8, ES_COL_RECORDID}, {L"Computer", 70, 0, 9, ES_COL_COMPUTER}, {L"Message", 300, 0, 7, ES_COL_MESSAGE},
    {L"Log", 46, 0, 3, ES_COL_LOG}};

static HIMAGELIST g_icons;   /* level icons: 0 critical/error, 1 warning, 2 information */

void get_dispinfo(NMLVDISPINFOW *di)
{
    LVITEMW *it = &di->item;
    size_t row = rowview_row((size_t)it->iItem);
    if (!g.rows || row == SIZE_MAX)
        return;
    const es_row *r = es_rowstore_get(g.rows, row);
    if (it->mask & LVIF_IMAGE) {
        it->iImage = -1;
        if (it->iSubItem == COL_LEVEL)
            it->iImage = r->level == 1 || r->level == 2 ? 0 : r->level == 3 ? 1 : r->level == 0 || r->level == 4 ? 2 : -1;
    }
    if (!(it->mask & LVIF_TEXT) || it->cchTextMax <= 0)
        return;
    WCHAR *out = it->pszText;
    int cap = it->cchTextMax;
    switch (it->iSubItem) {
    case COL_SERVER:
        swprintf(out, (size_t)cap, L"%ls", r->source < g.ntgt ? g.tgt[r->source].row_wname : L"");
        break;
    case COL_TIME: {
        char t[40];
        rowview_time_text(r->time_created, t, sizeof t);
        wu_to_wide_buf(t, out, cap);
        break;
    }
    case COL_LEVEL: wu_to_wide_buf(r->level_text, out, cap); break;
    case COL_SOURCE: wu_to_wide_buf(r->provider, out, cap); break;
    case COL_ID: swprintf(out, (size_t)cap, L"%lu", (unsigned long)r->event_id); break;
    case COL_TASK: wu_to_wide_buf(r->task_text, out, cap); break;
    case COL_RECORD: swprintf(out, (size_t)cap, L"%llu", (unsigned long long)r->record_id); break;
    case COL_COMPUTER: wu_to_wide_buf(r->computer, out, cap); break;
    case COL_LOG: wu_to_wide_buf(es_view_log(rowview_ctx(), r), out, cap); break;
    case COL_MESSAGE:
        wu_to_wide_buf(r->message, out, cap);
        for (WCHAR *p = out; *p; p++) /* one line in the list; the CSV keeps the line breaks */
            if (*p == L'\r' || *p == L'\n' || *p == L'\t')
                *p = L' ';
        break;
    }
}

static int dlu_to_px(int d) { return dlu(0, 0, d, 0).right; }
static int px_to_dlu(int px)
{
    int per100 = dlu_to_px(100);
    return per100 > 0 ? (px * 100 + per100 / 2) / per100 : px;
}

/* Level icons, Windows' own at the small icon size. */
static void make_icons(void)
{
    int cx = GetSystemMetrics(SM_CXSMICON), cy = GetSystemMetrics(SM_CYSMICON);
    g_icons = ImageList_Create(cx, cy, ILC_COLOR32 | ILC_MASK, 3, 0);
    const LPCWSTR ids[3] = {IDI_ERROR, IDI_WARNING, IDI_INFORMATION};
    for (int i = 0; g_icons && i < 3; i++) {
        HICON h = NULL;
        if (FAILED(LoadIconMetric(NULL, ids[i], LIM_SMALL, &h)) || !h)
            h = (HICON)LoadImageW(NULL, ids[i], IMAGE_ICON, cx, cy, LR_SHARED);
        ImageList_AddIcon(g_icons, h);
    }
    if (g_icons)
        ListView_SetImageList(g.lv, g_icons, LVSIL_SMALL);
}

/* The columns at the widths and in the order the user left them (settings.ini), else the
 * defaults. Settings saved before the Log column (one column fewer) keep theirs, and Log comes
 * right after Server at its default width. */
void results_init(void)
{
    ListView_SetExtendedListViewStyle(g.lv, LVS_EX_FULLROWSELECT | LVS_EX_DOUBLEBUFFER | LVS_EX_HEADERDRAGDROP |
                                                LVS_EX_LABELTIP | LVS_EX_SUBITEMIMAGES);
    const settings *st = g.init->st;
    BOOL saved = st->ncols == NCOLS, before_log = st->ncols == COL_LOG;
    int log_pos = before_log ? st->col_order[COL_SERVER] + 1 : 0;
    int order[NCOLS];
    for (int c = 0; c < NCOLS; c++) {
        BOOL kept = saved || (before_log && c != COL_LOG);
        LVCOLUMNW col;
        memset(&col, 0, sizeof col);
        col.mask = LVCF_TEXT | LVCF_WIDTH | LVCF_FMT | LVCF_SUBITEM;
        col.fmt = k_cols[c].right ? LVCFMT_RIGHT : LVCFMT_LEFT;
        col.cx = dlu_to_px(kept ? st->col_width[c] : k_cols[c].width_dlu);
        col.pszText = (WCHAR *)k_cols[c].title;
        col.iSubItem = c;
        ListView_InsertColumn(g.lv, c, &col);
        int pos = saved ? st->col_order[c] : !before_log ? k_cols[c].pos : c == COL_LOG ? log_pos
                  : st->col_order[c] + (st->col_order[c] >= log_pos);
        order[pos] = c;
    }
    ListView_SetColumnOrderArray(g.lv, NCOLS, order);
    results_rescale();   /* remembers the DPI the widths are for */
    make_icons();
    results_show_order();
}

/* Remembered at close: widths in dialog units (they follow the DPI), and the display order. */
void results_save_columns(void)
{
    settings *st = g.init->st;
    int order[NCOLS];
    if (!ListView_GetColumnOrderArray(g.lv, NCOLS, order))
        return;
    st->ncols = NCOLS;
    for (int i = 0; i < NCOLS; i++) {
        st->col_width[i] = px_to_dlu(ListView_GetColumnWidth(g.lv, i));
        st->col_order[order[i]] = i;
    }
}

/* After a DPI change: the columns' widths for the new DPI. */
void results_rescale(void)
{
    static int last;   /* pixels of 100 dialog units when the widths were last set */
    int now = dlu_to_px(100);
    if (last > 0 && now > 0 && now != last)
        for (int c = 0; c < NCOLS; c++)
            ListView_SetColumnWidth(g.lv, c, ListView_GetColumnWidth(g.lv, c) * now / last);
    last = now;
}

/* The sort arrow on the sorted column's header. */
void results_show_order(void)
{
    es_order o = rowview_order();
    int sorted = -1;
    for (int c = 0; c < NCOLS; c++)
        if (o.col == k_cols[c].col)
            sorted = c;
    wu_sort_arrow(g.lv, sorted, o.desc);
}

/* A header click sorts by that column; again reverses. The first click sorts text and numbers
 * ascending, times newest first. */
void results_column_click(int col)
{
    if (col < 0 || col >= NCOLS)
        return;
    es_order o = rowview_order();
    if (o.col == k_cols[col].col)
        o.desc = !o.desc;
    else {
        o.col = k_cols[col].col;
        o.desc = o.col == ES_COL_TIME;
    }
    rowview_set_order(o);
    results_show_order();
}

/* Ctrl+C: the selected rows as tab-separated text with a header, as displayed; Ctrl+A: all. */
void results_copy(void)
{
    UINT nsel = ListView_GetSelectedCount(g.lv);
    if (!nsel)
        return;
    es_buf b;
    es_buf_init(&b);
    int order[NCOLS];
    if (!ListView_GetColumnOrderArray(g.lv, NCOLS, order))
        for (int c = 0; c < NCOLS; c++)
            order[c] = c;
    WCHAR cell[1024];
    for (int c = 0; c < NCOLS; c++) {
        char *t = wu_utf8(k_cols[order[c]].title);
        es_buf_printf(&b, "%s%s", c ? "\t" : "", t ? t : "");
        free(t);
    }
    es_buf_puts(&b, "\r\n");
    for (int i = -1; (i = ListView_GetNextItem(g.lv, i, LVNI_SELECTED)) >= 0;) {
        size_t row = rowview_row((size_t)i);
        if (row == SIZE_MAX)
            continue;
        for (int c = 0; c < NCOLS; c++) {
            const char *s = NULL;
            char *own = NULL;
            if (order[c] == COL_MESSAGE)   /* whole, not cut at the cell's buffer */
                s = es_rowstore_get(g.rows, row)->message;
            else {
                NMLVDISPINFOW di;
                memset(&di, 0, sizeof di);
                di.item.mask = LVIF_TEXT;
                di.item.iItem = i;
                di.item.iSubItem = order[c];
                di.item.pszText = cell;
                di.item.cchTextMax = 1024;
                cell[0] = 0;
                get_dispinfo(&di);
                s = own = wu_utf8(cell);
            }
            if (c)
                es_buf_putc(&b, '\t');
            for (const char *p = s ? s : ""; *p; p++)   /* one line per row */
                es_buf_putc(&b, *p == '\t' || *p == '\r' || *p == '\n' ? ' ' : *p);
            free(own);
        }
        es_buf_puts(&b, "\r\n");
    }
    WCHAR *w = b.failed ? NULL : wu_wide(b.data ? b.data : "");
    es_buf_free(&b);
    if (!w) {
        message_box(L"The rows could not be copied: out of memory.", MB_ICONERROR);
        return;
    }
    size_t bytes = (wcslen(w) + 1) * sizeof(WCHAR);
    HGLOBAL h = GlobalAlloc(GMEM_MOVEABLE, bytes);
    void *p = h ? GlobalLock(h) : NULL;
    if (p) {
        memcpy(p, w, bytes);
        GlobalUnlock(h);
        if (OpenClipboard(g.dlg)) {
            EmptyClipboard();
            if (SetClipboardData(CF_UNICODETEXT, h))
                h = NULL;   /* the clipboard owns it now */
            CloseClipboard();
        }
    }
    if (h)
        GlobalFree(h);
    free(w);
}

BOOL results_key(const NMLVKEYDOWN *k)
{
    if (!(GetKeyState(VK_CONTROL) & 0x8000))
        return FALSE;
    if (k->wVKey == 'A') {
        ListView_SetItemState(g.lv, -1, LVIS_SELECTED, LVIS_SELECTED);
        return TRUE;
    }
    if (k->wVKey == 'C') {
        results_copy();
        return TRUE;
    }
    return FALSE;
}

/* The Find box: the list shows the rows whose visible text contains it, as the user types. */
void find_changed(void)
{
    HWND e = GetDlgItem(g.dlg, IDC_FIND);
    int n = GetWindowTextLengthW(e);
    WCHAR *w = calloc((size_t)n + 1, sizeof *w);
    if (!w)
        return;
    GetWindowTextW(e, w, n + 1);
    char *u = wu_utf8(w);
    free(w);
    rowview_set_find(u);
    free(u);
}
