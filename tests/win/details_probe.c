/* details_probe.exe: drives EventSweep's results list and reads its details pane, for
 * tests/e2e/t_details.sh (another process cannot pass pointers in ListView messages, so the
 * LVITEM and its text live in memory allocated in the app's process).
 *
 *   details_probe.exe select TITLE SERVER OUT [SOURCE]   selects the first row whose Server
 *       column is SERVER (and Source column SOURCE, when given) (LVM_SETITEMSTATE: the app sees LVN_ITEMCHANGED as from a click), waits until
 *       the pane's General page no longer says it is loading (30 s at most), and writes
 *       OUT-general.txt, OUT-xml.txt (the pages' text) and OUT-row.txt (the row's Record and
 *       Message cells) in UTF-8. Prints "row=N ms=T" (T: selection to answer).
 *   details_probe.exe burst TITLE SERVER OUT N   selects the first N rows of SERVER one after
 *       another, 10 ms apart (a user holding the Down key), then waits and writes as select
 *       does, for the last of them: the pane must show that one.
 *   details_probe.exe focus TITLE               prints the control ID that has the keyboard
 *       focus in the app ("focus=ID").
 *   details_probe.exe list TITLE OUT            writes the results list as it shows it to OUT
 *       (UTF-8, tab-separated): a line of the column titles, then each row's cells, columns in
 *       their subitem order. Prints "rows=N columns=M".
 *   details_probe.exe columns TITLE            prints each column of the results list, in subitem
 *       order: "TITLE width=PIXELS pos=DISPLAY-POSITION".
 * Exit code 0 when done, 1 when the window or row was not found, 2 when the pane never
 * answered. */
#include <windows.h>
#include <commctrl.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#define IDC_RESULTS         1015
#define IDC_DETAILS_TAB     1250
#define IDC_DETAILS_GENERAL 1251
#define IDC_DETAILS_XML     1252
#define TEXT_CAP            16384
#include "lvremote.h"


static void set_state(HWND lv, int item, UINT state, UINT mask)
{
    LVITEMW it;
    memset(&it, 0, sizeof it);
    it.state = state;
    it.stateMask = mask;
    SIZE_T n;
    WriteProcessMemory(g_proc, g_remote, &it, sizeof it, &n);
    SendMessageW(lv, LVM_SETITEMSTATE, (WPARAM)item, (LPARAM)g_remote);
}

/* The columns: title, width and place (LVM_GETCOLUMNORDERARRAY into the app's process). */
static int list_columns(HWND lv)
{
    int ncols = column_count(lv);
    int order[64], pos[64];
    SIZE_T n;
    if (ncols <= 0 || ncols > 64 || !SendMessageW(lv, LVM_GETCOLUMNORDERARRAY, (WPARAM)ncols, (LPARAM)g_remote) ||
        !ReadProcessMemory(g_proc, g_remote, order, (size_t)ncols * sizeof *order, &n))
        return 1;
    for (int p = 0; p < ncols; p++)
        if (order[p] >= 0 && order[p] < ncols)
            pos[order[p]] = p;
    static WCHAR title[TEXT_CAP];
    for (int c = 0; c < ncols; c++) {
        column_title(lv, c, title);
        printf("%ls width=%d pos=%d\n", title, (int)SendMessageW(lv, LVM_GETCOLUMNWIDTH, (WPARAM)c, 0), pos[c]);
    }
    return 0;
}

/* The list as shown (lvremote.h's lv_dump). */
static int list_rows(HWND lv, const WCHAR *out_path)
{
    int count = lv_dump(lv, out_path);
    if (count < 0)
        return 1;
    printf("rows=%d columns=%d\n", count, column_count(lv));
    return 0;
}

static WCHAR *text_of(HWND h)
{
    LRESULT len = SendMessageW(h, WM_GETTEXTLENGTH, 0, 0);
    WCHAR *t = calloc((size_t)len + 2, sizeof *t);
    if (t)
        SendMessageW(h, WM_GETTEXT, (WPARAM)len + 1, (LPARAM)t);
    return t;
}

static void write_utf8(const WCHAR *path, const WCHAR *text)
{
    FILE *f = _wfopen(path, L"wb");
    if (!f)
        return;
    int n = WideCharToMultiByte(CP_UTF8, 0, text, -1, NULL, 0, NULL, NULL);
    char *u = malloc(n > 0 ? (size_t)n : 1);
    if (u && n > 0) {
        WideCharToMultiByte(CP_UTF8, 0, text, -1, u, n, NULL, NULL);
        fwrite(u, 1, (size_t)n - 1, f);
    }
    free(u);
    fclose(f);
}

int wmain(int argc, WCHAR **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: details_probe.exe select TITLE SERVER OUT [SOURCE] | focus TITLE | list TITLE OUT\n");
        return 1;
    }
    HWND dlg = NULL;
    for (int i = 0; i < 200 && !dlg; i++)
        if (!(dlg = FindWindowW(NULL, argv[2])))
            Sleep(50);
    if (!dlg) {
        fprintf(stderr, "details_probe: no window titled \"%ls\"\n", argv[2]);
        return 1;
    }
    DWORD pid = 0, tid = GetWindowThreadProcessId(dlg, &pid);
    if (wcscmp(argv[1], L"focus") == 0) {
        GUITHREADINFO gi;
        memset(&gi, 0, sizeof gi);
        gi.cbSize = sizeof gi;
        GetGUIThreadInfo(tid, &gi);
        printf("focus=%d\n", gi.hwndFocus ? GetDlgCtrlID(gi.hwndFocus) : 0);
        return 0;
    }
    BOOL list = wcscmp(argv[1], L"list") == 0, columns = wcscmp(argv[1], L"columns") == 0;
    if (list ? argc != 4 : columns ? argc != 3 : argc != 5 && argc != 6)
        return 1;
    HWND lv = GetDlgItem(dlg, IDC_RESULTS), tab = GetDlgItem(dlg, IDC_DETAILS_TAB);
    HWND general = tab ? GetDlgItem(tab, IDC_DETAILS_GENERAL) : NULL, xml = tab ? GetDlgItem(tab, IDC_DETAILS_XML) : NULL;
    if (!lv || (!list && !columns && (!general || !xml))) {
        fprintf(stderr, "details_probe: no results list or details pane\n");
        return 1;
    }
    g_proc = OpenProcess(PROCESS_VM_OPERATION | PROCESS_VM_READ | PROCESS_VM_WRITE, FALSE, pid);
    g_remote = g_proc ? VirtualAllocEx(g_proc, NULL, sizeof(LVITEMW) + TEXT_CAP * sizeof(WCHAR), MEM_COMMIT | MEM_RESERVE,
                                       PAGE_READWRITE)
                      : NULL;
    if (!g_remote) {
        fprintf(stderr, "details_probe: no memory in the app's process (%lu)\n", GetLastError());
        return 1;
    }
    if (list || columns) {
        int rc = columns ? list_columns(lv) : list_rows(lv, argv[3]);
        VirtualFreeEx(g_proc, g_remote, 0, MEM_RELEASE);
        CloseHandle(g_proc);
        return rc;
    }
    static WCHAR buf[TEXT_CAP], rec[TEXT_CAP], msg[TEXT_CAP];
    BOOL burst = wcscmp(argv[1], L"burst") == 0;
    int want = burst ? _wtoi(argv[5]) : 1;
    int count = (int)SendMessageW(lv, LVM_GETITEMCOUNT, 0, 0), row = -1, found = 0;
    int *rows = calloc((size_t)(want > 0 ? want : 1), sizeof *rows);
    for (int i = 0; rows && i < count && found < want; i++)
        if (cell(lv, i, 0, buf) && _wcsicmp(buf, argv[3]) == 0 &&
            (burst || argc < 6 || (cell(lv, i, 3, buf) && wcscmp(buf, argv[5]) == 0)))
            rows[found++] = i;
    if (found < want || want < 1) {
        fprintf(stderr, "details_probe: %d rows of %ls among %d, %d wanted\n", found, argv[3], count, want);
        return 1;
    }
    row = rows[want - 1];
    cell(lv, row, 6, rec);
    cell(lv, row, 8, msg);
    ULONGLONG t0 = GetTickCount64();
    for (int k = 0; k < want; k++) {
        if (k)
            Sleep(10);
        set_state(lv, -1, 0, LVIS_SELECTED); /* one row selected, as a click leaves it */
        t0 = GetTickCount64();
        set_state(lv, rows[k], LVIS_SELECTED | LVIS_FOCUSED, LVIS_SELECTED | LVIS_FOCUSED);
    }
    free(rows);
    printf("selected\n"); /* for a test that closes the window now */
    fflush(stdout);
    SendMessageW(lv, LVM_ENSUREVISIBLE, (WPARAM)row, FALSE);
    WCHAR *g = NULL;
    BOOL answered = FALSE;
    while (GetTickCount64() - t0 < 30000 && IsWindow(general)) {
        free(g);
        g = text_of(general);
        if (g && g[0] && !wcsstr(g, L"\u2026")) { /* "Loading…", "Reading the saved log…" */
            answered = TRUE;
            break;
        }
        Sleep(5);
    }
    DWORD ms = (DWORD)(GetTickCount64() - t0);
    WCHAR path[MAX_PATH * 2], rowtext[TEXT_CAP * 2 + 32];
    swprintf(path, MAX_PATH * 2, L"%ls-general.txt", argv[4]);
    write_utf8(path, g ? g : L"");
    WCHAR *x = text_of(xml);
    swprintf(path, MAX_PATH * 2, L"%ls-xml.txt", argv[4]);
    write_utf8(path, x ? x : L"");
    swprintf(path, MAX_PATH * 2, L"%ls-row.txt", argv[4]);
    swprintf(rowtext, TEXT_CAP * 2 + 32, L"%ls\n%ls\n", rec, msg);
    write_utf8(path, rowtext);
    printf("row=%d ms=%lu\n", row, (unsigned long)ms);
    free(g);
    free(x);
    VirtualFreeEx(g_proc, g_remote, 0, MEM_RELEASE);
    CloseHandle(g_proc);
    return answered ? 0 : 2;
}
