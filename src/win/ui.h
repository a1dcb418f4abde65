/* ui: the main window's shared state and what its parts call on each other. The window is
 * split by part (mainwnd.c the dialog procedure, srclist.c the source list, results.c the
 * results list, querybar.c the log and time window, filterbar.c the filter row, layout.c the layout, run.c the sweep,
 * filecmds.c Export and Import, adddlg.c the Add dialog); all of it runs on the UI thread
 * only. There is one window, so its state is one global, g. */
#ifndef UI_H
#define UI_H

#include <windows.h>
#include <commctrl.h>
#include <stdint.h>

#include "app.h"
#include "export.h"
#include "folders.h"
#include "details.h"
#include "jobs.h"
#include "sweep.h"
#include "es_buf.h"
#include "es_coverage.h"
#include "es_row.h"
#include "es_view.h"
#include "es_diag.h"
#include "account.h"
#include "es_logs.h"

#define TIMER_REFRESH   1
#define TIMER_CLOSE     2
#define TIMER_FOLLOW_END 3   /* --follow-minutes */
#define TIMER_FOLLOW_PIECE 4 /* live follow with --export: the new rows into the file */
#define FOLLOW_PIECE_MS  60000
#define CLOSE_JOBS_GRACE_MS 10000 /* closing: how long a job stuck on a dead share may hold it */
#define SWM_CLOSE_REQUEST (SWM_LAST + 11) /* a close request from the console (Ctrl+C) */
#define SWM_VIEW_DONE   (SWM_LAST + 40) /* a sort or filter job ended: lParam = its job */
#define REFRESH_MS      150     /* rows and states are shown at most this often */

/* An entry of the server list, as the user gave it: a server, a .evtx file or a folder. */
typedef struct app_source {
    char        *name;          /* canonical entry, UTF-8 */
    WCHAR       *wname;
    char        *key;           /* for duplicates */
    es_name_kind kind;
    size_t       first_tgt;     /* its targets in the last sweep: [first_tgt, first_tgt + ntgt) */
    size_t       ntgt;
    size_t       dup_files;     /* its files that another entry lists too: read there, once */
    size_t       dup_of;        /* that entry's index, when dup_files; SIZE_MAX: several, or removed */
    account     *account;       /* servers: "Connect as..." (a reference), or NULL: the user's own logon */
} app_source;

/* What a sweep reads: a server, or one .evtx file (a folder entry gives one per file). Rows
 * refer to targets by index; targets live until the next sweep starts. */
typedef struct target {
    WCHAR       *path;          /* server name or file path */
    char        *status_name;   /* the status table's Source: server name or full path */
    char        *row_name;      /* the Server column: server name or the file's name */
    WCHAR       *row_wname;
    es_name_kind kind;
    uint32_t     log;           /* servers: which of g.logs it reads */
    char       **file_logs;     /* saved logs: the channels its events name (its rows' log_ix - 1) */
    uint8_t      nfile_logs;
    account     *account;       /* the entry's account when the sweep began (a reference), or NULL */
    es_state     state;
    uint64_t     events;
    uint64_t     skipped;       /* damaged records skipped (saved logs) */
    uint64_t     lost;          /* rows received but not stored (the row budget, out of memory) */
    uint64_t     nlevel[6];     /* rows received per level (0 LogAlways .. 5 Verbose; others as 0) */
    DWORD        error;
    BOOL         classic;       /* read through the classic API (the fallback, or --engine classic) */
    ULONGLONG    retry_at;      /* live follow, reconnecting: when the next try comes (GetTickCount64) */
    DWORD        lost_error;    /* ...and the error that lost the server */
    uint64_t     overwritten;   /* live follow: records the log overwrote while the source was away */
    BOOL         cleared;       /* ...or the log was cleared then (how many: unknown) */
    uint64_t     max_record;    /* the highest EventRecordID of its rows (its log's next mark) */
    DWORD        fallback_error;/* the classic API failed too (the fallback, before any row): its
                                   error, said beside the Windows Event Log API's; 0: none */
    int          probe;         /* es_probe_verdict: what the 1722 probe found (0: none) */
    BOOL         unlisted;      /* a folder that could not be listed: Start lists it again, Retry does not */
    unsigned     tries;         /* readings of it in this sweep: 1, more after Retry failed */
    BOOL         has_cov;       /* cov was read (servers, once their events are read) */
    es_coverage  cov;           /* how far back its log reaches (SWM_COVERAGE) */
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
    BOOL         syncing;       /* the list's selection is being moved with its rows, not by the user */
    sweep       *sw;
    sweep_settings pending;     /* the settings of a sweep waiting for its folders to be listed */
    /* the logs of the last Start (each server reads each; targets name theirs by index): the
     * sweep's, Retry failed's and the details pane's */
    WCHAR        logs[ES_MAX_LOGS][ES_LOG_NAME_MAX];
    const WCHAR *log_ptrs[ES_MAX_LOGS];
    size_t       nlogs;
    BOOL         running, stopping, closing;
    ULONGLONG    sweep_t0, sweep_t1;
    uint64_t     sweep_now;     /* FILETIME ticks when Start was pressed: the window's reference */
    export_job  *cli_export;    /* the command line's export, while it runs (others may run too) */
    export_job  *piece_export;  /* live follow with --export: the minute's piece, while it runs */
    size_t       appended_upto; /* ...rows below this store index are in the file */
    BOOL         append_started;/* ...the file was created by this run's first piece */
    BOOL         cli_wait_piece;/* the run's end waits for the piece being written */
    BOOL         cli_pending;   /* --export/--status/--exit still to do after the sweep */
    BOOL         cli_wait_view; /* ...and waiting for the view's sort or find to end */
    BOOL         interrupted;   /* --exit run asked to close mid-sweep: files first, then exit 2 */
    int          exit_code;
    BOOL         had_failure;
    char        *view_text;     /* the custom view (--query, or pasted; es_xquery reads it), or NULL */
    size_t       view_len;
    char        *view_name;     /* how the filter row names it: the file, or the view's name */
    char        *pending_view;  /* the last Start's copy of it: the sweep's and Retry failed's */
    BOOL         retrying;
    BOOL         user_stopped;  /* Stop was pressed in this sweep (or its retries) */      /* the last reading was Retry failed (not Start) */
    int          retries_left;  /* --retry: automatic retries still allowed in this run */
    BOOL         budget_hit;    /* the memory or row budget was reached: the sweep was stopped */
    uint64_t     memory_budget; /* bytes the rows may take */
    WCHAR        budget_text[160]; /* which budget was reached, for the sources' error text */
    uint64_t     evicted;       /* live follow: the oldest rows removed to stay within the limits */
    size_t       follow_rows;   /* live follow: the row limit eviction keeps to (the store's own
                                   limit is a quarter more); 0: no follow */
} app;

extern app g;

/* Adds every entry of a text (Add dialog, Import). Returns how many were added; problems are
 * gathered in err (one line each, at most a few). */
typedef struct add_ctx {
    size_t added, refused;
    es_buf problems;
    es_buf rejected;    /* the refused entries, one per line, given back to the user to fix */
} add_ctx;

/* mainwnd.c: the window, its state on screen, closing */
void message_box(const WCHAR *text, UINT icon);
void update_status(void);
void refresh(void);
void enable_controls(void);
void destroy_if_idle(void);
void set_memory_budget(void);

/* srclist.c: the source list's entries and their owner-drawn lines */
void free_source(app_source *s);
BOOL add_source(const char *text, char *err, size_t errlen);
void remove_selected(void);
int  add_line(void *ctx, const char *entry, size_t line);
void report_adds(add_ctx *c, const WCHAR *what);
void fmt_count(uint64_t n, WCHAR *out, size_t cap);
double target_seconds(const target *t);
/* The coverage sentence of a server whose log starts after the window's start ("" otherwise):
 * the time in local time (the window) or UTC (the status CSV). UTF-8. */
void      target_coverage(const target *t, BOOL local, char *out, size_t cap);
void target_error(const target *t, WCHAR *out, size_t cap);
BOOL target_diagnosis(const target *t, char *out, size_t cap);   /* "Likely cause: ... To fix: ..." */
void show_diagnosis(int entry);
es_state entry_text(const app_source *s, WCHAR *out, size_t cap);
void draw_source(const DRAWITEMSTRUCT *d);
void focus_changed(void);
size_t set_account(account *acct);

/* results.c: the virtual results ListView */
void results_init(void);
void results_rescale(void);
void get_dispinfo(NMLVDISPINFOW *di);
void results_column_click(int col);
void results_show_order(void);
BOOL results_key(const NMLVKEYDOWN *k);
void results_copy(void);
void results_save_columns(void);
void find_changed(void);

/* rowview.c: which rows the list shows, in which order; the sort and filter jobs */
void      rowview_init(es_order o);
void      rowview_free(void);
void      rowview_reset(void);
void      rowview_set_sources(void);
void      rowview_file_logs_changed(size_t tgt);
void      rowview_sync(void);
void      rowview_job_done(LPARAM lp);
void      rowview_set_order(es_order o);
es_order  rowview_order(void);
void      rowview_set_find(const char *utf8);
void      rowview_set_focus(uint8_t *shown, size_t n);
BOOL      rowview_retire(const uint32_t *floor, size_t n, size_t nrows);
void      rowview_evicted(void);   /* the store evicted its oldest rows (live follow's limit) */
BOOL      rowview_busy(void);
BOOL      rowview_filtered(void);
size_t    rowview_count(void);
size_t    rowview_total(void);
size_t    rowview_row(size_t item);
uint32_t *rowview_copy(size_t *n);
size_t    rowview_time_text(uint64_t ticks, char *out, size_t cap);
const es_view_ctx *rowview_ctx(void);   /* the view's context now (UI thread): the Log column's texts */
void      rowview_set_pick(es_pick *p, const WCHAR *what);   /* takes p; NULL: no pick */
BOOL      rowview_picked(void);
const WCHAR *rowview_pick_text(void);   /* "" when none */

/* querybar.c: the log combo and the Last hours edit with its arrows */
void querybar_init(void);
void querybar_spin(int delta);
int  read_hours(void);

/* filterbar.c: the filter row (levels, audit, Event IDs, Providers) */
void filterbar_init(void);
/* The row as a filter, or NULL with the reason in msg ("Event IDs: \"12a\" is not ...") and
 * the focus on the control at fault. The filter stays valid until the next call. */
const es_filter *filterbar_read(WCHAR *msg, size_t cap);
void filterbar_enable(BOOL on);
void filterbar_view_changed(void);          /* the custom view was set or removed */
BOOL filterbar_command(int id, int code);   /* TRUE when it was the row's */
int  filterbar_layout(int x, int y, int w); /* places the row; returns the height it used */

/* layout.c: positions, the bold font, DPI changes */
RECT dlu(int x, int y, int w, int h);
void layout(void);
void make_bold_font(void);
void after_dpi_change(void);

/* run.c: a sweep, and the end of a command-line run */
BOOL new_rowstore(void);
void free_targets(void);
const WCHAR *target_log(const target *t);   /* the log a server target reads; NULL for a saved log */
void start_sweep(void);
void expand_done(expand_job *job);
void stop_sweep(void);
void launch(void);                                   /* every target known: start the threads */
void refuse_start(const WCHAR *why, UINT icon);       /* a sweep that cannot start: say why */
/* arrivals.c: what the sweep's threads report */
void sweep_message(UINT msg, WPARAM wp, LPARAM lp);
void sweep_done(WPARAM wp);

/* retry.c: Retry failed, --retry */
size_t retryable_count(void);
void retry_failed(void);
void finish_cli(void);
void cli_done(void);

/* filecmds.c: the Export and Import commands */
/* marks: the sweep's marks are written too ("New since last sweep"), once the files are in place */
export_job *run_export(const WCHAR *rows_path, const WCHAR *status_path, const WCHAR *html_path, BOOL marks);
export_job *run_export_piece(const WCHAR *rows_path, const WCHAR *status_path, const WCHAR *html_path, BOOL marks);
void        write_marks(void);   /* a sweep from the window ended: its marks, on a job */
void export_dialog(void);
void report_dialog(void);   /* Save report...: the HTML report */
void export_done(export_job *job);
void import_dialog(void);
void import_done(import_job *job);

/* adddlg.c: the Add dialog */
INT_PTR CALLBACK add_proc(HWND dlg, UINT msg, WPARAM wp, LPARAM lp);

/* viewdlg.c: the Custom view dialog, and the window's view */
BOOL set_view(const char *text, size_t len, const char *name);
INT_PTR CALLBACK view_proc(HWND dlg, UINT msg, WPARAM wp, LPARAM lp);

/* browse.c: Log: Browse... (the channels of a server, listed on a job) */
void browse_start(void);
void browse_done(LPARAM lp);
#define SWM_BROWSE_DONE (SWM_LAST + 50)

/* connectas.c: Connect as..., --user, --credential */
void connect_as_menu(void);
BOOL connect_as(DWORD auth, const WCHAR *user_hint);
BOOL connect_as_credential(const WCHAR *target, DWORD auth);

/* limitsdlg.c: the Limits dialog */
INT_PTR CALLBACK limits_proc(HWND dlg, UINT msg, WPARAM wp, LPARAM lp);

#endif
