/* fleet_probe.exe: drives EventSweep's Summary tab and reads the results, for
 * tests/e2e/t_fleet.sh (another process cannot pass pointers in ListView messages, so the
 * LVITEM and its text live in memory allocated in the app's process).
 *
 *   fleet_probe.exe tab TITLE N            shows tab N of the bottom pane (TCM_SETCURFOCUS: the
 *       app gets TCN_SELCHANGE as from a click; -1: none). Prints "tab=N", the tab shown.
 *   fleet_probe.exe summary TITLE OUT      waits (60 s at most) until the summary list is filled
 *       and its line says no job runs, then writes the list as shown to OUT (UTF-8, tab-separated:
 *       the titles, then each group). Prints "groups=N ms=T" (T: the job's time) and "info=...".
 *   fleet_probe.exe pick TITLE ITEM OUT    selects summary item ITEM as a click would
 *       (LVM_SETITEMSTATE), waits until the count label names a pick and the view is idle, then
 *       writes the results list to OUT. Prints "rows=N", "label=...", "showall=0|1".
 *   fleet_probe.exe esc TITLE              Esc in the results list (posted), then as pick prints.
 *   fleet_probe.exe cell TITLE OUT         on the Timeline page (shown first): Home selects the
 *       first cell, then Enter on each cell to the right (keys posted to the control) until
 *       one with events picks its rows; then as pick prints and writes.
 *   fleet_probe.exe rule TITLE N T         types N and T into the rule's edits (WM_SETTEXT), waits
 *       a moment and prints "info=..." (the page's line: a bad value is said there).
 *   fleet_probe.exe ms TITLE               prints "ms=T": the last summary job's time, -1 when none
 *       has ended yet.
 *   fleet_probe.exe find TITLE TEXT        types TEXT into the Find box (WM_SETTEXT). Prints "find=TEXT".
 *   fleet_probe.exe point TITLE ITEM       prints "x=X y=Y": a screen point in the background of
 *       the Events cell of summary item ITEM (for a pixel of a screenshot).
 * Exit code 0 when done, 1 when the window or a control was not found, 2 on a time-out. */
#include <windows.h>
#include <commctrl.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#define IDC_RESULTS       1015
#define IDC_VIEW_COUNT    1302
#define IDC_FIND          1301
#define IDC_DETAILS_TAB   1250
#define IDC_FLEET_SUMMARY 1260
#define IDC_SUM_LIST      1262
#define IDC_SUM_SERVERS   1264
#define IDC_SUM_MINUTES   1267
#define IDC_SUM_INFO      1270
#define IDC_PICK_CLEAR    1274
#define IDC_FLEET_TIMELINE 1261
#define IDC_TIMELINE      1271
#define TEXT_CAP          4096
#include "lvremote.h"


static void text_of(HWND h, WCHAR *out)
{
    out[0] = 0;
    SendMessageW(h, WM_GETTEXT, TEXT_CAP, (LPARAM)out);
}

static void print_utf8(const char *key, const WCHAR *w)
{
    static char u[TEXT_CAP * 3];
    WideCharToMultiByte(CP_UTF8, 0, w, -1, u, (int)sizeof u, NULL, NULL);
    printf("%s=%s\n", key, u);
}

/* The results after a pick or its end: the label settled (no job), the list's count. */
static int results(HWND dlg, BOOL want_pick, const WCHAR *out)
{
    HWND lv = GetDlgItem(dlg, IDC_RESULTS), label = GetDlgItem(dlg, IDC_VIEW_COUNT);
    static WCHAR t[TEXT_CAP];
    int ok = 0;
    for (int i = 0; i < 600 && !ok; i++) {
        Sleep(50);
        text_of(label, t);
        BOOL picked = wcsstr(t, L"\u2014") != NULL;
        ok = picked == want_pick && !wcsstr(t, L"Sorting");
    }
    Sleep(300);   /* the list takes its new count with the label */
    text_of(label, t);
    int n = out ? lv_dump(lv, out) : (int)SendMessageW(lv, LVM_GETITEMCOUNT, 0, 0);
    printf("rows=%d\n", n);
    print_utf8("label", t);
    printf("showall=%d\n", IsWindowVisible(GetDlgItem(dlg, IDC_PICK_CLEAR)) ? 1 : 0);
    return ok ? 0 : 2;
}

int wmain(int argc, WCHAR **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: fleet_probe.exe tab|summary|pick|cell|esc|rule|ms|find|point TITLE ...\n");
        return 1;
    }
    HWND dlg = NULL;
    for (int i = 0; i < 200 && !dlg; i++)
        if (!(dlg = FindWindowW(NULL, argv[2])))
            Sleep(50);
    HWND tab = dlg ? GetDlgItem(dlg, IDC_DETAILS_TAB) : NULL;
    HWND page = tab ? GetDlgItem(tab, IDC_FLEET_SUMMARY) : NULL;
    HWND list = page ? GetDlgItem(page, IDC_SUM_LIST) : NULL;
    if (!list) {
        fprintf(stderr, "fleet_probe: no window \"%ls\" with a Summary page\n", argv[2]);
        return 1;
    }
    DWORD pid = 0;
    GetWindowThreadProcessId(dlg, &pid);
    g_proc = OpenProcess(PROCESS_VM_OPERATION | PROCESS_VM_READ | PROCESS_VM_WRITE, FALSE, pid);
    g_remote = g_proc ? VirtualAllocEx(g_proc, NULL, sizeof(LVITEMW) + TEXT_CAP * sizeof(WCHAR) + 64,
                                       MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE)
                      : NULL;
    if (!g_remote)
        return 1;
    static WCHAR t[TEXT_CAP];
    const WCHAR *cmd = argv[1];
    if (!wcscmp(cmd, L"tab") && argc == 4) {
        if (_wtoi(argv[3]) >= 0) {   /* -1: only say which is shown */
            SendMessageW(tab, TCM_SETCURFOCUS, (WPARAM)_wtoi(argv[3]), 0);
            Sleep(200);
        }
        printf("tab=%d\n", (int)SendMessageW(tab, TCM_GETCURSEL, 0, 0));
        return 0;
    }
    if (!wcscmp(cmd, L"summary") && argc == 4) {
        HWND info = GetDlgItem(page, IDC_SUM_INFO);
        int ok = 0;
        for (int i = 0; i < 1200 && !ok; i++) {
            Sleep(50);
            text_of(info, t);
            ok = SendMessageW(list, LVM_GETITEMCOUNT, 0, 0) > 0 && wcsstr(t, L" rows;") && !wcsstr(t, L"Updating");
        }
        int n = lv_dump(list, argv[3]);
        printf("groups=%d ms=%d\n", n, (int)(INT_PTR)GetPropW(list, L"fleet_ms") - 1);
        print_utf8("info", t);
        return ok ? 0 : 2;
    }
    if (!wcscmp(cmd, L"pick") && argc == 5) {
        LVITEMW it;
        memset(&it, 0, sizeof it);
        it.state = it.stateMask = LVIS_SELECTED | LVIS_FOCUSED;
        SIZE_T n;
        WriteProcessMemory(g_proc, g_remote, &it, sizeof it, &n);
        SendMessageW(list, LVM_SETITEMSTATE, (WPARAM)_wtoi(argv[3]), (LPARAM)g_remote);
        return results(dlg, TRUE, argv[4]);
    }
    if (!wcscmp(cmd, L"cell") && argc == 4) {
        HWND tlpage = GetDlgItem(tab, IDC_FLEET_TIMELINE);
        HWND tl = tlpage ? GetDlgItem(tlpage, IDC_TIMELINE) : NULL;
        if (!tl)
            return 1;
        HWND lbl = GetDlgItem(dlg, IDC_VIEW_COUNT);
        PostMessageW(tl, WM_KEYDOWN, VK_HOME, 0x00470001);
        Sleep(200);
        for (int i = 0; i < 80; i++) {
            PostMessageW(tl, WM_KEYDOWN, VK_RETURN, 0x001C0001);
            Sleep(300);
            text_of(lbl, t);
            if (wcsstr(t, L" from "))
                break;
            PostMessageW(tl, WM_KEYDOWN, VK_RIGHT, 0x014D0001);
            Sleep(50);
        }
        return results(dlg, TRUE, argv[3]);
    }
    if (!wcscmp(cmd, L"esc") && argc == 3) {
        HWND lv = GetDlgItem(dlg, IDC_RESULTS);
        PostMessageW(lv, WM_KEYDOWN, VK_ESCAPE, 0x00010001);
        PostMessageW(lv, WM_KEYUP, VK_ESCAPE, 0xC0010001);
        return results(dlg, FALSE, NULL);
    }
    if (!wcscmp(cmd, L"rule") && argc == 5) {
        SendMessageW(GetDlgItem(page, IDC_SUM_SERVERS), WM_SETTEXT, 0, (LPARAM)argv[3]);
        SendMessageW(GetDlgItem(page, IDC_SUM_MINUTES), WM_SETTEXT, 0, (LPARAM)argv[4]);
        Sleep(300);
        text_of(GetDlgItem(page, IDC_SUM_INFO), t);
        print_utf8("info", t);
        return 0;
    }
    if (!wcscmp(cmd, L"ms") && argc == 3) {
        printf("ms=%d\n", (int)(INT_PTR)GetPropW(list, L"fleet_ms") - 1);
        return 0;
    }
    if (!wcscmp(cmd, L"find") && argc == 4) {
        SendMessageW(GetDlgItem(dlg, IDC_FIND), WM_SETTEXT, 0, (LPARAM)argv[3]);
        Sleep(300);
        print_utf8("find", argv[3]);
        return 0;
    }
    if (!wcscmp(cmd, L"point") && argc == 4) {
        RECT r = {LVIR_BOUNDS, 2, 0, 0};   /* top = the subitem (Events), left = what to get */
        SIZE_T n;
        WriteProcessMemory(g_proc, g_remote, &r, sizeof r, &n);
        SendMessageW(list, LVM_GETSUBITEMRECT, (WPARAM)_wtoi(argv[3]), (LPARAM)g_remote);
        ReadProcessMemory(g_proc, g_remote, &r, sizeof r, &n);
        POINT p = {r.left + 3, (r.top + r.bottom) / 2};
        ClientToScreen(list, &p);
        printf("x=%ld y=%ld\n", (long)p.x, (long)p.y);
        return 0;
    }
    fprintf(stderr, "fleet_probe: unknown command or arguments\n");
    return 1;
}
