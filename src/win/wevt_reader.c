/* One event of the Windows Event Log API into a row (see wevt_reader.h). */
#include "wevt_reader.h"
#include "winutil.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Publisher metadata and the names it gave, per provider, for one server. */
typedef struct task_name { uint16_t task; char *text; } task_name;
struct wevt_publisher {
    WCHAR     *name;
    EVT_HANDLE meta;            /* NULL when it could not be opened */
    char      *level_text[6];   /* levels 1..5 (0 is always "Information"); NULL: not asked */
    BOOL       level_asked[6];
    task_name *tasks;
    size_t     ntasks, cap_tasks;
};

typedef struct wevt_publisher publisher;
typedef wevt_reader reader;

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

BOOL wevt_reader_emit(reader *r, EVT_HANDLE ev, const source_query *q, DWORD *err)
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
    e.record_id = (v[EvtSystemEventRecordId].Type & EVT_VARIANT_TYPE_MASK) == EvtVarTypeUInt64 ? v[EvtSystemEventRecordId].UInt64Val : 0;
    if (e.record_id > r->last_record)
        r->last_record = e.record_id;
    if (e.time_created < q->since)
        return TRUE; /* outside the window: the server's filter let it through */
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

BOOL wevt_reader_open(wevt_reader *r, const wevt_api *api, worker *w, EVT_HANDLE session, DWORD *err)
{
    memset(r, 0, sizeof *r);
    r->api = api;
    r->w = w;
    r->session = session;
    es_buf_init(&r->text);
    es_buf_init(&r->msg);
    r->sys_ctx = api->CreateRenderContext(0, NULL, EvtRenderContextSystem);
    r->user_ctx = api->CreateRenderContext(0, NULL, EvtRenderContextUser);
    if (!r->sys_ctx || !r->user_ctx) {
        *err = GetLastError() ? GetLastError() : ERROR_NOT_ENOUGH_MEMORY;
        return FALSE;
    }
    return TRUE;
}

void wevt_reader_reset_session(wevt_reader *r, EVT_HANDLE session)
{
    free_publishers(r);
    r->session = session;
    r->last_pub = 0;
}

void wevt_reader_close(wevt_reader *r)
{
    if (!r->api)
        return;
    free_publishers(r);
    if (r->sys_ctx)
        r->api->Close(r->sys_ctx);
    if (r->user_ctx)
        r->api->Close(r->user_ctx);
    r->sys_ctx = r->user_ctx = NULL;
    free(r->render);
    free(r->urender);
    free(r->fmt);
    free(r->items);
    free(r->offs);
    r->render = r->urender = NULL;
    r->fmt = NULL;
    r->items = NULL;
    r->offs = NULL;
    r->render_cap = r->urender_cap = r->fmt_cap = 0;
    r->items_cap = 0;
    es_buf_free(&r->text);
    es_buf_free(&r->msg);
}
