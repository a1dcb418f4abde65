/* The Custom view dialog: an Event Viewer filter or custom view pasted in (its XML: Filter
 * Current Log -> XML tab, an exported view's .xml, a <QueryList>, or a bare XPath). OK parses it
 * with the core's parser (es_xquery.h) and refuses what Windows would refuse, naming the
 * construct; the text stays in the box to be fixed. An empty box removes the view, and the
 * filter row applies again. The view is the window's own copy (g.view_text); Start checks it
 * against the Log box and the sources, and gives the sweep a copy of its own.
 * Runs on the UI thread only. */
#include "ui.h"
#include "resource.h"
#include "winutil.h"
#include "es_xquery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define VIEW_MAX_CHARS (1 << 20)

/* Replaces the window's view (text may be NULL: none); name is shown in the filter row. */
BOOL set_view(const char *text, size_t len, const char *name)
{
    char *t = NULL, *n = NULL;
    if (text && (!(t = malloc(len + 1)) || !(n = _strdup(name ? name : "")))) {
        free(t);
        return FALSE;
    }
    if (t) {
        memcpy(t, text, len);
        t[len] = 0;
    }
    free(g.view_text);
    free(g.view_name);
    g.view_text = t;
    g.view_len = t ? len : 0;
    g.view_name = n;
    filterbar_view_changed();
    return TRUE;
}

/* The view's text for the box: UTF-16 (LE or BE, with its BOM, as Event Viewer may save a view
 * given to --query) or UTF-8 (BOM or not). malloc'ed; NULL when out of memory. */
static WCHAR *view_as_wide(const char *t, size_t len)
{
    const unsigned char *b = (const unsigned char *)t;
    if (len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
        size_t n = (len - 2) / 2;
        WCHAR *w = malloc((n + 1) * sizeof *w);
        for (size_t i = 0; w && i < n; i++)
            w[i] = b[0] == 0xFF ? (WCHAR)(b[2 + 2 * i] | b[3 + 2 * i] << 8) : (WCHAR)(b[2 + 2 * i] << 8 | b[3 + 2 * i]);
        if (w)
            w[n] = 0;
        return w;
    }
    if (len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
        t += 3;
    return wu_wide(t);
}

static void refuse(HWND dlg, const char *why)
{
    char m[900];
    snprintf(m, sizeof m, "This view cannot be used: %s", why);
    WCHAR *w = wu_wide(m);
    MessageBoxW(dlg, w ? w : L"This view cannot be used.", L"EventSweep", MB_OK | MB_ICONWARNING);
    free(w);
    SetFocus(GetDlgItem(dlg, IDC_VIEW_TEXT));
}

/* OK: the box's text as the new view. TRUE when the dialog may close. */
static BOOL accept_view(HWND dlg)
{
    HWND edit = GetDlgItem(dlg, IDC_VIEW_TEXT);
    int n = GetWindowTextLengthW(edit);
    WCHAR *w = malloc(((size_t)n + 1) * sizeof(WCHAR));
    if (!w)
        return FALSE;
    GetWindowTextW(edit, w, n + 1);
    const WCHAR *p = w;
    while (*p == L' ' || *p == L'\t' || *p == L'\r' || *p == L'\n')
        p++;
    if (!*p) {   /* nothing: no view */
        free(w);
        set_view(NULL, 0, NULL);
        return TRUE;
    }
    char *u = wu_utf8(w);
    free(w);
    if (!u)
        return FALSE;
    char err[512];
    es_xquery *q = es_xquery_parse(u, strlen(u), err, sizeof err);
    if (!q) {
        refuse(dlg, err);
        free(u);
        return FALSE;
    }
    /* A view of one log chooses that log in the Log box (Start still checks they agree). */
    const char *ch = es_xquery_channel(q);
    if (ch) {
        WCHAR *wc = wu_wide(ch);
        if (wc)
            SetWindowTextW(g.log, wc);
        free(wc);
    }
    const char *name = es_xquery_name(q);
    char label[160];
    snprintf(label, sizeof label, "%s%s%s", name[0] ? "\"" : "", name[0] ? name : "(pasted)", name[0] ? "\"" : "");
    BOOL ok = set_view(u, strlen(u), label);
    es_xquery_free(q);
    free(u);
    if (!ok)
        MessageBoxW(dlg, L"The view could not be kept: out of memory.", L"EventSweep", MB_OK | MB_ICONERROR);
    return ok;
}

INT_PTR CALLBACK view_proc(HWND dlg, UINT msg, WPARAM wp, LPARAM lp)
{
    (void)lp;
    switch (msg) {
    case WM_INITDIALOG: {
        HWND edit = GetDlgItem(dlg, IDC_VIEW_TEXT);
        SendMessageW(edit, EM_LIMITTEXT, VIEW_MAX_CHARS, 0);
        if (g.view_text) {   /* the view in use, to be edited */
            WCHAR *w = view_as_wide(g.view_text, g.view_len);
            if (w)
                SetWindowTextW(edit, w);
            free(w);
        }
        return TRUE;
    }
    case WM_COMMAND:
        switch (LOWORD(wp)) {
        case IDOK:
            if (accept_view(dlg))
                EndDialog(dlg, IDOK);
            return TRUE;
        case IDC_VIEW_CLEAR:
            SetDlgItemTextW(dlg, IDC_VIEW_TEXT, L"");
            SetFocus(GetDlgItem(dlg, IDC_VIEW_TEXT));
            return TRUE;
        case IDCANCEL:
            EndDialog(dlg, IDCANCEL);
            return TRUE;
        }
        break;
    }
    return FALSE;
}
