/* coverage: how far back a server's log reaches, read by the server engine (source_wevt.c) on
 * the source's worker thread once its events are read: EvtOpenLog + EvtGetLogInfo on the
 * source's own session (the oldest record number, whether the log is full, its record count and
 * size), then one EvtQuery of the channel, oldest first, one EvtNext of 1 and EvtRender of its
 * TimeCreated. Every call is timed like the engine's others (worker_call_begin/end) and every
 * handle is closed. It is information: any failure leaves the source as it was and says
 * nothing. */
#ifndef COVERAGE_H
#define COVERAGE_H

#include <windows.h>

#include "es_coverage.h"
#include "source.h"
#include "wevt.h"

/* Publishes the query handle a cancel must reach (NULL: none any more); the engine's own, so a
 * Stop or a time limit cancels the coverage query as it does the sweep's. */
typedef void (*coverage_publish_fn)(worker *w, EVT_HANDLE query);

/* Fills *out (since = the window's start) and returns TRUE when every fact was read; FALSE (and
 * nothing to say) otherwise. sys_ctx: an EvtRenderContextSystem context. */
BOOL coverage_read(worker *w, const wevt_api *api, EVT_HANDLE session, const WCHAR *channel, uint64_t since,
                   EVT_HANDLE sys_ctx, coverage_publish_fn publish, es_coverage *out);

/* The log's oldest record number (EvtOpenLog + EvtGetLogInfo; 0 for an empty log) and, when
 * records is not NULL, how many it holds (0 when unknown): live follow and "New since last
 * sweep" ask them to count the records a wrapped log overwrote. FALSE when they could not be read. */
BOOL coverage_oldest_record(worker *w, const wevt_api *api, EVT_HANDLE session, const WCHAR *channel, uint64_t *oldest,
                            uint64_t *records);

#endif
