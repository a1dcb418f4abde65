/* The registry of background work (see jobs.h). A handful of entries at most: a plain array. */
#include "jobs.h"
#include "es_buf.h"

#include <stdlib.h>

typedef struct job_entry {
    job_kind kind;
    void    *obj;
    void   (*cancel)(void *obj);
} job_entry;

static job_entry *g_jobs;
static size_t     g_njobs, g_cap;

BOOL jobs_add(job_kind kind, void *obj, void (*cancel)(void *obj))
{
    if (!es_grow(&g_jobs, &g_cap, g_njobs + 1, sizeof *g_jobs))
        return FALSE;
    g_jobs[g_njobs].kind = kind;
    g_jobs[g_njobs].obj = obj;
    g_jobs[g_njobs].cancel = cancel;
    g_njobs++;
    return TRUE;
}

void jobs_remove(void *obj)
{
    for (size_t i = 0; i < g_njobs; i++)
        if (g_jobs[i].obj == obj) {
            g_jobs[i] = g_jobs[--g_njobs];
            return;
        }
}

size_t jobs_count(job_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < g_njobs; i++)
        n += g_jobs[i].kind == kind;
    return n;
}

BOOL jobs_idle(void) { return g_njobs == 0; }

void jobs_cancel(job_kind kind)
{
    for (size_t i = 0; i < g_njobs; i++)
        if ((kind == JOB_KIND_COUNT || g_jobs[i].kind == kind) && g_jobs[i].cancel)
            g_jobs[i].cancel(g_jobs[i].obj);
}

void jobs_free(void)
{
    free(g_jobs);
    g_jobs = NULL;
    g_njobs = g_cap = 0;
}
