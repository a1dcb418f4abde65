/* The fleet picture's job and its pages (see fleet.h): one job at a time computes the summary
 * and the timeline of the rows the view shows without its pick; the Timeline page hosts the
 * timeline control (timelinectl.h); the pick a click makes. */
#include "fleet.h"
#include "ui.h"
#include "resource.h"
#include "timelinectl.h"
#include "winutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define TICK_MS     250     /* how often the visible set is looked at while a fleet tab is shown */
#define THROTTLE_MS 1000    /* new rows start a job at most this often */
#define TL_PAGE_CLASS L"EventSweepTimelinePage"

/* What the picture is computed from (fleet.c takes it from the view): copies the job owns. */
typedef struct basis {
    es_rowstore *rows;      /* a reference, dropped by the UI thread */
    uint32_t    *order;     /* the view's `all` (every placed row) */
    size_t       n;
    es_find     *find;      /* the view's installed find (NULL: none) */
    uint8_t     *shown;     /* ... and sources in focus (NULL: all) */
    size_t       nshown;
    src_texts    srcs;      /* deep copies */
    uint32_t    *rank;
} basis;

typedef struct fleet_job {
    basis b;
    unsigned      servers, minutes;   /* the burst rule */
    es_sum_col    col;                /* the summary's order */
    int           desc;
    uint64_t      key;                /* basis_key when it began */
    atomic_int    cancel;
    int           ok;
    LONG          ms;                 /* how long the work took */
    es_summary    sum;
    char         *texts;              /* the groups' provider texts, copied out of the store */
    es_timeline  *tl;                 /* malloc'ed; handed to the control */
    WCHAR       **names;              /* per timeline server; handed to the control */
} fleet_job;

enum { PICK_NONE, PICK_EVENT, PICK_CELL };

static struct {
    HWND       tab, sum, tlpage, tl, tlinfo;
    BOOL       show_sum, show_tl;
    BOOL       timer;
    fleet_job *job;
    uint64_t   done_key, filter_key;
    BOOL       have;                  /* done_key is a picture's (shown now) */
    BOOL       urgent;                /* a find, a selection of sources or the rule changed */
    ULONGLONG  last_end;              /* when the last job ended: the next waits THROTTLE_MS from
                                         then, so the store is free of readers between (live
                                         follow evicts only then) */
    int        pick;                  /* PICK_*: what the view's pick came from */
} F;

/* ---- what the picture is of: the view's rows, find and sources in focus, not its pick ---- */

static size_t basis_time(void *ctx, uint64_t ticks, char *out, size_t cap)
{
    (void)ctx;
    return rowview_time_text(ticks, out, cap);   /* any thread */
}

static es_view_ctx basis_ctx(const basis *b)
{
    es_view_ctx c = src_texts_ctx(&b->srcs);
    c.source_rank = b->rank;
    c.time_text = basis_time;
    return c;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *x = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ x[i]) * 1099511628211ull;
    return h;
}

/* Changes whenever the rows the picture is of may have changed; *filter_key gets the part a
 * find or a selection of sources changes (*changed: it differs from the value it had). */
static uint64_t basis_key(const es_view *v, BOOL *changed, uint64_t *filter_key)
{
    uint64_t f = 1469598103934665603ull, stamp = rowview_stamp();
    const char *ft = v->find ? es_find_text(v->find) : "";
    f = fnv(f, ft, strlen(ft) + 1);
    f = fnv(f, &v->nshown, sizeof v->nshown);
    if (v->shown)
        f = fnv(f, v->shown, v->nshown);
    f = fnv(f, &stamp, sizeof stamp);
    *changed = *filter_key != f;
    *filter_key = f;
    size_t first = g.rows ? es_rowstore_first(g.rows) : 0;
    uint64_t k = fnv(f, &v->applied, sizeof v->applied);
    return fnv(k, &first, sizeof first);
}

static void basis_free(basis *b)   /* not the store's reference */
{
    free(b->order);
    es_find_free(b->find);
    free(b->shown);
    src_texts_free(&b->srcs, TRUE);
    free(b->rank);
    memset(b, 0, sizeof *b);
}

static BOOL basis_take(const es_view *v, basis *b)
{
    memset(b, 0, sizeof *b);
    int oom = 0;
    b->n = v->nall;
    if ((b->order = malloc((v->nall ? v->nall : 1) * sizeof *b->order)) != NULL)
        memcpy(b->order, v->all, v->nall * sizeof *b->order);
    if (v->find)
        b->find = es_find_new(es_find_text(v->find), &oom);
    if (v->shown && (b->shown = malloc(v->nshown ? v->nshown : 1)) != NULL)
        memcpy(b->shown, v->shown, v->nshown);
    b->nshown = v->nshown;
    if (!rowview_srcs_copy(&b->srcs, &b->rank) || !b->order || oom || (v->shown && !b->shown)) {
        basis_free(b);
        return FALSE;
    }
    b->rows = es_rowstore_ref(g.rows);
    return TRUE;
}

/* ---- the job ---- */

static void job_free(fleet_job *j)
{
    if (!j)
        return;
    es_rowstore_unref(j->b.rows);
    basis_free(&j->b);
    es_summary_free(&j->sum);
    free(j->texts);
    for (size_t k = 0; j->tl && j->names && k < j->tl->nservers; k++)   /* not given to the control */
        free(j->names[k]);
    free(j->names);
    if (j->tl)
        es_timeline_free(j->tl);
    free(j->tl);
    free(j);
}

static void job_free_orphan(void *arg)
{
    fleet_job *j = arg;
    j->b.rows = NULL;   /* the window is gone: the process is ending */
    job_free(j);
}

static void job_main(void *arg)
{
    fleet_job *j = arg;
    LARGE_INTEGER f, t0, t1;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&t0);
    es_view_ctx c = basis_ctx(&j->b);
    if (j->b.find || j->b.shown) {   /* the view's filter, without its pick */
        uint32_t *vis = malloc((j->b.n ? j->b.n : 1) * sizeof *vis);
        size_t k = vis ? es_view_filter(j->b.rows, j->b.order, j->b.n, j->b.find, j->b.shown, j->b.nshown, &c, vis,
                                        &j->cancel)
                       : SIZE_MAX;
        if (k == SIZE_MAX) {
            free(vis);
            return;
        }
        free(j->b.order);
        j->b.order = vis;
        j->b.n = k;
    }
    const src_texts *s = &j->b.srcs;
    es_rowset rs = {j->b.rows, j->b.order, j->b.n, (const char *const *)s->names, (const char *const *)s->logs,
                    (const char *const *const *)s->flogs, s->nflogs, s->n};
    if (!es_summary_build(&rs, j->servers, j->minutes, &j->sum, &j->cancel) || !es_summary_sort(&j->sum, j->col, j->desc))
        return;
    /* The groups' providers are the store's strings: copied, so the list holds no reference on
     * the store (live follow evicts old rows only when nobody else holds one). */
    size_t len = 1;
    for (size_t i = 0; i < j->sum.ngroups; i++)
        len += strlen(j->sum.groups[i].provider ? j->sum.groups[i].provider : "") + 1;
    char *p = j->texts = malloc(len);
    if (!p)
        return;
    for (size_t i = 0; i < j->sum.ngroups; i++) {
        const char *t = j->sum.groups[i].provider ? j->sum.groups[i].provider : "";
        size_t n = strlen(t) + 1;
        memcpy(p, t, n);
        j->sum.groups[i].provider = p;
        p += n;
    }
    /* The timeline spans the rows' own first and last times (as the HTML report's does): a
     * saved log or an "all" window has no useful start, and an incident of minutes in an
     * 8-hour window gets minute buckets rather than a few wide ones. */
    j->tl = calloc(1, sizeof *j->tl);
    if (!j->tl || !es_timeline_build(&rs, 0, 0, 0, j->tl, &j->cancel)) {
        free(j->tl);
        j->tl = NULL;
        return;
    }
    j->names = calloc(j->tl->nservers ? j->tl->nservers : 1, sizeof *j->names);
    for (size_t k = 0; j->names && k < j->tl->nservers; k++) {
        uint32_t src = j->tl->server_source[k];
        if (!(j->names[k] = wu_wide(src < s->n && s->names[src] ? s->names[src] : "")))
            return;
    }
    QueryPerformanceCounter(&t1);
    j->ms = (LONG)((t1.QuadPart - t0.QuadPart) * 1000 / (f.QuadPart ? f.QuadPart : 1));
    j->ok = j->names != NULL;
}

static void cancel_job(void *obj) { atomic_store(&((fleet_job *)obj)->cancel, 1); }

static void start_job(const es_view *v, uint64_t key)
{
    fleet_job *j = calloc(1, sizeof *j);
    if (!j)
        return;   /* out of memory: tried again on a later tick */
    if (!basis_take(v, &j->b)) {
        free(j);
        return;
    }
    fleet_rule(&j->servers, &j->minutes);
    sumpage_order(&j->col, &j->desc);
    j->key = key;
    if (!jobs_add(JOB_FLEET, j, cancel_job)) {
        job_free(j);
        return;
    }
    if (!wu_run_job(g.dlg, SWM_FLEET_DONE, j, job_main, job_free_orphan)) {
        jobs_remove(j);
        job_free(j);
        return;
    }
    F.job = j;
    F.urgent = FALSE;
    sumpage_busy(TRUE);
}

/* The visible set changed: a new picture (throttled while rows arrive). */
static void tick(void)
{
    if (g.closing || !(F.show_sum || F.show_tl))
        return;
    const es_view *v = rowview_installed();
    if (!v)
        return;   /* a sort or find runs: its end changes the rows (looked at on the next tick) */
    BOOL filter_changed = FALSE;
    uint64_t key = basis_key(v, &filter_changed, &F.filter_key);
    if (filter_changed) {
        F.urgent = TRUE;
        if (F.job)   /* computed for rows the user no longer looks at */
            atomic_store(&F.job->cancel, 1);
    }
    if (F.job || (F.have && key == F.done_key && !F.urgent))
        return;
    if (!F.urgent && F.have && GetTickCount64() - F.last_end < THROTTLE_MS)
        return;
    start_job(v, key);
}

static void CALLBACK timer_proc(HWND h, UINT msg, UINT_PTR id, DWORD now) { tick(); }

void fleet_done(LPARAM lp)
{
    fleet_job *j = (fleet_job *)lp;
    jobs_remove(j);
    if (F.job == j)
        F.job = NULL;
    F.last_end = GetTickCount64();
    if (g.closing) {
        job_free(j);
        destroy_if_idle();
        return;
    }
    if (j->ok && !atomic_load(&j->cancel)) {
        es_summary *s = malloc(sizeof *s);
        if (s) {
            *s = j->sum;
            memset(&j->sum, 0, sizeof j->sum);
            sumpage_set(s, j->texts, j->ms);   /* takes s and its texts */
            j->texts = NULL;
        }
        if (F.tl) {
            timeline_set(F.tl, j->tl, j->names);
            j->tl = NULL;
            j->names = NULL;
        }
        F.done_key = j->key;
        F.have = TRUE;
    } else if (!atomic_load(&j->cancel)) {
        F.done_key = j->key;   /* out of memory: tried again when the rows change, not on every tick */
        F.have = TRUE;
    }
    sumpage_busy(FALSE);
    job_free(j);
    tick();
}

/* A new sweep: the picture goes, and a running job's work with it. */
void fleet_new_sweep(void)
{
    if (F.job)
        atomic_store(&F.job->cancel, 1);
    F.have = FALSE;
    F.pick = PICK_NONE;
    sumpage_set(NULL, NULL, 0);
    if (F.tl)
        timeline_set(F.tl, NULL, NULL);
}

/* ---- the pick ---- */

void fleet_set_pick(int event, es_pick *p, const WCHAR *what)
{
    F.pick = !p ? PICK_NONE : event ? PICK_EVENT : PICK_CELL;
    rowview_set_pick(p, what);
    if (!event)
        sumpage_clear_selection();   /* the list's line no longer is what the rows show */
}

int fleet_pick_is_event(void) { return rowview_picked() && F.pick == PICK_EVENT; }

void fleet_clear_pick(void)
{
    F.pick = PICK_NONE;
    rowview_set_pick(NULL, NULL);
    sumpage_clear_selection();
}

BOOL fleet_key(const MSG *m)
{
    if (m->message != WM_KEYDOWN || m->wParam != VK_ESCAPE || !rowview_picked())
        return FALSE;
    if (m->hwnd != g.lv && !sumpage_is_list(m->hwnd) && (!F.tl || m->hwnd != F.tl))
        return FALSE;
    fleet_clear_pick();
    return TRUE;
}

static void cell_click(const NMTIMELINE *n)
{
    char *server = wu_utf8(n->server ? n->server : L"");
    es_pick *p = server ? es_pick_cell(server, n->t0, n->t1) : NULL;
    free(server);
    if (!p) {
        message_box(L"The rows could not be filtered: out of memory.", MB_ICONERROR);
        return;
    }
    char a[40], b[40];
    rowview_time_text(n->t0, a, sizeof a);
    rowview_time_text(n->t1, b, sizeof b);
    size_t la = strlen(a), lb = strlen(b);   /* buckets are whole minutes: no ":00" seconds */
    if (la > 3 && !strcmp(a + la - 3, ":00"))
        a[la - 3] = 0;
    if (lb > 3 && !strcmp(b + lb - 3, ":00"))
        b[lb - 3] = 0;
    WCHAR what[400], wa[40], wb[40];
    wu_to_wide_buf(a, wa, 40);
    wu_to_wide_buf(b + (strncmp(a, b, 11) == 0 ? 11 : 0), wb, 40);   /* the same day: the time only */
    swprintf(what, 400, L"%ls from %ls to %ls", n->server ? n->server : L"", wa, wb);
    fleet_set_pick(0, p, what);
}

/* ---- the Timeline page: the control, and a line above it ---- */

static void tl_layout(HWND page)
{
    RECT rc, m = dlu(0, 0, 4, 10);
    GetClientRect(page, &rc);
    int gap = m.right, lh = m.bottom;
    SetWindowPos(F.tlinfo, NULL, gap, gap / 2, rc.right - 2 * gap, lh, SWP_NOZORDER | SWP_NOACTIVATE);
    int y = gap / 2 + lh + gap / 2;
    SetWindowPos(F.tl, NULL, 0, y, rc.right, rc.bottom - y > 0 ? rc.bottom - y : 0, SWP_NOZORDER | SWP_NOACTIVATE);
}

static LRESULT CALLBACK tl_page_proc(HWND h, UINT msg, WPARAM wp, LPARAM lp)
{
    switch (msg) {
    case WM_SIZE:
        tl_layout(h);
        return 0;
    case WM_SETFONT:
        SendMessageW(F.tlinfo, WM_SETFONT, wp, lp);
        SendMessageW(F.tl, WM_SETFONT, wp, lp);
        tl_layout(h);
        return 0;
    case WM_NOTIFY: {
        const NMHDR *nh = (const NMHDR *)lp;
        if (nh->idFrom == IDC_TIMELINE && nh->code == TLN_CELLCLICK)
            cell_click((const NMTIMELINE *)lp);
        return 0;
    }
    case WM_CTLCOLORSTATIC:
        SetBkMode((HDC)wp, TRANSPARENT);
        return (LRESULT)GetSysColorBrush(COLOR_WINDOW);
    case WM_NCDESTROY:
        F.tl = F.tlinfo = F.tlpage = NULL;
        break;
    }
    return DefWindowProcW(h, msg, wp, lp);
}

static HWND make_tl_page(HWND tab)
{
    WNDCLASSEXW wc;
    memset(&wc, 0, sizeof wc);
    wc.cbSize = sizeof wc;
    wc.lpfnWndProc = tl_page_proc;
    wc.hInstance = g.hinst;
    wc.hCursor = LoadCursorW(NULL, IDC_ARROW);
    wc.hbrBackground = (HBRUSH)(COLOR_WINDOW + 1);
    wc.lpszClassName = TL_PAGE_CLASS;
    RegisterClassExW(&wc);   /* fails harmlessly when registered already */
    timeline_register(g.hinst);
    HWND p = CreateWindowExW(WS_EX_CONTROLPARENT, TL_PAGE_CLASS, L"Timeline", WS_CHILD | WS_CLIPCHILDREN, 0, 0, 10, 10,
                             tab, (HMENU)(INT_PTR)IDC_FLEET_TIMELINE, g.hinst, NULL);
    if (!p)
        return NULL;
    F.tlinfo = CreateWindowExW(0, L"STATIC", L"Servers by time: a cell's colour is its worst level; click a cell to show "
                               L"that server's rows of that time (Esc in the list shows all again).",
                               WS_CHILD | WS_VISIBLE | SS_NOPREFIX | SS_ENDELLIPSIS, 0, 0, 10, 10, p,
                               (HMENU)(INT_PTR)IDC_TL_INFO, g.hinst, NULL);
    F.tl = timeline_create(p, IDC_TIMELINE);
    if (F.tl)
        ShowWindow(F.tl, SW_SHOW);
    return p;
}

/* ---- the pages ---- */

void fleet_init(HWND tab)
{
    F.tab = tab;
    F.sum = sumpage_create(tab);
    F.tlpage = make_tl_page(tab);
}

HWND fleet_summary_page(void) { return F.sum; }
HWND fleet_timeline_page(void) { return F.tlpage; }

void fleet_shown(BOOL summary, BOOL timeline)
{
    F.show_sum = summary && F.sum;
    F.show_tl = timeline && F.tlpage;
    BOOL on = F.show_sum || F.show_tl;
    if (on && !F.timer)
        F.timer = SetTimer(g.dlg, IDT_FLEET, TICK_MS, timer_proc) != 0;
    else if (!on && F.timer) {
        KillTimer(g.dlg, IDT_FLEET);
        F.timer = FALSE;
    }
    if (on)
        tick();   /* at once: a picture made while the tab was hidden may be old */
}

/* The rule changed (the Summary page's edits): the picture is made again at once. */
void fleet_rule_changed(void)
{
    F.urgent = TRUE;
    if (F.job)
        atomic_store(&F.job->cancel, 1);
    tick();
}
