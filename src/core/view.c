/* The view: the filter (sources in focus, quick find) and rows placed in their sorted place as
 * they arrive (see es_view.h); the order itself is order.c's. */
#include "es_view.h"
#include "es_utf.h"

#include <stdlib.h>
#include <string.h>

#define CANCEL_EVERY 8192
static int cancelled(atomic_int *cancel) { return cancel && atomic_load_explicit(cancel, memory_order_relaxed); }

/* ---- filter ---- */

static int passes(const es_row *r, const es_find *f, const es_pick *p, const uint8_t *shown, size_t nshown,
                  const es_view_ctx *c, es_find_memo *m)
{
    if (shown && (r->source >= nshown || !shown[r->source]))
        return 0;
    return es_pick_row(p, r, c) && es_find_row_memo(f, r, c, m);
}

size_t es_view_filter(const es_rowstore *s, const uint32_t *in, size_t n, const es_find *f,
                      const uint8_t *shown, size_t nshown, const es_view_ctx *c, uint32_t *out,
                      atomic_int *cancel)
{
    return es_view_filter_pick(s, in, n, f, NULL, shown, nshown, c, out, cancel);
}

size_t es_view_filter_pick(const es_rowstore *s, const uint32_t *in, size_t n, const es_find *f, const es_pick *p,
                           const uint8_t *shown, size_t nshown, const es_view_ctx *c, uint32_t *out,
                           atomic_int *cancel)
{
    size_t k = 0;
    es_find_memo *m = f ? es_find_memo_new(c->nsources) : NULL;   /* none: each row looks itself */
    for (size_t i = 0; i < n; i++) {
        if ((i & (CANCEL_EVERY - 1)) == 0 && cancelled(cancel)) {
            es_find_memo_free(m);
            return SIZE_MAX;
        }
#if defined(__GNUC__) || defined(__clang__)
        /* The rows come in the view's order, all over the store: fetch ahead the row 16 on
         * and the start of the message of the row 8 on (its row fetched 8 rows ago), or each
         * row waits for memory twice. */
        if (f && i + 16 < n) {   /* a row may straddle two cache lines */
            const char *row = (const char *)es_rowstore_get(s, in[i + 16]);
            __builtin_prefetch(row);
            __builtin_prefetch(row + sizeof(es_row) - 1);
        }
        if (f && i + 8 < n) {
            const char *msg = es_rowstore_get(s, in[i + 8])->message;
            __builtin_prefetch(msg);
            __builtin_prefetch(msg + 64);
        }
#endif
        if (passes(es_rowstore_get(s, in[i]), f, p, shown, nshown, c, m))
            out[k++] = in[i];
    }
    es_find_memo_free(m);
    return k;
}

/* ---- pick ---- */

struct es_pick {
    char    *text;      /* the provider, or the server */
    int      cell;      /* 0: an event (provider, id); 1: a server over [t0, t1) */
    uint32_t event_id;
    uint64_t t0, t1;
};

static es_pick *pick_new(const char *text, int cell, uint32_t id, uint64_t t0, uint64_t t1)
{
    size_t n = strlen(text ? text : "") + 1;
    es_pick *p = malloc(sizeof *p + n);
    if (!p)
        return NULL;
    p->text = (char *)(p + 1);
    memcpy(p->text, text ? text : "", n);
    p->cell = cell;
    p->event_id = id;
    p->t0 = t0;
    p->t1 = t1;
    return p;
}

es_pick *es_pick_event(const char *provider, uint32_t event_id) { return pick_new(provider, 0, event_id, 0, 0); }
es_pick *es_pick_cell(const char *server, uint64_t t0, uint64_t t1) { return pick_new(server, 1, 0, t0, t1); }
es_pick *es_pick_copy(const es_pick *p) { return p ? pick_new(p->text, p->cell, p->event_id, p->t0, p->t1) : NULL; }
void     es_pick_free(es_pick *p) { free(p); }

int es_pick_row(const es_pick *p, const es_row *r, const es_view_ctx *c)
{
    if (!p)
        return 1;
    if (!p->cell)
        return r->event_id == p->event_id && es_ascii_ieq(r->provider ? r->provider : "", p->text);
    if (r->time_created < p->t0 || r->time_created >= p->t1)
        return 0;
    const char *name = r->source < c->nsources && c->source_names[r->source] ? c->source_names[r->source] : "";
    return es_ascii_ieq(name, p->text);
}

/* ---- the view ---- */

void es_view_init(es_view *v)
{
    memset(v, 0, sizeof *v);
    v->order = ES_ORDER_DEFAULT;
}

static void free_vis(es_view *v)
{
    if (v->vis != v->all)
        free(v->vis);
    v->vis = NULL;
    v->nvis = v->capvis = 0;
}

void es_view_free(es_view *v)
{
    free_vis(v);
    free(v->all);
    es_find_free(v->find);
    es_pick_free(v->pick);
    free(v->shown);
    free(v->floor);
    es_view_init(v);
}

int es_view_filters(const es_view *v) { return v->find != NULL || v->pick != NULL || v->shown != NULL; }

static int grow(uint32_t **a, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 1;
    size_t c = *cap ? *cap : 4096;
    while (c < need)
        c *= 2;
    uint32_t *p = realloc(*a, c * sizeof *p);
    if (!p)
        return 0;
    *a = p;
    *cap = c;
    return 1;
}

/* Inserts the sorted rows add[0, k) into arr[0, *n) (capacity checked by the caller), from the
 * back: a binary search per row and one memmove per gap. Writes the old index each row went
 * before into ins (k entries, non-decreasing) when ins is not NULL. */
static void merge_in(uint32_t *arr, size_t *n, const uint32_t *add, size_t k, const es_rowstore *s, es_order o,
                     const es_view_ctx *c, size_t *ins)
{
    size_t end = *n;   /* arr[0, end) are old rows not yet moved */
    size_t w = *n + k; /* arr[w, n + k) is final */
    for (size_t j = k; j-- > 0;) {
        size_t lo = 0, hi = end;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (es_view_compare(s, arr[mid], add[j], o, c) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        size_t move = end - lo;
        w -= move;
        memmove(arr + w, arr + lo, move * sizeof *arr);
        arr[--w] = add[j];
        end = lo;
        if (ins)
            ins[j] = lo;
    }
    *n += k;
}

int es_view_add(es_view *v, const es_rowstore *s, size_t n, const es_view_ctx *c, size_t **ins, size_t *nins)
{
    if (ins)
        *ins = NULL;
    if (nins)
        *nins = 0;
    if (n <= v->applied)
        return 1;
    size_t k = n - v->applied;
    int filt = es_view_filters(v);
    uint32_t *add = malloc(k * sizeof *add);
    uint32_t *addvis = filt ? malloc(k * sizeof *addvis) : add;
    size_t *pos = ins ? malloc(k * sizeof *pos) : NULL;
    int ok = add && addvis && (!ins || pos) && grow(&v->all, &v->capall, v->nall + k) &&
             (!filt || grow(&v->vis, &v->capvis, v->nvis + k)) &&
             es_view_sort(s, v->applied, k, v->order, c, add, NULL);
    if (!ok) {
        if (addvis != add)
            free(addvis);
        free(add);
        free(pos);
        return 0;
    }
    if (v->floor) {   /* rows of a source read again that came before its new reading */
        size_t w = 0;
        for (size_t i = 0; i < k; i++)
            if (!es_view_retired(v, es_rowstore_get(s, add[i]), add[i]))
                add[w++] = add[i];
        k = w;
    }
    size_t kvis = filt ? es_view_filter_pick(s, add, k, v->find, v->pick, v->shown, v->nshown, c, addvis, NULL) : k;
    merge_in(v->all, &v->nall, add, k, s, v->order, c, filt ? NULL : pos);
    if (filt) {
        merge_in(v->vis, &v->nvis, addvis, kvis, s, v->order, c, pos);
        free(addvis);
    } else {
        v->vis = v->all;
        v->nvis = v->nall;
        v->capvis = v->capall;
    }
    free(add);
    v->applied = n;
    if (ins)
        *ins = pos;
    if (nins)
        *nins = kvis;
    return 1;
}

/* ---- retired rows ---- */

int es_view_retired(const es_view *v, const es_row *r, uint32_t index)
{
    return v->floor && r->source < v->nfloor && index < v->floor[r->source];
}

int es_view_retire(es_view *v, const uint32_t *floor, size_t n)
{
    if (n > v->nfloor) {
        uint32_t *f = realloc(v->floor, n * sizeof *f);
        if (!f)
            return 0;
        memset(f + v->nfloor, 0, (n - v->nfloor) * sizeof *f);
        v->floor = f;
        v->nfloor = n;
    }
    for (size_t i = 0; i < n; i++)
        if (floor[i] > v->floor[i])
            v->floor[i] = floor[i];
    return 1;
}

static size_t prune(const es_view *v, const es_rowstore *s, uint32_t *a, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (!es_view_retired(v, es_rowstore_get(s, a[i]), a[i]))
            a[w++] = a[i];
    return w;
}

void es_view_prune(es_view *v, const es_rowstore *s)
{
    if (!v->floor)
        return;
    int same = v->vis == v->all;
    v->nall = prune(v, s, v->all, v->nall);
    if (same)
        v->nvis = v->nall;
    else
        v->nvis = prune(v, s, v->vis, v->nvis);
}

size_t es_view_moved(const size_t *ins, size_t nins, size_t p)
{
    /* how many went before an old index <= p */
    size_t lo = 0, hi = nins;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ins[mid] <= p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return p + lo;
}

static size_t drop_below(uint32_t *a, size_t n, size_t first)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (a[i] >= first)
            a[w++] = a[i];
    return w;
}

size_t es_view_evict(es_view *v, size_t first)
{
    int same = v->vis == v->all;
    size_t before = v->nvis;
    v->nall = drop_below(v->all, v->nall, first);
    v->nvis = same ? v->nall : drop_below(v->vis, v->nvis, first);
    if (v->applied < first)
        v->applied = first;   /* rows evicted before they were placed are never placed */
    return before - v->nvis;
}

void es_view_install(es_view *v, es_view_result *r)
{
    v->order = r->order;
    free_vis(v);
    if (r->all) {
        free(v->all);
        v->all = r->all;
        v->nall = r->nall;
        v->capall = r->capall;
        v->applied = r->first + r->nall;
    }
    es_find_free(v->find);
    es_pick_free(v->pick);
    free(v->shown);
    v->find = r->find;
    v->pick = r->pick;
    v->shown = r->shown;
    v->nshown = r->nshown;
    if (r->vis) {
        v->vis = r->vis;
        v->nvis = r->nvis;
        v->capvis = r->capvis;
    } else {
        v->vis = v->all;
        v->nvis = v->nall;
        v->capvis = v->capall;
    }
    memset(r, 0, sizeof *r);
}

void es_view_result_free(es_view_result *r)
{
    free(r->all);
    free(r->vis);
    es_find_free(r->find);
    es_pick_free(r->pick);
    free(r->shown);
    memset(r, 0, sizeof *r);
}

size_t es_view_bytes(const es_view *v)
{
    return v->capall * sizeof(uint32_t) + (v->vis != v->all ? v->capvis * sizeof(uint32_t) : 0);
}
