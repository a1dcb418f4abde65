/* The timeline control's painting (timelinectl.h): the axis, the rows, the outlines, the status
 * line and the legend, drawn into a memory bitmap; and the texts of times and cells. */
#include "timelinectl_int.h"

#include <stdio.h>
#include <wchar.h>

/* ---- time texts (local time, as the rows show them) ---- */

static BOOL local_time(uint64_t t, SYSTEMTIME *out)
{
    FILETIME ft = {(DWORD)t, (DWORD)(t >> 32)};
    SYSTEMTIME u;
    return FileTimeToSystemTime(&ft, &u) && SystemTimeToTzSpecificLocalTime(NULL, &u, out);
}

static uint64_t local_ticks(uint64_t t)
{
    SYSTEMTIME l;
    FILETIME f;
    if (local_time(t, &l) && SystemTimeToFileTime(&l, &f))
        return (uint64_t)f.dwHighDateTime << 32 | f.dwLowDateTime;
    return t;
}

/* "2026-11-28 13:00–13:15", or both ends in full when they are on different days */
static void range_text(uint64_t t0, uint64_t t1, uint64_t step, WCHAR *out, size_t cap)
{
    SYSTEMTIME a, z;
    if (!local_time(t0, &a) || !local_time(t1, &z)) {
        swprintf(out, cap, L"?");
        return;
    }
    BOOL same = a.wYear == z.wYear && a.wMonth == z.wMonth && a.wDay == z.wDay;
    BOOL midnight = z.wHour == 0 && z.wMinute == 0 && step < DAY;   /* 23:45–00:00 */
    if (same || midnight)
        swprintf(out, cap, L"%04u-%02u-%02u %02u:%02u\u2013%02u:%02u", a.wYear, a.wMonth, a.wDay, a.wHour,
                 a.wMinute, z.wHour, z.wMinute);
    else
        swprintf(out, cap, L"%04u-%02u-%02u %02u:%02u \u2013 %04u-%02u-%02u %02u:%02u", a.wYear, a.wMonth, a.wDay,
                 a.wHour, a.wMinute, z.wYear, z.wMonth, z.wDay, z.wHour, z.wMinute);
}

static void level_text(unsigned level, WCHAR *out, size_t cap)
{
    const char *s = es_level_name(level);
    size_t i = 0;
    for (; s && s[i] && i + 1 < cap; i++)
        out[i] = (WCHAR)(unsigned char)s[i];
    out[i] = 0;
}

void tl_cell_text(const tl *st, int s, int b, WCHAR *out, size_t cap)
{
    WCHAR when[64], lev[40];
    const es_tl_cell *c = es_timeline_cell(st->t, (size_t)s, (size_t)b);
    uint64_t t0 = st->t->start + (uint64_t)b * st->t->step;
    range_text(t0, t0 + st->t->step, st->t->step, when, 64);
    level_text(c->level, lev, 40);
    const WCHAR *n = st->names && st->names[s] ? st->names[s] : L"(unnamed)";
    if (!c->count)
        swprintf(out, cap, L"%ls \u00b7 %ls \u00b7 no events", n, when);
    else
        swprintf(out, cap, L"%ls \u00b7 %ls \u00b7 %lu event%ls, worst: %ls", n, when, (unsigned long)c->count,
                 c->count == 1 ? L"" : L"s", lev);
}

/* ---- painting ---- */

static COLORREF cref(uint32_t rgb) { return RGB(rgb >> 16 & 0xff, rgb >> 8 & 0xff, rgb & 0xff); }

static void fill(HDC dc, int l, int t, int r, int b, COLORREF c)
{
    RECT rc = {l, t, r, b};
    SetDCBrushColor(dc, c);
    FillRect(dc, &rc, GetStockObject(DC_BRUSH));
}

static void frame(HDC dc, RECT r, int width, COLORREF c)
{
    for (int i = 0; i < width; i++) {
        SetDCBrushColor(dc, c);
        FrameRect(dc, &r, GetStockObject(DC_BRUSH));
        InflateRect(&r, -1, -1);
    }
}

static int text_w(HDC dc, const WCHAR *s)
{
    SIZE sz;
    return GetTextExtentPoint32W(dc, s, (int)wcslen(s), &sz) ? sz.cx : 0;
}

/* The time axis: a tick and a label at each "nice" local time (1, 5, 10, 15, 30 min, 1, 2, 3, 6,
 * 12 h, 1, 2, 7 days, ...) far enough apart for a label; the date where the day changes. */
static void paint_axis(const tl *st, HDC dc, COLORREF line)
{
    static const uint64_t nice[] = {1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080, 20160, 40320};
    const es_timeline *t = st->t;
    int nb = nbk(st), lw = text_w(dc, L"00-00 00:00") + 2 * st->pad;
    uint64_t need = (uint64_t)lw * (uint64_t)nb / (uint64_t)st->grid_w + 1;   /* buckets per label */
    uint64_t p = 0;
    for (size_t i = 0; i < sizeof nice / sizeof *nice && !p; i++)
        if (nice[i] * MINUTE >= need * t->step && nice[i] * MINUTE % t->step == 0)
            p = nice[i] * MINUTE;
    if (!p)
        p = need * t->step;
    SYSTEMTIME prev = {0};
    int last_right = -1, rows = nrows(st) - st->top;
    int bottom = st->grid_y + (rows < st->page + 1 ? rows * st->row_h : st->grid_h);
    for (int b = 0; b < nb; b++) {
        uint64_t at = t->start + (uint64_t)b * t->step, l = local_ticks(at);
        if (l % p >= t->step)
            continue;
        int x = cell_x(st, b);
        fill(dc, x, st->grid_y - st->pad, x + 1, bottom, line);
        SYSTEMTIME lt;
        if (!local_time(at, &lt))
            continue;
        WCHAR s[32];
        BOOL newday = prev.wYear != lt.wYear || prev.wMonth != lt.wMonth || prev.wDay != lt.wDay;
        if (t->step >= DAY || (lt.wHour == 0 && lt.wMinute == 0 && newday))
            swprintf(s, 32, L"%02u-%02u", lt.wMonth, lt.wDay);
        else if (newday)
            swprintf(s, 32, L"%02u-%02u %02u:%02u", lt.wMonth, lt.wDay, lt.wHour, lt.wMinute);
        else
            swprintf(s, 32, L"%02u:%02u", lt.wHour, lt.wMinute);
        int w = text_w(dc, s);
        if (x + 2 <= last_right || x + 2 + w > st->grid_x + st->grid_w + st->pad)
            continue;   /* no room: the tick alone */
        TextOutW(dc, x + 2, st->pad / 2, s, (int)wcslen(s));
        last_right = x + 2 + w + st->pad;
        prev = lt;
    }
}

static void paint_legend(const tl *st, HDC dc, int w)
{
    int x = st->pad, y = st->legend_y, sq = st->fh * 2 / 3;
    for (unsigned l = 1; l <= 5; l++) {
        WCHAR s[40];
        level_text(l, s, 40);
        fill(dc, x, y + (st->fh - sq) / 2, x + sq, y + (st->fh - sq) / 2 + sq, cref(es_level_rgb(l)));
        x += sq + st->pad;
        TextOutW(dc, x, y, s, (int)wcslen(s));
        x += text_w(dc, s) + 2 * st->pad;
    }
    const WCHAR *more = L"paler: fewer events";
    SetTextColor(dc, GetSysColor(COLOR_GRAYTEXT));
    if (x + text_w(dc, more) < w)
        TextOutW(dc, x, y, more, (int)wcslen(more));
}

void tl_paint(tl *st, HDC dc, const RECT *rc)
{
    COLORREF bg = GetSysColor(COLOR_WINDOW), fg = GetSysColor(COLOR_WINDOWTEXT);
    COLORREF grey = GetSysColor(COLOR_GRAYTEXT), line = RGB(0xcc, 0xd3, 0xdb);
    BOOL focus = GetFocus() == st->h;
    fill(dc, rc->left, rc->top, rc->right, rc->bottom, bg);
    HGDIOBJ oldf = SelectObject(dc, st->font ? st->font : GetStockObject(DEFAULT_GUI_FONT));
    SetBkMode(dc, TRANSPARENT);
    SetTextColor(dc, grey);
    if (empty(st)) {
        RECT r = *rc;
        DrawTextW(dc, L"No rows to chart", -1, &r, DT_CENTER | DT_VCENTER | DT_SINGLELINE | DT_NOPREFIX);
        if (focus) {
            InflateRect(&r, -1, -1);
            DrawFocusRect(dc, &r);
        }
        SelectObject(dc, oldf);
        return;
    }
    const es_timeline *t = st->t;
    paint_axis(st, dc, line);
    IntersectClipRect(dc, 0, st->grid_y, rc->right, st->grid_y + st->grid_h);
    int n = nrows(st), nb = nbk(st);
    for (int s = st->top; s < n; s++) {
        int y = st->grid_y + (s - st->top) * st->row_h;
        if (y >= st->grid_y + st->grid_h)
            break;
        RECT lr = {st->pad, y, st->label_w - st->pad, y + st->row_h - 1};
        SetTextColor(dc, st->names && st->names[s] ? fg : grey);
        DrawTextW(dc, st->names && st->names[s] ? st->names[s] : L"(unnamed)", -1, &lr,
                  DT_SINGLELINE | DT_VCENTER | DT_END_ELLIPSIS | DT_NOPREFIX);
        fill(dc, st->grid_x, y, st->grid_x + st->grid_w, y + st->row_h - 1, cref(ES_TL_EMPTY_RGB));
        for (int b = 0; b < nb; b++) {
            const es_tl_cell *c = es_timeline_cell(t, (size_t)s, (size_t)b);
            RECT cr;
            if (c->count && tl_cell_rect(st, s, b, &cr))
                fill(dc, cr.left, cr.top, cr.right, cr.bottom, cref(es_tl_cell_rgb(c->count, c->level, t->max_count)));
        }
    }
    RECT r;
    if (st->hot_s >= 0 && !(st->hot_s == st->sel_s && st->hot_b == st->sel_b) &&
        tl_cell_rect(st, st->hot_s, st->hot_b, &r))
        frame(dc, r, r.right - r.left > 6 ? 2 : 1, GetSysColor(COLOR_HIGHLIGHT));
    if (st->sel_s >= 0 && tl_cell_rect(st, st->sel_s, st->sel_b, &r)) {
        InflateRect(&r, 1, 1);
        frame(dc, r, 2, fg);
        if (focus) {
            InflateRect(&r, 2, 2);
            DrawFocusRect(dc, &r);
        }
    } else if (focus) {
        RECT g = {st->grid_x - 2, st->grid_y, st->grid_x + st->grid_w + 2, st->grid_y + st->grid_h};
        DrawFocusRect(dc, &g);
    }
    SelectClipRgn(dc, NULL);
    /* the status line: the cell under the mouse, else the selected one, else what the grid is */
    WCHAR s[512];
    int cs = st->hot_s >= 0 ? st->hot_s : st->sel_s, cb = st->hot_s >= 0 ? st->hot_b : st->sel_b;
    if (cs >= 0)
        tl_cell_text(st, cs, cb, s, 512);
    else {
        uint64_t m = t->step / MINUTE;
        swprintf(s, 512, L"%d servers, %llu-%ls buckets, at most %lu events in one. Click a cell to show its rows.",
                 n, (unsigned long long)(m % 60 ? m : m % 1440 ? m / 60 : m / 1440),
                 m % 60 ? L"minute" : m % 1440 ? L"hour" : L"day", (unsigned long)t->max_count);
    }
    SetTextColor(dc, cs >= 0 ? fg : grey);
    RECT sr = {st->pad, st->status_y, rc->right - st->pad, st->status_y + st->fh};
    DrawTextW(dc, s, -1, &sr, DT_SINGLELINE | DT_END_ELLIPSIS | DT_NOPREFIX);
    SetTextColor(dc, fg);
    paint_legend(st, dc, rc->right);
    SelectObject(dc, oldf);
}

void tl_on_paint(tl *st)
{
    PAINTSTRUCT ps;
    HDC dc = BeginPaint(st->h, &ps);
    RECT rc;
    GetClientRect(st->h, &rc);
    HDC mem = CreateCompatibleDC(dc);
    HBITMAP bmp = mem ? CreateCompatibleBitmap(dc, rc.right ? rc.right : 1, rc.bottom ? rc.bottom : 1) : NULL;
    if (bmp) {
        HGDIOBJ old = SelectObject(mem, bmp);
        tl_paint(st, mem, &rc);
        BitBlt(dc, 0, 0, rc.right, rc.bottom, mem, 0, 0, SRCCOPY);
        SelectObject(mem, old);
        DeleteObject(bmp);
    } else {
        tl_paint(st, dc, &rc);   /* no memory for the buffer: straight, flicker and all */
    }
    if (mem)
        DeleteDC(mem);
    EndPaint(st->h, &ps);
}

