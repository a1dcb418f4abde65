/* Running a sweep from the window: the targets (a server, or one .evtx file of an entry),
 * listing folders first, starting and stopping the threads, and the end of a command-line run
 * (what the threads report while it runs: arrivals.c).
 * Runs on the UI thread only; sweep.c and folders.c do the work on their threads. */
#include "ui.h"
#include "es_xquery.h"
#include "es_evtrec.h"
#include "winutil.h"
#include "es_names.h"
#include "resource.h"
#include "source_classic.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* A new, empty row store for a sweep; the old one is freed when its last reader (an export)
 * lets go of it. */
BOOL new_rowstore(void)
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

void free_targets(void)
{
    for (size_t i = 0; i < g.ntgt; i++) {
        account_unref(g.tgt[i].account);
        for (unsigned k = 0; k < g.tgt[i].nfile_logs; k++)
            free(g.tgt[i].file_logs[k]);
        free(g.tgt[i].file_logs);
        free(g.tgt[i].path);
        free(g.tgt[i].status_name);
        free(g.tgt[i].row_name);
        free(g.tgt[i].row_wname);
    }
    free(g.tgt);
    g.tgt = NULL;
    g.ntgt = 0;
    for (size_t i = 0; i < g.nsrc; i++)
        g.src[i].first_tgt = g.src[i].ntgt = g.src[i].dup_files = 0;
}

const WCHAR *target_log(const target *t)
{
    return t->kind == ES_NAME_PATH || t->log >= g.nlogs ? NULL : g.logs[t->log];
}

static BOOL add_target(size_t *cap, size_t entry, const WCHAR *path, es_name_kind kind, uint32_t log)
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
    t->log = log;
    t->account = kind == ES_NAME_PATH ? NULL : account_ref(g.src[entry].account);
    if (g.src[entry].ntgt == 0)
        g.src[entry].first_tgt = g.ntgt;
    g.src[entry].ntgt++;
    g.ntgt++;
    return TRUE;
}

/* A sweep that cannot start: the user is told why; a command-line run ends with exit code 1. */
void refuse_start(const WCHAR *why, UINT icon)
{
    message_box(why, icon);
    if (g.cli_pending) {
        g.exit_code = 1;
        finish_cli();
    }
}

static void cancel_sweep(void *slot)
{
    sweep *sw = *(sweep **)slot;
    if (sw)
        sweep_stop(sw, ERROR_CANCELLED);
}

/* A server's log's mark (es_marks.h): where the last sweep read it up to; 0 when none. */
static uint64_t target_mark(const target *t)
{
    if (t->kind == ES_NAME_PATH || !target_log(t) || !g.init->marks)
        return 0;
    char *log = wu_utf8(target_log(t));
    uint64_t m = log && t->row_name ? es_marks_get(g.init->marks, t->row_name, log) : 0;
    free(log);
    return m;
}

/* Every target is known (folders listed): start the threads. */
void launch(void)
{
    rowview_set_sources();
    sweep_target *t = calloc(g.ntgt ? g.ntgt : 1, sizeof *t);
    size_t n = 0;
    for (size_t i = 0; t && i < g.ntgt; i++) {
        if (g.tgt[i].state != ES_STATE_WAITING)
            continue; /* a folder that could not be listed, or (Retry failed) a source that was read */
        g.tgt[i].tries++;
        g.tgt[i].classic = g.pending.engine == SWEEP_ENGINE_CLASSIC && g.tgt[i].kind != ES_NAME_PATH;
        t[n].name = g.tgt[i].path;
        t[n].kind = g.tgt[i].kind;
        t[n].id = (uint32_t)i;
        t[n].account = g.tgt[i].account;
        t[n].log = g.tgt[i].log;
        t[n].after_record = g.init->since_last ? target_mark(&g.tgt[i]) : 0;
        n++;
    }
    DWORD err = t ? 0 : ERROR_NOT_ENOUGH_MEMORY;
    g.sweep_t0 = GetTickCount64();
    /* Registered under the address of g.sw, which stands for whatever sweep runs. */
    if (t && !jobs_add(JOB_SWEEP, &g.sw, cancel_sweep))
        err = ERROR_NOT_ENOUGH_MEMORY;
    g.sw = t && !err ? sweep_start(g.dlg, &g.pending, t, n, g.sweep_now, &err) : NULL;
    free(t);
    if (!g.sw) {
        jobs_remove(&g.sw);
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

/* --query: the view must read the log being swept, fit Windows' 20 comparisons with the time
 * window added, and, when saved logs are in the list, be one our matcher can evaluate. */
static BOOL check_view(const WCHAR *log, int hours)
{
    char err[512] = "", why[400] = "";
    es_xquery *q = es_xquery_parse(g.view_text, g.view_len, err, sizeof err);
    char *l8 = wu_utf8(log);
    BOOL files = FALSE;
    for (size_t i = 0; i < g.nsrc; i++)
        files = files || g.src[i].kind == ES_NAME_PATH;
    BOOL ok = q && l8 && es_xquery_check_channel(q, l8, err, sizeof err) &&
              es_xquery_check_window(q, hours > 0, err, sizeof err);
    if (ok && files && !es_xquery_local_ok(q, why, sizeof why)) {
        snprintf(err, sizeof err, "This view cannot be evaluated on saved logs (%s). Remove the saved logs from the "
                 "list, or use a view without it.", why);
        ok = FALSE;
    }
    es_xquery_free(q);
    free(l8);
    if (!ok) {
        char msg[800];
        snprintf(msg, sizeof msg, "The view %s cannot be run: %s", g.view_name ? g.view_name : "",
                 err[0] ? err : "out of memory");
        WCHAR *w = wu_wide(msg);
        refuse_start(w ? w : L"The view cannot be run.", MB_ICONWARNING);
        free(w);
    }
    return ok;
}

/* --engine classic: OpenEventLog reads Application for a log it does not know, so only the
 * classic logs are read with it; and a view must be one our own matcher evaluates (the classic
 * API filters nothing on the server). */
static BOOL check_classic(const WCHAR *log)
{
    char *l8 = wu_utf8(log), why[300] = "";
    BOOL ok = l8 && es_classic_log_known(l8);
    WCHAR m[700];
    const app_source *refused = NULL;   /* an account the classic API cannot log on as asked */
    for (size_t i = 0; i < g.nsrc && !refused; i++)
        if (g.src[i].kind != ES_NAME_PATH && !classic_account_ok(g.src[i].account, g.src[i].kind))
            refused = &g.src[i];
    if (ok && refused && refused->kind == ES_NAME_LOCAL) {
        swprintf(m, 700, L"The classic event log API reads this computer with your own logon: it cannot read %ls as %ls. "
                         L"Read it with the Windows Event Log API (Limits...), or with your own logon (Connect as...).",
                 refused->wname, account_name(refused->account));
        ok = FALSE;
    } else if (ok && refused) {
        swprintf(m, 700, L"The classic event log API logs on as another account with Negotiate only: it cannot use "
                         L"Kerberos or NTLM alone, as %ls for %ls asks. Connect as... with Negotiate, or read with the "
                         L"Windows Event Log API (Limits...).",
                 account_name(refused->account), refused->wname);
        ok = FALSE;
    } else if (!ok) {
        swprintf(m, 700, L"The classic event log API reads only the classic logs (System, Application, Security, Setup, "
                         L"Windows PowerShell, ...): for \"%ls\" it would read Application instead. Choose a classic log, "
                         L"or another way of reading in Limits...", log);
    } else if (g.view_text) {
        es_xquery *q = es_xquery_parse(g.view_text, g.view_len, why, sizeof why);
        if (q && !es_xquery_local_ok(q, why, sizeof why)) {
            WCHAR *w = wu_wide(why);
            swprintf(m, 700, L"The classic event log API cannot filter with this view (%ls): EventSweep filters its events "
                             L"itself. Use a view without it, or the Windows Event Log API (Limits...).", w ? w : L"");
            free(w);
            ok = FALSE;
        }
        es_xquery_free(q);
    }
    free(l8);
    if (!ok)
        refuse_start(m, MB_ICONWARNING);
    return ok;
}

void start_sweep(void)
{
    if (g.running)
        return;
    if (sweep_abandoned_threads() >= SWEEP_ABANDONED_CAP) {
        WCHAR m[300];
        swprintf(m, 300, L"%ld threads are still stuck in servers that stopped answering. A new sweep waits until "
                         L"fewer than %d are left; closing EventSweep ends them.",
                 (long)sweep_abandoned_threads(), SWEEP_ABANDONED_CAP);
        refuse_start(m, MB_ICONWARNING);
        return;
    }
    int hours = read_hours();
    if (hours < 0) {
        SetFocus(g.hours);
        refuse_start(L"Last hours: enter a whole number from 0 to 8760 (0 or \"all\" means no time limit).", MB_ICONWARNING);
        return;
    }
    /* the Log box: one log, or several separated by commas (each server reads each) */
    WCHAR logname[256];
    GetWindowTextW(g.log, logname, 256);
    char *l8 = wu_utf8(logname), lerr[300] = "", names[ES_MAX_LOGS][ES_LOG_NAME_MAX];
    size_t nlogs = l8 ? es_logs_parse(l8, names, ES_MAX_LOGS, lerr, sizeof lerr) : 0;
    free(l8);
    if (!nlogs) {
        SetFocus(g.log);
        WCHAR *w = wu_wide(lerr[0] ? lerr : "Log: out of memory.");
        refuse_start(w ? w : L"Log: enter the name of a log, such as System.", MB_ICONWARNING);
        free(w);
        return;
    }
    WCHAR l[ES_LOG_NAME_MAX];   /* the first log (a view must read it alone) */
    wu_to_wide_buf(names[0], l, ES_LOG_NAME_MAX);
    if (nlogs > 1 && g.view_text) {
        refuse_start(L"A custom view reads the log it names: sweep one log with it (the Log box lists several).",
                     MB_ICONWARNING);
        return;
    }
    WCHAR fmsg[400];
    const es_filter *filter = filterbar_read(fmsg, 400);
    if (!filter) {
        refuse_start(fmsg, MB_ICONWARNING);
        return;
    }
    if (g.view_text && !check_view(l, hours))
        return;
    BOOL since_last = IsDlgButtonChecked(g.dlg, IDC_SINCE_LAST) == BST_CHECKED;
    if (since_last && g.view_text) {
        refuse_start(L"New since last: a custom view's Selects are its own, so the records after each log's mark "
                     L"cannot be added to them. Clear the view (Custom view...) or the box.",
                     MB_ICONWARNING);
        return;
    }
    if (since_last && (!g.init->state_path || !g.init->marks)) {
        refuse_start(L"New since last: there is no file to keep each log's mark in (the folder for application "
                     L"data cannot be found). Start EventSweep with --state FILE.",
                     MB_ICONWARNING);
        return;
    }
    for (size_t i = 0; i < nlogs && g.init->engine == SWEEP_ENGINE_CLASSIC; i++) {
        WCHAR li[ES_LOG_NAME_MAX];
        wu_to_wide_buf(names[i], li, ES_LOG_NAME_MAX);
        if (!check_classic(li))
            return;
    }
    if (g.nsrc == 0) {
        message_box(L"Add at least one server first (Add... or Import...).", MB_ICONINFORMATION);
        if (g.cli_pending)
            finish_cli();
        return;
    }
    /* Everything the sweep needs is allocated before anything is committed: a refusal leaves
     * the last sweep's settings, filter and view as Retry failed reads them. */
    char *view_copy = NULL;   /* the old copy stays until the new one exists (Retry reads it) */
    if (g.view_text && !(view_copy = malloc(g.view_len + 1))) {
        refuse_start(L"The sweep could not start: out of memory.", MB_ICONERROR);
        return;
    }
    if (view_copy) {
        memcpy(view_copy, g.view_text, g.view_len);
        view_copy[g.view_len] = 0;
    }
    if (!new_rowstore()) {
        free(view_copy);
        refuse_start(L"The sweep could not start: out of memory.", MB_ICONERROR);
        return;
    }
    wcscpy(g.init->st->log, logname);
    g.init->st->hours = hours;
    g.pending.hours = (unsigned)hours;
    g.pending.timeout_s = (unsigned)g.init->timeout;
    g.pending.max_seconds = (unsigned)g.init->max_seconds;
    g.pending.max_threads = (unsigned)g.init->threads;
    /* The sweep's filter is a copy: the filter row parses into its own (on every Start, also
     * one that is then refused), and Retry failed reads this one. */
    static es_filter s_sweep_filter; /* 17 KB: not on the stack; UI thread only */
    s_sweep_filter = *filter;
    g.pending.filter = &s_sweep_filter;
    g.pending.engine = (sweep_engine)g.init->engine;
    g.pending.follow = IsDlgButtonChecked(g.dlg, IDC_FOLLOW) == BST_CHECKED;
    /* Following keeps to the row limit by evicting the oldest rows, which cannot happen while an
     * export reads the store: the store takes up to a quarter more meanwhile, so that a minute's
     * piece written at a high rate does not end the follow (the memory budget likewise). */
    g.follow_rows = 0;
    if (g.pending.follow) {
        g.follow_rows = es_rowstore_limit(g.rows);
        es_rowstore_set_limit(g.rows, g.follow_rows + g.follow_rows / 4);
    }
    g.init->since_last = since_last;   /* launch() reads it, for this sweep and its Retry failed */
    if (g.pending.follow && g.cli_pending && g.init->follow_minutes > 0)   /* then stop, write the files */
        SetTimer(g.dlg, TIMER_FOLLOW_END, (UINT)g.init->follow_minutes * 60000u, NULL);
    g.appended_upto = 0;
    g.append_started = FALSE;
    if (g.pending.follow && g.cli_pending && g.init->export_path)   /* the export as rows come */
        SetTimer(g.dlg, TIMER_FOLLOW_PIECE, FOLLOW_PIECE_MS, NULL);
    /* A view replaces the filter row's filter. The sweep (and Retry failed) read the copy taken
     * now: the user may change the view meanwhile. */
    free(g.pending_view);
    g.pending_view = view_copy;
    g.pending.view_text = g.pending_view;
    g.pending.view_len = g.pending_view ? g.view_len : 0;

    details_show_row(SIZE_MAX); /* its row and target are about to go */
    free_targets();
    g.nlogs = nlogs;
    for (size_t i = 0; i < nlogs; i++) {
        wu_to_wide_buf(names[i], g.logs[i], ES_LOG_NAME_MAX);
        g.log_ptrs[i] = g.logs[i];
    }
    g.pending.channels = g.log_ptrs;
    g.pending.nchannels = g.nlogs;
    g.budget_hit = FALSE;
    g.evicted = 0;
    rowview_reset();
    /* A sweep shows every source's rows: the list's selection (which chose the rows shown, or
     * was left by a Remove) is cleared. */
    SendMessageW(g.list, LB_SETSEL, FALSE, -1);
    g.had_failure = FALSE;
    g.retrying = FALSE;
    g.user_stopped = FALSE;
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
        else
            for (uint32_t k = 0; k < g.nlogs; k++)   /* a server: one target per log */
                if (!add_target(&cap, i, g.src[i].wname, g.src[i].kind, k))
                    goto oom;
    }
    if (npaths == 0) {
        launch();
        if (g.interrupted)
            stop_sweep(); /* a scheduled run closed before its sweep began: every source 1223 */
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
    if (!jobs_add(JOB_LISTING, job, NULL)) {
        expand_free(job);
        goto oom;
    }
    if (!expand_start(g.dlg, job)) {
        jobs_remove(job);
        expand_free(job);
        goto oom;
    }
    enable_controls();
    refresh();
    if (g.interrupted)
        stop_sweep(); /* expand_done reports every source as cancelled */
    return;

oom:
    g.running = FALSE;
    free_targets();
    refuse_start(L"The sweep could not start: out of memory.", MB_ICONERROR);
}

/* The folders are listed: add their files as targets (servers first, in list order, then
 * files, each entry's files together) and start. */
void expand_done(expand_job *job)
{
    jobs_remove(job);
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
        g.src[e->entry].dup_files = e->ndup;
        g.src[e->entry].dup_of = e->ndup && e->dup_of < job->n ? job->e[e->dup_of].entry : SIZE_MAX;
        if (!e->error && e->nfiles == 0 && e->ndup)
            continue; /* every file of it is read through an earlier entry: nothing to do, no error */
        if (e->error || e->nfiles == 0) {
            ok = add_target(&cap, e->entry, e->path, ES_NAME_PATH, 0);
            if (ok) {
                target *t = &g.tgt[g.ntgt - 1];
                t->unlisted = TRUE;
                t->state = ES_STATE_FAILED;
                t->error = e->error ? e->error : ERROR_FILE_NOT_FOUND;
                t->t_start = t->t_end = GetTickCount64();
                g.had_failure = TRUE;
            }
            continue;
        }
        for (size_t f = 0; ok && f < e->nfiles; f++)
            ok = add_target(&cap, e->entry, e->files[f], ES_NAME_PATH, 0);
    }
    expand_free(job);
    if (!ok) {
        g.running = FALSE;
        enable_controls();
        refuse_start(L"The sweep could not start: out of memory.", MB_ICONERROR);
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

void stop_sweep(void)
{
    if (!g.running || g.stopping)
        return;
    g.stopping = TRUE;
    g.user_stopped = TRUE;   /* --retry does not read again what the user stopped */
    if (g.sw)
        sweep_stop(g.sw, ERROR_CANCELLED); /* while folders are listed there is no sweep yet: expand_done stops */
    enable_controls();
    update_status();
}

/* The command line's work is over: the exit code (0 all sources ok, 2 some failed, 1 kept
 * from a usage or file error) and --exit. */
void cli_done(void)
{
    g.cli_pending = FALSE;
    if (g.exit_code == 0)
        g.exit_code = g.had_failure || g.interrupted ? 2 : 0;
    if (g.init->exit_when_done)
        PostMessageW(g.dlg, WM_CLOSE, 0, 0);
}

/* After a sweep started from the command line: the files it asked for, then --exit. */
void finish_cli(void)
{
    if (rowview_busy()) {
        g.cli_wait_view = TRUE;   /* the export writes the rows as shown: the sort or find first */
        return;
    }
    g.cli_wait_view = FALSE;
    if (g.piece_export) {
        g.cli_wait_piece = TRUE;   /* live follow: the minute's piece first, then the last one */
        return;
    }
    g.cli_wait_piece = FALSE;
    if (g.init->export_path || g.init->status_path || g.init->html_path || g.init->state_path) {
        /* live follow writes --export in pieces as rows come: the last piece ends it; the marks
         * of "New since last sweep" go last, once the files are in place */
        g.cli_export = g.pending.follow && g.init->export_path
                           ? run_export_piece(g.init->export_path, g.init->status_path, g.init->html_path, TRUE)
                           : run_export(g.init->export_path, g.init->status_path, g.init->html_path, TRUE);
        if (g.cli_export)
            return; /* export_done goes on, for this export only (the user may start others) */
        g.exit_code = 1;
    }
    cli_done();
}
