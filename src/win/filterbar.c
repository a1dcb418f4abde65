/* The filter row under the top row (issue #7): level boxes (Critical .. Verbose, Audit Success,
 * Audit Failure), the Event IDs and Providers edits, a line saying what the filter keeps, and
 * Custom view... (viewdlg.c), whose view replaces the row while it is set.
 *
 * "No level filter" is the five level boxes all checked (the default): every level, as the
 * words say. None checked means the same (a filter that keeps nothing is never what was meant),
 * and the summary line says "every level" in both cases. The audit boxes narrow the events to
 * those with the Security log's audit keywords; unchecked, they filter nothing.
 *
 * The row's texts are what es_filter parses (the command line's --levels, --ids, --providers
 * fill them, settings.ini keeps them); Start reads them into one es_filter, which the sweep
 * copies. Runs on the UI thread only. */
#include "ui.h"
#include "resource.h"
#include "winutil.h"
#include "es_filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

static const struct { int id; const char *name; } k_boxes[] = {
    {IDC_FLT_CRITICAL, "critical"},    {IDC_FLT_ERROR, "error"},
    {IDC_FLT_WARNING, "warning"},      {IDC_FLT_INFORMATION, "information"},
    {IDC_FLT_VERBOSE, "verbose"},      {IDC_FLT_AUDIT_OK, "audit-success"},
    {IDC_FLT_AUDIT_FAIL, "audit-failure"},
};
#define NBOXES 7
#define NLEVELBOXES 5

/* The filter of the last Start: the sweep copies it, so it may change afterwards. 17 KB, static:
 * one window, one filter. */
static es_filter s_filter;

static HWND item(int id) { return GetDlgItem(g.dlg, id); }

static BOOL checked(int id) { return IsDlgButtonChecked(g.dlg, id) == BST_CHECKED; }

/* The boxes as es_filter_parse_levels reads them: "critical,error". */
static void levels_text(char *out, size_t cap)
{
    size_t n = 0;
    out[0] = 0;
    for (int i = 0; i < NBOXES; i++)
        if (checked(k_boxes[i].id))
            n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s", n ? "," : "", k_boxes[i].name);
}

static char *edit_utf8(int id)
{
    int len = GetWindowTextLengthW(item(id));
    WCHAR *w = calloc((size_t)len + 1, sizeof *w);
    if (!w)
        return NULL;
    GetWindowTextW(item(id), w, len + 1);
    char *u = wu_utf8(w);
    free(w);
    return u;
}

/* Reads the row into f. Returns 0, or the id of the control at fault with a sentence in msg. */
static int read_row(es_filter *f, WCHAR *msg, size_t cap)
{
    char lv[160], err[300] = "";
    char *ids = edit_utf8(IDC_FLT_IDS), *prov = edit_utf8(IDC_FLT_PROV);
    int bad = 0;
    const WCHAR *what = L"";
    es_filter_init(f);
    levels_text(lv, sizeof lv);
    if (!ids || !prov) {
        swprintf(msg, cap, L"Out of memory.");
        bad = IDC_FLT_IDS;
    } else if (!es_filter_parse_levels(f, lv, err, sizeof err)) {
        bad = IDC_FLT_CRITICAL, what = L"Levels";
    } else if (!es_filter_parse_ids(f, ids, err, sizeof err)) {
        bad = IDC_FLT_IDS, what = L"Event IDs";
    } else if (!es_filter_parse_providers(f, prov, err, sizeof err)) {
        bad = IDC_FLT_PROV, what = L"Providers";
    } else if (!es_filter_check(f, err, sizeof err)) {
        bad = IDC_FLT_IDS, what = L"Event IDs and Providers";
    }
    if (bad && err[0]) {
        WCHAR w[300];
        wu_to_wide_buf(err, w, 300);
        swprintf(msg, cap, L"%ls: %ls", what, w);
    }
    free(ids);
    free(prov);
    return bad;
}

/* The summary line: what the row keeps now, or what is wrong with it. */
static void show_summary(void)
{
    static es_filter f; /* 17 KB: not on the stack; UI thread only */
    WCHAR msg[400];
    if (g.view_text) {   /* a custom view is the filter; the row waits */
        WCHAR *file = wu_wide(g.view_name ? g.view_name : "");
        swprintf(msg, 400, L"Custom view %ls: its query runs on every source (the row above does not apply).",
                 file ? file : L"");
        free(file);
        SetDlgItemTextW(g.dlg, IDC_FLT_SUMMARY, msg);
        return;
    }
    int bad = read_row(&f, msg, 400);
    if (!bad) {
        es_buf b;
        es_buf_init(&b);
        es_filter_describe(&f, &b);
        char *u = b.data && b.len ? b.data : NULL;
        WCHAR w[400];
        if (u)
            wu_to_wide_buf(u, w, 400);
        swprintf(msg, 400, u ? L"Keeps: %ls" : L"Keeps every level, event ID and provider.", u ? w : L"");
        es_buf_free(&b);
    }
    SetDlgItemTextW(g.dlg, IDC_FLT_SUMMARY, msg);
}

void filterbar_init(void)
{
    const settings *st = g.init->st;
    char *lv = wu_utf8(st->levels);
    char err[300];
    es_filter_init(&s_filter);
    if (!lv || !es_filter_parse_levels(&s_filter, lv, err, sizeof err))
        es_filter_init(&s_filter); /* unreadable saved text: every level */
    free(lv);
    unsigned levels = s_filter.levels ? s_filter.levels : ES_LEVEL_ALL;
    for (int i = 0; i < NLEVELBOXES; i++)
        CheckDlgButton(g.dlg, k_boxes[i].id, (levels & (1u << (i + 1))) ? BST_CHECKED : BST_UNCHECKED);
    CheckDlgButton(g.dlg, IDC_FLT_AUDIT_OK, (s_filter.audit & ES_AUDIT_SUCCESS) ? BST_CHECKED : BST_UNCHECKED);
    CheckDlgButton(g.dlg, IDC_FLT_AUDIT_FAIL, (s_filter.audit & ES_AUDIT_FAILURE) ? BST_CHECKED : BST_UNCHECKED);
    SendMessageW(item(IDC_FLT_IDS), EM_LIMITTEXT, SETTINGS_FILTER_TEXT - 1, 0);
    SendMessageW(item(IDC_FLT_PROV), EM_LIMITTEXT, SETTINGS_FILTER_TEXT - 1, 0);
    SetDlgItemTextW(g.dlg, IDC_FLT_IDS, st->ids);
    SetDlgItemTextW(g.dlg, IDC_FLT_PROV, st->providers);
    es_filter_init(&s_filter);
    show_summary();
}

const es_filter *filterbar_read(WCHAR *msg, size_t cap)
{
    int bad = read_row(&s_filter, msg, cap);
    if (bad) {
        SetFocus(item(bad));
        if (bad != IDC_FLT_CRITICAL)
            SendMessageW(item(bad), EM_SETSEL, 0, -1);
        return NULL;
    }
    /* Remembered as the row shows it, for the next session. */
    settings *st = g.init->st;
    char lv[160];
    levels_text(lv, sizeof lv);
    wu_to_wide_buf(lv, st->levels, 160);
    GetDlgItemTextW(g.dlg, IDC_FLT_IDS, st->ids, SETTINGS_FILTER_TEXT);
    GetDlgItemTextW(g.dlg, IDC_FLT_PROV, st->providers, SETTINGS_FILTER_TEXT);
    return &s_filter;
}

void filterbar_enable(BOOL on)
{
    EnableWindow(item(IDC_FLT_VIEW), on);
    on = on && !g.view_text;
    for (int i = 0; i < NBOXES; i++)
        EnableWindow(item(k_boxes[i].id), on);
    EnableWindow(item(IDC_FLT_IDS), on);
    EnableWindow(item(IDC_FLT_PROV), on);
}

void filterbar_view_changed(void)
{
    filterbar_enable(!g.running);
    show_summary();
}

BOOL filterbar_command(int id, int code)
{
    if (id == IDC_FLT_VIEW && code == BN_CLICKED) {
        DialogBoxW(g.hinst, MAKEINTRESOURCEW(IDD_VIEW), g.dlg, view_proc);
        return TRUE;
    }
    if (id >= IDC_FLT_CRITICAL && id <= IDC_FLT_AUDIT_FAIL && code == BN_CLICKED) {
        show_summary();
        return TRUE;
    }
    if ((id == IDC_FLT_IDS || id == IDC_FLT_PROV) && code == EN_CHANGE) {
        show_summary();
        return TRUE;
    }
    return FALSE;
}

static void place(int id, int x, int y, int w, int h)
{
    SetWindowPos(item(id), NULL, x, y, w, h, SWP_NOZORDER | SWP_NOACTIVATE);
}

int filterbar_layout(int x, int y, int w)
{
    /* Box widths in dialog units, from the longest label; the boxes keep their size and the
     * edits share what is left of the second line. */
    static const int box_w[NBOXES] = {38, 30, 42, 52, 40, 60, 58};
    RECT u = dlu(0, 0, 4, 12), lab = dlu(0, 0, 38, 9), e = dlu(0, 0, 0, 13), s = dlu(0, 0, 0, 10);
    int gap = u.right, box_h = u.bottom, lab_h = lab.bottom, lab_w = lab.right, edit_h = e.bottom;
    RECT lw = dlu(0, 0, 26, 0);
    place(IDC_FLT_LEVELS_LABEL, x, y + (box_h - lab_h) / 2 + 1, lw.right, lab_h);
    int cx = x + lw.right + gap / 2;
    for (int i = 0; i < NBOXES; i++) {
        RECT b = dlu(0, 0, box_w[i], 0);
        if (i == NLEVELBOXES)
            cx += gap; /* the audit boxes apart: they are keywords, not levels */
        place(k_boxes[i].id, cx, y, b.right, box_h);
        cx += b.right + gap / 2;
    }
    /* At the row's right end, which events besides the filter: "New since last" (the records
     * after each log's mark; no part of the filter a view replaces) and "Follow" (new ones as
     * they come, after the sweep) */
    RECT sl = dlu(0, 0, 62, 0), fl = dlu(0, 0, 36, 0);
    place(IDC_FOLLOW, x + w - fl.right, y, fl.right, box_h);
    place(IDC_SINCE_LAST, x + w - fl.right - gap - sl.right, y, sl.right, box_h);
    int y2 = y + box_h + gap / 2;
    int ew = (w - 2 * lab_w - 3 * gap) / 2;
    if (ew < lab_w)
        ew = lab_w;
    place(IDC_FLT_IDS_LABEL, x, y2 + (edit_h - lab_h) / 2 + 1, lab_w, lab_h);
    place(IDC_FLT_IDS, x + lab_w + gap / 2, y2, ew, edit_h);
    int px = x + lab_w + gap / 2 + ew + 2 * gap;
    place(IDC_FLT_PROV_LABEL, px, y2 + (edit_h - lab_h) / 2 + 1, lab_w, lab_h);
    place(IDC_FLT_PROV, px + lab_w + gap / 2, y2, x + w - (px + lab_w + gap / 2), edit_h);
    int y3 = y2 + edit_h + gap / 2;
    RECT vb = dlu(0, 0, 58, 12);   /* Custom view... at the right of the summary */
    place(IDC_FLT_VIEW, x + w - vb.right, y3, vb.right, vb.bottom);
    place(IDC_FLT_SUMMARY, x, y3 + (vb.bottom - s.bottom) / 2, w - vb.right - gap, s.bottom);
    return y3 + vb.bottom + gap - y;
}
