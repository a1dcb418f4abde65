/* The classic event log engine: a server's classic log (System, Application, Security, ...)
 * read with advapi32's OpenEventLogW / ReadEventLogW over the \PIPE\eventlog named pipe — for
 * servers whose firewall blocks the RPC ports the Windows Event Log API needs while SMB is open.
 *
 * Per source: OpenEventLogW(server, log), then ReadEventLogW backwards (newest first) in 64 KiB
 * buffers (grown when one record is larger, up to the API's 0x7FFFF) until a record is older
 * than the window's start or the log ends; each record is decoded by the core (es_evtrec.h:
 * hostile bytes) and offered to the sweep's filter (`accept`, the same test saved logs use),
 * since the classic API filters nothing itself. The message is formatted from the message file
 * this computer registers for the record's source (classic_msg.h); without one it is the
 * insertion strings, as Event Viewer shows them when it cannot format a message.
 *
 * Another account: LogonUserW(LOGON32_LOGON_NEW_CREDENTIALS, LOGON32_PROVIDER_WINNT50) with the
 * password decrypted only around the call, then ImpersonateLoggedOnUser on the worker thread for
 * the OpenEventLog/ReadEventLog/CloseEventLog calls, and RevertToSelf on every way out. Such a
 * logon succeeds locally whatever the password: a wrong one shows only when the server refuses
 * OpenEventLog (1326), and that answer settles the account's lockout gate as the Event Log
 * API's logon does (account.h). The classic API cannot choose Kerberos or NTLM
 * (classic_account_ok).
 *
 * ReadEventLogW cannot be cancelled: cancel() only marks the source, which stops between
 * reads; a read that never returns is left to the sweep's abandonment (sweep.h). OpenEventLog
 * opens Application for a log name it does not know, so the sweep never hands this engine any
 * other name than a classic log's (es_classic_log_known). */
#include "source.h"
#include "source_classic.h"
#include "classic_msg.h"
#include "fetch.h"
#include "winutil.h"
#include "es_evtrec.h"

#include <stdlib.h>
#include <string.h>
#include <winevt.h>

#define READ_BYTES   (64 * 1024)
#define READ_MAX     0x7FFFF    /* ReadEventLog's largest buffer */

static HANDLE WINAPI adv_open(LPCWSTR server, LPCWSTR log) { return OpenEventLogW(server, log); }
static BOOL WINAPI adv_read(HANDLE h, DWORD f, DWORD o, LPVOID b, DWORD n, DWORD *r, DWORD *need)
{
    return ReadEventLogW(h, f, o, b, n, r, need);
}
static BOOL WINAPI adv_close(HANDLE h) { return CloseEventLog(h); }
static BOOL WINAPI adv_logon(LPCWSTR user, LPCWSTR domain, LPCWSTR password, DWORD type, DWORD provider, PHANDLE token)
{
    return LogonUserW(user, domain, password, type, provider, token);
}
static BOOL WINAPI adv_free_module(HMODULE m) { return FreeLibrary(m); }

static const classic_api k_system = {adv_open,    adv_read,      adv_close,       adv_logon,
                                     ImpersonateLoggedOnUser, RevertToSelf, CloseHandle, RegGetValueW,
                                     LoadLibraryExW, FormatMessageW, adv_free_module};
static classic_api g_table;
static const classic_api *g_api = &k_system;

void classic_set_api(const classic_api *api)
{
    if (!api) {
        g_api = &k_system;
        return;
    }
    g_table = *api;
    void **to = (void **)&g_table;
    void *const *sys = (void *const *)&k_system;
    for (size_t i = 0; i < sizeof g_table / sizeof(void *); i++)
        if (!to[i])
            to[i] = sys[i];   /* what the test does not simulate stays the system's */
    g_api = &g_table;
}

const classic_api *classic_get_api(void) { return g_api; }

BOOL classic_account_ok(const account *a, es_name_kind kind)
{
    if (!a)
        return TRUE;
    DWORD auth = account_auth(a);
    return (auth == EvtRpcLoginAuthDefault || auth == EvtRpcLoginAuthNegotiate) && kind != ES_NAME_LOCAL;
}

/* Logs on as a for the network and impersonates it on this thread; *token then goes to
 * revert(). The password is in clear only around LogonUserW. */
static DWORD impersonate(const classic_api *api, const account *a, HANDLE *token)
{
    *token = NULL;
    WCHAR secret[512];
    if (!account_reveal(a, secret, 512))
        return ERROR_DECRYPTION_FAILED;
    HANDLE t = NULL;
    BOOL ok = api->LogonAs(account_user(a), account_domain(a), secret, LOGON32_LOGON_NEW_CREDENTIALS,
                           LOGON32_PROVIDER_WINNT50, &t);
    DWORD e = ok ? 0 : GetLastError();
    SecureZeroMemory(secret, sizeof secret);
    if (!ok)
        return e ? e : ERROR_GEN_FAILURE;
    if (!api->Impersonate(t)) {
        e = GetLastError();
        api->CloseToken(t);
        return e ? e : ERROR_GEN_FAILURE;
    }
    *token = t;
    return 0;
}

/* Back to the process's own identity (every impersonate() that worked ends here). */
static void revert(const classic_api *api, HANDLE token)
{
    if (token) {
        api->Revert();
        api->CloseToken(token);
    }
}

static BOOL gate_stop(void *w) { return worker_cancelled(w); }

static DWORD classic_read(worker *w, const source_query *q)
{
    const classic_api *api = g_api;
    char *log8 = wu_utf8(q->channel);
    if (!log8)
        return ERROR_NOT_ENOUGH_MEMORY;
    if (!es_classic_log_known(log8)) {
        free(log8);
        return ERROR_EVT_CHANNEL_NOT_FOUND;   /* never "Application instead" */
    }
    if (!classic_account_ok(q->account, q->kind)) {   /* never another logon than the one asked for */
        free(log8);
        return ERROR_NOT_SUPPORTED;
    }
    DWORD err = 0;
    HANDLE h = NULL, token = NULL;
    BYTE *buf = NULL;
    classic_msgs *msgs = NULL;
    es_evtrec_decoder dec;
    es_evtrec_init(&dec);
    BOOL gated = FALSE;   /* this source is trying the account's logon (account_gate) */
    if (q->account) {     /* another account logs on first on one source alone (account.h: lockout) */
        account_gate_t gate = account_gate(q->account, gate_stop, w, &err);
        if (gate != ACCOUNT_GO) {
            err = gate == ACCOUNT_SETTLED_BAD ? err : ERROR_CANCELLED;
            goto done;
        }
        gated = TRUE;
        if ((err = impersonate(api, q->account, &token)) != 0)
            goto done;
    }
    /* The local computer: a NULL server name. */
    const WCHAR *server = q->kind == ES_NAME_LOCAL ? NULL : q->target;
    worker_call_begin(w, TRUE);
    h = api->Open(server, q->channel);
    err = h ? 0 : GetLastError() ? GetLastError() : ERROR_GEN_FAILURE;
    worker_call_end(w);
    if (gated) {   /* the server's answer is the logon's: it settles the account */
        account_settle(q->account, err);
        gated = FALSE;
    }
    if (!h)
        goto done;
    worker_set_state(w, ES_STATE_READING);
    DWORD cap = READ_BYTES;
    buf = malloc(cap);
    msgs = classic_msgs_new(q->channel);   /* none (out of memory): the insertion strings */
    BOOL finished = FALSE;
    err = buf ? 0 : ERROR_NOT_ENOUGH_MEMORY;
    while (!err && !finished) {
        if (worker_cancelled(w)) {
            err = ERROR_CANCELLED;
            break;
        }
        DWORD got = 0, need = 0;
        worker_call_begin(w, TRUE);
        BOOL ok = api->Read(h, EVENTLOG_SEQUENTIAL_READ | EVENTLOG_BACKWARDS_READ, 0, buf, cap, &got, &need);
        DWORD e = ok ? 0 : GetLastError();
        worker_call_end(w);
        if (!ok) {
            if (e == ERROR_HANDLE_EOF)
                break;   /* the log's oldest record was read */
            if (e == ERROR_INSUFFICIENT_BUFFER && need > cap && need <= READ_MAX) {
                BYTE *bigger = realloc(buf, need);
                if (!bigger) {
                    err = ERROR_NOT_ENOUGH_MEMORY;
                    break;
                }
                buf = bigger;
                cap = need;
                continue;
            }
            err = e ? e : ERROR_GEN_FAILURE;
            break;
        }
        if (got > cap)
            got = cap;   /* a server's count is not trusted either */
        if (got == 0)
            break;       /* nothing read and no error: the end, never a loop */
        size_t off = 0;
        es_evtrec rec;
        char why[160];
        int rc;
        while ((rc = es_evtrec_next(&dec, buf, got, &off, log8, &rec, why, sizeof why)) == 1) {
            /* newest first in the order they were written: a record written before the window
             * (TimeWritten, with an hour's slack for clocks stepped back) ends the reading; one
             * merely stamped earlier (TimeGenerated: a late reporter) is skipped, as the Event
             * Log API's engine would not return it either */
            if (q->since && es_evtrec_ticks(rec.time_written) + 36000000000ull < q->since) {
                finished = TRUE;
                break;
            }
            if (q->since && rec.ev.time_created < q->since)
                continue;
            if (q->accept && !q->accept(q->accept_ctx, &rec.ev))
                continue;
            rec.ev.message = classic_msgs_format(msgs, &rec.ev);
            if (!worker_emit(w, &rec.ev)) {
                err = worker_cancelled(w) ? ERROR_CANCELLED : ERROR_NOT_ENOUGH_MEMORY;
                break;
            }
        }
        if (rc == -1)
            err = ERROR_INVALID_DATA;   /* the server's bytes are not records: what came before is kept */
        else if (rc == -2)
            err = ERROR_NOT_ENOUGH_MEMORY;
    }
    worker_call_begin(w, FALSE);   /* closing is a call to the server too */
    api->Close(h);
    worker_call_end(w);

done:
    if (gated)
        account_settle(q->account, err);   /* it ended before its logon: the next source tries */
    revert(api, token);
    classic_msgs_free(msgs);
    es_evtrec_free(&dec);
    free(buf);
    free(log8);
    return err;
}

/* ---- the details pane's fetch (fetch.h) ---- */

void fetch_classic(fetch_job *j)
{
    const classic_api *api = g_api;
    char *log8 = wu_utf8(j->channel);
    if (!log8 || !es_classic_log_known(log8) || j->record_id == 0 || j->record_id > 0xFFFFFFFFu) {
        j->error = log8 ? ERROR_INVALID_PARAMETER : ERROR_NOT_ENOUGH_MEMORY;
        free(log8);
        return;
    }
    /* the row's account, as the sweep logged on (no gate: the sweep has settled it) */
    HANDLE token = NULL;
    if (!classic_account_ok(j->account, j->kind))
        j->error = ERROR_NOT_SUPPORTED;
    else if (j->account)
        j->error = impersonate(api, j->account, &token);
    HANDLE h = j->error ? NULL : api->Open(j->kind == ES_NAME_LOCAL ? NULL : j->path, j->channel);
    if (!h) {
        if (!j->error)
            j->error = GetLastError() ? GetLastError() : ERROR_GEN_FAILURE;
        revert(api, token);
        free(log8);
        return;
    }
    DWORD cap = READ_BYTES, got = 0, need = 0;
    BYTE *buf = malloc(cap);
    BOOL ok = FALSE;
    for (int tries = 0; buf && tries < 2; tries++) {
        ok = api->Read(h, EVENTLOG_SEEK_READ | EVENTLOG_FORWARDS_READ, (DWORD)j->record_id, buf, cap, &got, &need);
        if (ok || GetLastError() != ERROR_INSUFFICIENT_BUFFER || need <= cap || need > READ_MAX)
            break;
        BYTE *bigger = realloc(buf, need);
        if (!bigger)
            break;
        buf = bigger;
        cap = need;
    }
    DWORD e = ok ? 0 : buf ? GetLastError() : ERROR_NOT_ENOUGH_MEMORY;
    api->Close(h);
    revert(api, token);
    if (ok) {
        es_evtrec_decoder dec;
        es_evtrec_init(&dec);
        es_evtrec rec;
        size_t off = 0;
        char why[160];
        int rc = es_evtrec_next(&dec, buf, got < cap ? got : cap, &off, log8, &rec, why, sizeof why);
        if (rc == 1 && rec.ev.record_id == j->record_id) {
            for (size_t i = 0; i < rec.ev.ndata; i++)
                fetch_add_item(j, rec.ev.data[i].name, strlen(rec.ev.data[i].name), rec.ev.data[i].value,
                               strlen(rec.ev.data[i].value));
            es_buf b;
            es_buf_init(&b);
            classic_msgs *msgs = classic_msgs_new(j->channel);
            const char *formatted = classic_msgs_format(msgs, &rec.ev);
            if (formatted)
                es_buf_puts(&b, formatted);
            else
                es_event_data_message(&rec.ev, &b);
            classic_msgs_free(msgs);
            j->message = b.data && b.len ? _strdup(b.data) : NULL;
            es_buf_clear(&b);
            if (es_evtrec_xml(&rec, &b))
                j->xml = _strdup(b.data);
            es_buf_free(&b);
        } else if (rc == 1 || rc == 0) {
            j->not_found = TRUE;   /* the log no longer holds it (cleared, or overwritten) */
        } else {
            j->error = rc == -2 ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INVALID_DATA;
        }
        es_evtrec_free(&dec);
    } else if (e == ERROR_INVALID_PARAMETER || e == ERROR_HANDLE_EOF) {
        j->not_found = TRUE;   /* a seek past the log's records */
    } else {
        j->error = e;
    }
    free(buf);
    free(log8);
}

/* Nothing to cancel: ReadEventLog cannot be interrupted. The sweep has marked the worker
 * (worker_cancelled), which the loop checks between reads. */
static void classic_cancel(worker *w) { (void)w; }

const source_engine source_engine_classic = {"classic", classic_read, classic_cancel};
