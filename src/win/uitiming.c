/* uitiming: a benchmark's probe of the UI thread (tests/bench/bench_ui.sh), off unless the
 * environment asks for it: ES_BENCH_UI_TIMING=FILE times the handling of every message the UI
 * thread takes from its queue and writes the longest, the 99th percentile and the median there
 * at exit. ES_BENCH_NO_VIEW=1 (read by rowview.c) shows the rows in arrival order without the
 * view: the peer the view is measured against. Nothing else changes.
 *
 * ES_BENCH_UI_SAMPLES=FILE (tests/bench/bench_follow.sh, the follow soak) also writes a line
 * every ES_BENCH_UI_SAMPLE_MS (default 10000) milliseconds, from the UI thread: the rows
 * received, held and evicted, the row store's bytes, the process's private bytes and working
 * set (GetProcessMemoryInfo), and over the interval the messages' handling time (longest, 99th
 * percentile) and the round trip of a probe: a thread posts a message to the window every
 * 100 ms (one at a time) and the UI thread times it from the post to the end of its handling. */
#include "uitiming.h"

#define PSAPI_VERSION 2   /* GetProcessMemoryInfo is kernel32's K32GetProcessMemoryInfo */
#include <psapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#define PROBE_EVERY_MS 100

typedef struct series { float *v; size_t n, cap; } series;

static struct {
    BOOL     on;
    FILE    *f;
    DWORD    every_ms;
    HWND     hwnd;
    UINT     probe_msg;
    HANDLE   thread, answered, stop;
    volatile LONGLONG posted;   /* the probe's post (QueryPerformanceCounter), 0: none in flight */
    LARGE_INTEGER t_start, t_last;
    series   handling, probe;   /* this interval's */
    uitiming_counters_fn counters;
} S;

static struct {
    WCHAR  path[MAX_PATH];
    BOOL   on;
    LARGE_INTEGER freq, t0;
    float *ms;
    size_t n, cap;
    size_t batches;
    UINT   slow_msg[3];       /* the slowest three messages: which they were */
    float  slow_ms[3];
} U;

static void   series_add(series *s, float ms);
static double since_ms(LARGE_INTEGER a, LARGE_INTEGER b);
static void   sample_write(LARGE_INTEGER now);

void uitiming_init(void)
{
    DWORD n = GetEnvironmentVariableW(L"ES_BENCH_UI_TIMING", U.path, MAX_PATH);
    U.on = n > 0 && n < MAX_PATH;
    QueryPerformanceFrequency(&U.freq);
}

BOOL uitiming_no_view(void)
{
    WCHAR v[8];
    DWORD n = GetEnvironmentVariableW(L"ES_BENCH_NO_VIEW", v, 8);
    return n == 1 && v[0] == L'1';
}

void uitiming_begin(void)
{
    if (U.on || S.on)
        QueryPerformanceCounter(&U.t0);
}

void uitiming_end(UINT msg, UINT batch_msg, BOOL count)
{
    if (S.on) {
        LARGE_INTEGER t;
        QueryPerformanceCounter(&t);
        if (count) {
            series_add(&S.handling, (float)since_ms(U.t0, t));
            if (msg == S.probe_msg) {
                LARGE_INTEGER p;
                p.QuadPart = InterlockedExchange64(&S.posted, 0);
                if (p.QuadPart) {
                    series_add(&S.probe, (float)since_ms(p, t));
                    SetEvent(S.answered);
                }
            }
        } else if (msg == S.probe_msg) {
            InterlockedExchange64(&S.posted, 0);
            SetEvent(S.answered);
        }
        if (since_ms(S.t_last, t) >= (double)S.every_ms)
            sample_write(t);
    }
    if (!U.on || !count)
        return;
    LARGE_INTEGER t1;
    QueryPerformanceCounter(&t1);
    if (U.n == U.cap) {
        size_t c = U.cap ? U.cap * 2 : 65536;
        float *p = realloc(U.ms, c * sizeof *p);
        if (!p)
            return;
        U.ms = p;
        U.cap = c;
    }
    float ms = (float)((double)(t1.QuadPart - U.t0.QuadPart) * 1000.0 / (double)U.freq.QuadPart);
    U.ms[U.n++] = ms;
    for (int i = 0; i < 3; i++)
        if (ms > U.slow_ms[i]) {
            for (int k = 2; k > i; k--) {
                U.slow_ms[k] = U.slow_ms[k - 1];
                U.slow_msg[k] = U.slow_msg[k - 1];
            }
            U.slow_ms[i] = ms;
            U.slow_msg[i] = msg;
            break;
        }
    if (msg == batch_msg)
        U.batches++;
}

static void series_add(series *s, float ms)
{
    if (s->n == s->cap) {
        size_t c = s->cap ? s->cap * 2 : 4096;
        float *p = realloc(s->v, c * sizeof *p);
        if (!p)
            return;
        s->v = p;
        s->cap = c;
    }
    s->v[s->n++] = ms;
}

static double since_ms(LARGE_INTEGER a, LARGE_INTEGER b)
{
    return (double)(b.QuadPart - a.QuadPart) * 1000.0 / (double)U.freq.QuadPart;
}

static DWORD WINAPI probe_thread(void *arg)
{
    (void)arg;
    while (WaitForSingleObject(S.stop, PROBE_EVERY_MS) == WAIT_TIMEOUT) {
        LARGE_INTEGER t;
        QueryPerformanceCounter(&t);
        InterlockedExchange64(&S.posted, t.QuadPart);
        if (!PostMessageW(S.hwnd, S.probe_msg, 0, 0)) {
            InterlockedExchange64(&S.posted, 0);
            continue;
        }
        HANDLE h[2] = {S.answered, S.stop};
        if (WaitForMultipleObjects(2, h, FALSE, INFINITE) != WAIT_OBJECT_0)
            break;
    }
    return 0;
}

void uitiming_sampler(HWND hwnd, uitiming_counters_fn counters)
{
    WCHAR path[MAX_PATH], ms[16];
    DWORD n = GetEnvironmentVariableW(L"ES_BENCH_UI_SAMPLES", path, MAX_PATH);
    if (n == 0 || n >= MAX_PATH || !hwnd)
        return;
    S.every_ms = 10000;
    n = GetEnvironmentVariableW(L"ES_BENCH_UI_SAMPLE_MS", ms, 16);
    if (n > 0 && n < 16 && _wtoi(ms) >= 100)
        S.every_ms = (DWORD)_wtoi(ms);
    S.f = _wfopen(path, L"w");
    if (!S.f)
        return;
    if (!U.freq.QuadPart)
        QueryPerformanceFrequency(&U.freq);
    fprintf(S.f, "# ms received held evicted store_bytes private_bytes working_set messages handle_max_ms "
                 "handle_p99_ms probes probe_max_ms probe_p99_ms probe_median_ms\n");
    fflush(S.f);
    S.hwnd = hwnd;
    S.counters = counters;
    S.probe_msg = RegisterWindowMessageW(L"EventSweep.BenchProbe");
    S.answered = CreateEventW(NULL, FALSE, FALSE, NULL);
    S.stop = CreateEventW(NULL, TRUE, FALSE, NULL);
    QueryPerformanceCounter(&S.t_start);
    S.t_last = S.t_start;
    S.on = S.probe_msg && S.answered && S.stop;
    if (S.on)
        S.thread = CreateThread(NULL, 0, probe_thread, NULL, 0, NULL);
    if (!S.thread)
        S.on = FALSE;
}

static int cmp(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y;
}

static float pct(series *s, unsigned p)   /* sorts s */
{
    if (!s->n)
        return 0;
    qsort(s->v, s->n, sizeof *s->v, cmp);
    return s->v[s->n * p / 100 < s->n ? s->n * p / 100 : s->n - 1];
}

static void sample_write(LARGE_INTEGER now)
{
    uitiming_counters c = {0};
    if (S.counters)
        S.counters(&c);
    PROCESS_MEMORY_COUNTERS_EX pm = {0};
    pm.cb = sizeof pm;
    if (!GetProcessMemoryInfo(GetCurrentProcess(), (PROCESS_MEMORY_COUNTERS *)&pm, sizeof pm))
        memset(&pm, 0, sizeof pm);
    if (!pm.PrivateUsage)
        pm.PrivateUsage = pm.PagefileUsage;   /* Wine fills only the latter (the same: private commit) */
    float hp99 = pct(&S.handling, 99), hmax = S.handling.n ? S.handling.v[S.handling.n - 1] : 0;
    float pp99 = pct(&S.probe, 99), pmax = S.probe.n ? S.probe.v[S.probe.n - 1] : 0;
    float pmed = S.probe.n ? S.probe.v[S.probe.n / 2] : 0;
    fprintf(S.f, "%.0f %llu %llu %llu %llu %llu %llu %zu %.2f %.2f %zu %.2f %.2f %.3f\n", since_ms(S.t_start, now),
            (unsigned long long)c.received, (unsigned long long)c.held, (unsigned long long)c.evicted,
            (unsigned long long)c.store_bytes, (unsigned long long)pm.PrivateUsage,
            (unsigned long long)pm.WorkingSetSize, S.handling.n, hmax, hp99, S.probe.n, pmax, pp99, pmed);
    fflush(S.f);
    S.handling.n = S.probe.n = 0;
    S.t_last = now;
}

void uitiming_write(void)
{
    if (S.on) {
        SetEvent(S.stop);
        WaitForSingleObject(S.thread, INFINITE);
        CloseHandle(S.thread);
        CloseHandle(S.answered);
        CloseHandle(S.stop);
        fclose(S.f);
        free(S.handling.v);
        free(S.probe.v);
        S.on = FALSE;
    }
    if (!U.on || !U.n)
        return;
    qsort(U.ms, U.n, sizeof *U.ms, cmp);
    FILE *f = _wfopen(U.path, L"w");
    if (f) {
        fprintf(f, "messages=%zu batches=%zu max_ms=%.2f p99_ms=%.2f median_ms=%.3f slowest=0x%x:%.1f,0x%x:%.1f,0x%x:%.1f\n",
                U.n, U.batches, U.ms[U.n - 1], U.ms[U.n * 99 / 100], U.ms[U.n / 2], U.slow_msg[0], U.slow_ms[0],
                U.slow_msg[1], U.slow_ms[1], U.slow_msg[2], U.slow_ms[2]);
        fclose(f);
    }
    free(U.ms);
    U.ms = NULL;
}
