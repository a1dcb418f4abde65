/* STUB of the timeline control (timelinectl.h), for the h-fleet branch only: a blank child that
 * takes and frees what it is given. Another branch writes the real control (GDI grid, cell
 * clicks); the lead replaces this file with it when merging. */
#include "timelinectl.h"

#include <stdlib.h>
#include <string.h>

#define TL_CLASS L"EventSweepTimeline"

typedef struct tl_data {
    es_timeline *tl;
    WCHAR      **names;
} tl_data;

static void drop(tl_data *d)
{
    if (d->tl) {
        for (size_t i = 0; d->names && i < d->tl->nservers; i++)
            free(d->names[i]);
        es_timeline_free(d->tl);
        free(d->tl);
    }
    free(d->names);
    d->tl = NULL;
    d->names = NULL;
}

static LRESULT CALLBACK tl_proc(HWND h, UINT msg, WPARAM wp, LPARAM lp)
{
    tl_data *d = (tl_data *)GetWindowLongPtrW(h, GWLP_USERDATA);
    switch (msg) {
    case WM_NCCREATE:
        d = calloc(1, sizeof *d);
        if (!d)
            return FALSE;
        SetWindowLongPtrW(h, GWLP_USERDATA, (LONG_PTR)d);
        break;
    case WM_NCDESTROY:
        if (d) {
            drop(d);
            free(d);
            SetWindowLongPtrW(h, GWLP_USERDATA, 0);
        }
        break;
    }
    return DefWindowProcW(h, msg, wp, lp);
}

BOOL timeline_register(HINSTANCE inst)
{
    WNDCLASSEXW wc;
    memset(&wc, 0, sizeof wc);
    wc.cbSize = sizeof wc;
    wc.lpfnWndProc = tl_proc;
    wc.hInstance = inst;
    wc.hCursor = LoadCursorW(NULL, IDC_ARROW);
    wc.hbrBackground = (HBRUSH)(COLOR_WINDOW + 1);
    wc.lpszClassName = TL_CLASS;
    return RegisterClassExW(&wc) != 0 || GetLastError() == ERROR_CLASS_ALREADY_EXISTS;
}

HWND timeline_create(HWND parent, int id)
{
    return CreateWindowExW(WS_EX_CLIENTEDGE, TL_CLASS, L"", WS_CHILD | WS_TABSTOP, 0, 0, 10, 10, parent,
                           (HMENU)(INT_PTR)id, (HINSTANCE)GetWindowLongPtrW(parent, GWLP_HINSTANCE), NULL);
}

void timeline_set(HWND h, es_timeline *tl, WCHAR **names)
{
    tl_data *d = h ? (tl_data *)GetWindowLongPtrW(h, GWLP_USERDATA) : NULL;
    if (!d) {   /* no control: what it was given is freed all the same */
        tl_data tmp = {tl, names};
        drop(&tmp);
        return;
    }
    drop(d);
    d->tl = tl;
    d->names = names;
    InvalidateRect(h, NULL, TRUE);
}
