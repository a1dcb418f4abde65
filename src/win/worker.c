/* What the engines call on a worker thread (source.h): rows into batches and batches to the
 * window, states, warnings, probes, coverage, and live follow's hooks; and the posting every
 * sweep message goes through (see sweep.h for the threads and ownership). */
#include "sweep_int.h"
#include "post.h"
#include "winutil.h"

#include <stdlib.h>
#include <string.h>

#define BATCH_ROWS      512     /* rows per batch: few messages, and rows still stream */
#define BATCH_MAX_AGE   100     /* ms: a partly filled batch is sent after this long */

/* ---- posting ---- */

BOOL sweep_post(sweep *sw, UINT msg, uint32_t id, LPARAM lp)
{
    return post_retry(sw->hwnd, msg, SWEEP_WP(sw->gen, id), lp, NULL);
}

void worker_deliver(worker *w, es_batch *b)
{
    if (b && b->count && sweep_post(w->sw, SWM_BATCH, w->index, (LPARAM)b))
        return; /* the window's now */
    es_batch_free(b); /* empty, or not delivered: still ours */
}

/* The worker's own posts begin here, under the lock the supervisor takes to abandon a source:
 * either the source is abandoned and the worker posts nothing more, or the worker is posting
 * and the supervisor leaves it alone until it is done (end_post). Takes the batch being filled
 * when `batch` is given. FALSE when the source was abandoned. */
BOOL worker_begin_post(worker *w, es_batch **batch)
{
    EnterCriticalSection(&w->batch_lock);
    BOOL ok = !w->abandoned;
    if (ok) {
        InterlockedExchange(&w->posting, 1);
        if (batch) {
            *batch = w->batch;
            w->batch = NULL;
        }
    }
    LeaveCriticalSection(&w->batch_lock);
    return ok;
}

void worker_end_post(worker *w) { InterlockedExchange(&w->posting, 0); }

/* Sends the rows gathered so far (the worker's own thread). */
static void flush(worker *w)
{
    es_batch *b = NULL;
    if (worker_begin_post(w, &b)) {
        worker_deliver(w, b);
        worker_end_post(w);
    }
}

/* ---- what engines call ---- */

BOOL worker_emit(worker *w, const es_event *ev)
{
    if (w->cancelled)
        return FALSE;
    es_batch *send = NULL;
    BOOL ok = FALSE;
    EnterCriticalSection(&w->batch_lock);
    if (!w->abandoned) {
        if (!w->batch) {
            w->batch = es_batch_new(w->index, BATCH_ROWS);
            w->batch_first_ms = GetTickCount64();
        }
        ok = w->batch && es_batch_add(w->batch, ev, wu_now_ticks());
        if (ok)
            InterlockedIncrement64(&w->emitted);
        if (ok && (es_batch_full(w->batch) || GetTickCount64() - w->batch_first_ms >= BATCH_MAX_AGE)) {
            send = w->batch;
            w->batch = NULL;
            InterlockedExchange(&w->posting, 1);
        }
    }
    LeaveCriticalSection(&w->batch_lock);
    if (send) {
        worker_deliver(w, send); /* outside the lock: a full queue makes only this thread wait */
        worker_end_post(w);
    }
    return ok && !w->cancelled;
}

void worker_call_begin(worker *w, BOOL for_data)
{
    ULONGLONG now = GetTickCount64();
    if (for_data) {
        if (w->last_wait_ms && now - w->last_wait_ms >= BATCH_MAX_AGE)
            flush(w);
        w->last_wait_ms = now;
    }
    w->call_ms = (LONG64)now; /* an aligned 64-bit store: the supervisor reads it whole, no fence needed */
}

void worker_call_end(worker *w) { w->call_ms = 0; }

void worker_set_state(worker *w, es_state s)
{
    es_batch *b = NULL;
    if (!worker_begin_post(w, &b))
        return;
    worker_deliver(w, b); /* rows first, so the window never shows "done" before the last rows */
    sweep_post(w->sw, SWM_STATE, w->index, (LPARAM)s);
    worker_end_post(w);
}

void worker_set_warnings(worker *w, uint64_t skipped)
{
    if (!worker_begin_post(w, NULL))
        return;
    sweep_post(w->sw, SWM_WARNINGS, w->index, (LPARAM)skipped);
    worker_end_post(w);
}

void worker_set_probe(worker *w, int verdict)
{
    w->probe = verdict;
    if (!worker_begin_post(w, NULL))
        return;
    sweep_post(w->sw, SWM_PROBE, w->index, (LPARAM)verdict);
    worker_end_post(w);
}

void worker_set_coverage(worker *w, const es_coverage *c)
{
    es_coverage *copy = malloc(sizeof *copy);
    if (!copy)
        return;   /* information only */
    *copy = *c;
    if (worker_begin_post(w, NULL)) {
        if (sweep_post(w->sw, SWM_COVERAGE, w->index, (LPARAM)copy))
            copy = NULL;   /* the window's now */
        worker_end_post(w);
    }
    free(copy);
}

void worker_set_state_detail(worker *w, es_state s, unsigned detail)
{
    es_batch *b = NULL;
    if (!worker_begin_post(w, &b))
        return;
    worker_deliver(w, b);
    sweep_post(w->sw, SWM_STATE, w->index, SWEEP_STATE_PARAM(s, detail));
    worker_end_post(w);
}

void worker_follow_begin(worker *w)
{
    InterlockedExchange(&w->following, 1);
    if (InterlockedExchange(&w->slot_held, 0))
        ReleaseSemaphore(w->sw->slots, 1, NULL);   /* a source still waiting may start */
}

BOOL worker_wait(worker *w, HANDLE ev, DWORD ms)
{
    flush(w);
    if (!ev) {   /* a pause: the sweep's Stop alone ends it early */
        WaitForSingleObject(w->sw->stop_event, ms);
        return FALSE;
    }
    HANDLE waits[2] = {ev, w->sw->stop_event};
    return WaitForMultipleObjects(2, waits, FALSE, ms) == WAIT_OBJECT_0;
}

void worker_note_gap(worker *w, uint64_t records)
{
    if (!worker_begin_post(w, NULL))
        return;
    sweep_post(w->sw, SWM_GAP, w->index, (LPARAM)records);
    worker_end_post(w);
}

DWORD worker_cancel_reason(const worker *w) { return w->cancelled ? (DWORD)w->reason : 0; }

BOOL worker_cancelled(const worker *w) { return w->cancelled != 0; }
void worker_lock(worker *w) { EnterCriticalSection(&w->lock); }
void worker_unlock(worker *w) { LeaveCriticalSection(&w->lock); }
void **worker_engine_slot(worker *w) { return &w->engine_slot; }
