/* settings: what EventSweep remembers per user, under %APPDATA%\EventSweep:
 *   servers.txt   the server list, one per line (the same format as --servers)
 *   settings.ini  log, hours, timeout, max_seconds, max_memory_mb, threads, engine, the filter row (levels,
 *                 ids, providers: the texts es_filter parses), the window's placement and the results'
 *                 column widths and order (key=value, UTF-8)
 * Accounts and passwords are never stored (Connect as... lasts for the session; account.h). */
#ifndef SETTINGS_H
#define SETTINGS_H

#include <windows.h>

#define SETTINGS_MAX_COLS 16
#define SETTINGS_FILTER_TEXT 4096   /* characters of the Event IDs and Providers edits */

typedef struct settings {
    WCHAR    log[256];
    int      hours;
    int      timeout;        /* seconds: the longest wait for one answer */
    int      max_seconds;    /* a source's whole time; 0 = no cap */
    int      max_memory_mb;  /* the rows' memory budget; 0 = half of the physical memory */
    int      threads;
    int      engine;         /* sweep_engine: 0 auto, 1 the Windows Event Log API, 2 the classic API */
    int      burst_servers;  /* the Summary tab's rule: the same event on N servers ... */
    int      burst_minutes;  /* ... within T minutes (es_cmdline.h's ranges) */
    WCHAR    levels[160];    /* the filter row, as es_filter_parse_* read it ("" = no filter) */
    WCHAR    ids[SETTINGS_FILTER_TEXT];
    WCHAR    providers[SETTINGS_FILTER_TEXT];
    RECT     window;         /* normal (restored) position; all 0 when unknown */
    BOOL     maximized;
    int      ncols;          /* the results' columns as the user left them; 0 = the defaults */
    int      col_width[SETTINGS_MAX_COLS];  /* dialog units */
    int      col_order[SETTINGS_MAX_COLS];  /* display order: a permutation of 0..ncols-1 */
    char   **servers;        /* UTF-8 entries as saved */
    size_t   nservers, capservers;
} settings;

void  settings_defaults(settings *s);
/* Loads what is there; missing or unreadable files leave the defaults. */
void  settings_load(settings *s);
/* A file of ours under %APPDATA%\EventSweep (the folder made when create); FALSE when unknown. */
BOOL  settings_file(const WCHAR *name, WCHAR *out, size_t cap, BOOL create);
/* Saves; returns 0 or a Win32 error code. servers == NULL keeps the saved list as it is. */
DWORD settings_save(const settings *s, char *const *servers, size_t nservers);
void  settings_free(settings *s);

#endif
