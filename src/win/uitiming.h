/* uitiming: the benchmark's probe of the UI thread (see uitiming.c); off unless the environment
 * turns it on. UI thread only. */
#ifndef UITIMING_H
#define UITIMING_H

#include <windows.h>

void uitiming_init(void);
BOOL uitiming_no_view(void);               /* ES_BENCH_NO_VIEW=1: rows in arrival order, no view */
void uitiming_begin(void);
void uitiming_end(UINT msg, UINT batch_msg, BOOL count);   /* count: FALSE while closing */
void uitiming_write(void);

#endif
