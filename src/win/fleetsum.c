/* The Summary page (see fleet.h): "Stands out: the same event on [N] servers within [T]
 * minutes" (remembered, checked as typed), a line saying what the summary holds, and a virtual
 * report list of the groups — Source, Event ID, Events, Servers, First seen, Last seen, Level,
 * Stands out — sorted by a header click (again reverses), bursts drawn in amber. Selecting a
 * group shows only its rows in the results (the view's pick); selecting none shows all again. */
#include "fleet.h"
#include "ui.h"
#include "resource.h"
#include "winutil.h"
#include "es_cmdline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define PAGE_CLASS L"EventSweepSummaryPage"
#define NCOLS 8   /* es_sum_col's seven, then Stands out */
#define BURST_BK RGB(255, 236, 179)
#define BURST_FG RGB(122, 62, 0)
#define ERROR_FG RGB(176, 0, 32)

static const struct { const WCHAR *title; int width_dlu; int right; } k_cols[NCOLS] = {
    {L"Source", 120, 0},    {L"Event ID", 40, 1},  {L"Events", 46, 1}, {L"Servers", 40, 1},
    {L"First seen", 72, 0}, {L"Last seen", 72, 0}, {L"Level", 44, 0}, {L"Stands out", 130, 0}};

static struct {
    HWND         page, list, label, servers, sspin, within, minutes, mspin, mlabel, info;
    es_summary  *sum;        /* shown; owned */
    char        *texts;      /* owned: the groups' provider texts (copies, not the store's) */
    es_sum_col   col;        /* the order */
    int          desc, sorted;
    unsigned     rule_servers, rule_minutes;
    BOOL         bad;        /* the rule's edits hold something that is not a rule: said in info */
    BOOL         busy, syncing;
    char        *sel_provider;   /* the group picked (its provider, copied) and ID */
    uint32_t     sel_id;
    HFONT        bold;
} S = {.col = ES_SUM_COUNT, .desc = 1};

static int dlu_px(int d) { return dlu(0, 0, d, 0).right; }

/* ---- the rule ---- */

void fleet_rule(unsigned *servers, unsigned *minutes)
{
    if (!S.rule_servers) {
        S.rule_servers = g.init && g.init->burst_servers ? g.init->burst_servers : ES_BURST_DEFAULT_SERVERS;
        S.rule_minutes = g.init && g.init->burst_minutes ? g.init->burst_minutes : ES_BURST_DEFAULT_MINUTES;
    }
    *servers = S.rule_servers;
    *minutes = S.rule_minutes;
}

static void show_info(void);

/* An edit of the rule changed: a whole number in range takes effect, anything else is said. */
static void rule_edited(void)
{
    if (S.syncing)
        return;
    WCHAR t[2][32];
    GetWindowTextW(S.servers, t[0], 32);
    GetWindowTextW(S.minutes, t[1], 32);
    static const WCHAR *const what[2] = {L"Servers", L"Minutes"};
    static const int lo[2] = {2, 1}, hi[2] = {ES_BURST_MAX_SERVERS, ES_BURST_MAX_MINUTES};
    unsigned v[2];
    for (int k = 0; k < 2; k++) {
        WCHAR *end = NULL;
        unsigned long n = wcstoul(t[k], &end, 10);
        if (!t[k][0] || *end || n < (unsigned long)lo[k] || n > (unsigned long)hi[k]) {
            WCHAR m[200];
            swprintf(m, 200, L"%ls: \"%ls\" is not a whole number from %d to %d; the rule stays %u servers within %u minutes.",
                     what[k], t[k], lo[k], hi[k], S.rule_servers, S.rule_minutes);
            S.bad = TRUE;
            SetWindowTextW(S.info, m);
            return;
        }
        v[k] = (unsigned)n;
    }
    BOOL was_bad = S.bad;
    S.bad = FALSE;
    if (v[0] == S.rule_servers && v[1] == S.rule_minutes) {
        if (was_bad)
            show_info();
        return;
    }
    S.rule_servers = v[0];
    S.rule_minutes = v[1];
    g.init->st->burst_servers = (int)v[0];   /* remembered for the next start */
    g.init->st->burst_minutes = (int)v[1];
    fleet_rule_changed();
    show_info();
}

/* ---- the list ---- */

static void show_info(void)
{
    if (S.bad)
        return;   /* the edit's complaint stays until it is fixed */
    WCHAR m[300], a[32], b[32];
    if (S.busy && !S.sum)
        swprintf(m, 300, L"Computing the summary\u2026");
    else if (!S.sum)
        swprintf(m, 300, L"The summary of the rows shown (without a pick) comes here.");
    else {
        fmt_count(S.sum->ngroups, a, 32);
        fmt_count(S.sum->rows, b, 32);
        swprintf(m, 300, L"%ls events by source and ID in %ls rows; %zu stand%ls out.%ls", a, b, S.sum->nbursts,
                 S.sum->nbursts == 1 ? L"s" : L"", S.busy ? L" Updating\u2026" : L"");
    }
    SetWindowTextW(S.info, m);
}

static void show_order(void)
{
    wu_sort_arrow(S.list, (int)S.col, S.desc);
}

void sumpage_order(es_sum_col *col, int *desc)
{
    *col = S.col;
    *desc = S.desc;
}

static int ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a, y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/* The picked group's line selected again (a new summary, a new order), without picking anew;
 * scrolled into view only after a new order (a new summary comes every second while rows
 * come: the list stays where the user scrolled it). */
static void reselect(BOOL scroll)
{
    S.syncing = TRUE;
    ListView_SetItemState(S.list, -1, 0, LVIS_SELECTED | LVIS_FOCUSED);
    if (S.sum && S.sel_provider && fleet_pick_is_event())
        for (size_t i = 0; i < S.sum->ngroups; i++) {
            const es_sum_group *gr = &S.sum->groups[i];
            if (gr->event_id == S.sel_id && ieq(gr->provider ? gr->provider : "", S.sel_provider)) {
                ListView_SetItemState(S.list, (int)i, LVIS_SELECTED | LVIS_FOCUSED, LVIS_SELECTED | LVIS_FOCUSED);
                if (scroll)
                    ListView_EnsureVisible(S.list, (int)i, FALSE);
                break;
            }
        }
    S.syncing = FALSE;
}

void sumpage_set(es_summary *s, char *texts, LONG ms)
{
    if (S.sum) {
        es_summary_free(S.sum);
        free(S.sum);
    }
    free(S.texts);
    S.sum = s;
    S.texts = texts;
    /* The job sorted by the column of its start: the user may have clicked another since. */
    if (s && !es_summary_sort(s, S.col, S.desc))
        message_box(L"The summary could not be sorted: out of memory.", MB_ICONERROR);
    if (!S.list)
        return;
    if (s)   /* for tests: how long the job took (0 would read as none) */
        SetPropW(S.list, L"fleet_ms", (HANDLE)(INT_PTR)(ms + 1));
    S.syncing = TRUE;
    ListView_SetItemCountEx(S.list, s ? (int)s->ngroups : 0, LVSICF_NOSCROLL);
    S.syncing = FALSE;
    reselect(FALSE);
    InvalidateRect(S.list, NULL, FALSE);
    show_info();
}

void sumpage_busy(BOOL busy)
{
    S.busy = busy;
    if (S.info)
        show_info();
}

void sumpage_clear_selection(void)
{
    free(S.sel_provider);
    S.sel_provider = NULL;
    if (!S.list)
        return;
    S.syncing = TRUE;
    ListView_SetItemState(S.list, -1, 0, LVIS_SELECTED);
    S.syncing = FALSE;
}

BOOL sumpage_is_list(HWND h) { return h && h == S.list; }

static void dispinfo(NMLVDISPINFOW *di)
{
    LVITEMW *it = &di->item;
    if (!S.sum || it->iItem < 0 || (size_t)it->iItem >= S.sum->ngroups || !(it->mask & LVIF_TEXT) || it->cchTextMax <= 0)
        return;
    const es_sum_group *gr = &S.sum->groups[it->iItem];
    WCHAR *out = it->pszText;
    size_t cap = (size_t)it->cchTextMax;
    char t[40];
    out[0] = 0;
    switch (it->iSubItem) {
    case ES_SUM_PROVIDER: wu_to_wide_buf(gr->provider ? gr->provider : "", out, (int)cap); break;
    case ES_SUM_ID: swprintf(out, cap, L"%lu", (unsigned long)gr->event_id); break;
    case ES_SUM_COUNT: fmt_count(gr->count, out, cap); break;
    case ES_SUM_SERVERS: swprintf(out, cap, L"%lu", (unsigned long)gr->servers); break;
    case ES_SUM_FIRST:
    case ES_SUM_LAST:
        rowview_time_text(it->iSubItem == ES_SUM_FIRST ? gr->first : gr->last, t, sizeof t);
        wu_to_wide_buf(t, out, (int)cap);
        break;
    case ES_SUM_LEVEL: wu_to_wide_buf(es_level_name(gr->level), out, (int)cap); break;
    case ES_SUM_NCOLS:   /* Stands out */
        if (gr->burst) {
            /* from the minute it began: the time alone on the day of the group's last event */
            char last[40];
            rowview_time_text(gr->burst_start, t, sizeof t);
            rowview_time_text(gr->last, last, sizeof last);
            t[16] = 0;
            WCHAR w[40];
            wu_to_wide_buf(t + (strncmp(t, last, 10) == 0 ? 11 : 5), w, 40);
            swprintf(out, cap, L"on %lu servers within %u min from %ls", (unsigned long)gr->burst_servers,
                     S.sum->burst_minutes, w);
        }
        break;
    }
}

static void column_click(int col)
{
    if (col < 0 || col >= ES_SUM_NCOLS)
        return;   /* Stands out: sort by Servers or Events instead */
    if ((int)S.col == col)
        S.desc = !S.desc;
    else {
        S.col = (es_sum_col)col;
        /* counts most first, text and times ascending, the level most severe first */
        S.desc = col == ES_SUM_COUNT || col == ES_SUM_SERVERS;
    }
    if (S.sum && !es_summary_sort(S.sum, S.col, S.desc))
        message_box(L"The summary could not be sorted: out of memory.", MB_ICONERROR);
    show_order();
    reselect(TRUE);
    InvalidateRect(S.list, NULL, FALSE);
}

/* A selection of the user's: its group's rows (the view's pick); none: all rows again. */
static void selection_changed(void)
{
    if (S.syncing)
        return;
    int i = ListView_GetNextItem(S.list, -1, LVNI_SELECTED);
    if (i < 0 || !S.sum || (size_t)i >= S.sum->ngroups) {
        if (fleet_pick_is_event()) {
            free(S.sel_provider);
            S.sel_provider = NULL;
            fleet_clear_pick();
        }
        return;
    }
    const es_sum_group *gr = &S.sum->groups[i];
    const char *prov = gr->provider ? gr->provider : "";
    if (S.sel_provider && gr->event_id == S.sel_id && ieq(prov, S.sel_provider) && fleet_pick_is_event())
        return;   /* the same group */
    es_pick *p = es_pick_event(prov, gr->event_id);
    char *copy = _strdup(prov);
    WCHAR *wp = wu_wide(prov);
    if (!p || !copy || !wp) {
        es_pick_free(p);
        free(copy);
        free(wp);
        message_box(L"The rows could not be filtered: out of memory.", MB_ICONERROR);
        return;
    }
    free(S.sel_provider);
    S.sel_provider = copy;
    S.sel_id = gr->event_id;
    WCHAR what[400];
    swprintf(what, 400, L"event %lu of %ls", (unsigned long)gr->event_id, wp);
    free(wp);
    fleet_set_pick(1, p, what);
}

static LRESULT custom_draw(NMLVCUSTOMDRAW *cd)
{
    switch (cd->nmcd.dwDrawStage) {
    case CDDS_PREPAINT: return CDRF_NOTIFYITEMDRAW;
    case CDDS_ITEMPREPAINT: {
        size_t i = (size_t)cd->nmcd.dwItemSpec;
        /* The line the rows are picked by stays marked when the focus goes to the rows (an
         * unfocused list would grey it out, or lose it under a burst's colours). */
        if (ListView_GetItemState(S.list, (int)i, LVIS_SELECTED) & LVIS_SELECTED) {
            cd->nmcd.uItemState &= ~(UINT)(CDIS_SELECTED | CDIS_FOCUS);
            cd->clrTextBk = GetSysColor(COLOR_HIGHLIGHT);
            cd->clrText = GetSysColor(COLOR_HIGHLIGHTTEXT);
            if (S.sum && i < S.sum->ngroups && S.sum->groups[i].burst && S.bold) {
                SelectObject(cd->nmcd.hdc, S.bold);
                return CDRF_NEWFONT;
            }
            return CDRF_DODEFAULT;
        }
        if (S.sum && i < S.sum->ngroups && S.sum->groups[i].burst) {
            cd->clrTextBk = BURST_BK;
            cd->clrText = BURST_FG;
            if (S.bold)
                SelectObject(cd->nmcd.hdc, S.bold);
            return CDRF_NEWFONT;
        }
        return CDRF_DODEFAULT;
    }
    }
    return CDRF_DODEFAULT;
}

/* ---- the page ---- */

static void make_bold(void)
{
    if (S.bold)
        DeleteObject(S.bold);
    S.bold = NULL;
    LOGFONTW lf;
    HFONT f = (HFONT)SendMessageW(S.list, WM_GETFONT, 0, 0);
    if (f && GetObjectW(f, sizeof lf, &lf)) {
        lf.lfWeight = FW_BOLD;
        S.bold = CreateFontIndirectW(&lf);
    }
}

/* A label's width: its text in its font (the "&" of a mnemonic aside), a little more. */
static int text_w(HWND h)
{
    WCHAR t[128], u[128];
    GetWindowTextW(h, t, 128);
    int k = 0;
    for (const WCHAR *p = t; *p && k < 127; p++)
        if (*p != L'&' || p[1] == L'&')
            u[k++] = *p;
    u[k] = 0;
    HDC dc = GetDC(h);
    HFONT old = (HFONT)SelectObject(dc, (HFONT)SendMessageW(h, WM_GETFONT, 0, 0));
    SIZE sz = {0, 0};
    GetTextExtentPoint32W(dc, u, k, &sz);
    SelectObject(dc, old);
    ReleaseDC(h, dc);
    return sz.cx + dlu_px(2);
}

static void page_layout(void)
{
    RECT rc, m = dlu(0, 0, 4, 13), l = dlu(0, 0, 0, 9);
    GetClientRect(S.page, &rc);
    int gap = m.right, eh = m.bottom, lh = l.bottom, y = gap / 2, ly = y + (eh - lh) / 2 + 1;
    int x = gap;
    struct { HWND h; int w; BOOL label; } row[] = {
        {S.label, text_w(S.label), TRUE}, {S.servers, dlu_px(30), FALSE}, {S.within, text_w(S.within), TRUE},
        {S.minutes, dlu_px(30), FALSE}, {S.mlabel, text_w(S.mlabel), TRUE}};
    for (size_t k = 0; k < sizeof row / sizeof row[0]; k++) {
        SetWindowPos(row[k].h, NULL, x, row[k].label ? ly : y, row[k].w, row[k].label ? lh : eh,
                     SWP_NOZORDER | SWP_NOACTIVATE);
        x += row[k].w + gap / 2 + (row[k].label ? 0 : gap / 2);   /* an edit's arrows are inside it */
    }
    SendMessageW(S.sspin, UDM_SETBUDDY, (WPARAM)S.servers, 0);
    SendMessageW(S.mspin, UDM_SETBUDDY, (WPARAM)S.minutes, 0);
    SetWindowPos(S.info, NULL, x + gap, ly, rc.right - x - 2 * gap > 0 ? rc.right - x - 2 * gap : 0, lh,
                 SWP_NOZORDER | SWP_NOACTIVATE);
    int top = y + eh + gap / 2;
    SetWindowPos(S.list, NULL, 0, top, rc.right, rc.bottom - top > 0 ? rc.bottom - top : 0, SWP_NOZORDER | SWP_NOACTIVATE);
}

/* After a DPI change (a new dialog font reaches the page): the columns for the new DPI. */
void sumpage_rescale(void)
{
    static int last;
    int now = dlu_px(100);
    if (last > 0 && now > 0 && now != last)
        for (int c = 0; c < NCOLS; c++)
            ListView_SetColumnWidth(S.list, c, ListView_GetColumnWidth(S.list, c) * now / last);
    last = now;
}

static LRESULT CALLBACK page_proc(HWND h, UINT msg, WPARAM wp, LPARAM lp)
{
    switch (msg) {
    case WM_SIZE:
        if (S.list)
            page_layout();
        return 0;
    case WM_SETFONT:
        for (HWND c = GetWindow(h, GW_CHILD); c; c = GetWindow(c, GW_HWNDNEXT))
            SendMessageW(c, WM_SETFONT, wp, lp);
        make_bold();
        sumpage_rescale();
        page_layout();
        return 0;
    case WM_COMMAND:
        if ((LOWORD(wp) == IDC_SUM_SERVERS || LOWORD(wp) == IDC_SUM_MINUTES) && HIWORD(wp) == EN_CHANGE)
            rule_edited();
        return 0;
    case WM_NOTIFY: {
        NMHDR *nh = (NMHDR *)lp;
        if (nh->idFrom != IDC_SUM_LIST)
            return 0;
        switch (nh->code) {
        case LVN_GETDISPINFOW: dispinfo((NMLVDISPINFOW *)lp); return 0;
        case LVN_COLUMNCLICK: column_click(((NMLISTVIEW *)lp)->iSubItem); return 0;
        case LVN_ITEMCHANGED:
        case LVN_ODSTATECHANGED: selection_changed(); return 0;
        case NM_CUSTOMDRAW: return custom_draw((NMLVCUSTOMDRAW *)lp);
        }
        return 0;
    }
    case WM_CTLCOLORSTATIC:
        SetBkMode((HDC)wp, TRANSPARENT);
        SetTextColor((HDC)wp, (HWND)lp == S.info && S.bad ? ERROR_FG : GetSysColor(COLOR_WINDOWTEXT));
        return (LRESULT)GetSysColorBrush(COLOR_WINDOW);
    case WM_DESTROY:   /* the list still exists: the property set on it goes first */
        if (S.list)
            RemovePropW(S.list, L"fleet_ms");
        break;
    case WM_NCDESTROY:
        /* the window goes (every job has reported): what the page holds goes too */
        sumpage_set(NULL, NULL, 0);
        free(S.sel_provider);
        if (S.bold)
            DeleteObject(S.bold);
        memset(&S, 0, sizeof S);
        break;
    }
    return DefWindowProcW(h, msg, wp, lp);
}

static HWND child(const WCHAR *cls, const WCHAR *text, DWORD style, DWORD ex, int id)
{
    return CreateWindowExW(ex, cls, text, WS_CHILD | WS_VISIBLE | style, 0, 0, 10, 10, S.page, (HMENU)(INT_PTR)id,
                           g.hinst, NULL);
}

static HWND spin(HWND buddy, int id, int lo, int hi, unsigned v)
{
    HWND s = child(UPDOWN_CLASSW, L"", UDS_SETBUDDYINT | UDS_ALIGNRIGHT | UDS_ARROWKEYS | UDS_NOTHOUSANDS, 0, id);
    SendMessageW(s, UDM_SETBUDDY, (WPARAM)buddy, 0);
    SendMessageW(s, UDM_SETRANGE32, (WPARAM)lo, (LPARAM)hi);
    SendMessageW(s, UDM_SETPOS32, 0, (LPARAM)v);
    return s;
}

HWND sumpage_create(HWND parent)
{
    WNDCLASSEXW wc;
    memset(&wc, 0, sizeof wc);
    wc.cbSize = sizeof wc;
    wc.lpfnWndProc = page_proc;
    wc.hInstance = g.hinst;
    wc.hCursor = LoadCursorW(NULL, IDC_ARROW);
    wc.hbrBackground = (HBRUSH)(COLOR_WINDOW + 1);
    wc.lpszClassName = PAGE_CLASS;
    RegisterClassExW(&wc);   /* fails harmlessly when registered already */
    S.page = CreateWindowExW(WS_EX_CONTROLPARENT, PAGE_CLASS, L"Summary", WS_CHILD | WS_CLIPCHILDREN, 0, 0, 10, 10,
                             parent, (HMENU)(INT_PTR)IDC_FLEET_SUMMARY, g.hinst, NULL);
    if (!S.page)
        return NULL;
    unsigned rs, rm;
    fleet_rule(&rs, &rm);
    /* the Tab order is the creation order: the rule's two edits, then the list */
    S.label = child(L"STATIC", L"Stands out: the same event on", 0, 0, IDC_SUM_RULE_LABEL);
    S.servers = child(L"EDIT", L"", WS_TABSTOP | ES_NUMBER | ES_AUTOHSCROLL, WS_EX_CLIENTEDGE, IDC_SUM_SERVERS);
    S.sspin = spin(S.servers, IDC_SUM_SERVERS_SPIN, 2, ES_BURST_MAX_SERVERS, rs);
    S.within = child(L"STATIC", L"servers within", SS_NOPREFIX, 0, IDC_SUM_WITHIN);
    S.minutes = child(L"EDIT", L"", WS_TABSTOP | ES_NUMBER | ES_AUTOHSCROLL, WS_EX_CLIENTEDGE, IDC_SUM_MINUTES);
    S.mspin = spin(S.minutes, IDC_SUM_MINUTES_SPIN, 1, ES_BURST_MAX_MINUTES, rm);
    S.mlabel = child(L"STATIC", L"minutes", SS_NOPREFIX, 0, IDC_SUM_MINUTES_LABEL);
    S.info = child(L"STATIC", L"", SS_NOPREFIX | SS_ENDELLIPSIS, 0, IDC_SUM_INFO);
    S.list = child(WC_LISTVIEWW, L"", WS_TABSTOP | LVS_REPORT | LVS_OWNERDATA | LVS_SINGLESEL | LVS_SHOWSELALWAYS,
                   WS_EX_CLIENTEDGE, IDC_SUM_LIST);
    if (!S.list)
        return S.page;
    S.syncing = TRUE;   /* the spins set the edits: not the user's change */
    SetDlgItemInt(S.page, IDC_SUM_SERVERS, rs, FALSE);
    SetDlgItemInt(S.page, IDC_SUM_MINUTES, rm, FALSE);
    S.syncing = FALSE;
    ListView_SetExtendedListViewStyle(S.list, LVS_EX_FULLROWSELECT | LVS_EX_DOUBLEBUFFER | LVS_EX_LABELTIP);
    for (int c = 0; c < NCOLS; c++) {
        LVCOLUMNW col;
        memset(&col, 0, sizeof col);
        col.mask = LVCF_TEXT | LVCF_WIDTH | LVCF_FMT | LVCF_SUBITEM;
        col.fmt = k_cols[c].right ? LVCFMT_RIGHT : LVCFMT_LEFT;
        col.cx = dlu_px(k_cols[c].width_dlu);
        col.pszText = (WCHAR *)k_cols[c].title;
        col.iSubItem = c;
        ListView_InsertColumn(S.list, c, &col);
    }
    /* shown after Servers, where it is read with them (its subitem stays the last) */
    int order[NCOLS] = {ES_SUM_PROVIDER, ES_SUM_ID,   ES_SUM_COUNT, ES_SUM_SERVERS,
                        ES_SUM_NCOLS,    ES_SUM_FIRST, ES_SUM_LAST,  ES_SUM_LEVEL};
    ListView_SetColumnOrderArray(S.list, NCOLS, order);
    sumpage_rescale();
    show_order();
    show_info();
    return S.page;
}
