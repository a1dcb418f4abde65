/* The view's order (see es_view.h): the columns' names, --sort, the comparison with its
 * stable tie-break, and es_view_sort, which puts a million rows in that order.
 *
 * Sorting a million rows: the order is a chain of keys (column, source, RecordID, arrival), so
 * the rows are sorted key by key, least significant first, each pass a stable LSD radix sort on
 * 64-bit keys that skips the bytes every key shares. Source, Task, Computer and Log rank the few
 * distinct strings rows share; Message ranks its distinct texts (found by a case-folding hash);
 * otherwise a text's key is its first 8 bytes, case-folded, and the rows whose 8 bytes tie and go
 * on are refined by the next 8, jumping over long shared prefixes. */
#include "es_view.h"
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

static inline unsigned char fold(unsigned char ch) { return ch >= 'A' && ch <= 'Z' ? (unsigned char)(ch + 32) : ch; }

static int text_cmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    for (;; x++, y++) {
        unsigned char p = fold(*x), q = fold(*y);
        if (p != q)
            return p < q ? -1 : 1;
        if (!p)
            return 0;
    }
}

/* Event Viewer's levels by severity; LogAlways (0) shows as Information. */
static uint64_t level_rank(unsigned level)
{
    switch (level) {
    case 1: return 1;
    case 2: return 2;
    case 3: return 3;
    case 0:
    case 4: return 4;
    case 5: return 5;
    default: return 6 + (uint64_t)level;
    }
}

static const char *col_text(const es_row *r, es_col col, const es_view_ctx *c)
{
    switch (col) {
    case ES_COL_LOG: return es_view_log(c, r);
    case ES_COL_SOURCE: return r->provider;
    case ES_COL_TASK: return r->task_text;
    case ES_COL_COMPUTER: return r->computer;
    case ES_COL_MESSAGE: return r->message;
    default: return NULL;
    }
}

/* The column's key as a number; text columns: the first 8 folded bytes, big-endian. */
static uint64_t col_key(const es_row *r, es_col col, const es_view_ctx *c)
{
    switch (col) {
    case ES_COL_SERVER: return r->source < c->nsources && c->source_rank ? c->source_rank[r->source] : r->source;
    case ES_COL_TIME: return r->time_created;
    case ES_COL_LEVEL: return level_rank(r->level);
    case ES_COL_EVENTID: return r->event_id;
    case ES_COL_RECORDID: return r->record_id;
    case ES_COL_RECEIVED: return r->received;
    default: {
        const unsigned char *s = (const unsigned char *)col_text(r, col, c);
        uint64_t k = 0;
        int i = 0;
        for (; i < 8 && s[i]; i++)
            k = k << 8 | fold(s[i]);
        return i == 0 ? 0 : i == 8 ? k : k << (8 * (8 - i));
    }
    }
}

static int is_text(es_col col)
{
    return col == ES_COL_SOURCE || col == ES_COL_TASK || col == ES_COL_COMPUTER || col == ES_COL_MESSAGE ||
           col == ES_COL_LOG;
}

static uint64_t source_key(const es_row *r, const es_view_ctx *c)
{
    return r->source < c->nsources && c->source_rank ? c->source_rank[r->source] : r->source;
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

#define CANCEL_EVERY 65536

static int cancelled(atomic_int *cancel) { return cancel && atomic_load_explicit(cancel, memory_order_relaxed); }

/* Stable LSD radix sort of a[0, n) by key, using tmp; the result ends in *a (the pointers may
 * be swapped). Bytes that every key shares are skipped. */
static int radix(kv **a, kv **tmp, size_t n, atomic_int *cancel)
{
    uint64_t all_or = 0, all_and = ~0ull;
    for (size_t i = 0; i < n; i++) {
        all_or |= (*a)[i].key;
        all_and &= (*a)[i].key;
    }
    uint64_t varies = all_or ^ all_and;
    size_t count[256];
    for (int byte = 0; byte < 8; byte++) {
        int shift = byte * 8;
        if (((varies >> shift) & 0xff) == 0)
            continue;
        if (cancelled(cancel))
            return 0;
        memset(count, 0, sizeof count);
        kv *src = *a, *dst = *tmp;
        for (size_t i = 0; i < n; i++)
            count[(src[i].key >> shift) & 0xff]++;
        size_t sum = 0;
        for (int b = 0; b < 256; b++) {
            size_t t = count[b];
            count[b] = sum;
            sum += t;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i].key >> shift) & 0xff]++] = src[i];
        *tmp = src;
        *a = dst;
    }
    return 1;
}

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

static uint64_t text_key_at(const char *text, size_t off)
{
    const unsigned char *p = (const unsigned char *)text + off;
    uint64_t k = 0;
    int i = 0;
    for (; i < 8 && p[i]; i++)
        k = k << 8 | fold(p[i]);
    return i == 0 ? 0 : i == 8 ? k : k << (8 * (8 - i));
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

/* Text columns where rows share a few strings (Source, Task, Computer: a batch keeps one copy
 * of each), ranked once: the distinct string pointers, sorted by text, give each row an exact
 * key in one pass over the rows in arrival order. NULL when the strings are many (Message) or
 * memory is short: the caller sorts by prefix instead. */
static uint64_t *text_ranks(const es_rowstore *s, size_t first, size_t n, es_col col, const es_view_ctx *c)
{
    size_t cap = 1024;
    while (cap < n / 8 * 2 && cap < ((size_t)1 << 30))
        cap *= 2;
    size_t limit = cap / 2;   /* more distinct strings than this: give up */
    const char **slot = calloc(cap, sizeof *slot);
    uint32_t *slot_id = malloc(cap * sizeof *slot_id);
    uint32_t *row_id = malloc(n * sizeof *row_id);
    const char **distinct = malloc(limit * sizeof *distinct);
    uint64_t *keys = NULL;
    size_t nd = 0;
    int ok = slot && slot_id && row_id && distinct;
    for (size_t i = 0; ok && i < n; i++) {
        const char *p = col_text(es_rowstore_get(s, first + i), col, c);
        size_t h = (size_t)(((uintptr_t)p >> 3) * 0x9E3779B97F4A7C15ull) & (cap - 1);
        while (slot[h] && slot[h] != p)
            h = (h + 1) & (cap - 1);
        if (!slot[h]) {
            if (nd == limit) {
                ok = 0;
                break;
            }
            slot[h] = p;
            slot_id[h] = (uint32_t)nd;
            distinct[nd++] = p;
        }
        row_id[i] = slot_id[h];
    }
    uint32_t *order = ok ? malloc((nd ? nd : 1) * sizeof *order) : NULL;
    uint64_t *rank = ok ? malloc((nd ? nd : 1) * sizeof *rank) : NULL;
    keys = ok && order && rank ? malloc(n * sizeof *keys) : NULL;
    if (keys) {
        /* a merge-free insertion sort would be quadratic on thousands: sort indices by text */
        for (size_t i = 0; i < nd; i++)
            order[i] = (uint32_t)i;
        for (size_t w = 1; w < nd; w *= 2) {   /* bottom-up merge sort of order[] */
            uint32_t *tmp = malloc(nd * sizeof *tmp);
            if (!tmp) {
                free(keys);
                keys = NULL;
                break;
            }
            for (size_t lo = 0; lo < nd; lo += 2 * w) {
                size_t mid = lo + w < nd ? lo + w : nd, hi = lo + 2 * w < nd ? lo + 2 * w : nd;
                size_t i = lo, j = mid, k = lo;
                while (i < mid && j < hi)
                    tmp[k++] = text_cmp(distinct[order[j]], distinct[order[i]]) < 0 ? order[j++] : order[i++];
                while (i < mid)
                    tmp[k++] = order[i++];
                while (j < hi)
                    tmp[k++] = order[j++];
            }
            memcpy(order, tmp, nd * sizeof *tmp);
            free(tmp);
        }
        uint64_t r = 0;
        for (size_t i = 0; keys && i < nd; i++) {
            if (i > 0 && text_cmp(distinct[order[i - 1]], distinct[order[i]]) != 0)
                r++;
            rank[order[i]] = r;
        }
        for (size_t i = 0; keys && i < n; i++)
            keys[i] = rank[row_id[i]];
    }
    free(order);
    free(rank);
    free(slot);
    free(slot_id);
    free(row_id);
    free(distinct);
    return keys;
}

static size_t msg_len_of(const es_row *r)
{
    return r->msg_len && r->msg_len != UINT32_MAX ? r->msg_len : strlen(r->message);
}

/* Eight bytes with ASCII letters folded to lower case (fold() on each byte, as text_cmp does):
 * a byte below 0x80 in 'A'..'Z' gains 0x20. */
static inline uint64_t fold8(uint64_t w)
{
    const uint64_t highs = 0x8080808080808080ull;
    uint64_t x = w & ~highs;
    uint64_t ge_a = x + 0x3f3f3f3f3f3f3f3full;   /* high bit set when x >= 'A' */
    uint64_t gt_z = x + 0x2525252525252525ull;   /* high bit set when x > 'Z' */
    return w | ((ge_a & ~gt_z & ~w & highs) >> 2);
}

static inline uint64_t load8(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/* The 8 bytes as a big-endian number (the first byte most significant), from little-endian
 * loads (every target of EventSweep is little-endian; checked at compile time below). */
static inline uint64_t be64(uint64_t w)
{
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_bswap64(w);
#else
    w = (w >> 32) | (w << 32);
    w = ((w & 0xffff0000ffff0000ull) >> 16) | ((w & 0x0000ffff0000ffffull) << 16);
    return ((w & 0xff00ff00ff00ff00ull) >> 8) | ((w & 0x00ff00ff00ff00ffull) << 8);
#endif
}
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "order.c reads texts 8 bytes at a time as little-endian words"
#endif

/* text_key_at for a text whose length is known: bytes [off, off + 8) folded, big-endian, zeros
 * past the end. */
static inline uint64_t key_at_len(const char *p, size_t len, size_t off)
{
    if (off + 8 <= len)
        return be64(fold8(load8(p + off)));
    uint64_t k = 0;
    for (size_t i = 0; i < 8; i++)
        k = k << 8 | (off + i < len ? fold((unsigned char)p[off + i]) : 0);
    return k;
}

/* A hash equal for texts equal but for the case of ASCII letters (fold8 on each word). */
static uint64_t fold_hash(const char *p, size_t len)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ len, g = 0x2545F4914F6CDD1Dull;   /* two lanes: half the latency */
    size_t i = 0;
    for (; i + 16 <= len; i += 16) {
        h = (h ^ fold8(load8(p + i))) * 0xff51afd7ed558ccdull;
        g = (g ^ fold8(load8(p + i + 8))) * 0xc4ceb9fe1a85ec53ull;
        h ^= h >> 32;
        g ^= g >> 29;
    }
    if (i + 8 <= len) {
        h = (h ^ fold8(load8(p + i))) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
        i += 8;
    }
    uint64_t w = 0;
    for (size_t k = 0; i < len; i++, k++)
        w |= (uint64_t)fold((unsigned char)p[i]) << (8 * k);
    h = (h ^ w ^ (g * 0x9E3779B97F4A7C15ull)) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 29);
}

static int fold_equal(const char *a, const char *b, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t x = load8(a + i), y = load8(b + i);
        if (x != y && fold8(x) != fold8(y))
            return 0;
    }
    for (; i < len; i++)
        if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
            return 0;
    return 1;
}

/* text_cmp of two texts of known length from byte `off` on (both equal before it). */
static int fold_cmp_from(const char *a, size_t la, const char *b, size_t lb, size_t off)
{
    size_t m = la < lb ? la : lb, i = off;
    for (; i + 8 <= m; i += 8) {
        uint64_t x = load8(a + i), y = load8(b + i);
        if (x != y) {
            x = be64(fold8(x));
            y = be64(fold8(y));
            if (x != y)
                return x < y ? -1 : 1;
        }
    }
    for (; i < m; i++) {
        unsigned char p = fold((unsigned char)a[i]), q = fold((unsigned char)b[i]);
        if (p != q)
            return p < q ? -1 : 1;
    }
    return la < lb ? -1 : la > lb;
}

/* A distinct message while they are sorted: its text and length at hand (no row lookups). */
typedef struct dmsg {
    uint64_t    key;   /* 8 folded bytes at the current depth, big-endian */
    const char *text;
    uint32_t    len;
    uint32_t    id;
} dmsg;

/* Stable LSD radix sort of a[0, n) by key (bytes every key shares skipped); the result ends
 * in *a (the pointers may be swapped). */
static void radix_dmsg(dmsg **a, dmsg **tmp, size_t n)
{
    uint64_t all_or = 0, all_and = ~0ull;
    for (size_t i = 0; i < n; i++) {
        all_or |= (*a)[i].key;
        all_and &= (*a)[i].key;
    }
    uint64_t varies = all_or ^ all_and;
    size_t count[256];
    for (int shift = 0; shift < 64; shift += 8) {
        if (((varies >> shift) & 0xff) == 0)
            continue;
        memset(count, 0, sizeof count);
        dmsg *src = *a, *dst = *tmp;
        for (size_t i = 0; i < n; i++)
            count[(src[i].key >> shift) & 0xff]++;
        size_t sum = 0;
        for (int b = 0; b < 256; b++) {
            size_t t = count[b];
            count[b] = sum;
            sum += t;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i].key >> shift) & 0xff]++] = src[i];
        *tmp = src;
        *a = dst;
    }
}

/* Sorts distinct texts a[0, n) (no two equal but for case, so the order needs no tie-break)
 * that share their first `off` bytes: by the next 8 bytes (a radix pass over keys held in the
 * array), then each run that ties there by the 8 after, and so on; small runs by insertion
 * sort with the full comparison. The result is left in a (t: scratch of n). */
static int sort_distinct(dmsg *a, dmsg *t, size_t n, size_t off, atomic_int *cancel)
{
    while (n > 1) {
        if (n <= 16) {
            for (size_t i = 1; i < n; i++) {
                dmsg x = a[i];
                size_t j = i;
                while (j > 0 && fold_cmp_from(a[j - 1].text, a[j - 1].len, x.text, x.len, off) > 0) {
                    a[j] = a[j - 1];
                    j--;
                }
                a[j] = x;
            }
            return 1;
        }
        uint64_t first = a[0].key = key_at_len(a[0].text, a[0].len, off);
        int same = 1;
        for (size_t i = 1; i < n; i++) {
            a[i].key = key_at_len(a[i].text, a[i].len, off);
            same &= a[i].key == first;
        }
        if (same) {
            if ((first & 0xff) == 0)
                return 1;   /* equal to the end (cannot happen for distinct texts) */
            /* a long shared prefix: jump to the first word where some text differs from the
             * first — one pass along each text rather than a pass over all per 8 bytes. Every
             * text goes on past off + 8 (no key ended), so the jump is at least 8. */
            size_t lcp = SIZE_MAX;
            const char *t0 = a[0].text + off;
            for (size_t i = 1; i < n && lcp > 8; i++) {
                size_t lim = (a[i].len < a[0].len ? a[i].len : a[0].len) - off, l = 0;
                if (lim > lcp)
                    lim = lcp;
                const char *ti = a[i].text + off;
                while (l + 8 <= lim && fold8(load8(t0 + l)) == fold8(load8(ti + l)))
                    l += 8;
                lcp = l;
            }
            off += lcp > 8 ? lcp : 8;
            continue;
        }
        if (cancelled(cancel))
            return 0;
        dmsg *x = a, *y = t;
        radix_dmsg(&x, &y, n);
        if (x != a)
            memcpy(a, x, n * sizeof *a);
        for (size_t i = 0; i < n;) {
            size_t j = i + 1;
            while (j < n && a[j].key == a[i].key)
                j++;
            if (j - i > 1 && (a[i].key & 0xff) != 0 && !sort_distinct(a + i, t + i, j - i, off + 8, cancel))
                return 0;
            i = j;
        }
        return 1;
    }
    return 1;
}

/* Messages: the same text comes back again and again (a service entering the running state),
 * so the distinct texts are found first and only they are sorted; each row then gets its
 * text's rank as an exact key. Finding them: rows of one batch that repeat a message share its
 * copy (es_batch_add), so a row whose pointer was just seen takes that row's text at once; the
 * others are hashed (case folded, 8 bytes at a time) in one pass along the texts as they lie
 * in memory, then looked up in a table of the distinct ones, the table's slots fetched ahead.
 * NULL when out of memory or cancelled (the caller sorts by prefix). */
#define PTR_MEMO 4096
static uint64_t *message_ranks(const es_rowstore *s, size_t first, size_t n, atomic_int *cancel)
{
    size_t cap = 1024;
    while (cap < 2 * n && cap < ((size_t)1 << 31))
        cap *= 2;
    size_t mask = cap - 1;
    typedef struct slot { uint32_t hash; uint32_t id1; } slot;   /* id1: the distinct text's id + 1 */
    slot *tab = calloc(cap, sizeof *tab);
    uint32_t *row_id = malloc((n ? n : 1) * sizeof *row_id);
    uint64_t *hash = malloc((n ? n : 1) * sizeof *hash);
    dmsg *d = malloc((n ? n : 1) * sizeof *d), *tmp = NULL;
    struct { const char *p; uint32_t row; } *memo = calloc(PTR_MEMO, sizeof *memo);
    uint64_t *keys = NULL, *rank = NULL;
    size_t nd = 0;
    int ok = tab && row_id && hash && d && memo;
    /* 1: each row's hash, or the earlier row whose copy of the text it shares (row_id) */
    for (size_t i = 0; ok && i < n; i++) {
        if ((i & (CANCEL_EVERY - 1)) == 0 && cancelled(cancel))
            ok = 0;
        const es_row *r = es_rowstore_get(s, first + i);
        size_t m = (size_t)(((uintptr_t)r->message >> 3) * 0x9E3779B97F4A7C15ull >> 40) & (PTR_MEMO - 1);
        if (memo[m].p == r->message) {
            row_id[i] = memo[m].row;
            hash[i] = hash[memo[m].row];
        } else {
            memo[m].p = r->message;
            memo[m].row = (uint32_t)i;
            row_id[i] = (uint32_t)i;
            hash[i] = fold_hash(r->message, msg_len_of(r));
        }
    }
    /* 2: the distinct texts */
    for (size_t i = 0; ok && i < n; i++) {
        if ((i & (CANCEL_EVERY - 1)) == 0 && cancelled(cancel))
            ok = 0;
#if defined(__GNUC__) || defined(__clang__)
        /* fetch ahead: the slot a row 16 on will look at, and the text a row 8 on will likely
         * be compared with (its slot fetched 8 rows ago) */
        if (i + 16 < n)
            __builtin_prefetch(&tab[hash[i + 16] & mask]);
        if (i + 8 < n && row_id[i + 8] == i + 8) {
            const slot *sl = &tab[hash[i + 8] & mask];
            if (sl->id1 && sl->hash == (uint32_t)(hash[i + 8] >> 32)) {
                __builtin_prefetch(d[sl->id1 - 1].text);
                __builtin_prefetch(d[sl->id1 - 1].text + 64);
            }
        }
#endif
        if (row_id[i] != i) {   /* the same copy as an earlier row: that row's text */
            row_id[i] = row_id[row_id[i]];
            continue;
        }
        const es_row *r = es_rowstore_get(s, first + i);
        size_t len = msg_len_of(r);
        uint64_t h = hash[i];
        size_t k = (size_t)h & mask;
        for (;; k = (k + 1) & mask) {
            if (!tab[k].id1) {
                tab[k].hash = (uint32_t)(h >> 32);
                tab[k].id1 = (uint32_t)nd + 1;
                d[nd].text = r->message;
                d[nd].len = (uint32_t)len;
                d[nd].id = (uint32_t)nd;
                nd++;
                break;
            }
            if (tab[k].hash == (uint32_t)(h >> 32)) {
                const dmsg *q = &d[tab[k].id1 - 1];
                if (q->len == len && (q->text == r->message || fold_equal(q->text, r->message, len)))
                    break;
            }
        }
        row_id[i] = tab[k].id1 - 1;
    }
    free(tab);
    free(hash);
    free(memo);
    if (ok) {
        tmp = malloc((nd ? nd : 1) * sizeof *tmp);
        rank = malloc((nd ? nd : 1) * sizeof *rank);
        keys = malloc((n ? n : 1) * sizeof *keys);
        ok = tmp && rank && keys;
    }
    /* 3: the distinct texts sorted; texts equal but for case share one (the hash and compare
     * fold letters), so the place of each is its text's exact rank */
    if (ok)
        ok = sort_distinct(d, tmp, nd, 0, cancel);
    for (size_t i = 0; ok && i < nd; i++)
        rank[d[i].id] = i;
    for (size_t i = 0; ok && i < n; i++)
        keys[i] = rank[row_id[i]];
    if (!ok) {
        free(keys);
        keys = NULL;
    }
    free(rank);
    free(d);
    free(tmp);
    free(row_id);
    return keys;
}

int es_view_sort(const es_rowstore *s, size_t first, size_t n, es_order o, const es_view_ctx *c, uint32_t *out,
                 atomic_int *cancel)
{
    if (n == 0)
        return 1;
    kv *a = malloc(n * sizeof *a), *t = malloc(n * sizeof *t);
    uint64_t *colkey = malloc(n * sizeof *colkey);
    uint64_t *ranks = !is_text(o.col)              ? NULL
                      : o.col == ES_COL_MESSAGE ? message_ranks(s, first, n, cancel)
                                                : text_ranks(s, first, n, o.col, c);
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
