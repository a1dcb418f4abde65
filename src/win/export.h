/* export: writes the visible rows and/or the per-source status table to CSV, and/or the HTML report, on a background
 * thread, so a million rows or a slow share never freeze the window.
 *
 * Ownership: export_start() takes the job; when the thread has finished it posts
 * SWM_EXPORT_DONE (lParam = export_job*) and the UI thread frees the job with export_free().
 * If that message cannot be posted (the window is gone) the thread frees the job itself.
 * The thread reads rows [0, nrows) of a row store the job holds a reference to (taken and
 * dropped on the UI thread), so the window may start a new sweep with a new store meanwhile.
 * Any number of exports may run at once. */
#ifndef EXPORT_H
#define EXPORT_H

#include <windows.h>

#include "es_row.h"
#include "es_rowset.h"
#include "es_marks.h"
#include "es_source.h"
#include "srctexts.h"
#include "sweep.h"

#define SWM_EXPORT_DONE (SWM_LAST + 1)
#define SWM_IMPORT_DONE (SWM_LAST + 2)

typedef struct export_job {
    WCHAR            *rows_path;    /* NULL: no rows file */
    WCHAR            *status_path;  /* NULL: no status file */
    WCHAR            *html_path;    /* NULL: no HTML report (es_report.h); written from the same rows and status */
    char             *report_servers, *report_logs, *report_window, *report_filters;   /* its parameters (UTF-8) */
    uint64_t          report_time;  /* FILETIME ticks: when it was asked for */
    unsigned          burst_servers, burst_minutes;   /* the summary's rule (the Summary tab's, --burst) */
    es_rowstore      *rows;         /* a reference the window took for this job and drops when
                                       SWM_EXPORT_DONE arrives: the rows outlive a new sweep */
    size_t            nrows;        /* rows visible when the export started */
    uint32_t         *order;        /* their row-store indices, in the visible order (owned) */
    int               append;       /* live follow with --export: EXPORT_APPEND_* (0: the rows file
                                       is written anew, through a temporary file) */
    uint32_t         *all_order;    /* then the HTML report's rows, all those visible (owned); NULL: order */
    size_t            nall;
    size_t            piece_from;   /* a piece: the rows from this store index on (put back on failure) */
    WCHAR            *marks_path;   /* "New since last sweep": the marks written last, once the other
                                       files are in place (NULL: none) */
    char             *marks_text;
    es_marks         *marks;        /* ...and what they say, for the window once written (owned) */
    src_texts         srcs;         /* per source index of the rows: Server and Log (copies, owned) */
    es_source_status *status;       /* copied, with copied strings (its log points into srcs) */
    size_t            nstatus;
    volatile LONG     cancel;       /* set by the UI when the window closes mid-export */
    DWORD             error;        /* result: 0 or a Win32 error code */
    WCHAR            *failed_path;  /* which file the error is about */
} export_job;

/* Live follow writes --export as rows come: the first piece creates the file with its header,
 * later pieces go at its end (a run that is killed keeps what was written). */
enum { EXPORT_APPEND_FIRST = 1, EXPORT_APPEND_MORE = 2 };

/* The job's rows as the core walks them (es_rowset.h): its store, order, names and logs. */
es_rowset export_rowset(const export_job *job);

/* Starts the thread. On failure frees nothing and returns FALSE (the caller still owns job). */
BOOL export_start(HWND hwnd, export_job *job);
void export_free(export_job *job);

/* Import: reads a list file on a background thread; posts SWM_IMPORT_DONE with an
 * import_job* (the UI frees it with import_free). */
typedef struct import_job {
    WCHAR *path;
    char  *data;
    size_t len;
    DWORD  error;
} import_job;
BOOL import_start(HWND hwnd, import_job *job);
void import_free(import_job *job);

#endif
