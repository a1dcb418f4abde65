/* The Add dialog: server names, .evtx files and folders typed or pasted, added to the source
 * list; what is refused stays in the box to be fixed. Runs on the UI thread only. */
#include "ui.h"
#include "resource.h"
#include "winutil.h"
#include "es_listfile.h"

#include <stdlib.h>
#include <string.h>

INT_PTR CALLBACK add_proc(HWND dlg, UINT msg, WPARAM wp, LPARAM lp)
{
    (void)lp;
    switch (msg) {
    case WM_INITDIALOG:
        SendDlgItemMessageW(dlg, IDC_ADD_TEXT, EM_LIMITTEXT, 1 << 20, 0);
        return TRUE;
    case WM_COMMAND:
        if (LOWORD(wp) == IDOK) {
            HWND edit = GetDlgItem(dlg, IDC_ADD_TEXT);
            int n = GetWindowTextLengthW(edit);
            WCHAR *w = malloc(((size_t)n + 1) * sizeof(WCHAR));
            if (!w)
                return TRUE;
            GetWindowTextW(edit, w, n + 1);
            /* Spaces, commas and semicolons separate server names too, but not paths: a line
             * with a '\\' or '/' is one saved-log path, spaces and all. */
            for (WCHAR *line = w; *line;) {
                WCHAR *eol = line;
                BOOL path = FALSE;
                for (; *eol && *eol != L'\n' && *eol != L'\r'; eol++)
                    if (*eol == L'\\' || *eol == L'/')
                        path = TRUE;
                if (!path)
                    for (WCHAR *p = line; p < eol; p++)
                        if (*p == L',' || *p == L';' || *p == L' ' || *p == L'\t')
                            *p = L'\n';
                line = *eol ? eol + 1 : eol;
            }
            char *u = wu_utf8(w);
            free(w);
            if (!u)
                return TRUE;
            add_ctx c = {0, 0, {0}, {0}};
            char err[256];
            es_buf_init(&c.problems);
            es_buf_init(&c.rejected);
            es_listfile_parse(u, strlen(u), add_line, &c, err, sizeof err);
            free(u);
            if (c.refused) {
                report_adds(&c, L"Add");
                /* Stay open with only what was refused, for the user to fix: nothing typed is lost. */
                WCHAR *left = wu_wide(c.rejected.data ? c.rejected.data : "");
                SetWindowTextW(edit, left ? left : L"");
                free(left);
                es_buf_free(&c.problems);
                es_buf_free(&c.rejected);
                SetFocus(edit);
                return TRUE;
            }
            es_buf_free(&c.problems);
            es_buf_free(&c.rejected);
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
