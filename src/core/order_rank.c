/* Text columns ranked by their distinct texts (see order_int.h): each row's key is its text's
 * exact rank, so the sort (order.c) needs one radix pass for the column whatever the texts.
 * Source, Task, Computer and Log: rows share a few string copies, ranked once by pointer.
 * Message: the distinct texts are found by a case-folding hash (rows of a batch that repeat a
 * message share its copy) and only they are sorted, 8 folded bytes at a time. */
#include "order_int.h"

#include <stdlib.h>
#include <string.h>

/* Text columns where rows share a few strings (Source, Task, Computer: a batch keeps one copy
 * of each; Log: one per source and log), ranked once: the distinct string pointers, sorted by
 * text, give each row an exact key in one pass over the rows in arrival order. NULL when the
 * strings are many (Message) or memory is short: the caller sorts by prefix instead. */
uint64_t *order_text_ranks(const es_rowstore *s, size_t first, size_t n, es_col col, const es_view_ctx *c)
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
#error "order_rank.c reads texts 8 bytes at a time as little-endian words"
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

ORDER_RADIX(radix_dmsg, dmsg)

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
        dmsg *x = a, *y = t;
        if (!radix_dmsg(&x, &y, n, cancel))
            return 0;
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
uint64_t *order_message_ranks(const es_rowstore *s, size_t first, size_t n, atomic_int *cancel)
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
