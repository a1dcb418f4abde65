/* sweep: one background thread per source, a supervisor that enforces the time limits and
 * Stop, and the messages that carry their results to the window.
 *
 * Threads and ownership:
 *  - The sweep's shared state (this object: targets, workers, events) is reference counted:
 *    the window holds one reference, every worker thread one, the supervisor one, and each
 *    cancel request in flight one. Whoever drops the last frees it, so a thread that never
 *    comes back (an abandoned one, below) can never touch freed memory.
 *  - Each worker thread reads one source and fills a batch of rows under its batch lock. A
 *    full batch is posted to the window as SWM_BATCH with lParam = es_batch*: when the post
 *    succeeds the batch belongs to the UI thread, which gives it to the row store or frees it.
 *    On a full queue the worker waits and retries (post_retry); when the window is gone it
 *    frees the batch. No batch is lost or leaked.
 *  - The time limit means "stopped answering": every call that can block is timed on its own
 *    (worker_call_begin/end in source.h); a source that keeps answering runs to the end unless
 *    max_seconds caps its total. A wait for the window (a full queue) is never timed.
 *  - The supervisor thread cancels a source whose call ran past the limit, or every source on
 *    Stop. Cancel calls run on the thread pool (never on the supervisor: a cancel call may
 *    block too) and are sent again every tick until the source ends. A source whose thread has
 *    not returned CANCEL_GRACE_MS after the first cancel is ABANDONED: the supervisor takes its
 *    half-filled batch under the batch lock and posts it, reports the source (1460 timed out,
 *    1223 stopped, 8 memory limit) and the sweep goes on without it. The abandoned thread keeps
 *    its reference; whatever it does if it ever returns is dropped (its emits are refused, and
 *    messages carry the sweep's generation, so a later sweep's window ignores them).
 *  - SWM_SWEEP_DONE is posted once every source has been reported and every thread that was
 *    not abandoned has ended. */
#ifndef SWEEP_H
#define SWEEP_H

#include <windows.h>
#include <stdint.h>

#include "es_filter.h"
#include "es_row.h"
#include "es_names.h"
#include "es_source.h"
#include "account.h"

enum {
    SWM_STATE = WM_APP + 1,   /* wParam: SWEEP_WP, lParam: es_state */
    SWM_BATCH,                /* wParam: SWEEP_WP, lParam: es_batch* (ownership passes) */
    SWM_SOURCE_DONE,          /* wParam: SWEEP_WP, lParam: SWEEP_DONE_PARAM(error, ms) */
    SWM_WARNINGS,             /* wParam: SWEEP_WP, lParam: damaged records skipped so far */
    SWM_PROBE,                /* wParam: SWEEP_WP, lParam: es_probe_verdict (why 1722; before SOURCE_DONE) */
    SWM_ENGINE,               /* wParam: SWEEP_WP, lParam: 1 = the classic API reads it (a fallback) */
    SWM_FALLBACK_ERROR,       /* wParam: SWEEP_WP, lParam: the classic API's error when the fallback
                                 failed too before any row (the source reports the first error) */
    SWM_GAP,                  /* wParam: SWEEP_WP, lParam: records overwritten while a following
                                 source was away (UINT64_MAX: the log was cleared, count unknown) */
    SWM_COVERAGE,             /* wParam: SWEEP_WP, lParam: es_coverage* (malloc'ed; ownership passes:
                                 the window frees it, sweep_drain too) */
    SWM_SWEEP_DONE,           /* wParam: SWEEP_WP(gen, 0), lParam: threads abandoned by it */
    SWM_LAST = SWM_SWEEP_DONE
};

/* wParam of every sweep message: the sweep's generation (high 32 bits) and the source's id.
 * The window drops (and frees) messages of any generation but the current one. */
#define SWEEP_WP(gen, id)   ((WPARAM)(((uint64_t)(uint32_t)(gen) << 32) | (uint32_t)(id)))
#define SWEEP_WP_GEN(wp)    ((uint32_t)((uint64_t)(wp) >> 32))
#define SWEEP_WP_ID(wp)     ((uint32_t)((uint64_t)(wp) & 0xffffffffu))

/* SWM_STATE carries the state and a number its text shows (reconnecting: in how many seconds). */
#define SWEEP_STATE_PARAM(s, detail) ((LPARAM)(((uint64_t)(uint32_t)(detail) << 8) | ((uint32_t)(s) & 0xffu)))
#define SWEEP_STATE(lp)              ((es_state)((uint64_t)(lp) & 0xffu))
#define SWEEP_STATE_DETAIL(lp)       ((unsigned)((uint64_t)(lp) >> 8))

/* A reconnecting state's number: the seconds until the next try, and the error that lost the
 * server (follow.c). */
#define FOLLOW_DETAIL(seconds, err)  (((unsigned)(err) << 8) | ((unsigned)(seconds) & 0xffu))
#define FOLLOW_DETAIL_SECONDS(d)     ((d) & 0xffu)
#define FOLLOW_DETAIL_ERROR(d)       ((DWORD)(d) >> 8)

/* SWM_SOURCE_DONE carries the Win32 error (0 = ok) and the milliseconds the source took, as
 * the worker measured them (the window may see the messages much later under load). */
#define SWEEP_DONE_PARAM(err, ms) ((LPARAM)(((uint64_t)(uint32_t)(ms) << 32) | (uint32_t)(err)))
#define SWEEP_DONE_ERROR(lp)      ((DWORD)((uint64_t)(lp) & 0xffffffffu))
#define SWEEP_DONE_MS(lp)         ((DWORD)((uint64_t)(lp) >> 32))

#define SWEEP_CANCEL_GRACE_MS 1500   /* after the first cancel, before a source is abandoned */
#define SWEEP_ABANDONED_CAP   64     /* past this many stuck threads a new sweep waits */

/* How servers are read: the Windows Event Log API, falling back to the classic API when a
 * server cannot be reached over RPC (1722, 1753) and the log is a classic one (auto); one or the
 * other only. Saved logs are always read by the .evtx parser. */
typedef enum sweep_engine { SWEEP_ENGINE_AUTO = 0, SWEEP_ENGINE_WEVT, SWEEP_ENGINE_CLASSIC } sweep_engine;

typedef struct sweep_settings {
    const WCHAR *const *channels;   /* the logs read, each on every server (sweep_target.log picks) */
    size_t       nchannels;
    sweep_engine engine;
    unsigned     hours;        /* 0 = no limit */
    unsigned     timeout_s;    /* the longest wait for any one answer */
    unsigned     max_seconds;  /* a source's whole time; 0 = no cap */
    unsigned     max_threads;  /* sources read at once */
    const char  *view_text;    /* --query: an Event Viewer view (its file's bytes), or NULL; when
                                  given it replaces `filter`. The sweep parses its own copy. */
    size_t       view_len;
    const es_filter *filter;   /* levels, IDs, providers; NULL = every event. Copied: the sweep's
                                  copy is shared read-only by its workers */
    BOOL         follow;       /* live follow: servers read through wevtapi go on reading new
                                  events until sweep_stop (follow.c) */
} sweep_settings;

typedef struct sweep_target {
    const WCHAR *name;         /* server name or file path */
    es_name_kind kind;         /* ES_NAME_PATH: a .evtx file (folders are listed before) */
    uint32_t     id;           /* the window's index for it: the messages' wParam, rows' source */
    uint32_t     log;          /* servers: which of the settings' channels it reads */
    account     *account;      /* servers: another account to log on with (the sweep takes a
                                  reference), or NULL for the user's own logon */
    uint64_t     after_record; /* servers, "New since last sweep": only records after this one
                                  (the mark of its log, es_marks.h); 0: none */
} sweep_target;

typedef struct sweep sweep;

/* Starts reading every target; results are posted to hwnd. Returns NULL (and *err) when the
 * sweep could not start at all. Targets are copied. `now` (FILETIME ticks) is the sweep's
 * start: every source uses the same window, [now - hours, no upper bound). */
sweep   *sweep_start(HWND hwnd, const sweep_settings *s, const sweep_target *t, size_t n, uint64_t now,
                     DWORD *err);
/* Asks every source to end, with `reason` as the error of those that had not finished
 * (ERROR_CANCELLED for Stop, ERROR_NOT_ENOUGH_MEMORY when the memory budget is reached).
 * Returns at once; the first reason given wins. */
void     sweep_stop(sweep *sw, DWORD reason);
uint32_t sweep_generation(const sweep *sw);
uint64_t sweep_window_start(const sweep *sw);   /* FILETIME ticks; 0 = no limit */
/* The query the servers of this sweep are sent for log number `log` (UTF-16; NULL past the last). */
const WCHAR *sweep_query_text(const sweep *sw, size_t log);
/* Drops the window's reference (after SWM_SWEEP_DONE). */
void     sweep_release(sweep *sw);

/* Threads of this process stuck in a source that never came back (they end with the
 * process). Any thread. */
LONG     sweep_abandoned_threads(void);

/* Frees the batches and coverage reports still in hwnd's message queue (the window is going
 * away). */
void     sweep_drain(HWND hwnd);

#endif
