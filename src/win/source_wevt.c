/* The server engine: the Windows Event Log API (wevtapi.dll).
 *
 * Per source: EvtOpenSession (EvtRpcLogin; "." and localhost use the local session),
 * EvtQuery on the channel with the sweep's query (the time window and the filters, as an XPath
 * or a structured QueryList: the server does the filtering), EvtNext in batches, each event
 * made a row by wevt_reader.c (EvtRender, EvtFormatMessage through the publisher's metadata on
 * the same session). Once every event is read, whether the log reaches back to the window's
 * start (coverage.c), reported to the window. */
#include "source.h"
#include "coverage.h"
#include "wevt.h"
#include "wevt_reader.h"
#include "follow.h"
#include "probe.h"
#include "winutil.h"
#include "es_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define NEXT_BATCH 128          /* events per EvtNext */
#define PROBE_CONNECT_MS 1500   /* the 1722 probe: each TCP 135 connect */
#define PROBE_WAIT_MS    4000   /* ...and the whole probe, DNS included */

/* Handles cancel() may touch; guarded by the worker lock. */
typedef struct wevt_handles {
    const wevt_api *api;
    EVT_HANDLE session;
    EVT_HANDLE query;
} wevt_handles;

/* Cancels what is published; the caller holds the worker lock. Cancelling the session stops a
 * remote call in progress; the query handle covers the local session (which has no session
 * handle) and an EvtNext waiting for results. */
static void cancel_published(wevt_handles *h)
{
    if (h->session)
        h->api->Cancel(h->session);
    if (h->query)
        h->api->Cancel(h->query);
}

/* Publishes the handles cancel() needs; a cancel that came while they did not exist yet (during
 * EvtQuery on the local session, say) is applied now, so it is never lost. */
static void set_handles(worker *w, EVT_HANDLE session, EVT_HANDLE query)
{
    worker_lock(w);
    wevt_handles *h = *worker_engine_slot(w);
    if (h) {
        h->session = session;
        h->query = query;
        if (worker_cancelled(w))
            cancel_published(h);
    }
    worker_unlock(w);
}

/* The coverage query, published for cancel() like the sweep's own (coverage.h). */
static void publish_query(worker *w, EVT_HANDLE query)
{
    worker_lock(w);
    wevt_handles *h = *worker_engine_slot(w);
    if (h) {
        h->query = query;
        if (query && worker_cancelled(w))
            cancel_published(h);
    }
    worker_unlock(w);
}

static void wevt_cancel(worker *w)
{
    worker_lock(w);
    wevt_handles *h = *worker_engine_slot(w);
    if (h)
        cancel_published(h);
    worker_unlock(w);
}

static BOOL probe_stop(void *w) { return worker_cancelled(w); }

static DWORD wevt_read(worker *w, const source_query *q)
{
    DWORD err = 0;
    const wevt_api *api = wevt_load(&err);
    if (!api)
        return err;
    wevt_handles handles = {api, NULL, NULL};
    worker_lock(w);
    *worker_engine_slot(w) = &handles;
    worker_unlock(w);

    wevt_reader r;
    memset(&r, 0, sizeof r);   /* opened once the query is */
    EVT_HANDLE session = NULL, query = NULL;
    BOOL gated = FALSE;   /* this source is trying the account's logon (account_gate) */

    /* Another account logs on first on one source alone (account.h: lockout) */
    if (q->account) {
        DWORD bad = 0;
        account_gate_t gate = account_gate(q->account, probe_stop, w, &bad);
        if (gate != ACCOUNT_GO) {
            err = gate == ACCOUNT_SETTLED_BAD ? bad : ERROR_CANCELLED;
            goto done;
        }
        gated = TRUE;
    }
    worker_call_begin(w, FALSE);
    BOOL opened = wevt_open_session(api, q->target, q->kind, q->account, &session, &err);
    worker_call_end(w);
    if (!opened)
        goto done;
    if (session)
        set_handles(w, session, NULL);
    if (worker_cancelled(w)) {
        err = ERROR_CANCELLED;
        goto done;
    }
    /* The sweep built the query once for every server: the filter and the window's start as an
     * absolute time, so a server that is queried late, or whose clock differs, still selects the
     * same events (timediff() would count from its own clock at the moment of the query). */
    const WCHAR *text = q->query_text ? q->query_text : L"*";
    /* New since last sweep: has the log moved past its mark meanwhile? */
    if (q->after_record) {
        uint64_t oldest = 0, records = 0;
        if (coverage_oldest_record(w, api, session, q->channel, &oldest, &records)) {
            if (records && oldest + records - 1 < q->after_record) {
                worker_note_gap(w, UINT64_MAX);   /* cleared, its numbers begun again: all it holds is new */
                text = q->base_query ? q->base_query : L"*";
            } else if (oldest > q->after_record + 1) {
                worker_note_gap(w, oldest - q->after_record - 1);   /* overwritten before they were read */
            }
        }
        if (worker_cancelled(w)) {
            err = ERROR_CANCELLED;
            goto done;
        }
    }
    worker_call_begin(w, TRUE);
    query = api->Query(session, q->channel, text, EvtQueryChannelPath | EvtQueryForwardDirection);
    err = query ? 0 : GetLastError();
    worker_call_end(w);
    if (gated) {   /* the logon happens here: its answer settles the account */
        account_settle(q->account, err);
        gated = FALSE;
    }
    if (!query)
        goto done;
    set_handles(w, session, query);
    if (!wevt_reader_open(&r, api, w, session, &err))
        goto done;
    worker_set_state(w, ES_STATE_READING);
    for (;;) {
        EVT_HANDLE evs[NEXT_BATCH];
        DWORD got = 0;
        worker_call_begin(w, TRUE);
        BOOL more = api->Next(query, NEXT_BATCH, evs, INFINITE, 0, &got);
        err = more ? 0 : GetLastError();
        worker_call_end(w);
        if (!more) {
            if (err == ERROR_NO_MORE_ITEMS)
                err = 0;
            break;
        }
        BOOL go_on = TRUE;
        for (DWORD i = 0; i < got && go_on; i++)
            go_on = wevt_reader_emit(&r, evs[i], q, &err);
        worker_call_begin(w, FALSE); /* closing is a call too: it is timed as one */
        for (DWORD i = 0; i < got; i++)
            api->Close(evs[i]);
        worker_call_end(w);
        if (!go_on) {
            if (!err)
                err = worker_cancelled(w) ? ERROR_CANCELLED : ERROR_NOT_ENOUGH_MEMORY;
            break;
        }
    }
    /* Every event was read: does the log reach back to the window's start? (Information only:
     * a failure here says nothing and leaves the source ok.) */
    if (!err && q->since && !worker_cancelled(w)) {
        set_handles(w, session, NULL);
        worker_call_begin(w, FALSE);
        api->Close(query);
        worker_call_end(w);
        query = NULL;
        es_coverage cov;
        if (coverage_read(w, api, session, q->channel, q->since, r.sys_ctx, publish_query, &cov))
            worker_set_coverage(w, &cov);
    }
    /* Live follow: new events as they happen, after the newest one read (follow.c). */
    if (!err && q->follow && !worker_cancelled(w)) {
        if (query) {
            set_handles(w, session, NULL);
            worker_call_begin(w, FALSE);
            api->Close(query);
            worker_call_end(w);
            query = NULL;
        }
        err = follow_run(w, q, api, &session, &r, set_handles);
    }

done:
    if (gated)
        account_settle(q->account, err);   /* it ended before its logon: the next source tries */
    set_handles(w, NULL, NULL);
    worker_lock(w);
    *worker_engine_slot(w) = NULL;
    worker_unlock(w);
    /* Closing a remote handle is a call to the server too. */
    worker_call_begin(w, FALSE);
    wevt_reader_close(&r);
    if (query)
        api->Close(query);
    if (session)
        api->Close(session);
    worker_call_end(w);
    /* "The RPC server is unavailable" has three common causes an admin fixes differently: ask
     * the network which one (PROBE_WAIT_MS at most, sooner on Stop; the error stays 1722). */
    if (es_probe_wanted(err) && q->kind != ES_NAME_LOCAL && !worker_cancelled(w)) {
        es_probe_verdict v = probe_server(q->target, PROBE_CONNECT_MS, PROBE_WAIT_MS, probe_stop, w);
        if (v != ES_PROBE_NONE)
            worker_set_probe(w, (int)v);
    }
    return err;
}

const source_engine source_engine_wevt = {"wevtapi", wevt_read, wevt_cancel};
