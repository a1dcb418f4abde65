/* sweep: one background thread per source, a supervisor that enforces time limits and Stop,
 * and the messages that carry their results to the window.
 *
 * Threads and ownership:
 *  - The UI thread owns the sweep object and every sweep_source; it starts the sweep, asks it
 *    to stop (never blocking), and handles the messages below.
 *  - Each worker thread reads one source and owns the batch it is filling. A full batch is
 *    posted to the window as SWM_BATCH with lParam = es_batch*: when PostMessage succeeds the
 *    batch belongs to the UI thread, which must give it to the row store or free it. When it
 *    fails because the queue is full, the worker waits and retries (back-pressure); when the
 *    window is gone, the worker frees the batch. No batch is lost or leaked.
 *  - The supervisor thread waits for the workers, cancels those past the time limit or all of
 *    them on Stop, and posts SWM_SWEEP_DONE once every worker has ended.
 *  - The window is destroyed only after SWM_SWEEP_DONE (or sweep_wait() on shutdown): threads
 *    end before the window does. sweep_drain() then frees any batch still queued. */
#ifndef SWEEP_H
#define SWEEP_H

#include <windows.h>
#include <stdint.h>

#include "es_row.h"
#include "es_names.h"
#include "es_source.h"

enum {
    SWM_STATE = WM_APP + 1,   /* wParam: source index, lParam: es_state */
    SWM_BATCH,                /* wParam: source index, lParam: es_batch* (ownership passes) */
    SWM_SOURCE_DONE,          /* wParam: source index, lParam: SWEEP_DONE_PARAM(error, ms) */
    SWM_WARNINGS,             /* wParam: source index, lParam: damaged records skipped so far */
    SWM_SWEEP_DONE,           /* wParam, lParam: 0. Every worker thread has ended. */
    SWM_LAST = SWM_SWEEP_DONE
};

/* SWM_SOURCE_DONE carries the Win32 error (0 = ok) and the milliseconds the source took, as
 * the worker measured them (the window may see the messages much later under load). */
#define SWEEP_DONE_PARAM(err, ms) ((LPARAM)(((uint64_t)(uint32_t)(ms) << 32) | (uint32_t)(err)))
#define SWEEP_DONE_ERROR(lp)      ((DWORD)((uint64_t)(lp) & 0xffffffffu))
#define SWEEP_DONE_MS(lp)         ((DWORD)((uint64_t)(lp) >> 32))

typedef struct sweep_settings {
    const WCHAR *channel;
    unsigned     hours;        /* 0 = no limit */
    unsigned     timeout_s;    /* per source */
    unsigned     max_threads;  /* sources read at once */
} sweep_settings;

typedef struct sweep_target {
    const WCHAR *name;         /* server name or file path */
    es_name_kind kind;         /* ES_NAME_PATH: a .evtx file (folders are listed before) */
    uint32_t     id;           /* the window's index for it: the messages' wParam, rows' source */
} sweep_target;

typedef struct sweep sweep;

/* Starts reading every target; results are posted to hwnd. Returns NULL (and *err) when the
 * sweep could not start at all. Targets are copied. */
sweep *sweep_start(HWND hwnd, const sweep_settings *s, const sweep_target *t, size_t n, DWORD *err);
void   sweep_stop(sweep *sw);        /* asks every source to end; returns at once */
BOOL   sweep_wait(sweep *sw, DWORD ms); /* TRUE when every thread has ended */
void   sweep_free(sweep *sw);        /* after SWM_SWEEP_DONE or a successful sweep_wait */
uint64_t sweep_started_at(const sweep *sw);   /* FILETIME ticks */

/* Frees the batches still in hwnd's message queue (after the threads have ended). */
void   sweep_drain(HWND hwnd);

#endif
