/* app: the main window and what it owns. main.c prepares an app_init from the command line
 * and the saved settings; mainwnd_run() runs the window until it closes and returns the
 * process exit code (0 every source ok, 2 some failed, 1 usage or file error). */
#ifndef APP_H
#define APP_H

#include "es_marks.h"
#include <windows.h>

#include "es_names.h"
#include "settings.h"
#include "es_view.h"

typedef struct app_init {
    settings  *st;             /* loaded settings; the window updates them for saving */
    char     **sources;        /* initial list (UTF-8 entries, already validated) */
    size_t     nsources;
    BOOL       sources_from_cmdline; /* then the saved list is left as it is at exit */
    int        timeout;        /* the longest wait for one answer, seconds: --timeout, else saved */
    int        max_seconds;    /* a source's whole time, seconds, 0 = no cap: --max-seconds, else saved */
    int        max_memory_mb;  /* the rows' memory budget, MB; 0 = half of the physical memory */
    int        max_rows;       /* the row budget; 0 = what the row store can hold */
    int        threads;        /* sources read at once: --threads, else the saved value */
    WCHAR     *user;           /* --user: the account the prompt asks for at start, or NULL */
    WCHAR     *credential;     /* --credential: a generic credential's target, or NULL */
    DWORD      auth;           /* --auth: EvtRpcLoginAuthNegotiate (default), Kerberos or NTLM */
    int        engine;         /* sweep_engine: --engine, else the saved choice (Limits...) */
    int        retry;          /* --retry N: failed sources read again up to N times before --export */
    BOOL       follow;         /* --follow / --follow-minutes: the Follow box checked */
    int        follow_minutes; /* --follow-minutes N: a --run run stops following after N minutes */
    BOOL       since_last;     /* --since-last, then the New since last box at each Start: only what is
                                  newer than each server's log's mark */
    WCHAR     *state_path;     /* the marks' file (--state, else %APPDATA%\EventSweep\marks.txt) */
    es_marks  *marks;          /* read at start; the window updates it when a sweep's marks are written */
    BOOL       run;            /* --run: start the sweep at once */
    BOOL       exit_when_done; /* --exit */
    WCHAR     *export_path;    /* --export FILE */
    WCHAR     *status_path;    /* --status FILE */
    WCHAR     *html_path;      /* --html FILE */
    const char *find;          /* --find TEXT (UTF-8), or NULL */
    const char *view_text;     /* --query: the view file's bytes (any encoding es_xquery reads), or NULL */
    size_t     view_len;
    const char *view_file;     /* its name, as given */
    es_order   sort;           /* --sort, when sort_set */
    BOOL       sort_set;
    unsigned   burst_servers;  /* the fleet summary's rule: --burst, else the saved one (the Summary */
    unsigned   burst_minutes;  /* tab's edits change it and the saved one) */
} app_init;

int mainwnd_run(HINSTANCE hinst, app_init *init);

/* Writes a message for the user: to the console when there is one (scheduled runs, scripts),
 * else, when allow_box, in a message box. */
void app_report(const WCHAR *text, BOOL allow_box);

#endif
