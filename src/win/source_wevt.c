/* The server engine: the Windows Event Log API (wevtapi.dll).
 *
 * Per source: EvtOpenSession (EvtRpcLogin; "." and localhost use the local session),
 * EvtQuery on the channel with the sweep's query (the time window and the filters, as an XPath
 * or a structured QueryList: the server does the filtering), EvtNext in batches, EvtRender of the system values, and EvtFormatMessage through
 * publisher metadata opened on the same session (cached per provider, with its level and task
 * names) for Message, Level and Task. The window is checked on the client too: a server whose
 * filter misbehaves must not put rows outside the window on screen. Once every event is read,
 * whether the log reaches back to the window's start (coverage.c), reported to the window. */
#include "source.h"
#include "coverage.h"
#include "wevt.h"
#include "probe.h"
#include "wevtval.h"
#include "winutil.h"
#include "es_buf.h"
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

/* Publisher metadata and the names it gave, per provider, for one server. */
typedef struct task_name { uint16_t task; char *text; } task_name;
typedef struct publisher {
    WCHAR     *name;
    EVT_HANDLE meta;            /* NULL when it could not be opened */
    char      *level_text[6];   /* levels 1..5 (0 is always "Information"); NULL: not asked */
    BOOL       level_asked[6];
    task_name *tasks;
    size_t     ntasks, cap_tasks;
} publisher;

typedef struct reader {
    const wevt_api *api;
    worker     *w;
    EVT_HANDLE  session, sys_ctx, user_ctx;
    publisher  *pubs;
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
} reader;

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

/* EvtRender into a growing buffer. Returns 0 or an error code. */
static DWORD render(reader *r, EVT_HANDLE ctx, EVT_HANDLE ev, BYTE **buf, DWORD *cap, DWORD *count)
{
    for (int tries = 0; tries < 4; tries++) {
        DWORD used = 0;
        *count = 0;
        worker_call_begin(r->w, FALSE);
        BOOL ok = r->api->Render(ctx, ev, EvtRenderEventValues, *cap, *buf, &used, count);
        DWORD e = ok ? 0 : GetLastError();
        worker_call_end(r->w);
        if (ok)
            return 0;
        if (e != ERROR_INSUFFICIENT_BUFFER)
            return e;
        BYTE *nb = realloc(*buf, used + 64);
        if (!nb)
            return ERROR_NOT_ENOUGH_MEMORY;
        *buf = nb;
        *cap = used + 64;
    }
    return ERROR_INSUFFICIENT_BUFFER;
}

/* EvtFormatMessage into r->fmt. Returns TRUE with text when there is any. */
static BOOL format(reader *r, EVT_HANDLE meta, EVT_HANDLE ev, DWORD flags, DWORD value)
{
    (void)value;
    for (int tries = 0; tries < 4; tries++) {
        DWORD used = 0;
        worker_call_begin(r->w, FALSE);
        BOOL ok = r->api->FormatMessage(meta, ev, 0, 0, NULL, flags, r->fmt_cap, r->fmt, &used);
        DWORD e = ok ? 0 : GetLastError();
        worker_call_end(r->w);
        if (ok)
            return r->fmt_cap > 0 && r->fmt[0] != 0;
        if (e == ERROR_INSUFFICIENT_BUFFER) {
            WCHAR *nb = realloc(r->fmt, ((size_t)used + 16) * sizeof(WCHAR));
            if (!nb)
                return FALSE;
            r->fmt = nb;
            r->fmt_cap = used + 16;
            continue;
        }
        /* Inserts that could not be resolved still leave a readable message, as Event Viewer shows it. */
        if ((e == ERROR_EVT_UNRESOLVED_VALUE_INSERT || e == ERROR_EVT_UNRESOLVED_PARAMETER_INSERT ||
             e == ERROR_EVT_MAX_INSERTS_REACHED) && r->fmt_cap > 0 && used > 0 && used <= r->fmt_cap)
            return r->fmt[0] != 0;
        return FALSE;
    }
    return FALSE;
}

static publisher *find_publisher(reader *r, const WCHAR *name)
{
    if (r->npubs && wcscmp(r->pubs[r->last_pub].name, name) == 0)
        return &r->pubs[r->last_pub];
    for (size_t i = 0; i < r->npubs; i++)
        if (wcscmp(r->pubs[i].name, name) == 0) {
            r->last_pub = i;
            return &r->pubs[i];
        }
    if (!es_grow(&r->pubs, &r->cap_pubs, r->npubs + 1, sizeof *r->pubs))
        return NULL;
    publisher *p = &r->pubs[r->npubs];
    memset(p, 0, sizeof *p);
    p->name = _wcsdup(name);
    if (!p->name)
        return NULL;
    /* Opened on the event's own session: messages come from the server's copy of the
     * provider's resources, so they read right even when this workstation lacks the provider. */
    worker_call_begin(r->w, FALSE);
    p->meta = r->api->OpenPublisherMetadata(r->session, name, NULL, 0, 0);
    worker_call_end(r->w);
    r->last_pub = r->npubs;
    r->npubs++;
    return p;
}

static void free_publishers(reader *r)
{
    for (size_t i = 0; i < r->npubs; i++) {
        publisher *p = &r->pubs[i];
        if (p->meta)
            r->api->Close(p->meta);
        free(p->name);
        for (int k = 0; k < 6; k++)
            free(p->level_text[k]);
        for (size_t k = 0; k < p->ntasks; k++)
            free(p->tasks[k].text);
        free(p->tasks);
    }
    free(r->pubs);
    r->pubs = NULL;
    r->npubs = r->cap_pubs = 0;
}

/* Level, task and message come from the publisher's metadata on the server; without it (the
 * publisher is not installed there, as on a Windows Event Forwarding collector) from the
 * event's own RenderingInfo, which forwarded events carry: EvtFormatMessage takes a NULL
 * metadata handle for that. */
static const char *level_text(reader *r, publisher *p, EVT_HANDLE ev, unsigned level)
{
    if (!p || level == 0 || level > 5)
        return NULL; /* the core's standard names */
    if (!p->level_asked[level]) {
        p->level_asked[level] = TRUE;
        if (format(r, p->meta, ev, EvtFormatMessageLevel, level))
            p->level_text[level] = wu_utf8(r->fmt);
    }
    return p->level_text[level];
}

static const char *task_text(reader *r, publisher *p, EVT_HANDLE ev, unsigned task)
{
    if (!p || task == 0)
        return NULL;
    for (size_t i = 0; i < p->ntasks; i++)
        if (p->tasks[i].task == task)
            return p->tasks[i].text;
    if (!es_grow(&p->tasks, &p->cap_tasks, p->ntasks + 1, sizeof *p->tasks))
        return NULL;
    task_name *t = &p->tasks[p->ntasks++];
    t->task = (uint16_t)task;
    t->text = format(r, p->meta, ev, EvtFormatMessageTask, task) ? wu_utf8(r->fmt) : NULL;
    return t->text;
}

/* ---- one event ---- */

static const WCHAR *var_str(const EVT_VARIANT *v)
{
    return (v->Type & EVT_VARIANT_TYPE_MASK) == EvtVarTypeString && v->StringVal ? v->StringVal : NULL;
}

/* Offsets into r->text are stored while it grows, then turned into pointers. */
static size_t put_text(reader *r, const WCHAR *w)
{
    size_t off = r->text.len;
    if (w)
        wu_append_utf8(&r->text, w, (size_t)-1);
    es_buf_putc(&r->text, 0);
    return off;
}

static BOOL emit_event(reader *r, EVT_HANDLE ev, const source_query *q, DWORD *err)
{
    DWORD count = 0;
    *err = render(r, r->sys_ctx, ev, &r->render, &r->render_cap, &count);
    if (*err)
        return FALSE;
    if (count < EvtSystemPropertyIdEND) {
        *err = ERROR_INVALID_DATA;
        return FALSE;
    }
    const EVT_VARIANT *v = (const EVT_VARIANT *)r->render;
    es_event e;
    memset(&e, 0, sizeof e);
    const EVT_VARIANT *tc = &v[EvtSystemTimeCreated];
    if ((tc->Type & EVT_VARIANT_TYPE_MASK) == EvtVarTypeFileTime)
        e.time_created = tc->FileTimeVal;
    if (e.time_created < q->since)
        return TRUE; /* outside the window: the server's filter let it through */
    e.record_id = (v[EvtSystemEventRecordId].Type & EVT_VARIANT_TYPE_MASK) == EvtVarTypeUInt64 ? v[EvtSystemEventRecordId].UInt64Val : 0;
    e.event_id = (v[EvtSystemEventID].Type & EVT_VARIANT_TYPE_MASK) == EvtVarTypeUInt16 ? v[EvtSystemEventID].UInt16Val : 0;
    e.qualifiers = (v[EvtSystemQualifiers].Type & EVT_VARIANT_TYPE_MASK) == EvtVarTypeUInt16 ? v[EvtSystemQualifiers].UInt16Val : 0;
    e.level = (v[EvtSystemLevel].Type & EVT_VARIANT_TYPE_MASK) == EvtVarTypeByte ? v[EvtSystemLevel].ByteVal : 0;
    e.task = (v[EvtSystemTask].Type & EVT_VARIANT_TYPE_MASK) == EvtVarTypeUInt16 ? v[EvtSystemTask].UInt16Val : 0;
    e.opcode = (v[EvtSystemOpcode].Type & EVT_VARIANT_TYPE_MASK) == EvtVarTypeByte ? v[EvtSystemOpcode].ByteVal : 0;
    e.keywords = (v[EvtSystemKeywords].Type & EVT_VARIANT_TYPE_MASK) == EvtVarTypeHexInt64 ? v[EvtSystemKeywords].UInt64Val : 0;
    e.process_id = (v[EvtSystemProcessID].Type & EVT_VARIANT_TYPE_MASK) == EvtVarTypeUInt32 ? v[EvtSystemProcessID].UInt32Val : 0;
    e.thread_id = (v[EvtSystemThreadID].Type & EVT_VARIANT_TYPE_MASK) == EvtVarTypeUInt32 ? v[EvtSystemThreadID].UInt32Val : 0;

    const WCHAR *provider = var_str(&v[EvtSystemProviderName]);
    es_buf_clear(&r->text);
    size_t o_provider = put_text(r, provider);
    size_t o_channel = put_text(r, var_str(&v[EvtSystemChannel]));
    size_t o_computer = put_text(r, var_str(&v[EvtSystemComputer]));

    publisher *p = provider ? find_publisher(r, provider) : NULL;
    e.level_text = level_text(r, p, ev, e.level);
    e.task_text = task_text(r, p, ev, e.task);

    es_buf_clear(&r->msg);
    BOOL have_msg = p && ((p->meta && format(r, p->meta, ev, EvtFormatMessageEvent, 0)) ||
                          format(r, NULL, ev, EvtFormatMessageEvent, 0));
    if (have_msg) {
        wu_append_utf8(&r->msg, r->fmt, (size_t)-1);
        /* Multi-line messages read as one line in the list; CSV keeps them quoted either way. */
        e.message = r->msg.data ? r->msg.data : "";
    } else {
        /* What Event Viewer shows when it cannot format a message: the event's data values. */
        DWORD n = 0;
        if (render(r, r->user_ctx, ev, &r->urender, &r->urender_cap, &n) == 0 && n > 0) {
            if (n > r->items_cap) {
                es_data_item *ni = realloc(r->items, n * sizeof *ni);
                if (ni)
                    r->items = ni;
                size_t *no = realloc(r->offs, n * sizeof *no);
                if (no)
                    r->offs = no;
                if (ni && no)
                    r->items_cap = n;
            }
            if (n <= r->items_cap) {
                /* Offsets while msg grows (it may move), pointers once it is complete. */
                const EVT_VARIANT *uv = (const EVT_VARIANT *)r->urender;
                size_t *offs = r->offs;
                for (DWORD i = 0; i < n; i++) {
                    offs[i] = r->msg.len;
                    wevt_append_variant(&r->msg, &uv[i]);
                    es_buf_putc(&r->msg, 0);
                }
                for (DWORD i = 0; i < n; i++) {
                    const char *val = r->msg.data + offs[i];
                    r->items[i].name = "";
                    r->items[i].value = val;
                }
                e.data = r->items;
                e.ndata = n;
            }
        }
    }
    if (r->text.failed || r->msg.failed) {
        r->text.failed = r->msg.failed = 0;
        *err = ERROR_NOT_ENOUGH_MEMORY;
        return FALSE;
    }
    e.provider = r->text.data + o_provider;
    e.channel = r->text.data + o_channel;
    e.computer = r->text.data + o_computer;
    return worker_emit(r->w, &e);
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

    reader r;
    memset(&r, 0, sizeof r);
    r.api = api;
    r.w = w;
    es_buf_init(&r.text);
    es_buf_init(&r.msg);
    EVT_HANDLE query = NULL;
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
    BOOL opened = wevt_open_session(api, q->target, q->kind, q->account, &r.session, &err);
    worker_call_end(w);
    if (!opened)
        goto done;
    if (r.session)
        set_handles(w, r.session, NULL);
    if (worker_cancelled(w)) {
        err = ERROR_CANCELLED;
        goto done;
    }
    /* The sweep built the query once for every server: the filter and the window's start as an
     * absolute time, so a server that is queried late, or whose clock differs, still selects the
     * same events (timediff() would count from its own clock at the moment of the query). */
    const WCHAR *text = q->query_text ? q->query_text : L"*";
    worker_call_begin(w, TRUE);
    query = api->Query(r.session, q->channel, text, EvtQueryChannelPath | EvtQueryForwardDirection);
    err = query ? 0 : GetLastError();
    worker_call_end(w);
    if (gated) {   /* the logon happens here: its answer settles the account */
        account_settle(q->account, err);
        gated = FALSE;
    }
    if (!query)
        goto done;
    set_handles(w, r.session, query);
    r.sys_ctx = api->CreateRenderContext(0, NULL, EvtRenderContextSystem);
    r.user_ctx = api->CreateRenderContext(0, NULL, EvtRenderContextUser);
    if (!r.sys_ctx || !r.user_ctx) {
        err = GetLastError();
        goto done;
    }
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
            go_on = emit_event(&r, evs[i], q, &err);
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
        set_handles(w, r.session, NULL);
        worker_call_begin(w, FALSE);
        api->Close(query);
        worker_call_end(w);
        query = NULL;
        es_coverage cov;
        if (coverage_read(w, api, r.session, q->channel, q->since, r.sys_ctx, publish_query, &cov))
            worker_set_coverage(w, &cov);
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
    free_publishers(&r);
    if (r.sys_ctx)
        api->Close(r.sys_ctx);
    if (r.user_ctx)
        api->Close(r.user_ctx);
    if (query)
        api->Close(query);
    if (r.session)
        api->Close(r.session);
    worker_call_end(w);
    free(r.render);
    free(r.urender);
    free(r.fmt);
    free(r.items);
    free(r.offs);
    es_buf_free(&r.text);
    es_buf_free(&r.msg);
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
