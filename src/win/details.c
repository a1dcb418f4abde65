/* The details pane (see details.h): a tab control, General | XML | Summary | Timeline — the first
 * two a read-only multi-line edit each (selectable, copyable), the fleet picture's two pages
 * fleet.c's — and the one fetch it runs at a time. */
#include "details.h"
#include "fleet.h"
#include "ui.h"
#include "resource.h"
#include "winutil.h"
#include "es_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define TICK_MS 250                 /* how often a fetch in flight is looked at */

static struct {
    HWND       tab, general, xml;
    HWND       pages[4];            /* General, XML, Summary, Timeline (the last two may be NULL) */
    HFONT      font;                /* the dialog's, which a DPI change replaces */
    HWND       split;               /* the splitter: the gap between the results and the pane */
    int        split_permille;      /* the results' share of the area, 0: not dragged (65%) */
    int        drag_offset;         /* dragging: the cursor's offset inside the splitter */
    size_t     row;                 /* the row shown; SIZE_MAX: none */
    uint32_t   seq;                 /* its request number: answers to others are dropped */
    char      *header;              /* its fields, from the row store (UTF-8, CRLF) */
    char      *row_message;         /* its message as the sweep stored it */
    BOOL       is_file;
    fetch_job *inflight;            /* the one fetch running, registered in jobs.c */
    ULONGLONG  started, cancel_at;  /* GetTickCount64; cancel_at 0: not cancelled */
    BOOL       timed_out;           /* the fetch in flight was cancelled for the time limit */
    fetch_job *queued;              /* the next request, started when inflight reports */
    BOOL       ticking;
} d = {.row = SIZE_MAX};

/* ---- text ---- */

/* Appends UTF-8 text with every line end made CRLF (what an edit control shows as one). */
static void put_text(es_buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '\r' || *s == '\n') {
            es_buf_puts(b, "\r\n");
            if (*s == '\r' && s[1] == '\n')
                s++;
        } else {
            es_buf_putc(b, *s);
        }
    }
}

static void put_wide(es_buf *b, const WCHAR *w)
{
    wu_append_utf8(b, w, (size_t)-1);
}

/* The XML on one line (as sources render it) laid out one element per line, indented; an
 * element holding only text stays on its line. */
static void put_xml(es_buf *b, const char *x)
{
    int depth = 0;
    BOOL after_open = FALSE, first = TRUE;
    while (x && *x) {
        if (*x != '<') {
            const char *lt = strchr(x, '<');
            size_t n = lt ? (size_t)(lt - x) : strlen(x);
            es_buf_append(b, x, n);
            x += n;
            continue;
        }
        /* the tag's end: the first '>' outside quotes */
        const char *e = x + 1;
        char q = 0;
        for (; *e && (q || *e != '>'); e++)
            if (q ? *e == q : (*e == '\'' || *e == '"'))
                q = q ? 0 : *e;
        size_t n = (size_t)(e - x) + (*e ? 1 : 0);
        BOOL closing = x[1] == '/', empty = n >= 2 && x[n - 2] == '/';
        BOOL special = x[1] == '?' || x[1] == '!';
        if (closing) {
            depth--;
            if (!after_open) {
                es_buf_puts(b, "\r\n");
                for (int i = 0; i < depth; i++)
                    es_buf_puts(b, "  ");
            }
        } else {
            if (!first)
                es_buf_puts(b, "\r\n");
            for (int i = 0; i < depth; i++)
                es_buf_puts(b, "  ");
        }
        es_buf_append(b, x, n);
        first = FALSE;
        after_open = !closing && !empty && !special;
        if (after_open)
            depth++;
        x += n;
    }
}

static void set_text(HWND h, const es_buf *b)
{
    WCHAR *w = wu_wide(b->data ? b->data : "");
    SetWindowTextW(h, w ? w : L"Out of memory.");
    free(w);
}

/* The pane for the row shown: the answer (message, then data) or a state (loading, an error)
 * first, as Event Viewer puts the message first, then the row's fields. */
static void show(const char *state, const char *xml_text, const fetch_job *answer)
{
    es_buf b;
    es_buf_init(&b);
    if (answer) {
        /* a saved log's own message is the one the sweep formatted: the row's */
        const char *msg = answer->message ? answer->message : d.row_message;
        put_text(&b, msg && *msg ? msg : "(no message)");
        es_buf_puts(&b, "\r\n\r\nData:");
        const char *p = answer->data.data;
        for (size_t i = 0; p && i < answer->ndata; i++) {
            const char *v = p + strlen(p) + 1;
            es_buf_puts(&b, "\r\n  ");
            put_text(&b, *p ? p : "(unnamed)");
            es_buf_puts(&b, ": ");
            put_text(&b, v);
            p = v + strlen(v) + 1;
        }
        if (!answer->ndata)
            es_buf_puts(&b, " (none)");
    } else {
        es_buf_puts(&b, state ? state : "");
    }
    if (d.header) {
        es_buf_puts(&b, "\r\n\r\n");
        es_buf_puts(&b, d.header);
    }
    set_text(d.general, &b);
    es_buf_clear(&b);
    if (answer && answer->xml)
        put_xml(&b, answer->xml);
    else
        es_buf_puts(&b, xml_text ? xml_text : "");
    set_text(d.xml, &b);
    es_buf_free(&b);
}

/* The failure of the fetch of the row shown, in words. */
static void show_error(DWORD err, BOOL not_found)
{
    WCHAR m[512];
    if (not_found)
        swprintf(m, 512, d.is_file ? L"The file no longer holds this event: it was replaced or overwritten since the sweep read it."
                                   : L"The server no longer has this event: the log was cleared or has overwritten it since the sweep.");
    else
        wu_error_sentence(m, 512, d.is_file ? L"The file could not be read" : L"The server did not answer", err);
    es_buf b;
    es_buf_init(&b);
    put_wide(&b, m);
    show(b.data, b.data, NULL);
    es_buf_free(&b);
}

/* The row's fields, known at once from the row store. */
static char *row_header(const es_row *r)
{
    es_buf b;
    es_buf_init(&b);
    char t[ES_ISO8601_LEN];
    const target *tg = r->source < g.ntgt ? &g.tgt[r->source] : NULL;
    es_buf_puts(&b, tg && tg->kind == ES_NAME_PATH ? "Saved log: " : "Server: ");
    if (tg)
        put_wide(&b, tg->path);
    const char *log = es_view_log(rowview_ctx(), r);   /* the Log column's: a saved log's own channel too */
    if (*log || !tg || tg->kind != ES_NAME_PATH)
        es_buf_printf(&b, "\r\nLog: %s", log);
    es_buf_printf(&b, "\r\nSource: %s\r\nEvent ID: %lu\r\nLevel: %s\r\nTask: %s\r\nLogged: %s (UTC)\r\n"
                      "Record: %llu\r\nComputer: %s",
                  r->provider ? r->provider : "", (unsigned long)r->event_id, r->level_text, r->task_text,
                  es_time_iso8601(r->time_created, t), (unsigned long long)r->record_id, r->computer ? r->computer : "");
    if (b.failed) {
        es_buf_free(&b);
        return NULL;
    }
    return b.data; /* handed over */
}

/* ---- the fetch in flight ---- */

static void cancel_inflight(void)
{
    if (!d.inflight || d.cancel_at)
        return;
    d.cancel_at = GetTickCount64();
    fetch_cancel(d.inflight);
}

/* jobs.c's cancel: the window closes. */
static void cancel_job(void *job)
{
    if (job == d.inflight)
        cancel_inflight();
    else
        fetch_cancel(job);
}

static void CALLBACK tick(HWND hwnd, UINT msg, UINT_PTR id, DWORD now);

static void start_next(void)
{
    while (!d.inflight && d.queued) {
        fetch_job *j = d.queued;
        d.queued = NULL;
        if (!jobs_add(JOB_FETCH, j, cancel_job)) {
            fetch_free(j);
            show_error(ERROR_NOT_ENOUGH_MEMORY, FALSE);
            return;
        }
        if (!fetch_start(g.dlg, j)) {
            DWORD err = GetLastError();
            jobs_remove(j);
            fetch_free(j);
            show_error(err ? err : ERROR_NOT_ENOUGH_MEMORY, FALSE);
            return;
        }
        d.inflight = j;
        d.started = GetTickCount64();
        d.cancel_at = 0;
        d.timed_out = FALSE;
    }
    if (d.inflight && !d.ticking)
        d.ticking = SetTimer(g.dlg, IDT_DETAILS, TICK_MS, tick) != 0;
}

/* The time limit, and leaving behind a fetch that ignores its cancel. */
static void CALLBACK tick(HWND hwnd, UINT msg, UINT_PTR id, DWORD now)
{
    ULONGLONG t = GetTickCount64();
    if (d.inflight && !d.cancel_at && g.init->timeout > 0 && t - d.started > (ULONGLONG)g.init->timeout * 1000) {
        d.timed_out = TRUE;
        cancel_inflight();
    }
    if (d.inflight && d.cancel_at && t - d.cancel_at > SWEEP_CANCEL_GRACE_MS) {
        /* Its thread is stuck in a call Windows cannot cancel: unregistered, its answer is
         * freed when (if) it comes (details_done), or by its thread if the window is gone. */
        fetch_job *j = d.inflight;
        jobs_remove(j);
        d.inflight = NULL;
        if (j->seq == d.seq && d.timed_out)
            show_error(ERROR_TIMEOUT, FALSE);
        if (g.closing) {
            destroy_if_idle();
            return;
        }
        start_next();
    }
    if (!d.inflight && d.ticking) {
        KillTimer(g.dlg, IDT_DETAILS);
        d.ticking = FALSE;
    }
}

void details_done(fetch_job *job)
{
    jobs_remove(job); /* not registered any more when it was left behind */
    if (job == d.inflight)
        d.inflight = NULL;
    BOOL timed_out = d.timed_out;
    if (g.closing) {
        fetch_free(job);
        fetch_free(d.queued);
        d.queued = NULL;
        destroy_if_idle();
        return;
    }
    if (job->seq == d.seq && d.row != SIZE_MAX) {
        if (job->error == ERROR_CANCELLED && timed_out)
            show_error(ERROR_TIMEOUT, FALSE);
        else if (job->error || job->not_found)
            show_error(job->error, job->not_found);
        else
            show(NULL, NULL, job);
    }
    fetch_free(job);
    start_next();
}

/* ---- the pane ---- */

void details_show_row(size_t row)
{
    if (row == d.row)
        return;
    d.row = row;
    d.seq++;
    free(d.header);
    free(d.row_message);
    d.header = d.row_message = NULL;
    fetch_free(d.queued); /* a later selection replaces a queued one */
    d.queued = NULL;
    cancel_inflight();    /* its answer would be for a row no longer selected */
    if (!d.general)
        return;
    if (row == SIZE_MAX || !g.rows || row >= es_rowstore_count(g.rows)) {
        SetWindowTextW(d.general, L"");
        SetWindowTextW(d.xml, L"");
        return;
    }
    const es_row *r = es_rowstore_get(g.rows, row);
    d.header = row_header(r);
    d.row_message = _strdup(r->message);
    d.is_file = r->source < g.ntgt && g.tgt[r->source].kind == ES_NAME_PATH;
    if (r->source >= g.ntgt) {
        show_error(ERROR_NOT_FOUND, FALSE);
        return;
    }
    const target *t = &g.tgt[r->source];
    d.queued = fetch_new(d.seq, t->path, t->kind, target_log(t) ? target_log(t) : L"", r->record_id);
    if (d.queued) {
        d.queued->classic = t->classic;
        d.queued->account = account_ref(t->account);   /* the details log on as the sweep did */
    }
    if (!d.queued) {
        show_error(ERROR_NOT_ENOUGH_MEMORY, FALSE);
        return;
    }
    show(d.is_file ? "Reading the saved log\u2026" : "Loading from the server\u2026", "Loading\u2026", NULL);
    start_next(); /* now, or when the cancelled one reports */
}

static void select_page_tab(int page);

void details_focus(void)
{
    if (!d.tab)
        return;
    int cur = TabCtrl_GetCurSel(d.tab);
    HWND page = cur == 1 ? d.xml : d.general;
    if (cur >= 2) {   /* the fleet pages: their list */
        select_page_tab(0);
        page = d.general;
    }
    SendMessageW(g.dlg, WM_NEXTDLGCTL, (WPARAM)page, TRUE);
}

static void select_page(int page)
{
    for (int i = 0; i < 4; i++)
        if (d.pages[i] && i != page)
            ShowWindow(d.pages[i], SW_HIDE);
    if (page >= 0 && page < 4 && d.pages[page])
        ShowWindow(d.pages[page], SW_SHOW);
    fleet_shown(page == 2, page == 3);   /* the picture is computed only while it is seen */
}

/* Enter on a row while a fleet page is shown: the row's details, on General. */
static void select_page_tab(int page)
{
    if (!d.tab || TabCtrl_GetCurSel(d.tab) == page)
        return;
    TabCtrl_SetCurSel(d.tab, page);
    select_page(page);
}

void details_show_tab(int page) { select_page_tab(page); }

void details_notify(const NMHDR *nh)
{
    if (nh->code == TCN_SELCHANGE)
        select_page(TabCtrl_GetCurSel(d.tab));
}

BOOL details_key(const MSG *m)
{
    /* Ctrl+Tab, Ctrl+Shift+Tab: the pane's next or previous tab, from anywhere in the window */
    if (m->message == WM_KEYDOWN && m->wParam == VK_TAB && GetKeyState(VK_CONTROL) < 0 && d.tab) {
        int n = TabCtrl_GetItemCount(d.tab), cur = TabCtrl_GetCurSel(d.tab);
        if (n > 0) {
            select_page_tab((cur + (GetKeyState(VK_SHIFT) < 0 ? n - 1 : 1)) % n);
            return TRUE;
        }
    }
    if (m->message == WM_KEYDOWN && m->wParam == VK_RETURN && m->hwnd == g.lv && d.tab) {
        details_focus();
        return TRUE;
    }
    return FALSE;
}

/* ---- the splitter ---- */

#define SPLIT_CLASS L"EventSweepSplitter"
#define SPLIT_MIN   150     /* permille: neither side gets less than 15% */

int details_results_height(int total)
{
    int pm = d.split_permille ? d.split_permille : 650;
    return d.tab ? (int)((long long)total * pm / 1000) : total;
}

static LRESULT CALLBACK split_proc(HWND h, UINT msg, WPARAM wp, LPARAM lp)
{
    switch (msg) {
    case WM_LBUTTONDOWN:
        d.drag_offset = (short)HIWORD(lp);
        SetCapture(h);
        return 0;
    case WM_MOUSEMOVE:
        if (GetCapture() == h) {
            /* the area split: from the results' top to the pane's bottom, in dialog pixels */
            RECT lv, tab;
            GetWindowRect(g.lv, &lv);
            GetWindowRect(d.tab, &tab);
            POINT pt = {0, (short)HIWORD(lp) - d.drag_offset};
            ClientToScreen(h, &pt);
            int total = tab.bottom - lv.top;
            if (total > 0) {
                long pm = (long)(pt.y - lv.top) * 1000 / total;
                d.split_permille = (int)(pm < SPLIT_MIN ? SPLIT_MIN : pm > 1000 - SPLIT_MIN ? 1000 - SPLIT_MIN : pm);
                layout();
                UpdateWindow(g.dlg);
            }
        }
        return 0;
    case WM_LBUTTONUP:
    case WM_CAPTURECHANGED:
        if (msg == WM_LBUTTONUP && GetCapture() == h)
            ReleaseCapture();
        return 0;
    }
    return DefWindowProcW(h, msg, wp, lp);
}

static void make_splitter(void)
{
    WNDCLASSEXW wc;
    memset(&wc, 0, sizeof wc);
    wc.cbSize = sizeof wc;
    wc.lpfnWndProc = split_proc;
    wc.hInstance = g.hinst;
    wc.hCursor = LoadCursorW(NULL, IDC_SIZENS);
    wc.hbrBackground = (HBRUSH)(COLOR_BTNFACE + 1);
    wc.lpszClassName = SPLIT_CLASS;
    RegisterClassExW(&wc); /* fails harmlessly when registered already */
    d.split = CreateWindowExW(0, SPLIT_CLASS, L"", WS_CHILD | WS_VISIBLE, 0, 0, 10, 4, g.dlg,
                              (HMENU)(INT_PTR)IDC_DETAILS_SPLIT, g.hinst, NULL);
}

void details_place(int x, int y, int w, int h, int gap)
{
    if (!d.tab)
        return;
    if (d.split)
        SetWindowPos(d.split, NULL, x, y - gap, w, gap, SWP_NOZORDER | SWP_NOACTIVATE);
    /* After a DPI change the dialog manager gives its own children the new font; the pages are
     * the tab control's children, so they are given it here (layout() runs after the change). */
    HFONT font = (HFONT)SendMessageW(g.dlg, WM_GETFONT, 0, 0);
    if (font != d.font) {
        d.font = font;
        SendMessageW(d.tab, WM_SETFONT, (WPARAM)font, FALSE);
        SendMessageW(d.general, WM_SETFONT, (WPARAM)font, TRUE);
        SendMessageW(d.xml, WM_SETFONT, (WPARAM)font, TRUE);
        for (int i = 2; i < 4; i++)
            if (d.pages[i])
                SendMessageW(d.pages[i], WM_SETFONT, (WPARAM)font, TRUE);
    }
    SetWindowPos(d.tab, NULL, x, y, w, h, SWP_NOZORDER | SWP_NOACTIVATE);
    RECT r = {0, 0, w, h};
    TabCtrl_AdjustRect(d.tab, FALSE, &r); /* the page's area, in the tab control's coordinates */
    for (int i = 0; i < 4; i++)
        if (d.pages[i])
            SetWindowPos(d.pages[i], NULL, r.left, r.top, r.right - r.left, r.bottom - r.top, SWP_NOZORDER | SWP_NOACTIVATE);
}

/* The tab control is the pages' parent: it is asked for their colours. A read-only edit would
 * be grey like a disabled one; these are documents to read, white as in Event Viewer. */
static LRESULT CALLBACK tab_proc(HWND h, UINT msg, WPARAM wp, LPARAM lp, UINT_PTR id, DWORD_PTR ref)
{
    if (msg == WM_CTLCOLORSTATIC && ((HWND)lp == d.general || (HWND)lp == d.xml)) {
        SetBkColor((HDC)wp, GetSysColor(COLOR_WINDOW));
        SetTextColor((HDC)wp, GetSysColor(COLOR_WINDOWTEXT));
        return (LRESULT)GetSysColorBrush(COLOR_WINDOW);
    }
    if (msg == WM_NCDESTROY) {
        /* The window goes (every registered job has reported): what the pane holds goes too. A
         * fetch left behind frees its own job when it finds the window gone. */
        RemoveWindowSubclass(h, tab_proc, id);
        free(d.header);
        free(d.row_message);
        fetch_free(d.queued);
        d.header = d.row_message = NULL;
        d.queued = NULL;
        d.inflight = NULL;
        d.tab = d.general = d.xml = d.split = NULL;
        memset(d.pages, 0, sizeof d.pages);
    }
    return DefSubclassProc(h, msg, wp, lp);
}

/* The pages are documents to read: focusing one (Tab, Enter on the list) leaves the caret where
 * it was instead of selecting everything as the dialog manager does with an edit's text; Ctrl+A
 * selects everything, for copying. */
static LRESULT CALLBACK page_proc(HWND h, UINT msg, WPARAM wp, LPARAM lp, UINT_PTR id, DWORD_PTR ref)
{
    if (msg == WM_GETDLGCODE)
        return DefSubclassProc(h, msg, wp, lp) & ~(LRESULT)DLGC_HASSETSEL;
    if (msg == WM_KEYDOWN && wp == 'A' && GetKeyState(VK_CONTROL) < 0) {
        SendMessageW(h, EM_SETSEL, 0, -1);
        return 0;
    }
    if (msg == WM_CHAR && wp == 1) /* the Ctrl+A character: handled above, no beep */
        return 0;
    if (msg == WM_NCDESTROY)
        RemoveWindowSubclass(h, page_proc, id);
    return DefSubclassProc(h, msg, wp, lp);
}

static HWND make_edit(int id, DWORD style, HFONT font)
{
    /* Children of the tab control: they sit above it, and a read-only edit's Enter goes to it
     * rather than to the dialog's default button (Start). */
    HWND e = CreateWindowExW(WS_EX_CLIENTEDGE, L"EDIT", L"",
                             WS_CHILD | WS_VSCROLL | WS_TABSTOP | ES_MULTILINE | ES_READONLY | ES_NOHIDESEL | style, 0,
                             0, 10, 10, d.tab, (HMENU)(INT_PTR)id, g.hinst, NULL);
    if (e) {
        SendMessageW(e, WM_SETFONT, (WPARAM)font, FALSE);
        SendMessageW(e, EM_SETLIMITTEXT, 0, 0); /* as much as the event holds */
        SetWindowSubclass(e, page_proc, 1, 0);
    }
    return e;
}

void details_init(void)
{
    HFONT font = (HFONT)SendMessageW(g.dlg, WM_GETFONT, 0, 0);
    /* WS_EX_CONTROLPARENT: the dialog manager tabs into the pages and reads their keys. */
    d.tab = CreateWindowExW(WS_EX_CONTROLPARENT, WC_TABCONTROLW, L"", WS_CHILD | WS_VISIBLE | WS_CLIPSIBLINGS, 0, 0,
                            10, 10, g.dlg, (HMENU)(INT_PTR)IDC_DETAILS_TAB, g.hinst, NULL);
    if (!d.tab)
        return; /* the window works without its pane */
    SendMessageW(d.tab, WM_SETFONT, (WPARAM)font, FALSE);
    SetWindowSubclass(d.tab, tab_proc, 1, 0);
    TCITEMW ti;
    memset(&ti, 0, sizeof ti);
    ti.mask = TCIF_TEXT;
    ti.pszText = L"General";
    TabCtrl_InsertItem(d.tab, 0, &ti);
    ti.pszText = L"XML";
    TabCtrl_InsertItem(d.tab, 1, &ti);
    ti.pszText = L"Summary";
    TabCtrl_InsertItem(d.tab, 2, &ti);
    ti.pszText = L"Timeline";
    TabCtrl_InsertItem(d.tab, 3, &ti);
    d.general = make_edit(IDC_DETAILS_GENERAL, 0, font);
    d.xml = make_edit(IDC_DETAILS_XML, WS_HSCROLL | ES_AUTOHSCROLL, font); /* XML lines are not wrapped */
    if (!d.general || !d.xml) {
        DestroyWindow(d.tab);
        d.tab = d.general = d.xml = NULL;
        return;
    }
    d.pages[0] = d.general;
    d.pages[1] = d.xml;
    fleet_init(d.tab);   /* the fleet pages (without them, their tabs show nothing) */
    d.pages[2] = fleet_summary_page();
    d.pages[3] = fleet_timeline_page();
    for (int i = 2; i < 4; i++)
        if (d.pages[i])
            SendMessageW(d.pages[i], WM_SETFONT, (WPARAM)font, FALSE);
    d.font = font;
    select_page(0);
    make_splitter(); /* without it the pane keeps its share */
}
