/* post_test: the full-queue paths of the shell's posting code, post_retry (src/win/post.c) and
 * wu_run_job (src/win/winutil.c), linked as the app links them, against a window whose thread
 * stops pumping until its queue holds the 10,000 posted messages Windows allows
 * (USERPostMessageLimit). A Windows console program; tests/win/t_post.sh runs it under Wine.
 *
 * Wine (8.0) enforces no quota: PostMessage to a window that never reads took 1,000,000
 * messages without failing. So the program first measures whether the real PostMessage fails
 * on a full queue; where it does not, it installs a PostMessage (post.h's post_fn seam) that
 * fails with ERROR_NOT_ENOUGH_QUOTA while 10,000 of the messages it posted are unread and
 * otherwise posts for real, so the messages still travel through the window's real queue.
 *
 * The main thread is the window's (the UI) thread: it pumps only when a check says so.
 * Prints "PASS name" / "FAIL name: why"; exit code 1 when anything failed. */
#include "post.h"
#include "winutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUOTA       10000
#define WM_OBJ      (WM_APP + 1)   /* a worker's heap object (wParam = worker) */
#define WM_FILL     (WM_APP + 2)   /* filler: no object */
#define WM_JOB      (WM_APP + 3)   /* wu_run_job's completion (lParam = job) */
#define WM_STRAY    (WM_APP + 4)   /* must never arrive */
#define WM_PROBE    (WM_APP + 5)   /* the quota probe (real PostMessage) */
#define WORKERS     4
/* Each worker alone has more objects than the queue holds, so none can finish while the window
 * does not pump: with fewer, one worker scheduled ahead of the others could post all of its
 * objects before the queue filled and end legitimately (seen once in CI with 4,000 each). */
#define PER_WORKER  (QUOTA + 1000)
#define MAGIC       0x0b1ec7u

static int failures;
static void fail(const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("FAIL %s: ", name);
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
    va_end(ap);
    failures++;
}

/* ---- heap objects, counted ---- */

typedef struct obj {
    unsigned magic;
    int      worker, seq;
    volatile LONG worked;  /* a job: its work ran */
} obj;

static volatile LONG g_allocs, g_frees;

static obj *obj_new(int worker, int seq)
{
    obj *o = calloc(1, sizeof *o);
    if (!o) {
        printf("FAIL out-of-memory\n");
        exit(1);
    }
    o->magic = MAGIC;
    o->worker = worker;
    o->seq = seq;
    InterlockedIncrement(&g_allocs);
    return o;
}

static void obj_free(obj *o)
{
    o->magic = 0xdeadu;
    free(o);
    InterlockedIncrement(&g_frees);
}

/* ---- the PostMessage post_retry calls ---- */

static BOOL g_simulate;            /* the system enforces no quota: this file does */
static volatile LONG g_unread;     /* posted through test_post, not yet read by the UI thread */
static volatile LONG g_quota_fails, g_other_fails;
static volatile LONG g_obj_quota_fails[WORKERS], g_job_quota_fails, g_stray_quota_fails, g_fill_quota_fails;
static volatile LONG g_unread_at_first_fail = -1;

static BOOL WINAPI test_post(HWND h, UINT msg, WPARAM wp, LPARAM lp)
{
    BOOL ok;
    if (g_simulate && IsWindow(h)) {
        /* reserve a place in the queue; Windows checks the window before the quota */
        if (InterlockedIncrement(&g_unread) > QUOTA) {
            InterlockedDecrement(&g_unread);
            SetLastError(ERROR_NOT_ENOUGH_QUOTA);
            ok = FALSE;
        } else if (!(ok = PostMessageW(h, msg, wp, lp))) {
            DWORD e = GetLastError();
            InterlockedDecrement(&g_unread);
            SetLastError(e);
        }
    } else {
        ok = PostMessageW(h, msg, wp, lp);
        if (ok)
            InterlockedIncrement(&g_unread);
    }
    if (!ok) {
        DWORD e = GetLastError();
        if (e == ERROR_NOT_ENOUGH_QUOTA) {
            InterlockedCompareExchange(&g_unread_at_first_fail, g_unread, -1);
            InterlockedIncrement(&g_quota_fails);
            if (msg == WM_OBJ && wp < WORKERS)
                InterlockedIncrement(&g_obj_quota_fails[wp]);
            else if (msg == WM_JOB)
                InterlockedIncrement(&g_job_quota_fails);
            else if (msg == WM_STRAY)
                InterlockedIncrement(&g_stray_quota_fails);
            else if (msg == WM_FILL)
                InterlockedIncrement(&g_fill_quota_fails);
        } else {
            InterlockedIncrement(&g_other_fails);
        }
        SetLastError(e);
    }
    return ok;
}

/* ---- the UI thread's side ---- */

static HWND g_wnd;
static unsigned char g_seen[WORKERS][PER_WORKER];
static long g_received, g_bad, g_fills_read, g_strays, g_jobs_received;
static obj *g_last_job;
static LONG g_last_job_worked;
static volatile LONG g_runner_frees;   /* wu_run_job's free_job calls */

static void handle(const MSG *m)
{
    switch (m->message) {
    case WM_OBJ: {
        InterlockedDecrement(&g_unread);
        obj *o = (obj *)m->lParam;
        if (!o || o->magic != MAGIC || o->worker < 0 || o->worker >= WORKERS || o->seq < 0 || o->seq >= PER_WORKER ||
            (WPARAM)o->worker != m->wParam) {
            g_bad++;
            return;
        }
        if (g_seen[o->worker][o->seq] < 255)
            g_seen[o->worker][o->seq]++;
        g_received++;
        obj_free(o);
        return;
    }
    case WM_FILL:
        InterlockedDecrement(&g_unread);
        g_fills_read++;
        return;
    case WM_JOB: {
        InterlockedDecrement(&g_unread);
        obj *o = (obj *)m->lParam;
        g_jobs_received++;
        if (!o || o->magic != MAGIC) {
            g_bad++;
            return;
        }
        g_last_job = o;
        g_last_job_worked = o->worked;
        obj_free(o);
        return;
    }
    case WM_STRAY:
        InterlockedDecrement(&g_unread);
        g_strays++;
        if (m->lParam)
            obj_free((obj *)m->lParam);
        return;
    case WM_PROBE:
        return;
    }
    DispatchMessageW(m);
}

/* Reads every message now in the queue. */
static long pump(void)
{
    MSG m;
    long n = 0;
    while (PeekMessageW(&m, NULL, 0, 0, PM_REMOVE)) {
        handle(&m);
        n++;
    }
    return n;
}

/* Pumps for ms milliseconds (until done() says so, if given). */
static BOOL pump_until(DWORD ms, BOOL (*done)(void))
{
    ULONGLONG end = GetTickCount64() + ms;
    for (;;) {
        pump();
        if (done && done())
            return TRUE;
        if (GetTickCount64() >= end)
            return done ? done() : TRUE;
        MsgWaitForMultipleObjects(0, NULL, FALSE, 5, QS_ALLINPUT);
    }
}

/* Polls cond() without pumping, for at most ms. */
static BOOL wait_for(DWORD ms, BOOL (*cond)(void))
{
    ULONGLONG end = GetTickCount64() + ms;
    while (!cond()) {
        if (GetTickCount64() >= end)
            return FALSE;
        Sleep(2);
    }
    return TRUE;
}

static HWND new_window(void)
{
    /* message-only: a real window with the thread's real queue, and no display needed */
    return CreateWindowExW(0, L"post_test", L"post_test", 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, GetModuleHandleW(NULL), NULL);
}

/* Posts WM_FILL straight through test_post until the queue is full; returns how many went in,
 * or -1 when a post failed with another error. */
static long fill_queue(void)
{
    long n = 0;
    while (n < 10 * QUOTA) {
        if (!test_post(g_wnd, WM_FILL, 0, 0))
            return GetLastError() == ERROR_NOT_ENOUGH_QUOTA ? n : -1;
        n++;
    }
    return n; /* never full */
}

/* ---- 0. does the system enforce the quota? ---- */

static void probe_quota(void)
{
    long n = 0;
    DWORD err = 0;
    while (n < 3 * QUOTA) {
        if (!PostMessageW(g_wnd, WM_PROBE, 0, 0)) {
            err = GetLastError();
            break;
        }
        n++;
    }
    long drained = pump();
    if (err == ERROR_NOT_ENOUGH_QUOTA) {
        printf("     the system enforces the quota: PostMessage failed with ERROR_NOT_ENOUGH_QUOTA (%lu) after %ld posts\n",
               (unsigned long)err, n);
        g_simulate = FALSE;
    } else if (err) {
        printf("     PostMessage failed with error %lu after %ld posts: simulating the quota\n", (unsigned long)err, n);
        g_simulate = TRUE;
    } else {
        printf("     the system enforces no quota: %ld posts to a window that does not pump all succeeded (%ld read "
               "back); simulating Windows' quota of %d unread messages\n", n, drained, QUOTA);
        g_simulate = TRUE;
    }
    fflush(stdout);
}

/* ---- 1. workers' batches ---- */

static HANDLE g_workers[WORKERS];
static volatile LONG g_undelivered;    /* post_retry said FALSE: the worker freed it */

static DWORD WINAPI worker_main(void *param)
{
    int w = (int)(INT_PTR)param;
    for (int i = 0; i < PER_WORKER; i++) {
        obj *o = obj_new(w, i);
        if (!post_retry(g_wnd, WM_OBJ, (WPARAM)w, (LPARAM)o, NULL)) {
            obj_free(o); /* not delivered: still ours */
            InterlockedIncrement(&g_undelivered);
        }
    }
    return 0;
}

static BOOL workers_ended(void)
{
    return WaitForMultipleObjects(WORKERS, g_workers, TRUE, 0) == WAIT_OBJECT_0;
}

static BOOL any_worker_ended(void)
{
    for (int i = 0; i < WORKERS; i++)
        if (WaitForSingleObject(g_workers[i], 0) == WAIT_OBJECT_0)
            return TRUE;
    return FALSE;
}

/* every worker has failed on the full queue at least twice (it is retrying), or one ended */
static BOOL workers_blocked(void)
{
    for (int i = 0; i < WORKERS; i++)
        if (g_obj_quota_fails[i] < 2 && WaitForSingleObject(g_workers[i], 0) != WAIT_OBJECT_0)
            return FALSE;
    return TRUE;
}

static BOOL all_objects_in(void)
{
    return workers_ended() && g_received + g_undelivered + g_bad >= (long)WORKERS * PER_WORKER;
}

static void test_batches(void)
{
    for (int i = 0; i < WORKERS; i++) {
        g_workers[i] = CreateThread(NULL, 0, worker_main, (void *)(INT_PTR)i, 0, NULL);
        if (!g_workers[i]) {
            printf("FAIL batches: CreateThread failed\n");
            exit(1);
        }
    }
    /* the UI thread does not pump: the workers fill the queue and must then wait */
    BOOL blocked = wait_for(20000, workers_blocked);
    Sleep(100); /* still blocked a while later, and nothing slipped past the quota */
    LONG unread = g_unread, qf = g_quota_fails;
    if (!blocked)
        fail("batches-queue-full", "the workers never hit a full queue (%ld quota failures, %ld unread)", (long)qf, (long)unread);
    else if (any_worker_ended())
        fail("batches-queue-full", "a worker ended while the window did not pump (%ld delivered, %ld undelivered): "
             "post_retry gave up on a full queue", (long)unread, (long)g_undelivered);
    else if (g_other_fails)
        fail("batches-queue-full", "PostMessage failed %ld times with an error other than ERROR_NOT_ENOUGH_QUOTA", (long)g_other_fails);
    else if (g_simulate && unread != QUOTA)
        fail("batches-queue-full", "%ld messages unread, expected the queue full at %d", (long)unread, QUOTA);
    else {
        printf("PASS batches-queue-full (%d workers blocked in post_retry; PostMessage failed %ld times with "
               "ERROR_NOT_ENOUGH_QUOTA, first at %ld unread)\n", WORKERS, (long)qf, (long)g_unread_at_first_fail);
        fflush(stdout);
    }

    /* the UI thread pumps again: everything arrives */
    if (!pump_until(30000, all_objects_in))
        fail("batches-delivered", "after 30 s of pumping: %ld of %d received, workers %s", g_received, WORKERS * PER_WORKER,
             workers_ended() ? "ended" : "still running");
    pump();
    long missing = 0, dup = 0;
    for (int w = 0; w < WORKERS; w++)
        for (int i = 0; i < PER_WORKER; i++) {
            if (g_seen[w][i] == 0)
                missing++;
            else if (g_seen[w][i] > 1)
                dup++;
        }
    if (g_undelivered || missing || dup || g_bad || g_received != (long)WORKERS * PER_WORKER)
        fail("batches-delivered-once", "%ld received of %d, %ld missing, %ld more than once, %ld damaged, %ld not delivered "
             "(post_retry said FALSE while the window existed)", g_received, WORKERS * PER_WORKER, missing, dup, g_bad,
             (long)g_undelivered);
    else
        printf("PASS batches-delivered-once (%ld objects, each exactly once)\n", g_received), fflush(stdout);
    if (g_allocs != g_frees)
        fail("batches-no-leak", "%ld objects allocated, %ld freed", (long)g_allocs, (long)g_frees);
    else
        printf("PASS batches-no-leak (%ld allocated, %ld freed)\n", (long)g_allocs, (long)g_frees), fflush(stdout);
    for (int i = 0; i < WORKERS; i++)
        CloseHandle(g_workers[i]);
}

/* ---- 2. a job whose completion lands on a full queue ---- */

static void job_work(void *job)
{
    InterlockedExchange(&((obj *)job)->worked, 1);
}

static void job_free(void *job)
{
    InterlockedIncrement(&g_runner_frees);
    obj_free(job);
}

static obj *volatile g_job;
static LONG g_job_fails_before;

static BOOL job_stuck_or_freed(void)
{
    return g_runner_frees > 0 || g_job_quota_fails >= g_job_fails_before + 3;
}

static BOOL job_in(void) { return g_jobs_received > 0; }
static LONG g_runner_frees_before;
static BOOL runner_freed(void) { return g_runner_frees > g_runner_frees_before; }

static void test_job(void)
{
    long filled = fill_queue();
    if (filled < 0) {
        fail("job-full-queue", "filling the queue: PostMessage failed with error %lu", (unsigned long)GetLastError());
        pump();
        return;
    }
    obj *job = obj_new(-1, 0);
    g_job = job;
    g_job_fails_before = g_job_quota_fails;
    LONG frees_before = g_runner_frees;
    if (!wu_run_job(g_wnd, WM_JOB, job, job_work, job_free)) {
        fail("job-full-queue", "wu_run_job could not start a thread");
        obj_free(job);
        pump();
        return;
    }
    BOOL stuck = wait_for(10000, job_stuck_or_freed);
    if (g_runner_frees != frees_before)
        fail("job-full-queue", "wu_run_job freed the job while the window existed: its completion hit the full queue "
             "(%ld unread) and was dropped", (long)g_unread);
    else if (!stuck)
        fail("job-full-queue", "the job's completion never hit the full queue (%ld quota failures for it)",
             (long)(g_job_quota_fails - g_job_fails_before));
    else
        printf("PASS job-full-queue (the completion's PostMessage failed %ld times with ERROR_NOT_ENOUGH_QUOTA; the job "
               "thread waits, the job not freed)\n", (long)(g_job_quota_fails - g_job_fails_before)), fflush(stdout);

    /* the window pumps again */
    long fills_before = g_fills_read;
    BOOL in = pump_until(10000, job_in);
    pump_until(200, NULL); /* nothing more comes */
    if (!in || g_jobs_received != 1 || g_last_job != job)
        fail("job-delivered", "%ld completions received (expected 1, lParam = the job) after pumping for 10 s",
             g_jobs_received);
    else if (!g_last_job_worked)
        fail("job-delivered", "the job arrived but its work had not run");
    else if (g_runner_frees != frees_before)
        fail("job-delivered", "the job was delivered and also freed by wu_run_job");
    else
        printf("PASS job-delivered (once, after the %ld queued messages ahead of it)\n", g_fills_read - fills_before),
            fflush(stdout);
    g_job = NULL;
    if (g_fills_read - fills_before != filled)
        fail("job-delivered", "%ld of the %ld filler messages read", g_fills_read - fills_before, filled);
}

/* ---- 3. a window that is gone; giving up ---- */

typedef struct blocked_post {
    HWND           hwnd;
    volatile LONG *give_up;
    BOOL           result;
} blocked_post;

static DWORD WINAPI blocked_main(void *param)
{
    blocked_post *bp = param;
    obj *o = obj_new(-2, 0);
    bp->result = post_retry(bp->hwnd, WM_STRAY, 0, (LPARAM)o, bp->give_up);
    if (!bp->result)
        obj_free(o); /* the caller still owns it */
    return 0;
}

static LONG g_stray_fails_before;
static BOOL stray_blocked(void) { return g_stray_quota_fails >= g_stray_fails_before + 3; }

/* Fills the queue, starts a thread posting WM_STRAY to hwnd, waits until it is retrying, then
 * calls release(); the thread must return FALSE within 2 s. */
static void blocked_then(const char *name, HWND hwnd, volatile LONG *give_up, void (*release)(void *), void *arg)
{
    long filled = fill_queue();
    if (filled < 0) {
        fail(name, "filling the queue: PostMessage failed with error %lu", (unsigned long)GetLastError());
        pump();
        return;
    }
    /* on the heap: a thread that never returns keeps using it */
    blocked_post *bp = calloc(1, sizeof *bp);
    if (!bp) {
        printf("FAIL out-of-memory\n");
        exit(1);
    }
    bp->hwnd = hwnd;
    bp->give_up = give_up;
    bp->result = TRUE;
    g_stray_fails_before = g_stray_quota_fails;
    HANDLE t = CreateThread(NULL, 0, blocked_main, bp, 0, NULL);
    if (!t) {
        fail(name, "CreateThread failed");
        free(bp);
        pump();
        return;
    }
    BOOL ended = FALSE;
    if (!wait_for(10000, stray_blocked)) {
        fail(name, "post_retry did not wait on the full queue (%ld quota failures)",
             (long)(g_stray_quota_fails - g_stray_fails_before));
    } else {
        release(arg);
        ended = WaitForSingleObject(t, 2000) == WAIT_OBJECT_0;
        if (!ended)
            fail(name, "post_retry still waiting 2 s later");
        else if (bp->result)
            fail(name, "post_retry returned TRUE");
        else
            printf("PASS %s\n", name), fflush(stdout);
    }
    pump_until(300, NULL); /* drain the filler (and let a stuck thread be) */
    if (ended || WaitForSingleObject(t, 0) == WAIT_OBJECT_0)
        free(bp);
    CloseHandle(t);
}

static void destroy_window(void *h) { DestroyWindow((HWND)h); }
static void set_flag(void *p) { InterlockedExchange((volatile LONG *)p, 1); }

static void test_gone(void)
{
    /* a window already destroyed */
    HWND h = new_window();
    DestroyWindow(h);
    obj *o = obj_new(-2, 0);
    ULONGLONG t0 = GetTickCount64();
    BOOL r = post_retry(h, WM_STRAY, 0, (LPARAM)o, NULL);
    ULONGLONG ms = GetTickCount64() - t0;
    if (r)
        fail("post-destroyed-window", "post_retry returned TRUE for a destroyed window");
    else if (ms > 500)
        fail("post-destroyed-window", "post_retry took %llu ms to give up", (unsigned long long)ms);
    else
        printf("PASS post-destroyed-window (FALSE: the caller frees)\n"), fflush(stdout);
    if (!r)
        obj_free(o);

    /* a job for a destroyed window: wu_run_job frees it */
    h = new_window();
    DestroyWindow(h);
    LONG before = g_runner_frees_before = g_runner_frees;
    obj *job = obj_new(-1, 0);
    if (!wu_run_job(h, WM_JOB, job, job_work, job_free)) {
        obj_free(job);
        fail("job-destroyed-window", "wu_run_job could not start a thread");
    } else if (!wait_for(5000, runner_freed) || g_runner_frees != before + 1)
        fail("job-destroyed-window", "wu_run_job did not free the job of a destroyed window");
    else
        printf("PASS job-destroyed-window (free_job called)\n"), fflush(stdout);

    /* a window destroyed while post_retry waits on its full queue */
    h = new_window();
    blocked_then("post-window-destroyed-while-waiting", h, NULL, destroy_window, h);

    /* give_up set while post_retry waits */
    volatile LONG give_up = 0;
    blocked_then("post-give-up", g_wnd, &give_up, set_flag, (void *)&give_up);
}

int wmain(void)
{
    WNDCLASSW wc = {0};
    wc.lpfnWndProc = DefWindowProcW;
    wc.hInstance = GetModuleHandleW(NULL);
    wc.lpszClassName = L"post_test";
    if (!RegisterClassW(&wc) || !(g_wnd = new_window())) {
        printf("FAIL window: could not create a window (error %lu)\n", (unsigned long)GetLastError());
        return 1;
    }
    pump();
    probe_quota();
    post_fn = test_post;

    test_batches();
    test_job();
    test_gone();

    pump_until(200, NULL);
    if (g_strays)
        fail("nothing-stray", "%ld WM_STRAY messages arrived (posts that should have failed or been given up)", g_strays);
    if (g_allocs != g_frees)
        fail("no-leak", "%ld objects allocated, %ld freed", (long)g_allocs, (long)g_frees);
    else
        printf("PASS no-leak (%ld allocated, %ld freed, %ld by wu_run_job)\n", (long)g_allocs, (long)g_frees,
               (long)g_runner_frees), fflush(stdout);
    fflush(stdout);
    return failures ? 1 : 0;
}
