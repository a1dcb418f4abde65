/* sweep_int: what sweep.c (threads, supervisor, start and stop) and worker.c (what the engines
 * call on a worker: batching, posting, states, live follow's hooks) share — the sweep's and its
 * workers' state. Private to those two files; see sweep.h for the threads and ownership. */
#ifndef SWEEP_INT_H
#define SWEEP_INT_H

#include "sweep.h"
#include "source.h"
#include "es_xquery.h"

typedef struct sweep_log sweep_log;

struct worker {
    sweep          *sw;
    const sweep_log *log;        /* the log it reads (the sweep's) */
    uint32_t        index;       /* the window's id for this source (sweep_target.id) */
    source_query    q;
    const source_engine *engine;
    HANDLE          thread;
    CRITICAL_SECTION lock;       /* guards engine_slot against cancel() */
    void           *engine_slot;
    CRITICAL_SECTION batch_lock; /* guards batch and abandoned: the supervisor takes the batch of
                                    a source it abandons */
    es_batch       *batch;
    ULONGLONG       batch_first_ms;
    ULONGLONG       last_wait_ms; /* when the engine last waited for data */
    volatile LONG   abandoned;   /* the supervisor gave up on it (under batch_lock) */
    volatile LONG   returned;    /* read() came back in time (under batch_lock) */
    volatile LONG   posting;     /* its thread is posting to the window (set under batch_lock): a
                                    wait for the window is no sign of a dead server, so a source
                                    is never abandoned while it posts */
    DWORD           start_error; /* its thread could not be created: the supervisor reports it */
    volatile LONG   cancelled;   /* a cancel was asked (Stop, a limit, the memory budget) */
    volatile LONG   reason;      /* the error a cancelled source ends with: 1223, 1460, 8 */
    volatile LONG   cancel_busy; /* a cancel call is on the thread pool */
    volatile LONG   finished;    /* reported (by its own thread, or by the supervisor) */
    volatile LONG64 started_ms;  /* GetTickCount64 when it left the queue; 0 while queued */
    volatile LONG64 call_ms;     /* when the call in progress began; 0 between calls */
    volatile LONG64 cancel_ms;   /* when the first cancel was asked */
    int             probe;       /* what the 1722 probe found (es_probe_verdict), on its own thread */
    volatile LONG64 emitted;     /* rows handed to worker_emit: a fallback only reads a source that gave none */
    volatile LONG   slot_held;   /* it holds one of the sweep's slots (released once: report, or follow) */
    WCHAR          *own_query;   /* "New since last sweep": its query with its log's mark (owned) */
    volatile LONG   following;   /* live follow: the sweep's time cap no longer applies */
};

/* A log of the sweep: its channel, the query its servers are sent (built once, from the filter
 * or the view and the window's start), and whether the classic API may read it (a classic log,
 * and a filter or view our own matcher evaluates). */
typedef struct sweep_log {
    WCHAR *channel;
    WCHAR *query;
    BOOL   classic_ok;
} sweep_log;

struct sweep {
    volatile LONG refs;
    uint32_t      gen;
    HWND          hwnd;
    sweep_log    *logs;          /* the logs read (each server reads each): channel, query */
    size_t        nlogs;
    uint64_t      since;
    es_filter    *filter;        /* the sweep's own copy, read-only once workers run */
    es_xquery    *view;          /* --query: the sweep's own parsed copy (read-only once workers run) */
    sweep_engine  engine;
    unsigned      timeout_s, max_seconds;
    size_t        n;
    worker       *workers;
    WCHAR       **names;
    HANDLE        slots;         /* semaphore: sources read at once */
    HANDLE        stop_event;    /* manual reset: Stop was asked */
    HANDLE        all_reported;  /* manual reset: every source has been reported */
    HANDLE        supervisor;
    volatile LONG stop_reason;
    volatile LONG remaining;     /* sources not yet reported */
    volatile LONG abandoned;     /* threads this sweep abandoned */
};

/* Posts to the window with the sweep's generation in wParam (post_retry: waits on a full queue). */
BOOL sweep_post(sweep *sw, UINT msg, uint32_t id, LPARAM lp);
/* Sends a batch to the window, or frees it (empty, or the window is gone). */
void worker_deliver(worker *w, es_batch *b);
/* A worker's own posts begin and end here, under the lock the supervisor takes to abandon a
 * source (see worker.c); FALSE when the source was abandoned. */
BOOL worker_begin_post(worker *w, es_batch **batch);
void worker_end_post(worker *w);

#endif
