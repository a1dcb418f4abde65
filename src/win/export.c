/* Background CSV export and list import (see export.h). */
#include "export.h"
#include "winutil.h"
#include "es_buf.h"
#include "es_export.h"
#include "es_report.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define FLUSH_AT (1u << 20)   /* write in 1 MiB pieces: memory stays flat on a million rows */

typedef struct out_file {
    HANDLE h;
    WCHAR *tmp;
    DWORD  err;
    volatile LONG *cancel;   /* NULL, or a flag that stops the writing (ERROR_CANCELLED) */
} out_file;

/* An es_sink's write (es_report.h): 1, or 0 with the error kept in f->err. */
static int out_bytes(void *ctx, const char *p, size_t left)
{
    out_file *f = ctx;
    if (f->err == 0 && f->cancel && *f->cancel)
        f->err = ERROR_CANCELLED;
    while (f->err == 0 && left > 0) {
        DWORD wrote = 0;
        if (!WriteFile(f->h, p, (DWORD)(left > (1u << 30) ? (1u << 30) : left), &wrote, NULL))
            f->err = GetLastError();
        p += wrote;
        left -= wrote;
    }
    return f->err == 0;
}

static void out_write(out_file *f, es_buf *b)
{
    if (f->err == 0 && b->failed)
        f->err = ERROR_NOT_ENOUGH_MEMORY;
    out_bytes(f, b->data, b->len);
    es_buf_clear(b);
}

/* Writes to "<path>.tmpNNNN" and renames it over path at the end: an export that fails half
 * way never leaves a truncated file that looks complete. */
static BOOL out_open(out_file *f, const WCHAR *path)
{
    size_t n = wcslen(path) + 16;
    f->tmp = malloc(n * sizeof(WCHAR));
    f->err = 0;
    f->cancel = NULL;
    if (!f->tmp) {
        f->err = ERROR_NOT_ENOUGH_MEMORY;
        return FALSE;
    }
    swprintf(f->tmp, n, L"%ls.tmp%04lx", path, (unsigned long)(GetCurrentThreadId() & 0xffff));
    f->h = CreateFileW(f->tmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f->h == INVALID_HANDLE_VALUE) {
        f->err = GetLastError();
        free(f->tmp);
        f->tmp = NULL;
        return FALSE;
    }
    return TRUE;
}

static DWORD out_close(out_file *f, const WCHAR *path)
{
    if (!f->tmp)
        return f->err;
    if (f->err == 0 && !FlushFileBuffers(f->h))
        f->err = GetLastError();
    CloseHandle(f->h);
    if (f->err == 0 && !MoveFileExW(f->tmp, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
        f->err = GetLastError();
    if (f->err)
        DeleteFileW(f->tmp);
    free(f->tmp);
    f->tmp = NULL;
    return f->err;
}

es_rowset export_rowset(const export_job *job)
{
    es_rowset rs = {job->rows, job->order, job->nrows, (const char *const *)job->srcs.names,
                    (const char *const *)job->srcs.logs, (const char *const *const *)job->srcs.flogs, job->srcs.nflogs,
                    job->srcs.n};
    return rs;
}

/* A piece of a followed run's export: straight into the file (created with its header by the
 * first piece, at its end for the others), flushed to disk before the job reports. */
static BOOL out_open_append(out_file *f, const WCHAR *path, BOOL first)
{
    memset(f, 0, sizeof *f);
    f->h = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ, NULL, first ? CREATE_ALWAYS : OPEN_ALWAYS,
                       FILE_ATTRIBUTE_NORMAL, NULL);
    if (f->h == INVALID_HANDLE_VALUE) {
        f->err = GetLastError();
        return FALSE;
    }
    LARGE_INTEGER zero = {0};
    if (!SetFilePointerEx(f->h, zero, NULL, FILE_END)) {
        f->err = GetLastError();
        CloseHandle(f->h);
        return FALSE;
    }
    return TRUE;
}

static DWORD out_close_append(out_file *f)
{
    if (f->err == 0 && !FlushFileBuffers(f->h))
        f->err = GetLastError();
    CloseHandle(f->h);
    return f->err;
}

static DWORD write_rows(export_job *job)
{
    out_file f;
    if (job->append ? !out_open_append(&f, job->rows_path, job->append == EXPORT_APPEND_FIRST)
                    : !out_open(&f, job->rows_path))
        return f.err;
    es_rowset rs = export_rowset(job);
    es_buf b;
    es_buf_init(&b);
    if (job->append != EXPORT_APPEND_MORE)
        es_export_rows_header(&b);
    for (size_t i = 0; i < job->nrows && f.err == 0; i++) {
        if (job->cancel) {
            f.err = ERROR_CANCELLED;
            break;
        }
        const es_row *r = es_rowset_row(&rs, i);
        es_export_row(&b, es_rowset_server(&rs, r), es_rowset_log(&rs, r), r);
        if (b.len >= FLUSH_AT)
            out_write(&f, &b);
    }
    out_write(&f, &b);
    es_buf_free(&b);
    return job->append ? out_close_append(&f) : out_close(&f, job->rows_path);
}

static DWORD write_status(export_job *job)
{
    es_buf b;
    es_buf_init(&b);
    es_export_status_header(&b);
    for (size_t i = 0; i < job->nstatus; i++)
        es_export_status_row(&b, &job->status[i]);
    DWORD err = b.failed ? ERROR_NOT_ENOUGH_MEMORY : wu_write_file_atomic(job->status_path, b.data, b.len);
    es_buf_free(&b);
    return err;
}

/* The report of the same rows and sources; the writer builds the summary and the timeline. */
static DWORD write_html(export_job *job)
{
    out_file f;
    if (!out_open(&f, job->html_path))
        return f.err;
    es_rowset rs = export_rowset(job);
    if (job->all_order) {   /* a followed run's last piece: the report has every visible row */
        rs.order = job->all_order;
        rs.n = job->nall;
    }
    es_report r = {0};
    r.generated = job->report_time;
    r.servers = job->report_servers;
    r.logs = job->report_logs;
    r.window = job->report_window;
    r.filters = job->report_filters;
    r.sources = job->status;
    r.nsources = job->nstatus;
    r.rows = &rs;
    r.max_rows = ES_REPORT_ROWS;
    r.burst_servers = job->burst_servers;
    r.burst_minutes = job->burst_minutes;
    es_sink sink = {out_bytes, &f};
    f.cancel = &job->cancel;   /* looked at on every 64 KiB the writer hands over */
    if (!es_report_html(&r, &sink, NULL) && f.err == 0)
        f.err = ERROR_NOT_ENOUGH_MEMORY;
    return out_close(&f, job->html_path);
}

static void export_work(void *param)
{
    export_job *job = param;
    if (job->rows_path) {
        job->error = write_rows(job);
        if (job->error)
            job->failed_path = job->rows_path;
    }
    if (!job->error && job->status_path) {
        job->error = write_status(job);
        if (job->error)
            job->failed_path = job->status_path;
    }
    if (!job->error && job->html_path && !job->cancel) {
        job->error = write_html(job);
        if (job->error)
            job->failed_path = job->html_path;
    }
    /* The marks move only once every file asked for is in place. */
    if (!job->error && job->marks_path && !job->cancel) {
        WCHAR dir[MAX_PATH * 4];
        wcsncpy(dir, job->marks_path, MAX_PATH * 4 - 1);
        dir[MAX_PATH * 4 - 1] = 0;
        WCHAR *slash = wcsrchr(dir, L'\\');
        if (slash) {
            *slash = 0;
            CreateDirectoryW(dir, NULL);   /* %APPDATA%\EventSweep on a first run; an error says the write */
        }
        job->error = wu_write_file_atomic(job->marks_path, job->marks_text, strlen(job->marks_text));
        if (job->error)
            job->failed_path = job->marks_path;
    }
}

static void export_free_any(void *job) { export_free(job); }

BOOL export_start(HWND hwnd, export_job *job)
{
    return wu_run_job(hwnd, SWM_EXPORT_DONE, job, export_work, export_free_any);
}

void export_free(export_job *job)
{
    if (!job)
        return;
    free(job->rows_path);
    free(job->status_path);
    free(job->html_path);
    free(job->report_servers);
    free(job->report_logs);
    free(job->report_window);
    free(job->report_filters);
    free(job->order);
    free(job->all_order);
    free(job->marks_path);
    free(job->marks_text);
    if (job->marks)
        es_marks_free(job->marks);
    free(job->marks);
    src_texts_free(&job->srcs, TRUE);
    for (size_t i = 0; i < job->nstatus; i++) {
        free((char *)job->status[i].name);
        free((char *)job->status[i].error_text);
        free((char *)job->status[i].coverage);
    }
    free(job->status);
    free(job);
}

static void import_work(void *param)
{
    import_job *job = param;
    job->error = wu_read_file(job->path, 64u << 20, &job->data, &job->len);
}

static void import_free_any(void *job) { import_free(job); }

BOOL import_start(HWND hwnd, import_job *job)
{
    return wu_run_job(hwnd, SWM_IMPORT_DONE, job, import_work, import_free_any);
}

void import_free(import_job *job)
{
    if (!job)
        return;
    free(job->path);
    free(job->data);
    free(job);
}
