/* The Export and Import commands: the file dialogs, the jobs handed to export.c's threads, and
 * what comes back from them. Runs on the UI thread only. */
#include "ui.h"
#include "fleet.h"
#include "winutil.h"
#include "es_listfile.h"
#include "es_filter.h"
#include "es_time.h"

#include <commdlg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

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
    job->order = rowview_copy(&job->nrows);   /* exactly what is visible, in its order */
    ok = job->order != NULL;
    job->status = calloc(g.ntgt ? g.ntgt : 1, sizeof *job->status);
    ok = ok && src_texts_alloc(&job->srcs, g.ntgt) && job->status;
    for (size_t i = 0; ok && i < g.ntgt; i++) {
        const target *t = &g.tgt[i];
        char *log = target_log(t) ? wu_utf8(target_log(t)) : NULL;
        ok = (log || !target_log(t)) && src_texts_set(&job->srcs, i, t->row_name, log, target_log(t) ? NULL : t->file_logs,
                                                      target_log(t) ? 0 : t->nfile_logs);
        free(log);
        if (!ok)
            break;
        const src_texts *sx = &job->srcs;
        es_source_status *st = &job->status[i];
        job->nstatus = i + 1;
        st->name = _strdup(t->status_name);
        st->log = sx->logs[i] ? sx->logs[i] : sx->nflogs[i] ? sx->flogs[i][0] : NULL;   /* a file: its first log */
        st->state = t->state;
        st->events = t->events;
        st->error = t->error;
        if (t->state == ES_STATE_FAILED) {
            /* Windows' own sentence, then the likely cause and the remedy */
            WCHAR e[256];
            char diag[800], *e8;
            target_error(t, e, 256);
            e8 = wu_utf8(e);
            if (e8 && target_diagnosis(t, diag, sizeof diag)) {
                size_t l = strlen(e8) + 1 + strlen(diag) + 1;
                char *both = malloc(l);
                if (both)
                    snprintf(both, l, "%s %s", e8, diag);
                st->error_text = both;
                free(e8);
            } else {
                st->error_text = e8;
            }
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
        /* live follow: what the log lost while the source was away, as its line in the window says */
        if (st->error_text && (t->overwritten || t->cleared)) {
            char m[96];
            if (t->overwritten)
                snprintf(m, sizeof m, "%llu records were overwritten %s", (unsigned long long)t->overwritten,
                         g.pending.follow ? "while it was away" : "since the last sweep");
            else
                snprintf(m, sizeof m, "the log was cleared %s", g.pending.follow ? "while it was away" : "since the last sweep");
            size_t l = strlen(st->error_text) + 2 + strlen(m) + 1;
            char *both = malloc(l);
            if (both)
                snprintf(both, l, "%s%s%s", st->error_text, st->error_text[0] ? "; " : "", m);
            free((char *)st->error_text);
            st->error_text = both;
        }
        st->seconds = target_seconds(t);
        char cov[160];
        target_coverage(t, FALSE, cov, sizeof cov);   /* UTC, as every time in the CSV files */
        st->coverage = _strdup(cov);
        ok = st->name && st->error_text && st->coverage;
    }
    if (!ok) {
        export_free(job);
        return NULL;
    }
    return job;
}

/* The HTML report's file and the sweep's parameters as its first section shows them (UTF-8). */
static BOOL report_params(export_job *job, const WCHAR *html_path)
{
    es_buf b;
    es_buf_init(&b);
    /* the servers (a server read for several logs once), by name */
    es_rowset rs = export_rowset(job);
    uint32_t *of = malloc((job->srcs.n ? job->srcs.n : 1) * sizeof *of);
    uint32_t *first = malloc((job->srcs.n ? job->srcs.n : 1) * sizeof *first);
    size_t ns = of && first ? es_rowset_servers(&rs, of, first) : SIZE_MAX;
    if (ns != SIZE_MAX) {
        es_buf_printf(&b, "%zu: ", ns);
        for (size_t i = 0; i < ns; i++)
            es_buf_printf(&b, "%s%s", i ? ", " : "", job->srcs.names[first[i]] ? job->srcs.names[first[i]] : "");
        job->report_servers = _strdup(b.data ? b.data : "");
    }
    free(of);
    free(first);
    es_buf_clear(&b);
    for (size_t i = 0; i < g.nlogs; i++) {
        char *l = wu_utf8(g.log_ptrs[i]);
        es_buf_printf(&b, "%s%s", i ? ", " : "", l ? l : "");
        free(l);
    }
    job->report_logs = _strdup(b.data ? b.data : "");
    es_buf_clear(&b);
    char t0[ES_ISO8601_LEN], t1[ES_ISO8601_LEN];
    es_time_iso8601(g.sweep_now, t1);
    if (g.pending.hours)
        es_buf_printf(&b, "the last %u hours: from %s (the sweep started %s)", g.pending.hours,
                      es_time_iso8601(es_window_start(g.sweep_now, g.pending.hours), t0), t1);
    else
        es_buf_printf(&b, "no time limit (the sweep started %s)", t1);
    job->report_window = _strdup(b.data ? b.data : "");
    es_buf_clear(&b);
    if (g.pending_view)
        es_buf_printf(&b, "custom view %s", g.view_name ? g.view_name : "");
    else if (g.pending.filter)
        es_filter_describe(g.pending.filter, &b);
    job->report_filters = _strdup(b.data ? b.data : "");
    BOOL ok = !b.failed;
    es_buf_free(&b);
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    job->report_time = (uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
    job->html_path = _wcsdup(html_path);
    fleet_rule(&job->burst_servers, &job->burst_minutes);
    return ok && job->html_path && job->report_servers && job->report_logs && job->report_window && job->report_filters;
}

static void cancel_export(void *job) { InterlockedExchange(&((export_job *)job)->cancel, 1); }

/* Starts an export of the rows visible now (and the sources' states); returns the job, or
 * NULL (said to the user) when it could not start. */
static export_job *start_export(export_job *job, const WCHAR *html_path, BOOL marks);

export_job *run_export(const WCHAR *rows_path, const WCHAR *status_path, const WCHAR *html_path, BOOL marks)
{
    return start_export(make_job(rows_path, status_path), html_path, marks);
}

/* Live follow with --export: the visible rows that arrived since the last piece, in the visible
 * order, go at the end of the file (the first piece creates it with its header); the last piece
 * also writes --status and --html (the report: every visible row). NULL when it could not
 * start (said to the user). */
export_job *run_export_piece(const WCHAR *rows_path, const WCHAR *status_path, const WCHAR *html_path, BOOL marks)
{
    export_job *job = make_job(rows_path, status_path);
    size_t upto = g.rows ? es_rowstore_count(g.rows) : 0;   /* make_job placed every row there is */
    if (job && html_path) {
        job->all_order = malloc((job->nrows ? job->nrows : 1) * sizeof *job->all_order);
        if (job->all_order) {
            memcpy(job->all_order, job->order, job->nrows * sizeof *job->order);
            job->nall = job->nrows;
        } else {
            export_free(job);
            job = NULL;
        }
    }
    if (job) {
        size_t k = 0;
        for (size_t i = 0; i < job->nrows; i++)
            if (job->order[i] >= g.appended_upto)
                job->order[k++] = job->order[i];
        job->nrows = k;
        job->append = g.append_started ? EXPORT_APPEND_MORE : EXPORT_APPEND_FIRST;
    }
    if (job)
        job->piece_from = g.appended_upto;
    job = start_export(job, html_path, marks);
    if (job) {
        g.appended_upto = upto;
        g.append_started = TRUE;
    }
    return job;
}

/* The marks after this sweep (es_marks.h): the old ones, and each server's log that ended well
 * moved to the highest record its rows hold. FALSE when out of memory. */
static BOOL attach_marks(export_job *job)
{
    if (!g.init->state_path || !g.init->marks || g.ntgt == 0)
        return TRUE;
    es_marks *m = calloc(1, sizeof *m);
    if (!m)
        return FALSE;
    es_marks_init(m);
    job->marks = m;
    BOOL ok = TRUE;
    for (size_t i = 0; ok && i < g.init->marks->n; i++) {
        const es_mark *k = &g.init->marks->v[i];
        ok = es_marks_set(m, k->server, k->log, k->record);
    }
    for (size_t i = 0; ok && i < g.ntgt; i++) {
        const target *t = &g.tgt[i];
        if (t->kind == ES_NAME_PATH || t->state != ES_STATE_DONE || t->error || !t->max_record || !target_log(t) ||
            !t->row_name)
            continue;
        char *log = wu_utf8(target_log(t));
        ok = log && es_marks_set(m, t->row_name, log, t->max_record);
        free(log);
    }
    es_buf b;
    es_buf_init(&b);
    ok = ok && es_marks_format(m, &b);
    job->marks_text = ok ? _strdup(b.data) : NULL;
    job->marks_path = ok ? _wcsdup(g.init->state_path) : NULL;
    es_buf_free(&b);
    return job->marks_text && job->marks_path;
}

/* A sweep from the window ended (no file asked for): its marks are written. */
void write_marks(void)
{
    if (!g.init->state_path || g.closing)
        return;
    export_job *job = calloc(1, sizeof *job);
    if (!job || !attach_marks(job) || !jobs_add(JOB_EXPORT, job, cancel_export)) {
        export_free(job);
        return;   /* out of memory: the marks stay as they were */
    }
    job->rows = es_rowstore_ref(g.rows);
    if (!export_start(g.dlg, job)) {
        es_rowstore_unref(job->rows);
        jobs_remove(job);
        export_free(job);
    }
}

static export_job *start_export(export_job *job, const WCHAR *html_path, BOOL marks)
{
    if (job && ((html_path && !report_params(job, html_path)) || (marks && !attach_marks(job)))) {
        export_free(job);
        job = NULL;
    }
    if (job && jobs_add(JOB_EXPORT, job, cancel_export)) {
        job->rows = es_rowstore_ref(g.rows);
        if (export_start(g.dlg, job)) {
            enable_controls();
            update_status();
            return job;
        }
        es_rowstore_unref(job->rows);
        jobs_remove(job);
    }
    export_free(job);
    message_box(L"The export could not start: out of memory.", MB_ICONERROR);
    return NULL;
}

/* The common Open/Save dialog; path (MAX_PATH * 4 WCHARs) holds the suggestion and the answer. */
#define PATH_CAP (MAX_PATH * 4)
static const WCHAR *g_save_title;   /* NULL: the dialog's own */
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
    ofn.lpstrTitle = g_save_title;
    ofn.Flags = OFN_PATHMUSTEXIST | OFN_NOCHANGEDIR | OFN_EXPLORER |
                (save ? OFN_OVERWRITEPROMPT : OFN_FILEMUSTEXIST);
    return save ? GetSaveFileNameW(&ofn) : GetOpenFileNameW(&ofn);
}

void export_dialog(void)
{
    if (!g.rows || es_rowstore_count(g.rows) == 0)
        return;
    WCHAR path[PATH_CAP] = L"events.csv";
    WCHAR title[160], a[32], b[32];
    fmt_count(rowview_count(), a, 32);
    fmt_count(rowview_total(), b, 32);
    if (rowview_filtered())
        swprintf(title, 160, L"Export %ls of %ls rows (those shown, in their order)", a, b);
    else
        swprintf(title, 160, L"Export %ls rows (in the order shown)", a);
    g_save_title = title;
    /* The dialog is modal but the window's messages go on: a scheduled run may have begun to
     * close meanwhile. */
    BOOL ok = ask_path(TRUE, L"CSV files (*.csv)\0*.csv\0All files (*.*)\0*.*\0", L"csv", path);
    g_save_title = NULL;
    if (ok && !g.closing)
        run_export(path, NULL, NULL, FALSE);
}

/* Save report...: the one-file HTML report of the rows shown and the sources' states. */
void report_dialog(void)
{
    if (!g.ntgt)
        return;
    WCHAR path[PATH_CAP] = L"report.html";
    g_save_title = L"Save the report (HTML: the sweep, each source, the fleet summary, the timeline, the rows shown)";
    BOOL ok = ask_path(TRUE, L"HTML files (*.html)\0*.html;*.htm\0All files (*.*)\0*.*\0", L"html", path);
    g_save_title = NULL;
    if (ok && !g.closing)
        run_export(NULL, NULL, path, FALSE);
}

void export_done(export_job *job)
{
    jobs_remove(job);
    es_rowstore_unref(job->rows); /* the last reader of an earlier sweep's rows frees them */
    BOOL cli = job == g.cli_export, piece = job == g.piece_export;
    if (cli)
        g.cli_export = NULL;
    if (piece)
        g.piece_export = NULL;
    if (!job->error && job->marks && g.init->marks) {   /* written: the window's marks are these now */
        es_marks_free(g.init->marks);
        *g.init->marks = *job->marks;
        free(job->marks);
        job->marks = NULL;
    }
    if (job->append && job->error && job->piece_from < g.appended_upto)
        g.appended_upto = job->piece_from;   /* the next piece tries these rows again */
    /* An export cancelled because the user closed the window is no error to report. */
    if (job->error && !(job->error == ERROR_CANCELLED && (g.closing || !(cli || piece)))) {
        WCHAR what[MAX_PATH * 4 + 32], m[MAX_PATH * 4 + 400];
        swprintf(what, MAX_PATH * 4 + 32, L"Could not write %ls", job->failed_path ? job->failed_path : L"the file");
        wu_error_sentence(m, MAX_PATH * 4 + 400, what, job->error);
        message_box(m, MB_ICONERROR);
        if (cli || piece)
            g.exit_code = 1;
    }
    export_free(job);
    enable_controls();
    update_status();
    if (g.closing) {
        destroy_if_idle();
        return;
    }
    if (cli)
        cli_done();
    else if (piece && g.cli_wait_piece)
        finish_cli();   /* the run's end waited for this minute's piece */
}

/* ---- import ---- */

void import_dialog(void)
{
    WCHAR path[PATH_CAP] = L"";
    if (!ask_path(FALSE, L"Text files (*.txt)\0*.txt\0All files (*.*)\0*.*\0", NULL, path))
        return;
    import_job *job = calloc(1, sizeof *job);
    if (job)
        job->path = _wcsdup(path);
    if (!job || !job->path || !jobs_add(JOB_IMPORT, job, NULL)) {
        import_free(job);
        message_box(L"The import could not start: out of memory.", MB_ICONERROR);
        return;
    }
    if (!import_start(g.dlg, job)) {
        jobs_remove(job);
        import_free(job);
        message_box(L"The import could not start: out of memory.", MB_ICONERROR);
    }
}

void import_done(import_job *job)
{
    jobs_remove(job);
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
    } else {
        /* During a sweep too: new entries are read by the next sweep (this one's targets are
         * fixed), so nothing the user imported is thrown away. */
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
