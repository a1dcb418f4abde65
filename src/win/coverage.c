/* How far back a server's log reaches (see coverage.h). */
#include "coverage.h"

#include <stdlib.h>
#include <string.h>

/* One EvtGetLogInfo property, through the documented protocol (a buffer too small says the size
 * it needs). FALSE when it failed or is not of the type asked for. */
static BOOL log_info(worker *w, const wevt_api *api, EVT_HANDLE log, EVT_LOG_PROPERTY_ID id, DWORD type, EVT_VARIANT *out)
{
    EVT_VARIANT one;
    DWORD used = 0;
    worker_call_begin(w, FALSE);
    BOOL ok = api->GetLogInfo(log, id, sizeof one, &one, &used);
    DWORD e = ok ? 0 : GetLastError();
    worker_call_end(w);
    if (!ok && e == ERROR_INSUFFICIENT_BUFFER && used >= sizeof one && used <= 65536) {
        EVT_VARIANT *big = malloc(used);
        if (!big)
            return FALSE;
        worker_call_begin(w, FALSE);
        ok = api->GetLogInfo(log, id, used, big, &used);
        worker_call_end(w);
        if (ok)
            one = *big;
        free(big);
    }
    if (!ok || (one.Type & EVT_VARIANT_TYPE_MASK) != type)
        return FALSE;
    *out = one;
    return TRUE;
}

/* The TimeCreated of the first event the query returns (0 when none or on failure). */
static uint64_t first_time(worker *w, const wevt_api *api, EVT_HANDLE query, EVT_HANDLE sys_ctx)
{
    EVT_HANDLE ev = NULL;
    DWORD got = 0;
    worker_call_begin(w, TRUE);
    BOOL ok = api->Next(query, 1, &ev, INFINITE, 0, &got);
    worker_call_end(w);
    if (!ok || got != 1 || !ev)
        return 0;
    uint64_t t = 0;
    DWORD cap = 4096, used = 0, count = 0;
    BYTE *buf = malloc(cap);
    for (int tries = 0; buf && tries < 3; tries++) {
        worker_call_begin(w, FALSE);
        ok = api->Render(sys_ctx, ev, EvtRenderEventValues, cap, buf, &used, &count);
        DWORD e = ok ? 0 : GetLastError();
        worker_call_end(w);
        if (ok) {
            const EVT_VARIANT *v = (const EVT_VARIANT *)buf;
            if (count > EvtSystemTimeCreated && (v[EvtSystemTimeCreated].Type & EVT_VARIANT_TYPE_MASK) == EvtVarTypeFileTime)
                t = v[EvtSystemTimeCreated].FileTimeVal;
            break;
        }
        if (e != ERROR_INSUFFICIENT_BUFFER || used <= cap)
            break;
        BYTE *nb = realloc(buf, used);
        if (!nb)
            break;
        buf = nb;
        cap = used;
    }
    free(buf);
    worker_call_begin(w, FALSE);
    api->Close(ev);
    worker_call_end(w);
    return t;
}

BOOL coverage_read(worker *w, const wevt_api *api, EVT_HANDLE session, const WCHAR *channel, uint64_t since,
                   EVT_HANDLE sys_ctx, coverage_publish_fn publish, es_coverage *out)
{
    memset(out, 0, sizeof *out);
    out->since = since;
    if (worker_cancelled(w))
        return FALSE;
    /* The log's facts. A cancel of the session (Stop, a time limit) wakes EvtOpenLog. */
    worker_call_begin(w, FALSE);
    EVT_HANDLE log = api->OpenLog(session, channel, EvtOpenChannelPath);
    worker_call_end(w);
    if (!log)
        return FALSE;
    EVT_VARIANT oldest, records, full, size;
    BOOL ok = log_info(w, api, log, EvtLogOldestRecordNumber, EvtVarTypeUInt64, &oldest) &&
              log_info(w, api, log, EvtLogFull, EvtVarTypeBoolean, &full);
    if (ok) {
        out->oldest_record = oldest.UInt64Val;
        out->full = full.BooleanVal != FALSE;
        /* the count and the size are told where known; their absence changes nothing */
        if (log_info(w, api, log, EvtLogNumberOfLogRecords, EvtVarTypeUInt64, &records))
            out->records = records.UInt64Val;
        if (log_info(w, api, log, EvtLogFileSize, EvtVarTypeUInt64, &size))
            out->file_size = size.UInt64Val;
    }
    worker_call_begin(w, FALSE);
    api->Close(log);
    worker_call_end(w);
    if (!ok || out->oldest_record == 0 || worker_cancelled(w))
        return FALSE;   /* unknown, or an empty log: nothing to say */

    /* The oldest record's time: the channel read oldest first, one event. */
    worker_call_begin(w, TRUE);
    EVT_HANDLE query = api->Query(session, channel, L"*", EvtQueryChannelPath | EvtQueryForwardDirection);
    worker_call_end(w);
    if (!query)
        return FALSE;
    publish(w, query);
    out->oldest_time = first_time(w, api, query, sys_ctx);
    publish(w, NULL);
    worker_call_begin(w, FALSE);
    api->Close(query);
    worker_call_end(w);
    return out->oldest_time != 0;
}

BOOL coverage_oldest_record(worker *w, const wevt_api *api, EVT_HANDLE session, const WCHAR *channel, uint64_t *oldest,
                            uint64_t *records)
{
    *oldest = 0;
    if (records)
        *records = 0;
    worker_call_begin(w, FALSE);
    EVT_HANDLE log = api->OpenLog(session, channel, EvtOpenChannelPath);
    worker_call_end(w);
    if (!log)
        return FALSE;
    EVT_VARIANT v;
    BOOL ok = log_info(w, api, log, EvtLogOldestRecordNumber, EvtVarTypeUInt64, &v);
    EVT_VARIANT n;
    if (ok && records && log_info(w, api, log, EvtLogNumberOfLogRecords, EvtVarTypeUInt64, &n))
        *records = n.UInt64Val;
    worker_call_begin(w, FALSE);
    api->Close(log);
    worker_call_end(w);
    if (ok)
        *oldest = v.UInt64Val;
    return ok;
}
