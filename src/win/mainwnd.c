/* The main window: the server list with each source's state, the log and time window, the
 * virtual results list, Start/Stop, Export and Import. Everything here runs on the UI thread;
 * nothing here waits on the network or a file (sweep.c and export.c do that on their threads).
 */
#include "app.h"
#include "export.h"
#include "folders.h"
#include "resource.h"
#include "sweep.h"
#include "winutil.h"
#include "es_cmdline.h"
#include "es_listfile.h"
#include "es_row.h"
#include "es_time.h"

#include <commctrl.h>
#include <commdlg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define TIMER_REFRESH   1
#define REFRESH_MS      150     /* rows and states are shown at most this often */

/* An entry of the server list, as the user gave it: a server, a .evtx file or a folder. */
typedef struct app_source {
    char        *name;          /* canonical entry, UTF-8 */
    WCHAR       *wname;
    char        *key;           /* for duplicates */
    es_name_kind kind;
    size_t       first_tgt;     /* its targets in the last sweep: [first_tgt, first_tgt + ntgt) */
    size_t       ntgt;
} app_source;

/* What a sweep reads: a server, or one .evtx file (a folder entry gives one per file). Rows
 * refer to targets by index; targets live until the next sweep starts. */
typedef struct target {
    WCHAR       *path;          /* server name or file path */
    char        *status_name;   /* the status table's Source: server name or full path */
    char        *row_name;      /* the Server column: server name or the file's name */
    WCHAR       *row_wname;
    es_name_kind kind;
    es_state     state;
    uint64_t     events;
    uint64_t     skipped;       /* damaged records skipped (saved logs) */
    uint64_t     lost;          /* rows received but not stored (the row budget, out of memory) */
    DWORD        error;
    ULONGLONG    t_start, t_end;   /* GetTickCount64 */
} target;

typedef struct app {
    HINSTANCE    hinst;
    app_init    *init;
    HWND         dlg, list, lv, status, log, hours, spin;
    HFONT        bold;
    HICON        icon_big, icon_small;
    app_source  *src;
    size_t       nsrc, capsrc;
    target      *tgt;
    size_t       ntgt;
    es_rowstore *rows;
    size_t       shown_rows;    /* item count the ListView has */
    sweep       *sw;
    sweep_settings pending;     /* the settings of a sweep waiting for its folders to be listed */
    WCHAR        pending_log[256];
    BOOL         running, stopping, closing, expanding;
    int          importing;     /* import threads not yet reported back */
    ULONGLONG    sweep_t0, sweep_t1;
    uint64_t     sweep_now;     /* FILETIME ticks when Start was pressed: the window's reference */
    export_job  *export_running;
    BOOL         cli_pending;   /* --export/--status/--exit still to do after the sweep */
    int          exit_code;
    BOOL         had_failure;
    BOOL         budget_hit;    /* the memory or row budget was reached: the sweep was stopped */
    uint64_t     memory_budget; /* bytes the rows may take */
    WCHAR        budget_text[96]; /* which budget was reached, for the sources' error text */
} app;

static app g;

static const WCHAR *const k_logs[] = {L"System", L"Application", L"Security", L"Setup", L"ForwardedEvents"};

enum { COL_SERVER, COL_TIME, COL_LEVEL, COL_SOURCE, COL_ID, COL_TASK, COL_RECORD, COL_COMPUTER, COL_MESSAGE, NCOLS };
static const struct { const WCHAR *title; int width_dlu; int right; } k_cols[NCOLS] = {
    {L"Server", 60, 0}, {L"Time", 80, 0}, {L"Level", 42, 0}, {L"Source", 90, 0}, {L"Event ID", 38, 1},
    {L"Task", 54, 0}, {L"Record", 44, 1}, {L"Computer", 80, 0}, {L"Message", 300, 0}};

/* ---- reporting ---- */

void app_report(const WCHAR *text, BOOL allow_box)
{
    HANDLE h = GetStdHandle(STD_ERROR_HANDLE);
    BOOL own = FALSE;
    if ((!h || h == INVALID_HANDLE_VALUE) && AttachConsole(ATTACH_PARENT_PROCESS)) {
        h = CreateFileW(L"CONOUT$", GENERIC_WRITE, FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
        own = h != INVALID_HANDLE_VALUE;
    }
    if (h && h != INVALID_HANDLE_VALUE) {
        DWORD mode, n;
        if (GetConsoleMode(h, &mode)) {
            WriteConsoleW(h, text, (DWORD)wcslen(text), &n, NULL);
            WriteConsoleW(h, L"\r\n", 2, &n, NULL);
        } else {
            char *u = wu_utf8(text);
            if (u) {
                WriteFile(h, u, (DWORD)strlen(u), &n, NULL);
                WriteFile(h, "\n", 1, &n, NULL);
                free(u);
            }
        }
        if (own)
            CloseHandle(h);
        return;
    }
    if (allow_box)
        MessageBoxW(g.dlg, text, L"EventSweep", MB_OK | MB_ICONWARNING);
}

static void message_box(const WCHAR *text, UINT icon)
{
    /* Scheduled runs (--exit) must never wait for a click. */
    if (g.init->exit_when_done)
        app_report(text, FALSE);
    else
        MessageBoxW(g.dlg, text, L"EventSweep", MB_OK | icon);
}

/* ---- the source list ---- */

static void free_source(app_source *s)
{
    free(s->name);
    free(s->wname);
    free(s->key);
}

/* Adds one entry; on a problem writes a sentence to err and returns FALSE. */
static BOOL add_source(const char *text, char *err, size_t errlen)
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

static void remove_selected(void)
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
    }
    free(sel);
    if (g.nsrc) {
        int caret = first < (int)g.nsrc ? first : (int)g.nsrc - 1;
        SendMessageW(g.list, LB_SETSEL, TRUE, caret);
        SendMessageW(g.list, LB_SETCARETINDEX, caret, FALSE);
    }
}

/* Adds every entry of a text (Add dialog, Import). Returns how many were added; problems are
 * gathered in err (one line each, at most a few). */
typedef struct add_ctx {
    size_t added, refused;
    es_buf problems;
    es_buf rejected;    /* the refused entries, one per line, given back to the user to fix */
} add_ctx;

static int add_line(void *ctx, const char *entry, size_t line)
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

static void report_adds(add_ctx *c, const WCHAR *what)
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

static void fmt_count(uint64_t n, WCHAR *out, size_t cap)
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
static void target_error(const target *t, WCHAR *out, size_t cap)
{
    if (t->error == ERROR_NOT_ENOUGH_MEMORY && (g.budget_hit || t->lost)) {
        WCHAR lost[64] = L"";
        if (t->lost)
            swprintf(lost, 64, L"; %llu rows were lost", (unsigned long long)t->lost);
        swprintf(out, cap, L"Reading stopped: %ls%ls.", g.budget_hit ? g.budget_text : L"out of memory", lost);
        return;
    }
    wu_error_text(t->error, out, cap);
}

static double target_seconds(const target *t)
{
    if (!t->t_start)
        return 0;
    ULONGLONG end = t->t_end ? t->t_end : GetTickCount64();
    return (double)(end - t->t_start) / 1000.0;
}

static void target_text(const target *t, WCHAR *out, size_t cap)
{
    WCHAR n[32], skipped[64] = L"";
    fmt_count(t->events, n, 32);
    if (t->skipped)
        swprintf(skipped, 64, L", %llu damaged records skipped", (unsigned long long)t->skipped);
    switch (t->state) {
    case ES_STATE_IDLE: out[0] = 0; break;
    case ES_STATE_WAITING: swprintf(out, cap, L"waiting"); break;
    case ES_STATE_CONNECTING: swprintf(out, cap, t->kind == ES_NAME_PATH ? L"opening..." : L"connecting..."); break;
    case ES_STATE_READING: swprintf(out, cap, L"reading (%ls so far)%ls", n, skipped); break;
    case ES_STATE_DONE: swprintf(out, cap, L"done: %ls events, %.1f s%ls", n, target_seconds(t), skipped); break;
    case ES_STATE_FAILED: {
        WCHAR e[256];
        target_error(t, e, 256);
        if (t->events)
            swprintf(out, cap, L"%ls (%lu) - %ls events kept", e, (unsigned long)t->error, n);
        else
            swprintf(out, cap, L"%ls (%lu)", e, (unsigned long)t->error);
        break;
    }
    }
}

/* The state line of a list entry: its target's, or a summary of a folder's files. */
static es_state entry_text(const app_source *s, WCHAR *out, size_t cap)
{
    if (s->ntgt == 0 || s->first_tgt + s->ntgt > g.ntgt) {
        out[0] = 0;
        if (g.expanding && s->kind == ES_NAME_PATH)
            swprintf(out, cap, L"listing...");
        return ES_STATE_IDLE;
    }
    if (s->ntgt == 1 && g.tgt[s->first_tgt].path && wcscmp(g.tgt[s->first_tgt].path, s->wname) == 0) {
        target_text(&g.tgt[s->first_tgt], out, cap);
        return g.tgt[s->first_tgt].state;
    }
    size_t done = 0, failed = 0, active = 0;
    uint64_t events = 0;
    for (size_t i = s->first_tgt; i < s->first_tgt + s->ntgt; i++) {
        events += g.tgt[i].events;
        if (g.tgt[i].state == ES_STATE_DONE)
            done++;
        else if (g.tgt[i].state == ES_STATE_FAILED)
            failed++;
        else if (g.tgt[i].state != ES_STATE_IDLE)
            active++;
    }
    WCHAR n[32];
    fmt_count(events, n, 32);
    swprintf(out, cap, L"%zu files: %zu done, %zu failed%ls; %ls events", s->ntgt, done, failed,
             active ? L", reading" : L"", n);
    return active ? ES_STATE_READING : failed ? ES_STATE_FAILED : ES_STATE_DONE;
}

/* ---- status bar ---- */

static void update_status(void)
{
    size_t done = 0, failed = 0;
    for (size_t i = 0; i < g.ntgt; i++) {
        if (g.tgt[i].state == ES_STATE_DONE)
            done++;
        else if (g.tgt[i].state == ES_STATE_FAILED)
            failed++;
    }
    WCHAR a[128], b[96], c[160], n[32];
    if (g.ntgt)
        swprintf(a, 128, L"Sources: %zu of %zu finished, %zu failed", done + failed, g.ntgt, failed);
    else
        swprintf(a, 128, L"Sources: %zu in the list", g.nsrc);
    fmt_count(g.rows ? es_rowstore_count(g.rows) : 0, n, 32);
    swprintf(b, 96, L"%ls rows", n);
    if (g.expanding)
        swprintf(c, 160, g.stopping ? L"Stopping..." : L"Listing folders...");
    else if (g.running)
        swprintf(c, 160, g.stopping ? L"Stopping..." : L"Sweeping... %.1f s", (double)(GetTickCount64() - g.sweep_t0) / 1000.0);
    else if (g.export_running)
        swprintf(c, 160, L"Exporting...");
    else if (g.sweep_t1)
        swprintf(c, 160, L"Sweep took %.1f s", (double)(g.sweep_t1 - g.sweep_t0) / 1000.0);
    else
        swprintf(c, 160, L"Ready");
    SendMessageW(g.status, SB_SETTEXTW, 0, (LPARAM)a);
    SendMessageW(g.status, SB_SETTEXTW, 1, (LPARAM)b);
    SendMessageW(g.status, SB_SETTEXTW, 2, (LPARAM)c);
    /* The list shows a long error cut short: the entry with the caret gets it whole here. */
    WCHAR d[600] = L"";
    int caret = (int)SendMessageW(g.list, LB_GETCARETINDEX, 0, 0);
    if (caret >= 0 && (size_t)caret < g.nsrc) {
        WCHAR st[400];
        entry_text(&g.src[caret], st, 400);
        if (st[0])
            swprintf(d, 600, L"%ls: %ls", g.src[caret].wname, st);
    }
    SendMessageW(g.status, SB_SETTEXTW, 3, (LPARAM)d);
}

static void refresh(void)
{
    size_t n = g.rows ? es_rowstore_count(g.rows) : 0;
    if (n != g.shown_rows) {
        g.shown_rows = n;
        ListView_SetItemCountEx(g.lv, (int)n, LVSICF_NOINVALIDATEALL | LVSICF_NOSCROLL);
    }
    InvalidateRect(g.list, NULL, FALSE);
    update_status();
}

static void enable_controls(void)
{
    BOOL busy = g.running || g.export_running;
    EnableWindow(GetDlgItem(g.dlg, IDC_START), !busy);
    EnableWindow(GetDlgItem(g.dlg, IDC_STOP), g.running && !g.stopping);
    EnableWindow(GetDlgItem(g.dlg, IDC_EXPORT), !g.export_running && g.rows && es_rowstore_count(g.rows) > 0);
    EnableWindow(GetDlgItem(g.dlg, IDC_ADD), !g.running);
    EnableWindow(GetDlgItem(g.dlg, IDC_REMOVE), !g.running);
    EnableWindow(GetDlgItem(g.dlg, IDC_IMPORT), !g.running);
    EnableWindow(g.log, !g.running);
    EnableWindow(g.hours, !g.running);
    EnableWindow(g.spin, !g.running);
}

/* ---- hours: a number 0..8760, shown as "all" for 0 ---- */

static int read_hours(void)
{
    WCHAR t[32];
    GetWindowTextW(g.hours, t, 32);
    WCHAR *p = t;
    while (*p == L' ')
        p++;
    if (_wcsicmp(p, L"all") == 0)
        return 0;
    WCHAR *end;
    long v = wcstol(p, &end, 10);
    while (*end == L' ')
        end++;
    if (p == end || *end || v < 0 || v > (long)ES_HOURS_MAX)
        return -1;
    return (int)v;
}

static void show_hours(int h)
{
    WCHAR t[16];
    if (h == 0)
        wcscpy(t, L"all");
    else
        swprintf(t, 16, L"%d", h);
    SetWindowTextW(g.hours, t);
}

/* ---- sweep ---- */

/* A new, empty row store for a sweep; the old one is freed when its last reader (an export)
 * lets go of it. */
static BOOL new_rowstore(void)
{
    es_rowstore *s = es_rowstore_new();
    if (!s)
        return FALSE;
    if (g.init->max_rows > 0)
        es_rowstore_set_limit(s, (size_t)g.init->max_rows);
    es_rowstore_unref(g.rows);
    g.rows = s;
    return TRUE;
}

static void free_targets(void)
{
    for (size_t i = 0; i < g.ntgt; i++) {
        free(g.tgt[i].path);
        free(g.tgt[i].status_name);
        free(g.tgt[i].row_name);
        free(g.tgt[i].row_wname);
    }
    free(g.tgt);
    g.tgt = NULL;
    g.ntgt = 0;
    for (size_t i = 0; i < g.nsrc; i++)
        g.src[i].first_tgt = g.src[i].ntgt = 0;
}

static BOOL add_target(size_t *cap, size_t entry, const WCHAR *path, es_name_kind kind)
{
    if (!es_grow(&g.tgt, cap, g.ntgt + 1, sizeof *g.tgt))
        return FALSE;
    target *t = &g.tgt[g.ntgt];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->path = _wcsdup(path);
    t->status_name = wu_utf8(path);
    const WCHAR *base = path;
    if (kind == ES_NAME_PATH)
        for (const WCHAR *p = path; *p; p++)
            if (*p == L'\\' || *p == L'/')
                base = p + 1;
    t->row_wname = _wcsdup(base);
    t->row_name = wu_utf8(base);
    if (!t->path || !t->status_name || !t->row_wname || !t->row_name) {
        free(t->path);
        free(t->status_name);
        free(t->row_wname);
        free(t->row_name);
        return FALSE;
    }
    t->state = ES_STATE_WAITING;
    if (g.src[entry].ntgt == 0)
        g.src[entry].first_tgt = g.ntgt;
    g.src[entry].ntgt++;
    g.ntgt++;
    return TRUE;
}

static void finish_cli(void);
static void cli_done(void);

/* Closing: the window goes only when no thread of ours is left to report to it. */
static void destroy_if_idle(void)
{
    if (g.closing && !g.sw && !g.expanding && !g.export_running && !g.importing)
        DestroyWindow(g.dlg);
}

/* Every target is known (folders listed): start the threads. */
static void launch(void)
{
    sweep_target *t = calloc(g.ntgt ? g.ntgt : 1, sizeof *t);
    size_t n = 0;
    for (size_t i = 0; t && i < g.ntgt; i++) {
        if (g.tgt[i].state != ES_STATE_WAITING)
            continue; /* a folder that could not be listed: already failed */
        t[n].name = g.tgt[i].path;
        t[n].kind = g.tgt[i].kind;
        t[n].id = (uint32_t)i;
        n++;
    }
    DWORD err = t ? 0 : ERROR_NOT_ENOUGH_MEMORY;
    g.sweep_t0 = GetTickCount64();
    g.sw = t ? sweep_start(g.dlg, &g.pending, t, n, g.sweep_now, &err) : NULL;
    free(t);
    if (!g.sw) {
        WCHAR m[400];
        wu_error_sentence(m, 400, L"The sweep could not start", err);
        for (size_t i = 0; i < g.ntgt; i++)
            if (g.tgt[i].state == ES_STATE_WAITING) {
                g.tgt[i].state = ES_STATE_FAILED;
                g.tgt[i].error = err;
            }
        g.running = FALSE;
        g.had_failure = TRUE;
        enable_controls();
        refresh();
        message_box(m, MB_ICONERROR);
        if (g.cli_pending)
            finish_cli();
        return;
    }
    SetTimer(g.dlg, TIMER_REFRESH, REFRESH_MS, NULL);
    enable_controls();
    refresh();
}

static void start_sweep(void)
{
    if (g.running || g.export_running)
        return;
    int hours = read_hours();
    if (hours < 0) {
        message_box(L"Last hours: enter a whole number from 0 to 8760 (0 or \"all\" means no time limit).", MB_ICONWARNING);
        SetFocus(g.hours);
        if (g.cli_pending) {
            g.exit_code = 1;
            finish_cli();
        }
        return;
    }
    WCHAR logname[256];
    GetWindowTextW(g.log, logname, 256);
    WCHAR *l = logname;
    while (*l == L' ')
        l++;
    size_t ll = wcslen(l);
    while (ll && l[ll - 1] == L' ')
        l[--ll] = 0;
    if (!*l) {
        message_box(L"Log: enter the name of a log, such as System, or a channel path.", MB_ICONWARNING);
        SetFocus(g.log);
        if (g.cli_pending) {
            g.exit_code = 1;
            finish_cli();
        }
        return;
    }
    if (g.nsrc == 0) {
        message_box(L"Add at least one server first (Add... or Import...).", MB_ICONINFORMATION);
        if (g.cli_pending)
            finish_cli();
        return;
    }
    wcscpy(g.init->st->log, l);
    g.init->st->hours = hours;
    wcscpy(g.pending_log, l);
    g.pending.channel = g.pending_log;
    g.pending.hours = (unsigned)hours;
    g.pending.timeout_s = (unsigned)g.init->timeout;
    g.pending.max_seconds = (unsigned)g.init->max_seconds;
    g.pending.max_threads = (unsigned)g.init->threads;

    if (!new_rowstore()) {
        message_box(L"The sweep could not start: out of memory.", MB_ICONERROR);
        if (g.cli_pending) {
            g.exit_code = 1;
            finish_cli();
        }
        return;
    }
    free_targets();
    g.budget_hit = FALSE;
    g.shown_rows = 0;
    ListView_SetItemCountEx(g.lv, 0, 0);
    g.had_failure = FALSE;
    g.sweep_t0 = GetTickCount64();
    g.sweep_now = wu_now_ticks();
    g.sweep_t1 = 0;
    g.running = TRUE;
    g.stopping = FALSE;

    /* Servers are targets as they are; saved-log entries are listed first, off this thread. */
    size_t cap = 0, npaths = 0;
    for (size_t i = 0; i < g.nsrc; i++) {
        if (g.src[i].kind == ES_NAME_PATH)
            npaths++;
        else if (!add_target(&cap, i, g.src[i].wname, g.src[i].kind))
            goto oom;
    }
    if (npaths == 0) {
        launch();
        return;
    }
    expand_job *job = calloc(1, sizeof *job);
    if (!job || !(job->e = calloc(npaths, sizeof *job->e))) {
        free(job);
        goto oom;
    }
    for (size_t i = 0; i < g.nsrc; i++) {
        if (g.src[i].kind != ES_NAME_PATH)
            continue;
        expand_entry *e = &job->e[job->n++];
        e->entry = i;
        e->path = _wcsdup(g.src[i].wname);
        if (!e->path) {
            expand_free(job);
            goto oom;
        }
    }
    if (!expand_start(g.dlg, job)) {
        expand_free(job);
        goto oom;
    }
    g.expanding = TRUE;
    enable_controls();
    refresh();
    return;

oom:
    g.running = FALSE;
    free_targets();
    message_box(L"The sweep could not start: out of memory.", MB_ICONERROR);
    if (g.cli_pending) {
        g.exit_code = 1;
        finish_cli();
    }
}

/* The folders are listed: add their files as targets (servers first, in list order, then
 * files, each entry's files together) and start. */
static void expand_done(expand_job *job)
{
    g.expanding = FALSE;
    if (g.closing || !g.running) {
        expand_free(job);
        g.running = FALSE;
        destroy_if_idle();
        return;
    }
    size_t cap = g.ntgt;
    BOOL ok = TRUE;
    for (size_t k = 0; ok && k < job->n; k++) {
        expand_entry *e = &job->e[k];
        if (e->entry >= g.nsrc)
            continue;
        if (e->error || e->nfiles == 0) {
            ok = add_target(&cap, e->entry, e->path, ES_NAME_PATH);
            if (ok) {
                target *t = &g.tgt[g.ntgt - 1];
                t->state = ES_STATE_FAILED;
                t->error = e->error ? e->error : ERROR_FILE_NOT_FOUND;
                t->t_start = t->t_end = GetTickCount64();
                g.had_failure = TRUE;
            }
            continue;
        }
        for (size_t f = 0; ok && f < e->nfiles; f++)
            ok = add_target(&cap, e->entry, e->files[f], ES_NAME_PATH);
    }
    expand_free(job);
    if (!ok) {
        g.running = FALSE;
        message_box(L"The sweep could not start: out of memory.", MB_ICONERROR);
        enable_controls();
        if (g.cli_pending) {
            g.exit_code = 1;
            finish_cli();
        }
        return;
    }
    if (g.stopping) { /* Stop while the folders were listed */
        for (size_t i = 0; i < g.ntgt; i++)
            if (g.tgt[i].state == ES_STATE_WAITING) {
                g.tgt[i].state = ES_STATE_FAILED;
                g.tgt[i].error = ERROR_CANCELLED;
            }
        g.running = g.stopping = FALSE;
        g.sweep_t1 = GetTickCount64();
        g.had_failure = TRUE;
        enable_controls();
        refresh();
        if (g.cli_pending)
            finish_cli();
        return;
    }
    launch();
}

static void stop_sweep(void)
{
    if (!g.running || g.stopping)
        return;
    g.stopping = TRUE;
    if (g.sw)
        sweep_stop(g.sw, ERROR_CANCELLED); /* while folders are listed there is no sweep yet: expand_done stops */
    enable_controls();
    update_status();
}

/* ---- export ---- */

static export_job *make_job(const WCHAR *rows_path, const WCHAR *status_path)
{
    export_job *job = calloc(1, sizeof *job);
    if (!job)
        return NULL;
    BOOL ok = TRUE;
    if (rows_path) {
        job->rows_path = _wcsdup(rows_path);
        ok = ok && job->rows_path;
    }
    if (status_path) {
        job->status_path = _wcsdup(status_path);
        ok = ok && job->status_path;
    }
    job->rows = g.rows;
    job->nrows = es_rowstore_count(g.rows);
    job->names = calloc(g.ntgt ? g.ntgt : 1, sizeof *job->names);
    job->status = calloc(g.ntgt ? g.ntgt : 1, sizeof *job->status);
    ok = ok && job->names && job->status;
    for (size_t i = 0; ok && i < g.ntgt; i++) {
        const target *t = &g.tgt[i];
        job->names[i] = _strdup(t->row_name);
        job->nnames = i + 1;
        es_source_status *st = &job->status[i];
        job->nstatus = i + 1;
        st->name = _strdup(t->status_name);
        st->state = t->state;
        st->events = t->events;
        st->error = t->error;
        if (t->state == ES_STATE_FAILED) {
            WCHAR e[256];
            target_error(t, e, 256);
            st->error_text = wu_utf8(e);
        } else if (t->state != ES_STATE_DONE) {
            st->state = ES_STATE_FAILED; /* still running when the export started: not ok */
            st->error_text = _strdup("still running");
        } else if (t->skipped) {
            char m[64];
            snprintf(m, sizeof m, "%llu damaged records skipped", (unsigned long long)t->skipped);
            st->error_text = _strdup(m);
        } else {
            st->error_text = _strdup("");
        }
        st->seconds = target_seconds(t);
        ok = job->names[i] && st->name && st->error_text;
    }
    if (!ok) {
        export_free(job);
        return NULL;
    }
    return job;
}

static BOOL run_export(const WCHAR *rows_path, const WCHAR *status_path)
{
    export_job *job = make_job(rows_path, status_path);
    if (!job || !export_start(g.dlg, job)) {
        export_free(job);
        message_box(L"The export could not start: out of memory.", MB_ICONERROR);
        return FALSE;
    }
    g.export_running = job;
    enable_controls();
    update_status();
    return TRUE;
}

/* The common Open/Save dialog; path (MAX_PATH * 4 WCHARs) holds the suggestion and the answer. */
#define PATH_CAP (MAX_PATH * 4)
static BOOL ask_path(BOOL save, const WCHAR *filter, const WCHAR *ext, WCHAR *path)
{
    OPENFILENAMEW ofn;
    memset(&ofn, 0, sizeof ofn);
    ofn.lStructSize = sizeof ofn;
    ofn.hwndOwner = g.dlg;
    ofn.lpstrFilter = filter;
    ofn.lpstrFile = path;
    ofn.nMaxFile = PATH_CAP;
    ofn.lpstrDefExt = ext;
    ofn.Flags = OFN_PATHMUSTEXIST | OFN_NOCHANGEDIR | OFN_EXPLORER |
                (save ? OFN_OVERWRITEPROMPT : OFN_FILEMUSTEXIST);
    return save ? GetSaveFileNameW(&ofn) : GetOpenFileNameW(&ofn);
}

static void export_dialog(void)
{
    if (g.export_running || !g.rows || es_rowstore_count(g.rows) == 0)
        return;
    WCHAR path[PATH_CAP] = L"events.csv";
    if (ask_path(TRUE, L"CSV files (*.csv)\0*.csv\0All files (*.*)\0*.*\0", L"csv", path))
        run_export(path, NULL);
}

static void export_done(export_job *job)
{
    if (job == g.export_running)
        g.export_running = NULL;
    if (job->error && job->error != ERROR_CANCELLED) {
        WCHAR what[MAX_PATH * 4 + 32], m[MAX_PATH * 4 + 400];
        swprintf(what, MAX_PATH * 4 + 32, L"Could not write %ls", job->failed_path ? job->failed_path : L"the file");
        wu_error_sentence(m, MAX_PATH * 4 + 400, what, job->error);
        message_box(m, MB_ICONERROR);
        if (g.cli_pending)
            g.exit_code = 1;
    }
    export_free(job);
    enable_controls();
    update_status();
    if (g.closing) {
        destroy_if_idle();
        return;
    }
    if (g.cli_pending)
        cli_done();
}

/* The command line's work is over: the exit code (0 all sources ok, 2 some failed, 1 kept
 * from a usage or file error) and --exit. */
static void cli_done(void)
{
    g.cli_pending = FALSE;
    if (g.exit_code == 0)
        g.exit_code = g.had_failure ? 2 : 0;
    if (g.init->exit_when_done)
        PostMessageW(g.dlg, WM_CLOSE, 0, 0);
}

/* After a sweep started from the command line: the files it asked for, then --exit. */
static void finish_cli(void)
{
    if (g.init->export_path || g.init->status_path) {
        if (run_export(g.init->export_path, g.init->status_path))
            return; /* export_done goes on */
        g.exit_code = 1;
    }
    cli_done();
}

/* ---- import ---- */

static void import_dialog(void)
{
    WCHAR path[PATH_CAP] = L"";
    if (!ask_path(FALSE, L"Text files (*.txt)\0*.txt\0All files (*.*)\0*.*\0", NULL, path))
        return;
    import_job *job = calloc(1, sizeof *job);
    if (job)
        job->path = _wcsdup(path);
    if (!job || !job->path || !import_start(g.dlg, job)) {
        import_free(job);
        message_box(L"The import could not start: out of memory.", MB_ICONERROR);
        return;
    }
    g.importing++;
}

static void import_done(import_job *job)
{
    g.importing--;
    if (g.closing) {
        import_free(job);
        destroy_if_idle();
        return;
    }
    if (job->error) {
        WCHAR what[MAX_PATH * 4 + 32], m[MAX_PATH * 4 + 300];
        swprintf(what, MAX_PATH * 4 + 32, L"Could not read %ls", job->path);
        wu_error_sentence(m, MAX_PATH * 4 + 300, what, job->error);
        message_box(m, MB_ICONERROR);
    } else if (!g.running) {
        add_ctx c = {0, 0, {0}, {0}};
        char err[256];
        es_buf_init(&c.problems);
        es_buf_init(&c.rejected);
        if (es_listfile_parse(job->data, job->len, add_line, &c, err, sizeof err) < 0) {
            WCHAR *w = wu_wide(err), m[MAX_PATH * 4 + 400];
            swprintf(m, MAX_PATH * 4 + 400, L"%ls is not a list EventSweep can read: %ls", job->path, w ? w : L"");
            free(w);
            message_box(m, MB_ICONWARNING);
        } else {
            update_status(); /* the count is right behind the message box too */
            report_adds(&c, L"Import");
        }
        es_buf_free(&c.problems);
        es_buf_free(&c.rejected);
    }
    import_free(job);
    update_status();
}

/* ---- Add dialog ---- */

static INT_PTR CALLBACK add_proc(HWND dlg, UINT msg, WPARAM wp, LPARAM lp)
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

/* ---- results list (virtual) ---- */

static void time_text(uint64_t ticks, WCHAR *out, size_t cap)
{
    FILETIME ft = {(DWORD)ticks, (DWORD)(ticks >> 32)};
    SYSTEMTIME utc, local;
    if (!FileTimeToSystemTime(&ft, &utc) || !SystemTimeToTzSpecificLocalTime(NULL, &utc, &local)) {
        out[0] = 0;
        return;
    }
    swprintf(out, cap, L"%04u-%02u-%02u %02u:%02u:%02u", local.wYear, local.wMonth, local.wDay, local.wHour,
             local.wMinute, local.wSecond);
}

static void get_dispinfo(NMLVDISPINFOW *di)
{
    LVITEMW *it = &di->item;
    if (!(it->mask & LVIF_TEXT) || it->cchTextMax <= 0 || !g.rows || (size_t)it->iItem >= es_rowstore_count(g.rows))
        return;
    const es_row *r = es_rowstore_get(g.rows, (size_t)it->iItem);
    WCHAR *out = it->pszText;
    int cap = it->cchTextMax;
    switch (it->iSubItem) {
    case COL_SERVER:
        swprintf(out, (size_t)cap, L"%ls", r->source < g.ntgt ? g.tgt[r->source].row_wname : L"");
        break;
    case COL_TIME: time_text(r->time_created, out, (size_t)cap); break;
    case COL_LEVEL: wu_to_wide_buf(r->level_text, out, cap); break;
    case COL_SOURCE: wu_to_wide_buf(r->provider, out, cap); break;
    case COL_ID: swprintf(out, (size_t)cap, L"%lu", (unsigned long)r->event_id); break;
    case COL_TASK: wu_to_wide_buf(r->task_text, out, cap); break;
    case COL_RECORD: swprintf(out, (size_t)cap, L"%llu", (unsigned long long)r->record_id); break;
    case COL_COMPUTER: wu_to_wide_buf(r->computer, out, cap); break;
    case COL_MESSAGE:
        wu_to_wide_buf(r->message, out, cap);
        for (WCHAR *p = out; *p; p++) /* one line in the list; the CSV keeps the line breaks */
            if (*p == L'\r' || *p == L'\n' || *p == L'\t')
                *p = L' ';
        break;
    }
}

/* ---- owner-drawn server list: name on the first line, state on the second ---- */

static void draw_source(const DRAWITEMSTRUCT *d)
{
    if (d->itemID == (UINT)-1)
        return;
    HDC dc = d->hDC;
    BOOL sel = (d->itemState & ODS_SELECTED) != 0;
    BOOL focus_in_list = GetFocus() == g.list;
    COLORREF bg = GetSysColor(sel ? (focus_in_list ? COLOR_HIGHLIGHT : COLOR_BTNFACE) : COLOR_WINDOW);
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
    DrawTextW(dc, s->wname, -1, &r1, DT_SINGLELINE | DT_VCENTER | DT_END_ELLIPSIS | DT_NOPREFIX);
    SelectObject(dc, (HFONT)SendMessageW(g.list, WM_GETFONT, 0, 0));
    WCHAR st[400];
    es_state state = entry_text(s, st, 400);
    if (!(sel && focus_in_list)) {
        COLORREF c = GetSysColor(COLOR_GRAYTEXT);
        if (state == ES_STATE_FAILED)
            c = RGB(0xC4, 0x2B, 0x1C);
        else if (state == ES_STATE_DONE)
            c = RGB(0x10, 0x7C, 0x10);
        else if (state == ES_STATE_READING)
            c = RGB(0x00, 0x5A, 0x9E);
        SetTextColor(dc, c);
    }
    DrawTextW(dc, st, -1, &r2, DT_SINGLELINE | DT_VCENTER | DT_END_ELLIPSIS | DT_NOPREFIX);
    SelectObject(dc, old);
    if (d->itemState & ODS_FOCUS)
        DrawFocusRect(dc, &d->rcItem);
}

/* ---- layout ---- */

static RECT dlu(int x, int y, int w, int h)
{
    RECT r = {x, y, x + w, y + h};
    MapDialogRect(g.dlg, &r);
    return r;
}

static void place(int id, int x, int y, int w, int h)
{
    SetWindowPos(GetDlgItem(g.dlg, id), NULL, x, y, w, h, SWP_NOZORDER | SWP_NOACTIVATE);
}

static void layout(void)
{
    RECT cl;
    GetClientRect(g.dlg, &cl);
    SendMessageW(g.status, WM_SIZE, 0, 0);
    RECT sr;
    GetWindowRect(g.status, &sr);
    int sbh = sr.bottom - sr.top;
    RECT m = dlu(7, 6, 4, 14);              /* margin, top, gap, button height */
    int margin = m.left, top = m.top, gap = m.right - m.left, bh = m.bottom - m.top;
    RECT u = dlu(0, 0, 170, 10);            /* left pane width, label height */
    int W = cl.right, H = cl.bottom - sbh;
    int left_w = u.right;
    if (left_w > W / 3)
        left_w = W / 3;
    RECT lw = dlu(0, 0, 54, 9);
    int btn_w = lw.right, lab_h = lw.bottom;
    int list_top = top + bh + gap;
    int bottom = H - margin;

    /* left pane */
    place(IDC_SERVERS_LABEL, margin, top + (bh - lab_h) / 2, left_w, lab_h);
    place(IDC_SERVERS, margin, list_top, left_w, bottom - bh - gap - list_top);
    int bw = (left_w - 2 * gap) / 3;
    if (bw > btn_w)
        bw = btn_w;
    place(IDC_ADD, margin, bottom - bh, bw, bh);
    place(IDC_REMOVE, margin + bw + gap, bottom - bh, bw, bh);
    place(IDC_IMPORT, margin + 2 * (bw + gap), bottom - bh, bw, bh);

    /* top row, right of the list: buttons at the right edge, then the time window, and the
     * log combo takes what is left */
    RECT b1 = dlu(0, 0, 44, 0), b2 = dlu(0, 0, 62, 0);
    int rx = W - margin - b2.right;
    place(IDC_EXPORT, rx, top, b2.right, bh);
    rx -= gap + b1.right;
    place(IDC_STOP, rx, top, b1.right, bh);
    rx -= gap + b1.right;
    place(IDC_START, rx, top, b1.right, bh);
    RECT w = dlu(0, 0, 32, 0);
    rx -= 2 * gap + w.right;
    place(IDC_HOURS_UNIT, rx, top + (bh - lab_h) / 2 + 1, w.right, lab_h);
    RECT spr;
    GetWindowRect(g.spin, &spr);
    int spin_w = spr.right - spr.left;
    w = dlu(0, 0, 28, 0);
    RECT eh = dlu(0, 0, 0, 13);
    rx -= gap / 2 + spin_w + w.right;
    place(IDC_HOURS, rx, top, w.right, eh.bottom);
    SendMessageW(g.spin, UDM_SETBUDDY, (WPARAM)g.hours, 0); /* re-attaches the arrows to the edit */
    w = dlu(0, 0, 40, 0);
    rx -= gap / 2 + w.right;
    place(IDC_HOURS_LABEL, rx, top + (bh - lab_h) / 2 + 1, w.right, lab_h);
    int x = margin + left_w + 2 * gap;
    w = dlu(0, 0, 18, 0);
    place(IDC_LOG_LABEL, x, top + (bh - lab_h) / 2 + 1, w.right, lab_h);
    x += w.right + gap / 2;
    RECT cb = dlu(0, 0, 60, 120);
    int cw = rx - 2 * gap - x;
    if (cw < cb.right)
        cw = cb.right;
    RECT cmax = dlu(0, 0, 220, 0);
    if (cw > cmax.right)
        cw = cmax.right;
    place(IDC_LOG, x, top, cw, cb.bottom);

    /* results */
    int lvx = margin + left_w + 2 * gap;
    place(IDC_RESULTS, lvx, list_top, W - margin - lvx, bottom - list_top);

    /* status bar parts */
    RECT p1 = dlu(0, 0, 190, 0), p2 = dlu(0, 0, 90, 0);
    RECT p3 = dlu(0, 0, 110, 0);
    int parts[4] = {p1.right, p1.right + p2.right, p1.right + p2.right + p3.right, -1};
    SendMessageW(g.status, SB_SETPARTS, 4, (LPARAM)parts);
}

/* ---- window ---- */

/* The list's first line is the dialog font in semibold; made again when the DPI changes. */
static void make_bold_font(void)
{
    LOGFONTW lf;
    HFONT f = (HFONT)SendMessageW(g.dlg, WM_GETFONT, 0, 0);
    if (g.bold)
        DeleteObject(g.bold);
    g.bold = NULL;
    if (f && GetObjectW(f, sizeof lf, &lf)) {
        lf.lfWeight = FW_SEMIBOLD;
        g.bold = CreateFontIndirectW(&lf);
    }
}

#define SWM_AFTER_DPI (SWM_LAST + 10)

/* After Windows has scaled the dialog for a new monitor DPI (PerMonitorV2): what it does not
 * scale itself — the owner-drawn list's item height, the bold font, the column widths. */
static void after_dpi_change(void)
{
    make_bold_font();
    RECT r = {0, 0, 0, 22};
    MapDialogRect(g.dlg, &r);
    SendMessageW(g.list, LB_SETITEMHEIGHT, 0, r.bottom);
    for (int c = 0; c < NCOLS; c++) {
        RECT w = dlu(0, 0, k_cols[c].width_dlu, 0);
        ListView_SetColumnWidth(g.lv, c, w.right);
    }
    layout();
    InvalidateRect(g.dlg, NULL, TRUE);
}

static void init_window(HWND dlg)
{
    g.dlg = dlg;
    g.list = GetDlgItem(dlg, IDC_SERVERS);
    g.lv = GetDlgItem(dlg, IDC_RESULTS);
    g.status = GetDlgItem(dlg, IDC_STATUS);
    g.log = GetDlgItem(dlg, IDC_LOG);
    g.hours = GetDlgItem(dlg, IDC_HOURS);
    g.spin = GetDlgItem(dlg, IDC_HOURS_SPIN);

    HICON big = g.icon_big = LoadImageW(g.hinst, MAKEINTRESOURCEW(IDI_APP), IMAGE_ICON, GetSystemMetrics(SM_CXICON),
                           GetSystemMetrics(SM_CYICON), 0);
    HICON small = g.icon_small = LoadImageW(g.hinst, MAKEINTRESOURCEW(IDI_APP), IMAGE_ICON, GetSystemMetrics(SM_CXSMICON),
                             GetSystemMetrics(SM_CYSMICON), 0);
    SendMessageW(dlg, WM_SETICON, ICON_BIG, (LPARAM)big);
    SendMessageW(dlg, WM_SETICON, ICON_SMALL, (LPARAM)small);

    make_bold_font();

    for (size_t i = 0; i < sizeof k_logs / sizeof *k_logs; i++)
        SendMessageW(g.log, CB_ADDSTRING, 0, (LPARAM)k_logs[i]);
    SetWindowTextW(g.log, g.init->st->log);
    SendMessageW(g.spin, UDM_SETRANGE32, 0, ES_HOURS_MAX);
    SendMessageW(g.hours, EM_LIMITTEXT, 5, 0);
    show_hours(g.init->st->hours);

    ListView_SetExtendedListViewStyle(g.lv, LVS_EX_FULLROWSELECT | LVS_EX_DOUBLEBUFFER | LVS_EX_HEADERDRAGDROP |
                                                LVS_EX_LABELTIP);
    for (int c = 0; c < NCOLS; c++) {
        RECT w = dlu(0, 0, k_cols[c].width_dlu, 0);
        LVCOLUMNW col;
        memset(&col, 0, sizeof col);
        col.mask = LVCF_TEXT | LVCF_WIDTH | LVCF_FMT | LVCF_SUBITEM;
        col.fmt = k_cols[c].right ? LVCFMT_RIGHT : LVCFMT_LEFT;
        col.cx = w.right;
        col.pszText = (WCHAR *)k_cols[c].title;
        col.iSubItem = c;
        ListView_InsertColumn(g.lv, c, &col);
    }

    for (size_t i = 0; i < g.nsrc; i++)
        SendMessageW(g.list, LB_ADDSTRING, 0, (LPARAM)g.src[i].wname);

    const settings *st = g.init->st;
    if (st->window.right > st->window.left) {
        WINDOWPLACEMENT wp;
        memset(&wp, 0, sizeof wp);
        wp.length = sizeof wp;
        wp.showCmd = SW_HIDE;
        wp.rcNormalPosition = st->window;
        /* Only where it is still on a monitor: screens change between runs. */
        if (MonitorFromRect(&st->window, MONITOR_DEFAULTTONULL))
            SetWindowPlacement(dlg, &wp);
    }
    layout();
    enable_controls();
    update_status();
}

static void save_placement(void)
{
    WINDOWPLACEMENT wp;
    wp.length = sizeof wp;
    if (GetWindowPlacement(g.dlg, &wp)) {
        g.init->st->window = wp.rcNormalPosition;
        g.init->st->maximized = wp.showCmd == SW_SHOWMAXIMIZED;
    }
    WCHAR logname[256];
    GetWindowTextW(g.log, logname, 256);
    if (logname[0])
        wcscpy(g.init->st->log, logname);
    int h = read_hours();
    if (h >= 0)
        g.init->st->hours = h;
}

static void begin_close(void)
{
    if (g.closing)
        return;
    g.closing = TRUE;
    save_placement();
    ShowWindow(g.dlg, SW_HIDE);
    if (g.running) {
        g.stopping = TRUE;
        if (g.sw)
            sweep_stop(g.sw, ERROR_CANCELLED);
    }
    if (g.export_running)
        InterlockedExchange(&g.export_running->cancel, 1);
    /* The threads end on their own (SWM_SWEEP_DONE, SWM_EXPORT_DONE destroy the window); a
     * server that ignores cancellation is abandoned by the sweep after its grace. */
    destroy_if_idle();
}

/* What the sweep's threads report. Messages of an earlier sweep (a thread it abandoned that
 * came back) are dropped, their batches freed. */
static void sweep_message(UINT msg, WPARAM wp, LPARAM lp)
{
    size_t id = SWEEP_WP_ID(wp);
    if (!g.sw || SWEEP_WP_GEN(wp) != sweep_generation(g.sw) || id >= g.ntgt) {
        if (msg == SWM_BATCH)
            es_batch_free((es_batch *)lp);
        return;
    }
    target *t = &g.tgt[id];
    switch (msg) {
    case SWM_STATE:
        t->state = (es_state)lp;
        if (lp == ES_STATE_CONNECTING)
            t->t_start = GetTickCount64();
        break;
    case SWM_BATCH: {
        size_t lost = 0;
        t->events += es_rowstore_append(g.rows, (es_batch *)lp, &lost); /* ours now: the store takes it */
        t->lost += lost;
        /* The budget: past it nothing more is read (the rows kept stay viewable and exportable);
         * the sources still reading end with ERROR_NOT_ENOUGH_MEMORY. */
        if (!g.budget_hit) {
            if (es_rowstore_count(g.rows) >= es_rowstore_limit(g.rows))
                swprintf(g.budget_text, 96, L"the row limit (%zu rows) was reached", es_rowstore_limit(g.rows));
            else if (es_rowstore_bytes(g.rows) >= g.memory_budget)
                swprintf(g.budget_text, 96, L"the memory limit for rows (%llu MB) was reached",
                         (unsigned long long)(g.memory_budget >> 20));
            else if (lost)
                swprintf(g.budget_text, 96, L"out of memory");
            else
                break;
            g.budget_hit = TRUE;
            sweep_stop(g.sw, ERROR_NOT_ENOUGH_MEMORY);
        }
        break;
    }
    case SWM_WARNINGS:
        t->skipped = (uint64_t)lp;
        break;
    case SWM_SOURCE_DONE:
        t->error = SWEEP_DONE_ERROR(lp);
        if (t->lost && !t->error)
            t->error = ERROR_NOT_ENOUGH_MEMORY; /* rows were lost: never "done" */
        t->state = t->error ? ES_STATE_FAILED : ES_STATE_DONE;
        t->t_end = GetTickCount64();
        t->t_start = t->t_end - SWEEP_DONE_MS(lp); /* the worker's own measure */
        if (t->error)
            g.had_failure = TRUE;
        break;
    }
}

static INT_PTR CALLBACK main_proc(HWND dlg, UINT msg, WPARAM wp, LPARAM lp)
{
    switch (msg) {
    case WM_INITDIALOG:
        init_window(dlg);
        return TRUE;
    case WM_SIZE:
        layout();
        return TRUE;
    case WM_DPICHANGED: {
        /* Take the size Windows suggests for the new monitor; the dialog manager rescales the
         * controls' fonts; what it does not scale is done after (SWM_AFTER_DPI). */
        const RECT *r = (const RECT *)lp;
        SetWindowPos(dlg, NULL, r->left, r->top, r->right - r->left, r->bottom - r->top,
                     SWP_NOZORDER | SWP_NOACTIVATE);
        PostMessageW(dlg, SWM_AFTER_DPI, 0, 0);
        return TRUE;
    }
    case SWM_AFTER_DPI:
        after_dpi_change();
        return TRUE;
    case WM_GETMINMAXINFO: {
        MINMAXINFO *mm = (MINMAXINFO *)lp;
        RECT r = {0, 0, 500, 200};
        if (g.dlg)
            MapDialogRect(g.dlg, &r);
        mm->ptMinTrackSize.x = r.right;
        mm->ptMinTrackSize.y = r.bottom;
        return TRUE;
    }
    case WM_MEASUREITEM: {
        MEASUREITEMSTRUCT *mi = (MEASUREITEMSTRUCT *)lp;
        if (mi->CtlID == IDC_SERVERS) {
            RECT r = {0, 0, 0, 22};
            MapDialogRect(dlg, &r);
            mi->itemHeight = (UINT)r.bottom;
            return TRUE;
        }
        break;
    }
    case WM_DRAWITEM:
        if (wp == IDC_SERVERS) {
            draw_source((const DRAWITEMSTRUCT *)lp);
            return TRUE;
        }
        break;
    case WM_VKEYTOITEM:
        /* One of the few dialog messages whose result is returned directly: -2 handled, -1
         * the list box's own handling (0 would mean "go to item 0"). */
        if ((HWND)lp == g.list && LOWORD(wp) == VK_DELETE) {
            remove_selected();
            update_status();
            return (INT_PTR)-2;
        }
        return (INT_PTR)-1;
    case WM_NOTIFY: {
        NMHDR *nh = (NMHDR *)lp;
        if (nh->idFrom == IDC_RESULTS && nh->code == LVN_GETDISPINFOW) {
            get_dispinfo((NMLVDISPINFOW *)lp);
            return TRUE;
        }
        if (nh->idFrom == IDC_HOURS_SPIN && nh->code == UDN_DELTAPOS) {
            NMUPDOWN *ud = (NMUPDOWN *)lp;
            int h = read_hours();
            if (h < 0)
                h = ES_DEFAULT_HOURS;
            h += ud->iDelta;
            if (h < 0)
                h = 0;
            if (h > (int)ES_HOURS_MAX)
                h = (int)ES_HOURS_MAX;
            show_hours(h);
            SetWindowLongPtrW(dlg, DWLP_MSGRESULT, 1); /* we set the text ourselves ("all" for 0) */
            return TRUE;
        }
        break;
    }
    case WM_COMMAND:
        switch (LOWORD(wp)) {
        case IDC_START: start_sweep(); return TRUE;
        case IDC_STOP: stop_sweep(); return TRUE;
        case IDC_EXPORT: export_dialog(); return TRUE;
        case IDC_IMPORT: if (!g.running) import_dialog(); return TRUE;
        case IDC_REMOVE: remove_selected(); return TRUE;
        case IDC_SERVERS:
            if (HIWORD(wp) == LBN_SELCHANGE)
                update_status(); /* the selected entry's whole state, in the status bar */
            return TRUE;
        case IDC_ADD:
            if (!g.running)
                DialogBoxParamW(g.hinst, MAKEINTRESOURCEW(IDD_ADD), dlg, add_proc, 0);
            update_status();
            return TRUE;
        case IDCANCEL: /* Esc stops a sweep; it does not close the window */
            if (g.running)
                stop_sweep();
            return TRUE;
        }
        break;
    case WM_TIMER:
        if (wp == TIMER_REFRESH) {
            refresh();
            return TRUE;
        }
        break;
    case SWM_STATE:
    case SWM_BATCH:
    case SWM_SOURCE_DONE:
    case SWM_WARNINGS:
        sweep_message(msg, wp, lp);
        return TRUE;
    case SWM_EXPAND_DONE:
        expand_done((expand_job *)lp);
        return TRUE;
    case SWM_SWEEP_DONE:
        if (!g.sw || SWEEP_WP_GEN(wp) != sweep_generation(g.sw))
            return TRUE; /* an earlier sweep's */
        KillTimer(dlg, TIMER_REFRESH);
        sweep_release(g.sw);
        g.sw = NULL;
        g.running = FALSE;
        g.stopping = FALSE;
        g.sweep_t1 = GetTickCount64();
        if (g.closing) {
            destroy_if_idle();
            return TRUE;
        }
        refresh();
        enable_controls();
        if (g.cli_pending)
            finish_cli();
        return TRUE;
    case SWM_EXPORT_DONE:
        export_done((export_job *)lp);
        return TRUE;
    case SWM_IMPORT_DONE:
        import_done((import_job *)lp);
        return TRUE;
    case WM_CLOSE:
        begin_close();
        return TRUE;
    case WM_DESTROY:
        KillTimer(dlg, TIMER_REFRESH);
        PostQuitMessage(g.exit_code);
        return TRUE;
    }
    return FALSE;
}

int mainwnd_run(HINSTANCE hinst, app_init *init)
{
    memset(&g, 0, sizeof g);
    g.hinst = hinst;
    g.init = init;
    MEMORYSTATUSEX ms;
    ms.dwLength = sizeof ms;
    g.memory_budget = init->max_memory_mb > 0 ? (uint64_t)init->max_memory_mb << 20
                      : GlobalMemoryStatusEx(&ms)            ? ms.ullTotalPhys / 2
                                                             : (uint64_t)1 << 31;
    if (!new_rowstore()) {
        app_report(L"Out of memory.", TRUE);
        return 1;
    }
    for (size_t i = 0; i < init->nsources; i++) {
        char err[512];
        if (!add_source(init->sources[i], err, sizeof err)) {
            WCHAR *w = wu_wide(err);
            if (w) {
                app_report(w, FALSE); /* duplicates in a list file: said, then skipped */
                free(w);
            }
        }
    }
    HWND dlg = CreateDialogParamW(hinst, MAKEINTRESOURCEW(IDD_MAIN), NULL, main_proc, 0);
    if (!dlg) {
        WCHAR m[400];
        wu_error_sentence(m, 400, L"The window could not be created", GetLastError());
        app_report(m, TRUE);
        es_rowstore_unref(g.rows);
        return 1;
    }
    ShowWindow(dlg, init->st->maximized ? SW_SHOWMAXIMIZED : SW_SHOWNORMAL);
    UpdateWindow(dlg);
    HACCEL acc = LoadAcceleratorsW(hinst, MAKEINTRESOURCEW(IDA_MAIN));
    if (init->run) {
        g.cli_pending = TRUE;
        PostMessageW(dlg, WM_COMMAND, IDC_START, 0);
    }

    MSG m;
    BOOL r;
    int code = 0;
    while ((r = GetMessageW(&m, NULL, 0, 0)) != 0) {
        if (r == -1)
            break;
        if (acc && g.dlg && IsWindow(g.dlg) && TranslateAcceleratorW(g.dlg, acc, &m))
            continue;
        if (g.dlg && IsWindow(g.dlg) && IsDialogMessageW(g.dlg, &m))
            continue;
        TranslateMessage(&m);
        DispatchMessageW(&m);
    }
    code = (int)m.wParam;

    /* Remembered for the next start: not after a scheduled run (--exit), and the server list
     * only when it did not come from the command line. */
    if (!init->exit_when_done) {
        char **names = NULL;
        if (!init->sources_from_cmdline) {
            names = calloc(g.nsrc ? g.nsrc : 1, sizeof *names);
            for (size_t i = 0; names && i < g.nsrc; i++)
                names[i] = g.src[i].name;
        }
        DWORD err = settings_save(init->st, names, names ? g.nsrc : 0);
        free(names);
        if (err) {
            WCHAR msg[400];
            wu_error_sentence(msg, 400, L"The settings could not be saved", err);
            app_report(msg, FALSE);
        }
    }
    if (!g.sw && !g.export_running && !g.expanding && !g.importing) {
        /* Every thread has ended: free what may still sit in the queue, then the rows. */
        MSG q;
        sweep_drain(dlg);
        while (PeekMessageW(&q, dlg, SWM_EXPORT_DONE, SWM_EXPAND_DONE, PM_REMOVE)) {
            if (q.message == SWM_EXPORT_DONE)
                export_free((export_job *)q.lParam);
            else if (q.message == SWM_IMPORT_DONE)
                import_free((import_job *)q.lParam);
            else
                expand_free((expand_job *)q.lParam);
        }
        es_rowstore_unref(g.rows);
        free_targets();
        for (size_t i = 0; i < g.nsrc; i++)
            free_source(&g.src[i]);
        free(g.src);
    }
    if (g.bold)
        DeleteObject(g.bold);
    if (g.icon_big)
        DestroyIcon(g.icon_big);
    if (g.icon_small)
        DestroyIcon(g.icon_small);
    return code;
}
