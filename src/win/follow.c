/* Live follow of one server's log (see follow.h). */
#include "follow.h"
#include "coverage.h"
#include "sweep.h"
#include "wevtval.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define FOLLOW_NEXT     64      /* events per EvtNext */
#define FOLLOW_POLL_MS  250     /* a wait for the signal wakes this often (Stop, a cancel) */
#define FOLLOW_CHECK    20      /* ...and every 20th wakes EvtNext anyway (5 s): a server that is
                                   gone is noticed even when no signal comes */

static const unsigned k_pause_s[] = {2, 5, 10, 30, 60};   /* before the 1st, 2nd, ... try again */

size_t follow_bookmark_xml(const WCHAR *channel, uint64_t record, WCHAR *out, size_t cap)
{
    size_t o = 0;
#define PUT(str)                                                                                   \
    do {                                                                                           \
        const WCHAR *p_ = (str);                                                                   \
        size_t l_ = wcslen(p_);                                                                    \
        if (o + l_ >= cap)                                                                         \
            return 0;                                                                              \
        memcpy(out + o, p_, l_ * sizeof(WCHAR));                                                   \
        o += l_;                                                                                   \
    } while (0)
    PUT(L"<BookmarkList>\r\n  <Bookmark Channel='");
    for (const WCHAR *c = channel; *c; c++) {
        WCHAR one[2] = {*c, 0};
        PUT(*c == L'&' ? L"&amp;" : *c == L'<' ? L"&lt;" : *c == L'>' ? L"&gt;" : *c == L'\'' ? L"&apos;"
            : *c == L'"' ? L"&quot;" : one);
    }
    WCHAR num[64];
    swprintf(num, 64, L"' RecordId='%llu' IsCurrent='true'/>\r\n</BookmarkList>", (unsigned long long)record);
    PUT(num);
#undef PUT
    out[o] = 0;
    return o;
}

/* A server lost on the way (worth a new session and another try), as opposed to an answer
 * that another try would only repeat (access denied, no such channel, a query it refuses). */
static BOOL lost(DWORD e)
{
    switch (e) {
    case RPC_S_SERVER_UNAVAILABLE:   /* 1722 */
    case RPC_S_SERVER_TOO_BUSY:      /* 1723 */
    case RPC_S_CALL_FAILED:          /* 1726 */
    case RPC_S_CALL_FAILED_DNE:      /* 1727 */
    case EPT_S_NOT_REGISTERED:       /* 1753 */
    case RPC_S_CALL_CANCELLED:       /* 1818 */
    case RPC_S_COMM_FAILURE:         /* 1820 */
    case ERROR_TIMEOUT:              /* 1460 */
    case ERROR_INVALID_HANDLE:       /* 6: the session's handle died with its connection */
    case ERROR_BAD_NETPATH:          /* 53 */
    case ERROR_NETNAME_DELETED:      /* 64 */
    case ERROR_CONNECTION_ABORTED:   /* 1236 */
    case ERROR_SEM_TIMEOUT:          /* 121 */
        return TRUE;
    default:
        return FALSE;
    }
}

/* Ends when the worker was cancelled: 0 for a Stop (following ended as asked), else the reason. */
static DWORD end_reason(const worker *w)
{
    DWORD why = worker_cancel_reason(w);
    return why == ERROR_CANCELLED ? 0 : why;
}

/* Records the follower will never see: the log wrapped or was cleared while the source was
 * away, or under the subscription. What is said at once is counted from the log's oldest record
 * (EvtGetLogInfo); the subscription then starts at the oldest record of a later moment (the log
 * goes on being written), so when the first record after the gap comes, the count is made exact:
 * the records up to that one (or up to the log's oldest then, with a filter that skips some) that
 * were not said yet are added. */
typedef struct follow_gap {
    BOOL     pending;   /* a gap was said; the first record after it has not come yet */
    uint64_t base;      /* the log's oldest record when it was said (0: unknown, a clear) */
} follow_gap;

static void note_lost(worker *w, const source_query *q, const wevt_api *api, EVT_HANDLE session, uint64_t last,
                      follow_gap *gap)
{
    uint64_t oldest = 0;
    if (gap->pending)
        return;   /* lost again before anything came: the first record's count covers both */
    gap->pending = TRUE;
    gap->base = 0;
    if (last && coverage_oldest_record(w, api, session, q->channel, &oldest, NULL) && oldest > last + 1) {
        worker_note_gap(w, oldest - last - 1);
        gap->base = oldest;
    } else {
        worker_note_gap(w, UINT64_MAX);   /* cleared (its numbers may start again): how many is unknown */
    }
}

/* The first record after a gap came (record id `got`): what was lost between the log's oldest
 * record at the gap and it, and not said yet, is said now. */
static void gap_settled(worker *w, const source_query *q, const wevt_api *api, EVT_HANDLE session, uint64_t got,
                        follow_gap *gap)
{
    gap->pending = FALSE;
    if (!gap->base || got <= gap->base)
        return;
    uint64_t upto = got, oldest = 0;
    if (coverage_oldest_record(w, api, session, q->channel, &oldest, NULL) && oldest < upto)
        upto = oldest;   /* a filter skipped the records oldest..got-1: they were there, not lost */
    if (upto > gap->base)
        worker_note_gap(w, upto - gap->base);
}

/* A subscription after the bookmark (from the oldest record when nothing was read yet); when
 * the bookmarked record is gone, the gap is said and the log is read from its oldest record. NULL
 * with *err when it failed. */
static EVT_HANDLE subscribe(worker *w, const source_query *q, const wevt_api *api, EVT_HANDLE session,
                            wevt_reader *r, HANDLE signal, follow_gap *gap, DWORD *err)
{
    const WCHAR *text = q->query_text ? q->query_text : L"*";
    EVT_HANDLE bookmark = NULL;
    /* Nothing read yet (the sweep's query matched nothing): from the oldest record, with the
     * same query. What matched it then is read already (nothing), and future events alone would
     * miss what was written since the query. After a gap (nothing read since): Strict, so that a
     * record lost before it is read is counted, not skipped. */
    DWORD flags = EvtSubscribeStartAtOldestRecord | (gap->pending ? EvtSubscribeStrict : 0);
    if (r->last_record) {
        WCHAR xml[600];
        if (!follow_bookmark_xml(q->channel, r->last_record, xml, 600)) {
            *err = ERROR_INVALID_NAME;   /* a channel name longer than any real one */
            return NULL;
        }
        bookmark = api->CreateBookmark(xml);
        if (!bookmark) {
            *err = GetLastError();
            return NULL;
        }
        flags = EvtSubscribeStartAfterBookmark | EvtSubscribeStrict;
    }
    worker_call_begin(w, FALSE);
    EVT_HANDLE sub = api->Subscribe(session, signal, q->channel, text, bookmark, NULL, NULL, flags);
    *err = sub ? 0 : GetLastError();
    worker_call_end(w);
    if (bookmark)
        api->Close(bookmark);
    if (sub || !r->last_record || (*err != ERROR_NOT_FOUND && *err != ERROR_EVT_QUERY_RESULT_STALE))
        return sub;
    /* The bookmarked record is no longer in the log: it wrapped (the oldest record is past the
     * bookmark: those between were overwritten) or was cleared. */
    note_lost(w, q, api, session, r->last_record, gap);
    r->last_record = 0;   /* the log's numbers from now on (a cleared log may start again at 1) */
    worker_call_begin(w, FALSE);
    sub = api->Subscribe(session, signal, q->channel, text, NULL, NULL, NULL,
                         EvtSubscribeStartAtOldestRecord | EvtSubscribeStrict);
    *err = sub ? 0 : GetLastError();
    worker_call_end(w);
    return sub;
}

/* Reads the subscription until the server is lost (its error) or the worker is cancelled (0). */
static DWORD pull(worker *w, const source_query *q, const wevt_api *api, EVT_HANDLE session, EVT_HANDLE sub,
                  wevt_reader *r, HANDLE signal, follow_gap *gap)
{
    unsigned quiet = 0;
    for (;;) {
        if (worker_cancelled(w))
            return 0;
        if (!worker_wait(w, signal, FOLLOW_POLL_MS) && ++quiet < FOLLOW_CHECK)
            continue;
        quiet = 0;
        /* Reset before reading: an event that comes after the last EvtNext sets it again. */
        ResetEvent(signal);
        for (;;) {
            EVT_HANDLE evs[FOLLOW_NEXT];
            DWORD got = 0;
            worker_call_begin(w, FALSE);
            BOOL ok = api->Next(sub, FOLLOW_NEXT, evs, 0, 0, &got);
            DWORD e = ok ? 0 : GetLastError();
            worker_call_end(w);
            if (!ok) {
                if (e == ERROR_NO_MORE_ITEMS || e == ERROR_TIMEOUT)
                    break;   /* all read: wait for the signal */
                if (e == ERROR_EVT_QUERY_RESULT_STALE) {   /* records went before they were read */
                    note_lost(w, q, api, session, r->last_record, gap);
                    continue;   /* the subscription goes on from the oldest record left */
                }
                return e ? e : ERROR_INVALID_DATA;
            }
            BOOL go_on = TRUE;
            DWORD err = 0;
            for (DWORD i = 0; i < got && go_on; i++) {
                uint64_t before = r->last_record;
                go_on = wevt_reader_emit(r, evs[i], q, &err);
                if (gap->pending && r->last_record != before)
                    gap_settled(w, q, api, session, r->last_record, gap);
            }
            worker_call_begin(w, FALSE);
            for (DWORD i = 0; i < got; i++)
                api->Close(evs[i]);
            worker_call_end(w);
            if (!go_on)
                return worker_cancelled(w) ? 0 : err ? err : ERROR_NOT_ENOUGH_MEMORY;
        }
    }
}

DWORD follow_run(worker *w, const source_query *q, const wevt_api *api, EVT_HANDLE *session, wevt_reader *r,
                 follow_publish_fn publish)
{
    if (!api->Subscribe || !api->CreateBookmark)
        return ERROR_PROC_NOT_FOUND;   /* this wevtapi.dll cannot subscribe */
    HANDLE signal = CreateEventW(NULL, TRUE, TRUE, NULL);
    if (!signal)
        return GetLastError();
    worker_follow_begin(w);
    DWORD err = 0;
    unsigned failures = 0;
    follow_gap gap = {FALSE, 0};
    while (!worker_cancelled(w)) {
        if (failures) {
            /* Lost: a pause (Stop ends it at once), then a new session and the same bookmark. */
            unsigned pause = k_pause_s[failures - 1 < 4 ? failures - 1 : 4];
            worker_set_state_detail(w, ES_STATE_RECONNECTING, FOLLOW_DETAIL(pause, err));
            ULONGLONG until = GetTickCount64() + pause * 1000ull;
            while (!worker_cancelled(w) && GetTickCount64() < until)
                worker_wait(w, NULL, FOLLOW_POLL_MS);
            if (worker_cancelled(w))
                break;
            publish(w, NULL, NULL);
            if (*session) {
                worker_call_begin(w, FALSE);
                api->Close(*session);
                worker_call_end(w);
                *session = NULL;
            }
            if (q->kind != ES_NAME_LOCAL || q->account) {
                worker_call_begin(w, FALSE);
                BOOL opened = wevt_open_session(api, q->target, q->kind, q->account, session, &err);
                worker_call_end(w);
                if (!opened) {
                    if (!lost(err))
                        break;   /* refused (a password changed meanwhile, say): the source's error */
                    failures++;
                    continue;
                }
                publish(w, *session, NULL);
            }
            /* the publishers' metadata belonged to the old session */
            worker_call_begin(w, FALSE);
            wevt_reader_reset_session(r, *session);
            worker_call_end(w);
        }
        EVT_HANDLE sub = subscribe(w, q, api, *session, r, signal, &gap, &err);
        if (!sub) {
            if (!lost(err))
                break;   /* another try would be refused the same way */
            failures++;
            continue;
        }
        publish(w, *session, sub);
        worker_set_state(w, ES_STATE_FOLLOWING);
        err = pull(w, q, api, *session, sub, r, signal, &gap);
        publish(w, *session, NULL);
        worker_call_begin(w, FALSE);
        api->Close(sub);
        worker_call_end(w);
        if (!err)
            break;   /* cancelled */
        if (!lost(err))
            break;
        failures = 1;   /* it answered before: the first pause again */
    }
    CloseHandle(signal);
    return worker_cancelled(w) ? end_reason(w) : err;
}
