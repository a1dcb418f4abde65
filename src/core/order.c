/* The view's order (see es_view.h): the columns' names, --sort, the comparison with its
 * stable tie-break, and es_view_sort, which puts a million rows in that order.
 *
 * Sorting a million rows: the order is a chain of keys (column, source, RecordID, arrival), so
 * the rows are sorted key by key, least significant first, each pass a stable LSD radix sort on
 * 64-bit keys that skips the bytes every key shares. Source, Task, Computer and Log rank the few
 * distinct strings rows share; Message ranks its distinct texts (found by a case-folding hash);
 * otherwise a text's key is its first 8 bytes, case-folded, and the rows whose 8 bytes tie and go
 * on are refined by the next 8, jumping over long shared prefixes. The texts' ranks are
 * order_rank.c's. */
#include "order_int.h"
#include "es_time.h"
#include "es_utf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const k_col_names[ES_NCOLS] = {"Server", "TimeCreated", "Level", "Source", "EventID",
                                                  "Task", "RecordID", "Computer", "Message", "Received",
                                                  "Log"};

const char *es_col_name(es_col c) { return (unsigned)c < ES_NCOLS ? k_col_names[c] : "?"; }

int es_col_parse(const char *name)
{
    for (int i = 0; i < ES_NCOLS; i++)
        if (es_ascii_ieq(name, k_col_names[i]))
            return i;
    if (es_ascii_ieq(name, "Time"))
        return ES_COL_TIME;
    if (es_ascii_ieq(name, "Record"))
        return ES_COL_RECORDID;
    if (es_ascii_ieq(name, "Event ID") || es_ascii_ieq(name, "ID"))
        return ES_COL_EVENTID;
    return -1;
}

int es_order_parse(const char *text, es_order *o, char *err, size_t errlen)
{
    char col[32];
    const char *colon = strchr(text, ':');
    size_t n = colon ? (size_t)(colon - text) : strlen(text);
    int c = -1;
    if (n < sizeof col) {
        memcpy(col, text, n);
        col[n] = 0;
        c = es_col_parse(col);
    }
    if (c < 0) {
        snprintf(err, errlen, "--sort: \"%.*s\" is not a column (Server, TimeCreated, Level, Source, EventID, Task, "
                 "RecordID, Computer, Message, Received, Log).", (int)(n > 64 ? 64 : n), text);
        return 0;
    }
    o->col = (es_col)c;
    o->desc = c == ES_COL_TIME || c == ES_COL_RECEIVED;
    if (colon) {
        if (es_ascii_ieq(colon + 1, "asc"))
            o->desc = 0;
        else if (es_ascii_ieq(colon + 1, "desc"))
            o->desc = 1;
        else {
            snprintf(err, errlen, "--sort: \"%.32s\" is not a direction (asc or desc).", colon + 1);
            return 0;
        }
    }
    return 1;
}

/* ---- keys ---- */

/* Event Viewer's levels by severity (es_event.h); LogAlways (0) shows as Information. */
static uint64_t level_rank(unsigned level) { return es_level_rank(level); }

/* A text's bytes [off, off + 8) folded, big-endian, zeros past its end. */
static uint64_t text_key_at(const char *text, size_t off)
{
    const unsigned char *p = (const unsigned char *)text + off;
    uint64_t k = 0;
    int i = 0;
    for (; i < 8 && p[i]; i++)
        k = k << 8 | fold(p[i]);
    return i == 0 ? 0 : i == 8 ? k : k << (8 * (8 - i));
}

/* The Server column's key and the first tie-break: the source's place by name. */
static uint64_t source_key(const es_row *r, const es_view_ctx *c)
{
    return r->source < c->nsources && c->source_rank ? c->source_rank[r->source] : r->source;
}

/* The column's key as a number; text columns: the first 8 folded bytes, big-endian. */
static uint64_t col_key(const es_row *r, es_col col, const es_view_ctx *c)
{
    switch (col) {
    case ES_COL_SERVER: return source_key(r, c);
    case ES_COL_TIME: return r->time_created;
    case ES_COL_LEVEL: return level_rank(r->level);
    case ES_COL_EVENTID: return r->event_id;
    case ES_COL_RECORDID: return r->record_id;
    case ES_COL_RECEIVED: return r->received;
    default: return text_key_at(col_text(r, col, c), 0);
    }
}

static int is_text(es_col col)
{
    return col == ES_COL_SOURCE || col == ES_COL_TASK || col == ES_COL_COMPUTER || col == ES_COL_MESSAGE ||
           col == ES_COL_LOG;
}

int es_view_compare(const es_rowstore *s, uint32_t ia, uint32_t ib, es_order o, const es_view_ctx *c)
{
    if (ia == ib)
        return 0;
    const es_row *a = es_rowstore_get(s, ia), *b = es_rowstore_get(s, ib);
    int d;
    if (is_text(o.col)) {
        d = text_cmp(col_text(a, o.col, c), col_text(b, o.col, c));
    } else {
        uint64_t x = col_key(a, o.col, c), y = col_key(b, o.col, c);
        d = x < y ? -1 : x > y;
    }
    if (d)
        return o.desc ? -d : d;
    uint64_t x = source_key(a, c), y = source_key(b, c);
    if (x != y)
        return x < y ? -1 : 1;
    if (a->record_id != b->record_id)
        return (a->record_id < b->record_id) != (o.desc != 0) ? -1 : 1;
    return ia < ib ? -1 : 1;
}

void es_view_rank_sources(const char *const *names, size_t n, uint32_t *rank)
{
    /* A few thousand sources at most: an insertion sort of indices is plenty. */
    uint32_t *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!idx) {
        for (size_t i = 0; i < n; i++)
            rank[i] = (uint32_t)i;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0 && text_cmp(names[idx[j - 1]], names[i]) > 0) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = (uint32_t)i;
    }
    for (size_t i = 0; i < n; i++)
        rank[idx[i]] = (uint32_t)i;
    free(idx);
}

/* ---- sort ---- */

typedef struct kv {
    uint64_t key;
    uint32_t row;
    uint32_t spare;
} kv;

ORDER_RADIX(radix, kv)

/* The run a[lo, hi) ties on its 8-byte prefix: a stable merge sort on the rest of the text. */
static void text_run_sort(kv *a, kv *tmp, size_t n, const es_rowstore *s, es_col col, const es_view_ctx *c, int desc,
                          size_t off)
{
    if (n < 2)
        return;
    if (n <= 16) {  /* insertion sort: stable */
        for (size_t i = 1; i < n; i++) {
            kv x = a[i];
            const char *tx = col_text(es_rowstore_get(s, x.row), col, c) + off;
            size_t j = i;
            while (j > 0) {
                int d = text_cmp(col_text(es_rowstore_get(s, a[j - 1].row), col, c) + off, tx);
                if (desc ? d >= 0 : d <= 0)
                    break;
                a[j] = a[j - 1];
                j--;
            }
            a[j] = x;
        }
        return;
    }
    size_t h = n / 2;
    text_run_sort(a, tmp, h, s, col, c, desc, off);
    text_run_sort(a + h, tmp, n - h, s, col, c, desc, off);
    memcpy(tmp, a, h * sizeof *a);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        int d = text_cmp(col_text(es_rowstore_get(s, a[j].row), col, c) + off,
                         col_text(es_rowstore_get(s, tmp[i].row), col, c) + off);
        if (desc ? d > 0 : d < 0)
            a[k++] = a[j++];
        else
            a[k++] = tmp[i++];
    }
    while (i < h)
        a[k++] = tmp[i++];
}

/* a[0, n) tie on the text's first `off` bytes and go on (no NUL among them): sorts them by the
 * next 8 bytes (a stable radix pass keeps the tie-breaks' order), then each run that ties
 * again by the 8 after, and so on; small runs (and 256 levels of splits) by merge sort. */
static int refine(kv *a, kv *t, size_t n, const es_rowstore *s, es_col col, const es_view_ctx *c, int desc,
                  size_t off, int depth, atomic_int *cancel)
{
    for (;;) {
        if (n <= 24 || depth > 256) {
            text_run_sort(a, t, n, s, col, c, desc, off);
            return 1;
        }
        uint64_t first = 0, all_same = 1;
        for (size_t i = 0; i < n; i++) {
            uint64_t k = text_key_at(col_text(es_rowstore_get(s, a[i].row), col, c), off);
            a[i].key = desc ? ~k : k;
            if (i == 0)
                first = a[i].key;
            else if (a[i].key != first)
                all_same = 0;
        }
        if (all_same) {
            /* texts equal for 8 more bytes (long shared prefixes, or the same message many
             * times): jump to where the first of them differs from the others — one pass along
             * each text rather than one visit per 8 bytes — without a radix pass or a deeper call */
            uint64_t k = desc ? ~first : first;
            if ((k & 0xff) == 0)
                return 1;   /* equal to the end: the tie-breaks' order stands */
            const unsigned char *t0 = (const unsigned char *)col_text(es_rowstore_get(s, a[0].row), col, c) + off;
            size_t lcp = SIZE_MAX;
            for (size_t i = 1; i < n && lcp > 8; i++) {
                const unsigned char *ti = (const unsigned char *)col_text(es_rowstore_get(s, a[i].row), col, c) + off;
                size_t l = 0;
                while (l < lcp && t0[l] && fold(t0[l]) == fold(ti[l]))
                    l++;
                lcp = l;
            }
            if (lcp != SIZE_MAX && !t0[lcp] && lcp > 8) {
                /* every text equals the first up to its end? only if none goes on */
                int longer = 0;
                for (size_t i = 1; i < n && !longer; i++)
                    longer = col_text(es_rowstore_get(s, a[i].row), col, c)[off + lcp] != 0;
                if (!longer)
                    return 1;
            }
            off += lcp > 8 && lcp != SIZE_MAX ? lcp - lcp % 8 : 8;
            if (cancelled(cancel))
                return 0;
            continue;
        }
        kv *x = a, *y = t;
        if (!radix(&x, &y, n, cancel))
            return 0;
        if (x != a)
            memcpy(a, x, n * sizeof *a);
        for (size_t i = 0; i < n;) {
            size_t j = i + 1;
            while (j < n && a[j].key == a[i].key)
                j++;
            uint64_t k = desc ? ~a[i].key : a[i].key;
            if (j - i > 1 && (k & 0xff) != 0 &&
                !refine(a + i, t + i, j - i, s, col, c, desc, off + 8, depth + 1, cancel))
                return 0;
            i = j;
        }
        return 1;
    }
}

int es_view_sort(const es_rowstore *s, size_t first, size_t n, es_order o, const es_view_ctx *c, uint32_t *out,
                 atomic_int *cancel)
{
    if (n == 0)
        return 1;
    kv *a = malloc(n * sizeof *a), *t = malloc(n * sizeof *t);
    uint64_t *colkey = malloc(n * sizeof *colkey);
    uint64_t *ranks = !is_text(o.col)              ? NULL
                      : o.col == ES_COL_MESSAGE ? order_message_ranks(s, first, n, cancel)
                                                : order_text_ranks(s, first, n, o.col, c);
    int ok = a && t && colkey;
    int prefix = is_text(o.col) && !ranks;   /* keys are 8-byte prefixes: ties to refine */
    /* The keys, in arrival order (the rows and their strings are read in the order they lie in
     * memory): the column's in colkey, the tie-breaks in a[].key — source rank and RecordID in
     * one 64-bit key when they fit (they do unless a RecordID passes 2^48). */
    int fused = 1;
    for (size_t i = 0; ok && i < n; i++) {
        const es_row *r = es_rowstore_get(s, first + i);
        uint64_t src = source_key(r, c);
        if (src >= 65536 || r->record_id >= ((uint64_t)1 << 48))
            fused = 0;
        uint64_t rec = o.desc ? ~r->record_id & (((uint64_t)1 << 48) - 1) : r->record_id;
        a[i].row = (uint32_t)(first + i);   /* arrival: the last tie-break, given by stability */
        a[i].key = src << 48 | rec;
        uint64_t k = ranks ? ranks[i] : col_key(r, o.col, c);
        colkey[i] = o.desc ? ~k : k;
        if ((i & (CANCEL_EVERY - 1)) == 0 && cancelled(cancel))
            ok = 0;
    }
    free(ranks);
    if (ok && !fused) {   /* two passes: RecordID, then the source */
        for (size_t i = 0; i < n; i++) {
            uint64_t rec = es_rowstore_get(s, a[i].row)->record_id;
            a[i].key = o.desc ? ~rec : rec;
        }
        ok = radix(&a, &t, n, cancel);
        for (size_t i = 0; ok && i < n; i++)
            a[i].key = source_key(es_rowstore_get(s, a[i].row), c);
    }
    if (ok)
        ok = radix(&a, &t, n, cancel);
    for (size_t i = 0; ok && i < n; i++)
        a[i].key = colkey[a[i].row - first];
    if (ok)
        ok = radix(&a, &t, n, cancel);
    /* text by prefix: the runs that tie on 8 bytes and go on */
    for (size_t i = 0; ok && prefix && i < n;) {
        size_t j = i + 1;
        while (j < n && a[j].key == a[i].key)
            j++;
        uint64_t k = o.desc ? ~a[i].key : a[i].key;
        if (j - i > 1 && (k & 0xff) != 0)
            ok = refine(a + i, t + i, j - i, s, o.col, c, o.desc, 8, 1, cancel);
        i = j;
    }
    if (ok)
        for (size_t i = 0; i < n; i++)
            out[i] = a[i].row;
    free(a);
    free(t);
    free(colkey);
    return ok;
}
