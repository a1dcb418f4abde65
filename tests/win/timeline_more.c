/* The timeline control's test program, continued (timeline_test.h): the font, the parent's
 * re-entry, scrolling 200 servers, 1000 servers with huge counts, timeline_set without a leak,
 * and the screenshot's window. */
#include "timeline_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

void check_font(void)
{
    begin("font-scales");
    set_basic();
    RECT a, b;
    timeline_cell_rect(g_ctl, 0, 0, &a);
    HFONT old = (HFONT)SendMessageW(g_ctl, WM_GETFONT, 0, 0);
    LOGFONTW lf;
    GetObjectW(old ? (HGDIOBJ)old : GetStockObject(DEFAULT_GUI_FONT), sizeof lf, &lf);
    lf.lfHeight *= 2;   /* as at 192 DPI */
    HFONT big = CreateFontIndirectW(&lf);
    SendMessageW(g_ctl, WM_SETFONT, (WPARAM)big, TRUE);
    expect(timeline_cell_rect(g_ctl, 0, 0, &b), "no cell with the big font");
    int ha = a.bottom - a.top, hb = b.bottom - b.top;
    expect(hb * 10 >= ha * 17, "row height %d with the font doubled, %d before", hb, ha);
    expect(b.left > a.left, "the name column did not grow (%ld, %ld)", b.left, a.left);
    SendMessageW(g_ctl, WM_SETFONT, (WPARAM)old, TRUE);
    DeleteObject(big);
    timeline_cell_rect(g_ctl, 0, 0, &b);
    expect(b.bottom - b.top == ha, "back to the dialog font: %ld, expected %d", b.bottom - b.top, ha);
    end();
}

/* The parent replaces the grid, or destroys the control, while it handles the click. */
void check_reentry(void)
{
    begin("set-during-click");
    set_basic();
    int n = g_notes;
    g_replace_in_notify = 1;
    click(3, 5);
    expect(g_notes == n + 1 && !g_server_changed, "the server's name changed under the handler");
    RECT r;
    expect(!timeline_cell_rect(g_ctl, 3, 5, &r), "the old grid is still there");
    set_basic();
    SetFocus(g_ctl);
    key(VK_DOWN);
    key(VK_RETURN);   /* (0,0) */
    expect(g_notes == n + 2 && !g_server_changed && !wcscmp(g_server, L"srv00"), "Enter: %s", A(g_server));
    set_basic();
    g_replace_in_notify = 2;
    click(3, 5);
    expect(g_notes == n + 3 && !g_server_changed && !IsWindow(g_ctl), "destroyed in the handler");
    g_replace_in_notify = 0;
    g_ctl = timeline_create(g_top, ID_TL);
    SendMessageW(g_ctl, WM_SETFONT, (WPARAM)g_font, FALSE);
    RECT cr;
    GetClientRect(g_top, &cr);
    MoveWindow(g_ctl, 8, 8, cr.right - 16, cr.bottom - 16, TRUE);
    ShowWindow(g_ctl, SW_SHOW);
    end();
}

void check_scroll(void)
{
    begin("scroll-200");
    es_timeline *t = grid(200, 24, 60 * MIN);
    for (size_t s = 0; s < 200; s++)
        put(t, s, s % 24, 1 + (uint32_t)s, (uint8_t)(1 + s % 5));
    timeline_set(g_ctl, t, names(200, L"host%03u"));
    SCROLLINFO si = {sizeof si, SIF_ALL, 0, 0, 0, 0, 0};
    GetScrollInfo(g_ctl, SB_VERT, &si);
    int page = (int)si.nPage;
    expect(si.nMax == 199 && page > 3 && page < 200 && si.nPos == 0, "scroll info max %d page %d pos %d", si.nMax, page,
           si.nPos);
    expect(GetWindowLongW(g_ctl, GWL_STYLE) & WS_VSCROLL, "no scroll bar shown");
    RECT r;
    expect(!timeline_cell_rect(g_ctl, 199, 0, &r) && timeline_cell_rect(g_ctl, 0, 0, &r), "rows shown before scrolling");
    SendMessageW(g_ctl, WM_VSCROLL, SB_PAGEDOWN, 0);
    GetScrollInfo(g_ctl, SB_VERT, &si);
    expect(si.nPos == page, "page down: pos %d, expected %d", si.nPos, page);
    RECT top0;
    timeline_cell_rect(g_ctl, (size_t)page, 0, &top0);
    click_at(top0.left + 2, top0.top + 2);   /* the top row shown */
    size_t s = 0, b = 0;
    expect(timeline_get_selection(g_ctl, &s, &b) && s == (size_t)page, "the top row after page down is %zu", s);
    UINT lines = 3;
    SystemParametersInfoW(SPI_GETWHEELSCROLLLINES, 0, &lines, 0);
    SendMessageW(g_ctl, WM_MOUSEWHEEL, MAKEWPARAM(0, -WHEEL_DELTA), 0);
    GetScrollInfo(g_ctl, SB_VERT, &si);
    expect(si.nPos == page + (int)lines, "wheel: pos %d, expected %d", si.nPos, page + (int)lines);
    SendMessageW(g_ctl, WM_VSCROLL, SB_BOTTOM, 0);
    GetScrollInfo(g_ctl, SB_VERT, &si);
    expect(si.nPos == 200 - page && timeline_cell_rect(g_ctl, 199, 0, &r), "bottom: pos %d", si.nPos);
    int n = g_notes;
    click(199, 199 % 24);
    expect(g_notes == n + 1 && !wcscmp(g_server, L"host199"), "the last row: %s", A(g_server));
    SendMessageW(g_ctl, WM_VSCROLL, SB_TOP, 0);
    click(0, 0);
    for (int i = 0; i < page; i++)
        key(VK_DOWN);   /* one below the page: it scrolls one row */
    GetScrollInfo(g_ctl, SB_VERT, &si);
    expect(si.nPos == 1, "keyboard below the page: pos %d", si.nPos);
    end();
}

void check_many(void)
{
    begin("1000-servers-huge-counts");
    es_timeline *t = grid(1000, 60, MIN);
    for (size_t s = 0; s < 1000; s++)
        put(t, s, s % 60, s == 999 ? UINT32_MAX : (uint32_t)(s * 4000000u), 2);
    WCHAR **n = names(1000, L"a-very-long-server-name-%04u.in.a.very.long.subdomain.of.a.long.domain.that.goes.on.example.com");
    free(n[500]);
    n[500] = NULL;
    timeline_set(g_ctl, t, n);
    SendMessageW(g_ctl, WM_VSCROLL, SB_BOTTOM, 0);
    render();
    POINT p = centre(999, 999 % 60);
    expect(p.x >= 0 && px(p.x, p.y) == es_level_rgb(2), "the busiest cell %06x", px(p.x, p.y));
    int k = g_notes;
    click(999, 999 % 60);
    expect(g_notes == k + 1 && wcsstr(g_server, L"0999") != NULL, "the last server: %s", A(g_server));
    SCROLLINFO si = {sizeof si, SIF_ALL, 0, 0, 0, 0, 0};
    GetScrollInfo(g_ctl, SB_VERT, &si);
    expect(si.nMax == 999, "max %d", si.nMax);
    RECT r = {0};
    expect(timeline_cell_rect(g_ctl, 999, 0, &r), "the last row is not shown");
    expect(r.left > 0 && r.left <= g_w * 2 / 5, "the name column takes %ld of %d px", r.left, g_w);
    end();
}

void check_no_leak(void)
{
    begin("no-leak");
    SIZE_T before = private_bytes();
    for (int i = 0; i < 1000; i++) {
        es_timeline *t = grid(100, 60, MIN);
        for (size_t s = 0; s < 100; s++)
            put(t, s, (s + (size_t)i) % 60, 5, 3);
        timeline_set(g_ctl, t, names(100, L"leak-check-server-%03u"));
        if (i % 100 == 0)
            render();
    }
    timeline_set(g_ctl, NULL, NULL);
    for (int i = 0; i < 200; i++) {
        HWND h = timeline_create(g_top, 7);
        es_timeline *t = grid(100, 60, MIN);
        put(t, 1, 1, 1, 1);
        timeline_set(h, t, names(100, L"destroyed-with-data-%03u"));
        DestroyWindow(h);
    }
    SIZE_T after = private_bytes();
    /* a leak of the grid alone would be 1200 x ~50 KB = 60 MB */
    printf("     private bytes %lu KB before, %lu KB after\n", (unsigned long)(before / 1024), (unsigned long)(after / 1024));
    expect(after < before + 4 * 1024 * 1024, "private bytes grew by %lu KB", (unsigned long)((after - before) / 1024));
    end();
}

/* ---- the screenshot ---- */

void show(int seconds)
{
    static const WCHAR *const hosts[] = {L"dc01.corp.example.com", L"dc02.corp.example.com", L"sql01",
                                         L"sql02-reporting-cluster-node-a.corp.example.com", L"web01", L"web02",
                                         L"file01", L"exch01"};
    es_timeline *t = grid(8, 48, 15 * MIN);
    unsigned r = 12345;
    for (size_t s = 0; s < 8; s++)
        for (size_t b = 0; b < 48; b++) {
            r = r * 1103515245u + 12345u;
            uint32_t c = (r >> 16) % 30;
            if (c < 6)
                continue;
            put(t, s, b, c, (r >> 8) % 9 == 0 ? 3 : (s == 6 ? 5 : 4));
        }
    for (size_t b = 20; b < 23; b++)   /* an outage: errors on the domain controllers and web01 */
        for (size_t s = 0; s < 5; s += (s == 1 ? 3 : 1))
            put(t, s, b, 60 + (uint32_t)(b * 7 % 40), 2);
    put(t, 2, 30, 3, 1);               /* sql01: one critical */
    put(t, 3, 31, 140, 2);
    WCHAR **n = malloc(8 * sizeof *n);
    for (int i = 0; i < 8; i++)
        n[i] = _wcsdup(hosts[i]);
    timeline_set(g_ctl, t, n);
    RECT wr = {0, 0, 920, 270};   /* room for the 8 rows */
    AdjustWindowRect(&wr, WS_OVERLAPPEDWINDOW, FALSE);
    SetWindowPos(g_top, NULL, 0, 0, wr.right - wr.left, wr.bottom - wr.top, SWP_NOMOVE | SWP_NOZORDER);
    ShowWindow(g_ctl, SW_SHOW);
    SetFocus(g_ctl);
    click(2, 30);
    POINT p = centre(1, 21);
    SendMessageW(g_ctl, WM_MOUSEMOVE, 0, MAKELPARAM(p.x, p.y));
    DWORD until = GetTickCount() + (DWORD)seconds * 1000;
    while ((int)(until - GetTickCount()) > 0) {
        pump();
        Sleep(20);
    }
}

