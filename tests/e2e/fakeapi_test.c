/* fakeapi_test: checks the SIMULATED FLEET (the test-only wevtapi.dll) against the documented
 * Windows Event Log API behaviour, under Wine. Built and run by tests/e2e/t_fake_api.sh, which
 * writes the fleet file this test expects (see FLEET in that script).
 *
 * The DLL is loaded exactly as EventSweep loads it: LoadLibraryExW(L"wevtapi.dll", NULL,
 * LOAD_LIBRARY_SEARCH_SYSTEM32), so a pass also proves the install into system32 works.
 * Prints "PASS name" / "FAIL name: why"; exits 1 when anything failed. */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winevt.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetgen.h"

#define API(n) static __typeof__(n) *p##n;
API(EvtOpenSession) API(EvtQuery) API(EvtNext) API(EvtRender) API(EvtCreateRenderContext) API(EvtFormatMessage)
API(EvtOpenPublisherMetadata) API(EvtCancel) API(EvtClose) API(EvtGetExtendedStatus) API(EvtSeek)
API(EvtOpenEventMetadataEnum) API(EvtNextEventMetadata) API(EvtGetEventMetadataProperty)
API(EvtOpenLog) API(EvtGetLogInfo) API(EvtClearLog)

static int g_fail;
#define PASS(name) printf("PASS %s\n", name)
static void failf(const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL %s: ", name);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    g_fail++;
}
#define CHECK(name, cond, ...) do { if (cond) PASS(name); else failf(name, __VA_ARGS__); } while (0)

static const uint64_t WINDOW_MS = 8ull * 3600000ull;
static const WCHAR *const XPATH8 = L"*[System[TimeCreated[timediff(@SystemTime) <= 28800000]]]";

static EVT_HANDLE session(const WCHAR *server)
{
    EVT_RPC_LOGIN l = {(LPWSTR)server, NULL, NULL, NULL, EvtRpcLoginAuthDefault};
    return pEvtOpenSession(EvtRpcLogin, &l, 0, 0);
}

static uint64_t now_ticks(void)
{
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    return ((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
}

static void utf8(const WCHAR *w, char *out, int cap)
{
    if (!WideCharToMultiByte(CP_UTF8, 0, w, -1, out, cap, NULL, NULL))
        out[0] = 0;
}

/* Renders the system properties into a malloc'ed buffer using the documented two-call protocol. */
static EVT_VARIANT *render(EVT_HANDLE ctx, EVT_HANDLE ev, DWORD *count, DWORD *first_err, DWORD *first_used)
{
    DWORD used = 0, n = 0;
    BOOL ok = pEvtRender(ctx, ev, EvtRenderEventValues, 0, NULL, &used, &n);
    if (first_err)
        *first_err = ok ? 0 : GetLastError();
    if (first_used)
        *first_used = used;
    if (ok && used == 0) {
        *count = n;
        return calloc(1, 16);
    }
    if (ok || GetLastError() != ERROR_INSUFFICIENT_BUFFER)
        return NULL;
    EVT_VARIANT *buf = malloc(used);
    if (!pEvtRender(ctx, ev, EvtRenderEventValues, used, buf, &used, &n)) {
        free(buf);
        return NULL;
    }
    *count = n;
    return buf;
}

typedef struct drain {
    uint64_t count, first_id, last_id;
    int ascending, partial_batches, batches;
    DWORD end_error;
    uint64_t ids_in_client_window;   /* events whose TimeCreated is inside the window (client view) */
} drain;

static void drain_all(EVT_HANDLE q, EVT_HANDLE sysctx, drain *d, DWORD ask)
{
    memset(d, 0, sizeof *d);
    d->ascending = 1;
    uint64_t now = now_ticks(), wstart = now - WINDOW_MS * 10000ull;
    EVT_HANDLE h[256];
    for (;;) {
        DWORD got = 0;
        if (!pEvtNext(q, ask, h, INFINITE, 0, &got)) {
            d->end_error = GetLastError();
            break;
        }
        d->batches++;
        if (got < ask)
            d->partial_batches++;
        for (DWORD i = 0; i < got; i++) {
            DWORD n;
            EVT_VARIANT *v = render(sysctx, h[i], &n, NULL, NULL);
            if (v && n == EvtSystemPropertyIdEND) {
                uint64_t id = v[EvtSystemEventRecordId].UInt64Val;
                if (d->count && id <= d->last_id)
                    d->ascending = 0;
                if (!d->count)
                    d->first_id = id;
                d->last_id = id;
                if (v[EvtSystemTimeCreated].FileTimeVal >= wstart)
                    d->ids_in_client_window++;
            } else {
                d->ascending = 0;
            }
            free(v);
            d->count++;
            pEvtClose(h[i]);
        }
    }
}

typedef struct next_arg { EVT_HANDLE q; DWORD err; DWORD ms; } next_arg;
static DWORD WINAPI next_thread(void *p)
{
    next_arg *a = p;
    EVT_HANDLE h[10];
    DWORD got, t0 = GetTickCount();
    if (!pEvtNext(a->q, 10, h, INFINITE, 0, &got))
        a->err = GetLastError();
    else
        a->err = 0;
    a->ms = GetTickCount() - t0;
    return 0;
}
typedef struct query_arg { EVT_HANDLE s; EVT_HANDLE q; DWORD err; } query_arg;
static DWORD WINAPI query_thread(void *p)
{
    query_arg *a = p;
    a->q = pEvtQuery(a->s, L"System", XPATH8, EvtQueryChannelPath | EvtQueryForwardDirection);
    a->err = a->q ? 0 : GetLastError();
    return 0;
}

static DWORD WINAPI openlog_thread(void *p)
{
    query_arg *a = p;
    a->q = pEvtOpenLog(a->s, L"System", EvtOpenChannelPath);
    a->err = a->q ? 0 : GetLastError();
    return 0;
}

static DWORD query_error(const WCHAR *server, const WCHAR *channel, const WCHAR *xpath, DWORD *ms)
{
    EVT_HANDLE s = session(server);
    DWORD t0 = GetTickCount();
    EVT_HANDLE q = pEvtQuery(s, channel, xpath, EvtQueryChannelPath | EvtQueryForwardDirection);
    DWORD err = q ? 0 : GetLastError();
    if (ms)
        *ms = GetTickCount() - t0;
    if (q)
        pEvtClose(q);
    pEvtClose(s);
    return err;
}

static DWORD WINAPI par_thread(void *p)
{
    WCHAR name[32];
    swprintf(name, 32, L"par%02d", (int)(intptr_t)p);
    EVT_HANDLE s = session(name);
    EVT_HANDLE q = pEvtQuery(s, L"System", XPATH8, EvtQueryChannelPath | EvtQueryForwardDirection);
    if (q) {
        EVT_HANDLE h[16];
        DWORD got;
        while (pEvtNext(q, 16, h, INFINITE, 0, &got))
            for (DWORD i = 0; i < got; i++)
                pEvtClose(h[i]);
        pEvtClose(q);
    }
    pEvtClose(s);
    return q ? 0 : 1;
}


/* ------------------------------------------------------------------ local publisher metadata
 * The path a reader of saved .evtx files takes (see tests/fake/README): publisher metadata of
 * this computer (NULL session), the event metadata enumeration (event id, version) -> message
 * id, classic sources' (Qualifiers << 16) | EventID, and EvtFormatMessageId with caller Values. */

static DWORD meta_u32(EVT_HANDLE em, EVT_EVENT_METADATA_PROPERTY_ID id, uint32_t *out, DWORD *type)
{
    EVT_VARIANT v;
    DWORD used = 0;
    if (!pEvtGetEventMetadataProperty(em, id, 0, sizeof v, &v, &used))
        return GetLastError();
    *type = v.Type;
    *out = v.Type == EvtVarTypeUInt32 ? v.UInt32Val : 0xDEADBEEFu;
    return 0;
}

/* Formats through the API exactly as the saved-log contract says; 1 when formatted (out has
 * the text), 0 when any step failed (out has the fallback: non-empty values joined by "; "). */
static int local_format(const char *provider, uint32_t id, unsigned version, unsigned qualifiers, const char *const *vals,
                        int nv, char *out, size_t cap, char *why, size_t whycap)
{
    WCHAR wprov[256];
    MultiByteToWideChar(CP_UTF8, 0, provider, -1, wprov, 256);
    int done = 0;
    EVT_HANDLE meta = pEvtOpenPublisherMetadata(NULL, wprov, NULL, 0, 0);
    EVT_VARIANT v[FG_MAX_DATA];
    WCHAR *wv[FG_MAX_DATA] = {0};
    out[0] = 0;
    if (meta) {
        uint32_t msgid = ((uint32_t)qualifiers << 16) | id;
        EVT_HANDLE en = pEvtOpenEventMetadataEnum(meta, 0);
        int nevents = 0, found = 0;
        if (en) {
            EVT_HANDLE em;
            while ((em = pEvtNextEventMetadata(en, 0)) != NULL) {
                uint32_t eid = 0, ever = 0, emsg = 0;
                DWORD t1 = 0, t2 = 0, t3 = 0;
                nevents++;
                if (!meta_u32(em, EventMetadataEventID, &eid, &t1) && !meta_u32(em, EventMetadataEventVersion, &ever, &t2) &&
                    !meta_u32(em, EventMetadataEventMessageID, &emsg, &t3) && eid == id && ever == version && !found) {
                    msgid = emsg;
                    found = 1;
                }
                pEvtClose(em);
            }
            if (GetLastError() != ERROR_NO_MORE_ITEMS)
                snprintf(why, whycap, "EvtNextEventMetadata ended with %lu", GetLastError());
            pEvtClose(en);
        }
        if (nevents == 0 || found) {
            for (int i = 0; i < nv; i++) {
                int n = MultiByteToWideChar(CP_UTF8, 0, vals[i], -1, NULL, 0);
                wv[i] = malloc((size_t)n * sizeof(WCHAR));
                MultiByteToWideChar(CP_UTF8, 0, vals[i], -1, wv[i], n);
                memset(&v[i], 0, sizeof v[i]);
                v[i].Type = EvtVarTypeString;
                v[i].StringVal = wv[i];
            }
            DWORD used = 0;
            WCHAR small[2];
            if (pEvtFormatMessage(meta, NULL, msgid, (DWORD)nv, nv ? v : NULL, EvtFormatMessageId, 2, small, &used)) {
                WideCharToMultiByte(CP_UTF8, 0, small, -1, out, (int)cap, NULL, NULL);
                done = used <= 2;
            } else if (GetLastError() == ERROR_INSUFFICIENT_BUFFER) {
                WCHAR *b = malloc(used * sizeof(WCHAR));
                DWORD used2 = 0;
                if (pEvtFormatMessage(meta, NULL, msgid, (DWORD)nv, nv ? v : NULL, EvtFormatMessageId, used, b, &used2) &&
                    used2 == used && b[used - 1] == 0) {
                    WideCharToMultiByte(CP_UTF8, 0, b, -1, out, (int)cap, NULL, NULL);
                    done = 1;
                }
                free(b);
            }
            for (int i = 0; i < nv; i++)
                free(wv[i]);
        }
        pEvtClose(meta);
    }
    if (!done) {
        size_t n = 0;
        for (int i = 0; i < nv; i++) {
            if (!vals[i][0])
                continue;
            n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, "%s%s", n ? "; " : "", vals[i]);
        }
    }
    return done;
}

static void check_local_metadata(void)
{
    /* ---- opening: NULL session = this computer */
    EVT_HANDLE scm = pEvtOpenPublisherMetadata(NULL, L"Service Control Manager", NULL, 0, 0);
    EVT_HANDLE kg = pEvtOpenPublisherMetadata(NULL, L"Microsoft-Windows-Kernel-General", NULL, 0, 0);
    EVT_HANDLE el = pEvtOpenPublisherMetadata(NULL, L"eventlog", NULL, 0, 0);   /* names are case-insensitive */
    CHECK("local-metadata-open", scm && kg && el, "scm %p kg %p eventlog %p (err %lu)", scm, kg, el, GetLastError());
    EVT_HANDLE lg = pEvtOpenPublisherMetadata(NULL, L"Legacy App", NULL, 0, 0);
    DWORD e1 = lg ? 0 : GetLastError();
    EVT_HANDLE un = pEvtOpenPublisherMetadata(NULL, L"No-Such-Provider", NULL, 0, 0);
    DWORD e2 = un ? 0 : GetLastError();
    CHECK("local-metadata-missing", !lg && e1 == ERROR_FILE_NOT_FOUND && !un && e2 == ERROR_FILE_NOT_FOUND,
          "Legacy App: %p err %lu; unknown: %p err %lu", lg, e1, un, e2);
    EVT_HANDLE sd = session(L"deny1");
    EVT_HANDLE dm = pEvtOpenPublisherMetadata(sd, L"Service Control Manager", NULL, 0, 0);
    DWORD e3 = dm ? 0 : GetLastError();
    CHECK("remote-metadata-denied", !dm && e3 == ERROR_ACCESS_DENIED, "deny1 session: %p err %lu", dm, e3);
    pEvtClose(sd);
    if (!scm || !kg || !el)
        return;

    /* ---- enumeration: manifest providers list their events, the classic SCM none */
    static const struct { const WCHAR *name; int prov; } provs[] = {
        {L"Microsoft-Windows-Kernel-General", FG_PROV_KERNEL_GENERAL}, {L"EventLog", FG_PROV_EVENTLOG}, {L"Service Control Manager", FG_PROV_SCM}};
    EVT_HANDLE metas[3] = {kg, el, scm};
    int enum_ok = 1, props_ok = 1, distinct_ok = 1;
    char why[512] = "";
    for (int p = 0; p < 3; p++) {
        const fg_event_meta *want;
        int nwant = fleetgen_event_metadata(provs[p].prov, &want);
        EVT_HANDLE en = pEvtOpenEventMetadataEnum(metas[p], 0);
        if (!en) {
            enum_ok = 0;
            snprintf(why, sizeof why, "EvtOpenEventMetadataEnum(%ls) failed %lu", provs[p].name, GetLastError());
            continue;
        }
        int n = 0;
        EVT_HANDLE em;
        while ((em = pEvtNextEventMetadata(en, 0)) != NULL) {
            if (n < nwant) {
                const fg_event_meta *w = &want[n];
                uint32_t id, ver, msg, lvl, task, op, ch;
                DWORD t[7];
                DWORD r = meta_u32(em, EventMetadataEventID, &id, &t[0]) | meta_u32(em, EventMetadataEventVersion, &ver, &t[1]) |
                          meta_u32(em, EventMetadataEventMessageID, &msg, &t[2]) | meta_u32(em, EventMetadataEventLevel, &lvl, &t[3]) |
                          meta_u32(em, EventMetadataEventTask, &task, &t[4]) | meta_u32(em, EventMetadataEventOpcode, &op, &t[5]) |
                          meta_u32(em, EventMetadataEventChannel, &ch, &t[6]);
                int types = 1;
                for (int i = 0; i < 7; i++)
                    types &= t[i] == EvtVarTypeUInt32;
                EVT_VARIANT kw;
                DWORD used = 0;
                BOOL kr = pEvtGetEventMetadataProperty(em, EventMetadataEventKeyword, 0, sizeof kw, &kw, &used);
                if (r || !types || id != w->event_id || ver != w->version || msg != w->message_id || lvl != w->level ||
                    task != w->task || op != w->opcode || ch != w->channel || !kr || kw.Type != EvtVarTypeHexInt64 ||
                    kw.UInt64Val != w->keywords) {
                    if (props_ok)
                        snprintf(why, sizeof why, "%ls event #%d: err %lu types %d id %u v%u msg 0x%08x lvl %u task %u op %u kw %d",
                                 provs[p].name, n, r, types, id, ver, msg, lvl, task, op, kr);
                    props_ok = 0;
                }
                /* the template: a string after the variant, in the caller's buffer */
                used = 0;
                BOOL tr = pEvtGetEventMetadataProperty(em, EventMetadataEventTemplate, 0, sizeof kw, &kw, &used);
                DWORD te = GetLastError();
                if (w->template_xml) {
                    EVT_VARIANT *tb = malloc(used ? used : 1);
                    DWORD used2 = 0;
                    char t8[2048] = "";
                    BOOL tr2 = !tr && te == ERROR_INSUFFICIENT_BUFFER && used > sizeof(EVT_VARIANT) &&
                               pEvtGetEventMetadataProperty(em, EventMetadataEventTemplate, 0, used, tb, &used2);
                    if (tr2 && tb->Type == EvtVarTypeString && (const BYTE *)tb->StringVal >= (const BYTE *)(tb + 1) &&
                        (const BYTE *)tb->StringVal < (const BYTE *)tb + used)
                        utf8(tb->StringVal, t8, sizeof t8);
                    if (!tr2 || strcmp(t8, w->template_xml)) {
                        if (props_ok)
                            snprintf(why, sizeof why, "%ls event %u template: first call %d err %lu used %lu; got \"%.60s\"", provs[p].name,
                                     w->event_id, tr, te, used, t8);
                        props_ok = 0;
                    }
                    free(tb);
                } else if (!tr || kw.Type != EvtVarTypeNull) {
                    if (props_ok)
                        snprintf(why, sizeof why, "%ls event %u has no template: %d type %lu", provs[p].name, w->event_id, tr, kw.Type);
                    props_ok = 0;
                }
                /* message ids are never event ids or classic ids: a wrong mapping must show */
                if (w->message_id != FG_NO_MESSAGE &&
                    (w->message_id == w->event_id || (w->message_id & 0xFFFF) == w->event_id || w->message_id < 0x10000))
                    distinct_ok = 0;
            }
            n++;
            pEvtClose(em);
        }
        DWORD end = GetLastError();
        EVT_HANDLE again = pEvtNextEventMetadata(en, 0);
        DWORD end2 = again ? 0 : GetLastError();
        if (again)
            pEvtClose(again);
        if (n != nwant || end != ERROR_NO_MORE_ITEMS || again || end2 != ERROR_NO_MORE_ITEMS) {
            if (enum_ok)
                snprintf(why, sizeof why, "%ls: %d events (want %d), end %lu, again %lu", provs[p].name, n, nwant, end, end2);
            enum_ok = 0;
        }
        pEvtClose(en);
    }
    CHECK("event-metadata-enum", enum_ok, "%s", why);
    CHECK("event-metadata-properties", props_ok, "%s", why);
    CHECK("message-ids-distinct", distinct_ok, "a message id equals an event id");
    const fg_event_meta *tmp;
    CHECK("classic-provider-no-events", fleetgen_event_metadata(FG_PROV_SCM, &tmp) == 0, "SCM lists events");

    /* ---- EvtGetEventMetadataProperty: the buffer protocol and bad arguments */
    EVT_HANDLE en = pEvtOpenEventMetadataEnum(kg, 0);
    EVT_HANDLE em = en ? pEvtNextEventMetadata(en, 0) : NULL;
    if (em) {
        DWORD used = 0;
        BOOL r0 = pEvtGetEventMetadataProperty(em, EventMetadataEventMessageID, 0, 0, NULL, &used);
        DWORD er0 = GetLastError();
        EVT_VARIANT v;
        DWORD used1 = 0;
        BOOL r1 = pEvtGetEventMetadataProperty(em, EventMetadataEventMessageID, 0, sizeof v - 1, &v, &used1);
        DWORD er1 = GetLastError();
        CHECK("event-metadata-insufficient-buffer", !r0 && er0 == ERROR_INSUFFICIENT_BUFFER && used == sizeof(EVT_VARIANT) && !r1 &&
              er1 == ERROR_INSUFFICIENT_BUFFER && used1 == sizeof(EVT_VARIANT), "size 0: %d err %lu used %lu; size-1: %d err %lu used %lu",
              r0, er0, used, r1, er1, used1);
        BOOL r2 = pEvtGetEventMetadataProperty(em, EventMetadataEventMessageID, 1, sizeof v, &v, &used);
        DWORD er2 = GetLastError();
        BOOL r3 = pEvtGetEventMetadataProperty(en, EventMetadataEventMessageID, 0, sizeof v, &v, &used);
        DWORD er3 = GetLastError();
        EVT_HANDLE r4 = pEvtNextEventMetadata(kg, 0);
        DWORD er4 = GetLastError();
        EVT_HANDLE r5 = pEvtOpenEventMetadataEnum(em, 0);
        DWORD er5 = GetLastError();
        CHECK("event-metadata-bad-arguments", !r2 && er2 == ERROR_INVALID_PARAMETER && !r3 && er3 == ERROR_INVALID_HANDLE && !r4 &&
              er4 == ERROR_INVALID_HANDLE && !r5 && er5 == ERROR_INVALID_HANDLE,
              "flags 1: %lu; enum as event: %lu; meta as enum: %lu; event as meta: %lu", er2, er3, er4, er5);
        pEvtClose(em);
    } else {
        failf("event-metadata-insufficient-buffer", "no event metadata from Kernel-General: %lu", GetLastError());
    }
    if (en)
        pEvtClose(en);

    /* ---- EvtFormatMessageId with caller Values */
    static const struct {
        int prov; uint32_t id; unsigned ver, qual; int nv; const char *v[5]; const char *want; DWORD err;
    } cases[] = {
        {FG_PROV_KERNEL_GENERAL, 1, 2, 0, 2, {"2031-01-01T00:00:01Z", "2031-01-01T00:01:01Z"},
         "The system time has changed to 2031-01-01T00:00:01Z from 2031-01-01T00:01:01Z.", 0},
        {FG_PROV_KERNEL_GENERAL, 1, 0, 0, 2, {"NEW", "OLD"}, "The system time was changed from OLD to NEW.", 0},
        {FG_PROV_KERNEL_GENERAL, 12, 0, 0, 1, {"T0"}, "The system started at T0 (an early version of this event).", 0},
        {FG_PROV_KERNEL_GENERAL, 12, 1, 0, 1, {"T1"}, "The operating system started at system time T1.", 0},
        {FG_PROV_KERNEL_GENERAL, 16, 1, 0, 3, {"\\REGISTRY\\A", "17", "4"},
         "The access history in hive \\REGISTRY\\A was cleared updating 17 keys and creating 4 modified pages.", 0},
        {FG_PROV_KERNEL_GENERAL, 99, 0, 0, 1, {"x"}, NULL, 0},   /* not in the manifest */
        {FG_PROV_EVENTLOG, 6013, 0, 32768, 5, {"", "", "", "", "86400"}, "The system uptime is 86400 seconds.", 0},
        {FG_PROV_EVENTLOG, 6005, 0, 32768, 0, {""}, "The Event log service was started.", 0},
        {FG_PROV_EVENTLOG, 6100, 0, 32768, 2, {"a", "b"}, NULL, 0},   /* no message */
        {FG_PROV_SCM, 7036, 0, 16384, 2, {"Print Spooler", "running"}, "The Print Spooler service entered the running state.", 0},
        {FG_PROV_SCM, 7000, 0, 49152, 2, {"Svc", "The service did not start."},
         "The Svc service failed to start due to the following error: \r\nThe service did not start.", 0},
        {FG_PROV_SCM, 7036, 0, 0, 2, {"Print Spooler", "running"}, NULL, 0},   /* qualifiers matter */
        {FG_PROV_SCM, 7034, 0, 49152, 2, {"\xC3\x9Cn\xC3\xAF" "c\xC3\xB8" "d\xC3\xA9 \xF0\x9F\x98\x80", "3"},
         "The \xC3\x9Cn\xC3\xAF" "c\xC3\xB8" "d\xC3\xA9 \xF0\x9F\x98\x80 service terminated unexpectedly.  It has done this 3 time(s).", 0},
    };
    int fmt_ok = 1;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[2048], w2[256] = "";
        int done = local_format(fleetgen_provider_name(cases[i].prov), cases[i].id, cases[i].ver, cases[i].qual, cases[i].v,
                                cases[i].nv, out, sizeof out, w2, sizeof w2);
        char exp[2048];
        fleetgen_expected_file_message(fleetgen_provider_name(cases[i].prov), cases[i].id, cases[i].ver, cases[i].qual, cases[i].v,
                                       cases[i].nv, exp, sizeof exp);
        int ok = cases[i].want ? done && !strcmp(out, cases[i].want) : !done;
        if (!ok || strcmp(out, exp) || w2[0]) {
            if (fmt_ok)
                snprintf(why, sizeof why, "case %u (%s %u v%u): formatted=%d \"%s\", want \"%s\", fleetgen says \"%s\" %s", (unsigned)i,
                         fleetgen_provider_name(cases[i].prov), cases[i].id, cases[i].ver, done, out, cases[i].want ? cases[i].want : "(fail)",
                         exp, w2);
            fmt_ok = 0;
        }
    }
    CHECK("format-message-id", fmt_ok, "%s", why);

    /* message ids are the provider's own; unknown ids fail ERROR_EVT_MESSAGE_ID_NOT_FOUND */
    WCHAR b[512];
    DWORD used = 0;
    EVT_VARIANT one;
    memset(&one, 0, sizeof one);
    one.Type = EvtVarTypeString;
    one.StringVal = L"x";
    BOOL w1 = pEvtFormatMessage(scm, NULL, 0x5000002Bu, 1, &one, EvtFormatMessageId, 512, b, &used);
    DWORD we1 = GetLastError();
    BOOL w2 = pEvtFormatMessage(kg, NULL, 1, 1, &one, EvtFormatMessageId, 512, b, &used);
    DWORD we2 = GetLastError();
    BOOL w3 = pEvtFormatMessage(el, NULL, FG_NO_MESSAGE, 0, NULL, EvtFormatMessageId, 512, b, &used);
    DWORD we3 = GetLastError();
    BOOL w4 = pEvtFormatMessage(kg, NULL, 0x5000002Bu, 2, NULL, EvtFormatMessageId, 512, b, &used);
    DWORD we4 = GetLastError();
    CHECK("format-message-id-not-found", !w1 && we1 == ERROR_EVT_MESSAGE_ID_NOT_FOUND && !w2 && we2 == ERROR_EVT_MESSAGE_ID_NOT_FOUND &&
          !w3 && we3 == ERROR_EVT_MESSAGE_ID_NOT_FOUND && !w4 && we4 == ERROR_INVALID_PARAMETER,
          "other provider's id: %d/%lu; an event id: %d/%lu; FG_NO_MESSAGE: %d/%lu; Values NULL with a count: %d/%lu", w1, we1, w2, we2,
          w3, we3, w4, we4);
    /* no Values: the inserts stay as written */
    BOOL w5 = pEvtFormatMessage(kg, NULL, 0x5000002Bu, 0, NULL, EvtFormatMessageId, 512, b, &used);
    char b8[512];
    utf8(b, b8, sizeof b8);
    CHECK("format-message-id-no-values", w5 && !strcmp(b8, "The system time has changed to %1 from %2.") && used == strlen(b8) + 1,
          "%d \"%s\" used %lu", w5, b8, used);
    /* a number as an insert value */
    EVT_VARIANT nums[5];
    memset(nums, 0, sizeof nums);
    for (int i = 0; i < 4; i++)
        nums[i].Type = EvtVarTypeNull;
    nums[4].Type = EvtVarTypeUInt32;
    nums[4].UInt32Val = 4242;
    BOOL w6 = pEvtFormatMessage(el, NULL, 0x30000012u, 5, nums, EvtFormatMessageId, 512, b, &used);
    utf8(b, b8, sizeof b8);
    CHECK("format-message-id-number-value", w6 && !strcmp(b8, "The system uptime is 4242 seconds."), "%d \"%s\"", w6, b8);

    /* ---- every event of ok1 formatted the saved-log way reads as the server formats it */
    int same_ok = 1, nformatted = 0, nfallback = 0;
    for (uint64_t k = 1; k <= 500; k++) {
        fg_event e;
        fg_spread ok1_sp = fleetgen_spread(500, 24);
        fleetgen_event("ok1", 7, &ok1_sp, k, &e);
        char out[8192], want[8192], w2b[256] = "";
        int done = local_format(e.provider_name, e.event_id, e.version, e.qualifiers, e.data, e.ndata, out, sizeof out, w2b, sizeof w2b);
        fleetgen_expected_message(&e, want, sizeof want);
        done ? nformatted++ : nfallback++;
        if (strcmp(out, want)) {
            if (same_ok)
                snprintf(why, sizeof why, "record %llu (%s %u v%u): saved-log message \"%.100s\", server message \"%.100s\"",
                         (unsigned long long)k, e.provider_name, e.event_id, e.version, out, want);
            same_ok = 0;
        }
    }
    CHECK("local-format-matches-server-format", same_ok && nformatted > 100 && nfallback > 20, "%s (formatted %d, fallback %d)", why,
          nformatted, nfallback);

    pEvtClose(scm);
    pEvtClose(kg);
    pEvtClose(el);
}


/* ------------------------------------------------------------------ clock=load, edge=H, stuck
 * The fleet lines (tests/e2e/t_fake_api.sh):
 *   clk    clock=load events=100 span=10
 *   edg    edge=8 events=20 clock=load                (step 1000: ages 8 h + 9.5 s .. 8 h - 9.5 s)
 *   edgs   edge=2 step=2000 events=11 clock=load      (odd count: records 6..11 are younger)
 *   edgq   edge=8 events=20                           (clock=query)
 *   stk    stuck=25 events=100 span=10                (run: fakeapi_test.exe stuck)
 *   stkf   stuckformat=3 events=40 span=10            (run: fakeapi_test.exe stuck) */

static uint64_t g_load_lo, g_load_hi;   /* FILETIME ticks just before and just after LoadLibraryExW */

/* The edge formula, written out independently of fleetgen.c. */
static uint64_t edge_age(uint64_t hours, uint64_t step, uint64_t events, uint64_t k)
{
    return (uint64_t)((int64_t)(hours * 3600000ull) + ((int64_t)(events / 2) - (int64_t)k) * (int64_t)step + (int64_t)(step / 2));
}

static void iso_ms(uint64_t ticks, WCHAR *out, size_t cap)
{
    FILETIME ft = {(DWORD)ticks, (DWORD)(ticks >> 32)};
    SYSTEMTIME st;
    FileTimeToSystemTime(&ft, &st);
    swprintf(out, cap, L"%04u-%02u-%02uT%02u:%02u:%02u.%03uZ", st.wYear, st.wMonth, st.wDay, st.wHour, st.wMinute, st.wSecond,
             st.wMilliseconds);
}

/* Every event of a query: record ids and TimeCreated, in order; the count, or -1 when EvtQuery
 * failed (*err). */
typedef struct rec { uint64_t id, tc; } rec;
static int read_all(const WCHAR *server, const WCHAR *xpath, EVT_HANDLE sysctx, rec *out, int cap, DWORD *err)
{
    EVT_HANDLE s = session(server);
    EVT_HANDLE q = pEvtQuery(s, L"System", xpath, EvtQueryChannelPath | EvtQueryForwardDirection);
    *err = q ? 0 : GetLastError();
    int n = 0;
    if (q) {
        EVT_HANDLE h[64];
        DWORD got;
        while (pEvtNext(q, 64, h, INFINITE, 0, &got))
            for (DWORD i = 0; i < got; i++) {
                DWORD c = 0;
                EVT_VARIANT *v = render(sysctx, h[i], &c, NULL, NULL);
                if (v && c == EvtSystemPropertyIdEND && n < cap) {
                    out[n].id = v[EvtSystemEventRecordId].UInt64Val;
                    out[n].tc = v[EvtSystemTimeCreated].FileTimeVal;
                    n++;
                }
                free(v);
                pEvtClose(h[i]);
            }
        if (GetLastError() != ERROR_NO_MORE_ITEMS)
            *err = GetLastError();
        pEvtClose(q);
    }
    pEvtClose(s);
    return q ? n : -1;
}

/* 1 when recs are exactly the records first..last in order */
static int ids_are(const rec *r, int n, uint64_t first, uint64_t last)
{
    if (n != (int)(last >= first ? last - first + 1 : 0))
        return 0;
    for (int i = 0; i < n; i++)
        if (r[i].id != first + (uint64_t)i)
            return 0;
    return 1;
}

static void check_fleet_lines(void)
{
    fleet_server f;
    char e[256];
    int ok = fleet_parse_line("a stuck", &f, e, sizeof e) == 1 && f.stuck && f.stuck_after == 0 &&
             fleet_parse_line("a stuck=25", &f, e, sizeof e) == 1 && f.stuck && f.stuck_after == 25 &&
             fleet_parse_line("a stuckformat=3", &f, e, sizeof e) == 1 && f.stuckformat && f.stuckformat_after == 3 && !f.stuck &&
             fleet_parse_line("a clock=load", &f, e, sizeof e) == 1 && f.clock_load &&
             fleet_parse_line("a clock=query", &f, e, sizeof e) == 1 && !f.clock_load &&
             fleet_parse_line("a edge=8", &f, e, sizeof e) == 1 && f.edge_hours == 8 && f.step_ms == 1000 &&
             fleet_parse_line("a step=250 edge=1 events=10", &f, e, sizeof e) == 1 && f.edge_hours == 1 && f.step_ms == 250 &&
             fleet_parse_line("a clock=later", &f, e, sizeof e) < 0 && fleet_parse_line("a clock", &f, e, sizeof e) < 0 &&
             fleet_parse_line("a step=100", &f, e, sizeof e) < 0 &&            /* step without edge */
             fleet_parse_line("a edge=0", &f, e, sizeof e) < 0 && fleet_parse_line("a edge=1 step=0", &f, e, sizeof e) < 0 &&
             fleet_parse_line("a edge=1 events=8000", &f, e, sizeof e) < 0;  /* records in the future */
    CHECK("fleet-options-parse", ok, "stuck/stuckformat/clock/edge/step lines parse wrongly (last error: %s)", e);
    fg_spread sp = {20, 48, 8, 1000};
    uint64_t mid = fleetgen_first_in_window(&sp, 8 * 3600000ull);
    int ages = 1;
    for (uint64_t k = 1; k <= 20; k++)
        if (fleetgen_age_ms(&sp, k) != edge_age(8, 1000, 20, k))
            ages = 0;
    CHECK("edge-generator", ages && mid == 11 && fleetgen_first_in_window(&sp, 8 * 3600000ull - 501) == 12 &&
          fleetgen_first_in_window(&sp, 8 * 3600000ull + 500) == 10 && fleetgen_first_in_window(&sp, 8 * 3600000ull + 499) == 11,
          "ages %d, first in the 8 h window %llu (want 11)", ages, (unsigned long long)mid);
}

static void wait_until_late(uint64_t ms_after_load)
{
    while (now_ticks() < g_load_hi + ms_after_load * 10000ull)
        Sleep(20);
}

static void check_clock_edge(EVT_HANDLE sysctx)
{
    static rec r[600], r2[600];
    DWORD err = 0, err2 = 0;
    char why[256] = "";
    wait_until_late(1500);   /* every query below comes at least 1.5 s after the load */

    /* clock=load: TimeCreated + age is the load moment, whenever the query comes */
    fg_spread clk_sp = fleetgen_spread(100, 10);
    int n = read_all(L"clk", L"*", sysctx, r, 600, &err);
    Sleep(300);
    int n2 = read_all(L"clk", L"*", sysctx, r2, 600, &err2);
    int ok = n == 100 && n2 == 100 && ids_are(r, n, 1, 100) && !err && !err2;
    for (int i = 0; ok && i < n; i++) {
        uint64_t anchor = r[i].tc + fleetgen_age_ms(&clk_sp, r[i].id) * 10000ull;
        if (anchor < g_load_lo || anchor > g_load_hi || r2[i].tc != r[i].tc) {
            snprintf(why, sizeof why, "record %llu: TimeCreated + age is %.3f s after the load (second query: %s)",
                     (unsigned long long)r[i].id, ((double)anchor - (double)g_load_hi) / 1e7, r2[i].tc == r[i].tc ? "same" : "differs");
            ok = 0;
        }
    }
    CHECK("clock-load-anchor", ok, "n=%d/%d err %lu/%lu %s", n, n2, err, err2, why);

    /* edge=8 clock=load: the last 8 h counted from a sweep start at the load moment, asked in the
     * documented absolute form, is exactly the younger half, although the query comes late */
    WCHAR iso[40], xp[160];
    iso_ms(g_load_hi - 8ull * 3600 * 10000000ull, iso, 40);
    swprintf(xp, 160, L"*[System[TimeCreated[@SystemTime>='%ls']]]", iso);
    n = read_all(L"edg", xp, sysctx, r, 600, &err);
    ok = ids_are(r, n, 11, 20) && !err;
    for (int i = 0; ok && i < n; i++)
        if (r[i].tc + edge_age(8, 1000, 20, r[i].id) * 10000ull < g_load_lo || r[i].tc + edge_age(8, 1000, 20, r[i].id) * 10000ull > g_load_hi)
            ok = 0;
    CHECK("edge-since-sweep-start", ok, "%ls on edg: %d events (first %llu, want 11..20), err %lu", xp, n,
          n > 0 ? (unsigned long long)r[0].id : 0ull, err);

    /* the same with an odd count and step=2000: records 6..11 */
    iso_ms(g_load_hi - 2ull * 3600 * 10000000ull, iso, 40);
    swprintf(xp, 160, L"*[System[TimeCreated[@SystemTime>='%ls']]]", iso);
    n = read_all(L"edgs", xp, sysctx, r, 600, &err);
    ok = ids_are(r, n, 6, 11) && !err;
    for (int i = 0; ok && i < n; i++)
        if (r[i].tc + edge_age(2, 2000, 11, r[i].id) * 10000ull < g_load_lo || r[i].tc + edge_age(2, 2000, 11, r[i].id) * 10000ull > g_load_hi)
            ok = 0;
    CHECK("edge-step-odd-count", ok, "edgs: %d events (first %llu, want 6..11), err %lu", n, n > 0 ? (unsigned long long)r[0].id : 0ull, err);

    /* timediff from the client's own (late) query time loses the oldest of the younger half */
    fg_spread edg_sp = {20, 48, 8, 1000};
    uint64_t t0 = now_ticks();
    n = read_all(L"edg", XPATH8, sysctx, r, 600, &err);
    uint64_t t1 = now_ticks();
    uint64_t late_lo = (t0 - g_load_hi) / 10000, late_hi = (t1 - g_load_lo) / 10000 + 1;
    uint64_t f_lo = fleetgen_first_in_window(&edg_sp, WINDOW_MS - late_lo), f_hi = fleetgen_first_in_window(&edg_sp, WINDOW_MS - late_hi);
    ok = n > 0 && !err && r[0].id > 11 && r[0].id >= f_lo && r[0].id <= f_hi && ids_are(r, n, r[0].id, 20);
    CHECK("edge-timediff-late-query", ok, "timediff 8 h asked %.1f s after the load: %d events from %llu (want from %llu..%llu), err %lu",
          (double)late_lo / 1000, n, n > 0 ? (unsigned long long)r[0].id : 0ull, (unsigned long long)f_lo, (unsigned long long)f_hi, err);

    /* clock=query: the anchor is the query, so timediff selects exactly the younger half */
    t0 = now_ticks();
    n = read_all(L"edgq", XPATH8, sysctx, r, 600, &err);
    t1 = now_ticks();
    ok = ids_are(r, n, 11, 20) && !err;
    for (int i = 0; ok && i < n; i++) {
        uint64_t anchor = r[i].tc + edge_age(8, 1000, 20, r[i].id) * 10000ull;
        if (anchor < t0 || anchor > t1)
            ok = 0;
    }
    CHECK("edge-clock-query-timediff", ok, "edgq: %d events (first %llu, want 11..20), err %lu", n, n > 0 ? (unsigned long long)r[0].id : 0ull, err);

    /* the literal form (no spaces, milliseconds, Z) is understood and selects by absolute time */
    static const WCHAR lit_iso[] = L"2026-11-28T07:00:00.000Z";
    FILETIME lft;
    SYSTEMTIME lst = {2026, 11, 0, 28, 7, 0, 0, 0};
    SystemTimeToFileTime(&lst, &lft);
    uint64_t since = ((uint64_t)lft.dwHighDateTime << 32) | lft.dwLowDateTime;
    swprintf(xp, 160, L"*[System[TimeCreated[@SystemTime>='%ls']]]", lit_iso);
    fg_spread ok1_sp = fleetgen_spread(500, 24);
    t0 = now_ticks();
    n = read_all(L"ok1", xp, sysctx, r, 600, &err);
    t1 = now_ticks();
    uint64_t lf_lo = t0 < since ? 501 : fleetgen_first_in_window(&ok1_sp, (t0 - since) / 10000);
    uint64_t lf_hi = t1 < since ? 501 : fleetgen_first_in_window(&ok1_sp, (t1 - since) / 10000);
    uint64_t lfirst = n > 0 ? r[0].id : 501;
    ok = n >= 0 && !err && lfirst >= lf_lo && lfirst <= lf_hi && ids_are(r, n, lfirst, 500);
    for (int i = 0; ok && i < n; i++)
        if (r[i].tc < since)
            ok = 0;
    CHECK("since-literal-iso-ms", ok, "%ls on ok1: %d events from %llu (want from %llu..%llu), err %lu", xp, n,
          (unsigned long long)lfirst, (unsigned long long)lf_lo, (unsigned long long)lf_hi, err);
}

/* Calls that never return are made on threads that are left behind; the process ends with
 * ExitProcess, which takes them with it. Their arguments are static: they outlive the checks. */
typedef struct stuck_next { EVT_HANDLE q; DWORD timeout; volatile LONG done; } stuck_next;
static DWORD WINAPI stuck_next_thread(void *p)
{
    stuck_next *a = p;
    EVT_HANDLE h[10];
    DWORD got = 0;
    pEvtNext(a->q, 10, h, a->timeout, 0, &got);
    InterlockedExchange(&a->done, 1);
    return 0;
}
typedef struct stuck_fmt { EVT_HANDLE meta, ev; DWORD msgid, flags; volatile LONG done; } stuck_fmt;
static DWORD WINAPI stuck_fmt_thread(void *p)
{
    stuck_fmt *a = p;
    WCHAR b[4096];
    DWORD used = 0;
    pEvtFormatMessage(a->meta, a->ev, a->msgid, 0, NULL, a->flags, 4096, b, &used);
    InterlockedExchange(&a->done, 1);
    return 0;
}
static int start_thread(LPTHREAD_START_ROUTINE fn, void *arg)
{
    HANDLE th = CreateThread(NULL, 0, fn, arg, 0, NULL);
    if (!th)
        return 0;
    CloseHandle(th);   /* left behind on purpose */
    return 1;
}

/* stk: stuck=25 events=100 */
static void check_stuck(EVT_HANDLE sysctx)
{
    static stuck_next a1, a2;
    EVT_HANDLE s = session(L"stk");
    EVT_HANDLE q = pEvtQuery(s, L"System", L"*", EvtQueryChannelPath | EvtQueryForwardDirection);
    EVT_HANDLE q2 = pEvtQuery(s, L"System", L"*", EvtQueryChannelPath | EvtQueryReverseDirection);
    if (!q || !q2) {
        failf("stuck-after-n", "EvtQuery on stk failed %lu", GetLastError());
        return;
    }
    /* the batches stop exactly at 25, whatever is asked */
    uint64_t total = 0, next_id = 1;
    int ids_ok = 1, calls = 0;
    DWORD err = 0;
    EVT_HANDLE h[64];
    DWORD got;
    while (total < 25 && calls++ < 100) {
        if (!pEvtNext(q, 64, h, INFINITE, 0, &got)) {
            err = GetLastError();
            break;
        }
        for (DWORD i = 0; i < got; i++) {
            DWORD c = 0;
            EVT_VARIANT *v = render(sysctx, h[i], &c, NULL, NULL);
            if (!v || c != EvtSystemPropertyIdEND || v[EvtSystemEventRecordId].UInt64Val != next_id)
                ids_ok = 0;
            next_id++;
            free(v);
            pEvtClose(h[i]);
        }
        total += got;
    }
    uint64_t total2 = 0;   /* the reverse result set: 25 events too, newest first, then stuck */
    while (total2 < 25 && pEvtNext(q2, 7, h, 100, 0, &got)) {
        for (DWORD i = 0; i < got; i++)
            pEvtClose(h[i]);
        total2 += got;
    }
    CHECK("stuck-batches-stop-at-n", total == 25 && total2 == 25 && ids_ok && !err, "returned %llu (reverse %llu) events before the stuck point 25, ids ok %d, err %lu",
          (unsigned long long)total, (unsigned long long)total2, ids_ok, err);
    a1.q = q;
    a1.timeout = INFINITE;
    a2.q = q2;
    a2.timeout = 100;   /* the Timeout does not help either */
    int started = start_thread(stuck_next_thread, &a1) && start_thread(stuck_next_thread, &a2);
    Sleep(300);
    LONG d1 = a1.done, d2 = a2.done;
    pEvtCancel(q);
    pEvtCancel(q2);
    pEvtCancel(s);
    Sleep(300);
    CHECK("stuck-after-n", started && !d1 && !d2, "EvtNext after 25 events returned within 300 ms (INFINITE: %ld, Timeout 100: %ld)", d1, d2);
    CHECK("stuck-ignores-cancel", started && !a1.done && !a2.done, "EvtNext returned within 300 ms of EvtCancel (result set and session): %ld %ld",
          a1.done, a2.done);
    /* closing does not cancel and does not crash: the stuck calls keep their objects */
    BOOL c = pEvtClose(q) && pEvtClose(q2) && pEvtClose(s);
    CHECK("stuck-close", c, "EvtClose with a stuck EvtNext in progress failed %lu", GetLastError());
}

/* stkf: stuckformat=3 events=40 */
static void check_stuckformat(EVT_HANDLE sysctx)
{
    static stuck_fmt f[3];
    EVT_HANDLE s = session(L"stkf");
    EVT_HANDLE meta = pEvtOpenPublisherMetadata(s, L"Service Control Manager", NULL, 0, 0);
    EVT_HANDLE q = pEvtQuery(s, L"System", L"*", EvtQueryChannelPath | EvtQueryForwardDirection);
    if (!q || !meta) {
        failf("stuckformat-before-n", "EvtQuery/EvtOpenPublisherMetadata on stkf failed %lu", GetLastError());
        return;
    }
    EVT_HANDLE h[8];
    DWORD have = 0, got;
    while (have < 6 && pEvtNext(q, 6 - have, h + have, INFINITE, 0, &got))
        have += got;
    if (have < 6) {
        failf("stuckformat-before-n", "EvtNext on stkf: %lu events, err %lu", have, GetLastError());
        return;
    }
    int before_ok = 1;
    char why[200] = "";
    for (int i = 0; i < 3; i++) {
        WCHAR b[256];
        DWORD used = 0, c = 0;
        EVT_VARIANT *v = render(sysctx, h[i], &c, NULL, NULL);
        BOOL r = pEvtFormatMessage(meta, h[i], 0, 0, NULL, EvtFormatMessageProvider, 256, b, &used);
        if (!r || !v || c != EvtSystemPropertyIdEND || wcscmp(b, v[EvtSystemProviderName].StringVal)) {
            before_ok = 0;
            snprintf(why, sizeof why, "event %d: EvtFormatMessage(Provider) %d err %lu", i + 1, r, r ? 0 : GetLastError());
        }
        free(v);
    }
    CHECK("stuckformat-before-n", before_ok, "%s", why);
    DWORD c4 = 0;
    EVT_VARIANT *v4 = render(sysctx, h[3], &c4, NULL, NULL);
    CHECK("stuckformat-render-works", v4 && c4 == EvtSystemPropertyIdEND, "EvtRender of the 4th event failed %lu", GetLastError());
    free(v4);
    /* the 4th, 5th and 6th: any flags, never returns */
    f[0] = (stuck_fmt){meta, h[3], 0, EvtFormatMessageProvider, 0};
    f[1] = (stuck_fmt){meta, h[4], 0, EvtFormatMessageEvent, 0};
    f[2] = (stuck_fmt){meta, h[5], (16384u << 16) | 7036u, EvtFormatMessageId, 0};
    int started = 1;
    for (int i = 0; i < 3; i++)
        started &= start_thread(stuck_fmt_thread, &f[i]);
    Sleep(300);
    LONG d[3] = {f[0].done, f[1].done, f[2].done};
    /* EvtNext itself still works, and positions count per result set */
    BOOL nr = pEvtNext(q, 4, h + 6, INFINITE, 0, &got);
    if (nr)
        for (DWORD i = 0; i < got; i++)
            pEvtClose(h[6 + i]);
    EVT_HANDLE q2 = pEvtQuery(s, L"System", L"*", EvtQueryChannelPath | EvtQueryReverseDirection);
    EVT_HANDLE h2;
    WCHAR b[256];
    DWORD used = 0;
    BOOL fr = q2 && pEvtNext(q2, 1, &h2, INFINITE, 0, &got) && got == 1 &&
              pEvtFormatMessage(meta, h2, 0, 0, NULL, EvtFormatMessageProvider, 256, b, &used);
    if (q2 && got == 1)
        pEvtClose(h2);
    if (q2)
        pEvtClose(q2);
    CHECK("stuckformat-after-n", started && !d[0] && !d[1] && !d[2], "EvtFormatMessage of events 4..6 returned within 300 ms: %ld %ld %ld",
          d[0], d[1], d[2]);
    CHECK("stuckformat-next-works", nr && got >= 1 && fr, "EvtNext during the stuck formats: %d; first event of a new result set formats: %d",
          nr, fr);
    pEvtCancel(q);
    pEvtCancel(s);
    Sleep(300);
    CHECK("stuckformat-ignores-cancel", !f[0].done && !f[1].done && !f[2].done, "EvtFormatMessage returned after EvtCancel: %ld %ld %ld",
          f[0].done, f[1].done, f[2].done);
}

/* ---- server-side filters (tests/fake/xpath.c behind EvtQuery): each query must return exactly
 * the records a plain C predicate over fleetgen selects, in order. Server "flt" of the fleet:
 * events=3000 span=48 seed=9. */
static const char *const FLT = "flt";
static const uint64_t FLT_EVENTS = 3000;
static const uint32_t FLT_SPAN = 48, FLT_SEED = 9;

typedef int (*fpred)(const fg_event *e);
static int f_level2(const fg_event *e) { return e->level == 2; }
static int f_level123(const fg_event *e) { return e->level >= 1 && e->level <= 3; }
static int f_level_le3(const fg_event *e) { return e->level <= 3; }
static int f_ids(const fg_event *e) { return e->event_id == 7036 || (e->event_id >= 1000 && e->event_id <= 1003); }
static int f_prov(const fg_event *e) { return e->provider == FG_PROV_SCM || e->provider == FG_PROV_EVENTLOG; }
static int f_audit(const fg_event *e) { return (e->keywords & 0x20000000000000ull) != 0; }
static int f_rec(const fg_event *e) { return e->record_id == 1234; }
static int f_pid(const fg_event *e) { return e->process_id == 772; }
static int f_sid(const fg_event *e) { return e->has_user_sid; }
static int f_data(const fg_event *e)
{
    for (int i = 0; i < e->ndata; i++)
        if (!strcmp(e->data_name[i], "param1") && !strcmp(e->data[i], "Windows Update"))
            return 1;
    return 0;
}
static int f_running(const fg_event *e)
{
    for (int i = 0; i < e->ndata; i++)
        if (!strcmp(e->data[i], "running"))
            return 1;
    return 0;
}
static int f_qlist(const fg_event *e)
{
    int sel = e->event_id == 7036 || e->event_id == 7040 || e->level == 2;
    return sel && e->event_id != 7040 && e->event_id != 6101;
}

/* Reads every record id a query returns; -1 when EvtQuery fails (*err), else the count. */
static long read_ids(const WCHAR *server, const WCHAR *path, const WCHAR *query, EVT_HANDLE sysctx, uint64_t *ids,
                     long cap, DWORD *err)
{
    EVT_HANDLE s = session(server);
    EVT_HANDLE q = pEvtQuery(s, path, query, EvtQueryChannelPath | EvtQueryForwardDirection);
    long n = 0;
    *err = 0;
    if (!q) {
        *err = GetLastError();
        pEvtClose(s);
        return -1;
    }
    EVT_HANDLE h[64];
    DWORD got;
    while (pEvtNext(q, 64, h, INFINITE, 0, &got)) {
        for (DWORD i = 0; i < got; i++) {
            DWORD cnt;
            EVT_VARIANT *v = render(sysctx, h[i], &cnt, NULL, NULL);
            if (v && n < cap)
                ids[n] = v[EvtSystemEventRecordId].UInt64Val;
            n++;
            free(v);
            pEvtClose(h[i]);
        }
    }
    if (GetLastError() != ERROR_NO_MORE_ITEMS)
        *err = GetLastError();
    pEvtClose(q);
    pEvtClose(s);
    return n;
}

/* window_ms > 0: only records at most that old (an age never within 5 minutes of a whole hour,
 * so an 8-hour window is unambiguous whatever the few ms between here and the EvtQuery). */
static void filt(const char *name, const WCHAR *path, const WCHAR *query, EVT_HANDLE sysctx, fpred want,
                 uint64_t window_ms)
{
    static uint64_t got[4000], exp[4000];
    fg_spread sp = fleetgen_spread(FLT_EVENTS, FLT_SPAN);
    long ne = 0;
    for (uint64_t k = 1; k <= FLT_EVENTS; k++) {
        fg_event e;
        fleetgen_event(FLT, FLT_SEED, &sp, k, &e);
        if ((!want || want(&e)) && (!window_ms || e.age_ms <= window_ms))
            exp[ne++] = k;
    }
    DWORD err;
    long n = read_ids(L"flt", path, query, sysctx, got, 4000, &err);
    if (n < 0) {
        failf(name, "EvtQuery failed %lu", err);
        return;
    }
    long i = 0;
    while (i < n && i < ne && got[i] == exp[i])
        i++;
    if (err || n != ne || i != n || ne == 0 || ne == (long)FLT_EVENTS)
        failf(name, "got %ld records (end error %lu), expected %ld; first difference at #%ld (%llu vs %llu)", n, err, ne, i,
              (unsigned long long)(i < n ? got[i] : 0), (unsigned long long)(i < ne ? exp[i] : 0));
    else
        PASS(name);
}

static void check_filters(EVT_HANDLE sysctx)
{
    filt("filter-level-path-form", L"System", L"*[System/Level=2]", sysctx, f_level2, 0);
    filt("filter-levels", L"System", L"*[System[(Level=1 or Level=2 or Level=3)]]", sysctx, f_level123, 0);
    filt("filter-level-and-timediff", L"System",
         L"*[System[(Level <= 3) and TimeCreated[timediff(@SystemTime) <= 28800000]]]", sysctx, f_level_le3, WINDOW_MS);
    filt("filter-event-ids", L"Application", L"*[System[(EventID=7036 or (EventID>=1000 and EventID<=1003))]]", sysctx,
         f_ids, 0);
    filt("filter-providers", L"System", L"*[System[Provider[@Name='Service Control Manager' or @Name='EventLog']]]",
         sysctx, f_prov, 0);
    filt("filter-audit-success", L"Security", L"*[System[band(Keywords,9007199254740992)]]", sysctx, f_audit, 0);
    filt("filter-record-id", L"System", L"*[System[EventRecordID=1234]]", sysctx, f_rec, 0);
    filt("filter-process-id", L"System", L"*[System[Execution[@ProcessID=772]]]", sysctx, f_pid, 0);
    filt("filter-user-sid", L"System", L"*[System[Security[@UserID='S-1-5-18']]]", sysctx, f_sid, 0);
    filt("filter-data-named", L"System", L"*[EventData[Data[@Name='param1']='Windows Update']]", sysctx, f_data, 0);
    filt("filter-data-bare", L"System", L"*[EventData[Data='running']]", sysctx, f_running, 0);
    filt("filter-querylist-select-select-suppress", L"System",
         L"<QueryList>\r\n<Query Id=\"0\" Path=\"System\">\r\n"
         L"<Select Path=\"System\">*[System[TimeCreated[timediff(@SystemTime) &lt;= 28800000] and (EventID=7036 or EventID=7040)]]</Select>\r\n"
         L"<Select Path=\"System\">*[System[TimeCreated[@SystemTime&gt;='1601-01-02T00:00:00.000Z'] and Level=2 and TimeCreated[timediff(@SystemTime) &lt;= 28800000]]]</Select>\r\n"
         L"<Suppress Path=\"System\">*[System[(EventID=7040 or EventID=6101)]]</Suppress>\r\n</Query></QueryList>",
         sysctx, f_qlist, WINDOW_MS);

    /* 20 comparisons (the time term and band count) are accepted, 21 refused with 15001 */
    WCHAR q[2048];
    wcscpy(q, L"*[System[TimeCreated[timediff(@SystemTime) <= 28800000] and band(Keywords,16) and (EventID=1");
    for (int i = 2; i <= 18; i++)
        swprintf(q + wcslen(q), 2048 - wcslen(q), L" or EventID=%d", i);
    wcscat(q, L")]]");
    DWORD err = query_error(L"flt", L"System", q, NULL);
    CHECK("filter-20-comparisons-accepted", err == 0, "err %lu", err);
    wcscpy(q + wcslen(q) - 3, L" or EventID=19)]]");
    err = query_error(L"flt", L"System", q, NULL);
    WCHAR ext[600];
    DWORD used = 0;
    pEvtGetExtendedStatus(600, ext, &used);
    CHECK("filter-21-comparisons-refused", err == ERROR_EVT_INVALID_QUERY && wcsstr(ext, L"21 comparisons"),
          "err %lu (%ls)", err, ext);

    static const WCHAR *const bad[] = {
        L"*[System//Level=2]", L"*[System[contains(Provider/@Name,'Service')]]", L"*[System[not(Level=2)]]",
        L"*[System[Level+1=3]]", L"*[System/Level=2 | System/Level=3]", L"*[System/Level/../Task=2]",
        L"*[System[TimeCreated[@SystemTime>='yesterday']]]",
    };
    int bad_ok = 1;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err = query_error(L"flt", L"System", bad[i], NULL);
        if (err != ERROR_EVT_INVALID_QUERY) {
            failf("filter-unsupported-refused", "%ls: err %lu", bad[i], err);
            bad_ok = 0;
        }
    }
    if (bad_ok)
        PASS("filter-unsupported-refused");

    /* the details pane: one record by its id */
    uint64_t one[4];
    long n = read_ids(L"flt", L"System", L"*[System[EventRecordID=2999]]", sysctx, one, 4, &err);
    CHECK("filter-record-id-exactly-one", n == 1 && one[0] == 2999 && !err, "got %ld records (first %llu), err %lu", n,
          (unsigned long long)(n > 0 ? one[0] : 0), err);

    /* nofilter: the server ignores the time terms only (nof: events=400 span=48, default seed) */
    static uint64_t got[400];
    n = read_ids(L"nof", L"System", L"*[System[Level=2 and TimeCreated[timediff(@SystemTime) <= 28800000]]]", sysctx, got,
                 400, &err);
    fg_spread sp = fleetgen_spread(400, 48);
    long ne = 0, same = n >= 0;
    for (uint64_t k = 1; k <= 400; k++) {
        fg_event e;
        fleetgen_event("nof", 1, &sp, k, &e);
        if (e.level == 2) {
            if (ne >= n || got[ne] != k)
                same = 0;
            ne++;
        }
    }
    CHECK("filter-nofilter-ignores-time-only", same && n == ne && ne > 0, "got %ld records, expected %ld level-2 records", n, ne);

    /* a plain XPath needs a channel; a QueryList names its own and EvtQuery's Path is ignored */
    err = query_error(L"flt", NULL, L"*[System[Level=2]]", NULL);
    CHECK("filter-plain-needs-path", err == ERROR_INVALID_PARAMETER, "err %lu", err);
    err = query_error(L"flt", L"Bogus", L"<QueryList><Query Id='0' Path='System'><Select>*</Select></Query></QueryList>",
                      NULL);
    CHECK("filter-querylist-path-ignored", err == 0, "err %lu", err);
    err = query_error(L"flt", NULL,
                      L"<QueryList><Query Id='0'><Select Path='System'>*</Select><Select Path='Application'>*</Select>"
                      L"</Query></QueryList>", NULL);
    CHECK("filter-querylist-two-channels-not-supported", err == ERROR_NOT_SUPPORTED, "err %lu", err);

    /* 1,000,000 records behind the brief's structured filter: how long the whole result takes
     * (EvtNext + EvtClose of each event; no rendering) */
    EVT_HANDLE s = session(L"big");
    /* and the same filter without its time term: every one of the 1,000,000 records is looked at */
    EVT_HANDLE fq = pEvtQuery(s, L"Security",
                              L"*[System[(Level=1 or Level=2 or Level=3) and (EventID=7034 or (EventID>=1000 and "
                              L"EventID<=1010)) and Provider[@Name='Service Control Manager' or @Name='EventLog' or "
                              L"@Name='Legacy App'] and band(Keywords,9007199254740992)]]",
                              EvtQueryChannelPath | EvtQueryForwardDirection);
    if (fq) {
        uint64_t t1 = now_ticks(), c = 0;
        EVT_HANDLE h[64];
        DWORD gotn;
        while (pEvtNext(fq, 64, h, INFINITE, 0, &gotn))
            for (DWORD i = 0; i < gotn; i++, c++)
                pEvtClose(h[i]);
        pEvtClose(fq);
        printf("     1,000,000-record server, the same filter without a time term (a full scan): %llu records in %.0f ms\n",
               (unsigned long long)c, (double)(now_ticks() - t1) / 10000.0);
    }
    uint64_t start = now_ticks();
    WCHAR since[40];
    iso_ms(now_ticks() - 20ull * 3600 * 1000 * 10000, since, 40);
    swprintf(q, 2048,
             L"*[System[TimeCreated[@SystemTime>='%ls'] and (Level=1 or Level=2 or Level=3) and (EventID=7034 or "
             L"(EventID>=1000 and EventID<=1010)) and Provider[@Name='Service Control Manager' or @Name='EventLog' or "
             L"@Name='Legacy App'] and band(Keywords,9007199254740992)]]", since);
    EVT_HANDLE bq = pEvtQuery(s, L"Security", q, EvtQueryChannelPath | EvtQueryForwardDirection);
    uint64_t count = 0;
    if (bq) {
        EVT_HANDLE h[64];
        DWORD gotn;
        while (pEvtNext(bq, 64, h, INFINITE, 0, &gotn))
            for (DWORD i = 0; i < gotn; i++, count++)
                pEvtClose(h[i]);
        pEvtClose(bq);
        double ms = (double)(now_ticks() - start) / 10000.0;
        printf("     1,000,000-record server, the structured filter of the last 20 hours: %llu records in %.0f ms\n",
               (unsigned long long)count, ms);
        CHECK("filter-million-records", count > 0 && ms < 20000, "%llu records in %.0f ms", (unsigned long long)count, ms);
    } else {
        failf("filter-million-records", "EvtQuery failed %lu", GetLastError());
    }
    pEvtClose(s);
}

/* ---- logs (EvtOpenLog / EvtGetLogInfo) and first=N, full */

/* One property through the documented protocol: a first call with no buffer says the size. */
static int log_info(EVT_HANDLE log, EVT_LOG_PROPERTY_ID id, EVT_VARIANT *out, DWORD *first_err, DWORD *first_used)
{
    DWORD used = 0;
    BOOL ok = pEvtGetLogInfo(log, id, 0, NULL, &used);
    if (first_err)
        *first_err = ok ? 0 : GetLastError();
    if (first_used)
        *first_used = used;
    if (ok || GetLastError() != ERROR_INSUFFICIENT_BUFFER || used < sizeof *out || used > 4096)
        return 0;
    BYTE buf[4096];
    if (!pEvtGetLogInfo(log, id, used, (PEVT_VARIANT)buf, &used))
        return 0;
    memcpy(out, buf, sizeof *out);
    return 1;
}

/* The record id and time of the first event a query returns; 0 when none. */
static uint64_t first_record(EVT_HANDLE s, const WCHAR *query, DWORD flags, EVT_HANDLE sysctx, uint64_t *tc, uint64_t *count)
{
    EVT_HANDLE q = pEvtQuery(s, L"System", query, EvtQueryChannelPath | flags);
    uint64_t id = 0, n = 0;
    if (!q)
        return 0;
    EVT_HANDLE h[64];
    DWORD got;
    while (pEvtNext(q, 64, h, INFINITE, 0, &got)) {
        for (DWORD i = 0; i < got; i++, n++) {
            if (n == 0) {
                DWORD c;
                EVT_VARIANT *v = render(sysctx, h[i], &c, NULL, NULL);
                if (v) {
                    id = v[EvtSystemEventRecordId].UInt64Val;
                    if (tc)
                        *tc = v[EvtSystemTimeCreated].FileTimeVal;
                }
                free(v);
            }
            pEvtClose(h[i]);
        }
        if (!count)
            break;
    }
    pEvtClose(q);
    if (count)
        *count = n;
    return id;
}

static DWORD open_log_error(const WCHAR *server, const WCHAR *path, DWORD flags)
{
    EVT_HANDLE s = session(server);
    EVT_HANDLE l = pEvtOpenLog(s, path, flags);
    DWORD e = l ? 0 : GetLastError();
    if (l)
        pEvtClose(l);
    pEvtClose(s);
    return e;
}

static void check_logs(EVT_HANDLE sysctx)
{
    /* a healthy log: every record there, not full */
    EVT_HANDLE s = session(L"ok1");
    EVT_HANDLE l = pEvtOpenLog(s, L"System", EvtOpenChannelPath);
    CHECK("log-open", l != NULL, "EvtOpenLog(ok1, System) failed %lu", GetLastError());
    EVT_VARIANT v;
    DWORD e1 = 0, used1 = 0;
    int got = log_info(l, EvtLogOldestRecordNumber, &v, &e1, &used1);
    CHECK("log-info-buffer-protocol", e1 == ERROR_INSUFFICIENT_BUFFER && used1 == sizeof(EVT_VARIANT),
          "first call: err %lu, used %lu (want %u, %u)", e1, used1, ERROR_INSUFFICIENT_BUFFER, (unsigned)sizeof(EVT_VARIANT));
    CHECK("log-oldest-ok1", got && v.Type == EvtVarTypeUInt64 && v.UInt64Val == 1, "got %d type %lu value %llu", got, v.Type,
          (unsigned long long)v.UInt64Val);
    got = log_info(l, EvtLogNumberOfLogRecords, &v, NULL, NULL);
    CHECK("log-count-ok1", got && v.Type == EvtVarTypeUInt64 && v.UInt64Val == 500, "got %d type %lu value %llu", got, v.Type,
          (unsigned long long)v.UInt64Val);
    got = log_info(l, EvtLogFull, &v, NULL, NULL);
    CHECK("log-full-ok1", got && v.Type == EvtVarTypeBoolean && !v.BooleanVal, "got %d type %lu value %d", got, v.Type, (int)v.BooleanVal);
    got = log_info(l, EvtLogFileSize, &v, NULL, NULL);
    CHECK("log-size-ok1", got && v.Type == EvtVarTypeUInt64 && v.UInt64Val == 4096 + 65536 * 8, "got %d type %lu value %llu", got,
          v.Type, (unsigned long long)v.UInt64Val);
    EVT_VARIANT c, w;
    int gc = log_info(l, EvtLogCreationTime, &c, NULL, NULL), gw = log_info(l, EvtLogLastWriteTime, &w, NULL, NULL);
    CHECK("log-times-ok1", gc && gw && c.Type == EvtVarTypeFileTime && w.Type == EvtVarTypeFileTime && c.FileTimeVal < w.FileTimeVal &&
          w.FileTimeVal <= now_ticks(), "creation %d/%lu, last write %d/%lu", gc, c.Type, gw, w.Type);
    DWORD used = 0;
    BOOL r = pEvtGetLogInfo(l, (EVT_LOG_PROPERTY_ID)99, sizeof v, &v, &used);
    CHECK("log-info-bad-property", !r && GetLastError() == ERROR_INVALID_PARAMETER, "%d %lu", r, GetLastError());
    r = pEvtGetLogInfo(s, EvtLogFull, sizeof v, &v, &used);
    CHECK("log-info-wrong-handle", !r && GetLastError() == ERROR_INVALID_HANDLE, "EvtGetLogInfo(session) %d %lu", r, GetLastError());
    pEvtClose(l);
    r = pEvtGetLogInfo(l, EvtLogFull, sizeof v, &v, &used);
    CHECK("log-info-closed-handle", !r && GetLastError() == ERROR_INVALID_HANDLE, "%d %lu", r, GetLastError());
    pEvtClose(s);

    /* failures as EvtQuery's, a missing channel, what is not simulated */
    DWORD ed = open_log_error(L"deny1", L"System", EvtOpenChannelPath), edn = open_log_error(L"down1", L"System", EvtOpenChannelPath),
          eu = open_log_error(L"no-such-server", L"System", EvtOpenChannelPath), ec = open_log_error(L"noch", L"System", EvtOpenChannelPath),
          ef = open_log_error(L"ok1", L"C:\\logs\\x.evtx", EvtOpenFilePath), eb = open_log_error(L"ok1", L"System", 7);
    CHECK("log-open-errors", ed == ERROR_ACCESS_DENIED && edn == RPC_S_SERVER_UNAVAILABLE && eu == RPC_S_SERVER_UNAVAILABLE &&
          ec == ERROR_EVT_CHANNEL_NOT_FOUND && ef == ERROR_NOT_SUPPORTED && eb == ERROR_INVALID_PARAMETER,
          "deny %lu, down %lu, unknown %lu, no channel %lu, file %lu, bad flags %lu", ed, edn, eu, ec, ef, eb);

    /* first=51 full: records 1..50 overwritten; queries never return them */
    const fg_spread lsp = fleetgen_spread(200, 10);
    s = session(L"lgfull");
    l = pEvtOpenLog(s, L"System", EvtOpenChannelPath);
    EVT_VARIANT o, n, f;
    int go = log_info(l, EvtLogOldestRecordNumber, &o, NULL, NULL), gn = log_info(l, EvtLogNumberOfLogRecords, &n, NULL, NULL),
        gf = log_info(l, EvtLogFull, &f, NULL, NULL);
    CHECK("log-first-full-info", l && go && gn && gf && o.UInt64Val == 51 && n.UInt64Val == 150 && f.BooleanVal,
          "handle %p: oldest %llu, records %llu, full %d", l, (unsigned long long)o.UInt64Val, (unsigned long long)n.UInt64Val,
          (int)f.BooleanVal);
    if (l)
        pEvtClose(l);
    uint64_t tc = 0, count = 0, t0 = now_ticks();
    uint64_t k = first_record(s, L"*", EvtQueryForwardDirection, sysctx, &tc, NULL);
    int64_t dt = (int64_t)(tc + fleetgen_age_ms(&lsp, 51) * 10000ull) - (int64_t)t0;
    CHECK("log-first-oldest-returned", k == 51 && dt > -50000000 && dt < 50000000, "forward query's first record %llu (want 51), "
          "its time %.1f s from the expected", (unsigned long long)k, (double)dt / 1e7);
    k = first_record(s, L"*", EvtQueryReverseDirection, sysctx, NULL, &count);
    CHECK("log-first-count", k == 200 && count == 150, "reverse: first %llu, %llu records (want 200, 150)", (unsigned long long)k,
          (unsigned long long)count);
    k = first_record(s, L"*[System[EventRecordID=10]]", EvtQueryForwardDirection, sysctx, NULL, &count);
    CHECK("log-first-gone-record", k == 0 && count == 0, "record 10 of a log starting at 51: %llu records", (unsigned long long)count);
    pEvtClose(s);

    /* first=101 without full: cleared; created then (clock=load: the times are exact) */
    s = session(L"lgclr");
    l = pEvtOpenLog(s, L"System", EvtOpenChannelPath);
    go = log_info(l, EvtLogOldestRecordNumber, &o, NULL, NULL);
    gf = log_info(l, EvtLogFull, &f, NULL, NULL);
    gc = log_info(l, EvtLogCreationTime, &c, NULL, NULL);
    if (l)
        pEvtClose(l);
    k = first_record(s, L"*", EvtQueryForwardDirection, sysctx, &tc, NULL);
    CHECK("log-cleared-info", go && gf && gc && o.UInt64Val == 101 && !f.BooleanVal && k == 101 && c.FileTimeVal + 10000000ull == tc,
          "oldest %llu, full %d, first returned %llu, created %.3f s before it", (unsigned long long)o.UInt64Val, (int)f.BooleanVal,
          (unsigned long long)k, ((double)tc - (double)c.FileTimeVal) / 1e7);
    pEvtClose(s);

    /* an empty log: first = events + 1 */
    s = session(L"lgempty");
    l = pEvtOpenLog(s, L"System", EvtOpenChannelPath);
    go = log_info(l, EvtLogOldestRecordNumber, &o, NULL, NULL);
    gn = log_info(l, EvtLogNumberOfLogRecords, &n, NULL, NULL);
    if (l)
        pEvtClose(l);
    k = first_record(s, L"*", EvtQueryForwardDirection, sysctx, NULL, &count);
    CHECK("log-empty", go && gn && o.UInt64Val == 0 && n.UInt64Val == 0 && count == 0, "oldest %llu, records %llu, %llu returned",
          (unsigned long long)o.UInt64Val, (unsigned long long)n.UInt64Val, (unsigned long long)count);
    pEvtClose(s);

    /* a session that reached its server: a later EvtOpenLog costs a round trip, not the connect */
    s = session(L"lgslow");
    DWORD a0 = GetTickCount();
    EVT_HANDLE q = pEvtQuery(s, L"System", L"*", EvtQueryChannelPath | EvtQueryForwardDirection);
    DWORD a1 = GetTickCount();
    l = pEvtOpenLog(s, L"System", EvtOpenChannelPath);
    DWORD a2 = GetTickCount();
    EVT_HANDLE s2 = session(L"lgslow");
    EVT_HANDLE l2 = pEvtOpenLog(s2, L"System", EvtOpenChannelPath);
    DWORD a3 = GetTickCount();
    CHECK("log-open-connected-session", q && l && l2 && a1 - a0 >= 250 && a2 - a1 < 150 && a3 - a2 >= 250,
          "query %lu ms, EvtOpenLog on the same session %lu ms, on a new one %lu ms", a1 - a0, a2 - a1, a3 - a2);
    if (q) pEvtClose(q);
    if (l) pEvtClose(l);
    if (l2) pEvtClose(l2);
    pEvtClose(s);
    pEvtClose(s2);

    /* EvtCancel of the session wakes an EvtOpenLog waiting for a server that never answers */
    s = session(L"hangq");
    query_arg qa = {s, NULL, 0};
    HANDLE th = CreateThread(NULL, 0, openlog_thread, &qa, 0, NULL);
    Sleep(300);
    DWORD still = WaitForSingleObject(th, 0);
    pEvtCancel(s);
    DWORD wr = WaitForSingleObject(th, 1000);
    CHECK("log-open-cancel", still == WAIT_TIMEOUT && wr == WAIT_OBJECT_0 && !qa.q && qa.err == ERROR_CANCELLED,
          "blocked %d, returned %d, err %lu", still == WAIT_TIMEOUT, wr == WAIT_OBJECT_0, qa.err);
    if (wr != WAIT_OBJECT_0)
        TerminateThread(th, 1);
    CloseHandle(th);
    if (qa.q)
        pEvtClose(qa.q);
    pEvtClose(s);
}

int wmain(int argc, WCHAR **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int stuck_mode = argc > 1 && !wcscmp(argv[1], L"stuck");
    g_load_lo = now_ticks();
    HMODULE dll = LoadLibraryExW(L"wevtapi.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    g_load_hi = now_ticks();
    if (!dll) {
        failf("load", "LoadLibraryExW(wevtapi.dll, SEARCH_SYSTEM32) failed: %lu", GetLastError());
        return 1;
    }
#define LOAD(n) p##n = (__typeof__(n) *)(void *)GetProcAddress(dll, #n); if (!p##n) { failf("load", "no export %s", #n); return 1; }
    LOAD(EvtOpenSession) LOAD(EvtQuery) LOAD(EvtNext) LOAD(EvtRender) LOAD(EvtCreateRenderContext) LOAD(EvtFormatMessage)
    LOAD(EvtOpenPublisherMetadata) LOAD(EvtCancel) LOAD(EvtClose) LOAD(EvtGetExtendedStatus) LOAD(EvtSeek)
    LOAD(EvtOpenEventMetadataEnum) LOAD(EvtNextEventMetadata) LOAD(EvtGetEventMetadataProperty)
    LOAD(EvtOpenLog) LOAD(EvtGetLogInfo) LOAD(EvtClearLog)
    WCHAR modpath[MAX_PATH];
    char mp8[MAX_PATH * 3];
    GetModuleFileNameW(dll, modpath, MAX_PATH);
    utf8(modpath, mp8, sizeof mp8);
    printf("     loaded %s\n", mp8);

    const uint64_t ok1_events = 500, ok1_span = 24;
    const fg_spread ok1_sp = fleetgen_spread(ok1_events, (uint32_t)ok1_span);
    EVT_HANDLE sysctx = pEvtCreateRenderContext(0, NULL, EvtRenderContextSystem);
    EVT_HANDLE userctx = pEvtCreateRenderContext(0, NULL, EvtRenderContextUser);
    CHECK("render-contexts", sysctx && userctx, "EvtCreateRenderContext failed: %lu", GetLastError());

    if (stuck_mode) {
        /* `fakeapi_test stuck`: calls that never return, in a process of their own (they keep
         * handles open, which the main run's handle report would count) */
        check_stuck(sysctx);
        check_stuckformat(sysctx);
        printf("%s\n", g_fail ? "fakeapi_test stuck: FAILED" : "fakeapi_test stuck: all passed");
        ExitProcess(g_fail ? 1 : 0);   /* ends the threads still inside EvtNext/EvtFormatMessage */
    }

    /* ---- the install: the fake answers (Wine's builtin stub would not) */
    EVT_HANDLE s = session(L"ok1");
    EVT_HANDLE q = pEvtQuery(s, L"System", XPATH8, EvtQueryChannelPath | EvtQueryForwardDirection);
    CHECK("load-fake-from-system32", s && q, "EvtQuery on ok1 failed: %lu (is the builtin wevtapi loaded? WINEDLLOVERRIDES=wevtapi=n)", GetLastError());
    if (!q)
        return 1;

    /* ---- filtered query, partial batches, end of data */
    drain d;
    drain_all(q, sysctx, &d, 100);
    uint64_t first = fleetgen_first_in_window(&ok1_sp, WINDOW_MS);
    uint64_t expect = ok1_events - first + 1;
    CHECK("filter-server-side", d.count == expect && d.first_id == first && d.last_id == ok1_events,
          "got %llu events (ids %llu..%llu), expected %llu (ids %llu..%llu)", (unsigned long long)d.count,
          (unsigned long long)d.first_id, (unsigned long long)d.last_id, (unsigned long long)expect,
          (unsigned long long)first, (unsigned long long)ok1_events);
    CHECK("forward-ascending-record-ids", d.ascending, "record ids not ascending");
    CHECK("partial-batches", d.partial_batches >= 2 && d.batches >= 3, "batches %d, partial %d", d.batches, d.partial_batches);
    CHECK("no-more-items", d.end_error == ERROR_NO_MORE_ITEMS, "end error %lu", d.end_error);
    DWORD got = 0;
    EVT_HANDLE h[64];
    BOOL again = pEvtNext(q, 10, h, INFINITE, 0, &got);
    CHECK("no-more-items-again", !again && GetLastError() == ERROR_NO_MORE_ITEMS && got == 0, "second EvtNext at end: %d err %lu", again, GetLastError());
    pEvtClose(q);

    /* ---- rendering an event: system context, user context, XML */
    q = pEvtQuery(s, L"System", L"*", EvtQueryChannelPath | EvtQueryForwardDirection);
    got = 0;
    int found7036 = 0, foundlegacy = 0, found6100 = 0, foundlevel0 = 0, sys_ok = 1, user_ok = 1, buf_ok = 1;
    char why[512] = "";
    EVT_HANDLE meta_scm = pEvtOpenPublisherMetadata(s, L"Service Control Manager", NULL, 0, 0);
    CHECK("publisher-metadata-scm", meta_scm != NULL, "EvtOpenPublisherMetadata(SCM) failed: %lu", GetLastError());
    EVT_HANDLE meta_legacy = pEvtOpenPublisherMetadata(s, L"Legacy App", NULL, 0, 0);
    DWORD legacy_err = meta_legacy ? 0 : GetLastError();
    CHECK("publisher-metadata-missing", !meta_legacy && legacy_err == ERROR_FILE_NOT_FOUND, "Legacy App: handle %p err %lu", meta_legacy, legacy_err);
    EVT_HANDLE meta_el = pEvtOpenPublisherMetadata(s, L"EventLog", NULL, 0, 0);
    EVT_HANDLE meta_kg = pEvtOpenPublisherMetadata(s, L"Microsoft-Windows-Kernel-General", NULL, 0, 0);
    int msg_ok = 1, msg_checked = 0, level_ok = 1;
    uint64_t qnow = now_ticks();
    uint64_t total = 0;
    while (pEvtNext(q, 64, h, INFINITE, 0, &got)) {
        for (DWORD i = 0; i < got; i++, total++) {
            DWORD n = 0, e1 = 0, used1 = 0;
            EVT_VARIANT *v = render(sysctx, h[i], &n, &e1, &used1);
            if (e1 != ERROR_INSUFFICIENT_BUFFER || used1 < EvtSystemPropertyIdEND * sizeof(EVT_VARIANT))
                buf_ok = 0;
            if (!v || n != EvtSystemPropertyIdEND) {
                sys_ok = 0;
                snprintf(why, sizeof why, "render failed n=%lu", n);
                free(v);
                continue;
            }
            uint64_t k = v[EvtSystemEventRecordId].UInt64Val;
            fg_event e;
            fleetgen_event("ok1", 7, &ok1_sp, k, &e);
            char prov[256], comp[256], chan[64];
            prov[0] = comp[0] = chan[0] = 0;
            if (v[EvtSystemProviderName].Type == EvtVarTypeString) utf8(v[EvtSystemProviderName].StringVal, prov, sizeof prov);
            if (v[EvtSystemComputer].Type == EvtVarTypeString) utf8(v[EvtSystemComputer].StringVal, comp, sizeof comp);
            if (v[EvtSystemChannel].Type == EvtVarTypeString) utf8(v[EvtSystemChannel].StringVal, chan, sizeof chan);
            const BYTE *lo = (const BYTE *)v, *hi = lo + used1;
            const BYTE *sp = (const BYTE *)v[EvtSystemProviderName].StringVal;
            int64_t dt = (int64_t)(v[EvtSystemTimeCreated].FileTimeVal + e.age_ms * 10000ull) - (int64_t)qnow;
            if (strcmp(prov, e.provider_name) || strcmp(comp, e.computer) || strcmp(chan, "System") ||
                v[EvtSystemEventID].Type != EvtVarTypeUInt16 || v[EvtSystemEventID].UInt16Val != e.event_id ||
                v[EvtSystemLevel].Type != EvtVarTypeByte || v[EvtSystemLevel].ByteVal != e.level ||
                v[EvtSystemTask].Type != EvtVarTypeUInt16 || v[EvtSystemTask].UInt16Val != e.task ||
                v[EvtSystemOpcode].Type != EvtVarTypeByte || v[EvtSystemKeywords].Type != EvtVarTypeHexInt64 ||
                v[EvtSystemTimeCreated].Type != EvtVarTypeFileTime || v[EvtSystemEventRecordId].Type != EvtVarTypeUInt64 ||
                v[EvtSystemProcessID].Type != EvtVarTypeUInt32 || v[EvtSystemThreadID].Type != EvtVarTypeUInt32 ||
                v[EvtSystemActivityID].Type != EvtVarTypeNull ||
                (e.has_qualifiers ? (v[EvtSystemQualifiers].Type != EvtVarTypeUInt16 || v[EvtSystemQualifiers].UInt16Val != e.qualifiers)
                                  : v[EvtSystemQualifiers].Type != EvtVarTypeNull) ||
                (e.provider_guid ? v[EvtSystemProviderGuid].Type != EvtVarTypeGuid || (const BYTE *)v[EvtSystemProviderGuid].GuidVal < lo ||
                                       (const BYTE *)v[EvtSystemProviderGuid].GuidVal >= hi
                                 : v[EvtSystemProviderGuid].Type != EvtVarTypeNull) ||
                sp < lo + EvtSystemPropertyIdEND * sizeof(EVT_VARIANT) || sp >= hi || dt < -50000000 || dt > 50000000) {
                if (sys_ok)
                    snprintf(why, sizeof why, "record %llu: provider \"%s\" computer \"%s\" id %u level %u dt %lld",
                             (unsigned long long)k, prov, comp, v[EvtSystemEventID].UInt16Val, v[EvtSystemLevel].ByteVal, (long long)dt);
                sys_ok = 0;
            }
            free(v);
            /* user context: the data values as strings */
            EVT_VARIANT *u = render(userctx, h[i], &n, NULL, NULL);
            if (!u || (int)n != e.ndata) {
                if (user_ok)
                    snprintf(why, sizeof why, "record %llu: %lu values, want %d", (unsigned long long)k, n, e.ndata);
                user_ok = 0;
            } else {
                for (DWORD j = 0; j < n; j++) {
                    char val[16384];
                    if (u[j].Type != EvtVarTypeString) { user_ok = 0; continue; }
                    utf8(u[j].StringVal, val, sizeof val);
                    if (strcmp(val, e.data[j])) { if (user_ok) snprintf(why, sizeof why, "record %llu value %lu: \"%.40s\" want \"%.40s\"", (unsigned long long)k, j, val, e.data[j]); user_ok = 0; }
                }
            }
            free(u);
            /* messages */
            if (e.event_id == 7036 && meta_scm && !found7036) {
                found7036 = 1;
                char exp[8192];
                size_t len = fleetgen_expected_message(&e, exp, sizeof exp);
                WCHAR small[4];
                DWORD used = 0;
                BOOL r = pEvtFormatMessage(meta_scm, h[i], 0, 0, NULL, EvtFormatMessageEvent, 4, small, &used);
                DWORD err = GetLastError();
                int units = MultiByteToWideChar(CP_UTF8, 0, exp, (int)len, NULL, 0);
                if (r || err != ERROR_INSUFFICIENT_BUFFER || used != (DWORD)units + 1) {
                    msg_ok = 0;
                    snprintf(why, sizeof why, "7036 small buffer: r=%d err=%lu used=%lu want %d", r, err, used, units + 1);
                } else {
                    WCHAR *wb = malloc(used * sizeof(WCHAR));
                    char got8[8192];
                    if (!pEvtFormatMessage(meta_scm, h[i], 0, 0, NULL, EvtFormatMessageEvent, used, wb, &used)) msg_ok = 0;
                    utf8(wb, got8, sizeof got8);
                    if (strcmp(got8, exp)) { msg_ok = 0; snprintf(why, sizeof why, "7036 message \"%s\" != \"%s\"", got8, exp); }
                    free(wb);
                }
                WCHAR lv[64];
                if (!pEvtFormatMessage(meta_scm, h[i], 0, 0, NULL, EvtFormatMessageLevel, 64, lv, &used) || wcscmp(lv, L"Information"))
                    level_ok = 0;
                msg_checked++;
            }
            if (e.provider == FG_PROV_EVENTLOG && e.event_id == 6100 && meta_el) {
                WCHAR b[256];
                DWORD used;
                if (pEvtFormatMessage(meta_el, h[i], 0, 0, NULL, EvtFormatMessageEvent, 256, b, &used) ||
                    GetLastError() != ERROR_EVT_MESSAGE_NOT_FOUND)
                    msg_ok = 0;
                found6100 = 1;
            }
            if (e.provider == FG_PROV_KERNEL_GENERAL && e.level == 0 && meta_kg) {
                WCHAR b[256];
                DWORD used;
                if (pEvtFormatMessage(meta_kg, h[i], 0, 0, NULL, EvtFormatMessageLevel, 256, b, &used) ||
                    GetLastError() != ERROR_EVT_MESSAGE_NOT_FOUND)
                    level_ok = 0;
                foundlevel0 = 1;
            }
            if (e.provider == FG_PROV_LEGACY)
                foundlegacy = 1;
            /* XML */
            if (total == 3) {
                DWORD used = 0, pc = 0;
                BOOL r = pEvtRender(NULL, h[i], EvtRenderEventXml, 0, NULL, &used, &pc);
                DWORD err = GetLastError();
                WCHAR *xb = r ? NULL : malloc(used);
                char *x8 = malloc(used * 2 + 16);
                char want[64];
                snprintf(want, sizeof want, "<EventRecordID>%llu</EventRecordID>", (unsigned long long)k);
                int ok = !r && err == ERROR_INSUFFICIENT_BUFFER && used > 100 && xb &&
                         pEvtRender(NULL, h[i], EvtRenderEventXml, used, xb, &used, &pc) &&
                         xb[used / 2 - 1] == 0 && (utf8(xb, x8, (int)used * 2 + 16), strstr(x8, want) != NULL) &&
                         strstr(x8, "<Event xmlns=") == x8;
                CHECK("render-xml", ok, "r=%d err=%lu used=%lu", r, err, used);
                free(xb);
                free(x8);
            }
            pEvtClose(h[i]);
        }
    }
    DWORD end = GetLastError();
    CHECK("query-star-returns-all", total == ok1_events && end == ERROR_NO_MORE_ITEMS, "\"*\" returned %llu of %llu (end %lu)", (unsigned long long)total, (unsigned long long)ok1_events, end);
    CHECK("render-insufficient-buffer", buf_ok, "first EvtRender with no buffer did not fail ERROR_INSUFFICIENT_BUFFER with BufferUsed");
    CHECK("render-system-layout", sys_ok, "%s", why);
    CHECK("render-user-values", user_ok, "user context values differ from fleetgen data: %s", why);
    CHECK("format-message", found7036 && msg_ok, "found7036=%d %s", found7036, why);
    CHECK("format-message-not-found", found6100 && msg_ok, "found6100=%d", found6100);
    CHECK("format-level", msg_checked && foundlevel0 && level_ok, "level names wrong (checked %d, level0 %d)", msg_checked, foundlevel0);
    CHECK("legacy-provider-present", foundlegacy, "no Legacy App event among %llu", (unsigned long long)total);
    pEvtClose(q);
    if (meta_scm) pEvtClose(meta_scm);
    if (meta_el) pEvtClose(meta_el);
    if (meta_kg) pEvtClose(meta_kg);

    /* ---- reverse direction, structured query */
    q = pEvtQuery(s, L"System", XPATH8, EvtQueryChannelPath | EvtQueryReverseDirection);
    got = 0;
    if (q && pEvtNext(q, 1, h, INFINITE, 0, &got) && got == 1) {
        DWORD n;
        EVT_VARIANT *v = render(sysctx, h[0], &n, NULL, NULL);
        CHECK("reverse-direction", v && v[EvtSystemEventRecordId].UInt64Val == ok1_events, "first record not the newest");
        free(v);
        pEvtClose(h[0]);
    } else {
        failf("reverse-direction", "query failed %lu", GetLastError());
    }
    if (q) pEvtClose(q);
    q = pEvtQuery(s, NULL, L"<QueryList><Query Id='0' Path='System'><Select Path='System'>*[System[TimeCreated[timediff(@SystemTime) &lt;= 28800000]]]</Select></Query></QueryList>",
                  EvtQueryChannelPath | EvtQueryForwardDirection);
    if (q) {
        drain_all(q, sysctx, &d, 50);
        CHECK("structured-query", d.count == expect, "QueryList returned %llu, expected %llu", (unsigned long long)d.count, (unsigned long long)expect);
        pEvtClose(q);
    } else {
        failf("structured-query", "EvtQuery failed %lu", GetLastError());
    }
    pEvtClose(s);

    /* ---- errors */
    DWORD ms = 0, err;
    err = query_error(L"deny1", L"System", XPATH8, NULL);
    CHECK("deny-access-denied", err == ERROR_ACCESS_DENIED, "err %lu", err);
    err = query_error(L"down1", L"System", XPATH8, &ms);
    CHECK("down-rpc-unavailable", err == RPC_S_SERVER_UNAVAILABLE && ms >= 180, "err %lu after %lu ms", err, ms);
    err = query_error(L"not-in-fleet", L"System", XPATH8, NULL);
    CHECK("unknown-server-rpc-unavailable", err == RPC_S_SERVER_UNAVAILABLE, "err %lu", err);
    err = query_error(L"noch", L"System", XPATH8, NULL);
    CHECK("nochannel-not-found", err == ERROR_EVT_CHANNEL_NOT_FOUND, "err %lu", err);
    err = query_error(L"noch", L"Application", XPATH8, NULL);
    CHECK("nochannel-listed-channel-ok", err == 0, "err %lu", err);
    /* Level=2 is in the subset now (see the filter checks); contains() is not */
    err = query_error(L"ok1", L"System", L"*[System[contains(Provider/@Name, 'Service')]]", NULL);
    WCHAR ext[512];
    DWORD extused = 0;
    DWORD xr = pEvtGetExtendedStatus(512, ext, &extused);
    CHECK("invalid-query", err == ERROR_EVT_INVALID_QUERY, "err %lu", err);
    CHECK("extended-status", xr == ERROR_SUCCESS && extused > 1 && wcsstr(ext, L"contains"), "EvtGetExtendedStatus %lu used %lu", xr, extused);
    err = query_error(L"ok1", L"Bogus/Channel", XPATH8, NULL);
    CHECK("unknown-channel", err == ERROR_EVT_CHANNEL_NOT_FOUND, "err %lu", err);

    s = session(L"brk");
    q = pEvtQuery(s, L"System", L"*", EvtQueryChannelPath | EvtQueryForwardDirection);
    drain_all(q, sysctx, &d, 40);
    CHECK("break-rpc-call-failed", d.count == 50 && d.end_error == RPC_S_CALL_FAILED, "got %llu events then %lu", (unsigned long long)d.count, d.end_error);
    pEvtClose(q);
    pEvtClose(s);

    s = session(L"nof");
    q = pEvtQuery(s, L"System", XPATH8, EvtQueryChannelPath | EvtQueryForwardDirection);
    drain_all(q, sysctx, &d, 100);
    fg_spread nof_sp = fleetgen_spread(400, 48);
    uint64_t nfirst = fleetgen_first_in_window(&nof_sp, WINDOW_MS);
    CHECK("nofilter-returns-all", d.count == 400 && d.end_error == ERROR_NO_MORE_ITEMS, "got %llu of 400", (unsigned long long)d.count);
    CHECK("nofilter-client-can-filter", d.ids_in_client_window == 400 - nfirst + 1, "client-side TimeCreated filter keeps %llu, expected %llu",
          (unsigned long long)d.ids_in_client_window, (unsigned long long)(400 - nfirst + 1));
    pEvtClose(q);
    pEvtClose(s);

    /* ---- fleet options stuck/stuckformat/clock/edge/step; clock=load and edge servers */
    check_fleet_lines();
    check_clock_edge(sysctx);

    /* ---- local session (NULL) is the fleet's "localhost" */
    q = pEvtQuery(NULL, L"System", L"*", EvtQueryChannelPath | EvtQueryForwardDirection);
    if (q) {
        drain_all(q, sysctx, &d, 100);
        CHECK("local-session", d.count == 30, "localhost gave %llu events, expected 30", (unsigned long long)d.count);
        pEvtClose(q);
    } else {
        failf("local-session", "EvtQuery(NULL session) failed %lu", GetLastError());
    }

    /* ---- cancel: a hanging EvtNext returns ERROR_CANCELLED soon after EvtCancel */
    s = session(L"hang1");
    q = pEvtQuery(s, L"System", XPATH8, EvtQueryChannelPath | EvtQueryForwardDirection);
    if (q) {
        DWORD t0 = GetTickCount();
        BOOL r = pEvtNext(q, 10, h, 300, 0, &got);
        DWORD e2 = GetLastError(), el = GetTickCount() - t0;
        CHECK("hang-next-timeout", !r && e2 == ERROR_TIMEOUT && el >= 250 && el < 2000, "r=%d err=%lu after %lu ms", r, e2, el);
        next_arg a = {q, 0, 0};
        HANDLE th = CreateThread(NULL, 0, next_thread, &a, 0, NULL);
        Sleep(400);
        DWORD still = WaitForSingleObject(th, 0);
        DWORD c0 = GetTickCount();
        pEvtCancel(q);
        DWORD wr = WaitForSingleObject(th, 1000);
        DWORD after = GetTickCount() - c0;
        CHECK("cancel-unblocks-hang", still == WAIT_TIMEOUT && wr == WAIT_OBJECT_0 && a.err == ERROR_CANCELLED && after < 1000,
              "blocked=%d, returned in time=%d, err=%lu, %lu ms after EvtCancel", still == WAIT_TIMEOUT, wr == WAIT_OBJECT_0, a.err, after);
        if (wr != WAIT_OBJECT_0)
            TerminateThread(th, 1);
        CloseHandle(th);
        BOOL r2 = pEvtNext(q, 10, h, INFINITE, 0, &got);
        CHECK("cancel-is-sticky", !r2 && GetLastError() == ERROR_CANCELLED, "EvtNext after cancel: %d %lu", r2, GetLastError());
        pEvtClose(q);
    } else {
        failf("cancel-unblocks-hang", "query failed %lu", GetLastError());
    }
    pEvtClose(s);

    s = session(L"hangq");
    query_arg qa = {s, NULL, 0};
    HANDLE th = CreateThread(NULL, 0, query_thread, &qa, 0, NULL);
    Sleep(300);
    DWORD c0 = GetTickCount();
    pEvtCancel(s);
    DWORD wr = WaitForSingleObject(th, 1000);
    CHECK("cancel-session-unblocks-query", wr == WAIT_OBJECT_0 && !qa.q && qa.err == ERROR_CANCELLED,
          "returned=%d err=%lu after %lu ms", wr == WAIT_OBJECT_0, qa.err, GetTickCount() - c0);
    if (wr != WAIT_OBJECT_0)
        TerminateThread(th, 1);
    CloseHandle(th);
    pEvtClose(s);

    /* ---- server-side filters */
    check_filters(sysctx);

    /* ---- saved-log messages: this computer's publisher metadata */
    check_local_metadata();

    /* ---- logs: EvtOpenLog, EvtGetLogInfo, first=N and full */
    check_logs(sysctx);

    /* ---- handles */
    BOOL r = pEvtNext((EVT_HANDLE)(uintptr_t)0x1234, 10, h, 0, 0, &got);
    CHECK("bad-handle", !r && GetLastError() == ERROR_INVALID_HANDLE, "EvtNext(bogus) %d %lu", r, GetLastError());
    s = session(L"ok1");
    BOOL c1 = pEvtClose(s), c2 = pEvtClose(s);
    CHECK("double-close", c1 && !c2 && GetLastError() == ERROR_INVALID_HANDLE, "close %d then %d (%lu)", c1, c2, GetLastError());
    r = pEvtClearLog(NULL, L"System", NULL, 0);
    CHECK("stub-not-supported", !r && GetLastError() == ERROR_NOT_SUPPORTED, "EvtClearLog %d %lu", r, GetLastError());

    /* ---- concurrency: 20 servers of 300 ms each, one thread each */
    HANDLE ths[20];
    DWORD t0 = GetTickCount();
    for (int i = 0; i < 20; i++)
        ths[i] = CreateThread(NULL, 0, par_thread, (void *)(intptr_t)i, 0, NULL);
    WaitForMultipleObjects(20, ths, TRUE, 30000);
    DWORD par_ms = GetTickCount() - t0;
    int par_ok = 1;
    for (int i = 0; i < 20; i++) {
        DWORD code = 1;
        GetExitCodeThread(ths[i], &code);
        if (code)
            par_ok = 0;
        CloseHandle(ths[i]);
    }
    CHECK("concurrent-queries", par_ok && par_ms < 1500, "20 x 300 ms servers took %lu ms (ok=%d)", par_ms, par_ok);

    pEvtClose(sysctx);
    pEvtClose(userctx);

    /* ---- the handle report written at DLL detach */
    WCHAR leaks[MAX_PATH];
    if (GetEnvironmentVariableW(L"ESFAKE_LEAKS", leaks, MAX_PATH) && leaks[0] != L'/') {
        DeleteFileW(leaks);
        FreeLibrary(dll);
        char text[512] = "";
        FILE *f = _wfopen(leaks, L"rb");
        if (f) {
            text[fread(text, 1, sizeof text - 1, f)] = 0;
            fclose(f);
        }
        CHECK("handle-report", strstr(text, "open_handles=0\r\n") == text && strstr(text, "open_logs=0\r\n") &&
              strstr(text, "max_concurrent_queries="),
              "report: \"%s\"", text);
    }
    printf("%s\n", g_fail ? "fakeapi_test: FAILED" : "fakeapi_test: all passed");
    return g_fail ? 1 : 0;
}
