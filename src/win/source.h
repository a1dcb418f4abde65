/* source: the interface between the sweep (threads, batching, posting to the window) and an
 * engine that reads one kind of source (a server through wevtapi, a saved .evtx file).
 *
 * An engine's read() runs on the source's own worker thread. It hands each event to
 * worker_emit(), which copies it into the current batch; the sweep sends full batches to the
 * window. cancel() is called from the sweep's supervisor thread (Stop, time limit, window
 * closing) while read() may be blocked in the network: it must not block and must make read()
 * return soon. Filters (levels, IDs, providers), credentials and live follow will arrive as
 * fields of source_query, so engines can push them to the server. */
#ifndef SOURCE_H
#define SOURCE_H

#include <windows.h>
#include <stdint.h>

#include "es_event.h"
#include "es_names.h"
#include "es_source.h"

typedef struct worker worker;

typedef struct source_query {
    const WCHAR *target;      /* server name or path, as canonicalised by es_name_parse */
    es_name_kind kind;
    const WCHAR *channel;     /* "System", "ForwardedEvents", "Microsoft-Windows-.../Operational" */
    unsigned     hours;       /* window; 0 = no limit */
    uint64_t     now;         /* FILETIME ticks when the sweep started: the window's end */
} source_query;

typedef struct source_engine {
    const char *name;
    /* Returns 0 on success or a Win32 error code. Rows emitted before an error are kept. */
    DWORD (*read)(worker *w, const source_query *q);
    /* Makes read() return soon (with ERROR_CANCELLED); any thread; must not block. */
    void  (*cancel)(worker *w);
} source_engine;

extern const source_engine source_engine_wevt;   /* servers: Windows Event Log API */
extern const source_engine source_engine_evtx;   /* saved .evtx files: our own parser */

/* ---- what the worker offers an engine ---- */

/* Copies ev into the current batch; returns FALSE when the read should stop (cancelled). */
BOOL  worker_emit(worker *w, const es_event *ev);
/* An engine calls this before each call that may block (the next EvtNext, the next ReadFile).
 * When the source has been slow (this call comes 100 ms or more after the previous one), the
 * rows gathered so far are sent now rather than after the wait; a fast source keeps filling
 * whole batches, which keeps messages few on a million rows. */
void  worker_before_wait(worker *w);
void  worker_set_state(worker *w, es_state s);
/* Damaged records skipped so far (saved logs): shown beside the source's state. */
void  worker_set_warnings(worker *w, uint64_t skipped);
BOOL  worker_cancelled(const worker *w);
/* The engine's own per-read state, for cancel(): guarded by worker_lock/unlock. */
void  worker_lock(worker *w);
void  worker_unlock(worker *w);
void **worker_engine_slot(worker *w);

#endif
