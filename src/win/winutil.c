/* Win32 helpers (see winutil.h). */
#include "winutil.h"
#include <commctrl.h>
#include "post.h"
#include "es_source.h"
#include "es_utf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

int wu_append_utf8(es_buf *b, const WCHAR *w, size_t n)
{
    if (!w)
        return 1;
    if (n == (size_t)-1)
        n = wcslen(w);
    return es_utf16le_to_utf8(b, w, n, 0);
}

char *wu_utf8(const WCHAR *w)
{
    if (!w)
        return NULL;
    es_buf b;
    es_buf_init(&b);
    if (!wu_append_utf8(&b, w, (size_t)-1) || !es_buf_reserve(&b, 0)) {
        es_buf_free(&b);
        return NULL;
    }
    return b.data; /* owned by the caller now */
}

WCHAR *wu_wide(const char *s)
{
    if (!s)
        return NULL;
    size_t len = strlen(s);
    size_t units = es_utf8_utf16_len(s, len);
    WCHAR *w = malloc((units + 1) * sizeof(WCHAR));
    if (!w)
        return NULL;
    es_utf8_to_utf16(s, len, (uint16_t *)w, units + 1);
    return w;
}

void wu_to_wide_buf(const char *s, WCHAR *out, int cap)
{
    if (cap <= 0)
        return;
    es_utf8_to_utf16(s ? s : "", s ? strlen(s) : 0, (uint16_t *)out, (size_t)cap);
}

/* Texts for codes that Wine's or an older system's message table may not have; the Windows
 * wording, so logs read the same everywhere. */
static const WCHAR *known_error(DWORD code)
{
    switch (code) {
    case 5: return L"Access is denied.";
    case 2: return L"The system cannot find the file specified.";
    case 3: return L"The system cannot find the path specified.";
    case 53: return L"The network path was not found.";
    case 1223: return L"The operation was canceled by the user.";
    case 1326: return L"The user name or password is incorrect.";
    case 1392: return L"The file or directory is corrupted and unreadable.";
    case 1460: return L"This operation returned because the timeout period expired.";
    case 1722: return L"The RPC server is unavailable.";
    case 1726: return L"The remote procedure call failed.";
    case 1727: return L"The remote procedure call failed and did not execute.";
    case 15001: return L"The specified query is invalid.";
    case 15007: return L"The specified channel could not be found.";
    case 15027: return L"The message resource is present but the message was not found in the message table.";
    }
    return NULL;
}

void wu_error_text(DWORD code, WCHAR *out, size_t cap)
{
    const WCHAR *k = known_error(code);
    if (k) {
        swprintf(out, cap, L"%ls", k);
        return;
    }
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code, 0, out,
                             (DWORD)cap, NULL);
    while (n > 0 && (out[n - 1] == L'\r' || out[n - 1] == L'\n' || out[n - 1] == L' '))
        out[--n] = 0;
    if (n == 0)
        swprintf(out, cap, L"Error %lu.", (unsigned long)code);
}

void wu_error_sentence(WCHAR *out, size_t cap, const WCHAR *what, DWORD code)
{
    WCHAR e[256];
    wu_error_text(code, e, 256);
    swprintf(out, cap, L"%ls: %ls (%lu)", what, e, (unsigned long)code);
}

uint64_t wu_now_ticks(void)
{
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    return ((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
}

DWORD wu_write_file_atomic(const WCHAR *path, const void *data, size_t len)
{
    size_t plen = wcslen(path);
    WCHAR *tmp = malloc((plen + 16) * sizeof(WCHAR));
    if (!tmp)
        return ERROR_NOT_ENOUGH_MEMORY;
    swprintf(tmp, plen + 16, L"%ls.tmp%04lx", path, (unsigned long)(GetCurrentThreadId() & 0xffff));
    HANDLE h = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        DWORD e = GetLastError();
        free(tmp);
        return e;
    }
    const char *p = data;
    DWORD err = 0;
    while (len > 0) {
        DWORD chunk = len > (1u << 30) ? (1u << 30) : (DWORD)len, wrote = 0;
        if (!WriteFile(h, p, chunk, &wrote, NULL)) {
            err = GetLastError();
            break;
        }
        p += wrote;
        len -= wrote;
    }
    if (!err && !FlushFileBuffers(h))
        err = GetLastError();
    CloseHandle(h);
    if (!err && !MoveFileExW(tmp, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
        err = GetLastError();
    if (err)
        DeleteFileW(tmp);
    free(tmp);
    return err;
}

DWORD wu_read_file(const WCHAR *path, size_t max, char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError();
    LARGE_INTEGER size;
    if (!GetFileSizeEx(h, &size)) {
        DWORD e = GetLastError();
        CloseHandle(h);
        return e;
    }
    if ((uint64_t)size.QuadPart > max) {
        CloseHandle(h);
        return ERROR_FILE_TOO_LARGE;
    }
    char *buf = malloc((size_t)size.QuadPart + 1);
    if (!buf) {
        CloseHandle(h);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    size_t got = 0;
    DWORD err = 0;
    while (got < (size_t)size.QuadPart) {
        DWORD n = 0;
        if (!ReadFile(h, buf + got, (DWORD)((size_t)size.QuadPart - got), &n, NULL)) {
            err = GetLastError();
            break;
        }
        if (n == 0)
            break;
        got += n;
    }
    CloseHandle(h);
    if (err) {
        free(buf);
        return err;
    }
    buf[got] = 0;
    *data = buf;
    *len = got;
    return 0;
}

typedef struct job_thread {
    HWND  hwnd;
    UINT  msg;
    void *job;
    void (*work)(void *);
    void (*free_job)(void *);
} job_thread;

static DWORD WINAPI job_main(void *param)
{
    job_thread jt = *(job_thread *)param;
    free(param);
    jt.work(jt.job);
    /* waits while the window's queue is full: a completion is never dropped (and its job freed)
     * while the window still exists and may be waiting for it */
    if (!post_retry(jt.hwnd, jt.msg, 0, (LPARAM)jt.job, NULL))
        jt.free_job(jt.job); /* the window is gone: nobody else will free it */
    return 0;
}

BOOL wu_run_job(HWND hwnd, UINT msg, void *job, void (*work)(void *), void (*free_job)(void *))
{
    job_thread *jt = malloc(sizeof *jt);
    if (!jt)
        return FALSE;
    jt->hwnd = hwnd;
    jt->msg = msg;
    jt->job = job;
    jt->work = work;
    jt->free_job = free_job;
    HANDLE t = CreateThread(NULL, 0, job_main, jt, 0, NULL);
    if (!t) {
        free(jt);
        return FALSE;
    }
    CloseHandle(t); /* it reports through its message; the window waits for that, not the handle */
    return TRUE;
}

void wu_sort_arrow(HWND lv, int col, BOOL desc)
{
    HWND hdr = ListView_GetHeader(lv);
    int n = hdr ? Header_GetItemCount(hdr) : 0;
    for (int c = 0; c < n; c++) {
        HDITEMW h;
        memset(&h, 0, sizeof h);
        h.mask = HDI_FORMAT;
        Header_GetItem(hdr, c, &h);
        h.fmt &= ~(HDF_SORTUP | HDF_SORTDOWN);
        if (c == col)
            h.fmt |= desc ? HDF_SORTDOWN : HDF_SORTUP;
        Header_SetItem(hdr, c, &h);
    }
}
