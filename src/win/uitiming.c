/* uitiming: a benchmark's probe of the UI thread (tests/bench/bench_ui.sh), off unless the
 * environment asks for it: ES_BENCH_UI_TIMING=FILE times the handling of every message the UI
 * thread takes from its queue and writes the longest, the 99th percentile and the median there
 * at exit. ES_BENCH_NO_VIEW=1 (read by rowview.c) shows the rows in arrival order without the
 * view: the peer the view is measured against. Nothing else changes. */
#include "uitiming.h"

#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

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
    if (U.on)
        QueryPerformanceCounter(&U.t0);
}

void uitiming_end(UINT msg, UINT batch_msg, BOOL count)
{
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

static int cmp(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y;
}

void uitiming_write(void)
{
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
