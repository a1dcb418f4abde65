/* Log: Browse... — the channels of a server, to choose the logs of a sweep from. The server is
 * the list's entry with the caret (or the first server), read with its account. Its channels
 * are listed on a job thread (EvtOpenSession, EvtOpenChannelEnum, EvtNextChannelPath: the
 * network, never on the UI thread), registered in jobs.c and cancelled with EvtCancel on its
 * session when the window closes; the dialog then shows them, the logs of the Log box selected,
 * and OK writes the chosen ones into the Log box, separated by commas. UI thread, but for
 * browse_work. */
#include "ui.h"
#include "resource.h"
#include "wevt.h"
#include "wevtval.h"
#include "winutil.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define BROWSE_MAX 8192                   /* channels listed at most */

typedef struct browse_job {
    WCHAR      *server;
    es_name_kind kind;
    account    *account;
    DWORD       error;
    WCHAR     **names;
    size_t      n;
    SRWLOCK     lock;
    EVT_HANDLE  session;          /* published for the cancel */
    const wevt_api *api;
    volatile LONG cancelled;
} browse_job;

static browse_job *g_inflight;

static void job_free(void *p)
{
    browse_job *j = p;
    if (!j)
        return;
    for (size_t i = 0; i < j->n; i++)
        free(j->names[i]);
    free(j->names);
    free(j->server);
    account_unref(j->account);
    free(j);
}

static void browse_work(void *p)
{
    browse_job *j = p;
    DWORD err = 0;
    const wevt_api *api = wevt_load(&err);
    EVT_HANDLE session = NULL, en = NULL;
    if (!api) {
        j->error = err;
        return;
    }
    if (!wevt_open_session(api, j->server, j->kind, j->account, &session, &err)) {
        j->error = err;
        return;
    }
    AcquireSRWLockExclusive(&j->lock);
    j->api = api;
    j->session = session;
    BOOL cancelled = j->cancelled;
    ReleaseSRWLockExclusive(&j->lock);
    en = cancelled ? NULL : api->OpenChannelEnum(session, 0);
    j->error = cancelled ? ERROR_CANCELLED : en ? 0 : GetLastError();
    size_t cap = 0;
    WCHAR buf[512];
    while (en && !j->error && j->n < BROWSE_MAX) {
        DWORD used = 0;
        if (!api->NextChannelPath(en, 512, buf, &used)) {
            DWORD e = GetLastError();
            if (e != ERROR_NO_MORE_ITEMS)
                j->error = e == ERROR_INSUFFICIENT_BUFFER ? 0 : e;   /* a name over 511: skipped */
            if (e == ERROR_INSUFFICIENT_BUFFER)
                continue;
            break;
        }
        if (j->n == cap) {
            size_t nc = cap ? cap * 2 : 256;
            WCHAR **nn = realloc(j->names, nc * sizeof *nn);
            if (!nn) {
                j->error = ERROR_NOT_ENOUGH_MEMORY;
                break;
            }
            j->names = nn;
            cap = nc;
        }
        if (!(j->names[j->n] = _wcsdup(buf))) {
            j->error = ERROR_NOT_ENOUGH_MEMORY;
            break;
        }
        j->n++;
    }
    AcquireSRWLockExclusive(&j->lock);
    j->session = NULL;
    ReleaseSRWLockExclusive(&j->lock);
    if (en)
        api->Close(en);
    if (session)
        api->Close(session);
}

static void browse_cancel(void *p)
{
    browse_job *j = p;
    AcquireSRWLockExclusive(&j->lock);
    j->cancelled = 1;
    if (j->session && j->api)
        j->api->Cancel(j->session);   /* EvtCancel never blocks */
    ReleaseSRWLockExclusive(&j->lock);
}

void browse_start(void)
{
    if (g_inflight || g.running)
        return;
    int caret = (int)SendMessageW(g.list, LB_GETCARETINDEX, 0, 0);
    const app_source *s = caret >= 0 && (size_t)caret < g.nsrc && g.src[caret].kind != ES_NAME_PATH ? &g.src[caret] : NULL;
    for (size_t i = 0; !s && i < g.nsrc; i++)
        if (g.src[i].kind != ES_NAME_PATH)
            s = &g.src[i];
    if (!s) {
        message_box(L"Add a server first: Browse... lists the logs of the selected server.", MB_ICONINFORMATION);
        return;
    }
    browse_job *j = calloc(1, sizeof *j);
    if (!j || !(j->server = _wcsdup(s->wname))) {
        free(j);
        return;
    }
    InitializeSRWLock(&j->lock);
    j->kind = s->kind;
    j->account = account_ref(s->account);
    if (!jobs_add(JOB_BROWSE, j, browse_cancel)) {
        job_free(j);
        return;
    }
    if (!wu_run_job(g.dlg, SWM_BROWSE_DONE, j, browse_work, job_free)) {
        jobs_remove(j);
        job_free(j);
        return;
    }
    g_inflight = j;
    SetDlgItemTextW(g.dlg, IDC_LOG_BROWSE, L"Listing...");
    EnableWindow(GetDlgItem(g.dlg, IDC_LOG_BROWSE), FALSE);
}

/* ---- the dialog: the channels, the Log box's logs selected ---- */

static INT_PTR CALLBACK channels_proc(HWND dlg, UINT msg, WPARAM wp, LPARAM lp)
{
    browse_job *j;
    switch (msg) {
    case WM_INITDIALOG: {
        j = (browse_job *)lp;
        SetWindowLongPtrW(dlg, DWLP_USER, (LONG_PTR)j);
        WCHAR t[600];
        _snwprintf(t, 600, L"The logs of %ls (%zu). Select one or more (Ctrl+click):", j->server, j->n);
        t[599] = 0;
        SetDlgItemTextW(dlg, IDC_CHAN_HINT, t);
        HWND lb = GetDlgItem(dlg, IDC_CHAN_LIST);
        WCHAR cur[256];
        GetWindowTextW(g.log, cur, 256);
        for (size_t i = 0; i < j->n; i++) {
            int at = (int)SendMessageW(lb, LB_ADDSTRING, 0, (LPARAM)j->names[i]);
            /* selected when the Log box names it (any case), between separators */
            size_t l = wcslen(j->names[i]);
            for (const WCHAR *p = cur; at >= 0 && *p; p++) {
                while (*p == L' ' || *p == L',' || *p == L';')
                    p++;
                const WCHAR *e = p;
                while (*e && *e != L',' && *e != L';')
                    e++;
                const WCHAR *b = e;
                while (b > p && b[-1] == L' ')
                    b--;
                if ((size_t)(b - p) == l && _wcsnicmp(p, j->names[i], l) == 0)
                    SendMessageW(lb, LB_SETSEL, TRUE, at);
                p = *e ? e : e - 1;
            }
        }
        return TRUE;
    }
    case WM_COMMAND:
        if (LOWORD(wp) == IDOK || (LOWORD(wp) == IDC_CHAN_LIST && HIWORD(wp) == LBN_DBLCLK)) {
            HWND lb = GetDlgItem(dlg, IDC_CHAN_LIST);
            int n = (int)SendMessageW(lb, LB_GETSELCOUNT, 0, 0);
            if (n <= 0 || n > ES_MAX_LOGS) {
                MessageBoxW(dlg, n <= 0 ? L"Select at least one log." : L"Select at most 16 logs for one sweep.",
                            L"EventSweep", MB_OK | MB_ICONINFORMATION);
                return TRUE;
            }
            int sel[ES_MAX_LOGS];
            n = (int)SendMessageW(lb, LB_GETSELITEMS, ES_MAX_LOGS, (LPARAM)sel);
            WCHAR out[256] = L"";
            for (int i = 0; i < n; i++) {
                WCHAR name[512];
                if (SendMessageW(lb, LB_GETTEXTLEN, sel[i], 0) >= 512)
                    continue;
                SendMessageW(lb, LB_GETTEXT, sel[i], (LPARAM)name);
                if (wcslen(out) + wcslen(name) + 3 >= 256) {
                    MessageBoxW(dlg, L"These logs do not fit in the Log box (255 characters): select fewer.",
                                L"EventSweep", MB_OK | MB_ICONINFORMATION);
                    return TRUE;
                }
                if (out[0])
                    wcscat(out, L", ");
                wcscat(out, name);
            }
            SetWindowTextW(g.log, out);
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

void browse_done(LPARAM lp)
{
    browse_job *j = (browse_job *)lp;
    jobs_remove(j);
    if (g_inflight == j)
        g_inflight = NULL;
    SetDlgItemTextW(g.dlg, IDC_LOG_BROWSE, L"&Browse...");
    EnableWindow(GetDlgItem(g.dlg, IDC_LOG_BROWSE), !g.running);
    if (g.closing) {
        job_free(j);
        destroy_if_idle();
        return;
    }
    if (j->error && j->error != ERROR_CANCELLED) {
        WCHAR what[400], m[900];
        _snwprintf(what, 400, L"The logs of %ls could not be listed", j->server);
        what[399] = 0;
        wu_error_sentence(m, 900, what, j->error);
        message_box(m, MB_ICONWARNING);
    } else if (!j->error) {
        DialogBoxParamW(g.hinst, MAKEINTRESOURCEW(IDD_CHANNELS), g.dlg, channels_proc, (LPARAM)j);
    }
    job_free(j);
}
