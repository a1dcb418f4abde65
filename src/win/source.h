/* source: the interface between the sweep (threads, batching, posting to the window) and an
 * engine that reads one kind of source (a server through wevtapi, a saved .evtx file).
 *
 * An engine's read() runs on the source's own worker thread. It hands each event to
 * worker_emit(), which copies it into the current batch; the sweep sends full batches to the
 * window. cancel() is asked for by the sweep's supervisor (Stop, time limit, window closing) and
 * runs on a thread-pool thread, again every 100 ms until read() returns, while read() may be
 * blocked in the network: it should not block and must make read() return soon. Filters arrive
 * as two generic fields of source_query (the complete query for servers, a test for saved
 * logs), so a new kind of filter needs no change in the engines; credentials and live follow
 * will arrive as fields too. */
#ifndef SOURCE_H
#define SOURCE_H

#include <windows.h>
#include <stdint.h>

#include "es_coverage.h"
#include "es_event.h"
#include "es_names.h"
#include "es_source.h"
#include "account.h"

typedef struct worker worker;

typedef struct source_query {
    const WCHAR *target;      /* server name or path, as canonicalised by es_name_parse */
    es_name_kind kind;
    const WCHAR *channel;     /* "System", "ForwardedEvents", "Microsoft-Windows-.../Operational" */
    uint64_t     since;       /* FILETIME ticks, whole milliseconds: the window's start, the same
                                 for every source of a sweep (sweep start - hours); 0 = no limit.
                                 There is no upper bound (a server clock running ahead is kept). */
    /* Servers: the complete query text for EvtQuery (an XPath or a <QueryList>), which already
     * holds the time window; NULL = every event. Built once per sweep (es_filter_query). */
    const WCHAR *query_text;
    /* Saved logs: whether an event is kept, asked before its row is built; NULL = every event.
     * Called on the worker thread; accept_ctx is shared read-only by every worker. The engine
     * still applies `since` itself. */
    int        (*accept)(const void *ctx, const es_event *ev);
    const void  *accept_ctx;
    /* Servers: the account to log on with (account.h; the sweep holds a reference), or NULL for
     * the user's own logon. */
    account     *account;
    /* "New since last sweep": query_text asks for records after this one (0: no mark). The
     * engine checks the log first: when its oldest record is past the mark the records between
     * were overwritten (said through worker_note_gap); when the log holds fewer records than the
     * mark (cleared, its numbers started again) it reads base_query (no mark) instead. */
    uint64_t     after_record;
    const WCHAR *base_query;
    /* Servers through wevtapi: once every event is read, keep reading new ones as they happen
     * (live follow, follow.c) until the sweep is stopped. */
    BOOL         follow;
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
extern const source_engine source_engine_classic; /* servers: the classic API (advapi32), a fallback */

/* ---- what the worker offers an engine ---- */

/* Copies ev into the current batch; returns FALSE when the read should stop (cancelled). */
BOOL  worker_emit(worker *w, const es_event *ev);
/* Every call that can block (the network, a disk, a publisher's resources) sits between these
 * two: the time limit measures the call in progress — "stopped answering" — never the time
 * between calls, nor a wait for the window. `for_data` marks the calls that wait for the next
 * events (EvtQuery, EvtNext, ReadFile): when the source has been slow (100 ms or more since the
 * previous such call) the rows gathered so far are sent first rather than after the wait; a
 * fast source keeps filling whole batches, which keeps messages few on a million rows. Rows
 * still in the batch when a call never returns are taken by the supervisor (sweep.h). */
void  worker_call_begin(worker *w, BOOL for_data);
void  worker_call_end(worker *w);
void  worker_set_state(worker *w, es_state s);
/* Damaged records skipped so far (saved logs): shown beside the source's state. */
void  worker_set_warnings(worker *w, uint64_t skipped);
/* What the probe found about the source's failure (es_diag.h): shown with its error. */
void  worker_set_probe(worker *w, int verdict);
/* How far back the source's log reaches (servers; before read() returns): copied and sent to
 * the window, which says so when the log starts after the window's start. */
void  worker_set_coverage(worker *w, const es_coverage *c);
BOOL  worker_cancelled(const worker *w);
/* Live follow (follow.c). The source leaves the sweep's thread limit (its slot goes to a source
 * still waiting) and its time cap; each call is still timed. */
void  worker_follow_begin(worker *w);
/* Sends the rows gathered so far, then waits up to ms for ev or the sweep's Stop: TRUE when ev
 * was signalled (ev NULL: a pause that only Stop cuts short). The wait is not a call: a quiet
 * server is never "stopped answering". */
BOOL  worker_wait(worker *w, HANDLE ev, DWORD ms);
/* A state with a number the window shows (reconnecting: the seconds until the next try). */
void  worker_set_state_detail(worker *w, es_state s, unsigned detail);
/* Records of the log that were overwritten (or cleared: UINT64_MAX, a count unknown) while a
 * following source was away: said on the source's line, never skipped silently. */
void  worker_note_gap(worker *w, uint64_t records);
/* Why the source was cancelled (1223 Stop, 1460 a call ran past the limit, 8 the memory
 * budget); 0 when it was not. */
DWORD worker_cancel_reason(const worker *w);

/* The engine's own per-read state, for cancel(): guarded by worker_lock/unlock. An engine
 * publishes each handle cancel() needs as soon as it has it, and checks worker_cancelled()
 * under the lock when it does: a cancel that came before the handle existed still lands. */
void  worker_lock(worker *w);
void  worker_unlock(worker *w);
void **worker_engine_slot(worker *w);

#endif
