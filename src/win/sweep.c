/* The sweep: worker threads, the supervisor, batching and posting (see sweep.h). */
#include "sweep.h"
#include "source.h"
#include "winutil.h"

#include <stdlib.h>
#include <string.h>

#define BATCH_ROWS      512     /* rows per batch: few messages, and rows still stream */
#define BATCH_MAX_AGE   100     /* ms: a partly filled batch is sent after this long */
#define WORKER_STACK    (256 * 1024)
#define SUPERVISOR_TICK 100     /* ms between time-limit checks */

struct worker {
    sweep          *sw;
    uint32_t        index;       /* the window's id for this source (sweep_target.id) */
    source_query    q;
    const source_engine *engine;
    HANDLE          thread;
    CRITICAL_SECTION lock;       /* guards engine_slot against cancel() from the supervisor */
    void           *engine_slot;
    volatile LONG   cancelled;
    volatile LONG   timed_out;
    volatile LONG64 started_ms;  /* GetTickCount64 when it left the queue; 0 while waiting */
    volatile LONG   ended;
    es_batch       *batch;       /* owned by this worker's thread */
    ULONGLONG       batch_first_ms;
    ULONGLONG       last_wait_ms; /* when the engine last said it was about to block */
};

struct sweep {
    HWND          hwnd;
    WCHAR        *channel;
    unsigned      hours, timeout_s;
    uint64_t      now;
    size_t        n;
    worker       *workers;
    WCHAR       **names;
    HANDLE        slots;         /* semaphore: sources read at once */
    HANDLE        stop_event;    /* manual reset: Stop was asked */
    HANDLE        all_ended;     /* manual reset: the last worker has ended */
    HANDLE        supervisor;
    volatile LONG remaining;     /* workers not yet ended */
    volatile LONG closing;       /* the window is going away: stop posting batches */
};

/* ---- posting ---- */

/* Posts to the window; on a full queue waits and tries again (back-pressure on the worker,
 * never on the UI). Returns FALSE when the message could not be delivered: the caller still
 * owns whatever lParam points to. */
static BOOL post(sweep *sw, UINT msg, WPARAM wp, LPARAM lp)
{
    DWORD pause = 1;
    for (;;) {
        if (sw->closing)
            return FALSE;
        if (PostMessageW(sw->hwnd, msg, wp, lp))
            return TRUE;
        DWORD e = GetLastError();
        if (e != ERROR_NOT_ENOUGH_QUOTA && e != ERROR_NOT_ENOUGH_MEMORY)
            return FALSE; /* the window is gone */
        if (!IsWindow(sw->hwnd))
            return FALSE;
        Sleep(pause);
        if (pause < 64)
            pause *= 2;
    }
}

static void flush(worker *w)
{
    es_batch *b = w->batch;
    if (!b || b->count == 0)
        return;
    w->batch = NULL;
    if (!post(w->sw, SWM_BATCH, w->index, (LPARAM)b))
        es_batch_free(b); /* not delivered: still ours */
}

/* ---- what engines call ---- */

BOOL worker_emit(worker *w, const es_event *ev)
{
    if (w->cancelled)
        return FALSE;
    if (!w->batch) {
        w->batch = es_batch_new(w->index, BATCH_ROWS);
        if (!w->batch)
            return FALSE;
        w->batch_first_ms = GetTickCount64();
    }
    if (!es_batch_add(w->batch, ev, wu_now_ticks()))
        return FALSE;
    if (es_batch_full(w->batch) || GetTickCount64() - w->batch_first_ms >= BATCH_MAX_AGE)
        flush(w);
    return !w->cancelled;
}

void worker_before_wait(worker *w)
{
    ULONGLONG now = GetTickCount64();
    if (w->last_wait_ms && now - w->last_wait_ms >= BATCH_MAX_AGE)
        flush(w);
    w->last_wait_ms = now;
}

void worker_set_state(worker *w, es_state s)
{
    flush(w); /* rows first, so the window never shows "done" before the last rows */
    post(w->sw, SWM_STATE, w->index, (LPARAM)s);
}

void worker_set_warnings(worker *w, uint64_t skipped)
{
    post(w->sw, SWM_WARNINGS, w->index, (LPARAM)skipped);
}

BOOL worker_cancelled(const worker *w) { return w->cancelled != 0; }
void worker_lock(worker *w) { EnterCriticalSection(&w->lock); }
void worker_unlock(worker *w) { LeaveCriticalSection(&w->lock); }
void **worker_engine_slot(worker *w) { return &w->engine_slot; }

static void cancel_worker(worker *w)
{
    InterlockedExchange(&w->cancelled, 1);
    w->engine->cancel(w);
}

/* ---- threads ---- */

static void worker_end(worker *w, DWORD err)
{
    sweep *sw = w->sw;
    ULONGLONG started = (ULONGLONG)w->started_ms;
    ULONGLONG ms = started ? GetTickCount64() - started : 0;
    post(sw, SWM_SOURCE_DONE, w->index, SWEEP_DONE_PARAM(err, ms > 0xffffffffu ? 0xffffffffu : ms));
    InterlockedExchange(&w->ended, 1);
    if (InterlockedDecrement(&sw->remaining) == 0)
        SetEvent(sw->all_ended);
}

static DWORD WINAPI worker_main(void *param)
{
    worker *w = param;
    sweep *sw = w->sw;
    HANDLE waits[2] = {sw->slots, sw->stop_event};
    if (WaitForMultipleObjects(2, waits, FALSE, INFINITE) != WAIT_OBJECT_0) {
        worker_end(w, ERROR_CANCELLED);
        return 0;
    }
    InterlockedExchange64(&w->started_ms, (LONG64)GetTickCount64());
    worker_set_state(w, ES_STATE_CONNECTING);
    DWORD err = w->cancelled ? ERROR_CANCELLED : w->engine->read(w, &w->q);
    flush(w);
    es_batch_free(w->batch); /* an empty batch, or one that could not be posted */
    w->batch = NULL;
    ReleaseSemaphore(sw->slots, 1, NULL);
    if (err != 0 && w->timed_out)
        err = ERROR_TIMEOUT;
    else if (err != 0 && w->cancelled)
        err = ERROR_CANCELLED;
    worker_end(w, err);
    return 0;
}

static DWORD WINAPI supervisor_main(void *param)
{
    sweep *sw = param;
    HANDLE waits[2] = {sw->all_ended, sw->stop_event};
    BOOL stopping = FALSE;
    for (;;) {
        DWORD r = WaitForMultipleObjects(stopping ? 1 : 2, waits, FALSE, SUPERVISOR_TICK);
        if (r == WAIT_OBJECT_0)
            break;
        if (r == WAIT_OBJECT_0 + 1 && !stopping) {
            stopping = TRUE;
            for (size_t i = 0; i < sw->n; i++)
                if (!sw->workers[i].ended)
                    cancel_worker(&sw->workers[i]);
            continue;
        }
        ULONGLONG now = GetTickCount64();
        for (size_t i = 0; i < sw->n; i++) {
            worker *w = &sw->workers[i];
            ULONGLONG started = (ULONGLONG)w->started_ms;
            if (started && !w->ended && !w->timed_out && now - started >= (ULONGLONG)sw->timeout_s * 1000) {
                InterlockedExchange(&w->timed_out, 1);
                cancel_worker(w);
            }
        }
    }
    for (size_t i = 0; i < sw->n; i++) {
        if (sw->workers[i].thread) {
            WaitForSingleObject(sw->workers[i].thread, INFINITE); /* it has ended; this is the join */
            CloseHandle(sw->workers[i].thread);
            sw->workers[i].thread = NULL;
        }
    }
    post(sw, SWM_SWEEP_DONE, 0, 0);
    return 0;
}

static const source_engine *engine_for(es_name_kind kind)
{
    return kind == ES_NAME_PATH ? &source_engine_evtx : &source_engine_wevt;
}

sweep *sweep_start(HWND hwnd, const sweep_settings *s, const sweep_target *t, size_t n, DWORD *err)
{
    *err = 0;
    sweep *sw = calloc(1, sizeof *sw);
    if (!sw) {
        *err = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    sw->hwnd = hwnd;
    sw->hours = s->hours;
    sw->timeout_s = s->timeout_s ? s->timeout_s : 120;
    sw->now = wu_now_ticks();
    sw->n = n;
    sw->channel = _wcsdup(s->channel);
    sw->workers = calloc(n ? n : 1, sizeof *sw->workers);
    sw->names = calloc(n ? n : 1, sizeof *sw->names);
    sw->slots = CreateSemaphoreW(NULL, (LONG)(s->max_threads ? s->max_threads : 1),
                                 (LONG)(s->max_threads ? s->max_threads : 1), NULL);
    sw->stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    sw->all_ended = CreateEventW(NULL, TRUE, n == 0, NULL);
    if (!sw->channel || !sw->workers || !sw->names || !sw->slots || !sw->stop_event || !sw->all_ended) {
        *err = GetLastError() ? GetLastError() : ERROR_NOT_ENOUGH_MEMORY;
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        sw->names[i] = _wcsdup(t[i].name);
        if (!sw->names[i]) {
            *err = ERROR_NOT_ENOUGH_MEMORY;
            goto fail;
        }
    }
    sw->remaining = (LONG)n;
    for (size_t i = 0; i < n; i++) {
        worker *w = &sw->workers[i];
        w->sw = sw;
        w->index = t[i].id;
        w->engine = engine_for(t[i].kind);
        w->q.target = sw->names[i];
        w->q.kind = t[i].kind;
        w->q.channel = sw->channel;
        w->q.hours = sw->hours;
        w->q.now = sw->now;
        InitializeCriticalSection(&w->lock);
    }
    /* Threads start only once every worker is set up: the supervisor reads them all. */
    for (size_t i = 0; i < n; i++) {
        worker *w = &sw->workers[i];
        w->thread = CreateThread(NULL, WORKER_STACK, worker_main, w, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
        if (!w->thread) {
            DWORD e = GetLastError();
            worker_end(w, e ? e : ERROR_NOT_ENOUGH_MEMORY);
        }
    }
    sw->supervisor = CreateThread(NULL, 0, supervisor_main, sw, 0, NULL);
    if (!sw->supervisor) {
        /* Without a supervisor nobody would report the end: stop the workers and wait here.
         * This happens only when the system is out of resources. */
        *err = GetLastError();
        SetEvent(sw->stop_event);
        for (size_t i = 0; i < n; i++)
            if (sw->workers[i].thread && !sw->workers[i].ended)
                cancel_worker(&sw->workers[i]);
        WaitForSingleObject(sw->all_ended, INFINITE);
        for (size_t i = 0; i < n; i++)
            if (sw->workers[i].thread) {
                WaitForSingleObject(sw->workers[i].thread, INFINITE);
                CloseHandle(sw->workers[i].thread);
                sw->workers[i].thread = NULL;
            }
        sweep_drain(hwnd);
        sweep_free(sw);
        return NULL;
    }
    return sw;

fail:
    sweep_free(sw);
    return NULL;
}

void sweep_stop(sweep *sw)
{
    if (sw)
        SetEvent(sw->stop_event);
}

BOOL sweep_wait(sweep *sw, DWORD ms)
{
    if (!sw)
        return TRUE;
    InterlockedExchange(&sw->closing, 1); /* nobody will read rows any more */
    SetEvent(sw->stop_event);
    return !sw->supervisor || WaitForSingleObject(sw->supervisor, ms) == WAIT_OBJECT_0;
}

uint64_t sweep_started_at(const sweep *sw) { return sw->now; }

void sweep_free(sweep *sw)
{
    if (!sw)
        return;
    if (sw->supervisor) {
        WaitForSingleObject(sw->supervisor, INFINITE); /* already ended: SWM_SWEEP_DONE came */
        CloseHandle(sw->supervisor);
    }
    for (size_t i = 0; sw->workers && i < sw->n; i++) {
        if (sw->workers[i].sw)
            DeleteCriticalSection(&sw->workers[i].lock);
    }
    for (size_t i = 0; sw->names && i < sw->n; i++)
        free(sw->names[i]);
    if (sw->slots)
        CloseHandle(sw->slots);
    if (sw->stop_event)
        CloseHandle(sw->stop_event);
    if (sw->all_ended)
        CloseHandle(sw->all_ended);
    free(sw->names);
    free(sw->workers);
    free(sw->channel);
    free(sw);
}

void sweep_drain(HWND hwnd)
{
    MSG m;
    while (PeekMessageW(&m, hwnd, SWM_STATE, SWM_LAST, PM_REMOVE)) {
        if (m.message == SWM_BATCH)
            es_batch_free((es_batch *)m.lParam);
    }
}
