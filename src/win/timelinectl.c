/* The timeline control (timelinectl.h): servers x time buckets, painted with GDI into a memory
 * bitmap. Every size derives from the font's height, so a new font (WM_SETFONT, as the dialog
 * manager sends after a DPI change) rescales it. Times are local, as the rows show them. */
#include "timelinectl_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static void free_data(tl *st)
{
    if (st->t) {
        if (st->names)
            for (size_t i = 0; i < st->t->nservers; i++)
                free(st->names[i]);
        es_timeline_free(st->t);
        free(st->t);
    }
    free(st->names);
    st->t = NULL;
    st->names = NULL;
}

/* ---- layout ---- */


static void measure(tl *st)
{
    HDC dc = GetDC(st->h);
    HGDIOBJ old = SelectObject(dc, st->font ? st->font : GetStockObject(DEFAULT_GUI_FONT));
    TEXTMETRICW tm;
    BOOL ok = GetTextMetricsW(dc, &tm);
    st->fh = ok ? tm.tmHeight : 16;
    st->avgw = ok && tm.tmAveCharWidth > 2 ? tm.tmAveCharWidth : 7;
    if (st->fh < 8)
        st->fh = 8;
    SIZE sz;
    st->namew = GetTextExtentPoint32W(dc, L"(unnamed)", 9, &sz) ? sz.cx : 60;
    for (int s = 0; s < nrows(st); s++) {
        const WCHAR *n = name_of(st, s);
        if (*n && GetTextExtentPoint32W(dc, n, (int)wcslen(n), &sz) && sz.cx > st->namew)
            st->namew = sz.cx;
    }
    SelectObject(dc, old);
    ReleaseDC(st->h, dc);
}

static void layout(tl *st)
{
    RECT rc;
    GetClientRect(st->h, &rc);
    int fh = st->fh, w = rc.right, hgt = rc.bottom;
    st->pad = fh / 3 < 2 ? 2 : fh / 3;
    st->row_h = fh + (fh / 3 < 4 ? 4 : fh / 3);
    st->label_w = st->namew + 2 * st->pad;   /* the widest name, at most 32 average characters or 2/5 */
    if (st->label_w > 32 * st->avgw)
        st->label_w = 32 * st->avgw;
    if (st->label_w > w * 2 / 5)
        st->label_w = w * 2 / 5;
    st->grid_x = st->label_w;
    st->grid_w = w - st->grid_x - st->pad;
    if (st->grid_w < 1)
        st->grid_w = 1;
    st->grid_y = fh + 2 * st->pad;                        /* the axis' labels and ticks */
    st->legend_y = hgt - fh - st->pad;
    st->status_y = st->legend_y - fh - st->pad;
    st->grid_h = st->status_y - st->pad - st->grid_y;
    if (st->grid_h < 0)
        st->grid_h = 0;
    st->page = st->grid_h / st->row_h < 1 ? 1 : st->grid_h / st->row_h;
}

static void update_scroll(tl *st)
{
    int n = nrows(st), maxtop = n > st->page ? n - st->page : 0;
    if (st->top > maxtop)
        st->top = maxtop;
    if (st->top < 0)
        st->top = 0;
    SCROLLINFO si = {sizeof si, SIF_RANGE | SIF_PAGE | SIF_POS, 0, n ? n - 1 : 0, (UINT)st->page, st->top, 0};
    SetScrollInfo(st->h, SB_VERT, &si, TRUE);
}

static void relayout(tl *st)
{
    layout(st);
    update_scroll(st);
    layout(st);   /* the scroll bar may have come or gone */
    InvalidateRect(st->h, NULL, FALSE);
}

BOOL tl_cell_rect(const tl *st, int s, int b, RECT *r)
{
    if (empty(st) || s < st->top || s >= nrows(st) || b < 0 || b >= nbk(st))
        return FALSE;
    int y = st->grid_y + (s - st->top) * st->row_h;
    if (y >= st->grid_y + st->grid_h)
        return FALSE;
    r->left = cell_x(st, b);
    r->right = cell_x(st, b + 1);
    if (r->right - r->left >= 4)
        r->right--;   /* a gap between cells */
    r->top = y;
    r->bottom = y + st->row_h - 1;
    return TRUE;
}

static BOOL hit(const tl *st, int x, int y, int *s, int *b)
{
    if (empty(st) || x < st->grid_x || x >= st->grid_x + st->grid_w || y < st->grid_y ||
        y >= st->grid_y + st->grid_h)
        return FALSE;
    int r = st->top + (y - st->grid_y) / st->row_h, nb = nbk(st);
    if (r >= nrows(st))
        return FALSE;
    int c = (int)((int64_t)(x - st->grid_x) * nb / st->grid_w);
    while (c + 1 < nb && cell_x(st, c + 1) <= x)
        c++;
    while (c > 0 && cell_x(st, c) > x)
        c--;
    *s = r;
    *b = c;
    return TRUE;
}

/* ---- input ---- */

static void scroll_to(tl *st, int top)
{
    int old = st->top;
    st->top = top;
    update_scroll(st);
    if (st->top != old) {
        st->hot_s = st->hot_b = -1;
        InvalidateRect(st->h, NULL, FALSE);
    }
}

static void select_cell(tl *st, int s, int b)
{
    int n = nrows(st), nb = nbk(st);
    s = s < 0 ? 0 : s >= n ? n - 1 : s;
    b = b < 0 ? 0 : b >= nb ? nb - 1 : b;
    st->sel_s = s;
    st->sel_b = b;
    if (s < st->top)
        scroll_to(st, s);
    else if (s >= st->top + st->page)
        scroll_to(st, s - st->page + 1);
    InvalidateRect(st->h, NULL, FALSE);
}

/* The click: the parent hears of a cell with events. The name is copied: the parent may replace
 * the grid (timeline_set) while it handles the notification. Nothing of st is used after. */
static void activate(tl *st, int s, int b)
{
    if (empty(st) || s < 0 || s >= nrows(st) || b < 0 || b >= nbk(st) ||
        !es_timeline_cell(st->t, (size_t)s, (size_t)b)->count)
        return;
    const WCHAR *n = name_of(st, s);
    size_t len = wcslen(n);
    WCHAR *copy = malloc((len + 1) * sizeof *copy);
    if (!copy)
        return;
    memcpy(copy, n, (len + 1) * sizeof *copy);
    NMTIMELINE nm;
    nm.hdr.hwndFrom = st->h;
    nm.hdr.idFrom = (UINT_PTR)GetDlgCtrlID(st->h);
    nm.hdr.code = TLN_CELLCLICK;
    nm.server = copy;
    nm.t0 = st->t->start + (uint64_t)b * st->t->step;
    nm.t1 = nm.t0 + st->t->step < nm.t0 ? UINT64_MAX : nm.t0 + st->t->step;   /* a hostile time near the end */
    SendMessageW(GetParent(st->h), WM_NOTIFY, nm.hdr.idFrom, (LPARAM)&nm);
    free(copy);
}

static void on_key(tl *st, WPARAM vk)
{
    if (empty(st))
        return;
    BOOL ctrl = GetKeyState(VK_CONTROL) < 0;
    int s = st->sel_s, b = st->sel_b;
    if (s < 0) {   /* the first key selects the first cell shown */
        if (vk == VK_LEFT || vk == VK_RIGHT || vk == VK_UP || vk == VK_DOWN || vk == VK_HOME || vk == VK_END ||
            vk == VK_PRIOR || vk == VK_NEXT || vk == VK_SPACE)
            select_cell(st, st->top, 0);
        return;
    }
    switch (vk) {
    case VK_LEFT:  b--; break;
    case VK_RIGHT: b++; break;
    case VK_UP:    s--; break;
    case VK_DOWN:  s++; break;
    case VK_PRIOR: s -= st->page; break;
    case VK_NEXT:  s += st->page; break;
    case VK_HOME:  b = 0; if (ctrl) s = 0; break;
    case VK_END:   b = nbk(st) - 1; if (ctrl) s = nrows(st) - 1; break;
    case VK_RETURN:
    case VK_SPACE: activate(st, s, b); return;
    default: return;
    }
    select_cell(st, s, b);
}

static void on_vscroll(tl *st, int code)
{
    SCROLLINFO si = {sizeof si, SIF_ALL, 0, 0, 0, 0, 0};
    GetScrollInfo(st->h, SB_VERT, &si);
    int top = st->top;
    switch (code) {
    case SB_LINEUP:        top--; break;
    case SB_LINEDOWN:      top++; break;
    case SB_PAGEUP:        top -= st->page; break;
    case SB_PAGEDOWN:      top += st->page; break;
    case SB_THUMBTRACK:
    case SB_THUMBPOSITION: top = si.nTrackPos; break;
    case SB_TOP:           top = 0; break;
    case SB_BOTTOM:        top = nrows(st); break;
    default: return;
    }
    scroll_to(st, top);
}

static void on_wheel(tl *st, int delta)
{
    UINT lines = 3;
    SystemParametersInfoW(SPI_GETWHEELSCROLLLINES, 0, &lines, 0);
    int step = lines == WHEEL_PAGESCROLL ? st->page : lines ? (int)lines : 0;
    if (!step)
        return;
    st->wheel += delta;
    int rows = st->wheel / WHEEL_DELTA * step;   /* whole notches; the rest waits (high-resolution wheels) */
    st->wheel %= WHEEL_DELTA;
    if (rows)
        scroll_to(st, st->top - rows);
}

static void set_hot(tl *st, int s, int b)
{
    if (s != st->hot_s || b != st->hot_b) {
        st->hot_s = s;
        st->hot_b = b;
        InvalidateRect(st->h, NULL, FALSE);
    }
}

static LRESULT CALLBACK proc(HWND h, UINT msg, WPARAM wp, LPARAM lp)
{
    tl *st = get(h);
    int s, b;
    if (!st && msg != WM_NCCREATE && msg != WM_CREATE)
        return DefWindowProcW(h, msg, wp, lp);
    switch (msg) {
    case WM_CREATE:
        st = calloc(1, sizeof *st);
        if (!st)
            return -1;
        st->h = h;
        st->sel_s = st->sel_b = st->hot_s = st->hot_b = st->press_s = st->press_b = -1;
        SetWindowLongPtrW(h, GWLP_USERDATA, (LONG_PTR)st);
        measure(st);
        relayout(st);
        return 0;
    case WM_NCDESTROY:
        free_data(st);
        free(st);
        SetWindowLongPtrW(h, GWLP_USERDATA, 0);
        return DefWindowProcW(h, msg, wp, lp);
    case WM_SETFONT:
        st->font = (HFONT)wp;
        measure(st);
        relayout(st);
        if (!LOWORD(lp))
            ValidateRect(h, NULL);
        return 0;
    case WM_GETFONT:
        return (LRESULT)st->font;
    case 0x02E3:   /* WM_DPICHANGED_AFTERPARENT */
    case WM_SETTINGCHANGE:
        measure(st);
        relayout(st);
        return 0;
    case WM_SYSCOLORCHANGE:
        InvalidateRect(h, NULL, FALSE);
        return 0;
    case WM_SIZE:
        relayout(st);
        return 0;
    case WM_ERASEBKGND:
        return 1;
    case WM_PAINT:
        tl_on_paint(st);
        return 0;
    case WM_PRINTCLIENT: {
        RECT rc;
        GetClientRect(h, &rc);
        int saved = SaveDC((HDC)wp);   /* the caller's DC: its clip region, colours and mode kept */
        tl_paint(st, (HDC)wp, &rc);
        if (saved)
            RestoreDC((HDC)wp, saved);
        return 0;
    }
    case WM_GETDLGCODE: {
        const MSG *m = (const MSG *)lp;
        LRESULT code = DLGC_WANTARROWS;
        if (m && m->message == WM_KEYDOWN && (m->wParam == VK_RETURN || m->wParam == VK_SPACE))
            code |= DLGC_WANTMESSAGE;   /* Enter activates the cell, not the dialog's default button */
        return code;
    }
    case WM_SETFOCUS:
    case WM_KILLFOCUS:
        InvalidateRect(h, NULL, FALSE);
        return 0;
    case WM_KEYDOWN:
        on_key(st, wp);
        return 0;
    case WM_VSCROLL:
        on_vscroll(st, LOWORD(wp));
        return 0;
    case WM_MOUSEWHEEL:
        on_wheel(st, GET_WHEEL_DELTA_WPARAM(wp));
        return 0;
    case WM_MOUSEMOVE:
        if (!st->tracking) {
            TRACKMOUSEEVENT tme = {sizeof tme, TME_LEAVE, h, 0};
            st->tracking = TrackMouseEvent(&tme);
        }
        if (hit(st, (short)LOWORD(lp), (short)HIWORD(lp), &s, &b))
            set_hot(st, s, b);
        else
            set_hot(st, -1, -1);
        return 0;
    case WM_MOUSELEAVE:
        st->tracking = FALSE;
        set_hot(st, -1, -1);
        return 0;
    case WM_LBUTTONDOWN:
        SetFocus(h);
        st->press_s = st->press_b = -1;
        if (hit(st, (short)LOWORD(lp), (short)HIWORD(lp), &s, &b)) {
            st->press_s = s;
            st->press_b = b;
            select_cell(st, s, b);
            SetCapture(h);
        }
        return 0;
    case WM_LBUTTONUP: {
        int ps = st->press_s, pb = st->press_b;
        st->press_s = st->press_b = -1;
        if (GetCapture() == h)
            ReleaseCapture();
        if (ps >= 0 && hit(st, (short)LOWORD(lp), (short)HIWORD(lp), &s, &b) && s == ps && b == pb)
            activate(st, s, b);   /* last: the parent may do anything */
        return 0;
    }
    case WM_CAPTURECHANGED:
        st->press_s = st->press_b = -1;
        return 0;
    }
    return DefWindowProcW(h, msg, wp, lp);
}

/* ---- the API ---- */

BOOL timeline_register(HINSTANCE inst)
{
    WNDCLASSEXW wc;
    memset(&wc, 0, sizeof wc);
    wc.cbSize = sizeof wc;
    wc.style = CS_HREDRAW | CS_VREDRAW;
    wc.lpfnWndProc = proc;
    wc.hInstance = inst;
    wc.hCursor = LoadCursorW(NULL, (LPCWSTR)IDC_ARROW);
    wc.lpszClassName = TIMELINE_CLASS;
    return RegisterClassExW(&wc) || GetLastError() == ERROR_CLASS_ALREADY_EXISTS;
}

HWND timeline_create(HWND parent, int id)
{
    HWND h = CreateWindowExW(0, TIMELINE_CLASS, L"Timeline", WS_CHILD | WS_TABSTOP | WS_VSCROLL, 0, 0, 0, 0, parent,
                             (HMENU)(INT_PTR)id, (HINSTANCE)GetWindowLongPtrW(parent, GWLP_HINSTANCE), NULL);
    if (h)
        SendMessageW(h, WM_SETFONT, SendMessageW(parent, WM_GETFONT, 0, 0), FALSE);
    return h;
}

void timeline_set(HWND h, es_timeline *tl_, WCHAR **names)
{
    tl *st = get(h);
    if (!st) {   /* no control: still the owner */
        tl tmp = {0};
        tmp.t = tl_;
        tmp.names = names;
        free_data(&tmp);
        return;
    }
    /* A grid computed again as rows come (every second while following) keeps the user's place:
     * the scroll position while the servers are as many, the selected, hovered and pressed cells
     * while the buckets are the same times too. */
    BOOL same_rows = st->t && tl_ && st->t->nservers == tl_->nservers;
    BOOL same_cols = same_rows && st->t->start == tl_->start && st->t->step == tl_->step;
    free_data(st);
    st->t = tl_;
    st->names = names;
    if (!same_rows) {
        st->top = 0;
        st->wheel = 0;
    }
    int nb = tl_ ? (int)tl_->nbuckets : 0;
    if (!same_cols || st->sel_b >= nb || st->hot_b >= nb || st->press_b >= nb)
        st->sel_s = st->sel_b = st->hot_s = st->hot_b = st->press_s = st->press_b = -1;
    measure(st);
    relayout(st);
}

BOOL timeline_cell_rect(HWND h, size_t server, size_t bucket, RECT *out)
{
    tl *st = get(h);
    return st && server < (size_t)nrows(st) && bucket < (size_t)nbk(st) && tl_cell_rect(st, (int)server, (int)bucket, out);
}

BOOL timeline_get_selection(HWND h, size_t *server, size_t *bucket)
{
    tl *st = get(h);
    if (!st || st->sel_s < 0 || empty(st))
        return FALSE;
    *server = (size_t)st->sel_s;
    *bucket = (size_t)st->sel_b;
    return TRUE;
}

void timeline_cell_text(HWND h, size_t server, size_t bucket, WCHAR *out, size_t cap)
{
    tl *st = get(h);
    if (!cap)
        return;
    out[0] = 0;
    if (st && server < (size_t)nrows(st) && bucket < (size_t)nbk(st))
        tl_cell_text(st, (int)server, (int)bucket, out, cap);
}
