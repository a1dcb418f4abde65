/* es_coverage: whether a server's log reaches back to the start of the sweep's window, and the
 * sentence that says so. A log that starts after the window's start (it filled up and
 * overwrote its oldest events, or was cleared or created since) cannot hold the whole window,
 * whatever the sweep found in it. The engine reads the facts on the worker thread (EvtGetLogInfo
 * and the oldest record's TimeCreated); the window and the status CSV show the sentence.
 * Portable core: no windows.h. */
#ifndef ES_COVERAGE_H
#define ES_COVERAGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct es_coverage {
    uint64_t since;          /* the window's start it was read for (FILETIME ticks; 0 = no limit) */
    uint64_t oldest_time;    /* TimeCreated of the log's oldest record (FILETIME ticks; 0 = unknown) */
    uint64_t oldest_record;  /* EvtLogOldestRecordNumber (0: the log is empty) */
    uint64_t records;        /* EvtLogNumberOfLogRecords */
    uint64_t file_size;      /* EvtLogFileSize, bytes */
    int      full;           /* EvtLogFull: the log is full, so what is older was overwritten */
} es_coverage;

/* 1 when the log starts after the window's start: the window is not fully covered. */
int    es_coverage_gap(const es_coverage *c);

/* "2026-11-28 13:02" (the minute of `ticks`, UTC; the caller may pass a local time's ticks). */
#define ES_MINUTE_LEN 24
char  *es_time_minute(uint64_t ticks, char out[ES_MINUTE_LEN]);

/* The sentence, or "" when the window is covered (or nothing is known):
 *   log starts 2026-11-28 13:02: not the whole window (log full: older events overwritten)
 *   log starts 2026-11-28 13:02: not the whole window (the log was cleared or created then)
 * `when` is the oldest record's time as the caller shows it (NULL: es_time_minute in UTC).
 * Returns the length it needs (snprintf's rule: out is cut to len - 1 and NUL-terminated). */
size_t es_coverage_text(const es_coverage *c, const char *when, char *out, size_t len);

#endif
