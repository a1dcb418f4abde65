/* The source list: its entries (servers, .evtx files, folders) as the user gave them, and the
 * owner-drawn list box that shows each with its state. Runs on the UI thread only. */
#include "ui.h"
#include "winutil.h"
#include "es_names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ---- the source list ---- */

void free_source(app_source *s)
{
    account_unref(s->account);
    s->account = NULL;
    free(s->name);
    free(s->wname);
    free(s->key);
}

/* Adds one entry; on a problem writes a sentence to err and returns FALSE. */
BOOL add_source(const char *text, char *err, size_t errlen)
{
    char canon[1024], key[1024];
    es_name_kind kind = es_name_parse(text, canon, sizeof canon, err, errlen);
    if (kind == ES_NAME_INVALID)
        return FALSE;
    es_name_key(canon, kind, key, sizeof key);
    for (size_t i = 0; i < g.nsrc; i++)
        if (strcmp(g.src[i].key, key) == 0) {
            snprintf(err, errlen, "\"%s\" is already in the list.", canon);
            return FALSE;
        }
    if (!es_grow(&g.src, &g.capsrc, g.nsrc + 1, sizeof *g.src)) {
        snprintf(err, errlen, "Out of memory.");
        return FALSE;
    }
    app_source *s = &g.src[g.nsrc];
    memset(s, 0, sizeof *s);
    s->name = _strdup(canon);
    s->wname = wu_wide(canon);
    s->key = _strdup(key);
    s->kind = kind;
    if (!s->name || !s->wname || !s->key) {
        free_source(s);
        snprintf(err, errlen, "Out of memory.");
        return FALSE;
    }
    g.nsrc++;
    if (g.list)
        SendMessageW(g.list, LB_ADDSTRING, 0, (LPARAM)s->wname);
    return TRUE;
}

void remove_selected(void)
{
    if (g.running)
        return; /* targets refer to entries while a sweep runs */
    int n = (int)SendMessageW(g.list, LB_GETSELCOUNT, 0, 0);
    if (n <= 0)
        return;
    int *sel = malloc((size_t)n * sizeof *sel);
    if (!sel)
        return;
    n = (int)SendMessageW(g.list, LB_GETSELITEMS, (WPARAM)n, (LPARAM)sel);
    int first = n > 0 ? sel[0] : 0;
    for (int k = n - 1; k >= 0; k--) { /* from the end, so indexes stay right */
        size_t i = (size_t)sel[k];
        if (i >= g.nsrc)
            continue;
        free_source(&g.src[i]);
        memmove(&g.src[i], &g.src[i + 1], (g.nsrc - i - 1) * sizeof *g.src);
        g.nsrc--;
        SendMessageW(g.list, LB_DELETESTRING, i, 0);
        for (size_t j = 0; j < g.nsrc; j++) /* "already read through" still names the right entry */
            if (g.src[j].dup_files && g.src[j].dup_of != SIZE_MAX)
                g.src[j].dup_of = g.src[j].dup_of == i ? SIZE_MAX : g.src[j].dup_of - (g.src[j].dup_of > i);
    }
    free(sel);
    if (g.nsrc) {
        int caret = first < (int)g.nsrc ? first : (int)g.nsrc - 1;
        SendMessageW(g.list, LB_SETSEL, TRUE, caret);
        SendMessageW(g.list, LB_SETCARETINDEX, caret, FALSE);
    }
    enable_controls();   /* Retry failed does not read a source no longer listed */
}

int add_line(void *ctx, const char *entry, size_t line)
{
    add_ctx *c = ctx;
    char err[512];
    if (add_source(entry, err, sizeof err)) {
        c->added++;
    } else {
        c->refused++;
        es_buf_printf(&c->rejected, "%s\r\n", entry);
        if (c->refused <= 12)
            es_buf_printf(&c->problems, "%s%s", c->problems.len ? "\n" : "", err);
        (void)line;
    }
    return 0;
}

void report_adds(add_ctx *c, const WCHAR *what)
{
    if (c->refused == 0)
        return;
    if (c->refused > 12)
        es_buf_printf(&c->problems, "\n... and %zu more.", c->refused - 12);
    WCHAR *w = wu_wide(c->problems.data ? c->problems.data : "");
    WCHAR head[160];
    swprintf(head, 160, L"%ls: %zu added, %zu not added:\n\n", what, c->added, c->refused);
    size_t n = wcslen(head) + (w ? wcslen(w) : 0) + 1;
    WCHAR *all = malloc(n * sizeof(WCHAR));
    if (all) {
        swprintf(all, n, L"%ls%ls", head, w ? w : L"");
        message_box(all, MB_ICONWARNING);
        free(all);
    }
    free(w);
}

/* ---- state text ---- */

void fmt_count(uint64_t n, WCHAR *out, size_t cap)
{
    WCHAR digits[32];
    swprintf(digits, 32, L"%llu", (unsigned long long)n);
    size_t len = wcslen(digits), o = 0;
    for (size_t i = 0; i < len && o + 2 < cap; i++) {
        if (i && (len - i) % 3 == 0)
            out[o++] = L',';
        out[o++] = digits[i];
    }
    out[o] = 0;
}

/* The words for a failed target's error: the system's text, or for the row budget what was
 * reached and how many rows were lost. */
void target_error(const target *t, WCHAR *out, size_t cap)
{
    if (t->error == ERROR_NOT_ENOUGH_MEMORY && (g.budget_hit || t->lost)) {
        WCHAR lost[64] = L"";
        if (t->lost)
            swprintf(lost, 64, L"; %llu rows were lost", (unsigned long long)t->lost);
        swprintf(out, cap, L"Reading stopped: %ls%ls.", g.budget_hit ? g.budget_text : L"out of memory", lost);
        return;
    }
    wu_error_text(t->error, out, cap);
    if (t->fallback_error) {   /* the fallback to the classic API failed too */
        WCHAR f[200];
        wu_error_text(t->fallback_error, f, 200);
        size_t l = wcslen(out);
        swprintf(out + l, cap - l, L" The classic API failed too: %ls (%lu)", f, (unsigned long)t->fallback_error);
    }
    if (t->lost) { /* another end came first (Stop, a time limit): the lost rows are still said */
        size_t l = wcslen(out);
        swprintf(out + l, cap - l, L" %llu rows were lost: %ls.", (unsigned long long)t->lost,
                 g.budget_hit ? g.budget_text : L"out of memory");
    }
}

/* The likely cause and remedy of a failed target (es_diag.h); FALSE when there is none (a Stop,
 * the row budget, an error not in the table). */
static BOOL diagnose(const target *t, es_diag *d)
{
    if (t->state != ES_STATE_FAILED || t->error == ERROR_NOT_ENOUGH_MEMORY)
        return FALSE;
    return es_diagnose(t->error, t->kind == ES_NAME_PATH, (es_probe_verdict)t->probe, d);
}

BOOL target_diagnosis(const target *t, char *out, size_t cap)
{
    es_diag d;
    if (cap)
        out[0] = 0;
    if (!diagnose(t, &d))
        return FALSE;
    return es_diag_text(t->error, t->kind == ES_NAME_PATH, (es_probe_verdict)t->probe, out, cap) > 0;
}

/* A double click on a failed entry: its errors with their causes and remedies, whole. */
void show_diagnosis(int entry)
{
    if (entry < 0 || (size_t)entry >= g.nsrc)
        return;
    const app_source *s = &g.src[entry];
    es_buf b;
    es_buf_init(&b);
    size_t shown = 0;
    for (size_t i = s->first_tgt; i < s->first_tgt + s->ntgt && i < g.ntgt && shown < 3; i++) {
        const target *t = &g.tgt[i];
        es_diag d;
        if (!diagnose(t, &d))
            continue;
        WCHAR e[256];
        target_error(t, e, 256);
        char *e8 = wu_utf8(e);
        char *log8 = target_log(t) && s->ntgt > 1 ? wu_utf8(target_log(t)) : NULL;
        es_buf_printf(&b, "%s%s%s%s%s: %s (%lu)\n\nLikely cause: %s\n\nTo fix: %s", shown ? "\n\n" : "", t->status_name,
                      log8 ? " (" : "", log8 ? log8 : "", log8 ? ")" : "", e8 ? e8 : "", (unsigned long)t->error, d.cause,
                      d.remedy);
        free(log8);
        free(e8);
        shown++;
    }
    if (shown) {
        WCHAR *w = wu_wide(b.data);
        if (w)
            MessageBoxW(g.dlg, w, L"EventSweep", MB_OK | MB_ICONINFORMATION);
        free(w);
    }
    es_buf_free(&b);
}

double target_seconds(const target *t)
{
    if (!t->t_start)
        return 0;
    ULONGLONG end = t->t_end ? t->t_end : GetTickCount64();
    return (double)(end - t->t_start) / 1000.0;
}

void target_coverage(const target *t, BOOL local, char *out, size_t cap)
{
    if (!t->has_cov || t->state != ES_STATE_DONE || t->error || !es_coverage_gap(&t->cov)) {
        if (cap)
            out[0] = 0;
        return;
    }
    char when[32] = "";
    if (local) {
        rowview_time_text(t->cov.oldest_time, when, sizeof when);   /* "YYYY-MM-DD HH:MM:SS", local */
        when[16] = 0;                                               /* to the minute */
    }
    es_coverage_text(&t->cov, local ? when : NULL, out, cap);
}

/* "3 errors, 12 warnings": what a source's rows hold that an administrator looks for first
 * (critical counted apart); empty when there is none. */
static void level_summary(const uint64_t *nl, WCHAR *out, size_t cap)
{
    static const struct { int level; const WCHAR *one, *many; } k[] = {
        {1, L"critical", L"critical"}, {2, L"error", L"errors"}, {3, L"warning", L"warnings"}};
    out[0] = 0;
    for (size_t i = 0; i < 3; i++) {
        uint64_t v = nl[k[i].level];
        if (!v)
            continue;
        WCHAR c[32];
        fmt_count(v, c, 32);
        size_t l = wcslen(out);
        swprintf(out + l, cap - l, L"%ls%ls %ls", l ? L", " : L"", c, v == 1 ? k[i].one : k[i].many);
    }
}

static void target_text(const target *t, WCHAR *out, size_t cap)
{
    WCHAR n[32], skipped[64] = L"", lv[96], levels[104] = L"";
    fmt_count(t->events, n, 32);
    level_summary(t->nlevel, lv, 96);
    if (lv[0])
        swprintf(levels, 104, L" (%ls)", lv);
    if (t->skipped)
        swprintf(skipped, 64, L", %llu damaged records skipped", (unsigned long long)t->skipped);
    switch (t->state) {
    case ES_STATE_IDLE: out[0] = 0; break;
    case ES_STATE_WAITING: swprintf(out, cap, L"waiting"); break;
    case ES_STATE_CONNECTING: swprintf(out, cap, t->kind == ES_NAME_PATH ? L"opening..." : L"connecting..."); break;
    case ES_STATE_READING: swprintf(out, cap, L"reading (%ls so far%ls%ls)%ls", n, lv[0] ? L": " : L"", lv, skipped); break;
    case ES_STATE_FOLLOWING: swprintf(out, cap, L"following: %ls events%ls", n, levels); break;
    case ES_STATE_RECONNECTING: {
        ULONGLONG now = GetTickCount64();
        unsigned s = t->retry_at > now ? (unsigned)((t->retry_at - now + 999) / 1000) : 0;
        WCHAR why[200];
        wu_error_text(t->lost_error, why, 200);
        if (s)
            swprintf(out, cap, L"reconnecting in %u s (%ls events so far; lost: %ls)", s, n, why);
        else
            swprintf(out, cap, L"reconnecting... (%ls events so far; lost: %ls)", n, why);
        break;
    }
    case ES_STATE_DONE: {
        WCHAR how[48] = L"";
        if (t->tries > 1)
            swprintf(how, 48, L" on try %u", t->tries);
        if (t->classic)   /* the fallback read it: the admin should know which door was open */
            wcscat(how, L" (classic API)");
        swprintf(out, cap, L"done%ls: %ls events%ls, %.1f s%ls", how, n, levels, target_seconds(t), skipped);
        char cov[160];
        target_coverage(t, TRUE, cov, sizeof cov);
        WCHAR wcov[160];
        if (cov[0] && MultiByteToWideChar(CP_UTF8, 0, cov, -1, wcov, 160)) {   /* the log starts after the window's start */
            size_t l = wcslen(out);
            swprintf(out + l, cap - l, L"; %ls", wcov);
        }
        break;
    }
    case ES_STATE_FAILED: {
        /* The list's line is short: the two ends every sweep sees often get a few words (the
         * status CSV keeps Windows' own sentence). */
        WCHAR e[256];
        if (t->error == ERROR_TIMEOUT)
            swprintf(e, 256, L"Timed out");
        else if (t->error == ERROR_CANCELLED)
            swprintf(e, 256, L"Cancelled");
        else
            target_error(t, e, 256);
        BOOL classic = t->classic && !t->fallback_error;   /* the error is the classic API's */
        if (t->tries > 1 || classic) {   /* these first: the line's end may be cut off */
            WCHAR e2[256], tr[24] = L"";
            if (t->tries > 1)
                swprintf(tr, 24, L"try %u", t->tries);
            swprintf(e2, 256, L"%ls%ls%ls: %ls", tr, t->tries > 1 && classic ? L", " : L"",
                     classic ? L"classic API" : L"", e);
            wcscpy(e, e2);
        }
        /* the likely cause in a few words (double click: the whole diagnosis) */
        es_diag d;
        WCHAR tag[64] = L"";
        if (t->error != ERROR_TIMEOUT && diagnose(t, &d))
            swprintf(tag, 64, L": %hs", d.tag);
        if (t->events)
            swprintf(out, cap, L"%ls (%lu)%ls - %ls events kept%ls", e, (unsigned long)t->error, tag, n, levels);
        else
            swprintf(out, cap, L"%ls (%lu)%ls", e, (unsigned long)t->error, tag);
        break;
    }
    }
    /* live follow: what the log lost while the source was away is said, never skipped silently */
    size_t l = wcslen(out);
    if (t->overwritten)
        swprintf(out + l, cap - l, L"; %llu records were overwritten %ls", (unsigned long long)t->overwritten,
                 g.pending.follow ? L"while it was away" : L"since the last sweep");
    else if (t->cleared)
        swprintf(out + l, cap - l, L"; the log was cleared %ls", g.pending.follow ? L"while it was away" : L"since the last sweep");
}

/* The state line of a list entry: its target's, or a summary of a folder's files. */
es_state entry_text(const app_source *s, WCHAR *out, size_t cap)
{
    /* its files that another entry read: where, the entry or "other entries" (several, or removed) */
    const WCHAR *dup_of = s->dup_files && s->dup_of < g.nsrc ? g.src[s->dup_of].wname
                          : s->dup_files == 1                ? L"another entry"
                                                             : L"other entries";
    if (s->ntgt == 0 || s->first_tgt + s->ntgt > g.ntgt) {
        out[0] = 0;
        if (jobs_count(JOB_LISTING) && s->kind == ES_NAME_PATH)
            swprintf(out, cap, L"listing...");
        else if (s->dup_files == 1) /* "already read" first: the list cuts a long path short */
            swprintf(out, cap, L"already read through %ls", dup_of);
        else if (s->dup_files)
            swprintf(out, cap, L"already read (%zu files) through %ls", s->dup_files, dup_of);
        return ES_STATE_IDLE;
    }
    if (s->ntgt == 1 && g.tgt[s->first_tgt].path && wcscmp(g.tgt[s->first_tgt].path, s->wname) == 0) {
        target_text(&g.tgt[s->first_tgt], out, cap);
        return g.tgt[s->first_tgt].state;
    }
    if (s->kind != ES_NAME_PATH) {   /* a server read for several logs: each log's state in turn */
        size_t len = 0, failed = 0, active = 0;
        out[0] = 0;
        for (size_t i = s->first_tgt; i < s->first_tgt + s->ntgt && len + 8 < cap; i++) {
            /* short, so that every log fits on the line: "System: 400 events | Application: 15007 no such log" */
            const target *t = &g.tgt[i];
            WCHAR one[160], n[32];
            es_diag dg;
            fmt_count(t->events, n, 32);
            if (t->state == ES_STATE_DONE)
                swprintf(one, 160, L"%ls events", n);
            else if (t->state == ES_STATE_FAILED)
                swprintf(one, 160, L"%lu %hs%ls%ls", (unsigned long)t->error,
                         diagnose(t, &dg) ? dg.tag : "failed", t->events ? L", kept " : L"", t->events ? n : L"");
            else if (t->state == ES_STATE_READING)
                swprintf(one, 160, L"reading (%ls)", n);
            else
                swprintf(one, 160, L"%hs", es_state_name(t->state));
            swprintf(out + len, cap - len, L"%ls%ls: %ls", len ? L"  |  " : L"", target_log(t) ? target_log(t) : L"", one);
            len += wcslen(out + len);
            failed += t->state == ES_STATE_FAILED;
            active += t->state != ES_STATE_FAILED && t->state != ES_STATE_DONE && t->state != ES_STATE_IDLE;
        }
        return active ? ES_STATE_READING : failed ? ES_STATE_FAILED : ES_STATE_DONE;
    }
    size_t done = 0, failed = 0, active = 0;
    uint64_t events = 0, nl[6] = {0};
    for (size_t i = s->first_tgt; i < s->first_tgt + s->ntgt; i++) {
        events += g.tgt[i].events;
        for (int k = 0; k < 6; k++)
            nl[k] += g.tgt[i].nlevel[k];
        if (g.tgt[i].state == ES_STATE_DONE)
            done++;
        else if (g.tgt[i].state == ES_STATE_FAILED)
            failed++;
        else if (g.tgt[i].state != ES_STATE_IDLE)
            active++;
    }
    WCHAR n[32], lv[96];
    fmt_count(events, n, 32);
    level_summary(nl, lv, 96);
    swprintf(out, cap, L"%zu files: %zu done, %zu failed%ls; %ls events%ls%ls%ls", s->ntgt, done, failed,
             active ? L", reading" : L"", n, lv[0] ? L" (" : L"", lv, lv[0] ? L")" : L"");
    if (s->dup_files) {
        size_t l = wcslen(out);
        swprintf(out + l, cap - l, L"; %zu more already read through %ls", s->dup_files, dup_of);
    }
    return active ? ES_STATE_READING : failed ? ES_STATE_FAILED : ES_STATE_DONE;
}

/* ---- owner-drawn server list: name on the first line, state on the second ---- */

void draw_source(const DRAWITEMSTRUCT *d)
{
    if (d->itemID == (UINT)-1)
        return;
    HDC dc = d->hDC;
    BOOL sel = (d->itemState & ODS_SELECTED) != 0;
    BOOL focus_in_list = GetFocus() == g.list;
    COLORREF bg = GetSysColor(sel && focus_in_list ? COLOR_HIGHLIGHT : COLOR_WINDOW);
    if (sel && !focus_in_list) {
        /* the entries in focus stay plain to see when the keyboard is elsewhere (their rows are
         * what the list shows): a quarter of the highlight over the window's colour */
        COLORREF h = GetSysColor(COLOR_HIGHLIGHT);
        bg = RGB((GetRValue(h) + 3 * GetRValue(bg)) / 4, (GetGValue(h) + 3 * GetGValue(bg)) / 4,
                 (GetBValue(h) + 3 * GetBValue(bg)) / 4);
    }
    COLORREF fg = GetSysColor(sel && focus_in_list ? COLOR_HIGHLIGHTTEXT : COLOR_WINDOWTEXT);
    HBRUSH br = CreateSolidBrush(bg);
    FillRect(dc, &d->rcItem, br);
    DeleteObject(br);
    if (d->itemID >= g.nsrc)
        return;
    const app_source *s = &g.src[d->itemID];
    RECT rc = d->rcItem;
    int pad = MulDiv(4, GetDeviceCaps(dc, LOGPIXELSX), 96);
    rc.left += pad;
    rc.right -= pad;
    int half = (rc.bottom - rc.top) / 2;
    RECT r1 = {rc.left, rc.top + 1, rc.right, rc.top + half};
    RECT r2 = {rc.left + pad, rc.top + half, rc.right, rc.bottom - 1};
    SetBkMode(dc, TRANSPARENT);
    SetTextColor(dc, fg);
    HFONT old = SelectObject(dc, g.bold ? g.bold : (HFONT)SendMessageW(g.list, WM_GETFONT, 0, 0));
    if (s->account) {   /* the account it is read with, after the name (never a password) */
        RECT m = r1;
        DrawTextW(dc, s->wname, -1, &m, DT_SINGLELINE | DT_VCENTER | DT_NOPREFIX | DT_CALCRECT);
        if (m.right > r1.right - (r1.right - r1.left) / 2)
            m.right = r1.right - (r1.right - r1.left) / 2;
        RECT rn = {r1.left, r1.top, m.right, r1.bottom};
        DrawTextW(dc, s->wname, -1, &rn, DT_SINGLELINE | DT_VCENTER | DT_END_ELLIPSIS | DT_NOPREFIX);
        SelectObject(dc, (HFONT)SendMessageW(g.list, WM_GETFONT, 0, 0));
        WCHAR as[600];
        _snwprintf(as, 600, L"  as %ls", account_name(s->account));
        as[599] = 0;
        RECT ra = {m.right, r1.top, r1.right, r1.bottom};
        if (!(sel && focus_in_list))
            SetTextColor(dc, RGB(0x6B, 0x3F, 0xA0));
        DrawTextW(dc, as, -1, &ra, DT_SINGLELINE | DT_VCENTER | DT_END_ELLIPSIS | DT_NOPREFIX);
        SetTextColor(dc, fg);
    } else {
        DrawTextW(dc, s->wname, -1, &r1, DT_SINGLELINE | DT_VCENTER | DT_END_ELLIPSIS | DT_NOPREFIX);
    }
    SelectObject(dc, (HFONT)SendMessageW(g.list, WM_GETFONT, 0, 0));
    WCHAR st[400];
    es_state state = entry_text(s, st, 400);
    if (!(sel && focus_in_list)) {
        COLORREF c = GetSysColor(COLOR_GRAYTEXT);
        /* a log that does not reach back to the window's start: amber, as a warning (the line's
         * end, which says so, may be cut off; the status bar shows it whole) */
        BOOL gap = s->ntgt == 1 && s->first_tgt < g.ntgt && g.tgt[s->first_tgt].has_cov &&
                   g.tgt[s->first_tgt].state == ES_STATE_DONE && es_coverage_gap(&g.tgt[s->first_tgt].cov);
        if (state == ES_STATE_FAILED)
            c = RGB(0xC4, 0x2B, 0x1C);
        else if (state == ES_STATE_DONE && gap)
            c = RGB(0x9A, 0x5B, 0x00);
        else if (state == ES_STATE_DONE)
            c = RGB(0x10, 0x7C, 0x10);
        else if (state == ES_STATE_READING || state == ES_STATE_FOLLOWING)
            c = RGB(0x00, 0x5A, 0x9E);   /* at work (following: for as long as it lasts) */
        else if (state == ES_STATE_RECONNECTING)
            c = RGB(0x9A, 0x5B, 0x00);   /* lost for now: amber, as a warning */
        SetTextColor(dc, c);
    }
    DrawTextW(dc, st, -1, &r2, DT_SINGLELINE | DT_VCENTER | DT_END_ELLIPSIS | DT_NOPREFIX);
    SelectObject(dc, old);
    if (d->itemState & ODS_FOCUS)
        DrawFocusRect(dc, &d->rcItem);
}

/* Connect as...: the chosen entries (the selected ones, or every one when none is) are read with
 * acct (NULL: the user's own logon) from the next sweep on. Saved logs are not affected (files
 * are read with the user's own rights). Returns how many entries changed. */
size_t set_account(account *acct)
{
    int n = (int)SendMessageW(g.list, LB_GETSELCOUNT, 0, 0);
    int *sel = n > 0 ? malloc((size_t)n * sizeof *sel) : NULL;
    if (sel)
        n = (int)SendMessageW(g.list, LB_GETSELITEMS, (WPARAM)n, (LPARAM)sel);
    size_t changed = 0;
    for (size_t k = 0; k < (sel ? (size_t)n : g.nsrc); k++) {
        size_t i = sel ? (size_t)sel[k] : k;
        if (i >= g.nsrc || g.src[i].kind == ES_NAME_PATH)
            continue;
        account_unref(g.src[i].account);
        g.src[i].account = account_ref(acct);
        changed++;
    }
    free(sel);
    InvalidateRect(g.list, NULL, FALSE);
    return changed;
}

/* Selecting entries in the list shows only their rows (none or every one selected: all rows). */
void focus_changed(void)
{
    int nsel = (int)SendMessageW(g.list, LB_GETSELCOUNT, 0, 0);
    if (nsel <= 0 || (size_t)nsel >= g.nsrc || g.ntgt == 0) {
        rowview_set_focus(NULL, 0);
        return;
    }
    int *sel = malloc((size_t)nsel * sizeof *sel);
    uint8_t *shown = calloc(g.ntgt, 1);
    if (!sel || !shown) {
        free(sel);
        free(shown);
        return;
    }
    nsel = (int)SendMessageW(g.list, LB_GETSELITEMS, (WPARAM)nsel, (LPARAM)sel);
    for (int i = 0; i < nsel; i++) {
        const app_source *s = sel[i] >= 0 && (size_t)sel[i] < g.nsrc ? &g.src[sel[i]] : NULL;
        for (size_t k = 0; s && k < s->ntgt && s->first_tgt + k < g.ntgt; k++)
            shown[s->first_tgt + k] = 1;
    }
    free(sel);
    rowview_set_focus(shown, g.ntgt);
}
