/* The sweep: worker threads, the supervisor, cancelling and abandoning (see sweep.h); what the
 * engines call on a worker (batching, posting) is in worker.c. */
#include "sweep_int.h"
#include "source_classic.h"
#include "es_evtrec.h"
#include "es_diag.h"
#include "winutil.h"
#include "es_time.h"

#include <stdlib.h>
#include <string.h>

#define WORKER_STACK    (256 * 1024)
#define SUPERVISOR_TICK 100     /* ms between checks of the limits; cancels are re-sent as often */

_Static_assert(sizeof(WPARAM) >= 8, "SWEEP_WP packs the generation and the source id into WPARAM");

static volatile LONG g_generation;
static volatile LONG g_abandoned;

LONG sweep_abandoned_threads(void) { return g_abandoned; }

static void sweep_addref(sweep *sw) { InterlockedIncrement(&sw->refs); }

static void sweep_free(sweep *sw)
{
    if (sw->supervisor)
        CloseHandle(sw->supervisor);
    for (size_t i = 0; sw->workers && i < sw->n; i++) {
        worker *w = &sw->workers[i];
        if (w->sw) {
            DeleteCriticalSection(&w->lock);
            DeleteCriticalSection(&w->batch_lock);
            es_batch_free(w->batch);
        }
        if (w->thread)
            CloseHandle(w->thread);
        account_unref(w->q.account);   /* the last reference wipes the password */
        free(w->own_query);
    }
    for (size_t i = 0; sw->names && i < sw->n; i++)
        free(sw->names[i]);
    if (sw->slots)
        CloseHandle(sw->slots);
    if (sw->stop_event)
        CloseHandle(sw->stop_event);
    if (sw->all_reported)
        CloseHandle(sw->all_reported);
    free(sw->names);
    free(sw->workers);
    for (size_t i = 0; sw->logs && i < sw->nlogs; i++) {
        free(sw->logs[i].channel);
        free(sw->logs[i].query);
    }
    free(sw->logs);
    free(sw->filter);
    es_xquery_free(sw->view);
    free(sw);
}

void sweep_release(sweep *sw)
{
    if (sw && InterlockedDecrement(&sw->refs) == 0)
        sweep_free(sw);
}

/* ---- cancelling ---- */

static VOID CALLBACK cancel_work(PTP_CALLBACK_INSTANCE inst, void *param)
{
    (void)inst;
    worker *w = param;
    w->engine->cancel(w);
    InterlockedExchange(&w->cancel_busy, 0);
    sweep_release(w->sw);
}

/* Sends a cancel on the thread pool, unless one is still under way: an engine's cancel call
 * may block (a server that stopped answering), and the supervisor must never wait for it. */
static void send_cancel(worker *w)
{
    if (InterlockedCompareExchange(&w->cancel_busy, 1, 0) != 0)
        return;
    sweep_addref(w->sw);
    if (!TrySubmitThreadpoolCallback(cancel_work, w, NULL)) {
        InterlockedExchange(&w->cancel_busy, 0);
        sweep_release(w->sw);
    }
}

static void ask_cancel(worker *w, DWORD reason)
{
    InterlockedCompareExchange(&w->reason, (LONG)reason, 0);
    if (InterlockedExchange(&w->cancelled, 1) == 0)
        InterlockedExchange64(&w->cancel_ms, (LONG64)GetTickCount64());
    send_cancel(w);
}

/* ---- the end of a source ---- */

/* Reports the source once, whoever gets here first: its own thread, or the supervisor
 * abandoning it. Returns FALSE when it had been reported already. */
static BOOL report(worker *w, DWORD err)
{
    if (InterlockedCompareExchange(&w->finished, 1, 0) != 0)
        return FALSE;
    sweep *sw = w->sw;
    if (err != 0 && w->reason)
        err = (DWORD)w->reason; /* cancelled: why, rather than "cancelled" */
    ULONGLONG started = (ULONGLONG)w->started_ms;
    ULONGLONG ms = started ? GetTickCount64() - started : 0;
    if (InterlockedExchange(&w->slot_held, 0))
        ReleaseSemaphore(sw->slots, 1, NULL);
    sweep_post(sw, SWM_SOURCE_DONE, w->index, SWEEP_DONE_PARAM(err, ms > 0xffffffffu ? 0xffffffffu : ms));
    if (InterlockedDecrement(&sw->remaining) == 0)
        SetEvent(sw->all_reported);
    return TRUE;
}

/* A source whose thread has not come back after the grace: its rows so far go to the window,
 * it is reported, and the thread is left behind (it ends with the process, or drops whatever
 * it does if it returns: its emits are refused from now on). */
static void abandon(worker *w)
{
    EnterCriticalSection(&w->batch_lock);
    if (w->finished || w->returned || w->posting) {
        LeaveCriticalSection(&w->batch_lock);
        return; /* it ended, or it waits for the window, not for a server: it will come back */
    }
    InterlockedExchange(&w->abandoned, 1);
    InterlockedIncrement(&g_abandoned); /* the thread takes it back if it ever returns */
    es_batch *b = w->batch;
    w->batch = NULL;
    LeaveCriticalSection(&w->batch_lock);
    InterlockedIncrement(&w->sw->abandoned);
    worker_deliver(w, b);
    report(w, w->reason ? (DWORD)w->reason : ERROR_TIMEOUT);
}

/* ---- threads ---- */

/* An error that says the server was not reached at all (as opposed to an answer from it). */
static BOOL unreachable(DWORD e)
{
    return e == RPC_S_SERVER_UNAVAILABLE || e == EPT_S_NOT_REGISTERED || e == ERROR_BAD_NETPATH ||
           e == ERROR_BAD_NET_NAME || e == ERROR_NETNAME_DELETED || e == ERROR_NETWORK_UNREACHABLE ||
           e == ERROR_HOST_UNREACHABLE || e == ERROR_SEM_TIMEOUT || e == ERROR_REM_NOT_LIST;
}

static DWORD WINAPI worker_main(void *param)
{
    worker *w = param;
    sweep *sw = w->sw;
    /* Stop first: when both are signalled, WaitForMultipleObjects reports the lower index, so
     * a queued source never starts connecting after Stop. */
    HANDLE waits[2] = {sw->stop_event, sw->slots};
    DWORD r = WaitForMultipleObjects(2, waits, FALSE, INFINITE);
    if (r != WAIT_OBJECT_0 + 1 || w->cancelled) {
        if (r == WAIT_OBJECT_0 + 1)
            ReleaseSemaphore(sw->slots, 1, NULL);
        report(w, sw->stop_reason ? (DWORD)sw->stop_reason : ERROR_CANCELLED);
        sweep_release(sw);
        return 0;
    }
    InterlockedExchange(&w->slot_held, 1);
    InterlockedExchange64(&w->started_ms, (LONG64)GetTickCount64());
    worker_set_state(w, ES_STATE_CONNECTING);
    DWORD err = w->cancelled ? ERROR_CANCELLED : w->engine->read(w, &w->q);
    /* auto: a server the Windows Event Log API cannot reach over RPC, before any row, is read
     * through the classic API (a classic log only), so no row comes twice */
    if (sw->engine == SWEEP_ENGINE_AUTO && w->log->classic_ok && w->engine == &source_engine_wevt &&
        (err == RPC_S_SERVER_UNAVAILABLE || err == EPT_S_NOT_REGISTERED) && w->emitted == 0 && !w->cancelled &&
        w->probe != ES_PROBE_NO_NAME &&   /* a name that does not resolve: the classic API fails too */
        classic_account_ok(w->q.account, w->q.kind)) {   /* not Kerberos or NTLM only (Negotiate there) */
        worker_lock(w);
        w->engine = &source_engine_classic;   /* what cancel() reaches from now on */
        worker_unlock(w);
        if (worker_begin_post(w, NULL)) {
            sweep_post(sw, SWM_ENGINE, w->index, 1);
            worker_end_post(w);
        }
        worker_set_state(w, ES_STATE_CONNECTING);
        DWORD first = err;
        err = w->engine->read(w, &w->q);
        /* The classic API could not reach the server either, before any row: the source keeps
         * the first error (its diagnosis says what to open for the Windows Event Log API); the
         * classic API's is said beside it. When the classic API did reach it (access denied, a
         * wrong password), that answer is the source's error: it is what is left to fix. */
        if (err && w->emitted == 0 && !w->cancelled && unreachable(err)) {
            if (err != first && worker_begin_post(w, NULL)) {   /* the same error again says nothing new */
                sweep_post(sw, SWM_FALLBACK_ERROR, w->index, err);
                worker_end_post(w);
            }
            err = first;
        }
    }
    EnterCriticalSection(&w->batch_lock);
    BOOL abandoned = w->abandoned;
    if (!abandoned)
        InterlockedExchange(&w->returned, 1); /* from now on the supervisor leaves it alone */
    LeaveCriticalSection(&w->batch_lock);
    if (abandoned) {
        /* Reported long ago; the thread came back after all. */
        InterlockedDecrement(&g_abandoned);
    } else {
        es_batch *b = w->batch; /* returned: the supervisor no longer touches it */
        w->batch = NULL;
        worker_deliver(w, b);
        report(w, err);
    }
    sweep_release(sw);
    return 0;
}

static void check_limits(sweep *sw, BOOL stopping)
{
    ULONGLONG timeout = (ULONGLONG)sw->timeout_s * 1000, cap = (ULONGLONG)sw->max_seconds * 1000;
    for (size_t i = 0; i < sw->n; i++) {
        worker *w = &sw->workers[i];
        if (w->start_error) {
            report(w, w->start_error); /* once: report() does nothing the second time */
            continue;
        }
        if (w->finished)
            continue;
        ULONGLONG started = (ULONGLONG)w->started_ms;
        if (!started)
            continue; /* queued: it ends by itself on Stop */
        ULONGLONG call = (ULONGLONG)w->call_ms;
        /* The clock is read after the worker's stamps, so it is never behind them (a tick that
         * took long — a post to a full queue — must not make a fresh call look ancient). */
        ULONGLONG now = GetTickCount64();
        if (!w->cancelled) {
            if (stopping)
                ask_cancel(w, (DWORD)sw->stop_reason);
            else if ((call && now - call >= timeout) || (cap && now - started >= cap && !w->following))
                ask_cancel(w, ERROR_TIMEOUT);
            continue;
        }
        ULONGLONG asked = (ULONGLONG)w->cancel_ms;
        if (now > asked && now - asked >= SWEEP_CANCEL_GRACE_MS)
            abandon(w);
        else
            send_cancel(w); /* again: a cancel that came between two calls may have missed */
    }
}

static DWORD WINAPI supervisor_main(void *param)
{
    sweep *sw = param;
    HANDLE waits[2] = {sw->all_reported, sw->stop_event};
    BOOL stopping = FALSE;
    for (;;) {
        DWORD r = WaitForMultipleObjects(stopping ? 1 : 2, waits, FALSE, SUPERVISOR_TICK);
        if (r == WAIT_OBJECT_0)
            break;
        if (r == WAIT_OBJECT_0 + 1)
            stopping = TRUE;
        check_limits(sw, stopping);
    }
    /* Every source is reported. The threads that were not abandoned are ending (nothing is
     * left for them but returning): join them, so that their handles to the server are closed
     * before the window hears that the sweep is over. */
    for (size_t i = 0; i < sw->n; i++) {
        worker *w = &sw->workers[i];
        if (w->thread && !w->abandoned)
            WaitForSingleObject(w->thread, INFINITE);
    }
    sweep_post(sw, SWM_SWEEP_DONE, 0, (LPARAM)sw->abandoned);
    sweep_release(sw);
    return 0;
}

static const source_engine *engine_for(es_name_kind kind, sweep_engine e)
{
    return kind == ES_NAME_PATH ? &source_engine_evtx : e == SWEEP_ENGINE_CLASSIC ? &source_engine_classic
                                                                                : &source_engine_wevt;
}

static int accept_filter(const void *ctx, const es_event *ev) { return es_filter_match(ctx, ev); }
static int accept_view(const void *ctx, const es_event *ev) { return es_xquery_match(ctx, ev); }

/* A view's QueryList with the sweep's window in every Select; NULL when it cannot be made. */
static WCHAR *build_view_query(const es_xquery *v, const WCHAR *channel, uint64_t since)
{
    char *ch = wu_utf8(channel), err[256];
    es_buf b;
    es_buf_init(&b);
    WCHAR *q = ch && es_xquery_text(v, ch, since, &b, err, sizeof err) && b.data && !b.failed ? wu_wide(b.data) : NULL;
    es_buf_free(&b);
    free(ch);
    return q;
}

/* The query every server of the sweep is sent, as EvtQuery takes it (after_record: a server's
 * own, after its log's mark); NULL when out of memory. */
static WCHAR *build_query(const es_filter *f, const WCHAR *channel, uint64_t since, uint64_t after_record)
{
    char *ch = wu_utf8(channel);
    es_buf b;
    es_buf_init(&b);
    WCHAR *q = ch && es_filter_query_after(f, ch, since, after_record, &b) && b.data ? wu_wide(b.data) : NULL;
    es_buf_free(&b);
    free(ch);
    return q;
}

sweep *sweep_start(HWND hwnd, const sweep_settings *s, const sweep_target *t, size_t n, uint64_t now, DWORD *err)
{
    *err = 0;
    sweep *sw = calloc(1, sizeof *sw);
    if (!sw) {
        *err = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    sw->refs = 1; /* the window's */
    sw->gen = (uint32_t)InterlockedIncrement(&g_generation);
    sw->hwnd = hwnd;
    sw->since = es_window_start(now, s->hours);
    sw->since -= sw->since % ES_TICKS_PER_MS; /* the server's filter has milliseconds */
    sw->engine = s->engine;
    sw->timeout_s = s->timeout_s ? s->timeout_s : 120;
    sw->max_seconds = s->max_seconds;
    sw->n = n;
    sw->filter = malloc(sizeof *sw->filter);
    if (sw->filter) {
        if (s->filter)
            *sw->filter = *s->filter;
        else
            es_filter_init(sw->filter);
    }
    if (s->view_text) {
        char perr[256];
        sw->view = es_xquery_parse(s->view_text, s->view_len, perr, sizeof perr);
        if (sw->view)
            es_xquery_set_now(sw->view, now);   /* before any worker reads it */
    }
    BOOL logs_ok = s->nchannels > 0 && (sw->logs = calloc(s->nchannels, sizeof *sw->logs)) != NULL;
    for (size_t i = 0; logs_ok && i < s->nchannels; i++) {
        sweep_log *l = &sw->logs[i];
        sw->nlogs = i + 1;
        l->channel = _wcsdup(s->channels[i]);
        if (s->view_text)
            l->query = sw->view && l->channel ? build_view_query(sw->view, l->channel, sw->since) : NULL;
        else
            l->query = l->channel && sw->filter ? build_query(sw->filter, l->channel, sw->since, 0) : NULL;
        char *ch = l->channel ? wu_utf8(l->channel) : NULL, why[200];
        l->classic_ok = ch && es_classic_log_known(ch) && (!sw->view || es_xquery_local_ok(sw->view, why, sizeof why));
        free(ch);
        logs_ok = l->channel && l->query;
    }
    sw->workers = calloc(n ? n : 1, sizeof *sw->workers);
    sw->names = calloc(n ? n : 1, sizeof *sw->names);
    LONG slots = (LONG)(s->max_threads ? s->max_threads : 1);
    sw->slots = CreateSemaphoreW(NULL, slots, slots, NULL);
    sw->stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    sw->all_reported = CreateEventW(NULL, TRUE, n == 0, NULL);
    if (!logs_ok || !sw->workers || !sw->names || !sw->slots || !sw->stop_event || !sw->all_reported) {
        *err = GetLastError() ? GetLastError() : ERROR_NOT_ENOUGH_MEMORY;
        sweep_free(sw);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        sw->names[i] = _wcsdup(t[i].name);
        if (!sw->names[i]) {
            *err = ERROR_NOT_ENOUGH_MEMORY;
            sweep_free(sw);
            return NULL;
        }
    }
    sw->remaining = (LONG)n;
    for (size_t i = 0; i < n; i++) {
        worker *w = &sw->workers[i];
        w->sw = sw;
        w->index = t[i].id;
        w->engine = engine_for(t[i].kind, sw->engine);
        w->q.target = sw->names[i];
        w->q.kind = t[i].kind;
        w->log = &sw->logs[t[i].log < sw->nlogs ? t[i].log : 0];
        w->q.channel = w->log->channel;
        w->q.since = sw->since;
        w->q.query_text = w->log->query;
        w->q.base_query = w->log->query;
        w->q.account = account_ref(t[i].account);
        w->q.follow = s->follow && t[i].kind != ES_NAME_PATH;
        if (sw->view) {
            w->q.accept = accept_view;
            w->q.accept_ctx = sw->view;
        } else {
            w->q.accept = es_filter_is_empty(sw->filter) ? NULL : accept_filter;
            w->q.accept_ctx = sw->filter;
        }
        InitializeCriticalSection(&w->lock);
        InitializeCriticalSection(&w->batch_lock);
        if (t[i].after_record && !sw->view && t[i].kind != ES_NAME_PATH) {   /* New since last sweep */
            w->own_query = build_query(sw->filter, w->log->channel, sw->since, t[i].after_record);
            if (!w->own_query) {
                *err = ERROR_NOT_ENOUGH_MEMORY;
                sweep_free(sw);
                return NULL;
            }
            w->q.query_text = w->own_query;
            w->q.after_record = t[i].after_record;
        }
    }
    /* Every thread is created suspended and resumed once all of them exist, so none reads a
     * worker (its thread handle, its start error) before it is written. The supervisor first:
     * without it nothing could report the sweep's end. A worker whose thread cannot be created
     * is reported by the supervisor (never from this thread, which must not wait on its own
     * message queue). */
    sw->supervisor = CreateThread(NULL, 0, supervisor_main, sw, CREATE_SUSPENDED, NULL);
    if (!sw->supervisor) {
        *err = GetLastError() ? GetLastError() : ERROR_NOT_ENOUGH_MEMORY;
        sweep_free(sw); /* no thread has seen it */
        return NULL;
    }
    sweep_addref(sw);
    for (size_t i = 0; i < n; i++) {
        worker *w = &sw->workers[i];
        w->thread = CreateThread(NULL, WORKER_STACK, worker_main, w, CREATE_SUSPENDED | STACK_SIZE_PARAM_IS_A_RESERVATION,
                                 NULL);
        if (w->thread) {
            sweep_addref(sw);
        } else {
            DWORD e = GetLastError();
            w->start_error = e ? e : ERROR_NOT_ENOUGH_MEMORY;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (sw->workers[i].thread)
            ResumeThread(sw->workers[i].thread);
    ResumeThread(sw->supervisor);
    return sw;
}

void sweep_stop(sweep *sw, DWORD reason)
{
    if (!sw)
        return;
    InterlockedCompareExchange(&sw->stop_reason, (LONG)(reason ? reason : ERROR_CANCELLED), 0);
    SetEvent(sw->stop_event);
}

uint32_t sweep_generation(const sweep *sw) { return sw->gen; }
uint64_t sweep_window_start(const sweep *sw) { return sw->since; }
const WCHAR *sweep_query_text(const sweep *sw, size_t log) { return log < sw->nlogs ? sw->logs[log].query : NULL; }

void sweep_drain(HWND hwnd)
{
    MSG m;
    while (PeekMessageW(&m, hwnd, SWM_STATE, SWM_LAST, PM_REMOVE)) {
        if (m.message == SWM_BATCH)
            es_batch_free((es_batch *)m.lParam);
        else if (m.message == SWM_COVERAGE)
            free((es_coverage *)m.lParam);
    }
}
