/* The fleet summary (see es_summary.h): one pass over the rows into a hash table of groups
 * (provider folded, event ID), then the groups' occurrences laid out group by group (a counting
 * sort: 16 bytes a row), each group's put in time order and swept by a T-minute window that
 * counts its distinct servers. */
#include "es_summary.h"
#include "es_time.h"
#include "es_utf.h"

#include <stdlib.h>
#include <string.h>

#define CANCEL_EVERY 8192
static int cancelled(atomic_int *cancel) { return cancel && atomic_load_explicit(cancel, memory_order_relaxed); }

static uint64_t fold_hash(const char *s, uint32_t id)
{
    uint64_t h = 1469598103934665603ull ^ ((uint64_t)id * 0x9E3779B97F4A7C15ull);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        h = (h ^ (c >= 'A' && c <= 'Z' ? c + 32u : c)) * 1099511628211ull;
    }
    return h ^ (h >> 29);
}

/* ---- the groups' hash table, with a cache of (provider pointer, ID): rows share texts ---- */

#define CACHE 4096
typedef struct cache_ent { const char *p; uint32_t id, g; } cache_ent;

typedef struct gtable {
    es_sum_group *g;
    size_t        n, cap;
    uint32_t     *slot;   /* group index + 1; 0 empty */
    size_t        nslot;  /* a power of two, at least twice n */
    cache_ent     cache[CACHE];
} gtable;

static int rehash(gtable *t, size_t nslot)
{
    uint32_t *s = calloc(nslot, sizeof *s);
    if (!s)
        return 0;
    for (size_t i = 0; i < t->n; i++) {
        size_t k = fold_hash(t->g[i].provider, t->g[i].event_id) & (nslot - 1);
        while (s[k])
            k = (k + 1) & (nslot - 1);
        s[k] = (uint32_t)i + 1;
    }
    free(t->slot);
    t->slot = s;
    t->nslot = nslot;
    return 1;
}

/* The group of (p, id), made when new: its index, or UINT32_MAX when out of memory. */
static uint32_t group_of(gtable *t, const char *p, uint32_t id, const es_row *r)
{
    cache_ent *c = &t->cache[(((uintptr_t)p >> 3) ^ id * 2654435761u) & (CACHE - 1)];
    if (c->p == p && c->id == id && c->g)
        return c->g - 1;
    uint64_t h = fold_hash(p, id);
    size_t k = h & (t->nslot - 1);
    for (; t->slot[k]; k = (k + 1) & (t->nslot - 1)) {
        es_sum_group *g = &t->g[t->slot[k] - 1];
        if (g->event_id == id && es_ascii_ieq(g->provider, p))
            break;
    }
    uint32_t gi;
    if (t->slot[k]) {
        gi = t->slot[k] - 1;
    } else {
        if (!es_grow(&t->g, &t->cap, t->n + 1, sizeof *t->g))
            return UINT32_MAX;
        gi = (uint32_t)t->n++;
        memset(&t->g[gi], 0, sizeof t->g[gi]);
        t->g[gi].provider = p;
        t->g[gi].event_id = id;
        t->g[gi].level = r->level ? r->level : 4;
        t->g[gi].first = t->g[gi].last = r->time_created;
        t->slot[k] = gi + 1;
        if (t->n * 2 > t->nslot && !rehash(t, t->nslot * 2))
            return UINT32_MAX;
    }
    *c = (cache_ent){p, id, gi + 1};
    return gi;
}

/* ---- occurrences: (time, server), group by group ---- */

typedef struct occ { uint64_t t; uint32_t srv, pad; } occ;

static int occ_cmp(const void *a, const void *b)
{
    const occ *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return (x->srv > y->srv) - (x->srv < y->srv);
}

/* Puts o[0, n) in time order: rows of a view sorted by time come in order or reversed. */
static void time_order(occ *o, size_t n)
{
    size_t i = 1;
    while (i < n && o[i - 1].t <= o[i].t)
        i++;
    if (i >= n)
        return;
    for (i = 1; i < n && o[i - 1].t >= o[i].t; i++)
        ;
    if (i >= n) {
        for (size_t a = 0, b = n - 1; a < b; a++, b--) {
            occ x = o[a];
            o[a] = o[b];
            o[b] = x;
        }
        return;
    }
    if (n > 24) {
        qsort(o, n, sizeof *o, occ_cmp);
        return;
    }
    for (i = 1; i < n; i++) {   /* a few: insertion */
        occ x = o[i];
        size_t j = i;
        for (; j > 0 && occ_cmp(&o[j - 1], &x) > 0; j--)
            o[j] = o[j - 1];
        o[j] = x;
    }
}

/* Distinct servers, and the T-window sweep: cnt[] (per server, zero on entry and on return),
 * mark[] (per server, the last group that counted it). */
static void sweep_group(es_sum_group *g, uint32_t gi, const occ *o, size_t n, uint64_t window, unsigned need,
                        uint32_t *cnt, uint32_t *mark)
{
    uint32_t servers = 0, distinct = 0, peak = 0;
    size_t i = 0;
    for (size_t j = 0; j < n; j++) {
        if (mark[o[j].srv] != gi + 1) {
            mark[o[j].srv] = gi + 1;
            servers++;
        }
        if (cnt[o[j].srv]++ == 0)
            distinct++;
        while (o[j].t - o[i].t > window)
            if (--cnt[o[i++].srv] == 0)
                distinct--;
        if (distinct >= need && !g->burst) {
            g->burst = 1;
            g->burst_start = o[i].t;
        }
        if (distinct > peak)
            peak = distinct;
    }
    for (; i < n; i++)
        cnt[o[i].srv] = 0;
    g->servers = servers;
    g->burst_servers = peak;
}

int es_summary_build(const es_rowset *rs, unsigned burst_servers, unsigned burst_minutes, es_summary *out,
                     atomic_int *cancel)
{
    memset(out, 0, sizeof *out);
    out->burst_servers = burst_servers ? burst_servers : ES_BURST_SERVERS;
    out->burst_minutes = burst_minutes ? burst_minutes : ES_BURST_MINUTES;
    size_t n = rs->n, nsrc = rs->nsources;
    gtable *t = calloc(1, sizeof *t);
    uint32_t *server_of = malloc((nsrc ? nsrc : 1) * sizeof *server_of);
    uint32_t *gidx = malloc((n ? n : 1) * sizeof *gidx);
    occ *o = NULL;
    uint32_t *off = NULL, *cnt = NULL, *mark = NULL;
    size_t nservers = server_of ? es_rowset_servers(rs, server_of, NULL) : SIZE_MAX;
    int ok = t && gidx && nservers != SIZE_MAX && rehash(t, 1024);
    /* pass 1: the groups, and each row's group */
    for (size_t i = 0; ok && i < n; i++) {
        if ((i & (CANCEL_EVERY - 1)) == 0 && cancelled(cancel))
            ok = 0;
        const es_row *r = es_rowset_row(rs, i);
        uint32_t gi = ok ? group_of(t, r->provider ? r->provider : "", r->event_id, r) : UINT32_MAX;
        if (gi == UINT32_MAX) {
            ok = 0;
            break;
        }
        es_sum_group *g = &t->g[gi];
        gidx[i] = gi;
        g->count++;
        if (r->time_created < g->first)
            g->first = r->time_created;
        if (r->time_created > g->last)
            g->last = r->time_created;
        if (es_level_rank(r->level) < es_level_rank(g->level))
            g->level = r->level ? r->level : 4;   /* LogAlways shows as Information */
    }
    /* pass 2: the occurrences, group by group */
    if (ok) {
        o = malloc((n ? n : 1) * sizeof *o);
        off = malloc((t->n + 1) * sizeof *off);
        cnt = calloc(nservers + 1, sizeof *cnt);
        mark = calloc(nservers + 1, sizeof *mark);
        ok = o && off && cnt && mark;
    }
    if (ok) {
        off[0] = 0;
        for (size_t g = 0; g < t->n; g++)
            off[g + 1] = off[g] + (uint32_t)t->g[g].count;
        for (size_t i = 0; i < n; i++) {
            const es_row *r = es_rowset_row(rs, i);
            occ *e = &o[off[gidx[i]]++];
            e->t = r->time_created;
            e->srv = r->source < nsrc ? server_of[r->source] : (uint32_t)nservers;   /* unknown: one more */
            e->pad = 0;
        }
        uint64_t window = (uint64_t)out->burst_minutes * 60u * ES_TICKS_PER_SEC;
        for (size_t g = 0, start = 0; ok && g < t->n; g++) {
            if ((g & 1023) == 0 && cancelled(cancel))
                ok = 0;
            size_t end = off[g];   /* advanced to the group's end by the fill */
            time_order(o + start, end - start);
            sweep_group(&t->g[g], (uint32_t)g, o + start, end - start, window, out->burst_servers, cnt, mark);
            out->nbursts += t->g[g].burst;
            start = end;
        }
    }
    free(o);
    free(off);
    free(cnt);
    free(mark);
    free(gidx);
    free(server_of);
    if (t)
        free(t->slot);
    if (ok) {
        out->groups = t->g;
        out->ngroups = t->n;
        out->rows = n;
        ok = es_summary_sort(out, ES_SUM_ID, 0) && es_summary_sort(out, ES_SUM_PROVIDER, 0);
    } else if (t) {
        free(t->g);
    }
    free(t);
    if (!ok) {
        es_summary_free(out);
        memset(out, 0, sizeof *out);
    }
    return ok;
}

void es_summary_free(es_summary *s)
{
    free(s->groups);
    s->groups = NULL;
    s->ngroups = 0;
}

/* ---- order ---- */

static const char *const k_sum_cols[ES_SUM_NCOLS] = {"Source", "Event ID", "Events", "Servers", "First", "Last",
                                                     "Level"};
const char *es_sum_col_name(es_sum_col c) { return (unsigned)c < ES_SUM_NCOLS ? k_sum_cols[c] : ""; }

#define CMP3(a, b) ((a) < (b) ? -1 : (a) > (b))

static int group_cmp(const es_sum_group *a, const es_sum_group *b, es_sum_col col)
{
    switch (col) {
    case ES_SUM_PROVIDER: return es_ascii_icmp(a->provider, b->provider);
    case ES_SUM_ID: return CMP3(a->event_id, b->event_id);
    case ES_SUM_COUNT: return CMP3(a->count, b->count);
    case ES_SUM_SERVERS: return CMP3(a->servers, b->servers);
    case ES_SUM_FIRST: return CMP3(a->first, b->first);
    case ES_SUM_LAST: return CMP3(a->last, b->last);
    case ES_SUM_LEVEL: return CMP3(es_level_rank(a->level), es_level_rank(b->level));
    default: return 0;
    }
}

int es_summary_sort(es_summary *s, es_sum_col col, int desc)
{
    size_t n = s->ngroups;
    if (n < 2)
        return 1;
    es_sum_group *tmp = malloc(n * sizeof *tmp);
    if (!tmp)
        return 0;
    /* bottom-up merge sort: stable */
    es_sum_group *a = s->groups, *b = tmp;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                int d = group_cmp(&a[j], &a[i], col);
                b[k++] = (desc ? d > 0 : d < 0) ? a[j++] : a[i++];
            }
            while (i < mid)
                b[k++] = a[i++];
            while (j < hi)
                b[k++] = a[j++];
        }
        es_sum_group *x = a;
        a = b;
        b = x;
    }
    if (a != s->groups)
        memcpy(s->groups, a, n * sizeof *a);
    free(tmp);
    return 1;
}
