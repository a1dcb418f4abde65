/* es_view: what the results list shows — the rows of the store that pass the view's filter
 * (the sources shown, the quick-find text), in the view's order.
 *
 * The view is a permutation index over the row store, 4 bytes a row: `all` holds every row
 * in the sort order, `vis` the rows that pass the filter, in the same order (it is `all`
 * itself when nothing is filtered). The order is total, so it is reproducible: the chosen
 * column (ascending or descending), then the source (by name), then RecordID in the column's
 * direction, then arrival. "Descending" reverses the column and RecordID, never the source.
 *
 * Threads: an es_view belongs to the UI thread. Sorting and filtering a million rows run on
 * a job thread through the pure functions es_view_sort() and es_view_filter(), which read rows
 * [0, n) of the store (a reader of the store, see es_row.h) and write into arrays the job owns;
 * the UI thread then installs the result (es_view_install) and adds the rows that arrived
 * meanwhile (es_view_add). Both take a cancel flag the UI thread may set at any time.
 *
 * Portable core: no windows.h. */
#ifndef ES_VIEW_H
#define ES_VIEW_H

#include "es_row.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* The columns, in the CSV's order (es_export.h); Log came last, as in the CSV. */
typedef enum es_col {
    ES_COL_SERVER = 0, ES_COL_TIME, ES_COL_LEVEL, ES_COL_SOURCE, ES_COL_EVENTID, ES_COL_TASK,
    ES_COL_RECORDID, ES_COL_COMPUTER, ES_COL_MESSAGE, ES_COL_RECEIVED, ES_COL_LOG, ES_NCOLS
} es_col;

const char *es_col_name(es_col c);        /* "TimeCreated", as in the CSV header */
int         es_col_parse(const char *name); /* any case; also "Time" and "Record"; -1 when unknown */

typedef struct es_order {
    es_col col;
    int    desc;
} es_order;

#define ES_ORDER_DEFAULT ((es_order){ES_COL_TIME, 1})   /* newest first */

/* "TimeCreated:desc", "level", "EventID:asc" -> order. Returns 1, or 0 with err naming the
 * bad part. Without a direction a column sorts ascending, except TimeCreated and Received
 * (newest first), as a click on their header does. */
int es_order_parse(const char *text, es_order *o, char *err, size_t errlen);

/* What the view knows beyond the rows: the sources' names (the Server column), their logs (the
 * Log column) and how the Time column is displayed. Owned by the caller; read by jobs, so
 * immutable while one runs. */
typedef struct es_view_ctx {
    const char *const *source_names;   /* per source, UTF-8, as the Server column shows it */
    const uint32_t    *source_rank;    /* per source: its place when sorted by name */
    size_t             nsources;
    /* The Time column as displayed (local time, in the window). NULL: ISO 8601 UTC. Must be
     * callable from any thread. Writes a NUL-terminated text; returns its length. */
    size_t (*time_text)(void *ctx, uint64_t ticks, char *out, size_t cap);
    void  *time_ctx;
    /* The Log column, per source (nsources entries; NULL arrays: no Log): a server's log, the
     * same for all its rows; NULL for a saved log, whose rows name theirs by log_ix in
     * file_logs[source][log_ix - 1] (nfile_logs[source] entries). */
    const char *const        *source_logs;
    const char *const *const *file_logs;
    const uint8_t            *nfile_logs;
} es_view_ctx;

/* A row's Log as the list shows it: "" when it has none. */
static inline const char *es_view_log(const es_view_ctx *c, const es_row *r)
{
    if (!c->source_logs)
        return "";   /* no Log column */
    return es_row_log(r, c->nsources, c->source_logs, c->file_logs, c->nfile_logs);
}

/* Fills rank[] (nsources entries) from names: the place of each source when the names are
 * sorted case-insensitively (ties by index). */
void es_view_rank_sources(const char *const *names, size_t nsources, uint32_t *rank);

/* Total order of two rows of the store (ia, ib are their indices): < 0, 0 (same row), > 0. */
int es_view_compare(const es_rowstore *s, uint32_t ia, uint32_t ib, es_order o, const es_view_ctx *c);

/* ---- quick find: a case-insensitive substring of any visible column, as displayed ---- */

typedef struct es_find es_find;

/* NULL when the text is empty (nothing to find: every row passes) or out of memory (*oom). */
es_find *es_find_new(const char *text, int *oom);
void     es_find_free(es_find *f);
const char *es_find_text(const es_find *f);   /* as given ("" for NULL) */
/* 1 when every row that matches `narrower` also matches `f` (f's text is part of narrower's):
 * then narrowing needs to look only at the rows f let through. */
int      es_find_covers(const es_find *f, const es_find *narrower);
int      es_find_row(const es_find *f, const es_row *r, const es_view_ctx *c);

/* The same, remembering per pass what rows share (a provider's text, a server's name, a second's
 * time text): one memo per pass over the rows of one store and context, one thread. */
typedef struct es_find_memo es_find_memo;
es_find_memo *es_find_memo_new(size_t nsources);   /* NULL when out of memory */
void          es_find_memo_free(es_find_memo *m);
int           es_find_row_memo(const es_find *f, const es_row *r, const es_view_ctx *c, es_find_memo *m);

/* ---- pick: what a click in the fleet picture filters the rows to ---- */

/* One event (a summary row: the provider without regard to ASCII case, and the event ID), or
 * one server over a time range (a timeline cell: the Server column's name without regard to
 * ASCII case, TimeCreated in [t0, t1)). Strings are copied. NULL when out of memory. */
typedef struct es_pick es_pick;
es_pick *es_pick_event(const char *provider, uint32_t event_id);
es_pick *es_pick_cell(const char *server, uint64_t t0, uint64_t t1);
void     es_pick_free(es_pick *p);   /* NULL is fine */
es_pick *es_pick_copy(const es_pick *p);   /* NULL in or out of memory: NULL */
/* 1 when the row passes (p == NULL: every row does). */
int      es_pick_row(const es_pick *p, const es_row *r, const es_view_ctx *c);

/* ---- jobs: pure functions over rows [0, n) of the store ---- */

/* Writes rows [first, first + n) in order o into out (n entries). Returns 1; 0 when cancelled
 * or out of memory (out is then garbage). Runs on any thread. */
int es_view_sort(const es_rowstore *s, size_t first, size_t n, es_order o, const es_view_ctx *c, uint32_t *out,
                 atomic_int *cancel);

/* The filter: a row passes when its source is shown (shown == NULL: all are) and it matches f
 * (f == NULL: every row does). Copies the passing entries of in[0, n) to out, in order; returns
 * how many, or SIZE_MAX when cancelled. */
size_t es_view_filter(const es_rowstore *s, const uint32_t *in, size_t n, const es_find *f,
                      const uint8_t *shown, size_t nshown, const es_view_ctx *c, uint32_t *out,
                      atomic_int *cancel);
/* The same with a pick too (p == NULL: none). */
size_t es_view_filter_pick(const es_rowstore *s, const uint32_t *in, size_t n, const es_find *f, const es_pick *p,
                           const uint8_t *shown, size_t nshown, const es_view_ctx *c, uint32_t *out,
                           atomic_int *cancel);

/* ---- the view itself (UI thread) ---- */

typedef struct es_view {
    es_order  order;
    es_find  *find;        /* owned; NULL: none */
    es_pick  *pick;        /* owned; NULL: none (a click in the summary or the timeline) */
    uint8_t  *shown;       /* owned; per source, 1 = shown; NULL: every source */
    size_t    nshown;
    uint32_t *all;         /* every row in [0, applied), in order */
    size_t    nall, capall;
    uint32_t *vis;         /* the rows that pass; == all when the view filters nothing */
    size_t    nvis, capvis;
    size_t    applied;     /* rows [0, applied) of the store are placed */
    uint32_t *floor;       /* owned; per source, its rows below this store index are retired
                              (a source swept again: its earlier rows are gone); NULL: none */
    size_t    nfloor;
} es_view;

void   es_view_init(es_view *v);
void   es_view_free(es_view *v);          /* the arrays, the find; not the store */
int    es_view_filters(const es_view *v); /* 1 when vis may differ from all */

/* Places rows [applied, n) of the store in `all` and, when they pass, in `vis`, each in its
 * sorted place. For the list to keep the user's selection and scroll position, *ins (may be
 * NULL) receives, for each row added to vis in ascending order of its new place, the OLD
 * index of vis before which it went (non-decreasing; malloc'ed, free it), *nins their number.
 * Returns 1; 0 when out of memory (nothing changed). */
int    es_view_add(es_view *v, const es_rowstore *s, size_t n, const es_view_ctx *c,
                   size_t **ins, size_t *nins);

/* Retiring the rows of sources read again ("Retry failed"): rows of source i with a store
 * index below floor[i] leave the view for good (a floor never goes down; floor[i] == 0 retires
 * nothing). es_view_retire records the floors (0 when out of memory, nothing changed) and
 * es_view_add skips such rows from then on; es_view_prune takes them out of `all` and `vis` —
 * call it when no job reads the arrays, and again after installing a job's result. */
int    es_view_retire(es_view *v, const uint32_t *floor, size_t n);
void   es_view_prune(es_view *v, const es_rowstore *s);
int    es_view_retired(const es_view *v, const es_row *r, uint32_t index);

/* Where an old vis index p is after an es_view_add that reported ins[0, nins). */
size_t es_view_moved(const size_t *ins, size_t nins, size_t p);

/* What a job computed, for es_view_install: everything in it is owned (malloc'ed) until
 * installed or freed. While a job runs, the UI thread leaves the view's arrays alone (the job
 * may read `all`) and new rows wait in the store; es_view_add places them afterwards. */
typedef struct es_view_result {
    es_order  order;
    uint32_t *all;         /* sorted rows [first, first + nall); NULL: the view's `all` stays (same order) */
    size_t    nall, capall;
    size_t    first;       /* the store's first row when the job began (es_rowstore_first; 0 usually) */
    uint32_t *vis;         /* the rows of all that pass; NULL: the filter lets everything through */
    size_t    nvis, capvis;
    es_find  *find;        /* the filter the vis was made with */
    es_pick  *pick;
    uint8_t  *shown;
    size_t    nshown;
} es_view_result;

/* The store evicted its rows below `first` (es_rowstore_evict): they leave `all` and `vis`, in
 * order; returns how many left the visible rows. */
size_t es_view_evict(es_view *v, size_t first);

/* Installs a job's result; the view takes everything in it (r is emptied). */
void   es_view_install(es_view *v, es_view_result *r);
void   es_view_result_free(es_view_result *r);

/* Bytes the view's arrays hold. */
size_t es_view_bytes(const es_view *v);

#endif
