/* The SIMULATED FLEET's subscriptions: EvtSubscribe (the pull model, with a signal event) and
 * EvtNext on a subscription. Test-only, part of the fake wevtapi.dll; see tests/fake/README
 * ("Live servers", "Subscriptions"). Bookmarks are bookmark.c's.
 *
 * A subscription is a cursor (`next`, the next record to look at) over a server's live log
 * (fleetgen's fleet_newest / fleet_oldest). One notifier thread, started with the first
 * subscription and ended with the last, sets a subscription's signal event while a record it
 * would return exists, and when its server went away. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake.h"

#define EVT_EXPORT

/* ------------------------------------------------------------------ subscriptions */

struct fake_sub {
    HANDLE    signal;       /* our duplicate of the caller's event */
    xp_query *xq;           /* NULL: every record */
    int       strict, broken, ignore_time;
    uint64_t  next;         /* the next record to look at */
    uint64_t  scan;         /* the notifier looked at next..scan-1 and found nothing */
    uint64_t  since;        /* ticks after the load when it was made (a later drop breaks it) */
    uint64_t  returned;
    uint32_t  seq;
};

static int sub_match(const obj *o, uint64_t k) { return rec_match(o, o->sub->xq, k, now_ticks(), o->sub->ignore_time); }

/* The first record in from..to its query selects, or 0. */
static uint64_t first_match(const obj *o, uint64_t from, uint64_t to)
{
    for (uint64_t k = from; k <= to; k++)
        if (sub_match(o, k))
            return k;
    return 0;
}

/* ---- the notifier: one thread while any subscription is open ---- */

static SRWLOCK g_subs_lock = SRWLOCK_INIT;
static obj   **g_subs;
static int     g_nsubs, g_capsubs, g_notifier_running;

static void notify_one(obj *o, uint64_t t)
{
    struct fake_sub *s = o->sub;
    if (s->broken)
        return;
    if (went_away(o->srv, s->since, t)) {
        s->broken = 1;   /* EvtNext tells the client; wake it */
        SetEvent(s->signal);
        return;
    }
    uint64_t newest = fleet_newest(o->srv, t), oldest = fleet_oldest(o->srv, t);
    if (s->strict && s->next < oldest && s->next <= newest) {
        SetEvent(s->signal);   /* records it had not read are gone: EvtNext says so */
        return;
    }
    if (s->scan < s->next)
        s->scan = s->next;
    if (s->scan < oldest)
        s->scan = oldest;
    int budget = 4096;
    while (s->scan <= newest && budget > 0 && !sub_match(o, s->scan)) {
        s->scan++;
        budget--;
    }
    if (s->scan <= newest)   /* a record to return (or more to look at: EvtNext will) */
        SetEvent(s->signal);
}

static DWORD WINAPI notifier_main(void *param)
{
    HMODULE self = param;
    for (;;) {
        AcquireSRWLockExclusive(&g_subs_lock);
        if (g_nsubs == 0) {
            g_notifier_running = 0;
            ReleaseSRWLockExclusive(&g_subs_lock);
            FreeLibraryAndExitThread(self, 0);
        }
        uint64_t t = since_load();
        for (int i = 0; i < g_nsubs; i++) {
            obj *o = g_subs[i];
            if (TryEnterCriticalSection(&o->cs)) {   /* an EvtNext in progress: next round */
                notify_one(o, t);
                LeaveCriticalSection(&o->cs);
            }
        }
        ReleaseSRWLockExclusive(&g_subs_lock);
        Sleep(15);
    }
}

/* Registers an open subscription (the list holds a reference) and starts the notifier. */
static int sub_register(obj *o)
{
    int ok = 1;
    AcquireSRWLockExclusive(&g_subs_lock);
    if (g_nsubs == g_capsubs) {
        int cap = g_capsubs ? g_capsubs * 2 : 16;
        obj **n = realloc(g_subs, (size_t)cap * sizeof *n);
        if (n) {
            g_subs = n;
            g_capsubs = cap;
        } else {
            ok = 0;
        }
    }
    if (ok && !g_notifier_running) {
        /* the thread holds a reference to this DLL, dropped by FreeLibraryAndExitThread */
        HMODULE self;
        HANDLE th = NULL;
        if (GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, (LPCWSTR)(void *)notifier_main, &self)) {
            th = CreateThread(NULL, 64 * 1024, notifier_main, self, 0, NULL);
            if (!th)
                FreeLibrary(self);
        }
        if (th) {
            CloseHandle(th);
            g_notifier_running = 1;
        } else {
            ok = 0;
        }
    }
    if (ok) {
        InterlockedIncrement(&o->refs);
        g_subs[g_nsubs++] = o;
    }
    ReleaseSRWLockExclusive(&g_subs_lock);
    return ok;
}

void sub_closed(obj *o)
{
    int found = 0;
    AcquireSRWLockExclusive(&g_subs_lock);   /* the notifier signals under this lock */
    for (int i = 0; i < g_nsubs; i++)
        if (g_subs[i] == o) {
            g_subs[i] = g_subs[--g_nsubs];
            found = 1;
            break;
        }
    ReleaseSRWLockExclusive(&g_subs_lock);
    if (found)
        obj_release(o);   /* the list's reference; EvtClose still holds the table's */
}

void sub_free(obj *o)
{
    if (o->sub) {
        xp_free(o->sub->xq);
        if (o->sub->signal)
            CloseHandle(o->sub->signal);
        free(o->sub);
        o->sub = NULL;
    }
    free(o->bm);
    o->bm = NULL;
}

EVT_EXPORT EVT_HANDLE WINAPI EvtSubscribe(EVT_HANDLE Session, HANDLE SignalEvent, LPCWSTR ChannelPath, LPCWSTR Query,
                                          EVT_HANDLE Bookmark, PVOID Context, EVT_SUBSCRIBE_CALLBACK Callback, DWORD Flags)
{
    fleet_init();
    obj *sess = NULL, *bm = NULL, *o = NULL;
    EVT_HANDLE result = NULL;
    char path[256] = "", *q8 = NULL;
    xp_query *xq = NULL;
    DWORD origin = Flags & EvtSubscribeOriginMask;
    if (Session && !(sess = get(Session, T_SESSION)))
        return NULL;
    if ((Callback && SignalEvent) || (!Callback && !SignalEvent) || origin == 0 ||
        (Flags & ~(DWORD)(EvtSubscribeOriginMask | EvtSubscribeTolerateQueryErrors | EvtSubscribeStrict)) ||
        ((origin == EvtSubscribeStartAfterBookmark) != (Bookmark != NULL)) ||
        (ChannelPath && !to_utf8(ChannelPath, path, sizeof path))) {
        fail(ERROR_INVALID_PARAMETER, L"The parameter is incorrect.");
        goto out;
    }
    if (Callback) {
        fail(ERROR_NOT_SUPPORTED, L"The simulated fleet has pull subscriptions only (a SignalEvent, no Callback).");
        goto out;
    }
    if (Bookmark && !(bm = get(Bookmark, T_BOOKMARK)))
        goto out;
    if (!compile_query(Query, path, &xq, &q8))
        goto out;
    const char *channel = xp_channel(xq);
    /* like EvtQuery: the connect (cancelled by EvtCancel of the session), then the server answers */
    const fleet_server *srv = reach_server(sess, channel, 0);
    if (!srv)
        goto out;
    struct fake_sub *s = calloc(1, sizeof *s);
    o = s ? obj_new(T_SUB) : NULL;
    if (!o || !DuplicateHandle(GetCurrentProcess(), SignalEvent, GetCurrentProcess(), &s->signal, 0, FALSE,
                               DUPLICATE_SAME_ACCESS)) {
        DWORD e = o ? ERROR_INVALID_HANDLE : ERROR_OUTOFMEMORY;
        if (o) {
            s->signal = NULL;
            o->sub = s;   /* freed with it */
        } else {
            free(s);
        }
        fail(e, e == ERROR_INVALID_HANDLE ? L"The signal event handle is invalid." : L"Out of memory.");
        goto out;
    }
    o->sub = s;
    o->srv = srv;
    strcpy(o->name, srv->name);
    strcpy(o->channel, channel);
    o->now = srv->clock_load ? g_load_ticks : now_ticks();
    s->xq = xp_is_all(xq) ? NULL : xq;
    if (s->xq)
        xq = NULL;
    s->strict = (Flags & EvtSubscribeStrict) != 0;
    s->ignore_time = srv->nofilter;
    s->seq = (uint32_t)fleetgen_name_hash(srv->name) ^ 0x5u;
    uint64_t t = since_load(), newest = fleet_newest(srv, t), oldest = fleet_oldest(srv, t), rid = 0;
    s->since = t;
    if (origin == EvtSubscribeToFutureEvents) {
        s->next = newest + 1;
    } else if (origin == EvtSubscribeStartAtOldestRecord) {
        s->next = oldest;
    } else if (bm_lookup(bm, channel, &rid) && rid >= oldest && rid <= newest) {
        s->next = rid + 1;
    } else if (s->strict) {
        fail(ERROR_NOT_FOUND, L"The bookmarked event is not in the log (EvtSubscribeStrict).");
        goto out;
    } else if (rid > newest) {
        s->next = newest + 1;
    } else {
        /* documented: "begins with the event that is after the event that is closest to the
         * bookmarked event" (an empty bookmark: "with the second event that matches") */
        uint64_t k = first_match(o, oldest, newest);
        s->next = k ? k + 1 : newest + 1;
    }
    s->scan = s->next;
    o->session = sess;
    sess = NULL;   /* the subscription keeps the reference */
    if (o->session)
        InterlockedExchange(&o->session->connected, 1);
    obj *made = o;
    o = NULL;
    result = publish(made);   /* the table holds it now (publish frees it when it fails) */
    if (result && !sub_register(made)) {
        EvtClose(result);
        result = NULL;
        fail(ERROR_OUTOFMEMORY, L"Out of memory.");
    }
out:
    obj_release(o);
    obj_release(bm);
    obj_release(sess);
    xp_free(xq);
    free(q8);
    return result;
}

/* EvtNext on a subscription: what is there now, never waiting for more (the client waits on its
 * signal event): ERROR_NO_MORE_ITEMS at once when nothing is. */
BOOL sub_next(obj *o, DWORD n, EVT_HANDLE *events, DWORD timeout, DWORD *returned)
{
    struct fake_sub *s = o->sub;
    const fleet_server *srv = o->srv;
    BOOL ok = FALSE;
    EnterCriticalSection(&o->cs);
    DWORD delay = srv->next_latency_ms;   /* one round trip */
    DWORD w = sim_wait(o, o->session, timeout != INFINITE && delay > timeout ? timeout : delay);
    if (w) {
        fail(ERROR_CANCELLED, L"The operation was canceled by the user.");
        goto out;
    }
    if (timeout != INFINITE && delay > timeout) {
        fail(ERROR_TIMEOUT, L"This operation returned because the timeout period expired.");
        goto out;
    }
    uint64_t t = since_load();
    if (s->broken || went_away(srv, s->since, t)) {
        s->broken = 1;   /* for good: subscribe again (after the bookmark) once the server is back */
        fail(RPC_S_CALL_FAILED, L"The remote procedure call failed.");
        goto out;
    }
    uint64_t newest = fleet_newest(srv, t), oldest = fleet_oldest(srv, t);
    if (s->next < oldest) {
        int lost = s->next <= newest;
        s->next = oldest;   /* cleared or overwritten before it was read */
        if (s->strict && lost) {
            fail(ERROR_EVT_QUERY_RESULT_STALE, L"Event records are missing: the log was cleared or overwritten "
                 L"before the subscription read them.");
            goto out;
        }
    }
    uint64_t want = n, cap = 1 + mix64(s->seq++) % 37, ks[64], found = 0, k = s->next;
    if (want > cap)
        want = cap;
    for (; k <= newest && found < want; k++)
        if (sub_match(o, k))
            ks[found++] = k;
    s->next = k;
    if (!found) {
        fail(ERROR_NO_MORE_ITEMS, L"No more data is available.");
        goto out;
    }
    if (!hand_out(o, ks, found, s->returned, events)) {
        s->next = ks[0];   /* nothing was handed out */
        goto out;
    }
    s->returned += found;
    *returned = (DWORD)found;
    ok = TRUE;
out:
    LeaveCriticalSection(&o->cs);
    return ok;
}
