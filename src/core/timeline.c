/* The timeline (see es_summary.h): servers x time buckets, each cell its count and worst level. */
#include "es_summary.h"
#include "es_time.h"

#include <stdlib.h>
#include <string.h>

#define MINUTE (60u * ES_TICKS_PER_SEC)
#define DAY    (24u * ES_TICKS_PER_HOUR)

uint64_t es_timeline_step(uint64_t from, uint64_t to, unsigned max_buckets)
{
    static const uint64_t steps[] = {1 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
                                     ES_TICKS_PER_HOUR, 2 * ES_TICKS_PER_HOUR, 6 * ES_TICKS_PER_HOUR,
                                     12 * ES_TICKS_PER_HOUR, DAY};
    uint64_t max = max_buckets ? max_buckets : 60;
    if (to < from)
        to = from;
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
        uint64_t s = steps[i], start = from / s * s;
        if ((to - start) / s + 1 <= max)
            return s;
    }
    /* whole days: the span in days over the buckets, rounded up, one more for the alignment */
    uint64_t days = (to - from) / DAY / max + 1;
    while ((to - from / (days * DAY) * (days * DAY)) / (days * DAY) + 1 > max)
        days++;
    return days * DAY;
}

int es_timeline_build(const es_rowset *rs, uint64_t from, uint64_t to, unsigned max_buckets, es_timeline *out,
                      atomic_int *cancel)
{
    memset(out, 0, sizeof *out);
    size_t n = rs->n, nsrc = rs->nsources;
    if (!from && !to) {   /* the rows' own span */
        from = UINT64_MAX;
        for (size_t i = 0; i < n; i++) {
            uint64_t t = es_rowset_row(rs, i)->time_created;
            if (t < from)
                from = t;
            if (t > to)
                to = t;
        }
        if (!n)
            from = to = 0;
    }
    if (to < from)
        to = from;
    out->step = es_timeline_step(from, to, max_buckets);
    out->start = from / out->step * out->step;
    out->nbuckets = (size_t)((to - out->start) / out->step + 1);
    out->server_of = malloc((nsrc ? nsrc : 1) * sizeof *out->server_of);
    out->server_source = malloc((nsrc ? nsrc : 1) * sizeof *out->server_source);
    size_t ns = out->server_of && out->server_source ? es_rowset_servers(rs, out->server_of, out->server_source)
                                                     : SIZE_MAX;
    if (ns != SIZE_MAX) {
        out->nservers = ns;
        out->cells = calloc(ns * out->nbuckets + 1, sizeof *out->cells);
    }
    int ok = out->cells != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        if ((i & 8191) == 0 && cancel && atomic_load_explicit(cancel, memory_order_relaxed))
            ok = 0;
        const es_row *r = es_rowset_row(rs, i);
        if (r->source >= nsrc || r->time_created < from || r->time_created > to)
            continue;
        es_tl_cell *c = &out->cells[out->server_of[r->source] * out->nbuckets +
                                    (size_t)((r->time_created - out->start) / out->step)];
        if (c->count == 0 || es_level_rank(r->level) < es_level_rank(c->level))
            c->level = r->level;
        if (++c->count > out->max_count)
            out->max_count = c->count;
    }
    if (!ok) {
        es_timeline_free(out);
        return 0;
    }
    return 1;
}

void es_timeline_free(es_timeline *t)
{
    free(t->cells);
    free(t->server_of);
    free(t->server_source);
    memset(t, 0, sizeof *t);
}

int es_timeline_cell_range(const es_timeline *t, const es_rowset *rs, size_t server, size_t bucket,
                           const char **name, uint64_t *t0, uint64_t *t1)
{
    if (server >= t->nservers || bucket >= t->nbuckets)
        return 0;
    uint32_t src = t->server_source[server];
    *name = src < rs->nsources && rs->names && rs->names[src] ? rs->names[src] : "";
    *t0 = t->start + bucket * t->step;
    *t1 = *t0 + t->step < *t0 ? UINT64_MAX : *t0 + t->step;   /* a hostile time near the end */
    return 1;
}

/* ---- colours ---- */

uint32_t es_level_rgb(unsigned level)
{
    static const uint32_t k[] = {0x1e6fc8, 0x7a0010, 0xd0302a, 0xe59a00, 0x1e6fc8, 0x8a8f98};
    return level <= 5 ? k[level] : 0x5f6b7au;
}

/* log2(1 + v), near enough for a colour's intensity (no libm): exact at powers of two,
 * linear between them */
static double lg1p(uint32_t v)
{
    double r = 0, f = 1.0 + v;
    for (; f >= 2; f /= 2)
        r++;
    return r + (f - 1);
}

unsigned es_tl_alpha(uint32_t count, uint32_t max_count)
{
    if (!count)
        return 0;
    if (count >= max_count || max_count <= 1)
        return 1000;
    return 250 + (unsigned)(750.0 * lg1p(count) / lg1p(max_count) + 0.5);
}

uint32_t es_tl_cell_rgb(uint32_t count, unsigned level, uint32_t max_count)
{
    unsigned a = es_tl_alpha(count, max_count);
    uint32_t fg = es_level_rgb(level), bg = ES_TL_EMPTY_RGB, out = 0;
    for (int sh = 0; sh <= 16; sh += 8) {
        unsigned f = fg >> sh & 0xff, b = bg >> sh & 0xff;
        out |= (uint32_t)((f * a + b * (1000 - a) + 500) / 1000) << sh;
    }
    return out;
}
