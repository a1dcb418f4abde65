/* wevt_reader: one event handle of the Windows Event Log API into a row (es_event) for the
 * sweep: EvtRender of the system values, EvtFormatMessage through the publisher's metadata
 * opened on the event's own session (cached per provider, with its level and task names), and
 * the data values when no message can be formatted. Used by the sweep's query (source_wevt.c)
 * and by live follow's subscription (follow.c), on the source's worker thread; every call to
 * the server is timed as one (worker_call_begin/end). */
#ifndef WEVT_READER_H
#define WEVT_READER_H

#include "source.h"
#include "wevt.h"
#include "wevtval.h"
#include "es_buf.h"

#include <stdint.h>

typedef struct wevt_publisher wevt_publisher;

typedef struct wevt_reader {
    const wevt_api *api;
    worker     *w;
    EVT_HANDLE  session, sys_ctx, user_ctx;
    wevt_publisher *pubs;
    size_t      npubs, cap_pubs;
    size_t      last_pub;
    BYTE       *render;         /* EvtRender buffer (system values) */
    DWORD       render_cap;
    BYTE       *urender;        /* EvtRender buffer (user values) */
    DWORD       urender_cap;
    WCHAR      *fmt;            /* EvtFormatMessage buffer */
    DWORD       fmt_cap;
    es_buf      text;           /* UTF-8 strings of the current event */
    es_buf      msg;
    es_data_item *items;        /* data values of the current event, and their offsets in msg */
    size_t     *offs;
    size_t      items_cap;
    uint64_t    last_record;    /* the highest EventRecordID read (emitted or outside the window) */
} wevt_reader;

/* Ready to read events of `session` (NULL: this computer): the render contexts. FALSE with *err. */
BOOL wevt_reader_open(wevt_reader *r, const wevt_api *api, worker *w, EVT_HANDLE session, DWORD *err);
/* The event as a row (worker_emit), unless it lies before q->since. FALSE when reading should
 * stop: *err says why (0 when the worker was cancelled). The caller closes ev. */
BOOL wevt_reader_emit(wevt_reader *r, EVT_HANDLE ev, const source_query *q, DWORD *err);
/* After a reconnect: the publishers' metadata of the old session is closed (calls: the caller
 * times them) and the reader reads events of the new one. */
void wevt_reader_reset_session(wevt_reader *r, EVT_HANDLE session);
/* Closes the publishers' metadata and the contexts (calls to the server: the caller times
 * them) and frees the buffers. Not the session. */
void wevt_reader_close(wevt_reader *r);

#endif
