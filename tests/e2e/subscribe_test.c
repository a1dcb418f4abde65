/* subscribe_test: checks the SIMULATED FLEET's live servers, subscriptions and bookmarks (the
 * test-only wevtapi.dll, tests/fake/subscribe.c and bookmark.c) against the documented Windows
 * Event Log API, under Wine. Built and run by tests/e2e/t_fake_api.sh:
 *
 *   subscribe_test.exe FLEET-FILE      (a Windows path; the program writes FLEET below into it)
 *
 * The live keys count from the DLL's load, so the timed scenarios run on threads started right
 * after LoadLibraryExW, each in its own window of time. Prints "PASS name" / "FAIL name: why". */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <winevt.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetgen.h"

#define API(n) static __typeof__(n) *p##n;
API(EvtOpenSession) API(EvtQuery) API(EvtNext) API(EvtRender) API(EvtCreateRenderContext) API(EvtCancel) API(EvtClose)
API(EvtSeek) API(EvtOpenLog) API(EvtGetLogInfo) API(EvtSubscribe) API(EvtCreateBookmark) API(EvtUpdateBookmark)

static const char *const FLEET[] = {
    "live   rate=20 events=50 span=2 latency=5 seed=3",
    "drop   rate=20 events=30 span=2 latency=5 seed=4 dropafter=1.5 downfor=1.5",
    "wrap   rate=50 events=100 span=2 latency=5 seed=5 maxrecords=60",
    "clr    rate=10 events=40 span=2 latency=5 seed=6 clearat=1.2",
    "stat   events=200 span=10 latency=5 seed=7",
    "slow   latency=3000 events=10",
    "gone   down latency=5",
};
#define NFLEET (int)(sizeof FLEET / sizeof *FLEET)
static fleet_server g_fs[NFLEET];

static volatile LONG g_fail;
static void check(const char *name, int ok, const char *fmt, ...)
{
    char why[600] = "";
    if (!ok) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, sizeof why, fmt, ap);
        va_end(ap);
        InterlockedIncrement(&g_fail);
        printf("FAIL %s: %s\n", name, why);
    } else {
        printf("PASS %s\n", name);
    }
}

static uint64_t g_load_lo, g_load_hi;   /* FILETIME ticks just before and after LoadLibraryExW */
static EVT_HANDLE g_sysctx;

static uint64_t now_ticks(void)
{
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    return ((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
}
/* Sleeps until at least ms after the load (by the late bound: the DLL's clock is then past it). */
static void wait_until(uint64_t ms)
{
    for (;;) {
        uint64_t t = now_ticks(), at = g_load_hi + ms * 10000ull;
        if (t >= at)
            return;
        Sleep((DWORD)((at - t) / 10000 + 1));
    }
}
static double secs(void) { return (double)(now_ticks() - g_load_lo) / 1e7; }

static const fleet_server *fs(const char *name)
{
    return fleet_find(g_fs, NFLEET, name);
}

static EVT_HANDLE session(const WCHAR *server)
{
    EVT_RPC_LOGIN l = {(LPWSTR)server, NULL, NULL, NULL, EvtRpcLoginAuthDefault};
    return pEvtOpenSession(EvtRpcLogin, &l, 0, 0);
}

typedef struct rec { uint64_t id, time; unsigned event_id, level; } rec;

static int render_rec(EVT_HANDLE ev, rec *r)
{
    static __thread BYTE buf[8192];
    DWORD used = 0, n = 0;
    if (!pEvtRender(g_sysctx, ev, EvtRenderEventValues, sizeof buf, buf, &used, &n) || n != EvtSystemPropertyIdEND)
        return 0;
    EVT_VARIANT *v = (EVT_VARIANT *)buf;
    r->id = v[EvtSystemEventRecordId].UInt64Val;
    r->time = v[EvtSystemTimeCreated].FileTimeVal;
    r->event_id = v[EvtSystemEventID].UInt16Val;
    r->level = v[EvtSystemLevel].ByteVal;
    return 1;
}

/* 1 when the record is record r->id of the server as fleetgen makes it: content, and (a server
 * anchored at the load: every live one) a time that the load's bounds allow. */
static int rec_ok(const char *server, const rec *r, char *why, size_t wl)
{
    const fleet_server *f = fs(server);
    fg_spread sp = fleet_spread(f);
    fg_event e;
    fleetgen_event(f->name, f->seed, &sp, r->id, &e);
    uint64_t lo = fleet_record_ticks(f, g_load_lo, r->id), hi = fleet_record_ticks(f, g_load_hi, r->id);
    if (e.event_id != r->event_id || e.level != r->level || (f->clock_load && (r->time < lo || r->time > hi))) {
        snprintf(why, wl, "record %llu: id %u level %u time %llu, expected id %u level %u time in %llu..%llu",
                 (unsigned long long)r->id, r->event_id, r->level, (unsigned long long)r->time, e.event_id, e.level,
                 (unsigned long long)lo, (unsigned long long)hi);
        return 0;
    }
    return 1;
}

/* Reads a subscription or result set until EvtNext fails: appends the records (cap), updates
 * the bookmark with each event when given; returns EvtNext's last error. */
static DWORD drain(EVT_HANDLE h, rec *out, int *n, int cap, EVT_HANDLE bm)
{
    EVT_HANDLE evs[16];
    DWORD got;
    for (;;) {
        if (!pEvtNext(h, 16, evs, INFINITE, 0, &got))
            return GetLastError();
        for (DWORD i = 0; i < got; i++) {
            rec r = {0, 0, 0, 0};
            if (render_rec(evs[i], &r) && *n < cap)
                out[(*n)++] = r;
            if (bm)
                pEvtUpdateBookmark(bm, evs[i]);
            pEvtClose(evs[i]);
        }
    }
}

/* The records are exactly first..last, in order, each as fleetgen makes it. */
static int ids_exact(const char *server, const rec *r, int n, uint64_t first, uint64_t last, char *why, size_t wl)
{
    if ((uint64_t)n != last - first + 1) {
        snprintf(why, wl, "%d records, expected %llu..%llu (%llu); got %llu..%llu", n, (unsigned long long)first,
                 (unsigned long long)last, (unsigned long long)(last - first + 1), n ? (unsigned long long)r[0].id : 0ull,
                 n ? (unsigned long long)r[n - 1].id : 0ull);
        return 0;
    }
    for (int i = 0; i < n; i++) {
        if (r[i].id != first + (uint64_t)i) {
            snprintf(why, wl, "record %d is %llu, expected %llu (a gap or a duplicate)", i, (unsigned long long)r[i].id,
                     (unsigned long long)(first + (uint64_t)i));
            return 0;
        }
        if (!rec_ok(server, &r[i], why, wl))
            return 0;
    }
    return 1;
}

static uint64_t log_u64(EVT_HANDLE s, EVT_LOG_PROPERTY_ID id)
{
    EVT_HANDLE l = pEvtOpenLog(s, L"System", EvtOpenChannelPath);
    EVT_VARIANT v;
    DWORD used;
    uint64_t r = (uint64_t)-1;
    if (l && pEvtGetLogInfo(l, id, sizeof v, &v, &used))
        r = id == EvtLogFull ? (uint64_t)v.BooleanVal : v.UInt64Val;
    if (l)
        pEvtClose(l);
    return r;
}

/* The bookmark's XML (malloc'ed), by the two-call protocol. */
static WCHAR *bm_xml(EVT_HANDLE bm, DWORD *first_err, DWORD *used_out)
{
    DWORD used = 0, count = 99;
    BOOL ok = pEvtRender(NULL, bm, EvtRenderBookmark, 0, NULL, &used, &count);
    if (first_err)
        *first_err = ok ? 0 : GetLastError();
    if (used_out)
        *used_out = used;
    WCHAR *w = malloc(used ? used : 2);
    if (!w || !pEvtRender(NULL, bm, EvtRenderBookmark, used, w, &used, &count)) {
        free(w);
        return NULL;
    }
    return w;
}

/* ------------------------------------------------------------------ future events, the signal */

static DWORD WINAPI t_future(void *unused)
{
    char why[600] = "";
    HANDLE sig = CreateEventW(NULL, TRUE, FALSE, NULL);
    EVT_HANDLE s = session(L"live");
    uint64_t before = now_ticks();
    EVT_HANDLE sub = pEvtSubscribe(s, sig, L"System", NULL, NULL, NULL, NULL, EvtSubscribeToFutureEvents);
    uint64_t after = now_ticks();
    check("subscribe-future", sub != NULL, "EvtSubscribe(live, ToFutureEvents) failed: %lu", GetLastError());
    if (!sub)
        return 0;
    static rec r[400];
    int n = 0, signals = 0, end_ok = 1;
    uint64_t maxlag = 0;
    DWORD stop = GetTickCount() + 2000;
    while (GetTickCount() < stop) {
        if (WaitForSingleObject(sig, 1000) != WAIT_OBJECT_0)
            continue;
        signals++;
        int before_n = n;
        DWORD e = drain(sub, r, &n, 400, NULL);
        uint64_t now = now_ticks();
        if (e != ERROR_NO_MORE_ITEMS)
            end_ok = 0;
        for (int i = before_n; i < n; i++)
            if (now > r[i].time && now - r[i].time > maxlag)
                maxlag = now - r[i].time;
        ResetEvent(sig);
    }
    const fleet_server *f = fs("live");
    uint64_t lo = fleet_newest(f, before - g_load_hi) + 1, hi = fleet_newest(f, after - g_load_lo) + 1;
    check("future-events-at-rate", n >= 25 && n <= 55, "%d events in 2 s at rate=20", n);
    check("future-events-start-after-newest", n && r[0].id >= lo && r[0].id <= hi,
          "first record %llu, expected %llu..%llu (the first written after EvtSubscribe)",
          n ? (unsigned long long)r[0].id : 0ull, (unsigned long long)lo, (unsigned long long)hi);
    check("future-events-exact", n && ids_exact("live", r, n, r[0].id, r[n - 1].id, why, sizeof why), "%s", why);
    check("signal-fires", signals >= 8 && end_ok, "%d signals; every drain ended ERROR_NO_MORE_ITEMS: %d", signals, end_ok);
    check("signal-latency", maxlag < 8000000ull, "an event arrived %llu ms after its TimeCreated", (unsigned long long)(maxlag / 10000));
    pEvtClose(sub);

    /* a filter that selects nothing: no signal, and EvtNext answers at once */
    ResetEvent(sig);
    sub = pEvtSubscribe(s, sig, L"System", L"*[System[EventID=9999]]", NULL, NULL, NULL, EvtSubscribeStartAtOldestRecord);
    DWORD w = WaitForSingleObject(sig, 600);
    EVT_HANDLE evs[4];
    DWORD got = 99, t0 = GetTickCount();
    BOOL ok = sub ? pEvtNext(sub, 4, evs, INFINITE, 0, &got) : TRUE;
    DWORD err = GetLastError(), ms = GetTickCount() - t0;
    check("signal-only-for-matches", sub && w == WAIT_TIMEOUT, "sub %p, wait %lu", sub, w);
    check("subscription-next-does-not-block", !ok && err == ERROR_NO_MORE_ITEMS && got == 0 && ms < 400,
          "EvtNext(INFINITE) with nothing there: %d err %lu after %lu ms", ok, err, ms);
    if (sub)
        pEvtClose(sub);

    /* a filter, as EvtQuery's: only level 2, all of them (plain XPath and a QueryList) */
    static const WCHAR *const qs[2] = {L"*[System[Level=2]]",
        L"<QueryList><Query Id='0' Path='System'><Select Path='System'>*[System[Level=2]]</Select></Query></QueryList>"};
    for (int qi = 0; qi < 2; qi++) {
        EVT_HANDLE fsub = pEvtSubscribe(s, sig, qi ? NULL : L"System", qs[qi], NULL, NULL, NULL, EvtSubscribeStartAtOldestRecord);
        int fn = 0;
        DWORD fe = fsub ? drain(fsub, r, &fn, 400, NULL) : GetLastError();
        uint64_t last = fleet_newest(f, now_ticks() - g_load_hi), want = 0;
        int match = fe == ERROR_NO_MORE_ITEMS;
        fg_spread sp = fleet_spread(f);
        int j = 0;
        for (uint64_t k = 1; k <= last && match; k++) {
            fg_event e;
            fleetgen_event(f->name, f->seed, &sp, k, &e);
            if (e.level != 2)
                continue;
            want++;
            if (j >= fn || r[j].id != k || !rec_ok("live", &r[j], why, sizeof why))
                match = 0;
            j++;
        }
        check(qi ? "subscribe-querylist-filter" : "subscribe-xpath-filter", fsub && match && want > 3,
              "%d records (end %lu), %llu level-2 records expected up to %llu", fn, fe, (unsigned long long)want,
              (unsigned long long)last);
        if (fsub)
            pEvtClose(fsub);
    }
    pEvtClose(s);
    CloseHandle(sig);
    return 0;
}

/* ------------------------------------------------------------------ a drop and a come-back */

static DWORD WINAPI t_drop(void *unused)
{
    char why[600] = "";
    static rec r[1000];
    int n = 0;
    HANDLE sig = CreateEventW(NULL, TRUE, FALSE, NULL);
    EVT_HANDLE s = session(L"drop"), bm = pEvtCreateBookmark(NULL);
    EVT_HANDLE sub = pEvtSubscribe(s, sig, L"System", NULL, NULL, NULL, NULL, EvtSubscribeStartAtOldestRecord | EvtSubscribeStrict);
    check("subscribe-oldest-strict", sub && bm, "EvtSubscribe(drop) failed: %lu", GetLastError());
    EVT_HANDLE q = pEvtQuery(s, L"System", L"*", EvtQueryChannelPath | EvtQueryForwardDirection), qev[4];
    DWORD qgot = 0;
    BOOL q1 = q && pEvtNext(q, 4, qev, INFINITE, 0, &qgot);
    for (DWORD i = 0; q1 && i < qgot; i++)
        pEvtClose(qev[i]);
    if (!sub)
        return 0;
    DWORD e = ERROR_NO_MORE_ITEMS;
    while (e == ERROR_NO_MORE_ITEMS && secs() < 6) {
        WaitForSingleObject(sig, 500);
        ResetEvent(sig);
        e = drain(sub, r, &n, 1000, bm);
    }
    double at = secs();
    EVT_HANDLE evs[4];
    DWORD got;
    BOOL again = pEvtNext(sub, 4, evs, INFINITE, 0, &got);
    DWORD e2 = GetLastError();
    check("drop-breaks-subscription", e == RPC_S_CALL_FAILED && at >= 1.5 && at < 3.0 && !again && e2 == RPC_S_CALL_FAILED,
          "EvtNext ended %lu at %.2f s (dropafter=1.5), then %lu", e, at, e2);
    pEvtClose(sub);
    WCHAR *xml = bm_xml(bm, NULL, NULL);
    pEvtClose(bm);
    int refused = 0, other = 0;
    EVT_HANDLE sub2 = NULL;
    EVT_HANDLE q2 = pEvtQuery(s, L"System", L"*", EvtQueryChannelPath | EvtQueryForwardDirection);
    DWORD qe2 = GetLastError();
    EVT_HANDLE log2 = pEvtOpenLog(s, L"System", EvtOpenChannelPath);
    DWORD le2 = GetLastError();
    check("drop-refuses-query-and-log", secs() < 3.0 && !q2 && qe2 == RPC_S_SERVER_UNAVAILABLE && !log2 && le2 == RPC_S_SERVER_UNAVAILABLE,
          "at %.2f s: EvtQuery %p err %lu, EvtOpenLog %p err %lu", secs(), q2, qe2, log2, le2);
    if (q2) pEvtClose(q2);
    if (log2) pEvtClose(log2);
    while (xml && !sub2 && secs() < 7) {
        EVT_HANDLE b2 = pEvtCreateBookmark(xml);
        sub2 = pEvtSubscribe(s, sig, L"System", NULL, b2, NULL, NULL, EvtSubscribeStartAfterBookmark | EvtSubscribeStrict);
        DWORD se = GetLastError();
        pEvtClose(b2);
        if (!sub2) {
            if (se == RPC_S_SERVER_UNAVAILABLE)
                refused++;
            else
                other++;
            Sleep(150);
        }
    }
    at = secs();
    check("drop-refuses-while-away", refused >= 3 && other == 0, "%d refusals 1722, %d other errors", refused, other);
    check("drop-comes-back", sub2 && at >= 3.0, "resubscribed: %p at %.2f s (downfor ends at 3.0 s)", sub2, at);
    BOOL q3 = q && pEvtNext(q, 4, qev, INFINITE, 0, &qgot);
    DWORD qe3 = GetLastError();
    check("drop-breaks-result-set", q1 && !q3 && qe3 == RPC_S_CALL_FAILED,
          "a result set made before the drop, read after the come-back: %d err %lu", q3, qe3);
    if (q)
        pEvtClose(q);
    if (sub2) {
        wait_until(4000);
        e = drain(sub2, r, &n, 1000, NULL);
        const fleet_server *f = fs("drop");
        uint64_t least = fleet_newest(f, 40000000ull);
        check("resume-no-gap-no-duplicate", e == ERROR_NO_MORE_ITEMS && n && r[n - 1].id >= least &&
              ids_exact("drop", r, n, 1, r[n - 1].id, why, sizeof why),
              "end %lu, last %llu (at least %llu expected): %s", e, n ? (unsigned long long)r[n - 1].id : 0ull,
              (unsigned long long)least, why);
        pEvtClose(sub2);
    }
    free(xml);
    pEvtClose(s);
    CloseHandle(sig);
    return 0;
}

/* ------------------------------------------------------------------ a cleared log */

static DWORD WINAPI t_clear(void *unused)
{
    EVT_HANDLE s = session(L"clr");
    EVT_HANDLE q = pEvtQuery(s, L"System", L"*", EvtQueryChannelPath | EvtQueryForwardDirection);
    EVT_HANDLE evs[8];
    DWORD got = 0;
    BOOL first_ok = q && pEvtNext(q, 8, evs, INFINITE, 0, &got);
    for (DWORD i = 0; first_ok && i < got; i++)
        pEvtClose(evs[i]);
    uint64_t oldest0 = log_u64(s, EvtLogOldestRecordNumber);
    wait_until(1700);
    BOOL more = q ? pEvtNext(q, 8, evs, INFINITE, 0, &got) : TRUE;
    DWORD qe = GetLastError();
    check("query-stale-after-clear", first_ok && !more && qe == ERROR_EVT_QUERY_RESULT_STALE,
          "a query made before clearat=1.2: EvtNext after it %d err %lu (first read %d)", more, qe, first_ok);
    if (q)
        pEvtClose(q);
    /* newest at 1.2 s: 40 + floor(1.2 * 10) = 52: the log starts again at 53 */
    uint64_t oldest = log_u64(s, EvtLogOldestRecordNumber), num = log_u64(s, EvtLogNumberOfLogRecords);
    uint64_t full = log_u64(s, EvtLogFull);
    check("log-info-after-clear", oldest0 == 1 && oldest == 53 && num >= 3 && num <= 12 && full == 0,
          "oldest %llu then %llu (53 expected), %llu records, full %llu", (unsigned long long)oldest0,
          (unsigned long long)oldest, (unsigned long long)num, (unsigned long long)full);
    EVT_HANDLE bm = pEvtCreateBookmark(L"<BookmarkList>\r\n  <Bookmark Channel='System' RecordId='20' IsCurrent='true'/>\r\n</BookmarkList>");
    HANDLE sig = CreateEventW(NULL, TRUE, FALSE, NULL);
    EVT_HANDLE sub = pEvtSubscribe(s, sig, L"System", NULL, bm, NULL, NULL, EvtSubscribeStartAfterBookmark | EvtSubscribeStrict);
    DWORD se = GetLastError();
    check("strict-bookmark-cleared", !sub && se == ERROR_NOT_FOUND, "EvtSubscribe strict after a clear: %p err %lu", sub, se);
    if (sub)
        pEvtClose(sub);
    static const struct { DWORD flags; uint64_t first; const char *name; } cases[] = {
        {EvtSubscribeStartAfterBookmark, 54, "lenient-bookmark-cleared-starts-after-closest"},
        {EvtSubscribeStartAtOldestRecord, 53, "oldest-after-clear"}};
    for (int i = 0; i < 2; i++) {
        sub = pEvtSubscribe(s, sig, L"System", NULL, i ? NULL : bm, NULL, NULL, cases[i].flags);
        rec r[64];
        int n = 0;
        if (sub)
            drain(sub, r, &n, 64, NULL);
        check(cases[i].name, n && r[0].id == cases[i].first, "first record %llu, expected %llu",
              n ? (unsigned long long)r[0].id : 0ull, (unsigned long long)cases[i].first);
        if (sub)
            pEvtClose(sub);
    }
    pEvtClose(bm);
    pEvtClose(s);
    CloseHandle(sig);
    return 0;
}

/* ------------------------------------------------------------------ bookmarks */

static EVT_HANDLE one_event(EVT_HANDLE s, const WCHAR *channel, const WCHAR *query)
{
    EVT_HANDLE q = pEvtQuery(s, channel, query, EvtQueryChannelPath | EvtQueryForwardDirection), ev = NULL;
    DWORD got = 0;
    if (q && !pEvtNext(q, 1, &ev, INFINITE, 0, &got))
        ev = NULL;
    if (q)
        pEvtClose(q);
    return ev;
}

static int xml_is(EVT_HANDLE bm, const WCHAR *want)
{
    WCHAR *w = bm_xml(bm, NULL, NULL);
    int ok = w && !wcscmp(w, want);
    if (!ok) {
        char got[600] = "";
        if (w)
            WideCharToMultiByte(CP_UTF8, 0, w, -1, got, sizeof got, NULL, NULL);
        printf("     bookmark XML: \"%s\"\n", got);
    }
    free(w);
    return ok;
}

static void check_bookmarks(void)
{
    EVT_HANDLE s = session(L"stat"), bm = pEvtCreateBookmark(NULL);
    DWORD e1 = 0, used = 0;
    WCHAR *w = bm ? bm_xml(bm, &e1, &used) : NULL;
    static const WCHAR empty[] = L"<BookmarkList>\r\n</BookmarkList>";
    check("bookmark-empty", w && !wcscmp(w, empty) && e1 == ERROR_INSUFFICIENT_BUFFER && used == sizeof empty,
          "render of a new bookmark: err %lu used %lu", e1, used);
    free(w);
    EVT_HANDLE ev = one_event(s, L"System", L"*[System[EventRecordID=123]]");
    BOOL u = ev && pEvtUpdateBookmark(bm, ev);
    static const WCHAR one[] = L"<BookmarkList>\r\n  <Bookmark Channel='System' RecordId='123' IsCurrent='true'/>\r\n</BookmarkList>";
    check("bookmark-update-render", u && xml_is(bm, one), "EvtUpdateBookmark %d", u);
    DWORD small = 0, sused = 0;
    WCHAR tiny[8];
    BOOL r = pEvtRender(NULL, bm, EvtRenderBookmark, sizeof tiny, tiny, &sused, &small);
    check("bookmark-render-too-small", !r && GetLastError() == ERROR_INSUFFICIENT_BUFFER && sused == sizeof one,
          "%d err %lu used %lu (want %u)", r, GetLastError(), sused, (unsigned)sizeof one);
    EVT_HANDLE ev2 = one_event(s, L"Application", L"*[System[EventRecordID=7]]");
    u = ev2 && pEvtUpdateBookmark(bm, ev2);
    static const WCHAR two[] = L"<BookmarkList>\r\n  <Bookmark Channel='System' RecordId='123'/>\r\n"
                               L"  <Bookmark Channel='Application' RecordId='7' IsCurrent='true'/>\r\n</BookmarkList>";
    check("bookmark-two-channels", u && xml_is(bm, two), "EvtUpdateBookmark %d", u);
    EVT_HANDLE bm2 = pEvtCreateBookmark(two);
    check("bookmark-round-trip", bm2 && xml_is(bm2, two), "EvtCreateBookmark(rendered XML): %lu", GetLastError());
    r = pEvtUpdateBookmark(bm, s);
    DWORD ue = GetLastError();
    BOOL r2 = ev ? pEvtRender(NULL, ev, EvtRenderBookmark, 0, NULL, &used, &small) : TRUE;
    check("bookmark-wrong-handles", !r && ue == ERROR_INVALID_HANDLE && !r2 && GetLastError() == ERROR_INVALID_HANDLE,
          "EvtUpdateBookmark(bm, session) %d %lu; EvtRender(event, Bookmark) %d %lu", r, ue, r2, GetLastError());
    if (ev) pEvtClose(ev);
    if (ev2) pEvtClose(ev2);
    if (bm2) pEvtClose(bm2);
    pEvtClose(bm);

    /* what a saved file may hold: accepted variants, and hostile text refused 15008 */
    EVT_HANDLE ok1 = pEvtCreateBookmark(L"<?xml version='1.0'?>\n<BookmarkList Direction='backward'>\n"
                                        L"\t<Bookmark RecordId=\"9\" Channel=\"Sys&apos;tem\" />\n</BookmarkList>\n");
    check("bookmark-parse-variants", ok1 && xml_is(ok1, L"<BookmarkList>\r\n  <Bookmark Channel='Sys&apos;tem' RecordId='9'/>\r\n</BookmarkList>"),
          "EvtCreateBookmark: %lu", GetLastError());
    EVT_HANDLE ok2 = pEvtCreateBookmark(L"<BookmarkList/>");
    check("bookmark-parse-self-closed", ok2 && xml_is(ok2, empty), "EvtCreateBookmark(<BookmarkList/>): %lu", GetLastError());
    if (ok1) pEvtClose(ok1);
    if (ok2) pEvtClose(ok2);
    static const WCHAR *const bad[] = {
        L"", L"x", L"<BookmarkList>", L"<BookmarkList><Bookmark Channel='System'/></BookmarkList>",
        L"<BookmarkList><Bookmark Channel='System' RecordId='-1'/></BookmarkList>",
        L"<BookmarkList><Bookmark Channel='System' RecordId='99999999999999999999999'/></BookmarkList>",
        L"<BookmarkList><Bookmark Channel='System' RecordId='5'></BookmarkList>",
        L"<BookmarkList></BookmarkList>x", L"<BookmarkList><Bookmark Channel='System' RecordId='5' Evil='1'/></BookmarkList>",
        L"<BookmarkList><Bookmark Channel='Sys&bogus;' RecordId='5'/></BookmarkList>",
        L"<BookmarkList><Bookmark Channel='' RecordId='5'/></BookmarkList>",
        L"<BookmarkList><Bookmark Channel='System\" RecordId='5'/></BookmarkList>",
        L"<BookmarkList><Bookmark Channel='System' RecordId='5' RecordId='6'/></BookmarkList>",
        L"<BookmarkList><Bookmark Channel='A<B' RecordId='5'/></BookmarkList>",
        L"<BookmarkList><Bookmark Channel='&#0;' RecordId='5'/></BookmarkList>",
        L"<Bookmark Channel='System' RecordId='5'/>",
    };
    int refused = 0, nb = (int)(sizeof bad / sizeof *bad);
    for (int i = 0; i < nb; i++) {
        EVT_HANDLE b = pEvtCreateBookmark(bad[i]);
        if (!b && GetLastError() == ERROR_EVT_MALFORMED_XML_TEXT)
            refused++;
        else if (b)
            pEvtClose(b);
    }
    /* 65 channels, and a 70,000-character text */
    size_t cap = 80000;
    WCHAR *big = malloc(cap * sizeof(WCHAR));
    wcscpy(big, L"<BookmarkList>");
    for (int i = 0; i < 65; i++)
        swprintf(big + wcslen(big), cap - wcslen(big), L"<Bookmark Channel='C%d' RecordId='1'/>", i);
    wcscat(big, L"</BookmarkList>");
    EVT_HANDLE b65 = pEvtCreateBookmark(big);
    refused += !b65 && GetLastError() == ERROR_EVT_MALFORMED_XML_TEXT;
    wcscpy(big, L"<BookmarkList><Bookmark Channel='");
    for (size_t i = wcslen(big); i < 70000; i++)
        big[i] = L'A';
    wcscpy(big + 70000, L"' RecordId='1'/></BookmarkList>");
    EVT_HANDLE bhuge = pEvtCreateBookmark(big);
    refused += !bhuge && GetLastError() == ERROR_EVT_MALFORMED_XML_TEXT;
    free(big);
    check("bookmark-hostile-refused", refused == nb + 2, "%d of %d malformed bookmarks refused 15008", refused, nb + 2);
    pEvtClose(s);
}

/* ------------------------------------------------------------------ EvtSeek */

static uint64_t seek_next(EVT_HANDLE q, LONGLONG pos, EVT_HANDLE bm, DWORD flags, DWORD *err)
{
    *err = 0;
    if (!pEvtSeek(q, pos, bm, 0, flags)) {
        *err = GetLastError();
        return 0;
    }
    EVT_HANDLE ev;
    DWORD got;
    rec r = {0, 0, 0, 0};
    if (!pEvtNext(q, 1, &ev, INFINITE, 0, &got)) {
        *err = GetLastError();
        return 0;
    }
    render_rec(ev, &r);
    pEvtClose(ev);
    return r.id;
}

static void check_seek(void)
{
    char why[600] = "";
    EVT_HANDLE s = session(L"stat");
    EVT_HANDLE q = pEvtQuery(s, L"System", L"*", EvtQueryChannelPath | EvtQueryForwardDirection);
    EVT_HANDLE b150 = pEvtCreateBookmark(L"<BookmarkList><Bookmark Channel='System' RecordId='150'/></BookmarkList>");
    EVT_HANDLE b200 = pEvtCreateBookmark(L"<BookmarkList><Bookmark Channel='System' RecordId='200'/></BookmarkList>");
    EVT_HANDLE bapp = pEvtCreateBookmark(L"<BookmarkList><Bookmark Channel='Application' RecordId='150'/></BookmarkList>");
    DWORD e;
    BOOL sk = pEvtSeek(q, 1, b150, 0, EvtSeekRelativeToBookmark);
    static rec r[300];
    int n = 0;
    DWORD de = sk ? drain(q, r, &n, 300, NULL) : GetLastError();
    check("seek-after-bookmark", sk && de == ERROR_NO_MORE_ITEMS && ids_exact("stat", r, n, 151, 200, why, sizeof why),
          "EvtSeek %d, end %lu: %s", sk, de, why);
    uint64_t k0 = seek_next(q, 0, b150, EvtSeekRelativeToBookmark, &e);
    check("seek-bookmark-offset-0", k0 == 150, "lands on %llu (err %lu), expected 150", (unsigned long long)k0, e);
    uint64_t kc = seek_next(q, 1, b200, EvtSeekRelativeToBookmark, &e);
    check("seek-past-end-clamps", kc == 200, "offset 1 from the last record lands on %llu (err %lu); documented: the last record",
          (unsigned long long)kc, e);
    uint64_t ks = seek_next(q, 1, b200, EvtSeekRelativeToBookmark | EvtSeekStrict, &e);
    check("seek-past-end-strict", ks == 0 && e == ERROR_EVT_QUERY_RESULT_INVALID_POSITION, "%llu err %lu", (unsigned long long)ks, e);
    uint64_t kf = seek_next(q, 0, NULL, EvtSeekRelativeToFirst, &e), kl = seek_next(q, 0, NULL, EvtSeekRelativeToLast, &e);
    uint64_t kl3 = seek_next(q, -3, NULL, EvtSeekRelativeToLast, &e);
    check("seek-first-last", kf == 1 && kl == 200 && kl3 == 197, "first %llu last %llu last-3 %llu", (unsigned long long)kf,
          (unsigned long long)kl, (unsigned long long)kl3);
    BOOL bad = pEvtSeek(q, -1, NULL, 0, EvtSeekRelativeToFirst);
    DWORD be = GetLastError();
    uint64_t kapp = seek_next(q, 1, bapp, EvtSeekRelativeToBookmark, &e);
    check("seek-refusals", !bad && be == ERROR_INVALID_PARAMETER && kapp == 0 && e == ERROR_NOT_FOUND,
          "negative from first: %d %lu; a bookmark of another channel: %llu %lu", bad, be, (unsigned long long)kapp, e);
    pEvtClose(q);

    /* a filtered result set and a bookmarked record it does not hold (EVT_SEEK_FLAGS' table) */
    const fleet_server *f = fs("stat");
    fg_spread sp = fleet_spread(f);
    uint64_t miss = 0, after = 0, before = 0;
    for (uint64_t k = 60; k <= 200 && !after; k++) {
        fg_event ev;
        fleetgen_event(f->name, f->seed, &sp, k, &ev);
        if (ev.level == 2 && miss)
            after = k;
        else if (ev.level == 2)
            before = k;
        else if (!miss && before)
            miss = k;
    }
    WCHAR xml[200];
    swprintf(xml, 200, L"<BookmarkList><Bookmark Channel='System' RecordId='%llu'/></BookmarkList>", (unsigned long long)miss);
    EVT_HANDLE bmiss = pEvtCreateBookmark(xml);
    q = pEvtQuery(s, L"System", L"*[System[Level=2]]", EvtQueryChannelPath | EvtQueryForwardDirection);
    uint64_t a0 = seek_next(q, 0, bmiss, EvtSeekRelativeToBookmark, &e), a1 = seek_next(q, 1, bmiss, EvtSeekRelativeToBookmark, &e);
    uint64_t am = seek_next(q, -1, bmiss, EvtSeekRelativeToBookmark, &e);
    uint64_t as = seek_next(q, 1, bmiss, EvtSeekRelativeToBookmark | EvtSeekStrict, &e);
    check("seek-bookmark-not-in-set", miss && a0 == after && a1 == after && am == before && as == 0 && e == ERROR_NOT_FOUND,
          "bookmark %llu: offsets 0,1 -> %llu,%llu (want %llu), -1 -> %llu (want %llu), strict %llu err %lu",
          (unsigned long long)miss, (unsigned long long)a0, (unsigned long long)a1, (unsigned long long)after,
          (unsigned long long)am, (unsigned long long)before, (unsigned long long)as, e);
    pEvtClose(q);
    q = pEvtQuery(s, L"System", L"*", EvtQueryChannelPath | EvtQueryReverseDirection);
    uint64_t rv = seek_next(q, 1, b150, EvtSeekRelativeToBookmark, &e);
    check("seek-reverse", rv == 149, "reverse result set, offset 1 from 150: %llu (err %lu)", (unsigned long long)rv, e);
    pEvtClose(q);
    pEvtClose(bmiss);
    pEvtClose(b150);
    pEvtClose(b200);
    pEvtClose(bapp);
    pEvtClose(s);
}

/* ------------------------------------------------------------------ EvtSubscribe's arguments */

static EVT_HANDLE g_slow_session;
static DWORD WINAPI t_slow_subscribe(void *p)
{
    HANDLE sig = CreateEventW(NULL, TRUE, FALSE, NULL);
    EVT_HANDLE sub = pEvtSubscribe(g_slow_session, sig, L"System", NULL, NULL, NULL, NULL, EvtSubscribeToFutureEvents);
    *(DWORD *)p = sub ? 0 : GetLastError();
    if (sub)
        pEvtClose(sub);
    CloseHandle(sig);
    return 0;
}

static DWORD WINAPI dummy_callback(EVT_SUBSCRIBE_NOTIFY_ACTION a, PVOID c, EVT_HANDLE e) { return 0; }

static DWORD sub_error(const WCHAR *server, HANDLE sig, const WCHAR *path, const WCHAR *query, EVT_HANDLE bm,
                       EVT_SUBSCRIBE_CALLBACK cb, DWORD flags)
{
    EVT_HANDLE s = session(server);
    EVT_HANDLE sub = pEvtSubscribe(s, sig, path, query, bm, NULL, cb, flags);
    DWORD e = sub ? 0 : GetLastError();
    if (sub)
        pEvtClose(sub);
    pEvtClose(s);
    return e;
}

static void check_arguments(void)
{
    HANDLE sig = CreateEventW(NULL, TRUE, FALSE, NULL);
    EVT_HANDLE bm = pEvtCreateBookmark(NULL);
    const DWORD fut = EvtSubscribeToFutureEvents;
    struct { const char *name; DWORD got, want; } c[] = {
        {"callback-not-simulated", sub_error(L"stat", NULL, L"System", NULL, NULL, dummy_callback, fut), ERROR_NOT_SUPPORTED},
        {"signal-and-callback", sub_error(L"stat", sig, L"System", NULL, NULL, dummy_callback, fut), ERROR_INVALID_PARAMETER},
        {"neither-signal-nor-callback", sub_error(L"stat", NULL, L"System", NULL, NULL, NULL, fut), ERROR_INVALID_PARAMETER},
        {"no-origin-flag", sub_error(L"stat", sig, L"System", NULL, NULL, NULL, EvtSubscribeStrict), ERROR_INVALID_PARAMETER},
        {"after-bookmark-without-one", sub_error(L"stat", sig, L"System", NULL, NULL, NULL, EvtSubscribeStartAfterBookmark), ERROR_INVALID_PARAMETER},
        {"bookmark-with-future", sub_error(L"stat", sig, L"System", NULL, bm, NULL, fut), ERROR_INVALID_PARAMETER},
        {"subscribe-bad-query", sub_error(L"stat", sig, L"System", L"*[System[not(Level=2)]]", NULL, NULL, fut), ERROR_EVT_INVALID_QUERY},
        {"subscribe-xpath-needs-path", sub_error(L"stat", sig, NULL, L"*[System[Level=2]]", NULL, NULL, fut), ERROR_INVALID_PARAMETER},
        {"subscribe-no-channel", sub_error(L"stat", sig, L"Nope", NULL, NULL, NULL, fut), ERROR_EVT_CHANNEL_NOT_FOUND},
        {"subscribe-unknown-server", sub_error(L"nosuch", sig, L"System", NULL, NULL, NULL, fut), RPC_S_SERVER_UNAVAILABLE},
        {"subscribe-down-server", sub_error(L"gone", sig, L"System", NULL, NULL, NULL, fut), RPC_S_SERVER_UNAVAILABLE},
        {"subscribe-empty-bookmark-strict", sub_error(L"stat", sig, L"System", NULL, bm, NULL,
                                                      EvtSubscribeStartAfterBookmark | EvtSubscribeStrict), ERROR_NOT_FOUND},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++)
        check(c[i].name, c[i].got == c[i].want, "EvtSubscribe failed %lu, expected %lu", c[i].got, c[i].want);

    /* an empty bookmark without Strict: documented, "the subscription will begin with the second
     * event that matches the query criteria" */
    EVT_HANDLE s = session(L"stat");
    EVT_HANDLE sub = pEvtSubscribe(s, sig, L"System", NULL, bm, NULL, NULL, EvtSubscribeStartAfterBookmark);
    rec r[300];
    int n = 0;
    if (sub) {
        drain(sub, r, &n, 300, NULL);
        pEvtClose(sub);
    }
    check("empty-bookmark-starts-at-second", n == 199 && r[0].id == 2, "%d records from %llu", n, n ? (unsigned long long)r[0].id : 0ull);
    pEvtClose(s);

    /* EvtCancel of the session ends a slow EvtSubscribe (the connect) */
    g_slow_session = session(L"slow");
    DWORD err = 0, t0 = GetTickCount();
    HANDLE th = CreateThread(NULL, 0, t_slow_subscribe, &err, 0, NULL);
    Sleep(200);
    pEvtCancel(g_slow_session);
    DWORD w = WaitForSingleObject(th, 2500), ms = GetTickCount() - t0;
    check("subscribe-cancelled", w == WAIT_OBJECT_0 && err == ERROR_CANCELLED && ms < 1500, "wait %lu err %lu after %lu ms", w, err, ms);
    CloseHandle(th);
    pEvtClose(g_slow_session);
    pEvtClose(bm);
    CloseHandle(sig);
}

/* ------------------------------------------------------------------ a log that wraps */

static void check_wrap(void)
{
    char why[600] = "";
    wait_until(1500);
    EVT_HANDLE s = session(L"wrap");
    uint64_t o1 = log_u64(s, EvtLogOldestRecordNumber), n1 = log_u64(s, EvtLogNumberOfLogRecords), full = log_u64(s, EvtLogFull);
    Sleep(500);
    uint64_t o2 = log_u64(s, EvtLogOldestRecordNumber);
    check("wrap-oldest-follows", o1 > 100 && n1 == 60 && full == 1 && o2 >= o1 + 15 && o2 <= o1 + 40,
          "oldest %llu then %llu 500 ms later (rate=50), %llu records (maxrecords=60), full %llu", (unsigned long long)o1,
          (unsigned long long)o2, (unsigned long long)n1, (unsigned long long)full);
    HANDLE sig = CreateEventW(NULL, TRUE, FALSE, NULL);
    EVT_HANDLE b45 = pEvtCreateBookmark(L"<BookmarkList><Bookmark Channel='System' RecordId='45'/></BookmarkList>");
    EVT_HANDLE sub = pEvtSubscribe(s, sig, L"System", NULL, b45, NULL, NULL, EvtSubscribeStartAfterBookmark | EvtSubscribeStrict);
    DWORD se = GetLastError();
    check("strict-bookmark-overwritten", !sub && se == ERROR_NOT_FOUND, "EvtSubscribe strict, record 45 overwritten: %p err %lu", sub, se);
    if (sub)
        pEvtClose(sub);

    /* subscribed, then not reading while the log wraps past what it had not read */
    static rec r[400];
    for (int strict = 1; strict >= 0; strict--) {
        sub = pEvtSubscribe(s, sig, L"System", NULL, NULL, NULL, NULL, EvtSubscribeStartAtOldestRecord | (strict ? EvtSubscribeStrict : 0));
        Sleep(1600);
        uint64_t oldest = log_u64(s, EvtLogOldestRecordNumber);
        EVT_HANDLE evs[8];
        DWORD got = 0;
        BOOL ok = sub && pEvtNext(sub, 8, evs, INFINITE, 0, &got);
        DWORD e = GetLastError();
        for (DWORD i = 0; ok && i < got; i++)
            pEvtClose(evs[i]);
        int n = 0;
        DWORD de = sub ? drain(sub, r, &n, 400, NULL) : 0;
        if (strict)
            check("strict-stale-when-overwritten", !ok && e == ERROR_EVT_QUERY_RESULT_STALE && de == ERROR_NO_MORE_ITEMS && n &&
                  r[0].id >= oldest && ids_exact("wrap", r, n, r[0].id, r[n - 1].id, why, sizeof why),
                  "first EvtNext %d err %lu; then %d records from %llu (oldest %llu): %s", ok, e, n,
                  n ? (unsigned long long)r[0].id : 0ull, (unsigned long long)oldest, why);
        else
            check("lenient-skips-overwritten", ok && got && de == ERROR_NO_MORE_ITEMS, "first EvtNext %d err %lu", ok, e);
        if (sub)
            pEvtClose(sub);
    }
    EVT_HANDLE q = pEvtQuery(s, L"System", L"*", EvtQueryChannelPath | EvtQueryForwardDirection);
    Sleep(1500);
    EVT_HANDLE ev;
    DWORD got;
    BOOL ok = q && pEvtNext(q, 1, &ev, INFINITE, 0, &got);
    check("query-stale-when-overwritten", !ok && GetLastError() == ERROR_EVT_QUERY_RESULT_STALE, "EvtNext %d err %lu", ok, GetLastError());
    if (q)
        pEvtClose(q);
    pEvtClose(b45);
    pEvtClose(s);
    CloseHandle(sig);
}

/* ------------------------------------------------------------------ EvtClose while a thread waits */

static HANDLE g_wsig, g_wstop;
static volatile LONG g_wsignals;
static DWORD WINAPI t_waiter(void *unused)
{
    HANDLE hs[2] = {g_wstop, g_wsig};
    for (;;) {
        DWORD w = WaitForMultipleObjects(2, hs, FALSE, 10000);
        if (w != WAIT_OBJECT_0 + 1)
            return w;
        InterlockedIncrement(&g_wsignals);
        ResetEvent(g_wsig);
    }
}

static void check_close_while_waiting(void)
{
    g_wsig = CreateEventW(NULL, TRUE, FALSE, NULL);
    g_wstop = CreateEventW(NULL, TRUE, FALSE, NULL);
    EVT_HANDLE s = session(L"live");
    EVT_HANDLE sub = pEvtSubscribe(s, g_wsig, L"System", NULL, NULL, NULL, NULL, EvtSubscribeToFutureEvents);
    HANDLE th = CreateThread(NULL, 0, t_waiter, NULL, 0, NULL);
    Sleep(500);
    LONG before = g_wsignals;
    BOOL c = sub && pEvtClose(sub);
    Sleep(100);
    LONG at_close = g_wsignals;
    Sleep(600);
    LONG later = g_wsignals;
    DWORD still = WaitForSingleObject(th, 0);
    EVT_HANDLE evs[2];
    DWORD got;
    BOOL n = pEvtNext(sub, 2, evs, 0, 0, &got);
    DWORD ne = GetLastError();
    SetEvent(g_wstop);
    DWORD w = WaitForSingleObject(th, 2000), code = 99;
    GetExitCodeThread(th, &code);
    check("close-while-waiting", c && before > 0 && later == at_close && still == WAIT_TIMEOUT && w == WAIT_OBJECT_0 &&
          code == WAIT_OBJECT_0 && !n && ne == ERROR_INVALID_HANDLE,
          "close %d; signals %ld before, %ld at close, %ld 600 ms later; waiter %lu/%lu exit %lu; EvtNext after %d %lu",
          c, before, at_close, later, still, w, code, n, ne);
    CloseHandle(th);

    /* the client closes its event before the subscription: the fake signals its own duplicate */
    HANDLE sig3 = CreateEventW(NULL, TRUE, FALSE, NULL);
    EVT_HANDLE sub3 = pEvtSubscribe(s, sig3, L"System", NULL, NULL, NULL, NULL, EvtSubscribeToFutureEvents);
    CloseHandle(sig3);
    Sleep(300);
    check("event-closed-first", sub3 && pEvtClose(sub3), "EvtClose after the event's CloseHandle: %lu", GetLastError());
    pEvtClose(s);
    CloseHandle(g_wsig);
    CloseHandle(g_wstop);
}

int wmain(int argc, WCHAR **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 2) {
        printf("FAIL usage: subscribe_test FLEET-FILE\n");
        return 1;
    }
    FILE *ff = _wfopen(argv[1], L"wb");
    for (int i = 0; ff && i < NFLEET; i++) {
        char err[256];
        if (fleet_parse_line(FLEET[i], &g_fs[i], err, sizeof err) != 1) {
            printf("FAIL fleet-line: %s\n", err);
            return 1;
        }
        fprintf(ff, "%s\n", FLEET[i]);
    }
    if (!ff || fclose(ff) || !SetEnvironmentVariableW(L"ESFAKE_FLEET", argv[1])) {
        printf("FAIL fleet-file: cannot write it\n");
        return 1;
    }
    g_load_lo = now_ticks();
    HMODULE dll = LoadLibraryExW(L"wevtapi.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    g_load_hi = now_ticks();
    if (!dll) {
        printf("FAIL load: %lu\n", GetLastError());
        return 1;
    }
#define LOAD(n) p##n = (__typeof__(n) *)(void *)GetProcAddress(dll, #n); if (!p##n) { printf("FAIL load: no export %s\n", #n); return 1; }
    LOAD(EvtOpenSession) LOAD(EvtQuery) LOAD(EvtNext) LOAD(EvtRender) LOAD(EvtCreateRenderContext) LOAD(EvtCancel)
    LOAD(EvtClose) LOAD(EvtSeek) LOAD(EvtOpenLog) LOAD(EvtGetLogInfo) LOAD(EvtSubscribe) LOAD(EvtCreateBookmark)
    LOAD(EvtUpdateBookmark)
    g_sysctx = pEvtCreateRenderContext(0, NULL, EvtRenderContextSystem);
    HANDLE th[3] = {CreateThread(NULL, 0, t_drop, NULL, 0, NULL), CreateThread(NULL, 0, t_future, NULL, 0, NULL),
                    CreateThread(NULL, 0, t_clear, NULL, 0, NULL)};
    check_bookmarks();
    check_seek();
    check_arguments();
    check_wrap();
    check_close_while_waiting();
    DWORD w = WaitForMultipleObjects(3, th, TRUE, 30000);
    check("threads-done", w < WAIT_OBJECT_0 + 3, "the timed scenarios did not end: %lu", w);
    pEvtClose(g_sysctx);

    WCHAR leaks[MAX_PATH];
    if (GetEnvironmentVariableW(L"ESFAKE_LEAKS", leaks, MAX_PATH) && leaks[0] != L'/') {
        DeleteFileW(leaks);
        FreeLibrary(dll);
        char text[1024] = "";
        for (int i = 0; i < 40 && !text[0]; i++) {   /* the notifier thread holds the DLL until it ends */
            Sleep(50);
            FILE *f = _wfopen(leaks, L"rb");
            if (f) {
                text[fread(text, 1, sizeof text - 1, f)] = 0;
                fclose(f);
            }
        }
        check("handle-report", strstr(text, "open_handles=0\r\n") == text && strstr(text, "open_subscriptions=0\r\n") &&
              strstr(text, "open_bookmarks=0\r\n"), "report: \"%s\"", text);
    }
    printf("%s\n", g_fail ? "subscribe_test: FAILED" : "subscribe_test: all passed");
    return g_fail ? 1 : 0;
}
