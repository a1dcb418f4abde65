/* The details of one event of a server, read again through the Event Log API (see fetch.h):
 * a session opened as the sweep opens it, the sweep's channel queried for that EventRecordID,
 * the event's XML, its message formatted through the publisher's metadata on the server (so the
 * text comes from the server's own resources, as in the sweep), and its data values. Runs on
 * the fetch's thread; every handle it opens is published for fetch_cancel() and closed here. */
#include "fetch.h"
#include "wevt.h"
#include "wevtval.h"
#include "winutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* EvtRender into a growing buffer. Returns 0 or an error code. */
static DWORD render(const wevt_api *api, EVT_HANDLE ctx, EVT_HANDLE ev, DWORD flags, BYTE **buf, DWORD *cap,
                    DWORD *count)
{
    for (int tries = 0; tries < 4; tries++) {
        DWORD used = 0;
        *count = 0;
        if (*buf && api->Render(ctx, ev, flags, *cap, *buf, &used, count))
            return 0;
        DWORD e = *buf ? GetLastError() : ERROR_INSUFFICIENT_BUFFER;
        if (e != ERROR_INSUFFICIENT_BUFFER)
            return e;
        if (!*buf && used == 0)
            used = 4096;
        BYTE *nb = realloc(*buf, used + 64);
        if (!nb)
            return ERROR_NOT_ENOUGH_MEMORY;
        *buf = nb;
        *cap = used + 64;
    }
    return ERROR_INSUFFICIENT_BUFFER;
}

/* The event's message (EvtFormatMessageEvent) as UTF-8, or NULL. */
static char *format_message(const wevt_api *api, EVT_HANDLE meta, EVT_HANDLE ev)
{
    WCHAR *buf = NULL;
    DWORD cap = 0;
    char *text = NULL;
    for (int tries = 0; tries < 4; tries++) {
        DWORD used = 0;
        BOOL ok = api->FormatMessage(meta, ev, 0, 0, NULL, EvtFormatMessageEvent, cap, buf, &used);
        DWORD e = ok ? 0 : GetLastError();
        /* inserts that could not be resolved still leave a readable message, as in the sweep */
        if (ok || ((e == ERROR_EVT_UNRESOLVED_VALUE_INSERT || e == ERROR_EVT_UNRESOLVED_PARAMETER_INSERT ||
                    e == ERROR_EVT_MAX_INSERTS_REACHED) && cap > 0 && used > 0 && used <= cap)) {
            if (buf && buf[0])
                text = wu_utf8(buf);
            break;
        }
        if (e != ERROR_INSUFFICIENT_BUFFER)
            break;
        WCHAR *nb = realloc(buf, ((size_t)used + 16) * sizeof(WCHAR));
        if (!nb)
            break;
        buf = nb;
        cap = used + 16;
    }
    free(buf);
    return text;
}

/* Appends s[0, n) with the five XML entities undone. */
static void unescape(es_buf *b, const char *s, size_t n)
{
    static const struct { const char *ent; size_t len; char c; } k[] = {
        {"&lt;", 4, '<'}, {"&gt;", 4, '>'}, {"&amp;", 5, '&'}, {"&quot;", 6, '"'}, {"&apos;", 6, '\''}};
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '&')
            for (size_t e = 0; e < sizeof k / sizeof k[0]; e++)
                if (i + k[e].len <= n && memcmp(s + i, k[e].ent, k[e].len) == 0) {
                    c = k[e].c;
                    i += k[e].len - 1;
                    break;
                }
        es_buf_putc(b, c);
    }
}

/* The names of the data values, in the order EvtRenderContextUser gives the values: each
 * EventData/Data's Name (or ""), or the name of each leaf element inside UserData. Written to
 * names as NUL-terminated strings; returns how many. Only the rendered XML has them: the
 * values a render context returns carry no names. */
static size_t data_names(const char *xml, es_buf *names)
{
    size_t n = 0;
    const char *sec = strstr(xml, "<EventData");
    if (sec) {
        const char *end = strstr(sec, "</EventData>");
        if (!end)
            end = sec + strlen(sec);
        for (const char *p = sec + 10; (p = strstr(p, "<Data")) != NULL && p < end; p += 5) {
            if (p[5] != ' ' && p[5] != '>' && p[5] != '/')
                continue; /* <DataItem> and the like */
            const char *gt = strchr(p, '>');
            const char *nm = strstr(p, " Name=");
            if (gt && nm && nm < gt && (nm[6] == '\'' || nm[6] == '"')) {
                const char *q = strchr(nm + 7, nm[6]);
                if (q && q < gt)
                    unescape(names, nm + 7, (size_t)(q - nm - 7));
            }
            es_buf_putc(names, 0);
            n++;
        }
        return n;
    }
    sec = strstr(xml, "<UserData>");
    if (!sec)
        return 0;
    const char *end = strstr(sec, "</UserData>");
    if (!end)
        end = sec + strlen(sec);
    for (const char *p = sec + 10; (p = strchr(p, '<')) != NULL && p < end; p++) {
        if (p[1] == '/' || p[1] == '?' || p[1] == '!')
            continue;
        const char *gt = strchr(p, '>');
        if (!gt)
            break;
        size_t l = strcspn(p + 1, " \t\r\n/>");
        const char *next = strchr(gt + 1, '<');
        if (gt[-1] == '/' || (next && next[1] == '/')) { /* empty, or text only: a leaf */
            es_buf_append(names, p + 1, l);
            es_buf_putc(names, 0);
            n++;
        }
    }
    return n;
}

static const WCHAR *var_str(const EVT_VARIANT *v)
{
    return (v->Type & EVT_VARIANT_TYPE_MASK) == EvtVarTypeString && v->StringVal ? v->StringVal : NULL;
}

void fetch_server(fetch_job *j)
{
    DWORD err = 0, count = 0, got = 0;
    const wevt_api *api = wevt_load(&err);
    if (!api) {
        j->error = err;
        return;
    }
    EVT_HANDLE session = NULL, query = NULL, ev = NULL, meta = NULL, sys = NULL, user = NULL;
    BYTE *buf = NULL;
    DWORD cap = 0;
    es_buf names, value;
    es_buf_init(&names);
    es_buf_init(&value);

    if (!wevt_open_session(api, j->path, j->kind, j->account, &session, &err))
        goto done;
    fetch_publish(j, api, session, NULL, NULL);
    if (j->cancelled) {
        err = ERROR_CANCELLED;
        goto done;
    }
    WCHAR xpath[64];
    swprintf(xpath, 64, L"*[System[EventRecordID=%llu]]", (unsigned long long)j->record_id);
    query = api->Query(session, j->channel, xpath, EvtQueryChannelPath | EvtQueryForwardDirection);
    if (!query) {
        err = GetLastError();
        goto done;
    }
    fetch_publish(j, api, session, query, NULL);
    if (!api->Next(query, 1, &ev, INFINITE, 0, &got) || got == 0) {
        err = GetLastError();
        ev = NULL;
        if (err == ERROR_NO_MORE_ITEMS || err == 0) { /* cleared, or rolled over since the sweep */
            j->not_found = TRUE;
            err = 0;
        }
        goto done;
    }
    if ((err = render(api, NULL, ev, EvtRenderEventXml, &buf, &cap, &count)) != 0)
        goto done;
    if (!(j->xml = wu_utf8((const WCHAR *)buf))) {
        err = ERROR_NOT_ENOUGH_MEMORY;
        goto done;
    }
    /* the provider, for its metadata on the server */
    sys = api->CreateRenderContext(0, NULL, EvtRenderContextSystem);
    user = api->CreateRenderContext(0, NULL, EvtRenderContextUser);
    if (!sys || !user) {
        err = GetLastError();
        goto done;
    }
    if ((err = render(api, sys, ev, EvtRenderEventValues, &buf, &cap, &count)) != 0)
        goto done;
    const WCHAR *provider = count > EvtSystemProviderName ? var_str(&((EVT_VARIANT *)buf)[EvtSystemProviderName]) : NULL;
    if (provider)
        meta = api->OpenPublisherMetadata(session, provider, NULL, 0, 0);
    if (j->cancelled) {
        err = ERROR_CANCELLED;
        goto done;
    }
    /* Without metadata on the server (a forwarding collector) the event's own RenderingInfo. */
    j->message = meta ? format_message(api, meta, ev) : NULL;
    if (!j->message)
        j->message = format_message(api, NULL, ev);

    if ((err = render(api, user, ev, EvtRenderEventValues, &buf, &cap, &count)) != 0)
        goto done;
    size_t nnames = data_names(j->xml, &names);
    const char *nm = names.data;
    for (DWORD i = 0; i < count; i++) {
        es_buf_clear(&value);
        wevt_append_variant(&value, &((EVT_VARIANT *)buf)[i]);
        const char *name = i < nnames && nm ? nm : "";
        fetch_add_item(j, name, strlen(name), value.data ? value.data : "", value.len);
        if (i < nnames && nm)
            nm += strlen(nm) + 1;
    }
    if (names.failed || value.failed)
        err = ERROR_NOT_ENOUGH_MEMORY;

done:
    if (err && j->cancelled)
        err = ERROR_CANCELLED;
    j->error = err;
    fetch_publish(j, NULL, NULL, NULL, NULL);
    /* closing a remote handle is a call to the server too: this thread, not the UI, waits */
    if (meta)
        api->Close(meta);
    if (sys)
        api->Close(sys);
    if (user)
        api->Close(user);
    if (ev)
        api->Close(ev);
    if (query)
        api->Close(query);
    if (session)
        api->Close(session);
    free(buf);
    es_buf_free(&names);
    es_buf_free(&value);
}
