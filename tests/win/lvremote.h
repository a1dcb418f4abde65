/* lvremote.h: reading another process's ListView from a test probe (details_probe.c,
 * fleet_probe.c). A LVITEMW or LVCOLUMNW cannot carry a pointer across processes, so the struct
 * and its text live in memory allocated in the app's process (g_remote, TEXT_CAP WCHARs after
 * the struct). Include once, after windows.h and commctrl.h; g_proc and g_remote are the
 * includer's to set. Never shipped. */
#ifndef LVREMOTE_H
#define LVREMOTE_H

#include <stdio.h>
#include <string.h>

#ifndef TEXT_CAP
#define TEXT_CAP 16384
#endif

static HANDLE g_proc;
static BYTE  *g_remote;   /* a struct, then TEXT_CAP WCHARs, in the app's process */

/* Sends msg with a copy of st (size bytes: an LVITEMW or LVCOLUMNW whose text points at
 * g_remote + size) in the app's process, and reads the text it wrote back into out. */
static BOOL remote_text(HWND h, UINT msg, WPARAM wp, const void *st, size_t size, WCHAR *out)
{
    SIZE_T n;
    out[0] = 0;
    if (!WriteProcessMemory(g_proc, g_remote, st, size, &n))
        return FALSE;
    SendMessageW(h, msg, wp, (LPARAM)g_remote);
    ReadProcessMemory(g_proc, g_remote + size, out, TEXT_CAP * sizeof(WCHAR), &n);
    out[TEXT_CAP - 1] = 0;
    return TRUE;
}

static BOOL cell(HWND lv, int item, int sub, WCHAR *out)
{
    LVITEMW it;
    memset(&it, 0, sizeof it);
    it.iSubItem = sub;
    it.cchTextMax = TEXT_CAP;
    it.pszText = (WCHAR *)(g_remote + sizeof it);
    return remote_text(lv, LVM_GETITEMTEXTW, (WPARAM)item, &it, sizeof it, out);
}

static int column_count(HWND lv)
{
    HWND hdr = (HWND)SendMessageW(lv, LVM_GETHEADER, 0, 0);
    return hdr ? (int)SendMessageW(hdr, HDM_GETITEMCOUNT, 0, 0) : 0;
}

/* Column c's title. */
static void column_title(HWND lv, int c, WCHAR *out)
{
    LVCOLUMNW col;
    memset(&col, 0, sizeof col);
    col.mask = LVCF_TEXT;
    col.cchTextMax = TEXT_CAP;
    col.pszText = (WCHAR *)(g_remote + sizeof col);
    remote_text(lv, LVM_GETCOLUMNW, (WPARAM)c, &col, sizeof col, out);
}

/* The list as shown into path (UTF-8, tab-separated): the titles, then every row's cells in
 * subitem order (tabs and line breaks as spaces). Returns the rows, -1 when it cannot. */
static int lv_dump(HWND lv, const WCHAR *path)
{
    int ncols = column_count(lv);
    int count = (int)SendMessageW(lv, LVM_GETITEMCOUNT, 0, 0);
    FILE *f = ncols > 0 ? _wfopen(path, L"wb") : NULL;
    if (!f)
        return -1;
    static WCHAR w[TEXT_CAP];
    static char u[TEXT_CAP * 3];
    for (int i = -1; i < count; i++)
        for (int c = 0; c < ncols; c++) {
            if (i < 0)
                column_title(lv, c, w);
            else
                cell(lv, i, c, w);
            for (WCHAR *p = w; *p; p++)
                if (*p == L'\t' || *p == L'\r' || *p == L'\n')
                    *p = L' ';
            int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, u, (int)sizeof u, NULL, NULL);
            fprintf(f, "%s%s%s", c ? "\t" : "", n > 0 ? u : "", c == ncols - 1 ? "\n" : "");
        }
    fclose(f);
    return count;
}

#endif
