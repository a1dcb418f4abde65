/* timeline_test: the timeline control (src/win/timelinectl.c) driven as the app would drive it:
 * a top-level window holds the control, synthetic grids are handed to it with timeline_set,
 * and the checks send it mouse, keyboard and scroll messages and read its pixels (painted with
 * WM_PRINTCLIENT into a bitmap, and once from the screen). A Windows console program;
 * tests/win/t_timeline.sh runs it under Wine with an X display.
 *
 *   timeline_test.exe             the checks: "PASS name" / "FAIL name: why"; exit 1 on a failure
 *   timeline_test.exe --show N    shows 8 servers over 12 hours for N seconds (a screenshot) */
#include "timeline_test.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static int failures, check_failed;
static const char *check_name;
HWND g_top, g_ctl;
HFONT g_font;

void begin(const char *name) { check_name = name; check_failed = 0; }
void expect(int ok, const char *fmt, ...)
{
    if (ok)
        return;
    va_list ap;
    va_start(ap, fmt);
    printf(check_failed ? "     %s: " : "FAIL %s: ", check_name);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    check_failed = 1;
}
void end(void)
{
    if (check_failed)
        failures++;
    else
        printf("PASS %s\n", check_name);
    fflush(stdout);
}

/* A wide text for a FAIL line, ASCII only (\uXXXX for the rest): the output stays text. */
const char *A(const WCHAR *w)
{
    static char buf[4][600];
    static int k;
    char *o = buf[k++ & 3], *e = o + 590;
    char *p = o;
    for (; w && *w && p < e; w++)
        p += *w >= 32 && *w < 127 ? sprintf(p, "%c", (char)*w) : sprintf(p, "\\u%04x", (unsigned)*w);
    *p = 0;
    return o;
}

/* ---- what the parent hears ---- */

int g_notes;
WCHAR g_server[256];
uint64_t g_t0, g_t1;
BOOL g_bad_hdr, g_null_server;
int g_replace_in_notify;   /* the handler replaces the grid (1) or destroys the control (2) */
BOOL g_server_changed;

static LRESULT CALLBACK top_proc(HWND h, UINT msg, WPARAM wp, LPARAM lp)
{
    if (msg == WM_NOTIFY && ((NMHDR *)lp)->code == TLN_CELLCLICK) {
        const NMTIMELINE *nm = (const NMTIMELINE *)lp;
        g_notes++;
        g_bad_hdr |= nm->hdr.hwndFrom != g_ctl || nm->hdr.idFrom != ID_TL || wp != ID_TL;
        g_null_server |= nm->server == NULL;
        wcsncpy(g_server, nm->server ? nm->server : L"(null)", 255);
        g_t0 = nm->t0;
        g_t1 = nm->t1;
        if (g_replace_in_notify == 1) {
            es_timeline *t = calloc(1, sizeof *t);
            timeline_set(g_ctl, t, NULL);
            g_server_changed = wcscmp(nm->server, g_server) != 0;   /* still valid after the set */
        } else if (g_replace_in_notify == 2) {
            DestroyWindow(g_ctl);
            g_server_changed = wcscmp(nm->server, g_server) != 0;
        }
        return 0;
    }
    if (msg == WM_SIZE && g_ctl)
        MoveWindow(g_ctl, 8, 8, LOWORD(lp) - 16, HIWORD(lp) - 16, TRUE);
    return DefWindowProcW(h, msg, wp, lp);
}

/* ---- synthetic grids ---- */

uint64_t start_of_day(void)   /* 2026-11-28 00:00 UTC */
{
    SYSTEMTIME s = {2026, 11, 6, 28, 0, 0, 0, 0};
    FILETIME f;
    SystemTimeToFileTime(&s, &f);
    return (uint64_t)f.dwHighDateTime << 32 | f.dwLowDateTime;
}

es_timeline *grid(size_t ns, size_t nb, uint64_t step)
{
    es_timeline *t = calloc(1, sizeof *t);
    t->nservers = ns;
    t->nbuckets = nb;
    t->step = step;
    t->start = start_of_day() + 6 * 60 * MIN;
    t->cells = calloc(ns * nb + 1, sizeof *t->cells);
    return t;
}

void put(es_timeline *t, size_t s, size_t b, uint32_t count, uint8_t level)
{
    es_tl_cell *c = &t->cells[s * t->nbuckets + b];
    c->count = count;
    c->level = level;
    if (count > t->max_count)
        t->max_count = count;
}

WCHAR **names(size_t n, const WCHAR *fmt)
{
    WCHAR **v = calloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        v[i] = malloc(128 * sizeof(WCHAR));
        swprintf(v[i], 128, fmt, (unsigned)i);
    }
    return v;
}

/* The checks' grid: 8 servers x 48 buckets of 15 minutes, max count 50. */
void set_basic(void)
{
    es_timeline *t = grid(8, 48, 15 * MIN);
    put(t, 1, 10, 40, 2);   /* Error */
    put(t, 2, 10, 40, 3);   /* Warning */
    put(t, 1, 11, 1, 2);    /* Error, one event */
    put(t, 1, 12, 50, 2);   /* Error, the most */
    put(t, 3, 5, 7, 4);
    put(t, 3, 6, 3, 4);
    put(t, 4, 6, 9, 3);
    put(t, 5, 7, 12, 0);    /* LogAlways */
    put(t, 5, 8, 12, 4);
    put(t, 0, 0, 2, 4);
    put(t, 0, 47, 2, 4);
    WCHAR **n = names(8, L"srv%02u");
    free(n[4]);
    n[4] = NULL;             /* a server without a name */
    timeline_set(g_ctl, t, n);
}

/* ---- driving ---- */

void pump(void)
{
    MSG m;
    while (PeekMessageW(&m, NULL, 0, 0, PM_REMOVE)) {
        TranslateMessage(&m);
        DispatchMessageW(&m);
    }
}

POINT centre(size_t s, size_t b)
{
    RECT r = {0};
    POINT p = {-1, -1};
    if (timeline_cell_rect(g_ctl, s, b, &r)) {
        p.x = (r.left + r.right) / 2;
        p.y = (r.top + r.bottom) / 2;
    }
    return p;
}

void click_at(int x, int y)
{
    SendMessageW(g_ctl, WM_LBUTTONDOWN, MK_LBUTTON, MAKELPARAM(x, y));
    SendMessageW(g_ctl, WM_LBUTTONUP, 0, MAKELPARAM(x, y));
}

void click(size_t s, size_t b)
{
    POINT p = centre(s, b);
    click_at(p.x, p.y);
}

void key(WPARAM vk) { SendMessageW(g_ctl, WM_KEYDOWN, vk, 0); }

/* The control's client area as WM_PRINTCLIENT paints it, one pixel (0xRRGGBB). */
uint32_t *g_px;
int g_w, g_h;
void render(void)
{
    RECT rc;
    GetClientRect(g_ctl, &rc);
    g_w = rc.right;
    g_h = rc.bottom;
    BITMAPINFO bi = {{sizeof bi.bmiHeader, g_w, -g_h, 1, 32, BI_RGB, 0, 0, 0, 0, 0}, {{0}}};
    void *bits;
    HDC dc = CreateCompatibleDC(NULL);
    HBITMAP bmp = CreateDIBSection(dc, &bi, DIB_RGB_COLORS, &bits, NULL, 0);
    HGDIOBJ old = SelectObject(dc, bmp);
    SendMessageW(g_ctl, WM_PRINTCLIENT, (WPARAM)dc, PRF_CLIENT);
    GdiFlush();
    free(g_px);
    g_px = malloc((size_t)g_w * g_h * 4);
    for (int i = 0; i < g_w * g_h; i++)
        g_px[i] = ((uint32_t *)bits)[i] & 0xffffff;
    SelectObject(dc, old);
    DeleteObject(bmp);
    DeleteDC(dc);
}
uint32_t px(int x, int y) { return x >= 0 && y >= 0 && x < g_w && y < g_h ? g_px[y * g_w + x] : 0xff000000u; }
uint32_t rgb_of(COLORREF c) { return (uint32_t)GetRValue(c) << 16 | GetGValue(c) << 8 | GetBValue(c); }

/* Committed private memory, summed over the address space (Wine reports no PrivateUsage). */
SIZE_T private_bytes(void)
{
    SIZE_T sum = 0;
    MEMORY_BASIC_INFORMATION mb;
    for (char *p = NULL; VirtualQuery(p, &mb, sizeof mb) == sizeof mb; p = (char *)mb.BaseAddress + mb.RegionSize) {
        if (mb.State == MEM_COMMIT && mb.Type == MEM_PRIVATE)
            sum += mb.RegionSize;
        if ((char *)mb.BaseAddress + mb.RegionSize < p)
            break;
    }
    return sum;
}

/* ---- the checks ---- */

static void check_empty_one(const char *what)
{
    render();
    uint32_t bg = rgb_of(GetSysColor(COLOR_WINDOW));
    int cells = 0, ink = 0;
    for (int y = 0; y < g_h; y++)
        for (int x = 0; x < g_w; x++) {
            uint32_t c = px(x, y);
            if (c == ES_TL_EMPTY_RGB || c == es_level_rgb(2) || c == es_level_rgb(4))
                cells++;
            else if (c != bg && y > g_h / 3 && y < g_h * 2 / 3 && x > g_w / 4 && x < g_w * 3 / 4)
                ink++;
        }
    expect(cells == 0, "%s: %d pixels of cell colours", what, cells);
    expect(ink > 20, "%s: no text in the middle (%d pixels)", what, ink);
    RECT r;
    expect(!timeline_cell_rect(g_ctl, 0, 0, &r), "%s: a cell rectangle", what);
    int before = g_notes;
    click_at(g_w / 2, g_h / 2);
    key(VK_DOWN);
    key(VK_RETURN);
    expect(g_notes == before, "%s: a notification", what);
}

static void check_empty(void)
{
    begin("empty-state");
    check_empty_one("never set");
    timeline_set(g_ctl, NULL, NULL);
    check_empty_one("NULL");
    timeline_set(g_ctl, grid(0, 10, MIN), NULL);
    check_empty_one("no servers");
    timeline_set(g_ctl, grid(3, 0, MIN), names(3, L"e%u"));
    check_empty_one("no buckets");
    timeline_set(g_ctl, grid(3, 5, MIN), names(3, L"e%u"));
    check_empty_one("no events");
    end();
}

static void check_layout(void)
{
    begin("cells-fill-width");
    set_basic();
    RECT c, first = {0}, last = {0}, prev = {0};
    GetClientRect(g_ctl, &c);
    expect(timeline_cell_rect(g_ctl, 0, 0, &first) && timeline_cell_rect(g_ctl, 0, 47, &last), "no cell rectangles");
    expect(first.left > 20 && first.left < c.right / 2, "the first cell starts at %ld (no name column?)", first.left);
    expect(last.right > c.right - 12 && last.right <= c.right, "the last cell ends at %ld of %ld", last.right, c.right);
    int wmin = 1 << 30, wmax = 0;
    for (size_t b = 0; b < 48; b++) {
        RECT r;
        timeline_cell_rect(g_ctl, 0, b, &r);
        int w = r.right - r.left;
        wmin = w < wmin ? w : wmin;
        wmax = w > wmax ? w : wmax;
        if (b && r.left != prev.right && r.left != prev.right + 1) {
            expect(0, "bucket %zu starts at %ld after %ld", b, r.left, prev.right);
            break;
        }
        prev = r;
    }
    expect(wmax - wmin <= 1, "cell widths %d..%d", wmin, wmax);
    RECT r1;
    timeline_cell_rect(g_ctl, 1, 0, &r1);
    expect(r1.top > first.bottom && r1.left == first.left, "row 1 not below row 0");
    end();
}

static void check_colours(void)
{
    begin("colours");
    set_basic();
    render();
    POINT e = centre(1, 10), w = centre(2, 10), e1 = centre(1, 11), e50 = centre(1, 12), none = centre(0, 5);
    POINT la = centre(5, 7), in = centre(5, 8);
    expect(px(e.x, e.y) == es_tl_cell_rgb(40, 2, 50), "Error cell %06x, expected %06x", px(e.x, e.y),
           es_tl_cell_rgb(40, 2, 50));
    expect(px(w.x, w.y) == es_tl_cell_rgb(40, 3, 50), "Warning cell %06x, expected %06x", px(w.x, w.y),
           es_tl_cell_rgb(40, 3, 50));
    expect(px(e.x, e.y) != px(w.x, w.y), "Error and Warning cells alike");
    expect(px(e50.x, e50.y) == es_level_rgb(2), "the busiest Error cell %06x, not the level's colour",
           px(e50.x, e50.y));
    expect(px(e1.x, e1.y) == es_tl_cell_rgb(1, 2, 50) && px(e1.x, e1.y) != px(e50.x, e50.y),
           "one Error event %06x, expected %06x", px(e1.x, e1.y), es_tl_cell_rgb(1, 2, 50));
    expect(px(none.x, none.y) == ES_TL_EMPTY_RGB, "an empty cell %06x", px(none.x, none.y));
    expect(px(la.x, la.y) == px(in.x, in.y), "LogAlways %06x unlike Information %06x", px(la.x, la.y), px(in.x, in.y));
    /* what the screen shows (WM_PAINT through the memory bitmap) is what WM_PRINTCLIENT paints */
    RedrawWindow(g_ctl, NULL, NULL, RDW_INVALIDATE | RDW_UPDATENOW);
    pump();
    HDC dc = GetDC(g_ctl);
    COLORREF s = GetPixel(dc, e.x, e.y);
    ReleaseDC(g_ctl, dc);
    expect(rgb_of(s) == px(e.x, e.y), "on screen %06x, printed %06x", rgb_of(s), px(e.x, e.y));
    end();
}

static void check_click(void)
{
    begin("click-notifies");
    set_basic();
    uint64_t start = start_of_day() + 6 * 60 * MIN;
    int n = g_notes;
    click(3, 5);
    expect(g_notes == n + 1, "%d notifications, expected 1", g_notes - n);
    expect(!wcscmp(g_server, L"srv03"), "server %s", A(g_server));
    expect(g_t0 == start + 5 * 15 * MIN && g_t1 == start + 6 * 15 * MIN, "[%llu, %llu)", g_t0, g_t1);
    expect(!g_bad_hdr && !g_null_server, "bad header or NULL server");
    expect(GetFocus() == g_ctl, "the click did not focus the control");
    size_t s = 9, b = 9;
    expect(timeline_get_selection(g_ctl, &s, &b) && s == 3 && b == 5, "selection %zu,%zu", s, b);
    click(1, 12);
    expect(g_notes == n + 2 && !wcscmp(g_server, L"srv01") && g_t0 == start + 12 * 15 * MIN, "second click: %s %llu",
           A(g_server), g_t0);
    n = g_notes;
    click(0, 5);   /* no events: selected, not sent */
    expect(g_notes == n, "an empty cell notified");
    expect(timeline_get_selection(g_ctl, &s, &b) && s == 0 && b == 5, "empty cell not selected (%zu,%zu)", s, b);
    RECT r;
    timeline_cell_rect(g_ctl, 3, 5, &r);
    click_at(r.left / 2, (r.top + r.bottom) / 2);   /* the name column */
    POINT a = centre(3, 5), z = centre(3, 6);
    SendMessageW(g_ctl, WM_LBUTTONDOWN, MK_LBUTTON, MAKELPARAM(a.x, a.y));
    SendMessageW(g_ctl, WM_LBUTTONUP, 0, MAKELPARAM(z.x, z.y));   /* down on one, up on another */
    expect(g_notes == n, "%d notifications from the name column or a dragged click", g_notes - n);
    /* the edges: each cell's first and last pixel column are its own */
    timeline_cell_rect(g_ctl, 4, 6, &r);
    click_at(r.left, r.top);
    expect(g_notes == n + 1 && !wcscmp(g_server, L"") && g_t0 == start + 6 * 15 * MIN,
           "left edge of (4,6): %d, \"%s\" %llu", g_notes - n, A(g_server), g_t0);
    RECT r2;
    timeline_cell_rect(g_ctl, 4, 5, &r2);
    click_at(r2.right - 1, r2.bottom - 1);
    expect(timeline_get_selection(g_ctl, &s, &b) && s == 4 && b == 5, "right edge of (4,5) selects %zu,%zu", s, b);
    end();
}

static void check_keyboard(void)
{
    begin("keyboard");
    timeline_set(g_ctl, NULL, NULL);   /* the same grid again would keep a selection */
    set_basic();
    uint64_t start = start_of_day() + 6 * 60 * MIN;
    LRESULT code = SendMessageW(g_ctl, WM_GETDLGCODE, 0, 0);
    MSG m = {g_ctl, WM_KEYDOWN, VK_RETURN, 0, 0, {0, 0}};
    LRESULT enter = SendMessageW(g_ctl, WM_GETDLGCODE, VK_RETURN, (LPARAM)&m);
    expect((code & DLGC_WANTARROWS) && (enter & DLGC_WANTMESSAGE), "WM_GETDLGCODE %lld / Enter %lld", (long long)code,
           (long long)enter);
    SetFocus(g_ctl);
    size_t s = 9, b = 9;
    expect(!timeline_get_selection(g_ctl, &s, &b), "a selection after timeline_set");
    key(VK_DOWN);   /* the first key selects the first cell shown */
    expect(timeline_get_selection(g_ctl, &s, &b) && s == 0 && b == 0, "first key: %zu,%zu", s, b);
    int n = g_notes;
    key(VK_RETURN);
    expect(g_notes == n + 1 && !wcscmp(g_server, L"srv00") && g_t0 == start, "Enter on (0,0): %s", A(g_server));
    for (int i = 0; i < 3; i++)
        key(VK_DOWN);
    for (int i = 0; i < 5; i++)
        key(VK_RIGHT);
    n = g_notes;
    key(VK_RETURN);
    expect(g_notes == n + 1 && !wcscmp(g_server, L"srv03") && g_t0 == start + 5 * 15 * MIN && g_t1 == g_t0 + 15 * MIN,
           "Enter on (3,5): %s %llu", A(g_server), g_t0);
    key(VK_RIGHT);
    key(VK_SPACE);
    expect(g_notes == n + 2 && g_t0 == start + 6 * 15 * MIN, "Space on (3,6): %llu", g_t0);
    key(VK_UP);
    key(VK_SPACE);   /* (2,6): no events */
    expect(g_notes == n + 2, "Space on an empty cell notified");
    for (int i = 0; i < 60; i++)
        key(VK_LEFT);
    for (int i = 0; i < 20; i++)
        key(VK_UP);
    expect(timeline_get_selection(g_ctl, &s, &b) && s == 0 && b == 0, "past the top left: %zu,%zu", s, b);
    key(VK_END);
    key(VK_NEXT);
    expect(timeline_get_selection(g_ctl, &s, &b) && s == 7 && b == 47, "End, Page Down: %zu,%zu", s, b);
    /* the grid computed again as rows come (same servers, same buckets) keeps the selection */
    set_basic();
    expect(timeline_get_selection(g_ctl, &s, &b) && s == 7 && b == 47, "the same grid again: %zu,%zu", s, b);
    timeline_set(g_ctl, NULL, NULL);
    set_basic();
    expect(!timeline_get_selection(g_ctl, &s, &b), "a selection kept across an empty grid");
    end();
}

static void check_hover(void)
{
    begin("hover");
    set_basic();
    WCHAR t[256];
    timeline_cell_text(g_ctl, 1, 10, t, 256);
    expect(wcsstr(t, L"srv01 \u00b7 ") == t && wcsstr(t, L"40 events, worst: Error"), "cell text \"%s\"", A(t));
    expect(wcsstr(t, L"\u2013") != NULL, "no time range in \"%s\"", A(t));
    /* local time: t_timeline.sh runs this with TZ=Asia/Kolkata (UTC+5:30, no DST); bucket 10 is
       08:30-08:45 UTC */
    const char *tz = getenv("TZ");
    if (tz && !strcmp(tz, "Asia/Kolkata"))
        expect(wcsstr(t, L" 2026-11-28 14:00\u201314:15 ") != NULL, "not local time: \"%s\"", A(t));
    else
        printf("     TZ is not Asia/Kolkata: local time not checked\n");
    timeline_cell_text(g_ctl, 4, 6, t, 256);
    expect(wcsstr(t, L"(unnamed)") && wcsstr(t, L"9 events, worst: Warning"), "unnamed: \"%s\"", A(t));
    timeline_cell_text(g_ctl, 0, 5, t, 256);
    expect(wcsstr(t, L"no events") != NULL, "empty: \"%s\"", A(t));
    POINT p = centre(1, 10);
    RECT r;
    timeline_cell_rect(g_ctl, 1, 10, &r);
    render();
    uint32_t before = px(r.left, p.y);
    SendMessageW(g_ctl, WM_MOUSEMOVE, 0, MAKELPARAM(p.x, p.y));
    render();
    expect(px(r.left, p.y) != before && px(r.left, p.y) == rgb_of(GetSysColor(COLOR_HIGHLIGHT)),
           "the hovered cell's edge %06x (was %06x)", px(r.left, p.y), before);
    end();
}

int wmain(int argc, WCHAR **argv)
{
    HINSTANCE inst = GetModuleHandleW(NULL);
    begin("register-create");
    expect(timeline_register(inst) && timeline_register(inst), "timeline_register failed");
    WNDCLASSW wc = {0, top_proc, 0, 0, inst, NULL, LoadCursorW(NULL, (LPCWSTR)IDC_ARROW),
                    (HBRUSH)(COLOR_BTNFACE + 1), NULL, L"TimelineTestTop"};
    RegisterClassW(&wc);
    RECT wr = {0, 0, 920, 400};
    AdjustWindowRect(&wr, WS_OVERLAPPEDWINDOW, FALSE);
    g_top = CreateWindowW(L"TimelineTestTop", L"Timeline - EventSweep", WS_OVERLAPPEDWINDOW, 20, 20, wr.right - wr.left,
                          wr.bottom - wr.top, NULL, NULL, inst, NULL);
    g_ctl = timeline_create(g_top, ID_TL);
    expect(g_top && g_ctl, "no window");
    expect(g_ctl && !(GetWindowLongW(g_ctl, GWL_STYLE) & WS_VISIBLE) && (GetWindowLongW(g_ctl, GWL_STYLE) & WS_TABSTOP),
           "the control is visible or not a tab stop");
    NONCLIENTMETRICSW ncm;
    memset(&ncm, 0, sizeof ncm);
    ncm.cbSize = sizeof ncm;
    SystemParametersInfoW(SPI_GETNONCLIENTMETRICS, sizeof ncm, &ncm, 0);
    HFONT font = g_font = CreateFontIndirectW(&ncm.lfMessageFont);
    SendMessageW(g_ctl, WM_SETFONT, (WPARAM)font, TRUE);
    expect(SendMessageW(g_ctl, WM_GETFONT, 0, 0) == (LRESULT)font, "WM_GETFONT");
    ShowWindow(g_top, SW_SHOW);
    ShowWindow(g_ctl, SW_SHOW);
    RECT cr;
    GetClientRect(g_top, &cr);
    MoveWindow(g_ctl, 8, 8, cr.right - 16, cr.bottom - 16, TRUE);
    UpdateWindow(g_top);
    pump();
    end();
    if (argc > 2 && !wcscmp(argv[1], L"--show")) {
        show(_wtoi(argv[2]));
        return 0;
    }
    check_empty();
    check_layout();
    check_colours();
    check_click();
    check_keyboard();
    check_hover();
    check_font();
    check_reentry();
    check_scroll();
    check_many();
    check_no_leak();
    DestroyWindow(g_top);
    DeleteObject(font);
    free(g_px);
    return failures ? 1 : 0;
}
