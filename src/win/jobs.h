/* jobs: the one registry of the window's background work — the sweep, folder listings,
 * imports, exports, and whatever comes next. Each is registered before its thread starts and
 * removed when its completion message has reached the window, so the window knows at any
 * moment what it still waits for: it is destroyed only when nothing is left (jobs_idle), and
 * closing asks every job to end through one call (jobs_cancel).
 *
 * UI thread only. The threads themselves never touch the registry: they report through their
 * completion message, which post_retry delivers even on a full queue. */
#ifndef JOBS_H
#define JOBS_H

#include <windows.h>

typedef enum job_kind { JOB_SWEEP, JOB_LISTING, JOB_IMPORT, JOB_EXPORT, JOB_VIEW, JOB_FETCH, JOB_BROWSE, JOB_FLEET, JOB_KIND_COUNT } job_kind;

/* Registers `obj` (the sweep, a job struct); `cancel` (may be NULL) asks it to end soon and
 * must not block. FALSE when out of memory: nothing is registered, do not start the work. */
BOOL   jobs_add(job_kind kind, void *obj, void (*cancel)(void *obj));
/* Its completion has arrived (or it never started). Unknown objects are ignored. */
void   jobs_remove(void *obj);
size_t jobs_count(job_kind kind);
BOOL   jobs_idle(void);
/* Asks every registered job of that kind to end (JOB_KIND_COUNT: every job). */
void   jobs_cancel(job_kind kind);
void   jobs_free(void);

#endif
