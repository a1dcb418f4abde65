/* The saved-log engine: a .evtx file read with EventSweep's own parser (es_evtx.h), chunk by
 * chunk, on the source's worker thread. Memory stays flat whatever the file's size; a damaged
 * chunk or record is skipped by the parser and the good ones still arrive.
 *
 * Messages: a saved log carries no message text, only the event's data values — except the
 * forwarded events of a collector, whose RenderingInfo the parser returns as the message. When
 * the event's publisher is installed on this computer, its message is formatted locally (as
 * Event Viewer does for saved logs): the publisher's event metadata gives the message ID of
 * each event ID and version, and EvtFormatMessage fills it with the data values. Otherwise the
 * row shows the data values. */
#include "source.h"
#include "wevt.h"
#include "winutil.h"
#include "es_evtx.h"
#include "es_time.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

typedef struct evtx_handles {
    HANDLE file;
} evtx_handles;

typedef struct event_msg { uint32_t id; uint32_t version; uint32_t msgid; } event_msg;

typedef struct local_pub {
    char      *name;            /* UTF-8 provider name */
    EVT_HANDLE meta;            /* NULL: not installed here */
    event_msg *events;
    size_t     nevents;
} local_pub;

typedef struct file_reader {
    worker            *w;
    const source_query *q;
    const wevt_api    *api;     /* NULL: no local formatting */
    local_pub         *pubs;
    size_t             npubs, cap;
    WCHAR             *fmt;
    DWORD              fmt_cap;
    EVT_VARIANT       *vals;
    WCHAR            **wvals;
    size_t             vals_cap;
    es_buf             msg;
    BOOL               stopped;
    uint64_t           warned;  /* damaged records/chunks reported so far */
} file_reader;

static void evtx_cancel(worker *w)
{
    worker_lock(w);
    evtx_handles *h = *worker_engine_slot(w);
    if (h && h->file)
        CancelIoEx(h->file, NULL); /* a read from a slow share returns at once */
    worker_unlock(w);
}

/* Every ReadFile is timed on its own: a share that stops answering is cancelled, one that is
 * slow but steady is read to the end. */
static DWORD read_all(worker *w, HANDLE h, void *buf, DWORD want, DWORD *got)
{
    *got = 0;
    while (*got < want) {
        DWORD n = 0;
        worker_call_begin(w, TRUE);
        BOOL ok = ReadFile(h, (char *)buf + *got, want - *got, &n, NULL);
        DWORD e = ok ? 0 : GetLastError();
        worker_call_end(w);
        if (!ok)
            return e;
        if (n == 0)
            break;
        *got += n;
    }
    return 0;
}

static DWORD uint_prop(const wevt_api *api, EVT_HANDLE em, EVT_EVENT_METADATA_PROPERTY_ID id, uint32_t *out)
{
    EVT_VARIANT v;
    DWORD used = 0;
    if (!api->GetEventMetadataProperty(em, id, 0, sizeof v, &v, &used))
        return GetLastError();
    if ((v.Type & EVT_VARIANT_TYPE_MASK) != EvtVarTypeUInt32)
        return ERROR_INVALID_DATA;
    *out = v.UInt32Val;
    return 0;
}

static local_pub *find_pub(file_reader *r, const char *name)
{
    for (size_t i = 0; i < r->npubs; i++)
        if (strcmp(r->pubs[i].name, name) == 0)
            return &r->pubs[i];
    if (!es_grow(&r->pubs, &r->cap, r->npubs + 1, sizeof *r->pubs))
        return NULL;
    local_pub *p = &r->pubs[r->npubs];
    memset(p, 0, sizeof *p);
    p->name = _strdup(name);
    if (!p->name)
        return NULL;
    r->npubs++;
    WCHAR *wname = wu_wide(name);
    if (wname) {
        worker_call_begin(r->w, FALSE);
        p->meta = r->api->OpenPublisherMetadata(NULL, wname, NULL, 0, 0);
        worker_call_end(r->w);
    }
    free(wname);
    if (!p->meta)
        return p;
    /* The message ID of each event ID and version. A classic (pre-Vista) source has none:
     * its message ID is the full event ID, qualifiers included. */
    /* Local calls, but calls into a publisher's resources all the same: timed as one. */
    worker_call_begin(r->w, FALSE);
    EVT_HANDLE en = r->api->OpenEventMetadataEnum(p->meta, 0);
    if (!en) {
        worker_call_end(r->w);
        return p;
    }
    size_t cap = 0;
    for (EVT_HANDLE em; (em = r->api->NextEventMetadata(en, 0)) != NULL;) {
        event_msg m;
        if (uint_prop(r->api, em, EventMetadataEventID, &m.id) == 0 &&
            uint_prop(r->api, em, EventMetadataEventVersion, &m.version) == 0 &&
            uint_prop(r->api, em, EventMetadataEventMessageID, &m.msgid) == 0) {
            if (es_grow(&p->events, &cap, p->nevents + 1, sizeof *p->events))
                p->events[p->nevents++] = m;
        }
        r->api->Close(em);
    }
    r->api->Close(en);
    worker_call_end(r->w);
    return p;
}

/* The locally formatted message of ev, or NULL. */
static const char *local_message(file_reader *r, const es_event *ev)
{
    if (!r->api || !ev->provider || !*ev->provider)
        return NULL;
    local_pub *p = find_pub(r, ev->provider);
    if (!p || !p->meta)
        return NULL;
    uint32_t msgid = ((uint32_t)ev->qualifiers << 16) | ev->event_id;
    if (p->nevents) {
        msgid = 0xFFFFFFFFu;
        for (size_t i = 0; i < p->nevents; i++)
            if ((p->events[i].id & 0xFFFF) == ev->event_id && p->events[i].version == ev->version) {
                msgid = p->events[i].msgid;
                break;
            }
        if (msgid == 0xFFFFFFFFu)
            return NULL;
    }
    if (ev->ndata > r->vals_cap) {
        EVT_VARIANT *nv = realloc(r->vals, ev->ndata * sizeof *nv);
        if (nv)
            r->vals = nv;
        WCHAR **nw = realloc(r->wvals, ev->ndata * sizeof *nw);
        if (nw)
            r->wvals = nw;
        if (!nv || !nw)
            return NULL;
        r->vals_cap = ev->ndata;
    }
    const char *result = NULL;
    size_t n = 0;
    for (; n < ev->ndata; n++) {
        r->wvals[n] = wu_wide(ev->data[n].value);
        if (!r->wvals[n])
            goto out;
        memset(&r->vals[n], 0, sizeof r->vals[n]);
        r->vals[n].Type = EvtVarTypeString;
        r->vals[n].StringVal = r->wvals[n];
    }
    for (int tries = 0; tries < 4; tries++) {
        DWORD used = 0;
        worker_call_begin(r->w, FALSE);
        BOOL ok = r->api->FormatMessage(p->meta, NULL, msgid, (DWORD)n, n ? r->vals : NULL, EvtFormatMessageId,
                                        r->fmt_cap, r->fmt, &used);
        DWORD e = ok ? 0 : GetLastError();
        worker_call_end(r->w);
        if (ok) {
            es_buf_clear(&r->msg);
            wu_append_utf8(&r->msg, r->fmt, (size_t)-1);
            result = r->msg.failed || !r->msg.data || !r->msg.data[0] ? NULL : r->msg.data;
            break;
        }
        if (e != ERROR_INSUFFICIENT_BUFFER)
            break;
        WCHAR *nb = realloc(r->fmt, ((size_t)used + 16) * sizeof(WCHAR));
        if (!nb)
            break;
        r->fmt = nb;
        r->fmt_cap = used + 16;
    }
out:
    for (size_t i = 0; i < n; i++)
        free(r->wvals[i]);
    return result;
}

static int on_record(void *ctx, const es_event *ev, const es_evtx_record *rec)
{
    (void)rec;
    file_reader *r = ctx;
    if (ev->time_created < r->q->since)
        return 0;
    if (r->q->accept && !r->q->accept(r->q->accept_ctx, ev))
        return 0; /* filtered out before any message is formatted */
    es_event e = *ev;
    if (!e.message) /* a forwarded event's own RenderingInfo comes first, as in Event Viewer */
        e.message = local_message(r, ev);
    if (!worker_emit(r->w, &e)) {
        r->stopped = TRUE;
        return 1;
    }
    return 0;
}

static DWORD evtx_read(worker *w, const source_query *q)
{
    worker_call_begin(w, TRUE); /* opening a file on a share that stopped answering can block */
    HANDLE h = CreateFileW(q->target, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    DWORD open_err = h == INVALID_HANDLE_VALUE ? GetLastError() : 0;
    worker_call_end(w);
    if (h == INVALID_HANDLE_VALUE)
        return open_err;
    evtx_handles handles = {h};
    worker_lock(w);
    *worker_engine_slot(w) = &handles;
    if (worker_cancelled(w))
        CancelIoEx(h, NULL); /* a cancel that came while the file was being opened */
    worker_unlock(w);

    file_reader r;
    memset(&r, 0, sizeof r);
    r.w = w;
    r.q = q;
    DWORD ignored;
    r.api = wevt_load(&ignored); /* optional: without it, rows show their data values */
    es_buf_init(&r.msg);
    es_evtx_parser *p = es_evtx_new(0);
    uint8_t *buf = malloc(ES_EVTX_CHUNK_SIZE);
    DWORD err = 0, got = 0;
    if (!p || !buf) {
        err = ERROR_NOT_ENOUGH_MEMORY;
        goto done;
    }
    err = read_all(w, h, buf, ES_EVTX_FILE_HEADER_SIZE, &got);
    if (err)
        goto done;
    es_evtx_file_info fi;
    int hdr = es_evtx_parse_file_header(buf, got, &fi);
    if (hdr == ES_EVTX_HDR_SHORT || hdr == ES_EVTX_HDR_BAD_SIGNATURE) {
        /* Not a saved event log at all: say so rather than show nothing. A damaged header of
         * a real log (bad checksum) is read on. */
        err = ERROR_FILE_CORRUPT;
        goto done;
    }
    es_evtx_note_file_header(p, hdr);
    worker_set_state(w, ES_STATE_READING);
    for (;;) {
        if (worker_cancelled(w)) {
            err = ERROR_CANCELLED;
            break;
        }
        err = read_all(w, h, buf, ES_EVTX_CHUNK_SIZE, &got);
        if (err || got == 0)
            break;
        if (es_evtx_feed_chunk(p, buf, got, on_record, &r) < 0 || r.stopped) {
            err = worker_cancelled(w) ? ERROR_CANCELLED : ERROR_NOT_ENOUGH_MEMORY;
            break;
        }
        uint64_t skipped = es_evtx_get_stats(p)->skipped_records + es_evtx_get_stats(p)->bad_chunks;
        if (skipped != r.warned) {
            r.warned = skipped;
            worker_set_warnings(w, skipped);
        }
        if (got < ES_EVTX_CHUNK_SIZE)
            break;
    }
    if (err == ERROR_OPERATION_ABORTED)
        err = ERROR_CANCELLED;

done:
    worker_lock(w);
    *worker_engine_slot(w) = NULL;
    worker_unlock(w);
    worker_call_begin(w, FALSE); /* closing a file on a share is a call to the server */
    CloseHandle(h);
    for (size_t i = 0; i < r.npubs; i++) {
        if (r.pubs[i].meta)
            r.api->Close(r.pubs[i].meta);
        free(r.pubs[i].name);
        free(r.pubs[i].events);
    }
    worker_call_end(w);
    free(r.pubs);
    free(r.fmt);
    free(r.vals);
    free(r.wvals);
    es_buf_free(&r.msg);
    es_evtx_free(p);
    free(buf);
    return err;
}

const source_engine source_engine_evtx = {"evtx", evtx_read, evtx_cancel};
