/* The Limits dialog: how long a source may stop answering, its whole time, the rows' memory
 * budget, how many sources are read at once, and how servers are read (the Windows Event Log
 * API falling back to the classic API, or one of them only). What is set here is used by the next sweep and
 * remembered (settings.ini). Runs on the UI thread only. */
#include "ui.h"
#include "resource.h"
#include "es_cmdline.h"

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

/* Reads a whole number from lo to hi; on a problem says which field and returns FALSE. */
static BOOL read_field(HWND dlg, int id, const WCHAR *what, long lo, long hi, int *out)
{
    WCHAR t[32], *end;
    GetDlgItemTextW(dlg, id, t, 32);
    long v = wcstol(t, &end, 10);
    if (!t[0] || *end || v < lo || v > hi) {
        WCHAR m[300];
        swprintf(m, 300, L"%ls: enter a whole number from %ld to %ld.", what, lo, hi);
        MessageBoxW(dlg, m, L"EventSweep", MB_OK | MB_ICONWARNING);
        HWND e = GetDlgItem(dlg, id);
        SetFocus(e);
        SendMessageW(e, EM_SETSEL, 0, -1);
        return FALSE;
    }
    *out = (int)v;
    return TRUE;
}

static void show_memory_hint(HWND dlg)
{
    WCHAR t[160];
    swprintf(t, 160, L"Now: %llu MB. Past it no more rows are read; those kept stay.",
             (unsigned long long)(g.memory_budget >> 20));
    SetDlgItemTextW(dlg, IDC_LIM_MEMORY_HINT, t);
}

INT_PTR CALLBACK limits_proc(HWND dlg, UINT msg, WPARAM wp, LPARAM lp)
{
    (void)lp;
    app_init *in = g.init;
    switch (msg) {
    case WM_INITDIALOG:
        SetDlgItemInt(dlg, IDC_LIM_TIMEOUT, (UINT)in->timeout, FALSE);
        SetDlgItemInt(dlg, IDC_LIM_MAXSEC, (UINT)in->max_seconds, FALSE);
        SetDlgItemInt(dlg, IDC_LIM_MEMORY, (UINT)in->max_memory_mb, FALSE);
        SetDlgItemInt(dlg, IDC_LIM_THREADS, (UINT)in->threads, FALSE);
        show_memory_hint(dlg);
        {   /* in sweep_engine's order */
            static const WCHAR *const k_engines[] = {L"Event Log API, else the classic API",
                                                     L"Windows Event Log API only", L"Classic event log API only"};
            HWND cb = GetDlgItem(dlg, IDC_LIM_ENGINE);
            for (int i = 0; i < 3; i++)
                SendMessageW(cb, CB_ADDSTRING, 0, (LPARAM)k_engines[i]);
            SendMessageW(cb, CB_SETCURSEL, (WPARAM)(in->engine >= 0 && in->engine <= 2 ? in->engine : 0), 0);
        }
        return TRUE;
    case WM_COMMAND:
        if (LOWORD(wp) == IDOK) {
            int timeout, max_seconds, memory, threads;
            if (!read_field(dlg, IDC_LIM_TIMEOUT, L"Longest wait for one answer", 1, ES_MAX_TIMEOUT, &timeout) ||
                !read_field(dlg, IDC_LIM_MAXSEC, L"Most time for one source", 0, ES_MAX_TIMEOUT, &max_seconds) ||
                !read_field(dlg, IDC_LIM_MEMORY, L"Memory for rows", 0, ES_MAX_MEMORY_MB, &memory) ||
                !read_field(dlg, IDC_LIM_THREADS, L"Sources read at once", 1, ES_MAX_THREADS, &threads))
                return TRUE;
            /* For the next sweep, and remembered: the user has seen and set them. */
            in->timeout = in->st->timeout = timeout;
            in->max_seconds = in->st->max_seconds = max_seconds;
            in->max_memory_mb = in->st->max_memory_mb = memory;
            in->threads = in->st->threads = threads;
            LRESULT e = SendDlgItemMessageW(dlg, IDC_LIM_ENGINE, CB_GETCURSEL, 0, 0);
            in->engine = in->st->engine = e >= 0 && e <= 2 ? (int)e : 0;
            set_memory_budget();
            EndDialog(dlg, IDOK);
            return TRUE;
        }
        if (LOWORD(wp) == IDCANCEL) {
            EndDialog(dlg, IDCANCEL);
            return TRUE;
        }
        break;
    }
    return FALSE;
}
