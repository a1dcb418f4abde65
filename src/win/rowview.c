/* The results' view in the window: which rows the list shows, in which order (es_view.h holds
 * the model), and the jobs that sort and filter a million rows off the UI thread.
 *
 * The user asks (a header click, a keystroke in Find, a selection in the source list); the
 * wish is kept in `want` and a job is started when none runs. A job sorts and/or filters a copy
 * of what it needs (rows [0, n) of the store, which it holds a reference to; the sources' names;
 * the input order) and posts SWM_VIEW_DONE; the UI thread installs the result and starts the next
 * job if the wish changed meanwhile (a keystroke cancels the running job at once). While a job
 * runs, arriving rows wait in the store; they are placed when it ends. Rows that arrive while
 * nothing runs are placed on the refresh tick (es_view_add: a binary search each) and the list
 * keeps the user's selection, focus and scroll position.
 *
 * UI thread only, except job_main (the job's thread) and time_text (any thread). */
#include "ui.h"
#include "fleet.h"
#include "uitiming.h"
#include "winutil.h"
#include "es_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* What the view reads of the sources: their texts (srctexts.h) and the ranks of their names. */
typedef struct view_srcs {
    src_texts t;
    uint32_t *rank;
} view_srcs;

typedef struct view_job {
    es_rowstore *rows;        /* a reference, dropped by the UI thread */
    size_t       first, n;    /* rows [first, n) (first: the store's first row, once rows are evicted) */
    int          sort;        /* sort rows [first, n) first; else in[] is the input */
    uint32_t    *in;          /* the input order (owned), when not sorting */
    size_t       nin;
    es_view_result res;       /* what it computes (res.find, res.shown: the filter, owned) */
    view_srcs    srcs;        /* the job's own copies */
    unsigned     gen;         /* the store's generation it was made for */
    unsigned     pick_gen;    /* the pick it filters with (V.pick_gen when it began) */
    atomic_int   cancel;
    int          ok;
} view_job;

static struct {
    es_view    v;
    es_order   want_order;
    char      *want_find;     /* UTF-8; NULL = none */
    uint8_t   *want_shown;    /* NULL = every source */
    size_t     nshown;
    view_job  *job;           /* the one in flight */
    unsigned   gen;           /* bumped with each new store */
    BOOL       no_view;       /* the benchmark's peer (uitiming.h): arrival order, no view */
    view_srcs  srcs;          /* names and file logs borrowed from g.tgt; logs point into log_text */
    char      *log_text[ES_MAX_LOGS];   /* the sweep's logs (g.logs), UTF-8 */
    size_t     retired;       /* rows of sources read again (Retry failed) that left the view */
    es_pick   *want_pick;     /* a click in the summary or the timeline; NULL = none */
    WCHAR     *pick_text;     /* what it is, in words ("event 7000 of Service Control Manager") */
    unsigned   pick_gen;      /* bumped with each new wish; inst_pick_gen: the one installed */
    unsigned   inst_pick_gen;
} V;

/* ---- the Time column as the list shows it: local time, to the second ---- */

static size_t time_text(void *ctx, uint64_t ticks, char *out, size_t cap)
{
    /* The UTC offset changes at most twice a year: keep the last hour's. */
    static _Thread_local uint64_t hour_key = UINT64_MAX;
    static _Thread_local int64_t offset;
    uint64_t h = ticks / ES_TICKS_PER_HOUR;
    if (h != hour_key) {
        FILETIME ft = {(DWORD)ticks, (DWORD)(ticks >> 32)}, lt;
        SYSTEMTIME utc, local;
        offset = 0;
        if (FileTimeToSystemTime(&ft, &utc) && SystemTimeToTzSpecificLocalTime(NULL, &utc, &local) &&
            SystemTimeToFileTime(&local, &lt)) {
            uint64_t l = (uint64_t)lt.dwHighDateTime << 32 | lt.dwLowDateTime;
            uint64_t u = ticks - ticks % ES_TICKS_PER_MS;
            offset = (int64_t)(l - u);
        }
        hour_key = h;
    }
    es_civil c;
    es_time_to_civil((uint64_t)((int64_t)ticks + offset), &c);
    (void)ctx;
    return (size_t)snprintf(out, cap, "%04d-%02d-%02d %02d:%02d:%02d", c.year, c.month, c.day, c.hour, c.minute,
                            c.second);
}

size_t rowview_time_text(uint64_t ticks, char *out, size_t cap) { return time_text(NULL, ticks, out, cap); }

static es_view_ctx ctx_of(const view_srcs *s)
{
    es_view_ctx c = src_texts_ctx(&s->t);
    c.source_rank = s->rank;
    c.time_text = time_text;
    return c;
}

static BOOL srcs_alloc(view_srcs *s, size_t n)
{
    s->rank = calloc(n ? n : 1, sizeof *s->rank);
    return src_texts_alloc(&s->t, n) && s->rank;
}

/* deep: the strings are the view_srcs' own (a job's copy) */
static void srcs_free(view_srcs *s, BOOL deep)
{
    src_texts_free(&s->t, deep);
    free(s->rank);
    s->rank = NULL;
}

/* A job's own copy of the view's. */
static BOOL srcs_copy(view_srcs *d, const view_srcs *s)
{
    if (!srcs_alloc(d, s->t.n))
        return FALSE;
    for (size_t i = 0; i < s->t.n; i++) {
        d->rank[i] = s->rank[i];
        if (!src_texts_set(&d->t, i, s->t.names[i], s->t.logs[i], s->t.flogs[i], s->t.nflogs[i]))
            return FALSE;
    }
    return TRUE;
}

/* ---- the list ---- */

/* Sets the list's item count, keeping the user's place: the selected rows, the focused row and
 * the row at the top stay where they were among their neighbours (ins: where rows went in). */
static void list_update(const size_t *ins, size_t nins, BOOL reordered, size_t focus_row)
{
    size_t n = V.v.nvis;
    HWND lv = g.lv;
    if (reordered) {
        /* a new order or filter: the focused row (the one in the details pane) stays selected */
        ListView_SetItemState(lv, -1, 0, LVIS_SELECTED | LVIS_FOCUSED);
        g.shown_rows = n;
        ListView_SetItemCountEx(lv, (int)n, LVSICF_NOSCROLL);
        if (focus_row != SIZE_MAX)
            for (size_t i = 0; i < n; i++)
                if (V.v.vis[i] == focus_row) {
                    ListView_SetItemState(lv, (int)i, LVIS_SELECTED | LVIS_FOCUSED, LVIS_SELECTED | LVIS_FOCUSED);
                    ListView_EnsureVisible(lv, (int)i, FALSE);
                    break;
                }
        InvalidateRect(lv, NULL, FALSE);
        return;
    }
    if (nins == 0 && n == g.shown_rows)
        return;
    int old_count = (int)g.shown_rows;
    int top = ListView_GetTopIndex(lv);
    int focus = ListView_GetNextItem(lv, -1, LVNI_FOCUSED);
    UINT nsel = ListView_GetSelectedCount(lv);
    BOOL all = old_count > 0 && nsel == (UINT)old_count;
    size_t *sel = NULL, ns = 0;
    if (nsel && !all && (sel = malloc(nsel * sizeof *sel)) != NULL)
        for (int i = -1; ns < nsel && (i = ListView_GetNextItem(lv, i, LVNI_SELECTED)) >= 0;)
            sel[ns++] = (size_t)i;
    g.shown_rows = n;
    g.syncing = TRUE;   /* the selection moves with its rows: not a new choice of the user's */
    ListView_SetItemCountEx(lv, (int)n, LVSICF_NOINVALIDATEALL | LVSICF_NOSCROLL);
    if (nins) {
        if (nsel)
            ListView_SetItemState(lv, -1, 0, LVIS_SELECTED);
        if (all)
            ListView_SetItemState(lv, -1, LVIS_SELECTED, LVIS_SELECTED);
        for (size_t i = 0; i < ns; i++)
            ListView_SetItemState(lv, (int)es_view_moved(ins, nins, sel[i]), LVIS_SELECTED, LVIS_SELECTED);
        if (focus >= 0)
            ListView_SetItemState(lv, (int)es_view_moved(ins, nins, (size_t)focus), LVIS_FOCUSED, LVIS_FOCUSED);
        /* The rows the user looks at stay where they are; a list scrolled to its very top stays
         * at the top (newest first, that is where new rows come). */
        int new_top = top > 0 ? (int)es_view_moved(ins, nins, (size_t)top) : 0;
        if (old_count > 0 && new_top != top) {
            RECT rc;
            if (ListView_GetItemRect(lv, 0, &rc, LVIR_BOUNDS))
                ListView_Scroll(lv, 0, (new_top - ListView_GetTopIndex(lv)) * (rc.bottom - rc.top));
        }
        InvalidateRect(lv, NULL, FALSE);
    }
    g.syncing = FALSE;
    free(sel);
}

/* ---- jobs ---- */

static void job_free(view_job *j)
{
    if (!j)
        return;
    es_rowstore_unref(j->rows);
    free(j->in);
    es_view_result_free(&j->res);
    srcs_free(&j->srcs, TRUE);
    free(j);
}

/* The window is gone (its completion could not be posted): everything but the store's
 * reference, which is the UI thread's to drop — and the process is ending. */
static void job_free_orphan(void *arg)
{
    view_job *j = arg;
    j->rows = NULL;
    job_free(j);
}

static void job_main(void *arg)
{
    view_job *j = arg;
    es_view_ctx c = ctx_of(&j->srcs);
    es_view_result *r = &j->res;
    const uint32_t *in = j->in;
    size_t nin = j->nin;
    j->ok = 1;
    if (j->sort) {
        size_t k = j->n - j->first;
        r->capall = k ? k : 1;
        r->all = malloc(r->capall * sizeof *r->all);
        r->nall = k;
        r->first = j->first;
        j->ok = r->all && es_view_sort(j->rows, j->first, k, r->order, &c, r->all, &j->cancel);
        in = r->all;
        nin = k;
    }
    if (j->ok && (r->find || r->shown || r->pick)) {
        r->capvis = nin ? nin : 1;
        r->vis = malloc(r->capvis * sizeof *r->vis);
        size_t k = r->vis ? es_view_filter_pick(j->rows, in, nin, r->find, r->pick, r->shown, r->nshown, &c, r->vis,
                                                &j->cancel)
                          : SIZE_MAX;
        j->ok = k != SIZE_MAX;
        r->nvis = j->ok ? k : 0;
    }
}

static void cancel_job(void *obj) { atomic_store(&((view_job *)obj)->cancel, 1); }

static BOOL same_shown(const uint8_t *a, const uint8_t *b, size_t n) { return a == b || (a && b && !memcmp(a, b, n)); }

static const char *installed_find(void) { return V.v.find ? es_find_text(V.v.find) : ""; }

/* The wish differs from what is installed: start a job (unless one runs: it is cancelled, and
 * its end starts the next). */
static void kick(void)
{
    if (V.no_view)
        return;
    if (V.job) {
        atomic_store(&V.job->cancel, 1);
        return;
    }
    if (!g.rows)
        return;
    size_t n = es_rowstore_count(g.rows);
    BOOL sort = V.want_order.col != V.v.order.col || V.want_order.desc != V.v.order.desc;
    BOOL find_same = strcmp(V.want_find ? V.want_find : "", installed_find()) == 0;
    BOOL shown_same = V.nshown == V.v.nshown && same_shown(V.want_shown, V.v.shown, V.nshown);
    BOOL pick_same = V.pick_gen == V.inst_pick_gen;
    if (!sort && find_same && shown_same && pick_same)
        return;
    view_job *j = calloc(1, sizeof *j);
    if (!j)
        goto oom;
    j->gen = V.gen;
    j->pick_gen = V.pick_gen;
    j->res.order = V.want_order;
    int oom = 0;
    if (V.want_find)
        j->res.find = es_find_new(V.want_find, &oom);
    if (V.want_shown) {
        j->res.shown = malloc(V.nshown);
        if (j->res.shown)
            memcpy(j->res.shown, V.want_shown, V.nshown);
        j->res.nshown = V.nshown;
    }
    if (V.want_pick && !(j->res.pick = es_pick_copy(V.want_pick)))
        oom = 1;
    BOOL ok = !oom && (!V.want_shown || j->res.shown) && srcs_copy(&j->srcs, &V.srcs);
    /* Rows that arrived are placed first, so the input covers every row there is. */
    if (ok && !sort) {
        es_view_ctx c = ctx_of(&V.srcs);
        ok = es_view_add(&V.v, g.rows, n, &c, NULL, NULL);
    }
    if (ok && sort) {
        j->sort = 1;
        j->first = es_rowstore_first(g.rows);
        j->n = n;
    } else if (ok) {
        /* Typing on (the new text contains the old) looks only at the rows shown now. */
        es_find *probe = j->res.find;
        BOOL narrow = shown_same && pick_same && V.v.find && es_find_covers(V.v.find, probe) && V.v.applied == n;
        const uint32_t *src = narrow ? V.v.vis : V.v.all;
        j->nin = narrow ? V.v.nvis : V.v.nall;
        j->n = V.v.applied;
        j->in = malloc((j->nin ? j->nin : 1) * sizeof *j->in);
        ok = j->in != NULL;
        if (ok)
            memcpy(j->in, src, j->nin * sizeof *j->in);
    }
    if (!ok || !jobs_add(JOB_VIEW, j, cancel_job))
        goto oom;
    j->rows = es_rowstore_ref(g.rows);
    if (!wu_run_job(g.dlg, SWM_VIEW_DONE, j, job_main, job_free_orphan)) {
        jobs_remove(j);
        goto oom;
    }
    V.job = j;
    update_status();
    return;
oom:
    job_free(j);
    message_box(L"The list could not be sorted or filtered: out of memory.", MB_ICONERROR);
}

void rowview_job_done(LPARAM lp)
{
    view_job *j = (view_job *)lp;
    jobs_remove(j);
    if (V.job == j)
        V.job = NULL;
    BOOL usable = j->ok && !atomic_load(&j->cancel) && j->gen == V.gen && !g.closing;
    if (usable) {
        size_t focus_row = SIZE_MAX;
        int f = ListView_GetNextItem(g.lv, -1, LVNI_FOCUSED);
        if (f >= 0 && (size_t)f < V.v.nvis)
            focus_row = V.v.vis[f];
        if (!j->sort) {
            /* the input was the view's own (all, or vis when narrowing): keep `all` */
            j->res.all = NULL;
        }
        es_view_install(&V.v, &j->res);
        V.inst_pick_gen = j->pick_gen;
        es_view_prune(&V.v, g.rows);   /* a job begun before Retry failed sorted retired rows too */
        es_view_ctx c = ctx_of(&V.srcs);
        es_view_add(&V.v, g.rows, es_rowstore_count(g.rows), &c, NULL, NULL);
        list_update(NULL, 0, TRUE, focus_row);
        update_status();
    }
    BOOL failed = !j->ok && !atomic_load(&j->cancel);
    job_free(j);
    if (failed)   /* out of memory: no retry until the user asks again */
        message_box(L"The list could not be sorted or filtered: out of memory.", MB_ICONERROR);
    else if (!g.closing)
        kick();
    if (g.cli_wait_view && !V.job)
        finish_cli();
    else if (g.closing)
        destroy_if_idle();
}

/* ---- what the window asks ---- */

/* A new sweep (a new store) or targets: the view starts empty with the same wish. */
void rowview_reset(void)
{
    if (V.job)
        atomic_store(&V.job->cancel, 1);
    V.gen++;
    V.retired = 0;
    es_order o = V.v.order;
    es_view_free(&V.v);
    V.v.order = o;
    free(V.want_shown);   /* the sources are new: the focus goes */
    V.want_shown = NULL;
    V.nshown = 0;
    srcs_free(&V.srcs, FALSE);
    /* and the pick: a new sweep's picture is computed anew (fleet.c clears its selection) */
    es_pick_free(V.want_pick);
    V.want_pick = NULL;
    free(V.pick_text);
    V.pick_text = NULL;
    V.inst_pick_gen = ++V.pick_gen;   /* the empty view has none */
    fleet_new_sweep();
    /* the find stays; the empty view gets it with its first job */
    if (V.want_find) {
        es_view_result r;
        memset(&r, 0, sizeof r);
        r.order = o;
        r.find = es_find_new(V.want_find, NULL);
        r.vis = malloc(sizeof *r.vis);
        r.capvis = 1;
        es_view_install(&V.v, &r);
    }
    g.shown_rows = 0;
    ListView_SetItemCountEx(g.lv, 0, 0);
}

/* The sources of the sweep are known (launch): their names as the Server column shows them and
 * their logs as the Log column does. */
void rowview_set_sources(void)
{
    srcs_free(&V.srcs, FALSE);
    for (size_t k = 0; k < ES_MAX_LOGS; k++) {
        free(V.log_text[k]);
        V.log_text[k] = k < g.nlogs ? wu_utf8(g.logs[k]) : NULL;
    }
    if (!srcs_alloc(&V.srcs, g.ntgt)) {
        srcs_free(&V.srcs, FALSE);
        return;
    }
    src_texts *t = &V.srcs.t;
    t->n = g.ntgt;
    for (size_t i = 0; i < g.ntgt; i++) {
        t->names[i] = g.tgt[i].row_name;
        t->logs[i] = g.tgt[i].kind == ES_NAME_PATH || g.tgt[i].log >= ES_MAX_LOGS ? NULL : V.log_text[g.tgt[i].log];
        rowview_file_logs_changed(i);
    }
    es_view_rank_sources((const char *const *)t->names, g.ntgt, V.srcs.rank);
}

/* Target i's table of a saved log's channels changed (grown as its rows came: run.c). */
void rowview_file_logs_changed(size_t i)
{
    if (i < V.srcs.t.n) {
        V.srcs.t.flogs[i] = g.tgt[i].file_logs;
        V.srcs.t.nflogs[i] = g.tgt[i].nfile_logs;
    }
}

/* The refresh tick: rows that arrived take their places (unless a job is about to replace the
 * order anyway). */
void rowview_sync(void)
{
    if (V.no_view && g.rows) {   /* the list as it was before the view: rows as they came */
        size_t n = es_rowstore_count(g.rows) - es_rowstore_first(g.rows);
        if (n != g.shown_rows) {
            g.shown_rows = n;
            ListView_SetItemCountEx(g.lv, (int)n, LVSICF_NOINVALIDATEALL | LVSICF_NOSCROLL);
        }
        return;
    }
    if (!g.rows || V.job)
        return;
    size_t *ins = NULL, nins = 0;
    es_view_ctx c = ctx_of(&V.srcs);
    size_t before = V.v.nvis;
    if (!es_view_add(&V.v, g.rows, es_rowstore_count(g.rows), &c, &ins, &nins))
        return;   /* out of memory: the rows stay in the store, placed on a later tick */
    if (nins || V.v.nvis != before || g.shown_rows != V.v.nvis)
        list_update(ins, nins, FALSE, SIZE_MAX);
    free(ins);
}

void rowview_set_order(es_order o)
{
    V.want_order = o;
    kick();
}

es_order rowview_order(void) { return V.want_order; }

void rowview_set_find(const char *utf8)
{
    free(V.want_find);
    V.want_find = utf8 && *utf8 ? _strdup(utf8) : NULL;
    kick();
}

/* shown: per target, 1 = shown (the view takes it); NULL: every source. */
void rowview_set_focus(uint8_t *shown, size_t n)
{
    free(V.want_shown);
    V.want_shown = shown;
    V.nshown = shown ? n : 0;
    kick();
}

/* Retry failed: the rows of the sources read again that came before (floor: per source, the
 * store's count then; 0 for the others) leave the view; nrows is how many. A job in flight
 * works on copies (its input copied, a sort its own `all`), so the view is pruned at once in
 * every case, and again when a job's result is installed. */
BOOL rowview_retire(const uint32_t *floor, size_t n, size_t nrows)
{
    if (V.no_view)
        return TRUE;   /* the benchmark's peer lists the store as it is */
    if (!es_view_retire(&V.v, floor, n))
        return FALSE;
    V.retired += nrows;
    size_t focus_row = SIZE_MAX;
    int f = ListView_GetNextItem(g.lv, -1, LVNI_FOCUSED);
    if (f >= 0 && (size_t)f < V.v.nvis)
        focus_row = V.v.vis[f];
    if (!V.job) {   /* rows still waiting are placed first (a job places them when it ends) */
        es_view_ctx c = ctx_of(&V.srcs);
        es_view_add(&V.v, g.rows, es_rowstore_count(g.rows), &c, NULL, NULL);
    }
    es_view_prune(&V.v, g.rows);
    list_update(NULL, 0, TRUE, focus_row);
    update_status();
    return TRUE;
}

BOOL   rowview_busy(void) { return V.job != NULL; }
size_t rowview_count(void) { return V.v.nvis; }
size_t rowview_total(void) { return g.rows ? es_rowstore_count(g.rows) - es_rowstore_first(g.rows) - V.retired : 0; }

/* The store evicted its oldest rows (live follow's row limit): they leave the list; the focused
 * row stays focused when it is still there. */
void rowview_evicted(void)
{
    if (!g.rows)
        return;
    size_t first = es_rowstore_first(g.rows);
    if (V.no_view) {
        rowview_sync();
        InvalidateRect(g.lv, NULL, FALSE);
        return;
    }
    size_t focus_row = SIZE_MAX;
    int f = ListView_GetNextItem(g.lv, -1, LVNI_FOCUSED);
    if (f >= 0 && (size_t)f < V.v.nvis && V.v.vis[f] >= first)
        focus_row = V.v.vis[f];
    es_view_evict(&V.v, first);
    list_update(NULL, 0, TRUE, focus_row);
}
BOOL   rowview_filtered(void) { return es_view_filters(&V.v); }

/* The row-store index of list item i; SIZE_MAX when there is none. */
size_t rowview_row(size_t i)
{
    if (V.no_view)
        return g.rows && i < es_rowstore_count(g.rows) - es_rowstore_first(g.rows) ? es_rowstore_first(g.rows) + i
                                                                                      : SIZE_MAX;
    return i < V.v.nvis ? V.v.vis[i] : SIZE_MAX;
}

/* What an export writes: the visible rows in the visible order (a copy, malloc'ed). Rows that
 * arrived and are not placed yet are placed first, so the export holds everything shown. */
uint32_t *rowview_copy(size_t *n)
{
    if (V.no_view) {
        size_t first = g.rows ? es_rowstore_first(g.rows) : 0;
        *n = g.rows ? es_rowstore_count(g.rows) - first : 0;
        uint32_t *c = malloc((*n ? *n : 1) * sizeof *c);
        for (size_t i = 0; c && i < *n; i++)
            c[i] = (uint32_t)(first + i);
        return c;
    }
    rowview_sync();
    *n = V.v.nvis;
    uint32_t *c = malloc((V.v.nvis ? V.v.nvis : 1) * sizeof *c);
    if (c)
        memcpy(c, V.v.vis, V.v.nvis * sizeof *c);
    return c;
}

const es_view_ctx *rowview_ctx(void)
{
    static es_view_ctx c;
    c = ctx_of(&V.srcs);
    return &c;
}

/* A click in the summary or the timeline: the list shows only the rows it picks (the view takes
 * p; NULL clears it); what: the pick in words, for the count label (copied; may be NULL). */
void rowview_set_pick(es_pick *p, const WCHAR *what)
{
    if (!p && !V.want_pick)
        return;
    es_pick_free(V.want_pick);
    V.want_pick = p;
    free(V.pick_text);
    V.pick_text = p && what ? _wcsdup(what) : NULL;
    V.pick_gen++;
    kick();
    update_status();
}

BOOL rowview_picked(void) { return V.want_pick != NULL; }
const WCHAR *rowview_pick_text(void) { return V.want_pick && V.pick_text ? V.pick_text : L""; }

/* ---- what the fleet picture reads (fleet.c) ---- */

/* The view as installed, the rows that arrived placed first; NULL while a job runs (its result
 * replaces the arrays) or when there is no view. */
const es_view *rowview_installed(void)
{
    if (V.no_view || V.job || !g.rows)
        return NULL;
    rowview_sync();
    return V.job ? NULL : &V.v;
}

/* A job's own copy of the sources' texts and ranks (free with src_texts_free(t, TRUE), free(*rank)). */
BOOL rowview_srcs_copy(src_texts *t, uint32_t **rank)
{
    view_srcs s;
    memset(&s, 0, sizeof s);
    BOOL ok = srcs_copy(&s, &V.srcs);
    *t = s.t;
    *rank = s.rank;
    return ok;
}

/* Changes with each new store and each Retry failed (rows leave the view). */
uint64_t rowview_stamp(void) { return (uint64_t)V.gen << 32 ^ V.retired; }

void rowview_free(void)
{
    es_view_free(&V.v);
    es_pick_free(V.want_pick);
    free(V.pick_text);
    free(V.want_find);
    free(V.want_shown);
    srcs_free(&V.srcs, FALSE);
    for (size_t k = 0; k < ES_MAX_LOGS; k++)
        free(V.log_text[k]);
    memset(&V, 0, sizeof V);
}

void rowview_init(es_order o)
{
    es_view_init(&V.v);
    V.v.order = o;
    V.want_order = o;
    V.no_view = uitiming_no_view();
}
