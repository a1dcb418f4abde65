/* uitiming: the benchmark's probe of the UI thread (see uitiming.c); off unless the environment
 * turns it on. UI thread only. */
#ifndef UITIMING_H
#define UITIMING_H

#include <stdint.h>
#include <windows.h>

void uitiming_init(void);
BOOL uitiming_no_view(void);               /* ES_BENCH_NO_VIEW=1: rows in arrival order, no view */
void uitiming_begin(void);
void uitiming_end(UINT msg, UINT batch_msg, BOOL count);   /* count: FALSE while closing */
void uitiming_write(void);

/* ES_BENCH_UI_SAMPLES=FILE: a line every ES_BENCH_UI_SAMPLE_MS ms (see uitiming.c); the row
 * counters come from `counters` (UI thread). Off (nothing started) without the variable. */
typedef struct uitiming_counters {
    uint64_t received, held, evicted, store_bytes;
} uitiming_counters;
typedef void (*uitiming_counters_fn)(uitiming_counters *c);
void uitiming_sampler(HWND hwnd, uitiming_counters_fn counters);

#endif
